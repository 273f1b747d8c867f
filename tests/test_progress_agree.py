"""One figure, one home: progress, list and sync agree on what a program's status is."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from tests.helpers import CASES

runner = CliRunner()
KNOWN = CASES / "progress" / "known" / "catalog"
OVERLAPS = CASES / "progress" / "overlaps" / "catalog"


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_status_is_the_status_progress_counts() -> None:
    """A program reported `berjalan` is listed as berjalan, not as the `usulan` it was planned.

    With a report date after every entry, the programs per status of `spbe list` and of
    `spbe progress` are the same counts.
    """
    progress = _json("progress", str(KNOWN), "--tahun", "2026", "--tanggal", "2030-12-31")
    listed = _json("list", "program", "-c", str(KNOWN), "--tahun", "2026")
    by_list = {e["id"]: e["status"] for e in listed["entitas"]}
    by_progress = {p["id"]: p["status"] for p in progress["program"]}
    assert by_progress, "the known catalog plans programs in 2026"
    assert {i: by_list[i] for i in by_progress} == by_progress
    planned = Counter(by_progress.values())
    for status, n in planned.items():
        rows = _json("list", "program", "-c", str(KNOWN), "--tahun", "2026", "--status", status)
        active = [e for e in rows["entitas"] if e["id"] in by_progress]
        assert len(active) == n, status


def test_list_status_filter_reads_the_latest_entry() -> None:
    """SC-SOC-01 is `usulan` in its file and cancelled by its latest entry (2026-05-01)."""
    cancelled = _json("list", "program", "-c", str(KNOWN), "--status", "dibatalkan")
    assert [e["id"] for e in cancelled["entitas"]] == ["SC-ENV-01", "SC-SOC-01"]
    proposed = _json("list", "program", "-c", str(KNOWN), "--status", "usulan")
    assert "SC-SOC-01" not in [e["id"] for e in proposed["entitas"]]


def test_sync_leaves_out_a_program_cancelled_by_its_latest_entry(tmp_path: Path) -> None:
    """Cancelled in a progress entry is cancelled for sync too (as for progress): no pair."""
    catalog = shutil.copytree(OVERLAPS, tmp_path / "catalog")
    checked = runner.invoke(app, ["validate", str(catalog)]).stdout.splitlines()[-1]
    before = _json("sync", str(catalog))
    pairs = {(p["pertama"]["id"], p["kedua"]["id"]) for p in before["pasangan"]}
    assert ("PRG-A2", "PRG-B2") in pairs
    program = catalog / "program.yaml"
    text = program.read_text(encoding="utf-8")
    head, sep, tail = text.partition("id: PRG-B2\n")
    doc_end = tail.find("\n---")
    doc_end = len(tail) if doc_end < 0 else doc_end
    entry = "\nprogres:\n  - {tahun: 2026, tanggal: 2026-03-01, status: dibatalkan}"
    program.write_text(head + sep + tail[:doc_end].rstrip("\n") + entry + tail[doc_end:], "utf-8")
    # The entry is well formed: the same findings as before it (not a new error hiding the pair).
    assert runner.invoke(app, ["validate", str(catalog)]).stdout.splitlines()[-1] == checked
    after = _json("sync", str(catalog))
    pairs = {(p["pertama"]["id"], p["kedua"]["id"]) for p in after["pasangan"]}
    assert ("PRG-A2", "PRG-B2") not in pairs
    assert len(after["pasangan"]) == len(before["pasangan"]) - 1


@pytest.mark.parametrize(("lang", "expected"), [("id", "1 Maret 2026"), ("en", "1 March 2026")])
def test_attention_reasons_write_dates_in_the_message_language(lang: str, expected: str) -> None:
    """The stalled reasons say "1 Maret 2026" like the rest of the report, never 2026-03-01."""
    args = ["--lang", lang, "progress", str(KNOWN), "--tahun", "2026", "--tanggal", "2026-10-15"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    reasons = [a["alasan"] for a in json.loads(result.stdout)["perhatian"]["mangkrak"]]
    assert any(expected in r for r in reasons), reasons
    assert not any("2026-03-01" in r or "2025-12-20" in r for r in reasons), reasons


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [
        ["progress", str(KNOWN), "--tanggal", "2026-10-15"],
        ["progress", str(KNOWN), "--tanggal", "2026-10-15", "--format", "html"],
        ["list", "program", "-c", str(KNOWN)],
        ["show", "SC-SOC-01", "-c", str(KNOWN)],
        ["graph", "-c", str(KNOWN), "--format", "dot"],
        ["sync", str(OVERLAPS), "--format", "json"],
        ["indeks", str(KNOWN), "-k", "spbe-59-2020"],
        # written by typer itself, not console.out: they were "internal error, a bug in spbe"
        ["--version"],
        ["--help"],
        ["export", "archimate", "--help"],
    ],
)
def test_an_output_that_cannot_be_written_is_said_not_called_a_bug(args: list[str]) -> None:
    """`> /dev/full` (a full disk): one line naming the reason, exit 3, no 'internal error'."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SPBE_LANG": "id"}
    env.pop("SPBE_DEBUG", None)
    with FULL.open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "spbe_cli", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
            timeout=120,
        )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 3, stderr
    assert stderr == (
        "spbe: keluaran tidak dapat ditulis: ruang disk habis; "
        "keluaran yang sudah tertulis tidak lengkap\n"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-02-29", "'2026-02-29' is not a date of the calendar"),  # 2026 is no leap year
        ("2026-04-31", "'2026-04-31' is not a date of the calendar"),
        ("2026-13-01", "'2026-13-01' is not a date of the calendar"),
        ("2026-W01-1", "the date must be YYYY-MM-DD, not '2026-W01-1'"),  # an ISO week date
        ("20260101", "the date must be YYYY-MM-DD, not '20260101'"),
        ("2026-1-5", "the date must be YYYY-MM-DD, not '2026-1-5'"),
    ],
)
def test_tanggal_that_is_no_date_is_a_usage_error_saying_why(value: str, reason: str) -> None:
    result = runner.invoke(app, ["progress", str(KNOWN), "--tanggal", value])
    assert result.exit_code == 2
    assert f"Invalid value for '--tanggal': {reason}" in result.stderr
    assert result.stdout == ""


def test_leap_day_is_a_report_date() -> None:
    data = _json("progress", str(KNOWN), "--tanggal", "2028-02-29")
    assert (data["tahun"], data["tanggal"]) == (2028, "2028-02-29")
    result = runner.invoke(app, ["--lang", "id", "progress", str(KNOWN), "--tanggal", "2028-02-29"])
    assert "Per tanggal 29 Februari 2028;" in result.stdout


def test_counts_are_grouped_in_the_message_language() -> None:
    """A national catalog's 1,234 programs read 1.234 in Indonesian, like every other number."""
    from datetime import date

    from spbe_cli import i18n
    from spbe_cli.progress import GroupSummary, Options, ProgressReport
    from spbe_cli.progress_format import format_text

    big = GroupSummary("X", "X", 1234, 1001, 1000, None, 0, 0, 0, None)
    report = ProgressReport(Options(2026, date(2026, 10, 15)), "P", [], [big], [big], big)
    for lang, shown in (("id", "1.234"), ("en", "1,234")):
        with i18n.use_language(lang):
            lines = format_text(report)
        row = next(line for line in lines if line.startswith("X "))
        assert row.split()[1:4] == [shown, shown[0] + shown[1] + "001", shown[0] + shown[1] + "000"]


@pytest.mark.parametrize("tahun", ["2024", "2030"])
def test_a_year_outside_the_master_plan_says_so(tahun: str) -> None:
    """An empty report for --tahun 2030 says why: the master plan runs 2025-2029 (metadata)."""
    args = ["progress", str(KNOWN), "--tahun", tahun, "--tanggal", "2026-10-15"]
    for fmt in ("text", "markdown", "html"):
        result = runner.invoke(app, [*args, "--format", fmt])
        assert result.exit_code == 0, result.output
        assert f"{tahun} lies outside the master plan period 2025–2029." in result.stdout, fmt
    inside = runner.invoke(app, [*args[:3], "--tahun", "2026", "--tanggal", "2026-10-15"])
    assert "outside the master plan" not in inside.stdout


def test_list_filters_that_combine_to_nothing_say_so_on_stderr() -> None:
    """Each filter is known (no usage error), together they match nothing: a note, exit 0."""
    args = ["list", "program", "-c", str(KNOWN), "--opd", "DISKOMINFO", "--dimensi", "economy"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stderr == "spbe: note: no entity of kind program matches every filter.\n"
    assert result.stdout.splitlines()[0].split()[:2] == ["ID", "Name"]  # the table's head only
    assert len(result.stdout.splitlines()) == 2
    data = _json(*args)
    assert data["jumlah"] == 0 and data["entitas"] == []
    empty = runner.invoke(app, ["list", "evaluasi_mandiri", "-c", str(KNOWN)])
    assert empty.exit_code == 0
    assert empty.stderr == "spbe: note: the catalog has no entity of kind evaluasi_mandiri.\n"
    assert runner.invoke(app, ["list", "program", "-c", str(KNOWN)]).stderr == ""


def test_a_year_not_begun_has_nothing_stalled() -> None:
    """The 2027 plan seen on 15 October 2026: no entry can exist yet, so nothing is mangkrak."""
    ahead = _json("progress", str(KNOWN), "--tahun", "2027", "--tanggal", "2026-10-15")
    assert ahead["program"], "the known catalog plans programs in 2027"
    assert ahead["perhatian"]["mangkrak"] == []
    begun = _json("progress", str(KNOWN), "--tahun", "2027", "--tanggal", "2027-10-15")
    assert begun["perhatian"]["mangkrak"]


@pytest.mark.parametrize(
    "command",
    [
        ["progress", str(KNOWN)],
        ["list", "program", "-c", str(KNOWN)],
    ],
)
def test_an_unknown_dimensi_is_a_usage_error_with_the_closest(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--dimensi", "goverment"])
    assert result.exit_code == 2
    assert result.stderr == (
        "spbe: unknown dimension 'goverment'; one of: governance, branding, economy, living, "
        "society, environment; did you mean governance?\n"
    )
    assert result.stdout == ""


def test_sync_markdown_without_pairs_has_no_empty_table() -> None:
    result = runner.invoke(app, ["sync", str(KNOWN), "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout == "# Possible overlaps across OPDs\n\n0 look-alike pairs across OPDs.\n\n"


def test_entries_dated_after_today_are_named_when_the_date_is_today(tmp_path: Path) -> None:
    """2062-03-01 typed for 2026-03-01: without --tanggal the uncounted entry is named."""
    catalog = shutil.copytree(KNOWN, tmp_path / "catalog")
    program = catalog / "program" / "governance.yaml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("tanggal: 2026-03-01", "tanggal: 2062-03-01"), "utf-8")
    line = next(
        n for n, t in enumerate(program.read_text("utf-8").splitlines(), 1) if "2062-03-01" in t
    )
    result = runner.invoke(app, ["progress", str(catalog)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("spbe: note: 1 progress entry dated after today (")
    assert lines[0].endswith(") not counted; check the dates, or use --tanggal:")
    assert lines[1] == f"  {program.as_posix()}:{line}:14: SC-GOV-02 (1 March 2062)"
    # a date asked for: what comes after it is left out on purpose, nothing to say
    asked = runner.invoke(app, ["progress", str(catalog), "--tanggal", "2026-10-15"])
    assert asked.exit_code == 0 and asked.stderr == ""


def test_list_show_and_progress_cite_a_regulation_the_same_way() -> None:
    """One home for a regulation's name: formatting.citation (`lainnya 1/2024` was a list label)."""
    listed = {e["id"]: e["nama"] for e in _json("list", "regulasi", "-c", str(KNOWN))["entitas"]}
    progress = _json("progress", str(KNOWN), "--tahun", "2026", "--tanggal", "2026-10-15")
    reasons = " ".join(a["alasan"] for a in progress["perhatian"]["tanpa_regulasi"])
    assert listed["PERBUP-DATA"] in reasons
    assert listed["PERBUP-SC"].startswith("Peraturan Bupati ")
    assert " Nomor 1 Tahun 2024 tentang " in listed["PERBUP-SC"]
    shown = _json("show", "PERBUP-SC", "-c", str(KNOWN))
    assert shown["nama"] == listed["PERBUP-SC"]


@pytest.mark.parametrize(
    "command", [["list", "program", "-c"], ["progress"], ["indeks", "-k", "spbe-59-2020"]]
)
@pytest.mark.parametrize("tahun", ["1900", "3000"])
def test_tahun_outside_1945_2100_is_the_same_usage_error_everywhere(
    command: list[str], tahun: str
) -> None:
    result = runner.invoke(app, [*command, str(KNOWN), "--tahun", tahun])
    assert result.exit_code == 2
    assert "Invalid value for '--tahun'" in result.stderr


def test_show_tells_the_current_status_when_an_entry_changed_it() -> None:
    """`spbe show` prints the file; the status list and progress show is named beside it."""
    result = runner.invoke(app, ["show", "SC-SOC-01", "-c", str(KNOWN)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2] == (
        "  current status by the latest progress entry: dibatalkan "
        "(the status field in the file is unchanged)"
    )
    assert "status: usulan" in result.stdout
    assert _json("show", "SC-SOC-01", "-c", str(KNOWN))["status_terkini"] == "dibatalkan"
    assert _json("show", "SC-ENV-01", "-c", str(KNOWN))["status_terkini"] is None
    plain = runner.invoke(app, ["show", "SC-ENV-01", "-c", str(KNOWN)]).stdout.splitlines()
    assert plain[2] == ""


def test_spbe610_compares_the_programs_sync_compares() -> None:
    """validate's duplicate check and spbe sync leave out the same cancelled programs."""
    from spbe_cli.checks.duplicates import compared_items
    from spbe_cli.loader import load_catalog
    from spbe_cli.sync import candidates

    catalog, _ = load_catalog(KNOWN, "catalog")
    checked = {item.key for item in compared_items(catalog, "program", frozenset())}
    synced = {c.id for c in candidates(catalog, "program", frozenset())}
    assert checked == synced
    assert "SC-SOC-01" not in checked and "SC-ENV-01" not in checked
