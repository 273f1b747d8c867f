"""The index on a case small enough to compute by hand, with the formula of docs/indeks.md.

``Indeks = Σ(bobot × nilai) / Σ bobot``, each aspect the same over its own indicators; shown at two
decimals rounded half up, the predikat read from the value shown (docs/indeks.md, "Perhitungan").
The three indicators and their weights below are made up for the test (not a framework's); the
predikat ranges are the bundled PermenPANRB 8/2026 data, itself marked unverified.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from spbe_cli.i18n import use_language
from spbe_cli.indeks import (
    Indikator,
    Kelompok,
    framework_problems,
    load_frameworks,
    predikat_of,
    rounded,
    score,
)

PEMDI = "pemdi_8_2026"


def _small():
    """Aspect 1 (bobot 30): indicators 1 (10) and 2 (20); aspect 2 (bobot 70): indicator 3 (70)."""
    pemdi = load_frameworks()[PEMDI]
    indikator = (
        Indikator(1, "Satu", Decimal(10), 1, None, None),
        Indikator(2, "Dua", Decimal(20), 1, None, None),
        Indikator(3, "Tiga", Decimal(70), 2, None, None),
    )
    kelompok = (
        Kelompok("aspek", 1, "Aspek Satu", Decimal(30)),
        Kelompok("aspek", 2, "Aspek Dua", Decimal(70)),
    )
    return replace(pemdi, indikator=indikator, kelompok=kelompok, jumlah_indikator=3)


@pytest.mark.parametrize(
    ("nilai", "indeks", "aspek1", "aspek2", "shown", "predikat"),
    [
        # (10×2 + 20×5 + 70×3) / 100 = 330/100; aspect 1: (20 + 100)/30 = 4
        ({1: 2, 2: 5, 3: 3}, Decimal("3.3"), Decimal(4), Decimal(3), "3.30", "Baik"),
        # (10×1 + 20×2 + 70×3) / 100 = 260/100; aspect 1: 50/30 = 1.666… shown 1.67
        ({1: 1, 2: 2, 3: 3}, Decimal("2.6"), Decimal(50) / 30, Decimal(3), "2.60", "Baik"),
        # (10×5 + 20×5 + 70×4) / 100 = 430/100 -> Memuaskan from 4.00
        ({1: 5, 2: 5, 3: 4}, Decimal("4.3"), Decimal(5), Decimal(4), "4.30", "Memuaskan"),
        # (10×1 + 20×1 + 70×1) / 100 = 1: the lowest predikat
        ({1: 1, 2: 1, 3: 1}, Decimal(1), Decimal(1), Decimal(1), "1.00", "Kurang"),
    ],
)
def test_index_matches_the_hand_computation(
    nilai: dict[int, int],
    indeks: Decimal,
    aspek1: Decimal,
    aspek2: Decimal,
    shown: str,
    predikat: str,
) -> None:
    k = _small()
    assert framework_problems(k) == []
    total = score(k.indikator, nilai)
    assert total.nilai == indeks and total.belum == 0
    first, second = k.kelompok
    assert score(k.members(first), nilai).nilai == aspek1
    assert score(k.members(second), nilai).nilai == aspek2
    assert str(rounded(total.nilai)) == shown
    found = predikat_of(k, total.nilai)
    assert found is not None and found.nama == predikat


def test_a_missing_or_out_of_range_nilai_gives_no_index_but_the_aspect_that_is_complete() -> None:
    k = _small()
    first, second = k.kelompok
    for nilai in ({1: 2, 3: 3}, {1: 2, 2: 0, 3: 3}, {1: 2, 2: 6, 3: 3}):
        total = score(k.indikator, nilai)
        assert (total.nilai, total.dinilai, total.belum) == (None, 2, 1)
        assert score(k.members(first), nilai).nilai is None
        assert score(k.members(second), nilai).nilai == 3


def test_an_aspect_without_indicators_and_weights_not_adding_up_are_named() -> None:
    k = _small()
    empty = Kelompok("aspek", 3, "Aspek Kosong", Decimal(0))
    heavier = replace(k.indikator[2], bobot=Decimal(60))
    broken = replace(k, kelompok=(*k.kelompok, empty), indikator=(*k.indikator[:2], heavier))
    with use_language("en"):
        problems = framework_problems(broken)
    assert problems == [
        "the indicator weights add up to 90, not 100",
        "'Aspek Dua' weighs 70 but its members add up to 60",
        "'Aspek Kosong' has no indicator",
    ]


def test_weights_in_the_problems_are_written_in_the_language_of_the_messages() -> None:
    k = _small()
    half = replace(k.indikator[0], bobot=Decimal("10.5"))
    broken = replace(k, indikator=(half, *k.indikator[1:]))
    with use_language("id"):
        problems = framework_problems(broken)
    assert problems == [
        "jumlah bobot indikator 100,5, seharusnya 100",
        "bobot 'Aspek Satu' 30, tetapi bobot anggotanya berjumlah 30,5",
    ]
