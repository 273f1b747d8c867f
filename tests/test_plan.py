"""Plan arithmetic (spbe_cli/plan.py): the one home of years and budget sums."""

from __future__ import annotations

from typing import Any

from spbe_cli import plan
from spbe_cli.models import PetaRencana, Program


def _program(**extra: Any) -> Program:
    data: dict[str, Any] = {
        "entitas": "program",
        "id": "P1",
        "nama": "x",
        "dimensi": "governance",
        "elemen": "service",
        "opd_pj": "X",
        "tahun_mulai": 2025,
        "tahun_selesai": 2026,
        "horizon": "pendek",
        "anggaran": [
            {"tahun": 2025, "nilai": 100, "sumber": "APBD"},
            {"tahun": 2025, "nilai": 50, "sumber": "DAK", "ilustratif": True},
            {"tahun": 2026, "nilai": 30, "sumber": "APBD"},
            {"tahun": 2040, "nilai": 7, "sumber": "APBD"},
        ],
        "indikator": [{"nama": "i", "satuan": "u", "target": {2026: 1, 2030: 2}}],
    }
    data.update(extra)
    return Program.model_validate(data)


def _item() -> PetaRencana:
    return PetaRencana.model_validate(
        {
            "entitas": "peta_rencana",
            "id": "PR-1",
            "nama": "y",
            "muatan": "layanan",
            "opd_pj": "X",
            "tahun_mulai": 2026,
            "tahun_selesai": 2026,
            "anggaran": [{"tahun": 2026, "nilai": 5, "sumber": "APBN"}],
            "ilustratif": True,
        }
    )


def test_sums_by_year_in_a_year_and_in_total() -> None:
    program, item = _program(), _item()
    # The 2040 line lies outside the program's years (SPBE607): it is in no sum.
    assert plan.budget_by_year([program, item]) == {2025: 150, 2026: 35}
    assert plan.budget_in(program, 2025) == plan.Amount(150, 50)
    assert plan.budget_in(program, 2027) == plan.Amount(0, 0)
    assert plan.budget_in(program, 2040) == plan.Amount(0, 0)
    assert plan.total([program, item]) == plan.Amount(185, 55)
    assert plan.total([program]).total == 180


def test_illustrative_line_or_item_marks_the_amount() -> None:
    program, item = _program(), _item()
    by_year = plan.amounts_by_year([program, item])
    assert by_year[2025].is_illustrative  # one line marked
    assert by_year[2026] == plan.Amount(35, 5)  # the whole Peta Rencana item is illustrative
    assert 2040 not in by_year  # outside the program's years
    official = _program(ilustratif=False, anggaran=[{"tahun": 2025, "nilai": 1, "sumber": "CSR"}])
    assert not plan.total([official]).is_illustrative


def test_years_and_what_lies_outside_them() -> None:
    program = _program()
    assert list(plan.years(program)) == [2025, 2026]
    assert [(i, line.tahun) for i, line in plan.budget_lines_outside(program)] == [(3, 2040)]
    assert plan.targets_outside(program) == [(0, "i", 2030)]
    reversed_years = _program(tahun_mulai=2027, tahun_selesai=2025)
    assert list(plan.years(reversed_years)) == []


def test_budget_by_group_and_year() -> None:
    program, item = _program(), _item()
    by_source = plan.budget_by([program, item], lambda _, line: line.sumber)
    assert by_source == {
        "APBD": {2025: 100, 2026: 30},
        "DAK": {2025: 50},
        "APBN": {2026: 5},
    }
    assert plan.budget_by([program], lambda p, _: p.dimensi) == {
        "governance": {2025: 150, 2026: 30}
    }


def test_per_source_rows_in_the_models_order() -> None:
    program, item = _program(), _item()
    rows = plan.per_source([program, item], [2025, 2026])
    assert [source for source, _, _ in rows] == ["APBD", "APBN", "DAK"]
    apbd = rows[0]
    assert apbd[1] == [plan.Amount(100, 0), plan.Amount(30, 0)]
    assert apbd[2] == plan.Amount(130, 0)  # the row adds up: 2040 lies outside the years
    assert rows[1][1] == [plan.Amount(), plan.Amount(5, 5)]  # APBN: the illustrative item
    assert rows[2][2] == plan.Amount(50, 50)
