"""SPBE308: ``pemda.zona_waktu`` is the zone of the Pemda's province (Keppres 41/1987)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spbe_cli import i18n
from spbe_cli.errors import Severity
from spbe_cli.rules import severity_of
from spbe_cli.validate import validate_catalog
from tests.helpers import copy_minimal, edit

PROVINCE = '    kode_kemendagri: "94"\n'


def _findings(tmp_path: Path, zona: str | None) -> list:
    root = copy_minimal(tmp_path / "catalog")
    if zona is not None:
        edit(root / "metadata.yaml", PROVINCE, PROVINCE + f"  zona_waktu: {zona}\n")
    _, report = validate_catalog(root, "")
    return [f for f in report.sorted() if f.code == "SPBE308"]


@pytest.mark.parametrize("zona", ["WIB", "WITA"])
def test_a_zone_other_than_papua_tengahs_is_spbe308_at_its_value(tmp_path: Path, zona: str) -> None:
    with i18n.use_language("id"):
        found = _findings(tmp_path, zona)
    assert [(f.code, f.location.line, f.location.column) for f in found] == [("SPBE308", 10, 15)]
    assert found[0].location.path.endswith("metadata.yaml")
    assert found[0].message == (
        f"zona_waktu {zona} tidak sesuai dengan Provinsi Papua Tengah, yang berada di WIT "
        "(Keppres 41/1987 tentang pembagian tiga wilayah waktu)"
    )
    assert found[0].hint is not None and "zona_waktu: WIT (UTC+9)" in found[0].hint
    assert found[0].severity is Severity.WARNING
    assert severity_of("SPBE308") is Severity.WARNING


@pytest.mark.parametrize("zona", ["WIT", None])
def test_the_provinces_zone_or_none_is_fine(tmp_path: Path, zona: str | None) -> None:
    assert _findings(tmp_path, zona) == []
