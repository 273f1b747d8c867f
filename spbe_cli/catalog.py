"""The loaded catalog: every valid entity, indexed by id and kind, with where each came from."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args, overload

from spbe_cli.errors import Finding, Location

if TYPE_CHECKING:
    from pydantic import BaseModel

    from spbe_cli.models import (
        OPD,
        Aplikasi,
        DataInformasi,
        Entity,
        EvaluasiMandiri,
        Infrastruktur,
        Keamanan,
        Kesiapan,
        Layanan,
        Metadata,
        PetaRencana,
        Program,
        ProsesBisnis,
        Referensi,
        Regulasi,
    )
    from spbe_cli.positions import Packed, Positions
    from spbe_cli.reference import Reference


@dataclass(frozen=True)
class Source:
    """Where a document came from: its file (as shown to the user) and its position table."""

    path: str
    positions: Positions | Packed
    document: int = 0
    #: the line after the document's last character (libyaml's end mark, 1-based); 0 unknown
    end_line: int = 0

    def location(self, *loc: str | int, key: bool = False) -> Location:
        """Position of the value (or key) at ``loc`` inside this document."""
        from spbe_cli.positions import find_position

        line, column = find_position(self.positions, loc, key=key)
        return Location(self.path, line, column)


@dataclass(frozen=True)
class Rejected:
    """A document the loader rejected (YAML or schema errors), and what it would have said.

    Cross-entity rules that count or require entities read these, so that a rejected program
    does not also make its dimension look empty: the rejection is the one finding.
    """

    kind: str
    id: str | None
    location: Location
    #: the document's top-level fields that were readable as text or a list of texts
    values: dict[str, tuple[str, ...]]
    #: the entity's id could not be read at all (`id:`, `id: ""`, `id: 123`, no id): any id
    #: nobody declares may have been this document's (see :func:`spbe_cli.checks.unnamed_claims`)
    unnamed: bool = False
    #: where the refused id is (the document's start when the id is missing), for its finding
    id_at: Location | None = None


@dataclass(frozen=True)
class ProseFile:
    """A prose file named in the metadata (``prosa``): its text, or why it cannot be used."""

    rel: str
    path: Path | None
    text: str | None
    #: message key of SPBE208 when the file is outside the catalog, missing, too large, not UTF-8
    problem: str | None


@dataclass(frozen=True)
class LogoFile:
    """The logo named in the metadata (``logo``): its image, or why it cannot be used."""

    rel: str
    #: ``(MIME type, bytes)`` of a usable logo
    image: tuple[str, bytes] | None
    #: message key of SPBE220 when the file is outside the catalog, missing, too large, not a PNG
    problem: str | None


_C = TypeVar("_C", bound="Catalog")


@dataclass
class Catalog:
    """All valid entities of one catalog folder."""

    root: Path
    reference: Reference
    #: the catalog folder as the user named it (``""`` for the working folder), for paths shown
    #: of files the catalog names (prose)
    root_display: str = ""
    metadata: Metadata | None = None
    metadata_source: Source | None = None
    entities: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    referensi: list[tuple[Referensi, Source]] = field(default_factory=list)
    #: ids seen in documents that failed validation, with their kind: references to them are
    #: not reported again as unresolved.
    invalid: dict[str, str] = field(default_factory=dict)
    #: scalar values still holding a placeholder ([ISI ...], TODO), found while loading.
    placeholders: list[tuple[Location, str]] = field(default_factory=list)
    files: int = 0
    #: per file, findings the loader counted but did not build (over the per-file limit), and
    #: where the first of them is.
    skipped_findings: dict[str, tuple[int, Location]] = field(default_factory=dict)
    #: documents rejected while loading, with their readable fields.
    rejected: list[Rejected] = field(default_factory=list)
    #: references written as a name (`opd_pj: Dinas Kominfo`), refused (SPBE103): where, and
    #: the text, so that the finding can name the entity of that name (checks.explain_refused).
    name_refs: list[tuple[Location, str]] = field(default_factory=list)
    #: ids declared with a letter that only looks Latin or an invisible character (`id:
    #: DISKOMINFО`), refused (SPBE103): where, and the id meant, so that the finding can say
    #: how many references write the id meant (checks.explain_refused).
    meant_ids: list[tuple[Location, str]] = field(default_factory=list)
    #: prose section -> its file, read by the loading stage.
    prose: dict[str, ProseFile] = field(default_factory=dict)
    #: the logo the metadata names (None when it names none), read by the loading stage.
    logo: LogoFile | None = None
    #: findings of applying the ``entitas: referensi`` declarations (SPBE209/SPBE210), made by
    #: the loading stage and reported by ``spbe validate``.
    declaration_findings: list[Finding] = field(default_factory=list)
    _by_kind: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def beside(cls: type[_C], whole: Catalog, **fields: Any) -> _C:
        """A catalog of ``whole``'s folder (its root, reference and metadata) holding ``fields``.

        What a rule run on part of a catalog, or on an edit followed from the last run, reads
        (:mod:`spbe_cli.incremental`, :mod:`spbe_cli.incremental_rules`).
        """
        return cls(
            root=whole.root,
            reference=whole.reference,
            root_display=whole.root_display,
            metadata=whole.metadata,
            metadata_source=whole.metadata_source,
            **fields,
        )

    def add(self, kind: str, entity_id: str, model: BaseModel, source: Source) -> None:
        """Register a valid entity."""
        self.entities[entity_id] = model
        self.kinds[entity_id] = kind
        self.sources[entity_id] = source
        self._by_kind = None

    def by_kind(self) -> dict[str, list[str]]:
        """Ids grouped by kind, each list sorted (computed once; the loader is done adding)."""
        if self._by_kind is None:
            result: dict[str, list[str]] = {}
            for entity_id, kind in self.kinds.items():
                result.setdefault(kind, []).append(entity_id)
            for ids in result.values():
                ids.sort()
            self._by_kind = result
        return self._by_kind

    def ids_of(self, kind: str) -> list[str]:
        """Ids of one kind, sorted (a rule's walk: see :meth:`all_ids_of`)."""
        return self.by_kind().get(kind, [])

    def all_ids_of(self, kind: str) -> list[str]:
        """Every id of one kind, sorted, also in a view that walks only some.

        What "did you mean" hints offer (see :mod:`spbe_cli.incremental`).
        """
        return self.by_kind().get(kind, [])

    @overload
    def of_kind(self, kind: Literal["opd"]) -> list[OPD]: ...
    @overload
    def of_kind(self, kind: Literal["regulasi"]) -> list[Regulasi]: ...
    @overload
    def of_kind(self, kind: Literal["proses_bisnis"]) -> list[ProsesBisnis]: ...
    @overload
    def of_kind(self, kind: Literal["data_informasi"]) -> list[DataInformasi]: ...
    @overload
    def of_kind(self, kind: Literal["layanan"]) -> list[Layanan]: ...
    @overload
    def of_kind(self, kind: Literal["aplikasi"]) -> list[Aplikasi]: ...
    @overload
    def of_kind(self, kind: Literal["infrastruktur"]) -> list[Infrastruktur]: ...
    @overload
    def of_kind(self, kind: Literal["keamanan"]) -> list[Keamanan]: ...
    @overload
    def of_kind(self, kind: Literal["program"]) -> list[Program]: ...
    @overload
    def of_kind(self, kind: Literal["peta_rencana"]) -> list[PetaRencana]: ...
    @overload
    def of_kind(self, kind: Literal["kesiapan"]) -> list[Kesiapan]: ...
    @overload
    def of_kind(self, kind: Literal["evaluasi_mandiri"]) -> list[EvaluasiMandiri]: ...
    @overload
    def of_kind(self, kind: str) -> list[Any]: ...
    def of_kind(self, kind: str) -> Sequence[Entity]:
        """Every entity of one kind, in id order.

        Typed by kind: ``of_kind("program")`` is a ``list[Program]``, so mypy checks the field
        names a caller reads; a kind only known at run time gives ``list[Any]``.
        """
        entities = self.entities
        return [entities[i] for i in self.ids_of(kind)]

    def rejected_values(self, kind: str, field_name: str) -> dict[str, Rejected]:
        """Values that rejected documents of ``kind`` gave in ``field_name``, with the first one.

        For example ``rejected_values("program", "dimensi")`` names the dimensions a rejected
        program declared: a rule must not call those dimensions empty.
        """
        found: dict[str, Rejected] = {}
        for rejected in self.rejected:
            if rejected.kind == kind:
                for value in rejected.values.get(field_name, ()):
                    found.setdefault(value, rejected)
        return found

    @property
    def pemda_nama(self) -> str:
        """The Pemda's name (``Kabupaten Mimika``), or "" for a catalog without metadata."""
        return str(self.metadata.pemda.nama) if self.metadata is not None else ""

    def get(self, entity_id: str) -> Any:
        """The entity with this id, or None."""
        return self.entities.get(entity_id)

    def kind(self, entity_id: str) -> str | None:
        """The kind of the entity with this id (also for invalid ones), or None."""
        return self.kinds.get(entity_id) or self.invalid.get(entity_id)

    def where(self, entity_id: str, *loc: str | int, key: bool = False) -> Location:
        """Location of an entity's field, for a finding."""
        return self.sources[entity_id].location(*loc, key=key)

    def where_known(self, entity_id: str, *loc: str | int) -> Location | None:
        """:meth:`where`, or None for an entity built without a source (a catalog made in code)."""
        source = self.sources.get(entity_id)
        return source.location(*loc) if source is not None else None

    def items(self) -> Iterator[tuple[str, str, Any]]:
        """Yield ``(kind, id, entity)`` for every entity, sorted by id."""
        for entity_id in sorted(self.entities):
            yield self.kinds[entity_id], entity_id, self.entities[entity_id]

    def __len__(self) -> int:
        return len(self.entities)

    def mark_unfilled(self, marker: Callable[[str], str]) -> int:
        """Put ``marker(value)`` in place of every placeholder value; return how many there were.

        For the documents: an application still named ``[ISI]`` (a SPBE901 warning, which does
        not stop ``spbe render``) showed in the tables as if ``[ISI]`` were its name. Only a
        catalog whose files hold placeholders (``self.placeholders``) is walked. The models are
        frozen for the checks, which have run; the documents read the marked values.
        """
        from spbe_cli.parsing import is_placeholder

        if not self.placeholders:
            return 0
        todo: list[Any] = list(self.entities.values())
        if self.metadata is not None:
            todo.append(self.metadata)
        count = [0]

        def marked(value: Any) -> Any:
            if type(value) is str:
                if is_placeholder(value):
                    count[0] += 1
                    return marker(value)
                return value
            if isinstance(value, list | tuple):
                items = [marked(item) for item in value]
                changed = any(a is not b for a, b in zip(items, value, strict=True))
                return type(value)(items) if changed else value
            if isinstance(value, dict):
                pairs = {key: marked(item) for key, item in value.items()}
                changed = any(pairs[key] is not item for key, item in value.items())
                return pairs if changed else value
            if hasattr(value, "__pydantic_fields_set__"):
                todo.append(value)
            return value

        while todo:
            model = todo.pop()
            for name, value in list(model.__dict__.items()):
                new = marked(value)
                if new is not value:
                    object.__setattr__(model, name, new)
        return count[0]

    def share_field_sets(self) -> None:
        """Let models with the same fields given share one ``model_fields_set``.

        pydantic gives every model instance its own set of the field names it was given, a
        kilobyte each: 60 MB at national scale, for a few hundred distinct sets. The models are
        frozen, so the set is never changed (a copy gets a copy); it is only read.
        """
        from pydantic import BaseModel

        distinct: dict[type, list[set[str]]] = {}
        todo: list[Any] = list(self.entities.values())
        if self.metadata is not None:
            todo.append(self.metadata)
        share = object.__setattr__
        while todo:
            model = todo.pop()
            kind = type(model)
            given = model.__pydantic_fields_set__
            known = distinct.setdefault(kind, [])
            same = next((s for s in known if s == given), None)
            if same is None:
                known.append(given)
            elif same is not given:
                share(model, "__pydantic_fields_set__", same)
            values = model.__dict__
            for name in _model_fields(kind):
                _collect_models(values[name], todo, BaseModel)


_MODEL_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclass
class Focus(Catalog):
    """The catalog as a rule walks it when only some entities are to be checked again.

    The editor's quick step (one file's documents, :mod:`spbe_cli.lsp.workspace`) and an edit
    followed from the last run's snapshot (:mod:`spbe_cli.incremental`).

    Every id can be looked up, but ``items()``, ``ids_of`` and ``of_kind`` give only the
    subjects (:meth:`Catalog.all_ids_of` gives every id of a kind, for "did you mean" hints).
    """

    focus: list[str] = field(default_factory=list)
    _full: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, catalog: Catalog, focus: list[str]) -> Focus:
        """A view of ``catalog`` that walks the ids of ``focus`` only."""
        view = cls(root=catalog.root, reference=catalog.reference)
        view.__dict__.update(
            {k: v for k, v in catalog.__dict__.items() if k not in ("focus", "_by_kind", "_full")}
        )
        view._full = catalog.by_kind()
        kinds = catalog.kinds
        walked: dict[str, list[str]] = {}
        for entity_id in sorted(focus):
            walked.setdefault(kinds[entity_id], []).append(entity_id)
        view._by_kind = walked
        view.focus = sorted(focus)
        return view

    def items(self) -> Iterator[tuple[str, str, Any]]:
        """Yield ``(kind, id, entity)`` for the subjects only, sorted by id."""
        for entity_id in self.focus:
            yield self.kinds[entity_id], entity_id, self.entities[entity_id]

    def all_ids_of(self, kind: str) -> list[str]:
        """Every id of one kind (not only the subjects)."""
        return self._full.get(kind, [])


def nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The model classes a field's annotation can hold (``M``, ``list[M]``, ``M | None`` ...)."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from nested_models(arg)


def _model_fields(kind: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class whose type can hold another model (computed once)."""
    found = _MODEL_FIELDS.get(kind)
    if found is None:
        found = tuple(
            name
            for name, info in kind.model_fields.items()
            if next(nested_models(info.annotation), None) is not None
        )
        _MODEL_FIELDS[kind] = found
    return found


def _collect_models(value: Any, into: list[Any], model: type[BaseModel]) -> None:
    """Append the models in ``value`` (a model, or lists, tuples and dicts of them)."""
    if isinstance(value, model):
        into.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_models(item, into, model)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_models(item, into, model)


def id_skeleton(value: str) -> str:
    """Fold an id to the form two look-alike ids share (case, accents, invisible, homoglyphs)."""
    if value.isascii():
        return value.casefold()
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", value):
        if char.isascii():
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf", "Zs") or category.startswith("C"):
            continue  # combining marks and invisible characters
        out.append(_homoglyph(char))
    return "".join(out).casefold()


#: Letters of other scripts that look like a Latin letter, and that letter: the Cyrillic and
#: Greek ones of Unicode TR39's confusables (confusables.txt) that an id typed on another
#: keyboard layout, or pasted from a document, may hold. The one home of "looks like" for ids
#: (:func:`id_skeleton`, :func:`latin_lookalikes`); a letter not here is not taken for Latin.
LOOKALIKES: dict[str, str] = {
    # Cyrillic capitals: А В Е К М Н О Р С Т Х У Ѕ І Ј Ԛ Ԝ Ү
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M",
    "\u041d": "H", "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T",
    "\u0425": "X", "\u0423": "Y", "\u0405": "S", "\u0406": "I", "\u0408": "J",
    "\u051a": "Q", "\u051c": "W", "\u04ae": "Y",
    # Cyrillic small: а е о р с у х ѕ і ј һ ԁ ԛ ԝ
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c",
    "\u0443": "y", "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0458": "j",
    "\u04bb": "h", "\u0501": "d", "\u051b": "q", "\u051d": "w",
    # Greek capitals: Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ, and Ϳ (yot), Ϻ (san); not Ϲ (lunate sigma,
    # C): in another case it is σ, which is no C
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H",
    "\u0399": "I", "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O",
    "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
    "\u037f": "J", "\u03fa": "M",
    # Greek small that look Latin themselves: α ι ν ο ρ υ ϳ
    "\u03b1": "a", "\u03b9": "i", "\u03bd": "v", "\u03bf": "o", "\u03c1": "p", "\u03c5": "u",
    "\u03f3": "j",
    # Greek small whose capital above looks Latin: β ε ζ η κ μ τ χ, as a Greek keyboard types
    # B E Z H K M T X in lower case. An id folds case (`ΚOMINFO` and `κOMINFO` are one id), so
    # these are look-alikes of the Latin letter as their capitals are.
    "\u03b2": "b", "\u03b5": "e", "\u03b6": "z", "\u03b7": "h", "\u03ba": "k",
    "\u03bc": "m", "\u03c4": "t", "\u03c7": "x",
}  # fmt: skip


def _homoglyph(char: str) -> str:
    """Map a Latin look-alike (Cyrillic А, Greek Α, fullwidth Ａ) to its ASCII letter.

    A letter of :data:`LOOKALIKES` is read as its capital is (Greek ν, which looks like v, as
    Ν, which looks like N): an id folds case, so an id and the same id in another case must
    share their skeleton (`XΝ` and `Xν`, Cyrillic `XВ` and `Xв`).
    """
    upper, lower = char.upper(), char.lower()
    latin = LOOKALIKES.get(upper) or LOOKALIKES.get(char) or LOOKALIKES.get(lower)
    if latin is not None:
        return latin
    name = unicodedata.name(char, "")
    last = name.rsplit(" ", 1)[-1] if name else ""
    if len(last) == 1 and "LETTER" in name:
        return last
    if "DIGIT" in name:
        digit = unicodedata.digit(char, None)
        return str(digit) if digit is not None else char
    return char


def latin_lookalikes(value: str) -> tuple[str, list[str]]:
    """``value`` with each letter of :data:`LOOKALIKES` as the Latin letter it looks like.

    And those letters, each once, in order: ``('DISPAR', ['А'])`` for ``DISPАR`` typed with a
    Cyrillic А. Case is kept (``а`` is ``a``); any other character is left as it is.
    """
    if value.isascii():
        return value, []
    found: list[str] = []
    for char in value:
        if char in LOOKALIKES and char not in found:
            found.append(char)
    if not found:
        return value, []
    return "".join(LOOKALIKES.get(char, char) for char in value), found


def script_of(char: str) -> str:
    """The script of a letter as Unicode names it, lower case: ``cyrillic``, ``greek``, ..."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0].lower() if name else "unknown"


def describe_non_ascii(value: str) -> list[str]:
    """Name the characters of ``value`` that are not ASCII, e.g. ``'А' U+0410 CYRILLIC ...``."""
    seen: list[str] = []
    for char in value:
        if not char.isascii():
            label = f"U+{ord(char):04X} {unicodedata.name(char, '?')}"
            if label not in seen:
                seen.append(label)
    return seen


def without_invisible(value: str) -> tuple[str, list[str]]:
    """``value`` without its white space and invisible characters, and what was taken out.

    ``'DISKOMINFO '`` (a space typed after it, a no-break space pasted from a document, a zero
    width space) gives ``('DISKOMINFO', ['U+0020 SPACE'])``: the id that was meant, for a hint.
    """
    if value.isascii() and value.isprintable() and " " not in value:
        return value, []  # most ids: no white space, and ASCII has no format characters
    kept: list[str] = []
    removed: list[str] = []
    for char in value:
        if char.isspace() or unicodedata.category(char) == "Cf":
            label = f"U+{ord(char):04X} {unicodedata.name(char, '?')}"
            if label not in removed:
                removed.append(label)
        else:
            kept.append(char)
    return "".join(kept), removed


def path_parts(loc: Sequence[str | int]) -> str:
    """Render a field path as ``indikator[0].target``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
