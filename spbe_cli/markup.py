r"""The one home for making text safe to echo: terminal, CI annotations, Markdown, HTML, JSON.

Catalog values, ids and file names arrive in pull requests, so every formatter passes them
through this module before printing them:

* :func:`safe` shows control characters visibly (``\x1b``, ``\n``, ``\u202e``): C0 and C1
  controls, DEL, the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069, marks
  U+200E/U+200F/U+061C), the Unicode line separators and lone surrogates (file names decoded with
  ``surrogateescape``). A value can then neither start a new line (a forged
  ``::error file=...::`` workflow command, a forged finding), nor rewrite the terminal (ANSI
  escapes), nor reorder what a reviewer sees (Trojan Source).
* :func:`safe_block` does the same but keeps newlines: for a whole document whose own newlines
  are its structure (JSON, Markdown, HTML).
* :func:`md_escape`, :func:`md_inert` (nothing links or notifies on GitHub), :func:`md_code`,
  :func:`html_escape`, :func:`github_data`,
  :func:`github_property`, :func:`json_dumps`, :func:`mermaid_text`, :func:`dot_text`,
  :func:`docx_text`, :func:`not_formula` and :func:`xml_text` add each format's own rules on top.

rich is never given catalog text as markup: :mod:`spbe_cli.cli.console` wraps it in ``Text``.

Every command imports this module, ``spbe validate`` for :func:`safe` alone: only
:data:`CONTROL` is compiled at import. Each other pattern is compiled the first time its
format asks for it (a ``functools.cache`` function named after it), and ``html``, ``json`` and
``unicodedata`` are imported by the functions using them (compiling them all at import was a
share of every validation's start-up).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

#: The bidirectional controls: marks (U+061C, U+200E, U+200F), embeddings and overrides
#: (U+202A-U+202E) and isolates (U+2066-U+2069). Part of :data:`CONTROL`; alone in exports.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_DANGER = f"\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff"
#: Every character :func:`safe` rewrites.
CONTROL = re.compile(f"[{_DANGER}]")


@cache
def _control_block() -> re.Pattern[str]:
    """:data:`CONTROL` without the newline, for whole documents."""
    return re.compile(f"[{_DANGER.replace(chr(0), chr(0) + '-' + chr(9) + chr(11), 1)}]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """Text as one line that cannot forge output: every control character shown as an escape."""
    value = str(text)
    if CONTROL.search(value) is None:
        return value
    return CONTROL.sub(_visible, value)


#: The ASCII characters :func:`safe_block` keeps as they are: the newline and the printable ones.
_ASCII_KEPT = bytes([10, *range(32, 127)])


def safe_block(text: str) -> str:
    """Like :func:`safe` but keep newlines (the structure of a document being printed).

    An ASCII text (``str.isascii`` is known without reading it) is checked as bytes: deleting
    the characters kept leaves nothing when there is nothing to rewrite. That is a C loop over
    the bytes, several times faster than the regular expression over a document of tens of MB
    (``spbe sync --format json`` on a national catalog), which finds a newline at once and then
    had to scan the whole text again.
    """
    if text.isascii():
        if not text.encode("ascii").translate(None, _ASCII_KEPT):
            return text
    elif _control_block().search(text) is None:
        return text
    return _control_block().sub(_visible, text)


# -- Markdown --------------------------------------------------------------------------------------


# Backslash-escaped: CommonMark and GitHub syntax that could start formatting, a link, raw HTML, a
# table cell, a heading, strikethrough or an issue reference. ``_`` only where it can open or
# close emphasis (not inside snake_case ids); ``&`` only where it would start an entity; ``@``
# only where it would start a GitHub @mention (not inside an e-mail address).
@cache
def _md_special() -> re.Pattern[str]:
    return re.compile(r"[\\`*\[\]<>|#~]|(?<!\w)_|_(?!\w)|&(?=#?\w+;)|(?<!\w)@(?=\w)")


@cache
def _md_any() -> re.Pattern[str]:
    """Any character md_escape may change; most names and ids have none."""
    return re.compile(f"[\\\\`*\\[\\]<>|#~_&@{_DANGER}]")


@cache
def newlines() -> re.Pattern[str]:
    """A line break (CR, LF, U+2028, U+2029) and the whitespace around it."""
    return re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def _md_repl(match: re.Match[str]) -> str:
    found = match.group(0)
    if found == "&":
        return "&amp;"
    if found == "@":
        return "&#64;"
    return "\\" + found


#: A start that makes a line a list item, a thematic break or a setext underline: ``1.``/``1)``
#: (ordered list), ``-``/``+`` (bullet, ``---``), ``=`` (``===``). A value printed at the start
#: of a line or of a list item ("- {{ nama }}") would otherwise turn "1. Program Satu" into a
#: nested numbered list; the backslash keeps it text. ``*``, ``#``, ``>``, ``_`` are escaped
#: everywhere already.
@cache
def _md_block_start_pattern() -> re.Pattern[str]:
    return re.compile(r" {0,3}(?:\d{1,9}(?=[.)](?:[ \t]|$))|(?=[-+=](?:[ \t\-=]|$)))")


_BLOCK_FIRST = frozenset(" -+=0123456789")


def _md_block_start(value: str) -> str:
    match = _md_block_start_pattern().match(value)
    if match is None:
        return value
    return f"{value[: match.end()]}\\{value[match.end() :]}"


def md_escape(text: object, *, line_start: bool = False) -> str:
    """Escape text so Markdown shows it literally, on one line, safe inside a table cell.

    With ``line_start`` the text may also begin a line or a list item (a template's printed
    value): a leading list, thematic-break or setext marker is escaped too.
    """
    value = str(text)
    if _md_any().search(value) is not None:
        value = _md_special().sub(_md_repl, safe(newlines().sub(" ", value)))
    if line_start and value[:1] in _BLOCK_FIRST:
        return _md_block_start(value)
    return value


#: What GitHub turns into a link or a notification in a comment, found in md_escape's output:
#: an ``@`` before a name (an @mention or @org/team, also written ``&#64;``; an e-mail
#: address), ``#`` before a name or number (``#12``, ``owner/repo#12``, ``GH-12``), a URL
#: scheme before ``:`` (``https://``, ``mailto:``) and ``www.`` (GitHub's autolinks). No word
#: boundary: the autolinker finds ``https://`` after ``_`` or a digit too.
@cache
def _github_links() -> re.Pattern[str]:
    return re.compile(
        r"(?:&#64;|@)(?=\w)|\\#(?=\w)|(?i:gh-)(?=\d)"
        r"|(?i:https?|ftp|mailto|xmpp)(?=:)|(?i:www)(?=\.)"
    )


#: A zero-width space: after it neither GitHub's autolinker nor its mention and reference
#: filters see a name, a number or a scheme; the text reads the same. As an entity, so that the
#: raw Markdown shows it too.
_ZWSP = "&#8203;"


def md_inert(text: object) -> str:
    """Like :func:`md_escape`, and nothing in it links or notifies on GitHub.

    For a comment posted on a pull request (``spbe diff --format markdown``): a catalog value
    ``@kepala-dinas``, ``#12``, ``GH-12`` or ``https://contoh.id`` would notify someone, link an
    issue or become a link. A zero-width space after the ``@``/``#``/``GH-``, the scheme or the
    ``www`` breaks each of them; the text shown is the same.
    """
    return _github_links().sub(lambda m: m.group(0) + _ZWSP, md_escape(text))


@cache
def _backticks() -> re.Pattern[str]:
    return re.compile("`+")


def md_code(text: object) -> str:
    """Inline code for ids and paths, on one line, showing every character (backticks too).

    CommonMark ends a code span at a run of backticks as long as its opening one, so the fence
    is one backtick longer than the longest run inside; a space pads text that begins or ends
    with a backtick or a space (the renderer strips one from each side).
    """
    value = safe(text)
    runs = _backticks().findall(value)
    fence = "`" * (max(map(len, runs)) + 1 if runs else 1)
    pad = " " if value[:1] in ("`", " ") or value[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


#: Characters that end or break a bare link destination: ``(`` and ``)`` (unbalanced), spaces,
#: ``<``, ``>``, a backslash, controls.
@cache
def _link_breaking() -> re.Pattern[str]:
    return re.compile(r"[()<>\\\s\x00-\x1f\x7f]")


def md_link_target(url: str) -> str:
    """A link destination that Markdown reads back as exactly ``url``.

    A bare destination ends at a space or at an unbalanced ``)``: ``https://x/a)b`` would link
    to ``https://x/a`` and leave ``b)`` as text. Such a destination is written in angle brackets,
    ``<`` ``>`` and backslashes escaped, on one line; every other one as it is.
    """
    if _link_breaking().search(url) is None:
        return url
    inner = re.sub(r"([<>\\])", r"\\\1", newlines().sub(" ", url))
    return f"<{inner}>"


# -- HTML, JSON, GitHub --------------------------------------------------------------------------


def html_escape(text: object) -> str:
    """Text for HTML content or a quoted attribute."""
    import html

    return html.escape(safe(text), quote=True)


#: What :func:`docx_text` shows as an escape: as :func:`safe`, but tab and newline (which a
#: Word run carries as layout) kept, and U+FFFE/U+FFFF, which XML cannot carry, added.
_DOCX_DANGER = _DANGER.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f", 1) + "\ufffe\uffff"


@cache
def _control_docx() -> re.Pattern[str]:
    return re.compile(f"[{_DOCX_DANGER}]")


def docx_text(text: object) -> str:
    r"""Text for WordprocessingML content or a quoted attribute (a DOCX document).

    Every control, bidi and line-separator character is shown as an escape (``\u202e``),
    exactly as the HTML and Markdown of the same document show it, instead of being dropped
    or passed raw; tab and newline stay. Then the XML specials are escaped.
    """
    import html

    value = str(text)
    if _control_docx().search(value) is not None:
        value = _control_docx().sub(_visible, value)
    return html.escape(value, quote=True)


def html_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A scrolling HTML table of escaped cells; columns in ``numeric`` are right-aligned."""

    def cell(tag: str, index: int, text: str) -> str:
        return f"<{tag}{' class=n' if index in numeric else ''}>{html_escape(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


@cache
def _json_extra() -> re.Pattern[str]:
    return re.compile(f"[{_DANGER.replace(chr(0) + '-' + chr(0x1F), '', 1)}]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def json_dumps(data: Any, *, floats: bool = True) -> str:
    r"""A JSON document, UTF-8 readable, with every control and bidi character as ``\uXXXX``.

    ``json.dumps`` already escapes C0; DEL, C1 and the bidi characters would pass raw, and they
    can only occur inside strings, so they are rewritten there as JSON escapes.

    ``floats=False``: the caller's document holds no float by construction (findings: texts,
    counts, places). orjson then lays it out: byte-identical to ``json``'s indenting encoder,
    which is pure Python and took some 0.035 s of a followed ``spbe validate --format json``
    (about 2,000 findings) against orjson's 0.002 s. orjson writes floats otherwise (``1e-05``
    as ``0.00001``, NaN as ``null``), so a document that may hold one is left to ``json``; so
    is one holding anything orjson would not write as ``json`` does (see :func:`_orjson_text`).
    """
    text = None if floats else _orjson_text(data)
    if text is None:
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2)
    return json_escape_extra(text)


def _orjson_text(data: Any) -> str | None:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` by orjson, or None when it may differ.

    Of str, int, bool, None, list, tuple and dict (str keys) the two write the same bytes (a
    test holds them equal over every character). A subclass of one (a str enum), a dataclass,
    a date, a key that is not a str, an int beyond 64 bits, a lone surrogate or a nesting too
    deep make orjson raise: None, and ``json`` writes the document as it always did.
    """
    import orjson

    def refuse(value: Any) -> Any:
        raise TypeError(type(value).__name__)

    options = (
        orjson.OPT_INDENT_2
        | orjson.OPT_PASSTHROUGH_SUBCLASS
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
    )
    try:
        return orjson.dumps(data, default=refuse, option=options).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None


def json_escape_extra(text: str) -> str:
    r"""JSON text (``json``'s ``ensure_ascii=False`` encoding) with DEL, C1 and bidi as ``\uXXXX``.

    For a writer that lays its JSON out itself (``spbe sync``) and must stay byte-identical to
    :func:`json_dumps`.
    """
    if text.isascii() and "\x7f" not in text:
        return text  # of ASCII, DEL alone is rewritten: no regular expression over the text
    return _json_extra().sub(_json_escape, text)


def github_data(text: object) -> str:
    """The message of a GitHub Actions workflow command (GitHub's escaping, then :func:`safe`)."""
    value = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return safe(value)


def github_property(text: object) -> str:
    """A property value (``file=``, ``title=``) of a GitHub Actions workflow command."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# -- diagrams: Mermaid and Graphviz DOT --------------------------------------------------------

#: What a Mermaid label may hold as it is; every other character is written as an entity code
#: (``#34;``), so that a value can neither close its quoted label (``"]``), start a statement
#: (``click``, ``%%{init}``, ``:::``, a newline) nor add an edge (``-->``).
_MERMAID_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:/_-()")


def mermaid_text(text: str) -> str:
    """Catalog text for a quoted Mermaid label: every other character as an entity code."""
    return "".join(c if c in _MERMAID_SAFE else f"#{ord(c)};" for c in text)


def dot_text(text: str) -> str:
    r"""Catalog text for a double-quoted DOT string (never an HTML label ``<...>``).

    Backslash and quote are escaped, line breaks become DOT's ``\n``, other control
    characters are shown as :func:`safe` shows them.
    """
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return safe(out.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


# -- tables ----------------------------------------------------------------------------------------


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns separated by two spaces, trailing spaces trimmed; cells made safe."""
    cells = [[safe(c) for c in row] for row in (headers, *rows)]
    widths = [len(h) for h in cells[0]]
    for row in cells[1:]:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in (cells[0], ["-" * w for w in widths], *cells[1:])
    ]


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown pipe table; cells are escaped and made inert by :func:`md_inert`.

    Every report table may be posted on a pull request (``progress``, ``indeks``, ``sync``
    ``--format markdown``), so none of them may mention, link or notify.
    """
    lines = [
        "| " + " | ".join(md_inert(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(md_inert(c) for c in row) + " |" for row in rows]
    return lines


# -- XML and spreadsheets (exports) -------------------------------------------------------------


#: Characters XML 1.0 (and so XLSX) cannot carry: C0 controls except tab/LF/CR, surrogates,
#: U+FFFE/U+FFFF. They are replaced by U+FFFD so that the reader sees something was there.
@cache
def _not_xml() -> re.Pattern[str]:
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


#: What a spreadsheet may read as the start of a formula (CSV/formula injection): ``=``, ``+``,
#: ``-``, ``@`` and every character that folds to one of them (NFKC: the full-width ``＝＋－＠``,
#: the small ``﹦﹢﹣﹫``, super- and subscripts) or reads as one (U+2212 MINUS SIGN). Excel and
#: LibreOffice convert full-width signs typed by an input method and trim leading spaces.
_FORMULA_SIGNS = frozenset("=+-@\u2212")


#: Skipped before the first sign: whitespace (``isspace``), the controls XML cannot carry, their
#: replacement U+FFFD and the invisible format characters (zero-width, bidi marks, BOM).
@cache
def _formula_lead() -> re.Pattern[str]:
    return re.compile(f"[\\s\x00-\x1f\x7f-\x9f{_BIDI}\u200b-\u200d\u2060-\u2065\ufeff\ufffd]*")


#: Longest text an XLSX cell holds.
CELL_MAX = 32767


def xml_text(value: str) -> str:
    """Text that XML 1.0 can carry: disallowed control characters become U+FFFD."""
    return _not_xml().sub("\ufffd", value)


@cache
def _bidi_char() -> re.Pattern[str]:
    return re.compile(f"[{_BIDI}]")


def bidi_visible(value: str) -> str:
    r"""The text with every bidirectional control shown as an escape (``\u202e``).

    For exported files (ArchiMate, XLSX, CSV, Parquet), which other tools and people read: an
    override there would show a reader something else than the text holds (Trojan Source).
    Shown exactly as :func:`safe` and the documents show it, never dropped silently; newlines
    and tabs, which a cell or a documentation field may hold, stay. ``spbe validate`` refuses
    the overrides (SPBE019); this is what ``--force`` exports.
    """
    if _bidi_char().search(value) is None:
        return value
    return _bidi_char().sub(_visible, value)


def export_text(value: str) -> str:
    """Text for an exported XML, XLSX or CSV file: :func:`xml_text`, then :func:`bidi_visible`."""
    return bidi_visible(xml_text(value))


def not_formula(value: str) -> str:
    """The text with a leading ``'`` when a spreadsheet could run it as a formula.

    A cell whose first visible character is a formula sign (``=cmd|...``, ``+``, ``-``, ``@``,
    their full-width and other look-alikes, see ``_FORMULA_SIGNS``), after any leading
    whitespace or invisible characters, or that starts with a tab or CR, gets the mark
    spreadsheets use for "this is text". Replacing control characters (:func:`xml_text`) never
    makes or unmakes such a start (they are skipped either way), so the two may run in either
    order.
    """
    if not value:
        return value
    if value[0] in "\t\r":
        return "'" + value
    import unicodedata

    lead = _formula_lead().match(value)
    first = value[lead.end() if lead else 0 :][:1]
    if first in _FORMULA_SIGNS or unicodedata.normalize("NFKC", first)[:1] in _FORMULA_SIGNS:
        return "'" + value
    return value


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with ``…``."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cell_text(value: str, limit: int | None = None) -> str:
    """Text for a spreadsheet cell: never read as a formula, :func:`export_text`, ``limit`` long.

    The formula mark goes first (it looks past invisible characters either way), so a CSV
    file (:mod:`spbe_cli.export.tabel`, one pass over the whole file) and an XLSX cell show a
    value alike.
    """
    text = export_text(not_formula(value))
    return text if limit is None else clip(text, limit)
