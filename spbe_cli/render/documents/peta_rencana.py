"""Peta Rencana SPBE: the seven muatan, items per year with owner, target and budget."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from spbe_cli import plan
from spbe_cli.plan import Amount
from spbe_cli.render import figures as fg
from spbe_cli.render import standar
from spbe_cli.render.context import RenderInput, counts, targets_in, years_of
from spbe_cli.render.registry import DocumentSpec, register_document
from spbe_cli.status import current_status


@dataclass(frozen=True)
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
    butir: int
    """How many of its items count (:func:`counts`); ``items`` lists every one."""


#: Up to this many items the timeline shows one bar per item; beyond, one per span of years.
TIMELINE_MAX_ITEMS = 60


def _timeline_rows(filled: list[Muatan], count: int) -> tuple[fg.TimelineRow, ...]:
    """One bar per item, or per muatan and span of years when there are too many to read."""
    if count <= TIMELINE_MAX_ITEMS:
        return tuple(
            fg.TimelineRow(i.nama, i.tahun_mulai, i.tahun_selesai, m.kode, m.nama)
            for m in filled
            for i in m.items
            if counts(i)
        )
    rows: list[fg.TimelineRow] = []
    for m in filled:
        spans: dict[tuple[int, int], int] = defaultdict(int)
        for item in m.items:
            if not counts(item):
                continue
            spans[(item.tahun_mulai, item.tahun_selesai)] += 1
        rows.extend(
            fg.TimelineRow(f"{m.nama}: {n} butir", start, end, m.kode, m.nama)
            for (start, end), n in sorted(spans.items())
        )
    return tuple(rows)


@dataclass(frozen=True)
class Anggaran(plan.YearBudget):
    """The budget chapter: per year, per source and in all, and per muatan."""

    per_muatan: list[tuple[Muatan, list[Amount]]]


@dataclass(frozen=True)
class PetaRencanaContext:
    """What the Peta Rencana template receives (converted to plain data at the boundary).

    One field per section; a new section adds a field here and a step below.
    """

    gambar: dict[str, Any]
    """Figure specs by directive key; they go to the writers, never to the template."""
    items: list[Any]
    """Every butir, listed in its muatan's chapter whatever its status."""
    jumlah_butir: int
    """How many butir count (:func:`counts`): the figure every count of the document uses."""
    muatan: list[Muatan]
    years: list[int]
    anggaran: Anggaran
    kosong: list[Muatan]
    dibatalkan: list[Any]
    """Cancelled butir: listed, left out of the sums and the plan per year."""
    status: dict[str, str]
    """The status each butir shows, by id: its latest progress entry's, as ``spbe list`` and
    the laporan show it (:func:`spbe_cli.status.current_status`)."""
    muatan_batang: list[tuple[str, int]]
    gantt_rows: list[tuple[str, int, int, str]]


def _muatan(inp: RenderInput, items: list[Any], years: list[int]) -> list[Muatan]:
    """The muatan in reference order (unknown ones after), each with its items per year."""
    reference = inp.catalog.reference.muatan
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        grouped[item.muatan].append(item)
    muatan: list[Muatan] = []
    for kode in list(reference) + sorted(set(grouped) - set(reference)):
        mine = grouped.get(kode, [])
        budgets = {i.id: plan.amounts_by_year([i]) for i in mine}
        per_year = []
        for year in years:
            rows = [
                (i, targets_in(i, year), budgets[i.id].get(year, Amount()))
                for i in mine
                if year in plan.years(i) and counts(i)
            ]
            if rows:
                per_year.append((year, rows))
        totals = {i.id: plan.total([i]) for i in mine}
        muatan.append(
            Muatan(
                kode,
                reference.get(kode, kode),
                mine,
                per_year,
                plan.total(i for i in mine if counts(i)),
                totals,
                sum(1 for i in mine if counts(i)),
            )
        )
    return muatan


def _budget(counted: list[Any], muatan: list[Muatan], years: list[int]) -> Anggaran:
    """The budget chapter of the butir that count, every figure computed by :mod:`spbe_cli.plan`."""
    per_muatan = []
    for m in muatan:
        mine = plan.amounts_by_year(i for i in m.items if counts(i))
        per_muatan.append((m, [mine.get(y, Amount()) for y in years]))
    return Anggaran(**vars(plan.year_budget(counted, years)), per_muatan=per_muatan)


def _figures(
    items: list[Any], counted: list[Any], muatan: list[Muatan], years: list[int], anggaran: Anggaran
) -> dict[str, Any]:
    """The figures of the Peta Rencana (None where there is nothing to draw)."""
    filled = [m for m in muatan if m.items]
    money = bool(anggaran.total)
    return {
        "anggaran-muatan": fg.BarChart(
            title="Anggaran per muatan",
            categories=tuple(m.nama for m in filled),
            series=(fg.Series("Anggaran", tuple(m.total.total for m in filled)),),
        )
        if money
        else None,
        "anggaran-tahun": fg.per_year("Anggaran Peta Rencana SPBE per tahun", anggaran.per_year)
        if money
        else None,
        "linimasa": fg.paginate(
            fg.Timeline(
                title="Linimasa butir Peta Rencana SPBE",
                rows=_timeline_rows(filled, len(counted)),
                years=tuple(years),
                legend=tuple((m.kode, m.nama) for m in filled),
            )
        )
        if items
        else None,
    }


def build(inp: RenderInput) -> PetaRencanaContext:
    """Template context of the Peta Rencana SPBE, section by section."""
    meta = inp.catalog.metadata
    assert meta is not None
    items = sorted(inp.of_kind("peta_rencana"), key=lambda i: (i.tahun_mulai, i.id))
    years = years_of(
        meta.dokumen.peta_rencana.periode.tahun(),
        plan.amounts_by_year(items),
        *(plan.years(i) for i in items),
    )
    muatan = _muatan(inp, items, years)
    counted = [i for i in items if counts(i)]
    anggaran = _budget(counted, muatan, years)
    return PetaRencanaContext(
        gambar=_figures(items, counted, muatan, years, anggaran),
        items=items,
        jumlah_butir=len(counted),
        muatan=muatan,
        years=years,
        anggaran=anggaran,
        kosong=[m for m in muatan if not m.items],
        dibatalkan=[i for i in items if not counts(i)],
        status={i.id: current_status(i) for i in items},
        muatan_batang=[(m.nama, m.total.total) for m in muatan],
        gantt_rows=[
            (i.nama, i.tahun_mulai, i.tahun_selesai, m.nama)
            for m in muatan
            for i in m.items
            if counts(i)
        ],
    )


register_document(
    DocumentSpec(
        name="peta-rencana",
        dokumen="peta_rencana",
        build=build,
        sections=(standar.peta_rencana,),  # the standard chapters
        order=30,
        kinds=("metadata", "regulasi", "peta_rencana"),
    )
)
