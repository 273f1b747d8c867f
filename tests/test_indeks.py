"""``spbe indeks``: framework data, index arithmetic and predikat, plafon of indicators 11 and 12,
the evaluation rules, and the command on the bundled catalog and on a new one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spbe_cli import indeks
from spbe_cli.cli.app import app
from spbe_cli.i18n import use_language
from spbe_cli.indeks import (
    evaluate,
    framework,
    framework_problems,
    load_frameworks,
    predikat_of,
    score,
)
from spbe_cli.loader import load_catalog
from spbe_cli.validate import validate_catalog
from tests.helpers import CASES, MINIMAL, write_tree

ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "catalog"
runner = CliRunner()
SPBE, PEMDI = "spbe_59_2020", "pemdi_8_2026"


# -- framework data ---------------------------------------------------------------------------


def test_framework_data_counts_and_weights() -> None:
    frameworks = load_frameworks()
    spbe, pemdi = frameworks[SPBE], frameworks[PEMDI]
    assert len(spbe.indikator) == 47 and [i.nomor for i in spbe.indikator] == list(range(1, 48))
    assert len(pemdi.indikator) == 20 and [i.nomor for i in pemdi.indikator] == list(range(1, 21))
    for k in (spbe, pemdi):
        assert sum(i.bobot for i in k.indikator) == Decimal(100)
        assert framework_problems(k) == []
    domains = [g.bobot for g in spbe.kelompok if g.tingkat == "domain"]
    assert domains == [Decimal("13"), Decimal("25"), Decimal("16.5"), Decimal("45.5")]
    aspects = [g.bobot for g in pemdi.kelompok]
    assert aspects == [Decimal(w) for w in ("10", "10", "15", "15", "10", "15", "25")]
    # 8/2026 applies from its year and revokes 59/2020 (both read from the data files).
    assert pemdi.mulai_tahun == 2026 and spbe.dicabut_oleh == PEMDI
    assert spbe.aturan[11] == "arsitektur" and spbe.aturan[12] == "peta_rencana"
    assert set(spbe.aturan) <= set(spbe.by_nomor()) and set(pemdi.aturan) <= set(pemdi.by_nomor())
    from spbe_cli.plafon import RULES, Evidence

    assert {*spbe.aturan.values(), *pemdi.aturan.values()} == RULES
    methods = {"kebijakan" if name.startswith("kebijakan") else name for name in RULES}
    assert all(callable(getattr(Evidence, name)) for name in methods)


def test_framework_problems_name_what_does_not_add_up() -> None:
    spbe = load_frameworks()[SPBE]
    first = replace(spbe.indikator[0], bobot=Decimal("2.30"))
    broken = replace(spbe, indikator=(first, *spbe.indikator[1:]))
    with use_language("en"):
        problems = framework_problems(broken)
    assert problems[0] == "the indicator weights add up to 101, not 100"
    assert any("Kebijakan Internal SPBE" in p for p in problems)


def test_unknown_framework_is_a_usage_error() -> None:
    with pytest.raises(indeks.UsageError):
        framework("spbe-2018")


# -- arithmetic and predikat -------------------------------------------------------------------


def _all(kerangka: str, value: int) -> dict[int, int]:
    return {i.nomor: value for i in load_frameworks()[kerangka].indikator}


def test_index_is_the_weighted_mean_exactly() -> None:
    spbe = load_frameworks()[SPBE]
    nilai = _all(SPBE, 5) | dict.fromkeys(range(1, 11), 1)
    total = score(spbe.indikator, nilai)
    assert total.nilai == Decimal("4.48")  # (13 x 1 + 87 x 5) / 100
    domain1 = next(g for g in spbe.kelompok if g.tingkat == "domain" and g.nomor == 1)
    assert score(spbe.members(domain1), nilai).nilai == 1
    pemdi = load_frameworks()[PEMDI]
    nilai = _all(PEMDI, 1) | {19: 5, 20: 5}
    assert score(pemdi.indikator, nilai).nilai == Decimal("2")  # (75 x 1 + 25 x 5) / 100
    # One indicator without a nilai: no index, and the count missing.
    del nilai[7]
    partial = score(pemdi.indikator, nilai)
    assert partial.nilai is None and partial.belum == 1


SPBE_BOUNDARIES = [
    ("1.00", "Kurang"),
    ("1.79", "Kurang"),
    ("1.7949", "Kurang"),
    ("1.795", "Cukup"),  # shown as 1.80: the predikat follows the value shown
    ("1.80", "Cukup"),
    ("2.59", "Cukup"),
    ("2.60", "Baik"),
    ("3.49", "Baik"),
    ("3.50", "Sangat Baik"),
    ("4.19", "Sangat Baik"),
    ("4.1949", "Sangat Baik"),
    ("4.20", "Memuaskan"),
    ("5.00", "Memuaskan"),
]
PEMDI_BOUNDARIES = [
    ("1.00", "Kurang", "Merintis"),
    ("1.49", "Kurang", "Merintis"),
    ("1.4949", "Kurang", "Merintis"),
    ("1.50", "Cukup", "Membangun"),
    ("2.49", "Cukup", "Membangun"),
    ("2.50", "Baik", "Berkembang"),
    ("3.49", "Baik", "Berkembang"),
    ("3.50", "Sangat Baik", "Melembaga"),
    ("3.99", "Sangat Baik", "Melembaga"),
    ("3.995", "Memuaskan", "Unggul"),
    ("4.00", "Memuaskan", "Unggul"),
    ("5.00", "Memuaskan", "Unggul"),
]


@pytest.mark.parametrize(("value", "name"), SPBE_BOUNDARIES)
def test_predikat_boundaries_59_2020(value: str, name: str) -> None:
    predikat = predikat_of(load_frameworks()[SPBE], Decimal(value))
    assert predikat is not None and predikat.nama == name


@pytest.mark.parametrize(("value", "name", "tahap"), PEMDI_BOUNDARIES)
def test_predikat_boundaries_8_2026(value: str, name: str, tahap: str) -> None:
    predikat = predikat_of(load_frameworks()[PEMDI], Decimal(value))
    assert predikat is not None and (predikat.nama, predikat.tahap) == (name, tahap)


@settings(max_examples=60, deadline=None)
@given(
    kerangka=st.sampled_from([SPBE, PEMDI]),
    data=st.data(),
)
def test_index_in_range_and_monotone(kerangka: str, data: st.DataObject) -> None:
    k = load_frameworks()[kerangka]
    nilai = {i.nomor: data.draw(st.integers(1, 5)) for i in k.indikator}
    value = score(k.indikator, nilai).nilai
    assert value is not None and 1 <= value <= 5
    assert predikat_of(k, value) is not None
    raised = data.draw(st.sampled_from([i.nomor for i in k.indikator if nilai[i.nomor] < 5] or [0]))
    if raised:
        higher = score(k.indikator, nilai | {raised: nilai[raised] + 1}).nilai
        assert higher is not None and higher > value


# -- plafon of indicators 11 and 12 -------------------------------------------------------------


def _layer(case: Path, dest: Path) -> tuple[Path, dict[str, Any]]:
    expected: dict[str, Any] = json.loads((case / "expected.json").read_text("utf-8"))
    shutil.copytree(MINIMAL, dest)
    shutil.copytree(case / "catalog", dest, dirs_exist_ok=True)
    for rel in expected["remove"]:
        shutil.rmtree(dest / rel)
    return dest, expected


def _plafon(root: Path, tahun: int, kerangka: str = SPBE) -> dict[int, Any]:
    catalog, _ = load_catalog(root, "catalog")
    report = evaluate(catalog, framework(kerangka), tahun)
    return {b.indikator.nomor: b.plafon for b in report.baris}


PLAFON_CASES = sorted((CASES / "indeks").glob("plafon-*"))


@pytest.mark.parametrize("case", PLAFON_CASES, ids=[c.name for c in PLAFON_CASES])
def test_plafon_golden(case: Path, tmp_path: Path) -> None:
    root, expected = _layer(case, tmp_path / "catalog")
    plafon = _plafon(root, expected["tahun"])
    got = {str(n): plafon[n].level for n in (11, 12)}
    assert got == expected["plafon"]
    for n in (11, 12):
        assert plafon[n].status == "diturunkan" and plafon[n].bukti
        assert plafon[n].kurang  # what the next level needs (level 5 has no next)


def test_plafon_levels_cover_one_to_four() -> None:
    levels = {json.loads((c / "expected.json").read_text())["plafon"]["11"] for c in PLAFON_CASES}
    assert levels == {1, 2, 3, 4}


def _git(cwd: Path, *args: str, when: str = "2025-01-01T10:00:00+09:00") -> None:
    env = dict(os.environ, GIT_COMMITTER_DATE=when, GIT_AUTHOR_DATE=when)
    env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )


def _tagged_repo(tmp_path: Path, tags: list[tuple[str, str]]) -> Path:
    repo = tmp_path / "repo"
    root, _ = _layer(CASES / "indeks" / "plafon-4", repo / "catalog")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "katalog")
    for name, when in tags:
        _git(repo, "tag", "-a", name, "-m", name, when=when)
    return root


def test_plafon_5_from_tags_before_and_after_the_reviu(tmp_path: Path) -> None:
    root = _tagged_repo(
        tmp_path,
        [
            ("arsitektur-1.0", "2025-06-01T09:00:00+09:00"),
            ("arsitektur-1.1", "2026-02-01T09:00:00+09:00"),
            ("peta-rencana-1.0", "2025-06-01T09:00:00+09:00"),
            ("peta-rencana-1.1", "2026-03-01T09:00:00+09:00"),
            ("v1.0", "2026-03-01T09:00:00+09:00"),  # not a document tag
        ],
    )
    with use_language("en"):
        plafon = _plafon(root, 2025)
    for n, old, new in (
        (11, "arsitektur-1.0", "arsitektur-1.1"),
        (12, "peta-rencana-1.0", "peta-rencana-1.1"),
    ):
        assert plafon[n].level == 5 and plafon[n].kurang == ()
        assert plafon[n].bukti[-1] == (
            f"version {old} before the reviu of 15 December 2025, updated version {new} after it"
        )
    # dates in the language of the messages, like every date spbe writes (never 2025-12-15)
    with use_language("id"):
        indonesian = _plafon(root, 2025)
    assert "reviu 15 Desember 2025" in indonesian[11].bukti[-1]
    assert any("15 Desember 2025" in line for line in indonesian[11].bukti if "reviu" in line)


def test_plafon_5_needs_a_version_before_and_after_the_reviu(tmp_path: Path) -> None:
    root = _tagged_repo(
        tmp_path,
        [
            ("arsitektur-1.1", "2026-02-01T09:00:00+09:00"),  # only after the reviu
            ("peta-rencana-1.0", "2025-06-01T09:00:00+09:00"),  # only before it
        ],
    )
    with use_language("en"):
        plafon = _plafon(root, 2025)
    assert plafon[11].level == 4 and plafon[12].level == 4
    assert plafon[12].kurang == (
        "git tags peta-rencana-* for a version set before a reviu and an updated one after it "
        "(found: peta-rencana-1.0 (1 June 2025))",
    )


def test_plafon_4_outside_git_says_level_5_cannot_be_shown(tmp_path: Path) -> None:
    root, _ = _layer(CASES / "indeks" / "plafon-4", tmp_path / "catalog")
    with use_language("id"):
        plafon = _plafon(root, 2025)
    assert plafon[11].level == 4
    assert plafon[11].kurang[0].startswith("tingkat 5 tidak dapat ditunjukkan dari bukti")


def test_pemdi_tata_kelola_takes_the_lower_document(tmp_path: Path) -> None:
    root, _ = _layer(CASES / "indeks" / "plafon-3", tmp_path / "catalog")
    assert _plafon(root, 2026, PEMDI)[1].level == 3


def test_keterpaduan_counts_sub_kegiatan_and_yearly_budget(tmp_path: Path) -> None:
    root, _ = _layer(CASES / "indeks" / "plafon-4", tmp_path / "catalog")
    # The items run 2025-2026 with a budget for 2025 only: complete for 2025, not for 2026.
    assert _plafon(root, 2025)[13].status == "tidak_dibatasi"
    plafon = _plafon(root, 2026)
    assert plafon[12].level == 3 and "PR-AP" in plafon[12].kurang[-1]
    assert plafon[13].level == 1 and plafon[13].bukti == ()
    item = (root / "peta-rencana" / "aplikasi.yaml").read_text("utf-8")
    budgeted = item.replace(
        "anggaran:\n", "anggaran:\n  - {tahun: 2026, nilai: 100000000, sumber: APBD}\n"
    )
    write_tree(root, {"peta-rencana/aplikasi.yaml": budgeted})
    with use_language("en"):
        plafon = _plafon(root, 2026)
    assert plafon[13].level == 2
    assert plafon[13].bukti == (
        "1 of 7 Peta Rencana items (14%) have a sub-kegiatan code and a budget every year "
        "(2024-2026)",
    )
    # An item cancelled by its latest progress entry is out, as spbe progress counts it.
    security = (root / "peta-rencana" / "keamanan.yaml").read_text("utf-8")
    cancelled = security + "progres:\n  - {tahun: 2025, tanggal: 2025-03-01, status: dibatalkan}\n"
    write_tree(root, {"peta-rencana/keamanan.yaml": cancelled})
    with use_language("en"):
        assert _plafon(root, 2026)[13].bukti[0].startswith("1 of 6 Peta Rencana items (17%)")
    write_tree(root, {"peta-rencana/keamanan.yaml": security})
    # A program-level code is not a sub kegiatan: the item no longer counts.
    write_tree(root, {"peta-rencana/aplikasi.yaml": budgeted.replace(".2.02.0025", "")})
    assert _plafon(root, 2026)[13].level == 1


def test_service_plafon_follows_the_cited_services(tmp_path: Path) -> None:
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(
        root,
        {
            "evaluasi/em.yaml": "entitas: evaluasi_mandiri\nid: EM\nkerangka: spbe_59_2020\n"
            "tahun: 2025\npenilaian:\n  - {indikator: 42, nilai: 4, bukti: [LAY-01]}\n"
            "  - {indikator: 3, nilai: 2, bukti: [PERBUP-SC]}\n",
        },
    )
    catalog, _ = load_catalog(root, "catalog")
    report = evaluate(catalog, framework(SPBE), None)
    rows = {b.indikator.nomor: b for b in report.baris}
    assert report.tahun == 2025
    # LAY-01 runs on APP-01, which integrates with nothing: level 4 needs an integration.
    assert rows[42].plafon.level == 3 and rows[42].di_atas_plafon
    assert rows[3].plafon.status == "tidak_dibatasi" and not rows[3].di_atas_plafon
    assert [f.code for f in report.findings] == ["SPBE804"]


# -- rules ----------------------------------------------------------------------------------------


def test_framework_weights_not_adding_up_is_spbe801(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frameworks = dict(load_frameworks())
    spbe = frameworks[SPBE]
    first = replace(spbe.indikator[0], bobot=Decimal("2.30"))
    frameworks[SPBE] = replace(spbe, indikator=(first, *spbe.indikator[1:]))
    # the checks import it from spbe_cli.indeks when they run (a catalog without an
    # evaluasi_mandiri never imports spbe_cli.indeks)
    monkeypatch.setattr(indeks, "load_frameworks", lambda: frameworks)
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(
        root,
        {"em.yaml": "entitas: evaluasi_mandiri\nid: EM\nkerangka: spbe_59_2020\ntahun: 2025\n"},
    )
    _, report = validate_catalog(root, "")
    found = [(f.code, f.location.path, f.location.line) for f in report.findings]
    assert ("SPBE801", "em.yaml", 3) in found
    assert all(code != "SPBE801" or line == 3 for code, _, line in found)


# -- the command ----------------------------------------------------------------------------------


def test_bundled_catalog_is_not_assessed() -> None:
    result = runner.invoke(app, ["--lang", "id", "indeks", str(BUNDLED), "-k", "spbe-59-2020"])
    assert result.exit_code == 0, result.output
    assert "Indeks: belum dinilai (47 dari 47 indikator belum bernilai)" in result.stdout
    assert "Belum ada evaluasi mandiri" in result.stdout
    data = json.loads(
        runner.invoke(
            app, ["indeks", str(BUNDLED), "-k", "pemdi-8-2026", "--format", "json"]
        ).stdout
    )
    assert data["schema"] == "spbe.indeks/1" and data["status"] == "belum_dinilai"
    assert data["pengganti"] is None
    assert data["indeks"] is None and data["predikat"] is None
    assert len(data["indikator"]) == 20 and data["dinilai"] == 0


def test_output_is_the_same_twice_and_escaped(tmp_path: Path) -> None:
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(
        root,
        {
            "em.yaml": "entitas: evaluasi_mandiri\nid: EM\nkerangka: pemdi_8_2026\ntahun: 2026\n"
            "penilaian:\n  - {indikator: 1, nilai: 2, catatan: '<script>x</script> | *b*'}\n",
        },
    )
    for fmt in ("text", "markdown", "json", "html"):
        first = runner.invoke(app, ["indeks", str(root), "-k", "pemdi-8-2026", "-f", fmt])
        second = runner.invoke(app, ["indeks", str(root), "-k", "pemdi-8-2026", "-f", fmt])
        assert first.exit_code == 0 and first.stdout == second.stdout
    html = runner.invoke(app, ["indeks", str(root), "-k", "pemdi-8-2026", "-f", "html"]).stdout
    assert "<script>" not in html and "<svg" in html
    data = json.loads(
        runner.invoke(app, ["indeks", str(root), "-k", "pemdi-8-2026", "-f", "json"]).stdout
    )
    assert data["indikator"][0]["catatan"] == "<script>x</script> | *b*"


def test_exit_codes(tmp_path: Path) -> None:
    assert runner.invoke(app, ["indeks", str(BUNDLED)]).exit_code == 2  # --kerangka is required
    assert runner.invoke(app, ["indeks", str(BUNDLED), "-k", "spbe-2018"]).exit_code == 2
    # A catalog folder that does not exist is a usage error, as in every command.
    missing = runner.invoke(app, ["indeks", "-c", str(tmp_path / "nope"), "-k", "pemdi-8-2026"])
    assert missing.exit_code == 2 and not missing.stdout
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(
        root,
        {
            "em.yaml": "entitas: evaluasi_mandiri\nid: EM\nkerangka: spbe_59_2020\ntahun: 2025\n"
            "penilaian:\n  - {indikator: 11, nilai: 5}\n",
        },
    )
    warned = runner.invoke(app, ["indeks", str(root), "-k", "spbe-59-2020"])
    assert warned.exit_code == 0 and "warning[SPBE804]" in warned.stdout
    assert (
        runner.invoke(app, ["indeks", str(root), "-k", "spbe-59-2020", "--strict"]).exit_code == 1
    )
    write_tree(
        root, {"em.yaml": (root / "em.yaml").read_text() + "  - {indikator: 48, nilai: 2}\n"}
    )
    assert runner.invoke(app, ["indeks", str(root), "-k", "spbe-59-2020"]).exit_code == 1
    write_tree(root, {"em.yaml": "entitas: evaluasi_mandiri\nid: EM\n"})  # a load error
    refused = runner.invoke(app, ["indeks", str(root), "-k", "spbe-59-2020"])
    assert refused.exit_code == 3 and "em.yaml:1:1: error[SPBE108]" in refused.stderr


def _full_evaluation(kerangka: str, tahun: int, nilai: int) -> str:
    k = load_frameworks()[kerangka]
    lines = [
        "entitas: evaluasi_mandiri",
        f"id: EM-{tahun}",
        f"kerangka: {kerangka}",
        f"tahun: {tahun}",
        "penilaian:",
    ]
    lines += [f"  - {{indikator: {i.nomor}, nilai: {nilai}}}" for i in k.indikator]
    return "\n".join(lines) + "\n"


def test_scaffolded_catalog_with_a_full_evaluation_gets_an_index(tmp_path: Path) -> None:
    target = tmp_path / "katalog-jayawijaya"
    made = runner.invoke(
        app, ["init", str(target), "--pemda", "Kabupaten Jayawijaya", "--kode", "95.01"]
    )
    assert made.exit_code == 0, made.output
    catalog = target / "catalog"
    # The example from `spbe init` lists every indicator without a nilai: filled in, it counts.
    write_tree(catalog, {"evaluasi_mandiri/contoh.yaml": _full_evaluation(PEMDI, 2026, 1)})
    result = runner.invoke(app, ["--lang", "id", "indeks", str(catalog), "-k", "pemdi-8-2026"])
    assert result.exit_code == 0, result.output
    assert "Indeks: 1,00*, predikat Kurang (Merintis)*." in result.stdout
    write_tree(catalog, {"evaluasi/2025.yaml": _full_evaluation(SPBE, 2025, 1)})
    data = json.loads(
        runner.invoke(app, ["indeks", str(catalog), "-k", "spbe-59-2020", "-f", "json"]).stdout
    )
    assert (data["indeks"], data["predikat"]["nama"], data["tahun"]) == (1.0, "Kurang", 2025)
    assert data["pengganti"] is None  # 2025: PermenPANRB 8/2026 does not apply yet
    later = runner.invoke(
        app, ["indeks", str(catalog), "-k", "spbe-59-2020", "--tahun", "2026", "-f", "json"]
    )
    assert json.loads(later.stdout)["pengganti"] == PEMDI
    assert all(g["indeks"] == 1.0 for g in data["kelompok"])
    validated = runner.invoke(app, ["validate", str(catalog)])
    assert validated.exit_code == 0, validated.stdout


@pytest.mark.parametrize(
    ("pemda", "kode"), [("Kota X", "99.71"), ("Provinsi X", "99")], ids=["kota", "provinsi"]
)
def test_kota_and_provinsi_with_a_full_evaluation_get_an_index(
    tmp_path: Path, pemda: str, kode: str
) -> None:
    target = tmp_path / "katalog"
    made = runner.invoke(app, ["init", str(target), "--pemda", pemda, "--kode", kode])
    assert made.exit_code == 0, made.output
    catalog = target / "catalog"
    write_tree(catalog, {"evaluasi_mandiri/contoh.yaml": _full_evaluation(PEMDI, 2026, 4)})
    result = runner.invoke(
        app, ["indeks", str(catalog), "-k", "pemdi-8-2026", "--tahun", "2026", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["pemda"], data["status"], data["indeks"]) == (pemda, "dinilai", 4.0)
    # 4.00 opens it; the range comes from unverified third-party summaries.
    assert data["predikat"] == {"nama": "Memuaskan", "tahap": "Unggul", "terverifikasi": False}
    assert data["dinilai"] == data["jumlah_indikator"] == 20


@pytest.mark.parametrize("nilai", [0, 6])
def test_nilai_outside_one_to_five_is_a_schema_error_at_its_line(
    tmp_path: Path, nilai: int
) -> None:
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    text = (
        "entitas: evaluasi_mandiri\nid: EM\nkerangka: spbe_59_2020\ntahun: 2025\n"
        f"penilaian:\n  - indikator: 11\n    nilai: {nilai}\n"
    )
    write_tree(root, {"em.yaml": text})
    _, report = validate_catalog(root, "")
    found = [(f.code, f.location.line, f.location.column) for f in report.findings]
    assert found == [("SPBE101", 7, 12)]


def _docs_schema() -> dict[str, Any]:
    import re

    text = (ROOT / "docs" / "indeks.md").read_text("utf-8")
    match = re.search(
        r"<!-- schema:start -->\s*```json\n(.*?)```\s*<!-- schema:end -->", text, re.S
    )
    assert match, "docs/indeks.md must publish the JSON Schema between schema markers"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_json_follows_the_documented_schema(tmp_path: Path) -> None:
    import jsonschema

    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(root, {"evaluasi/2025.yaml": _full_evaluation(SPBE, 2025, 3)})
    outputs = [
        runner.invoke(app, ["indeks", str(BUNDLED), "-k", name, "-f", "json"]).stdout
        for name in ("spbe-59-2020", "pemdi-8-2026")
    ]
    outputs.append(
        runner.invoke(app, ["indeks", str(root), "-k", "spbe-59-2020", "-f", "json"]).stdout
    )
    for output in outputs:
        jsonschema.validate(json.loads(output), _docs_schema())
    full = json.loads(outputs[-1])
    assert (full["indeks"], full["predikat"]["nama"], full["status"]) == (3.0, "Baik", "dinilai")
    assert [g["tingkat"] for g in full["kelompok"]] == ["domain"] * 4 + ["aspek"] * 8
    assert full["temuan"] and {t["code"] for t in full["temuan"]} == {"SPBE804"}


def test_command_line_names_every_bundled_framework() -> None:
    from spbe_cli.cli.indeks import Kerangka

    assert {k.value for k in Kerangka} == {k.cli_name for k in load_frameworks().values()}


def _blocks(text: str, lang: str) -> list[str]:
    import re

    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def _shown(block: str, output: str) -> None:
    """Every line of a documented console block is in the output (``...`` elides)."""
    got = output.splitlines()
    for line in block.splitlines()[1:]:
        if line.strip() == "...":
            continue
        if line.endswith("; ..."):
            assert any(g.startswith(line[:-4]) for g in got), line
        else:
            assert line in got, line


def test_the_worked_example_in_the_docs_is_what_spbe_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "docs" / "indeks.md").read_text("utf-8")
    bundled, illustrative = _blocks(text, "console")
    evaluation = next(b for b in _blocks(text, "yaml") if "ilustratif: true\npenilaian" in b)
    shutil.copytree(BUNDLED, tmp_path / "catalog")
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["--lang", "id", "indeks", "catalog", "--kerangka", "spbe-59-2020"])
    _shown(bundled, first.stdout)
    write_tree(tmp_path, {"catalog/evaluasi/pemdi-2026.yaml": evaluation})
    second = runner.invoke(app, ["--lang", "id", "indeks", "catalog", "--kerangka", "pemdi-8-2026"])
    assert second.exit_code == 0
    _shown(illustrative, second.stdout)


def test_html_chart_has_a_bar_per_assessed_group(tmp_path: Path) -> None:
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(root, {"evaluasi/2026.yaml": _full_evaluation(PEMDI, 2026, 3)})
    html = runner.invoke(app, ["indeks", str(root), "-k", "pemdi-8-2026", "-f", "html"]).stdout
    # Nilai 3 on the 1-5 scale is half of the 360-pixel bar, for each of the 7 aspects.
    assert html.count('width="180" height="14"') == 7
    bare = runner.invoke(app, ["indeks", str(BUNDLED), "-k", "pemdi-8-2026", "-f", "html"]).stdout
    assert "<rect" not in bare and bare.count("not assessed</text>") == 7


# -- the other plafon rules, each at its levels -------------------------------------------------

APP = "arsitektur/aplikasi.yaml"
APP_01 = (
    "entitas: aplikasi\nid: APP-01\nnama: Portal Wisata\nraa: RAA.01.01\nkategori: khusus\n"
    "pemilik: DISKOMINFO\ndata: [DATA-01]\ninfrastruktur: [INFRA-01]\n"
)
SRIKANDI = (
    "---\nentitas: aplikasi\nid: APP-SRIKANDI\nnama: SRIKANDI\nraa: RAA.01.01\nkategori: umum\n"
    "pemilik_tipe: kementerian_lembaga\npemilik_nama: ANRI\naplikasi_umum: SRIKANDI\n"
)
DATA_01 = (
    "entitas: data_informasi\nid: DATA-01\nnama: Destinasi Wisata\nrad: RAD.02.08\n"
    "sifat: terbuka\njenis: keuangan\nvaliditas: tahunan\n"
    "produsen_data: DISKOMINFO\nwali_data: DISKOMINFO\n"
)
SEC_01 = (
    "entitas: keamanan\nid: SEC-01\nnama: Audit Portal\nrak: RAK.01\njenis: audit_keamanan\n"
    "opd: DISKOMINFO\nobjek: [APP-01]\n"
)
LAY_01 = (
    "entitas: layanan\nid: LAY-01\nnama: Informasi Wisata\nral: RAL.01.03\njenis: publik\n"
    "unit_pelaksana: DISKOMINFO\nproses_bisnis: [PB-01]\n"
)
EMPTY = {"arsitektur/" + name: None for name in ("aplikasi.yaml", "infrastruktur.yaml")}

REGISTER_CASES: list[tuple[str, dict[str, str | None], int | None]] = [
    ("aplikasi_umum", {APP: None}, 1),
    ("aplikasi_umum", {}, 2),  # no Aplikasi Umum in use
    ("aplikasi_umum", {APP: APP_01 + "setara_aplikasi_umum: SRIKANDI\n" + SRIKANDI}, 2),
    ("aplikasi_umum", {APP: APP_01 + SRIKANDI}, None),
    ("pusat_data", {"arsitektur/infrastruktur.yaml": None}, 1),
    ("pusat_data", {APP: APP_01.replace("infrastruktur: [INFRA-01]\n", "")}, 2),
    ("pusat_data", {}, None),
    ("integrasi", {APP: None}, 1),
    ("integrasi", {}, 2),  # a link or a login is no integrasi edge
    ("integrasi", {APP: APP_01 + "integrasi: [APP-SRIKANDI]\n" + SRIKANDI}, None),
    ("keamanan", {"arsitektur/keamanan.yaml": None}, 1),
    ("keamanan", {}, 2),  # INFRA-01 is not covered
    (
        "keamanan",
        {"arsitektur/keamanan.yaml": SEC_01.replace("[APP-01]", "[APP-01, INFRA-01]")},
        None,
    ),
    ("data", {"arsitektur/data.yaml": None}, 1),
    ("data", {"arsitektur/data.yaml": DATA_01}, 2),  # no interoperabilitas
    ("data", {"arsitektur/data.yaml": DATA_01 + "interoperabilitas: API JSON\n"}, None),
    ("aset", EMPTY, 1),
    ("aset", {APP: APP_01.replace("pemilik: DISKOMINFO\n", "")}, 2),
    ("aset", {}, None),
]


def _evidence(tmp_path: Path, edits: dict[str, str | None], tahun: int | None = 2025) -> Any:
    from spbe_cli.plafon import Evidence

    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    for rel, text in edits.items():
        if text is None:
            (root / rel).unlink()
        else:
            write_tree(root, {rel: text})
    catalog, findings = load_catalog(root, "catalog")
    assert not [f for f in findings if f.severity.value == "error"], findings
    # Loading has added the catalog's declared reference codes.
    return Evidence(catalog, tahun, tags=lambda prefix: None)


@pytest.mark.parametrize(("rule", "edits", "level"), REGISTER_CASES)
def test_register_rules(
    tmp_path: Path, rule: str, edits: dict[str, str | None], level: int | None
) -> None:
    plafon = _evidence(tmp_path, edits).plafon(rule)
    assert plafon.level == level, plafon
    assert plafon.status == ("tidak_dibatasi" if level is None else "diturunkan")
    assert plafon.kurang  # what is missing, or that the rest is judged outside the catalog


def _penilaian(*bukti: str) -> Any:
    from spbe_cli.models import Penilaian

    return Penilaian(indikator=1, nilai=3, bukti=list(bukti))


@pytest.mark.parametrize(
    ("edits", "level"),
    [
        ({"arsitektur/layanan.yaml": LAY_01 + "digital: false\n"}, 1),
        ({"arsitektur/layanan.yaml": LAY_01}, 2),
        ({"arsitektur/layanan.yaml": LAY_01 + "aplikasi: [APP-01]\n"}, 3),
        (
            {
                "arsitektur/layanan.yaml": LAY_01 + "aplikasi: [APP-01]\n",
                APP: APP_01 + "integrasi: [APP-SRIKANDI]\n" + SRIKANDI,
            },
            None,
        ),
    ],
)
def test_service_maturity_is_capped_by_evidence(
    tmp_path: Path, edits: dict[str, str | None], level: int | None
) -> None:
    evidence = _evidence(tmp_path, edits)
    plafon = evidence.plafon("layanan", _penilaian("LAY-01"))
    assert plafon.level == level
    # Without a cited service the catalog shows nothing: declared.
    assert evidence.plafon("layanan", _penilaian()).status == "dinyatakan"


@pytest.mark.parametrize(
    ("status", "level", "basis"),
    [
        ("rancangan", 1, "diturunkan"),
        ("dibutuhkan", 1, "diturunkan"),
        ("berlaku", None, "tidak_dibatasi"),
    ],
)
def test_policy_plafon_follows_the_regulation_status(
    tmp_path: Path, status: str, level: int | None, basis: str
) -> None:
    regulation = (
        "entitas: regulasi\nid: PERBUP-DATA\njenis: Perbup\njudul: Manajemen Data\n"
        f"tingkat: daerah\nstatus: {status}\n"
        + ('nomor: "3"\ntahun: 2025\n' if status == "berlaku" else "")
    )
    evidence = _evidence(tmp_path, {"regulasi/data.yaml": regulation})
    plafon = evidence.plafon("kebijakan", _penilaian("PERBUP-DATA"))
    assert (plafon.level, plafon.status) == (level, basis)
    assert evidence.plafon("kebijakan", _penilaian()).status == "dinyatakan"


def test_export_tabel_has_a_row_per_penilaian(tmp_path: Path) -> None:
    from spbe_cli.export.tabel import build_tables

    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(
        root,
        {
            "em.yaml": "entitas: evaluasi_mandiri\nid: EM\nkerangka: pemdi_8_2026\ntahun: 2026\n"
            "penilaian:\n  - {indikator: 1, nilai: 2, bukti: [PERBUP-SC]}\n"
            "  - {indikator: 19, catatan: belum}\n",
        },
    )
    catalog, _ = load_catalog(root, "catalog")
    tables = {table.name: table for table in build_tables(catalog)}
    assert tables["evaluasi-mandiri"].rows[0][:2] == ["EM", "evaluasi_mandiri"]
    assert tables["penilaian"].rows == [
        ["EM", "evaluasi_mandiri", 1, 1, 2, None],
        ["EM", "evaluasi_mandiri", 2, 19, None, "belum"],
    ]


def test_evidence_shared_across_years_gives_each_year_its_own_plafon() -> None:
    """check_evaluasi shares one evidence between years: only what never reads the year."""
    from spbe_cli.indeks import compute_indeks
    from spbe_cli.plafon import Evidence

    catalog, _ = load_catalog(BUNDLED, "catalog")
    frameworks = load_frameworks()
    shared = Evidence(catalog, None)
    by_year = {}
    for kode, kerangka in sorted(frameworks.items()):
        for year in (2019, 2025, 2027, None):
            alone = [
                (b.indikator.nomor, b.plafon)
                for b in compute_indeks(catalog, kerangka, year, []).baris
            ]
            for _ in range(2):  # computed, then from what the shared evidence remembers
                together = compute_indeks(catalog, kerangka, year, [], shared)
                assert [(b.indikator.nomor, b.plafon) for b in together.baris] == alone
            by_year[kode, year] = alone
    # The test means something: some plafon of the bundled catalog does depend on the year.
    assert any(by_year[kode, 2019] != by_year[kode, 2025] for kode in frameworks)


def test_a_year_before_the_framework_applies_names_the_one_in_force() -> None:
    """PermenPANRB 8/2026 for 2024: a note points to 59/2020, and JSON says `pendahulu`."""
    args = ["indeks", str(BUNDLED), "-k", "pemdi-8-2026"]
    result = runner.invoke(app, [*args, "--tahun", "2024"])
    assert result.exit_code == 0, result.output
    assert (
        "PermenPANRB 8/2026 applies from the 2026 evaluation on; "
        "for 2024 consider --kerangka spbe-59-2020." in result.stdout
    )
    data = json.loads(runner.invoke(app, [*args, "--tahun", "2024", "-f", "json"]).stdout)
    assert (data["pendahulu"], data["pengganti"]) == ("spbe_59_2020", None)
    data = json.loads(runner.invoke(app, [*args, "--tahun", "2026", "-f", "json"]).stdout)
    assert data["pendahulu"] is None
    result = runner.invoke(app, [*args, "--tahun", "2026"])
    assert "applies from the" not in result.stdout


def _refused_evaluation(tmp_path: Path, kerangka: str, tahun: int, indikator: int) -> Path:
    """The minimal catalog with ``em.yaml``, refused for its ``nilai: 7`` (line 7)."""
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    text = (
        f"entitas: evaluasi_mandiri\nid: EM\nkerangka: {kerangka}\ntahun: {tahun}\n"
        f"penilaian:\n  - indikator: {indikator}\n    nilai: 7\n"
    )
    write_tree(root, {"em.yaml": text})
    return root


def test_an_evaluation_that_did_not_load_is_named_not_called_missing(tmp_path: Path) -> None:
    """With --force a refused evaluation is left out; the report says where it is, not "none"."""
    root = _refused_evaluation(tmp_path, SPBE, 2025, 11)
    args = ["--lang", "id", "indeks", str(root), "-k", "spbe-59-2020", "--force"]
    result = runner.invoke(app, args)
    assert f"{root.as_posix()}/em.yaml:7:12: error[SPBE101]" in result.stderr
    assert (
        f"Evaluasi mandiri untuk kerangka dan tahun ini ada di {root.as_posix()}/em.yaml:1, tetapi "
        "tidak dapat dibaca (lihat galat di atas)"
    ) in result.stdout
    assert "Belum ada evaluasi mandiri" not in result.stdout
    data = json.loads(runner.invoke(app, [*args[2:], "-f", "json"]).stdout)
    assert data["evaluasi"] is None
    assert data["evaluasi_ditolak"] == [
        {"berkas": f"{root.as_posix()}/em.yaml", "baris": 1, "kolom": 1}
    ]
    # Another framework's report is not about it: that one has no evaluation.
    other = runner.invoke(app, [*args[:5], "pemdi-8-2026", "--force"])
    assert "Belum ada evaluasi mandiri" in other.stdout


def test_the_laporan_says_a_refused_evaluation_was_written(tmp_path: Path) -> None:
    """The year-end report rendered with --force: "written but not valid", never "none"."""
    from tests.test_progress_laporan import render_laporan

    root = _refused_evaluation(tmp_path, PEMDI, 2026, 1)
    out = tmp_path / "out"
    render_laporan(root, out, ["md"], tahun=2026)
    md = (out / "laporan.md").read_text("utf-8")
    summary = md.split("## 1. RINGKASAN", 1)[1].split("\n## ", 1)[0]
    assert "Evaluasi mandiri tahun ini sudah ditulis, tetapi isiannya belum sah" in summary
    section = md.split("## 6. EVALUASI", 1)[1].split("\n## ", 1)[0]
    assert (
        "Evaluasi mandiri tahun 2026 sudah ditulis, tetapi isiannya belum sah sehingga belum "
        "dapat dipakai, dan indeks belum dinilai (20 dari 20 indikator belum bernilai)."
    ) in section
    assert "Belum ada evaluasi mandiri" not in md
    # Another year's report: that year has no evaluation written.
    render_laporan(root, tmp_path / "out2025", ["md"], tahun=2025)
    assert "Belum ada evaluasi mandiri yang tercatat untuk tahun 2025" in (
        tmp_path / "out2025" / "laporan.md"
    ).read_text("utf-8")


def test_spbe804_names_its_indicator_with_the_unverified_mark(tmp_path: Path) -> None:
    """SPBE804 names the indicator as the indeks tables and the laporan do: with the mark of a
    name not yet matched with the official PermenPANRB text (it read the bare name)."""
    root = shutil.copytree(MINIMAL, tmp_path / "catalog")
    write_tree(
        root,
        {
            "em.yaml": "entitas: evaluasi_mandiri\nid: EM\nkerangka: spbe_59_2020\ntahun: 2025\n"
            "penilaian:\n  - {indikator: 11, nilai: 5}\n",
        },
    )
    kerangka = framework(SPBE)
    assert not kerangka.terverifikasi
    nama = next(i.nama for i in kerangka.indikator if i.nomor == 11)
    with use_language("id"):
        _, report = validate_catalog(root, "catalog")
    found = [f for f in report.findings if f.code == "SPBE804"]
    assert [(f.location.line, f.location.column) for f in found] == [(6, 28)]  # the nilai 5
    assert f"indikator 11 ({nama}*)" in found[0].message
