"""Traceability between the six domains, Aplikasi Umum use, and Satu Data metadata."""

from __future__ import annotations

import re
from functools import cache

from spbe_cli.checks import Context
from spbe_cli.errors import Severity
from spbe_cli.i18n import t
from spbe_cli.models.common import in_use


def check_traceability(ctx: Context) -> None:
    """SPBE401-SPBE406: the chain proses bisnis -> layanan -> aplikasi -> data/infrastruktur."""
    catalog = ctx.catalog
    served: set[str] = set()
    for layanan_id in catalog.ids_of("layanan"):
        layanan = catalog.entities[layanan_id]
        served.update(layanan.aplikasi)
        if not layanan.proses_bisnis:
            ctx.emit(
                "SPBE401", catalog.where(layanan_id, "id"), "arch.layanan_no_proses", id=layanan_id
            )
        if layanan.digital and not layanan.aplikasi:
            ctx.emit(
                "SPBE402",
                catalog.where(layanan_id, "id"),
                "arch.layanan_no_aplikasi",
                id=layanan_id,
            )
    # What rejected documents would have contributed counts as there: their rejection is the
    # one finding, not an orphan application or an unsecured asset besides.
    served.update(catalog.rejected_values("layanan", "aplikasi"))
    covered: set[str] = set(catalog.rejected_values("keamanan", "objek"))
    for item in catalog.of_kind("keamanan"):
        covered.update(item.objek)
    sensitive = {
        data.id
        for data in catalog.of_kind("data_informasi")
        if data.sifat != "terbuka" or data.data_pribadi
    }
    hosts_sensitive: dict[str, str] = {}
    for app_id in catalog.ids_of("aplikasi"):
        app = catalog.entities[app_id]
        if not in_use(app):
            continue
        # Where each finding is, found only for a finding: most applications have none.
        national = app.pemilik_tipe != "pemda" or app.kategori == "umum"
        if app_id not in served:
            ctx.emit("SPBE403", catalog.where(app_id, "id"), "arch.aplikasi_orphan", id=app_id)
        if not app.infrastruktur and not national:
            ctx.emit("SPBE404", catalog.where(app_id, "id"), "arch.aplikasi_no_infra", id=app_id)
        if not app.data:
            ctx.emit("SPBE405", catalog.where(app_id, "id"), "arch.aplikasi_no_data", id=app_id)
        held = sorted(d for d in app.data if d in sensitive)
        if held:
            if app_id not in covered:
                ctx.emit(
                    "SPBE406",
                    catalog.where(app_id, "id"),
                    "arch.not_secured",
                    id=app_id,
                    data=", ".join(held),
                )
            for infra in app.infrastruktur:
                hosts_sensitive.setdefault(infra, app_id)
    for infra_id, app_id in sorted(hosts_sensitive.items()):
        # An id of another kind there is SPBE202 (check_references), the one finding: not also
        # "infrastructure DATA-01 is not secured" at that data set.
        if catalog.kinds.get(infra_id) == "infrastruktur" and infra_id not in covered:
            ctx.emit(
                "SPBE406",
                catalog.where(infra_id, "id"),
                "arch.infra_not_secured",
                id=infra_id,
                app=app_id,
            )


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
