"""Section numbers: given once, by the parsed document, to every section of a numbered chapter."""

from __future__ import annotations

from spbe_cli.render.document import Heading, parse_document
from spbe_cli.render.to_html import write_html
from spbe_cli.render.to_markdown import write_markdown


def _headings(source: str) -> list[tuple[int, str]]:
    document = parse_document("uji", source)
    return [(h.level, h.text) for h in document.headings()]


def test_prose_subheadings_take_the_next_numbers_of_their_chapter() -> None:
    # BAB II of the master plan: the prose's own sub-headings (a "##" in the file, shifted to a
    # "####" and brought up under the chapter) stood unnumbered before "2.1 Isu Strategis".
    source = (
        "## BAB II GAMBARAN UMUM DAERAH\n\n"
        "#### Wilayah dan penduduk\n\nTeks.\n\n"
        "#### Perjalanan smart city\n\nTeks.\n\n"
        "### 2.1 Isu Strategis\n\nTeks.\n\n"
        "## BAB III ANALISIS\n\n### Pilar Struktur\n"
    )
    assert _headings(source) == [
        (2, "BAB II GAMBARAN UMUM DAERAH"),
        (3, "2.1 Wilayah dan penduduk"),
        (3, "2.2 Perjalanan smart city"),
        (3, "2.3 Isu Strategis"),
        (2, "BAB III ANALISIS"),
        (3, "3.1 Pilar Struktur"),
    ]


def test_a_number_written_out_of_order_is_replaced() -> None:
    # The Arsitektur template wrote "1.2 Riwayat Reviu" after "1.4 Dokumen Acuan".
    source = (
        "## BAB I PENDAHULUAN\n\n### 1.1 Latar Belakang\n\n### 1.2 Maksud\n\n"
        "### 1.3 Dasar Hukum\n\n### 1.4 Dokumen Acuan\n\n### 1.2 Riwayat Reviu\n"
    )
    assert [text for _, text in _headings(source)][1:] == [
        "1.1 Latar Belakang",
        "1.2 Maksud",
        "1.3 Dasar Hukum",
        "1.4 Dokumen Acuan",
        "1.5 Riwayat Reviu",
    ]


def test_subsections_are_numbered_and_deeper_headings_are_titles() -> None:
    source = (
        "## 5. PROGRAM\n\n### Smart Governance\n\n#### Pelayanan\n\n##### Program A\n\n"
        "#### Birokrasi\n\n##### Program B\n\n### Smart Branding\n\n#### Pariwisata\n"
    )
    assert [text for _, text in _headings(source)] == [
        "5. PROGRAM",
        "5.1 Smart Governance",
        "5.1.1 Pelayanan",
        "Program A",
        "5.1.2 Birokrasi",
        "Program B",
        "5.2 Smart Branding",
        "5.2.1 Pariwisata",
    ]


def test_chapters_without_a_number_keep_their_headings_as_written() -> None:
    source = (
        "## BAB I PENDAHULUAN\n\n### Latar Belakang\n\n"
        "## LAMPIRAN: PROGRAM PER PERANGKAT DAERAH\n\n### Dinas Kesehatan\n\n"
        "## TENTANG DOKUMEN INI\n\n### Sumber\n"
    )
    assert [text for _, text in _headings(source)] == [
        "BAB I PENDAHULUAN",
        "1.1 Latar Belakang",
        "LAMPIRAN: PROGRAM PER PERANGKAT DAERAH",
        "Dinas Kesehatan",
        "TENTANG DOKUMEN INI",
        "Sumber",
    ]


def test_a_styled_title_keeps_its_style_after_its_number() -> None:
    document = parse_document("uji", "## BAB I A\n\n### *Miring*\n")
    heading = document.headings()[1]
    assert heading.text == "1.1 Miring"
    assert [(s.text, s.italic) for s in heading.inline] == [("1.1 ", False), ("Miring", True)]


def test_anchors_and_contents_follow_the_numbers_in_every_format() -> None:
    source = (
        "~~~spbe-daftar-isi\n~~~\n\n"
        "## BAB II GAMBARAN UMUM\n\n#### Wilayah\n\n### Isu Strategis\n\n### Isu Strategis\n"
    )
    document = parse_document("uji", source)
    assert [(h.text, h.anchor) for h in document.headings() if isinstance(h, Heading)] == [
        ("BAB II GAMBARAN UMUM", "bab-ii-gambaran-umum"),
        ("2.1 Wilayah", "21-wilayah"),
        ("2.2 Isu Strategis", "22-isu-strategis"),
        ("2.3 Isu Strategis", "23-isu-strategis"),
    ]
    # the prose section is listed in the contents with its number, as the template's are
    assert [h.text for h in document.contents()] == [
        "BAB II GAMBARAN UMUM",
        "2.1 Wilayah",
        "2.2 Isu Strategis",
        "2.3 Isu Strategis",
    ]
    markdown = write_markdown(document, lambda figure: "")[0].decode("utf-8")
    assert "### 2.1 Wilayah\n" in markdown
    assert "  - [2.1 Wilayah](#21-wilayah)" in markdown
    html = write_html(document, lambda figure: ("", 0)).decode("utf-8")
    assert '<h3 id="21-wilayah">2.1 Wilayah</h3>' in html
    assert '<a href="#21-wilayah">2.1 Wilayah</a>' in html


# -- the list of chapters (Sistematika) -------------------------------------------------------


def _systematics(source: str, known: dict[str, str] | None = None) -> list[str]:
    from spbe_cli.render.document import ListBlock, Paragraph, plain

    document = parse_document("uji", source, abbreviations=known)
    (listed,) = [b for b in document.blocks if isinstance(b, ListBlock) and b.ordered]
    assert listed.ordered
    return [plain(p.inline) for (p,) in listed.items if isinstance(p, Paragraph)]


def test_the_chapter_list_is_the_chapters_the_document_has_as_their_headings_name_them() -> None:
    # The master plan's hand-written list named "Bab III Analisis Kesiapan Daerah dan Analisis
    # SWOT" and "Bab V Program Smart City dan Mitra Pentahelix" for chapters titled otherwise.
    source = (
        "~~~spbe-singkatan\n## DAFTAR SINGKATAN\n~~~\n\n"
        "## BAB I PENDAHULUAN\n\n### Sistematika\n\n~~~spbe-sistematika\n~~~\n\n"
        "## BAB III ANALISIS KESIAPAN DAERAH\n\n## BAB IV VISI, MISI DAN SASARAN\n\n"
        "## BAB XII INTEGRASI APLIKASI (SPLP)\n\n## BAB IX AUDIT TIK\n\n"
        "## LAMPIRAN: METADATA SIA-SPBE PER PERANGKAT DAERAH\n\n## TENTANG DOKUMEN INI\n"
    )
    known = {"SPLP": "Sistem Penghubung Layanan Pemerintah", "TIK": "Teknologi", "SPBE": "S"}
    assert _systematics(source, known) == [
        "Bab I Pendahuluan",
        "Bab III Analisis Kesiapan Daerah",
        "Bab IV Visi, Misi dan Sasaran",
        "Bab XII Integrasi Aplikasi (SPLP)",
        "Bab IX Audit TIK",
        "Lampiran: Metadata SIA-SPBE per Perangkat Daerah",
    ]


def test_numbered_chapters_are_listed_by_their_titles_and_mixed_case_stays() -> None:
    source = (
        "~~~spbe-sistematika\n~~~\n\n## 1. RINGKASAN\n\n## 2. Kemajuan per OPD\n\n"
        "## 3. PROGRAM TAHUN 2026\n"
    )
    assert _systematics(source) == ["Ringkasan", "Kemajuan per OPD", "Program Tahun 2026"]


def test_a_document_without_chapters_leaves_no_empty_list() -> None:
    document = parse_document("uji", "# Judul\n\n~~~spbe-sistematika\n~~~\n\nTeks.\n")
    assert [type(b).__name__ for b in document.blocks] == ["Heading", "Paragraph"]


def test_an_outline_enumerator_written_before_a_title_gives_way_to_the_section_number() -> None:
    # A Pemda's older template wrote the usual outline ("A. Latar Belakang", "II. ...", "3. ...",
    # "b) ..."): the sections showed "1.1 A. Latar Belakang".
    source = (
        "## BAB I PENDAHULUAN\n\n### A. Latar Belakang\n\n### B. Maksud dan Tujuan\n\n"
        "#### 1. Maksud\n\n#### b) Tujuan\n\n### IV. Sistematika\n\n"
        "### 5G di Distrik\n\n### A.B. Tanpa Spasi\n\n### Api. Bukan penomoran\n"
    )
    assert [text for _, text in _headings(source)][1:] == [
        "1.1 Latar Belakang",
        "1.2 Maksud dan Tujuan",
        "1.2.1 Maksud",
        "1.2.2 Tujuan",
        "1.3 Sistematika",
        "1.4 5G di Distrik",
        "1.5 A.B. Tanpa Spasi",
        "1.6 Api. Bukan penomoran",
    ]


def test_a_title_written_as_a_sentence_reads_as_a_heading() -> None:
    from spbe_cli.render.document import heading_case

    cases = {
        "Di bawah target": "Di Bawah Target",
        "Dihentikan sejak revisi sebelumnya": "Dihentikan sejak Revisi Sebelumnya",
        "Regulasi yang dibutuhkan belum ada": "Regulasi yang Dibutuhkan Belum Ada",
        "Digital tanpa layanan/aplikasi SPBE": "Digital tanpa Layanan/Aplikasi SPBE",
        "yang e-Gov 2026 dan di": "Yang e-Gov 2026 dan di",
    }
    assert {title: heading_case(title) for title in cases} == cases
