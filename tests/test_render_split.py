"""``spbe render`` on two cores: a forked child renders the heaviest document (render/split.py).

Whatever the child does (renders, fails, dies, cannot start), the files, the names written, the
messages and the progress steps are those of a one-process run, and nothing is left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli import parallel
from spbe_cli.cli.app import app
from spbe_cli.render import pipeline, split
from spbe_cli.render.pipeline import RenderOptions, RenderOutcome, render_catalog
from tests.helpers import CASES, no_child_left, write_tree

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="children are forked on Linux"
)

ROOT = Path(__file__).resolve().parent.parent
SMALL = CASES / "render" / "small"


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[parallel.ForkedChild]:
    """The children forked to render documents (see :class:`spbe_cli.parallel.ForkedChild`)."""
    started: list[parallel.ForkedChild] = []

    class Counted(parallel.ForkedChild):
        def __init__(self, work: Any) -> None:
            super().__init__(work)
            started.append(self)

    monkeypatch.setattr(split, "ForkedChild", Counted)
    return started


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL, tmp_path / "catalog", symlinks=True))


def _tree(out: Path) -> dict[str, bytes]:
    """Every file and folder under ``out`` (a folder as ``b"/"``): leftovers show up too."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes() if p.is_file() else b"/"
        for p in sorted(out.rglob("*"))
    }


def _render(
    monkeypatch: pytest.MonkeyPatch, workers: str, catalog: Path, out: Path, **options: Any
) -> tuple[RenderOutcome, list[tuple[int, int]]]:
    """Render with ``SPBE_WORKERS=workers``; the outcome and the progress steps."""
    monkeypatch.setenv("SPBE_WORKERS", workers)
    steps: list[tuple[int, int]] = []
    outcome = render_catalog(
        RenderOptions(catalog=catalog, out=out, **options),
        render_progress=lambda _n: lambda done, total: steps.append((done, total)),
    )
    return outcome, steps


def test_two_processes_write_the_files_one_process_writes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, children: list[parallel.ForkedChild]
) -> None:
    """The bundled catalog in every format: same bytes, same names in the same order."""
    one, one_steps = _render(monkeypatch, "1", ROOT / "catalog", tmp_path / "one")
    assert children == []
    two, two_steps = _render(monkeypatch, "2", ROOT / "catalog", tmp_path / "two")
    assert len(children) == 1  # the heaviest document went to a child
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert two.written == one.written
    assert any(name.startswith("arsitektur.") for name in one.written)
    assert two_steps == one_steps == [(n, one_steps[-1][1]) for n in range(1, 13)]
    no_child_left()


def test_the_child_takes_the_document_with_the_most_entities() -> None:
    from spbe_cli.render.registry import documents

    specs = documents()
    todo = [(spec, ["md"]) for spec in specs.values()]
    weights = {"masterplan": 5, "arsitektur": 9, "peta-rencana": 9, "laporan": 0}
    assert split.child_share(todo, lambda spec: weights[spec.name]) == {"arsitektur"}
    assert split.child_share(todo[:1], lambda spec: 1) == set()  # nothing to share


def test_check_in_two_processes_finds_what_one_process_finds(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path, children: list[Any]
) -> None:
    out = tmp_path / "out"
    _render(monkeypatch, "1", small, out)
    (out / "arsitektur.html").write_bytes(b"diubah")  # the child's document
    (out / "masterplan.md").unlink()  # this process's
    before = _tree(out)
    found = [_render(monkeypatch, workers, small, out, check=True)[0] for workers in ("1", "2")]
    assert len(children) == 1
    assert found[0].changed == found[1].changed == ["masterplan.md", "arsitektur.html"]
    assert found[0].written == found[1].written
    assert _tree(out) == before  # --check writes nothing, the child neither
    no_child_left()


@pytest.mark.parametrize("failure", ["error", "killed", "no fork", "unreadable"])
def test_a_failing_child_leaves_its_documents_to_this_process(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path, failure: str
) -> None:
    one, _ = _render(monkeypatch, "1", small, tmp_path / "one")
    here = os.getpid()
    real_write = pipeline._write

    def write_in_child(*args: Any) -> Any:
        if os.getpid() != here:
            if failure == "error":
                raise RuntimeError("child failed")
            os.kill(os.getpid(), signal.SIGKILL)
        return real_write(*args)

    if failure == "no fork":
        real_start = split._start

        def no_fork() -> int:
            raise OSError("no more processes")

        def start_without_fork(*args: Any) -> Any:
            with pytest.MonkeyPatch.context() as patch:  # the loader's workers still fork
                patch.setattr(os, "fork", no_fork)
                return real_start(*args)

        monkeypatch.setattr(split, "_start", start_without_fork)
    elif failure == "unreadable":
        monkeypatch.setattr(split, "_child_work", lambda *_: ([["../../luar"]], None))
    else:
        monkeypatch.setattr(pipeline, "_write", write_in_child)
    two, steps = _render(monkeypatch, "2", small, tmp_path / "two")
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")  # nothing of the child's left
    assert two.written == one.written
    assert steps == [(n, steps[-1][1]) for n in range(1, steps[-1][1] + 1)]
    no_child_left()


def _broken(catalog: Path, *documents: str) -> None:
    write_tree(
        catalog,
        {f"templates/{doc}.j2": "# awal\n{{ tidak_ada.sama_sekali }}\n" for doc in documents},
    )


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        # the child's document fails, and a later one of this process too: the child's is shown
        (("arsitektur", "peta-rencana"), "arsitektur"),
        # only this process's later document fails, the child's renders
        (("peta-rencana",), "peta-rencana"),
        # this process's first document fails while the child still renders: it is stopped
        (("masterplan",), "masterplan"),
        # only the child's document fails
        (("arsitektur",), "arsitektur"),
    ],
)
def test_the_error_shown_is_the_one_a_single_process_shows(
    monkeypatch: pytest.MonkeyPatch,
    small: Path,
    tmp_path: Path,
    children: list[Any],
    broken: tuple[str, ...],
    named: str,
) -> None:
    out = tmp_path / "out"
    _render(monkeypatch, "1", small, out)
    before = _tree(out)
    _broken(small, *broken)
    monkeypatch.setattr(split, "child_share", lambda todo, weight: {"arsitektur"})
    said = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SPBE_WORKERS", workers)
        result = CliRunner().invoke(app, ["render", str(small), "-o", str(out)])
        assert result.exit_code == 3
        said[workers] = result.stderr
        assert _tree(out) == before  # nothing written, no staging folder left
    assert len(children) == 1
    assert said["1"] == said["2"]
    assert f"templates/{named}.j2:2: template failed" in said["2"]
    no_child_left()


def test_a_new_output_folder_is_not_left_behind_when_the_run_fails(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path, children: list[Any]
) -> None:
    _broken(small, "peta-rencana")
    monkeypatch.setenv("SPBE_WORKERS", "2")
    out = tmp_path / "baru" / "out"
    result = CliRunner().invoke(app, ["render", str(small), "-o", str(out)])
    assert result.exit_code == 3
    assert len(children) == 1
    assert not (tmp_path / "baru").exists()
    no_child_left()


def test_the_messages_are_those_of_one_process(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path, children: list[Any]
) -> None:
    said = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SPBE_WORKERS", workers)
        out = tmp_path / workers
        result = CliRunner().invoke(app, ["render", str(small), "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        said[workers] = (result.stdout, result.stderr.replace(str(out), "OUT"))
    assert len(children) == 1
    assert said["1"] == said["2"]


@pytest.mark.parametrize("drawing", ["in a child", "child failed"])
def test_the_childs_figures_drawn_ahead_are_the_bytes_drawn_here(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path, drawing: str
) -> None:
    """The child of a split run has its figures drawn by a child of its own, or itself."""
    one, _ = _render(monkeypatch, "1", small, tmp_path / "one")
    here = os.getpid()
    marks = tmp_path / "drawn-by"
    marks.mkdir()
    real_draw = pipeline._draw_plain

    def draw(specs: list[Any], png: bool) -> Any:
        (marks / str(os.getpid())).write_text(str(len(specs)), "utf-8")
        if drawing == "child failed":
            raise RuntimeError("drawing failed")
        return real_draw(specs, png)

    real_figure = pipeline.draw_figure
    figures = tmp_path / "figure-by"
    figures.mkdir()

    def draw_figure(spec: Any, png: bool) -> Any:
        (figures / str(os.getpid())).touch()
        return real_figure(spec, png)

    monkeypatch.setattr(pipeline, "_draw_plain", draw)
    monkeypatch.setattr(pipeline, "draw_figure", draw_figure)
    two, _ = _render(monkeypatch, "2", small, tmp_path / "two")
    drawers = {int(p.name) for p in marks.iterdir()}
    assert drawers and here not in drawers  # drawn ahead, in another process than this one
    # What the drawing child sent was used as it was; only a failure has the child draw again.
    again = {int(p.name) for p in figures.iterdir()} - drawers - {here}
    assert len(again) == (1 if drawing == "child failed" else 0)
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert two.written == one.written
    no_child_left()


def test_the_script_ends_at_once_with_every_file_in_place_and_its_code(
    monkeypatch: pytest.MonkeyPatch, small: Path, tmp_path: Path
) -> None:
    """``spbe render`` ends with ``os._exit`` once told (no clean-up of the catalog's objects)."""
    import subprocess

    out = tmp_path / "out"
    env = {**os.environ, "SPBE_WORKERS": "2", "SPBE_LANG": "en"}
    script = [sys.executable, "-m", "spbe_cli", "render", str(small), "-o", str(out)]
    written = subprocess.run(script, env=env, capture_output=True, text=True, check=False)
    assert written.returncode == 0, written.stderr
    inline = tmp_path / "inline"
    _render(monkeypatch, "1", small, inline)
    assert _tree(out) == _tree(inline)
    (out / "arsitektur.md").write_text("diubah\n", "utf-8")
    checked = subprocess.run([*script, "--check"], env=env, capture_output=True, text=True)
    assert checked.returncode == 1
    assert checked.stdout == f"{(out / 'arsitektur.md').as_posix()}\n"
