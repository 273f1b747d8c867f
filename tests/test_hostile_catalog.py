"""Class-level check: a hostile string in every free-text field reaches no output live.

One catalog per hostile string (``spbe init``'s example catalog, with the string put into every
free-text field of every entity kind by :mod:`tests.hostile`), built once; then every command
and output format that echoes catalog values runs on it, and each output is checked by the rules
of its own format:

* terminal text: no raw control character (only the newlines of the output itself);
* Markdown: no raw HTML, no link or image a value made, table rows keep their cells; what may be
  posted on a pull request (diff, progress, sync, indeks) neither mentions nor links;
* HTML: no element or attribute a value made (``<script>``, ``<img onerror>``, ``javascript:``);
* Mermaid: every line is one the generator wrote (labels quoted, no ``click``, ``%%{init}``,
  ``:::``), in ``spbe graph`` and in the documents' diagrams;
* DOT: every statement is quoted ids and a quoted attribute list, no HTML label;
* CSV/XLSX: no cell a spreadsheet would run as a formula;
* XML (ArchiMate) and DOCX: well-formed, only characters XML 1.0 may carry;
* JSON and SARIF: parse, and the value comes back exactly.

Control characters are refused by the loader (SPBE019): for those strings the check is that the
refusal, and whatever the commands still print, is clean too.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from spbe_cli import scaffold
from spbe_cli.cli.app import app
from spbe_cli.markup import CONTROL
from spbe_cli.render.prose import markdown_parser
from tests.hostile import hostile_catalog

runner = CliRunner()

#: Each hostile string, by the output format it attacks. Short-text fields get it on one line.
HOSTILE = {
    # Refused by the loader (SPBE019) at the first one; the refusal must show them escaped.
    "terminal": "\x1b[31mMERAH\x1b[0m \x1b]8;;http://x\x1b\\tautan\x1b]8;;\x1b\\ "
    "\x1b]52;c;ZWNobyBoaQ==\x07 aman\rPALSU a\x00b\x08c\x7fd\x85e\x9bf",
    # Passes the loader (bidi controls and the BOM do not): line and paragraph separators,
    # zero-width and soft-hyphen characters.
    "invisible": "a\u2028b\u2029c\u200bd\u200de\u00adf\u2028",
    # With matplotlib's mathtext (``$...$``), which the figures must not parse.
    "rich-markup": "[bold red]merah[/bold red] [link=http://x]klik[/link] $\\frac{1}{$ $x^{$",
    "html": '<script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:x">a</a>',
    "md-links": "[klik](javascript:alert(1)) ![g](http://x/g.png) <http://evil.example> "
    "https://evil.example www.evil.example @kepala-dinas #12 GH-3 owner/repo#4",
    "md-syntax": "# Judul | b | c `kode` **tebal** _miring_ \\ &amp; &#64;\n- butir\n1. satu\n"
    "> kutip\n---\n    kode\n```\nblok\n~~~",
    "mermaid": 'A"] --> X["B\nclick n0 call alert() %%{init: {"securityLevel":"loose"}}%% '
    ":::evil ; end subgraph graph TD",
    "dot": '" \\ \\" < > ] ; } label=<<b>x</b>> \n digraph { "a" -> "b" }',
    "formula": '=HYPERLINK("http://x","klik") +1 -2 @SUM(A1)',
    "formula-lead": "\t@SUM(A1)",
    "xml-json-yaml": '<x a="1">&amp; ]]> <!-- c --> "}], {"x": null} \\u0000 \U0001f600 : - ? '
    "& * ! | > % @ ` # --- ... ~ yes",
}

#: The hostile strings for spreadsheets and DOT only: documents are not rendered (keeps it fast).
NO_DOCUMENTS = ("dot", "formula", "formula-lead")
#: The hostile strings whose documents are written as DOCX too.
DOCX_CASES = ("invisible", "xml-json-yaml")

KERANGKA = "pemdi-8-2026"
TAHUN = ["--tahun", "2026", "--tanggal", "2026-10-15"]


@dataclass
class Case:
    """The outputs of every command on one hostile catalog."""

    hostile: str
    catalog: Path
    fields: list[str]
    key: str
    base: Path
    #: (name, format) -> output text; a file's text for the file-writing commands.
    outputs: dict[tuple[str, str], str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    def of(self, fmt: str) -> Iterator[tuple[str, str]]:
        for (name, kind), text in self.outputs.items():
            if kind == fmt:
                yield name, text


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``spbe init``'s example catalog: every entity kind, metadata prose, sub-lists."""
    options = scaffold.InitOptions("Kabupaten Mimika", "94.04", "kabupaten", 2025)
    files, _notes = scaffold.plan_init(options)
    root = tmp_path_factory.mktemp("base")
    for rel, text in files.items():
        if rel.startswith("catalog/"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, "utf-8")
    return root / "catalog"


#: What each command wrote on stderr (messages, refusals), checked as terminal text.
STDERR: dict[tuple[str, ...], str] = {}


def run(*args: str) -> tuple[int, str]:
    """Exit code and standard output of ``spbe --lang en ARGS``; stderr is kept in STDERR."""
    result = runner.invoke(app, ["--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2, 3), result.output
    assert "Traceback" not in result.output
    STDERR[args] = result.stderr
    return result.exit_code, result.stdout


@pytest.fixture(scope="module", params=sorted(HOSTILE), ids=sorted(HOSTILE))
def case(
    request: pytest.FixtureRequest, base: Path, tmp_path_factory: pytest.TempPathFactory
) -> Case:
    hostile = HOSTILE[request.param]
    work = tmp_path_factory.mktemp(request.param)
    catalog = work / "catalog"
    found = Case(hostile, catalog, hostile_catalog(base, catalog, hostile), request.param, base)
    out = found.outputs
    STDERR.clear()
    c = str(catalog)
    for fmt in ("text", "json", "github", "gitlab", "sarif"):
        out["validate", fmt] = run("validate", c, "-f", fmt)[1]
    for kind in ("program", "opd", "regulasi", "aplikasi"):
        out[f"list {kind}", "text"] = run("list", kind, "-c", c)[1]
        out[f"list {kind}", "json"] = run("list", kind, "-c", c, "-f", "json")[1]
    for entity in ("SC-GOV-01", "DISKOMINFO", "PERPRES-95-2018", "APP-PORTAL-PPID"):
        out[f"show {entity}", "text"] = run("show", entity, "-c", c)[1]
        out[f"show {entity}", "json"] = run("show", entity, "-c", c, "-f", "json")[1]
    out["graph", "mermaid"] = run("graph", "-c", c)[1]
    out["graph", "dot"] = run("graph", "-c", c, "-f", "dot")[1]
    out["graph DISKOMINFO", "mermaid"] = run("graph", "DISKOMINFO", "-c", c)[1]
    for fmt in ("text", "markdown", "json"):
        out["diff", fmt] = run("diff", str(base), c, "-f", fmt)[1]
        out["sync", fmt] = run("sync", c, "--force", "-f", fmt)[1]
    for fmt in ("text", "markdown", "json", "html"):
        out["progress", fmt] = run("progress", c, *TAHUN, "--force", "-f", fmt)[1]
        out["indeks", fmt] = run("indeks", c, "-k", KERANGKA, "--force", "-f", fmt)[1]
    out["rules", "text"] = run("rules", "-c", c)[1]
    _code, text = run("export", "archimate", "-c", c, "--force", "-o", str(work / "a.xml"))
    out["export archimate", "text"] = text
    if (work / "a.xml").exists():
        out["export archimate", "xml"] = (work / "a.xml").read_text("utf-8")
    _code, text = run("export", "sia", "-c", c, "--force", "-o", str(work / "sia.xlsx"))
    out["export sia", "text"] = text
    if (work / "sia.xlsx").exists():
        found.files["export sia"] = work / "sia.xlsx"
    _code, text = run("export", "tabel", "-c", c, "--force", "-o", str(work / "tabel"))
    out["export tabel", "text"] = text
    for path in sorted((work / "tabel").glob("*.csv")):
        out[f"export tabel {path.name}", "csv"] = path.read_text("utf-8")
    build = work / "build"
    if request.param in NO_DOCUMENTS:
        return finish(found)
    # DOCX is the slowest format: only for the strings that attack XML.
    formats = "all" if request.param in DOCX_CASES else "md,html"
    _code, text = run(
        "render", c, "-o", str(build), "-f", formats, "--force", "--since", str(base), *TAHUN
    )
    out["render", "text"] = text
    for path in sorted(build.rglob("*")):
        if path.suffix in (".md", ".html"):
            out[f"render {path.name}", path.suffix[1:]] = path.read_text("utf-8")
        elif path.suffix == ".svg":
            out[f"render {path.name}", "svg"] = path.read_text("utf-8")
        elif path.suffix == ".docx":
            found.files[f"render {path.name}"] = path
    return finish(found)


def finish(found: Case) -> Case:
    """Keep what the commands wrote on stderr as terminal text."""
    for args, text in STDERR.items():
        found.outputs[" ".join(args), "stderr"] = text
    return found


def loaded(case: Case) -> bool:
    """Whether the loader took the hostile values (no control character refused)."""
    return "SPBE019" not in case.outputs["validate", "text"]


# -- every output, every format -------------------------------------------------------------


def test_every_free_text_field_of_every_kind_is_hostile(case: Case) -> None:
    kinds = {where.split(":")[0] for where in case.fields}
    assert kinds >= {
        "metadata", "opd", "regulasi", "referensi", "proses_bisnis", "data_informasi",
        "layanan", "aplikasi", "infrastruktur", "keamanan", "program", "peta_rencana",
        "kesiapan", "evaluasi_mandiri",
    }  # fmt: skip
    names = {where.rsplit(".", 1)[-1] for where in case.fields}
    assert names >= {"nama", "uraian", "tujuan", "catatan", "judul", "singkatan", "keterangan"}
    if loaded(case):  # the catalog stays valid: every command sees the values
        assert " 0 errors" in case.outputs["validate", "text"], case.outputs["validate", "text"]


#: Data files that carry a value as it is (an XML text node, a CSV cell): its own tabs and line
#: separators are data there, read back exactly, and no terminal shows them.
KEEP_TAB = ("xml", "csv")
DATA_WHITESPACE = str.maketrans("\t\u2028\u2029", "   ")


def test_no_output_carries_a_raw_control_character(case: Case) -> None:
    for (name, fmt), text in case.outputs.items():
        for number, line in enumerate(text.split("\n"), 1):
            found = CONTROL.search(line.translate(DATA_WHITESPACE) if fmt in KEEP_TAB else line)
            assert found is None, (
                f"{name} ({fmt}) line {number}: raw {found.group(0)!r} in {line!r}"
            )


def strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def test_json_parses_and_gives_the_value_back(case: Case) -> None:
    for name, text in [*case.of("json"), *case.of("gitlab"), *case.of("sarif")]:
        if not text and name.startswith("show") and not loaded(case):
            continue  # refused: the entity is invalid (the message is on stderr)
        data = json.loads(text)
        if loaded(case) and name.startswith(("list", "show")):
            assert any(one_line(case.hostile) in value for value in strings(data)), name


def one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines()).strip()


class Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def hostile_html(text: str) -> list[str]:
    """Elements and attributes only a value could have made."""
    parser = Tags()
    parser.feed(text)
    bad = []
    for tag, attrs in parser.found:
        if tag in ("script", "iframe", "object", "embed", "x"):
            bad.append(tag)
        if tag == "img" and any(k == "src" and v == "x" for k, v in attrs):
            bad.append("img src=x")
        for key, value in attrs:
            if key.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                bad.append(f"{tag} {key}={value}")
            # A prose chapter may link to a web page (its author's own http(s) link); nothing
            # may load from one (an image) or link anywhere else.
            if tag in ("img", "source", "iframe") and (value or "").startswith("http"):
                bad.append(f"{tag} {key}={value}")
    return bad


def test_html_has_no_element_a_value_made(case: Case) -> None:
    for name, text in case.of("html"):
        assert hostile_html(text) == [], name


def markdown_blocks(text: str) -> Iterator[tuple[str, str]]:
    """(info, content) of each fenced block."""
    for token in markdown_parser().parse(text):
        if token.type == "fence":
            yield token.info.strip(), token.content


def test_markdown_has_no_html_link_or_broken_table_a_value_made(case: Case) -> None:
    for name, text in (
        case.of("markdown") + list(case.of("md"))
        if False
        else [
            *case.of("markdown"),
            *case.of("md"),
        ]
    ):
        rendered = markdown_parser().render(text)
        assert hostile_html(rendered) == [], name
        assert "javascript:" not in " ".join(re.findall(r'href="[^"]*"', rendered)), name
        for line in text.split("\n"):
            assert not line.startswith("<script"), (name, line)


#: A cell separator: a ``|`` not escaped by a backslash (GFM splits a row there, code spans too).
PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def table_rows(text: str) -> Iterator[tuple[int, int]]:
    """(separators in the header, separators in the row) for every row of every pipe table."""
    header = None
    for line in text.split("\n"):
        if not line.startswith("|"):
            header = None
            continue
        count = len(PIPE.findall(line))
        if header is None:
            header = count
        else:
            yield header, count


def test_markdown_tables_keep_their_columns(case: Case) -> None:
    """A ``|`` in a value is a character in its cell, not a new column."""
    tables = 0
    for name, text in [*case.of("markdown"), *case.of("md")]:
        for header, cells in table_rows(text):
            tables += 1
            assert cells == header, (name, header, cells)
    assert tables, "no Markdown table was checked"


#: What GitHub would turn into a mention, a reference or a link, as the md-links string has it.
LINKING = ("@kepala-dinas", "#12", "GH-3", "repo#4", "https://evil", "www.evil")


CODE_SPAN = re.compile(r"(`+).*?(?<!`)\1(?!`)")


def test_pull_request_markdown_neither_mentions_nor_links(case: Case) -> None:
    """diff, progress, sync and indeks ``--format markdown`` may be posted on a pull request."""
    import html as html_module

    for name, text in case.of("markdown"):
        for line in text.split("\n"):
            # A code span (md_code: an id, a path) is shown literally: nothing links in it.
            prose = CODE_SPAN.sub("", line)
            shown = html_module.unescape(re.sub(r"\\(.)", r"\1", prose)).replace("\u200b", " ")
            found = [marker for marker in LINKING if marker in shown]
            assert found == [], (name, line)


def test_figures_are_svg_with_text_only(case: Case) -> None:
    for name, text in case.of("svg"):
        root = ElementTree.fromstring(text.encode("utf-8"))
        tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
        assert not tags & {"script", "foreignObject", "a", "iframe", "image", "x"}, name
        assert hostile_html(text) == [], name


MERMAID_LINE = re.compile(
    r"\s*(?:"
    r'n\d+\["[^"]*"\]'
    r'|n\d+ -->\|"[^"]*"\| n\d+'
    r"|classDef \w+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}"
    r"|class [n\d,]+ \w+"
    r"|flowchart LR"
    r")\s*"
)


def test_graph_mermaid_is_only_generated_lines(case: Case) -> None:
    for name, text in case.of("mermaid"):
        if "flowchart" not in text:
            continue
        for line in text.strip().split("\n"):
            assert MERMAID_LINE.fullmatch(line), (name, line)


def test_document_diagrams_keep_values_in_quoted_labels(case: Case) -> None:
    for name, text in [*case.of("md"), *case.of("markdown")]:
        for info, content in markdown_blocks(text):
            if info != "mermaid":
                continue
            for line in content.split("\n"):
                stripped = line.strip()
                assert not stripped.startswith(("click", "%%")), (name, line)
                assert ":::" not in line and "%%{" not in line, (name, line)
                assert "securityLevel" not in line, (name, line)
                assert line.count('"') % 2 == 0, (name, line)


DOT_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
DOT_LINE = re.compile(
    rf"\s*(?:{DOT_QUOTED}(?: -> {DOT_QUOTED})? \[(?:\w+={DOT_QUOTED}, )*\w+={DOT_QUOTED}\];"
    r"|digraph spbe \{|rankdir=LR;|node \[shape=box, style=\"rounded,filled\"\];|\})\s*"
)


def test_graph_dot_is_quoted_strings_only(case: Case) -> None:
    for name, text in case.of("dot"):
        for line in text.strip().split("\n"):
            assert DOT_LINE.fullmatch(line), (name, line)


def runnable(cell: str) -> bool:
    """Whether a spreadsheet could read the cell as a formula (independent of not_formula)."""
    if cell[:1] in ("\t", "\r"):
        return True
    visible = cell.lstrip(" \t\r\n\u00a0\u200b\ufffd")
    return visible[:1] in ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def test_csv_cells_are_never_formulas(case: Case) -> None:
    for name, text in case.of("csv"):
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not runnable(cell), (name, cell)


def test_xlsx_cells_are_never_formulas(case: Case) -> None:
    import openpyxl

    path = case.files.get("export sia")
    if path is None:
        return
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    assert not runnable(cell.value), (sheet.title, cell.value)


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def test_xml_and_docx_parse_and_carry_only_xml_characters(case: Case) -> None:
    for name, text in case.of("xml"):
        ElementTree.fromstring(text.encode("utf-8"))
        assert NOT_XML.search(text) is None, name
    for name, path in case.files.items():
        if path.suffix not in (".docx", ".xlsx"):
            continue
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".xml"):
                    data = archive.read(member).decode("utf-8")
                    ElementTree.fromstring(data.encode("utf-8"))
                    assert NOT_XML.search(data) is None, (name, member)
    for name, path in case.files.items():
        if path.suffix == ".docx":
            import docx

            for paragraph in docx.Document(str(path)).paragraphs:
                found = CONTROL.search(paragraph.text.replace("\n", "").replace("\t", ""))
                assert found is None, (name, paragraph.text)


# -- the commands that write YAML from what the user typed ---------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["init", "{t}", "--pemda", "Kabupaten Mimika\x1b[31m", "--kode", "94.04"],
        ["init", "{t}", "--pemda", "Kabupaten Mimika\n::error::x", "--kode", "94.04"],
        ["init", "{t}", "--pemda", 'Kabupaten Mimika" : [x] #y', "--kode", "94.04"],
        ["init", "{t}", "--pemda", "Kabupaten Mimika", "--kode", "94.04\x1b]52;c;x\x07"],
        ["new", "program", "SC-01\x1b[31m: {x: y}", "-c", "{t}"],
        ["new", "program", 'SC-01"\n- x', "-c", "{t}"],
    ],
)
def test_yaml_writers_refuse_hostile_values_cleanly(tmp_path: Path, args: list[str]) -> None:
    """What ``spbe init``/``spbe new`` write into YAML is checked first; a refusal is clean."""
    target = tmp_path / "repo"
    result = runner.invoke(app, ["--lang", "en", *(str(target) if a == "{t}" else a for a in args)])
    assert result.exit_code == 2, result.output
    assert not target.exists() or not any(target.rglob("*.yaml"))
    for line in result.stderr.split("\n"):
        assert CONTROL.search(line) is None, line


# -- on a terminal: rich prints the values as text, never as markup -------------------------------

#: The strings that attack a terminal; the rich output is the same code for every value.
TTY_CASES = ("terminal", "rich-markup")
#: Rich's own styling (colours of severities, table borders): the only escapes allowed.
SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("case", TTY_CASES, indirect=True)
def test_terminal_output_shows_rich_markup_literally(case: Case) -> None:
    import typer.testing

    c = str(case.catalog)
    commands = [
        ["validate", c],
        ["list", "program", "-c", c],
        ["list", "opd", "-c", c],
        ["show", "SC-GOV-01", "-c", c],
        ["show", "DISKOMINFO", "-c", c],
        ["progress", c, *TAHUN, "--force"],
        ["sync", c, "--force"],
        ["indeks", c, "-k", KERANGKA, "--force"],
        ["diff", str(case.base), c],
    ]
    shown = []
    styled = 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda _self: True)
        patch.setenv("COLUMNS", "400")
        for args in commands:
            result = runner.invoke(app, ["--lang", "en", *args])
            assert "Traceback" not in result.output, result.output
            for line in (result.stdout + result.stderr).split("\n"):
                plain = SGR.sub("", line)
                styled += plain != line
                found = CONTROL.search(plain)
                assert found is None, (args[0], f"raw {found.group(0)!r} in {line!r}")
                shown.append(plain)
    assert styled, "rich did not see a terminal"
    if loaded(case):
        text = "\n".join(shown)
        assert "[bold red]merah[/bold red]" in text
        assert "[link=http://x]klik[/link]" in text
