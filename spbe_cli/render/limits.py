"""Bounds of one template render: wall-clock time, output size and (for user templates) memory.

The operator sets them (``--timeout``/``--max-mb`` or ``SPBE_RENDER_TIMEOUT``/
``SPBE_RENDER_MAX_MB``); a catalog cannot. This module imports nothing heavy, so the command line
can build the limits before jinja2 is loaded; :mod:`spbe_cli.render.sandbox` enforces them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

from spbe_cli.errors import UsageError
from spbe_cli.i18n import t

#: Defaults of the limits (see docs/render.md); the operator may change them, a catalog may not.
DEFAULT_TIMEOUT = 300.0
DEFAULT_MAX_MB = 256
#: Largest limits accepted: far above any real render, and below what the system's timer
#: (``setitimer``, ``time_t``) and address-space limit (``RLIMIT_AS``) can hold.
MAX_TIMEOUT = 1_000_000.0
MAX_MB = 1_000_000.0
#: Extra address space a user template may use on top of what spbe already uses (at least).
MIN_MEMORY_BUDGET = 1 << 30
#: Integers in templates are money and counts; a few hundred bits are plenty.
MAX_INT_BITS = 4096


@dataclasses.dataclass(frozen=True)
class RenderLimits:
    """Bounds of one template render (one document in one format)."""

    timeout: float = DEFAULT_TIMEOUT
    """Wall-clock seconds."""
    max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024
    """Size of the output, and of any single value an expression makes."""

    @property
    def memory_budget(self) -> int:
        """Address space a user template may add (POSIX ``RLIMIT_AS`` backstop)."""
        return max(MIN_MEMORY_BUDGET, 8 * self.max_bytes)

    @property
    def max_mb(self) -> float:
        """The size limit in MB, for messages."""
        return self.max_bytes / (1024 * 1024)


def limits_from(
    timeout: float | None, max_mb: float | None, environ: Mapping[str, str]
) -> RenderLimits:
    """The operator's limits: each option, else its environment variable, else the default.

    Raises:
        UsageError: a limit that is not a positive number up to its largest value.
    """
    seconds = _limit(
        timeout, "--timeout", environ, "SPBE_RENDER_TIMEOUT", DEFAULT_TIMEOUT, MAX_TIMEOUT
    )
    megabytes = _limit(max_mb, "--max-mb", environ, "SPBE_RENDER_MAX_MB", DEFAULT_MAX_MB, MAX_MB)
    return RenderLimits(timeout=seconds, max_bytes=max(1, round(megabytes * 1024 * 1024)))


def _limit(
    option: float | None,
    name: str,
    environ: Mapping[str, str],
    env: str,
    default: float,
    largest: float,
) -> float:
    if option is not None:
        raw: object = option
        shown = name
    else:
        raw = environ.get(env, "").strip() or default
        shown = env
    try:
        value = float(str(raw))
    except ValueError:
        value = -1.0
    # A number the command line parsed is echoed as typed (``0``, not ``0.0``).
    echoed = f"{raw:.15g}" if isinstance(raw, float) else raw
    if not value > 0 or math.isinf(value):
        raise UsageError(t("render.bad_limit", name=shown, value=echoed))
    if value > largest:
        raise UsageError(
            t("render.limit_too_large", name=shown, value=echoed, largest=f"{largest:.15g}")
        )
    return value
