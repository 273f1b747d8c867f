"""Smart city master plan rules: years, quick wins, indicators, budgets, coverage."""

from __future__ import annotations

from typing import Any

from spbe_cli.checks import (
    Context,
    check_covered,
    check_plan_years,
    check_progress_entries,
    document_period,
)
from spbe_cli.i18n import t
from spbe_cli.similarity import did_you_mean


def check_programs(ctx: Context) -> None:
    """SPBE601-SPBE603, SPBE605-SPBE608, SPBE611, SPBE613-SPBE618 for every program."""
    catalog = ctx.catalog
    meta = catalog.metadata
    periode = document_period(catalog, "masterplan")
    quick_years: set[int] = set()
    if meta is not None and periode is not None:
        quick_years = {periode.mulai}
        if meta.dokumen.masterplan.tahun_revisi is not None:
            quick_years.add(meta.dokumen.masterplan.tahun_revisi)
    for program in catalog.of_kind("program"):
        program_id = program.id
        start, end = program.tahun_mulai, program.tahun_selesai
        in_order = check_plan_years(ctx, "program", program, periode)
        if program.horizon == "quick_win" and in_order:
            if end != start:
                ctx.emit(
                    "SPBE603",
                    catalog.where(program_id, "horizon"),
                    "sc.quick_win_long",
                    id=program_id,
                    years=end - start + 1,
                )
            elif quick_years and start not in quick_years:
                ctx.emit(
                    "SPBE603",
                    catalog.where(program_id, "tahun_mulai"),
                    "sc.quick_win_late",
                    id=program_id,
                    year=start,
                    first=", ".join(str(y) for y in sorted(quick_years)),
                )
        if not any(ind.target and ind.baseline is not None for ind in program.indikator):
            ctx.emit("SPBE605", catalog.where(program_id, "id"), "sc.no_indicator", id=program_id)
        if not program.anggaran:
            ctx.emit("SPBE606", catalog.where(program_id, "id"), "sc.no_budget", id=program_id)
        if program.digital and not program.terkait_spbe:
            ctx.emit(
                "SPBE608", catalog.where(program_id, "id"), "sc.digital_unlinked", id=program_id
            )
        if not program.regulasi:
            ctx.emit("SPBE611", catalog.where(program_id, "id"), "sc.no_regulation", id=program_id)
        check_absorption(ctx, program)
        check_progress_entries(ctx, "program", program)
        names = {ind.nama for ind in program.indikator}
        for i, entry in enumerate(program.progres):
            for name in entry.realisasi:
                if name not in names:
                    ctx.emit(
                        "SPBE613",
                        catalog.where(program_id, "progres", i, "realisasi", name),
                        "sc.progress_unknown_indicator",
                        id=program_id,
                        name=name,
                        hint=did_you_mean(name, sorted(names)),
                    )


def check_absorption(ctx: Context, program: Any) -> None:
    """SPBE614/SPBE615: ``anggaran_terserap`` within the year's pagu, and never going down.

    The entries are taken in the order ``spbe progress`` counts them (tanggal, triwulan,
    position); the amount is cumulative since the start of its year.
    """
    if not any(entry.anggaran_terserap is not None for entry in program.progres):
        return
    from spbe_cli.formatting import rupiah, tanggal
    from spbe_cli.plan import budget_by_year
    from spbe_cli.status import in_order

    catalog = ctx.catalog
    program_id = program.id
    pagu_of = budget_by_year([program])
    earlier: dict[int, Any] = {}
    for i, entry in in_order(program.progres):
        absorbed = entry.anggaran_terserap
        if absorbed is None:
            continue
        pagu = pagu_of.get(entry.tahun, 0)
        before = earlier.get(entry.tahun)
        found: list[tuple[str, str, dict[str, Any]]] = []
        if absorbed > pagu:
            found.append(("SPBE614", "sc.absorbed_over_budget", {"pagu": rupiah(pagu)}))
        if before is not None and absorbed < before.anggaran_terserap:
            earlier_values = {
                "sebelumnya": rupiah(before.anggaran_terserap),
                "tanggal": tanggal(before.tanggal, None),
            }
            found.append(("SPBE615", "sc.absorbed_decreasing", earlier_values))
        for code, key, values in found:
            ctx.emit(
                code,
                catalog.where(program_id, "progres", i, "anggaran_terserap"),
                key,
                hint=t(f"{key}_hint"),
                id=program_id,
                tahun=entry.tahun,
                terserap=rupiah(absorbed),
                **values,
            )
        earlier[entry.tahun] = entry


def check_coverage(ctx: Context) -> None:
    """SPBE604/SPBE609: every dimension has programs; every readiness pillar is assessed."""
    source = ctx.catalog.metadata_source
    if source is None:
        return
    where, ref = source.location("dokumen", "masterplan"), ctx.reference
    check_covered(ctx, "SPBE604", where, "sc.dimension_empty", ref.dimensi, "program", "dimensi")
    check_covered(ctx, "SPBE609", where, "sc.pillar_missing", ref.pilar, "kesiapan", "pilar")
