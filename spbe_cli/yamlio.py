r"""YAML reading: the only module that imports PyYAML.

Untrusted catalog text is *composed* by libyaml (C) into nodes that keep their positions, and the
values are built here from the nodes, with YAML 1.2 ideas rather than YAML 1.1 surprises:

* plain scalars stay text (``no``, ``on``, ``12:30``, ``0755``, ``2025-02-30``); the pydantic
  field type decides whether a value is a number, a boolean or a date;
* ``~``, ``null`` and an empty plain scalar are null;
* aliases, merge keys (``<<``) and tags other than the core ones are refused, so an alias bomb
  cannot expand and ``!!python/...`` never constructs anything;
* duplicate keys are reported at the second key;
* nesting deeper than :data:`MAX_DEPTH` is refused (libyaml itself stops at 1000);
* no key or value may hold a control character (C0 other than tab and newline, DEL, C1), a
  bidirectional override (U+202A-U+202E, U+2066-U+2069) or a byte order mark: libyaml refuses
  most of them as raw bytes, but escapes in double quotes (``"\e"``) and raw bidi marks get
  through; :func:`forbidden_characters` finds them (SPBE019).

Problems are returned as :class:`YamlProblem` values; nothing here raises on bad input.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from sys import intern
from typing import Any

import yaml

from spbe_cli import positions
from spbe_cli.messagefiles import simple_messages
from spbe_cli.positions import POS_BASE, Entry, Positions

try:  # libyaml is present in PyYAML's wheels; the pure-Python parser is the fallback
    from yaml import CBaseLoader as _Loader
    from yaml import CSafeLoader as _TrustedLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]
    from yaml import SafeLoader as _TrustedLoader  # type: ignore[assignment]

Node = yaml.Node
ScalarNode = yaml.ScalarNode
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode

MAX_DEPTH = 64
#: Most values (scalars, lists, mappings) one document may hold. The largest document of a
#: national-scale catalog holds under a thousand; a hostile one of a million tiny items (2 MB)
#: took 1.4 GB in the schema's error list alone. Past it the document is refused (SPBE008).
MAX_VALUES = 100_000
#: Most values one file may hold: composing them costs about 300 bytes each before any check
#: (an 8 MiB file of ``x,`` items would be 4 million, over a gigabyte). The largest file of a
#: national-scale catalog (one OPD's data, grouped) holds some 35,000.
MAX_FILE_VALUES = 500_000
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq")
) | {"!"}
_DEFAULT_TAGS = {
    yaml.ScalarNode: _CORE + "str",
    yaml.SequenceNode: _CORE + "seq",
    yaml.MappingNode: _CORE + "map",
}


class _Composer(_Loader):
    """libyaml's composer with no implicit typing at all: every untagged scalar is text.

    BaseResolver already resolves nothing; this skips its per-scalar path-resolver bookkeeping,
    which costs a Python call per scalar on a large catalog.
    """

    #: Values of the file counted before this text (see :func:`compose`).
    before = 0

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        # Path resolvers are never used, yet libyaml's composer calls these two hooks for every
        # node. C-level callables that ignore their arguments avoid a Python frame per call:
        # ``{}.get(parent, index)`` returns ``index``; ``tuple()`` returns ``()``.
        self.descend_resolver = {}.get  # type: ignore[method-assign,assignment]
        self.ascend_resolver = tuple  # type: ignore[method-assign,assignment]
        self.nodes = self.before

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:  # noqa: ARG002
        # Called for every node libyaml composes: the one place to stop a file of millions.
        self.nodes += 1
        if self.nodes > MAX_FILE_VALUES:
            raise _TooManyValuesError
        return _DEFAULT_TAGS[kind]


class _TooManyValuesError(Exception):
    """A file holds more than :data:`MAX_FILE_VALUES` values (raised while composing)."""


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
HAS_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
#: A plain (unquoted) scalar: the pure-Python composer says ``None``, libyaml says ``""``.
_PLAIN = (None, "")


#: Values of a :class:`YamlProblem` that name a line of its file (a repeated key's first line,
#: the value a glued comment emptied, the line a bracket was opened on): a problem moved down
#: its file moves them too.
LINE_VALUES = ("first", "value_line", "open")


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong in a YAML text, at a 1-based line and column."""

    code: str
    line: int
    column: int
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    related_line: int = 0


def _pos(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def decode(data: bytes) -> tuple[str | None, YamlProblem | None]:
    """Decode UTF-8 bytes (an optional BOM is dropped); report where decoding fails."""
    wide = _wide_encoding(data)
    if wide is not None:
        return None, YamlProblem("SPBE002", 1, 1, "load.utf16", {"encoding": wide})
    # Without its BOM: the error's offset is then one into these bytes (utf-8-sig's is not).
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        # Counted in characters, as YAML's columns are: what comes before it is valid UTF-8.
        before = body[body.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")
        byte = f"0x{body[exc.start]:02X}"
        values = {"byte": byte}
        key = "load.not_utf8"
        windows = _windows_char(body[exc.start])
        if windows is not None:
            # Excel's "CSV", Word's "Plain Text" and old Notepad save so: name the character
            # the user typed, so that the message points at something they can see.
            key, values["char"] = "load.not_utf8_windows", windows
        return None, YamlProblem("SPBE002", line, len(before) + 1, key, values)
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_col(text, nul)
        return None, YamlProblem("SPBE003", line, column, "load.nul")
    separator = min((at for at in map(text.find, YAML_ONLY_BREAKS) if at >= 0), default=-1)
    if separator >= 0:
        # libyaml starts a new line there and an editor does not: every line number after it
        # would point elsewhere than the user looks (and a comment's rest becomes YAML).
        line, column = _line_col(text, separator)
        char = f"U+{ord(text[separator]):04X}"
        return None, YamlProblem("SPBE019", line, column, "load.line_separator", {"char": char})
    return text, None


def _windows_char(byte: int) -> str | None:
    """The visible character ``byte`` is in Windows-1252 (``0x96`` -> ``–``), else None."""
    if byte < 0x80 or byte in (0xA0, 0xAD):  # no space, no soft hyphen: nothing to see
        return None
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: not in Windows-1252
        return None


#: Line breaks of YAML 1.1 (libyaml) that editors show inside a line: NEL, LS and PS.
YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def editor_lines(text: str) -> list[str]:
    """The lines of a text as editors (and LSP) count them: split at CR LF, LF and CR only.

    ``str.splitlines`` also splits at form feeds, U+2028 and others, which an editor shows
    inside a line: a line number found with it would point at the wrong line.
    """
    return re.split(_EDITOR_BREAKS, text)


_EDITOR_BREAKS = r"\r\n|\r|\n"  # text: re compiles it when first used


def _wide_encoding(data: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` for text saved so (with or without a byte order mark), else None.

    Without a mark such text is ASCII letters with zero bytes between them: Notepad's
    "Unicode" and PowerShell's ``>`` write it, and it read as a NUL character (SPBE003).
    """
    codec = _wide_codec(data)
    return None if codec is None else codec[:6].upper()


def _wide_codec(data: bytes) -> str | None:
    """The Python codec of UTF-16 or UTF-32 text (see :func:`_wide_encoding`), else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:64]
    if len(head) < 8 or b"\x00" not in head:
        return None
    for width, name in ((4, "utf-32"), (2, "utf-16")):
        for offset in range(width):
            # ASCII text: one byte of each code unit is the character, the others are zero.
            rest = [head[i] for i in range(len(head)) if i % width != offset]
            chars = head[offset::width]
            if not any(rest) and all(32 <= c < 127 or c >= 160 or c in (9, 10, 13) for c in chars):
                # The character byte first: little-endian; last: big-endian.
                return f"{name}-{'le' if offset == 0 else 'be'}"
    return None


def lenient_text(data: bytes) -> str:
    """The text of a file :func:`decode` refused, read as well as it can be.

    For what must go on despite the refusal: salvaging the ids the file declares (so that its
    one finding is not followed by a "not found" for each reference to them) and an editor's
    line table. A UTF-16 file (Notepad's "Unicode") is read as UTF-16, anything else as UTF-8
    with each undecodable byte replaced.
    """
    codec = _wide_codec(data)
    return data.decode(codec or "utf-8-sig", "replace").removeprefix("\ufeff")


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    """A character YAML does not accept; libyaml reports its UTF-8 byte offset."""
    offset = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "\0")
    if "control characters" in exc.reason:  # libyaml's English, said in the message language
        return YamlProblem("SPBE019", line, column, "load.control", {"char": f"U+{char:04X}"})
    detail = f"U+{char:04X}: {exc.reason}"
    return YamlProblem("SPBE001", line, column, "load.syntax", {"detail": detail})


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text)
    mark = getattr(exc, "problem_mark", None)
    # A byte order mark inside the text (two files pasted together, an editor's stray mark)
    # makes libyaml report a puzzling syntax error after it; name the mark instead.
    bom = text.find("\ufeff")
    if bom >= 0 and (mark is None or bom <= mark.index):
        line, column = _line_col(text, bom)
        return YamlProblem("SPBE019", line, column, "load.bom")
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return YamlProblem("SPBE001", line, column, "load.tab")
    problem = str(getattr(exc, "problem", None) or exc).strip()
    context = str(getattr(exc, "context", None) or "").strip()
    if "nesting depth" in problem:
        # libyaml stops at depth 1000 and, inside brackets, before it hands out any event; the
        # pure-Python parser reads only the text up to where libyaml stopped.
        index = mark.index if mark is not None else len(text)
        line, column = (
            _too_deep_at(text, _Loader)
            or _too_deep_at(text[:index], yaml.BaseLoader)
            or (line, column)
        )
        return YamlProblem("SPBE009", line, column, "load.too_deep", {"limit": MAX_DEPTH})
    opened = getattr(exc, "context_mark", None)
    if "flow" in context and mark is not None:
        unclosed = _flow_problem(text, mark.index, problem)
        if unclosed is not None:
            return unclosed
    if mark is not None and "quoted" not in context:
        # A document that is one bare text ('entitas opd  # ...') ends before the next line.
        whole = "<document start>" in problem
        late = _run_on_scalar(text, mark.index, mark.line, whole_document=whole)
        if late is not None:
            return late
    for needle, key, at_opening in _SYNTAX_PROBLEMS:
        if needle in problem and (needle not in _IN_QUOTES or "quoted" in context):
            values: dict[str, Any] = {}
            if opened is not None:
                values["open"] = opened.line + 1
                if 0 <= opened.index < len(text):
                    values["char"] = text[opened.index]
                if at_opening:
                    line, column = opened.line + 1, opened.column + 1
                if key == "load.syntax_colon":
                    return _missing_colon(text, opened.index, line, column)
            return YamlProblem("SPBE001", line, column, key, values)
    detail = f"{context}: {problem}" if context else problem
    return YamlProblem("SPBE001", line, column, "load.syntax", {"detail": detail})


#: libyaml's problems that people who are not programmers meet, each told in the message
#: language: (text in libyaml's problem, message key, report at the place where the construct
#: began, e.g. the key without a colon or the opening quote, rather than where libyaml gave up).
_SYNTAX_PROBLEMS = (
    ("could not find expected ':'", "load.syntax_colon", True),
    ("mapping values are not allowed", "load.syntax_colon_inside", False),
    ("did not find expected key", "load.syntax_indent", False),
    ("did not find expected '-' indicator", "load.syntax_dash", False),
    ("did not find expected ',' or '}'", "load.syntax_flow_mapping", False),
    ("did not find expected ',' or ']'", "load.syntax_flow_sequence", False),
    ("end of stream", "load.syntax_quote", True),
    ("found unexpected document indicator", "load.syntax_quote", True),
    ("found character that cannot start any token", "load.syntax_start", True),
    ("did not find expected alphabetic or numeric character", "load.syntax_start", True),
    ("found unknown escape character", "load.syntax_escape", False),
)


#: Problems that name an unclosed quote only when libyaml was inside a quoted scalar.
_IN_QUOTES = ("end of stream", "found unexpected document indicator")


def _run_on_scalar(
    text: str, index: int, line: int, *, whole_document: bool = False
) -> YamlProblem | None:
    """A scalar that ran on over lines into the error: the mistake is where it began.

    ``tanggal: "2025-12-15`` without its closing quote runs on until the next ``"`` in the
    file; ``entitas opd`` without its colon runs on into the next line's ``id: X``. libyaml
    gives up only there, lines below the mistake. The scanner reads the tokens up to the error
    (libyaml's when present: the pure-Python one took 4 s on an 8 MiB file); when the last
    one is a scalar spanning lines and ending on the line of the error, its start is the
    place: an unclosed quote, or a key without its colon.
    """
    end = text.find("\n", index)
    last: Any = None
    try:
        for token in yaml.scan(text[: len(text) if end < 0 else end], Loader=_Loader):
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or (
        not whole_document
        and (last.start_mark.line == last.end_mark.line or last.end_mark.line != line)
    ):
        return None
    start = last.start_mark
    if last.style in ("'", '"'):
        values = {"char": last.style, "close": line + 1}
        return YamlProblem(
            "SPBE001", start.line + 1, start.column + 1, "load.syntax_quote_late", values
        )
    if last.plain and not text[text.rfind("\n", 0, start.index) + 1 : start.index].strip():
        # The scalar is the first thing on its line: a key, not a value after 'key: '.
        return _missing_colon(text, start.index, start.line + 1, start.column + 1)
    return None


def _missing_colon(text: str, index: int, line: int, column: int) -> YamlProblem:
    """SPBE001 for a key without its colon at ``index``, or ``jenis:dinas`` (no space after)."""
    end = text.find("\n", index)
    glued = re.match(_GLUED_COLON, text[index : len(text) if end < 0 else end])
    if glued is None:
        return YamlProblem("SPBE001", line, column, "load.syntax_colon")
    values = {"key": glued[1], "value": glued[2].rstrip()}
    at = column + len(glued[1]) + 1  # where the space goes
    return YamlProblem("SPBE001", line, at, "load.syntax_colon_space", values)


#: ``jenis:dinas``: a key and its value with no space after the colon (not a URL's ``http:``).
_GLUED_COLON = r"^([A-Za-z_][A-Za-z0-9_]*):([^\s/#][^#]*)$"


def _flow_problem(text: str, index: int, problem: str) -> YamlProblem | None:
    """A syntax error inside ``[...]`` or ``{...}``, said the way the other YAML errors are.

    Brackets nested deeper than :data:`MAX_DEPTH` before the error are that (SPBE009, where
    the nesting first goes past the limit), whatever libyaml says at the end: its message, at
    the end of the file for brackets never closed, names neither the limit nor the place. A
    bracket left open at the end of the file ("did not find expected node content") is named
    at the innermost one left open.
    """
    deep = _too_deep_at(text[:index], _Loader)
    if deep is not None:
        return YamlProblem("SPBE009", *deep, "load.too_deep", {"limit": MAX_DEPTH})
    if "expected node content" not in problem:
        return None
    opened: list[Any] = []
    try:
        for token in yaml.scan(text[:index], Loader=_Loader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append(token)
            elif opened and isinstance(
                token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
            ):
                opened.pop()
    except yaml.YAMLError:
        pass
    if not opened:
        return None
    start = opened[-1].start_mark
    sequence = isinstance(opened[-1], yaml.FlowSequenceStartToken)
    key = "load.syntax_flow_sequence" if sequence else "load.syntax_flow_mapping"
    values = {"open": start.line + 1, "char": "[" if sequence else "{"}
    return YamlProblem("SPBE001", start.line + 1, start.column + 1, key, values)


def _too_deep_at(text: str, loader: Any) -> tuple[int, int] | None:
    """Where nesting first goes past :data:`MAX_DEPTH` (libyaml gives up much deeper)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                mark = event.start_mark
                if depth >= MAX_DEPTH and mark is not None:  # collections open around this one
                    return mark.line + 1, mark.column + 1
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


def compose(text: str, before: int = 0) -> tuple[list[Node], list[YamlProblem]]:
    """Compose every document of ``text`` into nodes; stop at the first syntax error.

    ``before``: the values of the file's documents before ``text`` (when only its end is
    composed again), which count toward the file's :data:`MAX_FILE_VALUES`.
    """
    nodes: list[Node] = []
    problems: list[YamlProblem] = []
    composer = _Composer if not before else type("_Composer", (_Composer,), {"before": before})
    try:
        nodes.extend(n for n in yaml.compose_all(text, Loader=composer) if n is not None)
    except yaml.YAMLError as exc:
        problems.append(_syntax_problem(exc, text))
    except RecursionError:  # pragma: no cover - libyaml stops at depth 1000 first
        problems.append(YamlProblem("SPBE009", 1, 1, "load.too_deep", {"limit": MAX_DEPTH}))
    except _TooManyValuesError:
        nodes.clear()
        line, column = _nth_value_at(text, MAX_FILE_VALUES + 1 - before)
        values = {"limit": MAX_FILE_VALUES}
        problems.append(YamlProblem("SPBE008", line, column, "load.too_many_file_values", values))
    return nodes, problems


_VALUE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _nth_value_at(text: str, n: int) -> tuple[int, int]:
    """Where the ``n``-th value of ``text`` starts (events are streamed: constant memory)."""
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _VALUE_EVENTS):
            count += 1
            if count >= n and event.start_mark is not None:
                return event.start_mark.line + 1, event.start_mark.column + 1
    return 1, 1  # pragma: no cover - the composer counted them


_DOCUMENT_START = r"(?m)^---(?=[ \t\r\n]|$)"


def empty_document_line(node: Node, text: str) -> int:
    """The line of the ``---`` that opens an empty document; 0 for a document with content.

    libyaml places an empty document at the next marker or at the end of the text.
    """
    if not isinstance(node, ScalarNode) or node.value or node.style not in _PLAIN:
        return 0
    # Searched backwards from the document and counted from its own line: a file of 200,000
    # '---' scanned the text from the start for each document (minutes; red team).
    index = node.start_mark.index
    end = index
    document_start = re.compile(_DOCUMENT_START)  # compiled by re the first time only
    while (at := text.rfind("---", 0, end)) >= 0:
        if (at == 0 or text[at - 1] == "\n") and document_start.match(text, at):
            return node.start_mark.line + 1 - text.count("\n", at, index)
        end = at + 2
    return node.start_mark.line + 1


def _packed(node: Node) -> int:
    mark = node.start_mark
    return (mark.line + 1) * POS_BASE + mark.column + 1


class _Builder:
    """Build plain Python values and a position table from one document's nodes.

    :meth:`build` returns ``(value, position, entry)``: the entry is None for a scalar (and for
    what is refused: an alias, a foreign tag, nesting too deep).

    A *plain* text (no ``&``, so no anchor and no alias; no ``!``, so no tag but the core ones)
    is built without looking for either on each value, and its values are counted a collection
    at a time: the document is built again value by value only when that count goes past
    :data:`MAX_VALUES` (see :func:`build_document`). Almost every catalog file is plain.
    """

    __slots__ = ("count", "plain", "problems", "seen", "text")

    def __init__(self, text: str, *, plain: bool = False) -> None:
        self.text = text
        self.problems: list[YamlProblem] = []
        self.seen: set[int] = set()
        self.count = 0
        self.plain = plain

    def build(self, node: Node, depth: int = 0) -> tuple[Any, int, Entry | None]:
        mark = node.start_mark
        pos = (mark.line + 1) * POS_BASE + mark.column + 1
        self.count += 1
        if not self.plain and self._refused(node):
            return None, pos, None
        if isinstance(node, ScalarNode):
            value = node.value
            if node.style in _PLAIN and value in _NULLS:
                return None, pos, None
            return value, pos, None
        if depth >= MAX_DEPTH:
            line, col = _pos(node)
            self.problems.append(
                YamlProblem("SPBE009", line, col, "load.too_deep", {"limit": MAX_DEPTH})
            )
            return None, pos, None
        if isinstance(node, SequenceNode):
            return self._sequence(node, depth, pos)
        return self._mapping(node, depth, pos)

    def _refused(self, node: Node) -> bool:
        """Whether ``node`` is not built: past :data:`MAX_VALUES`, an alias, a foreign tag.

        Each is reported here (once for the values past the limit).
        """
        if self.count > MAX_VALUES:
            if self.count == MAX_VALUES + 1:
                line, col = _pos(node)
                self.problems.append(
                    YamlProblem("SPBE008", line, col, "load.too_many_values", {"limit": MAX_VALUES})
                )
            return True
        key = id(node)
        if key in self.seen:
            self._alias(node)
            return True
        self.seen.add(key)
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            line, col = _pos(node)
            shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
            self.problems.append(YamlProblem("SPBE007", line, col, "load.tag", {"tag": shown}))
            return True
        return False

    def _sequence(self, node: Node, depth: int, pos: int) -> tuple[list[Any], int, Entry]:
        values = []
        item_positions = []
        children: list[Entry | None] | None = None
        items = node.value
        if self.plain:
            self.count += len(items)  # at least the values built below (see build_document)
        plain = self.plain
        for index, child in enumerate(items):
            if plain and isinstance(child, ScalarNode):  # inline: most values are scalars
                mark = child.start_mark
                value = child.value
                values.append(None if child.style in _PLAIN and value in _NULLS else value)
                item_positions.append((mark.line + 1) * POS_BASE + mark.column + 1)
                continue
            value, item_pos, entry = self.build(child, depth + 1)
            values.append(value)
            item_positions.append(item_pos)
            if entry is not None:
                if children is None:
                    children = [None] * len(items)
                children[index] = entry
        return values, pos, positions.sequence(pos, item_positions, children)

    def _mapping(self, node: Node, depth: int, pos: int) -> tuple[dict[str, Any], int, Entry]:
        result: dict[str, Any] = {}
        first: dict[str, Node] = {}
        keys: list[str] = []
        key_positions: list[int] = []
        value_positions: list[int] = []
        children: list[Entry | None] | None = None
        merged = False
        items = node.value
        if self.plain:
            self.count += len(items)  # at least the values built below (see build_document)
        plain = self.plain
        for key_node, value_node in items:
            if not isinstance(key_node, ScalarNode):
                line, col = _pos(key_node)
                self.problems.append(YamlProblem("SPBE014", line, col, "load.complex_key"))
                continue
            # Interned: every document repeats the same keys, so a worker's results pickle
            # each key once per chunk, and schema validation compares keys by identity.
            key = intern(key_node.value)
            mark = key_node.start_mark
            keys.append(key)
            key_positions.append((mark.line + 1) * POS_BASE + mark.column + 1)
            if key in first or (key == "<<" and key_node.style in _PLAIN):
                if not merged:
                    self._bad_key(key, key_node, first.get(key), depth)
                # A second 'entitas' at the top: the next document without its '---'. Its
                # other keys are that document's, not more mistakes of their own.
                merged = merged or (key == "entitas" and depth == 0)
                # A finding about this key points at the last one written (the value is the
                # first one's): the table keeps the positions of the last.
                value_pos, entry = _positions_only(value_node, depth + 1)
            else:
                first[key] = key_node
                if plain and isinstance(value_node, ScalarNode):  # inline, as in _sequence
                    mark = value_node.start_mark
                    value = value_node.value
                    result[key] = None if value_node.style in _PLAIN and value in _NULLS else value
                    value_positions.append((mark.line + 1) * POS_BASE + mark.column + 1)
                    continue
                result[key], value_pos, entry = self.build(value_node, depth + 1)
            value_positions.append(value_pos)
            if entry is not None:
                if children is None:
                    children = [None] * len(items)
                children[len(keys) - 1] = entry
        if children is not None:
            del children[len(keys) :]  # complex keys take no slot
        table = positions.mapping(pos, keys, key_positions, value_positions, children)
        return result, pos, table

    def _bad_key(self, key: str, key_node: Node, earlier: Node | None, depth: int) -> None:
        """Report a merge key, or a key written a second time (positions only on this path)."""
        line, col = _pos(key_node)
        if earlier is None:
            self.problems.append(YamlProblem("SPBE006", line, col, "load.merge_key"))
            return
        first_line, first_column = _pos(earlier)
        separator = key == "entitas" and depth == 0
        self.problems.append(
            YamlProblem(
                "SPBE004",
                line,
                col,
                "load.missing_separator" if separator else "load.duplicate_key",
                # The column travels with the values (cached as they are): "see" points at the
                # first key itself, which need not start its line (`{a: 1, a: 2}`).
                {"key": key, "first": first_line, "first_column": first_column},
                related_line=first_line,
            )
        )

    def _alias(self, node: Node) -> None:
        """Report an alias at the position of the first ``*alias`` in the text."""
        if any(p.code == "SPBE005" for p in self.problems):
            return
        line, col = _pos(node)
        try:
            for event in yaml.parse(self.text, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                    line, col = event.start_mark.line + 1, event.start_mark.column + 1
                    break
        except yaml.YAMLError:  # pragma: no cover - the text composed fine a moment ago
            pass
        self.problems.append(YamlProblem("SPBE005", line, col, "load.alias"))


def _positions_only(node: Node, depth: int) -> tuple[int, Entry | None]:
    """The position and table entry of a subtree whose value is not built (a repeated key's)."""
    pos = _packed(node)
    if depth >= MAX_DEPTH or isinstance(node, ScalarNode):
        return pos, None
    if isinstance(node, SequenceNode):
        found = [_positions_only(item, depth + 1) for item in node.value]
        children = [entry for _, entry in found]
        return pos, positions.sequence(
            pos, [p for p, _ in found], children if any(children) else None
        )
    keys: list[str] = []
    key_positions: list[int] = []
    value_positions: list[int] = []
    entries: list[Entry | None] = []
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            keys.append(key_node.value)
            key_positions.append(_packed(key_node))
            value_pos, entry = _positions_only(value_node, depth + 1)
            value_positions.append(value_pos)
            entries.append(entry)
    return pos, positions.mapping(
        pos, keys, key_positions, value_positions, entries if any(entries) else None
    )


def is_plain(text: str) -> bool:
    """Whether ``text`` can hold neither an anchor nor an alias (no ``&``) nor a tag (no ``!``).

    Two C scans of the text: for :func:`build_document`, once per file.
    """
    return "&" not in text and "!" not in text


def build_document(
    node: Node, text: str, *, plain: bool = False
) -> tuple[Any, Positions, list[YamlProblem]]:
    """Turn one composed document into plain values (dict, list, str, None) and positions.

    ``plain``: :func:`is_plain` of ``text`` (computed once per file by the caller). The values
    and problems are the same either way; a plain text is built faster.
    """
    builder = _Builder(text, plain=plain)
    value, pos, entry = builder.build(node)
    if plain and builder.count > MAX_VALUES:
        # Counted a collection at a time (never fewer than there are): past the limit, the
        # document is built again value by value to say where the limit was reached.
        builder = _Builder(text)
        value, pos, entry = builder.build(node)
    return value, pos if entry is None else entry, builder.problems


def build(node: Node, text: str) -> tuple[Any, list[YamlProblem]]:
    """Turn one composed document into plain values (dict, list, str, None)."""
    value, _positions, problems = build_document(node, text)
    return value, problems


#: Characters no key or value may hold: C0 controls except tab and newline, DEL, C1 controls,
#: bidirectional embeddings, overrides and isolates, and the byte order mark.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
#: Without one of these in the text no scalar can hold a forbidden character: libyaml refuses
#: the raw controls, so they can only come from an escape (a backslash in double quotes).
_MAYBE_FORBIDDEN = re.compile("[\\\\\u202a-\u202e\u2066-\u2069\ufeff]")


def may_hold_forbidden(text: str) -> bool:
    """Tell whether ``text`` could compose to a scalar with a forbidden character (cheap)."""
    return _MAYBE_FORBIDDEN.search(text) is not None


def forbidden_characters(root: Node) -> list[YamlProblem]:
    """Keys and values under ``root`` holding a :data:`FORBIDDEN_CHARS` character (SPBE019)."""
    found: list[YamlProblem] = []

    def check(node: Node, *, is_key: bool) -> None:
        match = FORBIDDEN_CHARS.search(node.value)
        if match is not None:
            line, col = _pos(node)
            problem = _forbidden_problem(match.group(0), line, col, is_key=is_key)
            if problem.key == "load.control" and getattr(node, "style", None) == '"':
                # `"prosa\01.md"`: the backslash began an escape (\0 is NUL); say so, not only
                # that a control character is there.
                problem = YamlProblem(
                    problem.code, line, col, "load.control_escape", problem.values
                )
            found.append(problem)

    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, ScalarNode):
            check(node, is_key=False)
        elif isinstance(node, SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    check(key_node, is_key=True)
                todo.append(value_node)
    found.sort(key=lambda p: (p.line, p.column))
    return found


def _forbidden_problem(char: str, line: int, column: int, *, is_key: bool = False) -> YamlProblem:
    """The SPBE019 problem for one :data:`FORBIDDEN_CHARS` character at ``line:column``."""
    if char == "\ufeff":
        return YamlProblem("SPBE019", line, column, "load.bom_key" if is_key else "load.bom")
    message = "load.bidi" if "\u202a" <= char <= "\u2069" else "load.control"
    return YamlProblem("SPBE019", line, column, message, {"char": f"U+{ord(char):04X}"})


def text_forbidden_characters(text: str) -> list[YamlProblem]:
    """The first :data:`FORBIDDEN_CHARS` character of each line of a text file (SPBE019).

    The rule of catalog values, for the files they name (prose Markdown): a bidi override or an
    escape sequence there would show reviewers and readers something else than the text holds.
    Lines end at LF (a CR before one was dropped when the file was read).
    """
    found: list[YamlProblem] = []
    # A byte order mark may open the file (Notepad writes one); only there.
    start = 1 if text.startswith("\ufeff") else 0
    if FORBIDDEN_CHARS.search(text, start) is None:
        return found
    for number, line in enumerate(text.split("\n"), 1):
        match = FORBIDDEN_CHARS.search(line, start if number == 1 else 0)
        if match is not None:
            found.append(_forbidden_problem(match.group(0), number, match.start() + 1))
    return found


def find_scalars(root: Node, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """Positions and texts of scalar values under ``root`` that match ``pattern``."""
    found: list[tuple[int, int, str]] = []
    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, ScalarNode):
            match = pattern.search(node.value)
            if match:
                line, col = _pos(node)
                found.append((line, col, match.group(0)))
        elif isinstance(node, SequenceNode):
            todo.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            todo.extend(value for _key, value in reversed(node.value))
    found.sort()
    return found


#: A number with one Indonesian thousands dot (``1.500``): read as a decimal (1.5) by a numeric
#: field. A leading 0 (``0.500``) is a decimal; more groups (``12.000.000``) are not a number
#: at all, which the schema says.
GROUPED_NUMBER = re.compile(r"^-?[1-9][0-9]{0,2}\.[0-9]{3}\Z")
#: A dot and three digits ending a number: the cheap first look for a :data:`GROUPED_NUMBER`
#: (a pattern that starts with a literal is searched for fast; one that starts with a class of
#: characters costs ten times more on every file).
_DOT_THREE = re.compile(r"\.[0-9]{3}(?![0-9.])")
#: What may come before such a dot: one to three digits, not after another digit or dot.
_GROUP_HEAD = re.compile(r"(?:^|[^0-9.])-?[1-9][0-9]{0,2}\Z")


def may_hold_grouped(text: str) -> bool:
    """Tell whether ``text`` could hold a :data:`GROUPED_NUMBER` scalar (cheap)."""
    for match in _DOT_THREE.finditer(text):
        start = match.start()
        if _GROUP_HEAD.search(text[max(0, start - 5) : start]):
            return True
    return False


#: A comment that starts right after a value, its text glued to the '#': ``Berkas #1``.
_GLUED_COMMENT = re.compile(r"#(?<=[ \t]#)[^ \t\r\n]")  # '#' first: searched for fast
#: What follows a plain scalar when its line goes on with such a comment.
_AFTER_PLAIN = r"[ \t]+(#[^ \t\r\n][^\r\n]*)"
#: Most characters of the comment a finding shows.
_COMMENT_SHOWN = 40


def _shown(text: str) -> str:
    """A piece of catalog text for a message: one line, no forbidden character, not too long."""
    text = FORBIDDEN_CHARS.sub("\ufffd", " ".join(text.split()))
    return text if len(text) <= _COMMENT_SHOWN else text[: _COMMENT_SHOWN - 1] + "\u2026"


def may_hold_glued_comment(text: str) -> bool:
    """Tell whether ``text`` has a `` #x`` comment (a '#' with no space after it; cheap)."""
    return _GLUED_COMMENT.search(text) is not None


def glued_comments(root: Node, text: str) -> list[YamlProblem]:
    """Plain values whose line goes on with `` #text``: the text was read as a comment (SPBE111).

    ``tujuan: Berkas #1`` is the value ``Berkas``: YAML starts a comment at a '#' after a space.
    A comment meant as one starts with a space (``# catatan``); one glued to its '#' right after
    a value on the same line most likely belongs to the value. Values in quotes or in a block
    (``|``, ``>``) keep their '#'.
    """
    found: list[YamlProblem] = []
    after_plain = re.compile(_AFTER_PLAIN)  # compiled by re the first time only
    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, ScalarNode):
            if node.style not in _PLAIN:
                continue
            match = after_plain.match(text, node.end_mark.index)
            if match is None:
                continue
            end = node.end_mark  # the '#' is on the line where the value ends
            line, column = end.line + 1, end.column + 1 + match.start(1) - end.index
            values: dict[str, Any] = {
                "value": _shown(node.value),
                "comment": _shown(match.group(1).rstrip()),
            }
            # `nomor: #5`: nothing before the comment, so the value is empty. Where the empty
            # value is (not the '#'): the loader says both in one finding when the schema
            # refuses the empty value there (see _Loader.replay).
            key = "load.glued_comment" if node.value else "load.glued_comment_empty"
            if not node.value:
                values["value_line"], values["value_column"] = _pos(node)
            found.append(YamlProblem("SPBE111", line, column, key, values))
        elif isinstance(node, SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, MappingNode):
            todo.extend(value for _key, value in node.value)
    found.sort(key=lambda p: (p.line, p.column))
    return found


def load_trusted_yaml(text: str) -> Any:
    """Load YAML shipped inside the package (reference data, messages); never catalog text.

    The same values as ``yaml.load(text, Loader=CSafeLoader)``, in half the time: plain
    mappings, lists and scalars are built here from the composed nodes, and the loader's own
    constructor builds only what is not that plain (an alias, a merge key, a timestamp ...).
    The messages and the reference data are read by every command, ``spbe --help`` too; the
    message files, all of one shape, are read line by line (:func:`simple_messages`).
    """
    messages = simple_messages(text)
    if messages is not None:
        return messages
    loader = _TrustedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _plain_value(loader, node, set())
        except _NotPlainError:
            return loader.construct_document(node)
    finally:
        loader.dispose()


class _NotPlainError(Exception):
    """A node :func:`_plain_value` leaves to the loader's constructor."""


_PLAIN_SCALARS = frozenset(_CORE + name for name in ("int", "float", "bool", "null"))


def _plain_value(loader: Any, node: Node, seen: set[int]) -> Any:
    """The value of a node of plain mappings, lists and scalars (see load_trusted_yaml)."""
    if id(node) in seen:  # an alias: the constructor gives both places one object
        raise _NotPlainError
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, ScalarNode):
        if tag == _CORE + "str":
            return node.value
        if tag in _PLAIN_SCALARS:
            return loader.yaml_constructors[tag](loader, node)
    elif tag == _CORE + "seq":
        return [_plain_value(loader, item, seen) for item in node.value]
    elif tag == _CORE + "map":
        result = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):  # a merge key, or a key not text nor a number
                raise _NotPlainError
            result[_plain_value(loader, key, seen)] = _plain_value(loader, value, seen)
        return result
    raise _NotPlainError


def dump_yaml(data: Any) -> str:
    """Write YAML the way a person would (block style, Unicode kept, keys in given order)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


# -- the common file, read without libyaml ------------------------------------------------------

#: A line of the common catalog file: a key at the start of the line, ``: ``, and a value that is
#: a plain text, a quoted text without escapes, or a ``[a, b]`` list of plain texts; or the key
#: alone, its value a list of ``- item`` lines below it.
_SIMPLE_LINE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*):"
    r"(?: +(?:([A-Za-z0-9(][^:#\[\]{}'\"]*?)"  # a plain text (trailing spaces are not part of it)
    r"|'([^'\n]*)'|\"([^\"\n]*)\""  # quoted, without escapes or doubled quotes
    r"|(\[[^\]\n]*\]))"  # a list, its items read below
    r")? *$"
)
#: An item of a list written ``- item`` line by line: a plain text or a quoted one.
_SIMPLE_ENTRY = re.compile(
    r"( *)- (?:([A-Za-z0-9(][^:#\[\]{}'\"]*?)|'([^'\n]*)'|\"([^\"\n]*)\") *$"
)
#: An item of a ``[a, b]`` list: a plain text between commas.
_SIMPLE_ITEM = re.compile(r" *([A-Za-z0-9(][^:#\[\]{},'\"]*?) *(?:,|$)")
#: What may not appear anywhere in a text read without libyaml: controls (a tab, a CR), what
#: libyaml refuses or reads otherwise (U+FEFF, U+FFFE, U+FFFF), and what
#: :func:`may_hold_forbidden` looks for.
_NOT_SIMPLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\\\\\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)


def simple_document(text: str) -> tuple[dict[str, Any], Entry, int] | None:
    """The value, position table and end line of the most common file, or None for any other.

    The common file is one mapping of ``key: value`` lines at the start of the line (blank
    lines and ``#`` comment lines between them), each value a plain text, a quoted text
    without escapes or a ``[a, b]`` list of plain texts; no key twice, no tab, no CR, nothing
    after a value, and far fewer values than :data:`MAX_VALUES`. Such a file holds no problem,
    and what is returned is what composing it with libyaml and :func:`build_document` give (a
    test compares the two on every file of the bench catalog and on near misses); any other
    text, however close, is None and goes the libyaml way. Reading the common file line by line
    costs a fraction of composing it.
    """
    if not text or _NOT_SIMPLE.search(text) is not None:
        return None
    value: dict[str, Any] = {}
    keys: list[str] = []
    key_positions: list[int] = []
    value_positions: list[int] = []
    entries: list[Entry | None] = []
    count = 1
    #: the ``- item`` list being read: its items, their positions, its indent; None when the
    #: last key's value is not such a list
    block: tuple[list[Any], list[int], int] | None = None
    opened = False  # the last key had no value on its line: a ``- item`` list must follow
    match_line, match_entry = _SIMPLE_LINE.match, _SIMPLE_ENTRY.match
    for number, line in enumerate(text.split("\n"), 1):
        if not line or line[0] == "#":
            continue
        row = number * POS_BASE
        if line[0] in " -":
            found = match_entry(line)
            if found is None or not opened:
                return None
            indent = len(found.group(1))
            if block is None:
                block = ([], [], indent)
                value_positions.append(row + indent + 1)  # the list is where its first '-' is
            elif indent != block[2]:
                return None
            plain, single, double = found.group(2, 3, 4)
            if plain is not None:
                block[0].append(None if plain in _NULLS else plain)
                block[1].append(row + found.start(2) + 1)
            else:
                quoted = 3 if single is not None else 4
                block[0].append(found.group(quoted))
                block[1].append(row + found.start(quoted))  # at the opening quote
            count += 1
            continue
        if opened:
            if block is None:
                return None  # a key without a value: its empty value is placed by libyaml
            value[keys[-1]] = block[0]
            entries.append(positions.sequence(value_positions[-1], block[1], None))
            block, opened = None, False
        found = match_line(line)
        if found is None:
            return None
        key, plain, single, double, listed = found.groups()
        if key in keys:
            return None  # a key written twice: said by the builder
        key = intern(key)
        keys.append(key)
        key_positions.append(row + 1)
        count += 2
        if count > MAX_VALUES:
            return None  # the limit is said by the builder
        entry: Entry | None = None
        if plain is not None:
            value[key] = None if plain in _NULLS else plain
            column = found.start(2) + 1
        elif listed is not None:
            column = found.start(5) + 1
            items = _simple_items(listed, row + column)
            if items is None:
                return None
            value[key], item_positions = items
            entry = positions.sequence(row + column, item_positions, None)
            count += len(item_positions)
        elif single is not None:
            value[key], column = single, found.start(3)  # at the opening quote
        elif double is not None:
            value[key], column = double, found.start(4)
        else:
            opened = True  # its value is the ``- item`` lines below
            continue
        value_positions.append(row + column)
        entries.append(entry)
    if opened:
        if block is None:
            return None
        value[keys[-1]] = block[0]
        entries.append(positions.sequence(value_positions[-1], block[1], None))
    if not keys or count > MAX_VALUES:
        return None
    children = entries if any(entry is not None for entry in entries) else None
    table = positions.mapping(key_positions[0], keys, key_positions, value_positions, children)
    end_line = text.count("\n") + (1 if text.endswith("\n") else 2)
    return value, table, end_line


def _simple_items(listed: str, bracket: int) -> tuple[list[Any], list[int]] | None:
    """The items of ``[a, b]`` and their positions (``bracket``: where the ``[`` is).

    None when they are not all plain texts (an empty item, a trailing comma, a quote ...).
    """
    inner = listed[1:-1]
    items: list[Any] = []
    item_positions: list[int] = []
    if not inner.strip(" "):
        return items, item_positions
    at = 0
    match_item = _SIMPLE_ITEM.match
    while at < len(inner):
        found = match_item(inner, at)
        if found is None:
            return None
        text = found.group(1)
        items.append(None if text in _NULLS else text)
        item_positions.append(bracket + 1 + found.start(1))
        at = found.end()
    if inner.rstrip(" ").endswith(","):
        return None  # a trailing comma: left to libyaml
    return items, item_positions
