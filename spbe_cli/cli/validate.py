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
    from spbe_cli.errors import Finding, Report


class ValidateFormat(str, enum.Enum):
    """Output formats of ``spbe validate``."""

    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"
    sarif = "sarif"


def formats(display: str) -> dict[ValidateFormat, Output[Report]]:
    """The output formats of ``spbe validate``: a name -> how a report becomes text."""
    from spbe_cli import report as fmt

    return {
        ValidateFormat.text: Output(fmt.format_text, colour=True),
        ValidateFormat.json: Output(lambda report: fmt.format_json(report, display)),
        ValidateFormat.github: Output(fmt.format_github),
        ValidateFormat.gitlab: Output(fmt.format_gitlab),
        ValidateFormat.sarif: Output(fmt.format_sarif),
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
        typer.Argument(help=t("cli.rules_codes"), metavar="KODE", autocompletion=complete_rule),
    ] = None,
    catalog_option: CatalogOption = None,
) -> None:
    """Daftar aturan pemeriksaan / List every validation rule with its code and severity.

    With codes, only those rules. With ``-c/--catalog`` the severity is the effective one under
    the catalog's ``.spbe.yaml`` (``warning→off``), and its exceptions are listed with their
    reasons.
    """
    from spbe_cli.cli import console
    from spbe_cli.diff.attention import ATTENTION_RULES
    from spbe_cli.report import format_finding
    from spbe_cli.ruleconfig import RuleConfig, load_rule_config
    from spbe_cli.rules import RULES

    config = RuleConfig()
    problems: list[Finding] = []
    if catalog_option is not None:
        path = catalog_path(None, catalog_option)
        config, problems = load_rule_config(path, path.as_posix())

    def level(code: str, default: str) -> str:
        effective = config.severities.get(code, default)
        return default if effective == default else f"{default}→{effective}"

    if codes:
        wanted = [code.upper() for code in codes]
        with user_errors():
            unknown = [c for c in wanted if c not in RULES and c not in ATTENTION_RULES]
            if unknown:
                raise UsageError(t("cli.rules_unknown", codes=", ".join(unknown)))
        lines = [
            f"{code:<8} {level(code, table[code].severity.value):<8} {t(prefix + code)}"
            for code in wanted
            for table, prefix in ((RULES, "rule."), (ATTENTION_RULES, "diff.rule."))
            if code in table
        ]
        console.out(lines, colour=False)
        for finding in problems:
            console.err(format_finding(finding))
        raise typer.Exit(1 if problems else 0)
    header = f"{t('rules.header_code'):<8} {t('rules.header_severity'):<8} {t('rules.header_rule')}"
    lines = [header]
    lines.extend(
        f"{code:<8} {level(code, rule.severity.value):<8} {t('rule.' + code)}"
        for code, rule in RULES.items()
    )
    lines += ["", t("rules.more"), "", t("rules.diff_header"), header]
    lines.extend(
        f"{code:<8} {rule.severity.value:<8} {t('diff.rule.' + code)}"
        for code, rule in ATTENTION_RULES.items()
    )
    lines += ["", t("rules.diff_more")]
    if config.exceptions:
        lines += ["", t("report.exceptions", count=len(config.exceptions))]
        lines += [f"  {e.location}: {e.code} {e.entity}: {e.reason}" for e in config.exceptions]
    console.out(lines, colour=False)
    for finding in problems:
        console.err(format_finding(finding))
    raise typer.Exit(1 if problems else 0)


def register(app: typer.Typer) -> None:
    """Add ``validate`` and ``rules`` to the ``spbe`` app."""
    app.command("validate", help=t("cli.cmd_validate"))(validate)
    app.command("rules", help=t("cli.cmd_rules"))(rules)
