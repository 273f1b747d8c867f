"""A ChangeSet as text (for a terminal), Markdown (a pull-request comment) or JSON (for tools).

Everything here returns strings; the CLI prints them.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import typing
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from spbe_cli.diff.changeset import (
    Attention,
    Change,
    ChangeSet,
    ChangeType,
    FieldChange,
    Item,
    Key,
    RuleLevel,
    SideInfo,
    Uncomparable,
    plain,
    scalar_text,
)
from spbe_cli.diff.findings import Milder
from spbe_cli.diff.prose import ProseChange
from spbe_cli.errors import Finding, Location, location_fields
from spbe_cli.formatting import (
    CONTEXT_WORDS,
    ILLUSTRATIVE_MARK,
    LONG_TEXT,
    illustrative_legend,
    number,
    rupiah,
)
from spbe_cli.i18n import t
from spbe_cli.markup import json_dumps, md_code, md_inert, safe
from spbe_cli.report import (
    exception_dict,
    finding_dict,
    finding_line,
    finding_notes,
    format_finding,
)

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


def show(value: Any, field: str = "", parent: str = "") -> str:
    """A value as one line of text: ``—`` for nothing, lists in brackets.

    Amounts of rupiah fields show as ``Rp 100.000.000`` and other decimals in the marks of the
    message language (``75,5``), exactly as the attention list shows them
    (:mod:`spbe_cli.formatting`); years and counts stay as written. ``parent`` is the field
    holding ``field`` (``anggaran`` for ``nilai``): ``penilaian[].nilai``, a score of 1 to 5,
    read ``Rp 3`` when the leaf name alone decided.
    """
    if isinstance(value, BaseModel):
        # Empty optional fields say nothing about an added or removed item.
        data = {name: getattr(value, name) for name in plain(value)}
        return _show_mapping(data, parent=field)
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return number(value)
    if isinstance(value, int) and not isinstance(value, bool) and is_rupiah(field, parent):
        return rupiah(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v, field, parent) for v in value) + "]"
    if isinstance(value, dict):
        return _show_mapping({scalar_text(k): v for k, v in value.items()}, field, parent)
    value = plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return safe(value.replace("\r", "").replace("\n", "⏎ "))
    return str(value)


def _show_mapping(data: dict[str, Any], field: str = "", parent: str = "") -> str:
    """A model's fields or a free mapping's values, as ``{key: value, ...}``.

    With ``field`` empty each key is a field of ``parent``; else the keys are free (years) and
    each value is ``field`` itself.
    """
    shown = (
        f"{k}: {show(v, field, parent) if field else show(v, k, parent)}"
        for k, v in data.items()
        if v not in (None, [], {})
    )
    return "{" + ", ".join(shown) + "}"


def is_rupiah(field: str, parent: str = "") -> bool:
    """Whether ``field`` of ``parent`` (the field holding it; empty: not known) holds rupiah.

    The one rule for ``spbe diff`` and the documents' "Daftar Perubahan". Without a parent
    only a name that holds rupiah wherever it occurs counts (``anggaran_terserap``, not
    ``nilai``, also a score of ``penilaian``).
    """
    pairs, leaves = _rupiah_fields()
    return f"{parent}.{field}" in pairs if parent else field in leaves


@functools.cache
def _rupiah_fields() -> tuple[frozenset[str], frozenset[str]]:
    """The rupiah fields as ``parent.field``, and the names that hold rupiah wherever they occur."""
    from spbe_cli.models import MODELS
    from spbe_cli.models.common import RUPIAH_MAX
    from spbe_cli.reference.values import field_paths

    def bounds(annotation: Any) -> Iterator[Any]:
        for item in getattr(annotation, "__metadata__", ()):
            yield item
            yield from getattr(item, "metadata", ())  # a Field(...) inside Annotated
        for arg in typing.get_args(annotation):
            yield from bounds(arg)

    def holds_rupiah(info: Any) -> bool:
        limits = [*info.metadata, *bounds(info.annotation)]
        return any(getattr(m, "le", None) == RUPIAH_MAX for m in limits)

    def last_two(path: str) -> tuple[str, str]:
        names = [part.removesuffix("[]") for part in path.split(".") if part != "*"]
        return (names[-2] if len(names) > 1 else ""), names[-1]

    found: set[str] = set()
    leaves: set[str] = set()
    other: set[str] = set()
    for kind in MODELS:
        for path, info in field_paths(kind).items():
            parent, leaf = last_two(path)
            if holds_rupiah(info):
                found.add(f"{parent}.{leaf}")
                leaves.add(leaf)
            else:
                other.add(leaf)
    return frozenset(found), frozenset(leaves - other)


#: Largest product of the changed words of two texts compared word by word. difflib's matcher
#: takes cubic time on repetitive text: 2,000 against 3,000 words of "a b a b" took a minute,
#: and a prose section of 512 KiB would never end (red team). A longer middle is first cut at
#: anchors (:func:`_anchored_blocks`) into pieces each within this product.
WORD_DIFF_BUDGET = 40_000
#: Most words the anchoring of a long middle may look at, in all; past it, what is not aligned
#: yet is shown as removed and added whole (clipped), so hostile text ends in bounded time.
ANCHOR_BUDGET = 4_000_000
#: Lengths of the runs of words tried as anchors, shortest first: a prose section has words it
#: uses once; a repetitive one may still have runs of words it uses once.
_ANCHOR_RUNS = (1, 3, 8)

Opcode = tuple[str, int, int, int, int]


def word_opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """The opcodes of difflib for two word lists, in bounded time (see :data:`WORD_DIFF_BUDGET`).

    The common start and end are set aside first. A middle within the budget goes to difflib
    whole; a longer one (a page of prose with two edits far apart) is aligned at anchors, as
    ``git diff --patience`` does, so each edit is still shown as its own few words.
    """
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_end, b_end = len(a) - end, len(b) - end
    ops: list[Opcode] = []
    if start:
        ops.append(("equal", 0, start, 0, start))
    middle_a, middle_b = a[start:a_end], b[start:b_end]
    middle: list[Opcode]
    if len(middle_a) * len(middle_b) <= WORD_DIFF_BUDGET:
        matcher = difflib.SequenceMatcher(a=middle_a, b=middle_b, autojunk=False)
        middle = list(matcher.get_opcodes())
    else:
        middle = _opcodes(_anchored_blocks(middle_a, middle_b), len(middle_a), len(middle_b))
    for tag, i1, i2, j1, j2 in middle:
        ops.append((tag, i1 + start, i2 + start, j1 + start, j2 + start))
    if end:
        ops.append(("equal", a_end, len(a), b_end, len(b)))
    return ops


def _anchored_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, size)`` of two long word lists, in order, in bounded time.

    Patience alignment: the runs of words found once in each side are anchors; the longest
    chain of anchors in the same order on both sides splits the texts, and each piece between
    two anchors is aligned again (its common start and end, then difflib once it is within
    :data:`WORD_DIFF_BUDGET`, else anchors again). A piece without anchors, or any left when
    :data:`ANCHOR_BUDGET` is spent, matches nothing: it reads as removed and added whole.
    """
    blocks: list[tuple[int, int, int]] = []
    work = 0
    pieces = [(0, len(a), 0, len(b))]
    while pieces:
        a0, a1, b0, b1 = pieces.pop()
        same = 0
        while a0 + same < a1 and b0 + same < b1 and a[a0 + same] == b[b0 + same]:
            same += 1
        if same:
            blocks.append((a0, b0, same))
            a0, b0 = a0 + same, b0 + same
        same = 0
        while a1 - same > a0 and b1 - same > b0 and a[a1 - 1 - same] == b[b1 - 1 - same]:
            same += 1
        if same:
            blocks.append((a1 - same, b1 - same, same))
            a1, b1 = a1 - same, b1 - same
        if a0 == a1 or b0 == b1:
            continue
        if (a1 - a0) * (b1 - b0) <= WORD_DIFF_BUDGET:
            matcher = difflib.SequenceMatcher(a=a[a0:a1], b=b[b0:b1], autojunk=False)
            blocks.extend((a0 + i, b0 + j, n) for i, j, n in matcher.get_matching_blocks() if n)
            continue
        for run in _ANCHOR_RUNS:
            work += run * ((a1 - a0) + (b1 - b0))
            if work > ANCHOR_BUDGET:
                break
            anchors = _anchors(a, a0, a1, b, b0, b1, run)
            if anchors:
                i, j = a0, b0
                for ai, bj in anchors:
                    pieces.append((i, ai, j, bj))
                    blocks.append((ai, bj, run))
                    i, j = ai + run, bj + run
                pieces.append((i, a1, j, b1))
                break
    return sorted(blocks)


def _anchors(
    a: list[str], a0: int, a1: int, b: list[str], b0: int, b1: int, run: int
) -> list[tuple[int, int]]:
    """Starts ``(i, j)`` of the anchors of a piece: runs of ``run`` words found once on each side.

    Of them, the longest chain in the same order on both sides, none overlapping the next.
    """

    def once(words: list[str], lo: int, hi: int) -> dict[tuple[str, ...], int]:
        seen: dict[tuple[str, ...], int] = {}
        twice: set[tuple[str, ...]] = set()
        for i in range(lo, hi - run + 1):
            key = tuple(words[i : i + run])
            if key in seen:
                twice.add(key)
            else:
                seen[key] = i
        return {key: i for key, i in seen.items() if key not in twice}

    in_a, in_b = once(a, a0, a1), once(b, b0, b1)
    pairs = sorted((i, in_b[key]) for key, i in in_a.items() if key in in_b)
    # The longest chain increasing on both sides (patience sorting), anchors not overlapping.
    tails: list[int] = []  # the smallest last j of a chain of each length
    ends: list[int] = []  # index in pairs of that last anchor
    before: list[int] = []
    for index, (i, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k and (pairs[ends[k - 1]][0] + run > i or pairs[ends[k - 1]][1] + run > j):
            before.append(-1)  # it would overlap the anchor before it: not an anchor
            continue
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k], ends[k] = j, index
        before.append(ends[k - 1] if k else -1)
    chain: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = before[index]
    return chain[::-1]


def _opcodes(blocks: list[tuple[int, int, int]], size_a: int, size_b: int) -> list[Opcode]:
    """The opcodes difflib would give for these matching blocks (neighbouring blocks joined)."""
    ops: list[Opcode] = []
    i = j = 0
    for bi, bj, n in [*blocks, (size_a, size_b, 0)]:
        if i < bi or j < bj:
            tag = "replace" if i < bi and j < bj else ("delete" if i < bi else "insert")
            ops.append((tag, i, bi, j, bj))
        if n:
            if ops and ops[-1][0] == "equal" and ops[-1][2] == bi and ops[-1][4] == bj:
                ops[-1] = ("equal", ops[-1][1], bi + n, ops[-1][3], bj + n)
            else:
                ops.append(("equal", bi, bi + n, bj, bj + n))
        i, j = bi + n, bj + n
    return ops


def word_diff(old: str, new: str, *, markdown: bool = False, limit: int = 0) -> str | None:
    """The words that changed, with a few around them; None when only whitespace changed.

    Text: ``… the [-old-]{+new+} words …`` (as ``git diff --word-diff``). Markdown:
    ``~~old~~ **new**``, every word escaped.
    """
    a, b = old.split(), new.split()
    if a == b:
        return None
    esc = md_inert if markdown else _one_line
    parts: list[str] = []
    size = 0

    def add(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text) + 1

    for tag, i1, i2, j1, j2 in word_opcodes(a, b):
        if tag == "equal":
            words = a[i1:i2]
            head = words[:CONTEXT_WORDS] if i1 > 0 else []
            tail = words[-CONTEXT_WORDS:] if i2 < len(a) else []
            if len(words) <= len(head) + len(tail):
                add(esc(" ".join(words)))
                continue
            if head:
                add(esc(" ".join(head)))
            add("…")
            if tail:
                add(esc(" ".join(tail)))
            continue
        removed, added = _words(a, i1, i2, limit), _words(b, j1, j2, limit)
        if markdown:
            marks = ([f"~~{esc(removed)}~~"] if removed else []) + (
                [f"**{esc(added)}**"] if added else []
            )
        else:
            marks = ([f"[-{esc(removed)}-]"] if removed else []) + (
                [f"{{+{esc(added)}+}}"] if added else []
            )
        add(("" if not markdown else " ").join(marks))
        if limit and size > limit:
            parts.append("…")  # the rest: spbe diff --format json has both texts whole
            break
    return " ".join(parts)


def _words(words: list[str], start: int, end: int, limit: int) -> str:
    """``words[start:end]`` joined, at most about ``limit`` characters of them (0: all)."""
    if not limit:
        return " ".join(words[start:end])
    taken: list[str] = []
    size = 0
    for word in words[start:end]:
        if size > limit:
            taken.append("…")
            break
        taken.append(word)
        size += len(word) + 1
    return " ".join(taken)


#: Characters of word diff shown per prose section (the JSON output has both texts whole).
PROSE_LIMIT = 2000


def prose_status(change: ProseChange) -> ChangeType:
    """Added, removed or changed, for a prose section."""
    if change.old is None:
        return ChangeType.ADDED
    if change.new is None:
        return ChangeType.REMOVED
    return ChangeType.CHANGED


def shown_prose(changes: list[ProseChange]) -> list[ProseChange]:
    """The prose changes as a review lists them: one entry per edit of one file.

    Sections that name one file (``latar_belakang`` and ``arsitektur_pendahuluan`` both
    ``prosa/pendahuluan.md``) read one edit: one entry naming them all and every document they
    land in, its words shown once. Before, the same words were shown once per section, as if
    the pull request had made the edit twice. (Each section is still counted, as it is a
    section of its own documents, and JSON lists each.)
    """
    entries: dict[tuple[str | None, ...], list[ProseChange]] = {}
    for change in changes:
        key = (change.old_path, change.new_path, change.old, change.new)
        entries.setdefault(key, []).append(change)
    shown = []
    for group in entries.values():
        first = group[0]
        if len(group) == 1:
            shown.append(first)
            continue
        documents = tuple(sorted({d for change in group for d in change.documents}))
        sections = ", ".join(change.section for change in group)
        unreadable = tuple(sorted({d for change in group for d in change.unreadable}))
        shown.append(replace(first, section=sections, documents=documents, unreadable=unreadable))
    return shown


def prose_title(change: ProseChange) -> str:
    """``section latar_belakang → masterplan (catalog/prosa/01.md)``.

    The path is the file whose text is shown: a section whose file was deleted (still named in
    the metadata) names the old side's file, not the new side's missing one.
    """
    named = [
        *change.documents,
        *(t("diff.prose_unreadable", document=document) for document in change.unreadable),
    ]
    documents = ", ".join(named) or t("diff.prose_no_document")
    shown = change.new_path if change.new is not None else change.old_path
    path = shown or change.new_path or change.old_path or "—"
    return t("diff.prose_section", section=change.section, documents=documents, path=path)


def prose_words(change: ProseChange, *, markdown: bool = False) -> str:
    """The words of a prose section that changed, with a little context.

    When no word changed (a paragraph reflowed, blank lines added), it says so: the line under
    the section was empty, a change with nothing to see.
    """
    words = word_diff(change.old or "", change.new or "", markdown=markdown, limit=PROSE_LIMIT)
    if words is None:
        note = t("diff.whitespace_only")
        return f"*{md_inert(note)}*" if markdown else note
    return words + _unicode_form_note(change.old, change.new, markdown=markdown)


def _one_line(text: str) -> str:
    return safe(text)


def _unicode_form_note(old: Any, new: Any, *, markdown: bool) -> str:
    """A note for two texts that differ only in Unicode form (``é`` as one code point or two).

    They look the same: without the note a change showed ``Café → Café``.
    """
    if not (isinstance(old, str) and isinstance(new, str)) or old == new:
        return ""
    if unicodedata.normalize("NFC", old) != unicodedata.normalize("NFC", new):
        return ""
    note = t("diff.unicode_form_only")
    return f" *{md_inert(note)}*" if markdown else f" {note}"


def show_change(field: FieldChange, *, markdown: bool = False) -> str:
    """``old → new``, ``−a +b`` for a list of plain values, a word diff for long text.

    With ``markdown`` the result is already escaped for a Markdown comment.
    """
    text = _show_change(field, markdown=markdown)
    return text + _unicode_form_note(field.old, field.new, markdown=markdown)


def _show_change(field: FieldChange, *, markdown: bool) -> str:
    old, new = field.old, field.new
    names = [p for p in field.loc if isinstance(p, str)]
    name = names[-1] if names else ""
    # The field holding it: for an added list item (``anggaran[2026]``) its fields' parent.
    parent = names[-2] if len(names) > 1 else ""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
        words = word_diff(old, new, markdown=markdown)
        if words is not None:
            return words
    if isinstance(old, list) and isinstance(new, list) and _flat(old) and _flat(new):
        before = Counter(show(v, name, parent) for v in old)
        after = Counter(show(v, name, parent) for v in new)
        removed, added = list((before - after).elements()), list((after - before).elements())
        # A long item edited (a SWOT point, a document's note) is one item, not two: its words.
        edited = edited_items(removed, added)
        paired = {a for a, _ in edited} | {b for _, b in edited}
        esc = md_inert if markdown else _one_line
        parts = [esc(f"−{v}") for v in removed if v not in paired]
        parts += [esc(f"+{v}") for v in added if v not in paired]
        parts += [word_diff(a, b, markdown=markdown) or esc(f"−{a} +{b}") for a, b in edited]
        return " ".join(parts)
    else:
        marks = tuple(
            ILLUSTRATIVE_MARK if flag and value is not None else ""
            for flag, value in zip(field.illustrative, (old, new), strict=True)
        )
        text = f"{show(old, name, parent)}{marks[0]} → {show(new, name, parent)}{marks[1]}"
    return md_inert(text) if markdown else text


#: Least share of equal words for a removed and an added long list item to be one item edited.
EDITED_ITEM = 0.6


def edited_items(removed: list[str], added: list[str]) -> list[tuple[str, str]]:
    """Pairs of a removed and an added item of a list of texts that are one long text edited.

    Items longer than :data:`LONG_TEXT`, paired one to one when at least :data:`EDITED_ITEM`
    of their words are the same (the best pairs first).
    """
    long_old = [v for v in removed if len(v) > LONG_TEXT]
    long_new = [v for v in added if len(v) > LONG_TEXT]
    if not long_old or not long_new:
        return []
    from spbe_cli.diff.changeset import best_pairs

    return best_pairs(long_old, long_new, _word_likeness, EDITED_ITEM)


def _word_likeness(old: str, new: str) -> float:
    """The share of words two texts have in common, 0 to 1 (in bounded time)."""
    a, b = old.split(), new.split()
    if not a and not b:
        return 1.0
    same = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in word_opcodes(a, b) if tag == "equal")
    return 2 * same / (len(a) + len(b))


def _has_illustrative(changeset: ChangeSet) -> bool:
    """Tell whether any figure of the output carries the illustrative mark."""
    return any(a.illustrative for a in changeset.attention) or any(
        any(f.illustrative) for c in changeset.changes for f in c.fields
    )


def _flat(values: list[Any]) -> bool:
    return all(not isinstance(v, dict | list | BaseModel) for v in values)


def side_text(side: SideInfo) -> str:
    """``v2023.1 (1a2b3c4)``, ``catalog`` or ``working tree (catalog)``."""
    if side.kind == "git":
        return f"{side.label} ({(side.revision or '')[:12]})"
    if side.kind == "worktree":
        return t("diff.worktree", path=side.path)
    return side.label


#: Load errors shown per file that cannot be compared (the rest: spbe validate).
FINDINGS_SHOWN = 5


def missing_notes(changeset: ChangeSet) -> list[str]:
    """A note for each side without a catalog folder (compared as an empty catalog)."""
    return [
        t("diff.missing_side", side=t(f"diff.side.{name}"), label=side.label)
        for name, side in (("old", changeset.old), ("new", changeset.new))
        if side.missing
    ]


def rule_level_text(level: RuleLevel) -> str:
    """``SPBE201: error → off (3 findings of the new side)``: a level the change sets."""
    text = t("diff.rule_level", code=level.code, old=level.old, new=level.new)
    if level.findings is None:
        return text
    return f"{text} ({t('diff.rule_level_findings', count=level.findings)})"


def uncomparable_text(entry: Uncomparable) -> str:
    """``new side, catalog/x.yaml: does not load`` (or the invalid documents of a side)."""
    side = t(f"diff.side.{entry.side}")
    if entry.path:
        return t("diff.uncomparable_file", side=side, path=entry.path)
    return t("diff.uncomparable_invalid", side=side)


def _kind(kind: str) -> str:
    return t(f"diff.kind.{kind}")


def total(changeset: ChangeSet, change: ChangeType) -> int:
    """Entities and prose sections of one change type: the totals every format shows.

    The text summary counted entities only ("0 diubah" above "Prosa (1)") while the comment's
    total row counted prose too.
    """
    return changeset.count(change) + sum(prose_status(p) is change for p in changeset.prose)


def summary_line(changeset: ChangeSet) -> str:
    """Counts of each change type (entities and prose sections), then references that followed.

    An entity that only followed a rename is not counted as changed: the rename is counted.
    """
    line = t(
        "diff.summary",
        added=total(changeset, ChangeType.ADDED),
        removed=total(changeset, ChangeType.REMOVED),
        changed=total(changeset, ChangeType.CHANGED),
        renamed=total(changeset, ChangeType.RENAMED),
    )
    followed = changeset.followed()
    return f"{line} {t('diff.followed', count=followed)}" if followed else line


def _tags(change: Change) -> list[str]:
    """What a reviewer must read with a change's title: a reused id, a reference that followed."""
    tags = []
    if change.replaces is not None:
        old_kind = t(f"diff.noun.{change.replaces.kind}")
        tags.append(
            t("diff.tag_replaces", old_kind=old_kind, old_name=show(change.replaces.name or ""))
        )
    if change.follows_rename:
        tags.append(t("diff.tag_follows"))
    return tags


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


#: References listed under an id now naming another entity (SPBE711); JSON lists them all.
REFERRERS_SHOWN = 20


def referrer_lines(item: Attention) -> tuple[str | None, list[tuple[str, str]], str | None]:
    """What SPBE711 says under its line: a heading, the references, a closing "and N more".

    Each reference the change left as it was is (words, ``file:line:column``); all three are
    empty when references were not looked for.
    """
    if item.referrers is None:
        return None, [], None
    name = dict(item.values).get("name", "")
    if not item.referrers:
        return t("diff.referrers_none", id=item.id), [], None
    head = t("diff.referrers", id=item.id, count=len(item.referrers), name=name)
    shown = [
        (
            t("diff.referrer_metadata", field=ref.field)
            if ref.kind == "metadata"
            else t(
                "diff.referrer",
                kind=t(f"diff.noun.{ref.kind}"),
                id=ref.id,
                name=ref.name or "",
                field=ref.field,
            ),
            str(ref.location) if ref.location is not None else "",
        )
        for ref in item.referrers[:REFERRERS_SHOWN]
    ]
    more = len(item.referrers) - REFERRERS_SHOWN
    return head, shown, t("diff.referrers_more", count=more) if more > 0 else None


def _text_referrers(item: Attention) -> list[str]:
    head, shown, more = referrer_lines(item)
    if head is None:
        return []
    lines = [f"      {head}"]
    lines += [
        f"        {words} ({where})" if where else f"        {words}" for words, where in shown
    ]
    return lines + ([f"        {more}"] if more else [])


def _title(change: Change) -> str:
    name = f"  {show(change.name)}" if change.name else ""
    tags = "".join(f"  ({tag})" for tag in _tags(change))
    if change.change is ChangeType.RENAMED:
        return f"{change.old_id} → {change.id}{name}  ({t('diff.change.renamed')}){tags}"
    return f"{change.id}{name}{tags}"


def format_text(changeset: ChangeSet) -> list[str]:
    """Lines for a terminal: header, summary, attention list, then changes grouped by kind."""
    lines = [
        t("diff.header", old=side_text(changeset.old), new=side_text(changeset.new)),
        summary_line(changeset) + " " + files_line(changeset),
        *missing_notes(changeset),
    ]
    if changeset.introduced or changeset.attention:
        count = len(changeset.introduced) + len(changeset.attention)
        lines += ["", t("diff.attention_title", count=count)]
        # With its hint and related places, as spbe validate prints it: where the first use of
        # an id used twice is (SPBE104), which Aplikasi Umum to use (SPBE408).
        for finding in changeset.introduced:
            lines.append(f"  {format_finding(finding)} ({t('diff.introduced_tag')})")
            lines += [f"      = {note}" for note in finding_notes(finding)]
        for item in changeset.attention:
            lines += [f"  {_attention_line(item)}", *_text_referrers(item)]
    if changeset.milder:
        lines += ["", t("diff.milder_title", count=len(changeset.milder))]
        lines += [f"  {format_finding(m.finding)} ({milder_was(m)})" for m in changeset.milder]
    if changeset.fixed:
        lines += ["", t("diff.fixed_title", count=len(changeset.fixed))]
        lines += [f"  {format_finding(f)}" for f in changeset.fixed]
    if changeset.rule_levels:
        lines += ["", t("diff.rule_levels_title", count=len(changeset.rule_levels))]
        lines += [f"  {rule_level_text(r)}" for r in changeset.rule_levels]
    if changeset.exceptions:
        lines += ["", t("diff.exceptions_title", count=len(changeset.exceptions))]
        lines += [
            f"  {_exception_text(e, new, changeset, old)}"
            for e, new in changeset.exceptions
            for old in [changeset.exception_reasons.get((e.code, e.entity))]
        ]
    if changeset.exceptions_removed:
        count = len(changeset.exceptions_removed)
        lines += ["", t("diff.exceptions_removed_title", count=count)]
        lines += [f"  {_removed_exception_text(e)}" for e in changeset.exceptions_removed]
    if changeset.uncomparable:
        lines += ["", t("diff.uncomparable_title", count=len(changeset.uncomparable))]
        for entry in changeset.uncomparable:
            lines.append(f"  {uncomparable_text(entry)}")
            if entry.ids:
                lines.append(f"      {t('diff.uncomparable_ids', ids=', '.join(entry.ids))}")
            lines += [f"      {format_finding(f)}" for f in entry.findings[:FINDINGS_SHOWN]]
            if len(entry.findings) > FINDINGS_SHOWN:
                more = len(entry.findings) - FINDINGS_SHOWN
                lines.append(f"      {t('diff.more_findings', count=more)}")
    if not changeset:
        lines += ["", t("diff.no_changes")]
        return [safe(line) for line in lines]
    if changeset.prose:
        lines += ["", t("diff.prose_title", count=len(changeset.prose))]
        for section in shown_prose(changeset.prose):
            lines.append(f"  {_MARK[prose_status(section)]} {prose_title(section)}")
            lines.append(f"      {prose_words(section)}")
    for kind, changes in changeset.by_kind().items():
        lines += ["", f"{_kind(kind)} ({number(len(changes))})"]
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
        # The path shown as md_code shows it (a newline as \n), not folded into a space.
        return md_inert(t("diff.worktree", path=safe(side.path)))
    return md_code(side.label)


def _exception_text(
    exception: Any,
    new: bool,
    changeset: ChangeSet,
    old_reason: str | None = None,
) -> str:
    """An exception in force, marked new, and saying when its entity now has another id.

    ``.spbe.yaml`` names the old id: the exception no longer reaches the renamed entity (its
    finding comes back as new) and, after a swap, reaches the entity that took the id; an id
    given to another entity (reused) hands it the exception written for the one before.
    Without findings compared (``--no-findings``: no rule ran) no count is claimed.
    """
    counted = changeset.findings_compared
    renamed_to = changeset.renamed_to(exception.entity)
    taken_by = changeset.taken_by(exception.entity) if renamed_to is None else None
    line = t(
        "report.exception_line" if counted else "diff.exception_line_uncounted",
        code=exception.code,
        entity=exception.entity,
        reason=exception.reason,
        matched=exception.matched,
    )
    if renamed_to is not None:
        line += f" ({t('diff.exception_renamed', old=exception.entity, new=renamed_to)})"
    if taken_by is not None:
        line += f" ({t('diff.exception_taken', entity=exception.entity, name=taken_by)})"
    if old_reason is not None:
        line += f" ({t('diff.exception_reason_changed', reason=old_reason)})"
    return f"{line} ({t('diff.exception_new')})" if new else line


def _removed_exception_text(exception: Any) -> str:
    """An exception of the old side gone from the new one: its rule applies to it again."""
    return t(
        "diff.exception_removed",
        code=exception.code,
        entity=exception.entity,
        reason=exception.reason,
    )


def milder_was(milder: Milder) -> str:
    """What a finding made milder was: ``sebelumnya galat``."""
    return t("diff.milder_was", level=t(f"diff.severity.{milder.was.value}"))


def _md_finding(finding: Finding) -> str:
    severity = md_inert(t(f"diff.severity.{finding.severity.value}"))
    return (
        f"- **{severity}** {finding.code} {md_inert(finding.message)} "
        f"({md_code(str(finding.location))})"
    )


def _md_findings(changeset: ChangeSet, out: _Budget) -> int:
    """New findings (top of "Needs attention"), fixed findings, what cannot be compared."""
    omitted = 0
    if changeset.introduced:
        count = len(changeset.introduced) + len(changeset.attention)
        out.force(f"### {md_inert(t('diff.attention_title', count=count))}")
        out.force("")
        tag = md_inert(t("diff.introduced_tag"))
        for finding in changeset.introduced:
            notes = [f"\n  - {md_inert(note)}" for note in finding_notes(finding)]
            if not out.add(f"{_md_finding(finding)} — *{tag}*" + "".join(notes)):
                omitted += 1
        # The review rules' items follow in the same list: after the table, under no heading,
        # they read as part of the file counts.
        omitted += sum(not out.add(_md_attention(item)) for item in changeset.attention)
        out.force("")
    if changeset.uncomparable:
        out.force(
            f"### {md_inert(t('diff.uncomparable_title', count=len(changeset.uncomparable)))}"
        )
        out.force("")
        # Every line of an entry may be cut: a change that breaks a thousand files must still
        # fit in one comment (the count in the title and the closing note say what was cut).
        for entry in changeset.uncomparable:
            lines = [f"- {md_inert(uncomparable_text(entry))}"]
            if entry.ids:
                ids = ", ".join(md_code(i) for i in entry.ids)
                lines.append(f"  - {md_inert(t('diff.uncomparable_ids', ids='')).rstrip()} {ids}")
            lines += ["  " + _md_finding(finding) for finding in entry.findings[:FINDINGS_SHOWN]]
            if len(entry.findings) > FINDINGS_SHOWN:
                more = len(entry.findings) - FINDINGS_SHOWN
                lines.append(f"  - {md_inert(t('diff.more_findings', count=more))}")
            omitted += sum(not out.add(line) for line in lines)
        out.force("")
    if changeset.milder:
        out.force(f"### {md_inert(t('diff.milder_title', count=len(changeset.milder)))}")
        out.force("")
        for milder in changeset.milder:
            line = f"{_md_finding(milder.finding)} — *{md_inert(milder_was(milder))}*"
            omitted += not out.add(line)
        out.force("")
    if changeset.rule_levels:
        title = t("diff.rule_levels_title", count=len(changeset.rule_levels))
        out.force(f"### {md_inert(title)}")
        out.force("")
        for level in changeset.rule_levels:
            omitted += not out.add(f"- **{md_inert(rule_level_text(level))}**")
        out.force("")
    if changeset.exceptions:
        out.force(f"### {md_inert(t('diff.exceptions_title', count=len(changeset.exceptions)))}")
        out.force("")
        for exception, new in changeset.exceptions:
            old_reason = changeset.exception_reasons.get((exception.code, exception.entity))
            mark = "**" if new or old_reason is not None else ""
            text = _exception_text(exception, new, changeset, old_reason)
            omitted += not out.add(f"- {mark}{md_inert(text)}{mark}")
        out.force("")
    if changeset.exceptions_removed:
        count = len(changeset.exceptions_removed)
        out.force(f"### {md_inert(t('diff.exceptions_removed_title', count=count))}")
        out.force("")
        for exception in changeset.exceptions_removed:
            omitted += not out.add(f"- **{md_inert(_removed_exception_text(exception))}**")
        out.force("")
    if changeset.fixed:
        out.add(f"### {md_inert(t('diff.fixed_title', count=len(changeset.fixed)))}")
        out.add("")
        for finding in changeset.fixed:
            if not out.add(_md_finding(finding)):
                omitted += 1
        out.add("")
    return omitted


def _md_attention(item: Attention) -> str:
    """One item of "Needs attention" from a review rule (SPBE7xx)."""
    where = f" ({md_code(str(item.location))})" if item.location is not None else ""
    lines = [
        f"- **{md_inert(t(f'diff.severity.{item.severity.value}'))}** {item.code} "
        f"{md_code(item.id)}: {md_inert(item.message)}{where}"
    ]
    head, shown, more = referrer_lines(item)
    if head is not None:
        lines.append(f"  - {md_inert(head)}")
        lines += [
            f"    - {md_inert(words)}" + (f" ({md_code(at)})" if at else "") for words, at in shown
        ]
        lines += [f"    - {md_inert(more)}"] if more else []
    return "\n".join(lines)


def _md_change(change: Change) -> Iterator[str]:
    label = t(f"diff.change.{change.change.value}")
    name = f" — {md_inert(change.name)}" if change.name else ""
    tags = "".join(f" (*{md_inert(tag)}*)" for tag in _tags(change))
    if change.change is ChangeType.RENAMED:
        old = md_code(change.old_id or "")
        yield f"- **{md_inert(label)}** {old} → {md_code(change.id)}{name}{tags}"
    else:
        yield f"- **{md_inert(label)}** {md_code(change.id)}{name}{tags}"
    for field in change.fields:
        yield f"  - {md_code(field.path)}: {show_change(field, markdown=True)}"


def format_markdown(changeset: ChangeSet, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """A pull-request comment: summary table, attention list, details in collapsible sections.

    When the whole would exceed ``limit`` (GitHub's 65,536), details are cut and a note says how
    many lines were left out.
    """
    note_reserve = 600
    out = _Budget(limit, note_reserve)
    out.force(f"## {md_inert(t('diff.md_title'))}")
    out.force("")
    out.force(
        f"{md_inert(t('diff.md_old'))}: {_md_side(changeset.old)} → "
        f"{md_inert(t('diff.md_new'))}: {_md_side(changeset.new)}"
    )
    out.force("")
    for note in missing_notes(changeset):
        out.force(f"> {md_inert(note)}")
        out.force("")
    omitted = _md_findings(changeset, out)
    if not changeset:
        out.force(md_inert(t("diff.no_changes")))
        return "\n".join(out.parts) + "\n"
    headers = [t("diff.md_kind"), *(t(f"diff.change.{c.value}") for c in _COLUMNS)]
    out.force("| " + " | ".join(md_inert(h) for h in headers) + " |")
    out.force("| --- |" + " ---: |" * len(_COLUMNS))
    for kind in changeset.by_kind():
        counted = [changeset.count(c, kind) for c in _COLUMNS]
        if not any(counted):
            continue  # only references that followed a rename: the line under the table
        counts = [number(n) for n in counted]
        out.force(f"| {md_inert(_kind(kind))} | " + " | ".join(counts) + " |")
    if changeset.prose:
        counts = [number(sum(1 for p in changeset.prose if prose_status(p) is c)) for c in _COLUMNS]
        out.force(f"| {md_inert(t('diff.prose_kind'))} | " + " | ".join(counts) + " |")
    totals = [f"**{number(total(changeset, c))}**" for c in _COLUMNS]
    out.force(f"| **{md_inert(t('diff.md_total'))}** | " + " | ".join(totals) + " |")
    out.force("")
    if changeset.followed() and out.add(md_inert(t("diff.followed", count=changeset.followed()))):
        out.add("")
    out.force(md_inert(files_line(changeset)))
    if changeset.attention and not changeset.introduced:
        out.add("")
        out.add(f"### {md_inert(t('diff.attention_title', count=len(changeset.attention)))}")
        out.add("")
        omitted += sum(not out.add(_md_attention(item)) for item in changeset.attention)
    if changeset.prose:
        out.add("")
        out.add(f"### {md_inert(t('diff.prose_title', count=len(changeset.prose)))}")
        out.add("")
        for section in shown_prose(changeset.prose):
            label = md_inert(t(f"diff.change.{prose_status(section).value}"))
            if not (
                out.add(f"- **{label}** {md_inert(prose_title(section))}")
                and out.add(f"  - {prose_words(section, markdown=True)}")
            ):
                omitted += 1
    if changeset.changes:
        out.add("")
        out.add(f"### {md_inert(t('diff.md_details'))}")
    for kind, changes in changeset.by_kind().items():
        opened = out.add("") and out.add(
            f"<details>\n<summary>{md_inert(_kind(kind))} ({number(len(changes))})</summary>\n"
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
        out.force(md_inert(illustrative_legend()))
    if omitted:
        out.force("")
        out.force(f"> {md_inert(t('diff.md_truncated', lines=omitted, limit=limit))}")
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
    return {
        "label": side.label,
        "kind": side.kind,
        "revision": side.revision,
        "path": side.path,
        "missing": side.missing,
    }


def _where(location: Location | None) -> dict[str, Any] | None:
    return None if location is None else location_fields(location)


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
        "follows_rename": change.follows_rename,
        "replaces": (
            {"kind": change.replaces.kind, "name": change.replaces.name}
            if change.replaces is not None
            else None
        ),
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
    data: dict[str, Any] = {
        "code": item.code,
        "severity": item.severity.value,
        "kind": item.kind,
        "id": item.id,
        "message": item.message,
        "location": _where(item.location),
        "illustrative": item.illustrative,
    }
    if item.referrers is not None:  # SPBE711: the references to the id left as they were
        data["referrers"] = [
            {
                "kind": r.kind,
                "id": r.id,
                "name": r.name,
                "field": r.field,
                "location": _where(r.location),
            }
            for r in item.referrers
        ]
    return data


def format_json(changeset: ChangeSet) -> str:
    """The whole ChangeSet as one JSON document (schema ``spbe.diff/1``)."""
    by_kind = {
        kind: {
            **{c.value: changeset.count(c, kind) for c in _COLUMNS},
            "followed": changeset.followed(kind),
        }
        for kind in changeset.by_kind()
    }
    stats = changeset.files
    data = {
        "schema": JSON_SCHEMA_ID,
        "old": _side_json(changeset.old),
        "new": _side_json(changeset.new),
        "summary": {
            # Entities and prose sections, as the text summary and the comment's total row.
            **{c.value: total(changeset, c) for c in _COLUMNS},
            "total": sum(total(changeset, c) for c in _COLUMNS),
            "attention": len(changeset.attention),
            "introduced": len(changeset.introduced),
            "fixed": len(changeset.fixed),
            "milder": len(changeset.milder),
            "uncomparable": len(changeset.uncomparable),
            "prose": len(changeset.prose),
            "followed": changeset.followed(),
            "by_kind": by_kind,
            "files": {
                "old": stats.old,
                "new": stats.new,
                "old_parsed": stats.old_parsed,
                "new_parsed": stats.new_parsed,
                "unchanged": stats.unchanged,
            },
        },
        "findings_compared": changeset.findings_compared,
        "exceptions": [
            {
                **exception_dict(e),
                "matched": e.matched if changeset.findings_compared else None,
                "new": new,
                "renamed_to": changeset.renamed_to(e.entity),
                # The entity that took the id in this change (reused), else null.
                "taken_by": changeset.taken_by(e.entity),
                # The reason before this change, when the change rewrote it; else null.
                "previous_reason": changeset.exception_reasons.get((e.code, e.entity)),
            }
            for e, new in changeset.exceptions
        ],
        "exceptions_removed": [
            {**exception_dict(e), "matched": e.matched if changeset.findings_compared else None}
            for e in changeset.exceptions_removed
        ],
        "rule_levels": [
            {"code": r.code, "old": r.old, "new": r.new, "findings": r.findings}
            for r in changeset.rule_levels
        ],
        "introduced": [finding_dict(f) for f in changeset.introduced],
        "fixed": [finding_dict(f) for f in changeset.fixed],
        "milder": [
            {**finding_dict(m.finding), "old_severity": m.was.value} for m in changeset.milder
        ],
        "uncomparable": [
            {
                "side": e.side,
                "path": e.path,
                "ids": list(e.ids),
                "findings": [finding_dict(f) for f in e.findings],
            }
            for e in changeset.uncomparable
        ],
        "prose": [
            {
                "section": p.section,
                "change": prose_status(p).value,
                "documents": list(p.documents),
                "unreadable_documents": list(p.unreadable),
                "old_path": p.old_path,
                "new_path": p.new_path,
                "old": p.old,
                "new": p.new,
            }
            for p in changeset.prose
        ],
        "attention": [attention_dict(a) for a in changeset.attention],
        "changes": [change_dict(c) for c in changeset.changes],
    }
    return json_dumps(data)
