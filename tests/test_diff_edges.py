"""``spbe diff`` on cases a reviewer tries as a user would: renamed broken files, big reviews."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from spbe_cli import i18n
from spbe_cli.cli.app import app
from spbe_cli.diff import ChangeSet, diff_snapshots
from spbe_cli.diff.formats import format_json, format_markdown, format_text
from spbe_cli.errors import ExitCode
from spbe_cli.gitsource import folder_snapshot
from tests.helpers import copy_minimal, git, isolate_git, write_tree
from tests.test_diff_output import schema


@pytest.fixture(autouse=True)
def _indonesian() -> None:
    i18n.set_language("id")


def _diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ChangeSet:
    monkeypatch.chdir(tmp_path)
    return diff_snapshots(folder_snapshot(Path("old"), "old"), folder_snapshot(Path("new"), "new"))


def test_renamed_file_that_fails_names_its_entities_under_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file moved (git mv) and broken on the new side is one entry, with its entities.

    Before, the entities stood in a second entry without a file ("the new side: invalid
    document"), apart from the file whose error hides them.
    """
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    text = (new / "program" / "economy.yaml").read_text("utf-8")
    (new / "program" / "economy.yaml").unlink()
    broken = text.replace("horizon: menengah", "horizon: kapan-kapan")
    write_tree(new, {"program/ekonomi-baru.yaml": broken})
    result = _diff(tmp_path, monkeypatch)
    assert len(result.uncomparable) == 1
    entry = result.uncomparable[0]
    assert entry.side == "new" and entry.path == "new/program/ekonomi-baru.yaml"
    assert entry.ids == ("SC-03",)
    assert not [c for c in result.changes if c.id == "SC-03"]


def _many_broken(tmp_path: Path, count: int) -> None:
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    files = {}
    for number in range(count):
        body = f"entitas: opd\nid: OPD-{number:04d}\nnama: Dinas {number}\njenis: dinas\n"
        write_tree(tmp_path / "old", {f"opd/o{number}.yaml": body})
        files[f"opd/o{number}.yaml"] = body + "jenis: [rusak\n"
    write_tree(new, files)


def test_markdown_stays_under_the_limit_when_many_files_cannot_be_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every "cannot be compared" line counts against the comment limit (was written always)."""
    _many_broken(tmp_path, 120)
    result = _diff(tmp_path, monkeypatch)
    assert len(result.uncomparable) == 120
    text = format_markdown(result, limit=6000)
    assert len(text.encode("utf-8")) <= 6000
    assert "Keluaran dipotong:" in text
    assert "Tidak dapat dibandingkan (120)" in text


def test_counts_are_grouped_in_the_language_of_the_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``1.234`` in Indonesian, ``1,234`` in English: counts, totals and the comment limit."""
    _many_broken(tmp_path, 1000)
    result = _diff(tmp_path, monkeypatch)
    text = format_markdown(result)
    assert "batas GitHub (65.536 karakter)" in text  # was 65,536 in Indonesian
    assert "Tidak dapat dibandingkan (1.000)" in text
    assert "(1.024 berkas lama dan 1.024 berkas baru dibaca" in text
    assert "\n".join(format_text(result)).count("Perlu perhatian (1.000)") == 1
    assert i18n.t("diff.prose_title", count="dua") == "Prosa (dua)"  # text stays as it is
    i18n.set_language("en")
    assert "(1,024 old and 1,024 new files read" in "\n".join(format_text(result))
    assert i18n.t("diff.prose_title", count=2025) == "Prose (2,025)"
    # A bare placeholder is never grouped: years, lines and ids stay as they are.
    assert "2025: " in i18n.t("diff.cut", year=2025, old="a", new="b", percent=-50)


# -- git repositories that are not the usual ------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the minimal catalog at tag v1 and one commit after it; cwd inside."""
    isolate_git(monkeypatch, tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    copy_minimal(root / "catalog")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1")
    economy = root / "catalog" / "program" / "economy.yaml"
    economy.write_text(economy.read_text("utf-8").replace("menengah", "panjang"), "utf-8")
    git(root, "commit", "-q", "-am", "v2")
    monkeypatch.chdir(root)
    return root


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--lang", "id", "diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_shallow_clone_says_its_history_is_cut(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """actions/checkout clones one commit: the base is unknown because the clone is shallow."""
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "shallow")
    monkeypatch.chdir(tmp_path / "shallow")
    code, out, err = _cli("HEAD~1")
    assert code == ExitCode.USAGE and out == ""
    assert "revisi 'HEAD~1' tidak dikenal" in err
    assert "klon dangkal (shallow)" in err and "fetch-depth: 0" in err
    monkeypatch.chdir(repo)
    code, _, err = _cli("nope")  # a full clone: no hint
    assert code == ExitCode.USAGE and "dangkal" not in err


def test_repository_without_commits_says_so(tmp_path: Path, repo: Path) -> None:
    del repo
    empty = tmp_path / "kosong"
    copy_minimal(empty / "catalog")
    git(empty, "init", "-q")
    os.chdir(empty)
    code, out, err = _cli()
    assert code == ExitCode.USAGE and out == ""
    assert "revisi 'HEAD' tidak dikenal" in err and "belum punya commit" in err


def test_a_repository_git_refuses_is_not_no_repository(repo: Path) -> None:
    """git's own refusal (a broken config; ``safe.directory`` in CI containers) is shown.

    It was "not inside a git repository" (exit 2), which sends the user looking for a
    repository that is there.
    """
    with (repo / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write("[[[\n")
    code, out, err = _cli("v1")
    assert code == ExitCode.CANNOT_RUN and out == ""
    assert err.startswith("spbe: git gagal: fatal: bad config line")
    assert "tidak berada di dalam repositori git" not in err
    # Two folders need no git: they are still compared.
    code, out, _ = _cli("catalog", "catalog")
    assert code == 0 and "Tidak ada perubahan." in out


def test_a_rule_turned_off_in_the_change_is_shown_with_what_it_silences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``.spbe.yaml`` turning SPBE201 off while the change breaks a reference.

    SPBE611 set to its own default level (info) is no change and is not listed.

    Before, the review listed the edited field and nothing else: neither the setting nor the
    broken reference it hides, and ``--exit-code`` only saw the field.
    """
    copy_minimal(tmp_path / "old")
    new = copy_minimal(tmp_path / "new")
    write_tree(new, {".spbe.yaml": "aturan:\n  SPBE201: off\n  SPBE302: info\n  SPBE611: info\n"})
    economy = new / "program" / "economy.yaml"
    economy.write_text(
        economy.read_text("utf-8").replace("opd_pj: DISKOMINFO", "opd_pj: DINAS-HILANG"), "utf-8"
    )
    result = _diff(tmp_path, monkeypatch)
    assert [(r.code, r.old, r.new, r.findings) for r in result.rule_levels] == [
        ("SPBE201", "error", "off", 1),
        ("SPBE302", "warning", "info", 0),
    ]
    assert not result.introduced  # silenced: the section above is where the reviewer sees it
    text = "\n".join(format_text(result))
    assert "Tingkat aturan yang diubah di .spbe.yaml (2)\n  SPBE201: error → off (1 temuan" in text
    assert "- **SPBE201: error → off (1 temuan di sisi baru)**" in format_markdown(result)
    # Only the setting changed: still a change for --exit-code.
    economy.write_text((tmp_path / "old" / "program" / "economy.yaml").read_text("utf-8"), "utf-8")
    assert bool(_diff(tmp_path, monkeypatch))
    quick = diff_snapshots(
        folder_snapshot(Path("old"), "old"), folder_snapshot(Path("new"), "new"), findings=False
    )
    assert [(r.code, r.findings) for r in quick.rule_levels] == [
        ("SPBE201", None),
        ("SPBE302", None),
    ]
    for changeset in (result, quick):  # the JSON keeps the published schema
        data = json.loads(format_json(changeset))
        jsonschema.validate(data, schema())
    assert data["rule_levels"][0] == {
        "code": "SPBE201",
        "old": "error",
        "new": "off",
        "findings": None,
    }


def test_a_broken_file_the_change_does_not_touch_is_no_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``main`` has one broken file; a pull request that leaves it alone, moves it or edits it.

    Before, the file was listed twice under "cannot be compared" in every review, and
    ``spbe diff A A --exit-code`` exited 1 ("changes") on an unchanged catalog.
    """
    broken = "entitas: opd\nid: OPD-RUSAK\nnama: Dinas\njenis: bukan-jenis\n"
    write_tree(copy_minimal(tmp_path / "old"), {"opd/rusak.yaml": broken})
    write_tree(copy_minimal(tmp_path / "new"), {"opd/dipindah.yaml": broken})
    result = _diff(tmp_path, monkeypatch)
    assert result.uncomparable == []
    # Its finding is the same finding in the moved file (it was "new" and "fixed" at once).
    assert result.introduced == [] and result.fixed == []
    assert not result and not result.changes
    # Changed, it is listed on the side where it fails, as before; the finding is still the
    # same one (same rule, same document id), not new.
    write_tree(tmp_path / "new", {"opd/dipindah.yaml": broken.replace("Dinas", "Badan")})
    result = _diff(tmp_path, monkeypatch)
    assert [(e.side, e.path) for e in result.uncomparable] == [
        ("old", "old/opd/rusak.yaml"),
        ("new", "new/opd/dipindah.yaml"),
    ]
    assert result.introduced == [] and result.fixed == []
    # A second broken document with another id is new.
    write_tree(tmp_path / "new", {"opd/lain.yaml": broken.replace("OPD-RUSAK", "OPD-LAIN")})
    result = _diff(tmp_path, monkeypatch)
    assert [(f.code, f.location.path) for f in result.introduced] == [
        ("SPBE101", "new/opd/lain.yaml")
    ]


def test_text_summary_counts_prose_as_the_comment_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One prose edit: the text said "0 diubah" above "Prosa (1)", the comment's total 1."""
    old = copy_minimal(tmp_path / "old")
    with (old / "metadata.yaml").open("a", encoding="utf-8") as metadata:
        metadata.write("prosa:\n  latar_belakang: prosa/latar.md\n")
    write_tree(old, {"prosa/latar.md": "Jaringan yang andal.\n"})
    new = tmp_path / "new"
    shutil.copytree(old, new)
    write_tree(new, {"prosa/latar.md": "Jaringan yang andal dan aman.\n"})
    result = _diff(tmp_path, monkeypatch)
    assert len(result.prose) == 1 and not result.changes
    text = format_text(result)
    assert text[1].startswith("0 ditambah, 0 dihapus, 1 diubah, 0 ganti id.")
    assert "| **Jumlah** | **0** | **0** | **1** | **0** |" in format_markdown(result)


def test_a_bare_repository_is_a_usage_error_that_says_so(repo: Path, tmp_path: Path) -> None:
    """Inside a bare clone or a ``.git`` folder: no working tree to read the catalog from."""
    git(tmp_path, "clone", "-q", "--bare", str(repo), "polos.git")
    for where in (tmp_path / "polos.git", repo / ".git"):
        os.chdir(where)
        code, out, err = _cli("v1", "HEAD")
        assert code == ExitCode.USAGE and out == ""
        assert "bukan pohon kerja git (repositori bare atau folder .git)" in err, err


@pytest.mark.parametrize(
    ("new_value", "indonesian", "english"),
    [
        ("150000000", "(-40%)", "(-40%)"),
        ("166666666", "(-33,3%)", "(-33.3%)"),  # was -34%: floor division rounds away from 0
        ("249000000", "(-0,4%)", "(-0.4%)"),  # was -1%
        ("0", "(-100%)", "(-100%)"),
    ],
)
def test_budget_cut_percent_is_the_cut_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_value: str, indonesian: str, english: str
) -> None:
    copy_minimal(tmp_path / "old")
    economy = copy_minimal(tmp_path / "new") / "program" / "economy.yaml"
    text = economy.read_text("utf-8")
    economy.write_text(text.replace("nilai: 250000000", f"nilai: {new_value}"), "utf-8")
    for lang, expected in (("id", indonesian), ("en", english)):
        i18n.set_language(lang)
        messages = [
            a.message for a in _diff(tmp_path, monkeypatch).attention if a.code == "SPBE703"
        ]
        assert len(messages) == 1 and messages[0].endswith(expected), messages


def test_an_empty_word_is_not_called_an_option(repo: Path) -> None:
    """``spbe diff ""`` (an unset shell variable) said "'' looks like an option"."""
    del repo
    for args in ([""], ["v1", ""]):
        code, out, err = _cli(*args)
        assert code == ExitCode.USAGE and out == ""
        assert err == "spbe: '' bukan nama revisi yang sah\n"
