"""What a reader outside the Pemda needs to read a document: quarters, abbreviations, codes.

A KemenPANRB evaluator reads "triwulan III", as government documents write it, not "triwulan 3";
finds every abbreviation the document uses (APBD, RKPD, Dinkes) in its "Daftar Singkatan"; and
finds the Master Plan's appendix naming each SPBE element by its reference code, as the
Arsitektur SPBE does.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from spbe_cli.formatting import JENIS_REGULASI, romawi, triwulan
from spbe_cli.reference import load_data, load_reference
from spbe_cli.render.abbreviations import DATA_FILE, known_abbreviations
from spbe_cli.render.document import (
    Document,
    Heading,
    ListBlock,
    Paragraph,
    parse_document,
    plain,
)
from spbe_cli.render.engine import element_code
from spbe_cli.render.pipeline import RenderOptions, render_catalog

ROOT = Path(__file__).resolve().parent.parent

# -- quarters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "I"), (3, "III"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (2026, "MMXXVI")],
)
def test_romawi(number: int, text: str) -> None:
    assert romawi(number) == text


@pytest.mark.parametrize("number", [0, -1, 4000])
def test_romawi_refuses_what_has_no_numeral(number: int) -> None:
    with pytest.raises(ValueError, match="no Roman numeral"):
        romawi(number)


def test_a_quarter_as_readers_write_it() -> None:
    assert [triwulan(q) for q in (1, 2, 3, 4)] == [
        "triwulan I",
        "triwulan II",
        "triwulan III",
        "triwulan IV",
    ]
    assert triwulan(3, capital=True) == "Triwulan III"
    assert triwulan(3, "en") == "Q3"


def test_a_changed_quarter_reads_in_roman_numerals() -> None:
    from spbe_cli.render.changes import reader_line

    field = {
        "loc": [{"field": "progres"}, {"item": [["tahun", 2026]]}, {"field": "triwulan"}],
        "old": 2,
        "new": 3,
        "illustrative": False,
    }
    labels = {"progres": "Kemajuan", "triwulan": "Triwulan"}
    assert reader_line(field, labels, {}, {}, " †", "program") == "Triwulan kemajuan 2026: II → III"


# -- the list of abbreviations ---------------------------------------------------------------------

KNOWN = {"APBD": "Anggaran Pendapatan dan Belanja Daerah", "ASN": "Aparatur Sipil Negara"}
KNOWN |= {"RAB": "Referensi Arsitektur Proses Bisnis", "RKPD": "Rencana Kerja Pemerintah Daerah"}


def _source(body: str) -> str:
    return (
        "~~~spbe-sampul\n# Judul\n~~~\n\n~~~spbe-daftar-isi\n~~~\n\n"
        "~~~spbe-singkatan\n## DAFTAR SINGKATAN\n~~~\n\n## BAB I PENDAHULUAN\n\n" + body
    )


def _listed(document: Document) -> list[str]:
    blocks = list(document.walk())
    at = next(n for n, b in enumerate(blocks) if isinstance(b, Heading) and "SINGKATAN" in b.text)
    found = next(b for b in blocks[at:] if isinstance(b, ListBlock))
    return [plain(item[0].inline) for item in found.items if isinstance(item[0], Paragraph)]


def test_the_list_holds_the_abbreviations_the_document_shows_in_order() -> None:
    body = (
        "Dana dari APBD dan RKPD.\n\n~~~spbe-tabel\nKode\n\n| Kode | Nama |\n|---|---|\n"
        "| RAB.01 | Aplikasi SI-ASN |\n~~~\n"
    )
    document = parse_document("uji", _source(body), abbreviations=KNOWN)
    # RAB in the code RAB.01 is shown; ASN inside the name SI-ASN is not an abbreviation shown
    assert _listed(document) == [
        "APBD: Anggaran Pendapatan dan Belanja Daerah",
        "RAB: Referensi Arsitektur Proses Bisnis",
        "RKPD: Rencana Kerja Pemerintah Daerah",
    ]
    item = next(b for b in document.walk() if isinstance(b, ListBlock)).items[0][0]
    assert isinstance(item, Paragraph) and item.inline[0].bold  # the abbreviation stands out
    assert "DAFTAR SINGKATAN" in [h.text for h in document.contents()]  # and is in the contents


def test_without_an_abbreviation_shown_the_section_is_gone() -> None:
    for known in (KNOWN, None):
        document = parse_document("uji", _source("Tanpa singkatan.\n"), abbreviations=known)
        assert [h.text for h in document.headings()] == ["Judul", "BAB I PENDAHULUAN"]
        assert not [b for b in document.walk() if isinstance(b, ListBlock)]


def test_the_list_is_the_same_whatever_the_order_of_the_text() -> None:
    one = parse_document("uji", _source("RKPD lalu APBD.\n"), abbreviations=KNOWN)
    two = parse_document("uji", _source("APBD lalu RKPD.\n"), abbreviations=KNOWN)
    assert (
        _listed(one)
        == _listed(two)
        == [
            "APBD: Anggaran Pendapatan dan Belanja Daerah",
            "RKPD: Rencana Kerja Pemerintah Daerah",
        ]
    )


def test_the_known_abbreviations_come_from_their_one_homes() -> None:
    opds = [
        SimpleNamespace(singkatan="Dinkes", nama="Dinas Kesehatan Kabupaten Contoh"),
        SimpleNamespace(singkatan="Bappeda", nama="Badan Perencanaan Pembangunan Daerah Contoh"),
        SimpleNamespace(singkatan="Inspektorat", nama="Inspektorat Kabupaten Contoh"),
        SimpleNamespace(singkatan="Bagian Hukum", nama="Bagian Hukum Sekretariat Daerah"),
        SimpleNamespace(singkatan="Diskop UKM", nama="Dinas Koperasi dan Usaha Kecil Menengah"),
        SimpleNamespace(singkatan=None, nama="Dinas Sosial"),
    ]
    known = known_abbreviations(load_reference(), opds)
    assert known["APBD"] == "Anggaran Pendapatan dan Belanja Daerah"  # the bundled list
    assert known["Perbup"] == JENIS_REGULASI["Perbup"] == "Peraturan Bupati"  # as citations
    assert known["RAB"] == "Referensi Arsitektur Proses Bisnis"  # the reference data
    assert known["RAK"] == "Referensi Arsitektur Keamanan SPBE"
    assert known["Dinkes"] == "Dinas Kesehatan Kabupaten Contoh"  # the catalog's OPD
    assert known["Bappeda"] == "Badan Perencanaan Pembangunan Daerah Contoh"  # its own wins
    assert "Inspektorat" not in known and "Bagian Hukum" not in known  # words, not abbreviations
    # "Diskop" is no word of the name: a reader needs the list to know whom it names
    assert known["Diskop UKM"] == "Dinas Koperasi dan Usaha Kecil Menengah"


def test_a_short_name_of_several_words_is_listed_when_shown_whole() -> None:
    # The Laporan and the Arsitektur named "Diskop UKM" and "Bagian PBJ" in their tables, and
    # their Daftar Singkatan had neither: only single words were looked for.
    known = {**KNOWN, "Diskop UKM": "Dinas Koperasi dan Usaha Kecil Menengah"}
    shown = parse_document(
        "uji", _source("Program milik Diskop\nUKM dan APBD.\n"), abbreviations=known
    )
    assert _listed(shown) == [
        "APBD: Anggaran Pendapatan dan Belanja Daerah",
        "Diskop UKM: Dinas Koperasi dan Usaha Kecil Menengah",
    ]
    apart = parse_document(
        "uji", _source("Diskop saja; UKM di tempat lain; APBD.\n"), abbreviations=known
    )
    assert "Diskop UKM" not in " ".join(_listed(apart))
    listed = parse_document("uji", _source("(Diskop UKM), APBD.\n"), abbreviations=known)
    assert "Diskop UKM: Dinas Koperasi dan Usaha Kecil Menengah" in _listed(listed)
    for text in ("Diskop, UKM dan APBD.\n", "Diskop UKMK dan APBD.\n"):
        other = parse_document("uji", _source(text), abbreviations=known)
        assert _listed(other) == ["APBD: Anggaran Pendapatan dan Belanja Daerah"], text


def test_the_bundled_list_is_well_formed() -> None:
    entries = load_data(DATA_FILE)["singkatan"]
    keys = [e["singkatan"] for e in entries]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys, key=str.casefold)  # kept in order, so a duplicate shows
    for entry in entries:
        assert set(entry) <= {"singkatan", "kepanjangan", "dasar"}, entry
        assert entry["kepanjangan"].strip() and entry["kepanjangan"] != entry["singkatan"]
        assert re.fullmatch(r"[\w!-]+", entry["singkatan"]), entry  # matched as one word
    assert "CSR" not in keys  # an expansion the regulations do not give is left out


# -- reference codes -------------------------------------------------------------------------------


def test_an_element_code_carries_its_mark() -> None:
    app = SimpleNamespace(raa="RAA.01", nama="Portal")
    marks = {"RAA.01": " ‡"}
    assert element_code(app, "aplikasi", marks) == "RAA.01 ‡"
    assert element_code(app, "aplikasi", {}) == "RAA.01"
    assert element_code(SimpleNamespace(rab=None), "proses_bisnis", marks) == "-"


# -- the bundled catalog as a reader meets it --------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "out"
    options = RenderOptions(catalog=ROOT / "catalog", out=out, force=True, formats=["md"])
    assert render_catalog(options).written
    return out


@pytest.mark.parametrize("doc", ["arsitektur", "masterplan", "peta-rencana", "laporan"])
def test_every_abbreviation_listed_is_shown_and_every_one_shown_is_listed(
    bundled: Path, doc: str
) -> None:
    text = (bundled / f"{doc}.md").read_text("utf-8")
    head, _, rest = text.partition("## DAFTAR SINGKATAN\n")
    assert rest, doc
    listed_part, _, body = rest.partition("\n## ")
    listed = re.findall(r"^- \*\*(.+?)\*\*: ", listed_part, re.M)
    assert listed == sorted(listed, key=lambda w: (w.casefold(), w)), doc
    words = set(re.findall(r"[\w!]+(?:-[\w!]+)*", head + body))
    # a short name of several words (Diskop UKM) is shown as a whole
    assert {w for w in listed if " " not in w} <= words, doc
    assert all(w in head + body for w in listed if " " in w), doc
    known = known_abbreviations(load_reference(), [])
    assert {"APBD", "SPBE"} <= set(listed) or doc != "masterplan"
    for word in ("APBD", "RKPD", "RPJMD", "SPBE"):
        if word in words:
            assert word in listed, (doc, word)
            assert f"**{word}**: {known[word]}" in listed_part


def test_the_masterplan_appendix_names_each_element_by_its_code(bundled: Path) -> None:
    text = (bundled / "masterplan.md").read_text("utf-8")
    appendix = text.split("## LAMPIRAN", 1)[1]
    assert "| Kode | Elemen SPBE | Domain | Peran |" in appendix
    rows = re.findall(r"^\| (RA[BDLAIK][.\d]*(?: [†‡])?) \| ", appendix, re.M)
    assert rows and len(rows) == appendix.count("| Proses Bisnis |") + sum(
        appendix.count(f"| {d} |")
        for d in (
            "Data dan Informasi",
            "Layanan SPBE",
            "Aplikasi SPBE",
            "Infrastruktur SPBE",
            "Keamanan SPBE",
        )
    )
    arsitektur = (bundled / "arsitektur.md").read_text("utf-8")
    for code in {r for r in rows if r.endswith(("†", "‡"))}:
        assert f"| {code} |" in arsitektur  # the same code and mark as the Arsitektur's tables
    marks = {r[-1] for r in rows if r.endswith(("†", "‡"))}
    if "‡" in marks:
        assert "Tanda ‡ menandai kode referensi hasil inferensi" in text  # the cover explains it


def test_no_phrase_runs_from_one_text_into_the_next() -> None:
    # The texts of a document are read as a set, in an order that changes with the hash seed:
    # "Program Diskop" then "UKM ..." must not make "Diskop UKM": the list would then depend on
    # the hash seed, and the same catalog would not give the same bytes.
    from spbe_cli.render.document import _TEXTS_APART, _phrases_shown

    assert _phrases_shown(f"Program Diskop {_TEXTS_APART} UKM binaan", ["Diskop UKM"]) == set()
    assert _phrases_shown("Program Diskop UKM binaan", ["Diskop UKM"]) == {"Diskop UKM"}
