"""The documents ``spbe render`` knows, by name, and the formats it writes.

A document is a :class:`DocumentSpec`: a name (the ``--doc`` value and the file stem), the key
of its entry under ``metadata.dokumen``, the entity kinds it shows (its "Daftar Perubahan" under
``--since`` lists changes to these) and a function that turns the catalog into the template
context: a frozen dataclass with one typed field per section (a mapping is accepted too), made
plain data at the boundary (:func:`context_values`, then :mod:`spbe_cli.render.plain`). Its one
template ``<name>.j2`` writes document Markdown, parsed once and written as every format.

Every module in :mod:`spbe_cli.render.documents` is imported once and registers its documents
with :func:`register_document`; a new document is a new module there plus its template, without
a change to the pipeline.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from spbe_cli.render.context import RenderInput

#: Output formats in the order they are written; all three are writers of one parsed document.
FORMATS = ("md", "html", "docx")

#: What a builder hands over: a frozen dataclass with one typed field per section (the
#: documents of spbe), or a mapping of names to values (a simpler or older builder).
BuiltContext: TypeAlias = "DataclassInstance | Mapping[str, Any]"
Builder = Callable[["RenderInput"], BuiltContext]


def build_context(spec: DocumentSpec, inp: RenderInput) -> dict[str, Any]:
    """A document's context: its builder's values, then those of its further sections.

    A section's value replaces one of the same name; figures (``gambar``) are joined.
    """
    values = context_values(spec.build(inp))
    for section in spec.sections:
        for key, value in context_values(section(inp)).items():
            if key == "gambar":
                values["gambar"] = {**values.get("gambar", {}), **value}
            else:
                values[key] = value
    return values


def context_values(built: BuiltContext) -> dict[str, Any]:
    """A builder's context as named template values: a dataclass field by field, or a mapping.

    The values are converted to plain data afterwards (:mod:`spbe_cli.render.plain`).
    """
    if dataclasses.is_dataclass(built) and not isinstance(built, type):
        return {f.name: getattr(built, f.name) for f in dataclasses.fields(built)}
    assert isinstance(built, Mapping)
    return dict(built)


@dataclass(frozen=True)
class DocumentSpec:
    """One document: how to build its template context and what to call its files."""

    name: str
    """``--doc`` value and file stem, e.g. ``peta-rencana``."""
    dokumen: str | None
    """Attribute of ``metadata.dokumen`` holding title, period and version (None: no entry)."""
    build: Builder
    """Catalog -> template context (a frozen dataclass, or a mapping of names to values)."""
    order: int = 100
    """Position in ``--doc all`` and in messages."""
    formats: tuple[str, ...] = FORMATS
    """Formats this document supports."""
    sections: tuple[Builder, ...] = ()
    """Further builders whose values join the context (the standard chapters of
    :mod:`spbe_cli.render.standar`); their figures join ``gambar``."""
    kinds: tuple[str, ...] = ()
    """Entity kinds the document shows: its "Daftar Perubahan" (``--since``) lists the changes
    to these (none: the document has no such section)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Free room for extensions (e.g. a flag for ``--since``)."""

    def template(self) -> str:
        """Name of the document's one template (all formats are written from it)."""
        return f"{self.name}.j2"

    def legacy_template(self) -> str:
        """Name of the former Markdown template, still honoured in override folders."""
        return f"{self.name}.md.j2"


_REGISTRY: dict[str, DocumentSpec] = {}
_loaded = {"done": False}


def register_document(spec: DocumentSpec) -> DocumentSpec:
    """Add a document to the registry (a later registration of a name replaces the earlier)."""
    _REGISTRY[spec.name] = spec
    return spec


def documents() -> dict[str, DocumentSpec]:
    """Every registered document by name, in document order."""
    if not _loaded["done"]:
        _loaded["done"] = True
        package = importlib.import_module("spbe_cli.render.documents")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
    return dict(sorted(_REGISTRY.items(), key=lambda item: (item[1].order, item[0])))
