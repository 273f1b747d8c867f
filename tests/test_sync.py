"""``spbe sync``: look-alike programs, applications and data sets across OPDs."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spbe_cli import similarity
from spbe_cli.cli.app import app
from spbe_cli.loader import load_catalog
from spbe_cli.similarity import jaccard, pair_with_earlier
from spbe_cli.sync import Candidate, find_overlaps
from tests.helpers import CASES, write_tree

runner = CliRunner()
OVERLAPS = CASES / "progress" / "overlaps" / "catalog"


def pairs(root: Path = OVERLAPS, **kwargs: object) -> list[tuple[str, str, str]]:
    catalog, findings = load_catalog(root, "catalog")
    assert not findings
    return [(o.kind, o.first.id, o.second.id) for o in find_overlaps(catalog, **kwargs)]  # type: ignore[arg-type]


def test_true_pairs_are_found_and_near_misses_are_not() -> None:
    assert pairs() == [
        ("program", "PRG-A2", "PRG-B2"),  # similar names, different elements
        ("program", "PRG-A1", "PRG-C1"),  # different names, the same sub kegiatan
        ("aplikasi", "APP-A1", "APP-B1"),  # same name without the common words, same code
        ("aplikasi", "APP-A4", "APP-C4"),  # 40% alike, but the same RAA code
        ("data_informasi", "DATA-A1", "DATA-C1"),  # the same data produced twice
    ]
    # Not reported: PRG-A3/PRG-A4 (same OPD), PRG-B6 (cancelled), APP-C3 (stopped),
    # APP-B2/APP-C2 (same code, nothing else), APP-A4/APP-C2 (50%, different codes),
    # DATA-A2/DATA-B2 (same code, 20%).


def test_threshold_changes_the_result() -> None:
    assert ("aplikasi", "APP-A4", "APP-C2") in pairs(threshold=0.5)
    assert ("aplikasi", "APP-A4", "APP-C4") not in pairs(threshold=0.9)


def test_opd_filter_keeps_pairs_involving_it() -> None:
    assert pairs(opd="OPD-B") == [("program", "PRG-A2", "PRG-B2"), ("aplikasi", "APP-A1", "APP-B1")]


def test_text_output_has_evidence_and_locations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(OVERLAPS.parent)
    result = runner.invoke(app, ["sync", "catalog"])
    assert result.exit_code == 0
    out = result.stdout
    assert "Data set DATA-A1 (OPD-A) and DATA-C1 (OPD-C) look like the same thing:" in out
    assert "  catalog/data.yaml:3:5: DATA-A1 (OPD-A) Data Penduduk Miskin" in out
    assert "  catalog/data.yaml:13:5: DATA-C1 (OPD-C) Data Penduduk Miskin Mimika" in out
    assert "  = the same data produced twice: by OPD-A and by OPD-C" in out
    assert "  = same budget sub-activity: 3.27.03.2.01.0001" in out
    assert "  = similar names 40% (shared words: perizinan, usaha)" in out
    assert out.endswith("5 look-alike pairs across OPDs.\n")
    assert runner.invoke(app, ["sync", "catalog", "--fail-on-overlap"]).exit_code == 1


def test_json_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(OVERLAPS.parent)
    result = runner.invoke(app, ["sync", "catalog", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["schema"] == "spbe.sync/1"
    assert data["jumlah"] == 5
    first = data["pasangan"][4]
    assert first["jenis"] == "data_informasi"
    assert [b["kode"] for b in first["bukti"]] == ["code", "name", "produced_twice"]
    assert (first["pertama"]["path"], first["pertama"]["line"]) == ("catalog/data.yaml", 3)
    md = runner.invoke(app, ["sync", "catalog", "--format", "markdown"]).stdout
    assert md.startswith("# Possible overlaps across OPDs\n")


def _synthetic(root: Path, n: int) -> Path:
    """``n`` programs over 50 OPDs with mostly distinct names; one exact twin per 100."""
    meta = (CASES / "progress" / "known" / "catalog" / "metadata.yaml").read_text(encoding="utf-8")
    files = {"metadata.yaml": meta}
    opds = "\n---\n".join(
        f"entitas: opd\nid: OPD{i}\nnama: OPD {i}\njenis: dinas" for i in range(50)
    )
    files["opd.yaml"] = opds
    docs = []
    for i in range(n):
        name = (
            f"Program w{i} x{i % 97} y{i % 89}"
            if i % 100
            else f"Program w{i - 1} x{(i - 1) % 97} y{(i - 1) % 89}"
        )
        docs.append(
            f"entitas: program\nid: P{i}\nnama: {name}\ndimensi: governance\nelemen: service\n"
            f"opd_pj: OPD{i % 50}\ntahun_mulai: 2026\ntahun_selesai: 2026\nhorizon: pendek"
        )
    files["program.yaml"] = "\n---\n".join(docs)
    return write_tree(root, files)


def test_not_quadratic(tmp_path: Path) -> None:
    """Doubling the catalog roughly doubles the candidate pairs (and never squares them)."""
    counts = []
    for n in (1000, 2000, 4000):
        catalog, _ = load_catalog(_synthetic(tmp_path / str(n), n))
        found = find_overlaps(catalog)
        counts.append(len(found))
    # one twin per 100 programs (the twin at i % 100 == 0 except i == 0 copies program i - 1)
    assert counts == [9, 19, 39]


def _similar(
    sets: list[frozenset[str]], owners: list[str], threshold: float
) -> set[tuple[int, int]]:
    return {
        (a, b)
        for a in range(len(sets))
        for b in range(a + 1, len(sets))
        if owners[a] != owners[b] and jaccard(sets[a], sets[b]) >= threshold
    }


def test_pair_with_earlier_misses_no_similar_pair() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(30)]
    sets = [frozenset(rng.sample(vocab, rng.randint(0, 6))) for _ in range(300)]
    owners = [f"opd{rng.randint(1, 5)}" for _ in sets]
    for threshold in (0.2, 0.3, 0.5, 0.6, 0.75, 0.9, 1.0):
        # With a probe budget that never binds, the guarantee is exact.
        found = pair_with_earlier(sets, threshold, owners, max_probes=len(sets))
        # Every reported pair is similar, of two owners, and names each later set once.
        for a, b in found:
            assert owners[a] != owners[b]
            assert jaccard(sets[a], sets[b]) >= threshold
        assert len({b for _, b in found}) == len(found)
        # Of any similar pair of different owners, at least one side is reported.
        covered = {i for pair in found for i in pair}
        for a, b in _similar(sets, owners, threshold):
            assert a in covered or b in covered, (threshold, a, b)


def test_a_cluster_of_look_alikes_costs_one_pair_per_member() -> None:
    # 3,000 OPDs each with the same application: 2,999 pairs, not 4.5 million.
    sets = [frozenset({"simpeg", "kepegawaian", f"opd{i}"}) for i in range(3000)]
    owners = [f"opd{i}" for i in range(3000)]
    found = pair_with_earlier(sets, 0.5, owners)
    assert len(found) == 2999
    assert {a for a, _ in found} == {0}


class _Owner(str):
    """An owner that counts the times it is told apart from another (one per comparison)."""

    __slots__ = ()
    compared = 0

    def __ne__(self, other: object) -> bool:
        _Owner.compared += 1
        return str.__ne__(self, other)


def test_common_words_bound_the_comparisons() -> None:
    # 5,000 names of one shared word plus a unique one: no pair is similar, and each set is
    # compared with at most max_probes earlier ones instead of all of them.
    sets = [frozenset({"jalan", f"u{i}"}) for i in range(5000)]
    owners = [_Owner(f"opd{i}") for i in range(5000)]
    _Owner.compared = 0
    assert pair_with_earlier(sets, 0.5, owners, max_probes=50) == []
    assert 5000 < _Owner.compared <= 5000 * 50


def test_same_owner_twins_are_not_pairs_but_stay_findable() -> None:
    sets = [
        frozenset({"jalan", "desa"}),
        frozenset({"jalan", "desa"}),
        frozenset({"jalan", "desa"}),
    ]
    # The two twins of A are no pair; B's look-alike is paired with one of them.
    [(earlier, later)] = pair_with_earlier(sets, 0.6, ["A", "A", "B"])
    assert later == 2
    assert earlier in (0, 1)


def test_the_bundled_catalog_shows_an_illustrative_overlap() -> None:
    """A newcomer running `spbe sync` on the bundled catalog sees what the command is for."""
    bundled = Path(__file__).parent.parent / "catalog"
    found = pairs(bundled)
    assert ("data_informasi", "DI-AGREGAT-PENDUDUK", "DI-PENDUDUK-PERENCANAAN") in found
    catalog, _ = load_catalog(bundled)
    assert catalog.get("DI-PENDUDUK-PERENCANAAN").ilustratif is True


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_ascii_names_skip_the_unicode_folding_with_the_same_words(text: str) -> None:
    stop = frozenset({"dan", "sistem"})
    slow = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    expected = frozenset(w for w in re.findall(r"[a-z0-9]+", slow) if w not in stop and len(w) > 1)
    assert similarity.tokens(text, stop) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.frozensets(st.sampled_from([f"w{i}" for i in range(12)]), max_size=6),
            st.sampled_from(["A", "B", "C"]),
        ),
        max_size=40,
    ),
    st.sampled_from([0.2, 0.3, 0.5, 0.6, 0.75, 1.0]),
)
def test_pair_with_earlier_covers_every_similar_pair_of_random_names(
    named: list[tuple[frozenset[str], str]], threshold: float
) -> None:
    """Against brute force over all pairs: with the probe budget not binding, nothing escapes."""
    sets = [words for words, _ in named]
    owners = [owner for _, owner in named]
    found = pair_with_earlier(sets, threshold, owners, max_probes=len(sets) + 1)
    similar = _similar(sets, owners, threshold)
    assert {(min(a, b), max(a, b)) for a, b in found} <= similar
    assert len({later for _, later in found}) == len(found)
    covered = {i for pair in found for i in pair}
    assert all(a in covered or b in covered for a, b in similar)


def _joined_one_code_at_a_time(
    items: list[Candidate], threshold: float, side: str
) -> set[tuple[int, int]]:
    """sync._joined as first written: the join of the kind, then of each code's items alone."""
    owners = [c.owner for c in items]
    sets = [c.name if side == "name" else c.function for c in items]
    pairs = {(min(a, b), max(a, b)) for a, b in pair_with_earlier(sets, threshold, owners)}
    by_code: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        by_code.setdefault(item.code, []).append(position)
    for members in by_code.values():
        if len(members) < 2:
            continue
        found = pair_with_earlier(
            [sets[m] for m in members], threshold / 2, [owners[m] for m in members]
        )
        pairs.update((members[min(a, b)], members[max(a, b)]) for a, b in found)
    return pairs


@pytest.mark.parametrize("seed", range(12))
def test_the_joins_of_a_kind_find_the_pairs_they_found_one_code_at_a_time(seed: int) -> None:
    # The words of a kind are coded once for its join and for those of each code (sync._joined):
    # the same pairs as joining each code's items on their own, on hundreds of look-alikes.
    from spbe_cli.sync import _joined

    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(rng.randint(6, 40))]

    def words() -> frozenset[str]:
        return frozenset(rng.sample(vocabulary, rng.randint(0, min(8, len(vocabulary)))))

    items = [
        Candidate(
            "aplikasi",
            f"APL-{n}",
            rng.choice(["", "OPD-A", "OPD-B", "OPD-C", "OPD-D"]),
            "",
            f"RAA.{rng.randint(1, 6)}",
            "",
            words(),
            words(),
        )
        for n in range(rng.randint(50, 700))
    ]
    threshold = rng.choice([0.3, 0.5, 0.6, 0.75])
    for side in ("name", "function"):
        assert _joined(items, threshold, side) == _joined_one_code_at_a_time(items, threshold, side)


def test_rank_json_splits_the_work_by_the_weight_of_each_side() -> None:
    """The largest kind's names stay here and its functions go to the child, weighed unequally
    (the functions' side is the heavier one); each other kind goes whole to the lighter side,
    this process on a tie, and every side of every kind is found by exactly one process."""
    from spbe_cli import sync

    national = {"program": 1915, "aplikasi": 27361, "data_informasi": 2839}
    here, there = sync._split_jobs(national)
    assert here == [
        ("aplikasi", ("name", "budget")),
        ("data_informasi", ("name", "function", "budget")),
        ("program", ("name", "function", "budget")),
    ]
    assert there == [("aplikasi", ("function",))]
    # Another kind that outweighs the gap goes to the child once this side is the heavier.
    here, there = sync._split_jobs({"aplikasi": 1000, "program": 300, "data_informasi": 250})
    assert [kind for kind, _ in here] == ["aplikasi", "program"]
    assert [kind for kind, _ in there] == ["aplikasi", "data_informasi"]
    for sizes in (national, {"aplikasi": 10, "program": 10, "data_informasi": 10}, {"program": 5}):
        here, there = sync._split_jobs(sizes)
        found = sorted((kind, side) for kind, sides in here + there for side in sides)
        assert found == sorted((kind, side) for kind in sizes for side in (*sync.SIDES, "budget"))
