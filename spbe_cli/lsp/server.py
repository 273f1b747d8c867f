"""``spbe lsp``: the Language Server Protocol over stdio, on top of :mod:`spbe_cli.lsp.workspace`.

Only this module imports pygls and lsprotocol (the ``lsp`` extra); ``spbe lsp`` imports it when
it starts. What it offers an editor:

* diagnostics: every finding of ``spbe validate`` (load errors and cross-entity rules, after
  ``.spbe.yaml``) at its line and column, with its rule code, its hint and its related places,
  in the language of the messages (``--lang`` / ``SPBE_LANG``, Indonesian by default). Columns
  of findings count code points; the editor's count in the agreed position encoding (UTF-16
  unless the client offers another), converted here both ways. On open, change and save the
  edited file's own findings are published at once (the quick step of
  :meth:`~spbe_cli.lsp.workspace.Workspace.update`); when typing pauses for
  :data:`RECHECK_DELAY` seconds every rule runs over the whole catalog in a thread, and every
  file whose findings changed is published again;
* completion of ids where a field refers to another entity (``opd``, ``regulasi``, ``layanan``,
  ``aplikasi``, ...), of reference-architecture codes in ``rab``/``rad``/``ral``/``raa``/
  ``rai``/``rak``, and of a field's fixed values (``Literal`` in the models) and ``entitas``;
* hover: the name and kind of the entity (or code) under the cursor, as plain text in one line;
* go-to-definition: from an id to the document that defines it;
* files changed outside the editor (``workspace/didChangeWatchedFiles``) are loaded again;
* a multi-root workspace has a catalog per folder (``catalog/`` in it, or the catalog it is
  inside; ``--catalog`` one for all): each file is checked, completed and hovered against the
  catalog that holds it, and folders added or removed (``workspace/didChangeWorkspaceFolders``)
  are loaded or forgotten;
* changes that come in a burst (while the last one was checked) are checked once, after
  :data:`QUICK_DELAY`; in a file of thousands of documents only the changed ones are parsed
  again (:mod:`spbe_cli.lsp.documents`).

Only open buffers and the catalog's own files are ever read (never a document the editor names
but has not opened).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from spbe_cli import __version__
from spbe_cli.errors import Finding, Location, Severity
from spbe_cli.files import find_catalog
from spbe_cli.i18n import t
from spbe_cli.lsp.workspace import (
    VALUE,
    Target,
    Workspace,
    check_snapshot,
    word_start,
)
from spbe_cli.yamlio import editor_lines, lenient_text

#: Seconds without an edit before the whole catalog is checked again.
RECHECK_DELAY = 0.3
#: Seconds a change waits for the next one before the edited file is checked (a burst of
#: keystrokes, or those that came while the last one was checked, is checked once).
QUICK_DELAY = 0.02
#: The largest message body an editor may send (a whole catalog file is at most a few MiB).
MAX_MESSAGE_BYTES = 64 << 20
#: The longest header line read at once; a longer one is read in pieces (and ignored).
MAX_HEADER_BYTES = 8 << 10

#: Where the server's own errors go: pygls's log, one line each (see _quiet_library_logs).
_log = logging.getLogger("pygls.spbe")

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class SpbeServer(LanguageServer):
    """A language server holding one :class:`Workspace` per catalog the editor has open.

    A multi-root editor workspace (a Kabupaten's and a Kota's repository side by side) has one
    catalog per folder; each file is checked against the catalog that holds it.
    """

    def __init__(self, catalog: Path | None) -> None:
        super().__init__("spbe", __version__)
        self.catalog_option = catalog
        #: Each catalog, by its folder resolved (two editor folders may share one catalog).
        self.catalogs: dict[Path, Workspace] = {}
        #: The catalog of each editor workspace folder, by the folder's URI.
        self.folders: dict[str, Path] = {}
        #: The editor named folders (then no catalog is guessed from the current directory).
        self.folders_named = False
        #: Counts each catalog's edits: a full check whose snapshot is older is dropped.
        self.generations: dict[Path, int] = {}
        self.checks: dict[Path, asyncio.Task[None]] = {}
        #: Counts the changes of each open document: only the last of a burst is checked.
        self.typing: dict[str, int] = {}
        #: The URI under which the editor opened each catalog file (see :meth:`uri`).
        self.uris: dict[tuple[Path, str], str] = {}
        #: Editor folders that hold no catalog (told once each; looked at again when files
        #: change, e.g. after ``spbe init``), by URI (``None``: the current directory).
        self.without_catalog: dict[str | None, Path] = {}

    @property
    def spbe(self) -> Workspace | None:
        """The catalog when there is exactly one (the usual single-folder editor)."""
        return next(iter(self.catalogs.values())) if len(self.catalogs) == 1 else None

    @property
    def pending(self) -> asyncio.Future[Any] | None:
        """The full checks scheduled and not done yet (to wait for them), or None."""
        tasks = [task for task in self.checks.values() if not task.done()]
        return asyncio.gather(*tasks) if tasks else None

    def edited(self, ws: Workspace) -> None:
        """Publish nothing yet; schedule the catalog's full check once the typing pauses."""
        key = _key(ws.root)
        generation = self.generations[key] = self.generations.get(key, 0) + 1
        previous = self.checks.get(key)
        if previous is not None:
            previous.cancel()
        self.checks[key] = asyncio.get_running_loop().create_task(self.recheck(ws, generation))

    def _current(self, ws: Workspace, generation: int) -> bool:
        key = _key(ws.root)
        return self.catalogs.get(key) is ws and self.generations.get(key) == generation

    async def recheck(self, ws: Workspace, generation: int) -> None:
        """Check a whole catalog in a thread, and publish what changed if still current.

        A failure is one line in the log (no traceback): the editor keeps the quick step's
        findings, and the next edit tries again.
        """
        await asyncio.sleep(RECHECK_DELAY)
        if not self._current(ws, generation):
            return
        try:
            snapshot = ws.snapshot()
            loop = asyncio.get_running_loop()
            checked = await loop.run_in_executor(None, check_snapshot, snapshot)
            if self._current(ws, generation):
                self.publish(ws, ws.apply(checked))
        except Exception as exc:  # a background task has no caller to tell
            _log.error("full check of %s: %s: %s", ws.root, type(exc).__name__, exc)

    def add_folder(self, uri: str | None) -> Workspace | None:
        """The catalog of an editor folder (``None``: the current directory), loaded once.

        Found as every command finds it (:func:`spbe_cli.files.find_catalog`): a folder that
        holds no catalog is not read as one (every YAML file of a repository would be an
        error); the editor is told so, once, and the folder is looked at again when files
        change in it.
        """
        path = to_fs_path(uri) if uri is not None and uri.startswith("file:") else None
        folder = Path(path) if path else Path.cwd()
        root = self.catalog_option or find_catalog(folder)
        self.folders_named = self.folders_named or uri is not None
        if root is None:
            if uri not in self.without_catalog:
                self.without_catalog[uri] = folder
                self.show_message(
                    t("lsp.no_catalog", folder=str(folder)), types.MessageType.Warning
                )
            return None
        self.without_catalog.pop(uri, None)
        key = _key(root)
        if uri is not None:
            self.folders[uri] = key
        ws = self.catalogs.get(key)
        if ws is None:
            ws = self.catalogs[key] = Workspace(root)
            for uri_open, document in self.workspace.text_documents.items():
                found = self.locate(uri_open)  # buffers already open: their text, not the disk
                if found is not None and found[0] is ws:
                    ws.overlays[found[1]] = _encoded(document.source)
                    self.uris.setdefault((key, found[1]), uri_open)
            self.publish(ws, ws.load())
        return ws

    def show_message(self, message: str, kind: types.MessageType) -> None:
        """A message the editor shows its user (``window/showMessage``)."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def remove_folder(self, uri: str) -> None:
        """Forget an editor folder; its catalog too when no other folder holds it."""
        self.without_catalog.pop(uri, None)
        key = self.folders.pop(uri, None)
        if key is None or key in self.folders.values() or self.catalog_option is not None:
            return
        ws = self.catalogs.pop(key, None)
        task = self.checks.pop(key, None)
        if task is not None:
            task.cancel()
        if ws is None:
            return
        for rel in sorted(ws.findings):  # its diagnostics go with it
            if rel != "." and not (ws.root / rel).is_dir():
                params = types.PublishDiagnosticsParams(uri=self.uri(ws, rel), diagnostics=[])
                self.text_document_publish_diagnostics(params)
        self.uris = {k: v for k, v in self.uris.items() if k[0] != key}

    def open_workspace(self, folder: Path | None) -> Workspace | None:
        """The catalog (loaded once, with every file's findings published); the first of many.

        An editor that named no folder gets the catalog of ``folder`` (else the current
        directory); one whose folders were all removed gets none (nothing is read).
        """
        if not self.catalogs and not self.folders_named:
            return self.add_folder(None if folder is None else folder.absolute().as_uri())
        return next(iter(self.catalogs.values()), None)

    def locate(self, uri: str) -> tuple[Workspace, str] | None:
        """The catalog holding a document and its path there, or None (outside every catalog).

        The innermost catalog when one is inside another. Only ``file:`` URIs: an unsaved
        ``untitled:`` buffer is in no catalog.
        """
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return None
        for key in sorted(self.catalogs, key=lambda k: len(k.parts), reverse=True):
            ws = self.catalogs[key]
            rel = ws.relative(Path(path))
            if rel is not None:
                return ws, rel
        return None

    def owner(self, uri: str) -> Workspace | None:
        """The catalog that answers completion and hover in a document.

        The catalog it is in (a YAML file, or a prose Markdown file); a document outside every
        catalog (an unsaved new file, say) is answered from the catalog when the editor has
        only one.
        """
        found = self.locate(uri)
        if found is not None:
            return found[0]
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is not None:  # a prose Markdown file of a catalog, say
            inside = [ws for ws in self.catalogs.values() if ws.inside(Path(path))]
            if inside:
                return max(inside, key=lambda ws: len(_key(ws.root).parts))
        return self.spbe

    def holding(self, path: Path) -> list[Workspace]:
        """The catalogs a path on disk is inside of (its folder or one of its files)."""
        return [ws for ws in self.catalogs.values() if ws.inside(path) or ws.is_config(path)]

    def rel(self, uri: str) -> str | None:
        """The catalog-relative path of a document, or None when it is not a catalog file."""
        found = self.locate(uri)
        return None if found is None else found[1]

    def uri(self, ws: Workspace, rel: str) -> str:
        """The URI of a catalog-relative path, as the editor names that file.

        The URI the editor opened the file under when it did; else the path under the catalog
        folder as given, not resolved: through a symbolic link (``/tmp`` on macOS) or a mapped
        drive the resolved path is another URI, and the editor would not show the diagnostics.
        """
        known = self.uris.get((_key(ws.root), rel))
        if known is not None:
            return known
        return from_fs_path(str(ws.root.absolute() / rel)) or rel

    def publish(self, ws: Workspace, paths: set[str]) -> None:
        """Send the diagnostics of every file in ``paths`` (an empty list clears them).

        Every file with findings is a document, prose Markdown too; the catalog itself (``.``,
        e.g. no metadata document) and its folders are not.
        """
        lines: dict[str, list[str]] = {}  # each file split once, however many findings
        for rel in sorted(paths):
            if rel == "." or (ws.root / rel).is_dir():
                continue
            found = ws.findings.get(rel, [])
            diagnostics = [self.diagnostic(ws, f, lines) for f in found]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=self.uri(ws, rel), diagnostics=diagnostics)
            )

    def _lines(self, ws: Workspace, rel: str) -> list[str]:
        """The lines of a catalog file as the editor counts them (its buffer, else the disk).

        An open buffer's own text: the bytes checked re-decoded would differ where the editor
        sent what is no UTF-8 (a lone surrogate is one character there, three bytes here).
        """
        uri = self.uris.get((_key(ws.root), rel))
        if uri is not None and rel in ws.overlays:
            text = _buffer(self, uri)
            if text is not None:
                return editor_lines(text.removeprefix("\ufeff"))
        data = ws.content(rel)
        return [] if data is None else editor_lines(lenient_text(data))

    def units(self, text: str) -> int:
        """The length of ``text`` in the editor's units (UTF-16 code units unless agreed)."""
        return int(self.workspace.position_codec.client_num_units(text))

    def range(
        self, ws: Workspace, location: Location, lines: dict[str, list[str]] | None = None
    ) -> types.Range:
        """The range of a finding's position in any catalog file, in the editor's units.

        ``lines``: the files split into lines so far (a file of thousands of documents is
        split once per publication, not once per finding).
        """
        lines = {} if lines is None else lines
        if location.path not in lines:
            lines[location.path] = self._lines(ws, location.path)
        return _range(location, lines[location.path], self.units)

    def column(self, text: str, line: int, character: int) -> int:
        """An editor's 0-based position on a line of ``text`` as a code point index."""
        lines = editor_lines(text)
        if not 0 <= line < len(lines):
            return character
        current, units = lines[line], 0
        for index, char in enumerate(current):
            if units >= character:
                return index
            units += self.units(char)
        return len(current)

    def diagnostic(
        self, ws: Workspace, finding: Finding, lines: dict[str, list[str]]
    ) -> types.Diagnostic:
        """One finding as an LSP diagnostic, spanning the word at its position."""
        message = finding.message
        if finding.hint:
            message += f"\n{t('report.hint')}: {finding.hint}"
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=self.uri(ws, r.location.path), range=self.range(ws, r.location, lines)
                ),
                message=r.message,
            )
            for r in finding.related
        ]
        return types.Diagnostic(
            range=self.range(ws, finding.location, lines),
            message=message,
            severity=_SEVERITY[finding.severity],
            code=finding.code,
            source="spbe",
            related_information=related or None,
        )


def _range(location: Location, lines: list[str], units: Any = len) -> types.Range:
    """From the finding's 1-based position to the end of the token there.

    Columns of findings count code points; ``units`` measures text in the editor's units
    (UTF-16 code units by default in LSP: an emoji before the mistake counts twice).
    """
    line = max(location.line - 1, 0)
    column = max(location.column - 1, 0)
    end = column
    text = lines[line] if line < len(lines) else ""
    if line < len(lines):
        while end < len(text) and not text[end].isspace() and text[end] not in ",]}#":
            end += 1
        if end == column:
            end = max(len(text), column)
    start = types.Position(line=line, character=_units(text, column, units))
    return types.Range(
        start=start, end=types.Position(line=line, character=_units(text, end, units))
    )


def _units(text: str, column: int, units: Any) -> int:
    """A code point index on a line in the editor's units (past the end: as many as asked)."""
    return int(units(text[:column])) + max(column - len(text), 0)


def build_server(catalog: Path | None = None) -> SpbeServer:
    """A server with every feature registered; ``catalog`` overrides the workspace's folder."""
    server = SpbeServer(catalog)

    @server.feature(types.INITIALIZED)
    def initialized(ls: SpbeServer, params: types.InitializedParams) -> None:
        del params
        folders = list(ls.workspace.folders.values())
        if folders:
            for folder in folders:  # a multi-root workspace: a catalog per folder
                ls.add_folder(folder.uri)
        else:
            root = ls.workspace.root_path
            ls.open_workspace(Path(root) if root else None)
        capabilities = ls.client_capabilities.workspace
        watching = capabilities.did_change_watched_files if capabilities else None
        if watching is not None and watching.dynamic_registration:
            # Files changed outside the editor (git pull, spbe new, a folder renamed).
            watchers = [types.FileSystemWatcher(glob_pattern="**/*")]
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
            method = types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            registration = types.Registration(
                id="spbe-files", method=method, register_options=options
            )
            ls.client_register_capability(types.RegistrationParams([registration]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: SpbeServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        for removed in params.event.removed:
            ls.remove_folder(removed.uri)
        for added in params.event.added:
            ls.add_folder(added.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: SpbeServer, params: types.DidChangeWatchedFilesParams) -> None:
        for uri in [uri for uri in ls.without_catalog if uri is not None]:
            ls.add_folder(uri)  # a catalog made since (spbe init, git pull) is loaded now
        ls.open_workspace(None)
        todo: dict[Path, set[str]] = {}
        relisted: set[Path] = set()
        for change in params.changes:
            path = to_fs_path(change.uri) if change.uri.startswith("file:") else None
            if path is None:
                continue
            for ws in ls.holding(Path(path)):
                key = _key(ws.root)
                if key in relisted:
                    continue
                if ws.is_config(Path(path)):
                    ls.edited(ws)  # .spbe.yaml: the full check reads it again
                    continue
                rel = ws.relative(Path(path))
                if rel is None:
                    # A folder (or a file of another name) came or went: list it again.
                    ls.publish(ws, ws.load())
                    ls.edited(ws)
                    relisted.add(key)
                    todo.pop(key, None)
                elif rel not in ws.overlays:  # an open buffer wins over the disk until closed
                    todo.setdefault(key, set()).update(ws.update(rel, None))
        for key, paths in todo.items():
            ws = ls.catalogs[key]
            ls.publish(ws, paths)
            ls.edited(ws)

    def changed(ls: SpbeServer, uri: str, text: str | None) -> None:
        ls.open_workspace(None)
        found = ls.locate(uri)
        if found is None:
            return  # outside every catalog (or untitled): nothing is checked, nothing read
        ws, rel = found
        ls.uris.setdefault((_key(ws.root), rel), uri)
        data = None if text is None else _encoded(text)
        ls.publish(ws, ws.update(rel, data))
        ls.edited(ws)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SpbeServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.typing[uri] = ls.typing.get(uri, 0) + 1
        changed(ls, uri, params.text_document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: SpbeServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        # Keystrokes that came while the last one was checked are taken together: only the
        # last change of a burst checks the buffer (pygls has applied every one of them).
        count = ls.typing[uri] = ls.typing.get(uri, 0) + 1
        await asyncio.sleep(QUICK_DELAY)
        if ls.typing.get(uri) == count:
            changed(ls, uri, _buffer(ls, uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SpbeServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri) if uri.startswith("file:") else None
        configs = [ws for ws in ls.catalogs.values() if path and ws.is_config(Path(path))]
        for ws in configs:
            ls.edited(ws)  # .spbe.yaml saved: the full check reads it again
        if not configs:
            changed(ls, uri, _buffer(ls, uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: SpbeServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.typing.pop(uri, None)  # a change still waiting checks nothing after this
        changed(ls, uri, None)  # back to what is on disk

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" ", "[", ","]),
    )
    def completion(ls: SpbeServer, params: types.CompletionParams) -> types.CompletionList:
        ls.open_workspace(None)
        ws = ls.owner(params.text_document.uri)
        text = _buffer(ls, params.text_document.uri)
        if text is None or ws is None:
            return types.CompletionList(is_incomplete=False, items=[])
        position = params.position
        found = ws.complete(text, position.line)
        # Replace the whole id or code typed so far: an editor's word stops at '.' or '-', and
        # 'RAI.0' completed to 'RAI.01' would otherwise read 'RAI.RAI.01'.
        lines = editor_lines(text)
        current = lines[position.line] if position.line < len(lines) else ""
        start = word_start(current, ls.column(text, position.line, position.character))
        typed = types.Range(
            start=types.Position(line=position.line, character=ls.units(current[:start])),
            end=position,
        )
        items = [
            types.CompletionItem(
                label=candidate.label,
                kind=(
                    types.CompletionItemKind.EnumMember
                    if candidate.kind == VALUE
                    else types.CompletionItemKind.Reference
                ),
                detail=_detail(candidate.name, candidate.kind),
                filter_text=candidate.label,
                text_edit=types.TextEdit(range=typed, new_text=candidate.label),
            )
            for candidate in found
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: SpbeServer, params: types.HoverParams) -> types.Hover | None:
        found = _target(ls, params)
        if found is None:
            return None
        target = found[1]
        # Plain text: names come from the catalog, which is untrusted (no Markdown, no links).
        value = f"{_one_line(target.name)}\n{kind_noun(target.kind)}: {target.word}"
        if target.location is not None:
            value += "\n" + t("lsp.defined_in", place=str(target.location))
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.PlainText, value=value)
        )

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: SpbeServer, params: types.DefinitionParams) -> types.Location | None:
        found = _target(ls, params)
        location = None if found is None else found[1].location
        if found is None or location is None:
            return None
        ws = found[0]
        return types.Location(uri=ls.uri(ws, location.path), range=ls.range(ws, location))

    return server


def _buffer(ls: SpbeServer, uri: str) -> str | None:
    """The text of a document the editor has open, or None.

    pygls would read a document that is not open from disk, whatever its path: a request about
    ``file:///etc/passwd`` must read nothing.
    """
    document = ls.workspace.text_documents.get(uri)
    return None if document is None else document.source


def _target(ls: SpbeServer, params: Any) -> tuple[Workspace, Target] | None:
    """The id or code under the cursor, and the catalog that knows it."""
    ls.open_workspace(None)
    ws = ls.owner(params.text_document.uri)
    text = _buffer(ls, params.text_document.uri)
    if text is None or ws is None:
        return None
    position = params.position
    column = ls.column(text, position.line, position.character)
    target = ws.target(text, position.line, column)
    return None if target is None else (ws, target)


def _encoded(text: str) -> bytes:
    """A buffer's text as the bytes checked.

    A lone surrogate the editor sent stays invalid UTF-8 (SPBE002 at its place), not an error
    of the server.
    """
    return text.encode("utf-8", "surrogatepass")


def _key(root: Path) -> Path:
    """A catalog folder as the server tells catalogs apart (two names of one folder: one)."""
    return root.resolve()


#: Kinds of target that are not entity kinds, and the message naming them.
_OTHER_NOUNS = {"wilayah": "lsp.noun_region", "referensi_arsitektur": "lsp.noun_code"}


def kind_noun(kind: str) -> str:
    """A kind of entity (or code) as a word in the language of the messages."""
    if kind == VALUE:
        return t("lsp.noun_value")
    return t(_OTHER_NOUNS.get(kind, f"diff.noun.{kind}"))


def _detail(name: str, kind: str) -> str:
    return f"{_one_line(name)} ({kind_noun(kind)})"


def _one_line(text: str) -> str:
    """A catalog value shown in one line: control characters and line breaks as spaces."""
    return "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in text)


class _OneLine(logging.Filter):
    """A log record as one line: the first line of its message, and the exception's type and text.

    pygls logs some errors with the traceback formatted into the message itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Cut the message to its first line and fold the exception in; keep the record."""
        lines = record.getMessage().splitlines()
        message = lines[0] if lines else ""
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message = f"{message}: {type(exc).__name__}: {exc}"
        record.msg, record.args = message, None
        record.exc_info = record.exc_text = None
        return True


def _quiet_library_logs() -> None:
    """Log the errors of pygls (a message that is not JSON, say) as one line, no traceback."""
    handler = logging.StreamHandler()
    handler.addFilter(_OneLine())
    handler.setFormatter(logging.Formatter("spbe lsp: %(message)s"))
    library = logging.getLogger("pygls")
    library.setLevel(logging.ERROR)
    library.handlers = [handler]
    library.propagate = False


class MessageTooLarge(Exception):
    """An editor announced a message body larger than :data:`MAX_MESSAGE_BYTES`."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class BoundedInput:
    """Standard input as pygls reads it, with every read bounded.

    pygls reads a header line with ``readline()`` and then exactly the ``Content-Length`` it
    announced with ``read(n)``, which allocates ``n`` bytes at once: an absurd length would end
    the server in a MemoryError. Here a header line is read at most
    :data:`MAX_HEADER_BYTES` at a time, and a body larger than :data:`MAX_MESSAGE_BYTES` stops
    the server with :class:`MessageTooLarge` (the stream cannot be resynchronised after it).
    """

    def __init__(self, stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.stream = stream
        self.limit = limit

    def readline(self) -> bytes:
        """One header line, or its first :data:`MAX_HEADER_BYTES` bytes."""
        return self.stream.readline(MAX_HEADER_BYTES)

    def read(self, size: int) -> bytes:
        """One message body of ``size`` bytes, refused beyond the limit."""
        if size > self.limit:
            raise MessageTooLarge(size)
        return self.stream.read(size)


def serve(catalog: Path | None = None, stdin: BinaryIO | None = None) -> None:
    """Run the language server on stdin/stdout until the editor shuts it down.

    Raises :class:`~spbe_cli.errors.SpbeError` (exit 3) when the editor sends a message too
    large to read.
    """
    from spbe_cli.errors import SpbeError

    if not os.environ.get("SPBE_DEBUG"):  # SPBE_DEBUG=1 keeps pygls's tracebacks
        _quiet_library_logs()
    stream = BoundedInput(stdin if stdin is not None else sys.stdin.buffer)
    try:
        build_server(catalog).start_io(stdin=stream)  # type: ignore[arg-type]
    except MessageTooLarge as too_large:
        limit = MAX_MESSAGE_BYTES >> 20
        raise SpbeError(t("cli.lsp_too_large", size=too_large.size, limit=limit)) from None
