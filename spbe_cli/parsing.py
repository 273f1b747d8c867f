"""The per-file stage of loading: one file's bytes -> its documents, positions and problems.

What this computes depends on the file's bytes alone (not on its name, the other files, the
reference data or the language), so it can be remembered between runs (:mod:`spbe_cli.cache`)
and run in worker processes. The loader replays a :class:`ParsedFile` into the catalog: the
schema models and every cross-file rule run there, on every run.

A :class:`ParsedFile` converts to and from plain JSON values; :func:`from_json` checks every
part, because a cached copy is untrusted input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from spbe_cli import positions, yamlio
from spbe_cli.positions import MalformedPositionsError, Packed, Positions
from spbe_cli.yamlio import YamlProblem

PLACEHOLDER = re.compile(r"\[ISI[^\]]*\]|\bTODO\b")


def is_placeholder(value: object) -> bool:
    """Whether a value is nothing but a placeholder (``[ISI]``, ``[ISI: nama]``, ``TODO``).

    Such a value is one finding, "still to be filled in", wherever it is checked: the schema's
    error with the placeholder hint when the schema refuses it, else SPBE901/SPBE902. A rule that
    checks the value against a list stays silent about it.
    """
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value.strip()) is not None


def unfilled_text(value: str) -> str:
    """What a reader sees for a placeholder: "(belum diisi)", with the words of ``[ISI: ...]``.

    The documents and the exports made for people (SIA-SPBE workbook, ArchiMate model) are in
    Indonesian whatever the language of the messages.
    """
    from spbe_cli import i18n

    text = value.strip()
    hint = text[4:-1].strip(" :") if text.startswith("[ISI") else ""
    with i18n.use_language("id"):
        return i18n.t("render.unfilled_hint", hint=hint) if hint else i18n.t("render.unfilled")


@dataclass(frozen=True)
class ParsedDocument:
    """One YAML document: its plain value, its position table and what is wrong in it."""

    value: Any
    #: :class:`~spbe_cli.positions.Packed` as a worker process sends it
    positions: Positions | Packed
    #: build problems, then forbidden characters (in the order the loader reports them)
    problems: tuple[YamlProblem, ...]
    #: ``(line, column, text)`` of scalars holding a placeholder ([ISI ...], TODO)
    placeholders: tuple[tuple[int, int, str], ...]
    #: the line after the document's last character (as libyaml's end mark says, 1-based)
    end_line: int = 0
    #: ``(line, column, text)`` of scalars written like ``1.500`` (see yamlio.GROUPED_NUMBER):
    #: the loader warns where a numeric field read one as a decimal (SPBE110)
    grouped: tuple[tuple[int, int, str], ...] = ()

    @property
    def blocking(self) -> bool:
        """Whether a problem keeps the document from the schema (a repeated key does not)."""
        return any(p.code not in _NOT_BLOCKING for p in self.problems)


def movable(document: ParsedDocument) -> bool:
    """Whether a document parsed on its own is the same, lines apart, inside a whole file.

    Problems that depend on its own text only (forbidden characters, glued comments, repeated
    keys) are the same wherever it stands. Not with a problem that reads the file around the
    document (an alias), that changes what the file's other documents are (a missing ``---``),
    nor one whose values were not all built (a tag, a complex key, a merge key, too deep, too
    many values).
    """
    return all(
        problem.code in ("SPBE019", "SPBE111") or problem.key == "load.duplicate_key"
        for problem in document.problems
    )


def moved(document: ParsedDocument, lines: int) -> ParsedDocument:
    """The same document ``lines`` lines further down its file (a :func:`movable` one)."""
    if not lines:
        return document
    return ParsedDocument(
        document.value,
        positions.shifted(document.positions, lines),
        tuple(_moved_problem(p, lines) for p in document.problems),
        tuple((line + lines, column, text) for line, column, text in document.placeholders),
        document.end_line + lines,
        tuple((line + lines, column, text) for line, column, text in document.grouped),
    )


def packed(parsed: ParsedFile) -> ParsedFile:
    """The same file with each document's table :class:`~spbe_cli.positions.Packed`.

    What a worker process sends the main process (:mod:`spbe_cli.parallel`): the main process
    unpacks a table only for a document a finding points into.
    """
    if not parsed.documents:
        return parsed
    return replace(
        parsed,
        documents=tuple(
            replace(document, positions=Packed.of(positions.unpacked(document.positions)))
            for document in parsed.documents
        ),
    )


def _moved_problem(problem: YamlProblem, lines: int) -> YamlProblem:
    """A problem ``lines`` lines further down, with the line it names (a repeated key's first)."""
    values = dict(problem.values)
    for name in yamlio.LINE_VALUES:
        if type(values.get(name)) is int:
            values[name] += lines
    related = problem.related_line + lines if problem.related_line else 0
    return replace(problem, line=problem.line + lines, values=values, related_line=related)


#: Problems of a document that do not keep it from the schema: a repeated key (the first value
#: is used) and a comment glued to a value (a warning).
_NOT_BLOCKING = frozenset(("SPBE004", "SPBE111"))


@dataclass(frozen=True)
class ParsedFile:
    """Everything the per-file stage found in one file."""

    #: decoding and syntax problems, reported before the documents
    problems: tuple[YamlProblem, ...]
    documents: tuple[ParsedDocument, ...]
    #: the file holds no document and no problem (empty, or only comments): SPBE017
    empty: bool = False
    #: ``(line, fields)`` of each document lost to a decoding or syntax error, read leniently
    #: line by line (see :func:`salvage`), so that its id and kind still count as declared
    salvaged: tuple[tuple[int, dict[str, Any]], ...] = ()


def parse_bytes(data: bytes) -> ParsedFile:
    """Decode, compose and build every document of one file's content."""
    text, problem = yamlio.decode(data)
    if problem is not None or text is None:
        assert problem is not None
        lines = yamlio.editor_lines(yamlio.lenient_text(data))
        return ParsedFile((problem,), (), salvaged=salvage(lines, 1))
    return parse_text(text)


def parse_text(text: str, before: int = 0) -> ParsedFile:
    """Compose and build every document of one file's decoded text.

    ``before``: the values of the file's documents before ``text``, when only the file's end is
    parsed again (see :mod:`spbe_cli.lsp.documents`; they count toward its limit).
    """
    simple = None if before else _simple_file(text)
    if simple is not None:
        return simple
    return _composed_file(text, before)


def _simple_file(text: str) -> ParsedFile | None:
    """The file read without libyaml when it is the common kind (:func:`yamlio.simple_document`).

    Only a text that none of the scans below would look at again: no placeholder, no number
    written like ``1.500``, no comment glued to a value.
    """
    if "[ISI" in text or "TODO" in text or yamlio.may_hold_grouped(text):
        return None
    if yamlio.may_hold_glued_comment(text):
        return None
    found = yamlio.simple_document(text)
    if found is None:
        return None
    value, table, end_line = found
    return ParsedFile((), (ParsedDocument(value, table, (), (), end_line),))


def _composed_file(text: str, before: int) -> ParsedFile:
    """:func:`parse_text` of any text: composed by libyaml, then built."""
    nodes, problems = yamlio.compose(text, before)
    syntax = min((p.line for p in problems if p.code in _STOPPING), default=0)
    if syntax:
        # A document composed up to the error ('entitas opd' alone, before 'id: X' broke the
        # file) is part of the mistake, not a document of its own.
        nodes = [node for node in nodes if node.start_mark.line + 1 < syntax]
    empty_at = [yamlio.empty_document_line(node, text) for node in nodes]
    if all(empty_at) and not problems:
        return ParsedFile((), (), empty=True)  # nothing, or nothing but '---' markers
    if any(empty_at):
        # A '---' too many (two in a row, one at the end): said as such, at that '---'.
        problems = problems + [
            yamlio.YamlProblem("SPBE012", line, 1, "load.empty_document")
            for line in empty_at
            if line
        ]
        nodes = [node for node, line in zip(nodes, empty_at, strict=True) if not line]
    marked = "[ISI" in text or "TODO" in text
    suspect = yamlio.may_hold_forbidden(text)
    # Each a C scan of the text; the nodes are walked only in the rare file that has one.
    numbers = yamlio.may_hold_grouped(text)
    glued = yamlio.may_hold_glued_comment(text)
    plain = yamlio.is_plain(text)
    documents = []
    for node in nodes:
        placeholders = tuple(yamlio.find_scalars(node, PLACEHOLDER)) if marked else ()
        grouped = tuple(yamlio.find_scalars(node, yamlio.GROUPED_NUMBER)) if numbers else ()
        value, positions, found = yamlio.build_document(node, text, plain=plain)
        if suspect:
            found.extend(yamlio.forbidden_characters(node))
        if glued:
            found.extend(yamlio.glued_comments(node, text))
        end_line = node.end_mark.line + 1
        documents.append(
            ParsedDocument(value, positions, tuple(found), placeholders, end_line, grouped)
        )
    merged = [  # the builder says it once per document, at the second 'entitas'
        (problem.line, document.end_line)
        for document in documents
        for problem in document.problems
        if problem.key == "load.missing_separator"
    ]
    lost: list[tuple[int, dict[str, Any]]] = []
    # A file over yamlio.MAX_FILE_VALUES is refused whole (SPBE008) and none of its documents
    # was built: each is read leniently, as after a syntax error, so that the entities it
    # declares are not also reported missing wherever they are named. Cheap next to the
    # composing that stopped at the limit (one regex per line), and bounded like the builder:
    # past MAX_VALUES kept values only each document's entitas and id are kept. (A file over
    # files.MAX_FILE_BYTES is never read at all, so nothing of it can be salvaged; a single
    # document over MAX_VALUES is refused alone, and its file's other documents load as usual.)
    refused = any(p.key == "load.too_many_file_values" for p in problems)
    if syntax or merged or refused:
        # Split once per file: per document, a file of 20,000 of them took 36 s.
        lines = yamlio.editor_lines(text)
        if refused:
            lost.extend(salvage(lines, 1, budget=yamlio.MAX_VALUES))
        if syntax:
            # A document composed whole before the error ('--- : x' on the line after it)
            # is loaded as it is: only those starting after it were lost.
            loaded_to = max((document.end_line for document in documents), default=0)
            lost.extend(found for found in salvage(lines, syntax) if found[0] >= loaded_to)
        for start, end in merged:
            # The entity that began inside a document without its '---' (SPBE004 said so): its
            # keys went into the document before it; read leniently from its own 'entitas'
            # line, its id and fields still count as declared.
            lost.extend(salvage(lines[start - 1 : end - 1], 1, first_line=start))
    return ParsedFile(tuple(problems), tuple(documents), salvaged=tuple(lost))


#: Problems after which libyaml hands out no more documents of the file.
_STOPPING = frozenset(("SPBE001", "SPBE009"))
#: A top-level ``key: value`` line; ``entitas`` and ``id`` also without their colon, the
#: mistake that most often breaks a file. These three serve broken files only (:func:`salvage`):
#: kept as text, compiled by re the first time one is salvaged.
_TOP_FIELD = r"^(?:(entitas|id)\b[ \t]*:?|([A-Za-z_][A-Za-z0-9_]*)[ \t]*:)[ \t]*(.*)$"
_DOCUMENT_MARK = r"^(?:---|\.\.\.)(?=[ \t]|$)"
_COMMENT = r"[ \t]+#.*$"


def salvage(
    lines: Sequence[str], from_line: int, first_line: int = 1, budget: int | None = None
) -> tuple[tuple[int, dict[str, Any]], ...]:
    """Read the documents a YAML error made unreadable, leniently, from ``from_line`` on.

    ``lines`` are the file's lines from its line ``first_line`` on.

    A missing colon in ``opd/perangkat-daerah.yaml`` loses every OPD of the file; without
    this, each reference to them elsewhere would also be reported as not found. Only the
    document's top-level lines are read: ``entitas``, ``id``, and fields holding one text or a
    ``[a, b]`` list (what cross-entity rules count). Nothing here is checked or validated.
    With a ``budget``, at most that many values (texts, list items) are kept besides each
    document's ``entitas`` and ``id``: the text may be a hostile one refused for its size.
    """
    found: list[tuple[int, dict[str, Any]]] = []
    fields: dict[str, Any] = {}
    start = first_line
    left = budget
    document_mark, top_field = re.compile(_DOCUMENT_MARK), re.compile(_TOP_FIELD)
    comment = re.compile(_COMMENT)

    def close(end: int) -> None:
        if end >= from_line and isinstance(fields.get("entitas"), str):
            found.append((start, dict(fields)))
        fields.clear()

    for number, line in enumerate(lines, start=first_line):
        if document_mark.match(line):
            close(number)
            start = number
            continue
        match = top_field.match(line)
        if match is None:
            continue
        key = match.group(1) or match.group(2)
        if key == "entitas" and key in fields:
            # Another entity without its '---' before it (three or more in a row): each one
            # is a document of its own, not more keys of the first.
            close(number)
            start = number
        elif key in fields:
            continue
        value = comment.sub("", match.group(3)).strip()
        if left is not None and key not in ("entitas", "id"):
            size = value.count(",") + 1  # counted before the split: the line may be megabytes
            if size > left:
                continue
            left -= size
        if value.startswith("[") and value.endswith("]"):
            items = [_unquoted(v) for v in value[1:-1].split(",")]
            fields[key] = [v for v in items if v]
        elif value and value[0] not in "{|>&*!":
            fields[key] = _unquoted(value)
    close(first_line + len(lines))
    return tuple(found)


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if value[:1] in ("'", '"') and value[1:] and value[1:].count(value[0]) == 0:
        # `id: 'DISKOMINFO`: the quote left open is the file's syntax error (SPBE001); the id
        # meant is without it, so that references to DISKOMINFO are not each one more error.
        return value[1:].strip()
    return value


# -- JSON ----------------------------------------------------------------------------------------


def to_json(parsed: ParsedFile) -> list[Any]:
    """Plain JSON values for a parsed file (lists, dicts, strings, ints, booleans, null)."""
    return [
        [_problem_json(p) for p in parsed.problems],
        [
            [
                doc.value,
                positions.to_json(doc.positions),
                [_problem_json(p) for p in doc.problems],
                [list(p) for p in doc.placeholders],
                doc.end_line,
                [list(p) for p in doc.grouped],
            ]
            for doc in parsed.documents
        ],
        parsed.empty,
        [[line, fields] for line, fields in parsed.salvaged],
    ]


def _problem_json(problem: YamlProblem) -> list[Any]:
    return [
        problem.code,
        problem.line,
        problem.column,
        problem.key,
        problem.values,
        problem.related_line,
    ]


class MalformedError(ValueError):
    """A JSON value that is not a parsed file written by :func:`to_json`."""


def from_json(data: Any) -> ParsedFile:
    """Rebuild a parsed file from :func:`to_json`'s values, checking every part.

    Raises:
        MalformedError: anything out of shape (a wrong type, a missing part, a bad position).
    """
    problems, documents, empty, salvaged = _list(data, 4)
    if not isinstance(empty, bool):
        raise MalformedError("empty")
    lost = []
    for entry in _list(salvaged):
        line, fields = _list(entry, 2)
        if (
            not isinstance(fields, dict)
            or not isinstance(fields.get("entitas"), str)  # as salvage() keeps a document
            or not all(map(_salvaged_field, fields.values()))
        ):
            raise MalformedError("salvaged")
        lost.append((_int(line), fields))
    parsed_documents = []
    for document in _list(documents):
        value, table, doc_problems, placeholders, end_line, grouped = _list(document, 6)
        _check_value(value, 0)
        try:
            checked = positions.from_json(table, max_depth=yamlio.MAX_DEPTH + 1)
        except MalformedPositionsError as exc:
            raise MalformedError("positions") from exc
        parsed_documents.append(
            ParsedDocument(
                value,
                checked,
                tuple(_problem(p) for p in _list(doc_problems)),
                tuple(_placeholder(p) for p in _list(placeholders)),
                _int(end_line),
                tuple(_placeholder(p) for p in _list(grouped)),
            )
        )
    return ParsedFile(
        tuple(_problem(p) for p in _list(problems)), tuple(parsed_documents), empty, tuple(lost)
    )


def _list(value: Any, size: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (size is not None and len(value) != size):
        raise MalformedError("list")
    return value


def _int(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise MalformedError("int")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise MalformedError("str")
    return value


def _problem(value: Any) -> YamlProblem:
    code, line, column, key, values, related = _list(value, 6)
    if not isinstance(values, dict) or not all(
        type(v) is int or isinstance(v, str) for v in values.values()
    ):
        raise MalformedError("problem values")
    if not _sayable(_str(code), _str(key), values):
        raise MalformedError("problem")
    return YamlProblem(code, _int(line), _int(column), key, values, _int(related))


#: Names a problem's values never take: the loader passes them to ``make_finding`` with its own
#: keywords (a planted ``related`` was a TypeError, a planted ``severity`` an AttributeError).
_RESERVED = frozenset(("hint", "related", "severity"))


def _sayable(code: str, key: str, values: dict[str, Any]) -> bool:
    """Whether a problem read back is one spbe can report (a miss otherwise).

    A rule spbe has, a message it has, every placeholder of that message (in every language)
    filled, and no value named like one of ``make_finding``'s own keywords. A planted entry
    naming another rule (a KeyError), another message or leaving a placeholder empty would
    crash the run or print a finding spbe never makes.
    """
    from spbe_cli.rules import RULES

    fields = _message_fields(key)
    return (
        code in RULES
        and fields is not None
        and fields <= values.keys()
        and not _RESERVED.intersection(values)
    )


@cache
def _message_fields(key: str) -> frozenset[str] | None:
    """The placeholders of message ``key`` in every language; None for a key spbe lacks."""
    from string import Formatter

    from spbe_cli.i18n import message

    entry = message(key)
    if not isinstance(entry, dict):
        return None
    fields = set()
    for template in entry.values():
        for _, name, _, _ in Formatter().parse(str(template)):
            if name:
                fields.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return frozenset(fields)


def _placeholder(value: Any) -> tuple[int, int, str]:
    line, column, text = _list(value, 3)
    return _int(line), _int(column), _str(text)


def _salvaged_field(value: Any) -> bool:
    """A field :func:`salvage` reads: one text or a list of texts."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _check_value(value: Any, depth: int) -> None:
    """A document value holds only what the YAML builder makes: dicts, lists, text, null."""
    if value is None or isinstance(value, str):
        return
    if depth > yamlio.MAX_DEPTH:
        raise MalformedError("depth")
    if isinstance(value, list):
        for item in value:
            if item is not None and not isinstance(item, str):
                _check_value(item, depth + 1)
        return
    if isinstance(value, dict):
        for item in value.values():
            if item is not None and not isinstance(item, str):
                _check_value(item, depth + 1)
        return
    raise MalformedError("value")
