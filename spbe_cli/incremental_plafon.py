"""The Indeks plafon (SPBE801-SPBE805) following an edit (see :mod:`spbe_cli.incremental`).

The plafon counts tens of thousands of domain entities (every application, infrastructure,
dataset...). Each entity's facts are its :func:`~spbe_cli.plafon.marks` (what it adds to the
counts), and the snapshot keeps the counts summed over the catalog (a
:class:`~spbe_cli.plafon.Tally`: a section ``kept:check_evaluasi:<bag>`` per bag, read when
asked for). An edit takes out the marks the changed entities had and
puts in those they have now: the rule then runs on the counts, never walking the entities.
What it looks up one by one (the regulasi and layanan an evaluation cites, the Peta Rencana
items) are the few fields it reads of them, read from the sections of facts that hold them;
the evaluations are built whole (their facts are a digest, so any edit of one runs the rule).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from spbe_cli.checks import Context
from spbe_cli.errors import Finding
from spbe_cli.incremental import CannotFollow, Change, _place, register
from spbe_cli.incremental_rules import (
    FIELDS,
    Facts,
    MissingFact,
    _FactCatalog,
    _made,
    _NoClaims,
    _rule,
    plan_state,
    related_into,
)
from spbe_cli.models import DOMAINS
from spbe_cli.plafon import Tally, marks_of, moved

RULE = "check_evaluasi"
#: The fields the rule reads of the entities it looks up by id (besides the id).
_LOOKED_UP: dict[str, tuple[str, ...]] = {
    "regulasi": ("status", "nomor", "sebutan", "jenis", "tingkat", "dicabut_oleh"),
    "layanan": ("status", "digital", "aplikasi"),
}
#: Read whole, built from their files: the rule reports on them.
_WHOLE = frozenset({"evaluasi_mandiri"})
FIELDS[RULE] = {kind: ("id", *names) for kind, names in _LOOKED_UP.items()}


def _plan_budget(entity: Any) -> dict[str, Any]:
    """What the Indeks plafon reads of a Peta Rencana item: its years, budget lines and code."""
    nomen = entity.nomenklatur
    return {
        "muatan": entity.muatan,
        "tahun_mulai": entity.tahun_mulai,
        "tahun_selesai": entity.tahun_selesai,
        "ilustratif": entity.ilustratif,
        "anggaran": [
            {"tahun": line.tahun, "nilai": line.nilai, "ilustratif": line.ilustratif}
            for line in entity.anggaran
        ],
        "nomenklatur": None if nomen is None else {"kode": nomen.kode},
        **plan_state(entity),
    }


def _facts(kind: str, entity: Any) -> Any:
    """A domain entity's ``[marks, fields looked up]``; a regulasi's fields; a plan's pairs."""
    from spbe_cli.incremental_rules import _plain

    looked_up = _LOOKED_UP.get(kind)
    fields = None if looked_up is None else [_plain(getattr(entity, f)) for f in looked_up]
    if kind in DOMAINS:
        found = marks_of(kind, entity)
        return [found] if fields is None else [found, fields]
    if fields is not None:
        return fields
    if kind == "peta_rencana":
        return [[k, v] for k, v in _plan_budget(entity).items()]
    if kind in _WHOLE:
        import hashlib

        return hashlib.sha256(entity.model_dump_json().encode()).hexdigest()[:16]
    return None


def _keeps(catalog: Any) -> dict[str, Any]:
    from spbe_cli.plafon import summed

    return {name: bag for name, bag in summed(catalog).bags.items() if bag}


_KINDS = frozenset(DOMAINS) | frozenset(_LOOKED_UP) | {"peta_rencana"} | _WHOLE


class _Looked(Mapping[str, Any]):
    """The entities the rule looks up, each as its facts, read from the section holding it.

    A domain entity other than a layanan, or an entity of a kind not kept, stops the run: the
    rule reads those through the counts only.
    """

    def __init__(self, change: Change) -> None:
        self.change = change
        self.kinds = change.kinds
        self.made: dict[str, Any] = {}
        self.lists: dict[str, list[Any]] = {}

    def _stored(self, kind: str, entity_id: str) -> Any:
        change = self.change
        name = f"facts:{RULE}:{_place(entity_id, kind, change.stored.buckets)}"
        part = change.parts.get(name)
        if part is None:
            part = change.stored.part(name)
        stored = part.get(entity_id)
        if stored is None:
            raise MissingFact(entity_id)
        return stored

    def __getitem__(self, entity_id: str) -> Any:
        made = self.made.get(entity_id)
        if made is not None:
            return made
        kind = self.kinds[entity_id]
        if kind in _WHOLE:
            made = self.change.catalog.entities[entity_id]
        elif kind == "peta_rencana":
            made = Facts(dict(self._stored(kind, entity_id)))
        elif kind in _LOOKED_UP:
            stored = self._stored(kind, entity_id)
            if kind in DOMAINS:
                if len(stored) != 2:
                    raise MissingFact(kind)
                stored = stored[1]
            if len(stored) != len(_LOOKED_UP[kind]):
                raise MissingFact(kind)
            made = _made(entity_id, _LOOKED_UP[kind], stored)
        else:
            raise MissingFact(f"{kind} {entity_id}")
        self.made[entity_id] = made
        return made

    def of_kind(self, kind: str, ids: list[str]) -> list[Any]:
        """Every entity of one kind (its ``ids``), as :class:`_FactCatalog` asks."""
        if kind in DOMAINS:
            raise MissingFact(f"every {kind}")
        found = self.lists.get(kind)
        if found is None:
            found = self.lists[kind] = [self[i] for i in ids]
        return list(found)

    def get(self, entity_id: str, default: Any = None) -> Any:
        return self[entity_id] if entity_id in self.kinds else default

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.kinds

    def __iter__(self) -> Iterator[str]:
        return iter(self.kinds)

    def __len__(self) -> int:
        return len(self.kinds)


class _TalliedCatalog(_FactCatalog):
    """The catalog the rule reads after an edit: the counts worked out, a few entities."""

    tally: Tally | None = None


def _bag(change: Change, name: str) -> dict[str, int]:
    """One bag of the counts kept, checked: ids or keys, each with a count above 0."""
    bag = change.kept_part(RULE, name)
    if type(bag) is not dict or (
        bag and (set(map(type, bag.values())) != {int} or min(bag.values()) < 1)
    ):
        raise CannotFollow(f"the count {name} kept is out of shape")
    return bag


def _tally_after(change: Change) -> Tally:
    """The snapshot's counts with the changed entities' marks taken out and put in again.

    Each bag is read when the marks or the rule first ask for it.
    """
    names = change.kept_parts(RULE)
    if not names:
        raise CannotFollow(f"{RULE} kept no counts")
    tally = Tally(unread=names, read=lambda name: _bag(change, name))
    delta: dict[tuple[str, str], int] = {}
    try:
        for step, facts in ((-1, change.before), (1, change.after)):
            for entity_id, (kind, _, kept) in facts.items():
                if kind not in DOMAINS:
                    continue
                value = kept.get(RULE)
                if type(value) is not list or not value or type(value[0]) is not list:
                    raise CannotFollow(f"no marks of {entity_id}")
                for mark in value[0]:
                    if type(mark) is not str and (
                        type(mark) is not list or not all(type(k) is str for k in mark)
                    ):
                        raise CannotFollow(f"a mark of {entity_id} is out of shape")
                moved(delta, entity_id, value[0], step)
        tally.apply(delta)
    except ValueError as exc:
        raise CannotFollow(f"the counts kept do not match the marks: {exc}") from exc
    # Every keamanan item is counted (the one count the rule reads whole).
    if len(tally.keys("keamanan")) != len(change.catalog.by_kind().get("keamanan", ())):
        raise CannotFollow("the counts kept do not count the catalog")
    return tally


def _update(old: list[Finding], change: Change) -> list[Finding]:
    moved = {f.location.path for f in old} | related_into(old, change.paths)
    if not change.differ(RULE) and moved.isdisjoint(change.paths):
        return old  # the counts are those kept too
    tally = _tally_after(change)
    whole = change.catalog
    catalog = _TalliedCatalog.beside(
        whole,
        entities=_Looked(change),
        kinds=whole.kinds,
        sources=whole.sources,
        referensi=whole.referensi,
        invalid=whole.invalid,
        files=whole.files,
    )
    catalog._by_kind = whole.by_kind()
    catalog.tally = tally
    ctx = Context(catalog, claims=_NoClaims(catalog))
    try:
        _rule(RULE)(ctx)
    except (MissingFact, TypeError, ValueError) as exc:
        raise CannotFollow(f"{RULE} read {exc}, which is not kept") from exc
    for name in sorted(tally.changed):
        change.keep(RULE, name, tally.bags[name] or None)
    return ctx.findings


register(RULE, _facts, _KINDS, keeps=_keeps)(_update)
