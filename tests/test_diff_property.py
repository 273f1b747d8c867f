"""Properties of the diff on generated catalogs.

* diff(A, A) is empty, however A's documents are spread over files;
* every entity of A and of B is accounted for exactly once (removed, renamed, changed, unchanged;
  added, renamed, changed, unchanged);
* applying the JSON ChangeSet to A gives B.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe_cli.diff import ChangeType, SideInfo, diff_catalogs
from spbe_cli.diff.changeset import plain, records_of
from spbe_cli.diff.formats import format_json
from spbe_cli.loader import load_files
from spbe_cli.models import MODELS
from spbe_cli.yamlio import dump_yaml

IDS = [f"SC-{n}" for n in range(1, 7)] + [f"APP-{n}" for n in range(1, 4)]
NAMES = ["Capaian", "Pengguna", "Layanan daring"]

indikator = st.fixed_dictionaries(
    {
        "satuan": st.sampled_from(["persen", "unit"]),
        "target": st.dictionaries(st.integers(2025, 2028), st.integers(0, 100), max_size=3),
        "arah": st.sampled_from(["naik", "turun"]),
    },
    optional={"baseline": st.integers(0, 50)},
)
anggaran = st.fixed_dictionaries(
    {
        "tahun": st.integers(2025, 2027),
        "nilai": st.integers(0, 5).map(lambda n: n * 100_000_000),
        "sumber": st.sampled_from(["APBD", "DAK"]),
    }
)


@st.composite
def program(draw: st.DrawFn, entity_id: str) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    lines = draw(st.lists(anggaran, max_size=3, unique_by=lambda a: (a["tahun"], a["sumber"])))
    start = draw(st.integers(2025, 2027))
    return {
        "entitas": "program",
        "id": entity_id,
        "nama": draw(st.sampled_from(["Noken", "Sentra Noken", "Pasar Digital"])),
        "dimensi": "economy",
        "elemen": "industry",
        "opd_pj": "DISKOMINFO",
        "tahun_mulai": start,
        "tahun_selesai": start + draw(st.integers(0, 2)),
        "horizon": draw(st.sampled_from(["quick_win", "pendek", "menengah"])),
        "status": draw(st.sampled_from(["usulan", "berjalan", "ditunda", "dibatalkan"])),
        "indikator": [{"nama": n, **draw(indikator)} for n in names],
        "anggaran": lines,
        "regulasi": draw(
            st.lists(st.sampled_from(["PERBUP-A", "PERBUP-B", "PERBUP-C"]), unique=True, max_size=3)
        ),
    }


@st.composite
def aplikasi(draw: st.DrawFn, entity_id: str) -> dict[str, Any]:
    return {
        "entitas": "aplikasi",
        "id": entity_id,
        "nama": draw(st.sampled_from(["Portal", "SRIKANDI lokal", "Noken"])),
        "raa": "RAA.01.01",
        "kategori": draw(st.sampled_from(["umum", "khusus"])),
        "status": draw(st.sampled_from(["operasional", "dihentikan"])),
        "integrasi": draw(st.lists(st.sampled_from(["APP-1", "APP-2"]), unique=True)),
    }


@st.composite
def catalog(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    return [draw(program(i) if i.startswith("SC") else aplikasi(i)) for i in ids]


@st.composite
def layout(draw: st.DrawFn, docs: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """Spread documents over files in any order, one or several per file, keys in any order."""
    order = draw(st.permutations(docs))
    files: list[tuple[str, bytes]] = []
    index = 0
    while index < len(order):
        size = draw(st.integers(1, 3))
        chunk = order[index : index + size]
        index += size
        texts = []
        for doc in chunk:
            keys = draw(st.permutations(list(doc)))
            texts.append(dump_yaml({k: doc[k] for k in keys}))
        files.append((f"f{len(files)}.yaml", "---\n".join(texts).encode()))
    return files


def load(files: list[tuple[str, bytes]]) -> Any:
    loaded, findings = load_files(Path("."), files)
    assert not [f for f in findings if f.code != "SPBE107"], findings
    return loaded


def diff(a: Any, b: Any) -> Any:
    return diff_catalogs(a, b, SideInfo("a", "folder"), SideInfo("b", "folder"))


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_diff_of_a_catalog_with_itself_is_empty(data: st.DataObject) -> None:
    docs = data.draw(catalog())
    a = load(data.draw(layout(docs)))
    b = load(data.draw(layout(docs)))
    result = diff(a, b)
    assert result.changes == [] and result.attention == []
    assert sorted(i for _, i in result.unchanged) == sorted(d["id"] for d in docs)


@SETTINGS
@given(st.data())
def test_every_entity_is_accounted_for_once_and_the_changeset_applies(data: st.DataObject) -> None:
    docs_a = data.draw(catalog())
    # B: some of A's entities kept, some renamed (same content), plus new draws.
    docs_b = data.draw(catalog())
    picked = (
        data.draw(st.lists(st.sampled_from(docs_a), unique_by=lambda d: d["id"])) if docs_a else []
    )
    for doc in picked:
        fresh = f"{doc['id']}X"
        if all(d["id"] != fresh for d in docs_b):
            docs_b.append({**doc, "id": fresh})
    a, b = load(data.draw(layout(docs_a))), load(data.draw(layout(docs_b)))
    result = diff(a, b)

    seen_a: list[str] = []
    seen_b: list[str] = []
    for change in result.changes:
        if change.change in (ChangeType.REMOVED, ChangeType.RENAMED, ChangeType.CHANGED):
            assert change.old is not None
            seen_a.append(change.old.id)
        if change.change in (ChangeType.ADDED, ChangeType.RENAMED, ChangeType.CHANGED):
            assert change.new is not None
            seen_b.append(change.new.id)
    seen_a += [i for _, i in result.unchanged]
    seen_b += [i for _, i in result.unchanged]
    assert sorted(seen_a) == sorted(d["id"] for d in docs_a)
    assert sorted(seen_b) == sorted(d["id"] for d in docs_b)

    state = {r.id: plain(r.model) for r in records_of(a).values()}
    apply(state, json.loads(format_json(result))["changes"])
    # The JSON leaves default values out: read the result back through the models.
    got = {i: plain(MODELS[v["entitas"]].model_validate(v)) for i, v in state.items()}
    want = {r.id: plain(r.model) for r in records_of(b).values()}
    assert canonical(got) == canonical(want)


def apply(state: dict[str, Any], changes: list[dict[str, Any]]) -> None:
    """Apply the JSON ``changes`` to ``state`` (id -> plain entity), as a consumer would.

    Renames apply at once (every old id is taken out first): entities may trade ids. Removals
    come before additions: an id may be reused (by an entity of any kind).
    """
    moving = {c["old_id"]: state.pop(c["old_id"]) for c in changes if c["change"] == "renamed"}
    # Removals first: an id may be reused by an entity of another kind (listed before it).
    for change in changes:
        if change["change"] == "removed":
            del state[change["id"]]
    for change in changes:
        kind = change["change"]
        if kind == "added":
            assert change["id"] not in state
            state[change["id"]] = change["value"]
        elif kind == "removed":
            continue
        elif kind == "renamed":
            state[change["id"]] = {**moving[change["old_id"]], "id": change["id"]}
            for field in change["fields"]:  # a rename with edits
                set_at(state[change["id"]], field["loc"], field["old"], field["new"])
        else:
            for field in change["fields"]:
                set_at(state[change["id"]], field["loc"], field["old"], field["new"])


def set_at(node: Any, loc: list[Any], old: Any, new: Any) -> None:
    *parents, last = loc
    for index, part in enumerate(parents):
        if isinstance(part, str):  # a field left out because it held its default
            after = loc[index + 1]
            node = node.setdefault(part, [] if isinstance(after, dict) and "item" in after else {})
        else:
            node = find(node, part)
    if isinstance(last, str):
        node[last] = new
    elif "key" in last:
        if new is None:
            del node[last["key"]]
        else:
            node[last["key"]] = new
    elif old is None:
        node.append(new)
    else:
        node.remove(find(node, last))
        if new is not None:
            node.append(new)


def find(items: list[Any] | dict[str, Any], part: dict[str, Any]) -> Any:
    if "key" in part:
        assert isinstance(items, dict)
        return items.setdefault(part["key"], {})
    assert isinstance(items, list)
    matches = [i for i in items if all(i.get(k) == v for k, v in part["item"].items())]
    return matches[part.get("occurrence", 0)]


def canonical(value: Any) -> Any:
    """Lists as sorted multisets: their order is not part of the catalog's meaning."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value
