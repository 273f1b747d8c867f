"""Ids that change meaning in a pull request, as an ITB mentor reviews it, in real git repositories.

An id given to another entity (same kind or not), ids renumbered after a deletion, and the
entities whose only edit is a reference following a renamed id. Before, the first read as an
edit of one entity, the second as ten edits, and the third inflated "changed".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spbe_cli import i18n
from spbe_cli.diff.revision_log import changes_since, revision_log
from tests.helpers import write_tree
from tests.test_git_diff import commit, edit, git, repo, run

__all__ = ["repo"]

APPS = "catalog/arsitektur/aplikasi.yaml"

KEPEGAWAIAN = """entitas: aplikasi
id: APP-01
nama: Sistem Kepegawaian
raa: RAA.01.01
kategori: khusus
pemilik: DISKOMINFO
status: pengembangan
"""


@pytest.fixture(autouse=True)
def _english() -> None:
    i18n.set_language("en")


def _changes(data: dict) -> list[tuple[str, str | None, str, str | None]]:
    return [(c["change"], c["old_id"], c["id"], c["name"]) for c in data["changes"]]


def _codes(data: dict) -> list[tuple[str, str]]:
    return sorted((a["code"], a["id"]) for a in data["attention"])


def test_an_id_given_to_another_application_is_a_removal_and_an_addition(repo: Path) -> None:
    """APP-01 "Portal Wisata" deleted, APP-01 reused for "Sistem Kepegawaian".

    Before: "changed APP-01" with nama, status, data and infrastruktur rewritten, no warning,
    though LAY-01 and SEC-01, which still cite APP-01, now mean the new application.
    """
    write_tree(repo, {APPS: KEPEGAWAIAN})
    code, out, err = run("v1", "--format", "json", "--exit-code")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert _changes(data) == [
        ("removed", "APP-01", "APP-01", "Portal Wisata"),
        ("added", None, "APP-01", "Sistem Kepegawaian"),
    ]
    assert data["changes"][1]["replaces"] == {"kind": "aplikasi", "name": "Portal Wisata"}
    assert data["summary"]["added"] == 1 and data["summary"]["removed"] == 1
    assert data["summary"]["changed"] == 0
    reused = [a for a in data["attention"] if a["code"] == "SPBE711"]
    assert [(a["severity"], a["location"]) for a in reused] == [
        ("warning", {"path": APPS, "line": 2, "column": 5})
    ]
    assert reused[0]["message"] == (
        "id APP-01 now names application 'Sistem Kepegawaian', formerly application "
        "'Portal Wisata': every reference to APP-01 left as it was now means 'Sistem Kepegawaian'"
    )
    text = run("v1")[1]
    assert "  - APP-01  Portal Wisata\n" in text
    assert "  + APP-01  Sistem Kepegawaian  (reused id: formerly application 'Portal Wisata')" in (
        text
    )
    assert f"{APPS}:2:5: warning[SPBE711]: id APP-01 now names" in text
    comment = run("v1", "--format", "markdown")[1]
    assert (
        "- **added** `APP-01` — Sistem Kepegawaian "
        "(*reused id: formerly application 'Portal Wisata'*)" in comment
    )
    assert "SPBE711 `APP-01`: id APP-01 now names" in comment
    # Applied in order (removed before added at one id), the JSON still rebuilds the new side.
    assert [c["change"] for c in data["changes"]] == ["removed", "added"]


def test_a_renamed_application_that_keeps_its_fields_is_an_edit_with_a_warning(
    repo: Path,
) -> None:
    """A new name alone (the fields kept, the owner moved) is one entity edited, not a reuse;
    a name changed beyond recognition is still worth the mentor's question."""
    edit(repo / APPS, "nama: Portal Wisata", "nama: Sistem Informasi Destinasi Mimika")
    edit(repo / APPS, "pemilik: DISKOMINFO", "pemilik: BAPPEDA")
    data = json.loads(run("v1", "--format", "json")[1])
    assert _changes(data) == [("changed", "APP-01", "APP-01", "Sistem Informasi Destinasi Mimika")]
    assert data["changes"][0]["replaces"] is None
    assert [(a["code"], a["location"]) for a in data["attention"] if a["code"] == "SPBE711"] == [
        ("SPBE711", {"path": APPS, "line": 3, "column": 7})
    ]
    # A name edited, not replaced, is no warning.
    edit(repo / APPS, "nama: Sistem Informasi Destinasi Mimika", "nama: Portal Wisata Mimika")
    data = json.loads(run("v1", "--format", "json")[1])
    assert "SPBE711" not in [a["code"] for a in data["attention"]]


def test_a_program_of_the_same_shape_under_an_old_id_is_flagged(repo: Path) -> None:
    """SC-04 "Puskesmas Keliling Sungai" replaced by "Ambulans Air" with the same dimension,
    OPD, years and horizon: too much alike to split, so an edit, but with SPBE711."""
    living = repo / "catalog/program/living.yaml"
    edit(living, "nama: Puskesmas Keliling Sungai", "nama: Ambulans Air")
    edit(living, "baseline: 10", "baseline: 2")
    edit(living, "nilai: 250000000", "nilai: 900000000")
    data = json.loads(run("v1", "--format", "json")[1])
    assert _changes(data) == [("changed", "SC-04", "SC-04", "Ambulans Air")]
    hit = next(a for a in data["attention"] if a["code"] == "SPBE711")
    assert hit["location"] == {"path": "catalog/program/living.yaml", "line": 3, "column": 7}
    assert hit["message"] == (
        "id SC-04 was renamed beyond recognition ('Puskesmas Keliling Sungai' → 'Ambulans Air');"
        " if it is another entity, give it an id of its own: every reference to SC-04 left as it"
        " was now means 'Ambulans Air'"
    )


def test_an_id_given_to_an_entity_of_another_kind_is_flagged(repo: Path) -> None:
    """INFRA-01 the server room becomes application INFRA-01: removed, added, and SPBE711."""
    infra = repo / "catalog/arsitektur/infrastruktur.yaml"
    infra.unlink()
    write_tree(repo, {"catalog/arsitektur/baru.yaml": KEPEGAWAIAN.replace("APP-01", "INFRA-01")})
    data = json.loads(run("v1", "--format", "json", "--no-findings")[1])
    assert [(c["kind"], c["change"], c["id"]) for c in data["changes"]] == [
        ("aplikasi", "added", "INFRA-01"),
        ("infrastruktur", "removed", "INFRA-01"),
    ]
    assert data["changes"][0]["replaces"] == {"kind": "infrastruktur", "name": "Ruang Server"}
    assert ("SPBE711", "INFRA-01") in _codes(data)
    message = next(a["message"] for a in data["attention"] if a["code"] == "SPBE711")
    assert "formerly infrastructure 'Ruang Server'" in message


PROGRAM = """entitas: program
id: PRG-{n:02d}
nama: {name}
dimensi: economy
elemen: industry
opd_pj: DISKOMINFO
tahun_mulai: 2025
tahun_selesai: 2026
horizon: menengah
indikator:
  - {{nama: Capaian, satuan: persen, baseline: {n}, target: {{2026: {target}}}}}
anggaran:
  - {{tahun: 2025, nilai: {budget}, sumber: APBD}}
"""

NAMES = [
    "Pasar Digital Timika",
    "Noken Daring",
    "Sekolah Pesisir",
    "Ambulans Sungai",
    "Lampu Jalan Surya",
    "Kartu Nelayan",
    "Perpustakaan Keliling",
    "Bank Sampah Kampung",
    "Air Bersih Distrik",
    "Posyandu Terpadu",
]


def _programs(names: list[str]) -> str:
    return "---\n".join(
        PROGRAM.format(n=n, name=name, target=50 + n, budget=100_000_000 * n)
        for n, name in enumerate(names, 1)
    )


def test_ids_shifted_after_a_deletion_are_renames_not_edits(repo: Path) -> None:
    """PRG-03 deleted and PRG-04..PRG-10 renumbered PRG-03..PRG-09.

    Before: seven programs "changed" (name, baseline, targets, budget all rewritten) and
    PRG-10 removed; the deleted program was not named anywhere.
    """
    write_tree(repo, {"catalog/program/daftar.yaml": _programs(NAMES)})
    commit(repo, "sepuluh program")
    git(repo, "tag", "base")
    kept = [*NAMES[:2], *NAMES[3:]]
    text = _programs(kept)
    # Each keeps its own content: renumbering changes ids only.
    for n, name in enumerate(kept, 1):
        old_n = NAMES.index(name) + 1
        text = text.replace(
            PROGRAM.format(n=n, name=name, target=50 + n, budget=100_000_000 * n),
            PROGRAM.format(
                n=old_n, name=name, target=50 + old_n, budget=100_000_000 * old_n
            ).replace(f"id: PRG-{old_n:02d}", f"id: PRG-{n:02d}"),
        )
    write_tree(repo, {"catalog/program/daftar.yaml": text})
    data = json.loads(run("base", "--format", "json")[1])
    assert _changes(data) == [
        ("removed", "PRG-03", "PRG-03", "Sekolah Pesisir"),
        *[("renamed", f"PRG-{n + 1:02d}", f"PRG-{n:02d}", NAMES[n]) for n in range(3, 10)],
    ]
    summary = data["summary"]
    assert (summary["removed"], summary["changed"], summary["renamed"]) == (1, 0, 7)
    # Every id but PRG-10 now names another program than before.
    assert [i for c, i in _codes(data) if c == "SPBE711"] == [f"PRG-{n:02d}" for n in range(3, 10)]
    assert all(c["fields"] == [] for c in data["changes"])
    # The deleted program's finding is the one fixed (it read as PRG-04's, renumbered), and
    # the renumbered programs bring theirs along: nothing new.
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in data["fixed"]] == [
        ("SPBE611", "base:catalog/program/daftar.yaml", 30, 5)
    ]
    assert data["introduced"] == []


def test_references_that_follow_a_rename_are_not_counted_as_changed(repo: Path) -> None:
    """APP-01 -> APP-PORTAL with LAY-01, SEC-01 and PR-AP updated to cite it.

    Before: "0 added, 0 removed, 3 changed, 1 renamed": the three referrers were counted as
    changed, though the document's Daftar Perubahan already left them out.
    """
    edit(repo / APPS, "id: APP-01", "id: APP-PORTAL")
    edit(repo / "catalog/arsitektur/layanan.yaml", "aplikasi: [APP-01]", "aplikasi: [APP-PORTAL]")
    edit(repo / "catalog/arsitektur/keamanan.yaml", "objek: [APP-01]", "objek: [APP-PORTAL]")
    edit(
        repo / "catalog/peta-rencana/aplikasi.yaml", "mengubah: [APP-01]", "mengubah: [APP-PORTAL]"
    )
    # A referrer that also changed something else is a change.
    edit(repo / "catalog/arsitektur/keamanan.yaml", "nama: Audit Portal", "nama: Audit Portal 2026")
    code, out, err = run("v1", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    summary = data["summary"]
    assert (summary["changed"], summary["renamed"], summary["followed"]) == (1, 1, 2)
    assert summary["by_kind"]["layanan"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "renamed": 0,
        "followed": 1,
    }
    follows = {c["id"]: c["follows_rename"] for c in data["changes"]}
    assert follows == {"APP-PORTAL": False, "SEC-01": False, "LAY-01": True, "PR-AP": True}
    text = run("v1")[1]
    assert "0 added, 0 removed, 1 changed, 1 renamed." in text
    assert (
        "Entities whose only change is a reference following a renamed id: 2 (not counted as"
        " changed)." in text
    )
    assert "  ~ LAY-01  Informasi Wisata  (only references following a renamed id)" in text
    comment = run("v1", "--format", "markdown")[1]
    assert "| **Total** | **0** | **0** | **1** | **1** |" in comment
    assert "Entities whose only change is a reference following a renamed id: 2" in comment
    # The document's Daftar Perubahan reads the same rule: the followers are not listed, and
    # neither is APP-PORTAL, whose only change is its id (readers know it by its name).
    commit(repo, "ganti id")
    log = revision_log(changes_since("v1", repo / "catalog", repo))
    ids = [e["id"] for g in log["groups"] for e in g["entries"]]
    assert ids == ["SEC-01"]


def test_only_a_field_of_references_follows_a_rename(repo: Path) -> None:
    """APP-01 -> APP-PORTAL; LAY-01 cites it (``aplikasi``) and also names a channel ``APP-01``
    in ``kanal``, a list of words, which now reads ``APP-PORTAL``.

    Before: the words matched the renamed id, so LAY-01 read "only references following a
    renamed id" and its edit of ``kanal`` was in no count and no Daftar Perubahan.
    """
    layanan = repo / "catalog/arsitektur/layanan.yaml"
    layanan.write_text(layanan.read_text("utf-8") + "kanal: [APP-01, loket]\n", "utf-8")
    commit(repo, "kanal")
    git(repo, "tag", "v2")
    edit(repo / APPS, "id: APP-01", "id: APP-PORTAL")
    edit(layanan, "aplikasi: [APP-01]", "aplikasi: [APP-PORTAL]")
    edit(layanan, "kanal: [APP-01, loket]", "kanal: [APP-PORTAL, loket]")
    edit(repo / "catalog/arsitektur/keamanan.yaml", "objek: [APP-01]", "objek: [APP-PORTAL]")
    code, out, err = run("v2", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    follows = {c["id"]: c["follows_rename"] for c in data["changes"]}
    assert follows["LAY-01"] is False and follows["SEC-01"] is True
    lay = next(c for c in data["changes"] if c["id"] == "LAY-01")
    assert [f["field"] for f in lay["fields"]] == ["aplikasi", "kanal"]
    assert data["summary"]["by_kind"]["layanan"]["changed"] == 1
    # The document lists the channel's edit, not the reference that followed the rename.
    commit(repo, "ganti id")
    log = revision_log(changes_since("v2", repo / "catalog", repo))
    entries = {e["id"]: e for g in log["groups"] for e in g["entries"]}
    assert [f["field"] for f in entries["LAY-01"]["fields"]] == ["kanal"]
    assert "SEC-01" not in entries


def test_the_daftar_perubahan_takes_the_attention_list_the_diff_made(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attention rules run once, in the documents' words, not again per document.

    Before: the diff ran them twice (before and after setting uncomparable files aside) and
    each document's Daftar Perubahan a third time.
    """
    import spbe_cli.diff as diff_module

    program = repo / "catalog/program/governance.yaml"
    edit(program, "nilai: 250000000", "nilai: 100000000")
    commit(repo, "potong anggaran")
    runs = []
    rules = diff_module.attention_for

    def counted(changes: list) -> list:
        runs.append(len(changes))
        return rules(changes)

    monkeypatch.setattr(diff_module, "attention_for", counted)
    changes = changes_since("v1", repo / "catalog", repo, words=lambda: i18n.use_language("id"))
    logs = [revision_log(changes, None, name) for name in ("masterplan", "arsitektur")]
    assert len(runs) == 1
    # worded in the documents' language, though the terminal speaks English
    assert [(a.code, a.id) for a in changes.attention] == [("SPBE703", "SC-01")]
    with i18n.use_language("id"):
        worded = i18n.t("diff.att.SPBE703", **dict(changes.attention[0].values))
    assert changes.attention[0].message == worded
    for log in logs:
        assert [(a["code"], a["message"]) for a in log["attention"]] == [("SPBE703", worded)]


def test_a_document_moved_into_another_file_is_no_change(repo: Path) -> None:
    """SC-04 moved from its own file into economy.yaml (a second document): nothing changed."""
    living = (repo / "catalog/program/living.yaml").read_text("utf-8")
    (repo / "catalog/program/living.yaml").unlink()
    economy = repo / "catalog/program/economy.yaml"
    economy.write_text(economy.read_text("utf-8") + "---\n" + living, "utf-8")
    for extra in ([], ["--no-findings"]):
        code, out, _ = run("v1", "--format", "json", "--exit-code", *extra)
        data = json.loads(out)
        assert (code, data["changes"], data["introduced"], data["fixed"]) == (0, [], [], [])


def test_the_documents_name_a_removed_entity_whose_id_was_reused_as_it_was(repo: Path) -> None:
    """The Daftar Perubahan read "Dihapus: Sistem Kepegawaian": the current name of the id."""
    from typer.testing import CliRunner

    from spbe_cli.cli.app import app

    write_tree(repo, {APPS: KEPEGAWAIAN})
    result = CliRunner().invoke(
        app, ["render", "catalog", "-o", "out", "--since", "v1", "-f", "md", "--doc", "arsitektur"]
    )
    assert result.exit_code in (0, 1), result.stderr
    text = (repo / "out" / "arsitektur.md").read_text("utf-8")
    log = text.split("## DAFTAR PERUBAHAN", 1)[1].split("\n## ", 1)[0]
    lines = log.splitlines()
    assert "- Dihapus: **Portal Wisata**" in lines, log
    assert "- Ditambah: **Sistem Kepegawaian**" in lines, log
    assert "APP-01" not in log and "SPBE711" not in log


def test_an_exception_for_a_reused_id_says_it_now_covers_the_newcomer(repo: Path) -> None:
    """``.spbe.yaml`` excepts APP-01 from SPBE403 for the old portal; the id goes to another
    application, which the exception now silently covers. Before: no word of it."""
    write_tree(
        repo,
        {
            "catalog/.spbe.yaml": "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-01\n"
            "    alasan: Portal lama, dihentikan tahun depan.\n"
        },
    )
    commit(repo, "pengecualian")
    git(repo, "tag", "base")
    write_tree(repo, {APPS: KEPEGAWAIAN})
    note = (
        "(APP-01 now names 'Sistem Kepegawaian' after this change: the exception now covers it,"
        " check its reason)"
    )
    assert note in run("base")[1]
    assert note in run("base", "--format", "markdown")[1]
    data = json.loads(run("base", "--format", "json")[1])
    assert [(e["entity"], e["renamed_to"], e["taken_by"]) for e in data["exceptions"]] == [
        ("APP-01", None, "Sistem Kepegawaian")
    ]


def test_a_program_handed_to_another_opd_with_a_new_id_is_a_rename(repo: Path) -> None:
    """SC-04 moves to BAPPEDA's folder as SC-BAPPEDA-04 (ids name their OPD).

    Before: "program SC-04 removed" (SPBE701) and an unrelated program added; the mentor could
    not see that only the owner changed.
    """
    living = repo / "catalog/program/living.yaml"
    text = living.read_text("utf-8").replace("id: SC-04", "id: SC-BAPPEDA-04")
    living.unlink()
    write_tree(
        repo,
        {
            "catalog/opd/bappeda.yaml": "entitas: opd\nid: BAPPEDA\nnama: Bappeda\n",
            "catalog/bappeda/program.yaml": text.replace("opd_pj: DISKOMINFO", "opd_pj: BAPPEDA"),
        },
    )
    data = json.loads(run("v1", "--format", "json", "--no-findings")[1])
    renamed = [c for c in data["changes"] if c["kind"] == "program"]
    assert [(c["change"], c["old_id"], c["id"]) for c in renamed] == [
        ("renamed", "SC-04", "SC-BAPPEDA-04")
    ]
    assert [(f["field"], f["old"], f["new"]) for f in renamed[0]["fields"]] == [
        ("opd_pj", "DISKOMINFO", "BAPPEDA")
    ]
    assert "SPBE701" not in [a["code"] for a in data["attention"]]


def test_a_program_handed_to_another_opd_under_its_id_is_an_edit(repo: Path) -> None:
    """The owner changed, the id kept: one program edited, not renamed to itself."""
    edit(repo / "catalog/program/living.yaml", "opd_pj: DISKOMINFO", "opd_pj: BAPPEDA")
    data = json.loads(run("v1", "--format", "json", "--no-findings")[1])
    assert _changes(data) == [("changed", "SC-04", "SC-04", "Puskesmas Keliling Sungai")]
    assert [a["code"] for a in data["attention"]] == []
