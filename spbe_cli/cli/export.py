"""``spbe export archimate|sia|tabel``: the catalog as files other tools read."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from spbe_cli.cli.common import (
    CacheOption,
    CatalogArgument,
    CatalogOption,
    catalog_path,
    user_errors,
)
from spbe_cli.i18n import t

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
    xlsx = "xlsx"
    parquet = "parquet"


def register(app: typer.Typer) -> None:
    """Add the ``export`` command group to the ``spbe`` app."""
    app.add_typer(export_app, name="export", help=t("export.help"))


@export_app.command("archimate", help=t("export.archimate_help"))
def archimate(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=t("export.opt_output_file"))
    ] = Path("build/model-archimate.xml"),
    force: ForceOption = False,
) -> None:
    """Model ArchiMate 3.1 (Open Exchange Format) / An ArchiMate 3.1 model (OEF)."""
    run("archimate", catalog_path(catalog, catalog_option), output, force)


@export_app.command("sia", help=t("export.sia_help"))
def sia(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=t("export.opt_output_file"))
    ] = Path("build/lembar-isian-sia-spbe.xlsx"),
    force: ForceOption = False,
) -> None:
    """Lembar isian SIA-SPBE (XLSX) / SIA-SPBE worksheets (XLSX)."""
    run("sia", catalog_path(catalog, catalog_option), output, force)


@export_app.command("tabel", help=t("export.tabel_help"))
def tabel(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=t("export.opt_output_folder"))
    ] = Path("build/tabel"),
    table_format: Annotated[
        TableFormat, typer.Option("--format", "-f", help=t("export.opt_format"))
    ] = TableFormat.csv,
    force: ForceOption = False,
) -> None:
    """Tabel data (CSV/XLSX/Parquet) / Data tables (CSV/XLSX/Parquet)."""
    run("tabel", catalog_path(catalog, catalog_option), output, force, table_format.value)


#: The "done" message of each export, by target.
_DONE = {
    "archimate": "export.done_archimate",
    "sia": "export.done_sia",
    "tabel": "export.done_tabel",
}


def run(target: str, catalog: Path, output: Path, force: bool, table_format: str = "csv") -> None:
    """Export, then report on the console and exit with the outcome's code."""
    from spbe_cli import report as fmt
    from spbe_cli.cli import console
    from spbe_cli.export import ExportOptions, export_catalog

    options = ExportOptions(target, catalog, output, force, table_format, catalog.as_posix())
    with user_errors(), console.step_bar(t("cli.progress_validate")) as hook:
        outcome = export_catalog(options, hook)
    report = outcome.report
    if outcome.refused:
        console.out(fmt.format_text(report.only_errors()))
        console.err(t("export.refused", errors=report.errors))
    else:
        if report.errors:
            console.err(t("export.forced", errors=report.errors))
        counts = dict(outcome.counts)
        if target == "tabel":  # tables and rows rather than elements and relationships
            counts = {"tables": len(counts), "rows": sum(counts.values())}
        console.err(t(_DONE[target], path=output.as_posix(), **counts))
    raise typer.Exit(int(outcome.return_code))
