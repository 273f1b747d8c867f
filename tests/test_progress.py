"""``spbe progress``: every number of a catalog with known progress, formats, exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import i18n
from spbe_cli.cli.app import app
from spbe_cli.formatting import percent, rupiah
from spbe_cli.loader import load_catalog
from spbe_cli.progress import (
    CAP,
    Options,
    capaian,
    compute_progress,
    months_before,
)
from spbe_cli.progress_format import format_html, format_markdown, format_text
from tests.helpers import CASES, write_tree

runner = CliRunner()
KNOWN = CASES / "progress" / "known"
ARGS = ["progress", "catalog", "--tahun", "2026", "--tanggal", "2026-10-15"]


@pytest.fixture
def in_known(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the case folder so that paths in the output are short and stable."""
    monkeypatch.chdir(KNOWN)
    return KNOWN


def run_json(*extra: str) -> dict:
    result = runner.invoke(app, [*ARGS, "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- arithmetic -------------------------------------------------------------------------------


def test_capaian_directions_and_edges() -> None:
    assert capaian(Decimal(40), Decimal(30), "naik") == Decimal("0.75")
    assert capaian(Decimal(5), Decimal(8), "turun") == Decimal("0.625")
    assert capaian(Decimal(0), Decimal(0), "turun") == 1  # reached zero when zero was the target
    assert capaian(Decimal(0), Decimal(5), "naik") > CAP  # any realisasi over a zero target
    assert capaian(Decimal(10), Decimal(0), "turun") > CAP  # zero when the target allowed 10
    assert capaian(Decimal(-1), Decimal(5), "naik") is None
    assert capaian(None, Decimal(5), "naik") is None
    assert capaian(Decimal(5), None, "naik") is None


def test_percent_rounds_half_even_only_at_display() -> None:
    assert percent(Decimal("0.5125")) == "51.2%"  # half-even: 51.25 -> 51.2
    assert percent(Decimal("0.5135")) == "51.4%"  # 51.35 -> 51.4
    assert percent(Decimal("9.99")) == "999.0%"
    assert percent(Decimal("9.991")) == ">999%"
    assert percent(None) == "–"
    i18n.set_language("id")
    assert percent(Decimal("0.5125")) == "51,2%"
    assert rupiah(1250000000) == "Rp 1.250.000.000"
    i18n.set_language("en")
    # A currency amount of Indonesian documents: the same in every language.
    assert rupiah(1250000000) == "Rp 1.250.000.000"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 10, 15), 6, date(2026, 4, 15)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 2, 10), 3, date(2025, 11, 10)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


# -- the known catalog ------------------------------------------------------------------------


def test_text_output_is_the_golden_file(in_known: Path) -> None:
    result = runner.invoke(app, [*ARGS, "--since", "earlier"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (in_known / "expected-en.txt").read_text(encoding="utf-8")


def test_text_output_in_indonesian(in_known: Path) -> None:
    result = runner.invoke(app, ["--lang", "id", *ARGS, "--since", "earlier"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (in_known / "expected-id.txt").read_text(encoding="utf-8")


def test_every_number_per_opd_dimension_and_total(in_known: Path) -> None:
    data = run_json()
    assert data["schema"] == "spbe.progress/1"
    opd = {g["kode"]: g for g in data["per_opd"]}
    assert list(opd) == ["DINKES", "DISKOMINFO", "DISPAR"]
    assert opd["DISKOMINFO"] == {
        "kode": "DISKOMINFO",
        "nama": "Diskominfo",
        "program": 2,
        "ada_progres": 2,
        "selesai": 0,
        # mean(mean(30/40, 5/6), 41/80) = mean(0.791666.., 0.5125) = 0.652083..
        "capaian_persen": 65.21,
        "capaian_program": 2,
        "pagu": 1_700_000_000,
        "pagu_ilustratif": 0,
        "terserap": 800_000_000,
        "serapan_persen": 47.06,
    }
    assert opd["DINKES"] == {
        "kode": "DINKES",
        "nama": "Dinkes",
        "program": 2,
        "ada_progres": 1,
        "selesai": 1,
        "capaian_persen": 100.0,
        "capaian_program": 1,
        "pagu": 800_000_000,
        "pagu_ilustratif": 0,
        "terserap": 0,
        "serapan_persen": 0.0,
    }
    assert opd["DISPAR"]["capaian_persen"] == 100.0  # 150% capped at 100% in the mean
    assert opd["DISPAR"]["serapan_persen"] == 100.0
    dim = {g["kode"]: g for g in data["per_dimensi"]}
    assert list(dim) == ["governance", "branding", "living"]  # reference order
    assert dim["governance"]["capaian_persen"] == 76.81  # (0.791666.. + 0.5125 + 1) / 3
    assert dim["living"]["capaian_persen"] is None
    assert dim["living"]["serapan_persen"] == 0.0
    total = data["total"]
    assert (total["program"], total["ada_progres"], total["selesai"]) == (5, 4, 1)
    assert total["capaian_persen"] == 82.6  # 3.3041666.. / 4 = 0.826041..
    assert (total["pagu"], total["terserap"]) == (2_800_000_000, 1_100_000_000)
    assert total["serapan_persen"] == 39.29


def test_program_details_use_the_latest_entry_up_to_today(in_known: Path) -> None:
    programs = {p["id"]: p for p in run_json()["program"]}
    assert sorted(programs) == ["SC-BRD-01", "SC-GOV-01", "SC-GOV-02", "SC-GOV-03", "SC-LIV-01"]
    gov1 = programs["SC-GOV-01"]
    assert gov1["entri"]["triwulan"] == 3  # the Q3 entry, although Q2 comes later in the file
    assert [i["capaian_persen"] for i in gov1["indikator"]] == [75.0, 83.33]
    assert gov1["capaian_persen"] == 79.17
    assert gov1["serapan_persen"] == 58.33
    brd = programs["SC-BRD-01"]
    assert brd["entri"]["tanggal"] == "2026-10-10"  # the 2026-11-30 entry is after --tanggal
    assert brd["indikator"][0]["capaian_persen"] == 150.0
    assert brd["capaian_persen"] == 100.0
    gov3 = programs["SC-GOV-03"]
    assert [i["capaian_persen"] for i in gov3["indikator"]] == [100.0, 999.99]
    assert gov3["serapan_persen"] is None  # no budget line for 2026
    assert gov3["status"] == "selesai"
    assert programs["SC-LIV-01"]["entri"] is None


def test_attention_lists_with_reasons(in_known: Path) -> None:
    data = run_json("--since", "earlier")
    att = data["perhatian"]
    ids = {k: [(a["id"], a["alasan_kode"]) for a in v] for k, v in att.items()}
    assert ids == {
        "mangkrak": [("SC-GOV-02", "no_update"), ("SC-LIV-01", "no_entry_since")],
        "tertinggal": [("SC-GOV-02", "behind")],
        "lewat_tahun": [("SC-ECO-01", "past_end")],
        "dihentikan": [("SC-OLD-01", "gone"), ("SC-SOC-01", "cancelled_note")],
        "tanpa_regulasi": [
            ("SC-BRD-01", "regulation"),
            ("SC-ECO-01", "regulation"),
            ("SC-GOV-02", "regulation"),
        ],
        "digital_tanpa_spbe": [("SC-GOV-02", "digital_none"), ("SC-LIV-01", "digital_other")],
    }
    stalled = att["mangkrak"][0]
    assert stalled["alasan"] == "not updated since 1 March 2026, past the 6-month limit"
    assert (stalled["path"], stalled["line"]) == ("catalog/program/governance.yaml", 47)
    assert att["dihentikan"][0]["path"] == "earlier/program/program.yaml"
    assert att["tertinggal"][0]["alasan"] == (
        "achievement below the expected 100.0%: OPD terhubung 51.2%"
    )


def test_dropped_needs_since(in_known: Path) -> None:
    assert run_json()["perhatian"]["dihentikan"] is None


def test_stalled_months_option_and_metadata(in_known: Path) -> None:
    data = run_json("--bulan-mangkrak", "8")
    assert [a["id"] for a in data["perhatian"]["mangkrak"]] == ["SC-LIV-01"]
    assert data["bulan_mangkrak"] == 8
    data = run_json("--bulan-mangkrak", "1")  # cutoff 2026-09-15; SC-GOV-01 is from 09-30
    assert [a["id"] for a in data["perhatian"]["mangkrak"]] == ["SC-GOV-02", "SC-LIV-01"]
    data = run_json("--tanggal", "2026-11-01", "--bulan-mangkrak", "1")
    assert [a["id"] for a in data["perhatian"]["mangkrak"]] == [
        "SC-GOV-01",
        "SC-GOV-02",
        "SC-LIV-01",
    ]


def test_filters(in_known: Path) -> None:
    data = run_json("--opd", "DISKOMINFO")
    assert [p["id"] for p in data["program"]] == ["SC-GOV-01", "SC-GOV-02"]
    assert data["total"]["capaian_persen"] == 65.21
    assert [g["kode"] for g in data["per_opd"]] == ["DISKOMINFO"]
    data = run_json("--dimensi", "living")
    assert [p["id"] for p in data["program"]] == ["SC-LIV-01"]
    assert [a["id"] for a in data["perhatian"]["digital_tanpa_spbe"]] == ["SC-LIV-01"]


def test_year_defaults_to_the_year_of_tanggal(in_known: Path) -> None:
    result = runner.invoke(
        app, ["progress", "catalog", "--tanggal", "2025-12-31", "--format", "json"]
    )
    data = json.loads(result.stdout)
    assert data["tahun"] == 2025
    assert sorted(p["id"] for p in data["program"]) == ["SC-ECO-01", "SC-GOV-01", "SC-LIV-01"]


def test_fail_on_attention_and_usage_errors(in_known: Path) -> None:
    assert runner.invoke(app, [*ARGS, "--fail-on-attention"]).exit_code == 1
    result = runner.invoke(app, [*ARGS, "--opd", "DISKOMINF"])
    assert result.exit_code == 2
    assert "did you mean DISKOMINFO?" in result.stderr
    assert runner.invoke(app, [*ARGS, "--dimensi", "smart"]).exit_code == 2
    result = runner.invoke(app, ["progress", "catalog", "--tanggal", "15-10-2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_markdown_and_html(in_known: Path) -> None:
    catalog, _ = load_catalog(Path("catalog"), "catalog")
    report = compute_progress(catalog, Options(2026, date(2026, 10, 15)))
    md = format_markdown(report)
    # readers' names, not ids: the OPD, the program and its dimension
    assert "| Diskominfo | 2 | 2 | 0 | 65.2% | Rp 1.700.000.000 |" in md
    assert "| Integrasi Data OPD | Diskominfo | Smart Governance | berjalan |" in md
    assert "- **Integrasi Data OPD** (Diskominfo): not updated since 1 March 2026" in md
    assert "SC-GOV-02" not in md.replace("`catalog/program/governance.yaml", "")
    # the one-line answer "what is late and who owns it" above the tables
    late = "Late: 3 program(s) (stalled, behind target or past the end year), owned by Dinkes 1"
    assert md.split("\n")[4].startswith(f"**{late}")
    assert "## Needs attention (9)" in md
    page = format_html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.count("<svg") == 2  # per OPD and per dimension
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert "<script" not in page
    assert format_text(report) == format_text(report)  # deterministic


def test_html_escapes_catalog_text(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "c",
        {
            "metadata.yaml": (KNOWN / "catalog" / "metadata.yaml").read_text(encoding="utf-8"),
            "opd.yaml": "entitas: opd\nid: X\nnama: '<script>alert(1)</script>'\njenis: dinas\n",
            "p.yaml": (
                "entitas: program\nid: P1\nnama: '<b>x</b>'\ndimensi: governance\nelemen: service\n"
                "opd_pj: X\ntahun_mulai: 2026\ntahun_selesai: 2026\nhorizon: pendek\n"
                "indikator: [{nama: '<i>\"q\"</i>', satuan: '&', target: {2026: 1}}]\n"
            ),
        },
    )
    catalog, findings = load_catalog(root)
    assert not findings
    page = format_html(compute_progress(catalog, Options(2026, date(2026, 6, 1))))
    assert "<script>" not in page and "<b>x" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;i&gt;&quot;q&quot;&lt;/i&gt;" in page


def test_refuses_a_catalog_with_errors_unless_forced(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "c",
        {
            "metadata.yaml": (KNOWN / "catalog" / "metadata.yaml").read_text(encoding="utf-8"),
            "bad.yaml": "entitas: program\nid: P1\nnama: x\n",
        },
    )
    result = runner.invoke(app, ["progress", str(root), "--tanggal", "2026-01-01"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert re.search(r"bad\.yaml:1:1: error\[SPBE108\]", result.stderr)
    assert "--force" in result.stderr
    result = runner.invoke(app, ["progress", str(root), "--tanggal", "2026-01-01", "--force"])
    assert result.exit_code == 0
    assert "Programs planned for the year (0)" in result.stdout
    assert "--force" in result.stderr


def test_missing_folder_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["progress", str(tmp_path / "nope"), "--tanggal", "2026-01-01"])
    assert result.exit_code == 2
    assert "nope" in result.stderr


def test_since_a_git_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    repo = tmp_path / "repo"
    shutil.copytree(KNOWN / "earlier", repo / "catalog")
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "HOME": str(tmp_path),
        "PATH": os.environ["PATH"],
    }
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "one"], ["tag", "v1"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    shutil.rmtree(repo / "catalog")
    shutil.copytree(KNOWN / "catalog", repo / "catalog")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, [*ARGS, "--since", "v1", "--format", "json"])
    assert result.exit_code == 0, result.output
    dropped = json.loads(result.stdout)["perhatian"]["dihentikan"]
    assert [(a["id"], a["path"]) for a in dropped] == [
        ("SC-OLD-01", "v1:catalog/program/program.yaml"),
        ("SC-SOC-01", "catalog/program/lainnya.yaml"),
    ]
    result = runner.invoke(app, [*ARGS, "--since", "no-such-rev"])
    assert result.exit_code == 2


def test_illustrative_budget_lines_are_marked(tmp_path: Path) -> None:
    """A pagu that sums an illustrative budget line carries the mark and a legend (not before)."""
    program = (
        "entitas: program\nid: P{n}\nnama: x\ndimensi: governance\nelemen: service\n"
        "opd_pj: {opd}\ntahun_mulai: 2026\ntahun_selesai: 2026\nhorizon: pendek\n"
        "anggaran: [{{tahun: 2026, nilai: 100, sumber: APBD{extra}}}]\n"
    )
    root = write_tree(
        tmp_path / "c",
        {
            "metadata.yaml": (KNOWN / "catalog" / "metadata.yaml").read_text(encoding="utf-8"),
            "opd.yaml": "entitas: opd\nid: X\nnama: X\njenis: dinas\n---\n"
            "entitas: opd\nid: Y\nnama: Y\njenis: dinas\n",
            "p1.yaml": program.format(n=1, opd="X", extra=", ilustratif: true"),
            "p2.yaml": program.format(n=2, opd="Y", extra=""),
        },
    )
    catalog, findings = load_catalog(root)
    assert not findings
    report = compute_progress(catalog, Options(2026, date(2026, 6, 1)))
    assert (report.total.pagu, report.total.pagu_ilustratif) == (200, 100)
    text = "\n".join(format_text(report))
    legend = "* includes illustrative budget (an example, not an official ceiling)"
    assert text.count(legend) == 1
    rows = {line.split()[0]: line for line in format_text(report) if line[:2] in ("X ", "Y ")}
    assert "Rp 100*" in rows["X"] and "Rp 100*" not in rows["Y"]
    md = format_markdown(report)
    assert "Rp 100\\*" in md and "\\" + legend in md
    assert f'<p class="sub">{legend}</p>' in format_html(report)
    by_opd = {g.key: g.pagu_ilustratif for g in report.by_opd}
    assert by_opd == {"X": 100, "Y": 0}


def test_a_dimension_the_catalog_declares_is_known_to_progress(tmp_path: Path) -> None:
    """The catalog is complete when loaded: ``spbe validate`` was clean while ``spbe progress
    --dimensi maritim`` exited 2 "unknown dimension", because only the checks extended the
    reference."""
    root = tmp_path / "c"
    shutil.copytree(KNOWN / "catalog", root)
    write_tree(
        root,
        {
            "referensi.yaml": (
                "entitas: referensi\ndaftar: dimensi\nkode: maritim\nnama: Smart Maritime\n"
                "sumber: RPJMD\n---\nentitas: referensi\ndaftar: elemen_smart_city\n"
                "dimensi: maritim\nkode: pelabuhan\nnama: Pelabuhan\nsumber: RPJMD\n"
            ),
            "program/maritim.yaml": (
                "entitas: program\nid: P-LAUT\nnama: Dermaga Rakyat\ndimensi: maritim\n"
                "elemen: pelabuhan\nopd_pj: DISKOMINFO\ntahun_mulai: 2026\ntahun_selesai: 2026\n"
                "horizon: pendek\nanggaran: [{tahun: 2026, nilai: 5, sumber: APBD}]\n"
            ),
        },
    )
    args = ["progress", str(root), "--tahun", "2026", "--tanggal", "2026-10-15"]
    result = runner.invoke(app, [*args, "--dimensi", "maritim", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["program"]] == ["P-LAUT"]
    assert [(g["kode"], g["nama"]) for g in data["per_dimensi"]] == [("maritim", "Smart Maritime")]


def test_per_opd_rows_follow_the_names_readers_scan(tmp_path: Path) -> None:
    """The rows per OPD are alphabetical by the name shown, whatever the ids or the case: the
    laporan listed "Dinas PUPR" (id DPUPR) after "DPMPTSP", and a sort as written put
    "BKPSDM" before "Bagian Hukum"."""
    root = shutil.copytree(KNOWN / "catalog", tmp_path / "catalog")
    opd = root / "opd" / "opd.yaml"
    text = opd.read_text(encoding="utf-8")
    # Dinkes is now shown as "dinas kesehatan" (lower case), Dispar as "BPAR" (capitals).
    text = text.replace("singkatan: Dinkes", "singkatan: dinas kesehatan")
    opd.write_text(text.replace("singkatan: Dispar", "singkatan: BPAR"), encoding="utf-8")
    catalog, _ = load_catalog(root, "catalog")
    options = Options(tahun=2026, tanggal=date(2026, 10, 15))
    report = compute_progress(catalog, options)
    assert [g.nama for g in report.by_opd] == ["BPAR", "dinas kesehatan", "Diskominfo"]
