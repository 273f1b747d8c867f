"""A followed edit's look-alike pairing in a forked child beside the other rules' forms.

``spbe_cli.incremental._rules_after`` sets the pairing of a changed group aside in a child
(``SPBE_WORKERS=2`` forces it here): the report and the snapshot written are those of one
process, byte for byte, whatever the child does (pairs, fails, dies, sends garbage, cannot
follow the edit), and no child is left behind.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from spbe_cli import parallel
from spbe_cli.incremental import STATS, UPDATES, CannotFollow, forms
from tests import test_incremental as followed
from tests.helpers import no_child_left
from tests.test_incremental import _all, _cached, _full, _pairing_edit

# The look-alike twins of tests/test_incremental.py, warm (and the fixtures they stand on).
generated, cache_on, twins = followed.generated, followed.cache_on, followed.twins

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="children are forked on Linux"
)


def _aside(work: Any) -> bool:
    """Whether ``work`` is the form set aside (not another child: the rules of a full run)."""
    return "_set_aside" in getattr(work, "__qualname__", "")


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The children started for a form set aside; ``children.replace`` swaps their work."""

    class Started(list[Any]):
        replace: Any = None

    started = Started()

    class Counted(parallel.ForkedChild):
        def __init__(self, work: Any) -> None:
            if _aside(work):
                started.append(work)
                if started.replace is not None:
                    work = started.replace
            super().__init__(work)

    monkeypatch.setattr(parallel, "ForkedChild", Counted)
    return started


def _edited(twins: dict[str, list[Path]]) -> Path:
    """The catalog with the big application group reworded (paired again), as left warm."""
    root = twins["root"][0]
    owners = [d["id"] for d in _all(root, "opd")]
    _pairing_edit(twins["aplikasi-big"], "reworded", owners)
    return root


def _run(
    root: Path, cache: Path, saved: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> tuple[str, dict[str, bytes], dict[str, Any]]:
    """One cached run from the cache ``saved``: its report, run records and snapshot, STATS."""
    shutil.rmtree(cache)
    shutil.copytree(saved, cache)
    monkeypatch.setenv("SPBE_WORKERS", workers)
    before = dict(STATS)
    report = _cached(root)
    stats = {"followed": STATS["followed"] - before["followed"], "reason": STATS["reason"]}
    stored = {p.name: p.read_bytes() for p in sorted(cache.glob("v*/runs/*"))}
    no_child_left()
    return report, stored, stats


@pytest.fixture
def saved(twins: dict[str, list[Path]], tmp_path: Path) -> tuple[Path, Path, Path]:
    """The edited catalog, its cache folder, and a copy of that cache before the edit's run."""
    root = _edited(twins)
    cache = tmp_path / "cache"
    shutil.copytree(cache, tmp_path / "saved")
    return root, cache, tmp_path / "saved"


def test_the_pairing_in_a_child_gives_the_report_and_snapshot_of_one_process(
    saved: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, children: list[Any]
) -> None:
    root, cache, copy = saved
    one = _run(root, cache, copy, monkeypatch, "1")
    assert children == []
    two = _run(root, cache, copy, monkeypatch, "2")
    assert len(children) == 1
    assert one[2]["followed"] == two[2]["followed"] == 1, two[2]["reason"]
    assert two[0] == one[0] == _full(root)
    assert '"SPBE409"' in one[0]
    assert two[1] == one[1]  # the run record and the snapshot, byte for byte
    assert any(name.endswith(".snapshot") for name in one[1])


def _fails() -> Any:
    raise ZeroDivisionError


def _dies() -> Any:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(
    "work",
    [
        _fails,
        _dies,
        lambda: "sampah",
        lambda: ["found", [["SPBE409"]]],
        lambda: ["found", 7],
        lambda: ["lain", []],
        lambda: ["cannot", 3],
    ],
    ids=["fails", "dies", "text", "bad-finding", "no-list", "unknown", "bad-reason"],
)
def test_a_child_that_fails_dies_or_sends_garbage_leaves_the_pairing_here(
    saved: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    children: list[Any],
    work: Any,
) -> None:
    root, cache, copy = saved
    one = _run(root, cache, copy, monkeypatch, "1")
    children.replace = work  # type: ignore[attr-defined]
    two = _run(root, cache, copy, monkeypatch, "2")
    assert len(children) == 1
    assert two[2]["followed"] == 1, two[2]["reason"]
    assert two[:2] == one[:2]


def _cannot(_old: Any, _change: Any) -> Any:
    raise CannotFollow("pasangan tidak bisa diikuti")


def _broken(_old: Any, _change: Any) -> Any:
    raise KeyError("a later form")


@pytest.mark.parametrize("later_fails", [False, True])
def test_a_child_that_cannot_follow_the_edit_makes_it_a_full_run(
    saved: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    children: list[Any],
    later_fails: bool,
) -> None:
    """The pairing's CannotFollow, from the child, as from this process: a full run, its reason.

    A form after it that fails too does not hide it (one process stops at the pairing).
    """
    root, cache, copy = saved
    forms()
    name = "check_duplicates"
    monkeypatch.setitem(UPDATES, name, dataclasses.replace(UPDATES[name], update=_cannot))
    if later_fails:
        later = "check_evaluasi"
        monkeypatch.setitem(UPDATES, later, dataclasses.replace(UPDATES[later], update=_broken))
    one = _run(root, cache, copy, monkeypatch, "1")
    two = _run(root, cache, copy, monkeypatch, "2")
    assert len(children) == 1
    assert (
        one[2] == two[2] == {"followed": 0, "reason": "CannotFollow: pasangan tidak bisa diikuti"}
    )
    assert two[0] == one[0] == _full(root)
