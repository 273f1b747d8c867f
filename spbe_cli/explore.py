"""Look around a catalog: ``list`` a kind, ``show`` one element, ``graph`` the links around it.

The link graph is :mod:`spbe_cli.links` (the same one the reference check and ``diff`` use),
in both directions: what an element refers to and what refers to it ("digunakan oleh"). Graph
output escapes every id and label so catalog text cannot break the Mermaid or DOT syntax.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from spbe_cli import owners
from spbe_cli.catalog import Catalog
from spbe_cli.errors import Location, UsageError, location_fields, with_hint
from spbe_cli.formatting import number
from spbe_cli.i18n import t
from spbe_cli.links import Link, entity_links, links_from, references_to
from spbe_cli.markup import dot_text, json_dumps, mermaid_text, safe
from spbe_cli.models import ENTITY_KINDS
from spbe_cli.similarity import did_you_mean

#: The field shown in the "kategori" column, per kind.
CATEGORY_FIELD = {
    "opd": "jenis",
    "regulasi": "jenis",
    "proses_bisnis": "rab",
    "data_informasi": "rad",
    "layanan": "ral",
    "aplikasi": "raa",
    "infrastruktur": "rai",
    "keamanan": "rak",
    "program": "dimensi",
    "peta_rencana": "muatan",
    "kesiapan": "pilar",
}


def check_kind(kind: str) -> str:
    """The kind, or a usage error naming the kinds (and the closest one)."""
    if kind in ENTITY_KINDS:
        return kind
    message = t("explore.unknown_kind", kind=kind, kinds=", ".join(ENTITY_KINDS))
    raise UsageError(with_hint(message, did_you_mean(kind, ENTITY_KINDS)))


def check_filters(catalog: Catalog, opd: str | None, dimensi: str | None) -> None:
    """Refuse an ``--opd`` or ``--dimensi`` the catalog does not know (exit 2).

    The one check of these filters for ``list``, ``progress`` and ``sync``: a typo is an error
    with the closest id, never an empty table that reads as "nothing there".
    """
    if opd is not None and catalog.kinds.get(opd) != "opd":
        known = catalog.ids_of("opd")
        message = t("progress.unknown_opd", opd=opd)
        raise UsageError(with_hint(message, did_you_mean(opd, known)))
    if dimensi is not None and dimensi not in catalog.reference.dimensi:
        known = list(catalog.reference.dimensi)
        message = t("progress.unknown_dimensi", dimensi=dimensi, values=", ".join(known))
        raise UsageError(with_hint(message, did_you_mean(dimensi, known)))


def statuses(kind: str) -> tuple[str, ...]:
    """The values the ``status`` of a kind may take (its model's Literal), or () without one."""
    from spbe_cli.reference.values import literal_values

    return literal_values(kind, "status")


def check_status(kind: str, status: str | None) -> None:
    """Refuse a ``--status`` the kind cannot have (exit 2), naming the values it can."""
    if status is None:
        return
    allowed = statuses(kind)
    if not allowed:
        raise UsageError(t("explore.filter_na", filter="--status", kind=kind))
    if status not in allowed:
        message = t("explore.unknown_status", status=status, kind=kind, values=", ".join(allowed))
        raise UsageError(with_hint(message, did_you_mean(status, allowed)))


def check_id(catalog: Catalog, entity_id: str) -> str:
    """The id, or a usage error with the closest ids."""
    if entity_id in catalog.entities:
        return entity_id
    message = t("explore.unknown_id", id=entity_id)
    raise UsageError(with_hint(message, did_you_mean(entity_id, sorted(catalog.entities))))


def label_of(catalog: Catalog, entity_id: str) -> str:
    """A human name for an entity: nama, a regulation's citation, or the id."""
    entity = catalog.entities.get(entity_id)
    if entity is None:
        return entity_id
    if catalog.kinds[entity_id] == "regulasi":
        return regulation_label(catalog, entity)
    if catalog.kinds[entity_id] == "kesiapan":
        return f"{entity.pilar}/{entity.sub_aspek}"
    return str(getattr(entity, "nama", entity_id))


def regulation_label(catalog: Catalog, reg: Any) -> str:
    """A regulation as readers cite it with its subject (:func:`formatting.citation`).

    ``Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik``;
    one not enacted yet is told by its subject and status, as the progress report tells it.
    """
    from spbe_cli.formatting import full_citation

    return full_citation(reg, catalog.pemda_nama)


# -- list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of ``spbe list``."""

    id: str
    nama: str
    opd: str
    kategori: str
    status: str
    tahun: str


def _status(entity: Any) -> str:
    """The status column: a program's or Peta Rencana item's as its latest progress entry says.

    The same status ``spbe progress`` and the documents count (a program the OPD reports as
    ``berjalan`` is not listed as the ``usulan`` it was planned as).
    """
    if hasattr(entity, "progres"):
        from spbe_cli.status import current_status

        return current_status(entity)
    return str(getattr(entity, "status", "") or "")


def _years(entity: Any) -> tuple[int, int] | None:
    if hasattr(entity, "tahun_mulai"):
        return int(entity.tahun_mulai), int(entity.tahun_selesai)
    year = getattr(entity, "tahun", None)
    return (int(year), int(year)) if isinstance(year, int) else None


def list_entities(
    catalog: Catalog,
    kind: str,
    *,
    opd: str | None = None,
    dimensi: str | None = None,
    status: str | None = None,
    tahun: int | None = None,
) -> list[Row]:
    """Entities of one kind that pass the filters, in id order."""
    check_kind(kind)
    if opd is not None and kind != "opd" and owners.owner_field(kind) is None:
        raise UsageError(t("explore.filter_na", filter="--opd", kind=kind))
    if dimensi is not None and kind != "program":
        raise UsageError(t("explore.filter_na", filter="--dimensi", kind=kind))
    check_filters(catalog, opd, dimensi)
    check_status(kind, status)
    rows: list[Row] = []
    entity: Any
    for entity in catalog.of_kind(kind):
        owner = _owner(kind, entity)
        years = _years(entity)
        if opd is not None and owner != opd:
            continue
        if dimensi is not None and entity.dimensi != dimensi:
            continue
        state = _status(entity)
        if status is not None and state != status:
            continue
        if tahun is not None and (years is None or not years[0] <= tahun <= years[1]):
            continue
        if years is None:
            year_text = ""
        elif years[0] == years[1]:
            year_text = str(years[0])
        else:
            year_text = f"{years[0]}-{years[1]}"
        rows.append(
            Row(
                entity.id,
                label_of(catalog, entity.id),
                str(owner),
                str(getattr(entity, CATEGORY_FIELD.get(kind, ""), "") or ""),
                state,
                year_text,
            )
        )
    return rows


def _owner(kind: str, entity: Any) -> str:
    """The ``opd`` column of a row: the owning OPD (:mod:`spbe_cli.owners`), an OPD's parent."""
    if kind == "opd":
        return str(entity.induk or "")
    return owners.responsible_opd(entity) or ""


def list_headers() -> list[str]:
    """Column titles of ``spbe list``."""
    return [t(f"explore.col.{c}") for c in ("id", "nama", "opd", "kategori", "status", "tahun")]


def list_cells(rows: list[Row]) -> list[list[str]]:
    """The rows as table cells."""
    return [[r.id, r.nama, r.opd, r.kategori, r.status, r.tahun] for r in rows]


def list_json(kind: str, rows: list[Row]) -> str:
    """The rows as a JSON document."""
    data = {
        "schema": "spbe.list/1",
        "jenis": kind,
        "jumlah": len(rows),
        "entitas": [
            {
                "id": r.id,
                "nama": r.nama,
                "opd": r.opd or None,
                "kategori": r.kategori or None,
                "status": r.status or None,
                "tahun": r.tahun or None,
            }
            for r in rows
        ],
    }
    return json_dumps(data)


# -- show -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One link into or out of the shown element, with where it is written."""

    field: str
    other: str
    kind: str
    label: str
    location: Location | None


@dataclass(frozen=True)
class Shown:
    """Everything ``spbe show`` prints about one element."""

    id: str
    kind: str
    label: str
    location: Location
    fields: dict[str, Any]
    refers_to: list[Reference]
    used_by: list[Reference]
    #: The status of the latest progress entry, when it is not the ``status`` in the file
    #: (what ``spbe list`` and ``spbe progress`` show for the element).
    current_status: str | None = None


def _plain(value: Any) -> Any:
    """Model data as YAML/JSON would hold it: numbers as numbers, dates as text, no empties."""
    if isinstance(value, dict):
        pruned = {(k if isinstance(k, (int, str)) else str(k)): _plain(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {})}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def entity_fields(entity: Any) -> dict[str, Any]:
    """Every field an element has (defaults included, empty ones left out), kind and id first."""
    data = _plain(entity.model_dump(mode="python"))
    head = {k: data.pop(k) for k in ("entitas", "id") if k in data}
    return {**head, **data}


def show_entity(catalog: Catalog, entity_id: str) -> Shown:
    """Every field of one element, what it refers to, and what refers to it."""
    check_id(catalog, entity_id)
    kind = catalog.kinds[entity_id]
    entity = catalog.entities[entity_id]
    fields = entity_fields(entity)
    refers = [
        Reference(
            link.path,
            link.target,
            catalog.kind(link.target) or "?",
            label_of(catalog, link.target),
            link.location(catalog),
        )
        for link in links_from(catalog, entity_id)
    ]
    # By kind, id and field (a stable sort: one field's items stay in their order).
    found = references_to(catalog, {entity_id}).get(entity_id, [])
    used = [
        Reference(
            link.path,
            link.source,
            link.kind,
            _referrer_label(catalog, link),
            link.location(catalog),
        )
        for link in sorted(found, key=lambda link: (link.kind, link.source, link.field))
    ]
    current = _status(entity)
    return Shown(
        entity_id,
        kind,
        label_of(catalog, entity_id),
        catalog.where(entity_id),
        fields,
        refers,
        used,
        current if current != str(getattr(entity, "status", "") or "") else None,
    )


def _referrer_label(catalog: Catalog, link: Link) -> str:
    """The name of who makes a reference: an element's, or the pemda's for the metadata."""
    if link.kind == "metadata" and catalog.metadata is not None:
        return str(catalog.metadata.pemda.nama)
    return label_of(catalog, link.source)


def show_text(shown: Shown) -> list[str]:
    """``spbe show`` as text: heading, fields as YAML, outgoing and incoming links."""
    from spbe_cli.yamlio import dump_yaml

    lines = [f"{shown.kind} {shown.id}: {shown.label}", f"  {shown.location}"]
    if shown.current_status is not None:
        lines.append("  " + t("explore.current_status", status=shown.current_status))
    lines.append("")
    lines += dump_yaml(shown.fields).rstrip("\n").splitlines()
    lines += ["", t("explore.refers_to", n=len(shown.refers_to))]
    lines += [f"  {r.field} -> {r.other} ({r.kind}) {r.label}" for r in shown.refers_to]
    lines += ["", t("explore.used_by", n=len(shown.used_by))]
    lines += [
        f"  {r.location or '-'}: {r.other} ({r.kind}, {r.field}) {r.label}" for r in shown.used_by
    ]
    return [safe(line) for line in lines]


def show_json(shown: Shown) -> str:
    """``spbe show`` as a JSON document."""

    def ref(r: Reference) -> dict[str, Any]:
        return {
            "field": r.field,
            "id": r.other,
            "jenis": r.kind,
            "nama": r.label,
            **location_fields(r.location),
        }

    data = {
        "schema": "spbe.show/1",
        "id": shown.id,
        "jenis": shown.kind,
        "nama": shown.label,
        **location_fields(shown.location),
        "status_terkini": shown.current_status,
        "field": shown.fields,
        "merujuk_ke": [ref(r) for r in shown.refers_to],
        "digunakan_oleh": [ref(r) for r in shown.used_by],
    }
    return json_dumps(data)


# -- graph ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    """Nodes (id, kind, label) and edges (source, target, field), both sorted."""

    nodes: list[tuple[str, str, str]]
    edges: list[tuple[str, str, str]]


def build_graph(catalog: Catalog, root: str | None = None, depth: int = 1) -> Graph:
    """The links around ``root`` up to ``depth`` steps (either direction), or the whole catalog."""
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, entity_id, entity in catalog.items():
        out[entity_id] = [
            (link.target, link.field)
            for link in entity_links(kind, entity_id, entity)
            if link.target in catalog.entities
        ]
    if root is None:
        keep = set(catalog.entities)
    else:
        check_id(catalog, root)
        if depth < 0:
            raise UsageError(t("explore.bad_depth"))
        incoming: dict[str, list[str]] = {}
        for source, targets in out.items():
            for target, _field in targets:
                incoming.setdefault(target, []).append(source)
        keep = {root}
        queue = deque([(root, 0)])
        while queue:
            node, dist = queue.popleft()
            if dist >= depth:
                continue
            for nxt in [t_ for t_, _f in out.get(node, [])] + incoming.get(node, []):
                if nxt not in keep:
                    keep.add(nxt)
                    queue.append((nxt, dist + 1))
    nodes = sorted((i, catalog.kinds[i], label_of(catalog, i)) for i in keep)
    edges = sorted(
        {
            (source, target, name)
            for source in keep
            for target, name in out.get(source, [])
            if target in keep
        }
    )
    return Graph(nodes, edges)


_COLOURS = {
    "opd": "#e2e8f0",
    "regulasi": "#fefcbf",
    "proses_bisnis": "#c6f6d5",
    "data_informasi": "#bee3f8",
    "layanan": "#fed7e2",
    "aplikasi": "#e9d8fd",
    "infrastruktur": "#feebc8",
    "keamanan": "#fed7d7",
    "program": "#b2f5ea",
    "peta_rencana": "#c3dafe",
    "kesiapan": "#edf2f7",
}


def to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart; node names are generated (n0, n1, ...), labels are escaped."""
    names = {node_id: f"n{n}" for n, (node_id, _k, _l) in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node_id, _kind, label in graph.nodes:
        lines.append(f'  {names[node_id]}["{mermaid_text(node_id)}<br/>{mermaid_text(label)}"]')
    for source, target, name in graph.edges:
        lines.append(f'  {names[source]} -->|"{mermaid_text(name)}"| {names[target]}')
    kinds = sorted({kind for _i, kind, _l in graph.nodes})
    for kind in kinds:
        lines.append(f"  classDef {kind} fill:{_COLOURS.get(kind, '#ffffff')},stroke:#4a5568")
        members = ",".join(names[i] for i, k, _l in graph.nodes if k == kind)
        lines.append(f"  class {members} {kind}")
    return "\n".join(lines) + "\n"


#: Mermaid's own limits (its ``maxEdges`` and ``maxTextSize`` defaults): a larger diagram is
#: refused by every Mermaid renderer (GitHub, GitLab, mermaid.live) with "Maximum ... exceeded".
MERMAID_MAX_EDGES = 500
MERMAID_MAX_TEXT = 50_000


def fits_mermaid(graph: Graph, text: str) -> bool:
    """Tell whether a Mermaid diagram stays within Mermaid's edge and text limits."""
    return len(graph.edges) <= MERMAID_MAX_EDGES and len(text) <= MERMAID_MAX_TEXT


def group_graph(graph: Graph) -> Graph:
    """One node per kind (with its count) and one edge per kind pair and field (with its count).

    The view of a graph too large for Mermaid: what links to what, and how often.
    """
    kinds = {node_id: kind for node_id, kind, _label in graph.nodes}
    counts: dict[str, int] = {}
    for kind in kinds.values():
        counts[kind] = counts.get(kind, 0) + 1
    links: dict[tuple[str, str, str], int] = {}
    for source, target, name in graph.edges:
        key = (kinds[source], kinds[target], name)
        links[key] = links.get(key, 0) + 1
    return Graph(
        nodes=sorted((kind, kind, t("explore.kind_count", n=n)) for kind, n in counts.items()),
        edges=sorted((a, b, f"{name} ({number(n)})") for (a, b, name), n in links.items()),
    )


def to_dot(graph: Graph) -> str:
    """A Graphviz digraph; every id and label is a quoted, escaped string."""
    lines = ["digraph spbe {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled"];']
    for node_id, kind, label in graph.nodes:
        colour = _COLOURS.get(kind, "#ffffff")
        lines.append(
            f'  "{dot_text(node_id)}" [label="{dot_text(node_id)}\\n{dot_text(label)}", '
            f'fillcolor="{colour}", tooltip="{dot_text(kind)}"];'
        )
    for source, target, name in graph.edges:
        lines.append(f'  "{dot_text(source)}" -> "{dot_text(target)}" [label="{dot_text(name)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
