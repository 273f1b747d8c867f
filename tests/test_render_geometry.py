"""Printed column widths: by how much text a column holds, the same in DOCX and HTML print."""

from __future__ import annotations

from spbe_cli.render.document import Span, Table, make_table, plain, text_em
from spbe_cli.render.geometry import (
    CELL_PAD,
    EM,
    KEEP_TOGETHER_LINES,
    TEXT_W_LANDSCAPE,
    TEXT_W_PORTRAIT,
    column_widths,
    keep_together,
    needs_landscape,
    table_widths,
)


def _inline(text: str) -> tuple[Span, ...]:
    return (Span(text),) if text else ()


def _table(header: list[str], rows: list[list[str]]) -> Table:
    table = make_table([_inline(h) for h in header], [[_inline(c) for c in r] for r in rows])
    assert table is not None
    return table


PROGRAMS = "; ".join(f"Program Layanan Digital Nomor {n} untuk Warga Distrik" for n in range(12))


def _regulations(rows: int = 8) -> Table:
    """Like the Master Plan's "Regulasi dan program": one column holds most of the text."""
    return _table(
        ["Regulasi", "Tentang", "Status", "Program"],
        [
            [
                f"Peraturan Presiden Nomor {n} Tahun 2018",
                "Sistem Pemerintahan Berbasis Elektronik",
                "Berlaku",
                PROGRAMS if n % 2 else "Satu Data Mimika",
            ]
            for n in range(rows)
        ],
    )


def test_the_column_holding_most_text_is_the_widest() -> None:
    table = _regulations()
    widths = table_widths(table)
    regulasi, tentang, status, program = widths
    assert sum(widths) == TEXT_W_PORTRAIT
    # The longest cell of Program is ten times Tentang's, and it holds four times the text:
    # by the longest cell capped at 40 em both got about the same width (rows half a page).
    assert program > 1.8 * tentang
    assert program > 1.8 * regulasi
    # A column of one short word is as wide as that word, no wider.
    assert status == round(table.columns[2].longest_token * EM) + CELL_PAD


def test_a_few_long_cells_do_not_outweigh_many_middling_ones() -> None:
    long_once = "sebuah uraian panjang sekali " * 12
    table = _table(
        ["Kode", "Catatan", "Uraian"],
        [
            [f"APL.{n:02d}", long_once if n == 0 else "-", "uraian layanan sedang " * 3]
            for n in range(20)
        ],
    )
    kode, catatan, uraian = column_widths(table.columns, TEXT_W_PORTRAIT)
    assert uraian > catatan
    assert kode >= round(text_em("APL.00") * EM)  # a code never wraps


def test_every_column_stays_between_its_longest_word_and_its_longest_cell() -> None:
    table = _regulations()
    for text_w in (TEXT_W_PORTRAIT, TEXT_W_LANDSCAPE):
        widths = column_widths(table.columns, text_w)
        assert sum(widths) == text_w
        for column, width in zip(table.columns, widths, strict=True):
            assert width >= round(column.longest_token * EM) + CELL_PAD
            assert width <= round(column.longest_text * EM) + CELL_PAD + 1  # rounding twips


def test_a_table_fitting_the_page_gives_the_rest_to_its_text() -> None:
    table = _table(["Kode", "Nama"], [["RAD.01", "Data penduduk"], ["RAD.02", "Data wisata"]])
    kode, nama = table_widths(table)
    assert kode == round(table.columns[0].longest_token * EM) + CELL_PAD
    assert nama == TEXT_W_PORTRAIT - kode


def _elements(rows: int) -> Table:
    """Like the Arsitektur's element tables: eight columns, the names squeezed in portrait."""
    return _table(
        ["Kode", "Nama", "Sifat", "Jenis", "Produsen", "Walidata", "Data pribadi", "Status"],
        [
            [
                f"RAD.0{n % 9}",
                "Data geospasial tata ruang dan batas wilayah distrik",
                "Terbuka",
                "Geospasial",
                "Dinas PUPR",
                "Diskominfo",
                "Tidak",
                "Pengembangan",
            ]
            for n in range(rows)
        ],
    )


def test_many_columns_whose_names_would_run_down_a_portrait_page_are_landscape() -> None:
    table = _elements(26)
    assert table.landscape
    nama = table_widths(table)[1]
    assert nama >= text_em("Data geospasial tata ruang dan batas wilayah distrik") * EM
    # Upright, the same table leaves Nama a few words a line: twice as many lines or more.
    portrait = column_widths(table.columns, TEXT_W_PORTRAIT)
    assert portrait[1] < nama / 2


def test_a_table_whose_names_are_squeezed_by_a_long_list_is_landscape() -> None:
    # Like the Arsitektur's security elements: six columns, one of them long lists of objects,
    # and long words elsewhere ("Standar/Prosedur/Regulasi") leaving the names a few em upright.
    objects = "; ".join(f"Data kependudukan dan layanan nomor {n}" for n in range(8))
    header = ["Kode", "Nama", "Jenis", "Penanggung jawab", "Objek", "Status"]
    rows = [
        [f"RAK.0{n}", "Kebijakan dan prosedur manajemen keamanan informasi",
         "Standar/Prosedur/Regulasi", "Diskominfo", objects, "Pengembangan"]
        for n in range(10)
    ]  # fmt: skip
    table = _table(header, rows)
    assert table.landscape
    upright = column_widths(table.columns, TEXT_W_PORTRAIT)[1]
    assert table_widths(table)[1] > 1.5 * upright
    # One row of it (13 lines) fits upright: short tables are not worth turning the page for.
    assert not _table(header, rows[:1]).landscape
    # Nor a table of one long text column: landscape would make it only a little shorter.
    assert not _table(["Kode", "Uraian"], [[f"A.{n}", objects] for n in range(30)]).landscape


def test_a_short_table_of_many_columns_stays_upright() -> None:
    assert not _elements(3).landscape
    assert not needs_landscape(_elements(3).columns, _elements(3).rows)


def test_keep_together_counts_lines_in_the_shared_widths() -> None:
    programs = "; ".join(f"Program Layanan Digital {n}" for n in range(5))
    table = _table(
        ["Regulasi", "Tentang", "Status", "Program"],
        [[f"Perpres {n}", "Sistem Pemerintahan", "Berlaku", programs] for n in range(5)],
    )
    widths = table_widths(table)
    assert keep_together(table) == keep_together(table, widths)
    # Squeezed to the longest words, the same rows are too tall to keep whole.
    least = [round(c.longest_token * EM) + CELL_PAD for c in table.columns]
    assert keep_together(table, widths)
    assert not keep_together(table, least)
    assert len(table.rows) < KEEP_TOGETHER_LINES


def test_html_print_uses_the_docx_widths() -> None:
    from spbe_cli.render.document import parse_document
    from spbe_cli.render.figures import ScreenSvg
    from spbe_cli.render.to_html import write_html

    rows = "\n".join(
        f"| Perpres {n} | Sistem Pemerintahan | Berlaku | {PROGRAMS if n % 2 else 'Satu'} |"
        for n in range(6)
    )
    source = f"## BAB I\n\n| Regulasi | Tentang | Status | Program |\n|---|---|---|---|\n{rows}\n"
    document = parse_document("uji", source)
    html = write_html(document, lambda _figure: ScreenSvg("", 0)).decode("utf-8")
    table = next(b for b in document.walk() if isinstance(b, Table))
    widths = table_widths(table)
    cols = "".join(f'<col style="--cetak:{w * 100 / sum(widths):.2f}%">' for w in widths)
    assert f"<colgroup>{cols}</colgroup>" in html.replace("\n", "")
    assert "col { width: var(--cetak); }" in html
    assert [plain(c.header) for c in table.columns] == ["Regulasi", "Tentang", "Status", "Program"]


def test_widths_always_fill_the_page_within_their_bounds() -> None:
    import random

    rng = random.Random(12)
    words = ["Data", "RAD.01", "Pengembangan", "dan", "Kabupaten", "Rp 1.000.000", "Ya", "2027"]
    for _ in range(200):
        ncols, nrows = rng.randint(1, 8), rng.randint(1, 30)
        table = _table(
            [f"K{i}" for i in range(ncols)],
            [
                [" ".join(rng.choices(words, k=rng.choice((1, 2, 5, 40)))) for _ in range(ncols)]
                for _ in range(nrows)
            ],
        )
        for text_w in (TEXT_W_PORTRAIT, TEXT_W_LANDSCAPE):
            widths = column_widths(table.columns, text_w)
            assert sum(widths) == text_w
            floors = [round(c.longest_token * EM) + CELL_PAD for c in table.columns]
            if sum(floors) < text_w:
                assert all(w >= f for w, f in zip(widths, floors, strict=True)), (widths, floors)


def test_printed_html_tables_are_set_in_the_metrics_the_widths_are_measured_in() -> None:
    """The widths are measured in Arial's metrics (as DOCX is set): printed HTML tables use a
    font of those metrics first, and a word longer than its column wraps inside it rather than
    run over the next column (DejaVu, the page's font, is about a tenth wider)."""
    from spbe_cli.render.to_html import CSS

    printed = CSS[CSS.index("@media print") :]
    table = printed[printed.index("  table {") :]
    table = table[: table.index("}")]
    assert "table-layout: fixed" in table
    fonts = table[table.index("font-family:") :].split(";")[0]
    assert fonts.split(":")[1].split(",")[0].strip() == "Arial"
    assert '"Liberation Sans"' in fonts
    assert "th, td { overflow-wrap: break-word; }" in printed


def _list_source(items: int, words: int = 4) -> str:
    body = "".join(f"{n}. Bab {n} " + " ".join(["Rencana"] * words) + "\n" for n in range(1, items))
    return f"## BAB I\n\nSistematika dokumen ini sebagai berikut:\n\n{body}\nPenutup.\n"


def test_a_short_list_is_kept_on_one_page_and_a_long_one_breaks() -> None:
    from spbe_cli.render.document import ListBlock, parse_document
    from spbe_cli.render.geometry import KEEP_LIST_LINES, keep_list_together

    def listed(source: str) -> ListBlock:
        return next(b for b in parse_document("uji", source).walk() if isinstance(b, ListBlock))

    assert keep_list_together(listed(_list_source(12)))  # the Peta Rencana's Sistematika: 11
    assert not keep_list_together(listed(_list_source(KEEP_LIST_LINES + 2)))
    # items of two lines each count twice
    assert not keep_list_together(listed(_list_source(KEEP_LIST_LINES // 2 + 2, words=60)))


def test_a_short_list_and_its_lead_are_kept_whole_in_docx_and_html_print() -> None:
    import io
    import re
    import zipfile

    from spbe_cli.render.document import parse_document
    from spbe_cli.render.figures import ScreenSvg
    from spbe_cli.render.to_docx import DocxMeta, write_docx
    from spbe_cli.render.to_html import CSS, write_html

    for items, kept in ((12, True), (40, False)):
        document = parse_document("uji", _list_source(items))
        meta = DocxMeta(title="Uji", author="Mimika")
        docx = write_docx(document, meta, lambda _f: None)  # type: ignore[arg-type,return-value]
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        paragraphs = re.findall(r"<w:p>.*?</w:p>", xml)
        lead = next(i for i, p in enumerate(paragraphs) if "Sistematika dokumen" in p)
        listed = paragraphs[lead + 1 : lead + items]
        assert len(listed) == items - 1 and "Penutup" in paragraphs[lead + items]
        kept_next = ["<w:keepNext/>" in p for p in paragraphs[lead : lead + items]]
        # the lead and every item but the last keep with the next paragraph
        assert kept_next == ([True] * (items - 1) + [False] if kept else [False] * items)
        html = write_html(document, lambda _figure: ScreenSvg("", 0)).decode("utf-8")
        assert ('<ol class="utuh">' in html) is kept
    printed = CSS[CSS.index("@media print") :]
    assert ".tabel.utuh, ol.utuh, ul.utuh { break-inside: avoid; }" in printed
    assert "p:has(+ ol.utuh), p:has(+ ul.utuh) { break-after: avoid; }" in printed
