"""The only module that talks to the terminal through rich."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from spbe_cli.loader import ProgressHook

# rich is imported only when a terminal will show its output: piped runs (CI) start faster.

_SEVERITY = re.compile(r": (error|warning|info)\[(SPBE\d+)\]: ")
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}

#: Below this many files a progress bar only flickers.
PROGRESS_MIN_FILES = 300


def _console(stream: TextIO) -> Console:
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=True, emoji=False, markup=False)


def out(lines: list[str] | str, *, colour: bool = True) -> None:
    """Print lines to stdout; severities are coloured when stdout is a terminal."""
    if isinstance(lines, str):
        lines = [lines]
    if not (colour and sys.stdout.isatty()):
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
        return
    from rich.text import Text

    console = _console(sys.stdout)
    for line in lines:
        text = Text(line)
        match = _SEVERITY.search(line)
        if match:
            text.stylize(_STYLES[match.group(1)], match.start(1), match.end(2) + 1)
        console.print(text)


def err(message: str) -> None:
    """Print a message for the user on stderr ('could not run', notes)."""
    if sys.stderr.isatty():
        from rich.text import Text

        _console(sys.stderr).print(Text(message, style="red"))
    else:
        sys.stderr.write(message + "\n")


@contextmanager
def progress(label: str, min_total: int = PROGRESS_MIN_FILES) -> Iterator[ProgressHook | None]:
    """A progress bar on stderr for long work; nothing when stderr is not a terminal.

    The bar appears once a step reports a total of at least ``min_total`` (files by default).
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console(sys.stderr),
        transient=True,
    )
    task = None

    def hook(done: int, total: int) -> None:
        nonlocal task
        if total < min_total:
            return
        if task is None:
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)

    try:
        yield hook
    finally:
        if task is not None:
            bar.stop()


def table(headers: list[str], rows: list[list[str]]) -> None:
    """Print a table: a rich table on a terminal, plain aligned columns when piped."""
    if not sys.stdout.isatty():
        widths = [len(h) for h in headers]
        for row in rows:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in (headers, ["-" * w for w in widths], *rows)
        ]
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
        return
    from rich.table import Table

    grid = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for header in headers:
        grid.add_column(header, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    _console(sys.stdout).print(grid)
