"""Evaluasi mandiri (Indeks SPBE / Indeks Pemdi): the framework, the nilai and the evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spbe_cli.checks import Context
from spbe_cli.errors import Related
from spbe_cli.i18n import t

# spbe_cli.indeks (and the plafon it computes) is imported by the functions that need it: a
# catalog with no evaluasi_mandiri, as most are, never pays for its classes.
if TYPE_CHECKING:
    from spbe_cli.indeks import IndeksReport
    from spbe_cli.models import EvaluasiMandiri


def check_evaluasi(ctx: Context) -> None:
    """SPBE801-SPBE805 for every evaluasi_mandiri of the catalog."""
    evaluations = ctx.catalog.of_kind("evaluasi_mandiri")
    if not evaluations:
        return
    from spbe_cli.indeks import compute_indeks, load_frameworks
    from spbe_cli.plafon import Evidence

    check_structure(ctx)
    frameworks = load_frameworks()
    seen: set[tuple[str, int]] = set()
    evidence = Evidence(ctx.catalog, None)  # what every year shares, read once
    for e in evaluations:
        if (e.kerangka, e.tahun) in seen:
            continue  # the same framework and year twice: SPBE803, compared once
        seen.add((e.kerangka, e.tahun))
        report = compute_indeks(ctx.catalog, frameworks[e.kerangka], e.tahun, [], evidence)
        plafon_findings(ctx, report)


def check_structure(ctx: Context, only: str | None = None) -> None:
    """SPBE801, SPBE802, SPBE803, SPBE805; with ``only``, that evaluation's ``bukti`` too.

    The range of a nilai (1-5) is the schema's: an evaluation with a nilai of 7 is not loaded.
    ``spbe validate`` checks the ``bukti`` with every other reference (``check_references``);
    ``spbe indeks`` (``only``: the evaluation it shows) here.
    """
    from spbe_cli.indeks import framework_problems, load_frameworks, select_evaluasi

    catalog = ctx.catalog
    frameworks = load_frameworks()
    evaluations = catalog.of_kind("evaluasi_mandiri")
    # The evaluation `spbe indeks` and the laporan count for a framework and year (one rule:
    # select_evaluasi); every other one of that framework and year is the SPBE803.
    counted: dict[tuple[str, int], str] = {}
    for e in evaluations:
        key = (e.kerangka, e.tahun)
        if key not in counted:
            chosen = select_evaluasi(catalog, e.kerangka, e.tahun)
            counted[key] = chosen.id if chosen is not None else e.id
    shown = {(e.kerangka, e.tahun) for e in evaluations if e.id == only}
    for e in evaluations:
        key = (e.kerangka, e.tahun)
        if only is not None and e.id != only and key not in shown:
            continue
        source = catalog.sources[e.id]
        if counted[key] != e.id:
            ctx.emit(
                "SPBE803",
                source.location("tahun"),
                "indeks.rule_twice",
                related=(Related(catalog.where(counted[key], "tahun"), t("indeks.counted")),),
                kerangka=e.kerangka,
                tahun=e.tahun,
                id=counted[key],
            )
        if only is not None and e.id != only:
            continue  # the other evaluation of the year shown: only that it is not counted
        kerangka = frameworks[e.kerangka]
        for problem in framework_problems(kerangka):
            ctx.emit(
                "SPBE801",
                source.location("kerangka"),
                "indeks.rule_bobot",
                kerangka=e.kerangka,
                problem=problem,
            )
        _check_revoked(ctx, e)
        known = kerangka.by_nomor()
        given: dict[int, int] = {}
        for index, p in enumerate(e.penilaian):
            if p.indikator not in known:
                ctx.emit(
                    "SPBE802",
                    source.location("penilaian", index, "indikator"),
                    "indeks.rule_unknown",
                    nomor=p.indikator,
                    kerangka=e.kerangka,
                    n=kerangka.jumlah_indikator,
                )
            elif p.indikator in given:
                ctx.emit(
                    "SPBE803",
                    source.location("penilaian", index, "indikator"),
                    "indeks.rule_repeated",
                    related=(
                        Related(
                            source.location("penilaian", given[p.indikator], "indikator"),
                            t("load.first_here"),
                        ),
                    ),
                    nomor=p.indikator,
                )
            else:
                given[p.indikator] = index
        if only is not None:
            _check_bukti(ctx, e)


def _check_bukti(ctx: Context, e: EvaluasiMandiri) -> None:
    """The references of ``bukti``, for the one evaluation ``spbe indeks`` shows.

    As ``spbe validate`` checks them: there they are references like any other, walked with
    every entity's by :func:`~spbe_cli.checks.references.check_references`. A ``bukti`` written
    in another case than an id declared nowhere else in that case is one finding, at that
    declaration (:func:`~spbe_cli.checks.references.report_case_claims`).
    """
    from spbe_cli.checks.references import check_entity_references, report_case_claims

    check_entity_references(ctx, [("evaluasi_mandiri", e.id, e)])
    if ctx.case_known:
        report_case_claims(ctx, {target for p in e.penilaian for target in p.bukti})


def _check_revoked(ctx: Context, e: EvaluasiMandiri) -> None:
    """SPBE805: a framework used for a year from which its successor applies."""
    from spbe_cli.indeks import load_frameworks, successor_for

    kerangka = load_frameworks()[e.kerangka]
    successor = successor_for(kerangka, e.tahun)
    if successor is not None:
        ctx.emit(
            "SPBE805",
            ctx.catalog.where(e.id, "kerangka"),
            "indeks.rule_revoked",
            kerangka=e.kerangka,
            tahun=e.tahun,
            dasar=kerangka.dasar_hukum,
            pengganti=successor.dasar_hukum,
            mulai=successor.mulai_tahun,
            baru=successor.kode,
        )


def plafon_findings(ctx: Context, report: IndeksReport) -> None:
    """SPBE804: a nilai above the plafon of its indicator, with what the evidence lacks."""
    if report.evaluasi is None:
        return
    e = ctx.catalog.get(report.evaluasi)
    source = ctx.catalog.sources[report.evaluasi]
    for row in report.baris:
        if not row.di_atas_plafon or row.penilaian is None:
            continue
        index = next(k for k, p in enumerate(e.penilaian) if p is row.penilaian)
        gap = "; ".join(row.plafon.kurang) or "-"
        ctx.emit(
            "SPBE804",
            source.location("penilaian", index, "nilai"),
            "indeks.rule_plafon",
            nomor=row.indikator.nomor,
            nama=report.kerangka.unverified(row.indikator.nama),
            nilai=row.nilai,
            plafon=row.plafon.level,
            kurang=gap,
        )
