"""The printed page: A4 geometry, table column widths, and whether a table stays on one page.

Both print writers decide by these numbers: DOCX lays its tables out with them, and the HTML
print style keeps together (``.tabel.utuh``) exactly the tables DOCX keeps on one page, so a
table does not break in one format and stay whole in the other. Text widths are estimated from
character widths (:func:`spbe_cli.render.document.text_em`), never measured with a font.
"""

from __future__ import annotations

from math import ceil

from spbe_cli.render.document import Column, Table, plain, text_em

#: Page geometry in twentieths of a point (twips).
PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN = 1247  # 2.2 cm
TEXT_W_PORTRAIT = PAGE_W - 2 * MARGIN
TEXT_W_LANDSCAPE = PAGE_H - 2 * MARGIN
TEXT_H_PORTRAIT = PAGE_H - 2 * MARGIN - 600
#: Table text in points (never smaller: readable when printed).
TABLE_FONT = 9.0
#: A table of at most this many lines of text (estimated) is kept on one page: moved whole to
#: the next page rather than leave a row or two behind. A taller one breaks between rows.
KEEP_TOGETHER_LINES = 24
#: Left and right cell margin, in twips (0.12 cm).
CELL_MARGIN = 70
#: One em of table text, in twips.
EM = round(TABLE_FONT * 20)


def keep_together(table: Table, widths: list[int] | None = None) -> bool:
    """Whether a table is short enough to keep on one page in print, in DOCX and in HTML.

    ``widths`` are its column widths in twips (by default those :func:`column_widths` gives on
    the table's page); a row is as tall as its fullest cell.
    """
    if len(table.rows) > KEEP_TOGETHER_LINES:
        return False
    if widths is None:
        text_w = TEXT_W_LANDSCAPE if table.landscape else TEXT_W_PORTRAIT
        widths = column_widths(table.columns, text_w)
    room = [max(w - 2 * CELL_MARGIN, EM) / EM for w in widths]  # in em
    lines = sum(
        max(
            (ceil(text_em(plain(cell)) / em) for cell, em in zip(row, room, strict=True)),
            default=1,
        )
        or 1
        for row in table.rows
    )
    return lines <= KEEP_TOGETHER_LINES


def column_widths(columns: tuple[Column, ...], text_w: int) -> list[int]:
    """Widths in twips: each column at least its longest unbreakable token, the rest by content.

    A code, an id, an amount or a date never wraps inside itself; a text column gets room for
    its longest word. What is left goes to the columns by how much text they hold, so a column
    of long descriptions is wide and a column of "Ya"/"Tidak" narrow.
    """
    pad = 2 * CELL_MARGIN + 40
    floors = [round(c.longest_token * EM) + pad for c in columns]
    wants = [round(min(max(c.longest_text, c.longest_token), 40.0) * EM) + pad for c in columns]
    if sum(floors) >= text_w:
        # Too many columns even for their tokens: share by need (codes still get the most).
        return _fill([text_w * f // sum(floors) for f in floors], text_w)
    if sum(wants) <= text_w:
        spare = text_w - sum(wants)
        texty = [w if c.kind == "text" else 0 for c, w in zip(columns, wants, strict=True)]
        share = sum(texty) or sum(wants)
        base = texty if sum(texty) else wants
        return _fill([w + spare * b // share for w, b in zip(wants, base, strict=True)], text_w)
    spare = text_w - sum(floors)
    extra = [w - f for w, f in zip(wants, floors, strict=True)]
    total = sum(extra) or 1
    return _fill([f + spare * e // total for f, e in zip(floors, extra, strict=True)], text_w)


def _fill(widths: list[int], text_w: int) -> list[int]:
    widths[-1] += text_w - sum(widths)
    return widths
