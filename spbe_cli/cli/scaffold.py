"""Commands that start things: ``spbe init``, ``spbe new`` and ``spbe schema``."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from spbe_cli.cli.common import CatalogOption, catalog_path, user_errors
from spbe_cli.cli.completion import complete_kind
from spbe_cli.i18n import t


class JenisPemda(str, enum.Enum):
    """Kinds of Pemda."""

    kabupaten = "kabupaten"
    kota = "kota"
    provinsi = "provinsi"


def init(
    pemda: Annotated[str, typer.Option("--pemda", help=t("cli.init_pemda"))],
    kode: Annotated[str, typer.Option("--kode", help=t("cli.init_kode"))],
    directory: Annotated[
        Path, typer.Argument(help=t("cli.init_dir"), metavar=t("metavar.folder"))
    ] = Path(),
    jenis: Annotated[JenisPemda | None, typer.Option("--jenis", help=t("cli.init_jenis"))] = None,
    tahun: Annotated[int, typer.Option("--tahun", help=t("cli.init_tahun"))] = 2025,
    spbe_repo: Annotated[
        str, typer.Option("--spbe-repo", help=t("cli.init_repo"))
    ] = "https://example.invalid/spbe.git",
    spbe_rev: Annotated[str | None, typer.Option("--spbe-rev", help=t("cli.init_rev"))] = None,
) -> None:
    """Buat repositori katalog baru / Create a new catalog repository."""
    from spbe_cli import scaffold
    from spbe_cli.cli import console

    rev = spbe_rev or scaffold.InitOptions.spbe_rev
    options = scaffold.InitOptions(
        pemda, kode, jenis.value if jenis else None, tahun, spbe_repo, rev
    )
    with user_errors():
        result = scaffold.init_repository(directory, options)
    for note in result.notes:
        console.err(note)
    done = t("scaffold.init_done", count=len(result.written), path=directory.as_posix())
    catalog = (directory / scaffold.CATALOG_DIR).as_posix()
    console.out([*result.written, "", done, t("scaffold.init_next", catalog=catalog)], colour=False)
    raise typer.Exit(0)


def new(
    kind: Annotated[
        str,
        typer.Argument(
            help=t("cli.new_kind"), autocompletion=complete_kind, metavar=t("metavar.kind")
        ),
    ],
    entity_id: Annotated[str, typer.Argument(help=t("cli.new_id"), metavar="ID")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help=t("cli.new_output"))] = None,
    catalog: CatalogOption = None,
) -> None:
    """Buat berkas entitas baru / Write a new entity file."""
    from spbe_cli import scaffold
    from spbe_cli.cli import console

    folder = catalog_path(None, catalog, must_exist=False)  # new creates a missing folder
    with user_errors():
        path, notes = scaffold.new_entity(kind, entity_id, folder, output)
    for note in notes:
        console.err(note)
    console.out(t("scaffold.new_done", path=path.as_posix()), colour=False)
    raise typer.Exit(0)


def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=t("cli.schema_output"))
    ] = None,
) -> None:
    """Tulis JSON Schema / Write the JSON Schemas."""
    from spbe_cli import schema as schemas
    from spbe_cli.cli import console

    if output is None:
        console.out(schemas.dumps(schemas.catalog_schema()).rstrip("\n"), colour=False)
        raise typer.Exit(0)
    with user_errors():
        written = schemas.write_schemas(output)
    console.out(
        [p.as_posix() for p in written]
        + [t("scaffold.schema_done", count=len(written), path=output.as_posix())],
        colour=False,
    )
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add ``init``, ``new`` and ``schema`` to the ``spbe`` app."""
    app.command("init", help=t("cli.cmd_init"))(init)
    app.command("new", help=t("cli.cmd_new"))(new)
    app.command("schema", help=t("cli.cmd_schema"))(schema)
