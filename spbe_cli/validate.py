"""`spbe validate`: load a catalog, run every rule, and report."""

from __future__ import annotations

from pathlib import Path

from spbe_cli.catalog import Catalog
from spbe_cli.checks import run_checks
from spbe_cli.errors import Report
from spbe_cli.loader import ProgressHook, load_catalog
from spbe_cli.rules import cap_per_file


def validate_catalog(
    root: Path,
    display: str | None = None,
    *,
    strict: bool = False,
    progress: ProgressHook | None = None,
) -> tuple[Catalog, Report]:
    """Load ``root`` and check it; the report holds every finding of both steps."""
    catalog, findings = load_catalog(root, display, progress)
    findings.extend(run_checks(catalog))
    findings = cap_per_file(findings, catalog.skipped_findings)
    entities = len(catalog) + (1 if catalog.metadata is not None else 0) + len(catalog.referensi)
    report = Report(findings, files=catalog.files, entities=entities, strict=strict)
    return catalog, report
