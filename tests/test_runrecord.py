"""The run record: a warm ``spbe validate`` replays the last report, and only while it is true."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli import cachestate, runrecord
from spbe_cli import validate as validate_module
from spbe_cli.cache import ContentCache
from spbe_cli.cli.app import app
from spbe_cli.i18n import language
from spbe_cli.validate import validate_catalog, validate_report
from tests.helpers import copy_minimal, git, png, write_tree
from tests.test_cache import BAD_PROGRAM

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent

PNG = png(2, 1)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, the cache on for this test only."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(folder))
    monkeypatch.setitem(cachestate._state, "enabled", True)
    return folder


@pytest.fixture
def no_loading(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count full runs: a replayed run never calls validate_catalog."""
    calls: list[str] = []
    real = validate_module.validate_catalog

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("run")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validate_module, "validate_catalog", counting)
    yield calls


def _catalog(tmp_path: Path) -> Path:
    root = copy_minimal(tmp_path / "catalog")
    write_tree(root, {"program/bad.yaml": BAD_PROGRAM, "program/syntax.yaml": "a: [1, 2\n"})
    return root


def _record(folder: Path) -> Path:
    records = sorted((folder / "v1" / "runs").glob("*.json"))
    assert len(records) == 1, records
    return records[0]


def _fresh(root: Path) -> str:
    """The JSON report of an uncached run."""
    from spbe_cli.report import format_json

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(cachestate._state, "enabled", False)
        _, report = validate_catalog(root, "katalog")
    return format_json(report, "katalog")


def _cached(root: Path) -> str:
    from spbe_cli.report import format_json

    return format_json(validate_report(root, "katalog"), "katalog")


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github", "gitlab"])
def test_a_replayed_run_prints_what_a_fresh_run_prints(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    root = _catalog(tmp_path)
    argv = ["validate", str(root), "--format", output, "--strict"]
    fresh = runner.invoke(app, ["--no-cache", *argv])
    monkeypatch.setitem(cachestate._state, "enabled", True)
    recorded = runner.invoke(app, argv)
    assert _record(cache_dir).is_file()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("loaded although nothing changed")

    monkeypatch.setattr(validate_module, "validate_catalog", refuse)
    replayed = runner.invoke(app, argv)
    assert fresh.exit_code == recorded.exit_code == replayed.exit_code == 1
    assert fresh.stdout == recorded.stdout == replayed.stdout
    assert fresh.stderr == replayed.stderr
    assert "SPBE" in replayed.stdout


def test_strict_is_applied_at_replay(tmp_path: Path, cache_dir: Path) -> None:
    root = copy_minimal(tmp_path / "catalog")
    write_tree(root, {"program/bad.yaml": BAD_PROGRAM.replace("[ISI nama]", "Program Baru")})
    first = validate_report(root, "k")
    assert first.errors
    assert validate_report(root, "k", strict=True).strict
    assert not validate_report(root, "k").strict


def test_the_bundled_catalog_replays_byte_identical(
    tmp_path: Path, cache_dir: Path, no_loading: list[str]
) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    fresh = _fresh(root)
    assert _cached(root) == fresh
    assert _cached(root) == fresh
    assert no_loading == ["run"]


def _edits(root: Path) -> dict[str, Callable[[], object]]:
    """Every kind of change a replay must notice, each undone by the next."""
    bad = root / "program" / "bad.yaml"
    original = bad.read_bytes()
    stat = bad.stat()

    def same_size_same_mtime() -> None:
        # The content changes, its size and modification time do not: only the hash tells.
        bad.write_bytes(original.replace(b"2024", b"2023"))
        os.utime(bad, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    return {
        "same size, same mtime": same_size_same_mtime,
        "restored": lambda: bad.write_bytes(original),
        "file added": lambda: write_tree(root, {"program/new.yaml": "a: [\n"}),
        "file removed": lambda: (root / "program" / "new.yaml").unlink(),
        "file renamed": lambda: bad.rename(root / "program" / "bad2.yaml"),
        "renamed back": lambda: (root / "program" / "bad2.yaml").rename(bad),
        "config added": lambda: write_tree(root, {".spbe.yaml": "aturan:\n  SPBE405: off\n"}),
        "config changed": lambda: write_tree(root, {".spbe.yaml": "aturan:\n  SPBE405: info\n"}),
        "exception of a file": lambda: write_tree(root, {".spbe.yaml": EXCEPTION_OF_A_FILE}),
        # SPBE021 says such an exception names nothing while the file is not there: whether it
        # is, is an input too (a record replayed after it was removed hid the warning).
        "the file it names appears": lambda: (root / "CATATAN.md").write_text("x"),
        "the file it names is gone": lambda: (root / "CATATAN.md").unlink(),
        "config removed": lambda: (root / ".spbe.yaml").unlink(),
    }


EXCEPTION_OF_A_FILE = (
    "pengecualian:\n  - aturan: SPBE403\n    entitas: CATATAN.md\n"
    "    alasan: catatan rapat sementara\n"
)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_every_change_of_an_input_is_a_full_run(
    tmp_path: Path,
    cache_dir: Path,
    no_loading: list[str],
    monkeypatch: pytest.MonkeyPatch,
    processes: str,
) -> None:
    """Also when a forked child reads and hashes half the files (``SPBE_WORKERS=2``)."""
    from spbe_cli import runrecord

    monkeypatch.setenv("SPBE_WORKERS", processes)
    pids = tmp_path / "pids"
    real_digests = runrecord._digests

    def noted(files: Any, real_root: Path) -> Any:
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real_digests(files, real_root)

    monkeypatch.setattr(runrecord, "_digests", noted)
    root = _catalog(tmp_path)
    _cached(root)
    for name, edit in _edits(root).items():
        edit()
        before = len(no_loading)
        assert _cached(root) == _fresh(root), name
        assert len(no_loading) == before + 1, f"{name}: replayed a stale record"
        assert _cached(root) == _fresh(root), name
        assert len(no_loading) == before + 1, f"{name}: not recorded again"
    hashed_elsewhere = set(pids.read_text().split()) - {str(os.getpid())}
    assert bool(hashed_elsewhere) == (processes == "2" and sys.platform.startswith("linux"))


def test_prose_and_logo_are_inputs(tmp_path: Path, cache_dir: Path, no_loading: list[str]) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    metadata = root / "metadata.yaml"
    metadata.write_text(metadata.read_text("utf-8") + "logo: logo.png\n", "utf-8")
    (root / "logo.png").write_bytes(PNG)
    prose = root / "prosa" / "01-latar-belakang.md"
    edits: list[Callable[[], object]] = [
        lambda: prose.write_text(prose.read_text("utf-8") + "\nTambahan.\n", "utf-8"),
        lambda: prose.write_bytes(b"\xff\xfe not UTF-8"),  # SPBE208 appears
        prose.unlink,
        lambda: (root / "logo.png").write_bytes(b"GIF89a"),  # SPBE220 appears
        lambda: (root / "logo.png").unlink(),
    ]
    _cached(root)
    for index, edit in enumerate(edits):
        edit()
        before = len(no_loading)
        assert _cached(root) == _fresh(root), index
        assert len(no_loading) == before + 1, index


def test_language_and_shown_path_have_their_own_records(tmp_path: Path, cache_dir: Path) -> None:
    from spbe_cli.i18n import use_language
    from spbe_cli.report import format_json

    root = _catalog(tmp_path)
    english = _cached(root)
    with use_language("id"):
        indonesian = format_json(validate_report(root, "katalog"), "katalog")
        assert format_json(validate_report(root, "katalog"), "katalog") == indonesian
    assert indonesian != english
    assert _cached(root) == english
    other = format_json(validate_report(root, "lain"), "lain")
    assert '"lain/program/bad.yaml"' in other
    assert len(list((cache_dir / "v1" / "runs").glob("*.json"))) == 3


def test_git_tags_read_by_the_self_assessment_are_inputs(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "one")
    key = runrecord.slot(root, "k", language())
    store = ContentCache(cache_dir).runs()
    assert store is not None
    from spbe_cli.gitsource import tag_dates

    with runrecord.recording() as manifest:
        runrecord.note("git-tags", "arsitektur-", tag_dates(root, "arsitektur-"))
        _, report = validate_catalog(root, "k")
    assert store.write(key, manifest, report)
    assert runrecord.replay(store, key, root, "k") is not None
    git(root, "tag", "arsitektur-v1")
    assert runrecord.replay(store, key, root, "k") is None


def test_a_run_that_refused_a_file_writes_no_record(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    (root / "program" / "link.yaml").symlink_to(tmp_path)  # a link leaving the catalog
    report = validate_report(root, "k")
    assert any(f.code == "SPBE010" for f in report.findings)
    assert not list((cache_dir / "v1" / "runs").glob("*.json"))


def _framed(key: str, payload: bytes) -> bytes:
    digest = hashlib.sha256(payload).hexdigest()
    return f"spbe-run 1 {key} {digest}\n".encode() + payload


def test_hostile_records_are_ignored_and_rewritten(
    tmp_path: Path, cache_dir: Path, no_loading: list[str]
) -> None:
    root = _catalog(tmp_path)
    good = _cached(root)
    record = _record(cache_dir)
    original = record.read_bytes()
    key = record.stem
    header, _, payload = original.partition(b"\n")
    data = json.loads(payload)
    planted_report = json.loads(payload)
    planted_report["report"]["findings"] = []  # a clean report for a catalog with errors
    wrong_types = json.loads(payload)
    wrong_types["report"]["findings"][0][2] = ["x", -1, 1]
    bad_severity = json.loads(payload)
    bad_severity["report"]["findings"][0][1] = "fatal"
    other_slot = json.loads(payload)
    other_slot["slot"] = "0" * 64
    unknown_input = json.loads(payload)
    unknown_input["inputs"].append(["shell", "rm -rf /", "0" * 64])
    extra_key = dict(data, code="print(1)")
    cases = {
        "truncated": original[: len(original) // 2],
        "empty": b"",
        "header only": header,
        "corrupt byte": original[:-5] + b"X" + original[-4:],
        "other format": original.replace(b"spbe-run 1 ", b"spbe-run 2 ", 1),
        "foreign slot": _framed("f" * 64, payload),
        "random bytes": os.urandom(4096),
        "pickle": b"\x80\x04\x95" + b"cos\nsystem\n(S'touch /tmp/pwned'\ntR." + b"\n",
        "deep": _framed(key, b"[" * 100_000),
        "not an object": _framed(key, b"[]"),
        "wrong types": _framed(key, json.dumps(wrong_types).encode()),
        "bad severity": _framed(key, json.dumps(bad_severity).encode()),
        "other slot inside": _framed(key, json.dumps(other_slot).encode()),
        "unknown input": _framed(key, json.dumps(unknown_input).encode()),
        "extra key": _framed(key, json.dumps(extra_key).encode()),
    }
    # A record whose frame and schema are right but whose report is planted is believed only
    # while its manifest matches the catalog: a planted manifest of other files is a miss.
    planted_report["files"] = [["elsewhere.yaml", "file", 1, "0" * 64]]
    cases["planted manifest"] = _framed(key, json.dumps(planted_report).encode())
    # Its entries are compared whole: one with more in it, or a size as text, is a changed file.
    longer_entry = json.loads(payload)
    longer_entry["report"]["findings"] = []
    longer_entry["files"][0].append("extra")
    cases["longer entry"] = _framed(key, json.dumps(longer_entry).encode())
    size_as_text = json.loads(payload)
    size_as_text["report"]["findings"] = []
    size_as_text["files"][0][2] = str(size_as_text["files"][0][2])
    cases["size as text"] = _framed(key, json.dumps(size_as_text).encode())
    for name, content in cases.items():
        record.write_bytes(content)
        before = len(no_loading)
        assert _cached(root) == good, name
        assert len(no_loading) == before + 1, f"{name}: replayed"
        assert record.read_bytes() == original, f"{name}: not rewritten"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_links_fifos_and_huge_records_are_not_read(
    tmp_path: Path, cache_dir: Path, no_loading: list[str]
) -> None:
    root = _catalog(tmp_path)
    good = _cached(root)
    record = _record(cache_dir)
    original = record.read_bytes()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(original)
    record.unlink()
    record.symlink_to(elsewhere)
    assert _cached(root) == good
    assert not record.is_symlink()
    record.unlink()
    os.mkfifo(record)
    assert _cached(root) == good  # opened non-blocking and refused: no hang
    assert record.read_bytes() == original
    record.write_bytes(original + b" " * (64 << 20))
    assert _cached(root) == good
    assert record.read_bytes() == original
    assert len(no_loading) == 4


def test_records_are_private_and_leave_no_temporary_file(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    _cached(root)
    record = _record(cache_dir)
    assert record.stat().st_mode & 0o077 == 0
    assert [p.name for p in record.parent.iterdir()] == [record.name]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
def test_a_runs_folder_others_can_write_is_made_private_before_use(
    tmp_path: Path, cache_dir: Path, no_loading: list[str]
) -> None:
    """What others could put there is removed first: a planted record is never replayed."""
    root = _catalog(tmp_path)
    runs = cache_dir / "v1" / "runs"
    runs.mkdir(parents=True)
    (runs / "planted.json").write_text("{}")
    runs.chmod(0o777)
    good = _fresh(root)
    assert _cached(root) == good
    assert _cached(root) == good
    assert runs.stat().st_mode & 0o777 == 0o700
    assert [path.name for path in runs.iterdir()] != ["planted.json"]
    assert not (runs / "planted.json").exists()
    assert len(no_loading) == 1  # recorded, then replayed


def test_no_record_without_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    cachestate.set_enabled(False)
    try:
        _cached(root)
    finally:
        cachestate.set_enabled(True)
    assert not cache_dir.exists()


def test_per_file_entries_are_written_from_the_second_run_of_a_catalog(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = _catalog(tmp_path)

    def entries() -> list[Path]:
        return sorted(cache_dir.glob("v1/*/*/*.json"))

    first = _cached(root)
    assert entries() == []  # the first run writes the record only
    assert _record(cache_dir).is_file()
    write_tree(root, {"program/syntax.yaml": "a: [1, 2\n\n"})
    second = _cached(root)
    assert second == _fresh(root) != first
    written = entries()
    assert len(written) > 20  # the catalog ran here before: every file's entry is written
    write_tree(root, {"program/syntax.yaml": "a: [1, 2\n"})
    store = ContentCache(cache_dir)
    unchanged = (root / "program" / "bad.yaml").read_bytes()
    assert store.get(store.key(unchanged), len(unchanged)) is not None
    assert _cached(root) == _fresh(root) == first


def test_only_the_newest_records_are_kept(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    _cached(root)
    runs = _record(cache_dir).parent
    for n in range(runrecord.MAX_RECORDS + 5):
        old = runs / f"{n:064x}.json"
        old.write_bytes(b"old")
        os.utime(old, ns=(n, n))
    write_tree(root, {"program/syntax.yaml": "a: [\n"})
    _cached(root)
    kept = sorted(runs.glob("*.json"))
    assert len(kept) == runrecord.MAX_RECORDS
    # A temporary file of a run killed while writing goes once it is an hour old.
    killed, writing = runs / "a.json.1.00.tmp", runs / "b.json.2.00.tmp"
    killed.write_bytes(b"half")
    writing.write_bytes(b"half")
    os.utime(killed, ns=(0, 0))
    write_tree(root, {"program/syntax.yaml": "a: [1\n"})
    _cached(root)
    assert not killed.exists() and writing.exists()
    assert runs / f"{0:064x}.json" not in kept
    assert any(p.read_bytes().startswith(b"spbe-run 1 ") for p in kept)


def test_a_full_run_after_the_check_reads_each_file_once(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli import files, loader

    root = _catalog(tmp_path)
    _cached(root)
    write_tree(root, {"program/syntax.yaml": "a: [1, 2\n\n"})
    _cached(root)  # the second run writes the per-file entries
    write_tree(root, {"program/syntax.yaml": "a: [1, 2\n"})
    expected = _fresh(root)
    reads: list[str] = []
    real = files.read_catalog_file

    def counting(file: files.CatalogFile, real_root: Path) -> bytes | files.Refusal:
        reads.append(file.display)
        return real(file, real_root)

    monkeypatch.setattr(files, "read_catalog_file", counting)
    monkeypatch.setattr(loader, "read_catalog_file", counting)
    assert _cached(root) == expected
    # Read by the check or by the load, not both; only the changed file (no entry yet) twice.
    assert [d for d in reads if reads.count(d) > 1] == ["katalog/program/syntax.yaml"] * 2
    assert len(set(reads)) == len(list(root.rglob("*.yaml")))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_an_input_read_in_a_forked_child_fails_the_child(tmp_path: Path) -> None:
    """What a child reads never reaches the manifest: it fails, and this process does the work."""
    from spbe_cli.parallel import fork_call

    with runrecord.recording() as manifest:
        assert fork_call(lambda: "sent")() == "sent"
        assert fork_call(lambda: runrecord.note("file", "CATATAN.md", True) or "sent")() is None
        assert fork_call(lambda: runrecord.note_file("a.yaml", "file", 1, "0" * 64))() is None
        runrecord.note("file", "CATATAN.md", True)
    assert [entry[:2] for entry in manifest.inputs] == [["file", "CATATAN.md"]]
    assert manifest.files == []


def test_a_record_planted_by_a_commit_is_never_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_loading: list[str]
) -> None:
    """A merge request commits a record saying "no findings" where CI keeps its cache.

    GitLab's ``cache:`` only keeps folders inside the project, so a job may set
    ``SPBE_CACHE_DIR=$CI_PROJECT_DIR/.cache/spbe``; the record is framed, keyed and shaped as
    spbe writes it (anyone can compute the slot). A cache folder in a git work tree is not used.
    """
    import subprocess

    from spbe_cli.errors import Report

    repo = tmp_path / "repo"
    root = _catalog(repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    planted = repo / ".cache" / "spbe"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(planted))
    monkeypatch.setitem(cachestate._state, "enabled", True)
    good = _fresh(root)
    assert '"errors": 0' not in good
    # What the attacker runs beforehand, with the same spbe, on a copy of the catalog.
    key = runrecord.slot(root, "katalog", language())
    with runrecord.recording() as manifest:
        _, report = validate_catalog(root, "katalog")
    clean = Report([], files=report.files, entities=report.entities)
    (planted / "v1" / "runs").mkdir(parents=True, mode=0o700)
    assert runrecord.RunRecords(planted / "v1" / "runs").write(key, manifest, clean)
    before = len(no_loading)
    assert _cached(root) == good
    assert _cached(root) == good
    assert len(no_loading) == before + 2  # never replayed, nor written there
    assert [p.name for p in (planted / "v1" / "runs").iterdir()] == [f"{key}.json"]
    shutil.rmtree(planted)
    assert _cached(root) == good
    assert not planted.exists()  # nothing is made in a work tree it refuses


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_file_edited_while_the_run_reads_it(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """The record notes the content the run parsed, whatever the file holds by the end."""
    from spbe_cli import files, loader

    root = _catalog(tmp_path)
    _cached(root)
    bad = root / "program" / "bad.yaml"
    bad.write_text(BAD_PROGRAM.replace("2024", "2023"), "utf-8")  # the check reads this one
    edited = BAD_PROGRAM.replace("nama: again\n", "")  # ... the run another
    real = files.read_catalog_file

    def racing(file: files.CatalogFile, real_root: Path) -> bytes | files.Refusal:
        if file.display.endswith("bad.yaml") and when == "before":
            bad.write_text(edited, "utf-8")
        found = real(file, real_root)
        if file.display.endswith("bad.yaml") and when == "after":
            bad.write_text(edited, "utf-8")
        return found

    monkeypatch.setattr(loader, "read_catalog_file", racing)
    racy = _cached(root)
    monkeypatch.setattr(loader, "read_catalog_file", real)
    assert bad.read_text("utf-8") == edited
    assert (racy == _fresh(root)) is (when == "before")
    assert _cached(root) == _fresh(root)  # a stale record is never replayed
    assert _cached(root) == _fresh(root)


def test_pruning_takes_each_old_record_with_its_snapshot_and_keeps_the_newest_blob_files(
    tmp_path: Path,
) -> None:
    """Records, their snapshots (20 MB each at national scale) and blob-id files do not pile up."""
    folder = tmp_path / "runs"
    folder.mkdir()
    names = []
    for age, key in enumerate(["baru", "tengah", "lama"]):
        for name in (f"{key}.json", f"{key}.snapshot", f"{key}.blobs"):
            (folder / name).write_bytes(b"x")
            os.utime(folder / name, ns=(10**18 - age * 10**9, 10**18 - age * 10**9))
            names.append(name)
    (folder / "yatim.snapshot").write_bytes(b"x")  # its record was pruned by an older spbe
    (folder / "lain.txt").write_bytes(b"x")
    runrecord.RunRecords(folder).prune(keep=2)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [n for n in names if not n.startswith("lama")] + ["lain.txt"]
    )


def test_findings_read_back_as_written_whatever_their_shape() -> None:
    """The common shape (no related place) and the others read back alike; a count that is
    not one (a boolean, a negative number) or a text that is not one is refused."""
    from spbe_cli.errors import Finding, Location, Related, Severity

    place = Location("catalog/a.yaml", 3, 1)
    shapes = [
        Finding("SPBE201", Severity.ERROR, place, "pesan"),
        Finding("SPBE202", Severity.WARNING, place, "pesan", "saran"),
        Finding("SPBE203", Severity.INFO, place, "pesan", None, (Related(place, "lihat"),)),
    ]
    for finding in shapes:
        assert runrecord.finding_from_json(runrecord.finding_json(finding)) == finding
    good = runrecord.finding_json(shapes[0])
    for bad in (
        [*good[:2], ["catalog/a.yaml", True, 1], *good[3:]],
        [*good[:2], ["catalog/a.yaml", 3, -1], *good[3:]],
        [*good[:2], [3, 3, 1], *good[3:]],
        [good[0], good[1], good[2], 7, *good[4:]],
        [*good[:4], 7, good[5]],
        [*good[:5], {}],
    ):
        with pytest.raises(runrecord.MalformedRecordError):
            runrecord.finding_from_json(bad)


def test_what_tools_leave_in_the_package_is_not_code(tmp_path: Path) -> None:
    """A lint's cache, an editor's swap file or bytecode in spbe's folders leaves the code's
    digest (so every run record and snapshot) as it was; a change to a source file does not."""
    from spbe_cli.runrecord import _code_digest

    package = tmp_path / "spbe_cli"
    (package / "render").mkdir(parents=True)
    (package / "core.py").write_text("x = 1\n")
    (package / "render" / "ruff.toml").write_text("extend = '../../pyproject.toml'\n")

    def digest() -> str:
        made = hashlib.sha256()
        _code_digest(made, package)
        return made.hexdigest()

    before = digest()
    for left in (".ruff_cache/0.1/123", ".mypy_cache/3.11/core.json", "__pycache__/core.pyc"):
        (package / "render" / left).parent.mkdir(parents=True, exist_ok=True)
        (package / "render" / left).write_text("cache")
    (package / ".core.py.swp").write_text("swap")
    (package / "core.cpython-311.pyc").write_bytes(b"\0")
    assert digest() == before
    (package / "core.py").write_text("x = 2\n")
    assert digest() != before


def test_compare_lists_each_file_as_the_record_does(
    tmp_path: Path, cache_dir: Path, no_loading: list[str]
) -> None:
    """The check lists every file once as a record does; a followed run takes that list."""
    root = _catalog(tmp_path)
    _cached(root)
    store = runrecord.RunRecords(_record(cache_dir).parent)
    key = runrecord.slot(root, "katalog", language())
    read: dict[str, tuple[int, str]] = {}
    compared = runrecord.compare(store, key, root, "katalog", read)
    assert compared.report is not None and compared.stored is not None
    assert compared.now == compared.stored["files"]
    assert [entry[0] for entry in compared.now] == [f.display for f in compared.files]
    assert {entry[0]: (entry[2], entry[3]) for entry in compared.now} == read
    edited = root / "program" / "bad.yaml"
    edited.write_text(edited.read_text() + "# diubah\n")
    compared = runrecord.compare(store, key, root, "katalog", read)
    assert compared.report is None and compared.now is not None
    data = edited.read_bytes()
    assert ["katalog/program/bad.yaml", "file", len(data), hashlib.sha256(data).hexdigest()] in (
        compared.now
    )
    assert read["katalog/program/bad.yaml"] == (len(data), hashlib.sha256(data).hexdigest())


def test_a_file_the_loader_refuses_leaves_no_list() -> None:
    from spbe_cli.files import CatalogFile

    listed = [CatalogFile("/x/a.yaml", "k/a.yaml"), CatalogFile("/x/b.yaml", "k/b.yaml", "other")]
    read: dict[str, tuple[int, str]] = {}
    assert runrecord._listed(listed, [(3, "ab"), None], read) is None
    assert read == {"k/a.yaml": (3, "ab")}
    read.clear()
    assert runrecord._listed(listed, [(3, "ab"), (4, "cd")], read) == [
        ["k/a.yaml", "file", 3, "ab"],
        ["k/b.yaml", "other", 4, "cd"],
    ]
    assert read == {"k/a.yaml": (3, "ab"), "k/b.yaml": (4, "cd")}


def test_a_run_keeps_what_it_made_only_in_the_script_ending_after_it(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing, digests and record stay until os._exit in the script; freed elsewhere."""
    from spbe_cli import collector

    monkeypatch.setattr(collector, "_ENDING", {"script": False, "on": False})
    monkeypatch.setattr(collector, "_HELD", [])
    root = _catalog(tmp_path)
    _cached(root)
    result = runner.invoke(app, ["validate", str(root)])  # a test's runner: not the script
    assert result.exit_code == 1, result.output
    assert collector._HELD == []
    collector.ending_after_command()  # said outside the script: changes nothing
    _cached(root)
    assert collector._HELD == []
    collector.script_process()
    collector.ending_after_command()
    good = _cached(root)  # replayed: the check's listing and digests are kept
    kept = [value for value in collector._HELD if isinstance(value, runrecord.Compared)]
    assert len(kept) == 1 and kept[0].report is not None
    assert good == _fresh(root)
