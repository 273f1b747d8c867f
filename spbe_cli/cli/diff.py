"""``spbe diff``: compare two catalogs (folders or git revisions) in the catalog's own terms."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CacheOption,
    Output,
    catalog_path,
    emit,
    quick_exit_ready,
    user_errors,
)
from spbe_cli.cli.completion import complete_revision
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.diff import ChangeSet


class DiffFormat(str, enum.Enum):
    """Output formats of ``spbe diff``."""

    text = "text"
    markdown = "markdown"
    json = "json"


def formats() -> dict[DiffFormat, Output[ChangeSet]]:
    """The output formats of ``spbe diff``: a name -> how a change set becomes text."""
    from spbe_cli.diff import formats as fmt

    return {
        DiffFormat.text: Output(fmt.format_text, colour=True),
        DiffFormat.markdown: Output(lambda changes: fmt.format_markdown(changes).rstrip("\n")),
        DiffFormat.json: Output(fmt.format_json),
    }


def diff(
    old: Annotated[
        str | None,
        typer.Argument(
            help=t("diff.cli_old"),
            metavar=t("metavar.old"),
            show_default=False,
            autocompletion=complete_revision,
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(
            help=t("diff.cli_new"),
            metavar=t("metavar.new"),
            show_default=False,
            autocompletion=complete_revision,
        ),
    ] = None,
    catalog: Annotated[
        Path | None,
        typer.Option("--catalog", "-c", help=t("diff.cli_catalog"), show_default=False),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help=t("diff.cli_format"))
    ] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help=t("diff.cli_exit_code"))] = False,
    findings: Annotated[
        bool, typer.Option("--findings/--no-findings", help=t("diff.cli_findings"))
    ] = True,
    _cache: CacheOption = None,
) -> None:
    """Bandingkan dua versi katalog / Compare two versions of a catalog (folders or git revisions).

    No argument: HEAD against the working tree. One: that revision (or folder, or range A...B)
    against the working tree. Two: each a revision or a folder. Exit 0, or 1 with --exit-code
    when something changed or cannot be compared; 2 usage; 3 could not run (git failed). A
    side that does not load is compared as far as it loads.
    """
    from spbe_cli.diff import diff_snapshots
    from spbe_cli.gitsource import resolve_sides

    path = catalog_path(None, catalog, must_exist=False)  # it may exist only in a revision
    with user_errors():
        sides = resolve_sides(old, new, path, base=findings)
        changeset = diff_snapshots(
            sides.old, sides.new, fail_on_change=exit_code, findings=findings
        )
    emit(formats(), output_format, changeset)
    # Nothing is left open or running (the children and git's searches are done): the process
    # ends without freeing each object it made one by one.
    quick_exit_ready()
    raise typer.Exit(int(changeset.return_code))


def register(app: typer.Typer) -> None:
    """Add ``spbe diff`` to the application."""
    app.command(name="diff", help=t("cli.cmd_diff"))(diff)
