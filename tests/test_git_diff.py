"""``spbe diff`` against real git repositories in ``tmp_path``: revisions, tags, ranges, odd names.

Every test builds its own repository; the environment is scrubbed of ``GIT_*`` variables so that
nothing here can reach the repository the tests run from.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.diff import diff_snapshots
from spbe_cli.gitsource import Repository, blob_id, folder_snapshot, resolve_sides
from tests.helpers import copy_minimal, edit, isolate_git, write_tree

#: Who commits in these repositories.
MENTOR = ("Mentor ITB", "mentor@example.org")

ECONOMY = "catalog/program/economy.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding the minimal catalog at tag v1, with cwd inside it."""
    isolate_git(monkeypatch, tmp_path, MENTOR)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    copy_minimal(root / "catalog")
    commit(root, "v1")
    git(root, "tag", "v1")
    monkeypatch.chdir(root)
    return root


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
    return done.stdout.decode()


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def state(root: Path) -> tuple[bytes, bytes, float]:
    """What must not change: the index bytes, the working-tree listing, the index mtime."""
    index = root / ".git" / "index"
    listing = "\n".join(sorted(str(p) for p in root.rglob("*") if ".git" not in p.parts))
    return index.read_bytes(), hashlib.sha256(listing.encode()).digest(), index.stat().st_mtime


# -- sides -----------------------------------------------------------------------------------------


def test_head_against_clean_worktree_has_no_changes(repo: Path) -> None:
    code, out, err = run("--exit-code")
    assert (code, err) == (0, "")
    assert "No changes." in out


def test_revision_against_worktree_reads_only_changed_files(repo: Path) -> None:
    edit(repo / ECONOMY, "nilai: 250000000", "nilai: 100000000")
    before = state(repo)
    code, out, _ = run("v1", "--exit-code", "--no-findings", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["files"] == {
        "old": 24,
        "new": 24,
        "old_parsed": 1,
        "new_parsed": 1,
        "unchanged": 23,
    }
    assert [a["code"] for a in data["attention"]] == ["SPBE703"]
    assert data["attention"][0]["location"]["path"] == ECONOMY
    assert state(repo) == before  # neither the index nor the working tree was touched


def test_two_revisions_tags_and_commit_ids(repo: Path) -> None:
    edit(repo / ECONOMY, "horizon: menengah", "horizon: panjang")
    second = commit(repo, "horizon")
    git(repo, "tag", "v2")
    for old, new in (("v1", "v2"), ("HEAD~1", "HEAD"), ("v1", second), ("v1", "main")):
        code, out, _ = run(old, new, "--format", "json")
        data = json.loads(out)
        assert code == 0
        assert data["new"]["revision"] == second
        assert [(c["id"], c["fields"][0]["field"]) for c in data["changes"]] == [
            ("SC-03", "horizon")
        ]
        assert data["changes"][0]["new_location"]["path"] == f"{new}:{ECONOMY}"


def test_merge_base_range(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo / ECONOMY, "nama: Sentra Kerajinan Noken", "nama: Sentra Noken")
    commit(repo, "feature change")
    git(repo, "checkout", "-q", "main")
    edit(repo / "catalog/opd/diskominfo.yaml", "Dinas", "Dinas Baru")
    commit(repo, "main change")
    _, out, _ = run("main...feature", "--format", "json")
    ids = [c["id"] for c in json.loads(out)["changes"]]
    assert ids == ["SC-03"]  # main's own change is not in the range
    _, out, _ = run("main..feature", "--format", "json")
    assert sorted(c["id"] for c in json.loads(out)["changes"]) == ["DISKOMINFO", "SC-03"]


def test_the_ci_command_names_both_revisions_never_a_working_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workflows run ``spbe diff "origin/BASE...HEAD"``: a CI checkout has no working tree
    to speak of, so both sides are named by their revisions, in either language."""
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo / ECONOMY, "nama: Sentra Kerajinan Noken", "nama: Sentra Noken")
    head = commit(repo, "feature change")
    for language, worktree in (("en", "working tree"), ("id", "pohon kerja")):
        monkeypatch.setenv("SPBE_LANG", language)
        _, out, _ = run("main...HEAD", "--format", "markdown")
        sides = out.splitlines()[2]
        assert worktree not in out
        assert "`merge-base(main, HEAD)`" in sides and f"`HEAD` (`{head[:12]}`)" in sides, sides


def test_moved_and_renamed_files_are_no_change(repo: Path) -> None:
    git(repo, "mv", ECONOMY, "catalog/program/ekonomi baru.yaml")
    (repo / "catalog/arsip").mkdir()
    git(repo, "mv", "catalog/program/living.yaml", "catalog/arsip/living.yaml")
    commit(repo, "move")
    code, out, _ = run("v1", "HEAD", "--format", "json", "--exit-code")
    data = json.loads(out)
    assert code == 0 and data["changes"] == []
    # Findings are matched by entity and field, not by file and line: none is new.
    assert data["introduced"] == [] and data["fixed"] == []
    code, out, _ = run("v1", "HEAD", "--format", "json", "--no-findings")
    assert json.loads(out)["summary"]["files"]["old_parsed"] == 0


def test_odd_file_names(repo: Path) -> None:
    names = [
        "catalog/program/dengan spasi.yaml",
        "catalog/program/ékonomi-ü.yaml",
        "catalog/program/-dash.yaml",
        "catalog/program/:(glob)*.yaml",
    ]
    body = (repo / ECONOMY).read_text("utf-8")
    (repo / ECONOMY).unlink()
    for index, name in enumerate(names):
        text = body.replace("id: SC-03", f"id: SC-9{index}").replace("nilai: 2", "nilai: 3")
        write_tree(repo, {name: text})
    commit(repo, "odd names")
    _, out, err = run("v1", "HEAD", "--format", "json")
    assert err == ""
    data = json.loads(out)
    added = {
        c["id"]: c["new_location"]["path"]
        for c in data["changes"]
        if c["change"] in ("added", "renamed")
    }
    assert added == {f"SC-9{i}": f"HEAD:{n}" for i, n in enumerate(names)}
    # SC-03 with its budget edited and a new id: the first of its look-alikes is its rename.
    assert [(c["old_id"], c["id"]) for c in data["changes"] if c["change"] == "renamed"] == [
        ("SC-03", "SC-90")
    ]
    # the same names from the working tree
    for index, name in enumerate(names):
        edit(repo / name, f"id: SC-9{index}", f"id: SC-8{index}")
    _, out, _ = run("HEAD", "--format", "json")
    renamed = sorted(c["old_id"] for c in json.loads(out)["changes"] if c["change"] == "renamed")
    assert renamed == ["SC-90", "SC-91", "SC-92", "SC-93"]


def test_catalog_in_a_subfolder_and_from_a_subdirectory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "mv", "catalog", "data")
    (repo / "docs").mkdir()
    commit(repo, "move catalog")
    edit(repo / "data/program/economy.yaml", "2027: 80", "2027: 20")
    code, out, _ = run("HEAD", "--catalog", "data", "--format", "json")
    assert [a["code"] for a in json.loads(out)["attention"]] == ["SPBE704"]
    monkeypatch.chdir(repo / "docs")
    code, out, _ = run("HEAD", "--catalog", "../data", "--format", "json")
    assert code == 0 and [c["id"] for c in json.loads(out)["changes"]] == ["SC-03"]


def test_folders_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    copy_minimal(tmp_path / "old")
    copy_minimal(tmp_path / "new")
    (tmp_path / "new/program/economy.yaml").unlink()
    code, out, err = run("old", "new", "--exit-code")
    assert (code, err) == (1, "")
    assert "- SC-03  Sentra Kerajinan Noken" in out
    assert "warning[SPBE701]" in out


def test_folder_snapshot_ids_are_git_blob_ids(repo: Path) -> None:
    snap = folder_snapshot(repo / "catalog", "catalog")
    listed = git(repo, "ls-tree", "-r", "HEAD", "--", ECONOMY).split()[2]
    assert snap.files["program/economy.yaml"] == listed
    odd = repo / "odd bytes.bin"
    odd.write_bytes(b"\x00\xff\r\n")
    assert blob_id(odd.read_bytes()) == git(repo, "hash-object", "--", str(odd)).strip()
    found = Repository.discover(repo / "catalog")
    assert found is not None and found.top.resolve() == repo.resolve()


def test_a_folder_side_reads_the_bytes_its_ids_were_computed_from(repo: Path) -> None:
    """A folder's files are read once: a later read gives the bytes each id was computed from
    (the diff reads a side's files again and again), and an unreadable file is read again."""
    snap = folder_snapshot(repo / "catalog", "catalog")
    economy = repo / ECONOMY
    listed = economy.read_bytes()
    economy.write_bytes(listed + b"# diubah sesudahnya\n")
    (read,), problems = snap.read(["program/economy.yaml"])
    assert read == ("catalog/program/economy.yaml", listed) and problems == []
    assert blob_id(read[1]) == snap.files["program/economy.yaml"]
    assert snap.listing["program/economy.yaml"].display == "catalog/program/economy.yaml"
    assert snap.listing.keys() == snap.files.keys()


def test_skipping_gives_the_same_result_as_reading_everything(repo: Path) -> None:
    edit(repo / ECONOMY, "2027: 80", "2027: 90")
    git(repo, "mv", "catalog/program/living.yaml", "catalog/program/hidup.yaml")
    sides = resolve_sides("v1", None, Path("catalog"))
    fast = diff_snapshots(sides.old, sides.new, findings=False)
    full = diff_snapshots(sides.old, sides.new, skip_unchanged=False)
    assert [(c.kind, c.id, c.fields) for c in fast.changes] == [
        (c.kind, c.id, c.fields) for c in full.changes
    ]
    assert fast.files.old_parsed == 1 and full.files.old_parsed == 24


# -- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown revision 'nope'"),
        (["v1", "nope"], "unknown revision 'nope'"),
        (["--", "--output=x"], "looks like an option"),
        (["--", "-x", "HEAD"], "looks like an option"),
        (["v1...nope"], "unknown revision 'nope'"),
        (["v1..HEAD", "HEAD"], "names both sides"),
        (["HEAD:catalog"], "unknown revision"),
        (["HEAD", "--catalog", "../outside"], "outside the repository"),
        (["HEAD", "--catalog", "nowhere"], "does not exist in revision HEAD"),
    ],
)
def test_refusals_are_clear_and_write_nothing(repo: Path, args: list[str], message: str) -> None:
    (repo.parent / "outside").mkdir(exist_ok=True)
    before = state(repo)
    code, out, err = run(*args)
    assert code == 2, (code, err)  # a catalog missing from the revision too (docs/panduan.md §9)
    assert message in err
    assert out == ""
    assert "Traceback" not in err
    assert state(repo) == before


def test_option_looking_word_is_an_option_to_typer(repo: Path) -> None:
    code, out, err = run("--output=x")
    assert code == 2 and out == ""
    assert "No such option" in err


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path)
    lone = tmp_path / "lone"
    copy_minimal(lone / "catalog")
    monkeypatch.chdir(lone)
    code, out, err = run("HEAD")
    assert code == 2 and out == ""
    assert "is not inside a git repository" in err


def test_broken_head_is_compared_as_far_as_it_loads(repo: Path) -> None:
    (repo / ECONOMY).write_text("entitas: program\nid: SC-03\nnama: [unclosed\n", "utf-8")
    edit(repo / "catalog/program/living.yaml", "horizon: menengah", "horizon: panjang")
    code, out, err = run("v1", "--exit-code")
    assert (code, err) == (1, "")
    assert "Cannot be compared (1)" in out
    assert "new side, catalog/program/economy.yaml: does not load" in out
    assert "entities whose change is unknown: SC-03" in out
    assert f"{ECONOMY}:4:1: error[SPBE001]" in out
    assert "SC-03" not in out.split("Cannot be compared")[0]  # not "removed"
    assert "- SC-03" not in out and "SPBE701" not in out
    assert "horizon: menengah → panjang" in out  # the rest is diffed


def test_broken_base_is_compared_as_far_as_it_loads(repo: Path) -> None:
    (repo / ECONOMY).write_text("entitas: program\nid: SC-03\nnama: [unclosed\n", "utf-8")
    commit(repo, "broken main")
    git(repo, "tag", "broken")
    git(repo, "checkout", "-q", "v1", "--", ECONOMY)  # the pull request repairs it
    edit(repo / "catalog/program/living.yaml", "horizon: menengah", "horizon: panjang")
    code, out, err = run("broken", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [(e["side"], e["path"], e["ids"]) for e in data["uncomparable"]] == [
        ("old", "broken:catalog/program/economy.yaml", ["SC-03"])
    ]
    assert data["uncomparable"][0]["findings"][0]["code"] == "SPBE001"
    assert [(c["id"], c["change"]) for c in data["changes"]] == [("SC-04", "changed")]
    assert "SPBE001" in [f["code"] for f in data["fixed"]]


def test_schema_error_hides_only_its_entity(repo: Path) -> None:
    edit(repo / ECONOMY, "horizon: menengah", "horizon: kapan-kapan")
    code, out, _ = run("v1", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["changes"] == []
    assert [(e["side"], e["ids"]) for e in data["uncomparable"]] == [("new", ["SC-03"])]
    assert [(f["code"], f["line"]) for f in data["introduced"]] == [("SPBE101", 9)]


def test_missing_base_catalog_is_empty(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "fresh")
    git(repo, "rm", "-rq", "--cached", ".")
    (repo / "README.md").write_text("spbe\n", "utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "empty repository")
    git(repo, "tag", "empty")
    code, out, err = run("empty", "--exit-code", "--format", "markdown")
    assert (code, err) == (1, "")
    assert "has no catalog folder: it is compared as an empty catalog" in out
    assert "| **Total** | **" in out
    data = json.loads(run("empty", "--format", "json")[1])
    assert data["old"]["missing"] is True and data["fixed"] == []  # nothing "fixed" by adding
    assert {c["change"] for c in data["changes"]} == {"added"}
    code, out, err = run("empty", "empty")
    assert code == 2 and "does not exist in revision empty" in err


def test_ambiguous_word(repo: Path) -> None:
    git(repo, "branch", "old")
    copy_minimal(repo / "old")
    code, _, err = run("old")
    assert code == 2 and "both a folder and a git revision" in err


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("a.yaml", ("blob-b", "")),  # a -> b
        ("chain.yaml", ("blob-b", "")),  # chain -> a -> b
        ("d/up.yaml", ("blob-b", "")),  # ../b.yaml from d/
        ("d/roundtrip.yaml", ("blob-b", "")),  # ../../catalog/b.yaml: leaves and comes back
        ("linked/b.md", ("blob-md", "")),  # through a linked folder
        ("away.yaml", (None, "outside")),  # ../x.yaml: the repository, not the catalog
        ("abs.yaml", (None, "outside")),  # /etc/passwd: the machine, not the revision
        ("self.yaml", (None, "loop")),
        ("ping.yaml", (None, "loop")),  # ping -> pong -> ping
        ("dir.yaml", (None, "not_file")),
        ("top.yaml", (None, "not_file")),  # "." : the catalog folder itself
        ("gone.yaml", (None, "missing")),
    ],
)
def test_links_of_a_revision_are_followed_as_on_disk(
    rel: str, expected: tuple[str | None, str]
) -> None:
    from spbe_cli.gitsource import link_follower

    targets = {
        "a.yaml": "b.yaml",
        "chain.yaml": "a.yaml",
        "d/up.yaml": "../b.yaml",
        "d/roundtrip.yaml": "../../catalog/b.yaml",
        "linked": "d/texts",
        "away.yaml": "../x.yaml",
        "abs.yaml": "/etc/passwd",
        "self.yaml": "self.yaml",
        "ping.yaml": "pong.yaml",
        "pong.yaml": "ping.yaml",
        "dir.yaml": "d",
        "top.yaml": ".",
        "gone.yaml": "nothing.yaml",
    }
    links = {name: f"link-{name}" for name in targets}
    blobs = {f"link-{name}": target.encode() for name, target in targets.items()}
    files = {"b.yaml": "blob-b", "d/c.yaml": "blob-c"}
    texts = {"d/texts/b.md": "blob-md"}
    follow = link_follower("catalog", files, texts, links, blobs)
    assert follow(rel) == expected


@pytest.mark.parametrize("processes", ["0", "2"])
def test_two_folders_read_at_once_are_each_read_as_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    """``spbe diff A B`` reads the new folder in a forked child (SPBE_WORKERS=2) while this
    process reads the old one: each side as :func:`folder_snapshot` makes it on its own."""
    monkeypatch.setenv("SPBE_WORKERS", processes)
    monkeypatch.chdir(tmp_path)
    copy_minimal(tmp_path / "old")
    copy_minimal(tmp_path / "new")
    edit(tmp_path / "new" / "program" / "economy.yaml", "2027: 80", "2027: 90")
    (tmp_path / "new" / "program" / "fifo.yaml").symlink_to("/dev/null")  # refused, not read
    sides = resolve_sides("old", "new", Path("catalog"))
    for side, word in ((sides.old, "old"), (sides.new, "new")):
        alone = folder_snapshot(tmp_path / word, word)  # as the resolver names it
        assert (side.label, side.kind, side.path) == (word, "folder", word)
        assert side.files.keys() == alone.files.keys()
        readable = {rel for rel in alone.files if not alone.files[rel].startswith("unreadable:")}
        assert {rel: side.files[rel] for rel in readable} == {
            rel: alone.files[rel] for rel in readable
        }
        assert side.listing == alone.listing
        assert side.read(sorted(alone.files)) == alone.read(sorted(alone.files))
    assert sides.new.files["program/fifo.yaml"].startswith("unreadable:")
    assert sides.old.files["program/economy.yaml"] != sides.new.files["program/economy.yaml"]


def test_a_new_folder_the_child_cannot_list_is_reported_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that fails to list the new folder leaves it to this process, which says why
    (exit 3, no traceback), as when each folder was read in turn."""
    import spbe_cli.gitsource as gitsource
    from spbe_cli.errors import SpbeError

    monkeypatch.setenv("SPBE_WORKERS", "2")
    monkeypatch.setenv("SPBE_LANG", "en")
    monkeypatch.chdir(tmp_path)
    copy_minimal(tmp_path / "old")
    copy_minimal(tmp_path / "new")
    listing = gitsource.find_files

    def refuse_new(root: Path, shown: str) -> list[object]:
        if shown == "new":
            raise SpbeError(f"cannot list {shown}")
        return listing(root, shown)

    monkeypatch.setattr(gitsource, "find_files", refuse_new)  # in the forked child too
    with pytest.raises(SpbeError, match="cannot list new"):
        resolve_sides("old", "new", Path("catalog"))
    code, out, err = run("old", "new")
    assert (code, out) == (3, "") and "cannot list new" in err and "Traceback" not in err


def test_an_old_folder_that_cannot_be_listed_is_reported_before_the_new_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old folder is listed before the new word is looked at, as when each side was read
    in turn: of two problems, the old side's is the one reported."""
    import spbe_cli.gitsource as gitsource
    from spbe_cli.errors import SpbeError

    monkeypatch.chdir(tmp_path)
    copy_minimal(tmp_path / "old")

    def refuse(root: Path, shown: str) -> list[object]:
        raise SpbeError(f"cannot list {shown}")

    monkeypatch.setattr(gitsource, "find_files", refuse)
    with pytest.raises(SpbeError, match="cannot list old"):
        resolve_sides("old", "no-such-folder", Path("catalog"))
