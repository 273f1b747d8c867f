"""The owning OPD of an entity (spbe_cli.owners): one rule, every command.

A data element's owner is its produsen data, never its walidata (Satu Data Indonesia): the
catalog below has DATA-01 produced by BAPPEDA and stewarded by DISKOMINFO, and every command
that shows an owner must show BAPPEDA (by name where documents show names).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli import owners
from spbe_cli.cli.app import app
from spbe_cli.loader import load_catalog
from spbe_cli.models import ENTITY_KINDS, MODELS
from spbe_cli.render.context import RenderInput
from tests.helpers import copy_minimal, edit, write_tree

BAPPEDA = "Badan Perencanaan Pembangunan Daerah"
DISKOMINFO = "Dinas Komunikasi dan Informatika"


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_minimal(tmp_path_factory.mktemp("owners") / "catalog")
    data = root / "arsitektur" / "data.yaml"
    edit(data, "produsen_data: DISKOMINFO", "produsen_data: BAPPEDA")
    write_tree(
        root,
        {
            "opd/bappeda.yaml": (
                "entitas: opd\nid: BAPPEDA\n"
                f"nama: {BAPPEDA}\nsingkatan: Bappeda\njenis: badan\nurusan: []\n"
            )
        },
    )
    return root


@pytest.fixture(scope="module")
def catalog(catalog_dir: Path) -> Any:
    loaded, findings = load_catalog(catalog_dir)
    assert not [f for f in findings if f.severity.name == "ERROR"], findings
    return loaded


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_every_kind_with_an_owner_field_names_a_field_its_model_has() -> None:
    for kind, name in owners.OWNER_FIELD.items():
        assert kind in ENTITY_KINDS
        assert name in MODELS[kind].model_fields, (kind, name)
    assert owners.OWNER_FIELD["data_informasi"] == "produsen_data"
    assert owners.owner_field("regulasi") is None


def test_responsible_opd_is_the_produsen_data(catalog: Any) -> None:
    data = catalog.entities["DATA-01"]
    assert (data.produsen_data, data.wali_data) == ("BAPPEDA", "DISKOMINFO")
    assert owners.responsible_opd(data) == "BAPPEDA"
    assert owners.responsible_opd(catalog.entities["APP-01"]) == "DISKOMINFO"
    # An OPD, a regulation: no owner.
    assert owners.responsible_opd(catalog.entities["DISKOMINFO"]) is None
    assert owners.responsible_opd(catalog.entities["PERBUP-SC"]) is None


def test_list_shows_and_filters_by_the_produsen(catalog_dir: Path) -> None:
    code, out, _ = run("list", "data_informasi", "-c", str(catalog_dir), "--format", "json")
    assert code == 0, out
    rows = json.loads(out)["entitas"]
    assert [(r["id"], r["opd"]) for r in rows] == [("DATA-01", "BAPPEDA")]
    code, out, _ = run("list", "data_informasi", "-c", str(catalog_dir), "--opd", "BAPPEDA")
    assert code == 0 and "DATA-01" in out
    code, out, _ = run("list", "data_informasi", "-c", str(catalog_dir), "--opd", "DISKOMINFO")
    assert code == 0 and "DATA-01" not in out


def test_sync_owner_is_the_produsen(catalog: Any) -> None:
    from spbe_cli.sync import candidates

    found = candidates(catalog, "data_informasi", frozenset())
    assert [(c.id, c.owner) for c in found] == [("DATA-01", "BAPPEDA")]


def test_domain_diagram_box_shows_the_produsen(catalog: Any) -> None:
    from spbe_cli.render import standar

    inp = RenderInput(catalog)
    figure = standar.domain_diagram(inp, "data_informasi", inp.of_kind("data_informasi"))
    boxes = [b for level in figure.levels for b in level.boxes]
    assert [(b.key, b.detail) for b in boxes] == [("DATA-01", inp.opd["BAPPEDA"])]
    assert inp.opd["BAPPEDA"] == "Bappeda"


def test_masterplan_annex_keeps_both_roles(catalog: Any) -> None:
    from spbe_cli.render.documents.masterplan import _elements_by_opd

    roles = _elements_by_opd(RenderInput(catalog))
    assert [(e.id, role) for _, e, role in roles["BAPPEDA"]] == [("DATA-01", "produsen")]
    assert ("DATA-01", "walidata") in [(e.id, role) for _, e, role in roles["DISKOMINFO"]]


def test_diff_never_pairs_a_rename_across_produsen(catalog: Any) -> None:
    from spbe_cli.diff.changeset import similarity

    data = catalog.entities["DATA-01"]
    moved = data.model_copy(update={"produsen_data": "DISKOMINFO"})
    steward = data.model_copy(update={"wali_data": "BAPPEDA"})
    assert similarity(data, moved) == 0.0
    assert similarity(data, steward) > 0.5


def _sia_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[2:]]


def test_sia_export_names_the_produsen_as_the_responsible_opd(
    catalog_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sia.xlsx"
    code, _, stderr = run("export", "sia", str(catalog_dir), "-o", str(out))
    assert code == 0, stderr
    (row,) = _sia_rows(out, "Data dan Informasi")
    assert row["OPD (katalog)"] == BAPPEDA
    assert row["Produsen Data"] == BAPPEDA
    # Walidata keeps its own column.
    assert row["Penanggung Jawab (Wali) Data"] == DISKOMINFO


def test_archimate_opd_property_is_the_produsen(catalog_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.xml"
    code, _, stderr = run("export", "archimate", str(catalog_dir), "-o", str(out))
    assert code == 0, stderr
    xml = out.read_text(encoding="utf-8")
    element = re.search(r'<element identifier="id-DATA-01".*?</element>', xml, re.S)
    assert element is not None
    assert '"id--prop--opd">\n          <value xml:lang="id">BAPPEDA</value>' in element.group(0)
    # Both roles stay as associations, named after their field.
    for name in ("produsen data", "wali data"):
        assert f'<name xml:lang="id">{name}</name>' in xml


def test_arsitektur_document_lists_both_roles(catalog_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "doc"
    code, _, stderr = run(
        "render", str(catalog_dir), "-o", str(out), "--format", "md", "--doc", "arsitektur"
    )
    assert code == 0, stderr
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.md")))
    # The element table names the element by its RAD code and name (no catalog id).
    row = next(line for line in text.splitlines() if "| Destinasi Wisata |" in line)
    assert row.startswith("| RAD.02.08") and "DATA-01" not in text
    assert row.index("Bappeda") < row.index(DISKOMINFO)
    # The data domain diagram shows the produsen under the box, as a reader sees it.
    figure = re.search(r"!\[Elemen domain Data dan Informasi[^]]*\]\(([^)]+)\)", text)
    assert figure is not None
    svg = (out / figure.group(1)).read_text(encoding="utf-8")
    assert ">Bappeda</text>" in svg
    assert ">Dinas</text>" not in svg and "Komunikasi" not in svg
