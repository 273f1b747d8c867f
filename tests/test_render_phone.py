"""HTML on a phone: a table or chart wider than the screen says so; a keyboard can scroll it."""

from __future__ import annotations

from spbe_cli.render import figures as F
from spbe_cli.render.document import KOSAKATA, parse_document
from spbe_cli.render.to_html import CSS, PHONE_TEXT_WIDTH_PX, phone_width_px, write_html

TABLE_HINT = f'<p class="geser">{KOSAKATA["geser_tabel"]}</p>'


def _html(source: str) -> str:
    document = parse_document("uji", source, figures={"g": object()})
    screen = F.ScreenSvg('<svg class="chart"></svg>', PHONE_TEXT_WIDTH_PX + 40)
    body = write_html(document, lambda _figure: screen).decode("utf-8")
    return body.split("</style>", 1)[1]


def _table(header: str, row: str) -> str:
    columns = header.count("|") - 1
    return (
        "## BAB I UJI\n\n~~~spbe-tabel\nAnggaran per tahun\n\n"
        f"{header}\n|{'---|' * columns}\n{row}\n~~~\n"
    )


WIDE = _table(
    "| Program | 2025 | 2026 | 2027 | 2028 | 2029 |",
    "| Satu Data | Rp 1.500.000.000 | Rp 1.500.000.000 | Rp 1.500.000.000 "
    "| Rp 1.500.000.000 | Rp 1.500.000.000 |",
)
NARROW = _table("| Dimensi | Jumlah |", "| Smart Governance | 11 |")


def test_a_table_wider_than_a_phone_says_to_scroll_and_is_a_named_reachable_region() -> None:
    html = _html(WIDE)
    # the scroll box is a region a keyboard can focus (and scroll with the arrow keys), named
    # by its caption; the line comes first in it (seen before the cut-off columns)
    assert (
        '<div class="tabel utuh" role="region" tabindex="0" '
        'aria-label="Tabel 1.1. Anggaran per tahun">' + TABLE_HINT + "<table>"
    ) in html


def test_a_table_that_fits_a_phone_has_no_hint_and_no_tab_stop() -> None:
    html = _html(NARROW)
    assert '<div class="tabel utuh"><table>' in html
    assert "geser" not in html and "tabindex" not in html


def test_the_hint_shows_on_a_phone_screen_only_never_in_print() -> None:
    assert ".geser { display: none; }" in CSS
    phone = CSS.split("@media screen and (max-width: 480px) {", 1)[1].split("}\n}", 1)[0]
    assert ".geser { display: block;" in phone
    printed = CSS.split("@media print {", 1)[1]
    assert ".geser" not in printed  # print keeps display: none


def test_the_estimate_counts_unbroken_amounts_and_the_least_text_column() -> None:
    wide = parse_document("uji", WIDE).walk()
    narrow = parse_document("uji", NARROW).walk()
    from spbe_cli.render.document import Table

    (wide_table,) = [b for b in wide if isinstance(b, Table)]
    (narrow_table,) = [b for b in narrow if isinstance(b, Table)]
    assert phone_width_px(wide_table) > 2 * PHONE_TEXT_WIDTH_PX
    assert phone_width_px(narrow_table) < PHONE_TEXT_WIDTH_PX


def test_a_wide_chart_is_a_named_reachable_region_too() -> None:
    html = _html("## BAB I UJI\n\n~~~spbe-gambar g\nGrafik uji\n~~~\n")
    assert (
        '<figure><div class="gambar-gulir" role="region" tabindex="0" '
        'aria-label="Gambar 1.1. Grafik uji">'
    ) in html


def test_the_caption_of_a_wide_table_wraps_at_the_phone_screen_edge() -> None:
    # it is inside the table: on a phone it ran on past the screen's edge with the columns
    phone = CSS.split("@media screen and (max-width: 600px) {", 1)[1].split("\n}", 1)[0]
    assert ".tabel caption { position: sticky; left: 0; max-width: calc(100vw - 24px); }" in phone
