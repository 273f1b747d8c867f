"""Validation findings a change introduces or fixes, matched across the two sides.

A finding is matched by its rule code, the entity it sits in and the field path inside that
entity, never by line: moving a document, adding lines above it or renaming its file does not
make its findings new. A finding in a document that fails the schema is matched by code and
the document's id; one outside any document with an id (a file that does not parse) by code and
file (relative to the catalog folder).
An entity whose id changed (a rename) is matched under its new id. Equal keys are matched one
to one, so a second copy of the same problem is new, and so is one whose level rose (a warning
now an error); one whose level fell (an error now a warning, by an edit or by a level set in
``.spbe.yaml``) is neither new nor fixed but :class:`Milder`, listed on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from spbe_cli.catalog import Catalog, Source
from spbe_cli.errors import Finding, Severity


@dataclass(frozen=True)
class Milder:
    """A finding of the new side the old side had at a more severe level."""

    finding: Finding
    #: Its level on the old side.
    was: Severity


class FindingKey(NamedTuple):
    """What identifies a finding across revisions: code, entity (or file) and field.

    A named tuple, hashed in C: a national catalog's findings are counted on both sides.
    """

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
) -> tuple[list[Finding], list[Finding], list[Milder]]:
    """``(introduced, fixed, milder)``: the new side's findings the old lacks, and the reverse.

    ``milder``: findings of the new side the old side had at a more severe level.
    """
    # In one order whatever order the rules found them in (a run followed from a snapshot
    # finds them in another): which of two findings of one key is matched is then the same.
    old_list, new_list = sorted(old, key=_total), sorted(new, key=_total)
    old_keys = [old_index.key(f) for f in old_list]
    new_keys = [new_index.key(f) for f in new_list]
    introduced, milder = _introduced(new_list, new_keys, old_list, old_keys)
    fixed = _unmatched(old_list, old_keys, new_keys)
    introduced.sort(key=_order)
    fixed.sort(key=_order)
    milder.sort(key=lambda m: _order(m.finding))
    return introduced, fixed, milder


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


def _introduced(
    new: list[Finding], new_keys: list[FindingKey], old: list[Finding], old_keys: list[FindingKey]
) -> tuple[list[Finding], list[Milder]]:
    """The new side's findings the old side lacks at least as severe, and those made milder.

    The first are those the old side does not have (as many times) at that level or a milder
    one; the second those it had at a more severe level.
    A finding whose level rose is new: a planned application duplicating an Aplikasi Umum
    (SPBE408, a warning while it runs, an error while planned) turned the check red and
    "Needs attention" showed nothing. One that became milder is not (nor is it fixed: the
    problem is still there); it is :class:`Milder` (before, the review said nothing of an
    error made a warning, by an edit or by ``.spbe.yaml``). Keys are matched one to one, at
    the same level first; a finding left over then takes an old one of its key that was more
    severe, the mildest of them first.
    """
    new_ranks = list(map(_rank, new))
    # One count per level (keys alone are hashed in C; a (key, level) pair took four times as
    # long on a national catalog's findings).
    left: list[Counter[FindingKey]] = [Counter(), Counter(), Counter()]
    for rank, keys in enumerate(_by_rank(old_keys, list(map(_rank, old)))):
        left[rank].update(keys)
    over = []
    for at, key in enumerate(new_keys):
        same = left[new_ranks[at]]
        if same[key] > 0:
            same[key] -= 1
        else:
            over.append(at)
    unmatched = []
    milder = []
    for at in sorted(over, key=new_ranks.__getitem__):
        key = new_keys[at]
        # a more severe old finding of the key (a lower rank), the mildest of them
        for severer in range(new_ranks[at] - 1, -1, -1):
            if left[severer][key] > 0:
                left[severer][key] -= 1
                milder.append(Milder(new[at], _LEVELS[severer]))
                break
        else:
            unmatched.append(at)
    return [new[at] for at in sorted(unmatched)], milder


def _by_rank(keys: list[FindingKey], ranks: list[int]) -> list[list[FindingKey]]:
    """The keys of each level: errors, warnings, infos."""
    found: list[list[FindingKey]] = [[], [], []]
    for key, rank in zip(keys, ranks, strict=True):
        found[rank].append(key)
    return found


_ERROR, _WARNING = Severity.ERROR, Severity.WARNING
#: The level of each rank (see :func:`_rank`).
_LEVELS = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _rank(finding: Finding) -> int:
    """``finding.severity.rank`` without hashing the enum (a national catalog's findings)."""
    severity = finding.severity
    return 0 if severity is _ERROR else 1 if severity is _WARNING else 2


def _total(finding: Finding) -> tuple[Any, ...]:
    """A total order of findings: :meth:`Finding.sort_key`, then the hint and related places."""
    related = tuple(
        (r.location.path, r.location.line, r.location.column, r.message) for r in finding.related
    )
    return (*finding.sort_key(), finding.hint or "", related)


def _order(finding: Finding) -> tuple[int, tuple[str, int, int, int, str, str]]:
    return finding.severity.rank, finding.sort_key()
