"""A record of a whole ``spbe validate`` run, replayed while none of its inputs changed.

With the content cache on (:mod:`spbe_cli.cache`), ``spbe validate`` stores, next to the
per-file entries, one record per catalog folder: a manifest of every input the run read and
the report it produced. The next run lists the folder, reads and hashes every file, and when
every input is what the manifest says, prints the stored report without parsing or checking
anything; otherwise it runs in full (using the per-file entries) and rewrites the record.

What a record depends on, and how each part is checked:

* the slot (the record's file name, repeated in its header) is a SHA-256 of the record format,
  spbe's version, a fingerprint of every file of the installed ``spbe_cli`` package (code,
  bundled reference data, messages), the Python version, the installed distributions next to
  pydantic, pydantic-core and PyYAML, the message language, the catalog folder (absolute) and
  the name it is shown under;
* the manifest lists every catalog file the run loaded, as ``[shown path, kind, size,
  SHA-256 of the bytes]`` in load order, and every other input the run read: the rule
  configuration (``.spbe.yaml``), the prose files and the logo the metadata names, whether a
  file an exception of the configuration names is there, and the git tags the self-assessment
  consulted, each as ``[what, argument, SHA-256 of what was read]``.
  Replay reads each of them again through the same function the run used.

Every file's bytes are hashed on every run: a modification time can lie (a checkout, ``cp -p``,
``touch``, two edits in one clock tick, a coarse file system), and reading and hashing the
national catalog costs about a twentieth of validating it. A run that refused a file (a link
leaving the catalog, a FIFO, a file too large or unreadable) writes no record.

A record is untrusted input like every cache entry: JSON (reading it runs no code), read
without following links from a regular file of bounded size, framed by a header with the
format, the slot and a SHA-256 of the payload, and checked part by part. Anything else
(truncated, corrupt, from another version or folder, planted) is ignored, and the full run
rewrites it atomically (a private temporary file renamed into place).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spbe_cli import __version__, cachestate
from spbe_cli.errors import Finding, Location, Related, Report, Severity

if TYPE_CHECKING:
    from spbe_cli.files import CatalogFile

#: The light half, kept in :mod:`spbe_cli.cachestate` (observing a run) and re-exported here.
ForkedInputError = cachestate.ForkedInputError
_active = cachestate._active
note = cachestate.note
note_file = cachestate.note_file

#: Bumped when the record layout changes.
FORMAT = 1
_MAGIC = b"spbe-run"
#: A record may hold this many bytes per catalog file (findings are capped per file), plus
#: a margin; a larger file is not read.
_BYTES_PER_FILE = 64 * 1024
_MARGIN = 16 << 20
#: Records kept in one cache folder; the oldest are deleted beyond this.
MAX_RECORDS = 64


# -- observing a run -----------------------------------------------------------------------------


@dataclasses.dataclass
class Manifest:
    """What one run read: its catalog files, its other inputs, and whether it is complete."""

    files: list[list[Any]] = dataclasses.field(default_factory=list)
    inputs: list[list[str]] = dataclasses.field(default_factory=list)
    complete: bool = True
    #: the process recording: an input read in a forked child would never reach this manifest
    pid: int = dataclasses.field(default_factory=os.getpid)


@contextmanager
def recording() -> Iterator[Manifest]:
    """Note every input read inside the block into the manifest yielded."""
    manifest = Manifest()
    _active.append(manifest)
    try:
        yield manifest
    finally:
        _active.remove(manifest)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return ["bytes", hashlib.sha256(value).hexdigest()]
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(type(value).__name__)


def _digest(value: Any) -> str:
    text = json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _reread(what: str, root: Path, argument: str) -> Any:
    """Read one noted input again, through the function that read it during the run."""
    if what == "config":
        from spbe_cli.ruleconfig import read_config_file

        return read_config_file(root)
    if what == "config-names":
        from spbe_cli.ruleconfig import config_misnamed

        return config_misnamed(root)
    if what == "prose":
        from spbe_cli.files import read_prose_file

        return read_prose_file(root, argument)
    if what == "logo":
        from spbe_cli.files import logo_file

        return logo_file(root, argument)
    if what == "file":
        from spbe_cli.ruleconfig import names_a_file

        return names_a_file(root, argument)
    if what == "git-tags":
        from spbe_cli.gitsource import tag_dates

        return tag_dates(root, argument)
    raise KeyError(what)


# -- the slot ------------------------------------------------------------------------------------


@functools.cache
def _environment_fingerprint() -> bytes:
    """Fingerprint spbe's code and data, the interpreter and the libraries behind a report.

    Computed once a process: a followed run asks twice (its record, and the blob ids of
    :mod:`spbe_cli.diff.base`), each time reading some 150 files.
    """
    digest = hashlib.sha256(f"{_MAGIC.decode()} {FORMAT} {__version__} {sys.version}".encode())
    _code_digest(digest, Path(__file__).parent)
    import importlib.util

    for module in ("pydantic", "pydantic_core", "yaml"):
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        if origin is None:
            continue
        site = Path(origin).parent.parent
        with contextlib.suppress(OSError):
            names = sorted(p.name for p in site.iterdir() if p.name.endswith(".dist-info"))
            digest.update("\n".join(names).encode())
    return digest.digest()


def _code_digest(digest: Any, package: Path) -> None:
    """Add each file of spbe's code and data under ``package`` (its path and SHA-256) to ``digest``.

    What a tool leaves in the package's folders is not spbe's code: compiled files
    (``__pycache__``, ``.pyc``) and anything hidden (``.ruff_cache``, ``.mypy_cache``, an
    editor's swap file), which a lint or an editor writes at any time and which would otherwise
    make every run record and snapshot a stranger to the next run.
    """
    found: list[str] = []
    for folder, dirs, names in os.walk(package):  # top down: the folders left out are not walked
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        found.extend(
            os.path.join(folder, name)  # noqa: PTH118 - str paths: ~150 files per run
            for name in names
            if not name.endswith((".pyc", ".pyo")) and not name.startswith(".")
        )
    for path in sorted(found):
        digest.update(os.path.relpath(path, package).encode())
        with contextlib.suppress(OSError), open(path, "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())


def slot(root: Path, display: str, language: str) -> str:
    """The record's name: everything besides the inputs that decides what a run prints."""
    fields = [os.path.abspath(root), display, language]  # noqa: PTH100
    return hashlib.sha256(
        _environment_fingerprint() + json.dumps(fields, ensure_ascii=True).encode()
    ).hexdigest()


# -- reports as JSON -----------------------------------------------------------------------------


class MalformedRecordError(ValueError):
    """A record payload that is not what :func:`_payload` writes."""


def _location(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column]


def finding_json(f: Finding) -> list[Any]:
    """A finding as plain JSON values (what :func:`finding_from_json` reads back)."""
    return [
        f.code,
        f.severity.value,
        _location(f.location),
        f.message,
        f.hint,
        [[_location(r.location), r.message] for r in f.related],
    ]


def _payload(key: str, manifest: Manifest, report: Report) -> dict[str, Any]:
    return {
        "slot": key,
        "files": manifest.files,
        "inputs": manifest.inputs,
        "report": {
            "files": report.files,
            "entities": report.entities,
            "findings": [finding_json(f) for f in report.findings],
            "exceptions": [
                [e.code, e.entity, e.reason, _location(e.location), e.matched]
                for e in report.exceptions
            ],
        },
    }


def require(ok: bool, what: str) -> None:
    """Raise :class:`MalformedRecordError` unless ``ok`` (a stored value's shape, for ``what``)."""
    if not ok:
        raise MalformedRecordError(what)


def text_value(value: Any) -> str:
    """A stored text (raises :class:`MalformedRecordError` for anything else)."""
    require(isinstance(value, str), "str")
    return str(value)


def count_value(value: Any) -> int:
    """A stored count, a whole number of at least 0 (else :class:`MalformedRecordError`)."""
    require(type(value) is int and value >= 0, "int")
    return int(value)


def _list(value: Any, size: int | None = None) -> list[Any]:
    require(isinstance(value, list) and (size is None or len(value) == size), "list")
    return list(value)


def location_from_json(value: Any) -> Location:
    """A stored ``[path, line, column]`` (else :class:`MalformedRecordError`)."""
    path, line, column = _list(value, 3)
    return Location(text_value(path), count_value(line), count_value(column))


_SEVERITIES = {s.value: s for s in Severity}


def finding_from_json(value: Any) -> Finding:
    """Rebuild a finding from :func:`finding_json`'s values, checking every part.

    Raises:
        MalformedRecordError: anything out of shape.
    """
    code, severity, location, message, hint, related = _list(value, 6)
    require(severity in _SEVERITIES, "severity")
    if (
        # The common shape checked at once (thousands of findings a snapshot): exact texts,
        # a place of a text and two counts, nothing related; anything else checked below.
        not related
        and type(related) is list
        and type(code) is str
        and type(message) is str
        and (hint is None or type(hint) is str)
        and type(location) is list
        and len(location) == 3
        and type(location[0]) is str
        and type(location[1]) is int
        and type(location[2]) is int
        and location[1] >= 0
        and location[2] >= 0
    ):
        return Finding(code, _SEVERITIES[severity], Location(*location), message, hint, ())
    return Finding(
        text_value(code),
        _SEVERITIES[severity],
        location_from_json(location),
        text_value(message),
        None if hint is None else text_value(hint),
        tuple(_related(r) for r in _list(related)),
    )


def _related(value: Any) -> Related:
    location, message = _list(value, 2)
    return Related(location_from_json(location), text_value(message))


def _report(value: Any) -> Report:
    from spbe_cli.ruleconfig import RuleException

    require(isinstance(value, dict) and set(value) == _REPORT_KEYS, "report")
    exceptions = []
    for item in _list(value["exceptions"]):
        code, entity, reason, location, matched = _list(item, 5)
        exceptions.append(
            RuleException(
                text_value(code),
                text_value(entity),
                text_value(reason),
                location_from_json(location),
                count_value(matched),
            )
        )
    return Report(
        [finding_from_json(f) for f in _list(value["findings"])],
        files=count_value(value["files"]),
        entities=count_value(value["entities"]),
        exceptions=exceptions,
    )


_REPORT_KEYS = {"files", "entities", "findings", "exceptions"}
#: What a manifest's other inputs may be: each is read again by :func:`_reread`.
_INPUT_KINDS = ("config", "config-names", "prose", "logo", "file", "git-tags")
_PAYLOAD_KEYS = {"slot", "files", "inputs", "report"}


def _manifest_files(value: Any) -> list[list[Any]]:
    # Each entry is only ever compared for equality with one built from the files on disk
    # (:func:`_compare`), so an entry of any other shape is simply a changed file.
    return _list(value)


def _manifest_inputs(value: Any) -> list[list[str]]:
    inputs = _list(value)
    for entry in inputs:
        what, argument, digest = _list(entry, 3)
        require(what in _INPUT_KINDS, "input kind")
        text_value(argument), text_value(digest)
    return inputs


# -- storing and replaying -----------------------------------------------------------------------


def _dumps(value: Any) -> bytes:
    """A record's JSON: orjson's (a national record, 6 MB, in a tenth of the time of ``json``).

    A text orjson cannot write (a lone surrogate: a file name that is not UTF-8) is written by
    ``json``, escaped; :func:`_loads` reads both.
    """
    import orjson

    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _loads(payload: bytes) -> Any:
    """What :func:`_dumps` wrote (raises ``ValueError`` or ``RecursionError`` for anything else)."""
    import orjson

    try:
        return orjson.loads(payload)
    except ValueError:
        return json.loads(payload)  # a lone surrogate escaped (see _dumps), or not JSON at all


class RunRecords:
    """The run records of one cache folder; every method swallows its own errors."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = os.fspath(folder)

    def path(self, key: str) -> str:
        """Where the record ``key`` is stored."""
        return f"{self.root}/{key}.json"

    def read(self, key: str, files: int) -> dict[str, Any] | None:
        """The checked payload stored under ``key``, or None if absent or bad.

        Its report is checked when it is replayed (:func:`compare`).
        """
        from spbe_cli.cache import read_framed

        label = b"%s %d %s" % (_MAGIC, FORMAT, key.encode())
        payload = read_framed(self.path(key), files * _BYTES_PER_FILE + _MARGIN, label)
        if payload is None:
            return None
        try:
            data = _loads(payload)
            require(isinstance(data, dict) and set(data) == _PAYLOAD_KEYS, "payload")
            require(data["slot"] == key, "slot")
            # The report is checked when it is replayed (:func:`compare`): a run that finds a
            # file changed never needs it.
            return {
                "files": _manifest_files(data["files"]),
                "inputs": _manifest_inputs(data["inputs"]),
                "report": data["report"],
            }
        except (ValueError, RecursionError, TypeError, MalformedRecordError):
            return None

    def write(self, key: str, manifest: Manifest, report: Report) -> bool:
        """Store the record of a complete run atomically; tell whether it was written."""
        from spbe_cli.cache import framed, write_atomic

        payload = _dumps(_payload(key, manifest, report))
        raw = framed(b"%s %d %s" % (_MAGIC, FORMAT, key.encode()), payload)
        written = write_atomic(self.path(key), raw)
        if written:
            self.prune()
        return written

    def prune(self, keep: int = MAX_RECORDS) -> None:
        """Delete all but the ``keep`` newest records (with their snapshots) and blob-id files.

        Each catalog folder, language and spbe version has its own record, from its second run
        on a snapshot beside it (about 20 MB at national scale, :mod:`spbe_cli.incremental`),
        and each folder a file of blob ids (:mod:`spbe_cli.diff.base`): CI runners that check
        out into a new folder per job would pile them up. A snapshot whose record is gone goes
        too. A temporary file left by a run killed while writing (see
        :func:`spbe_cli.cache.write_atomic`) goes after an hour
        (:func:`spbe_cli.cache.stale_temporary`).
        """
        import time

        from spbe_cli.cache import stale_temporary

        now = time.time_ns()
        try:
            with os.scandir(self.root) as entries:
                found = sorted(
                    (
                        (entry.stat(follow_symlinks=False).st_mtime_ns, entry.name, entry.path)
                        for entry in entries
                        if entry.name.endswith((".json", ".snapshot", ".blobs", ".tmp"))
                    ),
                    reverse=True,
                )
        except OSError:
            return
        records = [name for _, name, _ in found if name.endswith(".json")]
        kept = {name.removesuffix(".json") for name in records[:keep]}
        blobs = [path for _, name, path in found if name.endswith(".blobs")]
        gone = [path for when, name, path in found if stale_temporary(name, when, now)]
        gone += [
            path
            for _, name, path in found
            if name.endswith((".json", ".snapshot")) and name.rpartition(".")[0] not in kept
        ]
        for path in gone + blobs[keep:]:
            with contextlib.suppress(OSError):
                os.unlink(path)  # noqa: PTH108


def _listed(
    files: list[CatalogFile],
    digests: list[tuple[int, str] | None],
    read: dict[str, tuple[int, str]],
) -> list[list[Any]] | None:
    """The files as a record lists them (``[shown path, kind, size, SHA-256]``), read now.

    ``digests``: the size and SHA-256 of each of ``files`` (None: the loader would refuse it,
    see :class:`_Hashing`; then None, no list). ``read`` receives those of every file read, so
    the run that follows need not read and hash them again.
    """
    now: list[list[Any]] | None = []
    for file, digest in zip(files, digests, strict=True):
        if digest is None:
            now = None
            continue
        read[file.display] = digest
        if now is not None:
            now.append([file.display, file.kind, *digest])
    return now


def inputs_unchanged(root: Path, stored: dict[str, Any]) -> bool:
    """Tell whether every input of a stored manifest other than the catalog files is the same."""
    return all(_same_input(root, *entry) for entry in stored["inputs"])


class _Hashing:
    """The size and SHA-256 of every catalog file, read while the record is read.

    On a large catalog with a core idle, a forked child starts on its share of the files at
    once (:func:`_digests`), while this process reads the run record (a national one, 6 MB of
    JSON, costs about what hashing a fifth of the files does) and then hashes the rest: this
    process takes two fifths of the files, the child three. Without a child this process
    hashes them all.
    """

    #: the share of the files this process hashes when a child takes the rest
    SHARE = 0.4

    def __init__(self, root: Path, files: list[CatalogFile]) -> None:
        from spbe_cli.parallel import ForkedChild, core_idle

        self.files = files
        self.real_root = root.resolve()
        self.cut = int(len(files) * self.SHARE)
        theirs = files[self.cut :]
        self.child: ForkedChild | None = None
        if core_idle(len(files)):
            self.child = ForkedChild(lambda: _digests(theirs, self.real_root))

    def digests(self) -> list[tuple[int, str] | None]:
        """Every file's (in the order listed), the child's share from the child if it worked."""
        mine = _digests(self.files[: self.cut], self.real_root)
        sent = self.child.result() if self.child is not None else None
        theirs = _digests(self.files[self.cut :], self.real_root) if sent is None else sent
        return [*mine, *theirs]

    def stop(self) -> None:
        """End the child if its digests were not asked for (the record was bad or missing)."""
        if self.child is not None:
            self.child.stop()


def _digests(files: Sequence[CatalogFile], real_root: Path) -> list[tuple[int, str] | None]:
    """Size and SHA-256 of each file's bytes (None: the loader would refuse it)."""
    from spbe_cli.files import read_catalog_file

    found: list[tuple[int, str] | None] = []
    for file in files:
        data = read_catalog_file(file, real_root)
        found.append(
            (len(data), hashlib.sha256(data).hexdigest()) if isinstance(data, bytes) else None
        )
    return found


def _same_input(root: Path, what: str, argument: str, digest: str) -> bool:
    try:
        return _digest(_reread(what, root, argument)) == digest
    except (OSError, ValueError, KeyError, RuntimeError):
        return False  # a re-read that fails differs from the one that worked


def replay(
    store: RunRecords,
    key: str,
    root: Path,
    display: str,
    read: dict[str, tuple[int, str]] | None = None,
) -> Report | None:
    """The stored report of ``root`` when none of its inputs changed, else None.

    ``read`` receives ``{shown path: (size, SHA-256)}`` of the files read to find out.
    """
    return compare(store, key, root, display, read).report


@dataclasses.dataclass
class Compared:
    """A catalog folder against its run record (see :func:`compare`)."""

    #: the stored report, when nothing changed
    report: Report | None
    #: the record (None when there is none, or a bad one)
    stored: dict[str, Any] | None
    #: the files listed now
    files: list[CatalogFile]
    #: each of them as a record lists it (see :func:`_listed`); None when one was not read,
    #: or there is no record
    now: list[list[Any]] | None = None


def compare(
    store: RunRecords,
    key: str,
    root: Path,
    display: str,
    read: dict[str, tuple[int, str]] | None = None,
) -> Compared:
    """List and hash the catalog's files and compare them with the record stored under ``key``.

    ``read`` receives ``{shown path: (size, SHA-256)}`` of every file read (only when there is
    a record: otherwise the run that follows reads each file once anyway). The listing, the
    record and the digests live as long as the run: made with the collector paused (at
    national scale, some 200 collections walked them).
    """
    from spbe_cli import collector

    with collector.paused():
        return _compare(store, key, root, display, read)


def _compare(
    store: RunRecords,
    key: str,
    root: Path,
    display: str,
    read: dict[str, tuple[int, str]] | None,
) -> Compared:
    from spbe_cli.files import find_files

    files = find_files(root, display)
    if not seen(store, key):
        return Compared(None, None, files)
    hashing = _Hashing(root, files)
    try:
        stored = store.read(key, len(files))
        if stored is None:
            return Compared(None, None, files)
        now = _listed(files, hashing.digests(), {} if read is None else read)
        # One list against the other in C: tens of thousands of entries. An entry of any other
        # shape than the one _listed makes (a planted record) is a changed file.
        if now is None or now != stored["files"] or not inputs_unchanged(root, stored):
            return Compared(None, stored, files, now)
    finally:
        hashing.stop()
    try:
        report = _report(stored["report"])
    except (MalformedRecordError, TypeError, KeyError):
        return Compared(None, None, files)  # a bad record: a full run rewrites it
    return Compared(report, stored, files, now)


def seen(store: RunRecords, key: str) -> bool:
    """Tell whether a record is stored under ``key`` (good or not): the catalog ran here before."""
    return os.path.lexists(store.path(key))
