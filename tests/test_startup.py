"""Start-up cost: what ``spbe --help`` and ``spbe validate`` load, build and evaluate.

The bench rows ``help`` and ``validate-small`` time whole processes; these tests pin the
reasons they are fast, each of which a harmless-looking change undoes silently: an import at
the top of a module, a model built at import, a field description read from the source at
import, an annotation typer evaluates again on every run.
"""

from __future__ import annotations

import json
import os
import re
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
    return _probed(tmp_path, _PROBE, *args)


def _probed(tmp_path: Path, script: str, *args: str) -> dict[str, Any]:
    """Run a probe ``script`` with ``spbe args`` in a fresh interpreter, the cache off and no
    ``SPBE_``/``PYDANTIC_`` setting of this process; the state it wrote as JSON."""
    result = tmp_path / "state.json"
    done = subprocess.run(
        [sys.executable, "-c", script, str(result), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("SPBE_", "PYDANTIC_"))},
            "SPBE_NO_CACHE": "1",
        },
    )
    assert done.returncode in (0, 1, 2), done.stderr
    assert result.exists(), done.stderr
    state: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return state


def test_help_imports_neither_pydantic_nor_a_heavy_library(tmp_path: Path) -> None:
    state = _probe(tmp_path, "--help")
    # pydantic too: no model, no typer coercion is needed to print the help; nor PyYAML, the
    # message files being read line by line (spbe_cli.messagefiles).
    assert not {"pydantic", "pydantic_core", "rich", "yaml", *HEAVY} & set(state["modules"])


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


_MAIN_PROBE = """
import atexit, json, os, sys
out = sys.argv.pop(1)
def dump():
    i18n = sys.modules.get("spbe_cli.i18n")
    parsed = sorted(i18n._parsed) if i18n is not None else []
    chrome = sys.modules.get("spbe_cli.cli.chrome")
    compiled = chrome._patterns.cache_info().currsize if chrome is not None else 0
    state = {"modules": sorted(sys.modules), "locale": parsed, "patterns": [str(compiled)]}
    make = getattr(sys.modules.get("dataclasses"), "_create_fn", None)
    state["create_fn"] = [getattr(make, "__module__", "dataclasses")]
    markup = sys.modules.get("spbe_cli.markup")
    lazy = [f for f in vars(markup).values() if hasattr(f, "cache_info")] if markup else []
    state["markup_lazy"] = sorted(f.__name__ for f in lazy)
    state["markup"] = sorted(f.__name__ for f in lazy if f.cache_info().currsize)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(state, f)
def leave(code, _exit=os._exit):
    dump()
    _exit(code)
os._exit = leave  # spbe validate ends with os._exit once its output is flushed
atexit.register(dump)
sys.argv[0] = "spbe"
from spbe_cli.cli import main
main()
"""


def _run_state(tmp_path: Path, *args: str) -> dict[str, list[str]]:
    """What ``spbe args`` imported and which message files it parsed, run as the script runs
    it (spbe_cli.cli.main)."""
    return _probed(tmp_path, _MAIN_PROBE, *args)


def _modules_of(tmp_path: Path, *args: str) -> set[str]:
    """Every module ``spbe args`` imported (see :func:`_run_state`)."""
    return set(_run_state(tmp_path, *args)["modules"])


def test_validate_of_the_bundled_catalog_imports_only_what_it_uses(tmp_path: Path) -> None:
    modules = _modules_of(tmp_path, "validate", "catalog")
    assert {"spbe_cli.loader", "spbe_cli.checks.self_assessment", "pydantic"} <= modules
    # The Indeks frameworks and the plafon serve a catalog with an evaluasi_mandiri only;
    # importlib.metadata (email, socket, csv ...) served pydantic's plugin search, which
    # spbe turns off (spbe_cli.cli.app._no_pydantic_plugins); the incremental engine serves
    # the content cache only (off here).
    unused = {"spbe_cli.indeks", "spbe_cli.plafon", "spbe_cli.incremental"}
    unused |= {"importlib.metadata", "email", "socket"}
    # The rules and spbe sync's candidates ask only whether a plan is cancelled and in which
    # order its entries come (spbe_cli.status), not for the progress report; the text output
    # escapes with spbe_cli.markup.safe alone (html and the CI formats' fingerprints unused).
    unused |= {"spbe_cli.progress", "calendar", "html"}
    # With the cache off, whether it is on and whether a run is recorded are all a load asks
    # (spbe_cli.cachestate): neither the cache's nor the run record's own module is needed.
    unused |= {"spbe_cli.cache", "spbe_cli.runrecord"}
    # The message files and the reference data are read from the folders beside their
    # modules: importlib.resources brought zipfile, tempfile and its readers on every start.
    unused |= {"importlib.resources", "importlib.readers", "zipfile", "tempfile"}
    assert not unused & modules
    assert not {"rich", *HEAVY} & {name.split(".")[0] for name in modules}


def test_validate_parses_only_the_message_files_it_speaks_from(tmp_path: Path) -> None:
    state = _run_state(tmp_path, "validate", "catalog")
    assert "messages.yaml" in state["locale"]
    assert not {"diff.yaml", "progress.yaml", "render.yaml", "export.yaml"} & set(state["locale"])
    assert state["patterns"] == ["0"]  # the usage-error patterns: no usage error, none compiled


def test_markup_compiles_only_what_the_text_output_uses(tmp_path: Path) -> None:
    # Each pattern of spbe_cli.markup but CONTROL is compiled the first time it is used.
    state = _run_state(tmp_path, "validate", "catalog")
    assert len(state["markup_lazy"]) >= 10 and "newlines" in state["markup_lazy"]
    assert state["markup"] == []


def test_a_usage_error_compiles_its_patterns(tmp_path: Path) -> None:
    state = _run_state(tmp_path, "validate", "--no-such-option")
    assert state["patterns"] == ["1"]


def test_validate_with_an_evaluation_imports_the_indeks(tmp_path: Path) -> None:
    catalog = ROOT / "tests" / "cases" / "validate" / "invalid" / "evaluasi-mandiri" / "catalog"
    modules = _modules_of(tmp_path, "validate", str(catalog))
    assert {"spbe_cli.indeks", "spbe_cli.plafon"} <= modules


def test_the_plugin_loader_stand_in_answers_as_pydantics_when_disabled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    import pydantic.plugin

    from spbe_cli.cli.app import _no_plugins

    # pydantic's own loader, read from its file (this process may hold the stand-in)
    where = Path(pydantic.plugin.__file__).with_name("_loader.py")
    if not where.exists():
        pytest.skip("this pydantic has no pydantic.plugin._loader: the stand-in is never asked")
    spec = importlib.util.spec_from_file_location("pydantic_plugin_loader_copy", where)
    assert spec is not None and spec.loader is not None
    real = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real)
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    assert tuple(real.get_plugins()) == _no_plugins() == ()


def test_the_reference_files_are_read_when_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from spbe_cli import reference

    read: list[str] = []
    monkeypatch.setattr(reference, "load_data", lambda name: read.append(name) or {"of": name})
    files = reference._Files(["a.yaml", "b.yaml"])
    assert (list(files), len(files), "a.yaml" in files, read) == (["a.yaml", "b.yaml"], 2, True, [])
    assert files["b.yaml"] == {"of": "b.yaml"}
    assert read == ["b.yaml"]
    with pytest.raises(KeyError):
        files["c.yaml"]
    assert read == ["b.yaml"]


def test_the_reference_holds_every_file_of_its_index() -> None:
    from spbe_cli.reference import _read, load_reference

    raw = load_reference().raw
    names = _read("index.yaml")["berkas"]
    assert list(raw) == names
    assert raw["indeks-spbe-59-2020.yaml"] == _read("indeks-spbe-59-2020.yaml")


def test_the_plugin_loader_stand_in_gives_way_to_pydantics_for_anything_else() -> None:
    """A pydantic release asking its loader for more than ``get_plugins`` gets the real one."""
    code = (
        "import sys\n"
        "from spbe_cli.cli.app import _no_pydantic_plugins\n"
        "sys.modules.pop('pydantic.plugin._loader', None)\n"
        "_no_pydantic_plugins()\n"
        "from pydantic.plugin._loader import get_plugins, PYDANTIC_ENTRY_POINT_GROUP\n"
        "print(PYDANTIC_ENTRY_POINT_GROUP, tuple(get_plugins()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "pydantic"


def _classes(**options: Any) -> list[type]:
    """The same classes as ``dataclass(**options)`` makes them: a base, a subclass, one with
    every kind of field."""
    import dataclasses

    @dataclasses.dataclass(**options)
    class Base_:
        a: int
        b: str = "x"
        hidden: int = dataclasses.field(default=0, compare=False, repr=False)
        many: list[int] = dataclasses.field(default_factory=list, hash=False)

    @dataclasses.dataclass(**options)
    class Sub(Base_):
        c: tuple[int, ...] = ()

    return [Base_, Sub]


_OPTIONS = [
    {},
    {"frozen": True},
    {"frozen": True, "order": True},
    {"eq": False},
    {"unsafe_hash": True},
    {"frozen": True, "slots": True},
    {"order": True, "repr": False},
]


def _answer(call: Any) -> Any:
    """What ``call()`` returns, or the kind and text of what it raises."""
    try:
        return call()
    except Exception as exc:  # the answer compared, whatever it is
        return (type(exc).__name__, str(exc))


def _behaviour(cls: type) -> list[Any]:
    """What the methods dataclasses adds answer for a few instances of ``cls``."""
    import dataclasses

    one, same, other = cls(1, many=[1]), cls(1, many=[1], hidden=5), cls(2, "y")
    seen: list[Any] = [repr(one), one == same, one != same, one == other, one == 1]
    seen.append(_answer(lambda: hash(one) == hash(same)))
    orders = ("__lt__", "__le__", "__gt__", "__ge__")
    seen.extend(_answer(lambda c=c: getattr(one, c)(other)) for c in orders)
    seen.append(_answer(lambda: one.__setattr__("a", 3) or dataclasses.asdict(one)))
    seen.append(_answer(lambda: one.__delattr__("b") or dataclasses.asdict(one)))
    nested = cls([], many=[])
    nested.a.append(nested)  # a recursive repr says "..."
    seen.append(repr(nested))
    return [re.sub(r" at 0x[0-9a-f]+", "", v) if isinstance(v, str) else v for v in seen]


@pytest.mark.parametrize("options", _OPTIONS, ids=str)
def test_deferred_dataclass_methods_behave_as_the_standard_librarys(
    options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from spbe_cli.lazymethods import defer_dataclass_methods

    if not defer_dataclass_methods():
        pytest.skip("this Python's dataclasses make their methods otherwise: left as they are")
    deferred = _classes(**options)
    # The stand-ins stand in the class until first called; __init__ is made at once.
    first = deferred[0]
    assert first.__init__.__code__.co_filename == "<string>"  # type: ignore[misc]
    if options.get("repr", True):
        assert "__repr__" in vars(first)
    if options.get("eq", True):
        assert vars(first)["__eq__"].__code__.co_filename != "<string>"
    monkeypatch.setattr(dataclasses, "_create_fn", dataclasses._create_fn.__wrapped__)
    made = _classes(**options)
    for lazy, eager in zip(deferred, made, strict=True):
        assert _behaviour(lazy) == _behaviour(eager)
        assert lazy.__doc__ == eager.__doc__
        for name, method in vars(eager).items():
            if callable(method) and getattr(method, "__code__", None) is not None:
                if method.__code__.co_filename != "<string>":
                    continue
                # once called, the class holds the very method dataclasses makes
                assert vars(lazy)[name].__code__.co_filename == "<string>", name
                assert vars(lazy)[name].__qualname__ == method.__qualname__, name


def test_deferring_dataclass_methods_is_done_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from spbe_cli.lazymethods import defer_dataclass_methods

    if not defer_dataclass_methods():
        pytest.skip("this Python's dataclasses make their methods otherwise: left as they are")
    in_place = dataclasses._create_fn
    assert defer_dataclass_methods()
    assert dataclasses._create_fn is in_place


def test_a_dataclasses_of_another_making_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    from spbe_cli.lazymethods import defer_dataclass_methods

    def _create_fn(name: str, args: list[str], body: list[str], *, globals: Any = None) -> Any:
        raise AssertionError("not called")  # pragma: no cover

    monkeypatch.setattr(dataclasses, "_create_fn", _create_fn, raising=False)
    assert not defer_dataclass_methods()
    assert dataclasses._create_fn is _create_fn
    monkeypatch.delattr(dataclasses, "_create_fn")
    assert not defer_dataclass_methods()


def test_the_command_line_defers_dataclass_methods(tmp_path: Path) -> None:
    import dataclasses

    state = _run_state(tmp_path, "validate", "catalog")

    expected = "spbe_cli.lazymethods" if hasattr(dataclasses, "_create_fn") else "dataclasses"
    assert state["create_fn"] == [expected]


def test_model_validators_and_default_factories_carry_their_signature() -> None:
    # pydantic asks inspect.signature of each for every field using it (spbe_cli.models.common).
    import inspect

    from spbe_cli.catalog import nested_models

    functions: dict[str, Any] = {}
    todo = list(MODELS.values())
    while todo:
        model = todo.pop()
        for info in model.model_fields.values():
            if inspect.isfunction(info.default_factory):  # a model is its own factory
                functions[info.default_factory.__qualname__] = info.default_factory
            for meta in info.metadata:
                function = getattr(meta, "func", None)
                if function is not None:
                    functions[function.__qualname__] = function
            todo.extend(nested_models(info.annotation))
    assert {"new_list", "new_dict", "_int_text", "_bool_text", "_iso_date"} <= set(functions)
    for name, function in functions.items():
        pinned = vars(function).get("__signature__")
        assert pinned is not None, name
        del function.__signature__
        try:
            assert inspect.signature(function) == pinned, name  # the one read from its code
        finally:
            function.__signature__ = pinned


def test_the_reference_files_read_beside_the_module_are_the_packages() -> None:
    from importlib import resources

    from spbe_cli.reference import _read
    from spbe_cli.yamlio import load_trusted_yaml

    data = resources.files("spbe_cli.reference").joinpath("data")
    names = sorted(e.name for e in data.iterdir() if e.name.endswith(".yaml"))
    assert "index.yaml" in names
    for name in names:
        assert _read(name) == load_trusted_yaml(data.joinpath(name).read_text("utf-8")), name


def test_patterns_for_mistakes_and_help_are_compiled_when_first_used() -> None:
    # The loader's hints for refused values, the salvage of a broken file, the YAML problems'
    # own patterns, the help's, the terminal colours' and completion's: kept as text, compiled
    # by re when first used; a clean spbe validate compiles none of them.
    import importlib
    import re

    for module, names in {
        "spbe_cli.loader": ("_THOUSANDS", "_RUPIAH", "_DAY_FIRST", "_ISO_SHAPE"),
        "spbe_cli.parsing": ("_TOP_FIELD", "_DOCUMENT_MARK", "_COMMENT"),
        "spbe_cli.yamlio": ("_EDITOR_BREAKS", "_GLUED_COLON", "_DOCUMENT_START", "_AFTER_PLAIN"),
        "spbe_cli.cli.console": ("_SEVERITY",),
        "spbe_cli.cli.chrome": ("_METAVAR", "_EXTRA"),
        "spbe_cli.cli.completion": ("_ID_LINE", "_KIND_LINE"),
    }.items():
        values = vars(importlib.import_module(module))
        assert all(isinstance(values[name], str | bytes) for name in names), module
    from spbe_cli import loader

    assert [name for name, v in vars(loader).items() if isinstance(v, re.Pattern)] == []
