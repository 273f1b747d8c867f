"""The similarity join against its plain statement: same pairs, comparison by comparison.

:func:`spbe_cli.similarity.pair_with_earlier` is written for speed (the Jaccard division in the
loop, the ranks and the order built in C). Which sets it compares decides which pairs it finds,
so it must compare exactly the sets its docstring says, in that order: ``_plain`` below is that
statement, one comparison at a time with :func:`~spbe_cli.similarity.jaccard`.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from spbe_cli.similarity import (
    Item,
    Pair,
    jaccard,
    join,
    least_shared,
    overlap,
    pair_with_earlier,
    similar_pairs,
    tokens,
    tokens_of,
    word_sets,
)


def _plain(
    sets: Sequence[frozenset[str]],
    threshold: float,
    owners: Sequence[str] | None,
    max_probes: int,
) -> list[tuple[int, int]]:
    frequency: dict[str, int] = {}
    for words in sets:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    rank = {word: n for n, word in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))}
    sizes = [len(words) for words in sets]
    order = sorted((i for i, size in enumerate(sizes) if size), key=lambda i: (sizes[i], i))
    index: dict[str, list[int]] = {}
    pairs: list[tuple[int, int]] = []
    for i in order:
        words, size = sets[i], sizes[i]
        ranked = sorted(words, key=rank.__getitem__)
        prefix = ranked[: size - math.ceil(threshold * size - 1e-9) + 1]
        smallest = threshold * size - 1e-9
        seen: set[int] = set()
        budget, match = max_probes, None
        for word in prefix:
            for j in reversed(index.get(word, [])):
                if sizes[j] < smallest:
                    break
                if j in seen:
                    continue
                seen.add(j)
                other = owners is None or owners[j] != owners[i]
                if other and jaccard(words, sets[j]) >= threshold:
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
        for word in prefix:
            index.setdefault(word, []).append(i)
    return pairs


THRESHOLDS = [0.05, 0.2, 0.3, 0.5, 0.6, 0.75, 0.9, 1.0]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.frozensets(st.sampled_from([f"w{i}" for i in range(10)]), max_size=7),
            st.sampled_from(["A", "B", "C"]),
        ),
        max_size=60,
    ),
    st.sampled_from(THRESHOLDS),
    st.sampled_from([-1, 0, 1, 2, 3, 5, 32]),
    st.booleans(),
)
def test_the_join_pairs_as_its_plain_statement(
    named: list[tuple[frozenset[str], str]], threshold: float, max_probes: int, owned: bool
) -> None:
    sets = [words for words, _ in named]
    owners = [owner for _, owner in named] if owned else None
    expected = _plain(sets, threshold, owners, max_probes)
    assert pair_with_earlier(sets, threshold, owners, max_probes) == expected


def test_the_join_pairs_as_its_plain_statement_when_the_budget_binds() -> None:
    # Hundreds of sets over a few words: long candidate lists, the budget spent, many twins.
    rng = random.Random(16)
    for _ in range(30):
        vocabulary = [f"w{i}" for i in range(rng.randint(4, 40))]
        sets = [
            frozenset(rng.sample(vocabulary, rng.randint(0, min(9, len(vocabulary)))))
            for _ in range(rng.randint(100, 600))
        ]
        owners = [f"opd{rng.randint(1, 6)}" for _ in sets]
        threshold = rng.choice(THRESHOLDS)
        max_probes = rng.choice([1, 4, 32])
        expected = _plain(sets, threshold, owners, max_probes)
        assert pair_with_earlier(sets, threshold, owners, max_probes) == expected


WORDS = st.frozensets(st.sampled_from([f"w{i}" for i in range(10)]), max_size=7)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(WORDS, st.sampled_from(["A", "B", "C"]), st.booleans()), max_size=60),
    st.sampled_from(THRESHOLDS),
    st.sampled_from([-1, 0, 1, 2, 3, 5, 32]),
)
def test_a_join_on_some_of_the_sets_pairs_as_the_plain_statement_on_those_alone(
    named: list[tuple[frozenset[str], str, bool]], threshold: float, max_probes: int
) -> None:
    # The words are coded and the masks made once for all the sets (spbe sync: a whole kind);
    # a join on some of them (the items of one code) pairs as if they were all there is: a
    # word's rarity counted among them, positions in the whole.
    sets = [words for words, _, _ in named]
    owners = [owner for _, owner, _ in named]
    members = [i for i, (_, _, kept) in enumerate(named) if kept]
    alone = _plain([sets[m] for m in members], threshold, [owners[m] for m in members], max_probes)
    found = join(word_sets(sets), members, threshold, owners, max_probes)
    assert found == [(members[a], members[b]) for a, b in alone]


def _similar_pairs_one_group_at_a_time(items: list[Item], threshold: float) -> list[Pair]:
    """similar_pairs as first written: each group's names and functions joined on their own."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    result = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda i: i.key)
        owners = [m.owner for m in members]
        found = set(pair_with_earlier([m.name for m in members], threshold, owners))
        found.update(pair_with_earlier([m.function for m in members], threshold, owners))
        for a, b in sorted(found):
            first, second = members[min(a, b)], members[max(a, b)]
            result.append(
                Pair(
                    first,
                    second,
                    jaccard(first.name, second.name),
                    jaccard(first.function, second.function),
                )
            )
    return result


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            Item,
            st.from_regex(r"APL-[0-9]{1,3}", fullmatch=True),
            st.sampled_from(["RAA.1", "RAA.2", "RAA.3"]),
            st.sampled_from(["", "OPD-A", "OPD-B", "OPD-C"]),
            WORDS,
            WORDS,
        ),
        max_size=60,
    ),
    st.sampled_from(THRESHOLDS),
)
def test_similar_pairs_of_all_groups_at_once_are_those_of_each_group_alone(
    items: list[Item], threshold: float
) -> None:
    # SPBE409/SPBE610: the words of every group coded once, each group joined on its members.
    assert similar_pairs(items, threshold) == _similar_pairs_one_group_at_a_time(items, threshold)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            # A few common words and many a set holds alone (never shared: no bit in the masks).
            st.frozensets(
                st.sampled_from(["jalan", "desa", "data"])
                | st.from_regex(r"u[0-9]{1,3}", fullmatch=True),
                max_size=9,
            ),
            st.sampled_from(["A", "B"]),
        ),
        max_size=80,
    ),
    st.floats(min_value=0.01, max_value=1.0, allow_nan=False),
    st.sampled_from([1, 2, 32]),
)
def test_the_join_pairs_as_its_plain_statement_at_any_threshold(
    named: list[tuple[frozenset[str], str]], threshold: float, max_probes: int
) -> None:
    # Thresholds off the round values too (1/3, 0.7000000000000001...): the least count of
    # shared words must give the division's answer at each of them.
    sets = [words for words, _ in named]
    owners = [owner for _, owner in named]
    assert pair_with_earlier(sets, threshold, owners, max_probes) == _plain(
        sets, threshold, owners, max_probes
    )


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)
    | st.sampled_from([*THRESHOLDS, 1 / 3, 2 / 3, 0.7, 0.45, 0.55, 0.6 / 2, 0.35]),
    st.integers(min_value=1, max_value=40),
)
def test_the_least_shared_count_is_the_division(threshold: float, size: int) -> None:
    largest = 40
    need = least_shared(threshold, size, largest)
    assert len(need) == largest + 1
    for other in range(1, largest + 1):
        for shared in range(min(size, other) + 1):
            similar = shared / (size + other - shared) >= threshold
            assert (shared >= need[other]) is similar, (threshold, size, other, shared)


@given(
    st.frozensets(st.sampled_from([f"w{i}" for i in range(8)])),
    st.frozensets(st.sampled_from([f"w{i}" for i in range(8)])),
)
def test_overlap_is_the_shared_words_and_their_jaccard(
    a: frozenset[str], b: frozenset[str]
) -> None:
    shared, score = overlap(a, b)
    assert shared == (a & b if a and b else frozenset())
    assert score == (len(a & b) / len(a | b) if a and b else 0.0)
    assert jaccard(a, b) == score


def _plain_tokens(text: str | None, stop: frozenset[str]) -> frozenset[str]:
    """The words of a name as first written: NFKD, ASCII, lower case, ``[a-z0-9]+``, 2+ long."""
    if not text:
        return frozenset()
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return frozenset(w for w in re.findall(r"[a-z0-9]+", folded) if w not in stop and len(w) > 1)


@settings(max_examples=500, deadline=None)
@given(
    st.none()
    | st.text(max_size=60)
    | st.text(alphabet=st.sampled_from("aZ09 _-.é\u00c5\u0130\ufb01\u2460\xa0\t\n/"), max_size=30)
)
def test_the_words_of_a_name_are_those_of_its_plain_statement(text: str | None) -> None:
    stop = frozenset({"dan", "sistem", "a"})
    assert tokens(text, stop) == _plain_tokens(text, stop)


_TEXTS = (
    st.none()
    | st.text(max_size=40)
    | st.text(alphabet=st.sampled_from("aZ09 _-.é\u00c5\u0130\ufb01\u2460\xa0\t\n/\u0301\0"))
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, max_size=12))
def test_the_words_of_many_texts_folded_at_once_are_each_texts_words(
    texts: list[str | None],
) -> None:
    stop = frozenset({"dan", "sistem", "a"})
    assert tokens_of(texts, stop) == [tokens(text, stop) for text in texts]


def test_texts_holding_the_separator_are_folded_one_by_one() -> None:
    """A text with the character that parts the texts folded at once is folded alone (the
    fallback), as are the others; combining marks after the separator stay with their text."""
    stop = frozenset({"dan"})
    texts = ["Aplikasi dan SIMDA", "x\0Kepegawaian", None, "\u0301e\u0301 Café", ""]
    assert tokens_of(texts, stop) == [
        frozenset({"aplikasi", "simda"}),
        frozenset({"kepegawaian"}),
        frozenset(),
        frozenset({"cafe"}),
        frozenset(),
    ]
    assert tokens_of(texts[2:], stop) == [frozenset(), frozenset({"cafe"}), frozenset()]
