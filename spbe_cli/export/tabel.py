"""The catalog as flat tables: one per entity kind and one per list field.

Columns come from the models, in the order the fields are declared, so they are stable and
documented by the models themselves (docs/export.md lists them). A nested object is flattened
with ``_`` (``nomenklatur_kode``); list and map fields go to their own long tables, keyed by the
entity's ``id``:

- ``tautan``: every list of references (``aplikasi.data``, ``layanan.proses_bisnis``, ...);
- ``daftar``: every list of plain values (``rujukan``, ``kanal``, ``lokasi``, ``mitra.bisnis``);
- ``atribut``: every map of text (``infrastruktur.spesifikasi``);
- ``indikator``, ``indikator-target``, ``anggaran``, ``progres``, ``progres-realisasi``.

CSV is UTF-8 with a header row, quoted as RFC 4180 says (CRLF line ends), cells that would start
a formula prefixed with ``'``. Parquet needs pyarrow (``pip install spbe[parquet]``).
"""

from __future__ import annotations

import csv
import io
import typing
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from spbe_cli import plan as plan_
from spbe_cli.errors import SpbeError
from spbe_cli.export.common import TABLE_FORMATS, plain_number
from spbe_cli.i18n import t
from spbe_cli.markup import bidi_visible, export_text, not_formula
from spbe_cli.models import ENTITY_KINDS, MODELS, Anggaran, Indikator, Penilaian, Progres
from spbe_cli.models.common import Ref, unwrap
from spbe_cli.status import current_status

if TYPE_CHECKING:
    from pathlib import Path

    from spbe_cli.catalog import Catalog
    from spbe_cli.render.output import RenderedFile


#: Column types: how a value is written to CSV and typed in Parquet.
ColumnType = Literal["text", "int", "bool", "number", "date"]


@dataclass
class Table:
    """One table: its file name (without extension), typed columns and rows."""

    name: str
    columns: list[tuple[str, ColumnType]]
    rows: list[list[Any]] = field(default_factory=list)


def _file_name(kind: str) -> str:
    return kind.replace("_", "-")


def _column_type(annotation: Any) -> ColumnType:
    plain = unwrap(annotation)
    if plain is bool:
        return "bool"
    if plain is int:
        return "int"
    if plain is Decimal or plain is float:
        return "number"
    if plain is date:
        return "date"
    return "text"


def _is_ref_list(annotation: Any) -> bool:
    """``list[Ref]``: a list of catalog ids (the ``tautan`` table)."""
    args = typing.get_args(unwrap(annotation))
    return bool(args) and args[0] == Ref


@dataclass
class _Plan:
    """How one model's fields spread over the tables."""

    columns: list[tuple[str, tuple[str, ...], ColumnType]] = field(default_factory=list)
    refs: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    values: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    maps: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    nested: list[tuple[str, type[BaseModel]]] = field(default_factory=list)


def _plan(model: type[BaseModel], prefix: tuple[str, ...] = (), plan: _Plan | None = None) -> _Plan:
    plan = plan if plan is not None else _Plan()
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        annotation = unwrap(info.annotation)
        origin = typing.get_origin(annotation)
        if origin is list:
            (item,) = typing.get_args(annotation)
            if item in _NESTED:
                plan.nested.append((name, item))
            elif _is_ref_list(annotation):
                plan.refs.append((".".join(path), path))
            else:
                plan.values.append((".".join(path), path))
        elif origin is dict:
            plan.maps.append((".".join(path), path))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _plan(annotation, path, plan)
        else:
            plan.columns.append(("_".join(path), path, _column_type(annotation)))
    return plan


def _get(entity: Any, path: tuple[str, ...]) -> Any:
    value = entity
    for part in path:
        if value is None:
            return None
        value = getattr(value, part)
    return value


_LONG: list[tuple[str, ColumnType]] = [
    ("id", "text"),
    ("entitas", "text"),
    ("kolom", "text"),
    ("urutan", "int"),
]

#: Items of list fields with a table of their own: the table, and their one map field with the
#: table it goes to and that table's key and value columns.
_Column = tuple[str, ColumnType]
#: Items of list fields with a table of their own, and their one map field (if any) with the
#: table it goes to: ``item type -> (table, (map field, key column, value column) | None)``.
_NESTED: dict[type[BaseModel], tuple[str, tuple[str, _Column, _Column] | None]] = {
    Indikator: ("indikator", ("target", ("tahun", "int"), ("target", "number"))),
    Anggaran: ("anggaran", None),
    Progres: ("progres", ("realisasi", ("indikator", "text"), ("nilai", "number"))),
    Penilaian: ("penilaian", None),
}
#: Where an ``anggaran`` row holds ``ilustratif`` (after id, entitas and urutan).
_ANGGARAN_ILUSTRATIF = 3 + [name for name, _, _ in _plan(Anggaran).columns].index("ilustratif")


def build_tables(catalog: Catalog) -> list[Table]:
    """Every table, rows in entity-id order, then in list order."""
    tautan = Table("tautan", [*_LONG, ("ke", "text")])
    daftar = Table("daftar", [*_LONG, ("nilai", "text")])
    atribut = Table("atribut", [*_LONG[:3], ("kunci", "text"), ("nilai", "text")])
    nested: dict[type[BaseModel], tuple[Table, list[tuple[str, ...]], Table | None]] = {}
    for item_type, (name, mapped) in _NESTED.items():
        columns = _plan(item_type).columns
        extra: list[_Column] = [("dihitung", "bool")] if item_type is Anggaran else []
        table = Table(
            name, [*_LONG[:2], ("urutan", "int"), *((c, t) for c, _, t in columns), *extra]
        )
        sub = None
        if mapped is not None:
            map_field, key, value = mapped
            sub = Table(
                f"{name}-{map_field}", [("id", "text"), (f"urutan_{name}", "int"), key, value]
            )
        nested[item_type] = (table, [path for _, path, _ in columns], sub)
    tables: list[Table] = []
    for kind in ENTITY_KINDS:
        plan = _plan(MODELS[kind])
        # id and entitas first, the rest in the order the model declares them.
        plan.columns.sort(key=lambda c: {"id": 0, "entitas": 1}.get(c[0], 2))
        table = Table(_file_name(kind), [(name, type_) for name, _, type_ in plan.columns])
        tables.append(table)
        # A plan's status is the one every command shows (its latest progress entry's), not the
        # status written in its file.
        status_at = (
            [name for name, _, _ in plan.columns].index("status")
            if "progres" in MODELS[kind].model_fields
            else None
        )
        for entity in catalog.of_kind(kind):
            fields = entity.__dict__  # pydantic keeps every field here; getattr is slower
            row = [fields[p[0]] if len(p) == 1 else _get(entity, p) for _, p, _ in plan.columns]
            if status_at is not None:
                row[status_at] = current_status(entity)
            table.rows.append(row)
            ident = entity.id
            for column, path in plan.refs:
                values = fields[path[0]] if len(path) == 1 else _get(entity, path)
                tautan.rows.extend(
                    [ident, kind, column, index, value]
                    for index, value in enumerate(values or (), start=1)
                )
            for column, path in plan.values:
                values = fields[path[0]] if len(path) == 1 else _get(entity, path)
                daftar.rows.extend(
                    [ident, kind, column, index, value]
                    for index, value in enumerate(values or (), start=1)
                )
            for column, path in plan.maps:
                for key, value in sorted((_get(entity, path) or {}).items()):
                    atribut.rows.append([ident, kind, column, key, value])
            for name, item_type in plan.nested:
                item_table, paths, sub = nested[item_type]
                mapped = _NESTED[item_type][1]
                for index, item in enumerate(fields[name], start=1):
                    own = item.__dict__
                    row = [
                        ident,
                        kind,
                        index,
                        *(own[p[0]] if len(p) == 1 else _get(item, p) for p in paths),
                    ]
                    if item_type is Anggaran:
                        # What the documents and spbe progress read (spbe_cli.plan): a line is
                        # illustrative when its item is, and counts only within its years.
                        row[_ANGGARAN_ILUSTRATIF] = plan_.is_illustrative(entity, item)
                        row.append(plan_.is_counted(entity, item))
                    item_table.rows.append(row)
                    if sub is not None and mapped is not None:
                        sub.rows.extend(
                            [ident, index, key, value]
                            for key, value in sorted(getattr(item, mapped[0]).items())
                        )
    for item_table, _, sub in nested.values():
        tables.append(item_table)
        if sub is not None:
            tables.append(sub)
    return [*tables[: len(ENTITY_KINDS)], tautan, daftar, atribut, *tables[len(ENTITY_KINDS) :]]


def _text(value: Any) -> str:
    # Control and bidi characters are replaced once over the whole file (table_csv), not per
    # cell; markup.cell_text does the same per cell, in the same order.
    return "" if value is None else not_formula(str(value))


def _integer(value: Any) -> str:
    return "" if value is None else str(value)


def _boolean(value: Any) -> str:
    return "" if value is None else ("true" if value else "false")


def _number(value: Any) -> str:
    return "" if value is None else plain_number(value)


def _date(value: Any) -> str:
    return "" if value is None else value.isoformat()


#: How a value of each column type is written to CSV (one converter per column, not per cell).
_CSV = {"text": _text, "int": _integer, "bool": _boolean, "number": _number, "date": _date}


def table_csv(table: Table) -> bytes:
    """The table as RFC 4180 CSV: UTF-8, CRLF, quoted only when needed."""
    converters = [_CSV[type_] for _, type_ in table.columns]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in table.columns])
    writer.writerows(
        [convert(v) for convert, v in zip(converters, row, strict=True)] for row in table.rows
    )
    return export_text(buffer.getvalue()).encode("utf-8")


def require_pyarrow() -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.parquet``, imported here (an optional extra).

    Raises:
        SpbeError: pyarrow is not installed; the message says how to install it.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise SpbeError(t("export.no_pyarrow")) from exc
    return pa, pq


def table_parquet(table: Table) -> bytes:
    """The table as Parquet, typed columns."""
    pa, pq = require_pyarrow()

    arrow_types = {
        "text": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "number": pa.float64(),
        "date": pa.date32(),
    }
    columns = []
    for index, (_, type_) in enumerate(table.columns):
        values = [row[index] for row in table.rows]
        if type_ == "number":
            values = [None if v is None else float(v) for v in values]
        elif type_ == "text":
            # Parquet is read by analysis engines, not spreadsheets: no formula mark, and
            # controls stay; bidi controls are shown as escapes, as in every export.
            values = [None if v is None else bidi_visible(str(v)) for v in values]
        columns.append(pa.array(values, type=arrow_types[type_]))
    schema = pa.schema([(name, arrow_types[type_]) for name, type_ in table.columns])
    arrow_table = pa.Table.from_arrays(columns, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def stale_tables(out: Path, tables: list[Table], written: Iterable[str]) -> list[str]:
    """Table files of an earlier export in another format that this one did not write.

    Only names this exporter makes (``<table>.<format>`` of a table it builds) are candidates:
    switching from ``--format parquet`` to ``csv`` leaves no Parquet table of the old catalog
    beside the new CSV files; a file a person put there is left alone.
    """
    keep = set(written)
    owned = [f"{table.name}.{fmt}" for table in tables for fmt in TABLE_FORMATS]
    return [
        name
        for name in owned
        if name not in keep and ((out / name).is_file() or (out / name).is_symlink())
    ]


def table_xlsx(table: Table, when: date) -> bytes:
    """The table as one XLSX sheet for a spreadsheet, each cell of its column's type.

    A CSV leaves the types to the spreadsheet, which reads the urusan code ``2.20`` as the number
    2.2 and a regulation number ``05`` as 5. Here text stays text (never a formula), Rupiah and
    years are numbers, dates are dates (``yyyy-mm-dd``), ``ilustratif`` is TRUE/FALSE, and the
    header row is bold and frozen. The same tables give the same bytes (file dates: ``when``).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    from spbe_cli.export.common import fixed_zip, sheet_width
    from spbe_cli.markup import CELL_MAX, cell_text

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.name[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    for index, (name, _) in enumerate(table.columns):
        shown = (str(row[index] if row[index] is not None else "") for row in table.rows)
        ws.column_dimensions[get_column_letter(index + 1)].width = sheet_width(name, shown)
    header = []
    for name, _ in table.columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    types_ = [type_ for _, type_ in table.columns]
    for row in table.rows:
        cells: list[Any] = []
        for type_, value in zip(types_, row, strict=True):
            if value is None or value == "":
                cells.append(None)
            elif type_ == "text":
                cells.append(cell_text(str(value), CELL_MAX))
            elif type_ == "date":
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            elif type_ == "number":
                cells.append(float(value) if isinstance(value, Decimal) else value)
            else:  # int, bool
                cells.append(value)
        ws.append(cells)
    stamp = datetime(when.year, when.month, when.day)
    wb.properties.creator = "spbe"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return fixed_zip(buffer.getvalue(), stamp, {})


def table_files(
    tables: list[Table], table_format: str, when: date = date(1980, 1, 1)
) -> list[RenderedFile]:
    """One file per table, named ``<table>.<format>`` (``when``: the XLSX files' date)."""
    from spbe_cli.render.output import RenderedFile

    if table_format == "xlsx":
        return [RenderedFile(f"{t.name}.xlsx", table_xlsx(t, when)) for t in tables]
    write = table_parquet if table_format == "parquet" else table_csv
    return [RenderedFile(f"{table.name}.{table_format}", write(table)) for table in tables]
