"""``spbe validate`` and ``spbe rules`` on the command line: formats, exit codes, streams."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from spbe_cli.cli import app as app_module
from spbe_cli.cli.app import app
from spbe_cli.diff.attention import ATTENTION_RULES
from spbe_cli.errors import ExitCode
from spbe_cli.rules import RULES
from tests.helpers import MINIMAL, MINIMAL_ENTITIES, MINIMAL_FILES, copy_minimal, write_tree

runner = CliRunner()
CLEAN_SUMMARY = (
    f"Checked {MINIMAL_FILES} files, {MINIMAL_ENTITIES} entities: 0 errors, 0 warnings, 0 info.\n"
)
REPO = Path(__file__).resolve().parent.parent

#: The documented shape of ``spbe validate --format json`` (schema id spbe.validate/1).
VALIDATE_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "catalog", "summary", "findings", "exceptions"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": "spbe.validate/1"},
        "catalog": {"type": "string"},
        "exceptions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "entity", "reason", "matched", "path", "line", "column"],
            },
        },
        "summary": {
            "type": "object",
            "additionalProperties": False,
            "required": ["files", "entities", "errors", "warnings", "infos", "strict", "exit_code"],
            "properties": {
                "files": {"type": "integer", "minimum": 0},
                "entities": {"type": "integer", "minimum": 0},
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "infos": {"type": "integer", "minimum": 0},
                "strict": {"type": "boolean"},
                "exit_code": {"enum": [0, 1]},
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "code",
                    "severity",
                    "path",
                    "line",
                    "column",
                    "message",
                    "hint",
                    "related",
                ],
                "properties": {
                    "code": {"type": "string", "pattern": "^SPBE\\d{3}$"},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "path": {"type": "string"},
                    "line": {"type": "integer", "minimum": 0},
                    "column": {"type": "integer", "minimum": 0},
                    "message": {"type": "string", "minLength": 1},
                    "hint": {"type": ["string", "null"]},
                    "related": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["path", "line", "column", "message"],
                            "properties": {
                                "path": {"type": "string"},
                                "line": {"type": "integer"},
                                "column": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def broken_catalog(minimal_catalog: Path) -> Path:
    """The minimal catalog plus one error (with a hint and a related location) and one warning."""
    write_tree(
        minimal_catalog,
        {
            "opd/typo.yaml": "entitas: opd\nid: TYPO\nnama: x\njenis: dinas\nsingkatn: T\n",
            "opd/ganda.yaml": "entitas: opd\nid: GANDA\nnama: a\njenis: dinas\nnama: b\n",
            "opd/isian.yaml": "entitas: opd\nid: ISIAN\nnama: TODO\njenis: dinas\n",
        },
    )
    return minimal_catalog


@pytest.fixture
def warning_catalog(minimal_catalog: Path) -> Path:
    """The minimal catalog plus one warning (a placeholder) and nothing else."""
    write_tree(
        minimal_catalog, {"opd/isian.yaml": "entitas: opd\nid: ISIAN\nnama: TODO\njenis: dinas\n"}
    )
    return minimal_catalog


# -- exit 0 ------------------------------------------------------------------------------------


def test_clean_catalog_text(minimal_catalog: Path) -> None:
    result = _invoke("validate", str(minimal_catalog))
    assert result.exit_code == ExitCode.OK
    assert result.stdout == CLEAN_SUMMARY
    assert result.stderr == ""


def test_default_catalog_is_the_catalog_folder(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal_catalog.parent)
    result = _invoke("validate")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == CLEAN_SUMMARY


def test_clean_catalog_json(minimal_catalog: Path) -> None:
    result = _invoke("validate", "--format", "json", str(minimal_catalog))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == ""
    data = json.loads(result.stdout)
    jsonschema.validate(data, VALIDATE_JSON_SCHEMA)
    assert data["catalog"] == minimal_catalog.as_posix()
    assert data["summary"] == {
        "files": MINIMAL_FILES,
        "entities": MINIMAL_ENTITIES,
        "errors": 0,
        "warnings": 0,
        "infos": 0,
        "strict": False,
        "exit_code": 0,
    }
    assert data["findings"] == []


def test_clean_catalog_github(minimal_catalog: Path) -> None:
    result = _invoke("validate", "-f", "github", str(minimal_catalog))
    assert result.exit_code == ExitCode.OK
    assert result.stdout == CLEAN_SUMMARY
    assert result.stderr == ""


# -- exit 1 ------------------------------------------------------------------------------------


def test_findings_text(broken_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken_catalog.parent)
    result = _invoke("validate", "catalog")
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "catalog/opd/ganda.yaml:5:1: error[SPBE004]: key 'nama' is written twice (first on line 3;"
        " its value there is used until one of them is removed)",
        "  = see catalog/opd/ganda.yaml:3:1: first defined here",
        "",
        "catalog/opd/isian.yaml:3:7: warning[SPBE901]: the value still holds the placeholder"
        " 'TODO'; fill it in before publishing",
        "",
        "catalog/opd/typo.yaml:5:1: error[SPBE102]: unknown field 'singkatn'",
        "  = hint: did you mean singkatan?",
        "",
        f"Checked {MINIMAL_FILES + 3} files, {MINIMAL_ENTITIES + 2} entities:"
        " 2 errors, 1 warning, 0 info.",
    ]


def test_findings_json(broken_catalog: Path) -> None:
    result = _invoke("validate", "--format", "json", str(broken_catalog))
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stderr == ""
    data = json.loads(result.stdout)
    jsonschema.validate(data, VALIDATE_JSON_SCHEMA)
    root = broken_catalog.as_posix()
    assert data["summary"] == {
        "files": MINIMAL_FILES + 3,
        "entities": MINIMAL_ENTITIES + 2,
        "errors": 2,
        "warnings": 1,
        "infos": 0,
        "strict": False,
        "exit_code": 1,
    }
    assert [
        (f["code"], f["severity"], f["path"], f["line"], f["column"]) for f in data["findings"]
    ] == [
        ("SPBE004", "error", f"{root}/opd/ganda.yaml", 5, 1),
        ("SPBE901", "warning", f"{root}/opd/isian.yaml", 3, 7),
        ("SPBE102", "error", f"{root}/opd/typo.yaml", 5, 1),
    ]
    ganda, _, typo = data["findings"]
    assert ganda["related"] == [
        {"path": f"{root}/opd/ganda.yaml", "line": 3, "column": 1, "message": "first defined here"}
    ]
    assert ganda["hint"] is None
    assert typo["hint"] == "did you mean singkatan?"
    assert typo["message"] == "unknown field 'singkatn'"


def test_findings_github(broken_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken_catalog.parent)
    result = _invoke("validate", "--format", "github", "catalog")
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "::error file=catalog/opd/ganda.yaml,line=5,col=1,title=SPBE004::"
        "key 'nama' is written twice (first on line 3; its value there is used until one of them"
        " is removed)",
        "::warning file=catalog/opd/isian.yaml,line=3,col=7,title=SPBE901::"
        "the value still holds the placeholder 'TODO'; fill it in before publishing",
        "::error file=catalog/opd/typo.yaml,line=5,col=1,title=SPBE102::"
        "unknown field 'singkatn' (hint: did you mean singkatan?)",
        f"Checked {MINIMAL_FILES + 3} files, {MINIMAL_ENTITIES + 2} entities:"
        " 2 errors, 1 warning, 0 info.",
    ]


def test_github_annotations_cannot_be_forged(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal_catalog.parent)
    write_tree(
        minimal_catalog,
        {
            # The value is echoed in the message; the file name ends up in a property. (A
            # carriage return no longer gets that far: it is refused at load, SPBE019.)
            "opd/a,b:c.yaml": (
                'entitas: opd\nid: FORGE\nnama: x\njenis: "dinas\\n::error::forged %0A 50%"\n'
            ),
        },
    )
    result = _invoke("validate", "--format", "github", "catalog")
    assert result.exit_code == ExitCode.FINDINGS
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    annotation = lines[0]
    assert annotation.startswith(
        "::error file=catalog/opd/a%2Cb%3Ac.yaml,line=4,col=8,title=SPBE101::"
    )
    assert "value 'dinas%0A::error::forged %250A 50%25' is not allowed" in annotation
    assert not any(line.startswith("::error::forged") for line in lines)
    assert "\r" not in result.stdout


def test_findings_in_indonesian(broken_catalog: Path) -> None:
    result = _invoke("--lang", "id", "validate", str(broken_catalog))
    assert result.exit_code == ExitCode.FINDINGS
    assert "kolom 'singkatn' tidak dikenal" in result.stdout
    assert "  = saran: maksud Anda singkatan?" in result.stdout
    assert result.stdout.endswith(
        f"Diperiksa {MINIMAL_FILES + 3} berkas, {MINIMAL_ENTITIES + 2} entitas:"
        " 2 galat, 1 peringatan, 0 info.\n"
    )


def test_language_from_spbe_lang(broken_catalog: Path) -> None:
    result = runner.invoke(app, ["validate", str(broken_catalog)], env={"SPBE_LANG": "id"})
    assert result.exit_code == ExitCode.FINDINGS
    assert "Diperiksa" in result.stdout


# -- --strict ------------------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_warnings_pass_unless_strict(warning_catalog: Path, output: str) -> None:
    relaxed = _invoke("validate", "--format", output, str(warning_catalog))
    strict = _invoke("validate", "--format", output, "--strict", str(warning_catalog))
    assert relaxed.exit_code == ExitCode.OK
    assert strict.exit_code == ExitCode.FINDINGS
    assert "SPBE901" in relaxed.stdout
    assert "SPBE901" in strict.stdout
    if output == "json":
        assert json.loads(relaxed.stdout)["summary"]["strict"] is False
        assert json.loads(strict.stdout)["summary"]["strict"] is True
        assert json.loads(strict.stdout)["summary"]["exit_code"] == 1


def test_strict_clean_catalog_passes(minimal_catalog: Path) -> None:
    result = _invoke("validate", "--strict", str(minimal_catalog))
    assert result.exit_code == ExitCode.OK


def test_info_findings_never_fail(minimal_catalog: Path) -> None:
    write_tree(
        minimal_catalog,
        {"referensi.yaml": (MINIMAL / "referensi.yaml").read_text("utf-8") + "ilustratif: true\n"},
    )
    result = _invoke("validate", "--strict", "--format", "json", str(minimal_catalog))
    assert result.exit_code == ExitCode.OK
    summary = json.loads(result.stdout)["summary"]
    assert (summary["errors"], summary["warnings"], summary["infos"]) == (0, 0, 1)


# -- exit 2 and 3 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--format", "xml"], "Invalid value for '--format'"),
        (["validate", "--bogus"], "No such option: --bogus"),
        (["validate", "a", "b"], "Got unexpected extra argument"),
        (["--lang", "fr", "validate"], "Invalid value for '--lang'"),
        (["tidak-ada-perintah"], "No such command"),
    ],
)
def test_usage_errors_exit_2(args: list[str], expected: str) -> None:
    result = _invoke(*args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_folder_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "tidak-ada"
    result = _invoke("validate", str(missing))
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == f"spbe: catalog folder '{missing}' does not exist\n"


def test_file_instead_of_folder_exits_2(tmp_path: Path) -> None:
    target = write_tree(tmp_path, {"berkas.yaml": "a: 1\n"}) / "berkas.yaml"
    result = _invoke("validate", "--format", "json", str(target))
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == f"spbe: '{target}' is not a folder\n"


def test_internal_error_is_a_message_not_a_traceback(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import spbe_cli.validate

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(spbe_cli.validate, "validate_catalog", boom)
    monkeypatch.delenv("SPBE_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["spbe", "validate", str(minimal_catalog)])
    with pytest.raises(SystemExit) as exc:
        app_module.main()
    assert exc.value.code == ExitCode.CANNOT_RUN
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "internal error (RuntimeError: kaboom)" in captured.err
    assert "Traceback" not in captured.err


# -- spbe rules, --version, --help --------------------------------------------------------------


def test_rules_lists_every_rule() -> None:
    result = _invoke("rules")
    assert result.exit_code == ExitCode.OK
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CODE", "SEVERITY", "RULE"]
    listed = {line.split()[0]: line.split()[1] for line in lines[1:] if line.startswith("SPBE")}
    expected = {code: rule.severity.value for code, rule in RULES.items()}
    expected.update({code: r.severity.value for code, r in ATTENTION_RULES.items()})
    assert listed == expected
    assert "Full explanations with an example of the fix: docs/aturan.md" in lines
    assert lines[-1] == "Full explanations: docs/diff.md"


def test_rules_in_indonesian() -> None:
    result = _invoke("--lang", "id", "rules")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.splitlines()[0].split() == ["KODE", "TINGKAT", "ATURAN"]
    assert "SPBE002  error    Berkas bukan UTF-8" in result.stdout


def test_version() -> None:
    result = _invoke("--lang", "id", "--version")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.startswith("spbe 0.1.0 (data referensi ")


def test_help_names_the_exit_codes() -> None:
    result = _invoke("validate", "--help")
    assert result.exit_code == ExitCode.OK
    assert "--format" in result.stdout
    assert "--strict" in result.stdout


# -- the installed entry points ------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "SPBE_"))}
    env.update({"LANG": "C.UTF-8", "SPBE_LANG": "en", "PYTHONUTF8": "1"})
    return env


def test_installed_spbe_script(minimal_catalog: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("spbe")
    clean = subprocess.run(
        [str(script), "validate", str(minimal_catalog)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, CLEAN_SUMMARY, "")
    missing = subprocess.run(
        [str(script), "validate", str(tmp_path / "tidak-ada")],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert missing.returncode == ExitCode.USAGE
    assert missing.stdout == ""
    assert "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    helped = subprocess.run(
        [sys.executable, "-m", "spbe_cli", "--help"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert helped.returncode == 0
    assert helped.stdout.startswith("Usage: ")
    assert "validate" in helped.stdout
    assert helped.stderr == ""
    usage = subprocess.run(
        [sys.executable, "-m", "spbe_cli", "validate", "--format", "yaml"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert usage.returncode == 2
    assert usage.stdout == ""
    assert "Traceback" not in usage.stderr


def test_a_lookalike_opd_id_referenced_by_a_plan_is_a_finding_not_a_crash(
    minimal_catalog: Path,
) -> None:
    """The invalid copy of a look-alike OPD id is still referenced: validate reports, no bug."""
    opd = minimal_catalog / "opd" / "diskominfo.yaml"
    (minimal_catalog / "opd" / "kedua.yaml").write_text(opd.read_text("utf-8"), "utf-8")
    opd.write_text(opd.read_text("utf-8").replace("id: DISKOMINFO", "id: Diskominfo"), "utf-8")
    result = runner.invoke(app, ["validate", str(minimal_catalog)])
    assert result.exit_code == 1, result.output
    assert "error[SPBE104]" in result.stdout
    assert "internal error" not in result.stderr


def test_the_script_ends_quickly_with_every_byte_and_its_exit_code(tmp_path: Path) -> None:
    """validate and sync end with os._exit after flushing: nothing printed is lost."""
    root = copy_minimal(tmp_path / "catalog")
    # Enough findings that the JSON report is far larger than a pipe buffer.
    bad = {f"program/bad-{n}.yaml": f"entitas: program\nid: BAD-{n}\n" for n in range(400)}
    write_tree(root, bad)
    script = Path(sys.executable).with_name("spbe")
    for output in ("json", "text", "sarif"):
        done = subprocess.run(
            [str(script), "validate", str(root), "--format", output],
            capture_output=True,
            env=_env(),
            timeout=120,
            check=False,
        )
        runner_result = runner.invoke(app, ["validate", str(root), "--format", output])
        assert done.returncode == runner_result.exit_code == ExitCode.FINDINGS
        assert done.stdout.decode() == runner_result.stdout
        assert len(done.stdout) > 200_000
    synced = subprocess.run(
        [str(script), "sync", str(REPO / "catalog"), "--format", "json"],
        capture_output=True,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert synced.returncode == 0
    assert json.loads(synced.stdout)["schema"] == "spbe.sync/1"
