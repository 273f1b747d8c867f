"""``spbe lsp`` with several catalogs open, and an editor used the way Diskominfo staff use it.

Multi-root workspaces (a Kabupaten's and a Kota's repository side by side): each file is
checked against its own catalog, and folders come and go. Then the red team: unsaved files,
files outside every catalog, files deleted while open, bytes that are not UTF-8, a burst of
keystrokes, a full check that fails: no crash, no traceback, nothing read outside a catalog.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types

from spbe_cli import i18n
from spbe_cli.lsp import server as lsp_server
from tests.helpers import MINIMAL
from tests.test_lsp_editor import INFRA, Editor

OPD = "opd/diskominfo.yaml"


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lsp_server, "RECHECK_DELAY", 0.0)
    monkeypatch.setattr(lsp_server, "QUICK_DELAY", 0.0)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """A Kabupaten's repository and a Kota's, each with its ``catalog/``; the Kota's OPD is
    ``DISKOMINFO-KOTA`` (every file of it says so)."""
    kabupaten, kota = tmp_path / "kabupaten", tmp_path / "kota"
    shutil.copytree(MINIMAL, kabupaten / "catalog")
    shutil.copytree(MINIMAL, kota / "catalog")
    for path in (kota / "catalog").rglob("*.yaml"):
        text = path.read_text("utf-8")
        path.write_text(text.replace("DISKOMINFO", "DISKOMINFO-KOTA"), "utf-8")
    return kabupaten, kota


def _codes(editor: Editor, uri: str) -> list[tuple[str, int]]:
    return [(code, line) for code, line, _, _ in editor.found(uri)]


def test_each_file_is_checked_against_its_own_catalog(two: tuple[Path, Path]) -> None:
    kabupaten, kota = two
    editor = Editor(kabupaten, folders=[kabupaten, kota])
    assert set(editor.server.catalogs) == {
        (kabupaten / "catalog").resolve(),
        (kota / "catalog").resolve(),
    }
    kab_infra = (kabupaten / "catalog" / INFRA).as_uri()
    kota_infra = (kota / "catalog" / INFRA).as_uri()
    assert editor.found(kab_infra) == [] and editor.found(kota_infra) == []
    # Before, only the first folder was used: the Kota's own OPD was "not found".
    text = (kota / "catalog" / INFRA).read_text("utf-8")
    line = text.split("\n").index("opd: DISKOMINFO-KOTA")
    editor.open(kota_infra, text)
    assert editor.found(kota_infra) == []
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, kota_infra, line, 8)
    assert "DISKOMINFO-KOTA" in hover.contents.value
    target = editor.at(types.TEXT_DOCUMENT_DEFINITION, kota_infra, line, 8)
    assert target.uri == (kota / "catalog" / OPD).as_uri()
    labels = [i.label for i in editor.at(types.TEXT_DOCUMENT_COMPLETION, kota_infra, line, 5).items]
    assert labels == ["DISKOMINFO-KOTA"]
    # The Kabupaten's OPD is no id of the Kota's catalog, and the other way round.
    editor.change(kota_infra, text.replace("opd: DISKOMINFO-KOTA", "opd: DISKOMINFO"))
    assert _codes(editor, kota_infra) == [("SPBE201", line)]
    kab_text = (kabupaten / "catalog" / INFRA).read_text("utf-8")
    editor.open(kab_infra, kab_text.replace("opd: DISKOMINFO", "opd: DISKOMINFO-KOTA"))
    assert _codes(editor, kab_infra) == [("SPBE201", line)]


def test_folders_added_and_removed_load_and_forget_their_catalog(two: tuple[Path, Path]) -> None:
    kabupaten, kota = two
    editor = Editor(kabupaten, folders=[kabupaten])
    kota_uri = (kota / "catalog" / INFRA).as_uri()
    broken = (kota / "catalog" / INFRA).read_text("utf-8").replace("DISKOMINFO-KOTA", "X")
    (kota / "catalog" / INFRA).write_text(broken, "utf-8")
    line = broken.split("\n").index("opd: X")
    assert kota_uri not in editor.published  # not in the workspace yet

    def folders(added: list[Path], removed: list[Path]) -> None:
        event = types.WorkspaceFoldersChangeEvent(
            added=[types.WorkspaceFolder(uri=p.as_uri(), name=p.name) for p in added],
            removed=[types.WorkspaceFolder(uri=p.as_uri(), name=p.name) for p in removed],
        )
        params = types.DidChangeWorkspaceFoldersParams(event=event)
        # As pygls calls it: its own bookkeeping, then the server's handler.
        for handler, args, _ in editor.server.protocol.lsp_workspace__did_change_workspace_folders(
            params
        ):
            handler(*args)

    folders([kota], [])
    assert _codes(editor, kota_uri) == [("SPBE201", line)]
    folders([], [kota])
    assert editor.found(kota_uri) == []  # its diagnostics go with it
    assert len(editor.server.catalogs) == 1
    editor.open(kota_uri, broken)  # a file of no open catalog: not checked
    assert editor.found(kota_uri) == []
    kab_uri = (kabupaten / "catalog" / INFRA).as_uri()
    folders([], [kabupaten])  # the last folder: no catalog, none guessed from the directory
    assert editor.server.catalogs == {}
    editor.open(kab_uri, broken)
    assert editor.found(kab_uri) == []
    assert editor.at(types.TEXT_DOCUMENT_HOVER, kab_uri, line, 6) is None
    folders([kabupaten], [])  # back, with the buffer open in it checked, not the disk
    assert len(editor.server.catalogs) == 1
    assert _codes(editor, kab_uri) == [("SPBE201", line)]


def test_two_folders_of_one_catalog_load_it_once(two: tuple[Path, Path]) -> None:
    kabupaten, _ = two
    editor = Editor(kabupaten, folders=[kabupaten, kabupaten / "catalog" / "opd"])
    assert list(editor.server.catalogs) == [(kabupaten / "catalog").resolve()]


# -- red team -----------------------------------------------------------------------------------


def test_an_unsaved_new_file_is_completed_and_hovered_not_checked(minimal_catalog: Path) -> None:
    editor = Editor(minimal_catalog)
    uri = "untitled:Untitled-1"
    before = dict(editor.published)
    text = "entitas: infrastruktur\nopd: DISKOMINFO\nid: [rusak\n"
    editor.open(uri, text)
    editor.change(uri, text + "x")
    assert editor.published == before  # no diagnostics for a file of no catalog
    labels = [i.label for i in editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 1, 5).items]
    assert labels == ["DISKOMINFO"]
    i18n.set_language("id")
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, uri, 1, 7)
    assert hover.contents.value.endswith("didefinisikan di opd/diskominfo.yaml:2:5")
    editor.close(uri)
    assert editor.published == before


def test_completion_details_speak_indonesian(minimal_catalog: Path) -> None:
    i18n.set_language("id")
    editor = Editor(minimal_catalog)
    uri = editor.uri("arsitektur/baru.yaml")
    editor.open(uri, "entitas: infrastruktur\nopd: \nrai: \n")
    [item] = editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 1, 5).items
    assert item.detail == "Dinas Komunikasi dan Informatika (OPD)"
    details = [i.detail for i in editor.at(types.TEXT_DOCUMENT_COMPLETION, uri, 2, 5).items]
    assert details and all(d.endswith("(kode referensi arsitektur)") for d in details)


def test_a_file_deleted_on_disk_while_open_keeps_its_buffer_until_closed(
    minimal_catalog: Path,
) -> None:
    editor = Editor(minimal_catalog)
    uri = editor.uri(OPD)
    text = (minimal_catalog / OPD).read_text("utf-8")
    editor.open(uri, text)
    (minimal_catalog / OPD).unlink()
    editor.files_changed((uri, types.FileChangeType.Deleted))
    infra = editor.uri(INFRA)
    assert editor.found(infra) == []  # the buffer still declares DISKOMINFO
    editor.close(uri)  # gone from disk and from the editor: its id too
    assert editor.found(uri) == []
    line = (minimal_catalog / INFRA).read_text("utf-8").split("\n").index("opd: DISKOMINFO")
    assert ("SPBE201", line) in _codes(editor, infra)


def test_bytes_that_are_not_utf8_are_a_finding_not_a_crash(minimal_catalog: Path) -> None:
    """An editor may send a lone surrogate (a file it read as Latin-1, a broken paste): SPBE002
    at its line and column, as validate says of such bytes."""
    editor = Editor(minimal_catalog)
    uri = editor.uri("arsitektur/baru.yaml")
    editor.open(uri, "entitas: infrastruktur\nnama: Caf\udce9\n")
    assert editor.found(uri) == [("SPBE002", 1, 9, 10)]
    editor.change(uri, "entitas: infrastruktur\nnama: Café\n")
    assert [code for code, *_ in editor.found(uri)] != ["SPBE002"]


def test_a_burst_of_changes_is_checked_once(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lsp_server, "QUICK_DELAY", 0.01)
    editor = Editor(minimal_catalog)
    uri = editor.uri(INFRA)
    text = (minimal_catalog / INFRA).read_text("utf-8")
    editor.open(uri, text)
    ws = editor.server.spbe
    assert ws is not None
    updates: list[bytes | None] = []
    update = ws.update
    monkeypatch.setattr(ws, "update", lambda rel, data: updates.append(data) or update(rel, data))
    handler = editor.features[types.TEXT_DOCUMENT_DID_CHANGE]

    async def burst() -> None:
        changes = []
        for typed in ("DISKOMINF", "DISKOMIN", "DISKOMI"):
            editor.version += 1
            document = types.VersionedTextDocumentIdentifier(uri=uri, version=editor.version)
            change = types.TextDocumentContentChangeWholeDocument(
                text=text.replace("opd: DISKOMINFO", f"opd: {typed}")
            )
            editor.server.workspace.update_text_document(document, change)
            changes.append(handler(types.DidChangeTextDocumentParams(document, [change])))
        await asyncio.gather(*changes)

    editor.run(burst())
    assert len(updates) == 1 and updates[0] is not None and b"opd: DISKOMI\n" in updates[0]
    line = text.split("\n").index("opd: DISKOMINFO")
    assert _codes(editor, uri) == [("SPBE201", line)]


def test_a_full_check_that_fails_is_one_line_in_the_log(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    editor = Editor(minimal_catalog)

    def broken(snapshot: object) -> object:
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(lsp_server, "check_snapshot", broken)
    uri = editor.uri(INFRA)
    text = (minimal_catalog / INFRA).read_text("utf-8")
    with caplog.at_level(logging.ERROR, logger="pygls"):
        editor.open(uri, text.replace("opd: DISKOMINFO", "opd: X"))
    [record] = [r for r in caplog.records if "full check" in r.getMessage()]
    assert record.getMessage().endswith("RuntimeError: disk penuh")
    assert record.exc_info is None and "Traceback" not in caplog.text
    assert [code for code, *_ in editor.found(uri)] == ["SPBE201"]  # the quick step stands


def test_hover_in_a_prose_file_answers_from_its_own_catalog(two: tuple[Path, Path]) -> None:
    kabupaten, kota = two
    editor = Editor(kabupaten, folders=[kabupaten, kota])
    prose = kota / "catalog" / "prosa" / "catatan.md"
    prose.parent.mkdir(exist_ok=True)
    text = "Dikelola DISKOMINFO-KOTA.\n"
    editor.open(prose.as_uri(), text)
    hover = editor.at(types.TEXT_DOCUMENT_HOVER, prose.as_uri(), 0, 12)
    assert hover is not None and "DISKOMINFO-KOTA" in hover.contents.value
    outside = kabupaten / "catatan.md"  # in the folder, outside its catalog: two catalogs open
    editor.open(outside.as_uri(), text)
    assert editor.at(types.TEXT_DOCUMENT_HOVER, outside.as_uri(), 0, 12) is None


def test_a_folder_without_a_catalog_is_told_once_and_never_read_as_one(tmp_path: Path) -> None:
    """Before, the folder itself was the catalog: a repository's docker-compose.yml, say, was
    an error (no ``entitas``), and every file a catalog without metadata."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "docker-compose.yml").write_text("services: {}\n", "utf-8")
    shown: list[types.ShowMessageParams] = []
    editor = Editor(repo, folders=[repo], messages=shown)
    assert editor.server.catalogs == {}
    assert editor.published == {}  # nothing read, nothing reported
    assert [m.type for m in shown] == [types.MessageType.Warning]
    assert str(repo) in shown[0].message and "catalog/" in shown[0].message
    compose = (repo / "docker-compose.yml").as_uri()
    editor.open(compose, "services: {}\n")
    assert editor.found(compose) == []
    assert editor.at(types.TEXT_DOCUMENT_HOVER, compose, 0, 2) is None
    assert len(shown) == 1  # told once, not on every request
    # `spbe init` (or a git pull) makes the catalog: loaded when the editor says files changed.
    shutil.copytree(MINIMAL, repo / "catalog")
    broken = (repo / "catalog" / INFRA).read_text("utf-8").replace("opd: DISKOMINFO", "opd: X")
    (repo / "catalog" / INFRA).write_text(broken, "utf-8")
    editor.files_changed(((repo / "catalog" / INFRA).as_uri(), types.FileChangeType.Created))
    assert set(editor.server.catalogs) == {(repo / "catalog").resolve()}
    line = broken.split("\n").index("opd: X")
    assert _codes(editor, (repo / "catalog" / INFRA).as_uri()) == [("SPBE201", line)]
    assert len(shown) == 1


def test_the_message_of_a_folder_without_a_catalog_speaks_english_with_lang_en(
    tmp_path: Path,
) -> None:
    shown: list[types.ShowMessageParams] = []
    i18n.set_language("en")
    try:
        Editor(tmp_path, folders=[tmp_path], messages=shown)
    finally:
        i18n.set_language("id")
    assert [m.message.split(";")[0] for m in shown] == [
        f"spbe: the folder {tmp_path} holds no catalog folder (catalog/) and is not inside one,"
        " so it is not checked"
    ]
