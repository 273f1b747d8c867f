r"""A content cache of the per-file loading stage, so an unchanged file is not parsed again.

An entry holds one file's :class:`~spbe_cli.parsing.ParsedFile` (documents, positions, YAML
problems), named by the SHA-256 of the file's bytes (the same digest the run record's manifest
holds, so a file is hashed once) in a folder named by a fingerprint of spbe's version and the
source of the code that parses (so an edited parser never reads an older entry; the header
repeats the fingerprint, so an entry copied across folders is a miss). Nothing else goes into
the key, because nothing else goes into the entry: the reference data, the language and the
other files are used by the later steps, which run on every load. The file's name is not part
of the entry either, so two files with the same content, or a renamed file, share one entry.
The record of a whole run (:mod:`spbe_cli.runrecord`) is kept beside the entries.

The cache folder is ``SPBE_CACHE_DIR`` if set, else the user cache folder (``$XDG_CACHE_HOME/spbe``
or ``~/.cache/spbe``; ``~/Library/Caches/spbe`` on macOS; ``%LOCALAPPDATA%\spbe\Cache`` on
Windows), never the catalog repository. It is off unless ``spbe --cache`` or ``SPBE_CACHE=1``
turns it on (see :func:`spbe_cli.cachestate.enabled`); ``spbe --no-cache`` or ``SPBE_NO_CACHE=1``
keep it off.

The cache is untrusted input. An entry is JSON (reading it runs no code), read without following
links, only from a regular file of bounded size, and checked: a header with the format, the key
and a SHA-256 of the payload, then the payload checked part by part
(:func:`spbe_cli.parsing.from_json`). Anything else (truncated, corrupt, from another version, an
entry copied under another key, a link, a FIFO) counts as a miss; the file is parsed and the entry
rewritten. A new entry is created in place with ``O_EXCL`` (one writer wins) and framed with
the SHA-256 of its payload, so a run that meets an entry another run is still writing sees a
mismatch, a miss; a bad entry is replaced by a private temporary file renamed over it. Two runs
sharing a folder never use half an entry. On POSIX a folder not owned by the user, or writable by
others, is not used at all, nor one under a folder or link another user could replace, nor one
in a git work tree, whose files may come from someone else's commit, unless git ignores it and
tracks nothing under it (GitLab CI keeps only paths in the project folder; see
:func:`_safe_folder`).
The cache can only make a run faster: any error in it is a miss.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spbe_cli import __version__, cachestate
from spbe_cli.parsing import MalformedError, ParsedFile, from_json, to_json

if TYPE_CHECKING:
    from spbe_cli.runrecord import RunRecords

# The light half (whether the cache is on, opening it) lives in :mod:`spbe_cli.cachestate`
# alone: no second name here that a test could patch without reaching the code that reads it.

#: Bumped when the entry layout changes.
FORMAT = 1
_MAGIC = b"spbe-cache"
#: An entry larger than this many times its source file (plus a margin) is not read.
_MAX_GROWTH = 64
_MAX_MARGIN = 1 << 20


@functools.cache
def _code_fingerprint() -> bytes:
    """What the entries depend on besides the file: spbe's version and the parsing code.

    Read once a process: every :func:`spbe_cli.cachestate.open_cache` (one per file an edit's
    rules build, see :mod:`spbe_cli.incremental`) read and hashed three source files again.
    """
    digest = hashlib.sha256(f"{_MAGIC.decode()} {FORMAT} {__version__}".encode())
    here = Path(__file__).parent
    try:
        for name in ("yamlio.py", "parsing.py", "cache.py"):
            digest.update((here / name).read_bytes())
    except OSError:  # pragma: no cover - a frozen install without sources
        digest.update(b"no sources")
    return digest.digest()


def default_folder(environ: dict[str, str] | None = None) -> Path | None:
    """The cache folder from the environment, or None when the cache is turned off."""
    env = os.environ if environ is None else environ
    if env.get("SPBE_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = env.get("SPBE_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":  # pragma: no cover - tested on POSIX
        base = env.get("LOCALAPPDATA")
        return Path(base) / "spbe" / "Cache" if base else None
    if sys.platform == "darwin":  # pragma: no cover - tested on Linux
        return Path.home() / "Library" / "Caches" / "spbe"
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "spbe"


@dataclass
class CacheStats:
    """What one load asked of the cache."""

    hits: int = 0
    misses: int = 0
    written: int = 0


class ContentCache:
    """Parsed files stored by content, in one folder; every method swallows its own errors."""

    def __init__(self, folder: Path) -> None:
        self.fingerprint = _code_fingerprint()
        self.base = folder
        self.folder = folder / f"v{FORMAT}" / self.fingerprint.hex()[:16]
        self.root = os.fspath(self.folder)
        self.stats = CacheStats()
        #: Whether parsed files are stored (:func:`spbe_cli.cachestate.filling`); always read.
        self.fill = bool(cachestate._state["fill"])
        self._usable: bool | None = None
        self._made: set[str] = set()

    def key(self, data: bytes) -> str:
        """The entry name of a file's content: the SHA-256 of its bytes."""
        return hashlib.sha256(data).hexdigest()

    def usable(self) -> bool:
        """Create the folder if need be; tell whether it is safe to use (checked once).

        The first use in a process also marks the folder as used today and, at most once a
        day, removes the folders of other spbe versions unused for :data:`STALE_DAYS`
        (:func:`prune_versions`).
        """
        if self._usable is None:
            self._usable = _safe_folder(self.folder, self.base)
            if self._usable:
                _touch(self.folder / USED_STAMP)
                prune_versions(self.folder.parent, keep=self.folder.name)
        return self._usable

    def _path(self, key: str) -> str:
        return f"{self.root}/{key[:2]}/{key}.json"

    def get(self, key: str, size: int) -> ParsedFile | None:
        """The entry for ``key`` (a source file of ``size`` bytes), or None if absent or bad."""
        if not self.usable():
            return None
        parsed = self._read(self._path(key), key, size)
        if parsed is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return parsed

    def has(self, key: str) -> bool:
        """Tell whether an entry for ``key`` is there (not whether it is good)."""
        return os.path.lexists(self._path(key))

    def lookup(self, data: bytes) -> tuple[str, ParsedFile | None, bool]:
        """The key of ``data``, its entry or None, and whether a bad entry is in the way."""
        key = self.key(data)
        if not self.usable():
            return key, None, False
        path = self._path(key)
        parsed = self._read(path, key, len(data))
        if parsed is not None:
            self.stats.hits += 1
            return key, parsed, False
        self.stats.misses += 1
        return key, None, os.path.lexists(path)

    def _label(self, key: str) -> bytes:
        return b"%s %d %s %s" % (_MAGIC, FORMAT, key.encode(), self.fingerprint.hex().encode())

    def _read(self, path: str, key: str, size: int) -> ParsedFile | None:
        payload = read_framed(path, size * _MAX_GROWTH + _MAX_MARGIN, self._label(key))
        if payload is None:
            return None
        import orjson

        try:
            try:
                value = orjson.loads(payload)  # a few times faster than json's, same values
            except orjson.JSONDecodeError:
                # What orjson refuses and json reads (a number beyond 64 bits, NaN, a lone
                # surrogate written escaped) is read as json reads it: the same entry.
                value = json.loads(payload)
            return from_json(value)
        except (ValueError, RecursionError, MalformedError):
            # json's errors are ValueErrors (bad UTF-8 too); a deep planted payload recurses.
            return None

    def runs(self) -> RunRecords | None:
        """The run records kept beside the entries, or None when their folder is not safe."""
        from spbe_cli.runrecord import RunRecords

        folder = self.base / f"v{FORMAT}" / "runs"
        return RunRecords(folder) if _safe_folder(folder, self.base) else None

    def put(self, key: str, parsed: ParsedFile, *, replace: bool = False) -> None:
        """Store an entry; ``replace`` an entry found bad (else one already there is kept).

        A new entry is created in place with ``O_EXCL`` (one writer wins, and renaming costs
        ten times more than the write on a common file system); a reader that meets it half
        written sees a checksum that does not match, a miss. A bad entry is replaced
        atomically: a private temporary file renamed over it.
        """
        if not self.fill or not self.usable():
            return
        payload = json.dumps(to_json(parsed), separators=(",", ":")).encode("ascii")
        raw = framed(self._label(key), payload)
        path = self._path(key)
        if key[:2] not in self._made:
            try:
                # str paths, not Path: this runs once per file of a cold load.
                os.makedirs(f"{self.root}/{key[:2]}", mode=0o700, exist_ok=True)  # noqa: PTH103
            except OSError:
                return  # the folder is read-only
            self._made.add(key[:2])
        if write_atomic(path, raw) if replace else write_new(path, raw):
            self.stats.written += 1


#: A folder of entries written by another spbe version (or parsing code) is removed once it
#: has not been used for this many days: every upgrade starts a new folder.
STALE_DAYS = 30
#: The file whose modification time says when an entry folder was last used.
USED_STAMP = ".used"
#: The file whose modification time says when the folders were last looked over.
PRUNED_STAMP = ".pruned"
_DAY = 24 * 60 * 60
#: An entry folder's name: the first 16 hex digits of its fingerprint.
_FINGERPRINT_NAME = re.compile(r"[0-9a-f]{16}")
#: A temporary file (:func:`write_atomic`) this many seconds old was left by a run killed while
#: writing it: no run takes that long to write one file.
STALE_TEMPORARY = 60 * 60


def stale_temporary(name: str, mtime_ns: int, now_ns: int) -> bool:
    """Whether the file ``name``, last changed at ``mtime_ns``, is a temporary file left behind."""
    return name.endswith(".tmp") and now_ns - mtime_ns >= STALE_TEMPORARY * 10**9


def prune_versions(parent: Path, keep: str, now: float | None = None) -> list[str]:
    """Remove the entry folders under ``parent`` unused for :data:`STALE_DAYS`; name them.

    Looked over at most once a day (``parent/.pruned``). Only folders named like a fingerprint
    and marked by ``.used`` (or, without it, by their own modification time) are candidates;
    ``keep`` (this run's folder), the run records and anything else are left alone. In ``keep``
    the temporary files left by runs killed while writing go (:func:`sweep_temporaries`).
    Errors are swallowed: pruning only saves space. The removal does not follow links.
    """
    now = time.time() if now is None else now
    stamp = parent / PRUNED_STAMP
    try:
        if now - stamp.stat().st_mtime < _DAY:
            return []
    except OSError:
        pass
    _touch(stamp, now)
    sweep_temporaries(parent / keep, now)
    removed = []
    try:
        with os.scandir(parent) as entries:
            folders = [
                entry
                for entry in entries
                if entry.name != keep
                and _FINGERPRINT_NAME.fullmatch(entry.name)
                and entry.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return []
    for entry in sorted(folders, key=lambda e: e.name):
        try:
            used = (Path(entry.path) / USED_STAMP).stat().st_mtime
        except OSError:
            try:
                used = entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
        if now - used >= STALE_DAYS * _DAY:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed


def sweep_temporaries(folder: Path, now: float) -> list[str]:
    """Remove the stale temporary files in the entry folders of ``folder``; name them.

    :func:`write_atomic` (a bad entry replaced) writes a temporary file beside the entry and
    renames it; a run killed in between leaves it, and no later run writes that name again.
    Only names ending in ``.tmp`` older than :data:`STALE_TEMPORARY` go: a younger one may be
    another run's, still writing. Links are neither followed nor removed.
    """
    now_ns = int(now * 10**9)
    removed = []
    try:
        with os.scandir(folder) as shards:
            names = sorted(
                entry.path
                for entry in shards
                if len(entry.name) == 2 and entry.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []
    for shard in names:
        try:
            with os.scandir(shard) as entries:
                left = [
                    entry
                    for entry in entries
                    if entry.name.endswith(".tmp")
                    and entry.is_file(follow_symlinks=False)
                    and stale_temporary(
                        entry.name, entry.stat(follow_symlinks=False).st_mtime_ns, now_ns
                    )
                ]
        except OSError:
            continue
        for entry in left:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)  # noqa: PTH108
                removed.append(entry.name)
    return removed


def _touch(path: Path, when: float | None = None) -> None:
    """Create ``path`` if missing and set its modification time (now, or ``when``).

    Only a regular file is touched: a link is not followed, and a FIFO planted there is opened
    without waiting (opened for writing, it waited for a reader for ever) and left alone.
    """
    flags = os.O_WRONLY | os.O_CREAT
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with contextlib.suppress(OSError):
        fd = os.open(path, flags, 0o600)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                times = None if when is None else (when, when)
                if os.utime in os.supports_fd:
                    os.utime(fd, times)
                else:  # pragma: no cover - Windows
                    os.utime(path, times)
        finally:
            os.close(fd)


def framed(label: bytes, payload: bytes) -> bytes:
    """A stored file: a header line (``label`` and the payload's SHA-256), then the payload."""
    return b"%s %s\n%s" % (label, hashlib.sha256(payload).hexdigest().encode(), payload)


def read_framed(path: str, limit: int, label: bytes) -> bytes | None:
    """The payload of a file :func:`framed` wrote under ``label``, or None for anything else.

    Read as :func:`read_bounded` reads; a header that is not ``label`` (another key, format or
    version) or a checksum that does not match (truncated, corrupt, half written) is None.
    """
    raw = read_bounded(path, limit)
    if raw is None:
        return None
    header, _, payload = raw.partition(b"\n")
    if header != b"%s %s" % (label, hashlib.sha256(payload).hexdigest().encode()):
        return None
    return payload


def read_bounded(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, opened without following links.

    None for anything else (missing, a link, a FIFO, a folder, too large, unreadable).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        # The whole file in one read when it is as large as it said (tens of megabytes for
        # a snapshot: no chunks joined); one that changed size meanwhile, or a short read, is
        # read on up to the limit.
        raw = os.read(fd, info.st_size + 1)
        if len(raw) != info.st_size:
            raw += read_at_most(fd, limit - len(raw))
    except OSError:
        return None
    finally:
        os.close(fd)
    return raw if len(raw) <= limit else None


def write_new(path: str, raw: bytes) -> bool:
    """Create ``path`` (private, ``O_EXCL``: one writer wins) holding ``raw``; tell if it worked.

    A failed write leaves no file behind.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False  # another run is writing it, or the folder is read-only
    try:
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(path)  # noqa: PTH108
        return False
    return True


def write_atomic(path: str, raw: bytes) -> bool:
    """Write ``raw`` to a private temporary file beside ``path`` and rename it into place.

    A reader sees the old file or the new one, never half of one. Tells whether it worked.
    """
    target = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    if not write_new(target, raw):
        return False
    try:
        os.replace(target, path)  # noqa: PTH105
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(target)  # noqa: PTH108
        return False
    return True


def read_at_most(fd: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes from ``fd``: one more than allowed tells a file too large."""
    chunks = []
    remaining = limit + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _safe_folder(folder: Path, base: Path) -> bool:
    """Create ``folder`` (private) if missing; refuse it if another user could change it.

    Every folder spbe makes is created private (``0700``) whatever the umask: under ``umask
    002`` (the default of many Linux desktops) a folder made with the default mode is group
    writable and would be refused on every run. One an older spbe made so is repaired
    (:func:`_repair`). From ``base`` down, every folder must be this user's and writable by
    nobody else: one writable by others would let them swap what lies below. ``base`` itself
    and every folder and link on the way to it (:func:`_trusted_above`) must not let another
    user rename a checked folder away and put one of their own in its place while a run reads
    it. A folder refused is said once on stderr: the user asked for the cache.
    """
    problem = _folder_problem(folder, base)
    if problem is not None:
        _say_not_used(base, problem)
    return problem is None


#: The cache folders already said to be refused in this process.
_SAID: set[str] = set()


def _say_not_used(base: Path, reason: str) -> None:
    key = os.fspath(base)
    if key in _SAID:
        return
    _SAID.add(key)
    from spbe_cli.i18n import t

    _say(t("load.cache_not_used", folder=key, reason=reason))


def _say(message: str) -> None:
    from spbe_cli.cli import console

    console.err(message)


def _folder_problem(folder: Path, base: Path) -> str | None:
    """Why ``folder`` is not safe to use (a message), or None; see :func:`_safe_folder`."""
    from spbe_cli.i18n import t

    # Looked at before anything is made (no folder is left in a work tree it refuses), and
    # again once the missing folders are made.
    _repair(os.path.abspath(base), spbe_only=True)  # noqa: PTH100
    problem = _trusted_above(base, missing=True)
    if problem is not None:
        return problem
    below = []
    current = folder
    while current != base and current.parent != current:
        below.append(current)
        current = current.parent
    for path in reversed(below):  # from the top down: a folder emptied is not looked into
        problem = _repair(os.fspath(path), spbe_only=False)
        if problem is not None:
            return problem
    try:
        _make_private(os.path.abspath(folder))  # noqa: PTH100
    except OSError:
        return t("load.cache_unusable", path=os.fspath(folder))
    problem = _trusted_above(base)
    if problem is not None:
        return problem
    current = folder
    while True:
        try:
            info = current.lstat()
        except OSError:
            return t("load.cache_unusable", path=os.fspath(current))
        if not stat.S_ISDIR(info.st_mode):
            return t("load.cache_unusable", path=os.fspath(current))
        if hasattr(os, "geteuid") and (
            info.st_uid != os.geteuid() or not _writable_by_none_else(info, sticky=False)
        ):
            return t("load.cache_others", path=os.fspath(current))
        if current.parent == base or current.parent == current:
            return None
        current = current.parent


def _repair(path: str, *, spbe_only: bool) -> str | None:
    """Make private again a folder of this user's cache that others can write; say so.

    An older spbe made its folders with the default mode (``0777`` less the umask): under
    ``umask 002`` they were group writable, and refused on every run since. A folder of this
    user that others can write is set to ``0700`` and that is said on stderr. Others may have
    put things in it meanwhile, so nothing it holds is trusted: a folder below the cache folder
    (spbe's own layout) is emptied, and a name that cannot be removed (another user's folder)
    is the reason the cache is not used. The cache folder itself is repaired only when it holds
    nothing but spbe's ``v{FORMAT}`` folder (``spbe_only``: it is spbe's; a folder the user
    shares on purpose is refused as before), and not emptied: what lies below is checked.
    Nothing is followed through a link, and nothing is done on a system without owners.
    """
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows keeps its own access lists
        return None
    from spbe_cli.i18n import t

    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None  # missing, a link, not a folder: the checks that follow say it
    try:
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            return None
        if _writable_by_none_else(info, sticky=spbe_only):
            return None
        if spbe_only and os.listdir(fd) != [f"v{FORMAT}"]:  # noqa: PTH208
            return None
        os.fchmod(fd, 0o700)
    except OSError:
        return None
    finally:
        os.close(fd)
    mode = f"{stat.S_IMODE(info.st_mode):04o}"
    if spbe_only:
        _say(t("load.cache_repaired", path=path, mode=mode))
        return None
    _say(t("load.cache_repaired_emptied", path=path, mode=mode))
    left = _empty(path)
    return None if left is None else t("load.cache_others", path=left)


def _empty(path: str) -> str | None:
    """Remove what the folder ``path`` holds, following no link; the first name left, or None."""
    try:
        with os.scandir(path) as entries:
            found = [(entry.path, entry.is_dir(follow_symlinks=False)) for entry in entries]
    except OSError:
        return path
    for name, folder in found:
        if folder:
            shutil.rmtree(name, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(name)  # noqa: PTH108
    try:
        left = sorted(os.listdir(path))  # noqa: PTH208
    except OSError:
        return path
    return os.path.join(path, left[0]) if left else None  # noqa: PTH118


def _make_private(path: str) -> None:
    """Create the folder ``path`` and each missing folder above it, readable by this user only.

    ``os.makedirs`` gives the folders above the last one the default mode (``0777`` less the
    umask); here each is ``0700``.
    """
    try:
        os.mkdir(path, 0o700)  # noqa: PTH102
    except FileExistsError:
        return
    except FileNotFoundError:
        parent = os.path.dirname(path)  # noqa: PTH120
        if parent == path:
            raise
        _make_private(parent)
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)  # noqa: PTH102


#: Links followed in a row before a cache path is called a loop (Linux's own limit).
_MAX_HOPS = 40


@dataclass
class _Walk:
    """What following a path name by name met (see :func:`_walk`)."""

    folders: list[str]
    """Each existing folder looked in or reached, by its resolved name (no link in it)."""
    links: list[str]
    """Each symbolic link met on the way, by the resolved name of the folder holding it."""
    target: str
    """Where the path leads, resolved, with the names not made yet added as they are."""
    missing: str | None = None
    """The first folder of the path not made yet."""
    broken: str | None = None
    """A name on the way that is neither a folder nor a link, or a link that loops."""


def _walk(path: str) -> _Walk:
    """Follow ``path`` name by name as the system does, noting each folder and link on the way.

    A link in the middle (``/home/u/link/cache``) is followed where it points, and each link
    of a chain of links is noted with the folder that holds it: another user who can replace
    any of them can send the cache elsewhere. ``..`` after a link goes up from where the link
    led, as the system does. Without POSIX paths, the folders above the path as written and
    as resolved.
    """
    if os.sep != "/":  # pragma: no cover - Windows
        folders: list[str] = []
        for start in (os.path.abspath(path), os.path.realpath(path)):  # noqa: PTH100
            current = start
            while current not in folders:
                folders.append(current)
                current = os.path.dirname(current)  # noqa: PTH120
        return _Walk(folders, [], os.path.realpath(path))
    pending = list(reversed(os.path.join(os.getcwd(), path).split("/")))  # noqa: PTH109, PTH118
    current = "/"
    folders = ["/"]
    links: list[str] = []
    while pending:
        name = pending.pop()
        if name in ("", "."):
            continue
        if name == "..":
            current = os.path.dirname(current)  # noqa: PTH120
            continue
        candidate = os.path.join(current, name)  # noqa: PTH118
        try:
            info = os.lstat(candidate)
        except FileNotFoundError:
            rest = [name, *reversed(pending)]
            target = os.path.normpath(os.path.join(current, *rest))  # noqa: PTH118
            return _Walk(list(dict.fromkeys(folders)), links, target, missing=candidate)
        except OSError:
            return _Walk(folders, links, candidate, broken=candidate)
        if stat.S_ISLNK(info.st_mode):
            links.append(candidate)
            try:
                if len(links) > _MAX_HOPS:
                    raise OSError
                pointed = os.readlink(candidate)  # noqa: PTH115 - str paths throughout
            except OSError:
                return _Walk(folders, links, candidate, broken=candidate)
            if pointed.startswith("/"):
                current = "/"
            pending.extend(reversed(pointed.split("/")))
            continue
        if not stat.S_ISDIR(info.st_mode):
            return _Walk(folders, links, candidate, broken=candidate)
        current = candidate
        folders.append(current)
    return _Walk(list(dict.fromkeys(folders)), links, current)


def _trusted_above(base: Path, *, missing: bool = False) -> str | None:
    """Why another user, or a commit, could put entries in ``base``, or None.

    On POSIX each folder on the way to ``base``, as named and as its links resolve
    (:func:`_walk`), must be a folder of this user or of root, and writable by nobody else
    unless it has the sticky bit (``/tmp``: others may add names there, not rename this
    user's); each symbolic link on the way must be this user's or root's (a link of another
    user in ``/tmp`` can be pointed elsewhere at any time). ``missing``: a folder not made
    yet passes (spbe makes it private).

    ``base`` in a git work tree is used only when git says that no file under it is tracked
    and that it is ignored (:func:`_work_tree_problem`): a tracked file there comes from a
    commit (a CI job keeping its cache in the project folder, as GitLab's ``cache:`` must,
    checks out a merge request that adds a planted record claiming "no findings").
    """
    from spbe_cli.i18n import t

    walk = _walk(os.fspath(base))
    if walk.broken is not None:
        return t("load.cache_unusable", path=walk.broken)
    if walk.missing is not None and not missing:
        return t("load.cache_unusable", path=walk.missing)
    if hasattr(os, "geteuid"):
        me = os.geteuid()
        for path in walk.folders:
            try:
                info = os.lstat(path)
            except OSError:
                return t("load.cache_unusable", path=path)
            if not stat.S_ISDIR(info.st_mode):
                return t("load.cache_unusable", path=path)
            if info.st_uid not in (me, 0) or not _writable_by_none_else(info, sticky=True):
                return t("load.cache_others", path=path)
        for link in walk.links:
            try:
                owner = os.lstat(link).st_uid
            except OSError:
                return t("load.cache_unusable", path=link)
            if owner not in (me, 0):
                return t("load.cache_link", path=link)
    return _work_tree_problem(walk)


#: Seconds git may take to say what it tracks and ignores under a cache folder in a work tree.
GIT_TIMEOUT = 10.0
#: What git said about a cache folder in a work tree, by work tree and paths, and when: asked
#: once a process, again after :data:`GIT_FRESH` seconds (a long-lived process, the editor's
#: language server, sees a ``git pull`` that makes a file there tracked).
_GIT_SAID: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[float, str | None]] = {}
GIT_FRESH = 60.0
_clock = time.monotonic


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _work_tree_problem(walk: _Walk) -> str | None:
    """Why the cache at the end of ``walk`` is not safe from git's commits, or None.

    For each git work tree on the way (a folder holding ``.git``), git is asked about the
    cache folder and each link on the way that lie in it: no file under them may be tracked
    (``git ls-files``), and they must be ignored (``git check-ignore``), so a ``git add -A``
    never commits them. Only the innermost work tree is asked what it ignores: git does not
    add into a repository nested in its own. Without git installed, a work tree refuses the
    cache as before; git failing or not answering in :data:`GIT_TIMEOUT` refuses it too.
    """
    tops = [path for path in walk.folders if os.path.lexists(os.path.join(path, ".git"))]  # noqa: PTH118
    for top in tops:
        tracked: list[str] = []
        ignored: list[str] = []
        for path, folder in [(walk.target, True), *((link, False) for link in walk.links)]:
            if not _within(path, top):
                continue
            rel = os.path.relpath(path, top)
            tracked.append(rel)
            # Only the innermost work tree is asked what it ignores (none nested between).
            if not any(o != top and _within(o, top) and _within(path, o) for o in tops):
                ignored.append(f"{rel}/" if folder else rel)
        key = (top, tuple(tracked), tuple(ignored))
        now = _clock()
        if key not in _GIT_SAID or now - _GIT_SAID[key][0] >= GIT_FRESH:
            _GIT_SAID[key] = (now, _ask_git(top, tracked, ignored))
        reason = _GIT_SAID[key][1]
        if reason is not None:
            return reason
    return None


def _ask_git(top: str, tracked: list[str], ignored: list[str]) -> str | None:
    """Why git does not let a cache live at ``tracked`` in the work tree ``top``, or None."""
    from spbe_cli.gitsource import GitError, GitMissingError, _run_git
    from spbe_cli.i18n import t

    where = Path(top)
    try:
        listed = _run_git(
            ["ls-files", "-z", "--", *tracked], where, timeout=GIT_TIMEOUT, here=True
        ).stdout
        if listed:
            first = os.fsdecode(listed.split(b"\0", 1)[0])
            return t("load.cache_tracked", file=os.path.join(top, first), path=top)  # noqa: PTH118
        if not ignored:
            return None
        done = _run_git(
            ["check-ignore", "--stdin", "-z"],
            where,
            stdin=b"".join(b"./" + os.fsencode(path) + b"\0" for path in ignored),
            check=False,
            timeout=GIT_TIMEOUT,
            here=True,
            literal=False,
        )
        if done.returncode not in (0, 1):
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(t("diff.git_failed", detail=detail[-1] if detail else done.returncode))
    except GitMissingError:
        return t("load.cache_in_git", path=top)
    except GitError as exc:
        return t("load.cache_git_failed", path=top, detail=str(exc))
    said = set(done.stdout.split(b"\0"))
    for path in ignored:
        if b"./" + os.fsencode(path) not in said:
            return t("load.cache_not_ignored", path=top, line=f"/{path}")
    return None


def _writable_by_none_else(info: os.stat_result, *, sticky: bool) -> bool:
    """Tell whether only the owner (and root) can add or rename names in a folder.

    Writable by others: no (unless ``sticky`` allows the sticky bit). Writable by its group:
    only when that group is this user's own private group (Debian and Ubuntu give each user
    one, with ``umask 002``: ``~/.cache`` is often ``0775``), with no other member.
    """
    if info.st_mode & stat.S_IWOTH and not (sticky and info.st_mode & stat.S_ISVTX):
        return False
    if info.st_mode & stat.S_IWGRP and not (sticky and info.st_mode & stat.S_ISVTX):
        return _private_group(info.st_gid)
    return True


def _private_group(gid: int) -> bool:
    """Whether group ``gid`` is this user's private group.

    Primary, named after the user, and no other member listed (a primary group that users
    share, such as ``users``, is named otherwise).
    """
    if not hasattr(os, "getegid") or gid != os.getegid():
        return False
    try:
        import grp
        import pwd

        me = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(gid)
    except (ImportError, KeyError):
        return False
    return group.gr_name == me and set(group.gr_mem) <= {me}
