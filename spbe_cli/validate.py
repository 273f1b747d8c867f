"""`spbe validate`: load a catalog, run every rule, and report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from spbe_cli.errors import Finding, Location, Report, Severity
from spbe_cli.rules import MAX_FINDINGS_PER_FILE, make_finding

if TYPE_CHECKING:
    # The loader and the checks import the schema models (pydantic): a replayed run never
    # needs them, so they are imported by the function that loads.
    from spbe_cli.catalog import Catalog
    from spbe_cli.checks import Claims
    from spbe_cli.loader import StepHook
    from spbe_cli.ruleconfig import RuleConfig, RuleException


def validate_catalog(
    root: Path,
    display: str | None = None,
    *,
    strict: bool = False,
    on_step: StepHook | None = None,
    known: Mapping[str, tuple[int, str]] | None = None,
) -> tuple[Catalog, Report]:
    """Load ``root`` and check it; the report holds every finding of both steps.

    ``known`` maps shown paths to the size and SHA-256 of content just read (see
    :func:`spbe_cli.loader.load_catalog`).
    """
    from spbe_cli import collector
    from spbe_cli.checks import Claims, run_checks
    from spbe_cli.loader import load_catalog

    catalog, findings = load_catalog(root, display, on_step, known)
    claims = Claims(catalog)  # the rules' and explain_refused's: computed once
    with collector.paused():
        findings.extend(run_checks(catalog, claims=claims))
    shown = display if display is not None else root.as_posix()
    findings, exceptions, _ = configured(root, shown, catalog, findings, claims)
    entities = len(catalog) + (1 if catalog.metadata is not None else 0) + len(catalog.referensi)
    report = Report(
        findings, files=catalog.files, entities=entities, strict=strict, exceptions=exceptions
    )
    return catalog, report


def configured(
    root: Path, shown: str, catalog: Catalog, findings: list[Finding], claims: Claims | None = None
) -> tuple[list[Finding], list[RuleException], RuleConfig]:
    """Every finding as the catalog's ``.spbe.yaml`` wants it: severities, exceptions, capped.

    The one home of that step, for ``spbe validate`` and ``spbe lsp``: the config's own
    problems are findings too; each exception comes back with what it matched, and the
    configuration itself with them. ``claims``: those the rules computed (see
    :class:`spbe_cli.checks.Claims`).
    """
    from spbe_cli.checks import explain_refused
    from spbe_cli.ruleconfig import apply_rule_config, load_rule_config, unknown_exception_entities

    config, problems = load_rule_config(root, shown)
    findings = explain_refused(catalog, findings, claims)
    findings, exceptions = apply_rule_config(config, findings, catalog, shown)
    problems += unknown_exception_entities(exceptions, catalog, shown)
    return cap_per_file([*findings, *problems], catalog.skipped_findings), exceptions, config


def validate_report(
    root: Path,
    display: str | None = None,
    *,
    strict: bool = False,
    on_step: StepHook | None = None,
) -> Report:
    """What :func:`validate_catalog` reports, replayed from the run record when nothing changed.

    Only with the content cache on (:mod:`spbe_cli.runrecord`): a run whose every input is
    what the last run recorded prints that run's report without loading anything; any other
    run is done in full and recorded. The first run of a catalog writes only the record, no
    per-file entries (:func:`spbe_cli.cache.filling`).
    """
    from spbe_cli.cache import filling, open_cache
    from spbe_cli.i18n import language
    from spbe_cli.runrecord import recording, replay, seen, slot

    cache = open_cache()
    store = cache.runs() if cache is not None and cache.usable() else None
    if store is None:
        return validate_catalog(root, display, strict=strict, on_step=on_step)[1]
    shown = display if display is not None else root.as_posix()
    key = slot(root, shown, language())
    read: dict[str, tuple[int, str]] = {}
    report = replay(store, key, root, shown, read)
    if report is not None:
        report.strict = strict
        return report
    # Per-file entries pay from the second run of a catalog on (see cache.filling).
    with filling(seen(store, key)), recording() as manifest:
        _, report = validate_catalog(root, display, strict=strict, on_step=on_step, known=read)
    if manifest.complete:
        store.write(key, manifest, report)
    return report


def cap_per_file(
    findings: Iterable[Finding],
    skipped: dict[str, tuple[int, Location]] | None = None,
    limit: int = MAX_FINDINGS_PER_FILE,
) -> list[Finding]:
    """Keep the first ``limit`` findings of each file (in output order) and count the rest.

    ``skipped`` counts, per file, findings the loader chose not to build, with where the first
    of them is. A file over the limit gets one SPBE020 finding at its first finding not shown,
    as severe as the worst one hidden (the loader only skips errors).
    """
    skipped = skipped or {}
    kept: list[Finding] = []
    hidden: dict[str, list[Finding]] = {}
    shown: dict[str, int] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        path = finding.location.path
        count = shown.get(path, 0)
        if count < limit:
            shown[path] = count + 1
            kept.append(finding)
        else:
            hidden.setdefault(path, []).append(finding)
    for path in sorted(set(hidden) | set(skipped)):
        rest = hidden.get(path, [])
        extra, first_skipped = skipped.get(path, (0, None))
        places = [f.location for f in rest[:1]] + ([first_skipped] if first_skipped else [])
        severities = [f.severity for f in rest] + ([Severity.ERROR] if extra else [])
        kept.append(
            make_finding(
                "SPBE020",
                min(places, key=lambda loc: (loc.line, loc.column)),
                "load.too_many_findings",
                severity=min(severities, key=lambda s: s.rank),
                count=len(rest) + extra,
                limit=limit,
            )
        )
    return kept
