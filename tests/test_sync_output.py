"""``spbe sync --format json``: the orjson writer is byte-identical to ``json_dumps``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.errors import Location
from spbe_cli.markup import json_dumps, json_escape_extra
from spbe_cli.sync import Candidate, Evidence, Overlap, format_json, overlap_dict
from tests.helpers import CASES

# Control, DEL, C1, bidi and line-separator characters, quotes, backslashes, non-ASCII and
# lone surrogates: every class of character the JSON escaping treats apart.
TRICKY = '\x00\x1f\x7f\x85\x9f\u061c\u200e\u2028\u202e\u2066\ud800"\\/é中😀 \t\n'
text = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=12)
# What the models give (str, int, float), and values no validated model has (for the fallback).
odd: Any = st.none() | st.integers() | st.booleans() | st.floats(allow_nan=True)
score = st.floats(min_value=0, max_value=1) | st.sampled_from([0.0, 1.0, 2 / 3, 1e-5])
odd_score = st.floats() | st.integers(min_value=-(2**70), max_value=2**70) | st.booleans()
position = st.integers(min_value=0, max_value=10**6)


def maybe_odd(usual: Any, unusual: Any, odd_values: bool) -> Any:
    return usual | unusual if odd_values else usual


def overlaps(odd_values: bool = False) -> Any:
    """Pairs; with ``odd_values`` some fields hold values no validated model has."""

    def candidate() -> Any:
        return st.builds(
            Candidate,
            st.sampled_from(["program", "aplikasi", "data_informasi"]),
            text,
            text,
            maybe_odd(text, odd, odd_values),
            maybe_odd(text, odd, odd_values),
            text,
            st.just(frozenset()),
            st.just(frozenset()),
        )

    number = maybe_odd(position, st.booleans(), odd_values)
    location = st.none() | st.builds(Location, text, number, number)
    evidence = st.builds(
        Evidence,
        st.sampled_from(["sync.ev.name", "sync.ev.code", "sync.ev.produced_twice"]),
        st.tuples(
            st.tuples(st.just("skor"), text),
            st.tuples(st.just("kata"), text),
            st.tuples(st.just("kode"), text),
            st.tuples(st.just("opd"), text),
            st.tuples(st.just("opd_lain"), text),
        ),
    )
    return st.builds(
        Overlap,
        st.sampled_from(["program", "aplikasi", "data_informasi"]),
        candidate(),
        candidate(),
        maybe_odd(score, odd_score, odd_values),
        maybe_odd(score, odd_score, odd_values),
        st.lists(evidence, max_size=3).map(tuple),
        location,
        location,
    )


def reference(found: list[Overlap], catalog: str) -> str:
    """The document as json_dumps writes it from :func:`overlap_dict` (the schema's home)."""
    return json_dumps(
        {
            "schema": "spbe.sync/1",
            "catalog": catalog,
            "jumlah": len(found),
            "pasangan": [overlap_dict(o) for o in found],
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(overlaps(), max_size=4), text)
def test_json_is_byte_identical_to_json_dumps(found: list[Overlap], catalog: str) -> None:
    assert format_json(found, catalog) == reference(found, catalog)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(overlaps(odd_values=True), max_size=3))
def test_unusual_values_take_json_own_encoder_with_the_same_bytes(found: list[Overlap]) -> None:
    assert format_json(found, "katalog") == reference(found, "katalog")


def test_no_pairs_is_an_empty_list() -> None:
    assert format_json([], "katalog") == reference([], "katalog")
    assert format_json([], "katalog").endswith('"pasangan": []\n}')


def test_ascii_needs_no_extra_escape_but_del() -> None:
    """format_json skips json_escape_extra on ASCII without DEL: nothing else would change."""
    for code in range(0x80):
        char = chr(code)
        assert (json_escape_extra(char) == char) is (char != "\x7f")


def test_an_item_in_several_pairs_is_written_for_each_as_json_dumps_would() -> None:
    # One item's text is laid out once and reused: equal values of another type (a line True
    # where 1 was), another location or none must still give json_dumps's bytes.
    item = Candidate("aplikasi", "APL-1", "OPD-A", "Nama\x7f", "RAA", "", frozenset(), frozenset())
    other = Candidate("aplikasi", "APL-2", "OPD-B", "Nama", "RAA", "", frozenset(), frozenset())
    places = [
        Location("a.yaml", 1, 1),
        Location("a.yaml", True, 1),
        Location("a.yaml", 1, 1),
        Location("b.yaml", 2, 3),
        None,
    ]
    found = [Overlap("aplikasi", item, other, 0.5, 0.0, (), p, None) for p in places]
    for many in (found, found * 4):
        assert format_json(many, "katalog") == reference(many, "katalog")


def test_members_found_by_object_identity_do_not_outlive_the_document() -> None:
    # Members and evidence are found again by id(): kept past format_json, a new object at a
    # freed address would be written with another item's values.
    item = Candidate("aplikasi", "APL-1", "OPD-A", "Satu", "RAA", "", frozenset(), frozenset())
    said = (Evidence("sync.ev.code", (("kode", "RAA"),)),)
    found = [Overlap("aplikasi", item, item, 0.5, 0.0, said, Location("a.yaml", 1, 1), None)]
    format_json(found * 3, "katalog")
    del found, item
    again = Candidate("aplikasi", "APL-2", "OPD-B", "Dua", "RAA", "", frozenset(), frozenset())
    other = (Evidence("sync.ev.code", (("kode", "RAD"),)),)
    pair = [Overlap("aplikasi", again, again, 0.5, 0.0, other, Location("b.yaml", 2, 3), None)]
    assert format_json(pair, "katalog") == reference(pair, "katalog")


def test_a_score_is_written_as_json_dumps_writes_its_value_and_type() -> None:
    # A score's text is made once per positive float: an equal int, bool or negative zero
    # after it must still be written as json_dumps writes it (1, true, -0.0).
    item = Candidate("aplikasi", "APL-1", "OPD-A", "Satu", "RAA", "", frozenset(), frozenset())
    scores = [(1.0, 0.0), (1, -0.0), (True, 0), (2 / 3, 0.66666), (0.66666, 2 / 3)]
    found = [Overlap("aplikasi", item, item, a, b, (), None, None) for a, b in scores]
    assert format_json(found, "katalog") == reference(found, "katalog")
    assert '"skor_nama": 1,' in format_json(found, "katalog")


def test_scores_orjson_spells_otherwise_are_written_as_json_dumps_writes_them() -> None:
    # orjson writes NaN and infinities as null, refuses ints past 64 bits (and would write
    # 1e-05 as 0.00001): those documents are json_dumps's own, byte for byte.
    item = Candidate("aplikasi", "APL-1", "OPD-A", "Satu", "RAA", "", frozenset(), frozenset())
    for odd in (0.00001, float("nan"), float("inf"), 2**70, 1e20):
        found = [Overlap("aplikasi", item, item, 0.5, odd, (), None, None)]
        assert format_json(found, "katalog") == reference(found, "katalog")
    found = [Overlap("aplikasi", item, item, float("nan"), 0.5, (), None, None)]
    assert '"skor_nama": NaN,' in format_json(found, "katalog")


OVERLAPS = CASES / "progress" / "overlaps" / "catalog"
SYNC_JSON = CASES / "progress" / "overlaps" / "sync.json"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_json_bytes_of_a_small_catalog_are_pinned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """The bytes ``spbe sync --format json`` writes to stdout, as a file holds them.

    A name with accents, an em dash and a right-to-left mark (escaped by the extra escapes of
    :func:`spbe_cli.markup.json_dumps`): the writer and its path to stdout may change, these
    bytes may not. ``SPBE_UPDATE_GOLDEN=1`` writes the file again. With two workers the joins,
    the places and half of the JSON are made in forked children (on Linux): the same bytes.
    """
    monkeypatch.setenv("SPBE_WORKERS", workers)
    shutil.copytree(OVERLAPS, tmp_path / "catalog")
    apps = tmp_path / "catalog" / "aplikasi.yaml"
    text = apps.read_text(encoding="utf-8")
    odd = "nama: Aplikasi Kepegawaian Daérah \u2014 Mimika \u200f"
    apps.write_text(text.replace("nama: Aplikasi Kepegawaian Daerah", odd), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sync", "catalog", "--format", "json"])
    assert result.exit_code == 0, result.output
    if os.environ.get("SPBE_UPDATE_GOLDEN") == "1":
        SYNC_JSON.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes == SYNC_JSON.read_bytes()
    assert b"\\u200f" in result.stdout_bytes and "Daérah \u2014".encode() in result.stdout_bytes
