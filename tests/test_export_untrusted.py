"""Every export neutralises bidi controls and guards every spreadsheet cell against formulas.

``spbe validate`` refuses the bidi overrides and isolates (SPBE019) but lets the marks
(U+200E, U+200F, U+061C) through, and ``--force`` exports a catalog with errors anyway: what
reaches ArchiMate, the SIA-SPBE workbook and the tables must show such a character as an
escape (``\\u202e``), exactly as the documents do, never raw.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.export.archimate import build_model, model_chunks
from spbe_cli.export.sia import build_workbook
from spbe_cli.export.tabel import build_tables, table_csv
from spbe_cli.loader import load_catalog
from spbe_cli.markup import CONTROL, bidi_visible, cell_text, export_text, not_formula
from tests.helpers import copy_minimal, edit

#: One of each bidi control: marks, embeddings and overrides, isolates.
BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SHOWN = "".join(f"\\u{ord(c):04x}" for c in BIDI)


def _raw_bidi(text: str) -> list[str]:
    return sorted({c for c in text if c in BIDI})


def test_bidi_visible_shows_each_bidi_control_as_its_escape() -> None:
    assert bidi_visible(f"a{BIDI}b") == f"a{SHOWN}b"
    # Newlines and tabs (a cell, a documentation field) stay; C0 controls are xml_text's.
    assert bidi_visible("a\nb\tc") == "a\nb\tc"
    assert export_text("a\x01\u202eb") == "a\ufffd\\u202eb"
    # The same characters the terminal and documents escape (one list, markup.CONTROL).
    assert all(CONTROL.match(c) for c in BIDI)


def test_cell_text_marks_a_formula_behind_a_bidi_control() -> None:
    assert cell_text("\u202e=HYPERLINK(1)") == "'\\u202e=HYPERLINK(1)"
    assert cell_text("Portal\u200eWisata") == "Portal\\u200eWisata"


@pytest.fixture(scope="module")
def marked_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog that validates clean and holds bidi marks (SPBE019 lets them through)."""
    root = copy_minimal(tmp_path_factory.mktemp("bidi") / "catalog")
    app_file = root / "arsitektur" / "aplikasi.yaml"
    edit(app_file, "nama: Portal Wisata", 'nama: "Portal \\u200fWisata\\u061c"')
    data_file = root / "arsitektur" / "data.yaml"
    edit(data_file, "nama: Destinasi Wisata", 'nama: "\\u200e=HYPERLINK(1)"')
    return root


@pytest.fixture
def forced(marked_dir: Path) -> Any:
    """The catalog as ``--force`` exports it, an override and an isolate in several values."""
    catalog, _ = load_catalog(marked_dir)
    for entity_id in ("APP-01", "DATA-01", "SC-03", "DISKOMINFO"):
        entity = catalog.entities[entity_id]
        catalog.entities[entity_id] = entity.model_copy(
            update={"nama": f"{entity.nama}\u202e{BIDI}=1", "catatan": f"@x\u2066{BIDI}"}
        )
    return catalog


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist())


def test_archimate_shows_bidi_as_escapes(forced: Any) -> None:
    xml = b"".join(model_chunks(build_model(forced))).decode("utf-8")
    assert _raw_bidi(xml) == []
    assert f"Portal \\u200fWisata\\u061c\\u202e{SHOWN}=1" in xml
    assert f"Dinas Komunikasi dan Informatika\\u202e{SHOWN}=1" in xml


def test_sia_workbook_shows_bidi_as_escapes_and_guards_every_cell(forced: Any) -> None:
    from openpyxl import load_workbook

    data, _ = build_workbook(forced)
    assert _raw_bidi(_xlsx_text(data)) == []
    book = load_workbook(io.BytesIO(data))
    values = [
        cell
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert f"'\\u200e=HYPERLINK(1)\\u202e{SHOWN}=1" in values
    # Every text cell of every sheet is already safe: no cell reads as a formula.
    assert [v for v in values if not_formula(v) != v] == []


def test_tables_show_bidi_as_escapes_and_guard_every_text_cell(forced: Any) -> None:
    for table in build_tables(forced):
        text = table_csv(table).decode("utf-8")
        assert _raw_bidi(text) == [], table.name
        types = [type_ for _, type_ in table.columns]
        for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
            for value, type_ in zip(row, types, strict=True):
                if type_ == "text":
                    assert not_formula(value) == value, (table.name, value)
    program = next(t for t in build_tables(forced) if t.name == "program")
    text = table_csv(program).decode("utf-8")
    assert f"Sentra Kerajinan Noken\\u202e{SHOWN}=1" in text
    assert f"'@x\\u2066{SHOWN}" in text


def test_parquet_shows_bidi_as_escapes(forced: Any) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from spbe_cli.export.tabel import table_parquet

    table = next(t for t in build_tables(forced) if t.name == "aplikasi")
    read = pq.read_table(io.BytesIO(table_parquet(table))).to_pylist()
    assert read[0]["nama"] == f"Portal \\u200fWisata\\u061c\\u202e{SHOWN}=1"
    # Parquet is for analysis engines: no formula mark.
    assert read[0]["catatan"] == f"@x\\u2066{SHOWN}"


@pytest.mark.parametrize("target", ["archimate", "sia", "tabel"])
def test_exported_files_hold_no_raw_bidi(marked_dir: Path, tmp_path: Path, target: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["export", target, str(marked_dir), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    files = sorted(out.rglob("*")) if out.is_dir() else [out]
    texts = []
    for path in files:
        data = path.read_bytes()
        texts.append(_xlsx_text(data) if target == "sia" else data.decode("utf-8"))
    assert _raw_bidi("".join(texts)) == []
    assert "\\u200fWisata\\u061c" in "".join(texts)
