"""Cross-entity rules: each a function that reads the catalog and emits findings.

A rule never raises on bad data: by the time it runs every entity is a valid model, and a
reference that does not resolve has already been reported once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from spbe_cli.catalog import Catalog
from spbe_cli.errors import Finding, Location, Related, Severity
from spbe_cli.i18n import t
from spbe_cli.rules import make_finding


@dataclass
class Context:
    """What a rule needs: the catalog, and a place to put findings."""

    catalog: Catalog
    findings: list[Finding] = field(default_factory=list)

    @property
    def reference(self) -> Any:
        """The reference data, extended by the catalog's declarations."""
        return self.catalog.reference

    def emit(
        self,
        code: str,
        location: Location,
        message: str,
        /,
        *,
        hint: str | None = None,
        related: Iterable[Related] = (),
        severity: Severity | None = None,
        **values: Any,
    ) -> None:
        """Record a finding under ``code`` with the message ``message`` (a message key)."""
        self.findings.append(
            make_finding(
                code, location, message, hint=hint, related=related, severity=severity, **values
            )
        )

    def ids_of(self, kinds: Iterable[str]) -> list[str]:
        """Ids of the given kinds, for 'did you mean' hints."""
        return [entity_id for kind in kinds for entity_id in self.catalog.ids_of(kind)]

    def suggest(self, wanted: str, candidates: list[str]) -> str | None:
        """A 'did you mean' hint: same id in another case first, then the closest spelling."""
        folded = wanted.casefold()
        for candidate in candidates:
            if candidate.casefold() == folded:
                return t("hint.did_you_mean", name=candidate)
        close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
        return t("hint.did_you_mean", name=close[0]) if close else None


def check_years_in_period(
    ctx: Context, entity_id: str, entity: Any, periode: Any, code: str, message: str
) -> None:
    """Report ``tahun_mulai`` / ``tahun_selesai`` outside a document's period."""
    for field_name in ("tahun_mulai", "tahun_selesai"):
        year = getattr(entity, field_name)
        if not periode.mulai <= year <= periode.selesai:
            ctx.emit(
                code,
                ctx.catalog.where(entity_id, field_name),
                message,
                id=entity_id,
                year=year,
                mulai=periode.mulai,
                selesai=periode.selesai,
            )


Check = Callable[[Context], None]


def all_checks() -> list[Check]:
    """Every rule function, in the order they run."""
    from spbe_cli.checks import (
        arsitektur,
        asalusul,
        duplikasi,
        evaluasi,
        pemda,
        petarencana,
        rujukan,
        smartcity,
    )

    return [
        rujukan.check_extensions,
        rujukan.check_metadata,
        pemda.check_pemda,
        rujukan.check_references,
        rujukan.check_codes,
        rujukan.check_lists,
        arsitektur.check_traceability,
        arsitektur.check_aplikasi_umum,
        arsitektur.check_satu_data,
        arsitektur.check_domains,
        petarencana.check_peta_rencana,
        petarencana.check_nomenklatur,
        smartcity.check_programs,
        smartcity.check_coverage,
        duplikasi.check_duplicates,
        evaluasi.check_evaluasi,
        asalusul.check_placeholders,
    ]


def run_checks(catalog: Catalog) -> list[Finding]:
    """Run every rule over a loaded catalog."""
    ctx = Context(catalog)
    for check in all_checks():
        check(ctx)
    return ctx.findings
