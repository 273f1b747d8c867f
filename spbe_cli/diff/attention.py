"""Review attention: the changes a reviewer must see first, each under a stable SPBE7xx code.

Every rule is a function of one :class:`Change`; its docstring is the explanation users read
(``docs/diff.md`` repeats it with an example). The one-line summary of each rule is the message
``diff.rule.<CODE>``; the message of a hit is ``diff.att.<CODE>``. A test checks the registry,
the messages and the documentation agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spbe_cli.diff.changeset import (
    ITEM_THRESHOLD,
    Attention,
    Change,
    ChangeType,
    Record,
    best_pairs,
    similarity,
)
from spbe_cli.errors import Location, Severity
from spbe_cli.formatting import number, rupiah
from spbe_cli.i18n import t
from spbe_cli.links import ARSITEKTUR

WARN, INFO = Severity.WARNING, Severity.INFO
RENCANA = ("program", "peta_rencana")
STOPPED = ("ditunda", "dibatalkan")

RuleFunction = Callable[[Change], Iterator[Attention]]


@dataclass(frozen=True)
class AttentionRule:
    """A review-attention rule: code, severity, the kinds it looks at, and its check."""

    code: str
    severity: Severity
    kinds: tuple[str, ...]
    check: RuleFunction

    @property
    def explanation(self) -> str:
        """The rule's docstring: what it flags and why."""
        return (self.check.__doc__ or "").strip()


ATTENTION_RULES: dict[str, AttentionRule] = {}


def rule(
    code: str, severity: Severity, kinds: tuple[str, ...]
) -> Callable[[RuleFunction], RuleFunction]:
    """Register an attention rule."""

    def register(check: RuleFunction) -> RuleFunction:
        ATTENTION_RULES[code] = AttentionRule(code, severity, kinds, check)
        return check

    return register


def _hit(code: str, change: Change, where: Location | None, /, **values: Any) -> Attention:
    rule_ = ATTENTION_RULES[code]
    return Attention(
        code,
        rule_.severity,
        change.kind,
        change.id,
        t(f"diff.att.{code}", id=change.id, kind=t(f"diff.noun.{change.kind}"), **values),
        where,
    )


def _at(record: Record | None, *loc: str | int) -> Location | None:
    return record.location(*loc) if record is not None else None


# -- the rules -----------------------------------------------------------------------------------


@rule("SPBE701", WARN, RENCANA)
def removed_plan(change: Change) -> Iterator[Attention]:
    """A program or Peta Rencana item was removed from the catalog.

    A plan that disappears leaves its indicators, budget and commitments unaccounted for. Set
    ``status: dibatalkan`` with a ``catatan`` instead when the decision should stay on record.
    """
    if change.change is ChangeType.REMOVED and change.old is not None:
        yield _hit("SPBE701", change, _at(change.old), name=change.old.name or "")


@rule("SPBE702", WARN, RENCANA)
def stopped_plan(change: Change) -> Iterator[Attention]:
    """A program or Peta Rencana item was set to ``ditunda`` or ``dibatalkan``.

    Postponing or cancelling a plan changes what the documents promise; the reviewer checks the
    reason is written down (``catatan``, a ``progres`` entry).
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    before, after = old.model.status, new.model.status  # type: ignore[attr-defined]
    if after in STOPPED and before != after:
        yield _hit("SPBE702", change, _at(new, "status"), old=before, new=after)


@rule("SPBE703", WARN, RENCANA)
def budget_cut(change: Change) -> Iterator[Attention]:
    """The budget of a program or Peta Rencana item went down in some year.

    The yearly totals (all sources together) are compared; a year that disappears counts as a
    cut to zero. A cut usually means less can be delivered: check the targets follow.
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    before = _yearly(old.model.anggaran)  # type: ignore[attr-defined]
    after = _yearly(new.model.anggaran)  # type: ignore[attr-defined]
    cuts = []
    for year in sorted(before):
        was, now = before[year], after.get(year, 0)
        if now < was:
            percent = (now - was) * 100 // was if was else 0
            cuts.append(t("diff.cut", year=year, old=rupiah(was), new=rupiah(now), percent=percent))
    if cuts:
        yield _hit("SPBE703", change, _at(new, "anggaran"), cuts="; ".join(cuts))


def _yearly(lines: list[Any]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.tahun] = totals.get(line.tahun, 0) + line.nilai
    return totals


@rule("SPBE704", WARN, RENCANA)
def target_lowered(change: Change) -> Iterator[Attention]:
    """An indicator target was lowered, dropped, or its indicator removed.

    "Lower" follows the indicator's ``arah``: for ``naik`` a smaller target is lower, for
    ``turun`` a larger one. Changing ``arah`` itself is flagged too, since it turns the meaning
    of every target around.
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    notes: list[str] = []
    for ind, other in indicator_pairs(old.model.indikator, new.model.indikator):  # type: ignore[attr-defined]
        if other is None:
            notes.append(t("diff.indicator_removed", name=ind.nama))
            continue
        if other.arah != ind.arah:
            notes.append(t("diff.direction", name=ind.nama, old=ind.arah, new=other.arah))
            continue
        for year in sorted(ind.target):
            was, now = ind.target[year], other.target.get(year)
            if now is None:
                notes.append(t("diff.target_dropped", name=ind.nama, year=year, old=number(was)))
            elif (now < was) if ind.arah == "naik" else (now > was):
                notes.append(
                    t(
                        "diff.target_lower",
                        name=ind.nama,
                        year=year,
                        old=number(was),
                        new=number(now),
                    )
                )
    if notes:
        yield _hit("SPBE704", change, _at(new, "indikator"), notes="; ".join(notes))


def indicator_pairs(old: list[Any], new: list[Any]) -> list[tuple[Any, Any]]:
    """Each old indicator with its new self: same name, else the renamed look-alike, else None.

    Renamed indicators are paired as the diff pairs list items (``ITEM_THRESHOLD``), so an
    indicator renamed with its targets kept is not "removed".
    """
    after = {ind.nama: ind for ind in new}
    before = {ind.nama for ind in old}
    gone = [ind for ind in old if ind.nama not in after]
    came = [ind for ind in new if ind.nama not in before]
    moved = {id(a): b for a, b in best_pairs(gone, came, similarity, ITEM_THRESHOLD)}
    return [(ind, after.get(ind.nama) or moved.get(id(ind))) for ind in old]


@rule("SPBE705", WARN, RENCANA)
def end_postponed(change: Change) -> Iterator[Attention]:
    """The end year (``tahun_selesai``) of a program or Peta Rencana item moved later.

    A later end year stretches the plan, often past the RPJMD period, and moves its targets.
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    before, after = old.model.tahun_selesai, new.model.tahun_selesai  # type: ignore[attr-defined]
    if after > before:
        yield _hit("SPBE705", change, _at(new, "tahun_selesai"), old=before, new=after)


@rule("SPBE706", WARN, ("regulasi",))
def regulation_repealed(change: Change) -> Iterator[Attention]:
    """A regulation's status became ``dicabut`` (repealed).

    Programs, Peta Rencana items and architecture elements that name it as their basis lose that
    basis; ``spbe validate`` lists them, the reviewer decides what replaces it.
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    if new.model.status == "dicabut" and old.model.status != "dicabut":  # type: ignore[attr-defined]
        by = new.model.dicabut_oleh  # type: ignore[attr-defined]
        yield _hit(
            "SPBE706",
            change,
            _at(new, "status"),
            old=old.model.status,  # type: ignore[attr-defined]
            by=t("diff.repealed_by", by=by) if by else "",
        )


@rule("SPBE707", WARN, ("aplikasi",))
def became_khusus(change: Change) -> Iterator[Attention]:
    """An application moved from ``umum`` to ``khusus``.

    An Aplikasi Khusus that does what an Aplikasi Umum does needs a cost-benefit study and the
    minister's consideration (Perpres 95/2018); check ``justifikasi_khusus``.
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    if old.model.kategori == "umum" and new.model.kategori == "khusus":  # type: ignore[attr-defined]
        yield _hit("SPBE707", change, _at(new, "kategori"))


@rule("SPBE708", WARN, ("program",))
def quick_win_lost(change: Change) -> Iterator[Attention]:
    """A quick win is no longer quick: its horizon changed, or it now runs past one year.

    Quick wins are the promises of the first year; a quick win that slips is a change of
    commitment the master plan should state.
    """
    old, new = _pair(change)
    if old is None or new is None:
        return
    before, after = old.model, new.model
    if before.horizon != "quick_win":  # type: ignore[attr-defined]
        return
    if after.horizon != "quick_win":  # type: ignore[attr-defined]
        yield _hit(
            "SPBE708",
            change,
            _at(new, "horizon"),
            reason=t("diff.horizon_now", horizon=after.horizon),  # type: ignore[attr-defined]
        )
        return
    was = before.tahun_selesai - before.tahun_mulai + 1  # type: ignore[attr-defined]
    now = after.tahun_selesai - after.tahun_mulai + 1  # type: ignore[attr-defined]
    if now > max(was, 1):
        yield _hit(
            "SPBE708", change, _at(new, "tahun_selesai"), reason=t("diff.runs_years", years=now)
        )


@rule("SPBE709", INFO, tuple(k for k in ("opd", "regulasi", *ARSITEKTUR, *RENCANA, "kesiapan")))
def renamed_id(change: Change) -> Iterator[Attention]:
    """An entity got a new id (with the same content, or similar content and edits).

    A removed and an added entity are one renamed entity when they are of the same kind and
    owner, with names and fields alike above the thresholds documented in docs/diff.md; its
    other edits are listed with it, and the other rules look at them as at any change.

    Every reference to the old id must follow (``spbe validate`` reports those that do not), and
    links to the old id from outside the catalog (reports, dashboards) break.
    """
    if change.change is ChangeType.RENAMED and change.old is not None:
        yield _hit("SPBE709", change, _at(change.new, "id"), old_id=change.old.id)


@rule("SPBE710", INFO, ARSITEKTUR)
def element_gone(change: Change) -> Iterator[Attention]:
    """An architecture element was removed, or its status became ``dihentikan``.

    Services, applications and infrastructure that relied on it may be left without support.
    """
    if change.change is ChangeType.REMOVED and change.old is not None:
        yield _hit("SPBE710", change, _at(change.old), how=t("diff.how_removed"))
        return
    old, new = _pair(change)
    if old is None or new is None:
        return
    if new.model.status == "dihentikan" and old.model.status != "dihentikan":  # type: ignore[attr-defined]
        yield _hit("SPBE710", change, _at(new, "status"), how=t("diff.how_stopped"))


def _pair(change: Change) -> tuple[Record | None, Record | None]:
    """Old and new record of a changed (or renamed) entity, else ``(None, None)``."""
    if change.change in (ChangeType.CHANGED, ChangeType.RENAMED):
        return change.old, change.new
    return None, None


def attention_for(changes: list[Change]) -> list[Attention]:
    """Run every attention rule on every change; the most important first."""
    by_kind: dict[str, list[AttentionRule]] = {}
    for rule_ in ATTENTION_RULES.values():
        for kind in rule_.kinds:
            by_kind.setdefault(kind, []).append(rule_)
    found: list[Attention] = []
    for change in changes:
        for rule_ in by_kind.get(change.kind, ()):
            found.extend(rule_.check(change))
    found.sort(key=Attention.sort_key)
    return found
