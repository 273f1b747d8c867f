"""Messages in Bahasa Indonesia and English.

Every user-facing sentence lives in ``locale/*.yaml`` (one file per area) under a key, with
an ``id`` and an ``en`` text. The language is Indonesian, the language of the documents and of
the docs, unless the user asks for English with ``SPBE_LANG=en`` or ``--lang en``. The system
locale alone does not switch it: an English ``LANG`` is the default of most servers and CI
runners, not a choice of the person reading (docs/panduan.md, "Bahasa").
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("id", "en")
#: ``{n:file|files}``: the first word when the value ``n`` is 1, the second otherwise (English
#: needs it; Indonesian nouns do not change, so its templates seldom use it).
_PLURAL = re.compile(r"\{(\w+):([^{}|]*)\|([^{}]*)\}")
_state = {"lang": ""}


def detect_language(environ: dict[str, str] | None = None) -> str:
    """Pick the language from SPBE_LANG; Indonesian when it names none (the locale is ignored).

    A value written the way locales are (``en_US.UTF-8``, ``en-GB``, ``EN``) names its language:
    it read as Indonesian, so ``SPBE_LANG=$LANG`` on an English machine changed nothing.
    """
    env = os.environ if environ is None else environ
    return language_named(env.get("SPBE_LANG", "")) or "id"


def language_named(value: str | None) -> str | None:
    """The language a value names (``en``, ``EN``, ``en_US.UTF-8``, ``en-GB``), or None."""
    code = re.split(r"[_.@-]", (value or "").strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def set_language(lang: str | None) -> str:
    """Fix the language for this process; ``None`` (or a value naming none) means detect it."""
    _state["lang"] = language_named(lang) or detect_language()
    return _state["lang"]


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block (documents are Indonesian whatever the terminal's locale)."""
    previous = language()
    _state["lang"] = lang
    try:
        yield
    finally:
        _state["lang"] = previous


def language() -> str:
    """The language in use."""
    if not _state["lang"]:
        set_language(None)
    return _state["lang"]


@cache
def _texts() -> dict[str, str]:
    """Every message file's text by name (``locale/*.yaml``), read but not parsed.

    Read from the folder beside this module, where the wheel and an editable install both put
    it: :mod:`importlib.resources` imported a dozen modules on every start only to find it.
    """
    entries = sorted(Path(__file__).with_name("locale").iterdir(), key=lambda e: e.name)
    return {e.name: e.read_text("utf-8") for e in entries if e.name.endswith(".yaml")}


#: The message files parsed so far, by name (see :func:`message`).
_parsed: dict[str, dict[str, dict[str, str]]] = {}


def _parse(name: str) -> dict[str, dict[str, str]]:
    from spbe_cli.messagefiles import simple_messages

    text = _texts()[name]
    # Line by line, without importing PyYAML; a file written otherwise goes to libyaml.
    data: Any = simple_messages(text)
    if data is None:
        from spbe_cli.yamlio import load_trusted_yaml

        data = load_trusted_yaml(text)
    if not isinstance(data, dict):  # pragma: no cover - packaging error
        raise RuntimeError(f"locale/{name} is not a mapping")
    _parsed[name] = data
    return data


def message(key: str) -> dict[str, str] | None:
    """The texts of ``key`` by language, or None when no message file has it.

    A file is parsed when a key is first looked up that no file parsed so far holds: the one
    whose text has a line starting with the key. ``spbe validate`` parses four of the nine
    files (the diff, progress, render, export and Indeks messages are two fifths of the text).
    No key is in two files (a test checks it), so the order they are parsed in does not count.
    """
    for entries in _parsed.values():
        entry = entries.get(key)
        if entry is not None:
            return entry
    line = f"\n{key}:"
    for name, text in _texts().items():
        if name not in _parsed and (line in text or text.startswith(line[1:])):
            entry = _parse(name).get(key)
            if entry is not None:
                return entry
    return messages().get(key)  # a key written otherwise (or none): every file parsed


@cache
def messages() -> dict[str, dict[str, str]]:
    """Every message of every file (all of them parsed, once)."""
    merged: dict[str, dict[str, str]] = {}
    for name in _texts():
        merged.update(_parsed[name] if name in _parsed else _parse(name))
    return merged


def t(key: str, /, **values: Any) -> str:
    """Translate ``key`` into the current language and fill in ``values``."""
    entry = message(key)
    if entry is None:  # pragma: no cover - a test checks every key used exists
        return key
    template = entry.get(language()) or entry["en"]
    if values and "|" in template:
        template = _PLURAL.sub(lambda m: _word(m, values), template)
    if not values:
        return template
    # A trailing placeholder may be empty (an optional hint): never end a message in a space.
    # Only a count (``{n:,}``) needs the language's marks; every other template is filled by
    # str.format_map, which fills fields exactly as string.Formatter does, in C.
    if ":,}" in template:
        return _COUNTS.vformat(template, (), values).rstrip()
    return template.format_map(values).rstrip()


class _Counts(string.Formatter):
    """``{n:,}`` in a message is a count, grouped in the marks of the language.

    ``1.234`` in Indonesian, ``1,234`` in English (:func:`spbe_cli.formatting.number`); a bare
    ``{n}`` stays as it is, so years, line numbers and ids are never grouped.
    """

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec != ",":
            return super().format_field(value, format_spec)
        if isinstance(value, int | float) and not isinstance(value, bool):
            from spbe_cli.formatting import number

            return number(value, language())
        return str(value)  # already text (a caller's own wording): shown as it is


_COUNTS = _Counts()


def _word(match: re.Match[str], values: dict[str, Any]) -> str:
    """The singular or plural word of a ``{n:one|other}`` placeholder, escaped for format()."""
    word = match.group(2) if values.get(match.group(1)) == 1 else match.group(3)
    return word.replace("{", "{{").replace("}", "}}")
