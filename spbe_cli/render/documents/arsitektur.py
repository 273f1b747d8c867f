"""Arsitektur SPBE: six domains with their reference codes, traceability, Aplikasi Umum."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from spbe_cli.formatting import reading_order
from spbe_cli.links import ARSITEKTUR
from spbe_cli.models import DOMAIN_LABELS, DOMAINS
from spbe_cli.models.common import in_use
from spbe_cli.owners import responsible_opd
from spbe_cli.render import figures as fg
from spbe_cli.render import standar
from spbe_cli.render.context import RenderInput, invert
from spbe_cli.render.registry import DocumentSpec, register_document

#: A matrix is drawn as a grid only while it stays readable; beyond that, as link lists.
MATRIX_MAX_COLUMNS = 12
MATRIX_MAX_ROWS = 60


@dataclass(frozen=True)
class CodeGroup:
    """Elements of one domain under one reference code."""

    kode: str
    nama: str
    elements: list[Any]


@dataclass(frozen=True)
class Domain:
    """One of the six domains."""

    kind: str
    prefix: str
    elements: list[Any]
    codes: list[CodeGroup]
    status: dict[str, int]


@dataclass(frozen=True)
class Matrix:
    """Links from one domain to another: a grid when small, link lists per OPD when large."""

    key: str
    rows: list[tuple[Any, list[str]]]
    columns: list[Any]
    grid: list[tuple[Any, list[bool]]]
    groups: list[tuple[str, list[tuple[Any, list[str]]]]]
    unlinked: list[Any]

    @property
    def dense(self) -> bool:
        """True when drawn as a grid."""
        return bool(self.grid)

    @property
    def links(self) -> int:
        """Number of links."""
        return sum(len(targets) for _, targets in self.rows)


def _group(inp: RenderInput, row: Any) -> str:
    """The group of a matrix row: its owning OPD, else the national applications together."""
    value = responsible_opd(row)
    if value:
        return str(inp.opd[value])
    if getattr(row, "pemilik_tipe", "pemda") != "pemda":
        return "Aplikasi pusat (kementerian/lembaga)"
    return "Tanpa perangkat daerah tercatat"


def _matrix(key: str, rows: list[Any], columns: list[Any], field: str, inp: RenderInput) -> Matrix:
    linked = [(row, list(getattr(row, field))) for row in rows]
    # A row without links is named once, after the table ("... tanpa tautan"), not also shown
    # as an empty row of it.
    shown = [(row, targets) for row, targets in linked if targets]
    grid: list[tuple[Any, list[bool]]] = []
    used_ids = {t for _, targets in shown for t in targets}
    used = [c for c in columns if c.id in used_ids]
    if shown and len(used) <= MATRIX_MAX_COLUMNS and len(shown) <= MATRIX_MAX_ROWS:
        for row, targets in shown:
            wanted = set(targets)
            grid.append((row, [c.id in wanted for c in used]))
    groups: dict[str, list[tuple[Any, list[str]]]] = defaultdict(list)
    if not grid:
        for row, targets in shown:
            groups[_group(inp, row)].append((row, targets))
    ordered = sorted(groups.items(), key=lambda group: reading_order(group[0]))
    return Matrix(key, linked, used, grid, ordered, [r for r, t in linked if not t])


def _duplicates(inp: RenderInput, aplikasi: list[Any]) -> list[tuple[Any, Any]]:
    """Pairs of look-alike applications, as the SPBE409 check found them (not recomputed)."""
    findings = [f for f in inp.findings if f.code == "SPBE409" and f.related]
    if not findings:
        return []
    catalog = inp.catalog
    at = {catalog.where(app.id, "id"): app for app in aplikasi}
    pairs = []
    for finding in findings:
        second, first = at.get(finding.location), at.get(finding.related[0].location)
        if first is not None and second is not None:
            pairs.append((first, second))
    return sorted(pairs, key=lambda pair: (pair[0].id, pair[1].id))


@dataclass(frozen=True)
class ArsitekturContext:
    """What the Arsitektur template receives (converted to plain data at the boundary).

    One field per section; a new section adds a field here and a step below.
    """

    gambar: dict[str, Any]
    """Figure specs by directive key; they go to the writers, never to the template."""
    domains: list[Domain]
    ringkas_jumlah: dict[str, int]
    domain: dict[str, Domain]
    matrices: list[Matrix]
    keamanan: list[tuple[str, int, int, list[Any]]]
    protected: dict[str, list[str]]
    aplikasi_umum: list[tuple[Any, list[Any]]]
    aplikasi_umum_lain: list[tuple[str, list[Any]]]
    setara: list[Any]
    duplikat: list[tuple[Any, Any]]
    prefixes: dict[str, str]
    chain: dict[str, int]


def _domains(inp: RenderInput) -> list[Domain]:
    """The six domains, each with its elements by reference code and its status counts."""
    ref = inp.catalog.reference
    domains: list[Domain] = []
    for kind, (prefix, code_field) in DOMAINS.items():
        elements = sorted(inp.of_kind(kind), key=attrgetter(code_field, "id"))
        grouped: dict[str, list[Any]] = {}
        for element in elements:
            grouped.setdefault(getattr(element, code_field), []).append(element)
        codes = [
            CodeGroup(kode, (ref.codes[kode].nama if kode in ref.codes else None) or "", items)
            for kode, items in grouped.items()
        ]
        status: dict[str, int] = defaultdict(int)
        for element in elements:
            status[element.status] += 1
        domains.append(Domain(kind, prefix, elements, codes, dict(status)))
    return domains


def _matrices(inp: RenderInput, by_kind: dict[str, list[Any]]) -> list[Matrix]:
    """Service to application, application to data and application to infrastructure."""
    aplikasi = by_kind["aplikasi"]
    return [
        _matrix("layanan_aplikasi", by_kind["layanan"], aplikasi, "aplikasi", inp),
        _matrix("aplikasi_data", aplikasi, by_kind["data_informasi"], "data", inp),
        _matrix("aplikasi_infrastruktur", aplikasi, by_kind["infrastruktur"], "infrastruktur", inp),
        _matrix("proses_data", by_kind["proses_bisnis"], by_kind["data_informasi"], "data", inp),
    ]


def _security(
    by_kind: dict[str, list[Any]], protected: dict[str, list[str]]
) -> list[tuple[str, int, int, list[Any]]]:
    """Per asset kind: how many assets, how many a security element protects, the others."""
    keamanan = []
    for kind in ("data_informasi", "aplikasi", "infrastruktur"):
        assets = by_kind[kind]
        covered = [a for a in assets if a.id in protected]
        uncovered = [a for a in assets if a.id not in protected]
        keamanan.append((kind, len(assets), len(covered), uncovered))
    return keamanan


def _common_apps(
    inp: RenderInput, aplikasi: list[Any]
) -> tuple[list[tuple[Any, list[Any]]], list[tuple[str, list[Any]]], list[Any]]:
    """National Aplikasi Umum with their users, unknown ones named, and their equivalents."""
    ref = inp.catalog.reference
    umum_use: dict[str, list[Any]] = defaultdict(list)
    setara: list[Any] = []
    for app in filter(in_use, aplikasi):  # a discontinued application uses nothing
        if app.kategori == "umum" and app.aplikasi_umum:
            umum_use[app.aplikasi_umum].append(app)
        if app.kategori == "khusus" and app.setara_aplikasi_umum:
            setara.append(app)
    known = [(au, umum_use.get(au_id, [])) for au_id, au in ref.aplikasi_umum.items()]
    unknown = [(au_id, umum_use[au_id]) for au_id in sorted(set(umum_use) - set(ref.aplikasi_umum))]
    return known, unknown, setara


def _chain(by_kind: dict[str, list[Any]], matrices: list[Matrix]) -> dict[str, int]:
    """The number of links along the domain chain."""
    return {
        "layanan_proses": sum(len(x.proses_bisnis) for x in by_kind["layanan"]),
        "layanan_aplikasi": matrices[0].links,
        "aplikasi_data": matrices[1].links,
        "aplikasi_infrastruktur": matrices[2].links,
        "keamanan_objek": sum(len(k.objek) for k in by_kind["keamanan"]),
        "proses_data": sum(len(p.data) for p in by_kind["proses_bisnis"]),
    }


def _chain_figure(domains: list[Domain], chain: dict[str, int]) -> fg.Chain | None:
    """The domain chain with the number of elements and links (None without elements)."""
    count = {d.kind: len(d.elements) for d in domains}
    if not any(count.values()):
        return None
    order = ("proses_bisnis", "layanan", "aplikasi", "data_informasi", "infrastruktur", "keamanan")
    return fg.Chain(
        title="Rantai domain Arsitektur SPBE",
        nodes=tuple(
            fg.ChainNode(DOMAIN_LABELS[kind], f"{count[kind]} elemen", kind) for kind in order
        ),
        links=(
            f"{chain['layanan_proses']} tautan layanan ke proses bisnis",
            f"{chain['layanan_aplikasi']} tautan layanan ke aplikasi",
            f"{chain['aplikasi_data']} tautan aplikasi ke data",
            f"{chain['aplikasi_infrastruktur']} tautan aplikasi ke infrastruktur",
            f"{chain['keamanan_objek']} objek yang dilindungi",
        ),
    )


def build(inp: RenderInput) -> ArsitekturContext:
    """Template context of the Arsitektur SPBE, section by section."""
    domains = _domains(inp)
    by_kind = {d.kind: d.elements for d in domains}
    matrices = _matrices(inp, by_kind)
    protected = invert({k.id: k.objek for k in by_kind["keamanan"]})
    aplikasi_umum, aplikasi_umum_lain, setara = _common_apps(inp, by_kind["aplikasi"])
    chain = _chain(by_kind, matrices)
    return ArsitekturContext(
        gambar={"rantai-domain": _chain_figure(domains, chain)},
        domains=domains,
        ringkas_jumlah={d.kind: len(d.elements) for d in domains},
        domain={d.kind: d for d in domains},
        matrices=matrices,
        keamanan=_security(by_kind, protected),
        protected=protected,
        aplikasi_umum=aplikasi_umum,
        aplikasi_umum_lain=aplikasi_umum_lain,
        setara=setara,
        duplikat=_duplicates(inp, by_kind["aplikasi"]),
        prefixes=inp.catalog.reference.prefixes,
        chain=chain,
    )


register_document(
    DocumentSpec(
        name="arsitektur",
        dokumen="arsitektur",
        build=build,
        sections=(standar.arsitektur,),  # the standard chapters
        order=20,
        kinds=("metadata", "opd", "regulasi", "referensi", *ARSITEKTUR),
    )
)
