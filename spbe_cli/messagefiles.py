r"""The message files (``locale/*.yaml``) read line by line, without PyYAML.

Every message file has one plain shape (:func:`simple_messages`); a text of any other shape is
left to :func:`spbe_cli.yamlio.load_trusted_yaml`, which reads it with libyaml (and asks this
module first for every bundled text). Kept apart from :mod:`spbe_cli.yamlio` so that a command
that reads no catalog text (``spbe --help``, ``spbe validate`` replaying a run from the cache)
speaks without importing PyYAML, whose import compiles a dozen patterns.
"""

from __future__ import annotations

import re

#: A message's key at the start of its line: words joined by dots (``cli.help``), so never a
#: number, a boolean or null to the loader; alone (its languages on the lines below) or with
#: them in braces on the same line.
_MESSAGE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+):(?: (\{.*\}))?")
#: A text in double quotes whose only escapes are ``\"`` and ``\\``.
_QUOTED = r'"([^"\\]*(?:\\["\\][^"\\]*)*)"'
#: A language's text on its own line below the key: quoted, or ``|-`` and a block below it.
#: Only the languages of :mod:`spbe_cli.i18n` (``no`` or ``on`` would be a boolean).
_MESSAGE_TEXT = re.compile(r"  (id|en): (?:" + _QUOTED + r"|(\|-))")
#: A language's text in braces: ``{id: "...", en: "..."}``.
_MESSAGE_PAIR = re.compile(r"(id|en): " + _QUOTED + r"(, |\}$)")
_ESCAPED = re.compile(r"\\([\"\\])")


def _unquoted(quoted: str) -> str:
    r"""The text of :data:`_QUOTED`'s group: ``\"`` and ``\\`` read as ``"`` and ``\``."""
    return _ESCAPED.sub(lambda found: found.group(1), quoted) if "\\" in quoted else quoted


def simple_messages(text: str) -> dict[str, dict[str, str]] | None:
    r"""A message file's value read line by line, or None for any other text.

    The shape of every ``locale/*.yaml``: ``#`` comment lines, blank lines and keys at the start
    of the line, each with its languages either on the lines below (``  id: "..."``, or
    ``  id: |-`` and an indented block) or in braces on its line; the quoted texts escape only
    ``"`` and ``\``, and nothing follows a value. Any other text, however close, is None and
    goes the loader's way; a test compares both on every bundled file (parsing the messages
    with libyaml was the largest part of starting spbe after Python itself).
    """
    # Only printable characters and line feeds: no tab, no CR, none of YAML 1.1's other line
    # breaks (U+0085, U+2028, U+2029), nothing libyaml refuses or reads otherwise (U+FEFF).
    if not text.replace("\n", "").isprintable():
        return None
    lines = text.split("\n")
    result: dict[str, dict[str, str]] = {}
    entry: dict[str, str] | None = None  # the languages of the last key read, below it
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line or line[0] == "#":
            continue
        if line[0] == " ":
            found = _MESSAGE_TEXT.fullmatch(line)
            if found is None or entry is None:
                return None
            language, quoted, block = found.groups()
            if block is None:
                entry[language] = _unquoted(quoted)
                continue
            body, index = _literal_block(lines, index)
            if body is None:
                return None
            entry[language] = body
            continue
        if entry == {}:
            return None  # a key without languages: null to the loader
        found = _MESSAGE_KEY.fullmatch(line)
        if found is None:
            return None
        key, braces = found.groups()
        entry = {}
        result[key] = entry
        if braces is not None:
            if not _message_pairs(braces, entry):
                return None
            entry = None  # nothing may follow below a key with braces
    if entry == {} or not result:
        return None
    return result


def _message_pairs(braces: str, entry: dict[str, str]) -> bool:
    """Read ``{id: "...", en: "..."}`` into ``entry``; False when it is written otherwise."""
    at = 1
    while at < len(braces):
        found = _MESSAGE_PAIR.match(braces, at)
        if found is None:
            return False
        entry[found.group(1)] = _unquoted(found.group(2))
        at = found.end()
    return bool(entry)


def _literal_block(lines: list[str], index: int) -> tuple[str | None, int]:
    """The text of a ``|-`` block whose first line is ``lines[index]``, and the line after it.

    The block's indent is its first line's, deeper than the language's; it ends before the
    first line that is not blank and not that deep, and the blank lines at its end are not
    part of it. A first line that is blank, or a line of spaces only, is left to the loader.
    """
    first = lines[index] if index < len(lines) else ""
    indent = len(first) - len(first.lstrip(" "))
    if indent <= 2 or not first.strip(" "):
        return None, index
    prefix = " " * indent
    body: list[str] = []
    while index < len(lines):
        line = lines[index]
        if line.startswith(prefix) and line.strip(" "):
            body.append(line[indent:])
        elif line:
            if not line.strip(" "):
                return None, index
            break
        else:
            body.append("")
        index += 1
    while body and not body[-1]:
        body.pop()
    return "\n".join(body), index
