"""An :class:`~spbe_cli.indeks.IndeksReport` as text, Markdown, JSON (``spbe.indeks/1``) or HTML.

Every function returns text; the CLI prints it. Catalog text is escaped for each format, and
nothing depends on the clock or the machine. :func:`report_dict` is the plain data every format
(and a later laporan section) reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from spbe_cli.errors import Report
from spbe_cli.formatting import current_mark, marked, number
from spbe_cli.i18n import t
from spbe_cli.indeks import Baris, IndeksReport, Kelompok, Kerangka, Predikat, Skor, rounded
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
from spbe_cli.progress_format import html_page
from spbe_cli.report import finding_dict
from spbe_cli.report import format_text as format_findings

JSON_SCHEMA_ID = "spbe.indeks/1"
_e = html_escape
_MARK = "!"  # a nilai above its plafon, in the text and Markdown tables


def index_text(value: Decimal | float | None) -> str:
    """An index at two decimals, also when whole (3,00), with the language's decimal mark."""
    if value is None:
        return "-"
    return number(rounded(Decimal(str(value))), places=2)


def unverified(kerangka: Kerangka, value: str) -> str:
    """A name, weight or (sub-)index of ``kerangka``, marked while its data is unverified."""
    return kerangka.unverified(value)


def predikat_text(kerangka: Kerangka, predikat: Predikat | None) -> str:
    """``Cukup (Membangun)``, marked while the predikat ranges are unverified; ``-`` for none."""
    if predikat is None:
        return "-"
    name = predikat.nama + (f" ({predikat.tahap})" if predikat.tahap else "")
    return marked(name, not kerangka.predikat_terverifikasi)


def unverified_legend(kerangka: Kerangka) -> str | None:
    """The one line explaining the unverified mark, with the sources named; None when verified."""
    if kerangka.terverifikasi and kerangka.predikat_terverifikasi:
        return None
    return t(
        "indeks.unverified",
        mark=current_mark(),
        dasar=kerangka.dasar_hukum,
        sumber=kerangka.sumber_teks,
    )


def _title(report: IndeksReport) -> str:
    pemda = report.pemda or "-"
    tahun = str(report.tahun) if report.tahun is not None else "-"
    return t("indeks.title", judul=report.kerangka.judul, pemda=pemda, tahun=tahun)


def _status_lines(report: IndeksReport) -> list[str]:
    """What the index is, or why there is none: never a number that was not given."""
    lines = []
    if report.evaluasi is None and report.ditolak:
        tempat = ", ".join(f"{loc.path}:{loc.line}" for loc in report.ditolak)
        lines.append(t("indeks.evaluasi_ditolak", tempat=tempat, n=len(report.ditolak)))
    elif report.evaluasi is None:
        lines.append(t("indeks.no_evaluasi", kerangka=report.kerangka.kode))
    else:
        lines.append(t("indeks.evaluasi", id=report.evaluasi))
        if report.ilustratif:
            lines.append(t("indeks.ilustratif"))
    k = report.kerangka
    if report.indeks is None:
        lines.append(t("indeks.belum", n=report.total.belum, total=report.total.jumlah))
        missing = [b.indikator.nomor for b in report.baris if b.nilai is None]
        if report.evaluasi is not None and missing:
            lines.append(t("indeks.missing", nomor=_ranges(missing)))
    else:
        indeks = unverified(k, index_text(report.indeks))
        lines.append(t("indeks.value", indeks=indeks, predikat=predikat_text(k, report.predikat)))
    # The framework in force instead in that year: the one replacing it, or the one before it.
    for key, other in (("indeks.revoked", report.pengganti), ("indeks.not_yet", report.pendahulu)):
        if other is not None:
            # The year the newer of the two frameworks applies from.
            mulai = other.mulai_tahun if other is report.pengganti else k.mulai_tahun
            values = {"dasar": k.dasar_hukum, "tahun": report.tahun, "kerangka": other.cli_name}
            lines.append(t(key, pengganti=other.dasar_hukum, mulai=mulai, **values))
    legend = unverified_legend(k)
    if legend is not None:
        lines.append(legend)
    above = sum(1 for b in report.baris if b.di_atas_plafon)
    if above:
        lines.append(t("indeks.above", n=above))
    return lines


def _ranges(numbers: Sequence[int]) -> str:
    """``1-3, 5, 9-10``: indicator numbers as a reader lists them."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _skor(kerangka: Kerangka, skor: Skor) -> str:
    if skor.nilai is None:
        return t("indeks.group_belum", n=skor.belum)
    return unverified(kerangka, index_text(skor.nilai))


def _group_line(kerangka: Kerangka, group: Kelompok, skor: Skor) -> str:
    bobot = unverified(kerangka, number(group.bobot))
    return t("indeks.group_line", bobot=bobot, indeks=_skor(kerangka, skor))


def _group_label(kerangka: Kerangka, group: Kelompok, *, mark: bool = True) -> str:
    nama = unverified(kerangka, group.nama) if mark else group.nama
    return t("indeks." + group.tingkat, nomor=group.nomor, nama=nama)


def _headers() -> list[str]:
    return [t("indeks.col." + c) for c in ("no", "indikator", "bobot", "nilai", "plafon", "dasar")]


def _plafon(b: Baris) -> str:
    return "-" if b.plafon.level is None else str(b.plafon.level)


def _row(kerangka: Kerangka, b: Baris) -> list[str]:
    nilai = "-" if b.nilai is None else str(b.nilai)
    if b.di_atas_plafon:
        nilai += f" {_MARK}"
    return [
        str(b.indikator.nomor),
        unverified(kerangka, b.indikator.nama),
        unverified(kerangka, number(b.indikator.bobot)),
        nilai,
        _plafon(b),
        t("indeks.status." + b.plafon.status),
    ]


def _sections(report: IndeksReport) -> list[tuple[Kelompok, Skor, list[Baris], int]]:
    """Aspects with their indicators, each after its domain (heading depth 0 or 1)."""
    aspects = [(g, s) for g, s in report.kelompok if g.tingkat == "aspek"]
    domains = [(g, s) for g, s in report.kelompok if g.tingkat == "domain"]

    def rows(aspect: Kelompok, skor: Skor, depth: int) -> tuple[Kelompok, Skor, list[Baris], int]:
        return aspect, skor, [b for b in report.baris if b.indikator.aspek == aspect.nomor], depth

    if not domains:  # PermenPANRB 8/2026 has aspects only
        return [rows(aspect, skor, 0) for aspect, skor in aspects]
    out: list[tuple[Kelompok, Skor, list[Baris], int]] = []
    for domain, skor in domains:
        out.append((domain, skor, [], 0))
        out += [rows(a, s, 1) for a, s in aspects if a.domain == domain.nomor]
    return out


def _evidence(kerangka: Kerangka, b: Baris) -> list[str]:
    nama = unverified(kerangka, b.indikator.nama)
    lines = [t("plafon.part", part=f"{b.indikator.nomor}. {nama}", level=_plafon(b))]
    lines += [f"  + {line}" for line in b.plafon.bukti]
    lines += [f"  - {line}" for line in b.plafon.kurang]
    return lines


def _derived(report: IndeksReport) -> list[Baris]:
    """Indicators whose evidence was read (the others only say they cannot be derived)."""
    return [b for b in report.baris if b.plafon.bukti or b.plafon.level is not None]


# -- text ---------------------------------------------------------------------------------------


def format_text(report: IndeksReport) -> list[str]:
    """The report as lines of plain text."""
    k = report.kerangka
    lines = [_title(report), *_status_lines(report), ""]
    for group, skor, rows, depth in _sections(report):
        indent = "  " * depth
        label, line = _group_label(k, group), _group_line(k, group, skor)
        lines.append(f"{indent}{label}: {line}")
        if rows:
            lines += [indent + "  " + line for line in text_table(_headers(), _rows(k, rows))]
            lines.append("")
    lines += [t("indeks.evidence"), ""]
    for b in _derived(report):
        lines += _evidence(k, b)
    lines += ["", t("indeks.legend", mark=_MARK)]
    if report.findings:
        lines += ["", t("indeks.findings", n=len(report.findings))]
        # The lines of `spbe validate` (with hints), without its summary of files and entities.
        lines += format_findings(Report(report.findings))[:-2]
    # Catalog text (names, ids, titles) can hold control characters: shown, never obeyed.
    return [safe(line) for line in lines]


def _rows(kerangka: Kerangka, rows: Sequence[Baris]) -> list[list[str]]:
    return [_row(kerangka, b) for b in rows]


# -- Markdown -----------------------------------------------------------------------------------


def format_markdown(report: IndeksReport, level: int = 1) -> str:
    """The report as a Markdown document (``level`` is the level of its title).

    It may be posted as a pull-request comment, like ``spbe diff --format markdown``: every
    value is made inert (:func:`spbe_cli.markup.md_inert`), so a catalog text names, links and
    notifies no one.
    """
    h = "#" * level
    k = report.kerangka
    lines = [f"{h} {md_inert(_title(report))}", ""]
    lines += [md_inert(line) + "  " for line in _status_lines(report)]
    lines.append("")
    for group, skor, rows, depth in _sections(report):
        lines += [f"{h}{'#' * (depth + 1)} {md_inert(_group_label(k, group))}", ""]
        lines += [md_inert(_group_line(k, group, skor)), ""]
        if rows:
            lines += [*md_table(_headers(), _rows(k, rows)), ""]
    lines += [f"{h}# {md_inert(t('indeks.evidence'))}", ""]
    for b in _derived(report):
        first, *rest = _evidence(k, b)
        lines.append(f"- **{md_inert(first)}**")
        lines += [f"  - {md_inert(line.strip())}" for line in rest]
    lines += ["", md_inert(t("indeks.legend", mark=_MARK)), ""]
    if report.findings:
        lines += [f"{h}# {md_inert(t('indeks.findings', n=len(report.findings)))}", ""]
        lines += [
            f"- {md_code(f.location)} {f.severity.value}[{f.code}]: {md_inert(f.message)}"
            for f in sorted(report.findings, key=lambda f: f.sort_key())
        ]
        lines.append("")
    return "\n".join(lines)


# -- JSON ---------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(rounded(value))


def report_dict(report: IndeksReport) -> dict[str, Any]:
    """The report as plain data (schema ``spbe.indeks/1``, see docs/indeks.md)."""
    k = report.kerangka
    predikat = report.predikat
    return {
        "schema": JSON_SCHEMA_ID,
        "kerangka": {
            "kode": k.kode,
            "judul": k.judul,
            "dasar_hukum": k.dasar_hukum,
            "verifikasi": k.verifikasi,
            # Names, weights and so every index; the predikat ranges have their own field.
            "terverifikasi": k.terverifikasi,
            "predikat_terverifikasi": k.predikat_terverifikasi,
            "sumber": list(k.sumber),
        },
        "pemda": report.pemda,
        "tahun": report.tahun,
        "evaluasi": report.evaluasi,
        # Evaluations of this framework and year that could not be loaded (--force).
        "evaluasi_ditolak": [
            {"berkas": loc.path, "baris": loc.line, "kolom": loc.column} for loc in report.ditolak
        ],
        "ilustratif": report.ilustratif,
        "pengganti": report.pengganti.kode if report.pengganti is not None else None,
        "pendahulu": report.pendahulu.kode if report.pendahulu is not None else None,
        "status": "dinilai" if report.indeks is not None else "belum_dinilai",
        "indeks": _number(report.indeks),
        "predikat": None
        if predikat is None
        else {
            "nama": predikat.nama,
            "tahap": predikat.tahap,
            "terverifikasi": k.predikat_terverifikasi,
        },
        "dinilai": report.total.dinilai,
        "jumlah_indikator": report.total.jumlah,
        "kelompok": [
            {
                "tingkat": g.tingkat,
                "nomor": g.nomor,
                "nama": g.nama,
                "domain": g.domain,
                "bobot": float(g.bobot),
                "terverifikasi": k.terverifikasi,
                "indeks": _number(s.nilai),
                "dinilai": s.dinilai,
                "jumlah": s.jumlah,
            }
            for g, s in report.kelompok
        ],
        "indikator": [
            {
                "nomor": b.indikator.nomor,
                "nama": b.indikator.nama,
                "aspek": b.indikator.aspek,
                "domain": b.indikator.domain,
                "bobot": float(b.indikator.bobot),
                "terverifikasi": k.terverifikasi,
                "nilai": b.nilai,
                "plafon": {
                    "level": b.plafon.level,
                    "status": b.plafon.status,
                    "bukti": list(b.plafon.bukti),
                    "kurang": list(b.plafon.kurang),
                },
                "di_atas_plafon": b.di_atas_plafon,
                "bukti": list(b.penilaian.bukti) if b.penilaian else [],
                "dokumen": list(b.penilaian.dokumen) if b.penilaian else [],
                "catatan": b.penilaian.catatan if b.penilaian else None,
            }
            for b in report.baris
        ],
        "temuan": [finding_dict(f) for f in sorted(report.findings, key=lambda f: f.sort_key())],
    }


def format_json(report: IndeksReport) -> str:
    """The report as one JSON document."""
    return json_dumps(report_dict(report))


# -- HTML ---------------------------------------------------------------------------------------


def index_chart(
    rows: Sequence[tuple[str, Decimal | None]], title: str, *, unverified: bool = False
) -> str:
    """Inline SVG: one horizontal bar per group on the 1-5 scale; no bar while not assessed.

    ``unverified``: each label and value carries the unverified mark, as in the tables (the
    mark is added after a long label is shortened, so it is never cut off).
    """
    label_w, bar_w, row_h = 260, 360, 24
    height = 28 + row_h * max(len(rows), 1)
    width = label_w + bar_w + 90
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'role="img" font-family="sans-serif" font-size="12" fill="#333" '
        f'aria-label="{_e(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for mark in range(1, 6):
        x = label_w + bar_w * (mark - 1) // 4
        parts.append(
            f'<line x1="{x}" y1="4" x2="{x}" y2="{height - 18}" stroke="#bbb" '
            'stroke-dasharray="3 3"/>'
            f'<text x="{x}" y="{height - 5}" text-anchor="middle">{mark}</text>'
        )
    for n, (label, value) in enumerate(rows):
        y = 6 + n * row_h
        shown = marked(label if len(label) <= 38 else label[:37] + "…", unverified)
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_e(shown)}</text>')
        if value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 14}" fill="#777">'
                f"{_e(t('indeks.belum_short'))}</text>"
            )
            continue
        length = int((rounded(value) - 1) * bar_w / 4)
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{max(length, 1)}" height="14" '
            'fill="#2b6cb0"/>'
            f'<text x="{label_w + max(length, 1) + 4}" y="{y + 14}">'
            f"{_e(marked(index_text(value), unverified))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def html_body(report: IndeksReport) -> str:
    """The report's HTML body (no page shell)."""
    k = report.kerangka
    out = [f'<p class="sub">{"<br>".join(_e(line) for line in _status_lines(report))}</p>']
    chart_rows = [(_group_label(k, g, mark=False), s.nilai) for g, s in report.kelompok]
    domains = any(g.tingkat == "domain" for g in k.kelompok)
    out.append(
        index_chart(
            chart_rows,
            t("indeks.chart" if domains else "indeks.chart_aspek"),
            unverified=not k.terverifikasi,
        )
    )
    for group, skor, rows, depth in _sections(report):
        tag = "h2" if depth == 0 else "h3"
        label, line = _group_label(k, group), _group_line(k, group, skor)
        out.append(f"<{tag}>{_e(label)}: {_e(line)}</{tag}>")
        if rows:
            out.append(html_table(_headers(), _rows(k, rows), {0, 2, 3, 4}))
    out.append(f"<h2>{_e(t('indeks.evidence'))}</h2><ul>")
    for b in _derived(report):
        first, *rest = _evidence(k, b)
        items = "".join(f"<li>{_e(line.strip())}</li>" for line in rest)
        out.append(f"<li><b>{_e(first)}</b><ul>{items}</ul></li>")
    out.append(f'</ul><p class="sub">{_e(t("indeks.legend", mark=_MARK))}</p>')
    if report.findings:
        out.append(f"<h2>{_e(t('indeks.findings', n=len(report.findings)))}</h2><ul>")
        out += [
            f"<li><code>{_e(f.location)}</code> {_e(f.severity.value)}[{_e(f.code)}]: "
            f"{_e(f.message)}</li>"
            for f in sorted(report.findings, key=lambda f: f.sort_key())
        ]
        out.append("</ul>")
    return "\n".join(out)


def format_html(report: IndeksReport) -> str:
    """A self-contained HTML page (inline CSS and SVG, no script, no network)."""
    return html_page(_title(report), html_body(report))
