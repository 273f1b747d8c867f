"""``spbe diff``: compare two catalogs (folders or git revisions) in the catalog's own terms."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from spbe_cli.errors import ExitCode, SpbeError
from spbe_cli.i18n import t

DEFAULT_CATALOG = Path("catalog")


class DiffFormat(str, enum.Enum):
    """Output formats of ``spbe diff``."""

    text = "text"
    markdown = "markdown"
    json = "json"


def diff(
    old: Annotated[str | None, typer.Argument(help=t("diff.cli_old"), show_default=False)] = None,
    new: Annotated[str | None, typer.Argument(help=t("diff.cli_new"), show_default=False)] = None,
    catalog: Annotated[
        Path, typer.Option("--catalog", "-c", help=t("diff.cli_catalog"))
    ] = DEFAULT_CATALOG,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help=t("diff.cli_format"))
    ] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help=t("diff.cli_exit_code"))] = False,
) -> None:
    """Bandingkan dua versi katalog / Compare two versions of a catalog (folders or git revisions).

    No argument: HEAD against the working tree. One: that revision (or folder, or range A...B)
    against the working tree. Two: each a revision or a folder. Exit 0, or 1 with --exit-code
    when something changed; 2 usage; 3 could not run.
    """
    from spbe_cli.cli import console
    from spbe_cli.diff import SideLoadError, diff_snapshots
    from spbe_cli.diff import formats as fmt
    from spbe_cli.gitsource import resolve_sides
    from spbe_cli.report import format_finding

    try:
        sides = resolve_sides(old, new, catalog)
        changeset = diff_snapshots(sides.old, sides.new)
    except SideLoadError as exc:
        console.err(f"spbe: {exc}")
        for finding in exc.findings:
            console.err(format_finding(finding))
        raise typer.Exit(int(exc.exit_code)) from exc
    except SpbeError as exc:
        console.err(f"spbe: {exc}")
        raise typer.Exit(int(exc.exit_code)) from exc
    if output_format is DiffFormat.json:
        console.out(fmt.format_json(changeset), colour=False)
    elif output_format is DiffFormat.markdown:
        console.out(fmt.format_markdown(changeset).rstrip("\n"), colour=False)
    else:
        console.out(fmt.format_text(changeset))
    raise typer.Exit(int(ExitCode.FINDINGS if exit_code and changeset else ExitCode.OK))


def register(app: typer.Typer) -> None:
    """Add ``spbe diff`` to the application."""
    app.command(name="diff", help=t("cli.cmd_diff"))(diff)
