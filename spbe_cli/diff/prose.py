"""Prose for the diff: the Markdown files named in ``metadata.prosa``, compared per section.

Prose goes straight into the official documents, so an edit to it is a change of the catalog
like any field. Each section (``latar_belakang``, ...) is compared by the text of the file it
names on each side: a file edited, a section pointing to another file, a section added or
dropped. Which documents a section lands in is read from the built-in document templates (the
sections they call with ``prosa("...")``).

Prose is read only below the catalog folder, as ``spbe validate`` (SPBE208) and ``spbe render``
read it: a path that leaves the catalog is skipped here (validate reports it).
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spbe_cli.gitsource import Snapshot
    from spbe_cli.models import Metadata

_CALL = re.compile(r"""prosa\(\s*["']([A-Za-z0-9_]+)["']\s*\)""")


@dataclass(frozen=True)
class ProseChange:
    """One prose section whose text differs between the two sides."""

    section: str
    #: Documents (template names: ``masterplan``, ``arsitektur``) that print this section.
    documents: tuple[str, ...]
    old_path: str | None
    new_path: str | None
    old: str | None
    new: str | None


@functools.cache
def section_documents() -> dict[str, tuple[str, ...]]:
    """Section name -> the documents whose built-in template prints it."""
    from spbe_cli.render.pipeline import builtin_templates

    found: dict[str, set[str]] = {}
    for template in sorted(builtin_templates().glob("*.j2")):
        if template.name.startswith("_"):
            continue  # partials: no document of their own
        document = template.name.split(".", 1)[0]
        for section in _CALL.findall(template.read_text("utf-8")):
            found.setdefault(section, set()).add(document)
    return {section: tuple(sorted(docs)) for section, docs in found.items()}


def inside(rel: str) -> str | None:
    """A prose path normalised below the catalog folder, or None when it would leave it."""
    if not rel or rel.startswith("/") or "\\" in rel:
        return None
    normal = posixpath.normpath(rel)
    if normal == ".." or normal.startswith("../") or ".git" in normal.split("/"):
        return None
    return normal


def diff_prose(
    old: Snapshot, new: Snapshot, old_meta: Metadata | None, new_meta: Metadata | None
) -> list[ProseChange]:
    """Every prose section whose text differs, in section order."""
    old_map = dict(old_meta.prosa) if old_meta is not None else {}
    new_map = dict(new_meta.prosa) if new_meta is not None else {}
    documents = section_documents()
    changes = []
    for section in sorted(set(old_map) | set(new_map)):
        old_rel = inside(old_map[section]) if section in old_map else None
        new_rel = inside(new_map[section]) if section in new_map else None
        if old_rel is not None and old_rel == new_rel and old.same_text(new, old_rel):
            continue
        before = old.read_text(old_rel) if old_rel is not None else None
        after = new.read_text(new_rel) if new_rel is not None else None
        if before == after:
            continue
        changes.append(
            ProseChange(
                section,
                documents.get(section, ()),
                old.display(old_rel) if old_rel is not None else None,
                new.display(new_rel) if new_rel is not None else None,
                before,
                after,
            )
        )
    return changes
