"""Review attention: the changes a reviewer must see first, each under a stable SPBE7xx code.

Every rule is a function of one :class:`Change`; its docstring is the explanation users read
(``docs/diff.md`` repeats it with an example). The one-line summary of each rule is the message
``diff.rule.<CODE>``; the message of a hit is ``diff.att.<CODE>``. A test checks the registry,
the messages and the documentation agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from spbe_cli import plan
from spbe_cli.diff.changeset import (
    NAME_THRESHOLD,
    Attention,
    Change,
    ChangeType,
    Record,
    item_pairs,
    name_likeness,
)
from spbe_cli.errors import Location, Severity
from spbe_cli.formatting import number, rupiah_marked
from spbe_cli.i18n import t
from spbe_cli.links import ARSITEKTUR
from spbe_cli.models import MODELS, Aplikasi, Elemen, Program, Regulasi, Rencana
from spbe_cli.models.common import in_use

WARN, INFO = Severity.WARNING, Severity.INFO
RENCANA = ("program", "peta_rencana")
STOPPED = ("ditunda", "dibatalkan")

RuleFunction = Callable[[Change], Iterator[Attention]]
M = TypeVar("M", bound=BaseModel)


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


def _hit(
    code: str,
    change: Change,
    where: Location | None,
    /,
    *,
    illustrative: bool = False,
    **values: Any,
) -> Attention:
    rule_ = ATTENTION_RULES[code]
    filled = {"id": change.id, "kind": t(f"diff.noun.{change.kind}"), **values}
    return Attention(
        code,
        rule_.severity,
        change.kind,
        change.id,
        t(f"diff.att.{code}", **filled),
        where,
        illustrative,
        tuple(filled.items()),
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
    reason is written down (``catatan``, a ``progres`` entry). The status compared is the one
    ``spbe list`` and ``spbe progress`` show: the latest progress entry's, else the item's own
    (:func:`spbe_cli.status.current_status`), so a new entry ``status: dibatalkan`` counts.
    """
    from spbe_cli.status import current_status, latest_entry

    pair = _models(change, Rencana)
    if pair is None:
        return
    before, after = current_status(pair[0]), current_status(pair[1])
    if after in STOPPED and before != after:
        # The key that changed: the item's own status, else its latest progress entry.
        own = pair[1].status == after and pair[0].status != after
        latest = None if own else latest_entry(pair[1].progres, date.max)
        where = (
            _at(change.new, "status")
            if latest is None
            else _at(change.new, "progres", pair[1].progres.index(latest), "status")
        )
        yield _hit("SPBE702", change, where, old=before, new=after)


def _cut_percent(was: int, now: int) -> str:
    """The change from ``was`` to ``now`` in percent, to a tenth, as numbers are written.

    ``-33,3`` for 300 → 200 (it was ``-34``: whole-number floor division rounds a cut away from
    zero, so every cut that is not a whole percent read one point deeper than it is).
    """
    ratio = (Decimal(now - was) * 100 / Decimal(was)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
    return number(ratio)


@rule("SPBE703", WARN, RENCANA)
def budget_cut(change: Change) -> Iterator[Attention]:
    """The budget of a program or Peta Rencana item went down in some year.

    The yearly totals (all sources together) are compared; a year that disappears counts as a
    cut to zero. A cut usually means less can be delivered: check the targets follow.
    """
    pair = _models(change, Rencana)
    if pair is None:
        return
    before, after = (plan.amounts_by_year([model]) for model in pair)
    cuts, marked = [], False
    for year in sorted(before):
        was, now = before[year], after.get(year, plan.Amount())
        if now.total < was.total:
            percent = _cut_percent(was.total, now.total)
            old_text = rupiah_marked(was.total, was.is_illustrative)
            new_text = rupiah_marked(now.total, now.is_illustrative)
            marked = marked or was.is_illustrative or now.is_illustrative
            cuts.append(t("diff.cut", year=year, old=old_text, new=new_text, percent=percent))
    if cuts:
        yield _hit(
            "SPBE703",
            change,
            _at(change.new, "anggaran"),
            illustrative=marked,
            cuts="; ".join(cuts),
        )


@rule("SPBE704", WARN, RENCANA)
def target_lowered(change: Change) -> Iterator[Attention]:
    """An indicator target was lowered, dropped, or its indicator removed.

    "Lower" follows the indicator's ``arah``: for ``naik`` a smaller target is lower, for
    ``turun`` a larger one. Changing ``arah`` itself is flagged too, since it turns the meaning
    of every target around.
    """
    pair = _models(change, Rencana)
    if pair is None:
        return
    notes: list[str] = []
    for ind, other in indicator_pairs(pair[0].indikator, pair[1].indikator):
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
        yield _hit("SPBE704", change, _at(change.new, "indikator"), notes="; ".join(notes))


def indicator_pairs(old: list[Any], new: list[Any]) -> list[tuple[Any, Any]]:
    """Each old indicator with its new self: same name, else the renamed look-alike, else None.

    Renamed indicators are paired as the diff pairs list items (:func:`item_pairs`), so an
    indicator renamed is not "removed".
    """
    after = {ind.nama: ind for ind in new}
    before = {ind.nama for ind in old}
    gone = [ind for ind in old if ind.nama not in after]
    came = [ind for ind in new if ind.nama not in before]
    moved = {id(a): b for a, b in item_pairs(gone, came)}
    return [(ind, after.get(ind.nama) or moved.get(id(ind))) for ind in old]


@rule("SPBE705", WARN, RENCANA)
def end_postponed(change: Change) -> Iterator[Attention]:
    """The end year (``tahun_selesai``) of a program or Peta Rencana item moved later.

    A later end year stretches the plan, often past the RPJMD period, and moves its targets.
    """
    pair = _models(change, Rencana)
    if pair is None:
        return
    before, after = pair[0].tahun_selesai, pair[1].tahun_selesai
    if after > before:
        yield _hit("SPBE705", change, _at(change.new, "tahun_selesai"), old=before, new=after)


@rule("SPBE706", WARN, ("regulasi",))
def regulation_repealed(change: Change) -> Iterator[Attention]:
    """A regulation's status became ``dicabut`` (repealed).

    Programs, Peta Rencana items and architecture elements that name it as their basis lose that
    basis; ``spbe validate`` lists them, the reviewer decides what replaces it.
    """
    pair = _models(change, Regulasi)
    if pair is None:
        return
    old, new = pair
    if new.status == "dicabut" and old.status != "dicabut":
        by = new.dicabut_oleh
        yield _hit(
            "SPBE706",
            change,
            _at(change.new, "status"),
            old=old.status,
            by=t("diff.repealed_by", by=by) if by else "",
        )


@rule("SPBE707", WARN, ("aplikasi",))
def became_khusus(change: Change) -> Iterator[Attention]:
    """An application moved from ``umum`` to ``khusus``.

    An Aplikasi Khusus that does what an Aplikasi Umum does needs a cost-benefit study and the
    minister's consideration (Perpres 95/2018); check ``justifikasi_khusus``.
    """
    pair = _models(change, Aplikasi)
    if pair is None:
        return
    if pair[0].kategori == "umum" and pair[1].kategori == "khusus":
        yield _hit("SPBE707", change, _at(change.new, "kategori"))


@rule("SPBE708", WARN, ("program",))
def quick_win_lost(change: Change) -> Iterator[Attention]:
    """A quick win is no longer quick: its horizon changed, or it now runs past one year.

    Quick wins are the promises of the first year; a quick win that slips is a change of
    commitment the master plan should state.
    """
    pair = _models(change, Program)
    if pair is None:
        return
    before, after = pair
    if before.horizon != "quick_win":
        return
    if after.horizon != "quick_win":
        yield _hit(
            "SPBE708",
            change,
            _at(change.new, "horizon"),
            reason=t("diff.horizon_now", horizon=after.horizon),
            horizon=after.horizon,
            variant="horizon",
        )
        return
    was, now = len(plan.years(before)), len(plan.years(after))
    if now > max(was, 1):
        yield _hit(
            "SPBE708",
            change,
            _at(change.new, "tahun_selesai"),
            reason=t("diff.runs_years", years=now),
        )


@rule("SPBE709", INFO, tuple(k for k in ("opd", "regulasi", *ARSITEKTUR, *RENCANA, "kesiapan")))
def renamed_id(change: Change) -> Iterator[Attention]:
    """An entity got a new id (with the same content, or similar content and edits).

    A removed and an added entity are one renamed entity when they are of the same kind and
    owner (or the same name, handed to another OPD), with names and fields alike above the
    thresholds documented in docs/diff.md; its
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
        name = change.old.name or ""
        how = t("diff.how_removed")
        yield _hit("SPBE710", change, _at(change.old), how=how, name=name, variant="removed")
        return
    pair = _models(change, Elemen)
    if pair is None:
        return
    if in_use(pair[0]) and not in_use(pair[1]):
        status = pair[1].status
        how = t("diff.how_stopped")
        yield _hit(
            "SPBE710", change, _at(change.new, "status"), how=how, status=status, variant="stopped"
        )


@rule("SPBE711", WARN, tuple(k for k in MODELS if k not in ("metadata", "referensi")))
def id_reused(change: Change) -> Iterator[Attention]:
    """An id now names another entity than before.

    The entity that held the id on the old side was removed, renamed or shifted (programs
    renumbered after a deletion, two ids traded), and another entity, of whatever kind, holds
    it now; or the entity kept its id but its name changed beyond recognition (names less
    alike than the rename threshold), as when an id is given to a new program of the same
    shape. ``spbe validate`` cannot see it: every reference to the id left as it was is still
    valid, but now means the other entity. Check each of them (the output lists the
    references the change left as they were, with file and line); give a new entity its own id.
    """
    if change.new is None:
        return
    name = change.new.name or ""
    holder = change.replaces
    if holder is not None:
        how = t(
            "diff.how_reused",
            kind=t(f"diff.noun.{change.kind}"),
            name=name,
            old_kind=t(f"diff.noun.{holder.kind}"),
            old_name=holder.name or "",
        )
        yield _hit("SPBE711", change, _at(change.new, "id"), how=how, name=name)
        return
    if change.change is not ChangeType.CHANGED or change.old is None:
        return
    for field in change.fields:
        if (
            field.loc in (("nama",), ("judul",))
            and isinstance(field.old, str)
            and isinstance(field.new, str)
            and name_likeness(field.old, field.new) < NAME_THRESHOLD
        ):
            how = t("diff.how_renamed", old_name=field.old, name=field.new)
            yield _hit("SPBE711", change, _at(change.new, *field.loc), how=how, name=field.new)
            return


def _models(change: Change, model: type[M]) -> tuple[M, M] | None:
    """Old and new model of a changed (or renamed) entity when both are a ``model``, else None."""
    if change.change not in (ChangeType.CHANGED, ChangeType.RENAMED):
        return None
    if change.old is None or change.new is None:
        return None
    old, new = change.old.model, change.new.model
    if isinstance(old, model) and isinstance(new, model):
        return old, new
    return None


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
