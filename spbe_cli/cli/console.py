"""The only module that talks to the terminal through rich.

Nothing printed here is read as rich markup (``[bold]``, ``[link=...]`` in a catalog value stay
text: the console has ``markup=False`` and every string goes in as a ``Text``), and every control
character left in what the formatters made is shown escaped (:mod:`spbe_cli.markup`): a list of
lines is one line per item, so a newline inside an item is escaped too; a single string is a
document whose own newlines are kept.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from spbe_cli.markup import safe, safe_block, text_table

if TYPE_CHECKING:
    from rich.console import Console

    from spbe_cli.loader import StepHook

# rich is imported only when a terminal will show its output: piped runs (CI) start faster.

_SEVERITY = r": (error|warning|info)\[(SPBE\d+)\]: "  # text: compiled by re when first used
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}

#: Below this many files a step bar only flickers.
STEP_BAR_MIN_FILES = 300


def _console(stream: TextIO) -> Console:
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=True, emoji=False, markup=False)


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Report an output that cannot be written (disk full, a device error) as such, exit 3.

    Around every write to stdout: :func:`out`, :func:`table`, and the help pages
    (:class:`spbe_cli.cli.chrome.SpbeContext`).

    It was an "internal error, a bug in spbe". A closed pipe (``spbe ... | head``) stays what it
    always was: the reader has had enough, nothing to report.
    """
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        from spbe_cli.errors import SpbeError, os_reason
        from spbe_cli.i18n import t

        _drop_unwritten()
        raise SpbeError(t("cli.stdout_error", reason=os_reason(exc))) from exc


def _drop_unwritten() -> None:
    """Point stdout at the null device, so the exit does not try the failed write again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (a test's capture): nothing to retry
        return


def out(lines: list[str] | str, *, colour: bool = True) -> None:
    """Print lines to stdout; severities are coloured when stdout is a terminal."""
    with writing_stdout():
        _out(lines, colour=colour)


def out_parts(parts: list[str], *, colour: bool = True) -> None:
    """Print the document the parts make when joined, as :func:`out` prints a whole document.

    Piped, each part is made safe (:func:`~spbe_cli.markup.safe_block` rewrites one character
    at a time, so the parts give what the whole would) and written as it is: the tens of MB of
    ``spbe sync --format json`` are not copied into one string first, then again when made safe.
    """
    with writing_stdout():
        if colour and sys.stdout.isatty():
            _out("".join(parts), colour=colour)
            return
        write = sys.stdout.write
        for part in parts:
            write(safe_block(part))
        write("\n")
        sys.stdout.flush()


def _out(lines: list[str] | str, *, colour: bool) -> None:
    lines = [safe_block(lines)] if isinstance(lines, str) else [safe(line) for line in lines]
    if not (colour and sys.stdout.isatty()):
        if len(lines) == 1:
            # A whole document (tens of MB from sync --format json): its newline written after
            # it rather than added to a copy of it.
            sys.stdout.write(lines[0])
            sys.stdout.write("\n")
        else:
            sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
        return
    from rich.text import Text

    console = _console(sys.stdout)
    for line in lines:
        text = Text(line)
        match = re.search(_SEVERITY, line)
        if match:
            text.stylize(_STYLES[match.group(1)], match.start(1), match.end(2) + 1)
        console.print(text)


def err(message: str) -> None:
    """Print a message for the user on stderr ('could not run', notes), as one safe line."""
    message = safe(message)
    if sys.stderr.isatty():
        from rich.text import Text

        _console(sys.stderr).print(Text(message, style="red"))
    else:
        sys.stderr.write(message + "\n")


@contextmanager
def step_bar(label: str, min_total: int = STEP_BAR_MIN_FILES) -> Iterator[StepHook | None]:
    """Show a bar of steps done (files loaded, documents written) on stderr for long work.

    Nothing is shown when stderr is not a terminal.

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
        TextColumn("{task.description}", markup=False),
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
    with writing_stdout():
        _table(headers, rows)


def _table(headers: list[str], rows: list[list[str]]) -> None:
    if not sys.stdout.isatty():
        lines = text_table(headers, rows)
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for header in headers:
        grid.add_column(Text(safe(header)), overflow="fold")
    for row in rows:
        grid.add_row(*(Text(safe(cell)) for cell in row))
    _console(sys.stdout).print(grid)
