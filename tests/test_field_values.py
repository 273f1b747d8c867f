"""The values a catalog field accepts have one home (spbe_cli.reference.values).

Every field of every model, nested ones too, is walked: editor completion, ``spbe new`` and the
readers' Daftar Perubahan must say what the home says, so a field (or a reference list) added
later cannot be known to one of them and not to the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spbe_cli import scaffold
from spbe_cli.lsp.workspace import VALUE, Workspace
from spbe_cli.models import ENTITY_KINDS, MODELS
from spbe_cli.reference import load_reference
from spbe_cli.reference import values as field_values
from spbe_cli.render.changes import _words
from tests.helpers import copy_minimal

#: Candidate kinds of a field's values (the others are ids and RA codes).
_VALUE_KINDS = {VALUE, "wilayah"}


def _every_field() -> Iterator[tuple[str, str]]:
    for kind in MODELS:
        for path in field_values.field_paths(kind):
            if path != "entitas":
                yield kind, path


FIELDS = list(_every_field())


def _buffer(kind: str, path: str) -> tuple[str, int]:
    """A document that reaches ``path`` (nested in mappings and list items), the last line open."""
    lines = [f"entitas: {kind}"]
    indent, item = 0, ""
    for part in path.split("."):
        name = "kunci" if part == "*" else part.removesuffix("[]")
        lines.append(f"{' ' * indent}{item}{name}:")
        indent += len(item) + 2
        item = "- " if part.endswith("[]") else ""
    return "\n".join(lines) + " ", len(lines) - 1


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    found = Workspace(copy_minimal(tmp_path_factory.mktemp("values") / "catalog"))
    found.load()
    return found


def test_every_field_of_every_model_is_walked() -> None:
    paths = {path for _, path in FIELDS}
    # nested fields of lists of items, of single items and of a mapping's values
    assert {"anggaran[].sumber", "nomenklatur.level", "pemda.jenis"} <= paths
    assert "strategi_dimensi.*.sasaran[].indikator[].arah" in paths
    assert {kind for kind, _ in FIELDS} == set(MODELS)


@pytest.mark.parametrize(("kind", "path"), FIELDS, ids=[f"{k}.{p}" for k, p in FIELDS])
def test_completion_offers_what_the_home_says(workspace: Workspace, kind: str, path: str) -> None:
    text, line = _buffer(kind, path)
    offered = [(c.label, c.name) for c in workspace.complete(text, line) if c.kind in _VALUE_KINDS]
    expected: dict[str, str] = {}
    for field in field_values.find(kind, path.replace("*", "kunci")):
        expected.update(field_values.codes(field, workspace.reference))
    assert offered == list(expected.items())
    assert bool(offered) == (path in field_values.coded(kind))


@pytest.mark.parametrize(("kind", "path"), FIELDS, ids=[f"{k}.{p}" for k, p in FIELDS])
def test_spbe_new_offers_what_the_home_says(kind: str, path: str) -> None:
    field = field_values.coded(kind).get(path)
    reference = load_reference()
    if field is None or not field.closed:
        expected = []
    elif field.grouped_by:
        tables = field_values.groups(field, reference)
        expected = [f"{group}: {', '.join(codes)}" for group, codes in tables.items()]
    else:
        expected = list(field_values.codes(field, reference))
    assert scaffold._choices(kind, path) == expected


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_a_new_entity_file_lists_the_choices_of_every_top_level_coded_field(kind: str) -> None:
    text = scaffold.entity_text(kind, "BARU-01")
    for path, field in field_values.coded(kind).items():
        choices = scaffold._choices(kind, path)
        if "." in path or not choices:
            continue
        if field.grouped_by:
            assert "\n".join(f"#   {c}" for c in choices) in text, path
        else:
            assert f"# Pilihan: {', '.join(choices)}\n" in text, path


@pytest.mark.parametrize(("kind", "path"), FIELDS, ids=[f"{k}.{p}" for k, p in FIELDS])
def test_the_readers_change_list_words_codes_as_the_home_says(kind: str, path: str) -> None:
    reference = load_reference()
    words = _words({}, {}, {}, "", kind, reference)
    segments = [s.removesuffix("[]") for s in path.split(".") if s != "*"]
    name, parent = segments[-1], (segments[-2] if len(segments) > 1 else "")
    field = field_values.coded(kind).get(path)
    if field is None:
        return
    for code, label in field_values.codes(field, reference).items():
        said = words.value(code, name, "", parent)
        if field.literal and name in ("kerangka", "kerangka_indeks"):
            assert said.startswith("Permen")  # a framework by its regulation
        else:
            assert said == (field_values.code_words(code) if field.literal else label)


def test_every_field_that_holds_a_code_is_a_coded_name() -> None:
    # The readers' words show a code without a label as words only in a field that holds codes.
    coded = {field.name for kind in MODELS for field in field_values.coded(kind).values()}
    assert field_values.coded_names() == coded
    assert {"sumber", "status", "sifat", "pilar", "aplikasi_umum", "arah"} <= coded
    assert not {"nama", "uraian", "catatan", "entitas"} & coded


def test_a_field_that_holds_no_code_reads_as_written() -> None:
    words = _words({}, {}, {}, "", "aplikasi", load_reference())
    assert words.value("postgres_ql", "basis_data") == "postgres_ql"
    assert words.value("bagi_pakai", "status_kepemilikan", "", "") == "bagi_pakai"  # not its kind


# -- what a user sees now that was missing before --------------------------------------------


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        # before: the entity's own sumber values too (regulasi, dokumen, lapangan, usulan)
        (
            "entitas: program\nanggaran:\n  - tahun: 2026\n    sumber: ",
            ["APBD", "APBN", "DAK", "CSR", "KPBU", "lainnya"],
        ),
        ("entitas: program\nsumber: ", ["regulasi", "dokumen", "lapangan", "usulan"]),
        # before: every `jenis` of the metadata (reviu, keterkaitan) mixed in
        ("entitas: metadata\npemda:\n  nama: X\n  jenis: ", ["kabupaten", "kota", "provinsi"]),
        # before: nothing (not a Literal, not in the list table of the editor)
        (
            "entitas: kesiapan\npilar: suprastruktur\nsub_aspek: ",
            ["kebijakan", "kelembagaan", "pelaksanaan"],
        ),
        ("entitas: aplikasi\naplikasi_umum: ", ["SRIKANDI", "SP4N-LAPOR", "SPSE", "SI-ASN"]),
        ("entitas: program\npilar_kesiapan:\n  - ", ["struktur", "infrastruktur", "suprastruktur"]),
        # before: region codes in an infrastruktur's lokasi, which is free text
        ("entitas: infrastruktur\nlokasi: ", []),
        # before: nothing; the lists a catalog may extend, as SPBE209 names them
        (
            "entitas: referensi\ndaftar: ",
            [
                *("arsitektur", "elemen_smart_city", "sifat_data", "jenis_data", "validitas_data"),
                *("jenis_infrastruktur", "jenis_keamanan", "pembina_data", "dimensi"),
                *("pilar_kesiapan", "muatan", "bidang_aplikasi_umum", "wilayah"),
            ],
        ),
    ],
)
def test_completion_by_the_field_path(workspace: Workspace, text: str, offered: list[str]) -> None:
    line = text.count("\n")
    got = [c.label for c in workspace.complete(text, line) if c.kind in _VALUE_KINDS]
    assert got == offered


def test_a_programs_elements_are_those_of_its_dimension(workspace: Workspace) -> None:
    reference = workspace.reference
    dimensi = next(iter(reference.elemen))
    text = f"entitas: program\ndimensi: {dimensi}\nelemen: "
    got = [c.label for c in workspace.complete(text, 2)]
    assert got == list(reference.elemen[dimensi])
    assert len(got) < sum(len(e) for e in reference.elemen.values())


def test_completion_offers_the_codes_the_catalog_declares(tmp_path: Path) -> None:
    catalog = copy_minimal(tmp_path / "catalog")
    (catalog / "referensi").mkdir(exist_ok=True)
    (catalog / "referensi" / "rak.yaml").write_text(
        "entitas: referensi\ndaftar: jenis_infrastruktur\nkode: rak_server\n"
        "nama: Rak Server\nsumber: inventaris Diskominfo (ilustratif)\n",
        "utf-8",
    )
    workspace = Workspace(catalog)
    workspace.load()
    offered = {c.label: c.name for c in workspace.complete("entitas: infrastruktur\njenis: ", 1)}
    assert offered["rak_server"] == "Rak Server"
    assert "server" in offered


# -- a value the model does not allow: the same values in the finding ------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "expected", "hint"),
    [
        (
            "entitas: regulasi\nid: R1\njenis: Perbup\nnomor: '1'\njudul: x\ntingkat: daerah\n"
            "status: berlaku\ntahun: 2025\nsumber: dokumne\n",
            9,
            9,
            "regulasi, dokumen, lapangan, usulan",
            "dokumen",
        ),
        (  # the other fields a program needs are missing (SPBE108): this one is about sumber
            "entitas: program\nid: P1\nanggaran:\n  - tahun: 2026\n    nilai: 1000\n"
            "    sumber: APBDD\n",
            6,
            13,
            "APBD, APBN, DAK, CSR, KPBU, lainnya",
            "APBD",
        ),
        (
            "entitas: metadata\nstrategi_dimensi:\n  smart_governance:\n    sasaran:\n"
            "      - uraian: u\n        indikator:\n          - nama: n\n            satuan: s\n"
            "            arah: naiik\n",
            9,
            19,
            "naik, turun",
            "naik",
        ),
    ],
)
def test_a_value_not_allowed_names_the_fields_values(
    tmp_path: Path, text: str, line: int, column: int, expected: str, hint: str
) -> None:
    from spbe_cli.i18n import use_language
    from spbe_cli.loader import load_files

    with use_language("id"):
        _, findings = load_files(tmp_path, [("x.yaml", text.encode())])
    [found] = [f for f in findings if f.code == "SPBE101"]
    assert (found.location.path, found.location.line, found.location.column) == (
        "x.yaml",
        line,
        column,
    )
    assert found.message.endswith(f"pilihan: {expected}")
    assert hint in (found.hint or "")


def test_an_unknown_list_to_extend_names_the_lists_completion_offers(
    tmp_path: Path, workspace: Workspace
) -> None:
    from spbe_cli.i18n import use_language
    from spbe_cli.validate import validate_catalog

    root = copy_minimal(tmp_path / "catalog")
    (root / "referensi").mkdir(exist_ok=True)
    (root / "referensi" / "x.yaml").write_text(
        "entitas: referensi\ndaftar: jenis_aplikasi\nkode: x\nnama: X\nsumber: uji\n", "utf-8"
    )
    with use_language("id"):
        _, report = validate_catalog(root, "")
    [found] = [f for f in report.findings if f.code == "SPBE209"]
    where = (found.location.path, found.location.line, found.location.column)
    assert where == ("referensi/x.yaml", 2, 9)
    offered = [c.label for c in workspace.complete("entitas: referensi\ndaftar: ", 1)]
    assert found.message.endswith(f"pilihan: {', '.join(offered)}")
