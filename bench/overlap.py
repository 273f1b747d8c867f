"""Time the cross-OPD overlap (duplicate) detector in-process on a generated catalog.

Only what the detector reads is built: the metadata, the OPDs, the applications and the programs
of a synthetic catalog at ``--scale``, loaded from memory with ``spbe_cli.loader.load_files`` (so
findings carry real positions). Then ``checks.duplicates.check_duplicates`` runs ``--repeat``
times; the median is printed as JSON with the number of items and findings.

Usage: ``python bench/overlap.py --scale 2 --repeat 3``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Generator

from spbe_cli.checks import Context
from spbe_cli.checks.duplicates import check_duplicates
from spbe_cli.loader import load_files

KINDS = ("opd/", "aplikasi/", "program/")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    gen = Generator(args.scale, args.seed)
    gen.build()
    files = [
        (rel, text.encode("utf-8"))
        for rel, text in gen.files()
        if rel == "metadata.yaml" or rel.startswith(KINDS)
    ]
    del gen
    catalog, findings = load_files(Path("."), files)
    errors = [f for f in findings if f.severity.value == "error"]
    times: list[float] = []
    found = 0
    for _ in range(args.repeat):
        ctx = Context(catalog)
        started = time.perf_counter()
        check_duplicates(ctx)
        times.append(time.perf_counter() - started)
        found = len(ctx.findings)
    items = sum(1 for k in catalog.kinds.values() if k in ("aplikasi", "program"))
    print(
        json.dumps(
            {
                "seconds": statistics.median(times),
                "items": items,
                "findings": found,
                "load_errors": len(errors),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
