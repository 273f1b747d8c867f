"""Writing the rendered files: all or nothing, and never outside the output folder.

Files are first written into a fresh temporary folder inside the output folder, and moved into
place (``os.replace``, one rename per file) only when every file is complete. A rename replaces
a symlink in the output folder instead of writing through it, and file names come from the
document registry, never from catalog ids.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from spbe_cli.errors import SpbeError, os_reason
from spbe_cli.i18n import t
from spbe_cli.staging import RENDER_PREFIX, remove_folder, staging_folder, stops_deferred, sweep

#: A file name from the registry, or a figure in the one subfolder ``gambar/``.
_SAFE_NAME = re.compile(r"^(gambar/)?[a-z0-9][a-z0-9.-]*$")


@dataclass(frozen=True)
class RenderedFile:
    """One output file, in memory."""

    name: str
    data: bytes


@dataclass(frozen=True)
class StagedFile:
    """An output file another process of the run already wrote, complete, at ``path``.

    ``path`` is inside the output folder (a staging folder of that process); :func:`write_output`
    moves it into place with the others.
    """

    name: str
    path: Path


@dataclass(frozen=True)
class ComparedFile:
    """An output file another process of the run rendered and compared with ``--check``."""

    name: str
    same: bool
    """Whether the output folder already holds exactly these bytes."""


#: Runs of three or more newlines (a Markdown writer keeps at most one blank line).
_BLANK_RUNS = re.compile(r"\n{3,}")
#: Lines a :class:`Utf8Lines` holds before encoding them.
_FLUSH_LINES = 4096


class Utf8Lines:
    """A text written line by line and kept as UTF-8, never as one large ``str``.

    A writer appends its lines; :meth:`getvalue` gives them joined by newlines, as UTF-8. A
    national-scale document is some 25 MB of text with a few non-ASCII characters, which makes
    a joined ``str`` two bytes per character and its every copy another 45 MB; here lines are
    encoded a few thousand at a time. With ``markdown=True`` the text is tidied as Markdown
    wants it: no newline at the start, every run of blank lines collapsed into one blank line,
    exactly one newline at the end.
    """

    def __init__(self, *, markdown: bool = False) -> None:
        self._buffer = io.BytesIO()
        self._lines: list[str] = []
        self._markdown = markdown
        self._written = False
        self._started = False
        self._newlines = 0
        self._ended = False

    def append(self, line: str) -> None:
        """Add one line (it may hold newlines of its own)."""
        self._lines.append(line)
        if len(self._lines) >= _FLUSH_LINES:
            self._flush()

    def extend(self, lines: Iterable[str]) -> None:
        """Add several lines."""
        self._lines.extend(lines)
        if len(self._lines) >= _FLUSH_LINES:
            self._flush()

    def append_pieces(self, pieces: Iterable[str]) -> None:
        """Add one line made of ``pieces`` (a large table), without making the line itself."""
        self._flush()
        if self._written:
            self._write("\n")
        self._written = True
        batch: list[str] = []
        for piece in pieces:
            batch.append(piece)
            if len(batch) >= _FLUSH_LINES:
                self._write("".join(batch))
                batch.clear()
        self._write("".join(batch))

    def _flush(self) -> None:
        if not self._lines:
            return
        if self._written:
            self._write("\n")
        self._written = True
        text = "\n".join(self._lines)
        self._lines.clear()
        self._write(text)

    def _write(self, text: str) -> None:
        if self._markdown:
            text = self._tidy(text)
        self._buffer.write(text.encode("utf-8"))

    def _tidy(self, text: str) -> str:
        """The next piece of Markdown with its newline runs tidied across piece boundaries."""
        body = text.strip("\n")
        if not body:
            self._newlines += len(text)
            return ""
        lead = len(text) - len(text.lstrip("\n"))
        gap = "\n" * min(self._newlines + lead, 2) if self._started else ""
        self._started = True
        self._newlines = len(text) - len(text.rstrip("\n"))
        return gap + _BLANK_RUNS.sub("\n\n", body)

    def getvalue(self) -> bytes:
        """The whole text as UTF-8 (once the last line is in: the text is then complete)."""
        if not self._ended:
            self._flush()
            self._ended = True
            if self._markdown:
                self._buffer.write(b"\n")
        return self._buffer.getvalue()


def check_output_folder(out: Path) -> None:
    """Refuse an output path that is a symlink, or that exists and is not a folder.

    A symlinked output folder would put the files wherever the link points (the repository
    root, ``.git`` ...), so it is refused rather than followed. A path the system refuses to
    look at (a name too long) cannot be written: said so, like any other write failure.
    """
    try:
        linked = out.is_symlink()
        other = out.exists() and not out.is_dir()
    except OSError as exc:
        reason = os_reason(exc)
        raise SpbeError(t("render.cannot_write", path=out.as_posix(), reason=reason)) from exc
    if linked:
        raise SpbeError(t("render.output_symlink", path=out.as_posix()))
    if other:
        raise SpbeError(t("render.output_not_folder", path=out.as_posix()))


#: Files of these kinds in a catalog or template folder are read by spbe (entities, templates).
SOURCE_SUFFIXES = frozenset({".yaml", ".yml", ".j2"})


def check_output_place(out: Path, roots: Iterable[Path], read: Iterable[Path]) -> None:
    """Refuse an output folder that holds files of the catalog or of a template folder.

    The render writes ``<document>.<format>`` into the output folder and figures into its
    ``gambar/``, and removes figures it no longer makes: in a folder of the catalog (``-o
    catalog``, ``-o catalog/prosa``) it would overwrite a prose file called ``masterplan.md``
    and mix documents with the files of a pull request. So the output folder and its
    ``gambar/``, where they lie inside one of ``roots`` (the catalog, the template folders),
    may hold no file spbe reads there: YAML, a template, or one of ``read`` (prose, the logo).
    A new folder inside the catalog (``-o build`` in a catalog at the repository root) is fine.
    Paths are compared resolved, so ``-o catalog/.`` or a ``..`` detour is the same place.
    """
    owners = [root.resolve() for root in roots]
    used = {path.resolve() for path in read}
    where = out.resolve()
    for folder in (where, where / "gambar"):
        if not any(folder.is_relative_to(root) for root in owners):
            continue
        try:
            if not folder.is_dir():
                continue
        except OSError:  # a path too long to look at: nothing of the catalog is there
            continue
        for entry in sorted(folder.iterdir()):
            if entry.is_file() and (entry.suffix in SOURCE_SUFFIXES or entry.resolve() in used):
                shown = (out / entry.relative_to(where)).as_posix()
                raise SpbeError(t("render.output_holds_source", path=out.as_posix(), file=shown))


def safe_name(name: str) -> bool:
    """Whether ``name`` is one an output file may have (a registry name, or ``gambar/<x>``)."""
    return _SAFE_NAME.match(name) is not None


AnyFile = TypeVar("AnyFile", bound="RenderedFile | StagedFile | ComparedFile")


def _checked(file: AnyFile) -> AnyFile:
    if not safe_name(file.name):  # pragma: no cover - names come from the registry
        raise SpbeError(t("render.unsafe_name", name=file.name))
    return file


def put_file(target: Path, data: bytes) -> None:
    """Write one staged file, readable by all (``0644``) whatever the umask of a temp folder."""
    target.write_bytes(data)
    target.chmod(0o644)


def same_as_output(out: Path, file: RenderedFile) -> bool:
    """Whether ``out`` already holds exactly the bytes of ``file`` (a regular file, no link)."""
    target = out / _checked(file).name
    try:
        return not target.is_symlink() and target.is_file() and target.read_bytes() == file.data
    except OSError:
        return False


def _subfolder(out: Path, staging: Path, name: str, made: set[str]) -> None:
    """Make the staging subfolder of ``name`` (``gambar/``), refusing a linked one in ``out``."""
    sub = name.rpartition("/")[0]
    if not sub or sub in made:
        return
    folder = out / sub
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise SpbeError(t("render.subfolder_symlink", path=folder.as_posix()))
    (staging / sub).mkdir()
    made.add(sub)


def write_output(
    out: Path,
    files: Iterable[RenderedFile | StagedFile],
    stale: Callable[[list[str]], Iterable[str]] | None = None,
) -> list[str]:
    """Write every file into ``out`` atomically; return the names written.

    ``files`` may be produced while they are written (a generator): each goes to a staging
    folder inside ``out`` at once, and all are moved into place only when the last one is
    complete; a :class:`StagedFile` another process wrote is moved in with them. If producing or
    writing any file fails, ``out`` is left as it was: a generator of files is closed first (so
    what it staged is cleaned up), then a folder this call created is removed again. ``stale`` is
    given the names written and names files of an earlier run that this one no longer makes (a
    figure the document lost): they are removed once every new file is in place.
    """
    check_output_folder(out)
    created = _missing_folders(out)
    names: list[str] = []
    made: set[str] = set()
    staging: Path | None = None
    try:
        try:
            out.mkdir(parents=True, exist_ok=True)
            sweep(out, RENDER_PREFIX)  # what a run killed with SIGKILL left here
            with stops_deferred():  # a stop now would leave the staging folder behind
                staging = staging_folder(out)
        except OSError as exc:
            reason = os_reason(exc)
            raise SpbeError(t("render.cannot_write", path=out.as_posix(), reason=reason)) from exc
        try:
            for file in map(_checked, files):
                target = out / file.name
                if target.is_dir() and not target.is_symlink():
                    raise SpbeError(t("render.target_is_folder", path=target.as_posix()))
                _subfolder(out, staging, file.name, made)
                if isinstance(file, StagedFile):
                    file.path.replace(staging / file.name)
                else:
                    put_file(staging / file.name, file.data)
                names.append(file.name)
            for sub in sorted(made):
                (out / sub).mkdir(exist_ok=True)
            for name in names:
                (staging / name).replace(out / name)
            gone = [name for name in (stale(names) if stale else ()) if _SAFE_NAME.match(name)]
            for name in gone:
                (out / name).unlink(missing_ok=True)
        except OSError as exc:
            raise SpbeError(
                t("render.cannot_write", path=out.as_posix(), reason=os_reason(exc))
            ) from exc
        finally:
            close = getattr(files, "close", None)
            if close is not None:
                close()
            remove_folder(staging)
    except BaseException:
        if staging is not None:
            remove_folder(staging)  # stopped before the block that removes it
        for folder in created:  # innermost first; rmdir only removes an empty folder
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return names


def _missing_folders(out: Path) -> list[Path]:
    """``out`` and those of its parents that do not exist yet, innermost first."""
    missing = []
    folder = out
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def differing(
    out: Path, files: Iterable[RenderedFile | ComparedFile], names: list[str] | None = None
) -> list[str]:
    """Names of the files whose bytes in ``out`` differ from the rendered ones (or are missing).

    ``names``, when given, receives the name of every file compared; a :class:`ComparedFile`
    was compared by another process.
    """
    result = []
    for file in map(_checked, files):
        if names is not None:
            names.append(file.name)
        same = file.same if isinstance(file, ComparedFile) else same_as_output(out, file)
        if not same:
            result.append(file.name)
    return result
