"""Temporary folders and files a run writes beside its output, and those a killed run left.

``spbe render`` stages documents in ``<out>/.spbe-render-XXXXXXXX/`` and ``spbe export`` writes
``<folder>/.spbe-export-XXXXXXXX`` before renaming it into place; both are removed when the run
ends, even on Ctrl-C or ``SIGTERM``. A run killed with ``SIGKILL`` (the out-of-memory killer, a
cancelled CI job) cannot clean up, so the next run does: :func:`sweep` removes the leftovers.

A leftover is told from the staging of a run still going on by a lock: the run that makes a
staging folder or file holds an exclusive ``flock`` on it for as long as it lives, and the
kernel drops the lock when the process dies, however it dies. :func:`sweep` removes only
entries whose lock it can take. So that a sweep cannot take a lock in the instant between a
run making its folder and locking it, making happens under a shared lock of the output folder
and sweeping under an exclusive one (never waited for: a busy folder is swept next time).

What is swept is narrow: names of exactly the pattern ``tempfile`` gives the prefix, directly
in the output folder, of the kind the prefix makes (a folder for render, a regular file for
export), owned by the user running spbe, never through a symbolic link. Where ``fcntl`` does
not exist (Windows) nothing is locked and nothing is swept.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

RENDER_PREFIX = ".spbe-render-"
EXPORT_PREFIX = ".spbe-export-"
#: ``tempfile`` adds eight characters of this alphabet to the prefix.
_RANDOM = "[a-z0-9_]{8}"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)

#: Locks this process holds on its staging folders and files: path -> descriptor.
_held: dict[str, int] = {}


@contextlib.contextmanager
def _folder_lock(folder: Path, *, exclusive: bool) -> Iterator[bool]:
    """Lock ``folder`` itself; yield whether it was had (never waiting for an exclusive one)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield False
        return
    try:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _hold(path: str, fd: int) -> None:
    """Lock ``fd`` (the staging just made) for the life of this process or until released."""
    if fcntl is None:  # pragma: no cover - Windows
        os.close(fd)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # pragma: no cover - nobody else can know the new name yet
        os.close(fd)
        return
    _held[path] = fd


#: The signals that stop a run and clean up (Ctrl-C, a cancelled CI job).
_STOPS = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def stops_deferred() -> Iterator[None]:
    """Hold Ctrl-C and ``SIGTERM`` back while a staging entry is made and its name kept.

    A stop arriving between making the entry and the ``try`` that removes it left it behind
    (and the output folder the run had made): it is delivered when the block ends, where the
    caller's clean-up sees the entry. The block holds a stop with a handler of its own rather
    than by masking the signal: a stop sent to the process goes to any thread that does not
    mask it (the manager thread of ``spbe render``'s figure pool), and Python then runs the
    handler in the main thread, inside the block, whatever the main thread's mask. Outside the
    main thread (Python sets handlers there only), or for a handler set outside Python, the
    block runs as it is.
    """
    held: list[int] = []
    previous: dict[int, Any] = {}
    owner = os.getpid()

    def hold(signum: int, _frame: object) -> None:
        if os.getpid() != owner:  # a child forked meanwhile: the block is not its own
            signal.signal(signum, previous[signum])
            signal.raise_signal(signum)
            return
        held.append(signum)

    try:
        with contextlib.ExitStack() as restore:
            for signum in sorted(_STOPS):
                if signal.getsignal(signum) is None:
                    continue  # set outside Python: it could not be put back
                try:
                    before = previous[signum] = signal.signal(signum, hold)
                except ValueError:  # not the main thread
                    break
                # Put back even when another callback raises (a stop landing as it is put back).
                restore.callback(signal.signal, signum, before)
            yield
    finally:
        for stop in dict.fromkeys(held):
            signal.raise_signal(stop)  # to this thread: its handler runs before this returns


def staging_folder(out: Path) -> Path:
    """Make and lock a new render staging folder in ``out`` (``OSError`` when it cannot)."""
    with _folder_lock(out, exclusive=False):
        path = tempfile.mkdtemp(prefix=RENDER_PREFIX, dir=out)
        try:
            fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        except OSError:  # pragma: no cover - removed in the instant since it was made
            return Path(path)
        _hold(path, fd)
    return Path(path)


def staging_file(folder: Path) -> tuple[int, str]:
    """Make and lock a new export temporary file in ``folder``: its open descriptor and path."""
    with _folder_lock(folder, exclusive=False):
        handle, path = tempfile.mkstemp(prefix=EXPORT_PREFIX, dir=folder)
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle, path


def remove_folder(path: Path) -> None:
    """Remove a staging folder of this run and drop its lock."""
    shutil.rmtree(path, ignore_errors=True)
    fd = _held.pop(str(path), None)
    if fd is not None:
        os.close(fd)


def sweep(folder: Path, prefix: str) -> list[str]:
    """Remove what killed runs left in ``folder`` under ``prefix``; return the names removed.

    Only ``folder``'s own entries of the exact temporary pattern, of the kind the prefix makes
    (render: a folder, export: a regular file), owned by this user and not locked by a living
    run. Nothing is followed: a symbolic link of that name is left alone, and the folder is
    removed with ``shutil.rmtree``, which does not follow links inside it either.
    """
    if fcntl is None:  # pragma: no cover - Windows
        return []
    pattern = re.compile(re.escape(prefix) + _RANDOM)
    want_folder = prefix == RENDER_PREFIX
    with _folder_lock(folder, exclusive=True) as locked:
        if not locked:
            return []
        try:
            entries = sorted(e.name for e in os.scandir(folder) if pattern.fullmatch(e.name))
        except OSError:
            return []
        return [n for n in entries if _remove_if_stale(folder / n, want_folder=want_folder)]


def _remove_if_stale(path: Path, *, want_folder: bool) -> bool:
    """Remove ``path`` if it is a leftover: our own, of the right kind, not locked, not a link."""
    flags = os.O_RDONLY | _NOFOLLOW | (_DIRECTORY if want_folder else os.O_NONBLOCK)
    try:
        fd = os.open(path, flags)
    except OSError:  # a symbolic link (O_NOFOLLOW), not a folder, gone meanwhile
        return False
    try:
        info = os.fstat(fd)
        kind_ok = stat.S_ISDIR(info.st_mode) if want_folder else stat.S_ISREG(info.st_mode)
        if not kind_ok or info.st_uid != os.getuid():
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a run that is still going on holds it
            return False
        # Still the entry that was opened (not swapped for a link meanwhile)?
        now = os.lstat(path)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return False
        if want_folder:
            shutil.rmtree(path, ignore_errors=True)
            return not os.path.lexists(path)
        path.unlink()
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
