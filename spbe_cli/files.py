"""Catalog files on disk: listing them, reading one safely, and the files the metadata names.

This is the part of loading that touches the file system and needs neither YAML nor the
schema models, so the run record (:mod:`spbe_cli.runrecord`) can check a catalog's files
without importing them. :mod:`spbe_cli.loader` re-exports every name.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from spbe_cli.cachestate import note
from spbe_cli.catalog import LogoFile, ProseFile
from spbe_cli.errors import SpbeError, os_reason
from spbe_cli.i18n import t

#: The catalog folder of a repository (what ``spbe init`` creates), used when none is named.
CATALOG_FOLDER = "catalog"


def find_catalog(folder: Path, *, inside: bool = True) -> Path | None:
    """The catalog of a working folder that names none: the one home of that rule.

    ``catalog/`` in ``folder``; else, with ``inside``, the folder named ``catalog`` that holds
    ``folder`` (``catalog/program`` opened or worked in on its own is part of the whole
    catalog, not a catalog of its own whose every reference is missing); else None: the
    folder holds no catalog, and is never read as one. Used by every command without
    ``-c/--catalog`` and by ``spbe lsp`` for each editor folder.
    """
    candidate = folder / CATALOG_FOLDER
    if candidate.is_dir():
        return candidate
    if not inside:
        return None
    absolute = folder.absolute()
    for parent in (absolute, *absolute.parents):
        if parent.name == CATALOG_FOLDER and parent.is_dir():
            return parent if folder.is_absolute() else Path(os.path.relpath(parent))
    return None


MAX_FILE_BYTES = 8 * 1024 * 1024
#: Largest prose file read (bytes). Markdown's parser keeps a token per mark: a prose file costs
#: up to 1,300 times its size in memory (a table of tiny cells), 8 MiB of prose over 10 GB. The
#: prose of a real document is a few KB a section; a long chapter some 150 KB.
MAX_PROSE_BYTES = 512 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
#: A YAML file saved with one more suffix (Notepad's ``program.yaml.txt``): listed, so that
#: it is reported (SPBE022) instead of skipped in silence.
_MISNAMED = re.compile(r"\.ya?ml\.(?:txt|text)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """A YAML file found under the catalog folder.

    ``kind`` is what the directory listing said without following links: ``file``,
    ``symlink`` or ``other`` (FIFO, device, socket); it decides whether to open the file at all.
    ``folder`` is a subfolder that could not be listed (no permission, removed meanwhile): it
    is reported like an unreadable file (SPBE016), since the files in it were not checked;
    ``folder-link`` is a symbolic link to a folder outside the catalog, reported (SPBE010)
    and never followed; ``misnamed`` is a YAML file saved as ``.yaml.txt``, reported (SPBE022)
    and never read.

    In slots: a national catalog's listing makes tens of thousands, and the diff of two folders
    makes several listings (each folder's, the new side's from the child's answer, the one the
    follow shows under the run's name); a listed file is made quicker and kept smaller.
    """

    path: str
    display: str
    kind: str = "file"


def display_path(root_display: str, rel: str) -> str:
    """Join the catalog folder as the user named it with a file's relative path (POSIX)."""
    if root_display in ("", "."):
        return rel
    return f"{root_display.rstrip('/')}/{rel}"


def find_files(root: Path, root_display: str) -> list[CatalogFile]:
    """List the YAML files under ``root`` in a stable order, skipping hidden entries.

    Directory symlinks are not followed; the entry types come from the directory listing, so
    listing costs no ``stat`` per file. A subfolder that cannot be listed is listed itself,
    with the kind ``folder``, so that its files are never skipped in silence.
    """
    found: list[CatalogFile] = []
    todo: list[tuple[str, str]] = [(os.fspath(root), "")]
    while todo:
        folder, prefix = todo.pop()
        try:
            entries = os.scandir(folder)
        except OSError as exc:
            if not prefix:  # the catalog folder itself: the command cannot run (exit 3)
                reason = os_reason(exc)
                if exc.errno in (errno.EACCES, errno.EPERM):
                    reason = t("load.reason_permission")
                shown = root_display or os.fspath(root)
                raise SpbeError(t("load.root_unreadable", path=shown, reason=reason)) from exc
            found.append(
                CatalogFile(folder, display_path(root_display, prefix.rstrip("/")), "folder")
            )
            continue
        # display_path(root_display, prefix + name), joined once per folder: a national
        # catalog lists tens of thousands of files.
        here = display_path(root_display, "") + prefix
        with entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") and (
                    # A file named only ".yaml" lost its name; it is not a hidden draft.
                    name.lower() not in YAML_SUFFIXES or entry.is_dir(follow_symlinks=False)
                ):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    todo.append((entry.path, f"{prefix}{name}/"))
                    continue
                if not name.lower().endswith(YAML_SUFFIXES):
                    if _MISNAMED.search(name) and entry.is_file(follow_symlinks=False):
                        found.append(CatalogFile(entry.path, here + name, "misnamed"))
                        continue
                    if entry.is_symlink() and _links_out_to_folder(entry.path, root):
                        found.append(CatalogFile(entry.path, here + name, "folder-link"))
                    continue
                if entry.is_symlink():
                    kind = "symlink"
                elif entry.is_file(follow_symlinks=False):
                    kind = "file"
                else:
                    kind = "other"
                found.append(CatalogFile(entry.path, here + name, kind))
    found.sort(key=lambda f: f.display)
    return found


def _links_out_to_folder(path: str, root: Path) -> bool:
    """Tell whether a symbolic link names a folder outside the catalog folder.

    Such a folder is never read (a link leaving the catalog, SPBE010), and it must not vanish in
    silence: ``catalog/opd -> ../bersama/opd`` would drop every OPD. A link to a folder inside
    the catalog is left out without a word, since that folder is read where it is, and so is a
    link to a folder holding the catalog (``-> ..``): a loop, like one inside.
    """
    try:
        target = Path(path).resolve()
        real_root = root.resolve()
        return (
            target.is_dir()
            and not target.is_relative_to(real_root)
            and not real_root.is_relative_to(target)
        )
    except (OSError, RuntimeError):
        return False  # a loop or a dangling link without a YAML name: not a catalog file


#: Operating-system errors a catalog maintainer meets, with a translated explanation.
_OS_REASONS = {
    errno.EACCES: "load.reason_permission",
    errno.EPERM: "load.reason_permission",
    errno.ENOENT: "load.reason_missing",
    errno.ELOOP: "load.reason_loop",
    errno.EISDIR: "load.reason_folder",
}


#: A Windows drive (``C:``): an absolute path on Windows, a plain name elsewhere.
_DRIVE = re.compile(r"^[A-Za-z]:")


def slashed_path(rel: str) -> str:
    r"""A file name the metadata gives with ``/`` between its folders.

    ``prosa\01.md`` -> ``prosa/01.md``: how the name is judged, and the fix SPBE208 and
    SPBE220 offer.
    """
    return rel.replace("\\", "/")


def written_path_problem(rel: str) -> str | None:
    r"""What is wrong with a file name the metadata gives, as written: the same on every machine.

    ``outside`` for an absolute path, a drive (``C:``) or a ``..``; ``backslash`` for a name
    written with Windows separators (``prosa\01.md``), which Windows would find and every other
    machine (CI included) would not. None when the name is fine as written. Both the folder on
    disk and a git revision check a name here first.
    """
    slashed = slashed_path(rel)
    candidate = PurePosixPath(slashed)
    if candidate.is_absolute() or ".." in candidate.parts or _DRIVE.match(slashed):
        return "outside"
    if "\\" in rel:
        return "backslash"
    return None


def revision_path(rel: str) -> tuple[str | None, str | None]:
    """A file name the metadata gives as a git revision reads it, or why it cannot be read.

    ``(path, None)`` or ``(None, problem)``: the written rule (:func:`written_path_problem`),
    then no file inside ``.git``; the path written with ``/`` and without ``.`` steps
    (``./prosa//a.md`` -> ``prosa/a.md``). The one rule of a revision's prose and logo
    (SPBE208, SPBE220) and of the prose ``spbe diff`` compares; a folder on disk resolves the
    name instead (:func:`_confined_file`).
    """
    written = written_path_problem(rel)
    if written is not None:
        return None, written
    candidate = PurePosixPath(rel)
    if ".git" in candidate.parts:
        return None, "outside"
    return candidate.as_posix(), None


def _confined_file(root: Path, rel: str, max_bytes: int) -> tuple[Path | None, str | None]:
    """Resolve a catalog-relative file name inside the catalog folder, or say why it cannot be.

    Returns ``(path, None)``, or ``(None, problem)`` with ``problem`` one of ``outside``,
    ``backslash``, ``not_file``, ``too_large`` and ``missing``: the one confinement rule for
    every file the metadata names (prose, logo).
    """
    written = written_path_problem(rel)
    if written is not None:
        return None, written
    candidate = Path(rel)
    if candidate.is_absolute() or ".." in candidate.parts:
        return None, "outside"
    try:
        real_root = root.resolve(strict=True)
        real = (root / candidate).resolve(strict=True)
        # A catalog that is (or links to) a repository root must not turn .git/ into content.
        if not real.is_relative_to(real_root) or ".git" in real.relative_to(real_root).parts:
            return None, "outside"
        info = real.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, "not_file"
        if info.st_size > max_bytes:
            return None, "too_large"
    except (OSError, RuntimeError):
        return None, "missing"
    return real, None


#: Message key of each confinement problem, for prose files and for the logo.
_PROSE_PROBLEMS = {
    "outside": "ref.prose_outside",
    "backslash": "ref.prose_backslash",
    "not_file": "ref.prose_not_file",
    "too_large": "ref.prose_too_large",
    "missing": "ref.prose_missing",
}
_LOGO_PROBLEMS = {
    "outside": "ref.logo_outside",
    "backslash": "ref.logo_backslash",
    "not_file": "ref.logo_not_file",
    "too_large": "ref.logo_too_large",
    "missing": "ref.logo_missing",
}


def prose_file(root: Path, rel: str) -> tuple[Path | None, str | None]:
    """Where a prose file named in the metadata lies, or why it cannot be used.

    Returns ``(path, None)``, or ``(None, message key)`` for a file outside the catalog, missing,
    not a regular file, too large or not UTF-8. The check (SPBE208) reports the key; render
    reads only what this allows, so both follow one rule.
    """
    prose = read_prose_file(root, rel)
    return prose.path, prose.problem


def read_prose_file(root: Path, rel: str) -> ProseFile:
    """Read one prose file named in the metadata, or say why it cannot be used (SPBE208)."""
    prose = _read_prose_file(root, rel)
    note("prose", rel, prose)
    return prose


def prose_text(data: bytes, errors: str = "strict") -> str:
    """The text of a prose file: UTF-8 without its byte order mark, lines ending in LF.

    The one reading of prose bytes, for validate, render (working tree or revision) and diff:
    a file saved on Windows (BOM, CRLF) holds the same text as its Unix copy, so converting
    it is no prose change. Raises UnicodeDecodeError on bytes that are not UTF-8 (unless
    ``errors`` says otherwise).
    """
    return data.decode("utf-8", errors).removeprefix("\ufeff").replace("\r\n", "\n")


def _read_prose_file(root: Path, rel: str) -> ProseFile:
    real, problem = _confined_file(root, rel, MAX_PROSE_BYTES)
    if real is None:
        return ProseFile(rel, None, None, _PROSE_PROBLEMS[problem or "missing"])
    try:
        text = prose_text(real.read_bytes())
    except UnicodeDecodeError:
        return ProseFile(rel, None, None, "ref.prose_not_utf8")
    except (OSError, RuntimeError):
        return ProseFile(rel, None, None, "ref.prose_missing")
    return ProseFile(rel, real, text, None)


#: Largest logo file accepted (bytes): a cover logo needs far less.
MAX_LOGO_BYTES = 2 * 1024 * 1024
#: Leading bytes of the image formats a logo may have, with the format's MIME type.
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"),)


def logo_file(root: Path, rel: str) -> tuple[tuple[str, bytes] | None, str | None]:
    """The logo named in the metadata as ``(MIME type, bytes)``, or why it cannot be used.

    The same confinement as prose files (inside the catalog, a regular file), at most
    :data:`MAX_LOGO_BYTES`, and a PNG by its leading bytes (not by its name). The check
    (SPBE220) reports the message key; render reads only what this allows.
    """
    logo = _logo_file(root, rel)
    note("logo", rel, logo)
    return logo


def read_logo_file(root: Path, rel: str) -> LogoFile:
    """:func:`logo_file` as the catalog keeps it (the loading stage reads it once)."""
    image, problem = logo_file(root, rel)
    return LogoFile(rel, image, problem)


def _logo_file(root: Path, rel: str) -> tuple[tuple[str, bytes] | None, str | None]:
    real, problem = _confined_file(root, rel, MAX_LOGO_BYTES)
    if real is None:
        return None, _LOGO_PROBLEMS[problem or "missing"]
    try:
        data = real.read_bytes()
    except OSError:
        return None, "ref.logo_missing"
    return logo_image(data)


def logo_image(data: bytes) -> tuple[tuple[str, bytes] | None, str | None]:
    """A logo file's content as ``(MIME type, bytes)``, or the SPBE220 key of why it is unusable.

    The one rule for a logo's content, whether it was read from the catalog folder or from a
    git revision: at most :data:`MAX_LOGO_BYTES`, and an image format known by its leading bytes
    whose structure is whole (:func:`png_size`): the writers embed it as it is, and a truncated
    or forged file broke the DOCX writer's image reader.
    """
    if len(data) > MAX_LOGO_BYTES:
        return None, "ref.logo_too_large"
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic) and png_size(data) is not None:
            return (mime, data), None
    return None, "ref.logo_format"


#: Largest width or height of a logo, in pixels (a cover logo is a few hundred).
MAX_LOGO_PIXELS = 10_000


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a whole PNG, or None when its chunks are not a well-formed PNG.

    Well-formed: the signature, ``IHDR`` first (13 bytes, each side 1 to
    :data:`MAX_LOGO_PIXELS` pixels), every chunk complete with a matching CRC, at least one
    ``IDAT``, and ``IEND`` last with nothing after it. The pixels are not decoded.
    """
    if not data.startswith(_IMAGE_MAGIC[0][0]):
        return None
    at, size = 8, None
    seen: set[bytes] = set()
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            return None
        body = data[at + 8 : end - 4]
        if zlib.crc32(kind + body) != int.from_bytes(data[end - 4 : end], "big"):
            return None
        if (at == 8) != (kind == b"IHDR"):
            return None
        if kind == b"IHDR":
            if length != 13:
                return None
            size = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            if not all(0 < side <= MAX_LOGO_PIXELS for side in size):
                return None
        seen.add(kind)
        at = end
        if kind == b"IEND":
            return size if at == len(data) and b"IDAT" in seen else None
    return None


@dataclass(frozen=True)
class Refusal:
    """Why a catalog file was not read: the rule code and message the loader reports."""

    code: str
    key: str
    values: dict[str, Any]


def read_catalog_file(file: CatalogFile, real_root: Path) -> bytes | Refusal:
    """Read one listed file's bytes, refusing what must not be opened.

    A symlink must stay inside ``real_root`` (the resolved catalog folder) and name a regular
    file; FIFOs, devices and files over :data:`MAX_FILE_BYTES` are never read.
    """
    try:
        if file.kind == "folder":
            return _folder_refusal(file.path)
        if file.kind == "folder-link":
            return Refusal("SPBE010", "load.folder_link_outside", {})
        if file.kind == "misnamed":
            name = Path(file.path).name
            return Refusal("SPBE022", "load.misnamed", {"name": name[: name.rfind(".")]})
        if file.kind == "symlink":
            target = Path(file.path).resolve()
            if not target.is_relative_to(real_root):
                return Refusal("SPBE010", "load.symlink_outside", {})
            if not stat.S_ISREG(target.stat().st_mode):
                return Refusal("SPBE011", "load.special_file", {})
        elif file.kind != "file":
            return Refusal("SPBE011", "load.special_file", {})
        # O_NONBLOCK: a FIFO swapped in after the listing must not hang the run; fstat on
        # the open descriptor is the check that counts.
        fd = os.open(file.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return Refusal("SPBE011", "load.special_file", {})
            if info.st_size > MAX_FILE_BYTES:
                # Never read, so nothing of it is salvaged (unlike a file refused for holding
                # too many values, see parsing.parse_bytes): reading it would undo the limit.
                size = -(-info.st_size // 1024)
                limit = MAX_FILE_BYTES // 1024
                return Refusal("SPBE008", "load.too_large", {"size": size, "limit": limit})
            return _read_all(fd, info.st_size)
        finally:
            os.close(fd)
    except (OSError, RuntimeError) as exc:
        # Python < 3.13 reports a symlink loop from Path.resolve() as a bare RuntimeError.
        code = exc.errno if isinstance(exc, OSError) else errno.ELOOP
        reason = t(_OS_REASONS[code]) if code in _OS_REASONS else None
        if reason is None:
            reason = os_reason(exc)
        return Refusal("SPBE016", "load.unreadable", {"reason": reason})


def _folder_refusal(path: str) -> Refusal:
    """SPBE016 for a subfolder that could not be listed, with the reason (listed again)."""
    try:
        with os.scandir(path):
            reason = t("load.reason_changed")  # readable by now, yet its files were not checked
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            reason = t("load.reason_permission")
        elif exc.errno == errno.ENOENT:
            reason = t("load.reason_gone")
        else:
            reason = os_reason(exc)
    return Refusal("SPBE016", "load.unlisted_folder", {"reason": reason})


def link_refusal(problem: str) -> Refusal:
    """What :func:`read_catalog_file` says of a link that cannot be followed, by its problem.

    ``problem`` is one of ``outside`` (it leaves the catalog), ``not_file`` (it names a folder),
    ``missing`` (it names nothing) and ``loop``: the words of :func:`_confined_file`, for a link
    found where there is no file system to ask (a git revision).
    """
    if problem == "outside":
        return Refusal("SPBE010", "load.symlink_outside", {})
    if problem == "not_file":
        return Refusal("SPBE011", "load.special_file", {})
    code = errno.ELOOP if problem == "loop" else errno.ENOENT
    return Refusal("SPBE016", "load.unreadable", {"reason": t(_OS_REASONS[code])})


def _read_all(fd: int, size: int) -> bytes:
    """Read a regular file of about ``size`` bytes (it may have grown or shrunk meanwhile)."""
    remaining = min(size, MAX_FILE_BYTES) + 1
    first = os.read(fd, remaining)
    if len(first) == size or not first:
        # The whole file as fstat saw it: no second read to see the end (a catalog is tens of
        # thousands of small files, and a system call each is a tenth of reading them). A
        # file growing meanwhile is read as it was, as it would be a moment earlier.
        return first
    chunks = [first]
    remaining -= len(first)
    while remaining > 0:
        chunk = os.read(fd, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
