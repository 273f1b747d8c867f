"""Hostile catalog text at load: every class of the issue "contributors' catalog text can never
run code, read files or flood a CI log", each pinned by its exact finding, never a traceback.

The classes: numbers with documented bounds, checked on the text before it becomes a number
(a clean validate means render succeeds); strict types (booleans, whole numbers, one-line short
text, maximum lengths); forbidden characters (controls, bidi overrides, BOM); empty files and
file names that differ only in case; at most 50 findings per file; http(s)-only urls.
Linear time on hostile shapes is measured by the ``hostile`` row of bench/run.py, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.errors import Finding
from spbe_cli.loader import load_files
from spbe_cli.models.common import NAMA_MAX, RUPIAH_MAX, TEKS_MAX, URL_MAX
from spbe_cli.rules import MAX_FINDINGS_PER_FILE
from spbe_cli.validate import validate_catalog
from tests.helpers import write_tree

PROGRAM = (
    "entitas: program\nid: P1\nnama: {nama}\ndimensi: living\nelemen: health\nopd_pj: X\n"
    "tahun_mulai: {mulai}\ntahun_selesai: 2026\nhorizon: pendek\n"
    "indikator:\n  - nama: a\n    satuan: b\n    baseline: {baseline}\n"
    "anggaran:\n  - {{tahun: 2025, nilai: {nilai}, sumber: APBD}}\n"
)
GOOD = {"nama": "x", "mulai": "2025", "baseline": "10", "nilai": "1000"}
#: Line and column of each value above.
WHERE = {"nama": (3, 7), "mulai": (7, 14), "baseline": (13, 15), "nilai": (15, 26)}


def _load(text: str, name: str = "p.yaml") -> list[Finding]:
    """Findings of one file loaded on its own (the missing metadata left out)."""
    _, findings = load_files(Path("."), [(name, text.encode())])
    return [f for f in findings if f.location.path == name]


def _program(**values: str) -> str:
    return PROGRAM.format(**{**GOOD, **values})


def _pinned(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.code, f.location.line, f.location.column) for f in findings]


# -- 1. numbers are sane before they reach a document ------------------------------------------


@pytest.mark.parametrize(
    ("field", "inside", "outside", "message"),
    [
        ("mulai", "1945", "1944", "must be at least 1945"),
        ("mulai", "2100", "2101", "must be at most 2100"),
        ("nilai", "0", "-1", "must be at least 0"),
        ("nilai", str(RUPIAH_MAX), str(RUPIAH_MAX + 1), "is too long (at most 15 digits)"),
        ("baseline", "9" * 15, "1" + "0" * 15, "at most 15 digits before the point and 6"),
        ("baseline", "0.123456", "0.1234567", "at most 15 digits before the point and 6"),
        ("baseline", "-" + "9" * 15 + ".999999", "-1" + "0" * 15, "at most 15 digits"),
    ],
)
def test_every_numeric_bound_just_inside_and_just_outside(
    field: str, inside: str, outside: str, message: str
) -> None:
    assert _load(_program(**{field: inside})) == []
    findings = _load(_program(**{field: outside}))
    assert _pinned(findings) == [("SPBE101", *WHERE[field])]
    assert message in findings[0].message


@pytest.mark.parametrize(
    "value", ["1e999999999", "1e5000", "9" * 401, "1" * 1_000_000, ".inf", ".nan", "0x10"]
)
def test_huge_or_odd_numbers_are_refused_at_once(value: str) -> None:
    findings = _load(_program(baseline=value))
    assert _pinned(findings) == [("SPBE101", *WHERE["baseline"])]


def test_a_huge_year_text_is_refused_before_int() -> None:
    findings = _load(_program(mulai="9" * 1_000_000))
    assert _pinned(findings) == [("SPBE101", *WHERE["mulai"])]
    assert "at most 15 digits" in findings[0].message


def test_a_catalog_with_every_number_at_its_maximum_renders(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    """A clean validate means render succeeds, in every format, at the bounds."""
    biggest = "9" * 15 + ".999999"
    write_tree(
        minimal_catalog,
        {
            "program/living.yaml": (
                "entitas: program\nid: SC-04\nnama: " + "N" * NAMA_MAX + "\n"
                "uraian: " + "U" * TEKS_MAX + "\n"
                "dimensi: living\nelemen: health\nopd_pj: DISKOMINFO\n"
                "tahun_mulai: 2025\ntahun_selesai: 2027\nhorizon: menengah\n"
                "indikator:\n  - nama: Capaian\n    satuan: persen\n"
                f"    baseline: -{biggest}\n    tahun_baseline: 2025\n"
                f"    target: {{2026: {biggest}, 2027: {biggest}}}\n"
                "anggaran:\n"
                f"  - {{tahun: 2025, nilai: {RUPIAH_MAX}, sumber: APBD}}\n"
                f"  - {{tahun: 2026, nilai: {RUPIAH_MAX}, sumber: APBN}}\n"
                f"  - {{tahun: 2027, nilai: {RUPIAH_MAX}, sumber: DAK}}\n"
                "progres:\n"
                "  - {tahun: 2026, triwulan: 4, tanggal: 2026-12-31, status: berjalan,"
                f" realisasi: {{Capaian: {biggest}}}, anggaran_terserap: {RUPIAH_MAX}}}\n"
                "regulasi: [PERBUP-SC]\n"
            ),
        },
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert report.errors == 0, [str(f.location) + f.message for f in report.sorted()]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["render", str(minimal_catalog), "-o", str(out)])
    assert result.exit_code == 0, result.stdout + result.stderr
    suffixes = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert {".md", ".html", ".docx"} <= suffixes
    assert "999.999.999.999.999" in "".join(p.read_text("utf-8") for p in out.rglob("*.md"))


# -- 2. strict types, as documented ------------------------------------------------------------


OPD = "entitas: opd\nid: X\nnama: x\njenis: dinas\n"


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "1", "True", "TRUE", "'yes'"])
def test_only_true_and_false_are_booleans(word: str) -> None:
    findings = _load(OPD + f"ilustratif: {word}\n", "o.yaml")
    assert _pinned(findings) == [("SPBE101", 5, 13)]
    assert "is not true/false" in findings[0].message


@pytest.mark.parametrize("word", ["true", "false"])
def test_true_and_false_are_booleans(word: str) -> None:
    assert _load(OPD + f"ilustratif: {word}\n", "o.yaml") == []


@pytest.mark.parametrize("value", ["2025.0", "'12_500'", "12_500", "+2025", "' 2025'", "0x7E9"])
def test_whole_numbers_are_digits_only(value: str) -> None:
    findings = _load(_program(mulai=value))
    assert _pinned(findings) == [("SPBE101", *WHERE["mulai"])]
    assert "is not a whole number" in findings[0].message


def test_short_text_is_one_line_and_bounded() -> None:
    assert _load(_program(nama="N" * NAMA_MAX)) == []
    too_long = _load(_program(nama="N" * (NAMA_MAX + 1)))
    assert _pinned(too_long) == [("SPBE101", 3, 7)]
    assert f"nama is too long: {NAMA_MAX + 1} characters, at most {NAMA_MAX}" in too_long[0].message
    tab = _load(_program(nama='"a\\tb"'))
    assert _pinned(tab) == [("SPBE101", 3, 7)]
    assert "must be one line" in tab[0].message
    # A folded block leaves a trailing line break; it is trimmed, not refused.
    assert _load(_program(nama=">\n  Dinas\n  Kesehatan")) == []


def test_prose_text_allows_lines_and_is_bounded() -> None:
    assert _load(OPD + "catatan: |\n  satu\n  \tdua\n", "o.yaml") == []
    assert _load(OPD + "catatan: " + "c" * TEKS_MAX + "\n", "o.yaml") == []
    findings = _load(OPD + "catatan: " + "c" * (TEKS_MAX + 1) + "\n", "o.yaml")
    assert _pinned(findings) == [("SPBE101", 5, 10)]
    assert f"{TEKS_MAX + 1} characters, at most {TEKS_MAX}" in findings[0].message


def test_keys_and_list_items_are_bounded_too() -> None:
    """A string no alias names (a dict key, say) is bounded by the models' config."""
    text = (
        "entitas: infrastruktur\nid: I1\nnama: x\nrai: RAI.01\njenis: x\n"
        "spesifikasi: {" + "k" * (NAMA_MAX + 1) + ": v}\n"
    )
    findings = _load(text, "i.yaml")
    assert _pinned(findings) == [("SPBE101", 6, 15)]


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        (OPD + 'catatan: "a\\eb"\n', "control character U+001B", (5, 10)),
        (OPD + 'catatan: "a\\rb"\n', "control character U+000D", (5, 10)),
        (OPD + 'catatan: "a\\0b"\n', "control character U+0000", (5, 10)),
        (OPD + 'catatan: "a\\x7fb"\n', "control character U+007F", (5, 10)),
        (OPD + 'catatan: "a\\x9bb"\n', "control character U+009B", (5, 10)),
        (OPD + 'catatan: "a\\x07b"\n', "control character U+0007", (5, 10)),
        (OPD + "catatan: a\u202eb\n", "direction character U+202E", (5, 10)),
        (OPD + "catatan: a\u2066b\u2069\n", "direction character U+2066", (5, 10)),
        (OPD + '"ca\\u202atatan": x\n', "direction character U+202A", (5, 1)),
        (OPD.replace("id: X", 'id: "X\\e"'), "control character U+001B", (2, 5)),
        (OPD + '"catatan\\ufeff": x\n', "the key holds an invisible byte order mark", (5, 1)),
        (OPD + "\ufeffcatatan: x\n", "byte order mark (BOM, U+FEFF) inside the text", (5, 1)),
    ],
)
def test_forbidden_characters_anywhere(text: str, message: str, where: tuple[int, int]) -> None:
    findings = _load(text, "o.yaml")
    assert _pinned(findings) == [("SPBE019", *where)]
    assert message in findings[0].message


def test_a_leading_bom_is_still_fine() -> None:
    assert _load("\ufeff" + OPD, "o.yaml") == []


@pytest.mark.parametrize("text", ["", "\n\n", "# komentar saja\n", "  # menjorok\n"])
def test_empty_and_comment_only_files_are_reported(text: str) -> None:
    findings = _load(text, "o.yaml")
    assert _pinned(findings) == [("SPBE017", 1, 1)]
    assert "empty or holds only comments" in findings[0].message


@pytest.mark.parametrize("text", ["---\n", "---\n...\n", "---\n# komentar\n---\n"])
def test_a_file_of_document_markers_only_is_empty(text: str) -> None:
    assert _pinned(_load(text, "o.yaml")) == [("SPBE017", 1, 1)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (OPD + "---\n", OPD.count("\n") + 1),  # a '---' closing the file
        ("---\n---\n" + OPD, 1),  # two in a row
        (OPD + "---\n# sisa\n---\n" + OPD.replace("id: X", "id: Y"), OPD.count("\n") + 1),
        # '----' and 'x---' in comments are no markers: the line is that of the real one
        (OPD + "---\n# ----\n#x---\n", OPD.count("\n") + 1),
        (OPD + "---   \n\n\n", OPD.count("\n") + 1),
    ],
)
def test_an_empty_document_is_said_at_its_marker(text: str, line: int) -> None:
    # It was "a YAML document must be a mapping with an 'entitas' key", on the line after
    # the last one of the file for a closing '---'.
    findings = _load(text, "o.yaml")
    assert _pinned(findings) == [("SPBE012", line, 1)]
    assert (
        findings[0].message == "empty document after this '---'; delete the '---' that is too many"
    )


def test_every_one_of_many_document_markers_is_said_at_its_own_line() -> None:
    """200,000 '---' (an 800 KB file) took about 45 minutes: each rescanned the text (red team).

    The time is measured by bench/hostile.py (shape ``markers``); this pins the lines.
    """
    findings = _load(OPD + "---\n" * 5 + "# akhir\n", "o.yaml")
    first = OPD.count("\n") + 1
    assert _pinned(findings) == [("SPBE012", first + i, 1) for i in range(5)]


def test_a_document_of_too_many_values_is_refused_before_the_schema() -> None:
    """A million list items (2 MB) made the schema build a million errors: 1.4 GB (red team)."""
    from spbe_cli.yamlio import MAX_VALUES

    items = ",".join(["x"] * (MAX_VALUES + 10))
    findings = _load(OPD + f"urusan: [{items}]\n", "o.yaml")
    # The opd mapping, its 4 values and the list of 'urusan' come first (every key has its
    # value counted): the item past the limit has index MAX_VALUES - 6, two characters apart.
    column = len("urusan: [") + 1 + 2 * (MAX_VALUES - 6)
    assert _pinned(findings) == [("SPBE008", 5, column)]
    assert findings[0].message == (
        "the document holds more than 100,000 values (list items, keys, texts);"
        " split it into several documents or files"
    )


def _too_many_file_values() -> tuple[int, int, str]:
    """(values a document, documents, text): OPDs X0, X1... just over MAX_FILE_VALUES."""
    from spbe_cli.yamlio import MAX_FILE_VALUES, MAX_VALUES

    per_document = MAX_VALUES - 100
    documents = MAX_FILE_VALUES // per_document + 1
    text = "".join(
        OPD.replace("id: X", f"id: X{n}")
        + "urusan: ["
        + ",".join(["x"] * per_document)
        + "]\n---\n"
        for n in range(documents)
    )
    return per_document, documents, text


def test_a_file_of_too_many_values_is_refused_while_composing() -> None:
    """Composing an 8 MiB file of tiny items took over a gigabyte before any check."""
    _, documents, text = _too_many_file_values()
    findings = _load(text, "o.yaml")
    assert [f.code for f in findings] == ["SPBE008"]
    # Six lines a document; the limit passes in the list of the last one (its fifth line).
    assert findings[0].location.line == 6 * (documents - 1) + 5
    assert "the file holds more than 500,000 values" in findings[0].message


def test_the_documents_of_a_file_refused_for_its_values_are_salvaged() -> None:
    """Refused whole (SPBE008), its entities still count as declared, within a value budget."""
    import time

    from spbe_cli.parsing import parse_bytes
    from spbe_cli.yamlio import MAX_VALUES

    per_document, documents, text = _too_many_file_values()
    started = time.perf_counter()
    parsed = parse_bytes(text.encode())
    elapsed = time.perf_counter() - started
    assert [(p.code, p.line) for p in parsed.problems] == [("SPBE008", 6 * (documents - 1) + 5)]
    assert parsed.documents == ()
    assert [(line, fields["id"]) for line, fields in parsed.salvaged] == [
        (1 if n == 0 else 6 * n, f"X{n}") for n in range(documents)
    ]
    # The budget keeps the first document's list and drops the others' (entitas, id stay).
    kept = [len(fields.get("urusan", ())) for _, fields in parsed.salvaged]
    assert kept == [per_document] + [0] * (documents - 1)
    assert sum(kept) <= MAX_VALUES
    assert elapsed < 30  # composing to the limit is most of it


def test_the_largest_documents_of_a_real_catalog_are_far_under_the_limits() -> None:
    from spbe_cli.yamlio import MAX_VALUES

    text = OPD + "urusan: [" + ",".join(['"2.16"'] * 1000) + "]\n"
    assert not any(f.code == "SPBE008" for f in _load(text, "o.yaml"))
    assert MAX_VALUES >= 100 * 1000


def test_names_differing_only_in_case(minimal_catalog: Path) -> None:
    write_tree(minimal_catalog, {"opd/Diskominfo.yaml": OPD.replace("id: X", "id: LAIN")})
    _, report = validate_catalog(minimal_catalog, "")
    findings = report.sorted()
    assert _pinned(findings) == [("SPBE018", 1, 1)]
    assert findings[0].location.path == "opd/diskominfo.yaml"
    assert findings[0].related[0].location.path == "opd/Diskominfo.yaml"


# -- 3. at most 50 findings per file -----------------------------------------------------------


def test_one_hostile_file_gives_at_most_50_findings_and_a_count(minimal_catalog: Path) -> None:
    keys = 60_000  # under yamlio.MAX_VALUES: every key reaches the schema
    write_tree(
        minimal_catalog, {"opd/banjir.yaml": OPD + "".join(f"k{i}: x\n" for i in range(keys))}
    )
    _, report = validate_catalog(minimal_catalog, "")
    findings = report.sorted()
    assert len(findings) == MAX_FINDINGS_PER_FILE + 1
    assert {f.code for f in findings[:-1]} == {"SPBE102"}
    summary = findings[-1]
    assert (summary.code, summary.location.line, summary.location.column) == ("SPBE020", 55, 1)
    assert f"{keys - MAX_FINDINGS_PER_FILE} more findings" in summary.message


def test_findings_of_other_files_are_not_capped(minimal_catalog: Path) -> None:
    many = {f"opd/o{i}.yaml": OPD.replace("id: X", f"id: O{i}") + "k: x\n" for i in range(60)}
    write_tree(minimal_catalog, many)
    _, report = validate_catalog(minimal_catalog, "")
    assert [f.code for f in report.findings] == ["SPBE102"] * 60


# -- 5. urls are http(s) only ------------------------------------------------------------------


REGULASI = (
    "entitas: regulasi\nid: R1\njenis: Perbup\njudul: x\ntingkat: daerah\nstatus: dibutuhkan\n"
)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        '"data:text/html,x"',
        "//example.org/x",
        "ftp://example.org/x",
        '"https://a b"',
        "https://" + "a" * URL_MAX,
    ],
)
def test_urls_other_than_http_are_refused(url: str) -> None:
    findings = _load(REGULASI + f"url: {url}\n", "r.yaml")
    assert _pinned(findings) == [("SPBE109", 7, 6)]


@pytest.mark.parametrize("url", ["http://example.org", "HTTPS://jdih.example.go.id/a?b=c#d"])
def test_http_urls_are_fine(url: str) -> None:
    assert _load(REGULASI + f"url: {url}\n", "r.yaml") == []


@pytest.mark.parametrize(
    ("nilai", "code", "where", "hint"),
    [
        ("1.500.000", "SPBE101", (15, 26), "without thousands separators"),
        ("Rp 1.500.000", "SPBE101", (15, 26), "without 'Rp'"),
        ('"Rp. 1500000"', "SPBE101", (15, 26), "without 'Rp'"),
        ("1500000 rupiah", "SPBE101", (15, 26), "without 'Rp'"),
        # Inside braces the commas split the number: nilai is 1, and '500', '000' are keys.
        ("1,500,000", "SPBE102", (15, 28), "1,500,000 reads as 1 and the fields '500', '000'"),
    ],
)
def test_an_amount_written_as_people_write_it_gets_a_hint(
    nilai: str, code: str, where: tuple[int, int], hint: str
) -> None:
    findings = [f for f in _load(_program(nilai=nilai)) if f.code == code]
    assert _pinned(findings)[0] == (code, *where)
    assert hint in (findings[0].hint or "")


@pytest.mark.parametrize(
    ("text", "code", "hint"),
    [
        # difflib alone finds nothing between words that differ only in case.
        ("entitas: OPD\nid: X\nnama: x\njenis: dinas\n", "SPBE013", "did you mean opd?"),
        ("entitas: Proses_Bisnis\nid: X\n", "SPBE013", "did you mean proses_bisnis?"),
        ("entitas: opd\nid: X\nnama: x\njenis: DINAS\n", "SPBE101", "did you mean dinas?"),
        ("entitas: opd\nid: X\nNAMA: x\njenis: dinas\n", "SPBE102", "did you mean nama?"),
    ],
)
def test_hints_ignore_case(text: str, code: str, hint: str) -> None:
    [finding] = [f for f in _load(text, "o.yaml") if f.code == code]
    assert finding.hint == hint


def test_a_key_written_twice_points_at_the_first_key_itself() -> None:
    # "see …: first defined here" named column 1 of the first key's line, whatever its column.
    [finding] = [f for f in _load(OPD + "catatan: {a: 1, a: 2}\n", "o.yaml") if f.code == "SPBE004"]
    assert (finding.location.line, finding.location.column) == (5, 17)
    [related] = finding.related
    assert (related.location.line, related.location.column) == (5, 11)
