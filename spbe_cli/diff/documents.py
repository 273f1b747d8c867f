r"""Skip unchanged YAML documents inside changed files (``spbe diff --no-findings``).

Real catalogs grow multi-document files (one file per kind and OPD): one edited application
changes the file holding forty others. Files whose content is the same on both sides are
skipped whole (:func:`spbe_cli.diff.changed_files`); in the files that differ, each YAML
document is cut out of the text at its ``---`` line and keyed by its text, and a document whose
text is on the other side too (in any changed file, as many times as both sides have it) is
neither parsed nor compared, exactly as an unchanged file is not.

A document is parsed on its own with the lines before it blanked, so that every line and
column is the file's. The cut is only trusted where it is the YAML one: the text has no line
breaks other than ``\n`` (YAML also breaks lines at ``\r`` and a few Unicode characters), no
directive (``%``) and no document end (``...``) line, and every document parses without a
syntax or decoding problem. Otherwise the whole file is parsed, as without this step.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping

from spbe_cli.parsing import ParsedDocument, ParsedFile, parse_bytes

#: The metadata document, always parsed: the diff reads its prose sections.
_METADATA = re.compile(r"^entitas:[ \t]*[\"']?metadata\b", re.MULTILINE)
#: Line breaks other than ``\n`` that YAML also breaks lines at.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
#: A document end line.
_DOCUMENT_END = re.compile(r"^\.\.\.(?:[ \t]|$)", re.MULTILINE)


def _unsafe(text: str) -> bool:
    """Whether the cut at ``---`` lines is not YAML's: other line breaks, directives, ends.

    Plain substring tests first: a regular expression anchored at every line start scans
    every position of the text, and the files of a national catalog hold megabytes.
    """
    if any(mark in text for mark in _OTHER_BREAKS):
        return True
    if text.startswith("%") or "\n%" in text:
        return True
    return "..." in text and _DOCUMENT_END.search(text) is not None


def _is_metadata(piece: str) -> bool:
    """Whether a document is the catalog's metadata (always parsed: the diff reads its prose)."""
    return "metadata" in piece and _METADATA.search(piece) is not None


def split_documents(text: str) -> list[tuple[int, str]] | None:
    """The documents of a YAML text as ``(lines before it, its text)``; None when unsafe.

    The text before the first ``---`` line is the first document (it may hold only comments).
    """
    if _unsafe(text):
        return None
    starts = _document_starts(text)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    pieces = []
    lines = 0
    for begin, end in itertools.pairwise(starts):
        piece = text[begin:end]
        pieces.append((lines, piece))
        lines += piece.count("\n")
    return pieces


def _document_starts(text: str) -> list[int]:
    """Where each line that starts a document starts (``---``, then a space, a tab or the end).

    Plain substring search: a regular expression anchored at line starts tries every position
    of megabytes of text.
    """
    starts = []
    begin = 0  # the text's start, then the character after each "\n" that precedes "---"
    while True:
        if text.startswith("---", begin) and text[begin + 3 : begin + 4] in ("", " ", "\t", "\n"):
            starts.append(begin)
        newline = text.find("\n---", begin)
        if newline == -1:
            break
        begin = newline + 1
    return starts


def document_key(piece: str) -> str:
    """What identifies a document's text wherever it stands: without a bare ``---`` line."""
    first, newline, rest = piece.partition("\n")
    return rest if newline and first.rstrip(" \t") == "---" else piece


def unchanged_documents(
    old: Mapping[str, str], new: Mapping[str, str]
) -> tuple[dict[str, ParsedFile | None], dict[str, ParsedFile | None]]:
    """Each side's changed files without the documents the other side has too.

    ``old`` and ``new`` map a file to its decoded text. The result maps each file to the
    parsed documents that may hold a change, or to None where the file must be parsed whole
    (its documents could not be cut safely, or none of them is on the other side).

    A file one of whose remaining documents does not parse on its own is taken out of the
    pairing and parsed whole, and the pairing is made again without it: the two sides always
    skip the same documents.
    """
    texts = {"old": old, "new": new}
    cuts = {
        side: {rel: split_documents(text) for rel, text in files.items()}
        for side, files in texts.items()
    }
    whole = {
        (side, rel) for side, files in cuts.items() for rel, cut in files.items() if cut is None
    }
    parsed: dict[tuple[str, str, int], ParsedFile] = {}
    while True:
        counts = {
            side: Counter(
                document_key(piece)
                for rel, cut in files.items()
                if (side, rel) not in whole and cut is not None
                for _, piece in cut
                if not _is_metadata(piece)
            )
            for side, files in cuts.items()
        }
        both = counts["old"] & counts["new"]
        result: dict[str, dict[str, ParsedFile | None]] = {"old": {}, "new": {}}
        failed: set[tuple[str, str]] = set()
        for side, files in cuts.items():
            left = both.copy()
            for rel, cut in files.items():
                if (side, rel) in whole or cut is None:
                    result[side][rel] = None
                    continue
                kept = _unpaired(cut, left)
                if len(kept) == len(cut):
                    result[side][rel] = None  # nothing skipped: parsed whole, as before
                    continue
                documents: list[ParsedDocument] = []
                for index in kept:
                    key = (side, rel, index)
                    if key not in parsed:
                        lines, piece = cut[index]
                        parsed[key] = parse_bytes(("\n" * lines + piece).encode("utf-8"))
                    if parsed[key].problems:
                        failed.add((side, rel))  # where documents start is YAML's to say
                        break
                    documents.extend(parsed[key].documents)
                result[side][rel] = ParsedFile((), tuple(documents))
        if not failed:
            return result["old"], result["new"]
        whole |= failed


def _unpaired(cut: list[tuple[int, str]], left: Counter[str]) -> list[int]:
    """Indexes of the documents of one file not paired with the other side (``left`` shrinks)."""
    kept = []
    for index, (_, piece) in enumerate(cut):
        key = document_key(piece)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(index)
    return kept
