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
    assert sorted(outcome.written) == ["laporan.html", "laporan.md"]
    return (
        (out / "laporan.md").read_text(encoding="utf-8"),
        (out / "laporan.html").read_text(encoding="utf-8"),
    )


def test_laporan_is_registered() -> None:
    assert "laporan" in documents()


def test_laporan_numbers_match_spbe_progress(tmp_path: Path) -> None:
    md, page = render(tmp_path, tahun=2026, tanggal=date(2026, 10, 15))
    assert md.startswith("# Laporan Kemajuan Program Smart City Tahun 2026\n")
    assert "Keadaan per 15 Oktober 2026" in md
    assert (
        "| DISKOMINFO (Diskominfo) | 2 | 2 | 0 | 65,2% | Rp 1.700.000.000 | "
        "Rp 800.000.000 | 47,1% |"
    ) in md
    assert "| Jumlah | 5 | 4 | 1 | 82,6% | Rp 2.800.000.000 | Rp 1.100.000.000 | 39,3% |" in md
    assert (
        "- **SC-GOV-02** Integrasi Data OPD (DISKOMINFO): tidak diperbarui sejak 2026-03-01"
    ) in md
    assert page.count("<svg") == 2
    assert "<script" not in page
    assert language() == "en"  # the document is Indonesian; the messages stay as they were


def test_laporan_defaults_to_year_end_of_the_latest_year(tmp_path: Path) -> None:
    md, _ = render(tmp_path)
    assert "Tahun 2026" in md and "Keadaan per 31 Desember 2026" in md
    # at the year end the 2026-11-30 entry of SC-BRD-01 counts
    assert "SC-BRD-01 Festival Wisata Mimika" in md
    assert "Kunjungan wisata: realisasi 10 dari target 1.000 orang (naik), capaian 1,0%" in md
