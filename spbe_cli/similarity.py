"""Find items that look like the same thing, without comparing every pair.

Items are grouped by a key (a reference code, a smart city element); inside a group,
:func:`join` pairs each item with one earlier look-alike of another owner through a
prefix-filtered similarity join (the rarest words of each item index the candidates), so the work
follows the number of items and the rarity of their words, not the square of the number of items,
even when hundreds of items look alike.
"""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from operator import itemgetter

#: ASCII bytes to words and spaces: letters lower-cased, digits kept, everything else a space,
#: so that splitting gives the runs of ``[a-z0-9]+`` (a bytes table runs in C, per byte).
_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256)
)
#: What parts the texts :func:`tokens_of` folds in one pass (no word holds it).
_APART = "\0"
#: :data:`_FOLD` that keeps :data:`_APART`.
_FOLD_APART = _FOLD[: ord(_APART)] + _APART.encode() + _FOLD[ord(_APART) + 1 :]
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


def tokens_of(texts: Sequence[str | None], stop: frozenset[str]) -> list[frozenset[str]]:
    """:func:`tokens` of each of ``texts``, the texts folded to ASCII words in one pass.

    For a caller with thousands of texts (a followed edit's look-alike groups): one NFKD, one
    encoding and one byte table over all of them, parted again at :data:`_APART`, costs about a
    fifth less than folding each text (national catalog, 58,552 texts: 0.15 s CPU against
    0.20 s); the sets are :func:`tokens`'s. NFKD of the texts joined is the texts' NFKD joined:
    it decomposes character by character and reorders only runs of combining marks, which the
    separator ends. A text that holds the separator, or decomposes into it, parts them wrongly:
    then each text is folded alone.
    """
    joined = _APART.join([text or "" for text in texts])
    if joined.isascii():
        data = joined.encode("ascii")
    else:
        data = unicodedata.normalize("NFKD", joined).encode("ascii", "ignore")
    parts = data.translate(_FOLD_APART).decode("ascii").split(_APART)
    if len(parts) != len(texts):
        return [tokens(text, stop) for text in texts]
    dropped = stop | _ONE_CHARACTER
    return [frozenset(part.split()).difference(dropped) for part in parts]


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
    """Pairs in the same group, of different owners, whose names or functions are similar.

    The groups in order of their key, each group's items in order of theirs; the words of all
    the items are coded once (:func:`word_sets`), and each group is joined on its members.
    """
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    ordered: list[Item] = []
    spans: list[range] = []
    for group_key in sorted(groups):
        start = len(ordered)
        ordered.extend(sorted(groups[group_key], key=lambda i: i.key))
        spans.append(range(start, len(ordered)))
    names = word_sets([m.name for m in ordered])
    functions = word_sets([m.function for m in ordered])
    owners = [m.owner for m in ordered]
    result: list[Pair] = []
    for members in spans:
        candidates = set(join(names, members, threshold, owners))
        candidates.update(join(functions, members, threshold, owners))
        for a, b in sorted(candidates):
            first, second = ordered[min(a, b)], ordered[max(a, b)]
            result.append(
                Pair(
                    first,
                    second,
                    jaccard(first.name, second.name),
                    jaccard(first.function, second.function),
                )
            )
    return result


#: At most this many earlier sets are compared with one set (see :func:`join`).
MAX_PROBES = 32


def pair_with_earlier(
    sets: Sequence[frozenset[str]],
    threshold: float,
    owners: Sequence[object] | None = None,
    max_probes: int = MAX_PROBES,
) -> list[tuple[int, int]]:
    """Pair sets with an earlier similar set of another owner: ``(earlier, later)`` index pairs.

    :func:`join` of all the sets (see there); without ``owners`` every set is its own owner.
    """
    return join(word_sets(sets), range(len(sets)), threshold, owners, max_probes)


@dataclass(frozen=True)
class WordSets:
    """Word sets coded once for any number of :func:`join` calls on any of their subsets.

    A caller that joins the same items several times (``spbe sync``: the whole kind, then the
    items of each reference code; validate's SPBE409: each group) codes them once.
    """

    words: list[tuple[int, ...]]
    """Each set's words as numbers, a word's number its place among all the words in order."""
    masks: list[int]
    """Each set as a bit mask: a bit per word that two sets or more hold (the commonest words
    the lowest bits, so masks stay short); a word one set alone holds is never shared: no bit."""
    sizes: list[int]
    """The number of words of each set."""
    largest: int
    """The largest size (0 without sets)."""


def word_sets(sets: Sequence[frozenset[str]]) -> WordSets:
    """The words of ``sets`` coded for :func:`join`."""
    vocabulary = sorted(set().union(*sets))
    number = dict(zip(vocabulary, range(len(vocabulary)), strict=True)).__getitem__
    words = [tuple(map(number, words)) for words in sets]
    frequency = Counter(chain.from_iterable(words))
    bit = [0] * len(vocabulary)
    # Commonest first, ties by the word: the order of the bits does not change a count.
    held = sorted((w for w, n in frequency.items() if n > 1), key=lambda w: (-frequency[w], w))
    for position, word in enumerate(held):
        bit[word] = 1 << position
    masks = [sum(map(bit.__getitem__, numbers)) for numbers in words]
    sizes = [len(numbers) for numbers in words]
    return WordSets(words, masks, sizes, max(sizes, default=0))


def join(
    coded: WordSets,
    members: Sequence[int],
    threshold: float,
    owners: Sequence[object] | None = None,
    max_probes: int = MAX_PROBES,
) -> list[tuple[int, int]]:
    """Pair each of ``members`` with an earlier similar set of another owner: ``(earlier, later)``.

    ``members`` are positions in ``coded``, as are the pairs and the places in ``owners``.

    Sets are taken smallest first (members of one size in their order in ``members``). Each is
    compared only with earlier sets that share one of the rarest words (among the members) of
    its *prefix* (``|x| - ceil(t * |x|) + 1`` words: two sets with Jaccard >= t always share one,
    so no similar pair escapes the filter) and whose size is at least ``t * |x|``. The first
    earlier set that is similar (Jaccard >= threshold) and belongs to another owner becomes its
    pair, and a set so paired is not offered to later sets: a cluster of n look-alikes costs n
    comparisons and yields n - 1 pairs, not n * (n - 1) / 2.

    Each set is compared with at most ``max_probes`` earlier sets, the most recent first, so
    the work stays linear even when every name is made of the same few words.

    Guarantee: for any two similar sets of different owners, at least one of them is in a pair,
    as long as no word of a set's prefix is shared by more than ``max_probes`` earlier unpaired
    sets (past that, the most recent candidates are the ones compared).

    Where the time goes (national bench catalog, 27,000 applications): most sets find no twin
    and spend their whole budget on the candidates of their rarest word, so most of the time is
    the comparisons and the loop around them. A comparison is one AND of two integers: the bits
    both masks hold (:class:`WordSets`) are the shared words, and :func:`least_shared` turns the
    Jaccard bound into a least number of them for each size of the other set. That is the same
    test as the division of :func:`jaccard` (a property test holds them equal), at about a third
    of the cost of a frozenset intersection. Ways of choosing the same candidates more cheaply
    (the intersections batched through ``map``, the mask tests of a whole budget batched through
    ``map`` and ``compress``, a bit signature per set to rule out a whole budget at once, an
    index on pairs of words or on the positions of the words two sets share) gave the same
    pairs in the same time or more (twice the time for the batched mask tests: most sets have
    few candidates): which sets are compared is what decides the pairs. What did pay: each
    indexed set kept as one tuple (position, size, mask, owner), read by one unpacking; the
    candidates of the first word a set looks up taken as one slice of the budget's length (no
    set of those already compared: a word lists a set once); the words coded as numbers and
    the masks made once for all the joins on the same items (:func:`word_sets`).
    """
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    words, masks, sizes, largest = coded.words, coded.masks, coded.sizes, coded.largest
    frequency = Counter(chain.from_iterable(map(words.__getitem__, members)))
    # Rarest first, ties by the word (numbers are in the words' order): one rank per word.
    by_rarity = sorted(frequency)
    by_rarity.sort(key=frequency.__getitem__)
    rank_of = dict(zip(by_rarity, range(len(by_rarity)), strict=True)).__getitem__
    order = [i for i in sorted(members, key=sizes.__getitem__) if sizes[i]]
    # Without owners every set is its own owner: no two are ever of the same one.
    owner_of: Sequence[object] = owners if owners is not None else range(len(sizes))
    # Per size of a set: the least shared words for each size of the other set, the least
    # size of the other set, the length of the prefix.
    per_size: dict[int, tuple[tuple[int, ...], int, int]] = {}
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
            # An integer size is below t * size exactly when it is below the ceiling.
            at_least = math.ceil(threshold * size - 1e-9)
            bounds = per_size[size] = (
                least_shared(threshold, size, largest),
                at_least,
                size - at_least + 1,
            )
        need, smallest, prefix_length = bounds
        # The ranks of the rarest words (a rank stands for its word in the index).
        prefix = sorted(map(rank_of, words[i]))[:prefix_length]
        seen: set[int] | None = None  # the sets compared, once a second word is looked up
        budget = max_probes
        match = None
        for word in prefix:
            entries = get(word)
            if entries is None:
                if budget <= 0:
                    break  # (a budget of 0 or less: the first word only)
                continue
            if seen is None:
                # The first word with candidates: the most recent ones, one comparison each
                # (at least one), the larger ones only (sets are indexed smallest first).
                window = entries[-budget:] if budget > 0 else entries[-1:]
                if window[0][1] < smallest:
                    window = window[bisect_left(window, smallest, key=_SIZE) :]
                for j, other_size, other_mask, other_owner in reversed(window):
                    # jaccard(words, sets[j]) >= threshold, as shared words counted in the masks.
                    if other_owner != owner and (mask & other_mask).bit_count() >= need[other_size]:
                        match = j
                        break
                if match is not None:
                    break
                budget -= len(window)
                if budget <= 0:
                    break
                seen = {entry[0] for entry in window}
                continue
            for j, other_size, other_mask, other_owner in reversed(entries):
                if other_size < smallest:
                    break  # sets are indexed smallest first: every older one is smaller still
                if j in seen:
                    continue
                seen.add(j)
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


_SIZE = itemgetter(1)


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
