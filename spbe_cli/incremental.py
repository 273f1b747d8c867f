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
    from spbe_cli.runrecord import RunRecords

#: What the last run in this process did (for tests and ``SPBE_EXPLAIN_CACHE``): ``followed``
#: (an edit followed), ``full`` (with ``reason``), and how many unchanged files were built.
STATS: dict[str, Any] = {"followed": 0, "full": 0, "reason": "", "built": 0}

#: Bumped when the snapshot layout changes.
FORMAT = 1
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


def _loc(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column]


def build(key: str, files: list[list[Any]], capture: Capture, catalog: Catalog) -> dict[str, Any]:
    """The snapshot of a complete run as plain JSON values.

    Raises:
        CannotFollow: the run refused documents (such a catalog is always checked in full).
    """
    from spbe_cli.checks import all_checks
    from spbe_cli.runrecord import finding_json

    loader = capture.loader
    if loader is None or loader.ledger is None:
        raise CannotFollow("the load was not observed")
    if catalog.rejected or catalog.name_refs:
        raise CannotFollow("refused documents")
    listed = {entry[0] for entry in files}
    ids = list(catalog.entities)
    state: dict[str, list[Any]] = {}
    for display, before, after in loader.ledger:
        if display not in listed:
            raise CannotFollow(f"{display} loaded but not listed")
        found, entities, touched, placeholders, _, _, referensi, meta = zip(
            before, after, strict=True
        )
        state[display] = [
            ids[entities[0] : entities[1]],
            sorted({id_key(i) for i in loader.touched[touched[0] : touched[1]]}),
            [finding_json(f) for f in loader.findings[found[0] : found[1]]],
            [[_loc(loc), value] for loc, value in catalog.placeholders[slice(*placeholders)]],
            referensi[0] != referensi[1] or meta[0] != meta[1],
        ]
    if catalog.metadata_source is not None:
        state[catalog.metadata_source.path][4] = True
    rules = [check.__name__ for check in all_checks()]
    if len(capture.per_rule) != len(rules):
        raise CannotFollow("the rules' findings were not kept")
    return {
        "slot": key,
        "files": files_digest(files),
        "state": state,
        "facts": {
            entity_id: [
                catalog.kinds[entity_id],
                catalog.sources[entity_id].path,
                facts_of(catalog.kinds[entity_id], catalog.entities[entity_id]),
            ]
            for entity_id in ids
        },
        "invalid": dict(catalog.invalid),
        # SPBE107 (no metadata) is the catalog folder's own, in no file
        "unplaced": [finding_json(f) for f in loader.findings if f.location.path not in state],
        "skipped": [
            [path, count, _loc(first)] for path, (count, first) in catalog.skipped_findings.items()
        ],
        "rules": {
            name: [finding_json(f) for f in found]
            for name, found in zip(rules, capture.per_rule, strict=True)
        },
    }


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


def facts_of(kind: str, entity: Any) -> dict[str, Any]:
    """What the rules read of one entity when it is not their subject (see :data:`UPDATES`)."""
    readers = _BY_KIND.get(kind)
    if readers is None:
        readers = _BY_KIND[kind] = [
            (u.name, u.facts)
            for u in forms().values()
            if u.facts is not None and (u.kinds is None or kind in u.kinds)
        ]
    found: dict[str, Any] = {}
    for name, facts in readers:
        value = facts(kind, entity)
        if value is not None:
            found[name] = value
    return found


#: The forms that keep facts of each kind (see :func:`facts_of`).
_BY_KIND: dict[str, list[tuple[str, Callable[[str, Any], Any]]]] = {}


class Snapshots:
    """The snapshots of one cache folder, beside the run records (same folder, same rules)."""

    def __init__(self, records: RunRecords) -> None:
        self.records = records

    def path(self, key: str) -> str:
        """Where the snapshot of the record ``key`` is stored."""
        return f"{self.records.root}/{key}.snapshot"

    def _label(self, key: str) -> bytes:
        return b"%s %d %s" % (_MAGIC, FORMAT, key.encode())

    def write(self, key: str, payload: dict[str, Any]) -> bool:
        """Store a snapshot atomically; tell whether it was written."""
        import orjson

        from spbe_cli.cache import framed, write_atomic

        raw = orjson.dumps(payload)
        return write_atomic(self.path(key), framed(self._label(key), raw))

    def read(self, key: str, files: int) -> Stored | None:
        """The checked snapshot stored under ``key``, or None if absent or bad."""
        from spbe_cli.cache import read_framed

        payload = read_framed(self.path(key), files * _BYTES_PER_FILE + _MARGIN, self._label(key))
        if payload is None:
            return None
        import orjson

        try:
            return Stored.of(orjson.loads(payload), key)
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


@dataclass
class Stored:
    """A snapshot read back and checked (the findings of each file when asked for)."""

    data: dict[str, Any]
    #: :func:`files_digest` of the run's files (the run record holds the list)
    files: str
    state: dict[str, list[Any]]
    facts: dict[str, list[Any]]
    invalid: dict[str, str]
    unplaced: list[Finding]
    skipped: dict[str, tuple[int, Location]]
    rules: dict[str, list[Finding]]

    @classmethod
    def of(cls, data: Any, key: str) -> Stored:
        """Check a snapshot's values (raises :class:`~spbe_cli.runrecord.MalformedRecordError`)."""
        require(isinstance(data, dict) and data.get("slot") == key, "slot")
        files = text_value(data["files"])
        state = data["state"]
        # Cheap checks only: a value out of place further in stops the run (a full run, see
        # spbe_cli.validate._follow), and the frame's SHA-256 already rules out a torn file.
        require(isinstance(state, dict), "state")
        require(all(type(v) is list and len(v) == 5 for v in state.values()), "file state")
        facts = data["facts"]
        require(isinstance(facts, dict), "facts")
        # Cheap checks only: a value out of place further in stops the run (a full run).
        require(all(type(v) is list and len(v) == 3 for v in facts.values()), "facts")
        invalid = data["invalid"]
        require(
            isinstance(invalid, dict) and all(isinstance(v, str) for v in invalid.values()), "x"
        )
        rules = data["rules"]
        require(isinstance(rules, dict), "rules")
        skipped = {}
        for entry in data["skipped"]:
            require(isinstance(entry, list) and len(entry) == 3, "skipped")
            skipped[text_value(entry[0])] = (count_value(entry[1]), location_from_json(entry[2]))
        return cls(
            data,
            files,
            state,
            facts,
            invalid,
            _findings(data["unplaced"]),
            skipped,
            {text_value(name): _findings(found) for name, found in rules.items()},
        )

    def findings_in(self, display: str) -> list[Finding]:
        """The loading findings of one file."""
        entry = self.state.get(display)
        return _findings(entry[2]) if entry is not None and entry[2] else []

    def placeholders_in(self, display: str) -> list[tuple[Location, str]]:
        """The placeholders of one file."""
        entry = self.state.get(display)
        found = []
        for item in entry[3] if entry is not None else ():
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
    entity that is not its subject (None: nothing), kept in the snapshot per entity.
    """

    name: str
    update: Callable[[list[Finding], Change], list[Finding]]
    facts: Callable[[str, Any], Any] | None = None
    #: the kinds ``facts`` gives something for (None: every kind)
    kinds: frozenset[str] | None = None


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
    facts: Callable[[str, Any], Any] | None = None,
    kinds: Iterable[str] | None = None,
) -> Callable[[Updater], Updater]:
    """Register the function decorated as the incremental form of the rule ``name``.

    ``facts`` gives what the rule reads of an entity of one of ``kinds`` (None: of any kind).
    """

    def decorate(function: Updater) -> Updater:
        UPDATES[name] = Update(name, function, facts, None if kinds is None else frozenset(kinds))
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
        if entity_id not in self.owner.facts:
            return default
        return self.owner.entity(entity_id)[self.part]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.owner.facts

    def __iter__(self) -> Iterator[str]:
        return iter(self.owner.facts)

    def __len__(self) -> int:
        return len(self.owner.facts)


@dataclass
class Following:
    """One incremental run: what was stored, what changed, what is built."""

    root: Path
    display: str
    #: every entity's facts after the edit: ``[kind, file, {rule: facts}]``
    facts: dict[str, list[Any]]
    #: every file's ids after the edit
    ids_in: dict[str, list[str]]
    #: models and sources built so far
    loaded: dict[str, tuple[Any, Source]]
    #: file -> (size, SHA-256) of its content now
    digests: Mapping[str, tuple[int, str]]
    #: how many files were built on demand (for tests and SPBE_EXPLAIN_CACHE)
    built: int = 0

    def entity(self, entity_id: str) -> tuple[Any, Source]:
        """The model and source of one entity, built from its file's cache entry if need be."""
        found = self.loaded.get(entity_id)
        if found is not None:
            return found
        self._build_file(self.facts[entity_id][1])
        found = self.loaded.get(entity_id)
        if found is None:
            raise CannotFollow(f"{self.facts[entity_id][1]} no longer declares {entity_id}")
        return found

    def _build_file(self, display: str) -> None:
        """Build every entity of one unchanged file: from its cache entry, else from disk."""
        import hashlib

        from spbe_cli.cache import open_cache, parse_keyed
        from spbe_cli.files import CatalogFile, read_catalog_file
        from spbe_cli.loader import _Loader

        cache = open_cache()
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
        loader = _Loader(self.root, self.display, cache)
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


@dataclass
class Change:
    """An edit of a few files, as a rule's incremental form sees it."""

    #: the catalog after the edit: every id known, every entity built when looked up
    catalog: Catalog
    #: the files changed, added or removed (as shown)
    paths: frozenset[str]
    #: ids the changed files declared before, with their facts then
    before: dict[str, list[Any]]
    #: ids the changed files declare now, with their facts now
    after: dict[str, list[Any]]
    following: Following
    #: every placeholder of the catalog after the edit
    placeholders: list[tuple[Location, str]] = field(default_factory=list)

    @property
    def facts(self) -> dict[str, list[Any]]:
        """Every entity's facts after the edit."""
        return self.following.facts

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
        return sorted(i for path in paths for i in self.following.ids_in.get(path, ()))

    def view(self, subjects: list[str]) -> Catalog:
        """The catalog walking ``subjects`` only: see :class:`~spbe_cli.catalog.Focus`."""
        return Focus.of(self.catalog, subjects)


# -- following an edit ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """A followed edit: the report, and the snapshot to store for the next run."""

    report: Any
    files: list[list[Any]]
    snapshot: dict[str, Any]
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
) -> Outcome:
    """The report of ``root`` after an edit of a few files, from the snapshot of the last run.

    ``recorded``: the files of the last run, as its run record lists them.

    Raises:
        CannotFollow: the edit needs a full run (see the module's docstring).
    """
    from spbe_cli.cache import open_cache
    from spbe_cli.checks import Claims, all_checks
    from spbe_cli.errors import Report
    from spbe_cli.loader import _Loader, complete_catalog
    from spbe_cli.runrecord import finding_json
    from spbe_cli.validate import configured

    now = []
    for file in files:
        known = digests.get(file.display)
        if known is None or file.kind != "file":
            raise CannotFollow(f"{file.display} was not read")
        now.append([file.display, file.kind, known[0], known[1]])
    before = {entry[0]: entry for entry in recorded}
    changed = [f for f, entry in zip(files, now, strict=True) if before.get(f.display) != entry]
    listed = {f.display for f in files}
    removed = [d for d in before if d not in listed]
    paths = frozenset([f.display for f in changed] + removed)
    if not paths:
        raise CannotFollow("nothing changed but the record was not replayed")
    if len(paths) > max(1, MAX_CHANGED * len(files)):
        raise CannotFollow(f"{len(paths)} files changed")
    folded = {d.casefold() for d in listed}
    if len(folded) != len(listed):
        raise CannotFollow("two paths differ only in case")
    state = stored.state
    special = {d for d, entry in state.items() if entry[4]}
    if not special.isdisjoint(paths):
        raise CannotFollow("the metadata or a referensi declaration changed")
    cache = open_cache()
    loader = _Loader(root, display, cache, known=digests)
    loader.keep_ledger()
    for file in files:
        if file.display in paths or file.display in special:
            loader.load_file(file)
    catalog = loader.catalog
    if catalog.rejected or catalog.name_refs:
        raise CannotFollow("a changed file has a refused document")
    assert loader.ledger is not None
    fresh: dict[str, list[Any]] = {}
    ids = list(catalog.entities)
    for shown, start, end in loader.ledger:
        marks = list(zip(start, end, strict=True))
        if shown in paths and (marks[6][0] != marks[6][1] or marks[7][0] != marks[7][1]):
            raise CannotFollow(f"{shown} now holds the metadata or a referensi declaration")
        fresh[shown] = [
            ids[marks[1][0] : marks[1][1]],
            sorted({id_key(i) for i in loader.touched[marks[2][0] : marks[2][1]]}),
            loader.findings[marks[0][0] : marks[0][1]],
            catalog.placeholders[marks[3][0] : marks[3][1]],
            shown in special,
        ]
    # Which of two declarations of one id wins depends on file order: not followed.
    mine = {name for d in paths for name in (state.get(d, [[], []])[1])}
    mine |= {name for d in paths if d in fresh for name in fresh[d][1]}
    for shown, entry in state.items():
        if shown not in paths and not mine.isdisjoint(entry[1]):
            raise CannotFollow(f"an id of a changed file is also declared in {shown}")
    old_ids = {i for d in paths for i in (state.get(d, [[]])[0])}
    facts = {i: fact for i, fact in stored.facts.items() if i not in old_ids}
    ids_in = {d: list(entry[0]) for d, entry in state.items() if d not in paths}
    after: dict[str, list[Any]] = {}
    loaded: dict[str, tuple[Any, Source]] = {}
    for d in paths:
        if d not in fresh:
            continue
        ids_in[d] = fresh[d][0]
        for entity_id in fresh[d][0]:
            kind = catalog.kinds[entity_id]
            after[entity_id] = [kind, d, facts_of(kind, catalog.entities[entity_id])]
    facts.update(after)
    for entity_id, model in catalog.entities.items():
        loaded[entity_id] = (model, catalog.sources[entity_id])
    following = Following(root, display, facts, ids_in, loaded, digests)
    invalid = {i: k for i, k in stored.invalid.items() if id_key(i) not in mine}
    invalid.update(catalog.invalid)
    whole = _merged_catalog(catalog, following, invalid, len(files))
    complete_catalog(whole)
    placeholders: list[tuple[Location, str]] = []
    for shown in [f.display for f in files]:
        if shown in paths:
            placeholders.extend(fresh[shown][3])
        elif state[shown][3]:
            placeholders.extend(stored.placeholders_in(shown))
    change = Change(
        whole,
        paths,
        {i: stored.facts[i] for i in old_ids if i in stored.facts},
        after,
        following,
        placeholders,
    )
    findings: list[Finding] = []
    missing = [f.display for f in files if f.display not in paths and f.display not in state]
    if missing:
        raise CannotFollow(f"{missing[0]} has no state")
    for shown in [f.display for f in files]:
        if shown in paths:
            findings.extend(fresh[shown][2])
        else:
            findings.extend(stored.findings_in(shown))
    findings.extend(stored.unplaced)
    per_rule: list[list[Finding]] = []
    for check in all_checks():
        update = forms().get(check.__name__)
        old = stored.rules.get(check.__name__)
        if update is None or old is None:
            raise CannotFollow(f"{check.__name__} has no incremental form")
        per_rule.append(update.update(old, change))
    for found in per_rule:
        findings.extend(found)
    skipped = {p: s for p, s in stored.skipped.items() if p not in paths}
    skipped.update(catalog.skipped_findings)
    whole.skipped_findings = skipped
    claims = Claims(whole)
    raw = list(findings)
    findings, exceptions, _ = configured(root, display, whole, findings, claims)
    entities = len(facts) + (1 if whole.metadata is not None else 0) + len(whole.referensi)
    report = Report(
        findings, files=len(files), entities=entities, strict=strict, exceptions=exceptions
    )
    snapshot = dict(stored.data)
    snapshot["files"] = files_digest(now)
    new_state = {d: entry for d, entry in state.items() if d not in paths}
    for d in paths:
        if d in fresh:
            ids_, names, found, placeholders, is_special = fresh[d]
            new_state[d] = [
                ids_,
                names,
                [finding_json(f) for f in found],
                [[_loc(loc), value] for loc, value in placeholders],
                is_special,
            ]
    snapshot["state"] = new_state
    snapshot["facts"] = facts
    snapshot["invalid"] = invalid
    snapshot["skipped"] = [[p, c, _loc(first)] for p, (c, first) in skipped.items()]
    snapshot["rules"] = {
        check.__name__: [finding_json(f) for f in found]
        for check, found in zip(all_checks(), per_rule, strict=True)
    }
    return Outcome(report, now, snapshot, following.built, raw)


def _merged_catalog(
    loaded: Catalog, following: Following, invalid: dict[str, str], files: int
) -> Catalog:
    """The catalog after the edit: the metadata and declarations loaded, every entity lazy."""
    from spbe_cli.catalog import Catalog

    kinds = {i: fact[0] for i, fact in following.facts.items()}
    return Catalog(
        root=loaded.root,
        reference=loaded.reference,
        root_display=loaded.root_display,
        metadata=loaded.metadata,
        metadata_source=loaded.metadata_source,
        entities=LazyTable(following, 0),  # type: ignore[arg-type]
        kinds=kinds,
        sources=LazyTable(following, 1),  # type: ignore[arg-type]
        referensi=loaded.referensi,
        invalid=invalid,
        placeholders=list(loaded.placeholders),
        files=files,
    )
