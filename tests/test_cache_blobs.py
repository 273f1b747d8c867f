"""The blob-id file beside a snapshot (:mod:`spbe_cli.blobids`) and the run record's JSON.

A followed run (one file edited) rewrites both: the blob ids as two binary columns, reading only
the files whose content is new, and not at all when nothing in them changed; the record with
orjson. Both are untrusted input: anything out of shape is ignored and written again in full.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spbe_cli import blobids
from spbe_cli import files as files_module
from spbe_cli.cache import framed, read_framed
from spbe_cli.errors import Finding, Location, Report, Severity
from spbe_cli.runrecord import Manifest, RunRecords


@pytest.fixture
def store(tmp_path: Path) -> RunRecords:
    folder = tmp_path / "runs"
    folder.mkdir()
    return RunRecords(folder)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "katalog"
    for folder in ("aplikasi", "layanan"):
        (root / folder).mkdir(parents=True)
        for n in range(4):
            (root / folder / f"{folder[:3]}-{n}.yaml").write_bytes(
                b"id: %s-%d\n" % (folder.encode(), n)
            )
    return root


def _listed(root: Path) -> list[list[Any]]:
    """The files as a run record lists them: ``[shown path, kind, size, SHA-256]``."""
    found = []
    for path in sorted(root.rglob("*.yaml")):
        data = path.read_bytes()
        shown = "katalog/" + path.relative_to(root).as_posix()
        found.append([shown, "file", len(data), hashlib.sha256(data).hexdigest()])
    return found


def _edit(path: Path, text: bytes) -> None:
    spare = path.with_name(path.name + ".baru")
    spare.write_bytes(text)
    spare.replace(path)  # a new file, as an editor writes it


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shown path of every catalog file read by the blob-id file's writer."""
    seen: list[str] = []
    real = files_module.read_catalog_file

    def counted(file: files_module.CatalogFile, real_root: Path) -> bytes | files_module.Refusal:
        seen.append(file.display)
        return real(file, real_root)

    monkeypatch.setattr(files_module, "read_catalog_file", counted)
    return seen


def _git_ids(root: Path) -> dict[str, str]:
    paths = sorted(root.rglob("*.yaml"))
    done = subprocess.run(
        ["git", "hash-object", *map(str, paths)], capture_output=True, check=True, text=True
    )
    return {
        p.relative_to(root).as_posix(): blob
        for p, blob in zip(paths, done.stdout.split(), strict=True)
    }


def test_the_blob_ids_are_written_as_columns_and_read_back(
    store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    data = blobids.read(store, catalog)
    assert data is not None
    assert (data["key"], data["shown"]) == ("k1", "katalog")
    assert {rel: blob for rel, _, blob in data["files"]} == _git_ids(catalog)
    assert [sha for _, sha, _ in data["files"]] == [entry[3] for entry in _listed(catalog)]
    assert len(reads) == 8  # a first file: every file read once
    size = os.stat(blobids._name(store, catalog)).st_size
    payload = read_framed(blobids._name(store, catalog), size, blobids._label(catalog))
    assert payload is not None
    assert len(payload.partition(b"\n")[2]) == 8 * (32 + 20)  # binary: 52 bytes a file


def test_a_file_that_would_say_the_same_is_not_written_again(
    store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    path = Path(blobids._name(store, catalog))
    before = path.stat()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns - 10**12))
    reads.clear()
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    after = path.stat()
    assert after.st_ino == before.st_ino  # not replaced
    assert after.st_mtime_ns >= before.st_mtime_ns  # but its age renewed: pruned by it
    assert reads == []


def test_an_edit_reads_only_the_files_edited(
    store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    _edit(catalog / "layanan" / "lay-2.yaml", b"id: layanan-2\nnama: Diubah\n")
    _edit(catalog / "aplikasi" / "apl-0.yaml", b"id: aplikasi-0\nnama: Juga\n")
    reads.clear()
    blobids.remember(store, "k2", catalog, "katalog", _listed(catalog))
    assert sorted(reads) == ["katalog/aplikasi/apl-0.yaml", "katalog/layanan/lay-2.yaml"]
    data = blobids.read(store, catalog)
    assert data is not None
    assert data["key"] == "k2"
    assert {rel: blob for rel, _, blob in data["files"]} == _git_ids(catalog)


def test_files_added_and_removed_reuse_the_known_contents(
    store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    (catalog / "aplikasi" / "apl-1.yaml").unlink()
    (catalog / "layanan" / "lay-9.yaml").write_bytes(b"id: layanan-0\n")  # a known content
    (catalog / "layanan" / "lay-8.yaml").write_bytes(b"id: baru\n")
    reads.clear()
    blobids.remember(store, "k2", catalog, "katalog", _listed(catalog))
    assert reads == ["katalog/layanan/lay-8.yaml"]
    data = blobids.read(store, catalog)
    assert data is not None
    assert {rel: blob for rel, _, blob in data["files"]} == _git_ids(catalog)


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-7])


def _reframed(change: Any) -> Any:
    """Spoil the payload but frame it well (its label and SHA-256 match): checked part by part."""

    def spoil(path: Path) -> None:
        header, _, payload = path.read_bytes().partition(b"\n")
        label = header.rsplit(b" ", 1)[0]
        path.write_bytes(framed(label, change(payload)))

    spoil.__name__ = change.__name__
    return spoil


def column_short(payload: bytes) -> bytes:
    return payload[:-1]


def column_long(payload: bytes) -> bytes:
    return payload + b"\0"


def no_newline(payload: bytes) -> bytes:
    return payload.partition(b"\n")[0]


def paths_not_text(payload: bytes) -> bytes:
    return b'{"key":"k1","shown":"katalog","paths":[1]}\n' + payload.partition(b"\n")[2][:52]


def extra_key(payload: bytes) -> bytes:
    head, _, rest = payload.partition(b"\n")
    return head[:-1] + b',"x":1}\n' + rest


def not_json(payload: bytes) -> bytes:
    return b"{\n" + payload


@pytest.mark.parametrize(
    "spoil",
    [
        _flip_last_byte,
        _truncated,
        *map(
            _reframed, [column_short, column_long, no_newline, paths_not_text, extra_key, not_json]
        ),
    ],
    ids=lambda f: f.__name__,
)
def test_a_bad_blob_file_is_ignored_and_written_again(
    spoil: Any, store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    path = Path(blobids._name(store, catalog))
    good = path.read_bytes()
    spoil(path)
    assert path.read_bytes() != good
    assert blobids.read(store, catalog) is None
    reads.clear()
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    assert len(reads) == 8  # nothing trusted from the bad file: every file read again
    assert path.read_bytes() == good


def test_a_file_edited_since_the_run_leaves_no_blob_file(
    store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    listed = _listed(catalog)
    _edit(catalog / "layanan" / "lay-1.yaml", b"id: lain\n")
    blobids.remember(store, "k1", catalog, "katalog", listed)
    assert not Path(blobids._name(store, catalog)).exists()


def test_a_digest_out_of_shape_leaves_no_blob_file(store: RunRecords, catalog: Path) -> None:
    listed = _listed(catalog)
    listed[3][3] = listed[3][3][:-2]  # the two neighbours' would be misaligned
    listed[4][3] += "ab"
    blobids.remember(store, "k1", catalog, "katalog", listed)
    assert not Path(blobids._name(store, catalog)).exists()


def _report(path: str) -> Report:
    finding = Finding("SPBE101", Severity.ERROR, Location(path, 3, 5), "pesan «ü»", "saran", ())
    return Report([finding], files=1, entities=1)


@pytest.mark.parametrize(
    "shown", ["katalog/a.yaml", "katalog/\udcff.yaml"], ids=["utf8", "not-utf8"]
)
def test_a_record_reads_back_what_was_written(store: RunRecords, shown: str) -> None:
    """orjson writes the record; a name that is not UTF-8 (a lone surrogate) falls back to json."""
    manifest = Manifest(files=[[shown, "file", 4, "ab" * 32]], inputs=[["config", "", "cd" * 32]])
    assert store.write("k" * 64, manifest, _report(shown))
    stored = store.read("k" * 64, 1)
    assert stored is not None
    assert stored["files"] == manifest.files
    assert stored["inputs"] == manifest.inputs
    assert stored["report"]["findings"][0][2] == [shown, 3, 5]
    assert stored["report"]["findings"][0][3] == "pesan «ü»"


def test_another_run_of_the_same_files_is_named_without_reading_any(
    store: RunRecords, catalog: Path, reads: list[str]
) -> None:
    blobids.remember(store, "k1", catalog, "katalog", _listed(catalog))
    reads.clear()
    blobids.remember(store, "k2", catalog, "katalog", _listed(catalog))
    assert reads == []
    data = blobids.read(store, catalog)
    assert data is not None
    assert data["key"] == "k2"
    assert {rel: blob for rel, _, blob in data["files"]} == _git_ids(catalog)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_the_files_are_hashed_while_the_record_is_read(
    tmp_path: Path, catalog: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    """A forked child (``SPBE_WORKERS=2``) hashes three fifths of the files, this one the rest."""
    from spbe_cli import runrecord
    from spbe_cli.files import find_files

    monkeypatch.setenv("SPBE_WORKERS", processes)
    pids = tmp_path / "pids"
    real = runrecord._digests

    def noted(files: Any, real_root: Path) -> Any:
        with pids.open("a") as out:
            out.write(f"{os.getpid()} {len(files)}\n")
        return real(files, real_root)

    monkeypatch.setattr(runrecord, "_digests", noted)
    hashing = runrecord._Hashing(catalog, find_files(catalog, "katalog"))
    found = hashing.digests()
    hashing.stop()
    assert found == [(entry[2], entry[3]) for entry in _listed(catalog)]
    shares = [line.split() for line in pids.read_text().splitlines()]
    if processes == "2" and sys.platform.startswith("linux"):
        assert sorted((pid == str(os.getpid()), int(n)) for pid, n in shares) == [
            (False, 5),
            (True, 3),
        ]
    else:
        assert shares == [[str(os.getpid()), "3"], [str(os.getpid()), "5"]]


def test_a_child_hashing_for_a_bad_record_is_stopped(
    tmp_path: Path, catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli import runrecord

    monkeypatch.setenv("SPBE_WORKERS", "2")
    store = RunRecords(tmp_path / "runs2")
    store.folder.mkdir()
    Path(store.path("k" * 64)).write_bytes(b"spbe-run 1 rusak\n{}")
    started: list[runrecord._Hashing] = []
    real = runrecord._Hashing

    def kept(*args: Any) -> runrecord._Hashing:
        started.append(real(*args))
        return started[-1]

    monkeypatch.setattr(runrecord, "_Hashing", kept)
    compared = runrecord.compare(store, "k" * 64, catalog, "katalog", {})
    assert (compared.report, compared.stored, len(compared.files)) == (None, None, 8)
    (hashing,) = started
    assert hashing.child is None or not hashing.child.started  # ended and waited for


def test_without_a_record_no_file_is_hashed(
    tmp_path: Path, catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run that follows reads each file once anyway: hashing them first would be twice."""
    from spbe_cli import runrecord

    def never(*args: Any) -> Any:
        raise AssertionError("hashed")

    monkeypatch.setattr(runrecord, "_digests", never)
    store = RunRecords(tmp_path / "runs2")
    store.folder.mkdir()
    read: dict[str, tuple[int, str]] = {}
    compared = runrecord.compare(store, "k" * 64, catalog, "katalog", read)
    assert (compared.report, compared.stored, len(compared.files), read) == (None, None, 8, {})


def test_writing_the_blob_ids_does_not_import_the_diff() -> None:
    """A followed ``spbe validate`` writes them: importing ``spbe_cli.diff`` cost it 0.1 s."""
    code = (
        "import sys, spbe_cli.blobids, spbe_cli.validate, spbe_cli.runrecord;"
        "print(sorted(m for m in sys.modules if m.startswith('spbe_cli.diff')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
