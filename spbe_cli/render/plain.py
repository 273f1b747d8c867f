"""Plain data for templates: the one place where values are handed to a template.

A template (built-in, from the catalog or from ``--templates``) never receives a pydantic model,
a path, a catalog, a class or a bound method of a library type: those carry public methods
(``parse_raw``, ``model_validate_json``, ``read_text`` ...) that reach the interpreter, files or
other classes. :class:`Plainer` turns the context of a document into plain values:

* a pydantic model or a dataclass becomes a :class:`Record`: a frozen object with ``__slots__``
  holding its fields and the values of its properties, and no public method at all;
* a mapping becomes a read-only :class:`types.MappingProxyType` (templates use ``.get``);
  label tables (:class:`Labels`) keep showing an unknown id as itself;
* a list, tuple or set becomes a tuple; a ``StrEnum`` a plain ``str``;
* ``str`` (``Markup`` included), ``int``, ``bool``, ``None``, ``Decimal`` and ``date`` stay;
* a budget figure (:class:`~spbe_cli.plan.Amount`: two numbers) stays, for ``rupiah`` to mark;
* the project's own template helpers (:class:`Lookup`,
  :class:`~spbe_cli.render.context.CaptionNumbers`) stay;
* anything else is a :class:`TypeError` (fail closed: a new kind of value must be added here on
  purpose).

Conversion is memoised per object, so what the documents of a run share (labels, reference
data, entities) is converted once per run; entities are converted only when a template reads
them (:class:`Records`). What a document's builder made is memoised for that document only
(:meth:`Plainer.forget_document`): a national-scale document's context is tens of megabytes, and
holding it for the rest of the run made the largest document's peak that much higher. This is
the first wall; the sandbox (:mod:`spbe_cli.render.sandbox`) is the second.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from spbe_cli.plan import Amount
from spbe_cli.render.context import CaptionNumbers, Labels

#: Values that pass unchanged (``str`` subclasses such as ``Markup`` included, enums excepted).
_SCALARS = (str, int, float, Decimal, date, type(None))


class Record:
    """Base of the record types: attribute access to plain values, nothing else."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class Lookup:
    """A read-only table a template calls like a function: ``prosa("latar_belakang")``."""

    __slots__ = ("_default", "_table")
    _table: dict[str, Any]
    _default: Any

    def __init__(self, table: Mapping[str, Any], default: Any) -> None:
        object.__setattr__(self, "_table", dict(table))
        object.__setattr__(self, "_default", default)

    def __call__(self, key: str) -> Any:
        """The value for ``key`` (the default when the table has none)."""
        return self._table.get(key, self._default)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Lookup is read-only")


class Records(Mapping[str, Any]):
    """Entities by id for a template, each converted to its record only when it is read.

    A template reads a few entities of the whole catalog by id (``entitas.get(id)``): turning
    every entity into a record up front, for every document, cost a national-scale render
    seconds. What a template gets out of it is the same plain record.
    """

    __slots__ = ("_plain", "_source")
    _source: Mapping[str, Any]
    _plain: Callable[[Any], Any]

    def __init__(self, source: Mapping[str, Any], plain: Callable[[Any], Any]) -> None:
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_plain", plain)

    def __getitem__(self, key: str) -> Any:
        return self._plain(self._source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Records is read-only")


#: Project-owned helper objects a template may call; they expose no library object.
HELPERS: tuple[type, ...] = (Lookup, CaptionNumbers, Records)
#: Project-owned frozen values of plain numbers a template hands to a filter (a budget figure
#: with its illustrative part, shown marked by ``rupiah``).
VALUES: tuple[type, ...] = (Amount,)
_KEEP: tuple[type, ...] = (*HELPERS, *VALUES, Record)
#: Values that stay as they are (checked once per value: one tuple, not one per check).
_STAY: tuple[type, ...] = (*_SCALARS, *_KEEP)


def _public_properties(cls: type) -> tuple[str, ...]:
    """Names of the properties a class (not pydantic's or object's) defines."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        if klass in (object, BaseModel) or klass.__module__.startswith("pydantic"):
            continue
        for name, member in vars(klass).items():
            if isinstance(member, property) and not name.startswith("_") and name not in names:
                names.append(name)
    return tuple(names)


#: Exact types that pass unchanged without a look at their contents (the hot path).
_PASS = frozenset({str, int, bool, float, Decimal, date, type(None), Markup})
#: Containers shorter than this are not memoised (they belong to one record).
_MEMO_MIN = 16


class Plainer:
    """Convert values for templates, once per object (one instance per ``spbe render`` run).

    Two memos: one for the run (catalog models, and what :meth:`shared` converts) and one for
    the document being rendered, emptied by :meth:`forget_document`.
    """

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Any, Any]] = {}
        self._memo: dict[int, tuple[Any, Any]] = {}
        self._scope = self._memo
        self._makers: dict[type, Callable[[Any], Record]] = {}

    def shared(self, value: Any) -> Any:
        """The plain form of ``value``, memoised for the whole run (what documents share)."""
        self._scope = self._kept
        try:
            return self(value)
        finally:
            self._scope = self._memo

    def forget_document(self) -> None:
        """Let go of what was converted for one document only (its builder's values)."""
        self._memo.clear()

    def __call__(self, value: Any) -> Any:
        """The plain form of ``value`` (see the module docstring)."""
        kind = type(value)
        if kind in _PASS:
            return value
        if (kind is list or kind is tuple) and len(value) < _MEMO_MIN:
            passing = _PASS
            return tuple([v if type(v) in passing else self(v) for v in value])
        if isinstance(value, enum.Enum):
            if isinstance(value, str):
                return str(value.value)
            raise TypeError(f"not plain data for a template: {kind.__name__}")
        if isinstance(value, _STAY):
            return value
        found = self._kept.get(id(value)) or self._memo.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        result = self._convert(value)
        if not isinstance(value, list | tuple) or len(value) >= _MEMO_MIN:
            # A catalog model lives for the run anyway, and documents share its record.
            memo = self._kept if isinstance(value, BaseModel) else self._scope
            memo[id(value)] = (value, result)  # keeps value alive: its id is not reused
        return result

    def _convert(self, value: Any) -> Any:
        maker = self._makers.get(type(value))
        if maker is not None:
            return maker(value)
        if isinstance(value, BaseModel) or (
            dataclasses.is_dataclass(value) and not isinstance(value, type)
        ):
            maker = self._maker(type(value))
            self._makers[type(value)] = maker
            return maker(value)
        passing, convert = _PASS, self
        if isinstance(value, list | tuple | range):
            return tuple([v if type(v) in passing else convert(v) for v in value])
        if isinstance(value, Labels):
            return MappingProxyType(Labels({k: convert(v) for k, v in value.items()}))
        if isinstance(value, Mapping):
            return MappingProxyType(
                {
                    k if type(k) in passing else convert(k): v if type(v) in passing else convert(v)
                    for k, v in value.items()
                }
            )
        if isinstance(value, set | frozenset):
            return tuple(sorted((convert(v) for v in value), key=repr))
        raise TypeError(f"not plain data for a template: {type(value).__name__}")

    def _maker(self, cls: type) -> Callable[[Any], Record]:
        """A function that turns one instance of ``cls`` into its record type."""
        if issubclass(cls, BaseModel):
            fields: tuple[str, ...] = tuple(cls.model_fields)
        else:
            fields = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        fields = tuple(n for n in fields if not n.startswith("_"))
        props = tuple(n for n in _public_properties(cls) if n not in fields)
        names = (*fields, *props)
        record_type = type(cls.__name__, (Record,), {"__slots__": names, "__module__": "katalog"})
        setters = [getattr(record_type, n).__set__ for n in names]
        field_setters = list(zip(fields, setters, strict=False))
        prop_setters = list(zip(props, setters[len(fields) :], strict=True))
        from_dict = issubclass(cls, BaseModel)
        passing, convert, new = _PASS, self, object.__new__

        def make(value: Any) -> Record:
            record: Record = new(record_type)
            source = value.__dict__ if from_dict else None
            for name, setter in field_setters:
                item = source[name] if source is not None else getattr(value, name)
                setter(record, item if type(item) in passing else convert(item))
            for name, setter in prop_setters:
                item = getattr(value, name)
                setter(record, item if type(item) in passing else convert(item))
            return record

        return make


#: The types a template may see, for checks (tests walk a whole context against it).
PLAIN_TYPES: tuple[type, ...] = (
    *_SCALARS,
    bool,
    tuple,
    MappingProxyType,
    Record,
    *HELPERS,
    *VALUES,
)


def walk(value: Any, seen: set[int] | None = None) -> list[str]:
    """Names of the types in ``value`` that are not plain data (empty when all are)."""
    seen = set() if seen is None else seen
    bad: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, enum.Enum) or not isinstance(item, PLAIN_TYPES):
            bad.append(type(item).__qualname__)
            continue
        if isinstance(item, tuple):
            stack.extend(item)
        elif isinstance(item, MappingProxyType):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, Record):
            slots: tuple[str, ...] = type(item).__slots__
            stack.extend(getattr(item, name) for name in slots)
        elif isinstance(item, Lookup):
            stack.extend(item._table.values())
        elif isinstance(item, Records):
            stack.extend(item.values())
    return bad


Converter = Callable[[Any], Any]
