"""spbe benchmarks: ratios against a floor measured in the same run (``make bench``).

Usage::

    python bench/run.py                 # national scale (generates bench/.data once)
    python bench/run.py --quick         # scale 0.1, a smoke run
    python bench/run.py --only validate --only floor
    python bench/run.py --list          # the registered benchmarks

Every figure is the median of several repetitions; "cold" means a fresh process each time (the
files are in the page cache: one untimed warm-up run precedes the timed ones). Benchmarks are not
tests: the exit status is 0 even when a target is missed.

To add a benchmark, write a function ``bench_x(ctx) -> list[Row]`` and append a :class:`Bench` to
:data:`BENCHMARKS`. ``ctx.row("name")`` gives another benchmark's row (running it if needed), so a
ratio to ``validate`` or ``floor`` is one line. Set ``command=`` to the ``spbe`` sub-command the
benchmark needs: it is skipped, with a note, while that command does not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / ".data"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

PYTHON = sys.executable
SPBE = str(Path(PYTHON).with_name("spbe"))
SEED = 1
PROGRESS_DATE = "2026-06-30"
#: Seconds after which a command is timed once instead of warm-up + median of --repeat.
LONG_RUN = 60.0


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A goal for one figure: ``value <= limit`` (or ``<`` when ``strict``)."""

    limit: float
    of: str = "ratio"  # "ratio" or "seconds"
    strict: bool = False

    def describe(self) -> str:
        unit = {"seconds": " s", "MiB": " MiB"}.get(self.of, "")
        return f"{'<' if self.strict else '≤'} {self.limit:g}{unit}"

    def check(self, row: Row) -> bool | None:
        value = row.ratio if self.of == "ratio" else row.seconds
        if value is None:
            return None
        return value < self.limit if self.strict else value <= self.limit  # MiB: seconds column


@dataclass
class Row:
    """One line of the table."""

    name: str
    seconds: float | None
    ratio: float | None = None
    ratio_of: str = ""
    target: Target | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: median CPU seconds (user + sys of the process and its children), when timed as a process
    cpu: float | None = None
    #: fastest and slowest wall time of the timed runs
    spread: tuple[float, float] | None = None
    #: peak resident memory in MiB (the largest of the timed runs)
    rss: float | None = None

    @property
    def verdict(self) -> str:
        if self.seconds is None:
            return "SKIP"
        if self.target is None:
            return ""
        ok = self.target.check(self)
        return "" if ok is None else "PASS" if ok else "FAIL"


@dataclass
class Bench:
    """A registered benchmark: its rows come from ``run(ctx)``."""

    name: str
    run: Callable[[Context], list[Row]]
    about: str
    command: str | None = None


# -- context -----------------------------------------------------------------------------------


class Context:
    """What benchmarks share: options, the generated catalog, timing helpers, other results."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scale: float = args.scale
        self.repeat: int = args.repeat
        self.rows: dict[str, list[Row]] = {}
        self.notes: list[str] = []
        self._commands: set[str] | None = None
        self._catalog: Path | None = None
        self.long_runs: set[str] = set()
        #: CPU median and wall spread of the last :meth:`time_process`, for the row it makes.
        self.last: dict[str, Any] = {}
        #: The content cache of every timed spbe process: off unless a benchmark turns it on
        #: (the rows keep their meaning), and never the user's own cache folder.
        self.env = {**os.environ, "SPBE_NO_CACHE": "1", "SPBE_CACHE_DIR": str(DATA / "cache")}

    # timing

    def time_process(
        self,
        argv: Sequence[str],
        *,
        repeat: int | None = None,
        ok: tuple[int, ...] = (0, 1),
        warmup: bool = True,
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
        before: Callable[[int], None] | None = None,
    ) -> float:
        """Median wall time of ``argv`` as a fresh process each time (stdout discarded).

        ``env`` replaces :attr:`env`; ``before(index)`` runs untimed before each run. The median
        CPU time and the wall-time spread are left in :attr:`last` (see :meth:`timed_row`).
        """
        times: list[float] = []
        cpus: list[float] = []
        peaks: list[float] = []
        runs = (repeat or self.repeat) + (1 if warmup else 0)
        for index in range(runs):
            if before is not None:
                before(index)
            with tempfile.TemporaryFile() as errors:
                started = time.perf_counter()
                child = subprocess.Popen(
                    list(argv),
                    cwd=cwd,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    env=env if env is not None else self.env,
                )
                # wait4 gives this child's own CPU time and peak memory (grandchildren
                # included only once they have been waited for, as spbe's own workers are).
                _pid, status, usage = os.wait4(child.pid, 0)
                elapsed = time.perf_counter() - started
                child.returncode = os.waitstatus_to_exitcode(status)
                errors.seek(0)
                stderr = errors.read()
            cpu = usage.ru_utime + usage.ru_stime
            rss = usage.ru_maxrss / 1024  # KiB on Linux
            if child.returncode not in ok:
                raise RuntimeError(
                    f"{' '.join(argv)} exited {child.returncode}: {stderr.decode()[-800:]}"
                )
            if index == 0 and elapsed > LONG_RUN:
                # A run this long gains nothing from a warm cache or a median: time it once.
                self.long_runs.add(" ".join([Path(argv[0]).name, *argv[1:2]]))
                self.last = {"cpu": cpu, "spread": (elapsed, elapsed), "rss": rss}
                return elapsed
            if not (warmup and index == 0):
                times.append(elapsed)
                cpus.append(cpu)
                peaks.append(rss)
        self.last = {
            "cpu": statistics.median(cpus),
            "spread": (min(times), max(times)),
            "rss": max(peaks),
        }
        return statistics.median(times)

    def timed(self, row: Row) -> Row:
        """``row`` with the CPU time and spread of the last :meth:`time_process`."""
        row.cpu = self.last.get("cpu")
        row.spread = self.last.get("spread")
        row.rss = self.last.get("rss")
        return row

    def spbe(self, *args: str) -> list[str]:
        """The argv of an ``spbe`` command."""
        return [SPBE, *args]

    # shared data

    @property
    def catalog(self) -> Path:
        """The synthetic catalog at this run's scale, generated once and reused while current."""
        if self._catalog is None:
            self._catalog = ensure_catalog(self.scale, SEED)
        return self._catalog

    @property
    def grouped(self) -> Path:
        """The same catalog in multi-document files with long prose (``--layout grouped``)."""
        return ensure_catalog(self.scale, SEED, "grouped")

    def revision(self, fraction: float) -> Path:
        """A second revision of :attr:`catalog` with ``fraction`` of its entities changed."""
        base = self.catalog
        out = base.with_name(f"{base.name}-rev{fraction:g}")
        want = read_stamp_for(base)
        stamp = generate.read_stamp(out) or {}
        if stamp.get("mutate") != fraction or not _same_generation(stamp, want):
            print(
                f"... writing revision {out.relative_to(ROOT)} ({fraction:.0%} changed)",
                file=sys.stderr,
            )
            generate.mutate(base, out, fraction)
        return out

    def has_command(self, name: str) -> bool:
        """Tell whether ``spbe`` has this sub-command (parsed from ``spbe --help``)."""
        if self._commands is None:
            # English help: the section heading is "Commands" (Indonesian says "Perintah").
            env = {**self.env, "SPBE_LANG": "en"}
            done = subprocess.run(
                self.spbe("--help"), capture_output=True, text=True, check=False, env=env
            )
            self._commands = set()
            in_commands = False
            for line in done.stdout.splitlines():
                if line.strip().lower().startswith("commands"):
                    in_commands = True
                elif in_commands and line.startswith("  ") and line.strip():
                    self._commands.add(line.split()[0])
        return name in self._commands

    def row(self, name: str) -> Row:
        """The first row of another benchmark, running it first if needed.

        The figures of the caller's last timed process (:attr:`last`) survive that run, so a
        benchmark may ask for the row it compares with after timing its own command.
        """
        if name not in self.rows:
            last = self.last
            run_bench(self, BY_NAME[name])
            self.last = last
        rows = self.rows[name]
        if not rows or rows[0].seconds is None:
            raise LookupError(f"benchmark {name!r} has no result")
        return rows[0]


def _same_generation(stamp: dict[str, Any], want: dict[str, Any]) -> bool:
    keys = ("generator", "scale", "seed", "reference", "source_hash")
    return all(stamp.get(k) == want.get(k) for k in keys)


def read_stamp_for(path: Path) -> dict[str, Any]:
    return generate.read_stamp(path) or {}


def _source_hash() -> str:
    import hashlib

    return hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:16]


def ensure_catalog(scale: float, seed: int, layout: str = "files") -> Path:
    """Generate ``bench/.data/catalog-s<scale>`` unless it is there and current.

    ``layout="grouped"`` gives ``catalog-s<scale>-grouped``: multi-document files, long prose.
    """
    from spbe_cli.reference import load_reference

    out = DATA / (f"catalog-s{scale:g}" + ("" if layout == "files" else f"-{layout}"))
    want = {
        "generator": generate.GENERATOR_VERSION,
        "scale": scale,
        "seed": seed,
        "reference": load_reference().versi,
        "source_hash": _source_hash(),
    }
    stamp = generate.read_stamp(out) or {}
    if _same_generation(stamp, want):
        return out
    print(f"... generating {out.relative_to(ROOT)} (scale {scale:g})", file=sys.stderr)
    started = time.perf_counter()
    files = generate.generate(out, scale, seed, layout)
    stamp = generate.read_stamp(out) or {}
    stamp["source_hash"] = want["source_hash"]
    (out / generate.STAMP).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    print(f"... {files} files in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out


def _rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# -- benchmarks --------------------------------------------------------------------------------


def bench_floor(ctx: Context) -> list[Row]:
    """libyaml parse + one pydantic TypeAdapter per document, as a whole process."""
    seconds = ctx.time_process([PYTHON, str(BENCH / "floor.py"), _rel(ctx.catalog)])
    return [ctx.timed(Row("floor", seconds, note="CSafeLoader + TypeAdapter(union of MODELS)"))]


def bench_validate(ctx: Context) -> list[Row]:
    """``spbe validate <synthetic>`` cold, whole process, ratio to the floor."""
    argv = ctx.spbe("validate", _rel(ctx.catalog), "--format", "json")
    ctx.row("floor")  # first: the row below takes its CPU time from the last process timed
    seconds = ctx.time_process(argv)
    summary = json.loads(
        subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False).stdout
    )["summary"]
    floor = ctx.row("floor").seconds
    assert floor is not None
    note = (
        f"{summary['files']} files: {summary['errors']} errors, "
        f"{summary['warnings']} warnings, {summary['infos']} info"
    )
    if summary["errors"]:
        ctx.notes.append(
            f"the synthetic catalog has {summary['errors']} errors: "
            "some rules stop early, fix bench/generate.py"
        )
    row = ctx.timed(Row("validate", seconds, seconds / floor, "floor", Target(0.75), note, summary))
    return [row, *cache_rows(ctx, argv, seconds, ctx.catalog, "validate")]


def bench_validate_grouped(ctx: Context) -> list[Row]:
    """The floor and ``spbe validate`` (cold, warm, one file changed) on multi-document files."""
    floor = ctx.time_process([PYTHON, str(BENCH / "floor.py"), _rel(ctx.grouped)])
    rows = [ctx.timed(Row("floor-grouped", floor, note="the floor on the grouped layout"))]
    argv = ctx.spbe("validate", _rel(ctx.grouped), "--format", "json")
    seconds = ctx.time_process(argv)
    files = sum(1 for _ in ctx.grouped.rglob("*.yaml"))
    note = f"{files} multi-document files, long prose"
    rows.append(
        ctx.timed(
            Row("validate-grouped", seconds, seconds / floor, "floor-grouped", Target(0.75), note)
        )
    )
    return rows + cache_rows(ctx, argv, seconds, ctx.grouped, "validate-grouped")


def cache_rows(ctx: Context, argv: list[str], cold: float, catalog: Path, name: str) -> list[Row]:
    """``spbe validate`` with the content cache: empty, warm, and with one file changed."""
    # Outside the repository: spbe does not use a cache folder in a git work tree (its files
    # could come from a commit). A private folder of its own in the temporary folder.
    folder = Path(tempfile.mkdtemp(prefix="spbe-cache-bench-"))
    env = {**ctx.env, "SPBE_CACHE_DIR": str(folder), "SPBE_CACHE": "1"}
    del env["SPBE_NO_CACHE"]

    def empty(_index: int) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    seconds = ctx.time_process(argv, env=env, before=empty)
    rows = [
        ctx.timed(
            Row(
                f"{name}-cache-empty",
                seconds,
                seconds / cold,
                name,
                note="cache on, emptied before each run (writes the run record only)",
            )
        )
    ]
    changed = max(sorted(catalog.glob("*/*.yaml")), key=lambda p: p.stat().st_size)
    original = changed.read_bytes()

    def replace(content: bytes) -> None:
        # Written beside and renamed over: a catalog hard-linked from another work tree
        # (cp -al) keeps its own copy of the file.
        spare = changed.with_name(changed.name + ".bench-tmp")
        spare.write_bytes(content)
        spare.replace(changed)

    def edit(index: int) -> None:
        # A new comment each run: the file's content (so its key) differs from every run before.
        replace(original + f"# bench edit {index} {time.time_ns()}\n".encode())

    def second(index: int) -> None:
        # An emptied cache and one untimed run (the record), then an edit: the timed run is a
        # catalog's second run, which writes every per-file entry.
        empty(index)
        replace(original)
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
        edit(index)

    try:
        seconds = ctx.time_process(argv, env=env, before=second)
    finally:
        replace(original)
    rows.append(
        ctx.timed(
            Row(
                f"{name}-cache-second",
                seconds,
                seconds / cold,
                name,
                note="cache on, a catalog's second run: one file edited, every entry written",
            )
        )
    )
    seconds = ctx.time_process(argv, env=env)  # the warm-up run fills the cache
    rows.append(
        ctx.timed(
            Row(
                f"{name}-warm",
                seconds,
                seconds / cold,
                name,
                Target(0.2),
                note="cache on, nothing changed",
            )
        )
    )
    try:
        seconds = ctx.time_process(argv, env=env, before=edit)
    finally:
        replace(original)
    rows.append(
        ctx.timed(
            Row(
                f"{name}-1-changed",
                seconds,
                seconds / cold,
                name,
                Target(0.25),
                note=f"cache on, {_rel(changed)} edited before each run",
            )
        )
    )
    shutil.rmtree(folder, ignore_errors=True)
    return rows


def bench_validate_small(ctx: Context) -> list[Row]:
    """``spbe validate catalog/`` (the bundled catalog), interpreter start included."""
    small = ROOT / "catalog"
    files = sum(1 for p in small.rglob("*.y*ml")) if small.is_dir() else 0
    seconds = ctx.time_process(ctx.spbe("validate", "catalog"), repeat=max(ctx.repeat, 5))
    note = f"{files} files" + (" (the bundled catalog is still empty)" if files == 0 else "")
    target = Target(0.5, "seconds", strict=True)
    return [ctx.timed(Row("validate-small", seconds, target=target, note=note))]


def bench_help(ctx: Context) -> list[Row]:
    """``spbe --help`` as a whole process: the cost of starting the CLI."""
    seconds = ctx.time_process(ctx.spbe("--help"), repeat=max(ctx.repeat, 5), ok=(0,))
    return [ctx.timed(Row("help", seconds, note="interpreter + typer + spbe_cli.cli.app imports"))]


def bench_render(ctx: Context) -> list[Row]:
    """``spbe render <synthetic> --format md,html`` (every document), ratio to validate.

    The target (≤ 3 × validate) is for Markdown and HTML; ``render-all`` adds DOCX.
    """
    with tempfile.TemporaryDirectory(prefix="spbe-bench-render-") as out:
        seconds = ctx.time_process(
            ctx.spbe("render", _rel(ctx.catalog), "--output", out, "--format", "md,html")
        )
    validate = ctx.row("validate").seconds
    assert validate is not None
    row = Row("render", seconds, seconds / validate, "validate", Target(3.0), note="md,html")
    return [ctx.timed(row), *memory_rows(ctx, row)]


def memory_rows(ctx: Context, render: Row) -> list[Row]:
    """Peak resident memory of validate and render (md+html), against a limit at scale 1.

    Below scale 1 the rows are for information: the interpreter alone takes about 40 MiB, so
    the limits do not scale down with the catalog.
    """
    rows = []
    for name, row, limit in (
        ("memory-validate", ctx.row("validate"), 400),
        ("memory-render", render, 600),
    ):
        if row.rss is None:
            continue
        rows.append(
            Row(
                name,
                row.rss,
                target=Target(limit, "MiB") if ctx.scale >= 1 else None,
                note=f"peak MiB of `{row.name}` (in the seconds column); limit {limit} at scale 1",
            )
        )
    return rows


def bench_render_all(ctx: Context) -> list[Row]:
    """``spbe render <synthetic>`` in all three formats (Markdown, HTML, DOCX), ratio to validate.

    Every document is rendered once into a document tree and each format is a writer of it; the
    figures are drawn once and shared by the formats. Target: ≤ 4 × validate.
    """
    with tempfile.TemporaryDirectory(prefix="spbe-bench-render-") as out:
        seconds = ctx.time_process(ctx.spbe("render", _rel(ctx.catalog), "--output", out))
    validate = ctx.row("validate").seconds
    assert validate is not None
    return [
        Row("render-all", seconds, seconds / validate, "validate", Target(4.0), note="md,html,docx")
    ]


def bench_render_small(ctx: Context) -> list[Row]:
    """``spbe render catalog`` (the bundled catalog), every document in every format."""
    with tempfile.TemporaryDirectory(prefix="spbe-bench-render-") as out:
        seconds = ctx.time_process(ctx.spbe("render", "catalog", "--output", out))
    target = Target(3.0, "seconds", strict=True)
    return [Row("render-small", seconds, target=target, note="bundled catalog, md,html,docx")]


def bench_diff(ctx: Context) -> list[Row]:
    """``spbe diff``: two git revisions and two folders, 1 % changed, ratio to validate.

    The issue's targets: two revisions ≤ 0.3 × validate, two folders ≤ 0.5 × validate (both at
    1 %), with the cache as CI on main leaves it (rows ``-cache``, :func:`diff_cache_rows`).
    The rows without the cache (both sides loaded and checked) are for information, as is the
    10 % folder row.
    """
    validate = ctx.row("validate").seconds
    assert validate is not None
    rev1 = ctx.revision(0.01)
    repo = diff_repository(ctx.catalog, rev1)
    seconds = ctx.time_process(ctx.spbe("diff", "base", "changed"), cwd=repo)
    rows = [
        ctx.timed(
            Row(
                "diff-git-1%",
                seconds,
                seconds / validate,
                "validate",
                note=f"{_rel(repo)}: tags base..changed, cache off (information)",
            )
        )
    ]
    for fraction in (0.01, 0.10):
        other = ctx.revision(fraction)
        seconds = ctx.time_process(ctx.spbe("diff", _rel(ctx.catalog), _rel(other)))
        rows.append(
            ctx.timed(
                Row(
                    f"diff-folders-{fraction:.0%}",
                    seconds,
                    seconds / validate,
                    "validate",
                    note=f"{_rel(other)}, cache off (information)",
                )
            )
        )
    return rows + diff_cache_rows(ctx, repo, rev1, validate)


def diff_cache_rows(ctx: Context, repo: Path, rev1: Path, validate: float) -> list[Row]:
    """``spbe diff`` of a pull request with the cache CI on main leaves: the targets' rows.

    Before each run: an empty cache folder, then ``spbe validate`` of the base as CI on main
    runs it on two pushes: the push before (one file differs: the first run of a catalog writes
    its run record only) and the base itself (a second run: the snapshot and the blob ids the
    diff takes the base side's findings from). Validating the same content twice would leave
    no snapshot: the second run replays the record. Then ``spbe diff`` is timed.
    """
    scratch = Path(tempfile.mkdtemp(prefix="spbe-diff-cache-bench-"))
    cache = scratch / "cache"  # outside any git work tree (spbe uses none inside one)
    env = {**ctx.env, "SPBE_CACHE_DIR": str(cache), "SPBE_CACHE": "1"}
    del env["SPBE_NO_CACHE"]
    clone = scratch / "repo"  # the benchmark's repository stays as it is
    subprocess.run(["git", "clone", "-q", "--shared", str(repo), str(clone)], check=True)
    folder = scratch / "base"  # a copy of the catalog whose files are replaced, never written

    def link(source: str, target: str) -> None:
        try:
            os.link(source, target)
        except OSError:  # another file system
            shutil.copy2(source, target)

    shutil.copytree(ctx.catalog, folder, copy_function=link)

    def as_ci_leaves(catalog: Path, cwd: Path, shown: str) -> None:
        shutil.rmtree(cache, ignore_errors=True)
        some = sorted(catalog.glob("*/*.yaml"))[0]
        original = some.read_bytes()
        for content in (original + b"# the push before\n", original):
            spare = some.with_name(some.name + ".bench-tmp")
            spare.write_bytes(content)
            spare.replace(some)  # a hard-linked file keeps its other copy
            argv = ctx.spbe("validate", shown)
            subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)

    def git_side(_index: int) -> None:
        _git(clone, "checkout", "-q", "-f", "base")
        as_ci_leaves(clone / "catalog", clone, "catalog")
        _git(clone, "checkout", "-q", "-f", "changed")  # the pull request's checkout

    rows = []
    try:
        argv = ctx.spbe("diff", "base", "changed")
        seconds = ctx.time_process(argv, cwd=clone, env=env, before=git_side)
        note = "tags base..changed, the cache of main's CI (base validated on two pushes)"
        rows.append(
            ctx.timed(
                Row("diff-git-1%-cache", seconds, seconds / validate, "validate", Target(0.3), note)
            )
        )
        argv = ctx.spbe("diff", str(folder), _rel(rev1))
        seconds = ctx.time_process(
            argv, env=env, before=lambda _index: as_ci_leaves(folder, ROOT, str(folder))
        )
        note = f"{_rel(rev1)}, the cache of the base's CI (validated on two pushes)"
        rows.append(
            ctx.timed(
                Row(
                    "diff-folders-1%-cache",
                    seconds,
                    seconds / validate,
                    "validate",
                    Target(0.5),
                    note,
                )
            )
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return rows


def bench_diff_grouped(ctx: Context) -> list[Row]:
    """``spbe diff --no-findings`` where files hold many documents, 1 % of entities changed.

    Both revisions of the ``diff`` benchmark regrouped as real repositories grow (one file per
    kind and owning OPD): 1 % of the entities touch far more of the bytes, and only the
    documents that differ may be parsed. The ``--no-findings`` row of the one-entity-per-file
    repository is beside it for comparison.
    """
    validate = ctx.row("validate").seconds
    assert validate is not None
    rev1 = ctx.revision(0.01)
    plain = diff_repository(ctx.catalog, rev1)
    grouped = diff_repository(regrouped(ctx.catalog), regrouped(rev1))
    rows = []
    for name, repo, note in (
        ("diff-git-1%-no-findings", plain, "one entity per file"),
        ("diff-git-grouped-1%-no-findings", grouped, "one file per kind and OPD"),
    ):
        seconds = ctx.time_process(ctx.spbe("diff", "base", "changed", "--no-findings"), cwd=repo)
        row = Row(name, seconds, seconds / validate, "validate", Target(0.3), note=note)
        rows.append(ctx.timed(row))
    return rows


#: The field naming the OPD that owns a document (the first one present), as generate.py groups.
_OWNER = re.compile(r"^(opd_pj|opd|pemilik|unit_pelaksana|wali_data): *(\S+) *$", re.MULTILINE)
_OWNER_ORDER = ("opd_pj", "opd", "pemilik", "unit_pelaksana", "wali_data")


def regrouped(source: Path) -> Path:
    """``source`` (one entity per file) rewritten as one file per kind and owning OPD.

    Every document keeps its text, so two revisions regrouped differ in the same documents as
    the folders they come from. Written once per generation of ``source``.
    """
    return derived(source, "regrouped", True, "multi-document files", _regroup)


def derived(
    source: Path, name: str, mark: Any, what: str, write: Callable[[Path, Path], None]
) -> Path:
    """``source-<name>``, written by ``write(source, out)`` once per generation of ``source``.

    Its stamp is the source's plus ``{name: mark}``; a folder with another stamp is rewritten.
    """
    out = source.with_name(f"{source.name}-{name.replace('_', '-')}")
    want = {**read_stamp_for(source), name: mark}
    if generate.read_stamp(out) == want:
        return out
    print(f"... writing {_rel(out)} ({what})", file=sys.stderr)
    if out.exists():
        shutil.rmtree(out)
    write(source, out)
    (out / generate.STAMP).write_text(json.dumps(want, indent=2, sort_keys=True) + "\n")
    return out


def _regroup(source: Path, out: Path) -> None:
    groups: dict[str, list[str]] = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name == generate.STAMP:
            continue
        rel = path.relative_to(source).as_posix()
        kind = rel.split("/")[0]
        if "/" not in rel or kind not in generate.PREFIX:
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            continue
        text = path.read_text(encoding="utf-8")
        fields = dict(m.groups() for m in _OWNER.finditer(text))
        owner = next((fields[f] for f in _OWNER_ORDER if f in fields), kind).strip("'\"")
        groups.setdefault(f"{kind}/{owner.lower()}.yaml", []).append(text)
    for rel, texts in groups.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n".join(texts), encoding="utf-8")


def _git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
        GIT_CONFIG_NOSYSTEM="1",
    )
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, check=True)
    return done.stdout.decode()


def diff_repository(base: Path, changed: Path) -> Path:
    """A git repository whose ``catalog/`` is ``base`` at tag ``base`` and ``changed`` at tag
    ``changed`` (made once per generation of the two folders)."""
    repo = base.with_name(f"{base.name}-git")
    want = json.dumps([read_stamp_for(base), read_stamp_for(changed)], sort_keys=True)
    stamp = repo / ".git" / "spbe-bench-stamp"
    if stamp.is_file() and stamp.read_text() == want:
        return repo
    print(f"... writing git repository {_rel(repo)}", file=sys.stderr)
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    for tag, source in (("base", base), ("changed", changed)):
        if (repo / "catalog").exists():
            shutil.rmtree(repo / "catalog")
        shutil.copytree(source, repo / "catalog", ignore=shutil.ignore_patterns(generate.STAMP))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", tag)
        _git(repo, "tag", tag)
    stamp.write_text(want)
    return repo


def bench_progress(ctx: Context) -> list[Row]:
    """``spbe progress <synthetic>``: the progress report, ratio to validate."""
    # A fixed 'today', so that the report (stalled programs, the year) does not drift.
    argv = ctx.spbe("progress", _rel(ctx.catalog), "--tanggal", PROGRESS_DATE, "--format", "json")
    seconds = ctx.time_process(argv)
    validate = ctx.row("validate").seconds
    assert validate is not None
    return [ctx.timed(Row("progress", seconds, seconds / validate, "validate", Target(1.2)))]


def bench_sync(ctx: Context) -> list[Row]:
    """``spbe sync <synthetic>``: the look-alike report across OPDs, ratio to validate."""
    seconds = ctx.time_process(ctx.spbe("sync", _rel(ctx.catalog), "--format", "json"))
    validate = ctx.row("validate").seconds
    assert validate is not None
    return [ctx.timed(Row("sync", seconds, seconds / validate, "validate", Target(1.0)))]


def bench_indeks(ctx: Context) -> list[Row]:
    """``spbe indeks <synthetic>``: the index with every plafon, ratio to validate."""
    argv = ctx.spbe("indeks", _rel(ctx.catalog), "--kerangka", "spbe-59-2020", "--format", "json")
    seconds = ctx.time_process(argv)
    validate = ctx.row("validate").seconds
    assert validate is not None
    return [Row("indeks", seconds, seconds / validate, "validate", Target(1.2))]


def bench_overlap(ctx: Context) -> list[Row]:
    """Cross-OPD duplicate detection in-process at 1×, 2×, 4× the run's scale.

    The synthetic names are drawn from fixed word lists, so a larger catalog holds more
    look-alikes per item and the number of pairs reported grows faster than the catalog. The
    detector's work is bounded per item (``similarity.MAX_PROBES``) plus per pair reported, so
    the target is time growing no faster than max(items, pairs) growth, with 25% slack; a
    quadratic detector would grow with the square of the items.
    """
    rows: list[Row] = []
    base: float | None = None
    base_pairs: int | None = None
    for factor in (1, 2, 4):
        scale = ctx.scale * factor
        done = subprocess.run(
            [
                PYTHON,
                str(BENCH / "overlap.py"),
                "--scale",
                f"{scale:g}",
                "--repeat",
                str(ctx.repeat),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        seconds = result["seconds"]
        base = base if base is not None else seconds
        base_pairs = base_pairs if base_pairs is not None else max(result["findings"], 1)
        growth = max(factor, result["findings"] / base_pairs)
        note = f"{result['items']} items, {result['findings']} pairs reported (×{growth:.1f})"
        target = Target(round(1.25 * growth, 2)) if factor > 1 else None
        rows.append(
            Row(f"overlap-{factor}x", seconds, seconds / base, "overlap-1x", target, note, result)
        )
    return rows


def bench_hostile(ctx: Context) -> list[Row]:
    """Validation in-process on hostile shapes (bench/hostile.py) at 8k, 16k and 32k.

    Many unknown keys in one file, one very long line, many small files, many empty documents
    (`---`): time must grow no
    faster than the input (target ≤ 1.25·k at k× the 8k size). Locating a finding used to
    rescan its mapping, which made 32k unknown keys take about two minutes.
    """
    done = subprocess.run(
        [PYTHON, str(BENCH / "hostile.py"), "--repeat", str(ctx.repeat)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows: list[Row] = []
    base: dict[str, tuple[int, float]] = {}
    for result in json.loads(done.stdout.strip().splitlines()[-1]):
        shape, n, seconds = result["shape"], result["n"], result["seconds"]
        first = base.setdefault(shape, (n, seconds))
        factor = n / first[0]
        note = (
            f"{result['files']} file(s), {result['bytes'] // 1024} KiB,"
            f" {result['findings']} findings reported"
        )
        rows.append(
            Row(
                f"hostile-{shape}-{n // 1000}k",
                seconds,
                seconds / first[1],
                f"hostile-{shape}-{first[0] // 1000}k",
                Target(round(1.25 * factor, 2)) if factor > 1 else None,
                note,
                result,
            )
        )
    return rows


def bench_export(ctx: Context) -> list[Row]:
    """``spbe export archimate|sia|tabel <synthetic>``, cold, each a ratio to validate.

    The issue's target is ≤ 1.5 × validate for each export (the check runs first, as in render).
    """
    validate = ctx.row("validate").seconds
    assert validate is not None
    rows = []
    with tempfile.TemporaryDirectory(prefix="spbe-bench-export-") as out:
        for target, output, extra in (
            ("archimate", "model.xml", ()),
            ("sia", "isian.xlsx", ()),
            ("tabel", "tabel", ("--format", "csv")),
        ):
            argv = ctx.spbe("export", target, _rel(ctx.catalog), "-o", f"{out}/{output}", *extra)
            seconds = ctx.time_process(argv)
            rows.append(
                ctx.timed(
                    Row(f"export-{target}", seconds, seconds / validate, "validate", Target(1.5))
                )
            )
    return rows


def bench_lsp(ctx: Context) -> list[Row]:
    """``spbe lsp``: seconds per edit after the first load (bench/lsp.py), target < 0.3 s."""
    done = subprocess.run(
        [PYTHON, str(BENCH / "lsp.py"), str(ctx.catalog), "--edits", str(2 * ctx.repeat)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    note = (
        f"median of {2 * ctx.repeat} edits of {result['file']}; worst {result['worst']:.2f} s;"
        f" full re-check after a pause {result['recheck']:.1f} s (in a thread);"
        f" first load {result['first_load']:.1f} s, {result['files']} files"
    )
    return [Row("lsp-edit", result["seconds"], None, "", Target(0.3, of="seconds"), note, result)]


def bench_lsp_big_file(ctx: Context) -> list[Row]:
    """``spbe lsp`` typing in one file of 3,000 application documents (:func:`one_big_file`).

    Real catalogs grow such files (one per kind and OPD): only the documents an edit changes
    are parsed again; target < 0.3 s per edit, as for one file per entity.
    """
    catalog = one_big_file(ctx.catalog, BIG_FILE_DOCUMENTS)
    argv = [PYTHON, str(BENCH / "lsp.py"), str(catalog), "--file", BIG_FILE]
    argv += ["--edits", str(2 * ctx.repeat)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    note = (
        f"median of {2 * ctx.repeat} edits of one file of {BIG_FILE_DOCUMENTS:,} applications;"
        f" worst {result['worst']:.2f} s; opening it {result['open']:.1f} s"
    )
    target = Target(0.3, of="seconds")
    return [Row("lsp-edit-big-file", result["seconds"], None, "", target, note, result)]


#: The file :func:`one_big_file` writes, and how many application documents it holds.
BIG_FILE = "aplikasi/semua.yaml"
BIG_FILE_DOCUMENTS = 3000


def one_big_file(source: Path, count: int) -> Path:
    """``source`` with its first ``count`` application files merged into :data:`BIG_FILE`.

    Written once per generation of ``source``.
    """

    def write(source: Path, out: Path) -> None:
        shutil.copytree(source, out)
        merged = sorted((out / "aplikasi").glob("*.yaml"))[:count]
        texts = [path.read_text(encoding="utf-8") for path in merged]
        for path in merged:
            path.unlink()
        (out / BIG_FILE).write_text("---\n".join(texts), encoding="utf-8")

    return derived(source, "big_file", count, f"one file of {count} documents", write)


#: Every benchmark, in the order of the table. Append new ones here.
BENCHMARKS: list[Bench] = [
    Bench("floor", bench_floor, "parse + schema-validate the synthetic catalog (the yardstick)"),
    Bench(
        "validate",
        bench_validate,
        "spbe validate on the synthetic catalog / floor ≤ 1.3",
        command="validate",
    ),
    Bench(
        "validate-grouped",
        bench_validate_grouped,
        "the same on multi-document files with long prose (floor and cache rows)",
        command="validate",
    ),
    Bench(
        "validate-small", bench_validate_small, "spbe validate catalog/ < 0.5 s", command="validate"
    ),
    Bench("help", bench_help, "spbe --help, start-up cost"),
    Bench("render", bench_render, "spbe render / validate ≤ 3", command="render"),
    Bench(
        "render-all",
        bench_render_all,
        "spbe render, Markdown + HTML + DOCX / validate ≤ 4",
        command="render",
    ),
    Bench(
        "render-small",
        bench_render_small,
        "spbe render catalog/, all formats < 3 s",
        command="render",
    ),
    Bench(
        "diff",
        bench_diff,
        "spbe diff: two git revisions ≤ 0.3 × validate, two folders ≤ 0.5 × (1 % changed)",
        command="diff",
    ),
    Bench(
        "diff-grouped",
        bench_diff_grouped,
        "spbe diff --no-findings of two git revisions, one file per kind and OPD: ≤ 0.3 × validate",
        command="diff",
    ),
    Bench("progress", bench_progress, "spbe progress / validate ≤ 1.2", command="progress"),
    Bench("sync", bench_sync, "spbe sync (look-alikes across OPDs) / validate", command="sync"),
    Bench("indeks", bench_indeks, "spbe indeks / validate ≤ 1.2", command="indeks"),
    Bench("overlap", bench_overlap, "duplicate detection at 1×, 2×, 4× scale, near-linear"),
    Bench("hostile", bench_hostile, "validate hostile shapes at 8k, 16k, 32k, near-linear"),
    Bench(
        "export",
        bench_export,
        "spbe export archimate / sia / tabel, each ≤ 1.5 × validate",
        command="export",
    ),
    Bench("lsp", bench_lsp, "spbe lsp: seconds per edit after the first load < 0.3", command="lsp"),
    Bench(
        "lsp-big-file",
        bench_lsp_big_file,
        "spbe lsp: seconds per edit in one file of 3,000 documents < 0.3",
        command="lsp",
    ),
]
BY_NAME = {b.name: b for b in BENCHMARKS}


def run_bench(ctx: Context, bench: Bench) -> None:
    if bench.name in ctx.rows:
        return
    if bench.command is not None and not ctx.has_command(bench.command):
        ctx.rows[bench.name] = [
            Row(bench.name, None, note=f"skipped: `spbe {bench.command}` does not exist yet")
        ]
        return
    print(f"... {bench.name}", file=sys.stderr)
    try:
        ctx.rows[bench.name] = bench.run(ctx)
    except (RuntimeError, LookupError, subprocess.CalledProcessError, ValueError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        ctx.rows[bench.name] = [Row(bench.name, None, note=f"failed: {str(detail).strip()[-200:]}")]


# -- output ------------------------------------------------------------------------------------


def format_table(rows: list[Row]) -> str:
    header = (
        "benchmark",
        "seconds",
        "min-max",
        "cpu s",
        "peak MiB",
        "ratio",
        "target",
        "result",
        "notes",
    )
    lines = [header]
    for row in rows:
        ratio = f"{row.ratio:.2f}× {row.ratio_of}" if row.ratio is not None else ""
        lines.append(
            (
                row.name,
                f"{row.seconds:.3f}" if row.seconds is not None else "-",
                f"{row.spread[0]:.2f}-{row.spread[1]:.2f}" if row.spread else "",
                f"{row.cpu:.2f}" if row.cpu is not None else "",
                f"{row.rss:.0f}" if row.rss is not None else "",
                ratio,
                row.target.describe() if row.target else "",
                row.verdict,
                row.note,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for index, line in enumerate(lines):
        cells = [
            line[i].ljust(widths[i]) if i not in (1, 2, 3, 4) else line[i].rjust(widths[i])
            for i in range(len(widths))
        ]
        out.append("  ".join(cells) + "  " + line[-1])
        if index == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    return "\n".join(out)


def compile_sources() -> str | None:
    """Write spbe's bytecode once, as installing a package does, so no timed run compiles it.

    An editable install (``make install``) leaves spbe's modules uncompiled; with
    ``PYTHONDONTWRITEBYTECODE`` set (some CI images and containers set it) every timed process
    would compile them again, about 0.2 s of each run that no installed spbe pays. Returns a
    note for the table when that variable is set.
    """
    import compileall

    compileall.compile_dir(ROOT / "spbe_cli", quiet=1)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "PYTHONDONTWRITEBYTECODE is set: spbe's bytecode was compiled before timing"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="spbe benchmarks")
    parser.add_argument("--quick", action="store_true", help="scale 0.1, a fast smoke run")
    parser.add_argument("--scale", type=float, help="catalog scale (default 1.0, quick 0.1)")
    parser.add_argument("--repeat", type=int, help="timed repetitions (default 3, quick 3)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (and what it depends on); repeatable",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    parser.add_argument("--clean", action="store_true", help="delete bench/.data first")
    args = parser.parse_args(argv)
    if args.list:
        for bench in BENCHMARKS:
            print(f"{bench.name:<16} {bench.about}")
        return 0
    args.scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    args.repeat = args.repeat or 3
    if args.clean and DATA.exists():
        shutil.rmtree(DATA)
    unknown = [n for n in args.only or () if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; see --list")

    compiled = compile_sources()
    ctx = Context(args)
    if compiled:
        ctx.notes.append(compiled)
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    started = time.perf_counter()
    for bench in chosen:
        run_bench(ctx, bench)
    rows = [row for bench in BENCHMARKS if bench.name in ctx.rows for row in ctx.rows[bench.name]]

    cat = ctx._catalog
    print(
        f"spbe benchmarks: scale {args.scale:g}, median of {args.repeat} "
        f"(cold: a fresh process per run), {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    if cat is not None:
        stamp = generate.read_stamp(cat) or {}
        print(
            f"catalog: {_rel(cat)} ({stamp.get('files', '?')} files, generator "
            f"v{stamp.get('generator', '?')}, seed {stamp.get('seed', '?')})"
        )
    print()
    print(format_table(rows))
    for command in sorted(ctx.long_runs):
        ctx.notes.append(f"{command}: one run over {LONG_RUN:g} s, timed once (no median)")
    for note in ctx.notes:
        print(f"note: {note}")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
