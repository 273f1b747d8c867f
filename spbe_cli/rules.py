"""The rule registry: every finding's code, its default severity and its family.

The one-line explanation of each rule is the message ``rule.<CODE>`` (in both languages); the long
form with an example of the fix is in ``docs/aturan.md``. A test checks the three agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spbe_cli.errors import Finding, Location, Related, Severity
from spbe_cli.i18n import t

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    """A validation rule."""

    code: str
    severity: Severity
    family: str


_TABLE: tuple[tuple[str, Severity, str], ...] = (
    # loading: the file and its YAML
    ("SPBE001", E, "berkas"),
    ("SPBE002", E, "berkas"),
    ("SPBE003", E, "berkas"),
    ("SPBE004", E, "berkas"),
    ("SPBE005", E, "berkas"),
    ("SPBE006", E, "berkas"),
    ("SPBE007", E, "berkas"),
    ("SPBE008", E, "berkas"),
    ("SPBE009", E, "berkas"),
    ("SPBE010", E, "berkas"),
    ("SPBE011", E, "berkas"),
    ("SPBE012", E, "berkas"),
    ("SPBE013", E, "berkas"),
    ("SPBE014", E, "berkas"),
    ("SPBE016", E, "berkas"),
    ("SPBE017", E, "berkas"),
    ("SPBE018", E, "berkas"),
    ("SPBE019", E, "berkas"),
    ("SPBE020", E, "berkas"),
    ("SPBE021", E, "berkas"),
    ("SPBE022", E, "berkas"),
    # schema: fields and ids
    ("SPBE101", E, "skema"),
    ("SPBE102", E, "skema"),
    ("SPBE103", E, "skema"),
    ("SPBE104", E, "skema"),
    ("SPBE105", E, "skema"),
    ("SPBE106", E, "skema"),
    ("SPBE107", E, "skema"),
    ("SPBE108", E, "skema"),
    ("SPBE109", E, "skema"),
    ("SPBE110", W, "skema"),
    ("SPBE111", W, "skema"),
    # references and reference codes
    ("SPBE201", E, "rujukan"),
    ("SPBE202", E, "rujukan"),
    ("SPBE203", E, "rujukan"),
    ("SPBE204", E, "rujukan"),
    ("SPBE205", E, "rujukan"),
    ("SPBE206", E, "rujukan"),
    ("SPBE207", E, "rujukan"),
    ("SPBE208", E, "rujukan"),
    ("SPBE209", E, "rujukan"),
    ("SPBE210", N, "rujukan"),
    ("SPBE211", W, "rujukan"),
    ("SPBE212", E, "rujukan"),
    ("SPBE213", W, "rujukan"),
    ("SPBE214", E, "rujukan"),
    ("SPBE215", E, "rujukan"),
    ("SPBE220", E, "rujukan"),
    # metadata and documents
    ("SPBE301", E, "metadata"),
    ("SPBE302", W, "metadata"),
    ("SPBE303", W, "metadata"),
    ("SPBE304", E, "metadata"),
    ("SPBE305", E, "metadata"),
    ("SPBE306", E, "metadata"),
    ("SPBE307", W, "metadata"),
    ("SPBE308", W, "metadata"),
    # architecture: traceability and Aplikasi Umum
    ("SPBE401", E, "arsitektur"),
    ("SPBE402", W, "arsitektur"),
    ("SPBE403", W, "arsitektur"),
    ("SPBE404", W, "arsitektur"),
    ("SPBE405", W, "arsitektur"),
    ("SPBE406", W, "arsitektur"),
    ("SPBE407", E, "arsitektur"),
    ("SPBE408", W, "arsitektur"),
    ("SPBE409", W, "arsitektur"),
    ("SPBE410", W, "arsitektur"),
    ("SPBE411", E, "arsitektur"),
    ("SPBE412", W, "arsitektur"),
    ("SPBE413", W, "arsitektur"),
    # Peta Rencana SPBE
    ("SPBE501", E, "peta_rencana"),
    ("SPBE502", E, "peta_rencana"),
    ("SPBE503", W, "peta_rencana"),
    ("SPBE504", W, "peta_rencana"),
    ("SPBE505", W, "peta_rencana"),
    ("SPBE506", W, "peta_rencana"),
    # smart city master plan
    ("SPBE601", E, "smart_city"),
    ("SPBE602", E, "smart_city"),
    ("SPBE603", W, "smart_city"),
    ("SPBE604", W, "smart_city"),
    ("SPBE605", W, "smart_city"),
    ("SPBE606", W, "smart_city"),
    ("SPBE607", W, "smart_city"),
    ("SPBE608", W, "smart_city"),
    ("SPBE609", W, "smart_city"),
    ("SPBE610", W, "smart_city"),
    ("SPBE611", N, "smart_city"),
    ("SPBE613", W, "smart_city"),
    ("SPBE614", W, "smart_city"),
    ("SPBE615", W, "smart_city"),
    ("SPBE616", W, "smart_city"),
    ("SPBE617", W, "smart_city"),
    ("SPBE618", W, "smart_city"),
    # evaluasi mandiri: Indeks SPBE (PermenPANRB 59/2020) and Indeks Pemdi (PermenPANRB 8/2026)
    ("SPBE801", E, "evaluasi"),
    ("SPBE802", E, "evaluasi"),
    ("SPBE803", E, "evaluasi"),
    ("SPBE804", W, "evaluasi"),
    ("SPBE805", W, "evaluasi"),
    # provenance
    ("SPBE901", W, "asal_usul"),
    ("SPBE902", E, "asal_usul"),
)

RULES: dict[str, Rule] = {code: Rule(code, sev, family) for code, sev, family in _TABLE}


def severity_of(code: str) -> Severity:
    """Default severity of a rule."""
    return RULES[code].severity


def make_finding(
    code: str,
    location: Location,
    message: str,
    /,
    *,
    hint: str | None = None,
    related: Iterable[Related] = (),
    severity: Severity | None = None,
    **values: Any,
) -> Finding:
    """A finding of rule ``code``: ``message`` is a message key filled with ``values``."""
    return Finding(
        code,
        severity or severity_of(code),
        location,
        t(message, **values),
        hint,
        tuple(related),
    )


#: At most this many findings are shown per file; the rest are counted in one SPBE020 finding,
#: so that one hostile file cannot flood a CI log.
MAX_FINDINGS_PER_FILE = 50
