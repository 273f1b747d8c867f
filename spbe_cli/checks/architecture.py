"""Traceability between the six domains, Aplikasi Umum use, and Satu Data metadata."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from spbe_cli.checks import Context
from spbe_cli.errors import Severity
from spbe_cli.i18n import t
from spbe_cli.models.common import in_use


def trace_facts(kind: str, entity: Any) -> Any:
    """What :func:`check_traceability` reads of one entity (None: nothing it counts).

    A layanan's ``[aplikasi, has proses bisnis, digital]``; a keamanan's ``objek`` (None when
    empty); a data set's True when it is sensitive; an application in use ``[national,
    infrastruktur, data]`` (one not in use is reported on nothing). The one home of what the
    rule reads: the full run and a followed edit (:mod:`spbe_cli.incremental_rules`).
    """
    if kind == "layanan":
        return [list(entity.aplikasi), bool(entity.proses_bisnis), bool(entity.digital)]
    if kind == "keamanan":
        return list(entity.objek) or None
    if kind == "data_informasi":
        return True if entity.sifat != "terbuka" or entity.data_pribadi else None
    if kind == "aplikasi":
        if not in_use(entity):
            return None
        national = entity.pemilik_tipe != "pemda" or entity.kategori == "umum"
        return [national, list(entity.infrastruktur), list(entity.data)]
    return None


#: A finding of :func:`check_traceability` before it is placed (at its subject's ``id``):
#: code, message key, values.
TraceFinding = tuple[str, str, dict[str, Any]]


def layanan_trace(layanan_id: str, facts: list[Any]) -> list[TraceFinding]:
    """SPBE401/SPBE402 of one layanan (its :func:`trace_facts`)."""
    aplikasi, proses_bisnis, digital = facts
    found: list[TraceFinding] = []
    if not proses_bisnis:
        found.append(("SPBE401", "arch.layanan_no_proses", {"id": layanan_id}))
    if digital and not aplikasi:
        found.append(("SPBE402", "arch.layanan_no_aplikasi", {"id": layanan_id}))
    return found


def aplikasi_trace(
    app_id: str,
    facts: list[Any],
    served: bool,
    covered: bool,
    sensitive: Callable[[str], bool],
) -> tuple[list[TraceFinding], list[str]]:
    """SPBE403-SPBE406 of one application in use, and the infrastructure its sensitive data is on.

    ``facts``: its :func:`trace_facts`; ``served``: a layanan names it; ``covered``: a keamanan
    names it; ``sensitive``: whether a data id is a sensitive data set.
    """
    national, infrastruktur, data = facts
    found: list[TraceFinding] = []
    values = {"id": app_id}
    if not served:
        found.append(("SPBE403", "arch.aplikasi_orphan", values))
    if not infrastruktur and not national:
        found.append(("SPBE404", "arch.aplikasi_no_infra", values))
    if not data:
        found.append(("SPBE405", "arch.aplikasi_no_data", values))
    held = sorted(d for d in data if sensitive(d))
    if not held:
        return found, []
    if not covered:
        found.append(("SPBE406", "arch.not_secured", {"id": app_id, "data": ", ".join(held)}))
    return found, infrastruktur


def infra_trace(infra_id: str, app_id: str) -> TraceFinding:
    """SPBE406 of an infrastructure no keamanan names, which ``app_id`` keeps sensitive data on.

    ``app_id``: the smallest id of the applications in use keeping sensitive data on it.
    """
    return "SPBE406", "arch.infra_not_secured", {"id": infra_id, "app": app_id}


def check_traceability(ctx: Context) -> None:
    """SPBE401-SPBE406: the chain proses bisnis -> layanan -> aplikasi -> data/infrastruktur."""
    catalog = ctx.catalog
    entities = catalog.entities

    def emit(subject: str, found: Iterable[TraceFinding]) -> None:
        # Where each finding is, found only for a finding: most applications have none.
        for code, message, values in found:
            ctx.emit(code, catalog.where(subject, "id"), message, **values)

    served: set[str] = set()
    for layanan_id in catalog.ids_of("layanan"):
        facts = trace_facts("layanan", entities[layanan_id])
        served.update(facts[0])
        emit(layanan_id, layanan_trace(layanan_id, facts))
    # What rejected documents would have contributed counts as there: their rejection is the
    # one finding, not an orphan application or an unsecured asset besides.
    served.update(catalog.rejected_values("layanan", "aplikasi"))
    covered: set[str] = set(catalog.rejected_values("keamanan", "objek"))
    for item in catalog.of_kind("keamanan"):
        covered.update(item.objek)
    sensitive = {
        data.id for data in catalog.of_kind("data_informasi") if trace_facts("data_informasi", data)
    }
    hosts_sensitive: dict[str, str] = {}
    for app_id in catalog.ids_of("aplikasi"):
        facts = trace_facts("aplikasi", entities[app_id])
        if facts is None:
            continue
        found, hosting = aplikasi_trace(
            app_id, facts, app_id in served, app_id in covered, sensitive.__contains__
        )
        emit(app_id, found)
        for infra in hosting:
            hosts_sensitive.setdefault(infra, app_id)
    for infra_id, app_id in sorted(hosts_sensitive.items()):
        # An id of another kind there is SPBE202 (check_references), the one finding: not also
        # "infrastructure DATA-01 is not secured" at that data set.
        if catalog.kinds.get(infra_id) == "infrastruktur" and infra_id not in covered:
            emit(infra_id, [infra_trace(infra_id, app_id)])


@cache
def _keyword_patterns(
    items: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (bidang, re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b"))
        for bidang, words in items
        if words
    ]


@cache
def _any_keyword(items: tuple[tuple[str, tuple[str, ...]], ...]) -> re.Pattern[str] | None:
    """One pattern of every keyword of ``items``: no match, none of theirs matches either."""
    words = [re.escape(word) for _, words in items for word in words]
    return re.compile(r"\b(" + "|".join(words) + r")\b") if words else None


def check_aplikasi_umum(ctx: Context) -> None:
    """SPBE407/SPBE408/SPBE411: Aplikasi Umum are national; duplicates need a justification."""
    catalog = ctx.catalog
    ref = ctx.reference
    bidang_with_app = {app.bidang: app for app in ref.aplikasi_umum.values()}
    # Only the fields that have an Aplikasi Umum can give a twin; most applications name none
    # of their keywords, which one search over all of them tells (it took 4 searches each).
    keywords = tuple((b, w) for b, w in sorted(ref.kata_kunci_au.items()) if b in bidang_with_app)
    patterns = _keyword_patterns(keywords)
    any_keyword = _any_keyword(keywords)
    for app_id in catalog.ids_of("aplikasi"):
        app = catalog.entities[app_id]
        if app.kategori == "umum":
            if app.aplikasi_umum is None or app.pemilik_tipe == "pemda":
                ctx.emit(
                    "SPBE407",
                    catalog.where(app_id, "kategori"),
                    "arch.umum_local",
                    id=app_id,
                    known=", ".join(ref.aplikasi_umum),
                )
            continue
        if app.pemilik_tipe != "pemda":
            continue
        if app.pemilik is None:
            ctx.emit("SPBE411", catalog.where(app_id, "id"), "arch.no_owner", id=app_id)
        twin = None
        if app.setara_aplikasi_umum in ref.aplikasi_umum:
            twin = ref.aplikasi_umum[app.setara_aplikasi_umum]
        elif app.bidang in bidang_with_app:
            twin = bidang_with_app[app.bidang]
        else:
            text = f"{app.nama} {app.fungsi or ''}".lower()
            if any_keyword is not None and any_keyword.search(text):
                for bidang, pattern in patterns:
                    if pattern.search(text):
                        twin = bidang_with_app[bidang]
                        break
        if twin is None or app.justifikasi_khusus is not None:
            continue
        planned = app.status == "rencana"
        ctx.emit(
            "SPBE408",
            catalog.where(app_id, "id"),
            "arch.duplicates_umum_planned" if planned else "arch.duplicates_umum",
            hint=t("hint.use_umum", umum=twin.nama),
            severity=Severity.ERROR if planned else None,
            id=app_id,
            umum=twin.nama,
            bidang=ref.bidang_au.get(twin.bidang, twin.bidang),
        )


def check_domains(ctx: Context) -> None:
    """SPBE413: the Arsitektur covers all six domains (indicator 11, level 3).

    A warning while the document is a draft, an error once it is final or ditetapkan, so that
    ``spbe render`` refuses to publish an Arsitektur with an empty domain.
    """
    meta, source = ctx.catalog.metadata, ctx.catalog.metadata_source
    if meta is None or source is None:
        return
    status = meta.dokumen.arsitektur.status
    severity = Severity.WARNING if status == "draf" else Severity.ERROR
    from spbe_cli.models import DOMAINS

    # A domain whose elements failed validation is already reported; it is not also "empty".
    tried = set(ctx.catalog.invalid.values())
    for kind in DOMAINS:
        if not ctx.catalog.ids_of(kind) and kind not in tried:
            ctx.emit(
                "SPBE413",
                source.location("dokumen", "arsitektur"),
                "arch.domain_empty",
                severity=severity,
                kind=kind,
                status=status,
            )


def check_satu_data(ctx: Context) -> None:
    """SPBE410/SPBE412: pembina data for statistics and geodata; metadata and interoperability."""
    catalog = ctx.catalog
    for data_id in catalog.ids_of("data_informasi"):
        data = catalog.entities[data_id]
        missing = [f for f in ("metadata", "interoperabilitas") if not getattr(data, f)]
        if missing and in_use(data):
            ctx.emit(
                "SPBE412",
                catalog.where(data_id, "id"),
                "arch.data_no_metadata",
                id=data_id,
                fields=", ".join(missing),
            )
        if data.jenis in ("statistik", "geospasial") and not data.pembina_data:
            ctx.emit(
                "SPBE410",
                catalog.where(data_id, "jenis"),
                "arch.no_pembina",
                id=data_id,
                jenis=data.jenis,
            )
