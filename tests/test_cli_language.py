"""The command line in the user's language: help pages, typer's own texts, plurals, completion.

Help pages are snapshots under tests/cases/help/<lang>/<command>.txt (``SPBE_UPDATE_GOLDEN=1``
rewrites them; review the diff). They are taken in a fresh process at a fixed width, because
help texts are fixed when the commands are defined.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.i18n import set_language, t
from tests.helpers import git

HELP = Path(__file__).parent / "cases" / "help"
UPDATE = os.environ.get("SPBE_UPDATE_GOLDEN") == "1"
#: Commands whose help is pinned (the root help changes whenever a command is added).
COMMANDS = ["validate", "rules", "list", "show", "graph", "diff", "render", "new", "lsp"]
#: click/typer's English texts that must not appear on an Indonesian page.
ENGLISH_CHROME = [
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Show this message",
    "[default:",
    "[required]",
    "Install completion",
    "Error:",
    "Try '",
    "No such",
    "Missing ",
    "Invalid value",
    "[OPTIONS]",
    "COMMAND [ARGS]",
]
PYTHON_TYPES = ["<list[", "<str>", "<int", "<float", "<path>", "<bool>"]
runner = CliRunner()
#: The installed ``spbe`` script, so that the pages show ``spbe`` as the program's name.
SPBE = str(Path(sys.executable).with_name("spbe"))


def _run(args: list[str], lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SPBE_LANG", "LANG", "LC_ALL")}
    env.update(COLUMNS="100", LANG="en_US.UTF-8", TERM="dumb")
    return subprocess.run(
        [SPBE, "--lang", lang, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_help_pages_match_their_snapshots(lang: str) -> None:
    for command in COMMANDS:
        done = _run([command, "--help"], lang)
        assert done.returncode == 0, done.stderr
        golden = HELP / lang / f"{command}.txt"
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(done.stdout, encoding="utf-8")
        assert done.stdout == golden.read_text(encoding="utf-8"), command


@pytest.mark.parametrize(
    "command", ["", *COMMANDS, "progress", "sync", "init", "schema", "export", "indeks"]
)
def test_indonesian_help_has_no_english_chrome_nor_python_types(command: str) -> None:
    done = _run([command, "--help"] if command else ["--help"], "id")
    page = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Pemakaian: spbe" in page
    for english in ENGLISH_CHROME:
        assert english not in page, (command, english)
    for name in PYTHON_TYPES:
        assert name not in page, (command, name)
    # No description is cut short with an ellipsis.
    assert "…" not in page
    assert not any(line.endswith("...") for line in page.splitlines()[1:]), page


def test_every_choice_is_listed() -> None:
    assert "gitlab" in _run(["validate", "--help"], "en").stdout
    assert "laporan" in _run(["render", "--help"], "id").stdout


@pytest.mark.parametrize(
    ("args", "indonesian", "english"),
    [
        (["frob"], "Galat: Tidak ada perintah 'frob'.", "Error: No such command 'frob'."),
        (
            ["validate", "-f", "xx"],
            "Galat: Nilai tidak sah untuk '--format' / '-f': 'xx' bukan salah satu dari",
            "Error: Invalid value for '--format' / '-f': 'xx' is not one of",
        ),
        (["new"], "Galat: Argumen 'JENIS' belum diisi.", "Error: Missing argument 'KIND'."),
        (["validate", "--bogus"], "Galat: Tidak ada opsi --bogus.", "Error: No such option:"),
        # A required choice: click lists the choices on lines of their own after "Choose from:".
        (
            ["indeks"],
            "Galat: '--kerangka' / '-k' belum diisi; pilih salah satu dari 'spbe-59-2020', "
            "'pemdi-8-2026'.",
            "Error: '--kerangka' / '-k' is missing; choose one of 'spbe-59-2020', 'pemdi-8-2026'.",
        ),
        # The reasons of typer's number checks, and an error of spbe's own without an option.
        (
            ["render", "--tahun", "abc"],
            "Galat: Nilai tidak sah untuk '--tahun': harus bilangan bulat",
            "Error: Invalid value for '--tahun': must be a whole number",
        ),
        (
            ["render", "--tahun", "3000"],
            "Galat: Nilai tidak sah untuk '--tahun': paling besar 2100",
            "Error: Invalid value for '--tahun': must be at most 2100",
        ),
        (
            ["render", "--timeout", "lama"],
            "Galat: Nilai tidak sah untuk '--timeout': harus angka",
            "Error: Invalid value for '--timeout': must be a number",
        ),
        (
            ["render", "--tanggal", "2026-02-30"],
            "Galat: Nilai tidak sah untuk '--tanggal': '2026-02-30' bukan tanggal yang ada",
            "Error: Invalid value for '--tanggal': '2026-02-30' is not a date of the calendar",
        ),
    ],
)
def test_usage_errors_speak_the_language(args: list[str], indonesian: str, english: str) -> None:
    done = _run(args, "id")
    assert done.returncode == 2
    assert indonesian in done.stderr
    assert "Pemakaian: spbe" in done.stderr and "untuk bantuan" in done.stderr
    for word in ("Usage:", "Error:", "Try '", "Invalid value", "Input should", "Missing", "Choose"):
        assert word not in done.stderr
    done = _run(args, "en")
    assert done.returncode == 2
    assert english in done.stderr
    assert "Usage: spbe" in done.stderr


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "1 file, 1 entity: 1 error, 1 warning, 0 info", "2 files, 2 entities: 2 errors"),
        ("id", "1 berkas, 1 entitas: 1 galat, 1 peringatan", "2 berkas, 2 entitas: 2 galat"),
    ],
)
def test_counts_agree_with_their_nouns(lang: str, one: str, two: str) -> None:
    set_language(lang)
    summary = "report.summary"
    assert one in t(summary, files=1, entities=1, errors=1, warnings=1, infos=0)
    assert two in t(summary, files=2, entities=2, errors=2, warnings=2, infos=0)
    assert t("render.done", count=1, path="build").startswith(
        "1 file written" if lang == "en" else "1 berkas"
    )


def _complete(words: str, cwd: Path | None = None) -> list[str]:
    env = {"_SPBE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, [], env=env)
    finally:
        os.chdir(previous)
    lines = result.stdout.replace("_arguments '*: :((", "").replace("))'", "").splitlines()
    return [line.strip().strip('"').split('":"')[0] for line in lines if line.strip()]


def test_completion_knows_ids_kinds_documents_and_formats(minimal_catalog: Path) -> None:
    catalog = minimal_catalog.as_posix()
    assert _complete(f"spbe show -c {catalog} DISK") == ["DISKOMINFO"]
    assert "INFRA-01" in _complete(f"spbe graph -c {catalog} ")
    assert _complete("spbe list data") == ["data_informasi"]
    assert _complete("spbe new lay") == ["layanan"]
    assert _complete("spbe render --doc ") == [
        "masterplan",
        "arsitektur",
        "peta-rencana",
        "laporan",
        "all",
    ]
    assert _complete("spbe render --doc masterplan,a") == [
        "masterplan,arsitektur",
        "masterplan,all",
    ]
    assert _complete("spbe render -f d") == ["docx"]


def test_completion_of_diff_offers_tags_and_branches(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "utama")
    (repo / "a.txt").write_text("a\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "a")
    git(repo, "tag", "v2025.1")
    git(repo, "branch", "usulan-bappeda")
    assert _complete("spbe diff ", repo) == ["v2025.1", "usulan-bappeda", "utama"]
    assert _complete("spbe diff v", repo) == ["v2025.1"]
    # Not a repository: no revision and no error; zsh falls back to completing folders.
    assert _complete("spbe diff ", tmp_path) == ["_files"]


def test_rules_are_named_and_completed_by_code() -> None:
    assert _complete("spbe rules SPBE20")[:2] == ["SPBE201", "SPBE202"]
    result = runner.invoke(app, ["rules", "SPBE201", "spbe104"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["SPBE201", "SPBE104"]
    result = runner.invoke(app, ["rules", "SPBE999"])
    assert result.exit_code == 2
    assert "unknown rule code: SPBE999" in result.stderr


@pytest.mark.parametrize(
    ("number", "indonesian", "english"),
    [
        (2, "berkas atau folder tidak ada", "No such file or directory"),
        (13, "izin ditolak", "Permission denied"),
        (20, "bukan folder", "Not a directory"),
        (28, "ruang disk habis", "No space left on device"),
        (36, "nama terlalu panjang", "File name too long"),
    ],
)
def test_a_system_error_is_said_in_the_language_of_the_messages(
    number: int, indonesian: str, english: str
) -> None:
    # The system's English text sat inside Indonesian sentences ("...: Permission denied").
    import errno

    from spbe_cli.errors import os_reason

    exc = OSError(number, os.strerror(number), "x")
    assert errno.errorcode[number]  # the numbers above are Linux's
    try:
        set_language("id")
        assert os_reason(exc) == indonesian
        set_language("en")
        assert os_reason(exc) == english == os.strerror(number)
    finally:
        set_language(None)
    # An error the table does not name keeps the system's text, or its type's name.
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"
    assert os_reason(RuntimeError()) == "RuntimeError"


def test_render_into_a_place_it_cannot_write_says_why_in_indonesian(tmp_path: Path) -> None:
    blocker = tmp_path / "berkas"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(
        app, ["--lang", "id", "render", "-c", "catalog", "-o", str(blocker / "keluar")]
    )
    assert result.exit_code == 3
    assert "bukan folder" in result.stderr
    assert "Not a directory" not in result.stderr


def _command_paths() -> list[str]:
    """Every command path of ``spbe``: ``""`` (the program), ``validate``, ``export tabel``, ..."""
    import typer.main

    paths = [""]
    todo: list[tuple[str, Any]] = [("", typer.main.get_command(app))]
    while todo:
        prefix, group = todo.pop()
        for name, command in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            paths.append(path)
            if getattr(command, "commands", None):
                todo.append((path, command))
    return sorted(paths)


def _parse(args: list[str]) -> None:
    """Parse ``spbe <args>`` as the program would, down to the last command; run nothing."""
    import typer.main

    command: Any = typer.main.get_command(app)
    parent = None
    name = "spbe"
    while True:
        try:
            ctx = command.make_context(name, list(args), parent=parent)
        except typer.Exit as done:  # --help: the page is the example's output
            assert done.exit_code == 0
            return
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not getattr(command, "commands", None) or not rest:
            assert not rest, (args, rest)
            return
        name, args = rest[0], rest[1:]
        sub = command.get_command(ctx, name)
        assert sub is not None, (args, name)
        command, parent = sub, ctx


def test_every_command_path_is_found() -> None:
    paths = _command_paths()
    assert {"", "validate", "init", "export", "export tabel", "export archimate"} <= set(paths)
    assert len(paths) == 19  # spbe, its 15 commands, the 3 of export


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_help_page_ends_with_examples_that_parse(lang: str) -> None:
    import shlex

    from spbe_cli.cli.chrome import EXAMPLE_WIDTH, command_examples
    from spbe_cli.i18n import use_language

    heading = {"id": "Contoh:", "en": "Examples:"}[lang]
    for path in _command_paths():
        with use_language(lang):
            block = command_examples(path)
        assert block is not None, f"spbe {path} --help has no examples"
        lines = block.splitlines()
        assert lines[:2] == ["\b", heading], path
        commands = [line.strip() for line in lines[2:] if line.strip().startswith("spbe")]
        assert commands, path
        for line in lines[2:]:
            assert len("  " + line) <= EXAMPLE_WIDTH, (path, line)
        for example in commands:
            words = shlex.split(example, comments=True)
            words = words[: words.index(">")] if ">" in words else words
            assert " ".join(words[1:]).startswith(path), (path, example)
            if path:  # every option and value is one the command accepts
                _parse(words[1:])
        page = _run([*path.split(), "--help"], lang).stdout if path in ("", "export tabel") else ""
        if page:
            assert f"\n  {heading}\n" in page
            assert commands[0] in page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_usage_lines_name_arguments_in_the_language_without_doubled_brackets(lang: str) -> None:
    expected = {
        "id": {"init": "[FOLDER]", "list": "{JENIS}", "diff": "[LAMA] [BARU]", "rules": "[KODE]"},
        "en": {"init": "[FOLDER]", "list": "{KIND}", "diff": "[OLD] [NEW]", "rules": "[CODE]"},
    }[lang]
    expected["validate"] = "[KATALOG]" if lang == "id" else "[CATALOG]"
    for command in ["graph", "new", *expected]:
        usage = _run([command, "--help"], lang).stdout.splitlines()[0]
        assert "[[" not in usage and "{{" not in usage, usage
        assert expected.get(command, "") in usage, usage
