"""The objects a rule run on the kept facts reads (spbe_cli.incremental_rules.Facts)."""

from __future__ import annotations

import pytest

from spbe_cli.incremental_rules import Facts, MissingFact, _FactTable, _made


def test_every_kept_field_is_read_without_getattr_and_nested_values_are_wrapped_once() -> None:
    fact = _made(
        "APP-1",
        ("status", "nomenklatur", "anggaran", "data"),
        [
            "aktif",
            {"kode": "2.16.01"},
            [{"tahun": 2026, "nilai": 5}],
            ["D-1", "D-2"],
        ],
    )
    # Every field sits in the object's own dict: a read never reaches __getattr__.
    assert set(vars(fact)) == {"id", "status", "nomenklatur", "anggaran", "data"}
    assert fact.id == "APP-1" and fact.status == "aktif"
    assert fact.nomenklatur.kode == "2.16.01"
    assert fact.anggaran[0].tahun == 2026 and fact.anggaran[0].nilai == 5
    assert fact.data == ["D-1", "D-2"]
    # Wrapped once: the same object on every read, as a model's field.
    assert fact.nomenklatur is fact.nomenklatur and fact.anggaran is fact.anggaran


def test_a_field_not_kept_stops_the_run_through_hasattr_and_getattr_too() -> None:
    fact = Facts({"status": "aktif", "nested": {"kode": "x"}})
    with pytest.raises(MissingFact, match="pemilik"):
        _ = fact.pemilik
    with pytest.raises(MissingFact):
        hasattr(fact, "pemilik")
    with pytest.raises(MissingFact):
        getattr(fact, "pemilik", None)
    with pytest.raises(MissingFact, match="nama"):
        _ = fact.nested.nama


def test_a_fact_table_makes_each_kinds_list_once_and_gives_a_copy() -> None:
    made: list[str] = []

    def make(kind: str, entity_id: str, stored: list[str]) -> Facts:
        made.append(entity_id)
        return _made(entity_id, ("status",), stored)

    table = _FactTable.__new__(_FactTable)
    table.all_kinds = {"A-1": "aplikasi", "A-2": "aplikasi", "R-1": "regulasi"}
    table.models = frozenset()
    table.kinds = frozenset({"aplikasi"})
    table.facts = {"A-1": ["aktif"], "A-2": ["usang"]}
    table.make = make
    table.made = {}
    table.lists = {}
    first = table.of_kind("aplikasi", ["A-1", "A-2"])
    second = table.of_kind("aplikasi", ["A-1", "A-2"])
    assert [f.status for f in first] == ["aktif", "usang"]
    assert made == ["A-1", "A-2"]  # each entity's facts built once
    assert first == second and first is not second  # a caller may change its own list
    assert table["A-1"] is first[0]
    with pytest.raises(MissingFact, match="regulasi R-1"):
        table["R-1"]  # a kind the rule keeps nothing of stops the run
