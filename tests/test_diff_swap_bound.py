"""The cheap bound that spares ``similarity`` for id-matched pairs is never wrong."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spbe_cli.diff.changeset import RENAME_THRESHOLD, _surely_alike, similarity
from spbe_cli.validate import validate_catalog

CATALOG = Path(__file__).parent.parent / "catalog"


def _variants(model: Any) -> Iterator[Any]:
    """The model, renamed a little, renamed a lot, and with its name emptied."""
    yield model
    for name in ("nama", "judul"):
        value = getattr(model, name, None)
        if isinstance(value, str):
            yield model.model_copy(update={name: value + " Terpadu"})
            yield model.model_copy(update={name: "Lain Sama Sekali"})
            yield model.model_copy(update={name: ""})


def test_surely_alike_implies_similar_on_every_pair_of_the_bundled_catalog() -> None:
    catalog, _ = validate_catalog(CATALOG)
    by_kind: defaultdict[str, list[Any]] = defaultdict(list)
    for entity in catalog.entities.values():
        by_kind[entity.entitas].append(entity)
    checked = alike = 0
    for entities in by_kind.values():
        for old, new in itertools.product(entities[:25], repeat=2):
            for variant in _variants(new):
                checked += 1
                if _surely_alike(old, variant):
                    alike += 1
                    assert similarity(old, variant) >= RENAME_THRESHOLD, (old.id, new.id)
    # The bound is of use: most edits of one entity are decided without the plain values.
    assert checked > 1000 and alike > 100
