"""The standard chapters' data: Dasar Hukum, penetapan, logo, SWOT, M&E, partners, Peta Strategi,
domain narratives and diagrams, integration view, SIA-SPBE appendix."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from spbe_cli.loader import load_catalog
from spbe_cli.models import DOMAINS
from spbe_cli.render import figures as fg
from spbe_cli.render import standar
from spbe_cli.render.context import RenderInput
from spbe_cli.render.document import read_logo
from tests.helpers import png, write_tree

ROOT = Path(__file__).resolve().parent.parent
PNG = png(2, 1)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(scope="module")
def bundled() -> RenderInput:
    catalog, findings = load_catalog(ROOT / "catalog")
    return RenderInput(catalog, findings)


def _pemda(nama: str = "Kabupaten Mimika", jenis: str = "kabupaten") -> Any:
    return SimpleNamespace(nama=nama, jenis=jenis, provinsi=SimpleNamespace(nama="Papua Tengah"))


def _reg(**fields: Any) -> Any:
    base = {"nomor": None, "tahun": None, "penerbit": None, "tingkat": "nasional"}
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("reg", "expected"),
    [
        (
            _reg(jenis="Permen", nomor="6", tahun=2025, judul="X", penerbit="KemenPANRB"),
            "Peraturan Menteri PANRB Nomor 6 Tahun 2025 tentang X",
        ),
        (
            _reg(jenis="Permen", nomor="1", tahun=2023, judul="Y", penerbit="Kementerian Kominfo"),
            "Peraturan Menteri Kominfo Nomor 1 Tahun 2023 tentang Y",
        ),
        (
            _reg(jenis="UU", nomor="23", tahun=2014, judul="Pemerintahan Daerah"),
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
        ),
        (
            _reg(jenis="lainnya", nomor="8", tahun=2024, judul="Z", penerbit="Badan Siber"),
            "Peraturan Badan Siber Nomor 8 Tahun 2024 tentang Z",
        ),
        (
            _reg(jenis="Perbup", judul="SPBE", tingkat="daerah", status="dibutuhkan"),
            "Peraturan Bupati tentang SPBE (dibutuhkan)",
        ),
        (
            _reg(jenis="Perda", nomor="1", tahun=2025, judul="RPJMD", tingkat="daerah"),
            "Peraturan Daerah Mimika Nomor 1 Tahun 2025 tentang RPJMD",
        ),
    ],
)
def test_cite_names_kind_issuer_number_year_subject(reg: Any, expected: str) -> None:
    assert standar.cite(reg, _pemda()) == expected


def test_legal_basis_is_enacted_regulations_in_hierarchy_order(bundled: RenderInput) -> None:
    rows = bundled.legal_basis
    assert rows
    assert rows[0][0] == "Undang-Undang Nomor 23 Tahun 2014"
    assert (
        "Peraturan Menteri PANRB Nomor 19 Tahun 2018",
        "Penyusunan Peta Proses Bisnis Instansi Pemerintah",
    ) in rows
    # A revoked regulation (59/2020, revoked by 8/2026) and those still needed are not cited.
    assert not any("Nomor 59 Tahun 2020" in kutipan for kutipan, _ in rows)
    assert not any("dibutuhkan" in kutipan for kutipan, _ in rows)


def test_pengesahan_cites_the_adopting_regulation(bundled: RenderInput) -> None:
    block = standar.pengesahan(bundled, "arsitektur")
    assert block.kepala_daerah == "Bupati"
    assert block.daerah == "Mimika"
    assert block.penetapan is not None
    assert block.penetapan.startswith("Peraturan Bupati tentang Arsitektur SPBE")
    assert block.ditetapkan is False


META = """\
entitas: metadata
versi_skema: 1
pemda: {nama: Kabupaten Mimika, jenis: kabupaten, kode_kemendagri: "94.04"}
periode_rpjmd: {mulai: 2025, selesai: 2029}
dokumen:
  masterplan: {judul: M, periode: {mulai: 2025, selesai: 2029}, versi: "1"}
  arsitektur: {judul: A, periode: {mulai: 2025, selesai: 2029}, versi: "1"}
  peta_rencana: {judul: P, periode: {mulai: 2025, selesai: 2029}, versi: "1"}
"""


@pytest.mark.parametrize(
    ("files", "logo", "used"),
    [
        ({"gambar/logo.png": PNG}, "gambar/logo.png", True),
        ({"logo.jpg": JPEG}, "logo.jpg", False),  # PNG only (SPBE220)
        ({"logo.png": b"GIF89a"}, "logo.png", False),
        ({}, "../logo.png", False),
        ({}, "tidak-ada.png", False),
        ({"logo.png": PNG[:33] + b"\x00" * (2 * 1024 * 1024)}, "logo.png", False),
    ],
)
def test_logo_is_read_only_under_the_validate_rule(
    tmp_path: Path, files: dict[str, bytes], logo: str, used: bool
) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)  # outside the catalog folder
    root = write_tree(tmp_path / "katalog", {"metadata.yaml": META + f"logo: {logo}\n", **files})
    catalog, _ = load_catalog(root)
    assert catalog.metadata is not None
    found = read_logo(catalog)
    assert (found is not None) == used
    if found is not None:
        assert (found.width, found.height) == (2, 1)


def test_masterplan_swot_sasaran_monev_and_partners(bundled: RenderInput) -> None:
    data = standar.masterplan(bundled)
    strategi = data["strategi_dimensi"]
    assert [s.kode for s in strategi] == list(bundled.catalog.reference.dimensi)
    for s in strategi:
        assert s.kekuatan and s.kelemahan and s.peluang and s.ancaman
        assert s.sasaran and all(r.indikator for r in s.sasaran)
        assert all(len(r.target) == len(data["tahun_dokumen"]) for r in s.sasaran)
    assert data["dimensi_tanpa_strategi"] == ()
    # Every program now names its partners; every pentahelix category has some.
    programs = bundled.of_kind("program")
    assert data["program_bermitra"] == len(programs)
    assert all(count > 0 for _, count in data["mitra_kategori"])
    itb = [m for m in data["mitra_peta"] if m.nama == "Institut Teknologi Bandung (ITB)"]
    assert itb and itb[0].kategori == "akademisi" and len(itb[0].program) >= 2
    # Names, never ids.
    assert not any(p.startswith("PRG-") for m in data["mitra_peta"] for p in m.program)
    monev = data["monev"]
    assert sum(m.program for m in monev) == len(programs)
    assert all(m.opd and not any(o.isupper() and "-" in o for o in m.opd) for m in monev)


def test_arsitektur_peta_strategi_rows_and_figure(bundled: RenderInput) -> None:
    data = standar.arsitektur(bundled)
    rows = data["peta_strategi"]
    meta = bundled.catalog.metadata
    assert meta is not None
    assert len(rows) == sum(
        max(1, len(s.indikator)) for m in meta.misi for t in m.tujuan for s in t.sasaran
    )
    assert sum(r.baru_misi for r in rows) == len([m for m in meta.misi if m.tujuan])
    parts = _parts(data["gambar"]["peta-strategi"])
    labels = [lv.label for part in parts for lv in part.levels]
    assert labels == [f"Misi {m.nomor}" for m in meta.misi if m.tujuan]  # bands never cut
    for part in parts:
        # Every arrow stays inside its misi's band.
        band = {b.key: n for n, lv in enumerate(part.levels) for b in lv.boxes}
        assert all(band[e.source] == band[e.target] for e in part.edges)
        fg.draw_svg(part)  # lays out without error


def test_arsitektur_domains_integration_and_sia(bundled: RenderInput) -> None:
    data = standar.arsitektur(bundled)
    kondisi = {k.kind: k for k in data["kondisi_domain"]}
    assert list(kondisi) == list(DOMAINS)
    for kind, k in kondisi.items():
        elements = bundled.of_kind(kind)
        assert k.saat_ini + k.target + k.dihentikan == len(elements)
        assert k.uraian_saat_ini and k.uraian_target
        parts = _parts(data["gambar"][f"domain-{kind}"])
        assert sum(len(lv.boxes) for p in parts for lv in p.levels) == len(elements)
    pairs = {(r.sumber, r.tujuan) for r in data["integrasi"]}
    assert len(pairs) == len(data["integrasi"])
    assert not any((b, a) in pairs for a, b in pairs)
    assert _parts(data["gambar"]["integrasi"])
    sia = {kind: rows for kind, rows, lainnya in data["sia"] if not lainnya}
    assert list(sia) == list(DOMAINS)
    app = next(e for e in sia["aplikasi"] if e.id == "APL-SP4N-LAPOR")
    fields = dict(app.kolom)
    assert fields["raa"] == "RAA.01.01"
    # a code stays a code here: the template words it by its label (filter kata, _istilah.j2)
    assert fields["pemilik_tipe"] == "kementerian_lembaga"
    assert "id" not in fields and "rujukan" not in fields
    # Ids are shown as names in metadata values.
    assert fields["opd_pengguna"] == "Diskominfo"


def _parts(figure: Any) -> tuple[Any, ...]:
    """The diagram, or its page-sized parts; each holds at most MAX_BOXES boxes."""
    parts = figure if isinstance(figure, tuple) else (figure,)
    assert all(isinstance(p, fg.Diagram) for p in parts)
    assert all(sum(len(lv.boxes) for lv in p.levels) <= standar.MAX_BOXES for p in parts)
    return parts


def test_split_diagram_even_parts_and_arrows_inside() -> None:
    boxes = tuple(fg.Box(f"b{n}", f"Kotak {n}") for n in range(25))
    edges = [fg.Edge("b0", "b1"), fg.Edge("b8", "b9"), fg.Edge("b20", "b21")]
    parts = standar.split_diagram("D", [fg.Level("Operasional", boxes)], edges)
    assert isinstance(parts, tuple)
    assert [sum(len(lv.boxes) for lv in p.levels) for p in parts] == [9, 9, 7]
    assert [lv.label for p in parts for lv in p.levels] == [
        "Operasional",
        "Operasional (lanjutan)",
        "Operasional (lanjutan)",
    ]
    # b8 -> b9 crosses parts and is left out; the others stay with their boxes.
    assert [e.source for p in parts for e in p.edges] == ["b0", "b20"]
    assert [p.title for p in parts] == ["D (1/3)", "D (2/3)", "D (3/3)"]
    single = standar.split_diagram("D", [fg.Level("A", boxes[:3])], [])
    assert isinstance(single, fg.Diagram)


def test_peta_rencana_planning_links(bundled: RenderInput) -> None:
    data = standar.peta_rencana(bundled)
    jenis = [t.jenis for t in data["keterkaitan"]]
    assert "rpjmd" in jenis and "renstra" in jenis and "peta_rencana_nasional" in jenis
    nasional = next(t for t in data["keterkaitan"] if t.jenis == "arsitektur_nasional")
    assert nasional.regulasi is not None
    assert nasional.regulasi.startswith("Peraturan Presiden Nomor 132 Tahun 2022")
    assert all(t.ilustratif for t in data["keterkaitan"] if t.jenis in ("rpjmd", "renstra"))


def test_sections_join_the_context_and_its_figures() -> None:
    from spbe_cli.render.registry import DocumentSpec, build_context

    spec = DocumentSpec(
        name="x",
        dokumen=None,
        build=lambda inp: {"gambar": {"a": 1}, "x": 1},
        sections=(lambda inp: {"gambar": {"b": 2}, "y": 2},),
    )
    merged = build_context(spec, None)  # type: ignore[arg-type]
    assert merged == {"gambar": {"a": 1, "b": 2}, "x": 1, "y": 2}


@pytest.mark.parametrize(
    ("nama", "jenis", "kode", "kepala", "daerah"),
    [
        ("Kabupaten Mimika", "kabupaten", "94.04", "Bupati", "Mimika"),
        ("Kota Bandung", "kota", "32.73", "Wali Kota", "Bandung"),
        ("Provinsi Papua Tengah", "provinsi", "94", "Gubernur", "Papua Tengah"),
    ],
)
def test_pengesahan_is_signed_by_the_head_of_the_pemda(
    tmp_path: Path, nama: str, jenis: str, kode: str, kepala: str, daerah: str
) -> None:
    meta = META.replace(
        'pemda: {nama: Kabupaten Mimika, jenis: kabupaten, kode_kemendagri: "94.04"}',
        f'pemda: {{nama: {nama}, jenis: {jenis}, kode_kemendagri: "{kode}"}}',
    )
    catalog, _ = load_catalog(write_tree(tmp_path / "k", {"metadata.yaml": meta}))
    block = standar.pengesahan(RenderInput(catalog), "masterplan")
    assert (block.kepala_daerah, block.daerah) == (kepala, daerah)


def test_diagrams_of_many_elements_are_left_out(bundled: RenderInput) -> None:
    many = [
        SimpleNamespace(id=f"APL-{n}", nama=f"Aplikasi {n}", status="operasional", opd="DISKOMINFO")
        for n in range(standar.DIAGRAM_MAX_ELEMENTS + 1)
    ]
    assert standar.domain_diagram(bundled, "keamanan", many) is None
    assert _parts(standar.domain_diagram(bundled, "keamanan", many[:-1]))


def test_diagram_words_are_never_broken(bundled: RenderInput) -> None:
    data = standar.arsitektur(bundled)
    figure = _parts(data["gambar"]["domain-keamanan"])[0]
    svg = fg.draw_svg(figure)
    words = {w for lv in figure.levels for b in lv.boxes for w in b.label.split() if len(w) > 8}
    assert words
    missing = sorted(w for w in words if w not in svg)
    assert not missing  # a word cut over two lines would not appear whole


def test_sia_values_carry_no_illustrative_word(bundled: RenderInput) -> None:
    data = standar.arsitektur(bundled)
    values = [
        str(v) for _kind, rows, _ in data["sia"] for e in rows if e.ilustratif for _n, v in e.kolom
    ]
    assert values
    assert not [v for v in values if "(ilustratif)" in v or "(ilustrasi)" in v]
