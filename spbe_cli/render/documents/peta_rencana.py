"""Peta Rencana SPBE: the seven muatan, items per year with owner, target and budget."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from spbe_cli import plan
from spbe_cli.plan import Amount
from spbe_cli.render import figures as fg
from spbe_cli.render.context import RenderInput, targets_in, years_of
from spbe_cli.render.registry import DocumentSpec, register_document

SUMBER = ("APBD", "APBN", "DAK", "CSR", "KPBU", "lainnya")


@dataclass
class Muatan:
    """One muatan with its items and their rows per year."""

    kode: str
    nama: str
    items: list[Any]
    per_year: list[tuple[int, list[tuple[Any, list[Any], Amount]]]]
    total: Amount
    """The muatan's budget over every year and source (marked where illustrative)."""
    per_item: dict[str, Amount]
    """Each item's budget over every year and source, by item id."""


#: Up to this many items the timeline shows one bar per item; beyond, one per span of years.
TIMELINE_MAX_ITEMS = 60


def _timeline_rows(filled: list[Muatan], count: int) -> tuple[fg.TimelineRow, ...]:
    """One bar per item, or per muatan and span of years when there are too many to read."""
    if count <= TIMELINE_MAX_ITEMS:
        return tuple(
            fg.TimelineRow(i.nama, i.tahun_mulai, i.tahun_selesai, m.kode, m.nama)
            for m in filled
            for i in m.items
        )
    rows: list[fg.TimelineRow] = []
    for m in filled:
        spans: dict[tuple[int, int], int] = defaultdict(int)
        for item in m.items:
            spans[(item.tahun_mulai, item.tahun_selesai)] += 1
        rows.extend(
            fg.TimelineRow(f"{m.nama}: {n} butir", start, end, m.kode, m.nama)
            for (start, end), n in sorted(spans.items())
        )
    return tuple(rows)


def build(inp: RenderInput) -> dict[str, Any]:
    """Template context of the Peta Rencana SPBE."""
    catalog = inp.catalog
    meta = catalog.metadata
    assert meta is not None
    items = sorted(inp.of_kind("peta_rencana"), key=lambda i: (i.tahun_mulai, i.id))
    doc_years = list(meta.dokumen.peta_rencana.periode.tahun())
    budgets = {i.id: plan.amounts_by_year([i]) for i in items}
    years = years_of(doc_years, *budgets.values(), *(plan.years(i) for i in items))
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        grouped[item.muatan].append(item)
    codes = list(catalog.reference.muatan) + sorted(set(grouped) - set(catalog.reference.muatan))
    muatan: list[Muatan] = []
    per_muatan_year: dict[str, list[Amount]] = {}
    for kode in codes:
        mine = grouped.get(kode, [])
        per_year = []
        for year in years:
            rows = [
                (i, targets_in(i, year), budgets[i.id].get(year, Amount()))
                for i in mine
                if year in plan.years(i)
            ]
            if rows:
                per_year.append((year, rows))
        by_year = plan.amounts_by_year(mine)
        per_muatan_year[kode] = [by_year.get(y, Amount()) for y in years]
        muatan.append(
            Muatan(
                kode,
                catalog.reference.muatan.get(kode, kode),
                mine,
                per_year,
                plan.total(mine),
                {i.id: plan.total([i]) for i in mine},
            )
        )
    per_source = plan.amounts_by(items, lambda _, line: line.sumber)
    by_year_all = plan.amounts_by_year(items)
    per_year_total = [by_year_all.get(y, Amount()) for y in years]
    total_all = plan.total(items)
    filled = [m for m in muatan if m.items]
    gambar = {
        "anggaran-muatan": fg.BarChart(
            title="Anggaran per muatan",
            categories=tuple(m.nama for m in filled),
            series=(fg.Series("Anggaran", tuple(m.total.total for m in filled)),),
        )
        if total_all
        else None,
        "anggaran-tahun": fg.BarChart(
            title="Anggaran Peta Rencana SPBE per tahun",
            categories=tuple(str(y) for y in years),
            series=(fg.Series("Anggaran", tuple(a.total for a in per_year_total)),),
            horizontal=False,
        )
        if total_all
        else None,
        "linimasa": fg.paginate(
            fg.Timeline(
                title="Linimasa butir Peta Rencana SPBE",
                rows=_timeline_rows(filled, len(items)),
                years=tuple(years),
                legend=tuple((m.kode, m.nama) for m in filled),
            )
        )
        if items
        else None,
    }
    return {
        "gambar": gambar,
        "items": items,
        "muatan": muatan,
        "years": years,
        "anggaran": {
            "per_muatan": [(m, per_muatan_year[m.kode]) for m in muatan],
            "per_year": list(zip(years, per_year_total, strict=True)),
            "per_sumber": [
                (
                    s,
                    [per_source[s].get(y, Amount()) for y in years],
                    plan.sum_amounts(per_source[s].values()),
                )
                for s in SUMBER
                if s in per_source
            ],
            "total": total_all,
        },
        "kosong": [m for m in muatan if not m.items],
        "muatan_batang": [(m.nama, m.total.total) for m in muatan],
        "gantt_rows": [
            (i.nama, i.tahun_mulai, i.tahun_selesai, m.nama) for m in muatan for i in m.items
        ],
    }


register_document(
    DocumentSpec(
        name="peta-rencana",
        dokumen="peta_rencana",
        build=build,
        order=30,
        kinds=("metadata", "regulasi", "peta_rencana"),
    )
)
