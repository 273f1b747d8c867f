"""Cross-OPD synchronisation: applications and programs of different OPDs that look alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spbe_cli.checks import Context
from spbe_cli.errors import Location, Related
from spbe_cli.i18n import t
from spbe_cli.similarity import Item, Pair, similar_pairs, stopwords, tokens

#: The rule of each kind compared: applications (grouped by RAA code) and programs (by dimension
#: and element).
RULES = {"aplikasi": "SPBE409", "program": "SPBE610"}


def compared_items(catalog: Any, kind: str, stop: frozenset[str]) -> list[Item]:
    """The applications or programs of the Pemda compared across OPDs, as similarity items.

    The very items ``spbe sync`` compares, with the same words, built by its one home
    (:func:`spbe_cli.sync.candidates`): applications in use, by ``fungsi`` or ``uraian`` when it
    is empty, one without ``pemilik`` owned by "" (the Pemda as a whole, paired with any OPD's);
    programs not cancelled, in the file or by the latest progress entry.
    """
    from spbe_cli.sync import candidates

    return [
        Item(c.id, c.code, c.owner, c.name, c.function) for c in candidates(catalog, kind, stop)
    ]


def settings(catalog: Any) -> tuple[float, frozenset[str]]:
    """The least similarity and the stop words of a catalog's comparison (from its metadata)."""
    meta = catalog.metadata
    threshold = meta.pengaturan.kemiripan_minimum if meta is not None else 0.6
    extra: tuple[str, ...] = ()
    if meta is not None:
        extra = tuple(tokens(meta.pemda.nama, frozenset()))
    return threshold, stopwords(extra)


def check_duplicates(ctx: Context) -> None:
    """SPBE409/SPBE610: possible duplicates across OPDs, reported with both locations."""
    catalog = ctx.catalog
    threshold, stop = settings(catalog)
    for kind, code in RULES.items():
        report_pairs(
            ctx,
            code,
            compared_items(catalog, kind, stop),
            threshold,
            lambda entity_id: catalog.where(entity_id, "id"),
        )


def report_pairs(
    ctx: Context,
    code: str,
    items: list[Item],
    threshold: float,
    where: Callable[[str], Location],
) -> None:
    """Report the look-alike pairs of ``items`` (one kind) under ``code``, groups in order.

    ``where(id)``: the location of an item's id, for the finding and its related location (a
    followed edit gives it from the facts kept of each item, :mod:`spbe_cli.incremental_rules`).
    """
    for pair in similar_pairs(items, threshold):
        _report(ctx, code, pair, where)


def _report(ctx: Context, code: str, pair: Pair, where: Callable[[str], Location]) -> None:
    from spbe_cli.sync import shown_owner

    first, second = pair.first, pair.second
    owner, other_owner = shown_owner(second.owner), shown_owner(first.owner)
    score = max(pair.name_score, pair.function_score)
    basis = "dup.name" if pair.name_score >= pair.function_score else "dup.function"
    ctx.emit(
        code,
        where(second.key),
        "dup.message",
        related=(Related(where(first.key), t("dup.other", id=first.key, owner=other_owner)),),
        id=second.key,
        owner=owner,
        other=first.key,
        other_owner=other_owner,
        group=second.group,
        basis=t(basis),
        score=round(score * 100),
    )
