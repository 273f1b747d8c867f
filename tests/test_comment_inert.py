"""``spbe progress``, ``spbe indeks`` in Markdown may be posted on a pull request, like the review.

``spbe diff --format markdown`` makes every catalog value inert (:func:`spbe_cli.markup.md_inert`):
no @mention, no issue reference, no autolink on GitHub. These tests give a program, its indicator
and a document title the value ``@bupati lihat #12 https://x.y`` and read both reports.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from spbe_cli.markup import md_inert
from tests.test_adversarial_output import GITHUB_LINKING

runner = CliRunner()
BUNDLED = Path(__file__).parent.parent / "catalog"
VALUE = "@bupati lihat #12 https://x.y"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalog with VALUE as a program name, its indicator and a document title."""
    copy = shutil.copytree(BUNDLED, tmp_path_factory.mktemp("inert") / "catalog")
    for relative, old in (
        ("program/society.yaml", "nama: Jejaring Relawan TIK dan Komunitas Kreatif"),
        ("program/society.yaml", "{nama: Relawan TIK aktif,"),
        ("metadata.yaml", "judul: Arsitektur SPBE Pemerintah Kabupaten Mimika"),
    ):
        path = copy / relative
        text = path.read_text("utf-8")
        assert text.count(old) == 1, old
        new = old.replace(old.split(": ", 1)[1].rstrip(","), f'"{VALUE}"')
        path.write_text(text.replace(old, new), "utf-8")
    return copy


def _markdown(*args: str) -> str:
    result = runner.invoke(app, [*args, "--format", "markdown"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["progress", "--tahun", "2026", "--tanggal", "2026-12-31"],
        ["indeks", "-k", "spbe-59-2020"],
    ],
    ids=["progress", "indeks"],
)
def test_a_catalog_value_neither_mentions_nor_links_and_reads_the_same(
    catalog: Path, argv: list[str]
) -> None:
    markdown = _markdown(argv[0], str(catalog), *argv[1:])
    assert md_inert(VALUE) in markdown  # escaped (was md_escape: "@bupati ... https://x.y")
    assert "@bupati" not in markdown and "https://x.y" not in markdown
    # What GitHub's filters see: the text with escapes and entities read, a zero-width space
    # still breaking each name, number and scheme.
    shown = html.unescape(re.sub(r"\\(.)", r"\1", markdown)).replace("\u200b", " ")
    lines = [line for line in shown.splitlines() if "bupati" in line]
    assert lines
    for line in lines:
        assert GITHUB_LINKING.search(line) is None, line
    # What a reader sees once it is rendered: the value as written, and no link.
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<a " not in rendered
    assert VALUE in html.unescape(rendered).replace("\u200b", "")
