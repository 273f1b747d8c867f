"""Time validation in-process on hostile catalog shapes, at 8k, 16k and 32k.

Each shape is built in memory at size ``n`` and validated as ``spbe validate`` does it (the
loader, every check, the per-file cap) from ``spbe_cli.loader.load_files``; the fastest of
``--repeat`` runs, in CPU seconds of this process, is printed as JSON, one object per shape and
size. (The runs are a fraction of a second each: the minimum CPU time is the figure that other
work on a shared machine disturbs least.)

* ``keys``: one OPD document with ``n`` unknown keys (n findings before the per-file cap);
* ``lines``: one OPD document whose ``catatan`` is one line of ``n * 8`` characters, quoted
  and full of escapes (the forbidden-character scan), plus ``n / 8`` unknown keys;
* ``files``: ``n / 8`` small files, each with an unknown key and a bad boolean (many files, many
  findings, none capped);
* ``markers``: one OPD document followed by ``n`` empty documents (``---`` lines), each an
  SPBE012 finding before the per-file cap.

Before the fix, ``keys`` grew quadratically (locating each finding rescanned the mapping:
8k keys 5.7 s, 16k 20.5 s, 32k about 2 minutes). ``markers`` grew quadratically too (locating
each empty document rescanned the text from its start: 20k markers 27 s, 200k, an 800 KB file,
about 45 minutes).

Usage: ``python bench/hostile.py --repeat 3``
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from spbe_cli.checks import run_checks
from spbe_cli.loader import load_files
from spbe_cli.validate import cap_per_file

SIZES = (8_000, 16_000, 32_000)
OPD = "entitas: opd\nid: {id}\nnama: x\njenis: dinas\n"

Files = list[tuple[str, bytes]]


def many_keys(n: int) -> Files:
    """One document with ``n`` unknown keys."""
    text = OPD.format(id="BANJIR") + "".join(f"kolom_{i}: x\n" for i in range(n))
    return [("opd/banjir.yaml", text.encode())]


def long_line(n: int) -> Files:
    """One quoted value of ``n * 8`` characters with escapes, and ``n / 8`` unknown keys."""
    value = '"' + "abc\\tdef" * n + '"'
    text = OPD.format(id="PANJANG") + f"catatan: {value}\n"
    text += "".join(f"kolom_{i}: x\n" for i in range(n // 8))
    return [("opd/panjang.yaml", text.encode())]


def many_files(n: int) -> Files:
    """``n / 8`` small files, each with two findings."""
    return [
        (f"opd/o{i:05d}.yaml", (OPD.format(id=f"O{i}") + "kolom: x\nilustratif: ya\n").encode())
        for i in range(n // 8)
    ]


def many_markers(n: int) -> Files:
    """One document followed by ``n`` empty documents."""
    text = OPD.format(id="PENANDA") + "---\n" * n
    return [("opd/penanda.yaml", text.encode())]


SHAPES: dict[str, Callable[[int], Files]] = {
    "keys": many_keys,
    "lines": long_line,
    "files": many_files,
    "markers": many_markers,
}


def validate(files: Files) -> int:
    """Load, check and cap as ``spbe validate`` does; the number of findings reported."""
    catalog, findings = load_files(Path("."), files)
    findings.extend(run_checks(catalog))
    return len(cap_per_file(findings, catalog.skipped_findings))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = []
    for shape, build in SHAPES.items():
        for n in SIZES:
            files = build(n)
            times: list[float] = []
            reported = validate(files)  # warm-up: imports, caches
            for _ in range(args.repeat):
                started = time.process_time()
                reported = validate(files)
                times.append(time.process_time() - started)
            size = sum(len(data) for _, data in files)
            results.append(
                {
                    "shape": shape,
                    "n": n,
                    "seconds": min(times),
                    "files": len(files),
                    "bytes": size,
                    "findings": reported,
                }
            )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
