"""``spbe diff`` with the base side's findings from the last ``spbe validate`` run of its files.

CI validates main with the cache on; a pull request's diff then takes the base side's findings
from that run's snapshot (:mod:`spbe_cli.diff.base`) and reads only the files that changed on
the base side. Whatever the change (edits, files added, removed or renamed, ids renamed, broken
files), the output is the one the full diff (both sides loaded and checked) prints, byte for
byte: each test compares both, in every format, and checks that the base run was used.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import blobids, cachestate
from spbe_cli.cli.app import app
from spbe_cli.diff import base as diff_base
from spbe_cli.files import CatalogFile
from spbe_cli.validate import validate_report
from tests.helpers import isolate_git

MENTOR = ("Mentor ITB", "mentor@example.org")


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(folder))
    monkeypatch.delenv("SPBE_INCREMENTAL", raising=False)
    cachestate.set_enabled(True)
    yield folder
    cachestate.set_enabled(True)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
    return done.stdout.decode()


def _files(catalog: Path, folder: str) -> list[Path]:
    return sorted((catalog / folder).glob("*.yaml"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="\n")


def _id_of(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: "):
            return line[4:].strip()
    raise AssertionError(path)


# -- the changes ---------------------------------------------------------------------------------


def edit_names(catalog: Path) -> None:
    for path in _files(catalog, "aplikasi")[:3]:
        _replace(path, "nama: ", "nama: Diubah ")


def edit_fields(catalog: Path) -> None:
    first, second = _files(catalog, "aplikasi")[:2]
    _replace(first, "nama: ", "nama: Diubah ")
    _replace(second, "status: ", "status: x")  # a schema error now


def remove_files(catalog: Path) -> None:
    for path in [*_files(catalog, "aplikasi")[:2], _files(catalog, "infrastruktur")[0]]:
        path.unlink()  # referenced by applications: their references are now broken


def add_files(catalog: Path) -> None:
    source = _files(catalog, "aplikasi")[0]
    old_id = _id_of(source)
    text = source.read_text(encoding="utf-8").replace(f"id: {old_id}", "id: apl-baru-1")
    (catalog / "aplikasi" / "baru.yaml").write_text(text, encoding="utf-8")  # a look-alike


def rename_files(catalog: Path) -> None:
    for path in _files(catalog, "aplikasi")[:3]:
        path.rename(path.with_name(f"pindah-{path.name}"))


def rename_ids(catalog: Path) -> None:
    path = _files(catalog, "infrastruktur")[1]
    old_id = _id_of(path)
    _replace(path, f"id: {old_id}", f"id: {old_id}-b")


def break_files(catalog: Path) -> None:
    first, second = _files(catalog, "aplikasi")[3:5]
    first.write_text(first.read_text(encoding="utf-8") + "a: [1, 2\n", encoding="utf-8")
    _replace(second, "entitas: aplikasi", "entitas: [aplikasi")


def all_at_once(catalog: Path) -> None:
    for change in (edit_fields, remove_files, add_files, rename_files, rename_ids, break_files):
        change(catalog)


def all_but_broken(catalog: Path) -> None:
    for change in (edit_names, remove_files, add_files, rename_files, rename_ids):
        change(catalog)


CHANGES = [
    edit_names,
    edit_fields,
    remove_files,
    add_files,
    rename_files,
    rename_ids,
    break_files,
    all_at_once,
]


#: How many of the three diffs of each change follow the new side with the engine: all three,
#: unless a file of the new side fails to load (a schema error, broken YAML), when the new side
#: is loaded and checked whole.
_FOLLOWED = dict.fromkeys(CHANGES, 3) | {edit_fields: 0, break_files: 0, all_at_once: 0}


# -- the runs --------------------------------------------------------------------------------------


def _warm(catalog: Path, shown: str) -> None:
    """Leave the cache as CI on main does: a run of the push before (one file differs), then
    one of the base (a full run that writes the snapshot and the blob ids)."""
    cachestate.set_enabled(True)
    some = _files(catalog, "opd")[0]
    kept = some.read_bytes()
    some.write_bytes(kept + b"# sebelumnya\n")
    validate_report(catalog, shown)
    some.write_bytes(kept)
    validate_report(catalog, shown)


def _diff(*args: str, cached: bool) -> list[tuple[int, str]]:
    """The diff's output in every format, with the cache on (from the base) or off (in full)."""
    outputs = []
    for output_format in ("text", "json", "markdown"):
        flag = "--cache" if cached else "--no-cache"
        result = CliRunner().invoke(app, ["diff", *args, "--format", output_format, flag])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        outputs.append((result.exit_code, result.stdout))
    return outputs


def _same_as_full(*args: str) -> int:
    """Compare the diff from the base's run with the full diff; how many runs followed."""
    used, followed = diff_base.STATS["used"], diff_base.STATS["followed"]
    from_base = _diff(*args, cached=True)
    assert diff_base.STATS["used"] == used + 3, "the base side's run was not used"
    assert from_base == _diff(*args, cached=False)
    return diff_base.STATS["followed"] - followed


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_git_sides_from_the_base_run(
    change: Callable[[Path], None],
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    isolate_git(monkeypatch, tmp_path, MENTOR)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(generated, repo / "catalog")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "tag", "base")
    monkeypatch.chdir(repo)
    _warm(repo / "catalog", "catalog")
    change(repo / "catalog")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "changed")
    followed = _same_as_full("base", "HEAD")
    assert followed == _FOLLOWED[change]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_folder_sides_from_the_base_run(
    change: Callable[[Path], None],
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(generated, tmp_path / "lama")
    shutil.copytree(generated, tmp_path / "baru")
    _warm(tmp_path / "lama", "lama")
    change(tmp_path / "baru")
    followed = _same_as_full("lama", "baru")
    assert followed == _FOLLOWED[change]


def test_a_folder_named_otherwise_than_in_its_run_is_followed(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run showed the folder as ``lama``, the diff as ``./lama``: the engine follows the new
    side under the run's name (its files listed once, when the side was hashed)."""
    _folders(generated, tmp_path, monkeypatch)
    assert _same_as_full("./lama", "baru") == 3


def test_a_followed_diff_builds_no_snapshot_and_no_report(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diff stores nothing: the engine makes neither the snapshot's bytes nor the report."""
    from spbe_cli import incremental, validate

    _folders(generated, tmp_path, monkeypatch)

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("built for a diff")

    monkeypatch.setattr(incremental, "_pack", refused)
    monkeypatch.setattr(validate, "configured", refused)
    assert _same_as_full("lama", "baru") == 3


def test_the_changed_files_are_handed_to_the_engine_as_parsed(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new side's contents not in the run are parsed once and loaded as they are: the
    engine's loader reads none of them back from the cache (same output as in full)."""
    from spbe_cli import loader as loader_module

    _folders(generated, tmp_path, monkeypatch)
    changed = {f"baru/aplikasi/{p.name}" for p in _files(tmp_path / "baru", "aplikasi")[:3]}
    given: list[str] = []
    read_back: list[str] = []
    load_file = loader_module._Loader.load_file

    def counted(self: loader_module._Loader, file: CatalogFile) -> None:
        (given if file.display in self.given else read_back).append(file.display)
        load_file(self, file)

    monkeypatch.setattr(loader_module._Loader, "load_file", counted)
    monkeypatch.setenv("SPBE_WORKERS", "1")  # the follow in this process, where it is counted
    assert _same_as_full("lama", "baru") == 3
    assert set(given) == {d.replace("baru/", "lama/") for d in changed}
    assert not changed.intersection(read_back)


def _count_differing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of the step setting aside the files whose findings are alike."""
    import spbe_cli.diff as diff_module

    calls: list[int] = []
    differing = diff_module._differing

    def counted(*args: object) -> object:
        calls.append(1)
        return differing(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(diff_module, "_differing", counted)
    return calls


def test_without_levels_the_findings_are_set_aside_once(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No level in force: the findings as configured are the raw ones, and one pass over them
    sets aside the unchanged files (the output the full diff's)."""
    _folders(generated, tmp_path, monkeypatch, edit_fields)
    calls = _count_differing(monkeypatch)
    _same_as_full("lama", "baru")
    assert len(calls) == 3  # one per format


def test_levels_in_the_rule_configuration_set_aside_each_list(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule's level set in .spbe.yaml changes the findings as configured: both lists are set
    aside each on its own, and the diff from the base is still the full diff."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(generated, tmp_path / "lama")
    (tmp_path / "lama" / ".spbe.yaml").write_text("aturan:\n  SPBE406: info\n", encoding="utf-8")
    shutil.copytree(tmp_path / "lama", tmp_path / "baru")
    _warm(tmp_path / "lama", "lama")
    edit_fields(tmp_path / "baru")
    calls = _count_differing(monkeypatch)
    _same_as_full("lama", "baru")
    assert len(calls) == 6


def test_the_files_holding_findings_are_not_parsed_again(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings' delta loads the files holding findings; those the changed files' loading
    parsed already are taken from it, not parsed again (the same output as in full)."""
    import spbe_cli.diff as diff_module

    _folders(generated, tmp_path, monkeypatch, all_but_broken)
    monkeypatch.setenv("SPBE_WORKERS", "1")  # every parse in this process, where it is seen
    parsed: list[tuple[bool, bytes]] = []
    in_tail: list[bool] = [False]
    held: list[int] = []
    parse_cached = cachestate.parse_cached
    holding = diff_module._holding

    def seen(cache: object, content: bytes) -> object:
        parsed.append((in_tail[0], content))
        return parse_cached(cache, content)  # type: ignore[arg-type]

    def tail(side: object, found: object, shared: object = None) -> object:
        in_tail[0] = True
        try:
            catalog = holding(side, found, shared)  # type: ignore[arg-type]
            held.append(len({s.path for s in catalog.sources.values()}))
            return catalog
        finally:
            in_tail[0] = False

    monkeypatch.setattr(cachestate, "parse_cached", seen)
    monkeypatch.setattr(diff_module, "_holding", tail)
    outputs = _diff("lama", "baru", cached=True)
    earlier = {content for late, content in parsed if not late}
    again = [content for late, content in parsed if late and content in earlier]
    assert held and sum(held) > len([1 for late, _ in parsed if late])
    assert not again
    assert outputs == _diff("lama", "baru", cached=False)


# -- when the base's run is not used ---------------------------------------------------------------


def _folders(
    generated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None] = edit_names,
) -> None:
    """``lama`` and ``baru`` in ``tmp_path`` (the working folder), the cache warmed on ``lama``,
    ``change`` made to ``baru``."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(generated, tmp_path / "lama")
    shutil.copytree(generated, tmp_path / "baru")
    _warm(tmp_path / "lama", "lama")
    change(tmp_path / "baru")


def _unused(*args: str) -> None:
    used = diff_base.STATS["used"]
    outputs = _diff(*args, cached=True)
    assert diff_base.STATS["used"] == used, "the base side's run was used"
    assert outputs == _diff(*args, cached=False)


def test_a_base_file_edited_since_its_run_is_compared_in_full(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folders(generated, tmp_path, monkeypatch)
    some = _files(tmp_path / "lama", "layanan")[0]
    some.write_text(some.read_text(encoding="utf-8") + "# diubah\n", encoding="utf-8")
    _unused("lama", "baru")


def test_a_base_file_touched_since_its_run_still_uses_it(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new modification time with the same bytes (``touch``, a checkout) is no change."""
    import os

    _folders(generated, tmp_path, monkeypatch)
    some = _files(tmp_path / "lama", "layanan")[0]
    later = some.stat().st_mtime_ns + 3_600 * 10**9
    os.utime(some, ns=(later, later))
    assert _same_as_full("lama", "baru") == 3


def test_a_base_file_changed_keeping_its_size_and_time_is_compared_in_full(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of a folder side is read and hashed: its size and modification time can lie.

    One byte changed, the size and the modification time put back as they were (``cp -p``, an
    editor keeping the time, a coarse clock): the run of the old bytes is not the base side's.
    """
    import os

    _folders(generated, tmp_path, monkeypatch)
    some = _files(tmp_path / "lama", "layanan")[0]
    before = some.stat()
    data = some.read_bytes()
    at = data.index(b"\nnama: ") + len(b"\nnama: ")
    letter = data[at : at + 1]
    assert letter.swapcase() != letter
    some.write_bytes(data[:at] + letter.swapcase() + data[at + 1 :])  # same size
    os.utime(some, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = some.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    _unused("lama", "baru")


def _flip_a_byte(blobs: Path) -> None:
    data = bytearray(blobs.read_bytes())
    data[-5] ^= 1  # the frame's SHA-256 no longer matches
    blobs.write_bytes(bytes(data))


def _another_shape(blobs: Path) -> None:
    import hashlib

    header = blobs.read_bytes().split(b"\n", 1)[0].rsplit(b" ", 1)[0]
    payload = b'{"key": "x", "shown": "lama", "files": [["a.yaml", 1, null]]}'
    digest = hashlib.sha256(payload).hexdigest().encode()
    blobs.write_bytes(b"%s %s\n%s" % (header, digest, payload))  # framed well, out of shape


@pytest.mark.parametrize("spoil", [_flip_a_byte, _another_shape], ids=lambda f: f.__name__)
def test_a_bad_blob_file_is_compared_in_full(
    spoil: Callable[[Path], None],
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _folders(generated, tmp_path, monkeypatch)
    (blobs,) = cache_on.glob("v*/runs/*.blobs")
    spoil(blobs)
    _unused("lama", "baru")


def test_incremental_off_compares_in_full(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folders(generated, tmp_path, monkeypatch)
    monkeypatch.setenv("SPBE_INCREMENTAL", "0")
    _unused("lama", "baru")


def test_exceptions_in_the_rule_configuration_compare_in_full(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(generated, tmp_path / "lama")
    some = _id_of(_files(tmp_path / "lama", "aplikasi")[6])
    config = (
        "pengecualian:\n  - aturan: SPBE406\n    entitas: {}\n    alasan: Diuji saja di sini.\n"
    )
    (tmp_path / "lama" / ".spbe.yaml").write_text(config.format(some), encoding="utf-8")
    shutil.copytree(tmp_path / "lama", tmp_path / "baru")
    _warm(tmp_path / "lama", "lama")
    edit_names(tmp_path / "baru")
    _unused("lama", "baru")


def test_the_blob_ids_are_those_git_gives(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli.cache import read_framed

    _folders(generated, tmp_path, monkeypatch)
    (blobs,) = cache_on.glob("v*/runs/*.blobs")
    label = blobs.read_bytes().split(b"\n", 1)[0].rsplit(b" ", 1)[0]
    payload = read_framed(str(blobs), 1 << 30, label)
    assert payload is not None
    columns = blobids._unpack(payload)
    assert columns is not None
    assert columns.shown == "lama"
    rows = {rel: columns.blobs[i * 20 : (i + 1) * 20].hex() for i, rel in enumerate(columns.paths)}
    assert len(rows) == len(list((tmp_path / "lama").rglob("*.yaml")))
    rel = next(iter(sorted(rows)))
    done = subprocess.run(
        ["git", "hash-object", str(tmp_path / "lama" / rel)], capture_output=True, check=True
    )
    assert rows[rel] == done.stdout.decode().strip()


def test_the_runs_findings_are_shown_under_the_sides_name() -> None:
    from spbe_cli.errors import Finding, Location, Related, Severity

    found = [
        Finding(
            "SPBE409",
            Severity.WARNING,
            Location("catalog/aplikasi/a.yaml", 2, 5),
            "mirip",
            None,
            (Related(Location("catalog/aplikasi/b.yaml", 3, 1), "yang lain"),),
        ),
        Finding("SPBE107", Severity.ERROR, Location("catalog", 1, 1), "tanpa metadata"),
    ]
    moved = diff_base.moved(found, "catalog", "main:catalog")
    assert moved is not None
    assert [f.location for f in moved] == [
        Location("main:catalog/aplikasi/a.yaml", 2, 5),
        Location("main:catalog", 1, 1),
    ]
    assert moved[0].related[0].location == Location("main:catalog/aplikasi/b.yaml", 3, 1)
    assert diff_base.moved(found, "catalog", "catalog") is found
    # A message naming a path of the run would read otherwise in the diff's own run: in full.
    named = [Finding("SPBE104", Severity.ERROR, found[0].location, "lihat catalog/aplikasi/b.yaml")]
    assert diff_base.moved(named, "catalog", "main:catalog") is None


# -- the new side followed in a forked child -------------------------------------------------------


@pytest.fixture
def forked_follow(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A child follows the new side whatever the catalog's size; counts what this process does.

    ``here``: follows run in this process (a child's own never reach these counts); ``stopped``:
    children stopped without their answer taken.
    """
    import spbe_cli.diff as diff_package
    from spbe_cli.parallel import ForkedChild

    monkeypatch.setenv("SPBE_WORKERS", "2")
    counts = {"here": 0, "stopped": 0}
    follow_side, stop = diff_base.follow_side, ForkedChild.stop

    def counted_follow(*args: object, **options: object) -> object:
        counts["here"] += 1
        return follow_side(*args, **options)  # type: ignore[arg-type]

    def counted_stop(self: ForkedChild) -> None:
        counts["stopped"] += self.started
        stop(self)

    monkeypatch.setattr(diff_base, "follow_side", counted_follow)
    monkeypatch.setattr(ForkedChild, "stop", counted_stop)
    assert diff_package._follow_plain  # what the child runs (replaced by some tests below)
    return counts


@pytest.mark.parametrize("change", [edit_names, add_files, rename_ids], ids=lambda c: c.__name__)
def test_a_child_follows_the_new_side_beside_the_loading(
    change: Callable[[Path], None],
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
    forked_follow: dict[str, int],
) -> None:
    """With a core idle the follow runs in a child: the same output byte for byte, its findings
    sent back (the base's findings and the comparison meanwhile here)."""
    _folders(generated, tmp_path, monkeypatch, change)
    assert _same_as_full("lama", "baru") == 3
    assert forked_follow == {"here": 0, "stopped": 0}


def test_a_child_following_a_change_that_cannot_be_followed_is_stopped(
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
    forked_follow: dict[str, int],
) -> None:
    """A file of the new side that does not load is known only once loaded: the child started
    meanwhile is stopped and the new side checked whole, as without it."""
    _folders(generated, tmp_path, monkeypatch, break_files)
    assert _same_as_full("lama", "baru") == 0
    assert forked_follow == {"here": 0, "stopped": 3}


def _fails() -> None:
    raise RuntimeError("the child fails")


def _sends_garbage() -> list[object]:
    return [True, [["SPBE409", "warning"]]]


def _other_run() -> list[object]:
    """Followed from a run that is not this process's base (the record rewritten meanwhile)."""
    return [True, [], ["a run of other files", "0" * 64]]


def _no_base() -> list[object]:
    """The child found no base (the cache changed between its look and this process's)."""
    return [False, [], None]


@pytest.mark.parametrize(
    "child", [_fails, _sends_garbage, _other_run, _no_base], ids=lambda f: f.__name__
)
def test_a_child_that_fails_leaves_the_follow_to_this_process(
    child: Callable[[], object],
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
    forked_follow: dict[str, int],
) -> None:
    import spbe_cli.diff as diff_package

    monkeypatch.setattr(diff_package, "_follow_plain", lambda *_: child())
    _folders(generated, tmp_path, monkeypatch)
    assert _same_as_full("lama", "baru") == 3
    assert forked_follow == {"here": 3, "stopped": 0}


def test_a_child_started_before_the_base_is_read_is_stopped_when_there_is_none(
    generated: Path,
    tmp_path: Path,
    cache_on: Path,
    monkeypatch: pytest.MonkeyPatch,
    forked_follow: dict[str, int],
) -> None:
    """The child starts before this process reads the base; without one it is stopped (and
    none starts with the cache off): the full diff, as without it."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(generated, tmp_path / "lama")
    shutil.copytree(generated, tmp_path / "baru")
    edit_names(tmp_path / "baru")  # no spbe validate run: the cache holds no base
    full = _diff("lama", "baru", cached=False)
    assert forked_follow == {"here": 0, "stopped": 0}
    assert _diff("lama", "baru", cached=True) == full
    assert forked_follow == {"here": 0, "stopped": 3}


def test_the_diff_script_ends_quickly_with_every_byte_and_its_exit_code(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spbe diff ends with os._exit after flushing (as validate does): nothing printed is lost."""
    import os
    import sys

    shutil.copytree(generated, tmp_path / "lama")
    shutil.copytree(generated, tmp_path / "baru")
    for path in _files(tmp_path / "baru", "aplikasi"):
        _replace(path, "nama: ", "nama: Diubah ")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "SPBE_"))}
    env.update({"LANG": "C.UTF-8", "SPBE_LANG": "en", "PYTHONUTF8": "1"})
    script = Path(sys.executable).with_name("spbe")
    monkeypatch.chdir(tmp_path)
    sizes = []
    for output in ("json", "text", "markdown"):
        argv = ["diff", "lama", "baru", "--format", output, "--exit-code"]
        done = subprocess.run(
            [str(script), *argv], capture_output=True, env=env, cwd=tmp_path, timeout=300
        )
        expected = CliRunner().invoke(app, argv)
        assert done.returncode == expected.exit_code == 1
        assert done.stdout.decode() == expected.stdout
        sizes.append(len(done.stdout))
    assert max(sizes) > 65_536  # more than a pipe holds


# -- the entries of the new side's changed files, written by this process for the child -----------


def test_this_process_writes_the_entries_of_the_changed_files_the_child_parses(
    generated: Path, tmp_path: Path, cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_prime`` reads the new side's changed files and writes their entries (the child then
    reads them instead of parsing them): the bytes it gives are those the side reads."""
    import hashlib

    from spbe_cli.diff import _prime, changed_files
    from spbe_cli.gitsource import resolve_sides

    _folders(generated, tmp_path, monkeypatch, add_files)
    sides = resolve_sides("lama", "baru", Path("catalog"), tmp_path)
    new_rels = changed_files(sides.old.files, sides.new.files)[1]
    assert len(new_rels) == 1
    cache = cachestate.open_cache()
    assert cache is not None
    contents = dict(sides.new.read(new_rels)[0])
    for content in contents.values():
        assert cache.get(hashlib.sha256(content).hexdigest(), len(content)) is None
    read = _prime(sides.new, new_rels)
    assert {sides.new.display(rel): data for rel, data in read.raw.items()} == contents
    for content in contents.values():
        assert cache.get(hashlib.sha256(content).hexdigest(), len(content)) is not None


def _entry_case(cache_on: Path) -> tuple[object, bytes, tuple[int, str]]:
    import hashlib

    cache = cachestate.open_cache()
    assert cache is not None
    content = b"id: apl-01\nentitas: aplikasi\nnama: Contoh\n"
    return cache, content, (len(content), hashlib.sha256(content).hexdigest())


def test_an_entry_written_by_the_other_process_is_read_not_parsed_again(
    cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, content, known = _entry_case(cache_on)
    cachestate.parse_cached(cache, content)  # type: ignore[arg-type]
    parsed: list[bytes] = []
    monkeypatch.setattr(cachestate, "parse_cached", lambda _, data: parsed.append(data))
    entry = diff_base._entry_of(cache, content, known)  # type: ignore[arg-type]
    assert parsed == []
    assert entry == cachestate.known_entry(cache, known)  # type: ignore[arg-type]


def test_an_entry_half_written_by_the_other_process_is_replaced_whole(
    cache_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other process may be writing the entry this moment (created, not yet whole): it
    reads as bad, and this process writes it whole over it."""
    cache, content, known = _entry_case(cache_on)
    cachestate.parse_cached(cache, content)  # type: ignore[arg-type]
    entry = Path(cache._path(known[1]))  # type: ignore[attr-defined]
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    assert cachestate.known_entry(cache, known) is None  # type: ignore[arg-type]
    parsed = diff_base._entry_of(cache, content, known)  # type: ignore[arg-type]
    assert entry.read_bytes() == whole
    assert parsed == cachestate.known_entry(cache, known)  # type: ignore[arg-type]


def test_an_entry_the_cache_does_not_keep_is_parsed_here_for_the_engine(
    cache_on: Path,
) -> None:
    """Entries not written (a cache that is not filled here): the file is parsed here and
    handed to the engine as it is, the same stage as a full run's parse."""
    from spbe_cli.parsing import parse_bytes

    with cachestate.filling(False):
        cache, content, known = _entry_case(cache_on)
        parsed = diff_base._entry_of(cache, content, known)  # type: ignore[arg-type]
    assert cachestate.known_entry(cache, known) is None  # type: ignore[arg-type]
    assert parsed == parse_bytes(content)
