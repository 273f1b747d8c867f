"""HTML writer: the parsed document as one self-contained HTML file, for screen and for print.

No script, font or style is fetched: the stylesheet is inline and figures are inline SVG in a
horizontally scrolling container (a phone scrolls a wide chart instead of shrinking it). Print
CSS: A4 pages, cover and table of contents on their own pages, every chapter on a new page,
wide tables on landscape pages, "Halaman n dari m" in the page margin (browsers that support
page-margin boxes), never below 9 pt. Every text is escaped with
:func:`spbe_cli.markup.html_escape`.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Iterator

from spbe_cli.markup import html_escape
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
    caption_text,
)
from spbe_cli.render.figures import ScreenSvg

# Print keeps the same short tables whole as DOCX: one estimate, on the same A4 page.
from spbe_cli.render.geometry import keep_list_together, keep_together, table_widths
from spbe_cli.render.output import Utf8Lines

#: The text width of a phone 390 px wide, less the page's padding (12 px each side) and a
#: little more: a figure whose narrowest is wider than this scrolls on such a phone.
PHONE_TEXT_WIDTH_PX = 366

CSS = """
:root { --biru: #1f3b5c; --garis: #c3cfdb; --latar: #f5f7fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: #1d2733; background: #fff; font-family: "DejaVu Sans", "Noto Sans",
  "Segoe UI", "Liberation Sans", Arial, sans-serif; font-size: 15px; line-height: 1.5; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 64px; }
.sampul { border-bottom: 4px solid var(--biru); margin-bottom: 24px; padding: 8px 0 16px; }
.sampul h1 { font-size: 30px; line-height: 1.2; color: var(--biru); margin: 12px 0; }
.sampul p { color: #44515f; margin: 4px 0; }
.sampul .logo { display: block; height: 96px; width: auto; margin-bottom: 12px; }
h2 { font-size: 22px; color: var(--biru); border-bottom: 2px solid var(--biru);
  padding-bottom: 4px; margin: 2.2em 0 0.6em; }
h3 { font-size: 18px; color: var(--biru); margin: 1.6em 0 0.5em; }
h4 { font-size: 16px; margin: 1.3em 0 0.4em; }
h5, h6 { font-size: 15px; margin: 1em 0 0.3em; }
p { margin: 0.4em 0 0.8em; }
a { color: #1a5fa8; }
.tabel { overflow-x: auto; margin: 0.4em 0 1.2em; }
.tabel:focus-visible, .gambar-gulir:focus-visible { outline: 2px solid #1a5fa8; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { caption-side: top; text-align: left; font-weight: bold; color: var(--biru);
  padding: 4px 0 6px; font-size: 13.5px; }
th, td { border: 1px solid var(--garis); padding: 4px 7px; vertical-align: top; text-align: left; }
thead th { background: #dce6f1; }
th.n, td.n { text-align: right; white-space: nowrap; }
td.kode { white-space: nowrap; }
tbody tr:nth-child(even) { background: #f7f9fb; }
tr.jumlah td { font-weight: bold; background: #eef2f6; }
.catatan { background: #fff7e0; border-left: 4px solid #e0a800; padding: 8px 12px; margin: 12px 0; }
figure { margin: 1em 0 1.4em; }
.gambar-gulir { overflow-x: auto; }
.gambar-gulir svg { display: block; height: auto; }
.geser { display: none; }
figcaption { font-weight: bold; color: var(--biru); font-size: 13.5px; margin-top: 4px; }
nav.daftar-isi { font-size: 14px; margin: 0 0 32px; }
nav.daftar-isi .judul { font-weight: bold; color: var(--biru); font-size: 18px;
  margin-bottom: 8px; }
nav.daftar-isi ol { list-style: none; padding-left: 0; margin: 4px 0; }
nav.daftar-isi ol ol { padding-left: 18px; font-size: 13px; }
nav.daftar-isi a { text-decoration: none; }
.pengesahan { margin: 2em 0 1em auto; max-width: 22em; text-align: center; }
.pengesahan p { margin: 0.2em 0; }
.kolofon { border-top: 2px solid var(--garis); margin-top: 3em; color: #44515f; font-size: 14px; }
@media screen and (max-width: 600px) {
  body { font-size: 15px; } main { padding: 12px 12px 48px; }
  .sampul h1 { font-size: 24px; } h2 { font-size: 19px; } h3 { font-size: 17px; }
  /* A column of text keeps a readable width on a phone; the table scrolls sideways instead
     of squeezing seven columns into 366 px (rows a screen tall, a word per line). */
  thead th { min-width: 6em; } thead th.lebar { min-width: 16em; } thead th.n { min-width: 0; }
  /* The caption of a table wider than the screen wraps at the screen's edge, not the table's. */
  .tabel caption { position: sticky; left: 0; max-width: calc(100vw - 24px); }
}
@media screen and (max-width: 480px) {
  .geser { display: block; font-size: 13px; color: #44515f; margin: 4px 0 0; }
}
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: "Halaman " counter(page) " dari " counter(pages);
    font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 9pt; color: #555; } }
@page sampul { @bottom-center { content: none; } }
@page lanskap { size: A4 landscape; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; margin: 0; padding: 0; }
  .tabel, .gambar-gulir { overflow: visible; }
  .sampul { page: sampul; break-after: page; border-bottom: none; padding-top: 28vh; }
  .sampul h1 { font-size: 26pt; }
  nav.daftar-isi { break-after: page; font-size: 9.5pt; line-height: 1.3; }
  nav.daftar-isi ol ol { font-size: inherit; }
  h2 { break-before: page; }
  .kolofon { break-before: page; }
  h2, h3, h4, h5, caption { break-after: avoid; }
  tr, figure, .pengesahan, .tabel.utuh, ol.utuh, ul.utuh { break-inside: avoid; }
  p:has(+ ol.utuh), p:has(+ ul.utuh) { break-after: avoid; }
  thead { display: table-header-group; }
  /* Column widths as in DOCX (one sizing for both: by how much text a column holds), so the
     tables are set in Arial's metrics as the sizing measures them (Liberation Sans has the same
     widths); a word longer than its column still wraps rather than run into the next one. */
  table { font-size: 9pt; table-layout: fixed;
    font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif; }
  th, td { overflow-wrap: break-word; }
  col { width: var(--cetak); }
  .lanskap { page: lanskap; }
  tbody tr:nth-child(even) { background: none; }
  a { color: inherit; text-decoration: none; }
  .gambar-gulir svg { min-width: 0 !important; }
}
"""


#: The texts of table cells repeat (names of OPD, statuses, kinds): each escaped once.
_escaped = functools.lru_cache(maxsize=1 << 14)(html_escape)


def inline_html(inline: Inline) -> str:
    """HTML of an inline run."""
    if len(inline) == 1:  # most table cells: one span of plain text
        span = inline[0]
        if not (span.bold or span.italic or span.code or span.href) and span.text != "\n":
            return _escaped(span.text)
    parts: list[str] = []
    for span in inline:
        if span.text == "\n":
            parts.append("<br>")
            continue
        text = _escaped(span.text)
        if span.code:
            text = f"<code>{text}</code>"
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.href:
            text = f'<a href="{html_escape(span.href)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def write_html(document: Document, svg: Callable[[Figure], ScreenSvg]) -> bytes:
    """The document as one HTML file (UTF-8); ``svg`` gives each figure as drawn."""
    out = Utf8Lines()
    out.extend(
        [
            "<!DOCTYPE html>",
            '<html lang="id">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="spbe">',
            f"<title>{html_escape(document.title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
        ]
    )
    _blocks(document, document.blocks, out, svg)
    out.extend(["</main>", "</body>", "</html>", ""])
    return out.getvalue()


def _blocks(
    document: Document,
    blocks: tuple[Block, ...],
    out: list[str] | Utf8Lines,
    svg: Callable[[Figure], ScreenSvg],
) -> None:
    # Headings just written, with nothing after them yet: held back, so that the headings that
    # open a wide table go to its landscape page in print rather than stay alone before it.
    held: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            tag = f"h{min(block.level, 6)}"
            held.append(
                f'<{tag} id="{html_escape(block.anchor)}">{inline_html(block.inline)}</{tag}>'
            )
            continue
        if isinstance(block, Table) and block.landscape and held:
            out.append('<div class="lanskap">')
            out.extend(held)
            _put_table(out, block)
            out.append("</div>")
            held.clear()
            continue
        out.extend(held)
        held.clear()
        if isinstance(block, Paragraph):
            css = ' class="catatan"' if block.note else ""
            out.append(f"<p{css}>{inline_html(block.inline)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            whole = ' class="utuh"' if keep_list_together(block) else ""  # one page in print
            out.append(f"<{tag}{start}{whole}>")
            for item in block.items:
                inner: list[str] = []
                if len(item) == 1 and isinstance(item[0], Paragraph) and not item[0].note:
                    inner.append(inline_html(item[0].inline))
                else:
                    _blocks(document, item, inner, svg)
                out.append("<li>" + "".join(inner) + "</li>")
            out.append(f"</{tag}>")
        elif isinstance(block, Table):
            _put_table(out, block)
        elif isinstance(block, Figure):
            markup, min_width = svg(block)
            # A chart a phone cannot show whole scrolls sideways; cut at the screen's edge, its
            # bars would read as ending there. The line says so, on a phone only (the CSS).
            wide = min_width > PHONE_TEXT_WIDTH_PX
            hint = f'<p class="geser">{KOSAKATA["geser_gambar"]}</p>' if wide else ""
            named = caption_text(block)
            region = _scroll_region(named) if wide else ""
            out.append(
                f'<figure><div class="gambar-gulir"{region}>'
                + markup
                + f"</div>{hint}<figcaption>{caption_label(block)}. "
                + f"{inline_html(block.caption)}</figcaption></figure>"
            )
        elif isinstance(block, Box):
            tag = "header" if block.kind == "sampul" else "section"
            out.append(f'<{tag} class="{block.kind}">')
            if block.kind == "sampul" and document.logo is not None:
                data = base64.b64encode(document.logo.png).decode("ascii")
                out.append(f'<img class="logo" alt="Logo" src="data:image/png;base64,{data}">')
            _blocks(document, block.blocks, out, svg)
            out.append(f"</{tag}>")
        elif isinstance(block, Toc):
            out.append(_toc(document))
        elif isinstance(block, PageBreak):
            out.append('<div style="break-after: page"></div>')
        elif isinstance(block, Code):
            out.append(f"<pre><code>{html_escape(block.text)}</code></pre>")
    out.extend(held)


def _toc(document: Document) -> str:
    lines = [
        '<nav class="daftar-isi" aria-label="Daftar isi">',
        f'<div class="judul">{KOSAKATA["daftar_isi"]}</div>',
        "<ol>",
    ]
    open_sub = False
    first = True
    for heading in document.contents():
        link = f'<a href="#{html_escape(heading.anchor)}">{inline_html(heading.inline)}</a>'
        if heading.level == 2:
            if open_sub:
                lines.append("</ol></li>")
                open_sub = False
            elif not first:
                lines.append("</li>")
            lines.append(f"<li>{link}")
            first = False
        else:
            if not open_sub:
                lines.append("<ol>")
                open_sub = True
            lines.append(f"<li>{link}</li>")
    if open_sub:
        lines.append("</ol></li>")
    elif not first:
        lines.append("</li>")
    lines.extend(["</ol>", "</nav>"])
    return "\n".join(lines)


def _put_table(out: list[str] | Utf8Lines, table: Table) -> None:
    """Add a table as one line (into a file as it is made: a national table is megabytes)."""
    if isinstance(out, Utf8Lines):
        out.append_pieces(_table(table))
    else:
        out.append("".join(_table(table)))


#: A text column whose longest cell is wider than this (in em) is given more room on a phone.
WIDE_TEXT_EM = 24.0
#: What the phone stylesheet gives a table: its font (px), the least width of a text column
#: and of a long-text one (em of that font, padding and border included: ``border-box``), a
#: cell's padding and border (px), and how much wider the screen font (DejaVu Sans, the
#: stylesheet's first) sets text than the Arial metrics of :func:`text_em`.
PHONE_TABLE_FONT_PX = 13
PHONE_TEXT_COLUMN_EM = 6.0
PHONE_WIDE_COLUMN_EM = 16.0
PHONE_CELL_PX = 15
SCREEN_FONT_WIDER = 1.15


def phone_width_px(table: Table) -> float:
    """The least width of a table on a phone (px), by the stylesheet's rules for one.

    Numbers and amounts never wrap, headers included; codes and dates never wrap in their
    cells; a text column is at least 6 em (16 em when its text is long) or its longest word.
    """
    total = 0.0
    for column in table.columns:
        least = column.longest_text if column.numeric else column.longest_token
        needs = least * PHONE_TABLE_FONT_PX * SCREEN_FONT_WIDER + PHONE_CELL_PX
        if not column.unbreakable:
            wide = column.longest_text > WIDE_TEXT_EM
            floor = PHONE_WIDE_COLUMN_EM if wide else PHONE_TEXT_COLUMN_EM
            needs = max(needs, floor * PHONE_TABLE_FONT_PX)
        total += needs
    return total


def _scroll_region(label: str) -> str:
    """The attributes of a box that scrolls sideways on a phone: a named region, reachable.

    A keyboard reaches it (and scrolls it with the arrow keys); a screen reader names it.
    """
    return f' role="region" tabindex="0" aria-label="{html_escape(label)}"'


def _table(table: Table) -> Iterator[str]:
    css = ["n" if c.numeric else ("kode" if c.unbreakable else "") for c in table.columns]
    kinds = ["tabel"]
    if table.landscape:
        kinds.append("lanskap")
    # Printed, the columns are as wide as in DOCX (the same sizing), so the table is as tall
    # and is kept whole exactly when DOCX keeps it whole; on a screen the browser sizes them.
    widths = table_widths(table)
    if keep_together(table, widths):
        kinds.append("utuh")  # short: printed on one page
    if phone_width_px(table) > PHONE_TEXT_WIDTH_PX:
        # Cut at a phone's edge, a table reads as having no more columns: a line says to
        # scroll (on a phone only: the stylesheet), above the table, as wide as the screen.
        region = _scroll_region(caption_text(table) if table.number else KOSAKATA["tabel"])
        yield f'<div class="{" ".join(kinds)}"{region}>'
        yield f'<p class="geser">{KOSAKATA["geser_tabel"]}</p><table>'
    else:
        yield f'<div class="{" ".join(kinds)}"><table>'
    if table.number:
        yield f"<caption>{caption_label(table)}. {inline_html(table.caption)}</caption>"
    whole = sum(widths)
    yield "<colgroup>"
    yield "".join(f'<col style="--cetak:{w * 100 / whole:.2f}%">' for w in widths)
    yield "</colgroup><thead><tr>"
    for column, klass in zip(table.columns, css, strict=True):
        if klass == "n":
            attr = ' class="n"'
        elif not klass and column.longest_text > WIDE_TEXT_EM:
            attr = ' class="lebar"'  # long text: a wider column on a phone
        else:
            attr = ""
        yield f"<th{attr}>{inline_html(column.header)}</th>"
    yield "</tr></thead><tbody>"
    for row, total in zip(table.rows, table.total, strict=True):
        parts = ['<tr class="jumlah">' if total else "<tr>"]
        for cell, klass in zip(row, css, strict=True):
            attr = f' class="{klass}"' if klass else ""
            parts.append(f"<td{attr}>{inline_html(cell)}</td>")
        parts.append("</tr>")
        yield "".join(parts)
    yield "</tbody></table></div>"
