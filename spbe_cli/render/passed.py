"""The names a template passes to a function through a macro parameter or a loop variable.

Read from the template's syntax tree (parsed, never run), for :mod:`spbe_cli.diff.prose`: a
Pemda's template may print a prose section from a macro given its name, or in a loop.
"""

from __future__ import annotations

from jinja2 import Environment, nodes


def passed_names(text: str, function: str) -> list[tuple[str, int]]:
    """``(name, line)`` of each string that reaches ``function(x)`` through ``x``.

    ``x`` is a parameter of a macro (``{% macro bab(nama) %}{{ prosa(nama) }}{% endmacro %}``:
    each ``bab("latar_belakang")``, also ``bab(nama="...")``, at the call's line) or the variable
    of a loop over a list written in the template (``{% for s in ["a", "b"] %}``, at the loop's
    line). A name computed while rendering is not known here; a template Jinja cannot parse
    gives none.
    """
    try:
        tree = Environment().parse(text)
    except Exception:  # an untrusted template Jinja rejects: no names from it
        return []

    def printed_names(body: nodes.Node) -> set[str]:
        """The variable names ``function`` is called with inside ``body``."""
        return {
            call.args[0].name
            for call in body.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name)
            and call.node.name == function
            and call.args
            and isinstance(call.args[0], nodes.Name)
        }

    found: list[tuple[str, int]] = []
    # A macro whose parameter reaches the function: which argument, by position and by name.
    takes: dict[str, tuple[int, str]] = {}
    for macro in tree.find_all(nodes.Macro):
        names = printed_names(macro)
        for position, argument in enumerate(macro.args):
            if argument.name in names:
                takes[macro.name] = (position, argument.name)
                break
    for call in tree.find_all(nodes.Call):
        # ``bab(...)``, or ``b.bab(...)`` for a macro imported ``as b`` (its definition is given
        # after the text, see spbe_cli.diff.prose.expand_partials)
        if isinstance(call.node, nodes.Name):
            called = call.node.name
        elif isinstance(call.node, nodes.Getattr) and isinstance(call.node.node, nodes.Name):
            called = call.node.attr
        else:
            continue
        if called not in takes:
            continue
        position, parameter = takes[called]
        given = [k.value for k in call.kwargs if k.key == parameter]
        given += call.args[position : position + 1]
        found += [
            (value.value, call.lineno)
            for value in given
            if isinstance(value, nodes.Const) and isinstance(value.value, str)
        ]
    for loop in tree.find_all(nodes.For):
        if not isinstance(loop.target, nodes.Name) or loop.target.name not in printed_names(loop):
            continue
        if isinstance(loop.iter, (nodes.List, nodes.Tuple)):
            found += [
                (item.value, loop.lineno)
                for item in loop.iter.items
                if isinstance(item, nodes.Const) and isinstance(item.value, str)
            ]
    return found
