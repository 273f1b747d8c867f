"""Validation findings a change introduces or fixes, matched across the two sides.

A finding is matched by its rule code, the entity it sits in and the field path inside that
entity, never by line: moving a document, adding lines above it or renaming its file does not
make its findings new. A finding in a document that fails the schema is matched by code and
the document's id; one outside any document with an id (a file that does not parse) by code and
file (relative to the catalog folder).
An entity whose id changed (a rename) is matched under its new id. Equal keys are matched one
to one, so a second copy of the same problem is new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spbe_cli.catalog import Catalog, Source
from spbe_cli.errors import Finding


@dataclass(frozen=True)
class FindingKey:
    """What identifies a finding across revisions: code, entity (or file) and field."""

    code: str
    entity: str
    field: str


@dataclass(frozen=True)
class _Span:
    first: int
    last: int
    entity: str
    source: Source


class FindingIndex:
    """Where each entity of a catalog is, to name the entity and field of a finding."""

    def __init__(
        self, catalog: Catalog, display_root: str, renamed: dict[str, str] | None = None
    ) -> None:
        from spbe_cli.loader import display_path

        self.prefix = display_path(display_root, "")
        #: the documents of each file; their spans are worked out for the files findings name
        self.documents: dict[str, list[tuple[str, Source]]] = {}
        self._spans: dict[str, list[_Span]] = {}
        sources: list[tuple[str, Source]] = []
        if catalog.metadata_source is not None:
            sources.append(("metadata", catalog.metadata_source))
        sources += [(f"{r.daftar}/{r.kode}", s) for r, s in catalog.referensi]
        sources += list(catalog.sources.items())
        # An entity whose id changed keeps its findings under its new id.
        renamed = renamed or {}
        for entity, source in sources:
            self.documents.setdefault(source.path, []).append((renamed.get(entity, entity), source))
        #: where each rejected document starts, with its id (None when it has none), per file
        self.rejected: dict[str, list[tuple[int, str | None]]] = {}
        for rejected in catalog.rejected:
            starts = self.rejected.setdefault(rejected.location.path, [])
            starts.append((rejected.location.line, rejected.id))

    def spans(self, path: str) -> list[_Span]:
        """The lines each document of one file spans (worked out once per file)."""
        found = self._spans.get(path)
        if found is None:
            found = self._spans[path] = [
                _Span(source.location().line, source.end_line, entity, source)
                for entity, source in self.documents.get(path, ())
            ]
        return found

    def rel(self, path: str) -> str:
        """A display path relative to the catalog folder (the folder itself is ``.``)."""
        if path.startswith(self.prefix):
            return path[len(self.prefix) :] or "."
        return "." if path + "/" == self.prefix else path

    def key(self, finding: Finding) -> FindingKey:
        """The key of one finding."""
        loc = finding.location
        spans = self.spans(loc.path)
        for span in spans:
            if span.first <= loc.line <= span.last:
                return FindingKey(finding.code, span.entity, _field_at(span.source, loc.line))
        # In a document that failed the schema: matched by that document's id, so that moving
        # or renaming its file (or editing another document in it) does not make it new.
        starts = [(s.first, None) for s in spans] + self.rejected.get(loc.path, [])
        before = [start for start in starts if start[0] <= loc.line]
        entity = max(before, key=lambda start: start[0])[1] if before else None
        if entity is not None:
            return FindingKey(finding.code, entity, "")
        return FindingKey(finding.code, self.rel(loc.path), "")


def _field_at(source: Source, line: int) -> str:
    """The dotted path of the deepest key of a document that starts on or spans ``line``."""
    from spbe_cli.positions import path_at

    return path_at(source.positions, line)


def delta(
    old: Iterable[Finding], new: Iterable[Finding], old_index: FindingIndex, new_index: FindingIndex
) -> tuple[list[Finding], list[Finding]]:
    """``(introduced, fixed)``: findings of the new side the old lacks, and the reverse."""
    old_list, new_list = list(old), list(new)
    old_keys = [old_index.key(f) for f in old_list]
    new_keys = [new_index.key(f) for f in new_list]
    introduced = _unmatched(new_list, new_keys, old_keys)
    fixed = _unmatched(old_list, old_keys, new_keys)
    introduced.sort(key=_order)
    fixed.sort(key=_order)
    return introduced, fixed


def _unmatched(
    findings: list[Finding], keys: list[FindingKey], other: list[FindingKey]
) -> list[Finding]:
    """The findings whose key the other side does not have (as many times)."""
    left = Counter(other)
    result = []
    for finding, key in zip(findings, keys, strict=True):
        if left[key] > 0:
            left[key] -= 1
        else:
            result.append(finding)
    return result


def _order(finding: Finding) -> tuple[int, tuple[str, int, int, int, str, str]]:
    return finding.severity.rank, finding.sort_key()
