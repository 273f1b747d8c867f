"""``spbe diff`` as a mentor reviews it: the cases session 11 found wrong, in real git repositories.

A finding made milder by a change said nothing; ``--no-findings`` said a duplicate id declared
after the original was "added"; the documents a prose section lands in and the fallback of a
Pemda's unreadable template were worked out apart from ``spbe render``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spbe_cli import i18n
from tests.helpers import add_prose, write_tree
from tests.test_diff_output import schema
from tests.test_git_diff import ECONOMY, commit, edit, git, repo, run
from tests.test_git_diff_mentor import LATAR, TWIN, _changes, _excepted_app

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


PLANNED = """entitas: aplikasi
id: APP-ADUAN
nama: Aduan Warga
raa: RAA.01.01
kategori: khusus
pemilik: DISKOMINFO
status: rencana
"""


def _milder(data: dict) -> list[tuple[str, str, str, int, int]]:
    return [
        (f["code"], f["severity"], f["old_severity"], f["line"], f["column"])
        for f in data["milder"]
    ]


def test_a_finding_a_level_in_spbe_yaml_makes_milder_is_listed(repo: Path) -> None:
    """An error made a warning by ``.spbe.yaml``: neither new nor fixed, and said nothing.

    SPBE408 is an error for a planned Aplikasi Khusus duplicating an Aplikasi Umum; setting the
    rule to ``warning`` turned the check green and the review listed only the rule's level,
    not which findings it made milder.
    """
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": PLANNED})
    commit(repo, "aduan planned")
    git(repo, "tag", "base")
    write_tree(repo / "catalog", {".spbe.yaml": "aturan:\n  SPBE408: warning\n"})
    commit(repo, "SPBE408 a warning")
    code, out, err = run("base", "HEAD", "--format", "json", "--exit-code")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert _milder(data) == [("SPBE408", "warning", "error", 2, 5)]
    assert data["milder"][0]["path"] == "HEAD:catalog/arsitektur/aduan.yaml"
    jsonschema.validate(data, schema())  # as docs/diff.md publishes it
    assert data["summary"]["milder"] == 1
    assert all(f["code"] != "SPBE408" for f in data["introduced"] + data["fixed"])
    text = run("base", "HEAD")[1]
    assert (
        "Findings this change made milder (1)\n"
        "  HEAD:catalog/arsitektur/aduan.yaml:2:5: warning[SPBE408]: "
    ) in text
    assert text.split("warning[SPBE408]: ")[1].split("\n")[0].endswith(" (was error)")
    comment = run("base", "HEAD", "--format", "markdown")[1]
    assert "### Findings this change made milder (1)\n\n- **warning** SPBE408 " in comment
    assert "(`HEAD:catalog/arsitektur/aduan.yaml:2:5`) — *was error*" in comment
    # The other way round the finding is new (its level rose), and nothing is milder.
    data = json.loads(run("HEAD", "base", "--format", "json")[1])
    assert data["milder"] == []
    assert ("SPBE408", "error", 2, 5) in [
        (f["code"], f["severity"], f["line"], f["column"]) for f in data["introduced"]
    ]


def test_a_finding_an_edit_makes_milder_is_listed(repo: Path) -> None:
    """A planned application put in operation: its SPBE408 error is now a warning."""
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": PLANNED})
    commit(repo, "aduan planned")
    edit(repo / "catalog/arsitektur/aduan.yaml", "status: rencana", "status: operasional")
    commit(repo, "aduan running")
    data = json.loads(run("HEAD~1", "HEAD", "--format", "json")[1])
    assert _milder(data) == [("SPBE408", "warning", "error", 2, 5)]
    assert all(f["code"] != "SPBE408" for f in data["introduced"] + data["fixed"])
    # --no-findings compares no findings: nothing is milder either.
    assert json.loads(run("HEAD~1", "HEAD", "--format", "json", "--no-findings")[1])["milder"] == []


def test_prose_lands_in_the_documents_render_registers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documents a section lands in are render's registry, not the built-in file names."""
    from spbe_cli.diff.prose import section_documents
    from spbe_cli.render import registry

    registered = registry.documents()
    assert {d for docs in section_documents().values() for d in docs} <= set(registered)
    spec = registry.DocumentSpec("uji", None, lambda inp: {})
    monkeypatch.setitem(registry._REGISTRY, "uji", spec)
    own = {"uji.j2": '## Uji\n{{ prosa("latar_belakang") }}\n'}.get
    assert section_documents(own)["latar_belakang"] == ("masterplan", "uji")


@pytest.mark.parametrize(
    "template",
    [b'## BAB \xff\n{{ prosa("latar_belakang") }}\n', b"x" * (512 * 1024 + 1)],
    ids=["not-utf8", "too-large"],
)
def test_a_pemda_template_render_cannot_read_is_no_built_in_one(
    repo: Path, template: bytes
) -> None:
    """Render stops at the Pemda's unreadable ``masterplan.j2``; the diff no longer reads the
    built-in one in its place (nor the bad bytes replaced), in a revision or a folder."""
    from spbe_cli.diff.prose import section_documents
    from spbe_cli.render.engine import UNREADABLE
    from spbe_cli.render.pipeline import folder_reader

    add_prose(repo / "catalog", LATAR, {"prosa/latar.md": "# Latar\n\nJaringan yang andal.\n"})
    commit(repo, "prosa")
    git(repo, "tag", "base")
    (repo / "catalog/templates").mkdir()
    (repo / "catalog/templates/masterplan.j2").write_bytes(template)
    edit(repo / "catalog/prosa/latar.md", "andal", "andal dan aman")
    commit(repo, "a template render cannot read, and a prose edit")
    data = json.loads(run("base", "HEAD", "--format", "json")[1])
    assert [(p["section"], p["documents"], p["unreadable_documents"]) for p in data["prose"]] == [
        ("latar_belakang", [], ["masterplan"])
    ]
    jsonschema.validate(data, schema())
    assert (
        "  ~ section latar_belakang → masterplan? (the Pemda's template cannot be read by spbe "
        "render) (HEAD:catalog/prosa/latar.md)\n"
    ) in run("base", "HEAD")[1]
    read = folder_reader(repo / "catalog/templates")
    assert read("masterplan.j2") is UNREADABLE
    assert read("arsitektur.j2") is None
    assert "latar_belakang" not in section_documents(read)
    # Render names the file and stops (no document written from the built-in template).
    from typer.testing import CliRunner

    from spbe_cli.cli.app import app

    done = CliRunner().invoke(
        app, ["render", "catalog", "--doc", "masterplan", "-o", str(repo.parent / "out")]
    )
    assert done.exit_code != 0
    if template.startswith(b"## BAB"):  # the byte that is not UTF-8, at its line and column
        assert "catalog/templates/masterplan.j2:1:8: " in done.stderr
    else:
        assert "catalog/templates/masterplan.j2" in done.stderr
    assert not (repo.parent / "out" / "masterplan.md").exists()


def test_one_edit_of_a_prose_file_two_sections_name_is_shown_once(repo: Path) -> None:
    """Two sections printing one file: one edit, one entry naming both, its words once."""
    shared = "prosa/pendahuluan.md"
    add_prose(
        repo / "catalog",
        {"latar_belakang": shared, "arsitektur_pendahuluan": shared},
        {shared: "# Pendahuluan\n\nLayanan terpadu.\n"},
    )
    commit(repo, "one prose file for two sections")
    git(repo, "tag", "base")
    edit(repo / "catalog/prosa/pendahuluan.md", "terpadu", "terpadu dan inklusif")
    commit(repo, "prose edit")
    text = run("base", "HEAD")[1]
    assert (
        "Prose (2)\n  ~ section arsitektur_pendahuluan, latar_belakang → arsitektur, masterplan "
        "(HEAD:catalog/prosa/pendahuluan.md)\n"
    ) in text
    assert text.count("{+terpadu dan inklusif.+}") == 1
    comment = run("base", "HEAD", "--format", "markdown")[1]
    assert comment.count("**terpadu dan inklusif.**") == 1
    assert "| Prose | 0 | 0 | 2 | 0 |" in comment  # each section is counted
    data = json.loads(run("base", "HEAD", "--format", "json")[1])
    assert [(p["section"], p["documents"]) for p in data["prose"]] == [
        ("arsitektur_pendahuluan", ["arsitektur"]),
        ("latar_belakang", ["masterplan"]),
    ]


def test_no_findings_shows_a_rule_configuration_the_change_broke(repo: Path) -> None:
    """``.spbe.yaml`` made invalid YAML: ``--no-findings`` read "No changes." and exited 0."""
    broken = 'pengecualian:\n  - aturan: SPBE403\n    entitas: APP-ADUAN\n    alasan: "Masih\n'
    write_tree(repo / "catalog", {".spbe.yaml": broken})
    commit(repo, "a broken rule configuration")
    code, out, err = run("v1", "HEAD", "--no-findings", "--format", "json", "--exit-code")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in data["introduced"]] == [
        ("SPBE021", "HEAD:catalog/.spbe.yaml", 4, 13)
    ]
    assert data["findings_compared"] is False
    assert "No changes." not in run("v1", "HEAD", "--no-findings")[1]
    # Repaired again: fixed, with the same reading as without --no-findings.
    data = json.loads(run("HEAD", "v1", "--no-findings", "--format", "json")[1])
    assert [(f["code"], f["line"], f["column"]) for f in data["fixed"]] == [("SPBE021", 4, 13)]
    assert json.loads(run("HEAD", "v1", "--format", "json")[1])["fixed"] == data["fixed"]


def test_diff_run_inside_the_catalog_compares_that_catalog(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As every command: from ``catalog/program`` the catalog is ``..``.

    Before, diff alone looked for ``catalog/program/catalog`` in each revision and stopped:
    "catalog folder 'catalog' is not in revision HEAD".
    """
    edit(repo / ECONOMY, "nama: Sentra Kerajinan Noken", "nama: Sentra Noken")
    expected = json.loads(run("v1", "--format", "json")[1])
    monkeypatch.chdir(repo / "catalog" / "program")
    code, out, err = run("v1", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert _changes(data) == _changes(expected) == [("changed", "SC-03", "Sentra Noken", ["nama"])]
    assert data["new"]["path"] == ".."
    code, out, _ = run("v1", "HEAD", "--format", "json")
    assert code == 0 and _changes(json.loads(out)) == []


@pytest.mark.parametrize("skip", [[], ["--no-findings"]])
def test_an_exception_that_followed_its_entitys_rename_is_kept(repo: Path, skip: list[str]) -> None:
    """``.spbe.yaml`` edited with the id: one exception kept, not one new and one removed.

    Before, the review listed the exception under its new id as new, and under its old id as
    removed: "the rule applies to this entity again", which it does not.
    """
    _excepted_app(repo)
    edit(repo / "catalog/arsitektur/aduan.yaml", "id: APP-ADUAN", "id: APP-ADUAN-WARGA")
    edit(repo / "catalog/.spbe.yaml", "entitas: APP-ADUAN", "entitas: APP-ADUAN-WARGA")
    commit(repo, "APP-ADUAN renamed, its exception with it")
    code, out, err = run("base", "HEAD", "--format", "json", *skip)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [(e["entity"], e["new"], e["line"], e["column"]) for e in data["exceptions"]] == [
        ("APP-ADUAN-WARGA", False, 2, 5)
    ]
    assert data["exceptions_removed"] == []
    assert all(f["code"] != "SPBE403" for f in data["introduced"] + data["fixed"])
    text = run("base", "HEAD", *skip)[1]
    assert "Rule exceptions removed" not in text and "(new)" not in text
    # Its reason rewritten as well: the old reason is shown, as for an exception kept.
    edit(repo / "catalog/.spbe.yaml", "Kanal sementara", "Kanal darurat")
    commit(repo, "reason rewritten")
    data = json.loads(run("base", "HEAD", "--format", "json", *skip)[1])
    assert [(e["entity"], e["previous_reason"]) for e in data["exceptions"]] == [
        ("APP-ADUAN-WARGA", "Kanal sementara sampai integrasi selesai.")
    ]


def test_a_git_side_finds_the_files_declaring_an_id_with_git_grep(repo: Path) -> None:
    """The twin search reads only the blobs ``git grep`` names: as the loader tells ids apart,
    never fewer."""
    from spbe_cli.catalog import id_skeleton
    from spbe_cli.diff import declared_ids
    from spbe_cli.gitsource import Repository, git_snapshot

    write_tree(
        repo / "catalog",
        {
            "program/z-pasar.yaml": TWIN.replace("SC-03", "sc-03"),
            # A BOM before the first line, a tab and quotes, Windows line ends.
            "program/z-bom.yaml": '\ufeffid:\t"Sc-03"\n' + TWIN.replace("id: SC-03\n", ""),
            "program/z-crlf.yaml": TWIN.replace("\n", "\r\n"),
            "program/z-cyrillic.yaml": TWIN.replace("SC-03", "\u0405\u0421-03"),
            # Not declarations of SC-03: a longer id, a reference, an indented key.
            "program/z-longer.yaml": TWIN.replace("SC-03", "SC-030"),
            "program/z-ref.yaml": TWIN.replace("id: SC-03", "id: SC-77\nterkait: SC-03"),
            "program/z-indented.yaml": TWIN.replace("id: SC-03", "id: SC-78\nx:\n  id: SC-03"),
        },
    )
    commit(repo, "look-alikes of SC-03")
    top = Repository.discover(repo)
    assert top is not None
    head = git(repo, "rev-parse", "HEAD").strip()
    side = git_snapshot(top, "HEAD", head, "catalog")
    assert side.finder is not None
    search = side.finder(["sc-03"])
    assert search is not None and search.words == {"sc-03"}
    found = search.result()
    assert found is not None
    declaring = {
        rel
        for rel in side.files
        if "sc-03" in {id_skeleton(i) for i in declared_ids(side.read([rel])[0][0][1])}
    }
    assert declaring == {
        "program/economy.yaml",
        "program/z-pasar.yaml",
        "program/z-bom.yaml",
        "program/z-crlf.yaml",
        "program/z-cyrillic.yaml",
    }
    assert found == declaring  # every file declaring it, and only those
    # Beyond ASCII: every file whose id line holds such a character (the loader may fold it).
    cyrillic = side.finder(["\u0455\u0441-03"])
    assert cyrillic is not None and cyrillic.result() == {"program/z-cyrillic.yaml"}
    nothing = side.finder(["tidak-ada-di-mana-pun"])
    assert nothing is not None and nothing.result() == {"program/z-cyrillic.yaml"}
    stopped = side.finder(["sc-03"])
    assert stopped is not None
    stopped.stop()
    assert stopped.result() is None  # no answer: the caller reads the files
    (repo / "catalog" / "program" / "tautan.yaml").symlink_to("z-pasar.yaml")
    commit(repo, "a link")
    head = git(repo, "rev-parse", "HEAD").strip()
    linked = git_snapshot(top, "HEAD", head, "catalog")
    assert linked.finder is not None and linked.finder(["sc-03"]) is None  # links: no answer


@pytest.mark.parametrize("flag", ["-P", "-E"])
def test_the_id_line_pattern_reads_alike_in_each_grep(repo: Path, flag: str) -> None:
    """git grep -P (fastest, not in every build) and -E (every git) find the same files."""
    from spbe_cli.gitsource import id_line_pattern

    long = "x" * 250
    words = ["sc-03", "sc-0", "a.b", "x[y", "p(q)", "apl-001799", "apl-001790", "a^b", "a\\b"]
    files = {
        "a.yaml": "id: SC-03\n",
        "b.yaml": "nama: x\nid : 'A.B' # komentar\n",
        "c.yaml": "id: x[y\n",
        "d.yaml": "id: p(q)\n",
        "e.yaml": "---\nid: apl-001790\n",
        "f.yaml": "id: axb\n",  # '.' is no wildcard
        "g.yaml": "id: sc-031\n",  # a longer id
        "h.yaml": "idx: sc-03\n",
        "i.yaml": "  id: sc-03\n",
        "j.yaml": "\ufeffid: SC-0\n",
        "k.yaml": "id: a^b\n",
        "l.yaml": "id: a\\b\n",
        "m.yaml": "id: ab\n",
        "n.yaml": "id: \u0405\u0421-99\n",  # beyond ASCII: any word may be its skeleton
        "o.yaml": f"id: {long.upper()}\n",
        "p.yaml": f"id: {long}y\n",
    }
    write_tree(repo / "catalog" / "cari", files)
    commit(repo, "ids to look for")
    pattern = id_line_pattern([*words, long, "tab\tid"])
    done = subprocess.run(
        ["git", "grep", "-l", "-z", "-i", flag, "-f", "-", "HEAD", "--", "catalog/cari"],
        cwd=repo,
        input=pattern,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    if flag == "-P" and done.returncode not in (0, 1):
        pytest.skip("this git has no Perl-compatible regular expressions")
    assert done.returncode == 0, done.stderr
    found = {p.rsplit("/", 1)[1] for p in done.stdout.decode().split("\0") if p}
    assert found == {f"{name}.yaml" for name in "abcdejklno"}


def test_a_search_git_cannot_run_is_no_answer(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-P and -E refuse the pattern: no answer, and the unchanged files are read instead."""
    from spbe_cli import gitsource

    monkeypatch.setattr(gitsource, "id_line_pattern", lambda words: b"(")
    top = gitsource.Repository.discover(repo)
    assert top is not None
    side = gitsource.git_snapshot(top, "HEAD", git(repo, "rev-parse", "HEAD").strip(), "catalog")
    assert side.finder is not None
    search = side.finder(["sc-03"])
    assert search is not None and search.result() is None
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN})
    commit(repo, "a second SC-03 after the first")
    data = json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])
    assert _changes(data) == []
    [entry] = data["uncomparable"]
    assert [(f["code"], f["line"], f["column"]) for f in entry["findings"]] == [("SPBE104", 2, 5)]


@pytest.mark.parametrize(
    "spelled",
    [
        '"id": SC-03',  # a quoted key: not what the changed files' scan reads as an id
        "id: SC-03",
    ],
)
def test_a_twin_is_found_whichever_way_the_new_file_writes_its_id(repo: Path, spelled: str) -> None:
    """The search started as the files are read covers the ids they declare at a line's start;
    an id the loader reads in another form is looked for after the loading."""
    # With a new program: the search started covers SC-98 only, and a second one is made.
    second = TWIN.replace("SC-03", "SC-98")
    twin = TWIN.replace("id: SC-03", spelled)
    write_tree(repo / "catalog", {"program/z-pasar.yaml": f"{twin}---\n{second}"})
    commit(repo, "a second SC-03 after the first")
    data = json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])
    assert _changes(data) == [("added", "SC-98", "Sentra Noken Digital", [])]
    [entry] = data["uncomparable"]
    assert entry["path"] == "HEAD:catalog/program/z-pasar.yaml"
    assert [(f["code"], f["line"], f["column"]) for f in entry["findings"]] == [
        ("SPBE104", 2, 1 + len(spelled) - len("SC-03"))
    ]


def test_a_twin_in_an_unchanged_file_with_a_bom_is_found(repo: Path) -> None:
    """An unchanged file saved with a BOM (Notepad) declaring SC-03 first: still its twin."""
    first = "\ufeffid: SC-50\n" + TWIN.replace("id: SC-03\n", "")  # the id on the first line
    write_tree(repo / "catalog", {"program/a-bom.yaml": first})
    commit(repo, "SC-50, saved with a BOM")
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN.replace("SC-03", "sc-50")})
    commit(repo, "a second SC-50 after the first")
    for skip in ([], ["--no-findings"]):
        data = json.loads(run("HEAD~1", "HEAD", "--format", "json", *skip)[1])
        assert _changes(data) == []
        [entry] = data["uncomparable"]
        assert entry["path"] == "HEAD:catalog/program/z-pasar.yaml"
        assert [(f["code"], f["line"], f["column"]) for f in entry["findings"]] == [
            ("SPBE104", 2, 5)
        ]


def test_the_search_starts_as_the_changed_files_are_read_and_is_made_once(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One ``git grep`` beside the loading; a second only for ids the first did not cover."""
    from spbe_cli import gitsource

    made: list[tuple[list[str], bool]] = []

    class Counted(gitsource.IdSearch):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            made.append((sorted(self.words), False))

        def stop(self) -> None:
            made[-1] = (made[-1][0], True)
            super().stop()

    monkeypatch.setattr(gitsource, "IdSearch", Counted)
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN})
    commit(repo, "a second SC-03 after the first")
    assert _changes(json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])) == []
    assert made == [(["sc-03"], False)]
    made.clear()
    second = TWIN.replace("SC-03", "SC-98")
    quoted = TWIN.replace("id: SC-03", '"id": SC-03')
    write_tree(repo / "catalog", {"program/z-pasar.yaml": f"{quoted}---\n{second}"})
    commit(repo, "its id with a quoted key, and a new program")
    data = json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])
    assert _changes(data) == [("added", "SC-98", "Sentra Noken Digital", [])]
    assert made == [(["sc-98"], True), (["sc-03", "sc-98"], False)]
    # A change that edits no id searches nothing.
    made.clear()
    edit(
        repo / "catalog" / "program" / "z-pasar.yaml", "tahun_selesai: 2027", "tahun_selesai: 2028"
    )
    commit(repo, "a year")
    assert run("HEAD~1", "HEAD", "--no-findings")[0] == 0
    assert made == []


def _reading(data: dict) -> tuple[list, list]:
    """What a review says: the changes, and each file that cannot be compared with its SPBE104s."""
    return _changes(data), [
        (
            e["side"],
            e["path"],
            [(f["line"], f["column"]) for f in e["findings"] if f["code"] == "SPBE104"],
        )
        for e in data["uncomparable"]
    ]


@pytest.mark.parametrize(
    "twin",
    [
        "\u0405\u0421-03",  # Cyrillic Ѕ and С: another keyboard layout
        "SC\u200b-03",  # a zero-width space pasted from a document
        "\uff33\uff23-03",  # full-width letters
    ],
)
def test_a_look_alike_twin_is_found_as_the_loader_finds_it(repo: Path, twin: str) -> None:
    """The loader takes an id differing only in look-alike letters for the same id (SPBE104):
    ``--no-findings`` finds the unchanged file declaring it as it finds one in another case."""
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN.replace("SC-03", twin)})
    commit(repo, "a look-alike of SC-03 after the first")
    whole = _reading(json.loads(run("v1", "HEAD", "--format", "json")[1]))
    assert whole == ([], [("new", "HEAD:catalog/program/z-pasar.yaml", [(2, 5)])])
    assert _reading(json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])) == whole
    # The other way: a look-alike of SC-030 read first, and an ASCII SC-030 coming later.
    write_tree(repo / "catalog", {"program/a-pasar.yaml": TWIN.replace("SC-03", twin + "0")})
    commit(repo, "a look-alike of SC-030 before")
    edit(repo / "catalog" / "program" / "z-pasar.yaml", twin, "SC-030")
    commit(repo, "z-pasar's program renamed SC-030")
    whole = _reading(json.loads(run("HEAD~1", "HEAD", "--format", "json")[1]))
    assert whole[0] == []
    assert ("new", "HEAD:catalog/program/z-pasar.yaml", [(2, 5)]) in whole[1]
    fast = _reading(json.loads(run("HEAD~1", "HEAD", "--format", "json", "--no-findings")[1]))
    assert fast == whole


def test_a_side_loaded_again_with_its_twins_lists_each_finding_once(repo: Path) -> None:
    """The newcomer's schema error was listed twice: once per loading of its side."""
    newcomer = TWIN.replace("SC-03", "sc-03").replace("tahun_mulai: 2026", "tahun_mulai: dua")
    write_tree(repo / "catalog", {"program/z-pasar.yaml": newcomer})
    commit(repo, "a second SC-03, with a year in words")
    for skip in ([], ["--no-findings"]):
        data = json.loads(run("v1", "HEAD", "--format", "json", *skip)[1])
        [entry] = data["uncomparable"]
        assert [(f["code"], f["line"], f["column"]) for f in entry["findings"]] == [
            ("SPBE104", 2, 5),
            ("SPBE101", 7, 14),
        ]


#: Lines a catalog file may hold around its ids: ids in any case, look-alike letters, quotes,
#: a BOM, carriage returns, nested ids (not declared), a file without its last newline.
_LINES = [
    "id: APP-01",
    "id: app-01",
    "id: 'Арр-01'",  # Cyrillic look-alikes
    'id: "SC-03"',
    "id:\tsc-03 # komentar",
    "  id: APP-01",
    "nama: id: APP-01",
    "id: APP-010",
    "id: \xc9T-1",
    "\ufeffid: APP-01",
    "---",
    "",
    "\r",
]


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_LINES), max_size=5),
            st.booleans(),
            st.sampled_from([b"", b"\xef\xbb\xbf"]),
        ),
        max_size=8,
    ),
    st.sets(st.sampled_from(["app-01", "sc-03", "et-1", "\xe9t-1", "zz-9"]), max_size=3),
)
@settings(max_examples=150, deadline=None)
def test_the_twins_search_joined_finds_what_each_file_declares(
    files: list[tuple[list[str], bool, bytes]], skeletons: set[str]
) -> None:
    """:func:`declaring` (one search over the files joined) finds the very files whose own ids
    (:func:`declared_ids`, folded by :func:`id_skeleton`) hold one of the skeletons."""
    from spbe_cli.catalog import id_skeleton
    from spbe_cli.diff import declared_ids, declaring

    shown = [
        (f"catalog/f{i}.yaml", bom + "\n".join(lines).encode() + (b"\n" if last else b""))
        for i, (lines, last, bom) in enumerate(files)
    ]
    expected = {
        name for name, data in shown if any(id_skeleton(i) in skeletons for i in declared_ids(data))
    }
    assert declaring(shown, skeletons) == expected


def test_the_twins_search_joined_on_examples() -> None:
    from spbe_cli.diff import declaring

    files = [
        ("a.yaml", b"nama: x\nid: APP-02"),  # no last newline: the next file's line is its own
        ("b.yaml", b"id: 'App-01'\nnama: y\n"),
        ("c.yaml", b"\xef\xbb\xbfid: \xd0\x90PP-03\n"),  # a BOM, a Cyrillic A
        ("d.yaml", b"  id: APP-01\nanggaran:\n- id: APP-01\n"),  # nested: not declared
    ]
    assert declaring(files, {"app-01", "app-03"}) == {"b.yaml", "c.yaml"}
    assert declaring(files, {"app-02"}) == {"a.yaml"}
    assert declaring([], {"app-01"}) == set()
