"""Each rule's incremental form (:mod:`spbe_cli.incremental`): how it follows an edit.

The forms, chosen per rule from what its findings depend on (the analysis is in
``docs/design/rules-deps.md``):

* :func:`by_files` — findings on a subject depend on that subject (and the metadata and the
  reference data, which an incremental run never sees change) plus, for some rules, on entities
  one reference away. The rule runs again on the subjects of the changed files and of the files
  the change reaches (``extra``), through a view that walks only those; every other file keeps
  its findings. A finding the rule makes outside the files it walked means the analysis was
  wrong: the run is done in full.
* :func:`on_facts` — aggregates (counts per domain, the urusan of the OPD tree): the rule runs
  on every entity of the kinds it reads, as the few fields it reads (kept per entity in the
  snapshot), only when one of those fields, or the set of ids, changed. A field the rule reads
  that is not kept stops the run (a full run), never a silent default.
* :func:`run_whole` — a rule that walks no entity (the metadata's) runs whole; the few entities
  it looks up are built on demand;
* the reference graph: loops (:func:`_cycles`) found again on the few edges kept, the chain
  layanan → aplikasi → data and infrastruktur (:func:`_traceability`) checked for the subjects
  an edit reaches only, what the Peta Rencana covers (:func:`_coverage`) on the items and the
  to-be elements; each on the functions its full rule calls;
* the look-alike groups (:func:`_duplicates`), paired on the facts kept of each member. The
  Indeks plafon follows its counts (:mod:`spbe_cli.incremental_plafon`).

A rule missing from :data:`spbe_cli.incremental.UPDATES` makes every edit a full run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from spbe_cli.catalog import Catalog
from spbe_cli.checks import Claims, Context, all_checks
from spbe_cli.checks.architecture import (
    TraceFinding,
    aplikasi_trace,
    infra_trace,
    layanan_trace,
    trace_facts,
)
from spbe_cli.checks.duplicates import RULES as DUPLICATE_RULES
from spbe_cli.checks.references import SAME_KIND, cycle_facts, cycle_findings
from spbe_cli.checks.roadmap import (
    ELEMENT_KINDS,
    check_muatan_covered,
    coverage_facts,
    unplanned_elements,
)
from spbe_cli.errors import Finding, Location
from spbe_cli.incremental import CannotFollow, Change, register

#: The fields each rule's facts keep, by kind (:func:`on_facts`): a
#: test checks that each names a field of that kind's model.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {}


def _rule(name: str) -> Callable[[Context], None]:
    for check in all_checks():
        if check.__name__ == name:
            return check
    raise CannotFollow(f"no rule {name}")


class _NoClaims(Claims):
    """Claims that stop the run when a rule asks for them: they walk every reference."""

    @property
    def case(self) -> Any:
        raise CannotFollow("the case claims walk the whole catalog")

    @property
    def claimed(self) -> dict[str, str]:
        if self.catalog.rejected:
            raise CannotFollow("unnamed claims walk the whole catalog")
        return {}


def related_into(old: Iterable[Finding], paths: Iterable[str]) -> set[str]:
    """Files of findings that point (``related``) into ``paths``: their text may move."""
    paths = set(paths)
    return {f.location.path for f in old if any(r.location.path in paths for r in f.related)}


def _metadata_path(change: Change) -> str | None:
    source = change.catalog.metadata_source
    return source.path if source is not None else None


def by_files(
    name: str,
    *,
    extra: Callable[[list[Finding], Change], set[str]] | None = None,
    facts: Callable[[str, Any], Any] | None = None,
) -> None:
    """Register :func:`by_files`'s form for the rule ``name`` (see the module's docstring).

    ``extra(old, change)``: the files beyond the changed ones whose subjects the change reaches.
    Findings at the metadata depend on the metadata only (which a followed edit never changes):
    the old ones are kept.
    """

    def update(old: list[Finding], change: Change) -> list[Finding]:
        dirty = set(change.paths) | related_into(old, change.paths)
        if extra is not None:
            dirty |= extra(old, change)
        view = change.view(change.ids_in(dirty))
        view.placeholders = [p for p in change.placeholders if p[0].path in dirty]
        ctx = Context(view, claims=_NoClaims(view))
        _rule(name)(ctx)
        meta = _metadata_path(change)
        fresh = []
        for finding in ctx.findings:
            path = finding.location.path
            if path in dirty:
                fresh.append(finding)
            elif path != meta:
                raise CannotFollow(f"{name} reported in {path}, which it did not walk")
        return [f for f in old if f.location.path not in dirty] + fresh

    register(name, facts)(update)


# -- a rule run on the kept facts -----------------------------------------------------------------


class MissingFact(Exception):
    """A rule read a field that the snapshot does not keep (raised through ``hasattr`` too)."""


class Facts:
    """An entity as the few fields a rule reads; any other field stops the run.

    Every field kept is in the object's ``__dict__`` from the start (nested values wrapped
    once, there), so a read never reaches ``__getattr__``: that one only answers a field that
    is not kept, with :class:`MissingFact`, not ``AttributeError``: ``hasattr`` and
    ``getattr(x, name, default)`` then stop the run too instead of answering "no". Like a
    model's, a field gives the same value each time.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        fields = self.__dict__
        fields.update(values)
        _wrap_nested(fields)

    def __getattr__(self, name: str) -> Any:
        raise MissingFact(name)


_NESTED = (dict, list)


def _wrap_nested(fields: dict[str, Any]) -> None:
    """Wrap, in place, the values of ``fields`` that hold a dict (an object of fields)."""
    for name, value in fields.items():
        if type(value) in _NESTED:
            fields[name] = _wrapped(value)


def _wrapped(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return Facts(value)
    if kind is list:
        for item in value:
            if type(item) in _NESTED:
                return [_wrapped(v) for v in value]
    return value


def _made(entity_id: str, names: tuple[str, ...], stored: list[Any]) -> Facts:
    """The facts of one entity kept as the list of its values in the order of ``names``."""
    made = Facts.__new__(Facts)
    fields = made.__dict__
    fields["id"] = entity_id
    for name, value in zip(names, stored, strict=True):
        fields[name] = _wrapped(value) if type(value) in _NESTED else value
    return made


_SIMPLE = (str, int, bool, float, type(None))


def _plain(value: Any) -> Any:
    """A field's value as JSON values (a nested model as a dict)."""
    if type(value) in _SIMPLE:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return value
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return {k: _plain(getattr(value, k)) for k in type(value).model_fields}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} is not kept as a fact")


class _FactTable(Mapping[str, Any]):
    """The entities of the kinds a rule reads, as :class:`Facts`; any other kind stops the run."""

    def __init__(
        self,
        change: Change,
        name: str,
        kinds: frozenset[str],
        make: Callable[[str, str, Any], Facts],
        models: frozenset[str] = frozenset(),
    ) -> None:
        self.all_kinds = change.kinds
        self.entities = change.catalog.entities
        self.models = models
        self.facts = change.column(name)
        self.name = name
        self.kinds = kinds
        self.make = make
        self.made: dict[str, Facts] = {}
        self.lists: dict[str, list[Any]] = {}

    def __getitem__(self, entity_id: str) -> Any:
        made = self.made.get(entity_id)
        if made is not None:
            return made
        kind = self.all_kinds[entity_id]
        if kind in self.models:
            return self.entities[entity_id]
        if kind not in self.kinds:
            raise MissingFact(f"{kind} {entity_id}")
        stored = self.facts.get(entity_id)
        if stored is None:
            raise MissingFact(entity_id)
        made = self.made[entity_id] = self.make(kind, entity_id, stored)
        return made

    def of_kind(self, kind: str, ids: list[str]) -> list[Any]:
        """Every entity of one kind (its ``ids``, in order): the list made once per table."""
        found = self.lists.get(kind)
        if found is None:
            if kind in self.models or kind not in self.kinds:
                found = [self[i] for i in ids]
            else:
                # __getitem__ inlined: a rule over every application asks for tens of thousands.
                made, facts, make = self.made, self.facts, self.make
                found = []
                for entity_id in ids:
                    fact = made.get(entity_id)
                    if fact is None:
                        stored = facts.get(entity_id)
                        if stored is None:
                            raise MissingFact(entity_id)
                        fact = made[entity_id] = make(kind, entity_id, stored)
                    found.append(fact)
            self.lists[kind] = found
        return list(found)

    def get(self, entity_id: str, default: Any = None) -> Any:
        return self[entity_id] if entity_id in self.all_kinds else default

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.all_kinds

    def __iter__(self) -> Iterator[str]:
        return iter(self.all_kinds)

    def __len__(self) -> int:
        return len(self.all_kinds)


class _FactCatalog(Catalog):
    """The catalog a rule run on the facts reads: its entities a :class:`_FactTable`."""

    def of_kind(self, kind: str) -> list[Any]:
        """Every entity of one kind, in id order (each kind's list made once: a copy given)."""
        table: _FactTable = self.entities  # type: ignore[assignment]
        return table.of_kind(kind, self.ids_of(kind))


#: What a rule reads of one kind: field names (read as they are), or a function giving the
#: fields as JSON values (for what a helper derives: see :func:`plan_state`).
Fields = tuple[str, ...] | Callable[[Any], dict[str, Any]]


def plan_state(entity: Any) -> dict[str, Any]:
    """A plan's ``status`` and ``progres`` as :func:`spbe_cli.status.is_cancelled` reads them.

    The progress entries are not kept (their dates are not JSON values): ``status`` is
    ``dibatalkan`` when the plan is cancelled in either place, and ``progres`` is empty, so the
    test gives the same answer on the facts.
    """
    from spbe_cli.status import is_cancelled

    status = getattr(entity, "status", None)
    return {"status": "dibatalkan" if is_cancelled(entity) else status, "progres": []}


def on_facts(name: str, fields: Mapping[str, Fields], models: Iterable[str] = ()) -> None:
    """Register :func:`on_facts`'s form for the rule ``name``: ``fields`` it reads, by kind.

    An entity's facts are stored as the list of its values in the order of ``fields`` (the
    names once, here, not per entity), or for a function's fields as the pairs it gives.
    The entities of ``models`` (a few, read whole: the rule reports on them) are built from
    their files when the rule runs; their facts are a digest of the whole entity, so that any
    edit of one runs the rule again.
    """
    read_whole = frozenset(models)
    kinds = frozenset(fields) | read_whole
    FIELDS[name] = {k: v for k, v in fields.items() if not callable(v)}
    # The id is the key the facts are kept under: not kept twice.
    names = {
        kind: tuple(f for f in spec if f != "id")
        for kind, spec in fields.items()
        if not callable(spec)
    }

    def facts(kind: str, entity: Any) -> Any:
        if kind in read_whole:
            import hashlib

            return hashlib.sha256(entity.model_dump_json().encode()).hexdigest()[:16]
        spec = fields.get(kind)
        if spec is None:
            return None
        if callable(spec):
            return [[k, v] for k, v in spec(entity).items()]
        return [_plain(getattr(entity, f)) for f in names[kind]]

    def make(kind: str, entity_id: str, stored: Any) -> Facts:
        spec = names.get(kind)
        if spec is None:
            return Facts(dict(stored))
        if len(stored) != len(spec):
            raise MissingFact(kind)
        return _made(entity_id, spec, stored)

    def update(old: list[Finding], change: Change) -> list[Finding]:
        moved = {f.location.path for f in old} | related_into(old, change.paths)
        if not change.differ(name) and moved.isdisjoint(change.paths):
            return old
        whole = change.catalog
        catalog = _FactCatalog.beside(
            whole,
            entities=_FactTable(change, name, kinds, make, read_whole),
            kinds=whole.kinds,
            sources=whole.sources,
            referensi=whole.referensi,
            invalid=whole.invalid,
            files=whole.files,
        )
        catalog._by_kind = whole.by_kind()
        ctx = Context(catalog, claims=_NoClaims(catalog))
        try:
            _rule(name)(ctx)
        except (MissingFact, TypeError, ValueError) as exc:
            raise CannotFollow(f"{name} read {exc}, which is not kept") from exc
        return ctx.findings

    register(name, facts, kinds)(update)


# -- the rules ------------------------------------------------------------------------------------


def _keep(name: str) -> None:
    """A rule whose findings depend on the metadata and the declarations only."""
    register(name)(lambda old, _change: old)


def _referrers(change: Change, targets: set[str]) -> set[str]:
    """Files holding an entity that refers to one of ``targets`` (after the edit or before)."""
    found: set[str] = set()
    if not targets:
        return found
    for naming in _referring(change.column("check_references"), targets).values():
        found.update(map(change.file_of, naming))
    for fact in change.before.values():
        refs = fact[2].get("check_references")
        if refs and not targets.isdisjoint(refs):
            found.add(fact[1])
    return found


def _references_reach(old: list[Finding], change: Change) -> set[str]:
    """Files whose references the change reaches.

    The referrers of ids that came, went, or changed kind or repeal; and, when ids came or
    went, the files whose "did you mean" hints offered them.
    """
    if any(f.code == "SPBE201" for f in old):
        raise CannotFollow("a reference written in another case than its id")
    moved = change.differ("check_references_target")
    files = _referrers(change, moved)
    if change.came or change.gone:
        files |= {f.location.path for f in old if f.code in ("SPBE201", "SPBE202")}
    return files


def _reference_facts(kind: str, entity: Any) -> Any:
    from spbe_cli.links import entity_references

    return sorted({target for _, target, _ in entity_references(kind, entity)}) or None


def _target_facts(kind: str, entity: Any) -> Any:
    if kind == "regulasi":
        return [entity.status == "dicabut", entity.dicabut_oleh]
    return None


def run_whole(name: str) -> None:
    """Register the whole rule as its form, for a rule that walks no entity (the metadata's).

    Every entity it looks up is built on demand: a handful.
    """

    def update(_old: list[Finding], change: Change) -> list[Finding]:
        whole = change.catalog
        ctx = Context(whole, claims=_NoClaims(whole))
        _rule(name)(ctx)
        return ctx.findings

    register(name)(update)


def _nomenklatur(entity: Any) -> dict[str, Any]:
    nomen = entity.nomenklatur
    return {
        "id": entity.id,
        "opd_pj": entity.opd_pj,
        "nomenklatur": None
        if nomen is None
        else {"kode": nomen.kode, "level": nomen.level, "level_kode": nomen.level_kode},
    }


def _covered(field: str) -> Callable[[Any], dict[str, Any]]:
    def facts(entity: Any) -> dict[str, Any]:
        return {field: getattr(entity, field), **plan_state(entity)}

    return facts


# -- the reference graph: loops, the chain of the domains, what the plans cover -----------------


def _kept_places(old: list[Finding], change: Change) -> dict[tuple[str, str], list[Location]]:
    """Where each old finding of an unchanged file is, by its code and message, in order.

    A finding a followed run makes again with the same text is at the same place when its file
    did not change (its text names its subject): the place is taken from here, not from the
    subject's file, which would be built for it.
    """
    places: dict[tuple[str, str], list[Location]] = {}
    for finding in old:
        if finding.location.path not in change.paths and not finding.related:
            places.setdefault((finding.code, finding.message), []).append(finding.location)
    for found in places.values():
        found.reverse()
    return places


def _placed(
    change: Change,
    places: dict[tuple[str, str], list[Location]],
    code: str,
    subject: str,
    loc: tuple[str | int, ...],
    message: str,
    values: dict[str, Any],
) -> Finding:
    """A finding at ``subject``'s ``loc``: an old one's place, else the subject's (built)."""
    from dataclasses import replace

    from spbe_cli.rules import make_finding

    finding = make_finding(code, _NOWHERE, message, **values)
    kept = places.get((code, finding.message))
    at = kept.pop() if kept else change.catalog.where(subject, *loc)
    return replace(finding, location=at)


_NOWHERE = Location("", 0, 0)


def _has_facts(change: Change, entity_id: str, rule: str) -> bool:
    """Whether the entity had facts for ``rule`` before the edit or has after it."""
    return any(
        table.get(entity_id) is not None and table[entity_id][2].get(rule) is not None
        for table in (change.before, change.after)
    )


def _cycle_shape(value: Any, kind: str) -> bool:
    if kind == "aplikasi":
        return type(value) is list and all(type(i) is int for i in value)
    return type(value) is str and kind in FIELDS["check_cycles"]


def _cycles(old: list[Finding], change: Change) -> list[Finding]:
    """SPBE215 after an edit: found again on the kept edges, which are few.

    The facts are an entity's one edge (a parent, a repeal) or where it names itself
    (:func:`~spbe_cli.checks.references.cycle_facts`), kept only when there is one: an edit
    whose entities had and have none (most: an application without ``integrasi`` naming
    itself) keeps the findings; any other walks the kept edges again (a few thousand at
    national scale: the loops before the edit were found on the same edges), and each finding
    found again keeps its place unless its file changed.
    """
    name = "check_cycles"
    dirty = any(_has_facts(change, i, name) for i in change.differ(name))
    if not dirty and all(f.location.path not in change.paths for f in old):
        return old
    column = change.column(name)
    kinds = change.kinds
    if not all(_cycle_shape(v, kinds.get(i, "")) for i, v in column.items()):
        raise CannotFollow(f"{name} facts out of shape")
    places = _kept_places(old, change)
    return [
        _placed(change, places, "SPBE215", subject, loc, message, values)
        for subject, loc, message, values in cycle_findings(column, kinds)
    ]


def _coverage_shape(value: Any, kind: str) -> bool:
    if kind == "peta_rencana":
        return (
            type(value) is list
            and len(value) == 3
            and (value[0] is None or type(value[0]) is str)
            and _names(value[1])
            and type(value[2]) is bool
        )
    return type(value) is str and kind in ELEMENT_KINDS


def _coverage(old: list[Finding], change: Change) -> list[Finding]:
    """SPBE501/SPBE504 after an edit: found again on the kept facts, which are few.

    The facts are each Peta Rencana item's muatan, ``mengubah`` and whether it is cancelled,
    and the status of each to-be element only
    (:func:`~spbe_cli.checks.roadmap.coverage_facts`): an edit whose elements were and are not
    to-be, and that changes no item, keeps the findings; any other reads the items (hundreds)
    and the to-be elements again, and each finding found again keeps its place unless its file
    changed.
    """
    name = "check_rencana_coverage"
    whole = change.catalog
    dirty = any(_has_facts(change, i, name) for i in change.differ(name))
    if not dirty and all(f.location.path not in change.paths for f in old):
        return old
    if whole.metadata is None or whole.metadata_source is None:
        return []
    column = change.column(name)
    kinds = change.kinds
    if not all(_coverage_shape(v, kinds.get(i, "")) for i, v in column.items()):
        raise CannotFollow(f"{name} facts out of shape")
    items: dict[str, Any] = {}
    planned: dict[str, str] = {}
    changed: set[str] = set()
    for entity_id, value in column.items():
        if kinds[entity_id] == "peta_rencana":
            muatan, mengubah, cancelled = value
            state: dict[str, Any] = {"status": "dibatalkan" if cancelled else None, "progres": []}
            items[entity_id] = Facts({"id": entity_id, "muatan": muatan, **state})
            changed.update(mengubah)
        else:
            planned[entity_id] = value
    plans = Catalog.beside(whole, entities=items, kinds=dict.fromkeys(items, "peta_rencana"))
    ctx = Context(plans, claims=_NoClaims(plans))
    check_muatan_covered(ctx)
    places = _kept_places(old, change)
    return ctx.findings + [
        _placed(change, places, "SPBE504", subject, loc, message, values)
        for subject, loc, message, values in unplanned_elements(planned, kinds, changed)
    ]


def _fact_of(change: Change, rule: str, entity_id: str) -> Any:
    """What ``rule`` keeps of one entity after the edit (None: nothing, or no such entity).

    Reads the one section of facts that holds it, not the rule's whole column.
    """
    fact = change.after.get(entity_id)
    if fact is not None:
        return fact[2].get(rule)
    kind = change.kinds.get(entity_id)
    if kind is None:
        return None
    from spbe_cli.incremental import _place

    name = f"facts:{rule}:{_place(entity_id, kind, change.stored.buckets)}"
    part = change.parts.get(name)
    if part is None:
        part = change.stored.part(name)
    return part.get(entity_id)


def _referring(references: Mapping[str, Any], targets: set[str]) -> dict[str, list[str]]:
    """The entities naming each of ``targets``, from ``check_references``'s kept facts."""
    found: dict[str, list[str]] = {}
    if not targets:
        return found
    for entity_id, refs in references.items():
        if refs and not targets.isdisjoint(refs):
            for target in targets.intersection(refs):
                found.setdefault(target, []).append(entity_id)
    return found


def _subject_at(change: Change, finding: Finding, *loc: str) -> str:
    """The entity an old finding of an unchanged file is on (at its ``loc``)."""
    at = finding.location
    ids = change.following.layout.ids_in(at.path)
    if len(ids) == 1:
        return ids[0]
    for entity_id in ids:
        if change.catalog.where(entity_id, *loc) == at:
            return entity_id
    raise CannotFollow(f"{finding.code} at {at.path}:{at.line} is on no entity")


_TRACE_ORDER = {"layanan": 0, "aplikasi": 1, "infrastruktur": 2}


def _names(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _trace_shape(value: Any, kind: str) -> bool:
    """Whether ``value`` is what :func:`trace_facts` gives for ``kind`` (else: a full run)."""
    if value is None:
        return True
    if kind == "layanan":
        return (
            type(value) is list
            and len(value) == 3
            and _names(value[0])
            and type(value[1]) is bool
            and type(value[2]) is bool
        )
    if kind == "keamanan":
        return _names(value)
    if kind == "data_informasi":
        return value is True
    if kind == "aplikasi":
        return (
            type(value) is list
            and len(value) == 3
            and type(value[0]) is bool
            and _names(value[1])
            and _names(value[2])
        )
    return False


def _traceability(old: list[Finding], change: Change) -> list[Finding]:
    """SPBE401-SPBE406 after an edit: each subject the edit reaches checked again.

    A layanan's findings depend on it alone; an application's on it, the layanan and keamanan
    naming it and the data sets it names; an infrastructure's on the keamanan naming it and the
    applications naming it (and their data sets). The subjects checked again: those of the
    changed files, the applications and infrastructure a layanan or keamanan whose facts
    changed named before or names now, the applications naming a data set whose facts changed,
    and the infrastructure an application whose facts changed (or that names such a data set)
    named before or names now; the others keep their findings. Who names
    an entity comes from the reference facts ``check_references`` keeps; what each entity is,
    from :func:`~spbe_cli.checks.architecture.trace_facts`, read in the few sections holding
    the entities asked for. The findings come in a full run's order (layanan, applications,
    infrastructure, each in id order).
    """
    name = "check_traceability"
    kinds = change.kinds

    read: dict[str, Any] = {}

    def fact(entity_id: str) -> Any:
        if entity_id in read:
            return read[entity_id]
        value = _fact_of(change, name, entity_id)
        if not _trace_shape(value, kinds.get(entity_id, "")):
            raise CannotFollow(f"{name} facts out of shape")
        read[entity_id] = value
        return value

    def named(facts: Any, kind: str) -> list[str]:
        if facts is None:
            return []
        if kind == "layanan":
            return facts[0]  # type: ignore[no-any-return]
        if kind == "keamanan":
            return facts  # type: ignore[no-any-return]
        return facts[1] if kind == "aplikasi" else []

    touched = change.before.keys() | change.after.keys()
    # An entity of a changed file whose facts are as they were (most: a name, a description
    # edited) changes no other subject's findings; only its own, checked again below when
    # it is an application, an infrastructure or a layanan (its place may have moved).
    differs = change.differ(name)
    apps: set[str] = set()
    infras: set[str] = set()
    data: set[str] = set()
    for table in (change.before, change.after):
        for entity_id, (kind, _, facts) in table.items():
            value = facts.get(name)
            if not _trace_shape(value, kind):
                raise CannotFollow(f"{name} facts out of shape")
            if entity_id not in differs:
                continue
            if kind in ("layanan", "keamanan"):
                apps.update(named(value, kind))
            if kind == "keamanan":
                infras.update(named(value, kind))
            if kind == "aplikasi":
                infras.update(named(value, kind))
            if kind == "data_informasi":
                data.add(entity_id)
    apps.update(i for i in touched if kinds.get(i) == "aplikasi")
    references = change.column("check_references")
    # The applications naming a data set whose sensitivity changed, and what they run on:
    # whether an infrastructure hosts sensitive data may have changed with it.
    readers: set[str] = set()
    for naming in _referring(references, data).values():
        readers.update(i for i in naming if kinds.get(i) == "aplikasi")
    apps.update(readers)
    apps = {i for i in apps if kinds.get(i) == "aplikasi"}
    for app_id in readers:
        infras.update(named(fact(app_id), "aplikasi"))
    infras.update(i for i in touched if kinds.get(i) == "infrastruktur")
    infras = {i for i in infras if kinds.get(i) == "infrastruktur"}
    layanan = {i for i in change.after if kinds.get(i) == "layanan"}
    dirty = apps | infras | layanan
    if not dirty and all(f.location.path not in change.paths for f in old):
        return old
    kept: dict[str, list[Finding]] = {}
    places: dict[str, Location] = {}
    for finding in old:
        if finding.location.path in change.paths:
            continue
        subject = _subject_at(change, finding, "id")
        places[subject] = finding.location
        if subject not in dirty:
            kept.setdefault(subject, []).append(finding)
    referrers = _referring(references, apps | infras)

    def named_by(entity_id: str, kind: str) -> list[str]:
        return [
            i
            for i in referrers.get(entity_id, ())
            if kinds.get(i) == kind and entity_id in named(fact(i), kind)
        ]

    def sensitive(data_id: str) -> bool:
        return kinds.get(data_id) == "data_informasi" and fact(data_id) is True

    fresh: dict[str, list[TraceFinding]] = {}
    for layanan_id in layanan:
        fresh[layanan_id] = layanan_trace(layanan_id, fact(layanan_id))
    for app_id in apps:
        facts = fact(app_id)
        if facts is not None:
            served = bool(named_by(app_id, "layanan"))
            covered = bool(named_by(app_id, "keamanan"))
            fresh[app_id] = aplikasi_trace(app_id, facts, served, covered, sensitive)[0]
    for infra_id in infras:
        if named_by(infra_id, "keamanan"):
            continue
        hosts = [
            app_id
            for app_id in named_by(infra_id, "aplikasi")
            if any(sensitive(d) for d in fact(app_id)[2])
        ]
        if hosts:
            fresh[infra_id] = [infra_trace(infra_id, min(hosts))]
    from spbe_cli.rules import make_finding

    found: list[tuple[tuple[int, str], list[Finding]]] = []
    for subject, findings in kept.items():
        found.append(((_TRACE_ORDER[kinds[subject]], subject), findings))
    for subject, traced in fresh.items():
        if not traced:
            continue
        at = places.get(subject) or change.catalog.where(subject, "id")
        findings = [make_finding(code, at, message, **values) for code, message, values in traced]
        found.append(((_TRACE_ORDER[kinds[subject]], subject), findings))
    found.sort(key=lambda pair: pair[0])
    return [f for _, findings in found for f in findings]


_keep("check_declarations")
run_whole("check_metadata")
by_files("check_pemda")
by_files("check_references", extra=_references_reach, facts=_reference_facts)
register("check_references_target", _target_facts, ("regulasi",))(lambda old, _change: old)
FIELDS["check_cycles"] = {kind: (field,) for kind, field, _ in SAME_KIND}
register("check_cycles", cycle_facts, FIELDS["check_cycles"])(_cycles)
by_files("check_codes")
by_files("check_lists")
FIELDS["check_traceability"] = {
    "layanan": ("aplikasi", "proses_bisnis", "digital"),
    "keamanan": ("objek",),
    "data_informasi": ("sifat", "data_pribadi"),
    "aplikasi": ("status", "pemilik_tipe", "kategori", "infrastruktur", "data"),
}
register("check_traceability", trace_facts, FIELDS["check_traceability"])(_traceability)
by_files("check_aplikasi_umum")
by_files("check_satu_data")
on_facts("check_domains", {})
by_files("check_peta_rencana")
FIELDS["check_rencana_coverage"] = {
    "peta_rencana": ("muatan", "mengubah", "status", "progres"),
    **dict.fromkeys(ELEMENT_KINDS, ("status",)),
}
register("check_rencana_coverage", coverage_facts, FIELDS["check_rencana_coverage"])(_coverage)
on_facts(
    "check_nomenklatur",
    {"program": _nomenklatur, "peta_rencana": _nomenklatur, "opd": ("urusan", "induk")},
)
by_files("check_programs")
on_facts("check_coverage", {"program": _covered("dimensi"), "kesiapan": _covered("pilar")})


def _group_facts(kind: str, entity: Any, source: Any) -> Any:
    """What the look-alike groups keep of an application or program (None: not compared).

    ``[group, owner, name, function text, line, column]``: the fields the pairing reads
    (:func:`spbe_cli.sync.compared_fields`, their one home) and where the item's id is written
    (the place of a finding on it, or of its ``related`` line), so that a followed edit pairs a
    group on these facts without building any of its members.

    The texts, not their words: splitting every item's texts when a full run writes the
    snapshot costs more than the pairing of a followed edit saves (national catalog: 0.16 s
    CPU to split the 29,000 items' texts, 0.06 s saved when the 1 % revision pairs 57 groups
    again from kept words rather than texts).
    """
    from spbe_cli.sync import compared_fields

    compared = compared_fields(kind, entity) if kind in DUPLICATE_RULES else None
    if compared is None:
        return None
    group, _budget, owner, name, function = compared
    at = source.location("id")
    return [group, owner, name, function, at.line, at.column]


#: How many values :func:`_group_facts` keeps of an item.
_ITEM_FACTS = 6
#: The facts of an item the pairing reads (its group, owner and texts): the rest is its place.
_COMPARED = 4


def _group_changes(change: Change) -> tuple[set[tuple[str, str]], bool]:
    """The look-alike groups an edit changes, and whether it reaches any compared item.

    A group's pairs depend only on its members' ids, owners and texts (the order of a group is
    its ids' order): a group is paired again when an item came into it or left it (added,
    removed, renamed, regrouped, no longer compared) or when a member's owner or texts changed.
    An item that only moved (another line, column or file; a field the pairing does not read
    edited) leaves its group's pairs as they were: their findings are moved with it.
    """
    name = "check_duplicates"
    dirty: set[tuple[str, str]] = set()
    reached = False
    before, after = change.before, change.after
    for entity_id in before.keys() | after.keys():
        old, new = before.get(entity_id), after.get(entity_id)
        old_kind, old_value = (old[0], old[2].get(name)) if old is not None else ("", None)
        new_kind, new_value = (new[0], new[2].get(name)) if new is not None else ("", None)
        if old_value is None and new_value is None:
            continue
        reached = True
        if (
            old_value is not None
            and new_value is not None
            and old_kind == new_kind
            and old_value[:_COMPARED] == new_value[:_COMPARED]
        ):
            continue
        if old_value is not None:
            dirty.add((old_kind, old_value[0]))
        if new_value is not None:
            dirty.add((new_kind, new_value[0]))
    return dirty, reached


def _pairs_again(change: Change) -> bool:
    """Whether the edit changed a look-alike group (paired again: worth a process of its own).

    Pairing a group again is a followed edit's heaviest rule: it runs in a forked child beside
    the other forms where a core is free (:func:`spbe_cli.incremental._rules_after`).
    """
    return bool(_group_changes(change)[0])


def _duplicates(old: list[Finding], change: Change) -> list[Finding]:
    """SPBE409/SPBE610 after an edit: each group the edit changed paired again, on facts.

    Which pairs a group gives depends on every member (words ranked by their frequency in the
    group, each item paired at most once): a group the edit changed (:func:`_group_changes`) is
    paired again whole, on the facts kept of each member (:func:`_group_facts`: its texts, owner
    and where its id is), so no member is built. Any other group keeps its findings, each moved
    to where its two items are now when one of them moved (the message names no place). The
    findings come in the order of a full run (kind, then group, then the group's pairs).
    """
    name = "check_duplicates"
    dirty, reached = _group_changes(change)
    if not reached:
        # No finding is on, or points to, an item of a changed file: an item that was or is
        # compared has facts.
        return old
    from spbe_cli.checks.duplicates import report_pairs, settings
    from spbe_cli.similarity import Item, tokens_of

    column = change.column(name)  # every item's facts after the edit
    if not all(type(v) is list and len(v) == _ITEM_FACTS for v in column.values()):
        raise CannotFollow(f"{name} facts out of shape")
    kinds = change.kinds
    layout = change.following.layout
    before_in: dict[str, list[tuple[str, str, Any]]] = {}
    for entity_id, (kind, path, facts) in change.before.items():
        before_in.setdefault(path, []).append((entity_id, kind, facts.get(name)))

    def item_before(at: Location) -> tuple[str, str, Any]:
        """The compared item whose id was written at ``at`` before the edit: id, kind, facts."""
        if at.path in change.paths:
            held = before_in.get(at.path, [])
        else:
            held = [(i, kinds[i], column.get(i)) for i in layout.ids_in(at.path)]
        for entity_id, kind, value in held:
            if value is not None and value[4] == at.line and value[5] == at.column:
                return entity_id, kind, value
        raise CannotFollow(f"no compared item at {at.path}:{at.line}")

    file_of = change.file_of

    def where(entity_id: str) -> Location:
        value = column[entity_id]
        return Location(file_of(entity_id), value[4], value[5])

    paths = change.paths
    kept: dict[tuple[str, str], list[Finding]] = {}
    for finding in old:
        entity_id, kind, value = item_before(finding.location)
        if DUPLICATE_RULES[kind] != finding.code:
            raise CannotFollow(f"{finding.code} at {finding.location} is on a {kind}")
        group = (kind, value[0])
        if group in dirty:
            continue
        if finding.location.path in paths or any(r.location.path in paths for r in finding.related):
            finding = _moved(finding, entity_id, item_before, where)
        kept.setdefault(group, []).append(finding)
    threshold, stop = settings(change.catalog)
    compared: list[tuple[str, tuple[str, str], Any]] = []
    for entity_id, value in column.items():
        group = (kinds[entity_id], value[0])
        if group in dirty:
            compared.append((entity_id, group, value))
    # The words of all their texts at once (names, then functions): one fold over all of them.
    words = tokens_of([v[2] for _, _, v in compared] + [v[3] for _, _, v in compared], stop)
    members: dict[tuple[str, str], list[Item]] = {group: [] for group in dirty}
    for (entity_id, group, value), name_words, function_words in zip(
        compared, words[: len(compared)], words[len(compared) :], strict=True
    ):
        members[group].append(Item(entity_id, value[0], value[1], name_words, function_words))
    found: list[Finding] = []
    for kind, code in DUPLICATE_RULES.items():
        for group in sorted({g for g in (*kept, *dirty) if g[0] == kind}):
            if group in dirty:
                ctx = Context(change.catalog, claims=_NoClaims(change.catalog))
                report_pairs(ctx, code, members[group], threshold, where)
                found.extend(ctx.findings)
            else:
                found.extend(kept[group])
    return found


def _moved(
    finding: Finding,
    entity_id: str,
    item_before: Callable[[Location], tuple[str, str, Any]],
    where: Callable[[str], Location],
) -> Finding:
    """A finding of a group the edit left as it was, at its two items' places now.

    ``entity_id``: the item it is on; its one ``related`` place is the other item's id (see
    :func:`spbe_cli.checks.duplicates.report_pairs`), whose text names no place.
    """
    from dataclasses import replace

    if len(finding.related) != 1:
        raise CannotFollow(f"{finding.code} at {finding.location} points to no other item")
    [other] = finding.related
    other_id = item_before(other.location)[0]
    return replace(
        finding,
        location=where(entity_id),
        related=(replace(other, location=where(other_id)),),
    )


_DUPLICATE_KINDS = tuple(DUPLICATE_RULES)
register("check_duplicates", _group_facts, _DUPLICATE_KINDS, sourced=True, aside=_pairs_again)(
    _duplicates
)


by_files("check_placeholders")

# The Indeks plafon (SPBE801-SPBE805) on the counts the snapshot keeps: its own module.
import spbe_cli.incremental_plafon  # noqa: E402, F401
