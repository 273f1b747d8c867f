"""The worker gate of a cold load: how busy the machine is now, not over the last minute."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from spbe_cli import parallel
from spbe_cli.parallel import CpuSample, cpu_sample, others_busy, spare_cores, worker_count

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
