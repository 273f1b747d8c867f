"""``spbe indeks``: the index of a self-assessment, with each indicator's plafon."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from spbe_cli.cli.progress import ProgressFormat as IndeksFormat
from spbe_cli.errors import Report
from spbe_cli.i18n import t


class Kerangka(str, enum.Enum):
    """The bundled evaluation frameworks."""

    spbe_59_2020 = "spbe-59-2020"
    pemdi_8_2026 = "pemdi-8-2026"


def indeks(
    kerangka: Annotated[Kerangka, typer.Option("--kerangka", "-k", help=t("indeks.opt.kerangka"))],
    catalog: Annotated[Path, typer.Argument(help=t("cli.catalog_arg"))] = Path("catalog"),
    tahun: Annotated[
        int | None, typer.Option("--tahun", help=t("indeks.opt.tahun"), min=1945, max=2100)
    ] = None,
    output_format: Annotated[
        IndeksFormat, typer.Option("--format", "-f", help=t("indeks.opt.format"))
    ] = IndeksFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help=t("indeks.opt.strict"))] = False,
    force: Annotated[bool, typer.Option("--force", help=t("progress.opt.force"))] = False,
) -> None:
    """Indeks SPBE / Indeks Pemdi (exit 0, 1 on evaluation findings, 2 usage, 3 could not run)."""
    from spbe_cli import indeks_format as fmt
    from spbe_cli.cli import console
    from spbe_cli.cli.progress import load_checked
    from spbe_cli.indeks import evaluate, framework

    report = evaluate(load_checked(catalog, force=force), framework(kerangka.value), tahun)
    writers = {"json": fmt.format_json, "markdown": fmt.format_markdown, "html": fmt.format_html}
    writer = writers.get(output_format.value)
    console.out(writer(report).rstrip("\n") if writer else fmt.format_text(report), colour=False)
    raise typer.Exit(int(Report(report.findings, strict=strict).return_code))


def register(app: typer.Typer) -> None:
    """Add ``indeks`` to the ``spbe`` app."""
    app.command("indeks", help=t("cli.cmd_indeks"))(indeks)
