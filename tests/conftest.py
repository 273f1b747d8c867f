"""Shared fixtures: the minimal valid catalog and English messages (helpers are in helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spbe_cli.lazymethods import defer_dataclass_methods

# As the command line does (spbe_cli.cli.main), before any module of spbe's defines a class:
# every test runs the dataclass methods spbe runs.
defer_dataclass_methods()

from spbe_cli import i18n  # noqa: E402
from tests.helpers import bench_generator, copy_minimal, write_tree  # noqa: E402

__all__ = ["write_tree"]


@pytest.fixture
def minimal_catalog(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid catalog at ``tmp_path / "catalog"``."""
    return copy_minimal(tmp_path / "catalog")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small catalog from the bench's generator, one entity per file (copy it to change it)."""
    root = tmp_path_factory.mktemp("generated") / "catalog"
    bench_generator().generate(root, scale=0.004, seed=5, layout="files")
    return root


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the content cache of every test run out of the user's cache folder."""
    monkeypatch.setenv("SPBE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "spbe-cache"))
    monkeypatch.delenv("SPBE_NO_CACHE", raising=False)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pin messages to English whatever the machine's locale, and restore it afterwards."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SPBE_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")
