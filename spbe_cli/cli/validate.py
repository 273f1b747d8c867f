"""``spbe validate`` (check a catalog) and ``spbe rules`` (every rule it checks)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CatalogArgument,
    CatalogOption,
    Output,
    catalog_path,
    emit,
    user_errors,
)
from spbe_cli.cli.completion import complete_rule
from spbe_cli.errors import UsageError
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.errors import Report


class ValidateFormat(str, enum.Enum):
    """Output formats of ``spbe validate``."""

    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


def formats(display: str) -> dict[ValidateFormat, Output[Report]]:
    """The output formats of ``spbe validate``: a name -> how a report becomes text."""
    from spbe_cli import report as fmt

    return {
        ValidateFormat.text: Output(fmt.format_text, colour=True),
        ValidateFormat.json: Output(lambda report: fmt.format_json(report, display)),
        ValidateFormat.github: Output(fmt.format_github),
        ValidateFormat.gitlab: Output(fmt.format_gitlab),
    }


def validate(
    catalog: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help=t("cli.validate_format"))
    ] = ValidateFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help=t("cli.strict"))] = False,
) -> None:
    """Periksa katalog / Check a catalog (exit 0 clean, 1 findings, 2 usage, 3 could not run)."""
    from spbe_cli.cli import console
    from spbe_cli.validate import validate_catalog

    path = catalog_path(catalog, catalog_option)
    with user_errors(), console.step_bar(t("cli.progress_validate")) as hook:
        _, result = validate_catalog(path, path.as_posix(), strict=strict, on_step=hook)
    emit(formats(path.as_posix()), output_format, result)
    raise typer.Exit(int(result.return_code))


def rules(
    codes: Annotated[
        list[str] | None,
        typer.Argument(
            help=t("cli.rules_codes"), metavar="[KODE]...", autocompletion=complete_rule
        ),
    ] = None,
) -> None:
    """Daftar aturan pemeriksaan / List every validation rule with its code and severity."""
    from spbe_cli.cli import console
    from spbe_cli.diff.attention import ATTENTION_RULES
    from spbe_cli.rules import RULES

    if codes:
        wanted = [code.upper() for code in codes]
        with user_errors():
            unknown = [c for c in wanted if c not in RULES and c not in ATTENTION_RULES]
            if unknown:
                raise UsageError(t("cli.rules_unknown", codes=", ".join(unknown)))
        lines = [
            f"{code:<8} {table[code].severity.value:<8} {t(prefix + code)}"
            for code in wanted
            for table, prefix in ((RULES, "rule."), (ATTENTION_RULES, "diff.rule."))
            if code in table
        ]
        console.out(lines, colour=False)
        return
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


def register(app: typer.Typer) -> None:
    """Add ``validate`` and ``rules`` to the ``spbe`` app."""
    app.command("validate", help=t("cli.cmd_validate"))(validate)
    app.command("rules", help=t("cli.cmd_rules"))(rules)
