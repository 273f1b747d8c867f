"""Use the idle cores of the machine for a large catalog: parsing, the rules, ``spbe sync``.

Parsing (decode, compose, build) is most of a cold load and each file is parsed on its own.
The file list (or, for ``spbe diff``, the contents of a side read already) is cut into
chunks; this process and its forked workers each take the first chunk nobody has taken yet.
This process replays the results, in file order, into the catalog (the schema models and every
cross-file rule run there, as in a single-process load): it parses a chunk itself when its turn
comes and nobody took it, and while the next chunk is still with a worker it parses a later
one, so it is never idle while a chunk is left. The output is therefore byte-identical to a
single-process run. A file a worker cannot read is left to this
process, which reads it again and reports why; a chunk whose worker died is parsed here.

After loading, :func:`fork_call` and :func:`forking` run plain-data work in a forked child (half
of the rules, half of ``spbe sync``'s work) while this process does the rest; a child that fails
leaves its work to this process.

Workers are forked (Linux): they share the loaded interpreter and start in milliseconds. Where
fork is not the platform's way (macOS, Windows), the catalog is small, or no core is idle, nothing
changes. Whether a core is idle is measured now, not over the last minute: the load average lags
by a minute, so a run started right after a busy one kept one core, and one started while another
job was starting used two. ``/proc/stat`` is read when the files start being listed and again
when they are listed; the CPU time other processes took in between (the machine's busy time less
this process's own) tells how many cores they keep busy. Without that window (or with one too
short to count), the tasks running at that instant (``procs_running``, this one excepted) stand
in; without ``/proc``, the load average.
``SPBE_WORKERS`` sets the number of processes that parse, this one included (``0`` or ``1``:
parse in this process only, and no child for the rules or ``spbe sync`` either).

With the content cache on, a worker reads a file's entry rather than parsing it, as this process
would (:func:`spbe_cli.cachestate.known_entry`, :func:`spbe_cli.cachestate.parse_keyed`): a warm run
shares the reading and checking of the entries among the cores as a cold run shares the parsing.
(Read by this process alone, the 48,652 entries of the national catalog took longer than parsing
them on two cores.)
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from spbe_cli.cachestate import known_entry, open_cache, parse_keyed
from spbe_cli.parsing import ParsedFile, packed

if TYPE_CHECKING:
    from spbe_cli.cache import ContentCache
    from spbe_cli.loader import CatalogFile, _Loader

#: A file parsed by a worker: its size, its content key (None without a cache), the result.
Parsed = tuple[int, str | None, ParsedFile]

#: Below this many files a catalog is parsed in the main process: starting workers and
#: sending results back costs more than it saves (measured with bench/run.py --only validate).
MIN_FILES = 2000
#: Files per task: large enough that sending a task costs little, small enough to share the
#: work evenly and keep few results waiting in memory.
CHUNK = 250


#: Where Linux counts each core's time (in ticks of 1/100 s) and the tasks running now.
PROC_STAT = Path("/proc/stat")
#: Fewer ticks than this between two reads (all cores together) count as no measure.
MIN_TICKS = 8
#: Cores that must be free, this process's own included, for workers to pay: one for this
#: process and most of another (measured shares are accurate to a tick or two).
MIN_SPARE = 1.5


@dataclass(frozen=True)
class CpuSample:
    """One read of ``/proc/stat``, with this process's own CPU time and the clock."""

    busy: int
    """Ticks all cores spent working since boot (user, nice, system, irq, softirq, steal)."""
    total: int
    """Ticks all cores counted since boot (working, idle and waiting for I/O)."""
    cpus: int
    """Cores of the machine (``cpuN`` lines)."""
    running: int
    """Tasks running or ready to run at the moment of the read, this one included."""
    wall: float
    """``time.perf_counter()`` at the read."""
    own: float
    """This process's CPU time (``time.process_time()``) at the read."""


def cpu_sample(text: str | None = None) -> CpuSample | None:
    """Read ``/proc/stat`` (or parse ``text``); None where it is missing or unreadable."""
    if text is None:
        try:
            text = PROC_STAT.read_bytes().decode("ascii", "replace")
        except OSError:
            return None
    busy = total = running = cpus = 0
    seen = False
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        if name == "cpu":
            ticks = [int(v) for v in rest.split()[:8] if v.isdigit()]
            if len(ticks) < 4:
                return None
            ticks += [0] * (8 - len(ticks))
            user, nice, system, idle, iowait, irq, softirq, steal = ticks
            busy = user + nice + system + irq + softirq + steal
            total = busy + idle + iowait
            seen = True
        elif name.startswith("cpu") and name[3:].isdigit():
            cpus += 1
        elif name == "procs_running" and rest.strip().isdigit():
            running = int(rest)
    if not seen or cpus == 0:
        return None
    return CpuSample(busy, total, cpus, running, time.perf_counter(), time.process_time())


#: The read taken when the files of the load in progress started being listed.
_WATCH: list[CpuSample] = []


def watch_cpu() -> None:
    """Take the first read of the window in which :func:`spare_cores` measures the machine."""
    sample = cpu_sample()
    _WATCH[:] = [sample] if sample is not None else []


def others_busy(start: CpuSample, end: CpuSample) -> float | None:
    """Cores kept busy by other processes between two reads (None: too short to tell).

    The machine's working share of the ticks, in cores, less this process's own CPU time over
    the same wall time.
    """
    ticks = end.total - start.total
    wall = end.wall - start.wall
    if ticks < MIN_TICKS or wall <= 0:
        return None
    busy = (end.busy - start.busy) / ticks * end.cpus
    own = (end.own - start.own) / wall
    return max(busy - own, 0.0)


def spare_cores(cores: int, start: CpuSample | None = None) -> float:
    """How many of ``cores`` are free for this process and its workers now (since ``start``)."""
    end = cpu_sample()
    if end is None:
        if not hasattr(os, "getloadavg"):
            return 0.0
        return cores - os.getloadavg()[0]
    others = others_busy(start, end) if start is not None else None
    if others is None:
        others = float(max(end.running - 1, 0))
    return min(float(cores), end.cpus - others)


def worker_count(files: int, environ: dict[str, str] | None = None) -> int:
    """How many worker processes to parse ``files`` files with (0: none)."""
    start = _WATCH.pop() if _WATCH else None  # a window serves the load that opened it only
    return _gate(files, start, environ)


def core_idle(
    size: int,
    minimum: int = MIN_FILES,
    environ: dict[str, str] | None = None,
    *,
    spare: bool = False,
) -> bool:
    """Tell whether work of ``size`` (files, items) may take a second process now.

    The gate of :func:`worker_count` (``SPBE_WORKERS``, Linux, ``size`` at least ``minimum``,
    an idle core), measured at this instant: the tasks running now stand in for the window.
    ``spare``: the caller knows a core is free, whatever the machine looks like now (this
    process is a child its parent blocks on: the parent's core, counted busy, is about to idle);
    the rest of the gate holds.
    """
    return _gate(size, None, environ, minimum, spare) > 1


def large_enough(
    size: int, minimum: int = MIN_FILES, environ: dict[str, str] | None = None
) -> bool:
    """The size half of :func:`core_idle`: whether work of ``size`` may take a second process.

    For a child started before the size of its work is known (:func:`core_idle` asked with
    ``minimum``), kept only when this says so once it is known.
    """
    explicit = _explicit(environ)
    return explicit > 1 if explicit is not None else size >= minimum


def _explicit(environ: dict[str, str] | None) -> int | None:
    """The processes ``SPBE_WORKERS`` asks for, or None when it is not set to a number."""
    env = os.environ if environ is None else environ
    explicit = env.get("SPBE_WORKERS", "").strip()
    return int(explicit) if explicit.isdigit() else None


def _gate(
    files: int,
    start: CpuSample | None,
    environ: dict[str, str] | None,
    minimum: int = MIN_FILES,
    spare: bool = False,
) -> int:
    wanted = _explicit(environ)
    if wanted is not None:
        return wanted if wanted > 1 else 0
    if not sys.platform.startswith("linux") or not large_enough(files, minimum, environ):
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = min(cores or 1, 8)
    # Workers cost about 40 % more CPU in all (results travel back to this process); they only
    # pay when another core is idle. On a machine already busy they made a run slower.
    return cores if cores > 1 and (spare or spare_cores(cores, start) >= MIN_SPARE) else 0


def fork_call(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``work()`` in a forked child; the function returned waits for its result.

    The child shares this process's memory as it was (copy on write), so ``work`` reads the
    loaded catalog without it being sent anywhere. Its result must be plain data (lists,
    tuples, dicts, strings, numbers, None), which travels back over a private pipe with
    :mod:`marshal`: it never reads anything but what its own child wrote. The function
    returned gives None when no child could be started, or the child failed, died or sent
    something unreadable: the caller then does the work itself.
    """
    return ForkedChild(work).result


class ForkedChild:
    """``work()`` running in a forked child: :meth:`result` waits for it, :meth:`stop` ends it.

    What :func:`fork_call` starts, for a caller that may have to give up on the child (its own
    work failed, or it was interrupted) and must know it is gone before cleaning up after it.
    """

    def __init__(self, work: Callable[[], Any]) -> None:
        self._pid: int | None = None
        self._pipe: int | None = None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: compute, send, and leave without running any clean-up
            status = 1
            try:
                os.close(read_end)
                data = marshal.dumps(work())
                with open(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    @property
    def started(self) -> bool:
        """Whether a child was started (and has not been waited for yet)."""
        return self._pid is not None

    def result(self) -> Any:
        """Wait for the child; its plain data, or None (no child, failed, died, unreadable)."""
        pid, pipe = self._pid, self._pipe
        if pid is None or pipe is None:
            return None
        try:
            with open(pipe, "rb", closefd=False) as reader:
                data = reader.read()
        except BaseException:  # a stop (Ctrl-C, SIGTERM) while waiting: the child ends too
            self.stop()
            raise
        self._pid = self._pipe = None
        os.close(pipe)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None

    def stop(self) -> None:
        """End the child now, if it still runs, and wait until it is gone."""
        import signal

        pid, pipe = self._pid, self._pipe
        if pid is None or pipe is None:
            return
        self._pid = self._pipe = None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.close(pipe)
        os.waitpid(pid, 0)


T = TypeVar("T")


@contextlib.contextmanager
def forking(
    work: Callable[[], T], size: int, minimum: int = MIN_FILES
) -> Generator[Callable[[], T], None, None]:
    """Start ``work`` in a forked child when :func:`core_idle`; yields what gives its result.

    ``work`` returns plain data (see :func:`fork_call`) and depends only on what exists now, so
    the child's result is what this process would compute; where no child runs, or it failed,
    the function computes it here. Whatever ends the block (its work done, or an exception
    raised before the result was asked for), the child is gone when it ends: ended if it still
    runs, and waited for, so that no child is left behind (a zombie in a long-lived process
    such as ``spbe lsp``, or one blocked on a full pipe nobody reads).
    """
    child = ForkedChild(work) if core_idle(size, minimum) else None

    def result() -> T:
        sent = child.result() if child is not None else None
        return work() if sent is None else cast(T, sent)

    try:
        yield result
    finally:
        if child is not None:
            child.stop()


#: The file list of the load in progress, inherited by the forked workers (never pickled).
_FILES: list[CatalogFile] = []
_ROOT: list[Path] = []
#: ``{shown path: (size, SHA-256)}`` of the files the run record's check read a moment ago
#: (see :func:`spbe_cli.loader.load_catalog`): their entries are read without the files.
_KNOWN: list[Mapping[str, tuple[int, str]]] = []
#: The contents of the parse in progress when they are in memory already (a diff's sides),
#: inherited by the forked workers like the file list; empty while files are read from disk.
_CONTENTS: list[Sequence[bytes]] = []
#: Each worker's file reader and cache, made on its first task.
_READER: list[_Loader] = []
_CACHE: list[ContentCache | None] = []


def _item(index: int) -> bytes | None:
    """The bytes of item ``index`` of the parse in progress; None for a file not readable."""
    from spbe_cli.loader import _Loader

    if _CONTENTS:
        return _CONTENTS[0][index]
    if not _READER:
        _READER.append(_Loader(_ROOT[0], ""))
    return _READER[0].read(_FILES[index])


def _parse_chunk(bounds: tuple[int, int]) -> list[Parsed | None]:
    """Read and parse items ``start`` to ``end`` in a worker; None for a file it could not read."""
    if not _CACHE:
        _CACHE.append(open_cache())
    cache = _CACHE[0]
    known = _KNOWN[0] if _KNOWN and not _CONTENTS else {}
    results: list[Parsed | None] = []
    for index in range(*bounds):
        if known:
            seen = known.get(_FILES[index].display)
            entry = known_entry(cache, seen)
            if entry is not None and seen is not None:
                results.append((*seen, entry))
                continue
        data = _item(index)
        results.append(None if data is None else (len(data), *parse_keyed(cache, data)))
    return results


#: Seconds between looks at a worker that owes this process a chunk (has it died?).
WAIT_STEP = 0.05


class WorkerLostError(Exception):
    """A worker ended with a failure while the chunk counter's lock may be in its hands."""


def _claim(
    claims: Any, total: int, owner: Any, number: int, workers: Sequence[Any] = ()
) -> int | None:
    """Take the first chunk nobody has taken yet (None: every chunk is taken).

    The main process passes its ``workers``: a worker killed while it held the lock would
    leave it taken for ever, so the main process waits in steps and gives up
    (:class:`WorkerLostError`) once a worker has ended with a failure.
    """
    lock = claims.get_lock()
    while not lock.acquire(timeout=WAIT_STEP):
        if any(worker.exitcode not in (None, 0) for worker in workers):
            raise WorkerLostError
    try:
        index = int(claims.value)
        if index >= total:
            return None
        claims.value = index + 1
        owner[index] = number
        return index
    finally:
        lock.release()


def _work(number: int, claims: Any, owner: Any, pipes: Sequence[tuple[int, int]]) -> None:
    """A worker: take chunks in order until none is left, and send each one's results.

    Only this worker's own write end stays open here, so the main process sees the end of its
    pipe as soon as it ends, however it ends. A thread sends what is parsed while the next chunk
    is parsed, so a main process busy with a chunk of its own never holds this worker up.
    """
    import pickle
    import queue
    import threading

    own = pipes[number - 1][1]
    for read_end, write_end in pipes:
        os.close(read_end)
        if write_end != own:
            os.close(write_end)
    outbox: queue.SimpleQueue[tuple[int, list[Parsed | None]] | None] = queue.SimpleQueue()

    def send() -> None:
        while (item := outbox.get()) is not None:
            _write_frame(own, pickle.dumps(item, pickle.HIGHEST_PROTOCOL))

    sender = threading.Thread(target=send)
    sender.start()
    try:
        while (index := _claim(claims, len(_BOUNDS), owner, number)) is not None:
            # Sent with each position table packed: the main process unpacks only those a
            # finding points into (receiving them whole cost it as much as the rest).
            results = [
                None if r is None else (r[0], r[1], packed(r[2]))
                for r in _parse_chunk(_BOUNDS[index])
            ]
            outbox.put((index, results))
    finally:
        outbox.put(None)
        sender.join()


#: Bytes of the length that comes before each result on a worker's pipe.
_HEADER = 8


def _write_frame(fd: int, payload: bytes) -> None:
    """Write one result to a worker's pipe: its length, then its bytes."""
    view = memoryview(len(payload).to_bytes(_HEADER, "little") + payload)
    while view:
        view = view[os.write(fd, view) :]


#: Bytes a worker's pipe holds (Linux): a chunk's results at once, where the kernel allows.
PIPE_BYTES = 1 << 20


def _pipe() -> tuple[int, int]:
    """A pipe for a worker's results, as large as the system lets a user make it."""
    read_end, write_end = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # the default size: another system, or a lower limit
    return read_end, write_end


class _Inbox:
    """The results the workers sent, read without ever blocking on a half-written one.

    Each worker writes to a pipe of its own. A pipe is read only when it has bytes, and only
    as many as it has; a result is taken once all its bytes are in. The end of a pipe means its
    worker has ended: what it sent in full was taken, and a result it was killed in the middle
    of writing is dropped (its chunk is parsed here).
    """

    def __init__(self, read_ends: Sequence[int]) -> None:
        self.pending = {fd: bytearray() for fd in read_ends}
        self.worker = {fd: number for number, fd in enumerate(read_ends, start=1)}
        self.ended: set[int] = set()

    def take(self, ready: dict[int, list[Parsed | None]], timeout: float) -> None:
        """Put every result that has come in into ``ready``, waiting at most ``timeout``.

        Each pipe is read until it is empty for now: read once per call, a pipe gave one
        buffer's worth (64 KiB) of a result of several hundred, so this process, finding the
        chunk it needed not yet in, parsed another one itself while the worker waited to write.
        """
        while self._read_ready(ready, timeout):
            timeout = 0

    def _read_ready(self, ready: dict[int, list[Parsed | None]], timeout: float) -> bool:
        """Read each pipe that has bytes (waiting at most ``timeout``); tell if any had."""
        import pickle
        import select

        open_ends = [fd for fd in self.pending if self.worker[fd] not in self.ended]
        if not open_ends:
            return False
        readable, _, _ = select.select(open_ends, [], [], timeout)
        for fd in readable:
            chunk = os.read(fd, 1 << 20)
            buffer = self.pending[fd]
            if not chunk:
                self.ended.add(self.worker[fd])
                buffer.clear()
                continue
            buffer += chunk
            while len(buffer) >= _HEADER:
                size = int.from_bytes(buffer[:_HEADER], "little")
                if len(buffer) < _HEADER + size:
                    break
                done, parsed = pickle.loads(buffer[_HEADER : _HEADER + size])
                ready[done] = parsed
                del buffer[: _HEADER + size]
        return bool(readable)

    def close(self) -> None:
        for fd in self.pending:
            os.close(fd)


#: The chunks of the load in progress, ``(start, end)`` in :data:`_FILES`.
_BOUNDS: list[tuple[int, int]] = []


def parse_in_workers(
    root: Path,
    files: Sequence[CatalogFile],
    processes: int,
    known: Mapping[str, tuple[int, str]] | None = None,
) -> Generator[Parsed | None, None, None]:
    """Yield each file's parse result in file order, parsed by ``processes`` processes.

    This process is one of them. The files are cut into chunks, and every process takes the
    first chunk nobody has taken yet. This process replays the chunks in order: None for each
    file of a chunk it takes when its turn comes (the loader parses it now); when the next
    chunk is still being parsed by a worker, it parses a later chunk meanwhile and keeps the
    result. So it is never idle while a chunk is left, however busy the other cores are. A
    chunk whose worker died is parsed here. ``known``: the size and SHA-256 of files read a
    moment ago, whose cache entries are read without reading the files again.
    """
    _FILES[:] = files
    _ROOT[:] = [root]
    _KNOWN[:] = [known or {}]
    yield from _in_workers(len(files), processes)


def parse_contents_in_workers(
    contents: Sequence[bytes], processes: int
) -> Generator[Parsed | None, None, None]:
    """Each content's parse result in order, as :func:`parse_in_workers` gives a file's.

    For contents read already (the files of a diff's sides, from a folder or a git revision):
    the forked workers find them in the memory they share with this process. None again means
    "parse it here" (a chunk this process took when its turn came, or whose worker died).
    """
    _CONTENTS[:] = [contents]
    yield from _in_workers(len(contents), processes)


def _in_workers(count: int, processes: int) -> Generator[Parsed | None, None, None]:
    """The pool of :func:`parse_in_workers` over ``count`` items of :func:`_item`."""
    import multiprocessing

    _BOUNDS[:] = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    total = len(_BOUNDS)
    context = multiprocessing.get_context("fork")
    claims = context.Value("i", 0)
    owner = context.Array("i", max(total, 1), lock=False)  # who took each chunk (0: here)
    # Every pipe exists before the first worker is forked, and each worker closes all but its
    # own write end: a worker's pipe ends when it ends.
    pipes = [_pipe() for _ in range(1, processes)]
    inbox = _Inbox([read_end for read_end, _ in pipes])
    workers = [
        context.Process(target=_work, args=(number, claims, owner, pipes), daemon=True)
        for number in range(1, processes)
    ]
    ready: dict[int, list[Parsed | None]] = {}
    lost = False
    started = []
    try:
        try:
            for worker in workers:
                worker.start()  # a fork that fails leaves the chunks to the processes there are
                started.append(worker)
        except OSError:
            pass
        finally:
            for _, write_end in pipes:
                os.close(write_end)
        for index in range(total):
            while index not in ready and not lost:
                inbox.take(ready, 0)
                if index in ready:
                    break
                try:
                    taken = _claim(claims, total, owner, 0, workers)
                except WorkerLostError:
                    lost = True  # this chunk and every one not back yet are parsed here
                    break
                if taken == index:
                    ready[index] = [None] * (_BOUNDS[index][1] - _BOUNDS[index][0])
                elif taken is not None:
                    ready[taken] = _parse_chunk(_BOUNDS[taken])
                elif owner[index] == 0 or owner[index] in inbox.ended:
                    # Nobody parsed it, or its worker ended without sending it in full.
                    ready[index] = [None] * (_BOUNDS[index][1] - _BOUNDS[index][0])
                else:
                    inbox.take(ready, WAIT_STEP)
            if index in ready:
                yield from ready.pop(index)
            else:
                yield from [None] * (_BOUNDS[index][1] - _BOUNDS[index][0])
    finally:
        for worker in started:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        inbox.close()
        _FILES.clear()
        _ROOT.clear()
        _KNOWN.clear()
        _CONTENTS.clear()
        _BOUNDS.clear()
        _READER.clear()
        _CACHE.clear()
