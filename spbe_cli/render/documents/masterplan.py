"""Master Plan Smart City: readiness, vision, programs, roadmap, budget, regulation, governance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from spbe_cli import plan
from spbe_cli.owners import OWNER_FIELD
from spbe_cli.plan import Amount
from spbe_cli.render import figures as fg
from spbe_cli.render import standar
from spbe_cli.render.context import RenderInput, counts, hierarchy_order, targets_in, years_of
from spbe_cli.render.engine import code_marks, marks_shown
from spbe_cli.render.registry import DocumentSpec, register_document
from spbe_cli.status import current_status

MITRA_FIELDS = ("akademisi", "bisnis", "komunitas", "media", "pemerintah")


@dataclass(frozen=True)
class ProgramView:
    """A program with what its rows in the document need, computed once."""

    p: Any
    total: Amount
    per_year: dict[int, Amount]
    mitra: list[tuple[str, list[str]]]
    years: list[int]
    status: str
    """The status of its latest progress entry (as the laporan says), else its own."""


@dataclass(frozen=True)
class Elemen:
    """One smart city element and its programs."""

    kode: str
    nama: str
    programs: list[ProgramView] = field(default_factory=list)


@dataclass(frozen=True)
class Dimensi:
    """One smart city dimension and its elements."""

    kode: str
    nama: str
    elemen: list[Elemen]
    empty: list[Elemen]
    programs: int
    """How many of its programs count (:func:`counts`); its elements describe every one."""
    total: Amount


#: The role the owning OPD (:data:`spbe_cli.owners.OWNER_FIELD`) plays for each architecture kind.
_OWNER_ROLE = {
    "proses_bisnis": "pemilik",
    "data_informasi": "produsen",
    "layanan": "pelaksana",
    "aplikasi": "pemilik",
    "infrastruktur": "pengelola",
    "keamanan": "penanggung jawab",
}
#: Other roles an element gives an OPD, after its owner: the walidata of a data element.
_OTHER_ROLES = {"data_informasi": (("wali_data", "walidata"),)}
#: The OPD fields of each architecture kind, with the role they give the OPD.
_OPD_ROLES: tuple[tuple[str, str, str], ...] = tuple(
    (kind, opd_field, role)
    for kind, owner_role in _OWNER_ROLE.items()
    for opd_field, role in ((OWNER_FIELD[kind], owner_role), *_OTHER_ROLES.get(kind, ()))
)


def _elements_by_opd(inp: RenderInput) -> dict[str, list[tuple[str, Any, str]]]:
    """The SPBE architecture elements each OPD owns, runs or guards: (kind, element, role)."""
    roles: dict[str, dict[str, tuple[str, Any, list[str]]]] = defaultdict(dict)
    for kind, opd_field, role in _OPD_ROLES:
        for element in inp.of_kind(kind):
            opd = getattr(element, opd_field)
            if opd:
                entry = roles[opd].setdefault(element.id, (kind, element, []))
                entry[2].append(role)
    return {
        opd: [(kind, element, ", ".join(names)) for kind, element, names in by_id.values()]
        for opd, by_id in roles.items()
    }


#: Up to this many programs the roadmap shows one bar per program; beyond, one per element.
ROADMAP_MAX_PROGRAMS = 60


def _roadmap_rows(dimensi: list[Dimensi], count: int) -> tuple[fg.TimelineRow, ...]:
    """One bar per program, or per element when there are too many programs to read.

    A cancelled program has no place on the road ahead (nor in the roadmap's tables).
    """
    if count <= ROADMAP_MAX_PROGRAMS:
        return tuple(
            fg.TimelineRow(v.p.nama, v.p.tahun_mulai, v.p.tahun_selesai, d.kode, d.nama)
            for d in dimensi
            for e in d.elemen
            for v in e.programs
            if counts(v.p)
        )
    rows = []
    for d in dimensi:
        for e in d.elemen:
            views = [v for v in e.programs if counts(v.p)]
            if views:
                rows.append(
                    fg.TimelineRow(
                        f"{e.nama} ({len(views)} program)",
                        min(v.p.tahun_mulai for v in views),
                        max(v.p.tahun_selesai for v in views),
                        d.kode,
                        d.nama,
                    )
                )
    return tuple(rows)


@dataclass(frozen=True)
class Anggaran(plan.YearBudget):
    """The budget chapter: per year, per source and in all, and per dimension."""

    per_dimensi: list[tuple[str, str, list[Amount], Amount]]


@dataclass(frozen=True)
class MasterplanContext:
    """What the master plan template receives (converted to plain data at the boundary).

    One field per section; a new section adds a field here and a step below.
    """

    gambar: dict[str, Any]
    """Figure specs by directive key; they go to the writers, never to the template."""
    programs: list[ProgramView]
    """Every program, described in chapter V whatever its status."""
    jumlah_program: int
    """How many programs count (:func:`counts`): the figure every count of the document uses."""
    dimensi: list[Dimensi]
    dimensi_batang: list[tuple[str, int]]
    gantt_rows: list[tuple[str, int, int, str]]
    quick_wins: list[ProgramView]
    years: list[int]
    roadmap: list[tuple[int, list[tuple[ProgramView, Amount, list[Any]]], Amount]]
    dibatalkan: list[ProgramView]
    """Cancelled programs: described, left out of the sums and the roadmap (a sentence says so)."""
    anggaran: Anggaran
    regulasi_dasar: list[tuple[Any, str, list[Any]]]
    regulasi_dibutuhkan: list[tuple[Any, str, list[Any]]]
    tanpa_regulasi: list[Any]
    kesiapan: list[tuple[str, str, dict[str, str], list[Any]]]
    misi_programs: dict[int, list[Any]]
    lampiran: list[tuple[Any, list[tuple[Any, str]], list[tuple[str, Any, str]]]]
    opd_tanpa_program: list[Any]
    tanda_kode_lampiran: list[str]
    """The marks (``†``, ``‡``) of the reference codes the appendix shows, for the legend."""


def _program_views(inp: RenderInput) -> list[ProgramView]:
    """Every program with its budget, partners, years and status, computed once."""
    return [
        ProgramView(
            p,
            plan.total([p]),
            plan.amounts_by_year([p]),
            [(name, getattr(p.mitra, name)) for name in MITRA_FIELDS if getattr(p.mitra, name)],
            list(plan.years(p)),
            current_status(p),
        )
        for p in inp.of_kind("program")
    ]


def _dimensions(inp: RenderInput, programs: list[ProgramView]) -> list[Dimensi]:
    """The dimensions in reference order (unknown ones after), each with its elements."""
    ref = inp.catalog.reference
    by_element: dict[tuple[str, str], list[ProgramView]] = defaultdict(list)
    for view in programs:
        by_element[(view.p.dimensi, view.p.elemen)].append(view)
    dimensi: list[Dimensi] = []
    dim_codes = list(ref.dimensi) + sorted({v.p.dimensi for v in programs} - set(ref.dimensi))
    for kode in dim_codes:
        known = dict(ref.elemen.get(kode, {}))
        for view in programs:
            if view.p.dimensi == kode:
                known.setdefault(view.p.elemen, view.p.elemen)
        elemen = [Elemen(k, n, by_element.get((kode, k), [])) for k, n in known.items()]
        filled = [e for e in elemen if e.programs]
        dimensi.append(
            Dimensi(
                kode,
                ref.dimensi.get(kode) or kode,
                filled,
                [e for e in elemen if not e.programs],
                sum(1 for e in filled for v in e.programs if counts(v.p)),
                plan.total(v.p for e in filled for v in e.programs if counts(v.p)),
            )
        )
    return dimensi


def _budget(programs: list[ProgramView], dimensi: list[Dimensi], years: list[int]) -> Anggaran:
    """The budget chapter, every figure computed by :mod:`spbe_cli.plan`."""
    entities = [v.p for v in programs]
    per_dim_year = plan.amounts_by(entities, lambda program, _: program.dimensi)
    return Anggaran(
        **vars(plan.year_budget(entities, years)),
        per_dimensi=[
            (
                d.kode,
                d.nama,
                [per_dim_year.get(d.kode, {}).get(y, Amount()) for y in years],
                d.total,
            )
            for d in dimensi
        ],
    )


def _roadmap(
    programs: list[ProgramView], years: list[int]
) -> list[tuple[int, list[tuple[ProgramView, Amount, list[Any]]], Amount]]:
    """Per year: the programs running, their budget and targets that year, and the year's sum."""
    roadmap = []
    for year in years:
        rows = [
            (v, v.per_year.get(year, Amount()), targets_in(v.p, year))
            for v in programs
            if year in plan.years(v.p)
        ]
        if rows:
            roadmap.append((year, rows, plan.sum_amounts(r[1] for r in rows)))
    return roadmap


def _regulations(
    inp: RenderInput, programs: list[ProgramView]
) -> tuple[list[tuple[Any, str, list[Any]]], list[tuple[Any, str, list[Any]]]]:
    """Regulations programs rest on, and those still needed, each with its programs."""
    resting: dict[str, list[Any]] = defaultdict(list)
    needing: dict[str, list[Any]] = defaultdict(list)
    for view in programs:
        for reg in view.p.regulasi:
            resting[reg].append(view.p)
        for reg in view.p.regulasi_dibutuhkan:
            needing[reg].append(view.p)
    regulasi = {r.id: r for r in inp.of_kind("regulasi")}

    def rows(found: dict[str, list[Any]]) -> list[tuple[Any, str, list[Any]]]:
        # In the Dasar Hukum's order (UU before PP before Perpres ...); an unknown id last.
        def key(rid: str) -> tuple[int, Any]:
            reg = regulasi.get(rid)
            return (0, hierarchy_order(reg)) if reg is not None else (1, rid)

        return [
            (regulasi.get(rid), rid, sorted(found[rid], key=lambda p: p.id))
            for rid in sorted(found, key=key)
        ]

    return rows(resting), rows(needing)


def _appendix(
    inp: RenderInput, programs: list[ProgramView]
) -> tuple[list[tuple[Any, list[tuple[Any, str]], list[tuple[str, Any, str]]]], list[Any]]:
    """Every OPD with the programs it leads or supports and its elements; OPD without programs.

    ``programs`` are those that count: an OPD whose only program is cancelled has none.
    """
    lampiran: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    for view in programs:
        lampiran[view.p.opd_pj].append((view.p, "pj"))
        for opd in view.p.opd_pendukung:
            if opd != view.p.opd_pj:
                lampiran[opd].append((view.p, "pendukung"))
    opd_all = inp.of_kind("opd")
    elements = _elements_by_opd(inp)
    rows = [
        (o, lampiran.get(o.id, []), elements.get(o.id, []))
        for o in opd_all
        if o.id in lampiran or o.id in elements
    ]
    return rows, [o for o in opd_all if o.id not in lampiran]


def _figures(
    programs: list[ProgramView],
    counted: list[ProgramView],
    dimensi: list[Dimensi],
    years: list[int],
    anggaran: Anggaran,
) -> dict[str, Any]:
    """The figures of the master plan (None where there is nothing to draw)."""
    with_programs = [d for d in dimensi if d.programs]
    money = bool(anggaran.total)
    return {
        "anggaran-dimensi": fg.BarChart(
            title="Anggaran program per dimensi",
            categories=tuple(d.nama for d in with_programs),
            series=(fg.Series("Anggaran", tuple(d.total.total for d in with_programs)),),
            category_colour_keys=tuple(d.kode for d in with_programs),
        )
        if money
        else None,
        "anggaran-tahun": fg.per_year("Anggaran program smart city per tahun", anggaran.per_year)
        if money
        else None,
        "anggaran-sumber": fg.BarChart(
            title="Anggaran per sumber dana dan tahun",
            categories=tuple(str(y) for y in years),
            series=tuple(
                fg.Series(s, tuple(a.total for a in values)) for s, values, _ in anggaran.per_sumber
            ),
            stacked=True,
            horizontal=False,
        )
        if money
        else None,
        "peta-jalan": fg.paginate(
            fg.Timeline(
                title="Peta jalan program smart city",
                rows=_roadmap_rows(dimensi, len(counted)),
                years=tuple(years),
                legend=tuple((d.kode, d.nama) for d in with_programs),
            )
        )
        if programs
        else None,
    }


def _readiness(inp: RenderInput) -> list[tuple[str, str, dict[str, str], list[Any]]]:
    """Per readiness pillar: its sub-aspects and the catalog's assessments."""
    ref = inp.catalog.reference
    kesiapan: dict[str, list[Any]] = defaultdict(list)
    for item in inp.of_kind("kesiapan"):
        kesiapan[item.pilar].append(item)
    return [
        (kode, nama, ref.sub_aspek.get(kode, {}), kesiapan.get(kode, []))
        for kode, nama in ref.pilar.items()
    ]


def build(inp: RenderInput) -> MasterplanContext:
    """Template context of the master plan, section by section."""
    meta = inp.catalog.metadata
    assert meta is not None
    programs = _program_views(inp)
    dimensi = _dimensions(inp, programs)
    years = years_of(
        meta.dokumen.masterplan.periode.tahun(),
        *(v.per_year for v in programs),
        *(v.years for v in programs),
    )
    counted = [v for v in programs if counts(v.p)]
    anggaran = _budget(counted, dimensi, years)
    # A cancelled program rests on no regulation and needs none any more.
    dasar, dibutuhkan = _regulations(inp, counted)
    lampiran, tanpa_program = _appendix(inp, counted)
    misi_programs: dict[int, list[Any]] = defaultdict(list)
    for view in counted:  # a cancelled program supports no mission any more
        for nomor in view.p.misi:
            misi_programs[nomor].append(view.p)
    filled = [(d, v) for d in dimensi for e in d.elemen for v in e.programs if counts(v.p)]
    return MasterplanContext(
        gambar=_figures(programs, counted, dimensi, years, anggaran),
        programs=programs,
        jumlah_program=len(counted),
        dimensi=dimensi,
        dimensi_batang=[(d.nama, d.total.total) for d in dimensi],
        gantt_rows=[(v.p.nama, v.p.tahun_mulai, v.p.tahun_selesai, d.nama) for d, v in filled],
        quick_wins=[v for v in counted if v.p.horizon == "quick_win"],
        years=years,
        roadmap=_roadmap(counted, years),
        dibatalkan=[v for v in programs if not counts(v.p)],
        anggaran=anggaran,
        regulasi_dasar=dasar,
        regulasi_dibutuhkan=dibutuhkan,
        tanpa_regulasi=[v.p for v in counted if not v.p.regulasi],
        kesiapan=_readiness(inp),
        misi_programs=misi_programs,
        lampiran=lampiran,
        opd_tanpa_program=tanpa_program,
        tanda_kode_lampiran=marks_shown(
            ((kind, e) for _, _, elemen in lampiran for kind, e, _ in elemen),
            code_marks((kode, n.status) for kode, n in inp.catalog.reference.codes.items()),
        ),
    )


register_document(
    DocumentSpec(
        name="masterplan",
        dokumen="masterplan",
        build=build,
        sections=(standar.masterplan,),  # the standard chapters
        order=10,
        kinds=("metadata", "regulasi", "program", "kesiapan"),
    )
)
