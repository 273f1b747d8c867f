"""``spbe diff`` on pull requests an ITB mentor reviews, in real git repositories.

Each case is one a mentor tried and the tool got wrong before: a broken file credited with
fixing its entity's findings, JSON counts that disagreed with the text and the comment, a byte
order mark shown as a prose edit, a renamed indicator whose target also changed reported as
removed, two entities that swapped ids shown as rewritten.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spbe_cli import i18n
from tests.helpers import add_prose, write_tree
from tests.test_git_diff import ECONOMY, commit, edit, git, repo, run

__all__ = ["repo"]

#: One prose section, in ``prosa/latar.md``.
LATAR = {"latar_belakang": "prosa/latar.md"}

APP = """entitas: aplikasi
id: APP-ADUAN
nama: Aduan Warga
raa: RAA.01.01
kategori: khusus
pemilik: DISKOMINFO
status: operasional
"""


@pytest.fixture(autouse=True)
def _english() -> None:
    i18n.set_language("en")


def _findings(data: dict, key: str) -> list[tuple[str, int]]:
    return [(f["code"], f["line"]) for f in data[key]]


def test_a_file_broken_by_the_change_fixes_none_of_its_entities_findings(repo: Path) -> None:
    """Breaking a file hides its entities: their findings are unknown on the new side, not fixed.

    Before, the review listed SPBE403/404/405 of APP-ADUAN under "fixed by this change".
    """
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": APP})
    commit(repo, "aduan")
    git(repo, "tag", "base")
    old = json.loads(run("base", "HEAD", "--format", "json")[1])
    assert old["fixed"] == [] and old["introduced"] == []
    edit(repo / "catalog/arsitektur/aduan.yaml", "status: operasional", "status: berjalan")
    code, out, err = run("base", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [(e["side"], e["ids"]) for e in data["uncomparable"]] == [("new", ["APP-ADUAN"])]
    assert _findings(data, "introduced") == [("SPBE101", 7)]
    assert data["fixed"] == []
    code, out, _ = run("base")
    assert "fixed by this change" not in out and "SPBE403" not in out
    # The other way round (the change repairs the file) its findings are shown as new: a
    # reviewer sees every problem of the repaired entity.
    commit(repo, "broken")
    data = json.loads(run("HEAD", "base", "--format", "json")[1])
    assert _findings(data, "fixed") == [("SPBE101", 7)]
    assert sorted(f["code"] for f in data["introduced"]) == [
        "SPBE403",
        "SPBE404",
        "SPBE405",
        "SPBE408",
    ]


def test_json_counts_prose_as_the_text_and_the_comment_do(repo: Path) -> None:
    """A deleted prose section: text "1 removed", comment total 1, JSON summary removed 0."""
    add_prose(repo / "catalog", LATAR, {"prosa/latar.md": "# Latar\n\nJaringan yang andal.\n"})
    commit(repo, "prosa")
    git(repo, "tag", "base")
    (repo / "catalog/prosa/latar.md").unlink()
    text = run("base")[1].splitlines()[1]
    markdown = run("base", "--format", "markdown")[1]
    summary = json.loads(run("base", "--format", "json")[1])["summary"]
    assert text.startswith("0 added, 1 removed, 0 changed, 0 renamed.")
    # The deleted file is named where its text was, not on the new side where it is missing.
    assert "  - section latar_belakang → masterplan (base:catalog/prosa/latar.md)" in run("base")[1]
    assert "| **Total** | **0** | **1** | **0** | **0** |" in markdown
    counts = {k: summary[k] for k in ("added", "removed", "changed", "renamed", "total", "prose")}
    assert counts == {"added": 0, "removed": 1, "changed": 0, "renamed": 0, "total": 1, "prose": 1}
    assert run("base", "--exit-code")[0] == 1


@pytest.mark.parametrize("skip", [[], ["--no-findings"]])
def test_a_byte_order_mark_or_crlf_on_one_side_is_no_prose_change(
    repo: Path, skip: list[str]
) -> None:
    """Saving prose on Windows (BOM, CRLF) changed no word, yet showed "[-#-]{+\\ufeff#+}"."""
    with (repo / "catalog/metadata.yaml").open("a", encoding="utf-8") as metadata:
        metadata.write("prosa:\n  latar_belakang: prosa/latar.md\n  penutup: prosa/tutup.md\n")
    text = "# Latar\n\nJaringan yang andal.\n"
    write_tree(repo / "catalog", {"prosa/latar.md": text, "prosa/tutup.md": text})
    commit(repo, "prosa")
    git(repo, "tag", "base")
    windows = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    write_tree(repo / "catalog", {"prosa/latar.md": windows, "prosa/tutup.md": windows[3:]})
    commit(repo, "windows")
    for args in (["base"], ["base", "HEAD"], ["HEAD", "base"]):
        code, out, err = run(*args, *skip, "--exit-code")
        assert (code, err) == (0, ""), out
        assert "No changes." in out
    # A real edit next to the BOM is still one, shown without the invisible mark.
    write_tree(repo / "catalog", {"prosa/latar.md": windows.replace(b"andal", b"aman")})
    code, out, _ = run("base", *skip, "--exit-code")
    assert code == 1
    assert "Jaringan yang [-andal.-]{+aman.+}" in out and "\ufeff" not in out


def test_a_renamed_indicator_whose_target_changed_is_one_indicator(repo: Path) -> None:
    """``Capaian`` -> ``Capaian pelatihan`` (names 0.58 alike) with 2027: 80 -> 60.

    Before: the indicator was "removed" and another "added", and SPBE704 said the indicator
    'Capaian' was removed instead of naming the lowered target.
    """
    edit(repo / ECONOMY, "  - nama: Capaian\n", "  - nama: Capaian pelatihan\n")
    edit(repo / ECONOMY, "2027: 80", "2027: 60")
    code, out, _ = run("v1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    [change] = data["changes"]
    assert [(f["field"], f["old"], f["new"]) for f in change["fields"]] == [
        ("indikator[Capaian].target[2027]", 80, 60),
        ("indikator[Capaian].nama", "Capaian", "Capaian pelatihan"),
    ]
    assert [(a["code"], a["message"]) for a in data["attention"]] == [
        ("SPBE704", "targets of SC-03 lowered: 'Capaian' 2027: 80 → 60")
    ]
    # An indicator that shares nothing but its unit is still another indicator.
    edit(repo / ECONOMY, "  - nama: Capaian pelatihan\n", "  - nama: Warga terlatih\n")
    edit(repo / ECONOMY, "baseline: 10", "baseline: 3")
    data = json.loads(run("v1", "--format", "json")[1])
    assert [f["field"] for f in data["changes"][0]["fields"]] == [
        "indikator[Capaian]",
        "indikator[Warga terlatih]",
    ]


def _set_id(path: Path, new_id: str) -> None:
    lines = path.read_text("utf-8").split("\n")
    path.write_text(
        "\n".join(f"id: {new_id}" if line.startswith("id: ") else line for line in lines),
        "utf-8",
    )


LIVING = "catalog/program/living.yaml"
SOCIETY = "catalog/program/society.yaml"
ENVIRONMENT = "catalog/program/environment.yaml"


def test_two_entities_that_swapped_ids_are_two_renames(repo: Path) -> None:
    """SC-04 and SC-05 trade ids (and one is edited): two renames, each with its own edits.

    Before: two "changed" programs whose name, dimension and element were all rewritten, and
    no SPBE709, though every reference to either id now means the other program.
    """
    _set_id(repo / LIVING, "SC-05")
    _set_id(repo / SOCIETY, "SC-04")
    edit(repo / LIVING, "horizon: menengah", "horizon: panjang")
    code, out, err = run("v1", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [(c["change"], c["old_id"], c["id"], c["name"]) for c in data["changes"]] == [
        ("renamed", "SC-05", "SC-04", "Taman Baca Kampung"),
        ("renamed", "SC-04", "SC-05", "Puskesmas Keliling Sungai"),
    ]
    assert [(f["field"], f["old"], f["new"]) for f in data["changes"][1]["fields"]] == [
        ("horizon", "menengah", "panjang")
    ]
    # Each id now names the other program: a reference left as it was changes meaning (SPBE711).
    assert sorted((a["code"], a["id"]) for a in data["attention"]) == [
        ("SPBE709", "SC-04"),
        ("SPBE709", "SC-05"),
        ("SPBE711", "SC-04"),
        ("SPBE711", "SC-05"),
    ]
    assert data["introduced"] == [] and data["fixed"] == []
    text = run("v1")[1]
    assert "0 added, 0 removed, 0 changed, 2 renamed." in text
    assert "> SC-04 → SC-05  Puskesmas Keliling Sungai  (renamed)" in text


def test_a_cycle_of_three_ids_is_three_renames(repo: Path) -> None:
    _set_id(repo / LIVING, "SC-05")
    _set_id(repo / SOCIETY, "SC-06")
    _set_id(repo / ENVIRONMENT, "SC-04")
    data = json.loads(run("v1", "--format", "json")[1])
    assert [(c["change"], c["old_id"], c["id"]) for c in data["changes"]] == [
        ("renamed", "SC-06", "SC-04"),
        ("renamed", "SC-04", "SC-05"),
        ("renamed", "SC-05", "SC-06"),
    ]


def test_an_entity_copied_over_another_id_is_a_rename(repo: Path) -> None:
    """SC-05 becomes a copy of SC-04 under its own id, SC-04 rewritten as "Posyandu Digital".

    Before: two "changed" programs (Taman Baca Kampung rewritten as Puskesmas Keliling Sungai,
    Puskesmas as Posyandu), no warning. The copy is SC-04's content under SC-05: a rename,
    Taman Baca Kampung removed, and SC-04 now names another program (SPBE711 on both ids).
    """
    living = (repo / LIVING).read_text("utf-8")
    (repo / SOCIETY).write_text(living.replace("id: SC-04", "id: SC-05"), "utf-8")
    edit(repo / LIVING, "nama: Puskesmas Keliling Sungai", "nama: Posyandu Digital")
    edit(repo / LIVING, "dimensi: living", "dimensi: society")
    data = json.loads(run("v1", "--format", "json")[1])
    assert [(c["change"], c["old_id"], c["id"], c["name"]) for c in data["changes"]] == [
        ("added", None, "SC-04", "Posyandu Digital"),
        ("removed", "SC-05", "SC-05", "Taman Baca Kampung"),
        ("renamed", "SC-04", "SC-05", "Puskesmas Keliling Sungai"),
    ]
    assert [a["id"] for a in data["attention"] if a["code"] == "SPBE711"] == ["SC-04", "SC-05"]


def test_markdown_keeps_needs_attention_in_one_list(repo: Path) -> None:
    """New findings and a budget cut: the cut stood after the table, under no heading."""
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": APP})
    edit(repo / ECONOMY, "nilai: 250000000", "nilai: 100000000")
    code, out, _ = run("v1", "--format", "markdown")
    assert code == 0
    data = json.loads(run("v1", "--format", "json")[1])
    count = len(data["introduced"]) + len(data["attention"])
    assert len(data["attention"]) == 1 and count > 1
    _, rest = out.split(f"### Needs attention ({count})\n\n", 1)
    lines = rest.split("\n\n", 1)[0].splitlines()
    # Each item a top-level entry; a new finding's hint is a nested one under it.
    items = [line for line in lines if not line.startswith("  - ")]
    assert len(items) == count and all(line.startswith("- **") for line in items)
    assert all(line.startswith(("- **", "  - ")) for line in lines)
    assert "SPBE703" in items[-1]
    assert out.count("SPBE703") == 1
    text = run("v1")[1]
    assert f"Needs attention ({count})" in text


def _excepted_app(repo: Path) -> None:
    """Tag ``base``: APP-ADUAN with SPBE403 excepted in ``.spbe.yaml``."""
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": APP})
    config = (
        "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-ADUAN\n"
        "    alasan: Kanal sementara sampai integrasi selesai.\n"
    )
    write_tree(repo / "catalog", {".spbe.yaml": config})
    commit(repo, "aduan")
    git(repo, "tag", "base")


def test_an_exception_whose_entity_was_renamed_says_so(repo: Path) -> None:
    """The exception names the old id: it shows "0 findings", and now says why."""
    _excepted_app(repo)
    edit(repo / "catalog/arsitektur/aduan.yaml", "id: APP-ADUAN", "id: APP-ADUAN-WARGA")
    code, out, _ = run("base")
    assert code == 0
    assert (
        "  SPBE403 for APP-ADUAN: Kanal sementara sampai integrasi selesai. (0 findings) "
        "(APP-ADUAN was renamed to APP-ADUAN-WARGA by this change: update .spbe.yaml)\n"
    ) in out
    assert "warning[SPBE403]: application APP-ADUAN-WARGA" in out.split("Rule exceptions")[0]
    data = json.loads(run("base", "--format", "json")[1])
    assert [(e["entity"], e["renamed_to"], e["new"]) for e in data["exceptions"]] == [
        ("APP-ADUAN", "APP-ADUAN-WARGA", False)
    ]
    markdown = run("base", "--format", "markdown")[1]
    assert "APP-ADUAN was renamed to APP-ADUAN-WARGA by this change" in markdown
    # Unrenamed, no note.
    assert "renamed to" not in run("base", "HEAD")[1]


def test_a_removed_exception_is_shown_and_counted(repo: Path) -> None:
    """Dropping an exception brought its finding back as "new" with no word of the exception."""
    _excepted_app(repo)
    (repo / "catalog/.spbe.yaml").unlink()
    code, out, _ = run("base", "--exit-code")
    assert code == 1
    assert (
        "Rule exceptions removed (1)\n"
        "  SPBE403 for APP-ADUAN: Kanal sementara sampai integrasi selesai. "
        "(the rule applies to this entity again)\n"
    ) in out
    data = json.loads(run("base", "--format", "json")[1])
    assert [(e["code"], e["entity"], e["path"], e["line"]) for e in data["exceptions_removed"]] == [
        ("SPBE403", "APP-ADUAN", "base:catalog/.spbe.yaml", 2)
    ]
    assert [f["code"] for f in data["introduced"]] == ["SPBE403"]
    assert "### Rule exceptions removed (1)" in run("base", "--format", "markdown")[1]


@pytest.mark.parametrize("skip", [[], ["--no-findings"]])
def test_a_rewritten_reason_of_an_exception_is_shown_and_counted(
    repo: Path, skip: list[str]
) -> None:
    """Only the justification of an exception changed: before, the review said nothing."""
    _excepted_app(repo)
    edit(
        repo / "catalog/.spbe.yaml",
        "Kanal sementara sampai integrasi selesai.",
        "Dipakai terus.",
    )
    code, out, _ = run("base", "--exit-code", *skip)
    assert code == 1
    assert (
        "  SPBE403 for APP-ADUAN: Dipakai terus."
        + ("" if skip else " (1 finding)")
        + " (reason rewritten; before: Kanal sementara sampai integrasi selesai.)\n"
    ) in out
    data = json.loads(run("base", "--format", "json", *skip)[1])
    assert [(e["entity"], e["new"], e["previous_reason"]) for e in data["exceptions"]] == [
        ("APP-ADUAN", False, "Kanal sementara sampai integrasi selesai.")
    ]
    markdown = run("base", "--format", "markdown", *skip)[1]
    assert "- **SPBE403 for APP-ADUAN: Dipakai terus." in markdown
    # The same reason on both sides: nothing to say, and nothing changed.
    assert (
        json.loads(run("base", "base", "--format", "json")[1])["exceptions"][0]["previous_reason"]
        is None
    )


@pytest.mark.parametrize("skip", [[], ["--no-findings"]])
def test_prose_of_a_side_whose_metadata_does_not_load_is_compared_file_by_file(
    repo: Path, skip: list[str]
) -> None:
    """A pull request that fixes the metadata's YAML and edits one section: "1 changed".

    Before, the old side had no sections at all: every section read "added" (and, the other
    way round, "removed"), hiding the one that was edited.
    """
    with (repo / "catalog/metadata.yaml").open("a", encoding="utf-8") as metadata:
        metadata.write("prosa:\n  latar_belakang: prosa/latar.md\n  penutup: prosa/tutup.md\n")
    write_tree(
        repo / "catalog",
        {"prosa/latar.md": "# Latar\n\nJaringan andal.\n", "prosa/tutup.md": "# Tutup\n"},
    )
    commit(repo, "prosa")
    git(repo, "tag", "good")
    metadata = (repo / "catalog/metadata.yaml").read_text("utf-8")
    (repo / "catalog/metadata.yaml").write_text(metadata + "misi: [\n", "utf-8")
    commit(repo, "broken metadata")
    git(repo, "tag", "broken")
    (repo / "catalog/metadata.yaml").write_text(metadata, "utf-8")
    write_tree(repo / "catalog", {"prosa/latar.md": "# Latar\n\nJaringan andal dan aman.\n"})
    commit(repo, "fixed, one section edited")
    for old, new, side in (("broken", "HEAD", "old"), ("HEAD", "broken", "new")):
        data = json.loads(run(old, new, *skip, "--format", "json")[1])
        assert [(e["side"], e["ids"]) for e in data["uncomparable"]] == [(side, ["metadata"])]
        assert [(p["section"], p["change"]) for p in data["prose"]] == [
            ("latar_belakang", "changed")
        ]
    # A side without any catalog still has every section added (the first pull request).
    git(repo, "checkout", "-q", "--orphan", "kosong")
    git(repo, "rm", "-rqf", "catalog")
    git(repo, "commit", "-q", "--allow-empty", "-m", "kosong")
    data = json.loads(run("kosong", "good", *skip, "--format", "json")[1])
    assert [(p["section"], p["change"]) for p in data["prose"]] == [
        ("latar_belakang", "added"),
        ("penutup", "added"),
    ]


def test_a_prose_edit_of_whitespace_only_says_so(repo: Path) -> None:
    """A reflowed paragraph: the section showed as changed over an empty line."""
    with (repo / "catalog/metadata.yaml").open("a", encoding="utf-8") as metadata:
        metadata.write("prosa:\n  latar_belakang: prosa/latar.md\n")
    write_tree(repo / "catalog", {"prosa/latar.md": "# Latar\n\nJaringan yang andal. Aman.\n"})
    commit(repo, "prosa")
    write_tree(repo / "catalog", {"prosa/latar.md": "# Latar\n\nJaringan yang andal.\nAman.\n\n"})
    code, out, _ = run("HEAD", "--exit-code")
    assert code == 1
    assert out.endswith(
        "  ~ section latar_belakang → masterplan (catalog/prosa/latar.md)\n"
        "      (only spaces or line breaks changed; no word changed)\n"
    )
    markdown = run("HEAD", "--format", "markdown")[1]
    assert "  - *(only spaces or line breaks changed; no word changed)*\n" in markdown


def test_a_name_that_differs_only_in_unicode_form_says_so(repo: Path) -> None:
    """``é`` as one code point, then as ``e`` + U+0301: the change read ``Café → Café``."""
    edit(repo / ECONOMY, "nama: Sentra Kerajinan Noken", "nama: Sentra Kerajinan Noken Caf\u00e9")
    commit(repo, "nfc")
    edit(repo / ECONOMY, "Caf\u00e9", "Cafe\u0301")
    note = "(only the Unicode form differs, e.g. an accented letter written as two code points; "
    out = run("HEAD")[1]
    assert (
        f"      nama: Sentra Kerajinan Noken Caf\u00e9 → Sentra Kerajinan Noken Cafe\u0301 {note}"
        in out
    )
    assert f"*{note}" in run("HEAD", "--format", "markdown")[1]
    # A real edit has no note.
    edit(repo / ECONOMY, "Cafe\u0301", "Kafe")
    assert "Unicode form" not in run("HEAD")[1]


def test_no_findings_still_shows_an_exception_added_or_removed(repo: Path) -> None:
    """``--no-findings`` read "No changes." (exit 0) for a pull request adding an exception."""
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": APP})
    commit(repo, "aduan")
    git(repo, "tag", "before")
    _excepted_app(repo)
    code, out, _ = run("before", "base", "--no-findings", "--exit-code")
    assert code == 1
    assert out.endswith(
        "Rule exceptions in force (1)\n"
        "  SPBE403 for APP-ADUAN: Kanal sementara sampai integrasi selesai. (new)\n"
    )
    data = json.loads(run("base", "before", "--no-findings", "--format", "json")[1])
    assert [(e["entity"], e["matched"]) for e in data["exceptions_removed"]] == [
        ("APP-ADUAN", None)
    ]
    assert run("base", "base", "--no-findings", "--exit-code")[0] == 0


#: A second program with the id of SC-03 (``program/economy.yaml``), in a file sorted before it.
TWIN = """entitas: program
id: SC-03
nama: Sentra Noken Digital
dimensi: economy
elemen: transaction
opd_pj: DISKOMINFO
tahun_mulai: 2026
tahun_selesai: 2027
horizon: menengah
"""


def _changes(data: dict) -> list[tuple[str, str, str, list[str]]]:
    return [
        (c["change"], c["id"], c["name"], [f["field"] for f in c["fields"]])
        for c in data["changes"]
    ]


def test_an_id_used_twice_is_no_edit_of_the_entity_that_had_it(repo: Path) -> None:
    """A pull request adding a second SC-03 in a file read first: not SC-03 rewritten.

    The loader keeps the first in file order (the newcomer) and rejects SC-03's own document
    (SPBE104). Matched by id, the review said SC-03 was now "Sentra Noken Digital", with another
    element and start year, its indicator and budget removed: none of that was edited. Now
    SC-03's own change is unknown (its file is listed as not loading) and the newcomer is added;
    the pull request removing the twin again removes it, as ``--no-findings`` (which reads only
    the changed file) says.
    """
    write_tree(repo / "catalog", {"program/a-pasar.yaml": TWIN})
    commit(repo, "a second SC-03")
    code, out, err = run("v1", "HEAD", "--format", "json", "--exit-code")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert _changes(data) == [("added", "SC-03", "Sentra Noken Digital", [])]
    assert [(e["side"], e["path"], e["ids"]) for e in data["uncomparable"]] == [
        ("new", f"HEAD:{ECONOMY}", ["SC-03"])
    ]
    introduced = [(f["code"], f["path"], f["line"], f["column"]) for f in data["introduced"]]
    assert introduced[0] == ("SPBE104", f"HEAD:{ECONOMY}", 2, 5)
    # The rest are the newcomer's own (no indicator, no budget), in its file.
    assert {path for _, path, _, _ in introduced[1:]} == {"HEAD:catalog/program/a-pasar.yaml"}
    assert all(a["code"] != "SPBE701" for a in data["attention"])
    no_findings = json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])
    assert _changes(no_findings) == _changes(data)
    # Removing the twin: the newcomer is removed, SC-03's own document is unknown on the old side.
    data = json.loads(run("HEAD", "v1", "--format", "json")[1])
    assert _changes(data) == [("removed", "SC-03", "Sentra Noken Digital", [])]
    assert [(e["side"], e["path"], e["ids"]) for e in data["uncomparable"]] == [
        ("old", f"HEAD:{ECONOMY}", ["SC-03"])
    ]
    assert (data["fixed"][0]["code"], data["fixed"][0]["line"]) == ("SPBE104", 2)
    assert _changes(json.loads(run("HEAD", "v1", "--format", "json", "--no-findings")[1])) == (
        _changes(data)
    )


def test_an_entity_edited_beside_its_twin_is_still_changed(repo: Path) -> None:
    """Near misses: a twin read after the entity hides nothing, an edit beside it is shown."""
    edit(repo / ECONOMY, "nama: Sentra Kerajinan Noken", "nama: Sentra Noken")
    write_tree(repo / "catalog", {"program/z-pasar.yaml": TWIN})
    commit(repo, "SC-03 renamed, and a second SC-03 after it")
    data = json.loads(run("v1", "HEAD", "--format", "json")[1])
    assert _changes(data) == [("changed", "SC-03", "Sentra Noken", ["nama"])]
    assert [(e["side"], e["path"], e["ids"]) for e in data["uncomparable"]] == [
        ("new", "HEAD:catalog/program/z-pasar.yaml", [])
    ]
    # The twin in the entity's own file, after it: the entity keeps its id, and its edit.
    git(repo, "rm", "-q", "catalog/program/z-pasar.yaml")
    with (repo / ECONOMY).open("a", encoding="utf-8") as economy:
        economy.write("---\n" + TWIN)
    commit(repo, "the second SC-03 in the same file")
    data = json.loads(run("v1", "HEAD", "--format", "json")[1])
    assert _changes(data) == [("changed", "SC-03", "Sentra Noken", ["nama"])]
    assert [(f["code"], f["line"], f["column"]) for f in data["introduced"]] == [("SPBE104", 20, 5)]


def test_a_finding_whose_level_rose_is_new(repo: Path) -> None:
    """A warning the change makes an error is in "Needs attention", and fails the check.

    SPBE408 is a warning for a running Aplikasi Khusus that duplicates an Aplikasi Umum and an
    error for a planned one. Matched by code, entity and field alone, a change to ``rencana``
    showed no finding: the check went red and the review looked clean. Made milder again, the
    finding is not new, and not fixed either (it is still there).
    """
    write_tree(repo / "catalog", {"arsitektur/aduan.yaml": APP})
    commit(repo, "aduan")
    git(repo, "tag", "base")
    edit(repo / "catalog/arsitektur/aduan.yaml", "status: operasional", "status: rencana")
    commit(repo, "aduan planned")
    data = json.loads(run("base", "HEAD", "--format", "json")[1])
    introduced = [(f["code"], f["severity"], f["line"], f["column"]) for f in data["introduced"]]
    assert ("SPBE408", "error", 2, 5) in introduced
    assert all(f["code"] != "SPBE408" for f in data["fixed"])
    out = run("base", "HEAD", "--format", "markdown")[1]
    assert "- **error** SPBE408 " in out.split("| Kind |")[0]
    data = json.loads(run("HEAD", "base", "--format", "json")[1])
    assert all(f["code"] != "SPBE408" for f in data["introduced"] + data["fixed"])


def test_a_new_finding_shows_its_hint_and_related_place(repo: Path) -> None:
    """As ``spbe validate`` prints them: the first use of an id used twice, the hint.

    The review dropped them: an SPBE104 read "id already used" without where, and SPBE408
    without which Aplikasi Umum to use instead.
    """
    write_tree(repo / "catalog", {"program/a-pasar.yaml": TWIN, "arsitektur/aduan.yaml": APP})
    commit(repo, "a second SC-03, and an application duplicating an Aplikasi Umum")
    text = run("v1", "HEAD")[1]
    assert (
        f"  HEAD:{ECONOMY}:2:5: error[SPBE104]: id 'SC-03' is already used (new finding)\n"
        "      = see HEAD:catalog/program/a-pasar.yaml:2:5: first defined here\n"
    ) in text
    assert "error[SPBE408]" not in text  # a warning for a running application
    assert "\n      = hint: use SP4N-LAPOR!, or fill in setara_aplikasi_umum" in text
    comment = run("v1", "HEAD", "--format", "markdown")[1]
    assert (
        f"(`HEAD:{ECONOMY}:2:5`) — *new finding*\n"
        "  - see HEAD:catalog/program/a-pasar.yaml:2:5: first defined here\n"
    ) in comment
    assert "\n  - hint: use SP4N-LAPOR!, or fill in setara_aplikasi_umum" in comment
