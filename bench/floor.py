"""The floor: the least work any validator of these files must do, as a whole process.

Find the same files ``spbe validate`` reads (``.yaml``/``.yml``, hidden entries skipped), parse
each with libyaml (``yaml.load_all(text, Loader=yaml.CSafeLoader)``) and validate every document
with one pydantic ``TypeAdapter`` over the discriminated union of ``spbe_cli.models.MODELS``
(discriminator ``entitas``). No positions, no cross-entity rules, no report.

Usage: ``python bench/floor.py CATALOG`` prints ``files documents invalid`` on stdout.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import Field, TypeAdapter, ValidationError

from spbe_cli.models import MODELS


def build_adapter() -> TypeAdapter[Any]:
    """A TypeAdapter of every catalog model, chosen by the ``entitas`` key."""
    union = Union[tuple(MODELS.values())]  # type: ignore[valid-type]  # noqa: UP007
    return TypeAdapter(Annotated[union, Field(discriminator="entitas")])


def catalog_files(root: Path) -> list[Path]:
    """The YAML files under ``root``, hidden entries skipped, in a stable order."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(
            Path(dirpath, name)
            for name in sorted(filenames)
            if not name.startswith(".") and name.lower().endswith((".yaml", ".yml"))
        )
    return found


def run(root: Path) -> tuple[int, int, int]:
    """Parse and validate every document; return (files, documents, invalid documents)."""
    adapter = build_adapter()
    files = catalog_files(root)
    documents = invalid = 0
    for path in files:
        text = path.read_bytes().decode("utf-8-sig")
        for doc in yaml.load_all(text, Loader=yaml.CSafeLoader):
            if doc is None:
                continue
            documents += 1
            try:
                adapter.validate_python(doc)
            except ValidationError:
                invalid += 1
    return len(files), documents, invalid


def main() -> int:
    files, documents, invalid = run(Path(sys.argv[1]))
    print(files, documents, invalid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
