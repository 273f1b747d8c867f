"""One figure, one home: a plan cancelled by its latest progress entry is cancelled everywhere.

``spbe list`` and ``spbe progress`` read a program's or Peta Rencana item's status from its latest
progress entry (:func:`spbe_cli.status.current_status`). These tests cancel items that way in a
copy of the bundled catalog and compare what validate, indeks, diff and the ArchiMate export say
with what ``spbe list`` says.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from tests.test_standar_documents import _text as _readable

runner = CliRunner()
BUNDLED = Path(__file__).parent.parent / "catalog"
#: The two items of muatan audit_tik, and one program: cancelled by a new progress entry.
AUDIT = ("PR-AU-AUDIT-TIK", "PR-AU-REVIU-INSPEKTORAT")
PROGRAM = "PRG-KOMUNITAS-TIK"
ENTRY = "progres:\n  - {tahun: 2026, tanggal: 2026-03-01, status: dibatalkan, catatan: batal}"


def _append(path: Path, ident: str, text: str) -> None:
    """Append ``text`` at the end of the YAML document of ``ident`` (its file status unchanged)."""
    source = path.read_text(encoding="utf-8")
    head, sep, tail = source.partition(f"id: {ident}\n")
    assert sep, ident
    end = tail.find("\n---")
    end = len(tail) if end < 0 else end
    path.write_text(head + sep + tail[:end].rstrip("\n") + "\n" + text + tail[end:], "utf-8")


@pytest.fixture(scope="module")
def cancelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalog with audit_tik's items and one program cancelled by an entry."""
    catalog = shutil.copytree(BUNDLED, tmp_path_factory.mktemp("cancelled") / "catalog")
    for ident in AUDIT:
        _append(catalog / "peta-rencana" / "peta-rencana.yaml", ident, ENTRY)
    _append(catalog / "program" / "society.yaml", PROGRAM, ENTRY)
    return catalog


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _listed(catalog: Path, kind: str) -> dict[str, str]:
    return {e["id"]: e["status"] for e in _json("list", kind, "-c", str(catalog))["entitas"]}


def test_list_reads_the_entries_the_other_commands_are_compared_with(cancelled: Path) -> None:
    items = _listed(cancelled, "peta_rencana")
    assert [i for i, s in items.items() if s == "dibatalkan"] == list(AUDIT)
    assert _listed(cancelled, "program")[PROGRAM] == "dibatalkan"


def test_validate_finds_the_muatan_whose_items_are_all_cancelled(cancelled: Path) -> None:
    """SPBE501: audit_tik has two items, both cancelled by their latest entry (was: no finding)."""
    before = _json("validate", str(BUNDLED))["findings"]
    assert not [f for f in before if f["code"] == "SPBE501"]
    after = [f for f in _json("validate", str(cancelled))["findings"] if f["code"] == "SPBE501"]
    assert len(after) == 1
    assert "audit_tik" in after[0]["message"]
    assert (after[0]["path"].rsplit("/", 1)[-1], after[0]["line"]) == ("metadata.yaml", 51)


def test_indeks_counts_the_muatan_and_items_list_counts(cancelled: Path) -> None:
    """Indicator 12 (muatan) and 13 (keterpaduan) leave out the same items list calls cancelled.

    Indicator 12 said "7 of 7 muatan" while indicator 13 counted 20 of 22 items, leaving out
    the two audit_tik items as cancelled.
    """
    data = _json("--lang", "en", "indeks", str(cancelled), "-k", "spbe-59-2020")
    by_no = {i["nomor"]: i["plafon"] for i in data["indikator"]}
    muatan = next(b for b in by_no[12]["bukti"] if "muatan" in b)
    assert muatan.startswith("6 ") and "audit_tik" not in muatan
    assert any("audit_tik" in k for k in by_no[12]["kurang"])
    live = [i for i, s in _listed(cancelled, "peta_rencana").items() if s != "dibatalkan"]
    keterpaduan = " ".join(by_no[13]["bukti"] + by_no[13]["kurang"])
    match = re.search(r"(\d+) of (\d+) Peta Rencana items", keterpaduan)
    assert match is not None, keterpaduan
    assert int(match.group(2)) == len(live)


def test_diff_flags_a_plan_cancelled_by_a_new_entry(cancelled: Path) -> None:
    """SPBE702 compares the status list shows: a new `dibatalkan` entry is flagged (was silent)."""
    data = _json("--lang", "en", "diff", str(BUNDLED), str(cancelled))
    flagged = {a["id"]: a for a in data["attention"] if a["code"] == "SPBE702"}
    assert sorted(flagged) == sorted([*AUDIT, PROGRAM])
    assert flagged[PROGRAM]["message"].endswith("usulan → dibatalkan")
    where = flagged[PROGRAM]["location"]
    text = (cancelled / "program" / "society.yaml").read_text(encoding="utf-8").splitlines()
    assert text[where["line"] - 1][where["column"] - 1 :].startswith("dibatalkan,")  # the entry


def test_archimate_status_is_the_status_list_shows(cancelled: Path, tmp_path: Path) -> None:
    """The `status` property of each WorkPackage is the latest entry's (was the file's)."""
    out = tmp_path / "model.xml"
    result = runner.invoke(app, ["export", "archimate", str(cancelled), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    xml = out.read_text(encoding="utf-8")
    exported: dict[str, str] = {}
    for element in re.findall(r'<element [^>]*xsi:type="WorkPackage".*?</element>', xml, re.S):
        prop = r'propertyDefinitionRef="id--prop--([^"]+)">\s*<value[^>]*>([^<]*)<'
        props = dict(re.findall(prop, element))
        exported[props["id-katalog"]] = props["status"]
    listed = {**_listed(cancelled, "program"), **_listed(cancelled, "peta_rencana")}
    assert exported == listed
    assert exported[PROGRAM] == "dibatalkan"


def _rupiah(cell: str) -> int:
    """The whole rupiah in a document cell (``Rp 450.000.000 †``)."""
    return int(re.sub(r"\D", "", cell) or 0)


def test_a_budget_line_outside_the_program_years_is_in_no_sum(tmp_path: Path) -> None:
    """The master plan's budget per year, its roadmap, spbe progress and the CSV agree on 2024.

    PRG-FORUM-KERUKUNAN runs 2025-2027; a 2024 line (SPBE607, most often a mistyped year) was
    added to the budget table's 2024 (Rp 500.000.000) but not to the roadmap of 2024 nor to
    spbe progress --tahun 2024 (both Rp 450.000.000).
    """
    catalog = shutil.copytree(BUNDLED, tmp_path / "catalog")
    society = catalog / "program" / "society.yaml"
    text = society.read_text(encoding="utf-8")
    head, sep, tail = text.partition("id: PRG-FORUM-KERUKUNAN\n")
    line = "  - {tahun: 2027, nilai: 120000000, sumber: APBD, ilustratif: true}\n"
    assert line in tail
    # Not marked itself: the program is illustrative, so the line is (plan.is_illustrative).
    outside = line + "  - {tahun: 2024, nilai: 50000000, sumber: APBD}\n"
    society.write_text(head + sep + tail.replace(line, outside, 1), encoding="utf-8")
    codes = [f["code"] for f in _json("validate", str(catalog))["findings"]]
    assert "SPBE607" in codes
    out = tmp_path / "build"
    args = ["render", str(catalog), "-o", str(out), "--doc", "masterplan", "--format", "md"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = (out / "masterplan.md").read_text(encoding="utf-8")
    per_year = re.search(r"^\| 2024 \| ([^|]+) \|$", document, re.M)
    assert per_year is not None
    roadmap = document.split("Program tahun 2024*", 1)[1]
    roadmap_total = re.search(r"^\| \*\*Jumlah\*\* \|.*\*\*(Rp [^*]+)\*\* \|$", roadmap, re.M)
    assert roadmap_total is not None
    progress = _json("progress", str(catalog), "--tahun", "2024", "--tanggal", "2024-12-31")
    assert progress["total"]["pagu"] == 450_000_000
    assert _rupiah(per_year.group(1)) == _rupiah(roadmap_total.group(1)) == 450_000_000
    tabel = tmp_path / "tabel"
    assert runner.invoke(app, ["export", "tabel", str(catalog), "-o", str(tabel)]).exit_code == 0
    with (tabel / "anggaran.csv").open(encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r["entitas"] == "program"]
    counted = sum(int(r["nilai"]) for r in rows if r["tahun"] == "2024" and r["dihitung"] == "true")
    assert counted == 450_000_000
    (line_2024,) = [r for r in rows if r["id"] == "PRG-FORUM-KERUKUNAN" and r["tahun"] == "2024"]
    assert (line_2024["dihitung"], line_2024["ilustratif"]) == ("false", "true")


def test_a_program_cancelled_in_its_file_is_cancelled_whatever_its_entries_say(
    tmp_path: Path,
) -> None:
    """`status: dibatalkan` in the file, latest entry `berjalan`: every command says dibatalkan.

    spbe progress left the program out as cancelled while spbe list (and the master plan) showed
    the entry's `berjalan`; spbe diff still flags the change at the file's `status`.
    """
    catalog = shutil.copytree(BUNDLED, tmp_path / "catalog")
    governance = catalog / "program" / "governance.yaml"
    text = governance.read_text(encoding="utf-8")
    head, sep, tail = text.partition("id: PRG-ARSITEKTUR-SPBE\n")
    assert "\nstatus: berjalan\n" in tail.split("\n---", 1)[0]
    governance.write_text(
        head + sep + tail.replace("\nstatus: berjalan\n", "\nstatus: dibatalkan\n", 1), "utf-8"
    )
    assert _listed(catalog, "program")["PRG-ARSITEKTUR-SPBE"] == "dibatalkan"
    progress = _json("progress", str(catalog), "--tahun", "2026", "--tanggal", "2026-12-31")
    assert "PRG-ARSITEKTUR-SPBE" not in [p["id"] for p in progress["program"]]
    data = _json("--lang", "en", "diff", str(BUNDLED), str(catalog))
    (flag,) = [a for a in data["attention"] if a["code"] == "SPBE702"]
    assert flag["message"].endswith("berjalan → dibatalkan")
    lines = governance.read_text(encoding="utf-8").splitlines()
    assert lines[flag["location"]["line"] - 1] == "status: dibatalkan"


def test_peta_rencana_document_shows_the_status_list_shows(cancelled: Path, tmp_path: Path) -> None:
    """The Peta Rencana's item table shows the status of the latest entry (it showed "Usulan")."""
    out = tmp_path / "build"
    argv = ["render", "-c", str(cancelled), "-o", str(out), "--doc", "peta-rencana", "-f", "md"]
    result = runner.invoke(app, [*argv, "--force"])
    assert result.exit_code == 0, result.output
    text = (out / "peta-rencana.md").read_text("utf-8")
    listed = _listed(cancelled, "peta_rencana")
    names = {
        e["id"]: e["nama"] for e in _json("list", "peta_rencana", "-c", str(cancelled))["entitas"]
    }
    for ident in AUDIT:
        assert listed[ident] == "dibatalkan"
        (row,) = [line for line in text.splitlines() if line.startswith(f"| {names[ident]}")]
        assert "| Dibatalkan |" in row


def test_a_discontinued_application_uses_no_aplikasi_umum_in_the_arsitektur(
    tmp_path: Path,
) -> None:
    """Section 11.1 lists the applications in use, as the Indeks plafon counts them (it listed a
    discontinued SPSE as "dipakai melalui SPSE")."""
    catalog = shutil.copytree(BUNDLED, tmp_path / "catalog")
    national = catalog / "arsitektur" / "aplikasi" / "aplikasi-nasional.yaml"
    source = national.read_text("utf-8")
    head, sep, tail = source.partition("id: APL-SPSE\n")
    national.write_text(head + sep + tail.replace("status: operasional", "status: dihentikan", 1))
    out = tmp_path / "build"
    argv = ["render", "-c", str(catalog), "-o", str(out), "--doc", "arsitektur", "-f", "md"]
    result = runner.invoke(app, [*argv, "--force"])
    assert result.exit_code == 0, result.output
    rows = (out / "arsitektur.md").read_text("utf-8").splitlines()
    (spse,) = [row for row in rows if row.startswith("| SPSE | Pengadaan |")]
    assert spse == "| SPSE | Pengadaan | Belum dipakai |"


# -- the master plan and the Peta Rencana count what they sum -------------------------------------


def _table(md: str, caption: str) -> list[list[str]]:
    """The body rows of the table under ``*Tabel n. caption*`` (bold marks dropped)."""
    block = md.split(f". {caption}*\n\n", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("|").split(" | ") for line in block.splitlines()[2:]]
    return [[cell.strip().strip("*") for cell in row] for row in rows]


@pytest.fixture(scope="module")
def documents(cancelled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The master plan and the Peta Rencana of the cancelled catalog, in md, html and docx."""
    out = tmp_path_factory.mktemp("documents")
    for doc in ("masterplan", "peta-rencana"):
        argv = ["render", "-c", str(cancelled), "-o", str(out), "--doc", doc, "--force"]
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, result.output
    return out


def test_the_master_plan_counts_the_programs_it_sums(cancelled: Path, documents: Path) -> None:
    """Program counts leave out the cancelled program, as the budget beside them does.

    The per-dimension summary said 6 Smart Society programs beside a budget without the
    cancelled one, and the pentahelix map and the monitoring coverage counted it too.
    """
    listed = _json("list", "program", "-c", str(cancelled))["entitas"]
    names = {e["id"]: e["nama"] for e in listed}
    live = [e for e in listed if e["status"] != "dibatalkan"]
    md = (documents / "masterplan.md").read_text("utf-8")
    summary = _table(md, "Ringkasan program per dimensi")
    *per_dim, (jumlah, total, _) = summary
    assert jumlah == "Jumlah" and int(total) == len(live) == len(listed) - 1
    society = next(row for row in per_dim if row[0] == "Smart Society")
    assert int(society[1]) == sum(1 for e in live if e["kategori"] == "society")
    assert sum(int(row[1]) for row in per_dim) == len(live)
    # The monitoring coverage has a row per dimension with programs, with the same counts.
    coverage = {row[0]: int(row[1]) for row in _table(md, "Cakupan pemantauan per dimensi")}
    assert coverage == {row[0]: int(row[1]) for row in per_dim if int(row[1])}
    # The scope and the pentahelix sentence say the same number; the partner map leaves the
    # cancelled program out.
    assert f"Dokumen ini memuat {len(live)} program pada " in md
    assert re.search(rf"^\d+ dari {len(live)} program telah menyebut mitranya\.", md, re.M)
    partners = _table(md, "Peta mitra pentahelix dan program yang melibatkannya")
    assert not [row for row in partners if names[PROGRAM] in row[2]]
    per_unsur = _table(md, "Jumlah mitra per unsur pentahelix")
    assert sum(int(row[1]) for row in per_unsur) == len(partners)
    # Quick wins and the regulation chapter list no cancelled program either.
    for caption in ("Program quick win", "Regulasi dan program yang bertumpu padanya"):
        assert not [row for row in _table(md, caption) if names[PROGRAM] in " ".join(row)]
    # Chapter V still describes it, with its status.
    assert f"##### {names[PROGRAM]}" in md
    assert f"Sebanyak 1 program lain dibatalkan ({names[PROGRAM]})" in md


def test_the_roadmap_of_a_year_lists_the_programs_spbe_progress_lists(
    cancelled: Path, documents: Path
) -> None:
    md = (documents / "masterplan.md").read_text("utf-8")
    progress = _json("progress", str(cancelled), "--tahun", "2026", "--tanggal", "2026-12-31")
    rows = [row for row in _table(md, "Program tahun 2026") if row[0] != "Jumlah"]
    assert len(rows) == progress["total"]["program"] == len(progress["program"])
    assert _rupiah(_table(md, "Program tahun 2026")[-1][-1]) == progress["total"]["pagu"]


def test_the_peta_rencana_counts_the_butir_it_sums(cancelled: Path, documents: Path) -> None:
    """The Butir column left out the two cancelled audit_tik items as the Anggaran column did."""
    live = [i for i, s in _listed(cancelled, "peta_rencana").items() if s != "dibatalkan"]
    md = (documents / "peta-rencana.md").read_text("utf-8")
    *per_muatan, (jumlah, total, _) = _table(md, "Butir dan anggaran per muatan")
    assert jumlah == "Jumlah" and int(total) == len(live)
    assert sum(int(row[1]) for row in per_muatan) == len(live)
    assert "Sebanyak 2 butir lain dibatalkan (" in md


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_the_counts_read_the_same_in_every_format(documents: Path, fmt: str) -> None:
    """The rows and sentences checked in Markdown above read the same in HTML and DOCX."""
    for doc, captions, sentences in (
        (
            "masterplan",
            ("Ringkasan program per dimensi", "Cakupan pemantauan per dimensi"),
            2,
        ),
        ("peta-rencana", ("Butir dan anggaran per muatan",), 0),
    ):
        md = (documents / f"{doc}.md").read_text("utf-8")
        text = _readable(documents / f"{doc}.{fmt}")
        for caption in captions:
            rows = _table(md, caption)
            assert rows, (doc, caption)
            for row in rows:
                assert " ".join(" ".join(row).split()) in text, (doc, caption, row)
        found = re.findall(
            r"^(?:Dokumen ini memuat \d+ program|\d+ dari \d+ program telah menyebut mitranya)",
            md,
            re.M,
        )
        assert len(found) == sentences, (doc, found)  # a reworded sentence is not skipped
        for sentence in found:
            assert sentence in text


def test_the_appendix_per_opd_lists_the_programs_that_count(
    cancelled: Path, documents: Path
) -> None:
    md = (documents / "masterplan.md").read_text("utf-8")
    appendix = md.split("## LAMPIRAN: PROGRAM DAN ELEMEN SPBE PER PERANGKAT DAERAH", 1)[1]
    # The appendix names its programs (first column of each "Program | Peran" table), no ids.
    rows = {
        row.split(" | ", 1)[0].strip("| ")
        for table in appendix.split("| Program | Peran |")[1:]
        for row in table.split("\n\n", 1)[0].splitlines()[2:]
    }
    listed = _json("list", "program", "-c", str(cancelled))["entitas"]
    name = {e["id"]: e["nama"] for e in listed}
    live = {e["nama"] for e in listed if e["status"] != "dibatalkan"}
    assert name[PROGRAM] not in rows and rows == live
