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
from dataclasses import dataclass
from typing import Any

from spbe_cli import positions, yamlio
from spbe_cli.positions import MalformedPositionsError, Positions
from spbe_cli.yamlio import YamlProblem

PLACEHOLDER = re.compile(r"\[ISI[^\]]*\]|\bTODO\b")


@dataclass(frozen=True)
class ParsedDocument:
    """One YAML document: its plain value, its position table and what is wrong in it."""

    value: Any
    positions: Positions
    #: build problems, then forbidden characters (in the order the loader reports them)
    problems: tuple[YamlProblem, ...]
    #: ``(line, column, text)`` of scalars holding a placeholder ([ISI ...], TODO)
    placeholders: tuple[tuple[int, int, str], ...]
    #: the line after the document's last character (as libyaml's end mark says, 1-based)
    end_line: int = 0

    @property
    def blocking(self) -> bool:
        """Whether a problem keeps the document from the schema (a repeated key does not)."""
        return any(p.code != "SPBE004" for p in self.problems)


@dataclass(frozen=True)
class ParsedFile:
    """Everything the per-file stage found in one file."""

    #: decoding and syntax problems, reported before the documents
    problems: tuple[YamlProblem, ...]
    documents: tuple[ParsedDocument, ...]
    #: the file holds no document and no problem (empty, or only comments): SPBE017
    empty: bool = False


def parse_bytes(data: bytes) -> ParsedFile:
    """Decode, compose and build every document of one file's content."""
    text, problem = yamlio.decode(data)
    if problem is not None or text is None:
        assert problem is not None
        return ParsedFile((problem,), ())
    nodes, problems = yamlio.compose(text)
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
    documents = []
    for node in nodes:
        placeholders = tuple(yamlio.find_scalars(node, PLACEHOLDER)) if marked else ()
        value, positions, found = yamlio.build_document(node, text)
        if suspect:
            found.extend(yamlio.forbidden_characters(node))
        end_line = node.end_mark.line + 1
        documents.append(ParsedDocument(value, positions, tuple(found), placeholders, end_line))
    return ParsedFile(tuple(problems), tuple(documents))


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
            ]
            for doc in parsed.documents
        ],
        parsed.empty,
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
    problems, documents, empty = _list(data, 3)
    if not isinstance(empty, bool):
        raise MalformedError("empty")
    parsed_documents = []
    for document in _list(documents):
        value, table, doc_problems, placeholders, end_line = _list(document, 5)
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
            )
        )
    return ParsedFile(tuple(_problem(p) for p in _list(problems)), tuple(parsed_documents), empty)


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
    return YamlProblem(_str(code), _int(line), _int(column), _str(key), values, _int(related))


def _placeholder(value: Any) -> tuple[int, int, str]:
    line, column, text = _list(value, 3)
    return _int(line), _int(column), _str(text)


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
