"""The bundled catalog's documents in the words a Bupati and the ministry's evaluators read.

Each test pins one thing found by reading every page of the four documents: a code of the
SIA-SPBE portal shown raw, a perangkat daerah named in two ways in one document, an abbreviation
the Daftar Singkatan did not explain, an English word where an Indonesian one exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spbe_cli.loader import load_catalog
from spbe_cli.render.pipeline import RenderOptions, render_catalog

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "out"
    options = RenderOptions(catalog=CATALOG, out=out, force=True, formats=["md"])
    assert render_catalog(options).written
    return out


def _rows(md: str, caption: str) -> list[list[str]]:
    """The body rows of the table captioned ``caption`` (its first one)."""
    lines = md.split("\n")
    at = next(n for n, line in enumerate(lines) if caption in line and line.startswith("*Tabel"))
    rows = []
    for line in lines[at + 4 :]:
        if not line.startswith("| "):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def _metadata(md: str, caption: str) -> dict[str, dict[str, str]]:
    """The SIA-SPBE appendix table: element -> its fields ("Label: value; Label: value")."""
    found = {}
    for name, fields in _rows(md, caption):
        # a field's label starts a "; " part; a value holding "; " stays with its label
        parts = re.split(r"; (?=[A-Z][\w ()/-]*: )", fields)
        found[name.rstrip(" †")] = dict(part.split(": ", 1) for part in parts)
    return found


# -- the SIA-SPBE appendix ---------------------------------------------------------------------


def test_the_sia_appendix_shows_each_code_by_its_meaning(bundled: Path) -> None:
    # The appendix showed the portal's codes: "Status kepemilikan: milik", "Jenis pemilik:
    # kementerian lembaga", "Sifat data: terbuka", while the domain tables said "Milik sendiri".
    md = (bundled / "arsitektur.md").read_text("utf-8")
    infra = _metadata(md, "Metadata SIA-SPBE domain Infrastruktur SPBE")
    assert infra["Ruang kendali smart city"]["Status kepemilikan"] == "Milik sendiri"
    assert infra["Ruang kendali smart city"]["Jenis"] == "Fasilitas Komputasi"  # reference data
    assert infra["Ruang kendali smart city"]["Status"] == "Rencana"
    apps = _metadata(md, "Metadata SIA-SPBE domain Aplikasi SPBE")
    assert apps["Dapodik"]["Jenis pemilik"] == "Kementerian/lembaga"
    assert apps["Dapodik"]["Basis aplikasi"] == "Web"
    data = _metadata(md, "Metadata SIA-SPBE domain Data dan Informasi")
    destinasi = data["Data destinasi dan kunjungan wisata"]
    assert destinasi["Sifat data"] == "Terbuka"
    assert destinasi["Validitas (pemutakhiran)"] == "Bulanan"
    assert destinasi["Memuat data pribadi"] == "Tidak"
    assert destinasi["Pembina data"] == "Badan Pusat Statistik"  # its name in the reference data


def test_the_sia_appendix_words_a_code_as_the_domain_table_does(bundled: Path) -> None:
    md = (bundled / "arsitektur.md").read_text("utf-8")
    infra = _metadata(md, "Metadata SIA-SPBE domain Infrastruktur SPBE")
    table = _rows(md, "Elemen domain Infrastruktur SPBE")
    assert table
    for row in table:
        name, jenis, kepemilikan, status = row[1].rstrip(" †"), row[2], row[4], row[6]
        assert infra[name]["Jenis"] == jenis, name
        assert kepemilikan.startswith(infra[name]["Status kepemilikan"]), name
        assert infra[name]["Status"] == status, name


def test_no_sia_appendix_value_is_a_raw_code(bundled: Path) -> None:
    md = (bundled / "arsitektur.md").read_text("utf-8")
    appendix = md.partition("## LAMPIRAN")[2].partition("\n## ")[0]
    coded = {"Status", "Jenis", "Sifat data", "Validitas (pemutakhiran)", "Kategori"}
    coded |= {"Jenis pemilik", "Basis aplikasi", "Status kepemilikan", "Memuat data pribadi"}
    coded |= {"Berbasis elektronik"}
    captions = re.findall(r"^\*Tabel L\.\d+\. (.+)\*$", appendix, re.M)
    assert len(captions) == 6
    for caption in captions:
        for name, fields in _metadata(appendix, caption).items():
            for label in coded & set(fields):
                value = fields[label]
                assert value[:1].isupper() and "_" not in value, (name, label, value)


# -- perangkat daerah: one name in every table and sentence ----------------------------------


@pytest.mark.parametrize("doc", ["laporan", "masterplan", "arsitektur", "peta-rencana"])
def test_a_perangkat_daerah_goes_by_its_short_name_outside_the_daftar_singkatan(
    bundled: Path, doc: str
) -> None:
    # The Laporan named Diskominfo "Diskominfo" in its summary and tables 2.1 and 3.1, and
    # "Dinas Komunikasi dan Informatika Kabupaten Mimika" in table 4.1 and chapter 5.
    catalog, _ = load_catalog(CATALOG)
    opds = [o for o in catalog.of_kind("opd") if o.singkatan and o.singkatan != o.nama]
    assert opds
    text = (bundled / f"{doc}.md").read_text("utf-8")
    head, _, rest = text.partition("## DAFTAR SINGKATAN\n")
    body = rest.partition("\n## ")[2]
    for opd in opds:
        # the one place besides the list: the heading of its own section in an appendix
        own = f"\n### {opd.nama} ({opd.singkatan})\n"
        assert opd.nama not in (head + body).replace(own, "\n"), (doc, opd.nama)


def test_the_laporan_names_the_same_perangkat_daerah_alike_everywhere(bundled: Path) -> None:
    md = (bundled / "laporan.md").read_text("utf-8")
    per_opd = {row[0] for row in _rows(md, "Kemajuan per perangkat daerah")} - {"**Jumlah**"}
    programs = {row[1] for row in _rows(md, "Program yang direncanakan tahun")}
    assert programs and programs <= per_opd
    attention = md.partition("## 5. PERLU PERHATIAN")[2].partition("\n## ")[0]
    named = set(re.findall(r"^- .+? \(([^()]+)\): ", attention, re.M))
    assert named and named <= per_opd, named - per_opd


def test_a_short_name_of_several_words_is_in_the_daftar_singkatan(bundled: Path) -> None:
    # "Diskop UKM" and "Bagian PBJ" stood in the tables with no entry: "Diskop" and "PBJ" are
    # no words a reader can look up elsewhere. "Bagian Hukum" keeps the words of its name.
    md = (bundled / "arsitektur.md").read_text("utf-8")
    listed = md.partition("## DAFTAR SINGKATAN\n")[2].partition("\n## ")[0]
    assert "- **Diskop UKM**: Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Mimika" in listed
    assert "- **Bagian PBJ**: Bagian Pengadaan Barang dan Jasa Sekretariat Daerah" in listed
    assert "**Bagian Hukum**" not in listed


# -- English words in the catalog's text --------------------------------------------------------


@pytest.mark.parametrize("doc", ["laporan", "masterplan", "arsitektur", "peta-rencana"])
def test_liaison_officer_and_pic_read_in_indonesian(bundled: Path, doc: str) -> None:
    # "diteruskan melalui liaison officer kepada tiga PIC": the Indonesian terms exist
    # (petugas penghubung, penanggung jawab); the source's own words stay, quoted, once.
    text = (bundled / f"{doc}.md").read_text("utf-8")
    body = text.partition("## DAFTAR SINGKATAN\n")[2].partition("\n## ")[2]
    unquoted = re.sub(r'\("liaison officer"\)|\("person in charge", PIC\)', "", body)
    assert "liaison officer" not in unquoted.lower(), doc
    assert not re.search(r"\bPIC\b", unquoted), doc


# -- a value not set reads "-", never an empty cell ---------------------------------------------


def test_a_target_not_set_reads_as_a_dash(bundled: Path) -> None:
    # "Laporan yang ditindaklanjuti tepat waktu | persen | 50 (2025) |  | 70 | 85": the 2025
    # column was empty (the baseline's year), where every other table writes "-".
    md = (bundled / "masterplan.md").read_text("utf-8")
    rows = _rows(md, "Indikator dan target program Penguatan Kanal Pengaduan Mimika Center")
    name, unit = "Laporan yang ditindaklanjuti tepat waktu", "persen"
    assert rows[0] == [name, unit, "50 (2025)", "-", "70", "85"]
    captions = re.findall(r"^\*Tabel [\d.]+\. (Indikator dan target program .+)\*$", md, re.M)
    captions += ["Sasaran dan indikator per dimensi"]
    for caption in captions:
        for row in _rows(md, caption):
            assert all(cell for cell in row[2:]), (caption, row)
    strategi = _rows((bundled / "arsitektur.md").read_text("utf-8"), "Peta Strategi")
    assert strategi and all(cell for row in strategi for cell in row[3:]), strategi


# -- lists of names: "; " between names that hold commas ----------------------------------------


def test_names_in_a_cell_are_apart_by_semicolons(bundled: Path) -> None:
    # "Data kejadian dan risiko bencana, Data geospasial tata ruang dan batas wilayah distrik":
    # with names such as "Data trayek, angkutan umum dan lalu lintas" a comma cannot tell where
    # one name ends. The domain tables write "; " already; the matrices and the program profile
    # wrote ", ".
    md = (bundled / "arsitektur.md").read_text("utf-8")
    rows = _rows(md, "Aplikasi SPBE × Data dan Informasi: BPBD")
    assert rows == [
        [
            "Sistem Informasi dan Peringatan Dini Bencana",
            "Data kejadian dan risiko bencana; "
            "Data geospasial tata ruang dan batas wilayah distrik",
        ]
    ]
    plan = (bundled / "masterplan.md").read_text("utf-8")
    profile = dict(_rows(plan, "Profil program Penguatan Kanal Pengaduan Mimika Center"))
    assert profile["Terkait SPBE"] == "Layanan pengaduan warga Mimika Center; SP4N-LAPOR!"


def test_the_aplikasi_umum_beside_its_category_goes_by_its_name(bundled: Path) -> None:
    # "Umum (SP4N-LAPOR)": the reference data's code, where its name is "SP4N-LAPOR!".
    md = (bundled / "arsitektur.md").read_text("utf-8")
    rows = {row[1].rstrip(" †"): row[2] for row in _rows(md, "Elemen domain Aplikasi SPBE")}
    assert rows["SP4N-LAPOR!"] == "Umum (SP4N-LAPOR!)"
    assert rows["SRIKANDI"] == "Umum (SRIKANDI)"
