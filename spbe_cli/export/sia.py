"""A workbook for filling the SIA-SPBE portal by hand: one sheet per domain and object type.

The columns come from ``reference/data/sia-spbe-kolom.yaml`` (versioned, with its source and
the verification status of every column); this module only fills them. It is a worksheet, not
an import file: no official import template of the portal is known.

The bytes are deterministic: the document properties carry the catalog's date, never today,
and every zip entry gets that same timestamp.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from spbe_cli.errors import SpbeError
from spbe_cli.export.common import export_date, fixed_zip, sheet_width
from spbe_cli.formatting import TANGGAL_SPREADSHEET, date_serial, tanggal
from spbe_cli.i18n import t
from spbe_cli.markup import CELL_MAX, cell_text
from spbe_cli.owners import responsible_opd

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog

COLUMNS_FILE = "sia-spbe-kolom.yaml"
#: Deepest RA level a column is made for (the portal names levels 4 to 7).
RA_LEVELS = 7
#: Data validation covers the filled rows and this many empty ones below them.
SPARE_ROWS = 200
PILIHAN_SHEET = "Pilihan"


@dataclass(frozen=True)
class Column:
    """One worksheet column: header, where its cells come from, status, drop-down list."""

    judul: str
    isian: str | None
    status: str
    pilihan: str | None = None


@dataclass
class Sheet:
    """One sheet: its name, columns and rows (cells already as text or numbers)."""

    name: str
    columns: list[Column]
    rows: list[list[Any]]


def _columns(spec: dict[str, Any], closing: list[dict[str, Any]]) -> list[Column]:
    columns = [Column(**c) for c in spec["kolom"]]
    prefix = spec["ra"].upper()
    portal = set(spec.get("ra_portal") or ())
    for level in range(1, RA_LEVELS + 1):
        status = "portal" if level in portal else ("inferensi" if portal else "spbe")
        columns.append(Column(f"{prefix} Level {level}", f"ra:{level}", status))
    columns += [Column(**c) for c in closing]
    return columns


class _Cells:
    """Computes one cell from an entity and an ``isian`` (see sia-spbe-kolom.yaml)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.lists = catalog.reference.lists()

    def opd_name(self, opd_id: str | None) -> str | None:
        if not opd_id:
            return None
        opd = self.catalog.get(opd_id)
        return getattr(opd, "nama", None) or opd_id

    def value(self, entity: Any, isian: str | None, ra_field: str) -> Any:
        if isian is None:
            return None
        kind, _, rest = isian.partition(":")
        if kind == "opd":
            return self.opd_name(getattr(entity, rest))
        if kind == "daftar":
            name, _, attr = rest.partition(":")
            raw = getattr(entity, attr)
            return self.lists.get(name, {}).get(raw, raw)
        if kind == "ra":
            code: str = getattr(entity, ra_field)
            parts = code.split(".")
            level = int(rest)
            return ".".join(parts[: level + 1]) if len(parts) > level else None
        if kind == "spesifikasi":
            return entity.spesifikasi.get(rest)
        if isian == "pemilik":
            return entity.nama_pemilik or self.opd_name(entity.opd)
        if isian == "opd_penanggung_jawab":
            return self.opd_name(responsible_opd(entity))
        if isian == "ilustratif":
            return "ya" if entity.ilustratif else "tidak"
        value = getattr(entity, isian)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value

    def choices(self, pilihan: str) -> list[str]:
        """The values of a drop-down list."""
        from spbe_cli.reference.values import literal_values

        if pilihan == "ya_tidak":
            return ["ya", "tidak"]
        kind, _, rest = pilihan.partition(":")
        if kind == "daftar":
            return list(self.lists.get(rest, {}).values())
        model_kind, _, attr = rest.partition(".")
        return list(literal_values(model_kind, attr))


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):  # a time of day too (a YAML timestamp): shown as written
        return cell_text(value.isoformat(), CELL_MAX)
    if isinstance(value, date):  # a date cell (_rows_xml), shown as the documents write it
        return value
    return cell_text(str(value), CELL_MAX)


def build_sheets(catalog: Catalog) -> list[Sheet]:
    """Every domain sheet with its rows, in the order of the column list."""
    from spbe_cli.reference import load_data

    data = load_data(COLUMNS_FILE)
    closing = data["kolom_penutup"]
    cells = _Cells(catalog)
    sheets: list[Sheet] = []
    known: dict[str, set[str]] = {}
    for spec in data["lembar"]:
        columns = _columns(spec, closing)
        kind = spec["entitas"]
        jenis = spec.get("jenis")
        if jenis is not None:
            known.setdefault(kind, set()).add(jenis)
        entities = [e for e in catalog.of_kind(kind) if jenis is None or e.jenis == jenis]
        rows = [[_cell(cells.value(e, c.isian, spec["ra"])) for c in columns] for e in entities]
        sheets.append(Sheet(spec["nama"], columns, rows))
    # A jenis a catalog added itself has no portal sheet: list those on one sheet per domain.
    for kind, ra, name in (
        ("infrastruktur", "rai", "INF Lainnya"),
        ("keamanan", "rak", "KMN Lainnya"),
    ):
        others = [e for e in catalog.of_kind(kind) if e.jenis not in known.get(kind, set())]
        if not others:
            continue
        spec = {
            "ra": ra,
            "kolom": [
                {"judul": "ID", "isian": "id", "status": "spbe"},
                {"judul": "Jenis (katalog)", "isian": "jenis", "status": "spbe"},
            ],
        }
        columns = _columns(spec, closing)
        rows = [[_cell(cells.value(e, c.isian, ra)) for c in columns] for e in others]
        sheets.append(Sheet(name, columns, rows))
    return sheets


def _shown(value: Any) -> str:
    """A cell's text as the spreadsheet shows it (a date as ``12 Maret 2025``)."""
    return tanggal(value) if isinstance(value, date) else str(value)


def _width(column: Column, rows: list[list[Any]], index: int) -> float:
    return sheet_width(column.judul, (_shown(r[index]) for r in rows if r[index] is not None))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def build_workbook(catalog: Catalog) -> tuple[bytes, dict[str, int]]:
    """The workbook as XLSX bytes, and the counts for the summary line."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation
        from openpyxl.writer.excel import ExcelWriter
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise SpbeError(t("export.no_openpyxl")) from exc
    from spbe_cli.reference import load_data

    data = load_data(COLUMNS_FILE)
    sheets = build_sheets(catalog)
    cells = _Cells(catalog)
    when = export_date(catalog)
    stamp = datetime(when.year, when.month, when.day)

    wb = Workbook(write_only=True)
    data_rows: dict[str, bytes] = {}
    bold = Font(bold=True)
    note = Font(italic=True, color="555555")
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    guide = wb.create_sheet("Petunjuk")
    # The style of the date cells _rows_xml writes (registered with the workbook here).
    date_cell = WriteOnlyCell(guide)
    date_cell.number_format = TANGGAL_SPREADSHEET
    date_style = date_cell.style_id
    guide.column_dimensions["A"].width = 110
    for line in _guide(catalog, data, sheets):
        guide.append([cell_text(line)])

    lists: dict[str, list[str]] = {}
    for sheet in sheets:
        for column in sheet.columns:
            if column.pilihan and column.pilihan not in lists:
                lists[column.pilihan] = cells.choices(column.pilihan)
    list_names = sorted(lists)

    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A3"
        last = len(sheet.rows) + 2 + SPARE_ROWS
        for index, column in enumerate(sheet.columns, start=1):
            letter = _letter(index)
            ws.column_dimensions[letter].width = _width(column, sheet.rows, index - 1)
            if column.pilihan:
                source = _letter(list_names.index(column.pilihan) + 1)
                size = len(lists[column.pilihan]) + 1
                validation = DataValidation(
                    type="list",
                    formula1=f"{PILIHAN_SHEET}!${source}$2:${source}${size}",
                    allow_blank=True,
                )
                validation.add(f"{letter}3:{letter}{last}")
                ws.data_validations.append(validation)
        ws.append([_styled(ws, c.judul, bold, fill, wrap) for c in sheet.columns])
        ws.append([_styled(ws, data["status"][c.status], note, None, wrap) for c in sheet.columns])
        # The data rows are added to the sheet's XML after openpyxl has written it: its
        # per-cell writer is most of the time at national scale (measured), and plain text and
        # integer cells need nothing it adds (date cells its style date_style).
        part = f"xl/worksheets/sheet{len(wb.worksheets)}.xml"
        data_rows[part] = _rows_xml(sheet.rows, 3, date_style)

    choices = wb.create_sheet(PILIHAN_SHEET)
    choices.append([_styled(choices, name, bold, fill, None) for name in list_names])
    depth = max((len(v) for v in lists.values()), default=0)
    for depth_index in range(depth):
        choices.append(
            [
                cell_text(lists[n][depth_index]) if depth_index < len(lists[n]) else None
                for n in list_names
            ]
        )

    props = wb.properties
    props.creator = "spbe"
    props.title = cell_text(f"Lembar isian SIA-SPBE {_pemda(catalog)}")
    props.created = stamp
    props.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    counts = {"rows": sum(len(s.rows) for s in sheets), "sheets": len(sheets) + 2}
    return fixed_zip(buffer.getvalue(), stamp, data_rows), counts


def _styled(ws: Any, value: str, font: Any, fill: Any, alignment: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=cell_text(value))
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _pemda(catalog: Catalog) -> str:
    return catalog.pemda_nama


def _guide(catalog: Catalog, data: dict[str, Any], sheets: list[Sheet]) -> list[str]:
    """The text of the "Petunjuk" sheet, one line a row."""
    meta = data["meta"]
    lines = [
        f"Lembar isian SIA-SPBE {_pemda(catalog)}".strip(),
        "",
        "Buku kerja ini adalah LEMBAR KERJA untuk membantu mengisi portal SIA-SPBE "
        "(arsitektur.spbe.go.id) secara manual. Ini BUKAN berkas impor: tidak diketahui "
        "adanya templat impor resmi portal.",
        "Nama kolom mengikuti ringkasan manual SIA-SPBE dari sumber pihak ketiga "
        f"({meta['sumber']}); nama kolom dan nilai pilihan BELUM diverifikasi terhadap portal.",
        "Baris 1 setiap lembar: nama isian. Baris 2: status kolom:",
    ]
    # "•", not "-": a cell starting with (spaces and) "-" reads as a formula (markup.not_formula).
    lines += [f"  • {text}" for text in data["status"].values()]
    lines += [
        "Kolom kosong berarti katalog belum punya isian itu; lengkapi langsung di portal.",
        "Kolom 'ilustratif' = ya: isian baris itu ilustrasi, bukan data resmi. Ganti dengan "
        "data resmi sebelum diisikan ke portal.",
        "Level RA: kode referensi arsitektur dipecah per level (Level 1 = RAB.01, "
        "Level 2 = RAB.01.01, ...).",
        f"Versi daftar kolom: {meta['versi']}; data referensi spbe: {catalog.reference.versi}.",
        "",
        "Lembar:",
    ]
    lines += [f"  • {s.name}: {len(s.rows)} baris" for s in sheets]
    lines.append(
        f"  • {PILIHAN_SHEET}: nilai daftar pilihan (sumber pihak ketiga, belum diverifikasi)"
    )
    return lines


def _rows_xml(rows: list[list[Any]], first: int, date_style: int) -> bytes:
    """SpreadsheetML ``<row>`` elements for text (inline strings), integer and date cells.

    A date is its serial number in the cell style ``date_style`` (:data:`TANGGAL_SPREADSHEET`).
    """
    if not rows:
        return b""
    letters = [_letter(i) for i in range(1, len(rows[0]) + 1)]
    out: list[str] = []
    for number, row in enumerate(rows, start=first):
        cells = []
        for letter, value in zip(letters, row, strict=True):
            if value is None:
                continue
            if isinstance(value, int):
                cells.append(f'<c r="{letter}{number}" t="n"><v>{value}</v></c>')
            elif isinstance(value, date):
                serial = date_serial(value)
                cells.append(f'<c r="{letter}{number}" s="{date_style}" t="n"><v>{serial}</v></c>')
            else:
                space = ' xml:space="preserve"' if value != value.strip() else ""
                cell = f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>'
                cells.append(f"{cell}{escape(value)}</t></is></c>")
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(out).encode("utf-8")
