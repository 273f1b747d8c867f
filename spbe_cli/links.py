"""Which fields of which kinds refer to which other kinds: the catalog's link graph.

Used by the reference check, by ``show`` ("digunakan oleh"), by ``graph`` and by ``diff``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ARSITEKTUR = ("proses_bisnis", "data_informasi", "layanan", "aplikasi", "infrastruktur", "keamanan")
_REG = (("regulasi", ("regulasi",)), ("regulasi_dibutuhkan", ("regulasi",)))

#: kind -> ((field, allowed target kinds), ...). A field holds one id or a list of ids.
REF_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "opd": (("induk", ("opd",)),),
    "regulasi": (("dicabut_oleh", ("regulasi",)),),
    "proses_bisnis": (
        ("opd", ("opd",)),
        ("induk", ("proses_bisnis",)),
        ("data", ("data_informasi",)),
        ("opd_terkait", ("opd",)),
        *_REG,
    ),
    "data_informasi": (("produsen_data", ("opd",)), ("wali_data", ("opd",)), *_REG),
    "layanan": (
        ("unit_pelaksana", ("opd",)),
        ("proses_bisnis", ("proses_bisnis",)),
        ("aplikasi", ("aplikasi",)),
        *_REG,
    ),
    "aplikasi": (
        ("pemilik", ("opd",)),
        ("opd_pengguna", ("opd",)),
        ("data", ("data_informasi",)),
        ("infrastruktur", ("infrastruktur",)),
        ("integrasi", ("aplikasi",)),
        *_REG,
    ),
    "infrastruktur": (("opd", ("opd",)), *_REG),
    "keamanan": (
        ("opd", ("opd",)),
        ("objek", ("data_informasi", "aplikasi", "infrastruktur")),
        *_REG,
    ),
    "program": (
        ("opd_pj", ("opd",)),
        ("opd_pendukung", ("opd",)),
        ("terkait_spbe", ARSITEKTUR),
        *_REG,
    ),
    "peta_rencana": (
        ("opd_pj", ("opd",)),
        ("opd_pendukung", ("opd",)),
        ("mengubah", ARSITEKTUR),
        *_REG,
    ),
    "kesiapan": (),
}


@dataclass(frozen=True)
class Link:
    """One reference from an entity field to an id."""

    source: str
    field: str
    index: int | None
    target: str
    allowed: tuple[str, ...]

    @property
    def loc(self) -> tuple[str | int, ...]:
        """Field path of the reference inside the source document."""
        return (self.field,) if self.index is None else (self.field, self.index)


def iter_targets(kind: str, entity: Any) -> Iterator[tuple[str, int | None, str, tuple[str, ...]]]:
    """Yield ``(field, index or None, target id, allowed kinds)`` of each reference, in order.

    What :func:`iter_links` gives, as plain tuples: the reference check walks hundreds of
    thousands of references and builds a :class:`Link` only for the few it reports.
    """
    for name, allowed in REF_FIELDS.get(kind, ()):
        value = getattr(entity, name, None)
        if value is None:
            continue
        if isinstance(value, list):
            for index, target in enumerate(value):
                yield name, index, target, allowed
        else:
            yield name, None, value, allowed


def iter_links(kind: str, entity_id: str, entity: Any) -> Iterator[Link]:
    """Yield every reference an entity makes, in field order."""
    for name, index, target, allowed in iter_targets(kind, entity):
        yield Link(entity_id, name, index, target, allowed)


def metadata_links(metadata: Any) -> Iterator[tuple[tuple[str | int, ...], str, tuple[str, ...]]]:
    """Yield ``(field path, target, allowed kinds)`` for references in the metadata document."""
    for name in ("masterplan", "arsitektur", "peta_rencana"):
        dokumen = getattr(metadata.dokumen, name)
        if dokumen.penetapan:
            yield ("dokumen", name, "penetapan"), dokumen.penetapan, ("regulasi",)
        for index, terkait in enumerate(dokumen.keterkaitan):
            if terkait.regulasi:
                path = ("dokumen", name, "keterkaitan", index, "regulasi")
                yield path, terkait.regulasi, ("regulasi",)
    if metadata.tata_kelola is not None:
        for index, opd in enumerate(metadata.tata_kelola.opd_anggota):
            yield ("tata_kelola", "opd_anggota", index), opd, ("opd",)
        for index, reg in enumerate(metadata.tata_kelola.dasar):
            yield ("tata_kelola", "dasar", index), reg, ("regulasi",)


def reverse_index(catalog: Any) -> dict[str, list[Link]]:
    """Map each id to the links that point at it ("digunakan oleh")."""
    result: dict[str, list[Link]] = {}
    for kind, entity_id, entity in catalog.items():
        for link in iter_links(kind, entity_id, entity):
            result.setdefault(link.target, []).append(link)
    return result


def entity_references(kind: str, entity: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield ``(field path, target id)`` of every reference an entity makes, nested ones too.

    :func:`iter_targets` plus the evidence of a self-assessment (``penilaian[].bukti``), which
    its own check reads.
    """
    for name, index, target, _allowed in iter_targets(kind, entity):
        yield ((name,) if index is None else (name, index)), target
    if kind == "evaluasi_mandiri":
        for index, item in enumerate(entity.penilaian):
            for number, target in enumerate(item.bukti):
                yield ("penilaian", index, "bukti", number), target


def references_to(
    catalog: Any, ids: set[str]
) -> dict[str, list[tuple[str, str, tuple[str | int, ...]]]]:
    """Map each of ``ids`` to the ``(kind, entity id, field path)`` that refer to it.

    Every entity and the metadata document (``("metadata", "metadata", path)``), in id order.
    """
    found: dict[str, list[tuple[str, str, tuple[str | int, ...]]]] = {}
    if catalog.metadata is not None:
        for loc, target, _allowed in metadata_links(catalog.metadata):
            if target in ids:
                found.setdefault(target, []).append(("metadata", "metadata", loc))
    for kind, entity_id, entity in catalog.items():
        for loc, target in entity_references(kind, entity):
            if target in ids:
                found.setdefault(target, []).append((kind, entity_id, loc))
    return found
