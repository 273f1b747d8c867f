"""The ``spbe`` command: the application, its global options, and the entry point.

This module only assembles: each command lives in its own module and shares what it needs
through :mod:`spbe_cli.cli.common`, never through this module.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from typing import Annotated, Any, NoReturn, TextIO

import typer

from spbe_cli import __version__
from spbe_cli.cli.chrome import SpbeGroup, command_examples
from spbe_cli.errors import ExitCode, SpbeError, os_reason
from spbe_cli.i18n import set_language, t


def _argv_language(argv: list[str]) -> str | None:
    """The value of ``--lang`` on the command line, read before typer parses it.

    Help texts are fixed when the commands are defined, so ``spbe --lang en validate --help``
    needs the language before typer runs; SPBE_LANG and the locale are read by set_language.
    """
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


set_language(_argv_language(sys.argv[1:]))

app = typer.Typer(
    name="spbe",
    cls=SpbeGroup,
    help=t("cli.help"),
    epilog=command_examples(""),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(str, enum.Enum):
    """Languages of messages."""

    id = "id"
    en = "en"


def _version(value: bool) -> None:
    if value:
        from spbe_cli.cli import console
        from spbe_cli.reference import load_reference

        console.out(
            t("cli.version_line", version=__version__, referensi=load_reference().versi),
            colour=False,
        )
        raise typer.Exit()


def _lang(value: Lang | None) -> Lang | None:
    """Set the language as soon as ``--lang`` is read, so ``spbe --lang en --version`` obeys it."""
    if value is not None:
        set_language(value.value)
    return value


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=t("cli.version")),
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang", help=t("cli.lang"), case_sensitive=False, is_eager=True, callback=_lang
        ),
    ] = None,
    cache: Annotated[
        bool | None, typer.Option("--cache/--no-cache", help=t("cli.no_cache"), show_default=False)
    ] = None,
) -> None:
    """Set process-wide options."""
    del version
    set_language(lang.value if lang else None)
    if cache is not None:
        from spbe_cli.cli.common import _cache_choice

        _cache_choice(cache)


class TerminatedError(KeyboardInterrupt):
    """``SIGTERM`` (a CI job cancelled, ``timeout``): stop as after Ctrl-C, cleaning up."""


#: Whether ``SIGTERM`` stopped this run (typer turns every interrupt into exit 130).
_TERMINATED: list[bool] = []
#: Exit status after ``SIGTERM``, as a shell reports a process it ended (128 + 15).
EXIT_TERMINATED = 143


def _on_terminate(pid: int) -> None:
    """Make ``SIGTERM`` stop this process like Ctrl-C, so that ``finally`` blocks run.

    Without it the default action ends the process at once: ``spbe render`` left its staging
    folders (``.spbe-render-*``, half the documents) and a new output folder behind. A forked
    child gets the default action back (its parent cleans up after it).
    """
    import signal

    def handler(signum: int, frame: object) -> None:
        del frame
        if os.getpid() != pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        _TERMINATED.append(True)
        raise TerminatedError

    with contextlib.suppress(ValueError):  # not the main thread (a program embedding spbe)
        signal.signal(signal.SIGTERM, handler)


def main() -> None:
    """Run the application: user errors never end in a traceback (see :func:`spbe_cli.cli.main`)."""
    _on_terminate(os.getpid())
    _open_closed_streams()
    _no_pydantic_plugins()
    try:
        app()
    except SystemExit as exc:
        # Imported here: common's help texts must be made after set_language() above.
        from spbe_cli.cli.common import QUICK_EXIT

        code = EXIT_TERMINATED if _TERMINATED else exc.code
        if QUICK_EXIT["ready"]:
            _quick_exit(code)
        if _TERMINATED:
            sys.exit(code)
        raise
    except SpbeError as exc:
        from spbe_cli.cli.common import tell

        tell(exc)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        sys.exit(EXIT_TERMINATED if _TERMINATED else 130)
    except OSError as exc:
        if not isinstance(exc.filename, str | bytes) or os.environ.get("SPBE_DEBUG"):
            _internal_error(exc)
        # A path the system refuses (a name too long, a loop of links) that no command checked
        # first: the operator's path, not a bug. One line, the path as typed, cut if long.
        from spbe_cli.cli import console
        from spbe_cli.markup import clip

        path = clip(os.fsdecode(exc.filename), 300)
        console.err(t("cli.os_error", path=path, reason=os_reason(exc)))
        sys.exit(int(ExitCode.CANNOT_RUN))
    except Exception as exc:  # a bug in spbe: say so, keep the traceback for SPBE_DEBUG
        _internal_error(exc)


def _no_pydantic_plugins() -> None:
    """Check catalogs with spbe's schema alone: no pydantic plugin installed beside it runs.

    A plugin (an observability hook, say) sees and may change every validation, so a catalog
    could be judged differently on the machine that has one. Looking for plugins also read the
    metadata of every installed package on each run. Child processes (git, spbe's own workers)
    inherit the setting.
    """
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    # pydantic's plugin loader imports importlib.metadata (email, socket, zipfile, csv: some
    # 3 % of ``spbe validate`` on the bundled catalog) only to find plugins, and under the
    # setting above finds none: a stand-in gives the same answer without the imports.
    if "pydantic.plugin._loader" not in sys.modules:
        import types

        stand_in = types.ModuleType("pydantic.plugin._loader", _no_plugins.__doc__)
        stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
        # A pydantic release that asks its loader for anything else gets the real one.
        stand_in.__getattr__ = _real_loader  # type: ignore[method-assign]
        sys.modules[stand_in.__name__] = stand_in


def _real_loader(name: str) -> Any:
    """An attribute of pydantic's own plugin loader, put back in place of the stand-in.

    Not for the import system's questions (``__path__``, ``__spec__`` ...): a module has none
    of those it lacks, and answering them would import the real loader on every run.
    """
    if name.startswith("__"):
        raise AttributeError(name)
    import importlib

    sys.modules.pop("pydantic.plugin._loader", None)
    real = importlib.import_module("pydantic.plugin._loader")
    return getattr(real, name)


def _no_plugins(*_args: object, **_kwargs: object) -> tuple[()]:
    """No pydantic plugin: what ``pydantic.plugin._loader.get_plugins`` says when disabled.

    Any arguments are taken, so that a release passing some to its loader still gets "none".
    """
    return ()


def _internal_error(exc: Exception) -> NoReturn:
    """Say that spbe has a bug (one line), or re-raise it with its traceback under SPBE_DEBUG."""
    if os.environ.get("SPBE_DEBUG"):
        raise exc
    from spbe_cli.cli import console

    console.err(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}"))
    sys.exit(int(ExitCode.CANNOT_RUN))


def _open_closed_streams() -> None:
    """Give a standard stream the shell closed (``spbe diff >&-``) a null device instead.

    Python leaves a closed stream as ``None``; every write and ``isatty()`` on it failed as an
    internal error. What is written to it is discarded, as Python's own ``print`` does, and the
    exit code is the result's; a closed stdin reads as empty.
    """
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        speak_utf8(stream)


def speak_utf8(stream: TextIO) -> None:
    """Write UTF-8 to a file or a pipe whatever the locale; never fail on a terminal.

    Output is the same bytes on every machine (a review saved with ``> review.txt`` on a
    Windows or Latin-1 machine held its "→" and names as the locale could encode them, or
    ended in an internal UnicodeEncodeError). A terminal keeps its own encoding, and a
    character it cannot show becomes ``?`` instead of stopping the command.
    """
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    reconfigure = getattr(stream, "reconfigure", None)
    if encoding == "utf8" or reconfigure is None:
        return
    try:
        if stream.isatty():
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8")
    except (OSError, ValueError):  # a stream that cannot change: leave it as it is
        return


def _quick_exit(code: object) -> None:
    """End the process now with ``code``, once stdout and stderr are flushed.

    Returns (the caller exits the usual way) when a stream cannot be flushed (a closed pipe
    is reported as it always is), and under a profiler or a tracer (cProfile, coverage), which
    write their results when the interpreter exits.
    """
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    status = code if isinstance(code, int) else (0 if code is None else 1)
    os._exit(status)


def _assemble() -> None:
    """Add the commands; help texts are read in the language chosen above.

    Every command, unless :func:`spbe_cli.cli.main` found the one the command line runs.
    """
    import importlib

    from spbe_cli.cli import COMMANDS, ONLY

    for name in ONLY[-1:] or COMMANDS:
        importlib.import_module(f"spbe_cli.cli.{name}").register(app)
    _resolve_annotations(app)


def _resolve_annotations(group: typer.Typer) -> None:
    """Evaluate the annotations of every command function once, now.

    Under ``from __future__ import annotations`` they are strings, and typer evaluates each one
    six times a run (twice for each of the three times it reads a function), every command's,
    whichever command runs: more than half the time it takes to build the commands. The help texts
    in them are fixed when the commands are defined (above) either way.
    """
    import inspect

    infos = [group.registered_callback, *group.registered_commands]
    for info in infos:
        function = getattr(info, "callback", None)
        if function is not None:
            function.__annotations__ = inspect.get_annotations(function, eval_str=True)
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _resolve_annotations(sub.typer_instance)


_assemble()
