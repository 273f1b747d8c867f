"""The rule registry agrees with the messages, the code and the documentation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from spbe_cli import rules
from spbe_cli.errors import Severity
from spbe_cli.i18n import messages
from spbe_cli.rules import RULES, severity_of

PACKAGE = Path(rules.__file__).parent
DOCS = PACKAGE.parent / "docs" / "aturan.md"
CODE = re.compile(r"^SPBE\d{3}$")


#: The modules of the validate pipeline, whose findings use the codes of RULES. (``spbe diff``
#: has its own SPBE7xx attention registry in spbe_cli/diff/attention.py.)
VALIDATE_MODULES = [
    "yamlio.py",
    "loader.py",
    "files.py",
    "catalog.py",
    "validate.py",
    "ruleconfig.py",
    "checks/*.py",
]


def _codes_in_source() -> dict[str, list[str]]:
    """Every ``SPBEnnn`` string literal in the validate pipeline, with where it is."""
    found: dict[str, list[str]] = {}
    paths = sorted({p for pattern in VALIDATE_MODULES for p in PACKAGE.glob(pattern)})
    assert len(paths) > 5
    for path in paths:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
            ):
                found.setdefault(node.value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_registry_has_no_code_twice_and_codes_are_well_formed() -> None:
    codes = [code for code, _, _ in rules._TABLE]
    assert len(codes) == len(set(codes))
    assert all(CODE.match(code) for code in codes)
    assert codes == sorted(codes)


def test_every_rule_has_a_message_in_both_languages() -> None:
    known = messages()
    for code in RULES:
        entry = known.get(f"rule.{code}")
        assert entry is not None, code
        assert entry["id"] and entry["en"], code


def test_no_rule_message_without_a_rule() -> None:
    orphans = {key[5:] for key in messages() if key.startswith("rule.")} - set(RULES)
    assert not orphans


def test_every_code_emitted_in_the_code_is_registered() -> None:
    found = _codes_in_source()
    assert len(found) > 40  # the scan works
    unknown = {code: where for code, where in found.items() if code not in RULES}
    assert not unknown


def test_every_registered_code_is_emitted_somewhere() -> None:
    assert set(RULES) <= set(_codes_in_source())


def test_severities() -> None:
    assert severity_of("SPBE001") is Severity.ERROR
    assert severity_of("SPBE901") is Severity.WARNING
    assert {rule.severity for rule in RULES.values()} == set(Severity)
    # Loading problems are always errors: a file that cannot be read is never a warning.
    assert all(r.severity is Severity.ERROR for r in RULES.values() if r.family == "berkas")


def test_every_rule_is_documented() -> None:
    if not DOCS.is_file():
        pytest.skip("docs/aturan.md is not written yet")
    text = DOCS.read_text("utf-8")
    missing = [code for code in RULES if code not in text]
    assert not missing
