"""What a Bupati, a Sekretariat Daerah or a KemenPANRB evaluator meets in the rendered documents.

Each test pins one class of defect found by reading the documents of a fresh ``spbe init``
catalog (no progress yet, a one-year quick win, empty columns) in every format.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.formatting import KOSONG, persen_rasio, rentang
from spbe_cli.render.document import Paragraph, Span, Table, make_table, omitted_note
from spbe_cli.render.pipeline import RenderOptions, render_catalog

W_T = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four documents of a catalog just made by ``spbe init``, in md, html and docx."""
    root = tmp_path_factory.mktemp("fresh")
    made = CliRunner().invoke(
        app, ["init", str(root / "katalog"), "--pemda", "Kota Contoh", "--kode", "91.71"]
    )
    assert made.exit_code == 0, made.output
    out = root / "out"
    outcome = render_catalog(
        RenderOptions(catalog=root / "katalog" / "catalog", out=out, force=True, display="c")
    )
    assert outcome.written
    return out


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
    summary = md.split("## 1. RINGKASAN\n\n", 1)[1].split("\n", 1)[0]
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
    assert "indikator 1 Arsitektur SPBE paling tinggi tingkat 1" in md
    assert "indikator 11 Arsitektur SPBE paling tinggi tingkat 2" in md
