"""Cross-OPD synchronisation: applications and programs of different OPDs that look alike."""

from __future__ import annotations

from typing import Any

from spbe_cli.checks import Context
from spbe_cli.errors import Related
from spbe_cli.i18n import t
from spbe_cli.similarity import Item, Pair, similar_pairs, stopwords, tokens


def _stop(ctx: Context) -> frozenset[str]:
    meta = ctx.catalog.metadata
    extra: tuple[str, ...] = ()
    if meta is not None:
        extra = tuple(tokens(meta.pemda.nama, frozenset()))
    return stopwords(extra)


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


def check_duplicates(ctx: Context) -> None:
    """SPBE409/SPBE610: possible duplicates across OPDs, reported with both locations."""
    catalog = ctx.catalog
    meta = catalog.metadata
    threshold = meta.pengaturan.kemiripan_minimum if meta is not None else 0.6
    stop = _stop(ctx)
    for kind, code in RULES.items():
        for pair in similar_pairs(compared_items(catalog, kind, stop), threshold):
            _report(ctx, code, pair)


def _report(ctx: Context, code: str, pair: Pair) -> None:
    from spbe_cli.sync import shown_owner

    catalog = ctx.catalog
    first, second = pair.first, pair.second
    owner, other_owner = shown_owner(second.owner), shown_owner(first.owner)
    score = max(pair.name_score, pair.function_score)
    basis = "dup.name" if pair.name_score >= pair.function_score else "dup.function"
    ctx.emit(
        code,
        catalog.where(second.key, "id"),
        "dup.message",
        related=(
            Related(
                catalog.where(first.key, "id"), t("dup.other", id=first.key, owner=other_owner)
            ),
        ),
        id=second.key,
        owner=owner,
        other=first.key,
        other_owner=other_owner,
        group=second.group,
        basis=t(basis),
        score=round(score * 100),
    )
