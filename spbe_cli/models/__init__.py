"""Catalog models, one per kind of YAML document, keyed by the document's ``entitas``.

The model modules do not use ``from __future__ import annotations``: a field's type is then an
object when the class is made, where pydantic otherwise compiled and evaluated some three
hundred annotation strings on every start (1.5 % of ``spbe validate``). Only a class named
before it is defined is written in quotes.
"""

from functools import cache
from types import ModuleType

from pydantic import BaseModel

from spbe_cli.models.arsitektur import (
    Aplikasi,
    DataInformasi,
    Elemen,
    Infrastruktur,
    Justifikasi,
    Keamanan,
    Layanan,
    ProsesBisnis,
)
from spbe_cli.models.common import (
    ID_MAX,
    ID_PATTERN,
    Anggaran,
    Base,
    Entity,
    Indikator,
    Nomenklatur,
    Periode,
    Progres,
)
from spbe_cli.models.evaluasi import EvaluasiMandiri, Penilaian
from spbe_cli.models.organisasi import OPD, Metadata, Referensi, Regulasi
from spbe_cli.models.smartcity import Kesiapan, Mitra, PetaRencana, Program, Rencana

#: Every kind of document, by the value of its ``entitas`` key, in the order documents list them.
MODELS: dict[str, type[BaseModel]] = {
    "metadata": Metadata,
    "opd": OPD,
    "regulasi": Regulasi,
    "referensi": Referensi,
    "proses_bisnis": ProsesBisnis,
    "data_informasi": DataInformasi,
    "layanan": Layanan,
    "aplikasi": Aplikasi,
    "infrastruktur": Infrastruktur,
    "keamanan": Keamanan,
    "program": Program,
    "peta_rencana": PetaRencana,
    "kesiapan": Kesiapan,
    "evaluasi_mandiri": EvaluasiMandiri,
}

#: Kinds whose documents carry an ``id`` unique across the catalog.
ENTITY_KINDS = tuple(k for k in MODELS if k not in ("metadata", "referensi"))

#: The six architecture domains, in the order of Perpres 95/2018, with their reference prefix.
DOMAINS: dict[str, tuple[str, str]] = {
    "proses_bisnis": ("RAB", "rab"),
    "data_informasi": ("RAD", "rad"),
    "layanan": ("RAL", "ral"),
    "aplikasi": ("RAA", "raa"),
    "infrastruktur": ("RAI", "rai"),
    "keamanan": ("RAK", "rak"),
}

#: The names readers see for the six domains (documents, figures, exports).
DOMAIN_LABELS: dict[str, str] = {
    "proses_bisnis": "Proses Bisnis",
    "data_informasi": "Data dan Informasi",
    "layanan": "Layanan SPBE",
    "aplikasi": "Aplikasi SPBE",
    "infrastruktur": "Infrastruktur SPBE",
    "keamanan": "Keamanan SPBE",
}

SCHEMA_VERSION = 1


@cache
def describe_fields() -> None:
    """Give every model field the docstring written under it as its description (once).

    What pydantic's ``use_attribute_docstrings`` does, for the commands that show descriptions
    (the JSON Schemas, the comments of ``spbe new``) instead of at every import: it read and
    parsed the source of each of the 40-odd classes, about a tenth of the start-up of ``spbe
    validate``. The same rule: a field's description is the string right under it in the class
    that declares it (a subclass inherits it, a field declared again without one has none), and
    a description given with ``Field(description=...)`` stays. A model that already validated
    is built again, so that its JSON Schema carries the descriptions too.
    """
    import sys

    from spbe_cli.catalog import nested_models

    found: dict[str, dict[str, dict[str, str]]] = {}
    seen: set[type[BaseModel]] = set()
    ordered: list[type[BaseModel]] = []  # a model after the models nested in it

    def visit(cls: type[BaseModel]) -> None:
        if cls not in seen:
            seen.add(cls)
            for info in cls.__pydantic_fields__.values():
                for nested in nested_models(info.annotation):
                    visit(nested)
            ordered.append(cls)

    todo: list[type[BaseModel]] = [Base]
    while todo:
        cls = todo.pop()
        visit(cls)
        todo.extend(cls.__subclasses__())
    for cls in ordered:
        for name, info in cls.__pydantic_fields__.items():
            if info.description is None:
                owner = next(c for c in cls.__mro__ if name in vars(c).get("__annotations__", {}))
                module = owner.__module__
                if module not in found:
                    found[module] = field_docstrings(sys.modules[module])
                info.description = found[module].get(owner.__qualname__, {}).get(name)
    for cls in ordered:
        if cls.__pydantic_complete__:
            cls.model_rebuild(force=True)


def field_docstrings(module: ModuleType) -> dict[str, dict[str, str]]:
    """The docstring under each field of each class of ``module``: class -> field -> text.

    A docstring is a string statement right after an annotated name (``nama: Nama``), cleaned
    as ``inspect.cleandoc`` cleans docstrings; a module whose source cannot be read has none.
    """
    import ast
    import inspect

    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):  # pragma: no cover - an installation without sources
        return {}
    result: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs = result.setdefault(node.name, {})
        for before, statement in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(before, ast.AnnAssign)
                and isinstance(before.target, ast.Name)
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                docs[before.target.id] = inspect.cleandoc(statement.value.value)
    return result


__all__ = [
    "DOMAINS",
    "DOMAIN_LABELS",
    "ENTITY_KINDS",
    "ID_MAX",
    "ID_PATTERN",
    "MODELS",
    "OPD",
    "SCHEMA_VERSION",
    "Anggaran",
    "Aplikasi",
    "Base",
    "DataInformasi",
    "Elemen",
    "Entity",
    "EvaluasiMandiri",
    "Indikator",
    "Infrastruktur",
    "Justifikasi",
    "Keamanan",
    "Kesiapan",
    "Layanan",
    "Metadata",
    "Mitra",
    "Nomenklatur",
    "Penilaian",
    "Periode",
    "PetaRencana",
    "Program",
    "Progres",
    "ProsesBisnis",
    "Referensi",
    "Regulasi",
    "Rencana",
    "describe_fields",
    "field_docstrings",
]
