"""``spbe export sia``: the SIA-SPBE worksheet, read back with openpyxl."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.formatting import TANGGAL_SPREADSHEET, date_serial, tanggal
from spbe_cli.markup import CELL_MAX, cell_text
from spbe_cli.reference import load_data
from tests.helpers import CASES, MINIMAL, write_tree

openpyxl = pytest.importorskip("openpyxl")

GOLDEN = CASES / "export" / "minimal" / "lembar-isian-sia-spbe.json"
BUNDLED = Path(__file__).parent.parent / "catalog"


def export(catalog: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["export", "sia", str(catalog), "-o", str(out), *extra])
    return result.exit_code, result.stdout, result.stderr


def dump(path: Path) -> dict[str, Any]:
    """Every sheet's cells, frozen pane, widths and validations, as plain data."""
    wb = openpyxl.load_workbook(path)
    result: dict[str, Any] = {}
    for ws in wb.worksheets:
        result[ws.title] = {
            "freeze": ws.freeze_panes,
            "rows": [list(row) for row in ws.iter_rows(values_only=True)],
            "validations": sorted(
                f"{dv.sqref} {dv.formula1}" for dv in ws.data_validations.dataValidation
            ),
        }
    return result


@pytest.fixture(scope="module")
def minimal_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sia") / "sia.xlsx"
    code, stdout, stderr = export(MINIMAL, out)
    assert code == 0, stdout + stderr
    return out


def test_golden_minimal(minimal_xlsx: Path) -> None:
    got = dump(minimal_xlsx)
    if os.environ.get("SPBE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", "utf-8")
    assert got == json.loads(GOLDEN.read_text("utf-8"))


def test_sheets_headers_and_validations(minimal_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(minimal_xlsx)
    names = wb.sheetnames
    assert names[0] == "Petunjuk" and names[-1] == "Pilihan"
    assert names[1:5] == ["Proses Bisnis", "Data dan Informasi", "Layanan", "Aplikasi"]
    assert sum(n.startswith("INF ") for n in names) == 12
    assert sum(n.startswith("KMN ") for n in names) == 7
    data = wb["Data dan Informasi"]
    assert data.freeze_panes == "A3"
    header = [c.value for c in data[1]]
    assert header[:6] == ["ID", "Uraian", "Tujuan", "Sifat Data", "Jenis Data", "Validitas Data"]
    assert [h for h in header if "Level" in h] == [f"RAD Level {n}" for n in range(1, 8)]
    assert header[-1] == "ilustratif"
    status = dict(zip(header, (c.value for c in data[2]), strict=True))
    assert "belum dicek" in status["Sifat Data"]
    assert "Inferensi" in status["RAD Level 1"]
    assert "bukan isian portal" in status["ilustratif"]
    row = dict(zip(header, (c.value for c in data[3]), strict=True))
    assert row["ID"] == "DATA-01"
    assert row["Sifat Data"] == "Terbuka"
    assert row["Validitas Data"] == "Tahunan"
    assert row["Produsen Data"] == "Dinas Komunikasi dan Informatika"
    assert row["RAD Level 1"] == "RAD.02" and row["RAD Level 2"] == "RAD.02.08"
    assert row["RAD Level 3"] is None
    assert row["ilustratif"] == "tidak"
    lists = {dv.formula1 for dv in data.data_validations.dataValidation}
    assert len(lists) == 4  # sifat, jenis, validitas, ilustratif
    pilihan = wb["Pilihan"]
    columns = {c.value: i for i, c in enumerate(pilihan[1], start=1)}
    sifat = [pilihan.cell(row=r, column=columns["daftar:sifat_data"]).value for r in range(2, 5)]
    assert sifat == ["Terbuka", "Terbatas", "Tertutup"]
    assert data.column_dimensions["A"].width >= 8


def test_a_drop_down_of_an_optional_fixed_field_lists_its_values(minimal_xlsx: Path) -> None:
    # Before, Basis Aplikasi (Literal[...] | None) offered "typing.Literal['web', ...]" and
    # "<class 'NoneType'>": the export read the model's type itself, not the one home of a
    # field's values (spbe_cli.reference.values).
    wb = openpyxl.load_workbook(minimal_xlsx)
    pilihan = wb["Pilihan"]
    columns = {c.value: i for i, c in enumerate(pilihan[1], start=1)}
    column = columns["model:aplikasi.basis_aplikasi"]
    offered = [pilihan.cell(row=r, column=column).value for r in range(2, pilihan.max_row + 1)]
    assert [v for v in offered if v is not None] == ["web", "seluler", "desktop", "lainnya"]
    aplikasi = wb["Aplikasi"]
    header = [c.value for c in aplikasi[1]]
    letter = openpyxl.utils.get_column_letter(header.index("Basis Aplikasi") + 1)
    source = openpyxl.utils.get_column_letter(column)
    rules = {str(dv.sqref): dv.formula1 for dv in aplikasi.data_validations.dataValidation}
    assert rules[f"{letter}3:{letter}203"] == f"Pilihan!${source}$2:${source}$5"


def test_petunjuk_says_worksheet_not_import(minimal_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(minimal_xlsx)
    text = "\n".join(str(r[0]) for r in wb["Petunjuk"].iter_rows(values_only=True) if r[0])
    assert "BUKAN berkas impor" in text
    assert "BELUM diverifikasi" in text


def test_every_architecture_entity_once(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    assert export(BUNDLED, out)[0] == 0
    wb = openpyxl.load_workbook(out)
    ids = [
        row[0] for ws in wb.worksheets[1:-1] for row in ws.iter_rows(min_row=3, values_only=True)
    ]
    from spbe_cli.validate import validate_catalog

    catalog, _ = validate_catalog(BUNDLED)
    kinds = ("proses_bisnis", "data_informasi", "layanan", "aplikasi", "infrastruktur")
    expected = [i for k in (*kinds, "keamanan") for i in catalog.ids_of(k)]
    assert sorted(ids) == sorted(expected)


def test_deterministic_bytes_and_dates(minimal_xlsx: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    assert export(MINIMAL, again)[0] == 0
    assert again.read_bytes() == minimal_xlsx.read_bytes()
    with zipfile.ZipFile(minimal_xlsx) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 1, 1, 0, 0, 0)}
    props = openpyxl.load_workbook(minimal_xlsx).properties
    assert props.created == props.modified == datetime(2025, 1, 1)  # periode.mulai, not today


def test_document_date_is_used(minimal_catalog: Path, tmp_path: Path) -> None:
    meta = (minimal_catalog / "metadata.yaml").read_text("utf-8")
    meta = meta.replace(
        "    judul: Arsitektur SPBE\n", "    judul: Arsitektur SPBE\n    tanggal: 2025-03-12\n"
    )
    write_tree(minimal_catalog, {"metadata.yaml": meta})
    out = tmp_path / "s.xlsx"
    assert export(minimal_catalog, out)[0] == 0
    with zipfile.ZipFile(out) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 3, 12, 0, 0, 0)}


def test_hostile_text(minimal_catalog: Path, tmp_path: Path) -> None:
    long_text = "y" * 4000  # the loader bounds prose to 5,000 characters
    write_tree(
        minimal_catalog,
        {
            "arsitektur/aplikasi.yaml": (
                "entitas: aplikasi\nid: APP-01\nnama: \"=cmd|' /C calc'!A0\"\n"
                'uraian: "<b>x</b> & @SUM(A1)"\n'
                f"fungsi: {long_text}\n"
                "luaran: '+1+1'\n"
                "raa: RAA.01.01\nkategori: khusus\npemilik: DISKOMINFO\n"
                "data: [DATA-01]\ninfrastruktur: [INFRA-01]\n"
            )
        },
    )
    out = tmp_path / "h.xlsx"
    code, stdout, stderr = export(minimal_catalog, out)
    assert code == 0, stdout + stderr
    wb = openpyxl.load_workbook(out)
    ws = wb["Aplikasi"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, (c.value for c in ws[3]), strict=True))
    assert row["Nama (katalog)"] == "'=cmd|' /C calc'!A0"
    assert row["Uraian"] == "<b>x</b> & @SUM(A1)"
    assert row["Luaran"] == "'+1+1"
    assert row["Fungsi"] == long_text
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"


def test_unknown_kind_goes_to_a_sheet_of_its_own(minimal_catalog: Path, tmp_path: Path) -> None:
    write_tree(
        minimal_catalog,
        {
            "referensi-tambahan.yaml": (
                "entitas: referensi\ndaftar: jenis_infrastruktur\nkode: drone\n"
                "nama: Drone pemetaan\nsumber: contoh uji\n"
            ),
            "arsitektur/drone.yaml": (
                "entitas: infrastruktur\nid: INFRA-DRONE\nnama: Drone\nrai: RAI.01\n"
                "jenis: drone\nopd: DISKOMINFO\n"
            ),
        },
    )
    out = tmp_path / "d.xlsx"
    code, stdout, stderr = export(minimal_catalog, out)
    assert code == 0, stdout + stderr
    ws = openpyxl.load_workbook(out)["INF Lainnya"]
    assert [c.value for c in ws[3]][:2] == ["INFRA-DRONE", "drone"]


def test_column_list_is_versioned_and_honest() -> None:
    data = load_data("sia-spbe-kolom.yaml")
    assert data["meta"]["verifikasi"] == "belum"
    assert data["meta"]["versi"]
    assert "third-party" in data["meta"]["sumber"]
    statuses = set(data["status"])
    assert statuses == {"portal", "inferensi", "spbe"}
    for sheet in data["lembar"]:
        assert len(sheet["nama"]) <= 31 and not set(sheet["nama"]) & set(":\\/?*[]")
        for column in sheet["kolom"]:
            assert column["status"] in statuses


def test_cell_text_is_safe_whatever_reaches_it() -> None:
    """The cell rule holds even for text the loader would refuse (defence in depth)."""
    assert cell_text("<b>\x01\x07</b>") == "<b>\ufffd\ufffd</b>"
    assert cell_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    long = cell_text("y" * 40000, CELL_MAX)
    assert len(long) == CELL_MAX and long.endswith("…")


def test_dates_are_date_cells_shown_the_indonesian_way(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    """A worksheet for people: ``12 Maret 2025`` in a real date cell, not ISO text."""
    keamanan = (minimal_catalog / "arsitektur" / "keamanan.yaml").read_text("utf-8")
    write_tree(
        minimal_catalog,
        {"arsitektur/keamanan.yaml": keamanan + "tanggal_mulai: 2025-03-12\n"},
    )
    out = tmp_path / "t.xlsx"
    code, stdout, stderr = export(minimal_catalog, out)
    assert code == 0, stdout + stderr
    ws = openpyxl.load_workbook(out)["KMN Audit Keamanan"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(3, header.index("Tanggal") + 1)
    assert cell.is_date and cell.value == datetime(2025, 3, 12)
    assert cell.number_format == TANGGAL_SPREADSHEET == "[$-421]d mmmm yyyy"
    # wide enough for the longest month name as shown, not for the ISO text
    letter = cell.column_letter
    assert ws.column_dimensions[letter].width >= len("12 Maret 2025") + 2
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        xml = b"".join(archive.read(n) for n in sheets)
    assert b"2025-03-12" not in xml and b"<v>45728</v>" in xml
    again = tmp_path / "again.xlsx"
    assert export(minimal_catalog, again)[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_date_serial_is_the_spreadsheet_serial() -> None:
    from datetime import date

    from openpyxl.utils.datetime import to_excel

    for day in (date(1900, 3, 1), date(2025, 3, 12), date(2029, 12, 31)):
        assert date_serial(day) == to_excel(day)
    assert tanggal(date(2025, 3, 12)) == "12 Maret 2025"


def test_every_sheet_is_sized_by_one_rule() -> None:
    """The SIA workbook and ``export tabel`` size their columns alike (one home)."""
    from spbe_cli.export.common import (
        SHEET_WIDTH_MAX,
        SHEET_WIDTH_MIN,
        SHEET_WIDTH_ROWS,
        sheet_width,
    )

    assert sheet_width("No", ["1", "2"]) == SHEET_WIDTH_MIN
    assert sheet_width("tanggal_penetapan", ["2025-03-12"]) == len("tanggal_penetapan") + 2
    assert sheet_width("Nama", ["x" * 200]) == SHEET_WIDTH_MAX
    # only the first rows are measured
    assert sheet_width("Nama", ["x"] * SHEET_WIDTH_ROWS + ["x" * 40]) == SHEET_WIDTH_MIN
