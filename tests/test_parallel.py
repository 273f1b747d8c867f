"""The worker gate of a cold load: how busy the machine is now, not over the last minute."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe_cli import parallel
from spbe_cli.parallel import CpuSample, cpu_sample, others_busy, spare_cores, worker_count
from tests.helpers import VALIDATE_CASES, no_child_left

STAT = """cpu  {busy} 0 0 {idle} {iowait} 0 0 0 0 0
cpu0 1 0 0 1 0 0 0 0 0 0
cpu1 1 0 0 1 0 0 0 0 0 0
intr 12345
procs_running {running}
procs_blocked 0
"""


def sample(
    busy: int, idle: int, *, running: int = 1, wall: float = 0.0, own: float = 0.0
) -> CpuSample:
    return CpuSample(busy, busy + idle, 2, running, wall, own)


def test_proc_stat_is_read_as_ticks_cores_and_running_tasks() -> None:
    read = cpu_sample(STAT.format(busy=700, idle=250, iowait=50, running=3))
    assert read is not None
    assert (read.busy, read.total, read.cpus, read.running) == (700, 1000, 2, 3)


@pytest.mark.parametrize(
    "text",
    ["", "cpu  1 2\ncpu0 1 0 0 1\n", "intr 1\nprocs_running 1\n", "cpu  1 0 0 1 0 0 0 0\n"],
)
def test_an_unusable_proc_stat_is_no_measure(text: str) -> None:
    assert cpu_sample(text) is None


def test_other_processes_busy_is_the_machine_less_this_process() -> None:
    # 100 ticks over 0.5 s on 2 cores: 80 working = 1.6 cores, of which this process 0.6 (0.3 s).
    start = sample(1000, 1000, wall=10.0, own=1.0)
    end = sample(1080, 1020, wall=10.5, own=1.3)
    assert others_busy(start, end) == pytest.approx(1.0)
    # This process alone: nobody else.
    assert others_busy(start, sample(1050, 1050, wall=10.5, own=1.5)) == 0.0
    # Too few ticks to tell.
    assert others_busy(start, sample(1003, 1003, wall=10.03, own=1.0)) is None


@pytest.mark.parametrize(
    ("busy_after", "idle_after", "spare"),
    [
        # 100 of 200 ticks working = 1 core, all of it this process's: both cores are free.
        (1100, 1100, 2.0),
        # Another job keeps the other core busy while this process lists its files.
        (1200, 1000, 1.0),
    ],
)
def test_spare_cores_measures_the_window_from_the_listing(
    monkeypatch: pytest.MonkeyPatch, busy_after: int, idle_after: int, spare: float
) -> None:
    reads = iter(
        [sample(1000, 1000, wall=10.0), sample(busy_after, idle_after, wall=11.0, own=1.0)]
    )
    monkeypatch.setattr(parallel, "cpu_sample", lambda: next(reads))
    parallel.watch_cpu()
    [start] = parallel._WATCH
    assert spare_cores(2, start) == pytest.approx(spare)


def test_without_a_window_the_running_tasks_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cpu_sample", lambda: sample(1, 1, running=1))
    assert spare_cores(2) == 2.0  # only this process runs
    monkeypatch.setattr(parallel, "cpu_sample", lambda: sample(1, 1, running=3))
    assert spare_cores(2) == 0.0  # two others run beside it


def test_without_proc_the_load_average_stands_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(parallel, "PROC_STAT", tmp_path / "missing")
    monkeypatch.setattr(os, "getloadavg", lambda: (0.25, 0.5, 0.5))
    assert spare_cores(2) == 1.75
    monkeypatch.delattr(os, "getloadavg")
    assert spare_cores(2) == 0.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
@pytest.mark.parametrize(("spare", "expected"), [(2.0, 2), (1.5, 2), (1.2, 0), (0.0, 0)])
def test_workers_only_with_a_spare_core(
    monkeypatch: pytest.MonkeyPatch, spare: float, expected: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(parallel, "spare_cores", lambda cores, start: spare)
    assert worker_count(parallel.MIN_FILES, {}) == expected
    # SPBE_WORKERS wins over the measure, both ways.
    assert worker_count(parallel.MIN_FILES, {"SPBE_WORKERS": "0"}) == 0
    assert worker_count(parallel.MIN_FILES, {"SPBE_WORKERS": "2"}) == 2


def test_a_window_serves_one_load_only(monkeypatch: pytest.MonkeyPatch) -> None:
    parallel.watch_cpu()
    worker_count(10, {"SPBE_WORKERS": "0"})
    assert parallel._WATCH == []


def test_the_real_proc_stat_reads_where_there_is_one() -> None:
    if not Path("/proc/stat").exists():
        pytest.skip("no /proc")
    read = cpu_sample()
    assert read is not None
    assert read.cpus >= 1
    assert read.total >= read.busy > 0


# -- the rules in two halves -----------------------------------------------------------------


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The work handed to forked children (:class:`spbe_cli.parallel.ForkedChild`, which
    :func:`spbe_cli.parallel.fork_call` starts too)."""
    started: list[object] = []

    class Counted(parallel.ForkedChild):
        def __init__(self, work: Callable[[], Any]) -> None:
            started.append(work)
            super().__init__(work)

    monkeypatch.setattr(parallel, "ForkedChild", Counted)
    return started


def _every_case(dest: Path) -> list[Path]:
    """Every golden invalid case of ``spbe validate``, laid over the minimal catalog."""
    from tests.test_golden_validate import INVALID
    from tests.test_golden_validate import _build as build_case

    return [build_case(case, dest / case.name) for case in INVALID]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_the_rules_in_two_processes_find_what_one_process_finds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forks: list[object]
) -> None:
    from spbe_cli.checks import run_checks
    from spbe_cli.loader import load_catalog

    monkeypatch.setenv("SPBE_WORKERS", "2")
    second_half_found = 0
    cases = _every_case(tmp_path)
    for case in cases:
        catalog, _ = load_catalog(case, case.parent.name)
        serial = run_checks(catalog, halves=False)
        assert run_checks(catalog) == serial, case
        second_half_found += sum(f.code in ("SPBE409", "SPBE610", "SPBE701") for f in serial)
    assert len(forks) == len(cases)
    assert second_half_found  # the child's half found something, in its place


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_validate_prints_the_same_bytes_with_the_rules_in_two_processes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from spbe_cli.cli.app import app
    from tests.test_golden_validate import _build as build_case

    case = build_case(VALIDATE_CASES / "invalid" / "duplicate-apps", tmp_path / "c")
    printed = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SPBE_WORKERS", workers)
        for fmt in ("text", "json"):
            result = CliRunner().invoke(app, ["validate", str(case), "--format", fmt])
            assert result.exit_code == 0  # look-alikes are warnings
            printed[workers, fmt] = result.stdout
    assert "SPBE409" in printed["2", "text"]
    assert printed["1", "text"] == printed["2", "text"]
    assert printed["1", "json"] == printed["2", "json"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_failing_child_leaves_its_half_to_this_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import functools

    from spbe_cli.checks import CHILD_RULES, duplicates, run_checks
    from spbe_cli.loader import load_catalog
    from tests.test_golden_validate import _build as build_case

    case = build_case(VALIDATE_CASES / "invalid" / "duplicate-apps", tmp_path / "c")
    catalog, _ = load_catalog(case, "c")
    serial = run_checks(catalog, halves=False)
    assert any(f.code == "SPBE409" for f in serial)
    here = os.getpid()
    real = duplicates.check_duplicates

    @functools.wraps(real)
    def broken_in_child(ctx: object) -> None:
        if os.getpid() != here:
            raise RuntimeError("child failed")
        real(ctx)  # type: ignore[arg-type]

    assert broken_in_child.__name__ in CHILD_RULES
    monkeypatch.setattr(duplicates, "check_duplicates", broken_in_child)
    monkeypatch.setenv("SPBE_WORKERS", "2")
    assert run_checks(catalog) == serial


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_fork_call_gives_plain_data_or_none() -> None:
    from spbe_cli.parallel import fork_call

    assert fork_call(lambda: [("a", 1, None), {"k": [2.5]}])() == [("a", 1, None), {"k": [2.5]}]
    assert fork_call(lambda: 1 / 0)() is None  # the child failed
    assert fork_call(lambda: object())() is None  # not plain data: nothing sent
    assert fork_call(lambda: os._exit(0))() is None  # left without a word: unreadable
    assert fork_call(lambda: os.kill(os.getpid(), 9))() is None  # killed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_stopped_child_is_gone_and_gives_nothing() -> None:
    import time

    from spbe_cli.parallel import ForkedChild

    child = ForkedChild(lambda: time.sleep(60))
    assert child.started
    started = time.monotonic()
    child.stop()
    assert time.monotonic() - started < 30  # killed, not waited for
    assert not child.started
    assert child.result() is None
    child.stop()  # twice is harmless
    no_child_left()  # reaped: no zombie left
    done = ForkedChild(lambda: "selesai")
    assert done.result() == "selesai"
    done.stop()  # after its result: nothing left to stop


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_stop_while_waiting_for_a_child_ends_the_child_too() -> None:
    """Ctrl-C (or a SIGTERM made an exception) landing while ``result`` waits: no child left.

    The stop lands only once ``result`` is blocked reading the child's answer: on a busy runner
    the timer could run out before, outside ``pytest.raises`` (which stopped the whole session).
    """
    import linecache
    import signal
    import time
    from types import FrameType

    from spbe_cli.parallel import ForkedChild

    def interrupted(_signum: int, frame: FrameType | None) -> None:
        if not (
            frame is not None
            and frame.f_code is ForkedChild.result.__code__
            and ".read()" in linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        ):
            signal.setitimer(signal.ITIMER_REAL, 0.05)  # not waiting yet: a moment later
            return
        raise KeyboardInterrupt

    child = ForkedChild(lambda: time.sleep(60))
    assert child.started
    previous = signal.signal(signal.SIGALRM, interrupted)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            child.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 30  # the child was killed, not waited for
    assert not child.started
    no_child_left()  # reaped: no zombie, nothing still running


def test_no_child_when_forking_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from spbe_cli.parallel import fork_call

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    assert fork_call(lambda: 1)() is None


def test_the_rules_stay_in_one_process_on_a_small_catalog_or_a_busy_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from spbe_cli.parallel import core_idle

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert not core_idle(10, environ={})
    assert not core_idle(10**6, environ={"SPBE_WORKERS": "1"})
    assert core_idle(10, environ={"SPBE_WORKERS": "2"})
    monkeypatch.setattr(parallel, "spare_cores", lambda cores, start: 2.0)
    assert core_idle(parallel.MIN_FILES, environ={})
    assert not core_idle(parallel.MIN_FILES, 10**5, environ={})  # too small for this work
    monkeypatch.setattr(parallel, "spare_cores", lambda cores, start: 1.0)
    assert not core_idle(parallel.MIN_FILES, environ={})


def test_a_child_its_parent_waits_for_has_a_core_however_busy_the_machine_looks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``spare``: the parent's core, counted busy now, idles while it waits (spbe diff's follow).

    The rest of the gate holds: ``SPBE_WORKERS``, one core only, the size of the work.
    """
    from spbe_cli.parallel import core_idle

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(parallel, "spare_cores", lambda cores, start: 0.0)
    assert not core_idle(parallel.MIN_FILES, environ={})
    assert core_idle(parallel.MIN_FILES, environ={}, spare=True)
    assert not core_idle(10, environ={}, spare=True)  # too small to pay
    assert not core_idle(parallel.MIN_FILES, environ={"SPBE_WORKERS": "1"}, spare=True)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert not core_idle(parallel.MIN_FILES, environ={}, spare=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
@pytest.mark.parametrize("processes", [2, 3])
def test_chunks_come_in_file_order_whoever_parses_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, processes: int
) -> None:
    root, files = _opd_files(tmp_path, 60)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    _parsed_in_file_order(root, files, list(parallel.parse_in_workers(root, files, processes)))


def _opd_files(tmp_path: Path, count: int = 40) -> tuple[Path, list[Any]]:
    from spbe_cli.loader import find_files
    from tests.helpers import write_tree

    root = write_tree(
        tmp_path, {f"f{n:03}.yaml": f"entitas: opd\nid: opd-{n}\n" for n in range(count)}
    )
    return root, find_files(root, "")


def _parsed_in_file_order(root: Path, files: list[Any], parsed: list[Any]) -> None:
    """Every file has its result in file order (None: this process parses it when replaying)."""
    from spbe_cli.parsing import parse_bytes

    assert len(parsed) == len(files)
    for file, result in zip(files, parsed, strict=True):
        if result is not None:
            assert result[2] == parse_bytes((root / file.display).read_bytes())
    assert not parallel._FILES
    assert not parallel._BOUNDS


def _only_here(real: Any, dies: Callable[..., None]) -> Callable[..., Any]:
    """``real`` in this process; ``dies`` (which ends the process) in a forked worker."""
    here = os.getpid()

    def call(*args: Any) -> Any:
        if os.getpid() != here:
            dies(*args)
        return real(*args)

    return call


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_chunk_whose_worker_died_is_parsed_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root, files = _opd_files(tmp_path)

    def dies(*_args: Any) -> None:
        os._exit(9)

    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "WAIT_STEP", 0.01)
    monkeypatch.setattr(parallel, "_parse_chunk", _only_here(parallel._parse_chunk, dies))
    _parsed_in_file_order(root, files, list(parallel.parse_in_workers(root, files, 2)))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_worker_killed_holding_the_chunk_lock_does_not_hang_the_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The lock of the chunk counter stays taken when its holder dies: the load goes on here."""
    root, files = _opd_files(tmp_path)

    def dies_holding_the_lock(claims: Any, *_args: Any) -> None:
        claims.get_lock().acquire()
        os._exit(9)

    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "WAIT_STEP", 0.01)
    monkeypatch.setattr(parallel, "_claim", _only_here(parallel._claim, dies_holding_the_lock))
    _parsed_in_file_order(root, files, list(parallel.parse_in_workers(root, files, 2)))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_worker_killed_in_the_middle_of_a_result_does_not_hang_the_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Half a result on the pipe, then the worker's end: the chunk is parsed here, no wait."""
    root, files = _opd_files(tmp_path)

    def dies_half_way(fd: int, payload: bytes) -> None:
        os.write(fd, len(payload).to_bytes(parallel._HEADER, "little") + payload[:10])
        os._exit(9)

    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "WAIT_STEP", 0.01)
    monkeypatch.setattr(parallel, "_write_frame", _only_here(parallel._write_frame, dies_half_way))
    parsed = list(parallel.parse_in_workers(root, files, 2))
    _parsed_in_file_order(root, files, parsed)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_results_sent_in_full_before_a_worker_died_are_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker that sent two results and died on its third: the two are replayed as sent.

    This process claims its first chunk only once the worker has sent its two: a worker slow
    to start under load (a busy CI runner) found every chunk taken by then.
    """
    import pickle
    import time

    root, files = _opd_files(tmp_path / "catalog")
    log = tmp_path / "sent"
    real_write, real_claim = parallel._write_frame, parallel._claim
    here = os.getpid()

    def third_dies(fd: int, payload: bytes) -> None:
        with log.open("a") as sent:
            if len(log.read_text().split()) == 2:
                os._exit(9)
            real_write(fd, payload)
            sent.write(f"{pickle.loads(payload)[0]}\n")

    def two_sent() -> bool:
        return log.exists() and len(log.read_text().split()) >= 2

    def after_two_sent(*args: Any) -> int | None:
        if os.getpid() == here:
            deadline = time.monotonic() + 120  # a bound on a hang, not a measure
            while not two_sent() and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_claim(*args)

    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "_write_frame", third_dies)
    monkeypatch.setattr(parallel, "_claim", after_two_sent)
    parsed = list(parallel.parse_in_workers(root, files, 2))
    _parsed_in_file_order(root, files, parsed)
    sent = [int(index) for index in log.read_text().split()]
    assert len(sent) == 2
    for index in sent:
        assert all(result is not None for result in parsed[4 * index : 4 * index + 4])


# -- spbe sync: the second half of a join and of the JSON in a child ----------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_sync_prints_the_same_bytes_with_a_child(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str, forks: list[object]
) -> None:
    from typer.testing import CliRunner

    from spbe_cli.cli.app import app
    from tests.test_sync import OVERLAPS, _synthetic

    for root in (OVERLAPS, _synthetic(tmp_path, 400)):
        printed = []
        for workers in ("1", "2"):
            monkeypatch.setenv("SPBE_WORKERS", workers)
            result = CliRunner().invoke(app, ["sync", str(root), "--format", fmt])
            assert result.exit_code == 0
            printed.append(result.stdout)
        assert printed[0] == printed[1]
    assert forks  # the function join (and the JSON) went to a child


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_failing_sync_child_leaves_its_work_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from spbe_cli import sync
    from spbe_cli.loader import load_catalog
    from tests.test_sync import _synthetic

    catalog, _ = load_catalog(_synthetic(tmp_path, 400))
    monkeypatch.setenv("SPBE_WORKERS", "1")
    overlaps = sync.find_overlaps(catalog)
    text, single = sync.format_json(overlaps, "c"), sync.format_json(overlaps[:1], "c")
    assert len(overlaps) > 1
    monkeypatch.setenv("SPBE_WORKERS", "2")
    here = os.getpid()
    real_join, real_pairs = sync.join, sync._json_pairs

    def join_fails_in_child(*args: object) -> object:
        if os.getpid() != here:
            os._exit(1)
        return real_join(*args)  # type: ignore[arg-type]

    def pairs_fail_in_child(o: object) -> str:
        if os.getpid() != here:
            raise RuntimeError("child failed")
        return real_pairs(o)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "join", join_fails_in_child)
    monkeypatch.setattr(sync, "_json_pairs", pairs_fail_in_child)
    assert sync.find_overlaps(catalog) == overlaps
    assert sync.format_json(overlaps, "c") == text
    assert sync.format_json(overlaps[:1], "c") == single  # one pair: all of it here


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_the_sync_child_finds_the_places_this_process_would(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forks: list[object]
) -> None:
    """The child of find_overlaps sends each item's place back: the same pairs, the same places.

    One item without a source (a catalog made in code) has no place, there as here.
    """
    from spbe_cli import sync
    from spbe_cli.loader import load_catalog
    from tests.test_sync import _synthetic

    catalog, _ = load_catalog(_synthetic(tmp_path, 400))
    del catalog.sources["P99"]
    monkeypatch.setenv("SPBE_WORKERS", "1")
    here = sync.find_overlaps(catalog)
    assert not forks
    monkeypatch.setenv("SPBE_WORKERS", "2")
    there = sync.find_overlaps(catalog)
    assert forks  # the places came from the child
    assert there == here
    places = {o.first.id: o.first_location for o in there} | {
        o.second.id: o.second_location for o in there
    }
    assert places["P99"] is None
    assert places["P100"] == catalog.where_known("P100", "id")
    assert places["P100"] is not None and places["P100"].line > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_a_worker_that_cannot_be_forked_leaves_its_chunks_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """fork failing (no memory, a process limit): the load goes on, no traceback."""
    import multiprocessing.process

    root, files = _opd_files(tmp_path)

    def no_fork(self: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_fork)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    _parsed_in_file_order(root, files, list(parallel.parse_in_workers(root, files, 3)))


# -- spbe diff: the contents of a side parsed by the workers ------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
@pytest.mark.parametrize("processes", [2, 3])
def test_contents_in_memory_come_in_order_whoever_parses_them(
    monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    from spbe_cli.parsing import parse_bytes

    contents = [f"entitas: opd\nid: opd-{n % 23}\n".encode() for n in range(50)]
    contents.append(b"entitas: opd\nid: [unclosed\n")  # a YAML error travels back too
    monkeypatch.setattr(parallel, "CHUNK", 4)
    parsed = list(parallel.parse_contents_in_workers(contents, processes))
    assert len(parsed) == len(contents)
    for content, result in zip(contents, parsed, strict=True):
        if result is not None:
            assert result[0] == len(content)
            assert result[2] == parse_bytes(content)
    assert not parallel._CONTENTS
    assert not parallel._BOUNDS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_contents_whose_worker_died_are_parsed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def dies(*_args: Any) -> None:
        os._exit(9)

    contents = [f"entitas: opd\nid: opd-{n}\n".encode() for n in range(40)]
    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "WAIT_STEP", 0.01)
    monkeypatch.setattr(parallel, "_parse_chunk", _only_here(parallel._parse_chunk, dies))
    parsed = list(parallel.parse_contents_in_workers(contents, 2))
    assert len(parsed) == len(contents)
    assert not parallel._CONTENTS


def _diff_sides(tmp_path: Path) -> tuple[Path, Path]:
    """Two revisions of a catalog of one entity per file: renamed, added, removed, a twin."""
    import shutil

    from tests.helpers import write_tree
    from tests.test_sync import _synthetic

    base = _synthetic(tmp_path / "base", 0)
    (base / "program.yaml").unlink()
    files = {}
    for i in range(80):
        files[f"program/p{i:03}.yaml"] = (
            f"entitas: program\nid: P{i}\nnama: Program w{i} x{i % 7}\ndimensi: governance\n"
            f"elemen: service\nopd_pj: OPD{i % 50}\ntahun_mulai: 2026\ntahun_selesai: 2026\n"
            "horizon: pendek\n"
        )
    write_tree(base, files)
    changed = tmp_path / "changed"
    shutil.copytree(base, changed)
    (changed / "program" / "p003.yaml").unlink()
    text = (changed / "program" / "p010.yaml").read_text(encoding="utf-8")
    (changed / "program" / "p010.yaml").write_text(
        text.replace("Program w10 x3", "Program w11 x4"), encoding="utf-8"
    )  # now a look-alike of P11 (SPBE610 introduced)
    (changed / "program" / "p999.yaml").write_text(
        files["program/p020.yaml"].replace("P20", "P999"), encoding="utf-8"
    )
    return base, changed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_diff_prints_the_same_bytes_with_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Folders and git revisions: the side parsed by workers gives the review one process gives."""
    import shutil

    from typer.testing import CliRunner

    from spbe_cli.cli.app import app
    from tests.helpers import git, isolate_git

    base, changed = _diff_sides(tmp_path)
    isolate_git(monkeypatch, tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for tag, side in (("v1", base), ("v2", changed)):
        if (repo / "catalog").exists():
            shutil.rmtree(repo / "catalog")
        shutil.copytree(side, repo / "catalog")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", tag)
        git(repo, "tag", tag)
    monkeypatch.setattr(parallel, "CHUNK", 8)
    printed: dict[tuple[str, str, str], str] = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SPBE_WORKERS", workers)
        for fmt in ("json", "markdown"):
            result = CliRunner().invoke(app, ["diff", str(base), str(changed), "--format", fmt])
            assert result.exit_code == 0, result.output
            printed[workers, "folders", fmt] = result.stdout
            monkeypatch.chdir(repo)
            result = CliRunner().invoke(app, ["diff", "v1", "v2", "--format", fmt])
            assert result.exit_code == 0, result.output
            printed[workers, "git", fmt] = result.stdout
            monkeypatch.chdir(tmp_path)
    assert "SPBE610" in printed["1", "folders", "json"]  # the finding the change introduces
    assert "P999" in printed["1", "git", "json"]
    for key, text in printed.items():
        assert text == printed[("1", *key[1:])], key


# -- property: a cold load parsed by workers prints what one process prints ----------------------

#: More findings than a file may show (SPBE020): every document refused by the schema.
_CAPPED = "---\n".join(f"entitas: opd\nid: opd-{n}\n" for n in range(60))
_PIECES = [
    # A document the schema refuses, one it does not know, one with a placeholder.
    "entitas: opd\nid: OPD-A\n",
    "entitas: nope\nid: X-1\n",
    "entitas: aplikasi\nid: APP-9\nnama: TODO\nraa: RAA.99\n",
    # The same id in two files: which one is "first" follows the file order.
    "entitas: opd\nid: OPD-KEMBAR\nnama: Dinas Kembar\nsingkatan: K\n",
    # YAML problems: a syntax error (the documents after it salvaged), a repeated key, bad UTF-8.
    "entitas: opd\nid: OPD-S\nnama: S\nsingkatan: S\n---\nentitas: opd\nid: OPD-T\nnama: [1\n",
    "entitas: opd\nid: OPD-D\nnama: A\nnama: B\nsingkatan: D\n",
    b"entitas: opd\nid: OPD-U\nnama: \xff\n",
    "",
    "# komentar saja\n",
    _CAPPED,
]
_NAMES = ["a.yaml", "A.yaml", "b/c.yml", "b/C.yml", "d.YAML", "e.yaml.txt", "f/g.yaml", "h.yaml"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    files=st.dictionaries(
        st.sampled_from(_NAMES), st.sampled_from(range(len(_PIECES))), min_size=1, max_size=8
    ),
    link=st.booleans(),
    processes=st.sampled_from(["2", "3"]),
    chunk=st.integers(1, 5),
)
def test_workers_print_what_one_process_prints_on_random_catalogs(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, int],
    link: bool,
    processes: str,
    chunk: int,
) -> None:
    """Findings in the same order, the same SPBE020 caps, refused files and documents alike.

    Cold, with the cache off and with it on (workers fill it), then warm (read here).
    """
    from spbe_cli import cachestate
    from spbe_cli.report import format_json
    from spbe_cli.validate import validate_catalog
    from tests.helpers import copy_minimal, write_tree

    base = tmp_path_factory.mktemp("workers")
    root = copy_minimal(base / "catalog")
    write_tree(root, {f"acak/{name}": _PIECES[piece] for name, piece in files.items()})
    if link:
        (base / "elsewhere.yaml").write_text("entitas: opd\n")
        (root / "acak" / "keluar.yaml").symlink_to(base / "elsewhere.yaml")  # refused: SPBE010
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base / "cache"))
    monkeypatch.setattr(parallel, "CHUNK", chunk)

    def printed(workers: str, cached: bool) -> str:
        monkeypatch.setenv("SPBE_WORKERS", workers)
        monkeypatch.setitem(cachestate._state, "enabled", cached)
        return format_json(validate_catalog(root, "katalog")[1], "katalog")

    single = printed("0", cached=False)
    assert printed(processes, cached=False) == single
    assert printed(processes, cached=True) == single  # cold: the workers write the entries
    assert printed(processes, cached=True) == single  # warm
    read = [_PIECES[piece] for name, piece in files.items() if not name.endswith(".txt")]
    if _CAPPED in read:
        assert '"SPBE020"' in single


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_the_sync_json_child_words_the_evidence_of_its_half(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forks: list[object]
) -> None:
    """rank_overlaps makes no pair before it is read; json_parts makes each half where it is
    laid out, the second in the child: this process words the first half's evidence only, and
    the document is the one of the pairs made whole. A child that fails leaves its half here.
    """
    from spbe_cli import sync
    from spbe_cli.loader import load_catalog
    from tests.test_sync import _synthetic

    catalog, _ = load_catalog(_synthetic(tmp_path, 400))
    monkeypatch.setenv("SPBE_WORKERS", "1")
    whole = sync.find_overlaps(catalog)
    text = sync.format_json(whole, "c")
    assert len(whole) > 2
    monkeypatch.setenv("SPBE_WORKERS", "2")
    here = os.getpid()
    worded: list[int] = []
    real_evidence = sync._evidence

    def counted(*args: object) -> object:
        if os.getpid() == here:
            worded.append(1)
        return real_evidence(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "_evidence", counted)
    found = sync.rank_overlaps(catalog)
    assert len(found) == len(whole) and not worded  # ranked, nothing worded yet
    assert "".join(sync.json_parts(found, "c")) == text
    assert forks  # the second half went to a child
    assert len(worded) == len(whole) // 2
    assert list(found) == whole  # read: made whole here, the same pairs
    assert sync.format_json(found, "c") == text

    def fails_in_child(*args: object) -> object:
        if os.getpid() != here:
            raise RuntimeError("child failed")
        return real_evidence(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "_evidence", fails_in_child)
    assert sync.format_json(sync.rank_overlaps(catalog), "c") == text


def _alike_both_ways(root: Path, n: int) -> Path:
    """The overlaps catalog with ``n`` more applications of its OPDs, alike by name, by function
    or by both (few words each, from a small vocabulary)."""
    import random
    import shutil

    from tests.test_sync import OVERLAPS

    shutil.copytree(OVERLAPS, root)
    rng = random.Random(17)
    words = [f"kata{i}" for i in range(9)]
    docs = [
        f"entitas: aplikasi\nid: APP-X{i}\nnama: Sistem {' '.join(rng.sample(words, 2))}\n"
        f"raa: RAA.02.02\nkategori: khusus\npemilik: OPD-{'ABC'[i % 3]}\n"
        f"fungsi: mengelola {' '.join(rng.sample(words, 2))}"
        for i in range(n)
    ]
    # Some names with a character json_dumps writes as is (é) and one it escapes (a bidi mark).
    text = "\n---\n".join(docs).replace("nama: Sistem", "nama: Sistem café\u200e", 6)
    (root / "aplikasi-x.yaml").write_text(text + "\n", encoding="utf-8")
    return root


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_sync_json_laid_out_by_two_processes_is_the_document_of_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forks: list[object]
) -> None:
    """rank_json: the child lays out the applications alike by function, this process those
    alike by name (and the data sets and programs); a pair alike both ways, laid out by
    both, is written once, and the document is the one a single process writes, with --opd too.
    Without a child it is rank_overlaps; read as pairs, it makes them whole here.
    """
    from spbe_cli import sync
    from spbe_cli.errors import Severity
    from spbe_cli.loader import load_catalog

    catalog, findings = load_catalog(_alike_both_ways(tmp_path / "c", 150))
    assert not [f for f in findings if f.severity is Severity.ERROR]
    threshold, items_of = sync._compared(catalog, None, sync.KINDS)
    apps = items_of["aplikasi"]
    assert sync._joined(apps, threshold, "name") & sync._joined(apps, threshold, "function")
    monkeypatch.setenv("SPBE_WORKERS", "1")
    for opd in (None, "OPD-A"):
        whole = sync.find_overlaps(catalog, opd=opd)
        text = sync.format_json(whole, "c")
        assert whole and (opd is not None or {o.kind for o in whole} == set(sync.KINDS))
        assert opd is not None or ("café" in text and "\\u200e" in text)
        assert not isinstance(sync.rank_json(catalog, opd=opd), sync.LaidOut)
        assert sync.format_json(sync.rank_json(catalog, opd=opd), "c") == text
        assert not forks
        monkeypatch.setenv("SPBE_WORKERS", "2")
        laid = sync.rank_json(catalog, opd=opd)
        assert isinstance(laid, sync.LaidOut) and laid.body is not None
        assert len(forks) == 1  # one child, and json_parts starts none
        assert len(laid) == len(whole)
        assert sync.format_json(laid, "c") == text
        assert len(forks) == 1
        assert list(laid) == whole
        forks.clear()
        monkeypatch.setenv("SPBE_WORKERS", "1")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_failing_rank_json_child_leaves_its_work_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from spbe_cli import sync
    from spbe_cli.loader import load_catalog

    catalog, _ = load_catalog(_alike_both_ways(tmp_path / "c", 60))
    monkeypatch.setenv("SPBE_WORKERS", "1")
    text = sync.format_json(sync.find_overlaps(catalog), "c")
    monkeypatch.setenv("SPBE_WORKERS", "2")
    here = os.getpid()
    real_join = sync.join

    def join_fails_in_child(*args: object) -> object:
        if os.getpid() != here:
            os._exit(1)
        return real_join(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "join", join_fails_in_child)
    laid = sync.rank_json(catalog)
    assert isinstance(laid, sync.LaidOut) and laid.body is not None
    assert sync.format_json(laid, "c") == text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_rank_json_leaves_a_value_the_template_does_not_take_to_json_dumps(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The template failing (TypeError, here or in the child): the pairs are made on first
    read and json_dumps lays them out, the same document."""
    from spbe_cli import sync
    from spbe_cli.loader import load_catalog

    catalog, _ = load_catalog(_alike_both_ways(tmp_path / "c", 60))
    monkeypatch.setenv("SPBE_WORKERS", "1")
    whole = sync.find_overlaps(catalog)
    text = sync.format_json(whole, "c")
    monkeypatch.setenv("SPBE_WORKERS", "2")

    def odd(overlaps: object) -> list[str]:
        raise TypeError(overlaps)

    monkeypatch.setattr(sync, "_json_items", odd)
    laid = sync.rank_json(catalog)
    assert isinstance(laid, sync.LaidOut) and laid.body is None
    assert len(laid) == len(whole)
    assert sync.format_json(laid, "c") == text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_child_forked_for_work_an_exception_abandons_is_not_left_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The block's own work fails before the child's result is asked for: the child is ended
    and waited for all the same (no zombie, nor one blocked on a pipe nobody reads)."""
    import time

    from spbe_cli.parallel import forking

    monkeypatch.setenv("SPBE_WORKERS", "2")
    with pytest.raises(ZeroDivisionError), forking(lambda: time.sleep(30), 10_000, 1):
        _ = 1 / 0
    no_child_left()
    with forking(lambda: [1, "a"], 10_000, 1) as result:
        assert result() == [1, "a"]
    no_child_left()


def test_sync_json_that_falls_back_to_json_dumps_leaves_no_child(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """spbe sync's JSON whose pairs the template does not take (TypeError here and in the
    child laying out the second half): json_dumps writes them, and no child is left."""
    from spbe_cli import sync
    from spbe_cli.loader import load_catalog

    catalog, _ = load_catalog(_alike_both_ways(tmp_path / "c", 60))
    monkeypatch.setenv("SPBE_WORKERS", "1")
    text = sync.format_json(sync.find_overlaps(catalog), "c")
    monkeypatch.setenv("SPBE_WORKERS", "2")

    def odd(overlaps: object) -> list[str]:
        raise TypeError(overlaps)

    monkeypatch.setattr(sync, "_json_items", odd)
    assert sync.format_json(sync.find_overlaps(catalog), "c") == text
    no_child_left()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux")
def test_a_rule_failing_in_this_process_leaves_no_rules_child(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The rules in two halves: a rule of this process's half raising before the child's
    findings are asked for ends the child and waits for it (``start_checks`` is a context)."""
    from spbe_cli import checks
    from spbe_cli.loader import load_catalog
    from tests.test_golden_validate import _build as build_case

    case = build_case(VALIDATE_CASES / "invalid" / "duplicate-apps", tmp_path / "c")
    catalog, _ = load_catalog(case, "c")
    monkeypatch.setenv("SPBE_WORKERS", "2")

    def broken(ctx: checks.Context) -> None:
        raise ZeroDivisionError

    every = checks.all_checks()
    ours = next(c for c in every if c.__name__ not in checks.CHILD_RULES)
    broken.__name__ = ours.__name__
    monkeypatch.setattr(checks, "all_checks", lambda: [broken if c is ours else c for c in every])
    with pytest.raises(ZeroDivisionError):
        checks.run_checks(catalog)
    no_child_left()
