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
* files changed outside the editor (``workspace/didChangeWatchedFiles``) are loaded again.

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
from spbe_cli.i18n import t
from spbe_cli.lsp.workspace import (
    VALUE,
    Workspace,
    check_snapshot,
    word_start,
)
from spbe_cli.yamlio import editor_lines, lenient_text

#: Seconds without an edit before the whole catalog is checked again.
RECHECK_DELAY = 0.3
#: The largest message body an editor may send (a whole catalog file is at most a few MiB).
MAX_MESSAGE_BYTES = 64 << 20
#: The longest header line read at once; a longer one is read in pieces (and ignored).
MAX_HEADER_BYTES = 8 << 10

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def find_catalog(folder: Path) -> Path:
    """The catalog folder of an editor's workspace: ``catalog/`` when it exists, else the folder.

    A folder inside a catalog (``catalog/program`` opened on its own) is checked as part of the
    whole catalog, not as a catalog of its own whose every reference is missing.
    """
    candidate = folder / "catalog"
    if candidate.is_dir():
        return candidate
    absolute = folder.absolute()
    return next((p for p in (absolute, *absolute.parents) if p.name == "catalog"), folder)


class SpbeServer(LanguageServer):
    """A language server holding one catalog :class:`Workspace`."""

    def __init__(self, catalog: Path | None) -> None:
        super().__init__("spbe", __version__)
        self.catalog_option = catalog
        self.spbe: Workspace | None = None
        #: Counts edits: a full check whose snapshot is older than the last edit is dropped.
        self.generation = 0
        self.pending: asyncio.Task[None] | None = None
        #: The URI under which the editor opened each catalog file (see :meth:`uri`).
        self.uris: dict[str, str] = {}

    def edited(self) -> None:
        """Publish nothing yet; schedule the full check once the typing pauses."""
        self.generation += 1
        if self.pending is not None:
            self.pending.cancel()
        self.pending = asyncio.get_running_loop().create_task(self.recheck(self.generation))

    async def recheck(self, generation: int) -> None:
        """Check the whole catalog in a thread, and publish what changed if still current."""
        await asyncio.sleep(RECHECK_DELAY)
        if self.spbe is None or generation != self.generation:
            return
        snapshot = self.spbe.snapshot()
        findings = await asyncio.get_running_loop().run_in_executor(None, check_snapshot, snapshot)
        if generation == self.generation:
            self.publish(self.spbe.apply(findings))

    def open_workspace(self, folder: Path | None) -> Workspace:
        """Load the catalog (once) and publish the findings of every file."""
        if self.spbe is None:
            root = self.catalog_option or find_catalog(folder or Path.cwd())
            self.spbe = Workspace(root)
            self.publish(self.spbe.load())
        return self.spbe

    def rel(self, uri: str) -> str | None:
        """The catalog-relative path of a document, or None when it is not a catalog file."""
        path = to_fs_path(uri)
        if self.spbe is None or path is None:
            return None
        return self.spbe.relative(Path(path))

    def uri(self, rel: str) -> str:
        """The URI of a catalog-relative path, as the editor names that file.

        The URI the editor opened the file under when it did; else the path under the catalog
        folder as given, not resolved: through a symbolic link (``/tmp`` on macOS) or a mapped
        drive the resolved path is another URI, and the editor would not show the diagnostics.
        """
        assert self.spbe is not None
        known = self.uris.get(rel)
        if known is not None:
            return known
        return from_fs_path(str(self.spbe.root.absolute() / rel)) or rel

    def publish(self, paths: set[str]) -> None:
        """Send the diagnostics of every file in ``paths`` (an empty list clears them).

        Every file with findings is a document, prose Markdown too; the catalog itself (``.``,
        e.g. no metadata document) and its folders are not.
        """
        assert self.spbe is not None
        for rel in sorted(paths):
            if rel == "." or (self.spbe.root / rel).is_dir():
                continue
            lines = self._lines(rel)
            diagnostics = [self.diagnostic(f, lines) for f in self.spbe.findings.get(rel, [])]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=self.uri(rel), diagnostics=diagnostics)
            )

    def _lines(self, rel: str) -> list[str]:
        """The lines of a catalog file as the editor counts them (its buffer, else the disk)."""
        assert self.spbe is not None
        data = self.spbe.content(rel)
        return [] if data is None else editor_lines(lenient_text(data))

    def units(self, text: str) -> int:
        """The length of ``text`` in the editor's units (UTF-16 code units unless agreed)."""
        return int(self.workspace.position_codec.client_num_units(text))

    def range(self, location: Location) -> types.Range:
        """The range of a finding's position in any catalog file, in the editor's units."""
        return _range(location, self._lines(location.path), self.units)

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

    def diagnostic(self, finding: Finding, lines: list[str]) -> types.Diagnostic:
        """One finding as an LSP diagnostic, spanning the word at its position."""
        message = finding.message
        if finding.hint:
            message += f"\n{t('report.hint')}: {finding.hint}"
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=self.uri(r.location.path), range=self.range(r.location)
                ),
                message=r.message,
            )
            for r in finding.related
        ]
        return types.Diagnostic(
            range=_range(finding.location, lines, self.units),
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
        folders = ls.workspace.folders
        first = next(iter(folders.values()), None)
        path = to_fs_path(first.uri) if first is not None else ls.workspace.root_path
        ls.open_workspace(Path(path) if path else None)
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

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: SpbeServer, params: types.DidChangeWatchedFilesParams) -> None:
        ws = ls.open_workspace(None)
        todo: set[str] = set()
        for change in params.changes:
            path = to_fs_path(change.uri) if change.uri.startswith("file:") else None
            if path is not None and ws.is_config(Path(path)):
                ls.edited()  # .spbe.yaml: the full check reads it again
                continue
            if path is None or not ws.inside(Path(path)):
                continue
            rel = ws.relative(Path(path))
            if rel is None:
                # A folder (or a file of another name) came or went: list the catalog again.
                ls.publish(ws.load())
                ls.edited()
                return
            if rel not in ws.overlays:  # an open buffer wins over the disk until it closes
                todo |= ws.update(rel, None)
        if todo:
            ls.publish(todo)
            ls.edited()

    def changed(ls: SpbeServer, uri: str, text: str | None) -> None:
        ls.open_workspace(None)
        rel = ls.rel(uri)
        if rel is None or ls.spbe is None:
            return
        ls.uris.setdefault(rel, uri)
        data = None if text is None else text.encode("utf-8")
        ls.publish(ls.spbe.update(rel, data))
        ls.edited()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SpbeServer, params: types.DidOpenTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, params.text_document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: SpbeServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        changed(ls, uri, _buffer(ls, uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SpbeServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is not None and ls.open_workspace(None).is_config(Path(path)):
            ls.edited()  # .spbe.yaml saved: the full check reads it again
            return
        changed(ls, uri, _buffer(ls, uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: SpbeServer, params: types.DidCloseTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, None)  # back to what is on disk

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" ", "[", ","]),
    )
    def completion(ls: SpbeServer, params: types.CompletionParams) -> types.CompletionList:
        ws = ls.open_workspace(None)
        text = _buffer(ls, params.text_document.uri)
        if text is None:
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
        target = _target(ls, params)
        if target is None:
            return None
        # Plain text: names come from the catalog, which is untrusted (no Markdown, no links).
        value = f"{_one_line(target.name)}\n{kind_noun(target.kind)}: {target.word}"
        if target.location is not None:
            value += "\n" + t("lsp.defined_in", place=str(target.location))
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.PlainText, value=value)
        )

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: SpbeServer, params: types.DefinitionParams) -> types.Location | None:
        target = _target(ls, params)
        if target is None or target.location is None:
            return None
        return types.Location(uri=ls.uri(target.location.path), range=ls.range(target.location))

    return server


def _buffer(ls: SpbeServer, uri: str) -> str | None:
    """The text of a document the editor has open, or None.

    pygls would read a document that is not open from disk, whatever its path: a request about
    ``file:///etc/passwd`` must read nothing.
    """
    document = ls.workspace.text_documents.get(uri)
    return None if document is None else document.source


def _target(ls: SpbeServer, params: Any) -> Any:
    ws = ls.open_workspace(None)
    text = _buffer(ls, params.text_document.uri)
    if text is None:
        return None
    position = params.position
    return ws.target(text, position.line, ls.column(text, position.line, position.character))


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
