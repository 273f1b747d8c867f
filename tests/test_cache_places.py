"""Where the content cache may live: in a git work tree git ignores, through links, and repairs.

GitLab CI keeps only paths inside the project folder, and some users keep their home as a
repository: a cache folder in a work tree is used when git says nothing under it is tracked and
it is ignored. A link on the way is fine when it is the user's or root's in a folder others
cannot write. Folders an older spbe made writable by others are made private again, and the
temporary files of killed runs are swept.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from spbe_cli import cache, cachestate
from spbe_cli.parsing import parse_bytes, to_json
from tests.helpers import git
from tests.test_cache import _catalog, _entries, _framed, _recorded, _records, _report

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")

END = "The run is complete, only not faster.\n"


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a new process: nothing said yet, git not asked yet, the cache on."""
    monkeypatch.setattr(cache, "_SAID", set())
    monkeypatch.setattr(cache, "_GIT_SAID", {})
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    cachestate.set_enabled(True)


def _project(tmp_path: Path, ignore: str | None = "/.spbe-cache/\n") -> Path:
    """A catalog repository as GitLab CI checks it out, with ``ignore`` as its .gitignore."""
    project = tmp_path / "builds" / "pemda" / "katalog"
    project.mkdir(parents=True)
    git(project, "init", "-q")
    if ignore is not None:
        (project / ".gitignore").write_text(ignore)
    _catalog(project)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "katalog")
    return project


def _track(project: Path, planted: Path) -> None:
    """Put a file in the index of ``project``, ignored or not, as a commit checked out would."""
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text("{}")
    git(project, "add", "-f", str(planted))


def _runs(capsys: pytest.CaptureFixture[str], root: Path) -> str:
    """Run twice with the cache on (one process), check the report; what was said on stderr."""
    good = _report(root, cached=False)
    capsys.readouterr()
    assert _recorded(root) == good
    assert _recorded(root) == good
    return capsys.readouterr().err


def test_a_cache_folder_git_ignores_in_the_project_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``SPBE_CACHE_DIR=.spbe-cache`` in GitLab CI: the cache was silently off."""
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setenv("SPBE_CACHE_DIR", ".spbe-cache")
    asked: list[list[str]] = []
    from spbe_cli import gitsource

    run_git = gitsource._run_git

    def counted(args: list[str], *rest: object, **options: object) -> object:
        asked.append(list(args[:1]))
        return run_git(args, *rest, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(gitsource, "_run_git", counted)
    assert _runs(capsys, project / "catalog") == ""
    assert _records(project / ".spbe-cache")
    assert asked == [["ls-files"], ["check-ignore"]]  # once a process, whatever is opened
    _report(project / "catalog", cached=True)
    assert _entries(project / ".spbe-cache")
    assert len(asked) == 2
    # A long-lived process (the editor's language server) asks again a minute later: a
    # ``git pull`` may have made a file there tracked.
    clock = cache._clock
    monkeypatch.setattr(cache, "_clock", lambda: clock() + cache.GIT_FRESH)
    planted = project / ".spbe-cache" / "v1" / "runs" / "0.json"
    _track(project, planted)
    assert f"git tracks {planted} in it" in _runs(capsys, project / "catalog")
    assert len(asked) == 3  # ls-files said it: check-ignore is not needed


@pytest.mark.parametrize(
    "ignore",
    [
        ".spbe-cache/\n",
        "/.spbe-cache\n",
        "*-cache/\n",
        "/.spbe-cache/\n!/.spbe-cache/v1/\n",  # nothing under an ignored folder comes back
    ],
)
def test_any_rule_that_ignores_the_folder_will_do(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ignore: str,
) -> None:
    project = _project(tmp_path, ignore)
    monkeypatch.setenv("SPBE_CACHE_DIR", str(project / ".spbe-cache"))
    assert _runs(capsys, project / "catalog") == ""
    assert _records(project / ".spbe-cache")


def test_a_folder_inside_an_ignored_folder_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, "build/\n")
    monkeypatch.setenv("SPBE_CACHE_DIR", str(project / "build" / "cache" / "spbe"))
    assert _runs(capsys, project / "catalog") == ""
    assert _records(project / "build" / "cache" / "spbe")


def test_a_cache_folder_with_a_tracked_file_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A merge request adds a record claiming "no findings": checked out, it is tracked."""
    project = _project(tmp_path)
    planted = project / ".spbe-cache" / "v1" / "runs" / "0.json"
    _track(project, planted)
    git(project, "commit", "-q", "-m", "cache")
    base = project / ".spbe-cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, project / "catalog")
    assert said == (
        f"spbe: cache folder {base} not used: it is inside the git work tree {project} and git "
        f"tracks {planted} in it, so what is there comes from a commit. {END}"
    )  # once, though asked for the entries and the records of two runs
    assert sorted(path.name for path in base.rglob("*")) == ["0.json", "runs", "v1"]


def test_a_tracked_link_to_a_cache_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A commit may point the link elsewhere: its target is not the user's choice."""
    project = _project(tmp_path, "/cache-link\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (project / "cache-link").symlink_to(elsewhere)
    git(project, "add", "-f", "cache-link")
    git(project, "commit", "-q", "-m", "link")
    monkeypatch.setenv("SPBE_CACHE_DIR", str(project / "cache-link"))
    said = _runs(capsys, project / "catalog")
    assert f"git tracks {project / 'cache-link'} in it" in said
    assert said.count("not used") == 1
    assert not _records(elsewhere)


def test_a_cache_folder_git_does_not_ignore_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``git add -A`` would commit it; nothing is made there, and the fix is said."""
    project = _project(tmp_path, ignore=None)
    base = project / ".spbe-cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, project / "catalog")
    assert said == (
        f"spbe: cache folder {base} not used: it is inside the git work tree {project} and git "
        f"does not ignore it; add the line /.spbe-cache/ to the .gitignore in {project} (or to "
        f".git/info/exclude). {END}"
    )
    assert not base.exists()


def test_the_reason_is_said_in_indonesian_by_default(tmp_path: Path) -> None:
    from spbe_cli.i18n import use_language

    project = _project(tmp_path, ignore=None)
    with use_language("id"):
        said = cache._ask_git(str(project), [".spbe-cache"], [".spbe-cache/"])
    assert said == (
        f"berada di dalam repositori git {project} dan tidak diabaikan git; tambahkan baris "
        f"/.spbe-cache/ ke .gitignore di {project} (atau ke .git/info/exclude)"
    )


def test_git_variables_of_the_caller_do_not_change_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``GIT_DIR`` naming a repository that tracks nothing there does not hide a tracked file."""
    project = _project(tmp_path)
    planted = project / ".spbe-cache" / "x"
    _track(project, planted)
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    (other / ".git" / "info" / "exclude").write_text("*\n")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(project))
    monkeypatch.setenv("SPBE_CACHE_DIR", str(project / ".spbe-cache"))
    said = _runs(capsys, project / "catalog")
    assert f"git tracks {planted} in it" in said


def test_without_git_a_work_tree_refuses_the_cache_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    base = project / ".spbe-cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    said = _runs(capsys, project / "catalog")
    assert said == (
        f"spbe: cache folder {base} not used: it is inside a git work tree ({project}), whose "
        f"files may come from someone else's commit. {END}"
    )


def test_a_git_that_does_not_answer_refuses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    base = project / ".spbe-cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    slow = tmp_path / "slow-git"
    slow.mkdir()
    (slow / "git").write_text("#!/bin/sh\nexec sleep 30\n")
    (slow / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{slow}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(cache, "GIT_TIMEOUT", 0.5)
    started = time.monotonic()
    said = _runs(capsys, project / "catalog")
    assert time.monotonic() - started < 10  # asked once, not once per folder or run
    assert said == (
        f"spbe: cache folder {base} not used: it is inside the git work tree {project} and git "
        f"could not tell that no file there is tracked (git did not answer within 0.5 "
        f"seconds). {END}"
    )


def test_a_home_kept_as_a_repository_with_a_project_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each work tree is asked what it tracks; only the innermost what it ignores."""
    home = tmp_path / "home"
    home.mkdir()
    git(home, "init", "-q")
    (home / ".bashrc").write_text("")
    git(home, "add", ".bashrc")
    git(home, "commit", "-q", "-m", "home")
    monkeypatch.setenv("SPBE_CACHE_DIR", str(home / ".cache" / "spbe"))
    root = _catalog(tmp_path)
    said = _runs(capsys, root)
    assert said == (
        f"spbe: cache folder {home / '.cache' / 'spbe'} not used: it is inside the git work "
        f"tree {home} and git does not ignore it; add the line /.cache/spbe/ to the .gitignore "
        f"in {home} (or to .git/info/exclude). {END}"
    )
    (home / ".git" / "info" / "exclude").write_text("/.cache/\n")
    monkeypatch.setattr(cache, "_SAID", set())
    monkeypatch.setattr(cache, "_GIT_SAID", {})
    assert _runs(capsys, root) == ""
    assert _records(home / ".cache" / "spbe")
    project = _project(home)  # a catalog repository in the home: the home does not ignore it
    monkeypatch.setenv("SPBE_CACHE_DIR", str(project / ".spbe-cache"))
    assert _runs(capsys, project / "catalog") == ""
    assert _records(project / ".spbe-cache")


# -- links on the way ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "mode", "used"),
    [
        ("own", 0o755, True),  # /home/u/link/cache, the link the user's
        ("own", 0o1777, True),  # in a sticky folder no one else can replace the user's link
        ("own", 0o777, False),  # in a folder anyone can write: anyone can replace the link
        ("chain", 0o777, False),  # the second link of a chain lies in a folder anyone can write
        ("chain", 0o755, True),
    ],
)
def test_links_in_the_middle_of_the_cache_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    mode: int,
    used: bool,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    holder = home
    if where == "chain":
        holder = tmp_path / "links"
        holder.mkdir()
        (holder / "second").symlink_to(private)
        (home / "link").symlink_to(holder / "second")
    else:
        (home / "link").symlink_to(private)
    holder.chmod(mode)
    base = home / "link" / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    root = _catalog(tmp_path)
    said = _runs(capsys, root)
    assert bool(_records(private / "cache")) is used
    if used:
        assert said == ""
    else:
        assert said == (
            f"spbe: cache folder {base} not used: {holder} belongs to or can be written by "
            f"another user. {END}"
        )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs lchown")
def test_a_link_of_another_user_on_the_way_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In ``/tmp`` (sticky) its owner can point it elsewhere at any time."""
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    link = shared / "link"
    link.symlink_to(private)
    os.lchown(link, 4242, 4242)
    base = link / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, _catalog(tmp_path))
    assert said == (
        f"spbe: cache folder {base} not used: the symbolic link {link} belongs to another "
        f"user, who can point it elsewhere. {END}"
    )
    assert not (private / "cache").exists()


def test_a_loop_of_links_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    base = tmp_path / "a" / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, _catalog(tmp_path))
    assert said.startswith(f"spbe: cache folder {base} not used: ")
    assert said.count("not used") == 1


def test_a_link_going_up_is_followed_as_the_system_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``link/..`` is the folder above where the link leads, not the folder holding the link."""
    deep = tmp_path / "other" / "deep"
    deep.mkdir(parents=True)
    (tmp_path / "other").chmod(0o777)  # the folder ``link/..`` really is
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "link").symlink_to(deep)
    base = tmp_path / "home" / "link" / ".." / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, _catalog(tmp_path))
    assert f"{tmp_path / 'other'} belongs to or can be written by another user" in said
    assert not (tmp_path / "other" / "cache").exists()


# -- folders an older spbe made writable by others ---------------------------------------------


def _not_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's primary group is shared (``users``): group-writable means writable by others."""
    monkeypatch.setattr(cache, "_private_group", lambda gid: False)


def test_the_cache_folder_made_group_writable_by_an_older_spbe_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _not_private(monkeypatch)
    base = tmp_path / "cache" / "spbe"
    (base / "v1").mkdir(parents=True)
    base.chmod(0o775)
    (base / "v1").chmod(0o775)
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, _catalog(tmp_path))
    assert said == (
        f"spbe: cache folder {base} could be written by other users (mode 0775, made by an "
        "older spbe); now only its owner can open it (0700).\n"
        f"spbe: cache folder {base / 'v1'} could be written by other users (mode 0775, made "
        "by an older spbe); now only its owner can open it (0700), and what it held was "
        "removed, as it cannot be trusted.\n"
    )  # said once: the next run finds them private
    assert base.stat().st_mode & 0o777 == 0o700
    assert _records(base)


def test_a_folder_the_user_shares_is_not_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Holding more than spbe's folder, it is not spbe's to repair: refused as before."""
    _not_private(monkeypatch)
    base = tmp_path / "bersama"
    (base / "v1").mkdir(parents=True)
    (base / "laporan.txt").write_text("milik tim\n")
    base.chmod(0o775)
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    said = _runs(capsys, _catalog(tmp_path))
    assert said == (
        f"spbe: cache folder {base} not used: {base} belongs to or can be written by another "
        f"user. {END}"
    )
    assert base.stat().st_mode & 0o777 == 0o775
    assert (base / "laporan.txt").exists()


def test_entries_planted_while_a_folder_was_open_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The version folder was group writable (``os.makedirs`` gave it the default mode)."""
    _not_private(monkeypatch)
    base = tmp_path / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    _report(root, cached=True)
    store = cache.ContentCache(base)
    key = store.key((root / "program" / "bad.yaml").read_bytes())
    entry = store.folder / key[:2] / f"{key}.json"
    clean = json.dumps(to_json(parse_bytes(b"entitas: program\n")), separators=(",", ":"))
    entry.write_bytes(_framed(key, clean.encode()))  # well framed: the bad file "has no errors"
    store.folder.chmod(0o775)
    capsys.readouterr()
    assert _report(root, cached=True) == good
    assert store.folder.stat().st_mode & 0o777 == 0o700
    assert "what it held was removed" in capsys.readouterr().err
    store.folder.chmod(0o700)
    entry.write_bytes(_framed(key, clean.encode()))
    assert _report(root, cached=True) != good  # what a planted entry does when it is read


# -- temporary files of killed runs ----------------------------------------------------------


def test_temporary_files_left_by_killed_writers_are_swept_once_a_day(tmp_path: Path) -> None:
    parent = tmp_path / "v1"
    folder = parent / "0123456789abcdef"
    (folder / "ab").mkdir(parents=True)
    now = time.time()
    old = folder / "ab" / "ab12.json.77.0a0b0c0d.tmp"
    young = folder / "ab" / "ab34.json.78.0a0b0c0d.tmp"
    entry = folder / "ab" / "ab56.json"
    for path in (old, young, entry):
        path.write_text("x")
    os.utime(old, (now - 2 * 3600, now - 2 * 3600))
    os.utime(young, (now - 600, now - 600))  # another run may still be writing it
    os.utime(entry, (now - 2 * 3600, now - 2 * 3600))
    link = folder / "ab" / "ab78.json.79.0a0b0c0d.tmp"
    link.symlink_to(entry)
    os.utime(link, (now - 2 * 3600, now - 2 * 3600), follow_symlinks=False)
    cache.prune_versions(parent, keep=folder.name, now=now)
    assert sorted(path.name for path in (folder / "ab").iterdir()) == sorted(
        [young.name, entry.name, link.name]
    )
    os.utime(young, (now - 2 * 3600, now - 2 * 3600))
    cache.prune_versions(parent, keep=folder.name, now=now + 60)  # looked over today already
    assert young.exists()
    cache.prune_versions(parent, keep=folder.name, now=now + 25 * 3600)
    assert not young.exists()
    assert entry.exists()
