"""Prose sections: Markdown files of the catalog, rendered with markdown-it (raw HTML off)."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from spbe_cli.loader import prose_file

#: Prose headings sit under the document's own chapter headings: ``#`` becomes a level 3.
HEADING_SHIFT = 2
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^(\s{0,3})(#{1,6})(?=\s|$)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def markdown_parser() -> MarkdownIt:
    """CommonMark plus tables, raw HTML disabled (it shows as text), no typographer."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def read_prose(root: Path, rel: str) -> str | None:
    """Read one prose file below the catalog ``root``; None when it is missing or outside."""
    path, _ = prose_file(root, rel)  # the same rule spbe validate reports (SPBE208)
    if path is None:
        return None
    try:
        return path.read_text("utf-8", errors="replace").replace("\r\n", "\n")
    except OSError:
        return None


class Prose:
    """The catalog's prose sections, read once, given out per format."""

    def __init__(self, root: Path, sections: dict[str, str]) -> None:
        self.root = root
        self.sections = sections
        self._text: dict[str, str | None] = {}
        self._html: dict[str, Markup] = {}
        self._md: dict[str, Markup] = {}
        self._parser: MarkdownIt | None = None

    def text(self, section: str) -> str | None:
        """The Markdown source of one section (None when the catalog has none)."""
        if section not in self._text:
            rel = self.sections.get(section)
            text = read_prose(self.root, rel) if rel else None
            self._text[section] = _drop_title(text) if text else text
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
            self._md[section] = Markup(shift_markdown(self.text(section) or "").strip())
        return self._md[section]


def _drop_title(text: str) -> str:
    """Drop a leading ``# Title``: the document gives every prose section its own heading."""
    stripped = text.lstrip("\n")
    first, _, rest = stripped.partition("\n")
    if re.match(r"^#\s", first):
        return rest.lstrip("\n")
    return text


def shift_markdown(source: str) -> str:
    """Shift ATX headings down and escape ``<`` outside code, as markdown-it shows them."""
    out: list[str] = []
    fence: str | None = None
    for line in source.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            info = line[match.end() :].strip()
            if info.lower().startswith("spbe"):
                # Prose is text: it cannot forge a directive of the document (a cover, a figure).
                line = line[: match.end()] + "text"
            out.append(line)
            continue
        line = _ATX.sub(lambda m: m.group(1) + "#" * min(6, len(m.group(2)) + HEADING_SHIFT), line)
        out.append(_escape_lt(line))
    return "\n".join(out)


def _escape_lt(line: str) -> str:
    parts: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(line):
        parts.append(line[last : match.start()].replace("<", "&lt;"))
        parts.append(match.group(0))
        last = match.end()
    parts.append(line[last:].replace("<", "&lt;"))
    return "".join(parts)
