"""A ChangeSet as text (for a terminal), Markdown (a pull-request comment) or JSON (for tools).

Everything here returns strings; the CLI prints them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from spbe_cli.diff.changeset import (
    Attention,
    Change,
    ChangeSet,
    ChangeType,
    FieldChange,
    Item,
    Key,
    SideInfo,
    plain,
    scalar_text,
)
from spbe_cli.formatting import ILLUSTRATIVE_MARK, illustrative_legend
from spbe_cli.i18n import t
from spbe_cli.markup import json_dumps, md_code, md_escape, safe
from spbe_cli.report import finding_line

JSON_SCHEMA_ID = "spbe.diff/1"
#: GitHub refuses a comment longer than this; we count UTF-8 bytes, which is never fewer.
GITHUB_COMMENT_LIMIT = 65_536

_MARK = {
    ChangeType.ADDED: "+",
    ChangeType.REMOVED: "-",
    ChangeType.CHANGED: "~",
    ChangeType.RENAMED: ">",
}
_COLUMNS = (ChangeType.ADDED, ChangeType.REMOVED, ChangeType.CHANGED, ChangeType.RENAMED)


# -- values ----------------------------------------------------------------------------------------


def show(value: Any) -> str:
    """A value as one line of text: ``—`` for nothing, lists in brackets, numbers plain."""
    value = plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, str):
        return safe(value.replace("\r", "").replace("\n", "⏎ "))
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        # Empty optional fields say nothing about an added or removed item.
        shown = (f"{k}: {show(v)}" for k, v in value.items() if v not in (None, [], {}))
        return "{" + ", ".join(shown) + "}"
    return str(value)


def show_change(field: FieldChange) -> str:
    """``old → new``, or ``−a +b`` for a list of plain values; illustrative figures marked."""
    old, new = field.old, field.new
    if isinstance(old, list) and isinstance(new, list) and _flat(old) and _flat(new):
        gone = Counter(show(v) for v in old) - Counter(show(v) for v in new)
        came = Counter(show(v) for v in new) - Counter(show(v) for v in old)
        parts = [f"−{v}" for v in gone.elements()] + [f"+{v}" for v in came.elements()]
        return " ".join(parts)
    marks = tuple(
        ILLUSTRATIVE_MARK if flag and value is not None else ""
        for flag, value in zip(field.illustrative, (old, new), strict=True)
    )
    return f"{show(old)}{marks[0]} → {show(new)}{marks[1]}"


def _has_illustrative(changeset: ChangeSet) -> bool:
    """Tell whether any figure of the output carries the illustrative mark."""
    return any(a.illustrative for a in changeset.attention) or any(
        any(f.illustrative) for c in changeset.changes for f in c.fields
    )


def _flat(values: list[Any]) -> bool:
    return all(not isinstance(v, dict | list) and not hasattr(v, "model_fields") for v in values)


def side_text(side: SideInfo) -> str:
    """``v2023.1 (1a2b3c4)``, ``catalog`` or ``working tree (catalog)``."""
    if side.kind == "git":
        return f"{side.label} ({(side.revision or '')[:12]})"
    if side.kind == "worktree":
        return t("diff.worktree", path=side.path)
    return side.label


def _kind(kind: str) -> str:
    return t(f"diff.kind.{kind}")


def summary_line(changeset: ChangeSet) -> str:
    """Counts of each change type and of files read."""
    return t(
        "diff.summary",
        added=changeset.count(ChangeType.ADDED),
        removed=changeset.count(ChangeType.REMOVED),
        changed=changeset.count(ChangeType.CHANGED),
        renamed=changeset.count(ChangeType.RENAMED),
    )


def files_line(changeset: ChangeSet) -> str:
    """How many files were read and how many were skipped as unchanged."""
    stats = changeset.files
    return t(
        "diff.files",
        old=stats.old_parsed,
        new=stats.new_parsed,
        unchanged=stats.unchanged,
    )


# -- text ------------------------------------------------------------------------------------------


def _attention_line(item: Attention) -> str:
    where = str(item.location) if item.location is not None else f"{item.kind} {item.id}"
    return finding_line(where, item.severity.value, item.code, item.message)


def _title(change: Change) -> str:
    name = f"  {show(change.name)}" if change.name else ""
    if change.change is ChangeType.RENAMED:
        return f"{change.old_id} → {change.id}{name}  ({t('diff.change.renamed')})"
    return f"{change.id}{name}"


def format_text(changeset: ChangeSet) -> list[str]:
    """Lines for a terminal: header, summary, attention list, then changes grouped by kind."""
    lines = [
        t("diff.header", old=side_text(changeset.old), new=side_text(changeset.new)),
        summary_line(changeset) + " " + files_line(changeset),
    ]
    if not changeset:
        lines.append(t("diff.no_changes"))
        return [safe(line) for line in lines]
    if changeset.attention:
        lines += ["", t("diff.attention_title", count=len(changeset.attention))]
        lines += [f"  {_attention_line(a)}" for a in changeset.attention]
    for kind, changes in changeset.by_kind().items():
        lines += ["", f"{_kind(kind)} ({len(changes)})"]
        for change in changes:
            lines.append(f"  {_MARK[change.change]} {_title(change)}")
            lines += [f"      {f.path}: {show_change(f)}" for f in change.fields]
    if _has_illustrative(changeset):
        lines += ["", illustrative_legend()]
    return [safe(line) for line in lines]


# -- markdown --------------------------------------------------------------------------------------


class _Budget:
    """Collect Markdown parts while they fit under the comment limit."""

    def __init__(self, limit: int, reserve: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit - reserve
        self.full = False

    def add(self, text: str) -> bool:
        size = len(text.encode("utf-8")) + 1
        if self.full or self.size + size > self.limit:
            self.full = True
            return False
        self.parts.append(text)
        self.size += size
        return True

    def force(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text.encode("utf-8")) + 1


def _md_side(side: SideInfo) -> str:
    if side.kind == "git":
        return f"{md_code(side.label)} ({md_code((side.revision or '')[:12])})"
    if side.kind == "worktree":
        return md_escape(t("diff.worktree", path=side.path))
    return md_code(side.label)


def _md_change(change: Change) -> Iterator[str]:
    label = t(f"diff.change.{change.change.value}")
    name = f" — {md_escape(change.name)}" if change.name else ""
    if change.change is ChangeType.RENAMED:
        old = md_code(change.old_id or "")
        yield f"- **{md_escape(label)}** {old} → {md_code(change.id)}{name}"
    else:
        yield f"- **{md_escape(label)}** {md_code(change.id)}{name}"
    for field in change.fields:
        yield f"  - {md_code(field.path)}: {md_escape(show_change(field))}"


def format_markdown(changeset: ChangeSet, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """A pull-request comment: summary table, attention list, details in collapsible sections.

    When the whole would exceed ``limit`` (GitHub's 65,536), details are cut and a note says how
    many lines were left out.
    """
    note_reserve = 600
    out = _Budget(limit, note_reserve)
    out.force(f"## {md_escape(t('diff.md_title'))}")
    out.force("")
    out.force(
        f"{md_escape(t('diff.md_old'))}: {_md_side(changeset.old)} → "
        f"{md_escape(t('diff.md_new'))}: {_md_side(changeset.new)}"
    )
    out.force("")
    if not changeset:
        out.force(md_escape(t("diff.no_changes")))
        return "\n".join(out.parts) + "\n"
    headers = [t("diff.md_kind"), *(t(f"diff.change.{c.value}") for c in _COLUMNS)]
    out.force("| " + " | ".join(md_escape(h) for h in headers) + " |")
    out.force("| --- |" + " ---: |" * len(_COLUMNS))
    for kind in changeset.by_kind():
        counts = [str(changeset.count(c, kind)) for c in _COLUMNS]
        out.force(f"| {md_escape(_kind(kind))} | " + " | ".join(counts) + " |")
    totals = [f"**{changeset.count(c)}**" for c in _COLUMNS]
    out.force(f"| **{md_escape(t('diff.md_total'))}** | " + " | ".join(totals) + " |")
    out.force("")
    out.force(md_escape(files_line(changeset)))
    omitted = 0
    if changeset.attention:
        out.add("")
        out.add(f"### {md_escape(t('diff.attention_title', count=len(changeset.attention)))}")
        out.add("")
        for item in changeset.attention:
            where = f" ({md_code(str(item.location))})" if item.location is not None else ""
            line = (
                f"- **{md_escape(t(f'diff.severity.{item.severity.value}'))}** {item.code} "
                f"{md_code(item.id)}: {md_escape(item.message)}{where}"
            )
            if not out.add(line):
                omitted += 1
    out.add("")
    out.add(f"### {md_escape(t('diff.md_details'))}")
    for kind, changes in changeset.by_kind().items():
        opened = out.add("") and out.add(
            f"<details>\n<summary>{md_escape(_kind(kind))} ({len(changes)})</summary>\n"
        )
        for change in changes:
            for line in _md_change(change):
                if not (opened and out.add(line)):
                    omitted += 1
        if opened:
            out.force("")
            out.force("</details>")
    if _has_illustrative(changeset):
        out.force("")
        out.force(md_escape(illustrative_legend()))
    if omitted:
        out.force("")
        out.force(f"> {md_escape(t('diff.md_truncated', lines=omitted, limit=f'{limit:,}'))}")
    return "\n".join(out.parts) + "\n"


# -- json ------------------------------------------------------------------------------------------


def _loc_json(loc: tuple[Any, ...]) -> list[Any]:
    result: list[Any] = []
    for part in loc:
        if isinstance(part, Key):
            result.append({"key": scalar_text(part.value)})
        elif isinstance(part, Item):
            entry: dict[str, Any] = {"item": {k: plain(v) for k, v in part.key}}
            if part.occurrence:
                entry["occurrence"] = part.occurrence
            result.append(entry)
        else:
            result.append(part)
    return result


def _side_json(side: SideInfo) -> dict[str, Any]:
    return {"label": side.label, "kind": side.kind, "revision": side.revision, "path": side.path}


def _where(location: Any) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"path": location.path, "line": location.line, "column": location.column}


def change_dict(change: Change) -> dict[str, Any]:
    """One change as a JSON object (the documented schema)."""
    return {
        "kind": change.kind,
        "id": change.id,
        "change": change.change.value,
        "old_id": change.old_id,
        "name": change.name,
        "old_location": _where(change.old.location() if change.old else None),
        "new_location": _where(change.new.location() if change.new else None),
        "fields": [
            {"field": f.path, "loc": _loc_json(f.loc), "old": plain(f.old), "new": plain(f.new)}
            for f in change.fields
        ],
        "value": plain(
            change.new.model
            if change.change is ChangeType.ADDED and change.new
            else change.old.model
            if change.change is ChangeType.REMOVED and change.old
            else None
        ),
    }


def attention_dict(item: Attention) -> dict[str, Any]:
    """One attention item as a JSON object."""
    return {
        "code": item.code,
        "severity": item.severity.value,
        "kind": item.kind,
        "id": item.id,
        "message": item.message,
        "location": _where(item.location),
        "illustrative": item.illustrative,
    }


def format_json(changeset: ChangeSet) -> str:
    """The whole ChangeSet as one JSON document (schema ``spbe.diff/1``)."""
    by_kind = {
        kind: {c.value: changeset.count(c, kind) for c in _COLUMNS} for kind in changeset.by_kind()
    }
    stats = changeset.files
    data = {
        "schema": JSON_SCHEMA_ID,
        "old": _side_json(changeset.old),
        "new": _side_json(changeset.new),
        "summary": {
            **{c.value: changeset.count(c) for c in _COLUMNS},
            "total": len(changeset.changes),
            "attention": len(changeset.attention),
            "by_kind": by_kind,
            "files": {
                "old": stats.old,
                "new": stats.new,
                "old_parsed": stats.old_parsed,
                "new_parsed": stats.new_parsed,
                "unchanged": stats.unchanged,
            },
        },
        "attention": [attention_dict(a) for a in changeset.attention],
        "changes": [change_dict(c) for c in changeset.changes],
    }
    return json_dumps(data)
