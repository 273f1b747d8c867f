"""Provenance: values that still hold a placeholder."""

from __future__ import annotations

from spbe_cli.checks import Context


def check_placeholders(ctx: Context) -> None:
    """SPBE901: list every field still holding ``[ISI ...]`` or ``TODO``."""
    for location, value in ctx.catalog.placeholders:
        ctx.emit("SPBE901", location, "prov.placeholder", value=value)
