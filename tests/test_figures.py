"""Figures drawn with matplotlib: deterministic, well-formed, nothing cut, one palette."""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from spbe_cli.render import figures as F
from spbe_cli.render.figures import (
    BarChart,
    Box,
    Chain,
    ChainNode,
    Diagram,
    Edge,
    FigureError,
    Level,
    Measure,
    ProgressChart,
    Series,
    Timeline,
    TimelineRow,
)

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
DIMS = ("governance", "branding", "economy", "living", "society", "environment")
NAMES = tuple(f"Smart {d.capitalize()}" for d in DIMS)
YEARS = (2025, 2026, 2027, 2028, 2029)
LONG = (
    "Penyelenggaraan layanan administrasi kependudukan terintegrasi lintas distrik dan kampung "
    "di seluruh wilayah Kabupaten"
)
TRICKY = 'Aplikasi <b>"E-Kinerja"</b> & $x^2$ 50% {{ raw }}'


def specs() -> dict[str, F.FigureSpec]:
    """One spec of every kind, with long, escaped and math-looking labels."""
    return {
        "dimensi": BarChart(
            "Anggaran program per dimensi",
            NAMES,
            (Series("Anggaran", (12_500_000_000, 3_000_000_000, 7_250_000_000, 0, 9 * 10**8, 10)),),
            category_colour_keys=DIMS,
        ),
        "tahun": BarChart(
            "Anggaran per tahun",
            tuple(str(y) for y in YEARS),
            (Series("Anggaran", (10**9, 2 * 10**9, 3 * 10**9, 0, 5 * 10**8)),),
            horizontal=False,
        ),
        "dimensi_tahun": BarChart(
            "Anggaran per dimensi dan tahun",
            tuple(str(y) for y in YEARS),
            tuple(
                Series(n, (10**9 * (i + 1), 2 * 10**9, 0, 10**8, 5 * 10**8), k)
                for i, (n, k) in enumerate(zip(NAMES, DIMS, strict=True))
            ),
            stacked=True,
            horizontal=False,
        ),
        "sumber": BarChart(
            "Anggaran per muatan dan sumber",
            (LONG, TRICKY, "Infrastruktur"),
            (Series("APBD", (10**9, 2 * 10**9, 0)), Series("APBN", (5 * 10**8, 0, 10**9))),
        ),
        "jumlah": BarChart(
            "Jumlah aplikasi per OPD",
            ("Diskominfo", "Bappeda"),
            (Series("Aplikasi", (1250, 7)),),
            value_format="number",
        ),
        "linimasa": Timeline(
            "Peta jalan program smart city",
            tuple(
                TimelineRow(
                    f"{LONG} {i}" if i % 2 else f"Program {i}",
                    2025 + i % 3,
                    2026 + i % 3,
                    DIMS[i % 6],
                    group=NAMES[i % 6],
                    marker="QW" if i % 4 == 0 else "",
                )
                for i in range(12)
            ),
            YEARS,
            tuple(zip(DIMS, NAMES, strict=True)),
        ),
        "rantai": Chain(
            "Rantai domain Arsitektur SPBE",
            (
                ChainNode("Proses Bisnis", "12 elemen", "proses_bisnis"),
                ChainNode("Data dan Informasi", "30 elemen", "data_informasi"),
                ChainNode("Layanan SPBE", "8 elemen", "layanan"),
                ChainNode("Aplikasi SPBE", "21 elemen", "aplikasi"),
                ChainNode("Infrastruktur SPBE", "9 elemen", "infrastruktur"),
                ChainNode("Keamanan SPBE", "4 elemen", "keamanan"),
            ),
            ("15 tautan", "22 tautan", "9 tautan", "1.040 tautan", "12 tautan"),
        ),
        "diagram": Diagram(
            "Layanan dan aplikasinya",
            (
                Level(
                    "Layanan SPBE",
                    tuple(
                        Box(f"l{i}", f"Layanan {LONG[:40]} {i}", "Disdukcapil") for i in range(5)
                    ),
                    "layanan",
                ),
                Level("Aplikasi SPBE", (Box("a0", TRICKY), Box("a1", "SRIKANDI")), "aplikasi"),
            ),
            (Edge("l0", "a0"), Edge("l4", "a1"), Edge("a0", "a1")),
        ),
        "progres": ProgressChart(
            "Capaian dan serapan per OPD",
            ("Diskominfo", "Badan Perencanaan Pembangunan Daerah"),
            (
                Measure("Capaian", (Decimal("0.755"), None)),
                Measure("Serapan", (Decimal("1.2"), Decimal(0))),
            ),
        ),
    }


def _digests() -> dict[str, list[str]]:
    result = {}
    for name, spec in specs().items():
        fig = F.render_figure(spec)
        result[name] = [
            hashlib.sha256(fig.svg.encode()).hexdigest(),
            hashlib.sha256(fig.png).hexdigest(),
        ]
    return result


def _python(code: str, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter at the repository root; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def rendered() -> dict[str, F.RenderedFigure]:
    return {name: F.render_figure(spec) for name, spec in specs().items()}


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def _labels(spec: F.FigureSpec) -> list[str]:
    if isinstance(spec, BarChart):
        return [*spec.categories, *(s.label for s in spec.series if len(spec.series) > 1)]
    if isinstance(spec, Timeline):
        return [*(r.label for r in spec.rows), *(label for _k, label in spec.legend)]
    if isinstance(spec, Chain):
        return [*(n.label for n in spec.nodes), *(n.detail for n in spec.nodes), *spec.links]
    if isinstance(spec, Diagram):
        return [
            *(level.label for level in spec.levels),
            *(b.label for level in spec.levels for b in level.boxes),
            *(b.detail for level in spec.levels for b in level.boxes if b.detail),
        ]
    return [*spec.categories, *(m.label for m in spec.measures)]


def test_same_spec_gives_identical_bytes(rendered: dict[str, F.RenderedFigure]) -> None:
    again = {name: F.render_figure(spec) for name, spec in specs().items()}
    for name, fig in rendered.items():
        assert again[name] == fig, name
        assert F.draw_svg(specs()[name]) == fig.svg
        assert F.draw_png(specs()[name]) == fig.png


def test_identical_bytes_in_another_process_locale_and_time_zone() -> None:
    env = {
        **os.environ,
        "LANG": "en_US.UTF-8",
        "LC_ALL": "C",
        "SPBE_LANG": "en",
        "TZ": "Pacific/Kiritimati",
        "PYTHONHASHSEED": "12345",
    }
    code = "import json; from tests.test_figures import _digests; print(json.dumps(_digests()))"
    assert json.loads(_python(code, env)) == _digests()


def test_svg_is_inline_ready(rendered: dict[str, F.RenderedFigure]) -> None:
    for name, fig in rendered.items():
        svg = fig.svg
        assert svg.startswith("<svg "), name
        for banned in ("<?xml", "<!DOCTYPE", "<metadata", "<style", "<script", "Matplotlib"):
            assert banned not in svg, (name, banned)
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.get("width") == "100%"
        assert root.get("aria-label") == specs()[name].title
        view = [float(v) for v in (root.get("viewBox") or "").split()]
        assert view[:2] == [0, 0]
        assert view[2] == pytest.approx(fig.width_cm / 2.54 * 72, abs=0.5)
        assert view[3] == pytest.approx(fig.height_cm / 2.54 * 72, abs=0.5)
        assert "max-width:" in (root.get("style") or "")
        title = root[0]
        assert (title.tag, title.text) == (f"{SVG}title", specs()[name].title)
        # No id of matplotlib's own (figure_1, patch_2) that would repeat across a page.
        assert not any(el.get("id") for el in root.iter() if not el.tag.endswith("clipPath"))


def test_text_stays_text_in_the_bundled_font_with_fallbacks(
    rendered: dict[str, F.RenderedFigure],
) -> None:
    import matplotlib

    svg = rendered["dimensi"].svg
    assert "font-family: 'DejaVu Sans', 'Noto Sans', 'Arial', 'Helvetica', sans-serif" in svg
    assert "<path" in svg and "Smart Governance</text>" in svg
    data = str(Path(matplotlib.get_data_path()))
    text = F._text()
    assert text.regular.startswith(data) and text.bold.startswith(data)


def test_every_label_is_shown_whole_or_wrapped(rendered: dict[str, F.RenderedFigure]) -> None:
    for name, spec in specs().items():
        flowing = " ".join(_texts(rendered[name].svg))
        for label in _labels(spec):
            assert " ".join(label.split()) in flowing, (name, label)
        assert "…" not in flowing


def test_a_word_wider_than_its_column_breaks_but_keeps_every_character() -> None:
    word = "Sistem" + "Informasi" * 12
    fig = F.render_figure(BarChart("t", (word,), (Series("a", (1,)),)))
    assert word in "".join(_texts(fig.svg))


def test_a_character_missing_from_the_font_is_kept_in_the_svg_without_a_warning() -> None:
    label = "Kantor 札幌 ✓ 🙂"  # pytest turns any warning into an error here
    fig = F.render_figure(BarChart("t", (label,), (Series("s", (1,)),)))
    assert label in _texts(fig.svg)
    assert fig.png.startswith(b"\x89PNG")


def test_text_is_escaped_and_no_math_is_parsed(rendered: dict[str, F.RenderedFigure]) -> None:
    svg = rendered["sumber"].svg
    assert "&lt;b&gt;" in svg and "&amp;" in svg and "<b>" not in svg
    assert TRICKY in " ".join(_texts(svg))
    fig = F.render_figure(BarChart('A <x> & "y"', ("a",), (Series("s", (1,)),)))
    root = ET.fromstring(fig.svg)
    assert root.get("aria-label") == 'A <x> & "y"'


def test_values_are_formatted_the_indonesian_way(rendered: dict[str, F.RenderedFigure]) -> None:
    shown = _texts(rendered["dimensi"].svg)
    # amounts of one unit in one chart show the same decimals (12,50 beside 7,25, not 12,5)
    assert {"Rp 12,50 M", "Rp 7,25 M", "Rp 900 jt", "Rp 10", "Rp 0"} <= set(shown)
    assert "Rp 12,5 M" not in shown
    assert {"1.250", "7"} <= set(_texts(rendered["jumlah"].svg))
    progress = _texts(rendered["progres"].svg)
    assert {"75,5%", "120,0%", "0,0%", "-", "100%"} <= set(progress)
    assert {"Rp 21 M", "Rp 12 M", "Rp 0"} <= set(_texts(rendered["dimensi_tahun"].svg))


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def test_png_is_a_print_resolution_image_of_the_stated_size(
    rendered: dict[str, F.RenderedFigure],
) -> None:
    from PIL import Image

    for name, fig in rendered.items():
        width, height = _png_size(fig.png)
        assert width == pytest.approx(fig.width_cm / 2.54 * F.DEFAULT_DPI, abs=2), name
        assert height == pytest.approx(fig.height_cm / 2.54 * F.DEFAULT_DPI, abs=2), name
        assert fig.width_cm <= F.PRINT_WIDTH_CM
        with Image.open(io.BytesIO(fig.png)) as image:
            image.load()
            assert image.size == (width, height)
            assert "Software" not in image.info
    assert _png_size(F.draw_png(specs()["rantai"], dpi=100))[0] == pytest.approx(
        rendered["rantai"].width_cm / 2.54 * 100, abs=2
    )


def test_one_colour_per_dimension_in_every_figure() -> None:
    env = "#009e73"  # Okabe–Ito bluish green: Smart Environment everywhere
    others = {c.lower() for k, c in F.DIMENSION_COLOURS.items() if k != "environment"}
    figures = [
        BarChart("a", ("Smart Environment",), (Series("x", (5,)),), category_colour_keys=DIMS[5:]),
        BarChart("b", ("2025",), (Series("Smart Environment", (5,), "environment"),)),
        BarChart(
            "c",
            ("2025",),
            (Series("Smart Living", (1,), "living"), Series("Env", (5,), "environment")),
            stacked=True,
            horizontal=False,
        ),
        Timeline("d", (TimelineRow("p", 2025, 2026, "environment"),), (2025, 2026)),
        ProgressChart("e", ("Smart Environment",), (Measure("Capaian", (0.5,), "environment"),)),
        Chain("f", (ChainNode("Smart Environment", colour_key="environment"),)),
        Diagram("g", (Level("x", (Box("k", "Smart Environment"),), "environment"),)),
    ]
    for spec in figures:
        svg = F.draw_svg(spec)
        assert env in svg, spec.title
        expected = {"#56b4e9"} if spec.title == "c" else set()  # Smart Living's sky blue
        assert {c for c in others if c in svg} == expected, spec.title
    assert F.colour("environment") == "#009E73"
    assert "--warna-environment: #009E73;" in F.palette_css()
    assert "--warna-keamanan: #D55E00;" in F.palette_css()


def test_other_keys_never_take_a_fixed_colour_of_the_same_figure() -> None:
    chosen = F._assign_colours(["APBD", "governance", None, "APBN"])
    assert chosen["governance"] == F.DIMENSION_COLOURS["governance"]
    assert len(set(chosen.values())) == 4
    assert F._assign_colours(["APBD", "APBN"]) == F._assign_colours(["APBD", "APBN"])


def _national(rows: int) -> Timeline:
    return Timeline(
        "Peta jalan nasional",
        tuple(
            TimelineRow(
                f"Program {n}: {LONG if n % 3 == 0 else 'pendek'}",
                2025 + n % 5,
                2029,
                DIMS[n % 6],
                group=NAMES[n % 6],
            )
            for n in range(rows)
        ),
        YEARS,
        tuple(zip(DIMS, NAMES, strict=True)),
    )


def test_a_timeline_of_300_rows_is_split_into_figures_that_fit_a_page() -> None:
    spec = _national(300)
    with pytest.raises(FigureError, match="paginate"):
        F.render_figure(spec)
    parts = F.paginate(spec)
    assert all(isinstance(p, Timeline) for p in parts)
    timelines = [p for p in parts if isinstance(p, Timeline)]
    assert all(len(p.rows) <= F.MAX_TIMELINE_ROWS for p in timelines)
    # Every row once, grouped by dimension in the order of the rows.
    by_group = [r for name in NAMES for r in spec.rows if r.group == name]
    assert [r for p in timelines for r in p.rows] == by_group
    # Smart Governance's rows have four-line labels: five parts by height; Smart Branding's
    # one-line labels: two parts (34 rows fill the height).
    titles = [p.title for p in timelines]
    assert titles[:7] == [
        *(f"Peta jalan nasional — Smart Governance ({k}/5)" for k in range(1, 6)),
        "Peta jalan nasional — Smart Branding (1/2)",
        "Peta jalan nasional — Smart Branding (2/2)",
    ]
    assert [len(p.rows) for p in timelines[5:7]] == [34, 16]
    assert timelines[0].legend == (("governance", "Smart Governance"),)
    for part in timelines:
        height_cm = F.draw(part).get_size_inches()[1] * 2.54
        assert height_cm <= 24.7, part.title  # the text height of an A4 page


def test_a_short_timeline_and_other_figures_are_not_split() -> None:
    spec = _national(10)
    assert F.paginate(spec) == (spec,)
    chain = specs()["rantai"]
    assert F.paginate(chain) == (chain,)


def test_columns_that_do_not_fit_become_horizontal_bars() -> None:
    categories = tuple(f"Organisasi Perangkat Daerah {n}" for n in range(12))
    values = (Series("Anggaran", tuple(range(1, 13))),)
    columns = F.draw_png(BarChart("t", categories, values, horizontal=False))
    assert columns == F.draw_png(BarChart("t", categories, values))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (BarChart("t", ("a", "b"), (Series("s", (1,)),)), "1 values for 2 categories"),
        (
            BarChart("t", ("a",), (Series("s", (1,)),), category_colour_keys=("x", "y")),
            "one key per category",
        ),
        (Timeline("t", (TimelineRow("p", 2025, 2026),), ()), "no years"),
        (Chain("t", (ChainNode("a"), ChainNode("b")), ("x", "y")), "one link label"),
        (Diagram("t", (Level("x", (Box("k", "a"), Box("k", "b"))),)), "unique"),
        (Diagram("t", (Level("x", (Box("k", "a"),)),), (Edge("k", "z"),)), "k -> z"),
        (ProgressChart("t", ("a",), (Measure("m", ()),)), "0 values for 1 categories"),
    ],
)
def test_inconsistent_specs_are_refused(spec: F.FigureSpec, message: str) -> None:
    with pytest.raises(FigureError, match=message):
        F.render_figure(spec)


@pytest.mark.parametrize(
    "spec",
    [
        BarChart("kosong", (), ()),
        BarChart("kosong", ("a",), ()),
        Timeline("kosong", (), YEARS),
        Chain("kosong", ()),
        Diagram("kosong", (Level("x", ()),)),
        ProgressChart("kosong", (), (Measure("m", ()),)),
    ],
)
def test_an_empty_figure_is_refused_so_the_caller_leaves_it_out(spec: F.FigureSpec) -> None:
    with pytest.raises(FigureError, match="'kosong': nothing to draw"):
        F.render_figure(spec)


def test_not_a_spec_is_refused() -> None:
    with pytest.raises(FigureError, match="not a figure spec: str"):
        F.draw("chart")  # type: ignore[arg-type]


def test_validate_and_importing_the_module_do_not_load_matplotlib() -> None:
    code = (
        "import sys\n"
        "import spbe_cli.render.figures\n"
        "from typer.testing import CliRunner\n"
        "from spbe_cli.cli.app import app\n"
        "result = CliRunner().invoke(app, ['validate', 'catalog'])\n"
        "print(result.exit_code, 'matplotlib' in sys.modules)\n"
    )
    exit_code, loaded = _python(code).split()
    assert exit_code in {"0", "1"}
    assert loaded == "False"


def test_png_is_opaque_rgb_with_the_pixels_matplotlib_draws(
    rendered: dict[str, F.RenderedFigure],
) -> None:
    """The PNG drops only the alpha channel (always opaque) of what Agg draws at that dpi."""
    import matplotlib
    import numpy as np
    from PIL import Image

    for name, spec in specs().items():
        fig = F.draw(spec)
        saved = io.BytesIO()
        with matplotlib.rc_context({**F._rc(spec), "text.hinting": F._PNG_HINTING}):
            fig.savefig(saved, format="png", dpi=F.DEFAULT_DPI, facecolor="#FFFFFF")
        with Image.open(saved) as drawn, Image.open(io.BytesIO(rendered[name].png)) as png:
            assert png.mode == "RGB", name
            assert png.info["dpi"] == pytest.approx((F.DEFAULT_DPI, F.DEFAULT_DPI), abs=0.01)
            assert png.info.keys() == {"dpi"}, name  # no software, date or other text chunk
            rgba = np.asarray(drawn.convert("RGBA"))
            assert (rgba[..., 3] == 255).all(), name
            assert np.array_equal(rgba[..., :3], np.asarray(png)), name


def test_docx_holds_each_figure_png_as_drawn(rendered: dict[str, F.RenderedFigure]) -> None:
    """The images go into the package once, as drawn, and the same document gives the same bytes."""
    import zipfile

    from spbe_cli.render.document import parse_document
    from spbe_cli.render.to_docx import DocxMeta, Picture, write_docx

    names = ["dimensi", "rantai"]
    source = "# Judul\n\n" + "".join(f"~~~spbe-gambar {n}\nGambar {n}\n~~~\n\n" for n in names)
    document = parse_document("uji", source, {n: specs()[n] for n in names})

    def picture(figure: Any) -> Picture:
        drawn = F.render_figure(figure.spec)
        return Picture(drawn.png, drawn.width_cm, drawn.height_cm)

    first = write_docx(document, DocxMeta(title="Uji", author="Kabupaten Mimika"), picture)
    again = write_docx(document, DocxMeta(title="Uji", author="Kabupaten Mimika"), picture)
    assert first == again
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        media = {n: archive.read(n) for n in archive.namelist() if n.startswith("word/media/")}
        assert archive.testzip() is None
    assert sorted(media.values()) == sorted(rendered[n].png for n in names)


def test_drawing_leaves_matplotlib_3d_toolkit_unimported_yet_importable() -> None:
    out = _python(
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "from spbe_cli.render import figures as F\n"
        "F.preload()\n"
        "F.draw_png(F.BarChart('t', ('a',), (F.Series('s', (1,)),)))\n"
        "print('mpl_toolkits.mplot3d' in sys.modules)\n"
        "import mpl_toolkits.mplot3d\n"
        "print(mpl_toolkits.mplot3d.Axes3D.__name__)\n"
    )
    assert out.split() == ["False", "Axes3D"]


def test_a_rendered_figure_carries_the_min_width_its_svg_is_written_with() -> None:
    """The narrowest a chart is shown travels with the drawn figure, as its SVG root says.

    HTML read it back out of the SVG markup with a regular expression before.
    """
    import re

    from spbe_cli.render.pipeline import FigureBook, _draw_plain

    for spec in (
        ProgressChart("e", ("Smart Environment",), (Measure("Capaian", (0.5,), "environment"),)),
        Timeline("d", (TimelineRow("p", 2025, 2026, "environment"),), (2025, 2026)),
    ):
        for png in (True, False):
            drawn = F.render_figure(spec, png=png)
            written = re.search(r'<svg [^>]*style="max-width:\d+px;min-width:(\d+)px"', drawn.svg)
            assert written is not None
            assert drawn.screen_min_px == int(written.group(1)) > 0
            assert drawn.screen == (drawn.svg, drawn.screen_min_px)
            assert (drawn.png != b"") is png
        # As a forked child sends it back, and as the book hands it to HTML.
        assert _draw_plain([spec], False)[0][4] == drawn.screen_min_px
        book = FigureBook(png=False, workers=False)
        figure = types.SimpleNamespace(spec=spec)
        assert book.screen_svg(figure) == drawn.screen  # type: ignore[arg-type]


def test_html_tells_a_phone_reader_to_scroll_a_chart_wider_than_the_screen() -> None:
    """A chart cut at a 390 px screen's edge reads as bars ending there: a line says to scroll.

    Only for a chart whose narrowest is wider than the phone's text column, and only on a
    phone's screen (the stylesheet); never in print.
    """
    from spbe_cli.render.document import KOSAKATA, parse_document
    from spbe_cli.render.to_html import CSS, PHONE_TEXT_WIDTH_PX, write_html

    source = "# Uji\n\n~~~spbe-gambar g\nGrafik uji\n~~~\n"
    hint = f'<p class="geser">{KOSAKATA["geser_gambar"]}</p>'

    def html(min_width: int) -> str:
        svg = '<svg class="chart"></svg>'  # the width comes with the figure, not its markup
        document = parse_document("uji", source, figures={"g": object()})
        return write_html(document, lambda _figure: F.ScreenSvg(svg, min_width)).decode("utf-8")

    wide, narrow = html(PHONE_TEXT_WIDTH_PX + 1), html(PHONE_TEXT_WIDTH_PX)
    assert hint in wide and "</div>" + hint + "<figcaption>" in wide
    assert "geser" not in narrow.split("</style>", 1)[1]
    assert ".geser { display: none; }" in CSS
    phone = CSS.split("@media screen and (max-width: 480px) {", 1)[1].split("}\n}", 1)[0]
    assert ".geser { display: block;" in phone
