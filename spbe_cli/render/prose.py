"""Prose sections: Markdown files of the catalog, rendered with markdown-it (raw HTML off).

For HTML, markdown-it renders with raw HTML disabled (it shows as text). For the ``.md`` output
the prose source is kept, but every piece of raw HTML markdown-it finds in it is made inert
(:func:`shift_markdown`); code is told from text by markdown-it's own parser, never by a
hand-written scanner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from spbe_cli.catalog import ProseFile

#: Prose headings sit under the document's own chapter headings: ``#`` becomes a level 3.
HEADING_SHIFT = 2


def markdown_parser() -> MarkdownIt:
    """CommonMark plus tables, raw HTML disabled (it shows as text), no typographer."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def nesting_limit(parser: MarkdownIt) -> int:
    """The deepest level at which ``parser`` still parses blocks (its ``maxNesting`` less one)."""
    return int(parser.options.get("maxNesting", 20)) - 1


def too_deep(parser: MarkdownIt, tokens: Sequence[Token]) -> int | None:
    """The line (1-based) of the first block nested as deep as markdown-it parses, or None.

    markdown-it stops parsing a block at its ``maxNesting`` (20 in CommonMark) and drops
    everything inside it without a word (lists or quotes 20 deep, and with a list item every
    line after it). Such a block is refused instead, so that nothing is lost unseen.
    """
    limit = nesting_limit(parser)
    for token in tokens:
        # Only these two parse blocks inside themselves (a paragraph's text is kept at any level).
        if token.type in _CONTAINERS and token.level >= limit and token.map:
            return token.map[0] + 1
    return None


_CONTAINERS = frozenset({"blockquote_open", "list_item_open"})


class ProseTooDeepError(Exception):
    """A prose file nests blocks too deep (see :func:`too_deep`)."""

    def __init__(self, line: int, column: int, limit: int) -> None:
        super().__init__(line)
        self.line = line
        self.column = column
        self.limit = limit


class Prose:
    """The catalog's prose sections, as the loading stage read them, given out per format.

    The files were read once when the catalog was loaded (:attr:`Catalog.prose`), by the same
    rule ``spbe validate`` reports (SPBE208); a file that could not be used has no text here.
    """

    def __init__(self, files: Mapping[str, ProseFile], root_display: str = "") -> None:
        self.files = dict(files)
        self.root_display = root_display
        self.sections = {section: prose.rel for section, prose in self.files.items()}
        self._text: dict[str, str | None] = {}
        self._html: dict[str, Markup] = {}
        self._md: dict[str, Markup] = {}
        self._parser: MarkdownIt | None = None

    def text(self, section: str) -> str | None:
        """The Markdown source of one section (None when the catalog has none)."""
        if section not in self._text:
            found = self.files.get(section)
            text = found.text if found is not None else None
            if text:
                # Read by files.prose_text: a byte order mark is already dropped.
                text = _drop_title(text)
            self._text[section] = text
        return self._text[section]

    def has(self, section: str) -> bool:
        """Tell whether the catalog has text for this section."""
        return bool((self.text(section) or "").strip())

    def html(self, section: str) -> Markup:
        """The section as HTML (headings shifted, raw HTML escaped by markdown-it)."""
        if section not in self._html:
            source = self.text(section)
            if not source:
                self._html[section] = Markup("")
            else:
                if self._parser is None:
                    self._parser = markdown_parser()
                tokens = self._parser.parse(source)
                for token in tokens:
                    if token.type in ("heading_open", "heading_close"):
                        level = min(6, int(token.tag[1]) + HEADING_SHIFT)
                        token.tag = f"h{level}"
                html = self._parser.renderer.render(tokens, self._parser.options, {})
                self._html[section] = Markup(f'<div class="prosa">{html}</div>')
        return self._html[section]

    def markdown(self, section: str) -> Markup:
        """The section as Markdown for the ``.md`` output: headings shifted, ``<`` made inert."""
        if section not in self._md:
            try:
                shifted = shift_markdown(self.text(section) or "")
            except ProseTooDeepError as exc:
                from spbe_cli.errors import SpbeError
                from spbe_cli.files import display_path
                from spbe_cli.i18n import t

                path = display_path(self.root_display, self.files[section].rel)
                where = f"{path}:{exc.line}:{exc.column}"
                raise SpbeError(t("render.prose_too_deep", where=where, limit=exc.limit)) from exc
            self._md[section] = Markup(shifted.strip())
        return self._md[section]


def _drop_title(text: str) -> str:
    """Drop a leading ``# Title``: the document gives every prose section its own heading."""
    stripped = text.lstrip("\n")
    first, _, rest = stripped.partition("\n")
    if re.match(r"^#\s", first):
        return rest.lstrip("\n")
    return text


def markdown_finder() -> MarkdownIt:
    """The same Markdown, raw HTML enabled: used only to *find* raw HTML, never to render."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


#: Re-parses after which raw HTML still found is escaped line by line (code lines included).
_ROUNDS = 4


def shift_markdown(source: str) -> str:
    """Shift ATX headings down and make raw HTML inert, deciding code and text as markdown-it.

    markdown-it-py parses the prose (raw HTML on, so that it *finds* ``html_inline`` and
    ``html_block`` tokens); the ``<`` opening each raw HTML piece is written ``&lt;`` in the
    source lines of its block, and lines of fenced or indented code are left as they are. The
    result is parsed again until no raw HTML is left; a block that still has some after a few
    rounds has every ``<`` of its lines escaped.
    """
    parser = markdown_finder()
    lines = source.split("\n")
    tokens = parser.parse(source)
    deep = too_deep(parser, tokens)
    if deep is not None:
        text = lines[deep - 1]
        column = len(text) - len(text.lstrip()) + 1
        raise ProseTooDeepError(deep, column, nesting_limit(parser))
    for token in tokens:
        if token.type == "heading_open" and token.map and token.markup.startswith("#"):
            row = token.map[0]
            at = lines[row].find(token.markup)
            if at >= 0:
                level = min(6, len(token.markup) + HEADING_SHIFT)
                lines[row] = lines[row][:at] + "#" * level + lines[row][at + len(token.markup) :]
        elif token.type == "fence" and token.map and token.info.strip().lower().startswith("spbe"):
            # Prose is text: it cannot forge a directive of the document (a cover, a figure).
            row = token.map[0]
            at = lines[row].find(token.markup)
            if at >= 0:
                lines[row] = lines[row][: at + len(token.markup)] + "text"
    for round_ in range(_ROUNDS + 1):
        raw = _raw_html(parser, "\n".join(lines))
        if not raw:
            break
        for (start, end), heads in raw:
            for row in range(start, end):
                if round_ == _ROUNDS or heads is None:
                    lines[row] = lines[row].replace("<", "&lt;")
                else:
                    for head in heads:
                        lines[row] = lines[row].replace(head, "&lt;" + head[1:])
    return "\n".join(lines)


def _raw_html(parser: MarkdownIt, source: str) -> list[tuple[tuple[int, int], list[str] | None]]:
    """Line ranges holding raw HTML: with the raw pieces (inline) or None (a whole block)."""
    found: list[tuple[tuple[int, int], list[str] | None]] = []
    for token in parser.parse(source):
        if token.map is None:
            continue
        span = (token.map[0], token.map[1])
        if token.type == "html_block":
            found.append((span, None))
        elif token.type == "inline" and token.children:
            heads = [
                child.content.split("\n", 1)[0]
                for child in token.children
                if child.type == "html_inline" and child.content.startswith("<")
            ]
            if heads:
                found.append((span, heads))
    return found
