"""DOCX writer: the rendered Markdown of a document, as a Word file people can hand on.

Markdown headings become Word's heading styles (so the navigation pane works), GFM tables
become styled tables whose header row repeats on every page and whose rows are not split,
paragraphs like ``*Tabel 3. Judul*`` become numbered captions (a ``SEQ`` field), a paragraph
``<!-- daftar-isi -->`` becomes a table-of-contents field, and the footer carries page numbers.

The file is the same bytes for the same input: zip entries in a fixed order with a fixed
timestamp, and core properties dated from the catalog, never from the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from spbe_cli.render.prose import markdown_parser

CAPTION = re.compile(r"^(Tabel|Gambar) (\d+)\. (.*)$", re.S)
TOC_PARAGRAPH = "<!-- daftar-isi -->"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
HEADING_BLUE = RGBColor(0x1F, 0x3B, 0x5C)


@dataclass(frozen=True)
class DocxMeta:
    """Core properties and running texts of one Word file."""

    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    date: datetime = datetime(2000, 1, 1)
    version: str = ""
    page_label: str = "Halaman"
    of_label: str = "dari"
    toc_title: str = "Daftar Isi"
    toc_hint: str = "Perbarui bidang (F9) untuk memperbarui nomor halaman."


def _el(tag: str, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _text(value: str) -> str:
    return _CONTROL.sub("", value)


def _run(
    parent: Any,
    text: str,
    bold: bool = False,
    italic: bool = False,
    mono: bool = False,
    colour: str | None = None,
) -> None:
    run = _el("w:r")
    if bold or italic or mono or colour:
        props = _el("w:rPr")
        if mono:
            props.append(_el("w:rFonts", ascii="Courier New", hAnsi="Courier New"))
        if bold:
            props.append(_el("w:b"))
        if italic:
            props.append(_el("w:i"))
        if colour:
            props.append(_el("w:color", val=colour))
        run.append(props)
    node = _el("w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = _text(text)
    run.append(node)
    parent.append(run)


def _field_mark(parent: Any, kind: str) -> None:
    """A field character run: ``begin``, ``separate`` or ``end``."""
    run = _el("w:r")
    run.append(_el("w:fldChar", fldCharType=kind))
    parent.append(run)


def _field_start(parent: Any, instruction: str) -> None:
    """Open a complex field: begin, the instruction, separate (the cached result follows)."""
    _field_mark(parent, "begin")
    run = _el("w:r")
    node = _el("w:instrText")
    node.set(qn("xml:space"), "preserve")
    node.text = f" {instruction} "
    run.append(node)
    parent.append(run)
    _field_mark(parent, "separate")


def _field(parent: Any, instruction: str, cached: str) -> None:
    """A complex field (PAGE, SEQ, ...) with a cached result Word shows before updating."""
    _field_start(parent, instruction)
    run = _el("w:r")
    node = _el("w:t")
    node.text = cached
    run.append(node)
    parent.append(run)
    _field_mark(parent, "end")


def _inline(parent: Any, token: Any) -> None:
    """Append the runs of an inline token (bold, italic, code, line breaks) to a paragraph."""
    bold = italic = 0
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            _run(parent, child.content, bold > 0, italic > 0)
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "code_inline":
            _run(parent, child.content, bold > 0, italic > 0, mono=True)
        elif kind in ("softbreak",):
            _run(parent, " ")
        elif kind == "hardbreak":
            parent.append(_el("w:r"))
            parent[-1].append(_el("w:br"))
        elif kind == "image":
            _run(parent, child.content or "", italic=True)


def _plain(token: Any) -> str:
    return "".join(c.content for c in (token.children or ()) if c.type in ("text", "code_inline"))


class _Writer:
    def __init__(self, meta: DocxMeta) -> None:
        self.meta = meta
        self.doc = Document()
        self.body = self.doc.element.body
        self._setup()

    # -- styles and page -----------------------------------------------------------------------

    def _style(self, name: str, base: str = "Normal", size: float | None = None) -> str:
        styles = self.doc.styles
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles[base]
            style.quick_style = True
        if size is not None:
            style.font.size = Pt(size)
        return str(style.style_id)

    def _setup(self) -> None:
        doc, meta = self.doc, self.meta
        normal = doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(6)
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                for old in rpr.findall(qn("w:lang")):
                    rpr.remove(old)
                rpr.append(_el("w:lang", val="id-ID", eastAsia="id-ID", bidi="ar-SA"))
        for level, size in ((1, 16), (2, 13), (3, 11.5), (4, 10.5)):
            style = doc.styles[f"Heading {level}"]
            style.font.name = "Arial"
            style.font.size = Pt(size)
            style.font.color.rgb = HEADING_BLUE
            style.paragraph_format.keep_with_next = True
        doc.styles["Title"].font.name = "Arial"
        doc.styles["Title"].font.size = Pt(24)
        doc.styles["Title"].font.color.rgb = HEADING_BLUE
        self.cell_style = self._style("Isi Tabel", size=TABLE_FONT)
        # Tables of many columns (element lists) use a smaller face so words do not break.
        self.wide_cell_style = self._style("Isi Tabel Rapat", size=WIDE_TABLE_FONT)
        for name in ("Isi Tabel", "Isi Tabel Rapat"):
            cell = doc.styles[name].paragraph_format
            cell.space_after = Pt(0)
            cell.space_before = Pt(0)
        caption = doc.styles["Caption"]
        caption.font.size = Pt(9.5)
        caption.font.bold = True
        caption.font.italic = False
        caption.font.color.rgb = HEADING_BLUE
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_before = Pt(8)
        for level in (1, 2):
            self._style(f"TOC {level}")
            doc.styles[f"TOC {level}"].paragraph_format.left_indent = Cm(0.6 * (level - 1))
            doc.styles[f"TOC {level}"].paragraph_format.space_after = Pt(2)

        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(header._p, meta.title, colour="7F7F7F")
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(footer._p, f"{meta.page_label} ")
        _field(footer._p, "PAGE", "1")
        _run(footer._p, f" {meta.of_label} ")
        _field(footer._p, "NUMPAGES", "1")

        settings = doc.settings.element
        settings.append(_el("w:updateFields", val="true"))

        props = doc.core_properties
        props.title = meta.title
        props.author = meta.author
        props.subject = meta.subject
        props.keywords = meta.keywords
        props.comments = ""
        props.category = ""
        props.last_modified_by = meta.author
        props.revision = 1
        props.version = meta.version
        props.language = "id-ID"
        props.created = meta.date
        props.modified = meta.date
        props.last_printed = meta.date
        package = doc.part.package
        for rel_id, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                package.rels.pop(rel_id)

    # -- blocks --------------------------------------------------------------------------------

    def paragraph(self, style: str | None = None) -> Any:
        return self.doc.add_paragraph(style=style)

    def heading(self, level: int, token: Any) -> None:
        if level == 1:
            para = self.doc.add_paragraph(style="Title")
        else:
            para = self.doc.add_heading(level=min(level - 1, 4))
            if level == 2 and self._seen_h2:
                para.paragraph_format.page_break_before = True
            self._seen_h2 = self._seen_h2 or level == 2
        _inline(para._p, token)

    _seen_h2 = False

    def caption(self, kind: str, number: str, text: str) -> None:
        para = self.doc.add_paragraph(style="Caption")
        _run(para._p, f"{kind} ")
        _field(para._p, f"SEQ {kind} \\* ARABIC", number)
        _run(para._p, f". {text}")

    def toc(self, headings: list[tuple[int, str]]) -> None:
        title = self.doc.add_paragraph()
        _run(title._p, self.meta.toc_title, bold=True)
        first = self.doc.add_paragraph(style="TOC 1")
        # The field spans the pre-filled entries: it opens here and closes after the last one.
        _field_start(first._p, 'TOC \\o "1-3" \\h \\z \\u')
        paragraphs = [first]
        for n, (level, text) in enumerate(headings):
            para = first if n == 0 else self.doc.add_paragraph(style=f"TOC {min(level, 2)}")
            if n == 0 and level != 1:
                para.style = self.doc.styles[f"TOC {min(level, 2)}"]
            _run(para._p, text)
            paragraphs.append(para)
        if not headings:
            _run(first._p, self.meta.toc_hint, italic=True)
        _field_mark(paragraphs[-1]._p, "end")
        note = self.doc.add_paragraph()
        _run(note._p, self.meta.toc_hint, italic=True, colour="7F7F7F")

    def table(self, rows: list[tuple[bool, list[Any]]]) -> None:
        if not rows:
            return
        columns = max(len(cells) for _, cells in rows)
        wide = columns >= WIDE_TABLE_COLUMNS
        font = WIDE_TABLE_FONT if wide else TABLE_FONT
        cell_style = self.wide_cell_style if wide else self.cell_style
        widths = column_widths(rows, columns, font)
        table = self.doc.add_table(rows=0, cols=columns)
        table.style = self.doc.styles["Table Grid"]
        tbl = table._tbl
        props = tbl.tblPr
        for old in props.findall(qn("w:tblW")):
            props.remove(old)
        props.append(_el("w:tblW", w=str(TEXT_WIDTH), type="dxa"))
        props.append(_el("w:tblLayout", type="fixed"))
        margins = _el("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(_el(f"w:{side}", w=str(CELL_MARGIN), type="dxa"))
        props.append(margins)
        grid = tbl.find(qn("w:tblGrid"))
        if grid is not None:
            for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
                col.set(qn("w:w"), str(width))
        look = props.find(qn("w:tblLook"))
        if look is not None:
            props.remove(look)
        for header, cells in rows:
            tr = _el("w:tr")
            trpr = _el("w:trPr")
            trpr.append(_el("w:cantSplit"))
            if header:
                trpr.append(_el("w:tblHeader"))
            tr.append(trpr)
            for index in range(columns):
                tc = _el("w:tc")
                tcpr = _el("w:tcPr")
                tcpr.append(_el("w:tcW", w=str(widths[index]), type="dxa"))
                if header:
                    tcpr.append(_el("w:shd", val="clear", color="auto", fill="DCE6F1"))
                tc.append(tcpr)
                p = _el("w:p")
                ppr = _el("w:pPr")
                ppr.append(_el("w:pStyle", val=cell_style))
                if header:
                    ppr.append(_el("w:keepNext"))
                p.append(ppr)
                if index < len(cells) and cells[index] is not None:
                    if header:
                        _run(p, _plain(cells[index]), bold=True)
                    else:
                        _inline(p, cells[index])
                tc.append(p)
                tr.append(tc)
            tbl.append(tr)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def save(self) -> bytes:
        raw = io.BytesIO()
        self.doc.save(raw)
        return normalise_zip(raw.getvalue())


#: Text width of an A4 page with 2.2 cm margins, in twentieths of a point.
TEXT_WIDTH = round((21.0 - 2 * 2.2) / 2.54 * 1440)


#: Table text size in points; tables of at least WIDE_TABLE_COLUMNS columns use the smaller one.
TABLE_FONT = 9.0
WIDE_TABLE_FONT = 7.5
WIDE_TABLE_COLUMNS = 8
#: Left and right cell margin, in twips (0.12 cm).
CELL_MARGIN = 70
#: A word longer than this may wrap inside a cell.
LONGEST_UNBROKEN = 12


def column_widths(
    rows: list[tuple[bool, list[Any]]], columns: int, font: float = TABLE_FONT
) -> list[int]:
    """Share the text width between columns, first by longest word, then by amount of text.

    Each column first gets room for its longest word (a code like RAD.02.08 must not wrap
    letter by letter); the rest of the width goes by how much text each column holds.
    """
    weight = [7] * columns
    word = [3] * columns
    for header, cells in rows:
        for index, cell in enumerate(cells[:columns]):
            text = _plain(cell) if cell is not None else ""
            weight[index] = max(weight[index], min(len(text) + 1, 20 if header else 48))
            longest = max((len(w) for w in text.split()), default=0)
            word[index] = max(word[index], min(longest, LONGEST_UNBROKEN))
    # An average character of Arial is about 0.6 em: 12 twips per point of font size.
    char_width = round(12 * font)
    floors = [2 * CELL_MARGIN + 20 + char_width * w for w in word]
    spare = TEXT_WIDTH - sum(floors)
    if spare <= 0:  # too many columns for their words: shrink the floors proportionally
        widths = [TEXT_WIDTH * f // sum(floors) for f in floors]
    else:
        total = sum(weight)
        widths = [f + spare * w // total for f, w in zip(floors, weight, strict=True)]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with entries in a fixed order and a fixed timestamp."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
        for name in ordered:
            if name == "docProps/thumbnail.jpeg":
                continue
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return out.getvalue()


def markdown_to_docx(markdown: str, meta: DocxMeta) -> bytes:
    """Convert the rendered Markdown of one document into DOCX bytes."""
    tokens = markdown_parser().parse(markdown)
    writer = _Writer(meta)
    headings = [
        (int(tokens[n].tag[1]) - 1, _plain(tokens[n + 1]))
        for n, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag in ("h2", "h3")
    ]
    lists: list[str] = []
    numbers: list[int] = []
    rows: list[tuple[bool, list[Any]]] = []
    row: list[Any] = []
    in_head = False
    quote = 0
    n = 0
    while n < len(tokens):
        tok = tokens[n]
        kind = tok.type
        if kind == "heading_open":
            writer.heading(int(tok.tag[1]), tokens[n + 1])
            n += 3
            continue
        if kind == "paragraph_open":
            inline = tokens[n + 1]
            text = _plain(inline)
            children = inline.children or []
            match = CAPTION.match(text)
            if text.strip() == TOC_PARAGRAPH:
                writer.toc(headings)
            elif match and children and children[0].type == "em_open" and not lists:
                writer.caption(match.group(1), match.group(2), match.group(3))
            else:
                prefix = ""
                if lists:
                    depth = min(len(lists), 3)
                    if lists[-1] == "bullet":
                        style = "List Bullet" if depth == 1 else f"List Bullet {depth}"
                    else:
                        style = "List" if depth == 1 else f"List {depth}"
                        prefix = f"{numbers[-1]}. "
                        numbers[-1] += 1
                elif quote:
                    style = "Quote"
                else:
                    style = None
                para = writer.paragraph(style)
                if prefix:
                    _run(para._p, prefix)
                _inline(para._p, inline)
            n += 3
            continue
        if kind == "bullet_list_open":
            lists.append("bullet")
        elif kind == "ordered_list_open":
            lists.append("ordered")
            numbers.append(int(tok.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if lists.pop() == "ordered":
                numbers.pop()
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            rows.append((in_head, row))
        elif kind == "inline" and tokens[n - 1].type in ("th_open", "td_open"):
            row.append(tok)
        elif kind == "table_close":
            writer.table(rows)
            rows = []
        elif kind in ("fence", "code_block") and tok.info.strip() != "mermaid":
            for line in tok.content.rstrip("\n").split("\n"):
                para = writer.paragraph()
                _run(para._p, line, mono=True)
        n += 1
    return writer.save()
