"""The JSON Schema (what the editor checks) and ``spbe validate`` agree on boundary values.

Each row changes one line of a document of the minimal catalog. The editor's view is the
document read as YAML 1.2 core (as the YAML extension reads it) and checked against the
combined schema; spbe's view is the errors of loading that document (SPBE1xx: syntax, types,
bounds, unknown keys) in ``spbe validate``. Cross-entity rules (SPBE2xx and up: references, the
reference data's value lists, years inside a document's period) are beyond any schema; the
editor shows them through ``spbe lsp``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from spbe_cli.errors import Severity
from spbe_cli.schema import catalog_schema
from spbe_cli.validate import validate_catalog

PROGRAM = "program/governance.yaml"
KESIAPAN = "kesiapan/kesiapan.yaml"
INFRA = "arsitektur/infrastruktur.yaml"

_INT = re.compile(r"[-+]?[0-9]+$|0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _core(node: yaml.Node) -> Any:
    """A node as YAML 1.2's core schema reads it (PyYAML speaks YAML 1.1)."""
    if isinstance(node, yaml.MappingNode):
        return {str(_core(k)).lower(): _core(v) for k, v in node.value}  # JSON keys are text
    if isinstance(node, yaml.SequenceNode):
        return [_core(item) for item in node.value]
    text = node.value
    if node.style is not None:  # quoted: text
        return text
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    if _INT.match(text):
        return int(text, 0) if text.startswith("0") and len(text) > 1 else int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _views(catalog: Path, rel: str, old: str, new: str) -> tuple[bool, bool]:
    path = catalog / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    changed = text.replace(old, new, 1)
    path.write_text(changed, "utf-8")
    schema = catalog_schema()
    editor_ok = all(
        not list(jsonschema.Draft7Validator(schema).iter_errors(_core(node)))
        for node in yaml.compose_all(changed)
    )
    _, report = validate_catalog(catalog)
    spbe_ok = not any(
        f.location.path.endswith(rel) and f.severity is Severity.ERROR and f.code < "SPBE2"
        for f in report.findings
    )
    path.write_text(text, "utf-8")
    return editor_ok, spbe_ok


#: (file, line as it is, line as changed, valid?)
BOUNDARIES = [
    (PROGRAM, "tahun_mulai: 2025", "tahun_mulai: 1945", True),
    (PROGRAM, "tahun_mulai: 2025", "tahun_mulai: 1944", False),
    (PROGRAM, "tahun_selesai: 2027", "tahun_selesai: 2100", True),
    (PROGRAM, "tahun_selesai: 2027", "tahun_selesai: 2101", False),
    (PROGRAM, "tahun_mulai: 2025", 'tahun_mulai: "2025"', True),
    (PROGRAM, "tahun_mulai: 2025", "tahun_mulai: dua ribu", False),
    (PROGRAM, "nilai: 250000000", "nilai: 0", True),
    (PROGRAM, "nilai: 250000000", "nilai: -1", False),
    (PROGRAM, "nilai: 250000000", "nilai: 999999999999999", True),
    (PROGRAM, "nilai: 250000000", "nilai: 1000000000000000", False),
    (PROGRAM, "nilai: 250000000", "nilai: 2.5", False),
    (PROGRAM, "baseline: 10", "baseline: 10.5", True),
    (PROGRAM, "baseline: 10", 'baseline: "10.123456"', True),
    (PROGRAM, "baseline: 10", 'baseline: "10.1234567"', False),
    (PROGRAM, "baseline: 10", "baseline: 999999999999999", True),
    (PROGRAM, "baseline: 10", "baseline: 1000000000000000", False),
    (PROGRAM, "baseline: 10", "baseline: -5", True),
    (PROGRAM, "baseline: 10", "baseline: sepuluh", False),
    (PROGRAM, "tahun_mulai: 2025", "tahun_mulai: 2025x", False),
    (PROGRAM, "horizon: menengah", "horizon: sedang", False),
    (PROGRAM, "id: SC-01", "id: sc 01", False),
    (PROGRAM, "target: {2026: 50, 2027: 80}", "target: {1900: 50}", False),
    (PROGRAM, "nama: Layanan Kependudukan Terpadu", "nama: 12", True),
    (PROGRAM, "nama: Layanan Kependudukan Terpadu", "nama: true", True),
    (PROGRAM, "nama: Layanan Kependudukan Terpadu", "nomor_baru: 1", False),
    (KESIAPAN, "pilar: struktur", "pilar: [struktur]", False),
    (INFRA, "opd: DISKOMINFO", "opd: [DISKOMINFO]", False),
    (INFRA, "opd: DISKOMINFO", "opd: diskominfo kita", False),
]


@pytest.mark.parametrize(("rel", "old", "new", "valid"), BOUNDARIES)
def test_schema_and_validate_agree(
    minimal_catalog: Path, rel: str, old: str, new: str, valid: bool
) -> None:
    assert _views(minimal_catalog, rel, old, new) == (valid, valid)


#: What no JSON Schema can see: the editor gets the same number from both spellings.
INVISIBLE = [
    (PROGRAM, "nilai: 250000000", "nilai: 2.5e8"),
    (PROGRAM, "tahun_mulai: 2025", "tahun_mulai: 2025.0"),
]


@pytest.mark.parametrize(("rel", "old", "new"), INVISIBLE)
def test_plain_notation_is_left_to_validate(
    minimal_catalog: Path, rel: str, old: str, new: str
) -> None:
    assert _views(minimal_catalog, rel, old, new) == (True, False)


def test_one_wrong_value_gives_one_error() -> None:
    document = {
        "entitas": "opd",
        "id": "DISKOMINFO",
        "nama": "Dinas Komunikasi dan Informatika",
        "jenis": "dinas-x",
    }
    errors = list(jsonschema.Draft7Validator(catalog_schema()).iter_errors(document))
    leaves = [e for e in errors for e in (e.context or [e])]
    assert len(errors) == 1, [e.message for e in errors]
    assert len(leaves) <= 2
