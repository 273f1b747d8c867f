"""``spbe export``: what every target shares (refusing, --force, atomic writing, bad paths)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import staging
from spbe_cli.cli.app import app
from tests.helpers import write_tree

TARGETS = [("archimate", "model.xml"), ("sia", "isian.xlsx"), ("tabel", "tabel")]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def broken(minimal_catalog: Path) -> Path:
    """The minimal catalog with one error (an unknown OPD on line 5)."""
    write_tree(
        minimal_catalog,
        {
            "arsitektur/proses-bisnis.yaml": (
                "entitas: proses_bisnis\nid: PB-01\nnama: Pengelolaan Informasi Wisata\n"
                "rab: RAB.01.01\nopd: TIDAK-ADA\ndata: [DATA-01]\n"
            )
        },
    )
    return minimal_catalog


def test_help_lists_the_three_targets() -> None:
    code, stdout, _ = run("--help")
    assert code == 0
    for name, _ in TARGETS:
        assert name in stdout


@pytest.mark.parametrize(("target", "name"), TARGETS)
def test_refuses_a_catalog_with_errors(
    broken: Path, tmp_path: Path, target: str, name: str
) -> None:
    out = tmp_path / name
    code, stdout, stderr = run(target, str(broken), "-o", str(out))
    assert code == 1
    assert "proses-bisnis.yaml:5:" in stdout and "error[SPBE" in stdout
    assert "nothing was exported" in stderr
    assert not out.exists()


@pytest.mark.parametrize(("target", "name"), TARGETS)
def test_force_exports_anyway(broken: Path, tmp_path: Path, target: str, name: str) -> None:
    out = tmp_path / name
    code, stdout, stderr = run(target, str(broken), "-o", str(out), "--force")
    assert code == 0, stdout + stderr
    assert "exported anyway because of --force" in stderr
    assert out.exists()


@pytest.mark.parametrize(("target", "name"), TARGETS[:2])
def test_a_file_target_that_is_a_folder(
    minimal_catalog: Path, tmp_path: Path, target: str, name: str
) -> None:
    out = tmp_path / name
    out.mkdir()
    code, _stdout, stderr = run(target, str(minimal_catalog), "-o", str(out))
    assert code == 3
    assert "is a folder; name a file" in stderr
    assert not any(out.iterdir())


def test_a_folder_target_that_is_a_file(minimal_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "tabel"
    out.write_text("bukan folder", "utf-8")
    code, _, stderr = run("tabel", str(minimal_catalog), "-o", str(out))
    assert code == 3
    assert stderr.strip()
    assert out.read_text("utf-8") == "bukan folder"


@pytest.mark.parametrize(("target", "name"), TARGETS[:2])
def test_replaces_atomically_and_leaves_nothing_behind(
    minimal_catalog: Path, tmp_path: Path, target: str, name: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("jangan ditimpa", "utf-8")
    out = folder / name
    os.symlink(victim, out)  # the rename replaces the link; it never writes through it
    code, stdout, stderr = run(target, str(minimal_catalog), "-o", str(out))
    assert code == 0, stdout + stderr
    assert not out.is_symlink() and out.stat().st_size > 0
    assert victim.read_text("utf-8") == "jangan ditimpa"
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left


@pytest.mark.parametrize(("target", "name"), TARGETS[:2])
def test_a_temporary_file_of_a_killed_export_is_removed_by_the_next(
    minimal_catalog: Path, tmp_path: Path, target: str, name: str
) -> None:
    """A run killed with SIGKILL left ``.spbe-export-*`` beside the output for good.

    The next export removes such a file when no living run holds it; a locked one (a run
    going on), a link of that name (its target kept) and a folder of that name stay.
    """
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / ".spbe-export-killedxx").write_bytes(b"half")
    victim = tmp_path / "victim.txt"
    victim.write_text("tetap", "utf-8")
    (folder / ".spbe-export-linkedxx").symlink_to(victim)
    (folder / ".spbe-export-folderxx").mkdir()
    handle, running = staging.staging_file(folder)
    try:
        code, stdout, stderr = run(target, str(minimal_catalog), "-o", str(folder / name))
        assert code == 0, stdout + stderr
        left = sorted(p.name for p in folder.glob(".spbe-export-*"))
        assert left == sorted(
            [".spbe-export-folderxx", ".spbe-export-linkedxx", Path(running).name]
        )
        assert victim.read_text("utf-8") == "tetap"
    finally:
        os.close(handle)


def test_tabel_removes_the_staging_folder_of_a_killed_run(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "t"
    (out / ".spbe-render-killedxx" / "gambar").mkdir(parents=True)
    (out / ".spbe-render-killedxx" / "opd.csv").write_text("half", "utf-8")
    assert run("tabel", str(minimal_catalog), "-o", str(out))[0] == 0
    assert all(p.suffix == ".csv" for p in out.iterdir())


def test_tabel_leaves_no_staging_folder(minimal_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "t"
    assert run("tabel", str(minimal_catalog), "-o", str(out))[0] == 0
    assert all(p.suffix == ".csv" for p in out.iterdir())


def test_creates_missing_parent_folders(minimal_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "model.xml"
    assert run("archimate", str(minimal_catalog), "-o", str(out))[0] == 0
    assert out.is_file()


def test_missing_catalog(tmp_path: Path) -> None:
    code, stdout, stderr = run("archimate", str(tmp_path / "tidak-ada"), "-o", str(tmp_path / "m"))
    assert code == 2  # a missing catalog is a usage error in every command
    assert stdout == ""
    assert "tidak-ada" in stderr
    assert not (tmp_path / "m").exists()


def test_unknown_table_format(minimal_catalog: Path, tmp_path: Path) -> None:
    code, _, stderr = run("tabel", str(minimal_catalog), "-o", str(tmp_path / "t"), "-f", "xls")
    assert code == 2
    assert "xls" in stderr


def test_messages_in_indonesian(minimal_catalog: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "--lang",
            "id",
            "export",
            "archimate",
            str(minimal_catalog),
            "-o",
            str(tmp_path / "m.xml"),
        ],
    )
    assert result.exit_code == 0
    assert "elemen" in result.stderr and "ditulis ke" in result.stderr


@pytest.mark.parametrize(("target", "name"), TARGETS)
def test_force_without_metadata(
    minimal_catalog: Path, tmp_path: Path, target: str, name: str
) -> None:
    (minimal_catalog / "metadata.yaml").unlink()
    out = tmp_path / name
    code, stdout, stderr = run(target, str(minimal_catalog), "-o", str(out), "--force")
    assert code == 0, stdout + stderr
    assert out.exists()


def test_exports_for_people_say_not_filled_in_and_the_tables_keep_the_value(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    """`[ISI]` (SPBE901, a warning) reads "(belum diisi)" in the ArchiMate model and the SIA-SPBE
    workbook, as in the documents; the data tables keep what the catalog says."""
    import zipfile

    from tests.helpers import edit

    edit(minimal_catalog / "arsitektur" / "aplikasi.yaml", "nama: Portal Wisata", 'nama: "[ISI]"')
    for target, name in TARGETS:
        code, _, err = run(target, str(minimal_catalog), "-o", str(tmp_path / name))
        assert code == 0, err
    model = (tmp_path / "model.xml").read_text(encoding="utf-8")
    assert "ISI" not in model
    assert '<name xml:lang="id">(belum diisi)</name>' in model
    with zipfile.ZipFile(tmp_path / "isian.xlsx") as book:
        sheets = "".join(
            book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")
        )
    assert "[ISI]" not in sheets
    assert "(belum diisi)" in sheets
    table = (tmp_path / "tabel" / "aplikasi.csv").read_text(encoding="utf-8")
    assert "APP-01,aplikasi," in table and ",[ISI]," in table
