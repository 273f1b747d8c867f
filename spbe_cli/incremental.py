"""Validate again only what an edit can change: a snapshot of the last run, and a delta.

With the content cache on, a full ``spbe validate`` run keeps, beside its run record
(:mod:`spbe_cli.runrecord`), a *snapshot*: what each catalog file added to the load (its
entities' ids, every id it declared, its loading findings, its placeholders), a few facts per
entity (its kind, its file, what the rules read of it when it is not their subject), and each
rule's findings. The next run whose files differ from the record in a few files only loads
those files (and the metadata and ``referensi`` files, which every rule reads), and each rule
works out from the facts which of its findings the edit can change, and checks only those
subjects again (:data:`UPDATES`). The report is the one a full run gives, byte for byte:
``tests/test_incremental.py`` compares them after random edits.

An edit this module cannot follow runs in full and writes a new snapshot: the metadata, a
``referensi`` declaration, ``.spbe.yaml``, a prose file or the logo changed; a document was
refused (a schema error: whether an id counts as declared, what a refused program's dimension
was, depend on the whole catalog); an id a changed file declares (before or after) is also
declared in another file (which of two declarations wins depends on file order); two paths
differ only in case; a rule has no incremental form; more than :data:`MAX_CHANGED` of the
files changed.

The snapshot is untrusted input like every cache entry: JSON (read and written with orjson: it
holds tens of megabytes at national scale), framed and checked as the run record is
(:func:`spbe_cli.cache.read_framed`); anything out of shape is a full run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spbe_cli.catalog import Catalog, Focus
from spbe_cli.errors import Finding, Location
from spbe_cli.runrecord import count_value, location_from_json, require, text_value

if TYPE_CHECKING:
    from spbe_cli.catalog import Source
    from spbe_cli.files import CatalogFile
    from spbe_cli.loader import _Loader
    from spbe_cli.parallel import ForkedChild
    from spbe_cli.parsing import ParsedFile
    from spbe_cli.runrecord import RunRecords

#: What the last run in this process did (for tests and ``SPBE_EXPLAIN_CACHE``): ``followed``
#: (an edit followed), ``full`` (with ``reason``), and how many unchanged files were built.
STATS: dict[str, Any] = {"followed": 0, "full": 0, "reason": "", "built": 0}

#: Bumped when the snapshot layout changes (3: a form's own sections, ``kept:<rule>:<part>``).
FORMAT = 3
_MAGIC = b"spbe-snapshot"
#: Above this share of the files changed, a full run costs about what following the edit does.
MAX_CHANGED = 0.05
#: A snapshot may hold this many bytes per catalog file, plus a margin.
_BYTES_PER_FILE = 16 * 1024
_MARGIN = 32 << 20


class CannotFollow(Exception):
    """This edit needs a full run (the reason is for ``SPBE_EXPLAIN_CACHE`` only)."""


# -- capturing a full run ------------------------------------------------------------------------


@dataclass
class Capture:
    """What a full run leaves for the snapshot: its loader and each rule's findings."""

    loader: _Loader | None = None
    per_rule: list[list[Finding]] = field(default_factory=list)


_capturing: list[Capture] = []


@contextmanager
def capturing() -> Iterator[Capture]:
    """Keep, for the snapshot, what the full run inside the block loaded and found."""
    capture = Capture()
    _capturing.append(capture)
    try:
        yield capture
    finally:
        _capturing.remove(capture)


def observe_loader(loader: _Loader) -> None:
    """Called by :func:`spbe_cli.loader.load_catalog`: keep the ledger of a captured load."""
    if _capturing and _capturing[-1].loader is None:
        loader.keep_ledger()
        _capturing[-1].loader = loader


def observe_rules(per_rule: list[list[Finding]]) -> None:
    """Called by :func:`spbe_cli.validate.validate_catalog` with each rule's findings."""
    if _capturing:
        _capturing[-1].per_rule = per_rule


# -- the snapshot --------------------------------------------------------------------------------
#
# Layout (FORMAT 3): one JSON head line, then the sections' JSON texts one after the other; the
# head says where each section lies. A run reads only the sections it needs (the facts of one
# rule are read when that rule's form asks for them) and writes back, unchanged, the bytes of
# every section the edit did not change. Nothing is repeated per entity or per file: the files
# are the run record's list (the snapshot's sections follow its order), each entity is its id
# in the flat list ``ids`` (``counts`` says how many of them each file declares, ``kinds`` the
# index of its kind in the head's ``kind_names``), and a file's state is kept only where it is
# not the default one (no loading findings, no placeholders, the names it declares are the
# skeletons of its ids, not the metadata's or a ``referensi`` declaration's file).

#: Sections every run reads (the facts of each rule are ``facts:<rule>``, read when asked for;
#: what a form keeps over the whole catalog, ``kept:<rule>:<part>``, too).
_EAGER = ("ids", "kinds", "counts", "names", "state", "rules")


def _loc(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column]


def _default_names(ids: Iterable[str]) -> list[str]:
    return sorted({id_key(i) for i in ids})


def _file_state(
    ids: list[str], names: list[str], found: list[Any], placeholders: list[Any], special: bool
) -> list[Any] | None:
    """One file's state as stored: None for the default one (see the layout above)."""
    kept_names = None if names == _default_names(ids) else names
    if kept_names is None and not found and not placeholders and not special:
        return None
    return [kept_names, found, placeholders, special]


def build(key: str, files: list[list[Any]], capture: Capture, catalog: Catalog) -> bytes:
    """The snapshot of a complete run (the payload :meth:`Snapshots.write` stores).

    ``files``: the run's files as its run record lists them (the snapshot follows their order).

    Raises:
        CannotFollow: the run refused documents (such a catalog is always checked in full).
    """
    from collections import Counter

    from spbe_cli.checks import all_checks
    from spbe_cli.runrecord import finding_json

    loader = capture.loader
    if loader is None or loader.ledger is None:
        raise CannotFollow("the load was not observed")
    if catalog.rejected or catalog.name_refs:
        raise CannotFollow("refused documents")
    listed = {entry[0] for entry in files}
    entity_ids = list(catalog.entities)
    marks: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    for display, before, after in loader.ledger:
        if display not in listed:
            raise CannotFollow(f"{display} loaded but not listed")
        marks[display] = (before, after)
    meta = catalog.metadata_source.path if catalog.metadata_source is not None else None
    kind_names: list[str] = []
    kind_index: dict[str, int] = {}
    ids: list[str] = []
    kinds: list[int] = []
    counts: list[int] = []
    names: Counter[str] = Counter()
    state: dict[str, list[Any]] = {}
    for entry in files:
        display = entry[0]
        if display not in marks:
            raise CannotFollow(f"{display} listed but not loaded")
        found, entities, touched, placeholders, _, _, referensi, metadata = zip(
            *marks[display], strict=True
        )
        mine = entity_ids[entities[0] : entities[1]]
        declared = sorted({id_key(i) for i in loader.touched[touched[0] : touched[1]]})
        names.update(declared)
        for entity_id in mine:
            kind = catalog.kinds[entity_id]
            if kind not in kind_index:
                kind_index[kind] = len(kind_names)
                kind_names.append(kind)
            kinds.append(kind_index[kind])
        ids.extend(mine)
        counts.append(len(mine))
        kept = _file_state(
            mine,
            declared,
            [finding_json(f) for f in loader.findings[found[0] : found[1]]],
            [[_loc(loc), value] for loc, value in catalog.placeholders[slice(*placeholders)]],
            referensi[0] != referensi[1] or metadata[0] != metadata[1] or display == meta,
        )
        if kept is not None:
            state[display] = kept
    rules = [check.__name__ for check in all_checks()]
    if len(capture.per_rule) != len(rules):
        raise CannotFollow("the rules' findings were not kept")
    sizes = Counter(catalog.kinds.values())
    buckets = {kind: max(1, n // _BUCKET) for kind, n in sorted(sizes.items())}
    columns: dict[str, dict[str, Any]] = {}
    for entity_id in entity_ids:
        kind = catalog.kinds[entity_id]
        place = _place(entity_id, kind, buckets)
        for rule, value in facts_of(
            kind, catalog.entities[entity_id], catalog.sources[entity_id]
        ).items():
            columns.setdefault(f"facts:{rule}:{place}", {})[entity_id] = value
    sections: dict[str, Any] = {
        "ids": ids,
        "kinds": kinds,
        "counts": counts,
        "names": dict(names),
        "state": state,
        "rules": {
            name: [finding_json(f) for f in found]
            for name, found in zip(rules, capture.per_rule, strict=True)
        },
    }
    sections.update(sorted(columns.items()))
    for update in forms().values():
        if update.keeps is not None:
            for part, value in sorted(update.keeps(catalog).items()):
                sections[f"kept:{update.name}:{part}"] = value
    head = {
        "slot": key,
        "files": files_digest(files),
        "kind_names": kind_names,
        "buckets": buckets,
        "case": _case_clash([entry[0] for entry in files]),
        "invalid": dict(catalog.invalid),
        # SPBE107 (no metadata) is the catalog folder's own, in no file
        "unplaced": [finding_json(f) for f in loader.findings if f.location.path not in listed],
        "skipped": [
            [path, count, _loc(first)] for path, (count, first) in catalog.skipped_findings.items()
        ],
    }
    return _pack(head, sections)


#: About this many entities of one kind share a section of facts (a followed edit reads and
#: writes the sections of the entities it changed, and the whole of a rule only when its form
#: walks every entity).
_BUCKET = 2048


def _place(entity_id: str, kind: str, buckets: Mapping[str, int]) -> str:
    """The part of a rule's facts that holds one entity's (``kind:bucket``)."""
    import zlib

    count = buckets.get(kind, 1)
    return f"{kind}:{zlib.crc32(entity_id.encode()) % count if count > 1 else 0}"


def _pack(head: dict[str, Any], sections: Mapping[str, Any]) -> bytes:
    """A snapshot's payload: the head line, then each section (a value, or its JSON bytes)."""
    import orjson

    where: dict[str, list[int]] = {}
    parts: list[bytes | memoryview] = []
    offset = 0
    for name, value in sections.items():
        raw = value if isinstance(value, (bytes, memoryview)) else orjson.dumps(value)
        where[name] = [offset, len(raw)]
        parts.append(raw)
        offset += len(raw)
    return b"".join([orjson.dumps({**head, "sections": where}), b"\n", *parts])


def files_digest(files: list[list[Any]]) -> str:
    """The SHA-256 of a run's list of files, to match a snapshot to its run record.

    The record holds the list (tens of thousands of paths and digests); the snapshot only this.
    """
    import hashlib

    import orjson

    return hashlib.sha256(orjson.dumps(files)).hexdigest()


def id_key(entity_id: str) -> str:
    """What two ids share when one file's declaration can decide the other's (their skeleton)."""
    from spbe_cli.catalog import id_skeleton

    return id_skeleton(entity_id)


def facts_of(kind: str, entity: Any, source: Source | None = None) -> dict[str, Any]:
    """What the rules read of one entity when it is not their subject (see :data:`UPDATES`).

    ``source``: where the entity is written, for a form whose facts keep a place in it (the
    look-alike groups keep where each item's id is); without it such a form keeps nothing.
    """
    found: dict[str, Any] = {}
    for name, facts, sourced in _readers(kind):
        if sourced:
            if source is None:
                continue
            value = facts(kind, entity, source)
        else:
            value = facts(kind, entity)
        if value is not None:
            found[name] = value
    return found


def _readers(kind: str) -> list[tuple[str, Callable[..., Any], bool]]:
    """The forms that keep facts of ``kind`` (see :func:`facts_of`): name, facts, sourced."""
    readers = _BY_KIND.get(kind)
    if readers is None:
        readers = _BY_KIND[kind] = [
            (u.name, u.facts, u.sourced)
            for u in forms().values()
            if u.facts is not None and (u.kinds is None or kind in u.kinds)
        ]
    return readers


#: The forms that keep facts of each kind (see :func:`_readers`): name, facts, sourced.
_BY_KIND: dict[str, list[tuple[str, Callable[..., Any], bool]]] = {}


class Snapshots:
    """The snapshots of one cache folder, beside the run records (same folder, same rules)."""

    def __init__(self, records: RunRecords) -> None:
        self.records = records

    def path(self, key: str) -> str:
        """Where the snapshot of the record ``key`` is stored."""
        return f"{self.records.root}/{key}.snapshot"

    def _label(self, key: str) -> bytes:
        return b"%s %d %s" % (_MAGIC, FORMAT, key.encode())

    def write(self, key: str, payload: bytes) -> bool:
        """Store a snapshot (:func:`build`'s or :class:`Outcome`'s) atomically; tell if written."""
        from spbe_cli.cache import framed, write_atomic

        return write_atomic(self.path(key), framed(self._label(key), payload))

    def read(self, key: str, files: int) -> Stored | None:
        """The checked snapshot stored under ``key``, or None if absent or bad."""
        from spbe_cli.cache import read_framed

        payload = read_framed(self.path(key), files * _BYTES_PER_FILE + _MARGIN, self._label(key))
        if payload is None:
            return None
        try:
            return Stored.of(payload, key)
        except (ValueError, RecursionError, TypeError, KeyError, IndexError):
            return None

    def forget(self, key: str) -> None:
        """Remove the snapshot of ``key`` (its record was replaced by a run it does not match)."""
        import os

        with contextlib.suppress(OSError):
            os.unlink(self.path(key))  # noqa: PTH108


def _findings(values: Any) -> list[Finding]:
    from spbe_cli.runrecord import finding_from_json

    require(isinstance(values, list), "findings")
    return [finding_from_json(f) for f in values]


class Stored:
    """A snapshot read back: its head and eager sections checked, the facts read when asked.

    ``ids``, ``kinds``, ``counts``: every entity's id and kind (an index in ``kind_names``),
    file by file in the order of the run record's files (``counts[j]`` ids for the ``j``-th);
    ``names``: how many files declare each id skeleton; ``state``: the files whose state is
    not the default one, ``path -> [names or None, findings, placeholders, special]``;
    ``rules``: each rule's findings. :meth:`column` gives one rule's facts, ``{id: value}``.
    """

    def __init__(self, payload: bytes, key: str) -> None:
        import orjson

        # The head line alone (partition would copy the tens of MB after it, to throw away).
        end = payload.find(b"\n")
        line = payload if end < 0 else payload[:end]
        head = orjson.loads(line)
        require(isinstance(head, dict) and head.get("slot") == key, "slot")
        self.head: dict[str, Any] = head
        self.body = memoryview(payload)[len(line) + 1 :]
        sections = head["sections"]
        require(isinstance(sections, dict), "sections")
        self.sections: dict[str, tuple[int, int]] = {}
        for name, place in sections.items():
            require(type(place) is list and len(place) == 2, "section")
            start, size = count_value(place[0]), count_value(place[1])
            require(start + size <= len(self.body), "section")
            self.sections[text_value(name)] = (start, size)
        self.files = text_value(head["files"])
        self.kind_names: list[str] = [text_value(k) for k in head["kind_names"]]
        buckets = head["buckets"]
        require(isinstance(buckets, dict), "buckets")
        self.buckets: dict[str, int] = {text_value(k): count_value(v) for k, v in buckets.items()}
        self._parts: dict[str, dict[str, Any]] = {}

    @classmethod
    def of(cls, payload: bytes, key: str) -> Stored:
        """Check a snapshot's head and eager sections (raises a ``ValueError`` when off)."""
        stored = cls(payload, key)
        stored._check()
        return stored

    def raw(self, name: str) -> memoryview:
        """The JSON bytes of one section, as stored."""
        start, size = self.sections[name]
        return self.body[start : start + size]

    def section(self, name: str) -> Any:
        """One section's value."""
        import orjson

        return orjson.loads(self.raw(name))

    def _check(self) -> None:
        # Cheap checks only: a value out of place further in stops the run (a full run, see
        # spbe_cli.validate._follow), and the frame's SHA-256 already rules out a torn file.
        head = self.head
        self.ids: list[str] = self.section("ids")
        self.kinds: list[int] = self.section("kinds")
        self.counts: list[int] = self.section("counts")
        require(type(self.ids) is list and type(self.kinds) is list, "ids")
        # (one count per file, tens of thousands: checked in C)
        require(type(self.counts) is list and set(map(type, self.counts)) <= {int}, "counts")
        require(min(self.counts, default=0) >= 0, "counts")
        require(len(self.ids) == len(self.kinds) == sum(self.counts), "ids")
        require(
            not self.kinds or 0 <= min(self.kinds) <= max(self.kinds) < len(self.kind_names),
            "kinds",
        )
        self.names: dict[str, int] = self.section("names")
        require(isinstance(self.names, dict), "names")
        self.state: dict[str, list[Any]] = self.section("state")
        require(isinstance(self.state, dict), "state")
        require(all(type(v) is list and len(v) == 4 for v in self.state.values()), "file state")
        invalid = head["invalid"]
        require(
            isinstance(invalid, dict) and all(isinstance(v, str) for v in invalid.values()), "x"
        )
        self.invalid: dict[str, str] = invalid
        rules = self.section("rules")
        require(isinstance(rules, dict), "rules")
        self.rules = {text_value(name): _findings(found) for name, found in rules.items()}
        self.unplaced = _findings(head["unplaced"])
        self.skipped: dict[str, tuple[int, Location]] = {}
        for entry in head["skipped"]:
            require(isinstance(entry, list) and len(entry) == 3, "skipped")
            self.skipped[text_value(entry[0])] = (
                count_value(entry[1]),
                location_from_json(entry[2]),
            )

    def part(self, name: str) -> dict[str, Any]:
        """One section of facts, ``facts:<rule>:<kind>:<bucket>``, as ``{id: value}``."""
        found = self._parts.get(name)
        if found is None:
            found = self.section(name) if name in self.sections else {}
            require(isinstance(found, dict), "facts")
            self._parts[name] = found
        return found

    def parts(self, rule: str) -> list[str]:
        """The names of the sections holding one rule's facts."""
        prefix = f"facts:{rule}:"
        return [name for name in self.sections if name.startswith(prefix)]

    def column(self, rule: str) -> dict[str, Any]:
        """The facts one rule keeps, ``{id: value}`` (entities it keeps nothing of are absent)."""
        found: dict[str, Any] = {}
        for name in self.parts(rule):
            found.update(self.part(name))
        return found

    def findings_in(self, display: str) -> list[Finding]:
        """The loading findings of one file."""
        entry = self.state.get(display)
        return _findings(entry[1]) if entry is not None and entry[1] else []

    def placeholders_in(self, display: str) -> list[tuple[Location, str]]:
        """The placeholders of one file."""
        entry = self.state.get(display)
        found = []
        for item in entry[2] if entry is not None else ():
            require(isinstance(item, list) and len(item) == 2, "placeholder")
            found.append((location_from_json(item[0]), text_value(item[1])))
        return found


# -- a rule's incremental form -------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """How one rule follows an edit.

    ``update(old, change)``: the rule's findings after the change, from its findings before
    and the change (see :class:`Change`: it can build any entity and give a view of the
    catalog that walks only some subjects). ``facts(kind, entity)``: what the rule reads of an
    entity that is not its subject (None: nothing), kept in the snapshot per entity; with
    ``sourced``, ``facts(kind, entity, source)`` (the entity's :class:`~spbe_cli.catalog.Source`:
    a place in its file kept as a fact).
    """

    name: str
    update: Callable[[list[Finding], Change], list[Finding]]
    facts: Callable[..., Any] | None = None
    #: the kinds ``facts`` gives something for (None: every kind)
    kinds: frozenset[str] | None = None
    sourced: bool = False
    #: what the form keeps beside the facts, over the whole catalog: ``keeps(catalog)`` on a
    #: full run gives parts by name (JSON values, a section ``kept:<rule>:<part>`` each); a
    #: followed edit gives the parts it changed to :meth:`Change.keep`, the others stay
    keeps: Callable[[Catalog], dict[str, Any]] | None = None
    #: ``aside(change)``: whether this edit gives ``update`` work enough for a process of its
    #: own, run in a forked child beside the other forms (see :func:`_rules_after`); None: never
    aside: Callable[[Change], bool] | None = None


#: Each rule's incremental form by the rule's function name (:func:`register`); a rule missing
#: here makes every edit a full run.
UPDATES: dict[str, Update] = {}


def forms() -> dict[str, Update]:
    """:data:`UPDATES`, filled (the forms live in :mod:`spbe_cli.incremental_rules`)."""
    import spbe_cli.incremental_rules  # noqa: F401 - registers each rule's form

    return UPDATES


Updater = Callable[[list[Finding], "Change"], list[Finding]]


def register(
    name: str,
    facts: Callable[..., Any] | None = None,
    kinds: Iterable[str] | None = None,
    *,
    sourced: bool = False,
    keeps: Callable[[Catalog], dict[str, Any]] | None = None,
    aside: Callable[[Change], bool] | None = None,
) -> Callable[[Updater], Updater]:
    """Register the function decorated as the incremental form of the rule ``name``.

    ``facts`` gives what the rule reads of an entity of one of ``kinds`` (None: of any kind);
    with ``sourced`` it is given the entity's source too; ``keeps``, ``aside``: see
    :class:`Update`.
    """

    def decorate(function: Updater) -> Updater:
        UPDATES[name] = Update(
            name,
            function,
            facts,
            None if kinds is None else frozenset(kinds),
            sourced,
            keeps,
            aside,
        )
        _BY_KIND.clear()
        return function

    return decorate


# -- the catalog after an edit -------------------------------------------------------------------


class LazyTable(Mapping[str, Any]):
    """Every entity's model (or source) after an edit, each built when first looked up.

    The changed files' entities (and those of the files every rule reads) are built already;
    any other is built from its file's cache entry when a rule asks for it, with the rest of
    that file (:meth:`Following.entity`).
    """

    def __init__(self, owner: Following, part: int) -> None:
        self.owner = owner
        self.part = part

    def __getitem__(self, entity_id: str) -> Any:
        return self.owner.entity(entity_id)[self.part]

    def get(self, entity_id: str, default: Any = None) -> Any:
        """The entity (or source) of ``entity_id``, built if need be; ``default`` if none."""
        if entity_id not in self.owner.kinds:
            return default
        return self.owner.entity(entity_id)[self.part]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.owner.kinds

    def __iter__(self) -> Iterator[str]:
        return iter(self.owner.kinds)

    def __len__(self) -> int:
        return len(self.owner.kinds)


@dataclass
class Following:
    """One incremental run: what was stored, what changed, what is built."""

    root: Path
    display: str
    #: every entity's kind after the edit, in the order of the files
    kinds: dict[str, str]
    #: every file's ids after the edit, from its position (see :meth:`ids_in`)
    layout: _Layout
    #: models and sources built so far
    loaded: dict[str, tuple[Any, Source]]
    #: file -> (size, SHA-256) of its content now
    digests: Mapping[str, tuple[int, str]]
    #: the content cache of this run, opened once (its folder checks are not free)
    cache: Any = None
    #: how many files were built on demand (for tests and SPBE_EXPLAIN_CACHE)
    built: int = 0

    def entity(self, entity_id: str) -> tuple[Any, Source]:
        """The model and source of one entity, built from its file's cache entry if need be."""
        found = self.loaded.get(entity_id)
        if found is not None:
            return found
        display = self.layout.file_of(entity_id)
        self._build_file(display)
        found = self.loaded.get(entity_id)
        if found is None:
            raise CannotFollow(f"{display} no longer declares {entity_id}")
        return found

    def _build_file(self, display: str) -> None:
        """Build every entity of one unchanged file: from its cache entry, else from disk."""
        import hashlib

        from spbe_cli.cachestate import parse_keyed
        from spbe_cli.files import CatalogFile, read_catalog_file
        from spbe_cli.loader import _Loader

        cache = self.cache
        known = self.digests.get(display)
        if known is None:
            raise CannotFollow(f"{display} was not read")
        entry = cache.get(known[1], known[0]) if cache is not None else None
        if entry is None:
            rel = display[len(_prefix(self.display)) :]
            data = read_catalog_file(CatalogFile(str(self.root / rel), display, "file"), self.real)
            if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != known[1]:
                raise CannotFollow(f"{display} changed while it was read")
            _, entry = parse_keyed(cache, data)
        loader = _Loader(self.root, self.display, cache, real_root=self.real)
        loader.load_parsed(display, entry)
        catalog = loader.catalog
        for entity_id, model in catalog.entities.items():
            self.loaded.setdefault(entity_id, (model, catalog.sources[entity_id]))
        self.built += 1

    @property
    def real(self) -> Path:
        """The catalog folder with its links resolved (files are read below it only)."""
        if self._real is None:
            self._real = self.root.resolve()
        return self._real

    _real: Path | None = None


def _prefix(display: str) -> str:
    from spbe_cli.files import display_path

    return display_path(display, "")


class _Layout:
    """Which ids each file declares after an edit: the flat lists of the snapshot, spliced."""

    def __init__(self, paths: list[str], ids: list[str], kinds: list[int], counts: list[int]):
        self.paths = paths
        self.ids = ids
        self.kinds = kinds
        self.counts = counts
        self._starts: list[int] | None = None
        self._position: dict[str, int] | None = None
        self._owner: dict[str, str] | None = None

    @property
    def starts(self) -> list[int]:
        """Where each file's ids start in :attr:`ids` (one more: the end)."""
        if self._starts is None:
            from itertools import accumulate

            self._starts = [0, *accumulate(self.counts)]
        return self._starts

    def position(self, display: str) -> int | None:
        """The position of a file in :attr:`paths` (None: not listed)."""
        return self.positions.get(display)

    @property
    def positions(self) -> dict[str, int]:
        """Each file's position in :attr:`paths`, for a walk over every file (read only)."""
        if self._position is None:
            self._position = dict(zip(self.paths, range(len(self.paths)), strict=True))
        return self._position

    def ids_in(self, display: str) -> list[str]:
        """The ids one file declares."""
        at = self.position(display)
        if at is None:
            return []
        starts = self.starts
        return self.ids[starts[at] : starts[at + 1]]

    def file_of(self, entity_id: str) -> str:
        """The file declaring one id (raises ``KeyError`` for an id no file declares)."""
        if self._owner is None:
            from itertools import chain, repeat

            owners = chain.from_iterable(map(repeat, self.paths, self.counts))
            self._owner = dict(zip(self.ids, owners, strict=True))
        return self._owner[entity_id]


@dataclass
class Change:
    """An edit of a few files, as a rule's incremental form sees it."""

    #: the catalog after the edit: every id known, every entity built when looked up
    catalog: Catalog
    #: the files changed, added or removed (as shown)
    paths: frozenset[str]
    #: ids the changed files declared before, with their facts then: ``[kind, file, {rule: ..}]``
    before: dict[str, list[Any]]
    #: ids the changed files declare now, with their facts now
    after: dict[str, list[Any]]
    following: Following
    #: the snapshot the edit is followed from
    stored: Stored
    #: every placeholder of the catalog after the edit
    placeholders: list[tuple[Location, str]] = field(default_factory=list)
    #: the sections of facts the edit changed, as they are after it (see :func:`_parts_after`)
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the parts the forms keep beside the facts that the edit changed (see :meth:`keep`)
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)
    _columns: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def kinds(self) -> dict[str, str]:
        """Every entity's kind after the edit."""
        return self.following.kinds

    def file_of(self, entity_id: str) -> str:
        """The file declaring an id after the edit."""
        fact = self.after.get(entity_id)
        return fact[1] if fact is not None else self.following.layout.file_of(entity_id)

    def column(self, rule: str) -> dict[str, Any]:
        """What ``rule`` keeps of each entity after the edit, ``{id: facts}`` (see ``facts``).

        Reads every section of the rule's facts: for a form that walks every entity. Merged
        once a run (several forms read ``check_references``'s): the one dict every caller gets,
        read only.
        """
        found = self._columns.get(rule)
        if found is not None:
            return found
        found = {}
        names = dict.fromkeys(self.stored.parts(rule))
        names.update(dict.fromkeys(n for n in self.parts if n.startswith(f"facts:{rule}:")))
        for name in names:
            part = self.parts.get(name)
            found.update(part if part is not None else self.stored.part(name))
        self._columns[rule] = found
        return found

    def kept_parts(self, rule: str) -> list[str]:
        """The parts ``rule``'s form kept beside its facts before the edit (:class:`Update`)."""
        prefix = f"kept:{rule}:"
        return [n.removeprefix(prefix) for n in self.stored.sections if n.startswith(prefix)]

    def kept_part(self, rule: str, part: str) -> Any:
        """One part ``rule``'s form kept before the edit, as stored (JSON values)."""
        return self.stored.section(f"kept:{rule}:{part}")

    def keep(self, rule: str, part: str, value: Any) -> None:
        """One part ``rule``'s form keeps after the edit (None: no longer kept)."""
        self.kept.setdefault(rule, {})[part] = value

    @property
    def gone(self) -> set[str]:
        """Ids no file declares any more."""
        return self.before.keys() - self.after.keys()

    @property
    def came(self) -> set[str]:
        """Ids declared now that were not before."""
        return self.after.keys() - self.before.keys()

    def differ(self, rule: str) -> set[str]:
        """Ids whose kind or facts for ``rule`` differ before and after (gone and came too)."""
        found = set()
        for entity_id in self.before.keys() | self.after.keys():
            old, new = self.before.get(entity_id), self.after.get(entity_id)
            if (
                old is None
                or new is None
                or old[0] != new[0]
                or old[2].get(rule) != new[2].get(rule)
            ):
                found.add(entity_id)
        return found

    def ids_in(self, paths: set[str]) -> list[str]:
        """Every id declared in these files now."""
        layout = self.following.layout
        return sorted(i for path in paths for i in layout.ids_in(path))

    def view(self, subjects: list[str]) -> Catalog:
        """The catalog walking ``subjects`` only: see :class:`~spbe_cli.catalog.Focus`."""
        return Focus.of(self.catalog, subjects)


# -- following an edit ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """A followed edit: the report, and the snapshot to store for the next run."""

    #: the report (None for a run that wants the findings only: see :func:`follow`)
    report: Any
    files: list[list[Any]]
    #: the payload :meth:`Snapshots.write` stores
    snapshot: bytes
    built: int
    #: every finding before the rule configuration (``spbe diff`` compares these)
    raw: list[Finding] = field(default_factory=list)


def follow(
    stored: Stored,
    recorded: list[list[Any]],
    root: Path,
    display: str,
    files: list[CatalogFile],
    digests: Mapping[str, tuple[int, str]],
    *,
    strict: bool = False,
    findings_only: bool = False,
    given: Mapping[str, ParsedFile] | None = None,
    spare_core: bool = False,
    now: list[list[Any]] | None = None,
) -> Outcome:
    """The report of ``root`` after an edit of a few files, from the snapshot of the last run.

    ``findings_only``: only :attr:`Outcome.raw` is wanted (``spbe diff`` stores nothing): no
    report, no snapshot (:attr:`Outcome.report` None, :attr:`Outcome.snapshot` empty).

    ``recorded``: the files of the last run, as its run record lists them. ``given``: the
    per-file stage of changed files the caller parsed already, by path as shown (their
    content is the one ``digests`` names): loaded as they are, not read from the cache again.
    ``spare_core``: a core is free for a forked child whatever the machine looks like now (the
    caller's parent waits for this process; see :func:`_rules_after`).
    ``now``: ``files`` as a run record lists them, when the caller made that list already
    (:attr:`spbe_cli.runrecord.Compared.now`: the same sizes and digests as ``digests``).

    Raises:
        CannotFollow: the edit needs a full run (see the module's docstring).
    """
    from spbe_cli.cachestate import open_cache
    from spbe_cli.checks import Claims, all_checks
    from spbe_cli.errors import Report
    from spbe_cli.loader import _Loader, complete_catalog
    from spbe_cli.runrecord import finding_json
    from spbe_cli.validate import configured

    if now is None:
        try:
            now = [[f.display, f.kind, *digests[f.display]] for f in files]
        except KeyError as exc:
            raise CannotFollow(f"{exc} was not read") from exc
    old_paths = [entry[0] for entry in recorded]
    require(len(stored.counts) == len(old_paths), "counts")
    old = _Layout(old_paths, stored.ids, stored.kinds, stored.counts)
    paths_now: list[str] = [f.display for f in files]
    same_order = paths_now == old_paths
    if same_order:
        changed_at = [j for j, (a, b) in enumerate(zip(now, recorded, strict=True)) if a != b]
        changed = [files[j] for j in changed_at]
        removed: list[str] = []
    else:
        listed = set(paths_now)
        # One dict look-up a file (tens of thousands when a file was added or removed).
        was = dict(zip(old_paths, recorded, strict=True))
        changed = [f for f, entry in zip(files, now, strict=True) if was.get(entry[0]) != entry]
        removed = [d for d in old_paths if d not in listed]
        if len(listed) != len(paths_now):
            raise CannotFollow("a file listed twice")
    paths = frozenset([f.display for f in changed] + removed)
    if not paths:
        raise CannotFollow("nothing changed but the record was not replayed")
    if len(paths) > max(1, MAX_CHANGED * len(files)):
        raise CannotFollow(f"{len(paths)} files changed")
    if stored.head.get("case") is not False or (not same_order and _case_clash(paths_now)):
        raise CannotFollow("two paths differ only in case")
    state = stored.state
    special = {d for d, entry in state.items() if entry[3]}
    if not special.isdisjoint(paths):
        raise CannotFollow("the metadata or a referensi declaration changed")
    cache = open_cache()
    loader = _Loader(root, display, cache, known=digests, given=given)
    loader.keep_ledger()
    loading = paths | special
    for file in files:
        if file.display in loading:
            loader.load_file(file)
    catalog = loader.catalog
    if catalog.rejected or catalog.name_refs:
        raise CannotFollow("a changed file has a refused document")
    assert loader.ledger is not None
    fresh: dict[str, list[Any]] = {}
    entity_ids = list(catalog.entities)
    for shown, start, end in loader.ledger:
        marks = list(zip(start, end, strict=True))
        if shown in paths and (marks[6][0] != marks[6][1] or marks[7][0] != marks[7][1]):
            raise CannotFollow(f"{shown} now holds the metadata or a referensi declaration")
        fresh[shown] = [
            entity_ids[marks[1][0] : marks[1][1]],
            sorted({id_key(i) for i in loader.touched[marks[2][0] : marks[2][1]]}),
            loader.findings[marks[0][0] : marks[0][1]],
            catalog.placeholders[marks[3][0] : marks[3][1]],
            shown in special,
        ]
    for file in changed:
        if file.display not in fresh or file.kind != "file":
            raise CannotFollow(f"{file.display} was not loaded")
    # Which of two declarations of one id wins depends on file order: not followed.
    declared_before = {d: _names_of(state, d, old.ids_in(d)) for d in paths}
    declared_now = {d: fresh[d][1] if d in fresh else [] for d in paths}
    delta: dict[str, int] = {}
    for names_of in declared_before.values():
        for name in names_of:
            delta[name] = delta.get(name, 0) - 1
    mine = set(delta)
    for names_of in declared_now.values():
        mine.update(names_of)
    for name in mine:
        if stored.names.get(name, 0) + delta.get(name, 0) > 0:
            raise CannotFollow(f"an id of a changed file ({name}) is also declared elsewhere")
    for names_of in declared_now.values():
        for name in names_of:
            delta[name] = delta.get(name, 0) + 1
    names: Any = stored.raw("names")
    if any(delta.values()):
        names = dict(stored.names)
        for name, step in delta.items():
            count = names.get(name, 0) + step
            if count > 0:
                names[name] = count
            else:
                names.pop(name, None)
    kind_names = list(stored.kind_names)
    kind_index = {kind: j for j, kind in enumerate(kind_names)}
    before: dict[str, list[Any]] = {}
    for d in paths:
        at = old.position(d)
        if at is None:
            continue
        first, last = old.starts[at], old.starts[at + 1]
        for entity_id, k in zip(old.ids[first:last], old.kinds[first:last], strict=True):
            before[entity_id] = [kind_names[k], d, {}]
    after: dict[str, list[Any]] = {}
    for d in paths:
        for entity_id in fresh[d][0] if d in fresh else ():
            kind = catalog.kinds[entity_id]
            entity, source = catalog.entities[entity_id], catalog.sources[entity_id]
            after[entity_id] = [kind, d, facts_of(kind, entity, source)]
            if kind not in kind_index:
                kind_index[kind] = len(kind_names)
                kind_names.append(kind)
    mine_fresh = {d: fresh[d] for d in paths if d in fresh}
    layout = _spliced(old, paths_now, same_order, mine_fresh, after, kind_index)
    kinds = dict(zip(layout.ids, map(kind_names.__getitem__, layout.kinds), strict=True))
    if len(kinds) != len(layout.ids):
        raise CannotFollow("an id declared in two files")
    loaded: dict[str, tuple[Any, Source]] = {}
    for entity_id, model in catalog.entities.items():
        loaded[entity_id] = (model, catalog.sources[entity_id])
    following = Following(root, display, kinds, layout, loaded, digests, cache)
    invalid = {i: k for i, k in stored.invalid.items() if id_key(i) not in mine}
    invalid.update(catalog.invalid)
    whole = _merged_catalog(catalog, following, invalid, len(files))
    complete_catalog(whole)
    placeholders: list[tuple[Location, str]] = []
    holders = {d for d, entry in state.items() if entry[2]} | {d for d in fresh if fresh[d][3]}
    for shown in paths_now:
        if shown in holders:
            if shown in paths:
                placeholders.extend(fresh[shown][3])
            else:
                placeholders.extend(stored.placeholders_in(shown))
    buckets = dict(stored.buckets)
    parts = _parts_after(stored, before, after, buckets)
    change = Change(whole, paths, before, after, following, stored, placeholders, parts)
    findings: list[Finding] = []
    for shown in paths:
        if shown in fresh:
            findings.extend(fresh[shown][2])
    for shown, entry in state.items():
        if shown not in paths and entry[1]:
            findings.extend(stored.findings_in(shown))
    findings.extend(stored.unplaced)
    per_rule = _rules_after(stored, change, len(files), spare_core)
    for found in per_rule:
        findings.extend(found)
    skipped = {p: s for p, s in stored.skipped.items() if p not in paths}
    skipped.update(catalog.skipped_findings)
    whole.skipped_findings = skipped
    raw = list(findings)
    if findings_only:
        return Outcome(None, now, b"", following.built, raw)
    claims = Claims(whole)
    findings, exceptions, _ = configured(root, display, whole, findings, claims)
    entities = len(kinds) + (1 if whole.metadata is not None else 0) + len(whole.referensi)
    report = Report(
        findings, files=len(files), entities=entities, strict=strict, exceptions=exceptions
    )
    new_state = {d: entry for d, entry in state.items() if d not in paths}
    for d in paths:
        if d in fresh:
            ids_, declared, found, held, is_special = fresh[d]
            kept_state = _file_state(
                ids_,
                declared,
                [finding_json(f) for f in found],
                [[_loc(loc), value] for loc, value in held],
                is_special,
            )
            if kept_state is not None:
                new_state[d] = kept_state
    sections: dict[str, Any] = {
        "ids": layout.ids,
        "kinds": layout.kinds,
        "counts": layout.counts,
        "names": names,
        "state": new_state,
        "rules": {
            check.__name__: [finding_json(f) for f in found]
            for check, found in zip(all_checks(), per_rule, strict=True)
        },
    }
    for name in sorted(set(stored.sections) | set(parts)):
        if name.startswith("facts:"):
            part = parts.get(name)
            sections[name] = part if part is not None else stored.raw(name)
    for name in stored.sections:
        if name.startswith("kept:"):
            sections[name] = stored.raw(name)
    for rule, kept_now in change.kept.items():
        for name, value in kept_now.items():
            if value is None:
                sections.pop(f"kept:{rule}:{name}", None)
            else:
                sections[f"kept:{rule}:{name}"] = value
    head = {
        **stored.head,
        "files": files_digest(now),
        "kind_names": kind_names,
        "buckets": buckets,
        "invalid": invalid,
        "skipped": [[p, c, _loc(first)] for p, (c, first) in skipped.items()],
    }
    head.pop("sections", None)
    return Outcome(report, now, _pack(head, sections), following.built, raw)


def _rules_after(
    stored: Stored, change: Change, size: int, spare_core: bool
) -> list[list[Finding]]:
    """Each rule's findings after ``change``, in the order of the rules, as run one by one.

    The form that says this edit gives it work enough (:attr:`Update.aside`: the look-alike
    pairing of a changed group, about half of a followed edit's rules) runs in a forked child
    while this process runs the other forms, when a core is free (:func:`core_idle` for
    ``size`` files, or ``spare_core``: the caller's parent blocks on this process meanwhile).
    The forms only read the change (what they build or read they cache, and what a form keeps
    for the snapshot it keeps under its own name; the form set aside keeps nothing), so the
    child's findings, sent back as plain data, are the ones a sequential run gives. A child
    that failed, died or sent something out of shape leaves the form to this process; one that
    could not follow the edit (:class:`CannotFollow`) stops the run as the form would here,
    and before any failure of a form that comes after it.

    Raises:
        CannotFollow: a rule has no incremental form, or a form cannot follow the edit.
    """
    from spbe_cli.checks import all_checks

    todo: list[tuple[Update, list[Finding]]] = []
    for check in all_checks():
        update = forms().get(check.__name__)
        kept = stored.rules.get(check.__name__)
        if update is None or kept is None:
            raise CannotFollow(f"{check.__name__} has no incremental form")
        todo.append((update, kept))
    child = _set_aside(todo, change, size, spare_core)
    if child is None:
        return [update.update(kept, change) for update, kept in todo]
    at, aside = child
    per_rule: list[list[Finding]] = []
    try:
        for j, (update, kept) in enumerate(todo):
            if j == at:
                per_rule.append([])
                continue
            try:
                per_rule.append(update.update(kept, change))
            except Exception:
                if j > at:
                    _sent_back(aside.result())  # its CannotFollow came first
                raise
        sent = _sent_back(aside.result())
    finally:
        aside.stop()
    update, kept = todo[at]
    per_rule[at] = sent if sent is not None else update.update(kept, change)
    return per_rule


def _set_aside(
    todo: list[tuple[Update, list[Finding]]], change: Change, size: int, spare_core: bool
) -> tuple[int, ForkedChild] | None:
    """The form of ``todo`` run in a forked child (its place, the child); None: no child."""
    from spbe_cli.parallel import ForkedChild, core_idle

    at = next((j for j, (u, _) in enumerate(todo) if u.aside is not None and u.aside(change)), -1)
    if at < 0 or not core_idle(size, spare=spare_core):
        return None
    update, kept = todo[at]

    def work() -> list[Any]:
        from spbe_cli.runrecord import finding_json

        try:
            return ["found", [finding_json(f) for f in update.update(kept, change)]]
        except CannotFollow as exc:
            return ["cannot", str(exc)]

    child = ForkedChild(work)
    return (at, child) if child.started else None


def _sent_back(sent: Any) -> list[Finding] | None:
    """The findings a form's child sent (:func:`_set_aside`); None: none, or out of shape.

    Raises:
        CannotFollow: the child could not follow the edit.
    """
    if type(sent) is not list or len(sent) != 2:
        return None
    what, value = sent
    if what == "cannot" and type(value) is str:
        raise CannotFollow(value)
    if what != "found":
        return None
    try:
        return _findings(value)
    except (TypeError, ValueError):  # a MalformedRecordError is a ValueError
        return None


def _case_clash(paths: list[str]) -> bool:
    """Tell whether two paths differ only in case (SPBE018: a full run)."""
    return len(set(map(str.casefold, paths))) != len(paths)


def _names_of(state: dict[str, list[Any]], display: str, ids: list[str]) -> list[str]:
    """The id skeletons one file declared (see :func:`_file_state`)."""
    entry = state.get(display)
    if entry is not None and entry[0] is not None:
        return list(entry[0])
    return _default_names(ids)


def _parts_after(
    stored: Stored,
    before: dict[str, list[Any]],
    after: dict[str, list[Any]],
    buckets: dict[str, int],
) -> dict[str, dict[str, Any]]:
    """Fill the facts of ``before`` from the snapshot; the sections of facts the edit changes.

    Only the sections holding a changed entity's facts (of its kind and bucket) are read; a
    section whose facts the edit leaves as they were is not in the result (written back as it
    was stored).
    """
    sections = stored.sections
    for entity_id, fact in before.items():
        where = _place(entity_id, fact[0], buckets)
        # Only the forms that keep facts of the kind have a section of it (a run of this code
        # wrote the snapshot: its key says so); the other forms' names are not looked up.
        for rule, _, _ in _readers(fact[0]):
            name = f"facts:{rule}:{where}"
            if name in sections:
                part = stored.part(name)
                if entity_id in part:
                    fact[2][rule] = part[entity_id]
    parts: dict[str, dict[str, Any]] = {}

    def part_of(name: str) -> dict[str, Any]:
        if name not in parts:
            parts[name] = dict(stored.part(name))
        return parts[name]

    def same(fact: list[Any], other: list[Any] | None, rule: str) -> bool:
        return (
            other is not None
            and other[0] == fact[0]
            and rule in other[2]
            and other[2][rule] == fact[2][rule]
        )

    for entity_id, fact in before.items():
        where = _place(entity_id, fact[0], buckets)
        for rule in fact[2]:
            if not same(fact, after.get(entity_id), rule):
                del part_of(f"facts:{rule}:{where}")[entity_id]
    for entity_id, fact in after.items():
        buckets.setdefault(fact[0], 1)
        where = _place(entity_id, fact[0], buckets)
        for rule, value in fact[2].items():
            if not same(fact, before.get(entity_id), rule):
                part_of(f"facts:{rule}:{where}")[entity_id] = value
    return parts


def _spliced(
    old: _Layout,
    paths_now: list[str],
    same_order: bool,
    fresh: dict[str, list[Any]],
    after: dict[str, list[Any]],
    kind_index: dict[str, int],
) -> _Layout:
    """The files' ids after the edit: the old lists with the changed files' parts replaced."""

    def new_kinds(display: str) -> list[int]:
        return [kind_index[after[i][0]] for i in fresh[display][0]] if display in fresh else []

    if same_order:
        # Each changed file's part replaced, the last first (the earlier ones do not move).
        ids, kinds, counts = list(old.ids), list(old.kinds), list(old.counts)
        starts = old.starts
        for at in sorted((old.position(d) for d in fresh), key=lambda a: -(a or 0)):
            assert at is not None
            display = paths_now[at]
            ids[starts[at] : starts[at + 1]] = fresh[display][0]
            kinds[starts[at] : starts[at + 1]] = new_kinds(display)
            counts[at] = len(fresh[display][0])
        return _Layout(paths_now, ids, kinds, counts)
    # The files that kept their place one after the other are copied as one run (a file added
    # or removed moves every later one: tens of thousands of files, a few runs).
    ids, kinds, counts = [], [], []
    starts = old.starts
    run_from = run_to = 0  # the run of old positions [run_from, run_to) not copied yet

    def copy_run() -> None:
        ids.extend(old.ids[starts[run_from] : starts[run_to]])
        kinds.extend(old.kinds[starts[run_from] : starts[run_to]])
        counts.extend(old.counts[run_from:run_to])

    positions = old.positions
    for display in paths_now:
        if display in fresh:
            copy_run()
            run_from = run_to
            mine = fresh[display][0]
            ids.extend(mine)
            kinds.extend(new_kinds(display))
            counts.append(len(mine))
            continue
        at = positions.get(display)
        if at is None:
            raise CannotFollow(f"{display} has no state")
        if at != run_to:
            copy_run()
            run_from = at
        run_to = at + 1
    copy_run()
    return _Layout(paths_now, ids, kinds, counts)


def _merged_catalog(
    loaded: Catalog, following: Following, invalid: dict[str, str], files: int
) -> Catalog:
    """The catalog after the edit: the metadata and declarations loaded, every entity lazy."""
    from spbe_cli.catalog import Catalog

    return Catalog.beside(
        loaded,
        entities=LazyTable(following, 0),
        kinds=following.kinds,
        sources=LazyTable(following, 1),
        referensi=loaded.referensi,
        invalid=invalid,
        placeholders=list(loaded.placeholders),
        files=files,
    )
