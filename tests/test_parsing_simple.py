"""The common file read without libyaml gives exactly what composing and building it give."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe_cli import parsing, yamlio
from spbe_cli.files import find_files
from spbe_cli.loader import _Loader

ROOT = Path(__file__).resolve().parent.parent


def _generate(out: Path, layout: str = "files") -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(out, scale=0.02, seed=3, layout=layout)


def _texts(root: Path) -> list[tuple[str, str]]:
    reader = _Loader(root, "")
    texts = []
    for file in find_files(root, ""):
        data = reader.read(file)
        assert data is not None
        text, _ = yamlio.decode(data)
        if text is not None:
            texts.append((file.display, text))
    return texts


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("simple") / "catalog"
    _generate(out)
    return out


def test_every_common_file_of_a_generated_catalog_reads_as_composed(generated: Path) -> None:
    simple = 0
    for display, text in _texts(generated) + _texts(ROOT / "catalog"):
        found = parsing._simple_file(text)
        if found is not None:
            simple += 1
            assert found == parsing._composed_file(text, 0), display
    assert simple > 100  # the applications, services, data ... of the generated catalog


# Texts close to the common file: each is read as composing reads it, by whichever way.
NEAR_MISSES = [
    "entitas: opd\nid: A\n",
    "entitas: opd\nid: A",  # no line break at the end
    "entitas: opd\r\nid: A\r\n",  # CR LF
    "entitas: opd\nid:\tA\n",  # a tab
    "entitas: opd\nid: A # komentar\n",
    "entitas: opd\nid: A #glued\n",
    "entitas: opd\nid:A\n",
    "entitas: opd\nid: A\nid: B\n",  # a key twice
    "entitas: opd\nentitas: opd\n",
    "entitas: opd\nid: ~\nnama: null\nx: Null\ny: NULL\nz: 'null'\n",
    "entitas: opd\nnama: 'it''s'\n",
    'entitas: opd\nnama: "a \\"b\\""\n',
    'entitas: opd\nnama: "a # b"\nurl: "https://x.id/a?b=1&c=2"\n',
    "entitas: opd\nnama: ''\nx: \"\"\n",
    "entitas: opd\ndata: [a, , b]\n",
    "entitas: opd\ndata: [a, b,]\n",
    "entitas: opd\ndata: [a, b, ]\n",
    "entitas: opd\ndata: []\nx: [ ]\ny: [ a ,b ]\n",
    "entitas: opd\ndata: [a, [b]]\n",
    "entitas: opd\ndata: [a, 'b']\n",
    "entitas: opd\ndata: [null, ~, x y, (z)]\n",
    "entitas: opd\ndata: [a: b]\n",
    "entitas: opd\nnilai: -5\n",
    "entitas: opd\nnilai: 1.500\n",
    "entitas: opd\nnilai: 2.5\ntanggal: 2026-01-31\n",
    "entitas: opd\nnama: [ISI: nama]\n",
    "entitas: opd\nnama: TODO\n",
    "entitas: opd\nnama: a: b\n",
    "entitas: opd\nnama: a, b & c! |d >e %f @g `h ?i *j\n",
    "entitas: opd\nnama: Dinas Pariwisata  \n",
    "entitas: opd\nnama: Café Jum’at – ☕ 𝔸\n",
    "entitas: opd\nnama: A\u202eB\n",
    "entitas: opd\nnama: A\ufeffB\n",
    "\ufeffentitas: opd\n",
    "entitas: opd\nnama: a\n  b\n",  # a text that goes on on the next line
    "entitas: opd\nnama:\n  b\n",
    "entitas: opd\nx:\n  - a\n",
    "entitas: opd\nx:\n  - a\n  - 'b'\n  - \"c\"\n  - ~\n  - null\ny: z\n",
    "entitas: opd\nx:\n- a\n- b\n",  # the '-' under the key
    "entitas: opd\nx:   \n  - a\n# komentar\n\n  - b\n",
    "entitas: opd\nx:\n  - a\n   - b\n",  # another indent
    "entitas: opd\nx:\n  - a\n - b\n",
    "entitas: opd\nx:\n  -  a\n",
    "entitas: opd\nx:\n  -\n  - b\n",  # an empty item
    "entitas: opd\nx:\n  - a # komentar\n",
    "entitas: opd\nx:\n  - - a\n",
    "entitas: opd\nx:\n  - a: b\n",
    "entitas: opd\nx:\n  - [a]\n",
    "entitas: opd\nx:\n  # komentar\n  - a\n",
    "entitas: opd\nx:\ny: z\n",  # no value at all
    "entitas: opd\nx:\n",
    "entitas: opd\nx:\n  - a\nx:\n  - b\n",
    "- a\n- b\n",
    "entitas: opd\n- a\n",
    "entitas: opd\nx:\n  y: a\n",
    "# komentar\n\nentitas: opd\n\n# akhir",
    "  # komentar\nentitas: opd\n",
    "   \nentitas: opd\n",
    "---\nentitas: opd\n",
    "entitas: opd\n---\nentitas: opd\nid: B\n",
    "entitas: opd\n...\n",
    "%YAML 1.2\n---\nentitas: opd\n",
    "- entitas: opd\n",
    "entitas\n",
    "",
    "# only a comment\n",
    "null: a\n~: b\n",
    "Entitas_2: opd\n_x: y\n",
    "a: " + ", ".join(["x"] * 10) + "\n",
    "a: [" + ",".join(["x"] * (yamlio.MAX_VALUES + 5)) + "]\n",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_a_near_miss_reads_as_composed(text: str) -> None:
    assert parsing.parse_text(text) == parsing._composed_file(text, 0)


def test_validate_reports_the_same_with_and_without_the_common_way(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli.report import format_json
    from spbe_cli.validate import validate_catalog

    monkeypatch.setenv("SPBE_NO_CACHE", "1")
    monkeypatch.setenv("SPBE_WORKERS", "1")
    _, fast = validate_catalog(generated, "catalog")
    monkeypatch.setattr(parsing, "_simple_file", lambda text: None)
    _, slow = validate_catalog(generated, "catalog")
    assert format_json(fast, "catalog") == format_json(slow, "catalog")
    assert json.loads(format_json(fast, "catalog"))["summary"]["files"] > 100


# -- any text near the common file: the common way reads it as composing does, or declines ------

_KEYS = st.sampled_from(
    [
        "id",
        "nama",
        "entitas",
        "opd_pj",
        "tahun",
        "null",
        "yes",
        "on",
        "x_1",
        "A",
        "_k",
        "<<",
        "key with space",
        "k:",
    ]
)
_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "0",
        "9",
        " ",
        "  ",
        ":",
        ": ",
        "#",
        " #",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        ",",
        ", ",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "-",
        "- ",
        "?",
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "yes",
        "no",
        "1.500",
        "2025-03-12",
        "0x1F",
        "1e3",
        ".inf",
        "(",
        ")",
        "é",
        "Ä",
        "\u00a0",
        "\t",
        "\r",
        "\\",
        "\u2028",
        "\x85",
        "\ufeff",
        "\u202e",
        "TODO",
        "[ISI",
        "ISI]",
        "/",
        "=",
        "+",
        ".",
        "...",
        "---",
        "\u3000",
        "😀",
    ]
)
_VALUE = st.lists(_PIECES, min_size=0, max_size=8).map("".join)
_LINE = st.one_of(
    st.tuples(_KEYS, st.sampled_from([": ", ":", ":  ", " : ", ":\t"]), _VALUE).map("".join),
    st.tuples(
        _KEYS, st.just(": "), st.lists(_VALUE, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
    ).map("".join),
    st.tuples(_KEYS, st.just(": '"), _VALUE, st.just("'")).map("".join),
    st.tuples(_KEYS, st.just(': "'), _VALUE, st.just('"')).map("".join),
    st.tuples(st.sampled_from(["- ", "  - ", "    - ", "-  ", " - "]), _VALUE).map("".join),
    st.sampled_from(["", "# c", "  # c", " ", "---", "...", "- a", "  x: y", "  cont", "-", "  -"]),
)
_TEXT = st.tuples(
    st.lists(_LINE, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans()
).map(lambda t: t[1].join(t[0]) + (t[1] if t[2] else ""))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_TEXT)
def test_the_common_way_reads_what_composing_reads(text: str) -> None:
    """Random lines of keys, plain, quoted and listed values, items, comments, markers."""
    found = parsing._simple_file(text)
    if found is not None:
        assert found == parsing._composed_file(text, 0)
