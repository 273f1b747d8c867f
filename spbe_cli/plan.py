"""Plan arithmetic: the years and budget of a program or a Peta Rencana item, computed once.

Programs and Peta Rencana items share the same fields (:class:`~spbe_cli.models.Rencana`) and so
the same rules: their years run from ``tahun_mulai`` to ``tahun_selesai``, their budget in a year is
the sum of their ``anggaran`` lines of that year over every source, and a line is illustrative when
it says so (``ilustratif: true``) or its whole item does. Checks, diff, progress and the documents
all read these functions, so a figure is the same wherever it is shown.

A line whose year lies outside the item's years (SPBE607, most often a mistyped year) is in no
sum: the item does not run that year, so ``spbe progress`` does not plan it and the master plan's
roadmap does not list it; the budget table per year and the totals agree with both.
:func:`budget_lines_outside` finds those lines for the check.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from spbe_cli.models import Anggaran, Rencana

P = TypeVar("P", bound="Rencana")
K = TypeVar("K", bound=Hashable)


#: One row of a budget table: its label, the figure per year and the total.
SourceRow = tuple[str, list["Amount"], "Amount"]


@dataclass(frozen=True)
class Amount:
    """A sum of budget lines and the part of it that is illustrative."""

    total: int = 0
    illustrative: int = 0

    @property
    def is_illustrative(self) -> bool:
        """Tell whether any line of the sum is illustrative (the figure gets a mark)."""
        return self.illustrative > 0

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.total + other.total, self.illustrative + other.illustrative)

    def __bool__(self) -> bool:
        return self.total != 0


def years(item: Rencana) -> range:
    """Every year of an item's period (empty when its years are reversed)."""
    return range(item.tahun_mulai, item.tahun_selesai + 1)


def is_illustrative(item: Rencana, line: Anggaran) -> bool:
    """Tell whether a budget line is illustrative: marked itself, or its whole item is."""
    return line.ilustratif or item.ilustratif


def is_counted(item: Rencana, line: Anggaran) -> bool:
    """Tell whether a budget line counts in the sums: its year lies within the item's years."""
    return item.tahun_mulai <= line.tahun <= item.tahun_selesai


def counted_lines(item: Rencana) -> Iterator[Anggaran]:
    """The budget lines of an item that count in its sums (:func:`is_counted`)."""
    return (line for line in item.anggaran if is_counted(item, line))


def _lines(items: Iterable[Rencana], year: int | None = None) -> Iterator[tuple[int, int, bool]]:
    for item in items:
        for line in counted_lines(item):
            if year is None or line.tahun == year:
                yield line.tahun, line.nilai, is_illustrative(item, line)


def _amount(lines: Iterable[tuple[int, int, bool]]) -> Amount:
    total = illustrative = 0
    for _, value, marked in lines:
        total += value
        if marked:
            illustrative += value
    return Amount(total, illustrative)


def budget_in(item: Rencana, year: int) -> Amount:
    """An item's budget in one year, over every source."""
    return _amount(_lines((item,), year))


def total(items: Iterable[Rencana]) -> Amount:
    """The budget of some items over every year and source."""
    return _amount(_lines(items))


def amounts_by_year(items: Iterable[Rencana]) -> dict[int, Amount]:
    """The budget of some items per year (in the order met), with its illustrative part."""
    result: dict[int, Amount] = {}
    for year, value, marked in _lines(items):
        result[year] = result.get(year, Amount()) + Amount(value, value if marked else 0)
    return result


def sum_amounts(amounts: Iterable[Amount]) -> Amount:
    """The sum of some figures, with their illustrative parts."""
    return sum(amounts, Amount())


def amounts_by(items: Iterable[P], key: Callable[[P, Anggaran], K]) -> dict[K, dict[int, Amount]]:
    """Like :func:`budget_by`, each figure with its illustrative part (documents mark it)."""
    result: dict[K, dict[int, Amount]] = {}
    for item in items:
        for line in counted_lines(item):
            row = result.setdefault(key(item, line), {})
            value = line.nilai
            part = Amount(value, value if is_illustrative(item, line) else 0)
            row[line.tahun] = row.get(line.tahun, Amount()) + part
    return result


def per_source(items: Iterable[Rencana], years: Iterable[int]) -> list[SourceRow]:
    """The rows of a budget table per source of funds: the figure per year and the total.

    Sources come in the order the model lists them (APBD, APBN, DAK, CSR, KPBU, lainnya); a
    source without any line has no row.
    """
    from spbe_cli.reference.values import literal_values

    found = amounts_by(items, lambda _, line: line.sumber)
    wanted = list(years)
    return [
        (s, [found[s].get(y, Amount()) for y in wanted], sum_amounts(found[s].values()))
        for s in literal_values("program", "anggaran[].sumber")
        if s in found
    ]


@dataclass(frozen=True)
class YearBudget:
    """A plan's budget chapter: the figure per year, per source of funds and year, and in all.

    The documents extend it with their own breakdown (per dimension, per muatan).
    """

    per_year: list[tuple[int, Amount]]
    per_sumber: list[SourceRow]
    total: Amount


def year_budget(items: Sequence[Rencana], years: Sequence[int]) -> YearBudget:
    """The budget of ``items`` in the years of a document (a year without lines shows 0)."""
    by_year = amounts_by_year(items)
    return YearBudget(
        [(y, by_year.get(y, Amount())) for y in years], per_source(items, years), total(items)
    )


def budget_by_year(items: Iterable[Rencana]) -> dict[int, int]:
    """The budget of some items per year, over every source."""
    return {year: amount.total for year, amount in amounts_by_year(items).items()}


def budget_by(items: Iterable[P], key: Callable[[P, Anggaran], K]) -> dict[K, dict[int, int]]:
    """The budget of some items per group and year; ``key`` names the group of an item's line.

    ``budget_by(items, lambda item, line: line.sumber)`` is the budget per source and year;
    ``budget_by(programs, lambda program, line: program.dimensi)`` per dimension and year.
    """
    return {
        group: {year: amount.total for year, amount in row.items()}
        for group, row in amounts_by(items, key).items()
    }


def budget_lines_outside(item: Rencana) -> list[tuple[int, Anggaran]]:
    """``(index, line)`` of every budget line whose year lies outside the item's years."""
    period = years(item)
    return [(i, line) for i, line in enumerate(item.anggaran) if line.tahun not in period]


def progress_outside(item: Rencana) -> list[tuple[int, int]]:
    """``(index, year)`` of every progress entry whose ``tahun`` lies outside the item's years.

    No report counts such an entry: a year outside the item's is never planned.
    """
    period = years(item)
    return [(i, entry.tahun) for i, entry in enumerate(item.progres) if entry.tahun not in period]


def targets_outside(item: Rencana) -> list[tuple[int, str, int]]:
    """``(indicator index, indicator name, year)`` of every target outside the item's years."""
    period = years(item)
    return [
        (i, ind.nama, year)
        for i, ind in enumerate(item.indikator)
        for year in ind.target
        if year not in period
    ]
