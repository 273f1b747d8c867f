"""``spbe export``: the catalog as files other tools read.

Three targets, one pipeline: load and check the catalog (refuse on errors unless ``--force``,
like ``spbe render``), build the bytes in memory, write them atomically.

- :mod:`spbe_cli.export.archimate`: an ArchiMate 3.1 model in the Open Exchange Format;
- :mod:`spbe_cli.export.sia`: a worksheet for filling the SIA-SPBE portal (XLSX);
- :mod:`spbe_cli.export.tabel`: one table per entity kind and per list field (CSV, Parquet).
"""

from __future__ import annotations

from spbe_cli.export.common import ExportOptions, ExportOutcome, export_catalog

__all__ = ["ExportOptions", "ExportOutcome", "export_catalog"]
