"""``spbe indeks``: the index of a self-assessment, with each indicator's plafon."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CacheOption,
    CatalogArgument,
    CatalogOption,
    Output,
    ReportFormat,
    catalog_path,
    emit,
    load_checked,
    report_formats,
)
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.indeks import IndeksReport


class Kerangka(str, enum.Enum):
    """The bundled evaluation frameworks."""

    spbe_59_2020 = "spbe-59-2020"
    pemdi_8_2026 = "pemdi-8-2026"


def indeks_formats() -> dict[ReportFormat, Output[IndeksReport]]:
    """The output formats of ``spbe indeks``: a name -> how a report becomes text."""
    from spbe_cli import indeks_format

    return report_formats(indeks_format)


def indeks(
    kerangka: Annotated[Kerangka, typer.Option("--kerangka", "-k", help=t("indeks.opt.kerangka"))],
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
    tahun: Annotated[
        int | None, typer.Option("--tahun", help=t("indeks.opt.tahun"), min=1945, max=2100)
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help=t("indeks.opt.format"))
    ] = ReportFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help=t("indeks.opt.strict"))] = False,
    force: Annotated[bool, typer.Option("--force", help=t("progress.opt.force"))] = False,
) -> None:
    """Indeks SPBE / Indeks Pemdi (exit 0, 1 on evaluation findings, 2 usage, 3 could not run)."""
    from spbe_cli.indeks import evaluate, framework

    loaded = load_checked(catalog_path(catalog, catalog_option), force=force)
    report = evaluate(loaded, framework(kerangka.value), tahun, strict=strict)
    emit(indeks_formats(), output_format, report)
    raise typer.Exit(int(report.return_code))


def register(app: typer.Typer) -> None:
    """Add ``indeks`` to the ``spbe`` app."""
    app.command("indeks", help=t("cli.cmd_indeks"))(indeks)
