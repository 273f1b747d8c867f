"""Every document of the bundled catalog carries its standard chapters, in every format, and
repeats no long paragraph."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from tests.helpers import png

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("masterplan", "arsitektur", "peta-rencana", "laporan")

#: What a mentor looks for in each document (text of a heading or caption).
STANDARD: dict[str, tuple[str, ...]] = {
    "masterplan": (
        "Dasar Hukum",
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
        "Dokumen Acuan",
        "Analisis SWOT per Dimensi",
        "Analisis SWOT Smart Governance",
        "Sasaran dan Indikator per Dimensi",
        "Mitra Pentahelix",
        "Peta mitra pentahelix",
        "PEMANTAUAN DAN EVALUASI",
        "Yang diukur, oleh siapa dan kapan",
        "Laporan Kemajuan",
        "PENUTUP",
        "BUPATI MIMIKA",
    ),
    "arsitektur": (
        "Dasar Hukum",
        "Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik",
        "Dokumen Acuan",
        "PETA STRATEGI",
        "Kondisi Saat Ini dan Kondisi Target",
        "Elemen domain Aplikasi SPBE menurut status",
        "Proses Bisnis × Data dan Informasi",
        "INTEGRASI APLIKASI (SPLP)",
        "Pasangan aplikasi yang terintegrasi",
        "PENUTUP",
        "METADATA SIA-SPBE SETIAP ELEMEN",
        "BUPATI MIMIKA",
    ),
    "peta-rencana": (
        "Dasar Hukum",
        "Keterkaitan dengan Dokumen Perencanaan",
        "RPJMD Kabupaten Mimika",
        "Renstra",
        "Peta Rencana SPBE Nasional",
        "Maksud dan Tujuan",
        "PENUTUP",
        "BUPATI MIMIKA",
    ),
    "laporan": (
        "Dasar Hukum",
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("standar")
    result = CliRunner().invoke(
        app, ["render", str(ROOT / "catalog"), "-o", str(out), "--doc", ",".join(DOCS)]
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return out


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(path: Path) -> str:
    """The readable text of a rendered file, whatever its format."""
    if path.suffix == ".md":
        return path.read_text("utf-8").replace("\\", "")
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text("utf-8"))
        return " ".join(" ".join(parser.parts).split())
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    # Runs of one paragraph join without space; paragraphs are separated by one.
    xml = re.sub(r"</w:p>", " ", xml)
    return " ".join(re.sub(r"<[^>]+>", "", xml).replace("&amp;", "&").split())


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
@pytest.mark.parametrize("doc", DOCS)
def test_standard_chapters_in_every_format(built: Path, doc: str, fmt: str) -> None:
    text = " ".join(_text(built / f"{doc}.{fmt}").split())
    missing = [s for s in STANDARD[doc] if s not in text]
    assert not missing, f"{doc}.{fmt} lacks {missing}"


def _paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of a Markdown document: no tables, headings, fences or list items."""
    paragraphs = []
    in_fence = False
    for block in re.split(r"\n\s*\n", markdown):
        lines = block.strip().splitlines()
        if not lines:
            continue
        if lines[0].startswith(("~~~", "```")):
            in_fence = not (len(lines) > 1 and lines[-1].startswith(("~~~", "```")))
            continue
        if in_fence:
            if lines[-1].startswith(("~~~", "```")):
                in_fence = False
            continue
        if lines[0].startswith(("|", "#", "![", "<", "- ", "* ")) or re.match(r"\d+\. ", lines[0]):
            continue
        paragraphs.append(" ".join(" ".join(lines).split()))
    return paragraphs


@pytest.mark.parametrize("doc", DOCS)
def test_no_long_paragraph_twice(built: Path, doc: str) -> None:
    paragraphs = _paragraphs((built / f"{doc}.md").read_text("utf-8"))
    assert paragraphs
    counts = Counter(p for p in paragraphs if len(p.split()) > 12)
    twice = [p for p, n in counts.items() if n > 1]
    assert not twice, twice


def test_paragraph_splitter_sees_prose_only() -> None:
    text = (
        "# Judul\n\nSatu dua.\n\n| a | b |\n|---|---|\n\n~~~spbe-tabel\nx\n\ny\n~~~\n\n1. butir\n"
    )
    assert _paragraphs(text) == ["Satu dua."]


def test_logo_on_the_cover_in_every_format(tmp_path: Path) -> None:
    import shutil

    catalog = Path(shutil.copytree(ROOT / "tests" / "cases" / "render" / "small", tmp_path / "k"))
    (catalog / "gambar").mkdir()
    (catalog / "gambar" / "logo.png").write_bytes(png(40, 20))
    meta = catalog / "metadata.yaml"
    meta.write_text(meta.read_text("utf-8") + "logo: gambar/logo.png\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["render", str(catalog), "-o", str(out), "--doc", "arsitektur"]
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    html = (out / "arsitektur.html").read_text("utf-8")
    assert '<img class="logo" alt="Logo" src="data:image/png;base64,' in html
    md = (out / "arsitektur.md").read_text("utf-8")
    assert md.index("![Logo](gambar/logo.png)") < md.index("# ")
    assert (out / "gambar" / "logo.png").read_bytes() == (
        catalog / "gambar" / "logo.png"
    ).read_bytes()
    with zipfile.ZipFile(out / "arsitektur.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert any(archive_name.endswith(".png") for archive_name in media)
    first_drawing = xml.index("<w:drawing>")
    assert 'name="Logo"' in xml[first_drawing : first_drawing + 400]
    assert first_drawing < xml.index("Daftar Isi")  # on the cover, before the contents
