"""A revision's catalog folder told from the one listed before (``git diff-tree``) is the same
listing ``git ls-tree`` gives of it: files, prose and links, and whether the folder is there."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from spbe_cli.gitsource import Repository, git_snapshot
from tests.helpers import write_tree
from tests.test_git_diff import commit, git, repo

__all__ = ["repo"]


def _listed(top: Path, commit_id: str, prefix: str, before: str | None = None) -> tuple:
    repository = Repository(top)
    if before is not None:
        repository.list_tree(before, prefix)  # listed first: the next is told from it
    texts: dict[str, str] = {}
    links: dict[str, str] = {}
    seen, files = repository.list_tree(commit_id, prefix, texts, links)
    return seen, files, texts, links


@pytest.mark.parametrize("prefix", ["catalog", ""])
def test_a_listing_told_from_another_is_the_listing(repo: Path, prefix: str) -> None:
    catalog = repo / "catalog"
    revisions = [git(repo, "rev-parse", "HEAD").strip()]
    # Added, changed and deleted files; prose; a file made a link; a hidden file; a folder.
    write_tree(catalog, {"program/baru.yaml": "id: X\n", "prosa/baru.md": "# Baru\n"})
    (catalog / ".spbe.yml").write_text("aturan: {}\n", encoding="utf-8")
    revisions.append(commit(repo, "added"))
    # A submodule (a commit in the tree), taken out again by the next commit's ``add -A``.
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{revisions[0]},catalog/modul")
    git(repo, "commit", "-q", "-m", "a submodule")
    revisions.append(git(repo, "rev-parse", "HEAD").strip())
    (catalog / "program" / "baru.yaml").unlink()
    (catalog / "program" / "baru.yaml").symlink_to("economy.yaml")
    write_tree(catalog, {"prosa/baru.md": "# Diubah\n", "data/x.YML": "id: Y\n"})
    revisions.append(commit(repo, "a file made a link"))
    git(repo, "rm", "-q", "-r", "catalog/prosa")
    revisions.append(commit(repo, "prose removed"))
    git(repo, "rm", "-q", "-r", "catalog")
    revisions.append(commit(repo, "the catalog folder removed"))
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{revisions[0]},catalog/modul")
    git(repo, "commit", "-q", "-m", "only a submodule in the catalog folder")
    revisions.append(git(repo, "rev-parse", "HEAD").strip())
    git(repo, "rm", "-q", "--cached", "catalog/modul")
    (repo / "catalog").write_text("not a folder\n", encoding="utf-8")
    revisions.append(commit(repo, "a file named catalog"))
    for before in revisions:
        for after in revisions:
            whole = _listed(repo, after, prefix)
            assert _listed(repo, after, prefix, before) == whole, (before, after)
    assert _listed(repo, revisions[-3], "catalog")[0] is False  # no folder: an empty catalog
    assert _listed(repo, revisions[-2], "catalog", revisions[-3])[0] is True  # a submodule
    assert _listed(repo, revisions[-1], "catalog", revisions[-2])[0] is False
    assert _listed(repo, revisions[2], "catalog")[1] == _listed(repo, revisions[1], "catalog")[1]


def test_two_sides_of_a_diff_list_the_second_by_what_differs(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli import gitsource

    write_tree(repo / "catalog", {"program/baru.yaml": "id: X\n"})
    head = commit(repo, "added")
    base = git(repo, "rev-parse", "v1").strip()
    asked: list[str] = []
    run_git = gitsource._run_git

    def counted(args: list[str], *rest: object, **named: object) -> object:
        asked.append(args[0])
        return run_git(args, *rest, **named)  # type: ignore[arg-type]

    monkeypatch.setattr(gitsource, "_run_git", counted)
    top = Repository(repo)
    old, new = git_snapshot(top, "v1", base, "catalog"), git_snapshot(top, "HEAD", head, "catalog")
    assert [a for a in asked if a in ("ls-tree", "diff-tree")] == ["ls-tree", "diff-tree"]
    assert set(new.files) - set(old.files) == {"program/baru.yaml"}


def _entries_one_by_one(top: Path, commit_id: str, prefix: str) -> tuple:
    """The listing as ``git ls-tree`` prints it, each entry placed on its own (the reference)."""
    from spbe_cli.gitsource import _Listing

    limit = ["--", prefix] if prefix else []
    out = subprocess.run(
        ["git", "-C", str(top), "ls-tree", "-r", "-z", "--full-tree", commit_id, *limit],
        capture_output=True,
        check=True,
    ).stdout
    listing = _Listing(commit_id, prefix)
    base = f"{prefix}/" if prefix else ""
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        if path and path.startswith(base):
            mode, _, oid = meta.split(" ")
            listing.place(path[len(base) :], mode, oid)
    return listing.seen, listing.files, listing.texts, listing.links, listing.others


@pytest.mark.parametrize(("piece", "part"), [(1 << 16, 1 << 18), (3, 1), (7, 40)])
def test_a_listing_read_in_pieces_is_the_whole_listing(
    repo: Path, monkeypatch: pytest.MonkeyPatch, piece: int, part: int
) -> None:
    """git's output placed as it comes, in parts cut anywhere (inside an entry, a path, a
    character of a name), is the listing of the whole output: its files in git's order."""
    from spbe_cli import gitsource

    catalog = repo / "catalog"
    write_tree(
        catalog,
        {
            "program/baru.yaml": "id: X\n",
            "program/Ünïcode-ñame.YML": "id: Y\n",
            "program/tab\there.yaml": "id: Z\n",
            "prosa/baru.md": "# Baru\n",
            ".tersembunyi/a.yaml": "id: H\n",
        },
    )
    (catalog / "program" / "tautan.yaml").symlink_to("baru.yaml")
    (catalog / "program" / "run.yaml").write_text("id: R\n", encoding="utf-8")
    (catalog / "program" / "run.yaml").chmod(0o755)
    head = commit(repo, "names of every kind")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},catalog/modul")
    git(repo, "commit", "-q", "-m", "a submodule")
    head = git(repo, "rev-parse", "HEAD").strip()
    monkeypatch.setattr(gitsource, "_PIECE", piece)
    monkeypatch.setattr(gitsource, "_PART", part)
    for prefix in ("catalog", "", "catalog/program"):
        listing = Repository(repo)._list_whole(head, prefix)
        listed = listing.seen, listing.files, listing.texts, listing.links, listing.others
        assert listed == _entries_one_by_one(repo, head, prefix)
        assert list(listing.files) == list(_entries_one_by_one(repo, head, prefix)[1])
    assert "program/tab\there.yaml" in Repository(repo)._list_whole(head, "catalog").files
    assert Repository(repo)._list_whole(head, "catalog").others == 1  # the submodule


def test_a_listing_git_refuses_says_why(repo: Path) -> None:
    """git failing while its output is read piece by piece: its own words, as for any call."""
    from spbe_cli.gitsource import GitError

    with pytest.raises(GitError, match="not a tree object"):
        Repository(repo)._list_whole("0" * 40, "catalog")
