"""``spbe render``: golden Markdown, HTML and DOCX structure, templates, safety, determinism."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spbe_cli.cli.app import app
from tests.helpers import CASES, edit, write_tree

SMALL = CASES / "render" / "small"
GOLDEN = CASES / "render" / "golden"
OWN_DOCS = ("masterplan", "arsitektur", "peta-rencana")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["render", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL, tmp_path / "catalog", symlinks=True))


def render(catalog: Path, out: Path, *extra: str) -> None:
    code, stdout, stderr = run(str(catalog), "-o", str(out), "--doc", ",".join(OWN_DOCS), *extra)
    assert code == 0, stdout + stderr


# -- Markdown ---------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", OWN_DOCS)
def test_golden_markdown(small: Path, tmp_path: Path, doc: str) -> None:
    out = tmp_path / "out"
    render(small, out, "--format", "md")
    got = (out / f"{doc}.md").read_text("utf-8")
    golden = GOLDEN / f"{doc}.md"
    if os.environ.get("SPBE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, "utf-8", newline="\n")
    assert got == golden.read_text("utf-8")


def test_markdown_prose_is_shifted_and_inert(small: Path, tmp_path: Path) -> None:
    render(small, tmp_path / "out", "--format", "md", "--doc", "masterplan")
    text = (tmp_path / "out" / "masterplan.md").read_text("utf-8")
    # a prose "##" sits below the chapter's "###", numbered as a subsection of it
    assert "#### 1.1.1 Tantangan" in text
    assert "# Latar Belakang\n" not in text  # the prose title gives way to the document's
    assert r"\<b\>tag mentah\</b\>" in text  # raw HTML in prose is text


# -- HTML -------------------------------------------------------------------------------------


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("src"):
            self.srcs.append(str(values["src"]))
        if tag in ("h1", "h2", "h3"):
            self._heading = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


def parse(path: Path) -> Outline:
    outline = Outline()
    outline.feed(path.read_text("utf-8"))
    return outline


def test_html_structure(small: Path, tmp_path: Path) -> None:
    render(small, tmp_path / "out", "--format", "html")
    for doc in OWN_DOCS:
        html = (tmp_path / "out" / f"{doc}.html").read_text("utf-8")
        outline = parse(tmp_path / "out" / f"{doc}.html")
        assert [t for t, _ in outline.headings].count("h1") == 1
        assert sum(1 for t, _ in outline.headings if t == "h2") >= 5
        assert outline.tags.count("table") >= 3
        assert "caption" in outline.tags
        # every table-of-contents link lands on an anchor
        local = [h[1:] for h in outline.hrefs if h.startswith("#")]
        assert local and all(anchor in outline.ids for anchor in local)
        # self-contained: nothing is fetched
        assert "script" not in outline.tags and "link" not in outline.tags
        assert not outline.srcs
        assert not re.search(r"https?://(?!www\.w3\.org/)", html)
        assert "@page" in html and "counter(page)" in html
    arsitektur = parse(tmp_path / "out" / "arsitektur.html")
    assert "svg" in arsitektur.tags


def test_html_escapes_catalog_text(small: Path, tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    path = small / "program" / "governance.yaml"
    path.write_text(
        path.read_text("utf-8").replace("nama: Layanan Kependudukan Terpadu", f'nama: "{evil}"'),
        "utf-8",
    )
    render(small, tmp_path / "out", "--format", "html,md")
    outline = parse(tmp_path / "out" / "masterplan.html")
    assert "script" not in outline.tags
    assert any(evil in chunk for chunk in outline.text)
    html = (tmp_path / "out" / "masterplan.html").read_text("utf-8")
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = (tmp_path / "out" / "masterplan.md").read_text("utf-8")
    assert evil not in markdown and r"\<script\>alert(1)\</script\>" in markdown


def test_a_placeholder_reads_as_not_filled_in_never_as_a_value(small: Path, tmp_path: Path) -> None:
    """`[ISI]` left in a name is a warning (SPBE901), so render runs: the tables said "[ISI]"
    where a name belongs. Every document and format now says "(belum diisi)" instead."""
    from spbe_cli.validate import validate_catalog

    edit(small / "arsitektur" / "aplikasi.yaml", "nama: Portal Wisata", 'nama: "[ISI]"')
    edit(small / "arsitektur" / "aplikasi.yaml", "kategori:", 'fungsi: "[ISI: fungsi]"\nkategori:')
    _, report = validate_catalog(small)
    warned = sorted((f.code, f.location.line, f.location.column) for f in report.findings)
    assert [w for w in warned if w[0] == "SPBE901"] == [("SPBE901", 3, 7), ("SPBE901", 5, 9)]
    assert report.errors == 0
    render(small, tmp_path / "out", "--format", "md,html,docx", "--doc", "arsitektur")
    markdown = (tmp_path / "out" / "arsitektur.md").read_text("utf-8")
    assert "| RAA.01.01 | (belum diisi) |" in markdown and "APP-01" not in markdown
    assert "Fungsi: (belum diisi: fungsi)" in markdown
    html = (tmp_path / "out" / "arsitektur.html").read_text("utf-8")
    with zipfile.ZipFile(tmp_path / "out" / "arsitektur.docx") as docx_file:
        docx_xml = docx_file.read("word/document.xml").decode("utf-8")
    for text in (markdown, html, docx_xml):
        assert "ISI" not in text
        assert "(belum diisi)" in text


# -- DOCX -------------------------------------------------------------------------------------


def test_docx_structure(small: Path, tmp_path: Path) -> None:
    import docx

    render(small, tmp_path / "out", "--format", "md,docx")
    for doc in OWN_DOCS:
        document = docx.Document(str(tmp_path / "out" / f"{doc}.docx"))
        styles = [p.style.name for p in document.paragraphs]
        assert styles.count("Title") == 1
        assert styles.count("Heading 1") >= 5
        assert "Heading 2" in styles
        markdown = (tmp_path / "out" / f"{doc}.md").read_text("utf-8")
        captions = len(re.findall(r"^\*(Tabel|Gambar) [0-9L]+\.\d+\. ", markdown, re.M))
        assert styles.count("Caption") == captions > 0
        tables = len(re.findall(r"^\*Tabel [0-9L]+\.\d+\. ", markdown, re.M))
        assert len(document.tables) >= tables
        xml = document.element.xml
        assert "w:tblHeader" in xml and "w:cantSplit" in xml
        assert 'TOC \\o "1-2"' in xml
        footer = document.sections[0].footer._element.xml
        assert "PAGE" in footer
        assert document.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)
        assert document.core_properties.author == "Kabupaten Mimika"
        assert document.core_properties.created.year == 2025


# -- templates --------------------------------------------------------------------------------


def test_catalog_template_overrides_builtin(small: Path, tmp_path: Path) -> None:
    write_tree(small, {"templates/peta-rencana.md.j2": "# Versi sendiri {{ pemda.nama }}\n"})
    render(small, tmp_path / "out", "--format", "md")
    assert (tmp_path / "out" / "peta-rencana.md").read_text("utf-8") == (
        "# Versi sendiri Kabupaten Mimika\n"
    )
    assert "BAB I" in (tmp_path / "out" / "masterplan.md").read_text("utf-8")


def test_templates_option_wins_over_catalog(small: Path, tmp_path: Path) -> None:
    write_tree(small, {"templates/peta-rencana.md.j2": "katalog\n"})
    own = write_tree(tmp_path / "mine", {"peta-rencana.md.j2": "opsi {{ pemda.nama ~ ' <b>' }}\n"})
    render(small, tmp_path / "out", "--format", "md", "--templates", str(own))
    text = (tmp_path / "out" / "peta-rencana.md").read_text("utf-8")
    assert text == "opsi Kabupaten Mimika \\<b\\>\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ pemda.__class__.__init__.__globals__ }}", "unsafe"),
        ("{{ cap.next.__func__ }}", "unsafe"),
    ],
)
def test_sandbox_refuses_escape(small: Path, tmp_path: Path, source: str, expected: str) -> None:
    write_tree(small, {"templates/peta-rencana.md.j2": f"baris satu\n{source}\n"})
    code, stdout, stderr = run(str(small), "-o", str(tmp_path / "out"), "--format", "md")
    assert code == 3
    assert "templates/peta-rencana.md.j2:2: template failed" in stderr
    assert expected in stderr
    assert stdout == ""


def test_template_cannot_include_outside(small: Path, tmp_path: Path) -> None:
    (tmp_path / "rahasia.txt").write_text("RAHASIA", "utf-8")
    source = "baris satu\n{% include '../../rahasia.txt' %}\n"
    write_tree(small, {"templates/peta-rencana.md.j2": source})
    code, _, stderr = run(str(small), "-o", str(tmp_path / "out"), "--format", "md")
    assert code == 3 and "RAHASIA" not in stderr
    # The message names the template and line that asked for the file, as every template error.
    assert (
        "templates/peta-rencana.md.j2:2: template failed: template '../../rahasia.txt' not found"
        in stderr
    )


def test_template_symlink_outside_is_refused(small: Path, tmp_path: Path) -> None:
    (tmp_path / "rahasia.j2").write_text("RAHASIA", "utf-8")
    (small / "templates").mkdir()
    (small / "templates" / "peta-rencana.md.j2").symlink_to(tmp_path / "rahasia.j2")
    code, _, stderr = run(str(small), "-o", str(tmp_path / "out"), "--format", "md")
    assert code == 3
    assert "points outside its template folder" in stderr
    assert not (tmp_path / "out").exists()


def test_included_symlink_outside_is_refused_at_the_include(small: Path, tmp_path: Path) -> None:
    (tmp_path / "rahasia.j2").write_text("RAHASIA", "utf-8")
    write_tree(small, {"templates/peta-rencana.md.j2": "a\nb\n{% import 'bocor.j2' as x %}\n"})
    (small / "templates" / "bocor.j2").symlink_to(tmp_path / "rahasia.j2")
    code, _, stderr = run(str(small), "-o", str(tmp_path / "out"), "--format", "md")
    assert code == 3 and "RAHASIA" not in stderr
    assert (
        "templates/peta-rencana.md.j2:3: template failed: template 'bocor.j2' points outside"
        in stderr
    )


def test_template_not_utf8_names_the_byte_and_its_place(small: Path, tmp_path: Path) -> None:
    (small / "templates").mkdir()
    (small / "templates" / "peta-rencana.md.j2").write_bytes(b"satu\n{% include 'b.j2' %}\n")
    (small / "templates" / "b.j2").write_bytes(b"# judul\nabc \xff x\n")
    code, stdout, stderr = run(str(small), "-o", str(tmp_path / "out"), "--format", "md")
    assert code == 3 and stdout == ""
    # The byte, and what it is in Windows-1252 (the encoding such a file most likely has).
    assert (
        "templates/b.j2:2:5: the template cannot be read: the file is not UTF-8 (byte 0xFF, "
        in (stderr)
    )
    assert "which is 'ÿ' in a file Excel, Word or an old Notepad saved as Windows-1252" in stderr
    assert not (tmp_path / "out").exists()


def test_template_saved_with_a_byte_order_mark_renders_as_without(
    small: Path, tmp_path: Path
) -> None:
    source = "# {{ pemda.nama }}\n\nteks\n"
    outputs = []
    for data in (source.encode(), b"\xef\xbb\xbf" + source.encode()):
        write_tree(small, {"templates/peta-rencana.md.j2": ""})
        (small / "templates" / "peta-rencana.md.j2").write_bytes(data)
        code, _, stderr = run(str(small), "-o", str(tmp_path / "out"), "--format", "md")
        assert code == 0, stderr
        outputs.append((tmp_path / "out" / "peta-rencana.md").read_bytes())
    assert outputs[0] == outputs[1]
    assert not outputs[1].startswith(b"\xef\xbb\xbf")


def test_template_syntax_error_names_template_and_line(small: Path, tmp_path: Path) -> None:
    write_tree(small, {"templates/masterplan.md.j2": "# judul\n\n{% for x in %}\n"})
    code, stdout, stderr = run(str(small), "-o", str(tmp_path / "out"))
    assert code == 3
    assert stdout == ""
    assert re.search(r"templates/masterplan\.md\.j2:3: template syntax error: ", stderr)


# -- safety and determinism -------------------------------------------------------------------


def test_render_is_byte_identical(small: Path, tmp_path: Path) -> None:
    render(small, tmp_path / "a")
    render(small, tmp_path / "b")
    names = sorted(str(p.relative_to(tmp_path / "a")) for p in (tmp_path / "a").rglob("*.*"))
    assert names == sorted(
        str(p.relative_to(tmp_path / "b")) for p in (tmp_path / "b").rglob("*.*")
    )
    assert len([n for n in names if "/" not in n]) == 9
    assert any(n.startswith("gambar/") and n.endswith(".svg") for n in names)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    with zipfile.ZipFile(tmp_path / "a" / "masterplan.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def test_failure_leaves_previous_build_untouched(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render(small, out)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*.*")}
    # masterplan renders fine, then the arsitektur template fails half-way
    write_tree(small, {"templates/arsitektur.md.j2": "# awal\n{{ tidak_ada.sama_sekali }}\n"})
    code, _, stderr = run(str(small), "-o", str(out))
    assert code == 3
    assert "templates/arsitektur.md.j2:2: template failed" in stderr
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*.*")}
    assert after == before
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {*before, "gambar"} & {p.name for p in out.iterdir()}
    )  # no new file, no changed file, no temporary folder left


def test_symlink_in_output_folder_is_replaced_not_followed(small: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("jangan diubah", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "masterplan.md").symlink_to(victim)
    render(small, out, "--format", "md")
    assert victim.read_text("utf-8") == "jangan diubah"
    assert not (out / "masterplan.md").is_symlink()
    assert "\n# Master Plan" in (out / "masterplan.md").read_text("utf-8")


def test_check_reports_stale_files(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "--check")
    assert code == 1 and not out.exists()
    render(small, out)
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "--check")
    assert (code, stdout) == (0, "")
    assert re.search(r"\d+ files are up to date", stderr)
    (out / "masterplan.md").write_text("diubah tangan\n", "utf-8")
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "--check")
    assert code == 1
    assert stdout == f"{(out / 'masterplan.md').as_posix()}\n"
    assert "1 file differs" in stderr


def test_a_figure_the_document_lost_is_removed_and_other_files_are_kept(
    small: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    render(small, out)
    figures = out / "gambar"
    written = sorted(p.name for p in figures.iterdir())
    assert written and all(name.endswith(".svg") for name in written)
    (figures / "masterplan-97.svg").write_text("<svg/>", "utf-8")  # left by an earlier run
    (figures / "arsitektur-97.svg").write_text("<svg/>", "utf-8")
    (figures / "catatan-saya.svg").write_text("<svg/>", "utf-8")  # a person's own file
    (figures / "logo.png").write_bytes(b"lama")  # the catalog has no logo any more
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "--check")
    assert code == 1
    assert f"{(figures / 'masterplan-97.svg').as_posix()}\n" in stdout
    assert "arsitektur-97" not in stdout and "catatan-saya" not in stdout
    # Only HTML: the Markdown figures are not this run's business.
    for fmt in ("html", "md"):
        code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "-f", fmt)
        assert code == 0, stdout + stderr
        assert (figures / "masterplan-97.svg").exists() == (fmt == "html")
    left = sorted(p.name for p in figures.iterdir())
    assert "masterplan-97.svg" not in left and "logo.png" not in left
    assert {"arsitektur-97.svg", "catatan-saya.svg"} <= set(left)
    assert set(written) <= set(left)


def test_a_figure_folder_that_cannot_be_listed_is_left_alone(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    render(small, out)
    listing = Path.iterdir

    def refused(self: Path) -> Any:
        if self.name == "gambar":
            raise PermissionError(13, "Permission denied")
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", refused)
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "--check")
    assert (code, stdout) == (0, ""), stderr
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "-f", "md")
    assert code == 0, stdout + stderr


@pytest.mark.parametrize("existing", [False, True])
def test_a_template_failing_late_leaves_the_output_as_it_was(
    small: Path, tmp_path: Path, existing: bool
) -> None:
    # Files are written while the documents are rendered: the last document failing must
    # still leave nothing behind, not even the output folders this run created.
    write_tree(small, {"templates/peta-rencana.j2": "baris satu\n{{ tidak_ada.sama_sekali }}\n"})
    out = tmp_path / "a" / "b" / "out"
    if existing:
        out.mkdir(parents=True)
        (out / "masterplan.md").write_text("sebelumnya\n", "utf-8")
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan,peta-rencana")
    assert code == 3, stdout + stderr
    assert "peta-rencana.j2:2" in stderr
    if existing:
        assert sorted(p.name for p in out.iterdir()) == ["masterplan.md"]
        assert (out / "masterplan.md").read_text("utf-8") == "sebelumnya\n"
    else:
        assert not (tmp_path / "a").exists()


# -- error paths ------------------------------------------------------------------------------


def test_missing_catalog(tmp_path: Path) -> None:
    code, stdout, stderr = run(str(tmp_path / "tidak-ada"), "-o", str(tmp_path / "out"))
    assert code == 2 and stdout == ""
    assert "tidak-ada" in stderr


def test_output_folder_is_a_file(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("file", "utf-8")
    code, stdout, stderr = run(str(small), "-o", str(out))
    assert code == 3 and stdout == ""
    assert f"output folder '{out.as_posix()}' exists and is not a folder" in stderr
    assert out.read_text("utf-8") == "file"


def test_catalog_with_errors_is_refused_unless_forced(small: Path, tmp_path: Path) -> None:
    path = small / "program" / "governance.yaml"
    path.write_text(
        path.read_text("utf-8").replace("opd_pj: DISKOMINFO", "opd_pj: DISKOMNFO"), "utf-8"
    )
    out = tmp_path / "out"
    code, stdout, stderr = run(str(small), "-o", str(out))
    assert code == 1
    assert re.search(r"program/governance\.yaml:\d+:\d+: error\[SPBE201\]", stdout)
    assert "nothing was rendered" in stderr
    assert not out.exists()
    code, _, stderr = run(str(small), "-o", str(out), "--doc", "masterplan", "--force")
    assert code == 0
    assert "rendered anyway" in stderr
    assert "DISKOMNFO" in (out / "masterplan.md").read_text("utf-8")


def test_unknown_document_is_a_usage_error(small: Path, tmp_path: Path) -> None:
    code, _, stderr = run(str(small), "-o", str(tmp_path / "out"), "--doc", "rencana")
    assert code == 2
    assert "unknown document 'rencana'" in stderr


def test_enacted_document_with_a_placeholder_or_an_empty_domain_is_refused(
    small: Path, tmp_path: Path
) -> None:
    meta = small / "metadata.yaml"
    text = meta.read_text("utf-8")
    enacted = text.replace(
        "  arsitektur:\n    judul: Arsitektur SPBE\n",
        "  arsitektur:\n    judul: Arsitektur SPBE\n    status: ditetapkan\n",
    )
    assert enacted != text
    meta.write_text(enacted + 'visi: "[ISI visi RPJMD]"\n', "utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run(str(small), "-o", str(out))
    assert code == 1
    assert re.search(r"metadata\.yaml:\d+:\d+: error\[SPBE902\]", stdout)
    assert "nothing was rendered" in stderr
    assert not out.exists()
    # Without the placeholder, an Arsitektur with an empty domain is refused once enacted.
    meta.write_text(enacted, "utf-8")
    (small / "arsitektur" / "keamanan.yaml").unlink()
    code, stdout, stderr = run(str(small), "-o", str(out), "--doc", "masterplan")
    assert code == 1
    assert re.search(r"metadata\.yaml:\d+:\d+: error\[SPBE413\]", stdout)
    assert not out.exists()


def test_every_kind_of_regulation_is_named_as_citations_name_it(
    small: Path, tmp_path: Path
) -> None:
    """The templates' names of kinds of regulation are spbe's (formatting.JENIS_REGULASI): the
    templates kept a second list without Kepgub, Perwali and Kepwali, so BAB VII showed the
    code "Kepgub" where a citation reads "Keputusan Gubernur"."""
    from spbe_cli.formatting import JENIS_REGULASI, LABEL_JENIS_REGULASI

    assert {"Kepgub", "Perwali", "Kepwali"} <= set(JENIS_REGULASI)
    assert LABEL_JENIS_REGULASI == {**JENIS_REGULASI, "lainnya": "Lainnya"}
    write_tree(
        small,
        {
            "regulasi/kepgub.yaml": "entitas: regulasi\nid: KEPGUB-SC\njenis: Kepgub\n"
            "judul: Tim Smart City Provinsi\ntingkat: provinsi\nstatus: dibutuhkan\n",
        },
    )
    program = small / "program" / "economy.yaml"
    text = program.read_text("utf-8").replace(
        "regulasi: [PERBUP-SC]", "regulasi: [PERBUP-SC]\nregulasi_dibutuhkan: [KEPGUB-SC]"
    )
    program.write_text(text, "utf-8")
    out = tmp_path / "out"
    render(small, out, "--format", "md")
    md = (out / "masterplan.md").read_text("utf-8")
    assert "| Keputusan Gubernur | Tim Smart City Provinsi | Dibutuhkan |" in md
