"""The command-line interface: thin typer commands over the core modules.

:func:`main` is the entry point of the ``spbe`` script and of ``python -m spbe_cli``: it builds
only the command the command line runs (see :data:`COMMANDS`).
"""

from __future__ import annotations

import os
import sys

#: The module of ``spbe_cli.cli`` that adds each command, in the order ``spbe --help`` lists
#: them; a test checks each module adds exactly these.
COMMANDS: dict[str, tuple[str, ...]] = {
    "validate": ("validate", "rules"),
    "progress": ("progress", "sync"),
    "explore": ("list", "show", "graph"),
    "diff": ("diff",),
    "scaffold": ("init", "new", "schema"),
    "render": ("render",),
    "export": ("export",),
    "indeks": ("indeks",),
    "lsp": ("lsp",),
}
#: What :func:`main` found on the command line: the one module whose command runs, or nothing
#: (every command is added, as when the application is imported by anything else).
ONLY: list[str] = []


def command_module(args: list[str]) -> str | None:
    """The module adding the command ``args`` run, or None when it is not one known command.

    ``spbe``'s own options before the command are skipped; help, the version, shell
    completion, an unknown option or a command name that does not exist (its "did you mean")
    need every command, and so does completing a command line in the shell.
    """
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--lang":
            index += 2
        elif arg in ("--cache", "--no-cache") or arg.startswith("--lang="):
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            return next((module for module, names in COMMANDS.items() if arg in names), None)
    return None


def main() -> None:
    """Run ``spbe``, having built only the command it runs.

    Building every command (importing its module, reading its options, making them click's)
    was some 4 % of the instructions of ``spbe validate`` on the bundled catalog and more of
    any command's ``--help``; what each one does and says is the same either way. Dataclass
    methods are made when first called (:mod:`spbe_cli.lazymethods`), before any is defined.
    """
    from spbe_cli.lazymethods import defer_dataclass_methods

    defer_dataclass_methods()
    from spbe_cli import collector

    collector.script_process()
    module = command_module(sys.argv[1:])
    if module is not None:
        ONLY.append(module)
    with collector.paused():  # modules, classes and commands: all live until the process ends
        from spbe_cli.cli.app import main as run
    run()
