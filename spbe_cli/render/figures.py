"""Every chart and diagram of the documents, drawn once with matplotlib: SVG for HTML, PNG for DOCX.

A figure is described by a plain, frozen spec (:class:`BarChart`, :class:`Timeline`,
:class:`Chain`, :class:`Diagram`, :class:`ProgressChart`) that holds the labels readers see
(names, never ids: the caller looks them up) and the numbers. Nothing here reads the catalog.

Integration guide
-----------------
* Build the specs in the document builders (``spbe_cli/render/documents/*.py``) from the same
  values the tables use, e.g. the budget per dimension::

      spec = BarChart(
          title="Anggaran program per dimensi",
          categories=tuple(d.nama for d in dimensi),
          series=(Series("Anggaran", tuple(d.total for d in dimensi)),),
          category_colour_keys=tuple(d.kode for d in dimensi),
      )

* Call :func:`render_figure` once per spec: it lays the figure out and draws it once, then writes
  both formats from the same matplotlib ``Figure``. The result carries ``svg`` (text), ``png``
  (bytes) and the print size in centimetres. Pass every timeline through :func:`paginate` first:
  one that does not fit a page (more than :data:`MAX_TIMELINE_ROWS` rows, or rows higher than
  :data:`MAX_TIMELINE_BODY_PT`) comes back as one figure per group, then page-sized parts whose
  titles end in ``(k/n)``, each with its own caption; :func:`render_figure` refuses it
  otherwise, and refuses an empty spec (no categories, rows, nodes or boxes): leave that figure
  out, as the templates do today. Both refusals raise :class:`FigureError`, a bug in the
  caller, never a problem of the catalog.
* HTML: insert ``RenderedFigure.svg`` as it is (``Markup``): it has no XML prologue, no script
  and no external reference; every text from the spec is escaped by matplotlib's SVG writer and
  stays text (searchable, read by screen readers, fonts fall back to the browser's sans-serif).
  The root element has ``role="img"``, a ``<title>``, a ``viewBox``, ``width="100%"`` and an
  inline ``max-width`` (its natural size) and ``min-width`` (the width below which its smallest
  text would fall under 11 px). Put it in a horizontally scrolling container so that a 390 px
  phone scrolls the wide charts instead of shrinking them::

      <figure><div class="figure-scroll" style="overflow-x:auto">{{ fig.svg }}</div>
      <figcaption>Gambar 3. ...</figcaption></figure>

  The inline ``max-width`` wins over the stylesheet's ``svg.chart { max-width: 100% }``, and
  ``height`` is left to the ``viewBox`` (``height: auto``).

  The title is not drawn inside the figure: the document's caption says it.
  :func:`palette_css` gives the same colours as CSS custom properties for HTML legends.
  Specs are frozen and hashable: a figure that two documents share can be memoised on its spec.
  For one format only, :func:`draw_svg` or :func:`draw_png` skips the other.
* DOCX (python-docx)::

      document.add_picture(BytesIO(fig.png), width=Cm(fig.width_cm))

  The PNG is drawn at ``dpi`` (200 by default) and ``width_cm`` is its print width (16 cm at
  most, the text width of an A4 page with 2.5 cm margins), so its text prints at 9 pt or more.

Determinism: the figure is laid out from measured text extents of the DejaVu Sans files that the
matplotlib wheel ships (never a system copy), with local rcParams (``rc_context``), no pyplot
state, the Agg canvas, a fixed ``svg.hashsalt`` derived from the spec, and no date or software
metadata; so the same spec gives byte-identical SVG and PNG on any machine, locale and time zone
with the same matplotlib version. matplotlib is imported only inside the drawing functions, so
``spbe validate`` never loads it; its first import builds a font cache in matplotlib's own cache
folder (``MPLCONFIGDIR``, else the user's cache folder), never in the catalog or the output.

Labels are never cut: long labels wrap at word boundaries (a single word wider than the column
breaks at characters) and the figure grows to hold them.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from spbe_cli.formatting import KOSONG, angka, percent, rupiah_short_labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

# -- palette ----------------------------------------------------------------------------------

#: The Okabe–Ito colours (colour-blind safe), in the order other keys receive them.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

#: One colour per smart city dimension (the ``dimensi`` codes of the catalog).
DIMENSION_COLOURS = {
    "governance": "#0072B2",
    "branding": "#CC79A7",
    "economy": "#E69F00",
    "living": "#56B4E9",
    "society": "#D55E00",
    "environment": "#009E73",
}

#: One colour per architecture domain (the entity kinds of the Arsitektur SPBE).
DOMAIN_COLOURS = {
    "proses_bisnis": "#0072B2",
    "layanan": "#009E73",
    "aplikasi": "#CC79A7",
    "data_informasi": "#E69F00",
    "infrastruktur": "#56B4E9",
    "keamanan": "#D55E00",
}

#: Every fixed colour, by key; the two families never share a figure, so they may share hues.
PALETTE = {**DIMENSION_COLOURS, **DOMAIN_COLOURS}

_INK = "#222222"
_MUTED = "#555555"
_RULE = "#BBBBBB"
_BAND = "#F2F4F6"


def colour(key: str | None) -> str | None:
    """The fixed colour of a dimension or domain code, None for any other key."""
    return PALETTE.get(key) if key is not None else None


def _ink_on(fill: str) -> str:
    """White or near-black text, whichever reads better on ``fill`` (WCAG relative luminance)."""
    channels = [int(fill[n : n + 2], 16) / 255 for n in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#FFFFFF" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else _INK


def palette_css(prefix: str = "--warna-") -> str:
    """The palette as CSS custom properties (``--warna-governance: #0072B2;``) for HTML legends."""
    return "".join(f"{prefix}{key}: {value};" for key, value in PALETTE.items())


def _assign_colours(keys: Sequence[str | None]) -> dict[str | None, str]:
    """Colours for the keys of one figure: fixed ones first, others from the unused cycle."""
    chosen: dict[str | None, str] = {}
    for key in keys:
        fixed = colour(key)
        if fixed is not None:
            chosen[key] = fixed
    used = set(chosen.values())
    spare = [c for c in OKABE_ITO if c not in used] or list(OKABE_ITO)
    n = 0
    for key in keys:
        if key not in chosen:
            chosen[key] = spare[n % len(spare)]
            n += 1
    return chosen


# -- specs ------------------------------------------------------------------------------------

ValueFormat = Literal["rupiah", "number", "percent"]
Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    """One row of values of a bar chart (one value per category)."""

    label: str
    values: tuple[Number, ...]
    colour_key: str | None = None


@dataclass(frozen=True)
class BarChart:
    """Bars per category; several series are grouped side by side, or stacked.

    ``category_colour_keys`` (one per category) colours a single series per category, e.g. the
    budget per dimension with each bar in its dimension's colour. ``horizontal=False`` draws
    columns (for short categories such as years); columns whose labels do not fit turn into
    horizontal bars. Values show as ``rupiah`` (``Rp 1,25 M``), ``number`` (``1.250``) or
    ``percent`` (fractions: 0.755 shows as ``75,5%``).
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_format: ValueFormat = "rupiah"
    stacked: bool = False
    horizontal: bool = True
    category_colour_keys: tuple[str | None, ...] = ()


def per_year(title: str, amounts: Sequence[tuple[int, Any]]) -> BarChart:
    """Columns of a budget per year (``amounts``: year and figure, a figure's ``total`` drawn)."""
    return BarChart(
        title=title,
        categories=tuple(str(year) for year, _ in amounts),
        series=(Series("Anggaran", tuple(amount.total for _, amount in amounts)),),
        horizontal=False,
    )


@dataclass(frozen=True)
class TimelineRow:
    """One bar of a timeline: a program or item from its first to its last year."""

    label: str
    start_year: int
    end_year: int
    colour_key: str | None = None
    group: str = ""
    marker: str = ""


@dataclass(frozen=True)
class Timeline:
    """A year timeline (Gantt); ``legend`` pairs a colour key with the label readers see."""

    title: str
    rows: tuple[TimelineRow, ...]
    years: tuple[int, ...]
    legend: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChainNode:
    """One step of a chain: a label and a detail line (a count, say)."""

    label: str
    detail: str = ""
    colour_key: str | None = None


@dataclass(frozen=True)
class Chain:
    """A top-to-bottom chain of steps; ``links[i]`` labels the arrow after ``nodes[i]``."""

    title: str
    nodes: tuple[ChainNode, ...]
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Box:
    """One box of a diagram; ``key`` is what edges refer to (never shown)."""

    key: str
    label: str
    detail: str = ""
    colour_key: str | None = None


@dataclass(frozen=True)
class Level:
    """One band of a diagram (a domain, a layer, an OPD) holding its boxes."""

    label: str
    boxes: tuple[Box, ...]
    colour_key: str | None = None


@dataclass(frozen=True)
class Edge:
    """An arrow from one box to another, by box key."""

    source: str
    target: str


@dataclass(frozen=True)
class Diagram:
    """Boxes in bands, top to bottom, with arrows between them."""

    title: str
    levels: tuple[Level, ...]
    edges: tuple[Edge, ...] = ()


@dataclass(frozen=True)
class Measure:
    """One measure of a progress chart: a share of the target per category, None if unknown."""

    label: str
    values: tuple[Number | None, ...]
    colour_key: str | None = None


@dataclass(frozen=True)
class ProgressChart:
    """Realisation against target per category (OPD, dimension): 1 means 100% of the target."""

    title: str
    categories: tuple[str, ...]
    measures: tuple[Measure, ...]


FigureSpec = BarChart | Timeline | Chain | Diagram | ProgressChart


class ScreenSvg(NamedTuple):
    """A figure's inline SVG, and the narrowest it is shown on screen (CSS pixels).

    A screen narrower than ``min_width_px`` scrolls the figure sideways (see the module's notes
    on HTML): carried beside the markup, as drawn, never read back out of it.
    """

    markup: str
    min_width_px: int


@dataclass(frozen=True)
class RenderedFigure:
    """One figure in both formats, with its print size and its narrowest on screen."""

    svg: str
    png: bytes
    width_cm: float
    height_cm: float
    #: The ``min-width`` (CSS pixels) the inline SVG's root element is written with.
    screen_min_px: int = 0

    @property
    def screen(self) -> ScreenSvg:
        """The inline SVG with the narrowest it is shown on screen."""
        return ScreenSvg(self.svg, self.screen_min_px)


# -- layout constants (points) ----------------------------------------------------------------

PRINT_WIDTH_CM = 16.0
"""Widest figure: the text width of an A4 page with 2.5 cm margins."""
MAX_TIMELINE_ROWS = 40
"""Rows of one timeline figure; :func:`paginate` splits longer ones."""
MAX_TIMELINE_BODY_PT = 560.0
"""Height of the rows of one timeline figure (about 20 cm): with its header and legend it
fits the text height of an A4 page."""
DEFAULT_DPI = 200
_W = PRINT_WIDTH_CM / 2.54 * 72
_FONT = 9.0
_LINE = _FONT * 1.25
_PAD = 6.0
_MIN_SCREEN_PX = 11.0
_TIMELINE_BAR = 9.0


class FigureError(ValueError):
    """A spec that cannot be drawn (inconsistent lengths, a timeline too long for one figure)."""


# -- text -------------------------------------------------------------------------------------


#: matplotlib's 3D toolkit, which ``matplotlib.projections`` imports only to register it: no
#: figure here is 3D, and it was a fifth of the import time of a render's first figure.
_UNUSED_TOOLKIT = "mpl_toolkits.mplot3d"


def _import_matplotlib() -> None:
    """Import the parts of matplotlib that draw (Agg, figures), without its 3D toolkit.

    The first import of ``matplotlib.figure`` in a process decides: the toolkit is kept out
    (``projections`` catches the ImportError and warns, silenced here) unless something
    imported it before. A later import of it by other code works as usual.
    """
    import sys

    if "matplotlib.projections" in sys.modules:
        return
    blocked = _UNUSED_TOOLKIT not in sys.modules
    if blocked:
        sys.modules[_UNUSED_TOOLKIT] = None  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unable to import Axes3D", UserWarning)
            import matplotlib.backends.backend_agg
            import matplotlib.figure  # noqa: F401
    finally:
        if blocked and sys.modules.get(_UNUSED_TOOLKIT, 0) is None:
            del sys.modules[_UNUSED_TOOLKIT]


class _Text:
    """Fonts and text measurement with the DejaVu Sans files bundled in matplotlib."""

    def __init__(self) -> None:
        from pathlib import Path

        _import_matplotlib()
        import matplotlib
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.font_manager import FontProperties, get_font

        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        self.regular = str(fonts / "DejaVuSans.ttf")
        self.bold = str(fonts / "DejaVuSans-Bold.ttf")
        self._props: dict[tuple[float, bool], FontProperties] = {}
        self._renderer = RendererAgg(8, 8, 72)  # type: ignore[no-untyped-call]
        self._widths: dict[tuple[str, float, bool], float] = {}
        self._make = FontProperties
        self._get_font = get_font
        self._advances: dict[tuple[float, bool], dict[str, float]] = {}

    def prop(self, size: float = _FONT, bold: bool = False) -> FontProperties:
        """A font property pinned to the bundled file (so no system font is ever used)."""
        key = (size, bold)
        if key not in self._props:
            self._props[key] = self._make(
                family="sans-serif",
                fname=self.bold if bold else self.regular,
                size=size,
                weight="bold" if bold else "normal",
            )
        return self._props[key]

    def width(self, text: str, size: float = _FONT, bold: bool = False) -> float:
        """Width of one line of text in points."""
        key = (text, size, bold)
        if key not in self._widths:
            measure = self._renderer.get_text_width_height_descent
            w, _h, _d = measure(text, self.prop(size, bold), ismath=False)  # type: ignore[no-untyped-call]
            self._widths[key] = float(w)
        return self._widths[key]

    def estimate(self, text: str, size: float = _FONT, bold: bool = False) -> float:
        """A quick width in points: the sum of the glyph advances, plus a margin for hinting.

        Exact measuring lays the whole string out (a few milliseconds each); wrapping tries a
        candidate per word, so it estimates, and the figure is sized from exact line widths.
        """
        key = (size, bold)
        advances = self._advances.setdefault(key, {})
        missing = [ch for ch in set(text) if ch not in advances]
        if missing:
            font = self._get_font(self.bold if bold else self.regular)
            font.set_size(size, 72)
            for ch in sorted(missing):
                # A character the font lacks is drawn as a box about as wide as "M".
                code = ord(ch) if font.get_char_index(ord(ch)) else ord("M")
                advances[ch] = font.load_char(code).linearHoriAdvance / 65536
        return 1.07 * sum(advances[ch] for ch in text)

    def wrap(self, text: str, limit: float, size: float = _FONT, bold: bool = False) -> list[str]:
        """Lines of about ``limit`` points at most; words are never dropped nor shortened."""
        lines: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if self.estimate(candidate, size, bold) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while self.estimate(line, size, bold) > limit and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and self.estimate(line[:cut], size, bold) > limit:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        if line:
            lines.append(line)
        return lines or [""]


_TEXT: list[_Text] = []


def _text() -> _Text:
    if not _TEXT:
        _TEXT.append(_Text())
    return _TEXT[0]


def _formatted(values: Sequence[Number | None], fmt: ValueFormat) -> list[str]:
    """The value labels of one chart: its amounts share their decimals (``Rp 5,30 M``)."""
    if fmt == "rupiah":
        labels = rupiah_short_labels([None if v is None else int(v) for v in values])
        return [KOSONG if label is None else label for label in labels]
    return [_format(v, fmt) for v in values]


def _format(value: Number | None, fmt: ValueFormat) -> str:
    if value is None:
        return KOSONG  # the mark of a missing value in the table beside the chart
    if fmt == "rupiah":
        return _formatted([value], fmt)[0]
    if fmt == "percent":
        return percent(Decimal(str(value)), lang="id")  # the documents are Indonesian
    return angka(value)


# -- canvas -----------------------------------------------------------------------------------


class _Canvas:
    """A figure whose data coordinates are points from the top-left corner."""

    def __init__(self, width: float, height: float) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.width, self.height = width, height
        self.fig: Figure = Figure(figsize=(width / 72, height / 72), dpi=72)
        FigureCanvasAgg(self.fig)
        self.fig.patch.set_facecolor("#FFFFFF")
        ax: Axes = self.fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_axis_off()
        self.ax = ax
        self.t = _text()

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        ha: str = "left",
        size: float = _FONT,
        bold: bool = False,
        colour: str = _INK,
        halo: bool = False,
    ) -> None:
        """One line of text, vertically centred on ``y``; ``halo`` blanks the lines behind it."""
        extra: dict[str, Any] = (
            {"bbox": {"facecolor": "#FFFFFF", "edgecolor": "none", "pad": 0.5}} if halo else {}
        )
        self.ax.text(
            x,
            y,
            s,
            fontproperties=self.t.prop(size, bold),
            ha=ha,
            va="center_baseline",
            color=colour,
            clip_on=False,
            parse_math=False,
            usetex=False,
            **extra,
        )

    def lines(
        self, x: float, top: float, lines: Sequence[str], *, ha: str = "left", bold: bool = False
    ) -> None:
        """Wrapped lines, the first one's box starting at ``top``."""
        for n, line in enumerate(lines):
            self.text(x, top + _LINE * (n + 0.5), line, ha=ha, bold=bold)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: str,
        *,
        edge: str | None = None,
        lw: float = 0.0,
        rounded: bool = False,
    ) -> None:
        """A rectangle (optionally with rounded corners)."""
        from matplotlib.patches import FancyBboxPatch, Rectangle

        if rounded:
            patch: Any = FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=4",
                facecolor=fill,
                edgecolor=edge or fill,
                linewidth=lw,
            )
        else:
            patch = Rectangle((x, y), w, h, facecolor=fill, edgecolor=edge or "none", linewidth=lw)
        patch.set_clip_on(False)
        self._add(patch)

    def _add(self, patch: Any) -> None:
        """Put a patch on the axes without updating their data limits (fixed, never autoscaled)."""
        self.ax.add_artist(patch)

    def line(
        self, x1: float, y1: float, x2: float, y2: float, colour: str = _RULE, dashed: bool = False
    ) -> None:
        """A thin straight line."""
        self.ax.plot(
            [x1, x2],
            [y1, y2],
            color=colour,
            linewidth=0.6,
            linestyle=(0, (3, 3)) if dashed else "-",
            clip_on=False,
        )

    def arrow(self, x1: float, y1: float, x2: float, y2: float, colour: str = _MUTED) -> None:
        """An arrow from (x1, y1) to (x2, y2)."""
        from matplotlib.patches import FancyArrowPatch

        patch = FancyArrowPatch(
            (x1, y1),
            (x2, y2),
            arrowstyle="-|>",
            mutation_scale=9,
            color=colour,
            linewidth=1.0,
            shrinkA=0,
            shrinkB=0,
        )
        patch.set_clip_on(False)
        self._add(patch)


def _legend_layout(
    t: _Text, top: float, width: float, entries: Sequence[tuple[str, str]]
) -> Iterator[tuple[float, float, str, str]]:
    """``(x, y-centre, label, colour)`` per entry; labels longer than the width wrap."""
    x, y = _PAD, top + _LINE / 2
    for label, fill in entries:
        lines = t.wrap(label, width - 2 * _PAD - 13)
        item = 13 + max(t.width(line) for line in lines)
        if x > _PAD and x + item > width - _PAD:
            x, y = _PAD, y + _LINE + 2
        for n, line in enumerate(lines):
            yield x if n == 0 else -1.0, y + n * _LINE, line, fill
        if len(lines) > 1:
            y += (len(lines) - 1) * _LINE
        x += item + 14


def _legend_height(t: _Text, width: float, entries: Sequence[tuple[str, str]]) -> float:
    if not entries:
        return 0.0
    ys = [y for _x, y, _l, _c in _legend_layout(t, 0.0, width, entries)]
    return max(ys) + _LINE / 2 + _PAD


def _draw_legend(c: _Canvas, top: float, entries: Sequence[tuple[str, str]]) -> None:
    last_x = _PAD
    for x, y, label, fill in _legend_layout(c.t, top, c.width, entries):
        if x >= 0:
            c.rect(x, y - 4.5, 9, 9, fill)
            last_x = x
        c.text(last_x + 13, y, label)


# -- bar chart --------------------------------------------------------------------------------


def _check_lengths(categories: Sequence[str], rows: Sequence[Sequence[object]], what: str) -> None:
    for row in rows:
        if len(row) != len(categories):
            raise FigureError(f"{what}: {len(row)} values for {len(categories)} categories")


def _bar_colours(spec: BarChart) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Colour of every bar (per series, per category) and the legend entries."""
    if spec.category_colour_keys and len(spec.series) == 1:
        if len(spec.category_colour_keys) != len(spec.categories):
            raise FigureError("category_colour_keys: one key per category")
        assigned = _assign_colours(spec.category_colour_keys)
        return [[assigned[k] for k in spec.category_colour_keys]], []
    assigned = _assign_colours([s.colour_key or f"\0{n}" for n, s in enumerate(spec.series)])
    colours = [assigned[s.colour_key or f"\0{n}"] for n, s in enumerate(spec.series)]
    legend = [(s.label, colours[n]) for n, s in enumerate(spec.series)]
    return [[c] * len(spec.categories) for c in colours], legend if len(spec.series) > 1 else []


def _exact_total(spec: BarChart, i: int) -> Number:
    """The shown value of a column or stacked bar: its values summed without float rounding."""
    values = [s.values[i] for s in spec.series]
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def _as_float(value: Number | None) -> float:
    return float(value) if value is not None else 0.0


def _draw_bars(spec: BarChart) -> _Canvas:
    _check_lengths(spec.categories, [s.values for s in spec.series], "BarChart")
    if not spec.horizontal:
        canvas = _draw_columns(spec)
        if canvas is not None:
            return canvas
    t = _text()
    colours, legend = _bar_colours(spec)
    n_series = len(spec.series)
    per_cat = 1 if spec.stacked or n_series == 1 else n_series
    bar_h = 12.0
    totals = [
        sum(_as_float(s.values[i]) for s in spec.series) if spec.stacked else 0.0
        for i in range(len(spec.categories))
    ]
    values = [_as_float(v) for s in spec.series for v in s.values]
    peak = max([*values, *totals, 0.0]) or 1.0
    n_cat = len(spec.categories)
    if spec.stacked:
        totals_shown = _formatted([_exact_total(spec, i) for i in range(n_cat)], spec.value_format)
        shown = [[label] for label in totals_shown]
    else:
        flat = _formatted(
            [s.values[i] for i in range(n_cat) for s in spec.series], spec.value_format
        )
        shown = [flat[i * n_series : (i + 1) * n_series] for i in range(n_cat)]
    value_w = max((t.width(s) for row in shown for s in row), default=0.0) + _PAD
    label_limit = _W * 0.4
    wrapped = [t.wrap(label, label_limit) for label in spec.categories]
    label_w = max((t.width(line) for lines in wrapped for line in lines), default=0.0)
    left = _PAD + label_w + _PAD
    span = _W - left - value_w - _PAD
    heights = [max(len(lines) * _LINE, per_cat * bar_h) + 8 for lines in wrapped]
    top = _PAD
    legend_h = _legend_height(t, _W, legend)
    height = top + sum(heights) + _PAD + legend_h
    c = _Canvas(_W, height)
    c.line(left, top, left, top + sum(heights), _MUTED)
    y = top
    for i, lines in enumerate(wrapped):
        row_h = heights[i]
        c.lines(left - _PAD, y + (row_h - len(lines) * _LINE) / 2, lines, ha="right")
        bars_top = y + (row_h - per_cat * bar_h) / 2
        x_end = left
        for k, s in enumerate(spec.series):
            length = span * _as_float(s.values[i]) / peak
            if spec.stacked:
                if length > 0:  # a white seam tells neighbouring segments apart
                    c.rect(x_end, bars_top, length, bar_h, colours[k][i], edge="#FFFFFF", lw=0.6)
                x_end += length
            else:
                by = bars_top + (k if per_cat > 1 else 0) * bar_h
                if length > 0:
                    c.rect(left, by, length, bar_h - 1, colours[k][i])
                c.text(left + length + 3, by + bar_h / 2, shown[i][k], colour=_MUTED)
        if spec.stacked:
            c.text(x_end + 3, bars_top + bar_h / 2, shown[i][0], colour=_MUTED)
        y += row_h
    if legend:
        _draw_legend(c, y + _PAD, legend)
    return c


def _draw_columns(spec: BarChart) -> _Canvas | None:
    """Vertical columns, or None when a label or a value does not fit its column."""
    t = _text()
    colours, legend = _bar_colours(spec)
    n = len(spec.categories)
    if n == 0:
        return None
    per_cat = 1 if spec.stacked or len(spec.series) == 1 else len(spec.series)
    slot = (_W - 2 * _PAD) / n
    totals = [
        sum(_as_float(s.values[i]) for s in spec.series) if spec.stacked else 0.0 for i in range(n)
    ]
    values = [_as_float(v) for s in spec.series for v in s.values]
    peak = max([*values, *totals, 0.0]) or 1.0
    if spec.stacked or len(spec.series) == 1:
        shown = _formatted([_exact_total(spec, i) for i in range(n)], spec.value_format)
        if max(t.width(s) for s in shown) > slot - 4:
            return None
    else:
        shown = []
    if any(t.width(word) > slot - 4 for label in spec.categories for word in label.split()):
        return None
    wrapped = [t.wrap(label, slot - 4) for label in spec.categories]
    if max(len(lines) for lines in wrapped) > 3:
        return None
    label_h = max(len(lines) for lines in wrapped) * _LINE
    plot_h = 150.0
    top = _PAD + _LINE
    legend_h = _legend_height(t, _W, legend)
    height = top + plot_h + 4 + label_h + _PAD + legend_h
    c = _Canvas(_W, height)
    base = top + plot_h
    c.line(_PAD, base, _W - _PAD, base, _MUTED)
    bar_w = min(slot * 0.7, 60.0) / per_cat
    for i, lines in enumerate(wrapped):
        cx = _PAD + slot * (i + 0.5)
        x0 = cx - bar_w * per_cat / 2
        y_end = base
        for k, s in enumerate(spec.series):
            h = plot_h * _as_float(s.values[i]) / peak
            if spec.stacked:
                if h > 0:
                    c.rect(x0, y_end - h, bar_w, h, colours[k][i], edge="#FFFFFF", lw=0.6)
                y_end -= h
            else:
                bx = x0 + (k if per_cat > 1 else 0) * bar_w
                if h > 0:
                    c.rect(bx, base - h, bar_w - 1, h, colours[k][i])
                y_end = min(y_end, base - h)
        if shown:
            c.text(cx, y_end - _LINE / 2, shown[i], ha="center", colour=_MUTED)
        c.lines(cx, base + 4, lines, ha="center")
    if legend:
        _draw_legend(c, base + 4 + label_h + _PAD, legend)
    return c


# -- timeline ---------------------------------------------------------------------------------


def paginate(spec: FigureSpec, max_rows: int = MAX_TIMELINE_ROWS) -> tuple[FigureSpec, ...]:
    """Split a long timeline: one figure per group, then parts that fit a page.

    A part has at most ``max_rows`` rows and rows at most :data:`MAX_TIMELINE_BODY_PT` high
    (wrapped labels make rows taller), so that it prints within an A4 page.

    Other specs, and timelines that fit, come back as they are. A part's title is the title,
    `` — <group>`` when there are several groups, and `` (k/n)`` when a group needs several parts.
    """
    if not isinstance(spec, Timeline):
        return (spec,)
    max_rows = max(1, min(max_rows, MAX_TIMELINE_ROWS))
    if len(spec.rows) <= max_rows and spec.years:
        _wrapped, heights = _timeline_rows(spec.rows, spec.years)
        if sum(heights) <= MAX_TIMELINE_BODY_PT:
            return (spec,)
    groups: dict[str, list[TimelineRow]] = {}
    for row in spec.rows:
        groups.setdefault(row.group, []).append(row)
    parts: list[FigureSpec] = []
    for group, rows in groups.items():
        _wrapped, heights = _timeline_rows(rows, spec.years or (0,))
        chunks: list[list[TimelineRow]] = [[]]
        body = 0.0
        for row, height in zip(rows, heights, strict=True):
            if chunks[-1] and (len(chunks[-1]) >= max_rows or body + height > MAX_TIMELINE_BODY_PT):
                chunks.append([])
                body = 0.0
            chunks[-1].append(row)
            body += height
        for k, chunk in enumerate(chunks, start=1):
            title = spec.title + (f" — {group}" if group and len(groups) > 1 else "")
            if len(chunks) > 1:
                title += f" ({k}/{len(chunks)})"
            keys = {r.colour_key for r in chunk}
            legend = tuple(entry for entry in spec.legend if entry[0] in keys)
            parts.append(Timeline(title, tuple(chunk), spec.years, legend))
    return tuple(parts)


def _timeline_rows(
    rows: Sequence[TimelineRow], years: Sequence[int]
) -> tuple[list[list[str]], list[float]]:
    """Wrapped labels and height of each row (the label column depends on the years only)."""
    t = _text()
    n_years = max(years) - min(years) + 1
    year_w = max(t.width(str(max(years)), bold=True) + 8, 30.0)
    # Labels take at most half the width, so that the years keep room on a phone too.
    label_limit = min(max(_W - 3 * _PAD - year_w * n_years, _W * 0.25), _W * 0.5)
    wrapped = [t.wrap(r.label, label_limit) for r in rows]
    return wrapped, [max(len(lines) * _LINE, _TIMELINE_BAR) + 5 for lines in wrapped]


def _draw_timeline(spec: Timeline) -> _Canvas:
    if not spec.years:
        raise FigureError("Timeline: no years")
    wrapped, heights = _timeline_rows(spec.rows, spec.years)
    if len(spec.rows) > 1 and (
        len(spec.rows) > MAX_TIMELINE_ROWS or sum(heights) > MAX_TIMELINE_BODY_PT
    ):
        raise FigureError(
            f"Timeline: {len(spec.rows)} rows do not fit one figure; paginate() it first"
        )
    t = _text()
    first, last = min(spec.years), max(spec.years)
    n_years = last - first + 1
    assigned = _assign_colours([*(r.colour_key for r in spec.rows), *(k for k, _ in spec.legend)])
    legend = [(label, assigned[key]) for key, label in spec.legend]
    markers = [t.width(r.marker) + 4 if r.marker else 0.0 for r in spec.rows]
    label_w = max((t.width(line) for lines in wrapped for line in lines), default=0.0)
    left = _PAD + label_w + _PAD
    col_w = (_W - left - _PAD) / n_years
    bar_h = _TIMELINE_BAR
    header = _LINE + 4
    top = _PAD + header
    legend_h = _legend_height(t, _W, legend)
    height = top + sum(heights) + _PAD + legend_h
    c = _Canvas(_W, height)
    body = sum(heights)
    for n in range(n_years):
        x = left + n * col_w
        if n % 2:
            c.rect(x, top, col_w, body, _BAND)
        c.text(x + col_w / 2, _PAD + _LINE / 2, str(first + n), ha="center", bold=True)
    c.line(left, top, _W - _PAD, top, _MUTED)
    y = top
    for row, lines, row_h, marker_w in zip(spec.rows, wrapped, heights, markers, strict=True):
        c.lines(left - _PAD, y + (row_h - len(lines) * _LINE) / 2, lines, ha="right")
        s, e = max(row.start_year, first), min(row.end_year, last)
        if s <= e:
            x = left + (s - first) * col_w + 2
            w = (e - s + 1) * col_w - 4
            c.rect(x, y + (row_h - bar_h) / 2, w, bar_h, assigned[row.colour_key], rounded=True)
            if row.marker:
                inside = w >= marker_w + 4
                mx = x + 3 if inside else x + w + 3
                if not inside and mx + marker_w > _W:
                    mx = x - marker_w - 1
                ink = _ink_on(assigned[row.colour_key]) if inside else _INK
                c.text(mx, y + row_h / 2, row.marker, colour=ink)
        y += row_h
    if legend:
        _draw_legend(c, y + _PAD, legend)
    return c


# -- chain and diagram ------------------------------------------------------------------------


def _node_box(
    c: _Canvas, x: float, y: float, w: float, lines: Sequence[str], detail: Sequence[str], fill: str
) -> None:
    h = _box_height(lines, detail)
    c.rect(x, y, w, h, "#FFFFFF", edge=fill, lw=1.6, rounded=True)
    c.rect(x, y, 5, h, fill)
    c.lines(x + 5 + (w - 5) / 2, y + 4, lines, ha="center", bold=True)
    c.lines(x + 5 + (w - 5) / 2, y + 4 + len(lines) * _LINE, detail, ha="center")


def _box_height(lines: Sequence[str], detail: Sequence[str]) -> float:
    return (len(lines) + len(detail)) * _LINE + 8


def _draw_chain(spec: Chain) -> _Canvas:
    if spec.links and len(spec.links) != max(len(spec.nodes) - 1, 0):
        raise FigureError("Chain: one link label per arrow (nodes - 1)")
    t = _text()
    widest = max((t.width(w, bold=True) for n in spec.nodes for w in n.label.split()), default=0.0)
    box_w = min(max(150.0, widest + 14), _W - 160.0)
    links = spec.links or ("",) * max(len(spec.nodes) - 1, 0)
    assigned = _assign_colours([n.colour_key for n in spec.nodes])
    boxes = [
        (t.wrap(n.label, box_w - 14, bold=True), t.wrap(n.detail, box_w - 14) if n.detail else [])
        for n in spec.nodes
    ]
    link_lines = [t.wrap(label, 140.0) if label else [] for label in links]
    gaps = [max(24.0, len(lines) * _LINE + 6) for lines in link_lines]
    link_w = max((t.width(line) for lines in link_lines for line in lines), default=0.0)
    width = _PAD + box_w + 10 + link_w + _PAD
    height = _PAD + sum(_box_height(*b) for b in boxes) + sum(gaps) + _PAD
    c = _Canvas(width, height)
    y = _PAD
    cx = _PAD + box_w / 2
    for n, (node, (lines, detail)) in enumerate(zip(spec.nodes, boxes, strict=True)):
        _node_box(c, _PAD, y, box_w, lines, detail, assigned[node.colour_key])
        y += _box_height(lines, detail)
        if n < len(gaps):
            c.arrow(cx, y, cx, y + gaps[n])
            label = link_lines[n]
            c.lines(cx + 10, y + (gaps[n] - len(label) * _LINE) / 2, label, ha="left")
            y += gaps[n]
    return c


def _draw_diagram(spec: Diagram) -> _Canvas:
    t = _text()
    keys = [b.key for level in spec.levels for b in level.boxes]
    if len(set(keys)) != len(keys):
        raise FigureError("Diagram: box keys must be unique")
    for edge in spec.edges:
        if edge.source not in keys or edge.target not in keys:
            raise FigureError(f"Diagram: edge {edge.source} -> {edge.target} names no box")
    level_lines = [t.wrap(level.label, 90.0, bold=True) for level in spec.levels]
    label_w = max((t.width(line, bold=True) for ls in level_lines for line in ls), default=0.0)
    left = _PAD + label_w + 2 * _PAD
    gap = 10.0
    room = _W - left - _PAD
    # As many boxes per row (at most 4) as leave room for the widest word of any box.
    # Measured the way wrap() measures, so that the widest word fits its box unbroken.
    widest = max(
        (t.estimate(w, bold=True) for lv in spec.levels for b in lv.boxes for w in b.label.split()),
        default=0.0,
    )
    per_row = max(1, min(4, int((room + gap) // (widest + 14 + gap))))
    box_w = (room - gap * (per_row - 1)) / per_row
    assigned = _assign_colours(
        [b.colour_key or level.colour_key for level in spec.levels for b in level.boxes]
    )
    placed: dict[str, tuple[float, float, float, float]] = {}
    drawn: list[tuple[float, float, list[str], list[str], str]] = []
    bands: list[tuple[float, float, list[str]]] = []
    y = _PAD
    level_gap = 22.0
    for level, lines in zip(spec.levels, level_lines, strict=True):
        band_top = y
        rows = [level.boxes[n : n + per_row] for n in range(0, len(level.boxes), per_row)] or [()]
        for row in rows:
            content = [
                (
                    t.wrap(b.label, box_w - 14, bold=True),
                    t.wrap(b.detail, box_w - 14) if b.detail else [],
                )
                for b in row
            ]
            row_h = max((_box_height(*cb) for cb in content), default=_LINE + 8)
            for k, (b, (bl, dl)) in enumerate(zip(row, content, strict=True)):
                x = left + k * (box_w + gap)
                fill = assigned[b.colour_key or level.colour_key]
                drawn.append((x, y + 4, bl, dl, fill))
                placed[b.key] = (x, y + 4, box_w, _box_height(bl, dl))
            y += row_h + 8
        band_h = max(y - band_top, len(lines) * _LINE + 8)
        bands.append((band_top, band_h, lines))
        y = band_top + band_h + level_gap
    height = y - level_gap + _PAD
    c = _Canvas(_W, height)
    for band_top, band_h, lines in bands:
        c.rect(_PAD / 2, band_top, _W - _PAD, band_h, _BAND)
        c.lines(_PAD, band_top + 4, lines, bold=True)
    for edge in spec.edges:
        sx, sy, sw, sh = placed[edge.source]
        tx, ty, tw, th = placed[edge.target]
        if ty >= sy + sh:
            c.arrow(sx + sw / 2, sy + sh, tx + tw / 2, ty)
        elif ty + th <= sy:
            c.arrow(sx + sw / 2, sy, tx + tw / 2, ty + th)
        else:
            c.arrow(sx + sw, sy + sh / 2, tx, ty + th / 2)
    for x, by, bl, dl, fill in drawn:
        _node_box(c, x, by, box_w, bl, dl, fill)
    return c


# -- progress ---------------------------------------------------------------------------------


def _draw_progress(spec: ProgressChart) -> _Canvas:
    _check_lengths(spec.categories, [m.values for m in spec.measures], "ProgressChart")
    t = _text()
    assigned = _assign_colours([m.colour_key or f"\0{n}" for n, m in enumerate(spec.measures)])
    fills = [assigned[m.colour_key or f"\0{n}"] for n, m in enumerate(spec.measures)]
    legend = [(m.label, fills[n]) for n, m in enumerate(spec.measures)]
    wrapped = [t.wrap(label, _W * 0.35) for label in spec.categories]
    label_w = max((t.width(line) for lines in wrapped for line in lines), default=0.0)
    shown = [[_format(v, "percent") for v in m.values] for m in spec.measures]
    value_w = max((t.width(s) for row in shown for s in row), default=0.0) + _PAD
    left = _PAD + label_w + _PAD
    span = _W - left - value_w - _PAD
    bar_h = 11.0
    per_cat = max(len(spec.measures), 1)
    heights = [max(len(lines) * _LINE, per_cat * bar_h) + 8 for lines in wrapped]
    top = _PAD
    axis_h = _LINE + 2
    legend_h = _legend_height(t, _W, legend)
    body = sum(heights)
    height = top + body + axis_h + _PAD + legend_h
    c = _Canvas(_W, height)
    for mark in (0, 50, 100):
        x = left + span * mark / 100
        c.line(x, top, x, top + body, _MUTED if mark == 100 else _RULE, dashed=mark != 0)
        c.text(x, top + body + axis_h / 2 + 1, f"{mark}%", ha="center", colour=_MUTED)
    y = top
    for i, lines in enumerate(wrapped):
        row_h = heights[i]
        c.lines(left - _PAD, y + (row_h - len(lines) * _LINE) / 2, lines, ha="right")
        bars_top = y + (row_h - per_cat * bar_h) / 2
        for k, m in enumerate(spec.measures):
            value = m.values[i]
            share = min(max(_as_float(value), 0.0), 1.0)
            by = bars_top + k * bar_h
            if share > 0:
                c.rect(left, by, span * share, bar_h - 1, fills[k])
            c.text(left + span * share + 3, by + bar_h / 2, shown[k][i], colour=_MUTED, halo=True)
        y += row_h
    if legend:
        _draw_legend(c, top + body + axis_h + _PAD, legend)
    return c


# -- output -----------------------------------------------------------------------------------

_DRAW: dict[type, Any] = {
    BarChart: _draw_bars,
    Timeline: _draw_timeline,
    Chain: _draw_chain,
    Diagram: _draw_diagram,
    ProgressChart: _draw_progress,
}


def _salt(spec: FigureSpec) -> str:
    """A salt for the SVG ids: stable for a spec, different between figures of one page."""
    return hashlib.sha256(repr(spec).encode("utf-8")).hexdigest()[:12]


def _rc(spec: FigureSpec) -> Any:
    """Local rcParams of one figure (``Any``: matplotlib types the keys as a closed set)."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": _salt(spec),
        "svg.id": None,
        "text.parse_math": False,
        "text.usetex": False,
        "font.family": ["sans-serif"],
        "font.sans-serif": ["DejaVu Sans", "Noto Sans", "Arial", "Helvetica"],
        "path.simplify": False,
    }


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_ROOT = re.compile(r"<svg\b[^>]*>")
_ID = re.compile(r' id="([^"]+)"')


def _escape_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _inline_svg(raw: str, spec: FigureSpec, width_pt: float, height_pt: float) -> ScreenSvg:
    """Make matplotlib's SVG inline-able: no prologue, metadata or page-wide style; a11y root.

    With the ``min-width`` its root is written with (before, HTML parsed it back out of the
    markup).
    """
    body = _STYLE.sub("", _METADATA.sub("", _PROLOG.sub("", raw, count=1), count=1), count=1)
    # matplotlib names every group (figure_1, patch_3): on a page with several figures those
    # names would repeat, so only the ids something refers to (salted per spec) are kept.
    body = _ID.sub(lambda m: m.group(0) if f"#{m.group(1)}" in body else "", body)
    natural = width_pt * 96 / 72
    # rounded as "{:.0f}" rounds (half to even), written as the int it is
    smallest = round(min(natural, natural * _MIN_SCREEN_PX / (_FONT * 96 / 72)))
    title = _escape_attr(spec.title)
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width_pt:.2f} {height_pt:.2f}" width="100%" '
        f'style="max-width:{natural:.0f}px;min-width:{smallest}px" '
        f'aria-label="{title}"><title>{title}</title>'
    )
    return ScreenSvg(_ROOT.sub(lambda _m: root, body, count=1).rstrip() + "\n", smallest)


def _is_empty(spec: FigureSpec) -> bool:
    """True when a figure would show nothing (the caller leaves it out, as the tables do)."""
    if isinstance(spec, BarChart):
        return not spec.categories or not spec.series
    if isinstance(spec, Timeline):
        return not spec.rows
    if isinstance(spec, Chain):
        return not spec.nodes
    if isinstance(spec, Diagram):
        return not any(level.boxes for level in spec.levels)
    return not spec.categories or not spec.measures


def draw(spec: FigureSpec) -> Figure:
    """Lay out and draw a spec on a new matplotlib ``Figure`` (72 dpi, sized in points)."""
    drawer = _DRAW.get(type(spec))
    if drawer is None:
        raise FigureError(f"not a figure spec: {type(spec).__name__}")
    if _is_empty(spec):
        raise FigureError(f"{type(spec).__name__} {spec.title!r}: nothing to draw")
    import matplotlib

    with matplotlib.rc_context(_rc(spec)), warnings.catch_warnings():
        # A glyph missing from DejaVu Sans draws as a box; the SVG keeps the character itself.
        warnings.filterwarnings("ignore", "Glyph .* missing from", UserWarning)
        canvas: _Canvas = drawer(spec)
    return canvas.fig


def _svg(fig: Figure, spec: FigureSpec) -> ScreenSvg:
    import matplotlib

    width_in, height_in = (float(v) for v in fig.get_size_inches())
    buffer = io.BytesIO()
    metadata = {"Date": None, "Creator": None, "Format": None, "Type": None}
    with matplotlib.rc_context(_rc(spec)), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from", UserWarning)
        fig.savefig(buffer, format="svg", dpi=72, metadata=metadata, facecolor="#FFFFFF")
    return _inline_svg(buffer.getvalue().decode("utf-8"), spec, width_in * 72, height_in * 72)


#: How the PNG's text is rasterised: FreeType's outlines as drawn, without hinting. At 200 dpi
#: a 9 pt glyph is 25 pixels high, where hinting (snapping stems to the pixel grid, meant for
#: small screen text) shows no difference a reader sees, and loading each glyph through the
#: TrueType hinting interpreter was a quarter of a figure's drawing time. Unhinted advances are
#: never wider than the hinted 72 dpi ones the layout measures, so no text outgrows its box.
_PNG_HINTING = "no_hinting"


def _png(fig: Figure, spec: FigureSpec, dpi: int) -> bytes:
    """The figure rasterised at ``dpi``: an opaque RGB PNG, with no metadata but its dpi.

    Agg draws into RGBA; the figure is opaque (white background), so the alpha channel is
    dropped: a quarter less to compress and to store, the same pixels.
    """
    import matplotlib
    from PIL import Image

    rc = {**_rc(spec), "text.hinting": _PNG_HINTING}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from", UserWarning)
        shown = fig.dpi
        fig.set_dpi(dpi)
        try:
            canvas = fig.canvas
            canvas.draw()
            size = canvas.get_width_height(physical=True)
            pixels = canvas.buffer_rgba()  # type: ignore[attr-defined]
            image = Image.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1).convert("RGB")
        finally:
            fig.set_dpi(shown)
    buffer = io.BytesIO()
    # zlib level 1: a fifth less drawing time than the default 6 for 5 % larger files.
    image.save(buffer, format="png", compress_level=1, dpi=(dpi, dpi))
    return buffer.getvalue()


def render_figure(spec: FigureSpec, dpi: int = DEFAULT_DPI, *, png: bool = True) -> RenderedFigure:
    """Draw a spec once and write it as inline SVG and as PNG at ``dpi``.

    Without ``png`` (no DOCX is written) only the SVG: no PNG and no print size.
    """
    fig = draw(spec)
    screen = _svg(fig, spec)
    if not png:
        return RenderedFigure(screen.markup, b"", 0.0, 0.0, screen.min_width_px)
    width_in, height_in = (float(v) for v in fig.get_size_inches())
    return RenderedFigure(
        svg=screen.markup,
        png=_png(fig, spec, dpi),
        width_cm=round(width_in * 2.54, 2),
        height_cm=round(height_in * 2.54, 2),
        screen_min_px=screen.min_width_px,
    )


def preload() -> None:
    """Import everything drawing and saving a figure needs, and nothing is drawn.

    For a process about to fork workers that draw: they share these modules instead of each
    importing them on its first figure (matplotlib's figure and SVG writer, Pillow's PNG writer).
    """
    _import_matplotlib()
    import matplotlib.backends.backend_svg  # noqa: F401
    from PIL import Image

    Image.preinit()  # what Pillow imports on its first save: its common formats' plugins


def draw_svg(spec: FigureSpec) -> str:
    """The spec as inline SVG (see the module docstring for how HTML embeds it)."""
    return _svg(draw(spec), spec).markup


def draw_png(spec: FigureSpec, dpi: int = DEFAULT_DPI) -> bytes:
    """The spec as a PNG at ``dpi``, for DOCX."""
    return _png(draw(spec), spec, dpi)
