"""Authoring mistakes Diskominfo staff make in catalog YAML, each told once, at its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from spbe_cli.errors import Finding
from spbe_cli.i18n import use_language
from spbe_cli.parsing import from_json, parse_bytes, to_json
from spbe_cli.validate import validate_catalog
from tests.helpers import copy_minimal, edit

ECONOMY = Path("program") / "economy.yaml"


def _edit(root: Path, rel: Path, old: str, new: str) -> None:
    edit(root / rel, old, new)


def _found(root: Path, lang: str = "id") -> list[Finding]:
    with use_language(lang):
        _, report = validate_catalog(root, "")
    return report.findings


def _places(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.location.path, f.location.line, f.location.column) for f in findings]


# -- 1.500 read as 1,5 -----------------------------------------------------------------------


def test_a_thousands_dot_in_a_numeric_field_is_a_warning_naming_both_readings(
    tmp_path: Path,
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "baseline: 10", "baseline: 1.500")
    _edit(root, ECONOMY, "{2026: 50, 2027: 80}", "{2026: 2.000, 2027: '12.500'}")
    found = _found(root)
    assert _places(found) == [
        ("SPBE110", "program/economy.yaml", 13, 15),
        ("SPBE110", "program/economy.yaml", 14, 20),
        ("SPBE110", "program/economy.yaml", 14, 33),
    ]
    assert found[0].message == (
        "indikator[0].baseline: 1.500 dibaca sebagai 1,5; untuk seribu lima ratus tulis 1500"
    )
    assert found[1].message.endswith("2.000 dibaca sebagai 2; untuk dua ribu tulis 2000")
    assert found[2].message.endswith(
        "12.500 dibaca sebagai 12,5; untuk dua belas ribu lima ratus tulis 12500"
    )
    english = _found(root, "en")
    assert english[0].message == (
        "indikator[0].baseline: 1.500 is read as 1.5; for one thousand five hundred write 1500"
    )


@pytest.mark.parametrize(
    "value",
    [
        "0.500",  # a leading zero: a decimal, not a thousand
        "1.5",
        "1.25",
        "1500",
        "1234.500",  # not grouping: four digits before the dot
    ],
)
def test_decimals_that_are_not_thousands_are_quiet(tmp_path: Path, value: str) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "baseline: 10", f"baseline: {value}")
    assert _places(_found(root)) == []


def test_a_thousands_dot_in_a_text_field_is_quiet(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "satuan: persen", "satuan: 1.500")
    assert _places(_found(root)) == []


def test_numbers_with_more_thousands_dots_or_a_comma_are_errors_with_a_fix(
    tmp_path: Path,
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "baseline: 10", "baseline: 12.000.000")
    [finding] = _found(root)
    assert _places([finding]) == [("SPBE101", "program/economy.yaml", 13, 15)]
    assert finding.hint == "tulis angka tanpa pemisah ribuan: 12000000"

    root = copy_minimal(tmp_path / "d")
    _edit(root, ECONOMY, "baseline: 10", "baseline: 1,5")
    [finding] = _found(root)
    assert _places([finding]) == [("SPBE101", "program/economy.yaml", 13, 15)]
    assert finding.hint == "pecahan memakai titik, mis. 75.5"


@pytest.mark.parametrize(
    ("old", "new", "place", "field"),
    [
        # A year '5' below 1945 and an empty value were two findings about one comma.
        ("{2026: 50, 2027: 80}", "{2026: 1,5, 2027: 80}", (14, 22), "indikator[0].target"),
        # An unknown field '5' in a mapping of fields.
        ("baseline: 10", "baseline: {a: 1}", (13, 15), None),
    ],
)
def test_a_decimal_comma_inside_braces_is_one_finding_that_says_so(
    tmp_path: Path, old: str, new: str, place: tuple[int, int], field: str | None
) -> None:
    root = copy_minimal(tmp_path / "c")
    if field is None:  # '{nama: x, satuan: y, baseline: 1,5, ...}' as written in flow style
        _edit(
            root,
            ECONOMY,
            "  - nama: Capaian\n    satuan: persen\n    baseline: 10\n",
            "  - {nama: Capaian, satuan: persen, baseline: 1,25}\n",
        )
        _edit(root, ECONOMY, "    target: {2026: 50, 2027: 80}\n", "")
        place, field = (11, 49), "indikator[0]"
    else:
        _edit(root, ECONOMY, old, new)
    found = _found(root)
    assert _places(found) == [("SPBE101", "program/economy.yaml", *place)]
    whole, digits = ("1", "5") if "1,5" in new else ("1", "25")
    assert found[0].message == (
        f"{field}: di dalam kurung kurawal koma memisahkan kolom, jadi {whole},{digits} "
        f"terbaca sebagai {whole} dan kolom '{digits}' yang kosong; pecahan memakai titik: "
        f"{whole}.{digits}"
    )


@pytest.mark.parametrize("value", ["1.500", "250.000.000"])
def test_a_thousands_dot_in_a_rupiah_field_is_an_error_with_the_digits(
    tmp_path: Path, value: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "nilai: 250000000", f"nilai: {value}")
    [finding] = _found(root)
    assert _places([finding]) == [("SPBE101", "program/economy.yaml", 16, 26)]
    assert finding.hint == f"tulis angka tanpa pemisah ribuan: {value.replace('.', '')}"


def test_candidates_survive_the_cache_round_trip() -> None:
    parsed = parse_bytes(b"entitas: program\nbaseline: 1.500\nx: [0.500, '2.000']\n")
    assert parsed.documents[0].grouped == ((2, 11, "1.500"), (3, 12, "2.000"))
    assert from_json(to_json(parsed)) == parsed


# -- ' #1' read as a comment ----------------------------------------------------------------


def test_a_comment_glued_to_a_value_is_a_warning_at_the_hash(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "nama: Sentra Kerajinan Noken", "nama: Sentra Kerajinan #2")
    _edit(root, ECONOMY, "satuan: persen", "satuan: persen  #nomor")
    found = _found(root)
    assert _places(found) == [
        ("SPBE111", "program/economy.yaml", 3, 24),
        ("SPBE111", "program/economy.yaml", 12, 21),
    ]
    assert found[0].message == (
        "teks '#2' sesudah nilai 'Sentra Kerajinan' terbaca sebagai komentar (' #' memulai "
        "komentar) dan tidak masuk ke nilai; bila teks itu bagian dari nilai, tulis seluruh "
        'nilai di antara tanda kutip: "Sentra Kerajinan #2"'
    )
    assert "is read as a comment" not in _found(root, "en")[0].message
    assert "was read as a comment" in _found(root, "en")[0].message


def test_a_comment_glued_where_the_value_should_be_is_a_warning_that_it_is_empty(
    tmp_path: Path,
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "regulasi: [PERBUP-SC]", "regulasi: [PERBUP-SC]\ncatatan: #2 sentra")
    found = _found(root)
    assert _places(found) == [("SPBE111", "program/economy.yaml", 18, 10)]
    assert found[0].message == (
        "teks '#2 sentra' terbaca sebagai komentar (' #' memulai komentar), jadi nilai ini "
        'kosong; bila teks itu nilainya, tulis di antara tanda kutip: "#2 sentra"'
    )


@pytest.mark.parametrize(
    ("old", "new", "place", "meant"),
    [
        # A required field: "kosong" and "read as a comment" were two findings of one mistake.
        ("tahun_mulai: 2025", "tahun_mulai: #2025", ("SPBE101", ECONOMY.as_posix(), 7, 13), "2025"),
        # A list item, inside brackets.
        (
            "regulasi: [PERBUP-SC]",
            "regulasi:\n  - #PERBUP-SC",
            ("SPBE101", ECONOMY.as_posix(), 18, 4),
            "PERBUP-SC",
        ),
    ],
)
def test_a_comment_that_empties_a_required_value_is_one_error(
    tmp_path: Path, old: str, new: str, place: tuple[str, str, int, int], meant: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, old, new)
    found = _found(root)
    assert _places(found) == [place]
    field = old.split(":")[0]
    assert (
        found[0].message.startswith(f"{field}")
        and f"'#{meant}' sesudah ':' terbaca sebagai komentar" in found[0].message
    )
    assert found[0].hint == (
        f"tulis nilainya tanpa '#': {meant}; bila '#' memang bagian dari nilai, tulis di antara "
        f'tanda kutip: "#{meant}"'
    )
    english = _found(root, "en")
    assert _places(english) == [place]
    assert "was read as a comment (' #' starts a comment), not as the value" in english[0].message


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        # The entity meant is plain: references to DISKOMINFO (opd_pj of every program, the
        # metadata's tim) were each one more "not found", with "did you mean" another OPD.
        ("id: DISKOMINFO", "id: #DISKOMINFO", ("SPBE101", "opd/diskominfo.yaml", 2, 4)),
        ("entitas: opd", "entitas: #opd", ("SPBE012", "opd/diskominfo.yaml", 1, 9)),
    ],
)
def test_a_comment_that_empties_an_id_or_kind_is_one_error(
    tmp_path: Path, old: str, new: str, place: tuple[str, str, int, int]
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("opd") / "diskominfo.yaml", old, new)
    found = [f for f in _found(root) if f.severity.value != "info"]
    assert _places(found) == [place]
    assert "terbaca sebagai komentar" in found[0].message


@pytest.mark.parametrize(
    "line",
    [
        "nama: Sentra Kerajinan # catatan",  # a comment meant as one: a space after '#'
        "nama: 'Sentra Kerajinan #2'",  # quoted: the '#' is part of the value
        "nama: Sentra#2",  # no space before '#': part of the value
        "nama: Sentra Kerajinan\n# komentar di baris sendiri",
        "nama: |\n  Sentra #2",  # a block keeps its '#'
    ],
)
def test_comments_meant_as_comments_are_quiet(tmp_path: Path, line: str) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "nama: Sentra Kerajinan Noken", line)
    assert [f for f in _found(root) if f.code == "SPBE111"] == []


# -- a placeholder is one finding ------------------------------------------------------------


@pytest.mark.parametrize(
    ("pilar", "sub_aspek", "places"),
    [
        # As `spbe new kesiapan` writes them: SPBE206 "not in the list" was said as well.
        ('"[ISI]"', '"[ISI]"', [(22, 8), (23, 12)]),
        ("struktur", "'[ISI: sub-aspek]'", [(23, 12)]),
    ],
)
def test_a_placeholder_checked_against_a_list_is_one_finding(
    tmp_path: Path, pilar: str, sub_aspek: str, places: list[tuple[int, int]]
) -> None:
    root = copy_minimal(tmp_path / "c")
    path = root / "kesiapan" / "kesiapan.yaml"
    new = f"\n---\nentitas: kesiapan\nid: KS-BARU\npilar: {pilar}\nsub_aspek: {sub_aspek}\n"
    path.write_text(path.read_text("utf-8") + new + "kondisi: Cukup\n", "utf-8")
    assert _places(_found(root)) == [
        ("SPBE901", "kesiapan/kesiapan.yaml", *place) for place in places
    ]


def test_a_placeholder_region_name_is_one_finding(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("metadata.yaml"), "nama: Kabupaten Mimika", 'nama: "[ISI]"')
    assert _places(_found(root)) == [("SPBE901", "metadata.yaml", 4, 9)]


def test_a_value_not_in_the_list_is_still_an_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("kesiapan") / "kesiapan.yaml", "sub_aspek: sdm", "sub_aspek: sdmm")
    assert _places(_found(root)) == [("SPBE206", "kesiapan/kesiapan.yaml", 4, 12)]


# -- the kind of a Pemda follows its code ----------------------------------------------------


def test_a_kota_with_the_code_of_a_kabupaten_is_an_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("metadata.yaml"), "jenis: kabupaten", "jenis: kota")
    found = [f for f in _found(root) if f.code == "SPBE305"]
    assert _places(found) == [("SPBE305", "metadata.yaml", 5, 10)]
    assert found[0].message == (
        "jenis 'kota' tidak cocok dengan kode 94.04, yang menurut data wilayah adalah "
        "kabupaten Mimika"
    )


def test_a_kind_word_in_the_name_follows_the_code(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("metadata.yaml"), "nama: Kabupaten Mimika", "nama: Kota Mimika")
    found = _found(root)
    assert _places(found) == [("SPBE305", "metadata.yaml", 4, 9)]
    assert found[0].message.endswith("adalah Kabupaten Mimika")
    # Without a kind word the name is still the region's.
    root = copy_minimal(tmp_path / "d")
    _edit(root, Path("metadata.yaml"), "nama: Kabupaten Mimika", "nama: Mimika")
    assert _places(_found(root)) == []


@pytest.mark.parametrize(
    ("written", "place"),
    [
        ("entitas: #metadata", ("SPBE012", "metadata.yaml", 1, 9)),
        ("entitas: Metadata", ("SPBE013", "metadata.yaml", 1, 10)),
    ],
)
def test_a_mistyped_metadata_kind_is_not_also_no_metadata(
    tmp_path: Path, written: str, place: tuple[str, str, int, int]
) -> None:
    # The metadata is there, refused: SPBE107 "the catalog has no metadata" said it twice.
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("metadata.yaml"), "entitas: metadata", written)
    assert _places(_found(root)) == [place]


# -- a value of the wrong shape: the hint shows the field written the right way ----------------


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "saran", "hint"),
    [
        (
            "target: {2026: 50, 2027: 80}",
            "target: 80",
            14,
            13,
            "tulis per tahun, tahun: nilai, mis. target: {2026: 80, 2027: …}",
            "write it per year, year: value, e.g. target: {2026: 80, 2027: …}",
        ),
        (
            "regulasi: [PERBUP-SC]",
            "regulasi: PERBUP-SC, PERPRES-95-2018",
            17,
            11,
            "tulis sebagai daftar dalam kurung siku, mis. regulasi: [PERBUP-SC, PERPRES-95-2018]",
            "write it as a list in square brackets, e.g. regulasi: [PERBUP-SC, PERPRES-95-2018]",
        ),
        (
            "tahun_mulai: 2025",
            "tahun_mulai: 2025/2026",
            7,
            14,
            "satu tahun saja, mis. 2025",
            "one year only, e.g. 2025",
        ),
        (
            "indikator:\n  - nama: Capaian\n    satuan: persen\n    baseline: 10\n"
            "    target: {2026: 50, 2027: 80}",
            "indikator: Capaian",
            10,
            12,
            "tulis tiap butir di baris sendiri di bawah 'indikator:', diawali '- ', dengan kolom "
            "nama, satuan, baseline, tahun_baseline, …",
            "write each entry on its own line below 'indikator:', starting with '- ', with the "
            "fields nama, satuan, baseline, tahun_baseline, …",
        ),
        (
            "horizon: menengah",
            "horizon: menengah\nmitra: ITB",
            10,
            8,
            "tulis isinya di baris-baris di bawah 'mitra:', menjorok, dengan kolom akademisi, "
            "bisnis, komunitas, media, …",
            "write its content on the lines below 'mitra:', indented, with the fields akademisi, "
            "bisnis, komunitas, media, …",
        ),
    ],
)
def test_a_value_of_the_wrong_shape_says_how_to_write_it(
    tmp_path: Path, old: str, new: str, line: int, column: int, saran: str, hint: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, old, new)
    found = _found(root)
    assert _places(found) == [("SPBE101", "program/economy.yaml", line, column)]
    assert found[0].hint == saran
    assert _found(root, "en")[0].hint == hint


# -- an id written as a name, with a full stop, or 'key:value' ------------------------------


@pytest.mark.parametrize(
    ("new", "saran", "hint"),
    [
        (
            "opd_pj: Dinas Komunikasi dan Informatika",
            "maksud Anda DISKOMINFO? 'Dinas Komunikasi dan Informatika' adalah nama opd "
            "DISKOMINFO; tulis id-nya",
            "did you mean DISKOMINFO? 'Dinas Komunikasi dan Informatika' is the name of opd "
            "DISKOMINFO; write its id",
        ),
        (
            # No OPD has that name: what an id is, not "did you mean DinasKominfo?".
            "opd_pj: Dinas Kominfo",
            "tulis id-nya, bukan nama: id tanpa spasi (mis. DISKOMINFO)",
            "write its id, not its name: an id has no spaces (e.g. DISKOMINFO)",
        ),
        (
            # A stray space in an id, not a name: the id without it.
            "opd_pj: DISKO MINFO",
            "maksud Anda DISKOMINFO? Hapus spasi atau karakter tak terlihat: U+0020 SPACE",
            "did you mean DISKOMINFO? Remove the space or invisible character: U+0020 SPACE",
        ),
        (
            "opd_pj: DISKOMINFO.",
            "maksud Anda DISKOMINFO? Tanpa '.' di akhir",
            "did you mean DISKOMINFO? Without the '.' at the end",
        ),
    ],
)
def test_a_reference_written_as_a_name_or_a_sentence_says_the_id(
    tmp_path: Path, new: str, saran: str, hint: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, "opd_pj: DISKOMINFO", new)
    found = _found(root)
    assert _places(found) == [("SPBE103", "program/economy.yaml", 6, 9)]
    assert found[0].hint == saran
    assert _found(root, "en")[0].hint == hint


def test_an_id_written_as_a_name_is_one_finding_naming_the_id_referred_to(
    tmp_path: Path,
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, Path("opd") / "diskominfo.yaml", "id: DISKOMINFO", "id: Dinas Kominfo")
    found = _found(root)
    assert _places(found) == [("SPBE103", "opd/diskominfo.yaml", 2, 5)]
    assert found[0].hint == (
        "tulis id: DISKOMINFO? (id itu dirujuk di 20 tempat, dan tidak ada opd lain yang "
        "memakainya)"
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "message"),
    [
        ("horizon: menengah", "horizon:menengah", 9, 9, "tulis 'horizon: menengah'"),
        ("    satuan: persen", "    satuan:persen", 12, 12, "tulis 'satuan: persen'"),
    ],
)
def test_a_colon_without_its_space_says_so_where_the_space_goes(
    tmp_path: Path, old: str, new: str, line: int, column: int, message: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, old, new)
    found = _found(root)
    assert _places(found) == [("SPBE001", "program/economy.yaml", line, column)]
    assert found[0].message == f"tidak ada spasi sesudah ':'; {message}"
    assert _found(root, "en")[0].message == (
        f"no space after ':'; write '{new.strip().replace(':', ': ')}'"
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "hint"),
    [
        # A field of one's own: it was "did you mean bukti?", a field of a self-assessment.
        (
            "horizon: menengah",
            "horizon: menengah\naktif: ya",
            10,
            1,
            "kolom ini tidak ada di skema; hapus barisnya, atau tulis keterangannya di 'catatan'",
        ),
        ("    satuan: persen", "    satuans: persen", 12, 5, "maksud Anda satuan?"),
    ],
)
def test_an_unknown_field_is_matched_against_the_fields_where_it_is(
    tmp_path: Path, old: str, new: str, line: int, column: int, hint: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, old, new)
    found = _found(root)
    assert _places(found) == [("SPBE102", "program/economy.yaml", line, column)]
    assert found[0].hint == hint


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "hint"),
    [
        ("baseline: 10", "baseline: 10.", 13, 15, "did you mean 10? Without the '.' at the end"),
        (
            "tahun_mulai: 2025",
            "tahun_mulai: 2025.",
            7,
            14,
            "did you mean 2025? Without the '.' at the end",
        ),
        ("baseline: 10", "baseline: 7.5;", 13, 15, "did you mean 7.5? Without the ';' at the end"),
    ],
)
def test_a_number_ending_a_sentence_says_the_number(
    tmp_path: Path, old: str, new: str, line: int, column: int, hint: str
) -> None:
    root = copy_minimal(tmp_path / "c")
    _edit(root, ECONOMY, old, new)
    found = _found(root, "en")
    assert _places(found) == [("SPBE101", "program/economy.yaml", line, column)]
    assert found[0].hint == hint
