"""Peta Rencana SPBE: the seven muatan, the period, and gap traceability (indicator 12)."""

from __future__ import annotations

from spbe_cli.checks import Context, check_years_in_period
from spbe_cli.links import ARSITEKTUR

_CHANGES_ELEMENTS = ("layanan", "aplikasi", "infrastruktur", "keamanan")
_TO_BE = ("rencana", "pengembangan")


def check_peta_rencana(ctx: Context) -> None:
    """SPBE501-SPBE504."""
    catalog = ctx.catalog
    meta, meta_source = catalog.metadata, catalog.metadata_source
    items = [(item.id, item) for item in catalog.of_kind("peta_rencana")]
    changed: set[str] = set()
    for item_id, item in items:
        changed.update(item.mengubah)
        where = catalog.where(item_id, "id")
        if item.tahun_mulai > item.tahun_selesai:
            ctx.emit(
                "SPBE602", catalog.where(item_id, "tahun_selesai"), "sc.years_reversed", id=item_id
            )
        elif meta is not None and (
            meta.dokumen.peta_rencana.periode.mulai <= meta.dokumen.peta_rencana.periode.selesai
        ):
            periode = meta.dokumen.peta_rencana.periode
            check_years_in_period(ctx, item_id, item, periode, "SPBE502", "pr.outside_period")
        if not any(ind.target for ind in item.indikator):
            ctx.emit("SPBE503", where, "pr.no_indicator", id=item_id)
        if not item.anggaran:
            ctx.emit("SPBE503", where, "pr.no_budget", id=item_id)
        if item.nomenklatur is None:
            ctx.emit("SPBE503", where, "pr.no_nomenklatur", id=item_id)
        if item.muatan in _CHANGES_ELEMENTS and not item.mengubah:
            ctx.emit("SPBE504", where, "pr.changes_nothing", id=item_id)
    if meta is None or meta_source is None:
        return
    present = {item.muatan for _, item in items if item.status != "dibatalkan"}
    for kode, nama in ctx.reference.muatan.items():
        if kode not in present:
            ctx.emit(
                "SPBE501",
                meta_source.location("dokumen", "peta_rencana"),
                "pr.muatan_missing",
                muatan=nama,
                kode=kode,
            )
    for kind in ARSITEKTUR:
        for element in catalog.of_kind(kind):
            if element.status in _TO_BE and element.id not in changed:
                ctx.emit(
                    "SPBE504",
                    catalog.where(element.id, "status"),
                    "pr.to_be_unplanned",
                    id=element.id,
                    status=element.status,
                )


def _urusan_of(ctx: Context, opd_id: str) -> set[str]:
    """The urusan an OPD holds, with those of its parent (a Bagian works for the Setda)."""
    held: set[str] = set()
    seen: set[str] = set()
    current: str | None = opd_id
    while current is not None and current not in seen and ctx.catalog.kind(current) == "opd":
        seen.add(current)
        opd = ctx.catalog.get(current)
        if opd is None:  # rejected while loading: its own finding says why
            break
        held.update(opd.urusan)
        current = opd.induk
    return held


def check_nomenklatur(ctx: Context) -> None:
    """SPBE505/SPBE506: a budget code's bidang is the owner's, and its level is the one stated.

    The Peta Rencana and the master plan show ``nomenklatur`` in a *sub kegiatan* column, so a
    code of another level must say so (``level: kegiatan``), or the column would lie.
    """
    catalog = ctx.catalog
    for kind in ("peta_rencana", "program"):
        for item in catalog.of_kind(kind):
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
            if catalog.kind(item.opd_pj) == "opd" and bidang not in _urusan_of(ctx, item.opd_pj):
                ctx.emit(
                    "SPBE505",
                    catalog.where(item.id, "opd_pj"),
                    "pr.nomenklatur_owner",
                    id=item.id,
                    opd=item.opd_pj,
                    kode=nomen.kode,
                    bidang=bidang,
                )
