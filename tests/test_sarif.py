"""``spbe validate --format sarif``: a SARIF 2.1.0 log, checked against the OASIS schema.

The schema (tests/schemas/sarif-schema-2.1.0.json) is the one OASIS publishes in
github.com/oasis-tcs/sarif-spec (sarif-2.1/schema/); see tests/schemas/README.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from tests.helpers import MINIMAL, VALIDATE_CASES, copy_minimal

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"


def sarif(catalog: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["validate", "--format", "sarif", str(catalog)])
    return result.exit_code, json.loads(result.stdout)


def check(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)


@pytest.mark.parametrize("case", ["duplicate-ids", "missing-field", "prose-files", "not-utf8"])
def test_sarif_of_invalid_catalogs_follows_the_schema(case: str) -> None:
    code, log = sarif(VALIDATE_CASES / "invalid" / case / "catalog")
    assert code == 1
    check(log)
    (run,) = log["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == sorted(set(rules))
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")


def test_sarif_places_related_locations_and_encodes_paths(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "katalog saya")
    text = (root / "program" / "economy.yaml").read_text("utf-8")
    (root / "program" / "salinan ekonomi.yaml").write_text(text, "utf-8")
    code, log = sarif(root)
    assert code == 1
    check(log)
    (dup,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SPBE104"]
    uri = dup["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and uri.endswith("salinan%20ekonomi.yaml")
    assert dup["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert dup["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "program/economy.yaml"
    )


def test_clean_catalog_is_an_empty_run() -> None:
    code, log = sarif(MINIMAL)
    assert code == 0
    check(log)
    assert log["runs"][0]["results"] == []


#: A relative reference of RFC 3986: only URI characters, and no scheme (``a:b`` has one).
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")


@pytest.mark.parametrize("shown", [".", "katalog"])
def test_hostile_file_names_are_relative_uri_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: str
) -> None:
    root = copy_minimal(tmp_path / "katalog")
    names = ["a:b.yaml", "f::g.yaml", "x\n::error::y.yaml", "c\x1b[31m.yaml", "d\u202ee.yaml"]
    names += ["h%0A.yaml", "k#l?.yaml", "opd/m:n.yaml"]
    for name in names:
        (root / name).write_text("entitas: opd\nid: DISKOMINFO\n", "utf-8")
    monkeypatch.chdir(root if shown == "." else tmp_path)
    result = CliRunner().invoke(app, ["validate", "--format", "sarif", shown])
    log = json.loads(result.stdout)
    check(log)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
        for loc in r["locations"]
    }
    prefix = "" if shown == "." else "katalog/"
    # Each hostile name is there once, decoded back to itself, and none has a scheme.
    assert {unquote(u).removeprefix(prefix) for u in uris} >= set(names)
    for uri in uris:
        assert _URI_CHARS.fullmatch(uri), uri
        assert urlsplit(uri).scheme == "", uri
