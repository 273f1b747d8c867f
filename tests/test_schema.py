"""JSON Schemas: valid draft-07, deterministic, Indonesian descriptions, and in agreement with
``spbe validate`` on the bundled catalog, the valid cases and the golden invalid cases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from spbe_cli import schema, yamlio
from spbe_cli.cli.app import app
from spbe_cli.loader import load_catalog
from spbe_cli.models import MODELS
from tests.helpers import VALIDATE_CASES, write_tree

ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "catalog"
runner = CliRunner()

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = re.compile(r"^([-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")


def editor_value(node: Any) -> Any:
    """A document as a YAML 1.2 (core schema) editor sees it: plain scalars become typed."""
    if isinstance(node, yamlio.ScalarNode):
        value = node.value
        if node.style not in (None, ""):
            return value
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value) or _SPECIAL_FLOAT.match(value):
            return (
                float(value.replace("inf", "Infinity").replace("Inf", "Infinity"))
                if "inf" in value.lower()
                else float(value)
            )
        return value
    if isinstance(node, yamlio.SequenceNode):
        return [editor_value(item) for item in node.value]
    # JSON object keys are text, as the YAML extension makes them.
    return {
        str(editor_value(k)).lower()
        if isinstance(editor_value(k), bool)
        else str(editor_value(k)): editor_value(v)
        for k, v in node.value
    }


def editor_documents(path: Path) -> list[Any]:
    nodes, problems = yamlio.compose(path.read_text(encoding="utf-8"))
    assert not problems, (path, problems)
    return [editor_value(node) for node in nodes]


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    result = {name: Draft7Validator(s) for name, s in schema.all_schemas().items()}
    return result


def schema_errors(validators: dict[str, Draft7Validator], document: Any) -> list[str]:
    """Errors of the combined schema and, when the kind is known, of the kind's own schema."""
    errors = [e.message for e in validators[schema.file_name("katalog")].iter_errors(document)]
    kind = document.get("entitas") if isinstance(document, dict) else None
    if isinstance(kind, str) and kind in MODELS:
        own = [e.message for e in validators[schema.file_name(kind)].iter_errors(document)]
        assert bool(own) == bool(errors), (document, own, errors)
    return errors


# -- the schemas themselves ----------------------------------------------------------------------


def test_every_schema_is_valid_draft_07() -> None:
    schemas = schema.all_schemas()
    assert set(schemas) == {schema.file_name(k) for k in [*MODELS, "katalog"]}
    for name, value in schemas.items():
        Draft7Validator.check_schema(value)
        assert value["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert value["$id"] == name


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = {n: schema.dumps(s) for n, s in schema.all_schemas().items()}
    second = {n: schema.dumps(s) for n, s in schema.all_schemas().items()}
    assert first == second
    for text in first.values():
        assert text.endswith("}\n")
        assert (
            json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            == text
        )


def _mappings(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a schema, each before the ones inside it."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _mappings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _mappings(value)


def _properties(node: Any) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, value) for m in _mappings(node) for name, value in m.get("properties", {}).items()
    ]


def test_descriptions_come_from_the_indonesian_docstrings() -> None:
    program = schema.kind_schema("program")
    assert program["properties"]["dimensi"]["description"] == (
        "Dimensi: governance, branding, economy, living, society, environment."
    )
    assert program["description"] == "Program Smart City."
    anggaran = program["definitions"]["Anggaran"]
    assert anggaran["properties"]["nilai"]["description"] == "Nilai dalam rupiah (bilangan bulat)."
    for kind in MODELS:
        for name, prop in _properties(schema.kind_schema(kind)):
            if name in ("status", "nomor", "tahun") and "description" not in prop:
                continue  # the if/then rule of regulasi repeats these without descriptions
            assert prop.get("description"), (kind, name)


def test_cli_prints_the_combined_schema_and_writes_every_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["$id"] == "spbe-katalog.schema.json"
    out = tmp_path / "skema"
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(schema.all_schemas())
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    assert before == {p.name: p.read_bytes() for p in out.iterdir()}


def test_cli_reports_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["schema", "-o", str(blocker / "sub")])
    assert result.exit_code == 3
    assert "cannot write" in result.stderr
    assert result.stdout == ""


def test_cli_replaces_a_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    """A schema file that is a link (planted in a pull request) is replaced, not followed."""
    outside = tmp_path / "outside.txt"
    outside.write_text("milik orang lain\n")
    out = tmp_path / "skema"
    out.mkdir()
    name = schema.file_name("aplikasi")
    (out / name).symlink_to(outside)
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert outside.read_text() == "milik orang lain\n"
    assert not (out / name).is_symlink()
    assert json.loads((out / name).read_text("utf-8"))["title"]


def test_a_failed_write_leaves_the_earlier_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way (disk full) keeps the file there before and no temporary."""
    import os

    out = tmp_path / "skema"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = os.fdopen

    class Full:
        def __init__(self, handle: int, mode: str) -> None:
            self.stream = real(handle, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            self.stream.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 3
    assert "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# -- agreement with spbe validate ----------------------------------------------------------------

#: Codes the schema can judge on its own: the document's kind, its fields, their types and values.
JUDGED = {"SPBE012", "SPBE013", "SPBE101", "SPBE102", "SPBE103", "SPBE108", "SPBE109"}
#: Codes of files the schema cannot see (bytes, YAML syntax, tags, aliases, duplicate keys, empty
#: files, case clashes, invisible characters).
UNREADABLE = {f"SPBE0{n:02d}" for n in range(1, 20)} - {"SPBE012", "SPBE013"}


def _valid_catalogs() -> list[Path]:
    folders = [p / "catalog" for p in sorted((VALIDATE_CASES / "valid").iterdir())]
    if any(BUNDLED.rglob("*.yaml")):
        folders.append(BUNDLED)
    return [f for f in folders if f.is_dir()]


@pytest.mark.parametrize("folder", _valid_catalogs(), ids=lambda p: p.parent.name)
def test_schema_accepts_what_validate_accepts(
    folder: Path, validators: dict[str, Draft7Validator]
) -> None:
    _, findings = load_catalog(folder)
    by_file: dict[str, set[str]] = {}
    for finding in findings:
        by_file.setdefault(finding.location.path, set()).add(finding.code)
    checked = 0
    for path in sorted(folder.rglob("*.y*ml")):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue
        shown = f"{folder.as_posix()}/{rel}"
        codes = by_file.get(shown, set())
        if codes & (UNREADABLE | JUDGED):
            continue  # validate itself refused this file; the invalid cases cover it
        for document in editor_documents(path):
            assert schema_errors(validators, document) == [], (rel, document)
            checked += 1
    assert checked > 0


def _invalid_cases() -> list[Path]:
    return [p for p in sorted((VALIDATE_CASES / "invalid").iterdir()) if (p / "catalog").is_dir()]


@pytest.mark.parametrize("case", _invalid_cases(), ids=lambda p: p.name)
def test_schema_agrees_with_validate_on_golden_invalid_cases(
    case: Path, validators: dict[str, Draft7Validator]
) -> None:
    folder = case / "catalog"
    _, findings = load_catalog(folder, "")
    by_file: dict[str, set[str]] = {}
    for finding in findings:
        by_file.setdefault(finding.location.path, set()).add(finding.code)
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or not path.name.endswith((".yaml", ".yml")):
            continue
        rel = path.relative_to(folder).as_posix()
        codes = by_file.get(rel, set())
        if codes & UNREADABLE or path.is_symlink():
            continue
        try:
            documents = editor_documents(path)
        except (AssertionError, UnicodeDecodeError):
            continue
        rejected = any(schema_errors(validators, d) for d in documents)
        assert rejected == bool(codes & JUDGED), (rel, sorted(codes), documents)


# -- single cases, each in both tools -----------------------------------------------------------

OPD = "entitas: opd\nid: DISKOMINFO\nnama: Dinas Kominfo\njenis: dinas\n"
REGULASI = (
    "entitas: regulasi\nid: PERBUP-1\njenis: Perbup\nnomor: {nomor}\ntahun: {tahun}\n"
    "judul: SPBE\ntingkat: daerah\nstatus: {status}\n"
)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        (OPD, True),
        (OPD + "urusan: ['2.16']\n", True),
        (OPD + "catatan: 12\n", True),  # free text, a number to an editor
        (OPD + "ilustratif: yes\n", False),  # only true and false are booleans
        (OPD + "ilustratif: true\n", True),
        (OPD + "nama_lain: x\n", False),  # unknown field
        (OPD.replace("jenis: dinas\n", ""), False),  # missing field
        (OPD.replace("jenis: dinas", "jenis: dinass"), False),  # wrong enum
        (OPD.replace("id: DISKOMINFO", "id: 1DISKOMINFO"), False),  # bad id
        (OPD.replace("opd", "opdd", 1), False),  # unknown kind
        (OPD + "diperbarui: 2025-1-5\n", False),  # not YYYY-MM-DD
        (OPD + "diperbarui: 2025-01-05\n", True),
        (REGULASI.format(nomor='"7"', tahun=2024, status="berlaku"), True),
        (REGULASI.format(nomor=7, tahun='"2024"', status="berlaku"), True),  # quoted year
        (REGULASI.format(nomor="", tahun="", status="dibutuhkan"), True),
        (REGULASI.format(nomor="", tahun=2024, status="berlaku"), False),  # needs a number
        (REGULASI.format(nomor='"7"', tahun="dua ribu", status="berlaku"), False),
        (REGULASI.format(nomor='"7"', tahun=1900, status="berlaku"), False),
    ],
)
def test_single_documents_agree(
    tmp_path: Path, validators: dict[str, Draft7Validator], text: str, accepted: bool
) -> None:
    write_tree(tmp_path, {"x.yaml": text})
    _, findings = load_catalog(tmp_path, "")
    judged = [f for f in findings if f.code in JUDGED]
    assert (not judged) is accepted, findings
    errors = schema_errors(validators, editor_documents(tmp_path / "x.yaml")[0])
    assert (not errors) is accepted, errors


def test_target_years_are_year_keys(validators: dict[str, Draft7Validator]) -> None:
    indikator = {"nama": "x", "satuan": "persen", "target": {"2026": 40}}
    doc = {
        "entitas": "program",
        "id": "P",
        "nama": "x",
        "opd_pj": "D",
        "tahun_mulai": 2026,
        "tahun_selesai": 2026,
        "dimensi": "governance",
        "elemen": "service",
        "horizon": "pendek",
        "indikator": [indikator],
    }
    assert schema_errors(validators, doc) == []
    indikator["target"] = {"tahun depan": 40}
    assert schema_errors(validators, doc) != []


def test_unquoted_codes_must_be_quoted_for_editors(
    tmp_path: Path, validators: dict[str, Draft7Validator]
) -> None:
    """Documented difference: spbe reads ``2.16`` as text, an editor as a number it flags."""
    write_tree(tmp_path, {"x.yaml": OPD + "urusan: [2.16]\n"})
    _, findings = load_catalog(tmp_path, "")
    assert not [f for f in findings if f.code in JUDGED]
    assert schema_errors(validators, editor_documents(tmp_path / "x.yaml")[0]) != []


def _pattern_messages(node: Any) -> dict[str, str]:
    return {
        m["pattern"]: m["patternErrorMessage"]
        for m in _mappings(node)
        if "patternErrorMessage" in m
    }


@pytest.mark.parametrize("lang", ["id", "en"])
def test_editors_say_a_pattern_in_words_in_indonesian(lang: str, monkeypatch: Any) -> None:
    # yaml-language-server shows patternErrorMessage instead of the regular expression; the
    # schema files are the same bytes in either message language.
    monkeypatch.setenv("SPBE_LANG", lang)
    said = _pattern_messages(schema.catalog_schema())
    wilayah = next(p for p in said if p.startswith("^[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{2}"))
    assert said[wilayah].startswith("bukan kode wilayah Kemendagri (dua angka per tingkat")
    assert said["^\\d{4}-\\d{2}-\\d{2}$"] == "tanggal ditulis tahun-bulan-hari, mis. 2026-09-30"
    assert any(m.startswith("id dimulai huruf") for m in said.values())
    assert not any("^" in message or "[0-9]" in message for message in said.values())


def test_an_unquoted_numeric_code_is_asked_to_be_quoted() -> None:
    # `lokasi: [94.04]` is a number to the editor: its type error says to quote the code.
    lokasi = schema.kind_schema("program")["properties"]["lokasi"]["items"]
    assert lokasi["errorMessage"].startswith("tulis kode wilayah Kemendagri (dua angka")
    assert lokasi["errorMessage"].endswith("di antara tanda kutip, agar tidak dibaca sebagai angka")
    assert "errorMessage" not in json.dumps(schema.kind_schema("program")["properties"]["opd_pj"])
