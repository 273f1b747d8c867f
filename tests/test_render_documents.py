"""The documents as their readers get them: one outline in three formats, and what a reader checks.

Every bundled document (the Mimika catalog and the small test catalog) is rendered once in all
formats. The outline (headings, Tabel/Gambar captions, table shapes) is read back from each
format with that format's own parser (markdown-it, html.parser, the DOCX's document.xml) and
must be the same. Then what a Sekretariat would send back: no figure in the DOCX, money
left-aligned, a code broken mid-token, a repeated paragraph, a working file's name or tool talk
in the body, the cover sharing page 1 (the last with LibreOffice, when it is installed).
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from spbe_cli.render.document import text_em
from spbe_cli.render.geometry import EM, TEXT_W_LANDSCAPE, TEXT_W_PORTRAIT
from spbe_cli.render.pipeline import RenderOptions, render_catalog
from spbe_cli.render.prose import markdown_parser
from tests.helpers import CASES, png

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {"mimika": ROOT / "catalog", "small": CASES / "render" / "small"}
DOCS = ("masterplan", "arsitektur", "peta-rencana", "laporan")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = re.compile(r"\s+")
_CAPTION = re.compile(r"^(Tabel|Gambar) (?:[0-9]+|L[0-9]*)(?:\.[0-9]+)?\. ")

Outline = list[tuple[str, ...]]


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module", params=sorted(CATALOGS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"render-{request.param}")
    outcome = render_catalog(
        RenderOptions(catalog=CATALOGS[request.param], out=out, force=True, display="catalog")
    )
    assert outcome.written
    return out


# -- outline per format ----------------------------------------------------------------------------


def md_outline(text: str) -> Outline:
    tokens = markdown_parser().parse(text)
    items: Outline = []
    rows = cols = 0
    for n, tok in enumerate(tokens):
        if tok.type == "heading_open":
            items.append(("h", tok.tag[1], _norm(_inline_text(tokens[n + 1]))))
        elif tok.type == "paragraph_open":
            plain = _norm(_inline_text(tokens[n + 1]))
            if _CAPTION.match(plain) and (tokens[n + 1].children or [])[0].type == "em_open":
                items.append(("caption", plain))
        elif tok.type == "table_open":
            rows = cols = 0
        elif tok.type == "tr_open":
            rows += 1
        elif tok.type == "th_open":
            cols += 1
        elif tok.type == "table_close":
            items.append(("table", f"{rows}x{cols}"))
    return items


def _inline_text(token: object) -> str:
    children = getattr(token, "children", None) or []
    return "".join(c.content for c in children if c.type in ("text", "code_inline", "softbreak"))


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: Outline = []
        self.text: list[str] | None = None
        self.kind = ""
        self.rows = self.cols = 0
        self.in_nav = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.in_nav = True
        if re.fullmatch(r"h[1-6]", tag) or tag in ("caption", "figcaption"):
            self.kind, self.text = tag, []
        elif tag == "table":
            self.rows = self.cols = 0
        elif tag == "tr":
            self.rows += 1
        elif tag == "th":
            self.cols += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.in_nav = False
        if tag == self.kind and self.text is not None:
            text = _norm("".join(self.text))
            if tag.startswith("h"):
                self.items.append(("h", tag[1], text))
            else:
                self.items.append(("caption", text))
            self.text, self.kind = None, ""
        elif tag == "table":
            self.items.append(("table", f"{self.rows}x{self.cols}"))

    def handle_data(self, data: str) -> None:
        if self.text is not None and not self.in_nav:
            self.text.append(data)


def html_outline(text: str) -> Outline:
    parser = _Html()
    parser.feed(text)
    return parser.items


def _docx_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def docx_outline(path: Path) -> Outline:
    root = _docx_xml(path)
    styles = _style_names(path)
    items: Outline = []
    body = root.find(f"{W}body")
    assert body is not None
    for element in body:
        if element.tag == f"{W}p":
            style = element.find(f"{W}pPr/{W}pStyle")
            name = styles.get(style.get(f"{W}val", "") if style is not None else "", "")
            text = _norm("".join(t.text or "" for t in element.iter(f"{W}t")))
            if name == "Title":
                items.append(("h", "1", text))
            elif name.startswith("heading "):
                items.append(("h", str(int(name.split()[1]) + 1), text))
            elif name == "caption":
                items.append(("caption", text))
        elif element.tag == f"{W}tbl":
            rows = len(element.findall(f"{W}tr"))
            cols = len(element.findall(f"{W}tblGrid/{W}gridCol"))
            items.append(("table", f"{rows}x{cols}"))
    return items


def _style_names(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/styles.xml"))
    names = {}
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        names[style.get(f"{W}styleId", "")] = name.get(f"{W}val", "") if name is not None else ""
    return {k: (v if v in ("Title",) else v.lower()) for k, v in names.items()}


@pytest.mark.parametrize("doc", DOCS)
def test_outline_is_the_same_in_every_format(rendered: Path, doc: str) -> None:
    md = md_outline((rendered / f"{doc}.md").read_text("utf-8"))
    html = html_outline((rendered / f"{doc}.html").read_text("utf-8"))
    docx = docx_outline(rendered / f"{doc}.docx")
    assert sum(1 for item in md if item[0] == "h") >= 5
    assert any(item[0] == "table" for item in md)
    assert md == html
    assert md == docx
    captions = [c[1] for c in md if c[0] == "caption"]
    for word in ("Tabel", "Gambar"):
        # numbered once, in order, per chapter ("Tabel 2.1", "Tabel 2.2", "Tabel 3.1", ...)
        labels = [c.split()[1][:-1].rpartition(".") for c in captions if c.startswith(word)]
        chapters = [chapter for chapter, _, _ in labels]
        runs = [chapter for chapter, _ in itertools.groupby(chapters)]
        assert all(chapters) and len(runs) == len(set(runs)), word  # a chapter's are together
        for chapter in set(chapters):
            numbers = [int(n) for c, _, n in labels if c == chapter]
            assert numbers == list(range(1, len(numbers) + 1)), (word, chapter)


# -- what a reader checks --------------------------------------------------------------------------


def test_every_document_with_a_figure_has_it_in_every_format(rendered: Path) -> None:
    for doc in DOCS:
        md = (rendered / f"{doc}.md").read_text("utf-8")
        links = re.findall(r"!\[[^\]]*\]\((gambar/[a-z0-9.-]+\.svg)\)", md)
        assert links, doc
        for link in links:
            assert (rendered / link).read_text("utf-8").lstrip().startswith("<svg")
        html = (rendered / f"{doc}.html").read_text("utf-8")
        assert html.count("<svg") == len(links)
        with zipfile.ZipFile(rendered / f"{doc}.docx") as archive:
            media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert media and all(n.endswith(".png") for n in media), doc
        assert len(_docx_xml(rendered / f"{doc}.docx").findall(f".//{W}drawing")) == len(links)


def _cells(table: etree._Element) -> list[list[etree._Element]]:
    return [row.findall(f"{W}tc") for row in table.findall(f"{W}tr")]


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]*[A-Z0-9]$")
_MONEY = re.compile(r"^Rp\u00a0[\d.]+$")


def test_docx_money_is_right_aligned_and_kept_on_one_line(rendered: Path) -> None:
    seen = 0
    for doc in DOCS:
        for table in _docx_xml(rendered / f"{doc}.docx").iter(f"{W}tbl"):
            rows = _cells(table)[1:]
            for index in range(len(rows[0]) if rows else 0):
                cells = [row[index] for row in rows]
                texts = [_text(c) for c in cells if _text(c) not in ("", "-")]
                if not texts or not all(_MONEY.match(t) for t in texts):
                    continue  # not a column of amounts
                for cell in cells:
                    jc = cell.find(f"{W}p/{W}pPr/{W}jc")
                    assert jc is not None and jc.get(f"{W}val") == "right", _text(cell)
                    seen += 1
            for row in rows:
                for cell in row:
                    assert not re.search(r"Rp \d", _text(cell))  # "Rp" kept with its number
    assert seen > 10


def test_docx_short_tables_are_kept_on_one_page_and_long_ones_may_break(rendered: Path) -> None:
    kept = broken = 0
    for doc in DOCS:
        for table in _docx_xml(rendered / f"{doc}.docx").iter(f"{W}tbl"):
            rows = _cells(table)[1:]
            keep = [all(c.find(f"{W}p/{W}pPr/{W}keepNext") is not None for c in r) for r in rows]
            if not rows:
                continue
            # The last row never binds the table to what follows it.
            assert not keep[-1], (doc, _text(table)[:80])
            if len(rows) > 1 and all(keep[:-1]):
                kept += 1
                assert len(rows) <= 24, (doc, len(rows))
            else:
                assert not any(keep), (doc, _text(table)[:80])  # all or nothing
                broken += 1
    assert kept and broken


def test_html_print_keeps_the_same_tables_whole_as_docx(rendered: Path) -> None:
    for doc in DOCS:
        html = (rendered / f"{doc}.html").read_text("utf-8")
        boxes = re.findall(r'<div class="(tabel[^"]*)"[^>]*>', html)  # a wide one: a region
        in_html = ["utuh" in m.split() for m in boxes]
        in_docx = []
        for table in _docx_xml(rendered / f"{doc}.docx").iter(f"{W}tbl"):
            first = _cells(table)[1:2]
            in_docx.append(
                bool(first)
                and all(c.find(f"{W}p/{W}pPr/{W}keepNext") is not None for c in first[0])
            )
        # A one-row table has nothing to keep with: both formats agree on the rest.
        rows = [len(_cells(t)) - 1 for t in _docx_xml(rendered / f"{doc}.docx").iter(f"{W}tbl")]
        assert len(in_html) == len(in_docx), doc
        for row_count, html_whole, docx_whole in zip(rows, in_html, in_docx, strict=True):
            if row_count > 1:
                assert html_whole == docx_whole, doc


def _landscape_headings(name: str, lines: list[str]) -> int:
    """How many wide tables open right under a heading; each heading is on the wide page."""
    seen = 0
    for n, line in enumerate(lines):
        if not line.startswith('<div class="tabel lanskap') or not lines[n - 1].startswith("<h"):
            continue
        above = n - 1
        while lines[above].startswith("<h"):
            above -= 1
        assert lines[above] == '<div class="lanskap">', (name, lines[above][:80])
        seen += 1
    return seen


def test_html_headings_that_open_a_wide_table_print_on_its_landscape_page(
    rendered: Path,
) -> None:
    from spbe_cli.render.document import parse_document
    from spbe_cli.render.figures import ScreenSvg
    from spbe_cli.render.to_html import write_html

    for doc in DOCS:
        _landscape_headings(doc, (rendered / f"{doc}.html").read_text("utf-8").split("\n"))
    # The small catalog's tables fit a portrait page since its element tables lost the id
    # column: a wide table under its heading is written here.
    source = (
        "## BAB V DOMAIN DATA\n\n### 5.2 Elemen Data\n\n~~~spbe-tabel lanskap\nElemen\n\n"
        "| Kode | Nama |\n|---|---|\n| RAD.01 | Data |\n~~~\n"
    )
    html = write_html(parse_document("uji", source), lambda _figure: ScreenSvg("", 0))
    html = html.decode("utf-8")
    assert _landscape_headings("uji", html.split("\n")) == 1


def test_docx_code_columns_are_never_narrower_than_their_longest_code(rendered: Path) -> None:
    for doc in DOCS:
        for table in _docx_xml(rendered / f"{doc}.docx").iter(f"{W}tbl"):
            widths = [int(c.get(f"{W}w", "0")) for c in table.findall(f"{W}tblGrid/{W}gridCol")]
            rows = _cells(table)
            longest = [0.0] * len(widths)
            for row in rows[1:]:
                for index, cell in enumerate(row):
                    text = _text(cell)
                    if _CODE.match(text) or _MONEY.match(text):  # a code, an id, an amount
                        longest[index] = max(longest[index], text_em(text))
            need = [int(n * EM) for n in longest]  # the text alone, padding aside
            if sum(need) > TEXT_W_LANDSCAPE:
                continue  # more codes than a landscape page holds: shared by need instead
            for width, wanted in zip(widths, need, strict=True):
                assert width >= wanted, (doc, widths, longest)
            assert sum(widths) in (TEXT_W_PORTRAIT, TEXT_W_LANDSCAPE)


def test_docx_skeleton(rendered: Path) -> None:
    for doc in DOCS:
        root = _docx_xml(rendered / f"{doc}.docx")
        xml = etree.tostring(root, encoding="unicode")
        assert "F9" not in xml
        body = root.find(f"{W}body")
        assert body is not None
        # the cover ends with a page break before anything else
        first_break = next(
            n for n, p in enumerate(body) if p.find(f".//{W}br[@{W}type='page']") is not None
        )
        assert first_break < 15
        toc = [p for p in body.iter(f"{W}p") if "TOC" in _pstyle(p)]
        assert len(toc) >= 5, doc  # pre-filled with the chapters
        assert "\\o" in xml and 'w:fldCharType="begin"' in xml
        chapters = [p for p in body.iter(f"{W}p") if _pstyle(p) == "Heading1"]
        breaks = [
            p
            for p in chapters
            if p.find(f"{W}pPr/{W}pageBreakBefore") is not None
            or (p.getprevious() is not None and p.getprevious().find(f".//{W}sectPr") is not None)
        ]
        assert len(breaks) >= len(chapters) - 2, doc  # every chapter on a new page
        sizes = [int(s.get(f"{W}val", "24")) for s in root.iter(f"{W}sz")]
        assert not sizes or min(sizes) >= 18  # nothing below 9 pt


def _pstyle(p: etree._Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _paragraphs(md: str) -> list[str]:
    tokens = markdown_parser().parse(md)
    return [
        _norm(_inline_text(tokens[n + 1]))
        for n, tok in enumerate(tokens)
        if tok.type == "paragraph_open"
    ]


def test_no_paragraph_is_said_twice(rendered: Path) -> None:
    for doc in DOCS:
        paragraphs = list(_paragraphs((rendered / f"{doc}.md").read_text("utf-8")))
        long = [p for p in paragraphs if len(p.split()) > 12]
        twice = [p for p, n in Counter(long).items() if n > 1]
        assert not twice, (doc, twice)


#: What belongs to the project, never to the Bupati's document body (the colophon may say it).
_LEAKS = re.compile(
    r"SPBE-REFERENCE|\.ya?ml\b|--since|--tanggal|setengah-genap|\((?:ilustratif|ilustrasi)\b"
)


def test_no_working_file_or_tool_talk_in_the_body(rendered: Path) -> None:
    for doc in DOCS:
        md = (rendered / f"{doc}.md").read_text("utf-8")
        body = md.rsplit("## TENTANG DOKUMEN INI", 1)[0]
        assert not _LEAKS.search(body), (doc, _LEAKS.search(body))
        for word in ("YAML", "repositori git", "alat `spbe`"):
            assert word not in body, (doc, word)
        assert not re.search(r"\bgit\b", body, re.IGNORECASE), doc
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", body), doc  # dates in words
        assert body.count("†") == 0 or "Tanda † menandai" in body  # the mark is explained


# -- through LibreOffice, when it is installed -----------------------------------------------------


def _pdf_pages(pdf: Path) -> list[str]:
    """The text of every page, read with poppler."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    assert found is not None
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, int(found.group(1)) + 1)
    ]


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed",
)
def test_docx_pages_as_printed(rendered: Path, tmp_path: Path) -> None:
    if rendered.name.startswith("render-small"):
        pytest.skip("the bundled catalog is enough for the printed pages")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
        + [str(rendered / f"{doc}.docx") for doc in DOCS],
        capture_output=True,
        check=True,
        timeout=300,
    )
    for doc in DOCS:
        pages = _pdf_pages(tmp_path / f"{doc}.pdf")
        cover = pages[0]
        assert "Daftar Isi" not in cover and "BAB" not in cover, doc  # the cover is alone
        assert "Daftar Isi" in pages[1]
        # The contents fit on their page: the Daftar Singkatan opens the next one, and the
        # first chapter the page after the list.
        heads = [[ln.strip() for ln in page.splitlines() if ln.strip()][1:2] for page in pages]
        assert heads[2] == ["DAFTAR SINGKATAN"], (doc, heads[2])
        chapter = re.compile(r"^(BAB I|1\.) ")
        first = next(n for n, head in enumerate(heads) if head and chapter.match(head[0]))
        assert first in (3, 4), (doc, heads[:6])  # a list of a page or two
        for n, page in enumerate(pages[1:-1], start=2):
            lines = [line for line in page.splitlines() if line.strip()]
            following = [line.strip() for line in pages[n].splitlines() if line.strip()]
            chapter_next = len(following) > 1 and re.match(
                r"^(BAB|LAMPIRAN|TENTANG|\d+\. )", following[1]
            )
            figure_page = any(re.match(r"\s*Gambar \d+\.", line) for line in lines)
            assert len(lines) >= 5 or chapter_next or figure_page, (doc, n, lines)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"jenis": "Permen", "nomor": "59", "tahun": 2020, "penerbit": "KemenPANRB"},
            "Peraturan Menteri PANRB Nomor 59 Tahun 2020",
        ),
        (
            {"jenis": "SE", "nomor": "18", "tahun": 2022, "penerbit": "KemenPANRB"},
            "Surat Edaran Menteri PANRB Nomor 18 Tahun 2022",
        ),
        (
            {"jenis": "Perbup", "nomor": "5", "tahun": 2024, "tingkat": "daerah"},
            "Peraturan Bupati Mimika Nomor 5 Tahun 2024",
        ),
        (
            {"jenis": "Perbup", "status": "dibutuhkan", "tingkat": "daerah", "judul": "Satu Data"},
            "Peraturan Bupati tentang Satu Data (dibutuhkan)",
        ),
        (
            {
                "jenis": "lainnya",
                "nomor": "8",
                "tahun": 2024,
                "penerbit": "Badan Siber dan Sandi Negara",
            },
            "Peraturan Badan Siber dan Sandi Negara Nomor 8 Tahun 2024",
        ),
    ],
)
def test_regulations_are_cited_with_their_issuer(fields: dict[str, object], expected: str) -> None:
    from types import SimpleNamespace

    from spbe_cli.formatting import citation

    base: dict[str, object] = {
        "nomor": None,
        "tahun": None,
        "penerbit": None,
        "tingkat": "nasional",
        "status": "berlaku",
        "judul": "Judul",
    }
    assert citation(SimpleNamespace(**{**base, **fields}), "Kabupaten Mimika") == expected


def test_a_citation_can_leave_the_status_to_the_sentence() -> None:
    from types import SimpleNamespace

    from spbe_cli.formatting import citation

    needed = SimpleNamespace(
        jenis="Perbup", nomor=None, tahun=None, penerbit=None, tingkat="daerah",
        status="dibutuhkan", judul="Satu Data",
    )  # fmt: skip
    pemda = "Kabupaten Mimika"
    assert citation(needed, pemda) == "Peraturan Bupati tentang Satu Data (dibutuhkan)"
    assert citation(needed, pemda, status=False) == "Peraturan Bupati tentang Satu Data"
    enacted = SimpleNamespace(**{**vars(needed), "nomor": "5", "tahun": 2024, "status": "berlaku"})
    assert citation(enacted, pemda, status=False) == "Peraturan Bupati Mimika Nomor 5 Tahun 2024"


def test_mermaid_filter_escapes_once() -> None:
    from spbe_cli.render.engine import _mermaid

    assert str(_mermaid('Rapat "Dewan"; tahap 1: #2')) == (
        "Rapat #34;Dewan#34;#59; tahap 1#58; #35;2"
    )


def test_one_status_per_program_in_every_document(rendered: Path) -> None:
    laporan = (rendered / "laporan.md").read_text("utf-8")
    table = laporan.split("Program yang direncanakan tahun", 1)[1].split("\n\n", 2)[1]
    in_report = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        in_report[cells[0].removesuffix(" †")] = cells[2]
    masterplan = (rendered / "masterplan.md").read_text("utf-8")
    in_plan = dict(
        re.findall(
            r"^##### (.+?)(?: †)?(?: \(usulan\))?\n(?:.*\n)*?\| Status \| (\w+)", masterplan, re.M
        )
    )
    shared = set(in_report) & set(in_plan)
    assert shared
    for name in shared:
        assert in_report[name] == in_plan[name], name


def test_logo_of_the_catalog_on_every_cover(tmp_path: Path) -> None:
    catalog = Path(shutil.copytree(CATALOGS["small"], tmp_path / "catalog"))
    logo = png(4, 5)
    (catalog / "logo.png").write_bytes(logo)
    out = tmp_path / "out"
    render_catalog(RenderOptions(catalog=catalog, out=out, docs=["masterplan"], display="k"))
    assert (out / "gambar" / "logo.png").read_bytes() == logo
    assert "![Logo](gambar/logo.png)" in (out / "masterplan.md").read_text("utf-8")
    assert 'class="logo" alt="Logo" src="data:image/png;base64,' in (
        out / "masterplan.html"
    ).read_text("utf-8")
    with zipfile.ZipFile(out / "masterplan.docx") as archive:
        media = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    assert logo in media


def test_a_logo_that_is_no_png_or_a_link_is_not_used(tmp_path: Path) -> None:
    catalog = Path(shutil.copytree(CATALOGS["small"], tmp_path / "catalog"))
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(2, 2))
    (catalog / "logo.png").symlink_to(secret)
    out = tmp_path / "out"
    render_catalog(RenderOptions(catalog=catalog, out=out, docs=["masterplan"], display="k"))
    assert not (out / "gambar" / "logo.png").exists()
    (catalog / "logo.png").unlink()
    (catalog / "logo.png").write_bytes(b"<svg>not a png</svg>")
    render_catalog(RenderOptions(catalog=catalog, out=out, docs=["masterplan"], display="k"))
    assert not (out / "gambar" / "logo.png").exists()
    assert "data:image/png" not in (out / "masterplan.html").read_text("utf-8")


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_same_bytes_whatever_the_string_hash_seed(tmp_path: Path) -> None:
    """Nothing in the output may follow set or dict order of strings (hashes vary by process)."""
    import os
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "spbe_cli", "render", str(ROOT / "catalog"), "-o", str(out)],
            env=env,
            check=True,
            capture_output=True,
        )
        outputs.append(_tree(out))
    assert outputs[0] and outputs[0] == outputs[1]


def test_figures_drawn_on_both_cores_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Figures drawn ahead by worker processes are the bytes one process draws."""
    from spbe_cli.render import pipeline

    if not pipeline._can_fork():
        pytest.skip("this process cannot fork safely (one core, no fork, or other threads)")
    trees = []
    for name, parallel_min in (("serial", 10**9), ("parallel", 1)):
        monkeypatch.setattr(pipeline, "PARALLEL_FIGURES", parallel_min)
        out = tmp_path / name
        outcome = render_catalog(RenderOptions(catalog=ROOT / "catalog", out=out))
        assert outcome.return_code == 0
        trees.append(_tree(out))
    assert trees[0] == trees[1]


class _Stop(Exception):
    """Ends a render once what a test looks at has happened."""


def test_a_small_run_hands_every_figure_on_before_the_first_template_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both cores draw from the start: the figures of every document, at once, in document
    order, before any template runs. They were handed on one document at a time, each after
    the previous document was written, a core idle at each document's end."""
    from dataclasses import replace

    from spbe_cli.render import engine, pipeline

    calls: list[list[object]] = []
    templates: list[str] = []

    def prefetch(_book: object, specs: object) -> None:
        calls.append(list(specs))  # type: ignore[call-overload]
        raise _Stop

    monkeypatch.setattr(pipeline.FigureBook, "prefetch", prefetch)
    monkeypatch.setattr(engine, "render_template", lambda _e, name, *_a: templates.append(name))
    with pytest.raises(_Stop):
        options = RenderOptions(catalog=ROOT / "catalog", out=tmp_path / "out")
        render_catalog(replace(options, docs=["laporan,masterplan"]))
    assert not templates
    kinds = [type(spec).__name__ for spec in calls[0]]
    # the masterplan's bar charts and timelines, then the laporan's progress charts
    assert {"BarChart", "Timeline", "ProgressChart"} <= set(kinds)
    assert kinds.index("Timeline") < kinds.index("ProgressChart")


def test_a_builder_that_fails_fails_at_its_documents_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contexts built ahead keep a one-document-at-a-time run's behaviour: the documents before
    a failing builder are rendered first, the error is that builder's, and no later document
    is built."""
    from dataclasses import replace

    from spbe_cli.errors import SpbeError
    from spbe_cli.render import engine, registry

    built: list[str] = []
    rendered_templates: list[str] = []
    real_render = engine.render_template

    def failing(name: str) -> object:
        def build(_inp: object) -> object:
            built.append(name)
            raise SpbeError(f"{name} gagal")

        return build

    for name in ("arsitektur", "laporan"):
        spec = registry.documents()[name]
        monkeypatch.setitem(registry._REGISTRY, name, replace(spec, build=failing(name)))

    def render_template(env: object, name: str, *args: object) -> str:
        rendered_templates.append(name)
        return real_render(env, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "render_template", render_template)
    options = RenderOptions(catalog=ROOT / "catalog", out=tmp_path / "out", formats=["md"])
    with pytest.raises(SpbeError, match=r"^arsitektur gagal$"):
        render_catalog(options)
    assert rendered_templates == ["masterplan.j2"]
    assert built == ["arsitektur"]
    assert not (tmp_path / "out").exists()


def test_laporan_has_the_self_assessment_section_in_every_format(rendered: Path) -> None:
    heading = "6. EVALUASI MANDIRI DAN INDEKS"
    for outline in (
        md_outline((rendered / "laporan.md").read_text("utf-8")),
        html_outline((rendered / "laporan.html").read_text("utf-8")),
        docx_outline(rendered / "laporan.docx"),
    ):
        assert ("h", "2", heading) in outline
        assert any(
            item[0] == "caption" and "Nilai dan plafon per indikator" in item[1] for item in outline
        )
    if rendered.name.startswith("render-mimika"):
        md = (rendered / "laporan.md").read_text("utf-8")
        section = md.split("## " + heading, 1)[1].split("\n## ", 1)[0]
        # No self-assessment in the bundled catalog: said so, and never a score.
        assert "Belum ada evaluasi mandiri yang tercatat untuk tahun 2026" in section
        assert "indeks belum dinilai (20 dari 20 indikator belum bernilai)" in section
        # what the evidence shows; the name is from unverified PermenPANRB 8/2026 data (†)
        assert "Tata Kelola Pemdi † paling tinggi tingkat 2" in section
        assert "Tanda † menandai nama, bobot dan indeks di bagian ini" in section
        assert "predikat" not in section.replace("batas predikat", "")


def test_lists_per_perangkat_daerah_read_alphabetically(rendered: Path) -> None:
    """Lists and tables per perangkat daerah follow the names they show, any case: the laporan
    put "Dinas PUPR" (id DPUPR) after "DPMPTSP", the Arsitektur's matrices "BKPSDM" before
    "Bagian Hukum"."""
    laporan = (rendered / "laporan.md").read_text("utf-8")
    table = laporan.split(". Kemajuan per perangkat daerah*\n\n", 1)[1].split("\n\n", 1)[0]
    names = [row.split(" | ")[0].strip("| ") for row in table.splitlines()[2:]]
    names = [n for n in names if n != "**Jumlah**"]
    assert names and names == sorted(names, key=str.casefold), names
    arsitektur = (rendered / "arsitektur.md").read_text("utf-8")
    groups = re.findall(r"^\*Tabel \d+\. Layanan SPBE × Aplikasi SPBE: (.+)\*$", arsitektur, re.M)
    assert groups == sorted(groups, key=str.casefold), groups


def test_regulations_a_program_rests_on_follow_the_dasar_hukum_order(rendered: Path) -> None:
    """BAB VII lists regulations as the Dasar Hukum does (UU, PP, Perpres, Permen, ...): it
    sorted them by their ids, so "Keputusan Menteri" came first and "Undang-Undang" last."""
    md = (rendered / "masterplan.md").read_text("utf-8")
    table = md.split(". Regulasi dan program yang bertumpu padanya*\n\n", 1)[1]
    cited = [row.split(" | ")[0].strip("| ") for row in table.split("\n\n", 1)[0].splitlines()[2:]]
    basis = md.split("### 1.4 Dasar Hukum", 1)[1].split("\n### ", 1)[0]
    order = [line.split(". ", 1)[1].split(" tentang ", 1)[0] for line in basis.splitlines()
             if re.match(r"^\d+\. ", line)]  # fmt: skip
    assert cited and all(c in order for c in cited), (cited, order)
    assert cited == sorted(cited, key=order.index)


# -- section numbers and the list of chapters ----------------------------------------------------


def test_every_section_of_a_numbered_chapter_is_numbered_in_order(rendered: Path) -> None:
    """Prose sub-headings and sections a template shows only sometimes included (one home)."""
    from spbe_cli.render.document import chapter_number

    for doc in DOCS:
        chapter, counts = "", [0, 0]
        for line in (rendered / f"{doc}.md").read_text("utf-8").split("\n"):
            level = len(line) - len(line.lstrip("#"))
            if not line.startswith("#") or line[level : level + 1] != " ":
                continue
            title = line[level + 1 :]
            if level == 2:
                found = chapter_number(title)
                chapter, counts = (found if found.isdigit() else ""), [0, 0]
            elif chapter and level in (3, 4):
                counts = [counts[0] + 1, 0] if level == 3 else [counts[0], counts[1] + 1]
                number = ".".join([chapter, *map(str, counts[: level - 2])])
                assert title.startswith(number + " "), (doc, line)


def test_the_sistematika_lists_the_chapters_as_headed(rendered: Path) -> None:
    from spbe_cli.render.document import chapter_number, reading_case

    for doc in ("masterplan", "peta-rencana"):
        text = (rendered / f"{doc}.md").read_text("utf-8")
        chapters = [
            line[3:]
            for line in text.split("\n")
            if line.startswith("## ") and chapter_number(line[3:])
        ]
        listed = text.split("Sistematika\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
        assert [item.split(". ", 1)[1] for item in listed] == [
            reading_case(c, {"SPBE": "", "TIK": "", "SWOT": ""}) for c in chapters
        ], doc


def _docx_table(path: Path, label: str) -> tuple[list[int], list[str]]:
    """The column widths (twips) and headers of the DOCX table captioned ``Tabel <label>.``."""
    body = _docx_xml(path).find(f"{W}body")
    assert body is not None
    caption = ""
    for element in body:
        if element.tag == f"{W}p" and (text := _text(element)):
            caption = text
        elif element.tag == f"{W}tbl" and caption.startswith(f"Tabel {label}. "):
            widths = [int(c.get(f"{W}w", "0")) for c in element.findall(f"{W}tblGrid/{W}gridCol")]
            return widths, [_norm(_text(cell)) for cell in _cells(element)[0]]
    raise AssertionError(f"no Tabel {label} in {path.name}")


def test_docx_widths_follow_how_much_text_a_column_holds(rendered: Path) -> None:
    if rendered.name.startswith("render-small"):
        pytest.skip("the bundled catalog holds the tables measured here")
    # Master Plan, regulations and the programs resting on them: the Program column holds
    # by far the most text (~480 em in its longest cell); it was given about Tentang's width.
    widths, headers = _docx_table(rendered / "masterplan.docx", "7.1")
    assert headers == ["Regulasi", "Tentang", "Status", "Program"]
    regulasi, tentang, status, program = widths
    assert sum(widths) == TEXT_W_PORTRAIT
    assert program > 1.8 * tentang and program > 1.8 * regulasi
    assert status < tentang
    # Arsitektur, data elements: eight columns; upright, Nama was squeezed to ~9 em and every
    # row ran four lines. Landscape, each name is on one line.
    widths, headers = _docx_table(rendered / "arsitektur.docx", "5.2")
    assert headers[:2] == ["Kode", "Nama"] and len(headers) == 8
    assert sum(widths) == TEXT_W_LANDSCAPE
    assert widths[1] == max(widths) and widths[1] > 25 * EM
    # Security elements: six columns, Nama ~7 em beside long lists of objects; landscape too.
    widths, headers = _docx_table(rendered / "arsitektur.docx", "9.2")
    assert headers[:2] == ["Kode", "Nama"] and "Objek" in headers
    assert sum(widths) == TEXT_W_LANDSCAPE
    assert widths[1] > 12 * EM
