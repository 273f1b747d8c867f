"""The second wall around templates: a stricter sandbox and bounds on time, size and memory.

The first wall is :mod:`spbe_cli.render.plain` (templates see plain data only). This module adds:

* :class:`SpbeSandbox`, Jinja's immutable sandbox that also refuses every attribute or call that
  could reach a class, a file or the interpreter: names starting with ``_``, ``mro``,
  ``parse_*``, ``model_*``, ``construct``, ``copy``, ``json``, ``dict``, ``read_*``,
  ``write_*``, ``open``, ``joinpath``, ``format_map`` and the like, class objects, modules and
  class methods;
* size bounds inside an expression: ``*``, ``**``, ``+``, ``%`` and ``~`` and the filters and
  ``str`` methods that make long strings or many items (``center``, ``indent``, ``format``,
  ``join``, ``replace``, ``wordwrap``, ``urlize``, ``batch``, ``slice``, ``sum``, ``tojson``,
  ``ljust``, ``translate`` ...) refuse a result larger than the output limit, before allocating
  it; a width taken from the arguments (``'{:{}}'``, ``'%*s'``) is refused, and no bytes are
  made (``encode``);
* no randomness (``random``, ``lipsum``): the same catalog gives the same document;
* compile bounds: a template nested deeper than Python or the parser allow is a syntax error at
  its line;
* :func:`render_bounded`: streams a template, stops it when its output passes the size limit or
  its time the wall-clock limit (also inside a loop that prints nothing), and, for user
  templates on POSIX, lowers the address-space limit (``RLIMIT_AS``) for the time of the render
  as the last backstop against running out of memory.

Every stop is an exception raised *inside* the template, so the message names its file and line.
"""

from __future__ import annotations

import contextlib
import ctypes
import inspect
import json
import re
import signal
import string
import threading
import types
from collections.abc import Callable, Generator, Iterator, Mapping
from decimal import Decimal
from itertools import islice
from types import CodeType
from typing import Any, cast

from jinja2 import Environment, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.nodes import Concat
from jinja2.parser import Parser
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

from spbe_cli.i18n import t
from spbe_cli.render.limits import MAX_INT_BITS, RenderLimits

_DENIED_NAMES = frozenset(
    {
        "mro",
        "construct",
        "copy",
        "json",
        "dict",
        "schema",
        "schema_json",
        "validate",
        "from_orm",
        "update_forward_refs",
        "open",
        "joinpath",
        "format_map",
        "fromkeys",
        "exec",
        "eval",
        "compile",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "resolve",
        "glob",
        "rglob",
        "iterdir",
        "unlink",
        "rmdir",
        "mkdir",
        "rename",
        "touch",
        "chmod",
        "symlink_to",
        "hardlink_to",
        "load",
        "loads",
        "dump",
        "dumps",
        "system",
        "popen",
        # bytes: a template has no use for them, and their methods (``*``, ``ljust``, ``join``
        # ...) would make values outside the size checks, which know text and sequences
        "encode",
    }
)
_DENIED_PREFIXES = ("_", "parse_", "model_", "read_", "write_", "func_", "gi_", "cr_", "f_")


class TemplateLimitError(Exception):
    """A template passed one of its bounds (size, time, memory)."""

    template: str | None = None
    """The template, when the stop came after it ended (no line to blame)."""


class TemplateTimeoutError(TemplateLimitError):
    """A template ran longer than its wall-clock limit."""


class TemplateTooLargeError(TemplateLimitError):
    """A template (or one of its expressions) made more text than allowed."""


def denied_name(name: str) -> bool:
    """Tell whether an attribute or method name is refused in templates."""
    return name in _DENIED_NAMES or name.startswith(_DENIED_PREFIXES)


# -- size estimates ------------------------------------------------------------------------------

_WIDTH = re.compile(r"\d+")
_FORMATTER = string.Formatter()


def _nested_field(text: str) -> bool:
    """Whether a ``str.format`` string has a replacement field inside a format spec."""
    try:
        return any(spec and "{" in spec for _, _, spec, _ in _FORMATTER.parse(text))
    except ValueError:  # not a valid format string: str.format refuses it itself
        return False


#: Values whose length is their size.
_SIZED = (str, bytes, list, tuple)


def _size(value: Any) -> int:
    if isinstance(value, str | list | tuple | bytes):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // 3 + 1
    return 32  # str() of anything else a template holds is short


class _Bounds:
    """Size checks shared by the operators, filters and method calls of one environment."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits

    def check(self, estimate: int, what: str) -> None:
        """Refuse to make a value of ``estimate`` characters (or items)."""
        if estimate > self.limits.max_bytes:
            raise TemplateTooLargeError(
                f"{what} would make {estimate:,} characters (or items), more than the limit of"
                f" {self.limits.max_mb:.3g} MB"
            )

    def widths(self, text: str, what: str) -> int:
        """The largest number in a format string (a field width), checked.

        A width taken from the arguments is refused, like ``%*s``: ``'{:{}}'.format(x, n)``
        (a replacement field nested in a format spec) could name any width.
        """
        if _nested_field(text):
            raise TemplateTooLargeError(f"{what} with a width from its arguments is refused")
        largest = max((int(m) for m in _WIDTH.findall(text) if len(m) < 30), default=0)
        if any(len(m) >= 30 for m in _WIDTH.findall(text)):
            largest = self.limits.max_bytes + 1
        self.check(largest, what)
        return largest

    def binop(self, op: str, left: Any, right: Any) -> None:
        """Check one intercepted binary operator before running it."""
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | bytes | list | tuple) and isinstance(times, int):
                    self.check(len(seq) * max(times, 0), "'*'")
            if isinstance(left, int) and isinstance(right, int):
                self._bits(abs(left).bit_length() + abs(right).bit_length())
        elif op == "+":
            if isinstance(left, _SIZED) and isinstance(right, _SIZED):
                self.check(len(left) + len(right), "'+'")
        elif op == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                self._bits(abs(left).bit_length() * min(right, MAX_INT_BITS + 1))
            if isinstance(right, Decimal | float) and abs(Decimal(right)) > MAX_INT_BITS:
                raise TemplateTooLargeError("'**' with an exponent this large is refused")
        elif op == "%" and isinstance(left, str):
            args = right if isinstance(right, tuple) else (right,)
            if "*" in left:
                raise TemplateTooLargeError("'%' with a '*' width is refused")
            self.check(len(left) + self.widths(left, "'%'") + sum(map(_size, args)), "'%'")
        elif op == "%" and isinstance(left, bytes):
            raise TemplateTooLargeError("'%' on bytes is refused")

    def _bits(self, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise TemplateTooLargeError(f"a number of more than {MAX_INT_BITS} bits is refused")

    def call(self, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Check a ``str`` method call that makes a long string."""
        method = getattr(obj, "__wrapped__", obj)  # str.format comes wrapped by Jinja
        owner = getattr(method, "__self__", None)
        if not isinstance(owner, str):
            return
        name = getattr(method, "__name__", "")
        numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int)]
        if name in ("ljust", "rjust", "center", "zfill"):
            self.check(max(numbers, default=0), f"'{name}'")
        elif name == "expandtabs":
            self.check(len(owner) * max(numbers, default=8), "'expandtabs'")
        elif name == "join" and args:
            self._join(owner, args[0])
        elif name == "replace" and len(args) >= 2:
            self._replace(owner, args[0], args[1])
        elif name == "format":
            values = (*args, *kwargs.values())
            self.check(
                len(owner) + self.widths(owner, "'format'") + sum(map(_size, values)), "'format'"
            )
        elif name == "translate" and args and isinstance(args[0], dict):
            longest = max((_size(v) for v in args[0].values() if v is not None), default=1)
            self.check(len(owner) * max(longest, 1), "'translate'")

    def _join(self, sep: Any, items: Any) -> None:
        if isinstance(items, str | list | tuple):
            self.check(len(str(sep)) * len(items) + sum(map(_size, items)), "'join'")

    def _replace(self, text: Any, old: Any, new: Any) -> None:
        if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
            count = len(text) + 1 if not old else text.count(old)
            self.check(len(text) + count * max(len(new) - len(old), 0), "'replace'")

    def result(self, value: Any, what: str) -> Any:
        """Check a value after it was made (for operations bounded by their inputs)."""
        if isinstance(value, str | list | tuple):
            self.check(len(value), what)
        return value


def _wrap_filter(bounds: _Bounds, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the size it is about to make, and the size it made."""

    def pre(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        value = args[0] if args else ""
        rest = [*args[1:], *kwargs.values()]

        def given(index: int, key: str, default: Any = None) -> Any:
            """The filter's argument ``index`` (after the value), or keyword ``key``."""
            return args[1 + index] if len(args) > 1 + index else kwargs.get(key, default)

        numbers = [a for a in rest if isinstance(a, int) and not isinstance(a, bool)]
        text = str(value) if isinstance(value, str) else ""
        if name == "center":
            bounds.check(max(numbers, default=80), "'center'")
        elif name == "indent":
            width = next((a for a in rest if isinstance(a, str | int)), 4)
            size = len(width) if isinstance(width, str) else int(width)
            bounds.check(len(text) + (text.count("\n") + 1) * size, "'indent'")
        elif name == "format":
            bounds.check(
                len(text) + bounds.widths(text, "'format'") + sum(map(_size, rest)), "'format'"
            )
        elif name == "join":
            items = value if isinstance(value, list | tuple | str) else ()
            sep = rest[0] if rest and isinstance(rest[0], str) else ""
            bounds._join(sep, items)
        elif name == "replace" and len(rest) >= 2:
            bounds._replace(text, rest[0], rest[1])
        elif name == "wordwrap":
            # at most one line per character, each ended by the wrap string
            wrap = given(2, "wrapstring")
            bounds.check(len(text) * (1 + (_size(wrap) if wrap is not None else 1)), "'wordwrap'")
        elif name == "truncate":
            bounds.check(2 * len(text) + sum(map(_size, rest)), "'truncate'")
        elif name == "urlize":
            # a link is at least 4 characters and a space; each gets a tag around it
            extra = 64 + sum(_size(given(i, k) or "") for i, k in ((2, "target"), (3, "rel")))
            bounds.check(2 * len(text) + (len(text) // 5 + 1) * extra, "'urlize'")
        elif name == "batch" and given(1, "fill_with") is not None:
            bounds.check(_size(value) + _count(given(0, "linecount", 0)), "'batch'")
        elif name == "slice":
            # every slice is a list of its own: counted as a few items
            bounds.check(_size(value) + 8 * _count(given(0, "slices", 0)), "'slice'")
        elif name == "sum" and isinstance(value, list | tuple):
            start = given(1, "start", 0)
            if isinstance(start, _SIZED) or any(isinstance(item, _SIZED) for item in value):
                bounds.check(_size(start) + sum(map(_size, value)), "'sum'")

    if getattr(func, "jinja_pass_arg", None) is not None:

        def with_first(first: Any, *args: Any, **kwargs: Any) -> Any:
            pre(args, kwargs)
            return bounds.result(func(first, *args, **kwargs), f"'{name}'")

        with_first.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
        return with_first

    def plain(*args: Any, **kwargs: Any) -> Any:
        pre(args, kwargs)
        return bounds.result(func(*args, **kwargs), f"'{name}'")

    return plain


def _count(value: Any) -> int:
    """A number of items a filter was asked for (0 when it is not a whole number)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


#: Filters that can make a value much larger than their input (``tojson`` is bounded by the
#: environment's JSON policy, :meth:`SpbeSandbox.bounded_dumps`).
SIZE_FILTERS = (
    "center",
    "indent",
    "wordwrap",
    "format",
    "join",
    "replace",
    "truncate",
    "urlize",
    "batch",
    "slice",
    "sum",
)
#: Jinja's globals and filters that draw random numbers: a document is the same on every run.
UNPREDICTABLE = ("lipsum", "random")


class _BoundedCodeGenerator(CodeGenerator):
    """Compile ``a ~ b`` so that the size of the joined string is checked before joining."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        """Hand the join function and the pieces to ``environment.bounded_concat``."""
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.bounded_concat({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class MarkdownCodeGenerator(CodeGenerator):
    """Print values of Markdown templates as the text their ``finalize`` makes of them.

    Jinja prints ``{{ value }}`` as ``escape(finalize(value))``. In a Markdown environment the
    finalize (``engine._md_output``) already returns every value as escaped text, so ``escape``
    would only make a :class:`Markup` of it once more: a Python-level call per printed value,
    over a million in a national-scale document. Here the text is taken as it is (``str``).
    Blocks without autoescaping, or where it is decided while rendering, print as Jinja
    does, through the finalize that marks the text as markup (``environment.markup_finalize``).
    """

    def _output_child_pre(self, node: Any, frame: Frame, finalize: Any) -> None:
        if finalize.src != "environment.finalize(":
            super()._output_child_pre(node, frame, finalize)
        elif frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("str(")
            self.write(finalize.src)
        else:
            marked = finalize._replace(src="environment.markup_finalize(")
            super()._output_child_pre(node, frame, marked)


class _BoundedMarkdownCodeGenerator(MarkdownCodeGenerator, _BoundedCodeGenerator):
    """Both: Markdown output as text, and ``a ~ b`` checked before joining."""


#: The memory address in Python's default ``repr`` (``<... object at 0x7f3a...>``), also once
#: the ``>`` is escaped.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+(?=>|&gt;|\\>)")


def without_address(text: str) -> str:
    """``text`` without the memory addresses of default ``repr`` texts in it (markup stays)."""
    if " at 0x" not in text:
        return text
    kept = _ADDRESS.sub("", text)
    return Markup(kept) if isinstance(text, Markup) else kept


def value_text(value: Any) -> str:
    """The text of a value a template prints, the same on every run.

    A template that prints an object rather than a value (``{{ entitas }}``, a bound method, a
    ``cycler()``) gets its ``repr``, and Python's default one names the object's memory
    address: different bytes on every run and every machine. The address is left out.
    """
    return without_address(str(value))


class SpbeSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, stricter about names and calls, and bounded in size."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args: Any, limits: RenderLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or RenderLimits()
        self.bounds = _Bounds(self.limits)

    def bound_filters(self) -> None:
        """Wrap the size-producing filters (call once the filters are all registered).

        ``lipsum`` and ``random`` are taken away: their output differs on every run (and
        ``lipsum`` makes text of any size).
        """
        for name in SIZE_FILTERS:
            if name in self.filters:
                self.filters[name] = _wrap_filter(self.bounds, name, self.filters[name])
        for name in UNPREDICTABLE:
            self.filters.pop(name, None)
            self.globals.pop(name, None)
        self.policies["json.dumps_function"] = self.bounded_dumps

    def bounded_dumps(self, value: Any, **options: Any) -> str:
        """``json.dumps`` for ``tojson``, stopped when its text passes the size limit.

        The indentation of the deepest line is checked before encoding; the text is then
        counted piece by piece as the encoder makes it.
        """
        indent = options.get("indent")
        if indent is not None:
            width = len(indent) if isinstance(indent, str) else _count(indent)
            self.bounds.check(width * _depth(value), "'tojson'")
        size = 0
        pieces: list[str] = []
        for piece in json.JSONEncoder(**options).iterencode(value):
            size += len(piece)
            self.bounds.check(size, "'tojson'")
            pieces.append(piece)
        return "".join(pieces)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse a template; nesting too deep for the parser is a syntax error at its line."""
        parser = Parser(self, source, name, filename)
        try:
            return parser.parse()
        except RecursionError:
            line = parser.stream.current.lineno
        raise TemplateSyntaxError(t("render.template_nesting"), line, name, filename)

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        """Generate Python code; nesting too deep for it is a syntax error at its line."""
        try:
            return super()._generate(source, name, filename, defer_init)
        except RecursionError:
            line = _deepest_line(source)
        raise TemplateSyntaxError(t("render.template_nesting"), line, name, filename)

    def _compile(self, source: str, filename: str) -> CodeType:
        """Compile the generated code; what Python refuses is a syntax error at its line.

        Python allows a few dozen nested blocks (``for``, ``if``); a template may nest more.
        """
        try:
            return super()._compile(source, filename)
        except (SyntaxError, RecursionError, MemoryError) as exc:
            code_line = exc.lineno if isinstance(exc, SyntaxError) else None
            line = _template_line(source, code_line)
        raise TemplateSyntaxError(t("render.template_nesting"), line, None, filename)

    def bounded_concat(self, join: Callable[[Any], str], pieces: tuple[Any, ...]) -> str:
        """``a ~ b``: refused when the joined string would pass the limit."""
        self.bounds.check(sum(map(_size, pieces)), "'~'")
        return join(pieces)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse denied names, classes, modules and class methods; then Jinja's own rules."""
        if denied_name(attr) or _reaches_outside(value):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        """Refuse calling a class, a module, a class method or a denied method name."""
        if obj in _CALLABLE_CLASSES:
            return True
        if _reaches_outside(obj) or denied_name(getattr(obj, "__name__", "") or ""):
            return False
        return super().is_safe_callable(obj)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` stays sandboxed by Jinja; ``format_map`` is refused outright."""
        if getattr(value, "__name__", None) == "format_map":
            return None
        return super().wrap_str_format(value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Run ``*``, ``**``, ``+``, ``%`` after checking the size of their result."""
        self.bounds.binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call from a template: refuse unsafe callables and over-large string methods."""
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"calling {getattr(__obj, '__name__', '?')!r} is not allowed")
        __self.bounds.call(__obj, args, kwargs)
        return __context.call(__obj, *args, **kwargs)


#: The line map Jinja writes at the end of the code it generates: ``template=code`` pairs.
_DEBUG_INFO = re.compile(r"^debug_info = '([0-9=&]*)'$", re.M)


def _template_line(code: str, code_line: int | None) -> int:
    """The template line of a line of generated code (1 when not known)."""
    found = _DEBUG_INFO.search(code)
    if found is None or not found.group(1) or code_line is None:
        return 1
    best = 1
    for pair in found.group(1).split("&"):
        template, _, code = pair.partition("=")
        if int(code) <= code_line:
            best = int(template)
    return best


def _deepest_line(tree: nodes.Node) -> int:
    """The line of the most deeply nested node of a template (walked without recursion)."""
    line, deepest = 1, -1
    todo: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while todo:
        node, level = todo.pop()
        if level > deepest:
            deepest, line = level, getattr(node, "lineno", None) or line
        todo.extend((child, level + 1) for child in node.iter_child_nodes())
    return line


def _depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (0 for a single value)."""
    deepest = 0
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, Mapping):
            item = list(item.values())
        if isinstance(item, list | tuple):
            deepest = max(deepest, level + 1)
            todo.extend((inner, level + 1) for inner in item)
    return deepest


#: Classes a template may call: Jinja's own globals (namespace, cycler, joiner) and dict.
_CALLABLE_CLASSES: tuple[type, ...] = (Namespace, Cycler, Joiner, dict)


def _reaches_outside(value: Any) -> bool:
    """True for classes, modules, frames, code and methods bound to a class."""
    if isinstance(value, type | types.ModuleType | types.FrameType | types.CodeType):
        return True
    if isinstance(value, types.TracebackType | types.GeneratorType):
        return True
    if inspect.ismethod(value) or isinstance(value, types.BuiltinMethodType):
        return isinstance(getattr(value, "__self__", None), type)
    return False


# -- bounded rendering ---------------------------------------------------------------------------


class _Deadline:
    """Raise :class:`TemplateTimeoutError` in this thread when the time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.active = False
        self._previous: Any = None
        self._timer: threading.Timer | None = None
        self._use_signal = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )

    def _fire(self, *_: Any) -> None:
        if self.active:
            self.active = False
            raise TemplateTimeoutError(f"the template ran longer than {self.seconds:g} s")

    def __enter__(self) -> _Deadline:
        self.active = True
        if self._use_signal:
            self._previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        else:
            ident = threading.get_ident()

            def watchdog() -> None:
                if self.active:
                    self.active = False
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(ident), ctypes.py_object(TemplateTimeoutError)
                    )

            self._timer = threading.Timer(self.seconds, watchdog)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False
        if self._use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        elif self._timer is not None:
            self._timer.cancel()


def _address_space() -> int | None:
    """The process's current virtual size in bytes (Linux), else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


@contextlib.contextmanager
def memory_guard(budget: int) -> Iterator[None]:
    """Lower the soft ``RLIMIT_AS`` to current use + ``budget`` for the block (POSIX only)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    used = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = None if used is None else used + budget
    if wanted is not None and hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted is None or (soft != resource.RLIM_INFINITY and soft <= wanted):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def load_bounds(limits: RenderLimits, *, user: bool) -> Iterator[None]:
    """Bound reading and compiling a template by the time (and, for a user's, memory) limit."""
    guard = memory_guard(limits.memory_budget) if user else contextlib.nullcontext()
    with guard, _Deadline(limits.timeout):
        yield


#: Chunks taken from a template between two size checks (taken at C speed by islice).
_BATCH = 2048


def render_bounded(
    template: Template, values: dict[str, Any], limits: RenderLimits, *, user: bool
) -> str:
    """Render ``template`` within ``limits``; a stop is raised inside the template's frame.

    The output is taken in batches of chunks and its size checked after each batch (before a
    batch is joined); the deadline interrupts the template wherever it is, also in a loop that
    prints nothing.
    """
    env = template.environment
    parts: list[str] = []
    size = encoded = 0
    limit = limits.max_bytes
    guard = memory_guard(limits.memory_budget) if user else contextlib.nullcontext()
    stream = cast(
        "Generator[str, None, None]",
        template.root_render_func(template.new_context(dict(values))),
    )
    with guard, _Deadline(limits.timeout):
        try:
            try:
                while True:
                    batch = list(islice(stream, _BATCH))
                    if not batch:
                        break
                    size += sum(map(len, batch))
                    if size > limit:
                        stream.throw(
                            TemplateTooLargeError(
                                f"the output passes the limit of {limits.max_mb:.3g} MB"
                            )
                        )
                    part = "".join(batch)
                    # counted part by part: encoding the whole text at once is another copy
                    encoded += len(part.encode("utf-8", "surrogatepass"))
                    parts.append(part)
            except TemplateLimitError as exc:
                # Stopped between two batches: raise it inside the template, at its line.
                if inspect.getgeneratorstate(stream) == inspect.GEN_SUSPENDED:
                    stream.throw(exc)
                exc.template = template.filename  # the template had ended: no line to blame
                raise
        except Exception:
            env.handle_exception()  # re-raises with the template's file and line in the traceback
        finally:
            stream.close()
    text = "".join(parts)
    parts.clear()
    if encoded > limit:
        error = TemplateTooLargeError(f"the output passes the limit of {limits.max_mb:.3g} MB")
        error.template = template.filename
        raise error
    return text


def is_sandboxed(env: Environment) -> bool:
    """Tell whether an environment is the spbe sandbox."""
    return isinstance(env, SpbeSandbox)


class MarkdownSandbox(SpbeSandbox):
    """The sandbox for Markdown templates (see :class:`MarkdownCodeGenerator`)."""

    code_generator_class = _BoundedMarkdownCodeGenerator
    markup_finalize: Callable[[Any], Any]


class MarkdownEnvironment(Environment):
    """The environment of the built-in Markdown templates (see :class:`MarkdownCodeGenerator`)."""

    code_generator_class = MarkdownCodeGenerator
    markup_finalize: Callable[[Any], Any]
