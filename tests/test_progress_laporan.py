"""The year-end report as a ``spbe render`` document (``laporan``)."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.formatting import reading_order
from spbe_cli.i18n import language
from spbe_cli.indeks import framework
from spbe_cli.render.pipeline import RenderOptions, render_catalog
from spbe_cli.render.registry import documents
from tests.helpers import CASES, write_tree

KNOWN = CASES / "progress" / "known" / "catalog"


def render_laporan(
    catalog: Path, out: Path, formats: list[str] | None, **extras: object
) -> list[str]:
    """The laporan of ``catalog`` in ``out`` (every format when None): the files written."""
    options = RenderOptions(
        catalog=catalog,
        out=out,
        docs=["laporan"],
        force=True,
        display="catalog",
        extras=dict(extras),
    )
    if formats is not None:
        options = replace(options, formats=formats)
    return list(render_catalog(options).written)


def render(tmp_path: Path, **extras: object) -> tuple[str, str]:
    out = tmp_path / "out"
    written = render_laporan(KNOWN, out, ["md", "html"], **extras)
    documents_written = [n for n in written if "/" not in n]
    assert sorted(documents_written) == ["laporan.html", "laporan.md"]
    assert sorted(n for n in written if "/" in n) == [
        "gambar/laporan-01.svg",
        "gambar/laporan-02.svg",
    ]
    return (
        (out / "laporan.md").read_text(encoding="utf-8"),
        (out / "laporan.html").read_text(encoding="utf-8"),
    )


def test_laporan_is_registered() -> None:
    assert "laporan" in documents()


def test_laporan_numbers_match_spbe_progress(tmp_path: Path) -> None:
    md, page = render(tmp_path, tahun=2026, tanggal=date(2026, 10, 15))
    assert "\n# Laporan Kemajuan Program Smart City Tahun 2026\n" in md
    assert "Keadaan per 15 Oktober 2026" in md
    assert "| 2 | 2 | 0 | 65,2% | Rp 1.700.000.000 | Rp 800.000.000 | 47,1% |" in md
    assert (
        "| **Jumlah** | **5** | **4** | **1** | **82,6%** | **Rp 2.800.000.000** | "
        "**Rp 1.100.000.000** | **39,3%** |"
    ) in md
    assert "- Integrasi Data OPD (" in md
    assert "tidak diperbarui sejak 1 Maret 2026, melewati batas 6 bulan" in md
    assert "SC-GOV-02" not in md  # readers see names; ids stay in the catalog
    assert page.count("<svg") == 2  # the two progress charts, drawn by figures.py
    assert "<script" not in page
    assert language() == "en"  # the document is Indonesian; the messages stay as they were


def test_laporan_is_dated_by_the_latest_progress_update(tmp_path: Path) -> None:
    md, _ = render(tmp_path)
    # never a future year end: the latest update in the catalog (2026-11-30) dates the report
    assert "Tahun 2026" in md and "Keadaan per 30 November 2026" in md
    assert "31 Desember 2026" not in md
    assert "| Festival Wisata Mimika" in md  # the 2026-11-30 entry of SC-BRD-01 counts
    assert "| Festival Wisata Mimika | Kunjungan wisata (orang) | 1.000 | 10 | 1,0% |" in md


def _scaffolded_with_evaluation(
    tmp_path: Path, pemda: str, kode: str, kerangka: str = "pemdi_8_2026"
) -> Path:
    """A catalog from ``spbe init`` whose example evaluation has a nilai for every indicator."""
    made = CliRunner().invoke(
        app, ["init", str(tmp_path / "katalog"), "--pemda", pemda, "--kode", kode]
    )
    assert made.exit_code == 0, made.output
    catalog = tmp_path / "katalog" / "catalog"
    lines = [
        "entitas: evaluasi_mandiri",
        "id: EVALUASI-PEMDI-2026",
        f"kerangka: {kerangka}",
        "tahun: 2026",
        "penilaian:",
    ]
    # 4 for the first two indicators (above the plafon 2 of Tata Kelola Pemdi), 3 elsewhere.
    lines += [
        f"  - {{indikator: {i.nomor}, nilai: {4 if i.nomor <= 2 else 3}}}"
        for i in framework(kerangka).indikator
    ]
    write_tree(catalog, {"evaluasi_mandiri/contoh.yaml": "\n".join(lines) + "\n"})
    return catalog


def test_laporan_shows_the_index_of_a_complete_self_assessment(tmp_path: Path) -> None:
    catalog = _scaffolded_with_evaluation(tmp_path, "Kota X", "99.71")
    out = tmp_path / "out"
    assert "laporan.docx" in render_laporan(catalog, out, None, tahun=2026)
    md = (out / "laporan.md").read_text(encoding="utf-8")
    section = md.split("## 6. EVALUASI MANDIRI DAN INDEKS", 1)[1].split("\n## ", 1)[0]
    # (4×10 + 3×90) / 100 = 3,10: "Baik" in the (unverified) ranges of PermenPANRB 8/2026.
    # Every value of the unverified PermenPANRB 8/2026 data carries †, explained once with
    # the regulation and its third-party sources (no local file name).
    assert "Indeks tahun 2026: **3,10 †**, predikat **Baik (Berkembang) †**." in section
    legend = [
        line
        for line in section.splitlines()
        if "Tanda † menandai nama, bobot, indeks dan predikat" in line
    ]
    assert len(legend) == 1 and section.count("Tanda †") == 1
    assert "belum dicocokkan dengan naskah resmi PermenPANRB 8/2026" in legend[0]
    assert "github.com/RokiFauziErenJaegar/edukasi-pemdi-permenpanrb-8-2026" in legend[0]
    assert ".yaml" not in legend[0] and ".js" not in legend[0]
    assert "| Aspek 1 Tata Kelola dan Manajemen † | 10 † | 4,00 † |" in section
    assert "| **Total** | **100** | **3,10 †** |" in section
    assert "| 1 | Tata Kelola Pemdi † | 5 † | 4 | 2 | di atas plafon |" in section
    assert "| 2 | Manajemen Layanan Digital † | 5 † | 4 | - |  |" in section
    summary = md.split("## 1. RINGKASAN", 1)[1].split("\n## ", 1)[0]
    assert "Indeks evaluasi mandiri tahun ini 3,10 †, predikat Baik (Berkembang) †" in summary
    assert "![Indeks per aspek (skala 1 sampai 5)](gambar/laporan-" in section
    # The nilai above the plafon, with their gap and what is missing, by name, not by id.
    extra = section.split("### 6.3 Nilai yang Perlu Bukti Tambahan", 1)[1]
    assert (
        "| Tata Kelola Pemdi † (indikator 1) | 4 | 2 | 2 | Arsitektur SPBE: dokumen berstatus draf"
        in extra
    )
    assert "PERKADA-ARSITEKTUR-SPBE" not in extra and "dokumen.\\*" not in extra
    assert "Peraturan Wali Kota tentang Arsitektur SPBE Pemerintah Kota X 2025-2029 berstatus" in (
        extra
    )
    assert "Peta Rencana SPBE: regulasi penetapan belum tercatat" in extra
    page = (out / "laporan.html").read_text(encoding="utf-8")
    assert "3,10 †" in page and "Baik (Berkembang) †" in page
    with zipfile.ZipFile(out / "laporan.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "EVALUASI MANDIRI DAN INDEKS" in body and "3,10 †" in body


def test_laporan_names_a_replaced_framework_and_its_domains(tmp_path: Path) -> None:
    # 2026 recorded under PermenPANRB 59/2020 only: shown, with the note that 8/2026 replaces it.
    catalog = _scaffolded_with_evaluation(tmp_path, "Provinsi X", "99", "spbe_59_2020")
    out = tmp_path / "out"
    render_laporan(catalog, out, ["md"], tahun=2026)
    md = (out / "laporan.md").read_text(encoding="utf-8")
    section = md.split("## 6. EVALUASI MANDIRI DAN INDEKS", 1)[1].split("\n## ", 1)[0]
    assert "memakai kerangka Indeks SPBE" in section
    assert (
        "Menurut ringkasan pihak ketiga yang belum diverifikasi, PermenPANRB 59/2020 telah "
        "dicabut oleh PermenPANRB 8/2026, yang berlaku mulai evaluasi tahun 2026;" in section
    )
    # 59/2020 is partly verified: still marked, with its own sources.
    assert "belum dicocokkan dengan naskah resmi PermenPANRB 59/2020" in section
    assert "github.com/fadilai/spbe" in section
    assert "### 6.1 Indeks per Domain dan Aspek" in section
    assert "| Domain 1 " in section and "| Aspek 1 " in section
    assert "Indeks tahun 2026: **" in section and "predikat **" in section


def test_laporan_lists_programs_by_the_names_readers_see(tmp_path: Path) -> None:
    # The three program tables of chapter 4 followed the ids (SC-BRD-01, SC-ECO-..., SC-GOV-...),
    # which the reader never sees: a program was hard to find among 35. The attention lists of
    # chapter 5 already followed the names (progress.readers_order, now the one order of both).
    md, _ = render(tmp_path, tahun=2026, tanggal=date(2026, 10, 15))
    for caption in ("Program yang direncanakan tahun 2026", "Realisasi indikator tahun 2026"):
        block = md.split(f". {caption}*\n\n", 1)[1].split("\n\n", 1)[0]
        names = [row.split(" | ")[0].strip("| †") for row in block.splitlines()[2:]]
        assert len(set(names)) >= 2, caption
        assert names == sorted(names, key=reading_order), caption
