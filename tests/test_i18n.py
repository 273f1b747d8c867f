"""Messages: both languages, the same placeholders, every key the code uses, language detection."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from spbe_cli import i18n, yamlio
from spbe_cli.i18n import detect_language, messages, set_language, t

PACKAGE = Path(i18n.__file__).parent
LOCALE_FILES = sorted(
    (entry.name, entry.read_text("utf-8"))
    for entry in resources.files("spbe_cli.locale").iterdir()
    if entry.name.endswith(".yaml")
)
#: Keyword arguments of emit() that are not message placeholders.
EMIT_OPTIONS = {"hint", "related", "severity"}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _strict_load(name: str, text: str) -> dict[str, dict[str, str]]:
    """Load a locale file with spbe's own strict loader, so a key written twice is caught."""
    nodes, problems = yamlio.compose(text)
    assert problems == [], name
    assert len(nodes) == 1, name
    value, problems = yamlio.build(nodes[0], text)
    assert problems == [], f"{name}: {problems}"
    assert isinstance(value, dict), name
    return value


def test_locale_files_are_strict_yaml_without_duplicate_keys() -> None:
    assert LOCALE_FILES
    for name, text in LOCALE_FILES:
        _strict_load(name, text)


def test_no_key_is_defined_in_two_locale_files() -> None:
    seen: dict[str, str] = {}
    for name, text in LOCALE_FILES:
        for key in _strict_load(name, text):
            assert key not in seen, f"{key} is in both {seen[key]} and {name}"
            seen[key] = name


def test_a_message_is_read_by_parsing_its_file_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # t() parses a message file when a key it needs is in no file parsed so far (validate
    # parses four of the nine); the entry is the one of the whole catalogue.
    every = messages()
    for name, text in LOCALE_FILES:
        for key in list(_strict_load(name, text))[:3]:
            monkeypatch.setattr(i18n, "_parsed", {})
            assert i18n.message(key) == every[key], key
            assert list(i18n._parsed) == [name], key
    monkeypatch.setattr(i18n, "_parsed", {})
    assert all(i18n.message(key) == entry for key, entry in every.items())
    assert i18n.message("no.such.key") is None


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in messages().items():
        assert isinstance(entry, dict), key
        assert set(entry) == {"id", "en"}, key
        assert entry["id"].strip() and entry["en"].strip(), key
        assert _placeholders(entry["id"]) == _placeholders(entry["en"]), key


# -- keys used by the code ---------------------------------------------------------------------


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text("utf-8"), filename=str(path))


def _constants(node: ast.AST) -> list[str]:
    """String constants a message argument can take (a literal or a conditional of literals)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _message_uses() -> list[tuple[str, int, str, set[str] | None]]:
    """``(file, line, key, keyword names or None when **kwargs hides them)`` for each use."""
    uses = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name == "t" and node.args:
                position, options = 0, set()
            elif name == "emit" and len(node.args) >= 3:
                position, options = 2, EMIT_OPTIONS
            else:
                continue
            keywords: set[str] | None = {k.arg for k in node.keywords if k.arg is not None}
            if any(k.arg is None for k in node.keywords):
                keywords = None
            elif keywords is not None:
                keywords -= options
            where = path.relative_to(PACKAGE.parent).as_posix()
            uses.extend(
                (where, node.lineno, key, keywords) for key in _constants(node.args[position])
            )
    return uses


def test_the_scan_finds_message_uses() -> None:
    keys = {key for _, _, key, _ in _message_uses()}
    assert {"load.no_kind", "report.summary", "cli.help", "sc.no_budget"} <= keys


def test_every_key_used_in_the_code_exists() -> None:
    known = messages()
    missing = [
        f"{file}:{line}: {key}" for file, line, key, _ in _message_uses() if key not in known
    ]
    assert not missing, "\n".join(missing)


def test_every_use_fills_every_placeholder() -> None:
    known = messages()
    wrong = []
    for file, line, key, keywords in _message_uses():
        if key not in known or keywords is None:
            continue
        needed = _placeholders(known[key]["en"])
        if not needed <= keywords:
            wrong.append(f"{file}:{line}: {key} needs {sorted(needed - keywords)}")
    assert not wrong, "\n".join(wrong)


def test_loader_problem_keys_exist() -> None:
    """Keys handed around as data (YamlProblem, the pydantic error table) exist too."""
    from spbe_cli import loader

    known = messages()
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) == "YamlProblem"
                and len(node.args) >= 4
            ):
                for key in _constants(node.args[3]):
                    assert key in known, f"{path.name}:{node.lineno}: {key}"
    for key in loader._TYPE_KEYS.values():
        assert key in known, key
    for kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        assert f"schema.{kind}" in known


# -- language ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "id"),
        ({"LANG": "en_US.UTF-8"}, "id"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "id_ID.UTF-8"}, "id"),
        ({"SPBE_LANG": "id", "LANG": "en_US.UTF-8"}, "id"),
        ({"SPBE_LANG": "EN", "LANG": "id_ID.UTF-8"}, "en"),
        ({"SPBE_LANG": "fr", "LANG": "en_GB"}, "id"),
        ({"SPBE_LANG": " ", "LANG": "en_GB"}, "id"),
    ],
)
def test_detect_language(environ: dict[str, str], expected: str) -> None:
    assert detect_language(environ) == expected


def test_detect_language_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPBE_LANG")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert set_language(None) == "id"
    assert t("report.hint") == "saran"
    monkeypatch.setenv("SPBE_LANG", "en")
    assert set_language(None) == "en"
    assert t("report.hint") == "hint"


def test_explicit_language_wins_and_unknown_means_detect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPBE_LANG", "id")
    assert set_language("en") == "en"
    assert set_language("xx") == "id"


def test_translate_fills_values() -> None:
    set_language("en")
    assert (
        t("load.duplicate_key", key="nama", first=3)
        == "key 'nama' is written twice (first on line 3; its value there is used until one of them"
        " is removed)"
    )
    set_language("id")
    assert (
        t("load.duplicate_key", key="nama", first=3)
        == "kunci 'nama' ditulis dua kali (pertama di baris 3; nilai di sana yang dipakai sampai"
        " salah satunya dihapus)"
    )


def test_the_message_files_read_beside_the_module_are_the_packages() -> None:
    # i18n reads them from the folder next to it, not through importlib.resources (start-up).
    assert list(i18n._texts().items()) == LOCALE_FILES


def test_a_message_file_of_another_shape_is_read_by_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Single quotes are not the line-by-line reader's shape (spbe_cli.messagefiles): libyaml's.
    text = "a.single:\n  id: 'satu ''kutip'''\n  en: 'one ''quote'''\n"
    assert yamlio.simple_messages(text) is None
    monkeypatch.setattr(i18n, "_texts", lambda: {"other.yaml": text})
    monkeypatch.setattr(i18n, "_parsed", {})
    assert i18n._parse("other.yaml") == {"a.single": {"id": "satu 'kutip'", "en": "one 'quote'"}}
    assert i18n._parsed == {"other.yaml": {"a.single": {"id": "satu 'kutip'", "en": "one 'quote'"}}}
