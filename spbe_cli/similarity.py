"""Find items that look like the same thing, without comparing every pair.

Items are grouped by a key (a reference code, a smart city element); inside a group an inverted
index from word to items proposes candidate pairs, and only words shared by at most ``max_df``
items propose pairs at all, so the work grows with the number of items, not its square.
"""

from __future__ import annotations

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


def similar_pairs(items: Iterable[Item], threshold: float, max_df: int = 48) -> list[Pair]:
    """Pairs in the same group, of different owners, whose names or functions are similar."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    result: list[Pair] = []
    for group_key in sorted(groups):
        members = sorted(groups[group_key], key=lambda i: i.key)
        result.extend(_pairs_in_group(members, threshold, max_df))
    return result


def candidate_pairs(words: Sequence[Iterable[str]], max_df: int = 48) -> list[tuple[int, int]]:
    """Index pairs ``(a, b)``, ``a < b``, of word sets sharing a word used at most ``max_df`` times.

    A word shared by more than ``max_df`` sets proposes no pair, so the number of candidates is
    at most the number of distinct words times ``max_df`` squared: linear in the input size.
    """
    index: dict[str, list[int]] = {}
    for position, item_words in enumerate(words):
        for word in item_words:
            index.setdefault(word, []).append(position)
    candidates: set[tuple[int, int]] = set()
    for positions in index.values():
        if len(positions) < 2 or len(positions) > max_df:
            continue
        for a_pos, a in enumerate(positions):
            for b in positions[a_pos + 1 :]:
                candidates.add((a, b))
    return sorted(candidates)


def _pairs_in_group(members: Sequence[Item], threshold: float, max_df: int) -> list[Pair]:
    candidates = candidate_pairs([item.name | item.function for item in members], max_df)
    pairs: list[Pair] = []
    for a, b in candidates:
        first, second = members[a], members[b]
        if first.owner == second.owner:
            continue
        name_score = jaccard(first.name, second.name)
        function_score = jaccard(first.function, second.function)
        if name_score >= threshold or function_score >= threshold:
            pairs.append(Pair(first, second, name_score, function_score))
    return pairs
