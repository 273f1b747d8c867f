"""``spbe diff --no-findings`` skips unchanged YAML documents inside changed files.

The property: on generated catalogs of multi-document files and random edits (documents edited,
broken against the schema, added, removed, moved between files, reordered; files with CRLF or
``...`` that must be parsed whole), skipping gives the same changes, files that cannot be
compared and locations as loading both sides whole.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe_cli.diff import diff_snapshots
from spbe_cli.diff.documents import document_key, split_documents, unchanged_documents
from spbe_cli.diff.formats import format_json
from spbe_cli.gitsource import folder_snapshot
from spbe_cli.parsing import ParsedFile
from spbe_cli.yamlio import dump_yaml
from tests.helpers import MINIMAL, write_tree
from tests.test_diff_property import IDS, aplikasi, program

METADATA = (MINIMAL / "metadata.yaml").read_text(encoding="utf-8")


def _entity(draw: st.DrawFn, entity_id: str) -> dict[str, Any]:
    return draw(program(entity_id) if entity_id.startswith("SC") else aplikasi(entity_id))


@st.composite
def sides(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str]]:
    """Two revisions of a catalog whose documents live several to a file."""
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, min_size=1, max_size=len(IDS)))
    files: list[list[str]] = [[] for _ in range(draw(st.integers(1, 3)))]
    for entity_id in ids:
        files[draw(st.integers(0, len(files) - 1))].append(dump_yaml(_entity(draw, entity_id)))
    old = [list(docs) for docs in files]
    new = [list(docs) for docs in files]
    for docs in new:
        for index in range(len(docs)):
            action = draw(st.sampled_from(["keep", "keep", "edit", "drop", "break"]))
            if action == "break":  # fails the schema: the file cannot be compared
                docs[index] = re.sub(r"^status: .*$", "status: rusak", docs[index], flags=re.M)
            elif action == "edit":
                entity_id = docs[index].split("id: ", 1)[1].split("\n", 1)[0].strip("'\"")
                docs[index] = dump_yaml(_entity(draw, entity_id))
            elif action == "drop":
                docs[index] = ""
        docs[:] = [d for d in docs if d]
        if draw(st.booleans()) and len(docs) > 1:
            docs[:] = draw(st.permutations(docs))
    if draw(st.booleans()) and len(new) > 1 and new[0]:
        new[-1].append(new[0].pop())  # a document moved to another file
    unused = [i for i in IDS if i not in ids]
    if unused and draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))].append(
            dump_yaml(_entity(draw, draw(st.sampled_from(unused))))
        )
    return _texts(draw, old), _texts(draw, new)


def _texts(draw: st.DrawFn, files: list[list[str]]) -> dict[str, str]:
    out = {"metadata.yaml": METADATA}
    for number, docs in enumerate(files):
        if not docs:
            continue  # an empty file is an error (SPBE017) the whole load reports and a skip not
        text = "---\n".join(docs)
        style = draw(st.sampled_from(["plain", "plain", "comment", "start", "crlf", "end"]))
        if style == "comment":
            text = "# berkas kelompok\n---\n" + text
        elif style == "start":
            text = "---\n" + text
        elif style == "crlf":
            text = text.replace("\n", "\r\n")
        elif style == "end" and text:
            text = text + "...\n"
        out[f"grup/f{number}.yaml"] = text
    return out


def _review(changeset: Any) -> dict[str, Any]:
    data = json.loads(format_json(changeset))
    return {key: data[key] for key in ("changes", "attention", "uncomparable", "prose")}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides())
def test_skipping_documents_changes_nothing_in_the_review(
    tmp_path_factory: Any, pair: tuple[dict[str, str], dict[str, str]]
) -> None:
    root = tmp_path_factory.mktemp("docs")
    old_files, new_files = pair
    write_tree(root / "old", old_files)
    write_tree(root / "new", new_files)
    old = folder_snapshot(root / "old", "old")
    new = folder_snapshot(root / "new", "new")
    fast = diff_snapshots(old, new, findings=False)
    whole = diff_snapshots(old, new, skip_unchanged=False, findings=False)
    assert _review(fast) == _review(whole)


def test_a_changed_document_is_parsed_alone_with_the_file_s_lines(tmp_path: Path) -> None:
    first = "entitas: aplikasi\nid: APP-1\nnama: Portal\nraa: RAA.01.01\nkategori: umum\n"
    second = first.replace("APP-1", "APP-2").replace("Portal", "Noken")
    write_tree(tmp_path / "old", {"metadata.yaml": METADATA, "a.yaml": f"{first}---\n{second}"})
    edited = second.replace("Noken", "Noken Baru")
    write_tree(tmp_path / "new", {"metadata.yaml": METADATA, "a.yaml": f"{first}---\n{edited}"})
    result = diff_snapshots(
        folder_snapshot(tmp_path / "old", "old"),
        folder_snapshot(tmp_path / "new", "new"),
        findings=False,
    )
    [change] = result.changes
    assert change.id == "APP-2"
    assert change.new is not None
    assert change.new.location().path == "new/a.yaml"
    assert change.new.location().line == 7  # the second document starts after line 6's ---
    assert result.unchanged == []  # APP-1 was not even parsed


def test_documents_pair_across_files_and_only_as_often_as_both_sides_have_them() -> None:
    doc = "entitas: aplikasi\nid: APP-1\n"
    other = "entitas: aplikasi\nid: APP-2\n"
    old = {"a.yaml": f"{doc}---\n{other}"}
    new = {"b.yaml": f"{other}---\n{doc}---\n{doc}"}
    old_left, new_left = unchanged_documents(old, new)
    assert _left(old_left["a.yaml"]) == []  # both paired: nothing to parse
    assert _left(new_left["b.yaml"]) == ["APP-1"]  # the second copy is new


def test_a_syntax_error_in_a_changed_document_parses_the_file_whole() -> None:
    doc = "entitas: aplikasi\nid: APP-1\n"
    old = {"a.yaml": f"{doc}---\nid: [APP-2\n"}
    new = {"a.yaml": f"{doc}---\nid: [APP-3\n"}
    assert unchanged_documents(old, new) == ({"a.yaml": None}, {"a.yaml": None})


def test_the_cut_is_refused_where_yaml_could_cut_elsewhere() -> None:
    assert split_documents("a: 1\r\n---\r\nb: 2\r\n") is None
    assert split_documents("%YAML 1.2\n---\na: 1\n") is None
    assert split_documents("a: 1\n...\n---\nb: 2\n") is None
    block = "a: |\n  ---x\n---\nb: 2\n"  # an indented --- is text; at column 1 it starts one
    assert split_documents(block) == [(0, "a: |\n  ---x\n"), (2, "---\nb: 2\n")]
    assert split_documents("---\na: 1\n") == [(0, "---\na: 1\n")]
    assert document_key("---\na: 1\n") == document_key("a: 1\n")
    assert document_key("--- !tag\na: 1\n") != document_key("a: 1\n")


def test_the_metadata_document_is_always_read_for_its_prose() -> None:
    same = "entitas: aplikasi\nid: APP-1\n"
    other = "entitas: aplikasi\nid: APP-2\n"
    old = {"semua.yaml": f"{METADATA}---\n{same}---\n{other}"}
    new = {"semua.yaml": f"{METADATA}---\n{same}---\n{other}nama: Portal\n"}
    _, new_left = unchanged_documents(old, new)
    assert _left(new_left["semua.yaml"]) == ["metadata", "APP-2"]


def _left(parsed: ParsedFile | None) -> list[str]:
    """The documents left to parse in one file, by id (the metadata by its kind)."""
    assert parsed is not None
    return [d.value.get("id", d.value["entitas"]) for d in parsed.documents]


def test_document_starts_are_the_lines_yaml_starts_a_document_at() -> None:
    """The substring search finds what the line-anchored expression it replaced finds."""
    import random
    import re

    from spbe_cli.diff.documents import _document_starts

    oracle = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)
    pieces = ["---", "\n", " ", "\t", "a", "-", "--", "\n---", "----", "--- x", "\r"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _document_starts(text) == [m.start() for m in oracle.finditer(text)], repr(text)
    assert _document_starts("---\na: 1\n--- \nb: 2\n---x\n----\n---") == [0, 9, 29]
