"""Golden cases of ``spbe validate``: one folder per case, see tests/cases/README.md.

Set ``SPBE_UPDATE_GOLDEN=1`` to rewrite the ``findings`` of every invalid case from the current
output; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from spbe_cli.i18n import messages
from spbe_cli.rules import RULES
from spbe_cli.validate import validate_catalog
from tests.helpers import MINIMAL, VALIDATE_CASES, copy_minimal

INVALID = sorted(p for p in (VALIDATE_CASES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (VALIDATE_CASES / "valid").iterdir() if p.is_dir())
UPDATE = os.environ.get("SPBE_UPDATE_GOLDEN") == "1"

#: Codes pinned by a dedicated test instead of a golden folder, because the input cannot live
#: in git (a FIFO, a symlink out of the checkout, a file over 8 MiB, an unreadable file).
PINNED_ELSEWHERE = {
    # The rule configuration lives beside the catalog, not in a golden catalog case.
    "SPBE021": "tests/test_ruleconfig.py::test_configuration_problems_are_spbe021_at_their_place",
    "SPBE008": "tests/test_loader.py::test_file_over_the_size_limit_is_a_finding",
    "SPBE010": "tests/test_loader.py::test_symlink_outside_is_reported_and_never_echoed",
    "SPBE011": "tests/test_loader.py::test_fifo_is_reported_without_hanging",
    "SPBE016": "tests/test_loader.py::test_unreadable_files_are_findings",
    # Two names differing only in case cannot both be checked out on Windows or macOS.
    "SPBE018": "tests/test_adversarial_load.py::test_names_differing_only_in_case",
    "SPBE801": "tests/test_indeks.py::test_framework_weights_not_adding_up_is_spbe801",
}


def _expected(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((case / "expected.json").read_text("utf-8"))
    return data


def _build(case: Path, dest: Path) -> Path:
    """The minimal catalog with the case's files laid over it and its ``remove`` list removed."""
    root = copy_minimal(dest)
    if case == MINIMAL.parent:
        return root
    overlay = case / "catalog"
    if overlay.is_dir():
        shutil.copytree(overlay, root, dirs_exist_ok=True, symlinks=True)
    for rel in _expected(case).get("remove", []):
        (root / rel).unlink()
    return root


def _run(root: Path) -> list[dict[str, Any]]:
    _, report = validate_catalog(root, "")
    known = messages()
    result = []
    for finding in report.sorted():
        # Every message is a translated sentence, never a bare key or an unfilled template.
        assert finding.message and finding.message not in known
        assert "{" not in finding.message or "}" not in finding.message.split("{", 1)[1]
        loc = finding.location
        result.append(
            {"code": finding.code, "path": loc.path, "line": loc.line, "column": loc.column}
        )
    return result


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case(case: Path, tmp_path: Path) -> None:
    root = _build(case, tmp_path / "catalog")
    found = _run(root)
    if UPDATE:
        data = _expected(case)
        data["findings"] = found
        (case / "expected.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
    assert found == _expected(case)["findings"]


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case(case: Path, tmp_path: Path) -> None:
    assert _expected(case)["findings"] == []
    root = _build(case, tmp_path / "catalog")
    assert _run(root) == []


def test_every_case_is_described() -> None:
    assert INVALID, "no golden invalid cases found"
    assert MINIMAL.parent in VALID
    for case in INVALID + VALID:
        data = _expected(case)
        assert set(data) <= {"description", "remove", "findings"}, case.name
        assert data.get("description"), f"{case.name}: describe what the case pins"
        assert bool(data["findings"]) == (case in INVALID), case.name
        for finding in data["findings"]:
            assert set(finding) == {"code", "path", "line", "column"}, case.name
            assert finding["code"] in RULES, case.name


def test_every_rule_is_pinned_by_a_golden_case_or_a_dedicated_test() -> None:
    pinned = {f["code"] for case in INVALID for f in _expected(case)["findings"]}
    missing = set(RULES) - pinned - set(PINNED_ELSEWHERE)
    assert not missing, f"rules without a golden case: {sorted(missing)}"
    # The dedicated tests named above exist.
    for target in PINNED_ELSEWHERE.values():
        path, _, name = target.partition("::")
        source = (Path(__file__).parent.parent / path).read_text("utf-8")
        assert f"def {name}(" in source, target
