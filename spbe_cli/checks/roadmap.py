"""Peta Rencana SPBE: the seven muatan, the period, and gap traceability (indicator 12)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from spbe_cli.checks import (
    Context,
    check_covered,
    check_plan_years,
    check_progress_entries,
    document_period,
)
from spbe_cli.links import ARSITEKTUR
from spbe_cli.models import MODELS, Elemen, Rencana
from spbe_cli.status import is_cancelled

_CHANGES_ELEMENTS = ("layanan", "aplikasi", "infrastruktur", "keamanan")
_TO_BE = ("rencana", "pengembangan")


def check_peta_rencana(ctx: Context) -> None:
    """SPBE502-SPBE504 of each item, and the rules shared with programs.

    Those are SPBE602, SPBE607 and SPBE616-SPBE618; what the items cover as a whole is
    :func:`check_rencana_coverage`'s.
    """
    catalog = ctx.catalog
    periode = document_period(catalog, "peta_rencana")
    for item in catalog.of_kind("peta_rencana"):
        item_id = item.id
        check_plan_years(ctx, "peta_rencana", item, periode)
        check_progress_entries(ctx, "peta_rencana", item)
        if not any(ind.target for ind in item.indikator):
            ctx.emit("SPBE503", catalog.where(item_id, "id"), "pr.no_indicator", id=item_id)
        if not item.anggaran:
            ctx.emit("SPBE503", catalog.where(item_id, "id"), "pr.no_budget", id=item_id)
        if item.nomenklatur is None:
            ctx.emit("SPBE503", catalog.where(item_id, "id"), "pr.no_nomenklatur", id=item_id)
        if item.muatan in _CHANGES_ELEMENTS and not item.mengubah:
            ctx.emit("SPBE504", catalog.where(item_id, "id"), "pr.changes_nothing", id=item_id)


#: The kinds whose elements have a status a Peta Rencana item can change (SPBE504).
ELEMENT_KINDS = tuple(kind for kind in ARSITEKTUR if issubclass(MODELS[kind], Elemen))


def coverage_facts(kind: str, entity: Any) -> Any:
    """What :func:`check_rencana_coverage` reads of one entity (None: nothing).

    A Peta Rencana item's ``[muatan, mengubah, cancelled]``; an element's ``status`` when it is
    a to-be one (the others cannot be reported). The one home of what the rule reads: the full
    run and a followed edit (:mod:`spbe_cli.incremental_rules`) both go through it.
    """
    if kind == "peta_rencana":
        return [entity.muatan, list(entity.mengubah), is_cancelled(entity)]
    if kind in ELEMENT_KINDS and entity.status in _TO_BE:
        return entity.status
    return None


def check_muatan_covered(ctx: Context) -> None:
    """SPBE501: each muatan of the Peta Rencana has an item (at the metadata's document)."""
    catalog = ctx.catalog
    meta, meta_source = catalog.metadata, catalog.metadata_source
    if meta is None or meta_source is None:
        return
    where = meta_source.location("dokumen", "peta_rencana")
    muatan = ctx.reference.muatan
    check_covered(ctx, "SPBE501", where, "pr.muatan_missing", muatan, "peta_rencana", "muatan")


def unplanned_elements(
    planned: Mapping[str, str], kinds: Mapping[str, str], changed: Collection[str]
) -> Iterator[tuple[str, tuple[str, ...], str, dict[str, Any]]]:
    """SPBE504 of each to-be element no item changes: ``(id, field, message key, values)``.

    ``planned``: id -> status of the to-be elements (:func:`coverage_facts`); ``changed``:
    every id an item (cancelled ones included, and refused ones) names in ``mengubah``. In the
    order of a full run: kind by kind, in id order.
    """
    by_kind: dict[str, list[str]] = {}
    for element_id in planned:
        if element_id not in changed:
            by_kind.setdefault(kinds.get(element_id, ""), []).append(element_id)
    for kind in ELEMENT_KINDS:
        for element_id in sorted(by_kind.get(kind, ())):
            status = planned[element_id]
            values = {"id": element_id, "status": status}
            yield element_id, ("status",), "pr.to_be_unplanned", values


def check_rencana_coverage(ctx: Context) -> None:
    """SPBE501: each muatan has an item; SPBE504: each planned element has an item changing it.

    What the items cover together (the items themselves: :func:`check_peta_rencana`).
    """
    catalog = ctx.catalog
    if catalog.metadata is None or catalog.metadata_source is None:
        return
    check_muatan_covered(ctx)
    # Every item's, cancelled ones included, and what refused items named.
    changed: set[str] = set(catalog.rejected_values("peta_rencana", "mengubah"))
    for item in catalog.of_kind("peta_rencana"):
        changed.update(item.mengubah)
    planned: dict[str, str] = {}
    for kind in ELEMENT_KINDS:
        for element in catalog.of_kind(kind):
            status = coverage_facts(kind, element)
            if status is not None:
                planned[element.id] = status
    for element_id, loc, message, values in unplanned_elements(planned, catalog.kinds, changed):
        ctx.emit("SPBE504", catalog.where(element_id, *loc), message, **values)


def _urusan_of(ctx: Context, opd_id: str) -> set[str] | None:
    """The urusan an OPD holds, with those of its parent (a Bagian works for the Setda).

    None when an OPD on the way was refused when loading, or a reference on the way names no
    OPD (SPBE201, SPBE202): what it holds is not known, so no rule may say that it does not hold
    a bidang (the one finding is the one that says why).
    """
    held: set[str] = set()
    seen: set[str] = set()
    current: str | None = opd_id
    while current is not None and current not in seen:
        opd = ctx.catalog.get(current) if ctx.catalog.kind(current) == "opd" else None
        if opd is None:
            return None
        seen.add(current)
        held.update(opd.urusan)
        current = opd.induk
    return held


def check_nomenklatur(ctx: Context) -> None:
    """SPBE505/SPBE506: a budget code's bidang is the owner's, and its level is the one stated.

    The Peta Rencana and the master plan show ``nomenklatur`` in a *sub kegiatan* column, so a
    code of another level must say so (``level: kegiatan``), or the column would lie.
    """
    catalog = ctx.catalog
    plans: list[Rencana] = [*catalog.of_kind("peta_rencana"), *catalog.of_kind("program")]
    for item in plans:
        nomen = item.nomenklatur
        if nomen is None:
            continue
        if nomen.level_kode != nomen.level:
            ctx.emit(
                "SPBE506",
                catalog.where(item.id, "nomenklatur", "kode"),
                "pr.nomenklatur_level",
                kode=nomen.kode,
                level=nomen.level_kode,
                declared=nomen.level,
            )
        bidang = nomen.kode[:4]
        held = _urusan_of(ctx, item.opd_pj)
        if held is not None and bidang not in held:
            ctx.emit(
                "SPBE505",
                catalog.where(item.id, "opd_pj"),
                "pr.nomenklatur_owner",
                id=item.id,
                opd=item.opd_pj,
                kode=nomen.kode,
                bidang=bidang,
            )
