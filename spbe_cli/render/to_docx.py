"""DOCX writer: the parsed document as a Word file a Sekretariat can edit and hand on.

python-docx makes the package, the styles, the header and footer and the image parts; the body
is written in one pass as WordprocessingML text and parsed once (building each element through
python-docx would parse XML per element, most of the time of a large document).

The skeleton: the cover alone on page 1 (no page number there), the table of contents on its
own page, pre-filled with the headings (Word fills in the page numbers when it updates the
field), every chapter (level 2 heading) on a new page, "Halaman n dari m" in the footer, the
colophon on the last page. Tables: header row repeated, rows not split, column widths from
content (a code, an id or an amount never narrower than itself), numbers right-aligned, "Rp"
kept with its number, 9 pt at least, wide tables in a landscape section. Figures are the PNG of
:mod:`spbe_cli.render.figures` at print resolution.

The file is the same bytes for the same input: zip entries in a fixed order with a fixed
timestamp, and core properties dated from the catalog, never from the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from spbe_cli.markup import docx_text
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
from spbe_cli.render.geometry import (
    CELL_MARGIN,
    MARGIN,
    PAGE_H,
    PAGE_W,
    TABLE_FONT,
    TEXT_H_PORTRAIT,
    TEXT_W_LANDSCAPE,
    TEXT_W_PORTRAIT,
    keep_list_together,
    keep_together,
    table_widths,
)

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
HEADING_BLUE = "1F3B5C"

#: The small paragraph after every table (Word needs one between two tables).
TABLE_GAP = '<w:p><w:pPr><w:spacing w:after="60"/></w:pPr></w:p>'
#: The signature block sits on the right half of the page, centred, kept together.
SIGNATURE_PARAGRAPH = '<w:keepNext/><w:keepLines/><w:ind w:left="4800"/><w:jc w:val="center"/>'

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)


@dataclass(frozen=True)
class DocxMeta:
    """Core properties and running texts of one Word file."""

    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    date: datetime = datetime(2000, 1, 1)
    version: str = ""


@dataclass(frozen=True)
class Picture:
    """A figure as PNG with its print size."""

    png: bytes
    width_cm: float
    height_cm: float


def _x(text: str) -> str:
    """Text for XML content or a quoted attribute (controls and bidi shown, as in HTML)."""
    return docx_text(text)


def _run(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    mono: bool = False,
    colour: str | None = None,
    size: float | None = None,
) -> str:
    props = []
    if mono:
        props.append('<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>')
    if bold:
        props.append("<w:b/>")
    if italic:
        props.append("<w:i/>")
    if colour:
        props.append(f'<w:color w:val="{colour}"/>')
    if size:
        props.append(f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_x(text)}</w:t></w:r>'


_RP = re.compile(r"\bRp (?=\d)")


def _runs(inline: Inline, *, bold: bool = False, nbsp: bool = False) -> str:
    parts = []
    for span in inline:
        if span.text == "\n":
            parts.append("<w:r><w:br/></w:r>")
            continue
        # "Rp" never ends a line away from its number, in any cell or paragraph.
        text = span.text.replace(" ", "\u00a0") if nbsp else _RP.sub("Rp\u00a0", span.text)
        parts.append(_run(text, bold=bold or span.bold, italic=span.italic, mono=span.code))
    return "".join(parts)


def _field(instruction: str, cached: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {_x(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{_x(cached)}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _p(content: str, style: str | None = None, extra: str = "") -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + extra
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{content}</w:p>"


def _keep_next(paragraph: str) -> str:
    """A paragraph of :func:`_p` kept on the page of the next one (``w:keepNext``)."""
    if paragraph.startswith("<w:p><w:pPr>"):
        head, rest = paragraph[: len("<w:p><w:pPr>")], paragraph[len("<w:p><w:pPr>") :]
        if rest.startswith("<w:pStyle "):
            style, rest = rest.split("/>", 1)
            return f"{head}{style}/><w:keepNext/>{rest}"
        return f"{head}<w:keepNext/>{rest}"
    return paragraph.replace("<w:p>", "<w:p><w:pPr><w:keepNext/></w:pPr>", 1)


class _Writer:
    def __init__(self, meta: DocxMeta, picture: Callable[[Figure], Picture]) -> None:
        from docx import Document as new_document

        self.meta = meta
        self.picture = picture
        self.doc = new_document()
        self.parts: list[str] = []
        self.styles: dict[str, str] = {}
        self.drawings = 0
        self.seen_chapter = False
        self.landscape = False
        self.headings_at: set[int] = set()
        self._setup()

    # -- styles, page, properties ----------------------------------------------------------------

    def _setup(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt, RGBColor

        doc, meta = self.doc, self.meta
        styles = doc.styles
        blue = RGBColor.from_string(HEADING_BLUE)
        normal = styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(6)
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                for old in rpr.findall(qn("w:lang")):
                    rpr.remove(old)
                rpr.append(
                    parse_xml(f'<w:lang {_NS} w:val="id-ID" w:eastAsia="id-ID" w:bidi="ar-SA"/>')
                )

        def style(name: str, base: str = "Normal") -> Any:
            try:
                found = styles[name]
            except KeyError:
                found = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                found.base_style = styles[base]
                found.quick_style = True
            self.styles[name] = str(found.style_id)
            return found

        for level, size in ((1, 16), (2, 13), (3, 11.5), (4, 10.5), (5, 10.5)):
            heading = style(f"Heading {level}")
            heading.font.name = "Arial"
            heading.font.size = Pt(size)
            heading.font.color.rgb = blue
            heading.paragraph_format.keep_with_next = True
        title = style("Title")
        title.font.name = "Arial"
        title.font.size = Pt(26)
        title.font.color.rgb = blue
        cell = style("Isi Tabel")
        cell.font.size = Pt(TABLE_FONT)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.space_before = Pt(0)
        caption = style("Caption")
        caption.font.size = Pt(9.5)
        caption.font.bold = True
        caption.font.italic = False
        caption.font.color.rgb = blue
        caption.paragraph_format.space_before = Pt(8)
        for name in ("List Bullet", "List Bullet 2", "Quote"):
            style(name)
        for level in (1, 2):
            toc = style(f"TOC {level}")
            toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            # Compact, so that a document of ten chapters keeps its contents on one page.
            toc.font.size = Pt(10)
            toc.paragraph_format.space_before = Pt(0)
            toc.paragraph_format.space_after = Pt(1)
            toc.paragraph_format.line_spacing = 1.0
        self.styles["TOC Heading"] = str(style("TOC Heading", "Heading 1").style_id)

        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
        section.different_first_page_header_footer = True  # the cover has no page number
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        header._p.append(
            parse_xml(
                f'<w:r {_NS}><w:rPr><w:color w:val="7F7F7F"/>'
                f'<w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">'
                f"{_x(meta.title)}</w:t></w:r>"
            )
        )
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer_xml = (
            _run(f"{KOSAKATA['halaman']} ", size=9)
            + _field("PAGE", "1")
            + _run(f" {KOSAKATA['dari']} ", size=9)
            + _field("NUMPAGES", "1")
        )
        for node in parse_xml(f"<w:p {_NS}>{footer_xml}</w:p>"):
            footer._p.append(node)
        settings = doc.settings.element
        settings.append(parse_xml(f'<w:updateFields {_NS} w:val="true"/>'))

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
        from lxml import etree

        body_sect = doc.element.body.find(qn("w:sectPr"))
        refs = "".join(
            etree.tostring(el, encoding="unicode")
            for el in body_sect
            if el.tag in (qn("w:headerReference"), qn("w:footerReference"))
        )
        self.section_refs = re.sub(r"\sxmlns:\w+=\"[^\"]+\"", "", refs)
        self.section_xml = re.sub(
            r"\sxmlns:\w+=\"[^\"]+\"", "", etree.tostring(body_sect, encoding="unicode")
        )

    # -- blocks ----------------------------------------------------------------------------------

    def blocks(self, blocks: tuple[Block, ...], document: Document, depth: int = 0) -> None:
        for index, block in enumerate(blocks):
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                style = self.styles["Quote"] if block.note else None
                self.parts.append(_p(_runs(block.inline), style))
                after = blocks[index + 1] if index + 1 < len(blocks) else None
                if isinstance(after, ListBlock) and keep_list_together(after):
                    self.parts[-1] = _keep_next(self.parts[-1])  # leads into a list kept whole
            elif isinstance(block, ListBlock):
                first = len(self.parts)
                self.list(block, document, depth)
                if keep_list_together(block):
                    # A short list is kept on one page (as HTML print keeps ``ol.utuh``).
                    self.parts[first:-1] = [_keep_next(part) for part in self.parts[first:-1]]
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Figure):
                self.figure(block)
            elif isinstance(block, Box):
                self.box(block, document)
            elif isinstance(block, Toc):
                self.toc(document)
            elif isinstance(block, PageBreak):
                self.parts.append(_p('<w:r><w:br w:type="page"/></w:r>'))
            elif isinstance(block, Code):
                for line in block.text.split("\n"):
                    self.parts.append(_p(_run(line, mono=True)))

    def heading(self, block: Heading) -> None:
        if block.level == 1:
            self.parts.append(_p(_runs(block.inline), self.styles["Title"]))
            return
        if self.landscape:
            # A wide table's landscape section ends with the table: the next section of text
            # (and its figures) is read on portrait pages, never as a few lines on a landscape
            # page of their own.
            self._section_break(False)
        extra = ""
        if block.level == 2:
            if self.seen_chapter and not self._fresh_page():
                extra = "<w:pageBreakBefore/>"
            self.seen_chapter = True
        style = self.styles[f"Heading {min(block.level - 1, 5)}"]
        self.parts.append(_p(_runs(block.inline), style, extra))
        self.headings_at.add(len(self.parts) - 1)

    def _fresh_page(self) -> bool:
        """Tell whether nothing was written since a section break (a new page already)."""
        return bool(self.parts) and "<w:sectPr>" in self.parts[-1][:200]

    def list(self, block: ListBlock, document: Document, depth: int) -> None:
        for n, item in enumerate(block.items, start=block.start):
            first = True
            for inner in item:
                if isinstance(inner, Paragraph) and first:
                    if block.ordered:
                        # Numbers written out (Word's list numbering would continue across
                        # lists and number the number again).
                        indent = f'<w:ind w:left="{360 * (depth + 1)}" w:hanging="360"/>'
                        text = _run(f"{n}.\t") + _runs(inner.inline)
                        tab = f'<w:tabs><w:tab w:val="left" w:pos="{360 * (depth + 1)}"/></w:tabs>'
                        self.parts.append(_p(text, None, tab + indent))
                    else:
                        style = self.styles["List Bullet" if depth == 0 else "List Bullet 2"]
                        self.parts.append(_p(_runs(inner.inline), style))
                    first = False
                elif isinstance(inner, ListBlock):
                    self.list(inner, document, depth + 1)
                else:
                    self.blocks((inner,), document, depth + 1)

    def box(self, block: Box, document: Document) -> None:
        if block.kind == "sampul":
            # The logo, the title and the cover lines, then a page break: the cover is alone.
            self.parts.append(_p("", extra='<w:spacing w:before="1800"/>'))
            if document.logo is not None:
                logo = document.logo
                height_cm = 2.5
                width_cm = height_cm * logo.width / logo.height
                self.parts.append(self._drawing(logo.png, width_cm, height_cm, "Logo", "Logo", ""))
            for inner in block.blocks:
                if isinstance(inner, Heading):
                    self.parts.append(
                        _p(_runs(inner.inline), self.styles["Title"], '<w:spacing w:after="480"/>')
                    )
                elif isinstance(inner, Paragraph):
                    self.parts.append(_p(_runs(inner.inline), None, '<w:spacing w:after="120"/>'))
                else:
                    self.blocks((inner,), document)
            self.parts.append(_p('<w:r><w:br w:type="page"/></w:r>'))
        elif block.kind == "pengesahan":
            self.parts.append(_p("", extra='<w:keepNext/><w:spacing w:before="480"/>'))
            for inner in block.blocks:
                if isinstance(inner, Paragraph):
                    self.parts.append(
                        _p(
                            _runs(inner.inline),
                            None,
                            SIGNATURE_PARAGRAPH,
                        )
                    )
                else:
                    self.blocks((inner,), document)
        else:  # kolofon: on its own page at the end
            self.parts.append(_p('<w:r><w:br w:type="page"/></w:r>'))
            self.blocks(block.blocks, document)

    def toc(self, document: Document) -> None:
        """The TOC field, pre-filled with the headings (Word adds page numbers on update)."""
        self.parts.append(_p(_run(KOSAKATA["daftar_isi"]), self.styles["TOC Heading"]))
        entries = document.contents()
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W_PORTRAIT}"/></w:tabs>'
        if not entries:
            self.parts.append(_p(begin + end, self.styles["TOC 1"]))
        for n, heading in enumerate(entries):
            style = self.styles["TOC 1" if heading.level == 2 else "TOC 2"]
            content = (begin if n == 0 else "") + _run(heading.text)
            if n == len(entries) - 1:
                content += end
            self.parts.append(_p(content, style, tabs))
        self.parts.append(_p('<w:r><w:br w:type="page"/></w:r>'))

    def figure(self, block: Figure) -> None:
        picture = self.picture(block)
        self.parts.append(
            self._drawing(
                picture.png,
                picture.width_cm,
                picture.height_cm,
                caption_label(block),
                plain(block.caption),
                '<w:keepNext/><w:spacing w:before="120"/><w:jc w:val="center"/>',
            )
        )
        self.parts.append(
            _p(_run(f"{caption_label(block)}. ") + _runs(block.caption), self.styles["Caption"])
        )

    def _drawing(
        self, png: bytes, width_cm: float, height_cm: float, name: str, descr: str, ppr: str
    ) -> str:
        """A paragraph holding one PNG at its print size (within the text area)."""
        from docx.shared import Cm

        if self.landscape:
            # Figures are drawn for a portrait page: one after a wide table would overflow the
            # shorter landscape page and leave a blank page behind.
            self._section_break(False)
        rel_id, _image = self.doc.part.get_or_add_image(io.BytesIO(png))
        text_w = TEXT_W_LANDSCAPE if self.landscape else TEXT_W_PORTRAIT
        width = min(int(Cm(width_cm)), text_w * 635)
        height = int(width * height_cm / max(width_cm, 0.01))
        limit = (TEXT_H_PORTRAIT - 2400) * 635  # room for a heading and the caption
        if height > limit:
            width, height = int(width * limit / height), limit
        self.drawings += 1
        n = self.drawings
        drawing = (
            f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{width}" cy="{height}"/>'
            f'<wp:docPr id="{n}" name="{_x(name)}" descr="{_x(descr)}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="gambar-{n}.png"/>'
            "<pic:cNvPicPr/></pic:nvPicPr>"
            f'<pic:blipFill><a:blip r:embed="{rel_id}"/>'
            "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )
        return _p(drawing, None, ppr)

    # -- tables ----------------------------------------------------------------------------------

    def _section_break(self, landscape: bool) -> None:
        """End the current section here; the next one is landscape or portrait."""
        # The sectPr in a paragraph describes the section that ends with that paragraph.
        current = self.landscape
        if current:
            size = f'<w:pgSz w:w="{PAGE_H}" w:h="{PAGE_W}" w:orient="landscape"/>'
        else:
            size = f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        sect = (
            f'<w:sectPr>{self.section_refs}<w:type w:val="nextPage"/>{size}'
            f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
            'w:header="708" w:footer="708" w:gutter="0"/>'
            + ("<w:titlePg/>" if not self.sections_started else "")
            + "</w:sectPr>"
        )
        self.sections_started = True
        # Headings just written belong with what follows: they move to the new section
        # (never alone at the foot of the page before it).
        start = len(self.parts)
        for index in range(len(self.parts) - 1, max(len(self.parts) - 4, -1), -1):
            part = self.parts[index]
            if part.startswith("<w:tbl>") or "<w:drawing>" in part or "<w:sectPr" in part:
                break
            if index in self.headings_at:
                start = index
        moved = [part.replace("<w:pageBreakBefore/>", "") for part in self.parts[start:]]
        moved_headings = {i - start for i in self.headings_at if i >= start}
        del self.parts[start:]
        self.headings_at = {i for i in self.headings_at if i < start}
        if not moved and self.parts and self.parts[-1] == TABLE_GAP:
            self.parts.pop()  # the section break paragraph follows the table instead
        # As small as a paragraph can be, so that it never spills onto a page of its own.
        tiny = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        self.parts.append(_p("", None, tiny + sect))
        for offset, part in enumerate(moved):
            self.parts.append(part)
            if offset in moved_headings:
                self.headings_at.add(len(self.parts) - 1)
        self.landscape = landscape

    sections_started = False

    def table(self, table: Table) -> None:
        if table.landscape and not self.landscape:
            self._section_break(True)
        elif not table.landscape and self.landscape:
            self._section_break(False)
        if table.number:
            self.parts.append(
                _p(
                    _run(f"{caption_label(table)}. ") + _runs(table.caption),
                    self.styles["Caption"],
                    "<w:keepNext/>",
                )
            )
        widths = table_widths(table)
        cell_style = self.styles["Isi Tabel"]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        out = [
            "<w:tbl><w:tblPr>",
            f'<w:tblStyle w:val="{self.styles.get("Table Grid", "TableGrid")}"/>',
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
            '<w:tblBorders><w:top w:val="single" w:sz="4" w:color="A6B6C8"/>'
            '<w:left w:val="single" w:sz="4" w:color="A6B6C8"/>'
            '<w:bottom w:val="single" w:sz="4" w:color="A6B6C8"/>'
            '<w:right w:val="single" w:sz="4" w:color="A6B6C8"/>'
            '<w:insideH w:val="single" w:sz="4" w:color="A6B6C8"/>'
            '<w:insideV w:val="single" w:sz="4" w:color="A6B6C8"/></w:tblBorders>',
            '<w:tblLayout w:type="fixed"/>',
            f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
            f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>',
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>",
        ]
        out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        for column, width in zip(table.columns, widths, strict=True):
            jc = '<w:jc w:val="right"/>' if column.numeric else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                '<w:shd w:val="clear" w:color="auto" w:fill="DCE6F1"/></w:tcPr>'
                + _p(_runs(column.header, bold=True), cell_style, f"<w:keepNext/>{jc}")
                + "</w:tc>"
            )
        out.append("</w:tr>")
        together = keep_together(table, widths)
        last = len(table.rows) - 1
        for index, (row, total) in enumerate(zip(table.rows, table.total, strict=True)):
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            keep = "<w:keepNext/>" if together and index < last else ""
            for column, width, cell in zip(table.columns, widths, row, strict=True):
                jc = '<w:jc w:val="right"/>' if column.numeric else ""
                shade = '<w:shd w:val="clear" w:color="auto" w:fill="EEF2F6"/>' if total else ""
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                    + _p(
                        _runs(cell, bold=total, nbsp=column.unbreakable),
                        cell_style,
                        # pPr children in schema order: keepNext, suppressAutoHyphens, jc
                        keep + ("<w:suppressAutoHyphens/>" if column.unbreakable else "") + jc,
                    )
                    + "</w:tc>"
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.parts.append("".join(out))
        self.parts.append(TABLE_GAP)

    # -- output ----------------------------------------------------------------------------------

    def save(self) -> bytes:
        """The package python-docx writes, with the body spliced into ``word/document.xml``.

        The body is text already; parsing it into the tree only for python-docx to serialise it
        again would cost more than writing the whole document (lxml moves nodes between trees
        one by one).
        """
        from lxml import etree

        if self.landscape:
            self._section_break(False)
        if self.sections_started:
            # The first section (ending at the first landscape table) carries the cover.
            self.section_xml = self.section_xml.replace("<w:titlePg/>", "")
        raw = io.BytesIO()
        media = self._save_without_media(raw)
        source = etree.tostring(self.doc.element, encoding="unicode")
        head = source[: source.index("<w:body>") + len("<w:body>")]
        for prefix, uri in _EXTRA_NS.items():
            if f"xmlns:{prefix}=" not in head:
                head = head.replace("<w:document ", f'<w:document xmlns:{prefix}="{uri}" ', 1)
        parts, self.parts = self.parts, []
        parts.reverse()

        def document() -> Iterator[bytes]:
            # Streamed into the zip, each part freed once written: a national-scale body is
            # a few hundred MB of XML, and joining it would hold it two more times.
            yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{head}'.encode()
            while parts:
                yield parts.pop().encode("utf-8")
            yield f"{self.section_xml}</w:body></w:document>".encode()

        return normalise_zip(raw.getvalue(), {**media, "word/document.xml": document()})

    def _save_without_media(self, raw: io.BytesIO) -> dict[str, bytes]:
        """python-docx's package with its images left empty; the images by entry name.

        python-docx deflates every part at zlib's default level, and :func:`normalise_zip`
        inflated and deflated it again at level 1: for the PNGs, the largest parts, that first
        round was most of a small document's save, and its bytes were thrown away. The images
        are deflated once, by :func:`normalise_zip`.
        """
        from docx.parts.image import ImagePart

        images = [
            part
            for part in self.doc.part.package.iter_parts()
            if isinstance(part, ImagePart) and isinstance(getattr(part, "_blob", None), bytes)
        ]
        media = {str(part.partname).lstrip("/"): part.blob for part in images}
        try:
            for part in images:
                part._blob = b""  # python-docx has no public setter
            self.doc.save(raw)
        finally:
            for part in images:
                part._blob = media[str(part.partname).lstrip("/")]
        return media


#: Namespaces the body uses that python-docx's template may not declare.
_EXTRA_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}


def normalise_zip(
    data: bytes, replace: Mapping[str, bytes | Iterable[bytes]] | None = None
) -> bytes:
    """Rewrite a zip with entries in a fixed order and a fixed timestamp (some replaced).

    A replacement is the entry's bytes, or its bytes in chunks (written as they come).
    """
    replace = replace or {}
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
            # Level 1: a national-scale document compresses in a fraction of the default's
            # time, for files a few percent larger; the bytes are the same on every run.
            payload = replace.get(name)
            if payload is None or isinstance(payload, bytes):
                target.writestr(info, payload or source.read(name), compresslevel=1)
                continue
            # What writestr(..., compresslevel=1) sets (public as compress_level from 3.13).
            info._compresslevel = 1  # type: ignore[attr-defined]
            with target.open(info, "w") as stream:
                for chunk in payload:
                    stream.write(chunk)
    return out.getvalue()


def write_docx(document: Document, meta: DocxMeta, picture: Callable[[Figure], Picture]) -> bytes:
    """The document as DOCX bytes."""
    writer = _Writer(meta, picture)
    writer.blocks(document.blocks, document)
    return writer.save()
