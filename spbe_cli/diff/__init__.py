"""Semantic diff of two catalogs: ``Catalog@A, Catalog@B --diff--> ChangeSet``.

Each side is a :class:`~spbe_cli.gitsource.Snapshot` (a folder or a git revision) listing its
files with content ids. Without the findings delta, files whose content is the same on both
sides (same blob id, whatever the path) cannot hold a change and are never parsed; with it, such
a file is read, parsed and validated once for both sides (:class:`SharedLoad`). Each side is
loaded as far as it can be: a file that fails is listed as "cannot be compared", the rest is
compared entity by entity.
"""

from __future__ import annotations

import operator
import re
from codecs import BOM_UTF8
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from spbe_cli.catalog import Catalog, id_skeleton
from spbe_cli.diff.attention import ATTENTION_RULES, attention_for
from spbe_cli.diff.changeset import (
    Attention,
    Change,
    ChangeSet,
    ChangeType,
    FieldChange,
    FileStats,
    Record,
    Referrer,
    RuleLevel,
    SideInfo,
    Uncomparable,
    diff_records,
    records_of,
)
from spbe_cli.diff.findings import Milder
from spbe_cli.diff.prose import ProseChange, diff_prose
from spbe_cli.errors import Finding, Severity
from spbe_cli.gitsource import ID_LEAD, IdSearch, Snapshot, revision_files
from spbe_cli.loader import ValidationMemo
from spbe_cli.models import Metadata
from spbe_cli.parsing import ParsedFile

if TYPE_CHECKING:
    from spbe_cli.diff.base import Base
    from spbe_cli.links import FieldPath, Link
    from spbe_cli.parallel import ForkedChild, Parsed

#: Loader findings that say nothing about a partial load (metadata lives in an unchanged file)
#: or about a side without the catalog folder.
PARTIAL_LOAD_CODES = frozenset({"SPBE107"})
#: Where the metadata is looked for when its file was not read (``--no-findings``).
METADATA_FILES = ("metadata.yaml", "metadata.yml")


def changed_files(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], list[str]]:
    """The files of each side that may hold a change.

    A file is skipped when a file with the same content id is on the other side: at the same
    path, or at another path (a moved or renamed file). Each content id pairs as many files as
    both sides have of it, so a copy of a file is still read.
    """
    old_left = sorted(p for p, oid in old.items() if new.get(p) != oid)
    new_left = sorted(p for p, oid in new.items() if old.get(p) != oid)
    pairs = Counter(old[p] for p in old_left) & Counter(new[p] for p in new_left)
    if not pairs:
        return old_left, new_left
    return _unpaired(old_left, old, pairs.copy()), _unpaired(new_left, new, pairs.copy())


def _unpaired(paths: list[str], ids: dict[str, str], pairs: Counter[str]) -> list[str]:
    result = []
    for path in paths:
        oid = ids[path]
        if pairs[oid] > 0:
            pairs[oid] -= 1
        else:
            result.append(path)
    return result


@dataclass
class LoadedSide:
    """One side loaded as far as it can be: its catalog, and what failed to load."""

    snapshot: Snapshot
    catalog: Catalog
    #: Every finding of loading the files read (warnings and errors).
    findings: list[Finding]
    #: Files read (relative to the catalog folder) that have a load error.
    broken: dict[str, list[Finding]]
    #: Display path -> path relative to the catalog folder, for the files read.
    rels: dict[str, str]
    #: Exceptions of the side's rule configuration in force (when findings are compared).
    exceptions: list[Any] = field(default_factory=list)

    def rel(self, record: Record) -> str | None:
        """The catalog-relative file of a record of this side."""
        return self.rels.get(record.source.path) if record.source is not None else None

    def rejected_in(self, entity_id: str) -> str | None:
        """The catalog-relative file of this side that rejected the entity ``entity_id``."""
        for rejected in self.catalog.rejected:
            if rejected.id == entity_id:
                return self.rels.get(rejected.location.path)
        return None

    def rejects_in(self, entity_id: str, rel: str | None) -> bool:
        """Whether the broken file ``rel`` of this side rejected a document of ``entity_id``.

        Also a second document of an id this side has loaded (SPBE104, the id used twice).
        """
        return rel in self.broken and any(
            rejected.id == entity_id and self.rels.get(rejected.location.path) == rel
            for rejected in self.catalog.rejected
        )


@dataclass
class SharedLoad:
    """What both sides of a diff share: each file content is parsed and validated once.

    The per-file stage (:mod:`spbe_cli.parsing`) and the schema outcome of each document depend
    on the content alone, not on the path or the side, so a file whose content id is on both
    sides (at any path) is read and parsed once and its documents validated once; each side
    then replays it under its own paths, so every position and finding is the side's own.
    """

    parsed: dict[str, ParsedFile] = field(default_factory=dict)
    validated: ValidationMemo = field(default_factory=dict)
    #: content ids the workers parse for the side being loaded (see :meth:`_parsed_ahead`)
    ahead: set[str] = field(default_factory=set)

    def clear(self) -> None:
        """Let go of the files parsed and the documents validated."""
        self.parsed.clear()
        self.validated.clear()

    def entries(
        self, snapshot: Snapshot, rels: Sequence[str], given: SideFiles | None = None
    ) -> tuple[Iterator[tuple[str, bytes | ParsedFile]], list[Finding]]:
        """``(display path, parsed file or raw bytes)`` of the given files, read once per id.

        The files not parsed yet are read now (unless ``given`` has them read already); they
        are parsed as the loader asks for them, so that parsing runs inside the loader's pause
        of the garbage collector.
        """
        if given is None:
            given = read_files(
                snapshot, [rel for rel in rels if snapshot.files[rel] not in self.parsed]
            )
        # A copy: the caller adds the loading's findings, and a side may be loaded again.
        return self._parse(snapshot, rels, given), list(given.findings)

    def _parse(
        self, snapshot: Snapshot, rels: Sequence[str], given: SideFiles
    ) -> Iterator[tuple[str, bytes | ParsedFile]]:
        from spbe_cli.cachestate import open_cache, parse_cached
        from spbe_cli.loader import MAX_FILE_BYTES

        cache = open_cache() if given.raw else None
        ahead = self._parsed_ahead(snapshot, rels, given)
        try:
            for rel in rels:
                display = snapshot.display(rel)
                documents = given.documents.get(rel)
                if documents is not None:
                    yield display, documents  # the documents of a changed file that may differ
                    continue
                oid = snapshot.files[rel]
                parsed = self.parsed.get(oid)
                if parsed is None:
                    content = given.raw.get(rel)
                    if content is None:
                        continue  # unreadable: the reader reported it
                    if len(content) > MAX_FILE_BYTES:
                        yield display, content  # the loader reports it (SPBE008)
                        continue
                    done = next(ahead, None) if oid in self.ahead else None
                    parsed = done[2] if done is not None else parse_cached(cache, content)
                    self.parsed[oid] = parsed
                yield display, parsed
        finally:
            ahead.close()  # the workers end, and the parse's shared state is cleared
            self.ahead = set()

    def _parsed_ahead(
        self, snapshot: Snapshot, rels: Sequence[str], given: SideFiles
    ) -> Generator[Parsed | None, None, None]:
        """Parse results of the contents ``_parse`` will parse, in its order, from workers.

        A whole side to parse (the first side of a diff with findings) is most of the run, and
        each content is parsed on its own: on a large catalog with a core idle the workers of
        :mod:`spbe_cli.parallel` parse them as they do for ``spbe validate``. None for a
        content to parse here; nothing at all when no worker is started.
        """
        from spbe_cli.loader import MAX_FILE_BYTES
        from spbe_cli.parallel import parse_contents_in_workers, worker_count

        todo: dict[str, bytes] = {}
        for rel in rels:
            oid = snapshot.files[rel]
            content = given.raw.get(rel)
            if (
                rel not in given.documents
                and oid not in self.parsed
                and oid not in todo
                and content is not None
                and len(content) <= MAX_FILE_BYTES
            ):
                todo[oid] = content
        workers = worker_count(len(todo))
        self.ahead = set(todo) if workers else set()
        return parse_contents_in_workers(list(todo.values()), workers) if workers else _nothing()


def _nothing() -> Generator[Parsed | None, None, None]:
    yield from ()


@dataclass
class SideFiles:
    """Files of one side read ahead: their bytes, the findings of reading, skipped documents."""

    raw: dict[str, bytes]
    findings: list[Finding]
    #: A changed file -> its documents that may hold a change (the others are on both sides).
    documents: dict[str, ParsedFile] = field(default_factory=dict)
    #: The search of the unchanged files for the ids one side's changed files declare and the
    #: other's do not, started as they are read (:func:`read_changed_documents`).
    search: IdSearch | None = None


def read_files(snapshot: Snapshot, rels: Sequence[str]) -> SideFiles:
    """Read the given files of one side."""
    data, findings = snapshot.read(rels)
    rel_of = {snapshot.display(rel): rel for rel in rels}
    return SideFiles({rel_of[display]: content for display, content in data}, findings)


def read_changed_documents(
    old: Snapshot,
    old_rels: Sequence[str],
    new: Snapshot,
    new_rels: Sequence[str],
    new_read: SideFiles | None = None,
) -> tuple[SideFiles, SideFiles]:
    """Read the changed files of both sides, and leave out the documents both sides have.

    A git side starts looking for the unchanged files that declare an id only one side's
    changed files declare (:func:`with_twins` takes its answer), beside the loading of both.
    ``new_read``: the new side's files ``new_rels`` read already (:func:`_prime`).
    """
    from spbe_cli.diff.documents import unchanged_documents
    from spbe_cli.loader import MAX_FILE_BYTES
    from spbe_cli.parallel import MIN_FILES
    from spbe_cli.yamlio import decode

    sides = read_files(old, old_rels), new_read or read_files(new, new_rels)
    # While a core parses both sides' changed files, another has the time to search: not when
    # there are so many that the loading takes the cores itself (spbe_cli.parallel).
    if new.finder is not None and max(len(old_rels), len(new_rels)) < MIN_FILES:
        ids = [{i for data in side.raw.values() for i in declared_ids(data)} for side in sides]
        words = sorted({id_skeleton(i) for i in ids[0] ^ ids[1]})
        sides[1].search = new.finder(words) if words else None
    texts = []
    for side in sides:
        decoded = {}
        for rel, data in side.raw.items():
            text = decode(data)[0] if len(data) <= MAX_FILE_BYTES else None
            if text is not None:
                decoded[rel] = text
        texts.append(decoded)
    old_docs, new_docs = unchanged_documents(texts[0], texts[1])
    for side, documents in zip(sides, (old_docs, new_docs), strict=True):
        side.documents = {rel: parsed for rel, parsed in documents.items() if parsed is not None}
    return sides


#: A document's id, written at the start of a line (``id: APP-01``, its value quoted or not).
#: (Searched as ``\nid``, a literal the regular expression engine looks for fast: a national
#: catalog's unchanged files are searched; the file's first line is matched on its own.)
_ID_VALUE = rb"""([^\s"'#,\[\]{}]+)"""
_ID_LINE = re.compile(rb"\n" + ID_LEAD + _ID_VALUE)
_FIRST_ID_LINE = re.compile(ID_LEAD + _ID_VALUE)
#: Unchanged files searched for ids at a time (their bytes are let go after each batch).
_TWIN_BATCH = 2000


def declared_ids(data: bytes) -> list[str]:
    """The ids a YAML file declares at the start of a line, as written.

    The first line may start with a BOM (the loader drops it). The loader tells ids apart by
    their :func:`~spbe_cli.catalog.id_skeleton` (case, look-alike letters).
    """
    first = _FIRST_ID_LINE.match(data, len(BOM_UTF8) if data.startswith(BOM_UTF8) else 0)
    found = [first.group(1)] if first is not None else []
    found += [matched.group(1) for matched in _ID_LINE.finditer(data)]
    return [token.decode("utf-8", "surrogateescape") for token in found]


def declaring(files: Sequence[tuple[str, bytes]], skeletons: set[str]) -> set[str]:
    """The files (by shown path) declaring an id one of ``skeletons`` stands for.

    What ``any(id_skeleton(i) in skeletons for i in declared_ids(data))`` tells of each file,
    with one search over the files joined by newlines instead of two per file (the twins'
    search reads every unchanged file of a national catalog: tens of thousands). The value of
    an id line stops at whitespace, so no line found spans two files, and each file's first
    line follows the newline put before it; a file starting with a BOM is read on its own.
    """
    from bisect import bisect_right

    found: set[str] = set()
    plain = [(shown, data) for shown, data in files if not data.startswith(BOM_UTF8)]
    for shown, data in files:
        if data.startswith(BOM_UTF8) and any(
            id_skeleton(declared) in skeletons for declared in declared_ids(data)
        ):
            found.add(shown)
    starts: list[int] = []
    at = 1
    for _, data in plain:
        starts.append(at)
        at += len(data) + 1
    # An id of ASCII letters stands for its lower case (id_skeleton's case folding), compared
    # as bytes; any other is decoded and folded as declared_ids and id_skeleton do.
    ascii_skeletons = {s.encode() for s in skeletons if s.isascii()}
    joined = b"\n" + b"\n".join(data for _, data in plain)
    for matched in _ID_LINE.finditer(joined):
        token = matched.group(1)
        if token.isascii():
            if token.lower() not in ascii_skeletons:
                continue
        elif id_skeleton(token.decode("utf-8", "surrogateescape")) not in skeletons:
            continue
        # The line starts after the newline matched: in the file starting at or before it.
        found.add(plain[bisect_right(starts, matched.start() + 1) - 1][0])
    return found


def with_twins(
    old: Snapshot,
    new: Snapshot,
    old_rels: list[str],
    new_rels: list[str],
    read: tuple[SideFiles, SideFiles],
    before: LoadedSide,
    after: LoadedSide,
) -> tuple[list[str], list[str]] | None:
    """The changed files of each side with the unchanged files declaring an id only one side has.

    ``--no-findings`` reads only the files that differ. A pull request adding a second
    ``APP-01`` in a new file read after the one that has it read "APP-01 added": the loader
    keeps the first in file order and rejects the newcomer (SPBE104), but the first was not
    read. Each id the changed files of one side declare and those of the other do not (an
    entity added, removed or renamed, as read) is looked for in the unchanged files as the
    loader tells ids apart (in any case, with look-alike letters:
    :func:`~spbe_cli.catalog.id_skeleton`); those declaring one are read on both sides too
    (their bytes are added to ``read``), so that the id is told apart as the whole catalog
    tells it, as without ``--no-findings``. None when there is none (nothing to read again).
    The search reads the unchanged files only when the change adds, removes or renames an id
    (about a tenth of a second for each thousand files; of a git side only those ``git grep``
    finds a line declaring one in, a search :func:`read_changed_documents` started as the
    loading began); none is parsed but those found.
    """
    ids = {id_skeleton(i) for i in _declared(before.catalog) ^ _declared(after.catalog)}
    search, read[1].search = read[1].search, None
    if search is not None and not (ids and ids <= search.words):
        search.stop()  # not needed, or for other ids than the loaded sides declare
        search = None
    if not ids:
        return None
    if search is None and new.finder is not None:
        search = new.finder(sorted(ids))
    changed = set(new_rels)
    unchanged = sorted(rel for rel in new.files if rel not in changed)
    # A git side says which files declare the ids at all (git grep, far cheaper than reading
    # every blob here); only those are read and searched as below.
    holding = search.result() if search is not None else None
    if holding is not None:
        unchanged = [rel for rel in unchanged if rel in holding]
    hits: set[str] = set()
    for start in range(0, len(unchanged), _TWIN_BATCH):
        part = unchanged[start : start + _TWIN_BATCH]
        data, _ = new.read(part)
        rel_of = {new.display(rel): rel for rel in part}
        hits |= {new.files[rel_of[shown]] for shown in declaring(data, ids)}
    if not hits:
        return None
    sides = []
    for snapshot, rels, given in ((old, old_rels, read[0]), (new, new_rels, read[1])):
        have = set(rels)
        extra = [rel for rel, oid in snapshot.files.items() if oid in hits and rel not in have]
        given.raw.update(read_files(snapshot, extra).raw)
        sides.append(sorted([*rels, *extra]))
    return sides[0], sides[1]


def _declared(catalog: Catalog) -> set[str]:
    """Every entity id a loaded side declares: loaded, failing the schema, or rejected."""
    return {*catalog.entities, *catalog.invalid, *(r.id for r in catalog.rejected if r.id)}


def load_side(
    snapshot: Snapshot,
    rels: Sequence[str],
    shared: SharedLoad | None = None,
    given: SideFiles | None = None,
) -> LoadedSide:
    """Load the given files of one side; a file that fails is recorded, not fatal."""
    from spbe_cli.loader import load_files

    shared = shared if shared is not None else SharedLoad()
    data, findings = shared.entries(snapshot, rels, given)
    catalog, loaded = load_files(
        snapshot.root, data, snapshot.display_root, validated=shared.validated
    )
    revision_files(snapshot, catalog)
    findings.extend(loaded)
    partial = len(rels) < len(snapshot.files) or (given is not None and given.documents)
    if snapshot.missing or partial:
        findings = [f for f in findings if f.code not in PARTIAL_LOAD_CODES]
    paths = {snapshot.display(rel): rel for rel in rels}
    broken: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        rel = paths.get(finding.location.path)
        # Only a file that was read can fail to load; SPBE107 (no metadata) names the folder.
        if finding.severity is Severity.ERROR and rel is not None:
            broken.setdefault(rel, []).append(finding)
    return LoadedSide(snapshot, catalog, findings, broken, paths)


def side_info(snapshot: Snapshot) -> SideInfo:
    """How a snapshot is described in the output."""
    return SideInfo(
        snapshot.label, snapshot.kind, snapshot.revision, snapshot.path, snapshot.missing
    )


def diff_catalogs(
    old: Catalog, new: Catalog, old_info: SideInfo, new_info: SideInfo, *, attention: bool = True
) -> ChangeSet:
    """Compare two loaded catalogs (whole or partial) entity by entity.

    Without ``attention`` the attention rules are left to the caller (which sets changes
    aside first, and runs them once on what is left).
    """
    changes, unchanged = diff_records(records_of(old), records_of(new))
    return ChangeSet(
        old=old_info,
        new=new_info,
        changes=changes,
        attention=attention_for(changes) if attention else [],
        unchanged=unchanged,
    )


def diff_snapshots(
    old: Snapshot,
    new: Snapshot,
    *,
    skip_unchanged: bool = True,
    fail_on_change: bool = False,
    findings: bool = True,
    referrers: bool = True,
) -> ChangeSet:
    """Compare two sides, each loaded as far as it can be.

    Without ``findings`` only the files whose content differs are parsed. With ``findings``
    both sides are loaded whole and validated, so that the findings the change introduces and
    fixes can be listed; when the cache holds the last ``spbe validate`` run of the old side's
    very files (:mod:`spbe_cli.diff.base`), the old side's findings are that run's, and only
    its changed files are read (the same change set, byte for byte). A file that does not load
    on one side is listed as "cannot be compared" with its errors; the entities in it are
    neither removed nor added.
    ``fail_on_change`` (``--exit-code``) makes a change set with changes end the run with 1.
    With ``referrers`` each id now naming another entity (SPBE711) lists the references to it
    the change left as they were (the whole new side is read for it, also without findings).
    """
    base: Base | None = None
    ahead: ForkedChild | None = None
    rels: tuple[list[str], list[str]] | None = None
    primed: SideFiles | None = None
    if findings and skip_unchanged:
        rels = changed_files(old.files, new.files)
        ahead = _follow_ahead(old, new, len(rels[0]) + len(rels[1]))  # see its docstring
        primed = _prime(new, rels[1]) if ahead is not None else None
        base = _base_of(old)
        if base is None and ahead is not None:
            ahead.stop()
            ahead = None
    if base is not None:
        from_base = _compare(
            old, new, skip_unchanged, findings, referrers, base, ahead, rels, primed
        )
        if from_base is not None:
            from spbe_cli.diff.base import STATS

            STATS["used"] += 1
            from_base.fail_on_change = fail_on_change
            return from_base
    result = _compare(old, new, skip_unchanged, findings, referrers, None)
    assert result is not None  # only a run from a base gives up
    result.fail_on_change = fail_on_change
    return result


def look_ahead(old: Snapshot) -> None:
    """Look for the old side's base run now, for the diff to take (:func:`_base_of`).

    While a child reads the new folder (:func:`spbe_cli.gitsource.folder_snapshots`), this
    process would wait: the base is found then, not on the critical path after the reading
    (where the child following the new side also looked for it before following).
    """
    old.base_found[:] = [_base_of(old)]


def _base_of(old: Snapshot) -> Base | None:
    """The last run of the old side's files, when the cache holds one (see ``diff.base``).

    One found ahead (:func:`look_ahead`) is taken, once: a base is released after use.
    """
    from spbe_cli.diff.base import find_base

    if old.base_found:
        return cast("Base | None", old.base_found.pop())

    try:
        return find_base(old)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None  # a cache file out of shape: the diff runs in full


def _compare(
    old: Snapshot,
    new: Snapshot,
    skip_unchanged: bool,
    findings: bool,
    referrers: bool,
    base: Base | None,
    ahead: ForkedChild | None = None,
    rels: tuple[list[str], list[str]] | None = None,
    new_read: SideFiles | None = None,
) -> ChangeSet | None:
    """:func:`diff_snapshots`; from ``base`` (None: the run from the base gives up).

    ``ahead``: the child following the new side from the base (:func:`_follow_ahead`);
    ``rels``: the :func:`changed_files` of the sides, when they are known already;
    ``new_read``: the new side's changed files read already (:func:`_prime`).
    """
    children: list[ForkedChild] = [ahead] if ahead is not None else []
    try:
        return _compare_sides(
            old, new, skip_unchanged, findings, referrers, base, children, rels, new_read
        )
    finally:
        for child in children:
            child.stop()  # a run that failed or gave up before it took the child's answer


def _compare_sides(
    old: Snapshot,
    new: Snapshot,
    skip_unchanged: bool,
    findings: bool,
    referrers: bool,
    base: Base | None,
    children: list[ForkedChild],
    rels: tuple[list[str], list[str]] | None = None,
    new_read: SideFiles | None = None,
) -> ChangeSet | None:
    """:func:`_compare`; the caller stops ``children`` unless their answer was taken.

    The first of ``children``, if any, follows the new side (:func:`_follow_ahead`).
    """
    shared = SharedLoad()
    whole_new: LoadedSide | None = None
    ahead = children[0] if children else None
    if skip_unchanged and (not findings or base is not None):
        old_rels, new_rels = rels if rels is not None else changed_files(old.files, new.files)
        old_files, new_files = read_changed_documents(old, old_rels, new, new_rels, new_read)
        before = load_side(old, old_rels, shared, old_files)
        after = load_side(new, new_rels, shared, new_files)
        twins = with_twins(old, new, old_rels, new_rels, (old_files, new_files), before, after)
        if twins is not None:  # read again with the unchanged files that declare one of its ids
            old_rels, new_rels = twins
            before = load_side(old, old_rels, shared, old_files)
            after = load_side(new, new_rels, shared, new_files)
    else:
        old_rels, new_rels = sorted(old.files), sorted(new.files)
        before, after = load_side(old, old_rels, shared), load_side(new, new_rels, shared)
    # Both sides are loaded: the plain values and the memo are no longer needed, but by the
    # findings' delta from a base, which loads again the files holding findings (most of them
    # changed files, read already: not parsed nor validated twice).
    if base is None or not findings:
        shared.clear()
    result = diff_catalogs(
        before.catalog, after.catalog, side_info(old), side_info(new), attention=False
    )
    result.changes, result.uncomparable = _set_aside(result.changes, before, after)
    result.attention = attention_for(result.changes)
    # The prose first: it needs neither side's findings (and runs while a child follows).
    old_meta, new_meta = _prose_maps(result.uncomparable, before, after)
    result.prose = diff_prose(old, new, old_meta, new_meta)
    named = old_meta or new_meta
    result.pemda = str(named.pemda.nama) if named is not None else ""
    followed: list[Finding] | None = None
    old_part: _OldPart | None = None
    if base is not None:
        from spbe_cli.diff.base import follow_side

        if _config_exceptions(old, new):
            return None  # an exception is matched by entity: the old side whole is needed
        changed = len(old_rels) + len(new_rels)
        follow = _followable(result, changed, max(len(old.files), len(new.files)))
        if ahead is not None and not follow:
            ahead.stop()
        if follow and ahead is None:
            followed = follow_side(base, old, new, new_files.raw)
        old_raw = base.findings(old.display_root)  # (while the child follows, if one does)
        if old_raw is None:
            return None  # (a child still following is stopped on the way out)
        old_part = _old_part(before, old_raw, new) if findings else None
        if follow and ahead is not None:
            followed = _followed(ahead, base, old, new, new_files.raw)
        base.release()  # the run's snapshot is large: not kept while the new side loads
        if followed is None:
            shared.clear()  # not kept while the new side loads whole
            whole_new = load_side(new, sorted(new.files), SharedLoad())
            if _declared_twice(whole_new.catalog):
                return None  # see _delta_from_base
    if referrers and any(a.code == "SPBE711" for a in result.attention):
        whole = after
        if whole_new is not None:
            whole = whole_new
        elif len(new_rels) < len(new.files):  # unchanged files hold references too
            whole = load_side(new, sorted(new.files), SharedLoad())
        result.attention = with_referrers(
            result.attention, before.catalog, whole.catalog, result.renames()
        )
    new_raw: list[Finding] | None = None
    if findings:
        renamed = result.renames()
        # An entity removed while its id went to another: its findings are its own, not the
        # newcomer's (the finding of a deleted program read as fixed on the one renumbered).
        reused = {c.id for c in result.changes if c.replaces is not None}
        renamed |= {
            c.id: f"{c.id}\0removed"
            for c in result.changes
            if c.change is ChangeType.REMOVED and c.id in reused
        }
        # The old entities a broken new file hides: their findings are not fixed, only unknown.
        hidden = {i for e in result.uncomparable if e.side == "new" for i in e.ids}
        if base is not None:
            found = _delta_from_base(
                before, after, whole_new, followed, old_part, renamed, hidden, shared
            )
            if found is None:
                return None
        else:
            found = _findings_delta(before, after, renamed, hidden)
        result.introduced, result.fixed, result.milder, new_raw = found
        result.exceptions, result.exceptions_removed, result.exception_reasons = _exceptions(
            before.exceptions, after.exceptions, result.renames()
        )
        result.findings_compared = True
        # Every file is read (or, from the base, known) with the findings compared.
        old_rels, new_rels = sorted(old.files), sorted(new.files)
    else:
        # Without the rules' run nothing is matched, but an exception added or dropped in
        # .spbe.yaml is still a change to review (it read "no changes", exit 0), and so is the
        # file broken or repaired: its own problems (SPBE021) need no rule run.
        (old_config, old_problems), (new_config, new_problems) = (
            _rule_config(old),
            _rule_config(new),
        )
        result.exceptions, result.exceptions_removed, result.exception_reasons = _exceptions(
            old_config.exceptions, new_config.exceptions, result.renames()
        )
        result.introduced, result.fixed, _ = _config_delta(
            old_problems, new_problems, before, after
        )
    result.rule_levels = _rule_levels(old, new, new_raw)
    result.files = FileStats(len(old.files), len(new.files), len(old_rels), len(new_rels))
    return result


#: Above this share of the files changed, the new side is checked whole rather than followed. The
#: changed files of both sides are counted: an edit of n files counts 2n. Measured on the national
#: bench catalog (48,652 files), the 1 % revision (524 files edited, added or removed: 1,048
#: counted), CPU seconds, the new side followed against checked whole, same minutes, session 13,
#: with the look-alike groups paired on kept facts (no member built): ``spbe diff base changed``
#: (git) 6.8-7.9 s against 12.2-13.0 s; two folders 11.7 s against 12.7 s (reading every file of
#: both folders for their blob ids is the rest); a followed ``spbe validate`` of the revision
#: 5.6-5.8 s (10.3 s before). Most of a followed run is fixed (every look-alike group and each rule
#: on facts runs again once ids come and go), about 7 ms a changed file more: following pays (by
#: that, not measured) up to some 3 % of the files edited; 4 % counted (2 % edited) keeps a margin.
#: Before the groups were paired on facts, following the 1 % revision took about twice the CPU of
#: the whole check, and the gate was 0.2 % counted (0.1 % edited).
MAX_FOLLOWED = 0.04
#: ... but a change of this many files is always followed (a small catalog).
MIN_FOLLOWED = 10


def _followable(result: ChangeSet, changed: int, files: int) -> bool:
    """Tell whether the incremental engine should follow the change, as far as it is known.

    Not a change of many files (``changed`` of ``files``, see :data:`MAX_FOLLOWED`), nor one
    with a file that does not load on one side (a refused document, which the engine never
    follows): the new side is then checked whole without trying.
    """
    most = max(MIN_FOLLOWED, MAX_FOLLOWED * files)
    return not result.uncomparable and changed <= most


def _follow_ahead(old: Snapshot, new: Snapshot, changed: int) -> ForkedChild | None:
    """The new side followed from the base's run in a forked child, started as soon as can be.

    The engine's follow is most of a diff from a base and runs on one core: with a core idle,
    a child finds the base (:func:`_base_of`, as this process does meanwhile) and follows the
    new side, reading the files it needs itself, while this process reads the base, loads and
    compares both sides' changed files, reads the base's findings and searches for twins. The
    follow is the longer side: started before the base is read here (and before the changed
    files are read), it ends that much sooner. Started only when the change may be followed
    as far as is known now (the files that differ, ``changed``, counted before the twins are
    added, are no more than :func:`_followable` lets through, and no rule exception); the
    caller stops it when there is no base or the whole comparison says otherwise, and follows
    here when the child's base is not its own (:func:`_followed`). None: no child.

    Measured (session 15, national bench, two folders 1 %, ``SPBE_WORKERS=2``, a loaded
    machine): this process 2.1-2.7 s CPU where it took 7.0-8.6 s, the child's follow 4.5 s CPU
    (1,940 findings sent back; all CPU 7.6-8.6 s against 7.0-7.9 s, git 6.4-8.2 against
    7.0-7.5: copy on write within the noise); this process's share beside the child (loading,
    comparing, twins, the base's findings: about 0.7 s) is what a quiet two-core machine saves
    on the clock (walls on the loaded machine were 2-3x noisy). Session 16 (git scene,
    ``SPBE_WORKERS=2``, a loaded machine, CPU seconds): the child starts at 0.34-0.49 s of this
    process's where it started at 0.56-0.74 (after reading the base and the changed files), and
    finds the base itself in 0.18-0.24: the critical path (this process until the child starts,
    the child, this process after its answer) 2.6-3.0 s against 2.7-3.7.
    """
    from spbe_cli.diff.base import may_have_base
    from spbe_cli.parallel import ForkedChild, core_idle

    files = max(len(old.files), len(new.files))
    if not may_have_base(old) or changed > max(MIN_FOLLOWED, MAX_FOLLOWED * files):
        return None
    if not core_idle(files):
        return None
    if _config_exceptions(old, new):
        return None
    child = ForkedChild(lambda: _follow_plain(old, new))
    return child if child.started else None


def _prime(new: Snapshot, rels: list[str]) -> SideFiles:
    """Read the new side's changed files ``rels``; write their cache entries, the last first.

    The child following the new side (:func:`_follow_ahead`) finds the base, then parses each
    file the base does not have into the cache, in the side's order, and the engine loads them
    from there; this process meanwhile has its own copy of the base to find. Parsed here first,
    from the last file back, those files are entries the child reads (the files it meets
    before this process has reached them, it parses itself; both may parse the file where they
    meet, and the first entry written is kept): the child's share of the critical path
    shrinks by the parsing that moved here.
    """
    from spbe_cli.cachestate import open_cache, parse_cached
    from spbe_cli.loader import MAX_FILE_BYTES

    read = read_files(new, rels)
    cache = open_cache()
    if cache is None:
        return read
    wanted = set(rels)
    for rel in reversed([rel for rel in new.files if rel in wanted]):  # the child's order
        content = read.raw.get(rel)
        if content is not None and len(content) <= MAX_FILE_BYTES:
            parse_cached(cache, content)
    return read


def _follow_plain(old: Snapshot, new: Snapshot) -> list[Any]:
    """The base found and the new side followed from it, as plain data for a forked child.

    ``[followed?, findings, the base's run]`` (:meth:`~spbe_cli.diff.base.Base.run`; None
    without a base: nothing followed).
    """
    from spbe_cli.diff.base import follow_side
    from spbe_cli.runrecord import finding_json

    base = _base_of(old)
    if base is None:
        return [False, [], None]
    found = follow_side(base, old, new, {}, spare_core=True)  # this process's parent waits
    return [found is not None, [finding_json(f) for f in found or ()], base.run()]


def _followed(
    ahead: ForkedChild, base: Base, old: Snapshot, new: Snapshot, read: dict[str, bytes]
) -> list[Finding] | None:
    """The findings the child following the new side sent (see :func:`_follow_ahead`).

    A child that failed, died, sent something out of shape or followed from another run than
    ``base`` (the cache's record rewritten meanwhile, or none found) leaves the follow to this
    process.
    """
    from spbe_cli.diff.base import STATS, follow_side
    from spbe_cli.runrecord import MalformedRecordError, finding_from_json

    sent = ahead.result()
    try:
        if sent is not None:
            done, found, run = sent
            if run == base.run():
                if not done:
                    return None
                followed = [finding_from_json(f) for f in found]
                STATS["followed"] += 1
                return followed
    except (MalformedRecordError, TypeError, ValueError):
        pass  # out of shape: followed here
    return follow_side(base, old, new, read)


def _config_exceptions(old: Snapshot, new: Snapshot) -> bool:
    """Tell whether either side's rule configuration has an exception."""
    return bool(_rule_config(old)[0].exceptions or _rule_config(new)[0].exceptions)


@dataclass
class _OldPart:
    """The old side's half of :func:`_delta_from_base`, made while a child follows the new side."""

    #: the old side's findings after its rule configuration
    found: list[Finding]
    #: the files at the same path with the same content on both sides
    same: set[str]
    #: the old side's findings outside ``same``
    rest: list[Finding]
    #: the old side's findings in each file of ``same``: as they are, and counted plain
    by_file: dict[str, list[Finding]]
    counted: dict[str, Counter[tuple[Any, ...]]]


def _old_part(before: LoadedSide, old_raw: list[Finding], new: Snapshot) -> _OldPart:
    """What :func:`_delta_from_base` needs of the old side alone (its findings ``old_raw``)."""
    old = before.snapshot
    found, before.exceptions = _configured(before, old_raw)
    same = _unchanged_files(old, new)
    rest, by_file = _by_unchanged_file(found, old, same)
    prefix = old.display("")
    counted = {
        rel: Counter(_plain_finding(f, prefix) for f in mine) for rel, mine in by_file.items()
    }
    return _OldPart(found, same, rest, by_file, counted)


def _delta_from_base(
    before: LoadedSide,
    after: LoadedSide,
    whole: LoadedSide | None,
    followed: list[Finding] | None,
    old_part: _OldPart | None,
    renamed: dict[str, str],
    hidden: set[str],
    shared: SharedLoad | None = None,
) -> tuple[list[Finding], list[Finding], list[Milder], list[Finding]] | None:
    """:func:`_findings_delta` with the old side's findings from the run of its files.

    ``old_part``: the old side's half (:func:`_old_part`), None when the run's findings
    cannot be shown (then None). ``shared``: the files both sides' changed files loaded
    (:class:`SharedLoad`), loaded again from there.

    ``before`` and ``after`` hold each side's changed files only. The new side's findings are
    ``followed`` from the base's run by the incremental engine, else those of ``whole``, the
    new side loaded whole and checked. Only
    the findings that differ between the sides are matched by entity: a file unchanged on both
    sides with the very same findings on both cannot add to the delta, so its findings are set
    aside unkeyed, and the old side's files that hold the others are read for their entities'
    places. That holds because a finding's key names an entity of the file it is in (or the
    file): the old side has no refused document (its run kept a snapshot), and a new side
    whose refused document has the id of an entity loaded elsewhere is compared in full.
    """
    from spbe_cli.checks import run_checks
    from spbe_cli.diff.findings import FindingIndex, delta

    old, new = before.snapshot, after.snapshot
    if old_part is None:
        return None
    if followed is not None:
        new_raw = followed
    elif whole is not None:
        new_raw = [*whole.findings, *run_checks(whole.catalog)]
    else:
        return None
    new_found, after.exceptions = _configured(after, new_raw)
    rest = _differing(old_part, new_found, new)
    # Without levels or exceptions in force the configured findings are the raw ones, in order:
    # the same sets aside the same (each file's findings counted once, not twice).
    rest_raw = rest if _same_findings(new_found, new_raw) else _differing(old_part, new_raw, new)
    old_index = FindingIndex(
        _holding(old, (*rest[0], *rest_raw[0]), shared), old.display_root, renamed
    )
    new_index = FindingIndex(
        whole.catalog if whole is not None else _holding(new, (*rest[1], *rest_raw[1]), shared),
        new.display_root,
    )
    introduced, _, milder = delta(rest[0], rest[1], old_index, new_index)
    # A finding the new side only excepts is not fixed: it is listed with its exception.
    _, fixed, _ = delta(rest_raw[0], rest_raw[1], old_index, new_index)
    if hidden:
        fixed = [f for f in fixed if old_index.key(f).entity not in hidden]
    return introduced, fixed, milder, new_raw


def _same_findings(first: list[Finding], second: list[Finding]) -> bool:
    """Tell whether two lists hold the very same findings in the same order."""
    return len(first) == len(second) and all(map(operator.is_, first, second))


def _holding(side: Snapshot, found: Iterable[Finding], shared: SharedLoad | None = None) -> Catalog:
    """The files of ``side`` that hold some of ``found``, loaded (for their entities' places).

    ``shared``: files parsed and documents validated already (by content: the same catalog).
    """
    needed = {_rel(side, f.location.path) for f in found}
    rels = sorted(rel for rel in needed if rel in side.files)
    return load_side(side, rels, shared or SharedLoad()).catalog


def _declared_twice(catalog: Catalog) -> bool:
    """Tell whether a refused document has the id of an entity loaded (from another file).

    The findings of both are then matched under one id, across files: the findings of an
    unchanged file cannot be set aside unkeyed (:func:`_delta_from_base`).
    """
    loaded = {entity_id.casefold() for entity_id in catalog.entities}
    return any(r.id is not None and r.id.casefold() in loaded for r in catalog.rejected)


def _unchanged_files(old: Snapshot, new: Snapshot) -> set[str]:
    """The files at the same path with the same content on both sides."""
    return {rel for rel, oid in old.files.items() if new.files.get(rel) == oid}


def _rel(side: Snapshot, path: str) -> str:
    """A display path of ``side`` relative to its catalog folder ("" when outside it)."""
    prefix = side.display("")
    return path[len(prefix) :] if path.startswith(prefix) else ""


def _differing(
    old_part: _OldPart, new_found: list[Finding], new: Snapshot
) -> tuple[list[Finding], list[Finding]]:
    """Both sides' findings but those of the files in ``old_part.same`` that have the same on both.

    A finding is the same when all but its file's folder is (each side shows its own).
    """
    old_rest = list(old_part.rest)
    new_rest, new_files = _by_unchanged_file(new_found, new, old_part.same)
    new_prefix = new.display("")
    none: Counter[tuple[Any, ...]] = Counter()
    for rel in old_part.by_file.keys() | new_files.keys():
        mine, theirs = old_part.by_file.get(rel, []), new_files.get(rel, [])
        if old_part.counted.get(rel, none) != Counter(
            _plain_finding(f, new_prefix) for f in theirs
        ):
            old_rest.extend(mine)
            new_rest.extend(theirs)
    return old_rest, new_rest


def _by_unchanged_file(
    found: list[Finding], side: Snapshot, same: set[str]
) -> tuple[list[Finding], dict[str, list[Finding]]]:
    """The findings outside the files ``same``, and those in each of them."""
    rest: list[Finding] = []
    by_file: dict[str, list[Finding]] = {}
    for finding in found:
        rel = _rel(side, finding.location.path)
        if rel in same:
            by_file.setdefault(rel, []).append(finding)
        else:
            rest.append(finding)
    return rest, by_file


def _plain_finding(finding: Finding, prefix: str) -> tuple[Any, ...]:
    """A finding with its side's folder left out of its paths (to compare across sides)."""

    def place(path: str) -> str:
        return path[len(prefix) :] if path.startswith(prefix) else "\0" + path

    return (
        place(finding.location.path),
        finding.location.line,
        finding.location.column,
        finding.severity,
        finding.code,
        finding.message,
        finding.hint,
        tuple(
            (place(r.location.path), r.location.line, r.location.column, r.message)
            for r in finding.related
        ),
    )


def with_referrers(
    attention: list[Attention], old: Catalog, new: Catalog, renames: dict[str, str]
) -> list[Attention]:
    """SPBE711 hits with the references to their id that the change left as they were.

    A reference of the new side counts when the entity making it (under its old id, if it was
    renamed) made the same reference on the old side, or is not on the old side as read (an
    unchanged file without findings compared): a reference written in this change was written
    for the entity that holds the id now. ``old`` may be partial; ``new`` is whole.
    """
    from spbe_cli.links import links_from, metadata_references, references_to

    wanted = {a.id for a in attention if a.code == "SPBE711"}
    now = references_to(new, wanted)
    before_id = {new_id: old_id for old_id, new_id in renames.items()}

    def old_source(link: Link) -> tuple[bool, str]:
        """Who made the reference on the old side: (the metadata?, its id under its old name)."""
        if link.kind == "metadata":
            return True, "metadata"
        return False, before_id.get(link.source, link.source)

    kept: set[tuple[bool, str, FieldPath, str]] = set()  # (metadata?, old id, path, target)
    for key in {old_source(link) for links in now.values() for link in links}:
        made = metadata_references(old) if key[0] else links_from(old, key[1])
        kept |= {(*key, link.loc, link.target) for link in made}
    result = []
    for item in attention:
        if item.code != "SPBE711":
            result.append(item)
            continue
        found = []
        for link in now.get(item.id, []):
            key = old_source(link)
            known = old.metadata is not None if key[0] else key[1] in old.entities
            if known and (*key, link.loc, item.id) not in kept:
                continue  # written in this change, for the entity that holds the id now
            found.append(_referrer(new, link))
        result.append(replace(item, referrers=tuple(found)))
    return result


def _referrer(catalog: Catalog, link: Link) -> Referrer:
    """A reference left to a reused id, its field written as the field changes are."""
    from spbe_cli.diff.changeset import display_name, labelled_path

    model: Any = catalog.metadata if link.kind == "metadata" else catalog.entities[link.source]
    if model is None:
        return Referrer(link.kind, link.source, None, link.path, link.location(catalog))
    name = display_name(link.kind, model)  # the pemda's name for the metadata
    path = labelled_path(model, link.loc)
    return Referrer(link.kind, link.source, name, path, link.location(catalog))


def _prose_maps(
    uncomparable: list[Uncomparable], before: LoadedSide, after: LoadedSide
) -> tuple[Metadata | None, Metadata | None]:
    """The metadata whose ``prosa`` names each side's prose files.

    A side whose metadata does not load (listed under "cannot be compared") has its prose read
    at the files the other side names: the sections it names are unknown, but the files are
    there to compare. Before, every section showed as added (or removed), burying the one
    section the change edited, and a pull request fixing the metadata's YAML read "9 added".
    """
    old_meta, new_meta = _metadata(before), _metadata(after)
    hidden = {e.side for e in uncomparable if "metadata" in e.ids}
    if "old" in hidden and old_meta is None:
        old_meta = new_meta
    if "new" in hidden and new_meta is None:
        new_meta = old_meta
    return old_meta, new_meta


def _metadata(side: LoadedSide) -> Metadata | None:
    """The side's metadata; when its document was not read (unchanged), read ``metadata.yaml``."""
    if side.catalog.metadata is not None:
        return side.catalog.metadata
    snapshot = side.snapshot
    # Not read, or read with its metadata document skipped (the same on both sides).
    named = [
        rel
        for rel in snapshot.files
        # (endswith first: a national catalog lists tens of thousands of files)
        if rel.endswith(METADATA_FILES) and rel.rsplit("/", 1)[-1] in METADATA_FILES
    ]
    return load_side(snapshot, sorted(named)).catalog.metadata if named else None


def _findings_delta(
    before: LoadedSide,
    after: LoadedSide,
    renamed: dict[str, str],
    hidden: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Finding], list[Finding], list[Milder], list[Finding]]:
    """The findings the change introduces, fixes and makes milder (``renamed``: old id -> new).

    A finding of an old entity in ``hidden`` (one a new file that does not load hides) is not
    fixed: whether the new side still has it is unknown, as the entity's own change is. Before,
    a pull request that broke a file was credited with fixing every finding of its entities.
    The third list is every finding of the new side before its rule configuration applies.
    """
    from spbe_cli.diff.findings import FindingIndex, delta

    checked = checks_of_both(before.catalog, after.catalog, len(before.snapshot.files))
    sides = []
    for side, names, found_by_checks in ((before, renamed, checked[0]), (after, None, checked[1])):
        raw = [*side.findings, *found_by_checks]
        found, exceptions = _configured(side, raw)
        side.exceptions = exceptions
        index = FindingIndex(side.catalog, side.snapshot.display_root, names)
        sides.append((raw, found, index))
    (_, old_found, old_index), (new_raw, new_found, new_index) = sides
    introduced, _, milder = delta(old_found, new_found, old_index, new_index)
    # A finding the new side only excepts is not fixed: it is listed with its exception.
    _, fixed, _ = delta(old_found, new_raw, old_index, new_index)
    if hidden:
        fixed = [f for f in fixed if old_index.key(f).entity not in hidden]
    return introduced, fixed, milder, new_raw


def _config_delta(
    old: list[Finding], new: list[Finding], before: LoadedSide, after: LoadedSide
) -> tuple[list[Finding], list[Finding], list[Milder]]:
    """The problems of the rule configuration (SPBE021) a change introduces and fixes.

    For ``--no-findings``: a ``.spbe.yaml`` the change broke read "no changes" (its exceptions
    and levels are then none on the new side, as on a side without one).
    """
    from spbe_cli.diff.findings import FindingIndex, delta

    old_index = FindingIndex(before.catalog, before.snapshot.display_root)
    new_index = FindingIndex(after.catalog, after.snapshot.display_root)
    return delta(old, new, old_index, new_index)


def checks_of_both(old: Catalog, new: Catalog, files: int) -> tuple[list[Finding], list[Finding]]:
    """Run every rule over both sides: ``(old side's findings, new side's findings)``.

    The old side is checked in a forked child while this process checks the new one, when
    :func:`spbe_cli.parallel.core_idle` finds a core idle (the one gate of every second
    process), else one after the other. The findings are the same either way: the rules only
    read the catalog.
    """
    from spbe_cli.checks import all_checks, run_checks, start_checks
    from spbe_cli.parallel import core_idle

    if not core_idle(files):
        return run_checks(old), run_checks(new)
    with start_checks(old, all_checks()) as old_found:
        new_found = run_checks(new, halves=False)
        return [finding for found in old_found() for finding in found], new_found


def _rule_config(snapshot: Snapshot) -> tuple[Any, list[Finding]]:
    """A side's rule configuration (``.spbe.yaml``) and its SPBE021 problems."""
    from spbe_cli.ruleconfig import CONFIG_FILE, config_problems, read_rule_config

    config, found = read_rule_config(snapshot.rule_config_text(), snapshot.display(CONFIG_FILE))
    return config, [*config_problems(snapshot.misnamed_config, snapshot.display_root), *found]


def _configured(side: LoadedSide, found: list[Finding]) -> tuple[list[Finding], list[Any]]:
    """A side's findings after its own rule configuration (``.spbe.yaml``) and its exceptions."""
    from spbe_cli.ruleconfig import apply_rule_config

    snapshot = side.snapshot
    config, problems = _rule_config(snapshot)
    found, exceptions = apply_rule_config(config, found, side.catalog, snapshot.display_root)
    return [*found, *problems], exceptions


def _exceptions(
    before: list[Any], after: list[Any], renames: dict[str, str] | None = None
) -> tuple[list[tuple[Any, bool]], list[Any], dict[tuple[str, str], str]]:
    """The new side's exceptions (with "new in this change"), the old side's dropped, old reasons.

    The third part maps each kept exception whose reason the change rewrote to its old reason:
    a justification edited is as much for the reviewer to read as one added.
    An exception that followed its entity's rename (``renames``: old id -> new; ``.spbe.yaml``
    edited with the id) is kept, under its new id: before, it read as a new exception and as
    one removed, "the rule applies to this entity again", which it does not.
    """
    renames = renames or {}
    known = {(e.code, renames[e.entity]): e.reason for e in before if e.entity in renames}
    known |= {(e.code, e.entity): e.reason for e in before}  # its own id first
    kept = {(e.code, e.entity) for e in after}

    def dropped(e: Any) -> bool:
        moved = renames.get(e.entity)
        return (e.code, e.entity) not in kept and (moved is None or (e.code, moved) not in kept)

    return (
        [(e, (e.code, e.entity) not in known) for e in after],
        [e for e in before if dropped(e)],
        {
            (e.code, e.entity): known[(e.code, e.entity)]
            for e in after
            if (e.code, e.entity) in known and known[(e.code, e.entity)] != e.reason
        },
    )


def _rule_levels(old: Snapshot, new: Snapshot, new_raw: list[Finding] | None) -> list[RuleLevel]:
    """The rules whose level the change sets differently (a rule turned off, say).

    A change that turns a rule off silences its findings on the new side: without this the
    review showed nothing, neither the setting nor the findings it hides.
    """
    before, after = _rule_config(old)[0], _rule_config(new)[0]
    counts = Counter(f.code for f in new_raw or ())
    return [
        RuleLevel(
            code, before.level(code), after.level(code), None if new_raw is None else counts[code]
        )
        for code in sorted(set(before.severities) | set(after.severities))
        if before.level(code) != after.level(code)
    ]


def _set_aside(
    changes: list[Change], before: LoadedSide, after: LoadedSide
) -> tuple[list[Change], list[Uncomparable]]:
    """Take out the removals and additions that are only a file failing to load on one side."""
    kept: list[Change] = []
    hidden: dict[tuple[str, str], list[str]] = {}
    for change in changes:
        twin = _twin_rejected(change, before, after)
        if twin is not None:
            hidden.setdefault(twin[0], []).append(change.id)
            kept.append(twin[1])
            continue
        if change.change is ChangeType.REMOVED and change.old is not None:
            blocking, rel = after, before.rel(change.old)
        elif change.change is ChangeType.ADDED and change.new is not None:
            blocking, rel = before, after.rel(change.new)
        else:
            kept.append(change)
            continue
        side = "old" if blocking is before else "new"
        # The entity's file on this side, or (moved or renamed with it) the file on the other
        # side that rejected it: either way it is listed under the broken file that hides it.
        rejected_in = blocking.rejected_in(change.id)
        if rel is not None and rel in blocking.broken:
            hidden.setdefault((side, rel), []).append(change.id)
        elif rejected_in is not None and rejected_in in blocking.broken:
            hidden.setdefault((side, rejected_in), []).append(change.id)
        elif change.id in blocking.catalog.invalid:
            hidden.setdefault((side, ""), []).append(change.id)
        else:
            kept.append(change)
    entries = []
    for side, loaded, other in (("old", before, after), ("new", after, before)):
        same = _broken_on_both(loaded, other)
        for rel, errors in loaded.broken.items():
            ids = hidden.pop((side, rel), [])
            if rel in same and not ids:
                continue  # the same broken file on both sides: nothing in it changed
            path = loaded.snapshot.display(rel) if rel in loaded.rels.values() else rel
            entries.append(Uncomparable(side, path, tuple(sorted(ids)), tuple(errors)))
    for (side, _), ids in sorted(hidden.items()):
        entries.append(Uncomparable(side, "", tuple(sorted(ids)), ()))
    return kept, entries


def _twin_rejected(
    change: Change, before: LoadedSide, after: LoadedSide
) -> tuple[tuple[str, str], Change] | None:
    """A change by id that is one side using the id twice, split: ((side, file), what is left).

    When a side has two documents with one id, the first in file order is loaded and the other
    rejected (SPBE104). A pull request adding ``aplikasi/a.yaml`` with the id of the
    application in ``aplikasi/contoh.yaml`` has the newcomer loaded and the old entity's own
    file rejected: matched by id, the review said the application was renamed and handed to
    another OPD (the newcomer's name and owner as its edits). Here the entity of the other side
    is in the file that now rejects its twin and the loaded one is in another file: the
    entity's own change is unknown (listed under that file), and the loaded one is what it is
    in that other file, added (or, a duplicate a change removes, removed), as ``--no-findings``
    reads it.
    """
    if change.change is not ChangeType.CHANGED or change.old is None or change.new is None:
        return None
    old_rel, new_rel = before.rel(change.old), after.rel(change.new)
    if old_rel == new_rel:
        return None  # the entity stays in its file: the twin is the other document
    if old_rel is not None and after.rejects_in(change.id, old_rel):
        return ("new", old_rel), replace(change, change=ChangeType.ADDED, old=None, fields=())
    if new_rel is not None and before.rejects_in(change.id, new_rel):
        return ("old", new_rel), replace(change, change=ChangeType.REMOVED, new=None, fields=())
    return None


def _broken_on_both(loaded: LoadedSide, other: LoadedSide) -> set[str]:
    """Broken files of ``loaded`` whose very content is also a broken file of ``other``.

    Such a file (at any path) cannot hide a change: listing it under "cannot be compared" made
    ``spbe diff A A --exit-code`` exit 1 on a catalog with one broken file, and put it in every
    review until it is fixed. ``--no-findings`` never reads it; the default now agrees.
    """
    files, other_files = loaded.snapshot.files, other.snapshot.files
    theirs = {other_files[rel] for rel in other.broken if rel in other_files}
    return {rel for rel in loaded.broken if files.get(rel) in theirs}


__all__ = [
    "ATTENTION_RULES",
    "Attention",
    "Change",
    "ChangeSet",
    "ChangeType",
    "FieldChange",
    "LoadedSide",
    "ProseChange",
    "RuleLevel",
    "SideInfo",
    "Uncomparable",
    "changed_files",
    "diff_catalogs",
    "diff_snapshots",
]
