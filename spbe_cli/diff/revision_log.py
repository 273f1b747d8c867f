"""The "Daftar Perubahan" of a document: the changes since a revision, ready for a template.

``spbe render --since REV`` computes the ChangeSet of ``REV`` against the catalog being rendered
(:func:`changes_since`) and hands each document :func:`revision_log` of it, restricted to the
kinds that document presents. The result holds plain values only (strings, numbers, lists), so
a template needs no access to the diff's classes.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from spbe_cli.diff.attention import attention_for
from spbe_cli.diff.changeset import ChangeSet, ChangeType, FieldChange, Item, Key
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
    ``{kind, label, entries}``, each entry ``{change, label, id, old_id, name, old_name,
    fields}``). Each of ``fields`` holds the mentors' texts of ``spbe diff`` (``field``,
    ``change``) and the same change as data for the readers' wording
    (:func:`spbe_cli.render.changes.reader_line`): ``loc``, ``old``, ``new``, ``illustrative``.
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
                "old_name": change.old.name if change.old is not None else None,
                "fields": [_field(f) for f in change.fields],
            }
            for change in changes
        ]
        groups.append({"kind": kind, "label": t(f"diff.kind.{kind}"), "entries": entries})
    # Worded again here, in the language the caller chose (the document's, not the terminal's).
    attention = [
        {"code": a.code, "severity": a.severity.value, "id": a.id, "message": a.message}
        for a in attention_for(changeset.changes)
        # A new id is for mentors (SPBE709): readers see the entry "Diubah: X (sebelumnya Y)".
        if (wanted is None or a.kind in wanted) and a.code != "SPBE709"
    ]
    return {
        "title": t("diff.log_title"),
        "since": side_text(changeset.old),
        "empty": not groups,
        "attention": attention,
        "groups": groups,
    }


def _field(field: FieldChange) -> dict[str, Any]:
    """One changed field: the text ``spbe diff`` shows and the data a document words."""
    return {
        "field": field.path,
        "change": show_change(field),
        "loc": [_segment(part) for part in field.loc],
        "old": _value(field.old),
        "new": _value(field.new),
        "illustrative": list(field.illustrative),
    }


def _segment(part: str | Key | Item) -> dict[str, Any]:
    """A step of a field path as data: ``{field}``, ``{key}`` or ``{item, occurrence}``."""
    if isinstance(part, Key):
        return {"key": part.value}
    if isinstance(part, Item):
        return {"item": [list(pair) for pair in part.key], "occurrence": part.occurrence}
    return {"field": part}


def _value(value: Any) -> Any:
    """A field's value with models as mappings of their filled fields, types kept."""
    if isinstance(value, BaseModel):
        return {
            name: _value(item)
            for name, info in type(value).model_fields.items()
            if (item := getattr(value, name)) != info.get_default(call_default_factory=True)
            or info.is_required()
        }
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value
