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

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes with
from typing import Any, NamedTuple

from spbe_cli import collector
from spbe_cli.catalog import Catalog
from spbe_cli.errors import ExitCode, Location, location_fields
from spbe_cli.formatting import percent
from spbe_cli.i18n import language, t
from spbe_cli.markup import safe
from spbe_cli.models.common import in_use
from spbe_cli.owners import responsible_opd
from spbe_cli.parallel import forked
from spbe_cli.progress import is_cancelled
from spbe_cli.similarity import join, overlap, stopwords, tokens, word_sets

#: Kinds compared, in output order.
KINDS = ("program", "aplikasi", "data_informasi")
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

    overlaps: list[Overlap]
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
    same_code = a.code == b.code
    same_budget = a.budget_code != "" and a.budget_code == b.budget_code
    if not (
        name >= threshold
        or function >= threshold
        or same_budget
        or (same_code and max(name, function) >= threshold / 2)
    ):
        return ()
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


#: Items (of all kinds), or pairs, from which half of the work is done in a forked child when a
#: core is idle (:func:`spbe_cli.parallel.core_idle`); below, starting it costs what it saves.
MIN_FORKED = 10_000


@collector.paused()
def find_overlaps(
    catalog: Catalog,
    threshold: float | None = None,
    kinds: tuple[str, ...] = KINDS,
    opd: str | None = None,
    max_shared_budget: int = MAX_SHARED_BUDGET,
) -> list[Overlap]:
    """Every pair of look-alike items of different OPDs (``opd`` keeps pairs involving it)."""
    meta = catalog.metadata
    if threshold is None:
        threshold = meta.pengaturan.kemiripan_minimum if meta is not None else DEFAULT_THRESHOLD
    extra = tuple(tokens(meta.pemda.nama, frozenset())) if meta is not None else ()
    stop = stopwords(extra)
    result: list[Overlap] = []
    # An item of a cluster of look-alikes is in many pairs: its location is looked up once.
    places: dict[str, Location | None] = {}

    def where(item_id: str) -> Location | None:
        if item_id not in places:
            places[item_id] = catalog.where_known(item_id, "id")
        return places[item_id]

    items_of = {kind: candidates(catalog, kind, stop) for kind in kinds}
    # The joins on functions in a forked child when a core is idle, those on names here.
    by_function = forked(
        lambda: [_joined(items_of[kind], threshold, "function") for kind in kinds],
        sum(map(len, items_of.values())),
        MIN_FORKED,
    )
    by_name = [
        _joined(items_of[kind], threshold, "name") | _same_budget(items_of[kind], max_shared_budget)
        for kind in kinds
    ]
    for kind, named, functioned in zip(kinds, by_name, by_function(), strict=True):
        items = items_of[kind]
        for a_pos, b_pos in sorted(named | functioned):
            a, b = items[a_pos], items[b_pos]
            if a.owner == b.owner:
                continue
            if opd is not None and opd not in (a.owner, b.owner):
                continue
            name_words, name = overlap(a.name, b.name)
            function_words, function = overlap(a.function, b.function)
            evidence = _evidence(a, b, name, function, threshold, name_words, function_words)
            if evidence:
                result.append(
                    Overlap(
                        kind,
                        a,
                        b,
                        name,
                        function,
                        evidence,
                        where(a.id),
                        where(b.id),
                    )
                )
    order = {k: n for n, k in enumerate(KINDS)}
    result.sort(key=lambda o: (order.get(o.kind, 99), -o.score, o.first.id, o.second.id))
    return result


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
def format_text(overlaps: list[Overlap]) -> list[str]:
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
def format_markdown(overlaps: list[Overlap]) -> str:
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


@collector.paused()
def format_json(overlaps: list[Overlap], catalog_path: str) -> str:
    """The pairs as one JSON document: :func:`overlap_dict` of each, as ``json_dumps`` lays it out.

    ``json``'s indenting encoder is pure Python and took most of the time of ``sync --format
    json`` on a national catalog (tens of thousands of pairs), so each pair is written from a
    template of that same layout, with the C string encoder ``json.dumps`` itself uses; the text
    is byte-identical to ``json_dumps`` of the whole document (a property test holds them equal).
    """
    from spbe_cli.markup import json_dumps, json_escape_extra

    head = json_dumps(
        {"schema": "spbe.sync/1", "catalog": catalog_path, "jumlah": len(overlaps), "pasangan": []}
    )
    if not overlaps:
        return head
    # The last key's empty list closes the document: `"pasangan": []\n}`. The second half of
    # the pairs is laid out in a forked child when a core is idle.
    half = len(overlaps) // 2
    second = forked(
        lambda: ",\n".join(_json_pair(o) for o in overlaps[half:]), len(overlaps), MIN_FORKED
    )
    try:
        first = ",\n".join(_json_pair(o) for o in overlaps[:half])
        halves = [first, second()] if first else [second()]
    finally:
        _SIDES.clear()  # keyed by the objects' ids: only for as long as they surely live
        _BUKTI.clear()
    # Of ASCII, json_escape_extra rewrites DEL only (a test holds it): a national catalog's
    # 50 MB need no regular expression when they are ASCII, which str.isascii() tells in C.
    halves = [
        json_escape_extra(text) if not text.isascii() or "\x7f" in text else text for text in halves
    ]
    # One join of the parts: the tens of MB are copied once, not once per step.
    body = [part for text in halves for part in (",\n", text)][1:]
    return "".join([head[: -len(_EMPTY_TAIL)], "[\n", *body, "\n  ]\n}"])


_EMPTY_TAIL = "[]\n}"
#: A pair's members in the document: an element of ``pasangan``, 4 spaces in.
_PAIR_INDENT = "    "


def _json_pair(o: Overlap) -> str:
    """One element of ``pasangan`` as ``json_dumps`` indents it (before the extra escapes)."""
    try:
        return _json_pair_template(o)
    except TypeError:
        # A value the template does not take (not a str, int or finite float where one is
        # expected): json's own encoder, indented to the pair's depth. JSON strings hold no raw
        # newline, so every line break is one of the layout's.
        text = json.dumps(overlap_dict(o), ensure_ascii=False, indent=2)
        return _PAIR_INDENT + text.replace("\n", "\n" + _PAIR_INDENT)


def _json_number(value: float) -> str:
    """A score as ``json.dumps`` writes a finite float; TypeError for anything else."""
    if not math.isfinite(value):
        raise TypeError(value)
    return float.__repr__(value)


#: The text of each positive float score (:func:`_json_score`); scores are ratios of word
#: counts, a few hundred distinct values.
_SCORES: dict[float, str] = {}


def _json_score(value: float) -> str:
    """``round(value, 4)`` as ``json.dumps`` writes it; TypeError for what it does not take.

    Made once per positive float (``-0.0`` equals ``0.0`` but is written apart, an int equal
    to a float too: those are written each time).
    """
    if type(value) is float and value > 0.0:
        text = _SCORES.get(value)
        if text is None:
            text = _SCORES[value] = _json_number(round(value, 4))
        return text
    return _json_number(round(value, 4))


#: :func:`_json_evidence` of each piece of evidence of the :func:`format_json` in progress, by
#: the id of the object (held by the pairs it lays out, one object per distinct piece:
#: :func:`_said`), cleared when it ends.
_BUKTI: dict[int, str] = {}


#: :func:`_json_side` of each (item, location) of the :func:`format_json` in progress, by the
#: ids of the two objects (both held by the pairs it lays out), cleared when it ends.
_SIDES: dict[tuple[int, int], str] = {}


def _json_side(c: Candidate, loc: Location | None) -> str:
    """``side()`` of :func:`overlap_dict` at a member's depth; TypeError for an unusual value.

    An item of a cluster of look-alikes is in several pairs (three on average on the national
    bench catalog): its text is laid out once, and found again by the identity of its objects
    rather than by hashing its seven values.
    """
    key = (id(c), id(loc))
    text = _SIDES.get(key)
    if text is None:
        text = _SIDES[key] = _json_side_layout(c, loc)
    return text


def _json_side_layout(c: Candidate, loc: Location | None) -> str:
    """:func:`_json_side`, laid out."""
    if loc is None:
        return _json_side_text(c.id, c.nama, c.owner, c.code, None, None, None)
    if type(loc.line) is not int or type(loc.column) is not int or not isinstance(loc.path, str):
        raise TypeError(loc)
    return _json_side_text(c.id, c.nama, c.owner, c.code, loc.path, loc.line, loc.column)


def _json_side_text(
    item_id: str,
    nama: str,
    owner: str,
    code: str,
    path: str | None,
    line: int | None,
    column: int | None,
) -> str:
    """:func:`_json_side` of an item (without a location when ``path`` is None)."""
    q = encode_basestring  # TypeError for anything but a str
    if path is None:
        where = '"path": null,\n        "line": null,\n        "column": null'
    else:
        where = f'"path": {q(path)},\n        "line": {line},\n        "column": {column}'
    return (
        f'{{\n        "id": {q(item_id)},\n        "nama": {q(nama)},\n'
        f'        "opd": {q(owner)},\n        "kode": {q(code)},\n'
        f"        {where}\n      }}"
    )


def _json_evidence(e: Evidence) -> str:
    """One element of ``bukti`` as it stands in a pair (its text: :func:`_evidence_text`)."""
    q = encode_basestring
    return (
        f'        {{\n          "kode": {q(e.code)},\n          "uraian": {q(e.text)}\n        }}'
    )


def _json_pair_template(o: Overlap) -> str:
    """:func:`overlap_dict` of ``o`` laid out as ``json.dumps(indent=2)`` lays it in the list."""
    if o.evidence:
        pieces = []
        for e in o.evidence:
            piece = _BUKTI.get(id(e))
            if piece is None:
                piece = _BUKTI[id(e)] = _json_evidence(e)
            pieces.append(piece)
        items = ",\n".join(pieces)
        bukti = f"[\n{items}\n      ]"
    else:
        bukti = "[]"
    return (
        f'    {{\n      "jenis": {encode_basestring(o.kind)},\n'
        f'      "skor_nama": {_json_score(o.name_score)},\n'
        f'      "skor_fungsi": {_json_score(o.function_score)},\n'
        f'      "bukti": {bukti},\n'
        f'      "pertama": {_json_side(o.first, o.first_location)},\n'
        f'      "kedua": {_json_side(o.second, o.second_location)}\n    }}'
    )
