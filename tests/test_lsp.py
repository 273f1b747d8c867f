"""``spbe lsp`` driven over stdio with real LSP messages, as an editor would."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from spbe_cli import links
from spbe_cli.lsp.workspace import Workspace

TIMEOUT = 60.0
INFRA = "arsitektur/infrastruktur.yaml"


class Client:
    """A minimal JSON-RPC client speaking LSP framing to a child process."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = dict(os.environ, SPBE_LANG="en")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "spbe_cli", *args, "lsp"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def open(self, uri: str, text: str) -> None:
        """``textDocument/didOpen`` of a YAML buffer."""
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        assert "error" not in reply, reply
        return reply.get("result")

    def wait(self, match: Any) -> dict[str, Any]:
        while True:
            try:
                message = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                stderr = self.proc.stderr.read1() if self.proc.stderr else b""  # type: ignore[attr-defined]
                raise AssertionError(f"no answer from spbe lsp; stderr: {stderr!r}") from None
            if match(message):
                return message

    def diagnostics(self, uri: str, until: Any = None) -> list[dict[str, Any]]:
        """The next diagnostics published for ``uri`` (that satisfy ``until``, if given)."""
        message = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and (until is None or until(m["params"]["diagnostics"]))
            )
        )
        return list(message["params"]["diagnostics"])

    def close(self) -> int:
        self.request("shutdown", {})
        self.notify("exit", {})
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            self.release()

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def project(tmp_path: Path, minimal_catalog: Path) -> Path:
    """A repository folder with the minimal catalog under ``catalog/``."""
    del minimal_catalog
    return tmp_path


@pytest.fixture
def clients() -> Iterator[list[Client]]:
    """Started clients, stopped at the end of the test whatever happened."""
    started: list[Client] = []
    yield started
    for client in started:
        client.release()


def _start(project: Path, clients: list[Client]) -> Client:
    client = Client(project)
    clients.append(client)
    root = project.resolve().as_uri()
    client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": "katalog"}],
            "capabilities": {},
        },
    )
    client.notify("initialized", {})
    return client


def _doc(project: Path, rel: str) -> tuple[str, str]:
    path = (project / "catalog" / rel).resolve()
    return path.as_uri(), path.read_text("utf-8")


def test_broken_reference_is_a_diagnostic_until_fixed(project: Path, clients: list[Client]) -> None:
    client = _start(project, clients)
    uri, text = _doc(project, INFRA)
    broken = text.replace("opd: DISKOMINFO", "opd: DISKOMINF", 1)
    line = broken.splitlines().index("opd: DISKOMINF")
    client.open(uri, broken)
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "SPBE201"
    assert diagnostic["source"] == "spbe"
    assert diagnostic["severity"] == 1
    assert diagnostic["range"]["start"] == {"line": line, "character": 5}
    assert diagnostic["range"]["end"] == {"line": line, "character": 5 + len("DISKOMINF")}
    assert "DISKOMINF" in diagnostic["message"]
    assert "hint: did you mean DISKOMINFO" in diagnostic["message"]

    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": line, "character": 5},
                        "end": {"line": line, "character": 5 + len("DISKOMINF")},
                    },
                    "text": "DISKOMINFO",
                }
            ],
        },
    )
    # The quick step clears it at once; the full check that follows agrees.
    assert client.diagnostics(uri, until=lambda found: found == []) == []
    assert client.close() == 0


def test_an_edit_reaches_the_files_that_refer_to_it(project: Path, clients: list[Client]) -> None:
    client = _start(project, clients)
    uri, text = _doc(project, "opd/diskominfo.yaml")
    renamed = text.replace("id: DISKOMINFO", "id: DISKOMINFO-BARU", 1)
    client.open(uri, renamed)
    infra, _ = _doc(project, INFRA)
    found = client.diagnostics(infra, until=lambda found: found != [])
    assert {d["code"] for d in found} == {"SPBE201"}
    assert client.close() == 0


def test_completion_hover_and_definition(project: Path, clients: list[Client]) -> None:
    client = _start(project, clients)
    uri, text = _doc(project, INFRA)
    edited = text.replace("opd: DISKOMINFO", "opd: ", 1)
    line = edited.splitlines().index("opd: ")
    client.open(uri, edited)
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": 5}},
    )
    labels = [item["label"] for item in result["items"]]
    assert labels == ["DISKOMINFO"]
    assert result["items"][0]["detail"] == "Dinas Komunikasi dan Informatika (OPD)"

    raa = text.splitlines().index("rai: RAI.01")
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": raa, "character": 5}},
    )
    labels = [item["label"] for item in result["items"]]
    assert "RAI.01" in labels
    assert all(label.startswith("RAI.") for label in labels)

    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]},
    )
    line = text.splitlines().index("opd: DISKOMINFO")
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": 8}},
    )
    assert hover["contents"]["kind"] == "plaintext"
    assert "OPD: DISKOMINFO" in hover["contents"]["value"]
    definition = client.request(
        "textDocument/definition",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": 8}},
    )
    assert definition["uri"] == (project / "catalog/opd/diskominfo.yaml").resolve().as_uri()
    defining = (project / "catalog/opd/diskominfo.yaml").read_text("utf-8").splitlines()
    assert defining[definition["range"]["start"]["line"]].startswith("id: DISKOMINFO")
    assert client.close() == 0


def _fresh(root: Path, workspace: Workspace) -> Workspace:
    """The same catalog and buffers loaded from scratch: the oracle of the incremental steps."""
    fresh = Workspace(root)
    fresh.overlays = dict(workspace.overlays)
    fresh.load()
    return fresh


def test_an_edit_rechecks_the_files_that_refer_to_it(minimal_catalog: Path) -> None:
    workspace = Workspace(minimal_catalog)
    assert workspace.load() == set()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    changed = workspace.update(opd, text.replace("id: DISKOMINFO", "id: DISKOMINFO-X").encode())
    assert changed == {opd}  # the quick step: the edited file only
    assert INFRA not in workspace.findings
    changed = workspace.recheck()
    assert INFRA in changed
    assert {f.code for f in workspace.findings[INFRA]} == {"SPBE201"}
    # The same catalog validated from scratch agrees with the incremental result.
    fresh = _fresh(minimal_catalog, workspace)
    assert fresh.findings == workspace.findings
    workspace.update(opd, None)
    assert INFRA in workspace.recheck()
    assert workspace.findings == {}


def test_an_unreadable_id_typed_then_filled_in_is_checked_as_validate_does(
    minimal_catalog: Path,
) -> None:
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    workspace.update(opd, text.replace("id: DISKOMINFO", "id:").encode())
    workspace.recheck()
    # One finding, naming the id every other file refers to; no SPBE201 anywhere.
    [finding] = [f for found in workspace.findings.values() for f in found]
    assert (finding.code, finding.location.path, finding.location.line) == ("SPBE101", opd, 2)
    assert finding.hint is not None and "DISKOMINFO" in finding.hint
    # Filled in with another id: the refused document is gone, so DISKOMINFO is missing.
    workspace.update(opd, text.replace("id: DISKOMINFO", "id: DISKOMINFO-X").encode())
    workspace.recheck()
    assert {f.code for f in workspace.findings[INFRA]} == {"SPBE201"}
    fresh = _fresh(minimal_catalog, workspace)
    assert fresh.findings == workspace.findings


def test_the_quick_step_gives_the_hints_of_the_full_check(minimal_catalog: Path) -> None:
    """Before, `id:` and `opd: Dinas Komunikasi dan Informatika` lost their hints (`write id:
    DISKOMINFO?`, the OPD of that name) on each keystroke until the full check."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")

    def found(rel: str) -> list[tuple[str, int, int, str | None]]:
        return [
            (f.code, f.location.line, f.location.column, f.hint)
            for f in workspace.findings.get(rel, [])
        ]

    workspace.update(opd, text.replace("id: DISKOMINFO", "id:").encode())
    quick = found(opd)
    assert [(code, line, column) for code, line, column, _ in quick] == [("SPBE101", 2, 4)]
    assert quick[0][3] == (
        "write id: DISKOMINFO? (that id is referred to in 20 place(s), and no other opd has it)"
    )
    workspace.recheck()
    assert found(opd) == quick
    workspace.update(opd, None)
    workspace.recheck()
    infra = (minimal_catalog / INFRA).read_text("utf-8")
    named = infra.replace("opd: DISKOMINFO", "opd: Dinas Komunikasi dan Informatika")
    workspace.update(INFRA, named.encode())
    quick = found(INFRA)
    assert quick == [
        (
            "SPBE103",
            6,
            6,
            "did you mean DISKOMINFO? 'Dinas Komunikasi dan Informatika' is the name of opd"
            " DISKOMINFO; write its id",
        )
    ]
    workspace.recheck()
    assert found(INFRA) == quick
    assert _fresh(minimal_catalog, workspace).findings == workspace.findings


def test_an_id_declared_in_another_case_is_one_finding_in_the_editor(
    minimal_catalog: Path,
) -> None:
    """`id: diskominfo` with every reference `DISKOMINFO`: one finding, at the declaration, in the
    quick step as in the full check and in `spbe validate` (a fresh load)."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    infra = (minimal_catalog / INFRA).read_text("utf-8")

    def found() -> dict[str, list[tuple[str, int, int]]]:
        return {
            rel: [(f.code, f.location.line, f.location.column) for f in findings]
            for rel, findings in workspace.findings.items()
        }

    def agrees() -> None:
        fresh = _fresh(minimal_catalog, workspace)
        assert fresh.findings == workspace.findings

    workspace.update(opd, text.replace("id: DISKOMINFO", "id: diskominfo").encode())
    workspace.recheck()
    assert found() == {opd: [("SPBE201", 2, 5)]}
    agrees()
    # Another edit of that file: the quick step says it again, before the full check.
    edited = text.replace("id: DISKOMINFO", "id: diskominfo").replace("nama: Dinas", "nama:  Dinas")
    workspace.update(opd, edited.encode())
    assert found() == {opd: [("SPBE201", 2, 5)]}
    # A file of references edited: its quick step reports none of them.
    workspace.update(INFRA, (infra + "\n").encode())
    assert INFRA not in workspace.findings
    workspace.recheck()
    assert found() == {opd: [("SPBE201", 2, 5)]}
    agrees()
    # One reference written as declared: which side is wrong is no longer clear, and each
    # other reference is reported at its place.
    workspace.update(INFRA, infra.replace("opd: DISKOMINFO", "opd: diskominfo").encode())
    assert INFRA not in workspace.findings
    workspace.recheck()
    assert opd not in workspace.findings
    assert [f.code for found in workspace.findings.values() for f in found] == ["SPBE201"] * 19
    agrees()
    # The declaration fixed (and the reference put back): nothing to report, at once there.
    workspace.update(INFRA, None)
    workspace.update(opd, None)
    assert opd not in workspace.findings
    workspace.recheck()
    assert workspace.findings == {}


def test_an_id_retyped_in_another_case_is_one_finding_before_the_full_check(
    minimal_catalog: Path,
) -> None:
    """`id: DISKOMINFO` retyped letter by letter as `id: diskominfo`: the SPBE201 at the id is
    there at the keystroke that makes it, as the full check gives it (before, only after it)."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    for typed in ("id: d", "id: disk", "id: diskominf", "id: diskominfo"):
        workspace.update(opd, text.replace("id: DISKOMINFO", typed).encode())
        assert typed == "id: diskominfo" or opd not in workspace.findings
    quick = workspace.findings[opd]
    assert [(f.code, f.location.line, f.location.column) for f in quick] == [("SPBE201", 2, 5)]
    # Another keystroke in the file (the id loaded again): still there.
    edited = text.replace("id: DISKOMINFO", "id: diskominfo").replace("nama: Dinas", "nama:  Dinas")
    workspace.update(opd, edited.encode())
    assert [f.code for f in workspace.findings[opd]] == ["SPBE201"]
    workspace.recheck()
    assert workspace.findings[opd] == quick
    assert _fresh(minimal_catalog, workspace).findings == workspace.findings


def test_a_retyped_id_walks_only_the_references_to_it(
    minimal_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SPBE201 at `id: diskominfo` retyped needs the references to that id only: the
    editor's index of references (links.ReferenceIndex) names the entities that make them,
    and only theirs are walked (before, every reference of the catalog: 1 s at national
    scale, on each such keystroke)."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    assert workspace.catalog is not None
    referrers = {
        link.source for link in links.references_to(workspace.catalog, {"DISKOMINFO"})["DISKOMINFO"]
    }
    walked: list[str] = []
    real = links.entity_references

    def counted(kind: str, entity: Any) -> Any:
        walked.append(str(getattr(entity, "id", "")))
        return real(kind, entity)

    monkeypatch.setattr(links, "entity_references", counted)
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    workspace.update(opd, text.replace("id: DISKOMINFO", "id: diskominfo").encode())
    quick = workspace.findings[opd]
    assert [(f.code, f.location.line, f.location.column) for f in quick] == [("SPBE201", 2, 5)]
    # The retyped OPD itself (indexed again) and the entities that refer to it.
    assert set(walked) <= referrers | {"diskominfo"}
    assert len(walked) < len(workspace.catalog.entities)
    monkeypatch.undo()
    workspace.recheck()
    assert workspace.findings[opd] == quick
    assert _fresh(minimal_catalog, workspace).findings == workspace.findings


def test_an_id_declared_with_a_trailing_space_is_one_finding_in_the_editor(
    minimal_catalog: Path,
) -> None:
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    workspace.update(opd, text.replace("id: DISKOMINFO", 'id: "DISKOMINFO "').encode())
    assert [(f.code, f.location.line, f.location.column) for f in workspace.findings[opd]] == [
        ("SPBE103", 2, 5)
    ]
    workspace.recheck()
    assert {rel: [f.code for f in found] for rel, found in workspace.findings.items()} == {
        opd: ["SPBE103"]
    }
    # A file that refers to it, edited: its quick step agrees.
    infra = (minimal_catalog / INFRA).read_text("utf-8")
    workspace.update(INFRA, (infra + "\n").encode())
    assert INFRA not in workspace.findings
    fresh = _fresh(minimal_catalog, workspace)
    workspace.recheck()
    assert fresh.findings == workspace.findings


def test_an_id_declared_with_a_look_alike_letter_is_one_finding_in_the_editor(
    minimal_catalog: Path,
) -> None:
    """`id: DISKOMINFО` (a Cyrillic О): the SPBE103 at the id names the letter, at once (the
    quick step), and no reference to DISKOMINFO is "not found" after the full check."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    workspace.update(opd, text.replace("id: DISKOMINFO", "id: DISKOMINF\u041e").encode())
    [finding] = workspace.findings[opd]
    assert (finding.code, finding.location.line, finding.location.column) == ("SPBE103", 2, 5)
    assert finding.hint is not None and "'\u041e' (U+041E) is Cyrillic" in finding.hint
    # How many references write DISKOMINFO (none of them reported), counted through the
    # editor's index of references as spbe validate counts them.
    assert workspace.catalog is not None
    count = len(links.references_to(workspace.catalog, {"DISKOMINFO"})["DISKOMINFO"])
    assert count > 1
    assert finding.hint.endswith(f"; DISKOMINFO is referred to in {count} place(s)")
    workspace.recheck()
    assert {rel: [f.code for f in found] for rel, found in workspace.findings.items()} == {
        opd: ["SPBE103"]
    }
    assert _fresh(minimal_catalog, workspace).findings == workspace.findings


def test_a_duplicated_id_moves_when_the_first_copy_goes(minimal_catalog: Path) -> None:
    workspace = Workspace(minimal_catalog)
    workspace.load()
    extra = "opd/kedua.yaml"
    copy = (minimal_catalog / "opd/diskominfo.yaml").read_bytes()
    workspace.update(extra, copy)
    assert [f.code for f in workspace.findings[extra]] == ["SPBE104"]
    # Emptying the first copy re-reads the second at once (its finding pointed here).
    changed = workspace.update("opd/diskominfo.yaml", b"# kosong\n")
    assert changed == {"opd/diskominfo.yaml", extra}
    assert extra not in workspace.findings
    assert [f.code for f in workspace.findings["opd/diskominfo.yaml"]] == ["SPBE017"]


def test_without_pygls_the_command_says_what_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no pygls here')\n")
    done = _lsp_once([], PYTHONPATH=str(tmp_path))
    assert done.returncode == 3
    assert "pip install 'spbe[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_quick_step_sees_references_and_keeps_other_rules(minimal_catalog: Path) -> None:
    workspace = Workspace(minimal_catalog)
    workspace.load()
    text = (minimal_catalog / INFRA).read_text("utf-8")
    workspace.update(INFRA, text.replace("opd: DISKOMINFO", "opd: DISKOMINF").encode())
    [finding] = workspace.findings[INFRA]
    assert (finding.code, finding.location.line) == ("SPBE201", _line(text, "opd: DISKOMINFO"))
    workspace.update(INFRA, text.replace("nama: Ruang Server", "nama: [Ruang Server]").encode())
    assert [f.code for f in workspace.findings[INFRA]] == ["SPBE101"]
    workspace.update(INFRA, text.encode())
    assert INFRA not in workspace.findings
    assert workspace.recheck() == set()
    assert workspace.recheck() == set()  # twice on the same catalog: the same result


def _line(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_incremental_state_equals_a_fresh_load_after_each_edit(minimal_catalog: Path) -> None:
    """Edits that add, rename, duplicate, break and remove ids: after each, the incremental
    catalog and findings are those of loading everything again."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = (minimal_catalog / "opd/diskominfo.yaml").read_text("utf-8")
    infra = (minimal_catalog / INFRA).read_text("utf-8")
    edits: list[tuple[str, str | None]] = [
        ("opd/kedua.yaml", opd.replace("id: DISKOMINFO", "id: BAPPEDA")),
        # Several documents, one of them changed: the others keep their place in the index.
        ("opd/banyak.yaml", "---\n".join(opd.replace("DISKOMINFO", f"OPD-{i}") for i in "ABC")),
        ("opd/banyak.yaml", "---\n".join(opd.replace("DISKOMINFO", f"OPD-{i}") for i in "AXC")),
        ("opd/banyak.yaml", "---\n".join(opd.replace("DISKOMINFO", f"OPD-{i}") for i in "CXA")),
        ("opd/kedua.yaml", opd),  # a duplicate of DISKOMINFO
        ("opd/diskominfo.yaml", opd.replace("id: DISKOMINFO", "id: Diskominfo")),  # look-alike
        (INFRA, infra.replace("opd: DISKOMINFO", "opd: BAPPEDA")),
        (INFRA, "entitas: infrastruktur\nid: [rusak\n"),
        ("opd/diskominfo.yaml", None),
        ("opd/kedua.yaml", "# kosong\n"),
        (INFRA, None),
        ("metadata.yaml", "entitas: metadata\n"),
        ("metadata.yaml", None),
    ]
    for rel, text in edits:
        workspace.update(rel, None if text is None else text.encode())
        fresh = _fresh(minimal_catalog, workspace)
        assert workspace.catalog is not None and fresh.catalog is not None
        assert workspace.catalog.invalid == fresh.catalog.invalid, rel
        workspace.recheck()
        assert workspace.catalog is not None and fresh.catalog is not None
        assert workspace.catalog.kinds == fresh.catalog.kinds, rel
        assert workspace.catalog.by_kind() == fresh.catalog.by_kind(), rel
        assert workspace.catalog.files == fresh.catalog.files, rel
        assert workspace.findings == fresh.findings, (rel, text)


def test_a_folder_without_catalog_is_an_empty_workspace(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "tidak-ada")
    workspace.load()
    # At most "no metadata" for the folder itself (not a file: the server publishes no URI).
    assert set(workspace.findings) <= {"."}
    assert workspace.complete("opd: \n", 0) == []


def _lsp_once(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """``spbe lsp`` with no editor on stdin: for the ways it refuses to start."""
    return subprocess.run(
        [sys.executable, "-m", "spbe_cli", "lsp", *args],
        env=dict(os.environ, SPBE_LANG="en", **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def test_lsp_refuses_a_catalog_that_is_not_a_folder(tmp_path: Path) -> None:
    done = _lsp_once(["--catalog", str(tmp_path / "x.yaml")])
    assert done.returncode == 2
    assert "x.yaml" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("body", [b'{"a":', b"[]", b'{"jsonrpc": "2.0", "method": 5}'])
def test_a_message_the_server_cannot_read_is_one_line_not_a_traceback(
    tmp_path: Path, body: bytes
) -> None:
    framed = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    done = subprocess.run(
        [sys.executable, "-m", "spbe_cli", "lsp", "--catalog", str(tmp_path)],
        env=dict(os.environ, SPBE_LANG="en"),
        input=framed,
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert "spbe lsp: Unable to" in stderr
    assert all(line.startswith("spbe lsp: ") for line in stderr.strip().splitlines()), stderr


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_message_longer_than_the_limit_stops_the_server_in_one_line(
    tmp_path: Path, lang: str
) -> None:
    # Before, pygls allocated the announced length at once: a MemoryError, exit 3 with no words.
    framed = b"Content-Length: 99999999999999\r\n\r\n{}"
    done = subprocess.run(
        [sys.executable, "-m", "spbe_cli", "lsp", "--catalog", str(tmp_path)],
        env=dict(os.environ, SPBE_LANG=lang),
        input=framed,
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 3
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert ("99.999.999.999.999" if lang == "id" else "99,999,999,999,999") in stderr
    assert "64 MiB" in stderr
    assert ("melebihi batas" if lang == "id" else "over the limit") in stderr


def test_a_header_line_is_read_a_bounded_piece_at_a_time() -> None:
    import io

    from spbe_cli.lsp.server import MAX_HEADER_BYTES, BoundedInput, MessageTooLarge

    stream = BoundedInput(io.BytesIO(b"x" * (3 * MAX_HEADER_BYTES) + b"\r\n{}"), limit=2)
    assert len(stream.readline()) == MAX_HEADER_BYTES
    with pytest.raises(MessageTooLarge):
        stream.read(3)
    assert stream.read(2) == b"xx"


def test_region_codes_are_completed_and_hovered(minimal_catalog: Path) -> None:
    workspace = Workspace(minimal_catalog)
    workspace.load()
    offered = workspace.complete('entitas: program\nlokasi: ["94.', 1)
    assert ("94.04.01", "wilayah", "Mimika Baru") in [(c.label, c.kind, c.name) for c in offered]
    target = workspace.target('lokasi: ["94.04.01"]', 0, 12)
    assert target is not None and (target.kind, target.name) == ("wilayah", "Mimika Baru")


def test_completion_knows_the_references_below_the_top_level(minimal_catalog: Path) -> None:
    """A self-assessment's ``bukti`` and a ``keterkaitan``'s ``regulasi`` in the metadata offered
    nothing: completion had its own list of the metadata's keys (links.NESTED_REF_KEYS now)."""
    workspace = Workspace(minimal_catalog)
    workspace.load()
    text = "entitas: evaluasi_mandiri\npenilaian:\n  - indikator: 1\n    bukti: "
    offered = [(c.label, c.kind) for c in workspace.complete(text, 3)]
    assert ("LAY-01", "layanan") in offered and ("DISKOMINFO", "opd") in offered
    assert {kind for _label, kind in offered} == set(links.BUKTI_KINDS)
    meta = "entitas: metadata\ndokumen:\n  arsitektur:\n    keterkaitan:\n      - regulasi: "
    assert [c.label for c in workspace.complete(meta, 4)] == ["PERBUP-SC"]
    assert [c.label for c in workspace.complete("entitas: metadata\ndasar: ", 1)] == ["PERBUP-SC"]
    # A kesiapan's bukti is a link or a sentence, and a document of no kind says nothing.
    assert workspace.complete("entitas: kesiapan\nbukti: ", 1) == []
    assert workspace.complete("bukti: ", 0) == []


def test_a_broken_file_keeps_its_ids_while_typing(minimal_catalog: Path) -> None:
    # A missing colon in the OPD file is one finding there, not 'DISKOMINFO not found' in every
    # file that refers to it; typing every prefix of a new file never fails.
    workspace = Workspace(minimal_catalog)
    workspace.load()
    opd = "opd/diskominfo.yaml"
    text = (minimal_catalog / opd).read_text("utf-8")
    workspace.update(opd, text.replace("entitas: opd", "entitas opd").encode())
    workspace.recheck()
    found = {rel: [(f.code, f.location.line) for f in fs] for rel, fs in workspace.findings.items()}
    assert found == {opd: [("SPBE001", 1)]}
    typed = (minimal_catalog / "program/living.yaml").read_text("utf-8").replace("SC-04", "SC-9")
    typed += 'progres:\n  - tanggal: "30/09/2026\n\tstatus: x\nlokasi: [94.4.01'
    for end in range(len(typed) + 1):
        workspace.update("program/baru.yaml", typed[:end].encode())
    workspace.recheck()
    assert [(f.code, f.location.line) for f in workspace.findings["program/baru.yaml"]] == [
        ("SPBE001", 19)
    ]


def test_editor_mistakes_are_diagnostics_at_the_mistake(
    project: Path, clients: list[Client]
) -> None:
    # Over stdio, as VS Code sends them: the range starts where the mistake is written.
    client = _start(project, clients)
    uri, text = _doc(project, "program/living.yaml")
    cases = [
        (text.replace("horizon: menengah", "horizon menengah"), "SPBE001", "horizon menengah", 0),
        (text.replace("nama: Capaian", 'nama: "Capaian'), "SPBE001", '"Capaian', 0),
        (text.replace("tahun_selesai: 2027", "tahun_selesai: 2.027"), "SPBE101", "2.027", 0),
        (text.replace("horizon: menengah", "horizon:"), "SPBE101", "horizon:", 8),
        # After an emoji: VS Code counts columns in UTF-16 code units, the emoji as two.
        (text.replace("nama: Capaian", 'nama: "😀 Capaian" ekor'), "SPBE001", "ekor", 0),
    ]
    client.open(uri, text)
    version = 1
    for broken, code, written, offset in cases:
        version += 1
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": broken}],
            },
        )
        found = client.diagnostics(uri, lambda d, code=code: any(x["code"] == code for x in d))
        [diagnostic] = [d for d in found if d["code"] == code]
        lines = broken.splitlines()
        start = diagnostic["range"]["start"]
        line = next(i for i, line in enumerate(lines) if written in line)
        assert start["line"] == line, (code, diagnostic)
        before = lines[line][: lines[line].index(written)]
        units = len(before.encode("utf-16-le")) // 2
        assert start["character"] == units + offset, (code, diagnostic)
    assert client.close() == 0
