"""``spbe render --since REV`` (Daftar Perubahan) and ``--tahun``/``--tanggal`` (laporan)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app

SMALL = Path(__file__).parent / "cases" / "render" / "small"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose catalog is tagged v1, then edited in the working tree."""
    shutil.copytree(SMALL, tmp_path / "catalog")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "v1")
    git(tmp_path, "tag", "v1")
    program = tmp_path / "catalog" / "program" / "economy.yaml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("nilai: 250000000", "nilai: 100000000"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["render", *args])
    return result.exit_code, result.stdout, result.stderr


def test_since_adds_the_revision_log(repo: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v1", "-f", "md,html")
    assert code == 0, err
    masterplan = (repo / "out" / "masterplan.md").read_text(encoding="utf-8")
    section = masterplan.split("## DAFTAR PERUBAHAN", 1)[1].split("\n## ", 1)[0]
    assert "Perubahan katalog sejak v1" in section
    assert "**SC-03**" in section
    assert "250.000.000" in section or "250000000" in section
    assert "Perlu Perhatian" in section  # a budget cut is on the attention list
    html = (repo / "out" / "masterplan.html").read_text(encoding="utf-8")
    assert 'id="daftar-perubahan"' in html
    # The roadmap presents no programs: its log says so rather than listing them.
    roadmap = (repo / "out" / "peta-rencana.md").read_text(encoding="utf-8")
    assert "SC-03" not in roadmap.split("## DAFTAR PERUBAHAN", 1)[-1]


def test_without_since_there_is_no_log(repo: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "-f", "md")
    assert code == 0, err
    for name in ("masterplan.md", "arsitektur.md"):
        assert "DAFTAR PERUBAHAN" not in (repo / "out" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("rev", ["--output=x", "-x"])
def test_since_refuses_an_option_and_writes_nothing(repo: Path, rev: str) -> None:
    code, _, err = invoke("catalog", "-o", "out", f"--since={rev}")
    assert code == 2
    assert "cannot start with '-'" in err
    assert not (repo / "out").exists()


def test_since_unknown_revision_writes_nothing(repo: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v9")
    assert code == 2
    assert "v9" in err
    assert not (repo / "out").exists()


def test_laporan_year_and_date(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    code, _, err = invoke(
        str(catalog),
        "-o",
        str(tmp_path / "out"),
        "--doc",
        "laporan",
        "-f",
        "md",
        "--tahun",
        "2026",
        "--tanggal",
        "2026-11-30",
    )
    assert code == 0, err
    text = (tmp_path / "out" / "laporan.md").read_text(encoding="utf-8")
    assert text.startswith("# Laporan Kemajuan Program Smart City Tahun 2026")
    assert "30 November 2026" in text


def test_bad_report_date_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke(str(SMALL), "-o", str(tmp_path / "out"), "--tanggal", "2026-13-01")
    assert code == 2
    assert "2026-13-01" in err
    assert not (tmp_path / "out").exists()


def test_overrides_switch_the_sandbox_on(tmp_path: Path) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from spbe_cli.render import engine
    from spbe_cli.render.pipeline import template_folders

    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    builtin_only = template_folders(catalog, None)
    assert len(builtin_only) == 1
    (catalog / "templates").mkdir()
    with_override = template_folders(catalog, None)
    assert len(with_override) == 2
    # The pipeline's rule: sandboxed as soon as any folder is not the built-in one.
    assert isinstance(engine.make_environment(with_override, "md"), SandboxedEnvironment)
    assert not isinstance(
        engine.make_environment(builtin_only, "md", sandboxed=False), SandboxedEnvironment
    )
