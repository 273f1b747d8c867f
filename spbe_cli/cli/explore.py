"""``spbe list``, ``spbe show`` and ``spbe graph``: look around a catalog."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from spbe_cli.i18n import t

DEFAULT_CATALOG = Path("catalog")

CatalogOption = Annotated[Path, typer.Option("--catalog", "-c", help=t("cli.catalog_arg"))]


class ListFormat(str, enum.Enum):
    """Output formats of ``spbe list`` and ``spbe show``."""

    table = "table"
    json = "json"


class ShowFormat(str, enum.Enum):
    """Output formats of ``spbe show``."""

    text = "text"
    json = "json"


class GraphFormat(str, enum.Enum):
    """Output formats of ``spbe graph``."""

    mermaid = "mermaid"
    dot = "dot"


def list_command(
    kind: Annotated[str, typer.Argument(help=t("explore.opt.kind"), metavar="KIND")],
    catalog: CatalogOption = DEFAULT_CATALOG,
    opd: Annotated[str | None, typer.Option("--opd", help=t("explore.opt.opd"))] = None,
    dimensi: Annotated[str | None, typer.Option("--dimensi", help=t("explore.opt.dimensi"))] = None,
    status: Annotated[str | None, typer.Option("--status", help=t("explore.opt.status"))] = None,
    tahun: Annotated[int | None, typer.Option("--tahun", help=t("explore.opt.tahun"))] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help=t("explore.opt.list_format"))
    ] = ListFormat.table,
) -> None:
    """Daftar entitas satu jenis / List the entities of one kind as a table."""
    from spbe_cli import explore
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors
    from spbe_cli.cli.progress import load_checked

    with user_errors():
        explore.check_kind(kind)
    loaded = load_checked(catalog, force=True, refuse=False)
    with user_errors():
        rows = explore.list_entities(
            loaded, kind, opd=opd, dimensi=dimensi, status=status, tahun=tahun
        )
    if output_format is ListFormat.json:
        console.out(explore.list_json(kind, rows), colour=False)
    else:
        console.table(explore.list_headers(), explore.list_cells(rows))
    raise typer.Exit(0)


def show(
    entity_id: Annotated[str, typer.Argument(help=t("explore.opt.id"), metavar="ID")],
    catalog: CatalogOption = DEFAULT_CATALOG,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help=t("explore.opt.show_format"))
    ] = ShowFormat.text,
) -> None:
    """Semua isian satu elemen dan yang merujuknya / Every field of one element and its users."""
    from spbe_cli import explore
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors
    from spbe_cli.cli.progress import load_checked

    loaded = load_checked(catalog, force=True, refuse=False)
    with user_errors():
        shown = explore.show_entity(loaded, entity_id)
    if output_format is ShowFormat.json:
        console.out(explore.show_json(shown), colour=False)
    else:
        console.out(explore.show_text(shown), colour=False)
    raise typer.Exit(0)


def graph(
    entity_id: Annotated[
        str | None, typer.Argument(help=t("explore.opt.graph_id"), metavar="[ID]")
    ] = None,
    catalog: CatalogOption = DEFAULT_CATALOG,
    depth: Annotated[int, typer.Option("--depth", help=t("explore.opt.depth"), min=0)] = 1,
    output_format: Annotated[
        GraphFormat, typer.Option("--format", "-f", help=t("explore.opt.graph_format"))
    ] = GraphFormat.mermaid,
) -> None:
    """Graf tautan elemen / The links around an element, or the whole catalog."""
    from spbe_cli import explore
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors
    from spbe_cli.cli.progress import load_checked

    loaded = load_checked(catalog, force=True, refuse=False)
    with user_errors():
        built = explore.build_graph(loaded, entity_id, depth)
    text = explore.to_dot(built) if output_format is GraphFormat.dot else explore.to_mermaid(built)
    console.out(text.rstrip("\n"), colour=False)
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add ``list``, ``show`` and ``graph`` to the ``spbe`` app."""
    app.command("list", help=t("cli.cmd_list"))(list_command)
    app.command("show", help=t("cli.cmd_show"))(show)
    app.command("graph", help=t("cli.cmd_graph"))(graph)
