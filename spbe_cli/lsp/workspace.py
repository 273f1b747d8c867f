"""The catalog as an editor sees it: files on disk overlaid by open buffers, checked live.

This module knows nothing of the Language Server Protocol (``server.py`` does): it keeps a
loaded catalog and its findings per file, and re-checks after an edit in two steps:

1. :meth:`Workspace.update`, on every keystroke: re-read only the edited file (and the files
   whose load findings point at it, such as the other half of a duplicated id) into a catalog
   that keeps every other file's entities, and check the references its documents make. The
   edited file's syntax, schema and reference findings are then current, in milliseconds. In
   a buffer of many documents only those whose text changed are parsed and schema-validated
   again (:mod:`spbe_cli.lsp.documents`); the result is the whole file's.
2. :meth:`Workspace.recheck`, when the typing pauses (the server runs it in a thread, on a
   snapshot): every cross-entity rule over the whole catalog, so a reference broken or fixed in
   one file shows in every file that refers to it, and rules over many documents (duplicates,
   traceability) are current too. Until then the edited file keeps its other cross-entity
   findings from the last full check.

Paths are POSIX paths relative to the catalog folder, as ``spbe validate .`` would show them
from inside the catalog.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spbe_cli.catalog import Catalog, Focus, Source, id_skeleton
from spbe_cli.checks import Claims, Context, all_checks, explain_refused, run_checks
from spbe_cli.errors import Finding, Location
from spbe_cli.links import NESTED_REF_KEYS, REF_FIELDS, ReferenceIndex
from spbe_cli.loader import (
    MAX_FILE_BYTES,
    YAML_SUFFIXES,
    CatalogFile,
    ValidationMemo,
    _Loader,
    find_files,
)
from spbe_cli.lsp.documents import DocumentParser
from spbe_cli.models import DOMAINS, MODELS
from spbe_cli.parsing import ParsedDocument, ParsedFile
from spbe_cli.reference import values
from spbe_cli.ruleconfig import apply_rule_config
from spbe_cli.validate import cap_per_file, configured
from spbe_cli.yamlio import editor_lines

#: Characters of an id or a reference code (what hover and go-to-definition pick up).
_WORD = re.compile(r"[A-Za-z0-9_.\-]+")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")
_ITEM_LINE = re.compile(r"^(?P<indent>\s*)-(?:\s|$)")
_KIND_LINE = re.compile(r"^entitas:\s*([a-z_]+)\s*(?:#.*)?$")

#: Codes of the reference rule, which the quick step runs on the edited file's documents.
REFERENCE_CODES = frozenset({"SPBE201", "SPBE202", "SPBE205"})
#: Codes below this come from loading (syntax, schema); the others from cross-entity rules.
_FIRST_RULE_CODE = "SPBE2"

#: Fields that hold a code of the reference architecture, and the prefix of its codes.
_CODE_FIELDS = {field: prefix for prefix, field in DOMAINS.values()}


#: Ids gone since the last full check kept at most (a file of thousands replaced at once
#: need not be): beyond, an id retyped in another case waits for the full check.
_GONE_KEPT = 10_000

#: The kind of a completion that is a value of a field's fixed list (an enum), not an id.
VALUE = "nilai"


@dataclass(frozen=True)
class Target:
    """What a position in a file points at: an entity id or a reference-architecture code."""

    word: str
    kind: str
    name: str
    location: Location | None


@dataclass(frozen=True)
class Candidate:
    """One completion: the id or code to insert, what it is and its name."""

    label: str
    kind: str
    name: str


class Workspace:
    """A catalog folder whose files can be replaced by editor buffers and re-checked."""

    def __init__(self, root: Path, incremental: bool = True) -> None:
        self.root = root
        self.catalog: Catalog | None = None
        self._loader = _Loader(root, "")
        #: What each file added to the catalog: entity ids, id skeletons, invalid ids.
        self.ids_in: dict[str, list[str]] = {}
        self.skeletons_in: dict[str, list[str]] = {}
        self.paths: list[str] = []
        #: How many files each path added to ``catalog.files`` (0 when it could not be read).
        self.counted_in: dict[str, int] = {}
        self.load_findings: dict[str, list[Finding]] = {}
        self.findings: dict[str, list[Finding]] = {}
        #: ids whose document failed validation, per file (references to them are not reported).
        self.invalid_in: dict[str, dict[str, str]] = {}
        self.overlays: dict[str, bytes] = {}
        #: The reference data as the catalog extends it, from the last full check.
        self.reference: Any = None
        #: The rule configuration (``.spbe.yaml``) read by the last full check.
        self.config: Any = None
        #: Ids the last full check found declared in another case than their references.
        self.case_declared: frozenset[str] = frozenset()
        #: Ids edits took out of the catalog since the last full check, by their case-folded
        #: form: `id: DISKOMINFO` retyped `id: diskominfo` (see :meth:`_quick`).
        self.gone: dict[str, str] = {}
        #: Open buffers parsed again document by document (None: parsed whole, as validate).
        self.parser: DocumentParser | None = DocumentParser() if incremental else None
        #: Schema outcomes of the buffers' documents, by value (a reused document is not
        #: validated again); only those of the documents the parser keeps are kept.
        self.validated: ValidationMemo = {}
        self._kept_outcomes = 64
        #: Who refers to which id (by its case-folded form), for the questions of the quick
        #: step about one id (checks.CaseView); brought up to date when asked (:meth:`index`),
        #: for the entities edits loaded again or took out since (``_unindexed``).
        self._index: ReferenceIndex | None = None
        self._unindexed: set[str] = set()
        #: What each document of a buffer added, in file order (a buffer of documents only,
        #: see :meth:`_load_documents`): an edit loads again only the documents it changed.
        self.added_in: dict[str, list[_Added]] = {}

    # -- paths --------------------------------------------------------------------------------

    def is_config(self, path: Path) -> bool:
        """Whether ``path`` is the catalog's rule configuration (``.spbe.yaml``)."""
        from spbe_cli.ruleconfig import CONFIG_FILE

        try:
            return path.resolve() == (self.root / CONFIG_FILE).resolve()
        except OSError:
            return False

    def inside(self, path: Path) -> bool:
        """Whether ``path`` is in the catalog folder, outside its hidden folders."""
        try:
            rel = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        return not any(part.startswith(".") for part in rel.parts)

    def relative(self, path: Path) -> str | None:
        """The catalog-relative POSIX path of a YAML file inside the catalog, else None."""
        try:
            rel = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return None
        if not rel.parts or any(part.startswith(".") for part in rel.parts):
            return None
        if not rel.name.lower().endswith(YAML_SUFFIXES):
            return None
        return rel.as_posix()

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> set[str]:
        """Load and check the whole catalog from disk; return the files that have findings."""
        self._loader = loader = _Loader(self.root, "")
        self.catalog = loader.catalog
        self.invalid_in, self.ids_in, self.skeletons_in, self.load_findings = {}, {}, {}, {}
        self.counted_in, self.added_in = {}, {}
        # A workspace without a catalog folder (yet) is empty, not an error: the editor stays up.
        files = find_files(self.root, "") if self.root.is_dir() else []
        self.paths = sorted(file.display for file in files)
        for file in files:
            self._load_one(file.display, self.overlays.get(file.display), file)
        for rel, data in self.overlays.items():
            if rel not in self.paths:  # a new file not yet saved
                self.paths.append(rel)
                self._load_one(rel, data)
        self.catalog.by_kind()  # computed once; edits keep it up to date (_reload)
        self._index, self._unindexed = ReferenceIndex.of(self.catalog), set()
        return self._check(set(self.findings))

    def index(self) -> ReferenceIndex:
        """The catalog's :class:`~spbe_cli.links.ReferenceIndex`, up to date."""
        assert self.catalog is not None
        if self._index is None:
            self._index, self._unindexed = ReferenceIndex.of(self.catalog), set()
        elif self._unindexed:
            self._index.refresh(self.catalog, self._unindexed)
            self._unindexed = set()
        return self._index

    def _load_one(
        self,
        rel: str,
        data: bytes | None,
        file: CatalogFile | None = None,
        parsed: ParsedFile | None = None,
    ) -> None:
        """Load one file into the catalog, noting what it added (to take it out again later).

        ``parsed``: ``data`` parsed already (by the parser of buffers). A buffer is loaded
        document by document, noting what each adds (:class:`_Added`), so that the next edit
        loads again only the documents it changed (:meth:`_update_documents`).
        """
        loader, catalog = self._loader, self._loader.catalog
        counts = (len(catalog.invalid), len(catalog.entities), len(loader.first_id))
        files = catalog.files
        loader.findings = []
        self.added_in.pop(rel, None)
        if data is not None and self.parser is not None:
            loader.validated = self.validated
            self._load_documents(rel, data, parsed)
            loader.validated = None
        elif data is not None:
            loader.load_bytes(rel, data)
        elif file is not None:
            if self.parser is not None:
                self.parser.forget(rel)
            loader.load_file(file)
        invalid = _newest(catalog.invalid, counts[0])
        ids = _newest(catalog.entities, counts[1])
        skeletons = _newest(loader.first_id, counts[2])
        self.invalid_in[rel] = {key: catalog.invalid[key] for key in invalid}
        self.ids_in[rel] = ids
        self.skeletons_in[rel] = skeletons
        self.counted_in[rel] = catalog.files - files
        for path, findings in _by_path(loader.findings).items():
            self.load_findings.setdefault(path, []).extend(findings)

    def _load_documents(self, rel: str, data: bytes, parsed: ParsedFile | None) -> None:
        """Load a buffer with the parser of buffers, noting what each document adds."""
        assert self.parser is not None
        loader, catalog = self._loader, self._loader.catalog
        seen: list[ParsedFile] = []
        added: list[_Added] = []
        marks = _Marks.of(loader)
        plain = True  # nothing but documents: no problem of the file, no SPBE018

        def parse(data: bytes) -> ParsedFile:
            assert self.parser is not None
            seen.append(parsed if parsed is not None else self.parser.parse(rel, data))
            return seen[-1]

        def each(index: int) -> None:
            nonlocal marks, plain
            now = _Marks.of(loader)
            if index == 0:
                plain = marks == now
            else:
                added.append(marks.added(loader, seen[0].documents[index - 1], index - 1))
            marks = now

        loader.load_bytes(rel, data, parse, each)
        if not seen or not seen[0].documents:
            return
        documents = seen[0].documents
        added.append(marks.added(loader, documents[-1], len(documents) - 1))
        if plain and not seen[0].problems and rel not in catalog.skipped_findings:
            self.added_in[rel] = added

    def update(self, rel: str, data: bytes | None) -> set[str]:
        """Replace one file's content (``None``: back to the file on disk); the quick step.

        Returns the files whose findings changed (to publish again); :meth:`recheck` brings
        every file up to date.
        """
        if data is None:
            self.overlays.pop(rel, None)
        else:
            self.overlays[rel] = data
        if self.catalog is None:
            return self.load()
        todo = [rel, *self._dependents(rel)]
        if data is None or len(todo) > 1 or not self._update_documents(rel, data):
            self._reload(todo)
        for path in todo:
            self._quick(path)
        return set(todo)

    def _update_documents(self, rel: str, data: bytes) -> bool:
        """Load again only the documents of a buffer that an edit changed; False if it cannot.

        A file of 3,000 documents, one edited: the other documents keep what they added to
        the catalog (a document moved by lines added above it, and that added only its entity,
        only has its place updated). Loaded whole instead (:meth:`_reload`): a file with a
        problem of its own (a YAML error, too many findings), whose metadata or declaration
        of codes changed, or where an id is (or becomes) a duplicate: what a document adds
        there depends on the others.
        """
        added = self.added_in.get(rel)
        catalog, loader = self.catalog, self._loader
        if added is None or self.parser is None or catalog is None or len(data) > MAX_FILE_BYTES:
            return False
        if rel in catalog.skipped_findings or any(a.duplicate for a in added):
            return False
        parsed = self.parser.parse(rel, data)
        plan = _plan(added, parsed, loader.first_id)
        if plan is None:
            self._reload([rel], parsed)
            return True
        kept, moved, changed, removed = plan
        by_kind = catalog.by_kind()
        gone: dict[str, set[str]] = {}
        before: dict[str, Any] = {}
        for note in removed:
            self._take_out((note.ids, note.skeletons, note.invalid), gone, before)
        dropped = {id(f) for note in removed for f in note.findings}
        if dropped:
            kept_findings = [f for f in self.load_findings.get(rel, []) if id(f) not in dropped]
            self.load_findings[rel] = kept_findings
            loader.per_file[rel] = loader.per_file.get(rel, 0) - len(dropped)
        for name in _LISTED:
            gone_items = {id(item) for note in removed for item in getattr(note, name)}
            if gone_items:
                items = [item for item in getattr(catalog, name) if id(item) not in gone_items]
                setattr(catalog, name, items)
        for note, document, index in moved:  # only its place: one entity, nothing else
            source = Source(rel, document.positions, index, document.end_line)
            [entity_id], [skeleton] = note.ids, note.skeletons
            catalog.sources[entity_id] = source
            loader.first_id[skeleton] = (loader.first_id[skeleton][0], source)
            note.document, note.index = document, index
        loader.findings = []
        loader.validated = self.validated
        fresh: list[_Added] = []
        for index, document in changed:
            marks = _Marks.of(loader)
            loader.parsed_document(rel, index, document)
            fresh.append(marks.added(loader, document, index))
        loader.validated = None
        for path, findings in _by_path(loader.findings).items():
            self.load_findings.setdefault(path, []).extend(findings)
        if not self.load_findings.get(rel):
            self.load_findings.pop(rel, None)
        notes = sorted([*kept, *(note for note, _, _ in moved), *fresh], key=lambda n: n.index)
        self.added_in[rel] = notes
        self.ids_in[rel] = [entity_id for note in notes for entity_id in note.ids]
        self.skeletons_in[rel] = [skeleton for note in notes for skeleton in note.skeletons]
        self.invalid_in[rel] = {
            key: catalog.invalid[key]
            for note in notes
            for key in note.invalid
            if key in catalog.invalid
        }
        self._settle(by_kind, gone, before, [i for note in fresh for i in note.ids])
        if rel in catalog.skipped_findings or any(note.duplicate for note in fresh):
            self._reload([rel], parsed)  # what the file whole gives
        return True

    def _quick(self, rel: str) -> None:
        """A file's findings from its fresh load and the references its documents make."""
        assert self.catalog is not None
        catalog = self.catalog
        focus = sorted(self.ids_in.get(rel, []))
        found = list(self.load_findings.get(rel, []))
        check = _reference_check()
        # Claims on undeclared ids are about the whole catalog (its every reference): shared by
        # the reference rule and the hints below, each computed only if this file needs it.
        # The finding at `id: diskominfo` (checks.case_claims) is wanted in a file the last full
        # check found such an id in, or whose id an edit since then changed into another case
        # of an id that went; the index walks only the references to those ids.
        gone = self.gone
        retyped = [i for i in focus if gone.get(i.casefold(), i) != i] if gone else []
        wanted = [*retyped, *self.case_declared.intersection(focus)]
        claims = Claims(catalog, self.index, wanted)
        if check is not None and focus:
            view = Focus.of(catalog, focus)
            # Codes the catalog declares are known after the last full check.
            view.reference = self.reference or catalog.reference
            ctx = Context(view, case_wanted=bool(wanted), claims=claims)
            check(ctx)
            found.extend(f for f in ctx.findings if f.location.path == rel)
        # The hints of validate at a refused id or a name written for an id (`tulis id:
        # DISKOMINFO?`), as the full check gives them: the catalog is walked only when this
        # file has such a finding.
        found = explain_refused(catalog, found, claims, frozenset((rel,)))
        if self.config is not None:  # fresh findings as .spbe.yaml wants them
            found, _ = apply_rule_config(self.config, found, catalog, "")
        found.extend(
            f
            for f in self.findings.get(rel, [])
            if f.code >= _FIRST_RULE_CODE and f.code not in REFERENCE_CODES
        )
        capped = cap_per_file(
            found, {rel: catalog.skipped_findings[rel]} if rel in catalog.skipped_findings else None
        )
        if capped:
            self.findings[rel] = sorted(capped, key=Finding.sort_key)
        else:
            self.findings.pop(rel, None)

    def snapshot(self) -> tuple[Catalog, list[Finding]]:
        """What :func:`check_snapshot` needs, taken between two edits.

        The tables are copied (at C speed) because the next edit changes the catalog in place.
        """
        catalog = self.catalog
        assert catalog is not None
        copy = replace(
            catalog,
            entities=dict(catalog.entities),
            kinds=dict(catalog.kinds),
            sources=dict(catalog.sources),
            referensi=list(catalog.referensi),
            invalid=dict(catalog.invalid),
            placeholders=list(catalog.placeholders),
            rejected=list(catalog.rejected),
            name_refs=list(catalog.name_refs),
            meant_ids=list(catalog.meant_ids),
            skipped_findings=dict(catalog.skipped_findings),
            _by_kind=None,
        )
        return copy, [f for found in self.load_findings.values() for f in found]

    def apply(self, checked: Checked) -> set[str]:
        """Take the result of :func:`check_snapshot`; return the files to publish again."""
        previous = self.findings
        findings = self.findings = checked.findings
        self.reference = checked.reference
        self.config = checked.config
        self.case_declared = checked.case_declared
        self.gone = {}
        return {p for p in set(previous) | set(findings) if previous.get(p) != findings.get(p)}

    def recheck(self) -> set[str]:
        """Run every rule over the whole catalog now (the slow step); files to publish again."""
        return self.apply(check_snapshot(self.snapshot()))

    def _dependents(self, rel: str) -> list[str]:
        """Files whose load findings refer to ``rel`` (the later copy of a duplicated id)."""
        return sorted(
            path
            for path, findings in self.load_findings.items()
            if path != rel
            and any(related.location.path == rel for f in findings for related in f.related)
        )

    def content(self, rel: str) -> bytes | None:
        """A file's buffer, else its bytes on disk when ``spbe validate`` would read them."""
        if rel in self.overlays:
            return self.overlays[rel]
        path = self.root / rel
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                return None  # the load reports these with a finding; no line to point into
            return path.read_bytes()
        except OSError:
            return None

    def _on_disk(self, rel: str) -> CatalogFile | None:
        """The file ``rel`` as the catalog listing would give it, or None when it is gone.

        Read through the loader like every file of ``spbe validate``: a symlink, a FIFO or a
        file over the size limit is a finding, the same after an edit as at the start.
        """
        path = self.root / rel
        try:
            info = path.lstat()
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            kind = "symlink"
        elif stat.S_ISREG(info.st_mode):
            kind = "file"
        elif stat.S_ISDIR(info.st_mode):
            return None
        else:
            kind = "other"
        return CatalogFile(str(path), rel, kind)

    def _reload(self, todo: list[str], parsed: ParsedFile | None = None) -> None:
        """Load every file of ``todo`` again, in place; the other files' entities stay.

        ``parsed``: the first file's buffer, parsed already.
        """
        loader = self._loader
        catalog = self.catalog
        assert catalog is not None
        again = set(todo)
        by_kind = catalog.by_kind()
        gone: dict[str, set[str]] = {}
        #: the entities taken out, to tell the reference index those that changed
        before: dict[str, Any] = {}
        for rel in todo:
            added = (self.ids_in.pop(rel, []), self.skeletons_in.pop(rel, []))
            self._take_out((*added, self.invalid_in.pop(rel, {})), gone, before)
            if rel not in self.overlays and self.parser is not None:
                self.parser.forget(rel)
            loader.folded.pop(rel.casefold(), None)
            loader.per_file.pop(rel, None)
            catalog.skipped_findings.pop(rel, None)
            self.load_findings.pop(rel, None)
        if catalog.metadata_source is not None and catalog.metadata_source.path in again:
            catalog.metadata = catalog.metadata_source = None
            loader.metadata_seen = False
        catalog.referensi = [pair for pair in catalog.referensi if pair[1].path not in again]
        catalog.placeholders = [p for p in catalog.placeholders if p[0].path not in again]
        catalog.rejected = [r for r in catalog.rejected if r.location.path not in again]
        catalog.name_refs = [n for n in catalog.name_refs if n[0].path not in again]
        catalog.meant_ids = [m for m in catalog.meant_ids if m[0].path not in again]
        for rel in todo:
            catalog.files -= self.counted_in.pop(rel, 0)
            data = self.overlays.get(rel)
            file = None if data is not None else self._on_disk(rel)
            if data is None and file is None:
                if rel in self.paths:
                    self.paths.remove(rel)
                continue
            if rel not in self.paths:
                self.paths.append(rel)
            self._load_one(rel, data, file, parsed if rel == todo[0] else None)
        loaded = [i for rel in todo for i in self.ids_in.get(rel, [])]
        self._settle(by_kind, gone, before, loaded)

    def _take_out(
        self,
        added: tuple[list[str], list[str], Iterable[str]],
        gone: dict[str, set[str]],
        before: dict[str, Any],
    ) -> None:
        """Take out of the catalog what a file or a document added: ids, skeletons, refused ids.

        Notes each entity taken out in ``gone`` (by kind) and ``before`` (see :meth:`_settle`).
        """
        catalog, loader = self.catalog, self._loader
        assert catalog is not None
        ids, skeletons, invalid = added
        for entity_id in ids:
            if entity_id in catalog.entities:
                gone.setdefault(catalog.kinds[entity_id], set()).add(entity_id)
                before[entity_id] = catalog.entities[entity_id]
                del catalog.entities[entity_id], catalog.kinds[entity_id]
                del catalog.sources[entity_id]
            loader.accepted.discard(id_skeleton(entity_id))
        for skeleton in skeletons:
            loader.first_id.pop(skeleton, None)
        for key in invalid:
            catalog.invalid.pop(key, None)

    def _settle(
        self,
        by_kind: dict[str, list[str]],
        gone: dict[str, set[str]],
        before: dict[str, Any],
        loaded: list[str],
    ) -> None:
        """After documents were loaded again: the kind index, the ids gone, the index to refresh.

        ``by_kind``: the kind index before; ``gone``: the ids taken out, by kind; ``before``:
        their entities; ``loaded``: the ids the documents loaded again declare.
        """
        catalog = self.catalog
        assert catalog is not None
        for ids in gone.values():  # the ids no file declares any more (not those loaded again)
            for entity_id in ids:
                if entity_id not in catalog.entities and len(self.gone) < _GONE_KEPT:
                    self.gone.setdefault(entity_id.casefold(), entity_id)
        # Catalog.add drops its kind index; put it back, patched with the ids that changed: an
        # id loaded again as it was keeps its place (a file of thousands of documents, one
        # edited: taking every id out and sorting it back in cost 0.2 s per keystroke).
        came: dict[str, list[str]] = {}
        for entity_id in loaded:
            kind = catalog.kinds[entity_id]
            if before.pop(entity_id, None) is not catalog.entities[entity_id]:
                self._unindexed.add(entity_id)  # a document an edit changed (or new)
            if entity_id in gone.get(kind, ()):
                gone[kind].discard(entity_id)
            else:
                came.setdefault(kind, []).append(entity_id)
        for kind, ids in gone.items():  # one pass per kind: a file may hold thousands
            if ids:
                by_kind[kind] = [entity_id for entity_id in by_kind[kind] if entity_id not in ids]
        for kind, new in came.items():
            listed = by_kind.setdefault(kind, [])
            for entity_id in new:
                bisect.insort(listed, entity_id)
        catalog._by_kind = {kind: ids for kind, ids in by_kind.items() if ids}
        self._unindexed.update(before)  # ids no file declares any more
        self._forget_outcomes()

    def _forget_outcomes(self) -> None:
        """Keep the schema outcomes of the documents the parser keeps, no others.

        Once the memo has doubled since it was last cut down: each edit adds one or two.
        """
        if self.parser is None or len(self.validated) <= 2 * self._kept_outcomes:
            return
        live = self.parser.values()
        self.validated = {key: seen for key, seen in self.validated.items() if key in live}
        self._kept_outcomes = max(len(self.validated), 64)

    def _check(self, previous: Iterable[str]) -> set[str]:
        """Run the cross-entity rules; return the files whose findings are to be published."""
        self.apply(check_snapshot(self.snapshot()))
        return set(previous) | set(self.findings)

    # -- questions from the editor ------------------------------------------------------------

    def target(self, text: str, line: int, column: int) -> Target | None:
        """The id or code under a 0-based position of a buffer, if the catalog knows it."""
        word = _word_at(text, line, column)
        if word is None or self.catalog is None:
            return None
        catalog = self.catalog
        entity = catalog.get(word)
        if entity is not None:
            kind = catalog.kinds[word]
            return Target(word, kind, str(getattr(entity, "nama", word)), catalog.where(word, "id"))
        reference = self.reference or catalog.reference
        node = reference.codes.get(word)
        if node is not None:
            return Target(word, "referensi_arsitektur", str(node.nama), None)
        region = reference.wilayah.get(word)
        if region is not None:
            return Target(word, "wilayah", str(region), None)
        return None

    def complete(self, text: str, line: int) -> list[Candidate]:
        """Ids (or codes) that fit the field on a 0-based line of a buffer; empty if none."""
        if self.catalog is None:
            return []
        lines = editor_lines(text)
        found = _field_of(lines, line)
        if found is None:
            return []
        key, key_line = found
        catalog = self.catalog
        kind = _document_kind(lines, line)
        if key == "entitas":
            return [Candidate(value, VALUE, value) for value in MODELS]
        reference = self.reference or catalog.reference
        offered: dict[str, Candidate] = {}
        for field in _coded_at(kind, key, _path_of(lines, key_line)):
            # a fixed value of the model, or a code of a reference list (with the catalog's own);
            # of every kind that has the field when the document names none
            within = _sibling(lines, key_line, field.grouped_by) if field.grouped_by else None
            noun = "wilayah" if field.reference == "wilayah" else VALUE
            for code, name in values.codes(field, reference, within).items():
                offered.setdefault(code, Candidate(code, noun, name))
        if offered:
            return list(offered.values())
        if key in _CODE_FIELDS:
            prefix = _CODE_FIELDS[key]
            return [
                Candidate(code, "referensi_arsitektur", str(node.nama))
                for code, node in sorted((self.reference or catalog.reference).codes.items())
                if code.startswith(prefix + ".")
            ]
        kinds = _kinds_for(kind, key)
        return [
            Candidate(entity_id, kind, str(getattr(catalog.get(entity_id), "nama", entity_id)))
            for kind in kinds
            for entity_id in catalog.ids_of(kind)
        ]


@dataclass(frozen=True)
class Checked:
    """The result of a full check: findings by file, and the reference data.

    The reference data is as the catalog extends it: its own RA codes and value lists, for
    completion and hover.
    """

    findings: dict[str, list[Finding]]
    reference: Any
    #: The catalog's rule configuration (``.spbe.yaml``), for the quick step's findings.
    config: Any = None
    #: Ids declared in another case than every reference to them (checks.case_claims).
    case_declared: frozenset[str] = frozenset()


#: The catalog's lists a document adds to, each entry its own object.
_LISTED = ("rejected", "placeholders", "name_refs", "meant_ids", "referensi")


@dataclass
class _Added:
    """What one document of a buffer added to the catalog when it was loaded."""

    document: ParsedDocument
    #: its place in the file (its ``Source.document``)
    index: int
    ids: list[str]
    invalid: dict[str, str]
    skeletons: list[str]
    findings: list[Finding]
    rejected: list[Any]
    placeholders: list[Any]
    name_refs: list[Any]
    meant_ids: list[Any]
    referensi: list[Any]
    #: it is (or was taken for) the metadata document
    metadata: bool

    #: only its entity: moved to other lines, only its place changes
    clean: bool = dataclasses.field(init=False)
    #: its id is another's (SPBE104): what it adds depends on the other document
    duplicate: bool = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.clean = (
            len(self.ids) == 1
            and len(self.skeletons) == 1
            and not (self.invalid or self.findings or self.metadata)
            and not any(getattr(self, name) for name in _LISTED)
        )
        self.duplicate = any(f.code == "SPBE104" for f in self.findings)


@dataclass(frozen=True)
class _Marks:
    """How far the loader's tables and lists were filled, to tell what a document adds."""

    findings: int
    entities: int
    invalid: int
    first_id: int
    listed: tuple[int, ...]
    metadata: Any
    metadata_seen: bool

    @classmethod
    def of(cls, loader: _Loader) -> _Marks:
        catalog = loader.catalog
        return cls(
            len(loader.findings),
            len(catalog.entities),
            len(catalog.invalid),
            len(loader.first_id),
            tuple(len(getattr(catalog, name)) for name in _LISTED),
            catalog.metadata_source,
            loader.metadata_seen,
        )

    def added(self, loader: _Loader, document: ParsedDocument, index: int) -> _Added:
        """What the loader added since these marks: one document's part."""
        catalog = loader.catalog
        listed = [
            getattr(catalog, name)[at:] for name, at in zip(_LISTED, self.listed, strict=True)
        ]
        return _Added(
            document,
            index,
            _newest(catalog.entities, self.entities),
            {key: catalog.invalid[key] for key in _newest(catalog.invalid, self.invalid)},
            _newest(loader.first_id, self.first_id),
            loader.findings[self.findings :],
            rejected=listed[0],
            placeholders=listed[1],
            name_refs=listed[2],
            meant_ids=listed[3],
            referensi=listed[4],
            metadata=catalog.metadata_source is not self.metadata
            or loader.metadata_seen != self.metadata_seen,
        )


def _plan(
    added: list[_Added], parsed: ParsedFile, first_id: dict[str, Any]
) -> (
    tuple[
        list[_Added],
        list[tuple[_Added, ParsedDocument, int]],
        list[tuple[int, ParsedDocument]],
        list[_Added],
    ]
    | None
):
    """Which documents of a buffer's new version to keep, move, load and take out.

    ``added``: what the previous version's documents added; ``first_id``: the loader's ids
    by skeleton. Kept: the same document at the same place; moved: the same value at other
    lines or another place (only one that added its entity alone); loaded: the others; taken
    out: the previous documents neither kept nor moved. None when the file is to be loaded
    whole (see :meth:`Workspace._update_documents`).
    """
    if parsed.problems or parsed.salvaged or parsed.empty or not parsed.documents:
        return None
    by_document = {id(note.document): note for note in added}
    by_value = {id(note.document.value): note for note in added if note.clean}
    used: set[int] = set()
    kept: list[_Added] = []
    moved: list[tuple[_Added, ParsedDocument, int]] = []
    changed: list[tuple[int, ParsedDocument]] = []
    for index, document in enumerate(parsed.documents):
        note = by_document.get(id(document))
        if note is not None and note.index == index and id(note) not in used:
            used.add(id(note))
            kept.append(note)
            continue
        note = by_value.get(id(document.value))
        if note is not None and id(note) not in used:
            used.add(id(note))
            moved.append((note, document, index))
            continue
        changed.append((index, document))
    removed = [note for note in added if id(note) not in used]
    if any(note.metadata or note.referensi or _whole(note.document) for note in removed):
        return None
    owned = {skeleton for note in removed for skeleton in note.skeletons}
    taken: set[str] = set()
    for _, document in changed:
        value = document.value
        if not isinstance(value, dict):
            continue
        if _whole(document):
            return None
        raw = value.get("id")
        if isinstance(raw, str) and raw.strip():
            skeleton = id_skeleton(raw)
            if (skeleton in first_id and skeleton not in owned) or skeleton in taken:
                return None  # a duplicate id: which document keeps it depends on the others
            taken.add(skeleton)
    for note in removed:  # an id another document also counts as declared: loaded whole
        for key in note.invalid:
            skeleton = id_skeleton(key)
            if skeleton in first_id and skeleton not in owned:
                return None
    return kept, moved, changed, removed


def _whole(document: ParsedDocument) -> bool:
    """Whether a document is (or is written as) the metadata or a declaration of codes.

    What the others add depends on it (SPBE105, SPBE107, the codes they may use).
    """
    value = document.value
    kind = value.get("entitas") if isinstance(value, dict) else None
    return isinstance(kind, str) and kind.strip().casefold() in ("metadata", "referensi")


def _newest(table: dict[str, Any], before: int) -> list[str]:
    """The keys added to ``table`` since it had ``before`` keys (dicts keep insertion order)."""
    return list(itertools.islice(reversed(table), max(len(table) - before, 0)))


def check_snapshot(snapshot: tuple[Catalog, list[Finding]]) -> Checked:
    """Every finding of a catalog, by file: its load findings and every cross-entity rule.

    Reads the snapshot only: the rules run on a copy of the catalog with its own fresh copy of
    the reference data (which they extend), so this may run in a thread while the next edit is
    loaded, and twice on the same catalog.
    """
    from spbe_cli.loader import complete_catalog
    from spbe_cli.reference import load_reference

    catalog, found = snapshot
    catalog = replace(catalog, reference=load_reference().extended())
    complete_catalog(catalog)  # the catalog's declared codes, its prose, as every command has
    claims = Claims(catalog)  # the rules' and explain_refused's: computed once
    checked = run_checks(catalog, claims=claims)
    # Severities and exceptions of .spbe.yaml, as spbe validate applies them.
    found, _, config = configured(catalog.root, "", catalog, [*found, *checked], claims)
    cased: frozenset[str] = frozenset()
    if any(f.code == "SPBE201" for f in checked):  # else no id can be declared so
        cased = frozenset(claim.declared for claim in claims.case.values())
    return Checked(_by_path(found), catalog.reference, config, cased)


def _reference_check() -> Any:
    """The rule that resolves references (found by name: rule modules may be reorganised)."""
    return next((c for c in all_checks() if c.__name__ == "check_references"), None)


def _by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    result: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        result.setdefault(finding.location.path, []).append(finding)
    return result


def _word_at(text: str, line: int, column: int) -> str | None:
    lines = editor_lines(text)
    if not 0 <= line < len(lines):
        return None
    for match in _WORD.finditer(lines[line]):
        if match.start() <= column <= match.end():
            return match.group().strip(".-") or None
    return None


def word_start(line: str, column: int) -> int:
    """Where the id or code that ends at ``column`` of a line starts (``column`` if none)."""
    for match in _WORD.finditer(line, 0, column):
        if match.end() == column:
            return match.start()
    return column


def _field_of(lines: list[str], line: int) -> tuple[str, int] | None:
    """The mapping key whose value is being written on ``line`` (a scalar or a list item).

    Returns the key and the line it is on.
    """
    if not 0 <= line < len(lines):
        return None
    current = lines[line]
    match = _KEY_LINE.match(current)
    if match is not None:
        return match.group("key"), line
    if current.strip() and not _ITEM_LINE.match(current):
        return None
    indent = len(current) - len(current.lstrip())
    for number in range(line - 1, -1, -1):
        previous = lines[number]
        if not previous.strip() or previous.lstrip().startswith("#"):
            continue
        prev_indent = len(previous) - len(previous.lstrip())
        match = _KEY_LINE.match(previous)
        if match is not None and prev_indent <= indent and not match.group("rest").strip():
            return match.group("key"), number
        if _ITEM_LINE.match(previous) and match is None and prev_indent >= indent:
            continue
        return None
    return None


def _path_of(lines: list[str], line: int) -> str | None:
    """The path of the key on ``line`` in its document (``anggaran[].sumber``).

    As far as the indentation tells: None when the lines above do not nest plainly (a parent
    with a value, a tab).
    """
    match = _KEY_LINE.match(lines[line])
    if match is None:
        return None
    path = match.group("key")
    # `limit`: the column a parent must start left of; `item`: the key is in a list item.
    limit = match.start("key")
    item = _ITEM_LINE.match(lines[line]) is not None
    if item:
        limit = len(lines[line]) - len(lines[line].lstrip())
    for previous in reversed(lines[:line]):
        if previous.startswith("---"):
            break
        if not previous.strip() or previous.lstrip().startswith("#"):
            continue
        if "\t" in previous[: len(previous) - len(previous.lstrip())]:
            return None
        found = _KEY_LINE.match(previous)
        if found is not None and found.start("key") < limit + item:
            if found.group("rest").split("#")[0].strip():
                return None  # a parent with a value on its own line: not a plain nesting
            path = f"{found.group('key')}{'[]' if item else ''}.{path}"
            limit, item = found.start("key"), False
        dash = len(previous) - len(previous.lstrip())
        if _ITEM_LINE.match(previous) and dash < limit:
            limit, item = dash, True
        if limit == 0 and not item:
            return path
    return path if limit == 0 and not item else None


def _coded_at(kind: str | None, key: str, path: str | None) -> list[values.Coded]:
    """The coded fields a key may be: by its path, else (path unknown) by its name."""
    if path is not None:
        return values.find(kind, path)
    return values.named(kind, key)


def _sibling(lines: list[str], line: int, name: str) -> str | None:
    """The plain value of the key ``name`` beside the key on ``line`` (its document, its column)."""
    column = _KEY_LINE.match(lines[line])
    if column is None:
        return None
    start = column.start("key")
    before = itertools.takewhile(lambda s: not s.startswith("---"), reversed(lines[:line]))
    after = itertools.takewhile(lambda s: not s.startswith("---"), lines[line:])
    for text in itertools.chain(before, after):
        match = _KEY_LINE.match(text)
        if match is not None and match.group("key") == name and match.start("key") == start:
            return match.group("rest").split("#")[0].strip().strip("\"'") or None
    return None


def _document_kind(lines: list[str], line: int) -> str | None:
    """The ``entitas`` of the YAML document that holds ``line``."""
    before = itertools.takewhile(lambda s: not s.startswith("---"), reversed(lines[: line + 1]))
    after = itertools.takewhile(lambda s: not s.startswith("---"), lines[line + 1 :])
    for candidate in itertools.chain(before, after):
        match = _KIND_LINE.match(candidate)
        if match is not None:
            return match.group(1)
    return None


def _kinds_for(kind: str | None, key: str) -> tuple[str, ...]:
    """Kinds of entity a field may name, for the document's kind (any kind when unknown).

    A key below the top level (the metadata's, a self-assessment's ``bukti``) only in a document
    that says its kind: ``bukti`` is a link or a sentence in a ``kesiapan`` or a progress entry.
    """
    fields: list[tuple[str, tuple[str, ...]]] = []
    for owner, pairs in REF_FIELDS.items():
        if kind is None or owner == kind:
            fields.extend(pairs)
    if kind is not None:
        fields.extend(NESTED_REF_KEYS.get(kind, {}).items())
    kinds: dict[str, Any] = {}
    for name, allowed in fields:
        if name == key:
            kinds.update(dict.fromkeys(allowed))
    return tuple(kinds)
