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
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from spbe_cli.gitsource import Snapshot
    from spbe_cli.models import Metadata

_CALL = re.compile(r"""prosa\(\s*["']([A-Za-z0-9_]+)["']\s*\)""")
#: A call that prints a section (``prosa("x")``, not the test ``ada_prosa("x")``).
_PRINT = re.compile(r"""(?<![A-Za-z0-9_])prosa\(\s*["']([A-Za-z0-9_]+)["']\s*\)""")
#: A Markdown heading line of a template: its level and text.
#: (Its trailing spaces are left to :func:`heading_title`: ``(.*?)\s*$`` took quadratic time on
#: a long line of spaces, and a Pemda's own template is untrusted.)
_HEADING = re.compile(r"^(#{2,6})\s+(.*)")
#: Where template code starts inside a heading (a computed number, a condition), and what closes
#: it (see :func:`_without_code`).
_CODE_OPEN = re.compile(r"\{[{%#]")
_CODE_CLOSE = {"{": "}}", "%": "%}", "#": "#}"}
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
    #: Documents whose template (the Pemda's own) render cannot read: whether they print the
    #: section is unknown, and render stops there until the template is repaired.
    unreadable: tuple[str, ...] = ()


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


#: Reads a document template of the Pemda's own by file name (``masterplan.j2``): its text, or
#: None when the Pemda has none (the built-in one is printed).
TemplateReader = Callable[[str], "str | None"]
#: The Pemda's own template folders, in the order render searches them (``--templates``, then
#: the catalog's ``templates/``), each a :data:`TemplateReader`; one reader is one folder.
TemplateFolders: TypeAlias = "TemplateReader | Sequence[TemplateReader]"


def section_documents(own: TemplateFolders | None = None) -> dict[str, tuple[str, ...]]:
    """Section name -> the documents whose template prints it.

    The template each document is written from: the Pemda's own (``own``) before the built-in.
    """
    if own is None:
        return _builtin_documents()
    return _documents(_document_templates(own))


def unreadable_documents(own: TemplateFolders) -> tuple[str, ...]:
    """The documents whose template render would take from ``own`` and cannot read."""
    return tuple(document for document, text in _document_templates(own) if text is None)


@functools.cache
def _builtin_documents() -> dict[str, tuple[str, ...]]:
    return _documents(_document_templates())


def _documents(templates: list[tuple[str, str | None]]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for document, text in templates:
        if text is None:
            continue  # unreadable: what it prints is unknown
        for section in _CALL.findall(text):
            found.setdefault(section, set()).add(document)
        for section, _ in passed_sections(text):
            found.setdefault(section, set()).add(document)
    return {section: tuple(sorted(docs)) for section, docs in found.items()}


#: Characters of a template (partials in place) read for the names it passes (see
#: :func:`passed_sections`).
_PARSED_LIMIT = 256_000
#: ``prosa(name)``: a section printed by a name given while rendering, not written in the call.
_PRINT_NAMED = re.compile(r"(?<![A-Za-z0-9_.])prosa\(\s*[A-Za-z_]")


def passed_sections(text: str) -> list[tuple[str, int]]:
    """Sections a template prints through a name it passes: ``(section, line of the passing)``.

    A Pemda's template may print a section from a macro given its name
    (``{% macro bab(nama) %}{{ prosa(nama) }}{% endmacro %}`` ... ``{{ bab("latar_belakang")
    }}``) or from a loop (``{% for s in ["latar_belakang", "maksud_tujuan"] %}{{ prosa(s) }}``).
    Such a section read "printed by no document" in ``spbe diff``, and the document's "Daftar
    Perubahan" said nothing in it changed. The template is parsed (never run) and each string
    given to a macro parameter or loop variable that reaches ``prosa`` is such a section.
    Only a template with such a call is parsed, and only up to :data:`_PARSED_LIMIT`
    characters (Jinja parses about 1 MB in several seconds; the built-in templates together
    are about 64 KB); one Jinja cannot parse, or longer, gives none.
    """
    if len(text) > _PARSED_LIMIT or _PRINT_NAMED.search(text) is None:
        return []
    from spbe_cli.render.passed import passed_names

    return passed_names(text, "prosa")


def section_places(own: TemplateFolders | None = None) -> dict[str, dict[str, SectionPlace]]:
    """Section name -> document -> where its template first prints the section.

    The place is the nearest chapter (``##``) and sub-heading (``###`` and deeper) above the
    ``prosa("...")`` call, read from the template as it is written: the Pemda's own (``own``)
    before the built-in one, so a section only a Pemda's template prints has its place too.
    """
    if own is None:
        return _builtin_places()
    return _places(_document_templates(own))


@functools.cache
def _builtin_places() -> dict[str, dict[str, SectionPlace]]:
    return _places(_document_templates())


def _places(templates: list[tuple[str, str | None]]) -> dict[str, dict[str, SectionPlace]]:
    found: dict[str, dict[str, SectionPlace]] = {}
    for document, text in templates:
        if text is None:
            continue  # unreadable: what it prints is unknown
        chapter, heading = "", ""
        passed: dict[int, list[str]] = {}
        for section, at in passed_sections(text):
            passed.setdefault(at, []).append(section)
        for number, line in enumerate(text.splitlines(), start=1):
            matched = _HEADING.match(line)
            if matched:
                title = heading_title(matched.group(2))
                if len(matched.group(1)) == 2:
                    chapter, heading = title, ""
                else:
                    heading = title
            for section in [*_PRINT.findall(line), *passed.get(number, ())]:
                place = SectionPlace(chapter, heading, number)
                found.setdefault(section, {}).setdefault(document, place)
    return found


def _without_code(text: str) -> str:
    """``text`` with each ``{{ }}``, ``{% %}`` and ``{# #}`` in it replaced by a space.

    As ``re.sub`` of the lazy ``{{.*?}}``, ``{%.*?%}``, ``{#.*?#}`` would, in linear time: an
    opening never closed is looked for once, not again from each later opening of its kind (a
    line of ``{%{%{%`` took quadratic time).
    """
    parts: list[str] = []
    at = kept = 0
    unclosed: set[str] = set()
    while (opening := _CODE_OPEN.search(text, at)) is not None:
        kind = opening.group()[1]
        end = -1 if kind in unclosed else text.find(_CODE_CLOSE[kind], opening.end())
        if end < 0:
            unclosed.add(kind)
            at = opening.start() + 1
            continue
        parts += [text[kept : opening.start()], " "]
        at = kept = end + 2
    parts.append(text[kept:])
    return "".join(parts)


def heading_title(text: str) -> str:
    """A template heading as a title without its number: ``BAB I PENDAHULUAN`` -> ``Pendahuluan``.

    A chapter written in capitals reads in title case (``Gambaran Umum Daerah``, ``Visi, Misi
    dan Sasaran``); abbreviations in it (``SPBE``, ``(SPLP)``: see
    :func:`spbe_cli.render.abbreviations.kept_capitals`) stay as written.
    """
    from spbe_cli.render.abbreviations import kept_capitals

    plain = " ".join(_without_code(text).split())
    plain = _NUMBER.sub("", plain).strip()
    if plain != plain.upper():
        return plain
    words = []
    capitals = kept_capitals()
    for number, word in enumerate(plain.split()):
        bare = word.strip("(),.;:")
        if bare in capitals or word.startswith("("):
            words.append(word)
        elif number and bare.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)


#: Words a title in title case keeps in lower case (after its first word).
_SMALL_WORDS = frozenset({"dan", "serta", "atau", "di", "ke", "dari", "untuk", "per", "yang"})


def _document_templates(own: TemplateFolders | None = None) -> list[tuple[str, str | None]]:
    """Each document render writes (its registry) as (name, template text), includes expanded.

    With ``own``, the Pemda's template folders (one reader, or several in the order render
    searches them) come before the built-in one, and each document is written from the file
    render picks (:func:`spbe_cli.render.pipeline.pick_template`: the first folder holding
    ``<name>.j2`` or the former ``<name>.md.j2``). A template may split a
    document into partials (``{% include "_pendahuluan.j2" %}``) or print a section from a
    macro of another file (``{% import "_bab.j2" as bab %}`` ... ``{{ bab.latar() }}``): the
    partial's text (the Pemda's own before the built-in, as render looks it up) stands in
    place of the include or the macro's call, so a section printed there is placed in its
    document under the headings around it. Before, such a section read "printed by no
    document" and the "Daftar Perubahan" left it out.
    A template a folder holds and render cannot read (not UTF-8, too large) is None: render
    stops there, and what the document prints is unknown. (Before, the diff
    passed over it for the built-in template, and read a git revision's with its bad bytes
    replaced, so it placed prose in a document render refused to write.) The documents are
    those of render's registry (:func:`spbe_cli.render.registry.documents`), not the built-in
    folder's file names.
    """
    from spbe_cli.render.engine import UNREADABLE
    from spbe_cli.render.pipeline import builtin_templates, folder_reader, pick_template
    from spbe_cli.render.registry import documents

    mine = [] if own is None else [own] if callable(own) else list(own)
    folders = [*mine, folder_reader(builtin_templates())]
    texts: dict[tuple[int, str], str | None] = {}

    def in_folder(number: int, name: str) -> str | None:
        if (number, name) not in texts:
            texts[number, name] = folders[number](name) if _safe_name(name) else None
        return texts[number, name]

    def first(name: str) -> str | None:  # the first folder that holds it, as Jinja's loader
        found = (in_folder(number, name) for number in range(len(folders)))
        return next((text for text in found if text is not None), None)

    def read(name: str) -> str | None:
        text = first(name)
        return None if text is UNREADABLE else text  # render stops there: nothing known

    def holds(number: int) -> Callable[[str], bool]:
        return lambda name: in_folder(number, name) is not None

    found: list[tuple[str, str | None]] = []
    for spec in documents().values():  # the documents render writes, by its registry
        name = pick_template(
            spec.template(), spec.legacy_template(), [holds(n) for n in range(len(folders))]
        )
        text = first(name)
        if text is UNREADABLE:
            found.append((spec.name, None))
        elif text is not None:
            found.append((spec.name, expand_partials(text, read)))
    return found


#: ``{% include "a.j2" %}`` (also ``["a.j2", "b.j2"]``, ``ignore missing``, ``with context``).
#: (A list stops at a ``%``, the tag's end: ``[^\]]*`` read to the end of the text again from
#: each of many ``{% include [`` never closed.)
_INCLUDE = re.compile(r"""\{%-?\s*include\s+(\[[^\]%]*\]|"[^"]*"|'[^']*')[^%]*?-?%\}""")
#: ``{% import "a.j2" as name %}`` and ``{% from "a.j2" import x, y as z %}``.
_IMPORT = re.compile(
    r"""\{%-?\s*(?:import\s+("[^"]*"|'[^']*')\s+as\s+(\w+)"""
    r"""|from\s+("[^"]*"|'[^']*')\s+import\s+(\w+(?:\s+as\s+\w+)?(?:\s*,\s*\w+(?:\s+as\s+\w+)?)*))"""
    r"""(?:\s+(?:with|without)\s+context)?\s*-?%\}"""
)
#: The start of a macro's definition, the end of its signature, its end (see :func:`_macros`).
_MACRO = re.compile(r"""\{%-?\s*macro\s+(\w+)\s*\(""")
_MACRO_HEAD_END = re.compile(r"""\)\s*-?%\}""")
_ENDMACRO = re.compile(r"""\{%-?\s*endmacro\s*-?%\}""")
_QUOTED = re.compile(r"""["']([^"']+)["']""")
#: Partials inside partials followed at most this deep (a template including itself ends).
_INCLUDE_DEPTH = 8
#: Characters a document template may grow to with its partials in place.
_EXPANDED_LIMIT = 1_000_000


def _safe_name(name: str) -> bool:
    """A template name Jinja would look up below its folder (no ``..``, not absolute)."""
    return bool(name) and not name.startswith("/") and ".." not in name.split("/")


def expand_partials(
    text: str, read: TemplateReader, depth: int = 0, seen: dict[str, str | None] | None = None
) -> str:
    """A template's text with its partials in place (see :func:`_document_templates`).

    Each include is replaced by the included template and each call of an imported macro that
    prints prose is followed by the macro's body, recursively. An include or import that
    cannot be read stays as it is, and so does one that would make the text longer than
    :data:`_EXPANDED_LIMIT` (templates are untrusted: ten includes of a partial that includes
    another ten times, eight deep, is 10^8 copies).
    """
    if depth >= _INCLUDE_DEPTH or ("include" not in text and "import" not in text):
        return text
    seen = {} if seen is None else seen
    size = len(text)

    def partial(name: str) -> str | None:
        if name not in seen:  # each partial expanded once
            found = read(name) if _safe_name(name) else None
            seen[name] = None if found is None else expand_partials(found, read, depth + 1, seen)
        return seen[name]

    def include(matched: re.Match[str]) -> str:
        nonlocal size
        for name in _QUOTED.findall(matched.group(1)):  # the first that exists, as Jinja
            found = partial(name)
            if found is not None:
                if size + len(found) > _EXPANDED_LIMIT:
                    break
                size += len(found)
                return f"\n{found}\n"
        return matched.group(0)

    text = _INCLUDE.sub(include, text)
    calls: dict[str, str] = {}  # how the template calls a macro -> its body
    passing: dict[str, None] = {}  # imported macros printing a section by the name given them
    for matched in _IMPORT.finditer(text):
        name = (matched.group(1) or matched.group(3))[1:-1]
        source = partial(name)
        if source is not None and _PRINT_NAMED.search(source):
            passing.update(
                dict.fromkeys(d for d in _macro_definitions(source) if _PRINT_NAMED.search(d))
            )
        if source is None or not _PRINT.search(source):
            continue
        macros = _macros(source)
        if matched.group(2):
            calls.update({f"{matched.group(2)}.{m}": body for m, body in macros.items()})
        else:
            for part in matched.group(4).split(","):
                words = part.split()
                if words and words[0] in macros:
                    calls[words[-1]] = macros[words[0]]
    if passing:
        # Their definitions, after the text (its lines keep their numbers), for
        # :func:`passed_sections` to read which names the template gives them.
        defined = "\n" + "\n".join(passing)
        if size + len(defined) <= _EXPANDED_LIMIT:
            size += len(defined)
            text += defined
    if not calls:
        return text
    called = re.compile(
        r"(?<![\w.])("
        + "|".join(re.escape(c) for c in sorted(calls, key=len, reverse=True))
        + r")\s*\("
    )
    lines = []
    for line in text.split("\n"):
        lines.append(line)
        for matched in called.finditer(line):
            body = calls[matched.group(1)]
            if _PRINT.search(body) and size + len(body) <= _EXPANDED_LIMIT:
                size += len(body)
                lines.append(body)
    return "\n".join(lines)


def _macros(source: str) -> dict[str, str]:
    """Each macro a template defines -> its body (the text between its signature and its end)."""
    return {name: source[body:end] for name, _, body, end, _ in _macro_spans(source)}


def _macro_definitions(source: str) -> list[str]:
    """Each macro a template defines, whole: from ``{% macro`` to ``{% endmacro %}``."""
    return [source[start:after] for _, start, _, _, after in _macro_spans(source)]


def _macro_spans(source: str) -> Iterator[tuple[str, int, int, int, int]]:
    """``(name, start, body start, body end, end)`` of each macro a template defines.

    Three searches that each move on, not one expression: with ``(.*?)`` twice in it, a
    template of many ``{% macro a() %}`` and no ``endmacro`` took cubic time (15 KB, 44 s).
    """
    at = 0
    while (start := _MACRO.search(source, at)) is not None:
        head = _MACRO_HEAD_END.search(source, start.end())
        end = _ENDMACRO.search(source, head.end()) if head is not None else None
        if head is None or end is None:
            return  # no signature or end after this one: none after a later one either
        yield start.group(1), start.start(), head.end(), end.start(), end.end()
        at = end.end()


def _own_templates(side: Snapshot) -> TemplateReader:
    """The document templates of a side's own template folder (``templates/`` in the catalog).

    Read by render's rule (:func:`spbe_cli.render.engine.template_text`): one render cannot
    read is :data:`~spbe_cli.render.engine.UNREADABLE`, not the text with its bad bytes
    replaced (nor, past the prose files' size limit, no template at all).
    """
    from spbe_cli.render.engine import template_text
    from spbe_cli.render.pipeline import CATALOG_TEMPLATES

    def read(name: str) -> str | None:
        reader = side.text_reader
        data = reader(f"{CATALOG_TEMPLATES}/{name}") if reader is not None else None
        return None if data is None else template_text(data)

    return read


def inside(rel: str) -> str | None:
    r"""A prose path below the catalog folder, or None where SPBE208 refuses the name.

    The rule a revision reads a prose file by (:func:`spbe_cli.files.revision_path`): a name
    validate refuses (``..``, a drive, ``\``, ``.git``) is no prose of either side here.
    """
    from spbe_cli.files import revision_path

    return revision_path(rel)[0] if rel else None


def diff_prose(
    old: Snapshot, new: Snapshot, old_meta: Metadata | None, new_meta: Metadata | None
) -> list[ProseChange]:
    """Every prose section whose text differs, in section order."""
    old_map = dict(old_meta.prosa) if old_meta is not None else {}
    new_map = dict(new_meta.prosa) if new_meta is not None else {}
    documents: dict[str, tuple[str, ...]] | None = None
    unreadable: tuple[str, ...] = ()
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
        if documents is None:  # the new side's own templates, read once there is a change
            templates = _document_templates(_own_templates(new))
            documents = _documents(templates)
            unreadable = tuple(document for document, text in templates if text is None)
        changes.append(
            ProseChange(
                section,
                documents.get(section, ()),
                old.display(old_rel) if old_rel is not None else None,
                new.display(new_rel) if new_rel is not None else None,
                before,
                after,
                unreadable,
            )
        )
    return changes
