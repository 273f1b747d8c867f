"""A plan's status as its progress entries record it: the one home of "which entry counts".

Light on purpose (no model, no date arithmetic beyond comparing dates): ``spbe validate``'s
rules and ``spbe sync`` ask whether a plan is cancelled and in which order its entries come,
and importing :mod:`spbe_cli.progress` (the progress report, its dataclasses and formats) for
that was a share of every validation's start-up. :mod:`spbe_cli.progress` uses these too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spbe_cli.models import Progres


def _entry_key(item: tuple[int, Progres]) -> tuple[date, int, int]:
    position, entry = item
    return entry.tanggal, entry.triwulan or 0, position


def in_order(entries: Iterable[Progres]) -> list[tuple[int, Progres]]:
    """``(position, entry)`` pairs in the order of the report: tanggal, triwulan, position."""
    return sorted(enumerate(entries), key=_entry_key)


def latest_entry(
    entries: Iterable[Progres], today: date, tahun: int | None = None
) -> Progres | None:
    """The latest entry dated on or before ``today`` (of year ``tahun`` when given)."""
    chosen = [
        (i, e)
        for i, e in enumerate(entries)
        if e.tanggal <= today and (tahun is None or e.tahun == tahun)
    ]
    return max(chosen, key=_entry_key)[1] if chosen else None


def effective_status(program: Any, today: date) -> str:
    """Status of the latest entry up to today, or the program's own status.

    A program whose own ``status`` is ``dibatalkan`` is cancelled whatever its entries say, as
    :func:`spbe_cli.progress.is_planned` and :func:`is_cancelled` read it: ``spbe list`` and the
    documents then show the status ``spbe progress`` counts (they showed the last entry's
    ``berjalan``).
    """
    if program.status == "dibatalkan":
        return "dibatalkan"
    latest = latest_entry(program.progres, today)
    return latest.status if latest is not None else str(program.status)


def current_status(item: Any) -> str:
    """The status of a program or Peta Rencana item as its latest progress entry records it.

    What ``spbe list``, ``spbe sync``, ``spbe diff`` and the documents show, whatever the day:
    the status of the latest entry (of any date), or the item's own ``status`` without entries
    (or when it is ``dibatalkan``). ``spbe progress`` reads the same entries up to its
    ``--tanggal`` (:func:`effective_status`).
    """
    return effective_status(item, date.max)


def is_cancelled(item: Any) -> bool:
    """Tell whether a plan is cancelled, in its own ``status`` or by its latest progress entry.

    The one test of "dibatalkan" for every command: programs and Peta Rencana items read their
    entries; an entity without ``progres`` (kesiapan, an architecture element) is never cancelled.
    """
    if getattr(item, "status", None) == "dibatalkan":
        return True
    return hasattr(item, "progres") and current_status(item) == "dibatalkan"
