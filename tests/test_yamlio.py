"""The YAML layer: decoding, composing with positions, building plain values, locating."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spbe_cli import yamlio
from spbe_cli.i18n import t, use_language
from spbe_cli.positions import Positions, find_position
from spbe_cli.positions import from_json as positions_from_json
from spbe_cli.positions import to_json as positions_to_json
from spbe_cli.yamlio import YamlProblem


def _build(text: str) -> tuple[object, list[YamlProblem]]:
    nodes, problems = yamlio.compose(text)
    assert problems == []
    assert len(nodes) == 1
    return yamlio.build(nodes[0], text)


def test_libyaml_is_used() -> None:
    assert yamlio.HAS_LIBYAML


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("entitas: opd\nid: X\n".encode("utf-16"), "UTF-16"),
        # Without a byte order mark (Notepad's "Unicode", PowerShell's >): it was a NUL (SPBE003).
        ("entitas: opd\nid: X\n".encode("utf-16-le"), "UTF-16"),
        ("entitas: opd\nid: X\n".encode("utf-16-be"), "UTF-16"),
        ("nama: Café\nid: X\n".encode("utf-16-le"), "UTF-16"),
        # It was "saved as UTF-16".
        ("entitas: opd\nid: X\n".encode("utf-32"), "UTF-32"),
        ("entitas: opd\nid: X\n".encode("utf-32-be"), "UTF-32"),
    ],
)
def test_wide_encodings_are_named(data: bytes, encoding: str) -> None:
    text, found = yamlio.decode(data)
    assert text is None and found is not None
    assert (found.code, found.line, found.column, found.values) == (
        "SPBE002",
        1,
        1,
        {"encoding": encoding},
    )
    with use_language("id"):
        assert t(found.key, **found.values) == (
            f"berkas tersimpan sebagai {encoding}; simpan ulang sebagai UTF-8"
        )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"a: 1\n", None),
        (b"\xef\xbb\xbfa: 1\n", None),
        (b"a: 1\nb: caf\xe9\n", ("SPBE002", 2, 7, "load.not_utf8_windows")),
        # A byte that is no character in Windows-1252 either: the byte alone is named.
        (b"a: 1\nb: \x81\n", ("SPBE002", 2, 4, "load.not_utf8")),
        (b"a: \xa0\n", ("SPBE002", 1, 4, "load.not_utf8")),
        (b"\xff\xfea\x00", ("SPBE002", 1, 1, "load.utf16")),
        (b"\xfe\xff\x00a", ("SPBE002", 1, 1, "load.utf16")),
        (b"a: 1\nbb: x\x00\n", ("SPBE003", 2, 6, "load.nul")),
        (b"\xc3\x28", ("SPBE002", 1, 1, "load.not_utf8_windows")),
        # After a BOM: the offset was counted without it, three bytes early (here a line up).
        (b"\xef\xbb\xbfa: 1\n\xffb: 2\n", ("SPBE002", 2, 1, "load.not_utf8_windows")),
        (b"\xef\xbb\xbfnama: \xff\n", ("SPBE002", 1, 7, "load.not_utf8_windows")),
        # Columns count characters, as YAML's do, not the bytes of the 'é' before it.
        ("nama: caf\u00e9 ".encode() + b"\xff\n", ("SPBE002", 1, 12, "load.not_utf8_windows")),
    ],
)
def test_decode(data: bytes, problem: tuple[str, int, int, str] | None) -> None:
    text, found = yamlio.decode(data)
    if problem is None:
        assert found is None
        assert text == "a: 1\n"
    else:
        assert text is None
        assert found is not None
        assert (found.code, found.line, found.column, found.key) == problem


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "id",
            "berkas bukan UTF-8 (byte 0x96, yaitu '\u2013' pada berkas yang disimpan Excel, Word "
            "atau Notepad lama sebagai Windows-1252/ANSI); simpan ulang sebagai UTF-8",
        ),
        (
            "en",
            "the file is not UTF-8 (byte 0x96, which is '\u2013' in a file Excel, Word or an old "
            "Notepad saved as Windows-1252/ANSI); save it again as UTF-8",
        ),
    ],
)
def test_a_file_saved_by_excel_or_word_names_the_character_typed(lang: str, message: str) -> None:
    data = "entitas: opd\nnama: Dinas \u2013 Kominfo\n".encode("cp1252")
    text, found = yamlio.decode(data)
    assert text is None and found is not None
    assert (found.code, found.line, found.column) == ("SPBE002", 2, 13)
    with use_language(lang):
        assert t(found.key, **found.values) == message


def test_plain_scalars_stay_text() -> None:
    value, problems = _build(
        "a: no\nb: on\nc: 12:30\nd: 0755\ne: 2025-02-30\nf: 1.0\ng: true\nh: .inf\n"
    )
    assert problems == []
    assert value == {
        "a": "no", "b": "on", "c": "12:30", "d": "0755", "e": "2025-02-30", "f": "1.0",
        "g": "true", "h": ".inf",
    }  # fmt: skip


def test_nulls_are_plain_only() -> None:
    value, _ = _build("a: ~\nb: null\nc:\nd: NULL\ne: '~'\nf: \"null\"\ng: ''\nh: |\n  null\n")
    assert value == {
        "a": None, "b": None, "c": None, "d": None, "e": "~", "f": "null", "g": "", "h": "null\n",
    }  # fmt: skip


def test_core_tags_are_allowed() -> None:
    value, problems = _build("a: !!str 1\nb: !!int 2\nc: !!map {x: 1}\nd: !!seq [1]\ne: ! x\n")
    assert problems == []
    assert value == {"a": "1", "b": "2", "c": {"x": "1"}, "d": ["1"], "e": "x"}


def test_merge_key_plain_only() -> None:
    value, problems = _build("b: 1\n<<: {c: 1}\n")
    assert value == {"b": "1"}
    assert [(p.code, p.line, p.column) for p in problems] == [("SPBE006", 2, 1)]
    assert _build("'<<': a\n\"<<\": b\n")[0] == {"<<": "a"}  # quoted: an ordinary key


def test_alias_reported_once_at_the_first_alias() -> None:
    value, problems = _build("a: &x [1]\nb: *x\nc: *x\n")
    assert value == {"a": ["1"], "b": None, "c": None}
    assert [(p.code, p.line, p.column) for p in problems] == [("SPBE005", 2, 4)]


def test_duplicate_keys_in_nested_mappings() -> None:
    value, problems = _build("a:\n  x: 1\n  y: 2\n  x: 3\nb: 1\nb: 2\n")
    assert value == {"a": {"x": "1", "y": "2"}, "b": "1"}
    assert [(p.code, p.line, p.column, p.related_line) for p in problems] == [
        ("SPBE004", 4, 3, 2),
        ("SPBE004", 6, 1, 5),
    ]


def test_complex_keys() -> None:
    value, problems = _build("? [a]\n: 1\n{b: c}: 2\nd: 3\n")
    assert value == {"d": "3"}
    assert [(p.code, p.line, p.column) for p in problems] == [
        ("SPBE014", 1, 3),
        ("SPBE014", 3, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Never closed: libyaml's "did not find expected node content" at the end of the file.
        "entitas: opd\nid: X\nnama: " + "[" * 100 + "\n",
        "entitas: opd\nid: X\nnama: " + "[" * 100 + "a: b: c" + "]" * 100 + "\n",
        "entitas: opd\nid: X\nnama: " + "[" * 100 + "a, ]]" + "\n",
    ],
)
def test_brackets_too_deep_are_told_at_the_limit_in_the_message_language(text: str) -> None:
    # They were "invalid YAML: while parsing a flow node: did not find expected node content"
    # at the end of the file.
    _, problems = yamlio.compose(text)
    assert [(p.code, p.line, p.column, p.key) for p in problems] == [
        ("SPBE009", 3, 6 + yamlio.MAX_DEPTH, "load.too_deep")
    ]
    with use_language("id"):
        assert "terlalu dalam" in t(problems[0].key, **problems[0].values)


def test_depth_limit() -> None:
    ok = "a: " + "[" * (yamlio.MAX_DEPTH - 1) + "]" * (yamlio.MAX_DEPTH - 1)
    assert _build(ok)[1] == []
    deep = "a: " + "[" * yamlio.MAX_DEPTH + "]" * yamlio.MAX_DEPTH
    assert [p.code for p in _build(deep)[1]] == ["SPBE009"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 'x\n", ("SPBE001", 1, 4, "load.syntax_quote")),
        ("a: b: c\n", ("SPBE001", 1, 5, "load.syntax_colon_inside")),
        ("a:\n\t- x\n", ("SPBE001", 2, 1, "load.tab")),
        ("a: 1\nb: x\x07\n", ("SPBE019", 2, 5, "load.control")),
        ("é: ü\x01", ("SPBE019", 1, 5, "load.control")),
        # Where the 64th bracket opens, as for nesting libyaml accepts (it gives up at 1000).
        ("a: " + "[" * 1100, ("SPBE009", 1, 67, "load.too_deep")),
        (
            "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(1100)),
            ("SPBE009", 65, 65, "load.too_deep"),
        ),
    ],
)
def test_compose_problems(text: str, expected: tuple[str, int, int, str]) -> None:
    _, problems = yamlio.compose(text)
    assert [(p.code, p.line, p.column, p.key) for p in problems] == [expected]
    for problem in problems:
        assert "\n" not in str(problem.values.get("detail", ""))


@pytest.mark.parametrize(
    ("text", "place", "key", "indonesian"),
    [
        # The key without a colon, not the line after it where libyaml gave up.
        ("entitas: opd\nid DISPAR\nnama: Dinas\n", (2, 1), "load.syntax_colon", "titik dua"),
        ("entitas: opd\nid: X\n  nama: Dinas\n", (3, 7), "load.syntax_colon_inside", "indentasi"),
        ("x:\n    a: 1\n  b: 2\n", (3, 3), "load.syntax_indent", "sejajar"),
        ("- a: 1\nb: 2\n", (2, 1), "load.syntax_dash", "'- '"),
        ("a: {x: 1, y: 2\nb: 3\n", (2, 2), "load.syntax_flow_mapping", "'{' di baris 1"),
        ("a: [1, 2\nb: 3\n", (2, 2), "load.syntax_flow_sequence", "'[' di baris 1"),
        # The opening quote, not the end of the file.
        ('a: "abc\nb: 3\n', (1, 4), "load.syntax_quote", 'kutip " yang'),
        # A later quote closed it lines below, where libyaml gave up on the indentation.
        ('a: "2025-12-15\nb: 3\nc: "x"\nd: 4\n', (1, 4), "load.syntax_quote_late", "baris 3"),
        ('a:\n  - "abc\n  - "d"\n', (2, 5), "load.syntax_quote_late", "baris 3"),
        # An unclosed single quote that runs into the next document's '---'.
        ("a: 'abc\nb: 3\n---\nc: 4\n", (1, 4), "load.syntax_quote", "kutip ' yang"),
        ("a: @x\n", (1, 4), "load.syntax_start", "diawali @"),
        ("a: &\n", (1, 4), "load.syntax_start", "diawali &"),
        ('a: "C:\\dir"\n', (1, 7), "load.syntax_escape", "garis miring terbalik"),
        # Brackets still open at the end of the file: the innermost one, not the end.
        ("a: b\nc: [\n", (2, 4), "load.syntax_flow_sequence", "'[' di baris 2"),
        ("a: {x: [1], y: {z: \n", (1, 16), "load.syntax_flow_mapping", "'{' di baris 1"),
        ("a: [1,\n", (1, 4), "load.syntax_flow_sequence", "'[' di baris 1"),
    ],
)
def test_syntax_problems_are_told_in_the_message_language(
    text: str, place: tuple[int, int], key: str, indonesian: str
) -> None:
    # They were libyaml's English ("while scanning a simple key: could not find expected
    # ':'") inside the Indonesian message, at the line where libyaml gave up.
    _, problems = yamlio.compose(text)
    [problem] = problems
    assert (problem.code, problem.line, problem.column, problem.key) == ("SPBE001", *place, key)
    with use_language("id"):
        message = t(problem.key, **problem.values)
    assert indonesian in message
    assert "while" not in message and "expected" not in message
    with use_language("en"):
        assert "while" not in t(problem.key, **problem.values)


def test_control_character_is_named_in_the_message_language() -> None:
    """libyaml's English "control characters are not allowed" is said as SPBE019 says it."""
    _, problems = yamlio.compose("a: x\x07")
    assert problems[0].values == {"char": "U+0007"}
    with use_language("id"):
        assert t(problems[0].key, **problems[0].values) == (
            "karakter kendali U+0007 tidak diizinkan dalam teks katalog"
        )


@pytest.mark.parametrize(
    ("text", "line", "column", "char"),
    [
        ("entitas: opd\n# a\u2028 b\nid: X\n", 2, 4, "U+2028"),
        ("entitas: opd\nnama: a\u2029b\n", 2, 8, "U+2029"),
        ("a: \x85b\n", 1, 4, "U+0085"),
        ("é: ü\nb: ü\u2028\u2028\n", 2, 5, "U+2028"),
    ],
)
def test_yaml_only_line_breaks_are_refused_where_the_editor_shows_them(
    text: str, line: int, column: int, char: str
) -> None:
    """NEL, LS and PS start a line for libyaml, not for an editor: refused at the editor's place."""
    decoded, problem = yamlio.decode(text.encode("utf-8"))
    assert decoded is None and problem is not None
    assert (problem.code, problem.line, problem.column, problem.key) == (
        "SPBE019",
        line,
        column,
        "load.line_separator",
    )
    assert problem.values == {"char": char}


def _positions(text: str) -> Positions:
    (node,), _ = yamlio.compose(text)
    return yamlio.build_document(node, text)[1]


def test_locate_values_and_keys() -> None:
    root = _positions("a:\n  b:\n    - x\n    - y: 1\n      z: 2\n")
    assert find_position(root, ("a", "b", 1, "z")) == (5, 10)
    assert find_position(root, ("a", "b", 1, "z"), key=True) == (5, 7)
    assert find_position(root, ("a", "b", 0)) == (3, 7)
    # Unknown parts are skipped: the deepest node found is reported.
    assert find_position(root, ("a", "nope", "b", 99)) == (3, 5)
    assert find_position(root, ()) == (1, 1)


def test_find_scalars() -> None:
    text = "a: TODO\nb:\n  - '[ISI x]'\n  - ok\nTODO: key is not a value\n"
    nodes, _ = yamlio.compose(text)
    found = yamlio.find_scalars(nodes[0], re.compile(r"\[ISI[^\]]*\]|\bTODO\b"))
    assert found == [(1, 4, "TODO"), (3, 5, "[ISI x]")]


def test_dump_and_trusted_load_round_trip() -> None:
    data = {"nama": "Dinas Komunikasi", "daftar": ["ä", "b"], "angka": 3}
    text = yamlio.dump_yaml(data)
    assert text.startswith("nama: Dinas Komunikasi\n")
    assert "ä" in text
    assert yamlio.load_trusted_yaml(text) == data


def test_locate_in_a_large_mapping_finds_the_last_duplicate() -> None:
    keys = "".join(f"k{i}: {i}\n" for i in range(100))
    root = _positions(keys + "k5:\n  deep: again\n")
    assert find_position(root, ("k99",), key=True) == (100, 1)
    assert find_position(root, ("k5",), key=True) == (101, 1)
    assert find_position(root, ("k5", "deep")) == (102, 9)
    assert find_position(root, ("k0",)) == (1, 5)


def test_position_table_survives_a_json_round_trip() -> None:
    import json

    root = _positions("a:\n  b:\n    - x\n    - y: 1\n  b: [z]\n")
    again = positions_from_json(json.loads(json.dumps(positions_to_json(root))))
    assert again == root
    assert find_position(again, ("a", "b", 0)) == (5, 7)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: plain text, tab\tand all\n", []),
        # In double quotes: the backslash began an escape, which the message says.
        ('a: "\\e"\n', [("SPBE019", 1, 4, "load.control_escape")]),
        ('"k\\x85": v\n', [("SPBE019", 1, 1, "load.control_escape")]),
        ("a: [x, y\u2067]\n", [("SPBE019", 1, 8, "load.bidi")]),
        ('"\\ufeffk": v\n', [("SPBE019", 1, 1, "load.bom_key")]),
        ('a: {b: "\\ufeff"}\n', [("SPBE019", 1, 8, "load.bom")]),
    ],
)
def test_forbidden_characters_in_keys_and_values(
    text: str, found: list[tuple[str, int, int, str]]
) -> None:
    (root,), problems = yamlio.compose(text)
    assert problems == []
    assert yamlio.may_hold_forbidden(text) is bool(found)
    got = yamlio.forbidden_characters(root)
    assert [(p.code, p.line, p.column, p.key) for p in got] == found


def test_a_stray_bom_is_named_instead_of_a_syntax_error() -> None:
    _, problems = yamlio.compose("a: 1\n\ufeffb: 2\n")
    assert [(p.code, p.line, p.column, p.key) for p in problems] == [("SPBE019", 2, 1, "load.bom")]


def test_path_at_names_the_deepest_key_starting_by_a_line() -> None:
    from spbe_cli.positions import path_at

    root = _positions("a: 1\nb:\n  - x\n  - c: 2\n    d: {e: 3, f: 4}\nb2: 5\n")
    assert path_at(root, 1) == "a"
    assert path_at(root, 3) == "b[0]"
    assert path_at(root, 5) == "b[1].d.e"  # a flow mapping: the first key on the line
    assert path_at(root, 6) == "b2"
    assert path_at(7, 1) == ""  # a document that is one scalar


def test_a_missing_document_separator_is_one_problem_that_says_so() -> None:
    text = "entitas: opd\nid: A\nnama: x\nentitas: opd\nid: B\nnama: y\n"
    _, problems = _build(text)
    assert [(p.code, p.line, p.key, p.related_line) for p in problems] == [
        ("SPBE004", 4, "load.missing_separator", 1)
    ]
    with use_language("id"):
        assert "tulis '---'" in t(problems[0].key, **problems[0].values)
    # A nested 'entitas' key written twice is an ordinary repeated key.
    _, nested = _build("a:\n  entitas: 1\n  entitas: 2\n")
    assert [p.key for p in nested] == ["load.duplicate_key"]


def _typed(value: object) -> object:
    """A value with the type of each part kept: ``1`` and ``"1"``, ``True`` and ``1`` differ."""
    if isinstance(value, dict):
        return {(type(k).__name__, k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _bundled_yaml() -> list[Path]:
    package = Path(yamlio.__file__).parent
    return sorted([*package.glob("locale/*.yaml"), *package.glob("reference/data/*.yaml")])


@pytest.mark.parametrize("path", _bundled_yaml(), ids=lambda p: p.name)
def test_trusted_yaml_is_what_the_safe_loader_gives(path: Path) -> None:
    import yaml

    text = path.read_text(encoding="utf-8")
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    assert _typed(yamlio.load_trusted_yaml(text)) == _typed(expected)


@pytest.mark.parametrize(
    "path", [p for p in _bundled_yaml() if p.parent.name == "locale"], ids=lambda p: p.name
)
def test_every_message_file_is_read_line_by_line(path: Path) -> None:
    import yaml

    text = path.read_text(encoding="utf-8")
    value = yamlio.simple_messages(text)
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    assert value is not None, "a message file no longer in the shape read line by line"
    assert _typed(value) == _typed(expected)
    assert list(value) == list(expected)


# (text, read line by line): whatever is not exactly the shape of the message files goes the
# loader's way, and both give what the safe loader gives.
_MESSAGE_TEXTS = [
    ('a.b:\n  id: "x"\n  en: "y"\n', True),
    ('# top\n\na.b: {id: "x, \\"y\\"", en: "z\\\\"}\nc.d:\n  en: "w"', True),
    ('a.b:\n  id: |-\n    one\n\n      two\n\n\n  en: "y"\nc.d: {id: "z"}\n', True),
    ('a.b:\n  id: "x\\ty"\n', False),  # an escape other than \" and \\
    ("a.b:\n  id: 'x'\n", False),  # single quotes
    ('a.b:\n  no: "x"\n', False),  # a key the loader reads as a boolean
    ('a.b:\n  id: "x"\nc.d:\n', False),  # a key without a value (null)
    ("a.b:\n  id: |\n    one\n\n", False),  # a block keeping its last line break
    ("a.b:\n  id: |-\n\n    one\n", False),  # a block starting with a blank line
    ("a.b:\n  id: |-\n    one\n    \n    two\n", False),  # a line of spaces in a block
    ('a.b:\n  id: "x" # a note\n', False),  # a comment after the value
    ('a.b:\n  id: "x"\n  # a note\n', False),  # an indented comment
    ('a.b:\n  id: "two\n    lines"\n', False),  # a quoted text over two lines
    ('a.b:\n  id: "x\ty"\n', False),  # a tab
    ('a.b:\r\n  id: "x"\r\n', False),  # CR LF line ends
    ('a.b:\n  id: "x\u2028y"\n', False),  # a line break to YAML 1.1
    ('1.5:\n  id: "x"\n', False),  # a number as the key
    ("nama: x\n", False),  # a key without a dot, as in the reference data
    ('a.b: {id: "x"} \n', False),  # a space after the braces
    ('a.b:\n  id: "x"\n  en:\n    - "y"\n', False),  # a list as a language's text
    ("", False),
]


@pytest.mark.parametrize(("text", "line_by_line"), _MESSAGE_TEXTS)
def test_messages_read_line_by_line_or_by_the_loader_agree(text: str, line_by_line: bool) -> None:
    import yaml

    assert (yamlio.simple_messages(text) is not None) is line_by_line
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    assert _typed(yamlio.load_trusted_yaml(text)) == _typed(expected)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: true\nc: ~\nd: 1.5\ne: '1'\nf: [x, 2, null]\n3: x\n",
        "a: &x {k: v}\nb: *x\n",  # an alias: one object in both places, as the loader gives
        "base: &b {k: v}\nc:\n  <<: *b\n  j: w\n",  # a merge key
        "when: 2026-01-02\n",  # a timestamp
        "x: !!binary aGk=\n",
        "",
        "- 0x1F\n- 1_000\n- .inf\n- yes\n",
    ],
)
def test_trusted_yaml_falls_back_to_the_loader_for_what_is_not_plain(text: str) -> None:
    import yaml

    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    value = yamlio.load_trusted_yaml(text)
    assert _typed(value) == _typed(expected)
    if isinstance(expected, dict) and "b" in expected and isinstance(expected["b"], dict):
        assert value["b"] is value["a"]


# A plain text (no '&', no '!') is built without looking for aliases and tags on each value,
# and counted a collection at a time: the values, positions and problems must be the ones the
# value-by-value build gives, for every shape a catalog file can take.
_PLAIN_TEXTS = [
    "entitas: aplikasi\nid: APL-1\nnama: Siap\ndata: [a, b, '', ~, null, \"~\"]\n",
    "a:\nb: ~\nc: ''\nd: \"null\"\ne: NULL\nf: [x, ~]\n",
    "a: {b: {c: [1, [2, [3, {d: e}]]]}}\nlist:\n  - x\n  -\n  - - y\n    - z\n",
    "a: 1\nb: 2\na: 3\n",  # a repeated key (SPBE004), the first value kept
    "<<: {a: 1}\nb: 2\n",  # a merge key (SPBE006)
    "? [a, b]\n: c\nd: e\n",  # a complex key (SPBE014)
    "entitas: opd\nid: A\nentitas: opd\nid: B\n",  # a missing '---' (SPBE004)
    "x: " + "[" * 70 + "]" * 70 + "\n",  # too deep (SPBE009)
    "- a\n- {b: c, d: [e, f]}\n- |\n  block\n- 'q'\n",
    "just text\n",
]


@pytest.mark.parametrize("text", _PLAIN_TEXTS)
def test_a_plain_text_builds_as_value_by_value(text: str) -> None:
    assert yamlio.is_plain(text)
    nodes, problems = yamlio.compose(text)
    assert problems == []
    for node in nodes:
        fast = yamlio.build_document(node, text, plain=True)
        slow = yamlio.build_document(node, text)
        assert fast == slow


def test_a_plain_document_past_the_value_limit_is_refused_where_the_limit_is() -> None:
    # Counted a collection at a time, the plain build goes past the limit first in bulk; the
    # document is built again value by value and the problem names the first value too many.
    from spbe_cli.yamlio import MAX_VALUES

    text = (
        "a:\n  b: ["
        + ",".join(["x"] * (MAX_VALUES // 2))
        + "]\n  c: ["
        + ",".join(["y"] * (MAX_VALUES // 2))
        + "]\n"
    )
    nodes, problems = yamlio.compose(text)
    assert problems == []
    value, _, found = yamlio.build_document(nodes[0], text, plain=True)
    assert (value, found) == yamlio.build(nodes[0], text)
    assert [(p.code, p.line, p.key) for p in found] == [("SPBE008", 3, "load.too_many_values")]
    # The root, a, b, b's items and c come first: c's item of index MAX_VALUES - 4 - b's
    # items is the first too many, two characters apart.
    first_too_many = MAX_VALUES - 4 - MAX_VALUES // 2
    assert found[0].column == len("  c: [") + 1 + 2 * first_too_many
    assert value["a"]["c"][first_too_many - 1] == "y"
    assert value["a"]["c"][first_too_many] is None


def test_a_text_with_an_anchor_or_a_tag_is_not_plain() -> None:
    assert not yamlio.is_plain("a: &x 1\nb: *x\n")
    assert not yamlio.is_plain("a: !!python/object x\n")
    assert not yamlio.is_plain("url: 'https://x.id/?a=1&b=2'\n")  # built value by value
