"""The year-end report as a ``spbe render`` document (``laporan``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from spbe_cli.i18n import language
from spbe_cli.render.pipeline import RenderOptions, render_catalog
from spbe_cli.render.registry import documents
from tests.helpers import CASES

KNOWN = CASES / "progress" / "known" / "catalog"


def render(tmp_path: Path, **extras: object) -> tuple[str, str]:
    out = tmp_path / "out"
    outcome = render_catalog(
        RenderOptions(
            catalog=KNOWN,
            out=out,
            docs=["laporan"],
            formats=["md", "html"],
            force=True,
            display="catalog",
            extras=dict(extras),
        )
    )
    documents_written = [n for n in outcome.written if "/" not in n]
    assert sorted(documents_written) == ["laporan.html", "laporan.md"]
    assert sorted(n for n in outcome.written if "/" in n) == [
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
    assert "tidak diperbarui sejak 1 Maret 2026" in md
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
