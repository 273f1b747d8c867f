"""The ChangeSet: what changed between two catalogs, in the catalog's own terms.

Entities are matched by kind and id (the metadata document by itself, ``referensi`` documents by
``daftar/kode``); fields are compared on the models, so file layout, key order, quoting and
``50`` against ``50.0`` are no change. Lists are matched by identity, not position: indicators by
name, budget lines by year, progress entries by year (then source or quarter when a year holds
several); lists of ids or words are compared as sets of values.

An entity whose id changed is a rename: with the same content it is paired exactly; with edits
too it is paired by similarity (:func:`similarity`): same kind, same owner, a name at least
:data:`NAME_THRESHOLD` alike and an overall score at least :data:`RENAME_THRESHOLD`, best pairs
first, each entity used once; an entity handed to another OPD with a new id pairs by its very
name (:func:`_moved_between_owners`). An id-matched pair less alike than that gives way to a
better pairing or, its id reused for an unrelated entity (:func:`reused`), becomes a removal
and an addition (:func:`_reassigned`). List items whose identity changed (an indicator
renamed, a budget line whose source changed) are paired the same way inside their list
(:data:`ITEM_THRESHOLD`), without the names' own threshold.
"""

from __future__ import annotations

import difflib
import enum
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from spbe_cli import plan
from spbe_cli.catalog import Catalog, Source
from spbe_cli.diff.findings import Milder
from spbe_cli.diff.prose import ProseChange
from spbe_cli.errors import ExitCode, Finding, Location, Severity
from spbe_cli.models import MODELS, Rencana
from spbe_cli.owners import responsible_opd

#: Kinds in the order output shows them.
KIND_ORDER: dict[str, int] = {kind: index for index, kind in enumerate(MODELS)}

#: List fields whose items are matched by identity: the key fields to try, most natural first.
LIST_IDENTITY: dict[str, tuple[tuple[str, ...], ...]] = {
    "indikator": (("nama",),),
    "anggaran": (("tahun",), ("tahun", "sumber")),
    "progres": (("tahun",), ("tahun", "triwulan")),
    "misi": (("nomor",),),
    "reviu": (("tanggal",), ("tanggal", "jenis")),
    "penilaian": (("indikator",),),
    "keterkaitan": (("nama",), ("jenis", "nama")),
    "tujuan": (("uraian",),),
    "sasaran": (("uraian",),),
}
"""Every list of models of the catalog has an entry (a test checks it): a list without one was
shown whole, ``penilaian: [{indikator: 1}, ...] → [...]``, with the ids of ``bukti`` inside."""


#: Least overall similarity (0-1) for a removed and an added entity to be one renamed entity.
RENAME_THRESHOLD = 0.75
#: Least similarity of the names (0-1, difflib's ratio on case-folded names) for a rename.
NAME_THRESHOLD = 0.6
#: Least overall similarity (0-1) for a removed and an added list item to be one renamed item.
ITEM_THRESHOLD = 0.6
#: Fields holding the name compared by :data:`NAME_THRESHOLD`.
NAME_FIELDS = ("nama", "judul")
#: Below this score (the mean of :func:`similarity`, owner not gating), with names less than
#: :data:`NAME_THRESHOLD` alike, an entity matched by id is another entity under a reused id.
REUSE_THRESHOLD = 0.5


class ChangeType(str, enum.Enum):
    """What happened to one entity."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    RENAMED = "renamed"


# -- field paths ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A key of a free mapping (a year in ``target``, an indicator name in ``realisasi``)."""

    value: Any


@dataclass(frozen=True)
class Item:
    """A list item, named by its identity fields (``tahun: 2025``) and, if needed, occurrence."""

    key: tuple[tuple[str, Any], ...]
    occurrence: int = 0

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the identity fields."""
        return tuple(name for name, _ in self.key)

    @property
    def label(self) -> str:
        """``2025``, ``2025/APBD``, ``Capaian`` or ``Capaian#2``."""
        text = "/".join(scalar_text(value) for _, value in self.key)
        return f"{text}#{self.occurrence + 1}" if self.occurrence else text

    def __lt__(self, other: Item) -> bool:
        return self._order() < other._order()

    def _order(self) -> tuple[tuple[tuple[bool, str], ...], int]:
        # Years and quarters sort as numbers; a missing quarter sorts first.
        parts = tuple(
            (v is not None, f"{v:012d}" if isinstance(v, int) else scalar_text(v))
            for _, v in self.key
        )
        return parts, self.occurrence


Segment = str | Key | Item


def field_path(loc: Sequence[Segment]) -> str:
    """Render a path as ``indikator[Capaian].target[2027]``."""
    text = ""
    for part in loc:
        if isinstance(part, Key):
            text += f"[{scalar_text(part.value)}]"
        elif isinstance(part, Item):
            text += f"[{part.label}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its path, the old value and the new (None when absent)."""

    loc: tuple[Segment, ...]
    old: Any
    new: Any
    #: whether the old and the new value is a figure of an illustrative budget line
    illustrative: tuple[bool, bool] = (False, False)

    @property
    def path(self) -> str:
        """The field path as text."""
        return field_path(self.loc)


# -- entities and changes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One document of a catalog that the diff matches: its kind, id, model and source."""

    kind: str
    id: str
    model: BaseModel
    source: Source | None

    @property
    def name(self) -> str | None:
        """A human name for the entity (nama, judul, or the Pemda's name)."""
        return display_name(self.kind, self.model)

    def location(self, *loc: str | int) -> Location | None:
        """Where a field of this document is, or None when not known."""
        return self.source.location(*loc) if self.source is not None else None


def display_name(kind: str, model: Any) -> str | None:
    """The name shown next to an id."""
    if kind == "metadata":
        return str(model.pemda.nama)
    for attr in ("nama", "judul"):
        value = getattr(model, attr, None)
        if isinstance(value, str):
            return value
    return None


@dataclass(frozen=True)
class Change:
    """What happened to one entity between the two sides."""

    kind: str
    id: str
    change: ChangeType
    old: Record | None
    new: Record | None
    fields: tuple[FieldChange, ...] = ()
    #: For an added or renamed entity: the other entity that held its id on the old side (the
    #: id was reused, or entities traded or shifted ids), whose referrers now mean this one.
    replaces: Record | None = None
    #: A changed entity whose every field only followed another entity's new id (a reference
    #: ``APP-02`` -> ``APP-WISATA``): shown with the rename, not counted as changed.
    follows_rename: bool = False

    @property
    def old_id(self) -> str | None:
        """The id on the old side (differs from ``id`` for a rename)."""
        return self.old.id if self.old is not None else None

    @property
    def name(self) -> str | None:
        """The entity's name on the newest side that has it."""
        record = self.new or self.old
        return record.name if record is not None else None

    def sort_key(self) -> tuple[int, str, int, str]:
        """Kind order, then id; at one id (a reused id) what left it before what took it."""
        order = (ChangeType.REMOVED, ChangeType.ADDED, ChangeType.RENAMED, ChangeType.CHANGED)
        return (KIND_ORDER.get(self.kind, 99), self.id, order.index(self.change), self.old_id or "")


@dataclass(frozen=True)
class Referrer:
    """An entity (or the metadata) whose reference to an id the change left as it was."""

    kind: str
    id: str
    name: str | None
    #: the field holding the reference, as a path (``aplikasi[0]``)
    field: str
    location: Location | None


@dataclass(frozen=True)
class Attention:
    """A change a reviewer must see first, under a rule code (SPBE7xx)."""

    code: str
    severity: Severity
    kind: str
    id: str
    message: str
    location: Location | None = None
    #: a figure in the message sums illustrative budget lines (and carries the mark)
    illustrative: bool = False
    #: the values the message was filled with (``id``, ``kind``, ``old``, ...), for a document
    #: to word the same finding for its readers (codes by their labels)
    values: tuple[tuple[str, Any], ...] = ()
    #: SPBE711: the references to the id left as they were, which now mean the other entity
    #: (None: not looked for)
    referrers: tuple[Referrer, ...] | None = None

    def sort_key(self) -> tuple[int, int, str, str]:
        """Warnings first, then kind order, id and code."""
        return (self.severity.rank, KIND_ORDER.get(self.kind, 99), self.id, self.code)


@dataclass(frozen=True)
class SideInfo:
    """How one side of the diff is shown and where it came from."""

    label: str
    kind: str
    revision: str | None = None
    path: str = ""
    #: The catalog folder is not on this side (an empty catalog).
    missing: bool = False


@dataclass(frozen=True)
class Uncomparable:
    """A file of one side that did not load: the entities in it cannot be compared.

    ``ids`` are the entities the other side has there, whose change is therefore unknown (they
    are neither reported removed nor added); ``findings`` are the load errors of the file.
    """

    side: str
    path: str
    ids: tuple[str, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class RuleLevel:
    """A rule whose level the rule configuration (``.spbe.yaml``) changes between the sides.

    ``findings``: the rule's findings on the new side before its level applies (how many the
    change silences when it turns the rule ``off``); None when findings were not compared.
    """

    code: str
    old: str
    new: str
    findings: int | None = None


@dataclass
class FileStats:
    """Files on each side, and how many were parsed (the others were equal on both sides)."""

    old: int = 0
    new: int = 0
    old_parsed: int = 0
    new_parsed: int = 0

    @property
    def unchanged(self) -> int:
        """Files skipped because their content is the same on both sides."""
        return self.old - self.old_parsed


@dataclass
class ChangeSet:
    """Every change between two catalogs, plus the changes that need attention."""

    old: SideInfo
    new: SideInfo
    changes: list[Change] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    #: ``(kind, id)`` of every parsed entity that is the same on both sides.
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    files: FileStats = field(default_factory=FileStats)
    #: ``--exit-code``: exit 1 when something changed.
    fail_on_change: bool = False
    #: Files of either side that did not load, and the entities they hide.
    uncomparable: list[Uncomparable] = field(default_factory=list)
    #: Validation findings of the new side that the old side does not have (most severe first).
    introduced: list[Finding] = field(default_factory=list)
    #: Validation findings of the old side that the new side no longer has.
    fixed: list[Finding] = field(default_factory=list)
    #: Findings of the new side the old side had at a more severe level (an error now a warning).
    milder: list[Milder] = field(default_factory=list)
    #: Whether findings were compared (``--no-findings`` skips it).
    findings_compared: bool = False
    #: Prose sections (``metadata.prosa``) whose text changed.
    prose: list[ProseChange] = field(default_factory=list)
    #: Rule exceptions in force on the new side (``.spbe.yaml``), each with "new in this change".
    exceptions: list[tuple[Any, bool]] = field(default_factory=list)
    #: Rule exceptions of the old side that the new side no longer has.
    exceptions_removed: list[Any] = field(default_factory=list)
    #: The old reason of each exception (by code and entity) whose reason the change rewrote.
    exception_reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Rules whose level (``.spbe.yaml`` ``aturan``) differs between the sides.
    rule_levels: list[RuleLevel] = field(default_factory=list)
    #: The Pemda's name (the old side's, else the new one's): a document cites the regional
    #: regulations the new side no longer has with it ("Peraturan Bupati Mimika Nomor 5 ...").
    pemda: str = ""

    def __bool__(self) -> bool:
        # A new exception or a finding that appears or goes (a changed .spbe.yaml, say) is a
        # change a reviewer must see, even when no entity changed.
        return bool(
            self.changes
            or self.uncomparable
            or self.prose
            or self.introduced
            or self.fixed
            or self.milder
            or any(new for _, new in self.exceptions)
            or self.exceptions_removed
            or self.exception_reasons
            or self.rule_levels
        )

    @property
    def return_code(self) -> ExitCode:
        """Exit code: 1 with ``--exit-code`` when something changed or cannot be compared."""
        return ExitCode.FINDINGS if self.fail_on_change and self else ExitCode.OK

    def count(self, change: ChangeType, kind: str | None = None) -> int:
        """Count changes of one type (of one kind).

        An entity that only followed a rename is not counted as changed (:meth:`followed`).
        """
        return sum(
            1
            for c in self.changes
            if c.change is change and (kind is None or c.kind == kind) and not c.follows_rename
        )

    def followed(self, kind: str | None = None) -> int:
        """Count the entities whose only change is a reference following a renamed id."""
        return sum(1 for c in self.changes if c.follows_rename and (kind is None or c.kind == kind))

    def taken_by(self, entity_id: str) -> str | None:
        """The name of the entity that took an id another entity held before (None if none)."""
        for change in self.changes:
            if change.id == entity_id and change.replaces is not None and change.new is not None:
                return change.new.name or change.id
        return None

    def renames(self) -> dict[str, str]:
        """Old id -> new id of every entity this change renamed."""
        return renames_of(self.changes)

    def renamed_to(self, old_id: str) -> str | None:
        """The new id of an entity this change renamed (None when it kept its id)."""
        return self.renames().get(old_id)

    def by_kind(self) -> dict[str, list[Change]]:
        """Changes grouped by kind, kinds in catalog order."""
        result: dict[str, list[Change]] = {}
        for change in self.changes:
            result.setdefault(change.kind, []).append(change)
        return result


# -- reading a catalog into records --------------------------------------------------------------


def records_of(catalog: Catalog) -> dict[tuple[str, str], Record]:
    """Every document the diff matches, by ``(namespace, id)``."""
    records: dict[tuple[str, str], Record] = {}
    if catalog.metadata is not None:
        records[("metadata", "metadata")] = Record(
            "metadata", "metadata", catalog.metadata, catalog.metadata_source
        )
    for referensi, source in catalog.referensi:
        ident = f"{referensi.daftar}/{referensi.kode}"
        records.setdefault(("referensi", ident), Record("referensi", ident, referensi, source))
    for kind, entity_id, model in catalog.items():
        records[("", entity_id)] = Record(kind, entity_id, model, catalog.sources.get(entity_id))
    return records


# -- comparing values ----------------------------------------------------------------------------


def scalar_text(value: Any) -> str:
    """A mapping key or identity value as text (years as digits, dates as YYYY-MM-DD)."""
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _decimal_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def compare(old: Any, new: Any, loc: tuple[Segment, ...] = ()) -> Iterator[FieldChange]:
    """Yield the differences between two values (models, mappings, lists, scalars)."""
    if old == new:
        return
    if isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old) is type(new):
        for name in type(old).model_fields:
            yield from compare(getattr(old, name), getattr(new, name), (*loc, name))
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in _union(old, new):
            yield from compare(old.get(key), new.get(key), (*loc, Key(key)))
        return
    if isinstance(old, list) and isinstance(new, list):
        yield from _compare_lists(old, new, loc)
        return
    yield FieldChange(loc, old, new)


def _mark_illustrative(
    old: BaseModel, new: BaseModel, fields: Iterable[FieldChange]
) -> tuple[FieldChange, ...]:
    """Mark the changes of budget lines that are illustrative (the line's or the item's flag)."""
    if not isinstance(old, Rencana) or not isinstance(new, Rencana):
        return tuple(fields)
    identity = LIST_IDENTITY["anggaran"]
    lines = _keyed(old.anggaran, new.anggaran, identity)
    result = []
    for change in fields:
        if len(change.loc) >= 2 and change.loc[0] == "anggaran" and isinstance(change.loc[1], Item):
            item = change.loc[1]
            sides = tuple(
                line is not None and plan.is_illustrative(model, line)
                for model, line in ((old, lines[0].get(item)), (new, lines[1].get(item)))
            )
            change = replace(change, illustrative=(sides[0], sides[1]))
        result.append(change)
    return tuple(result)


def _union(old: dict[Any, Any], new: dict[Any, Any]) -> list[Any]:
    keys = list(old) + [k for k in new if k not in old]
    try:
        return sorted(keys)
    except TypeError:
        return keys


def _compare_lists(
    old: list[Any], new: list[Any], loc: tuple[Segment, ...]
) -> Iterator[FieldChange]:
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    identity = LIST_IDENTITY.get(name)
    if identity and all(isinstance(v, BaseModel) for v in (*old, *new)):
        old_items, new_items = _keyed(old, new, identity)
        gone = [k for k in old_items if k not in new_items]
        came = [k for k in new_items if k not in old_items]
        moved = dict(item_pairs(gone, came, old_items.__getitem__, new_items.__getitem__))
        renamed = set(moved.values())
        for key in _union(old_items, new_items):
            if key in renamed:
                continue  # shown under its old identity
            if key in moved:
                # Under the old identity, the identity fields last: applied in order, the
                # changes still find the item.
                found = compare(old_items[key], new_items[moved[key]], (*loc, key))
                yield from sorted(found, key=lambda f: f.loc[len(loc) + 1] in key.fields)
                continue
            yield from compare(old_items.get(key), new_items.get(key), (*loc, key))
        return
    if all(_hashable(v) for v in (*old, *new)) and Counter(old) == Counter(new):
        return  # the same values in another order
    yield FieldChange(loc, old, new)


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | Decimal | date | bool) or value is None


def _keyed(
    old: list[Any], new: list[Any], identity: tuple[tuple[str, ...], ...]
) -> tuple[dict[Item, Any], dict[Item, Any]]:
    """Index both lists by the first identity that is unique on both sides."""
    for fields in identity:
        old_keys = [_identity(v, fields) for v in old]
        new_keys = [_identity(v, fields) for v in new]
        if len(set(old_keys)) == len(old_keys) and len(set(new_keys)) == len(new_keys):
            return (
                {Item(k): v for k, v in zip(old_keys, old, strict=True)},
                {Item(k): v for k, v in zip(new_keys, new, strict=True)},
            )
    fields = identity[-1]
    return _occurrences(old, fields), _occurrences(new, fields)


def labelled_path(model: Any, loc: Sequence[str | int]) -> str:
    """A field path of ``model`` as its field changes are written: list items by identity.

    ``("penilaian", 12, "bukti", 0)`` of a self-assessment reads ``penilaian[13].bukti[0]``,
    as ``penilaian[13].nilai: 2 → 3`` does (indicator 13), not the position ``[12]``; a list
    without an identity keeps its positions.
    """
    segments: list[Segment] = []
    value, name = model, ""
    for part in loc:
        if isinstance(part, str):
            segments.append(part)
            name, value = part, getattr(value, part, None)
            continue
        items = value if isinstance(value, list) else []
        identity = LIST_IDENTITY.get(name)
        item = items[part] if 0 <= part < len(items) else None
        models = all(isinstance(v, BaseModel) for v in items)
        if identity and item is not None and models:
            keyed = _keyed(items, items, identity)[1]
            segments.append(next(key for key, v in keyed.items() if v is item))
        else:
            segments.append(Key(part))
        value = item
    return field_path(segments)


def _identity(value: Any, fields: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, getattr(value, name)) for name in fields)


def _occurrences(values: list[Any], fields: tuple[str, ...]) -> dict[Item, Any]:
    seen: Counter[tuple[tuple[str, Any], ...]] = Counter()
    result: dict[Item, Any] = {}
    for value in values:
        key = _identity(value, fields)
        result[Item(key, seen[key])] = value
        seen[key] += 1
    return result


# -- similarity ----------------------------------------------------------------------------------


def similarity(old: BaseModel, new: BaseModel, *, name_gate: bool = True) -> float:
    """How alike two models of the same type are, ids aside: 0 (nothing alike) to 1.

    The mean of the name's similarity (when the model has a name) and the share of the other
    fields that are equal. Another owner or another type scores 0. With ``name_gate`` (for
    entities) so do names less than :data:`NAME_THRESHOLD` alike: a different name with the
    same fields is another entity. Without it (items of one entity's list) the name only
    counts in the mean: an indicator renamed ``Capaian`` -> ``Capaian pelatihan`` (names
    0.58 alike) whose target was also edited was one removed and one added indicator.
    """
    if type(old) is not type(new):
        return 0.0
    # Another owner is another entity here (spbe_cli.owners, as every command reads it); a
    # handover with a new id is paired by its very name (_moved_between_owners).
    if responsible_opd(old) != responsible_opd(new):
        return 0.0
    return _score(*likeness(old, new), name_gate=name_gate)


def _score(ratio: float | None, fields: float, *, name_gate: bool = True) -> float:
    """:func:`similarity` of two models of one type and owner, from :func:`likeness`."""
    if ratio is None:
        return fields
    if name_gate and ratio < NAME_THRESHOLD:
        return 0.0
    return (ratio + fields) / 2


def likeness(old: BaseModel, new: BaseModel) -> tuple[float | None, float]:
    """The two parts of :func:`similarity`: the names' ratio and the share of equal fields.

    The ratio is None without a name on both sides; the owner is among the fields.
    """
    a, b = plain(old), plain(new)
    if not isinstance(a, dict) or not isinstance(b, dict):
        return None, 1.0 if a == b else 0.0
    keys = (set(a) | set(b)) - {"id", *NAME_FIELDS}
    same = sum(1 for k in keys if a.get(k) == b.get(k))
    fields = same / len(keys) if keys else 1.0
    name = next((n for n in NAME_FIELDS if isinstance(a.get(n), str)), None)
    if name is None or not isinstance(b.get(name), str):
        return None, fields
    return name_likeness(a[name], b[name]), fields


def name_likeness(old: str, new: str) -> float:
    """How alike two names are, 0 to 1: difflib's ratio on the case-folded names."""
    return difflib.SequenceMatcher(None, old.casefold(), new.casefold(), autojunk=False).ratio()


def reused(ratio: float | None, fields: float) -> bool:
    """Whether two entities of one id (parts of :func:`likeness`) are two: the id was reused.

    Names less than :data:`NAME_THRESHOLD` alike and a mean below :data:`REUSE_THRESHOLD`,
    whoever owns them; an entity without a name is never judged so.
    """
    return ratio is not None and ratio < NAME_THRESHOLD and (ratio + fields) / 2 < REUSE_THRESHOLD


def item_pairs(
    gone: Sequence[Any],
    came: Sequence[Any],
    old_model: Callable[[Any], BaseModel] = lambda item: item,
    new_model: Callable[[Any], BaseModel] = lambda item: item,
) -> list[tuple[Any, Any]]:
    """Pair list items whose identity changed (a renamed indicator), best pairs first.

    The one rule for both the field changes and the attention rules (SPBE704), so they never
    disagree on a rename.

    ``old_model``/``new_model`` give the model of an item when the items are keys.
    """
    return best_pairs(
        gone,
        came,
        lambda a, b: similarity(old_model(a), new_model(b), name_gate=False),
        ITEM_THRESHOLD,
    )


def best_pairs(
    old: Sequence[Any], new: Sequence[Any], score: Any, threshold: float
) -> list[tuple[Any, Any]]:
    """Pair items one to one, the most similar pairs first, at or above ``threshold``.

    Ties are broken by position, so the result does not depend on anything but the input.
    """
    if not old or not new:
        return []
    scored = []
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            value = score(a, b)
            if value >= threshold:
                scored.append((-value, i, j))
    scored.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old[i], new[j]))
    return pairs


# -- plain values for output ---------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A JSON-ready form of a model value: numbers stay numbers, dates become YYYY-MM-DD.

    Fields holding their default are left out, as a person would write the entity: the output
    stays the same when a model gains an optional field.
    """
    if isinstance(value, BaseModel):
        result = {}
        for name, info in type(value).model_fields.items():
            item = getattr(value, name)
            if info.is_required() or item != info.get_default(call_default_factory=True):
                result[name] = plain(item)
        return result
    if isinstance(value, dict):
        return {scalar_text(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def content_key(model: BaseModel) -> str:
    """The model's content without its id, canonical: equal for a pure rename."""
    data = plain(model)
    if isinstance(data, dict):
        data.pop("id", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


# -- the diff ------------------------------------------------------------------------------------


def diff_records(
    old: dict[tuple[str, str], Record], new: dict[tuple[str, str], Record]
) -> tuple[list[Change], list[tuple[str, str]]]:
    """Match documents by key and kind; then renames, reused ids and references that follow."""
    changes: list[Change] = []
    unchanged: list[tuple[str, str]] = []
    removed: list[Record] = []
    added: list[Record] = []
    for key, before in old.items():
        after = new.get(key)
        if after is None or after.kind != before.kind:
            removed.append(before)
            continue
        if before.model is after.model:
            fields: tuple[FieldChange, ...] = ()  # one content on both sides (see SharedLoad)
        else:
            fields = _mark_illustrative(
                before.model, after.model, compare(before.model, after.model)
            )
        if fields:
            changes.append(Change(after.kind, after.id, ChangeType.CHANGED, before, after, fields))
        else:
            unchanged.append((after.kind, after.id))
    for key, after in new.items():
        previous = old.get(key)
        if previous is None or previous.kind != after.kind:
            added.append(after)
    suspects = _suspects(changes)
    renames, broken = _reassigned(suspects, removed, added)
    if broken:
        gone = {id(c) for c in broken}
        changes = [c for c in changes if id(c) not in gone]
        removed += [c.old for c in broken if c.old is not None]
        added += [c.new for c in broken if c.new is not None]
    for before, after in renames:
        fields = tuple(f for f in compare(before.model, after.model) if f.loc[:1] != ("id",))
        changes.append(Change(after.kind, after.id, ChangeType.RENAMED, before, after, fields))
    renamed_old = {id(b) for b, _ in renames}
    renamed_new = {id(a) for _, a in renames}
    changes.extend(
        Change(r.kind, r.id, ChangeType.REMOVED, r, None)
        for r in removed
        if id(r) not in renamed_old
    )
    changes.extend(
        Change(r.kind, r.id, ChangeType.ADDED, None, r) for r in added if id(r) not in renamed_new
    )
    changes = _with_context(changes, old)
    changes.sort(key=Change.sort_key)
    unchanged.sort(key=lambda pair: (KIND_ORDER.get(pair[0], 99), pair[1]))
    return changes, unchanged


def _with_context(changes: list[Change], old: dict[tuple[str, str], Record]) -> list[Change]:
    """Mark what a reviewer reads differently: reused ids, references that followed.

    ``replaces``: an id that names another entity than before; ``follows_rename``: an entity
    whose only edit is a reference following a rename.
    """
    renames = renames_of(changes)
    result = []
    for change in changes:
        if change.change in (ChangeType.ADDED, ChangeType.RENAMED) and change.kind not in (
            "metadata",
            "referensi",
        ):
            holder = old.get(("", change.id))
            if holder is not None and holder is not change.old:
                change = replace(change, replaces=holder)
        elif (
            change.change is ChangeType.CHANGED
            and renames
            and change.fields
            and all(follows_rename(change.kind, f, renames) for f in change.fields)
        ):
            change = replace(change, follows_rename=True)
        result.append(change)
    return result


def renames_of(changes: Iterable[Change]) -> dict[str, str]:
    """Old id -> new id of every renamed entity among ``changes``."""
    return {c.old.id: c.id for c in changes if c.change is ChangeType.RENAMED and c.old}


def references_field(kind: str, field: FieldChange) -> bool:
    """Whether a changed field of a ``kind`` entity holds references (ids of other entities)."""
    from spbe_cli.links import holds_references

    return holds_references(kind, [part for part in field.loc if isinstance(part, str)])


def renamed_value(value: Any, renames: dict[str, str]) -> Any:
    """A reference (an id, or a list of ids and words) with renamed ids given their new id.

    ``APP-02`` -> ``APP-WISATA``; other values as they are.
    """
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [renames.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def follows_rename(kind: str, field: FieldChange, renames: dict[str, str]) -> bool:
    """Whether a changed field of a ``kind`` entity only followed renamed ids.

    ``renames``: old id -> new id. Only a field that holds references
    (:func:`spbe_cli.links.holds_references`) follows a rename: a name or a note whose text
    was an old id and now is the new one is an edit like any other. The one rule for ``spbe
    diff``'s counts and a document's Daftar Perubahan.
    """
    if not references_field(kind, field):
        return False
    old = renamed_value(field.old, renames)
    if old == field.old:
        return False
    if old == field.new:
        return True
    return (
        isinstance(old, list)
        and isinstance(field.new, list)
        and all(_hashable(v) for v in (*old, *field.new))
        and Counter(old) == Counter(field.new)
    )


def _suspects(changes: list[Change]) -> list[tuple[Change, bool]]:
    """Entities matched by id that may not be one entity, each with whether the id was reused.

    An id-matched pair less alike than :data:`RENAME_THRESHOLD` (the cheap bound
    :func:`_surely_alike` first: a large change edits thousands of entities).
    """
    found = []
    for c in changes:
        if c.old is None or c.new is None or c.kind in ("metadata", "referensi"):
            continue
        before, after = c.old.model, c.new.model
        if _surely_alike(before, after):
            continue
        parts = likeness(before, after)  # once: plain values of large entities are not cheap
        owner = type(before) is type(after) and responsible_opd(before) == responsible_opd(after)
        if owner and _score(*parts) >= RENAME_THRESHOLD:
            continue
        found.append((c, reused(*parts)))
    return found


def _reassigned(
    suspects: list[tuple[Change, bool]], removed: list[Record], added: list[Record]
) -> tuple[list[tuple[Record, Record]], list[Change]]:
    """The renames, and the id-matched changes that are no single entity (``suspects``).

    Removed and added entities, and both sides of every suspect, are paired as renames are
    (:func:`_renames`). A suspect (alike less than :data:`RENAME_THRESHOLD`) is broken up when
    one of its sides found a partner at least that alike, the better explanation: two
    programs that traded ids, ids shifted by one after a deletion (``PRG-04`` is now
    ``PRG-03``), an entity copied over another's id. Or when its id was reused
    (:func:`reused`), an unrelated entity under the old id. Any other suspect stays matched by
    id (a heavy edit).
    """
    pairs = _renames(
        [*removed, *(c.old for c, _ in suspects if c.old)],
        [*added, *(c.new for c, _ in suspects if c.new)],
    )
    paired = {id(record) for pair in pairs for record in pair}
    broken = [c for c, reuse in suspects if reuse or id(c.old) in paired or id(c.new) in paired]
    return pairs, broken


def _surely_alike(old: BaseModel, new: BaseModel) -> bool:
    """Whether :func:`similarity` is surely at least :data:`RENAME_THRESHOLD`, cheaply.

    :func:`similarity` turns both models into plain values, deeply: for every edited entity of
    a large change that cost seconds, and an edit that keeps the owner and most fields is no
    swapped id. A bound instead of the plain values: a field whose plain value differs has a
    different value, and every required field is among the fields compared, so the share of
    equal fields is at least ``1 - differing / (required | differing)``; the name's ratio is
    computed as :func:`similarity` computes it. False when the bound is not enough (the caller
    then computes the similarity).
    """
    if type(old) is not type(new) or responsible_opd(old) != responsible_opd(new):
        return False
    fields = type(old).model_fields
    skipped = {"id", *NAME_FIELDS}
    differing = {n for n in fields if n not in skipped and getattr(old, n) != getattr(new, n)}
    compared = len(_required_fields(type(old)) | differing)
    share = 1 - len(differing) / compared if compared else 1.0
    kept = _kept_name(old)
    if kept is None:
        return share >= RENAME_THRESHOLD  # no name: the score is the share of equal fields
    name, before = kept
    after = getattr(new, name, None)
    if not isinstance(after, str) or not _kept(new, name):
        return share >= RENAME_THRESHOLD  # as similarity(): the old side's name, read on both
    score = name_likeness(before, after)
    return score >= NAME_THRESHOLD and (score + share) / 2 >= RENAME_THRESHOLD


def _kept(model: BaseModel, name: str) -> bool:
    """Whether a field is in the model's plain form (:func:`plain` leaves out defaults)."""
    info = type(model).model_fields[name]
    return info.is_required() or getattr(model, name) != info.get_default(call_default_factory=True)


def _kept_name(model: BaseModel) -> tuple[str, str] | None:
    """The first name field the plain form keeps as text, and the text (what similarity reads)."""
    for name in NAME_FIELDS:
        if name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, str) and _kept(model, name):
                return name, value
    return None


_REQUIRED: dict[type, frozenset[str]] = {}


def _required_fields(model: type[BaseModel]) -> frozenset[str]:
    """The required fields of a model type but the id and the name (always in its plain form)."""
    found = _REQUIRED.get(model)
    if found is None:
        skipped = {"id", *NAME_FIELDS}
        found = frozenset(
            n for n, info in model.model_fields.items() if info.is_required() and n not in skipped
        )
        _REQUIRED[model] = found
    return found


def _renames(removed: list[Record], added: list[Record]) -> list[tuple[Record, Record]]:
    """Pair removed and added entities of one kind: same content first, then by similarity."""
    candidates = [r for r in removed if r.kind not in ("metadata", "referensi")]
    if not candidates or not added:
        return []
    pool: dict[tuple[str, str], list[Record]] = {}
    for record in sorted(candidates, key=lambda r: r.id):
        pool.setdefault((record.kind, content_key(record.model)), []).append(record)
    pairs: list[tuple[Record, Record]] = []
    rest: list[Record] = []
    for record in sorted(added, key=lambda r: r.id):
        if record.kind in ("metadata", "referensi"):
            continue
        matches = pool.get((record.kind, content_key(record.model)))
        if matches:
            pairs.append((matches.pop(0), record))
        else:
            rest.append(record)
    left = [r for records in pool.values() for r in records]
    # Similar pairs only inside one kind and one owner: never every pair of a large catalog.
    groups: dict[tuple[str, str], tuple[list[Record], list[Record]]] = {}
    for side, records in ((0, sorted(left, key=lambda r: r.id)), (1, rest)):
        for record in records:
            groups.setdefault((record.kind, _owner(record.model)), ([], []))[side].append(record)
    for before, after in groups.values():
        pairs += best_pairs(
            before, after, lambda a, b: similarity(a.model, b.model), RENAME_THRESHOLD
        )
    return pairs + _moved_between_owners(pairs, left, rest)


def _moved_between_owners(
    pairs: list[tuple[Record, Record]], left: list[Record], rest: list[Record]
) -> list[tuple[Record, Record]]:
    """Entities handed to another OPD with a new id (ids often name their OPD): renames too.

    Bounded as the other pairings are: only the same kind and the same name (case-folded) are
    compared, by the score of :func:`similarity` with the owner as one more field that differs.
    """
    paired = {id(record) for pair in pairs for record in pair}
    groups: dict[tuple[str, str], tuple[list[Record], list[Record]]] = {}
    for side, records in ((0, left), (1, rest)):
        for record in records:
            kept = _kept_name(record.model)
            if kept is not None and id(record) not in paired:
                key = (record.kind, kept[1].casefold())
                groups.setdefault(key, ([], []))[side].append(record)
    moved: list[tuple[Record, Record]] = []
    for before, after in groups.values():
        if before and after:
            moved += best_pairs(
                before,
                after,
                # not an entity and its own new side (an owner changed, the id kept)
                lambda a, b: _score(*likeness(a.model, b.model)) if a.id != b.id else 0.0,
                RENAME_THRESHOLD,
            )
    return moved


def _owner(model: BaseModel) -> str:
    return responsible_opd(model) or ""
