"""The semantic diff on catalogs loaded from memory: matching, field paths, attention rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spbe_cli.diff import ChangeSet, ChangeType, SideInfo, changed_files, diff_catalogs
from spbe_cli.diff.attention import ATTENTION_RULES
from spbe_cli.diff.formats import format_json, format_markdown, format_text
from spbe_cli.loader import load_files
from tests.helpers import MINIMAL

PROGRAM = """\
entitas: program
id: SC-03
nama: Sentra Kerajinan Noken
dimensi: economy
elemen: industry
opd_pj: DISKOMINFO
tahun_mulai: 2025
tahun_selesai: 2027
horizon: menengah
status: berjalan
indikator:
  - nama: Capaian
    satuan: persen
    baseline: 10
    target: {2026: 50, 2027: 80}
  - nama: Pengrajin
    satuan: orang
    arah: naik
    target: {2026: 100}
anggaran:
  - {tahun: 2025, nilai: 250000000, sumber: APBD}
  - {tahun: 2026, nilai: 300000000, sumber: APBD}
progres:
  - {tahun: 2025, tanggal: 2025-06-30, status: berjalan}
regulasi: [PERBUP-SC, PERBUP-X]
"""

APLIKASI = """\
entitas: aplikasi
id: APP-01
nama: Portal Wisata
raa: RAA.01.01
kategori: umum
pemilik: DISKOMINFO
"""

REGULASI = """\
entitas: regulasi
id: PERBUP-SC
jenis: Perbup
nomor: "1"
tahun: 2024
judul: Smart City
tingkat: daerah
status: berlaku
"""


def load(files: dict[str, str]) -> object:
    catalog, findings = load_files(Path("."), [(k, v.encode()) for k, v in files.items()])
    errors = [f for f in findings if f.severity.value == "error" and f.code != "SPBE107"]
    assert not errors, errors
    return catalog


def diff(old: dict[str, str], new: dict[str, str]) -> ChangeSet:
    return diff_catalogs(
        load(old),
        load(new),
        SideInfo("old", "folder"),
        SideInfo("new", "folder"),  # type: ignore[arg-type]
    )


def fields(changeset: ChangeSet) -> dict[str, tuple[object, object]]:
    (change,) = changeset.changes
    return {f.path: (f.old, f.new) for f in change.fields}


def codes(changeset: ChangeSet) -> list[str]:
    return [a.code for a in changeset.attention]


def test_same_catalog_is_no_change() -> None:
    files = {"p.yaml": PROGRAM, "a.yaml": APLIKASI}
    result = diff(files, files)
    assert not result
    assert result.changes == []
    assert sorted(result.unchanged) == [("aplikasi", "APP-01"), ("program", "SC-03")]


def test_moved_file_and_reordered_keys_are_no_change() -> None:
    lines = PROGRAM.splitlines(keepends=True)
    reordered = "".join([lines[1], lines[0], *reversed(lines[2:9]), *lines[9:]])
    result = diff({"p.yaml": PROGRAM}, {"elsewhere/x.yaml": reordered})
    assert not result


def test_numbers_quoting_and_explicit_defaults_are_no_change() -> None:
    new = (
        PROGRAM.replace("target: {2026: 50, 2027: 80}", "target: {2026: 50.0, 2027: 80}")
        .replace("nama: Sentra", "nama: 'Sentra")
        .replace("Noken\n", "Noken'\n")
        .replace("regulasi: [PERBUP-SC, PERBUP-X]", "regulasi: [PERBUP-X, PERBUP-SC]")
    )
    new += "ilustratif: false\nopd_pendukung: []\n"
    assert not diff({"p.yaml": PROGRAM}, {"p.yaml": new})


def test_lists_are_matched_by_identity_not_position() -> None:
    lines = PROGRAM.split("  - nama: Pengrajin")
    swapped = (
        lines[0].replace(
            "indikator:\n",
            "indikator:\n  - nama: Pengrajin" + lines[1].split("anggaran:")[0],
        )
        + "anggaran:"
        + lines[1].split("anggaran:")[1]
    )
    swapped = swapped.replace(
        "  - {tahun: 2025, nilai: 250000000, sumber: APBD}\n"
        "  - {tahun: 2026, nilai: 300000000, sumber: APBD}\n",
        "  - {tahun: 2026, nilai: 300000000, sumber: APBD}\n"
        "  - {tahun: 2025, nilai: 200000000, sumber: APBD}\n",
    )
    result = diff({"p.yaml": PROGRAM}, {"p.yaml": swapped})
    assert fields(result) == {"anggaran[2025].nilai": (250000000, 200000000)}


def test_every_changed_field_with_old_and_new() -> None:
    new = (
        PROGRAM.replace("2027: 80", "2027: 70")
        .replace("status: berjalan\n", "status: ditunda\n")
        .replace("regulasi: [PERBUP-SC, PERBUP-X]", "regulasi: [PERBUP-SC, PERBUP-Y]")
        .replace("  - {tahun: 2026, nilai: 300000000, sumber: APBD}\n", "")
    )
    result = diff({"p.yaml": PROGRAM}, {"p.yaml": new})
    got = fields(result)
    assert got["status"] == ("berjalan", "ditunda")
    assert got["indikator[Capaian].target[2027]"][1] == 70
    assert got["regulasi"] == (["PERBUP-SC", "PERBUP-X"], ["PERBUP-SC", "PERBUP-Y"])
    removed = got["anggaran[2026]"]
    assert removed[1] is None and removed[0].nilai == 300000000  # type: ignore[attr-defined]
    assert result.changes[0].change is ChangeType.CHANGED


def test_duplicate_years_fall_back_to_year_and_source() -> None:
    old = PROGRAM
    new = PROGRAM.replace(
        "  - {tahun: 2025, nilai: 250000000, sumber: APBD}\n",
        "  - {tahun: 2025, nilai: 250000000, sumber: APBD}\n"
        "  - {tahun: 2025, nilai: 50000000, sumber: DAK}\n",
    )
    got = fields(diff({"p.yaml": old}, {"p.yaml": new}))
    assert list(got) == ["anggaran[2025/DAK]"]


def test_added_removed_and_renamed() -> None:
    renamed = APLIKASI.replace("id: APP-01", "id: APP-01A")
    other = REGULASI
    result = diff({"a.yaml": APLIKASI, "p.yaml": PROGRAM}, {"a.yaml": renamed, "r.yaml": other})
    summary = [(c.change.value, c.kind, c.id, c.old_id) for c in result.changes]
    assert summary == [
        ("added", "regulasi", "PERBUP-SC", None),
        ("renamed", "aplikasi", "APP-01A", "APP-01"),
        ("removed", "program", "SC-03", "SC-03"),
    ]
    assert codes(result) == ["SPBE701", "SPBE709"]


def test_kind_change_with_same_id_is_removed_and_added() -> None:
    other = REGULASI.replace("id: PERBUP-SC", "id: APP-01")
    result = diff({"a.yaml": APLIKASI}, {"a.yaml": other})
    assert sorted((c.change.value, c.kind) for c in result.changes) == [
        ("added", "regulasi"),
        ("removed", "aplikasi"),
    ]


def test_metadata_and_referensi_are_compared() -> None:
    meta = (MINIMAL / "metadata.yaml").read_text("utf-8")
    ref = "entitas: referensi\nkode: RAI.09\nnama: Lokal\nsumber: rapat\n"
    new_meta = meta.replace('versi: "1.0"\n  arsitektur', 'versi: "1.1"\n  arsitektur')
    result = diff({"m.yaml": meta, "r.yaml": ref}, {"m.yaml": new_meta})
    summary = [(c.change.value, c.kind, c.id) for c in result.changes]
    assert summary == [
        ("changed", "metadata", "metadata"),
        ("removed", "referensi", "arsitektur/RAI.09"),
    ]
    assert [f.path for f in result.changes[0].fields] == ["dokumen.masterplan.versi"]


# -- attention -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (PROGRAM, PROGRAM.replace("status: berjalan", "status: dibatalkan"), ["SPBE702"]),
        (PROGRAM, PROGRAM.replace("nilai: 300000000", "nilai: 100000000"), ["SPBE703"]),
        (PROGRAM, PROGRAM.replace("2027: 80", "2027: 60"), ["SPBE704"]),
        (PROGRAM, PROGRAM.replace("{2026: 100}", "{}"), ["SPBE704"]),
        (PROGRAM, PROGRAM.replace("2027: 80", "2027: 90"), []),
        (PROGRAM, PROGRAM.replace("tahun_selesai: 2027", "tahun_selesai: 2029"), ["SPBE705"]),
        (PROGRAM, PROGRAM.replace("tahun_selesai: 2027", "tahun_selesai: 2026"), []),
        (PROGRAM, PROGRAM.replace("nilai: 250000000", "nilai: 350000000"), []),
        (REGULASI, REGULASI.replace("berlaku", "dicabut"), ["SPBE706"]),
        (APLIKASI, APLIKASI.replace("umum", "khusus"), ["SPBE707"]),
        (APLIKASI, APLIKASI + "status: dihentikan\n", ["SPBE710"]),
    ],
)
def test_attention_rules(old: str, new: str, expected: list[str]) -> None:
    assert codes(diff({"x.yaml": old}, {"x.yaml": new})) == expected


def test_target_direction_turun() -> None:
    old = PROGRAM.replace("    arah: naik\n", "    arah: turun\n")
    assert codes(diff({"p.yaml": old}, {"p.yaml": old.replace("{2026: 100}", "{2026: 90}")})) == []
    lowered = diff({"p.yaml": old}, {"p.yaml": old.replace("{2026: 100}", "{2026: 120}")})
    assert codes(lowered) == ["SPBE704"]


def test_quick_win_no_longer_quick() -> None:
    quick = PROGRAM.replace("horizon: menengah", "horizon: quick_win").replace(
        "tahun_selesai: 2027", "tahun_selesai: 2025"
    )
    assert codes(diff({"p": quick}, {"p": quick.replace("quick_win", "pendek")})) == ["SPBE708"]
    longer = quick.replace("tahun_selesai: 2025", "tahun_selesai: 2026")
    assert codes(diff({"p": quick}, {"p": longer})) == ["SPBE705", "SPBE708"]


def test_budget_cut_message_and_location() -> None:
    new = PROGRAM.replace("nilai: 300000000", "nilai: 150000000")
    (item,) = diff({"p.yaml": PROGRAM}, {"p.yaml": new}).attention
    assert item.message == "budget of SC-03 cut: 2026: Rp 300.000.000 → Rp 150.000.000 (-50%)"
    assert item.location is not None and (item.location.path, item.location.line) == ("p.yaml", 21)


def test_every_attention_rule_has_messages_and_a_docstring() -> None:
    from spbe_cli.i18n import messages

    catalogue = messages()
    for code, rule in ATTENTION_RULES.items():
        assert code.startswith("SPBE7")
        assert f"diff.rule.{code}" in catalogue
        assert f"diff.att.{code}" in catalogue
        assert rule.explanation


# -- skipping unchanged files --------------------------------------------------------------------


def test_changed_files_pairs_same_content_wherever_it_is() -> None:
    old = {"a.yaml": "1", "b.yaml": "2", "c.yaml": "3", "d.yaml": "4"}
    new = {"a.yaml": "1", "moved/b.yaml": "2", "c.yaml": "33", "e.yaml": "4", "f.yaml": "4"}
    old_rels, new_rels = changed_files(old, new)
    assert old_rels == ["c.yaml"]
    assert new_rels == ["c.yaml", "f.yaml"]  # a copy of d is still read


# -- renames with edits --------------------------------------------------------------------------


def test_rename_with_edits_is_one_renamed_entity() -> None:
    new = (
        PROGRAM.replace("id: SC-03", "id: SC-30")
        .replace("nama: Sentra Kerajinan Noken", "nama: Sentra Kerajinan Noken Mimika")
        .replace("nilai: 300000000", "nilai: 200000000")
    )
    result = diff({"p.yaml": PROGRAM}, {"p.yaml": new})
    (change,) = result.changes
    assert (change.change, change.old_id, change.id) == (ChangeType.RENAMED, "SC-03", "SC-30")
    assert {f.path: (f.old, f.new) for f in change.fields} == {
        "nama": ("Sentra Kerajinan Noken", "Sentra Kerajinan Noken Mimika"),
        "anggaran[2026].nilai": (300000000, 200000000),
    }
    # Not "removed" (SPBE701); the cut is seen on the renamed program like on any change.
    assert codes(result) == ["SPBE703", "SPBE709"]


def test_renamed_indicator_with_same_targets_is_not_lowered() -> None:
    new = PROGRAM.replace("  - nama: Capaian\n", "  - nama: Capaian Layanan\n")
    result = diff({"p.yaml": PROGRAM}, {"p.yaml": new})
    assert fields(result) == {"indikator[Capaian].nama": ("Capaian", "Capaian Layanan")}
    assert codes(result) == []
    lowered = new.replace("2027: 80", "2027: 60")
    assert codes(diff({"p.yaml": PROGRAM}, {"p.yaml": lowered})) == ["SPBE704"]


@pytest.mark.parametrize(
    "other",
    [
        # Another name with the same fields: a different application (a duplicate, say).
        APLIKASI.replace("id: APP-01", "id: APP-02").replace("Portal Wisata", "Sistem Kepegawaian"),
        # The same name under another owner, and most other fields changed too.
        APLIKASI.replace("id: APP-01", "id: APP-02")
        .replace("DISKOMINFO", "BAPPEDA")
        .replace("kategori: umum", "kategori: khusus")
        .replace("RAA.01.01", "RAA.02.03"),
        # A similar name but most fields different.
        "entitas: aplikasi\nid: APP-02\nnama: Portal Wisata Baru\nraa: RAA.02.03\n"
        "kategori: khusus\npemilik: DISKOMINFO\nstatus: rencana\n",
    ],
)
def test_near_misses_are_removed_and_added(other: str) -> None:
    result = diff({"a.yaml": APLIKASI}, {"a.yaml": other})
    assert sorted(c.change.value for c in result.changes) == ["added", "removed"]


def test_the_same_application_handed_to_another_owner_is_a_rename() -> None:
    """Same name, same fields, another owner and id (an OPD handover): one application renamed,
    the owner listed as its edit. Before: removed and added (the owner gated any rename)."""
    other = APLIKASI.replace("id: APP-01", "id: APP-02").replace("DISKOMINFO", "BAPPEDA")
    result = diff({"a.yaml": APLIKASI}, {"a.yaml": other})
    assert [(c.change.value, c.old_id, c.id) for c in result.changes] == [
        ("renamed", "APP-01", "APP-02")
    ]
    assert [(f.path, f.old, f.new) for f in result.changes[0].fields] == [
        ("pemilik", "DISKOMINFO", "BAPPEDA")
    ]


def test_renames_are_one_to_one_best_first() -> None:
    close = APLIKASI.replace("Portal Wisata", "Portal Wisata Mimika")
    far = APLIKASI.replace("id: APP-01", "id: APP-09").replace("Portal Wisata", "Portal Wisatawan")
    new = APLIKASI.replace("id: APP-01", "id: APP-05").replace(
        "Portal Wisata", "Portal Wisata Mimika"
    )
    result = diff({"a.yaml": close, "b.yaml": far}, {"a.yaml": new})
    summary = [(c.change.value, c.old_id, c.id) for c in result.changes]
    assert summary == [("renamed", "APP-01", "APP-05"), ("removed", "APP-09", "APP-09")]


def test_budget_cut_marks_illustrative_figures_with_a_legend() -> None:
    """An illustrative budget line is never shown as a plain figure (it was before)."""
    old = PROGRAM.replace(
        "{tahun: 2026, nilai: 300000000, sumber: APBD}",
        "{tahun: 2026, nilai: 300000000, sumber: APBD, ilustratif: true}",
    )
    new = old.replace("nilai: 300000000", "nilai: 150000000")
    changeset = diff({"p.yaml": old}, {"p.yaml": new})
    (item,) = changeset.attention
    assert item.illustrative
    assert item.message == "budget of SC-03 cut: 2026: Rp 300.000.000* → Rp 150.000.000* (-50%)"
    text = format_text(changeset)
    assert text[-1] == "* includes illustrative budget (an example, not an official ceiling)"
    # The changed budget line in the details is marked too.
    assert "      anggaran[2026].nilai: Rp 300.000.000* → Rp 150.000.000*" in text
    markdown = format_markdown(changeset)
    assert "Rp 300.000.000\\* → Rp 150.000.000\\*" in markdown
    assert "\\* includes illustrative budget" in markdown
    assert "`anggaran[2026].nilai`: Rp 300.000.000\\* → Rp 150.000.000\\*" in markdown
    assert json.loads(format_json(changeset))["attention"][0]["illustrative"] is True
    # An official figure stays plain and brings no legend.
    plain_cut = diff({"p.yaml": PROGRAM}, {"p.yaml": PROGRAM.replace("300000000", "1")})
    assert not plain_cut.attention[0].illustrative
    assert not any("illustrative" in line for line in format_text(plain_cut))


def test_details_mark_the_budget_of_an_illustrative_item_without_attention() -> None:
    old = PROGRAM + "ilustratif: true\n"
    new = old.replace("nilai: 300000000", "nilai: 350000000")  # a rise: no attention rule
    changeset = diff({"p.yaml": old}, {"p.yaml": new})
    assert not changeset.attention
    text = format_text(changeset)
    assert "      anggaran[2026].nilai: Rp 300.000.000* → Rp 350.000.000*" in text
    assert text[-1].startswith("* includes illustrative budget")
    official = diff({"p.yaml": PROGRAM}, {"p.yaml": PROGRAM.replace("300000000", "350000000")})
    assert "      anggaran[2026].nilai: Rp 300.000.000 → Rp 350.000.000" in format_text(official)
    assert not any("illustrative" in line for line in format_text(official))


# -- long text -----------------------------------------------------------------------------------


def test_a_word_diff_of_repetitive_text_is_bounded() -> None:
    """difflib took cubic time on "a b a b …" (2,000 against 3,000 words: a minute; red team).

    The common start and end are set aside in linear time; a middle past the budget is one
    replacement, shown clipped, never handed to the matcher.
    """
    from spbe_cli.diff.formats import WORD_DIFF_BUDGET, word_diff, word_opcodes

    old, new = ["a", "b"] * 100_000, ["b", "a", "c"] * 60_000
    assert len(old) * len(new) > WORD_DIFF_BUDGET
    assert word_opcodes(old, new) == [("replace", 0, len(old), 0, len(new))]
    shown = word_diff(" ".join(old), " ".join(new), markdown=True, limit=2000)
    assert shown is not None and shown.startswith("~~a b a b") and len(shown) < 4100
    same = ["kata"] * 3000
    edited = [*same, "awal", "tengah", "akhir", *same]
    changed = [*same, "awal", "TENGAH", "akhir", *same]
    assert word_opcodes(edited, changed) == [
        ("equal", 0, 3001, 0, 3001),
        ("replace", 3001, 3002, 3001, 3002),
        ("equal", 3002, 6003, 3002, 6003),
    ]


def _edited(words: list[str], seed: int, edits: int) -> list[str]:
    """``words`` with ``edits`` random replacements, insertions and deletions."""
    import random

    rng = random.Random(seed)
    out = list(words)
    for n in range(edits):
        at = rng.randrange(len(out) + 1)
        choice = rng.random()
        if choice < 0.4 and out:
            out[min(at, len(out) - 1)] = f"GANTI{n}"
        elif choice < 0.7:
            out.insert(at, f"SISIP{n}")
        elif out:
            del out[min(at, len(out) - 1)]
    return out


@pytest.mark.parametrize("seed", range(40))
def test_word_opcodes_always_rebuild_the_new_text(seed: int) -> None:
    """Short or long, varied or repetitive: the opcodes are a true edit script of a into b."""
    import random

    from spbe_cli.diff.formats import word_opcodes

    rng = random.Random(seed)
    vocabulary = [f"kata{n}" for n in range(rng.choice([3, 12, 5000]))]
    a = [rng.choice(vocabulary) for _ in range(rng.choice([0, 5, 300, 4000]))]
    b = _edited(a, seed, rng.randrange(60))
    i = j = 0
    rebuilt: list[str] = []
    for tag, i1, i2, j1, j2 in word_opcodes(a, b):
        assert (i1, j1) == (i, j) and tag in ("equal", "replace", "insert", "delete")
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        rebuilt += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b)) and rebuilt == b


def test_edits_far_apart_in_a_long_text_are_each_shown_as_their_words() -> None:
    """A page of prose edited at its start, middle and end (past difflib's budget): three
    small changes, not the whole middle removed and added."""
    from spbe_cli.diff.formats import WORD_DIFF_BUDGET, word_diff, word_opcodes

    old = [f"kata{n % 997}-{n // 997}" for n in range(6000)]  # every word once
    new = list(old)
    new[10], new[3000], new[5990] = "SATU", "DUA", "TIGA"
    new.insert(4500, "SISIPAN")
    assert WORD_DIFF_BUDGET < (5990 - 10) ** 2
    changed = [op for op in word_opcodes(old, new) if op[0] != "equal"]
    assert changed == [
        ("replace", 10, 11, 10, 11),
        ("replace", 3000, 3001, 3000, 3001),
        ("insert", 4500, 4500, 4500, 4501),
        ("replace", 5990, 5991, 5991, 5992),
    ]
    shown = word_diff(" ".join(old), " ".join(new), markdown=True)
    assert shown is not None
    for word in ("~~kata10-0~~ **SATU**", "**DUA**", "**SISIPAN**", "**TIGA**"):
        assert word in shown
    assert len(shown) < 800  # four edits with their context, not the page


def test_long_text_is_a_word_diff_in_text_and_markdown() -> None:
    words = (
        "Layanan pengaduan masyarakat terintegrasi yang menghubungkan seluruh OPD dengan kanal "
        "nasional sehingga setiap aduan tercatat dan ditindaklanjuti tepat waktu oleh unit kerja"
    )
    old = APLIKASI + f"fungsi: {words}\n"
    new = APLIKASI + f"fungsi: {words.replace('tepat waktu', 'dalam lima hari kerja')}\n"
    changeset = diff({"a.yaml": old}, {"a.yaml": new})
    assert (
        "      fungsi: … aduan tercatat dan ditindaklanjuti [-tepat waktu-]{+dalam lima hari "
        "kerja+} oleh unit kerja" in format_text(changeset)
    )
    assert (
        "  - `fungsi`: … aduan tercatat dan ditindaklanjuti ~~tepat waktu~~ **dalam lima hari "
        "kerja** oleh unit kerja" in format_markdown(changeset)
    )
    short = diff({"a.yaml": APLIKASI}, {"a.yaml": APLIKASI.replace("Wisata", "Wisata Baru")})
    assert "      nama: Portal Wisata → Portal Wisata Baru" in format_text(short)
