"""Writing the rendered files: all or nothing, and never outside the output folder.

Files are first written into a fresh temporary folder inside the output folder, and moved into
place (``os.replace``, one rename per file) only when every file is complete. A rename replaces
a symlink in the output folder instead of writing through it, and file names come from the
document registry, never from catalog ids.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spbe_cli.errors import SpbeError
from spbe_cli.i18n import t

#: A file name from the registry, or a figure in the one subfolder ``gambar/``.
_SAFE_NAME = re.compile(r"^(gambar/)?[a-z0-9][a-z0-9.-]*$")


@dataclass(frozen=True)
class RenderedFile:
    """One output file, in memory."""

    name: str
    data: bytes


def check_output_folder(out: Path) -> None:
    """Refuse an output path that is a symlink, or that exists and is not a folder.

    A symlinked output folder would put the files wherever the link points (the repository
    root, ``.git`` ...), so it is refused rather than followed.
    """
    if out.is_symlink():
        raise SpbeError(t("render.output_symlink", path=out.as_posix()))
    if out.exists() and not out.is_dir():
        raise SpbeError(t("render.output_not_folder", path=out.as_posix()))


def _checked(files: Iterable[RenderedFile]) -> list[RenderedFile]:
    result = list(files)
    for file in result:
        if not _SAFE_NAME.match(file.name):  # pragma: no cover - names come from the registry
            raise SpbeError(t("render.unsafe_name", name=file.name))
    return result


def write_output(out: Path, files: Iterable[RenderedFile], stale: Iterable[str] = ()) -> list[str]:
    """Write every file into ``out`` atomically; return the names written.

    ``stale`` names files of an earlier run that this one no longer makes (a figure the
    document lost): they are removed once every new file is in place.
    """
    ready = _checked(files)
    gone = [name for name in stale if _SAFE_NAME.match(name)]
    check_output_folder(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpbeError(t("render.cannot_write", path=out.as_posix(), reason=exc.strerror)) from exc
    subfolders = sorted({file.name.rpartition("/")[0] for file in ready} - {""})
    for sub in subfolders:
        folder = out / sub
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise SpbeError(t("render.subfolder_symlink", path=folder.as_posix()))
    for file in ready:
        target = out / file.name
        if target.is_dir() and not target.is_symlink():
            raise SpbeError(t("render.target_is_folder", path=target.as_posix()))
    try:
        staging = Path(tempfile.mkdtemp(prefix=".spbe-render-", dir=out))
    except OSError as exc:
        raise SpbeError(t("render.cannot_write", path=out.as_posix(), reason=exc.strerror)) from exc
    try:
        for sub in subfolders:
            (staging / sub).mkdir()
        for file in ready:
            (staging / file.name).write_bytes(file.data)
            (staging / file.name).chmod(0o644)
        for sub in subfolders:
            (out / sub).mkdir(exist_ok=True)
        for file in ready:
            (staging / file.name).replace(out / file.name)
        for name in gone:
            (out / name).unlink(missing_ok=True)
    except OSError as exc:
        raise SpbeError(
            t("render.cannot_write", path=out.as_posix(), reason=exc.strerror or str(exc))
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [file.name for file in ready]


def differing(out: Path, files: Iterable[RenderedFile]) -> list[str]:
    """Names of the files whose bytes in ``out`` differ from the rendered ones (or are missing)."""
    result = []
    for file in _checked(files):
        target = out / file.name
        try:
            same = not target.is_symlink() and target.is_file() and target.read_bytes() == file.data
        except OSError:
            same = False
        if not same:
            result.append(file.name)
    return result
