"""Provenance: values that still hold a placeholder."""

from __future__ import annotations

from spbe_cli.checks import Context


def check_placeholders(ctx: Context) -> None:
    """SPBE901/SPBE902: list every field still holding ``[ISI ...]`` or ``TODO``.

    Once a document is ``ditetapkan`` (enacted) a placeholder is an error (SPBE902): the catalog
    is the source of a published document and may not hold a blank in it.
    """
    meta = ctx.catalog.metadata
    enacted = []
    if meta is not None:
        enacted = [
            name
            for name in ("arsitektur", "peta_rencana", "masterplan")
            if getattr(meta.dokumen, name).status == "ditetapkan"
        ]
    for location, value in ctx.catalog.placeholders:
        if enacted:
            ctx.emit(
                "SPBE902",
                location,
                "prov.placeholder_enacted",
                value=value,
                documents=", ".join(enacted),
            )
        else:
            ctx.emit("SPBE901", location, "prov.placeholder", value=value)
