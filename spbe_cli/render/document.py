"""The parsed document: one tree that the Markdown, HTML and DOCX writers all write.

A document is authored once, as a Jinja template that emits *document Markdown*: CommonMark,
GFM tables and a few directives, which are fenced blocks whose info string starts with
``spbe-`` (the body of a directive is Markdown too)::

    ~~~spbe-sampul                 cover: an ``#`` title and paragraphs, alone on page 1
    ~~~spbe-daftar-isi             table of contents (empty body)
    ~~~spbe-tabel [lanskap]        a caption paragraph, a blank line, then the table
    ~~~spbe-gambar KEY             a figure drawn from the spec the builder gave under KEY;
                                   the body is its caption
    ~~~spbe-halaman-baru           page break
    ~~~spbe-pengesahan             penetapan / signature block
    ~~~spbe-kolofon                "Tentang dokumen ini", last page
    ~~~spbe-singkatan              "Daftar Singkatan": its heading, then a list of the
                                   abbreviations the document shows (gone when none)

:func:`parse_document` parses that text once with markdown-it into :class:`Document`, a tuple
of blocks (:class:`Heading`, :class:`Paragraph`, :class:`ListBlock`, :class:`Table`,
:class:`Figure`, :class:`Box`, :class:`Toc`, :class:`PageBreak`, :class:`Code`). The parser
numbers the sections of each numbered chapter (``2.1``, ``2.1.1``: :func:`_numbered_sections`)
and the captions per chapter (``Tabel 2.1``, ``Gambar 2.1``), every table (one outside
``~~~spbe-tabel`` takes its heading as caption), and types table columns by their content, so
numbering, columns and captions are the same in every format by construction.

Catalog text reaches the template as values that the Markdown environment escapes
(:func:`spbe_cli.markup.md_escape`); prose files arrive as inert Markdown whose fences cannot
forge a directive (:func:`spbe_cli.render.prose.shift_markdown`).
"""

from __future__ import annotations

import functools
import heapq
import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal

from spbe_cli.errors import SpbeError
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog

# -- vocabulary of the documents (Indonesian; fixed by the catalog, never by the operator) ------

#: Words the writers print themselves (the rest of the text lives in the templates).
KOSAKATA: Mapping[str, str] = {
    "tabel": "Tabel",
    "gambar": "Gambar",
    "daftar_isi": "Daftar Isi",
    "halaman": "Halaman",
    "dari": "dari",
    "dan": "dan",
    # A column empty in every row is left out; the reader is told which, so a table titled
    # "Realisasi indikator" without a Realisasi column does not look like a broken one.
    "kolom_kosong": "Kolom {kolom} tidak ditampilkan karena belum berisi data.",
    # Under a chart wider than a phone's screen (HTML on a phone only): it scrolls sideways.
    "geser_gambar": "Geser gambar ke samping untuk melihat seluruhnya.",
    # Above a table wider than a phone's screen (HTML on a phone only): it scrolls sideways.
    "geser_tabel": "Geser tabel ke samping untuk melihat semua kolomnya.",
}


def series(items: Sequence[str]) -> str:
    """``A``, ``A dan B``, ``A, B dan C``: a list as an Indonesian sentence writes it."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {KOSAKATA['dan']} {items[-1]}"


#: A chapter with more sections than this lists only itself in the table of contents.
TOC_MAX_SECTIONS = 12

DIRECTIVE_PREFIX = "spbe-"
DIRECTIVES = frozenset(
    {
        "sampul",
        "daftar-isi",
        "singkatan",
        "sistematika",
        "tabel",
        "gambar",
        "halaman-baru",
        "pengesahan",
        "kolofon",
    }
)

# -- inline ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text with one style; a span holding only a newline is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


Inline = tuple[Span, ...]


def plain(inline: Inline) -> str:
    """The text of an inline run, without styles (line breaks as spaces)."""
    if len(inline) == 1 and inline[0].text != "\n":  # most table cells: one plain span
        return inline[0].text.strip()
    return "".join(" " if s.text == "\n" else s.text for s in inline).strip()


# -- blocks ----------------------------------------------------------------------------------------

ColumnKind = Literal["text", "code", "money", "number", "percent", "date"]
NUMERIC: frozenset[str] = frozenset({"money", "number", "percent"})


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is the document title, level 2 a chapter (BAB), 3+ sections."""

    level: int
    inline: Inline
    anchor: str = ""

    @property
    def text(self) -> str:
        """Plain text of the heading."""
        return plain(self.inline)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``note`` for a blockquote (shown as a highlighted note)."""

    inline: Inline
    note: bool = False


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list; each item is a tuple of blocks."""

    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(frozen=True)
class Column:
    """One table column: its header, kind (from content) and width needs in characters."""

    header: Inline
    kind: ColumnKind
    longest_token: float
    """Width of the longest unbreakable piece, in em (a code, an amount, a word)."""
    longest_text: float
    """Width of the longest cell, in em."""
    amount: int = 0
    """How much text the column holds: the characters of all its cells. Printed widths are
    shared by it (:func:`spbe_cli.render.geometry.column_widths`)."""

    @property
    def numeric(self) -> bool:
        """Right-aligned (money, numbers, percentages)."""
        return self.kind in NUMERIC

    @property
    def unbreakable(self) -> bool:
        """Cells that must stay on one line (codes, ids, amounts, dates)."""
        return self.kind != "text"


@dataclass(frozen=True)
class Table:
    """A table with typed columns; ``total`` marks the Jumlah rows."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Inline, ...], ...]
    total: tuple[bool, ...]
    caption: Inline = ()
    number: int = 0
    """The table's place among the document's tables (1, 2, ...); 0: not numbered."""
    label: str = ""
    """Its number as the caption shows it, per chapter (``2.1``); empty: :attr:`number`."""
    landscape: bool = False
    omitted: tuple[str, ...] = ()
    """Headers of the columns left out because every row was empty there."""

    @property
    def shape(self) -> tuple[int, int]:
        """(rows including the header, columns)."""
        return len(self.rows) + 1, len(self.columns)


@dataclass(frozen=True)
class Figure:
    """A figure drawn from the builder's spec under ``key`` (one part of it when paginated)."""

    key: str
    spec: Any
    caption: Inline
    number: int = 0
    """The figure's place among the document's figures (names its file); 0: not numbered."""
    label: str = ""
    """Its number as the caption shows it, per chapter (``3.2``); empty: :attr:`number`."""


@dataclass(frozen=True)
class Box:
    """A directive holding blocks: ``sampul``, ``pengesahan`` or ``kolofon``."""

    kind: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Toc:
    """The table of contents (the writers list the level 2 and 3 headings)."""


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class Code:
    """A fenced code block (shown as monospaced text)."""

    text: str
    info: str = ""


Block = Heading | Paragraph | ListBlock | Table | Figure | Box | Toc | PageBreak | Code


@dataclass(frozen=True)
class Logo:
    """A PNG image and its size in pixels."""

    png: bytes
    width: int
    height: int


#: The logo file a catalog may hold when ``metadata.logo`` names none.
LOGO_FILE = "logo.png"


def read_logo(catalog: Catalog) -> Logo | None:
    """The catalog's logo: the file ``metadata.logo`` names, else ``logo.png``; None if unusable.

    The named file is what the loading stage read (:attr:`Catalog.logo`, by the rule ``spbe
    validate`` reports as SPBE220: inside the catalog and not in ``.git``, a regular file, at
    most 2 MiB, a PNG by its content); ``logo.png`` is read by the same rule. The cover then has
    no logo, and nothing outside the catalog is read.
    """
    from spbe_cli.files import png_size
    from spbe_cli.loader import logo_file

    if catalog.logo is not None:
        found = catalog.logo.image
    else:
        found, _problem = logo_file(catalog.root, LOGO_FILE)
    if found is None:
        return None
    data = found[1]
    size = png_size(data)
    if size is None:  # pragma: no cover - logo_file accepts only a whole PNG
        return None
    return Logo(data, *size)


@dataclass(frozen=True)
class Document:
    """A parsed document."""

    name: str
    blocks: tuple[Block, ...]
    title: str = ""
    logo: Logo | None = None
    """The Pemda's logo for the cover (``logo.png`` of the catalog), when it has one."""

    def walk(self) -> Iterator[Block]:
        """Every block in reading order, boxes and list items opened."""
        yield from _walk(self.blocks)

    def headings(self) -> list[Heading]:
        """Every heading in order."""
        return [b for b in self.walk() if isinstance(b, Heading)]

    def contents(self) -> list[Heading]:
        """The entries of the table of contents: chapters, and their sections when few.

        A chapter with more than :data:`TOC_MAX_SECTIONS` sections (an appendix of every
        OPD, say) lists only itself: a table of contents is for finding chapters.
        """
        entries: list[Heading] = []
        chapter: list[Heading] = []
        for heading in self.headings():
            if heading.level == 2:
                entries.extend(_toc_chapter(chapter))
                chapter = [heading]
            elif heading.level == 3 and chapter:
                chapter.append(heading)
        entries.extend(_toc_chapter(chapter))
        return entries


def _toc_chapter(chapter: list[Heading]) -> list[Heading]:
    """A chapter's entries: itself, and its sections when few.

    In a chapter of numbered sections (2.1, 2.2) an unnumbered one is a heading deeper than
    :data:`NUMBERED_LEVELS` that no parent holds: the contents list the numbered ones.
    """
    if len(chapter) > TOC_MAX_SECTIONS + 1:
        return chapter[:1]
    numbered = [h for h in chapter[1:] if h.text[:1].isdigit()]
    return chapter[:1] + numbered if numbered else chapter


def _no_skipped_levels(blocks: list[Block]) -> list[Block]:
    """Bring a heading that skips a level up under its parent (a prose "####" under a BAB).

    Word's navigation pane, the table of contents and screen readers read the outline; a
    level 4 heading under a level 2 one is a hole in it. Siblings stay siblings: a heading's
    parent is the nearest earlier one of a lower written level. The cover and the colophon
    boxes keep their headings and take part as parents.
    """
    stack: list[tuple[int, int]] = [(1, 1)]  # (written level, level given), the title first
    out: list[Block] = []

    def place(written: int) -> int:
        while stack and stack[-1][0] >= written:
            stack.pop()
        given = min(written, (stack[-1][1] if stack else 0) + 1)
        stack.append((written, given))
        return given

    for block in blocks:
        if isinstance(block, Heading):
            level = place(block.level)
            if level != block.level:
                block = replace(block, level=level)
        elif isinstance(block, Box):
            for inner in _walk(block.blocks):
                if isinstance(inner, Heading):
                    place(inner.level)
        out.append(block)
    return out


#: A number a template (or a Pemda's older template) wrote before a section's title: ``1.2``,
#: ``5.1.3.``, or the enumerators of the usual Indonesian outline (``A.``, ``b.``, ``IV.``,
#: ``3.``, ``2)``); the numbering pass gives its own (:func:`_numbered_sections`), so "A. Latar
#: Belakang" under BAB I is "1.1 Latar Belakang", not "1.1 A. Latar Belakang".
_SECTION_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)+\.?|\d{1,2}[.)]|[A-Za-z][.)]|[IVXLC]{2,7}[.)])\s+")
#: Headings down to this level carry a number in a numbered chapter: ``2.1`` and ``2.1.3``;
#: deeper ones (a program under its element, a year of the road map) are titles only.
NUMBERED_LEVELS = 4


def _numbered_sections(blocks: list[Block]) -> list[Block]:
    """Number the sections of every numbered chapter: the one home of section numbers.

    Under "BAB II ..." (or "2. ...") the level 3 headings are ``2.1``, ``2.2``, ... and the level
    4 ones under them ``2.1.1``, ... in reading order, whether a template or a prose file wrote
    them: a prose subheading ("Wilayah dan penduduk") no longer stands unnumbered beside the
    template's numbered sections, and a section shown only sometimes (Riwayat Reviu, Strategi)
    cannot leave a gap or a repeated number. A number already written before the title is
    replaced. Chapters without a number (DAFTAR SINGKATAN, LAMPIRAN, TENTANG DOKUMEN INI) and
    the cover's and colophon's headings are left as written.
    """
    out: list[Block] = []
    chapter = ""
    counts: list[int] = []
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 2:
                found = chapter_number(block.text)
                chapter = found if found.isdigit() else ""
                counts = []
            elif chapter and block.level <= NUMBERED_LEVELS:
                depth = block.level - 2
                counts = counts[:depth] + [0] * (depth - len(counts))
                counts[depth - 1] += 1
                number = ".".join([chapter, *map(str, counts)])
                block = replace(block, inline=_with_number(number, block.inline))
        elif isinstance(block, Box) and any(
            isinstance(b, Heading) and b.level == 2 for b in _walk(block.blocks)
        ):
            chapter, counts = "", []  # a box's own chapter (Daftar Singkatan) ends the last one
        out.append(block)
    return out


def _with_number(number: str, inline: Inline) -> Inline:
    """A heading's inline run with ``number`` in place of any number written before its title."""
    spans = list(inline)
    while spans and not spans[0].text.strip():
        spans.pop(0)
    if spans:
        first = spans[0]
        bare = _SECTION_NUMBER.sub("", first.text.lstrip(), count=1)
        if not (first.bold or first.italic or first.code or first.href):
            return (replace(first, text=f"{number} {bare}"), *spans[1:])
        spans[0] = replace(first, text=bare)
    return (Span(f"{number} "), *spans)


def _anchored(blocks: Sequence[Block], seen: dict[str, int] | None = None) -> list[Block]:
    """Give every heading its anchor, from its text as shown (numbers included), in order.

    The way GitHub makes them, so that the Markdown table of contents links to the headings
    GitHub shows; a repeated title gets ``-1``, ``-2``, ...
    """
    seen = {} if seen is None else seen
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            base = slug(block.text) or "bagian"
            count = seen.get(base, 0)
            seen[base] = count + 1
            block = replace(block, anchor=base if not count else f"{base}-{count}")
        elif isinstance(block, Box):
            block = replace(block, blocks=tuple(_anchored(block.blocks, seen)))
        elif isinstance(block, ListBlock):
            items = tuple(tuple(_anchored(item, seen)) for item in block.items)
            block = replace(block, items=items)
        out.append(block)
    return out


def _systematics(blocks: list[Block], known: Mapping[str, str]) -> list[Block]:
    """Fill each ``~~~spbe-sistematika`` with the document's chapters, as a numbered list.

    The chapters the document has, in its order, each as its heading names it ("BAB III
    ANALISIS KESIAPAN DAERAH" is "Bab III Analisis Kesiapan Daerah"): the one home of the
    list. A template that wrote the list by hand named "Bab III Analisis Kesiapan Daerah dan
    Analisis SWOT" for that chapter, and a chapter a template shows only sometimes could be
    listed when absent. Chapters without a number (DAFTAR SINGKATAN, TENTANG DOKUMEN INI) are
    not listed; a LAMPIRAN is.
    """
    if not any(isinstance(b, Box) and b.kind == "sistematika" for b in blocks):
        return blocks
    chapters = [
        # "2. RINGKASAN" is the list's item 2: its number is the list's
        (Paragraph((Span(reading_case(_ARABIC_CHAPTER.sub("", b.text), known)),)),)
        for b in blocks
        if isinstance(b, Heading) and b.level == 2 and chapter_number(b.text)
    ]
    listed: tuple[Block, ...] = (ListBlock(True, tuple(chapters)),) if chapters else ()
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Box) and block.kind == "sistematika":
            out.extend(listed)
        else:
            out.append(block)
    return out


#: Words written in lower case inside a title ("Visi, Misi dan Sasaran"): the conjunctions and
#: prepositions (kata depan, kata hubung) of the Indonesian spelling rules for titles.
_SMALL_WORDS = frozenset(
    {"dan", "atau", "di", "ke", "dari", "per", "yang", "untuk", "dengan", "pada", "dalam"}
    | {"serta", "terhadap", "oleh", "tentang", "tanpa", "sejak", "bagi", "hingga", "sampai"}
    | {"antara", "atas", "sebagai", "tetapi", "karena", "bahwa", "sehingga"}
)


def reading_case(title: str, known: Mapping[str, str] | None = None) -> str:
    """A title in capitals as a list reads it: ``Bab IV Visi, Misi dan Sasaran``.

    ``BAB IV VISI, MISI DAN SASARAN`` reads so. An abbreviation of ``known`` keeps its own
    spelling (``SPBE``, ``Bappeda``), and so do a compound with one (``SIA-SPBE``), a roman
    chapter number and any word with a digit; a title not all in capitals is left as written.
    """
    if title != title.upper():
        return title
    spelled = {short.upper(): short for short in known or {}}
    words = title.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        out.append(_reading_word(word, spelled, index, words))
    return " ".join(out)


def heading_case(title: str) -> str:
    """A title written as a sentence as a heading reads it: ``Di Bawah Target``.

    The headings of the documents are in title case ("Sasaran dan Indikator per Dimensi");
    a title that comes from a message written as a sentence ("Program digital tanpa
    layanan/aplikasi SPBE") reads so as a heading: each word capitalised, the small words of
    :data:`_SMALL_WORDS` in lower case after the first, and a word already holding a capital
    after its first letter or a digit (``SPBE``, ``e-Gov``, ``2026``) left as written.
    """
    words = title.split(" ")
    return " ".join(
        "/".join(_heading_word(part, index) for part in word.split("/"))
        for index, word in enumerate(words)
    )


def _heading_word(word: str, index: int) -> str:
    if not word or any(ch.isdigit() or ch.isupper() for ch in word[1:]):
        return word
    if index > 0 and word.lower() in _SMALL_WORDS:
        return word.lower()
    return word[0].upper() + word[1:]


def _reading_word(word: str, spelled: Mapping[str, str], index: int, words: list[str]) -> str:
    core = word.strip(",.:;()")
    if not core:
        return word
    lead, trail = word[: word.index(core)], word[word.index(core) + len(core) :]
    if index > 0 and words[index - 1] in ("BAB", "LAMPIRAN") and _CHAPTER_NUMERAL.match(core):
        return word  # BAB IV, LAMPIRAN 2
    if core in spelled:
        return lead + spelled[core] + trail
    if any(ch.isdigit() for ch in core):
        return word
    parts = core.split("-")
    if len(parts) > 1 and any(part in spelled for part in parts):
        return word  # a compound of abbreviations: SIA-SPBE
    shown = "-".join(part.capitalize() for part in parts)
    if index > 0 and core.lower() in _SMALL_WORDS and not lead:
        shown = core.lower()
    return lead + shown + trail


_CHAPTER_NUMERAL = re.compile(r"^(?:[IVXLCDM]+|\d+)$")
_ARABIC_CHAPTER = re.compile(r"^\d+[.)]\s+")


def _walk(blocks: Sequence[Block]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Box):
            yield from _walk(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _walk(item)


# -- column typing ---------------------------------------------------------------------------------

_MONEY = re.compile(r"^Rp\s?-?\d{1,3}(\.\d{3})*(,\d+)?(\s?(jt|M|T))?(\s?†)?$")
_PERCENT = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?\s?%$")
#: A number, perhaps marked † (illustrative, or from unverified reference data).
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?(\s?†)?$")
_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")
#: A code, perhaps followed by its reference mark (``RAL.01 ‡``) or its budget level
#: (``2.16.03.2.02 (kegiatan)``): kept on one line like any code.
_CODE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._/:-]*[0-9A-Z.][A-Za-z0-9._/:-]*"
    r"( [†‡]| \((kegiatan|program|bidang urusan)\))?$"
)
_CODE_HEADER = re.compile(r"^(kode|id|nomor|no\.?|sub kegiatan|tahun|periode)\b", re.I)
_EMPTY = frozenset({"", "-", "–", "—"})
#: Words wider than this (in em) in a text column may wrap (a URL, say); others never break.
LONGEST_WORD_EM = 9.0


def _kind(header: str, cells: Sequence[str]) -> ColumnKind:
    values = [c for c in cells if c not in _EMPTY]
    if not values:
        return "text"
    for kind, pattern in (
        ("money", _MONEY),
        ("percent", _PERCENT),
        ("number", _NUMBER),
        ("date", _DATE),
    ):
        if all(pattern.match(v) for v in values):
            return kind  # type: ignore[return-value]
    if all(_CODE.match(v) and len(v) <= 32 for v in values) or (
        _CODE_HEADER.match(header) and all(" " not in v.strip() for v in values)
    ):
        return "code"
    return "text"


#: Advance widths of Arial/Liberation Sans in em, by character class (the rest: 0.56 em).
_NARROW = " .,:;'!|iljtfIr()[]/-\u00a0"
_WIDE = "mwMWOQGCDHNU%@"
_UPPER = "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in _NARROW + _WIDE)
#: Each class becomes one control character, counted at C speed (text holds no controls).
_CLASSES = str.maketrans(
    {
        **dict.fromkeys(_NARROW, "\x01"),
        **dict.fromkeys(_WIDE, "\x02"),
        **dict.fromkeys(_UPPER, "\x03"),
    }
)


def text_em(text: str) -> float:
    """Estimated width of a text in em of its font (Arial metrics, by character class)."""
    classes = text.translate(_CLASSES)
    narrow, wide, upper = classes.count("\x01"), classes.count("\x02"), classes.count("\x03")
    rest = len(text) - narrow - wide - upper
    return 0.3 * narrow + 0.83 * wide + 0.67 * upper + 0.56 * rest


def _widest(texts: set[str], cap: float = 1e9) -> float:
    """The widest of some texts in em; only the longest few are measured (width follows length)."""
    longest: Iterable[str] = texts
    if len(texts) > 8:
        # The eight longest (ties broken by the text, never by set order: string hashes vary
        # by process): only texts as long as the eighth longest length can be among them.
        cut = heapq.nlargest(8, map(len, texts))[-1]
        longest = sorted((t for t in texts if len(t) >= cut), key=lambda t: (-len(t), t))[:8]
    return max((min(text_em(t), cap) for t in longest), default=0.0)


#: How much wider bold text is than regular text of the same font (Arial/Liberation Sans).
BOLD = 1.1


def type_columns(header: Sequence[Inline], rows: Sequence[Sequence[Inline]]) -> tuple[Column, ...]:
    """Type each column by its cells and measure what it needs (in em of the table font)."""
    columns = []
    for index, head in enumerate(header):
        cells = [plain(row[index]) if index < len(row) else "" for row in rows]
        kind = _kind(plain(head), cells)
        # Headers are printed bold: about a tenth wider than the regular text measured here.
        head_word = BOLD * _widest(set(plain(head).split()))
        distinct = set(cells)
        widest = _widest(distinct)
        if kind == "text":
            words = set(" ".join(distinct).split())  # the words of every cell, split in C
            longest_token = max(_widest(words, LONGEST_WORD_EM), head_word)
        else:
            longest_token = max(widest, head_word)
        longest_text = max(widest, BOLD * text_em(plain(head)))
        amount = sum(map(len, cells))  # relative to the other columns: characters will do
        columns.append(Column(head, kind, max(longest_token, 1.0), max(longest_text, 1.0), amount))
    return tuple(columns)


# -- parsing ---------------------------------------------------------------------------------------


class DocumentError(SpbeError):
    """The document Markdown of a template cannot be made into a document."""

    def __init__(self, line: int, directive: str) -> None:
        super().__init__(f"{line}: {directive}")
        self.line = line
        """The line of the document Markdown (the template's output) holding the directive."""
        self.directive = directive
        """The directive's opening fence, as written."""


@dataclass
class _State:
    figures: Mapping[str, Any]
    lifted: dict[str, Table] = field(default_factory=dict)
    tables: int = 0
    pictures: int = 0
    section: Inline = ()
    """The latest heading: the caption of a table written without ``~~~spbe-tabel``."""
    chapter: str = ""
    """The number of the chapter being read (``2`` for "BAB II ..."); empty: none."""
    chapters: set[str] = field(default_factory=set)
    in_chapter: dict[str, int] = field(default_factory=dict)
    """Tables and figures so far in the chapter being read, by kind."""
    per_chapter: bool = True
    """False once a caption stands outside a numbered chapter, or two chapters share a number."""

    def enter_chapter(self, heading: str) -> None:
        """Start counting the captions of the chapter a level 2 heading opens."""
        number = chapter_number(heading)
        if number and number in self.chapters:
            self.per_chapter = False
        self.chapters.add(number)
        self.chapter = number
        self.in_chapter = {}

    def label(self, kind: str) -> str:
        """The next caption number of one kind in the chapter (``2.1``); empty outside one."""
        if not self.chapter:
            self.per_chapter = False
            return ""
        count = self.in_chapter.get(kind, 0) + 1
        self.in_chapter[kind] = count
        return f"{self.chapter}.{count}"


#: A chapter heading's own number: "BAB IV ...", "4. ...", "LAMPIRAN ..." / "LAMPIRAN 2 ...".
_CHAPTER = re.compile(
    r"(?:BAB\s+(?P<bab>[IVXLCDM]+)|(?P<arab>\d+)[.)]|(?P<lampiran>LAMPIRAN)"
    r"(?:\s+(?P<ke>[IVXLCDM]+|\d+))?)(?=[\s:.]|$)",
    re.IGNORECASE,
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _arabic(roman: str) -> int:
    values = [_ROMAN[ch] for ch in roman.upper()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def chapter_number(heading: str) -> str:
    """The number tables and figures of a chapter carry (``Tabel 2.1``); empty: none.

    "BAB II ..." and "2. ..." give ``2``; "LAMPIRAN ..." gives ``L`` ("LAMPIRAN 2 ..." ``L2``),
    the appendix's tables being "Tabel L.1"; a heading without a number (DAFTAR SINGKATAN,
    TENTANG DOKUMEN INI) gives none.
    """
    found = _CHAPTER.match(heading.strip())
    if found is None:
        return ""
    if found["bab"]:
        return str(_arabic(found["bab"]))
    if found["arab"]:
        return str(int(found["arab"]))
    ke = found["ke"] or ""
    return f"L{ke if ke.isdigit() else _arabic(ke) if ke else ''}"


def slug(text: str) -> str:
    """A heading anchor the way GitHub makes it (lower case, punctuation dropped, spaces -)."""
    value = unicodedata.normalize("NFKC", text).lower().strip()
    value = "".join(ch for ch in value if ch.isalnum() or ch in " -_")
    return value.replace(" ", "-")


def parse_document(
    name: str,
    source: str,
    figures: Mapping[str, Any] | None = None,
    template: str = "",
    abbreviations: Mapping[str, str] | None = None,
) -> Document:
    """Parse the document Markdown a template rendered into a :class:`Document`.

    ``figures`` maps figure keys to specs (or to tuples of specs, one per figure; an empty
    tuple or None leaves the figure out). ``abbreviations`` maps the abbreviations the
    ``~~~spbe-singkatan`` list may expand to their expansions
    (:func:`spbe_cli.render.abbreviations.known_abbreviations`; none: no list).

    Raises:
        DocumentError: a directive is unknown or names a figure key the builder does not have.
    """
    import secrets

    from spbe_cli.render.prose import markdown_parser, nesting_limit, too_deep

    md = markdown_parser()
    state = _State(figures or {})
    # A national-scale document is tens of megabytes: its lines are kept, the text let go.
    lines = source.split("\n")
    del source
    text, state.lifted = lift_tables(lines, md, secrets.token_hex(8))
    del lines
    tokens = md.parse(text)
    del text
    deep = too_deep(md, tokens)
    if deep is not None:
        raise SpbeError(
            t(
                "render.document_too_deep",
                template=template or name,
                line=deep,
                limit=nesting_limit(md),
            )
        )
    blocks = _abbreviation_list(
        _anchored(_numbered_sections(_no_skipped_levels(_blocks(md, tokens, state, template)))),
        abbreviations or {},
    )
    blocks = _systematics(blocks, abbreviations or {})
    if not state.per_chapter:
        blocks = _numbered_through(blocks)
    title = next((b.text for b in _walk(blocks) if isinstance(b, Heading) and b.level == 1), name)
    return Document(name, tuple(blocks), title)


#: A caption a template wrote itself above a bare table (``*Tabel {{ cap.next() }}. ...*``).
_OWN_CAPTION = re.compile(r"^Tabel\s+\d+[.:]\s*(.*)$", re.S)


def _numbered(table: Table, state: _State, caption: Inline | None = None) -> Table:
    """The table with the next number and its caption: the one home that numbers tables.

    A table written without ``~~~spbe-tabel`` (in a prose file, say) is numbered too, so every
    table of a document has a numbered caption; its caption is the heading it stands under.
    Captions are numbered per chapter, as Indonesian government documents number them
    ("Tabel 2.1" is the first table of BAB II; :func:`chapter_number`).
    """
    state.tables += 1
    shown = state.section if caption is None else caption
    return replace(table, caption=shown, number=state.tables, label=state.label("tabel"))


def _numbered_through(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with their captions numbered 1, 2, ... through the document.

    For a document whose chapters do not number every caption (a template with a table
    before its first numbered chapter, or two chapters of the same number): numbers that
    restart in some chapters and not in others would be harder to find than a plain sequence.
    """
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table | Figure):
            block = replace(block, label="")
        elif isinstance(block, Box):
            block = replace(block, blocks=tuple(_numbered_through(block.blocks)))
        elif isinstance(block, ListBlock):
            items = tuple(tuple(_numbered_through(item)) for item in block.items)
            block = replace(block, items=items)
        out.append(block)
    return out


def _bare(table: Table, out: list[Block], state: _State) -> Table:
    """Number a table written without ``~~~spbe-tabel``.

    An older template numbered its own caption with ``cap.next()`` in an italic paragraph above
    the table: that paragraph becomes the caption (numbered here), not a second one.
    """
    last = out[-1] if out else None
    if isinstance(last, Paragraph) and not last.note and all(s.italic for s in last.inline):
        own = _OWN_CAPTION.match(plain(last.inline))
        if own:
            out.pop()
            return _numbered(table, state, (Span(own.group(1)),) if own.group(1) else ())
    return _numbered(table, state)


def _blocks(
    md: Any, tokens: Sequence[Any], state: _State, template: str, in_tabel: bool = False
) -> list[Block]:
    """The blocks of some tokens; ``in_tabel`` inside ``~~~spbe-tabel``, which numbers its table."""
    out: list[Block] = []
    n = 0
    while n < len(tokens):
        tok = tokens[n]
        kind = tok.type
        if kind == "heading_open":
            level = int(tok.tag[1])
            inline = _inline(tokens[n + 1])
            out.append(Heading(level, inline))
            state.section = inline
            if level == 2:
                state.enter_chapter(plain(inline))
            n += 3
        elif kind == "paragraph_open":
            lifted = state.lifted.get(tokens[n + 1].content)
            if lifted is not None:
                out.extend(_with_note(lifted if in_tabel else _bare(lifted, out, state)))
            else:
                out.append(Paragraph(_inline(tokens[n + 1])))
            n += 3
        elif kind == "blockquote_open":
            end = _close(tokens, n)
            out.extend(
                replace(block, note=True) if isinstance(block, Paragraph) else block
                for block in _blocks(md, tokens[n + 1 : end], state, template, in_tabel)
            )
            n = end + 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            end = _close(tokens, n)
            out.append(_list(md, tokens[n : end + 1], state, template, in_tabel))
            n = end + 1
        elif kind == "table_open":
            end = _close(tokens, n)
            table = _table(tokens[n : end + 1])
            if table is not None:
                out.extend(_with_note(table if in_tabel else _bare(table, out, state)))
            n = end + 1
        elif kind == "fence" and tok.info.strip().startswith(DIRECTIVE_PREFIX):
            out.extend(_directive(md, tok, state, template))
            n += 1
        elif kind in ("fence", "code_block"):
            out.append(Code(tok.content.rstrip("\n"), tok.info.strip()))
            n += 1
        elif kind == "hr":
            n += 1
        else:
            n += 1
    return out


def _close(tokens: Sequence[Any], start: int) -> int:
    """Index of the token closing ``tokens[start]`` (same nesting level)."""
    level = tokens[start].level
    closing = tokens[start].type.replace("_open", "_close")
    for n in range(start + 1, len(tokens)):
        if tokens[n].type == closing and tokens[n].level == level:
            return n
    return len(tokens) - 1


def _list(
    md: Any, tokens: Sequence[Any], state: _State, template: str, in_tabel: bool = False
) -> ListBlock:
    ordered = tokens[0].type == "ordered_list_open"
    start = int(tokens[0].attrGet("start") or 1) if ordered else 1
    items: list[tuple[Block, ...]] = []
    n = 1
    while n < len(tokens) - 1:
        if tokens[n].type == "list_item_open":
            end = _close(tokens, n)
            items.append(tuple(_blocks(md, tokens[n + 1 : end], state, template, in_tabel)))
            n = end + 1
        else:
            n += 1
    return ListBlock(ordered, tuple(items), start)


def _table(tokens: Sequence[Any]) -> Table | None:
    """A table from markdown-it's tokens (tables the fast path did not lift)."""
    header: list[Inline] = []
    rows: list[list[Inline]] = []
    in_head = False
    for n, tok in enumerate(tokens):
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open" and not in_head:
            rows.append([])
        elif tok.type == "inline" and tokens[n - 1].type in ("th_open", "td_open"):
            (header if in_head else rows[-1]).append(_inline(tok))
    return make_table(header, rows)


def make_table(header: Sequence[Inline], rows: Sequence[Sequence[Inline]]) -> Table | None:
    """A table with typed columns; columns empty in every row are left out."""
    if not header:
        return None
    width = len(header)
    body = [
        tuple(row) if len(row) == width else tuple((list(row) + [()] * width)[:width])
        for row in rows
    ]
    # Columns with no content in any row take width and say nothing: leave them out.
    keep = [
        i
        for i in range(width)
        if not body or any(plain(row[i]) not in _EMPTY for row in body) or i == 0
    ]
    kept_header = [header[i] for i in keep]
    # Named in a note under the table; a year of a series of years (targets per year) is not:
    # a series that starts when its first target does reads as it is.
    omitted: tuple[str, ...] = ()
    if len(keep) < width:
        kept = set(keep)
        omitted = tuple(
            name for i in range(width) if i not in kept and not (name := plain(header[i])).isdigit()
        )  # most tables keep every column: then the rows stay as they are
        pick = operator.itemgetter(*keep)
        body = [pick(row) if len(keep) > 1 else (row[keep[0]],) for row in body]
    total = tuple(plain(row[0]).lower() in ("jumlah", "total") for row in body)
    # Total rows take part: a column empty but for its Jumlah is still a column of amounts.
    columns = type_columns(kept_header, body)
    from spbe_cli.render.geometry import needs_landscape  # imports this module

    landscape = needs_landscape(columns, body)
    return Table(columns, tuple(body), total, landscape=landscape, omitted=omitted)


def omitted_note(table: Table) -> Paragraph | None:
    """The sentence under a table naming the columns left out (None when none was)."""
    if not table.omitted:
        return None
    word = KOSAKATA["kolom_kosong"].split(" ", 1)[0]  # "Kolom C", not "Kolom Kolom C"
    names = [
        n[len(word) + 1 :] if n.lower().startswith(word.lower() + " ") else n for n in table.omitted
    ]
    return Paragraph((Span(KOSAKATA["kolom_kosong"].format(kolom=series(names)), italic=True),))


def _with_note(block: Block) -> list[Block]:
    """A block, and after a table the note on its omitted columns."""
    note = omitted_note(block) if isinstance(block, Table) else None
    return [block] if note is None else [block, note]


# -- the fast path for tables ----------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
#: Characters that make a cell more than plain text (escapes, emphasis, code, links, entities).
_MARKUP = re.compile(r"[\\`*_\[\]<>&!~]")
_PIPE = re.compile(r"(?<!\\)\|")


def lift_tables(lines: list[str], md: Any, key: str) -> tuple[str, dict[str, Table]]:
    """Parse GFM tables directly and leave a placeholder paragraph where each one was.

    markdown-it builds a token per cell and row; a national-scale master plan has hundreds of
    thousands of cells, most of them plain text. A table starts at a ``|`` line after a blank
    line (or a directive's opening fence) and whose next line is a delimiter row; code fences
    are skipped. ``lines`` is the document Markdown split at newlines. ``key`` makes the
    placeholders impossible to forge from catalog text.
    """
    out: list[str] = []
    tables: dict[str, Table] = {}
    code_fence: str | None = None
    directive: str | None = None
    n = 0
    while n < len(lines):
        line = lines[n]
        fence = _FENCE.match(line)
        if code_fence is not None:
            if (
                fence
                and fence.group(1)[0] == code_fence[0]
                and len(fence.group(1)) >= len(code_fence)
            ):
                code_fence = None
            out.append(line)
            n += 1
            continue
        if fence:
            info = fence.group(2).strip()
            if info.startswith(DIRECTIVE_PREFIX):
                directive = fence.group(1)  # its body is Markdown: tables in it are lifted
            elif (
                directive is not None
                and not info
                and fence.group(1)[0] == directive[0]
                and len(fence.group(1)) >= len(directive)
            ):
                directive = None
            else:
                code_fence = fence.group(1)
            out.append(line)
            n += 1
            continue
        starts = (
            line.startswith("|")
            and n + 1 < len(lines)
            and _DELIMITER.match(lines[n + 1])
            and (not out or not out[-1].strip() or _FENCE.match(out[-1]))
        )
        if not starts:
            out.append(line)
            n += 1
            continue
        end = n + 2
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        header = [_cell(c, md) for c in _split_row(line)]
        rows = [[_cell(c, md) for c in _split_row(row)] for row in lines[n + 2 : end]]
        table = make_table(header, rows)
        if table is None:  # pragma: no cover - a header row always has a cell
            out.extend(lines[n:end])
        else:
            name = f"spbe-tabel-{key}-{len(tables)}"
            tables[name] = table
            out.extend([name, ""])
        n = end
    return "\n".join(out), tables


def _split_row(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in _PIPE.split(text)]


@functools.lru_cache(maxsize=1 << 16)
def _text_cell(text: str) -> Inline:
    """A cell of plain text; spans are immutable, so the many repeated cells share one."""
    return (Span(text),)


def _cell(text: str, md: Any) -> Inline:
    if not text:
        return ()
    if _MARKUP.search(text) is None:
        return _text_cell(text)
    tokens = md.parseInline(text.replace("\\|", "|"))
    return _inline(tokens[0]) if tokens else ()


def _directive(md: Any, tok: Any, state: _State, template: str) -> list[Block]:
    words = tok.info.strip()[len(DIRECTIVE_PREFIX) :].split()
    name, args = (words[0] if words else ""), words[1:]
    if name not in DIRECTIVES:
        raise DocumentError((tok.map or [0])[0] + 1, f"~~~spbe-{name}")
    inner = (
        _blocks(md, md.parse(tok.content), state, template, name == "tabel")
        if tok.content.strip()
        else []
    )
    if name == "daftar-isi":
        return [Toc()]
    if name == "singkatan":
        # Filled in once the whole document is parsed (_abbreviation_list).
        return [Box(name, tuple(inner))]
    if name == "sistematika":
        return [Box(name, ())]  # filled in once every chapter is known (_systematics)
    if name == "halaman-baru":
        return [PageBreak()]
    if name in ("sampul", "pengesahan", "kolofon"):
        return [Box(name, tuple(inner))]
    if name == "tabel":
        caption: Inline = ()
        table: Table | None = None
        rest: list[Block] = []
        for block in inner:
            if isinstance(block, Paragraph) and table is None and not caption:
                caption = block.inline
            elif isinstance(block, Table) and table is None:
                table = block
            else:
                rest.append(block)
        if table is None:
            return rest
        table = _numbered(table, state, caption)
        if "lanskap" in args:
            table = replace(table, landscape=True)
        return [table, *rest]
    # gambar
    key = args[0] if args else ""
    if key not in state.figures:
        raise DocumentError((tok.map or [0])[0] + 1, f"~~~spbe-gambar {key}")
    specs = state.figures[key]
    if specs is None:
        return []
    if not isinstance(specs, tuple):
        specs = (specs,)
    caption = inner[0].inline if inner and isinstance(inner[0], Paragraph) else ()
    figures: list[Block] = []
    for part, spec in enumerate(specs, start=1):
        state.pictures += 1
        title = getattr(spec, "title", "")
        if len(specs) == 1:
            text = caption
        elif title:  # a paginated timeline: each part's title says its group and part
            text = (Span(title),)
        else:
            text = (*caption, Span(f" ({part}/{len(specs)})"))
        figures.append(Figure(key, spec, text, state.pictures, state.label("gambar")))
    return figures


def _inline(token: Any) -> Inline:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            if child.content:
                spans.append(Span(child.content, bold > 0, italic > 0, False, href))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "code_inline":
            spans.append(Span(child.content, bold > 0, italic > 0, True, href))
        elif kind == "softbreak":
            spans.append(Span(" ", bold > 0, italic > 0))
        elif kind == "hardbreak":
            spans.append(Span("\n"))
        elif kind == "link_open":
            target = str(child.attrGet("href") or "")
            # Only web links and anchors inside the document; anything else stays text.
            href = target if target.startswith(("https://", "http://", "#")) else None
        elif kind == "link_close":
            href = None
        elif kind == "image":
            spans.append(Span(child.content or "", italic=True))
    return _merge(spans)


def _merge(spans: list[Span]) -> Inline:
    out: list[Span] = []
    for span in spans:
        if out and span.text != "\n" and out[-1].text != "\n":
            last = out[-1]
            if (last.bold, last.italic, last.code, last.href) == (
                span.bold,
                span.italic,
                span.code,
                span.href,
            ):
                out[-1] = Span(last.text + span.text, last.bold, last.italic, last.code, last.href)
                continue
        out.append(span)
    return tuple(out)


# -- the list of abbreviations ---------------------------------------------------------------------

#: A word as an abbreviation is matched: letters, digits and ``!`` joined by hyphens
#: (``SP4N-LAPOR!``); ``SPBE`` in ``Arsitektur SPBE`` and ``RAB`` in ``RAB.01`` are words,
#: ``ASN`` in ``SI-ASN`` is not.
_WORD = re.compile(r"[\w!]+(?:-[\w!]+)*")
_TEXT = operator.attrgetter("text")


def _abbreviation_list(blocks: list[Block], known: Mapping[str, str]) -> list[Block]:
    """Fill each ``~~~spbe-singkatan`` with the abbreviations the document shows.

    Every abbreviation of ``known`` that the readers see (headings, paragraphs, lists, table
    cells, captions; the figures' own labels aside) is listed once, alphabetically:
    "**APBD**: Anggaran Pendapatan dan Belanja Daerah". A list, not a table: every table of a
    document is numbered, and the front matter numbers none. Without any abbreviation shown the
    directive leaves nothing, its heading included.
    """
    if not any(_is_abbreviations(b) for b in _walk(blocks)):
        return blocks
    text = _text_shown(blocks)
    shown = _words(text)
    # a short name of several words ("Diskop UKM") is listed where its words are shown together
    # (its words each shown first: a set look-up, before the text is read for the few left)
    candidates = [w for w in known if " " in w and shown.issuperset(w.split())]
    phrases = _phrases_shown(text, candidates)
    used = sorted({*(w for w in shown if w in known), *phrases}, key=lambda w: (w.casefold(), w))
    items = tuple((Paragraph((Span(w, bold=True), Span(f": {known[w]}"))),) for w in used)
    filled: tuple[Block, ...] = (ListBlock(False, items),) if items else ()

    def fill(inner: Sequence[Block]) -> list[Block]:
        out: list[Block] = []
        for block in inner:
            if _is_abbreviations(block):
                assert isinstance(block, Box)
                out.extend([*block.blocks, *filled] if filled else [])
            elif isinstance(block, Box):
                out.append(replace(block, blocks=tuple(fill(block.blocks))))
            elif isinstance(block, ListBlock):
                out.append(replace(block, items=tuple(tuple(fill(i)) for i in block.items)))
            else:
                out.append(block)
        return out

    return fill(blocks)


def _is_abbreviations(block: Block) -> bool:
    return isinstance(block, Box) and block.kind == "singkatan"


def _phrases_shown(text: str, phrases: Sequence[str]) -> set[str]:
    """Which phrases a text holds whole: its words in a row, apart by spaces or a line break.

    One pass over the text's words, whatever the number of phrases (a province lists hundreds of
    perangkat daerah): "Diskop UKM" is in "(Diskop UKM)" and across a line break, not in
    "Diskop, UKM" or "Diskop UKMK".
    """
    if not phrases:
        return set()
    wanted = {tuple(p.split()): p for p in phrases}
    firsts = {words[0] for words in wanted}
    lengths = sorted({len(words) for words in wanted})
    tokens = text.split()
    found = set()
    for at, token in enumerate(tokens):
        head = _WORD.findall(token)
        # the phrase's first word ends its token ("(Diskop"), its last starts one ("UKM),")
        if not head or head[-1] not in firsts or not token.endswith(head[-1]):
            continue
        for length in lengths:
            rest = tokens[at + 1 : at + length]
            if len(rest) < length - 1:
                break
            middle, last = rest[:-1], rest[-1]
            tail = _WORD.findall(last)
            if tail and last.startswith(tail[0]):
                phrase = wanted.get((head[-1], *middle, tail[0]))
                if phrase is not None:
                    found.add(phrase)
    return found


def _text_shown(blocks: Sequence[Block]) -> str:
    """The text readers see in some blocks, each distinct text once, in no particular order."""
    texts: set[str] = set()
    for block in _walk(blocks):
        if isinstance(block, Heading | Paragraph):
            texts.update(s.text for s in block.inline)
        elif isinstance(block, Table):
            texts.update(s.text for s in block.caption)
            texts.update(s.text for c in block.columns for s in c.header)
            # every cell of a national-scale document: iterated at C speed
            texts.update(map(_TEXT, chain.from_iterable(chain.from_iterable(block.rows))))
        elif isinstance(block, Figure):
            texts.update(s.text for s in block.caption)
        elif isinstance(block, Code):
            texts.add(block.text)
    # a set's order differs from run to run: a token no word matches keeps a phrase from being
    # made of the end of one text and the start of the next (output the same for any hash seed)
    return f" {_TEXTS_APART} ".join(texts)


#: Between two texts of :func:`_text_shown`: no word, so no phrase runs across it.
_TEXTS_APART = "\x00"


def _words(text: str) -> set[str]:
    """The distinct words of a text, as :data:`_WORD` matches them."""
    # Split at spaces in C first: the distinct pieces are far fewer than the words.
    pieces = set(text.split())
    return {word for piece in pieces for word in _WORD.findall(piece)}


# -- the outline (the same in every format) ------------------------------------------------------

OutlineItem = tuple[str, ...]


def outline(document: Document) -> list[OutlineItem]:
    """Headings, captions and table shapes in reading order (what the formats must agree on)."""
    items: list[OutlineItem] = []
    for block in document.walk():
        if isinstance(block, Heading):
            items.append(("h", str(block.level), block.text))
        elif isinstance(block, Table):
            if block.number:
                items.append(("caption", caption_text(block)))
            rows, cols = block.shape
            items.append(("table", f"{rows}x{cols}"))
        elif isinstance(block, Figure):
            items.append(("caption", caption_text(block)))
    return items


def caption_label(block: Table | Figure) -> str:
    """``Tabel 2.3`` or ``Gambar 4.2`` (``Tabel 3`` in a document numbered straight through)."""
    word = KOSAKATA["tabel"] if isinstance(block, Table) else KOSAKATA["gambar"]
    return f"{word} {block.label or block.number}"


def caption_text(block: Table | Figure) -> str:
    """``Tabel 2.3. Anggaran per tahun``."""
    return f"{caption_label(block)}. {plain(block.caption)}".strip()
