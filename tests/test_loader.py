"""Loading a catalog: files that must not be read, YAML 1.2 typing, ids, and no tracebacks."""

from __future__ import annotations

import os
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest

from spbe_cli.errors import Finding, Severity, SpbeError
from spbe_cli.i18n import use_language
from spbe_cli.loader import MAX_FILE_BYTES, find_files, load_catalog, load_files
from spbe_cli.validate import validate_catalog
from tests.helpers import MINIMAL_FILES, add_evidence, copy_minimal, write_tree

OPD = "entitas: opd\nid: {id}\nnama: {nama}\njenis: dinas\n"


def _codes(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return sorted((f.code, f.location.path, f.location.line, f.location.column) for f in findings)


def _only_file(findings: list[Finding], path: str) -> list[Finding]:
    return [f for f in findings if f.location.path == path]


# -- files that must not be read -------------------------------------------------------------


def test_symlink_outside_is_reported_and_never_echoed(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "rahasia.yaml"
    secret.write_text("password: SANGAT-RAHASIA-123\n", "utf-8")
    (minimal_catalog / "opd" / "bocor.yaml").symlink_to(secret)
    (minimal_catalog / "bocor-folder.yaml").symlink_to(tmp_path)

    _, report = validate_catalog(minimal_catalog, "catalog")

    found = _codes(report.findings)
    assert found == [
        ("SPBE010", "catalog/bocor-folder.yaml", 1, 1),
        ("SPBE010", "catalog/opd/bocor.yaml", 1, 1),
    ]
    for finding in report.findings:
        assert "SANGAT-RAHASIA" not in finding.message
        assert str(tmp_path) not in finding.message
    # The rest of the catalog is still checked: every other file was read.
    assert report.files == MINIMAL_FILES


def test_folder_link_leaving_the_catalog_is_reported_not_skipped(
    minimal_catalog: Path, tmp_path: Path
) -> None:
    # `catalog/bersama -> ../elsewhere` dropped every file there without a word.
    elsewhere = tmp_path / "bersama"
    write_tree(elsewhere, {"opd.yaml": OPD.format(id="DINKES", nama="Dinkes")})
    (minimal_catalog / "bersama").symlink_to(elsewhere)
    # Links to folders inside the catalog (or looping) stay unread and unreported: the files
    # are read where they are.
    (minimal_catalog / "opd" / "lagi").symlink_to(minimal_catalog / "arsitektur")
    (minimal_catalog / "opd" / "putar").symlink_to(minimal_catalog)
    (minimal_catalog / "opd" / "atas").symlink_to(tmp_path)  # holds the catalog: a loop too

    _, report = validate_catalog(minimal_catalog, "catalog")

    assert _codes(report.findings) == [("SPBE010", "catalog/bersama", 1, 1)]
    assert report.findings[0].message == (
        "symbolic link to a folder outside the catalog folder; its files are not read"
    )
    assert str(tmp_path) not in report.findings[0].message


def test_symlink_inside_the_catalog_is_read(minimal_catalog: Path) -> None:
    write_tree(minimal_catalog, {"asli/dinkes.txt.yaml": OPD.format(id="DINKES", nama="Dinkes")})
    (minimal_catalog / "opd" / "tautan.yaml").symlink_to(
        minimal_catalog / "asli" / "dinkes.txt.yaml"
    )

    _, report = validate_catalog(minimal_catalog, "")

    assert _codes(report.findings) == [("SPBE104", "opd/tautan.yaml", 2, 5)]
    assert report.findings[0].related[0].location.path == "asli/dinkes.txt.yaml"


def test_fifo_is_reported_without_hanging(minimal_catalog: Path) -> None:
    os.mkfifo(minimal_catalog / "opd" / "pipa.yaml")
    result: list[object] = []

    def run() -> None:
        result.append(validate_catalog(minimal_catalog, "")[1])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=120)  # a bound on a hang: a busy runner may take seconds to load
    assert not worker.is_alive(), "validate hangs on a FIFO"
    report = result[0]
    assert _codes(report.findings) == [("SPBE011", "opd/pipa.yaml", 1, 1)]  # type: ignore[attr-defined]


def test_symlink_to_a_fifo_is_reported(minimal_catalog: Path) -> None:
    os.mkfifo(minimal_catalog / "pipa")
    (minimal_catalog / "pipa.yaml").symlink_to(minimal_catalog / "pipa")
    _, report = validate_catalog(minimal_catalog, "")
    assert _codes(report.findings) == [("SPBE011", "pipa.yaml", 1, 1)]


def test_unreadable_files_are_findings(minimal_catalog: Path) -> None:
    (minimal_catalog / "hilang.yaml").symlink_to(minimal_catalog / "tidak-ada.yaml")
    (minimal_catalog / "putar-a.yaml").symlink_to(minimal_catalog / "putar-b.yaml")
    (minimal_catalog / "putar-b.yaml").symlink_to(minimal_catalog / "putar-a.yaml")

    _, report = validate_catalog(minimal_catalog, "")

    assert _codes(report.findings) == [
        ("SPBE016", "hilang.yaml", 1, 1),
        ("SPBE016", "putar-a.yaml", 1, 1),
        ("SPBE016", "putar-b.yaml", 1, 1),
    ]
    messages = {f.location.path: f.message for f in report.findings}
    assert "no such file (a broken symbolic link?)" in messages["hilang.yaml"]
    assert "symbolic link loop" in messages["putar-a.yaml"]


def test_a_file_named_only_yaml_is_read_not_taken_for_hidden(minimal_catalog: Path) -> None:
    # `opd/.yaml` (a name lost on saving) was skipped as a hidden draft: its OPD vanished.
    write_tree(
        minimal_catalog,
        {
            "opd/.yaml": OPD.format(id="DINKES", nama="Dinkes") + "salah: 1\n",
            "opd/.YML": OPD.format(id="DISPAR", nama="Dispar") + "salah: 1\n",
            "opd/.draf.yaml": "entitas: rusak\n",  # a hidden draft stays unread
            ".yaml/x.yaml": "entitas: rusak\n",  # and so does a hidden folder
        },
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert [(c, p) for c, p, _, _ in _codes(report.findings)] == [
        ("SPBE102", "opd/.YML"),
        ("SPBE102", "opd/.yaml"),
    ]


def _refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` unlistable, as ``chmod 000`` does for anyone but root."""
    real = os.scandir

    def scandir(path: str) -> object:
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unlistable_subfolder_is_a_finding_not_a_crash(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It ended in "galat internal (PermissionError ...)" and exit 3; the files in it were
    # neither checked nor named.
    hidden = minimal_catalog / "opd" / "arsip"
    write_tree(hidden, {"lama.yaml": "entitas: opd\n"})
    _refuse_listing(monkeypatch, hidden)

    _, report = validate_catalog(minimal_catalog, "catalog")

    assert _codes(report.findings) == [("SPBE016", "catalog/opd/arsip", 1, 1)]
    assert report.findings[0].message == (
        "cannot read the folder: permission denied; the files in it were not checked"
    )


def test_unlistable_catalog_folder_cannot_run(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_listing(monkeypatch, minimal_catalog)
    with pytest.raises(SpbeError, match="cannot read the catalog folder 'katalog': permission"):
        load_catalog(minimal_catalog, "katalog")


def test_file_over_the_size_limit_is_a_finding(minimal_catalog: Path) -> None:
    big = minimal_catalog / "besar.yaml"
    with big.open("wb") as handle:
        handle.write(b"entitas: opd\ncatatan: ")
        handle.truncate(MAX_FILE_BYTES + 1)

    started = time.perf_counter()
    _, report = validate_catalog(minimal_catalog, "")
    assert time.perf_counter() - started < 10

    assert _codes(report.findings) == [("SPBE008", "besar.yaml", 1, 1)]
    assert "8,193 KiB" in report.findings[0].message
    assert "8,192 KiB" in report.findings[0].message


def test_in_memory_file_over_the_size_limit_is_a_finding(tmp_path: Path) -> None:
    _, findings = load_files(tmp_path, [("besar.yaml", b"a" * (MAX_FILE_BYTES + 1))])
    assert ("SPBE008", "besar.yaml", 1, 1) in _codes(findings)


def test_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    data = b"# " + b"x" * (MAX_FILE_BYTES - 3) + b"\n"
    assert len(data) == MAX_FILE_BYTES
    _, findings = load_files(tmp_path, [("pas.yaml", data)])
    assert "SPBE008" not in {f.code for f in findings}


def test_hidden_entries_and_other_suffixes_are_skipped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a.yaml": "x",
            "b.YML": "x",
            "c.yaml.bak": "x",
            ".d.yaml": "x",
            ".tersembunyi/e.yaml": "x",
            "sub/f.yml": "x",
            "README.md": "x",
        },
    )
    files = find_files(tmp_path, "kat/")
    assert [f.display for f in files] == ["kat/a.yaml", "kat/b.YML", "kat/sub/f.yml"]


def test_missing_folder_and_file_instead_of_folder_raise_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(SpbeError, match="does not exist"):
        load_catalog(tmp_path / "tidak-ada")
    (tmp_path / "berkas.yaml").write_text("a: 1\n", "utf-8")
    with pytest.raises(SpbeError, match="is not a folder"):
        load_catalog(tmp_path / "berkas.yaml")


def test_bad_file_does_not_stop_the_rest(minimal_catalog: Path) -> None:
    write_tree(
        minimal_catalog,
        {
            "a-rusak.yaml": b"\xff\xfe\x00",
            "b-rusak.yaml": "entitas: opd\n\tid: X\n",
            "opd/dinkes.yaml": OPD.format(id="DINKES", nama="Dinas Kesehatan"),
        },
    )
    catalog, report = validate_catalog(minimal_catalog, "")
    assert [f.code for f in report.sorted()] == ["SPBE002", "SPBE001"]
    assert "DINKES" in catalog.entities
    assert report.files == MINIMAL_FILES + 3


# -- YAML 1.2 typing: the field type decides ------------------------------------------------


def test_yaml_1_1_words_stay_text_unless_the_field_is_boolean(tmp_path: Path) -> None:
    text = (
        "entitas: data_informasi\nid: D1\nnama: no\nuraian: on\ntujuan: 12:30\n"
        "catatan: 0755\nrad: RAD.02.08\nsifat: terbuka\njenis: lainnya\nvaliditas: harian\n"
        "produsen_data: X\nwali_data: X\ndata_pribadi: true\n"
        "kode_referensi: [off, 1e3, 0x10, .inf]\n"
        "diperbarui: 2025-02-28\n"
    )
    catalog, findings = load_files(tmp_path, [("d.yaml", text.encode())])
    assert _only_file(findings, "d.yaml") == []
    data = catalog.entities["D1"]
    assert (data.nama, data.uraian, data.tujuan, data.catatan) == ("no", "on", "12:30", "0755")
    assert data.data_pribadi is True
    assert data.kode_referensi == ["off", "1e3", "0x10", ".inf"]
    assert data.diperbarui == date(2025, 2, 28)


def test_numbers_are_typed_by_the_field(tmp_path: Path) -> None:
    text = (
        "entitas: program\nid: P1\nnama: x\ndimensi: living\nelemen: health\nopd_pj: X\n"
        "tahun_mulai: 2025\ntahun_selesai: 2026\nhorizon: pendek\n"
        "indikator:\n  - nama: a\n    satuan: b\n    baseline: 75.5\n    target: {2026: 0.1}\n"
    )
    catalog, findings = load_files(tmp_path, [("p.yaml", text.encode())])
    assert _only_file(findings, "p.yaml") == []
    program = catalog.entities["P1"]
    assert program.tahun_mulai == 2025
    assert program.indikator[0].baseline == Decimal("75.5")
    assert program.indikator[0].target == {2026: Decimal("0.1")}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12:30", "is not a whole number"),
        ("0o3751", "is not a whole number"),
        ("2_025", "is not a whole number"),
        ("2025.0", "is not a whole number"),
        ("'2_025'", "is not a whole number"),
        ("yes", "is not a whole number"),
        ("'2025'", None),
    ],
)
def test_year_field_is_a_decimal_number(tmp_path: Path, value: str, message: str | None) -> None:
    text = OPD.format(id="R1", nama="x").replace("entitas: opd", "entitas: regulasi")
    text = (
        "entitas: regulasi\nid: R1\njenis: Perbup\nnomor: '1'\njudul: x\ntingkat: daerah\n"
        f"status: berlaku\ntahun: {value}\n"
    )
    _, findings = load_files(tmp_path, [("r.yaml", text.encode())])
    mine = _only_file(findings, "r.yaml")
    if message is None:
        assert mine == []
    else:
        assert [(f.code, f.location.line, f.location.column) for f in mine] == [("SPBE101", 8, 8)]
        assert message in mine[0].message


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "25-01-01", "2025-1-1", "2025"])
def test_invalid_dates_are_findings(tmp_path: Path, value: str) -> None:
    text = OPD.format(id="O1", nama="x") + f"diperbarui: {value}\n"
    _, findings = load_files(tmp_path, [("o.yaml", text.encode())])
    mine = _only_file(findings, "o.yaml")
    assert [(f.code, f.location.line, f.location.column) for f in mine] == [("SPBE101", 5, 13)]


def test_null_forms(tmp_path: Path) -> None:
    text = (
        "entitas: opd\nid: O1\nnama: x\njenis: dinas\nsingkatan: ~\ninduk: null\n"
        "kode_organisasi:\ncatatan: '~'\n"
    )
    catalog, findings = load_files(tmp_path, [("o.yaml", text.encode())])
    assert _only_file(findings, "o.yaml") == []
    opd = catalog.entities["O1"]
    assert (opd.singkatan, opd.induk, opd.kode_organisasi, opd.catatan) == (None, None, None, "~")


# -- refused YAML features -------------------------------------------------------------------


def test_alias_bomb_finishes_fast(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    data = ("\n".join(lines) + "\nentitas: opd\n").encode()
    started = time.perf_counter()
    _, findings = load_files(tmp_path, [("bom.yaml", data)])
    assert time.perf_counter() - started < 2
    assert [
        (f.code, f.location.line, f.location.column) for f in findings if f.code == "SPBE005"
    ] == [("SPBE005", 2, 10)]


def test_python_tags_construct_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'entitas: opd\nid: X\nnama: !!python/object/apply:os.system ["touch {marker}"]\n'
    _, findings = load_files(tmp_path, [("t.yaml", text.encode())])
    assert not marker.exists()
    assert [
        (f.code, f.location.line, f.location.column) for f in findings if f.code == "SPBE007"
    ] == [("SPBE007", 3, 7)]


def test_very_deep_nesting_is_a_finding(tmp_path: Path) -> None:
    deep_flow = "catatan: " + "[" * 2000 + "]" * 2000 + "\n"
    deep_block = "catatan:\n" + "".join("  " * i + "- \n" for i in range(1, 80))
    _, findings = load_files(
        tmp_path, [("flow.yaml", deep_flow.encode()), ("block.yaml", deep_block.encode())]
    )
    # At the 64th bracket, where the limit is passed (libyaml itself gives up at the 1000th).
    assert ("SPBE009", "flow.yaml", 1, 73) in _codes(findings)
    assert ("SPBE009", "block.yaml", 65, 129) in _codes(findings)


def test_duplicate_key_points_at_the_first(tmp_path: Path) -> None:
    text = "entitas: opd\nid: X\nnama: a\njenis: dinas\n\nnama: b\n"
    catalog, findings = load_files(tmp_path, [("d.yaml", text.encode())])
    [finding] = _only_file(findings, "d.yaml")
    assert (finding.code, finding.location.line, finding.location.column) == ("SPBE004", 6, 1)
    assert finding.related[0].location.line == 3
    # The document is still loaded with the first value.
    assert catalog.entities["X"].nama == "a"


# -- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second", "codes"),
    [
        ("DISKOMINFO", ["SPBE104"]),
        ("Diskominfo", ["SPBE104"]),
        ("DISKОMINFO", ["SPBE103", "SPBE104"]),  # Cyrillic О
        ("DΙSKOMINFO", ["SPBE103", "SPBE104"]),  # Greek Ι
        ("DISKOMINFO\u200b", ["SPBE103", "SPBE104"]),  # zero-width space
        ("DISKO\u00adMINFO", ["SPBE103", "SPBE104"]),  # soft hyphen
        ("ＤＩＳＫＯＭＩＮＦＯ", ["SPBE103", "SPBE104"]),  # fullwidth
        ("DISKOMINFO-2", []),
    ],
)
def test_ids_that_only_look_different_are_duplicates(
    tmp_path: Path, second: str, codes: list[str]
) -> None:
    files = [
        ("a.yaml", OPD.format(id="DISKOMINFO", nama="a").encode()),
        ("b.yaml", OPD.format(id=second, nama="b").encode()),
    ]
    _, findings = load_files(tmp_path, files)
    mine = _only_file(findings, "b.yaml")
    assert sorted(f.code for f in mine) == codes
    for finding in mine:
        assert (finding.location.line, finding.location.column) == (2, 5)
    duplicate = [f for f in mine if f.code == "SPBE104"]
    if duplicate:
        assert duplicate[0].related[0].location == duplicate[0].related[0].location.__class__(
            "a.yaml", 2, 5
        )


#: Greek capitals that Unicode TR39 (confusables.txt) maps to a Latin capital, whose small
#: letter is not a look-alike of its own: each letter, and the Latin letter of its capital.
_GREEK_BY_CAPITAL = [
    ("\u03b2", "b"), ("\u03b5", "e"), ("\u03b6", "z"), ("\u03b7", "h"),
    ("\u03ba", "k"), ("\u03bc", "m"), ("\u03c4", "t"), ("\u03c7", "x"),
]  # fmt: skip


@pytest.mark.parametrize(("greek", "latin"), _GREEK_BY_CAPITAL)
def test_an_id_with_a_small_greek_letter_whose_capital_looks_latin_is_a_duplicate(
    tmp_path: Path, greek: str, latin: str
) -> None:
    """`pb.κominfo` (a Greek keyboard's k) beside `pb.kominfo`: SPBE104 at the second id.

    The eight letters were look-alikes until the table of look-alikes became one
    (catalog.LOOKALIKES) and held their capitals only.
    """
    files = [
        ("a.yaml", OPD.format(id=f"pb.{latin}ominfo", nama="a").encode()),
        ("b.yaml", OPD.format(id=f"pb.{greek}ominfo", nama="b").encode()),
    ]
    _, findings = load_files(tmp_path, files)
    assert _codes(_only_file(findings, "b.yaml")) == [
        ("SPBE103", "b.yaml", 2, 5),
        ("SPBE104", "b.yaml", 2, 5),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("XN\u039dA", "xn\u03bda"),  # Greek Ν and ν: N and v by their looks, one id by case
        ("XY\u03a5A", "xy\u03c5a"),  # Greek Υ and υ
        ("XB\u0412A", "xb\u0432a"),  # Cyrillic В and в
        ("XH\u04baA", "xh\u04bba"),  # Cyrillic Һ and һ
    ],
)
def test_an_id_in_another_case_of_a_look_alike_letter_is_a_duplicate(
    tmp_path: Path, first: str, second: str
) -> None:
    files = [
        ("a.yaml", OPD.format(id=first, nama="a").encode()),
        ("b.yaml", OPD.format(id=second, nama="b").encode()),
    ]
    _, findings = load_files(tmp_path, files)
    assert ("SPBE104", "b.yaml", 2, 5) in _codes(findings)


def test_every_look_alike_shares_its_skeleton_with_its_other_case() -> None:
    """An id folds case: each letter of LOOKALIKES and its capital (or small) letter are one."""
    from spbe_cli.catalog import LOOKALIKES, id_skeleton

    for char, latin in LOOKALIKES.items():
        for other in {char.upper(), char.lower()}:
            assert id_skeleton(f"X{char}") == id_skeleton(f"X{other}"), (char, other)
        assert id_skeleton(f"X{char}") == "x" + (LOOKALIKES.get(char.upper()) or latin).lower()
        assert char.casefold() in {char.lower(), char}  # one letter in every case (no sigma)


def test_first_id_wins_and_the_duplicate_is_not_loaded(tmp_path: Path) -> None:
    files = [
        ("a.yaml", OPD.format(id="X", nama="pertama").encode()),
        ("b.yaml", OPD.format(id="X", nama="kedua").encode()),
    ]
    catalog, _ = load_files(tmp_path, files)
    assert catalog.entities["X"].nama == "pertama"


# -- arbitrary content never raises -------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n",
        b"---\n...\n",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbfentitas: opd\n",
        b"\xfe\xff\x00a",
        b"%YAML 1.1\n---\na: 1\n",
        b"%TAG ! tag:example.com,2000:\n---\n!x a: 1\n",
        b"? a\n",
        b"a: 1\n---\n- 1\n---\n3\n",
        b"entitas: ~\n",
        b"entitas: 1\n",
        b"entitas: {a: 1}\n",
        b"entitas: opd\nid: [x]\n",
        b"entitas: opd\nid: {a: b}\n",
        b"entitas: program\nindikator: [{target: {x: 1}}]\n",
        b"entitas: program\nindikator: [{target: {[a]: 1}}]\n",
        b"entitas: metadata\nversi_skema: x\n",
        b"!!str &a *b",
        b"*a",
        b"&a [*a]",
        b"a: \x85b\n",
        b"\xe2\x80\xa8a: b",
        b"'unterminated",
        b"a: |\n\tx\n",
        "entitas: opd\nid: İSTANBUL\nnama: x\njenis: dinas\n".encode(),
    ],
)
def test_odd_content_gives_findings_not_exceptions(tmp_path: Path, data: bytes) -> None:
    _, findings = load_files(tmp_path, [("x.yaml", data)])
    for finding in findings:
        assert finding.severity in set(Severity)
        assert finding.location.path in ("x.yaml", ".")


def test_models_given_the_same_fields_share_one_fields_set() -> None:
    from pydantic import BaseModel

    from spbe_cli.catalog import _collect_models

    catalog, _ = validate_catalog(Path(__file__).parent.parent / "catalog")
    models: list[BaseModel] = []
    _collect_models(list(catalog.entities.values()), models, BaseModel)
    for model in models:  # nested models too, at every depth
        for value in model.__dict__.values():
            _collect_models(value, models, BaseModel)
    before = [(m, set(m.model_fields_set), m.model_dump()) for m in models]
    catalog.share_field_sets()
    for model, fields_set, dumped in before:
        assert model.model_fields_set == fields_set
        assert model.model_dump() == dumped
    distinct = {id(m.model_fields_set) for m in models}
    assert len(distinct) < len({id(m) for m in models}) / 4
    # a copy with a change gets a set of its own: the shared one stays as it was
    program = catalog.of_kind("program")[0]
    shared = set(program.model_fields_set)
    program.model_copy(update={"catatan": "diubah"})
    assert program.model_fields_set == shared


def test_documents_lost_to_a_yaml_error_are_salvaged_leniently() -> None:
    from spbe_cli.parsing import from_json, parse_bytes, to_json

    text = (
        "entitas: opd\nid: BAIK\nnama: Dinas\n---\n"  # composed before the error: a document
        "entitas opd  # komentar\nid: 'RUSAK'\nnama: x\nurusan: [\"2.16\", 2.17]\n---\n"
        "entitas: program\nid: SC-X\ndimensi: economy\n---\n"
        "# tanpa entitas\nid: TANPA\n"
    )
    parsed = parse_bytes(text.encode())
    assert [(p.code, p.line) for p in parsed.problems] == [("SPBE001", 5)]
    assert len(parsed.documents) == 1
    assert parsed.salvaged == (
        (4, {"entitas": "opd", "id": "RUSAK", "nama": "x", "urusan": ["2.16", "2.17"]}),
        (9, {"entitas": "program", "id": "SC-X", "dimensi": "economy"}),
    )
    assert from_json(to_json(parsed)) == parsed
    # Not UTF-8: nothing was composed, so every document is read leniently.
    latin = parse_bytes("entitas: opd\nid: X\nnama: caf\u00e9\n".encode("cp1252"))
    assert [p.code for p in latin.problems] == ["SPBE002"]
    assert latin.salvaged == ((1, {"entitas": "opd", "id": "X", "nama": "caf\ufffd"}),)
    # A BOM does not hide the first line's 'entitas'.
    bom = parse_bytes(b"\xef\xbb\xbfentitas: opd\nid: X\nnama: caf\xe9\n")
    assert bom.salvaged == latin.salvaged


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_file_is_one_finding_and_keeps_its_ids(
    minimal_catalog: Path, encoding: str
) -> None:
    """Notepad's "Unicode": the file's ids were lost, so each reference to DISKOMINFO (every
    program's opd_pj, the metadata's tim) was one more "not found" after the one SPBE002."""
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    text = path.read_text("utf-8").replace("\n", "\r\n")
    path.write_bytes(text.encode(encoding))
    _, report = validate_catalog(minimal_catalog, "catalog")
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    assert _codes(errors) == [("SPBE002", "catalog/opd/diskominfo.yaml", 1, 1)]


def test_a_line_separator_refuses_its_file_at_the_editors_line_and_keeps_its_ids() -> None:
    """U+2028 in a comment: libyaml would count a line there (and read the comment's rest as
    YAML); the file is refused at the line and column an editor shows, its ids still declared."""
    with TemporaryDirectory() as tmp:
        root = copy_minimal(Path(tmp) / "catalog")
        (root / "opd" / "baru.yaml").write_text(
            "entitas: opd\nid: BARU\n# catatan\u2028 lama\nnama: Dinas Baru\njenis: dinas\n"
            "---\nentitas: opd\nid: LAIN\nnama: Dinas Lain\njenis: dinas\n",
            encoding="utf-8",
        )
        _, report = validate_catalog(root, "catalog")
    found = [f for f in report.findings if f.location.path == "catalog/opd/baru.yaml"]
    assert [(f.code, f.location.line, f.location.column) for f in found] == [("SPBE019", 3, 10)]
    assert "U+2028" in found[0].message
    # The file's entities count as declared: nothing elsewhere says BARU or LAIN is missing.
    assert not [f for f in report.findings if "BARU" in f.message or "LAIN" in f.message]


@pytest.mark.parametrize("broken", ["--- : x\n", "... x\n"])
def test_a_document_composed_before_the_error_is_not_salvaged_as_well(broken: str) -> None:
    from spbe_cli.parsing import parse_bytes

    # The error is on the line that ends A: A was composed whole and is loaded; B was lost.
    parsed = parse_bytes(f"entitas: opd\nid: A\n{broken}entitas: opd\nid: B\n".encode())
    assert [(p.code, p.line) for p in parsed.problems] == [("SPBE001", 3)]
    assert [d.value for d in parsed.documents] == [{"entitas": "opd", "id": "A"}]
    assert parsed.salvaged == ((3, {"entitas": "opd", "id": "B"}),)


def test_an_entity_without_its_separator_is_salvaged_at_its_own_line() -> None:
    from spbe_cli.parsing import parse_bytes

    text = (
        "entitas: opd\nid: A\nnama: a\n---\n"
        "entitas: opd\nid: B\nnama: b\n"
        "entitas: opd  # the '---' above it left out\nid: C\nurusan: [x, 'y']\n---\n"
        "entitas: opd\nid: D\n"
    )
    parsed = parse_bytes(text.encode())
    assert [(p.code, p.line, p.key) for p in parsed.problems] == []
    assert [(p.line, p.key) for d in parsed.documents for p in d.problems] == [
        (8, "load.missing_separator")
    ]
    assert parsed.salvaged == ((8, {"entitas": "opd", "id": "C", "urusan": ["x", "y"]}),)


@pytest.mark.parametrize("count", [3, 5])
def test_every_entity_of_a_run_without_separators_is_salvaged(count: int) -> None:
    from spbe_cli.parsing import parse_bytes

    # `count` entities one after the other, none with its '---': the first is loaded (one
    # SPBE004 at the second 'entitas'), each other one is salvaged at its own 'entitas' line.
    text = "".join(f"entitas: opd\nid: E{n}\nnama: e{n}\n" for n in range(count))
    parsed = parse_bytes(text.encode())
    assert [(p.code, p.line, p.column, p.key) for d in parsed.documents for p in d.problems] == [
        ("SPBE004", 4, 1, "load.missing_separator")
    ]
    assert parsed.salvaged == tuple(
        (1 + 3 * n, {"entitas": "opd", "id": f"E{n}", "nama": f"e{n}"}) for n in range(1, count)
    )


def test_entities_without_separators_count_as_declared(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "c")
    opd = root / "opd" / "diskominfo.yaml"
    extra = "".join(
        f"entitas: opd\nid: OPD-X{n}\nnama: Dinas {n}\njenis: dinas\n" for n in range(4)
    )
    opd.write_text(opd.read_text("utf-8").rstrip("\n") + "\n" + extra, "utf-8")
    catalog, report = validate_catalog(root, "")
    assert [(f.code, f.location.path) for f in report.findings] == [
        ("SPBE004", "opd/diskominfo.yaml")
    ]
    # The file's own entity is loaded; each of the four after it is salvaged (one finding).
    assert {"OPD-X0", "OPD-X1", "OPD-X2", "OPD-X3"} <= {r.id for r in catalog.rejected}


def test_a_broken_file_does_not_make_its_ids_missing_elsewhere(tmp_path: Path) -> None:
    from tests.helpers import copy_minimal

    root = copy_minimal(tmp_path / "c")
    opd = root / "opd" / "diskominfo.yaml"
    opd.write_text(opd.read_text("utf-8").replace("nama: Dinas", "nama: 'Dinas"), "utf-8")
    _, report = validate_catalog(root, "")
    assert [(f.code, f.location.path, f.location.line) for f in report.findings] == [
        ("SPBE001", "opd/diskominfo.yaml", 3)
    ]


@pytest.mark.parametrize(
    ("given", "format_key", "meant"),
    [
        ("94.4.01", "format.kode_wilayah", "94.04.01"),
        # The dots left out: one rule for 'spbe init --kode' and the catalog's codes.
        ("9404", "format.kode_pemda", "94.04"),
        ("940401", "format.kode_wilayah", "94.04.01"),
        ("9404012001", "format.kode_wilayah", None),  # a village's last level has four digits
        ("94", "format.kode_provinsi", None),  # already right
    ],
)
def test_a_mistyped_code_is_mended_by_one_rule(
    given: str, format_key: str, meant: str | None
) -> None:
    from spbe_cli.loader import code_formats, fixed_code

    [pattern] = [p for p, key in code_formats().items() if key == format_key]
    assert fixed_code(given, pattern) == meant


def test_values_typed_like_people_write_get_the_value_to_write() -> None:
    from spbe_cli.i18n import use_language
    from tests.helpers import VALIDATE_CASES, copy_minimal

    case = VALIDATE_CASES / "invalid" / "typed-like-people-write" / "catalog"
    expected = {
        8: ("tahun_selesai: '2.027' bukan bilangan bulat", "tanpa pemisah ribuan: 2027"),
        10: ("digital: 'ya' bukan true/false", "tulis true, huruf kecil tanpa tanda kutip"),
        11: ("bukan kode wilayah Kemendagri (dua angka", "maksud Anda 94.04.01?"),
        18: ("'Rp 1.500.000' bukan bilangan bulat", "tanpa 'Rp' dan tanpa pemisah ribuan: 1500000"),
        20: ("'1.500.000' bukan bilangan bulat", "tanpa pemisah ribuan: 1500000"),
        24: ("'30/09/2025' bukan tanggal", "tahun-bulan-hari: 2025-09-30"),
        27: ("'30 Desember 2025' bukan tanggal", "tahun-bulan-hari: 2025-12-30"),
    }
    for lang in ("id", "en"):
        with use_language(lang), TemporaryDirectory() as tmp:
            import shutil

            root = copy_minimal(Path(tmp) / "c")
            shutil.copytree(case, root, dirs_exist_ok=True)
            _, report = validate_catalog(root, "")
            found = {f.location.line: (f.message, f.hint or "") for f in report.findings}
            assert set(found) == set(expected)
            for line, (message, hint) in expected.items():
                if lang == "id":
                    assert message in found[line][0]
                    assert hint in found[line][1]
                else:
                    assert "bukan" not in found[line][0] + found[line][1]
                    if line != 10:
                        assert hint.rsplit(" ", 1)[-1] in found[line][1]  # the value to write


@pytest.mark.parametrize(
    ("written", "code", "hint"),
    [
        # Each was the one error and then a "not found" for every reference to DISKOMINFO.
        (
            "[DISKOMINFO]",
            "SPBE101",
            "this field is one text, not a list: write it without the brackets: DISKOMINFO",
        ),
        ("'DISKOMINFO", "SPBE001", None),  # the quote left open: salvaged without it
        ('"DISKOMINFO', "SPBE001", None),
    ],
)
def test_an_id_plainly_meant_still_counts_as_declared(
    minimal_catalog: Path, written: str, code: str, hint: str | None
) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", f"id: {written}"), "utf-8")
    _, report = validate_catalog(minimal_catalog, "c")
    assert [
        (f.code, f.location.path, f.location.line, f.location.column, f.hint)
        for f in report.findings
    ] == [(code, "c/opd/diskominfo.yaml", 2, 5, hint)]


#: The id finding of an OPD whose id cannot be read names the id everything else refers to.
_UNNAMED_HINT = (
    "write id: DISKOMINFO? (that id is referred to in 20 place(s), and no other opd has it)"
)


@pytest.mark.parametrize(
    ("written", "code", "column"),
    [
        # Each was the one error and then a "not found" for every reference to DISKOMINFO.
        ("id:", "SPBE101", 4),
        ('id: ""', "SPBE103", 5),
        ("id: ''", "SPBE103", 5),
        ("id: ~", "SPBE101", 5),
        ("id: null", "SPBE101", 5),
        ("id: 123", "SPBE103", 5),
        ("id: [a, b]", "SPBE101", 5),
        ("id: {a: 1}", "SPBE101", 5),
    ],
)
def test_an_unreadable_id_is_one_finding_naming_the_id_referred_to(
    minimal_catalog: Path, written: str, code: str, column: int
) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", written), "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "c")
    assert [
        (f.code, f.location.path, f.location.line, f.location.column, f.hint)
        for f in report.findings
    ] == [(code, "c/opd/diskominfo.yaml", 2, column, _UNNAMED_HINT)]
    with use_language("id"):
        _, report = validate_catalog(minimal_catalog, "c")
    assert [f.hint for f in report.findings] == [
        "tulis id: DISKOMINFO? (id itu dirujuk di 20 tempat, dan tidak ada opd lain yang "
        "memakainya)"
    ]


def test_a_missing_id_is_one_finding_naming_the_id_referred_to(minimal_catalog: Path) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO\n", ""), "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "c")
    assert [
        (f.code, f.location.path, f.location.line, f.location.column, f.hint)
        for f in report.findings
    ] == [("SPBE108", "c/opd/diskominfo.yaml", 1, 1, _UNNAMED_HINT)]


def test_the_hint_counts_the_metadatas_and_the_evidences_references(
    minimal_catalog: Path,
) -> None:
    """The hint "referred to in 20 place(s)" counted the elements' fields only: the Dewan Smart
    City's ``opd_anggota`` and a self-assessment's ``bukti`` naming DISKOMINFO are references."""
    add_evidence(minimal_catalog)
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", 'id: ""'), "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "c")
    assert [
        (f.code, f.location.path, f.location.line, f.location.column, f.hint)
        for f in report.findings
        if f.code.startswith(("SPBE1", "SPBE2"))
    ] == [("SPBE103", "c/opd/diskominfo.yaml", 2, 5, _UNNAMED_HINT.replace("20", "22"))]


def test_two_unreadable_ids_are_two_findings_not_a_duplicate(minimal_catalog: Path) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    text = path.read_text("utf-8").replace("id: DISKOMINFO", 'id: ""')
    path.write_text(text + "---\n" + text, "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "c")
    # Not SPBE104 "'' is used twice": each document's id is its own mistake, and two such
    # documents may be DISKOMINFO and one more OPD, so each says which ids are wanted.
    assert [(f.code, f.location.line, f.location.column, f.hint) for f in report.findings] == [
        ("SPBE103", 2, 5, _UNNAMED_HINT),
        ("SPBE103", 8, 5, _UNNAMED_HINT),
    ]


def test_more_ids_wanted_than_unreadable_ids_are_each_reported(minimal_catalog: Path) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8").replace("id: DISKOMINFO", "id:"), "utf-8")
    program = minimal_catalog / "program" / "economy.yaml"
    program.write_text(program.read_text("utf-8").replace("DISKOMINFO", "DISPAR", 1), "utf-8")
    with use_language("en"):
        _, report = validate_catalog(minimal_catalog, "c")
    # DISKOMINFO and DISPAR cannot both be the one OPD refused: neither is taken as it.
    found = [(f.code, f.location.path, f.hint) for f in report.findings]
    assert ("SPBE101", "c/opd/diskominfo.yaml", None) in found
    assert ("SPBE201", "c/program/economy.yaml", None) in found
    assert len([f for f in found if f[0] == "SPBE201"]) == 20


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("2026-13-01", "did you mean 2026-01-13?"),  # day and month swapped
        (
            "2025-02-30",
            "there is no such day in the calendar; the order is year-month-day, month 01–12",
        ),
        (
            "Desember 2026",
            "a date needs its day too: write 2026-12-DD, with DD the day in two "
            "digits (e.g. 2026-12-01)",
        ),
        (
            "12/2026",
            "a date needs its day too: write 2026-12-DD, with DD the day in two digits "
            "(e.g. 2026-12-01)",
        ),
        ("2025-12-15T10:00", "write the date alone, without the time: 2025-12-15"),
        ("'2025-12-15 10:00:00'", "write the date alone, without the time: 2025-12-15"),
        ("1/12/2026", "write the date as year-month-day: 2026-12-01"),
        ("besok", "a date is written year-month-day, e.g. 2026-09-30"),
    ],
)
def test_a_date_written_otherwise_says_what_to_write(
    minimal_catalog: Path, written: str, hint: str | None
) -> None:
    path = minimal_catalog / "opd" / "diskominfo.yaml"
    path.write_text(path.read_text("utf-8") + f"diperbarui: {written}\n", "utf-8")
    _, report = validate_catalog(minimal_catalog, "c")
    found = [f for f in report.findings if f.severity is Severity.ERROR]
    assert [(f.code, f.location.path, f.location.line, f.location.column) for f in found] == [
        ("SPBE101", "c/opd/diskominfo.yaml", 6, 13)
    ]
    assert (
        found[0].message.startswith("diperbarui: '") and "is not a valid date" in found[0].message
    )
    assert found[0].hint == hint


def test_an_empty_value_and_listed_documents_say_what_to_write() -> None:
    import shutil

    from spbe_cli.i18n import use_language
    from tests.helpers import VALIDATE_CASES, copy_minimal

    case = VALIDATE_CASES / "invalid" / "empty-value-and-listed-documents" / "catalog"
    with use_language("id"), TemporaryDirectory() as tmp:
        root = copy_minimal(Path(tmp) / "c")
        shutil.copytree(case, root, dirs_exist_ok=True)
        _, report = validate_catalog(root, "")
    said = {(f.code, f.message, f.hint) for f in report.findings}
    assert said == {
        (
            "SPBE012",
            "dokumen YAML harus berupa pemetaan (kunci: nilai) dengan kunci 'entitas'",
            "tulis setiap entitas sebagai dokumen sendiri, dipisah baris '---', "
            "tanpa '- ' di depan 'entitas'",
        ),
        (
            "SPBE101",
            "horizon kosong; tulis nilainya sesudah ':' (atau hapus barisnya bila kolom ini "
            "tidak wajib)",
            "pilihan: quick_win, pendek, menengah, panjang",
        ),
    }


def test_an_entity_without_its_separator_still_declares_its_id(tmp_path: Path) -> None:
    from tests.helpers import copy_minimal

    root = copy_minimal(tmp_path / "c")
    opd = root / "opd" / "diskominfo.yaml"
    second = "entitas: opd\nid: DINKES\nnama: Dinas Kesehatan\njenis: dinas\n"
    opd.write_text(opd.read_text("utf-8") + second, "utf-8")
    living = root / "program" / "living.yaml"
    living.write_text(living.read_text("utf-8").replace("opd_pj: DISKOMINFO", "opd_pj: DINKES"))
    _, report = validate_catalog(root, "")
    # One finding: the missing '---'; DINKES is not also 'not found' in program/living.yaml.
    assert [(f.code, f.location.path, f.location.line) for f in report.findings] == [
        ("SPBE004", "opd/diskominfo.yaml", 6)
    ]
