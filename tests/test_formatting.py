"""The one home of amounts, numbers, percentages and dates, and that every command uses it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import i18n
from spbe_cli.cli.app import app
from spbe_cli.formatting import (
    angka,
    month_name,
    number,
    percent,
    persen,
    rupiah,
    rupiah_short,
    rupiah_short_labels,
    tanggal,
)
from spbe_cli.report import finding_line
from tests.helpers import MINIMAL, copy_minimal

runner = CliRunner()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_rupiah_is_indonesian_in_every_language(lang: str) -> None:
    with i18n.use_language(lang):
        assert rupiah(1_400_000_000) == "Rp 1.400.000.000"
        assert rupiah(Decimal("250000000")) == "Rp 250.000.000"
        assert rupiah(0) == "Rp 0"
        assert rupiah(None) == "-"
        assert rupiah_short(1_250_000_000) == "Rp 1,25 M"
        assert rupiah_short(3_000_000) == "Rp 3 jt"
        assert rupiah_short(2 * 10**12) == "Rp 2 T"
        assert rupiah_short(500_000) == "Rp 500.000"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (12_045_000_000, "Rp 12,05 M"),  # half up, as the table beside the chart reads
        (12_044_999_999, "Rp 12,04 M"),
        (1_995_000_000, "Rp 2 M"),
        (5_300_000_000, "Rp 5,3 M"),
        (1_005_000, "Rp 1,01 jt"),
    ],
)
def test_short_rupiah_rounds_half_up_exactly(value: int, label: str) -> None:
    assert rupiah_short(value) == label


def test_short_rupiah_labels_of_one_chart_share_their_decimals_per_unit() -> None:
    # The Master Plan's chart of budgets per dimension read "Rp 5,3 M" above "Rp 4,07 M".
    values = [5_300_000_000, 10_500_000_000, 4_065_000_000, 975_000_000, 1_500_000, None, 500]
    assert rupiah_short_labels(values) == [
        "Rp 5,30 M",
        "Rp 10,50 M",
        "Rp 4,07 M",
        "Rp 975,0 jt",  # another unit: its own decimals, shared with 1,5 jt
        "Rp 1,5 jt",
        None,
        "Rp 500",
    ]
    assert rupiah_short_labels([2_000_000_000, 3_000_000_000]) == ["Rp 2 M", "Rp 3 M"]
    assert rupiah_short(1_250_000_000, 0) == "Rp 1 M"
    assert rupiah_short(1_250_000_000, 1) == "Rp 1,3 M"  # fewer decimals round half up
    assert rupiah_short(5_300_000_000, 2) == "Rp 5,30 M"


def test_numbers_follow_the_language() -> None:
    assert number(1250, "id") == "1.250"
    assert number(1250, "en") == "1,250"
    assert number(Decimal("75.50"), "id") == "75,5"
    assert number(Decimal("75.50"), "en") == "75.5"
    assert number(Decimal("-1250.25"), "id") == "-1.250,25"
    assert number(Decimal("1E+3"), "en") == "1,000"
    assert number(None) == "–"
    with i18n.use_language("id"):
        assert number(Decimal("0.5")) == "0,5"
    with i18n.use_language("en"):
        assert number(Decimal("0.5")) == "0.5"
        # A document number is Indonesian whatever the operator's language.
        assert angka(Decimal("1250.5")) == "1.250,5"
        assert angka(None) == "-"


def test_percentages() -> None:
    assert percent(Decimal("0.755"), lang="id") == "75,5%"
    assert percent(Decimal("0.755"), lang="en") == "75.5%"
    assert percent(Decimal("0.5125"), lang="en") == "51.2%"  # half-even
    assert percent(Decimal("9.991"), lang="en") == ">999%"
    assert percent(None) == "–"
    assert persen(3, 4) == "75%"
    assert persen(1, 8) == "12%"  # 12.5 -> 12, half-even
    assert persen(1, 0) == "-"


def test_dates_are_indonesian_in_documents() -> None:
    with i18n.use_language("en"):
        assert tanggal(date(2025, 3, 12)) == "12 Maret 2025"
        assert tanggal(date(2025, 3, 12), "en") == "12 March 2025"
        assert tanggal(None) == ""
    assert [month_name(m, "id") for m in (1, 5, 8, 12)] == ["Januari", "Mei", "Agustus", "Desember"]
    assert month_name(5, "en") == "May"


def test_finding_line_is_the_one_shape() -> None:
    assert finding_line("a.yaml:1:2", "error", "SPBE101", "x") == "a.yaml:1:2: error[SPBE101]: x"
    assert finding_line("a\n.yaml:1:2", "error", "SPBE101", "x\x1b") == (
        "a\\n.yaml:1:2: error[SPBE101]: x\\x1b"
    )


def test_diff_progress_and_render_print_the_same_rupiah(tmp_path: Path) -> None:
    """Rp 250.000.000 in the diff's budget note, the progress table and the rendered document."""
    new = copy_minimal(tmp_path / "new")
    living = new / "program" / "living.yaml"
    living.write_text(
        living.read_text("utf-8").replace("nilai: 250000000", "nilai: 100000000"), "utf-8"
    )
    expected = "Rp 250.000.000"
    diff = runner.invoke(app, ["--lang", "en", "diff", str(MINIMAL), str(new)])
    assert diff.exit_code == 0, diff.output
    assert f"{expected} → Rp 100.000.000" in diff.stdout
    progress = runner.invoke(
        app,
        ["--lang", "en", "progress", str(MINIMAL), "--tahun", "2025", "--tanggal", "2025-10-15"],
    )
    assert progress.exit_code == 0, progress.output
    living_row = next(line for line in progress.stdout.splitlines() if line.startswith("living"))
    assert expected in living_row
    out = tmp_path / "build"
    render = runner.invoke(
        app, ["--lang", "en", "render", str(MINIMAL), "-o", str(out), "--doc", "masterplan"]
    )
    assert render.exit_code == 0, render.output
    documents = "".join(p.read_text("utf-8") for p in sorted(out.rglob("*.md")))
    assert expected in documents
    assert "Rp 250,000,000" not in diff.stdout + progress.stdout + documents


def test_number_with_fixed_places_is_the_index_format() -> None:
    """An index shows two decimals also when whole, in the marks of the language."""
    from decimal import Decimal

    from spbe_cli.formatting import number

    assert number(Decimal("3"), "id", places=2) == "3,00"
    assert number(Decimal("2.25"), "en", places=2) == "2.25"
    assert number(Decimal("1234.5"), "id", places=2) == "1.234,50"
    assert number(Decimal("7"), "id", places=0) == "7"
    assert number(None, "id", places=2) == "–"


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (0, "nol", "zero"),
        (11, "sebelas", "eleven"),
        (19, "sembilan belas", "nineteen"),
        (21, "dua puluh satu", "twenty-one"),
        (100, "seratus", "one hundred"),
        (115, "seratus lima belas", "one hundred fifteen"),
        (1000, "seribu", "one thousand"),
        (1500, "seribu lima ratus", "one thousand five hundred"),
        (12500, "dua belas ribu lima ratus", "twelve thousand five hundred"),
        (
            999999,
            "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan",
            "nine hundred ninety-nine thousand nine hundred ninety-nine",
        ),
        (1_500_000, "satu juta lima ratus ribu", "one million five hundred thousand"),
        (-2000, "minus dua ribu", "minus two thousand"),
    ],
)
def test_number_words(value: int, indonesian: str, english: str) -> None:
    from spbe_cli.formatting import number_words

    assert number_words(value, "id") == indonesian
    assert number_words(value, "en") == english


def test_a_regional_regulation_is_cited_with_its_region() -> None:
    """Every citation of a Perbup names the region, in full or short (one home: citation)."""
    from types import SimpleNamespace

    from spbe_cli.formatting import citation, full_citation, region

    perbup = SimpleNamespace(
        jenis="Perbup", penerbit=None, tingkat="daerah", nomor="5", tahun=2021,
        judul="Portal Resmi Daerah", status="dicabut",
    )  # fmt: skip
    assert region("Kabupaten Mimika") == "Mimika"
    assert region("Kota Jayapura") == "Jayapura"
    assert region("Mimika") == "Mimika"
    assert citation(perbup, "Kabupaten Mimika") == "Peraturan Bupati Mimika Nomor 5 Tahun 2021"
    assert full_citation(perbup, "Kabupaten Mimika") == (
        "Peraturan Bupati Mimika Nomor 5 Tahun 2021 tentang Portal Resmi Daerah"
    )
