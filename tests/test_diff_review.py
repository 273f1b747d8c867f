"""``spbe diff`` through a review cycle, in real git repositories: prose edits, renames with
edits, renamed indicators, findings a pull request introduces and fixes.

The repository fixture (minimal catalog at tag v1, cwd inside it) comes from test_git_diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import png, write_tree
from tests.test_git_diff import ECONOMY, commit, edit, git, repo, run

__all__ = ["repo"]  # the fixture, imported for pytest

LATAR = (
    "# Latar Belakang\n\nKabupaten ini menyusun Masterplan Smart City untuk mempercepat layanan "
    "publik yang terintegrasi bagi seluruh warga, dari pesisir hingga pegunungan, dengan "
    "dukungan jaringan yang andal.\n\nParagraf kedua menjelaskan tata kelola.\n"
)
LAPOR_DUPLICATE = """\
entitas: aplikasi
id: APP-ADUAN
nama: Aduan Warga Mimika
raa: RAA.01.01
kategori: khusus
pemilik: DISKOMINFO
status: rencana
fungsi: Pengaduan masyarakat atas layanan publik
data: [DATA-01]
infrastruktur: [INFRA-01]
"""


def with_prose(root: Path) -> None:
    meta = root / "catalog/metadata.yaml"
    meta.write_text(meta.read_text("utf-8") + "prosa:\n  latar_belakang: prosa/latar.md\n")
    write_tree(root, {"catalog/prosa/latar.md": LATAR})
    commit(root, "prose")
    git(root, "tag", "p1")


def test_prose_edit_is_a_change_per_section_with_word_diff(repo: Path) -> None:
    with_prose(repo)
    code, out, _ = run("p1", "--exit-code")
    assert (code, "No changes." in out) == (0, True)
    edit(repo / "catalog/prosa/latar.md", "yang andal", "yang andal dan aman")
    code, out, err = run("p1", "--exit-code")
    assert (code, err) == (1, "")
    assert "  ~ section latar_belakang → masterplan (catalog/prosa/latar.md)" in out
    assert "… dengan dukungan jaringan yang [-andal.-]{+andal dan aman.+} Paragraf" in out
    _, markdown, _ = run("p1", "--format", "markdown")
    assert "| Prose | 0 | 0 | 1 | 0 |" in markdown
    assert "~~andal.~~ **andal dan aman.**" in markdown
    _, data, _ = run("p1", "--format", "json", "--no-findings")  # metadata file not changed
    (prose,) = json.loads(data)["prose"]
    assert (prose["section"], prose["change"], prose["documents"]) == (
        "latar_belakang",
        "changed",
        ["masterplan"],
    )
    assert prose["new"].endswith(
        "yang andal dan aman.\n\nParagraf kedua menjelaskan tata kelola.\n"
    )


def test_prose_in_a_revision_is_read_from_the_revision(repo: Path) -> None:
    with_prose(repo)
    edit(repo / "catalog/prosa/latar.md", "Paragraf kedua", "Bagian kedua")
    commit(repo, "prose edit")
    (repo / "catalog/prosa/latar.md").write_text("working tree text\n", "utf-8")
    _, out, _ = run("p1", "HEAD", "--format", "json")
    (prose,) = json.loads(out)["prose"]
    assert "Bagian kedua" in prose["new"] and "working tree" not in prose["new"]


def test_prose_findings_of_a_revision_are_about_the_revision_s_files(repo: Path) -> None:
    """SPBE208 of a git side looks in that revision, never in the working tree."""
    with_prose(repo)
    # The working tree lost the prose file: the new side's finding is introduced by the change.
    (repo / "catalog/prosa/latar.md").unlink()
    _, out, _ = run("p1", "--format", "json")
    data = json.loads(out)
    assert [(f["code"], f["path"]) for f in data["introduced"]] == [
        ("SPBE208", "catalog/metadata.yaml")
    ]
    assert data["fixed"] == []
    # Committed, and compared as two revisions while the working tree has the file again.
    commit(repo, "prose deleted")
    write_tree(repo, {"catalog/prosa/latar.md": LATAR})
    _, out, _ = run("p1", "HEAD", "--format", "json")
    assert [f["code"] for f in json.loads(out)["introduced"]] == ["SPBE208"]
    _, out, _ = run("HEAD", "p1", "--format", "json")
    assert [f["code"] for f in json.loads(out)["fixed"]] == ["SPBE208"]


PNG = png(2, 1)


def test_logo_findings_of_a_revision_are_about_the_revision_s_logo(repo: Path) -> None:
    """SPBE220 of a git side checks the logo that revision holds, never the working tree's."""
    meta = repo / "catalog/metadata.yaml"
    meta.write_text(meta.read_text("utf-8") + "logo: logo.png\n", "utf-8")
    (repo / "catalog/logo.png").write_bytes(PNG)
    commit(repo, "logo")
    git(repo, "tag", "l1")
    # The working tree's logo is broken: a working-tree side sees it, revisions do not.
    (repo / "catalog/logo.png").write_bytes(b"GIF89a not a png")
    _, out, _ = run("l1", "--format", "json")
    data = json.loads(out)
    assert [(f["code"], f["path"], f["line"]) for f in data["introduced"]] == [
        ("SPBE220", "catalog/metadata.yaml", 26)
    ]
    _, out, _ = run("l1", "HEAD", "--format", "json")
    assert json.loads(out)["introduced"] == []
    # Committed broken, and compared as two revisions while the working tree is fine again.
    commit(repo, "logo broken")
    (repo / "catalog/logo.png").write_bytes(PNG)
    _, out, _ = run("l1", "HEAD", "--format", "json")
    assert [f["code"] for f in json.loads(out)["introduced"]] == ["SPBE220"]
    _, out, _ = run("HEAD", "l1", "--format", "json")
    assert [f["code"] for f in json.loads(out)["fixed"]] == ["SPBE220"]
    # A revision without the file, or naming one outside the catalog.
    git(repo, "rm", "-q", "-f", "catalog/logo.png")
    commit(repo, "logo removed")
    _, out, _ = run("l1", "HEAD", "--format", "json")
    (finding,) = json.loads(out)["introduced"]
    assert finding["code"] == "SPBE220" and "logo.png" in finding["message"]
    # A folder named as the logo reads as it does on disk: not a regular file, not missing.
    edit(repo / "catalog/metadata.yaml", "logo: logo.png", "logo: arsitektur")
    commit(repo, "logo is a folder")
    _, out, _ = run("HEAD", "--format", "json")
    assert json.loads(out)["introduced"] == []  # the same finding on both sides
    _, out, _ = run("l1", "HEAD", "--format", "json")
    (in_revision,) = json.loads(out)["introduced"]
    _, out, _ = run("l1", "--format", "json")
    (on_disk,) = json.loads(out)["introduced"]
    assert in_revision["message"] == on_disk["message"]
    assert "arsitektur" in on_disk["message"]


def test_render_since_reads_the_earlier_prose_from_the_revision(repo: Path) -> None:
    from spbe_cli.gitsource import load_revision

    with_prose(repo)
    edit(repo / "catalog/prosa/latar.md", "Paragraf kedua", "Bagian kedua")
    earlier = load_revision("p1", Path("catalog"), repo)
    text = earlier.prose["latar_belakang"].text
    assert "Paragraf kedua" in text and "Bagian kedua" not in text
    (repo / "catalog/prosa/latar.md").unlink()
    assert load_revision("p1", Path("catalog"), repo).prose["latar_belakang"].problem is None


def test_rename_with_edit_is_a_rename_not_a_removal(repo: Path) -> None:
    path = repo / ECONOMY
    text = path.read_text("utf-8").replace("id: SC-03", "id: SC-30")
    path.unlink()
    write_tree(
        repo,
        {"catalog/program/ekonomi.yaml": text.replace("horizon: menengah", "horizon: panjang")},
    )
    commit(repo, "new id, new horizon, new file")
    _, out, _ = run("v1", "HEAD", "--format", "json")
    data = json.loads(out)
    assert [(c["change"], c["old_id"], c["id"]) for c in data["changes"]] == [
        ("renamed", "SC-03", "SC-30")
    ]
    assert [(f["field"], f["old"], f["new"]) for f in data["changes"][0]["fields"]] == [
        ("horizon", "menengah", "panjang")
    ]
    assert [a["code"] for a in data["attention"]] == ["SPBE709"]  # no false SPBE701


def test_renamed_indicator_is_not_a_lowered_target(repo: Path) -> None:
    text = (repo / ECONOMY).read_text("utf-8")
    name = text.split("  - nama: ", 1)[1].split("\n", 1)[0]
    edit(repo / ECONOMY, f"  - nama: {name}\n", f"  - nama: {name} (persen)\n")
    commit(repo, "indicator renamed")
    _, out, _ = run("v1", "HEAD", "--format", "json")
    data = json.loads(out)
    (change,) = data["changes"]
    assert [(f["field"], f["new"]) for f in change["fields"]] == [
        (f"indikator[{name}].nama", f"{name} (persen)")
    ]
    assert data["attention"] == []  # no false SPBE704


def test_new_finding_is_on_top_of_needs_attention_and_fixed_ones_listed(repo: Path) -> None:
    write_tree(repo, {"catalog/arsitektur/aduan.yaml": LAPOR_DUPLICATE})
    edit(repo / ECONOMY, "horizon: menengah", "horizon: panjang")
    commit(repo, "a planned duplicate of SP4N-LAPOR")
    git(repo, "tag", "v2")
    _, out, _ = run("v1", "v2", "--format", "markdown")
    attention = out.split("### Needs attention", 1)[1]
    first = attention.splitlines()[2]
    assert first.startswith("- **error** SPBE408 planned Aplikasi Khusus APP-ADUAN")
    assert "SP4N-LAPOR" in first and "*new finding*" in first
    assert "`v2:catalog/arsitektur/aduan.yaml:2:5`" in first
    # The next pull request removes the duplicate: the finding is listed as fixed.
    git(repo, "rm", "-q", "catalog/arsitektur/aduan.yaml")
    commit(repo, "use SP4N-LAPOR")
    _, out, _ = run("v2", "HEAD", "--format", "json")
    data = json.loads(out)
    assert [f["code"] for f in data["fixed"]] == ["SPBE408", "SPBE403", "SPBE504"]
    assert data["introduced"] == []
    _, text, _ = run("v2", "HEAD")
    assert "Findings fixed by this change (3)" in text


def test_findings_are_the_same_with_the_old_side_checked_in_a_worker(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"catalog/arsitektur/aduan.yaml": LAPOR_DUPLICATE})
    commit(repo, "a planned duplicate of SP4N-LAPOR")
    git(repo, "rm", "-q", "catalog/opd/diskominfo.yaml")  # many references break
    commit(repo, "an OPD removed")
    outputs = []
    for workers in ("0", "2"):  # one after the other; the old side in a forked worker
        monkeypatch.setenv("SPBE_WORKERS", workers)
        _, out, _ = run("v1", "HEAD", "--format", "json")
        outputs.append(out)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[1])
    assert "SPBE408" in [f["code"] for f in data["introduced"]]
    assert "SPBE201" in [f["code"] for f in data["introduced"]]


EXCEPTION = (
    "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-ADUAN\n"
    "    alasan: Kanal sementara sampai integrasi SP4N-LAPOR selesai.\n"
)


def test_exception_with_reason_is_listed_in_the_review(repo: Path) -> None:
    write_tree(repo, {"catalog/arsitektur/aduan.yaml": LAPOR_DUPLICATE})
    commit(repo, "duplicate")
    git(repo, "tag", "v2")
    write_tree(repo, {"catalog/.spbe.yaml": EXCEPTION})
    commit(repo, "exception")
    _, out, _ = run("v2", "HEAD", "--format", "json")
    data = json.loads(out)
    (exception,) = data["exceptions"]
    assert (exception["code"], exception["entity"], exception["matched"], exception["new"]) == (
        "SPBE403",
        "APP-ADUAN",
        1,
        True,
    )
    assert exception["path"] == "HEAD:catalog/.spbe.yaml" and exception["line"] == 2
    assert data["fixed"] == [] and data["introduced"] == []  # excepted, not "fixed"
    _, markdown, _ = run("v2", "HEAD", "--format", "markdown")
    assert "### Rule exceptions in force (1)" in markdown
    assert "SPBE403 for APP-ADUAN: Kanal sementara sampai integrasi SP4N-LAPOR selesai." in markdown
    assert run("v2", "HEAD", "--exit-code")[0] == 1  # a new exception is a change to review


def test_exception_without_reason_is_a_new_finding(repo: Path) -> None:
    write_tree(
        repo, {"catalog/.spbe.yaml": "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-01\n"}
    )
    commit(repo, "exception without a reason")
    _, out, _ = run("v1", "HEAD", "--format", "json")
    data = json.loads(out)
    assert [(f["code"], f["path"], f["line"]) for f in data["introduced"]] == [
        ("SPBE021", "HEAD:catalog/.spbe.yaml", 2)
    ]
    assert data["exceptions"] == []


@pytest.mark.parametrize("side", ["git", "folder"])
def test_a_configuration_not_read_as_one_is_a_new_finding_in_the_review(
    repo: Path, side: str
) -> None:
    """``.spbe.yml``, and ``.spbe.yaml`` as a link, are SPBE021 in the review as in validate;
    the linked configuration is not read (its exception does not apply)."""
    import os

    write_tree(repo, {"catalog/arsitektur/aduan.yaml": LAPOR_DUPLICATE})
    commit(repo, "duplicate")
    git(repo, "tag", "v2")
    write_tree(repo, {"catalog/.spbe.yml": "aturan:\n  SPBE403: off\n", "dimana.yaml": EXCEPTION})
    os.symlink("../dimana.yaml", repo / "catalog/.spbe.yaml")
    if side == "git":
        commit(repo, "configuration under other names")
        args = ["v2", "HEAD"]
        where = "HEAD:catalog"
    else:
        git(repo, "worktree", "add", "-q", str(repo / "lama"), "v2")
        args = ["lama/catalog", "catalog"]
        where = "catalog"
    _, out, _ = run(*args, "--format", "json")
    data = json.loads(out)
    assert sorted((f["code"], f["path"], f["line"]) for f in data["introduced"]) == [
        ("SPBE021", f"{where}/.spbe.yaml", 1),
        ("SPBE021", f"{where}/.spbe.yml", 1),
    ]
    assert data["exceptions"] == []  # neither file was read as the configuration


def test_metadata_removed_is_a_new_finding(repo: Path) -> None:
    git(repo, "rm", "-q", "catalog/metadata.yaml")
    commit(repo, "metadata gone")
    _, out, _ = run("v1", "HEAD", "--format", "json")
    assert "SPBE107" in [f["code"] for f in json.loads(out)["introduced"]]


def test_a_revision_follows_its_symbolic_links_as_its_checkout_does(repo: Path) -> None:
    """Links inside the catalog are followed; those that leave it, dangle, loop or name a
    folder are refused with the working tree's own findings, at the link's own path."""
    import os

    (repo / "catalog/simpan").mkdir()
    os.replace(repo / ECONOMY, repo / "catalog/simpan/economy.txt")
    os.symlink("../simpan/economy.txt", repo / ECONOMY)  # inside: followed
    (repo / "luar.yaml").write_text((repo / "catalog/opd/diskominfo.yaml").read_text("utf-8"))
    links = {
        "keluar.yaml": "../luar.yaml",  # leaves the catalog: SPBE010
        "hilang.yaml": "tidak-ada.yaml",  # names nothing: SPBE016
        "putar.yaml": "putar.yaml",  # a loop: SPBE016
        "map.yaml": "opd",  # a folder: SPBE011
        "mutlak.yaml": "/etc/hostname",  # absolute: a path of the machine, SPBE010
    }
    for name, target in links.items():
        os.symlink(target, repo / "catalog" / name)
    meta = repo / "catalog/metadata.yaml"
    meta.write_text(meta.read_text("utf-8") + "prosa:\n  latar_belakang: teks/latar.md\n")
    os.symlink("prosa-asli", repo / "catalog/teks")  # a linked folder of prose: followed
    write_tree(repo, {"catalog/prosa-asli/latar.md": LATAR})
    commit(repo, "links")
    git(repo, "tag", "v2")

    # The revision is what its checkout is: no change, no finding introduced or fixed, and
    # the same files refused on both sides, with the same findings.
    _, out, err = run("v2", "--format", "json")
    data = json.loads(out)
    assert (err, data["changes"], data["introduced"], data["fixed"]) == ("", [], [], [])

    def refused(side: str) -> list[tuple[str, str, str]]:
        return sorted(
            (f["code"], f["path"].split(":", 1)[-1], f["message"])
            for entry in data["uncomparable"]
            if entry["side"] == side
            for f in entry["findings"]
        )

    assert refused("old") == refused("new")
    assert [(code, path) for code, path, _ in refused("old")] == [
        ("SPBE010", "catalog/keluar.yaml"),
        ("SPBE010", "catalog/mutlak.yaml"),
        ("SPBE011", "catalog/map.yaml"),
        ("SPBE016", "catalog/hilang.yaml"),
        ("SPBE016", "catalog/putar.yaml"),
    ]
    # Against v1 (no links): the program behind the inner link and the prose behind the linked
    # folder are what they were, and only the refused links are new.
    _, out, _ = run("v1", "v2", "--format", "json")
    data = json.loads(out)
    assert [(c["id"], [f["field"] for f in c["fields"]]) for c in data["changes"]] == [
        ("metadata", ["prosa[latar_belakang]"])
    ]
    assert refused("new") and not refused("old")
    from spbe_cli.gitsource import load_revision

    prose = load_revision("v2", Path("catalog"), repo).prose["latar_belakang"]
    assert (prose.problem, prose.text) == (None, LATAR)
