"""The printed page: A4 geometry, table column widths, landscape tables, tables kept whole.

Both print writers decide by these numbers: DOCX lays its tables out with them, and the HTML
print style gives its columns the same widths (``<col style="--cetak:…">``) and keeps together
(``.tabel.utuh``) exactly the tables DOCX keeps on one page (and the short lists, ``.utuh``),
so a table does not break in one format and stay whole in the other. Which tables are
landscape is decided here too, when a document is parsed. Text widths are estimated from
character widths (:func:`spbe_cli.render.document.text_em`), never measured with a font.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil, sqrt
from typing import TYPE_CHECKING

from spbe_cli.render.document import ListBlock, Paragraph, plain, text_em

if TYPE_CHECKING:
    from spbe_cli.render.document import Column, Inline, Table

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
#: Body text in points (DOCX's Normal style, the HTML print body).
BODY_FONT = 10.5
#: A list of at most this many lines of text (estimated) is kept on one page, with the sentence
#: that leads into it: a Sistematika of eleven chapters no longer prints three on one page and
#: eight on the next. A longer list breaks between its items.
KEEP_LIST_LINES = 16
#: Left and right cell margin, in twips (0.12 cm).
CELL_MARGIN = 70
#: One em of table text, in twips.
EM = round(TABLE_FONT * 20)


def keep_together(table: Table, widths: list[int] | None = None) -> bool:
    """Whether a table is short enough to keep on one page in print, in DOCX and in HTML.

    ``widths`` are its column widths in twips (by default :func:`table_widths`); a row is as
    tall as its fullest cell.
    """
    if len(table.rows) > KEEP_TOGETHER_LINES:
        return False
    if widths is None:
        widths = table_widths(table)
    return _lines(_cell_ems(table.rows), widths) <= KEEP_TOGETHER_LINES


def keep_list_together(block: ListBlock) -> bool:
    """Whether a list is short enough to keep on one page in print, in DOCX and in HTML.

    Its items are paragraphs and lists only (an item holding a table or a figure breaks where
    they do), and its lines of text (estimated at the body's size) are at most
    :data:`KEEP_LIST_LINES`.
    """
    line_em = (TEXT_W_PORTRAIT - 720) / (BODY_FONT * 20)  # the list's indent taken off
    lines = 0
    pending = [block]
    while pending:
        for item in pending.pop().items:
            for inner in item:
                if isinstance(inner, ListBlock):
                    pending.append(inner)
                elif isinstance(inner, Paragraph):
                    lines += max(1, ceil(text_em(plain(inner.inline)) / line_em))
                else:
                    return False
                if lines > KEEP_LIST_LINES:
                    return False
    return True


def _cell_ems(rows: Sequence[Sequence[Inline]]) -> list[list[float]]:
    """The width of each cell's text, in em."""
    return [[text_em(plain(cell)) for cell in row] for row in rows]


def _lines(ems: list[list[float]], widths: list[int]) -> int:
    """Lines of text rows of cells this wide (in em) take in columns this wide (in twips).

    A row is as tall as its fullest cell (estimated: words are not wrapped one by one).
    """
    room = [max(w - 2 * CELL_MARGIN, EM) / EM for w in widths]  # in em
    return sum(
        max((ceil(em / width) for em, width in zip(row, room, strict=True)), default=1) or 1
        for row in ems
    )


#: With this many columns or more a table is printed on a landscape page.
LANDSCAPE_COLUMNS = 9
#: With this many columns or more a table is printed on a landscape page when its longest cells
#: hold more than :data:`LANDSCAPE_PROSE_EM` of text together.
LANDSCAPE_MANY_COLUMNS = 7
LANDSCAPE_PROSE_EM = 80.0
#: A table is printed on a landscape page when its rows would be this many times as tall on a
#: portrait page (and more than :data:`KEEP_TOGETHER_LINES` lines: a short table is not worth
#: turning the page for): its text columns squeezed to a word or two a line by the others.
LANDSCAPE_TALLER = 2
#: At most this many rows of a table are measured to tell whether it needs landscape.
LANDSCAPE_SAMPLE = 64


def needs_landscape(columns: Sequence[Column], rows: Sequence[Sequence[Inline]] = ()) -> bool:
    """Whether a table is printed on a landscape page.

    When its unbreakable content (codes, amounts, the longest word of a text) is wider than a
    portrait page; with many columns; with seven or more when their text is long; and when in
    portrait its text columns would shrink to a word or two a line and each row run down the
    page (:data:`LANDSCAPE_TALLER`).
    """
    if sum(_floors(columns)) > TEXT_W_PORTRAIT or len(columns) >= LANDSCAPE_COLUMNS:
        return True
    prose = sum(c.longest_text for c in columns if c.kind == "text")
    if len(columns) >= LANDSCAPE_MANY_COLUMNS and prose > LANDSCAPE_PROSE_EM:
        return True
    if len(columns) < 2 or sum(_wants(columns)) <= TEXT_W_PORTRAIT:
        return False  # every cell on one line upright
    # A long table is judged by a sample of its rows, evenly spread (the same every run).
    ems = _cell_ems(rows[:: max(1, ceil(len(rows) / LANDSCAPE_SAMPLE))])
    portrait = _lines(ems, column_widths(tuple(columns), TEXT_W_PORTRAIT))
    if len(rows) <= KEEP_TOGETHER_LINES and portrait <= KEEP_TOGETHER_LINES:
        return False
    if portrait < LANDSCAPE_TALLER * len(ems):
        return False  # a row takes a line at least on any page
    landscape = _lines(ems, column_widths(tuple(columns), TEXT_W_LANDSCAPE))
    return portrait >= LANDSCAPE_TALLER * landscape


#: Room a cell needs besides its text (margins and border), in twips.
CELL_PAD = 2 * CELL_MARGIN + 40


def _floors(columns: Sequence[Column]) -> list[int]:
    """The least width of each column, in twips: its longest unbreakable token and padding."""
    return [round(c.longest_token * EM) + CELL_PAD for c in columns]


def _wants(columns: Sequence[Column]) -> list[int]:
    """The most width each column can use, in twips: its longest cell on one line, padded."""
    return [round(max(c.longest_text, c.longest_token) * EM) + CELL_PAD for c in columns]


def table_widths(table: Table) -> list[int]:
    """The column widths of a table on its page (portrait or landscape), in twips."""
    return column_widths(table.columns, TEXT_W_LANDSCAPE if table.landscape else TEXT_W_PORTRAIT)


def column_widths(columns: tuple[Column, ...], text_w: int) -> list[int]:
    """Widths in twips: each column at least its longest unbreakable token, the rest by content.

    A code, an id, an amount or a date never wraps inside itself; a text column gets room for
    its longest word. When every cell fits on one line, what is left goes to the text columns.
    Otherwise each column gets a share of the page by how much text it holds (the square root
    of :attr:`Column.amount`: the widths that make the fewest lines in all), between its
    longest token and its longest cell: a column of long descriptions is wide, a column of
    "Ya"/"Tidak" narrow, and a column with a few long cells is not wider than one with many.
    """
    floors, wants = _floors(columns), _wants(columns)
    if sum(floors) >= text_w:
        # Too many columns even for their tokens: share by need (codes still get the most).
        return _fill([text_w * f // sum(floors) for f in floors], text_w)
    if sum(wants) <= text_w:
        spare = text_w - sum(wants)
        texty = [w if c.kind == "text" else 0 for c, w in zip(columns, wants, strict=True)]
        share = sum(texty) or sum(wants)
        base = texty if sum(texty) else wants
        return _fill([w + spare * b // share for w, b in zip(wants, base, strict=True)], text_w)
    return _share(floors, wants, [sqrt(c.amount) + 1.0 for c in columns], text_w)


def _share(floors: list[int], caps: list[int], weights: list[float], text_w: int) -> list[int]:
    """``text_w`` shared by weight, each share between its floor and its cap (water filling).

    Needs ``sum(floors) < text_w < sum(caps)``. A column whose share would be below its floor
    gets its floor, one above its cap its cap, and the others share what is left, again.
    """
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(len(floors)) if i not in fixed]
        left = text_w - sum(fixed.values())
        weight = sum(weights[i] for i in free)
        share = {i: left * weights[i] / weight for i in free}
        low = [i for i in free if share[i] < floors[i]]
        high = [i for i in free if share[i] > caps[i]]
        # Floors first: raised to its floor, a column leaves less to the others, which may
        # fall under theirs; held at its cap, it leaves them more (none falls under its floor).
        if low:
            fixed.update((i, floors[i]) for i in low)
        elif high:
            fixed.update((i, caps[i]) for i in high)
        else:
            break
        if len(fixed) == len(floors):
            break
    widths = [fixed[i] if i in fixed else int(share[i]) for i in range(len(floors))]
    # The twips lost to rounding go to the widest column still free (the first of equals).
    rest = [i for i in range(len(floors)) if i not in fixed] or list(range(len(floors)))
    widest = max(rest, key=lambda i: (widths[i], -i))
    widths[widest] += text_w - sum(widths)
    return widths


def _fill(widths: list[int], text_w: int) -> list[int]:
    widths[-1] += text_w - sum(widths)
    return widths
