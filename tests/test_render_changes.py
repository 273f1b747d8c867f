"""The readers' wording of a changed field (spbe_cli.render.changes.reader_line)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from spbe_cli.render.changes import reader_line
from spbe_cli.render.document import series

LABELS = [
    {"anggaran": "Anggaran", "anggaran.nilai": "Anggaran", "opd_pendukung": "Pendukung"},
    {"arsitektur": "Arsitektur"},
]
VALUES = {"status": [{"usulan": "Usulan"}, {"berjalan": "Berjalan"}]}
NAMES = {"DISKOMINFO": "Dinas Komunikasi dan Informatika", "BAPPEDA": "Bappeda"}


def field(
    loc: list[Any], old: Any, new: Any, illustrative: tuple[bool, bool] = (False, False)
) -> dict[str, Any]:
    return {"loc": loc, "old": old, "new": new, "illustrative": list(illustrative)}


def line(f: dict[str, Any]) -> str:
    return reader_line(f, LABELS, VALUES, NAMES, " †")


def item(**key: Any) -> dict[str, Any]:
    return {"item": [[k, v] for k, v in key.items()], "occurrence": 0}


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        pytest.param(
            field(
                [{"field": "anggaran"}, item(tahun=2025)],
                None,
                {"tahun": 2025, "nilai": 5000, "sumber": "APBD"},
            ),
            "Anggaran 2025 ditambahkan (Nilai: Rp 5.000; Sumber: APBD)",
            id="item-added-without-its-identity",
        ),
        pytest.param(
            field(
                [{"field": "anggaran"}, item(tahun=2025, sumber="APBN"), {"field": "nilai"}],
                9000,
                None,
                (True, False),
            ),
            "Anggaran 2025 sumber APBN dihapus (sebelumnya Rp 9.000 †)",
            id="removed-illustrative-amount",
        ),
        pytest.param(
            field([{"field": "opd_pendukung"}], ["DISKOMINFO"], ["BAPPEDA", "X-1", "DISKOMINFO"]),
            "Pendukung: ditambah Bappeda dan X-1",
            id="ids-by-name-as-prose",
        ),
        pytest.param(
            field([{"field": "status"}], "usulan", "berjalan"),
            "Status: Usulan → Berjalan",
            id="coded-value",
        ),
        pytest.param(
            field(
                [{"field": "reviu"}, item(tanggal=date(2026, 3, 12)), {"field": "skor"}],
                Decimal("2.5"),
                Decimal("3.25"),
            ),
            "Skor reviu 12 Maret 2026: 2,5 → 3,25",
            id="date-key-decimal",
        ),
        pytest.param(
            field([{"field": "digital"}], False, True),
            "Digital: Tidak → Ya",
            id="boolean",
        ),
        pytest.param(
            field(
                [{"field": "opd_pendukung"}], ["BAPPEDA", "DISKOMINFO"], ["DISKOMINFO", "BAPPEDA"]
            ),
            "Pendukung: urutan diubah",
            id="reordered",
        ),
        pytest.param(
            field(
                [{"field": "dokumen"}, {"field": "arsitektur"}, {"field": "keterkaitan"}],
                [{"nama": "RPJMD 2025-2029", "ilustratif": True}, {"nama": "Renstra"}],
                [{"nama": "RPJMD 2025–2029", "ilustratif": True}, {"nama": "Renstra"}],
            ),
            "Keterkaitan (Arsitektur): butir 1: Nama: RPJMD 2025-2029 → RPJMD 2025–2029",
            id="items-compared-in-place-nearest-parent",
        ),
        pytest.param(
            field(
                [{"field": "keterkaitan"}],
                [{"nama": "Renstra"}],
                [{"nama": "Renstra"}, {"nama": "RPJMD", "ilustratif": True}],
            ),
            "Keterkaitan: ditambah Nama: RPJMD †",
            id="illustrative-item-marked",
        ),
    ],
)
def test_reader_line(f: dict[str, Any], expected: str) -> None:
    assert line(f) == expected


def test_long_text_shows_the_new_wording_around_the_edit() -> None:
    old = " ".join(f"kata{i}" for i in range(40))
    new = old.replace("kata20", "perubahan")
    text = line(field([{"field": "uraian"}], old, new))
    edit = "kata16 kata17 kata18 kata19 perubahan kata21 kata22 kata23 kata24"
    assert text == f"Uraian: diubah pada bagian «… {edit} …»"


def test_series() -> None:
    assert [series([]), series(["a"]), series(["a", "b"]), series(["a", "b", "c"])] == [
        "",
        "a",
        "a dan b",
        "a, b dan c",
    ]


# -- coded values by their labels, ids of entities that are gone, and the attention list ----------

KIND_VALUES: dict[str, Any] = {
    "status": [{"berjalan": "Berjalan", "ditunda": "Ditunda"}],
    "ya_tidak": {True: "Ya", False: "Tidak"},
    "regulasi.jenis": {"Perbup": "Peraturan Bupati"},
    "infrastruktur.jenis": {"server": "Server"},
    "keterkaitan.jenis": {"rpjmd": "RPJMD", "lainnya": "Lainnya"},
}
KIND_LABELS = [{"keterkaitan.jenis": "Jenis dokumen", "progres": "Kemajuan"}]


def kind_line(f: dict[str, Any], kind: str) -> str:
    return reader_line(f, KIND_LABELS, KIND_VALUES, [NAMES, {"APP-01": "Portal Lama"}], " †", kind)


@pytest.mark.parametrize(
    ("f", "kind", "expected"),
    [
        pytest.param(
            field([{"field": "jenis"}], "fasilitas_komputasi", "server"),
            "infrastruktur",
            "Jenis: Fasilitas Komputasi → Server",
            id="kind-labels-then-the-reference-list",
        ),
        pytest.param(
            field([{"field": "jenis"}], "rak_khusus", "server"),
            "infrastruktur",
            "Jenis: Rak khusus → Server",
            id="a-code-no-list-has-as-words",
        ),
        # Before, these read as written: the document's tables named no list for them
        # (spbe_cli.reference.values is the one home of which field takes which list).
        pytest.param(
            field([{"field": "pilar"}], "struktur", "suprastruktur"),
            "kesiapan",
            "Pilar: Struktur → Suprastruktur",
            id="readiness-pillar-by-its-name",
        ),
        pytest.param(
            field([{"field": "sub_aspek"}], "sdm", "anggaran"),
            "kesiapan",
            "Sub aspek: kesiapan SDM → kemampuan anggaran",
            id="readiness-sub-aspect-by-its-name",
        ),
        pytest.param(
            field([{"field": "pembina_data"}], "BPS", "Kemendagri"),
            "data_informasi",
            "Pembina data: Badan Pusat Statistik → Kementerian Dalam Negeri",
            id="data-steward-by-its-name",
        ),
        pytest.param(
            field([{"field": "aplikasi_umum"}], None, "SP4N-LAPOR"),
            "aplikasi",
            "Aplikasi umum ditambahkan (SP4N-LAPOR!)",
            id="national-application-by-its-name",
        ),
        pytest.param(
            field([{"field": "lokasi"}], ["94.04.01"], ["94.04.01", "94.04.02"]),
            "program",
            "Lokasi: ditambah Agimuga",
            id="program-district-by-its-name",
        ),
        pytest.param(
            field([{"field": "lokasi"}], "94.04", "Gedung A"),
            "infrastruktur",
            "Lokasi: 94.04 → Gedung A",
            id="free-text-location-stays-as-written",
        ),
        pytest.param(
            field([{"field": "jenis"}], "Perbup", "Perbup"),
            "regulasi",
            "Jenis: Peraturan Bupati → Peraturan Bupati",
            id="regulation-kind",
        ),
        pytest.param(
            field(
                [{"field": "dokumen"}, {"field": "masterplan"}, {"field": "keterkaitan"}],
                [{"jenis": "lainnya", "nama": "Master Plan 2017"}],
                [{"jenis": "rpjmd", "nama": "Master Plan 2017"}],
            ),
            "metadata",
            "Keterkaitan (Masterplan): butir 1: Jenis dokumen: Lainnya → RPJMD",
            id="item-field-by-parent-label",
        ),
        pytest.param(
            field([{"field": "digital"}], True, False),
            "program",
            "Digital: Ya → Tidak",
            id="boolean-as-the-tables-say-it",
        ),
        pytest.param(
            field(
                [{"field": "progres"}, item(tahun=2026, triwulan=3), {"field": "tanggal"}],
                date(2026, 10, 12),
                date(2026, 12, 1),
            ),
            "program",
            "Tanggal kemajuan 2026 triwulan III: 12 Oktober 2026 → 1 Desember 2026",
            id="second-identity-field-says-what-it-is",
        ),
        pytest.param(
            field([{"field": "aplikasi"}], ["APP-01", "DISKOMINFO"], ["DISKOMINFO"]),
            "layanan",
            "Aplikasi: dikurangi Portal Lama",
            id="a-gone-id-by-its-former-name",
        ),
        pytest.param(
            field([{"field": "status_kepemilikan"}], "milik", "bagi_pakai"),
            "infrastruktur",
            "Status kepemilikan: Milik → Bagi pakai",
            id="fixed-list-code-without-label",
        ),
        pytest.param(
            field([{"field": "kerangka_indeks"}], "spbe_59_2020", "pemdi_8_2026"),
            "peta_rencana",
            "Kerangka indeks: PermenPANRB 59/2020 → PermenPANRB 8/2026",
            id="framework-by-its-regulation",
        ),
        pytest.param(
            field([{"field": "basis_data"}], "mariadb", "postgres_ql"),
            "aplikasi",
            "Basis data: mariadb → postgres_ql",
            id="free-text-stays-as-written",
        ),
    ],
)
def test_reader_line_labels_codes(f: dict[str, Any], kind: str, expected: str) -> None:
    assert kind_line(f, kind) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            {
                "code": "SPBE702",
                "message": "status SC-03 berubah berjalan → ditunda",
                "values": {"id": "SC-03", "kind": "program", "old": "berjalan", "new": "ditunda"},
            },
            "Status Sentra Noken berubah: Berjalan → Ditunda",
            id="status-by-label",
        ),
        pytest.param(
            {
                "code": "SPBE710",
                "message": "butir keamanan SEC-01 dihapus dari katalog",
                "values": {
                    "id": "SEC-01",
                    "kind": "butir keamanan",
                    "name": "Audit Portal",
                    "variant": "removed",
                },
            },
            "Butir keamanan Audit Portal dihapus",
            id="removed-by-name-without-tool-talk",
        ),
        pytest.param(
            {
                "code": "SPBE703",
                "message": "anggaran SC-03 dipotong: 2025: Rp 2 → Rp 1 (-50%)",
                "values": {"id": "SC-03"},
            },
            "Anggaran Sentra Noken dipotong: 2025: Rp 2 → Rp 1 (-50%)",
            id="no-readers-wording-the-message-with-names",
        ),
    ],
)
def test_attention_line(entry: dict[str, Any], expected: str) -> None:
    from spbe_cli.render.changes import attention_line

    names = [{"SC-03": "Sentra Noken"}, {"SEC-01": "Audit Portal"}]
    assert attention_line(entry, KIND_LABELS, KIND_VALUES, names) == expected


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("BAB I PENDAHULUAN", "Pendahuluan"),
        ("BAB {{ romawi(muatan|length + 4) }} PENUTUP", "Penutup"),
        ("BAB IV VISI, MISI DAN SASARAN", "Visi, Misi dan Sasaran"),
        ("BAB XII INTEGRASI APLIKASI (SPLP)", "Integrasi Aplikasi (SPLP)"),
        ("1.1 Latar Belakang", "Latar Belakang"),
        ("8.{{ 3 if tk.tim_pelaksana else 2 }} Koordinasi", "Koordinasi"),
    ],
)
def test_heading_title(heading: str, title: str) -> None:
    from spbe_cli.diff.prose import heading_title

    assert heading_title(heading) == title


def test_heading_title_keeps_the_capitals_of_the_one_abbreviation_list() -> None:
    """A title keeps in capitals what the bundled singkatan.yaml writes in capitals (APBD,
    RKPD: no second list in diff.prose), and the named words without an expansion (OPD)."""
    from spbe_cli.diff.prose import heading_title
    from spbe_cli.reference import load_data
    from spbe_cli.render.abbreviations import CAPITALS_WITHOUT_EXPANSION, kept_capitals

    general = {str(e["singkatan"]) for e in load_data("singkatan.yaml")["singkatan"]}
    assert {"SPBE", "SPLP", "TIK", "RPJMD", "SWOT", "SDM", "APBD"} <= general
    assert kept_capitals() == {w for w in general if w.isupper()} | CAPITALS_WITHOUT_EXPANSION
    assert not CAPITALS_WITHOUT_EXPANSION & general  # each word has one home
    assert heading_title("BAB V PENDANAAN APBD DAN RKPD") == "Pendanaan APBD dan RKPD"
    assert heading_title("BAB IX PERAN OPD DAN SIA-SPBE") == "Peran OPD dan SIA-SPBE"
    assert heading_title("BAB II BAPPEDA") == "Bappeda"  # not all capitals in the list


def test_the_daftar_perubahan_places_prose_by_the_template_render_writes_from(
    tmp_path: Path,
) -> None:
    """One lookup order for render and diff.prose (pipeline.pick_template): ``--templates``
    holding the former ``masterplan.md.j2`` wins over the catalog's ``masterplan.j2``.

    Before: diff.prose asked every own folder for ``masterplan.j2`` first, so it placed the
    prose by the catalog's template while render wrote the document from ``--templates``'.
    """
    from spbe_cli.diff.prose import section_places
    from spbe_cli.render.pipeline import template_folders, template_name, template_readers
    from spbe_cli.render.registry import documents

    override, catalog = tmp_path / "tpl", tmp_path / "katalog"
    (catalog / "templates").mkdir(parents=True)
    override.mkdir()
    (override / "masterplan.md.j2").write_text('## BAB I DARI OPSI\n{{ prosa("x") }}\n', "utf-8")
    (catalog / "templates" / "masterplan.j2").write_text(
        '## BAB I DARI KATALOG\n{{ prosa("x") }}\n', "utf-8"
    )
    spec = documents()["masterplan"]
    assert template_name(spec, template_folders(catalog, override)) == "masterplan.md.j2"
    places = section_places(template_readers(catalog, override))
    assert places["x"]["masterplan"].chapter == "Dari Opsi"
    # without --templates, the catalog's
    assert template_name(spec, template_folders(catalog, None)) == "masterplan.j2"
    places = section_places(template_readers(catalog, None))
    assert places["x"]["masterplan"].chapter == "Dari Katalog"


def test_section_places_read_the_built_in_templates() -> None:
    from spbe_cli.diff.prose import SectionPlace, section_documents, section_places

    places = section_places()
    assert (
        places["latar_belakang"]["masterplan"].chapter,
        places["latar_belakang"]["masterplan"].heading,
    ) == ("Pendahuluan", "Latar Belakang")
    assert (places["penutup"]["masterplan"].chapter, places["penutup"]["masterplan"].heading) == (
        "Penutup",
        "",
    )
    assert (
        places["peta_rencana_penutup"]["peta-rencana"].chapter,
        places["peta_rencana_penutup"]["peta-rencana"].heading,
    ) == ("Penutup", "")
    # "ada_prosa(...)" above its heading is no place: the call under "2.1 Isu Strategis" is
    assert places["isu_strategis"]["masterplan"].heading == "Isu Strategis"
    # every document that prints a section knows where
    for section, documents in section_documents().items():
        assert set(places[section]) == set(documents), section
    assert isinstance(places["strategi"]["masterplan"], SectionPlace)
