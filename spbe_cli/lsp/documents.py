"""An edited buffer parsed again document by document: only the documents that changed.

Real catalogs grow files of thousands of YAML documents (one file per kind and OPD); parsing
one whole again on every keystroke took seconds. Here a buffer is cut at its ``---`` lines (as
``spbe diff`` cuts a changed file, :func:`~spbe_cli.diff.documents.split_documents`), each
document is keyed by its text, and a document whose text was in the file's previous version is
not parsed again: its earlier result is moved to its new line. The result is exactly what
parsing the whole file gives (tests/test_lsp_incremental.py checks it on random edits):

* the cut is only used where it is YAML's (no other line breaks, no directive or ``...``, no
  byte order mark); Windows line ends (CR LF) are read as LF, as libyaml reads them;
* a document is reused only when parsing it on its own gives one document without a problem
  that depends on the rest of the file (:func:`~spbe_cli.parsing.movable`);
* from the first document that is not (a syntax error while typing, say), the rest of the file
  is parsed as one text, from its line, with the values before it counted toward the file's
  limit: libyaml starts every document afresh, so that is what the whole file gives there;
* a file too close to the limit of values, or whose documents cannot be cut, is parsed whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spbe_cli import yamlio
from spbe_cli.diff.documents import split_documents
from spbe_cli.parsing import ParsedDocument, ParsedFile, movable, moved, parse_bytes, parse_text
from spbe_cli.positions import count_values


@dataclass
class _Piece:
    """One document's text parsed on its own (from its file's line 1), and where it was last."""

    parsed: ParsedFile
    #: the document may be reused at another line (see :func:`_reusable`)
    reusable: bool
    values: int
    #: the documents moved to the line they were last used at: ``(lines before, documents)``
    last: tuple[int, tuple[ParsedDocument, ...]] = (0, ())

    @classmethod
    def of(cls, text: str, first: bool) -> _Piece:
        """``first``: the text before the file's first ``---`` line (it may hold nothing)."""
        parsed = parse_text(text)
        reusable = _reusable(parsed, first)
        values = sum(count_values(d.positions) for d in parsed.documents) if reusable else 0
        return cls(parsed, reusable, values, (0, parsed.documents))

    def at(self, lines: int) -> tuple[ParsedDocument, ...]:
        """The documents as they are when the piece starts after ``lines`` lines."""
        if self.last[0] != lines:
            self.last = (lines, tuple(moved(d, lines) for d in self.parsed.documents))
        return self.last[1]


def _reusable(parsed: ParsedFile, first: bool) -> bool:
    """Whether a piece parsed on its own is what the whole file holds there, lines apart.

    One document without a problem of the file and with only :func:`movable` ones; the text
    before the first ``---`` may also hold no document at all (comments, blank lines).
    """
    if parsed.problems or parsed.salvaged:
        return False
    if parsed.empty:
        return first
    return len(parsed.documents) == 1 and movable(parsed.documents[0])


@dataclass
class DocumentParser:
    """The documents of each open buffer, kept from one version to the next."""

    #: file -> the text of each of its documents -> its parse (only its current version's)
    files: dict[str, dict[str, _Piece]] = field(default_factory=dict)

    def values(self) -> set[int]:
        """The ids of the values of every document kept (whose schema outcome is worth keeping)."""
        return {
            id(document.value)
            for pieces in self.files.values()
            for piece in pieces.values()
            for document in piece.parsed.documents
        }

    def forget(self, rel: str) -> None:
        """Drop what is kept of a file (closed, deleted or read from disk again)."""
        self.files.pop(rel, None)

    def parse(self, rel: str, data: bytes) -> ParsedFile:
        """What :func:`~spbe_cli.parsing.parse_bytes` gives for ``data``, reusing documents."""
        previous = self.files.pop(rel, {})
        text, problem = yamlio.decode(data)
        if problem is not None or text is None:
            return parse_bytes(data)
        # libyaml reads a byte order mark inside the text across documents: parsed whole.
        lf = _lf(text)
        cut = split_documents(lf) if "\ufeff" not in text else None
        if cut is None or len(cut) < 2:
            return parse_text(text)
        # Every document of this version is kept for the next, also those after a mistake.
        kept = {piece: previous[piece] for _, piece in cut if piece in previous}
        documents: list[ParsedDocument] = []
        values = offset = 0
        for index, (lines, piece) in enumerate(cut):
            found = kept.get(piece) or _Piece.of(piece, index == 0 and not _opens(piece))
            if not found.reusable:
                return self._rest(rel, (text, lf), kept, documents, values, (lines, offset))
            kept[piece] = found
            offset += len(piece)
            values += found.values
            if values > yamlio.MAX_FILE_VALUES // 2:
                # Near the limit of values of a file: libyaml counts them, the file parsed whole.
                return parse_text(text)
            documents.extend(found.at(lines))
        if not documents:
            return parse_text(text)  # only comments: the whole file says so (SPBE017)
        self.files[rel] = kept
        return ParsedFile((), tuple(documents))

    def _rest(
        self,
        rel: str,
        texts: tuple[str, str],
        kept: dict[str, _Piece],
        documents: list[ParsedDocument],
        values: int,
        at: tuple[int, int],
    ) -> ParsedFile:
        """The documents before ``at``, then the rest of the file parsed as one text.

        ``at``: lines, and characters of the text with LF line ends (``texts``: the text as
        given, and with LF line ends). Parsed from the same line as in the file (the lines
        before it blank), so that every position is the file's.
        """
        text, lf = texts
        if not documents:
            return parse_text(text)
        lines, offset = at
        rest = parse_text("\n" * lines + lf[offset:], values)
        if rest.empty or any(p.key == "load.too_many_file_values" for p in rest.problems):
            # Nothing but '---' lines after documents (the whole file reports each one), or
            # too many values in the file (none of its documents is loaded): parsed whole.
            return parse_text(text)
        self.files[rel] = kept
        return ParsedFile(rest.problems, (*documents, *rest.documents), salvaged=rest.salvaged)


def _opens(piece: str) -> bool:
    """Whether a piece starts with a ``---`` line (an explicit document, maybe empty)."""
    return piece.startswith("---") and piece[3:4] in ("", " ", "\t", "\n")


def _lf(text: str) -> str:
    """The text with Windows line ends (CR LF) as LF, which libyaml reads the same way.

    The lines and columns of every value are the same; a CR alone (a line break to YAML) is
    kept, and the text is then not cut (:func:`~spbe_cli.diff.documents.split_documents`).
    """
    if "\r" not in text:
        return text
    lf = text.replace("\r\n", "\n")
    return lf if "\r" not in lf else text
