"""``spbe progress`` (the year's progress and what needs attention) and ``spbe sync`` (overlaps)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CacheOption,
    CatalogArgument,
    CatalogOption,
    Document,
    Output,
    ReportFormat,
    catalog_path,
    emit,
    load_checked,
    parse_date,
    quick_exit_ready,
    report_formats,
    user_errors,
)
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from datetime import date

    from spbe_cli.catalog import Catalog
    from spbe_cli.progress import Options, ProgressReport
    from spbe_cli.sync import SyncReport


class SyncFormat(str, enum.Enum):
    """Output formats of ``spbe sync``."""

    text = "text"
    markdown = "markdown"
    json = "json"


def progress_formats() -> dict[ReportFormat, Output[ProgressReport]]:
    """The output formats of ``spbe progress``: a name -> how a report becomes text."""
    from spbe_cli import progress_format

    return report_formats(progress_format)


def sync_formats(display: str) -> dict[SyncFormat, Output[SyncReport]]:
    """The output formats of ``spbe sync``: a name -> how the overlaps become text."""
    from spbe_cli import sync as fmt

    return {
        SyncFormat.text: Output(lambda report: fmt.format_text(report.overlaps)),
        SyncFormat.markdown: Output(lambda report: fmt.format_markdown(report.overlaps)),
        SyncFormat.json: Output(lambda report: Document(fmt.json_parts(report.overlaps, display))),
    }


def _options(
    catalog: Catalog,
    asked: date | None,
    tahun: int | None,
    months: int | None,
    opd: str | None,
    dimensi: str | None,
    fail_on_attention: bool,
) -> Options:
    """The options of a progress report; the stalled threshold defaults to the catalog's.

    Without ``--tanggal`` the report date is today in the Pemda's time zone, or the last day
    of a past ``--tahun`` (:func:`~spbe_cli.progress.default_report_date`).
    """
    from spbe_cli.progress import ASAL_OPSI, DEFAULT_MONTHS, Options, default_report_date

    meta = catalog.metadata
    months = months or (meta.pengaturan.bulan_mangkrak if meta else DEFAULT_MONTHS)
    zona = meta.pemda.zona_waktu if meta is not None else None
    if asked is not None:
        today, asal = asked, ASAL_OPSI
    else:
        today, asal = default_report_date(tahun, zona)
    return Options(tahun or today.year, today, months, opd, dimensi, fail_on_attention, asal, zona)


def progress(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
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
        ReportFormat, typer.Option("--format", "-f", help=t("progress.opt.format"))
    ] = ReportFormat.text,
    force: Annotated[bool, typer.Option("--force", help=t("progress.opt.force"))] = False,
    fail_on_attention: Annotated[
        bool, typer.Option("--fail-on-attention", help=t("progress.opt.fail"))
    ] = False,
) -> None:
    """Kemajuan program tahun ini / Progress of the year's programs and what needs attention."""
    from spbe_cli.explore import check_filters
    from spbe_cli.gitsource import load_revision
    from spbe_cli.progress import ASAL_HARI_INI, compute_progress

    asked = parse_date(tanggal) if tanggal is not None else None
    path = catalog_path(catalog, catalog_option)
    loaded = load_checked(path, force=force)
    with user_errors():
        check_filters(loaded, opd, dimensi)
        earlier = load_revision(since, path) if since is not None else None
    options = _options(loaded, asked, tahun, bulan_mangkrak, opd, dimensi, fail_on_attention)
    report = compute_progress(loaded, options, earlier, since)
    if options.asal_tanggal == ASAL_HARI_INI:
        _note_future_entries(loaded, options)
    emit(progress_formats(), output_format, report)
    raise typer.Exit(int(report.return_code))


#: Entries dated after today listed one by one in the note; the rest are counted.
FUTURE_SHOWN = 5


def _note_future_entries(catalog: Catalog, options: Options) -> None:
    """Say on stderr which entries are dated after today: uncounted, most likely a typo.

    Only when the report date is today's (no ``--tanggal``): with a date asked for, leaving
    out what came after it is the point.
    """
    from spbe_cli.cli import console
    from spbe_cli.formatting import tanggal
    from spbe_cli.progress import future_entries

    found = future_entries(catalog, options)
    if not found:
        return
    console.err(t("progress.future", n=len(found), tanggal=tanggal(options.tanggal, None)))
    for entry in found[:FUTURE_SHOWN]:
        where = f"{entry.location}: " if entry.location is not None else ""
        console.err(f"  {where}{entry.id} ({tanggal(entry.tanggal, None)})")
    if len(found) > FUTURE_SHOWN:
        console.err("  " + t("progress.future_more", n=len(found) - FUTURE_SHOWN))


def sync(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    _cache: CacheOption = None,
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
    from spbe_cli.explore import check_filters
    from spbe_cli.sync import SyncReport, rank_json, rank_overlaps

    path = catalog_path(catalog, catalog_option)
    loaded = load_checked(path, force=force)
    with user_errors():
        check_filters(loaded, opd, None)
    # JSON: the pairs laid out where they are found (two processes when a core is idle).
    rank = rank_json if output_format is SyncFormat.json else rank_overlaps
    report = SyncReport(rank(loaded, kemiripan, opd=opd), fail_on_overlap)
    emit(sync_formats(path.as_posix()), output_format, report)
    quick_exit_ready()
    raise typer.Exit(int(report.return_code))


def register(app: typer.Typer) -> None:
    """Add ``progress`` and ``sync`` to the ``spbe`` app."""
    app.command("progress", help=t("cli.cmd_progress"))(progress)
    app.command("sync", help=t("cli.cmd_sync"))(sync)
