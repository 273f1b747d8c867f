"""Findings, locations, severities and exit codes shared by every command.

Problems in the user's data are values (:class:`Finding`), collected over the whole catalog
before anything is decided. Exceptions (:class:`SpbeError`) are only for work that cannot go on:
a catalog folder that does not exist, an output folder that cannot be written.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spbe_cli.ruleconfig import RuleException


class Severity(str, enum.Enum):
    """How much a finding matters; the order is the order of importance."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class ExitCode(enum.IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    CANNOT_RUN = 3


@dataclass(frozen=True, order=True)
class Location:
    """A place in a catalog file; line and column are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


def location_fields(location: Location | None) -> dict[str, Any]:
    """A place as the JSON outputs write it: ``path``, ``line`` and ``column``.

    Line and column are 1-based, 0 when unknown; each is None when there is no place. The one
    shape of a place in every command's JSON (validate, show, progress, diff).
    """
    if location is None:
        return {"path": None, "line": None, "column": None}
    return {"path": location.path, "line": location.line, "column": location.column}


@dataclass(frozen=True)
class Related:
    """A second location that explains a finding (the other half of a duplicate, say)."""

    location: Location
    message: str


@dataclass(frozen=True)
class Finding:
    """One problem in the catalog, at one place, under one rule."""

    code: str
    severity: Severity
    location: Location
    message: str
    hint: str | None = None
    related: tuple[Related, ...] = field(default=())

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Order findings by file, position, importance and code, for stable output."""
        loc = self.location
        return (loc.path, loc.line, loc.column, self.severity.rank, self.code, self.message)


@dataclass
class Report:
    """All findings of one run plus the counts the summary line shows."""

    findings: list[Finding]
    files: int = 0
    entities: int = 0
    strict: bool = False
    #: Exceptions of the catalog's rule configuration in force, as plain data (code, entity,
    #: reason, location, matched): listed by validate, diff and the documents' colophon.
    exceptions: list[RuleException] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        """Count findings of one severity."""
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        """Number of errors."""
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        """Number of informational findings."""
        return self.count(Severity.INFO)

    @property
    def return_code(self) -> ExitCode:
        """Exit code: 1 on errors, or on warnings when strict; 0 otherwise."""
        if self.errors or (self.strict and self.warnings):
            return ExitCode.FINDINGS
        return ExitCode.OK

    def sorted(self) -> list[Finding]:
        """Findings in output order."""
        return sorted(self.findings, key=Finding.sort_key)

    def only_errors(self) -> Report:
        """The same run with its errors only (what a command that refuses to go on shows)."""
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        return Report(
            errors,
            files=self.files,
            entities=self.entities,
            strict=self.strict,
            exceptions=self.exceptions,
        )


class SpbeError(Exception):
    """Work cannot go on; the message is for the user, in their language."""

    exit_code: ExitCode = ExitCode.CANNOT_RUN
    #: Findings that explain why (a diff side that cannot be loaded), shown after the message.
    findings: Sequence[Finding] = ()
    #: Further lines shown one by one under the message (the files in the way, say); the
    #: message itself stays one line, as every line shown is made safe on its own.
    details: Sequence[str] = ()


class UsageError(SpbeError):
    """The command line asks for something that does not make sense."""

    exit_code = ExitCode.USAGE


def with_hint(message: str, hint: str | None) -> str:
    """``message`` with its "did you mean" ``hint``, if any: the one way a hint joins a message.

    ``"id 'x' tidak ada di katalog; maksud Anda X?"``; without a hint the message ends as it is
    (no dangling separator).
    """
    return f"{message}; {hint}" if hint else message


#: The system errors a user meets, said in the language of the messages (``os.<ERRNO>``); the
#: English texts are the system's own (glibc), so an English run reads as before.
_OS_REASONS = frozenset(
    {
        "EACCES",
        "EEXIST",
        "EISDIR",
        "ELOOP",
        "ENAMETOOLONG",
        "ENOENT",
        "ENOSPC",
        "ENOTDIR",
        "ENOTEMPTY",
        "EPERM",
        "EROFS",
    }
)


def os_reason(exc: BaseException) -> str:
    """Why the system refused, for a message: translated for the common errors, else its text.

    The one home for the reason of an ``OSError`` in every message ("izin ditolak" rather than
    "Permission denied" inside an Indonesian sentence); an error without a system text gives
    its type's name.
    """
    import errno

    from spbe_cli.i18n import t

    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, "")
        if name in _OS_REASONS:
            return t(f"os.{name}")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def cannot_write(exc: OSError, target: object) -> SpbeError:
    """The error for a file or folder that cannot be written: its path and the system's reason."""
    from spbe_cli.i18n import t

    return SpbeError(
        t(
            "scaffold.cannot_write",
            path=str(exc.filename or target),
            reason=os_reason(exc),
        )
    )
