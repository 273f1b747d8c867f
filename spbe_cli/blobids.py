"""The blob ids of a run's files, kept beside its snapshot for ``spbe diff``.

``spbe diff`` takes its base side's findings from the last ``spbe validate`` run of the very
same files (:mod:`spbe_cli.diff.base`), matched by their git blob ids: ``git ls-tree`` gives
those of a revision without reading any file, and a folder side is listed with them too
(:func:`spbe_cli.gitsource.blob_id`). The run record keeps each file's SHA-256, not its blob
id, so each run that writes a snapshot also writes, beside it, the blob id of each file
(:func:`remember`; a file of its own: the snapshot's layout is the incremental engine's): a
JSON line naming the run and the files, then the SHA-256 and the blob id of each as binary
columns (:func:`_unpack`). A followed run reads only the files whose content is new, and does
not write a file that would say the same.

Like every cache file it is untrusted input: framed with its label and SHA-256
(:func:`spbe_cli.cache.read_framed`), checked part by part; anything out of shape, or any file
that does not match, and the diff runs in full.

A module of its own, outside :mod:`spbe_cli.diff`: a followed ``spbe validate`` writes the file
and need not import the diff (about a tenth of a second).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spbe_cli.runrecord import RunRecords

#: Bumped when the layout of the blob-id file changes.
FORMAT = 2
_MAGIC = b"spbe-blobs"
#: The bytes of a SHA-256 and of a blob id (SHA-1) in the blob-id file's columns.
_SHA, _BLOB = 32, 20


def _name(store: RunRecords, root: Path) -> str:
    """Where the blob ids of the catalog folder ``root`` are kept (one file per folder)."""
    from spbe_cli.i18n import language
    from spbe_cli.runrecord import slot

    # The slot of the folder under no name: the folder, the language and spbe's code.
    where = hashlib.sha256(slot(root, "", language()).encode()).hexdigest()
    return f"{store.root}/{where}.blobs"


def _label(root: Path) -> bytes:
    return b"%s %d %s" % (_MAGIC, FORMAT, os.path.abspath(root).encode("utf-8", "surrogateescape"))  # noqa: PTH100


def read_columns(store: RunRecords, root: Path) -> Columns | None:
    """The blob-id file of ``root`` as stored (checked for shape): its two binary columns.

    What :func:`read` gives as rows, without a pair of hex strings made for each file:
    ``spbe diff`` compares the columns whole (:func:`spbe_cli.diff.base.find_base`).
    """
    return _read_columns(store, root)


def read(store: RunRecords, root: Path) -> dict[str, Any] | None:
    """The blob-id file of ``root``, checked: ``{key, shown, files: [[rel, sha256, blob]]}``."""
    columns = _read_columns(store, root)
    if columns is None:
        return None
    shas, blobs = columns.shas, columns.blobs
    files = [
        [rel, shas[i * _SHA : (i + 1) * _SHA].hex(), blobs[i * _BLOB : (i + 1) * _BLOB].hex()]
        for i, rel in enumerate(columns.paths)
    ]
    return {"key": columns.key, "shown": columns.shown, "files": files}


@dataclass
class Columns:
    """A blob-id file as stored: the run, its files, and their digests in two binary columns."""

    key: str
    shown: str
    #: each file's path in the folder
    paths: list[str]
    #: the SHA-256 of each file of ``paths``, 32 bytes each
    shas: bytes
    #: the blob id (SHA-1) of each file of ``paths``, 20 bytes each
    blobs: bytes

    def pack(self) -> bytes:
        """The payload :func:`_unpack` reads back."""
        import orjson

        head = orjson.dumps({"key": self.key, "shown": self.shown, "paths": self.paths})
        return b"%s\n%s%s" % (head, self.shas, self.blobs)


def _read_columns(store: RunRecords, root: Path) -> Columns | None:
    from spbe_cli.cache import read_framed

    path = _name(store, root)
    try:
        size = os.stat(path).st_size  # noqa: PTH116
    except OSError:
        return None
    payload = read_framed(path, size + 1, _label(root))
    return None if payload is None else _unpack(payload)


def _unpack(payload: bytes) -> Columns | None:
    """A blob-id file's payload read back (None: anything out of shape).

    The layout (:meth:`Columns.pack`): a JSON line ``{"key", "shown", "paths"}``, then two
    binary columns in the order of ``paths``: the SHA-256 of each file (32 bytes), then its
    blob id (20 bytes). A national catalog's 48,000 files take 3.9 MB, read in milliseconds.
    """
    import orjson

    line, newline, columns = payload.partition(b"\n")
    try:
        head = orjson.loads(line)
    except ValueError:
        return None
    if not (
        newline
        and isinstance(head, dict)
        and set(head) == {"key", "shown", "paths"}
        and isinstance(head["key"], str)
        and isinstance(head["shown"], str)
        and type(head["paths"]) is list
        and set(map(type, head["paths"])) <= {str}  # (each of tens of thousands, in C)
    ):
        return None
    paths: list[str] = head["paths"]
    middle = len(paths) * _SHA
    if len(columns) != len(paths) * (_SHA + _BLOB):
        return None
    return Columns(head["key"], head["shown"], paths, columns[:middle], columns[middle:])


def remember(store: RunRecords, key: str, root: Path, shown: str, files: list[list[Any]]) -> None:
    """Write the blob id of each file of a run whose snapshot was just written under ``key``.

    ``files``: the run's files as its record lists them (``[shown path, kind, size,
    SHA-256]``). A content whose blob id the last file of this folder holds is not read again
    (a followed edit reads only the files it changed), and a file that would say what the last
    one says is not written again; a file whose bytes are no longer those the run read (edited
    meanwhile) means no file at all: a diff then runs in full.
    """
    import contextlib

    # Only a later diff is faster with the file: without it, that diff runs in full.
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, IndexError):
        _remember(store, key, root, shown, files)


def _remember(store: RunRecords, key: str, root: Path, shown: str, files: list[list[Any]]) -> None:
    from spbe_cli.cache import framed, write_atomic
    from spbe_cli.files import display_path

    prefix = display_path(shown, "")
    cut = len(prefix)
    paths = [d[cut:] for d, kind, _, _ in files if kind == "file" and d.startswith(prefix)]
    hexes = [entry[3] for entry in files]
    if len(paths) != len(files) or set(map(len, hexes)) - {2 * _SHA}:
        return  # a link, a refused file or a digest out of shape: a diff lists only files
    shas = bytes.fromhex("".join(hexes))
    path = _name(store, root)
    previous = _read_columns(store, root)
    if previous is not None and previous.paths == paths and previous.shas == shas:
        if (previous.key, previous.shown) == (key, shown):
            os.utime(path)  # the file says it already: only its age, by which it is pruned
            return
        blobs = previous.blobs
    elif previous is not None and previous.paths == paths:
        # The same files, a few edited (a followed run): only those are read again.
        edited = _differing(previous.shas, shas, 0, len(paths))
        found = _blobs(root, files, paths, shas, None, edited)
        if found is None:
            return
        column = bytearray(previous.blobs)
        for i, blob in zip(edited, found, strict=True):
            column[i * _BLOB : (i + 1) * _BLOB] = blob
        blobs = bytes(column)
    else:
        found = _blobs(root, files, paths, shas, previous)
        if found is None:
            return
        blobs = b"".join(found)
    columns = Columns(key, shown, paths, shas, blobs)
    write_atomic(path, framed(_label(root), columns.pack()))  # pruned with the records


def _differing(old: bytes, new: bytes, low: int, high: int) -> list[int]:
    """The places in ``[low, high)`` where two columns of SHA-256 digests differ.

    Halves compared as blocks: a few edits among 48,000 files cost a few block comparisons.
    """
    if old[low * _SHA : high * _SHA] == new[low * _SHA : high * _SHA]:
        return []
    if high - low == 1:
        return [low]
    middle = (low + high) // 2
    return _differing(old, new, low, middle) + _differing(old, new, middle, high)


def _blobs(
    root: Path,
    files: list[list[Any]],
    paths: list[str],
    shas: bytes,
    previous: Columns | None,
    only: list[int] | None = None,
) -> list[bytes] | None:
    """The blob ids of ``files`` (of those at ``only``), the column of ``previous`` reused.

    A content ``previous`` knows is not read; a file read whose bytes are no longer those the
    run read (edited meanwhile) is None.
    """
    from spbe_cli.files import CatalogFile, read_catalog_file
    from spbe_cli.gitsource import blob_id

    known: dict[bytes, bytes] = {}
    if previous is not None:
        old, blobs = previous.shas, previous.blobs
        known = {
            old[i * _SHA : (i + 1) * _SHA]: blobs[i * _BLOB : (i + 1) * _BLOB]
            for i in range(len(previous.paths))
        }
    real: Path | None = None
    found = []
    for i in range(len(files)) if only is None else only:
        display, _, size, sha = files[i]
        digest = shas[i * _SHA : (i + 1) * _SHA]
        blob = known.get(digest)
        if blob is None:
            real = real if real is not None else root.resolve()
            data = read_catalog_file(CatalogFile(str(root / paths[i]), display, "file"), real)
            if (
                not isinstance(data, bytes)
                or len(data) != size
                or hashlib.sha256(data).hexdigest() != sha
            ):
                return None
            blob = known[digest] = bytes.fromhex(blob_id(data))
        found.append(blob)
    return found
