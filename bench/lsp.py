"""Per-edit latency of ``spbe lsp`` after the first load, in-process (used by ``run.py``).

Loads a catalog into the language server's :class:`Workspace` (timed once: the first load),
opens one application file (``--file``: another one, such as a file of thousands of documents;
timed once), then replays edits to it: a broken reference, then the fix, alternately, as
an editor sends them on each keystroke. Each edit is the quick step ``Workspace.update`` (what
``textDocument/didChange`` does before publishing the edited file's diagnostics); the full
re-check that follows when typing pauses (``Workspace.recheck``, in a thread) is timed once.
Prints one JSON line: the first load, the median and the worst edit (and the median edit's
CPU time, which other work on the machine does not change), the full re-check, in seconds, and
the findings.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from spbe_cli.i18n import set_language
from spbe_cli.lsp.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("catalog", type=Path)
    parser.add_argument("--edits", type=int, default=6)
    parser.add_argument(
        "--file", help="the catalog file to edit (default: the first application file)"
    )
    args = parser.parse_args()
    set_language("en")
    workspace = Workspace(args.catalog)
    start = time.perf_counter()
    workspace.load()
    first = time.perf_counter() - start
    rel = args.file or next(
        p
        for p in sorted(workspace.paths)
        if "aplikasi" in p and b"\npemilik: " in (args.catalog / p).read_bytes()
    )
    text = (args.catalog / rel).read_bytes()
    broken = text.replace(b"\npemilik: ", b"\npemilik: TIDAK-ADA-", 1)
    start = time.perf_counter()
    workspace.update(rel, text)  # the editor opens the file (textDocument/didOpen)
    opened = time.perf_counter() - start
    times, cpu = [], []
    for index in range(args.edits):
        start, start_cpu = time.perf_counter(), time.process_time()
        workspace.update(rel, broken if index % 2 == 0 else text)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if index == 0:
            assert any(f.code == "SPBE201" for f in workspace.findings[rel]), "edit not seen"
    start = time.perf_counter()
    workspace.recheck()
    recheck = time.perf_counter() - start
    print(
        json.dumps(
            {
                "file": rel,
                "first_load": round(first, 3),
                "open": round(opened, 3),
                "seconds": statistics.median(times),
                "worst": max(times),
                # CPU seconds: what an edit costs whatever else the machine runs
                "cpu_seconds": statistics.median(cpu),
                "recheck": recheck,
                "files": len(workspace.paths),
                "findings": sum(len(f) for f in workspace.findings.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
