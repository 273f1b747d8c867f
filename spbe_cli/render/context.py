"""What every document builder receives, and the small helpers the templates share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from spbe_cli.catalog import Catalog
from spbe_cli.errors import Finding
from spbe_cli.formatting import angka as angka
from spbe_cli.formatting import citation, entity_name, reading_order
from spbe_cli.formatting import persen as persen
from spbe_cli.formatting import rupiah as rupiah
from spbe_cli.formatting import rupiah_short as rupiah_short
from spbe_cli.reference.values import literal_values
from spbe_cli.status import is_cancelled


class Labels(dict[str, str]):
    """Id -> display label; an unknown id shows as itself (only reachable with ``--force``)."""

    def __missing__(self, key: str) -> str:
        return str(key)


@dataclass
class RenderInput:
    """A loaded, checked catalog plus what the command line adds (``--since`` and the like)."""

    catalog: Catalog
    findings: list[Finding] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def of_kind(self, kind: str) -> list[Any]:
        """Entities of one kind in id order."""
        return self.catalog.of_kind(kind)

    @property
    def opd(self) -> Labels:
        """OPD id -> short name (singkatan, else nama)."""
        labels = self._cache.get("opd")
        if labels is None:
            labels = Labels({o.id: o.nama_pendek for o in self.of_kind("opd")})
            self._cache["opd"] = labels
        return labels

    @property
    def opd_names(self) -> Labels:
        """OPD id -> full name."""
        labels = self._cache.get("opd_names")
        if labels is None:
            labels = Labels({o.id: o.nama for o in self.of_kind("opd")})
            self._cache["opd_names"] = labels
        return labels

    @property
    def names(self) -> Labels:
        """Any entity id -> its name (regulations by their short citation)."""
        labels = self._cache.get("names")
        if labels is None:
            labels = Labels()
            for entity_id, entity in self.catalog.entities.items():
                labels[entity_id] = entity_name(
                    self.catalog.kinds[entity_id], entity, self._pemda(), self.catalog.reference
                )
            self._cache["names"] = labels
        return labels

    @property
    def legal_basis(self) -> list[tuple[str, str]]:
        """Dasar Hukum: enacted regulations as (citation, subject), in hierarchy order."""
        found = self._cache.get("legal_basis")
        if found is None:
            pemda = self._pemda()
            enacted = [r for r in self.of_kind("regulasi") if r.status in ("berlaku", "diubah")]
            enacted.sort(key=hierarchy_order)
            found = [(citation(r, pemda), r.judul) for r in enacted]
            self._cache["legal_basis"] = found
        return found

    def _pemda(self) -> str:
        return self.catalog.pemda_nama


#: The kinds of regulation in the order of the hierarchy of legislation (the model lists them so).
_HIERARCHY: tuple[str, ...] = literal_values("regulasi", "jenis")
_TINGKAT = ("nasional", "provinsi", "daerah")


def hierarchy_order(reg: Any) -> tuple[int, int, int, int, tuple[str, str], str]:
    """The sort key of a list of regulations, as the Dasar Hukum orders them.

    National before provincial before regional, then the hierarchy of legislation (UU, PP,
    Perpres, Permen, ...), year and number; regulations not enacted yet by their subject.
    """
    number = int(reg.nomor) if reg.nomor and reg.nomor.isdigit() else 0
    return (
        _TINGKAT.index(reg.tingkat) if reg.tingkat in _TINGKAT else len(_TINGKAT),
        _HIERARCHY.index(reg.jenis) if reg.jenis in _HIERARCHY else len(_HIERARCHY),
        reg.tahun or 0,
        number,
        reading_order(reg.judul),
        reg.id,
    )


def years_of(values: Iterable[int], *extra: Iterable[int]) -> list[int]:
    """The sorted union of years."""
    found = set(values)
    for more in extra:
        found.update(more)
    return sorted(found)


def counts(item: Any) -> bool:
    """Tell whether a program or butir counts in a document's sums, counts, lists and roadmap.

    It counts unless cancelled (:func:`spbe_cli.status.is_cancelled`), the rule of the laporan
    and ``spbe progress``, so the pagu of a year is the same figure in every document. A cancelled
    plan is still described with its status (chapter V of the master plan, its muatan's chapter
    of the Peta Rencana) and a sentence names it; it is in no budget, count, quick win, roadmap,
    timeline, partner map, monitoring coverage, regulation list nor OPD appendix.
    """
    return not is_cancelled(item)


def targets_in(item: Any, year: int) -> list[tuple[str, Decimal, str]]:
    """``(indicator, target, unit)`` for every indicator with a target in ``year``."""
    return [(i.nama, i.target[year], i.satuan) for i in item.indikator if year in i.target]


def invert(links: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """``{a: [x, y]}`` -> ``{x: [a], y: [a]}``, lists sorted."""
    result: dict[str, list[str]] = defaultdict(list)
    for source, targets in links.items():
        for target in targets:
            result[target].append(source)
    return {k: sorted(v) for k, v in result.items()}


class CaptionNumbers:
    """Numbers captions (Tabel 1, Gambar 1, ...) in the order a template asks for them.

    The built-in templates no longer need it (the document parser numbers every
    ``~~~spbe-tabel`` and ``~~~spbe-gambar``); it stays as ``cap.next()`` for a catalog's own
    template written before that.
    """

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: dict[str, int] = defaultdict(int)

    def next(self, kind: str = "tabel") -> int:
        """Give the next number of one caption kind."""
        self._counts[kind] += 1
        return self._counts[kind]
