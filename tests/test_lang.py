"""Both languages are complete: every message, help text and rule explanation exists in
Indonesian and English, and the language follows the locale, SPBE_LANG and --lang."""

from __future__ import annotations

import ast
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import i18n
from spbe_cli.cli.app import app
from spbe_cli.rules import RULES

PACKAGE = Path(__file__).parent.parent / "spbe_cli"
runner = CliRunner()


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_exists_in_both_languages() -> None:
    messages = i18n.messages()
    assert messages
    for key, entry in messages.items():
        assert isinstance(entry, dict), key
        assert set(entry) == {"id", "en"}, key
        for lang in ("id", "en"):
            assert isinstance(entry[lang], str) and entry[lang].strip(), (key, lang)
        # The same values can be filled into both texts.
        assert _fields(entry["id"]) == _fields(entry["en"]), key


def test_every_rule_has_an_explanation_in_both_languages() -> None:
    messages = i18n.messages()
    for code in RULES:
        assert f"rule.{code}" in messages, code


def test_no_key_is_defined_twice_across_locale_files() -> None:
    from spbe_cli.yamlio import load_trusted_yaml

    seen: dict[str, str] = {}
    for path in sorted((PACKAGE / "locale").glob("*.yaml")):
        data = load_trusted_yaml(path.read_text(encoding="utf-8"))
        for key in data:
            assert key not in seen, (key, path.name, seen.get(key))
            seen[key] = path.name


def _literal_keys() -> set[tuple[str, str]]:
    """String literals in the package that look like message keys of a known area."""
    areas = {key.split(".", 1)[0] for key in i18n.messages()}
    found: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                head, _, tail = value.partition(".")
                if (
                    head in areas
                    and tail
                    and all(c.isalnum() or c == "_" for c in tail)
                    and head.replace("_", "").isalnum()
                ):
                    found.add((path.relative_to(PACKAGE).as_posix(), value))
    return found


def test_every_key_used_in_the_code_exists() -> None:
    messages = i18n.messages()
    missing = sorted((where, key) for where, key in _literal_keys() if key not in messages)
    assert missing == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "id"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "en_US.UTF-8"}, "id"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID.UTF-8"}, "id"),
        ({"SPBE_LANG": "en", "LANG": "id_ID.UTF-8"}, "en"),
        ({"SPBE_LANG": "id", "LANG": "C"}, "id"),
        ({"SPBE_LANG": "xx", "LANG": "C.UTF-8"}, "id"),
    ],
)
def test_language_detection(environ: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(environ) == expected


def test_lang_option_switches_messages() -> None:
    result = runner.invoke(app, ["--lang", "id", "new", "foo", "X"])
    assert result.exit_code == 2
    assert "jenis entitas 'foo' tidak dikenal" in result.stderr
    result = runner.invoke(app, ["--lang", "en", "new", "foo", "X"])
    assert "unknown kind of entity 'foo'" in result.stderr


def _help(args: list[str], **env: str) -> str:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "SPBE_LANG")
    }
    environ.update(env)
    environ["COLUMNS"] = "200"
    done = subprocess.run(
        [sys.executable, "-m", "spbe_cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_is_indonesian_unless_english_is_asked_for() -> None:
    indonesian = _help(["--help"], LANG="en_US.UTF-8")
    assert "Periksa katalog (keluar 0 tanpa galat" in indonesian
    assert "Buat repositori katalog baru" in indonesian
    english = _help(["--help"], SPBE_LANG="en")
    assert "Check a catalog (exit 0 no errors" in english
    assert "Create a new catalog repository" in english
    assert "Check a catalog" in _help(["--lang", "en", "--help"], LANG="id_ID.UTF-8")
    assert "Periksa katalog" in _help(["--lang", "id", "--help"], SPBE_LANG="en")
    assert "Folder repositori baru" in _help(["--lang=id", "init", "--help"])
    assert "Kind of entity: opd," in _help(["new", "--help"], SPBE_LANG="en")


def test_version_and_completion() -> None:
    result = runner.invoke(app, ["--lang", "id", "--version"])
    assert result.exit_code == 0
    from spbe_cli import __version__

    assert result.stdout.startswith(f"spbe {__version__} (data referensi ")
    english = runner.invoke(app, ["--lang", "en", "--version"])
    assert english.exit_code == 0
    assert english.stdout.startswith(f"spbe {__version__} (reference data ")
    # In a process of its own: in this one the language is left from the invocation before
    # (an eager --version runs before the root callback reads SPBE_LANG).
    for argv, env, expected in (
        (["--version"], "en", "(reference data "),
        (["--version", "--lang", "en"], "id", "(reference data "),
        (["--lang", "id", "--version"], "en", "(data referensi "),
    ):
        assert _help(argv, SPBE_LANG=env).startswith(f"spbe {__version__} {expected}"), argv
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("export.refused", {"errors": 1}, "has 1 error (above)"),
        ("export.forced", {"errors": 1}, "has 1 error;"),
        (
            "export.done_archimate",
            {"elements": 1, "relationships": 1, "views": 1, "path": "x"},
            "1 element, 1 relationship, 1 view written",
        ),
        ("export.done_sia", {"rows": 1, "sheets": 1, "path": "x"}, "1 row in 1 sheet written"),
        ("export.done_tabel", {"tables": 1, "rows": 1, "path": "x"}, "1 table (1 row) written"),
        ("indeks.group_belum", {"n": 1}, "(1 indicator)"),
        ("indeks.belum", {"n": 1, "total": 1}, "(1 of 1 indicator has no nilai)"),
        ("plafon.edges", {"n": 1, "list": "A"}, "1 integration: A"),
    ],
)
def test_english_counts_of_one_are_singular(
    key: str, values: dict[str, int], expected: str
) -> None:
    i18n.set_language("en")
    assert expected in i18n.t(key, **values)


def test_lang_after_the_command_name() -> None:
    """``spbe validate --lang en`` is ``spbe --lang en validate`` (it answered: no such option)."""
    for args in (["new", "--lang", "en", "foo", "X"], ["new", "foo", "X", "--lang=en"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "unknown kind of entity 'foo'" in result.stderr
    # After "--" it is an argument, not the option.
    result = runner.invoke(app, ["--lang", "id", "new", "opd", "--", "--lang"])
    assert result.exit_code == 2
    assert "id '--lang' tidak sah" in result.stderr
