"""Every command takes the catalog the same way and answers each misuse with the same exit code.

The rule (docs/panduan.md, "Aturan baris perintah"): ``-c/--catalog PATH`` in every command that
reads a catalog, plus the positional form where the catalog is the only positional (validate,
render, progress, sync); a catalog that does not exist or is not a folder, an unknown
``--format`` and two different catalogs are usage errors: exit 2, nothing on stdout, one message
on stderr.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli import diff as diff_cli
from spbe_cli.cli import explore as explore_cli
from spbe_cli.cli import indeks as indeks_cli
from spbe_cli.cli import progress as progress_cli
from spbe_cli.cli import validate as validate_cli
from spbe_cli.cli.app import app
from spbe_cli.diff import diff_catalogs
from spbe_cli.diff.changeset import SideInfo
from spbe_cli.errors import ExitCode
from spbe_cli.loader import load_catalog
from spbe_cli.progress import Options, compute_progress
from spbe_cli.sync import SyncReport, find_overlaps
from tests.helpers import MINIMAL, copy_minimal

runner = CliRunner()


@dataclass(frozen=True)
class Command:
    """How to call one command around its catalog."""

    name: str
    before: tuple[str, ...] = ()
    """Arguments that come before the catalog (a kind, an id, a diff side)."""
    after: tuple[str, ...] = ()
    positional: bool = False
    """The catalog may also be given as the only positional argument."""
    formatted: bool = True
    """The command has ``--format``."""
    creates: bool = False
    """A missing catalog folder is created (``new``), not refused."""


COMMANDS = [
    Command("validate", positional=True),
    Command("render", after=("-o", "out", "--doc", "arsitektur", "-f", "md"), positional=True),
    Command("progress", after=("--tanggal", "2026-01-01"), positional=True),
    Command("sync", positional=True),
    Command("indeks", after=("-k", "pemdi-8-2026"), positional=True),
    Command("list", before=("opd",)),
    Command("show", before=("DISKOMINFO",)),
    Command("graph"),
    Command("diff", before=("old",)),
    Command("new", before=("opd", "OPD-BARU"), formatted=False, creates=True),
]
IDS = [command.name for command in COMMANDS]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder outside any git repository with ``catalog/``, ``old/`` and a file ``berkas``."""
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    copy_minimal(tmp_path / "catalog")
    copy_minimal(tmp_path / "old")
    (tmp_path / "berkas").write_text("bukan folder\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(command: Command, *catalog: str, extra: tuple[str, ...] = ()) -> tuple[int, str, str]:
    """Run ``spbe <command> <before> <catalog...> <after> <extra>``."""
    args = [command.name, *command.before, *catalog, *command.after, *extra]
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize("form", [("-c",), ("--catalog",), ()])
def test_every_command_takes_the_catalog_option(
    workdir: Path, command: Command, form: tuple[str, ...]
) -> None:
    code, out, err = invoke(command, *form, "catalog") if form else invoke(command)
    assert code == ExitCode.OK, err
    assert "Traceback" not in err
    if command.positional:
        assert invoke(command, "catalog") == (code, out, err)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.positional], ids=lambda c: c.name)
def test_the_positional_and_the_option_name_one_catalog(workdir: Path, command: Command) -> None:
    assert invoke(command, "catalog", "-c", "catalog")[0] == ExitCode.OK
    code, out, err = invoke(command, "old", "-c", "catalog")
    assert code == ExitCode.USAGE
    assert out == ""
    assert err == (
        "spbe: the catalog is given twice with different values ('old' and --catalog "
        "'catalog'); give it once\n"
    )


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_missing_catalog_is_a_usage_error(workdir: Path, command: Command) -> None:
    code, out, err = invoke(command, "-c", "tidak-ada")
    if command.creates:
        assert code == ExitCode.OK, err
        assert (workdir / "tidak-ada" / "opd" / "OPD-BARU.yaml").is_file()
        return
    assert code == ExitCode.USAGE
    assert out == ""
    assert err == "spbe: catalog folder 'tidak-ada' does not exist\n"
    assert not (workdir / "out").exists()


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_file_as_catalog_is_a_usage_error(workdir: Path, command: Command) -> None:
    code, out, err = invoke(command, "-c", "berkas")
    assert code == ExitCode.USAGE
    assert out == ""
    assert err == "spbe: 'berkas' is not a folder\n"
    assert (workdir / "berkas").read_text(encoding="utf-8") == "bukan folder\n"


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.formatted], ids=lambda c: c.name)
def test_an_unknown_format_is_a_usage_error(workdir: Path, command: Command) -> None:
    code, out, err = invoke(command, "-c", "catalog", extra=("--format", "xml"))
    assert code == ExitCode.USAGE
    assert out == ""
    assert "'xml'" in err
    assert "Traceback" not in err
    assert not (workdir / "out").exists()


# -- one registry of output formats per command --------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "registry"),
    [
        (validate_cli.ValidateFormat, validate_cli.formats("catalog")),
        (progress_cli.ReportFormat, progress_cli.progress_formats()),
        (progress_cli.SyncFormat, progress_cli.sync_formats("catalog")),
        (indeks_cli.ReportFormat, indeks_cli.indeks_formats()),
        (diff_cli.DiffFormat, diff_cli.formats()),
        (explore_cli.ListFormat, explore_cli.list_formats("opd")),
        (explore_cli.ShowFormat, explore_cli.show_formats()),
        (explore_cli.GraphFormat, explore_cli.graph_formats()),
    ],
    ids=["validate", "progress", "sync", "indeks", "diff", "list", "show", "graph"],
)
def test_every_format_choice_has_exactly_one_formatter(choices: object, registry: dict) -> None:  # type: ignore[type-arg]
    assert list(registry) == list(choices)  # type: ignore[call-overload]


# -- results own their exit codes --------------------------------------------------------------


def test_progress_report_owns_its_exit_code() -> None:
    catalog, _ = load_catalog(MINIMAL)
    today = compute_progress(catalog, Options(2026, date(2026, 10, 1)))
    assert today.attention_count > 0
    assert today.return_code == ExitCode.OK
    failing = Options(2026, today.options.tanggal, fail_on_attention=True)
    assert compute_progress(catalog, failing).return_code == ExitCode.FINDINGS


def test_sync_report_owns_its_exit_code() -> None:
    catalog, _ = load_catalog(MINIMAL)
    overlaps = find_overlaps(catalog)
    assert SyncReport(overlaps, fail_on_overlap=True).return_code == ExitCode.OK  # none found
    assert SyncReport([], fail_on_overlap=False).return_code == ExitCode.OK
    fake = SyncReport([object()], fail_on_overlap=True)  # type: ignore[list-item]
    assert fake.return_code == ExitCode.FINDINGS
    assert SyncReport([object()]).return_code == ExitCode.OK  # type: ignore[list-item]


def test_change_set_owns_its_exit_code(tmp_path: Path) -> None:
    old, _ = load_catalog(MINIMAL)
    changed = copy_minimal(tmp_path / "new")
    opd = changed / "opd" / "diskominfo.yaml"
    opd.write_text(opd.read_text(encoding="utf-8").replace("DISKOMINFO", "DISKOMINFO2", 1))
    new, _ = load_catalog(changed)
    info = SideInfo("a", "folder")
    changes = diff_catalogs(old, new, info, info)
    assert changes and changes.return_code == ExitCode.OK
    changes.fail_on_change = True
    assert changes.return_code == ExitCode.FINDINGS
    same = diff_catalogs(old, old, info, info)
    same.fail_on_change = True
    assert same.return_code == ExitCode.OK


# -- the shape of the command modules ------------------------------------------------------------

CLI = Path(__file__).parents[1] / "spbe_cli" / "cli"
#: Modules every command may use: shared options and errors, the terminal, shell completion.
SHARED = {"spbe_cli.cli.common", "spbe_cli.cli.console", "spbe_cli.cli.completion"}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "spbe_cli.cli":
            names.update(f"spbe_cli.cli.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("spbe_cli.cli.")}


@pytest.mark.parametrize(
    "path", sorted(p for p in CLI.glob("*.py") if p.stem not in {"__init__", "app"}), ids=str
)
def test_command_modules_import_only_the_shared_modules(path: Path) -> None:
    assert _imported(path) <= SHARED | {f"spbe_cli.cli.{path.stem}"}


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys, spbe_cli.cli.app\n"
        "heavy = {'jinja2', 'markdown_it', 'docx', 'pydantic', 'rich'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "[]\n"


def test_a_command_run_inside_the_catalog_reads_the_whole_catalog(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one home of "which catalog" (files.find_catalog), as ``spbe lsp`` finds it: from
    ``catalog/opd`` the catalog is ``..``, not "catalog folder 'catalog' does not exist"."""
    (workdir / "catalog" / "opd" / "diskominfo.yaml").write_text(
        (workdir / "catalog" / "opd" / "diskominfo.yaml")
        .read_text("utf-8")
        .replace("id: DISKOMINFO", "id: DISKOMINFO-X"),
        "utf-8",
    )
    expected = runner.invoke(app, ["validate", "catalog"])
    monkeypatch.chdir(workdir / "catalog" / "opd")
    inside = runner.invoke(app, ["validate"])
    assert inside.exit_code == expected.exit_code == ExitCode.FINDINGS
    # The same findings, each path shown from the working folder.
    assert inside.stdout == expected.stdout.replace("catalog/", "../")
    assert inside.stdout.startswith("../arsitektur/aplikasi.yaml:6:10: error[SPBE201]")


def test_without_a_catalog_anywhere_a_command_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.startswith("spbe: catalog folder 'catalog' does not exist")
