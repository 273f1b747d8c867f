"""The ``spbe`` command: one short function per sub-command."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from spbe_cli import __version__
from spbe_cli.errors import ExitCode, SpbeError
from spbe_cli.i18n import set_language, t


def _argv_language(argv: list[str]) -> str | None:
    """The value of ``--lang`` on the command line, read before typer parses it.

    Help texts are fixed when the commands are defined, so ``spbe --lang en validate --help``
    needs the language before typer runs; SPBE_LANG and the locale are read by set_language.
    """
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


set_language(_argv_language(sys.argv[1:]))

app = typer.Typer(
    name="spbe",
    help=t("cli.help"),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEFAULT_CATALOG = Path("catalog")


class Lang(str, enum.Enum):
    """Languages of messages."""

    id = "id"
    en = "en"


class ValidateFormat(str, enum.Enum):
    """Output formats of ``spbe validate``."""

    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


def _version(value: bool) -> None:
    if value:
        from spbe_cli.reference import load_reference

        typer.echo(f"spbe {__version__} (referensi {load_reference().versi})")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=t("cli.version")),
    ] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", help=t("cli.lang"))] = None,
) -> None:
    """Set process-wide options."""
    del version
    set_language(lang.value if lang else None)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`SpbeError` into a message on stderr and its exit code."""
    try:
        yield
    except SpbeError as exc:
        from spbe_cli.cli import console

        console.err(f"spbe: {exc}")
        raise typer.Exit(int(exc.exit_code)) from exc


def _display(path: Path) -> str:
    """The catalog path as the user wrote it, in POSIX form."""
    return path.as_posix()


@app.command(help=t("cli.cmd_validate"))
def validate(
    catalog: Annotated[
        Path, typer.Argument(help=t("cli.catalog_arg"), show_default=True)
    ] = DEFAULT_CATALOG,
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help=t("cli.validate_format"))
    ] = ValidateFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help=t("cli.strict"))] = False,
) -> None:
    """Periksa katalog / Check a catalog (exit 0 clean, 1 findings, 2 usage, 3 could not run)."""
    from spbe_cli import report as fmt
    from spbe_cli.cli import console
    from spbe_cli.validate import validate_catalog

    with user_errors(), console.progress(t("cli.progress_validate")) as hook:
        _, result = validate_catalog(catalog, _display(catalog), strict=strict, progress=hook)
    if output_format is ValidateFormat.json:
        console.out(fmt.format_json(result, _display(catalog)), colour=False)
    elif output_format is ValidateFormat.github:
        console.out(fmt.format_github(result), colour=False)
    elif output_format is ValidateFormat.gitlab:
        console.out(fmt.format_gitlab(result), colour=False)
    else:
        console.out(fmt.format_text(result))
    raise typer.Exit(int(result.return_code))


@app.command(help=t("cli.cmd_rules"))
def rules() -> None:
    """Daftar aturan pemeriksaan / List every validation rule with its code and severity."""
    from spbe_cli.cli import console
    from spbe_cli.diff.attention import ATTENTION_RULES
    from spbe_cli.rules import RULES

    header = f"{t('rules.header_code'):<8} {t('rules.header_severity'):<8} {t('rules.header_rule')}"
    lines = [header]
    lines.extend(
        f"{code:<8} {rule.severity.value:<8} {t('rule.' + code)}" for code, rule in RULES.items()
    )
    lines += ["", t("rules.more"), "", t("rules.diff_header"), header]
    lines.extend(
        f"{code:<8} {rule.severity.value:<8} {t('diff.rule.' + code)}"
        for code, rule in ATTENTION_RULES.items()
    )
    lines += ["", t("rules.diff_more")]
    console.out(lines, colour=False)


def main() -> None:
    """Entry point of the ``spbe`` script: user errors never end in a traceback."""
    try:
        app()
    except SpbeError as exc:
        from spbe_cli.cli import console

        console.err(f"spbe: {exc}")
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug in spbe: say so, keep the traceback for SPBE_DEBUG
        if os.environ.get("SPBE_DEBUG"):
            raise
        from spbe_cli.cli import console

        console.err(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}"))
        sys.exit(int(ExitCode.CANNOT_RUN))


from spbe_cli.cli import progress as _progress  # noqa: E402

_progress.register(app)

from spbe_cli.cli import explore as _explore  # noqa: E402

_explore.register(app)

from spbe_cli.cli import diff as _diff  # noqa: E402

_diff.register(app)


from spbe_cli.cli import scaffold as _scaffold  # noqa: E402

_scaffold.register(app)

from spbe_cli.cli import render as _render  # noqa: E402

_render.register(app)

from spbe_cli.cli import indeks as _indeks  # noqa: E402

_indeks.register(app)
