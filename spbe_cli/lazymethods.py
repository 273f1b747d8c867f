"""Dataclass methods made when first called, not when their class is defined.

``@dataclass`` writes the source of each method it adds (``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, a frozen class's ``__setattr__`` and ``__delattr__``, the order
methods) and compiles it while the class is being defined: six compilations for a frozen
class, about a millisecond. ``spbe validate`` on the bundled catalog defines some ninety
dataclasses (spbe's own, pydantic's, annotated_types', typer's) and calls few of their
methods: those compilations were a tenth of its instructions (issue 16).

:func:`defer_dataclass_methods` makes every method but ``__init__`` a stand-in that, on its
first call, has the standard library make the very method it would have made (same source,
same globals and locals), puts it on the class in its own place and calls it. ``__init__`` is
made at once: ``inspect.signature``, pydantic and typer read it when a class is defined. What
each method does is the standard library's, unchanged; only when it is compiled moves.

The command line turns it on for its own process (:func:`spbe_cli.cli.main`) and so does the
test suite (``tests/conftest.py``), so every test checks the methods spbe really runs. A
Python whose :mod:`dataclasses` makes its methods otherwise (3.13 and later) is left as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

#: The names and keyword-only names of ``dataclasses._create_fn`` this stand-in was written for.
_SIGNATURE = ("name", "args", "body", "globals", "locals", "return_type")


def defer_dataclass_methods() -> bool:
    """Make the dataclass methods but ``__init__`` when first called; True when in place.

    Classes defined before the call keep their methods; calling it again changes nothing.
    """
    make: Any = getattr(dataclasses, "_create_fn", None)
    if getattr(make, "__module__", None) == __name__:
        return True
    code = getattr(make, "__code__", None)
    if code is None or (code.co_argcount, code.co_kwonlyargcount) != (3, 3):
        return False
    if code.co_varnames[: len(_SIGNATURE)] != _SIGNATURE:
        return False
    setattr(dataclasses, "_create_fn", _deferring(make))  # noqa: B010 - not in its stubs
    return True


def _deferring(make: Callable[..., Any]) -> Callable[..., Any]:
    """``dataclasses._create_fn`` giving :func:`_stand_in` for every method but ``__init__``."""

    def create_fn(
        name: str,
        args: list[str],
        body: list[str],
        *,
        globals: dict[str, Any] | None = None,  # the standard library's names
        locals: dict[str, Any] | None = None,
        return_type: Any = dataclasses.MISSING,
    ) -> Any:
        if name == "__init__":
            return make(name, args, body, globals=globals, locals=locals, return_type=return_type)

        def made() -> Any:
            return make(name, args, body, globals=globals, locals=locals, return_type=return_type)

        return _stand_in(name, made, (globals or {}).get("__name__"))

    create_fn.__doc__ = make.__doc__
    create_fn.__wrapped__ = make  # type: ignore[attr-defined]
    return create_fn


def _stand_in(name: str, made: Callable[[], Callable[..., Any]], module: Any) -> Any:
    """The method ``name`` until it is first called: then ``made()``, put where it stands."""
    real: list[Callable[..., Any]] = []

    def method(self: Any, *args: Any) -> Any:
        if not real:
            function = made()
            function.__qualname__ = method.__qualname__  # as dataclasses named the stand-in
            real.append(function)
            for cls in type(self).__mro__:
                if cls.__dict__.get(name) is method:
                    setattr(cls, name, function)  # later calls go straight to it
                    break
        return real[0](self, *args)

    method.__name__ = name
    method.__qualname__ = f"__create_fn__.<locals>.{name}"  # the name the real one is made with
    method.__module__ = module
    return method
