"""``spbe list``, ``spbe show`` and ``spbe graph``: look around a catalog."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CatalogOption,
    Output,
    Table,
    catalog_path,
    emit,
    load_checked,
    user_errors,
)
from spbe_cli.cli.completion import complete_id, complete_kind
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.explore import Graph, Row, Shown


class ListFormat(str, enum.Enum):
    """Output formats of ``spbe list``."""

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


def list_formats(kind: str) -> dict[ListFormat, Output[list[Row]]]:
    """The output formats of ``spbe list``: a name -> how the rows become text."""
    from spbe_cli import explore

    return {
        ListFormat.table: Output(
            lambda rows: Table(explore.list_headers(), explore.list_cells(rows))
        ),
        ListFormat.json: Output(lambda rows: explore.list_json(kind, rows)),
    }


def show_formats() -> dict[ShowFormat, Output[Shown]]:
    """The output formats of ``spbe show``."""
    from spbe_cli import explore

    return {ShowFormat.text: Output(explore.show_text), ShowFormat.json: Output(explore.show_json)}


def graph_formats() -> dict[GraphFormat, Output[Graph]]:
    """The output formats of ``spbe graph``."""
    from spbe_cli import explore

    return {
        GraphFormat.mermaid: Output(lambda graph: explore.to_mermaid(graph).rstrip("\n")),
        GraphFormat.dot: Output(lambda graph: explore.to_dot(graph).rstrip("\n")),
    }


def list_command(
    kind: Annotated[
        str,
        typer.Argument(
            help=t("explore.opt.kind"), metavar=t("metavar.kind"), autocompletion=complete_kind
        ),
    ],
    catalog: CatalogOption = None,
    opd: Annotated[str | None, typer.Option("--opd", help=t("explore.opt.opd"))] = None,
    dimensi: Annotated[str | None, typer.Option("--dimensi", help=t("explore.opt.dimensi"))] = None,
    status: Annotated[str | None, typer.Option("--status", help=t("explore.opt.status"))] = None,
    tahun: Annotated[
        int | None, typer.Option("--tahun", help=t("explore.opt.tahun"), min=1945, max=2100)
    ] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help=t("explore.opt.list_format"))
    ] = ListFormat.table,
) -> None:
    """Daftar entitas satu jenis / List the entities of one kind as a table."""
    from spbe_cli import explore

    with user_errors():
        explore.check_kind(kind)
    loaded = load_checked(catalog_path(None, catalog), refuse=False)
    with user_errors():
        rows = explore.list_entities(
            loaded, kind, opd=opd, dimensi=dimensi, status=status, tahun=tahun
        )
    if not rows:
        from spbe_cli.cli import console

        filtered = any(f is not None for f in (opd, dimensi, status, tahun))
        console.err(t("explore.no_match" if filtered else "explore.none_of_kind", kind=kind))
    emit(list_formats(kind), output_format, rows)
    raise typer.Exit(0)


def show(
    entity_id: Annotated[
        str, typer.Argument(help=t("explore.opt.id"), metavar="ID", autocompletion=complete_id)
    ],
    catalog: CatalogOption = None,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help=t("explore.opt.show_format"))
    ] = ShowFormat.text,
) -> None:
    """Semua isian satu elemen dan yang merujuknya / Every field of one element and its users."""
    from spbe_cli import explore

    loaded = load_checked(catalog_path(None, catalog), refuse=False)
    with user_errors():
        shown = explore.show_entity(loaded, entity_id)
    emit(show_formats(), output_format, shown)
    raise typer.Exit(0)


def graph(
    entity_id: Annotated[
        str | None,
        typer.Argument(help=t("explore.opt.graph_id"), metavar="ID", autocompletion=complete_id),
    ] = None,
    catalog: CatalogOption = None,
    depth: Annotated[int, typer.Option("--depth", help=t("explore.opt.depth"), min=0)] = 1,
    output_format: Annotated[
        GraphFormat, typer.Option("--format", "-f", help=t("explore.opt.graph_format"))
    ] = GraphFormat.mermaid,
) -> None:
    """Graf tautan elemen / The links around an element, or the whole catalog."""
    from spbe_cli import explore

    loaded = load_checked(catalog_path(None, catalog), refuse=False)
    with user_errors():
        built = explore.build_graph(loaded, entity_id, depth)
    if output_format is GraphFormat.mermaid:
        built = _within_mermaid_limits(built)
    emit(graph_formats(), output_format, built)
    raise typer.Exit(0)


def _within_mermaid_limits(built: Graph) -> Graph:
    """The graph, or its view grouped per kind when Mermaid would refuse it (a note on stderr)."""
    from spbe_cli import explore
    from spbe_cli.cli import console

    if explore.fits_mermaid(built, explore.to_mermaid(built)):
        return built
    console.err(
        t(
            "explore.graph_grouped",
            edges=len(built.edges),
            nodes=len(built.nodes),
            limit=explore.MERMAID_MAX_EDGES,
        )
    )
    return explore.group_graph(built)


def register(app: typer.Typer) -> None:
    """Add ``list``, ``show`` and ``graph`` to the ``spbe`` app."""
    app.command("list", help=t("cli.cmd_list"))(list_command)
    app.command("show", help=t("cli.cmd_show"))(show)
    app.command("graph", help=t("cli.cmd_graph"))(graph)
