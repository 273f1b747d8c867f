"""Find items that look like the same thing, without comparing every pair.

Items are grouped by a key (a reference code, a smart city element); inside a group,
:func:`jaccard_join` finds every pair whose word sets are similar enough with an exact
prefix-filtered similarity join, so the work follows the number of similar pairs and the rarity
of words rather than the square of the number of items.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

_WORD = re.compile(r"[a-z0-9]+")


@cache
def stopwords(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Words too common to distinguish names (reference data plus ``extra``)."""
    from spbe_cli.reference import load_reference

    words = load_reference().raw["kata-umum.yaml"]["kata"]
    return frozenset(str(w).lower() for w in words) | frozenset(extra)


def tokens(text: str | None, stop: frozenset[str]) -> frozenset[str]:
    """Lower-case ASCII words of ``text``, minus the stop words."""
    if not text:
        return frozenset()
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return frozenset(w for w in _WORD.findall(folded) if w not in stop and len(w) > 1)


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
    """Size of the intersection over the size of the union (0 when both are empty)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


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


def jaccard_join(sets: Sequence[frozenset[str]], threshold: float) -> set[tuple[int, int]]:
    """Every index pair ``(a, b)``, ``a < b``, whose sets have Jaccard similarity >= threshold.

    Exact, without comparing every pair: the "all-pairs" similarity join with prefix and length
    filtering. Words are ordered rarest first; two sets with Jaccard >= t share a word among the
    first ``|x| - ceil(t * |x|) + 1`` words of each, so only those prefixes are indexed, and a
    set is only compared with sets whose size ``|y|`` lies in ``[t * |x|, |x| / t]``. Candidates
    are verified, so the result holds exactly the similar pairs.
    """
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    frequency: dict[str, int] = {}
    for words in sets:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    order = sorted((i for i, words in enumerate(sets) if words), key=lambda i: (len(sets[i]), i))
    index: dict[str, list[int]] = {}
    found: set[tuple[int, int]] = set()
    for i in order:
        words = sets[i]
        size = len(words)
        ranked = sorted(words, key=lambda w: (frequency[w], w))
        prefix = size - math.ceil(threshold * size - 1e-9) + 1
        smallest = threshold * size - 1e-9
        seen: set[int] = set()
        for word in ranked[:prefix]:
            postings = index.setdefault(word, [])
            for j in postings:
                if j in seen or len(sets[j]) < smallest:
                    continue
                seen.add(j)
                if jaccard(words, sets[j]) >= threshold:
                    found.add((j, i) if j < i else (i, j))
            postings.append(i)
    return found


def _pairs_in_group(members: Sequence[Item], threshold: float) -> list[Pair]:
    candidates = jaccard_join([m.name for m in members], threshold)
    candidates |= jaccard_join([m.function for m in members], threshold)
    pairs: list[Pair] = []
    for a, b in sorted(candidates):
        first, second = members[a], members[b]
        if first.owner == second.owner:
            continue
        pairs.append(
            Pair(
                first,
                second,
                jaccard(first.name, second.name),
                jaccard(first.function, second.function),
            )
        )
    return pairs
