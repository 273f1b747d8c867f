"""A stop (Ctrl-C, ``SIGTERM``) at any instant of writing leaves nothing behind.

The window was between making the staging folder (or temporary file) and the ``try`` that
removes it: a cancelled CI job under load left ``out/.spbe-render-*`` and the ``out`` folder
the run had made (seen as a flaky ``test_a_terminated_render_leaves_nothing_half_written``).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spbe_cli import staging
from spbe_cli.errors import SpbeError
from spbe_cli.export import common as export_common
from spbe_cli.render import output
from spbe_cli.render.output import RenderedFile, write_output

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")


@pytest.fixture(autouse=True)
def ctrl_c_interrupts() -> Iterator[None]:
    """Ctrl-C raises ``KeyboardInterrupt`` here whoever started the tests: a runner started
    in the background by a shell (``nohup pytest &``) ignores it, and Python keeps that."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_right_after(real: Any) -> Any:
    """``real``, then Ctrl-C delivered to this process as soon as Python looks.

    Raised in this (the main) thread: ``os.kill`` to the process may go to another thread a
    test left alive, which runs the C handler whenever it is next scheduled.
    """

    def made(*args: Any) -> Any:
        found = real(*args)
        signal.raise_signal(signal.SIGINT)
        return found

    return made


def test_a_stop_held_back_is_delivered_when_the_block_ends() -> None:
    seen: list[str] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: seen.append("stopped"))
    try:
        with staging.stops_deferred():
            signal.raise_signal(signal.SIGTERM)  # to this thread, at once (not when scheduled)
            seen.append("block done")
        seen.append("after")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == ["block done", "stopped", "after"]


def test_a_stop_another_thread_receives_is_held_back_too() -> None:
    """A stop sent to the process may land in any thread that does not mask it (the figure
    pool's manager thread during ``spbe render``); Python runs the handler in the main thread.
    """
    seen: list[str] = []
    go = threading.Event()

    def receives_the_stop() -> None:
        go.wait()
        signal.raise_signal(signal.SIGTERM)  # the C handler runs in this thread, now

    other = threading.Thread(target=receives_the_stop)
    other.start()  # before the block, as a long-lived thread is
    previous = signal.signal(signal.SIGTERM, lambda *_: seen.append("stopped"))
    try:
        with staging.stops_deferred():
            go.set()
            other.join()
            seen.append("block done")
        seen.append("after")
    finally:
        go.set()
        other.join()
        signal.signal(signal.SIGTERM, previous)
    assert seen == ["block done", "stopped", "after"]


def test_handlers_are_put_back_after_the_block() -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with staging.stops_deferred():
        pass
    with pytest.raises(ValueError), staging.stops_deferred():
        raise ValueError
    assert {s: signal.getsignal(s) for s in before} == before


def test_outside_the_main_thread_the_block_runs_as_it_is() -> None:
    ran: list[bool] = []

    def block() -> None:
        with staging.stops_deferred():
            ran.append(True)

    other = threading.Thread(target=block)
    other.start()
    other.join()
    assert ran == [True]


def test_a_stop_as_the_staging_folder_is_made_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "staging_folder", _stop_right_after(staging.staging_folder))
    out = tmp_path / "baru" / "keluaran"
    with pytest.raises(KeyboardInterrupt):
        write_output(out, [RenderedFile("masterplan.md", b"# Judul\n")])
    assert list(tmp_path.iterdir()) == []  # neither the staging folder nor the folders it made


def test_a_stop_as_the_staging_folder_is_made_leaves_an_existing_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lama.md").write_bytes(b"lama\n")
    monkeypatch.setattr(output, "staging_folder", _stop_right_after(staging.staging_folder))
    with pytest.raises(KeyboardInterrupt):
        write_output(tmp_path, [RenderedFile("masterplan.md", b"# Judul\n")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lama.md"]


def test_a_stop_as_the_temporary_file_is_made_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_common, "staging_file", _stop_right_after(staging.staging_file))
    with pytest.raises(KeyboardInterrupt):
        export_common.write_file(tmp_path / "katalog.json", b"{}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SpbeError])
def test_an_export_stopped_while_writing_leaves_no_temporary_file(
    tmp_path: Path, stop: type[BaseException]
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"kolom;kolom\n"
        raise stop("berhenti") if stop is SpbeError else stop()

    with pytest.raises(stop):
        export_common.write_file(tmp_path / "tabel.csv", chunks())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_child_forked_in_the_block_is_stopped_as_before() -> None:
    """The block is this process's: a child forked inside it ends on SIGTERM at once."""
    with staging.stops_deferred():
        pid = os.fork()
        if pid == 0:  # the child stops itself; it would exit with 3 were the stop held
            try:
                signal.raise_signal(signal.SIGTERM)
            finally:
                os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
