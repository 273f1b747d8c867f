"""Whether this process uses the content cache, and whether a run is being recorded.

The light half of :mod:`spbe_cli.cache` and :mod:`spbe_cli.runrecord`, which re-export it:
every load asks these questions, and with the cache off (the default) the answer is no, so the
cache's and the run record's own modules (their hashing, JSON, folder checks and dataclasses)
are imported only by a run that uses them. The state lives here once: ``cache._state`` and
``runrecord._active`` are these same objects.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from spbe_cli.parsing import ParsedFile, parse_bytes

if TYPE_CHECKING:
    from spbe_cli.cache import ContentCache
    from spbe_cli.runrecord import Manifest

#: ``enabled``: ``spbe --cache``/``--no-cache``; None: follow the environment (``SPBE_CACHE=1``
#: turns the cache on; off by default). ``fill``: whether entries are written (:func:`filling`).
_state: dict[str, bool | None] = {"enabled": None, "fill": True}


@contextlib.contextmanager
def filling(fill: bool) -> Iterator[None]:
    """Write entries (or not) for the caches opened inside the block; they are read either way.

    ``spbe validate`` does not write them on the first run of a catalog (no run record yet):
    writing one entry per file made that run 2-3x slower, and a catalog validated once (a CI
    job with a new cache folder) never reads them; the run record is enough to replay it.
    """
    previous = _state["fill"]
    _state["fill"] = fill
    try:
        yield
    finally:
        _state["fill"] = previous


def set_enabled(enabled: bool) -> None:
    """Turn the cache on or off for this process (``spbe --cache`` / ``spbe --no-cache``)."""
    _state["enabled"] = enabled


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether this process uses the cache.

    Off unless asked for: filling an empty cache writes one file per catalog file, which made
    a cold run (every CI job without a kept cache folder) 1.5-2.5x slower at national scale,
    while a warm run gains about a quarter. A user who validates the same catalog again and
    again (an editor, a laptop) turns it on with ``--cache`` or ``SPBE_CACHE=1``.
    """
    if _state["enabled"] is not None:
        return _state["enabled"]
    env = os.environ if environ is None else environ
    return env.get("SPBE_CACHE", "").strip() not in ("", "0")


def open_cache() -> ContentCache | None:
    """The cache this process should use, or None when it is turned off."""
    if not enabled():
        return None
    from spbe_cli.cache import ContentCache, default_folder

    folder = default_folder()
    return ContentCache(folder) if folder is not None else None


def known_entry(cache: ContentCache | None, known: tuple[int, str] | None) -> ParsedFile | None:
    """The entry of a file read and hashed a moment ago (``known``: its size and SHA-256).

    The run record's check reads and hashes every file (:mod:`spbe_cli.runrecord`); the load
    that follows, in this process or a worker, takes the entry of that content without reading
    or hashing the file again (the run record notes that content, so the two agree even if the
    file changed since). None: no cache, nothing known, or no good entry (read the file).
    """
    if cache is None or known is None:
        return None
    size, digest = known
    return cache.get(digest, size)


def parse_cached(cache: ContentCache | None, data: bytes) -> ParsedFile:
    """The per-file stage of one file's content, from ``cache`` when it has it (then stored)."""
    return parse_keyed(cache, data)[1]


def parse_keyed(cache: ContentCache | None, data: bytes) -> tuple[str | None, ParsedFile]:
    """The content's key (None without a cache) and its per-file stage, cached."""
    if cache is None:
        return None, parse_bytes(data)
    key, parsed, bad = cache.lookup(data)
    if parsed is None:
        parsed = parse_bytes(data)
        cache.put(key, parsed, replace=bad)
    return key, parsed


# -- observing a run (spbe_cli.runrecord.recording) ------------------------------------------

#: The manifests being recorded in this process, innermost last.
_active: list[Manifest] = []


class ForkedInputError(RuntimeError):
    """An input read in a forked child (see :func:`spbe_cli.parallel.fork_call`) of a recorded run.

    The child fails, so its work is done again by the recording process, which notes the input.
    """


def _manifest() -> Manifest | None:
    """The manifest being recorded in this process, if any."""
    if not _active:
        return None
    manifest = _active[-1]
    if manifest.pid != os.getpid():
        raise ForkedInputError
    return manifest


def note_file(display: str, kind: str, size: int, digest: str | None) -> None:
    """Note one catalog file the run loaded (``digest`` None: it was not read)."""
    manifest = _manifest()
    if manifest is None:
        return
    if digest is None:
        manifest.complete = False
    else:
        manifest.files.append([display, kind, size, digest])


def note(what: str, argument: str, value: Any) -> None:
    """Note an input other than a catalog file: ``what`` names how replay reads it again."""
    manifest = _manifest()
    if manifest is not None:
        from spbe_cli.runrecord import _digest

        manifest.inputs.append([what, argument, _digest(value)])
