"""The wheel carries what `spbe init`, `spbe render` and `spbe validate` read at run time.

It builds without a warning caused by the project, and works installed in a fresh venv.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _can_build() -> bool:
    try:
        import setuptools
        import wheel  # noqa: F401
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "dist",
            "*.egg-info",
            "tests",
            "catalog",
            "bench",
            "__pycache__",
            ".mypy_cache",
            ".ruff_cache",
            ".pytest_cache",
            ".hypothesis",
        ),
    )
    return source


@pytest.mark.skipif(not _can_build(), reason="setuptools>=77 and wheel are needed offline")
def test_wheel_builds_without_warnings_and_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    source = _source(tmp_path)
    dist = tmp_path / "dist"
    # The PEP 517 backend itself, as pip and build call it: its whole log is captured.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta as b; print(b.build_wheel(sys.argv[1]))",
            str(dist),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    log = done.stdout + done.stderr
    noisy = re.compile(r"warning|deprecat|would be ignored|is absent from", re.IGNORECASE)
    # Byte-compiling is off when PYTHONDONTWRITEBYTECODE is set: the machine's choice.
    machine = "byte-compiling is disabled"
    assert [line for line in log.splitlines() if noisy.search(line) and machine not in line] == []
    [wheel] = list(dist.glob("spbe-*.whl"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    install = subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    # Dependencies come from this environment (offline); spbe itself only from the wheel.
    env = dict(os.environ, PYTHONPATH=sysconfig.get_paths()["purelib"], SPBE_LANG="en")
    catalog = ROOT / "tests" / "cases" / "validate" / "valid" / "minimal" / "catalog"
    code = "import spbe_cli, sys; print(spbe_cli.__file__); sys.argv[0] = 'spbe'; "
    code += "from spbe_cli.cli import main; main()"
    run = subprocess.run(
        [str(python), "-c", code, "validate", str(catalog)],
        env=env,
        cwd=tmp_path,  # not the source tree, which `python -c` would put first on sys.path
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    where, summary = run.stdout.splitlines()[0], run.stdout.splitlines()[-1]
    assert where.startswith(str(venv)), where
    assert summary.startswith("Checked 24 files, 27 entities: 0 errors")


@pytest.mark.skipif(not _can_build(), reason="setuptools>=77 and wheel are needed offline")
def test_wheel_carries_package_data(tmp_path: Path) -> None:
    source = _source(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(source),
            "-w",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    [built] = list((tmp_path / "dist").glob("spbe-*.whl"))
    names = set(zipfile.ZipFile(built).namelist())

    def shipped(folder: Path, pattern: str, prefix: str) -> None:
        for path in folder.glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"{prefix}/{path.relative_to(folder).as_posix()}" in names, path

    package = ROOT / "spbe_cli"
    shipped(package / "scaffold_data", "**/*", "spbe_cli/scaffold_data")
    shipped(package / "reference" / "data", "*.yaml", "spbe_cli/reference/data")
    shipped(package / "locale", "*.yaml", "spbe_cli/locale")
    shipped(ROOT / "templates", "**/*", "spbe_cli/templates")
    # Every sub-package, not only the ones listed when pyproject.toml was last edited.
    shipped(package, "**/*.py", "spbe_cli")
    assert any(name.endswith("entry_points.txt") for name in names)
