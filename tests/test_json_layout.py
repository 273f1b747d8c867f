"""``json_dumps(..., floats=False)``: orjson's layout is byte-identical to ``json``'s, or unused."""

from __future__ import annotations

import enum
import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from spbe_cli.errors import Finding, Location, Related, Report, Severity
from spbe_cli.markup import _orjson_text, json_dumps
from spbe_cli.report import format_json

# Control, DEL, C1, bidi and line-separator characters, quotes, backslashes, non-ASCII and
# lone surrogates: every class of character the JSON escaping treats apart.
TRICKY = '\x00\x1f\x7f\x85\x9f\u061c\u200e\u2028\u202e\u2066\ud800"\\/é中😀 \t\n'
text = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=12)
scalar = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | text
document = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(text, inner, max_size=4)
    ),
    max_leaves=30,
)


def plain(data: Any) -> str:
    """The layout ``json_dumps`` had before orjson: ``json``'s indenting encoder, escaped."""
    from spbe_cli.markup import json_escape_extra

    return json_escape_extra(json.dumps(data, ensure_ascii=False, indent=2))


@settings(max_examples=400, deadline=None)
@given(document)
def test_float_free_documents_are_laid_out_as_json_does(data: Any) -> None:
    assert json_dumps(data, floats=False) == plain(data) == json_dumps(data)


def test_every_character_is_escaped_as_json_does() -> None:
    # One string of every code point but the surrogates (orjson refuses a lone one: json's).
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    data = {"v": [every, every[::-1]], "k": {every[:5000]: 1}}
    assert _orjson_text(data) == json.dumps(data, ensure_ascii=False, indent=2)


class Kind(str, enum.Enum):
    A = "a"


def test_what_orjson_would_write_otherwise_is_left_to_json() -> None:
    # A lone surrogate, an int beyond 64 bits, a key that is not a str, a nesting deeper than
    # orjson takes: json writes each as it always did.
    deep: Any = []
    for _ in range(300):
        deep = [deep]
    for data in ({"v": "\ud800"}, {"v": 2**70}, {1: "x"}, deep):
        assert _orjson_text(data) is None
        assert json_dumps(data, floats=False) == plain(data)
    # A str enum is written as its value by both.
    assert json_dumps({"v": Kind.A}, floats=False) == plain({"v": Kind.A}) == '{\n  "v": "a"\n}'
    assert _orjson_text({"v": date(2024, 1, 1)}) is None


def test_the_validate_report_is_byte_identical_either_way() -> None:
    related = (Related(Location("b.yaml", 2, 1), "lihat\u202e juga"),)
    findings = [
        Finding("SPBE101", Severity.ERROR, Location("a.yaml", 3, 5), 'pesan "é"\x7f', None, ()),
        Finding("SPBE102", Severity.WARNING, Location("a.yaml", 0, 0), "x", "saran", related),
    ]
    report = Report(findings, files=2, entities=3)
    text = format_json(report, "katalog")
    assert text == plain(json.loads(text))
    assert "\\u007f" in text and "\\u202e" in text
