"""typer's own texts ("Usage", "Options", "Error: No such command", ...) in the user's language.

typer vendors click with its texts in English, most of them not behind gettext. They are put in
the user's language through the hooks click offers for it: the help formatter class of the
context (``Context.formatter_class``: usage prefix, section headings, the help option,
``[default: ...]``), and the ``show`` of a usage error (its message and the "Try ... --help"
line). The app uses :class:`SpbeGroup` (``typer.Typer(cls=...)``); every command it resolves
gets :class:`SpbeContext` and its full help as its short help, so ``spbe --help`` never cuts a
command's description with "...".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any

# typer >= 0.29 vendors click as typer._click: the classes it builds commands from. The hooks
# used here (formatter_class, context_class, UsageError.show) are click's documented ones.
from typer import _click
from typer._click._compat import get_text_stderr
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup, TyperOption

from spbe_cli.i18n import t

#: Section headings and fixed texts of the help page -> message keys.
_HEADINGS = {
    "Options": "click.options",
    "Arguments": "click.arguments",
    "Commands": "click.commands",
}
#: click's placeholders in a usage line -> message keys of the user's words for them.
_USAGE_WORDS = {"[OPTIONS]": "click.usage_options", "COMMAND [ARGS]...": "click.usage_command"}
_FIXED = {
    "Show this message and exit.": "click.help_option",
    "Install completion for the current shell.": "click.install_completion",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "click.show_completion"
    ),
}
#: Python type names typer shows as metavars -> message keys of words for them.
_METAVARS = {
    "list[str]": "click.mv_list",
    "str": "click.mv_text",
    "int range": "click.mv_integer",
    "int": "click.mv_integer",
    "float": "click.mv_number",
    "float range": "click.mv_number",
    "path": "click.mv_path",
}
#: Help text only: kept as text, compiled by re when a help is first shown.
_METAVAR = r"<(?P<type>[^<>|]+)>"
_EXTRA = r"\[(?:default: (?P<default>[^\]]*)|(?P<required>required))\]"

#: click's message for arguments left over (typer 0.29 writes "argument(s)").
_EXTRA_ARGUMENT = r"Got unexpected extra argument(?:s|\(s\))? \((?P<name>.*)\)$"
#: English usage-error messages -> message key, in the order they are tried (see _patterns).
_ERRORS: tuple[tuple[str, str], ...] = (
    (r"No such command (?P<name>'.*')\.(?: Did you mean (?P<close>.*)\?)?$", "nocmd"),
    (r"Missing command\.$", "missing_command"),
    # A required choice lists its choices on the lines after "Choose from:" (click 8.2 on).
    (
        r"(?s)Missing (?P<what>argument|option) (?P<name>.*?)\.\s+Choose from:\s*(?P<choices>.*)$",
        "missing_choice",
    ),
    (r"Missing (?P<what>argument|option) (?P<name>.*)\.$", "missing"),
    # click says "Did you mean", typer 0.29 "(Possible options: ...)": both are a suggestion.
    (
        r"No such option: (?P<name>\S+)"
        r"(?: Did you mean (?P<close>.*)\?| \(Possible options: (?P<options>.*)\))?$",
        "noopt",
    ),
    (_EXTRA_ARGUMENT, "extra"),
    (r"Option (?P<name>'.*') requires an argument\.$", "needs_value"),
    (r"Option (?P<name>'.*') does not take a value\.$", "takes_no_value"),
    (r"Missing parameter: (?P<name>.*)$", "missing_parameter"),
    (
        r"Invalid value for (?P<name>.*?): (?:Value error, )?(?P<value>'.*')"
        r" is not one of (?P<choices>.*)\.$",
        "not_one_of",
    ),
    (r"Invalid value for (?P<name>.*?): (?:Value error, )?(?P<reason>.*)$", "invalid"),
    (r"Invalid value: (?:Value error, )?(?P<reason>.*)$", "invalid_value"),
)
#: Reasons typer gives (from pydantic's number checks) for a value it refuses -> message keys.
_REASONS: tuple[tuple[str, str], ...] = (
    (r"Input should be a valid integer\b.*$", "reason_integer"),
    (r"Input should be a valid number\b.*$", "reason_number"),
    (r"Input should be less than or equal to (?P<n>.+)$", "reason_at_most"),
    (r"Input should be greater than or equal to (?P<n>.+)$", "reason_at_least"),
    (r"Input should be less than (?P<n>.+)$", "reason_below"),
    (r"Input should be greater than (?P<n>.+)$", "reason_above"),
)


@cache
def _patterns(table: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    """A table of patterns, compiled once, when a usage error is first shown.

    A run without one, ``spbe --help`` included, compiles none of them.
    """
    return [(re.compile(pattern), key) for pattern, key in table]


def _reason(reason: str) -> str:
    """Why a value was refused, in the current language (a reason spbe wrote is kept)."""
    for pattern, key in _patterns(_REASONS):
        match = pattern.match(reason)
        if match is not None:
            return t(f"click.{key}", **match.groupdict())
    return reason


def translate_error(message: str) -> str:
    """A usage-error message of typer/click in the current language (unknown ones unchanged)."""
    for pattern, key in _patterns(_ERRORS):
        match = pattern.match(message)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v is not None}
        if "options" in values:
            values["close"] = values.pop("options")
        if key == "missing":
            key = f"missing_{values.pop('what')}"
        if key == "missing_choice":
            values.pop("what")
            choices = [c.strip().rstrip(",") for c in values["choices"].split("\n")]
            values["choices"] = ", ".join(f"'{c}'" for c in choices if c)
        if "reason" in values:
            values["reason"] = _reason(values["reason"])
        text = t(f"click.{key}", **values)
        if values.get("close"):
            text += " " + t("click.did_you_mean", close=values["close"])
        return text
    return message


class SpbeFormatter(_click.HelpFormatter):
    """click's help formatter with the user's words for its fixed texts."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line with a translated prefix and placeholders.

        ``[OPSI] PERINTAH [ARGUMEN]...``, the words of the headings below it (and of the docs),
        not click's ``[OPTIONS] COMMAND [ARGS]...`` on an Indonesian page.
        """
        for english, key in _USAGE_WORDS.items():
            args = args.replace(english, t(key))
        super().write_usage(
            prog, args, prefix=f"{t('click.usage')}: " if prefix is None else prefix
        )

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        """Open a section under a translated heading."""
        with super().section(t(_HEADINGS[name]) if name in _HEADINGS else name):
            yield

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """Write the definition list with translated help texts and ``[default: ...]``."""
        rows = [(_term(term), _help_text(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


def _term(term: str) -> str:
    """An option's names and metavar, with a word instead of a Python type name."""

    def word(match: re.Match[str]) -> str:
        key = _METAVARS.get(match.group("type"))
        return f"<{t(key)}>" if key else match.group()

    return re.sub(_METAVAR, word, term)


def _help_text(text: str) -> str:
    if text in _FIXED:
        return t(_FIXED[text])

    def extra(match: re.Match[str]) -> str:
        if match.group("required") is not None:
            return f"[{t('click.required')}]"
        return f"[{t('click.default', default=match.group('default'))}]"

    return re.sub(_EXTRA, extra, text)


class SpbeContext(_click.Context):
    """A context whose help pages use :class:`SpbeFormatter` and report a full disk as such."""

    formatter_class = SpbeFormatter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Make the context; its command's ``--help`` writes as :func:`console.out` does."""
        super().__init__(*args, **kwargs)
        option = self.command.get_help_option(self)
        show = option.callback if option is not None else None
        if option is not None and show is not None and not getattr(show, "guarded", False):

            def guarded(ctx: _click.Context, param: _click.Parameter, value: Any) -> Any:
                from spbe_cli.cli.console import writing_stdout

                with writing_stdout():
                    return show(ctx, param, value)

            guarded.guarded = True  # type: ignore[attr-defined]
            option.callback = guarded


def _show(error: UsageError, file: IO[Any] | None = None) -> None:
    """Print a usage error as click does, in the user's language."""
    out = file if file is not None else get_text_stderr()
    ctx = error.ctx
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = t("click.try_help", command=f"{ctx.command_path} {ctx.help_option_names[0]}")
            hint += "\n"
        _click.echo(f"{ctx.get_usage()}\n{hint}", file=out, color=ctx.color)
    message = translate_error(error.format_message())
    _click.echo(f"{t('click.error')}: {message}", file=out, color=ctx.color if ctx else None)
    way = _catalog_option_hint(error)
    if way is not None:
        _click.echo(way, file=out, color=ctx.color if ctx else None)


def _catalog_option_hint(error: UsageError) -> str | None:
    """The way to name a catalog folder, when one was given where a command takes none.

    ``spbe validate catalog`` takes the folder as an argument; ``spbe list aplikasi catalog``
    refuses it as an extra argument, because list, show, graph and new take it as ``-c``.
    """
    ctx = error.ctx
    match = re.match(_EXTRA_ARGUMENT, error.format_message())
    if ctx is None or match is None:
        return None
    option = next(
        (p for p in ctx.command.params if p.name == "catalog" and isinstance(p, TyperOption)),
        None,
    )
    folder = match.group("name")
    if option is None or " " in folder or not Path(folder).is_dir():
        return None
    flag = min(option.opts, key=len)
    return t("click.catalog_option", option=flag, folder=folder, command=ctx.command_path)


def _translated(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except NoArgsIsHelpError:
        raise
    except UsageError as error:

        def show(file: IO[Any] | None = None, error: UsageError = error) -> None:
            _show(error, file)

        error.show = show  # type: ignore[method-assign]
        raise


def language_first(args: list[str]) -> list[str]:
    """``args`` with a ``--lang`` written after the command name moved before it.

    ``--lang`` is an option of ``spbe`` itself (it sets the language of every message, help
    texts included, before a command runs); ``spbe validate --lang en`` means the same as
    ``spbe --lang en validate``. Nothing after ``--`` is touched.
    """
    end = args.index("--") if "--" in args else len(args)
    moved: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if index < end and arg == "--lang" and index + 1 < end:
            moved += args[index : index + 2]
            index += 2
            continue
        if index < end and arg.startswith("--lang="):
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return moved + rest if moved else args


#: Widest line of an examples block, its indent included: an 80-column terminal shows it whole.
EXAMPLE_WIDTH = 79


def command_examples(path: str) -> str | None:
    """The "Examples" block ending the help page of ``spbe <path>`` (``""``: ``spbe`` itself).

    Every help page's examples live in ``locale/examples.yaml`` under
    ``examples.<path words joined by "_">``; an explanation after ``  # `` is aligned here.
    A leading backspace line keeps click from re-wrapping the block.
    """
    from spbe_cli.i18n import message

    key = "examples." + ("_".join(path.split()) or "spbe")
    if message(key) is None:
        return None
    rows = [
        (c.rstrip(), n)
        for c, _, n in (ln.partition("  # ") for ln in t(key).splitlines())
        if c.strip()
    ]
    width = max(len(command) for command, _ in rows)
    if all(4 + width + 4 + len(note) <= EXAMPLE_WIDTH for _, note in rows):
        lines = [f"  {c:<{width}}  # {n}" if n else f"  {c}" for c, n in rows]
    else:  # too wide for a terminal beside each other: each explanation above its command
        lines = [line for c, n in rows for line in ([f"  # {n}"] if n else []) + [f"  {c}"]]
    return "\b\n" + f"{t('click.examples')}:\n" + "\n".join(lines)


def _adapt(command: _click.Command, path: str | None = None) -> None:
    command.context_class = SpbeContext
    if command.help and not command.short_help:
        command.short_help = command.help
    path = path if path is not None else command.name or ""
    if not command.epilog:
        command.epilog = command_examples(path)
    # A command group (``spbe export``): its commands too.
    for name, sub in (getattr(command, "commands", None) or {}).items():
        _adapt(sub, f"{path} {name}")


#: Shells whose completion typer installs.
_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _install_completion(ctx: _click.Context, param: _click.Parameter, value: Any) -> Any:
    """``--install-completion``: typer's installer, with spbe's messages and exit codes.

    typer printed its result in English, an unknown shell on stdout with exit 1 (spbe's code
    for findings), and a home folder it cannot write to as an internal error. A shell it does
    not know is a usage error (2); a file it cannot write is "could not run" (3), named.
    """
    del param
    if not value or ctx.resilient_parsing:
        return value
    from typer import _completion_shared

    from spbe_cli.errors import ExitCode, os_reason

    shell = value if isinstance(value, str) else _completion_shared._get_shell_name()
    if shell not in _SHELLS:
        _click.echo(
            f"spbe: {t('click.completion_shell', shell=shell or '?', shells=', '.join(_SHELLS))}",
            err=True,
        )
        ctx.exit(int(ExitCode.USAGE))
    try:
        shell, path = _completion_shared.install(shell=shell)
    except OSError as error:
        where = error.filename or ""
        reason = os_reason(error)
        _click.echo(
            f"spbe: {t('click.completion_failed', shell=shell, path=where, error=reason)}",
            err=True,
        )
        ctx.exit(int(ExitCode.CANNOT_RUN))
    _click.echo(t("click.completion_installed", shell=shell, path=path))
    ctx.exit(0)


class SpbeGroup(TyperGroup):
    """The ``spbe`` group: its commands and their errors speak the user's language."""

    context_class = SpbeContext

    def get_params(self, ctx: _click.Context) -> list[_click.Parameter]:
        """The group's options; ``--install-completion`` speaks the user's language."""
        params: list[_click.Parameter] = super().get_params(ctx)
        for param in params:
            if param.name == "install_completion":
                param.callback = _install_completion
        return params

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """Resolve a command and give it the translated help and errors."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _adapt(command)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: _click.Context | None = None,
        **extra: Any,
    ) -> _click.Context:
        """Parse the command line; a usage error is shown in the user's language.

        Reading the options makes typer's converters (and imports pydantic for them): objects
        that live until the process ends, so the cyclic collector is paused meanwhile.
        """
        from spbe_cli import collector

        if parent is None:
            args = language_first(args)
        with collector.paused():
            context: _click.Context = _translated(
                lambda: super(SpbeGroup, self).make_context(info_name, args, parent, **extra)
            )
        return context

    def invoke(self, ctx: _click.Context) -> Any:
        """Run the sub-command; its usage errors are shown in the user's language."""
        return _translated(lambda: super(SpbeGroup, self).invoke(ctx))
