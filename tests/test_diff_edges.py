"""``spbe diff`` on cases a reviewer tries as a user would: renamed broken files, big reviews."""

from __future__ import annotations

from pathlib import Path

import pytest

from spbe_cli import i18n
from spbe_cli.diff import diff_snapshots
from spbe_cli.diff.formats import format_markdown, format_text
from spbe_cli.gitsource import folder_snapshot
from tests.helpers import copy_minimal, write_tree


@pytest.fixture(autouse=True)
def _indonesian() -> None:
    i18n.set_language("id")


def _diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    return diff_snapshots(folder_snapshot(Path("old"), "old"), folder_snapshot(Path("new"), "new"))


def test_renamed_file_that_fails_names_its_entities_under_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file moved (git mv) and broken on the new side is one entry, with its entities.

    Before, the entities stood in a second entry without a file ("the new side: invalid
    document"), apart from the file whose error hides them.
    """
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    text = (new / "program" / "economy.yaml").read_text("utf-8")
    (new / "program" / "economy.yaml").unlink()
    broken = text.replace("horizon: menengah", "horizon: kapan-kapan")
    write_tree(new, {"program/ekonomi-baru.yaml": broken})
    result = _diff(tmp_path, monkeypatch)
    assert len(result.uncomparable) == 1
    entry = result.uncomparable[0]
    assert entry.side == "new" and entry.path == "new/program/ekonomi-baru.yaml"
    assert entry.ids == ("SC-03",)
    assert not [c for c in result.changes if c.id == "SC-03"]


def _many_broken(tmp_path: Path, count: int) -> None:
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    files = {}
    for number in range(count):
        body = f"entitas: opd\nid: OPD-{number:04d}\nnama: Dinas {number}\njenis: dinas\n"
        write_tree(tmp_path / "old", {f"opd/o{number}.yaml": body})
        files[f"opd/o{number}.yaml"] = body + "jenis: [rusak\n"
    write_tree(new, files)


def test_markdown_stays_under_the_limit_when_many_files_cannot_be_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every "cannot be compared" line counts against the comment limit (was written always)."""
    _many_broken(tmp_path, 120)
    result = _diff(tmp_path, monkeypatch)
    assert len(result.uncomparable) == 120
    text = format_markdown(result, limit=6000)
    assert len(text.encode("utf-8")) <= 6000
    assert "Keluaran dipotong:" in text
    assert "Tidak dapat dibandingkan (120)" in text


def test_counts_are_grouped_in_the_language_of_the_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``1.234`` in Indonesian, ``1,234`` in English: counts, totals and the comment limit."""
    _many_broken(tmp_path, 1000)
    result = _diff(tmp_path, monkeypatch)
    text = format_markdown(result)
    assert "batas GitHub (65.536 karakter)" in text  # was 65,536 in Indonesian
    assert "Tidak dapat dibandingkan (1.000)" in text
    assert "(1.024 berkas lama dan 1.024 berkas baru dibaca" in text
    assert "\n".join(format_text(result)).count("Perlu perhatian (1.000)") == 1
    i18n.set_language("en")
    assert "(1,024 old and 1,024 new files read" in "\n".join(format_text(result))
    assert i18n.t("diff.prose_title", count=2025) == "Prose (2,025)"
    # A bare placeholder is never grouped: years, lines and ids stay as they are.
    assert "2025: " in i18n.t("diff.cut", year=2025, old="a", new="b", percent=-50)
