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

from spbe_cli.similarity import jaccard, least_shared, overlap, pair_with_earlier, tokens


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
