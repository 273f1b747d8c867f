"""Cross-entity rules: each a function that reads the catalog and emits findings.

A rule never raises on bad data: by the time it runs every entity is a valid model, and a
reference that does not resolve has already been reported once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import InitVar, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from spbe_cli import plan
from spbe_cli.catalog import Catalog
from spbe_cli.errors import Finding, Location, Related, Severity
from spbe_cli.i18n import t
from spbe_cli.rules import make_finding

if TYPE_CHECKING:
    from spbe_cli.links import ReferenceIndex
    from spbe_cli.models import Periode, Rencana


class Claims:
    """What the whole catalog says about ids nobody declares as written, computed once a run.

    :func:`unnamed_claims` and :func:`case_claims` each walk every reference of the catalog:
    the rules' :class:`Context` and :func:`explain_refused` (after the rules) share one
    ``Claims`` of the catalog (:func:`spbe_cli.validate.validate_catalog`, the editor's full
    check), so that neither walk is made twice. Each is computed when first asked for.

    ``index``: the editor's quick step, which has a :class:`~spbe_cli.links.ReferenceIndex` of
    the catalog (a function that gives it up to date): :attr:`case` then walks only the
    references to the ids it is asked about (:class:`CaseView`), and :attr:`counts` too.
    ``wanted``: see :class:`CaseView`.
    """

    def __init__(
        self,
        catalog: Catalog,
        index: Callable[[], ReferenceIndex] | None = None,
        wanted: Iterable[str] = (),
    ) -> None:
        self.catalog = catalog
        self.index = index
        self._claimed: dict[str, str] | None = None
        self._case: Mapping[str, CaseClaim] | None = None
        self._wanted = wanted

    @property
    def claimed(self) -> dict[str, str]:
        """:func:`unnamed_claims` of the catalog."""
        if self._claimed is None:
            self._claimed = unnamed_claims(self.catalog, self)
        return self._claimed

    @property
    def case(self) -> Mapping[str, CaseClaim]:
        """:func:`case_claims` of the catalog (a walk of every reference, without an index)."""
        if self._case is None:
            if self.index is not None:
                self._case = CaseView(self.catalog, self.index(), self._wanted)
            else:
                self._case = case_claims(self.catalog)
        return self._case

    @property
    def case_known(self) -> bool:
        """Whether :attr:`case` is computed already (asked for, with an index)."""
        if isinstance(self._case, CaseView):
            return self._case.asked
        return self._case is not None

    def counts(self, ids: set[str]) -> dict[str, int]:
        """How many references name each of ``ids`` (:func:`~spbe_cli.links.reference_counts`)."""
        from spbe_cli.links import reference_counts

        return reference_counts(self.catalog, ids, self.index() if self.index else None)


@dataclass
class Context:
    """What a rule needs: the catalog, and a place to put findings."""

    catalog: Catalog
    findings: list[Finding] = field(default_factory=list)
    #: Whether the references rule reports the ids of :func:`case_claims` although no
    #: reference it walked needed them: the editor's quick step, in a file whose id the last
    #: full check found declared in another case than its references.
    case_wanted: bool = False
    #: The catalog's claims on undeclared ids, shared with :func:`explain_refused` (a fresh
    #: one when the caller has none).
    claims: InitVar[Claims | None] = None
    shared: Claims = field(init=False)

    def __post_init__(self, claims: Claims | None) -> None:
        self.shared = claims if claims is not None else Claims(self.catalog)

    @property
    def claimed(self) -> dict[str, str]:
        """:func:`unnamed_claims` of the catalog, computed once."""
        return self.shared.claimed

    @property
    def case_claims(self) -> Mapping[str, CaseClaim]:
        """:func:`case_claims` of the catalog, computed once (a walk of every reference)."""
        return self.shared.case

    @property
    def case_known(self) -> bool:
        """Whether :attr:`case_claims` is computed already (a reference needed it)."""
        return self.shared.case_known

    @property
    def reference(self) -> Any:
        """The reference data, extended by the catalog's declarations."""
        return self.catalog.reference

    def emit(
        self,
        code: str,
        location: Location,
        message: str,
        /,
        *,
        hint: str | None = None,
        related: Iterable[Related] = (),
        severity: Severity | None = None,
        **values: Any,
    ) -> None:
        """Record a finding under ``code`` with the message ``message`` (a message key)."""
        self.findings.append(
            make_finding(
                code, location, message, hint=hint, related=related, severity=severity, **values
            )
        )

    def ids_of(self, kinds: Iterable[str]) -> list[str]:
        """Ids of the given kinds, for 'did you mean' hints."""
        return [entity_id for kind in kinds for entity_id in self.catalog.all_ids_of(kind)]


@dataclass(frozen=True)
class CaseClaim:
    """An id declared in one case and referred to in another: the declaration is the mistake.

    ``id: diskominfo`` and 17 times ``DISKOMINFO``: reported once, at that ``id``.
    """

    #: the id as declared (``diskominfo``)
    declared: str
    #: the id as every reference to it writes it (``DISKOMINFO``)
    written: str
    #: how many references write it so
    count: int
    #: where the first of them is
    first: Location


class CaseView(Mapping[str, CaseClaim]):
    """:func:`case_claims` as the editor's quick step asks it: id by id, through an index.

    Looking up a spelling (``Diskominfo``) walks only the references to that id in any case
    (:class:`~spbe_cli.links.ReferenceIndex`); the claims listed (iterating, for
    :func:`~spbe_cli.checks.references.report_case_claims`) are those on the ``wanted`` ids
    (an id an edit retyped, one the last full check found so) and on the ids looked up: the
    ids an edit changed, as the full walk gives them (the claims on other ids wait for the
    full check).
    """

    def __init__(self, catalog: Catalog, index: ReferenceIndex, wanted: Iterable[str] = ()) -> None:
        self.catalog, self.index = catalog, index
        self.wanted = wanted
        #: whether a spelling was looked up (the full walk would then have been made)
        self.asked = False
        self._claims: dict[str, CaseClaim] = {}
        self._done: set[str] = set()
        self._declared: dict[str, list[str]] | None = None

    def _walk(self, folds: set[str]) -> None:
        todo = folds - self._done
        if todo:
            if self._declared is None:  # once: a lookup per reference must not scan every id
                self._declared = declared_by_fold(self.catalog)
            found = case_claims(self.catalog, self.index, todo, self._declared)
            self._claims.update(found)
            self._done |= todo

    def __getitem__(self, written: str) -> CaseClaim:
        self.asked = True
        self._walk({written.casefold()})
        return self._claims[written]

    def __contains__(self, written: object) -> bool:
        if not isinstance(written, str):
            return False
        self._walk({written.casefold()})
        return written in self._claims

    def _listed(self) -> dict[str, CaseClaim]:
        self._walk({entity_id.casefold() for entity_id in self.wanted})
        return self._claims

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed())

    def __len__(self) -> int:
        return len(self._listed())


def declared_by_fold(catalog: Catalog) -> dict[str, list[str]]:
    """The ids declared (accepted or refused), by their case-folded form."""
    folded: dict[str, list[str]] = {}
    for entity_id in dict.fromkeys((*catalog.entities, *catalog.invalid)):
        folded.setdefault(entity_id.casefold(), []).append(entity_id)
    return folded


def case_claims(
    catalog: Catalog,
    index: ReferenceIndex | None = None,
    folds: set[str] | None = None,
    by_fold: dict[str, list[str]] | None = None,
) -> dict[str, CaseClaim]:
    """References written in another case than the one id they mean, by that spelling.

    ``id: diskominfo`` with every reference writing ``DISKOMINFO``: one finding at the
    declaration, not one "not found" per reference. Only when it is unambiguous: exactly one
    id is declared (accepted or refused) that matches case-insensitively, it is an entity of
    a kind the reference allows, no reference names it as declared, and every reference that
    misses it writes it the same way. Otherwise each reference is reported, naming the id and
    where it is declared (``'Diskominfo' tidak ditemukan``, ``maksud Anda DISKOMINFO?``).

    ``index`` and ``folds``: only the claims on ids of these case-folded forms, walking only
    the entities the index says refer to them (the editor, after an edit retyped an id).
    ``by_fold``: :func:`declared_by_fold` of the catalog, when the caller has it.
    """
    from spbe_cli.links import entity_references, metadata_references

    folded = by_fold if by_fold is not None else declared_by_fold(catalog)
    named: set[str] = set()
    #: declared id -> spelling -> [count, first place]; a place is (file, document, ordinal
    #: of the reference in its document, source, field path): the first by file order, the
    #: same however the editor's catalog has been built up.
    spelt: dict[str, dict[str, list[Any]]] = {}

    def note(target: str, allowed: tuple[str, ...], place: tuple[Any, ...]) -> None:
        if folds is not None and target.casefold() not in folds:
            return
        if catalog.kind(target) is not None:
            named.add(target)
            return
        twins = folded.get(target.casefold(), [])
        if len(twins) != 1 or catalog.kinds.get(twins[0]) not in allowed:
            return
        entry = spelt.setdefault(twins[0], {}).setdefault(target, [0, place])
        entry[0] += 1
        entry[1] = min(entry[1], place, key=lambda p: p[:3])

    # Every entity, not catalog.items(): the editor's quick step walks one file's, but how an
    # id is referred to is a question about the whole catalog.
    walked = catalog.entities
    if index is not None and folds is not None:
        walked = {i: catalog.entities[i] for i in index.referrers(folds) if i in catalog.entities}
    for entity_id, entity in walked.items():
        source = catalog.sources.get(entity_id)
        if source is None:
            continue
        references = entity_references(catalog.kinds[entity_id], entity)
        for ordinal, (loc, target, allowed) in enumerate(references):
            note(target, allowed, (source.path, source.document, ordinal, source, loc))
    meta_source = catalog.metadata_source
    if meta_source is not None:
        for ordinal, link in enumerate(metadata_references(catalog)):
            place = (meta_source.path, meta_source.document, ordinal, meta_source, link.loc)
            note(link.target, link.allowed, place)
    claims: dict[str, CaseClaim] = {}
    for declared, spellings in spelt.items():
        if declared in named or len(spellings) != 1 or declared not in catalog.sources:
            continue
        [(written, (count, first))] = spellings.items()
        claims[written] = CaseClaim(declared, written, count, first[3].location(*first[4]))
    return claims


def unnamed_claims(catalog: Catalog, claims: Claims | None = None) -> dict[str, str]:
    """Ids referred to that nobody declares, which refused documents of unreadable id explain.

    ``id:`` (or ``id: ""``, ``id: 123``, no id) refuses an OPD; every ``DISKOMINFO`` that OPD was
    would then be "not found" too. When the ids of a kind referred to but declared nowhere are
    no more than the refused documents of that kind whose id is unreadable, each may be one of
    them: they count as declared (kind by id), as the id of any other refused document does,
    and the refused id's finding names them (:func:`explain_refused`). More of them than such
    documents: some are mistakes of their own, and every one is reported.
    """
    from spbe_cli.links import all_links

    unnamed: dict[str, int] = {}
    for rejected in catalog.rejected:
        if rejected.unnamed:
            unnamed[rejected.kind] = unnamed.get(rejected.kind, 0) + 1
    if not unnamed:
        return {}
    # Every reference of the catalog (the metadata's, a self-assessment's bukti): which ids
    # nobody declares is a question about the whole catalog.
    wanted: dict[str, dict[str, None]] = {kind: {} for kind in unnamed}
    # `DISKOMINFO` declared as `id: diskominfo`: that declaration is the id, not a refused one.
    cased = claims.case if claims is not None else case_claims(catalog)
    for link in all_links(catalog):
        if catalog.kind(link.target) is None and link.target not in cased:
            for kind in link.allowed:
                if kind in wanted:
                    wanted[kind][link.target] = None
    claimed: dict[str, str] = {}
    for kind, ids in wanted.items():
        if len(ids) <= unnamed[kind]:
            for target in ids:
                claimed.setdefault(target, kind)
    return claimed


def explain_refused(
    catalog: Catalog,
    findings: list[Finding],
    claims: Claims | None = None,
    paths: frozenset[str] | None = None,
) -> list[Finding]:
    """``findings`` with the finding of a refused id or reference saying what was meant.

    ``id:`` is then one finding, ``opd/x.yaml:5:4: id kosong`` with "tulis id: DISKOMINFO? (id
    itu dirujuk di 17 tempat …)", and not 17 more "'DISKOMINFO' tidak ditemukan" (see
    :func:`unnamed_claims`); ``opd_pj: Dinas Komunikasi dan Informatika`` says "maksud Anda
    DISKOMINFO?", the OPD of that name. Only the catalog as a whole knows either.

    ``claims``: those the rules computed for this catalog (else computed here, when needed).
    ``paths``: only findings in these files take a hint (the editor's quick step, one file):
    the catalog is walked only when one of them has a refused id or a name for an id.
    """
    claims = claims if claims is not None else Claims(catalog)
    hints = {**_unnamed_hints(catalog, claims, paths), **_name_hints(catalog, paths)}
    referred = _meant_counts(catalog, claims, paths)
    if not hints and not referred:
        return findings
    missing_id = t("schema.missing", field="id")
    out: list[Finding] = []
    for finding in findings:
        loc = finding.location
        place = (loc.path, loc.line, loc.column)
        hint = hints.get(place)
        if hint is not None and (
            finding.code in ("SPBE101", "SPBE103")
            or (finding.code == "SPBE108" and finding.message == missing_id)
        ):
            finding = replace(finding, hint=hint)
            del hints[place]
        count = referred.get(place)
        if count is not None and finding.code == "SPBE103":
            said = t("hint.meant_referred", id=count[0], count=count[1])
            finding = replace(finding, hint=f"{finding.hint}; {said}" if finding.hint else said)
            del referred[place]
        out.append(finding)
    return out


def _meant_counts(
    catalog: Catalog, claims: Claims, paths: frozenset[str] | None = None
) -> dict[tuple[str, int, int], tuple[str, int]]:
    """Each id declared with a look-alike letter (`id: DISKOMINFО`), by the place of its finding.

    With the id meant and how many references write it so (`DISKOMINFO`, 20): those
    references are not reported (the id counts as declared), so the one finding says how many
    lines fixing that id serves. Ids no reference names are left out.
    """
    meant = [(w, i) for w, i in catalog.meant_ids if paths is None or w.path in paths]
    if not meant:
        return {}
    counts = claims.counts({entity_id for _, entity_id in meant})
    return {
        (where.path, where.line, where.column): (entity_id, counts[entity_id])
        for where, entity_id in meant
        if counts.get(entity_id)
    }


def _unnamed_hints(
    catalog: Catalog, claims: Claims, paths: frozenset[str] | None = None
) -> dict[tuple[str, int, int], str]:
    """The hint of each unreadable id's finding, by its place: the ids it may have been."""
    from spbe_cli.links import references_to

    rejected = [
        r
        for r in catalog.rejected
        if r.id_at is not None and (paths is None or r.id_at.path in paths)
    ]
    if not rejected:
        return {}
    claimed = claims.claimed
    if not claimed:
        return {}
    counts = {target: len(links) for target, links in references_to(catalog, set(claimed)).items()}
    hints: dict[tuple[str, int, int], str] = {}
    for refused in rejected:
        where = refused.id_at
        ids = [target for target, kind in claimed.items() if kind == refused.kind]
        if where is None or not ids:
            continue
        if len(ids) == 1:
            hint = t("hint.unnamed_one", id=ids[0], count=counts.get(ids[0], 1), kind=refused.kind)
        else:
            hint = t("hint.unnamed_many", ids=", ".join(sorted(ids)), kind=refused.kind)
        hints[(where.path, where.line, where.column)] = hint
    return hints


def _name_hints(
    catalog: Catalog, paths: frozenset[str] | None = None
) -> dict[tuple[str, int, int], str]:
    """The hint of each reference written as a name, by its place: the entity of that name."""
    refs = [(w, text) for w, text in catalog.name_refs if paths is None or w.path in paths]
    if not refs:
        return {}
    wanted = {text.casefold() for _where, text in refs}
    named: dict[str, set[tuple[str, str]]] = {}
    for kind, entity_id, entity in catalog.items():
        for field_name in ("nama", "singkatan"):
            value = getattr(entity, field_name, None)
            if isinstance(value, str) and value.strip().casefold() in wanted:
                named.setdefault(value.strip().casefold(), set()).add((kind, entity_id))
    hints: dict[tuple[str, int, int], str] = {}
    for where, text in refs:
        found = named.get(text.casefold(), set())
        if len(found) == 1:
            [(kind, entity_id)] = found
            hint = t("hint.name_of", id=entity_id, name=text, kind=kind)
            hints[(where.path, where.line, where.column)] = hint
    return hints


def usable_period(periode: Periode | None) -> Periode | None:
    """``periode``, when rules may check years against it; None when missing or reversed.

    A reversed period (``mulai: 2029, selesai: 2025``) is one mistake, said once, on the
    metadata (SPBE602, :func:`~spbe_cli.checks.references.check_metadata`, which asks this
    too): no rule checks a year against it, where each would say it again in its own words
    (SPBE502/SPBE601 for every item, SPBE603, SPBE303, SPBE307).
    """
    if periode is None or periode.mulai > periode.selesai:
        return None
    return periode


def document_period(catalog: Catalog, name: str) -> Periode | None:
    """:func:`usable_period` of the metadata's ``dokumen.<name>`` (None without metadata)."""
    meta = catalog.metadata
    return usable_period(getattr(meta.dokumen, name).periode) if meta is not None else None


def check_years_in_period(
    ctx: Context, entity_id: str, entity: Any, periode: Any, code: str, message: str
) -> None:
    """Report ``tahun_mulai`` / ``tahun_selesai`` outside a document's period."""
    for field_name in ("tahun_mulai", "tahun_selesai"):
        year = getattr(entity, field_name)
        if not periode.mulai <= year <= periode.selesai:
            ctx.emit(
                code,
                ctx.catalog.where(entity_id, field_name),
                message,
                id=entity_id,
                year=year,
                mulai=periode.mulai,
                selesai=periode.selesai,
            )


def check_covered(
    ctx: Context,
    code: str,
    where: Location,
    message: str,
    listed: Mapping[str, str],
    kind: str,
    field_name: str,
) -> None:
    """Report every code of a reference list no entity of ``kind`` uses (SPBE501/604/609).

    Cancelled entities do not count, whether their own ``status`` or their latest progress entry
    says so (:func:`spbe_cli.status.is_cancelled`, as ``spbe list`` and ``spbe progress`` read
    it). What rejected documents gave in ``field_name`` counts as used: their rejection is the
    one finding. So does a value not in the list (``dimensi: Economy``), as the code its "did
    you mean" names: SPBE206 is the one finding, not also "economy has no program". The message
    gets ``kode`` and the name under the field's name (``dimensi``, ``pilar``, ``muatan``).
    """
    from spbe_cli.similarity import closest
    from spbe_cli.status import is_cancelled

    catalog = ctx.catalog
    used = {
        getattr(entity, field_name) for entity in catalog.of_kind(kind) if not is_cancelled(entity)
    }
    used.update(catalog.rejected_values(kind, field_name))
    covered = {
        value if value in listed else closest(value, listed)
        for value in used
        if isinstance(value, str)
    }
    for kode, nama in listed.items():
        if kode not in covered:
            values: dict[str, Any] = {"kode": kode, field_name: nama}
            ctx.emit(code, where, message, **values)


#: kind -> (code for years outside the document's period, message prefix)
_PLAN_RULES = {"program": ("SPBE601", "sc"), "peta_rencana": ("SPBE502", "pr")}


def check_plan_years(ctx: Context, kind: str, item: Rencana, periode: Periode | None) -> bool:
    """SPBE602, SPBE601/SPBE502 and SPBE607: the year rules programs and Peta Rencana items share.

    Returns whether the item's years are in order (the other year rules need that).
    """
    outside_code, prefix = _PLAN_RULES[kind]
    item_id, where = item.id, ctx.catalog.where
    if item.tahun_mulai > item.tahun_selesai:
        ctx.emit("SPBE602", where(item_id, "tahun_selesai"), "sc.years_reversed", id=item_id)
        return False
    if periode is not None:
        check_years_in_period(ctx, item_id, item, periode, outside_code, f"{prefix}.outside_period")
    for index, name, year in plan.targets_outside(item):
        ctx.emit(
            "SPBE607",
            where(item_id, "indikator", index, "target", year),
            f"{prefix}.target_outside",
            id=item_id,
            year=year,
            indikator=name,
        )
    for index, line in plan.budget_lines_outside(item):
        ctx.emit(
            "SPBE607",
            where(item_id, "anggaran", index, "tahun"),
            f"{prefix}.budget_outside",
            id=item_id,
            year=line.tahun,
        )
    for index, year in plan.progress_outside(item):
        ctx.emit(
            "SPBE607",
            where(item_id, "progres", index, "tahun"),
            f"{prefix}.progress_outside",
            hint=t(f"{prefix}.progress_outside_hint"),
            id=item_id,
            year=year,
            mulai=item.tahun_mulai,
            selesai=item.tahun_selesai,
        )
    return True


def _period(tahun: int, triwulan: int | None) -> str:
    """``triwulan 3 tahun 2026`` or ``tahun 2026``: the period an entry reports.

    As the author typed it (``triwulan: 3``): a finding points at the file. Reports and
    documents write the quarter as readers do (:func:`spbe_cli.formatting.triwulan`).
    """
    if triwulan is None:
        return t("sc.period_year", tahun=tahun)
    return t("sc.period_quarter", triwulan=triwulan, tahun=tahun)


def check_progress_entries(ctx: Context, kind: str, item: Rencana) -> None:
    """SPBE616-SPBE618: progress entries whose dates or status cannot be what was meant.

    * SPBE616: ``tanggal`` before the period the entry reports begins (the year, or its
      quarter), or more than a year after that year ends (2062 typed for 2026). Such an entry
      is counted, or never counted, on the wrong day.
    * SPBE617: in the order ``spbe progress`` counts them (tanggal, triwulan, position), a
      quarter of a year dated after a later quarter of the same year: the earlier quarter is
      then the entry counted, and its expectation (TW2: 50%) the one applied.
    * SPBE618: a program (or Peta Rencana item) whose own ``status`` is ``dibatalkan`` while its
      latest entry reports it going on: every command counts it cancelled, which the entry
      contradicts.

    None depends on today's date: ``spbe validate`` gives the same findings on any day.
    """
    from datetime import date

    from spbe_cli.formatting import tanggal
    from spbe_cli.status import in_order, latest_entry

    catalog = ctx.catalog
    item_id = item.id
    subjek = t(f"{_PLAN_RULES[kind][1]}.subjek", id=item_id)
    misdated: set[int] = set()
    for i, entry in enumerate(item.progres):
        quarter = entry.triwulan
        start = date(entry.tahun, 3 * (quarter - 1) + 1 if quarter else 1, 1)
        early, late = entry.tanggal < start, entry.tanggal.year > entry.tahun + 1
        if not early and not late:
            continue  # the usual entry: its place and words are only made for a finding
        misdated.add(i)
        where = catalog.where(item_id, "progres", i, "tanggal")
        values: dict[str, Any] = {
            "subjek": subjek,
            "periode": _period(entry.tahun, quarter),
            "tanggal": tanggal(entry.tanggal, None),
        }
        if early:
            ctx.emit(
                "SPBE616",
                where,
                "sc.entry_before_period",
                hint=t("sc.entry_date_hint"),
                mulai=tanggal(start, None),
                **values,
            )
        elif late:
            ctx.emit(
                "SPBE616",
                where,
                "sc.entry_long_after_period",
                hint=t("sc.entry_date_hint"),
                tahun=entry.tahun,
                **values,
            )
    latest_quarter: dict[int, tuple[int, Any]] = {}
    for i, entry in in_order(item.progres):
        if entry.triwulan is None or i in misdated:
            continue  # a date already reported (SPBE616) says nothing about the order
        before = latest_quarter.get(entry.tahun)
        if before is not None and entry.triwulan < before[1].triwulan:
            j, later = before
            ctx.emit(
                "SPBE617",
                catalog.where(item_id, "progres", i, "triwulan"),
                "sc.quarter_out_of_order",
                hint=t("sc.quarter_out_of_order_hint"),
                related=(
                    Related(
                        catalog.where(item_id, "progres", j, "triwulan"),
                        t("sc.quarter_later", periode=_period(later.tahun, later.triwulan)),
                    ),
                ),
                subjek=subjek,
                periode=_period(entry.tahun, entry.triwulan),
                tanggal=tanggal(entry.tanggal, None),
                lain=_period(later.tahun, later.triwulan),
                tanggal_lain=tanggal(later.tanggal, None),
            )
            continue
        latest_quarter[entry.tahun] = (i, entry)
    last = latest_entry(item.progres, date.max)
    if item.status == "dibatalkan" and last is not None and last.status != "dibatalkan":
        ctx.emit(
            "SPBE618",
            catalog.where(item_id, "status"),
            "sc.cancelled_but_reported",
            hint=t("sc.cancelled_but_reported_hint"),
            subjek=subjek,
            tanggal=tanggal(last.tanggal, None),
            status=last.status,
        )


Check = Callable[[Context], None]


def all_checks() -> list[Check]:
    """Every rule function, in the order they run."""
    from spbe_cli.checks import (
        architecture,
        duplicates,
        provenance,
        references,
        region,
        roadmap,
        self_assessment,
        smartcity,
    )

    return [
        references.check_declarations,
        references.check_metadata,
        region.check_pemda,
        references.check_references,
        references.check_cycles,
        references.check_codes,
        references.check_lists,
        architecture.check_traceability,
        architecture.check_aplikasi_umum,
        architecture.check_satu_data,
        architecture.check_domains,
        roadmap.check_peta_rencana,
        roadmap.check_rencana_coverage,
        roadmap.check_nomenklatur,
        smartcity.check_programs,
        smartcity.check_coverage,
        duplicates.check_duplicates,
        self_assessment.check_evaluasi,
        provenance.check_placeholders,
    ]


#: The rules a forked child runs when the rules are split in two: chosen so that both halves
#: end together on the national bench catalog (this process also pays most of the cost of
#: forking). Measured after the checks stopped placing findings that are not made: this
#: process 1.1-1.5 s, the child 1.4-1.5 s, ``check_duplicates`` the largest rule (1.2 s).
CHILD_RULES = frozenset({"check_duplicates", "check_aplikasi_umum", "check_codes"})


def run_checks(
    catalog: Catalog, *, halves: bool = True, claims: Claims | None = None
) -> list[Finding]:
    """Every rule's findings over a loaded catalog, in the order of the rules.

    See :func:`run_checks_each`.
    """
    return [f for found in run_checks_each(catalog, halves=halves, claims=claims) for f in found]


def run_checks_each(
    catalog: Catalog, *, halves: bool = True, claims: Claims | None = None
) -> list[list[Finding]]:
    """Run every rule over a loaded catalog; the findings come in the order of the rules.

    On a large catalog with a core idle (:func:`spbe_cli.parallel.core_idle`), and unless
    ``halves`` is False (the caller keeps the other core busy already), the rules of
    :data:`CHILD_RULES` run in a forked child while this process runs the others (see
    :func:`start_checks`); each rule's findings are put in its place in the order of the rules.
    ``claims``: shared with :func:`explain_refused` after the rules (see :class:`Claims`); the
    rules that use them run in this process.
    """
    from spbe_cli.parallel import core_idle

    checks = all_checks()
    if not halves or not core_idle(catalog.files):
        return _run_each(catalog, checks, claims)
    theirs = [check for check in checks if check.__name__ in CHILD_RULES]
    ours = [c for c in checks if c.__name__ not in CHILD_RULES]
    with start_checks(catalog, theirs) as found_there:
        found_here = iter(_run_each(catalog, ours, claims))
        there = iter(found_there())
    return [next(there if check.__name__ in CHILD_RULES else found_here) for check in checks]


@contextlib.contextmanager
def start_checks(
    catalog: Catalog, checks: list[Check]
) -> Iterator[Callable[[], list[list[Finding]]]]:
    """Start ``checks`` in a forked child; yields what gives each rule's findings.

    The rules only read the catalog, so the child's findings are those this process would
    find. A child that could not start, failed or sent something unreadable leaves the work to
    this process (when the function yielded is called). Whatever ends the block (the findings
    asked for, or this process's own work failing first), the child is gone when it ends: ended
    if it still runs, and waited for (see :func:`spbe_cli.parallel.forking`).
    """
    from spbe_cli.parallel import ForkedChild
    from spbe_cli.runrecord import MalformedRecordError, finding_from_json, finding_json

    child = ForkedChild(
        lambda: [[finding_json(f) for f in found] for found in _run_each(catalog, checks)]
    )

    def findings() -> list[list[Finding]]:
        sent = child.result()
        if isinstance(sent, list) and len(sent) == len(checks):
            try:
                return [[finding_from_json(value) for value in found] for found in sent]
            except (MalformedRecordError, TypeError):
                pass
        return _run_each(catalog, checks)

    try:
        yield findings
    finally:
        child.stop()


def _run_each(
    catalog: Catalog, checks: Iterable[Check], claims: Claims | None = None
) -> list[list[Finding]]:
    """Each rule's findings, in the order of ``checks``."""
    ctx = Context(catalog, claims=claims)
    found = []
    for check in checks:
        start = len(ctx.findings)
        check(ctx)
        found.append(ctx.findings[start:])
    return found
