"""``spbe diff`` as a mentor reviews it: the cases session 11 found wrong, in real git repositories.

A finding made milder by a change said nothing; ``--no-findings`` said a duplicate id declared
after the original was "added"; the documents a prose section lands in and the fallback of a
Pemda's unreadable template were worked out apart from ``spbe render``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spbe_cli import i18n
from tests.helpers import write_tree
from tests.test_git_diff import ECONOMY, commit, edit, git, repo, run
from tests.test_git_diff_mentor import TWIN, _changes

__all__ = ["repo"]


@pytest.fixture(autouse=True)
def _english() -> None:
    i18n.set_language("en")


@pytest.mark.parametrize("skip", [[], ["--no-findings"]])
def test_an_id_declared_again_after_the_original_is_not_added(repo: Path, skip: list[str]) -> None:
    """A second SC-03 in a file read after SC-03's own: the newcomer is rejected, not added.

    ``--no-findings`` reads only the changed file, so it saw SC-03 on the new side alone and
    said "added"; the whole catalog keeps the first SC-03 and rejects the newcomer (SPBE104).
    """
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN})
    commit(repo, "a second SC-03 after the first")
    code, out, err = run("v1", "HEAD", "--format", "json", *skip)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert _changes(data) == []
    [entry] = data["uncomparable"]
    assert (entry["side"], entry["path"], entry["ids"]) == (
        "new",
        "HEAD:catalog/program/z-pasar.yaml",
        [],
    )
    assert [(f["code"], f["line"], f["column"]) for f in entry["findings"]] == [("SPBE104", 2, 5)]
    # Removed again, by the same reading: nothing removed either.
    data = json.loads(run("HEAD", "v1", "--format", "json", *skip)[1])
    assert _changes(data) == []
    assert [(e["side"], e["path"]) for e in data["uncomparable"]] == [
        ("old", "HEAD:catalog/program/z-pasar.yaml")
    ]


def test_no_findings_reads_an_unchanged_file_only_for_an_id_it_declares(repo: Path) -> None:
    """A genuinely new id reads no unchanged file; a twin in another case is found."""
    write_tree(repo / "catalog", {"program/z-baru.yaml": TWIN.replace("SC-03", "SC-99")})
    commit(repo, "a new program")
    data = json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])
    assert _changes(data) == [("added", "SC-99", "Sentra Noken Digital", [])]
    assert data["summary"]["files"]["new_parsed"] == 1
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN.replace("SC-03", "sc-03")})
    commit(repo, "a look-alike of SC-03")
    data = json.loads(run("HEAD~1", "HEAD", "--format", "json", "--no-findings")[1])
    assert _changes(data) == []
    [entry] = data["uncomparable"]
    assert [(f["code"], f["line"], f["column"]) for f in entry["findings"]] == [("SPBE104", 2, 5)]
    assert ECONOMY not in entry["path"]
