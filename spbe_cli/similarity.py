"""Find items that look like the same thing, without comparing every pair.

Items are grouped by a key (a reference code, a smart city element); inside a group,
:func:`pair_with_earlier` pairs each item with one earlier look-alike of another owner through a
prefix-filtered similarity join (the rarest words of each item index the candidates), so the work
follows the number of items and the rarity of their words, not the square of the number of items,
even when hundreds of items look alike.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain

#: ASCII bytes to words and spaces: letters lower-cased, digits kept, everything else a space,
#: so that splitting gives the runs of ``[a-z0-9]+`` (a bytes table runs in C, per byte).
_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256)
)
#: The words of one character, never kept.
_ONE_CHARACTER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@cache
def stopwords(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Words too common to distinguish names (reference data plus ``extra``)."""
    from spbe_cli.reference import load_reference

    words = load_reference().raw["kata-umum.yaml"]["kata"]
    return frozenset(str(w).lower() for w in words) | frozenset(extra)


def tokens(text: str | None, stop: frozenset[str]) -> frozenset[str]:
    """Lower-case ASCII words of ``text``, minus the stop words.

    Not remembered: a run asks once per name, and a national catalog's word sets kept for the
    whole run cost validate tens of MiB at its peak.
    """
    if not text:
        return frozenset()
    if text.isascii():
        data = text.encode("ascii")  # ASCII is its own NFKD form and loses nothing to it
    else:
        data = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return frozenset(data.translate(_FOLD).decode("ascii").split()) - stop - _ONE_CHARACTER


@dataclass(frozen=True)
class Item:
    """Something that may have a twin: its id, group key, owner and words."""

    key: str
    group: str
    owner: str
    name: frozenset[str]
    function: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pair:
    """Two items of different owners that look alike, with the evidence."""

    first: Item
    second: Item
    name_score: float
    function_score: float


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Size of the intersection over the size of the union (0 when either is empty)."""
    return overlap(a, b)[1]


_NONE: frozenset[str] = frozenset()


def overlap(a: frozenset[str], b: frozenset[str]) -> tuple[frozenset[str], float]:
    """The words ``a`` and ``b`` share and their :func:`jaccard` similarity, from one intersection.

    For a caller that shows the shared words as well as the score (``spbe sync``'s evidence).
    """
    if not a or not b:
        return _NONE, 0.0
    shared = a & b
    inter = len(shared)
    return shared, inter / (len(a) + len(b) - inter)


def similar_pairs(items: Iterable[Item], threshold: float) -> list[Pair]:
    """Pairs in the same group, of different owners, whose names or functions are similar."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    result: list[Pair] = []
    for group_key in sorted(groups):
        members = sorted(groups[group_key], key=lambda i: i.key)
        result.extend(_pairs_in_group(members, threshold))
    return result


#: At most this many earlier sets are compared with one set (see :func:`pair_with_earlier`).
MAX_PROBES = 32


def pair_with_earlier(
    sets: Sequence[frozenset[str]],
    threshold: float,
    owners: Sequence[str] | None = None,
    max_probes: int = MAX_PROBES,
) -> list[tuple[int, int]]:
    """Pair sets with an earlier similar set of another owner: ``(earlier, later)`` index pairs.

    Sets are taken smallest first. Each is compared only with earlier sets that share one of
    the rarest words of its *prefix* (``|x| - ceil(t * |x|) + 1`` words: two sets with Jaccard
    >= t always share one, so no similar pair escapes the filter) and whose size is at least
    ``t * |x|``. The first earlier set that is similar (Jaccard >= threshold) and belongs to
    another owner becomes its pair, and a set so paired is not offered to later sets: a cluster
    of n look-alikes costs n comparisons and yields n - 1 pairs, not n * (n - 1) / 2.

    Each set is compared with at most ``max_probes`` earlier sets, the most recent first, so
    the work stays linear even when every name is made of the same few words.

    Guarantee: for any two similar sets of different owners, at least one of them is in a pair,
    as long as no word of a set's prefix is shared by more than ``max_probes`` earlier unpaired
    sets (past that, the most recent candidates are the ones compared).

    Where the time goes (national bench catalog, 27,000 applications): most sets find no twin
    and spend their whole budget, so most of the time is the comparisons and the loop around
    them. A comparison is one AND of two integers: each set is also a bit mask (a bit per word
    that two sets or more hold, the commonest words the lowest bits, so masks stay short), the
    bits both masks hold are the shared words, and :func:`least_shared` turns the Jaccard bound
    into a least number of them for each size of the other set. That is the same test as the
    division of :func:`jaccard` (a property test holds them equal), at about a third of the cost
    of a frozenset intersection. Ways of choosing the same candidates more cheaply (the
    intersections batched through ``map``, the mask tests of a whole budget batched through
    ``map`` and ``compress``, a bit signature per set to rule out a whole budget at once, an
    index on pairs of words or on the positions of the words two sets share) gave the same
    pairs in the same time or more (twice the time for the batched mask tests: most sets have
    few candidates): which sets are compared is what decides the pairs. What did pay: each
    indexed set kept as one tuple (position, size, mask, owner), read by one unpacking.
    """
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    frequency = Counter(chain.from_iterable(sets))
    # Rarest first, ties by the word: one rank per word instead of a key tuple per comparison.
    by_rarity = sorted(frequency)
    by_rarity.sort(key=frequency.__getitem__)
    rank = {word: n for n, word in enumerate(by_rarity)}
    rank_of = rank.__getitem__
    # A word only one set holds is never shared: no bit. The others, commonest first.
    bit = dict.fromkeys(by_rarity, 0)
    held = [word for word in reversed(by_rarity) if frequency[word] > 1]
    bit.update(zip(held, map((1).__lshift__, range(len(held))), strict=True))
    bit_of = bit.__getitem__
    masks = [sum(map(bit_of, words)) for words in sets]
    sizes = [len(words) for words in sets]
    largest = max(sizes, default=0)
    order = [i for i in sorted(range(len(sets)), key=sizes.__getitem__) if sizes[i]]
    # Without owners every set is its own owner: no two are ever of the same one.
    owner_of: Sequence[object] = owners if owners is not None else range(len(sets))
    # Per size of a set: the least shared words for each size of the other set, the least
    # size of the other set, the length of the prefix.
    per_size: dict[int, tuple[tuple[int, ...], float, int]] = {}
    # Each indexed set as the loop reads it: (position, size, mask, owner).
    index: dict[int, list[tuple[int, int, int, object]]] = {}
    get = index.get
    pairs: list[tuple[int, int]] = []
    for i in order:
        size = sizes[i]
        owner = owner_of[i]
        mask = masks[i]
        bounds = per_size.get(size)
        if bounds is None:
            bounds = per_size[size] = (
                least_shared(threshold, size, largest),
                threshold * size - 1e-9,
                size - math.ceil(threshold * size - 1e-9) + 1,
            )
        need, smallest, prefix_length = bounds
        # The ranks of the rarest words (a rank stands for its word in the index).
        prefix = sorted(map(rank_of, sets[i]))[:prefix_length]
        seen: set[int] = set()
        budget = max_probes
        match = None
        for word in prefix:
            for j, other_size, other_mask, other_owner in reversed(get(word, ())):
                if other_size < smallest:
                    break  # sets are indexed smallest first: every older one is smaller still
                if j in seen:
                    continue
                seen.add(j)
                # jaccard(words, sets[j]) >= threshold, as shared words counted in the masks.
                if other_owner != owner and (mask & other_mask).bit_count() >= need[other_size]:
                    match = j
                    break
                budget -= 1
                if budget <= 0:
                    break
            if match is not None or budget <= 0:
                break
        if match is not None:
            pairs.append((match, i))
            continue
        entry = (i, size, mask, owner)
        for word in prefix:
            if word in index:
                index[word].append(entry)
            else:
                index[word] = [entry]
    return pairs


@lru_cache(maxsize=1024)
def least_shared(threshold: float, size: int, largest: int) -> tuple[int, ...]:
    """The least number of shared words that makes a set of ``size`` words similar to another.

    One bound per size of the other set, up to ``largest`` (index 0 unused), ``largest + 1``
    where no count does. "Similar" is :func:`jaccard` >= ``threshold``, the very division:
    ``shared / (size + other - shared)`` only grows with ``shared`` (and a float division keeps
    that order), so counting shared words against this bound gives the same answer as dividing,
    for every pair.
    """
    never = largest + 1
    bounds = [never]  # no set is empty in a join
    bounds.extend(
        next(
            (n for n in range(1, min(size, other) + 1) if n / (size + other - n) >= threshold),
            never,
        )
        for other in range(1, largest + 1)
    )
    return tuple(bounds)


def _pairs_in_group(members: Sequence[Item], threshold: float) -> list[Pair]:
    owners = [m.owner for m in members]
    candidates = set(pair_with_earlier([m.name for m in members], threshold, owners))
    candidates.update(pair_with_earlier([m.function for m in members], threshold, owners))
    pairs: list[Pair] = []
    for a, b in sorted(candidates):
        first, second = members[min(a, b)], members[max(a, b)]
        pairs.append(
            Pair(
                first,
                second,
                jaccard(first.name, second.name),
                jaccard(first.function, second.function),
            )
        )
    return pairs


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The "did you mean X?" hint for ``word`` (see :func:`closest`), or None without one."""
    from spbe_cli.i18n import t

    close = closest(word, candidates)
    return t("hint.did_you_mean", name=close) if close else None


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a person most likely meant by ``word``, for a "did you mean" hint.

    The same word in another case first (``OPD`` for ``opd``, ``Diskominfo`` for
    ``DISKOMINFO``), then the one candidate the word begins (``prg-adminduk`` for
    ``PRG-ADMINDUK-DISTRIK``: difflib offered ``PRG-BRANDING-MRK``, of a length closer to the
    word's), then the closest spelling with case ignored: difflib alone finds nothing between
    ``DINAS`` and ``dinas``.
    """
    import difflib

    folded = word.casefold()
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        if candidate.casefold() == folded:
            return candidate
        by_fold.setdefault(candidate.casefold(), candidate)
    begun = [fold for fold in by_fold if fold.startswith(folded)] if len(folded) >= 3 else []
    if len(begun) == 1:
        return by_fold[begun[0]]
    close = difflib.get_close_matches(folded, list(by_fold), n=1)
    return by_fold[close[0]] if close else None
