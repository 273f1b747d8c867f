"""Every number of the catalog is read by one rule, whatever model or field holds it.

The catalog's numbers reach the models as YAML text. The rule (docs/katalog.md, "Menurut jenis
kolom") is in the text readers of :mod:`spbe_cli.models.common`: a whole number is digits with
an optional ``-``, a decimal adds one ``.``; quotes change nothing (``"2025"`` is 2025). A field
declared as a plain ``int``, ``float`` or ``Decimal`` would be read by pydantic's lax mode
instead, which takes ``3.0``, ``+3``, `` 3`` and ``3_0`` (thirty) in silence: the evaluasi
mandiri's ``indikator`` and ``nilai`` were such fields. The tests here find every numeric field
of every model, nested models, lists and dict keys included, so a new one cannot slip by.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.functional_validators import BeforeValidator

from spbe_cli.models import MODELS
from spbe_cli.models.common import _decimal_text, _int_text
from spbe_cli.validate import validate_catalog
from tests.helpers import edit, write_tree

_NUMERIC = (int, float, Decimal)


def _leaves(tp: Any, where: str, seen: set[type]) -> Iterator[tuple[str, Any]]:
    """``(where, type)`` of every numeric type inside ``tp`` (Annotated kept whole)."""
    origin = get_origin(tp)
    if origin is Annotated:
        base = get_args(tp)[0]
        if base in _NUMERIC:
            yield where, tp
        else:
            yield from _leaves(base, where, seen)
    elif origin in (Union, types.UnionType):
        for arg in get_args(tp):
            yield from _leaves(arg, where, seen)
    elif origin in (list, tuple, set, frozenset):
        for arg in get_args(tp):
            yield from _leaves(arg, f"{where}[]", seen)
    elif origin is dict:
        key, value = get_args(tp)
        yield from _leaves(key, f"{where}{{key}}", seen)
        yield from _leaves(value, f"{where}{{value}}", seen)
    elif origin is Literal or tp is bool or tp is type(None):
        return
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return
        seen.add(tp)
        for name, info in tp.model_fields.items():
            field = (
                Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            )
            yield from _leaves(field, f"{tp.__name__}.{name}", seen)
    elif tp in _NUMERIC:
        yield where, tp  # a bare number type: no reader at all


def _numeric_fields() -> list[tuple[str, Any]]:
    found: dict[str, Any] = {}
    seen: set[type] = set()
    for model in MODELS.values():
        for where, tp in _leaves(model, model.__name__, seen):
            found.setdefault(where, tp)
    return sorted(found.items())


FIELDS = _numeric_fields()
IDS = [where for where, _ in FIELDS]


def _reader(tp: Any) -> Any:
    """The text reader a numeric type goes through (None when it has none)."""
    if get_origin(tp) is not Annotated:
        return None
    for part in get_args(tp)[1:]:
        if isinstance(part, BeforeValidator) and part.func in (_int_text, _decimal_text):
            return part.func
    return None


def test_every_kind_of_number_is_found() -> None:
    # The walk reaches nested models, lists and dict keys (a change that hid them would make
    # the tests below pass on nothing).
    assert {
        "Anggaran.nilai",
        "Indikator.target{key}",
        "Indikator.target{value}",
        "Penilaian.indikator",
        "Penilaian.nilai",
        "Pengaturan.kemiripan_minimum",
        "Program.misi[]",
        "Progres.realisasi{value}",
    } <= set(IDS)


@pytest.mark.parametrize(("where", "tp"), FIELDS, ids=IDS)
def test_every_number_goes_through_the_text_reader(where: str, tp: Any) -> None:
    assert _reader(tp) is not None, f"{where}: use a type of spbe_cli.models.common"


#: Texts that are not a number in the catalog's notation, whatever pydantic's lax mode thinks.
NOT_WHOLE = ["3.0", "+3", " 3", "3 ", "3_0", "1e0", "0x3", "\uff13", "\u0663", "tiga", "1.500"]
NOT_DECIMAL = ["1e3", "1,5", " 3", "+3", "1_0", ".5", "inf", "nan", "0x1", "\uff13"]


@pytest.mark.parametrize(("where", "tp"), FIELDS, ids=IDS)
def test_every_number_is_read_by_the_one_rule(where: str, tp: Any) -> None:
    adapter = TypeAdapter(tp)
    whole = _reader(tp) is _int_text
    refused = NOT_WHOLE if whole else NOT_DECIMAL
    for text in refused:
        with pytest.raises(ValidationError) as caught:
            adapter.validate_python(text)
        kinds = {error["type"] for error in caught.value.errors()}
        # Refused by the reader (a message with a hint), not by a bound after a lax reading.
        assert all(kind.startswith("spbe_") for kind in kinds), (where, text, kinds)
    accepted = [c for c in ("1", "4", "2026", "0.5") if _accepts(adapter, c)]
    assert accepted, where
    value = adapter.validate_python(accepted[0])
    assert value == Decimal(accepted[0]) and type(value) in ((int,) if whole else (float, Decimal))


def _accepts(adapter: TypeAdapter[Any], text: str) -> bool:
    try:
        adapter.validate_python(text)
    except ValidationError:
        return False
    return True


EVALUASI = (
    "entitas: evaluasi_mandiri\n"
    "id: EM-2025\n"
    "kerangka: spbe_59_2020\n"
    "tahun: 2025\n"
    "penilaian:\n"
    "  - indikator: {indikator}\n"
    "    nilai: {nilai}\n"
)


@pytest.mark.parametrize(
    ("indikator", "nilai", "column", "message"),
    [
        ("1", "3.0", 12, "penilaian[0].nilai: '3.0' is not a whole number"),
        ("1", "+3", 12, "penilaian[0].nilai: '+3' is not a whole number"),
        ("1_0", "3", 16, "penilaian[0].indikator: '1_0' is not a whole number"),
        ("2.0", "3", 16, "penilaian[0].indikator: '2.0' is not a whole number"),
    ],
)
def test_evaluasi_mandiri_numbers_follow_the_rule(
    tmp_path: Path, indikator: str, nilai: str, column: int, message: str
) -> None:
    root = write_tree(
        tmp_path / "c", {"evaluasi/em.yaml": EVALUASI.format(indikator=indikator, nilai=nilai)}
    )
    _, report = validate_catalog(root, "c")
    found = [f for f in report.findings if f.location.path == "c/evaluasi/em.yaml"]
    line = 6 if column == 16 else 7
    assert [(f.code, f.location.line, f.location.column) for f in found] == [
        ("SPBE101", line, column)
    ]
    assert found[0].message == message


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "hint"),
    [
        (
            "tahun_mulai: 2025",
            "tahun_mulai: 2025.0",
            7,
            14,
            "this field is a whole number: write 2025, without the point and the zeros after it",
        ),
        (
            "nilai: 250000000,",
            "nilai: 250 000 000,",
            16,
            26,
            "write the number without thousands separators: 250000000",
        ),
        (
            "nilai: 250000000,",
            "nilai: 250000000.00,",
            16,
            26,
            "this field is a whole number: write 250000000, without the point and the zeros "
            "after it",
        ),
    ],
)
def test_a_whole_number_written_otherwise_says_what_to_write(
    minimal_catalog: Path, old: str, new: str, line: int, column: int, hint: str
) -> None:
    edit(minimal_catalog / "program" / "governance.yaml", old, new)
    _, report = validate_catalog(minimal_catalog, "c")
    found = [f for f in report.findings if f.severity.value == "error"]
    assert [(f.code, f.location.line, f.location.column, f.hint) for f in found] == [
        ("SPBE101", line, column, hint)
    ]


@pytest.mark.parametrize(
    ("old", "new", "place", "hint"),
    [
        (
            "target: {2026: 50, 2027: 80}",
            "target: {2026: 50%, 2027: 80}",
            (14, 20),
            "write the number alone, without '%': 50 (an indicator's unit goes in its satuan "
            "field)",
        ),
        (
            "baseline: 10",
            "baseline: 10,5 persen",
            (13, 15),
            "write the number alone, without 'persen': 10.5 (an indicator's unit goes in its "
            "satuan field)",
        ),
        (
            "tahun_mulai: 2025",
            "tahun_mulai: 2025 M",
            (7, 14),
            "write the number alone, without 'M': 2025",
        ),
        # 'persen' holds an 'e': it was told to write the number "without an exponent".
        ("baseline: 10", "baseline: persen", (13, 15), None),
        (
            "baseline: 10",
            "baseline: 1.5E1",
            (13, 15),
            "write the number out without an exponent, e.g. 1500000 rather than 1.5e6",
        ),
        (
            "horizon: menengah",
            "horizon: menengah\ndigital: Ya",
            (10, 10),
            "write true, in lower case and without quotes",
        ),
        (
            "horizon: menengah",
            "horizon: menengah\ndigital: tidak",
            (10, 10),
            "write false, in lower case and without quotes",
        ),
        (
            "horizon: menengah",
            "horizon: menengah\ndigital: mungkin",
            (10, 10),
            "write true (yes) or false (no), in lower case and without quotes",
        ),
    ],
)
def test_a_value_written_with_its_unit_or_as_a_word_says_what_to_write(
    minimal_catalog: Path, old: str, new: str, place: tuple[int, int], hint: str | None
) -> None:
    edit(minimal_catalog / "program" / "economy.yaml", old, new)
    _, report = validate_catalog(minimal_catalog, "c")
    found = [f for f in report.findings if f.severity.value == "error"]
    assert [(f.code, f.location.line, f.location.column, f.hint) for f in found] == [
        ("SPBE101", *place, hint)
    ]
