"""The command line as a user meets it: typer's messages, closed streams, completion install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.errors import ExitCode
from spbe_cli.i18n import set_language
from tests.helpers import copy_minimal

SPBE = str(Path(sys.executable).with_name("spbe"))
runner = CliRunner()


def _run(args: list[str], lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SPBE_LANG", "LANG", "LC_ALL")}
    env.update(COLUMNS="100", LANG="en_US.UTF-8", TERM="dumb")
    return subprocess.run(
        [SPBE, "--lang", lang, *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "indonesian", "english"),
    [
        # typer 0.29 suggests with "(Possible options: ...)", which stayed English.
        (
            ["diff", "--frmat", "json"],
            "Galat: Tidak ada opsi --frmat. Mungkin maksud Anda --format?",
            "Error: No such option: --frmat. Did you mean --format?",
        ),
        # typer 0.29 writes "argument(s)", which stayed English.
        (
            ["diff", "a", "b", "c"],
            "Galat: Argumen berlebih tidak dikenal (c).",
            "Error: Got unexpected extra argument(s) (c).",
        ),
        (
            ["diff", "--exit-code=1"],
            "Galat: Opsi '--exit-code' tidak menerima nilai.",
            "Error: Option '--exit-code' does not take a value.",
        ),
    ],
)
def test_every_usage_error_of_typer_is_translated(
    args: list[str], indonesian: str, english: str
) -> None:
    done = _run(args, "id")
    assert done.returncode == ExitCode.USAGE
    assert indonesian in done.stderr, done.stderr
    for word in ("Error:", "No such", "Possible options", "unexpected", "does not take"):
        assert word not in done.stderr
    done = _run(args, "en")
    assert done.returncode == ExitCode.USAGE
    assert english in done.stderr, done.stderr


@pytest.mark.parametrize("command", [["list", "aplikasi"], ["show", "APL-X"]])
def test_a_catalog_folder_given_as_an_argument_is_shown_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """``spbe list aplikasi katalog`` (as ``spbe validate katalog``): exit 2 and the -c way."""
    copy_minimal(tmp_path / "katalog")
    monkeypatch.chdir(tmp_path)
    done = _run([*command, "katalog"], "id")
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.endswith(
        f"Galat: Argumen berlebih tidak dikenal (katalog).\n"
        f"Perintah ini menerima folder katalog lewat opsi -c: spbe {command[0]} ... -c katalog\n"
    ), done.stderr
    done = _run([*command, "katalog"], "en")
    assert f"with the -c option: spbe {command[0]} ... -c katalog" in done.stderr
    # Not a folder, or a command that takes the folder as its argument: no such line.
    for args in ([*command, "nothere"], ["validate", "katalog", "katalog"]):
        done = _run(args, "id")
        assert done.returncode == ExitCode.USAGE
        assert "lewat opsi" not in done.stderr


def test_a_missing_default_catalog_folder_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``spbe graph katalog`` reads ``katalog`` as the id: the default folder is missing."""
    copy_minimal(tmp_path / "katalog")
    monkeypatch.chdir(tmp_path)
    for args in (["graph", "katalog"], ["validate"], ["list", "program"]):
        done = _run(args, "id")
        assert done.returncode == ExitCode.USAGE
        assert done.stderr == (
            "spbe: folder katalog 'catalog' tidak ada; jalankan dari folder yang memuat folder"
            " katalog, atau sebut foldernya dengan -c FOLDER\n"
        ), done.stderr
    done = _run(["validate", "nope"], "en")  # a folder named: only that it is not there
    assert done.stderr == "spbe: catalog folder 'nope' does not exist\n"


def test_closed_stdout_is_not_an_internal_error(tmp_path: Path) -> None:
    """``spbe diff a b >&-``: the output is discarded, the exit code is the result's."""
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    program = new / "program" / "economy.yaml"
    program.write_text(program.read_text("utf-8").replace("menengah", "panjang"), "utf-8")
    for command, code in (
        (f"'{SPBE}' diff old new >&-", 0),
        (f"'{SPBE}' diff old new --exit-code >&-", 1),
        (f"'{SPBE}' validate new >&- 2>&-", 0),
        (f"'{SPBE}' diff old nope >&-", 2),
    ):
        done = subprocess.run(
            ["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == code, (command, done.stderr)
        assert "galat internal" not in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    from typer import _completion_shared

    chosen = ["bash"]
    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: chosen[0])
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    set_language("id")
    return chosen


def test_install_completion_speaks_indonesian(shell: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, ["--install-completion"])
    assert result.exit_code == 0
    installed = tmp_path / "home" / ".bash_completions" / "spbe.sh"
    assert result.stdout == (
        f"Pelengkapan bash dipasang di {installed}; berlaku setelah terminal dibuka ulang.\n"
    )
    assert installed.is_file()


def test_install_completion_for_an_unknown_shell_is_a_usage_error(shell: list[str]) -> None:
    """typer said "Shell tcsh is not supported." on stdout and exited 1 (spbe's "findings")."""
    shell[0] = "tcsh"
    result = runner.invoke(app, ["--install-completion"])
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.startswith("spbe: shell tcsh tidak didukung untuk pelengkapan; pilihan:")


def test_install_completion_into_an_unwritable_home_says_where(
    shell: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A home folder that cannot be written was an internal error with a traceback's words."""
    monkeypatch.setenv("HOME", str(tmp_path / "tidak-ada" / "rumah"))
    (tmp_path / "tidak-ada").write_text("sebuah berkas, bukan folder", "utf-8")
    result = runner.invoke(app, ["--install-completion"])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.stderr.startswith("spbe: tidak dapat memasang pelengkapan bash di '")
    assert "galat internal" not in result.stderr


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_output_is_utf8_whatever_the_locale_encoding(tmp_path: Path, encoding: str) -> None:
    """``spbe diff > review.txt`` on a machine whose locale is not UTF-8 (Windows, Latin-1).

    It ended in an internal UnicodeEncodeError at the first "→" (exit 3, nothing written);
    output to a file or a pipe is now UTF-8 everywhere, the same bytes as on any machine.
    """
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    program = new / "program" / "economy.yaml"
    program.write_text(program.read_text("utf-8").replace("menengah", "panjang"), "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("SPBE_LANG", "LANG", "LC_ALL")}
    runs = []
    for value in (encoding, "utf-8"):
        env["PYTHONIOENCODING"] = value
        runs.append(
            subprocess.run(
                [SPBE, "--lang", "id", "diff", "old", "new", "--format=text"],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                timeout=60,
            )
        )
    assert runs[0].returncode == 0, runs[0].stderr.decode("utf-8", "replace")
    assert "Perbandingan: old → new".encode() in runs[0].stdout
    assert runs[0].stdout == runs[1].stdout
    # A message on stderr too (a usage error names the folder, with its dash).
    env["PYTHONIOENCODING"] = encoding
    done = subprocess.run(
        [SPBE, "--lang", "id", "validate", "tidak–ada"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.USAGE
    assert "tidak–ada".encode() in done.stderr and b"galat internal" not in done.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en_US.UTF-8", "en"),  # SPBE_LANG=$LANG on an English machine read as Indonesian
        ("en-GB", "en"),
        ("id_ID.UTF-8", "id"),
        ("fr", "id"),
        ("english", "id"),
        ("", "id"),
    ],
)
def test_spbe_lang_written_as_a_locale_names_its_language(value: str, expected: str) -> None:
    from spbe_cli.i18n import detect_language

    assert detect_language({"SPBE_LANG": value}) == expected


def test_lang_option_ignores_case() -> None:
    """``--lang EN`` was refused ("'EN' is not one of 'id', 'en'") though SPBE_LANG=EN works."""
    env = {k: v for k, v in os.environ.items() if k not in ("SPBE_LANG", "LANG", "LC_ALL")}
    env.update(COLUMNS="100", TERM="dumb")
    done = subprocess.run(
        [SPBE, "--lang", "EN", "diff", "--help"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("Usage: spbe diff"), done.stderr
    assert "Compare two versions of a catalog" in done.stdout


def test_counts_in_command_messages_are_grouped() -> None:
    """The summary of validate and of each export: ``1.514 berkas`` / ``1,514 files``."""
    from spbe_cli.i18n import t

    set_language("id")
    summary = t("report.summary", files=1514, entities=48652, errors=0, warnings=1, infos=1200)
    assert summary == "Diperiksa 1.514 berkas, 48.652 entitas: 0 galat, 1 peringatan, 1.200 info."
    done = t("export.done_tabel", tables=21, rows=12345, path="build/tabel")
    assert done == "spbe: 21 tabel (12.345 baris) ditulis ke build/tabel."
    set_language("en")
    done = t("export.done_sia", rows=1, sheets=25, path="x.xlsx")
    assert done == "spbe: 1 row in 25 sheets written to x.xlsx."
    assert t("export.done_tabel", tables=21, rows=12345, path="t").startswith(
        "spbe: 21 tables (12,345"
    )
