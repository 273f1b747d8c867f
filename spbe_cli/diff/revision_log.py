"""The "Daftar Perubahan" of a document: the changes since a revision, ready for a template.

``spbe render --since REV`` computes the ChangeSet of ``REV`` against the catalog being rendered
(:func:`changes_since`) and hands each document :func:`revision_log` of it, restricted to the
kinds that document presents. The result holds plain values only (strings, numbers, lists), so
a template needs no access to the diff's classes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spbe_cli.diff.attention import attention_for
from spbe_cli.diff.changeset import ChangeSet, ChangeType
from spbe_cli.diff.formats import show_change, side_text
from spbe_cli.i18n import t


def changes_since(rev: str, catalog: Path, cwd: Path | None = None) -> ChangeSet:
    """The ChangeSet from revision ``rev`` to the catalog folder as it is on disk.

    Raises:
        SpbeError: the revision is unknown or git cannot run.
    """
    from spbe_cli.diff import diff_snapshots
    from spbe_cli.gitsource import own_repository, resolve_sides

    sides = resolve_sides(rev, None, *own_repository(rev, catalog, cwd))
    return diff_snapshots(sides.old, sides.new, findings=False)


def revision_log(changeset: ChangeSet, kinds: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Template context of a "Daftar Perubahan" section.

    Returns a mapping with ``title``, ``since`` (the old side as text), ``empty``,
    ``attention`` (list of ``{code, severity, id, message}``) and ``groups`` (list of
    ``{kind, label, entries}``, each entry ``{change, label, id, old_id, name, fields}`` with
    ``fields`` a list of ``{field, change}`` texts).
    """
    wanted = set(kinds) if kinds is not None else None
    groups = []
    for kind, changes in changeset.by_kind().items():
        if wanted is not None and kind not in wanted:
            continue
        entries = [
            {
                "change": change.change.value,
                "label": t(f"diff.change.{change.change.value}"),
                "id": change.id,
                "old_id": change.old_id if change.change is ChangeType.RENAMED else None,
                "name": change.name,
                "fields": [{"field": f.path, "change": show_change(f)} for f in change.fields],
            }
            for change in changes
        ]
        groups.append({"kind": kind, "label": t(f"diff.kind.{kind}"), "entries": entries})
    # Worded again here, in the language the caller chose (the document's, not the terminal's).
    attention = [
        {"code": a.code, "severity": a.severity.value, "id": a.id, "message": a.message}
        for a in attention_for(changeset.changes)
        if wanted is None or a.kind in wanted
    ]
    return {
        "title": t("diff.log_title"),
        "since": side_text(changeset.old),
        "empty": not groups,
        "attention": attention,
        "groups": groups,
    }
