"""Parse the files of a large catalog in worker processes, on every core, in file order.

Parsing (decode, compose, build) is most of a cold load and each file is parsed on its own, so
workers read and parse contiguous chunks of the file list while the main process replays the
results, in file order, into the catalog (the schema models and every cross-file rule run
there, as in a single-process load). The output is therefore byte-identical to a
single-process run. A file a worker cannot read is left to the main process, which reads it
again and reports why.

Workers are forked (Linux): they share the loaded interpreter and start in milliseconds. Where
fork is not the platform's way (macOS, Windows), the catalog is small, or no core is idle (the
load average), nothing changes.
``SPBE_WORKERS`` sets the number of workers (``0`` or ``1``: parse in the main process). When the
content cache already holds most files (a sample tells), the main process reads them itself:
reading an entry costs about what receiving a worker's result costs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spbe_cli.cache import open_cache, parse_keyed
from spbe_cli.parsing import ParsedFile

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


#: Files sampled to tell a warm cache from a cold one.
SAMPLE = 64


def mostly_cached(root: Path, files: Sequence[CatalogFile]) -> bool:
    """Tell whether the content cache holds most of these files (a sample, read untimed).

    Reading a cache entry costs about what sending a parsed file back from a worker costs, so
    workers only pay when most files must really be parsed.
    """
    from spbe_cli.loader import _Loader

    cache = open_cache()
    if cache is None or not files or not cache.usable():
        return False
    reader = _Loader(root, "")
    step = max(1, len(files) // SAMPLE)
    sample = files[::step]
    hits = 0
    for file in sample:
        data = reader.read(file)
        if data is not None and cache.has(cache.key(data)):
            hits += 1
    return hits * 2 > len(sample)


def worker_count(files: int, environ: dict[str, str] | None = None) -> int:
    """How many worker processes to parse ``files`` files with (0: none)."""
    env = os.environ if environ is None else environ
    explicit = env.get("SPBE_WORKERS", "").strip()
    if explicit.isdigit():
        wanted = int(explicit)
        return wanted if wanted > 1 else 0
    if not sys.platform.startswith("linux") or files < MIN_FILES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = min(cores or 1, 8)
    # Workers cost about 40 % more CPU in all (results travel back to this process); they only
    # pay when another core is idle. On a machine already busy they made a run slower.
    idle = cores - os.getloadavg()[0]
    return cores if cores > 1 and idle >= 1 else 0


#: The file list of the load in progress, inherited by the forked workers (never pickled).
_FILES: list[CatalogFile] = []
_ROOT: list[Path] = []
#: Each worker's file reader and cache, made on its first task.
_READER: list[_Loader] = []
_CACHE: list[ContentCache | None] = []


def _parse_chunk(bounds: tuple[int, int]) -> list[Parsed | None]:
    """Read and parse ``_FILES[start:end]`` in a worker; None for a file it could not read."""
    from spbe_cli.loader import _Loader

    start, end = bounds
    if not _READER:
        _READER.append(_Loader(_ROOT[0], ""))
        _CACHE.append(open_cache())
    reader, cache = _READER[0], _CACHE[0]
    results: list[Parsed | None] = []
    for file in _FILES[start:end]:
        data = reader.read(file)
        results.append(None if data is None else (len(data), *parse_keyed(cache, data)))
    return results


def parse_in_workers(
    root: Path, files: Sequence[CatalogFile], workers: int
) -> Iterator[Parsed | None]:
    """Yield each file's parse result in file order, parsed by ``workers`` forked processes."""
    import multiprocessing

    _FILES[:] = files
    _ROOT[:] = [root]
    bounds = [(start, min(start + CHUNK, len(files))) for start in range(0, len(files), CHUNK)]
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(workers) as pool:
            for chunk in pool.imap(_parse_chunk, bounds):
                yield from chunk
    finally:
        _FILES.clear()
        _ROOT.clear()
        _READER.clear()
        _CACHE.clear()
