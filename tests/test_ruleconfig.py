"""Rule configuration (``catalog/.spbe.yaml``): severities, exceptions with a reason, SPBE021."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.validate import validate_catalog
from tests.helpers import copy_minimal, write_tree

#: An application that serves no service: SPBE403 (warning) on APP-02.
LONE_APP = """\
entitas: aplikasi
id: APP-02
nama: SRIKANDI Mimika
raa: RAA.01.01
kategori: khusus
pemilik: DISKOMINFO
data: [DATA-01]
infrastruktur: [INFRA-01]
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = copy_minimal(tmp_path / "catalog")
    write_tree(root, {"arsitektur/lone.yaml": LONE_APP})
    return root


def codes(root: Path) -> list[tuple[str, str, int]]:
    _, report = validate_catalog(root, "catalog")
    return [(f.code, f.severity.value, f.location.line) for f in report.sorted()]


def test_without_configuration_the_rule_fires(catalog: Path) -> None:
    assert ("SPBE403", "warning", 2) in codes(catalog)


def test_severity_override_and_off(catalog: Path) -> None:
    write_tree(catalog, {".spbe.yaml": "aturan:\n  SPBE403: info\n"})
    assert ("SPBE403", "info", 2) in codes(catalog)
    write_tree(catalog, {".spbe.yaml": "aturan:\n  SPBE403: off\n"})
    assert "SPBE403" not in [c for c, _, _ in codes(catalog)]


def test_exception_with_reason_hides_one_entity_and_is_listed(catalog: Path) -> None:
    write_tree(
        catalog,
        {
            ".spbe.yaml": (
                "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-02\n"
                "    alasan: Aplikasi Umum nasional; layanannya dicatat K/L pemiliknya.\n"
            )
        },
    )
    _, report = validate_catalog(catalog, "catalog")
    assert [f for f in report.findings if f.code == "SPBE403"] == []
    (exception,) = report.exceptions
    assert (exception.code, exception.entity, exception.matched) == ("SPBE403", "APP-02", 1)
    assert str(exception.location) == "catalog/.spbe.yaml:2:5"
    result = CliRunner().invoke(app, ["validate", "--strict", str(catalog)])
    assert "Exceptions in force (1):" in result.stdout
    assert "SPBE403 for APP-02: Aplikasi Umum nasional" in result.stdout
    data = json.loads(
        CliRunner().invoke(app, ["validate", "--format", "json", str(catalog)]).stdout
    )
    assert data["exceptions"][0]["reason"].startswith("Aplikasi Umum nasional")


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("pengecualian:\n  - aturan: SPBE403\n    entitas: APP-02\n", 2, 5, "needs an 'alasan'"),
        (
            "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-02\n    alasan: ok\n",
            4,
            13,
            "needs an 'alasan'",
        ),
        ("aturan:\n  SPBE999: off\n", 2, 3, "unknown rule 'SPBE999'"),
        ("aturan:\n  SPBE001: off\n", 2, 3, "cannot be changed or excepted"),
        ("aturan:\n  SPBE403: loud\n", 2, 12, "one of: off, info, warning, error"),
        ("atruan:\n  SPBE403: off\n", 1, 1, "unknown key 'atruan'"),
        ("aturan: [SPBE403]\n", 1, 9, "'aturan' must be a mapping"),
        ("pengecualian:\n  - aturan: SPBE403\n    alasan: sepuluh karakter\n", 2, 5, "'entitas'"),
        ("aturan: {SPBE403: off\n", 2, 1, "not valid YAML: the '{' on line 1 is not closed"),
        # What is wrong, not only that something is (it said "not valid YAML (one document)").
        ("aturan: {}\naturan:\n  SPBE403: off\n", 2, 1, "key 'aturan' is written twice"),
        ("aturan:\n\tSPBE403: off\n", 2, 1, "tab character in indentation"),
        ("aturan: {SPBE611: off}\n---\naturan: {}\n", 3, 1, "one YAML document only"),
        ("- a\n", 1, 1, "must be a mapping"),
    ],
)
def test_configuration_problems_are_spbe021_at_their_place(
    catalog: Path, text: str, line: int, column: int, message: str
) -> None:
    write_tree(catalog, {".spbe.yaml": text})
    _, report = validate_catalog(catalog, "catalog")
    (problem,) = [f for f in report.findings if f.code == "SPBE021"]
    assert (problem.location.path, problem.location.line, problem.location.column) == (
        "catalog/.spbe.yaml",
        line,
        column,
    )
    assert message in problem.message
    assert report.return_code == 1
    assert ("SPBE403", "warning", 2) in codes(catalog)  # a refused entry changes nothing


def test_strict_passes_when_the_only_warning_is_an_accepted_exception(catalog: Path) -> None:
    assert CliRunner().invoke(app, ["validate", "--strict", str(catalog)]).exit_code == 1
    write_tree(
        catalog,
        {
            ".spbe.yaml": (
                "pengecualian:\n  - aturan: SPBE403\n    entitas: APP-02\n"
                "    alasan: Aplikasi Umum nasional; layanannya dicatat K/L pemiliknya.\n"
            )
        },
    )
    _, report = validate_catalog(catalog, "catalog", strict=True)
    assert (report.errors, report.warnings, report.return_code) == (0, 0, 0)


def test_rules_shows_the_effective_severity_and_the_exceptions(catalog: Path) -> None:
    write_tree(
        catalog,
        {
            ".spbe.yaml": (
                "aturan:\n  SPBE611: off\npengecualian:\n  - aturan: SPBE403\n"
                "    entitas: APP-02\n    alasan: Aplikasi Umum nasional, dicatat K/L.\n"
            )
        },
    )
    result = CliRunner().invoke(app, ["rules", "-c", str(catalog)])
    assert result.exit_code == 0
    assert "SPBE611  info→off" in result.stdout
    assert "SPBE403  warning  " in result.stdout
    assert "SPBE403 APP-02: Aplikasi Umum nasional, dicatat K/L." in result.stdout
    # A wider level widens its column: every rule's title starts at the same place.
    write_tree(catalog, {".spbe.yaml": "aturan:\n  SPBE610: off\n"})
    result = CliRunner().invoke(app, ["rules", "-c", str(catalog)])
    rows = [line for line in result.stdout.splitlines() if line.startswith("SPBE6")]
    assert any(line.startswith("SPBE610  warning→off ") for line in rows), rows
    title = len("SPBE610  warning→off ")
    assert all(line[title - 1] == " " and line[title] != " " for line in rows), rows
    write_tree(catalog, {".spbe.yaml": "aturan:\n  SPBE611: keras\n"})
    result = CliRunner().invoke(app, ["rules", "-c", str(catalog)])
    assert result.exit_code == 1
    assert ".spbe.yaml:2:12: error[SPBE021]" in result.stderr


@pytest.mark.parametrize(
    ("make", "shown", "message"),
    [
        # A catalog file may end in .yml or .YAML; the configuration so named was ignored.
        (lambda root: (root / ".spbe.yml").write_text(CONFIG), ".spbe.yml", "must be named"),
        (lambda root: (root / ".SPBE.YAML").write_text(CONFIG), ".SPBE.YAML", "must be named"),
        (lambda root: (root / ".spbe.yaml").mkdir(), ".spbe.yaml", "not a symbolic link or"),
        (
            lambda root: (root / ".spbe.yaml").symlink_to(root / "metadata.yaml"),
            ".spbe.yaml",
            "not a symbolic link or",
        ),
    ],
)
def test_a_configuration_that_is_not_read_is_never_silent(
    catalog: Path, make: Any, shown: str, message: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SPBE_CACHE_DIR", str(tmp_path / "cache"))
    args = ["--cache", "validate", "-f", "json", str(catalog)]
    for _ in range(2):  # the record of a clean run must not hide a name added later
        assert CliRunner().invoke(app, args).exit_code == 0
    make(catalog)
    for _ in range(2):  # the same with the cache cold and warm
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1
        findings = json.loads(result.stdout)["findings"]
        [finding] = [f for f in findings if f["code"] == "SPBE021"]
        assert (finding["code"], finding["path"], finding["line"]) == (
            "SPBE021",
            f"{catalog.as_posix()}/{shown}",
            1,
        )
        assert message in finding["message"]
        assert ("SPBE403", "warning", 2) in codes(catalog)  # and it changed nothing


CONFIG = "aturan:\n  SPBE403: off\n"


def test_rules_reads_the_default_catalog_as_validate_does(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without -c it listed the default severities, while validate (default: ./catalog) used
    # the configuration: the list said "warning" for a rule that was off.
    write_tree(catalog, {".spbe.yaml": CONFIG})
    monkeypatch.chdir(catalog.parent)
    result = CliRunner().invoke(app, ["rules", "SPBE403"])
    assert (result.exit_code, result.stdout.split()[:2]) == (0, ["SPBE403", "warning→off"])
    (catalog / "opd").mkdir(exist_ok=True)
    monkeypatch.chdir(catalog / "opd")  # inside the catalog: the catalog, as validate reads it
    result = CliRunner().invoke(app, ["rules", "SPBE403"])
    assert (result.exit_code, result.stdout.split()[:2]) == (0, ["SPBE403", "warning→off"])
    elsewhere = catalog.parent / "lain"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no catalog here nor above: the defaults, no error
    result = CliRunner().invoke(app, ["rules", "SPBE403"])
    assert (result.exit_code, result.stdout.split()[:2]) == (0, ["SPBE403", "warning"])


def test_an_exception_naming_nothing_is_a_warning_with_the_close_id(catalog: Path) -> None:
    # It was listed with "(0 findings)" only: a typo'd or removed entity passed even --strict.
    write_tree(
        catalog,
        {
            ".spbe.yaml": (
                "pengecualian:\n"
                "  - aturan: SPBE403\n    entitas: APP-20\n    alasan: Aplikasi Umum nasional.\n"
                "  - aturan: SPBE403\n    entitas: APP-02\n    alasan: Aplikasi Umum nasional.\n"
                "  - aturan: SPBE604\n    entitas: metadata\n    alasan: dokumen metadata.\n"
            )
        },
    )
    _, report = validate_catalog(catalog, "catalog")
    [warning] = [f for f in report.findings if f.code == "SPBE021"]
    assert (warning.severity.value, warning.location.line, warning.location.column) == (
        "warning",
        2,
        5,
    )
    assert "no entity or file named APP-20" in warning.message
    assert warning.hint == "did you mean APP-02?"
    assert report.return_code == 0
    _, report = validate_catalog(catalog, "catalog", strict=True)
    assert report.return_code == 1
