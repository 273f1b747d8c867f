"""What a Bupati, a Sekretariat Daerah or a KemenPANRB evaluator meets in the rendered documents.

Each test pins one class of defect found by reading the documents of a fresh ``spbe init``
catalog (no progress yet, a one-year quick win, empty columns) in every format.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.formatting import KOSONG, kapital, persen_rasio, rentang
from spbe_cli.render.document import (
    Figure,
    Paragraph,
    Span,
    Table,
    caption_text,
    chapter_number,
    make_table,
    omitted_note,
    parse_document,
    plain,
)
from spbe_cli.render.engine import _bernama, name_ids
from spbe_cli.render.pipeline import RenderOptions, render_catalog
from spbe_cli.render.to_html import _table as html_table

W_T = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _rendered(root: Path, extra: dict[str, str], formats: list[str] | None = None) -> Path:
    """Render a catalog made by ``spbe init`` (``extra`` appended to its example files)."""
    made = CliRunner().invoke(
        app, ["init", str(root / "katalog"), "--pemda", "Kota Contoh", "--kode", "91.71"]
    )
    assert made.exit_code == 0, made.output
    catalog = root / "katalog" / "catalog"
    for name, text in extra.items():
        path = catalog / name / "contoh.yaml"
        path.write_text(path.read_text("utf-8") + text, "utf-8")
    out = root / "out"
    options = RenderOptions(catalog=catalog, out=out, force=True, display="c")
    if formats is not None:
        options = replace(options, formats=formats)
    assert render_catalog(options).written
    return out


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four documents of a catalog just made by ``spbe init``, in md, html and docx."""
    return _rendered(tmp_path_factory.mktemp("fresh"), {})


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(W_T.findall(xml))


def _md_table(md: str, caption: str) -> list[list[str]]:
    """The cells of the table under ``*Tabel n. caption*`` in a Markdown document."""
    block = md.split(f". {caption}*\n\n", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("|").split(" | ") for line in block.splitlines()]
    return [[cell.strip() for cell in row] for row in rows[2:]]


# -- a span of one year ----------------------------------------------------------------------------


def test_rentang_writes_one_year_once() -> None:
    assert rentang(2026, 2026) == "2026"
    assert rentang(2025, 2029) == "2025–2029"


def test_a_one_year_program_reads_as_its_year_in_every_format(fresh: Path) -> None:
    # The scaffold's quick win runs 2025 only: "2025–2025" reads as a typing error.
    md = (fresh / "masterplan.md").read_text("utf-8")
    assert "| Tahun | 2025 (quick win) |" in md
    for name in ("masterplan", "peta-rencana", "arsitektur"):
        assert "2025–2025" not in (fresh / f"{name}.md").read_text("utf-8"), name
        assert "2025–2025" not in (fresh / f"{name}.html").read_text("utf-8"), name
        assert "2025–2025" not in _docx_text(fresh / f"{name}.docx"), name


# -- a column left out is named -------------------------------------------------------------------


def test_make_table_names_the_columns_it_leaves_out() -> None:
    header = [(Span(h),) for h in ("Program", "Target", "Realisasi", "2025", "2026", "Capaian")]
    rows = [[(Span("A"),), (Span("8"),), (), (), (Span("3"),), (Span("-"),)]]
    table = make_table(header, rows)
    assert isinstance(table, Table)
    assert [c.header for c in table.columns] == [
        (Span("Program"),),
        (Span("Target"),),
        (Span("2026"),),
    ]
    # A year of a series is left out quietly (targets start when they start); the rest is named.
    assert table.omitted == ("Realisasi", "Capaian")
    note = omitted_note(table)
    assert note == Paragraph(
        (
            Span(
                "Kolom Realisasi dan Capaian tidak ditampilkan karena belum berisi data.",
                italic=True,
            ),
        )
    )
    named = make_table([(Span("Nama"),), (Span("Kolom C"),)], [[(Span("a"),), ()]])
    assert named is not None
    assert omitted_note(named) == Paragraph(
        (Span("Kolom C tidak ditampilkan karena belum berisi data.", italic=True),)
    )
    full = make_table(header[:2], [rows[0][:2]])
    assert full is not None and full.omitted == () and omitted_note(full) is None


def test_a_report_without_realisasi_says_why_the_column_is_missing(fresh: Path) -> None:
    # "Realisasi indikator tahun 2025" with no Realisasi column looked like a broken table.
    note = "Kolom Realisasi dan Capaian tidak ditampilkan karena belum berisi data."
    md = (fresh / "laporan.md").read_text("utf-8")
    table = md.split("Realisasi indikator tahun 2025*", 1)[1]
    assert table.split("\n\n")[2] == f"*{note}*"
    assert note in (fresh / "laporan.html").read_text("utf-8")
    assert note in _docx_text(fresh / "laporan.docx")


# -- the progress report with nothing recorded yet ------------------------------------------------


def test_the_summary_of_a_report_without_progress_is_a_sentence(fresh: Path) -> None:
    md = (fresh / "laporan.md").read_text("utf-8")
    late, summary = md.split("## 1. RINGKASAN\n\n", 1)[1].split("\n\n", 2)[:2]
    assert late.startswith(("**Yang terlambat: ", "**Tidak ada program yang terlambat**"))
    assert "rata-rata –" not in summary and "rata-rata -" not in summary
    assert "0 di antaranya" not in summary
    assert "belum ada yang mencatat kemajuan" in summary
    assert (
        "Capaian indikator belum dapat dihitung karena belum ada realisasi yang tercatat" in summary
    )


def test_an_empty_cell_of_the_report_has_one_mark(fresh: Path) -> None:
    # A target not set showed "–" beside a plafon "-" that the text explains as "-".
    assert persen_rasio(None) == KOSONG == "-"
    md = (fresh / "laporan.md").read_text("utf-8")
    cells = {cell for row in _md_table(md, "Realisasi indikator tahun 2025") for cell in row}
    assert KOSONG in cells and "–" not in cells


def test_a_plafon_names_its_indicator_by_number(fresh: Path) -> None:
    # PermenPANRB 59/2020 has two indicators called "Arsitektur SPBE" (1 and 11).
    md = (fresh / "laporan.md").read_text("utf-8")
    # The names come from partly verified data: marked † (explained in Bagian 6).
    assert "indikator 1 Arsitektur SPBE † paling tinggi tingkat 1" in md
    assert "indikator 11 Arsitektur SPBE † paling tinggi tingkat 2" in md


# -- a cancelled program or butir ------------------------------------------------------------------

_CANCELLED = """
---
entitas: program
id: SC-GOV-BATAL
nama: Program Yang Dibatalkan
dimensi: governance
elemen: service
opd_pj: DISKOMINFO
tahun_mulai: 2025
tahun_selesai: 2026
horizon: pendek
status: dibatalkan
misi: [1]
indikator:
  - {nama: Unit daring, satuan: unit, baseline: 0, tahun_baseline: 2024, target: {2025: 5}}
anggaran:
  - {tahun: 2025, nilai: 500000000, sumber: APBD}
regulasi: [PERPRES-95-2018]
"""
_CANCELLED_ITEM = """
---
entitas: peta_rencana
id: PR-BATAL
nama: Butir Yang Dibatalkan
muatan: aplikasi
opd_pj: DISKOMINFO
tahun_mulai: 2025
tahun_selesai: 2025
status: dibatalkan
anggaran:
  - {tahun: 2025, nilai: 777000000, sumber: APBD}
"""


@pytest.fixture(scope="module")
def cancelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documents of a fresh catalog with a cancelled program and a cancelled butir."""
    extra = {"program": _CANCELLED, "peta_rencana": _CANCELLED_ITEM}
    return _rendered(tmp_path_factory.mktemp("cancelled"), extra, ["md"])


def _jumlah(md: str, caption: str) -> str:
    """The last cell of the Jumlah row of a table (its total)."""
    rows = _md_table(md, caption)
    return next(row for row in rows if row[0] == "**Jumlah**")[-1]


def test_a_cancelled_program_is_left_out_of_the_sums_as_in_the_laporan(cancelled: Path) -> None:
    # The masterplan's 2025 total counted the cancelled program; the laporan's pagu did not.
    master = (cancelled / "masterplan.md").read_text("utf-8")
    laporan = (cancelled / "laporan.md").read_text("utf-8")
    assert _jumlah(master, "Program tahun 2025") == "**Rp 600.000.000 †**"
    pagu = _md_table(laporan, "Kemajuan per dimensi")[-1][-3]
    assert pagu == "**Rp 600.000.000 †**"
    assert _jumlah(master, "Anggaran per tahun") == "**Rp 600.000.000 †**"
    # Still described, with its status and its own budget; the reader is told why it is not summed.
    assert "##### Program Yang Dibatalkan" in master
    assert "| Status | Dibatalkan |" in master
    assert "Sebanyak 1 program lain dibatalkan (Program Yang Dibatalkan)" in master
    roadmap = master.split("### 6.1 Peta Jalan", 1)[1].split("### 6.2", 1)[0]
    assert "Program Yang Dibatalkan" not in roadmap
    misi = master.split("### 4.2 Misi\n\n", 1)[1].split("\n\n", 1)[0]
    assert misi.endswith("Belum ada program yang mendukungnya.")  # the cancelled one does not


def test_a_cancelled_butir_is_left_out_of_the_sums(cancelled: Path) -> None:
    peta = (cancelled / "peta-rencana.md").read_text("utf-8")
    summary = _md_table(peta, "Butir dan anggaran per muatan")
    aplikasi = next(row for row in summary if row[0] == "Aplikasi SPBE")
    assert "777" not in aplikasi[2] and "777" not in summary[-1][2]
    assert "Sebanyak 1 butir lain dibatalkan (Butir Yang Dibatalkan)" in peta
    assert "| Butir Yang Dibatalkan | Diskominfo | 2025 | Dibatalkan |" in peta
    chapter = peta.split(" APLIKASI SPBE\n", 1)[1].split("\n## ", 1)[0]
    assert "Butir Yang Dibatalkan" not in chapter.split("Rencana per Tahun", 1)[1]


def test_a_mission_without_programs_says_so(fresh: Path) -> None:
    md = (fresh / "masterplan.md").read_text("utf-8")
    misi = md.split("### 4.2 Misi\n\n", 1)[1].split("\n\n", 1)[0]
    assert "Didukung 0 program" not in misi
    assert misi.endswith("Belum ada program yang mendukungnya.")


def test_a_label_cell_starts_with_a_capital_and_keeps_its_acronyms(fresh: Path) -> None:
    # Reference labels are lower case ("kesiapan SDM"); Jinja's capitalize gave "Kesiapan sdm".
    assert kapital("kesiapan SDM") == "Kesiapan SDM"
    assert kapital("") == ""
    md = (fresh / "masterplan.md").read_text("utf-8")
    assert "| Kesiapan SDM † |" in md
    assert "| Jaringan digital/internet † |" in md
    assert "| Mitra | Belum ditetapkan |" in md
    assert "| Pemilik |" in md  # the role of an element in the appendix


def test_an_illustrative_sasaran_of_the_peta_strategi_is_marked(fresh: Path) -> None:
    # The sasaran (and its IKU targets) said "ilustratif: true" and showed no mark.
    md = (fresh / "arsitektur.md").read_text("utf-8")
    row = next(line for line in md.splitlines() if "Contoh sasaran: meningkatnya layanan" in line)
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1].endswith("daring. †")  # the tujuan, illustrative itself
    assert cells[2] == "Contoh sasaran: meningkatnya layanan daring. †"
    # Its IKU (whose targets stand beside it) carries the mark too: a sasaran with a second
    # IKU leaves its cell empty on that row, and the targets read as official figures.
    assert cells[3].endswith(" †"), cells


def test_an_aplikasi_umum_is_named_once(fresh: Path) -> None:
    # "SP4N-LAPOR! (SP4N-LAPOR)", "SRIKANDI (SRIKANDI)": the code repeated the name.
    md = (fresh / "arsitektur.md").read_text("utf-8")
    rows = _md_table(md, "Aplikasi Umum nasional dan pemakaiannya")
    assert rows, md
    for row in rows:
        assert "(" not in row[0], row
        assert row[1][:1].isupper(), row


def _catalog_ids(catalog: Path) -> set[str]:
    """The ids a catalog's files declare, but an OPD's that is its own official abbreviation."""
    ids: set[str] = set()
    for path in catalog.rglob("*.yaml"):
        for entry in path.read_text("utf-8").split("\n---"):
            found = re.search(r"^id: *\"?([^\"\n]+?)\"?\s*$", entry, re.M)
            short = re.search(r"^singkatan: *\"?([^\"\n]+?)\"?\s*$", entry, re.M)
            if found and not (short and short.group(1) == found.group(1)):
                ids.add(found.group(1))
    return ids


def test_no_catalog_id_reaches_the_body_of_a_document(fresh: Path) -> None:
    # The element tables of the Arsitektur had an "ID" column (PB-01 beside RAB.01.01), the
    # program cards of the master plan an "ID program" row and its appendix an "ID" column:
    # a Bupati reads names, and the official codes (RA codes, sub kegiatan) where they exist.
    ids = _catalog_ids(fresh.parent / "katalog" / "catalog")
    assert "SC-GOV-01" in ids  # the check reads what it should
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")
    for md in sorted(fresh.glob("*.md")):
        assert not pattern.findall(md.read_text("utf-8")), md.name
    for docx in sorted(fresh.glob("*.docx")):
        assert not pattern.findall(_docx_text(docx)), docx.name
    masterplan = (fresh / "masterplan.md").read_text("utf-8")
    assert "ID program" not in masterplan and "| ID |" not in masterplan
    assert "| Program | Peran | Dimensi / elemen | Tahun |" in masterplan
    assert "| Kode | Elemen SPBE | Domain | Peran |" in masterplan
    arsitektur = (fresh / "arsitektur.md").read_text("utf-8")
    assert "| Kode | Nama | Perangkat daerah | Jenis | Status |" in arsitektur  # RAB code, name
    assert "| ID |" not in arsitektur and "| Elemen | Metadata |" in arsitektur


def test_every_table_of_every_document_has_a_numbered_caption(fresh: Path) -> None:
    # The master plan's program cards, its appendix and a table written in a prose file
    # (BAB II) had no caption while every other table had "Tabel n. ...". Captions are
    # numbered per chapter, as Indonesian government documents number them: "Tabel 2.1" is
    # the first table of BAB II (of "2. ..." in the laporan), "Tabel L.1" of the appendix.
    chapters: dict[str, set[str]] = {}
    for md in sorted(fresh.glob("*.md")):
        lines = md.read_text("utf-8").split("\n")
        seen: dict[str, list[tuple[str, int]]] = {"Tabel": [], "Gambar": []}
        chapter = ""
        for n, line in enumerate(lines[2:-1], start=2):
            if line.startswith("## "):
                chapter = chapter_number(line[3:])
            if line.startswith("|") and lines[n - 1] == "" and lines[n + 1].startswith("|---"):
                assert lines[n - 2].startswith("*Tabel "), (md.name, n, line)
            label = re.match(r"^\*(Tabel|Gambar) ([0-9L]+)\.(\d+)\. \S", line)
            if line.startswith(("*Tabel ", "*Gambar ")):
                assert label and label.group(2) == chapter, (md.name, n, line)
                seen[label.group(1)].append((chapter, int(label.group(3))))
        for kind, numbers in seen.items():
            for (before, count), (now, then) in zip([("", 0), *numbers], numbers, strict=False):
                assert then == (count + 1 if now == before else 1), (md.name, kind, now, then)
        chapters[md.name] = {c for numbers in seen.values() for c, _ in numbers}
    assert {"2", "10"} <= chapters["arsitektur.md"] and "L" in chapters["masterplan.md"]
    assert "2" in chapters["laporan.md"]


def test_a_table_without_its_directive_is_numbered_under_its_heading() -> None:
    # A prose file cannot write ~~~spbe-tabel: its table takes the heading it stands under as
    # its caption, numbered by the one counter of the document.
    source = (
        "## BAB II GAMBARAN\n\n### Perjalanan smart city\n\n| Tahun | Peristiwa |\n|---|---|\n"
        "| 2017 | Quick win |\n\n~~~spbe-tabel\nProfil daerah\n\n| Unsur | Isi |\n|---|---|\n"
        "| Luas | 1 |\n~~~\n"
    )
    # A template of before numbered its caption itself (``*Tabel {{ cap.next() }}. ...*``): that
    # paragraph is the caption, renumbered, not a second one; a sentence about a table stays.
    source += (
        "\n*Tabel 7. Anggaran lama*\n\n| Tahun | Nilai |\n|---|---|\n| 2026 | 1 |\n\n"
        "Tabel 4 menunjukkan anggaran.\n\n| Tahun | Nilai |\n|---|---|\n| 2027 | 2 |\n"
    )
    blocks = list(parse_document("uji", source).walk())
    tables = [b for b in blocks if isinstance(b, Table)]
    assert [caption_text(t) for t in tables] == [
        "Tabel 2.1. Perjalanan smart city",
        "Tabel 2.2. Profil daerah",
        "Tabel 2.3. Anggaran lama",
        "Tabel 2.4. Perjalanan smart city",
    ]
    assert [t.number for t in tables] == [1, 2, 3, 4]
    paragraphs = [plain(b.inline) for b in blocks if isinstance(b, Paragraph)]
    assert paragraphs == ["Tabel 4 menunjukkan anggaran."]


def test_captions_are_numbered_per_chapter_and_figure_files_through_the_document() -> None:
    table = "| Tahun | Nilai |\n|---|---|\n| 2026 | 1 |\n"
    figure = "~~~spbe-gambar peta\nPeta\n~~~\n"
    source = (
        f"# Judul\n\n## DAFTAR SINGKATAN\n\n- SPBE\n\n## BAB I PENDAHULUAN\n\n{table}\n"
        f"## BAB II RINGKASAN\n\n{figure}\n~~~spbe-tabel\nAnggaran\n\n{table}~~~\n\n{figure}\n"
        f"## LAMPIRAN: DAFTAR\n\n{table}\n## TENTANG DOKUMEN INI\n\nTeks.\n"
    )
    document = parse_document("uji", source, figures={"peta": "spec"})
    shown = [(caption_text(b), b.number) for b in document.walk() if isinstance(b, Table | Figure)]
    assert shown == [
        ("Tabel 1.1. BAB I PENDAHULUAN", 1),
        ("Gambar 2.1. Peta", 1),  # the number names the figure's file: gambar/uji-01.svg
        ("Tabel 2.1. Anggaran", 2),
        ("Gambar 2.2. Peta", 2),
        ("Tabel L.1. LAMPIRAN: DAFTAR", 3),
    ]


@pytest.mark.parametrize(
    "source",
    [
        # a table before the first numbered chapter
        "## Pengantar\n\n{t}\n## BAB I PENDAHULUAN\n\n{t}\n",
        # two chapters of the same number: "Tabel L.1" twice would be ambiguous
        "## BAB I A\n\n{t}\n## LAMPIRAN: X\n\n{t}\n## LAMPIRAN: Y\n\n{t}\n",
    ],
)
def test_captions_are_numbered_through_when_chapters_cannot_number_them(source: str) -> None:
    table = "| Tahun | Nilai |\n|---|---|\n| 2026 | 1 |\n"
    document = parse_document("uji", source.format(t=table))
    labels = [caption_text(b).split(".")[0] for b in document.walk() if isinstance(b, Table)]
    assert labels == [f"Tabel {n}" for n in range(1, len(labels) + 1)]


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("BAB II PETA STRATEGI", "2"),
        ("BAB XIII PENUTUP", "13"),
        ("Bab iv Layanan", "4"),
        ("2. KEMAJUAN PER PERANGKAT DAERAH", "2"),
        ("LAMPIRAN: METADATA", "L"),
        ("LAMPIRAN 2 PETA", "L2"),
        ("LAMPIRAN II: PETA", "L2"),
        ("DAFTAR SINGKATAN", ""),
        ("2026 dalam angka", ""),
        ("BABAK BARU", ""),
    ],
)
def test_chapter_number(heading: str, number: str) -> None:
    assert chapter_number(heading) == number


def test_a_long_text_column_keeps_its_width_on_a_phone(fresh: Path) -> None:
    # At 390 px a seven-column table squeezed its text to a word per line, rows a screen tall.
    page = (fresh / "peta-rencana.html").read_text("utf-8")
    assert "thead th { min-width: 6em; } thead th.lebar { min-width: 16em; }" in page
    gap = "Arsitektur dan Peta Rencana belum ditetapkan; reviu paruh waktu belum dijadwalkan."
    header = [(Span(h),) for h in ("Butir", "Kesenjangan", "Anggaran")]
    table = make_table(header, [[(Span("Reviu"),), (Span(gap),), (Span("Rp 1.000"),)]])
    assert table is not None
    html = "".join(html_table(table))
    assert "<th>Butir</th>" in html  # short: only the phone minimum
    assert '<th class="lebar">Kesenjangan</th>' in html
    assert '<th class="n">Anggaran</th>' in html


def test_ids_in_a_sentence_are_named() -> None:
    names = {"SC-03": "Sentra Kerajinan Noken"}
    text = "anggaran SC-03 dipotong; SC-99 tidak dikenal; RAB.02 bukan id"
    named = name_ids(text, lambda found: names.get(found, found))
    assert named == "anggaran Sentra Kerajinan Noken dipotong; SC-99 tidak dikenal; RAB.02 bukan id"


def test_a_prose_heading_under_a_chapter_skips_no_level() -> None:
    # Prose "##" headings are shifted to "####"; placed right under a BAB (Gambaran Umum), they
    # left a hole in the outline that Word's navigation pane and screen readers show.
    source = (
        "# Judul\n\n## BAB II GAMBARAN\n\n#### Wilayah\n\nTeks.\n\n#### Sejarah\n\n"
        "##### Rinci\n\n### 2.1 Isu Strategis\n\n#### Satu\n"
    )
    document = parse_document("uji", source)
    levels = [(h.level, h.text) for h in document.headings()]
    # ... and, numbered in their chapter's order, they no longer stand unnumbered beside the
    # template's sections (tests/test_render_numbering.py)
    assert levels == [
        (1, "Judul"),
        (2, "BAB II GAMBARAN"),
        (3, "2.1 Wilayah"),
        (3, "2.2 Sejarah"),  # siblings stay siblings
        (4, "2.2.1 Rinci"),
        (3, "2.3 Isu Strategis"),
        (4, "2.3.1 Satu"),
    ]
    # The contents list the chapter's sections, the prose's among them.
    assert [h.text for h in document.contents()] == [
        "BAB II GAMBARAN",
        "2.1 Wilayah",
        "2.2 Sejarah",
        "2.3 Isu Strategis",
    ]


#: Words of the tool's workshop a Bupati's document never uses (the catalog files, the version
#: control, the command). "repositori pengetahuan" of a program is the reader's own word.
_WORKSHOP = re.compile(r"\b(?:YAML|git|GitHub|GitLab|commit|pull request|spbe)\b|`spbe|\.ya?ml\b")


#: What may hold those letters and is no talk of the tool: heading anchors, cited web sources.
_NOT_PROSE = re.compile(r"\(#[^)\s]*\)|\b[\w.-]+\.(?:com|org|net|io|id)/\S*")


def _workshop_words(text: str) -> list[str]:
    return _WORKSHOP.findall(_NOT_PROSE.sub("", text))


def test_no_document_speaks_of_the_tools_workshop(fresh: Path) -> None:
    for md in sorted(fresh.glob("*.md")):
        assert not _workshop_words(md.read_text("utf-8")), md.name
    for docx in sorted(fresh.glob("*.docx")):
        assert not _workshop_words(_docx_text(docx)), docx.name
    # The check reads what it should: the colophon's old wording would fail it.
    assert _workshop_words("dicatat dalam berkas YAML, diperiksa dengan alat `spbe`, git")


def test_bernama_filter_names_ids_from_one_table_or_several_in_turn() -> None:
    # ``message|bernama(nama)`` and ``bernama([nama, log.names])``: the first table that knows
    # an id names it; an id no table knows stays as written.
    sentence = "APP-01 memakai DAT-02 dan INF-03"
    assert _bernama(sentence, {"APP-01": "Sentra Noken"}) == (
        "Sentra Noken memakai DAT-02 dan INF-03"
    )
    tables = [{"APP-01": "Sentra Noken"}, {"APP-01": "lama", "DAT-02": "Data Kependudukan"}]
    assert _bernama(sentence, tables) == "Sentra Noken memakai Data Kependudukan dan INF-03"


def test_a_budget_code_is_shown_with_its_name_in_every_document(fresh: Path) -> None:
    # The Peta Rencana showed "2.16.03.2.02 (kegiatan)" alone: a reader could not tell which
    # kegiatan; the Master Plan added the name in its own template (one home: the filter).
    shown = "2.16.03.2.02 (kegiatan) Pengelolaan E-Government di Lingkup Pemerintah Daerah"
    roadmap = (fresh / "peta-rencana.md").read_text("utf-8")
    rows = _md_table(roadmap, "Butir muatan Tata Kelola SPBE")
    assert rows and shown in rows[0], rows
    plan = (fresh / "masterplan.md").read_text("utf-8")
    assert "Pengelolaan E-Government di Lingkup Pemerintah Daerah Pengelolaan" not in plan


def test_the_basis_of_an_application_reads_as_a_word_not_a_code(fresh: Path) -> None:
    # The Aplikasi table showed the catalog's value "web" beside "Khusus" and "Operasional".
    md = (fresh / "arsitektur.md").read_text("utf-8")
    rows = _md_table(md, "Elemen domain Aplikasi SPBE")
    assert rows and {row[4] for row in rows} <= {"Web", "Seluler", "Desktop", "Lainnya", "-"}


def test_an_english_abbreviation_is_explained_in_indonesian() -> None:
    from types import SimpleNamespace

    from spbe_cli.render.abbreviations import known_abbreviations

    known = known_abbreviations(SimpleNamespace(prefixes={}), [])
    assert known["PIC"] == "Person in Charge (penanggung jawab)"


def test_no_table_has_two_columns_of_the_same_name(fresh: Path, tmp_path: Path) -> None:
    # The integration table had "Pemilik" twice (of the application and of its partner).
    bundled = tmp_path / "bundled"
    catalog = Path(__file__).resolve().parent.parent / "catalog"
    options = RenderOptions(catalog=catalog, out=bundled, formats=["md"], display="catalog")
    assert render_catalog(options).written
    for md in [*sorted(fresh.glob("*.md")), *sorted(bundled.glob("*.md"))]:
        lines = md.read_text("utf-8").split("\n")
        for n, line in enumerate(lines[:-1]):
            if line.startswith("| ") and lines[n + 1].startswith("|---"):
                headers = [h.strip() for h in line.strip("|").split(" | ")]
                assert len(headers) == len(set(headers)), (md.name, n, line)
    page = (bundled / "arsitektur.md").read_text("utf-8")
    assert "| Terintegrasi dengan | Pemilik aplikasi mitra |" in page


def test_an_indicator_starts_from_its_nilai_awal_in_every_table(fresh: Path) -> None:
    # The master plan's indicator tables said "Baseline"; its Daftar Perubahan "Nilai awal".
    md = (fresh / "masterplan.md").read_text("utf-8")
    assert "| Indikator | Satuan | Nilai awal |" in md
    assert "baseline" not in md.casefold()


def test_a_traceability_matrix_names_an_unlinked_row_once(tmp_path: Path) -> None:
    # Eight applications without infrastructure were empty rows of the grid (and an OPD whose
    # rows were all "-" a table of its own) besides being named after it as "tanpa tautan".
    catalog = Path(__file__).resolve().parent.parent / "catalog"
    options = RenderOptions(
        catalog=catalog, out=tmp_path, docs=["arsitektur"], formats=["md"], display="catalog"
    )
    assert render_catalog(options).written
    md = (tmp_path / "arsitektur.md").read_text("utf-8")
    chapter = md.split("## BAB X MATRIKS KETERLACAKAN", 1)[1].split("\n## ", 1)[0]
    section = chapter.split("Aplikasi SPBE × Infrastruktur SPBE\n", 1)[1].split("\n### ", 1)[0]
    grid = _md_table(chapter, "Aplikasi SPBE × Infrastruktur SPBE")
    assert grid and all("✓" in row for row in grid)
    assert "| SIAK |" not in section
    assert "SIAK" in section.split("Aplikasi tanpa tautan:", 1)[1].split("\n", 1)[0]
    for line in chapter.splitlines():
        assert not (line.startswith("| ") and line.endswith(" | - |")), line
