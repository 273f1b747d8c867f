"""``spbe lsp`` parses an edited multi-document buffer document by document: the same result.

Random edits of a file of many YAML documents (typing, new lines, ``---`` lines, syntax errors,
repeated keys, aliases, tags, BOMs, other line breaks): after each, what the incremental parser
gives (keeping the documents of the previous version) equals parsing the whole file, and the
workspace's findings equal those of a workspace that parses whole files, before and after the
full check, and those of loading everything again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe_cli import yamlio
from spbe_cli.errors import Location
from spbe_cli.lsp.documents import DocumentParser
from spbe_cli.lsp.workspace import Workspace
from spbe_cli.parsing import moved, parse_bytes, parse_text
from spbe_cli.positions import count_values

DOCUMENTS = [
    "# aplikasi Diskominfo\n",
    "entitas: aplikasi\nid: APL-1\nnama: Satu\npemilik: DISKOMINFO\n",
    "---\nentitas: aplikasi\nid: APL-2\nnama: Dua [ISI]\ndata: [a, b]\n",
    "---\nentitas: aplikasi\nid: APL-3\nnama: Tiga #komentar\nanggaran: 1.500\n",
    "--- # tiga\nentitas: aplikasi\nid: APL-4\nnama: Empat\nnama: lagi\n",
    '---\nentitas: aplikasi\nid: APL-5\nnama: "lima \\u202e"\nfungsi: |\n  ---x\n  baris\n',
    "---\nentitas: aplikasi\nid: APL-6\nlist:\n  - a: 1\n    b: [x, {y: z}]\n  - \n",
    "---\n\n# kosong di atas\nentitas: aplikasi\nid: APL-7\n",
    "---\nentitas: #aplikasi\nid: APL-8\nnomor: #5\n",
]

#: What an edit inserts: typing, lines, document marks, and the mistakes typing makes.
FRAGMENTS = [
    "a",
    "x",
    " ",
    "\n",
    "\n\n",
    ": ",
    "sta",
    "---\n",
    "\n---\n",
    "---",
    "#",
    "'",
    '"',
    "- x\n",
    "id: APL-1\n",
    "nama: dua\n",
    "entitas: opd\n",
    "\t",
    "[ISI]",
    "1.500",
    "&a x",
    "*a",
    "!!str ",
    "%YAML 1.1\n",
    "...\n",
    "\r",
    "\ufeff",
    "\u2028",
    "{",
    "]",
    "? ",
    "<<: {}\n",
    "\\u202e",
]


def _joined(copies: int) -> str:
    """The documents (after the leading comment) ``copies`` times, each after a ``---``."""
    return "".join(d if d.startswith("---") else "---\n" + d for d in DOCUMENTS[1:] * copies)


def _edit(text: str, where: float, span: float, fragment: str | None) -> str:
    """Insert ``fragment`` at a point, or delete a span there (``fragment`` None)."""
    at = int(where * len(text))
    if fragment is None:
        return text[:at] + text[at + int(span * 40) :]
    return text[:at] + fragment + text[at:]


EDITS = st.lists(
    st.tuples(
        st.floats(0, 1),
        st.floats(0, 1),
        st.one_of(st.none(), st.sampled_from(FRAGMENTS)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(copies=st.integers(1, 4), edits=EDITS)
def test_incremental_parse_equals_the_whole_file_after_random_edits(
    copies: int, edits: list[tuple[float, float, str | None]]
) -> None:
    text = "".join(DOCUMENTS * copies)
    parser = DocumentParser()
    assert parser.parse("a.yaml", text.encode()) == parse_bytes(text.encode())
    for where, span, fragment in edits:
        text = _edit(text, where, span, fragment)
        data = text.encode()
        assert parser.parse("a.yaml", data) == parse_bytes(data), (where, span, fragment)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
def test_windows_line_ends_parse_as_the_whole_file(
    edits: list[tuple[float, float, str | None]],
) -> None:
    """A buffer with CR LF line ends (VS Code on Windows) is cut and reused too: the same."""
    text = "".join(DOCUMENTS * 2).replace("\n", "\r\n")
    parser = DocumentParser()
    assert parser.parse("a.yaml", text.encode()) == parse_bytes(text.encode())
    for where, span, fragment in edits:
        text = _edit(
            text, where, span, None if fragment is None else fragment.replace("\n", "\r\n")
        )
        data = text.encode()
        assert parser.parse("a.yaml", data) == parse_bytes(data), (where, span, fragment)


def test_documents_are_reused_and_moved_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new line in the first document moves the others without parsing them again."""
    text = _joined(50)
    parser = DocumentParser()
    parser.parse("a.yaml", text.encode())
    parsed: list[str] = []
    monkeypatch.setattr(
        "spbe_cli.lsp.documents.parse_text", lambda t, *a: parsed.append(t) or parse_text(t, *a)
    )
    edited = text.replace("nama: Satu\n", "nama: Satu\n\n", 1)
    assert parser.parse("a.yaml", edited.encode()) == parse_bytes(edited.encode())
    assert len(parsed) == 1  # only the edited document
    crlf = edited.replace("\n", "\r\n")  # the same text with Windows line ends: once more
    assert parser.parse("a.yaml", crlf.encode()) == parse_bytes(crlf.encode())
    parsed.clear()
    crlf = crlf.replace("nama: Dua", "nama: Dua!", 1)
    assert parser.parse("a.yaml", crlf.encode()) == parse_bytes(crlf.encode())
    assert len(parsed) == 1


def test_a_syntax_error_parses_the_rest_as_the_whole_file_does() -> None:
    """While a key is typed without its colon, the documents after it are read leniently (as
    validate reads them) and the error is at its line and column; fixed, all come back."""
    text = _joined(20)
    parser = DocumentParser()
    parser.parse("a.yaml", text.encode())
    head, tail = text.split("id: APL-3\n", 5)[:5], text.split("id: APL-3\n", 5)[5]
    broken = "id: APL-3\n".join(head) + "id: APL-3\nsta\n" + tail  # in the fifth copy
    result = parser.parse("a.yaml", broken.encode())
    assert result == parse_bytes(broken.encode())
    line = broken.splitlines().index("sta") + 1
    assert line > 50
    assert [(p.code, p.line, p.column) for p in result.problems] == [("SPBE001", line, 1)]
    assert result.salvaged  # the documents after the error still declare their ids
    assert parser.parse("a.yaml", text.encode()) == parse_bytes(text.encode())


@pytest.mark.parametrize("piece", DOCUMENTS[1:])
def test_a_document_moved_down_is_the_document_parsed_there(piece: str) -> None:
    """Positions, placeholders, grouped numbers, a repeated key (and the line of its first
    copy), a forbidden character: all one line further per blank line above."""
    alone = parse_text(piece)
    for lines in (1, 7, 1000):
        there = parse_text("\n" * lines + piece)
        assert tuple(moved(d, lines) for d in alone.documents) == there.documents


def _composed_values(text: str) -> int:
    """How many values libyaml composes for ``text`` (what the file limit counts)."""
    made: list[yamlio._Composer] = []

    def composer(stream: str) -> yamlio._Composer:
        made.append(yamlio._Composer(stream))
        return made[-1]

    for _ in yaml.compose_all(text, Loader=composer):  # type: ignore[arg-type]
        pass
    return made[0].nodes


def test_values_counted_from_positions_are_those_libyaml_composes() -> None:
    """The count toward a file's limit of values (SPBE008), for every bundled catalog file."""
    checked = 0
    for path in sorted(BUNDLED.rglob("*.yaml")):
        text = path.read_text("utf-8")
        parsed = parse_text(text)
        if parsed.problems or any(d.problems for d in parsed.documents):
            continue
        assert sum(count_values(d.positions) for d in parsed.documents) == _composed_values(text), (
            path
        )
        checked += 1
    assert checked > 20


def test_the_file_limit_counts_the_documents_before_a_mistake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SPBE008 (too many values in a file) where the whole file says it, also when the file
    after a syntax error is parsed on its own: the values before it count."""
    text = _joined(1)
    before = sum(count_values(d.positions) for d in parse_text(text).documents)
    monkeypatch.setattr(yamlio, "MAX_FILE_VALUES", 2 * before)
    parser = DocumentParser()
    parser.parse("a.yaml", text.encode())
    items = ", ".join(["a"] * before)
    broken = text + f"---\nentitas: aplikasi\ndata: [{items}]\nsta\n"
    result = parser.parse("a.yaml", broken.encode())
    assert result == parse_bytes(broken.encode())
    line = broken.count("\n") - 1
    found = [(p.code, p.line) for p in result.problems]
    assert found == [("SPBE008", line)]


# -- the workspace ------------------------------------------------------------------------------

APLIKASI = "arsitektur/aplikasi-semua.yaml"
BUNDLED = Path(__file__).resolve().parents[1] / "catalog"


@pytest.fixture
def grouped(minimal_catalog: Path) -> tuple[Path, str]:
    """The minimal catalog with one file of 40 application documents (one refers wrongly)."""
    source = next((minimal_catalog / "arsitektur").glob("aplikasi*.yaml"), None)
    assert source is not None
    one = source.read_text("utf-8").split("---\n")[0].strip("\n-") + "\n"
    assert "entitas: aplikasi" in one
    first_id = one.split("\nid: ", 1)[1].split("\n", 1)[0]
    docs = [one.replace(f"id: {first_id}\n", f"id: APL-X{i:03d}\n") for i in range(40)]
    docs[7] = docs[7].replace("\nnama: ", "\nnama: [ISI]\nx_nama: ", 1)
    text = "---\n".join(docs)
    source.unlink()
    (minimal_catalog / APLIKASI).write_text(text, "utf-8")
    return minimal_catalog, text


def _found(ws: Workspace) -> dict[str, list[tuple[str, int, int, str]]]:
    return {
        rel: [(f.code, f.location.line, f.location.column, f.message) for f in found]
        for rel, found in ws.findings.items()
    }


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from(
                ["\n", "---\n", "sta", "id: APL-X001\n", "TIDAK-ADA", "x", "[ISI]", "#", None]
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_workspace_findings_equal_a_whole_parse_and_a_fresh_load(
    grouped: tuple[Path, str], edits: list[tuple[float, float, str | None]]
) -> None:
    root, text = grouped
    incremental, whole = Workspace(root), Workspace(root, incremental=False)
    incremental.load()
    whole.load()
    for where, span, fragment in edits:
        text = _edit(text, where, span, fragment)
        assert incremental.update(APLIKASI, text.encode()) == whole.update(APLIKASI, text.encode())
        assert _found(incremental) == _found(whole)  # the quick step
        incremental.recheck()
        fresh = Workspace(root, incremental=False)
        fresh.overlays = dict(incremental.overlays)
        fresh.load()
        assert _found(incremental) == _found(fresh)  # the full check
        whole.recheck()


def _loaded(ws: Workspace) -> dict[str, Any]:
    """What loading put in the workspace's catalog, comparable with another load's."""
    catalog = ws.catalog
    assert catalog is not None
    return {
        "kinds": dict(sorted(catalog.kinds.items())),
        "sources": {
            entity_id: (s.path, s.document, s.end_line, s.location("id"))
            for entity_id, s in sorted(catalog.sources.items())
        },
        "invalid": dict(sorted(catalog.invalid.items())),
        "by_kind": catalog.by_kind(),
        "load": sorted(
            (f.code, f.location.path, f.location.line, f.location.column, f.message, f.hint or "")
            for found in ws.load_findings.values()
            for f in found
        ),
        "placeholders": sorted((w.path, w.line, w.column, v) for w, v in catalog.placeholders),
        "rejected": sorted(
            (r.kind, str(r.id), r.location.path, r.location.line, r.unnamed)
            for r in catalog.rejected
        ),
        "name_refs": sorted((w.path, w.line, w.column, v) for w, v in catalog.name_refs),
        "meant_ids": sorted((w.path, w.line, w.column, v) for w, v in catalog.meant_ids),
        "files": catalog.files,
    }


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from(
                [
                    "\n",
                    "---\n",
                    "x",
                    "id: APL-X001\n",
                    "id: APL-X0\u041e1\n",  # a Cyrillic О: refused, APL-X0O1 counts as declared
                    "TIDAK-ADA",
                    "[ISI]",
                    "#",
                    "entitas: metadata\n",
                    "entitas: Metadata\n",
                    "nama: [a\n",
                    "opd_pj: Dinas Komunikasi\n",
                    None,
                ]
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_documents_loaded_again_one_by_one_equal_a_fresh_load(
    grouped: tuple[Path, str], edits: list[tuple[float, float, str | None]]
) -> None:
    """An edit loads again only the documents it changed (Workspace._update_documents): after
    each, what the catalog holds (entities and their places, refused ids, load findings,
    placeholders, refused documents) is what loading every file again gives."""
    root, text = grouped
    workspace = Workspace(root)
    workspace.load()
    for where, span, fragment in edits:
        text = _edit(text, where, span, fragment)
        workspace.update(APLIKASI, text.encode())
        fresh = Workspace(root)
        fresh.overlays = dict(workspace.overlays)
        fresh.load()
        assert _loaded(workspace) == _loaded(fresh), text


def test_an_edit_loads_again_only_the_documents_it_changed(
    grouped: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One document of 40 edited: one document loaded again (before, all 40 on every
    keystroke); a line added at the top moves the others, whose places alone change."""
    from spbe_cli.loader import _Loader

    root, text = grouped
    workspace = Workspace(root)
    workspace.load()
    workspace.update(APLIKASI, text.encode())  # opened: every document loaded
    loaded: list[int] = []
    real = _Loader.load_document

    def counted(self: _Loader, source: Any, value: Any, blocking: bool) -> Any:
        loaded.append(source.document)
        return real(self, source, value, blocking)

    monkeypatch.setattr(_Loader, "load_document", counted)
    workspace.update(APLIKASI, text.replace("APL-X020\n", "APL-X020-B\n", 1).encode())
    assert loaded == [20]
    loaded.clear()
    workspace.update(APLIKASI, ("# baru\n" + text).encode())
    # The first document (its text now starts with the comment), the edited one back, and the
    # one with findings (an [ISI]) at its new lines; the 37 others only moved.
    assert loaded == [0, 7, 20]
    monkeypatch.undo()
    fresh = Workspace(root)
    fresh.overlays = dict(workspace.overlays)
    fresh.load()
    assert _loaded(workspace) == _loaded(fresh)
    assert workspace.catalog is not None
    assert workspace.catalog.where("APL-X030", "id") == Location(APLIKASI, _line_of(text, 30), 5)


def _line_of(text: str, index: int) -> int:
    """The line of the ``id`` of the document ``index`` in ``text`` after one line added."""
    return text.splitlines().index(f"id: APL-X{index:03d}") + 2
