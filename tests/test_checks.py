"""Cross-entity checks and the report: behaviour the golden cases do not show on their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from spbe_cli import report as fmt
from spbe_cli.errors import ExitCode, Finding, Location, Related, Report, Severity
from spbe_cli.i18n import use_language
from spbe_cli.validate import validate_catalog
from tests.helpers import MINIMAL, write_tree


def _codes(report: Report) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.location.path, f.location.line, f.location.column) for f in report.sorted()]


def test_declarations_do_not_leak_between_catalogs(minimal_catalog: Path, tmp_path: Path) -> None:
    _, first = validate_catalog(minimal_catalog, "")
    assert first.findings == []
    other = tmp_path / "lain"
    write_tree(other, {"metadata.yaml": (MINIMAL / "metadata.yaml").read_text("utf-8")})
    write_tree(
        other,
        {
            "i.yaml": "entitas: infrastruktur\nid: I1\nnama: x\nrai: RAI.01\n"
            "jenis: fasilitas_komputasi\n"
        },
    )
    _, second = validate_catalog(other, "")
    assert ("SPBE204", "i.yaml", 4, 6) in _codes(second)


def test_catalog_without_metadata_still_runs_every_other_check(minimal_catalog: Path) -> None:
    (minimal_catalog / "metadata.yaml").unlink()
    write_tree(
        minimal_catalog, {"opd/x.yaml": "entitas: opd\nid: X\nnama: x\njenis: dinas\ninduk: Y\n"}
    )
    _, report = validate_catalog(minimal_catalog, "kat")
    assert _codes(report) == [("SPBE107", "kat", 0, 0), ("SPBE201", "kat/opd/x.yaml", 5, 8)]


def test_repealed_regulation_names_its_replacement(minimal_catalog: Path) -> None:
    write_tree(
        minimal_catalog,
        {
            "regulasi/lama.yaml": "entitas: regulasi\nid: LAMA\njenis: Perbup\nnomor: '7'\n"
            "tahun: 2018\njudul: x\ntingkat: daerah\nstatus: dicabut\ndicabut_oleh: PERBUP-SC\n",
            "opd/x.yaml": "entitas: opd\nid: X\nnama: x\njenis: dinas\n",
            "p.yaml": (MINIMAL / "program" / "economy.yaml")
            .read_text("utf-8")
            .replace("id: SC-03", "id: SC-09")
            .replace("regulasi: [PERBUP-SC]", "regulasi: [LAMA]")
            .replace("nama: Sentra Kerajinan Noken", "nama: Pasar Ikan Higienis"),
        },
    )
    _, report = validate_catalog(minimal_catalog, "")
    [finding] = report.findings
    assert (finding.code, finding.location) == ("SPBE205", Location("p.yaml", 17, 12))
    assert finding.related[0].location == Location("regulasi/perbup-sc.yaml", 1, 1)


def test_return_code() -> None:
    def finding(severity: Severity) -> Finding:
        return Finding("SPBE001", severity, Location("a.yaml", 1, 1), "m")

    assert Report([]).return_code is ExitCode.OK
    assert Report([finding(Severity.INFO)], strict=True).return_code is ExitCode.OK
    assert Report([finding(Severity.WARNING)]).return_code is ExitCode.OK
    assert Report([finding(Severity.WARNING)], strict=True).return_code is ExitCode.FINDINGS
    assert Report([finding(Severity.ERROR)]).return_code is ExitCode.FINDINGS


def test_github_escaping() -> None:
    finding = Finding(
        "SPBE101",
        Severity.ERROR,
        Location("a,b:c%\n.yaml", 2, 3),
        "x\r\n::error file=evil::forged 100%",
        hint="line1\nline2",
        related=(Related(Location("b.yaml", 1, 1), "r"),),
    )
    lines = fmt.format_github(Report([finding], files=1, entities=0))
    assert lines[0] == (
        "::error file=a%2Cb%3Ac%25%0A.yaml,line=2,col=3,title=SPBE101::"
        "x%0D%0A::error file=evil::forged 100%25 (hint: line1%0Aline2)"
    )
    assert len(lines) == 2


def test_github_notice_for_info_and_no_position() -> None:
    finding = Finding("SPBE107", Severity.INFO, Location("kat"), "m")
    assert fmt.format_github(Report([finding]))[0] == "::notice file=kat,title=SPBE107::m"


def test_text_location_without_line() -> None:
    finding = Finding("SPBE107", Severity.ERROR, Location("kat"), "no metadata")
    assert fmt.format_text(Report([finding]))[0] == "kat: error[SPBE107]: no metadata"


@pytest.mark.parametrize(
    ("written", "code", "column", "message"),
    [
        # Windows finds it, every other machine (CI) does not: refused alike everywhere.
        (
            "prosa\\baik.md",
            "SPBE208",
            9,
            "prose file 'prosa\\baik.md' is written with '\\' between folders, which only Windows "
            "knows; write '/' so that every machine reads it alike: prosa/baik.md",
        ),
        (
            "C:\\Users\\staf\\baik.md",
            "SPBE208",
            9,
            "prose file 'C:\\Users\\staf\\baik.md' is outside",
        ),
        ("C:/Users/staf/baik.md", "SPBE208", 9, "prose file 'C:/Users/staf/baik.md' is outside"),
        (
            "'prosa\\..\\..\\baik.md'",
            "SPBE208",
            9,
            "prose file 'prosa\\..\\..\\baik.md' is outside",
        ),
        # In double quotes the backslash began an escape: '\0' is a NUL character.
        (
            '"prosa\\0baik.md"',
            "SPBE019",
            9,
            "the control character U+0000 is not allowed in catalog text; inside double quotes "
            "'\\' starts an escape code",
        ),
    ],
)
def test_a_prose_path_typed_the_windows_way_says_what_to_write(
    minimal_catalog: Path, written: str, code: str, column: int, message: str
) -> None:
    meta = minimal_catalog / "metadata.yaml"
    text = meta.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    meta.write_text(text + f"prosa:\n  baik: {written}\n", encoding="utf-8")
    write_tree(minimal_catalog, {"prosa/baik.md": "Teks.\n", "baik.md": "Teks.\n"})
    _, report = validate_catalog(minimal_catalog, "catalog")
    found = [f for f in report.findings if f.severity.value == "error"]
    assert [(f.code, f.location.path, f.location.line, f.location.column) for f in found] == [
        (code, "catalog/metadata.yaml", line, column)
    ]
    assert found[0].message.startswith(message)


def test_a_logo_path_with_backslashes_says_what_to_write(minimal_catalog: Path) -> None:
    meta = minimal_catalog / "metadata.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text + "logo: gambar\\logo.png\n", encoding="utf-8")
    _, report = validate_catalog(minimal_catalog, "catalog")
    found = [f for f in report.findings if f.severity.value == "error"]
    assert [(f.code, f.location.line, f.location.column) for f in found] == [
        ("SPBE220", text.count("\n") + 1, 7)
    ]
    assert found[0].message.endswith("every machine reads it alike: gambar/logo.png")


def test_prose_files_follow_one_rule_for_validate_and_render(minimal_catalog: Path) -> None:
    import os

    from spbe_cli.loader import MAX_FILE_BYTES, prose_file

    meta = minimal_catalog / "metadata.yaml"
    text = meta.read_text(encoding="utf-8")
    first = text.count("\n") + 2  # line of the first section under "prosa:"
    sections = ["baik", "besar", "latin1", "pipa", "hilang", "luar"]
    paths = [
        "prosa/baik.md",
        "prosa/besar.md",
        "prosa/latin1.md",
        "prosa/pipa",
        "prosa/x.md",
        "../luar.md",
    ]
    meta.write_text(
        text + "prosa:\n" + "".join(f"  {s}: {p}\n" for s, p in zip(sections, paths, strict=True)),
        encoding="utf-8",
    )
    write_tree(
        minimal_catalog,
        {
            "prosa/baik.md": "Teks.\n",
            "prosa/besar.md": b"a" * (MAX_FILE_BYTES + 1),
            "prosa/latin1.md": "Kabupatén".encode("latin-1"),
        },
    )
    os.mkfifo(minimal_catalog / "prosa" / "pipa")
    _, report = validate_catalog(minimal_catalog, "catalog")
    found = sorted((f.location.line, f.message) for f in report.findings if f.code == "SPBE208")
    assert [line for line, _ in found] == [first + 1, first + 2, first + 3, first + 4, first + 5]
    assert "too large" in found[0][1]
    assert "not UTF-8" in found[1][1]
    assert "not a regular file" in found[2][1]
    assert "does not exist" in found[3][1]
    assert "outside the catalog" in found[4][1]
    # render reads exactly what validate accepts
    assert prose_file(minimal_catalog, "prosa/baik.md")[0] is not None
    assert all(prose_file(minimal_catalog, p)[0] is None for p in paths[1:])


def test_loading_completes_the_catalog_and_checks_only_read_it(minimal_catalog: Path) -> None:
    """Prose files and reference declarations are the loading stage's work, for every command."""
    from spbe_cli.checks import run_checks
    from spbe_cli.loader import load_catalog

    meta = minimal_catalog / "metadata.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8") + "prosa:\n  a: prosa/a.md\n  b: prosa/b.md\n",
        encoding="utf-8",
    )
    write_tree(
        minimal_catalog,
        {
            "prosa/a.md": "Baris satu.\r\nBaris dua.\n",
            "referensi-dimensi.yaml": (
                "entitas: referensi\ndaftar: dimensi\nkode: maritim\nnama: Smart Maritime\n"
                "sumber: RPJMD\n"
            ),
        },
    )
    catalog, _ = load_catalog(minimal_catalog, "catalog")
    assert catalog.prose["a"].text == "Baris satu.\nBaris dua.\n"
    assert catalog.prose["a"].problem is None
    assert (catalog.prose["b"].text, catalog.prose["b"].problem) == (None, "ref.prose_missing")
    assert catalog.reference.dimensi["maritim"] == "Smart Maritime"  # before any check ran
    # The checks read what loading recorded: removing the file afterwards changes nothing.
    (minimal_catalog / "prosa" / "a.md").unlink()
    codes = sorted(f.code for f in run_checks(catalog) if f.code in ("SPBE208", "SPBE604"))
    assert codes == ["SPBE208", "SPBE604"]  # b.md missing; the declared dimension has no program


def test_empty_domain_is_an_error_once_the_arsitektur_is_final(minimal_catalog: Path) -> None:
    (minimal_catalog / "arsitektur" / "keamanan.yaml").unlink()
    (minimal_catalog / "peta-rencana" / "keamanan.yaml").write_text(
        (minimal_catalog / "peta-rencana" / "keamanan.yaml")
        .read_text("utf-8")
        .replace("mengubah: [SEC-01]", "mengubah: [APP-01]"),
        "utf-8",
    )
    _, draft = validate_catalog(minimal_catalog, "")
    assert [(f.code, f.severity) for f in draft.findings] == [("SPBE413", Severity.WARNING)]
    meta = minimal_catalog / "metadata.yaml"
    meta.write_text(
        meta.read_text("utf-8").replace(
            "  arsitektur:\n    judul: Arsitektur SPBE\n",
            "  arsitektur:\n    judul: Arsitektur SPBE\n    status: final\n",
        ),
        "utf-8",
    )
    _, final = validate_catalog(minimal_catalog, "")
    assert [(f.code, f.severity) for f in final.findings] == [("SPBE413", Severity.ERROR)]
    assert final.return_code == ExitCode.FINDINGS


def test_kepala_daerah_follows_the_kind_of_pemda(minimal_catalog: Path) -> None:
    from spbe_cli.loader import load_catalog

    meta = minimal_catalog / "metadata.yaml"
    text = meta.read_text("utf-8")
    for jenis, kepala, regulasi in [
        ("kabupaten", "Bupati", ("Perda", "Perbup", "Kepbup")),
        ("kota", "Wali Kota", ("Perda", "Perwali", "Kepwali")),
    ]:
        meta.write_text(text.replace("jenis: kabupaten", f"jenis: {jenis}"), "utf-8")
        catalog, _ = load_catalog(minimal_catalog)
        assert catalog.metadata is not None
        assert catalog.metadata.pemda.kepala_daerah == kepala
        assert catalog.metadata.pemda.jenis_regulasi == regulasi
        assert catalog.metadata.pemda.pemerintah == f"Pemerintah {jenis.title()} Mimika"


def test_a_kota_may_not_record_a_perbup(minimal_catalog: Path) -> None:
    meta = minimal_catalog / "metadata.yaml"
    meta.write_text(
        meta.read_text("utf-8")
        .replace("jenis: kabupaten", "jenis: kota")
        .replace("Kabupaten Mimika", "Kota Contoh")
        .replace('"94.04"', '"99.71"')
        .replace('"94"', '"99"')
        .replace("Papua Tengah", "Contoh"),
        "utf-8",
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert [(f.code, f.location.path, f.location.line) for f in report.findings] == [
        ("SPBE306", "regulasi/perbup-sc.yaml", 3)
    ]
    assert "Pemerintah Kota" in report.findings[0].message


def test_reference_codes_carry_their_status_for_the_documents() -> None:
    from spbe_cli.validate import validate_catalog as validate

    bundled = Path(__file__).parent.parent / "catalog"
    catalog, _ = validate(bundled, "")
    ref = catalog.reference
    # RAI/RAK codes are the catalog's illustrative stand-ins; RAL/RAA/RAD level 1 are inferred.
    assert [ref.node_status(k) for k in ("RAI.01", "RAK.03")] == ["ilustratif"] * 2
    assert [ref.node_status(k) for k in ("RAL.01", "RAA.02", "RAD.09")] == ["inferensi"] * 3
    assert ref.node_status("RAB.09.03") == "nasional"
    assert ref.node_status("RAB.99") is None


def test_a_duplicate_document_leaves_no_follow_on_finding(minimal_catalog: Path) -> None:
    """The second document with an id is dropped (SPBE104); its dimension is not 'empty'."""
    society = minimal_catalog / "program" / "society.yaml"
    # SC-02 is the branding program's id: this society program is a duplicate.
    society.write_text(society.read_text("utf-8").replace("id: SC-05", "id: SC-02"), "utf-8")
    _, report = validate_catalog(minimal_catalog, "catalog")
    assert [(f.code, f.location.path) for f in report.findings] == [
        ("SPBE104", "catalog/program/society.yaml")
    ]


def test_ids_with_a_space_or_invisible_character_hint_the_id_meant(minimal_catalog: Path) -> None:
    # The hint was the id pattern (an id with a trailing space looks right on screen), and each
    # reference to the id meant was "not found" with no hint at all.
    write_tree(
        minimal_catalog,
        {
            "opd/dispar.yaml": (
                'entitas: opd\nid: "DISPAR "\nnama: Dinas Pariwisata\njenis: dinas\n'
                'urusan: ["3.26"]\n'
            ),
            "arsitektur/proses-bisnis.yaml": (
                "entitas: proses_bisnis\nid: PB-01\nnama: Pengelolaan Informasi Wisata\n"
                "rab: RAB.01.01.01\nopd: DISPAR\ndata: [DATA-01]\n"
            ),
            "arsitektur/infrastruktur.yaml": (
                (MINIMAL / "arsitektur" / "infrastruktur.yaml")
                .read_text("utf-8")
                .replace("opd: DISKOMINFO", "opd: DISKO\u200bMINFO")
            ),
        },
    )
    for lang, meant in (
        ("id", "maksud Anda DISPAR? Hapus spasi"),
        ("en", "did you mean DISPAR? Remove the space"),
    ):
        with use_language(lang):
            _, report = validate_catalog(minimal_catalog, "")
        # One mistake, one finding: the reference to DISPAR is not also "not found".
        assert _codes(report) == [
            ("SPBE103", "arsitektur/infrastruktur.yaml", 6, 6),
            ("SPBE103", "opd/dispar.yaml", 2, 5),
        ]
        hints = {(f.code, f.location.path): f.hint or "" for f in report.findings}
        assert hints[("SPBE103", "opd/dispar.yaml")].startswith(meant)
        # The one reference to DISPAR, not reported, is counted at the id.
        referred = {"id": "DISPAR dirujuk di 1 tempat", "en": "DISPAR is referred to in 1 place(s)"}
        assert hints[("SPBE103", "opd/dispar.yaml")].endswith("U+0020 SPACE; " + referred[lang])
        assert hints[("SPBE103", "arsitektur/infrastruktur.yaml")].endswith(
            "U+200B ZERO WIDTH SPACE"
        )


@pytest.mark.parametrize(
    "declared",
    ['"DISPAR "', '" DISPAR"', '"DISPAR\u00a0"', '"DIS\u200bPAR"'],
)
def test_an_id_declared_with_an_invisible_character_is_one_finding(
    minimal_catalog: Path, declared: str
) -> None:
    write_tree(
        minimal_catalog,
        {
            "opd/dispar.yaml": (
                f"entitas: opd\nid: {declared}\nnama: Dinas Pariwisata\njenis: dinas\n"
                'urusan: ["3.26"]\n'
            ),
        },
    )
    for rel in ("program/branding.yaml", "arsitektur/layanan.yaml"):
        path = minimal_catalog / rel
        text = path.read_text("utf-8")
        path.write_text(text.replace(": DISKOMINFO", ": DISPAR", 1), "utf-8")
    _, report = validate_catalog(minimal_catalog, "")
    assert _codes(report) == [("SPBE103", "opd/dispar.yaml", 2, 5)]


@pytest.mark.parametrize(
    ("declared", "letter", "id_words", "en_words"),
    [
        ("DISKOMINF\u041e", "'\u041e' (U+041E)", "huruf Kiril", "is Cyrillic"),  # Cyrillic О
        ("DISK\u039fMINFO", "'\u039f' (U+039F)", "huruf Yunani", "is Greek"),  # Greek Ο
        ("DI\u0405K\u041eMINFO", "'\u0405' (U+0405)", "huruf Kiril", "is Cyrillic"),  # two
    ],
)
def test_an_id_declared_with_a_look_alike_letter_is_one_finding_at_the_declaration(
    minimal_catalog: Path, declared: str, letter: str, id_words: str, en_words: str
) -> None:
    """`id: DISKOMINFО` (a Cyrillic О) and 20 references `DISKOMINFO`: before, one SPBE201 per
    reference ("did you mean ...?" naming another id) besides the SPBE103 at the id."""
    opd = minimal_catalog / "opd" / "diskominfo.yaml"
    opd.write_text(opd.read_text("utf-8").replace("id: DISKOMINFO", f"id: {declared}"), "utf-8")
    references = _references_to(minimal_catalog, "DISKOMINFO")
    assert references > 1
    for lang, meant, words, referred in (
        (
            "id",
            "maksud Anda DISKOMINFO? Ganti huruf yang hanya mirip huruf Latin: ",
            id_words,
            f"; DISKOMINFO dirujuk di {references} tempat",
        ),
        (
            "en",
            "did you mean DISKOMINFO? Replace the letters that only look Latin: ",
            en_words,
            f"; DISKOMINFO is referred to in {references} place(s)",
        ),
    ):
        with use_language(lang):
            _, report = validate_catalog(minimal_catalog, "")
        assert _codes(report) == [("SPBE103", "opd/diskominfo.yaml", 2, 5)]
        [finding] = report.findings
        assert finding.hint is not None and finding.hint.startswith(meant + letter)
        assert f"{letter} {words}" in finding.hint
        # How many references write the id meant (none of them is reported): before, not said.
        assert finding.hint.endswith(referred)


def _references_to(catalog: Path, entity_id: str) -> int:
    """How many references name ``entity_id``, counted in the catalog's text as written."""
    import re

    pattern = re.compile(rf"(?<![A-Za-z0-9_.\-]){re.escape(entity_id)}(?![A-Za-z0-9_\-])")
    total = 0
    for path in catalog.rglob("*.yaml"):
        for line in path.read_text("utf-8").splitlines():
            if not line.lstrip().startswith(("id:", "#")):
                total += len(pattern.findall(line))
    return total


def test_a_reference_with_a_look_alike_letter_names_the_letter_and_the_id(
    minimal_catalog: Path,
) -> None:
    """Each such reference is its own mistake, at its place: its hint says which letter."""
    infra = minimal_catalog / "arsitektur" / "infrastruktur.yaml"
    text = infra.read_text("utf-8")
    infra.write_text(text.replace("opd: DISKOMINFO", "opd: DISKOMINF\u041e"), "utf-8")
    with use_language("id"):
        _, report = validate_catalog(minimal_catalog, "")
    assert _codes(report) == [("SPBE103", "arsitektur/infrastruktur.yaml", 6, 6)]
    assert report.findings[0].hint == (
        "maksud Anda DISKOMINFO? Ganti huruf yang hanya mirip huruf Latin: "
        "'\u041e' (U+041E) huruf Kiril"
    )


def test_a_look_alike_letter_beside_a_space_names_both(minimal_catalog: Path) -> None:
    opd = minimal_catalog / "opd" / "diskominfo.yaml"
    text = opd.read_text("utf-8").replace("id: DISKOMINFO", 'id: "DISKOMINF\u041e "')
    opd.write_text(text, "utf-8")
    with use_language("id"):
        _, report = validate_catalog(minimal_catalog, "")
    assert _codes(report) == [("SPBE103", "opd/diskominfo.yaml", 2, 5)]
    assert report.findings[0].hint is not None
    assert report.findings[0].hint.endswith(
        "'\u041e' (U+041E) huruf Kiril; hapus juga spasi atau karakter tak terlihat: U+0020 SPACE"
        f"; DISKOMINFO dirujuk di {_references_to(minimal_catalog, 'DISKOMINFO')} tempat"
    )


@pytest.mark.parametrize(
    ("rel", "old", "new", "place"),
    [
        # The value's SPBE206 ("did you mean economy?") was followed by SPBE604 "Smart Economy
        # has no program" for the program that is there.
        ("program/economy.yaml", "dimensi: economy", "dimensi: Economy", (4, 10)),
        ("program/economy.yaml", "dimensi: economy", "dimensi: ekonomi", (4, 10)),
        ("kesiapan/kesiapan.yaml", "pilar: struktur", "pilar: Struktur", (3, 8)),
        ("peta-rencana/audit_tik.yaml", "muatan: audit_tik", "muatan: audit-tik", (4, 9)),
    ],
)
def test_a_value_not_in_the_list_is_one_finding_not_also_a_gap(
    minimal_catalog: Path, rel: str, old: str, new: str, place: tuple[int, int]
) -> None:
    path = minimal_catalog / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    _, report = validate_catalog(minimal_catalog, "catalog")
    found = [f for f in report.findings if f.severity is not Severity.INFO]
    assert [(f.code, f.location.path, f.location.line, f.location.column) for f in found] == [
        ("SPBE206", f"catalog/{rel}", *place)
    ]


def test_a_value_like_no_list_entry_still_leaves_the_gap_said(minimal_catalog: Path) -> None:
    path = minimal_catalog / "program" / "economy.yaml"
    path.write_text(path.read_text("utf-8").replace("dimensi: economy", "dimensi: xyz"), "utf-8")
    _, report = validate_catalog(minimal_catalog, "catalog")
    assert sorted(f.code for f in report.findings if f.severity is not Severity.INFO) == [
        "SPBE206",
        "SPBE604",
    ]


@pytest.mark.parametrize("declared", ["diskominfo", "Diskominfo"])
def test_an_id_declared_in_another_case_is_one_finding_at_the_declaration(
    minimal_catalog: Path, declared: str
) -> None:
    # Before, the 20 references to DISKOMINFO were 20 SPBE201 findings, each "did you mean
    # diskominfo?": one line had been mistyped, and that line is where to fix it.
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", f"id: {declared}"), "utf-8")
    for lang, message, hint, here in (
        (
            "id",
            f"id ini ditulis '{declared}' tetapi dirujuk sebagai 'DISKOMINFO' di 20 tempat "
            "(beda huruf besar/kecil), sehingga rujukan itu tidak ditemukan",
            "tulis id: DISKOMINFO",
            "dirujuk sebagai DISKOMINFO di sini",
        ),
        (
            "en",
            f"this id is written '{declared}' but referred to as 'DISKOMINFO' in 20 place(s) "
            "(another case), so those references are not found",
            "write id: DISKOMINFO",
            "referred to as DISKOMINFO here",
        ),
    ):
        with use_language(lang):
            _, report = validate_catalog(minimal_catalog, "catalog")
        assert _codes(report) == [("SPBE201", "catalog/opd/diskominfo.yaml", 2, 5)]
        [finding] = report.findings
        assert (finding.message, finding.hint) == (message, hint)
        assert [
            (r.location.path, r.location.line, r.location.column, r.message)
            for r in finding.related
        ] == [("catalog/arsitektur/aplikasi.yaml", 6, 10, here)]


def test_a_reference_differing_only_in_case_names_where_the_id_is(minimal_catalog: Path) -> None:
    # DISKOMINFO is declared and named so 19 times; the one reference written otherwise is the
    # mistake: it is reported, pointing at the declaration in case that is the line to change.
    layanan = minimal_catalog / "arsitektur" / "layanan.yaml"
    layanan.write_text(
        layanan.read_text("utf-8").replace(
            "unit_pelaksana: DISKOMINFO", "unit_pelaksana: Diskominfo"
        ),
        "utf-8",
    )
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "catalog")
    assert _codes(report) == [("SPBE201", "catalog/arsitektur/layanan.yaml", 6, 17)]
    [found] = report.findings
    assert found.hint == "did you mean DISKOMINFO?"
    assert [
        (r.location.path, r.location.line, r.location.column, r.message) for r in found.related
    ] == [
        ("catalog/opd/diskominfo.yaml", 2, 5, "the id DISKOMINFO is written here, in another case")
    ]
    # An id merely alike (not the same letters) gets the hint alone.
    layanan.write_text(
        layanan.read_text("utf-8").replace(
            "unit_pelaksana: Diskominfo", "unit_pelaksana: DISKOMINF"
        ),
        "utf-8",
    )
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "catalog")
    [typo] = [f for f in report.findings if f.code == "SPBE201"]
    assert typo.hint == "did you mean DISKOMINFO?" and typo.related == ()


@pytest.mark.parametrize(
    ("changes", "places"),
    [
        # One reference names the id as declared: which side is the mistake is not clear.
        ({"arsitektur/layanan.yaml": ("unit_pelaksana: DISKOMINFO", "unit_pelaksana: dkinfo")}, 19),
        # Two other spellings: which one to declare is not clear.
        ({"arsitektur/layanan.yaml": ("unit_pelaksana: DISKOMINFO", "unit_pelaksana: Dkinfo")}, 20),
    ],
)
def test_an_id_in_another_case_is_told_at_each_reference_when_it_is_not_clear(
    minimal_catalog: Path, changes: dict[str, tuple[str, str]], places: int
) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", "id: dkinfo"), "utf-8")
    for catalog_refs in minimal_catalog.rglob("*.yaml"):
        text = catalog_refs.read_text("utf-8")
        if catalog_refs != path and "DISKOMINFO" in text:
            catalog_refs.write_text(text.replace(": DISKOMINFO", ": DKINFO"), "utf-8")
    for rel, (old, new) in changes.items():
        target = minimal_catalog / rel
        target.write_text(
            target.read_text("utf-8").replace(old.replace("DISKOMINFO", "DKINFO"), new), "utf-8"
        )
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "catalog")
    found = report.sorted()
    assert {f.code for f in found} == {"SPBE201"}
    assert len(found) == places
    assert all(f.location.path != "catalog/opd/diskominfo.yaml" for f in found)
    assert all(f.hint == "did you mean dkinfo?" for f in found)
    assert all(
        f.related[0].location == Location("catalog/opd/diskominfo.yaml", 2, 5) for f in found
    )


def test_an_id_in_another_case_is_not_also_claimed_by_an_unnamed_document(
    minimal_catalog: Path,
) -> None:
    # An OPD refused for `id:` empty would take DISKOMINFO (the one OPD id nobody declares) as
    # its own; the OPD declared `diskominfo` is the one all those references mean.
    write_tree(
        minimal_catalog,
        {
            "opd/kosong.yaml": (
                'entitas: opd\nid:\nnama: Dinas Lain\njenis: dinas\nurusan: ["2.16"]\n'
            )
        },
    )
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", "id: diskominfo"), "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "catalog")
    assert _codes(report) == [
        ("SPBE201", "catalog/opd/diskominfo.yaml", 2, 5),
        ("SPBE101", "catalog/opd/kosong.yaml", 2, 4),
    ]
    refused = report.sorted()[1]
    assert refused.hint is None or "DISKOMINFO" not in refused.hint


@pytest.mark.parametrize(("member", "expected"), [("DISKOMINFO", 1), ("diskominfo", 20)])
def test_the_metadata_references_count_for_an_id_in_another_case(
    minimal_catalog: Path, member: str, expected: int
) -> None:
    # The metadata's own references (tata_kelola.opd_anggota) are references like any other:
    # one more DISKOMINFO counts among them; one `diskominfo` makes the declaration not clearly
    # the mistake, and the 20 other references are each reported.
    meta = minimal_catalog / "metadata.yaml"
    meta.write_text(
        meta.read_text("utf-8")
        + f"tata_kelola:\n  uraian: Dewan Smart City\n  opd_anggota: [{member}]\n",
        "utf-8",
    )
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", "id: diskominfo"), "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "catalog")
    found = report.sorted()
    assert {f.code for f in found} == {"SPBE201"} and len(found) == expected
    if expected == 1:
        assert _codes(report) == [("SPBE201", "catalog/opd/diskominfo.yaml", 2, 5)]
        assert "in 21 place(s)" in found[0].message
    else:
        assert "catalog/opd/diskominfo.yaml" not in {f.location.path for f in found}
