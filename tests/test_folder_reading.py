"""Reading the two folders of ``spbe diff A B``: what the child reading the new one sends, the
bytes this process takes from the old one, the base run looked for meanwhile, and reading one
file's bytes with as few system calls as its size allows."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spbe_cli import cachestate, files
from spbe_cli.diff import base as diff_base
from spbe_cli.files import MAX_FILE_BYTES
from spbe_cli.gitsource import FolderSide, blob_id, folder_snapshot, resolve_sides
from spbe_cli.parallel import ForkedChild
from tests.helpers import copy_minimal, edit
from tests.test_diff_base import _diff, _warm, edit_names

ECONOMY = "program/economy.yaml"


# -- one file's bytes ----------------------------------------------------------------------------


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes asked of each ``os.read`` from now on."""
    asked: list[int] = []
    read = os.read

    def counted(fd: int, size: int) -> bytes:
        asked.append(size)
        return read(fd, size)

    monkeypatch.setattr(os, "read", counted)
    return asked


@pytest.mark.parametrize("content", [b"", b"id: a\n", b"x" * 70_000], ids=["empty", "small", "big"])
def test_a_file_of_the_size_fstat_gave_is_read_in_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(content)
    asked = _reads(monkeypatch)
    found = files.read_catalog_file(files.CatalogFile(str(path), "a.yaml"), tmp_path)
    assert found == content
    assert asked == [len(content) + 1]  # no second call to see the end


def test_a_file_that_shrank_or_grew_since_fstat_is_read_as_before(tmp_path: Path) -> None:
    """The size fstat gave is a hint: a file that shrank is read to its end, one that grew is
    read one byte past the size (which the size limit sees), as each was before."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"0123456789")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert files._read_all(fd, 20) == b"0123456789"  # shrank: read to its end
        os.lseek(fd, 0, os.SEEK_SET)
        assert files._read_all(fd, 4) == b"01234"  # grew: one byte past the size
        os.lseek(fd, 0, os.SEEK_SET)
        assert files._read_all(fd, MAX_FILE_BYTES + 5) == b"0123456789"
        os.lseek(fd, 10, os.SEEK_SET)
        assert files._read_all(fd, 3) == b""  # emptied meanwhile
    finally:
        os.close(fd)


def test_a_short_read_is_followed_to_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that stops before the size fstat gave (a signal, a network file system) is not
    taken for the whole file."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"0123456789")
    read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: read(fd, min(size, 3)))
    found = files.read_catalog_file(files.CatalogFile(str(path), "a.yaml"), tmp_path)
    assert found == b"0123456789"


# -- the new folder from the child -----------------------------------------------------------------


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``old`` and ``new`` copies of the minimal catalog, one program edited in ``new``."""
    monkeypatch.chdir(tmp_path)
    copy_minimal(tmp_path / "old")
    copy_minimal(tmp_path / "new")
    edit(tmp_path / "new" / ECONOMY, "2027: 80", "2027: 90")
    return tmp_path


def test_the_new_folders_unchanged_files_are_the_old_ones_bytes(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child sends blob ids, not bytes: a file the old side has is its very bytes here
    (kept once), one it lacks is read here; each side as read alone."""
    monkeypatch.setenv("SPBE_WORKERS", "2")
    (folders / "new" / "program" / "fifo.yaml").symlink_to("/dev/null")  # refused, not read
    sides = resolve_sides("old", "new", Path("catalog"))
    alone = folder_snapshot(folders / "new", "new")
    assert sides.new.listing == alone.listing
    readable = [rel for rel in alone.files if not alone.files[rel].startswith("unreadable:")]
    assert {rel: sides.new.files[rel] for rel in readable} == {
        rel: alone.files[rel] for rel in readable
    }
    assert sides.new.read(sorted(alone.files)) == alone.read(sorted(alone.files))
    for rel in readable:
        (_, mine), *_ = sides.new.read([rel])[0]
        (_, old), *_ = sides.old.read([rel])[0]
        assert (mine is old) == (rel != ECONOMY), rel


def test_a_file_the_child_saw_otherwise_is_read_and_hashed_here(folders: Path) -> None:
    """The ids a child found fill the side: a known id takes the known bytes, an id not
    known (the file changed since the child read it) is read and hashed again, a file the child
    could not read is left to be read and reported by the diff."""
    side = FolderSide(folders / "new", "new")
    listing = side.listed()
    rels = list(listing)
    now = (folders / "new" / ECONOMY).read_bytes()
    known = {"k" * 40: b"known bytes"}
    ids: list[str | None] = [None] * len(rels)
    ids[0] = "k" * 40
    ids[rels.index(ECONOMY)] = "0" * 40  # what the child hashed before the last write
    found = side.filled(listing, ids, known)
    assert found[0] == ("k" * 40, b"known bytes")
    assert found[rels.index(ECONOMY)] == (blob_id(now), now)
    assert all(one is None for i, one in enumerate(found) if i not in (0, rels.index(ECONOMY)))


def test_an_empty_new_folder_from_the_child(folders: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPBE_WORKERS", "2")
    shutil.rmtree(folders / "new")
    (folders / "new").mkdir()
    sides = resolve_sides("old", "new", Path("catalog"))
    assert (sides.new.files, sides.new.listing) == ({}, {})


def _logged_start(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What this process does in order from now on: each child started or stopped, each folder
    listed here (the child's own listing is in the child, not logged)."""
    import spbe_cli.gitsource as gitsource

    events: list[str] = []
    init, stop, listing = ForkedChild.__init__, ForkedChild.stop, gitsource.find_files

    def logged_init(self: ForkedChild, work: Any) -> None:
        events.append("child")
        init(self, work)

    def logged_stop(self: ForkedChild) -> None:
        events.append("stop" if self.started else "stopped")
        stop(self)

    def logged_listing(root: Path, shown: str) -> list[files.CatalogFile]:
        events.append(f"list {shown}")
        return listing(root, shown)

    monkeypatch.setattr(ForkedChild, "__init__", logged_init)
    monkeypatch.setattr(ForkedChild, "stop", logged_stop)
    monkeypatch.setattr(gitsource, "find_files", logged_listing)
    return events


def test_the_child_reads_the_new_folder_while_the_old_one_is_listed(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPBE_WORKERS", "2")
    events = _logged_start(monkeypatch)
    sides = resolve_sides("old", "new", Path("catalog"))
    assert events == ["child", "list old", "stopped"]  # it answered: nothing left to stop
    alone = folder_snapshot(folders / "new", "new")
    assert (sides.new.files, sides.new.listing) == (alone.files, alone.listing)


def test_a_child_started_for_a_small_catalog_is_stopped_once_its_size_is_known(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started before the old folder is listed, on a core idle, the child is stopped when the
    listing is too small for it (as when the listing came first), and the new folder is read
    here, as alone."""
    from spbe_cli import parallel

    monkeypatch.delenv("SPBE_WORKERS", raising=False)
    monkeypatch.setattr(parallel, "core_idle", lambda size, minimum=parallel.MIN_FILES: True)
    events = _logged_start(monkeypatch)
    sides = resolve_sides("old", "new", Path("catalog"))
    assert events == ["child", "list old", "stop", "list new"]
    alone = folder_snapshot(folders / "new", "new")
    assert (sides.new.files, sides.new.listing) == (alone.files, alone.listing)


def test_an_old_folder_that_cannot_be_listed_stops_the_child_and_is_reported(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of two folders that cannot be listed, the old one's problem is the one reported, and the
    child reading the new one is gone (no process left behind)."""
    import spbe_cli.gitsource as gitsource
    from spbe_cli.errors import SpbeError

    monkeypatch.setenv("SPBE_WORKERS", "2")
    events = _logged_start(monkeypatch)

    def refuse(root: Path, shown: str) -> list[object]:
        events.append(f"list {shown}")
        raise SpbeError(f"cannot list {shown}")

    monkeypatch.setattr(gitsource, "find_files", refuse)  # in the forked child too
    with pytest.raises(SpbeError, match="cannot list old"):
        resolve_sides("old", "new", Path("catalog"))
    assert events == ["child", "list old", "stop"]


def test_the_size_half_of_the_gate() -> None:
    from spbe_cli.parallel import MIN_FILES, large_enough

    assert large_enough(MIN_FILES, environ={})
    assert not large_enough(MIN_FILES - 1, environ={})
    assert large_enough(1, environ={"SPBE_WORKERS": "2"})  # asked for: whatever the size
    assert not large_enough(10**6, environ={"SPBE_WORKERS": "1"})
    assert large_enough(10, minimum=10, environ={"SPBE_WORKERS": "many"})  # not a number


# -- the base run looked for while the child reads ---------------------------------------------


@pytest.fixture
def warmed(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """``lama`` (validated with the cache on, as CI leaves it) and ``baru`` (names edited);
    yields what this process does in order: ``find_base`` and each child's ``result``."""
    monkeypatch.setenv("SPBE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SPBE_INCREMENTAL", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(generated, tmp_path / "lama")
    shutil.copytree(generated, tmp_path / "baru")
    _warm(tmp_path / "lama", "lama")
    edit_names(tmp_path / "baru")
    events: list[str] = []
    find_base, result = diff_base.find_base, ForkedChild.result

    def logged_find_base(side: object) -> object:
        events.append("find_base")
        return find_base(side)  # type: ignore[arg-type]

    def logged_result(self: ForkedChild) -> object:
        events.append("result")
        return result(self)

    monkeypatch.setattr(diff_base, "find_base", logged_find_base)
    monkeypatch.setattr(ForkedChild, "result", logged_result)
    yield events
    cachestate.set_enabled(True)


def test_the_base_is_found_while_the_child_reads_the_new_folder(
    warmed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPBE_WORKERS", "2")
    sides = resolve_sides("lama", "baru", Path("catalog"), base=True)
    assert warmed == ["find_base", "result"]  # before this process waits for the child
    (found,) = sides.old.base_found
    assert isinstance(found, diff_base.Base)


@pytest.mark.parametrize(("workers", "base"), [("0", True), ("2", False)])
def test_no_base_is_looked_for_ahead_without_a_child_or_a_use(
    warmed: list[str], monkeypatch: pytest.MonkeyPatch, workers: str, base: bool
) -> None:
    """No core idle: nothing to fill the wait with; ``--no-findings``: the diff takes no base."""
    monkeypatch.setenv("SPBE_WORKERS", workers)
    sides = resolve_sides("lama", "baru", Path("catalog"), base=base)
    assert "find_base" not in warmed
    assert sides.old.base_found == []


def test_the_diff_takes_the_base_found_ahead_once(
    warmed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diff from the base found ahead prints what the full diff prints, and does not look
    for it again (the child following the new side takes its copy)."""
    monkeypatch.setenv("SPBE_WORKERS", "2")
    used = diff_base.STATS["used"]
    from_base = _diff("lama", "baru", cached=True)
    assert diff_base.STATS["used"] == used + 3
    assert warmed.count("find_base") == 3  # once a diff, ahead
    assert from_base == _diff("lama", "baru", cached=False)
