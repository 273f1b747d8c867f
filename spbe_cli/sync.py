"""Synchronisation across OPDs: programs, applications and data sets that look like one thing.

A pair is reported when its two items belong to different OPDs and one of these holds:

* the names are similar (word Jaccard >= ``pengaturan.kemiripan_minimum``, default 0.6);
* the functions are similar (program ``tujuan``/``uraian``, application ``fungsi``/``uraian``,
  data ``tujuan``/``uraian``) by the same measure;
* they share their reference code (RAA, RAD; for programs the smart city element) and the
  names or the functions reach half the threshold;
* two programs are funded from the same sub kegiatan (``nomenklatur.kode``).

Two data sets in such a pair are "the same data produced twice". Candidates come from
prefix-filtered similarity joins (:func:`spbe_cli.similarity.join`) and from items
sharing a sub kegiatan code (when at most ``MAX_SHARED_BUDGET`` programs share it), never from
comparing every pair.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes with
from operator import itemgetter
from typing import Any, NamedTuple, overload

from spbe_cli import collector, parallel
from spbe_cli.catalog import Catalog
from spbe_cli.errors import ExitCode, Location, location_fields
from spbe_cli.formatting import percent
from spbe_cli.i18n import language, t
from spbe_cli.markup import safe
from spbe_cli.models.common import in_use
from spbe_cli.owners import responsible_opd
from spbe_cli.parallel import forking
from spbe_cli.similarity import join, overlap, stopwords, tokens, word_sets
from spbe_cli.status import is_cancelled

#: Kinds compared, in output order.
KINDS = ("program", "aplikasi", "data_informasi")
#: What of two items is compared: their names, their functions (:func:`_joined`).
SIDES = ("name", "function")
DEFAULT_THRESHOLD = 0.6
MAX_SHARED_BUDGET = 48


class Candidate(NamedTuple):
    """One program, application or data set, reduced to what the comparison needs.

    A named tuple, as :class:`Overlap`: a national catalog makes tens of thousands of each, and
    a frozen dataclass took four times as long to make (one ``object.__setattr__`` per field).
    """

    kind: str
    id: str
    owner: str
    nama: str
    code: str
    budget_code: str
    name: frozenset[str]
    function: frozenset[str]


@dataclass(frozen=True)
class Evidence:
    """One reason a pair looks like the same thing: a message key and its values."""

    key: str
    values: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """The evidence in the user's language."""
        return _evidence_text(language(), self.key, self.values)

    @property
    def code(self) -> str:
        """Stable short name of the evidence, for JSON."""
        return self.key.rsplit(".", 1)[-1]


class Overlap(NamedTuple):
    """Two items of different OPDs that look like the same thing.

    A named tuple, as :class:`Candidate` is.
    """

    kind: str
    first: Candidate
    second: Candidate
    name_score: float
    function_score: float
    evidence: tuple[Evidence, ...]
    first_location: Location | None
    second_location: Location | None

    @property
    def score(self) -> float:
        """The stronger of the two similarities."""
        return max(self.name_score, self.function_score)


@dataclass(frozen=True)
class SyncReport:
    """The look-alikes of one ``spbe sync`` run, and whether any of them fails it."""

    overlaps: Sequence[Overlap]
    fail_on_overlap: bool = False
    """``--fail-on-overlap``: exit 1 when a pair is found."""

    @property
    def return_code(self) -> ExitCode:
        """Exit code: 1 when a pair is found and ``--fail-on-overlap``; else 0."""
        return ExitCode.FINDINGS if self.fail_on_overlap and self.overlaps else ExitCode.OK


def shown_owner(owner: str) -> str:
    """An item's owning OPD for display: an application without ``pemilik`` is the Pemda's.

    For text and Markdown (``spbe sync``) and validate's SPBE409 message; JSON keeps ``""``.
    """
    return owner or t("sync.no_owner")


@lru_cache(maxsize=1 << 16)
def _evidence_text(lang: str, key: str, values: tuple[tuple[str, str], ...]) -> str:
    """:attr:`Evidence.text` in ``lang``, worded once per distinct piece of evidence.

    A national catalog's 120,000 pieces of evidence are about 34,000 distinct ones (the same
    RAA code, the same shared words).
    """
    del lang  # part of the key only: t() reads the language in use, which is this one
    return t(key, **dict(values))


@lru_cache(maxsize=1 << 16)
def _said(key: str, values: tuple[tuple[str, str], ...]) -> Evidence:
    """One piece of evidence, one object for each distinct one (see :func:`_evidence_text`).

    Its text for each output is then laid out once and found again by the object's identity
    (:func:`format_json`).
    """
    return Evidence(key, values)


@cache
def _pct(score: float) -> str:
    """A similarity for display (half-even, whole percent); scores repeat (ratios of counts)."""
    return percent(Decimal(str(score)), 0, cap=False)


def compared_group(kind: str, e: Any) -> str | None:
    """The group an item is compared in (:func:`candidates`), or None when it is not compared.

    Programs not cancelled (in the program or by its latest progress entry, as ``spbe
    progress`` reads it), by dimension and element; the Pemda's own applications in use (one
    without a pemilik, SPBE411, is the Pemda's as a whole, compared with every OPD's), by RAA
    code; data sets in use, by RAD code.
    """
    if kind == "program":
        return None if is_cancelled(e) else f"{e.dimensi}/{e.elemen}"
    if not in_use(e):
        return None
    code: str = e.raa if kind == "aplikasi" else e.rad
    if kind == "aplikasi" and e.pemilik_tipe != "pemda":
        return None
    return code


def candidates(catalog: Catalog, kind: str, stop: frozenset[str]) -> list[Candidate]:
    """Active items of one kind, with their owning OPD, codes and words.

    The one home of "the items compared" for ``spbe sync`` and for validate's SPBE409
    (applications) and SPBE610 (programs), :mod:`spbe_cli.checks.duplicates`:

    * programs not cancelled (in the file or by the latest progress entry), words of
      ``tujuan``, or ``uraian`` when it is empty;
    * the Pemda's applications in use (``pemilik_tipe: pemda``), words of ``fungsi``, or
      ``uraian`` when it is empty. One without ``pemilik`` (SPBE411) stays a candidate, owned
      by "" (no OPD): the Pemda's as a whole, it is paired with any OPD's look-alike (the
      duplicate the Bupati wants found), not with another application without ``pemilik``;
    * data sets in use, words of ``tujuan`` or ``uraian``.
    """
    result: list[Candidate] = []
    for item_id in catalog.ids_of(kind):
        compared = compared_fields(kind, catalog.entities[item_id])
        if compared is None:
            continue
        code, budget, owner, nama, function = compared
        result.append(
            Candidate(
                kind,
                item_id,
                owner,
                nama,
                code,
                budget,
                tokens(nama, stop),
                tokens(function, stop),
            )
        )
    return result


def compared_fields(kind: str, e: Any) -> tuple[str, str, str, str, str | None] | None:
    """What one item is compared by (:func:`candidates`), or None when it is not compared.

    ``(group, budget code, owning OPD, name, function text)``: the one home of the fields read
    of an item, for :func:`candidates` and for the facts the incremental engine keeps of an
    application or program (:mod:`spbe_cli.incremental_rules`), so that a followed edit pairs
    the items as a full run does without building them.
    """
    code = compared_group(kind, e)
    if code is None:
        return None
    function: str | None
    if kind == "program":
        budget = e.nomenklatur.kode if e.nomenklatur is not None else ""
        function = e.tujuan or e.uraian
    elif kind == "aplikasi":
        budget, function = "", e.fungsi or e.uraian
    else:
        budget, function = "", e.tujuan or e.uraian
    # The owning OPD as every command reads it (a data element's produsen data).
    return code, budget, responsible_opd(e) or "", e.nama, function


def _evidence(
    a: Candidate,
    b: Candidate,
    name: float,
    function: float,
    threshold: float,
    name_words: frozenset[str],
    function_words: frozenset[str],
) -> tuple[Evidence, ...]:
    """The evidence for a pair, or nothing when the pair is not alike enough.

    ``name``, ``function``: the pair's scores; ``name_words``, ``function_words``: the words
    behind them (:func:`spbe_cli.similarity.overlap`).
    """
    if not _alike(a, b, name, function, threshold):
        return ()
    same_code = a.code == b.code
    same_budget = a.budget_code != "" and a.budget_code == b.budget_code
    found: list[Evidence] = []
    if same_budget:
        found.append(_said("sync.ev.budget", (("kode", a.budget_code),)))
    if same_code:
        key = "sync.ev.element" if a.kind == "program" else "sync.ev.code"
        found.append(_said(key, (("kode", a.code),)))
    if name > 0:
        words = ", ".join(sorted(name_words))
        found.append(_said("sync.ev.name", (("skor", _pct(name)), ("kata", words))))
    if function > 0:
        words = ", ".join(sorted(function_words))
        found.append(_said("sync.ev.function", (("skor", _pct(function)), ("kata", words))))
    if a.kind == "data_informasi":
        found.append(_said("sync.ev.produced_twice", (("opd", a.owner), ("opd_lain", b.owner))))
    return tuple(found)


def _alike(a: Candidate, b: Candidate, name: float, function: float, threshold: float) -> bool:
    """Whether a pair is alike enough to be reported (:func:`_evidence` has something to say)."""
    return (
        name >= threshold
        or function >= threshold
        or (a.budget_code != "" and a.budget_code == b.budget_code)
        or (a.code == b.code and max(name, function) >= threshold / 2)
    )


def _joined(items: list[Candidate], threshold: float, side: str) -> set[tuple[int, int]]:
    """Index pairs ``(a, b)``, ``a < b``, whose names (``side`` "name") or functions look alike.

    Each item is paired with one earlier look-alike of another OPD
    (:func:`spbe_cli.similarity.join`) across the kind at ``threshold``, and among the items of
    its reference code at half of it, so a cluster of look-alikes gives one pair per member
    rather than every pair among them; never a scan of all pairs. The words are coded once for
    both joins, the OPDs as numbers.
    """
    numbers: dict[str, int] = {}
    owners = [numbers.setdefault(c.owner, len(numbers)) for c in items]
    coded = word_sets([c.name for c in items] if side == "name" else [c.function for c in items])
    pairs = {(min(a, b), max(a, b)) for a, b in join(coded, range(len(items)), threshold, owners)}
    by_code: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        by_code.setdefault(item.code, []).append(position)
    for members in by_code.values():
        if len(members) >= 2:
            found = join(coded, members, threshold / 2, owners)
            pairs.update((min(a, b), max(a, b)) for a, b in found)
    return pairs


def _same_budget(items: list[Candidate], max_shared_budget: int) -> set[tuple[int, int]]:
    """Index pairs ``(a, b)``, ``a < b``, of programs funded from one sub kegiatan.

    A sub kegiatan shared by more than ``max_shared_budget`` programs is a budget line, not
    evidence of a duplicate: its programs are not paired.
    """
    by_budget: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        if item.budget_code:
            by_budget.setdefault(item.budget_code, []).append(position)
    return {
        (a, b)
        for members in by_budget.values()
        if 2 <= len(members) <= max_shared_budget
        for n, a in enumerate(members)
        for b in members[n + 1 :]
    }


def _place(catalog: Catalog, item_id: str) -> tuple[str, int, int] | None:
    """Where an item's id is, as plain data for a forked child to send back (None: no source)."""
    at = catalog.where_known(item_id, "id")
    return None if at is None else (at.path, at.line, at.column)


#: Not looked up yet (None is a place: an item without a source).
_UNSET: Any = object()

#: Items (of all kinds), or pairs, from which half of the work is done in a forked child when a
#: core is idle (:func:`spbe_cli.parallel.core_idle`); below, starting it costs what it saves.
MIN_FORKED = 10_000


class _Kept(NamedTuple):
    """A pair alike enough to be reported, in its place in the report, before its evidence."""

    kind: str
    first: Candidate
    second: Candidate
    name_score: float
    function_score: float
    name_words: frozenset[str]
    function_words: frozenset[str]
    first_location: Location | None
    second_location: Location | None


class Found(Sequence[Overlap]):
    """The pairs of :func:`rank_overlaps` in the order of the report, made when first read.

    Each :class:`Overlap` is made, its evidence worded, only when it is read.
    The evidence of a national catalog's 48,487 pairs took about 0.45 s of CPU: for ``spbe sync
    --format json`` each half is made where it is laid out (:func:`json_parts`), the second
    half in the forked child that lays it out when a core is idle.
    """

    def __init__(self, kept: list[_Kept], threshold: float) -> None:
        self._kept = kept
        self._threshold = threshold
        self._made: list[Overlap] | None = None

    def __len__(self) -> int:
        return len(self._kept)

    @overload
    def __getitem__(self, index: int) -> Overlap: ...

    @overload
    def __getitem__(self, index: slice) -> list[Overlap]: ...

    def __getitem__(self, index: int | slice) -> Overlap | list[Overlap]:
        if self._made is None:
            self._made = self.part(0, len(self._kept))
        return self._made[index]

    def part(self, start: int, stop: int) -> list[Overlap]:
        """The pairs ``start:stop``, made now (or read, once every pair is made)."""
        if self._made is not None:
            return self._made[start:stop]
        threshold = self._threshold
        return [
            Overlap(
                k.kind,
                k.first,
                k.second,
                k.name_score,
                k.function_score,
                _evidence(
                    k.first,
                    k.second,
                    k.name_score,
                    k.function_score,
                    threshold,
                    k.name_words,
                    k.function_words,
                ),
                k.first_location,
                k.second_location,
            )
            for k in self._kept[start:stop]
        ]


@collector.paused()
def find_overlaps(
    catalog: Catalog,
    threshold: float | None = None,
    kinds: tuple[str, ...] = KINDS,
    opd: str | None = None,
    max_shared_budget: int = MAX_SHARED_BUDGET,
) -> list[Overlap]:
    """Every pair of look-alike items of different OPDs (``opd`` keeps pairs involving it)."""
    return list(rank_overlaps(catalog, threshold, kinds, opd, max_shared_budget))


@collector.paused()
def rank_overlaps(
    catalog: Catalog,
    threshold: float | None = None,
    kinds: tuple[str, ...] = KINDS,
    opd: str | None = None,
    max_shared_budget: int = MAX_SHARED_BUDGET,
) -> Found:
    """:func:`find_overlaps`, each pair's evidence worded when the pair is first read."""
    threshold, items_of = _compared(catalog, threshold, kinds)
    return _ranked(catalog, threshold, items_of, opd, max_shared_budget)


def _compared(
    catalog: Catalog, threshold: float | None, kinds: tuple[str, ...]
) -> tuple[float, dict[str, list[Candidate]]]:
    """The threshold in use (the catalog's when not given) and the items compared, by kind."""
    meta = catalog.metadata
    if threshold is None:
        threshold = meta.pengaturan.kemiripan_minimum if meta is not None else DEFAULT_THRESHOLD
    extra = tuple(tokens(meta.pemda.nama, frozenset())) if meta is not None else ()
    stop = stopwords(extra)
    return threshold, {kind: candidates(catalog, kind, stop) for kind in kinds}


def _ranked(
    catalog: Catalog,
    threshold: float,
    items_of: dict[str, list[Candidate]],
    opd: str | None,
    max_shared_budget: int,
) -> Found:
    """:func:`rank_overlaps` of the items compared (:func:`_compared`)."""
    kinds = tuple(items_of)
    # Here, the join on the names of the kind with the most items (most of the work on a
    # national catalog: its applications); in a forked child when a core is idle, every other
    # join (that kind's functions, the other kinds: a few hundredths of a second each) and the
    # place of every item compared. The places are wanted for nearly every item (31,752 of the
    # national catalog's 32,115); since the place of an id travels beside a worker's packed
    # table (spbe_cli.positions.Packed) they take the child 0.17 s of CPU, not 0.9 s, and the
    # other kinds' joins moved there too: with a child forced (SPBE_WORKERS=2, a shared
    # machine, 3 runs each), this process's CPU from the fork to its wait 0.68-0.90 s against
    # 0.80-0.97 s, the child's 0.69-0.90 s against 0.94-1.05 s.
    # Before (the other kinds' joins here, the places unpacking their tables): they took half
    # the pair loop below (0.5 s of CPU) here, then the child's, sent back as plain data.
    # Measured on the national catalog (SPBE_WORKERS=2, the catalog loaded, then
    # find_overlaps and format_json): this process 8.30 G instructions (valgrind) against
    # 9.23 G when the places were looked up here and the child made every join but that on
    # the names; the child 4.64 G against 3.56 G, the two together 0.15 G more (the places
    # sent back). CPU seconds on a shared machine, 9 runs each: find_overlaps here 1.59-2.41 s
    # against 1.79-2.81 s; the child 1.0-1.2 s against this process's 0.8-1.1 s for its joins.
    # Tried and taken back: the words of the functions made in the child as well (sent back as
    # text), this process making only the names' words and joins. With a child forced on the
    # national catalog (4 runs each, a shared machine), this process's CPU was no lower
    # (2.05-2.50 s against 1.99-2.40 s) and the child's rose (0.96-1.20 s against 0.75-0.99 s):
    # after a fork each page this process writes faults once (copy on write, about 0.1 s per
    # 0.3 s of work here), so work moved from before the fork to after it costs what it saves.
    largest = max(kinds, key=lambda kind: len(items_of[kind]), default=None)
    here = [(largest, "name")] if largest else []
    there = [(kind, side) for kind in kinds for side in SIDES if (kind, side) not in here]

    def in_child() -> tuple[list[set[tuple[int, int]]], list[list[tuple[str, int, int] | None]]]:
        joins = [_joined(items_of[kind], threshold, side) for kind, side in there]
        return joins, [[_place(catalog, c.id) for c in items_of[kind]] for kind in kinds]

    size = sum(map(len, items_of.values()))
    child = parallel.ForkedChild(in_child) if parallel.core_idle(size, MIN_FORKED) else None
    try:
        joined = {(kind, side): _joined(items_of[kind], threshold, side) for kind, side in here}
        sent = child.result() if child is not None else None
    finally:
        if child is not None:
            child.stop()  # (after its result, nothing left to end; else ended and waited for)
    if sent is None:
        joined.update((job, _joined(items_of[job[0]], threshold, job[1])) for job in there)
        located: dict[str, list[Location | None]] = {}
    else:
        joined.update(zip(there, sent[0], strict=True))
        located = {
            kind: [Location(*at) if at is not None else None for at in raws]
            for kind, raws in zip(kinds, sent[1], strict=True)
        }
    keyed: list[tuple[_Key, _Kept]] = []
    for kind in kinds:
        items = items_of[kind]
        # An item of a cluster of look-alikes is in many pairs: its place is looked up once.
        places = located.get(kind) or [_UNSET] * len(items)
        found = joined[kind, "name"] | joined[kind, "function"]
        found |= _same_budget(items, max_shared_budget)
        _keep(catalog, kind, items, found, places, threshold, opd, keyed)
    keyed.sort(key=itemgetter(0))  # on the keys alone: two equal keys keep their order
    return Found([pair for _, pair in keyed], threshold)


#: Where a pair stands in the report: kind, stronger score first, then the ids. Two pairs
#: never share one (ids are unique in a catalog), so a pair found twice is told by its key.
_Key = tuple[int, float, str, str]
_ORDER = {kind: n for n, kind in enumerate(KINDS)}


def _keep(
    catalog: Catalog,
    kind: str,
    items: list[Candidate],
    found: set[tuple[int, int]],
    places: list[Any],
    threshold: float,
    opd: str | None,
    keyed: list[tuple[_Key, _Kept]],
) -> None:
    """Add to ``keyed`` each pair of ``found`` (positions in ``items``) that the report shows.

    The one home of "which candidate pair is reported": two items of different OPDs (one of
    them ``opd`` when given), alike enough (:func:`_alike`). ``places``: each item's place, or
    ``_UNSET`` until it is looked up (once per item).
    """
    rank = _ORDER.get(kind, 99)
    for a_pos, b_pos in found:  # (in any order: the caller sorts the pairs by their keys)
        a, b = items[a_pos], items[b_pos]
        if a.owner == b.owner:
            continue
        if opd is not None and opd not in (a.owner, b.owner):
            continue
        name_words, name = overlap(a.name, b.name)
        function_words, function = overlap(a.function, b.function)
        if not _alike(a, b, name, function, threshold):
            continue
        a_at = places[a_pos]
        if a_at is _UNSET:
            a_at = places[a_pos] = catalog.where_known(a.id, "id")
        b_at = places[b_pos]
        if b_at is _UNSET:
            b_at = places[b_pos] = catalog.where_known(b.id, "id")
        pair = _Kept(kind, a, b, name, function, name_words, function_words, a_at, b_at)
        keyed.append(((rank, -max(name, function), a.id, b.id), pair))


class LaidOut(Sequence[Overlap]):
    """The pairs of :func:`rank_json`, laid out already as the elements of the JSON ``pasangan``.

    ``body`` is their text before the extra escapes (:func:`json_parts` adds them), or None
    when a value did not fit the template: the pairs are then made (:func:`rank_overlaps`) on
    first read, for ``json_dumps`` to lay out, as they are for any other use.
    """

    def __init__(self, count: int, body: str | None, again: Callable[[], Found]) -> None:
        self._count = count
        self.body = body
        self._again = again
        self._found: Found | None = None

    def _pairs(self) -> Found:
        if self._found is None:
            self._found = self._again()
        return self._found

    def __len__(self) -> int:
        return self._count if self.body is not None else len(self._pairs())

    @overload
    def __getitem__(self, index: int) -> Overlap: ...

    @overload
    def __getitem__(self, index: slice) -> list[Overlap]: ...

    def __getitem__(self, index: int | slice) -> Overlap | list[Overlap]:
        return self._pairs()[index]


#: What each process finds of a kind (:func:`rank_json`): its joins, and the shared budgets.
_ALL_SOURCES = (*SIDES, "budget")
#: The share of the work on the largest kind that its names take (:func:`_split_jobs`), the rest
#: its functions'. National catalog, 27,361 applications in one process (CPU seconds, the
#: least of 3 on a loaded machine): the names' join and their 10,699 pairs kept, worded and
#: laid out 0.93, the functions' with 30,363 pairs 1.36.
NAME_SHARE = 0.4

#: What one process does in :func:`rank_json`: each kind with what it finds of it.
_Jobs = list[tuple[str, tuple[str, ...]]]


def _split_jobs(sizes: dict[str, int]) -> tuple[_Jobs, _Jobs]:
    """The work of :func:`rank_json` for this process and for the forked child, by kind.

    ``sizes``: the number of items compared of each kind. The kind with the most items is split
    by side: its names (and shared budgets) here, its functions in the child, weighed as
    :data:`NAME_SHARE` of its items against the rest; each other kind, largest first, goes
    whole to the process with the lighter load so far (this one on a tie: the child also pays
    for copying the pages it writes, and sends its text back). Before, the two halves of the
    largest kind counted as equal, so the national catalog's data sets went to the child with
    the heavier half, and this process waited for it. National catalog, loaded, SPBE_WORKERS=2,
    5 runs of each alternated in one process on a loaded machine, CPU seconds: the child
    1.73-2.16 -> 1.58-1.90, this process up to its wait (the items compared included)
    1.65-2.14 -> 1.58-2.06, the longer path plus the merge 2.26-2.79 -> 2.10-2.46.
    """
    largest = max(sizes, key=sizes.__getitem__)
    here: _Jobs = [(largest, ("name", "budget"))]
    there: _Jobs = [(largest, ("function",))]
    load = {"here": sizes[largest] * NAME_SHARE, "there": sizes[largest] * (1 - NAME_SHARE)}
    for kind in sorted(sizes, key=lambda kind: -sizes[kind]):
        if kind != largest:
            side = "here" if load["here"] <= load["there"] else "there"
            (here if side == "here" else there).append((kind, _ALL_SOURCES))
            load[side] += sizes[kind]
    return here, there


@collector.paused()
def rank_json(
    catalog: Catalog,
    threshold: float | None = None,
    kinds: tuple[str, ...] = KINDS,
    opd: str | None = None,
    max_shared_budget: int = MAX_SHARED_BUDGET,
) -> Sequence[Overlap]:
    """:func:`rank_overlaps` for ``spbe sync --format json``: the pairs laid out as they are found.

    With a core idle, a forked child finds the look-alikes of the largest kind by function
    (the applications of a national catalog: 30,363 of its 48,487 pairs), keeps those the
    report shows, and words and lays them out (:func:`_json_items`); this process does the
    same for the names of that kind and every other kind. Neither waits for the other until
    both are done: a pair found by both (alike by name and by function) is laid out twice and
    kept once, by its place in the report (its key). Before, the child made the other joins
    and this process waited for them, then kept the pairs and laid out half of them while a
    second child laid out the other half: this process's CPU after loading was 2.4-2.8 s for
    the national catalog, on a shared machine.
    Without an idle core this is :func:`rank_overlaps` (laid out by :func:`json_parts`).
    """
    threshold, items_of = _compared(catalog, threshold, kinds)
    size = sum(map(len, items_of.values()))
    if not kinds or not parallel.core_idle(size, MIN_FORKED):
        return _ranked(catalog, threshold, items_of, opd, max_shared_budget)
    here, there = _split_jobs({kind: len(items_of[kind]) for kind in kinds})

    def laid_out(jobs: _Jobs) -> tuple[list[_Key], list[str]]:
        keyed: list[tuple[_Key, _Kept]] = []
        for kind, sources in jobs:
            items = items_of[kind]
            found: set[tuple[int, int]] = set()
            for side in SIDES:
                if side in sources:
                    found |= _joined(items, threshold, side)
            if "budget" in sources:
                found |= _same_budget(items, max_shared_budget)
            _keep(catalog, kind, items, found, [_UNSET] * len(items), threshold, opd, keyed)
        keyed.sort(key=itemgetter(0))
        made = Found([pair for _, pair in keyed], threshold).part(0, len(keyed))
        return [key for key, _ in keyed], _json_items(made)

    def again() -> Found:
        return _ranked(catalog, threshold, items_of, opd, max_shared_budget)

    child = parallel.ForkedChild(lambda: laid_out(there))
    try:
        keys, texts = laid_out(here)
        sent = child.result()
        other_keys, other_texts = sent if sent is not None else laid_out(there)
    except TypeError:  # a value the template does not take: json_dumps lays the pairs out
        child.stop()
        return LaidOut(0, None, again)
    finally:
        child.stop()
    pairs = zip([*keys, *other_keys], [*texts, *other_texts], strict=True)
    merged = sorted(pairs, key=itemgetter(0))
    body: list[str] = []
    last: Any = None
    for key, text in merged:
        if key != last:  # a pair found by both processes comes twice, side by side
            body.append(text)
            last = key
    return LaidOut(len(body), ",\n".join(body), again)


# -- output -----------------------------------------------------------------------------------


def overlap_dict(o: Overlap) -> dict[str, Any]:
    """One pair as plain data (the JSON schema)."""

    def side(c: Candidate, loc: Location | None) -> dict[str, Any]:
        return {
            "id": c.id,
            "nama": c.nama,
            "opd": c.owner,
            "kode": c.code,
            **location_fields(loc),
        }

    return {
        "jenis": o.kind,
        "skor_nama": round(o.name_score, 4),
        "skor_fungsi": round(o.function_score, 4),
        "bukti": [{"kode": e.code, "uraian": e.text} for e in o.evidence],
        "pertama": side(o.first, o.first_location),
        "kedua": side(o.second, o.second_location),
    }


@collector.paused()
def format_text(overlaps: Sequence[Overlap]) -> list[str]:
    """Each pair: the two items with their locations, then one line per piece of evidence."""
    lines: list[str] = []
    for o in overlaps:
        lines.append(
            t(
                "sync.pair",
                jenis=t("sync.kind." + o.kind),
                first=o.first.id,
                first_opd=shown_owner(o.first.owner),
                second=o.second.id,
                second_opd=shown_owner(o.second.owner),
            )
        )
        for c, loc in ((o.first, o.first_location), (o.second, o.second_location)):
            owner = shown_owner(c.owner)
            lines.append(f"  {loc}: {c.id} ({owner}) {c.nama}" if loc else f"  {c.id} {c.nama}")
        lines += [f"  = {e.text}" for e in o.evidence]
        lines.append("")
    lines.append(t("sync.summary", n=len(overlaps)))
    return [safe(line) for line in lines]


@collector.paused()
def format_markdown(overlaps: Sequence[Overlap]) -> str:
    """A Markdown table of the pairs with their evidence."""
    from spbe_cli.markup import md_table

    rows = [
        [
            t("sync.kind." + o.kind),
            f"{o.first.id} ({shown_owner(o.first.owner)})",
            f"{o.second.id} ({shown_owner(o.second.owner)})",
            "; ".join(e.text for e in o.evidence),
            f"{o.first_location}; {o.second_location}",
        ]
        for o in overlaps
    ]
    headers = [t(f"sync.col.{c}") for c in ("jenis", "pertama", "kedua", "bukti", "lokasi")]
    # No pairs: the summary alone, not the head of an empty table.
    table = [*md_table(headers, rows), ""] if rows else []
    lines = [f"# {t('sync.title')}", "", *table, t("sync.summary", n=len(overlaps)), ""]
    return "\n".join(lines)


def format_json(overlaps: Sequence[Overlap], catalog_path: str) -> str:
    """The pairs as one JSON document: :func:`overlap_dict` of each, as ``json_dumps`` lays it out.

    The parts of :func:`json_parts`, joined.
    """
    return "".join(json_parts(overlaps, catalog_path))


@collector.paused()
def json_parts(overlaps: Sequence[Overlap], catalog_path: str) -> list[str]:
    """:func:`format_json` in the parts it is made of, for a writer that streams them.

    ``json``'s indenting encoder is pure Python and took most of the time of ``sync --format
    json`` on a national catalog (tens of thousands of pairs, about 50 MB), so the pairs are
    written from a template of that same layout (:func:`_json_pairs`), with the C string
    encoder ``json.dumps`` itself uses; the text is byte-identical to ``json_dumps`` of the
    whole document (a property test holds them equal). A value the template does not take (not
    a str, int or finite float where one is expected) leaves the document to ``json_dumps``.
    """
    from spbe_cli.markup import json_dumps, json_escape_extra

    document = {"schema": "spbe.sync/1", "catalog": catalog_path, "jumlah": len(overlaps)}
    head = json_dumps({**document, "pasangan": []})
    if not overlaps:
        return [head]
    if isinstance(overlaps, LaidOut) and overlaps.body is not None:
        text = overlaps.body
        text = json_escape_extra(text)
        return [head[: -len(_EMPTY_TAIL)], "[\n", text, "\n  ]\n}"]
    # The second half of the pairs is laid out in a forked child when a core is idle (one that
    # meets a value the template does not take fails, and leaves its half to this process).
    # Measured on the national catalog (a shared machine, 4 runs each): this process's CPU
    # 0.63-0.70 s with the child (which took 0.57-0.60 s) against 0.66-0.78 s alone; laying
    # out a half after the fork took 0.36-0.48 s here against 0.26-0.41 s without one (copy on
    # write). Its gain in wall time is small; whether it pays on an idle core is to be measured.
    # Pairs still to be made (:class:`Found`, from spbe sync) are made where their half is laid
    # out: the child words the evidence of its half too (about 0.2 s of CPU on the national
    # catalog that this process no longer spends before the fork), and sends only its text.
    part = overlaps.part if isinstance(overlaps, Found) else lambda a, b: list(overlaps[a:b])
    size = len(overlaps)
    half = size // 2
    try:
        with forking(lambda: _json_pairs(part(half, size)), size, MIN_FORKED) as second:
            halves = [_json_pairs(part(0, half)), second()] if half else [second()]
    except TypeError:  # (the child, if any, is gone: ended and waited for)
        return [json_dumps({**document, "pasangan": [overlap_dict(o) for o in overlaps]})]
    # (of ASCII, json_escape_extra rewrites DEL only: 50 MB of it need no regular expression)
    halves = [json_escape_extra(text) for text in halves]
    # The last key's empty list closes the head: `"pasangan": []\n}`. The tens of MB of the
    # halves are not copied into one string here: ``spbe sync`` writes the parts one by one.
    body = [part for text in halves for part in (",\n", text)][1:]
    return [head[: -len(_EMPTY_TAIL)], "[\n", *body, "\n  ]\n}"]


_EMPTY_TAIL = "[]\n}"


def _json_number(value: float) -> str:
    """A score as ``json.dumps`` writes ``round(value, 4)``; TypeError for what it does not take."""
    value = round(value, 4)
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is not float or not math.isfinite(value):
        raise TypeError(value)
    return float.__repr__(value)


#: The text of each float score but zero (:func:`_json_pairs`); scores are ratios of word
#: counts, a few hundred distinct values. Only floats are kept: an equal int or bool is written
#: apart, as ``-0.0`` (equal to ``0.0``) is.
_SCORES: dict[float, str] = {}


def _json_side(c: Candidate, loc: Location | None) -> str:
    """``side()`` of :func:`overlap_dict` at a member's depth; TypeError for an unusual value."""
    q = encode_basestring  # TypeError for anything but a str
    if loc is None:
        where = '"path": null,\n        "line": null,\n        "column": null'
    elif type(loc.line) is not int or type(loc.column) is not int:
        raise TypeError(loc)
    else:
        line, column = loc.line, loc.column
        where = f'"path": {q(loc.path)},\n        "line": {line},\n        "column": {column}'
    return (
        f'{{\n        "id": {q(c.id)},\n        "nama": {q(c.nama)},\n'
        f'        "opd": {q(c.owner)},\n        "kode": {q(c.code)},\n'
        f"        {where}\n      }}"
    )


def _json_evidence(e: Evidence) -> str:
    """One element of ``bukti`` as it stands in a pair (its text: :func:`_evidence_text`)."""
    q = encode_basestring
    return (
        f'        {{\n          "kode": {q(e.code)},\n          "uraian": {q(e.text)}\n        }}'
    )


def _json_pairs(overlaps: list[Overlap]) -> str:
    """The elements of ``pasangan`` as ``json.dumps(indent=2)`` lays them out in the document.

    :func:`_json_items`, joined as the document joins them.
    """
    return ",\n".join(_json_items(overlaps))


def _json_items(overlaps: list[Overlap]) -> list[str]:
    """Each element of ``pasangan`` as ``json.dumps(indent=2)`` lays it out in the document.

    Before the extra escapes (:func:`spbe_cli.markup.json_escape_extra`); TypeError for a
    value the template does not take. A member (an item of a cluster of look-alikes is in
    several pairs, three on average on the national bench catalog), a piece of evidence (one
    object per distinct one: :func:`_said`), a kind and a score are each laid out once and
    found again, the objects by their identity (the pairs hold them for as long as this runs,
    and nothing is kept past it). One loop, without the layers of calls per pair the template
    had (0.65 s of CPU for the national catalog's 48,487 pairs before, 0.2 s after).
    """
    q = encode_basestring
    sides: dict[int, tuple[Location | None, str]] = {}
    pieces: dict[int, str] = {}
    kinds: dict[str, str] = {}
    scores = _SCORES

    def side(c: Candidate, loc: Location | None) -> str:
        known = sides.get(id(c))
        if known is None or known[0] is not loc:
            known = sides[id(c)] = (loc, _json_side(c, loc))
        return known[1]

    def skor(score: float) -> str:
        if type(score) is not float:
            return _json_number(score)
        if not score:  # 0.0 or -0.0: equal, written apart
            return "0.0" if math.copysign(1.0, score) > 0 else "-0.0"
        text = scores.get(score)
        if text is None:
            text = _json_number(score)
            if math.isfinite(score):
                scores[score] = text
        return text

    written: list[str] = []
    for kind, first, second, name, function, evidence, first_at, second_at in overlaps:
        jenis = kinds.get(kind) if type(kind) is str else None
        if jenis is None:
            jenis = kinds[kind] = q(kind)  # TypeError for anything but a str
        texts = []
        for e in evidence:
            piece = pieces.get(id(e))
            if piece is None:
                piece = pieces[id(e)] = _json_evidence(e)
            texts.append(piece)
        bukti = "[\n" + ",\n".join(texts) + "\n      ]" if texts else "[]"
        written.append(
            f'    {{\n      "jenis": {jenis},\n'
            f'      "skor_nama": {skor(name)},\n'
            f'      "skor_fungsi": {skor(function)},\n'
            f'      "bukti": {bukti},\n'
            f'      "pertama": {side(first, first_at)},\n'
            f'      "kedua": {side(second, second_at)}\n    }}'
        )
    return written
