"""What every command shares: the catalog argument, error handling, loading, output formats.

Command modules import from here, never from each other or from ``app``; ``app`` only assembles
them. The rule for a catalog on the command line is the same in every command (docs/panduan.md):
``-c/--catalog PATH`` everywhere, and, where the catalog is the only positional, the positional
form too; a catalog that does not exist or is not a folder is a usage error (exit 2).

Only light modules are imported at the top: this module is loaded for ``spbe --help``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from spbe_cli.errors import ExitCode, Severity, SpbeError, UsageError, with_hint
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog

#: The catalog folder when the command line names none and the working folder holds none.
DEFAULT_CATALOG = Path("catalog")


def default_catalog() -> Path:
    """The catalog when the command line names none (:func:`spbe_cli.files.find_catalog`).

    ``catalog`` in the working folder, or the catalog folder the working folder is inside
    (``..`` from ``catalog/program``), shown relative; else ``catalog`` (which then does not
    exist, and the command says how to name one).
    """
    from spbe_cli.files import find_catalog

    return find_catalog(Path()) or DEFAULT_CATALOG


#: The positional catalog of validate, render, progress and sync (kept for compatibility).
CatalogArgument = Annotated[
    Path | None,
    typer.Argument(help=t("cli.catalog_arg"), metavar=t("metavar.catalog"), show_default=False),
]
#: ``-c/--catalog``, the same in every command that reads a catalog.
CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", "-c", help=t("cli.catalog_opt"), show_default=False),
]


def _cache_choice(value: bool | None) -> None:
    if value is not None:
        from spbe_cli.cachestate import set_enabled

        set_enabled(value)


#: ``--cache/--no-cache`` after the command name too (``spbe validate --no-cache``), as before
#: it (``spbe --no-cache validate``): the same switch, set as the option is read.
CacheOption = Annotated[
    bool | None,
    typer.Option(
        "--cache/--no-cache",
        help=t("cli.no_cache"),
        show_default=False,
        callback=_cache_choice,
        expose_value=False,
    ),
]

R = TypeVar("R")

#: Set by a command whose work is complete once its output is printed (validate, sync, and
#: render once every file is written, closed and moved into place): the ``spbe`` script then
#: ends with ``os._exit`` after flushing both streams (see :func:`spbe_cli.cli.app.main`),
#: instead of freeing the millions of objects a national catalog made one by one (0.1-0.2 s
#: at national scale, about 0.6 s after a render). Never set by a command that still has
#: files open, keeps a server or leaves work to ``atexit``.
QUICK_EXIT = {"ready": False}


def quick_exit_ready() -> None:
    """Tell the ``spbe`` script that nothing is left to do but exit (see :data:`QUICK_EXIT`)."""
    QUICK_EXIT["ready"] = True


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`SpbeError` into a message (and its findings) on stderr and its exit code."""
    try:
        yield
    except SpbeError as exc:
        tell(exc)
        raise typer.Exit(int(exc.exit_code)) from exc


def tell(exc: SpbeError) -> None:
    """Show why work cannot go on: ``spbe: message`` on stderr, then the findings behind it."""
    from spbe_cli.cli import console
    from spbe_cli.report import format_finding

    console.err(f"spbe: {exc}")
    for line in exc.details:
        console.err(line)
    for finding in exc.findings:
        console.err(format_finding(finding))


def catalog_path(
    argument: Path | None, option: Path | None = None, *, must_exist: bool = True
) -> Path:
    """The catalog folder the command line names; exit 2 when it is not a usable folder.

    ``argument`` is the positional form, ``option`` is ``-c/--catalog``; naming two different
    folders is a usage error. With ``must_exist=False`` (``new``, which creates the folder, and
    ``diff``, whose catalog may exist only in a revision) a missing folder is let through, but a
    file is still refused.
    """
    with user_errors():
        if argument is not None and option is not None and argument != option:
            raise UsageError(
                t("cli.catalog_twice", first=argument.as_posix(), second=option.as_posix())
            )
        # The catalog the working folder holds or is inside, for every command: `diff` run in
        # `catalog/` looked for `catalog/catalog` in each revision ("not in revision HEAD"),
        # and `new` run in `catalog/program` would make a catalog there.
        path = argument or option or default_catalog()
        if not path.exists():
            if must_exist:
                # Nothing named: the default folder is not here (the wrong working folder, or
                # a folder given where the command takes an id): say how to name it.
                hint = t("cli.name_catalog") if argument is None and option is None else None
                raise UsageError(with_hint(t("load.no_folder", path=str(path)), hint))
        elif not path.is_dir():
            raise UsageError(t("load.not_folder", path=str(path)))
    return path


def load_checked(path: Path, *, force: bool = False, refuse: bool = True) -> Catalog:
    """Load a catalog; with load errors list them on stderr and stop (exit 3) unless ``force``.

    With ``refuse=False`` (list, show, graph) the errors are only counted in a note.
    """
    from spbe_cli.cli import console
    from spbe_cli.loader import load_catalog
    from spbe_cli.report import format_finding

    with user_errors(), console.step_bar(t("cli.progress_validate")) as hook:
        catalog, findings = load_catalog(path, path.as_posix(), hook)
    errors = sorted(
        (f for f in findings if f.severity is Severity.ERROR), key=lambda f: f.sort_key()
    )
    if not errors:
        return catalog
    if not refuse:
        console.err(t("progress.note_errors", n=len(errors)))
        return catalog
    for finding in errors:
        console.err(format_finding(finding))
    if not force:
        console.err(t("progress.refused", n=len(errors)))
        raise typer.Exit(int(ExitCode.CANNOT_RUN))
    console.err(t("progress.forced", n=len(errors)))
    return catalog


def parse_date(value: str) -> date:
    """``--tanggal``: an ISO date.

    A date of the right form that the calendar lacks (``2026-02-29``, ``2026-04-31``) is told
    as such, not as a wrong form. Without ``--tanggal`` each command chooses its own date, never
    the machine's clock in its own time zone (:func:`spbe_cli.progress.default_report_date`).
    """
    import re

    # Only YYYY-MM-DD: fromisoformat alone also takes 20260101 and week dates (2026-W01-1).
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, flags=re.ASCII):
        raise typer.BadParameter(t("progress.bad_date", value=value), param_hint="'--tanggal'")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            t("progress.no_such_date", value=value), param_hint="'--tanggal'"
        ) from None


@dataclass(frozen=True)
class Table:
    """Rows to print as a table (aligned columns when piped, a rich table on a terminal)."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Document:
    """One document in parts, written one after the other as the text they make when joined.

    For a document of tens of MB (``spbe sync --format json`` on a national catalog): its parts
    are checked and written as they are, never first copied into one string.
    """

    parts: list[str]


@dataclass(frozen=True)
class Output(Generic[R]):
    """One output format of a command: how a result becomes text, and whether it is coloured."""

    render: Callable[[R], str | list[str] | Table | Document]
    colour: bool = False


class ReportFormat(str, enum.Enum):
    """Output formats of the report commands (``progress``, ``indeks``)."""

    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


def report_formats(module: Any) -> dict[ReportFormat, Output[Any]]:
    """The registry of a report module's ``format_text/markdown/json/html`` functions."""
    return {
        ReportFormat.text: Output(module.format_text),
        ReportFormat.markdown: Output(module.format_markdown),
        ReportFormat.json: Output(module.format_json),
        ReportFormat.html: Output(lambda report: module.format_html(report).rstrip("\n")),
    }


def emit(formats: Mapping[Any, Output[R]], name: Any, result: R) -> None:
    """Print ``result`` in the format ``name`` of a command's registry of formats."""
    from spbe_cli.cli import console

    output = formats[name]
    text = output.render(result)
    if isinstance(text, Table):
        console.table(text.headers, text.rows)
    elif isinstance(text, Document):
        console.out_parts(text.parts, colour=output.colour)
    else:
        console.out(text, colour=output.colour)
