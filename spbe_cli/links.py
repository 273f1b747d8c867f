"""Which fields of which kinds refer to which other kinds: the catalog's link graph.

The one home of "what does this entity refer to" and "who refers to this id, through which
field": the reference checks, ``show`` (merujuk ke, digunakan oleh), ``graph``, ``diff``
(SPBE711's references left to an id), the unreadable-id hint and the editor's completion all
read it. A reference is one of an entity's top-level fields (:data:`REF_FIELDS`), a
self-assessment's ``penilaian[].bukti`` or one of the metadata document's fields
(:data:`NESTED_REF_KEYS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog
    from spbe_cli.errors import Location

#: Where a reference is inside its document: field names and list positions.
FieldPath = tuple[str | int, ...]

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

#: What a self-assessment's ``bukti`` may name: any identified element except another evaluation.
BUKTI_KINDS = (
    "opd",
    "regulasi",
    "proses_bisnis",
    "data_informasi",
    "layanan",
    "aplikasi",
    "infrastruktur",
    "keamanan",
    "program",
    "peta_rencana",
    "kesiapan",
)

#: References below the top level, per kind of document: the key holding the id -> the kinds it
#: may name. What :func:`metadata_links` and :func:`bukti_links` walk, and what the editor
#: offers to complete there.
NESTED_REF_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "metadata": {
        "penetapan": ("regulasi",),
        "regulasi": ("regulasi",),
        "opd_anggota": ("opd",),
        "dasar": ("regulasi",),
    },
    "evaluasi_mandiri": {"bukti": BUKTI_KINDS},
}
_META = NESTED_REF_KEYS["metadata"]
#: The documents of the metadata (``dokumen.<name>``), each with its references.
_DOKUMEN = ("masterplan", "arsitektur", "peta_rencana")
#: The fields of the metadata that hold ids, by their names (list positions left out): what
#: :func:`metadata_links` walks.
_META_FIELDS = frozenset(
    {
        *(("dokumen", name, "penetapan") for name in _DOKUMEN),
        *(("dokumen", name, "keterkaitan", "regulasi") for name in _DOKUMEN),
        ("tata_kelola", "opd_anggota"),
        ("tata_kelola", "dasar"),
    }
)


@dataclass(frozen=True)
class Link:
    """One reference: who makes it, where in its document, to which id.

    ``kind`` and ``source`` are ``"metadata"`` for the metadata document.
    """

    kind: str
    source: str
    loc: FieldPath
    target: str
    allowed: tuple[str, ...]

    @property
    def field(self) -> str:
        """The field's name without list positions (``penilaian.bukti``): an edge's label."""
        return ".".join(part for part in self.loc if isinstance(part, str))

    @property
    def path(self) -> str:
        """The field with its list positions, as ``diff`` writes it (``penilaian[3].bukti[0]``)."""
        from spbe_cli.diff.changeset import Key, field_path  # the one format of a field path

        return field_path([part if isinstance(part, str) else Key(part) for part in self.loc])

    def location(self, catalog: Catalog) -> Location | None:
        """Where the reference is written (None for a document made in code, without a source)."""
        if self.kind == "metadata":
            source = catalog.metadata_source
            return source.location(*self.loc) if source is not None else None
        return catalog.where_known(self.source, *self.loc)


def iter_targets(kind: str, entity: Any) -> Iterator[tuple[str, int | None, str, tuple[str, ...]]]:
    """Yield ``(field, index or None, target id, allowed kinds)`` of each top-level reference.

    The hot path of the reference check, which walks hundreds of thousands of references as
    plain tuples and builds a :class:`Link` only for the few it reports; every other reader
    wants :func:`entity_references` (``bukti`` too).
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


def bukti_links(index: int, penilaian: Any) -> Iterator[tuple[FieldPath, str, tuple[str, ...]]]:
    """Yield ``(field path, target, allowed kinds)`` of the ``bukti`` of ``penilaian[index]``."""
    allowed = NESTED_REF_KEYS["evaluasi_mandiri"]["bukti"]
    for number, target in enumerate(penilaian.bukti):
        yield ("penilaian", index, "bukti", number), target, allowed


def metadata_links(metadata: Any) -> Iterator[tuple[FieldPath, str, tuple[str, ...]]]:
    """Yield ``(field path, target, allowed kinds)`` for references in the metadata document."""
    for name in _DOKUMEN:
        dokumen = getattr(metadata.dokumen, name)
        if dokumen.penetapan:
            yield ("dokumen", name, "penetapan"), dokumen.penetapan, _META["penetapan"]
        for index, terkait in enumerate(dokumen.keterkaitan):
            if terkait.regulasi:
                path = ("dokumen", name, "keterkaitan", index, "regulasi")
                yield path, terkait.regulasi, _META["regulasi"]
    if metadata.tata_kelola is not None:
        for index, opd in enumerate(metadata.tata_kelola.opd_anggota):
            yield ("tata_kelola", "opd_anggota", index), opd, _META["opd_anggota"]
        for index, reg in enumerate(metadata.tata_kelola.dasar):
            yield ("tata_kelola", "dasar", index), reg, _META["dasar"]


def nested_references(kind: str, entity: Any) -> Iterator[tuple[FieldPath, str, tuple[str, ...]]]:
    """Yield ``(field path, target, allowed kinds)`` of the references below the top level.

    A self-assessment's ``bukti`` (:data:`NESTED_REF_KEYS`); nothing for any other kind.
    """
    if kind == "evaluasi_mandiri":
        for index, item in enumerate(entity.penilaian):
            yield from bukti_links(index, item)


def entity_references(kind: str, entity: Any) -> Iterator[tuple[FieldPath, str, tuple[str, ...]]]:
    """Yield ``(field path, target, allowed kinds)`` of every reference an entity makes.

    In field order: its fields (:func:`iter_targets`), then a self-assessment's ``bukti``
    (:func:`nested_references`).
    """
    for name, index, target, allowed in iter_targets(kind, entity):
        yield ((name,) if index is None else (name, index)), target, allowed
    yield from nested_references(kind, entity)


def holds_references(kind: str, names: Sequence[str]) -> bool:
    """Whether a field of a ``kind`` document holds ids of other entities.

    ``names`` are the field's names from the top of its document, without list positions or
    keys: ``("integrasi",)`` of an application, ``("penilaian", "bukti")`` of a
    self-assessment, ``("tata_kelola", "dasar")`` of the metadata. The fields
    :func:`entity_references` and :func:`metadata_links` walk; any other field holds words,
    even one that reads like an id (a ``catatan`` of ``APP-02``).
    """
    names = tuple(names)
    if kind == "metadata":
        return names in _META_FIELDS
    if kind == "evaluasi_mandiri":
        return names == ("penilaian", "bukti")
    return len(names) == 1 and any(name == names[0] for name, _ in REF_FIELDS.get(kind, ()))


def entity_links(kind: str, entity_id: str, entity: Any) -> Iterator[Link]:
    """:func:`entity_references` as :class:`Link`."""
    for loc, target, allowed in entity_references(kind, entity):
        yield Link(kind, entity_id, loc, target, allowed)


def links_from(catalog: Catalog, entity_id: str) -> Iterator[Link]:
    """Every reference the entity ``entity_id`` of ``catalog`` makes (none without that entity)."""
    entity = catalog.entities.get(entity_id)
    if entity is not None:
        yield from entity_links(catalog.kinds[entity_id], entity_id, entity)


def metadata_references(catalog: Catalog) -> Iterator[Link]:
    """Every reference the catalog's metadata document makes (none without one)."""
    if catalog.metadata is not None:
        for loc, target, allowed in metadata_links(catalog.metadata):
            yield Link("metadata", "metadata", loc, target, allowed)


def _walk(catalog: Catalog) -> Iterator[tuple[str, str, FieldPath, str, tuple[str, ...]]]:
    """``(kind, source, path, target, allowed)`` of every reference, in :func:`all_links` order.

    Plain tuples: a :class:`Link` is built only for the references a caller keeps.
    """
    if catalog.metadata is not None:
        for loc, target, allowed in metadata_links(catalog.metadata):
            yield "metadata", "metadata", loc, target, allowed
    # Every entity, not catalog.items(): the editor's quick step walks only the edited file's
    # documents there, but who refers to an id is a question about the whole catalog.
    kinds, entities = catalog.kinds, catalog.entities
    for entity_id in sorted(entities):
        kind = kinds[entity_id]
        for loc, target, allowed in entity_references(kind, entities[entity_id]):
            yield kind, entity_id, loc, target, allowed


class ReferenceIndex:
    """Which entities refer to an id, by the id's case-folded form (``diskominfo``).

    For the questions about one id that would otherwise walk every reference of a catalog
    (:func:`spbe_cli.checks.case_claims` of the ids an edit retyped, how often an id is
    referred to): the editor keeps one and brings it up to date entity by entity
    (:meth:`refresh`), as edits load them again. The metadata's references are not in it (a
    question walks that one document).
    """

    def __init__(self) -> None:
        #: folded id -> the entities that refer to it (in the order they were indexed)
        self.by_fold: dict[str, dict[str, None]] = {}
        #: entity -> the folded ids it refers to
        self.folds_of: dict[str, tuple[str, ...]] = {}

    @classmethod
    def of(cls, catalog: Catalog) -> ReferenceIndex:
        """The index of every entity of ``catalog`` (one walk of its references)."""
        index = cls()
        index.refresh(catalog, catalog.entities)
        return index

    def refresh(self, catalog: Catalog, ids: Iterable[str]) -> None:
        """Index ``ids`` again as ``catalog`` has them now (gone ones are dropped)."""
        by_fold, folds_of = self.by_fold, self.folds_of
        for entity_id in ids:
            for fold in folds_of.pop(entity_id, ()):
                referrers = by_fold.get(fold)
                if referrers is not None:
                    referrers.pop(entity_id, None)
                    if not referrers:
                        del by_fold[fold]
            entity = catalog.entities.get(entity_id)
            if entity is None:
                continue
            references = entity_references(catalog.kinds[entity_id], entity)
            folds = tuple(dict.fromkeys(target.casefold() for _, target, _ in references))
            if folds:
                folds_of[entity_id] = folds
                for fold in folds:
                    by_fold.setdefault(fold, {})[entity_id] = None

    def referrers(self, folds: Iterable[str]) -> list[str]:
        """The entities that refer to an id of one of ``folds`` (case-folded), each once."""
        found: dict[str, None] = {}
        for fold in folds:
            found.update(self.by_fold.get(fold, {}))
        return list(found)


def reference_counts(
    catalog: Catalog, ids: set[str], index: ReferenceIndex | None = None
) -> dict[str, int]:
    """How many references name each of ``ids`` exactly (ids nobody names are left out).

    With an ``index`` of the catalog only the entities that refer to them are walked;
    without, every reference (:func:`references_to`).
    """
    if index is None:
        return {target: len(links) for target, links in references_to(catalog, ids).items()}
    counts: dict[str, int] = {}
    if catalog.metadata is not None:
        for _, target, _ in metadata_links(catalog.metadata):
            if target in ids:
                counts[target] = counts.get(target, 0) + 1
    kinds, entities = catalog.kinds, catalog.entities
    for entity_id in index.referrers({target.casefold() for target in ids}):
        entity = entities.get(entity_id)
        if entity is None:
            continue
        for _, target, _ in entity_references(kinds[entity_id], entity):
            if target in ids:
                counts[target] = counts.get(target, 0) + 1
    return counts


def all_links(catalog: Catalog) -> Iterator[Link]:
    """Every reference of the catalog: the metadata document's, then each entity's by id."""
    for found in _walk(catalog):
        yield Link(*found)


def references_to(catalog: Catalog, ids: set[str]) -> dict[str, list[Link]]:
    """Map each of ``ids`` to the references to it: who refers to it, through which field.

    The metadata document first, then the entities by id, each in field order.
    """
    found: dict[str, list[Link]] = {}
    for kind, source, loc, target, allowed in _walk(catalog):
        if target in ids:
            found.setdefault(target, []).append(Link(kind, source, loc, target, allowed))
    return found
