"""``spbe render --since REV`` (Daftar Perubahan) and ``--tahun``/``--tanggal`` (laporan)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from tests.helpers import git

SMALL = Path(__file__).parent / "cases" / "render" / "small"


def tag_v1(repo: Path) -> None:
    """Make ``repo`` a git repository whose first commit, holding everything, is tagged v1."""
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "v1")
    git(repo, "tag", "v1")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose catalog is tagged v1, then edited in the working tree."""
    shutil.copytree(SMALL, tmp_path / "catalog")
    tag_v1(tmp_path)
    program = tmp_path / "catalog" / "program" / "economy.yaml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("nilai: 250000000", "nilai: 100000000"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["render", *args])
    return result.exit_code, result.stdout, result.stderr


def test_since_adds_the_revision_log(repo: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v1", "-f", "md,html")
    assert code == 0, err
    masterplan = (repo / "out" / "masterplan.md").read_text(encoding="utf-8")
    section = masterplan.split("## DAFTAR PERUBAHAN", 1)[1].split("\n## ", 1)[0]
    assert "Perubahan isi dokumen sejak versi v1." in section  # no commit hash
    # Readers get names, not ids or rule codes (SPBE703) of the tool.
    assert "**Sentra Kerajinan Noken**" in section and "SC-03" not in section
    assert "SPBE7" not in section
    assert "- Anggaran Sentra Kerajinan Noken dipotong: 2025: Rp 250.000.000" in section
    assert "250.000.000" in section or "250000000" in section
    assert "Perlu Perhatian" in section  # a budget cut is on the attention list
    html = (repo / "out" / "masterplan.html").read_text(encoding="utf-8")
    assert 'id="daftar-perubahan"' in html
    # The roadmap presents no programs: its log says so rather than listing them.
    roadmap = (repo / "out" / "peta-rencana.md").read_text(encoding="utf-8")
    assert "SC-03" not in roadmap.split("## DAFTAR PERUBAHAN", 1)[-1]


def test_without_since_there_is_no_log(repo: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "-f", "md")
    assert code == 0, err
    for name in ("masterplan.md", "arsitektur.md"):
        assert "DAFTAR PERUBAHAN" not in (repo / "out" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("rev", ["--output=x", "-x"])
def test_since_refuses_an_option_and_writes_nothing(repo: Path, rev: str) -> None:
    code, _, err = invoke("catalog", "-o", "out", f"--since={rev}")
    assert code == 2
    assert "cannot start with '-'" in err
    assert not (repo / "out").exists()


def test_since_unknown_revision_writes_nothing(repo: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v9")
    assert code == 2
    assert "v9" in err
    assert not (repo / "out").exists()


def test_laporan_year_and_date(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    code, _, err = invoke(
        str(catalog),
        "-o",
        str(tmp_path / "out"),
        "--doc",
        "laporan",
        "-f",
        "md",
        "--tahun",
        "2026",
        "--tanggal",
        "2026-11-30",
    )
    assert code == 0, err
    text = (tmp_path / "out" / "laporan.md").read_text(encoding="utf-8")
    assert "\n# Laporan Kemajuan Program Smart City Tahun 2026\n" in text
    assert "30 November 2026" in text


def test_bad_report_date_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke(str(SMALL), "-o", str(tmp_path / "out"), "--tanggal", "2026-13-01")
    assert code == 2
    assert "2026-13-01" in err
    assert not (tmp_path / "out").exists()


def test_overrides_switch_the_sandbox_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spbe_cli.render import engine

    seen: list[bool] = []
    original = engine.make_environment

    def recording(folders: Any, fmt: str, *, sandboxed: bool = True, **kwargs: Any) -> Any:
        seen.append(sandboxed)
        return original(folders, fmt, sandboxed=sandboxed, **kwargs)

    monkeypatch.setattr(engine, "make_environment", recording)
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    code, _, err = invoke(str(catalog), "-o", str(tmp_path / "a"), "-f", "md")
    assert code == 0, err
    assert seen and not any(seen)  # the built-in templates alone: no sandbox
    seen.clear()
    (catalog / "templates").mkdir()
    code, _, err = invoke(str(catalog), "-o", str(tmp_path / "b"), "-f", "md")
    assert code == 0, err
    assert seen and all(seen)  # a catalog templates folder: everything sandboxed


def test_since_gives_the_laporan_its_quietly_dropped_programs(repo: Path) -> None:
    (repo / "catalog" / "program" / "economy.yaml").unlink()
    code, _, err = invoke(
        "catalog",
        "-o",
        "out",
        "--doc",
        "laporan",
        "-f",
        "md",
        "--since",
        "v1",
        "--tahun",
        "2026",
        "--tanggal",
        "2026-11-30",
    )
    assert code == 0, err
    laporan = (repo / "out" / "laporan.md").read_text(encoding="utf-8")
    dropped = laporan.split("Dihentikan sejak Revisi Sebelumnya\n\n", 1)[1].split("\n### ", 1)[0]
    assert "Sentra Kerajinan Noken" in dropped  # by name: ids belong to appendices


def test_since_reads_the_repository_of_the_catalog(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path.parent / (tmp_path.name + "-elsewhere")
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not inside any repository
    code, _, err = invoke(str(repo / "catalog"), "-o", "out", "--since", "v1", "-f", "md")
    assert code == 0, err
    masterplan = (elsewhere / "out" / "masterplan.md").read_text(encoding="utf-8")
    assert "**Sentra Kerajinan Noken**" in masterplan


def test_documents_do_not_follow_the_operators_language(repo: Path) -> None:
    """LANG and SPBE_LANG choose the language of messages, never of the documents."""
    import os
    import sys

    outputs = []
    for name, extra in (
        ("c", {"LANG": "C.UTF-8"}),
        ("id", {"LANG": "id_ID.UTF-8"}),
        ("en", {"LANG": "C.UTF-8", "SPBE_LANG": "en"}),
    ):
        env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "SPBE_LANG")}
        env.update(extra)
        out = repo / f"out-{name}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "spbe_cli",
                "render",
                "catalog",
                "-o",
                str(out),
                "--since",
                "v1",
                "--tanggal",
                "2026-11-30",
            ],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )
        files = sorted(p for p in out.rglob("*") if p.is_file())
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in files})
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]
    masterplan = outputs[2]["masterplan.md"].decode("utf-8")
    assert "Perlu Perhatian" in masterplan
    assert "Needs attention" not in masterplan


def test_each_document_declares_the_kinds_its_log_lists(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli.cli.render import _since_extras
    from spbe_cli.diff import revision_log
    from spbe_cli.render import registry

    assert not hasattr(revision_log, "DOCUMENT_KINDS")  # no second table beside the registry
    docs = registry.documents()
    assert "program" in docs["masterplan"].kinds
    assert "peta_rencana" in docs["peta-rencana"].kinds
    assert "program" not in docs["peta-rencana"].kinds
    assert "aplikasi" in docs["arsitektur"].kinds
    assert docs["laporan"].kinds == ()
    # a document registered later gets its log from its own declaration
    spec = registry.DocumentSpec(
        name="program-saja", dokumen=None, build=lambda inp: {}, kinds=("program",)
    )
    monkeypatch.setitem(registry._REGISTRY, spec.name, spec)
    extras: Any = _since_extras("v1", repo / "catalog", ["masterplan"])
    logs = extras["perubahan"]
    assert set(logs) == {"masterplan", "arsitektur", "peta-rencana", "program-saja"}
    assert [g["kind"] for g in logs["program-saja"]["groups"]] == ["program"]
    assert logs["peta-rencana"]["groups"] == []


# -- the Daftar Perubahan in the readers' words ---------------------------------------------------

#: The small catalog's program SC-03 as approved in v1: a named indicator, a long text and an
#: illustrative budget line besides the official one.
APPROVED = [
    ("  - nama: Capaian", "  - nama: Kelompok nelayan yang memakai aplikasi"),
    (
        "horizon: menengah",
        "horizon: menengah\nuraian: Sentra kerajinan noken dibangun di Timika untuk periode"
        " 2022-2027 bersama kelompok perajin dan koperasi setempat.",
    ),
    (
        "sumber: APBD}",
        "sumber: APBD}\n  - {tahun: 2026, nilai: 300000000, sumber: APBD, ilustratif: true}",
    ),
]


@pytest.fixture
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Version v1 approved; then a budget cut, a lowered target, a list, a text and a rename."""
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    program = catalog / "program" / "economy.yaml"
    text = program.read_text(encoding="utf-8")
    for old, new in APPROVED:
        text = text.replace(old, new)
    program.write_text(text, encoding="utf-8")
    tag_v1(tmp_path)
    edits = {
        "program/economy.yaml": [
            ("nilai: 250000000", "nilai: 100000000"),  # budget cut
            ("nilai: 300000000", "nilai: 200000000"),  # an illustrative line
            ("{2026: 50, 2027: 80}", "{2026: 40, 2027: 80}"),  # target lowered
            ("periode 2022-2027", "periode 2022–2027"),  # a prose edit
            ("regulasi: [PERBUP-SC]", "regulasi: [PERBUP-SC]\nmitra: {akademisi: [Uncen]}"),
        ],
        "program/living.yaml": [  # a rename: new id and a longer name
            ("id: SC-04", "id: SC-07"),
            ("Keliling Sungai", "Keliling Sungai dan Pesisir"),
        ],
        "metadata.yaml": [
            ("  - {nomor: 1, uraian: Tata kelola terpadu.}", MISI),
        ],
        "prosa/latar-belakang.md": [("lintas OPD", "lintas perangkat daerah")],
    }
    _edit(catalog, edits)
    monkeypatch.chdir(tmp_path)
    return tmp_path


MISI = "  - {nomor: 1, uraian: Tata kelola terpadu.}\n  - {nomor: 2, uraian: Ekonomi kerakyatan.}"

#: What a Bupati reads in the Master Plan's Daftar Perubahan for the edits of ``edited``.
READER_LINES = [
    "- Diubah: **Kabupaten Mimika**",
    "  - Misi 2 ditambahkan (Uraian: Ekonomi kerakyatan.)",
    "- Diubah: **Sentra Kerajinan Noken**",
    "  - Uraian: diubah pada bagian «… di Timika untuk periode 2022–2027 bersama kelompok"
    " perajin dan …»",
    "  - Target 2026 indikator 'Kelompok nelayan yang memakai aplikasi': 50 → 40",
    "  - Anggaran 2025: Rp 250.000.000 → Rp 100.000.000",
    "  - Anggaran 2026: Rp 300.000.000 † → Rp 200.000.000 †",
    "  - Mitra akademisi: ditambah Uncen",
    "- Diubah: **Puskesmas Keliling Sungai dan Pesisir** (sebelumnya Puskesmas Keliling Sungai)",
    "  - Nama: Puskesmas Keliling Sungai → Puskesmas Keliling Sungai dan Pesisir",
]


def _log_section(text: str) -> str:
    return text.split("## DAFTAR PERUBAHAN", 1)[1].split("\n## ", 1)[0]


def test_since_log_speaks_to_readers(edited: Path) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v1", "-f", "md,html,docx")
    assert code == 0, err
    section = _log_section((edited / "out" / "masterplan.md").read_text(encoding="utf-8"))
    lines = section.splitlines()
    for line in READER_LINES:
        assert line in lines, (line, section)
    # no data-file paths, reprs, word-diff marks or ids of the tool
    for technical in ("anggaran[", "indikator[", "\\[", "{+", "[-", "{'", "('", "SC-07", "—"):
        assert technical not in section, technical
    # the attention list: the documents' mark, and no new-id notice (the entry says it)
    assert (
        "- Anggaran Sentra Kerajinan Noken dipotong: 2025: Rp 250.000.000 → Rp 100.000.000 (-60%);"
        " 2026: Rp 300.000.000 † → Rp 200.000.000 † (-33,3%)"
    ) in lines, section
    assert "\\*" not in section and "*" not in section.replace("**", "")
    assert "berganti id" not in section
    # the architecture shows the metadata change too, in the same words
    arsitektur = _log_section((edited / "out" / "arsitektur.md").read_text(encoding="utf-8"))
    assert "  - Misi 2 ditambahkan (Uraian: Ekonomi kerakyatan.)" in arsitektur.splitlines()


def _text_of_html(path: Path) -> str:
    import html as html_module

    text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    return " ".join(html_module.unescape(text).split())


def _text_of_docx(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    texts = ("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)
    import html as html_module

    return " ".join(html_module.unescape(" ".join(texts)).split())


@pytest.mark.parametrize("reader", [_text_of_html, _text_of_docx], ids=["html", "docx"])
def test_since_log_reads_the_same_in_html_and_docx(edited: Path, reader: Any) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v1", "-f", "html,docx")
    assert code == 0, err
    suffix = ".html" if reader is _text_of_html else ".docx"
    text = reader(edited / "out" / f"masterplan{suffix}")
    for line in READER_LINES:
        words = line.lstrip(" -").replace("**", "")
        assert words in text, words
    assert "anggaran[" not in text and "{+" not in text


def test_diff_keeps_the_mentors_paths(edited: Path) -> None:
    """``spbe diff`` shows the same change objects as data paths, for mentors."""
    result = CliRunner().invoke(app, ["diff", "v1", "catalog"])
    assert "anggaran[2025].nilai: Rp 250.000.000 → Rp 100.000.000" in result.stdout
    assert "[-2022-2027-]{+2022–2027+}" in result.stdout


# -- every kind of value a Daftar Perubahan shows, by its label ----------------------------------

#: The small catalog as approved in v1 for ``revised``: a running program with a progress
#: entry and a digital service, and a reference document of the Master Plan.
APPROVED_V1 = {
    "program/economy.yaml": [
        (
            "horizon: menengah",
            "horizon: menengah\nstatus: berjalan\ndigital: true\nprogres:\n"
            '  - {tahun: 2026, triwulan: 1, tanggal: "2026-04-14", status: berjalan}\n'
            '  - {tahun: 2026, triwulan: 2, tanggal: "2026-07-13", status: berjalan}',
        ),
    ],
    "metadata.yaml": [
        (
            '    versi: "1.0"\n  arsitektur:',
            '    versi: "1.0"\n    keterkaitan:\n      - {jenis: lainnya, nama: Master Plan 2017}'
            "\n  arsitektur:",
        ),
    ],
}

#: A realistic revision: budget and status, a renamed application with edits, a new
#: regulation, a prose edit, a removed element, and coded values, ids, booleans and dates.
REVISION = {
    "program/economy.yaml": [
        ("nilai: 250000000", "nilai: 1500000"),
        ("status: berjalan\ndigital: true", "status: ditunda\ndigital: false"),
        ('tanggal: "2026-04-14"', 'tanggal: "2026-12-01"'),
        ("opd_pj: DISKOMINFO", "opd_pj: DISKOMINFO\nopd_pendukung: [BAPPEDA]"),
    ],
    "metadata.yaml": [
        ("{jenis: lainnya, nama: Master Plan 2017}", "{jenis: rpjmd, nama: Master Plan 2017}")
    ],
    "arsitektur/aplikasi.yaml": [
        ("id: APP-01\nnama: Portal Wisata", "id: APP-02\nnama: Portal Wisata Mimika"),
        ("kategori: khusus", "kategori: khusus\nbasis_aplikasi: web"),
    ],
    "arsitektur/layanan.yaml": [("[APP-01]", "[APP-02]")],
    "peta-rencana/aplikasi.yaml": [("[APP-01]", "[APP-02]")],
    "peta-rencana/keamanan.yaml": [("mengubah: [SEC-01]", "mengubah: [INFRA-01]")],
    "arsitektur/infrastruktur.yaml": [
        ("opd: DISKOMINFO", "opd: DISKOMINFO\nstatus_kepemilikan: sewa")
    ],
    "arsitektur/data.yaml": [
        (
            "sifat: terbuka\njenis: keuangan",
            "sifat: terbatas\njenis: statistik\ndata_pribadi: true",
        ),
    ],
    "prosa/latar-belakang.md": [("lintas OPD", "lintas perangkat daerah")],
    "kesiapan/kesiapan.yaml": [("sub_aspek: sdm\nkondisi: Cukup", "sub_aspek: sdm\nkondisi: Baik")],
}

#: Settings of the tool in the metadata: no change for a document's readers.
SETTINGS = "pengaturan:\n  bulan_mangkrak: 9\n"

NEW_FILES = {
    "opd/bappeda.yaml": "entitas: opd\nid: BAPPEDA\nnama: Badan Perencanaan Pembangunan Daerah\n"
    'jenis: badan\nurusan: ["5.01"]\n',
    "regulasi/perbup-data.yaml": "entitas: regulasi\nid: PERBUP-SATU-DATA\njenis: Perbup\n"
    "judul: Satu Data Kabupaten\ntingkat: daerah\nstatus: dibutuhkan\n",
}


def _edit(catalog: Path, edits: dict[str, list[tuple[str, str]]]) -> None:
    for name, pairs in edits.items():
        path = catalog / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def revised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Version v1 approved; then the edits of REVISION, an OPD and a regulation added, and the
    security item SEC-01 removed."""
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    _edit(catalog, APPROVED_V1)
    tag_v1(tmp_path)
    _edit(catalog, REVISION)
    for name, text in NEW_FILES.items():
        (catalog / name).write_text(text, encoding="utf-8")
    (catalog / "arsitektur" / "keamanan.yaml").unlink()
    metadata = catalog / "metadata.yaml"
    metadata.write_text(metadata.read_text(encoding="utf-8") + SETTINGS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


#: document -> the lines its Daftar Perubahan must hold for ``revised``, as readers read them.
REVISED_LINES = {
    "masterplan": [
        "### Uraian Dokumen",
        "- Uraian bagian Latar Belakang (bab Pendahuluan) direvisi.",
        # the reference document by its name (it read "butir 1" when the list was compared whole)
        "  - Jenis dokumen 'Master Plan 2017' (Master Plan Smart City): Lainnya → RPJMD",
        "- Ditambah: **Peraturan Bupati tentang Satu Data Kabupaten (dibutuhkan)**",
        "- Diubah: **Sentra Kerajinan Noken**",
        "  - Perangkat daerah pendukung: ditambah Badan Perencanaan Pembangunan Daerah",
        "  - Status: Berjalan → Ditunda",
        "  - Berbasis elektronik: Ya → Tidak",
        "  - Anggaran 2025: Rp 250.000.000 → Rp 1.500.000",
        "  - Tanggal kemajuan 2026 triwulan I: 14 April 2026 → 1 Desember 2026",
        "- Diubah: **Kesiapan SDM (pilar Struktur)**",
        "  - Kondisi: Cukup → Baik",
    ],
    "arsitektur": [
        "- Butir keamanan Audit Portal dihapus",
        "- Ditambah: **Badan Perencanaan Pembangunan Daerah**",
        "  - Sifat data: Terbuka → Terbatas",
        "  - Jenis: Keuangan → Statistik",
        "  - Memuat data pribadi: Tidak → Ya",
        "- Diubah: **Portal Wisata Mimika** (sebelumnya Portal Wisata)",
        "  - Nama: Portal Wisata → Portal Wisata Mimika",
        "  - Basis aplikasi ditambahkan (Web)",
        "  - Status kepemilikan: Milik sendiri → Sewa",
        "- Dihapus: **Audit Portal**",
    ],
    "peta-rencana": [
        "  - Elemen arsitektur yang dibangun atau diubah: ditambah Ruang Server;"
        " dikurangi Audit Portal",
    ],
}

#: What a reader must never meet in a Daftar Perubahan: ids, codes, file names, tool talk.
NOT_FOR_READERS = (
    "APP-0",
    "SEC-01",
    "BAPPEDA",
    "PERBUP-",
    "INFRA-01",
    "rpjmd",
    "lainnya",
    "sewa",
    "terbatas",
    "statistik",
    "latar-belakang",
    "latar_belakang",
    ".md",
    "prosa",
    "YAML",
    "katalog",
    "git",
    "true",
    "false",
    "2026-12-01",
    "1500000",
    "{+",
    "[-",
    "KS-",
    "engaturan",
    "mangkrak",
)


def test_revised_log_labels_every_value(revised: Path) -> None:
    code, out, err = invoke("catalog", "-o", "out", "--since", "v1", "-f", "md")
    assert code == 0, out + err
    for name, expected in REVISED_LINES.items():
        section = _log_section((revised / "out" / f"{name}.md").read_text(encoding="utf-8"))
        lines = section.splitlines()
        for line in expected:
            assert line in lines, (name, line, section)
        for word in NOT_FOR_READERS:
            assert word not in section, (name, word, section)
    # a reference that only followed the renamed application is no change of the service
    arsitektur = _log_section((revised / "out" / "arsitektur.md").read_text(encoding="utf-8"))
    assert "### Layanan" not in arsitektur
    for name in ("arsitektur", "peta-rencana"):
        other = _log_section((revised / "out" / f"{name}.md").read_text(encoding="utf-8"))
        # the prose edit is told once, in the document that prints the section
        assert "Uraian" not in other
        # the Master Plan's entry of the metadata is the Master Plan's news only
        assert "Master Plan 2017" not in other and "Keterangan Umum" not in other


@pytest.mark.parametrize("reader", [_text_of_html, _text_of_docx], ids=["html", "docx"])
def test_revised_log_reads_the_same_in_html_and_docx(revised: Path, reader: Any) -> None:
    code, _, err = invoke("catalog", "-o", "out", "--since", "v1", "-f", "html,docx")
    assert code == 0, err
    suffix = ".html" if reader is _text_of_html else ".docx"
    for name, expected in REVISED_LINES.items():
        text = reader(revised / "out" / f"{name}{suffix}")
        log = re.split(r"LAMPIRAN|TENTANG DOKUMEN INI", text.rsplit("DAFTAR PERUBAHAN", 1)[-1])[0]
        for line in expected:
            words = line.lstrip(" -#").replace("**", "")
            assert words in log, (name, words)
        for word in ("APP-0", "SEC-01", "rpjmd", "latar-belakang", "{+"):
            assert word not in log, (name, word)


def test_a_removed_regional_regulation_is_cited_with_its_region(tmp_path: Path) -> None:
    """A Perbup removed from the catalog names its region in the Daftar Perubahan, as the
    Dasar Hukum cites it, also when the metadata did not change (it read "Peraturan Bupati
    Nomor 5 Tahun 2021": a reader could not tell whose regulation was revoked)."""
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    old = catalog / "regulasi" / "perbup-lama.yaml"
    old.write_text(
        'entitas: regulasi\nid: PERBUP-LAMA\njenis: Perbup\nnomor: "5"\ntahun: 2021\n'
        "judul: Portal Resmi Daerah\ntingkat: daerah\nstatus: dicabut\n",
        encoding="utf-8",
    )
    tag_v1(tmp_path)
    old.unlink()
    code, _, err = invoke(str(catalog), "-o", str(tmp_path / "out"), "--since", "v1", "-f", "md")
    assert code == 0, err
    text = (tmp_path / "out" / "masterplan.md").read_text(encoding="utf-8")
    log = text.split("## DAFTAR PERUBAHAN", 1)[1]
    assert "- Dihapus: **Peraturan Bupati Mimika Nomor 5 Tahun 2021**" in log
    assert "Peraturan Bupati Nomor" not in log


def test_working_notes_are_no_change_for_readers(tmp_path: Path) -> None:
    """Sources (``rujukan``), an entity's own ``catatan`` and where a reference code comes from
    are printed in no document: the log listed them ("Rujukan: ditambah [source: owner/repo:
    references/x.md (third-party)]"), repository talk in a document for the Bupati."""
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    tag_v1(tmp_path)
    program = catalog / "program" / "economy.yaml"
    text = program.read_text(encoding="utf-8").replace(
        "regulasi: [PERBUP-SC]",
        "regulasi: [PERBUP-SC]\nrujukan: ['[source: owner/repo:references/x.md (third-party)]']\n"
        "catatan: dicek ulang di rapat",
    )
    program.write_text(text, encoding="utf-8")
    referensi = catalog / "referensi.yaml"
    referensi.write_text(
        referensi.read_text(encoding="utf-8").replace("sumber: contoh uji", "sumber: lain", 1),
        encoding="utf-8",
    )
    code, _, err = invoke(str(catalog), "-o", str(tmp_path / "out"), "--since", "v1", "-f", "md")
    assert code == 0, err
    for name in ("masterplan", "arsitektur"):
        log = (tmp_path / "out" / f"{name}.md").read_text("utf-8").split("## DAFTAR PERUBAHAN")[1]
        log = log.split("\n## ", 1)[0]
        assert "Tidak ada perubahan pada bagian dokumen ini." in log, log
        for word in ("Rujukan", "source", "Catatan", "Sentra Kerajinan Noken", "Sumber"):
            assert word not in log, (name, word, log)


def test_a_section_only_the_pemdas_own_template_prints_is_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Pemda's own masterplan template prints ``kearifan_lokal`` in a chapter of its own.

    Before: the Daftar Perubahan read the built-in templates only, so the edited section was
    left out of the Master Plan's log ("no change to this document") and ``spbe diff`` said
    it was printed in no document.
    """
    from spbe_cli.render.pipeline import builtin_templates

    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    own = (builtin_templates() / "masterplan.j2").read_text("utf-8")
    own += '\n## BAB IX KEARIFAN LOKAL\n\n### 9.1 Noken dan Tifa\n\n{{ prosa("kearifan_lokal") }}\n'
    (catalog / "templates").mkdir()
    (catalog / "templates" / "masterplan.j2").write_text(own, "utf-8")
    metadata = catalog / "metadata.yaml"
    metadata.write_text(
        metadata.read_text("utf-8").replace(
            "prosa:\n", "prosa:\n  kearifan_lokal: prosa/kearifan.md\n"
        ),
        "utf-8",
    )
    (catalog / "prosa" / "kearifan.md").write_text("Noken dirajut bersama.\n", "utf-8")
    tag_v1(tmp_path)
    (catalog / "prosa" / "kearifan.md").write_text("Noken dirajut bersama warga.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(
        "catalog", "-o", "out", "--since", "v1", "-f", "md", "--doc", "masterplan"
    )
    assert code == 0, err
    section = _log_section((tmp_path / "out" / "masterplan.md").read_text(encoding="utf-8"))
    assert "- Uraian bagian Noken dan Tifa (bab Kearifan Lokal) direvisi." in section.splitlines()
    # spbe diff names the document that prints it, read from the side's own templates.
    result = CliRunner().invoke(app, ["diff", "v1", "--format", "json", "--no-findings"])
    prose = json.loads(result.stdout)["prose"]
    assert [(p["section"], p["documents"]) for p in prose] == [("kearifan_lokal", ["masterplan"])]


def test_an_entity_whose_only_change_is_its_id_is_no_change_for_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SC-04 renumbered SC-40 everywhere (its file and every reference) and nothing else:
    readers know the program by its name, so the log does not list "Diubah: Puskesmas …"
    with nothing under it; ``spbe diff`` still shows the rename to mentors."""
    catalog = tmp_path / "catalog"
    shutil.copytree(SMALL, catalog)
    tag_v1(tmp_path)
    touched = 0
    for path in catalog.rglob("*.yaml"):
        text = path.read_text("utf-8")
        if re.search(r"\bSC-04\b", text):
            path.write_text(re.sub(r"\bSC-04\b", "SC-40", text), "utf-8")
            touched += 1
    assert touched >= 1
    code, _, err = invoke(str(catalog), "-o", str(tmp_path / "out"), "--since", "v1", "-f", "md")
    assert code == 0, err
    text = (tmp_path / "out" / "masterplan.md").read_text(encoding="utf-8")
    log = text.split("## DAFTAR PERUBAHAN", 1)[1].split("\n## ", 1)[0]
    assert "Tidak ada perubahan pada bagian dokumen ini." in log, log
    assert "Diubah" not in log
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["diff", "v1", "--format", "json", "--no-findings"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert [(c["change"], c["old_id"], c["id"]) for c in changes] == [("renamed", "SC-04", "SC-40")]
