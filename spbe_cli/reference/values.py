"""The values a catalog field accepts, and their readers' labels: the one home.

A field holds a code when the model fixes its values (a ``Literal``: ``status``,
``anggaran[].sumber``) or when a rule checks it against a list of the reference data
(``data_informasi.sifat`` against ``sifat_data``, ``program.elemen`` against the elements of its
``dimensi``). Every command that needs to know asks here:

* editor completion (:mod:`spbe_cli.lsp.workspace`) offers :func:`codes` of the field under the
  cursor, found by its path (``anggaran[].sumber``, not just ``sumber``: the entity's own
  ``sumber`` takes other values);
* ``spbe new`` (:mod:`spbe_cli.scaffold`) writes them as ``# Pilihan: ...`` comments;
* the readers' "Daftar Perubahan" (:mod:`spbe_cli.render.changes`) shows a code by its label;
* the reference rule (SPBE206, :mod:`spbe_cli.checks.references`) checks :data:`REFERENCE_LISTS`;
* ``spbe explore --status``, the SIA-SPBE export and the budget tables read the model's values.

A path names a field of a kind's model and the models nested in it: ``status``,
``pemda.jenis``, ``sasaran[].indikator[].arah`` (``[]`` after a list of items, ``*`` for the key
of a mapping: ``strategi_dimensi.*.sasaran[]``). A field that is a list of codes
(``program.pilar_kesiapan``) has the codes of its items.

Reference lists are read from the reference data handed in, so a catalog's own declarations
(``entitas: referensi``) count wherever the caller passes the extended reference.
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

#: Fields checked against a list of the reference data: kind -> path -> list name (a name of
#: ``Reference.lists()``, or ``elemen``, ``sub_aspek``, ``urusan``, ``aplikasi_umum``).
REFERENCE_LISTS: dict[str, dict[str, str]] = {
    "data_informasi": {
        "sifat": "sifat_data",
        "jenis": "jenis_data",
        "validitas": "validitas_data",
        "pembina_data": "pembina_data",
    },
    "infrastruktur": {"jenis": "jenis_infrastruktur"},
    "keamanan": {"jenis": "jenis_keamanan"},
    "peta_rencana": {"muatan": "muatan"},
    "kesiapan": {"pilar": "pilar_kesiapan", "sub_aspek": "sub_aspek"},
    "aplikasi": {
        "bidang": "bidang_aplikasi_umum",
        "aplikasi_umum": "aplikasi_umum",
        "setara_aplikasi_umum": "aplikasi_umum",
    },
    "program": {
        "dimensi": "dimensi",
        "elemen": "elemen",
        "pilar_kesiapan": "pilar_kesiapan",
        "lokasi": "wilayah",
    },
    "opd": {"urusan": "urusan", "kode_wilayah": "wilayah"},
    # the lists a catalog may extend (SPBE209 checks it)
    "referensi": {"daftar": "daftar"},
}

#: What ``entitas: referensi`` extends besides the value lists: RA codes and smart city elements.
EXTENSIBLE = ("arsitektur", "elemen_smart_city")

#: Lists split by the value of another field of the same entity: list -> that field.
GROUPED_BY = {"elemen": "dimensi", "sub_aspek": "pilar"}

#: Lists that are not the whole set of what a catalog may write: the bundled region data knows
#: one kabupaten, the urusan nomenclature is an example. Offered to complete, not as a choice.
OPEN_LISTS = frozenset({"wilayah", "urusan"})

#: Fields that are not a value of the document but its kind (every kind is its own model).
_KIND_FIELD = "entitas"


@dataclass(frozen=True)
class Coded:
    """A field that holds a code: where it is and where its values come from."""

    kind: str
    #: ``status``, ``anggaran[].sumber``
    path: str
    #: The model's fixed values (its ``Literal``), in the model's order; empty for a list field.
    literal: tuple[str, ...] = ()
    #: The reference list the field is checked against (``sifat_data``), or "".
    reference: str = ""

    @property
    def name(self) -> str:
        """The field's own name: ``sumber`` for ``anggaran[].sumber``."""
        return _segments(self.path)[-1]

    @property
    def parent(self) -> str:
        """The name of the field that holds this one (``anggaran``), or "" at the top."""
        segments = _segments(self.path)
        return segments[-2] if len(segments) > 1 else ""

    @property
    def grouped_by(self) -> str:
        """The sibling field whose value picks the codes (``dimensi`` for ``elemen``), or ""."""
        return GROUPED_BY.get(self.reference, "")

    @property
    def closed(self) -> bool:
        """Whether the values are the whole set a catalog may write (a choice, not a hint)."""
        return self.reference not in OPEN_LISTS


def _segments(path: str) -> list[str]:
    """The field names of a path (``a[].*.b`` -> ``a``, ``b``: ``*`` is a mapping's key)."""
    return [part.removesuffix("[]") for part in path.split(".") if part != "*"]


def code_words(code: str) -> str:
    """A code without a label in words: ``bagi_pakai`` -> ``Bagi pakai``, ``APBD`` stays."""
    from spbe_cli.formatting import kapital

    return kapital(code.replace("_", " "))


# -- the models ------------------------------------------------------------------------------


def _is_list(annotation: Any) -> bool:
    """Whether a type is a list (through ``Optional`` and ``Annotated``)."""
    return _container(annotation) == "[]"


def _container(annotation: Any) -> str:
    """How a path goes into a field's items: ``[]`` for a list, ``.*`` for a mapping, else ""."""
    origin = typing.get_origin(annotation)
    if origin is list:
        return "[]"
    if origin is dict:
        return ".*"
    if origin is typing.Literal:
        return ""
    return next((c for c in map(_container, typing.get_args(annotation)) if c), "")


def literals(annotation: Any) -> tuple[str, ...]:
    """The text values of every ``Literal`` in a type (through ``Optional``, lists, ...)."""
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(value) for value in typing.get_args(annotation) if isinstance(value, str))
    found = (v for arg in typing.get_args(annotation) for v in literals(arg))
    return tuple(dict.fromkeys(found))


@functools.cache
def field_paths(kind: str) -> dict[str, Any]:
    """Every field of a kind, nested ones too: path -> its pydantic ``FieldInfo``.

    A field that holds a model (or a list of them) is listed and so are the model's fields
    (``anggaran`` and ``anggaran[].sumber``); a model met again below itself is not walked twice.
    """
    from spbe_cli.catalog import nested_models
    from spbe_cli.models import MODELS

    found: dict[str, Any] = {}

    def walk(model: type[BaseModel], prefix: str, seen: tuple[type[BaseModel], ...]) -> None:
        for name, info in model.model_fields.items():
            path = prefix + name
            found[path] = info
            for sub in nested_models(info.annotation):
                if sub not in seen:
                    walk(sub, f"{path}{_container(info.annotation)}.", (*seen, sub))

    walk(MODELS[kind], "", (MODELS[kind],))
    return found


@functools.cache
def coded(kind: str) -> dict[str, Coded]:
    """Every field of a kind that holds a code, by path (in the order of the model)."""
    lists = REFERENCE_LISTS.get(kind, {})
    result: dict[str, Coded] = {}
    for path, info in field_paths(kind).items():
        if path == _KIND_FIELD:
            continue
        values = literals(info.annotation)
        if values or path in lists:
            result[path] = Coded(kind, path, values, lists.get(path, ""))
    return result


def find(kind: str | None, path: str) -> list[Coded]:
    """The coded field at ``path`` of ``kind``; of every kind that has one when kind is None."""
    from spbe_cli.models import MODELS

    kinds = [kind] if kind in MODELS else list(MODELS) if kind is None else []
    return [field for k in kinds for field in coded(k).values() if _matches(field.path, path)]


def _matches(pattern: str, path: str) -> bool:
    """Whether a written path is a field's path (``*`` there stands for any mapping key)."""
    want, got = pattern.split("."), path.split(".")
    return len(want) == len(got) and all(w in ("*", g) for w, g in zip(want, got, strict=True))


def named(kind: str | None, name: str, parent: str = "") -> list[Coded]:
    """The coded fields called ``name`` (inside a field called ``parent``, when given).

    For a caller that knows a field by its name only (a diff's data path); ``kind`` None: every
    kind.
    """
    from spbe_cli.models import MODELS

    kinds = [kind] if kind in MODELS else list(MODELS) if kind is None else []
    return [
        field
        for k in kinds
        for field in coded(k).values()
        if field.name == name and (not parent or field.parent == parent)
    ]


@functools.cache
def coded_names() -> frozenset[str]:
    """The name of every field of any kind that holds a code (``status``, ``sifat``, ...)."""
    from spbe_cli.models import MODELS

    return frozenset(field.name for kind in MODELS for field in coded(kind).values())


def literal_values(kind: str, path: str) -> tuple[str, ...]:
    """The model's fixed values of a field, in the model's order (() when it has none)."""
    field = coded(kind).get(path)
    return field.literal if field is not None else ()


def path_at(kind: str, loc: tuple[str | int, ...]) -> str | None:
    """The path of the field a pydantic error location points at, or None.

    ``("anggaran", 0, "sumber")`` -> ``anggaran[].sumber``; ``("strategi_dimensi", "smart_x",
    "sasaran", 0, ...)`` -> ``strategi_dimensi.*.sasaran[]...``.
    """
    paths = field_paths(kind)
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += "[]"
            continue
        named_path = f"{path}.{part}" if path else str(part)
        key_path = f"{path}.*"
        if named_path in paths:
            path = named_path
        elif path and any(p.startswith(key_path + ".") for p in paths):
            path = key_path  # a key of a mapping of items
        else:
            return None
    return path or None


def literal_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[str, ...]:
    """The fixed values of the field at a pydantic error location of a catalog model, or ()."""
    from spbe_cli.models import MODELS

    kind = next((k for k, m in MODELS.items() if m is model), None)
    path = path_at(kind, loc) if kind is not None else None
    return literal_values(kind, path) if kind is not None and path is not None else ()


@functools.cache
def list_fields(kind: str) -> tuple[tuple[str, str], ...]:
    """``(field, list)`` of a kind's top-level fields checked against a plain reference list.

    SPBE206 checks these one value each; the lists split by another field (``elemen``), and
    those with a rule of their own (wilayah, urusan, Aplikasi Umum, a list of pillars), are
    checked by their rules.
    """
    special = {*GROUPED_BY, *OPEN_LISTS, "aplikasi_umum", "daftar"}
    return tuple(
        (path, name)
        for path, name in REFERENCE_LISTS.get(kind, {}).items()
        if name not in special and not _is_list(field_paths(kind)[path].annotation)
    )


# -- the values ------------------------------------------------------------------------------


def groups(field: Coded, reference: Any) -> dict[str, dict[str, str]]:
    """The codes of a grouped list by the value that picks them (``{dimensi: {elemen: nama}}``)."""
    if field.reference == "elemen":
        return dict(reference.elemen)
    if field.reference == "sub_aspek":
        return dict(reference.sub_aspek)
    return {}


def codes(field: Coded, reference: Any, within: str | None = None) -> dict[str, str]:
    """The codes a field accepts -> their readers' labels.

    A fixed value reads as words (``bagi_pakai``: ``Bagi pakai``); a code of a reference list
    by its name there. For a grouped list, the codes of the group ``within`` names (every group's
    when None or unknown). ``reference``: the :class:`~spbe_cli.reference.Reference` (extended by
    the catalog, where the caller has it), or the plain record of it a template reads.
    """
    from spbe_cli.reference import LIST_TABLES

    if field.literal:
        return {code: code_words(code) for code in field.literal}
    name = field.reference
    if name in GROUPED_BY:
        tables = groups(field, reference)
        picked = [tables[within]] if within in tables else list(tables.values())
        return {code: str(label) for table in picked for code, label in table.items()}
    if name == "aplikasi_umum":
        return {code: str(app.nama) for code, app in reference.aplikasi_umum.items()}
    if name == "daftar":
        names = [*EXTENSIBLE, *reference.daftar, *LIST_TABLES]
        return {code: code_words(code) for code in names}
    if name == "urusan":
        table = reference.urusan
    elif name in LIST_TABLES:
        table = getattr(reference, LIST_TABLES[name])
    else:
        table = reference.daftar.get(name, {})
    return {code: str(label) for code, label in table.items()}


def label(kind: str, name: str, code: str, reference: Any, parent: str = "") -> str | None:
    """The readers' label of a code of a reference list in the field ``name`` of a kind.

    ``parent``: the field that holds it ("" at the top, which is looked at first). None when
    the field holds no reference list or the list has no such code (a fixed value of the model
    is for the caller to word: :func:`code_words`).
    """
    fields = [field for field in named(kind, name, parent) if field.reference]
    fields.sort(key=lambda field: field.parent != parent)
    for field in fields:
        found = codes(field, reference).get(code)
        if found is not None:
            return found
    return None
