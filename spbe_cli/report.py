"""Findings as text, JSON, GitHub Actions annotations, a GitLab Code Quality report or SARIF.

Plain strings; the CLI prints them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from spbe_cli.errors import Finding, Report, Severity, location_fields
from spbe_cli.i18n import t
from spbe_cli.markup import github_data, github_property, json_dumps, safe

if TYPE_CHECKING:
    from spbe_cli.ruleconfig import RuleConfig

JSON_SCHEMA_ID = "spbe.validate/1"


def summary_line(report: Report) -> str:
    """The one-line summary: files, entities, errors, warnings, infos."""
    return t(
        "report.summary",
        files=report.files,
        entities=report.entities,
        errors=report.errors,
        warnings=report.warnings,
        infos=report.infos,
    )


def finding_line(where: object, severity: str, code: str, message: str) -> str:
    """``path:line:col: severity[CODE]: message``: the one text shape of a finding, made safe."""
    return safe(f"{where}: {severity}[{code}]: {message}")


def format_finding(finding: Finding) -> str:
    """One finding as a text line (without its hint and related locations)."""
    return finding_line(finding.location, finding.severity.value, finding.code, finding.message)


def finding_notes(finding: Finding) -> list[str]:
    """What a finding's text lines say under it: its hint, then each related location."""
    notes = [f"{t('report.hint')}: {finding.hint}"] if finding.hint else []
    notes += [
        f"{t('report.see')} {related.location}: {related.message}" for related in finding.related
    ]
    return notes


def format_text(report: Report) -> list[str]:
    """``path:line:col: severity[CODE]: message`` lines, grouped by file, then the summary."""
    lines: list[str] = []
    previous = None
    for finding in report.sorted():
        if previous is not None and finding.location.path != previous:
            lines.append("")
        previous = finding.location.path
        lines.append(format_finding(finding))
        lines.extend(f"  = {note}" for note in finding_notes(finding))
    if lines:
        lines.append("")
    lines += exception_lines(report.exceptions)
    lines.append(summary_line(report))
    return [safe(line) for line in lines]


def exception_lines(exceptions: list[Any]) -> list[str]:
    """The exceptions in force, each with its reason: an exception is never silent."""
    if not exceptions:
        return []
    lines = [t("report.exceptions", count=len(exceptions))]
    lines += [
        f"  {e.location}: "
        + t(
            "report.exception_line",
            code=e.code,
            entity=e.entity,
            reason=e.reason,
            matched=e.matched,
        )
        for e in exceptions
    ]
    return [*lines, ""]


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as a JSON object (the documented schema)."""
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        **location_fields(finding.location),
        "message": finding.message,
        "hint": finding.hint,
        "related": [{**location_fields(r.location), "message": r.message} for r in finding.related],
    }


def format_json(report: Report, catalog_path: str) -> str:
    """The whole report as one JSON document."""
    data = {
        "schema": JSON_SCHEMA_ID,
        "catalog": catalog_path,
        "summary": {
            "files": report.files,
            "entities": report.entities,
            "errors": report.errors,
            "warnings": report.warnings,
            "infos": report.infos,
            "strict": report.strict,
            "exit_code": int(report.return_code),
        },
        "findings": [finding_dict(f) for f in report.sorted()],
        "exceptions": [exception_dict(e) for e in report.exceptions],
    }
    # Texts, counts and places only (finding_dict, exception_dict): no float.
    return json_dumps(data, floats=False)


def exception_dict(exception: Any) -> dict[str, Any]:
    """One exception in force as a JSON object."""
    return {
        "code": exception.code,
        "entity": exception.entity,
        "reason": exception.reason,
        "matched": exception.matched,
        **location_fields(exception.location),
    }


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(report: Report) -> list[str]:
    """GitHub Actions workflow commands; catalog text is escaped so it cannot forge one."""
    lines = []
    for finding in report.sorted():
        loc = finding.location
        props = [f"file={github_property(loc.path)}"]
        if loc.line:
            props += [f"line={loc.line}", f"col={loc.column or 1}"]
        props.append(f"title={github_property(finding.code)}")
        message = finding.message
        if finding.hint:
            message += f" ({t('report.hint')}: {finding.hint})"
        lines.append(
            f"::{_GITHUB_LEVEL[finding.severity]} {','.join(props)}::{github_data(message)}"
        )
    lines.append(summary_line(report))
    return lines


_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def format_gitlab(report: Report) -> str:
    """A GitLab Code Quality report (the Code Climate JSON subset GitLab reads).

    The fingerprint leaves the line out, so a finding that only moves is not shown as new in a
    merge request; identical findings in one file are told apart by their occurrence number.
    """
    seen: dict[tuple[str, str, str], int] = {}
    issues = []
    for finding in report.sorted():
        loc = finding.location
        key = (finding.code, loc.path, finding.message)
        seen[key] = seen.get(key, 0) + 1
        digest = _sha256("\0".join([*key, str(seen[key])]))
        description = f"[{finding.code}] {finding.message}"
        if finding.hint:
            description += f" ({t('report.hint')}: {finding.hint})"
        issues.append(
            {
                "description": description,
                "check_name": finding.code,
                "fingerprint": digest,
                "severity": _GITLAB_SEVERITY[finding.severity],
                "location": {"path": loc.path, "lines": {"begin": max(loc.line, 1)}},
            }
        )
    return json_dumps(issues)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_uri(path: str) -> str:
    """A shown path as a relative URI reference (RFC 3986), the form SARIF asks for.

    Every byte but ``/`` and the unreserved ones is percent-encoded (``:`` too, after the
    first segment only for readability): ``a:b.yaml`` at the catalog's top, as ``spbe validate
    .`` shows it, would otherwise read as a URI with the scheme ``a``.
    """
    first, slash, rest = path.partition("/")
    return quote(first, safe="") + slash + quote(rest, safe="/:")


def _sarif_location(path: str, line: int, column: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": sarif_uri(path)}}
    if line:
        physical["region"] = {"startLine": line, "startColumn": column or 1}
    return {"physicalLocation": physical}


def format_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log (GitHub code scanning): every finding, no cap per step.

    Rules carry their one-line explanation and default level; each result its level (after the
    catalog's configuration), message, place and related places. The fingerprint leaves the line
    out, as in the GitLab report, so a finding that only moves is not new.
    """
    from spbe_cli import __version__
    from spbe_cli.rules import RULES

    findings = report.sorted()
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = RULES.get(code)
        level = _SARIF_LEVEL[rule.severity] if rule is not None else "warning"
        rules.append(
            {
                "id": code,
                "shortDescription": {"text": t(f"rule.{code}")},
                "defaultConfiguration": {"level": level},
                "help": {"text": f"docs/aturan.md#{code.lower()}"},
            }
        )
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    for finding in findings:
        loc = finding.location
        key = (finding.code, loc.path, finding.message)
        seen[key] = seen.get(key, 0) + 1
        digest = _sha256("\0".join([*key, str(seen[key])]))
        text = finding.message
        if finding.hint:
            text += f" ({t('report.hint')}: {finding.hint})"
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": text},
            "locations": [_sarif_location(loc.path, loc.line, loc.column)],
            "partialFingerprints": {"spbeFinding/v1": digest},
        }
        if finding.related:
            result["relatedLocations"] = [
                {
                    "id": number,
                    **_sarif_location(r.location.path, r.location.line, r.location.column),
                    "message": {"text": r.message},
                }
                for number, r in enumerate(finding.related)
            ]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "spbe",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_dumps(log)


def format_rules(codes: list[str], config: RuleConfig) -> list[str]:
    """``spbe rules``: every rule (or only ``codes``) with its effective severity and title.

    The severity reads ``warning→off`` where the catalog's ``.spbe.yaml`` changes it; the
    catalog's exceptions follow with their reasons.

    Raises:
        UsageError: a code that names no rule.
    """
    from spbe_cli.diff.attention import ATTENTION_RULES
    from spbe_cli.errors import UsageError
    from spbe_cli.rules import RULES

    def level(code: str, default: str) -> str:
        effective = config.severities.get(code, default)
        return default if effective == default else f"{default}→{effective}"

    # The severity column is as wide as its widest entry ("warning→off"), at least 8.
    width = max(8, *(len(level(code, rule.severity.value)) for code, rule in RULES.items()))
    if codes:
        unknown = [c for c in codes if c not in RULES and c not in ATTENTION_RULES]
        if unknown:
            raise UsageError(t("cli.rules_unknown", codes=", ".join(unknown)))
        return [
            f"{code:<8} {level(code, table[code].severity.value):<{width}} {t(prefix + code)}"
            for code in codes
            for table, prefix in ((RULES, "rule."), (ATTENTION_RULES, "diff.rule."))
            if code in table
        ]
    header = (
        f"{t('rules.header_code'):<8} {t('rules.header_severity'):<{width}} "
        f"{t('rules.header_rule')}"
    )
    lines = [header]
    lines.extend(
        f"{code:<8} {level(code, rule.severity.value):<{width}} {t('rule.' + code)}"
        for code, rule in RULES.items()
    )
    lines += ["", t("rules.more"), "", t("rules.diff_header"), header]
    lines.extend(
        f"{code:<8} {rule.severity.value:<{width}} {t('diff.rule.' + code)}"
        for code, rule in ATTENTION_RULES.items()
    )
    lines += ["", t("rules.diff_more")]
    if config.exceptions:
        lines += ["", t("report.exceptions", count=len(config.exceptions))]
        lines += [f"  {e.location}: {e.code} {e.entity}: {e.reason}" for e in config.exceptions]
    return lines


def _sha256(text: str) -> str:
    """The hex SHA-256 of ``text`` (UTF-8): a finding's fingerprint in the CI formats.

    ``hashlib`` is imported here, not with the module: the text output never needs it.
    """
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
