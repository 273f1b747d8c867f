"""``spbe export archimate|sia|tabel``: the catalog as files other tools read."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import CatalogArgument, CatalogOption, catalog_path, user_errors
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.export import ExportOptions

export_app = typer.Typer(
    name="export",
    help=t("export.help"),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ForceOption = Annotated[bool, typer.Option("--force", help=t("export.opt_force"))]


class TableFormat(str, enum.Enum):
    """Formats of ``spbe export tabel``."""

    csv = "csv"
    parquet = "parquet"


def register(app: typer.Typer) -> None:
    """Add the ``export`` command group to the ``spbe`` app."""
    app.add_typer(export_app, name="export", help=t("export.help"))


@export_app.command("archimate", help=t("export.archimate_help"))
def archimate(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=t("export.opt_output_file"))
    ] = Path("build/model-archimate.xml"),
    force: ForceOption = False,
) -> None:
    """Model ArchiMate 3.1 (Open Exchange Format) / An ArchiMate 3.1 model (OEF)."""
    from spbe_cli.export import ExportOptions

    path = catalog_path(catalog, catalog_option)
    run(ExportOptions("archimate", path, output, force, display=path.as_posix()))


@export_app.command("sia", help=t("export.sia_help"))
def sia(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=t("export.opt_output_file"))
    ] = Path("build/lembar-isian-sia-spbe.xlsx"),
    force: ForceOption = False,
) -> None:
    """Lembar isian SIA-SPBE (XLSX) / SIA-SPBE worksheets (XLSX)."""
    from spbe_cli.export import ExportOptions

    path = catalog_path(catalog, catalog_option)
    run(ExportOptions("sia", path, output, force, display=path.as_posix()))


@export_app.command("tabel", help=t("export.tabel_help"))
def tabel(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=t("export.opt_output_folder"))
    ] = Path("build/tabel"),
    table_format: Annotated[
        TableFormat, typer.Option("--format", "-f", help=t("export.opt_format"))
    ] = TableFormat.csv,
    force: ForceOption = False,
) -> None:
    """Tabel data (CSV/Parquet) / Data tables (CSV/Parquet)."""
    from spbe_cli.export import ExportOptions

    path = catalog_path(catalog, catalog_option)
    run(ExportOptions("tabel", path, output, force, table_format.value, path.as_posix()))


def run(options: ExportOptions) -> None:
    """Export, then report on the console and exit with the outcome's code."""
    from spbe_cli import report as fmt
    from spbe_cli.cli import console
    from spbe_cli.export import export_catalog

    with user_errors(), console.step_bar(t("cli.progress_validate")) as hook:
        outcome = export_catalog(options, hook)
    report = outcome.report
    if outcome.refused:
        console.out(fmt.format_text(report.only_errors()))
        console.err(t("export.refused", errors=report.errors))
        raise typer.Exit(int(outcome.return_code))
    if report.errors:
        console.err(t("export.forced", errors=report.errors))
    counts = outcome.counts
    path = options.out.as_posix()
    if options.target == "archimate":
        console.err(t("export.done_archimate", path=path, **counts))
    elif options.target == "sia":
        console.err(t("export.done_sia", path=path, **counts))
    else:
        rows = sum(counts.values())
        console.err(t("export.done_tabel", path=path, tables=len(counts), rows=rows))
    raise typer.Exit(int(outcome.return_code))
