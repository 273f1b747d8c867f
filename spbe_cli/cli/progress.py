"""``spbe progress`` (the year's progress and what needs attention) and ``spbe sync`` (overlaps)."""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.errors import ExitCode, Severity, UsageError
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog

DEFAULT_CATALOG = Path("catalog")


class ProgressFormat(str, enum.Enum):
    """Output formats of ``spbe progress``."""

    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


class SyncFormat(str, enum.Enum):
    """Output formats of ``spbe sync``."""

    text = "text"
    markdown = "markdown"
    json = "json"


def load_checked(path: Path, *, force: bool, refuse: bool = True) -> Catalog:
    """Load a catalog; with load errors list them on stderr and stop (exit 3) unless ``force``.

    With ``refuse=False`` (list, show, graph) the errors are only counted in a note.
    """
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors
    from spbe_cli.loader import load_catalog
    from spbe_cli.report import format_finding

    with user_errors(), console.progress(t("cli.progress_validate")) as hook:
        catalog, findings = load_catalog(path, path.as_posix(), hook)
    errors = sorted(
        (f for f in findings if f.severity is Severity.ERROR), key=lambda f: f.sort_key()
    )
    if not errors:
        return catalog
    if not refuse:
        console.err(t("progress.note_errors", n=len(errors)))
        return catalog
    for finding in errors:
        console.err(format_finding(finding))
    if not force:
        console.err(t("progress.refused", n=len(errors)))
        raise typer.Exit(int(ExitCode.CANNOT_RUN))
    console.err(t("progress.forced", n=len(errors)))
    return catalog


def parse_date(value: str | None) -> date:
    """``--tanggal``: an ISO date, or today when not given."""
    if value is None:
        return date.today()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(t("progress.bad_date", value=value)) from None


def load_since(catalog_path: Path, since: str) -> tuple[Catalog, str]:
    """The catalog at ``since``: a folder, or a git revision of the same catalog folder."""
    from spbe_cli.gitsource import load_revision

    return load_revision(since, catalog_path), since


def _check_filters(catalog: Catalog, opd: str | None, dimensi: str | None) -> None:
    import difflib

    if opd is not None and catalog.kinds.get(opd) != "opd":
        known = catalog.ids_of("opd")
        close = difflib.get_close_matches(opd, known, n=1)
        hint = t("hint.did_you_mean", name=close[0]) if close else ""
        raise UsageError(t("progress.unknown_opd", opd=opd, hint=hint))
    if dimensi is not None and dimensi not in catalog.reference.dimensi:
        raise UsageError(
            t(
                "progress.unknown_dimensi",
                dimensi=dimensi,
                values=", ".join(catalog.reference.dimensi),
            )
        )


def progress(
    catalog: Annotated[Path, typer.Argument(help=t("cli.catalog_arg"))] = DEFAULT_CATALOG,
    tahun: Annotated[
        int | None, typer.Option("--tahun", help=t("progress.opt.tahun"), min=1945, max=2100)
    ] = None,
    tanggal: Annotated[
        str | None, typer.Option("--tanggal", help=t("progress.opt.tanggal"), metavar="YYYY-MM-DD")
    ] = None,
    opd: Annotated[str | None, typer.Option("--opd", help=t("progress.opt.opd"))] = None,
    dimensi: Annotated[
        str | None, typer.Option("--dimensi", help=t("progress.opt.dimensi"))
    ] = None,
    bulan_mangkrak: Annotated[
        int | None, typer.Option("--bulan-mangkrak", help=t("progress.opt.bulan"), min=1, max=60)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help=t("progress.opt.since"), metavar="REV")
    ] = None,
    output_format: Annotated[
        ProgressFormat, typer.Option("--format", "-f", help=t("progress.opt.format"))
    ] = ProgressFormat.text,
    force: Annotated[bool, typer.Option("--force", help=t("progress.opt.force"))] = False,
    fail_on_attention: Annotated[
        bool, typer.Option("--fail-on-attention", help=t("progress.opt.fail"))
    ] = False,
) -> None:
    """Kemajuan program tahun ini / Progress of the year's programs and what needs attention."""
    from spbe_cli import progress_format as fmt
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors
    from spbe_cli.progress import DEFAULT_MONTHS, Options, compute_progress

    today = parse_date(tanggal)
    loaded = load_checked(catalog, force=force)
    with user_errors():
        _check_filters(loaded, opd, dimensi)
        earlier = load_since(catalog, since)[0] if since is not None else None
    meta = loaded.metadata
    months = bulan_mangkrak or (meta.pengaturan.bulan_mangkrak if meta else DEFAULT_MONTHS)
    options = Options(tahun or today.year, today, months, opd, dimensi)
    report = compute_progress(loaded, options, earlier, since)
    if output_format is ProgressFormat.json:
        console.out(fmt.format_json(report), colour=False)
    elif output_format is ProgressFormat.markdown:
        console.out(fmt.format_markdown(report), colour=False)
    elif output_format is ProgressFormat.html:
        console.out(fmt.format_html(report).rstrip("\n"), colour=False)
    else:
        console.out(fmt.format_text(report), colour=False)
    code = ExitCode.FINDINGS if fail_on_attention and report.attention_count else ExitCode.OK
    raise typer.Exit(int(code))


def sync(
    catalog: Annotated[Path, typer.Argument(help=t("cli.catalog_arg"))] = DEFAULT_CATALOG,
    opd: Annotated[str | None, typer.Option("--opd", help=t("sync.opt.opd"))] = None,
    kemiripan: Annotated[
        float | None, typer.Option("--kemiripan", help=t("sync.opt.kemiripan"), min=0.05, max=1.0)
    ] = None,
    output_format: Annotated[
        SyncFormat, typer.Option("--format", "-f", help=t("sync.opt.format"))
    ] = SyncFormat.text,
    force: Annotated[bool, typer.Option("--force", help=t("progress.opt.force"))] = False,
    fail_on_overlap: Annotated[
        bool, typer.Option("--fail-on-overlap", help=t("sync.opt.fail"))
    ] = False,
) -> None:
    """Program, aplikasi, data yang mirip lintas OPD / Look-alikes across OPDs, with evidence."""
    from spbe_cli import sync as core
    from spbe_cli.cli import console
    from spbe_cli.cli.app import user_errors

    loaded = load_checked(catalog, force=force)
    with user_errors():
        _check_filters(loaded, opd, None)
    overlaps = core.find_overlaps(loaded, kemiripan, opd=opd)
    if output_format is SyncFormat.json:
        console.out(core.format_json(overlaps, catalog.as_posix()), colour=False)
    elif output_format is SyncFormat.markdown:
        console.out(core.format_markdown(overlaps), colour=False)
    else:
        console.out(core.format_text(overlaps), colour=False)
    code = ExitCode.FINDINGS if fail_on_overlap and overlaps else ExitCode.OK
    raise typer.Exit(int(code))


def register(app: typer.Typer) -> None:
    """Add ``progress`` and ``sync`` to the ``spbe`` app."""
    app.command("progress", help=t("cli.cmd_progress"))(progress)
    app.command("sync", help=t("cli.cmd_sync"))(sync)
