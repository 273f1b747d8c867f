"""Load a catalog folder: files -> nodes with positions -> models -> findings.

Every file is read on its own; a file that cannot be read, decoded or parsed gives a finding
and the rest of the catalog is still loaded. Nothing outside the catalog folder is opened:
symlinks that leave it, FIFOs and devices are reported, never read.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, get_args, get_origin

from pydantic import BaseModel, ValidationError

from spbe_cli import collector, yamlio
from spbe_cli.cachestate import known_entry, note_file, open_cache, parse_cached, parse_keyed
from spbe_cli.catalog import (
    Catalog,
    Rejected,
    Source,
    describe_non_ascii,
    id_skeleton,
    latin_lookalikes,
    nested_models,
    path_parts,
    script_of,
    without_invisible,
)
from spbe_cli.errors import Finding, Location, Related, Severity, SpbeError
from spbe_cli.files import (
    MAX_FILE_BYTES,
    MAX_LOGO_BYTES,
    YAML_SUFFIXES,
    CatalogFile,
    Refusal,
    display_path,
    find_files,
    logo_file,
    prose_file,
    read_catalog_file,
    read_logo_file,
    read_prose_file,
)
from spbe_cli.i18n import t
from spbe_cli.models import ENTITY_KINDS, ID_PATTERN, MODELS, SCHEMA_VERSION, Metadata, Referensi
from spbe_cli.models.common import ID_MAX, NILAI_DECIMALS, NILAI_DIGITS, ONE_LINE, unwrap
from spbe_cli.parsing import ParsedDocument, ParsedFile, is_placeholder
from spbe_cli.reference import load_reference
from spbe_cli.reference.values import literal_at
from spbe_cli.rules import MAX_FINDINGS_PER_FILE, make_finding
from spbe_cli.similarity import closest, did_you_mean

if TYPE_CHECKING:
    from spbe_cli.cache import ContentCache
    from spbe_cli.parallel import Parsed

#: Called with (files done, files in all) after each file, for a progress bar on long loads.
StepHook = Callable[[int, int], None]
#: Schema outcomes by ``id`` of a document value: ``(value, model or None, pydantic errors)``.
ValidationMemo = dict[int, tuple[Any, BaseModel | None, Any]]


#: Most schema errors of one document the diff's memo keeps (see :meth:`_Loader.validate`).
_MEMO_ERRORS = 1000


class _Loader:
    """State of one catalog load."""

    def __init__(
        self,
        root: Path,
        root_display: str,
        cache: ContentCache | None = None,
        validated: ValidationMemo | None = None,
        known: Mapping[str, tuple[int, str]] | None = None,
        real_root: Path | None = None,
        given: Mapping[str, ParsedFile] | None = None,
    ) -> None:
        self.root = root
        self.cache = cache
        #: schema outcomes by document value, shared by the two sides of a diff
        self.validated = validated
        #: size and SHA-256 of files read a moment ago (see load_catalog)
        self.known = known or {}
        #: the per-file stage of files of ``known`` parsed a moment ago, by path as shown (the
        #: caller parsed their content: not read from the cache again)
        self.given = given or {}
        #: ``root`` with its links resolved (given by a caller that builds many loaders of it)
        self.real_root = real_root if real_root is not None else root.resolve()
        self.catalog = Catalog(
            root=root, reference=load_reference().extended(), root_display=root_display
        )
        self.findings: list[Finding] = []
        self.first_id: dict[str, tuple[str, Source]] = {}
        #: id skeletons of the entities accepted into the catalog.
        self.accepted: set[str] = set()
        self.root_display = root_display
        #: a metadata document was found, valid or not (SPBE107 is only for a missing one).
        self.metadata_seen = False
        #: findings made per file, and those not built because the file already has too many.
        self.per_file: dict[str, int] = {}
        self.skipped = self.catalog.skipped_findings
        #: each file's path folded to lower case, for SPBE018.
        self.folded: dict[str, str] = {}
        #: SPBE111 problems of the document being loaded whose comment emptied a value, by the
        #: ``(line, column)`` of that value (see :meth:`replay`).
        self.emptied: dict[tuple[int, int], yamlio.YamlProblem] = {}
        #: Kept only for :mod:`spbe_cli.incremental` (see :meth:`keep_ledger`): per loaded
        #: file, where its share of the load's tables starts and ends, and every id a document
        #: declared, refused or accepted, in load order (what a file shares with the others).
        self.ledger: list[tuple[str, tuple[int, ...], tuple[int, ...]]] | None = None
        self.touched: list[str] = []

    def keep_ledger(self) -> None:
        """Keep each file's share of the load (:attr:`ledger`, :attr:`touched`) from now on."""
        self.ledger = []

    def mark_invalid(self, raw_id: str, kind: str, *, replace: bool = False) -> None:
        """Count ``raw_id`` as declared by a refused document of ``kind``.

        References to it are then not reported as unresolved. ``replace``: this document's
        kind wins over one noted before (a document refused before validation).
        """
        if self.ledger is not None:
            self.touched.append(raw_id)
        if replace:
            self.catalog.invalid[raw_id] = kind
        else:
            self.catalog.invalid.setdefault(raw_id, kind)

    def _marks(self) -> tuple[int, ...]:
        catalog = self.catalog
        return (
            len(self.findings),
            len(catalog.entities),
            len(self.touched),
            len(catalog.placeholders),
            len(catalog.rejected),
            len(catalog.name_refs),
            len(catalog.referensi),
            int(self.metadata_seen or catalog.metadata is not None),
        )

    def full(self, path: str, where: Callable[[], Location]) -> bool:
        """Tell whether ``path`` has its share of findings; if so count one more skipped.

        Later findings of such a file are only counted (SPBE020), never built: translating
        200,000 pydantic errors of one hostile file would cost more than the whole catalog.
        ``where`` gives the location, asked for the first skipped finding only.
        """
        if self.per_file.get(path, 0) < MAX_FINDINGS_PER_FILE:
            return False
        count, first = self.skipped.get(path) or (0, None)
        self.skipped[path] = (count + 1, first or where())
        return True

    def emit(
        self,
        code: str,
        location: Location,
        message: str,
        /,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
        **values: Any,
    ) -> None:
        path = location.path
        if self.full(path, lambda: location):
            return
        self.per_file[path] = self.per_file.get(path, 0) + 1
        self.findings.append(
            make_finding(code, location, message, hint=hint, related=related, **values)
        )

    # -- files ---------------------------------------------------------------------------------

    def read(self, file: CatalogFile) -> bytes | None:
        """Read one file's bytes, refusing (with a finding) what must not be opened."""
        data = read_catalog_file(file, self.real_root)
        if isinstance(data, Refusal):
            self.emit(data.code, Location(file.display, 1, 1), data.key, **data.values)
            return None
        return data

    def load_file(self, file: CatalogFile) -> None:
        known = self.known.get(file.display)
        entry = self.given.get(file.display) if known is not None else None
        if entry is None:
            entry = known_entry(self.cache, known)
        if entry is not None and known is not None:
            note_file(file.display, file.kind, *known)
            self.load_parsed(file.display, entry)
            return
        data = self.read(file)
        if data is None:
            note_file(file.display, file.kind, 0, None)
            return
        key, parsed = parse_keyed(self.cache, data)
        note_file(file.display, file.kind, len(data), key)
        self.load_parsed(file.display, parsed)

    def load_bytes(
        self,
        display: str,
        data: bytes,
        parse: Callable[[bytes], ParsedFile] | None = None,
        each: Callable[[int], None] | None = None,
    ) -> None:
        """Load every document of one file's content (one over the size limit is a finding).

        The one home of the limit for content already in memory (a git revision, an editor's
        buffer); :func:`~spbe_cli.files.read_catalog_file` keeps it for files on disk.
        ``parse`` gives what :func:`~spbe_cli.parsing.parse_bytes` would, another way (an
        editor's buffer parsed again document by document); the cache is then not used.
        """
        if len(data) > MAX_FILE_BYTES:
            self.emit(
                "SPBE008",
                Location(display, 1, 1),
                "load.too_large",
                size=-(-len(data) // 1024),
                limit=MAX_FILE_BYTES // 1024,
            )
            return
        parsed = parse(data) if parse else parse_cached(self.cache, data)
        self.load_parsed(display, parsed, each)

    def load_parsed(
        self, display: str, parsed: ParsedFile, each: Callable[[int], None] | None = None
    ) -> None:
        """Load every document of one file, parsed already (see :mod:`spbe_cli.parallel`)."""
        self.catalog.files += 1
        folded = display.casefold()
        first = self.folded.setdefault(folded, display)
        if first != display:
            # One file would overwrite the other in a checkout on Windows or macOS.
            self.emit(
                "SPBE018",
                Location(display, 1, 1),
                "load.case_clash",
                related=(Related(Location(first, 1, 1), t("load.first_here")),),
                other=first,
            )
        if self.ledger is None:
            self.replay(display, parsed, each)
            return
        before = self._marks()
        self.replay(display, parsed, each)
        self.ledger.append((display, before, self._marks()))

    def replay(
        self, display: str, parsed: ParsedFile, each: Callable[[int], None] | None = None
    ) -> None:
        """Report one file's YAML problems and load its documents, in file order.

        ``each``: called with a document's index before it is loaded (the editor notes what
        each document of a buffer adds, :mod:`spbe_cli.lsp.workspace`).
        """
        for problem in parsed.problems:
            self.problem(display, problem)
        for line, fields in parsed.salvaged:
            self.salvaged(Location(display, line, 1), fields)
        if parsed.empty:
            # Empty or only comments: a file emptied by mistake must not pass in silence.
            self.emit("SPBE017", Location(display, 1, 1), "load.empty")
            return
        for index, document in enumerate(parsed.documents):
            if each is not None:
                each(index)
            self.parsed_document(display, index, document)

    def parsed_document(self, display: str, index: int, document: ParsedDocument) -> None:
        """Load the document ``index`` of a file, parsed already, and report its problems."""
        # `nomor: #5`: the comment emptied the value. Where the schema refuses that empty
        # value, the two are one mistake, said once by schema_error (SPBE101 naming the
        # comment); elsewhere (an optional field) the SPBE111 warning is said alone.
        self.emptied = {}
        for problem in document.problems:
            at = _emptied_at(problem)
            if at is None:
                self.problem(display, problem)
            else:
                self.emptied[at] = problem
        source = Source(display, document.positions, index, document.end_line)
        before = len(self.findings)
        model = self.load_document(source, document.value, document.blocking)
        for problem in self.emptied.values():
            self.problem(display, problem)
        self.emptied = {}
        if document.grouped and model is not None:
            self.grouped_numbers(source, model, document.value, document.grouped)
        # A value the schema refused already says the field is to be filled in.
        refused = {(f.location.line, f.location.column) for f in self.findings[before:]}
        for line, column, value in document.placeholders:
            if (line, column) not in refused:
                self.catalog.placeholders.append((Location(display, line, column), value))

    def salvaged(self, where: Location, fields: dict[str, Any]) -> None:
        """Count a document lost to a YAML error as declared, without reporting it again.

        Its file's error is the one finding: references to its id, and the dimension or pillar
        it names, are not reported as missing as well.
        """
        kind = fields.get("entitas")
        if kind not in MODELS:
            return
        if kind == "metadata":
            self.metadata_seen = True
        raw_id = fields.get("id")
        entity_id = raw_id if isinstance(raw_id, str) and kind in ENTITY_KINDS else None
        if entity_id is not None:
            self.mark_invalid(entity_id, kind)
        readable = {
            str(key): (value,) if isinstance(value, str) else tuple(value)
            for key, value in fields.items()
        }
        unnamed = kind in ENTITY_KINDS and not _usable_id(entity_id)
        self.catalog.rejected.append(Rejected(kind, entity_id, where, readable, unnamed))

    def problem(self, path: str, problem: yamlio.YamlProblem) -> None:
        related: tuple[Related, ...] = ()
        if problem.related_line:
            column = problem.values.get("first_column", 1)
            where = Location(path, problem.related_line, column if type(column) is int else 1)
            related = (Related(where, t("load.first_here")),)
        self.emit(
            problem.code,
            Location(path, problem.line, problem.column),
            problem.key,
            related=related,
            **problem.values,
        )

    # -- documents -----------------------------------------------------------------------------

    def load_document(self, source: Source, value: Any, blocking: bool) -> BaseModel | None:
        """Load one document's value; the model when the schema accepted it."""
        if not isinstance(value, dict):
            listed = isinstance(value, list) and any(
                isinstance(item, dict) and "entitas" in item for item in value
            )
            # `- entitas: opd` for each entity: a list of documents instead of documents.
            hint = t("hint.documents_not_list") if listed else None
            self.emit("SPBE012", source.location(), "load.not_mapping", hint=hint)
            return None
        kind = value.get("entitas")
        if kind is None:
            meant = self.emptied_text(source, "entitas") if "entitas" in value else None
            if meant is not None:
                # `entitas: #opd`: one finding, and the entity meant still counts as declared
                # (as for `entitas: OPD` below), so references to it are not reported again.
                self.emptied_by_comment(source.location("entitas"), "SPBE012", "entitas")
                self.metadata_seen = self.metadata_seen or meant == "metadata"  # not SPBE107 too
                raw_id = value.get("id")
                if meant in ENTITY_KINDS and isinstance(raw_id, str):
                    self.mark_invalid(raw_id, meant)
                return None
            self.emit("SPBE012", source.location(), "load.no_kind", kinds=", ".join(MODELS))
            return None
        if not isinstance(kind, str) or kind not in MODELS:
            close = closest(str(kind), MODELS)  # also names the entity meant, below
            self.emit(
                "SPBE013",
                source.location("entitas"),
                "load.unknown_kind",
                hint=t("hint.did_you_mean", name=close)
                if close
                else t("hint.one_of", values=", ".join(MODELS)),
                kind=str(kind),
            )
            # `entitas: Metadata`: the metadata is there, refused; not also "no metadata".
            self.metadata_seen = self.metadata_seen or close == "metadata"
            raw_id = value.get("id")
            if close in ENTITY_KINDS and isinstance(raw_id, str):
                # `entitas: OPD`: the entity meant is there, so references to it are not
                # reported again, as for any entity refused by the schema.
                self.mark_invalid(raw_id, close)
            return None
        if kind == "metadata":
            self.metadata_seen = True
        raw_id = value.get("id") if kind in ENTITY_KINDS else None
        meant_id = raw_id if isinstance(raw_id, str) else None
        if _one_text(raw_id):
            # `id: [DISKOMINFO]`: refused (an id is one text), but the id meant is plain; as
            # for `id: #DISKOMINFO` below, it counts as declared.
            meant_id = raw_id[0]
            self.mark_invalid(meant_id, kind)
        if raw_id is None and kind in ENTITY_KINDS and "id" in value:
            # `id: #DISKOMINFO`: the document is refused (id is empty), but the id meant is
            # plain; counted as declared, so that each reference to it is not one more error.
            meant_id = self.emptied_text(source, "id")
            if meant_id is not None and re.fullmatch(ID_PATTERN, meant_id):
                self.mark_invalid(meant_id, kind)
        if isinstance(raw_id, str) and kind in ENTITY_KINDS:
            plain = _plain_id(raw_id)
            if plain is not None:
                # `id: "DISPAR "`: refused (SPBE103 names the id meant), but the id meant is
                # plain; as for `id: [DISPAR]`, it counts as declared, so that each reference
                # to it is not one more error.
                self.mark_invalid(plain, kind)
        # `id:`, `id: ""`, `id: 123`, no id at all: which id the document meant is unknown; an
        # id referred to that nobody declares may have been this one (checks.unnamed_claims).
        unnamed = kind in ENTITY_KINDS and not _usable_id(meant_id)
        id_at = (source.location("id") if "id" in value else source.location()) if unnamed else None
        if isinstance(raw_id, str) and raw_id.strip():  # two `id: ""` are not one id twice
            self.register_id(raw_id, kind, source)
        if blocking:
            if isinstance(raw_id, str):
                self.mark_invalid(raw_id, kind, replace=True)
            self.reject(kind, raw_id, source, value, id_at)
            return None
        model_cls = MODELS[kind]
        model, errors = self.validate(model_cls, value)
        if model is None:
            split: set[tuple[str | int, ...]] = set()
            for error in _without_typo_twins(errors):
                found = _decimal_split(value, tuple(error["loc"]))
                if found is None:
                    self.schema_error(source, model_cls, error)
                elif found[0] not in split:  # the key's errors and its empty value: one
                    split.add(found[0])
                    self.decimal_split(source, *found)
            if isinstance(raw_id, str):
                self.mark_invalid(raw_id, kind)
            self.reject(kind, raw_id, source, value, id_at)
            return None
        self.accept(kind, model, source)
        return model

    def emptied_text(self, source: Source, *path: str | int) -> str | None:
        """The text a glued comment took from the value at ``path`` (`id: #X` -> ``X``)."""
        where = source.location(*path)
        problem = self.emptied.get((where.line, where.column))
        if problem is None:
            return None
        return str(problem.values.get("comment", "#"))[1:].strip() or None

    def emptied_by_comment(self, location: Location, code: str, field: str) -> bool:
        """Say `nomor: #5` as one finding (``code``) when a comment emptied the value there.

        The SPBE111 warning at the same place is then not said (see :meth:`replay`).
        """
        problem = self.emptied.pop((location.line, location.column), None)
        if problem is None:
            return False
        comment = str(problem.values.get("comment", "#"))
        meant = comment[1:].strip() or comment
        self.emit(
            code,
            location,
            "schema.emptied_by_comment",
            hint=t("hint.emptied_by_comment", meant=meant, comment=comment),
            field=field,
            comment=comment,
        )
        return True

    def decimal_split(self, source: Source, path: tuple[str | int, ...], whole: str) -> None:
        """SPBE101: ``{baseline: 1,5}``, a decimal comma inside braces, made the key ``5``."""
        if self.full(source.path, lambda: source.location(*path, key=True)):
            return
        digits = str(path[-1])
        self.emit(
            "SPBE101",
            source.location(*path, key=True),
            "schema.decimal_split",
            field=path_parts(list(path[:-1])) or "-",
            whole=whole,
            digits=digits,
        )

    def grouped_numbers(
        self,
        source: Source,
        model: BaseModel,
        value: Any,
        grouped: tuple[tuple[int, int, str], ...],
    ) -> None:
        """SPBE110: ``baseline: 1.500`` in a numeric field was read as 1.5, not 1500.

        ``grouped`` holds where the document has such a text (the parsing stage found them);
        the model tells which of them a numeric field read as a number.
        """
        from spbe_cli.formatting import number, number_words

        wanted = {(line, column) for line, column, _text in grouped}
        for path, text in _read_as_numbers(value, model, ()):
            where = source.location(*path)
            if (where.line, where.column) not in wanted:
                continue
            digits = text.replace(".", "")
            self.emit(
                "SPBE110",
                where,
                "schema.grouped_number",
                field=path_parts(list(path)),
                given=text,
                read=number(Decimal(text)),
                words=number_words(int(digits)),
                digits=str(int(digits)),
            )

    def validate(self, model_cls: type[BaseModel], value: Any) -> tuple[BaseModel | None, Any]:
        """The model of one document's value, or its pydantic errors.

        The outcome depends on the value alone; with a memo (a diff loading two sides that share
        most files) a value already validated is not validated again.
        """
        memo = self.validated
        seen = memo.get(id(value)) if memo is not None else None
        if seen is not None and seen[0] is value:
            return seen[1], seen[2]
        try:
            outcome: tuple[BaseModel | None, Any] = (model_cls.model_validate(value), ())
        except ValidationError as exc:
            outcome = (None, exc.errors(include_url=False))
        # A document of many errors is validated again rather than kept: a hostile side of a
        # diff would otherwise hold every error of every document until the end.
        if memo is not None and len(outcome[1]) <= _MEMO_ERRORS:
            memo[id(value)] = (value, *outcome)
        return outcome

    def reject(
        self,
        kind: str,
        raw_id: Any,
        source: Source,
        value: dict[Any, Any],
        id_at: Location | None = None,
    ) -> None:
        """Record a rejected document and what it would have contributed (its readable fields).

        ``id_at`` is where its id is when that id cannot be read (the document is unnamed).
        """
        readable: dict[str, tuple[str, ...]] = {}
        for key, item in value.items():
            if isinstance(item, str):
                readable[str(key)] = (item,)
            elif isinstance(item, list) and all(isinstance(v, str) for v in item):
                readable[str(key)] = tuple(item)
        entity_id = raw_id if isinstance(raw_id, str) else None
        self.catalog.rejected.append(
            Rejected(kind, entity_id, source.location(), readable, id_at is not None, id_at)
        )

    def accept(self, kind: str, model: BaseModel, source: Source) -> None:
        catalog = self.catalog
        if isinstance(model, Metadata):
            if catalog.metadata is not None and catalog.metadata_source is not None:
                self.emit(
                    "SPBE105",
                    source.location(),
                    "load.metadata_twice",
                    related=(Related(catalog.metadata_source.location(), t("load.first_here")),),
                )
                return
            if model.versi_skema != SCHEMA_VERSION:
                self.emit(
                    "SPBE106",
                    source.location("versi_skema"),
                    "load.schema_version",
                    version=model.versi_skema,
                    supported=SCHEMA_VERSION,
                )
                return
            catalog.metadata, catalog.metadata_source = model, source
            return
        if isinstance(model, Referensi):
            catalog.referensi.append((model, source))
            return
        entity_id = model.id  # type: ignore[attr-defined]
        skeleton = id_skeleton(entity_id)
        if skeleton in self.accepted:
            # A duplicate, reported when its id was registered; what it says is kept like a
            # rejected document's, so that no rule reports its absence besides.
            self.reject(kind, entity_id, source, model.model_dump())
            return
        # The first *valid* entity keeps the id, even when an invalid look-alike (a Cyrillic
        # letter, say) came earlier in file order.
        self.accepted.add(skeleton)
        if self.ledger is not None:
            self.touched.append(entity_id)
        catalog.invalid.pop(entity_id, None)
        catalog.add(kind, entity_id, model, source)

    def register_id(self, raw_id: str, kind: str, source: Source) -> None:
        """Report an id already used, also when it differs only in case or look-alikes."""
        if self.ledger is not None:
            self.touched.append(raw_id)
        skeleton = id_skeleton(raw_id)
        first = self.first_id.get(skeleton)
        if first is None:
            self.first_id[skeleton] = (raw_id, source)
            return
        other_id, other_source = first
        key = "load.duplicate_id" if other_id == raw_id else "load.lookalike_id"
        self.emit(
            "SPBE104",
            source.location("id"),
            key,
            related=(Related(other_source.location("id"), t("load.first_here")),),
            id=raw_id,
            other=other_id,
        )
        self.mark_invalid(raw_id, kind)

    # -- pydantic errors -----------------------------------------------------------------------

    def schema_error(self, source: Source, model_cls: type[BaseModel], error: Any) -> None:
        loc: tuple[str | int, ...] = tuple(error["loc"])
        if self.full(
            source.path, lambda: source.location(*loc, key=error["type"] == "extra_forbidden")
        ):
            return
        kind = error["type"]
        field = path_parts([p for p in loc if p != "[key]"]) or "-"
        given = _shown(error.get("input"))
        ctx = error.get("ctx") or {}
        if kind == "missing":
            self.emit("SPBE108", source.location(*loc[:-1]), "schema.missing", field=field)
            return
        if kind == "extra_forbidden":
            name = str(loc[-1])
            # The fields where the key is (`aktif` in a program is not `bukti` of a penilaian).
            level = _annotation_at(model_cls, loc[:-1])
            if isinstance(level, type) and issubclass(level, BaseModel):
                hint = did_you_mean(name, level.model_fields)
                if hint is None and "catatan" in level.model_fields:
                    # `aktif: ya`, a field of one's own: where such a remark goes.
                    hint = t("hint.extra_to_catatan")
            else:
                hint = did_you_mean(name, _field_names(model_cls))
            if re.match(_THOUSANDS_TAIL, name):
                # `{nilai: 1,500,000}`: inside braces each comma ends an entry, so '500' and
                # '000' became keys and nilai became 1.
                hint = t("hint.thousands_in_braces")
            self.emit(
                "SPBE102", source.location(*loc, key=True), "schema.extra", hint=hint, field=field
            )
            return
        location = source.location(*loc, key="[key]" in loc)
        if "input" in error and error["input"] is None:
            if self.emptied_by_comment(location, "SPBE101", field):
                return
            # `horizon:` with nothing after it: an empty value, not "the value 'null'".
            _, values, hint = _translate(kind, ctx, error, model_cls)
            if kind == "literal_error":
                hint = t("hint.one_of", values=values["expected"])
            self.emit("SPBE101", location, "schema.empty_value", hint=hint, field=field)
            return
        if is_placeholder(error.get("input")):
            # `spbe new` wrote '[ISI]' here: the field is still to be filled in, and that is
            # this one finding (the SPBE901 "placeholder" warning at the place is dropped).
            key, values, _ = _translate(kind, ctx, error, model_cls)
            code = "SPBE103" if _is_id_field(model_cls, loc) else "SPBE101"
            key = "schema.id" if code == "SPBE103" else key
            hint = t("hint.placeholder", value=given)
            self.emit(code, location, key, hint=hint, field=field, value=given, **values)
            return
        if (kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN) or (
            kind == "string_too_long" and _is_id_field(model_cls, loc)
        ):
            raw = str(error.get("input", ""))
            meant, invisible = without_invisible(raw)
            bad = describe_non_ascii(raw)
            trimmed = raw.strip().rstrip(".,;:")
            if loc != ("id",) and " " in raw.strip() and _name_like(raw) and not bad:
                # `opd_pj: Dinas Komunikasi dan Informatika`: a name where its id is wanted
                # (`DISKO MINFO`, a stray space in an id, is told by hint.id_invisible).
                id_hint = t("hint.name_not_id")
                self.catalog.name_refs.append((location, raw.strip()))
            elif trimmed != raw.strip() and re.fullmatch(ID_PATTERN, trimmed):
                # `opd_pj: DISKOMINFO.`: the full stop that ends a sentence.
                id_hint = t("hint.no_trailing", name=trimmed, char=raw.strip()[len(trimmed)])
            elif invisible and re.fullmatch(ID_PATTERN, meant) and len(meant) <= ID_MAX:
                id_hint = t("hint.id_invisible", name=meant, chars="; ".join(invisible))
                if loc == ("id",) and _plain_id(raw) == meant:
                    self.catalog.meant_ids.append((location, meant))
            elif (plain := _plain_id(raw)) is not None:
                # `DISPАR`, a Cyrillic А: the letter and its script, and the id it looks like.
                letters = _letters(latin_lookalikes(meant)[1])
                id_hint = t("hint.id_lookalike", name=plain, letters=letters)
                if invisible:
                    id_hint += "; " + t("hint.also_invisible", chars="; ".join(invisible))
                if loc == ("id",):
                    self.catalog.meant_ids.append((location, plain))
            elif bad:
                id_hint = t("hint.non_ascii", chars="; ".join(bad))
            else:
                id_hint = t("hint.id_pattern")
            self.emit("SPBE103", location, "schema.id", hint=id_hint, field=field, value=given)
            return
        if loc and loc[-1] == "url" and kind in ("string_pattern_mismatch", "string_too_long"):
            self.emit("SPBE109", location, "schema.url", field=field, value=given)
            return
        key, values, hint = _translate(kind, ctx, error, model_cls)
        self.emit("SPBE101", location, key, hint=hint, field=field, value=given, **values)


def _emptied_at(problem: yamlio.YamlProblem) -> tuple[int, int] | None:
    """Where the value a comment emptied is, for a `nomor: #5` problem (SPBE111); else None."""
    if problem.key != "load.glued_comment_empty":
        return None
    line, column = problem.values.get("value_line"), problem.values.get("value_column")
    if type(line) is not int or type(column) is not int:
        return None  # a cached entry of an older spbe: said as two findings, as it was
    return line, column


def _decimal_split(value: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], str] | None:
    """The key and the number before it when ``loc`` is a decimal split by its comma.

    Inside ``{...}`` a comma ends an entry: ``{2026: 1,5}`` is ``{2026: 1, 5: null}``. An error
    about an empty key made of digits, right after an entry holding a whole number, is that.
    """
    path = loc[:-1] if loc and loc[-1] == "[key]" else loc
    if not path or not isinstance(path[-1], str) or not path[-1].isascii():
        return None
    if not path[-1].isdigit() or re.match(_THOUSANDS_TAIL, path[-1]):
        return None  # '1,500,000': thousands, told by hint.thousands_in_braces
    container = value
    for part in path[:-1]:
        if (isinstance(container, dict) and part in container) or (
            isinstance(container, list) and isinstance(part, int) and part < len(container)
        ):
            container = container[part]
        else:
            return None
    if not isinstance(container, dict) or container.get(path[-1], "") is not None:
        return None
    keys = list(container)
    index = keys.index(path[-1])
    before = container[keys[index - 1]] if index else None
    if not isinstance(before, str) or not before.lstrip("-").isdigit() or not before.isascii():
        return None
    return path, before


def _read_as_numbers(
    value: Any, model: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """``(path, text)`` of each text like ``1.500`` in ``value`` the model holds as a number."""
    if isinstance(value, str):
        if (
            isinstance(model, (Decimal, float, int))
            and not isinstance(model, bool)
            and yamlio.GROUPED_NUMBER.match(value)
        ):
            yield path, value
    elif isinstance(value, dict):
        if isinstance(model, BaseModel):
            parts: dict[Any, Any] = {key: getattr(model, key, None) for key in value}
        elif isinstance(model, dict):
            # The model's keys were converted (a year is an int): matched by their text.
            by_text = {str(key): item for key, item in model.items()}
            parts = {key: by_text.get(str(key)) for key in value}
        else:
            return
        for key, item in value.items():
            yield from _read_as_numbers(item, parts[key], (*path, key))
    elif isinstance(value, list) and isinstance(model, (list, tuple)):
        for index, (item, held) in enumerate(zip(value, model, strict=False)):
            yield from _read_as_numbers(item, held, (*path, index))


def _without_typo_twins(found: Iterable[Any]) -> list[Any]:
    """Drop "required field missing" when an unknown key beside it is that field misspelt.

    ``horison: menengah`` is one mistake: the unknown key (with "did you mean horizon?") says
    it; "kolom wajib 'horizon' belum diisi" at the top of the document would say it twice.
    """
    errors: list[Any] = list(found)
    unknown: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            unknown.setdefault(loc[:-1], []).append(str(loc[-1]))
    if not unknown:
        return errors
    kept = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and any(
            closest(key, [str(loc[-1])]) for key in unknown.get(loc[:-1], ())
        ):
            continue
        kept.append(error)
    return kept


def _shown(value: Any, limit: int = 60) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The patterns of the hints below (and of the dates further down) serve refused values only:
# kept as text and matched with re.match, which compiles each the first time it is used and
# keeps it; a catalog without such a mistake compiles none (some 1 % of ``spbe validate``).

#: A whole number written with thousands separators (1.500.000, 1,500,000 or 1 500 000).
_THOUSANDS = r"^-?[0-9]{1,3}(?:[., \u00a0][0-9]{3})+$"
#: A whole number written as a decimal with nothing after the point (2025.0, as Excel copies).
_POINT_ZERO = r"^(-?[0-9]+)\.0+$"
#: An amount written with its currency (Rp 1.500.000, Rp. 1500000, 1.500.000 rupiah).
_RUPIAH = r"(?i)^(?:rp\.?\s*[0-9][0-9.,]*|[0-9][0-9.,]*\s*(?:rp|rupiah))$"
#: A number with its unit after it (50%, 10 persen, 3 unit, 10,5 %).
_UNIT_AFTER = r"^(-?[0-9]+(?:[.,][0-9]+)?)\s*(%|[A-Za-z][A-Za-z ]*)$"
#: A number in scientific notation (1.5e6, 2E+9).
_EXPONENT = r"^-?[0-9]*\.?[0-9]+[eE][-+]?[0-9]+$"
#: What a word written in a true/false field means: the value to write instead.
_BOOL_WORDS = dict.fromkeys(
    ("ya", "iya", "y", "yes", "on", "benar", "1", "true"), "true"
) | dict.fromkeys(("tidak", "t", "n", "no", "off", "bukan", "salah", "0", "false"), "false")
#: A key that is the tail of such a number split at its commas inside ``{...}``.
_THOUSANDS_TAIL = r"^[0-9]{3}$"

_TYPE_KEYS = {
    "string_type": "schema.expected_text",
    "int_type": "schema.expected_number",
    "float_type": "schema.expected_number",
    "decimal_type": "schema.expected_number",
    "bool_type": "schema.expected_bool",
    "dict_type": "schema.expected_mapping",
    "model_type": "schema.expected_mapping",
    "model_attributes_type": "schema.expected_mapping",
    "list_type": "schema.expected_list",
    "date_type": "schema.date",
    "int_parsing": "schema.int",
    "int_from_float": "schema.int",
    "float_parsing": "schema.number",
    "decimal_parsing": "schema.number",
    "finite_number": "schema.number",
    "bool_parsing": "schema.bool",
    "date_parsing": "schema.date",
    "date_from_datetime_parsing": "schema.date",
    "date_from_datetime_inexact": "schema.date",
    "string_too_short": "schema.too_short",
    "string_too_long": "schema.too_long",
    "string_pattern_mismatch": "schema.pattern",
    "spbe_date_format": "schema.date",
    "spbe_regulasi_nomor": "schema.regulasi_nomor",
    "spbe_indeks_pemdi": "schema.indeks_pemdi",
    "spbe_int": "schema.int",
    "spbe_bool": "schema.bool",
    "spbe_number": "schema.number",
    "spbe_too_many_digits": "schema.digits",
    "spbe_number_range": "schema.number_range",
}


def _translate(
    kind: str, ctx: dict[str, Any], error: Any, model_cls: type[BaseModel]
) -> tuple[str, dict[str, Any], str | None]:
    """Pick the message key, its values and a hint for one pydantic error."""
    given = str(error.get("input", ""))
    if kind == "literal_error":
        # The values of the one home (spbe_cli.reference.values); pydantic's own words for a
        # model outside the catalog's.
        options = literal_at(model_cls, tuple(error["loc"]))
        if not options:
            return "schema.literal", {"expected": str(ctx.get("expected", ""))}, None
        return "schema.literal", {"expected": ", ".join(options)}, did_you_mean(given, options)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = next(iter(ctx.values()), "")
        return f"schema.{kind}", {"limit": limit}, None
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ONE_LINE:
        return "schema.one_line", {}, None
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in code_formats():
        pattern = str(ctx["pattern"])
        fixed = fixed_code(given, pattern)
        hint = t("hint.did_you_mean", name=fixed) if fixed else None
        return "schema.code_format", {"format": t(code_formats()[pattern])}, hint
    if kind in _TYPE_KEYS:
        hint = None
        if kind in _NUMBER_KINDS and (ended := re.match(_ENDED_NUMBER, given.strip())):
            # `baseline: 20.`, `tahun_mulai: 2025.`: the full stop that ends a sentence.
            hint = t("hint.no_trailing", name=ended[1], char=ended[2])
        elif kind in ("int_parsing", "spbe_int", "spbe_number") and re.match(_THOUSANDS, given):
            hint = t("hint.no_thousands", number=re.sub(r"[., \u00a0]", "", given))
        elif kind == "spbe_int" and (whole := re.match(_POINT_ZERO, given)):
            hint = t("hint.no_point_zero", number=whole[1])
        elif kind in ("int_parsing", "spbe_int", "spbe_number") and re.match(_RUPIAH, given):
            number = _rupiah_digits(given)
            hint = t("hint.no_currency", number=number) if number else None
        elif kind in _DATE_KINDS:
            hint = _date_hint(given)
        elif kind == "string_type" and _one_text(error.get("input")):
            # `id: [DISKOMINFO]`, `nama: [Dinas Kominfo]`: one text, written as a list.
            hint = t("hint.no_brackets", value=_shown(error["input"][0]))
        elif kind == "spbe_bool":
            meant = _BOOL_WORDS.get(given.strip().strip("'\"").casefold())
            hint = t("hint.bool_meant", value=meant) if meant else t("hint.bool")
        elif kind in ("spbe_number", "spbe_int") and (unit := re.match(_UNIT_AFTER, given)):
            # `target: {2026: 50%}`, `baseline: 10 persen`, `tahun_mulai: 2025 M`.
            decimal = kind == "spbe_number"  # an indicator's value, beside its satuan
            number = unit[1].replace(",", ".") if decimal else unit[1]
            key = "hint.no_unit_satuan" if decimal else "hint.no_unit"
            hint = t(key, number=number, unit=unit[2].strip())
        elif kind in ("decimal_parsing", "float_parsing", "spbe_number") and "," in given:
            hint = t("hint.decimal_point")
        elif kind in ("spbe_number", "spbe_int") and re.match(_EXPONENT, given):
            hint = t("hint.no_exponent")
        elif kind in ("int_parsing", "spbe_int") and (years := re.match(_YEAR_RANGE, given)):
            # `tahun_mulai: 2025/2026`: one year a field.
            hint = t("hint.one_year", year=years[1])
        if hint is None and kind in (*_DATE_KINDS, "date_type"):
            hint = t("schema.editor_date")  # `besok`: what a date looks like
        if hint is None and kind in _SHAPE_KINDS:
            hint = _shape_example(kind, model_cls, tuple(error["loc"]), error.get("input"))
        values: dict[str, Any] = {"pattern": ctx.get("pattern", "")}
        values.update({k: v for k, v in ctx.items() if k in ("min_length", "max_length")})
        if kind == "string_too_long":
            values["length"] = len(str(error.get("input", "")))  # how much to cut
        values.update(digits=ctx.get("digits", NILAI_DIGITS), decimals=NILAI_DECIMALS)
        return _TYPE_KEYS[kind], values, hint
    if kind == "value_error":
        return "schema.value", {"detail": str(ctx.get("error", error.get("msg", "")))}, None
    return "schema.other", {"detail": error.get("msg", kind)}, None


def _usable_id(value: str | None) -> bool:
    """Whether ``value`` names an id, maybe with a space, an invisible or look-alike character.

    ``DISKOMINFO `` and ``DISKОMINFO`` (a Cyrillic О) do: their own hints say what to fix.
    ``''``, ``123``, ``2025-01-01`` or ``Dinas Kominfo`` do not: which id was meant is unknown.
    """
    if value is None or " " in value.strip():
        return False  # `id: Dinas Kominfo`: a name, not an id with a stray space
    meant, _ = without_invisible(value)
    return re.fullmatch(ID_PATTERN, id_skeleton(meant)) is not None


def _plain_id(value: str) -> str | None:
    """The id ``value`` is but for white space, invisible characters or look-alike letters.

    ``DISPAR`` for ``'DISPAR '`` (a space typed after it), for a no-break space (U+00A0) pasted
    from a document after it, for a zero width space (U+200B) inside it, or for ``DISPАR``
    typed with a Cyrillic А (:data:`~spbe_cli.catalog.LOOKALIKES`); None for a valid id, a name
    (``Dinas Pariwisata``) or a value those characters taken out leave invalid.
    """
    meant, invisible = without_invisible(value)
    meant, letters = latin_lookalikes(meant)
    if not (invisible or letters) or not _usable_id(value) or len(meant) > ID_MAX:
        return None
    return meant if re.fullmatch(ID_PATTERN, meant) else None


def _letters(letters: list[str]) -> str:
    """Look-alike letters as a hint names them: ``'А' (U+0410) huruf Kiril``."""
    return "; ".join(
        t("hint.letter_script", char=char, code=f"{ord(char):04X}", script=t(_script(char)))
        for char in letters
    )


def _script(char: str) -> str:
    """The message key of a letter's script (the scripts of LOOKALIKES have their own word)."""
    script = script_of(char)
    return f"script.{script}" if script in ("cyrillic", "greek") else "script.other"


def _name_like(value: str) -> bool:
    """Whether ``value`` reads as a name (words in lower case), not an id with a space in it."""
    return any(char.islower() for char in value)


#: Errors of a number that is not one.
_NUMBER_KINDS = ("int_parsing", "spbe_int", "spbe_number", "decimal_parsing", "float_parsing")
#: 20. or 2025, or 7.5; : a number and the punctuation that ends a sentence or a list item.
_ENDED_NUMBER = r"^(-?[0-9]+(?:\.[0-9]+)?)([.,;:])$"
#: Errors of a value of the wrong shape: what to write is shown by an example (_shape_example).
_SHAPE_KINDS = ("dict_type", "model_type", "model_attributes_type", "list_type")
#: 2025/2026, 2025-2026, 2025 – 2026: two years where one is wanted.
_YEAR_RANGE = r"^\s*([0-9]{4})\s*[/\-\u2013\u2014]\s*[0-9]{2,4}\s*$"


def _shape_example(kind: str, model_cls: type[BaseModel], loc: tuple[Any, ...], given: Any) -> str:
    """The hint for a value of the wrong shape: the field written the right way.

    ``target: 80`` -> ``target: {2026: 80}``; ``urusan: 2.16, 2.20`` -> ``urusan: [2.16, 2.20]``;
    a list of entries (``indikator``) or a group of fields (``mitra``) says how it is laid out.
    """
    wanted = _annotation_at(model_cls, loc)
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    scalar = isinstance(given, (str, int, float, Decimal)) and not isinstance(given, bool)
    text = str(given).strip() if scalar else ""
    if kind == "list_type":
        item = unwrap(get_args(wanted)[0]) if get_origin(wanted) is list else None
        if isinstance(item, type) and issubclass(item, BaseModel):
            return t("hint.example_entries", field=name, fields=_some_fields(item))
        items = [part.strip() for part in text.split(",") if part.strip()] or ["…"]
        return t("hint.example_list", example=f"{name}: [{', '.join(items)}]")
    if get_origin(wanted) is dict:
        value = text if text and "," not in text else "…"
        if unwrap(get_args(wanted)[0]) is int:  # a year: Tahun
            return t("hint.example_years", example=f"{name}: {{2026: {value}, 2027: …}}")
        return t("hint.example_mapping", example=f"{name}: {{…: {value}}}")
    if isinstance(wanted, type) and issubclass(wanted, BaseModel):
        return t("hint.example_items", field=name, fields=_some_fields(wanted))
    return t("hint.example_mapping", example=f"{name}: {{…: …}}")


def _some_fields(model_cls: type[BaseModel]) -> str:
    """The first fields of a model (required ones first), for a hint: ``nama, satuan, …``."""
    fields = model_cls.model_fields
    names = sorted(fields, key=lambda name: not fields[name].is_required())
    return ", ".join(names[:4]) + (", …" if len(names) > 4 else "")


def _annotation_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The type the schema wants at ``loc`` of a document (None when it cannot be told)."""
    current: Any = model_cls
    for part in loc:
        current = unwrap(current)
        if isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        elif get_origin(current) is list and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    return unwrap(current)


def _one_text(value: Any) -> TypeGuard[list[str]]:
    """Whether ``value`` is a list of exactly one text (``[DISKOMINFO]``)."""
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)


def _rupiah_digits(given: str) -> str | None:
    """The whole rupiah in ``Rp 1.500.000,00`` (``1500000``), or None when it is not clear."""
    amount = re.sub(r"(?i)rp\.?|rupiah|\s", "", given)
    amount = re.sub(r",0{1,2}$", "", amount)
    digits = re.sub(r"[.,]", "", amount)
    if not digits.isdigit() or not (re.match(_THOUSANDS, amount) or amount.isdigit()):
        return None
    return str(int(digits))


#: 30/09/2026, 30-09-2026, 30.09.2026 (day first, as written in Indonesia).
_DAY_FIRST = r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$"
#: 30 September 2026, 30 Sep 2026.
_DAY_MONTH_NAME = r"^([0-9]{1,2})[ -]+([A-Za-z]+\.?)[ -]+([0-9]{4})$"
#: 2026/09/30, 2026-9-30.
_YEAR_FIRST = r"^([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})$"


_DATE_KINDS = ("spbe_date_format", "date_parsing", "date_from_datetime_parsing")
#: 2025-12-15T10:00, 2025-12-15 10:00:00: a date with its time of day.
_DATE_TIME = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{1,2}[:.][0-9]{2}"
#: Desember 2026, Des 2026, 12/2026, 12-2026: a month without its day.
_MONTH_YEAR = r"^([A-Za-z]+\.?|[0-9]{1,2})[ /.-]+([0-9]{4})$"


def _date_hint(given: str) -> str | None:
    """What to write instead of a date written another way.

    A real date only: a day that is not there is never guessed (``Desember 2026``).
    """
    from datetime import date

    from spbe_cli.formatting import month_number

    text = given.strip()
    if iso := _iso_from(text):
        return t("hint.iso_date", date=iso)
    if match := re.match(_DATE_TIME, text):
        day = _iso_from(match[1])
        return t("hint.date_without_time", date=day) if day else None
    if match := re.match(_MONTH_YEAR, text):
        named = int(match[1]) if match[1].isdigit() else month_number(match[1])
        if named is not None and 1 <= named <= 12:
            return t("hint.date_needs_day", month=f"{match[2]}-{named:02d}")
        return None
    if re.match(_ISO_SHAPE, text):
        year, first, second = (int(part) for part in text.split("-"))
        try:
            swapped = date(year, second, first).isoformat()  # 2026-13-01: day and month swapped
        except ValueError:
            return t("hint.no_such_date")
        return t("hint.did_you_mean", name=swapped)
    return None


_ISO_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _iso_from(given: str) -> str | None:
    """The YYYY-MM-DD form of a date written another common way, when it is a real date."""
    from datetime import date

    from spbe_cli.formatting import month_number

    text = given.strip()
    month: int | None
    if match := re.match(_DAY_FIRST, text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := re.match(_DAY_MONTH_NAME, text):
        day, month, year = int(match[1]), month_number(match[2]), int(match[3])
    elif match := re.match(_YEAR_FIRST, text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month or 0, day).isoformat()
    except ValueError:
        return None


_FORMATS: dict[str, str] = {}


def code_formats() -> dict[str, str]:
    """Pattern of each national code -> the message naming its format (not the regex)."""
    if not _FORMATS:
        from spbe_cli.models import common
        from spbe_cli.models.organisasi import Pemda, Provinsi

        def pattern(parts: Iterable[Any]) -> str:
            return next(str(p.pattern) for p in parts if getattr(p, "pattern", None))

        _FORMATS.update(
            {
                pattern(get_args(common.KodeRA)[1:]): "format.kode_ra",
                pattern(get_args(common.KodeUrusan)[1:]): "format.kode_urusan",
                pattern(get_args(common.KodeWilayah)[1:]): "format.kode_wilayah",
                pattern(get_args(common.KodeNomenklatur)[1:]): "format.kode_nomenklatur",
                pattern(Provinsi.model_fields["kode_kemendagri"].metadata): "format.kode_provinsi",
                pattern(Pemda.model_fields["kode_kemendagri"].metadata): "format.kode_pemda",
            }
        )
    return _FORMATS


def fixed_code(given: str, pattern: str) -> str | None:
    """``94.4.01`` -> ``94.04.01``, ``rab 09 03`` -> ``RAB.09.03``, ``9404`` -> ``94.04``.

    A code the user meant, with its separators mended.
    """
    parts = [p for p in re.split(r"[\s.,/-]+", given.strip().upper()) if p]
    padded = [p.zfill(2) if p.isdigit() and len(p) == 1 else p for p in parts]
    # Urusan and nomenklatur codes start with one digit: pad every level but that one too.
    candidates = [".".join(padded), ".".join(parts[:1] + padded[1:])]
    if len(parts) == 1 and parts[0].isdigit():  # the dots left out: two digits a level
        candidates.append(".".join(parts[0][i : i + 2] for i in range(0, len(parts[0]), 2)))
    for candidate in candidates:
        if candidate != given and re.fullmatch(pattern, candidate):
            return candidate
    return None


_FIELD_CACHE: dict[type[BaseModel], list[str]] = {}


def _all_fields(model_cls: type[BaseModel]) -> Iterator[tuple[str, Any]]:
    """Every ``(name, FieldInfo)`` of a model and of the models nested in it."""
    todo = [model_cls]
    seen: set[type[BaseModel]] = set()
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for name, info in cls.model_fields.items():
            yield name, info
            todo.extend(nested_models(info.annotation))


def _field_names(model_cls: type[BaseModel]) -> list[str]:
    """Every field name reachable from a model, for 'did you mean' hints on unknown keys."""
    if model_cls not in _FIELD_CACHE:
        _FIELD_CACHE[model_cls] = sorted({name for name, _ in _all_fields(model_cls)})
    return _FIELD_CACHE[model_cls]


_ID_FIELD_CACHE: dict[type[BaseModel], frozenset[str]] = {}


def _is_id_field(model_cls: type[BaseModel], loc: tuple[str | int, ...]) -> bool:
    """Tell whether the field at ``loc`` holds an id or a reference (the ID_PATTERN type)."""
    if model_cls not in _ID_FIELD_CACHE:
        _ID_FIELD_CACHE[model_cls] = frozenset(
            name
            for name, info in _all_fields(model_cls)
            if _has_id_pattern(info.metadata) or _has_id_pattern(get_args(info.annotation))
        )
    field = next((part for part in reversed(loc) if isinstance(part, str)), None)
    return field in _ID_FIELD_CACHE[model_cls]


def _has_id_pattern(parts: Iterable[Any]) -> bool:
    for part in parts:
        if getattr(part, "pattern", None) == ID_PATTERN or _has_id_pattern(get_args(part)):
            return True
    return False


def load_files(
    root: Path,
    files: Iterable[tuple[str, bytes | ParsedFile]],
    root_display: str = "",
    on_step: StepHook | None = None,
    total: int = 0,
    validated: ValidationMemo | None = None,
) -> tuple[Catalog, list[Finding]]:
    """Load a catalog from file contents already in memory (a git revision, say).

    ``files`` yields ``(display path, bytes)``, or ``(display path, ParsedFile)`` for a content
    parsed already; ``root`` is where prose files would be found. ``validated`` remembers the
    schema outcome of each document value across calls (see :meth:`_Loader.validate`).
    """
    loader = _Loader(root, root_display, open_cache(), validated)
    with collector.paused():
        for done, (display, data) in enumerate(files, 1):
            if isinstance(data, ParsedFile):
                loader.load_parsed(display, data)
            else:
                loader.load_bytes(display, data)
            if on_step is not None:
                on_step(done, total)
    return _finish(loader)


def _finish(loader: _Loader) -> tuple[Catalog, list[Finding]]:
    catalog = loader.catalog
    if catalog.metadata is None and not loader.metadata_seen:
        loader.emit("SPBE107", Location(loader.root_display or "."), "load.no_metadata")
    complete_catalog(catalog)
    return catalog, loader.findings


def complete_catalog(catalog: Catalog) -> None:
    """The last loading step: build what the catalog derives from its own documents.

    The reference is extended by the catalog's ``entitas: referensi`` declarations, the prose
    files and the logo the metadata names are read (or their problem recorded) and the index
    by kind is built.
    Every command loads through here, so validate, render, diff, progress, sync, list, show and
    graph all see the same catalog; the checks only read what this step recorded.
    """
    # The declaration rules live with the other reference rules (SPBE209/SPBE210); their
    # findings wait on the catalog for spbe validate to report.
    from spbe_cli.checks import Context
    from spbe_cli.checks.references import extend_reference

    context = Context(catalog)
    extend_reference(context)
    catalog.declaration_findings = context.findings
    if catalog.metadata is not None:
        catalog.prose = {
            section: read_prose_file(catalog.root, rel)
            for section, rel in catalog.metadata.prosa.items()
        }
        if catalog.metadata.logo is not None:
            catalog.logo = read_logo_file(catalog.root, catalog.metadata.logo)
    catalog.by_kind()


def _parsed_files(
    root: Path, files: list[CatalogFile], known: Mapping[str, tuple[int, str]]
) -> Iterator[Parsed | None]:
    """Each file parsed (or read from the cache) by worker processes for a large catalog.

    None for each file to load here (a small catalog, no idle core).
    """
    from spbe_cli.parallel import parse_in_workers, worker_count

    workers = worker_count(len(files))
    if workers:
        yield from parse_in_workers(root, files, workers, known)
    else:
        yield from (None for _ in files)


def load_catalog(
    root: Path,
    root_display: str | None = None,
    on_step: StepHook | None = None,
    known: Mapping[str, tuple[int, str]] | None = None,
) -> tuple[Catalog, list[Finding]]:
    """Load every YAML file under ``root`` into a :class:`Catalog` plus the findings of loading.

    ``known`` gives ``{shown path: (size, SHA-256)}`` of files read a moment ago (by the run
    record's check): such a file whose per-file entry is in the content cache is loaded from
    it without being read again.

    Raises:
        SpbeError: the folder does not exist or is not a folder.
    """
    if not root.exists():
        raise SpbeError(t("load.no_folder", path=str(root)))
    if not root.is_dir():
        raise SpbeError(t("load.not_folder", path=str(root)))
    display = root_display if root_display is not None else root.as_posix()
    from spbe_cli.parallel import watch_cpu

    # Catalog objects (and the reference data the loader reads first) live until the process
    # ends; the cyclic collector only slows loading.
    with collector.paused():
        loader = _Loader(root, display, open_cache(), known=known)
    # Only a run that imported spbe_cli.incremental can be capturing (validate_report).
    incremental = sys.modules.get("spbe_cli.incremental")
    if incremental is not None:
        incremental.observe_loader(loader)
    watch_cpu()  # how busy the machine is while the files are listed decides on workers
    files = find_files(root, display)
    with collector.paused():
        parsed_files = _parsed_files(root, files, loader.known)
        for done, (file, parsed) in enumerate(zip(files, parsed_files, strict=True), 1):
            if parsed is None:
                loader.load_file(file)
            else:
                size, key, result = parsed
                note_file(file.display, file.kind, size, key)
                loader.load_parsed(file.display, result)
            if on_step is not None:
                on_step(done, len(files))
    return _finish(loader)


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LOGO_BYTES",
    "YAML_SUFFIXES",
    "CatalogFile",
    "Severity",
    "display_path",
    "find_files",
    "load_catalog",
    "load_files",
    "logo_file",
    "prose_file",
    "read_prose_file",
]
