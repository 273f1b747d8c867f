"""Golden output of ``spbe diff``: one folder per case under ``tests/cases/diff``.

Each case has ``old/`` and ``new/`` catalog folders and the expected ``expected.txt`` (English),
``expected.md`` (Bahasa Indonesia, the pull-request comment) and ``expected.json``. Set
``SPBE_UPDATE_GOLDEN=1`` to rewrite them from the current output; review the diff before
committing it. Every JSON output is checked against the schema published in ``docs/diff.md``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from spbe_cli import i18n
from spbe_cli.diff import ChangeSet, diff_snapshots
from spbe_cli.diff.attention import ATTENTION_RULES
from spbe_cli.diff.formats import GITHUB_COMMENT_LIMIT, format_json, format_markdown, format_text
from spbe_cli.diff.revision_log import revision_log
from spbe_cli.gitsource import folder_snapshot

CASES = Path(__file__).parent / "cases" / "diff"
DOCS = Path(__file__).parent.parent / "docs" / "diff.md"
UPDATE = os.environ.get("SPBE_UPDATE_GOLDEN") == "1"
ALL = sorted(p.name for p in CASES.iterdir() if (p / "old").is_dir())


def changeset(case: str, monkeypatch: pytest.MonkeyPatch) -> ChangeSet:
    monkeypatch.chdir(CASES / case)
    return diff_snapshots(folder_snapshot(Path("old"), "old"), folder_snapshot(Path("new"), "new"))


def check(path: Path, got: str) -> None:
    if UPDATE:
        path.write_text(got, "utf-8")
    assert got == path.read_text("utf-8")


def schema() -> dict[str, Any]:
    text = DOCS.read_text("utf-8")
    pattern = r"<!-- schema:start -->\s*```json\n(.*?)```\s*<!-- schema:end -->"
    match = re.search(pattern, text, re.S)
    assert match, "docs/diff.md must publish the JSON Schema between schema markers"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.mark.parametrize("case", ALL)
def test_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = changeset(case, monkeypatch)
    check(CASES / case / "expected.txt", "\n".join(format_text(result)) + "\n")
    output = format_json(result) + "\n"
    check(CASES / case / "expected.json", output)
    jsonschema.validate(json.loads(output), schema())
    i18n.set_language("id")  # messages are made when the diff runs, in the language of the run
    check(CASES / case / "expected.md", format_markdown(changeset(case, monkeypatch)))


def test_review_case_pins_every_attention_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    found = {a.code for a in changeset("review", monkeypatch).attention}
    assert found == set(ATTENTION_RULES)


def test_markdown_escapes_catalog_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = format_markdown(changeset("markup", monkeypatch))
    assert "`indikator[Nilai <i>|</i>]`" in text  # inside a code span, shown literally
    text = re.sub(r"`[^`]*`", "", text)
    assert "<b>" not in text and "<script>" not in text and "<i>" not in text
    assert "@mentor" not in text
    assert "\\|" in text


def test_markdown_is_cut_under_the_github_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    result = changeset("review", monkeypatch)
    many = result.changes * 800
    result.changes = many
    result.attention = result.attention * 200
    text = format_markdown(result)
    assert len(text.encode("utf-8")) <= GITHUB_COMMENT_LIMIT
    assert "Output truncated:" in text
    assert text.count("<details>") == text.count("</details>")
    small = format_markdown(result, limit=4000)
    assert len(small.encode("utf-8")) <= 4000 and "Output truncated:" in small


def test_json_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_docs_describe_every_attention_rule() -> None:
    text = DOCS.read_text("utf-8")
    for code, rule in ATTENTION_RULES.items():
        heading = re.search(rf"^### {code} \((\w+)\)", text, re.M)
        assert heading, f"docs/diff.md has no section for {code}"
        assert heading.group(1) == {"warning": "peringatan", "info": "info"}[rule.severity.value]


def test_revision_log_context(monkeypatch: pytest.MonkeyPatch) -> None:
    log = revision_log(changeset("review", monkeypatch), ("program",))
    assert log["title"] == "List of Changes" and log["since"] == "old"
    assert [g["kind"] for g in log["groups"]] == ["program"]
    entries = {e["id"]: e for e in log["groups"][0]["entries"]}
    assert entries["SC-03"]["label"] == "changed"
    status = next(f for f in entries["SC-03"]["fields"] if f["field"] == "status")
    # the mentors' text and, for a document's readers, the same change as data
    assert status["change"] == "berjalan → ditunda"
    assert (status["loc"], status["old"], status["new"]) == (
        [{"field": "status"}],
        "berjalan",
        "ditunda",
    )
    assert {a["code"] for a in log["attention"]} >= {"SPBE701", "SPBE703"}
    empty = revision_log(changeset("same", monkeypatch))
    assert empty["empty"] is True and empty["groups"] == []


def test_a_changed_list_of_sub_entries_is_shown_without_touching_pydantic_internals() -> None:
    """A list of models (indicators) is not a flat list; telling so raised a pydantic warning.

    ``hasattr(model, "model_fields")`` on an instance is deprecated since pydantic 2.11: under
    ``-W error`` (this suite) ``spbe diff`` and ``render --since`` stopped with a traceback.
    """
    from spbe_cli.diff.changeset import FieldChange
    from spbe_cli.diff.formats import show_change
    from spbe_cli.models import Indikator

    old = [Indikator.model_validate({"nama": "A", "satuan": "persen", "target": {"2026": "1"}})]
    new = [Indikator.model_validate({"nama": "B", "satuan": "persen", "target": {"2026": "1"}})]
    shown = show_change(FieldChange(("indikator",), old, new))
    assert "A" in shown and "B" in shown
