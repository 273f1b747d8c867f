"""The standard chapters a mentor expects in every document, as plain data for the templates.

The penetapan block and the planning documents (every document; the Dasar Hukum
is :attr:`~spbe_cli.render.context.RenderInput.legal_basis`); for the master plan the
SWOT and sasaran per dimension, monitoring and evaluation and the pentahelix partner map; for
the Arsitektur SPBE the Peta Strategi, the narrative of each domain with its diagram, the
integration (SPLP) view and the SIA-SPBE metadata of each element; for the Peta Rencana its
links to planning documents. Each document builder merges one of :func:`masterplan`,
:func:`arsitektur` or :func:`peta_rencana` into its context with :func:`merge`; figures go to
the context's ``gambar`` mapping like the builders' own.

The values are names, never ids (ids only where a code column or the appendix asks for them);
sentences are in the templates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from spbe_cli.formatting import full_citation, region, tanggal
from spbe_cli.models import DOMAIN_LABELS, DOMAINS
from spbe_cli.owners import responsible_opd
from spbe_cli.render import figures as fg
from spbe_cli.render.context import RenderInput, counts

# -- regulations ----------------------------------------------------------------------------


def cite(reg: Any, pemda: Any) -> str:
    """Cite a regulation in full (:func:`spbe_cli.formatting.full_citation`, the one home)."""
    return full_citation(reg, pemda.nama)


@dataclass(frozen=True)
class Pengesahan:
    """The penetapan block: who signs, and with which regulation the document is adopted."""

    kepala_daerah: str
    daerah: str
    penetapan: str | None
    ditetapkan: bool


def pengesahan(inp: RenderInput, dokumen: str) -> Pengesahan:
    """The penetapan block of one document (``masterplan``, ``arsitektur``, ``peta_rencana``)."""
    meta = inp.catalog.metadata
    assert meta is not None
    doc = getattr(meta.dokumen, dokumen)
    reg = inp.catalog.entities.get(doc.penetapan) if doc.penetapan else None
    return Pengesahan(
        meta.pemda.kepala_daerah,
        region(meta.pemda.nama),
        cite(reg, meta.pemda) if reg is not None else None,
        doc.status == "ditetapkan",
    )


@dataclass(frozen=True)
class Terkait:
    """A planning document the document refers to (RPJMD, Renstra, national plans)."""

    jenis: str
    nama: str
    regulasi: str | None
    url: str | None
    keterkaitan: str | None
    ilustratif: bool


def keterkaitan(inp: RenderInput, dokumen: str) -> tuple[Terkait, ...]:
    """The planning documents one document declares, with their regulation cited in full."""
    meta = inp.catalog.metadata
    assert meta is not None
    rows = []
    for item in getattr(meta.dokumen, dokumen).keterkaitan:
        reg = inp.catalog.entities.get(item.regulasi) if item.regulasi else None
        rows.append(
            Terkait(
                item.jenis,
                item.nama,
                cite(reg, meta.pemda) if reg is not None else None,
                item.url,
                item.keterkaitan,
                item.ilustratif,
            )
        )
    return tuple(rows)


def common(inp: RenderInput, dokumen: str) -> dict[str, Any]:
    """What every document shows: penetapan block, planning links.

    The Dasar Hukum is ``RenderInput.legal_basis`` (the pipeline adds it to every document).
    """
    return {
        "pengesahan": pengesahan(inp, dokumen),
        "keterkaitan": keterkaitan(inp, dokumen),
    }


# -- master plan ----------------------------------------------------------------------------


def _targets(indikator: Any, years: Iterable[int]) -> tuple[Decimal | None, ...]:
    return tuple(indikator.target.get(y) for y in years)


@dataclass(frozen=True)
class SasaranBaris:
    """One indicator of a sasaran, with its targets in the document's years."""

    sasaran: str
    indikator: str
    satuan: str
    baseline: Decimal | None
    target: tuple[Decimal | None, ...]
    ilustratif: bool


@dataclass(frozen=True)
class DimensiStrategi:
    """SWOT and sasaran of one smart city dimension."""

    kode: str
    nama: str
    kekuatan: tuple[str, ...]
    kelemahan: tuple[str, ...]
    peluang: tuple[str, ...]
    ancaman: tuple[str, ...]
    sasaran: tuple[SasaranBaris, ...]
    ilustratif: bool


def _sasaran_rows(sasaran: Iterable[Any], years: list[int], ilustratif: bool) -> list[Any]:
    rows = []
    for s in sasaran:
        flag = ilustratif or s.ilustratif
        if not s.indikator:
            rows.append(SasaranBaris(s.uraian, "", "", None, (None,) * len(years), flag))
        rows.extend(
            SasaranBaris(s.uraian, ind.nama, ind.satuan, ind.baseline, _targets(ind, years), flag)
            for ind in s.indikator
        )
    return rows


@dataclass(frozen=True)
class MonevDimensi:
    """What is measured in one dimension, by whom and how often progress is reported."""

    nama: str
    program: int
    indikator: int
    opd: tuple[str, ...]
    triwulan: bool
    terakhir: Any


@dataclass(frozen=True)
class Mitra:
    """One partner of the pentahelix map with the programs it joins."""

    kategori: str
    nama: str
    program: tuple[str, ...]
    ilustratif: bool


#: The pentahelix, in the order the map shows it.
PENTAHELIX = ("pemerintah", "akademisi", "bisnis", "komunitas", "media")


def masterplan(inp: RenderInput) -> dict[str, Any]:
    """SWOT and sasaran per dimension, M&E, partner map, plus the common chapters."""
    catalog = inp.catalog
    meta = catalog.metadata
    assert meta is not None
    ref = catalog.reference
    years = list(meta.dokumen.masterplan.periode.tahun())
    codes = list(ref.dimensi) + sorted(
        {p.dimensi for p in inp.of_kind("program")} - set(ref.dimensi)
    )
    # The monitoring coverage and the partner map count what the rest of the master plan counts.
    programs = [p for p in inp.of_kind("program") if counts(p)]

    strategi = []
    for kode in codes:
        entry = meta.strategi_dimensi.get(kode)
        if entry is None:
            continue
        swot = entry.swot
        strategi.append(
            DimensiStrategi(
                kode,
                ref.dimensi.get(kode) or kode,
                tuple(swot.kekuatan),
                tuple(swot.kelemahan),
                tuple(swot.peluang),
                tuple(swot.ancaman),
                tuple(_sasaran_rows(entry.sasaran, years, entry.ilustratif)),
                entry.ilustratif,
            )
        )
    tanpa = [ref.dimensi.get(k) or k for k in codes if k not in meta.strategi_dimensi]

    monev = []
    for kode in codes:
        mine = [p for p in programs if p.dimensi == kode]
        if not mine:
            continue
        updates = [g.tanggal for p in mine for g in p.progres]
        monev.append(
            MonevDimensi(
                ref.dimensi.get(kode) or kode,
                len(mine),
                sum(len(p.indikator) for p in mine),
                tuple(dict.fromkeys(inp.opd[p.opd_pj] for p in mine)),
                any(g.triwulan for p in mine for g in p.progres),
                max(updates) if updates else None,
            )
        )

    partners: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for p in programs:
        for kategori in PENTAHELIX:
            for nama in getattr(p.mitra, kategori):
                partners[(kategori, nama)].append(p)
    mitra = [
        Mitra(
            kategori,
            nama,
            tuple(p.nama for p in ps),
            all(p.mitra.ilustratif for p in ps),
        )
        for kategori in PENTAHELIX
        for (k, nama), ps in sorted(partners.items(), key=lambda kv: kv[0][1].casefold())
        if k == kategori
    ]
    with_partner = sum(1 for p in programs if any(getattr(p.mitra, k) for k in PENTAHELIX))
    return {
        **common(inp, "masterplan"),
        "strategi_dimensi": tuple(strategi),
        "dimensi_tanpa_strategi": tuple(tanpa),
        "tahun_dokumen": tuple(years),
        "monev": tuple(monev),
        "mitra_peta": tuple(mitra),
        "mitra_kategori": tuple((k, sum(1 for m in mitra if m.kategori == k)) for k in PENTAHELIX),
        "program_bermitra": with_partner,
    }


# -- Arsitektur SPBE ------------------------------------------------------------------------


#: Most boxes in one diagram figure: more would not fit an A4 page in print (DOCX, PDF).
MAX_BOXES = 12
#: A diagram of more elements than this (five pages of boxes) is left out: the tables and the
#: narrative say the same, and a reader cannot follow hundreds of boxes.
DIAGRAM_MAX_ELEMENTS = 60


def split_diagram(title: str, levels: list[Any], edges: list[Any], whole: bool = False) -> Any:
    """One diagram, or a tuple of page-sized parts of at most :data:`MAX_BOXES` boxes each.

    A band cut between two parts keeps its label (with "(lanjutan)" on the later part); with
    ``whole`` bands are never cut. Arrows are kept inside the part that holds both ends.
    """
    total = sum(len(level.boxes) for level in levels)
    # Parts of even size: 25 boxes make 9 + 9 + 7, not 12 + 12 + 1.
    size = -(-total // max(1, -(-total // MAX_BOXES)))
    parts: list[list[Any]] = [[]]
    count = 0
    for level in levels:
        boxes = list(level.boxes)
        if whole and count and count + len(boxes) > size:
            parts.append([])
            count = 0
        label = level.label
        while boxes:
            room = len(boxes) if whole else size - count
            if room <= 0:
                parts.append([])
                count, room = 0, size
            taken, boxes = boxes[:room], boxes[room:]
            parts[-1].append(fg.Level(label, tuple(taken), level.colour_key))
            count += len(taken)
            label = f"{level.label} (lanjutan)"
    diagrams = []
    for n, part in enumerate(parts, start=1):
        keys = {b.key for lv in part for b in lv.boxes}
        mine = tuple(e for e in edges if e.source in keys and e.target in keys)
        # A part's title is its caption (the document numbers it): "... (2/3)".
        named = f"{title} ({n}/{len(parts)})" if len(parts) > 1 else title
        diagrams.append(fg.Diagram(title=named, levels=tuple(part), edges=mine))
    return diagrams[0] if len(diagrams) == 1 else tuple(diagrams)


@dataclass(frozen=True)
class StrategiBaris:
    """One row of the Peta Strategi: an IKU with the sasaran, tujuan and misi above it.

    ``baru_misi``/``baru_tujuan``/``baru_sasaran`` are true on the first row of each, so a
    table can leave repeated cells empty.
    """

    misi_nomor: int
    misi: str
    misi_ilustratif: bool
    tujuan: str
    sasaran: str
    iku: str
    satuan: str
    target: tuple[Decimal | None, ...]
    baru_misi: bool
    baru_tujuan: bool
    baru_sasaran: bool
    ilustratif: bool
    """The sasaran (and so its IKU and targets) is illustrative, itself or by its tujuan."""
    tujuan_ilustratif: bool = False
    """The tujuan itself is illustrative (its cell gets the mark, not because of a sasaran)."""


def peta_strategi(inp: RenderInput, years: list[int]) -> tuple[list[StrategiBaris], Any]:
    """Rows of visi -> misi -> tujuan -> sasaran -> IKU, and the diagram of the same chain.

    The diagram has one band per misi, read left to right: each tujuan, then its sasaran, then
    their IKU, so that every arrow stays inside its band.
    """
    meta = inp.catalog.metadata
    assert meta is not None
    rows: list[StrategiBaris] = []
    levels: list[fg.Level] = []
    edges: list[fg.Edge] = []
    for misi in meta.misi:
        mkey = f"m{misi.nomor}"
        boxes: list[fg.Box] = []
        first_misi = True
        for t, tujuan in enumerate(misi.tujuan, 1):
            tkey = f"{mkey}t{t}"
            boxes.append(fg.Box(tkey, tujuan.uraian, colour_key="branding"))
            first_tujuan = True
            for s, sasaran in enumerate(tujuan.sasaran, 1):
                skey = f"{tkey}s{s}"
                boxes.append(fg.Box(skey, sasaran.uraian, colour_key="economy"))
                edges.append(fg.Edge(tkey, skey))
                flag = meta.ilustratif or tujuan.ilustratif or sasaran.ilustratif
                for i, ind in enumerate(sasaran.indikator or [None], 1):
                    if ind is not None:
                        ikey = f"{skey}i{i}"
                        boxes.append(fg.Box(ikey, ind.nama, f"IKU ({ind.satuan})", "environment"))
                        edges.append(fg.Edge(skey, ikey))
                    rows.append(
                        StrategiBaris(
                            misi.nomor,
                            misi.uraian,
                            meta.ilustratif or misi.ilustratif,
                            tujuan.uraian,
                            sasaran.uraian,
                            ind.nama if ind else "",
                            ind.satuan if ind else "",
                            _targets(ind, years) if ind else (None,) * len(years),
                            first_misi,
                            first_tujuan,
                            i == 1,
                            flag,
                            meta.ilustratif or tujuan.ilustratif,
                        )
                    )
                    first_misi = first_tujuan = False
        if boxes:
            levels.append(fg.Level(f"Misi {misi.nomor}", tuple(boxes)))
    figure = (
        split_diagram(
            "Peta Strategi: setiap misi dijabarkan, dari kiri ke kanan, menjadi tujuan, "
            "sasaran dan indikator kinerja utama (IKU)",
            levels,
            edges,
            whole=True,
        )
        if levels
        else None
    )
    return rows, figure


#: Statuses of an element that belong to the target state (to-be) only.
TARGET = ("pengembangan", "rencana")


@dataclass(frozen=True)
class KondisiDomain:
    """The current and target state of one domain: the catalog's counts and its narrative."""

    kind: str
    saat_ini: int
    target: int
    dihentikan: int
    elemen_target: tuple[str, ...]
    uraian_saat_ini: str | None
    uraian_target: str | None
    ilustratif: bool


#: Bands of the per-domain diagram, by element status.
_BANDS = (
    ("operasional", "Operasional (saat ini)"),
    ("pengembangan", "Dalam pengembangan (target)"),
    ("rencana", "Direncanakan (target)"),
    ("dihentikan", "Dihentikan"),
)


def _owner(inp: RenderInput, element: Any) -> str:
    """The owning OPD shown under a box (:mod:`spbe_cli.owners`), else the outside owner's name."""
    value = responsible_opd(element)
    if value:
        return inp.opd[value]
    return str(getattr(element, "pemilik_nama", None) or "")


def domain_diagram(inp: RenderInput, kind: str, elements: list[Any]) -> Any:
    """Boxes of one domain in bands by status (current state above, target state below).

    No arrows: links between applications have their own figure (integration view), and arrows
    across a grid of boxes would cross other boxes.
    """
    if not elements or len(elements) > DIAGRAM_MAX_ELEMENTS:
        return None
    levels = []
    for status, label in _BANDS:
        boxes = tuple(
            fg.Box(e.id, e.nama, _owner(inp, e), kind) for e in elements if e.status == status
        )
        if boxes:
            levels.append(fg.Level(label, boxes, kind))
    return split_diagram(f"Elemen domain {DOMAIN_LABELS[kind]} menurut status", levels, [])


@dataclass(frozen=True)
class Integrasi:
    """One integration between two applications (data exchanged without re-entry)."""

    sumber: str
    sumber_pemilik: str
    tujuan: str
    tujuan_pemilik: str
    status: str


def integrasi(inp: RenderInput, aplikasi: list[Any]) -> tuple[list[Integrasi], list[str], Any]:
    """Integration edges of the applications, those without any, and the SPLP diagram."""
    by_id = {a.id: a for a in aplikasi}
    rows: list[Integrasi] = []
    seen: set[frozenset[str]] = set()
    linked: set[str] = set()
    for app in aplikasi:
        for target in app.integrasi:
            other = by_id.get(target)
            pair = frozenset((app.id, target))
            if other is None or pair in seen or target == app.id:
                continue
            seen.add(pair)
            linked.update(pair)
            # The later of the two statuses says when the link can work.
            order = ("operasional", "pengembangan", "rencana", "dihentikan")
            status = max(app.status, other.status, key=order.index)
            rows.append(
                Integrasi(
                    app.nama,
                    _owner(inp, app),
                    other.nama,
                    _owner(inp, other),
                    status,
                )
            )
    alone = [a.nama for a in aplikasi if a.id not in linked]
    figure = None
    if rows and len(linked) <= DIAGRAM_MAX_ELEMENTS:
        bands: dict[str, list[fg.Box]] = {"pemda": [], "kementerian_lembaga": []}
        for app in aplikasi:
            if app.id in linked:
                bands[app.pemilik_tipe].append(
                    fg.Box(app.id, app.nama, _owner(inp, app), "aplikasi")
                )
        labels = {"pemda": "Aplikasi Pemda", "kementerian_lembaga": "Aplikasi nasional"}
        edges = [
            fg.Edge(app.id, target)
            for app in aplikasi
            for target in app.integrasi
            if target in by_id and app.id in linked and target != app.id
        ]
        figure = split_diagram(
            "Aplikasi yang saling bertukar data",
            [fg.Level(labels[k], tuple(v), "aplikasi") for k, v in bands.items() if v],
            list(dict.fromkeys(edges)),
        )
    return rows, alone, figure


#: Fields every element shares that the appendix does not list as SIA-SPBE metadata.
_NOT_METADATA = frozenset(
    {"entitas", "id", "nama", "sumber", "rujukan", "ilustratif", "catatan", "diperbarui"}
)


_CHOICE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
_ILLUSTRATIVE_WORD = re.compile(r"\s*\((?:ilustratif|ilustrasi)\)")


def _shown(inp: RenderInput, value: Any) -> str | bool | int | Decimal | None:
    """One metadata value as readers see it: names for ids, lists joined, nested models flat."""
    if value is None or value == [] or value == {}:
        return None
    if isinstance(value, bool | int | Decimal):
        return value
    if isinstance(value, date):
        return tanggal(value)
    if isinstance(value, list):
        return "; ".join(str(_shown(inp, v)) for v in value)
    if isinstance(value, dict):
        # Keys are the catalog's field-like names (tipe_media_jaringan): read as words.
        return "; ".join(f"{str(k).replace('_', ' ')}: {_shown(inp, v)}" for k, v in value.items())
    if isinstance(value, BaseModel):
        parts = (_shown(inp, getattr(value, k)) for k in type(value).model_fields)
        return "; ".join(str(p) for p in parts if p is not None)
    text = str(value)
    if text in inp.catalog.entities:
        kind = inp.catalog.kinds[text]
        return inp.opd[text] if kind == "opd" else inp.names[text]
    if _CHOICE.match(text):
        # A value of a closed list (kementerian_lembaga, fasilitas_komputasi) reads as words.
        return text.replace("_", " ")
    return text


@dataclass(frozen=True)
class SiaElemen:
    """One element with its SIA-SPBE metadata as (field, value) pairs, empty fields left out."""

    id: str
    nama: str
    ilustratif: bool
    kolom: tuple[tuple[str, Any], ...]


#: The appendix lists the metadata of at most this many elements per domain; a larger catalog
#: (a province, a national test catalog) has its full metadata in the SIA-SPBE export instead.
SIA_MAX_ELEMENTS = 300


def sia_metadata(inp: RenderInput) -> tuple[tuple[str, tuple[SiaElemen, ...], int], ...]:
    """Per domain, each element with every metadata field it fills, and how many are left out.

    Elements beyond :data:`SIA_MAX_ELEMENTS` per domain are counted, not listed.
    """
    from spbe_cli.reference.values import coded
    from spbe_cli.render.engine import code_marks

    codes = inp.catalog.reference.codes
    # the reference code carries its mark (†, ‡) here too, as in every table of the document
    marks = code_marks((kode, node.status) for kode, node in codes.items())
    result = []
    for kind, (_prefix, code_field) in DOMAINS.items():
        every = sorted(inp.of_kind(kind), key=lambda e: (getattr(e, code_field), e.id))
        elements = every[:SIA_MAX_ELEMENTS]
        rows = []
        # a code (operasional, terbuka, milik) stays a code: the template words it by its label,
        # as the domain tables and the Daftar Perubahan do (the filter kata)
        codes_of_kind = coded(kind)
        for e in elements:
            kolom = []
            for name in type(e).model_fields:
                if name in _NOT_METADATA:
                    continue
                raw = getattr(e, name)
                shown = raw if name in codes_of_kind and isinstance(raw, str) else _shown(inp, raw)
                if isinstance(shown, str) and e.ilustratif:
                    # The element's one mark (†) says it is illustrative; no word after values.
                    shown = _ILLUSTRATIVE_WORD.sub("", shown)
                if isinstance(shown, str):
                    # Fields are joined with "; ": a sentence's own full stop would read ".;".
                    shown = shown.rstrip(" .")
                if name == code_field and isinstance(shown, str):
                    shown += marks.get(shown, "")
                if shown is not None:
                    kolom.append((name, shown))
            rows.append(SiaElemen(e.id, e.nama, e.ilustratif, tuple(kolom)))
        result.append((kind, tuple(rows), len(every) - len(elements)))
    return tuple(result)


def arsitektur(inp: RenderInput) -> dict[str, Any]:
    """Peta Strategi, domain narratives and diagrams, SPLP view, SIA appendix, common chapters."""
    meta = inp.catalog.metadata
    assert meta is not None
    years = list(meta.dokumen.arsitektur.periode.tahun())
    strategi, strategi_fig = peta_strategi(inp, years)
    kondisi = []
    gambar: dict[str, Any] = {"peta-strategi": strategi_fig}
    for kind in DOMAINS:
        elements = sorted(inp.of_kind(kind), key=lambda e: e.id)
        narasi = getattr(meta.kondisi_arsitektur, kind)
        kondisi.append(
            KondisiDomain(
                kind,
                sum(1 for e in elements if e.status == "operasional"),
                sum(1 for e in elements if e.status in TARGET),
                sum(1 for e in elements if e.status == "dihentikan"),
                tuple(e.nama for e in elements if e.status in TARGET),
                narasi.saat_ini if narasi else None,
                narasi.target if narasi else None,
                bool(narasi and narasi.ilustratif),
            )
        )
        gambar[f"domain-{kind}"] = domain_diagram(inp, kind, elements)
    rows, alone, splp_fig = integrasi(inp, sorted(inp.of_kind("aplikasi"), key=lambda a: a.id))
    gambar["integrasi"] = splp_fig
    return {
        **common(inp, "arsitektur"),
        "visi": meta.visi,
        "visi_ilustratif": meta.visi_ilustratif,
        "peta_strategi": tuple(strategi),
        "tahun_dokumen": tuple(years),
        "kondisi_domain": tuple(kondisi),
        "integrasi": tuple(rows),
        "tanpa_integrasi": tuple(alone),
        "sia": sia_metadata(inp),
        "gambar": gambar,
    }


# -- Peta Rencana SPBE ----------------------------------------------------------------------


def peta_rencana(inp: RenderInput) -> dict[str, Any]:
    """The common chapters and planning links of the Peta Rencana SPBE."""
    return common(inp, "peta_rencana")
