"""The readers' wording of a changed field (spbe_cli.render.changes.reader_line)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from spbe_cli.render.changes import reader_line
from spbe_cli.render.document import series

LABELS = [
    {"anggaran": "Anggaran", "anggaran.nilai": "Anggaran", "opd_pendukung": "Pendukung"},
    {"arsitektur": "Arsitektur"},
]
VALUES = {"status": [{"usulan": "Usulan"}, {"berjalan": "Berjalan"}]}
NAMES = {"DISKOMINFO": "Dinas Komunikasi dan Informatika", "BAPPEDA": "Bappeda"}


def field(
    loc: list[Any], old: Any, new: Any, illustrative: tuple[bool, bool] = (False, False)
) -> dict[str, Any]:
    return {"loc": loc, "old": old, "new": new, "illustrative": list(illustrative)}


def line(f: dict[str, Any]) -> str:
    return reader_line(f, LABELS, VALUES, NAMES, " †")


def item(**key: Any) -> dict[str, Any]:
    return {"item": [[k, v] for k, v in key.items()], "occurrence": 0}


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        pytest.param(
            field(
                [{"field": "anggaran"}, item(tahun=2025)],
                None,
                {"tahun": 2025, "nilai": 5000, "sumber": "APBD"},
            ),
            "Anggaran 2025 ditambahkan (Nilai: Rp 5.000; Sumber: APBD)",
            id="item-added-without-its-identity",
        ),
        pytest.param(
            field(
                [{"field": "anggaran"}, item(tahun=2025, sumber="APBN"), {"field": "nilai"}],
                9000,
                None,
                (True, False),
            ),
            "Anggaran 2025 sumber APBN dihapus (sebelumnya Rp 9.000 †)",
            id="removed-illustrative-amount",
        ),
        pytest.param(
            field([{"field": "opd_pendukung"}], ["DISKOMINFO"], ["BAPPEDA", "X-1", "DISKOMINFO"]),
            "Pendukung: ditambah Bappeda dan X-1",
            id="ids-by-name-as-prose",
        ),
        pytest.param(
            field([{"field": "status"}], "usulan", "berjalan"),
            "Status: Usulan → Berjalan",
            id="coded-value",
        ),
        pytest.param(
            field(
                [{"field": "reviu"}, item(tanggal=date(2026, 3, 12)), {"field": "skor"}],
                Decimal("2.5"),
                Decimal("3.25"),
            ),
            "Skor reviu 12 Maret 2026: 2,5 → 3,25",
            id="date-key-decimal",
        ),
        pytest.param(
            field([{"field": "digital"}], False, True),
            "Digital: Tidak → Ya",
            id="boolean",
        ),
        pytest.param(
            field(
                [{"field": "opd_pendukung"}], ["BAPPEDA", "DISKOMINFO"], ["DISKOMINFO", "BAPPEDA"]
            ),
            "Pendukung: urutan diubah",
            id="reordered",
        ),
        pytest.param(
            field(
                [{"field": "dokumen"}, {"field": "arsitektur"}, {"field": "keterkaitan"}],
                [{"nama": "RPJMD 2025-2029", "ilustratif": True}, {"nama": "Renstra"}],
                [{"nama": "RPJMD 2025–2029", "ilustratif": True}, {"nama": "Renstra"}],
            ),
            "Keterkaitan (Arsitektur): butir 1: Nama: RPJMD 2025-2029 → RPJMD 2025–2029",
            id="items-compared-in-place-nearest-parent",
        ),
        pytest.param(
            field(
                [{"field": "keterkaitan"}],
                [{"nama": "Renstra"}],
                [{"nama": "Renstra"}, {"nama": "RPJMD", "ilustratif": True}],
            ),
            "Keterkaitan: ditambah Nama: RPJMD †",
            id="illustrative-item-marked",
        ),
    ],
)
def test_reader_line(f: dict[str, Any], expected: str) -> None:
    assert line(f) == expected


def test_long_text_shows_the_new_wording_around_the_edit() -> None:
    old = " ".join(f"kata{i}" for i in range(40))
    new = old.replace("kata20", "perubahan")
    text = line(field([{"field": "uraian"}], old, new))
    edit = "kata16 kata17 kata18 kata19 perubahan kata21 kata22 kata23 kata24"
    assert text == f"Uraian: diubah pada bagian «… {edit} …»"


def test_series() -> None:
    assert [series([]), series(["a"]), series(["a", "b"]), series(["a", "b", "c"])] == [
        "",
        "a",
        "a dan b",
        "a, b dan c",
    ]
