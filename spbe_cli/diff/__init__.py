"""Semantic diff of two catalogs: ``Catalog@A, Catalog@B --diff--> ChangeSet``.

Each side is a :class:`~spbe_cli.gitsource.Snapshot` (a folder or a git revision) listing its
files with content ids. Files whose content is the same on both sides (same blob id, whatever
the path) cannot hold a change and are never parsed; only the rest is loaded, on each side, and
compared entity by entity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from spbe_cli.catalog import Catalog
from spbe_cli.diff.attention import ATTENTION_RULES, attention_for
from spbe_cli.diff.changeset import (
    Attention,
    Change,
    ChangeSet,
    ChangeType,
    FieldChange,
    FileStats,
    SideInfo,
    diff_records,
    records_of,
)
from spbe_cli.errors import Finding, Severity, SpbeError
from spbe_cli.gitsource import Snapshot
from spbe_cli.i18n import t

#: Loader findings that say nothing about a partial load: metadata lives in an unchanged file.
PARTIAL_LOAD_CODES = frozenset({"SPBE107"})


class SideLoadError(SpbeError):
    """One side of the diff has files that cannot be loaded; the findings say where."""

    def __init__(self, side: str, label: str, findings: list[Finding]) -> None:
        super().__init__(
            t("diff.side_failed", side=t(f"diff.side.{side}"), label=label, errors=len(findings))
        )
        self.side = side
        self.label = label
        self.findings = findings


def changed_files(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], list[str]]:
    """The files of each side that may hold a change.

    A file is skipped when a file with the same content id is on the other side: at the same
    path, or at another path (a moved or renamed file). Each content id pairs as many files as
    both sides have of it, so a copy of a file is still read.
    """
    old_left = sorted(p for p, oid in old.items() if new.get(p) != oid)
    new_left = sorted(p for p, oid in new.items() if old.get(p) != oid)
    pairs = Counter(old[p] for p in old_left) & Counter(new[p] for p in new_left)
    if not pairs:
        return old_left, new_left
    return _unpaired(old_left, old, pairs.copy()), _unpaired(new_left, new, pairs.copy())


def _unpaired(paths: list[str], ids: dict[str, str], pairs: Counter[str]) -> list[str]:
    result = []
    for path in paths:
        oid = ids[path]
        if pairs[oid] > 0:
            pairs[oid] -= 1
        else:
            result.append(path)
    return result


def load_side(snapshot: Snapshot, rels: Sequence[str], side: str) -> Catalog:
    """Load the given files of one side.

    Raises:
        SideLoadError: a file cannot be read, parsed or validated against the schema.
    """
    from spbe_cli.loader import load_files

    data, findings = snapshot.read(rels)
    catalog, loaded = load_files(snapshot.root, data, snapshot.display_root)
    findings.extend(loaded)
    errors = [
        f for f in findings if f.severity is Severity.ERROR and f.code not in PARTIAL_LOAD_CODES
    ]
    if errors:
        errors.sort(key=Finding.sort_key)
        raise SideLoadError(side, snapshot.label, errors)
    return catalog


def side_info(snapshot: Snapshot) -> SideInfo:
    """How a snapshot is described in the output."""
    return SideInfo(snapshot.label, snapshot.kind, snapshot.revision, snapshot.path)


def diff_catalogs(old: Catalog, new: Catalog, old_info: SideInfo, new_info: SideInfo) -> ChangeSet:
    """Compare two loaded catalogs (whole or partial) entity by entity."""
    changes, unchanged = diff_records(records_of(old), records_of(new))
    return ChangeSet(
        old=old_info,
        new=new_info,
        changes=changes,
        attention=attention_for(changes),
        unchanged=unchanged,
    )


def diff_snapshots(
    old: Snapshot, new: Snapshot, *, skip_unchanged: bool = True, fail_on_change: bool = False
) -> ChangeSet:
    """Compare two sides, parsing only the files whose content differs.

    ``fail_on_change`` (``--exit-code``) makes a change set with changes end the run with 1.

    Raises:
        SideLoadError: a side has files that cannot be loaded.
    """
    if skip_unchanged:
        old_rels, new_rels = changed_files(old.files, new.files)
    else:
        old_rels, new_rels = sorted(old.files), sorted(new.files)
    old_catalog = load_side(old, old_rels, "old")
    new_catalog = load_side(new, new_rels, "new")
    result = diff_catalogs(old_catalog, new_catalog, side_info(old), side_info(new))
    result.files = FileStats(len(old.files), len(new.files), len(old_rels), len(new_rels))
    result.fail_on_change = fail_on_change
    return result


__all__ = [
    "ATTENTION_RULES",
    "Attention",
    "Change",
    "ChangeSet",
    "ChangeType",
    "FieldChange",
    "SideInfo",
    "SideLoadError",
    "changed_files",
    "diff_catalogs",
    "diff_snapshots",
]
