"""Time the typical figures of the bundled catalog (informational; not part of ``run.py``).

    .venv/bin/python bench/figures.py [catalog] [--out DIR]

Builds the figure specs from the document builders' values (the budget per dimension, year and
source, the budget per muatan, the roadmap timelines, the domain chain, the progress chart per
OPD), draws each once with :func:`spbe_cli.render.figures.render_figure` (SVG and 200 dpi PNG)
and prints the seconds per figure, matplotlib's import included in the first one. ``--out``
writes the files to look at.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from spbe_cli.render import figures as F


def catalog_specs(root: Path) -> list[F.FigureSpec]:
    """The figures the documents would show for the catalog at ``root``."""
    from spbe_cli.loader import load_catalog
    from spbe_cli.render.context import RenderInput
    from spbe_cli.render.documents import arsitektur, laporan, masterplan, peta_rencana

    catalog, _findings = load_catalog(root)
    mp = masterplan.build(RenderInput(catalog))
    pr = peta_rencana.build(RenderInput(catalog))
    ar = arsitektur.build(RenderInput(catalog))
    lp = laporan.build(RenderInput(catalog))
    years = tuple(str(y) for y in mp["years"])
    dims = mp["dimensi"]
    budget = mp["anggaran"]
    specs: list[F.FigureSpec] = [
        F.BarChart(
            "Anggaran program per dimensi",
            tuple(d.nama for d in dims),
            (F.Series("Anggaran", tuple(d.total for d in dims)),),
            category_colour_keys=tuple(d.kode for d in dims),
        ),
        F.BarChart(
            "Anggaran per tahun",
            years,
            (F.Series("Anggaran", tuple(v for _y, v in budget["per_year"])),),
            horizontal=False,
        ),
        F.BarChart(
            "Anggaran per dimensi dan tahun",
            years,
            tuple(F.Series(nama, tuple(v), kode) for kode, nama, v, _t in budget["per_dimensi"]),
            stacked=True,
            horizontal=False,
        ),
        F.BarChart(
            "Anggaran per sumber dan tahun",
            years,
            tuple(F.Series(s, tuple(v)) for s, v, _t in budget["per_sumber"]),
            stacked=True,
            horizontal=False,
        ),
        F.BarChart(
            "Anggaran per muatan",
            tuple(m.nama for m in pr["muatan"]),
            (F.Series("Anggaran", tuple(m.total for m in pr["muatan"])),),
        ),
    ]
    rows = tuple(
        F.TimelineRow(v.p.nama, v.p.tahun_mulai, v.p.tahun_selesai, d.kode, d.nama)
        for d in dims
        for e in d.elemen
        for v in e.programs
    )
    legend = tuple((d.kode, d.nama) for d in dims)
    specs += F.paginate(F.Timeline("Peta jalan program", rows, tuple(mp["years"]), legend))
    items = tuple(
        F.TimelineRow(i.nama, i.tahun_mulai, i.tahun_selesai, m.kode, m.nama)
        for m in pr["muatan"]
        for i in m.items
    )
    legend = tuple((m.kode, m.nama) for m in pr["muatan"])
    specs += F.paginate(F.Timeline("Linimasa Peta Rencana", items, tuple(pr["years"]), legend))
    kinds = ("proses_bisnis", "data_informasi", "layanan", "aplikasi", "infrastruktur", "keamanan")
    specs.append(
        F.Chain(
            "Rantai domain",
            tuple(
                F.ChainNode(
                    k.replace("_", " ").title(), f"{ar['ringkas_jumlah'].get(k, 0)} elemen", k
                )
                for k in kinds
            ),
        )
    )
    if lp["per_opd"]:
        specs.append(
            F.ProgressChart(
                "Capaian per OPD",
                tuple(g["label"] for g in lp["per_opd"]),
                (F.Measure("Capaian", tuple(None for _g in lp["per_opd"])),),
            )
        )
    return specs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog", nargs="?", default="catalog", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    specs = catalog_specs(args.catalog)
    start = time.perf_counter()
    for n, spec in enumerate(specs):
        began = time.perf_counter()
        fig = F.render_figure(spec)
        took = time.perf_counter() - began
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"gambar-{n:02d}.svg").write_text(fig.svg, encoding="utf-8")
            (args.out / f"gambar-{n:02d}.png").write_bytes(fig.png)
        print(f"{took:6.3f} s  {fig.width_cm:5.1f} x {fig.height_cm:5.1f} cm  {spec.title}")
    total = time.perf_counter() - start
    print(f"{len(specs)} figures (SVG + PNG at {F.DEFAULT_DPI} dpi) in {total:.2f} s")


if __name__ == "__main__":
    main()
