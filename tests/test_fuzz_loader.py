"""Property tests: whatever the bytes, loading gives findings or models, never an exception."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe_cli.catalog import Catalog
from spbe_cli.errors import Finding
from spbe_cli.loader import load_files
from spbe_cli.models import MODELS
from spbe_cli.rules import RULES

FUZZ = settings(
    # A few hundred examples keep CI fast; SPBE_FUZZ_EXAMPLES=20000 for a long hunt.
    max_examples=int(os.environ.get("SPBE_FUZZ_EXAMPLES", "300")),
    deadline=None,  # the first example pays for imports and the reference data
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ROOT = Path("/nonexistent-spbe-fuzz-root")


def _load(data: bytes) -> tuple[Catalog, list[Finding]]:
    catalog, findings = load_files(ROOT, [("x.yaml", data)])
    _check(catalog, findings)
    return catalog, findings


def _check(catalog: Catalog, findings: list[Finding]) -> None:
    assert isinstance(catalog, Catalog)
    for finding in findings:
        assert finding.code in RULES
        assert finding.location.path in ("x.yaml", ".")
        assert finding.location.line >= 0
        assert finding.location.column >= 0
        assert finding.message
    # Every document is either a model in the catalog or the subject of a finding.
    assert findings or len(catalog) or catalog.metadata or catalog.referensi


# -- arbitrary bytes ---------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    _load(data)


@FUZZ
@given(st.text(max_size=512))
def test_arbitrary_text(text: str) -> None:
    _load(text.encode("utf-8", "surrogatepass"))


# -- arbitrary YAML from a recursive strategy -------------------------------------------------

WEIRD = st.sampled_from(
    [
        "",
        "~",
        "null",
        "no",
        "yes",
        "on",
        "off",
        "y",
        "n",
        "12:30",
        "0755",
        "0x1F",
        "1e3",
        ".inf",
        ".nan",
        "-0",
        "2025-02-30",
        "2025-01-01",
        "2025-01-01T10:00:00",
        "<<",
        "=",
        "!",
        "&a",
        "*a",
        "!!python/object:os.system",
        "[ISI nama]",
        "TODO",
        "DISKОMINFO",
        "ZERO\u200bWIDTH",
        "\t",
        "a: b",
        "- x",
        "# c",
        "'",
        '"',
        "%",
        "@",
        "`",
        "\\",
        "\u0085",
        "\u2028",
        "\ufeff",
        "🙂",
        "entitas",
        "opd",
        "metadata",
        "program",
        "id",
    ]
)
KEYS = st.one_of(
    st.sampled_from(sorted({*MODELS, "entitas", "id", "nama", "jenis"})), WEIRD, st.text(max_size=8)
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    WEIRD,
    st.text(max_size=20),
    st.sampled_from(sorted(MODELS)),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=25,
)
DOCUMENTS = st.one_of(
    VALUES,
    st.fixed_dictionaries(
        {"entitas": st.sampled_from(sorted(MODELS)), "id": st.one_of(WEIRD, st.text(max_size=10))},
        optional={"nama": SCALARS, "jenis": SCALARS, "tahun_mulai": SCALARS, "status": SCALARS},
    ),
)


def _dump(value: Any, style: str) -> str:
    import yaml  # the test, not spbe, writes YAML here

    if style == "json":
        return json.dumps(value, allow_nan=True)
    return yaml.safe_dump(value, default_flow_style=style == "flow", allow_unicode=True)


@FUZZ
@given(st.lists(DOCUMENTS, min_size=1, max_size=3), st.sampled_from(["block", "flow", "json"]))
def test_arbitrary_yaml_documents(documents: list[Any], style: str) -> None:
    text = "---\n".join(_dump(doc, style) + "\n" for doc in documents)
    _load(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(DOCUMENTS, min_size=1, max_size=3))
def test_arbitrary_yaml_with_anchors(documents: list[Any]) -> None:
    """The same documents as PyYAML writes them when values repeat: anchors and aliases."""
    import yaml

    shared = documents[0]
    text = yaml.safe_dump_all([{"a": shared, "b": shared, "c": [shared]}, *documents])
    _load(text.encode("utf-8", "surrogatepass"))


# -- YAML-ish text: the characters that make YAML tricky ---------------------------------------

TOKENS = st.sampled_from(
    [
        "\t",
        " ",
        "  ",
        "\n",
        "\r\n",
        ":",
        ": ",
        "- ",
        "? ",
        ",",
        "[",
        "]",
        "{",
        "}",
        "'",
        '"',
        "&a ",
        "*a",
        "&b ",
        "*b",
        "!!str ",
        "!!int ",
        "!!map ",
        "!!python/object:os.system ",
        "!custom ",
        "!",
        "<<: ",
        "<<",
        "---\n",
        "...\n",
        "#",
        "|",
        ">",
        "|-",
        "%YAML 1.2\n",
        "%TAG ! !x\n",
        "entitas: ",
        "opd",
        "program",
        "metadata",
        "id: ",
        "nama: ",
        "jenis: ",
        "dinas",
        "~",
        "null",
        "no",
        "12:30",
        "0755",
        "2025-02-30",
        "\\",
        "\\x00",
        "\x00",
        "\x07",
        "\u0085",
        "\u2028",
        "\ufeff",
        "é",
        "DISKОMINFO",
        "[ISI",
        "TODO",
        "x",
        "1",
        "-1",
        ".5",
    ]
)


@FUZZ
@given(st.lists(TOKENS, max_size=60))
def test_yaml_like_text(tokens: list[str]) -> None:
    _load("".join(tokens).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(TOKENS, max_size=40), st.integers(min_value=0, max_value=8))
def test_yaml_like_text_inside_a_valid_document(tokens: list[str], depth: int) -> None:
    """Noise under a well-formed head: the loader reaches the model stage more often."""
    head = "entitas: program\nid: SC-01\nnama: x\ndimensi: living\nelemen: health\n"
    body = "  " * depth + "catatan: " + "".join(tokens) + "\n"
    _load((head + body).encode("utf-8", "surrogatepass"))


def test_every_document_of_a_valid_file_becomes_a_model() -> None:
    text = (
        "entitas: opd\nid: A\nnama: a\njenis: dinas\n---\n"
        "entitas: opd\nid: B\nnama: b\njenis: badan\n"
    )
    catalog, findings = _load(text.encode())
    assert sorted(catalog.entities) == ["A", "B"]
    assert [f.code for f in findings] == ["SPBE107"]
