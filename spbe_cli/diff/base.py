"""The base side of a diff from the last ``spbe validate`` run of the same content.

CI validates the main branch on every push with the cache on: the cache then holds main's run
record and its snapshot (:mod:`spbe_cli.incremental`), each rule's findings included. A pull
request's ``spbe diff origin/main HEAD`` needs the findings of that very content: this module
finds the snapshot whose files are the diff's base side, file for file, and gives its findings
as the base side's (the base side is then neither loaded whole nor checked).

The files are matched by their git blob ids, which each run that writes a snapshot keeps beside
it (:mod:`spbe_cli.blobids`); anything out of shape, or any file that does not match, and the
diff runs in full.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from spbe_cli.blobids import read_columns
from spbe_cli.errors import Finding, Location, Related

if TYPE_CHECKING:
    from spbe_cli.blobids import Columns
    from spbe_cli.cache import ContentCache
    from spbe_cli.gitsource import Snapshot
    from spbe_cli.incremental import Stored
    from spbe_cli.parsing import ParsedFile
    from spbe_cli.runrecord import RunRecords

#: The bytes of a SHA-256 and of a blob id (SHA-1) in the blob-id file's columns.
_SHA_BYTES, _BLOB_BYTES = 32, 20
#: How many diffs of this process took their base side from a run, and how many followed the
#: new side from it (for tests).
STATS: dict[str, int] = {"used": 0, "followed": 0}


@dataclass
class Base:
    """The last run of the base side's very files: its snapshot, and where it showed them."""

    stored: Stored
    #: the run's files as its record lists them
    recorded: list[list[Any]]
    #: the run's record (files, inputs)
    record: dict[str, Any]
    #: the name the run showed the catalog folder under
    shown: str
    key: str
    #: the blob id of each file of the run (in the order of ``recorded``)
    blobs: list[str]

    def run(self) -> list[str]:
        """Which run this is, as plain data: its record's key and the digest of its files.

        Two processes that each found a base (:func:`spbe_cli.diff._follow_ahead`) found the
        same run when these agree, whatever rewrote the record in between.
        """
        return [self.key, self.stored.files]

    def release(self) -> None:
        """Let go of the run's snapshot and record (tens of megabytes on a national catalog).

        The snapshot's attributes go (a later use of it is an error, which a diff from the base
        takes as "run in full").
        """
        vars(self.stored).clear()
        self.record.clear()
        self.recorded = []
        self.blobs = []

    def findings(self, display_root: str) -> list[Finding] | None:
        """The base side's findings before its rule configuration, as the diff shows them.

        Every loading finding (file by file) and each rule's, their paths under the side's
        ``display_root``. None when a message names a path of the run (it would read
        differently than the diff's own run would say it).
        """
        stored = self.stored
        found: list[Finding] = []
        for display, *_ in self.recorded:
            found.extend(stored.findings_in(display))
        found.extend(stored.unplaced)
        for rule in stored.rules.values():
            found.extend(rule)
        return moved(found, self.shown, display_root)


def moved(found: list[Finding], shown: str, display_root: str) -> list[Finding] | None:
    """The findings of a run that showed the folder as ``shown``, shown as ``display_root``."""
    from dataclasses import replace

    from spbe_cli.files import display_path

    if shown == display_root:
        return found
    old, new = display_path(shown, ""), display_path(display_root, "")

    def place(loc: Location) -> Location:
        path = loc.path
        if path.startswith(old):
            return Location(new + path[len(old) :], loc.line, loc.column)
        if path == shown or path + "/" == old:
            return Location(display_root, loc.line, loc.column)
        return loc

    result = []
    for finding in found:
        texts = [finding.message, finding.hint or "", *(r.message for r in finding.related)]
        if any(old in text for text in texts):
            return None
        related = tuple(Related(place(r.location), r.message) for r in finding.related)
        result.append(replace(finding, location=place(finding.location), related=related))
    return result


def may_have_base(side: Snapshot) -> bool:
    """Tell, without reading anything, whether :func:`find_base` may find a run for ``side``.

    Not with the cache off (the default) or ``SPBE_INCREMENTAL=0``, nor for a side that is
    not a git revision or a folder, or has no catalog folder.
    """
    from spbe_cli.cachestate import enabled

    if os.environ.get("SPBE_INCREMENTAL") == "0" or not enabled():
        return False
    return not side.missing and side.kind in ("git", "folder") and side.reader is not None


def find_base(side: Snapshot) -> Base | None:
    """The last run of exactly the files of ``side`` kept in the cache, or None.

    The run's other inputs that its findings depend on must be the side's too: for a folder,
    every input its record lists; for a git revision, the prose files and the logo (as the
    working tree has them, and only when the revision has the same bytes) and the git tags.
    """
    from spbe_cli.cachestate import open_cache

    if not may_have_base(side):
        return None
    cache = open_cache()
    store = cache.runs() if cache is not None and cache.usable() else None
    if store is None:
        return None
    columns = read_columns(store, side.root)
    files = side.files
    if columns is None or len(columns.paths) != len(files) or files.keys() != set(columns.paths):
        return None
    # Each column compared whole (a national catalog's 48,000 files: no pair of hex strings
    # made for each). The side's blob ids are git's (or computed alike): hex of one length.
    if bytes.fromhex("".join(map(files.__getitem__, columns.paths))) != columns.blobs:
        return None
    return _matched(store, side, columns)


def _matched(store: RunRecords, side: Snapshot, columns: Columns) -> Base | None:
    """The record and snapshot the blob-id file names, when they hold the side's files.

    The blob-id file lists the files in the order of the run's record (it is written from it:
    :func:`spbe_cli.blobids.remember`); another order, and the diff runs in full.
    """
    from spbe_cli.files import display_path
    from spbe_cli.incremental import Snapshots, files_digest

    key, shown, paths = columns.key, columns.shown, columns.paths
    record = store.read(key, len(side.files))
    if record is None:
        return None
    recorded: list[list[Any]] = record["files"]
    prefix = display_path(shown, "")
    if len(recorded) != len(paths) or any(entry[1] != "file" for entry in recorded):
        return None
    if list(map(itemgetter(0), recorded)) != list(map(prefix.__add__, paths)):
        return None
    # One string per column: no digest holds a line break, so the joins are equal only when
    # each file's digest is the one the blob-id file holds for it.
    if "\n".join(map(itemgetter(3), recorded)) != columns.shas.hex("\n", _SHA_BYTES):
        return None
    if not _inputs_match(side, record):
        return None
    stored = Snapshots(store).read(key, len(recorded))
    if stored is None or stored.files != files_digest(recorded):
        return None
    blobs = columns.blobs.hex("\n", _BLOB_BYTES).split("\n") if paths else []
    return Base(stored, recorded, record, shown, key, blobs)


def _inputs_match(side: Snapshot, record: dict[str, Any]) -> bool:
    """Tell whether the run's other inputs are the side's (see :func:`find_base`)."""
    from spbe_cli.runrecord import _same_input, inputs_unchanged

    root = side.root
    if side.kind == "folder":
        return inputs_unchanged(root, record)
    for what, argument, digest in record["inputs"]:
        if what in ("config", "config-names", "file"):
            continue  # the diff reads the revision's rule configuration itself
        if what in ("prose", "logo") and not _same_bytes(side, argument):
            return False
        if not _same_input(root, what, argument, digest):
            return False
    return True


def _same_named_files(base: Base, base_side: Snapshot, side: Snapshot) -> bool:
    """Tell whether the prose files and the logo of the base's run are the same on ``side``.

    A revision's are also the working tree's (the engine reads the metadata's from there).
    """
    for what, rel, _ in base.record["inputs"]:
        if what not in ("prose", "logo"):
            continue
        mine = _named_bytes(side, rel)
        if mine is None or mine != _named_bytes(base_side, rel):
            return False
        if side.kind == "git" and not _same_bytes(side, rel):
            return False
    return True


def _named_bytes(side: Snapshot, rel: str, *, on_disk: bool = False) -> bytes | None:
    """The bytes of a file the metadata names (None: unreadable or outside the catalog).

    A revision's from the revision, unless ``on_disk``: then from its working tree (a regular
    file, not a link), as a folder's always are.
    """
    from spbe_cli.files import MAX_LOGO_BYTES, MAX_PROSE_BYTES, revision_path
    from spbe_cli.gitsource import _revision_bytes

    path, _ = revision_path(rel)
    if path is None:
        return None
    if side.kind == "git" and not on_disk:
        return _revision_bytes(side, path, max(MAX_PROSE_BYTES, MAX_LOGO_BYTES))[0]
    target = side.root / path
    try:
        if target.is_symlink() or not target.is_file():
            return None
        return target.read_bytes()
    except OSError:
        return None


def _same_bytes(side: Snapshot, rel: str) -> bool:
    """Tell whether a file the metadata names has the same bytes in the revision as on disk."""
    data = _named_bytes(side, rel)
    return data is not None and data == _named_bytes(side, rel, on_disk=True)


def follow_side(
    base: Base,
    base_side: Snapshot,
    side: Snapshot,
    read: dict[str, bytes],
    *,
    spare_core: bool = False,
) -> list[Finding] | None:
    """The findings of ``side`` (before its rule configuration), followed from the base's run.

    The incremental engine (:func:`spbe_cli.incremental.follow`) loads the files that differ
    from the run's and re-checks what they can reach. It reads an unchanged file's content from
    the cache by its SHA-256; the contents of ``side`` not in the run are read and parsed here
    (``read`` holds the bytes of those read already, by path), their entries written for the
    next runs and handed to the engine as they are, so that a git revision is followed as a
    folder is, without its files on disk. None when it cannot be followed (the
    engine says why with ``SPBE_EXPLAIN_CACHE``). ``spare_core``: this process is a child its
    parent waits for, whose core the engine may use (see :func:`spbe_cli.incremental.follow`).
    """
    import sys

    from spbe_cli.cachestate import open_cache
    from spbe_cli.files import MAX_FILE_BYTES, display_path
    from spbe_cli.incremental import CannotFollow, follow

    cache = open_cache()
    if cache is None or side.missing or side.follow is not None:
        return None
    if not _same_named_files(base, base_side, side):
        return None  # the prose or the logo differ: every rule reading them is run again
    # Each file of the side whose content the run had (by blob id) takes that content's size
    # and SHA-256 from the run's record; the others are read below. Keyed at once by the
    # path the run showed (tens of thousands of files: one dict, no tuple made per row).
    prefix = display_path(base.shown, "")
    row_of = dict(zip(base.blobs, base.recorded, strict=True))
    digests: dict[str, tuple[int, str]] = {}
    unknown = []
    for rel, blob in side.files.items():
        row = row_of.get(blob)
        if row is None:
            unknown.append(rel)
        else:
            digests[prefix + rel] = (row[2], row[3])
    missing = [rel for rel in unknown if rel not in read]
    if missing:
        data, _ = side.read(missing)
        shown = {side.display(rel): rel for rel in missing}
        read = {**read, **{shown[display]: content for display, content in data}}
    files = _listing(side, base.shown)
    if files is None:
        return None
    # The contents not in the run, handed to the engine as they are: the entry the diff's own
    # process wrote meanwhile (:func:`spbe_cli.diff._prime`), read once, or parsed here (and
    # written for the next runs); never read back from the cache again, file by file.
    given: dict[str, ParsedFile] = {}
    for rel in unknown:
        content = read.get(rel)
        if content is None or len(content) > MAX_FILE_BYTES:
            return None  # unreadable, or too large (SPBE008): the full run says so
        known = digests[prefix + rel] = (len(content), hashlib.sha256(content).hexdigest())
        given[prefix + rel] = _entry_of(cache, content, known)
    from spbe_cli import collector

    try:
        # As spbe validate follows an edit: its objects (tens of thousands of facts) are not
        # walked again and again by the cyclic collector while the rules run.
        with collector.paused():
            outcome = follow(
                base.stored,
                base.recorded,
                side.root,
                base.shown,
                files,
                digests,
                findings_only=True,
                given=given,
                spare_core=spare_core,
            )
    except (CannotFollow, KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        if os.environ.get("SPBE_EXPLAIN_CACHE"):
            print(f"spbe: diff: the new side is checked in full: {exc}", file=sys.stderr)  # noqa: T201
        return None
    STATS["followed"] += 1
    return moved(outcome.raw, base.shown, side.display_root)


def _entry_of(cache: ContentCache, content: bytes, known: tuple[int, str]) -> ParsedFile:
    """The per-file stage of ``content`` (``known``: its size and SHA-256) for the engine.

    A diff's own process may be writing the entries of the changed files meanwhile
    (:func:`spbe_cli.diff._prime`): an entry found whole is read once, not parsed again; one
    half written at the moment reads as bad, and the content is parsed here and its entry
    replaced whole (as is one the cache does not hold).
    """
    from spbe_cli.cachestate import known_entry, parse_cached

    entry = known_entry(cache, known)
    return entry if entry is not None else parse_cached(cache, content)


def _listing(side: Snapshot, shown: str) -> list[Any] | None:
    """The side's files as the engine lists them (under the run's name for the folder)."""
    from spbe_cli.files import CatalogFile, display_path

    if side.kind == "folder":
        if side.listing.keys() != side.files.keys():
            return None
        # As the side was listed (and its files read): the engine's run reads the same files.
        prefix = display_path(shown, "")
        if prefix == display_path(side.display_root, ""):
            return list(side.listing.values())  # shown as the run showed them
        return [CatalogFile(f.path, prefix + rel, f.kind) for rel, f in side.listing.items()]
    # Strings, not Path objects: a national revision lists tens of thousands of files.
    folder, prefix = os.path.join(side.root, ""), display_path(shown, "")  # noqa: PTH118
    return [CatalogFile(folder + rel, prefix + rel, "file") for rel in sorted(side.files)]
