"""Where one side of a diff comes from: a catalog folder on disk or a git revision.

A :class:`Snapshot` lists the catalog's YAML files with a content id per file (the git blob id,
computed the same way for files on disk), and reads the bytes of the files asked for. Two
snapshots can therefore be compared file by file before anything is parsed: a file whose id is
the same on both sides cannot hold a change.

Revisions are read with ``git ls-tree`` and one ``git cat-file --batch`` process, without a
checkout and without touching the working tree or the index. git always gets an argument list
(never a shell), ``GIT_OPTIONAL_LOCKS=0`` and literal pathspecs; a revision that starts with
``-`` is refused before git sees it.
"""

from __future__ import annotations

import hashlib
import os
import re
import selectors
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from spbe_cli.catalog import LogoFile, ProseFile
from spbe_cli.errors import Finding, Location, SpbeError, UsageError, os_reason
from spbe_cli.files import MAX_PROSE_BYTES, CatalogFile, prose_text
from spbe_cli.i18n import t
from spbe_cli.loader import YAML_SUFFIXES, display_path, find_files, prose_file
from spbe_cli.markup import CONTROL, safe

SideKind = Literal["git", "folder", "worktree"]

#: Modes of ``git ls-tree`` entries that are ordinary files, and of a symbolic link (followed
#: as on disk, see :func:`follow_links`); submodules are skipped.
_FILE_MODES = ("100644", "100755")
_LINK_MODE = "120000"
#: The mode ``git diff-tree`` gives the side where an entry is not.
_NO_MODE = "000000"
#: Links followed in a row before a path is called a loop (Linux's own limit).
MAX_LINK_HOPS = 40


class GitError(SpbeError):
    """git could not be run, or refused what it was asked."""


class GitMissingError(GitError):
    """git is not installed (not found on ``PATH``)."""


@dataclass
class Snapshot:
    """The YAML files of one catalog side, each with a content id, and a way to read them."""

    label: str
    """How the side is shown: the revision or folder as the user wrote it."""
    kind: SideKind
    root: Path
    """Folder where prose files would be found (used by the loader)."""
    display_root: str
    """Prefix of file paths in messages, e.g. ``v2023.1:catalog`` or ``catalog``."""
    files: dict[str, str]
    """Path relative to the catalog folder (POSIX) -> content id."""
    revision: str | None = None
    """Full commit id, for a git side."""
    path: str = ""
    """Catalog folder: relative to the repository for a git side, as given for a folder."""
    missing: bool = False
    """The catalog folder is not in this revision (or working tree): an empty catalog."""
    reader: Callable[[Sequence[str]], tuple[list[tuple[str, bytes]], list[Finding]]] | None = field(
        default=None, repr=False
    )
    texts: dict[str, str] = field(default_factory=dict)
    """The other files (prose, the rule configuration) by content id, without reading (git)."""
    follow: Callable[[str], tuple[str | None, str]] | None = field(default=None, repr=False)
    """Follow a path through the revision's symbolic links (git, see :func:`link_follower`)."""
    text_reader: Callable[[str], bytes | None] | None = field(default=None, repr=False)
    finder: Callable[[Sequence[str]], IdSearch | None] | None = field(default=None, repr=False)
    """Start looking for the files with a line declaring an id one of some skeletons stand for
    (a git side, see :class:`IdSearch`); None when it cannot tell (the caller reads the files)."""
    misnamed_config: list[str] = field(default_factory=list)
    """Names at the top of the catalog folder meant as the rule configuration and not read as one
    (``.spbe.yml``; ``.spbe.yaml`` as a link or a folder), as
    :func:`spbe_cli.ruleconfig.misnamed_config` tells."""
    listing: dict[str, CatalogFile] = field(default_factory=dict, repr=False)
    """A folder side's files as it was listed (:func:`~spbe_cli.files.find_files`), each under
    its path in :attr:`files`."""
    base_found: list[Any] = field(default_factory=list, repr=False)
    """The side's base run (a :class:`~spbe_cli.diff.base.Base` or None) when it was looked
    for ahead of the diff (:func:`spbe_cli.diff.look_ahead`); the diff's first look takes it."""

    def rule_config_text(self) -> bytes | None:
        """The bytes of the rule configuration (``.spbe.yaml``), or None when none is read."""
        from spbe_cli.ruleconfig import CONFIG_FILE

        if self.text_reader is None or CONFIG_FILE in self.misnamed_config:
            return None
        return self.text_reader(CONFIG_FILE)

    def display(self, rel: str) -> str:
        """A file's path as messages show it."""
        return display_path(self.display_root, rel)

    def read(self, rels: Sequence[str]) -> tuple[list[tuple[str, bytes]], list[Finding]]:
        """Read the given files: ``(display path, bytes)`` pairs and the findings of reading."""
        if self.reader is None or not rels:
            return [], []
        return self.reader(rels)

    def read_text(self, rel: str) -> str | None:
        """A prose file below the catalog folder as text, or None when it cannot be read."""
        data = self.text_reader(rel) if self.text_reader is not None else None
        if data is None or len(data) > MAX_PROSE_BYTES:
            return None
        return prose_text(data, "replace")

    def same_text(self, other: Snapshot, rel: str) -> bool:
        """Tell whether a prose file is known to be the same on both sides without reading it."""
        mine = self.texts.get(rel)
        return mine is not None and mine == other.texts.get(rel)


def revision_files(snapshot: Snapshot, catalog: Any) -> None:
    """Give a catalog loaded from a git revision the prose files and the logo of that revision.

    The loading stage reads the files the metadata names (``prosa``, ``logo``) from the catalog
    folder on disk, which for a revision is the working tree, not the revision. This reads each
    from the revision instead, by the rules the loading stage applies (inside the catalog and
    not in ``.git``, at most :data:`~spbe_cli.files.MAX_PROSE_BYTES` of UTF-8 for prose, a PNG
    of at most :data:`~spbe_cli.files.MAX_LOGO_BYTES` for the logo), so that SPBE208, SPBE220
    and the documents see what the revision holds. A folder side is left as loaded.
    """
    if snapshot.kind != "git" or catalog.metadata is None:
        return
    catalog.prose = {
        section: _revision_prose_file(snapshot, rel)
        for section, rel in catalog.metadata.prosa.items()
    }
    rel = catalog.metadata.logo
    catalog.logo = None if rel is None else _revision_logo_file(snapshot, rel)


def _revision_bytes(snapshot: Snapshot, rel: str, max_bytes: int) -> tuple[bytes | None, str]:
    """A file the metadata names, read from the revision, or the confinement problem's name."""
    from spbe_cli.files import revision_path

    path, wrong = revision_path(rel)
    if path is None:
        return None, wrong or "outside"
    rel = path
    if snapshot.follow is not None and rel not in snapshot.texts:
        oid, problem = snapshot.follow(rel)  # through a link of the revision
        if oid is None:
            return None, "missing" if problem == "loop" else problem
    data = snapshot.text_reader(rel) if snapshot.text_reader else None
    if data is None:
        # A folder of the revision, as a folder on disk, is "not a regular file".
        inside = f"{rel}/"
        folder = any(name.startswith(inside) for name in (*snapshot.files, *snapshot.texts))
        return None, "not_file" if folder else "missing"
    if len(data) > max_bytes:
        return None, "too_large"
    return data, ""


def _revision_prose_file(snapshot: Snapshot, rel: str) -> ProseFile:
    from spbe_cli.files import _PROSE_PROBLEMS

    data, problem = _revision_bytes(snapshot, rel, MAX_PROSE_BYTES)
    if data is None:
        return ProseFile(rel, None, None, _PROSE_PROBLEMS[problem])
    try:
        text = prose_text(data)
    except UnicodeDecodeError:
        return ProseFile(rel, None, None, "ref.prose_not_utf8")
    return ProseFile(rel, None, text, None)


def _revision_logo_file(snapshot: Snapshot, rel: str) -> LogoFile:
    from spbe_cli.files import _LOGO_PROBLEMS, MAX_LOGO_BYTES, logo_image

    data, problem = _revision_bytes(snapshot, rel, MAX_LOGO_BYTES)
    if data is None:
        return LogoFile(rel, None, _LOGO_PROBLEMS[problem])
    image, why = logo_image(data)
    return LogoFile(rel, image, why)


# -- content ids -------------------------------------------------------------------------------


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id git gives a file with this content (``git hash-object``), without running git."""
    # The named constructors: hashlib.new looks the name up again on each call, a tenth of the
    # time of hashing a catalog's tens of thousands of small files.
    make = _HASHES.get(object_format)
    digest = make() if make is not None else hashlib.new(object_format)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


_HASHES: dict[str, Callable[[], Any]] = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}


def wanted(rel: str) -> bool:
    """Tell whether a catalog-relative path is a YAML file the loader would read."""
    # String operations, not PurePosixPath: a revision lists tens of thousands of paths.
    hidden = rel.startswith(".") or "/." in rel
    return not hidden and rel.lower().endswith(YAML_SUFFIXES)


# -- folders -----------------------------------------------------------------------------------


def folder_snapshot(
    root: Path,
    label: str,
    *,
    kind: SideKind = "folder",
    object_format: str = "sha1",
) -> Snapshot:
    """List and hash the YAML files of a catalog folder on disk.

    Raises:
        UsageError: the folder does not exist or is not a folder (like a catalog named on the
            command line of any command).
    """
    return FolderSide(root, label, kind, object_format).read()


def folder_snapshots(
    old: FolderSide, new: FolderSide, *, base: bool = False
) -> tuple[Snapshot, Snapshot]:
    """Two folders compared (``spbe diff A B``): each listed, read and hashed on its own core.

    With a core idle, a forked child lists, reads and hashes the new folder whole while this
    process does the old one: one listing per process and one child, where a side at a time
    listed each folder here and waited for a child's half of it twice. The child starts before
    the old folder is listed (listing a national catalog takes a tenth of a second), on a core
    idle; the old folder is still listed first here, so a folder that cannot be listed is
    reported as :func:`folder_snapshot` of the old side then of the new one would (the child
    is stopped), and its listing sizes the work: a child started for a small catalog is
    stopped (:func:`~spbe_cli.parallel.large_enough`). A child that fails (the new
    folder cannot be listed) leaves the new side to this process, which reports why.

    The child sends each file's blob id, not its bytes: a file whose id is one of the old
    side's has its bytes (the same bytes, the same object), and the few others are read here
    and hashed again (see :meth:`FolderSide.filled`). The tens of megabytes of a national
    catalog no longer travel through a pipe, nor are kept twice. With ``base`` (the diff will
    want the old side's base run, :func:`spbe_cli.diff.base.find_base`), this process looks
    for it while the child reads, on a core that would wait (:func:`spbe_cli.diff.look_ahead`).
    """
    from spbe_cli import collector
    from spbe_cli.parallel import MIN_FILES, ForkedChild, core_idle, large_enough

    with collector.paused():  # the listings and the bytes live until the diff ends
        # Sized as a catalog large enough for it: the old folder is not listed yet.
        child = ForkedChild(new.ids) if core_idle(MIN_FILES) else None
        try:
            listing = old.listed()
            if child is not None and not large_enough(len(listing)):
                child.stop()
                child = None
            found = old.hashed(list(listing))
            first = old.snapshot(listing, found)
            if child is not None and child.started and base:
                from spbe_cli.diff import look_ahead

                look_ahead(first)
            sent = child.result() if child is not None else None
        finally:
            if child is not None:
                child.stop()  # (interrupted: the child ends too; a no-op once it answered)
        if sent is None:
            return first, new.snapshot(*new.plain())
        rels, paths, kinds, ids = sent
        listed = new.listing_of(rels.split("\0"), paths.split("\0"), kinds) if kinds else {}
        known = {one[0]: one[1] for one in found if one is not None}
        if new.object_format != old.object_format:
            known = {}
        blobs = [blob or None for blob in ids.split("\n")] if kinds else []
        return first, new.snapshot(listed, new.filled(listed, blobs, known))


#: A folder side's files as a forked child sends them (:meth:`FolderSide.ids`): the paths in
#: the side, the paths on disk (each list joined by NULs, which no path holds), each file's kind,
#: and each one's blob id ("": not readable) joined by line breaks; in listing order. A few
#: strings, not a tuple for each of tens of thousands of files: quicker to send and to read.
PlainFolder = tuple[str, str, list[str], str]


@dataclass
class FolderSide:
    """A side named as a folder on disk, listed on demand (see :func:`folder_snapshots`)."""

    root: Path
    label: str
    kind: SideKind = "folder"
    object_format: str = "sha1"
    _listing: dict[str, CatalogFile] | None = field(default=None, repr=False)

    def listed(self) -> dict[str, CatalogFile]:
        """Each YAML file of the folder by its path relative to it, listed once.

        Raises:
            UsageError: the folder does not exist or is not a folder.
            SpbeError: the folder cannot be listed.
        """
        if self._listing is None:
            if not self.root.exists():
                raise UsageError(t("load.no_folder", path=self.label))
            if not self.root.is_dir():
                raise UsageError(t("load.not_folder", path=self.label))
            prefix = len(display_path(self.label, ""))  # a file's shown path less the folder's
            self._listing = {f.display[prefix:]: f for f in find_files(self.root, self.label)}
        return self._listing

    def read(self) -> Snapshot:
        """The side listed, read and hashed (the second half by a forked child, core idle)."""
        from spbe_cli import collector
        from spbe_cli.parallel import forking

        with collector.paused():  # the listing and the bytes live until the diff ends
            listing = self.listed()
            rels = list(listing)
            # Reading and hashing a national catalog takes seconds: with a core idle, a forked
            # child takes the second half (as the run record's check does,
            # spbe_cli.runrecord._Hashing).
            half = len(rels) // 2
            with forking(lambda: self.hashed(rels[half:]), len(rels)) as theirs:
                return self.snapshot(listing, [*self.hashed(rels[:half]), *theirs()])

    def listing_of(
        self, rels: Sequence[str], paths: Sequence[str], kinds: Sequence[str]
    ) -> dict[str, CatalogFile]:
        """The listing from each file's path in the side, path on disk and kind."""
        prefix = display_path(self.label, "")  # a file's shown path less its path in the side
        return {
            rel: CatalogFile(path, prefix + rel, kind)
            for rel, path, kind in zip(rels, paths, kinds, strict=True)
        }

    def hashed(
        self, rels: Sequence[str], listing: dict[str, CatalogFile] | None = None
    ) -> list[tuple[str, bytes] | None]:
        """Each listed file's blob id and bytes, None for one that cannot be read.

        Read as the loader reads it (:func:`~spbe_cli.files.read_catalog_file`); why a file is
        refused is said when the diff reads it again (:attr:`Snapshot.reader`). ``listing``:
        the side's as a child listed it (by default, this process lists the folder).
        """
        from spbe_cli.files import Refusal, read_catalog_file

        listing = self.listed() if listing is None else listing
        real_root, fmt = self.root.resolve(), self.object_format
        found: list[tuple[str, bytes] | None] = []
        for rel in rels:
            data = read_catalog_file(listing[rel], real_root)
            found.append(None if isinstance(data, Refusal) else (blob_id(data, fmt), data))
        return found

    def plain(self) -> tuple[dict[str, CatalogFile], list[tuple[str, bytes] | None]]:
        """The folder listed, read and hashed whole, here."""
        listing = self.listed()
        return listing, self.hashed(list(listing))

    def ids(self) -> PlainFolder:
        """The folder listed, read and hashed whole, as plain data without the bytes.

        What the child reading the new folder sends (:func:`folder_snapshots`).
        """
        listing, found = self.plain()
        return (
            "\0".join(listing),
            "\0".join([f.path for f in listing.values()]),
            [f.kind for f in listing.values()],
            "\n".join(["" if one is None else one[0] for one in found]),
        )

    def filled(
        self,
        listing: dict[str, CatalogFile],
        ids: Sequence[str | None],
        known: dict[str, bytes],
    ) -> list[tuple[str, bytes] | None]:
        """What :meth:`hashed` finds, from the blob ids a child found for ``listing``.

        A file whose id is in ``known`` (the bytes of another side's files, by blob id) has
        those bytes: the same id, the same content. Any other is read here and hashed again,
        so an id always is the one of the bytes kept (a file changed since the child read it
        is the content read now, as if read a moment later). A file the child could not read
        is left unread: the diff reads it again and says why (:attr:`Snapshot.reader`).
        """
        found: list[tuple[str, bytes] | None] = []
        unknown: list[int] = []
        for index, blob in enumerate(ids):
            data = known.get(blob) if blob is not None else None
            if blob is None or data is None:
                found.append(None)
                if blob is not None:
                    unknown.append(index)
            else:
                found.append((blob, data))
        if unknown:
            rels = list(listing)
            again = self.hashed([rels[index] for index in unknown], listing)
            for index, read in zip(unknown, again, strict=True):
                found[index] = read
        return found

    def snapshot(
        self, listing: dict[str, CatalogFile], found: Sequence[tuple[str, bytes] | None]
    ) -> Snapshot:
        """The side's snapshot from its listing and what :meth:`hashed` found for each file."""
        from spbe_cli.loader import _Loader
        from spbe_cli.ruleconfig import config_misnamed

        root, display_root = self.root, self.label
        files: dict[str, str] = {}
        # The bytes read are kept (a national catalog is tens of megabytes): the diff reads a
        # side's files again and again (the changed ones, the whole side to check it, the
        # unchanged ones searched for an id), and each read of a file on disk costs more than
        # keeping it. They are also the very bytes each id was computed from.
        contents: dict[str, bytes] = {}
        for rel, one in zip(listing, found, strict=True):
            if one is None:
                # An unreadable file gets an id equal to nothing, so it is "read" again on
                # demand and its finding reported.
                files[rel] = f"unreadable:{id(listing[rel])}"
            else:
                files[rel], contents[rel] = one

        def read(rels: Sequence[str]) -> tuple[list[tuple[str, bytes]], list[Finding]]:
            again = _Loader(root, display_root)
            loaded: list[tuple[str, bytes]] = []
            for rel in rels:
                data = contents.get(rel)
                if data is None:
                    data = again.read(listing[rel])
                if data is not None:
                    loaded.append((listing[rel].display, data))
            return loaded, again.findings

        def read_text(rel: str) -> bytes | None:
            path, problem = prose_file(root, rel)  # the rule of SPBE208 and of render
            if path is None or problem is not None:
                return None
            try:
                return path.read_bytes()
            except OSError:
                return None

        return Snapshot(
            label=self.label,
            kind=self.kind,
            root=root,
            display_root=display_root,
            files=files,
            path=self.label,
            reader=read,
            text_reader=read_text,
            misnamed_config=config_misnamed(root),
            listing=listing,
        )


# -- git ---------------------------------------------------------------------------------------


#: Variables that make git use another repository, index or work tree than the one of its folder
#: (``git rev-parse --local-env-vars`` lists them). Dropped when git must answer about the
#: repository of the folder it runs in (see :func:`_run_git`'s ``here``).
_ELSEWHERE = (
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
)


def _git_env(*, here: bool = False, literal: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    if here:
        for name in _ELSEWHERE:
            env.pop(name, None)
    env.update(
        GIT_OPTIONAL_LOCKS="0",  # never take the index lock, never refresh the index
        GIT_PAGER="cat",
        PAGER="cat",
        # a catalog path is a path, never pathspec magic (check-ignore refuses the setting and
        # reads its paths as paths, once each is written from ``./``)
        GIT_LITERAL_PATHSPECS="1" if literal else "0",
        GIT_TERMINAL_PROMPT="0",
        # git's own words, whatever the locale: spbe tells "no repository" from a refusal by
        # them, and a message quoted from git is the same on every machine.
        LC_ALL="C",
        LANGUAGE="",
    )
    return env


_GIT_BASE = ("git", "--no-pager", "-c", "core.quotepath=false")


def _run_git(
    args: Sequence[str],
    cwd: Path,
    *,
    stdin: bytes | None = None,
    check: bool = True,
    timeout: float | None = None,
    here: bool = False,
    literal: bool = True,
    stream: Callable[[bytes], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``cwd`` with an argument list; raise :class:`GitError` when it cannot run.

    ``timeout``: seconds after which git is killed and :class:`GitError` raised. ``here``: git
    answers about the repository ``cwd`` lies in, whatever ``GIT_DIR`` and its kin say.
    ``literal`` false: for the commands that refuse literal pathspecs (``check-ignore``).
    ``stream``: takes git's output as it comes, in pieces (then not kept in the answer; no
    ``stdin`` nor ``timeout``): this process works on what git wrote while git writes the rest.
    """
    command = [*_GIT_BASE, "-C", str(cwd), *args]  # an argument list, never a shell
    env = _git_env(here=here, literal=literal)
    try:
        if stream is not None:
            done = _streamed(command, env, stream)
        else:
            done = subprocess.run(
                command,
                input=stdin,
                capture_output=True,
                env=env,
                check=False,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                timeout=timeout,
            )
    except FileNotFoundError as exc:
        raise GitMissingError(t("diff.git_missing")) from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(t("diff.git_timeout", seconds=f"{timeout:g}")) from exc
    except OSError as exc:
        raise GitError(t("diff.git_failed", detail=os_reason(exc))) from exc
    if check and done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(t("diff.git_failed", detail=detail[-1] if detail else done.returncode))
    return done


def _streamed(
    command: list[str], env: dict[str, str], take: Callable[[bytes], None]
) -> subprocess.CompletedProcess[bytes]:
    """Run ``command``, handing each piece of its standard output to ``take`` as it comes.

    Both pipes are read as they fill (git never waits on a full one); what git says on its
    error stream is kept for the answer.
    """
    errors: list[bytes] = []
    with (
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        ) as process,
        selectors.DefaultSelector() as selector,
    ):
        assert process.stdout is not None and process.stderr is not None
        selector.register(process.stdout, selectors.EVENT_READ, take)
        selector.register(process.stderr, selectors.EVENT_READ, errors.append)
        while selector.get_map():
            for key, _ in selector.select():
                piece = os.read(key.fd, _PIECE)
                if piece:
                    key.data(piece)
                else:
                    selector.unregister(key.fileobj)
        returncode = process.wait()
    return subprocess.CompletedProcess(command, returncode, b"", b"".join(errors))


#: Bytes read from a pipe at once (a Linux pipe holds 64 KiB).
_PIECE = 1 << 16
#: Bytes of ``git ls-tree`` output gathered before their entries are placed: few parts (each
#: costs a little), while git writes the next.
_PART = 1 << 18


@dataclass(frozen=True)
class Range:
    """``A..B`` (A and B) or ``A...B`` (the merge base of A and B, and B), as in git diff."""

    old: str
    new: str
    symmetric: bool


def split_range(text: str) -> Range | None:
    """Split ``A..B`` / ``A...B``; an empty end means HEAD. None when ``text`` is no range."""
    for sep, symmetric in (("...", True), ("..", False)):
        if sep in text:
            old, _, new = text.partition(sep)
            return Range(old or "HEAD", new or "HEAD", symmetric)
    return None


def check_revision_text(rev: str) -> None:
    """Refuse a revision git could read as an option, or one that cannot be a name.

    Raises:
        UsageError: the text starts with ``-``, is empty, or holds control characters.
    """
    if rev.startswith("-"):
        raise UsageError(t("diff.rev_option", rev=rev))
    if not rev or CONTROL.search(rev):
        raise UsageError(t("diff.rev_bad", rev=safe(rev)))


class Repository:
    """A git repository, read only."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self._format: str | None = None
        #: The last catalog folder listed (:meth:`list_tree`): the next revision's is told from
        #: it by what differs.
        self._listed: _Listing | None = None

    @classmethod
    def discover(cls, start: Path) -> Repository | None:
        """The repository holding ``start``, or None when there is none (or no git)."""
        return cls.look_for(start)[0]

    @classmethod
    def look_for(cls, start: Path) -> tuple[Repository | None, SpbeError | None]:
        """``(repository, None)``, or ``(None, why)``: why is git's refusal, None when none.

        git refuses a repository it finds for reasons of its own (``safe.directory``: a
        checkout owned by another user, as in CI containers; a broken ``.git``): that is not
        "no repository", and the user needs git's words to fix it.
        """
        try:
            done = _run_git(["rev-parse", "--show-toplevel"], start, check=False)
        except GitError as exc:
            return None, exc
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            if not lines or "not a git repository" in lines[0]:
                return None, None
            if "must be run in a work tree" in lines[0]:  # a bare repository, or inside .git
                return None, UsageError(t("diff.no_work_tree", path=start.as_posix()))
            # The reason, and git's advice when it gives one (the command that fixes it).
            shown = [lines[0], lines[-1].strip()] if len(lines) > 1 else lines[:1]
            return None, GitError(t("diff.git_failed", detail=" … ".join(shown)))
        top = done.stdout.decode("utf-8", "surrogateescape").rstrip("\n")
        return (cls(Path(top)), None) if top else (None, None)

    def unknown(self, rev: str) -> UsageError:
        """The error for a revision that names no commit, with why when git can tell."""
        message = t("diff.unknown_rev", rev=rev)
        listed = _run_git(["rev-list", "-n", "1", "--all"], self.top, check=False)
        if listed.returncode == 0 and not listed.stdout.strip():
            return UsageError(f"{message}; {t('diff.no_commits')}")
        return UsageError(message + self.shallow_hint())

    def shallow_hint(self) -> str:
        """``; the clone is shallow ...`` when it is (its history is cut), else nothing."""
        done = _run_git(["rev-parse", "--is-shallow-repository"], self.top, check=False)
        shallow = done.returncode == 0 and done.stdout.strip() == b"true"
        return f"; {t('diff.shallow')}" if shallow else ""

    @property
    def object_format(self) -> str:
        """``sha1`` or ``sha256``."""
        if self._format is None:
            done = _run_git(["rev-parse", "--show-object-format"], self.top, check=False)
            value = done.stdout.decode().strip() if done.returncode == 0 else ""
            self._format = value if value in ("sha1", "sha256") else "sha1"
        return self._format

    def commit(self, rev: str) -> str | None:
        """The commit id a revision names, or None when it names no commit."""
        check_revision_text(rev)
        done = _run_git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            self.top,
            check=False,
        )
        if done.returncode != 0:
            return None
        return done.stdout.decode().strip() or None

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of two commits, or None when they share none."""
        done = _run_git(["merge-base", "--end-of-options", a, b], self.top, check=False)
        if done.returncode != 0:
            return None
        return done.stdout.decode().strip() or None

    def list_tree(
        self,
        commit: str,
        prefix: str,
        texts: dict[str, str] | None = None,
        links: dict[str, str] | None = None,
    ) -> tuple[bool, dict[str, str]]:
        """The YAML files under ``prefix`` in a commit: (folder exists?, rel -> blob id).

        The other files (prose, the rule configuration) are put in ``texts``, and the symbolic
        links (their blob holds the target) in ``links``, when they are given. The folder of
        another revision than the one listed last is that listing changed by ``git diff-tree``
        (the two sides of a diff share most of tens of thousands of files), else ``git ls-tree``.
        """
        last = self._listed
        listing = None
        if last is not None and last.prefix == prefix:
            listing = last if last.commit == commit else self._list_changes(last, commit)
        if listing is None:
            listing = self._list_whole(commit, prefix)
        self._listed = listing
        if texts is not None:
            texts.update(listing.texts)
        if links is not None:
            links.update(listing.links)
        return listing.seen, dict(listing.files)

    def _list_whole(self, commit: str, prefix: str) -> _Listing:
        args = ["ls-tree", "-r", "-z", "--full-tree", commit]
        if prefix:
            args += ["--", prefix]
        listing = _Listing(commit, prefix)
        entries = _TreeEntries(listing)
        # Tens of thousands of entries: each piece placed while git writes the next.
        _run_git(args, self.top, stream=entries.take)
        entries.take(b"", last=True)
        return listing

    def _list_changes(self, last: _Listing, commit: str) -> _Listing | None:
        """The folder in ``commit``: ``last`` changed as ``git diff-tree`` says (None: failed)."""
        prefix = last.prefix
        # Every entry that differs, as ls-tree would list it: no rename pairs, no submodule left
        # out by a setting.
        args = ["diff-tree", "-r", "-z", "--no-renames", "--ignore-submodules=none"]
        args += [last.commit, commit, "--", prefix or "."]
        done = _run_git(args, self.top, check=False)
        if done.returncode != 0:
            return None
        listing = replace(
            last,
            commit=commit,
            files=dict(last.files),
            texts=dict(last.texts),
            links=dict(last.links),
        )
        base = prefix + "/" if prefix else ""
        # ``:old-mode new-mode old-id new-id status`` and the path, each ended by NUL.
        fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
        for meta, path in zip(fields[0:-1:2], fields[1::2], strict=True):
            if prefix and not path.startswith(base):
                continue
            old_mode, new_mode, _, oid, _ = meta.removeprefix(":").split(" ")
            rel = path[len(base) :]
            listing.remove(rel, old_mode)
            listing.place(rel, new_mode, oid)
        return listing

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """Read many blobs with one ``git cat-file --batch`` process."""
        unique = list(dict.fromkeys(oids))
        if not unique:
            return {}
        request = "".join(f"{oid}\n" for oid in unique).encode()
        out = _run_git(["cat-file", "--batch"], self.top, stdin=request).stdout
        return dict(_parse_batch(out))


@dataclass
class _Listing:
    """A revision's catalog folder as :meth:`Repository.list_tree` lists it."""

    commit: str
    prefix: str
    files: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    #: Entries of none of those (a submodule): the folder exists all the same.
    others: int = 0

    @property
    def seen(self) -> bool:
        """Whether the folder is in the revision (a git tree holds no empty folder)."""
        return not self.prefix or bool(self.files or self.texts or self.links or self.others)

    def place(self, rel: str, mode: str, oid: str) -> None:
        """Add an entry of the folder by its mode (``000000``: none, a file deleted)."""
        if mode in _FILE_MODES:
            self.place_file(rel, oid)
        elif mode == _LINK_MODE:
            self.links[rel] = oid
        elif mode != _NO_MODE:
            self.others += 1

    def place_file(self, rel: str, oid: str) -> None:
        """Add a regular file of the folder: a YAML file the loader reads, or another text."""
        (self.files if wanted(rel) else self.texts)[rel] = oid

    def remove(self, rel: str, mode: str) -> None:
        """Take out an entry :meth:`place` added with this mode."""
        if mode in _FILE_MODES:
            (self.files if wanted(rel) else self.texts).pop(rel, None)
        elif mode == _LINK_MODE:
            self.links.pop(rel, None)
        elif mode != _NO_MODE:
            self.others -= 1


class _TreeEntries:
    """``git ls-tree -r -z`` output placed in a listing part by part, as git writes it.

    An entry is ``<mode> <type> <id>``, a tab and its path, ended by NUL. The pieces read are
    gathered to :data:`_PART` bytes, and the entries they end placed at once (the one a part
    cuts waits for its end; a NUL is never inside a character, so each part is decoded as it
    would be in the whole output).
    """

    def __init__(self, listing: _Listing) -> None:
        self.listing = listing
        self.base = listing.prefix + "/" if listing.prefix else ""
        # A regular file's entry under the folder, as most are (its id and path), or another.
        head = "(?:" + "|".join(_FILE_MODES) + ") blob ([0-9a-f]+)\t" + re.escape(self.base)
        self.entry = re.compile(head + "([^\0]+)\0|([^\0]*)\0")
        self.pieces: list[bytes] = []
        self.size = 0

    def take(self, piece: bytes, *, last: bool = False) -> None:
        """Add a piece of the output; ``last``: the output ends, everything is placed."""
        self.pieces.append(piece)
        self.size += len(piece)
        if self.size < _PART and not last:
            return
        data = b"".join(self.pieces)
        cut = len(data) if last else data.rfind(b"\0") + 1
        self.pieces, self.size = [data[cut:]], len(data) - cut
        self._place(data[:cut].decode("utf-8", "surrogateescape"))

    def _place(self, text: str) -> None:
        listing, base = self.listing, self.base
        end = text.rfind("\0") + 1
        rows = self.entry.findall(text, 0, end)
        if end < len(text):
            rows.append(("", "", text[end:]))  # the output's last entry without its NUL
        for oid, rel, other in rows:
            if rel:
                listing.place_file(rel, oid)
                continue
            meta, _, path = other.partition("\t")
            if not path or not path.startswith(base):
                continue  # ``prefix`` itself as a file: not a catalog folder
            mode, _, oid = meta.split(" ")
            listing.place(path[len(base) :], mode, oid)


def _parse_batch(out: bytes) -> Iterator[tuple[str, bytes]]:
    """Split ``git cat-file --batch`` output into ``(oid, content)``; missing objects raise."""
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        if len(header) != 3:
            raise GitError(t("diff.git_failed", detail=out[pos:end].decode("utf-8", "replace")))
        oid, size = header[0].decode(), int(header[2])
        start = end + 1
        yield oid, out[start : start + size]
        pos = start + size + 1


#: How a line that declares a document's id starts, up to the id (``id: APP-01``, the value
#: maybe quoted): a regular expression (bytes) Python, PCRE and POSIX ERE read alike (a real
#: tab, no backslash). The one home of the form :func:`spbe_cli.diff.declared_ids` reads and a
#: git side's :attr:`Snapshot.finder` looks for.
ID_LEAD = b"id[ \t]*:[ \t]*[\"']?"
#: Characters of an id written as they are in :func:`id_line_pattern`; a few with a backslash
#: (alike in PCRE and POSIX ERE), the other printable ones as a one-character class.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_]")
_ESCAPED = frozenset("^\\")
#: Longest id :func:`id_line_pattern` writes in its tree (a group nests per branching).
_MAX_TREE_ID = 200


def id_line_pattern(words: Iterable[str]) -> bytes:
    """A line declaring an id whose :func:`~spbe_cli.catalog.id_skeleton` is one of ``words``.

    One pattern, read alike by PCRE and POSIX ERE in the C locale, meant for ``git grep -i``
    (the case of the words is not kept): ``^``, an optional BOM, :data:`ID_LEAD`, then either
    an ASCII word followed by a character that cannot continue an id (or the line's end), or
    any value holding a byte beyond ASCII (a Cyrillic or full-width letter, an invisible
    character: the look-alikes the loader folds, whatever word they fold to). The ASCII words
    are a tree of their shared beginnings (``apl-0(17|23)``): git looks ahead for one pattern
    through each blob, while a pattern per word is tried on each line. A word with a character
    no file can declare an id with (a control character) is left out.
    """
    tree: dict[str, Any] = {}
    flat: list[str] = []
    for word in words:
        if not word or not word.isascii() or not word.isprintable():
            continue  # beyond ASCII: the second branch finds every such line
        if len(word) > _MAX_TREE_ID:
            flat.append("".join(map(_written, word)))
            continue
        node = tree
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}
    ascii_words = "|".join(filter(None, [_branches(tree), *flat]))
    beyond = b".*[\x80-\xff]"
    if not ascii_words:
        return b"^(\xef\xbb\xbf)?" + ID_LEAD + beyond
    ended = f"({ascii_words})([^A-Za-z0-9_]|$)".encode()
    return b"^(\xef\xbb\xbf)?" + ID_LEAD + b"(" + ended + b"|" + beyond + b")"


def _written(char: str) -> str:
    if char in _PLAIN:
        return char
    return f"\\{char}" if char in _ESCAPED else f"[{char}]"


def _branches(node: dict[str, Any]) -> str:
    """The regular expression of a tree of words (``""`` marks a word's end)."""
    parts = [_written(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not parts:
        return ""
    if "" not in node:  # no word ends here
        return parts[0] if len(parts) == 1 else f"({'|'.join(parts)})"
    # A word ends here and others go on: what follows is optional.
    alone = len(parts) == 1 and len(parts[0]) == 1
    return f"{parts[0]}?" if alone else f"({'|'.join(parts)})?"


class IdSearch:
    """``git grep`` for the files of a revision's catalog folder declaring one of some ids.

    The files (relative paths) with a line declaring an id whose
    :func:`~spbe_cli.catalog.id_skeleton` is one of ``words`` (:func:`id_line_pattern`): more
    files than those, never fewer. It runs as it
    is made, beside the caller's own work (the search reads every blob of the revision, about
    half a second on a national catalog, while the caller has a core's worth of parsing):
    :meth:`result` waits for it, :meth:`stop` ends it. Its answer goes to a private temporary
    file, so that it never waits for the caller to read it.
    """

    def __init__(self, top: Path, commit: str, prefix: str, words: Sequence[str]) -> None:
        self.words = frozenset(words)
        self._top, self._commit, self._prefix = top, commit, prefix
        pattern = id_line_pattern(sorted(self.words))
        # -P is the fastest and not in every git build: then -E.
        self._tries = [("-P", pattern), ("-E", pattern)]
        self._running: tuple[subprocess.Popen[bytes], Any] | None = None
        self._start()

    def _start(self) -> None:
        import tempfile

        while self._tries:
            flag, patterns = self._tries.pop(0)
            # One thread: the caller's parsing has the other core.
            args = ["grep", "-l", "-z", "-i", flag, "--no-color", "--threads=1", "-f", "-"]
            argv = [*_GIT_BASE, "-C", str(self._top), *args, self._commit, "--"]
            argv.append(self._prefix or ".")
            out = tempfile.TemporaryFile()  # noqa: SIM115 - open until result() or stop()
            try:
                process = subprocess.Popen(  # an argument list, never a shell
                    argv,
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=subprocess.DEVNULL,
                    env=_git_env(),
                )
            except OSError:
                out.close()
                continue
            try:
                assert process.stdin is not None
                process.stdin.write(patterns)  # git reads them all before it searches
                process.stdin.close()
            except OSError:  # it ended at once (a pattern it cannot read): the next try
                pass
            self._running = (process, out)
            return

    def result(self) -> set[str] | None:
        """The files found (relative to the catalog folder), or None when git could not tell."""
        while self._running is not None:
            process, out = self._running
            self._running = None
            with out:
                code = process.wait()
                if code in (0, 1):  # 1: nothing found
                    out.seek(0)
                    return self._paths(out.read())
            self._start()
        return None

    def stop(self) -> None:
        """End the search (its answer is not needed)."""
        if self._running is not None:
            process, out = self._running
            self._running = None
            process.kill()
            process.wait()
            out.close()

    def _paths(self, listed: bytes) -> set[str]:
        found: set[str] = set()
        head = f"{self._commit}:"
        base = self._prefix + "/" if self._prefix else ""
        for record in listed.split(b"\0"):
            path = record.decode("utf-8", "surrogateescape").removeprefix(head)
            if path and path.startswith(base):
                found.add(path[len(base) :])
        return found


def git_snapshot(repo: Repository, rev: str, commit: str, prefix: str) -> Snapshot:
    """The catalog folder ``prefix`` (relative to the repository) as it is in ``commit``.

    A revision without the folder (the commit before the catalog was added) is an empty
    catalog, marked ``missing``: the first pull request shows everything as added.
    """
    texts: dict[str, str] = {}
    links: dict[str, str] = {}
    seen, files = repo.list_tree(commit, prefix, texts, links)
    display_root = f"{rev}:{prefix}" if prefix else f"{rev}:"
    misnamed = _misnamed_config(files, texts, links)
    refused: dict[str, str] = {}
    follow = None
    if links:
        follow = link_follower(prefix, files, texts, links, repo.read_blobs(links.values()))
        for rel in list(links):
            oid, problem = follow(rel)
            if oid is not None:
                (files if wanted(rel) else texts)[rel] = oid
            elif wanted(rel):
                # An id equal to nothing else: the file is "read" on each side, and refused.
                files[rel] = f"refused:{commit}:{rel}"
                refused[rel] = problem

    def read(rels: Sequence[str]) -> tuple[list[tuple[str, bytes]], list[Finding]]:
        from spbe_cli.files import link_refusal
        from spbe_cli.rules import make_finding

        readable = [rel for rel in rels if rel not in refused]
        blobs = repo.read_blobs(files[rel] for rel in readable)
        findings = []
        for rel in rels:
            if rel in refused:
                why = link_refusal(refused[rel])
                where = Location(display_path(display_root, rel), 1, 1)
                findings.append(make_finding(why.code, where, why.key, **why.values))
        return [(display_path(display_root, rel), blobs[files[rel]]) for rel in readable], findings

    def read_text(rel: str) -> bytes | None:
        oid = texts.get(rel) or (follow(rel)[0] if follow is not None else None)
        return repo.read_blobs([oid]).get(oid) if oid is not None else None

    def find(words: Sequence[str]) -> IdSearch | None:
        # A file read through a symbolic link holds its target's bytes, which git grep does not
        # search: then no answer (the caller reads the files).
        if links or not words:
            return None
        return IdSearch(repo.top, commit, prefix, words)

    return Snapshot(
        label=rev,
        kind="git",
        root=repo.top / prefix,
        display_root=display_root,
        files=files,
        revision=commit,
        path=prefix,
        missing=not seen,
        reader=read,
        texts=texts,
        text_reader=read_text,
        follow=follow,
        finder=find,
        misnamed_config=misnamed,
    )


def _misnamed_config(*listings: dict[str, str]) -> list[str]:
    """The rule-configuration names of a revision's catalog folder that are not read as one.

    ``.spbe.yaml`` is read only as a regular file (a link or a folder is not, as in a folder).
    Only the names starting with a dot can be one (a revision lists tens of thousands of files).
    """
    from spbe_cli.ruleconfig import CONFIG_FILE, misnamed_config

    links = listings[-1]
    hidden = [rel for listing in listings for rel in listing if rel.startswith(".")]
    top = {rel.split("/", 1)[0] for rel in hidden}
    folders = {rel.split("/", 1)[0] for rel in hidden if "/" in rel}
    regular = CONFIG_FILE not in links and CONFIG_FILE not in folders
    return misnamed_config(top, regular)


def link_follower(
    prefix: str,
    files: dict[str, str],
    texts: dict[str, str],
    links: dict[str, str],
    targets: dict[str, bytes],
) -> Callable[[str], tuple[str | None, str]]:
    """Follow a path of a revision's catalog folder through its symbolic links, as on disk.

    ``files`` and ``texts`` are the folder's regular files and ``links`` its links (each by
    catalog-relative path -> blob id), ``targets`` the links' blobs (their targets). The
    function returned follows a catalog-relative path, through every link on the way, in the
    repository's coordinates; it must end on a regular file of the catalog folder. It gives
    ``(blob id, "")`` of that file, or ``(None, problem)``: ``outside`` (it leaves the catalog
    folder, or a link is absolute: a path of the machine, not of the revision), ``not_file``
    (a folder), ``missing`` or ``loop``. The working tree's rules are
    :func:`spbe_cli.files.read_catalog_file` and :func:`spbe_cli.files.prose_file`.
    """
    base = f"{prefix}/" if prefix else ""
    regular = {**texts, **files}
    folders = {
        name[:cut]
        for name in (*regular, *links)
        for cut in (i for i, char in enumerate(name) if char == "/")
    }

    def follow(rel: str) -> tuple[str | None, str]:
        pending = [*base.split("/"), *rel.split("/")]
        resolved: list[str] = []
        hops = 0
        while pending:
            name = pending.pop(0)
            if name in ("", "."):
                continue
            if name == "..":
                if not resolved:
                    return None, "outside"
                resolved.pop()
                continue
            path = "/".join([*resolved, name])
            inner = path[len(base) :] if path.startswith(base) else None
            if inner is None or inner not in links:
                resolved.append(name)
                continue
            hops += 1
            target = targets.get(links[inner], b"").decode("utf-8", "surrogateescape")
            if hops > MAX_LINK_HOPS:
                return None, "loop"
            if target.startswith("/") or not target:
                return None, "outside"
            pending[:0] = target.split("/")
        path = "/".join(resolved)
        if not path.startswith(base) or path == prefix:
            return None, "not_file" if path == prefix else "outside"
        inner = path[len(base) :]
        if inner in regular:
            return regular[inner], ""
        return None, "not_file" if inner in folders else "missing"

    return follow


# -- choosing the sides ------------------------------------------------------------------------


@dataclass
class Sides:
    """Resolved old and new snapshots."""

    old: Snapshot
    new: Snapshot


def _catalog_prefix(repo: Repository, catalog: Path, cwd: Path) -> str:
    """The catalog folder relative to the repository root (POSIX, '' for the root).

    Raises:
        UsageError: the folder is outside the repository.
    """
    target = Path(os.path.realpath(cwd / catalog))
    top = Path(os.path.realpath(repo.top))
    try:
        rel = target.relative_to(top)
    except ValueError:
        raise UsageError(
            t("diff.outside_repo", path=catalog.as_posix(), repo=repo.top.as_posix())
        ) from None
    if rel.parts[:1] == (".git",):
        raise UsageError(t("diff.outside_repo", path=catalog.as_posix(), repo=repo.top.as_posix()))
    return rel.as_posix() if rel.parts else ""


class _Resolver:
    """Turn the command-line words into snapshots."""

    def __init__(self, catalog: Path, cwd: Path) -> None:
        self.catalog = catalog
        self.cwd = cwd
        self._repo: Repository | None = None
        self._refused: SpbeError | None = None
        self._looked = False

    def repo(self, *, required: bool) -> Repository | None:
        if not self._looked:
            self._looked = True
            self._repo, self._refused = Repository.look_for(self.cwd)
        if self._repo is None and required:
            if self._refused is not None:
                raise self._refused
            raise UsageError(t("diff.not_a_repo", path=self.cwd.as_posix()))
        return self._repo

    def prefix(self) -> str:
        repo = self.repo(required=True)
        assert repo is not None
        return _catalog_prefix(repo, self.catalog, self.cwd)

    def revision(self, rev: str, commit: str | None = None) -> Snapshot:
        check_revision_text(rev)
        repo = self.repo(required=True)
        assert repo is not None
        commit = commit or repo.commit(rev)
        if commit is None:
            raise repo.unknown(rev)
        return git_snapshot(repo, rev, commit, self.prefix())

    def worktree(self, *, against_git: bool) -> Snapshot:
        repo = self.repo(required=False)
        if repo is not None and against_git:
            self.prefix()  # the catalog must be inside the repository it is compared with
        fmt = repo.object_format if repo is not None else "sha1"
        folder = self.cwd / self.catalog
        if against_git and not folder.exists():
            # The working tree deleted the catalog: compared with a revision, an empty catalog.
            label = self.catalog.as_posix()
            return Snapshot(label, "worktree", folder, label, {}, path=label, missing=True)
        return folder_snapshot(folder, self.catalog.as_posix(), kind="worktree", object_format=fmt)

    def side(self, word: str) -> Snapshot | FolderSide:
        """A folder when ``word`` names one, else a revision; both at once is ambiguous.

        A folder is not read yet (:func:`resolved` reads it): two folders are read at once.
        """
        if word.startswith("-"):
            raise UsageError(t("diff.rev_option", rev=word))
        path = self.cwd / word
        is_dir = path.is_dir()
        repo = self.repo(required=not is_dir)
        commit = None
        if repo is not None and split_range(word) is None:
            check_revision_text(word)
            commit = repo.commit(word)
        if is_dir and commit is not None:
            raise UsageError(t("diff.ambiguous", word=word))
        if is_dir:
            fmt = repo.object_format if repo is not None else "sha1"
            return FolderSide(path, word, object_format=fmt)
        if split_range(word) is not None:
            raise UsageError(t("diff.range_alone", word=word))
        if commit is None:
            if path.exists():
                raise UsageError(t("load.not_folder", path=word))
            if repo is None:
                raise UsageError(t("diff.unknown_rev", rev=word))
            raise repo.unknown(word)
        return self.revision(word, commit)

    def range(self, spec: Range, word: str) -> Sides:
        for end in (spec.old, spec.new):
            check_revision_text(end)
        repo = self.repo(required=True)
        assert repo is not None
        old_commit, new_commit = repo.commit(spec.old), repo.commit(spec.new)
        for end, commit in ((spec.old, old_commit), (spec.new, new_commit)):
            if commit is None:
                raise repo.unknown(end)
        assert old_commit is not None and new_commit is not None
        old_label = spec.old
        if spec.symmetric:
            base = repo.merge_base(old_commit, new_commit)
            if base is None:
                raise UsageError(t("diff.no_merge_base", word=word) + repo.shallow_hint())
            old_commit = base
            old_label = t("diff.merge_base_label", old=spec.old, new=spec.new)
        return Sides(
            self.revision_at(old_label, old_commit), self.revision_at(spec.new, new_commit)
        )

    def revision_at(self, label: str, commit: str) -> Snapshot:
        repo = self.repo(required=True)
        assert repo is not None
        return git_snapshot(repo, label, commit, self.prefix())


def resolve_sides(
    old: str | None,
    new: str | None,
    catalog: Path,
    cwd: Path | None = None,
    *,
    base: bool = False,
) -> Sides:
    """Turn ``spbe diff [OLD [NEW]]`` into two snapshots.

    No word: HEAD against the working tree. One word: that revision or folder against the
    working tree, or a range ``A..B`` / ``A...B``. Two words: each a revision or a folder.
    ``base``: the diff will look for the old side's base run (see :func:`folder_snapshots`).

    Raises:
        UsageError: a word is an option, an unknown revision, ambiguous, or outside the
            repository; a folder named as a side does not exist; the catalog folder is in
            neither side (a side without it is an empty catalog).
        SpbeError: git cannot run.
    """
    sides = _resolve(_Resolver(catalog, cwd or Path.cwd()), old, new, base)
    if sides.old.missing and sides.new.missing:
        # Neither side has the folder: a mistyped --catalog, not an empty review.
        git_side = sides.old if sides.old.kind == "git" else sides.new
        raise UsageError(t("diff.no_catalog_in_rev", path=git_side.path or ".", rev=git_side.label))
    return sides


def _resolve(resolver: _Resolver, old: str | None, new: str | None, base: bool = False) -> Sides:
    if old is None and new is not None:  # pragma: no cover - the CLI never passes this
        old, new = new, None
    if old is None:
        return Sides(resolver.revision("HEAD"), resolver.worktree(against_git=True))
    if new is None:
        if old.startswith("-"):
            raise UsageError(t("diff.rev_option", rev=old))
        spec = split_range(old)
        if spec is not None and not (resolver.cwd / old).is_dir():
            return resolver.range(spec, old)
        first = resolved(resolver.side(old))
        return Sides(first, resolver.worktree(against_git=first.kind == "git"))
    for word in (old, new):
        if word.startswith("-"):
            raise UsageError(t("diff.rev_option", rev=word))
    first_side = resolver.side(old)
    try:
        second_side = resolver.side(new)
    except SpbeError:
        if isinstance(first_side, FolderSide):
            first_side.listed()  # a folder that cannot be listed is reported before the new word
        raise
    # Two folders: the old one is listed once the child reading the new one has started (and
    # its problem, if any, reported first there too).
    if isinstance(first_side, FolderSide) and isinstance(second_side, FolderSide):
        return Sides(*folder_snapshots(first_side, second_side, base=base))
    return Sides(resolved(first_side), resolved(second_side))


def resolved(side: Snapshot | FolderSide) -> Snapshot:
    """The snapshot of a side :meth:`_Resolver.side` named (a folder is read now)."""
    return side if isinstance(side, Snapshot) else side.read()


def own_repository(spec: str, catalog: Path, cwd: Path | None = None) -> tuple[Path, Path]:
    """``(catalog, cwd)`` for reading one earlier state of a given catalog folder.

    ``spbe diff`` reads revisions of the repository it runs in; ``--since`` of progress and
    render names an earlier state of *their* catalog, so a revision is looked up in the
    repository holding that catalog, wherever the command runs. A folder stays relative to the
    current directory.
    """
    cwd = cwd or Path.cwd()
    if not spec.startswith("-") and (cwd / spec).is_dir():
        return catalog, cwd
    absolute = (cwd / catalog).resolve()
    return absolute, absolute


def load_revision(spec: str, catalog: Path, cwd: Path | None = None) -> Any:
    """Load the whole catalog as it was at a revision (or in another folder).

    Used by ``spbe progress --since`` and ``spbe render --since`` to see an earlier state.

    Raises:
        UsageError: the word is an option, unknown or ambiguous; the folder does not exist.
        SpbeError: git cannot run.
    """
    from spbe_cli.loader import load_files

    if spec.startswith("-"):
        raise UsageError(t("diff.rev_option", rev=spec))
    snapshot = resolved(_Resolver(*own_repository(spec, catalog, cwd)).side(spec))
    if snapshot.missing:
        raise UsageError(t("diff.no_catalog_in_rev", path=snapshot.path or ".", rev=spec))
    files, _ = snapshot.read(sorted(snapshot.files))
    earlier, _findings = load_files(snapshot.root, files, snapshot.display_root)
    revision_files(snapshot, earlier)
    return earlier


def tag_dates(start: Path, prefix: str) -> list[tuple[str, date]] | None:
    """Tags named ``prefix*`` reachable from HEAD, oldest first, with the date each was made.

    The date is the tagger date of an annotated tag, else the commit date, in the time zone it
    was recorded in (so the answer is the same on every machine). None when ``start`` is in no
    repository or git cannot run: the caller says the evidence cannot be read.
    """
    repo = Repository.discover(start)
    if repo is None:
        return None
    try:
        done = _run_git(
            [
                "for-each-ref",
                "--merged",
                "HEAD",
                "--format=%(refname:strip=2)%09%(creatordate:short)",
                f"refs/tags/{prefix}*",
            ],
            repo.top,
            check=False,
        )
    except GitError:
        return None
    if done.returncode != 0:
        return []  # no commit yet: nothing is tagged
    found: list[tuple[str, date]] = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        name, _, day = line.partition("\t")
        try:
            found.append((name, date.fromisoformat(day)))
        except ValueError:
            continue
    return sorted(found, key=lambda pair: (pair[1], pair[0]))
