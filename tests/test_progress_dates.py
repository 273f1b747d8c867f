"""The report date of `spbe progress` without --tanggal: stated, and the same on every machine."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import progress
from spbe_cli.cli.app import app
from tests.helpers import CASES

runner = CliRunner()
KNOWN = CASES / "progress" / "known" / "catalog"
#: 16:30 UTC on New Year's Eve: 23:30 WIB, but already 01:30 on 1 January 2027 WIT.
NEW_YEAR_EVE = datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(progress, "_utc_now", lambda: NEW_YEAR_EVE)
    yield


@pytest.fixture
def machine_zone(request: pytest.FixtureRequest) -> Iterator[None]:
    """The machine's own time zone (TZ), which must not change the report."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def _catalog(tmp_path: Path, zona: str | None) -> Path:
    root = Path(shutil.copytree(KNOWN, tmp_path / "catalog"))
    if zona is not None:
        meta = root / "metadata.yaml"
        text = meta.read_text("utf-8").replace(
            '    kode_kemendagri: "94"\n', f'    kode_kemendagri: "94"\n  zona_waktu: {zona}\n', 1
        )
        meta.write_text(text, "utf-8")
    return root


def _run(*args: str) -> dict:
    result = runner.invoke(app, ["progress", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    "machine_zone", ["UTC", "Asia/Jayapura", "America/Los_Angeles"], indirect=True
)
@pytest.mark.usefixtures("machine_zone")
@pytest.mark.parametrize(
    ("zona", "tanggal", "tahun"),
    [("WIT", "2027-01-01", 2027), ("WIB", "2026-12-31", 2026), (None, "2026-12-31", 2026)],
)
def test_today_is_the_pemdas_date_whatever_the_machine_zone(
    tmp_path: Path, zona: str | None, tanggal: str, tahun: int
) -> None:
    data = _run(str(_catalog(tmp_path, zona)))
    assert (data["tanggal"], data["tahun"]) == (tanggal, tahun)
    assert (data["tanggal_asal"], data["zona_waktu"]) == ("hari_ini", zona)


@pytest.mark.usefixtures("clock")
def test_the_subtitle_says_which_date_and_why(tmp_path: Path) -> None:
    root = str(_catalog(tmp_path, "WIT"))
    result = runner.invoke(app, ["progress", root, "--lang", "id"])
    assert result.stdout.splitlines()[1].startswith("Per tanggal 1 Januari 2027 (hari ini, WIT); ")
    plain = runner.invoke(app, ["progress", str(KNOWN)])
    assert plain.stdout.splitlines()[1].startswith("As of 31 December 2026 (today, UTC); ")
    past = runner.invoke(
        app, ["progress", root, "--tahun", "2025", "-f", "markdown", "--lang", "id"]
    )
    assert "Per tanggal 31 Desember 2025 (akhir tahun laporan); " in past.stdout
    asked = runner.invoke(app, ["progress", root, "--tanggal", "2026-10-15"])
    assert asked.stdout.splitlines()[1].startswith("As of 15 October 2026; ")


@pytest.mark.usefixtures("clock")
def test_a_past_year_is_reported_at_its_last_day_on_any_day(tmp_path: Path) -> None:
    """`--tahun 2025` gives the same report in 2026 and in 2030: nothing of 2026 dates it."""
    root = str(_catalog(tmp_path, "WIT"))
    data = _run(root, "--tahun", "2025")
    assert (data["tanggal"], data["tanggal_asal"]) == ("2025-12-31", "akhir_tahun")
    assert data == _run(root, "--tahun", "2025", "--tanggal", "2025-12-31") | {
        "tanggal_asal": "akhir_tahun"
    }
    # updates of 2026 are after the report date: a 2025 report names none of them
    reasons = " ".join(a["alasan"] for a in data["perhatian"]["mangkrak"])
    assert "2026" not in reasons
    # and the stderr note on entries "after today" is for today's report only
    result = runner.invoke(app, ["progress", root, "--tahun", "2025"])
    assert result.stderr == ""


def test_zona_waktu_outside_the_three_zones_is_a_schema_error_at_its_line(tmp_path: Path) -> None:
    root = _catalog(tmp_path, "WITT")
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    line = next(
        n
        for n, text in enumerate((root / "metadata.yaml").read_text("utf-8").splitlines(), 1)
        if "zona_waktu" in text
    )
    assert f"metadata.yaml:{line}:15: error[SPBE101]: " in result.stdout
    assert "pemda.zona_waktu" in result.stdout and "WIB, WITA, WIT" in result.stdout


@pytest.mark.parametrize(("written", "number"), [('"80%"', "80"), ('"75,5 %"', "75.5")])
def test_a_percentage_written_with_its_sign_is_spbe101_with_the_number(
    tmp_path: Path, written: str, number: str
) -> None:
    """`Layanan daring: "80%"`: the % is the unit's, the value is a plain number."""
    root = _catalog(tmp_path, None)
    program = root / "program" / "governance.yaml"
    text = program.read_text("utf-8").replace(
        "realisasi: {Layanan daring: 30,", f"realisasi: {{Layanan daring: {written},", 1
    )
    program.write_text(text, "utf-8")
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if "error[SPBE101]" in line)
    assert lines[at].startswith(f"{program.as_posix()}:33:33: error[SPBE101]: ")
    assert lines[at + 1] == (
        f"  = hint: write the number alone, without '%': {number} "
        "(an indicator's unit goes in its satuan field)"
    )


def test_misdated_entries_are_told_in_words_with_the_other_entry(tmp_path: Path) -> None:
    """SPBE616-SPBE618 (codes and lines pinned in tests/cases/validate/invalid/progress-dates)."""
    from tests.helpers import VALIDATE_CASES, copy_minimal

    root = copy_minimal(tmp_path / "catalog")
    case = VALIDATE_CASES / "invalid" / "progress-dates" / "catalog"
    shutil.copytree(case, root, dirs_exist_ok=True)
    result = runner.invoke(app, ["validate", str(root)])
    out = result.stdout.replace(root.as_posix() + "/", "")
    assert (
        "program/tanggal.yaml:30:14: warning[SPBE616]: program SC-TANGGAL: the progress entry "
        "for quarter 3 of 2026 is dated 30 March 2026, before that period begins (1 July 2026)"
    ) in out
    assert (
        "program/tanggal.yaml:40:15: warning[SPBE617]: program SC-TANGGAL: the entry for "
        "quarter 2 of 2026 is dated 15 January 2027, after the entry for quarter 4 of 2026 "
        "(20 December 2026); the latest-dated entry is the one counted, so the year's progress "
        "is read from quarter 2 of 2026\n"
    ) in out
    assert "  = see program/tanggal.yaml:35:15: the entry for quarter 4 of 2026\n" in out
    assert (
        "peta-rencana/tata-kelola.yaml:9:9: warning[SPBE618]: item PR-TGL has status "
        "dibatalkan, but its latest progress entry (20 December 2062) reports berjalan; every "
        "command counts it cancelled\n  = hint: if it goes on, change its status field; "
    ) in out
    assert (
        "peta-rencana/tata-kelola.yaml:19:12: warning[SPBE607]: item PR-TGL: progress entry for "
        "2030 is outside the item's years (2025–2026); no report counts it\n"
    ) in out


@pytest.mark.parametrize(
    ("tanggal", "stalled"),
    [
        # 10 January: no program has its first report of the year yet; only the one silent
        # since December 2025 (more than six months) is stalled.
        ("2027-01-10", [("SC-LIV-01", "no_entry_since")]),
        # 2 July: the year began more than six months ago; nothing for 2027 is stalling now.
        (
            "2027-07-02",
            [
                ("SC-BRD-01", "no_entry_since"),
                ("SC-GOV-01", "no_entry_since"),
                ("SC-LIV-01", "no_entry_since"),
            ],
        ),
    ],
)
def test_early_in_the_year_a_missing_first_report_is_not_yet_stalled(
    tanggal: str, stalled: list[tuple[str, str]]
) -> None:
    data = _run(str(KNOWN), "--tanggal", tanggal)
    assert data["tahun"] == 2027
    found = [(a["id"], a["alasan_kode"]) for a in data["perhatian"]["mangkrak"]]
    assert found == stalled
