"""The Indeks plafon followed on the counts a snapshot keeps gives a full run's findings.

``spbe validate`` following an edit takes the changed entities' marks out of the counts kept
(:mod:`spbe_cli.incremental_plafon`) and puts their new ones in; the evaluations of the
generated catalog claim the highest nilai everywhere, so every plafon below 5 is an SPBE804
whose text names what the counts found (how many, the first ids).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spbe_cli.incremental import STATS
from tests.test_incremental import (
    GEN,
    _all,
    _cached,
    _documents,
    _full,
    _per_rule,
    _rewrite,
    _set,
    _stored_rules,
    _warm,
    _write,
)

RULE = "check_evaluasi"
#: What an edit changes, by kind: the fields the plafon counts.
_FIELDS = {
    "aplikasi": [
        "status",
        "kategori",
        "setara_aplikasi_umum",
        "justifikasi_khusus",
        "pemilik_tipe",
        "pemilik",
        "infrastruktur",
        "integrasi",
        "raa",
    ],
    "infrastruktur": ["status", "jenis", "opd", "status_kepemilikan", "rai"],
    "data_informasi": [
        "status",
        "sifat",
        "data_pribadi",
        "interoperabilitas",
        "jenis",
        "pembina_data",
        "rad",
    ],
    "keamanan": ["status", "objek", "rak"],
    "layanan": ["status", "ral"],
}


def _claim_the_top(root: Path) -> None:
    """Every evaluation gives each indicator the nilai 5: every plafon below is reported."""
    for path in sorted(root.rglob("*.yaml")):
        docs = _documents(path)
        if any(isinstance(d, dict) and d.get("entitas") == "evaluasi_mandiri" for d in docs):
            for doc in docs:
                for penilaian in doc.get("penilaian", []):
                    penilaian["nilai"] = 5
            _write(path, docs)


def _plafon_edit(root: Path, kind: str, pick: int, seed: int) -> None:
    """One entity of ``kind`` given another's values of the fields the plafon counts.

    Values taken from another entity of the same kind (or the field removed), so the document
    stays valid; for a list of ids, a few ids of the kinds it names.
    """
    rng = random.Random(seed)
    docs = _all(root, kind)
    if not docs:
        return
    doc = docs[pick % len(docs)]
    changed: dict[str, Any] = {}
    for name in rng.sample(_FIELDS[kind], k=rng.randint(1, min(3, len(_FIELDS[kind])))):
        if name in ("integrasi", "objek"):
            pool = [d["id"] for d in _all(root, "aplikasi")]
            if name == "objek":
                pool += [d["id"] for d in _all(root, "infrastruktur")]
            changed[name] = sorted(rng.sample(pool, k=min(len(pool), rng.randint(0, 4))))
            continue
        values = [d.get(name) for d in docs]
        changed[name] = rng.choice(values)
    if rng.random() < 0.2:
        changed["status"] = "dihentikan"
    _set(root, doc["id"], **changed)


def _drop(root: Path, kind: str, pick: int) -> None:
    docs = _all(root, kind)
    if not docs:
        return
    entity_id = docs[pick % len(docs)]["id"]
    for path in sorted(root.rglob("*.yaml")):
        kept = [
            d for d in _documents(path) if not (isinstance(d, dict) and d.get("id") == entity_id)
        ]
        if len(kept) != len(_documents(path)):
            if kept:
                _write(path, kept)
            else:
                path.unlink()
            return


def _kept_counts(folder: Path) -> dict[str, Any]:
    """The counts the last run's snapshot keeps, bag by bag."""
    import orjson

    [snapshot] = folder.glob("v*/runs/*.snapshot")
    payload = snapshot.read_bytes().partition(b"\n")[2]
    line, _, body = payload.partition(b"\n")
    prefix = f"kept:{RULE}:"
    return {
        name.removeprefix(prefix): orjson.loads(body[start : start + size])
        for name, (start, size) in orjson.loads(line)["sections"].items()
        if name.startswith(prefix)
    }


def _without(snapshot: Path, prefix: str) -> None:
    """Store a snapshot framed as spbe frames it, without the sections named ``prefix...``."""
    import hashlib

    import orjson

    from spbe_cli.incremental import _pack

    header, _, payload = snapshot.read_bytes().partition(b"\n")
    line, _, body = payload.partition(b"\n")
    head = orjson.loads(line)
    parts = {n: body[start : start + size] for n, (start, size) in head.pop("sections").items()}
    parts = {n: part for n, part in parts.items() if not n.startswith(prefix)}
    payload = _pack(head, parts)
    label = header.rsplit(b" ", 1)[0]
    snapshot.write_bytes(
        b"%s %s\n%s" % (label, hashlib.sha256(payload).hexdigest().encode(), payload)
    )


def _summed(root: Path) -> dict[str, dict[str, int]]:
    """The counts a full run sums over the catalog."""
    from spbe_cli.loader import load_catalog
    from spbe_cli.plafon import Tally

    catalog, _ = load_catalog(root, "katalog")
    return Tally.of(catalog).bags


_KINDS = sorted(_FIELDS)
steps = st.lists(
    st.tuples(
        st.sampled_from([*_KINDS, "drop"]),
        st.sampled_from(_KINDS),
        st.integers(0, 10_000),
        st.integers(0, 1000),
    ),
    min_size=1,
    max_size=4,
)


@pytest.fixture(scope="module")
def claimed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small generated catalog (grouped files), its evaluations claiming the top nilai."""
    root = tmp_path_factory.mktemp("claimed") / "katalog"
    GEN.generate(root, scale=0.004, seed=3, layout="grouped")
    _claim_the_top(root)
    return root


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=steps)
@example(edits=[("aplikasi", "aplikasi", 3, 1), ("keamanan", "keamanan", 1, 2)])
@example(edits=[("drop", "aplikasi", 5, 0), ("infrastruktur", "aplikasi", 2, 7)])
@example(edits=[("data_informasi", "aplikasi", 4, 3), ("drop", "keamanan", 0, 0)])
def test_the_plafon_followed_on_its_counts_reports_a_full_runs_findings(
    claimed: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[str, str, int, int]],
) -> None:
    """Random edits of what the plafon counts; after each, the followed run is a full run.

    The report byte for byte, the rule's findings as a full run makes them, and the counts the
    snapshot keeps for the next edit equal to those a full run sums.
    """
    base = tmp_path_factory.mktemp("plafon")
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base / "cache"))
    root = base / "katalog"
    shutil.copytree(claimed, root)
    _cached(root)
    _warm(root)
    assert any(f[0] == "SPBE804" for f in _stored_rules(base / "cache")[RULE])
    for what, kind, pick, seed in edits:
        before = dict(STATS)
        if what == "drop":
            _drop(root, kind, pick)
        else:
            _plafon_edit(root, what, pick, seed)
        full = _full(root)
        assert _cached(root) == full, (what, kind)
        if STATS["followed"] == before["followed"]:
            continue  # an edit run in full (say a refused document): its snapshot is new
        assert _stored_rules(base / "cache")[RULE] == _per_rule(root)[RULE]
        assert _kept_counts(base / "cache") == _summed(root)


@pytest.fixture
def claimed_warm(claimed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPBE_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "katalog"
    shutil.copytree(claimed, root)
    _cached(root)
    _warm(root)
    return root


def test_an_edit_of_what_the_plafon_counts_is_followed_without_reading_every_entity(
    claimed_warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An application taken out of use: followed on the counts, no whole column of facts read."""
    from spbe_cli import incremental

    asked: list[str] = []
    column = incremental.Change.column

    def spy(self: Any, rule: str) -> Any:
        asked.append(rule)
        return column(self, rule)

    monkeypatch.setattr(incremental.Change, "column", spy)
    [app] = [d for d in _all(claimed_warm, "aplikasi") if d.get("status") != "dihentikan"][:1]
    _set(claimed_warm, app["id"], status="dihentikan", infrastruktur=[])
    before = dict(STATS)
    assert _cached(claimed_warm) == _full(claimed_warm)
    assert STATS["followed"] - before["followed"] == 1, STATS["reason"]
    assert RULE not in asked
    assert _kept_counts(claimed_warm.parent / "cache") == _summed(claimed_warm)
    assert app["id"] not in _kept_counts(claimed_warm.parent / "cache")["app"]


@pytest.mark.parametrize(
    "counts",
    [
        {"app": 5},
        {"app": []},
        {"app": {"apl-000001": -1}},
        {"app": {"apl-000001": "1"}},
        {"app": {"apl-000001": 1.5}},
        {"keamanan": {}},  # no keamanan item counted: the counts do not count the catalog
        {"umum": {}},  # an application of the Aplikasi Umum taken out that was never put in
        None,  # no counts kept
    ],
)
def test_counts_kept_out_of_shape_or_off_the_catalog_are_a_full_run(
    claimed_warm: Path, tmp_path: Path, counts: dict[str, Any] | None
) -> None:
    """Framed as spbe frames it (a valid SHA-256), but the counts do not count the catalog."""
    [snapshot] = (tmp_path / "cache").glob("v*/runs/*.snapshot")
    if counts is None:
        _without(snapshot, f"kept:{RULE}:")
    else:
        _rewrite(snapshot, {}, {f"kept:{RULE}:{k}": v for k, v in counts.items()})
    umum = [d for d in _all(claimed_warm, "aplikasi") if d.get("kategori") == "umum"]
    assert umum
    app = next(d for d in umum if d.get("status") != "dihentikan")
    _set(claimed_warm, app["id"], status="dihentikan")
    before = STATS["followed"]
    assert _cached(claimed_warm) == _full(claimed_warm)
    assert STATS["followed"] == before, STATS["reason"]
    assert _kept_counts(tmp_path / "cache") == _summed(claimed_warm)  # written anew
