"""``spbe export archimate``: golden OEF, structure, the relationship table, readers, XSD."""

from __future__ import annotations

import collections
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.export.archimate import (
    INFRASTRUKTUR_TYPE,
    KEAMANAN_TYPE,
    ForbiddenRelationshipError,
    _Builder,
    allowed,
    build_model,
    relationship_table,
    xml_id,
)
from spbe_cli.reference import load_data
from spbe_cli.validate import validate_catalog
from tests.helpers import CASES, MINIMAL, write_tree

GOLDEN = CASES / "export" / "minimal"
BUNDLED = Path(__file__).parent.parent / "catalog"
NS = {"a": "http://www.opengroup.org/xsd/archimate/3.0/"}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def export(catalog: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["export", "archimate", str(catalog), "-o", str(out), *extra])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def minimal_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archimate") / "model.xml"
    code, stdout, stderr = export(MINIMAL, out)
    assert code == 0, stdout + stderr
    return out


@pytest.fixture(scope="module")
def bundled_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archimate-bundled") / "model.xml"
    code, stdout, stderr = export(BUNDLED, out)
    assert code == 0, stdout + stderr
    return out


def parse(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def elements(root: ET.Element) -> dict[str, ET.Element]:
    return {e.get("identifier", ""): e for e in root.iterfind("a:elements/a:element", NS)}


def relationships(root: ET.Element) -> dict[str, ET.Element]:
    return {r.get("identifier", ""): r for r in root.iterfind("a:relationships/a:relationship", NS)}


def catalog_id(element: ET.Element) -> str | None:
    for prop in element.iterfind("a:properties/a:property", NS):
        if prop.get("propertyDefinitionRef") == "id--prop--id-katalog":
            return prop.findtext("a:value", namespaces=NS)
    return None


# -- golden and determinism -------------------------------------------------------------------


def test_golden_minimal(minimal_xml: Path) -> None:
    got = minimal_xml.read_bytes()
    golden = GOLDEN / "model-archimate.xml"
    if os.environ.get("SPBE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got)
    assert got == golden.read_bytes()


def test_same_bytes_twice(bundled_xml: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xml"
    assert export(BUNDLED, again)[0] == 0
    assert again.read_bytes() == bundled_xml.read_bytes()


def test_summary_line(tmp_path: Path) -> None:
    code, stdout, stderr = export(MINIMAL, tmp_path / "m.xml")
    assert code == 0
    assert stdout == ""
    assert re.search(r"\d+ elements, \d+ relationships, 6 views written to .*m\.xml", stderr)


# -- structure --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["minimal_xml", "bundled_xml"])
def test_structure_and_references(which: str, request: pytest.FixtureRequest) -> None:
    root = parse(request.getfixturevalue(which))
    top = [child.tag.split("}")[1] for child in root]
    order = ["name", "documentation", "elements", "relationships", "organizations"]
    assert top == [*order, "propertyDefinitions", "views"]  # the schema's sequence
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids)), "identifiers are unique (xs:ID)"
    assert all(NCNAME.match(i or "") for i in ids)
    elems, rels = elements(root), relationships(root)
    for rel in rels.values():
        assert rel.get("source") in elems and rel.get("target") in elems
        src, tgt = elems[rel.get("source", "")], elems[rel.get("target", "")]
        assert allowed(src.get(XSI_TYPE, ""), rel.get(XSI_TYPE, ""), tgt.get(XSI_TYPE, ""))
    props = {p.get("identifier") for p in root.iterfind(".//a:propertyDefinition", NS)}
    for ref in root.iterfind(".//a:property", NS):
        assert ref.get("propertyDefinitionRef") in props
    for el in elems.values():
        assert el.find("a:name", NS) is not None
        assert el.find("a:name", NS).get(XML_LANG) == "id"  # type: ignore[union-attr]
    views = list(root.iterfind(".//a:view", NS))
    assert [v.findtext("a:name", namespaces=NS) for v in views] == [
        "Proses Bisnis",
        "Data dan Informasi",
        "Layanan SPBE",
        "Aplikasi SPBE",
        "Infrastruktur SPBE",
        "Keamanan SPBE",
    ]
    for view in views:
        nodes = {n.get("identifier"): n for n in view.iterfind("a:node", NS)}
        for node in nodes.values():
            assert node.get("elementRef") in elems
            assert int(node.get("x", "-1")) >= 0 and int(node.get("w", "0")) > 0
        for conn in view.iterfind("a:connection", NS):
            rel = rels[conn.get("relationshipRef", "")]
            assert nodes[conn.get("source")].get("elementRef") == rel.get("source")
            assert nodes[conn.get("target")].get("elementRef") == rel.get("target")
    # Every element and relationship sits in exactly one folder.
    refs = collections.Counter(
        i.get("identifierRef") for i in root.iterfind(".//a:organizations//a:item", NS)
    )
    refs.pop(None, None)
    for identifier in [*elems, *rels]:
        assert refs[identifier] == 1, identifier


def test_every_entity_exactly_once(bundled_xml: Path) -> None:
    catalog, _ = validate_catalog(BUNDLED)
    root = parse(bundled_xml)
    got = collections.Counter(catalog_id(e) for e in elements(root).values())
    got.pop(None, None)  # indicators, deliverables, visi, misi
    kinds = ("opd", "proses_bisnis", "data_informasi", "layanan", "aplikasi", "infrastruktur")
    kinds += ("keamanan", "regulasi", "peta_rencana", "program")
    expected = [i for kind in kinds for i in catalog.ids_of(kind)]
    assert sorted(got) == sorted(expected)
    assert set(got.values()) == {1}
    indicators = sum(
        len(e.indikator) for k in ("peta_rencana", "program") for e in catalog.of_kind(k)
    )
    outcomes = [e for e in elements(root).values() if e.get(XSI_TYPE) == "Outcome"]
    assert len(outcomes) == indicators


def test_minimal_relationships_accounted_for(minimal_xml: Path) -> None:
    root = parse(minimal_xml)
    got = collections.Counter(
        (r.get("source", "")[3:], r.get(XSI_TYPE), r.get("target", "")[3:])
        for r in relationships(root).values()
    )
    assert set(got.values()) == {1}
    architecture = {
        ("DISKOMINFO", "Assignment", "PB-01"),
        ("PB-01", "Access", "DATA-01"),
        ("DISKOMINFO", "Association", "DATA-01"),  # produsen and wali data, written once
        ("DISKOMINFO", "Assignment", "LAY-01"),
        ("PB-01", "Realization", "LAY-01"),
        ("APP-01", "Serving", "LAY-01"),
        ("DISKOMINFO", "Association", "APP-01"),
        ("APP-01", "Access", "DATA-01"),
        ("INFRA-01", "Serving", "APP-01"),
        ("DISKOMINFO", "Association", "INFRA-01"),
        ("DISKOMINFO", "Association", "SEC-01"),
        ("SEC-01", "Association", "APP-01"),
    }
    items = ["PR-AP", "PR-AT", "PR-IF", "PR-KM", "PR-LY", "PR-MJ", "PR-TK"]
    items += [f"SC-0{n}" for n in range(1, 7)]
    plans = {("DISKOMINFO", "Assignment", i) for i in items}
    plans |= {(i, "Realization", f"{i}--indikator--1") for i in items}
    changes = {
        ("PR-AP", "Association", "APP-01"),
        ("PR-IF", "Association", "INFRA-01"),
        ("PR-KM", "Association", "SEC-01"),
        ("PR-LY", "Association", "LAY-01"),
    }
    rest = set(got) - architecture - plans - changes
    assert architecture | plans | changes <= set(got)
    # What remains is the regulations behind the programs (Constraint -> WorkPackage).
    assert rest and all(t == "Association" and s.startswith("PERBUP") for s, t, _ in rest)


def test_infrastructure_and_security_by_kind(bundled_xml: Path) -> None:
    root = parse(bundled_xml)
    types = {catalog_id(e): e.get(XSI_TYPE) for e in elements(root).values()}
    assert types["INF-PDN"] == "TechnologyService"
    assert types["INF-JARINGAN-INTRA"] == "CommunicationNetwork"
    assert types["INF-SERVER-APLIKASI"] == "Device"
    assert types["INF-RUANG-SERVER"] == "Node"
    assert types["KMN-KEBIJAKAN-SMKI"] == "Constraint"
    assert {types[k] for k in types if k and k.startswith("KMN-")} >= {"Requirement"}


# -- the relationship table -------------------------------------------------------------------


def test_relationship_table_is_complete_for_every_emitted_type() -> None:
    table = relationship_table()
    emitted = {
        "BusinessActor",
        "BusinessProcess",
        "BusinessService",
        "ApplicationComponent",
        "DataObject",
        "Constraint",
        "WorkPackage",
        "Outcome",
        "Deliverable",
        "Goal",
        *INFRASTRUKTUR_TYPE.values(),
        *KEAMANAN_TYPE.values(),
    }
    assert emitted <= set(table)
    for row in table.values():
        assert emitted <= set(row)
    data = load_data("archimate-3.1-relasi.yaml")
    assert data["meta"]["versi_archimate"] == "3.1"
    assert "archimatetool/archi" in data["meta"]["sumber"]
    for targets in data["relasi"].values():
        for codes in targets.values():
            assert isinstance(codes, str) and set(codes) <= set(data["huruf"])


@pytest.mark.parametrize(
    ("source", "relationship", "target", "ok"),
    [
        ("BusinessActor", "Assignment", "BusinessProcess", True),
        ("BusinessProcess", "Realization", "BusinessService", True),
        ("ApplicationComponent", "Serving", "BusinessService", True),
        ("Node", "Serving", "ApplicationComponent", True),
        ("ApplicationComponent", "Access", "DataObject", True),
        ("ApplicationComponent", "Flow", "ApplicationComponent", True),
        ("WorkPackage", "Realization", "Deliverable", True),
        ("DataObject", "Serving", "BusinessProcess", False),
        ("BusinessActor", "Access", "ApplicationComponent", False),
        ("Goal", "Realization", "WorkPackage", False),
        ("Constraint", "Assignment", "BusinessActor", False),
    ],
)
def test_allowed(source: str, relationship: str, target: str, ok: bool) -> None:
    assert allowed(source, relationship, target) is ok


def test_a_forbidden_relationship_is_never_written(minimal_catalog: Path) -> None:
    catalog, _ = validate_catalog(minimal_catalog)
    builder = _Builder(catalog)
    build = build_model(catalog)
    builder.model.elements = build.elements
    with pytest.raises(ForbiddenRelationshipError, match="DataObject -Serving-> BusinessProcess"):
        builder.relate(xml_id("DATA-01"), "Serving", xml_id("PB-01"))
    assert not builder.model.relationships


def test_xml_id_is_an_ncname() -> None:
    assert xml_id("APP-01") == "id-APP-01"
    assert xml_id("PRG-1", "indikator", "2") == "id-PRG-1--indikator--2"
    odd = xml_id("a b/ü")
    assert NCNAME.match(odd) and odd == "id-a_x0020_b_x002F__x00FC_"


# -- hostile text -----------------------------------------------------------------------------


def test_hostile_text_is_inert(minimal_catalog: Path, tmp_path: Path) -> None:
    # The loader refuses control characters and bounds names to 300 characters (SPBE019,
    # SPBE101); what passes it still carries markup, CDATA ends, quotes and formula starts.
    long_name = "Portal " + "x" * 290
    uraian = r'"A <b>&amp;</b> ]]> \"kutip\" =cmd|' + "' /C calc'!A0" + '"'
    write_tree(
        minimal_catalog,
        {
            "arsitektur/aplikasi.yaml": (
                f"entitas: aplikasi\nid: APP-01\nnama: {long_name}\nuraian: {uraian}\n"
                "raa: RAA.01.01\nkategori: khusus\npemilik: DISKOMINFO\n"
                "data: [DATA-01]\ninfrastruktur: [INFRA-01]\n"
            )
        },
    )
    out = tmp_path / "m.xml"
    code, stdout, stderr = export(minimal_catalog, out)
    assert code == 0, stdout + stderr
    root = parse(out)  # well-formed despite the markup and control characters
    app_el = elements(root)["id-APP-01"]
    assert app_el.findtext("a:name", namespaces=NS) == long_name
    doc = app_el.findtext("a:documentation", namespaces=NS)
    assert doc == "A <b>&amp;</b> ]]> \"kutip\" =cmd|' /C calc'!A0"


# -- an independent reader and the official schema --------------------------------------------


def test_round_trip_through_pyarchimate(minimal_xml: Path) -> None:
    pyarchimate = pytest.importorskip(
        "pyArchimate", reason="pyArchimate (test extra) not installed"
    )
    root = parse(minimal_xml)
    model = pyarchimate.Model("spbe")
    model.read(str(minimal_xml))
    assert len(model.elems_dict) == len(elements(root))
    assert len(model.rels_dict) == len(relationships(root))
    assert len(model.views_dict) == 6
    app_el = model.elems_dict["id-APP-01"]
    assert app_el.type == "ApplicationComponent"
    assert app_el.name == "Portal Wisata"
    assert app_el.props["kode Referensi Arsitektur"] == "RAA.01.01"


def test_valid_against_the_open_group_xsd(minimal_xml: Path) -> None:
    folder = os.environ.get("SPBE_ARCHIMATE_XSD")
    if not folder:
        pytest.skip(
            "SPBE_ARCHIMATE_XSD is not set: The Open Group's ArchiMate 3.1 exchange-format XSDs "
            "may not be redistributed; point SPBE_ARCHIMATE_XSD at a folder holding "
            "archimate3_Diagram.xsd (and its archimate3_View.xsd, archimate3_Model.xsd, xml.xsd)"
        )
    xmlschema = pytest.importorskip("xmlschema")
    xsd = Path(folder)
    locations = [("http://www.w3.org/XML/1998/namespace", str(xsd / "xml.xsd"))]
    schema = xmlschema.XMLSchema(
        str(xsd / "archimate3_Diagram.xsd"), locations=locations, allow="local"
    )
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(minimal_xml))]
    assert errors == []
