"""``spbe lsp``: the language server for editors (spbe_cli/lsp/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spbe_cli.cli.common import user_errors
from spbe_cli.errors import ExitCode, UsageError
from spbe_cli.i18n import t


def lsp(
    catalog: Annotated[
        Path | None,
        typer.Option("--catalog", "-c", help=t("cli.lsp_catalog"), show_default=False),
    ] = None,
) -> None:
    """Language server / Language server for editors."""
    try:
        from spbe_cli.lsp.server import serve  # pygls, the `lsp` extra: imported only here
    except ImportError:
        from spbe_cli.cli import console

        console.err(f"spbe: {t('cli.lsp_missing')}")
        raise typer.Exit(int(ExitCode.CANNOT_RUN)) from None
    with user_errors():
        if catalog is not None and not catalog.is_dir():
            raise UsageError(t("load.not_folder", path=str(catalog)))
        serve(catalog)


def register(app: typer.Typer) -> None:
    """Add ``lsp`` to the ``spbe`` app."""
    app.command("lsp", help=t("cli.cmd_lsp"))(lsp)
