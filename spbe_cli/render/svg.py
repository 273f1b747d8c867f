"""Inline SVG diagrams for the HTML documents: no script, no network, every label escaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from spbe_cli.render.context import rupiah, rupiah_short

PALETTE = ("#1f5f8b", "#2e8b57", "#c0392b", "#8e44ad", "#d68910", "#16a085", "#5d6d7e")
FONT = 'font-family="DejaVu Sans, Noto Sans, Arial, sans-serif"'


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    rows: Iterable[Sequence[Any]], title: str = "", uang: bool = True, label_width: int = 230
) -> Markup:
    """Horizontal bars, one per ``(label, value)``; values are rupiah unless ``uang=False``."""
    data = [(str(r[0]), int(r[1])) for r in rows]
    if not data:
        return Markup("")
    top = 34 if title else 8
    row_h, bar_w, width = 26, 360, label_width + 360 + 150
    height = top + row_h * len(data) + 8
    peak = max(v for _, v in data) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>" if title else "",
    ]
    if title:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>')
    for n, (label, value) in enumerate(data):
        y = top + n * row_h
        length = round(bar_w * value / peak) if value else 0
        shown = rupiah_short(value) if uang else f"{value:,}".replace(",", ".")
        full = rupiah(value) if uang else shown
        colour = PALETTE[n % len(PALETTE)]
        parts.append(
            f"<g><title>{escape(label)}: {escape(full)}</title>"
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_clip(label, label_width // 7))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 1)}" height="{row_h - 8}" '
            f'rx="3" fill="{colour}"/>'
            f'<text x="{label_width + max(length, 1) + 6}" y="{y + 17}">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _box(x: int, y: int, w: int, h: int, label: str, count: int, colour: str) -> str:
    return (
        f'<g><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="2.5"/>'
        f'<path d="M{x} {y + 26}V{y + 8}a8 8 0 0 1 8 -8H{x + w - 8}a8 8 0 0 1 8 8V{y + 26}Z" '
        f'fill="{colour}"/>'
        f'<text x="{x + w // 2}" y="{y + 18}" text-anchor="middle" fill="#ffffff" '
        f'font-weight="bold">{escape(label)}</text>'
        f'<text x="{x + w // 2}" y="{y + h - 14}" text-anchor="middle" font-size="24" '
        f'font-weight="bold" fill="#222222">{_thousands(count)}</text></g>'
    )


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _arrow(x1: int, y1: int, x2: int, y2: int, label: str, dx: int = 0, dy: int = -6) -> str:
    mx, my = (x1 + x2) // 2 + dx, (y1 + y2) // 2 + dy
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#555555" stroke-width="1.6" '
        f'marker-end="url(#panah)"/>'
        f'<text x="{mx}" y="{my}" text-anchor="middle" font-size="11" fill="#333333">'
        f"{escape(label)}</text>"
    )


def chain(labels: Mapping[str, str], counts: Mapping[str, int], links: Mapping[str, int]) -> Markup:
    """The domain chain: boxes with element counts, arrows with link counts.

    ``labels`` and ``counts`` are keyed by domain kind; ``links`` by ``<from>_<to>`` keys
    (``layanan_proses``, ``layanan_aplikasi``, ``aplikasi_data``, ``aplikasi_infrastruktur``,
    ``proses_data``, ``keamanan_objek``).
    """
    w, h = 200, 84
    pos = {
        "proses_bisnis": (20, 40),
        "layanan": (300, 40),
        "aplikasi": (580, 40),
        "data_informasi": (300, 200),
        "infrastruktur": (580, 200),
    }
    colours = {
        "proses_bisnis": PALETTE[0],
        "layanan": PALETTE[1],
        "aplikasi": PALETTE[3],
        "data_informasi": PALETTE[4],
        "infrastruktur": PALETTE[5],
        "keamanan": PALETTE[2],
    }
    width, height = 800, 420

    def tautan(key: str) -> str:
        return f"{_thousands(int(links.get(key, 0)))} tautan"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="13">',
        "<title>Rantai domain Arsitektur SPBE</title>",
        '<defs><marker id="panah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555555"/>'
        "</marker></defs>",
    ]
    for kind, (x, y) in pos.items():
        label = labels.get(kind, kind)
        parts.append(_box(x, y, w, h, label, int(counts.get(kind, 0)), colours[kind]))
    py, ly, ay = pos["proses_bisnis"], pos["layanan"], pos["aplikasi"]
    parts.append(_arrow(ly[0], ly[1] + 42, py[0] + w, py[1] + 42, tautan("layanan_proses")))
    parts.append(_arrow(ly[0] + w, ly[1] + 42, ay[0], ay[1] + 42, tautan("layanan_aplikasi")))
    parts.append(_arrow(ay[0] + 40, ay[1] + h, 300 + w, 200 + 20, tautan("aplikasi_data"), -40, 0))
    parts.append(
        _arrow(
            ay[0] + w // 2 + 30,
            ay[1] + h,
            ay[0] + w // 2 + 30,
            200,
            tautan("aplikasi_infrastruktur"),
            52,
            4,
        )
    )
    parts.append(_arrow(py[0] + w // 2, py[1] + h, 300, 200 + 42, tautan("proses_data"), -44, 8))
    # Keamanan runs across data, applications and infrastructure.
    ky = 340
    parts.append(
        f'<rect x="20" y="{ky}" width="760" height="64" rx="8" fill="#fdecea" '
        f'stroke="{colours["keamanan"]}" stroke-width="2.5"/>'
        f'<text x="40" y="{ky + 26}" font-weight="bold" fill="{colours["keamanan"]}">'
        f"{escape(labels.get('keamanan', 'keamanan'))}: "
        f"{_thousands(int(counts.get('keamanan', 0)))}</text>"
        f'<text x="40" y="{ky + 48}" font-size="12" fill="#333333">melindungi '
        f"{escape(tautan('keamanan_objek'))} ke data, aplikasi dan infrastruktur</text>"
    )
    parts.extend(
        f'<line x1="{x}" y1="{ky}" x2="{x}" y2="{200 + h + 2}" stroke="{colours["keamanan"]}" '
        f'stroke-width="1.6" stroke-dasharray="5 4" marker-end="url(#panah)"/>'
        for x in (400, 680)
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def gantt(rows: Iterable[Sequence[Any]], years: Sequence[int], title: str = "") -> Markup:
    """A year timeline: one bar per ``(label, first year, last year[, group])``."""
    data = [(str(r[0]), int(r[1]), int(r[2]), str(r[3]) if len(r) > 3 else "") for r in rows]
    if not data or not years:
        return Markup("")
    first, last = years[0], years[-1]
    label_w, col_w, row_h = 300, max(56, 480 // len(years)), 22
    top = 56 if title else 30
    width = label_w + col_w * len(years) + 10
    groups = sorted({g for *_, g in data if g})
    colour = {g: PALETTE[n % len(PALETTE)] for n, g in enumerate(groups)}
    colour.setdefault("", PALETTE[0])
    # Legend: the colour of each group (muatan, dimension), wrapped to the chart's width.
    legend: list[tuple[int, int, str]] = []
    lx, ly = 0, 0
    for group in groups:
        item_w = 22 + 7 * len(_clip(group, 40))
        if lx and lx + item_w > width:
            lx, ly = 0, ly + 18
        legend.append((lx, ly, group))
        lx += item_w + 14
    legend_h = ly + 26 if legend else 0
    bars_bottom = top + row_h * len(data)
    height = bars_bottom + 10 + legend_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="11">',
        f"<title>{escape(title)}</title>" if title else "",
    ]
    if title:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>')
    for n, year in enumerate(years):
        x = label_w + n * col_w
        parts.append(
            f'<rect x="{x}" y="{top - 22}" width="{col_w}" height="{bars_bottom - top + 26}" '
            f'fill="{"#f4f6f8" if n % 2 else "#ffffff"}"/>'
            f'<text x="{x + col_w // 2}" y="{top - 8}" text-anchor="middle" font-weight="bold">'
            f"{year}</text>"
        )
    for n, (label, start, end, group) in enumerate(data):
        y = top + n * row_h
        s, e = max(start, first), min(end, last)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(_clip(label, 40))}</text>"
        )
        if s <= e:
            x = label_w + (s - first) * col_w + 3
            span = (e - s + 1) * col_w - 6
            parts.append(
                f'<rect x="{x}" y="{y + 4}" width="{span}" height="{row_h - 8}" rx="3" '
                f'fill="{colour[group]}"><title>{escape(label)}: {start}–{end}</title></rect>'
            )
    for x, y, group in legend:
        y0 = bars_bottom + 16 + y
        parts.append(
            f'<rect x="{x}" y="{y0}" width="12" height="12" rx="2" fill="{colour[group]}"/>'
            f'<text x="{x + 18}" y="{y0 + 10}">{escape(_clip(group, 40))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
