"""``spbe indeks`` as an evaluator uses it: values of unverified framework data carry a mark,
explained once with the regulation and its sources, in every output; the index agrees across
the outputs at the predikat boundaries; and the evaluation findings are pinned to their line."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli import indeks_format
from spbe_cli.cli.app import app
from spbe_cli.i18n import use_language
from spbe_cli.indeks import evaluate, load_frameworks
from spbe_cli.loader import load_catalog
from tests.helpers import MINIMAL, write_tree
from tests.test_progress_laporan import render_laporan

runner = CliRunner()
SPBE, PEMDI = "spbe_59_2020", "pemdi_8_2026"
SOURCES = {
    PEMDI: ["github.com/RokiFauziErenJaegar/edukasi-pemdi-permenpanrb-8-2026"],
    SPBE: ["github.com/fadilai/spbe", "id.scribd.com/document/501484908"],
}


def _evaluation(kerangka: str, tahun: int, nilai: dict[int, int], eid: str = "EM") -> str:
    lines = [
        "entitas: evaluasi_mandiri",
        f"id: {eid}",
        f"kerangka: {kerangka}",
        f"tahun: {tahun}",
        "penilaian:",
    ]
    lines += [f"  - {{indikator: {n}, nilai: {v}}}" for n, v in sorted(nilai.items())]
    return "\n".join(lines) + "\n"


def _all(kerangka: str, value: int, **other: int) -> dict[int, int]:
    """Every indicator at ``value``; ``other`` maps ``i<n>`` to another nilai."""
    nilai = {i.nomor: value for i in load_frameworks()[kerangka].indikator}
    nilai.update({int(k[1:]): v for k, v in other.items()})
    return nilai


def _catalog(tmp_path: Path, files: dict[str, str]) -> Path:
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(root, files)
    return root


def _run(root: Path, kerangka: str, *args: str, lang: str = "id") -> Any:
    cli = kerangka.replace("_", "-")
    return runner.invoke(app, ["--lang", lang, "indeks", str(root), "-k", cli, *args])


# -- the mark of unverified data ----------------------------------------------------------------


@pytest.mark.parametrize("kerangka", [PEMDI, SPBE])
@pytest.mark.parametrize(
    ("lang", "legend"),
    [
        ("id", "* = belum diverifikasi dengan naskah resmi {dasar}:"),
        ("en", "* = not verified against the official text of {dasar}:"),
    ],
)
def test_text_marks_every_unverified_value_and_explains_it_once(
    tmp_path: Path, kerangka: str, lang: str, legend: str
) -> None:
    root = _catalog(tmp_path, {"em.yaml": _evaluation(kerangka, 2025, _all(kerangka, 3))})
    result = _run(root, kerangka, "--tahun", "2025", lang=lang)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    k = load_frameworks()[kerangka]
    explained = [line for line in lines if line.startswith("* = ")]
    assert explained == [line for line in lines if "* =" in line]  # once
    assert explained[0].startswith(legend.format(dasar=k.dasar_hukum))
    assert all(source in explained[0] for source in SOURCES[kerangka])
    assert not re.search(r"\.(ya?ml|js|php)\b", explained[0])  # no file names
    value = "3,00*" if lang == "id" else "3.00*"
    predikat = "Baik (Berkembang)" if kerangka == PEMDI else "Baik"
    assert any(line.endswith(f"{value}, predikat {predikat}*.") for line in lines), lines[:6]
    # Every group label, weight and sub-index, every indicator name and weight.
    for group in k.kelompok:
        label = ("Aspek" if lang == "id" else "Aspect") if group.tingkat == "aspek" else "Domain"
        heading = f"{label} {group.nomor} {group.nama}*: "
        assert any(line.strip().startswith(heading) for line in lines), heading
        assert any(line.strip().startswith(heading) and line.endswith(value) for line in lines)
    for i in k.indikator:
        row = re.compile(rf"^\s+{i.nomor}\s+{re.escape(i.nama)}\*\s+[\d.,]+\*\s+3\s")
        assert any(row.match(line) for line in lines), i.nama
        assert any(line.startswith(f"{i.nomor}. {i.nama}*: plafon") for line in lines) or not any(
            line.startswith(f"{i.nomor}. ") for line in lines
        )


def test_markdown_marks_and_explains_once(tmp_path: Path) -> None:
    root = _catalog(tmp_path, {"em.yaml": _evaluation(PEMDI, 2026, _all(PEMDI, 2))})
    md = _run(root, PEMDI, "-f", "markdown").stdout
    assert "Indeks: 2,00\\*, predikat Cukup (Membangun)\\*.  " in md
    assert md.count("\\* = belum diverifikasi dengan naskah resmi PermenPANRB 8/2026") == 1
    assert "## Aspek 7 Kepuasan Pengguna\\*" in md
    assert "bobot 25\\*, indeks 2,00\\*" in md
    assert "| 20 | Pengelolaan Kepuasan Pengguna\\* | 15\\* | 2 | - | dinyatakan |" in md


def test_json_says_what_is_verified(tmp_path: Path) -> None:
    root = _catalog(tmp_path, {"em.yaml": _evaluation(SPBE, 2025, _all(SPBE, 4))})
    data = json.loads(_run(root, SPBE, "-f", "json").stdout)
    kerangka = data["kerangka"]
    assert kerangka["verifikasi"] == "sebagian"  # partly is not verified
    assert kerangka["terverifikasi"] is False and kerangka["predikat_terverifikasi"] is False
    assert all(s in kerangka["sumber"] for s in SOURCES[SPBE][:1])
    assert data["predikat"] == {"nama": "Sangat Baik", "tahap": None, "terverifikasi": False}
    assert {g["terverifikasi"] for g in data["kelompok"]} == {False}
    assert {i["terverifikasi"] for i in data["indikator"]} == {False}
    assert data["indeks"] == 4.0  # a number: no mark in JSON, the fields say it


def test_html_marks_headings_cells_and_chart(tmp_path: Path) -> None:
    root = _catalog(tmp_path, {"em.yaml": _evaluation(PEMDI, 2026, _all(PEMDI, 2))})
    page = _run(root, PEMDI, "-f", "html").stdout
    assert page.count("* = belum diverifikasi dengan naskah resmi PermenPANRB 8/2026") == 1
    assert "<h2>Aspek 3 Data*: bobot 15*, indeks 2,00*</h2>" in page
    assert ">Tata Kelola Data*<" in page and ">5*<" in page
    assert ">2,00*</text>" in page  # the value beside each bar
    assert ">Aspek 6 Keterpaduan Layanan Digital*</text>" in page  # each label
    # PermenPANRB 8/2026 has aspects only: the chart does not promise domains.
    assert "Indeks per aspek (skala 1-5)" in page and "domain dan aspek" not in page


def test_a_long_label_in_the_chart_keeps_its_mark(tmp_path: Path) -> None:
    root = _catalog(tmp_path, {"em.yaml": _evaluation(SPBE, 2025, _all(SPBE, 3))})
    page = _run(root, SPBE, "-f", "html").stdout
    # "Aspek 7 Layanan Administrasi Pemerintahan Berbasis Elektronik" is shortened, not its mark.
    assert ">Aspek 7 Layanan Administrasi Pemerint…*</text>" in page
    assert "Indeks per domain dan aspek (skala 1-5)" in page


def test_verified_data_has_no_mark_and_no_legend(tmp_path: Path) -> None:
    """Once the data file says `verifikasi: ya`, nothing is marked: the mark follows the data."""
    root = _catalog(tmp_path, {"em.yaml": _evaluation(PEMDI, 2026, _all(PEMDI, 2))})
    catalog, _ = load_catalog(root, "catalog")
    kerangka = replace(load_frameworks()[PEMDI], verifikasi="ya", verifikasi_predikat="ya")
    with use_language("id"):
        report = evaluate(catalog, kerangka, 2026)
        text = "\n".join(indeks_format.format_text(report))
        data = indeks_format.report_dict(report)
    assert not re.search(r"[\w)]\*", text) and "belum diverifikasi" not in text
    assert "Indeks: 2,00, predikat Cukup (Membangun)." in text
    assert data["kerangka"]["terverifikasi"] and data["predikat"]["terverifikasi"]
    # Weights verified, ranges not: only the predikat is marked.
    half = replace(kerangka, verifikasi_predikat="belum")
    with use_language("id"):
        lines = indeks_format.format_text(evaluate(catalog, half, 2026))
    assert "Indeks: 2,00, predikat Cukup (Membangun)*." in lines
    assert sum(1 for line in lines if line.startswith("* = ")) == 1


def test_level_names_of_unverified_data_are_not_shown(tmp_path: Path) -> None:
    """The service levels' names are unverified: the plafon line says what level 4 needs."""
    from spbe_cli.i18n import t

    with use_language("id"):
        line = t("plafon.no_integration_for", id="LAY-X")
    assert "Kolaborasi" not in line and "tingkat 4 butuh integrasi" in line


# -- the index at the predikat boundaries, the same in every output -------------------------------

# Indicators at nilai 2, the others at 3: index = 3 - Σ(their weights)/100.
BOUNDARY_CASES = [
    # 59/2020: 32-41 (27.5) + 11-14 (10) + 15 (2.5) = 40 -> 2.60, on the "Baik" boundary.
    (SPBE, [*range(32, 42), 11, 12, 13, 14, 15], "2,60", "2.60", 2.6, "Baik"),
    # + 21, 22 (1.5 each) instead of 15: 40.5 -> 2.595, shown 2,60: Baik as shown.
    (SPBE, [*range(32, 42), 11, 12, 13, 14, 21, 22], "2,60", "2.60", 2.6, "Baik"),
    # 8/2026: aspects 7 (25), 3 (15), 1 (10) = 50 -> 2.50, on the "Baik" boundary.
    (PEMDI, [19, 20, 5, 6, 7, 8, 1, 2], "2,50", "2.50", 2.5, "Baik (Berkembang)"),
    # Aspect 7 only (25) -> 2.75; then everything at 2 but aspect 7 (75) -> 2.25.
    (PEMDI, [*range(1, 19)], "2,25", "2.25", 2.25, "Cukup (Membangun)"),
]


@pytest.mark.parametrize(
    ("kerangka", "twos", "id_text", "en_text", "number", "predikat"),
    BOUNDARY_CASES,
    ids=["59-2.60", "59-2.595", "pemdi-2.50", "pemdi-2.25"],
)
def test_index_is_the_same_in_every_output(
    tmp_path: Path,
    kerangka: str,
    twos: list[int],
    id_text: str,
    en_text: str,
    number: float,
    predikat: str,
) -> None:
    nilai = _all(kerangka, 3, **{f"i{n}": 2 for n in twos})
    root = _catalog(tmp_path, {"evaluasi/em.yaml": _evaluation(kerangka, 2025, nilai)})
    expected = f"Indeks: {id_text}*, predikat {predikat}*."
    assert expected in _run(root, kerangka, "--tahun", "2025").stdout.splitlines()
    assert (
        f"Index: {en_text}*, predikat {predikat}*."
        in _run(root, kerangka, "--tahun", "2025", lang="en").stdout.splitlines()
    )
    md = _run(root, kerangka, "--tahun", "2025", "-f", "markdown").stdout
    assert f"Indeks: {id_text}\\*, predikat {predikat}\\*.  " in md.splitlines()
    data = json.loads(_run(root, kerangka, "--tahun", "2025", "-f", "json").stdout)
    assert data["indeks"] == number
    name = predikat.split(" (")[0]
    assert data["predikat"]["nama"] == name
    # The laporan of that year shows the same figure and predikat, with the documents' mark.
    # (59/2020 is the framework in force in 2025; for 8/2026 it is the only one recorded.)
    out = tmp_path / "out"
    render_laporan(root, out, ["md"], tahun=2025)
    text = (out / "laporan.md").read_text("utf-8")
    section = text.split("## 6. EVALUASI", 1)[1]
    assert f"Indeks tahun 2025: **{id_text} †**, predikat **{predikat} †**." in section
    # The mark is said before the summary uses it, and the colophon says both its meanings.
    cover = text.split("## 1. RINGKASAN", 1)[0]
    dasar = "PermenPANRB 8/2026" if kerangka == PEMDI else "PermenPANRB 59/2020"
    assert (
        "> Pada evaluasi mandiri, tanda † menandai nama, bobot dan indeks yang belum dicocokkan "
        f"dengan naskah resmi {dasar}. Penjelasannya ada di Bagian 6."
    ) in cover
    colophon = text.split("## TENTANG DOKUMEN INI", 1)[1]
    assert "tanda † juga menandai nama, bobot dan indeks kerangka evaluasi" in colophon


# -- a year from 2026 with 59/2020 ----------------------------------------------------------------


def test_59_2020_for_2026_is_reported_revoked_carefully(tmp_path: Path) -> None:
    root = _catalog(tmp_path, {"em.yaml": _evaluation(SPBE, 2026, _all(SPBE, 3))})
    result = _run(root, SPBE)
    assert result.exit_code == 0  # a warning
    assert (
        "Menurut ringkasan pihak ketiga (belum diverifikasi), PermenPANRB 59/2020 dicabut oleh "
        "PermenPANRB 8/2026, yang berlaku mulai evaluasi tahun 2026; untuk tahun 2026 "
        "pertimbangkan --kerangka pemdi-8-2026." in result.stdout.splitlines()
    )
    finding = next(line for line in result.stdout.splitlines() if "[SPBE805]" in line)
    assert finding.startswith(f"{root / 'em.yaml'}:3:11: warning[SPBE805]: ")
    assert "menurut ringkasan pihak ketiga (belum diverifikasi), PermenPANRB 8/2026" in finding
    assert "padahal" not in finding
    english = _run(root, SPBE, lang="en").stdout
    assert "According to third-party summaries (unverified), PermenPANRB 59/2020 is revoked" in (
        english
    )
    assert "according to third-party summaries (unverified), PermenPANRB 8/2026 revokes it" in (
        english
    )
    assert _run(root, SPBE, "--strict").exit_code == 1


# -- missing indicators, duplicates, references, values out of range ------------------------------


def test_missing_indicators_are_listed(tmp_path: Path) -> None:
    nilai = _all(PEMDI, 3)
    for n in (2, 3, 4, 9, 20):
        del nilai[n]
    root = _catalog(tmp_path, {"em.yaml": _evaluation(PEMDI, 2026, nilai)})
    lines = _run(root, PEMDI).stdout.splitlines()
    assert "Indeks: belum dinilai (5 dari 20 indikator belum bernilai)." in lines[2]
    assert lines[3] == "Indikator yang belum bernilai: 2-4, 9, 20."
    english = _run(root, PEMDI, lang="en").stdout.splitlines()
    assert "Indicators without a nilai: 2-4, 9, 20." in english
    data = json.loads(_run(root, PEMDI, "-f", "json").stdout)
    assert (data["status"], data["indeks"], data["predikat"]) == ("belum_dinilai", None, None)
    assert [i["nomor"] for i in data["indikator"] if i["nilai"] is None] == [2, 3, 4, 9, 20]


def test_a_second_evaluation_of_the_year_is_reported_where_it_is(tmp_path: Path) -> None:
    """The one counted is the first by id (select_evaluasi), whatever the file order."""
    root = _catalog(
        tmp_path,
        {
            "a.yaml": _evaluation(PEMDI, 2026, {1: 2}, eid="EM-Z"),
            "b.yaml": _evaluation(PEMDI, 2026, {1: 3}, eid="EM-A"),
        },
    )
    result = _run(root, PEMDI)
    assert result.exit_code == 1
    assert "Evaluasi mandiri: EM-A." in result.stdout
    found = [line for line in result.stdout.splitlines() if "[SPBE803]" in line]
    assert found == [
        f"{root / 'a.yaml'}:4:8: error[SPBE803]: evaluasi mandiri kedua untuk kerangka "
        "pemdi_8_2026 tahun 2026; yang dihitung adalah EM-A, yang ini tidak; satukan dalam satu "
        "dokumen"
    ]
    validated = runner.invoke(app, ["--lang", "id", "validate", str(root), "-f", "json"])
    codes = [
        (f["code"], Path(f["path"]).name, f["line"], f["column"])
        for f in json.loads(validated.stdout)["findings"]
        if f["code"] == "SPBE803"
    ]
    assert codes == [("SPBE803", "a.yaml", 4, 8)]


def test_bukti_naming_a_missing_entity_is_pinned(tmp_path: Path) -> None:
    text = _evaluation(PEMDI, 2026, {1: 2}).replace(
        "{indikator: 1, nilai: 2}", "{indikator: 1, nilai: 2, bukti: [TIDAK-ADA]}"
    )
    root = _catalog(tmp_path, {"em.yaml": text})
    result = _run(root, PEMDI)
    assert result.exit_code == 1
    assert f"{root / 'em.yaml'}:6:38: error[SPBE201]: 'TIDAK-ADA' tidak ditemukan" in result.stdout
    data = json.loads(_run(root, PEMDI, "-f", "json").stdout)
    assert [(f["code"], f["line"], f["column"]) for f in data["temuan"]] == [("SPBE201", 6, 38)]


@pytest.mark.parametrize("nilai", [0, 6])
def test_nilai_outside_one_to_five_stops_indeks_at_its_line(tmp_path: Path, nilai: int) -> None:
    text = _evaluation(PEMDI, 2026, {1: 2}) + f"  - indikator: 2\n    nilai: {nilai}\n"
    root = _catalog(tmp_path, {"em.yaml": text})
    result = _run(root, PEMDI)
    assert result.exit_code == 3 and not result.stdout  # no half-written report
    assert f"{root / 'em.yaml'}:8:12: error[SPBE101]" in result.stderr
    assert "Traceback" not in result.output
