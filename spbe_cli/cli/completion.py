"""Shell completion that knows the catalog: ids, kinds, documents, formats, revisions, rules.

Each function is a typer ``autocompletion`` callback: it gets what was typed so far (and the
context, for the catalog named with ``-c``) and returns ``(value, help)`` pairs. They run on
every TAB, so they stay light: ids are read from the ``id:`` lines of the catalog's YAML files
with a regular expression (no YAML parsing, no pydantic, nothing from the files is run), and
any failure means "no suggestions", never a traceback in the user's shell.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import typer

from spbe_cli.cli.common import default_catalog

#: Text, compiled by re on the first TAB: every other run of the command it serves compiles none.
_ID_LINE = rb"(?m)^id:[ \t]*['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)"
_KIND_LINE = rb"(?m)^entitas:[ \t]*([a-z_]+)"
#: Files read per TAB at most, and bytes per file: completion must answer at once.
_MAX_FILES = 20_000
_MAX_BYTES = 1024 * 1024


def _catalog(ctx: typer.Context) -> Path:
    for name in ("catalog", "catalog_option"):
        value = ctx.params.get(name)
        if isinstance(value, Path):
            return value
    return default_catalog()


def catalog_ids(root: Path) -> list[tuple[str, str]]:
    """``(id, kind)`` of every document in the catalog folder, sorted by id."""
    from spbe_cli.errors import SpbeError
    from spbe_cli.loader import find_files

    found: dict[str, str] = {}
    try:
        files = find_files(root, "")[:_MAX_FILES]
    except (OSError, SpbeError):
        return []
    for file in files:
        if file.kind != "file":
            continue
        try:
            with open(file.path, "rb") as handle:
                data = handle.read(_MAX_BYTES)
        except OSError:
            continue
        for document in data.split(b"\n---"):
            ids = re.findall(_ID_LINE, document)
            kinds = re.findall(_KIND_LINE, document)
            if ids:
                found.setdefault(ids[0].decode(), kinds[0].decode() if kinds else "")
    return sorted(found.items())


def complete_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Entity ids of the catalog (``show``, ``graph``)."""
    return [(i, kind) for i, kind in catalog_ids(_catalog(ctx)) if i.startswith(incomplete)]


def complete_kind(incomplete: str) -> list[str]:
    """Kinds of entity (``list``, ``new``)."""
    from spbe_cli.models import ENTITY_KINDS

    return [kind for kind in ENTITY_KINDS if kind.startswith(incomplete)]


def _comma_list(incomplete: str, names: list[str]) -> list[str]:
    """Complete the last item of a comma-separated list (``--doc masterplan,ars<TAB>``)."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    taken = set(done.split(","))
    return [prefix + name for name in names if name.startswith(last) and name not in taken]


def complete_document(incomplete: str) -> list[str]:
    """Documents of ``render --doc``."""
    from spbe_cli.render.registry import documents

    return _comma_list(incomplete, [*documents(), "all"])


def complete_render_format(incomplete: str) -> list[str]:
    """Formats of ``render --format``."""
    from spbe_cli.render.registry import FORMATS

    return _comma_list(incomplete, [*FORMATS, "all"])


def git_refs(folder: Path) -> list[str]:
    """Tags (newest first) then branches of the git repository holding ``folder``."""
    refs: list[str] = []
    for pattern, order in (("refs/tags", "-creatordate"), ("refs/heads", "refname")):
        try:
            done = subprocess.run(
                ["git", "for-each-ref", f"--sort={order}", "--format=%(refname:short)", pattern],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return refs
        if done.returncode == 0:
            refs.extend(line for line in done.stdout.splitlines() if line)
    return refs


def complete_revision(incomplete: str) -> list[str]:
    """Tags and branches for ``diff`` (folders are completed by the shell as usual)."""
    return [ref for ref in git_refs(Path.cwd()) if ref.startswith(incomplete)]


def complete_rule(incomplete: str) -> list[tuple[str, str]]:
    """Rule codes (SPBE201, ...) with what each checks, wherever a rule is named."""
    from spbe_cli.diff.attention import ATTENTION_RULES
    from spbe_cli.i18n import t
    from spbe_cli.rules import RULES

    wanted = incomplete.upper()
    found = [(code, t("rule." + code)) for code in RULES if code.startswith(wanted)]
    found += [(c, t("diff.rule." + c)) for c in ATTENTION_RULES if c.startswith(wanted)]
    return found
