"""``spbe lsp`` driven in-process, as an editor would: positions, buffers, files, hover, safety.

The server's handlers are called directly (no stdio), with the text documents pygls keeps, so
every case runs in milliseconds; tests/test_lsp.py drives the same server over stdio.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from lsprotocol import types

from spbe_cli import i18n
from spbe_cli.lsp import server as lsp_server
from spbe_cli.lsp.server import SpbeServer, build_server

INFRA = "arsitektur/infrastruktur.yaml"
LAYANAN = "arsitektur/layanan.yaml"


class Editor:
    """An editor session against one catalog: open, change, close, ask; diagnostics kept."""

    def __init__(
        self,
        catalog: Path,
        capabilities: types.ClientCapabilities | None = None,
        folders: list[Path] | None = None,
        messages: list[types.ShowMessageParams] | None = None,
    ):
        """``folders``: a multi-root workspace (no ``--catalog``); else ``catalog`` is given.

        ``messages``: where the messages the server shows its user go.
        """
        self.root = catalog.absolute()
        self.server: SpbeServer = build_server(None if folders else self.root)
        self.messages = [] if messages is None else messages
        self.server.window_show_message = self.messages.append  # type: ignore[method-assign,assignment]
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.registrations: list[types.RegistrationParams] = []
        self.server.text_document_publish_diagnostics = self._publish  # type: ignore[method-assign]
        self.server.client_register_capability = self.registrations.append  # type: ignore[method-assign,assignment]
        start = self.server.protocol.lsp_initialize(
            types.InitializeParams(
                capabilities=capabilities or types.ClientCapabilities(),
                root_uri=self.root.as_uri(),
                workspace_folders=[
                    types.WorkspaceFolder(uri=f.absolute().as_uri(), name=f.name)
                    for f in folders or ()
                ]
                or None,
            )
        )
        for _ in start:
            pass
        self.features = self.server.protocol.fm.features
        self.features[types.INITIALIZED](types.InitializedParams())
        self.version = 0

    def _publish(self, params: types.PublishDiagnosticsParams) -> None:
        self.published[params.uri] = list(params.diagnostics)

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def run(self, coroutine: Any) -> None:
        asyncio.run(self._settle(coroutine))

    async def _settle(self, coroutine: Any) -> None:
        await coroutine
        pending = self.server.pending
        if pending is not None:
            await pending  # the full check after the pause in typing

    def open(self, uri: str, text: str) -> None:
        self.version += 1
        item = types.TextDocumentItem(uri=uri, language_id="yaml", version=self.version, text=text)
        self.server.workspace.put_text_document(item)
        self.run(self.features[types.TEXT_DOCUMENT_DID_OPEN](types.DidOpenTextDocumentParams(item)))

    def change(self, uri: str, text: str) -> None:
        self.version += 1
        document = types.VersionedTextDocumentIdentifier(uri=uri, version=self.version)
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        self.server.workspace.update_text_document(document, change)
        params = types.DidChangeTextDocumentParams(document, [change])
        self.run(self.features[types.TEXT_DOCUMENT_DID_CHANGE](params))

    def close(self, uri: str) -> None:
        self.server.workspace.remove_text_document(uri)
        params = types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
        self.run(self.features[types.TEXT_DOCUMENT_DID_CLOSE](params))

    def files_changed(self, *changes: tuple[str, types.FileChangeType]) -> None:
        events = [types.FileEvent(uri=uri, type=kind) for uri, kind in changes]
        params = types.DidChangeWatchedFilesParams(changes=events)

        async def notify() -> None:
            self.features[types.WORKSPACE_DID_CHANGE_WATCHED_FILES](params)

        self.run(notify())

    def at(self, method: str, uri: str, line: int, character: int) -> Any:
        document = types.TextDocumentIdentifier(uri=uri)
        position = types.Position(line=line, character=character)
        params = {
            types.TEXT_DOCUMENT_HOVER: types.HoverParams,
            types.TEXT_DOCUMENT_DEFINITION: types.DefinitionParams,
            types.TEXT_DOCUMENT_COMPLETION: types.CompletionParams,
        }[method](text_document=document, position=position)
        return self.features[method](params)

    def found(self, uri: str) -> list[tuple[str, int, int, int]]:
        """``(code, line, start, end)`` of each diagnostic published last for ``uri``."""
        return [
            (str(d.code), d.range.start.line, d.range.start.character, d.range.end.character)
            for d in self.published.get(uri, [])
        ]


@pytest.fixture(autouse=True)
def quick_recheck(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lsp_server, "RECHECK_DELAY", 0.0)
    monkeypatch.setattr(lsp_server, "QUICK_DELAY", 0.0)


@pytest.fixture
def editor(minimal_catalog: Path) -> Iterator[Editor]:
    yield Editor(minimal_catalog)


def _infra(text: str) -> str:
    return f"entitas: infrastruktur\nid: INFRA-09\nnama: Rak\nrai: RAI.01\njenis: x\n{text}"


def _units(text: str) -> int:
    """Length in UTF-16 code units, as VS Code counts columns."""
    return len(text.encode("utf-16-le")) // 2


def _validated(catalog: Path) -> dict[str, list[tuple[str, int, int]]]:
    """``spbe validate``'s findings per file: ``(code, line, column)``, 1-based code points."""
    from spbe_cli.validate import validate_catalog

    _, report = validate_catalog(catalog, "")
    result: dict[str, list[tuple[str, int, int]]] = {}
    for f in report.findings:
        result.setdefault(f.location.path, []).append((f.code, f.location.line, f.location.column))
    return result


def _as_validate(editor: Editor, rel: str, lines: list[str]) -> list[tuple[str, int, int]]:
    """The editor's diagnostics of ``rel`` back in validate's terms (code points, 1-based)."""
    result = []
    for code, line, start, _ in editor.found(editor.uri(rel)):
        text = lines[line]
        column = next(i for i in range(len(text) + 1) if _units(text[:i]) == start)
        result.append((code, line + 1, column + 1))
    return result


# -- positions: what validate says, in the editor's units -------------------------------------

EMOJI_CASES = [
    # (file content, code, the text the diagnostic starts at, on the line holding it)
    (_infra('opd: DISKOMINFO\ncatatan: {a: "😀é", b: [1, 2}\n'), "SPBE001", "}"),
    (_infra('opd: ["😀 é", DISKOMINFO]\n'), "SPBE101", '["'),
    (_infra('opd: DISKOMINFO\ncatatan: "Café 😀" lagi\n'), "SPBE001", "lagi"),
]


@pytest.mark.parametrize(("text", "code", "written"), EMOJI_CASES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_diagnostic_after_an_emoji_is_at_its_utf16_column(
    minimal_catalog: Path, text: str, code: str, written: str, newline: str
) -> None:
    # Before, columns counted code points: an emoji before the mistake put the squiggle one
    # character early, in every diagnostic after it on the line.
    rel = "arsitektur/baru.yaml"
    (minimal_catalog / rel).write_bytes(text.replace("\n", newline).encode("utf-8"))
    expected = _validated(minimal_catalog)[rel]
    editor = Editor(minimal_catalog)
    lines = text.split("\n")
    line = next(i for i, s in enumerate(lines) if written in s and "😀" in s)
    start = _units(lines[line][: lines[line].index(written)])
    assert (code, line, start) in [f[:3] for f in editor.found(editor.uri(rel))]
    assert _as_validate(editor, rel, lines) == expected
    # The same content as an unsaved buffer: the same diagnostics.
    (minimal_catalog / rel).unlink()
    editor.close(editor.uri(rel))
    assert editor.found(editor.uri(rel)) == []
    editor.open(editor.uri(rel), text.replace("\n", newline))
    assert _as_validate(editor, rel, lines) == expected


def test_a_file_with_a_bom_is_pointed_at_as_the_editor_shows_it(minimal_catalog: Path) -> None:
    # VS Code hides the BOM; the range's end counted it, one character too far on line 1.
    rel = "arsitektur/bom.yaml"
    text = "id: INFRA-09 x: 1\nentitas: infrastruktur\n"
    (minimal_catalog / rel).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert _validated(minimal_catalog)[rel] == [("SPBE001", 1, 15)]
    editor = Editor(minimal_catalog)
    assert editor.found(editor.uri(rel)) == [("SPBE001", 0, 14, 15)]
    editor.open(editor.uri(rel), text)
    assert editor.found(editor.uri(rel)) == [("SPBE001", 0, 14, 15)]


def test_hover_and_definition_read_the_editors_column(editor: Editor) -> None:
    text = (editor.root / INFRA).read_text("utf-8")
    edited = text.replace("opd: DISKOMINFO", "opd: DISKOMINFO # 😀😀😀😀 INFRA-01")
    editor.open(editor.uri(INFRA), edited)
    line = edited.split("\n").index("opd: DISKOMINFO # 😀😀😀😀 INFRA-01")
    current = edited.split("\n")[line]
    # UTF-16 column of the last 'D' of DISKOMINFO, then of INFRA-01 after four emoji.
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, editor.uri(INFRA), line, 14)
    assert "DISKOMINFO" in hover.contents.value
    at = _units(current[: current.index("INFRA-01")])
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, editor.uri(INFRA), line, at + 1)
    assert "INFRA-01" in hover.contents.value
    # Before, 4 emoji later the column read as code points fell past the end of INFRA-01.
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, editor.uri(INFRA), line, at + 7)
    assert hover is not None and "INFRA-01" in hover.contents.value
    target = editor.at(types.TEXT_DOCUMENT_DEFINITION, editor.uri(INFRA), line, 8)
    assert target.uri == editor.uri("opd/diskominfo.yaml")
    defining = (editor.root / "opd/diskominfo.yaml").read_text("utf-8").split("\n")
    start, end = target.range.start, target.range.end
    assert defining[start.line][start.character : end.character] == "DISKOMINFO"


# -- buffers and files ------------------------------------------------------------------------


def test_closing_a_buffer_gives_back_the_findings_on_disk(editor: Editor) -> None:
    uri = editor.uri(INFRA)
    text = (editor.root / INFRA).read_text("utf-8")
    editor.open(uri, text.replace("opd: DISKOMINFO", "opd: [DISKOMINFO"))
    [(code, line, _, _)] = editor.found(uri)
    assert (code, line) == ("SPBE001", len(text.split("\n")) - 1)
    editor.close(uri)
    assert editor.found(uri) == []
    assert _validated(editor.root) == {}


def test_a_new_unsaved_file_then_closed_leaves_nothing(editor: Editor) -> None:
    uri = editor.uri("opd/baru.yaml")
    copy = (editor.root / "opd/diskominfo.yaml").read_text("utf-8")
    editor.open(uri, copy)
    [(code, line, start, _)] = editor.found(uri)
    assert (code, line, start) == ("SPBE104", copy.split("\n").index("id: DISKOMINFO"), 4)
    editor.close(uri)  # never saved: gone
    assert editor.found(uri) == []


def test_a_file_renamed_while_open_moves_its_diagnostics(editor: Editor) -> None:
    old, new = editor.uri(INFRA), editor.uri("arsitektur/infra-baru.yaml")
    text = (editor.root / INFRA).read_text("utf-8").replace("DISKOMINFO", "DISKOMINF")
    editor.open(old, text)
    assert [f[0] for f in editor.found(old)] == ["SPBE201"]
    (editor.root / INFRA).rename(editor.root / "arsitektur/infra-baru.yaml")
    editor.close(old)  # VS Code: didClose of the old name, didOpen of the new one
    editor.open(new, text)
    assert editor.found(old) == []
    assert [f[0] for f in editor.found(new)] == ["SPBE201"]


def test_files_changed_outside_the_editor_are_checked_again(minimal_catalog: Path) -> None:
    watch = types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(did_change_watched_files=watch)
    )
    editor = Editor(minimal_catalog, capabilities)
    [registration] = editor.registrations
    assert registration.registrations[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    copy = minimal_catalog / "opd/salinan.yaml"
    copy.write_bytes((minimal_catalog / "opd/diskominfo.yaml").read_bytes())  # git pull, say
    editor.files_changed((copy.as_uri(), types.FileChangeType.Created))
    line = copy.read_text("utf-8").split("\n").index("id: DISKOMINFO")
    assert editor.found(copy.as_uri()) == [("SPBE104", line, 4, 14)]
    copy.unlink()
    editor.files_changed((copy.as_uri(), types.FileChangeType.Deleted))
    assert editor.found(copy.as_uri()) == []
    # A folder removed: one event for the folder, none for its files.
    folder = minimal_catalog / "arsitektur"
    shutil.rmtree(folder)
    editor.files_changed((folder.as_uri(), types.FileChangeType.Deleted))
    expected = _validated(minimal_catalog)
    assert "peta-rencana/infrastruktur.yaml" in expected  # its references now dangle
    for rel, findings in expected.items():
        if rel != ".":
            lines = (minimal_catalog / rel).read_text("utf-8").split("\n")
            assert _as_validate(editor, rel, lines) == findings, rel
    # A change outside the catalog, or under .git, reads nothing.
    editor.files_changed(("file:///etc/passwd", types.FileChangeType.Changed))


def test_a_buffer_over_the_size_limit_is_the_finding_validate_gives(
    editor: Editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli import files, loader

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 2048)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 2048)
    uri = editor.uri(INFRA)
    huge = (editor.root / INFRA).read_text("utf-8") + "# " + "x" * 4000 + "\n"
    editor.open(uri, huge)
    assert editor.found(uri) == [("SPBE008", 0, 0, len("entitas:"))]
    (editor.root / INFRA).write_text(huge, "utf-8")
    editor.close(uri)
    # Back to the disk: the same finding, as validate reads the file (before, it vanished).
    assert _validated(editor.root)[INFRA] == [("SPBE008", 1, 1)]
    assert [f[:3] for f in editor.found(uri)] == [("SPBE008", 0, 0)]


# -- hover and completion ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "id",
            "Dinas Komunikasi dan Informatika\nOPD: DISKOMINFO\n"
            "didefinisikan di opd/diskominfo.yaml:2:5",
        ),
        (
            "en",
            "Dinas Komunikasi dan Informatika\nOPD: DISKOMINFO\ndefined in opd/diskominfo.yaml:2:5",
        ),
    ],
)
def test_hover_names_the_entity_in_the_language_of_the_messages(
    editor: Editor, lang: str, said: str
) -> None:
    i18n.set_language(lang)
    text = (editor.root / INFRA).read_text("utf-8")
    editor.open(editor.uri(INFRA), text)
    line = text.split("\n").index("opd: DISKOMINFO")
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, editor.uri(INFRA), line, 7)
    assert hover.contents.kind == types.MarkupKind.PlainText
    assert hover.contents.value == said
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, editor.uri(INFRA), line - 2, 6)  # rai: RAI.01
    noun = "kode referensi arsitektur" if lang == "id" else "reference architecture code"
    assert f"\n{noun}: RAI.01" in hover.contents.value


def test_a_hostile_name_is_inert_plain_text_in_one_line(editor: Editor) -> None:
    opd = "opd/diskominfo.yaml"
    text = (editor.root / opd).read_text("utf-8")
    line = next(s for s in text.split("\n") if s.startswith("nama:"))
    hostile = 'nama: "**[klik](command:workbench.action.terminal.new)** <img src=x> `x`"'
    editor.open(editor.uri(opd), text.replace(line, hostile))
    infra = (editor.root / INFRA).read_text("utf-8")
    editor.open(editor.uri(INFRA), infra)
    row = infra.split("\n").index("opd: DISKOMINFO")
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, editor.uri(INFRA), row, 7)
    assert hover.contents.kind == types.MarkupKind.PlainText  # Markdown is never rendered
    first = hover.contents.value.split("\n")[0]
    assert first == "**[klik](command:workbench.action.terminal.new)** <img src=x> `x`"
    assert editor.found(editor.uri(opd)) == []


def test_a_name_shown_in_one_line_loses_its_control_and_bidi_characters() -> None:
    # The models refuse them in a name; what reaches hover is flattened all the same.
    assert lsp_server._one_line("a\u202eb\tc\nd\u2028e") == "a b c d e"


def test_nothing_outside_the_open_catalog_buffers_is_read(editor: Editor, tmp_path: Path) -> None:
    # Before, pygls read a document that was not open from disk, wherever it was.
    outside = tmp_path / "luar.yaml"
    outside.write_text("opd: DISKOMINFO\n", "utf-8")
    for uri in (outside.as_uri(), "file:///etc/passwd", editor.uri("../luar.yaml")):
        assert editor.at(types.TEXT_DOCUMENT_HOVER, uri, 0, 7) is None
        assert editor.at(types.TEXT_DOCUMENT_DEFINITION, uri, 0, 7) is None
        assert editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 0, 5).items == []
    assert editor.server.workspace.text_documents == {}
    before = dict(editor.published)
    # Open buffers outside the catalog, or not files at all, are never catalog files.
    for uri in (
        outside.as_uri(),
        editor.uri("../luar.yaml"),
        "untitled:Untitled-1",
        "git:/x/catalog/opd/diskominfo.yaml",
    ):
        editor.open(uri, "entitas: opd\nid: [rusak\n")
    assert editor.published == before


@pytest.mark.parametrize(
    ("text", "line", "offered"),
    [
        ("entitas: layanan\njenis: \n", 1, ["publik", "administrasi"]),
        ("entitas: \n", 0, None),  # every kind
        ("entitas: aplikasi\nkategori: \n", 1, ["umum", "khusus"]),
        ("entitas: infrastruktur\nstatus_kepemilikan: \n", 1, ["milik", "sewa", "bagi_pakai"]),
        ("entitas: infrastruktur\nopd: \n", 1, ["DISKOMINFO"]),
    ],
)
def test_completion_offers_the_values_a_field_takes(
    editor: Editor, text: str, line: int, offered: list[str] | None
) -> None:
    from spbe_cli.models import MODELS

    uri = editor.uri("arsitektur/baru.yaml")
    editor.open(uri, text)
    items = editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, line, len(text.split("\n")[line]))
    labels = [item.label for item in items.items]
    assert labels == (list(MODELS) if offered is None else offered)


def test_lines_are_counted_as_the_editor_counts_them(editor: Editor) -> None:
    # A form feed or U+2028 inside a comment is no line break to an editor; str.splitlines
    # made one, and completion and hover looked one line off below it.
    uri = editor.uri("arsitektur/baru.yaml")
    text = "entitas: infrastruktur\n# a\x0cb\u2028c\nopd: \n"
    editor.open(uri, text)
    labels = [i.label for i in editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 2, 5).items]
    assert labels == ["DISKOMINFO"]
    editor.change(uri, text.replace("opd: ", "opd: DISKOMINFO"))
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, uri, 2, 7)
    assert hover is not None and "DISKOMINFO" in hover.contents.value


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("id", "'DISKOMINF' tidak ditemukan (seharusnya opd)\nsaran: maksud Anda DISKOMINFO?"),
        ("en", "'DISKOMINF' not found (expected opd)\nhint: did you mean DISKOMINFO?"),
    ],
)
def test_diagnostics_speak_the_language_of_the_messages(
    minimal_catalog: Path, lang: str, said: str
) -> None:
    i18n.set_language(lang)  # what --lang or SPBE_LANG sets for the process
    editor = Editor(minimal_catalog)
    text = (minimal_catalog / INFRA).read_text("utf-8").replace("DISKOMINFO", "DISKOMINF")
    editor.open(editor.uri(INFRA), text)
    [diagnostic] = editor.published[editor.uri(INFRA)]
    assert (diagnostic.code, diagnostic.message) == ("SPBE201", said)
    assert diagnostic.range.start.line == text.split("\n").index("opd: DISKOMINF")


def test_the_rule_configuration_applies_as_in_validate(minimal_catalog: Path) -> None:
    # Before, the editor ignored catalog/.spbe.yaml: an excepted finding was still an error,
    # and an overridden severity kept its default.
    (minimal_catalog / ".spbe.yaml").write_text(
        "aturan: {SPBE201: warning}\n"
        "pengecualian:\n"
        "  - aturan: SPBE201\n"
        "    entitas: LAY-01\n"
        "    alasan: aplikasi ini dipindah ke katalog provinsi\n"
        "  - aturan: SPBE403\n"
        "    entitas: APP-01\n"
        "    alasan: layanan yang memakainya sedang disusun\n",
        "utf-8",
    )
    infra = (minimal_catalog / INFRA).read_text("utf-8").replace("DISKOMINFO", "DISKOMINF")
    layanan = (minimal_catalog / LAYANAN).read_text("utf-8").replace("APP-01", "APP-XX")
    (minimal_catalog / INFRA).write_text(infra, "utf-8")
    (minimal_catalog / LAYANAN).write_text(layanan, "utf-8")
    expected = _validated(minimal_catalog)
    row = infra.split("\n").index("opd: DISKOMINF")
    assert expected == {INFRA: [("SPBE201", row + 1, 6)]}
    editor = Editor(minimal_catalog)
    [diagnostic] = editor.published[editor.uri(INFRA)]
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert editor.found(editor.uri(LAYANAN)) == []
    # The quick step, on every keystroke, says it the same way.
    editor.open(editor.uri(LAYANAN), layanan + "\n")
    editor.open(editor.uri(INFRA), infra + "\n")
    assert editor.found(editor.uri(LAYANAN)) == []
    [diagnostic] = editor.published[editor.uri(INFRA)]
    assert (diagnostic.code, diagnostic.severity) == ("SPBE201", types.DiagnosticSeverity.Warning)
    # .spbe.yaml saved with the exception gone: the finding is back after the full check.
    config = minimal_catalog / ".spbe.yaml"
    config.write_text("aturan: {SPBE201: warning}\n", "utf-8")
    saved = types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=config.as_uri()))
    editor.run(editor.features[types.TEXT_DOCUMENT_DID_SAVE](saved))
    assert [f[0] for f in editor.found(editor.uri(LAYANAN))] == ["SPBE201"]


@pytest.mark.parametrize(
    ("kind", "line", "label", "start"),
    [
        # before: inserted after the editor's word, 'RAI.RAI.01'
        ("infrastruktur", "rai: RAI.0", "RAI.01", 5),
        ("infrastruktur", "opd: DISK", "DISKOMINFO", 5),
        # a program's lokasi holds region codes (an infrastruktur's is free text)
        ("program", 'lokasi: ["😀", "94.04.0', "94.04.01", _units('lokasi: ["😀", "')),
    ],
)
def test_completion_replaces_the_whole_id_typed_so_far(
    editor: Editor, kind: str, line: str, label: str, start: int
) -> None:
    uri = editor.uri("arsitektur/baru.yaml")
    text = f"entitas: {kind}\n{line}"
    editor.open(uri, text)
    end = _units(line)
    items = editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 1, end).items
    [item] = [i for i in items if i.label == label]
    assert item.text_edit.new_text == label
    assert (item.text_edit.range.start.line, item.text_edit.range.start.character) == (1, start)
    assert (item.text_edit.range.end.line, item.text_edit.range.end.character) == (1, end)


def test_diagnostics_go_to_the_uri_the_editor_opened(tmp_path: Path) -> None:
    # Before, URIs were of the resolved path: through a symlinked folder (macOS's /tmp, a
    # mapped drive) the editor never saw them.
    from tests.helpers import copy_minimal

    copy_minimal(tmp_path / "asli" / "catalog")
    link = tmp_path / "pintasan"
    link.symlink_to(tmp_path / "asli", target_is_directory=True)
    catalog = link / "catalog"
    text = (catalog / INFRA).read_text("utf-8").replace("DISKOMINFO", "DISKOMINF")
    (catalog / INFRA).write_text(text, "utf-8")
    editor = Editor(catalog)
    seen = f"{catalog.absolute().as_uri()}/{INFRA}"
    assert [c for c, *_ in _found_at(editor, seen)] == ["SPBE201"]
    editor.open(seen, text.replace("DISKOMINF", "DISKOMINFO"))
    assert _found_at(editor, seen) == []


def _found_at(editor: Editor, uri: str) -> list[tuple[str, int, int, int]]:
    return [
        (str(d.code), d.range.start.line, d.range.start.character, d.range.end.character)
        for d in editor.published.get(uri, [])
    ]


def test_a_finding_in_a_prose_file_is_a_diagnostic_there(minimal_catalog: Path) -> None:
    prose = minimal_catalog / "prosa" / "latar.md"
    prose.parent.mkdir()
    prose.write_text("# Latar\n\nTeks dengan \u202e pembalik arah.\n", "utf-8")
    metadata = minimal_catalog / "metadata.yaml"
    metadata.write_text(
        metadata.read_text("utf-8") + "prosa:\n  latar_belakang: prosa/latar.md\n", "utf-8"
    )
    expected = _validated(minimal_catalog)
    assert expected == {"prosa/latar.md": [("SPBE019", 3, 13)]}
    editor = Editor(minimal_catalog)
    assert (
        _as_validate(editor, "prosa/latar.md", prose.read_text("utf-8").split("\n"))
        == (expected["prosa/latar.md"])
    )


def test_a_folder_opened_inside_the_catalog_checks_the_whole_catalog(tmp_path: Path) -> None:
    from spbe_cli.files import find_catalog

    (tmp_path / "repo" / "catalog" / "program").mkdir(parents=True)
    repo = tmp_path / "repo"
    assert find_catalog(repo) == repo / "catalog"
    assert find_catalog(repo / "catalog") == repo / "catalog"
    # Before, catalog/program alone was the catalog: every reference out of it was missing.
    assert find_catalog(repo / "catalog" / "program") == repo / "catalog"
    # A folder that holds no catalog is none: it is not read as one (see test_lsp_workspaces).
    assert find_catalog(tmp_path / "lain") is None


def test_completion_offers_the_value_lists_of_the_reference_data(editor: Editor) -> None:
    # infrastruktur.jenis is text checked against a list of the reference data (SPBE206).
    from spbe_cli.reference import load_reference

    uri = editor.uri("arsitektur/baru.yaml")
    editor.open(uri, "entitas: infrastruktur\njenis: \n")
    items = editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 1, 7).items
    expected = load_reference().lists()["jenis_infrastruktur"]
    assert [i.label for i in items] == list(expected)
    assert "server" in expected
    server = next(i for i in items if i.label == "server")
    assert server.detail == f"{expected['server']} (allowed value)"


@pytest.mark.parametrize(
    ("encoding", "measure"),
    [
        ("utf-8", lambda s: len(s.encode("utf-8"))),  # Helix, Neovim may prefer it
        ("utf-32", len),
        ("utf-16", _units),
    ],
)
def test_columns_follow_the_position_encoding_agreed_with_the_editor(
    minimal_catalog: Path, encoding: str, measure: Any
) -> None:
    general = types.GeneralClientCapabilities(position_encodings=[encoding])
    editor = Editor(minimal_catalog, types.ClientCapabilities(general=general))
    text = _infra('opd: DISKOMINFO\ncatatan: "Café 😀" lagi\n')
    uri = editor.uri("arsitektur/baru.yaml")
    editor.open(uri, text)
    line = text.split("\n")[6]
    start = measure(line[: line.index("lagi")])
    assert editor.found(uri) == [("SPBE001", 6, start, start + measure("lagi"))]
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, uri, 5, measure("opd: DISKO"))
    assert hover is not None and "DISKOMINFO" in hover.contents.value
