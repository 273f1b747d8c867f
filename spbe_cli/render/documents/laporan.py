"""Laporan kemajuan tahunan: the year-end report of ``spbe progress`` as a document.

``spbe render --doc laporan`` reads the year from ``extras["tahun"]`` (the ``--tahun`` option);
without it the report covers the latest year that has a progress entry. The report is dated by
``extras["tanggal"]`` (``--tanggal``) or, by default, by the latest progress update recorded in
the catalog up to the end of that year: never a future date, never the clock, so the document is
the same on every run and months stalled are counted to a day that has passed.
``extras["earlier"]`` may hold the catalog at an earlier revision (``--since``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from spbe_cli import i18n
from spbe_cli.formatting import (
    KOSONG,
    angka,
    entity_name,
    marking,
    persen_rasio,
    rupiah,
    tanggal,
)
from spbe_cli.indeks import (
    Kerangka,
    evaluate,
    framework,
    load_frameworks,
    select_evaluasi,
    successor_for,
)
from spbe_cli.indeks_format import index_text, predikat_text, report_dict, unverified
from spbe_cli.plan import Amount
from spbe_cli.progress import (
    CATEGORIES,
    DEFAULT_MONTHS,
    GroupSummary,
    Options,
    ProgressReport,
    compute_progress,
    readers_order,
    today_in,
)
from spbe_cli.render import figures as fg
from spbe_cli.render.context import RenderInput
from spbe_cli.render.document import heading_case
from spbe_cli.render.engine import MARK_ILLUSTRATIVE, name_ids, rupiah_tanda
from spbe_cli.render.registry import DocumentSpec, register_document


def default_year(inp: RenderInput) -> int:
    """The latest year with a progress entry, else the first year of the master plan."""
    years = [e.tahun for p in inp.of_kind("program") for e in p.progres]
    if years:
        return int(max(years))
    meta = inp.catalog.metadata
    if meta is not None:
        return meta.dokumen.masterplan.periode.mulai
    starts = [p.tahun_mulai for p in inp.of_kind("program")]
    return min(starts) if starts else today_in(None).year


def report_date(inp: RenderInput, tahun: int) -> date:
    """The latest progress update up to the end of ``tahun`` (31 December when there is none)."""
    end = date(tahun, 12, 31)
    dates = [e.tanggal for p in inp.of_kind("program") for e in p.progres if e.tanggal <= end]
    return max(dates) if dates else end


def _group(g: GroupSummary, label: str | None = None) -> dict[str, Any]:
    return {
        "label": label or g.nama,
        "program": g.programs,
        "ada_progres": g.with_progress,
        "selesai": g.selesai,
        "capaian": persen_rasio(g.capaian),
        "ada_capaian": g.capaian is not None,
        "ada_pagu": bool(g.pagu),
        # marked as spbe progress marks it: the pagu sums illustrative budget lines
        "pagu": rupiah_tanda(Amount(g.pagu, g.pagu_ilustratif)),
        "terserap": rupiah(g.terserap),
        "serapan": persen_rasio(g.serapan),
    }


@dataclass(frozen=True)
class LaporanContext:
    """What the laporan template receives (converted to plain data at the boundary).

    Display-ready values (numbers formatted the Indonesian way); one field per section.
    """

    gambar: dict[str, Any]
    """Figure specs by directive key; they go to the writers, never to the template."""
    tahun: int
    tanggal_laporan: date
    bulan_mangkrak: int
    total: dict[str, Any]
    per_opd: list[dict[str, Any]]
    per_dimensi: list[dict[str, Any]]
    program_tahun: list[dict[str, Any]]
    perhatian: list[dict[str, Any]]
    jumlah_perhatian: int
    terlambat: dict[str, Any]
    """What is late and who owns it: the first line of the summary."""
    since: str | None
    evaluasi: dict[str, Any]
    """The self-assessment section (``spbe indeks`` in the readers' words)."""
    ada_ilustratif: bool
    """Whether any figure of the report is an illustration, not data (the cover says so)."""


def _context(
    report: ProgressReport, catalog: Any, evaluasi: dict[str, Any], indeks: fg.BarChart | None
) -> LaporanContext:
    """Display-ready values of the report (numbers formatted the Indonesian way)."""
    programs = [
        {
            "id": p.id,
            "nama": p.nama,
            "opd": p.opd,
            "dimensi": p.dimensi,
            "status": p.status,
            "capaian": persen_rasio(p.capaian),
            "serapan": persen_rasio(p.serapan),
            "pembaruan": tanggal(p.last_update) if p.last_update else KOSONG,
            "indikator": [
                {
                    "nama": i.nama,
                    "satuan": i.satuan,
                    "arah": i.arah,
                    "target": angka(i.target),
                    "realisasi": angka(i.realisasi),
                    "capaian": persen_rasio(i.capaian),
                }
                for i in p.indicators
            ],
            "ilustratif": bool(getattr(catalog.get(p.id), "ilustratif", False)),
            "catatan": p.entry.catatan if p.entry is not None else None,
            "catatan_ilustratif": p.entry is not None and p.entry.ilustratif,
            "bukti": p.entry.bukti if p.entry is not None else None,
        }
        # in the order of the names readers see, not of the ids they do not
        for p in readers_order(report.programs)
    ]
    perhatian = [
        {
            "kode": c,
            "judul": heading_case(i18n.t("progress.cat." + c)),
            "aktif": report.checked(c),
            "butir": [
                {
                    "id": a.id,
                    "nama": a.nama,
                    "opd": a.opd,
                    "alasan": a.reason,
                    "lokasi": str(a.location) if a.location else "",
                }
                # in the order of the names readers see, not of the ids they do not
                for a in readers_order(report.attention.get(c, []))
            ],
        }
        for c in CATEGORIES
    ]
    return LaporanContext(
        gambar={
            "capaian-opd": _progress_chart(
                report.by_opd, "Capaian dan serapan per perangkat daerah"
            ),
            "capaian-dimensi": _progress_chart(
                report.by_dimensi, "Capaian dan serapan per dimensi"
            ),
            "indeks": indeks,
        },
        evaluasi=evaluasi,
        tahun=report.options.tahun,
        tanggal_laporan=report.options.tanggal,
        bulan_mangkrak=report.options.bulan_mangkrak,
        total=_group(report.total, "Jumlah"),
        per_opd=[_group(g) for g in report.by_opd],
        per_dimensi=[_group(g) for g in report.by_dimensi],
        program_tahun=programs,
        perhatian=perhatian,
        jumlah_perhatian=report.attention_count,
        terlambat=_late(report),
        since=report.since,
        ada_ilustratif=any(p["ilustratif"] for p in programs),
    )


def _late(report: ProgressReport) -> dict[str, Any]:
    """The numbers of "what is late and who owns it" (as ``spbe progress`` counts them)."""
    total, owners, rest, rest_programs = report.late_summary()
    return {
        "jumlah": total,
        "pemilik": [{"nama": o.nama, "jumlah": len(o.programs)} for o in owners],
        "lainnya": rest,
        "lainnya_program": rest_programs,
    }


#: A progress chart shows at most this many groups; beyond, the table alone says it.
CHART_MAX_GROUPS = 40


def _progress_chart(groups: list[GroupSummary], title: str) -> fg.ProgressChart | None:
    """Achievement and budget absorption per group (fractions: 1 is 100%)."""
    if not groups or len(groups) > CHART_MAX_GROUPS:
        return None
    return fg.ProgressChart(
        title=title,
        categories=tuple(g.nama for g in groups),
        measures=(
            fg.Measure("Capaian indikator", tuple(g.capaian for g in groups), "capaian"),
            fg.Measure("Serapan anggaran", tuple(g.serapan for g in groups), "serapan"),
        ),
    )


def _framework_for(catalog: Any, tahun: int) -> Kerangka:
    """The framework in force in ``tahun``, unless only the other one has an evaluation then.

    PermenPANRB 8/2026 replaces 59/2020 from its first evaluation year; a Pemda that recorded
    that year's self-assessment under the replaced framework still sees it, with the note.
    """
    old = framework("spbe_59_2020")
    chosen = successor_for(old, tahun) or old
    if select_evaluasi(catalog, chosen.kode, tahun) is None:
        for other in load_frameworks().values():
            if other.kode != chosen.kode and select_evaluasi(catalog, other.kode, tahun):
                return other
    return chosen


def _indeks(catalog: Any, tahun: int) -> tuple[dict[str, Any], fg.BarChart | None]:
    """The self-assessment section: plain data of ``spbe indeks`` in the readers' words."""
    kerangka = _framework_for(catalog, tahun)
    report = evaluate(catalog, kerangka, tahun)
    data = report_dict(report)

    pemda = catalog.pemda_nama

    def name(found: str) -> str:
        entity = catalog.get(found)
        if entity is None:
            return found
        # The evidence line says a regulation's status itself ("berstatus dibutuhkan").
        return entity_name(entity.entitas, entity, pemda, catalog.reference, status=False)

    # "regulasi penetapan (dokumen.*.penetapan) di katalog" names a field; readers read this.
    no_penetapan = i18n.t("plafon.no_penetapan")

    def names(text: str) -> str:
        text = text.replace(no_penetapan, "regulasi penetapan belum tercatat")
        return name_ids(text, name)

    def shown(value: float | None) -> str:
        # An index computed with unverified weights carries their mark (†), as they do.
        return KOSONG if value is None else unverified(kerangka, index_text(value))

    groups = [
        {
            "label": i18n.t(
                "indeks." + g["tingkat"], nomor=g["nomor"], nama=unverified(kerangka, g["nama"])
            ),
            "tingkat": g["tingkat"],
            "bobot": unverified(kerangka, angka(g["bobot"])),
            "indeks": shown(g["indeks"]),
            "belum": g["jumlah"] - g["dinilai"],
            "nilai": g["indeks"],
        }
        for g in data["kelompok"]
    ]
    rows = [
        {
            "nomor": i["nomor"],
            "nama": unverified(kerangka, i["nama"]),
            "bobot": unverified(kerangka, angka(i["bobot"])),
            "nilai": KOSONG if i["nilai"] is None else str(i["nilai"]),
            "plafon": KOSONG if i["plafon"]["level"] is None else str(i["plafon"]["level"]),
            "dasar": i18n.t("indeks.status." + i["plafon"]["status"]),
            "di_atas_plafon": i["di_atas_plafon"],
            "selisih": (i["nilai"] - i["plafon"]["level"]) if i["di_atas_plafon"] else None,
            "kurang": [names(line) for line in i["plafon"]["kurang"]],
        }
        for i in data["indikator"]
    ]
    evaluasi = catalog.get(data["evaluasi"]) if data["evaluasi"] else None
    pengganti = load_frameworks()[data["pengganti"]] if data["pengganti"] else None
    predikat = data["predikat"]
    values = {
        "judul": data["kerangka"]["judul"],
        "dasar_hukum": data["kerangka"]["dasar_hukum"],
        "terverifikasi": kerangka.terverifikasi and kerangka.predikat_terverifikasi,
        "sumber": kerangka.sumber_teks,
        "pengganti": pengganti.dasar_hukum if pengganti is not None else None,
        "pengganti_mulai": pengganti.mulai_tahun if pengganti is not None else None,
        "ada_evaluasi": evaluasi is not None,
        # An evaluation of the year was written but refused (rendered with --force): not "none".
        "ditolak": bool(data["evaluasi_ditolak"]),
        "ilustratif": data["ilustratif"],
        "dinilai": data["status"] == "dinilai",
        "indeks": shown(data["indeks"]),
        "predikat": predikat_text(kerangka, report.predikat) if predikat else None,
        "belum": data["jumlah_indikator"] - data["dinilai"],
        "jumlah_indikator": data["jumlah_indikator"],
        "ada_domain": any(g["tingkat"] == "domain" for g in groups),
        "kelompok": groups,
        "indikator": rows,
        "di_atas_plafon": [r for r in rows if r["di_atas_plafon"]],
        "berplafon": [r for r in rows if r["plafon"] != KOSONG],
    }
    scored = [g for g in groups if g["nilai"] is not None]
    chart = (
        fg.BarChart(
            title="Indeks per " + ("domain dan aspek" if values["ada_domain"] else "aspek"),
            categories=tuple(g["label"] for g in scored),
            series=(fg.Series("Indeks", tuple(g["nilai"] for g in scored)),),
            value_format="number",
        )
        if scored
        else None
    )
    return values, chart


def build(inp: RenderInput) -> LaporanContext:
    """Template context of the year-end progress report."""
    catalog = inp.catalog
    tahun = int(inp.extras.get("tahun") or default_year(inp))
    when = inp.extras.get("tanggal") or report_date(inp, tahun)
    meta = catalog.metadata
    months = meta.pengaturan.bulan_mangkrak if meta is not None else DEFAULT_MONTHS
    options = Options(tahun, when, int(inp.extras.get("bulan_mangkrak") or months))
    # The document is in Bahasa Indonesia whatever the language of the messages.
    with i18n.use_language("id"):
        report = compute_progress(
            catalog, options, inp.extras.get("earlier"), inp.extras.get("since")
        )
        # Values of unverified reference data carry the documents' mark, as illustrative ones.
        with marking(f" {MARK_ILLUSTRATIVE}"):
            evaluasi, chart = _indeks(catalog, tahun)
        return _context(report, catalog, evaluasi, chart)


register_document(DocumentSpec(name="laporan", dokumen=None, build=build, order=40))
