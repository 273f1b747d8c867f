"""Any Pemda: region codes and names, BPS versus Kemendagri codes, regulation types, reviews."""

from __future__ import annotations

from spbe_cli.checks import Context, usable_period
from spbe_cli.errors import Location
from spbe_cli.i18n import t
from spbe_cli.models import Metadata
from spbe_cli.parsing import is_placeholder
from spbe_cli.reference import region_kind_word, same_region_name, time_zone


def check_pemda(ctx: Context) -> None:
    """SPBE304-SPBE308: codes, names, regulation types, review years and the time zone."""
    meta, source = ctx.catalog.metadata, ctx.catalog.metadata_source
    if meta is None or source is None:
        return
    pemda = meta.pemda
    if pemda.kode_bps is not None and pemda.kode_bps == pemda.kode_kemendagri.replace(".", ""):
        ctx.emit(
            "SPBE304",
            source.location("pemda", "kode_bps"),
            "pemda.bps_is_kemendagri",
            kode=pemda.kode_bps,
            kemendagri=pemda.kode_kemendagri,
        )
    known_kind = ctx.reference.wilayah_jenis.get(pemda.kode_kemendagri)
    if known_kind is not None and known_kind != pemda.jenis:
        # `jenis: kota` with the code of a kabupaten: the kind follows the code, as the name does.
        ctx.emit(
            "SPBE305",
            source.location("pemda", "jenis"),
            "pemda.kind_code",
            jenis=pemda.jenis,
            kode=pemda.kode_kemendagri,
            expected=known_kind,
            nama=ctx.reference.wilayah[pemda.kode_kemendagri],
        )
    _check_name(ctx, source.location("pemda", "nama"), pemda.nama, pemda.kode_kemendagri)
    if pemda.provinsi is not None:
        where = source.location("pemda", "provinsi", "nama")
        _check_name(ctx, where, pemda.provinsi.nama, pemda.provinsi.kode_kemendagri)
    _check_opd_regions(ctx, meta)
    _check_regulation_types(ctx, meta)
    _check_reviews(ctx, meta)
    _check_time_zone(ctx, meta)


def _check_name(ctx: Context, where: Location, nama: str, kode: str) -> None:
    """SPBE305: a region's name is the one the region data gives its code (when it knows it).

    A kind word in the name must name the code's kind too: 'Kota Mimika' is not 94.04.
    """
    known = ctx.reference.wilayah.get(kode)
    kind = ctx.reference.wilayah_jenis.get(kode)
    if known is not None and not is_placeholder(nama) and not same_region_name(nama, known, kind):
        shown = f"{kind.capitalize()} {known}" if kind and region_kind_word(nama) else known
        ctx.emit("SPBE305", where, "pemda.name_code", nama=nama, kode=kode, expected=shown)


def _check_opd_regions(ctx: Context, meta: Metadata) -> None:
    """SPBE305 for OPDs with a region code: inside the Pemda, and the name matches the code."""
    catalog = ctx.catalog
    prefix = meta.pemda.kode_kemendagri + "."
    for opd in catalog.of_kind("opd"):
        kode = opd.kode_wilayah
        if kode is None:
            continue
        if not kode.startswith(prefix):
            ctx.emit(
                "SPBE207",
                catalog.where(opd.id, "kode_wilayah"),
                "ref.wilayah_outside",
                kode=kode,
                pemda=meta.pemda.kode_kemendagri,
            )
            continue
        _check_name(ctx, catalog.where(opd.id, "nama"), opd.nama, kode)


def _regional_types(ctx: Context) -> set[str]:
    """Regional regulation types of every kind of Pemda (Perda, Perbup, Perwali, Pergub, ...)."""
    return {t for jenis in ctx.reference.jenis_pemda.values() for t in jenis.jenis_regulasi}


def _check_regulation_types(ctx: Context, meta: Metadata) -> None:
    """SPBE306: a regional regulation's type follows the kind of Pemda that issues it."""
    ref = ctx.reference
    regional = _regional_types(ctx)
    own = ref.jenis_pemda[meta.pemda.jenis]
    provinsi = ref.jenis_pemda["provinsi"]
    for reg in ctx.catalog.of_kind("regulasi"):
        if reg.jenis not in regional:
            continue
        if reg.tingkat == "daerah":
            allowed, issuer = own.jenis_regulasi, own.pemerintah
        elif reg.tingkat == "provinsi":
            allowed, issuer = provinsi.jenis_regulasi, provinsi.pemerintah
        else:
            allowed, issuer = (), "Pemerintah Pusat"
        if reg.jenis not in allowed:
            ctx.emit(
                "SPBE306",
                ctx.catalog.where(reg.id, "jenis"),
                "pemda.regulation_type",
                jenis=reg.jenis,
                tingkat=reg.tingkat,
                issuer=issuer,
                allowed=", ".join(allowed) or "-",
            )


def _check_reviews(ctx: Context, meta: Metadata) -> None:
    """SPBE307: a review of the architecture falls in the mid-term or the final year.

    Without a clock (output must not depend on the day) a missing review cannot be called
    overdue; what can be checked is that each recorded review sits where the rule puts it.
    """
    source = ctx.catalog.metadata_source
    assert source is not None
    for name in ("arsitektur", "peta_rencana"):
        dokumen = getattr(meta.dokumen, name)
        periode = usable_period(dokumen.periode)
        if periode is None:
            continue
        span = periode.selesai - periode.mulai
        middle = {periode.mulai + span // 2, periode.mulai + (span + 1) // 2}
        for index, reviu in enumerate(dokumen.reviu):
            year = reviu.tanggal.year
            if reviu.jenis == "paruh_waktu" and year not in middle:
                expected = " / ".join(str(y) for y in sorted(middle))
            elif reviu.jenis == "tahun_terakhir" and year != periode.selesai:
                expected = str(periode.selesai)
            else:
                continue
            ctx.emit(
                "SPBE307",
                source.location("dokumen", name, "reviu", index, "tanggal"),
                "pemda.review_year",
                document=name,
                jenis=reviu.jenis,
                year=year,
                expected=expected,
            )


#: Hours ahead of UTC of each zone, as the hint says them.
_UTC_OFFSET = {"WIB": "UTC+7", "WITA": "UTC+8", "WIT": "UTC+9"}


def _check_time_zone(ctx: Context, meta: Metadata) -> None:
    """SPBE308: ``pemda.zona_waktu`` is the zone of the Pemda's province (Keppres 41/1987).

    The zone is the date of "today" in ``spbe progress``: a Papua Tengah catalog declaring WIB
    reads the day change two hours late. A warning (the zone is only the report's clock);
    checked only where the province's zone is known (:func:`spbe_cli.reference.time_zone`).
    """
    pemda = meta.pemda
    expected = time_zone(pemda.kode_kemendagri)
    if pemda.zona_waktu is None or expected is None or pemda.zona_waktu == expected:
        return
    source = ctx.catalog.metadata_source
    assert source is not None
    province = pemda.kode_kemendagri.split(".")[0]
    nama = ctx.reference.wilayah.get(province)
    if nama is None:
        nama = pemda.provinsi.nama if pemda.provinsi is not None else province
    ctx.emit(
        "SPBE308",
        source.location("pemda", "zona_waktu"),
        "pemda.time_zone",
        hint=t("pemda.time_zone_hint", expected=expected, utc=_UTC_OFFSET[expected]),
        zona=pemda.zona_waktu,
        provinsi=nama,
        expected=expected,
    )
