"""``spbe validate`` (check a catalog) and ``spbe rules`` (every rule it checks)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from spbe_cli.cli.common import (
    CacheOption,
    CatalogArgument,
    CatalogOption,
    Output,
    catalog_path,
    default_catalog,
    emit,
    quick_exit_ready,
    user_errors,
)
from spbe_cli.cli.completion import complete_rule
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
    _cache: CacheOption = None,
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help=t("cli.validate_format"))
    ] = ValidateFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help=t("cli.strict"))] = False,
) -> None:
    """Periksa katalog / Check a catalog (exit 0 clean, 1 findings, 2 usage, 3 could not run)."""
    from spbe_cli import collector
    from spbe_cli.cli import console
    from spbe_cli.validate import validate_report

    collector.ending_after_command()  # what the run made is never freed: os._exit ends it
    path = catalog_path(catalog, catalog_option)
    with user_errors(), console.step_bar(t("cli.progress_validate")) as hook:
        result = validate_report(path, path.as_posix(), strict=strict, on_step=hook)
    emit(formats(path.as_posix()), output_format, result)
    quick_exit_ready()
    raise typer.Exit(int(result.return_code))


def rules(
    codes: Annotated[
        list[str] | None,
        typer.Argument(
            help=t("cli.rules_codes"), metavar=t("metavar.code"), autocompletion=complete_rule
        ),
    ] = None,
    catalog_option: CatalogOption = None,
) -> None:
    """Daftar aturan pemeriksaan / List every validation rule with its code and severity.

    With codes, only those rules. The severity is the effective one under the ``.spbe.yaml`` of
    the catalog (``-c/--catalog``, else ``catalog`` when there is one), e.g. ``warning→off``,
    and its exceptions are listed with their reasons.
    """
    from spbe_cli.cli import console
    from spbe_cli.report import format_finding, format_rules
    from spbe_cli.ruleconfig import RuleConfig, load_rule_config

    config = RuleConfig()
    problems: list[Finding] = []
    # The default catalog folder counts as for every command (it was read only with -c, so the
    # list showed severities validate does not use); without one, the defaults are listed.
    if catalog_option is not None or default_catalog().is_dir():
        path = catalog_path(None, catalog_option)
        config, found = load_rule_config(path, path.as_posix())
        problems.extend(found)
    with user_errors():
        lines = format_rules([code.upper() for code in codes or []], config)
    console.out(lines, colour=False)
    for finding in problems:
        console.err(format_finding(finding))
    raise typer.Exit(1 if problems else 0)


def register(app: typer.Typer) -> None:
    """Add ``validate`` and ``rules`` to the ``spbe`` app."""
    app.command("validate", help=t("cli.cmd_validate"))(validate)
    app.command("rules", help=t("cli.cmd_rules"))(rules)
