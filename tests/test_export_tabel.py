"""``spbe export tabel``: golden CSV, RFC 4180, formula injection, Parquet, every row once."""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.errors import SpbeError
from spbe_cli.export.tabel import Table, build_tables, table_csv, table_parquet
from spbe_cli.markup import cell_text, not_formula
from spbe_cli.validate import validate_catalog
from tests.helpers import CASES, MINIMAL, write_tree

GOLDEN = CASES / "export" / "minimal" / "tabel"
BUNDLED = Path(__file__).parent.parent / "catalog"
TABLES = [
    "opd",
    "regulasi",
    "proses-bisnis",
    "data-informasi",
    "layanan",
    "aplikasi",
    "infrastruktur",
    "keamanan",
    "peta-rencana",
    "program",
    "kesiapan",
    "evaluasi-mandiri",
    "tautan",
    "daftar",
    "atribut",
    "indikator",
    "indikator-target",
    "anggaran",
    "progres",
    "progres-realisasi",
    "penilaian",
]


def export(catalog: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["export", "tabel", str(catalog), "-o", str(out), *extra])
    return result.exit_code, result.stdout, result.stderr


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_golden_minimal(tmp_path: Path) -> None:
    out = tmp_path / "tabel"
    code, stdout, stderr = export(MINIMAL, out)
    assert code == 0, stdout + stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    if os.environ.get("SPBE_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == (GOLDEN / f"{name}.csv").read_bytes(), name
    assert "21 tables" in stderr


def test_same_bytes_twice(tmp_path: Path) -> None:
    assert export(BUNDLED, tmp_path / "a")[0] == 0
    assert export(BUNDLED, tmp_path / "b")[0] == 0
    for name in TABLES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (
            tmp_path / "b" / f"{name}.csv"
        ).read_bytes()


def test_every_entity_and_link_once(tmp_path: Path) -> None:
    catalog, _ = validate_catalog(BUNDLED)
    out = tmp_path / "t"
    assert export(BUNDLED, out)[0] == 0
    for kind in ("opd", "aplikasi", "program", "peta_rencana", "kesiapan"):
        rows = read(out / f"{kind.replace('_', '-')}.csv")
        assert [r["id"] for r in rows] == catalog.ids_of(kind)
        assert {r["entitas"] for r in rows} == {kind}
    links = read(out / "tautan.csv")
    for app_entity in catalog.of_kind("aplikasi"):
        mine = [r["ke"] for r in links if r["id"] == app_entity.id and r["kolom"] == "data"]
        assert mine == app_entity.data
    budget = read(out / "anggaran.csv")
    expected = sum(len(e.anggaran) for k in ("program", "peta_rencana") for e in catalog.of_kind(k))
    assert len(budget) == expected
    total = sum(
        a.nilai for k in ("program", "peta_rencana") for e in catalog.of_kind(k) for a in e.anggaran
    )
    assert sum(int(r["nilai"]) for r in budget) == total


def test_columns_are_typed_and_ordered() -> None:
    catalog, _ = validate_catalog(MINIMAL)
    tables = {t.name: t for t in build_tables(catalog)}
    program = dict(tables["program"].columns)
    assert list(program)[:2] == ["id", "entitas"]
    assert program["tahun_mulai"] == "int"
    assert program["digital"] == "bool"
    assert program["nomenklatur_kode"] == "text"
    assert "mitra.bisnis" not in program  # lists go to the daftar table
    assert dict(tables["indikator"].columns)["baseline"] == "number"
    assert dict(tables["progres"].columns)["tanggal"] == "date"


def test_rfc4180_and_formula_injection() -> None:
    table = Table("t", [("id", "text"), ("nama", "text"), ("nilai", "int")])
    table.rows = [
        ["A", 'koma, "kutip"\nbaris', -5],
        ["B", '=HYPERLINK("http://x")', None],
        ["C", "-2+3", 7],
        ["D", "@SUM(A1)\x00", 0],
    ]
    data = table_csv(table)
    assert data.startswith(b"id,nama,nilai\r\n")
    assert data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[1] == ["A", 'koma, "kutip"\nbaris', "-5"]  # numbers are not prefixed
    assert rows[2] == ["B", '\'=HYPERLINK("http://x")', ""]
    assert rows[3] == ["C", "'-2+3", "7"]
    assert rows[4] == ["D", "'@SUM(A1)\ufffd", "0"]
    assert b'"koma, ""kutip""\nbaris"' in data


@pytest.mark.parametrize(
    "value",
    [
        '\uff1dHYPERLINK("http://x")',  # full-width equals sign
        "\uff0b1+1",  # full-width plus
        "\uff0d1+1",  # full-width hyphen-minus
        "\uff20SUM(A1)",  # full-width commercial at
        "\ufe66cmd|' /C calc'!A0",  # small equals sign
        "\u207c1",  # superscript equals
        "\u22121+2",  # minus sign
        " =1+1",  # leading space, trimmed by the spreadsheet
        "\u3000=1+1",  # ideographic space
        "\n\n=1+1",
        "\u200b=1+1",  # zero-width space
        "\u202a=1+1",  # bidi embedding
        "\x0b=1+1",  # a control XML cannot carry (becomes U+FFFD)
        "\t\uff1d1",
        "\tteks",  # a leading tab or CR is marked whatever follows (OWASP)
    ],
)
def test_formula_injection_class(value: str) -> None:
    """Every start that a spreadsheet may read as a formula is marked as text, in CSV and XLSX."""
    assert not_formula(value) == "'" + value
    assert cell_text(value).startswith("'")
    table = Table("t", [("nama", "text")])
    table.rows = [[value]]
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8"), newline="")))
    assert rows[1][0].startswith("'")


@pytest.mark.parametrize("value", ["teks = 1", "a-b", "Rp 1.000", "1-2", "user@example.go.id", ""])
def test_text_that_is_no_formula_is_left_alone(value: str) -> None:
    assert not_formula(value) == value


def test_hostile_names_in_csv(minimal_catalog: Path, tmp_path: Path) -> None:
    write_tree(
        minimal_catalog,
        {
            "opd/diskominfo.yaml": (
                "entitas: opd\nid: DISKOMINFO\nnama: \"=cmd|' /C calc'!A0\"\njenis: dinas\n"
                'urusan: ["2.16"]\n'
            )
        },
    )
    out = tmp_path / "t"
    assert export(minimal_catalog, out)[0] == 0
    assert read(out / "opd.csv")[0]["nama"] == "'=cmd|' /C calc'!A0"


def test_parquet_round_trip(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow (spbe[parquet]) not installed")
    out = tmp_path / "p"
    code, stdout, stderr = export(MINIMAL, out, "--format", "parquet")
    assert code == 0, stdout + stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    catalog, _ = validate_catalog(MINIMAL)
    for table in build_tables(catalog):
        read_back = pq.read_table(out / f"{table.name}.parquet")
        assert read_back.column_names == [name for name, _ in table.columns]
        assert read_back.num_rows == len(table.rows)
    program = pq.read_table(out / "program.parquet").to_pylist()
    assert program[0]["tahun_mulai"] == 2025 and program[0]["digital"] in (True, False)
    again = tmp_path / "q"
    assert export(MINIMAL, again, "--format", "parquet")[0] == 0
    for table in TABLES:
        assert (out / f"{table}.parquet").read_bytes() == (again / f"{table}.parquet").read_bytes()


@pytest.mark.parametrize(("first", "second"), [("parquet", "csv"), ("csv", "parquet")])
def test_a_format_switch_leaves_no_table_of_the_earlier_export(
    tmp_path: Path, first: str, second: str
) -> None:
    # Before, the earlier format's tables stayed beside the new ones: two exports mixed.
    pytest.importorskip("pyarrow.parquet", reason="pyarrow (spbe[parquet]) not installed")
    out = tmp_path / "tabel"
    assert export(MINIMAL, out, "--format", first)[0] == 0
    (out / "catatan.txt").write_text("milik saya\n", encoding="utf-8")
    (out / f"lain.{first}").write_text("bukan tabel spbe\n", encoding="utf-8")
    assert export(MINIMAL, out, "--format", second)[0] == 0
    tables = sorted(f"{t}.{second}" for t in TABLES)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*tables, "catatan.txt", f"lain.{first}"]
    )


def test_parquet_without_pyarrow(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(SpbeError, match=r"pip install spbe\[parquet\]"):
        table_parquet(Table("t", [("id", "text")]))
    out = tmp_path / "p"
    code, _stdout, stderr = export(MINIMAL, out, "--format", "parquet")
    assert code == 3
    assert "pip install spbe[parquet]" in stderr
    assert not out.exists() or not any(out.iterdir())


def test_docs_list_every_column() -> None:
    """docs/export.md names every table and column, with its type, as the export writes them."""
    docs = (Path(__file__).parent.parent / "docs" / "export.md").read_text("utf-8")
    rows = {}
    for line in docs.splitlines():
        match = re.match(r"^\| `([a-z-]+)\.csv` \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    catalog, _ = validate_catalog(MINIMAL)
    for table in build_tables(catalog):
        expected = ", ".join(
            f"`{name}`" + ("" if type_ == "text" else f" ({type_})")
            for name, type_ in table.columns
        )
        assert rows.get(table.name) == expected, table.name


def test_plan_status_is_the_current_one_not_the_written_one(tmp_path: Path) -> None:
    """``status`` of program.csv and peta-rencana.csv is what spbe list and the documents show."""
    from tests.helpers import copy_minimal

    catalog = copy_minimal(tmp_path / "catalog")
    for rel, last in (
        ("program/economy.yaml", "dibatalkan"),
        ("peta-rencana/layanan.yaml", "selesai"),
    ):
        path = catalog / rel
        path.write_text(
            path.read_text(encoding="utf-8")
            + "status: berjalan\nprogres:\n"
            + "  - {tahun: 2025, tanggal: 2025-03-01, status: berjalan}\n"
            + f"  - {{tahun: 2025, tanggal: 2025-09-01, status: {last}}}\n"
        )
    out = tmp_path / "out"
    code, _, stderr = export(catalog, out)
    assert code == 0, stderr
    programs = {r["id"]: r for r in read(out / "program.csv")}
    items = {r["id"]: r for r in read(out / "peta-rencana.csv")}
    assert programs["SC-03"]["status"] == "dibatalkan"
    assert items["PR-LY"]["status"] == "selesai"
    # Without entries: the status written in the file.
    assert programs["SC-01"]["status"] == "usulan"
    # spbe list shows the same status.
    listed = CliRunner().invoke(app, ["list", "program", "-c", str(catalog), "-f", "json"])
    status = {e["id"]: e["status"] for e in json.loads(listed.stdout)["entitas"]}
    assert status["SC-03"] == programs["SC-03"]["status"]


def test_xlsx_keeps_each_column_s_type_for_a_spreadsheet(tmp_path: Path) -> None:
    """A spreadsheet reads the CSV's urusan code "2.16" as 2.16 and "2.20" as the number 2.2;
    the XLSX tables say what each cell is: text, whole number, number, date or TRUE/FALSE."""
    import datetime as dt

    import openpyxl

    out = tmp_path / "x"
    code, stdout, stderr = export(BUNDLED, out, "--format", "xlsx")
    assert code == 0, stdout + stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.xlsx" for t in TABLES)
    catalog, _ = validate_catalog(BUNDLED)
    for table in build_tables(catalog):
        sheet = openpyxl.load_workbook(out / f"{table.name}.xlsx").active
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == [name for name, _ in table.columns]
        assert all(c.font.b for c in sheet[1])
        assert sheet.max_row == len(table.rows) + 1
    urusan = [
        row
        for row in openpyxl.load_workbook(out / "daftar.xlsx").active.iter_rows(min_row=2)
        if row[2].value == "urusan" and row[0].value == "DISKOMINFO"
    ]
    assert [c.value for c in urusan[1]][-1] == "2.20" and urusan[1][-1].data_type == "s"
    progres = openpyxl.load_workbook(out / "progres.xlsx").active
    first = {h.value: c for h, c in zip(progres[1], progres[2], strict=True)}
    assert first["tanggal"].value == dt.datetime(2025, 12, 15)
    assert first["tanggal"].number_format == "yyyy-mm-dd"
    assert first["anggaran_terserap"].value == 270000000
    assert first["ilustratif"].data_type == "b"
    again = tmp_path / "y"
    assert export(BUNDLED, again, "--format", "xlsx")[0] == 0
    for table in TABLES:
        assert (out / f"{table}.xlsx").read_bytes() == (again / f"{table}.xlsx").read_bytes()


def test_xlsx_text_is_never_a_formula(minimal_catalog: Path, tmp_path: Path) -> None:
    import openpyxl

    write_tree(
        minimal_catalog,
        {
            "opd/diskominfo.yaml": (
                "entitas: opd\nid: DISKOMINFO\nnama: \"=cmd|' /C calc'!A0\"\njenis: dinas\n"
                'urusan: ["2.16"]\n'
            )
        },
    )
    assert export(minimal_catalog, tmp_path / "x", "-f", "xlsx")[0] == 0
    sheet = openpyxl.load_workbook(tmp_path / "x" / "opd.xlsx").active
    names = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert names["nama"].value == "'=cmd|' /C calc'!A0"
    assert names["nama"].data_type == "s"
