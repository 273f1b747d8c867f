"""What every export shares: loading, refusing, safe text, the fixed date, atomic writing."""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spbe_cli.errors import ExitCode, Report, SpbeError, UsageError, os_reason
from spbe_cli.i18n import t
from spbe_cli.staging import EXPORT_PREFIX, staging_file, stops_deferred, sweep

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog
    from spbe_cli.loader import StepHook

#: Export targets and the function (module, name) that builds their files.
TARGETS = ("archimate", "sia", "tabel")
TABLE_FORMATS = ("csv", "xlsx", "parquet")


def plain_number(value: Any) -> str:
    """A number as analysis tools read it: decimal point, no exponent, no thousands mark."""
    return format(value, "f")


def field_value(entity: Any, name: str) -> Any:
    """The value of a model field, or None when the entity's model has no such field.

    Cheaper than ``getattr(entity, name, None)``, which costs a raised AttributeError inside
    pydantic for every missing field (measurable at national scale); a pydantic model keeps
    every field, defaults included, in its ``__dict__``.
    """
    return entity.__dict__.get(name)


#: A spreadsheet column's width, in characters: at least this, at most that (longer text wraps
#: or runs on in its cell).
SHEET_WIDTH_MIN, SHEET_WIDTH_MAX = 8, 60
#: Rows measured for a column's width: the first of them (a width of the whole column is not
#: worth reading 30,000 rows; later rows wrap, as in any sheet).
SHEET_WIDTH_ROWS = 500


def sheet_width(header: str, shown: Iterable[str]) -> float:
    """A spreadsheet column's width: its longest text (header or first rows) and a margin.

    The one sizing of every sheet spbe writes (``export tabel --format xlsx``, the SIA
    workbook); ``shown`` is each cell's text as the sheet shows it.
    """
    longest = len(header)
    for index, text in enumerate(shown):
        if index == SHEET_WIDTH_ROWS:
            break
        longest = max(longest, len(text))
    return float(min(max(longest + 2, SHEET_WIDTH_MIN), SHEET_WIDTH_MAX))


def export_date(catalog: Catalog) -> date:
    """The date written into file metadata: the Arsitektur document's date, never today.

    Falls back to 1 January of the document's first year, then to 1980-01-01 (the earliest
    date a zip entry can hold) for a catalog without metadata.
    """
    meta = catalog.metadata
    if meta is None:
        return date(1980, 1, 1)
    dokumen = meta.dokumen.arsitektur
    return dokumen.tanggal or date(max(dokumen.periode.mulai, 1980), 1, 1)


@dataclass
class ExportOptions:
    """What the command line asks for."""

    target: str
    catalog: Path
    out: Path
    force: bool = False
    table_format: str = "csv"
    display: str | None = None


@dataclass
class ExportOutcome:
    """What happened: the check report, the files written and what they hold."""

    report: Report
    refused: bool = False
    written: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def return_code(self) -> ExitCode:
        """1 when refused, else 0."""
        return ExitCode.FINDINGS if self.refused else ExitCode.OK


def export_catalog(options: ExportOptions, on_step: StepHook | None = None) -> ExportOutcome:
    """Check the catalog, build the export in memory and write it atomically.

    Raises:
        UsageError: an unknown target or table format.
        SpbeError: the catalog or the output path cannot be used, or an optional library
            (pyarrow for Parquet) is missing.
    """
    from spbe_cli.validate import validate_catalog

    if options.target not in TARGETS:
        raise UsageError(t("export.unknown_target", name=options.target, known=", ".join(TARGETS)))
    if options.target == "tabel" and options.table_format not in TABLE_FORMATS:
        raise UsageError(
            t("export.unknown_format", name=options.table_format, known=", ".join(TABLE_FORMATS))
        )
    _check_target(options)
    if options.target == "tabel" and options.table_format == "parquet":
        from spbe_cli.export.tabel import require_pyarrow

        require_pyarrow()  # before the catalog is read: say at once what is missing
    catalog, report = validate_catalog(options.catalog, options.display, on_step=on_step)
    if report.errors and not options.force:
        return ExportOutcome(report, refused=True)
    if options.target in ("archimate", "sia"):  # for people: "[ISI]" reads "(belum diisi)"
        from spbe_cli.parsing import unfilled_text

        catalog.mark_unfilled(unfilled_text)
    if options.target == "archimate":
        from spbe_cli.export.archimate import build_model, model_chunks

        model = build_model(catalog)
        name = write_file(options.out, model_chunks(model))
        return ExportOutcome(report, written=[name], counts=model.counts())
    if options.target == "sia":
        from spbe_cli.export.sia import build_workbook

        data, counts = build_workbook(catalog)
        return ExportOutcome(report, written=[write_file(options.out, data)], counts=counts)
    from spbe_cli.export.tabel import build_tables, stale_tables, table_files
    from spbe_cli.render.output import write_output

    tables = build_tables(catalog)
    files = table_files(tables, options.table_format, export_date(catalog))
    names = write_output(
        options.out, files, lambda written: stale_tables(options.out, tables, written)
    )
    counts = {table.name: len(table.rows) for table in tables}
    return ExportOutcome(
        report, written=[(options.out / n).as_posix() for n in names], counts=counts
    )


def _check_target(options: ExportOptions) -> None:
    """Refuse an output path of the wrong kind before any work is done."""
    out = options.out
    if options.target == "tabel":
        from spbe_cli.render.output import check_output_folder

        check_output_folder(out)
    elif out.is_dir() and not out.is_symlink():
        raise SpbeError(t("export.output_is_folder", path=out.as_posix()))


def write_file(path: Path, data: bytes | Iterable[bytes]) -> str:
    """Write ``data`` (bytes, or chunks of them) to ``path`` atomically.

    The bytes go to a temporary file beside ``path``, which is then renamed over it.

    The rename replaces a symlink at ``path`` instead of writing through it, and nothing is
    written anywhere but ``path``'s folder.
    """
    if path.is_dir() and not path.is_symlink():
        raise SpbeError(t("export.output_is_folder", path=path.as_posix()))
    folder = path.parent
    temporary: str | None = None
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            sweep(folder, EXPORT_PREFIX)  # what a run killed with SIGKILL left here
            with contextlib.ExitStack() as closing:
                with stops_deferred():  # a stop now would leave the temporary file behind
                    handle, temporary = staging_file(folder)
                    stream = closing.enter_context(os.fdopen(handle, "wb"))
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    stream.writelines(data)
            Path(temporary).chmod(0o644)
            Path(temporary).replace(path)
        except OSError as exc:
            raise SpbeError(
                t("export.cannot_write", path=path.as_posix(), reason=os_reason(exc))
            ) from exc
    except BaseException:
        # Not written (a full disk, Ctrl-C, a cancelled CI job): no temporary file stays.
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise
    return path.as_posix()


def fixed_zip(data: bytes, stamp: datetime, data_rows: dict[str, bytes]) -> bytes:
    """The same archive with the data rows added, every entry's timestamp and attributes fixed.

    Fixed timestamps make the bytes reproducible; ``data_rows`` maps a sheet's file name to the
    rows that go at the end of its ``<sheetData>``.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    when = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            content = source.read(info.filename)
            rows = data_rows.get(info.filename)
            if rows:
                content = content.replace(b"</sheetData>", rows + b"</sheetData>", 1)
            archive.writestr(entry, content)
    return out.getvalue()
