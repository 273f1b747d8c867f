"""Rule configuration of a catalog: per-rule severity and per-entity exceptions with a reason.

The file is ``.spbe.yaml`` in the catalog folder (hidden, so the loader never takes it for a
catalog document; it travels with the catalog in every git revision)::

    aturan:
      SPBE611: off        # off | info | warning | error
      SPBE403: info
    pengecualian:
      - aturan: SPBE403
        entitas: SRIKANDI-MIMIKA
        alasan: Aplikasi Umum nasional; layanannya dicatat oleh K/L pemiliknya.

Only rules about the catalog's content can be configured: the rules of loading and of the
schema (SPBE0xx, SPBE1xx) cannot, since a file that does not load must never pass. Every problem
in the file is an SPBE021 finding at its line and column, like any catalog file. An exception
never hides silently: ``spbe validate``, ``spbe diff`` and the documents' colophon list it with
its reason (:attr:`spbe_cli.errors.Report.exceptions`), and an exception that matches nothing is
listed with a count of 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spbe_cli import yamlio
from spbe_cli.catalog import Catalog, Source
from spbe_cli.errors import Finding, Location, Severity
from spbe_cli.i18n import t
from spbe_cli.rules import RULES, make_finding

CONFIG_FILE = ".spbe.yaml"
LEVELS = ("off", "info", "warning", "error")
#: Rule families that cannot be configured (a file that does not load must never pass).
FIXED_FAMILIES = ("berkas", "skema")
#: Largest configuration file read.
MAX_CONFIG_BYTES = 256 * 1024


@dataclass(frozen=True)
class RuleException:
    """One accepted exception: a rule that does not apply to one entity, and why."""

    code: str
    entity: str
    reason: str
    location: Location
    #: Findings it hid in this run.
    matched: int = 0


@dataclass
class RuleConfig:
    """Severity overrides and exceptions of one catalog."""

    severities: dict[str, str] = field(default_factory=dict)
    exceptions: list[RuleException] = field(default_factory=list)

    def level(self, code: str) -> str:
        """The effective level of a rule: its override, else its default severity."""
        rule = RULES.get(code)
        return self.severities.get(code, rule.severity.value if rule is not None else "")


def read_rule_config(data: bytes | None, display: str) -> tuple[RuleConfig, list[Finding]]:
    """Parse the configuration text; problems are SPBE021 findings (file:line:col)."""
    config = RuleConfig()
    if data is None:
        return config, []
    findings: list[Finding] = []

    def problem(line: int, column: int, message: str, /, **values: Any) -> None:
        findings.append(make_finding("SPBE021", Location(display, line, column), message, **values))

    if len(data) > MAX_CONFIG_BYTES:
        problem(1, 1, "config.too_large", limit=MAX_CONFIG_BYTES // 1024)
        return config, findings
    text, decode_problem = yamlio.decode(data)
    if text is None:
        line = decode_problem.line if decode_problem else 1
        problem(line, 1, "config.not_text")
        return config, findings
    nodes, problems = yamlio.compose(text)
    if not problems and len(nodes) > 1:
        second = nodes[1].start_mark
        problem(second.line + 1, second.column + 1, "config.syntax")
        return config, findings
    if not problems and nodes:
        value, positions, problems = yamlio.build_document(nodes[0], text)
    if problems:
        # What is wrong, in the words the catalog files get (a key written twice, a tab, ...).
        first = problems[0]
        problem(first.line, first.column, "config.yaml", detail=t(first.key, **first.values))
        return config, findings
    if not nodes:
        return config, findings
    source = Source(display, positions)
    if not isinstance(value, dict):
        problem(1, 1, "config.not_mapping")
        return config, findings
    for key in value:
        if key not in ("aturan", "pengecualian"):
            where = source.location(key, key=True)
            problem(where.line, where.column, "config.unknown_key", key=key)
    _severities(value.get("aturan"), source, config, problem)
    _exceptions(value.get("pengecualian"), source, config, problem)
    return config, findings


def _rule_problem(code: Any) -> str | None:
    if not isinstance(code, str) or code not in RULES:
        return "config.unknown_rule"
    if RULES[code].family in FIXED_FAMILIES:
        return "config.fixed_rule"
    return None


def _shaped(section: Any, name: str, shape: type, source: Source, problem: Any) -> bool:
    """Tell whether a section is there and has its shape (else report it)."""
    if section is None:
        return False
    if not isinstance(section, shape):
        where = source.location(name)
        problem(where.line, where.column, f"config.{name}_{'mapping' if shape is dict else 'list'}")
        return False
    return True


def _severities(section: Any, source: Source, config: RuleConfig, problem: Any) -> None:
    if not _shaped(section, "aturan", dict, source, problem):
        return
    for code, level in section.items():
        key_problem = _rule_problem(code)
        if key_problem is not None:
            where = source.location("aturan", code, key=True)
            problem(where.line, where.column, key_problem, code=code)
        elif level not in LEVELS:
            where = source.location("aturan", code)
            problem(where.line, where.column, "config.bad_level", levels=", ".join(LEVELS))
        else:
            config.severities[code] = level


def _exceptions(section: Any, source: Source, config: RuleConfig, problem: Any) -> None:
    if not _shaped(section, "pengecualian", list, source, problem):
        return
    for index, item in enumerate(section):
        where = source.location("pengecualian", index)
        if not isinstance(item, dict):
            problem(where.line, where.column, "config.exception_shape")
            continue
        unknown = [k for k in item if k not in ("aturan", "entitas", "alasan")]
        for key in unknown:
            at = source.location("pengecualian", index, key, key=True)
            problem(at.line, at.column, "config.unknown_key", key=key)
        code, entity, reason = item.get("aturan"), item.get("entitas"), item.get("alasan")
        rule_problem = _rule_problem(code)
        if rule_problem is not None:
            at = source.location("pengecualian", index, "aturan")
            problem(at.line, at.column, rule_problem, code=code)
            continue
        if not isinstance(entity, str) or not entity.strip():
            problem(where.line, where.column, "config.no_entity")
            continue
        if not isinstance(reason, str) or len(reason.strip()) < 10:
            at = source.location("pengecualian", index, "alasan") if reason else where
            problem(at.line, at.column, "config.no_reason", code=code, entity=entity)
            continue
        config.exceptions.append(RuleException(str(code), entity, reason.strip(), where))
    return


def config_misnamed(root: Path) -> list[str]:
    """Names in a catalog folder meant as its configuration that are not read as one.

    ``.spbe.yml``, ``.Spbe.yaml`` and the like (the catalog's own files may end in ``.yml`` or
    ``.YAML``), and ``.spbe.yaml`` itself when it is a link or not a regular file: each would
    leave the configuration out without a word.
    """
    try:
        names = [entry.name for entry in root.iterdir()]
    except OSError:
        return []
    config = root / CONFIG_FILE

    def same_file(name: str) -> bool:
        # The same file on a case-insensitive file system.
        try:
            return config.exists() and (root / name).samefile(config)
        except OSError:
            return False

    regular = config.is_file() and not config.is_symlink()
    return misnamed_config(names, regular, same_file)


def misnamed_config(
    names: Iterable[str], regular: bool, same_file: Callable[[str], bool] | None = None
) -> list[str]:
    """Of the names at the top of a catalog folder, those meant as its configuration not read.

    ``regular``: whether ``.spbe.yaml`` (when named) is a regular file, not a link or a folder;
    ``same_file(name)``: whether another spelling is that very file. One rule for a folder
    (:func:`config_misnamed`) and for a git revision (``spbe diff``).
    """
    found = []
    for name in sorted(names):
        if name == CONFIG_FILE:
            if not regular:
                found.append(name)
        elif name.lower() in _CONFIG_NAMES and not (same_file is not None and same_file(name)):
            found.append(name)
    return found


def config_problems(misnamed: Iterable[str], display_root: str) -> list[Finding]:
    """SPBE021 at each name :func:`misnamed_config` gives."""
    from spbe_cli.files import display_path

    return [
        make_finding(
            "SPBE021",
            Location(display_path(display_root, name), 1, 1),
            "config.not_regular" if name == CONFIG_FILE else "config.misnamed",
            name=CONFIG_FILE,
        )
        for name in misnamed
    ]


#: (Each starts with a dot: a revision's listing is searched for them among such names only.)
_CONFIG_NAMES = (CONFIG_FILE, ".spbe.yml")


def read_config_file(root: Path) -> bytes | None:
    """The bytes of ``.spbe.yaml`` in a catalog folder; None when there is none (or a link)."""
    path = root / CONFIG_FILE
    if not path.is_file() or path.is_symlink():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return b"\xff"  # reported as not text, never a traceback


def load_rule_config(root: Path, display_root: str) -> tuple[RuleConfig, list[Finding]]:
    """Read ``.spbe.yaml`` of a catalog folder (none: the defaults)."""
    from spbe_cli.cachestate import note
    from spbe_cli.files import display_path

    data = read_config_file(root)
    note("config", "", data)
    misnamed = config_misnamed(root)
    note("config-names", "", misnamed)
    problems = config_problems(misnamed, display_root)
    if data is None:
        return RuleConfig(), problems
    config, findings = read_rule_config(data, display_path(display_root, CONFIG_FILE))
    return config, [*problems, *findings]


def apply_rule_config(
    config: RuleConfig, findings: Iterable[Finding], catalog: Catalog, display_root: str
) -> tuple[list[Finding], list[RuleException]]:
    """Findings after the overrides and exceptions, and each exception with what it matched."""
    if not config.severities and not config.exceptions:
        return list(findings), []
    from spbe_cli.diff.findings import FindingIndex

    index = FindingIndex(catalog, display_root)
    wanted = {(e.code, e.entity): i for i, e in enumerate(config.exceptions)}
    matched = [0] * len(config.exceptions)
    kept: list[Finding] = []
    for finding in findings:
        hit = wanted.get((finding.code, index.key(finding).entity)) if wanted else None
        if hit is not None:
            matched[hit] += 1
            continue
        level = config.severities.get(finding.code)
        if level == "off":
            continue
        if level is not None:
            finding = replace(finding, severity=Severity(level))
        kept.append(finding)
    applied = [replace(e, matched=n) for e, n in zip(config.exceptions, matched, strict=True)]
    return kept, applied


def unknown_exception_entities(
    applied: Iterable[RuleException], catalog: Catalog, display_root: str
) -> list[Finding]:
    """SPBE021 warnings for exceptions naming nothing in the catalog (a typo, a removed entity).

    Such an exception hides nothing and would hide a finding of any entity later given that
    name; ``--strict`` fails on it. An exception of a file (findings outside any entity are
    keyed by the file's path) names nothing when that file is not there either.
    """
    unmatched = [e for e in applied if e.matched == 0]
    if not unmatched:
        return []  # before the imports: a catalog without exceptions never loads the diff package
    from spbe_cli.diff.findings import FindingIndex
    from spbe_cli.similarity import did_you_mean

    index = FindingIndex(catalog, display_root)
    known = {name for documents in index.documents.values() for name, _ in documents}
    known |= {*catalog.invalid, "."}
    ids = sorted(catalog.kinds)
    findings = []
    for exception in unmatched:
        name = exception.entity
        if name in known or _names_a_file(catalog.root, name):
            continue
        findings.append(
            make_finding(
                "SPBE021",
                exception.location,
                "config.unknown_entity",
                hint=did_you_mean(name, ids),
                severity=Severity.WARNING,
                code=exception.code,
                entity=name,
            )
        )
    return findings


def _names_a_file(root: Path, name: str) -> bool:
    """Tell whether an exception's ``entitas`` names a file of the catalog folder.

    An input of ``spbe validate`` like the files it loads: the run record notes the answer, so
    that a record is not replayed once the file appears or is gone (:mod:`spbe_cli.runrecord`).
    """
    from spbe_cli.cachestate import note

    found = names_a_file(root, name)
    note("file", name, found)
    return found


def names_a_file(root: Path, name: str) -> bool:
    """Whether ``name`` (relative, inside the folder) is a file under ``root``, unrecorded."""
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts:
        return False
    try:
        return (root / candidate).is_file()
    except (OSError, ValueError):
        return False
