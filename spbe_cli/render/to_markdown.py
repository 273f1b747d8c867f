"""Markdown writer: the parsed document as GitHub-readable Markdown.

Figures are sidecar SVG files in ``gambar/`` next to the document (``gambar/masterplan-01.svg``)
linked with a relative path, so the Markdown shows them on GitHub and in editors and stays a
small, diffable text file. Every text of the document is escaped again here with
:func:`spbe_cli.markup.md_escape` (the tree holds plain text, never Markdown).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from spbe_cli.markup import md_code, md_escape, md_link_target
from spbe_cli.render.document import (
    KOSAKATA,
    Block,
    Box,
    Code,
    Document,
    Figure,
    Heading,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    Toc,
    caption_label,
    plain,
)
from spbe_cli.render.output import Utf8Lines

FIGURE_FOLDER = "gambar"
LOGO_PATH = f"{FIGURE_FOLDER}/logo.png"


def figure_file(document: str, number: int) -> str:
    """Relative path of a figure's SVG file next to the Markdown."""
    return f"{FIGURE_FOLDER}/{document}-{number:02d}.svg"


#: The files of ``gambar/`` the Markdown writer owns: numbered figures and the logo.
_OWNED_FIGURE = re.compile(r"^(?P<document>[a-z0-9-]+)-\d{2,}\.svg$")


def stale_figures(out: Path, documents: Iterable[str], written: Iterable[str]) -> list[str]:
    """Figure files in ``out`` that an earlier run wrote for ``documents`` and this one did not.

    Only names the writer itself makes are candidates (``gambar/<document>-NN.svg`` for the
    documents rendered as Markdown now, and the logo): a file a person put there is left alone.
    """
    folder = out / FIGURE_FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return []
    mine = set(documents)
    keep = set(written)
    try:
        present = sorted(folder.iterdir())
    except OSError:  # a folder that cannot be listed: nothing of ours is known to be there
        return []
    stale = []
    for path in present:
        name = f"{FIGURE_FOLDER}/{path.name}"
        match = _OWNED_FIGURE.match(path.name)
        owned = (match is not None and match["document"] in mine) or (name == LOGO_PATH and mine)
        if owned and name not in keep and (path.is_file() or path.is_symlink()):
            stale.append(name)
    return stale


#: The texts of table cells repeat (names of OPD, statuses, kinds): each escaped once.
_escaped = functools.lru_cache(maxsize=1 << 14)(md_escape)


def inline_md(inline: Inline) -> str:
    """Markdown of an inline run."""
    if len(inline) == 1:  # most table cells: one span of plain text
        span = inline[0]
        if not (span.bold or span.italic or span.code or span.href) and span.text != "\n":
            return _escaped(span.text)
    parts: list[str] = []
    for span in inline:
        if span.text == "\n":
            parts.append("  \n")
            continue
        # a code span keeps every character, backticks too (one rule: markup.md_code)
        text = md_code(span.text) if span.code else _escaped(span.text)
        stripped = text.strip()
        if stripped and (span.bold or span.italic):
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            mark = "**" if span.bold else ""
            mark += "*" if span.italic else ""
            text = f"{lead}{mark}{stripped}{mark[::-1]}{trail}"
        if span.href:
            text = f"[{text}]({md_link_target(span.href)})"
        parts.append(text)
    return "".join(parts)


def write_markdown(
    document: Document, svg: Callable[[Figure], str]
) -> tuple[bytes, dict[str, bytes]]:
    """The Markdown file (UTF-8) and the figure files (relative path -> bytes)."""
    out = Utf8Lines(markdown=True)
    files: dict[str, bytes] = {}
    headings = document.contents()
    _blocks(document, document.blocks, out, files, svg, headings, 0)
    return out.getvalue(), files


def _blocks(
    document: Document,
    blocks: tuple[Block, ...],
    out: list[str] | Utf8Lines,
    files: dict[str, bytes],
    svg: Callable[[Figure], str],
    headings: list[Heading],
    depth: int,
) -> None:
    indent = "   " * depth
    for block in blocks:
        if isinstance(block, Heading):
            out.extend([f"{'#' * block.level} {inline_md(block.inline)}", ""])
        elif isinstance(block, Paragraph):
            text = inline_md(block.inline)
            out.extend([f"{indent}> {text}" if block.note else f"{indent}{text}", ""])
        elif isinstance(block, ListBlock):
            for n, item in enumerate(block.items, start=block.start):
                marker = f"{n}. " if block.ordered else "- "
                sub: list[str] = []
                _blocks(document, item, sub, files, svg, headings, 0)
                lines = [line for line in sub if line]
                first, *rest = lines or [""]
                out.append(f"{indent}{marker}{first}")
                pad = indent + " " * len(marker)
                out.extend(f"{pad}{line}" for line in rest)
            out.append("")
        elif isinstance(block, Table):
            if block.number:
                out.extend([f"*{caption_label(block)}. {inline_md(block.caption)}*", ""])
            out.extend(_table(block))
            out.append("")
        elif isinstance(block, Figure):
            path = figure_file(document.name, block.number)
            files[path] = svg(block).encode("utf-8")
            label = f"{caption_label(block)}. {inline_md(block.caption)}"
            out.extend([f"![{md_escape(plain(block.caption))}]({path})", "", f"*{label}*", ""])
        elif isinstance(block, Box):
            if block.kind == "sampul" and document.logo is not None:
                files[LOGO_PATH] = document.logo.png
                out.extend([f"![Logo]({LOGO_PATH})", ""])
            _blocks(document, block.blocks, out, files, svg, headings, depth)
            if block.kind == "sampul":
                out.extend(["---", ""])
        elif isinstance(block, Toc):
            out.extend([f"**{KOSAKATA['daftar_isi']}**", ""])
            for heading in headings:
                pad = "  " if heading.level == 3 else ""
                out.append(f"{pad}- [{inline_md(heading.inline)}](#{heading.anchor})")
            out.extend(["", "---", ""])
        elif isinstance(block, PageBreak):
            continue
        elif isinstance(block, Code):
            out.extend([f"```{block.info}", block.text, "```", ""])


def _table(table: Table) -> list[str]:
    head = "| " + " | ".join(inline_md(c.header) for c in table.columns) + " |"
    rule = "|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|"
    lines = [head, rule]
    for row, total in zip(table.rows, table.total, strict=True):
        cells = [inline_md(cell) for cell in row]
        if total:
            cells = [f"**{c}**" if c and not c.startswith("**") else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
