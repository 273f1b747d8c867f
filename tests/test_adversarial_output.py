"""Output cannot be forged: catalog values and file names are escaped in every output format.

A value or a file name arrives in a pull request. It may hold a newline followed by a GitHub
workflow command (``::error file=x::forged``), an ANSI escape, a bidi override or rich markup;
none of them may reach the output raw. Exact tests pin the escaped text; a Hypothesis test feeds
random text (control and bidi characters included) into every text field of the minimal catalog
and checks every format of validate, diff, progress, list and show.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spbe_cli import explore, i18n, progress_format
from spbe_cli import report as validate_format
from spbe_cli.cli.app import app
from spbe_cli.diff import diff_snapshots
from spbe_cli.diff import formats as diff_format
from spbe_cli.errors import Finding, Location, Report, Severity
from spbe_cli.gitsource import folder_snapshot
from spbe_cli.loader import load_catalog
from spbe_cli.markup import (
    CONTROL,
    github_data,
    github_property,
    html_escape,
    json_dumps,
    md_code,
    md_escape,
    md_inert,
    md_table,
    safe,
    safe_block,
    text_table,
)
from spbe_cli.progress import Options, compute_progress
from spbe_cli.render.prose import markdown_parser
from spbe_cli.validate import validate_catalog
from tests.helpers import MINIMAL, copy_minimal

runner = CliRunner()

#: A value that tries everything at once.
EVIL = "A\n::error file=x::forged\x1b[31m\u202e[bold]\x7f\x85\u2066"
#: The same as :func:`safe` shows it.
EVIL_SAFE = "A\\n::error file=x::forged\\x1b[31m\\u202e[bold]\\x7f\\x85\\u2066"
FORGED = "::error file=x::forged"


def assert_clean(output: str | list[str]) -> None:
    """No control character but a document's own newlines, and no forged annotation line.

    A list holds lines: not even a newline may be in one.
    """
    lines = output if isinstance(output, list) else output.split("\n")
    for line in lines:
        found = CONTROL.search(line)
        assert found is None, f"raw {found.group(0)!r} in {line!r}"
        assert not line.lstrip().startswith(FORGED), line


# -- the escaping functions ------------------------------------------------------------------------


def test_safe_shows_every_control_character_visibly() -> None:
    assert safe(EVIL) == EVIL_SAFE
    assert safe("a\tb\rc\x00\x9b\u200f\u2028\udcff") == "a\\tb\\rc\\x00\\x9b\\u200f\\u2028\\udcff"
    assert safe("Dinas Komunikasi — 1.250 [ok]") == "Dinas Komunikasi — 1.250 [ok]"
    assert safe_block("a\nb\x1b") == "a\nb\\x1b"


def test_safe_block_rewrites_every_character_but_the_newline_that_safe_does() -> None:
    # The ASCII fast path and the regular expression agree on every character, alone or amid
    # plain text, and a plain text comes back as the very object given.
    for code in [*range(0x100), 0x200F, 0x2028, 0xDCFF]:
        char = chr(code)
        want = char if char == "\n" else safe(char)
        assert safe_block(char) == want, code
        assert safe_block(f"ab\n{char}c") == f"ab\n{want}c", code
    plain = '{\n  "nama": "Dinas Kominfo"\n}' * 1000
    assert safe_block(plain) is plain


def test_markdown_escaping_is_one_line_and_literal() -> None:
    assert md_escape(EVIL) == (
        "A ::error file=x::forged\\\\x1b\\[31m\\\\u202e\\[bold\\]\\\\x7f\\\\x85\\\\u2066"
    )
    assert md_escape("a_b _c_ *d* <script> | #1 ~x~ @team a@b.id &amp; & `c`") == (
        "a_b \\_c\\_ \\*d\\* \\<script\\> \\| \\#1 \\~x\\~ &#64;team a@b.id &amp;amp; & \\`c\\`"
    )
    assert md_code("APP`-01\n") == "``APP`-01\\n``"


#: What GitHub links or notifies in the text of a rendered comment (after entities and backslash
#: escapes are resolved): an @mention or e-mail, an issue reference, a URL, ``www.``.
GITHUB_LINKING = re.compile(
    r"@[A-Za-z0-9]|#[A-Za-z0-9]|(?i:gh-\d)|(?i:https?|ftp|mailto|xmpp):|(?i:www)\.",
)


@pytest.mark.parametrize(
    ("value", "inert"),
    [
        ("cc @kepala-dinas", "cc &#64;&#8203;kepala-dinas"),
        ("@org/tim-spbe", "&#64;&#8203;org/tim-spbe"),
        ("kontak admin@mimikakab.go.id", "kontak admin@&#8203;mimikakab.go.id"),
        ("lihat #12, owner/repo#3, GH-7", "lihat \\#&#8203;12, owner/repo\\#&#8203;3, GH-&#8203;7"),
        ("https://contoh.id/x", "https&#8203;://contoh.id/x"),
        ("_http://x.id", "\\_http&#8203;://x.id"),
        ("<HTTPS://x.id>", "\\<HTTPS&#8203;://x.id\\>"),
        ("www.contoh.id", "www&#8203;.contoh.id"),
        ("mailto:a@b.id", "mailto&#8203;:a@&#8203;b.id"),
        ("Program 1 - SPBE", "Program 1 - SPBE"),
    ],
)
def test_review_comment_text_neither_links_nor_notifies(value: str, inert: str) -> None:
    """``spbe diff --format markdown`` is posted on the pull request: no value may ping or link."""
    assert md_inert(value) == inert
    shown = html.unescape(re.sub(r"\\(.)", r"\1", inert)).replace("\u200b", " ")
    assert GITHUB_LINKING.search(shown) is None, shown


def renamed_program(tmp_path: Path, name: str) -> Any:
    """The changes of the minimal catalog whose program SC-04 gets the ``nama`` line ``name``."""
    old = copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    living = new / "program" / "living.yaml"
    text = living.read_text("utf-8")
    living.write_text(text.replace("nama: Puskesmas Keliling Sungai", f"nama: {name}"), "utf-8")
    return diff_snapshots(folder_snapshot(old, "old"), folder_snapshot(new, "new"))


def test_diff_review_comment_uses_the_inert_escaping(tmp_path: Path) -> None:
    changes = renamed_program(
        tmp_path, '"Untuk @kepala-dinas, lihat #12 dan https://contoh.id atau www.contoh.id"'
    )
    markdown = diff_format.format_markdown(changes)
    assert "&#64;&#8203;kepala-dinas" in markdown
    shown = html.unescape(re.sub(r"\\(.)", r"\1", markdown)).replace("\u200b", " ")
    for line in shown.splitlines():
        if "kepala-dinas" in line:
            assert GITHUB_LINKING.search(line) is None, line


@pytest.mark.parametrize(
    "name",
    [
        "catalog/opd/a`b.yaml",
        "`awal.yaml",
        "akhir.yaml`",
        "``dua`` dan ```tiga```",
        " spasi di depan.yaml",
        "spasi di belakang.yaml ",
        " keduanya ",
        "`",
        "baris\nbaru.yaml",
        "APL-01",
    ],
)
def test_a_code_span_shows_every_character_of_a_name(name: str) -> None:
    # A file name with a backtick lost it (a reviewer read another name than the file's).
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(f"lihat {md_code(name)} di sini")[0].children
    assert tokens is not None
    spans = [token.content for token in tokens if token.type == "code_inline"]
    assert spans == [safe(name)]


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("1. Program Satu", "1\\. Program Satu"),
        ("10) Sepuluh", "10\\) Sepuluh"),
        ("- Promosi", "\\- Promosi"),
        ("+ Plus", "\\+ Plus"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("  2. x", "  2\\. x"),
        # Not a block start: numbers, codes, ranges, a minus sign, text after the start.
        ("2025", "2025"),
        ("60.5", "60.5"),
        ("2.16.03.2.02 (kegiatan)", "2.16.03.2.02 (kegiatan)"),
        ("-5", "-5"),
        ("a - b", "a - b"),
        ("1234567890. x", "1234567890. x"),
    ],
)
def test_markdown_escaping_keeps_a_value_at_a_line_start_text(value: str, escaped: str) -> None:
    """'- {{ nama }}' with nama '1. Program Satu' was a nested numbered list, the '1.' gone."""
    shown = md_escape(value, line_start=True)
    assert shown == escaped
    # What markdown-it makes of it as a list item: one item, the value as its text.
    tokens = markdown_parser().parse(f"- {shown}\n")
    assert [t.type for t in tokens].count("list_item_open") == 1
    assert next(t for t in tokens if t.type == "inline").content == shown.strip()
    html = markdown_parser().render(f"- {shown}\n")
    assert html.count("<li>") == 1 and "<ol" not in html and value.strip() in html


def test_table_cells_are_escaped() -> None:
    assert md_table(["h"], [[EVIL]])[2] == "| " + md_escape(EVIL) + " |"
    # Inert in every table: "spbe sync --format markdown" mentioned and linked like plain text.
    assert md_table(["@h"], [["@kepala-dinas #12"]])[::2] == [
        "| &#64;&#8203;h |",
        "| &#64;&#8203;kepala-dinas \\#&#8203;12 |",
    ]
    assert text_table(["h"], [[EVIL]])[2] == EVIL_SAFE


def test_html_json_and_github_escaping() -> None:
    assert html_escape('<b title="x">\x1b') == "&lt;b title=&quot;x&quot;&gt;\\x1b"
    text = json_dumps({"v": EVIL})
    assert json.loads(text) == {"v": EVIL}
    assert CONTROL.search(text.replace("\n", "")) is None
    assert "\\u202e" in text
    assert "\\u001b" in text
    assert github_data("50%\r\n::error::x\x1b") == "50%25%0D%0A::error::x\\x1b"
    assert github_property("a:b,c") == "a%3Ab%2Cc"


# -- validate, each format, with a synthetic finding ------------------------------------------


@pytest.fixture
def evil_report() -> Report:
    finding = Finding(
        "SPBE103",
        Severity.ERROR,
        Location(f"catalog/{EVIL}.yaml", 3, 7),
        f"'{EVIL}' is not a valid id",
        hint=EVIL,
    )
    return Report([finding], files=1, entities=1)


def test_validate_text(evil_report: Report) -> None:
    lines = validate_format.format_text(evil_report)
    assert lines[0] == (
        f"catalog/{EVIL_SAFE}.yaml:3:7: error[SPBE103]: '{EVIL_SAFE}' is not a valid id"
    )
    assert lines[1].endswith(f": {EVIL_SAFE}")
    assert_clean(lines)


def test_validate_github(evil_report: Report) -> None:
    i18n.set_language("en")
    line = validate_format.format_github(evil_report)[0]
    assert line == (
        "::error file=catalog/A%0A%3A%3Aerror file=x%3A%3Aforged\\x1b[31m\\u202e[bold]\\x7f\\x85"
        "\\u2066.yaml,line=3,col=7,title=SPBE103::'A%0A::error file=x::forged\\x1b[31m\\u202e"
        "[bold]\\x7f\\x85\\u2066' is not a valid id (hint: A%0A::error file=x::forged\\x1b[31m"
        "\\u202e[bold]\\x7f\\x85\\u2066)"
    )
    assert_clean([line])


@pytest.mark.parametrize("fmt", ["json", "gitlab"])
def test_validate_json_formats(evil_report: Report, fmt: str) -> None:
    text = (
        validate_format.format_json(evil_report, "catalog")
        if fmt == "json"
        else validate_format.format_gitlab(evil_report)
    )
    assert_clean(text)
    data = json.loads(text)  # a tool reading the JSON gets the value exactly
    if fmt == "json":
        assert data["findings"][0]["hint"] == EVIL
    else:
        assert data[0]["location"]["path"] == f"catalog/{EVIL}.yaml"


# -- the CLI, with an evil file name and evil values -------------------------------------------


@pytest.fixture
def evil_catalog(tmp_path: Path) -> Path:
    root = copy_minimal(tmp_path / "catalog")
    (root / "opd" / f"{EVIL}.yaml").write_text("entitas: opd\nid: DINAS\n", "utf-8")
    living = root / "program" / "living.yaml"
    # Control characters in values are refused at load (SPBE019); what passes the loader can
    # still look like an annotation, rich markup or Markdown, and must be shown literally.
    quoted = '"A ::error file=x::forged [bold red][link=http://x]x[/link] <b>|"'
    living.write_text(
        living.read_text("utf-8").replace("nama: Puskesmas Keliling Sungai", f"nama: {quoted}"),
        "utf-8",
    )
    economy = root / "program" / "economy.yaml"
    economy.write_text(
        economy.read_text("utf-8").replace(
            "opd_pj: DISKOMINFO", 'opd_pj: "NOPE\\n::error file=x::forged\\e[31m"'
        ),
        "utf-8",
    )
    return root


@pytest.mark.parametrize("fmt", ["text", "json", "github", "gitlab"])
def test_cli_validate_escapes_file_names_and_values(evil_catalog: Path, fmt: str) -> None:
    result = runner.invoke(app, ["--lang", "en", "validate", str(evil_catalog), "-f", fmt])
    assert result.exit_code == 1, result.output
    assert_clean(result.stdout)
    assert_clean(result.stderr)
    if fmt == "text":
        assert f"opd/{EVIL_SAFE}.yaml:1:1: error[SPBE108]: " in result.stdout
    if fmt == "github":
        assert "/opd/A%0A%3A%3Aerror file=x%3A%3Aforged\\x1b[31m\\u202e[bold]" in result.stdout


PROGRESS = ["progress", "{c}", "--tahun", "2026", "--tanggal", "2026-10-15", "--force"]


@pytest.mark.parametrize(
    "args",
    [
        ["list", "program", "-c", "{c}"],
        ["list", "program", "-c", "{c}", "-f", "json"],
        ["show", "SC-04", "-c", "{c}"],
        ["show", "SC-04", "-c", "{c}", "-f", "json"],
        ["graph", "SC-04", "-c", "{c}", "-f", "dot"],
        ["graph", "SC-04", "-c", "{c}"],
        PROGRESS,
        [*PROGRESS, "-f", "markdown"],
        [*PROGRESS, "-f", "html"],
        [*PROGRESS, "-f", "json"],
        ["sync", "{c}"],
        ["sync", "{c}", "-f", "markdown"],
        ["sync", "{c}", "-f", "json"],
    ],
)
def test_cli_explore_progress_sync_escape_values(evil_catalog: Path, args: list[str]) -> None:
    command = [str(evil_catalog) if a == "{c}" else a for a in args]
    result = runner.invoke(app, ["--lang", "en", *command])
    assert result.exit_code in (0, 1, 3), result.output
    assert_clean(result.stdout)
    assert_clean(result.stderr)


def test_cli_show_and_list_print_values_escaped(evil_catalog: Path) -> None:
    shown = "A ::error file=x::forged [bold red][link=http://x]x[/link] <b>|"
    result = runner.invoke(app, ["--lang", "en", "show", "SC-04", "-c", str(evil_catalog)])
    assert result.stdout.splitlines()[0] == f"program SC-04: {shown}"
    result = runner.invoke(app, ["--lang", "en", "list", "program", "-c", str(evil_catalog)])
    assert any(line.startswith(f"SC-04  {shown}  DISKOMINFO") for line in result.stdout.split("\n"))
    result = runner.invoke(app, ["graph", "SC-04", "-c", str(evil_catalog), "-f", "dot"])
    assert f'label="SC-04\\n{shown}"' in result.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_cli_diff_escapes_values_and_file_names(
    evil_catalog: Path, tmp_path: Path, fmt: str
) -> None:
    result = runner.invoke(
        app, ["--lang", "en", "diff", str(MINIMAL), str(evil_catalog), "-f", fmt]
    )
    assert result.exit_code in (0, 3), result.output
    assert_clean(result.stdout)
    assert_clean(result.stderr)
    if result.exit_code == 3:  # the loader refused a side: its findings name the file
        assert f"opd/{EVIL_SAFE}.yaml:1:1: error[SPBE108]" in result.stderr


def test_diff_formats_escape_changed_values(tmp_path: Path) -> None:
    changes = renamed_program(tmp_path, '"A\\n::error file=x::forged\\e[31m"')
    text = diff_format.format_text(changes)
    # The loader refuses the control character: the program cannot be compared, and the
    # finding that says so is shown escaped like every other value.
    assert [(e.side, e.ids) for e in changes.uncomparable] == [("new", ("SC-04",))]
    assert_clean(text)
    markdown = diff_format.format_markdown(changes)
    assert_clean(markdown)
    assert_clean(diff_format.format_json(changes))


def test_console_never_reads_rich_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the data goes through rich as Text: markup and escapes stay visible."""
    import io

    from spbe_cli.cli import console

    buffer = io.StringIO()
    buffer.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdout", buffer)
    console.out([f"x.yaml:1:1: error[SPBE101]: [bold red]{EVIL}[/bold red] [link=http://x]y"])
    console.table(["id"], [["[bold]A[/bold]\x1b[31m"]])
    shown = buffer.getvalue()
    assert "[bold red]A\\n::error file=x::forged\\x1b[31m" in shown
    assert "[link=http://x]y" in shown
    assert "[bold]A[/bold]\\x1b[31m" in shown
    assert "\x1b[31m" not in shown.replace("\x1b[1;31m", "")


# -- Hypothesis: random text in every text field -------------------------------------------------

#: Keys whose values are free text in the minimal catalog.
TEXT_KEYS = ("nama", "judul", "satuan", "kondisi", "nomor", "sumber")


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar that spells every unusual character as an escape."""
    out = []
    for char in text:
        code = ord(char)
        if 0x20 <= code < 0x7F and char not in '"\\':
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def mutate(root: Path, texts: list[str]) -> None:
    """Put the texts, in turn, into every free-text field of every file under root."""
    import re

    pattern = re.compile(r"(?<![\w-])(" + "|".join(TEXT_KEYS) + r"): ([^,{}\n]+)")
    count = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"{match.group(1)}: {yaml_quoted(texts[count % len(texts)])}"

    for path in sorted(root.rglob("*.yaml")):
        path.write_text(pattern.sub(repl, path.read_text("utf-8")), "utf-8")


CONTROLS = ["\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u2028"]
NASTY = st.sampled_from(
    [*CONTROLS, "::error file=x::", "[bold]", "`", "|", "<", "&", "%", "#", "@", "_", "*"]
)
TEXT = st.lists(
    st.one_of(
        NASTY,
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
    ),
    min_size=1,
    max_size=6,
).map("".join)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(texts=st.lists(TEXT, min_size=1, max_size=3))
def test_random_text_never_reaches_any_output_raw(tmp_path: Path, texts: list[str]) -> None:
    i18n.set_language("en")
    case = tmp_path / "case"
    if case.exists():
        shutil.rmtree(case)
    root = copy_minimal(case / "catalog")
    mutate(root, texts)
    outputs: list[str | list[str]] = []
    catalog, report = validate_catalog(root, "catalog")
    outputs += [
        validate_format.format_text(report),
        validate_format.format_github(report),
        validate_format.format_json(report, "catalog"),
        validate_format.format_gitlab(report),
    ]
    changes = diff_snapshots(folder_snapshot(MINIMAL, "old"), folder_snapshot(root, "new"))
    outputs += [
        diff_format.format_text(changes),
        diff_format.format_markdown(changes),
        diff_format.format_json(changes),
    ]
    catalog, _ = load_catalog(root, "catalog")
    progress = compute_progress(catalog, Options(2026, date(2026, 10, 15)))
    outputs += [
        progress_format.format_text(progress),
        progress_format.format_markdown(progress),
        progress_format.format_json(progress),
        progress_format.format_html(progress),
    ]
    rows = explore.list_entities(catalog, "program")
    outputs += [
        text_table(explore.list_headers(), explore.list_cells(rows)),
        explore.list_json("program", rows),
    ]
    for entity_id in ("SC-04", "DISKOMINFO"):
        if catalog.get(entity_id) is not None:
            shown = explore.show_entity(catalog, entity_id)
            outputs += [explore.show_text(shown)]
            outputs += [explore.show_json(shown)]
    for output in outputs:
        assert_clean(output)


def test_diff_refuses_a_revision_with_control_characters_and_shows_it_escaped() -> None:
    result = runner.invoke(app, ["--lang", "en", "diff", "v1\u202e\n::error file=x::forged"])
    assert result.exit_code == 2, result.output
    assert "v1\\u202e\\n::error file=x::forged" in result.stderr
    assert_clean(result.stderr)


@pytest.mark.parametrize("tty", [False, True])
def test_a_document_in_parts_is_written_as_the_whole_would_be(
    monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    """console.out_parts (spbe sync --format json): what console.out of the joined text gives.

    Piped, each part is made safe on its own and written; on a terminal the parts go through
    rich as one document. Control characters in any part, and a part that is empty.
    """
    import io

    from spbe_cli.cli import console

    parts = ['{\n  "a": "', EVIL, "", '",\n  "b": "Dinas — 1.250 [ok]', "\x00\r\n", '"\n}']
    written = []
    for out in (lambda: console.out("".join(parts)), lambda: console.out_parts(parts)):
        buffer = io.StringIO()
        buffer.isatty = lambda: tty  # type: ignore[method-assign]
        monkeypatch.setattr("sys.stdout", buffer)
        out()
        written.append(buffer.getvalue())
    assert written[0] == written[1]
    assert EVIL_SAFE.replace("\\n", "\n") in written[1]
    assert "\x1b[31m" not in written[1].replace("\x1b[1;31m", "") and "\\x00\\r\n" in written[1]
