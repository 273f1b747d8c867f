"""The files' ids after an edit (spbe_cli.incremental._spliced): the old lists, spliced."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from spbe_cli.incremental import _Layout, _spliced

KINDS = ["aplikasi", "layanan"]


@st.composite
def edits(draw: st.DrawFn) -> tuple[Any, ...]:
    """An old layout, and the files after an edit: some removed, added, changed, or moved."""
    count = draw(st.integers(0, 12))
    old_paths = [f"katalog/f{j:02d}.yaml" for j in range(count)]
    counts = [draw(st.integers(0, 3)) for _ in old_paths]
    ids = [f"{p}#{k}" for p, n in zip(old_paths, counts, strict=True) for k in range(n)]
    kinds = [draw(st.integers(0, 1)) for _ in ids]
    now = [p for p in old_paths if not draw(st.booleans()) or len(old_paths) < 2]
    for j in range(draw(st.integers(0, 3))):
        now.insert(draw(st.integers(0, len(now))), f"katalog/new{j}.yaml")
    if draw(st.booleans()):
        now = draw(st.permutations(now))
    changed = {p for p in now if p.startswith("katalog/new") or draw(st.booleans())}
    return old_paths, ids, kinds, counts, list(now), changed


@given(edits())
def test_a_splice_gives_each_file_its_new_ids_or_its_old_ones_in_the_new_order(
    edit: tuple[Any, ...],
) -> None:
    old_paths, ids, kinds, counts, now, changed = edit
    old = _Layout(old_paths, ids, kinds, counts)
    fresh: dict[str, list[Any]] = {}
    after: dict[str, list[Any]] = {}
    for path in sorted(changed):
        mine = [f"{path}@{k}" for k in range(len(path) % 3)]
        fresh[path] = [mine]
        for entity_id in mine:
            after[entity_id] = [KINDS[len(entity_id) % 2], path, {}]
    kind_index = {kind: j for j, kind in enumerate(KINDS)}
    layout = _spliced(old, now, now == old_paths, fresh, after, kind_index)
    expected_ids: list[str] = []
    expected_kinds: list[int] = []
    expected_counts: list[int] = []
    for path in now:
        if path in fresh:
            mine = fresh[path][0]
            expected_kinds.extend(kind_index[after[i][0]] for i in mine)
        else:
            mine = old.ids_in(path)
            at = old.starts[old_paths.index(path)]
            expected_kinds.extend(kinds[at : at + len(mine)])
        expected_ids.extend(mine)
        expected_counts.append(len(mine))
    assert layout.paths == now
    assert layout.ids == expected_ids
    assert layout.kinds == expected_kinds
    assert layout.counts == expected_counts


class _Stored:
    """The few parts of a snapshot :meth:`Change.column` reads, each read counted."""

    def __init__(self, parts: dict[str, dict[str, Any]]) -> None:
        self._parts = parts
        self.read: list[str] = []

    def parts(self, rule: str) -> list[str]:
        return [name for name in self._parts if name.startswith(f"facts:{rule}:")]

    def part(self, name: str) -> dict[str, Any]:
        self.read.append(name)
        return self._parts[name]


def test_a_rules_column_is_merged_once_from_the_changed_parts_and_the_stored_ones() -> None:
    from spbe_cli.incremental import Change

    stored = _Stored(
        {
            "facts:check_references:aplikasi:0": {"A-1": ["D-1"], "A-2": ["D-2"]},
            "facts:check_references:aplikasi:1": {"A-3": ["D-3"]},
            "facts:check_cycles:opd:0": {"O-1": "O-2"},
        }
    )
    changed = {"facts:check_references:aplikasi:1": {"A-3": ["D-9"], "A-4": []}}
    change = Change(None, frozenset(), {}, {}, None, stored, [], changed)  # type: ignore[arg-type]
    column = change.column("check_references")
    assert column == {"A-1": ["D-1"], "A-2": ["D-2"], "A-3": ["D-9"], "A-4": []}
    assert stored.read == ["facts:check_references:aplikasi:0"]
    assert change.column("check_references") is column  # merged once a run
    assert stored.read == ["facts:check_references:aplikasi:0"]
    assert change.column("check_cycles") == {"O-1": "O-2"}
