"""The catalog as an editor sees it: files on disk overlaid by open buffers, checked live.

This module knows nothing of the Language Server Protocol (``server.py`` does): it keeps a
loaded catalog and its findings per file, and re-checks after an edit. Loading is incremental:
an edit re-reads only the edited file (and the files whose load findings point at it, such as
the other half of a duplicated id) into a catalog that keeps every other file's entities, then
runs the cross-entity rules again, so a reference broken or fixed in one file shows in every
file that refers to it.

Paths are POSIX paths relative to the catalog folder, as ``spbe validate .`` would show them
from inside the catalog.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spbe_cli.catalog import Catalog, id_skeleton
from spbe_cli.checks import run_checks
from spbe_cli.errors import Finding, Location
from spbe_cli.links import REF_FIELDS
from spbe_cli.loader import MAX_FILE_BYTES, YAML_SUFFIXES, _Loader, find_files
from spbe_cli.models import DOMAINS
from spbe_cli.validate import cap_per_file

#: Characters of an id or a reference code (what hover and go-to-definition pick up).
_WORD = re.compile(r"[A-Za-z0-9_.\-]+")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")
_ITEM_LINE = re.compile(r"^(?P<indent>\s*)-(?:\s|$)")
_KIND_LINE = re.compile(r"^entitas:\s*([a-z_]+)\s*(?:#.*)?$")

#: Metadata fields that hold ids: key -> kinds (see links.metadata_links).
_METADATA_REFS = {"penetapan": ("regulasi",), "opd_anggota": ("opd",), "dasar": ("regulasi",)}
#: Fields that hold a code of the reference architecture, and the prefix of its codes.
_CODE_FIELDS = {field: prefix for prefix, field in DOMAINS.values()}


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

    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalog: Catalog | None = None
        self.paths: list[str] = []
        self.load_findings: dict[str, list[Finding]] = {}
        self.findings: dict[str, list[Finding]] = {}
        #: ids whose document failed validation, per file (references to them are not reported).
        self.invalid_in: dict[str, dict[str, str]] = {}
        self.overlays: dict[str, bytes] = {}

    # -- paths --------------------------------------------------------------------------------

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
        loader = _Loader(self.root, "")
        self.invalid_in = {}
        files = find_files(self.root, "")
        self.paths = sorted(file.display for file in files)
        for file in files:
            before = len(loader.catalog.invalid)
            if file.display in self.overlays:
                loader.load_bytes(file.display, self.overlays[file.display])
            else:
                loader.load_file(file)
            self._note_invalid(loader.catalog, file.display, before)
        for rel, data in self.overlays.items():
            if rel not in self.paths:  # a new file not yet saved
                self.paths.append(rel)
                before = len(loader.catalog.invalid)
                loader.load_bytes(rel, data)
                self._note_invalid(loader.catalog, rel, before)
        self.catalog = loader.catalog
        self.load_findings = _by_path(loader.findings)
        return self._check(set(self.findings))

    def _note_invalid(self, catalog: Catalog, rel: str, before: int) -> None:
        added = len(catalog.invalid) - before
        if added > 0:
            newest = itertools.islice(reversed(catalog.invalid), added)
            self.invalid_in[rel] = {key: catalog.invalid[key] for key in newest}

    def update(self, rel: str, data: bytes | None) -> set[str]:
        """Replace one file's content (``None``: back to the file on disk) and re-check.

        Returns the files whose findings may have changed (to publish again).
        """
        if data is None:
            self.overlays.pop(rel, None)
        else:
            self.overlays[rel] = data
        if self.catalog is None:
            return self.load()
        previous = set(self.findings)
        todo = [rel, *self._dependents(rel)]
        self.catalog = self._reload(self.catalog, todo)
        return self._check(previous | set(todo))

    def _dependents(self, rel: str) -> list[str]:
        """Files whose load findings refer to ``rel`` (the later copy of a duplicated id)."""
        return sorted(
            path
            for path, findings in self.load_findings.items()
            if path != rel
            and any(related.location.path == rel for f in findings for related in f.related)
        )

    def _content(self, rel: str) -> bytes | None:
        if rel in self.overlays:
            return self.overlays[rel]
        path = self.root / rel
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                return None  # the full load reports these; an editor never opens them here
            return path.read_bytes()
        except OSError:
            return None

    def _reload(self, old: Catalog, todo: list[str]) -> Catalog:
        """A catalog with every file of ``todo`` loaded again, the others kept as they were."""
        again = set(todo)
        loader = _Loader(self.root, "")
        catalog = loader.catalog
        for entity_id, source in old.sources.items():
            if source.path in again:
                continue
            catalog.add(old.kinds[entity_id], entity_id, old.entities[entity_id], source)
            skeleton = id_skeleton(entity_id)
            loader.accepted.add(skeleton)
            loader.first_id[skeleton] = (entity_id, source)
        if old.metadata_source is not None and old.metadata_source.path not in again:
            catalog.metadata, catalog.metadata_source = old.metadata, old.metadata_source
            loader.metadata_seen = True
        catalog.referensi = [pair for pair in old.referensi if pair[1].path not in again]
        catalog.placeholders = [p for p in old.placeholders if p[0].path not in again]
        catalog.skipped_findings.update(
            (path, value) for path, value in old.skipped_findings.items() if path not in again
        )
        for path, ids in self.invalid_in.items():
            if path not in again:
                catalog.invalid.update(ids)
        loader.folded = {path.casefold(): path for path in self.paths if path not in again}
        catalog.files = old.files
        for rel in todo:
            self.invalid_in.pop(rel, None)
            self.load_findings.pop(rel, None)
            data = self._content(rel)
            if data is None:
                if rel in self.paths:
                    self.paths.remove(rel)
                    catalog.files -= 1
                continue
            if rel not in self.paths:
                self.paths.append(rel)
                catalog.files += 1
            before = len(catalog.invalid)
            loader.load_bytes(rel, data)
            catalog.files -= 1  # load_bytes counts the file again
            self._note_invalid(catalog, rel, before)
        for path, findings in _by_path(loader.findings).items():
            self.load_findings[path] = findings
        return catalog

    def _check(self, previous: Iterable[str]) -> set[str]:
        """Run the cross-entity rules; return the files whose findings are to be published."""
        assert self.catalog is not None
        found = [f for findings in self.load_findings.values() for f in findings]
        found.extend(run_checks(self.catalog))
        self.findings = _by_path(cap_per_file(found, self.catalog.skipped_findings))
        return (set(previous) | set(self.findings)) & (set(self.paths) | set(previous))

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
        node = catalog.reference.codes.get(word)
        if node is not None:
            return Target(word, "referensi_arsitektur", str(node.nama), None)
        return None

    def complete(self, text: str, line: int) -> list[Candidate]:
        """Ids (or codes) that fit the field on a 0-based line of a buffer; empty if none."""
        if self.catalog is None:
            return []
        lines = text.splitlines()
        key = _field_of(lines, line)
        if key is None:
            return []
        catalog = self.catalog
        if key in _CODE_FIELDS:
            prefix = _CODE_FIELDS[key]
            return [
                Candidate(code, "referensi_arsitektur", str(node.nama))
                for code, node in sorted(catalog.reference.codes.items())
                if code.startswith(prefix + ".")
            ]
        kinds = _kinds_for(_document_kind(lines, line), key)
        return [
            Candidate(entity_id, kind, str(getattr(catalog.get(entity_id), "nama", entity_id)))
            for kind in kinds
            for entity_id in catalog.ids_of(kind)
        ]


def _by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    result: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        result.setdefault(finding.location.path, []).append(finding)
    return result


def _word_at(text: str, line: int, column: int) -> str | None:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    for match in _WORD.finditer(lines[line]):
        if match.start() <= column <= match.end():
            return match.group().strip(".-") or None
    return None


def _field_of(lines: list[str], line: int) -> str | None:
    """The mapping key whose value is being written on ``line`` (a scalar or a list item)."""
    if not 0 <= line < len(lines):
        return None
    current = lines[line]
    match = _KEY_LINE.match(current)
    if match is not None:
        return match.group("key")
    if current.strip() and not _ITEM_LINE.match(current):
        return None
    indent = len(current) - len(current.lstrip())
    for previous in reversed(lines[:line]):
        if not previous.strip() or previous.lstrip().startswith("#"):
            continue
        prev_indent = len(previous) - len(previous.lstrip())
        match = _KEY_LINE.match(previous)
        if match is not None and prev_indent <= indent and not match.group("rest").strip():
            return match.group("key")
        if _ITEM_LINE.match(previous) and match is None and prev_indent >= indent:
            continue
        return None
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
    """Kinds of entity a field may name, for the document's kind (any kind when unknown)."""
    if kind == "metadata":
        return _METADATA_REFS.get(key, ())
    fields: list[tuple[str, tuple[str, ...]]] = []
    for owner, pairs in REF_FIELDS.items():
        if kind is None or owner == kind:
            fields.extend(pairs)
    kinds: dict[str, Any] = {}
    for name, allowed in fields:
        if name == key:
            kinds.update(dict.fromkeys(allowed))
    return tuple(kinds)
