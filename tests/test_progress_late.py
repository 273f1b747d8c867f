"""The one-line answer "what is late and who owns it", at the top of every format and the laporan.

Late: stalled, below target or past the end year, each program once, counted per owning OPD by
its readers' name; the same numbers in ``spbe progress`` (text, Markdown, HTML, JSON) and in the
laporan's summary.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import progress
from spbe_cli.cli.app import app
from tests.helpers import CASES
from tests.test_progress_laporan import render_laporan

runner = CliRunner()
KNOWN = CASES / "progress" / "known" / "catalog"
ARGS = ["progress", str(KNOWN), "--tahun", "2026", "--tanggal", "2026-10-15"]


def _run(*extra: str) -> str:
    result = runner.invoke(app, [*ARGS, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_names_the_owners_and_their_late_programs() -> None:
    data = json.loads(_run("--format", "json"))
    assert data["terlambat"] == [
        {"opd": "DINKES", "nama": "Dinkes", "program": ["SC-LIV-01"]},
        {"opd": "DISKOMINFO", "nama": "Diskominfo", "program": ["SC-GOV-02"]},
        {"opd": "DISPAR", "nama": "Dispar", "program": ["SC-ECO-01"]},
    ]
    late = {
        a["id"] for c in ("mangkrak", "tertinggal", "lewat_tahun") for a in data["perhatian"][c]
    }
    assert late == {"SC-LIV-01", "SC-GOV-02", "SC-ECO-01"}  # SC-GOV-02 twice, counted once


def test_the_line_is_above_the_tables_in_every_format() -> None:
    line = (
        "Terlambat: 3 program (mangkrak, di bawah target atau melewati tahun selesai), milik "
        "Dinkes 1, Diskominfo 1, Dispar 1."
    )
    text = _run("--lang", "id").splitlines()
    assert text[2] == line
    markdown = _run("--lang", "id", "--format", "markdown").splitlines()
    assert markdown[4] == f"**{line}**"
    page = _run("--lang", "id", "--format", "html")
    assert f"<p><b>{line}</b></p>" in page
    assert page.index(line) < page.index("<table")


def test_nothing_late_says_so() -> None:
    text = _run("--lang", "id", "--dimensi", "branding").splitlines()
    assert text[2] == (
        "Terlambat: tidak ada program yang mangkrak, di bawah target atau melewati tahun selesai."
    )


def test_owners_beyond_the_limit_are_counted_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "LATE_OWNERS_SHOWN", 1)
    text = _run("--lang", "id").splitlines()
    assert text[2] == (
        "Terlambat: 3 program (mangkrak, di bawah target atau melewati tahun selesai), milik "
        "Dinkes 1, dan 2 perangkat daerah lain (2 program)."
    )


def test_the_laporan_opens_with_the_same_answer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_laporan(KNOWN, out, ["md"], tahun=2026, tanggal=date(2026, 10, 15))
    md = (out / "laporan.md").read_text(encoding="utf-8")
    summary = md.split("## 1. RINGKASAN\n\n", 1)[1].split("\n", 1)[0]
    assert summary == (
        "**Yang terlambat: 3 program**, yaitu yang mangkrak, di bawah target atau melewati "
        "tahun selesainya, milik Dinkes (1), Diskominfo (1), Dispar (1); rinciannya di Bagian 5."
    )
    # Section 5 lists the programs in the order of their names, which readers see.
    stalled = md.split("### 5.1 Mangkrak\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    names = [line[2:].split(" (", 1)[0] for line in stalled]
    assert names == sorted(names, key=str.casefold) and len(names) == 2
