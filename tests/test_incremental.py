"""An edit followed from the last run's snapshot gives the report a full run gives, byte for byte.

``spbe validate`` with the cache on loads only the files an edit changed and re-runs each rule
on what the edit can reach (:mod:`spbe_cli.incremental`). Random edits of a generated catalog
(the bench generator, small): field edits, renamed and removed ids, copies (look-alike
applications), reference lists, statuses, groups, comments, shifted lines, broken files; after
each, the cached run's JSON report equals an uncached full run's.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spbe_cli import cachestate
from spbe_cli.incremental import STATS
from tests.helpers import bench_generator
from tests.test_cache import _recorded, _report

ROOT = Path(__file__).resolve().parent.parent


GEN = bench_generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("generated")
    made = {}
    for layout in ("files", "grouped"):
        GEN.generate(base / layout, scale=0.004, seed=3, layout=layout)
        made[layout] = base / layout
    return made


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("SPBE_CACHE_DIR", str(tmp_path / "cache"))
    cachestate.set_enabled(True)
    yield
    cachestate.set_enabled(True)


def _full(root: Path) -> str:
    """An uncached full run's JSON report."""
    return _report(root, cached=False)


#: What ``spbe validate`` prints with the cache on: replayed, followed, or run in full.
_cached = _recorded


def _documents(path: Path) -> list[Any]:
    """The documents of one file; none for a file an earlier edit broke."""
    try:
        return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    except yaml.YAMLError:
        return []


def _write(path: Path, documents: list[Any]) -> None:
    path.write_text("---\n".join(GEN.dump(d) for d in documents), encoding="utf-8")


REF_LISTS = ("aplikasi", "data", "objek", "infrastruktur", "mengubah", "opd_pengguna")


def _ids(root: Path, kind: str) -> list[str]:
    return [d["id"] for d in _all(root, kind) if "id" in d]


def _edit(root: Path, pick: int, action: str, seed: int) -> None:
    """One edit of the catalog, as an OPD's pull request makes it."""
    rng = random.Random(seed)
    files = sorted(p for p in root.rglob("*.yaml") if p.name != "metadata.yaml")
    path = files[pick % len(files)]
    text = path.read_text(encoding="utf-8")
    if action == "comment":
        path.write_text(text + "# catatan\n", encoding="utf-8")
        return
    if action == "shift":
        path.write_text("# baris\n# baris\n" + text, encoding="utf-8")
        return
    if action == "delete":
        path.unlink()
        return
    if action == "break":
        path.write_text(text + "nama: [\n", encoding="utf-8")
        return
    docs = _documents(path)
    entities = [d for d in docs if isinstance(d, dict) and "id" in d]
    if not entities:
        return
    doc = entities[rng.randrange(len(entities))]
    kind = doc.get("entitas")
    if action == "mutate":
        GEN._mutate_doc(doc, rng)
    elif action == "rename":
        doc["id"] = f"{doc['id']}-B"
    elif action == "copy":
        twin = dict(doc, id=f"{doc['id']}-K")
        (path.parent / f"{path.stem}-salinan.yaml").write_text(GEN.dump(twin), encoding="utf-8")
        return
    elif action == "refs":
        lists = [f for f in REF_LISTS if isinstance(doc.get(f), list)]
        if lists:
            name = rng.choice(lists)
            values = list(doc[name])
            if values and rng.random() < 0.5:
                values.pop(rng.randrange(len(values)))
            else:
                target_kind = {
                    "aplikasi": "aplikasi",
                    "data": "data_informasi",
                    "infrastruktur": "infrastruktur",
                    "opd_pengguna": "opd",
                }.get(name, "aplikasi")
                candidates = _ids(root, target_kind)
                if candidates:
                    values.append(rng.choice(candidates))
            doc[name] = sorted(set(values))
    elif action == "status":
        if kind in ("program", "peta_rencana"):
            doc["status"] = "dibatalkan"
        elif "status" in doc:
            doc["status"] = rng.choice(["rencana", "pengembangan", "dihentikan", "operasional"])
    elif action == "group":
        if kind == "aplikasi":
            doc["pemilik_tipe"] = "pemda"
            others = [d for d in _all(root, "aplikasi") if d.get("raa")]
            if others:
                doc["raa"] = rng.choice(others)["raa"]
        elif kind == "program":
            others = _all(root, "program")
            if others:
                other = rng.choice(others)
                doc["dimensi"], doc["elemen"] = other["dimensi"], other["elemen"]
    _write(path, docs)


def _all(root: Path, kind: str) -> list[dict[str, Any]]:
    return [
        d
        for path in sorted(root.rglob("*.yaml"))
        for d in _documents(path)
        if isinstance(d, dict) and d.get("entitas") == kind
    ]


ACTIONS = ["mutate", "rename", "copy", "refs", "status", "group", "comment", "shift", "delete"]
edits = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.sampled_from([*ACTIONS, "break"]),
        st.integers(0, 1000),
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(layout=st.sampled_from(["files", "grouped"]), steps=st.lists(edits, min_size=1, max_size=3))
@example(layout="files", steps=[[(5, "mutate", 1)], [(7, "group", 2)], [(9, "shift", 3)]])
@example(layout="grouped", steps=[[(3, "refs", 4), (11, "rename", 5)], [(2, "copy", 6)]])
def test_a_followed_edit_reports_what_a_full_run_reports(
    generated: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    layout: str,
    steps: list[list[tuple[int, str, int]]],
) -> None:
    base = tmp_path_factory.mktemp("edit")
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base / "cache"))
    root = base / "katalog"
    shutil.copytree(generated[layout], root)
    assert _cached(root) == _full(root)  # a full run: the record
    _warm(root)  # the second full run: the snapshot
    for step in steps:
        for pick, action, seed in step:
            _edit(root, pick, action, seed)
        assert _cached(root) == _full(root)
        assert _cached(root) == _full(root)  # the record of the followed run, replayed


@pytest.mark.parametrize("layout", ["files", "grouped"])
def test_an_edit_of_one_application_is_followed(
    generated: dict[str, Path], tmp_path: Path, cache_on: None, layout: str
) -> None:
    root = tmp_path / "katalog"
    shutil.copytree(generated[layout], root)
    _cached(root)  # the first run of a catalog writes its record only
    _warm(root)
    before = dict(STATS)
    for seed in range(4):
        app = next(p for p in sorted(root.rglob("*.yaml")) if "id: apl-000001" in p.read_text())
        docs = _documents(app)
        for doc in docs:
            if doc.get("id") == "apl-000001":
                doc["nama"] = f"Aplikasi Baru {seed}"  # what the Indeks plafon does not read
        _write(app, docs)
        assert _cached(root) == _full(root)
    assert STATS["followed"] - before["followed"] == 4, STATS["reason"]
    assert STATS["full"] == before["full"]


def _warm(root: Path) -> None:
    """A catalog's second full run, which writes the snapshot the next edit is followed from."""
    for path in sorted(root.rglob("*.yaml"))[:1]:
        path.write_text(path.read_text(encoding="utf-8") + "# pemanasan\n", encoding="utf-8")
    before = STATS["followed"]
    _cached(root)
    assert STATS["followed"] == before


def test_the_first_run_writes_no_snapshot(
    generated: dict[str, Path], tmp_path: Path, cache_on: None
) -> None:
    root = tmp_path / "katalog"
    shutil.copytree(generated["files"], root)
    _cached(root)
    assert not list((tmp_path / "cache").glob("v*/runs/*.snapshot"))
    _warm(root)
    assert len(list((tmp_path / "cache").glob("v*/runs/*.snapshot"))) == 1


@pytest.fixture
def warm(generated: dict[str, Path], tmp_path: Path, cache_on: None) -> Path:
    """A copy of the generated catalog whose snapshot is written (the next edit is followed)."""
    root = tmp_path / "katalog"
    shutil.copytree(generated["files"], root)
    _cached(root)
    _warm(root)
    return root


def test_a_refused_document_is_checked_in_full(warm: Path) -> None:
    before = STATS["full"]
    (warm / "aplikasi" / "apl-000001.yaml").write_text(
        "entitas: aplikasi\nid: apl-000001\nnama: [\n", encoding="utf-8"
    )
    assert _cached(warm) == _full(warm)
    assert STATS["full"] == before + 1
    assert "refused" in STATS["reason"]


def _edit_one(root: Path) -> None:
    app = root / "aplikasi" / "apl-000002.yaml"
    app.write_text(app.read_text(encoding="utf-8") + "# x\n", encoding="utf-8")


def test_a_corrupt_snapshot_is_a_full_run(warm: Path, tmp_path: Path) -> None:
    [snapshot] = (tmp_path / "cache").glob("v*/runs/*.snapshot")
    raw = snapshot.read_bytes()
    snapshot.write_bytes(raw.replace(b'"apl-000001"', b'"apl-999999"', 1))  # its SHA-256 fails
    _edit_one(warm)
    before = STATS["followed"]
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] == before


def _rewrite(snapshot: Path, head: dict[str, Any], sections: dict[str, Any]) -> None:
    """Store a snapshot framed as spbe frames it (a valid SHA-256), its parts replaced."""
    import hashlib

    import orjson

    from spbe_cli.incremental import _pack

    header, _, payload = snapshot.read_bytes().partition(b"\n")
    line, _, body = payload.partition(b"\n")
    old_head = orjson.loads(line)
    parts = {
        name: body[start : start + size] for name, (start, size) in old_head.pop("sections").items()
    }
    parts.update({name: orjson.dumps(value) for name, value in sections.items()})
    payload = _pack({**old_head, **head}, parts)
    label = header.rsplit(b" ", 1)[0]
    snapshot.write_bytes(
        b"%s %s\n%s" % (label, hashlib.sha256(payload).hexdigest().encode(), payload)
    )


@pytest.mark.parametrize(
    ("head", "sections"),
    [
        ({}, {"state": 5}),
        ({}, {"ids": ["apl-000001"]}),
        ({}, {"kinds": [99] * 3}),
        ({}, {"counts": [1, 2]}),
        ({}, {"state": {"x": [None, 2, [], False]}}),
        ({}, {"rules": {"check_codes": [["SPBE203", "fatal", ["x", 1, 1], "m", None, []]]}}),
        ({}, {"facts:check_references:aplikasi:0": 5}),
        ({}, {"facts:check_duplicates:aplikasi:0": {"apl-000001": "x"}}),
        # the layouts these rules kept before session 15 (read by a newer spbe: a full run)
        (
            {},
            {
                "facts:check_cycles:aplikasi:0": {"apl-000002": [0]},
                "facts:check_cycles:opd:0": {"opd-000006": ["opd-000005"]},
            },
        ),
        (
            {},
            {
                "facts:check_traceability:aplikasi:0": {
                    "apl-000002": ["operasional", "pemda", "khusus", [], []]
                }
            },
        ),
        (
            {},
            {
                "facts:check_rencana_coverage:aplikasi:0": {
                    "apl-000002": "rencana",
                    "apl-000003": ["rencana"],
                }
            },
        ),
        ({}, {"names": []}),
        ({"files": 7}, {}),
        ({"buckets": {"aplikasi": -1}}, {}),
    ],
)
def test_a_snapshot_of_another_shape_is_a_full_run_not_a_crash(
    warm: Path, tmp_path: Path, head: dict[str, Any], sections: dict[str, Any]
) -> None:
    """Framed as spbe frames it (a valid SHA-256), but its values out of shape."""
    [snapshot] = (tmp_path / "cache").glob("v*/runs/*.snapshot")
    _rewrite(snapshot, head, sections)
    _edit_one(warm)
    before = STATS["followed"]
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] == before


def test_every_field_a_form_keeps_is_a_field_of_its_kind() -> None:
    """A misspelt field would be read as nothing: an edit of the real one not seen."""
    from spbe_cli.incremental import forms
    from spbe_cli.incremental_rules import FIELDS
    from spbe_cli.models import MODELS

    forms()
    assert FIELDS
    for rule, kinds in FIELDS.items():
        for kind, fields in kinds.items():
            model = MODELS[kind]
            for name in fields:
                assert name in model.model_fields or hasattr(model, name), (rule, kind, name)


def test_a_rewritten_snapshot_is_followed(warm: Path, tmp_path: Path) -> None:
    """The helper of the test above keeps a snapshot as it was: what it breaks is what fails."""
    [snapshot] = (tmp_path / "cache").glob("v*/runs/*.snapshot")
    _rewrite(snapshot, {}, {})
    _edit_one(warm)
    before = STATS["followed"]
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] == before + 1, STATS["reason"]


def _application(root: Path, entity_id: str) -> Path:
    return next(p for p in sorted(root.rglob("*.yaml")) if f"id: {entity_id}\n" in p.read_text())


def test_an_application_added_removed_or_counted_otherwise_is_followed(warm: Path) -> None:
    """The Indeks plafon counts applications: an edit of what it reads is followed on facts."""
    before = dict(STATS)
    source = _application(warm, "apl-000003")
    added = source.with_name("apl-900003.yaml")
    [doc] = _documents(source)
    _write(added, [dict(doc, id="apl-900003", kategori="umum")])  # one more Aplikasi Umum
    assert _cached(warm) == _full(warm)
    [doc] = _documents(added)
    status = "operasional" if doc.get("status") == "dihentikan" else "dihentikan"
    _write(added, [dict(doc, status=status)])  # counted as active or not
    assert _cached(warm) == _full(warm)
    added.unlink()
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] - before["followed"] == 3, STATS["reason"]
    assert STATS["full"] == before["full"]


def test_the_snapshot_keeps_each_path_once_and_rewrites_only_what_changed(
    warm: Path, tmp_path: Path
) -> None:
    """Paths are the run record's (not repeated per entity); unchanged facts keep their bytes."""
    import orjson

    [snapshot] = (tmp_path / "cache").glob("v*/runs/*.snapshot")

    def sections() -> dict[str, bytes]:
        payload = snapshot.read_bytes().partition(b"\n")[2]
        line, _, body = payload.partition(b"\n")
        where = orjson.loads(line)["sections"]
        return {name: body[start : start + size] for name, (start, size) in where.items()}

    old = sections()
    assert b"apl-000002.yaml" not in b"".join(old.values())
    _edit_one(warm)  # a comment: no entity's facts change
    assert _cached(warm) == _full(warm)
    new = sections()
    facts = [name for name in old if name.startswith("facts:")]
    assert facts
    assert all(new[name] == old[name] for name in facts)


def test_a_followed_run_opens_the_cache_once_however_many_files_it_builds(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the cache checks its folder: once a run, not once per file an edit's rules build."""
    import spbe_cli.cache as cache_module

    opened = []

    class Counting(cache_module.ContentCache):
        # Counted where every open makes it (``cachestate.open_cache``, whichever module
        # imported that name): patching one module's ``open_cache`` missed the loader's.
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            opened.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(cache_module, "ContentCache", Counting)
    before = dict(STATS)
    app = _application(warm, "apl-000001")
    [doc] = _documents(app)
    # Its referrers are checked again (built from their files): the look-alike groups are
    # paired on the facts kept, building none of their members.
    _write(app, [dict(doc, id="apl-000001-B")])
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] - before["followed"] == 1, STATS["reason"]
    assert STATS["built"] > 3, STATS["built"]
    assert len(opened) <= 3


def _look_alike_edit(root: Path, rng: random.Random, added: list[int]) -> None:
    """One edit of an application or program that changes what the look-alike groups pair.

    Named like another item (a new look-alike), moved to another item's group, given another
    owner, copied to a new file under another owner, or removed with its file.
    """
    kind = rng.choice(["aplikasi", "program"])
    files = [
        p
        for p in sorted(root.rglob("*.yaml"))
        if any(d.get("entitas") == kind for d in _documents(p) if isinstance(d, dict))
    ]
    if not files:
        return
    path = rng.choice(files)
    docs = _documents(path)
    mine = [d for d in docs if isinstance(d, dict) and d.get("entitas") == kind]
    doc = rng.choice(mine)
    others = [d for d in _all(root, kind) if d.get("id") != doc.get("id")]
    other = rng.choice(others) if others else doc
    owner = "pemilik" if kind == "aplikasi" else "opd_pj"
    action = rng.choice(["name", "name", "group", "owner", "copy", "remove"])
    if action == "name":
        doc["nama"] = f"{other['nama']} {rng.choice(['', 'Baru', 'Terpadu'])}".strip()
        if kind == "aplikasi" and rng.random() < 0.5:
            doc["fungsi"] = other.get("fungsi") or other.get("uraian") or doc.get("fungsi")
    elif action == "group":
        if kind == "aplikasi" and other.get("raa"):
            doc["pemilik_tipe"], doc["raa"] = "pemda", other["raa"]
        elif kind == "program":
            doc["dimensi"], doc["elemen"] = other["dimensi"], other["elemen"]
    elif action == "owner" and other.get(owner):
        doc[owner] = other[owner]
    elif action == "copy":
        added.append(len(added))
        twin = dict(other, id=f"{other['id']}-k{len(added)}", nama=f"{other['nama']} Tahap 2")
        if doc.get(owner):
            twin[owner] = doc[owner]
        (path.parent / f"{path.stem}-k{len(added)}.yaml").write_text(
            GEN.dump(twin), encoding="utf-8"
        )
        return
    elif action == "remove":
        # Only a file whose ids nothing else names (an unresolved reference is a full run).
        ids = [d["id"] for d in docs if isinstance(d, dict) and "id" in d]
        rest = [p.read_text(encoding="utf-8") for p in root.rglob("*.yaml") if p != path]
        if not any(f" {i}\n" in text or f"- {i}" in text for i in ids for text in rest):
            path.unlink()
        return
    _write(path, docs)


@pytest.mark.parametrize("layout", ["files", "grouped"])
def test_look_alike_groups_followed_on_facts_report_what_a_full_run_reports(
    generated: dict[str, Path], tmp_path: Path, cache_on: None, layout: str
) -> None:
    """Several items renamed, regrouped, given another owner, added, removed: one followed run.

    The groups are paired again on the facts kept of each member (no member built): the
    SPBE409/SPBE610 findings, their order, messages and places (an unchanged item's from its
    facts) are a full run's, byte for byte.
    """
    root = tmp_path / "katalog"
    shutil.copytree(generated[layout], root)
    _cached(root)
    _warm(root)
    rng = random.Random(13)
    added: list[int] = []
    codes = set()
    for _ in range(5):
        before = dict(STATS)
        # (a file of the grouped layout holds many items: one such edit is a few % of its files)
        for _ in range(rng.randint(2, 6) if layout == "files" else 1):
            _look_alike_edit(root, rng, added)
        full = _full(root)
        assert _cached(root) == full
        assert STATS["followed"] - before["followed"] == 1, STATS["reason"]
        codes |= {c for c in ("SPBE409", "SPBE610") if f'"{c}"' in full}
    # the groups did pair something (the grouped layout's five edits pair no program)
    assert codes == ({"SPBE409", "SPBE610"} if layout == "files" else {"SPBE409"})


def test_a_name_edit_builds_no_member_of_its_look_alike_group(warm: Path) -> None:
    """The group of an edited application is paired on facts: its members are not built.

    (A few files are, for the rules that check again the files whose findings point into the
    edited one.) Before, every member of the group was built from its file.
    """
    app = _application(warm, "apl-000001")
    [doc] = _documents(app)
    members = [
        d
        for d in _all(warm, "aplikasi")
        if d.get("raa") == doc.get("raa") and d.get("pemilik_tipe", "pemda") == "pemda"
    ]
    assert doc.get("pemilik_tipe", "pemda") == "pemda"
    assert len(members) > 8, len(members)  # all of them were built before
    _write(app, [dict(doc, nama=f"{doc['nama']} Tahap 2")])
    before = dict(STATS)
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] - before["followed"] == 1, STATS["reason"]
    assert STATS["built"] <= 3


def _set(root: Path, entity_id: str, **fields: Any) -> None:
    """Give one entity other field values (None: the field removed)."""
    for path in sorted(root.rglob("*.yaml")):
        docs = _documents(path)
        for doc in docs:
            if isinstance(doc, dict) and doc.get("id") == entity_id:
                for name, value in fields.items():
                    if value is None:
                        doc.pop(name, None)
                    else:
                        doc[name] = value
                _write(path, docs)
                return
    raise AssertionError(entity_id)


def _per_rule(root: Path) -> dict[str, Any]:
    """Each rule's findings in an uncached full run, in the order the rule made them."""
    import orjson

    from spbe_cli.checks import all_checks
    from spbe_cli.incremental import capturing
    from spbe_cli.runrecord import finding_json
    from spbe_cli.validate import validate_report

    cachestate.set_enabled(False)
    try:
        with capturing() as capture:
            validate_report(root, "katalog")
    finally:
        cachestate.set_enabled(True)
    names = [check.__name__ for check in all_checks()]
    found = {
        n: [finding_json(f) for f in fs] for n, fs in zip(names, capture.per_rule, strict=True)
    }
    return orjson.loads(orjson.dumps(found))


def _stored_rules(folder: Path) -> dict[str, Any]:
    """Each rule's findings as the snapshot of the last run keeps them."""
    import orjson

    [snapshot] = folder.glob("v*/runs/*.snapshot")
    payload = snapshot.read_bytes().partition(b"\n")[2]
    line, _, body = payload.partition(b"\n")
    start, size = orjson.loads(line)["sections"]["rules"]
    return orjson.loads(body[start : start + size])


_GRAPH_RULES = ("check_cycles", "check_traceability", "check_rencana_coverage")


def _graph_edits(root: Path) -> Iterator[tuple[str, set[str]]]:
    """Edits that make or clear a loop, an orphan, an unsecured asset, an unplanned element.

    Each is made to the catalog before it is yielded, with the codes it must make appear.
    """
    layanan = _all(root, "layanan")
    served: dict[str, list[str]] = {}
    for doc in layanan:
        for app in doc.get("aplikasi", []):
            served.setdefault(app, []).append(doc["id"])
    apps = {d["id"]: d for d in _all(root, "aplikasi")}
    only = sorted(a for a, by in served.items() if len(by) == 1 and a in apps)
    only = [a for a in only if apps[a].get("status") != "dihentikan"]
    _set(root, "opd-000002", induk="opd-000003")
    _set(root, "opd-000003", induk="opd-000002")
    yield "a loop of two OPDs", {"SPBE215"}
    _set(root, "pb-000003", induk="pb-000003")
    _set(root, "apl-000005", integrasi=["apl-000001", "apl-000005"])
    yield "a parent and a peer naming themselves", {"SPBE215"}
    _set(root, "opd-000003", induk=None)
    yield "the loop broken", set()
    orphan = only[0]
    [host] = served[orphan]
    left = [a for a in next(d for d in layanan if d["id"] == host)["aplikasi"] if a != orphan]
    _set(root, host, aplikasi=left)
    yield f"{orphan} lost its last layanan", {"SPBE403"}
    for doc in _all(root, "keamanan")[:3]:
        _set(root, doc["id"], objek=[])
    yield "keamanan name nothing", {"SPBE406"}
    for doc in _all(root, "data_informasi")[:3]:
        sifat = "tertutup" if doc.get("sifat") == "terbuka" else "terbuka"
        _set(root, doc["id"], sifat=sifat, data_pribadi=False)
    yield "data sets opened or closed", set()
    plans = _all(root, "peta_rencana")
    for plan in plans[:2]:
        _set(root, plan["id"], mengubah=[])
    to_be = [a for a in apps if a not in {m for p in plans for m in p.get("mengubah", [])}][:1]
    for app in to_be:
        _set(root, app, status="rencana")
    yield "items changing nothing, applications planned", {"SPBE504"}
    plan = _all(root, "peta_rencana")[0]
    path = _application(root, plan["id"])
    if len(_documents(path)) == 1:
        path.unlink()
    else:
        _write(path, [d for d in _documents(path) if d.get("id") != plan["id"]])
    yield "a Peta Rencana item dropped", set()
    twin = dict(next(d for d in layanan if d["id"] == host), id=f"{host}-baru")
    twin["aplikasi"] = [orphan]
    (root / "layanan").mkdir(exist_ok=True)
    (root / "layanan" / f"{host}-baru.yaml").write_text(GEN.dump(twin), encoding="utf-8")
    yield f"a new layanan serves {orphan}", set()
    _set(root, "opd-000002", id="opd-000002-B")
    yield "an OPD in a loop renamed (its referrers name it no more)", set()


@pytest.mark.parametrize("layout", ["files", "grouped"])
def test_loops_the_domain_chain_and_the_plans_followed_report_a_full_runs_findings_in_order(
    generated: dict[str, Path], tmp_path: Path, cache_on: None, layout: str
) -> None:
    """check_cycles, check_traceability, check_rencana_coverage follow an edit on kept facts.

    A loop made and broken, an entity naming itself, an application losing its last layanan,
    keamanan dropping their objects, data sets opened or closed, Peta Rencana items emptied and
    dropped, applications planned, a layanan added, an id in a loop renamed: after each, the
    report is a full run's, and each rule's findings are those of a full run in the order it
    makes them (they are kept in the snapshot for the next edit).
    """
    root = tmp_path / "katalog"
    shutil.copytree(generated[layout], root)
    _cached(root)
    _warm(root)
    seen: set[str] = set()
    for what, codes in _graph_edits(root):
        before = dict(STATS)
        full = _full(root)
        assert _cached(root) == full, what
        assert STATS["followed"] - before["followed"] == 1, (what, STATS["reason"])
        stored, made = _stored_rules(tmp_path / "cache"), _per_rule(root)
        for rule in _GRAPH_RULES:
            assert stored[rule] == made[rule], (what, rule)
        present = {f[0] for rule in _GRAPH_RULES for f in made[rule]}
        assert codes <= present, (what, codes - present)
        seen |= present
    assert {"SPBE215", "SPBE403", "SPBE406", "SPBE504"} <= seen


def _hosted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The infrastructure a followed run finds sensitive data on again (``infra_trace`` counted)."""
    from spbe_cli import incremental_rules

    checked: list[str] = []
    real = incremental_rules.infra_trace

    def counted(infra_id: str, app_id: str) -> Any:
        checked.append(infra_id)
        return real(infra_id, app_id)

    monkeypatch.setattr(incremental_rules, "infra_trace", counted)
    return checked


def _new_infra(root: Path, entity_id: str) -> None:
    """A copy of the first infrastructure under another id, which no keamanan names."""
    [doc] = _documents(sorted((root / "infrastruktur").glob("*.yaml"))[0])
    (root / "infrastruktur" / f"{entity_id}.yaml").write_text(
        GEN.dump({**doc, "id": entity_id}), encoding="utf-8"
    )


def test_the_infrastructure_an_edit_reaches_is_checked_again_and_no_other(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPBE406 follows the facts an infrastructure's finding reads, not every file touched.

    An application keeps a sensitive data set on an infrastructure no keamanan names: the
    finding appears; a name edited on that application (its facts as they were) checks that
    infrastructure no more and keeps the finding; the data set opened, then closed again,
    clears and brings back the finding (through the applications naming it); the application
    moved to another infrastructure moves it. After each edit, followed, the rule's findings
    are a full run's, in order.
    """
    hosted = _hosted(monkeypatch)
    app = next(d for d in _all(warm, "aplikasi") if d.get("status") != "dihentikan")["id"]
    data = _all(warm, "data_informasi")[0]["id"]
    _new_infra(warm, "inf-baru")
    _new_infra(warm, "inf-baru-2")
    edits: list[tuple[str, Any, set[str]]] = [
        ("sensitive data on inf-baru", None, {"inf-baru"}),
        ("a name edited", {app: {"nama": "Aplikasi Berganti Nama"}}, {"inf-baru"}),
        ("the data set opened", {data: {"sifat": "terbuka", "data_pribadi": False}}, set()),
        ("the data set closed", {data: {"sifat": "tertutup"}}, {"inf-baru"}),
        ("moved to inf-baru-2", {app: {"infrastruktur": ["inf-baru-2"]}}, {"inf-baru-2"}),
    ]
    for what, fields, flagged in edits:
        if fields is None:
            _set(warm, data, sifat="tertutup")
            _set(warm, app, infrastruktur=["inf-baru"], data=[data])
        else:
            for entity_id, values in fields.items():
                _set(warm, entity_id, **values)
        before = dict(STATS)
        hosted.clear()
        assert _cached(warm) == _full(warm), what
        assert STATS["followed"] - before["followed"] == 1, (what, STATS["reason"])
        rule = "check_traceability"
        stored, made = _stored_rules(warm.parent / "cache")[rule], _per_rule(warm)[rule]
        assert stored == made, what
        found = {Path(f[2][0]).stem for f in made if f[0] == "SPBE406"}
        assert found & {"inf-baru", "inf-baru-2"} == flagged, what
        if what == "a name edited":
            assert hosted == [], "an application whose facts did not change"


def _by_group(root: Path, kind: str) -> dict[str, list[tuple[Path, dict[str, Any]]]]:
    """The Pemda's applications (by RAA code) or the programs (by dimension and element)."""
    groups: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for path in sorted((root / kind).glob("*.yaml")):
        for doc in _documents(path):
            if kind == "aplikasi" and doc.get("pemilik_tipe", "pemda") == "pemda":
                key = doc.get("raa")
            elif kind == "program":
                key = f"{doc.get('dimensi')}/{doc.get('elemen')}"
            else:
                continue
            groups.setdefault(str(key), []).append((path, doc))
    return groups


def _twin(path: Path, doc: dict[str, Any], owners: list[str], n: int) -> Path:
    """A look-alike of ``doc`` under another owner, in a file of its own (nothing refers to it)."""
    owner = "pemilik" if doc["entitas"] == "aplikasi" else "opd_pj"
    other = next(o for o in owners if o != doc.get(owner))
    twin = dict(doc, id=f"{doc['id']}-k{n}", **{owner: other})
    twin.pop("progres", None)
    made = path.parent / f"{doc['id']}-k{n}.yaml"
    made.write_text(GEN.dump(twin), encoding="utf-8")
    return made


@pytest.fixture
def twins(generated: dict[str, Path], tmp_path: Path, cache_on: None) -> dict[str, list[Path]]:
    """The generated catalog with look-alikes in a big and a small group of each kind, warm.

    ``{"aplikasi-big": [...], ...}``: the files of each group's members, twins last.
    """
    root = tmp_path / "katalog"
    shutil.copytree(generated["files"], root)
    owners = [d["id"] for d in _all(root, "opd")]
    made: dict[str, list[Path]] = {}
    n = 0
    for kind in ("aplikasi", "program"):
        groups = _by_group(root, kind)
        ordered = sorted(groups, key=lambda g: (len(groups[g]), g))
        small = next(g for g in ordered if len(groups[g]) >= 2)
        for size, group in (("big", ordered[-1]), ("small", small)):
            members = groups[group]
            files = [p for p, _ in members]
            for path, doc in members[: 3 if size == "big" else 1]:
                n += 1
                files.append(_twin(path, doc, owners, n))
            made[f"{kind}-{size}"] = files
    made["root"] = [root]
    _cached(root)
    _warm(root)
    return made


def _shift(path: Path) -> None:
    path.write_text("# baris\n# baris\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def _edited(path: Path, **fields: Any) -> None:
    [doc] = _documents(path)
    _write(path, [{**doc, **fields}])


def _pairings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The groups a followed run pairs again (``report_pairs`` counted)."""
    from spbe_cli.checks import duplicates

    paired: list[str] = []
    real = duplicates.report_pairs

    def counted(ctx: Any, code: str, items: list[Any], *args: Any) -> None:
        paired.append(items[0].group if items else "")
        real(ctx, code, items, *args)

    monkeypatch.setattr(duplicates, "report_pairs", counted)
    return paired


def _moved_only(files: list[Path], which: str) -> None:
    """Edits that move the items of a group (and their findings) but change no pair."""
    twin = files[-1]
    if which == "shift":  # the twin's id written two lines lower
        _shift(twin)
    elif which == "other-file":  # the twin's document in a file of another name
        twin.rename(twin.with_name(f"pindah-{twin.name}"))
    elif which == "unread-field":  # a field the pairing does not read, and the lines move
        [doc] = _documents(twin)
        unread = "latar_belakang" if doc["entitas"] == "program" else "url"
        _edited(twin, **{unread: "https://contoh.go.id/lain"})
        _shift(twin)
    elif which == "every-member":  # every member of the group moved
        for path in files:
            _shift(path)


@pytest.mark.parametrize("which", ["shift", "other-file", "unread-field", "every-member"])
@pytest.mark.parametrize(
    "group", ["aplikasi-big", "aplikasi-small", "program-big", "program-small"]
)
def test_an_edit_that_only_moves_look_alikes_keeps_their_pairs(
    twins: dict[str, list[Path]], monkeypatch: pytest.MonkeyPatch, group: str, which: str
) -> None:
    """The group is not paired again: its findings move with its items, as a full run's."""
    root = twins["root"][0]
    files = twins[group]
    paired = _pairings(monkeypatch)
    before_full = _full(root)
    code = "SPBE409" if group.startswith("aplikasi") else "SPBE610"
    assert f'"{code}"' in before_full
    _moved_only(files, which)
    before = dict(STATS)
    paired.clear()
    followed = _cached(root)
    assert STATS["followed"] - before["followed"] == 1, STATS["reason"]
    assert paired == []
    assert followed == _full(root)
    assert followed != before_full


def _pairing_edit(files: list[Path], which: str, owners: list[str]) -> None:
    """Edits that change what a group pairs: renamed, re-owned, came, went, reworded."""
    twin = files[-1]
    [doc] = _documents(twin)
    owner = "pemilik" if doc["entitas"] == "aplikasi" else "opd_pj"
    if which == "renamed":  # the twin's id (nothing refers to it)
        _edited(twin, id=f"{doc['id']}-baru")
    elif which == "re-owned":  # the twin given its original's owner: no longer a pair
        [original] = _documents(twin.with_name(f"{twin.stem.rsplit('-k', 1)[0]}.yaml"))
        assert original.get(owner) != doc.get(owner)
        _edited(twin, **{owner: original.get(owner)})
    elif which == "came":  # one more look-alike, under yet another owner
        _twin(twin, dict(doc, id=f"{doc['id']}-lagi"), [o for o in owners if o != doc[owner]], 99)
    elif which == "went":
        twin.unlink()
    elif which == "reworded":  # a word of its name changed, and it moved
        _edited(twin, nama=f"{doc['nama']} Terpadu")
        _shift(twin)
    elif which == "recased":  # the same words in another case: paired again, same pairs
        _edited(twin, nama=f"{doc['nama'].upper()}!")


@pytest.mark.parametrize("which", ["renamed", "re-owned", "came", "went", "reworded", "recased"])
@pytest.mark.parametrize(
    "group", ["aplikasi-big", "aplikasi-small", "program-big", "program-small"]
)
def test_an_edit_that_changes_a_look_alike_group_pairs_it_again(
    twins: dict[str, list[Path]], monkeypatch: pytest.MonkeyPatch, group: str, which: str
) -> None:
    """That group alone is paired again (on facts): the report is a full run's, byte for byte."""
    root = twins["root"][0]
    owners = [d["id"] for d in _all(root, "opd")]
    paired = _pairings(monkeypatch)
    _pairing_edit(twins[group], which, owners)
    before = dict(STATS)
    followed = _cached(root)
    assert STATS["followed"] - before["followed"] == 1, STATS["reason"]
    assert len(paired) == 1, paired
    assert followed == _full(root)


def test_an_edit_reads_before_facts_only_from_sections_the_snapshot_holds(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The facts an edit's entities had are looked up in their kind's forms' sections only.

    A form that keeps nothing of a kind has no section of it: its name is not looked up (one
    look-up per form and entity was most of the filling), and the run reports what a full
    run reports.
    """
    from spbe_cli import incremental

    looked: list[tuple[str, bool]] = []
    filling: list[bool] = []
    part, parts_after = incremental.Stored.part, incremental._parts_after

    def counted_part(self: incremental.Stored, name: str) -> dict[str, Any]:
        if filling:
            looked.append((name, name in self.sections))
        return part(self, name)

    def counted_parts_after(*args: Any) -> Any:
        filling.append(True)
        try:
            return parts_after(*args)
        finally:
            filling.clear()

    monkeypatch.setattr(incremental.Stored, "part", counted_part)
    monkeypatch.setattr(incremental, "_parts_after", counted_parts_after)
    app = _application(warm, "apl-000001")
    [doc] = _documents(app)
    _write(app, [dict(doc, nama=f"{doc['nama']} Baru")])
    before = STATS["followed"]
    assert _cached(warm) == _full(warm)
    assert STATS["followed"] == before + 1, STATS["reason"]
    assert looked
    assert all(held for _, held in looked), [name for name, held in looked if not held]


def test_a_catalog_file_is_a_value() -> None:
    """Listed files compare, hash and read as their path, shown path and kind; none is changed."""
    from spbe_cli.files import CatalogFile

    file = CatalogFile("/k/aplikasi/a.yaml", "k/aplikasi/a.yaml")
    assert file == CatalogFile("/k/aplikasi/a.yaml", "k/aplikasi/a.yaml", "file")
    assert file != CatalogFile("/k/aplikasi/a.yaml", "k/aplikasi/a.yaml", "symlink")
    assert {file: 1}[CatalogFile("/k/aplikasi/a.yaml", "k/aplikasi/a.yaml")] == 1
    assert (file.path, file.display, file.kind) == (
        "/k/aplikasi/a.yaml",
        "k/aplikasi/a.yaml",
        "file",
    )
    with pytest.raises(AttributeError):
        file.kind = "other"  # type: ignore[misc]
