"""``spbe render`` against hostile catalogs and templates: one class of attack per section.

Every case asserts the exact refusal (message, exit code), that no traceback is printed, and that
nothing was created or changed outside the output folder (a snapshot of the whole temporary tree,
the working directory included, and a canary file).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spbe_cli import staging
from spbe_cli.cli.app import app
from spbe_cli.render import pipeline
from spbe_cli.render.limits import RenderLimits
from spbe_cli.render.plain import Plainer, walk
from spbe_cli.render.prose import markdown_finder, markdown_parser, shift_markdown
from spbe_cli.render.sandbox import (
    SpbeSandbox,
    TemplateTimeoutError,
    denied_name,
    memory_guard,
    render_bounded,
)
from tests.helpers import CASES, git, png, write_tree

SMALL = CASES / "render" / "small"
TEMPLATE = "templates/peta-rencana.md.j2"
#: Where a user template names itself in messages.
AT = f"catalog/{TEMPLATE}"


# -- harness ---------------------------------------------------------------------------------------


def snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file and link under ``root`` (but ``skip``) with a hash of its content or target."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None and (here == skip or skip in here.parents):
            dirnames[:] = []
            continue
        for name in [*filenames, *dirnames]:
            path = here / name
            if path == skip:
                continue
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "->" + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


class World:
    """A temporary tree: a catalog, a canary, and the working directory of the command."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalog = Path(shutil.copytree(SMALL, root / "catalog", symlinks=True))
        self.canary = root / "canary.txt"
        self.canary.write_text("tetap\n", "utf-8")
        self.out = root / "out"
        self.before: dict[str, str] = {}

    def template(self, source: str, name: str = TEMPLATE) -> None:
        write_tree(self.catalog, {name: source})

    def run(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        self.before = snapshot(self.root, self.out)
        result = CliRunner().invoke(app, ["render", *args], env=env)
        return result.exit_code, result.stdout, result.stderr

    def render(self, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        return self.run(
            "catalog", "-o", "out", "--doc", "peta-rencana", "-f", "md", *extra, env=env
        )

    def assert_untouched(self) -> None:
        assert self.canary.read_text("utf-8") == "tetap\n"
        assert snapshot(self.root, self.out) == self.before
        assert not (self.root / "PWNED").exists()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.chdir(tmp_path)
    yield World(tmp_path)


def refused(code: int, stdout: str, stderr: str, message: str, exit_code: int = 3) -> None:
    assert code == exit_code, stdout + stderr
    assert message in stderr, stderr
    assert "Traceback" not in stdout + stderr
    assert stdout == ""


# -- 1. templates see plain data only --------------------------------------------------------------

PICKLE = "cos\\nsystem\\n(S'id > PWNED'\\ntR."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # The reported defect: a pydantic class method reached through a model instance.
        (
            f'{{{{ pemda.parse_raw("{PICKLE}", proto="pickle", allow_pickle=True) }}}}',
            "'katalog.Pemda object' has no attribute 'parse_raw'",
        ),
        ('{{ meta.model_validate_json("{}") }}', "has no attribute 'model_validate_json'"),
        ("{{ dokumen.construct() }}", "has no attribute 'construct'"),
        ("{{ pemda.copy() }}", "has no attribute 'copy'"),
        ("{{ pemda.json() }}", "has no attribute 'json'"),
        ("{{ (entitas.values()|first).dict() }}", "has no attribute 'dict'"),
        ("{{ (items|first).model_dump() }}", "has no attribute 'model_dump'"),
        ("{{ pemda.__class__ }}", "access to attribute '__class__' of 'Pemda' object is unsafe"),
        ("{{ ref.daftar.copy() }}", "access to attribute 'copy' of 'mappingproxy'"),
        ("{{ opd.copy() }}", "access to attribute 'copy' of 'mappingproxy'"),
        ("{{ nama.copy() }}", "access to attribute 'copy' of 'mappingproxy'"),
        ("{{ ref.root }}", "has no attribute 'root'"),
        ("{{ extras.earlier }}", "has no attribute 'earlier'"),
        ("{{ prosa._table }}", "access to attribute '_table' of 'Lookup' object is unsafe"),
        # Entities are converted when read: the source models stay out of reach.
        ("{{ entitas._source }}", "access to attribute '_source' of 'Records' object is unsafe"),
        ("{{ entitas._plain }}", "access to attribute '_plain' of 'Records' object is unsafe"),
        ("{{ (entitas.items()|first)[1].model_dump() }}", "has no attribute 'model_dump'"),
        ("{{ cap._counts }}", "access to attribute '_counts' of 'CaptionNumbers' object is unsafe"),
        ("{{ cap.next.__self__ }}", "access to attribute '__self__' of 'method' object is unsafe"),
        ("{{ muatan[0].items.append(1) }}", "has no attribute 'append'"),
        ("{{ ''.__class__.__mro__ }}", "access to attribute '__class__' of 'str' object"),
        ("{{ pemda.nama.format_map({}) }}", "access to attribute 'format_map' of 'str'"),
        ("{{ '{0.__class__}'.format(1) }}", "access to attribute '__class__' of 'int' object"),
        ("{{ persen.__globals__ }}", "access to attribute '__globals__' of 'function'"),
        # bytes would escape the size checks (they know text and sequences): none are made
        ("{{ 'x'.encode() * 10**9 }}", "access to attribute 'encode' of 'str' object is unsafe"),
        ("{{ namespace.mro() }}", "access to attribute 'mro' of 'type' object is unsafe"),
        ("{{ cycler.__init__ }}", "access to attribute '__init__' of 'type' object is unsafe"),
        ("{{ range(3).__class__ }}", "access to attribute '__class__' of 'range' object"),
        # A class method reached through any instance (the class of the reported defect).
        ("{{ (1.5).fromhex('1') }}", "access to attribute 'fromhex' of 'float' object"),
        ("{{ dict(a=1).fromkeys('ab') }}", "access to attribute 'fromkeys' of 'dict' object"),
    ],
)
def test_template_escapes_through_context_objects(world: World, source: str, message: str) -> None:
    world.template(f"baris satu\n{source}\n")
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, f"{AT}:2: template failed: ")
    assert message in stderr, stderr
    world.assert_untouched()
    assert not world.out.exists()


def _capture_contexts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    from spbe_cli.render import engine

    seen: list[tuple[str, dict[str, Any]]] = []
    original = engine.render_template

    def recording(env: Any, name: str, values: dict[str, Any], *args: Any) -> str:
        seen.append((name, values))
        return original(env, name, values, *args)

    monkeypatch.setattr(engine, "render_template", recording)
    return seen


@pytest.mark.parametrize("since", [False, True])
def test_every_template_context_is_plain_data(
    world: World, monkeypatch: pytest.MonkeyPatch, since: bool
) -> None:
    seen = _capture_contexts(monkeypatch)
    extra: tuple[str, ...] = ()
    if since:
        git(world.root, "init", "-q")
        git(world.root, "add", "catalog")
        git(world.root, "commit", "-qm", "v1")
        git(world.root, "tag", "v1")
        program = world.catalog / "program" / "economy.yaml"
        text = program.read_text("utf-8").replace("nilai: 250000000", "nilai: 100000000")
        program.write_text(text, "utf-8")
        extra = ("--since", "v1")
    code, _, stderr = world.run("catalog", "-o", "out", "-f", "md,html", *extra)
    assert code == 0, stderr
    names = {name for name, _ in seen}
    for doc in ("masterplan", "arsitektur", "peta-rencana", "laporan"):
        assert f"{doc}.j2" in names  # one template per document, every format
    for name, values in seen:
        assert walk(tuple(values.values())) == [], name
    if since:
        extras = seen[0][1]["extras"]
        assert "perubahan" in extras and "earlier" not in extras
        assert walk(extras["perubahan"]) == []


def test_plainer_fails_closed_on_unknown_types(tmp_path: Path) -> None:
    plain = Plainer()
    with pytest.raises(TypeError, match="not plain data for a template: PosixPath"):
        plain(tmp_path)
    with pytest.raises(TypeError, match="not plain data for a template: type"):
        plain({"x": [str]})
    with pytest.raises(TypeError, match="function"):
        plain(print)


# -- 2. the sandbox as a second wall ---------------------------------------------------------------

DENIED = (
    "_private",
    "__class__",
    "mro",
    "parse_raw",
    "parse_file",
    "model_validate",
    "model_construct",
    "construct",
    "copy",
    "json",
    "dict",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "open",
    "joinpath",
    "format_map",
    "schema",
    "from_orm",
)


class Hostile:
    """What the first wall keeps out: an object whose every method would leave a mark."""

    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __getattr__(self, name: str) -> Any:
        canary = self.canary

        def method(*args: Any, **kwargs: Any) -> str:
            canary.write_text(f"called {name}", "utf-8")
            return "called"

        method.__name__ = name
        return method

    @classmethod
    def buat(cls) -> str:  # a class method of a library type, like pydantic's parse_raw
        return "called"


@pytest.mark.parametrize("name", DENIED)
def test_sandbox_denies_name_even_on_an_object_that_has_it(
    world: World, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    mark = world.root / "PWNED"
    original = pipeline.template_values

    def with_hostile(*args: Any) -> dict[str, Any]:
        values = original(*args)
        values["musuh"] = Hostile(mark)
        return values

    monkeypatch.setattr(pipeline, "template_values", with_hostile)
    world.template(f"baris satu\nbaris dua {{{{ musuh.{name}() }}}}\n")
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, f"{AT}:2: template failed: ")
    assert f"access to attribute '{name}' of 'Hostile' object is unsafe" in stderr
    world.assert_untouched()


def test_sandbox_denies_class_methods(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    original = pipeline.template_values
    monkeypatch.setattr(
        pipeline,
        "template_values",
        lambda *a: {**original(*a), "musuh": Hostile(world.root / "PWNED")},
    )
    world.template("{{ musuh.buat() }}\n")
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, f"{AT}:1: template failed: ")
    assert "access to attribute 'buat' of 'Hostile' object is unsafe" in stderr
    world.assert_untouched()


def test_denied_names() -> None:
    for name in (*DENIED, "model_fields", "parse_obj", "write_to", "__globals__", "rglob"):
        assert denied_name(name), name
    for name in ("nama", "get", "items", "values", "next", "format", "tahun_mulai"):
        assert not denied_name(name), name


# -- 3. templates are bounded ----------------------------------------------------------------------

RUNAWAY = [
    # (template, option, message)
    (
        "{% set ns = namespace(x='a') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}"
        "{% endfor %}{{ ns.x }}",
        ("--max-mb", "1"),
        "stopped: '~' would make 2,097,152 characters (or items), more than the limit of 1 MB",
    ),
    ("{{ 'a' * 10**9 }}", ("--max-mb", "1"), "stopped: '*' would make 1,000,000,000"),
    ("{{ [1] * 10**9 }}", ("--max-mb", "1"), "stopped: '*' would make 1,000,000,000"),
    ("{{ 10 ** 100000 }}", (), "stopped: a number of more than 4096 bits is refused"),
    ("{{ '%999999999s' % 'a' }}", ("--max-mb", "1"), "stopped: '%' would make 999,999,999"),
    ("{{ 'a'|center(999999999) }}", ("--max-mb", "1"), "stopped: 'center' would make"),
    ("{{ 'a'|indent(999999999) }}", ("--max-mb", "1"), "stopped: 'indent' would make"),
    ("{{ 'a'.ljust(999999999) }}", ("--max-mb", "1"), "stopped: 'ljust' would make"),
    ("{{ '{0:>999999999}'.format(1) }}", ("--max-mb", "1"), "stopped: 'format' would make"),
    ("{{ '%s'|format('x' * 900000) * 2 }}", ("--max-mb", "1"), "stopped: '*' would make"),
    (
        "{{ range(100000)|join('x' * 1000) }}",
        ("--max-mb", "1"),
        "stopped: 'join' would make",
    ),
    (
        "{{ ('x' * 1000)|replace('x', 'y' * 1000) }}",
        ("--max-mb", "0.5"),
        "stopped: 'replace' would make 1,000,000",
    ),
    (
        "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
        ("--max-mb", "1"),
        "stopped: the output passes the limit of 1 MB",
    ),
    (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        ("--timeout", "0.3"),
        "stopped: the template ran longer than 0.3 s",
    ),
    (
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        (),
        "template failed: recursion too deep",
    ),
    # Every filter or method that takes a size, a count or a repeated string is checked before
    # it makes its value (red team: these made a gigabyte each before the output limit saw it).
    ("{{ dict(a=[1, 2])|tojson(10**8) }}", ("--max-mb", "1"), "stopped: 'tojson' would make"),
    (
        "{{ ('a ' * 1000)|wordwrap(1, true, 'b' * 10000) }}",
        ("--max-mb", "1"),
        "stopped: 'wordwrap' would make 20,002,000",
    ),
    ("{{ [1]|batch(10**8, 'x')|list }}", ("--max-mb", "1"), "stopped: 'batch' would make"),
    ("{{ [1]|slice(10**7)|list }}", ("--max-mb", "1"), "stopped: 'slice' would make"),
    (
        "{{ ('a' * 1000).translate({97: 'b' * 100000}) }}",
        ("--max-mb", "1"),
        "stopped: 'translate' would make 100,000,000",
    ),
    (
        "{{ '{:.{}f}'.format(1.5, 10**8) }}",
        (),
        "stopped: 'format' with a width from its arguments is refused",
    ),
    (
        "{{ '{:{w}}'.format('a', w=10**8) }}",
        (),
        "stopped: 'format' with a width from its arguments is refused",
    ),
    (
        "{{ ('a.co ' * 1000)|urlize(target='t' * 100000) }}",
        ("--max-mb", "1"),
        "stopped: 'urlize' would make",
    ),
    (
        "{{ ([[1] * 100000] * 20)|sum(start=[]) }}",
        ("--max-mb", "1"),
        "stopped: 'sum' would make 2,000,000",
    ),
]


@pytest.mark.parametrize(("source", "option", "message"), RUNAWAY)
def test_runaway_template_is_stopped(
    world: World, source: str, option: tuple[str, ...], message: str
) -> None:
    world.template(f"# judul\n{source}\n")
    code, stdout, stderr = world.render(*option)
    refused(code, stdout, stderr, f"{AT}:2: template failed: ")
    assert message in stderr
    world.assert_untouched()
    assert not world.out.exists()


@pytest.mark.parametrize(
    ("source", "line"),
    [
        # Python refuses more than 20 nested blocks in the code Jinja makes of a template
        ("\n".join(["{% for i in [1] %}"] * 25) + "x" + "{% endfor %}" * 25, 21),
        ("\n".join(["{% if 1 %}"] * 200) + "x" + "{% endif %}" * 200, 99),
        # the parser (or the code generator) recurses once per bracket or operator
        ("\n\n{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", 3),
        ("\n{{ " + "[" * 3000 + "1" + "]" * 3000 + " }}", 2),
        ("\n{{ 1" + "+1" * 20000 + " }}", 2),
        ("\n{{ " + "-" * 5000 + "1 }}", 2),
    ],
)
def test_too_deep_nesting_names_the_template_and_line(world: World, source: str, line: int) -> None:
    world.template(source)
    code, stdout, stderr = world.render()
    message = f"{AT}:{line}: template syntax error: the template nests too deeply"
    refused(code, stdout, stderr, message)
    assert stderr.count("\n") == 1
    world.assert_untouched()
    assert not world.out.exists()


@pytest.mark.parametrize(
    "source",
    [
        "{{ pemda['x' * 10**7] }}",
        "{{ dict(a=1)['k' * 10**6] }}",
        "{% include 'y' * 10**6 %}",  # also too long a file name for the system
        "{{ ('x' * 10**6)|rupiah }}",
        "# judul\n~~~spbe-{{ 'z' * 10**6 }}\n~~~\n",
    ],
)
def test_a_failed_template_never_floods_the_log(world: World, source: str) -> None:
    """A name of megabytes made by the template showed whole in the message (10 MB on stderr)."""
    world.template(source)
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, f"spbe: {AT}")
    assert len(stderr) < 600 and stderr.count("\n") == 1, len(stderr)
    assert str(world.root) not in stderr  # no absolute path of the machine either
    assert not world.out.exists()


def test_a_template_file_too_large_is_not_read(world: World) -> None:
    """A 5 MB template took 84 s and 4 GB to compile, outside every limit (red team)."""
    from spbe_cli.render.engine import MAX_TEMPLATE_BYTES

    big = "{{ pemda.nama }}\n" * (MAX_TEMPLATE_BYTES // 16 + 1)
    world.template(big)
    message = f"template '{AT}' is larger than 512 KiB; split it into several templates"
    refused(*world.render(), message)
    world.template(big, "templates/besar.j2")
    world.template("# judul\n{% include 'besar.j2' %}\n")
    big_one = "template 'catalog/templates/besar.j2' is larger than 512 KiB"
    refused(*world.render(), f"{AT}:2: template failed: {big_one}")
    assert not world.out.exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_template_that_is_not_a_regular_file_is_refused(world: World, kind: str) -> None:
    """A FIFO or a folder named like a template was passed over for the built-in template.

    Red team: the render then went on silently with the built-in document, and a FIFO read by
    another path would hang. Refused, as the document's own template and as an include.
    """

    def make(path: Path) -> None:
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()

    make(world.catalog / TEMPLATE)
    refused(*world.render(), f"template '{AT}' is not a regular file (a folder, FIFO or device)")
    (world.catalog / TEMPLATE).rmdir() if kind == "folder" else (world.catalog / TEMPLATE).unlink()
    make(world.catalog / "templates" / "bagian.j2")
    world.template("# judul\n{% include 'bagian.j2' %}\n")
    inner = "template 'catalog/templates/bagian.j2' is not a regular file"
    refused(*world.render(), f"{AT}:2: template failed: {inner}")
    assert not world.out.exists()


def test_compiling_a_template_is_bounded_by_the_time_limit(world: World) -> None:
    world.template("{{ pemda.nama }}\n" * 30000)  # under the size limit, seconds to compile
    code, stdout, stderr = world.render("--timeout", "0.3")
    refused(code, stdout, stderr, f"{AT}: template failed: stopped: the template ran longer")
    assert not world.out.exists()


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ("# judul\n\n~~~spbe-gambar ../../etc/passwd\ncap\n~~~\n", f"{AT}:3"),
        ("# judul\n~~~spbe-skrip\n~~~\n", f"{AT}:2"),
        # made by a loop: the line of the Markdown the template made
        ("# judul\n{% for k in ['x'] %}\n~~~spbe-{{ k }}\n~~~\n{% endfor %}\n", AT),
    ],
)
def test_an_unknown_directive_names_the_template_file_and_line(
    world: World, source: str, where: str
) -> None:
    """It said "spbe: spbe: peta-rencana.md.j2:3" (the name only, and the prefix twice)."""
    world.template(source)
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, f"spbe: {where}: the template uses an unknown directive")
    assert "spbe: spbe:" not in stderr and stderr.count("\n") == 1
    if where == AT:
        assert stderr.endswith("~~~spbe-x (line 2 of the Markdown the template made)\n")
    assert not world.out.exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ [1, 2, 3]|random }}", f"{AT}:1: template syntax error: No filter named 'random'."),
        ("{{ lipsum(10**6) }}", f"{AT}:1: template failed: 'lipsum' is undefined"),
    ],
)
def test_templates_cannot_draw_random_numbers(world: World, source: str, message: str) -> None:
    """A document is the same on every run: nothing random (and no lorem ipsum of any size)."""
    world.template(source)
    refused(*world.render(), message)
    assert not world.out.exists()


def test_limits_come_from_the_environment(world: World) -> None:
    world.template(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    code, stdout, stderr = world.render(env={"SPBE_RENDER_TIMEOUT": "0.2"})
    refused(code, stdout, stderr, f"{AT}:1: template failed: stopped: the template ran longer")
    world.template("{% for i in range(2000) %}{{ 'x' * 100 }}{% endfor %}")
    code, stdout, stderr = world.render(env={"SPBE_RENDER_MAX_MB": "0.1"})
    refused(code, stdout, stderr, "stopped: the output passes the limit of 0.1 MB")
    code, stdout, stderr = world.render(env={"SPBE_RENDER_MAX_MB": "1"})
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--timeout", "0"), {}, "--timeout: '0' is not a positive number"),
        (("--max-mb", "-1"), {}, "--max-mb: '-1' is not a positive number"),
        ((), {"SPBE_RENDER_TIMEOUT": "lama"}, "SPBE_RENDER_TIMEOUT: 'lama' is not a positive"),
        ((), {"SPBE_RENDER_MAX_MB": "inf"}, "SPBE_RENDER_MAX_MB: 'inf' is not a positive"),
        # Finite but more than the system's timer and address-space limit hold: it was a
        # "?:0: template failed: OverflowError" (exit 3) once a catalog template ran.
        (("--timeout", "1e308"), {}, "--timeout: '1e+308' is over the largest limit accepted"),
        ((), {"SPBE_RENDER_TIMEOUT": "1e10"}, "SPBE_RENDER_TIMEOUT: '1e10' is over the largest"),
        (("--max-mb", "1e20"), {}, "--max-mb: '1e+20' is over the largest limit accepted"),
    ],
)
def test_bad_limits_are_usage_errors(
    world: World, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    code, stdout, stderr = world.render(*args, env=env)
    refused(code, stdout, stderr, message, exit_code=2)
    world.assert_untouched()


def test_memory_backstop_stops_what_slips_past_the_size_checks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli.render import sandbox

    monkeypatch.setattr(sandbox._Bounds, "call", lambda *args: None)  # a hole in the checks
    world.template("# judul\n{{ '{0:>3999999999}'.format(1) }}\n")
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, f"{AT}:2: template failed: stopped: the template needs more")
    world.assert_untouched()


def test_memory_guard_is_restored() -> None:
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    with memory_guard(64 * 1024 * 1024), pytest.raises(MemoryError):
        bytearray(512 * 1024 * 1024)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_deadline_off_the_main_thread() -> None:
    env = SpbeSandbox()
    template = env.from_string(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    errors: list[BaseException] = []

    def work() -> None:
        try:
            render_bounded(template, {}, RenderLimits(timeout=0.2), user=False)
        except BaseException as exc:  # the assertion below names it
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)  # a bound on a hang: a busy runner may take seconds to get there
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], TemplateTimeoutError)


def test_builtin_templates_are_bounded_too(world: World) -> None:
    code, stdout, stderr = world.render("--max-mb", "0.001")
    refused(code, stdout, stderr, "spbe: (bawaan)/peta-rencana.j2")
    assert "stopped: the output passes the limit of 0.001 MB" in stderr
    world.assert_untouched()


# -- 4. symlinks stay inside -----------------------------------------------------------------------


def test_symlinked_output_folder_is_refused(world: World) -> None:
    target = world.root / "elsewhere"
    target.mkdir()
    world.out.symlink_to(target)
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, "output folder 'out' is a symbolic link; refused")
    assert list(target.iterdir()) == []
    world.assert_untouched()


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("catalog", "-o", "catalog"), "catalog/metadata.yaml"),
        (("catalog", "-o", "catalog/."), "catalog/metadata.yaml"),
        (("catalog", "-o", "catalog/prosa"), "catalog/prosa/peta-rencana.md"),
        (("catalog", "-o", "catalog/../catalog/prosa"), "catalog/../catalog/prosa/peta-rencana.md"),
        (("catalog/prosa/..", "-o", "catalog"), "catalog/metadata.yaml"),
        (("catalog", "-o", "catalog/templates"), "catalog/templates/peta-rencana.md.j2"),
        (("catalog", "--templates", "tpl", "-o", "tpl"), "tpl/peta-rencana.md.j2"),
        # the figures (and stale figure removal) of "-o ." would land in a catalog at ./gambar
        (("gambar", "-o", "."), "gambar/metadata.yaml"),
    ],
)
def test_output_into_catalog_or_template_files_is_refused(
    world: World, args: tuple[str, ...], shown: str
) -> None:
    """Rendering into a catalog folder overwrote its prose named like a document (red team)."""
    write_tree(world.root / "tpl", {"peta-rencana.md.j2": "# judul\n"})
    world.template("# judul\n")
    meta = world.catalog / "metadata.yaml"
    text = meta.read_text("utf-8")
    meta.write_text(text.replace("prosa/latar-belakang.md", "prosa/peta-rencana.md"), "utf-8")
    (world.catalog / "prosa" / "latar-belakang.md").rename(world.catalog / "prosa/peta-rencana.md")
    shutil.copytree(world.catalog, world.root / "gambar")
    for check in ((), ("--check",)):
        code, stdout, stderr = world.run(*args, "--doc", "peta-rencana", "-f", "md", *check)
        out = Path(args[-1]).as_posix()
        message = f"output folder '{out}' holds the catalog or template file '{shown}'"
        refused(code, stdout, stderr, message)
        world.assert_untouched()


def test_a_new_folder_inside_a_catalog_at_the_repository_root_is_fine(world: World) -> None:
    code, _, stderr = world.run("catalog", "-o", "catalog/build", "--doc", "peta-rencana")
    assert code == 0, stderr
    assert (world.catalog / "build" / "peta-rencana.md").is_file()


SLOW = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"


def wait_for_staging(world: World) -> None:
    """Wait until a render started in a child process is writing (its staging folder exists)."""
    for _ in range(600):  # the staging folder exists while the template runs
        if world.out.is_dir() and any(world.out.glob(".spbe-render-*")):
            return
        time.sleep(0.05)
    pytest.fail("the render never started writing")


@pytest.mark.parametrize("earlier", [False, True])
def test_a_terminated_render_leaves_nothing_half_written(world: World, earlier: bool) -> None:
    """SIGTERM (a cancelled CI job) cleans up as Ctrl-C does: no staging folder, no new folder.

    Red team: the default action ended the process at once and left ``.spbe-render-*`` folders
    (half the documents) in the output folder, which it had created.
    """
    if earlier:
        code, _, stderr = world.render()
        assert code == 0, stderr
    before = snapshot(world.out) if earlier else None
    world.template(SLOW)
    command = [sys.executable, "-m", "spbe_cli", "render", "catalog", "-o", "out"]
    command += ["--doc", "peta-rencana", "-f", "md", "--timeout", "60"]
    env = {**os.environ, "SPBE_LANG": "en", "SPBE_WORKERS": "1"}
    child = subprocess.Popen(command, cwd=world.root, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_staging(world)
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 143, stderr
    assert "Traceback" not in stderr
    if earlier:
        assert snapshot(world.out) == before
    else:
        assert not world.out.exists()


def test_a_render_killed_with_sigkill_is_cleaned_up_by_the_next_one(world: World) -> None:
    """SIGKILL (the out-of-memory killer) cannot be caught: the next render removes what it left.

    Red team: every killed run left a ``.spbe-render-*`` folder (half the documents) in the
    output folder for good. Only that pattern, only folders, only unlocked ones are removed:
    the staging of a run still going on (locked), a link of that name (pointing outside, whose
    target must survive), a file of that name and a name off the pattern all stay.
    """
    world.template(SLOW)
    command = [sys.executable, "-m", "spbe_cli", "render", "catalog", "-o", "out"]
    command += ["--doc", "peta-rencana", "-f", "md", "--timeout", "60"]
    env = {**os.environ, "SPBE_LANG": "en", "SPBE_WORKERS": "1"}
    child = subprocess.Popen(command, cwd=world.root, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_for_staging(world)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        child.kill()
    left = sorted(p.name for p in world.out.glob(".spbe-render-*"))
    assert len(left) == 1
    outside = world.root / "luar"
    outside.mkdir()
    (outside / "penting.txt").write_text("tetap\n", "utf-8")
    (world.out / ".spbe-render-linkedxx").symlink_to(outside, target_is_directory=True)
    (world.out / ".spbe-render-afilexxx").write_text("x", "utf-8")
    (world.out / ".spbe-render-keep").mkdir()
    running = staging.staging_folder(world.out)  # a run going on in this process holds it
    try:
        world.template("# {{ pemda.nama }}\n")
        code, _, stderr = world.render()
        assert code == 0, stderr
        found = sorted(p.name for p in world.out.glob(".spbe-render-*"))
        assert left[0] not in found
        assert found == sorted(
            [".spbe-render-afilexxx", ".spbe-render-keep", ".spbe-render-linkedxx", running.name]
        )
        assert (outside / "penting.txt").read_text("utf-8") == "tetap\n"
        assert (world.out / "peta-rencana.md").is_file()
    finally:
        staging.remove_folder(running)
    assert not running.exists()


def test_an_output_name_the_system_refuses_is_a_clear_error(world: World) -> None:
    """A folder name over 255 bytes ended in an internal error (OSError) before."""
    code, stdout, stderr = world.run("catalog", "-o", "d" * 300, "--doc", "peta-rencana")
    refused(code, stdout, stderr, f"cannot write to '{'d' * 300}': File name too long")
    assert "internal error" not in stderr
    world.assert_untouched()


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "t" * 300],
        ["render", "t" * 300, "-o", "out"],
        ["render", "catalog", "--templates", "t" * 300, "-o", "out"],
    ],
)
def test_a_path_the_system_refuses_is_one_line_not_an_internal_error(
    world: World, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Any command given a path too long for the system said "internal error (OSError ...)"."""
    from spbe_cli.cli import app as app_module

    monkeypatch.delenv("SPBE_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["spbe", "--lang", "en", *args])
    world.before = snapshot(world.root, world.out)
    with pytest.raises(SystemExit) as exc:
        app_module.main()
    assert exc.value.code == 3
    captured = capsys.readouterr()
    assert captured.err == f"spbe: cannot use '{'t' * 300}': File name too long\n"
    assert captured.out == ""
    world.assert_untouched()


def _repository(world: World) -> Path:
    """Make the temporary tree a git repository (its .git/config holds a secret)."""
    git(world.root, "init", "-q")
    config = world.root / ".git" / "config"
    config.write_text(config.read_text("utf-8") + "[rahasia]\n\ttoken = RAHASIA\n", "utf-8")
    return world.root


def test_symlinked_catalog_root_is_refused(world: World) -> None:
    repo = _repository(world)
    (world.catalog / "prosa").mkdir(exist_ok=True)
    link = world.root / "tautan"
    link.symlink_to(repo, target_is_directory=True)
    code, stdout, stderr = world.run("tautan", "-o", "out", "-f", "md")
    refused(code, stdout, stderr, "'tautan' is a symbolic link; refused")
    world.assert_untouched()


def test_templates_folder_linked_to_the_repository_is_refused(world: World) -> None:
    repo = _repository(world)
    (world.catalog / "templates").symlink_to(repo, target_is_directory=True)
    code, stdout, stderr = world.render()
    refused(code, stdout, stderr, "template folder 'catalog/templates' is a symbolic link")
    world.assert_untouched()


def test_templates_option_at_the_repository_root_is_refused(world: World) -> None:
    repo = _repository(world)
    write_tree(repo, {"peta-rencana.md.j2": "{% include '.git/config' %}\n"})
    code, stdout, stderr = world.render("--templates", str(repo))
    refused(code, stdout, stderr, "is or holds a .git folder; refused")
    assert "RAHASIA" not in stdout + stderr
    world.assert_untouched()


def test_prose_cannot_name_git_files(world: World) -> None:
    _repository(world)
    # The catalog is the repository root: .git/config lies inside it, and still is not prose.
    shutil.copytree(world.catalog, world.root, dirs_exist_ok=True)
    meta = world.root / "metadata.yaml"
    text = meta.read_text("utf-8")
    assert "prosa:" in text
    meta.write_text(text.replace("prosa:\n", "prosa:\n  penutup: .git/config\n", 1), "utf-8")
    code, stdout, stderr = world.run(".", "-o", "out", "--doc", "masterplan", "-f", "md")
    assert code == 1, stderr  # SPBE208: the prose file lies outside the catalog
    assert "RAHASIA" not in stdout + stderr
    world.assert_untouched()
    code, stdout, stderr = world.run(".", "-o", "out", "--doc", "masterplan", "-f", "md", "--force")
    assert code == 0, stderr
    assert "RAHASIA" not in (world.out / "masterplan.md").read_text("utf-8")


def _chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    body = kind + data
    check = zlib.crc32(body) if crc is None else crc
    return len(data).to_bytes(4, "big") + body + check.to_bytes(4, "big")


SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADER = _chunk(b"IHDR", (4).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00")
BROKEN_PNGS = {
    # the red team's file: a chunk announced longer than the file (the DOCX writer crashed)
    "truncated": SIGNATURE + HEADER + (0xFFFFFFF0).to_bytes(4, "big") + b"pHYs" + b"\x00" * 8,
    "header only": SIGNATURE + HEADER,
    "no image data": SIGNATURE + HEADER + _chunk(b"IEND", b""),
    "bad checksum": png(4, 2)[:-4] + b"\x00\x00\x00\x00",
    "bytes after the end": png(4, 2) + b"<script>",
    "header not first": SIGNATURE + _chunk(b"tEXt", b"a") + png(4, 2)[8:],
    "no width": SIGNATURE + _chunk(b"IHDR", b"\x00" * 13) + png(4, 2)[33:],
    "too wide": SIGNATURE
    + _chunk(b"IHDR", (10001).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"\x08\x02\0\0\0")
    + png(4, 2)[33:],
}


@pytest.mark.parametrize("kind", BROKEN_PNGS)
def test_a_logo_that_is_not_a_whole_png_is_refused_and_never_embedded(
    world: World, kind: str
) -> None:
    """SPBE220 names it; ``render --force`` leaves it off the cover (it crashed the DOCX writer)."""
    (world.catalog / "logo.png").write_bytes(BROKEN_PNGS[kind])
    meta = world.catalog / "metadata.yaml"
    meta.write_text(meta.read_text("utf-8") + "logo: logo.png\n", "utf-8")
    line = meta.read_text("utf-8").count("\n")
    code, stdout, stderr = world.render("-f", "docx")
    assert code == 1, stdout + stderr
    assert f"metadata.yaml:{line}:7: error[SPBE220]: logo file 'logo.png' is not a whole PNG" in (
        stdout
    )
    code, stdout, stderr = world.render("-f", "md,html,docx", "--force")
    assert code == 0, stdout + stderr
    assert "Traceback" not in stdout + stderr and "internal error" not in stderr
    assert not (world.out / "gambar" / "logo.png").exists()
    assert "data:image/png" not in (world.out / "peta-rencana.html").read_text("utf-8")


def test_a_whole_png_logo_is_used() -> None:
    from spbe_cli.files import logo_image, png_size

    assert png_size(png(4, 2)) == (4, 2)
    assert logo_image(png(4, 2)) == (("image/png", png(4, 2)), None)


LINKS_AND_CODE = (
    "# Judul\n\nLihat [situs](<https://x.example/a)![i](../../etc/passwd)>),"
    " [dua](<https://x.example/b c>), [tiga](https://x.example/(d)),"
    " kode ``a`b``, `` `x` `` dan `y`.\n"
)


def test_markdown_keeps_each_link_and_code_span_of_prose_whole(world: World) -> None:
    """A ``)`` ended the link in the .md (the rest became text) and code lost its backticks."""
    (world.catalog / "prosa" / "latar-belakang.md").write_text(LINKS_AND_CODE, "utf-8")
    code, _, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md,html")
    assert code == 0, stderr
    markdown = (world.out / "masterplan.md").read_text("utf-8")
    line = next(text for text in markdown.split("\n") if "situs" in text)
    spans = markdown_parser().parseInline(line)[0].children or []
    hrefs = [str(t.attrGet("href")) for t in spans if t.type == "link_open"]
    codes = [t.content for t in spans if t.type == "code_inline"]
    html = (world.out / "masterplan.html").read_text("utf-8")
    paragraph = next(text for text in html.split("<p>") if "situs" in text)
    assert hrefs == [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', paragraph)]
    assert hrefs == [
        "https://x.example/a)!%5Bi%5D(../../etc/passwd)",
        "https://x.example/b%20c",
        "https://x.example/(d)",
    ]
    assert codes == ["a`b", "`x`", "y"]
    assert "![i]" not in line and "<https" not in html


DEEP_LIST = "".join("  " * i + "- x\n" for i in range(10)) + "\nSETELAH <b>teks</b>\n"


@pytest.mark.parametrize(
    ("prose", "where"),
    [
        (DEEP_LIST, "catalog/prosa/latar-belakang.md:10:19"),  # a list item 10 deep
        ("Awal\n\n" + ">" * 20 + " isi\n", "catalog/prosa/latar-belakang.md:3:1"),  # 20 quotes
    ],
)
def test_prose_nested_too_deep_is_refused_not_dropped(world: World, prose: str, where: str) -> None:
    """markdown-it drops, without a word, a block nested 20 deep and (in a list) all after it.

    Red team: a prose list ten deep made every later line of the section vanish from all three
    formats, and render said it had written the documents.
    """
    (world.catalog / "prosa" / "latar-belakang.md").write_text(prose, "utf-8")
    code, stdout, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md")
    refused(code, stdout, stderr, f"spbe: {where}: the prose nests too deeply (at most 19 levels")
    assert not world.out.exists()


def test_prose_larger_than_its_limit_is_never_parsed(world: World) -> None:
    """A 1.8 MB prose table of tiny cells took 2.4 GB to render (a token per cell; red team)."""
    from spbe_cli.files import MAX_PROSE_BYTES

    cols = 100
    row = "|" + "b|" * cols + "\n"
    table = "|" + "a|" * cols + "\n|" + "-|" * cols + "\n" + row * (MAX_PROSE_BYTES // len(row))
    assert len(table) > MAX_PROSE_BYTES
    (world.catalog / "prosa" / "latar-belakang.md").write_text(table, "utf-8")
    code, stdout, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md")
    assert code == 1, stderr
    assert (
        "catalog/metadata.yaml:30:19: error[SPBE208]: prose file 'prosa/latar-belakang.md' is too"
        " large (limit 512 KiB)" in stdout
    )
    assert not world.out.exists()


def test_prose_nested_just_under_the_limit_is_kept_whole(world: World) -> None:
    prose = (
        "".join("  " * i + "- x\n" for i in range(9)) + "\n" + ">" * 19 + " kutipan\n\nSETELAH\n"
    )
    (world.catalog / "prosa" / "latar-belakang.md").write_text(prose, "utf-8")
    code, _, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md,html")
    assert code == 0, stderr
    for name in ("masterplan.md", "masterplan.html"):
        text = (world.out / name).read_text("utf-8")
        assert "kutipan" in text and "SETELAH" in text


def test_a_template_making_markdown_nested_too_deep_is_refused(world: World) -> None:
    world.template("# judul\n{% for i in range(12) %}{{ '  ' * i }}- butir\n{% endfor %}akhir\n")
    code, stdout, stderr = world.render()
    message = "template 'peta-rencana.md.j2': the Markdown it made nests too deeply at line 11"
    refused(code, stdout, stderr, message)
    assert not world.out.exists()


def test_control_and_bidi_characters_show_alike_in_every_format(world: World) -> None:
    """DOCX dropped C0 controls and passed a bidi override raw (Trojan Source in Word).

    Prose with a U+202E override and an ANSI escape is refused by validate (SPBE019); with
    ``--force`` every format shows the characters as the same visible escapes.
    """
    import zipfile

    prose = "Teks \u202e terbalik \x1b[31m merah \x07 selesai.\n"
    (world.catalog / "prosa" / "latar-belakang.md").write_text(prose, "utf-8")
    code, _, stderr = world.run(
        "catalog", "-o", "out", "--doc", "masterplan", "-f", "md,html,docx", "--force"
    )
    assert code == 0, stderr
    shown = "\\u202e terbalik \\x1b[31m merah \\x07 selesai"
    html = (world.out / "masterplan.html").read_text("utf-8")
    with zipfile.ZipFile(world.out / "masterplan.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    markdown = (world.out / "masterplan.md").read_text("utf-8")
    assert shown in html and shown in xml
    assert shown.replace("\\", "\\\\").replace("[", "\\[") in markdown  # Markdown escapes
    for text in (html, xml, markdown):
        assert not any(c in text for c in "\u202e\x1b\x07")


PRINTED_OBJECTS = (
    "{{ entitas }}|{{ prosa }}|{{ 'x'.upper }}|{{ cycler(1, 2) }}|{{ joiner() }}|{{ [prosa] }}"
    "|{{ entitas|string }}|{{ entitas ~ '' }}|{{ '%s' % prosa }}|{{ '{}'.format(prosa) }}"
    "|{{ '%s'|format(prosa) }}|{{ prosa|center(60) }}|{{ [prosa]|join }}|{{ entitas|pprint }}\n"
)


def test_a_template_printing_objects_gives_the_same_bytes_on_every_run(world: World) -> None:
    """A repr names no memory address (it differs on every run), whatever route prints it."""
    world.template(PRINTED_OBJECTS, "templates/masterplan.j2")
    code, _, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md")
    assert code == 0, stderr
    markdown = (world.out / "masterplan.md").read_text("utf-8")
    assert "Lookup object" in markdown
    assert "built-in method upper of str object" in markdown
    assert re.search(r"0x[0-9a-fA-F]{4,}", markdown) is None, markdown


def test_a_value_printed_at_a_line_start_stays_text(world: World) -> None:
    """'- {{ nama }}' with a name '1. Satu' or '- Dua' was a nested list with the marker gone."""
    world.template(
        "{% set a, b, c = '1. Satu', '- Dua', '---' %}# Judul\n\n"
        "- {{ a }}\n- {{ [b, 'x']|join(', ') }}\n- {{ b|md }}\n\n{{ c }}\n",
        "templates/masterplan.j2",
    )
    code, _, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md,html")
    assert code == 0, stderr
    html = (world.out / "masterplan.html").read_text("utf-8")
    assert "<ol" not in html and "<hr" not in html
    assert html.count("<li>") == 3
    for text in ("<li>1. Satu</li>", "<li>- Dua, x</li>", "<li>- Dua</li>", "<p>---</p>"):
        assert text in html


def test_prose_saved_with_a_byte_order_mark_reads_as_without(world: World) -> None:
    """A BOM and CRLF (a file saved by Notepad) change nothing: the title is dropped, no U+FEFF."""
    plain = "# Latar\n\npenanda\n"
    outputs = []
    for content in (plain.encode(), b"\xef\xbb\xbf" + plain.replace("\n", "\r\n").encode()):
        (world.catalog / "prosa" / "latar-belakang.md").write_bytes(content)
        code, _, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md,html")
        assert code == 0, stderr
        outputs.append([(world.out / f"masterplan.{ext}").read_bytes() for ext in ("md", "html")])
    assert outputs[0] == outputs[1]
    markdown = outputs[1][0].decode("utf-8")
    assert "penanda" in markdown
    assert "\ufeff" not in markdown
    assert "# Latar" not in markdown


# -- 5. prose is inert everywhere ------------------------------------------------------------------

HOSTILE_PROSE = [
    "``` `\n<script>alert(1)</script>\n",
    "\\`<script>alert(1)</script>`\n",
    "teks <img src=x onerror=alert(1)> teks\n",
    "> kutipan <iframe src=x></iframe>\n",
    "- butir\n\n  <script>\n  x\n  </script>\n",
    "| a | b |\n|---|---|\n| <script>x</script> | `<b>` |\n",
    "<div>\n<script>alert(1)</script>\n</div>\n",
    "~~~ ~\n<script>x</script>\n~~~\n",
    "<!-- komentar --><script>x</script>\n",
]
DANGEROUS = ("<script", "<img", "<iframe", "</script")


def raw_html(markdown: str) -> list[str]:
    """Raw HTML pieces markdown-it finds in ``markdown`` (code excluded, as markdown-it says)."""
    found = []
    for token in markdown_finder().parse(markdown):
        if token.type == "html_block":
            found.append(token.content)
        found.extend(c.content for c in token.children or [] if c.type == "html_inline")
    return found


@pytest.mark.parametrize("prose", HOSTILE_PROSE)
def test_hostile_prose_is_inert_in_markdown_and_html(world: World, prose: str) -> None:
    write_tree(world.catalog, {"prosa/latar-belakang.md": f"# Latar\n\npenanda\n\n{prose}"})
    code, _, stderr = world.run("catalog", "-o", "out", "--doc", "masterplan", "-f", "md,html")
    assert code == 0, stderr
    markdown = (world.out / "masterplan.md").read_text("utf-8")
    assert "penanda" in markdown
    assert [p for p in raw_html(markdown) if p.lower().startswith(DANGEROUS)] == []
    html = (world.out / "masterplan.html").read_text("utf-8")
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in html.lower()
    world.assert_untouched()


_PIECES = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x onerror=1>",
        "<iframe>",
        "<div>",
        "<!--",
        "-->",
        "`",
        "``",
        "```",
        "~~~",
        "\\",
        "\\`",
        "    ",
        "\n",
        "\n\n",
        "> ",
        "- ",
        "1. ",
        "# ",
        "| ",
        "|---|",
        "teks ",
        "<",
        ">",
        "&",
        "*",
        "[a](b)",
        "<http://x>",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_random_prose_never_yields_raw_html(prose: str) -> None:
    markdown = shift_markdown(prose)
    assert raw_html(markdown) == []
    html = markdown_parser().render(prose).lower()
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in html
