"""The "Daftar Perubahan" of a document: the changes since a revision, ready for a template.

``spbe render --since REV`` computes the ChangeSet of ``REV`` against the catalog being rendered
(:func:`changes_since`) and hands each document :func:`revision_log` of it, restricted to the
kinds that document presents. The result holds plain values only (strings, numbers, lists), so
a template needs no access to the diff's classes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from spbe_cli.diff.changeset import (
    ChangeSet,
    ChangeType,
    FieldChange,
    Item,
    Key,
    follows_rename,
    references_field,
    renamed_value,
)
from spbe_cli.diff.formats import show_change, side_text
from spbe_cli.diff.prose import TemplateFolders
from spbe_cli.i18n import t


def changes_since(
    rev: str,
    catalog: Path,
    cwd: Path | None = None,
    words: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> ChangeSet:
    """The ChangeSet from revision ``rev`` to the catalog folder as it is on disk.

    ``words``: the wording of the documents the change set is for (their language and mark):
    its attention list, which :func:`revision_log` hands on as it is, is worded inside it.
    The revision is looked up outside it: what cannot be found is said in the user's words.

    Raises:
        SpbeError: the revision is unknown or git cannot run.
    """
    from spbe_cli.diff import diff_snapshots
    from spbe_cli.gitsource import own_repository, resolve_sides

    sides = resolve_sides(rev, None, *own_repository(rev, catalog, cwd))
    with words():
        return diff_snapshots(sides.old, sides.new, findings=False, referrers=False)


def revision_log(
    changeset: ChangeSet,
    kinds: tuple[str, ...] | None = None,
    document: str | None = None,
    dokumen: str | None = None,
    templates: TemplateFolders | None = None,
) -> dict[str, Any]:
    """Template context of a "Daftar Perubahan" section.

    ``changeset`` as :func:`changes_since` made it, its attention list in the documents' words.

    Returns a mapping with ``title``, ``since`` (the old side as text), ``empty``,
    ``attention`` (list of ``{code, severity, id, message, values}``), ``prosa`` (the prose
    sections the document prints whose text changed, in the document's order: ``{section,
    change, bab, bagian}``, the titles of the chapter and sub-heading it stands under, see
    :func:`spbe_cli.diff.prose.section_places`; only with ``document``), ``names`` (the
    names of ids the new side no longer has, for the ids a change still mentions) and
    ``groups`` (list of ``{kind, label, entries}``, each entry ``{change, label, id, old_id,
    name, old_name, fields}``). With ``dokumen`` (the document's key under
    ``metadata.dokumen``) the changes to the other documents' entries there are left out: the
    Peta Rencana's readers need not learn the Master Plan's new version. ``templates`` reads
    the Pemda's own document templates (see :func:`spbe_cli.diff.prose.section_places`): a
    prose section only its own template prints is placed by that template. Each of ``fields``
    holds the mentors' texts of ``spbe diff`` (``field``, ``change``) and the same change as
    data for the readers' wording (:func:`spbe_cli.render.changes.reader_line`): ``loc``,
    ``old``, ``new``, ``illustrative``.
    """
    wanted = set(kinds) if kinds is not None else None
    renames = changeset.renames()
    groups = []
    for kind, changes in changeset.by_kind().items():
        if wanted is not None and kind not in wanted:
            continue
        entries = []
        for change in changes:
            fields = [
                f
                for f in (_field(f, renames, change.kind) for f in change.fields)
                if f is not None
                and not _tool_setting(change.kind, f)
                and not _working_note(change.kind, f)
                and not _other_document(change.kind, f, dokumen)
            ]
            if change.follows_rename or (
                change.change in (ChangeType.CHANGED, ChangeType.RENAMED) and not fields
            ):
                continue  # it only followed a renamed id (the rename is listed itself), only
                # its id changed (readers know it by its name), or only a tool setting or
                # another document's entry changed
            entries.append(
                {
                    "change": change.change.value,
                    "label": t(f"diff.change.{change.change.value}"),
                    "id": change.id,
                    "old_id": change.old_id if change.change is ChangeType.RENAMED else None,
                    "name": change.name,
                    "old_name": change.old.name if change.old is not None else None,
                    "fields": fields,
                }
            )
        if entries:
            groups.append({"kind": kind, "label": t(f"diff.kind.{kind}"), "entries": entries})
    # As the diff worded it: in the documents' words (see changes_since).
    attention = [
        {
            "code": a.code,
            "severity": a.severity.value,
            "id": a.id,
            "message": a.message,
            "values": dict(a.values),
        }
        for a in changeset.attention
        # Ids are for mentors (SPBE709, SPBE711): readers see the entries "Diubah: X
        # (sebelumnya Y)", "Dihapus: Y" and "Ditambah: X" by name.
        if (wanted is None or a.kind in wanted) and a.code not in ("SPBE709", "SPBE711")
    ]
    prosa = _prose(changeset, document, templates) if document is not None else []
    return {
        "title": t("diff.log_title"),
        "since": side_text(changeset.old),
        "empty": not groups and not prosa,
        "attention": attention,
        "prosa": prosa,
        "names": _gone_names(changeset),
        "groups": groups,
    }


def _prose(
    changeset: ChangeSet, document: str, templates: TemplateFolders | None
) -> list[dict[str, Any]]:
    """The prose sections ``document`` prints whose text changed, where the document has them."""
    from spbe_cli.diff.formats import prose_status
    from spbe_cli.diff.prose import section_places

    places = section_places(templates)
    found = []
    for change in changeset.prose:
        place = places.get(change.section, {}).get(document)
        if place is None:
            continue  # the document does not print this section
        found.append(
            {
                "section": change.section,
                "change": prose_status(change).value,
                "bab": place.chapter,
                "bagian": place.heading,
                "line": place.line,
            }
        )
    found.sort(key=lambda entry: (entry["line"], entry["section"]))
    return found


def _gone_names(changeset: ChangeSet) -> dict[str, str]:
    """Id -> name of every entity the new side no longer has under that id (removed, renamed).

    Regulations by their citation, as the documents name them (:func:`entity_name`).
    """
    from spbe_cli.formatting import entity_name
    from spbe_cli.reference import load_reference

    reference = load_reference()
    return {
        change.old.id: entity_name(change.kind, change.old.model, changeset.pemda, reference)
        for change in changeset.changes
        if change.old is not None and change.change in (ChangeType.REMOVED, ChangeType.RENAMED)
    }


def _field(field: FieldChange, renames: dict[str, str], kind: str) -> dict[str, Any] | None:
    """One changed field: the text ``spbe diff`` shows and the data a document words.

    ``kind``: the entity's. ``renames`` (old id -> new id): a reference that only followed a
    renamed entity is no change for readers (None), and a list of ids reads as if the renamed
    ids had their new id already, so it shows what else changed (only a field of references:
    see :func:`follows_rename`).
    """
    old = field.old
    if renames and references_field(kind, field):
        if follows_rename(kind, field, renames):
            return None
        if isinstance(old, list):
            old = renamed_value(old, renames)
    return {
        "field": field.path,
        "change": show_change(field),
        "loc": [_segment(part) for part in field.loc],
        "old": _value(old),
        "new": _value(field.new),
        "illustrative": list(field.illustrative),
    }


#: Fields of the metadata that set up the tool, not the documents' content: no reader's change
#: (a prose section's text is told by its section, ``prosa``, not by its file name).
TOOL_SETTINGS = frozenset({"prosa", "pengaturan", "versi_skema"})


def _tool_setting(kind: str, field: dict[str, Any]) -> bool:
    first = field["loc"][0] if field["loc"] else {}
    return kind == "metadata" and first.get("field") in TOOL_SETTINGS


#: Fields that hold the authors' working notes: an entity's sources (``rujukan``, at any depth)
#: and its own ``catatan``; where a reference code comes from (``sumber`` of a ``referensi``).
#: No document prints them, so their changes are no change for readers (the log listed
#: "Rujukan: ditambah [source: owner/repo:path.md (third-party)]").
WORKING_NOTES = frozenset({"rujukan"})
ENTITY_NOTES = {"": frozenset({"catatan"}), "referensi": frozenset({"catatan", "sumber"})}


def _working_note(kind: str, field: dict[str, Any]) -> bool:
    steps = [step.get("field") for step in field["loc"]]
    if any(step in WORKING_NOTES for step in steps):
        return True
    notes = ENTITY_NOTES.get(kind, ENTITY_NOTES[""])
    return len(steps) == 1 and steps[0] in notes


def _other_document(kind: str, field: dict[str, Any], dokumen: str | None) -> bool:
    """A change to another document's entry under ``metadata.dokumen`` (not ``dokumen``'s)."""
    steps = [step.get("field") for step in field["loc"][:2]]
    return (
        dokumen is not None
        and kind == "metadata"
        and len(steps) == 2
        and steps[0] == "dokumen"
        and steps[1] != dokumen
    )


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
