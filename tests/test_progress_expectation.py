""" "Di bawah target" is judged for the report date, not for the quarter of the last entry.

A program whose latest entry of the year reports TW1, judged on 30 September, is held to the
expectation of 30 September (three quarters over: 75%) and its reason says the report is late;
``spbe progress`` (every format) and the laporan document say the same. Fixed dates only.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.models import Progres
from spbe_cli.progress import expectation, quarters_over
from tests.helpers import CASES, edit
from tests.test_progress_laporan import render_laporan

runner = CliRunner()
KNOWN = CASES / "progress" / "known" / "catalog"


@pytest.mark.parametrize(
    ("day", "over"),
    [
        (date(2025, 12, 31), 0),  # the year has not begun
        (date(2026, 1, 1), 0),
        (date(2026, 3, 30), 0),
        (date(2026, 3, 31), 1),  # a quarter is over on its last day
        (date(2026, 8, 15), 2),
        (date(2026, 9, 29), 2),
        (date(2026, 9, 30), 3),
        (date(2026, 12, 30), 3),
        (date(2026, 12, 31), 4),
        (date(2027, 1, 10), 4),  # the year is over
    ],
)
def test_quarters_over(day: date, over: int) -> None:
    assert quarters_over(2026, day) == over


def _entry(triwulan: int | None, tanggal: date) -> Progres:
    return Progres(tahun=2026, triwulan=triwulan, tanggal=tanggal, status="berjalan")


def test_the_expectation_is_the_report_dates_unless_the_entry_reports_later() -> None:
    q1 = _entry(1, date(2026, 3, 20))
    late = expectation(q1, 2026, date(2026, 9, 30))
    assert (late.triwulan, late.dilaporkan, late.harapan, late.terlambat) == (3, 1, 0.75, True)
    # reported early, before the quarter is over: held to its own quarter, not late
    early = expectation(q1, 2026, date(2026, 3, 25))
    assert (early.triwulan, early.harapan, early.terlambat) == (1, 0.25, False)
    # a year-end entry is held to 100% whatever the day, and is never late
    yearly = expectation(_entry(None, date(2026, 6, 1)), 2026, date(2026, 6, 1))
    assert (yearly.triwulan, yearly.harapan, yearly.terlambat) == (4, 1, False)
    # the year over: a Q3 entry is held to 100% and is late
    over = expectation(_entry(3, date(2026, 9, 30)), 2026, date(2027, 1, 10))
    assert (over.triwulan, over.harapan, over.terlambat) == (4, 1, True)


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    """The known catalog with SC-GOV-01 reporting TW1 (31 March) and TW3 only on 20 October."""
    catalog = shutil.copytree(KNOWN, tmp_path / "catalog")
    program = catalog / "program" / "governance.yaml"
    edit(program, "tanggal: 2026-09-30", "tanggal: 2026-10-20")
    edit(program, "triwulan: 2\n    tanggal: 2026-06-30", "triwulan: 1\n    tanggal: 2026-03-31")
    checked = runner.invoke(app, ["validate", str(catalog)])
    assert "SC-GOV-01" not in checked.stdout, checked.stdout  # a well-formed catalog
    return catalog


def _progress(catalog: Path, day: str, lang: str = "en") -> dict:
    args = ["--lang", lang, "progress", str(catalog), "--tahun", "2026", "--tanggal", day]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _gov1(data: dict) -> tuple[dict, list[dict]]:
    program = next(p for p in data["program"] if p["id"] == "SC-GOV-01")
    behind = [a for a in data["perhatian"]["tertinggal"] if a["id"] == "SC-GOV-01"]
    return program, behind


def test_a_q1_entry_judged_on_30_september_is_late_and_below_75(stale: Path) -> None:
    program, behind = _gov1(_progress(stale, "2026-09-30"))
    assert program["entri"]["triwulan"] == 1
    assert program["harapan"] == {
        "triwulan": 3,
        "persen": 75.0,
        "triwulan_dilaporkan": 1,
        "terlambat": True,
    }
    # 20/40 = 50% and 5/8 = 62.5%: both were on track for TW1 (25%), both are behind now
    assert [(a["alasan_kode"], a["alasan"]) for a in behind] == [
        (
            "behind_late",
            "report late: the last entry is for Q1 although Q3 has ended; "
            "achievement below the expected 75.0%: Layanan daring 50.0%; Waktu layanan 62.5%",
        )
    ]
    assert (behind[0]["path"], behind[0]["line"], behind[0]["column"]) == (
        str(stale / "program" / "governance.yaml"),
        3,
        5,
    )


def test_a_day_earlier_two_quarters_are_over_and_the_program_is_on_track(stale: Path) -> None:
    program, behind = _gov1(_progress(stale, "2026-09-29"))
    assert program["harapan"]["persen"] == 50.0 and program["harapan"]["terlambat"] is True
    assert behind == []  # 50% and 62.5% reach the expected 50%


def test_the_entry_of_the_quarter_is_not_late(stale: Path) -> None:
    program, behind = _gov1(_progress(stale, "2026-03-31"))
    assert program["harapan"] == {
        "triwulan": 1,
        "persen": 25.0,
        "triwulan_dilaporkan": 1,
        "terlambat": False,
    }
    assert behind == []
    program, behind = _gov1(_progress(stale, "2026-10-20"))  # the TW3 entry: 75% and 83.3%
    assert program["harapan"]["terlambat"] is False and behind == []


def test_the_year_over_holds_a_q3_entry_to_100_percent(stale: Path) -> None:
    program, behind = _gov1(_progress(stale, "2027-01-10"))
    assert program["entri"]["triwulan"] == 3
    assert program["harapan"]["persen"] == 100.0
    assert [a["alasan_kode"] for a in behind] == ["behind_late"]
    assert "Q3 although Q4 has ended" in behind[0]["alasan"]


def test_every_format_and_the_laporan_say_the_same(stale: Path, tmp_path: Path) -> None:
    _, behind = _gov1(_progress(stale, "2026-09-30", lang="id"))
    reason = behind[0]["alasan"]
    assert reason.startswith("laporan terlambat: catatan terakhir untuk triwulan I, padahal")
    assert "di bawah harapan 75,0%" in reason
    args = ["--lang", "id", "progress", str(stale), "--tahun", "2026", "--tanggal", "2026-09-30"]
    for fmt in ("text", "markdown", "html"):
        shown = runner.invoke(app, [*args, "--format", fmt]).stdout
        assert reason in shown, fmt
    out = tmp_path / "out"
    render_laporan(stale, out, ["md"], tahun=2026, tanggal=date(2026, 9, 30))
    laporan = (out / "laporan.md").read_text(encoding="utf-8")
    # The document names a perangkat daerah by its short name (its Daftar Singkatan expands it).
    assert f"- Layanan Publik Daring (Diskominfo): {reason}" in laporan
