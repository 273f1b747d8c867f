"""`spbe validate`: load a catalog, run every rule, and report."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spbe_cli.errors import Finding, Location, Report, Severity
from spbe_cli.rules import MAX_FINDINGS_PER_FILE, make_finding

if TYPE_CHECKING:
    # The loader and the checks import the schema models (pydantic): a replayed run never
    # needs them, so they are imported by the function that loads.
    from spbe_cli.catalog import Catalog
    from spbe_cli.checks import Claims
    from spbe_cli.loader import StepHook
    from spbe_cli.ruleconfig import RuleConfig, RuleException
    from spbe_cli.runrecord import Compared, RunRecords


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

    with collector.paused():  # the schema models and the rules: they live until exit
        from spbe_cli.checks import Claims, run_checks_each
        from spbe_cli.loader import load_catalog

    catalog, findings = load_catalog(root, display, on_step, known)
    claims = Claims(catalog)  # the rules' and explain_refused's: computed once
    with collector.paused():
        per_rule = run_checks_each(catalog, claims=claims)
    # Only a run that imported spbe_cli.incremental can be capturing (validate_report).
    incremental = sys.modules.get("spbe_cli.incremental")
    if incremental is not None:
        incremental.observe_rules(per_rule)
    findings.extend(f for found in per_rule for f in found)
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
    per-file entries (:func:`spbe_cli.cachestate.filling`).
    """
    from spbe_cli.cachestate import filling, open_cache

    cache = open_cache()
    store = cache.runs() if cache is not None and cache.usable() else None
    if store is None:
        return validate_catalog(root, display, strict=strict, on_step=on_step)[1]
    from spbe_cli.i18n import language
    from spbe_cli.runrecord import compare, recording, seen, slot

    shown = display if display is not None else root.as_posix()
    key = slot(root, shown, language())
    read: dict[str, tuple[int, str]] = {}
    compared = compare(store, key, root, shown, read)
    from spbe_cli import collector

    collector.until_exit(compared, read)  # tens of thousands of paths and digests: not freed
    if compared.report is not None:
        compared.report.strict = strict
        return compared.report
    followed = _follow(store, key, root, shown, compared, read, strict)
    if followed is not None:
        return followed
    from spbe_cli.incremental import CannotFollow, Snapshots, build, capturing

    # Per-file entries and the snapshot pay from the second run of a catalog on (see
    # cachestate.filling): a catalog validated once (a CI job with a new cache) never reads them.
    again = seen(store, key)
    with filling(again), recording() as manifest, capturing() as capture:
        catalog, report = validate_catalog(
            root, display, strict=strict, on_step=on_step, known=read
        )
    if manifest.complete and store.write(key, manifest, report) and again:
        snapshots = Snapshots(store)
        written = False
        try:
            with collector.paused():
                payload = build(key, manifest.files, capture, catalog)
            written = snapshots.write(key, payload)
        except (CannotFollow, AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            # The snapshot only makes a later run faster: without it, that run is in full.
            snapshots.forget(key)
            if os.environ.get("SPBE_EXPLAIN_CACHE"):
                print(f"spbe: no snapshot: {exc}", file=sys.stderr)  # noqa: T201
        if written:
            _remember(store, key, root, shown, manifest.files)
    return report


def _follow(
    store: RunRecords,
    key: str,
    root: Path,
    shown: str,
    compared: Compared,
    read: dict[str, tuple[int, str]],
    strict: bool,
) -> Report | None:
    """The report after an edit of a few files, from the last run's snapshot; None: run in full.

    See :mod:`spbe_cli.incremental`. The record and the snapshot are rewritten for the next run.
    """
    from spbe_cli.cachestate import filling
    from spbe_cli.incremental import STATS, CannotFollow, Snapshots, files_digest, follow
    from spbe_cli.runrecord import Manifest, inputs_unchanged

    if compared.stored is None or os.environ.get("SPBE_INCREMENTAL") == "0":
        return None
    from spbe_cli import collector

    snapshots = Snapshots(store)
    with collector.paused():
        stored = snapshots.read(key, len(compared.files))
    if stored is None or stored.files != files_digest(compared.stored["files"]):
        return None
    if not inputs_unchanged(root, compared.stored):
        return None

    try:
        # Whatever the snapshot holds, a value out of place is a full run, never a crash.
        with filling(True), collector.paused():
            outcome = follow(
                stored,
                compared.stored["files"],
                root,
                shown,
                compared.files,
                read,
                strict=strict,
                now=compared.now,
            )
    except (CannotFollow, KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        STATS["full"] += 1
        STATS["reason"] = f"{type(exc).__name__}: {exc}"
        if os.environ.get("SPBE_EXPLAIN_CACHE"):
            print(f"spbe: full run: {exc}", file=sys.stderr)  # noqa: T201
        return None
    collector.until_exit(stored, outcome)
    STATS["followed"] += 1
    STATS["built"] = outcome.built
    manifest = Manifest(files=outcome.files, inputs=compared.stored["inputs"])
    if store.write(key, manifest, outcome.report) and snapshots.write(key, outcome.snapshot):
        _remember(store, key, root, shown, outcome.files)
    report: Report = outcome.report
    return report


def _remember(store: RunRecords, key: str, root: Path, shown: str, files: list[list[Any]]) -> None:
    """Keep the blob id of each file beside a snapshot just written.

    ``spbe diff`` finds its base side's run by them (see :mod:`spbe_cli.blobids`).
    """
    from spbe_cli.blobids import remember

    remember(store, key, root, shown, files)


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
