"""Start-up cost: what ``spbe --help`` and ``spbe validate`` load, build and evaluate.

The bench rows ``help`` and ``validate-small`` time whole processes; these tests pin the
reasons they are fast, each of which a harmless-looking change undoes silently: an import at
the top of a module, a model built at import, a field description read from the source at
import, an annotation typer evaluates again on every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from spbe_cli.cli import COMMANDS, command_module
from spbe_cli.cli.app import app
from spbe_cli.models import MODELS, Base, field_docstrings
from tests.helpers import write_tree

ROOT = Path(__file__).parent.parent
#: Libraries only rendering, exporting, the language server or the terminal bar need.
HEAVY = ("jinja2", "markdown_it", "matplotlib", "docx", "lxml", "openpyxl", "pyarrow", "pygls")

_PROBE = """
import json, sys
from spbe_cli.cli.app import app
try:
    app(sys.argv[2:], prog_name="spbe", standalone_mode=False)
except SystemExit:
    pass
modules = sorted({name.split(".")[0] for name in sys.modules})
models = sys.modules.get("spbe_cli.models")
kinds = models.MODELS.items() if models is not None else ()
state = {"modules": modules, "built": sorted(k for k, c in kinds if c.__pydantic_complete__)}
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(state, out)
"""


def _probe(tmp_path: Path, *args: str) -> dict[str, Any]:
    """Run ``spbe args`` in a fresh interpreter; what it imported and which kinds it built."""
    result = tmp_path / "state.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(result), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SPBE_")},
            "SPBE_NO_CACHE": "1",
        },
    )
    assert result.exists(), done.stderr
    state: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return state


def test_help_imports_neither_pydantic_nor_a_heavy_library(tmp_path: Path) -> None:
    state = _probe(tmp_path, "--help")
    # pydantic too: no model, no typer coercion is needed to print the help.
    assert not {"pydantic", "pydantic_core", "rich", *HEAVY} & set(state["modules"])


def test_validate_imports_no_heavy_library(tmp_path: Path) -> None:
    state = _probe(tmp_path, "validate", "catalog")
    assert not {"rich", *HEAVY} & set(state["modules"])
    assert "pydantic" in state["modules"]


def test_validate_builds_only_the_kinds_its_catalog_holds(tmp_path: Path) -> None:
    catalog = write_tree(
        tmp_path / "catalog",
        {
            "opd/x.yaml": "entitas: opd\nid: DISKOMINFO\nnama: Dinas Komunikasi dan Informatika\n",
        },
    )
    state = _probe(tmp_path, "validate", str(catalog))
    assert state["built"] == ["opd"]


def test_command_annotations_are_evaluated_once_at_start_up() -> None:
    # typer reads every command's annotations three times a run: strings would be compiled
    # and evaluated each time (spbe_cli.cli.app._resolve_annotations).
    functions = [app.registered_callback.callback] if app.registered_callback else []
    functions += [info.callback for info in app.registered_commands]
    for group in app.registered_groups:
        assert group.typer_instance is not None
        functions += [info.callback for info in group.typer_instance.registered_commands]
    assert len(functions) > 15
    for function in functions:
        assert function is not None
        for name, annotation in function.__annotations__.items():
            assert not isinstance(annotation, str), (function.__name__, name)


def test_each_command_module_adds_the_commands_it_is_listed_with() -> None:
    import importlib

    for module, names in COMMANDS.items():
        alone = typer.Typer()
        importlib.import_module(f"spbe_cli.cli.{module}").register(alone)
        added = [info.name for info in alone.registered_commands]
        added += [info.name for info in alone.registered_groups]
        assert added == list(names), module
    every = [info.name for info in app.registered_commands]
    every += [info.name for info in app.registered_groups]
    assert sorted(every) == sorted(name for names in COMMANDS.values() for name in names)


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["validate", "catalog"], "validate"),
        (["--lang", "en", "rules", "SPBE001"], "validate"),
        (["--lang=en", "--no-cache", "sync"], "progress"),
        (["--cache", "export", "tabel", "--help"], "export"),
        (["show", "--lang", "en"], "explore"),
        (["--help"], None),
        (["--version"], None),
        (["--install-completion"], None),
        (["-x", "validate"], None),
        (["validat"], None),  # its "did you mean" needs every name
        (["--lang"], None),
        ([], None),
    ],
)
def test_main_finds_the_command_to_build(args: list[str], module: str | None) -> None:
    assert command_module(args) == module


def test_shell_completion_builds_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_SPBE_COMPLETE", "complete_bash")
    assert command_module(["validate"]) is None


_RUN = "import sys; sys.argv[0] = 'spbe'; from {module} import main; main()"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--help"],
        ["--lang", "en", "export", "--help"],
        ["export", "tabel", "--help"],
        ["validate", "--no-such-option"],
        ["validate", "tests/cases/validate/valid/minimal/catalog", "-f", "json"],
        ["--lang", "en", "rules", "SPBE001"],
        ["show"],
    ],
)
def test_one_command_built_runs_as_with_every_command(args: list[str]) -> None:
    # spbe_cli.cli.main builds only the command it runs; spbe_cli.cli.app.main has them all.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPBE_")}
    env.update(SPBE_NO_CACHE="1", COLUMNS="80", NO_COLOR="1")
    runs = [
        subprocess.run(
            [sys.executable, "-c", _RUN.format(module=module), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env=env,
        )
        for module in ("spbe_cli.cli", "spbe_cli.cli.app")
    ]
    one, every = ((run.returncode, run.stdout, run.stderr) for run in runs)
    assert one == every
    assert one[1] or one[2]


def test_main_imports_only_the_command_it_runs() -> None:
    code = (
        "import json, sys\n"
        "from spbe_cli import cli\n"
        "cli.ONLY.append(cli.command_module(sys.argv[1:]))\n"
        "from spbe_cli.cli.app import app\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('spbe_cli.cli.')]))\n"
        "print(json.dumps([info.name for info in app.registered_commands]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--lang", "en", "rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    modules, commands = (json.loads(line) for line in done.stdout.splitlines())
    assert "spbe_cli.cli.validate" in modules
    assert not {f"spbe_cli.cli.{name}" for name in COMMANDS if name != "validate"} & set(modules)
    assert commands == ["validate", "rules"]


def test_no_pydantic_plugin_is_looked_for(tmp_path: Path) -> None:
    # A plugin installed beside spbe would see and could change every validation; looking for
    # one read the metadata of every installed package (spbe_cli.cli.app._no_pydantic_plugins).
    marker = tmp_path / "looked"
    code = (
        "import sys, importlib.metadata as m\n"
        "def looked(*args, **kwargs):\n"
        f"    open({str(marker)!r}, 'w').close()\n"
        "    return ()\n"
        "m.entry_points = looked\n"
        "sys.argv[0] = 'spbe'\n"
        "from spbe_cli.cli import main\n"
        "main()\n"
    )
    catalog = ROOT / "tests" / "cases" / "validate" / "valid" / "minimal" / "catalog"
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", str(catalog)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"},
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()


def test_model_annotations_are_objects_not_text() -> None:
    # Without `from __future__ import annotations` in spbe_cli/models, pydantic has no string
    # to compile and evaluate for each field (spbe_cli.models' docstring).
    import inspect

    import spbe_cli.models as package

    modules = [m for _, m in inspect.getmembers(package, inspect.ismodule)]
    assert len(modules) >= 5
    texts = [
        (cls.__name__, name)
        for module in [package, *modules]
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, Base)
        for name, annotation in vars(cls).get("__annotations__", {}).items()
        if isinstance(annotation, str)
    ]
    assert sorted(set(texts)) == [("Misi", "tujuan")]  # Tujuan is defined after Misi


def test_models_build_no_validator_at_import() -> None:
    # defer_build: a kind's validator is built when it first validates a document.
    assert all(c.model_config.get("defer_build") for c in MODELS.values())
    assert not Base.model_config.get("use_attribute_docstrings")


def test_field_docstrings_follow_pydantics_rule(tmp_path: Path) -> None:
    source = (
        "class A:\n"
        '    """Class docstring, not a field\'s."""\n'
        "    x: int\n"
        '    """About\n        x."""\n'
        "    y: int = 0\n"
        "    z: int\n"
        "    w = 1\n"
        '    """After a plain assignment: no field\'s."""\n'
        "\n"
        "\n"
        "def f() -> None:\n"
        "    q: int\n"
        '    """In a function: not a class\'s."""\n'
    )
    module_file = tmp_path / "described.py"
    module_file.write_text(source, encoding="utf-8")
    import importlib.util

    spec = importlib.util.spec_from_file_location("described", module_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert field_docstrings(module) == {"A": {"x": "About\nx."}}


def test_descriptions_are_the_same_after_a_validation(tmp_path: Path) -> None:
    # A model that validated before the schema was asked for is built again with them.
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from spbe_cli import schema\n"
        "if sys.argv[1] == 'validated':\n"
        "    from spbe_cli.loader import load_catalog\n"
        "    load_catalog(Path('catalog'))\n"
        "print(json.dumps(schema.catalog_schema(), sort_keys=True))\n"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script, first],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for first in ("validated", "fresh")
    ]
    assert outputs[0] == outputs[1]
    program = json.loads(outputs[0])["definitions"]["Program"]
    assert program["properties"]["id"]["description"].startswith("Pengenal unik")
