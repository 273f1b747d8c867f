"""``spbe render``: the master plan, the architecture and the roadmap as documents."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CacheOption,
    CatalogArgument,
    CatalogOption,
    catalog_path,
    parse_date,
    quick_exit_ready,
    user_errors,
)
from spbe_cli.cli.completion import complete_document, complete_render_format
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.render.pipeline import RenderOutcome

#: Above this many entities rendering takes long enough for a progress bar.
PROGRESS_MIN_ENTITIES = 2000


def register(app: typer.Typer) -> None:
    """Add the ``render`` command to the ``spbe`` app."""
    app.command(name="render", help=t("render.help"))(render)


def render(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help=t("render.opt_output"))] = Path(
        "build"
    ),
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", help=t("render.opt_doc"), autocompletion=complete_document),
    ] = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format", "-f", help=t("render.opt_format"), autocompletion=complete_render_format
        ),
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help=t("render.opt_templates"))
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("render.opt_force"))] = False,
    check: Annotated[bool, typer.Option("--check", help=t("render.opt_check"))] = False,
    since: Annotated[str | None, typer.Option("--since", help=t("render.opt_since"))] = None,
    tahun: Annotated[
        int | None, typer.Option("--tahun", min=2000, max=2100, help=t("render.opt_tahun"))
    ] = None,
    tanggal: Annotated[str | None, typer.Option("--tanggal", help=t("render.opt_tanggal"))] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help=t("render.opt_timeout"))
    ] = None,
    max_mb: Annotated[float | None, typer.Option("--max-mb", help=t("render.opt_max_mb"))] = None,
) -> None:
    """Susun dokumen dari katalog / Render the documents of a catalog."""
    from spbe_cli.cli import console
    from spbe_cli.render.limits import limits_from
    from spbe_cli.render.pipeline import RenderOptions, render_catalog

    path = catalog_path(catalog, catalog_option)
    with user_errors():
        limits = limits_from(timeout, max_mb, os.environ)
    docs = doc or ["all"]
    extras = _extras(path, docs, since, tahun, tanggal, templates)
    options = RenderOptions(
        catalog=path, out=output, docs=docs, formats=output_format or ["all"],
        templates=templates, force=force, check=check, display=path.as_posix(), extras=extras,
        limits=limits,
    )  # fmt: skip
    with (
        user_errors(),
        console.step_bar(t("cli.progress_validate")) as load_hook,
        console.step_bar(t("render.progress"), min_total=1) as render_hook,
    ):
        outcome = render_catalog(
            options, load_hook, lambda n: render_hook if n >= PROGRESS_MIN_ENTITIES else None
        )
    _tell(outcome, output)
    # Every file is complete and in place (or compared), the child reaped, the staging gone.
    quick_exit_ready()
    raise typer.Exit(int(outcome.return_code))


def _extras(
    catalog: Path,
    docs: list[str],
    since: str | None,
    tahun: int | None,
    tanggal: str | None,
    templates: Path | None = None,
) -> dict[str, object]:
    """What the templates get besides the catalog: --tahun, --tanggal and --since."""
    extras: dict[str, object] = {}
    if tahun is not None:
        extras["tahun"] = tahun
    if tanggal is not None:
        extras["tanggal"] = parse_date(tanggal)
    if since is not None:
        with user_errors():
            extras.update(_since_extras(since, catalog, docs, templates))
    return extras


def _tell(outcome: RenderOutcome, output: Path) -> None:
    """Say what happened: the errors of a refusal, the files --check found different, or done."""
    from spbe_cli import report as fmt
    from spbe_cli.cli import console

    report = outcome.report
    if outcome.refused:
        console.out(fmt.format_text(report.only_errors()))
        console.err(t("render.refused", errors=report.errors))
    elif outcome.checked:
        for name in outcome.changed:
            console.out((output / name).as_posix(), colour=False)
        console.err(
            t("render.check_differs", count=len(outcome.changed))
            if outcome.changed
            else t("render.check_same", count=len(outcome.written))
        )
    else:
        if report.errors:
            console.err(t("render.forced", errors=report.errors))
        # the message ends the folder with "/": "-o /" would read "written to //"
        console.err(
            t("render.done", count=len(outcome.written), path=output.as_posix().rstrip("/"))
        )


def _since_extras(
    since: str, catalog: Path, docs: list[str], templates: Path | None = None
) -> dict[str, object]:
    """``--since REV``: the "Daftar Perubahan" of each document, and the earlier catalog.

    A prose section is placed by the template the document is written from: ``--templates``,
    then the catalog's own ``templates/``, then the built-in one (first match, as render).

    The laporan's "quietly dropped" list needs the whole earlier catalog; it is loaded only
    when the laporan is among the documents asked for.
    """
    from spbe_cli.diff.revision_log import changes_since, revision_log
    from spbe_cli.formatting import marking
    from spbe_cli.gitsource import load_revision
    from spbe_cli.i18n import use_language
    from spbe_cli.render.engine import MARK_ILLUSTRATIVE
    from spbe_cli.render.pipeline import select_documents, template_readers
    from spbe_cli.render.registry import documents

    @contextmanager
    def words() -> Iterator[None]:
        # Document text is Indonesian, whatever the terminal speaks, with the documents' mark.
        with use_language("id"), marking(f" {MARK_ILLUSTRATIVE}"):
            yield

    changes = changes_since(since, catalog, words=words)
    own = template_readers(catalog, templates)
    with words():
        # each document declares the kinds it shows (DocumentSpec.kinds)
        logs = {
            name: revision_log(changes, spec.kinds, name, spec.dokumen, own)
            for name, spec in documents().items()
            if spec.kinds
        }
    extras: dict[str, object] = {"perubahan": logs, "since": since}
    if any(spec.name == "laporan" for spec in select_documents(docs)):
        extras["earlier"] = load_revision(since, catalog)
    return extras
