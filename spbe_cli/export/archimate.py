"""The catalog as an ArchiMate 3.1 model in The Open Group's Open Exchange Format (OEF).

The mapping (docs/export.md has it as one table): OPD -> BusinessActor, proses bisnis ->
BusinessProcess, layanan -> BusinessService, aplikasi -> ApplicationComponent, data ->
DataObject, infrastruktur -> Node/Device/SystemSoftware/CommunicationNetwork/TechnologyService
by its ``jenis``, keamanan -> Constraint/Requirement/Assessment by its ``jenis``, regulasi ->
Constraint, Peta Rencana items and smart city programs -> WorkPackage (indicators -> Outcome,
the gap's target -> Deliverable), visi and misi -> Goal.

Every relationship is checked against the ArchiMate 3.1 relationship table shipped as
``reference/data/archimate-3.1-relasi.yaml``; one the standard forbids is never written.
Identifiers derive from catalog ids (``id-`` + the id), so they are stable across runs and the
bytes are the same for the same catalog.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.sax.saxutils import escape

from spbe_cli.export.common import field_value, plain_number
from spbe_cli.markup import export_text
from spbe_cli.models import DOMAIN_LABELS as MODEL_DOMAIN_LABELS
from spbe_cli.models import DOMAINS, ENTITY_KINDS, MODELS
from spbe_cli.owners import responsible_opd
from spbe_cli.status import current_status

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog

NAMESPACE = "http://www.opengroup.org/xsd/archimate/3.0/"
SCHEMA_LOCATION = (
    "http://www.opengroup.org/xsd/archimate/3.0/ "
    "http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
)
LANG = "id"

#: Catalog kind -> ArchiMate element type, for the kinds with one type.
ELEMENT_TYPE = {
    "opd": "BusinessActor",
    "proses_bisnis": "BusinessProcess",
    "data_informasi": "DataObject",
    "layanan": "BusinessService",
    "aplikasi": "ApplicationComponent",
    "regulasi": "Constraint",
    "peta_rencana": "WorkPackage",
    "program": "WorkPackage",
}

#: Infrastruktur ``jenis`` (the 12 SIA-SPBE objects) -> technology element type.
INFRASTRUKTUR_TYPE = {
    "komputasi_awan": "TechnologyService",
    "server": "Device",
    "periferal": "Device",
    "media_penyimpanan": "Device",
    "perangkat_jaringan": "Device",
    "perangkat_keamanan": "Device",
    "sistem_operasi": "SystemSoftware",
    "sistem_database": "SystemSoftware",
    "sistem_utilitas": "SystemSoftware",
    "jaringan_intra": "CommunicationNetwork",
    "sistem_penghubung_layanan": "TechnologyService",
    "fasilitas_komputasi": "Node",
}
#: A ``jenis`` a catalog added itself: the generic technology element.
INFRASTRUKTUR_DEFAULT = "Node"

#: Keamanan ``jenis`` (the 7 SIA-SPBE objects) -> motivation element type: standards constrain,
#: audits and assessments assess, the rest are requirements.
KEAMANAN_TYPE = {
    "standar_prosedur": "Constraint",
    "audit_keamanan": "Assessment",
    "identifikasi_kerentanan": "Assessment",
    "kelaikan_keamanan": "Assessment",
    "edukasi_kesadaran": "Requirement",
    "peningkatan_keamanan": "Requirement",
    "penanganan_insiden": "Requirement",
}
KEAMANAN_DEFAULT = "Requirement"

#: The six domains, each a folder and a view, in the order of Perpres 95/2018.
DOMAIN_LABELS = MODEL_DOMAIN_LABELS

#: Property definitions: identifier suffix, name shown in the tool, OEF data type.
PROPERTIES = (
    ("id-katalog", "id katalog", "string"),
    ("entitas", "entitas", "string"),
    ("kode-ra", "kode Referensi Arsitektur", "string"),
    ("opd", "OPD", "string"),
    ("jenis", "jenis", "string"),
    ("status", "status", "string"),
    ("ilustratif", "ilustratif", "boolean"),
    ("sumber", "sumber", "string"),
    ("rujukan", "rujukan", "string"),
    ("tahun", "tahun", "string"),
    ("dimensi", "dimensi smart city", "string"),
    ("muatan", "muatan Peta Rencana", "string"),
    ("satuan", "satuan", "string"),
    ("baseline", "baseline", "string"),
    ("target", "target", "string"),
)

_NOT_NCNAME = re.compile(r"[^A-Za-z0-9._-]")

#: Grid layout of the views, in pixels.
NODE_W, NODE_H, GAP, MARGIN = 160, 70, 40, 20


@cache
def xml_id(*parts: str) -> str:
    """A valid ``xs:ID`` from catalog ids: ``id-`` + the parts joined by ``--``.

    Catalog ids never hold ``--`` (their words are joined by a single ``-``, ``_`` or ``.``), so
    the synthetic ids (``id-PROG-1--indikator-2``) cannot collide with an entity's. A character
    an NCName cannot hold becomes ``_xHHHH_``.
    """
    text = "--".join(parts)
    return "id-" + _NOT_NCNAME.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def own_id(*parts: str) -> str:
    """An identifier of spbe's own (model, visi, views, relationships, property definitions).

    It starts with ``id--``; an entity's starts with ``id-`` and a letter (catalog ids begin
    with a letter), so the two never meet.
    """
    return "id--" + "--".join(parts)


class Element(NamedTuple):
    """One ArchiMate element (a named tuple: made tens of thousands of times)."""

    identifier: str
    type: str
    name: str
    documentation: str | None = None
    properties: tuple[tuple[str, str], ...] = ()


class Relationship(NamedTuple):
    """One ArchiMate relationship between two elements (made hundreds of thousands of times)."""

    identifier: str
    type: str
    source: str
    target: str
    name: str | None = None


@dataclass
class Folder:
    """One organization item (a folder in the tool) with its members and sub-folders."""

    label: str
    items: list[str] = field(default_factory=list)
    children: list[Folder] = field(default_factory=list)


@dataclass(frozen=True)
class View:
    """A diagram: its elements on a grid and the relationships between them."""

    identifier: str
    name: str
    nodes: tuple[tuple[str, str, int, int], ...]
    connections: tuple[tuple[str, str, str, str], ...]


@dataclass
class ArchiModel:
    """The whole model, in the order the schema wants it."""

    identifier: str
    name: str
    documentation: str
    elements: dict[str, Element] = field(default_factory=dict)
    relationships: dict[tuple[str, str, str], Relationship] = field(default_factory=dict)
    folders: list[Folder] = field(default_factory=list)
    views: list[View] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Elements, relationships and views, for the summary line."""
        return {
            "elements": len(self.elements),
            "relationships": len(self.relationships),
            "views": len(self.views),
        }


class ForbiddenRelationshipError(RuntimeError):
    """A relationship the ArchiMate 3.1 table does not allow (a bug in the mapping)."""


@cache
def relationship_table() -> dict[str, dict[str, frozenset[str]]]:
    """ArchiMate 3.1 allowed relationships: source type -> target type -> relationship types."""
    from spbe_cli.reference import load_data

    data = load_data("archimate-3.1-relasi.yaml")
    letters: dict[str, str] = data["huruf"]
    return {
        source: {
            target: frozenset(letters[c] for c in (codes or ""))
            for target, codes in targets.items()
        }
        for source, targets in data["relasi"].items()
    }


@cache
def allowed_triples() -> frozenset[tuple[str, str, str]]:
    """Every (source type, relationship, target type) the table allows, for one-step lookups."""
    return frozenset(
        (source, relationship, target)
        for source, row in relationship_table().items()
        for target, relationships in row.items()
        for relationship in relationships
    )


def allowed(source_type: str, relationship: str, target_type: str) -> bool:
    """Tell whether ArchiMate 3.1 allows this relationship between these element types."""
    return (source_type, relationship, target_type) in allowed_triples()


class _Builder:
    """Collects elements, relationships and folders while walking the catalog once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        meta = catalog.metadata
        title = meta.dokumen.arsitektur.judul if meta else "Arsitektur SPBE"
        self.allowed = allowed_triples()
        self.model = ArchiModel(
            identifier=own_id("model"),
            name=title,
            documentation=(
                f"Dibuat oleh spbe dari katalog (data referensi {catalog.reference.versi}). "
                "Pemetaan elemen dan relasi: docs/export.md."
            ),
        )

    # -- elements -------------------------------------------------------------------------

    def add(self, element: Element, folder: Folder) -> None:
        self.model.elements[element.identifier] = element
        folder.items.append(element.identifier)

    def entity(self, kind: str, entity: Any, type_: str, name: str, folder: Folder) -> None:
        props: list[tuple[str, str]] = [("id-katalog", entity.id), ("entitas", kind)]
        if kind in DOMAINS:
            props.append(("kode-ra", getattr(entity, DOMAINS[kind][1])))
        opd = responsible_opd(entity)
        if opd:
            props.append(("opd", opd))
        jenis = field_value(entity, "jenis")
        if isinstance(jenis, str):
            props.append(("jenis", jenis))
        status = field_value(entity, "status")
        if kind in ("program", "peta_rencana"):
            # The status spbe list, progress and the documents show: the latest entry's.
            status = current_status(entity)
        if isinstance(status, str):
            props.append(("status", status))
        if kind in ("program", "peta_rencana"):
            props.append(("tahun", f"{entity.tahun_mulai}-{entity.tahun_selesai}"))
        if kind == "program":
            props.append(("dimensi", entity.dimensi))
        if kind == "peta_rencana":
            props.append(("muatan", entity.muatan))
        props.append(("ilustratif", "true" if entity.ilustratif else "false"))
        if entity.sumber:
            props.append(("sumber", entity.sumber))
        props.extend(("rujukan", r) for r in entity.rujukan)
        uraian = field_value(entity, "uraian")
        self.add(Element(xml_id(entity.id), type_, name, uraian, tuple(props)), folder)

    # -- relationships --------------------------------------------------------------------

    def relate(self, source: str, type_: str, target: str, name: str | None = None) -> None:
        """Add a relationship between two exported elements, checked against the standard.

        A reference to an entity that is not exported (invalid, exported with --force) is
        skipped; the same (source, type, target) is written once.
        """
        elements = self.model.elements
        src, tgt = elements.get(source), elements.get(target)
        if src is None or tgt is None:
            return
        if (src.type, type_, tgt.type) not in self.allowed:
            raise ForbiddenRelationshipError(f"{src.type} -{type_}-> {tgt.type}")
        key = (source, type_, target)
        relationships = self.model.relationships
        if key not in relationships:
            rel_id = f"id--rel--{type_}--{source[3:]}--{target[3:]}"  # own_id(), inlined: hot
            relationships[key] = Relationship(rel_id, type_, source, target, name)

    def refs(
        self, source: Any, type_: str, targets: Iterable[str], name: str | None = None
    ) -> None:
        for target in targets:
            self.relate(xml_id(source.id), type_, xml_id(target), name)

    def refs_in(self, targets: Iterable[str], type_: str, owner: Any, name: str | None) -> None:
        for target in targets:
            self.relate(xml_id(target), type_, xml_id(owner.id), name)


def build_model(catalog: Catalog) -> ArchiModel:
    """Map the catalog to ArchiMate elements, relationships, folders and views."""
    b = _Builder(catalog)
    ref = catalog.reference
    of = catalog.of_kind

    opd_folder = Folder("Organisasi Perangkat Daerah")
    for opd in of("opd"):
        b.entity("opd", opd, "BusinessActor", opd.nama, opd_folder)
    domains = {kind: Folder(label) for kind, label in DOMAIN_LABELS.items()}
    for kind in ("proses_bisnis", "data_informasi", "layanan", "aplikasi"):
        for entity in of(kind):
            b.entity(kind, entity, ELEMENT_TYPE[kind], entity.nama, domains[kind])
    for entity in of("infrastruktur"):
        type_ = INFRASTRUKTUR_TYPE.get(entity.jenis, INFRASTRUKTUR_DEFAULT)
        b.entity("infrastruktur", entity, type_, entity.nama, domains["infrastruktur"])
    for entity in of("keamanan"):
        type_ = KEAMANAN_TYPE.get(entity.jenis, KEAMANAN_DEFAULT)
        b.entity("keamanan", entity, type_, entity.nama, domains["keamanan"])
    regulasi_folder = Folder("Regulasi")
    for reg in of("regulasi"):
        b.entity("regulasi", reg, "Constraint", f"{reg.sebutan}: {reg.judul}", regulasi_folder)

    motivation = Folder("Visi dan Misi")
    meta = catalog.metadata
    if meta is not None and meta.visi:
        b.add(Element(own_id("visi"), "Goal", meta.visi.strip()), motivation)
    for misi in meta.misi if meta is not None else ():
        b.add(Element(own_id("misi", str(misi.nomor)), "Goal", misi.uraian), motivation)

    roadmap = Folder("Peta Rencana SPBE")
    for item in of("peta_rencana"):
        _work_package(b, "peta_rencana", item, roadmap)
    smart_city = Folder("Smart City")
    dimensions: dict[str, Folder] = {}
    for code, name in ref.dimensi.items():
        dimensions[code] = Folder(name)
    for program in of("program"):
        folder = dimensions.setdefault(program.dimensi, Folder(program.dimensi))
        _work_package(b, "program", program, folder)
    smart_city.children = [f for f in dimensions.values() if f.items]

    _relationships(b, catalog)

    model = b.model
    relations = Folder("Relasi", [r.identifier for r in model.relationships.values()])
    model.views = _views(model, {kind: domains[kind].items for kind in DOMAIN_LABELS})
    views = Folder("Tampilan", [v.identifier for v in model.views])
    model.folders = [
        f
        for f in (
            opd_folder,
            *domains.values(),
            regulasi_folder,
            roadmap,
            smart_city,
            motivation,
            relations,
            views,
        )
        if f.items or f.children
    ]
    return model


def _work_package(b: _Builder, kind: str, item: Any, folder: Folder) -> None:
    b.entity(kind, item, "WorkPackage", item.nama, folder)
    for number, indikator in enumerate(item.indikator, start=1):
        props = [("satuan", indikator.satuan)]
        if indikator.baseline is not None:
            props.append(("baseline", plain_number(indikator.baseline)))
        if indikator.target:
            targets = "; ".join(
                f"{y}: {plain_number(v)}" for y, v in sorted(indikator.target.items())
            )
            props.append(("target", targets))
        identifier = xml_id(item.id, "indikator", str(number))
        b.add(Element(identifier, "Outcome", indikator.nama, None, tuple(props)), folder)
        b.relate(xml_id(item.id), "Realization", identifier)
    gap = field_value(item, "gap")
    if gap is not None:
        identifier = xml_id(item.id, "luaran")
        b.add(Element(identifier, "Deliverable", gap.target, f"Saat ini: {gap.saat_ini}"), folder)
        b.relate(xml_id(item.id), "Realization", identifier)


def _relationships(b: _Builder, catalog: Catalog) -> None:
    """Every link of the catalog as a relationship, in entity-id order within each kind."""
    of = catalog.of_kind
    for opd in of("opd"):
        if opd.induk:
            b.relate(xml_id(opd.induk), "Composition", xml_id(opd.id))
    for pb in of("proses_bisnis"):
        b.relate(xml_id(pb.opd), "Assignment", xml_id(pb.id))
        b.refs_in(pb.opd_terkait, "Association", pb, "OPD terkait")
        if pb.induk:
            b.relate(xml_id(pb.induk), "Composition", xml_id(pb.id))
        b.refs(pb, "Access", pb.data)
    for data in of("data_informasi"):
        b.refs_in([data.produsen_data], "Association", data, "produsen data")
        b.refs_in([data.wali_data], "Association", data, "wali data")
    for layanan in of("layanan"):
        b.relate(xml_id(layanan.unit_pelaksana), "Assignment", xml_id(layanan.id))
        b.refs_in(layanan.proses_bisnis, "Realization", layanan, None)
        b.refs_in(layanan.aplikasi, "Serving", layanan, None)
    for app in of("aplikasi"):
        if app.pemilik:
            b.refs_in([app.pemilik], "Association", app, "pemilik")
        b.refs(app, "Serving", app.opd_pengguna, "pengguna")
        b.refs(app, "Access", app.data)
        b.refs_in(app.infrastruktur, "Serving", app, None)
        b.refs(app, "Flow", app.integrasi, "integrasi")
    for infra in of("infrastruktur"):
        if infra.opd:
            b.refs_in([infra.opd], "Association", infra, "pengelola")
    for sec in of("keamanan"):
        b.refs_in([sec.opd], "Association", sec, "penanggung jawab")
        b.refs(sec, "Association", sec.objek, "melindungi")
    for kind in ("peta_rencana", "program"):
        for item in of(kind):
            b.relate(xml_id(item.opd_pj), "Assignment", xml_id(item.id))
            b.refs_in(item.opd_pendukung, "Association", item, "OPD pendukung")
            targets = item.mengubah if kind == "peta_rencana" else item.terkait_spbe
            b.refs(
                item, "Association", targets, "mengubah" if kind == "peta_rencana" else "terkait"
            )
            if kind == "program":
                for nomor in item.misi:
                    b.relate(
                        xml_id(item.id), "Association", own_id("misi", str(nomor)), "mendukung"
                    )
    meta = catalog.metadata
    if meta is not None and meta.visi:
        for misi in meta.misi:
            b.relate(own_id("visi"), "Aggregation", own_id("misi", str(misi.nomor)))
    for kind in ENTITY_KINDS:
        if "regulasi" not in MODELS[kind].model_fields:
            continue
        for entity in of(kind):
            b.refs_in(entity.regulasi, "Association", entity, "dasar")
            b.refs_in(entity.regulasi_dibutuhkan, "Association", entity, "dibutuhkan")


def _views(model: ArchiModel, members: dict[str, list[str]]) -> list[View]:
    """One view per domain: its elements on a grid, with the relationships among them."""
    view_of = {element_id: kind for kind, ids in members.items() for element_id in ids}
    connections: dict[str, list[tuple[str, str, str, str]]] = {kind: [] for kind in members}
    for rel in model.relationships.values():  # one pass, in relationship order
        kind = view_of.get(rel.source)
        if kind is not None and view_of.get(rel.target) == kind:
            prefix = own_id("view", kind)
            connections[kind].append(
                (
                    f"{prefix}--{rel.identifier[4:]}",
                    rel.identifier,
                    f"{prefix}--{rel.source[3:]}",
                    f"{prefix}--{rel.target[3:]}",
                )
            )
    views = []
    for kind, ids in members.items():
        columns = max(1, math.ceil(math.sqrt(len(ids))))
        nodes = []
        for index, element_id in enumerate(ids):
            row, col = divmod(index, columns)
            x = MARGIN + col * (NODE_W + GAP)
            y = MARGIN + row * (NODE_H + GAP)
            nodes.append((own_id("view", kind, element_id[3:]), element_id, x, y))
        label = DOMAIN_LABELS[kind]
        views.append(View(own_id("view", kind), label, tuple(nodes), tuple(connections[kind])))
    return views


# -- XML --------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return escape(export_text(value)).replace("\r", "&#13;")


def _lang(tag: str, value: str, indent: str) -> str:
    return f'{indent}<{tag} xml:lang="{LANG}">{_text(value)}</{tag}>'


def _properties(props: Iterable[tuple[str, str]], indent: str) -> Iterator[str]:
    props = list(props)
    if not props:
        return
    yield f"{indent}<properties>"
    for key, value in props:
        yield f'{indent}  <property propertyDefinitionRef="{own_id("prop", key)}">'
        yield _lang("value", value, indent + "    ")
        yield f"{indent}  </property>"
    yield f"{indent}</properties>"


def _folder(folder: Folder, indent: str) -> Iterator[str]:
    yield f"{indent}<item>"
    yield _lang("label", folder.label, indent + "  ")
    for child in folder.children:
        yield from _folder(child, indent + "  ")
    for ref in folder.items:
        yield f'{indent}  <item identifierRef="{ref}" />'
    yield f"{indent}</item>"


def model_chunks(model: ArchiModel, lines: int = 20000) -> Iterator[bytes]:
    """The model as OEF XML (UTF-8, LF, two-space indent, elements in schema order).

    In encoded chunks of ``lines`` lines: a national model is never whole in memory.
    """
    batch: list[str] = []
    for line in _model_lines(model):
        batch.append(line)
        if len(batch) >= lines:
            yield ("\n".join(batch) + "\n").encode("utf-8")
            batch = []
    if batch:
        yield ("\n".join(batch) + "\n").encode("utf-8")


def _model_lines(model: ArchiModel) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    yield f'<model xmlns="{NAMESPACE}"'
    yield '       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    yield f'       xsi:schemaLocation="{SCHEMA_LOCATION}"'
    yield f'       identifier="{model.identifier}">'
    yield _lang("name", model.name, "  ")
    yield _lang("documentation", model.documentation, "  ")
    if model.elements:
        yield ("  <elements>")
        for el in model.elements.values():
            yield (f'    <element identifier="{el.identifier}" xsi:type="{el.type}">')
            yield (_lang("name", el.name, "      "))
            if el.documentation:
                yield (_lang("documentation", el.documentation, "      "))
            yield from (_properties(el.properties, "      "))
            yield ("    </element>")
        yield ("  </elements>")
    if model.relationships:
        yield ("  <relationships>")
        for rel in model.relationships.values():
            extra = ' accessType="ReadWrite"' if rel.type == "Access" else ""
            head = (
                f'    <relationship identifier="{rel.identifier}" source="{rel.source}" '
                f'target="{rel.target}" xsi:type="{rel.type}"{extra}'
            )
            if rel.name:
                yield (head + ">")
                yield (_lang("name", rel.name, "      "))
                yield ("    </relationship>")
            else:
                yield (head + " />")
        yield ("  </relationships>")
    if model.folders:
        yield ("  <organizations>")
        for folder in model.folders:
            yield from (_folder(folder, "    "))
        yield ("  </organizations>")
    yield ("  <propertyDefinitions>")
    for key, name, type_ in PROPERTIES:
        yield (f'    <propertyDefinition identifier="{own_id("prop", key)}" type="{type_}">')
        yield (_lang("name", name, "      "))
        yield ("    </propertyDefinition>")
    yield ("  </propertyDefinitions>")
    if model.views:
        yield "  <views>"
        yield "    <diagrams>"
        for view in model.views:
            yield (f'      <view identifier="{view.identifier}" xsi:type="Diagram">')
            yield (_lang("name", view.name, "        "))
            for node_id, element_id, x, y in view.nodes:
                yield (
                    f'        <node identifier="{node_id}" elementRef="{element_id}" '
                    f'xsi:type="Element" x="{x}" y="{y}" w="{NODE_W}" h="{NODE_H}" />'
                )
            for conn_id, rel_id, source, target in view.connections:
                yield (
                    f'        <connection identifier="{conn_id}" relationshipRef="{rel_id}" '
                    f'xsi:type="Relationship" source="{source}" target="{target}" />'
                )
            yield ("      </view>")
        yield "    </diagrams>"
        yield "  </views>"
    yield ("</model>")
