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
#: A call that prints a section (``prosa("x")``, not the test ``ada_prosa("x")``).
_PRINT = re.compile(r"""(?<![A-Za-z0-9_])prosa\(\s*["']([A-Za-z0-9_]+)["']\s*\)""")
#: A Markdown heading line of a template: its level and text.
_HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*$")
#: Template code inside a heading (a computed number, a condition).
_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
#: A heading's number: ``BAB IV``, ``1.2``, ``4.`` (the rest is its title).
_NUMBER = re.compile(r"^(?:BAB\s+[IVXLC]*\s*|[0-9.]+\s*|\.\s*)+")


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


@dataclass(frozen=True)
class SectionPlace:
    """Where a document prints a prose section: the titles of its chapter and sub-heading.

    Titles as the document's table of contents words them, without their numbers (a number may
    be computed when the document is written): ``Pendahuluan`` and ``Latar Belakang``; ``heading``
    is empty when the section stands directly under its chapter (``Penutup``).
    """

    chapter: str
    heading: str = ""
    #: The template line of the call (1-based): sections in the order the document prints them.
    line: int = 0


@functools.cache
def section_documents() -> dict[str, tuple[str, ...]]:
    """Section name -> the documents whose built-in template prints it."""
    found: dict[str, set[str]] = {}
    for document, text in _document_templates():
        for section in _CALL.findall(text):
            found.setdefault(section, set()).add(document)
    return {section: tuple(sorted(docs)) for section, docs in found.items()}


@functools.cache
def section_places() -> dict[str, dict[str, SectionPlace]]:
    """Section name -> document -> where its built-in template first prints the section.

    The place is the nearest chapter (``##``) and sub-heading (``###`` and deeper) above the
    ``prosa("...")`` call, read from the template as it is written.
    """
    found: dict[str, dict[str, SectionPlace]] = {}
    for document, text in _document_templates():
        chapter, heading = "", ""
        for number, line in enumerate(text.splitlines(), start=1):
            matched = _HEADING.match(line)
            if matched:
                title = heading_title(matched.group(2))
                if len(matched.group(1)) == 2:
                    chapter, heading = title, ""
                else:
                    heading = title
            for section in _PRINT.findall(line):
                place = SectionPlace(chapter, heading, number)
                found.setdefault(section, {}).setdefault(document, place)
    return found


def heading_title(text: str) -> str:
    """A template heading as a title without its number: ``BAB I PENDAHULUAN`` -> ``Pendahuluan``.

    A chapter written in capitals reads in title case (``Gambaran Umum Daerah``, ``Visi, Misi
    dan Sasaran``); acronyms in it (``SPBE``, ``(SPLP)``) stay as written.
    """
    plain = " ".join(_TEMPLATE_CODE.sub(" ", text).split())
    plain = _NUMBER.sub("", plain).strip()
    if plain != plain.upper():
        return plain
    words = []
    for number, word in enumerate(plain.split()):
        bare = word.strip("(),.;:")
        if bare in _ACRONYMS or word.startswith("("):
            words.append(word)
        elif number and bare.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)


#: Words a title in title case keeps in lower case (after its first word).
_SMALL_WORDS = frozenset({"dan", "serta", "atau", "di", "ke", "dari", "untuk", "per", "yang"})
#: Capitalised words of the chapter titles that are acronyms, kept in capitals.
_ACRONYMS = frozenset({"SPBE", "SPLP", "SIA-SPBE", "TIK", "OPD", "RPJMD", "SWOT", "SDM"})


def _document_templates() -> list[tuple[str, str]]:
    """Each built-in document template (partials aside) as (document name, text)."""
    from spbe_cli.render.pipeline import builtin_templates

    return [
        (template.name.split(".", 1)[0], template.read_text("utf-8"))
        for template in sorted(builtin_templates().glob("*.j2"))
        if not template.name.startswith("_")  # partials: no document of their own
    ]


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
