"""Compact position tables: where each key and value of a document is, without its node tree.

A finding names a line and column, so the loader keeps, per document, what
:func:`find_position` needs and nothing more. A YAML node tree costs about a kilobyte per
scalar (a node and two marks, each with its attributes); a table costs 16 bytes per scalar.

A position is one int, ``line * POS_BASE + column`` (both 1-based). A document's table is:

* an int, for a document that is one scalar;
* a :data:`Entry` ``(position, shape, packed, children)`` for a mapping or a sequence:
  ``shape`` is None for a sequence, else ``{key: index}`` (the last of repeated keys wins;
  shared by every mapping with the same keys in the same order); ``packed`` is an
  ``array('Q')`` of the item positions (for a mapping, the key positions then the value
  positions); ``children`` holds the entry of each item that is itself a collection, or is
  None when every item is a scalar.

:func:`to_json` and :func:`from_json` convert a table to plain JSON values and back, checking
every part (a cached table is untrusted input).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

POS_BASE = 1 << 24
#: Positions must fit an unsigned 64-bit array slot.
_POS_MAX = (1 << 63) - 1
#: Mappings with at most this many keys share their ``{key: index}`` with their look-alikes.
_SHARED_SHAPE_KEYS = 64
#: At most this many shapes are shared (a catalog's schema has a few hundred).
_SHARED_SHAPES = 20_000

Entry = tuple[int, dict[str, int] | None, "array[int]", tuple[Any, ...] | None]
Positions = int | Entry


class Packed:
    """A document's table as a worker process sent it: unpacked when a finding asks for it.

    A worker (:mod:`spbe_cli.parallel`) parses a file, or reads and checks its cache entry, and
    sends the result to the main process, which loads it. Most documents of a catalog never
    have a finding, so the main process never needs their table: receiving it whole (an array
    and a tuple per mapping) cost about as much as the rest of the file. It travels as the
    worker made it, over the worker's private pipe (never from disk), and is unpacked on
    first use (:func:`unpacked`).

    The position of the document's ``id`` travels beside it, found in the worker: the look-up
    every command makes of nearly every entity (``spbe sync`` places each item it compares)
    needs no table unpacked. On the national bench catalog loaded by workers, placing the
    32,115 items ``spbe sync`` compares took 0.9 s of CPU unpacking their tables.
    """

    __slots__ = ("_data", "_id", "_table")

    def __init__(self, data: bytes, id_position: int) -> None:
        self._data = data
        self._id = id_position
        self._table: Positions | None = None

    @classmethod
    def of(cls, table: Positions) -> Packed:
        """Pack a table (in the worker), with the position of its ``id`` (:func:`find_position`)."""
        import pickle

        line, column = find_position(table, ("id",))
        return cls(pickle.dumps(table, pickle.HIGHEST_PROTOCOL), line * POS_BASE + column)

    def table(self) -> Positions:
        """The table, unpacked once."""
        if self._table is None:
            import pickle

            self._table = pickle.loads(self._data)  # only ever a worker's own bytes
        return self._table

    def __reduce__(self) -> tuple[type[Packed], tuple[bytes, int]]:
        return (Packed, (self._data, self._id))

    def __eq__(self, other: object) -> bool:
        return self.table() == (other.table() if isinstance(other, Packed) else other)

    __hash__ = None  # type: ignore[assignment]


def unpacked(table: Positions | Packed) -> Positions:
    """The table itself, whether it came whole or :class:`Packed` (the one place it is unpacked)."""
    return table.table() if isinstance(table, Packed) else table


_shapes: dict[tuple[str | None, ...], dict[str, int]] = {}


def shape_of(keys: Sequence[str | None]) -> dict[str, int]:
    """The ``{key: index}`` of a mapping's keys in order (the last index of a repeated key).

    None stands for a slot whose key is repeated later (see :func:`to_json`).
    """
    if len(keys) > _SHARED_SHAPE_KEYS:
        return {key: index for index, key in enumerate(keys) if key is not None}
    frozen = tuple(keys)
    shape = _shapes.get(frozen)
    if shape is None:
        shape = {key: index for index, key in enumerate(frozen) if key is not None}
        if len(_shapes) < _SHARED_SHAPES:  # a hostile catalog cannot grow it without bound
            _shapes[frozen] = shape
    return shape


def mapping(
    position: int,
    keys: Sequence[str | None],
    key_positions: list[int],
    value_positions: list[int],
    children: list[Entry | None] | None,
) -> Entry:
    """The table entry of a mapping."""
    packed = array("Q", key_positions)
    packed.extend(value_positions)
    return (position, shape_of(keys), packed, tuple(children) if children else None)


def sequence(position: int, positions: list[int], children: list[Entry | None] | None) -> Entry:
    """The table entry of a sequence."""
    return (position, None, array("Q", positions), tuple(children) if children else None)


def shifted(table: Positions | Packed, lines: int) -> Positions:
    """The table of the same document ``lines`` lines further down (columns unchanged)."""
    table = unpacked(table)
    delta = lines * POS_BASE
    if isinstance(table, int):
        return table + delta
    position, shape, packed, children = table
    moved = array("Q", [item + delta for item in packed])
    if children is not None:
        children = tuple(None if c is None else shifted(c, lines) for c in children)
    return (position + delta, shape, moved, children)


def count_values(table: Positions | Packed) -> int:
    """How many values (keys, items, collections) a document's table holds, itself included.

    As libyaml composes them: the count toward a file's limit
    (:data:`~spbe_cli.yamlio.MAX_FILE_VALUES`) of a document built without a problem.
    """
    table = unpacked(table)
    if isinstance(table, int):
        return 1
    _, _, packed, children = table
    count = 1 + len(packed)
    if children is not None:
        count += sum(count_values(c) - 1 for c in children if c is not None)
    return count


def find_position(
    table: Positions | Packed, loc: Sequence[str | int], *, key: bool = False
) -> tuple[int, int]:
    """Find the 1-based position of the value at ``loc`` in a document's table.

    Parts of ``loc`` that do not match the document (pydantic adds union tags and the like) are
    skipped; the deepest value reached is reported. With ``key`` the position of the mapping key
    is returned instead of its value, which is where an unknown field should be flagged. Each
    step is one dict or array look-up, however large the mapping. The value of a document's
    ``id`` in a :class:`Packed` table is found without unpacking it.
    """
    if isinstance(table, Packed):
        if not key and len(loc) == 1 and loc[0] == "id":
            return divmod(table._id, POS_BASE)
        table = table.table()
    if isinstance(table, int):
        return divmod(table, POS_BASE)
    entry: Entry | None = table
    position = table[0]
    key_position: int | None = None
    for part in loc:
        if entry is None:
            continue  # a scalar: nothing below it
        _, shape, packed, children = entry
        if shape is not None:
            index = shape.get(str(part))
            if index is None:
                continue
            key_position = packed[index]
            position = packed[len(packed) // 2 + index]
        elif isinstance(part, int) and 0 <= part < len(packed):
            index = part
            key_position = None
            position = packed[index]
        else:
            continue
        entry = children[index] if children is not None else None
    return divmod(key_position if key and key_position is not None else position, POS_BASE)


def path_at(table: Positions | Packed, line: int) -> str:
    """The dotted path (``indikator[0].target``) of the deepest key or item starting by ``line``.

    At each level the item that starts last on or before ``line`` is taken (the first of those
    on that line, as in a flow collection): a finding's line is always where some node starts.
    """
    table = unpacked(table)
    parts: list[str] = []
    entry: Entry | None = table if isinstance(table, tuple) else None
    while entry is not None:
        _, shape, packed, children = entry
        size = len(packed) // 2 if shape is not None else len(packed)
        best: int | None = None
        best_line = 0
        for index in range(size):
            start = packed[index] // POS_BASE
            if best_line < start <= line:
                best, best_line = index, start
        if best is None:
            break
        if shape is not None:
            name = next((key for key, index in shape.items() if index == best), None)
            if name is None:  # an earlier copy of a repeated key
                break
            parts.append(name)
        else:
            parts.append(f"[{best}]")
        entry = children[best] if children is not None else None
    return ".".join(parts).replace(".[", "[")


# -- JSON ----------------------------------------------------------------------------------------


def to_json(table: Positions | Packed) -> Any:
    """Plain JSON values for a table: ``[position, keys or null, positions, children or null]``."""
    table = unpacked(table)
    if isinstance(table, int):
        return table
    position, shape, packed, children = table
    return [
        position,
        None if shape is None else _keys_in_order(shape, len(packed) // 2),
        packed.tolist(),
        None if children is None else [None if c is None else to_json(c) for c in children],
    ]


def _keys_in_order(shape: dict[str, int], size: int) -> list[str | None]:
    """The keys of a mapping in order; a repeated key's earlier slots are None."""
    keys: list[str | None] = [None] * size
    for name, index in shape.items():
        keys[index] = name
    return keys


#: What a mapping's key slot holds in a stored table: its text, or None for a repeated key.
_KEY_TYPES = frozenset((str, type(None)))


class MalformedPositionsError(ValueError):
    """JSON values that are not a table written by :func:`to_json`."""


def from_json(data: Any, depth: int = 0, max_depth: int = 64) -> Positions:
    """Rebuild a table from :func:`to_json`'s values, checking every part.

    Raises:
        MalformedPositionsError: anything out of shape.
    """
    if type(data) is int:
        return _position(data)
    if depth > max_depth or type(data) is not list or len(data) != 4:
        raise MalformedPositionsError("entry")
    position, keys, positions, children = data
    if type(positions) is not list:
        raise MalformedPositionsError("positions")
    try:
        packed = array("Q", positions)
    except (TypeError, OverflowError) as exc:
        raise MalformedPositionsError("positions") from exc
    if packed and min(packed) < POS_BASE:
        raise MalformedPositionsError("position")
    shape: dict[str, int] | None = None
    size = len(packed)
    if keys is not None:
        if type(keys) is not list or 2 * len(keys) != size:
            raise MalformedPositionsError("keys")
        if not _KEY_TYPES.issuperset(map(type, keys)):  # a C loop: every entry has keys
            raise MalformedPositionsError("keys")
        shape = shape_of(keys)
        size = len(keys)
    built: tuple[Any, ...] | None = None
    if children is not None:
        if type(children) is not list or len(children) != size:
            raise MalformedPositionsError("children")
        entries: list[Entry | None] = []
        for child in children:
            if child is None:
                entries.append(None)
            elif type(child) is list:  # a collection; a scalar child has no entry
                entries.append(from_json(child, depth + 1, max_depth))  # type: ignore[arg-type]
            else:
                raise MalformedPositionsError("children")
        built = tuple(entries)
    return (_position(position), shape, packed, built)


def _position(value: Any) -> int:
    if type(value) is not int or not POS_BASE <= value <= _POS_MAX:
        raise MalformedPositionsError("position")
    return value
