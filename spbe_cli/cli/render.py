"""``spbe render``: the master plan, the architecture and the roadmap as documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.render.limits import RenderLimits

#: Above this many entities rendering takes long enough for a progress bar.
PROGRESS_MIN_ENTITIES = 2000


def register(app: typer.Typer) -> None:
    """Add the ``render`` command to the ``spbe`` app."""
    app.command(name="render", help=t("render.help"))(render)


def render(
    catalog: Annotated[Path, typer.Argument(help=t("cli.catalog_arg"))] = Path("catalog"),
    output: Annotated[Path, typer.Option("--output", "-o", help=t("render.opt_output"))] = Path(
        "build"
    ),
    doc: Annotated[list[str] | None, typer.Option("--doc", help=t("render.opt_doc"))] = None,
    output_format: Annotated[
        list[str] | None, typer.Option("--format", "-f", help=t("render.opt_format"))
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
    from spbe_cli import report as fmt
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors
    from spbe_cli.cli.progress import parse_date
    from spbe_cli.errors import Report
    from spbe_cli.render.pipeline import RenderOptions, render_catalog

    with user_errors():
        limits = render_limits(timeout, max_mb)
    extras: dict[str, object] = {}
    if tahun is not None:
        extras["tahun"] = tahun
    if tanggal is not None:
        extras["tanggal"] = parse_date(tanggal)
    with user_errors():
        if since is not None:
            extras.update(_since_extras(since, catalog, doc or ["all"]))
    options = RenderOptions(
        catalog=catalog,
        out=output,
        docs=doc or ["all"],
        formats=output_format or ["all"],
        templates=templates,
        force=force,
        check=check,
        display=catalog.as_posix(),
        extras=extras,
        limits=limits,
    )
    with (
        user_errors(),
        console.progress(t("cli.progress_validate")) as load_hook,
        console.progress(t("render.progress"), min_total=1) as render_hook,
    ):
        outcome = render_catalog(
            options,
            load_hook,
            lambda entities: render_hook if entities >= PROGRESS_MIN_ENTITIES else None,
        )
    report = outcome.report
    if outcome.refused:
        errors = Report(
            [f for f in report.findings if f.severity.value == "error"],
            files=report.files,
            entities=report.entities,
        )
        console.out(fmt.format_text(errors))
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
        console.err(t("render.done", count=len(outcome.written), path=output.as_posix()))
    raise typer.Exit(int(outcome.return_code))


def _limit(option: float | None, name: str, env: str, default: float) -> float:
    """An operator's limit: the option, else the environment variable, else the default."""
    import os

    from spbe_cli.errors import UsageError

    if option is not None:
        raw: object = option
        shown = f"--{name}"
    else:
        raw = os.environ.get(env, "").strip() or default
        shown = env
    try:
        value = float(str(raw))
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise UsageError(t("render.bad_limit", name=shown, value=raw))
    return value


def render_limits(timeout: float | None, max_mb: float | None) -> RenderLimits:
    """The limits of every template render, from the command line or the environment."""
    from spbe_cli.render.limits import DEFAULT_MAX_MB, DEFAULT_TIMEOUT, RenderLimits

    seconds = _limit(timeout, "timeout", "SPBE_RENDER_TIMEOUT", DEFAULT_TIMEOUT)
    megabytes = _limit(max_mb, "max-mb", "SPBE_RENDER_MAX_MB", DEFAULT_MAX_MB)
    return RenderLimits(timeout=seconds, max_bytes=max(1, round(megabytes * 1024 * 1024)))


def _since_extras(since: str, catalog: Path, docs: list[str]) -> dict[str, object]:
    """``--since REV``: the "Daftar Perubahan" of each document, and the earlier catalog.

    The laporan's "quietly dropped" list needs the whole earlier catalog; it is loaded only
    when the laporan is among the documents asked for.
    """
    from spbe_cli.diff.revision_log import DOCUMENT_KINDS, changes_since, revision_log
    from spbe_cli.gitsource import load_revision
    from spbe_cli.i18n import use_language
    from spbe_cli.render.pipeline import select_documents

    changes = changes_since(since, catalog)
    with use_language("id"):  # document text is Indonesian, whatever the terminal speaks
        logs = {doc: revision_log(changes, kinds) for doc, kinds in DOCUMENT_KINDS.items()}
    extras: dict[str, object] = {"perubahan": logs, "since": since}
    if any(spec.name == "laporan" for spec in select_documents(docs)):
        extras["earlier"] = load_revision(since, catalog)
    return extras
