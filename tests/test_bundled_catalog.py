"""The bundled Kabupaten Mimika catalog is clean: 0 errors and 0 warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app

CATALOG = Path(__file__).resolve().parent.parent / "catalog"


@pytest.mark.skipif(not CATALOG.is_dir(), reason="the bundled catalog is not in this checkout")
def test_bundled_catalog_is_clean() -> None:
    result = CliRunner().invoke(
        app, ["validate", "--strict", "--format", "json", str(CATALOG)], catch_exceptions=False
    )
    data = json.loads(result.stdout)
    problems = [
        f"{f['path']}:{f['line']}:{f['column']}: {f['severity']}[{f['code']}]: {f['message']}"
        for f in data["findings"]
        if f["severity"] != "info"
    ]
    assert problems == []
    assert data["summary"]["errors"] == 0
    assert data["summary"]["warnings"] == 0
    assert data["summary"]["entities"] > 0
    assert result.exit_code == 0
    assert result.stderr == ""
