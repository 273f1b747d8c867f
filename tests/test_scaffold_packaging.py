"""The wheel carries what `spbe init`, `spbe render` and `spbe validate` read at run time."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
    return int(setuptools.__version__.split(".")[0]) >= 69


@pytest.mark.skipif(not _can_build(), reason="setuptools>=69 and wheel are needed offline")
def test_wheel_carries_package_data(tmp_path: Path) -> None:
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
