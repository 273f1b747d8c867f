"""A :class:`~spbe_cli.progress.ProgressReport` as text, Markdown, JSON or an HTML page.

Every function returns text; the CLI prints it. Catalog text is escaped for each format (Markdown
table cells, HTML, SVG), and nothing depends on the clock: "today" is part of the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from spbe_cli.errors import location_fields
from spbe_cli.formatting import (
    illustrative_legend,
    number,
    percent,
    rupiah,
    rupiah_marked,
    tanggal,
)
from spbe_cli.i18n import language, t
from spbe_cli.markup import (
    html_escape,
    html_table,
    json_dumps,
    md_code,
    md_inert,
    md_table,
    safe,
    text_table,
)
from spbe_cli.progress import (
    ASAL_AKHIR_TAHUN,
    ASAL_HARI_INI,
    CAP,
    CATEGORIES,
    FlaggedProgram,
    GroupSummary,
    ProgramProgress,
    ProgressReport,
    readers_order,
)

JSON_SCHEMA_ID = "spbe.progress/1"
_e = html_escape


def _title(report: ProgressReport) -> str:
    o = report.options
    return t("progress.title", pemda=report.pemda or "-", tahun=o.tahun)


def _report_date(report: ProgressReport) -> str:
    """The report date, and where it comes from unless ``--tanggal`` gave it."""
    o = report.options
    shown = tanggal(o.tanggal, None)
    if o.asal_tanggal == ASAL_HARI_INI:
        zona = o.zona_waktu or "UTC"
        return f"{shown} ({t('progress.asal.hari_ini', zona=zona)})"
    if o.asal_tanggal == ASAL_AKHIR_TAHUN:
        return f"{shown} ({t('progress.asal.akhir_tahun')})"
    return shown


def _subtitle(report: ProgressReport) -> str:
    o = report.options
    text = t("progress.subtitle", tanggal=_report_date(report), bulan=o.bulan_mangkrak)
    filters = []
    if o.opd:
        filters.append(f"opd={o.opd}")
    if o.dimensi:
        filters.append(f"dimensi={o.dimensi}")
    if report.since:
        filters.append(f"since={report.since}")
    if filters:
        text += " " + t("progress.filters", filters=", ".join(filters))
    if report.outside_period and report.periode is not None:
        mulai, selesai = report.periode
        text += " " + t("progress.outside_period", tahun=o.tahun, mulai=mulai, selesai=selesai)
    return text


def _group_headers(first: str) -> list[str]:
    return [
        first,
        *(
            t(f"progress.col.{c}")
            for c in (
                "programs",
                "with_progress",
                "selesai",
                "capaian",
                "pagu",
                "terserap",
                "serapan",
            )
        ),
    ]


def _group_row(group: GroupSummary, label: str) -> list[str]:
    return [
        label,
        number(group.programs),
        number(group.with_progress),
        number(group.selesai),
        percent(group.capaian),
        rupiah_marked(group.pagu, group.pagu_ilustratif > 0),
        rupiah(group.terserap),
        percent(group.serapan),
    ]


def _group_rows(
    groups: Sequence[GroupSummary], total: GroupSummary, readers: bool = False
) -> list[list[str]]:
    """Rows of a group table: the id and name in the terminal, the name alone for readers."""

    def label(g: GroupSummary) -> str:
        return g.nama if readers or g.key == g.nama else f"{g.key} ({g.nama})"

    rows = [_group_row(g, label(g)) for g in groups]
    rows.append(_group_row(total, total.nama))
    return rows


def late_line(report: ProgressReport) -> str:
    """The one-line answer to "what is late and who owns it", above every format's tables.

    Late: stalled, below target or past the end year (each program once), counted per owning
    OPD by its readers' name, most first; the lists below name the programs.
    """
    total, owners, rest, rest_programs = report.late_summary()
    if not total:
        return t("progress.late_none")
    shown = [f"{o.nama} {number(len(o.programs))}" for o in owners]
    if rest:
        shown.append(t("progress.late_rest", opd=number(rest), n=number(rest_programs)))
    return t("progress.late", n=number(total), pemilik=", ".join(shown))


def _legend(report: ProgressReport) -> list[str]:
    """The line explaining the mark of a pagu that sums illustrative budget lines, if any."""
    return [illustrative_legend()] if report.total.pagu_ilustratif else []


def _program_headers() -> list[str]:
    return [
        t(f"progress.col.{c}")
        for c in ("id", "opd", "dimensi", "status", "capaian", "serapan", "pembaruan")
    ]


def _reader_headers() -> list[str]:
    return [
        t(f"progress.col.{c}")
        for c in ("program", "opd", "dimensi", "status", "capaian", "serapan", "pembaruan")
    ]


def _reader_row(report: ProgressReport, p: ProgramProgress) -> list[str]:
    """A program row for readers: its name, its OPD's and its dimension's names."""
    return [
        p.nama,
        report.opd_name(p.opd),
        report.dimensi_names.get(p.dimensi, p.dimensi),
        *_program_row(p)[3:],
    ]


def _program_row(p: ProgramProgress) -> list[str]:
    return [
        p.id,
        p.opd,
        p.dimensi,
        p.status,
        percent(p.capaian),
        percent(p.serapan),
        tanggal(p.last_update, None) if p.last_update else "–",
    ]


def _indicator_lines(p: ProgramProgress) -> list[str]:
    return [
        t(
            "progress.indicator",
            nama=i.nama,
            realisasi=number(i.realisasi),
            target=number(i.target),
            satuan=i.satuan,
            arah=i.arah,
            capaian=percent(i.capaian),
        )
        for i in p.indicators
    ]


def format_text(report: ProgressReport) -> list[str]:
    """The report as plain text lines."""
    lines = [_title(report), _subtitle(report), late_line(report), ""]
    lines.append(t("progress.by_opd"))
    lines += text_table(
        _group_headers(t("progress.col.opd")), _group_rows(report.by_opd, report.total)
    )
    lines += ["", t("progress.by_dimensi")]
    lines += text_table(
        _group_headers(t("progress.col.dimensi")), _group_rows(report.by_dimensi, report.total)
    )
    lines += _legend(report)
    lines += ["", t("progress.programs", n=len(report.programs))]
    if report.programs:
        lines += text_table(_program_headers(), [_program_row(p) for p in report.programs])
    lines += ["", t("progress.attention", n=report.attention_count)]
    for category in CATEGORIES:
        items = report.attention.get(category, [])
        if not report.checked(category):
            lines.append(f"{t('progress.cat.' + category)}: {t('progress.needs_since')}")
            continue
        lines.append(f"{t('progress.cat.' + category)} ({len(items)})")
        lines += [f"  {_where(a)}{a.id} ({a.opd}): {a.reason}" for a in items]
    return [safe(line) for line in lines]


def _where(item: FlaggedProgram) -> str:
    return f"{item.location}: " if item.location is not None else ""


# -- Markdown ---------------------------------------------------------------------------------


def format_markdown(report: ProgressReport, level: int = 1) -> str:
    """The report as a Markdown document (``level`` is the level of its title).

    It may be posted as a pull-request comment, like ``spbe diff --format markdown``: every
    value is made inert (:func:`spbe_cli.markup.md_inert`), so a catalog text names, links and
    notifies no one.
    """
    h = "#" * level
    lines = [f"{h} {md_inert(_title(report))}", "", md_inert(_subtitle(report)), ""]
    lines += [f"**{md_inert(late_line(report))}**", ""]
    lines += [f"{h}# {t('progress.by_opd')}", ""]
    lines += md_table(
        _group_headers(t("progress.col.opd")),
        _group_rows(report.by_opd, report.total, readers=True),
    )
    lines += ["", f"{h}# {t('progress.by_dimensi')}", ""]
    lines += md_table(
        _group_headers(t("progress.col.dimensi")),
        _group_rows(report.by_dimensi, report.total, readers=True),
    )
    if legend := _legend(report):
        lines += ["", *(md_inert(line) for line in legend)]
    lines += ["", f"{h}# {t('progress.programs', n=len(report.programs))}", ""]
    if report.programs:
        lines += md_table(
            [*_reader_headers(), t("progress.col.indikator")],
            [[*_reader_row(report, p), "; ".join(_indicator_lines(p))] for p in report.programs],
        )
    lines += ["", f"{h}# {t('progress.attention', n=report.attention_count)}", ""]
    for category in CATEGORIES:
        items = report.attention.get(category, [])
        lines.append(f"{h}## {t('progress.cat.' + category)} ({len(items)})")
        lines.append("")
        if not report.checked(category):
            lines += [t("progress.needs_since"), ""]
            continue
        if not items:
            lines += [t("progress.none"), ""]
            continue
        lines += [
            f"- **{md_inert(a.nama)}** ({md_inert(report.opd_name(a.opd))}): "
            + md_inert(a.reason)
            + (f" — {md_code(a.location)}" if a.location else "")
            for a in readers_order(items)
        ]
        lines.append("")
    lines += [t("progress.definitions"), ""]
    return "\n".join(lines)


# -- JSON -------------------------------------------------------------------------------------


def _num(value: Decimal | None, digits: int = 2) -> float | None:
    """A ratio as a percentage number for JSON (rounded half-even, not capped)."""
    if value is None:
        return None
    if value > CAP:
        return 999.99
    quantum = Decimal(1).scaleb(-digits)
    return float((value * 100).quantize(quantum, rounding=ROUND_HALF_EVEN))


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _group_dict(g: GroupSummary) -> dict[str, Any]:
    return {
        "kode": g.key,
        "nama": g.nama,
        "program": g.programs,
        "ada_progres": g.with_progress,
        "selesai": g.selesai,
        "capaian_persen": _num(g.capaian),
        "capaian_program": g.capaian_n,
        "pagu": g.pagu,
        "pagu_ilustratif": g.pagu_ilustratif,
        "terserap": g.terserap,
        "serapan_persen": _num(g.serapan),
    }


def _program_dict(p: ProgramProgress) -> dict[str, Any]:
    entry = p.entry
    return {
        "id": p.id,
        "nama": p.nama,
        "opd": p.opd,
        "dimensi": p.dimensi,
        "status": p.status,
        "pembaruan_terakhir": str(p.last_update) if p.last_update else None,
        "entri": None
        if entry is None
        else {
            "tahun": entry.tahun,
            "triwulan": entry.triwulan,
            "tanggal": str(entry.tanggal),
            "status": entry.status,
            "catatan": entry.catatan,
            "bukti": entry.bukti,
        },
        "indikator": [
            {
                "nama": i.nama,
                "satuan": i.satuan,
                "arah": i.arah,
                "target": _dec(i.target),
                "realisasi": _dec(i.realisasi),
                "capaian_persen": _num(i.capaian),
            }
            for i in p.indicators
        ],
        "capaian_persen": _num(p.capaian),
        # what the capaian is held to on the report date, and whether the entry is late
        "harapan": None
        if p.expected is None
        else {
            "triwulan": p.expected.triwulan,
            "persen": _num(p.expected.harapan),
            "triwulan_dilaporkan": p.expected.dilaporkan,
            "terlambat": p.expected.terlambat,
        },
        "pagu": p.pagu,
        "pagu_ilustratif": p.pagu_ilustratif,
        "terserap": p.terserap,
        "serapan_persen": _num(p.serapan),
    }


def _attention_dict(a: FlaggedProgram) -> dict[str, Any]:
    return {
        "id": a.id,
        "nama": a.nama,
        "opd": a.opd,
        "dimensi": a.dimensi,
        "alasan_kode": a.reason_key.rsplit(".", 1)[-1],
        "alasan": a.reason,
        **location_fields(a.location),
    }


def report_dict(report: ProgressReport) -> dict[str, Any]:
    """The report as plain data (also the context of the year-end document)."""
    o = report.options
    return {
        "schema": JSON_SCHEMA_ID,
        "pemda": report.pemda,
        "tahun": o.tahun,
        "tanggal": str(o.tanggal),
        "tanggal_asal": o.asal_tanggal,
        "zona_waktu": o.zona_waktu,
        "bulan_mangkrak": o.bulan_mangkrak,
        "filter": {"opd": o.opd, "dimensi": o.dimensi, "since": report.since},
        "total": _group_dict(report.total),
        "per_opd": [_group_dict(g) for g in report.by_opd],
        "per_dimensi": [_group_dict(g) for g in report.by_dimensi],
        "program": [_program_dict(p) for p in report.programs],
        # what is late and who owns it (the line above the tables), most late programs first
        "terlambat": [
            {"opd": o.opd, "nama": o.nama, "program": [a.id for a in o.programs]}
            for o in report.late
        ],
        "perhatian": {
            c: (
                [_attention_dict(a) for a in report.attention.get(c, [])]
                if report.checked(c)
                else None
            )
            for c in CATEGORIES
        },
    }


def format_json(report: ProgressReport) -> str:
    """The report as one JSON document."""
    return json_dumps(report_dict(report))


# -- HTML -------------------------------------------------------------------------------------

_CSS = """
:root{--ink:#1d2733;--muted:#5b6875;--line:#d8dee4;--bar1:#2b6cb0;--bar2:#2f855a;--bg:#fff}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--bg);margin:0;padding:1rem;line-height:1.45}
main{max-width:60rem;margin:0 auto}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem}
.sub{color:var(--muted);font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:.5rem;padding:.6rem}
.card b{display:block;font-size:1.3rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}
svg{width:100%;height:auto;max-width:46rem}
svg text{font-size:12px;fill:var(--ink)}
.b1{fill:var(--bar1)}.b2{fill:var(--bar2)}.ax{stroke:var(--line)}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;
vertical-align:middle}
ul.att li{margin:.2rem 0}
code{font-size:.8rem;color:var(--muted)}
""".strip()


def bar_chart(groups: Sequence[GroupSummary], title: str) -> str:
    """Inline SVG: two horizontal bars per group (capaian, serapan), 0-100% scale (capped)."""
    label_w, bar_w, row_h = 170, 380, 34
    height = 24 + row_h * max(len(groups), 1)
    width_all = label_w + bar_w + 70
    # Presentation attributes, not classes: the chart keeps its look in any page that embeds
    # it (the progress page, the laporan document) and at its natural size on a wide screen.
    parts = [
        f'<svg viewBox="0 0 {width_all} {height}" width="100%" '
        f'style="max-width:{width_all}px" role="img" font-family="sans-serif" font-size="12" '
        f'fill="#333" aria-label="{_e(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for mark in (0, 50, 100):
        x = label_w + bar_w * mark // 100
        parts.append(
            f'<line class="ax" x1="{x}" y1="4" x2="{x}" y2="{height - 16}" stroke="#bbb" '
            'stroke-dasharray="3 3"/>'
        )
        parts.append(f'<text x="{x}" y="{height - 4}" text-anchor="middle">{mark}%</text>')
    for row, g in enumerate(groups):
        y = 8 + row * row_h
        label = g.key if len(g.key) <= 24 else g.key[:23] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end">{_e(label)}</text>')
        for offset, value, cls, colour in (
            (0, g.capaian, "b1", "#2b6cb0"),
            (14, g.serapan, "b2", "#2f855a"),
        ):
            share = min(value, Decimal(1)) if value is not None else Decimal(0)
            width = int((share * bar_w).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
            parts.append(
                f'<rect class="{cls}" x="{label_w}" y="{y + offset}" width="{width}" '
                f'height="12" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_w + width + 4}" y="{y + offset + 10}">{_e(percent(value))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def html_body(report: ProgressReport) -> str:
    """The report's HTML body (no page shell), for the year-end document too."""
    total = report.total
    legend = (
        f'<p class="legend"><span style="background:#2b6cb0"></span>'
        f'{_e(t("progress.col.capaian"))}<span style="background:#2f855a"></span>'
        f"{_e(t('progress.col.serapan'))}</p>"
    )
    cards = "".join(
        f'<div class="card">{_e(label)}<b>{_e(value)}</b></div>'
        for label, value in (
            (t("progress.col.programs"), number(total.programs)),
            (t("progress.col.with_progress"), number(total.with_progress)),
            (t("progress.col.capaian"), percent(total.capaian)),
            (t("progress.col.serapan"), percent(total.serapan)),
            (t("progress.attention_short"), number(report.attention_count)),
        )
    )
    numeric = {1, 2, 3, 4, 5, 6, 7}
    out = [
        f'<p class="sub">{_e(_subtitle(report))}</p>',
        f"<p><b>{_e(late_line(report))}</b></p>",
        f'<div class="cards">{cards}</div>',
    ]
    for heading, groups, first in (
        (t("progress.by_opd"), report.by_opd, t("progress.col.opd")),
        (t("progress.by_dimensi"), report.by_dimensi, t("progress.col.dimensi")),
    ):
        out.append(f"<h2>{_e(heading)}</h2>")
        out.append(bar_chart(groups, heading))
        out.append(legend)
        rows = _group_rows(groups, total, readers=True)
        out.append(html_table(_group_headers(first), rows, numeric))
    out += [f'<p class="sub">{_e(line)}</p>' for line in _legend(report)]
    out.append(f"<h2>{_e(t('progress.programs', n=len(report.programs)))}</h2>")
    if report.programs:
        rows = [[*_reader_row(report, p), "; ".join(_indicator_lines(p))] for p in report.programs]
        out.append(html_table([*_reader_headers(), t("progress.col.indikator")], rows, {4, 5}))
    out.append(f"<h2>{_e(t('progress.attention', n=report.attention_count))}</h2>")
    for category in CATEGORIES:
        items = report.attention.get(category, [])
        out.append(f"<h3>{_e(t('progress.cat.' + category))} ({len(items)})</h3>")
        if not report.checked(category):
            out.append(f"<p>{_e(t('progress.needs_since'))}</p>")
        elif not items:
            out.append(f"<p>{_e(t('progress.none'))}</p>")
        else:
            out.append(
                '<ul class="att">'
                + "".join(
                    f"<li><b>{_e(a.nama)}</b> ({_e(report.opd_name(a.opd))}): {_e(a.reason)}"
                    + (f" <code>{_e(a.location)}</code>" if a.location else "")
                    + "</li>"
                    for a in readers_order(items)
                )
                + "</ul>"
            )
    out.append(f'<p class="sub">{_e(t("progress.definitions"))}</p>')
    return "\n".join(out)


def html_page(title: str, body: str) -> str:
    """A self-contained HTML page around ``body`` (inline CSS, no network), readable on a phone."""
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{_e(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


def format_html(report: ProgressReport) -> str:
    """A self-contained HTML page (inline CSS and SVG, no network), readable on a phone."""
    return html_page(_title(report), html_body(report))
