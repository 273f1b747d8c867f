"""The plafon of an indicator: the highest level the catalog's evidence supports.

Each rule reads the catalog (and, for level 5 of the Arsitektur and the Peta Rencana, the git tags
of the repository holding it) and returns the level, the evidence it rests on, and what the next
level still needs. Which rule serves which indicator is data (``reference/data/indeks-bukti.yaml``);
docs/indeks.md explains every rule. A rule that only caps (an empty register caps at 1) leaves a
complete register unbounded: the nilai then stands as the Pemda declared it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal

from spbe_cli.formatting import persen, tanggal
from spbe_cli.i18n import t
from spbe_cli.models import DOMAINS
from spbe_cli.models.common import in_use

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog
    from spbe_cli.models import Penilaian
    from spbe_cli.models.organisasi import Dokumen

#: diturunkan: the level follows from the evidence; tidak_dibatasi: the evidence was read and
#: bounds nothing; dinyatakan: the catalog cannot show this indicator, the nilai is declared.
Status = Literal["diturunkan", "tidak_dibatasi", "dinyatakan"]
_IN_FORCE = ("berlaku", "diubah")
#: Every rule name ``reference/data/indeks-bukti.yaml`` may give an indicator.
RULES = frozenset(
    {
        "kebijakan",
        "kebijakan_arsitektur",
        "kebijakan_peta_rencana",
        "arsitektur",
        "peta_rencana",
        "rencana_anggaran",
        "aplikasi_umum",
        "pusat_data",
        "integrasi",
        "keamanan",
        "data",
        "aset",
        "layanan",
        "tata_kelola_dokumen",
    }
)
#: A step of a document's levels: adds evidence and gaps, says whether it found what it reads.
Gather = Callable[[list[str], list[str]], bool]
_SHOWN = 5  # ids listed in one evidence line before "and n more"


@dataclass(frozen=True)
class Plafon:
    """The highest level the evidence supports (None: not bounded by the catalog)."""

    level: int | None
    status: Status
    bukti: tuple[str, ...] = ()
    kurang: tuple[str, ...] = ()


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_SHOWN])
    return shown if len(ids) <= _SHOWN else t("plafon.and_more", ids=shown, n=len(ids) - _SHOWN)


def _capped(level: int, bukti: Iterable[str], kurang: Iterable[str]) -> Plafon:
    return Plafon(level, "diturunkan", tuple(bukti), tuple(kurang))


def _open(bukti: Iterable[str], note: str) -> Plafon:
    return Plafon(None, "tidak_dibatasi", tuple(bukti), (note,))


@dataclass(frozen=True)
class Tag:
    """A git tag marking a ditetapkan version of a document."""

    name: str
    tanggal: date


#: Marks of :func:`marks`: a name (the entity's id goes in that bag) or ``[bag, key, ...]``.
Mark = str | list[str]


def marks(kind: str, entity: Any) -> list[Mark]:
    """What one entity of a domain adds to the plafon's tallies (:class:`Tally`).

    The one home of what each rule counts of an entity: a full run sums every entity's marks,
    ``spbe validate`` following an edit keeps the sums in its snapshot and takes out the marks
    of the entities the edit changed before adding their new ones. A name is a bag holding the
    entity's id; ``[bag, key, ...]`` puts other keys in a bag (what a keamanan item covers, an
    application's integration edges). Bags named after a value (``kode:...``, ``pusat:...``)
    leave the reference data and the settings to the verdict.
    """
    code = getattr(entity, DOMAINS[kind][1])
    found: list[Mark] = ["kode" if code is None else f"kode:{code}"]
    if kind == "keamanan":  # every item, in use or not, covers its objek
        found.append("keamanan")
        if entity.objek:
            found.append(["objek", *entity.objek])
    if not in_use(entity):
        return found
    if kind == "aplikasi":
        found.append("app")
        if entity.kategori == "umum":
            found.append("umum")
        elif (
            entity.kategori == "khusus"
            and entity.setara_aplikasi_umum
            and entity.justifikasi_khusus is None
        ):
            found.append("dup")
        if entity.pemilik_tipe == "pemda":
            if not entity.infrastruktur:
                found.append("unhosted")
            if not entity.pemilik or not entity.infrastruktur:
                found.append("aset_kurang")
        if entity.integrasi:
            # An edge counts when its target is in use: the verdict reads the "app" bag. The
            # key sorts as the edges come: by application, then in the order written.
            found.append(
                ["edge", *(f"{entity.id}\0{j:06d}\0{to}" for j, to in enumerate(entity.integrasi))]
            )
    elif kind == "infrastruktur":
        found += ["infra", f"pusat:{entity.jenis}"]
        if not entity.opd and entity.status_kepemilikan == "milik":
            found.append("aset_kurang")
    elif kind == "data_informasi":
        found.append("data")
        if not entity.interoperabilitas or (
            entity.jenis in ("statistik", "geospasial") and not entity.pembina_data
        ):
            found.append("data_kurang")
        if entity.sifat != "terbuka" or entity.data_pribadi:
            found.append("rahasia")
    return found


#: Each entity the last :meth:`Tally.of` summed, by id, with its marks (see :func:`marks_of`).
_marked: dict[str, tuple[Any, list[Mark]]] = {}


def marks_of(kind: str, entity: Any) -> list[Mark]:
    """:func:`marks`, as the last sum over a catalog found them for this very entity.

    A full run's snapshot keeps every entity's marks: they are not worked out twice.
    """
    found = _marked.get(entity.id)
    if found is not None and found[0] is entity:
        return found[1]
    return marks(kind, entity)


def moved(
    delta: dict[tuple[str, str], int], entity_id: str, found: Iterable[Mark], step: int
) -> None:
    """Add to ``delta`` one entity's marks put in (``step`` 1) or taken out (-1), by bag and key.

    The marks an edit takes out and puts back cancel out: the bags they name are not read.
    """
    for mark in found:
        if type(mark) is str:
            delta[mark, entity_id] = delta.get((mark, entity_id), 0) + step
        else:
            name = mark[0]
            for key in mark[1:]:
                delta[name, key] = delta.get((name, key), 0) + step


class Tally:
    """Every domain entity's :func:`marks` summed: each bag's keys, with how many put each.

    The bags are what a snapshot keeps, one section each (:mod:`spbe_cli.incremental_plafon`):
    ``read(name)`` reads one when it is first asked for, so a followed edit reads the bags its
    entities and the rules touch, not every code's.
    """

    def __init__(
        self,
        bags: dict[str, dict[str, int]] | None = None,
        unread: Iterable[str] = (),
        read: Callable[[str], dict[str, int]] | None = None,
    ) -> None:
        self.bags: dict[str, dict[str, int]] = {} if bags is None else bags
        self._unread = set(unread) - self.bags.keys()
        self._read = read
        #: the bags :meth:`add` changed
        self.changed: set[str] = set()

    @classmethod
    def of(cls, catalog: Catalog) -> Tally:
        """The tallies of a whole catalog."""
        from collections import Counter

        bags: dict[str, Counter[str]] = {}
        entities = catalog.entities
        _marked.clear()
        for kind in DOMAINS:
            for entity_id in catalog.ids_of(kind):
                entity = entities[entity_id]
                found = marks(kind, entity)
                _marked[entity_id] = (entity, found)
                for mark in found:
                    if type(mark) is str:
                        bag = bags.get(mark)
                        if bag is None:
                            bag = bags[mark] = Counter()
                        bag[entity_id] += 1
                    else:
                        bag = bags.get(mark[0])
                        if bag is None:
                            bag = bags[mark[0]] = Counter()
                        bag.update(mark[1:])
        return cls({name: dict(bag) for name, bag in bags.items()})

    def names(self) -> list[str]:
        """The name of every bag (some perhaps empty after an edit)."""
        return [*self.bags, *self._unread]

    def keys(self, name: str) -> dict[str, int]:
        """One bag (empty when no entity put anything in it)."""
        bag = self.bags.get(name)
        if bag is None:
            if name in self._unread and self._read is not None:
                self._unread.discard(name)
                bag = self.bags[name] = self._read(name)
            else:
                bag = self.bags[name] = {}
        return bag

    def add(self, entity_id: str, found: Iterable[Mark], step: int) -> None:
        """Put one entity's marks in (``step`` 1) or take them out (-1).

        Raises:
            ValueError: a mark taken out that was not in (the tallies do not match the marks).
        """
        delta: dict[tuple[str, str], int] = {}
        moved(delta, entity_id, found, step)
        self.apply(delta)

    def apply(self, delta: dict[tuple[str, str], int]) -> None:
        """Add ``delta`` (see :func:`moved`) to the bags: a bag it leaves as it was is not read.

        Raises:
            ValueError: a count taken below 0 (the tallies do not match the marks).
        """
        for (name, key), step in delta.items():
            if not step:
                continue
            bag = self.keys(name)
            self.changed.add(name)
            count = bag.get(key, 0) + step
            if count > 0:
                bag[key] = count
            elif count == 0:
                del bag[key]
            else:
                raise ValueError(f"{name} {key} taken out twice")

    def sorted(self, name: str) -> list[str]:
        """One bag's keys, sorted (ids: in id order, as the catalog gives an entity kind)."""
        return sorted(self.keys(name))

    def edges(self) -> list[tuple[str, str]]:
        """Integration edges between applications in use, by application, in written order."""
        alive = self.keys("app")
        found = []
        for key in self.sorted("edge"):
            source, _, target = key.split("\0", 2)
            if target in alive:
                found.append((source, target))
        return found


def tally_of(catalog: Catalog) -> Tally:
    """The tallies of a catalog: summed over its entities, or those it carries (``tally``).

    A catalog :mod:`spbe_cli.incremental_plafon` makes to follow an edit carries the tallies
    it worked out from the snapshot's: its entities are not all there to be summed.
    """
    kept = getattr(catalog, "tally", None)
    if isinstance(kept, Tally):
        return kept
    tally = Tally.of(catalog)
    _summed[:] = [(catalog, tally)]
    return tally


#: The last catalog whose tallies were summed, with them (see :func:`summed`).
_summed: list[tuple[Catalog, Tally]] = []


def summed(catalog: Catalog) -> Tally:
    """The tallies of ``catalog`` as its rules summed them in this run (or summed now).

    What a full run's snapshot keeps: the entities are not summed twice.
    """
    if _summed and _summed[0][0] is catalog:
        return _summed[0][1]
    return Tally.of(catalog)


class _Yearless:
    """What an :class:`Evidence` learns that does not depend on the evaluation year.

    Shared by the evidence of every year of one catalog (``spbe validate`` computes the plafon
    for each evaluation, often of two frameworks and years): the tallies of the catalog, the
    integration edges, the git tags, and the plafon of each rule that never read the year.
    """

    def __init__(self, tally: Tally | None = None) -> None:
        self.tags: dict[str, list[Tag] | None] = {}
        self.plafon: dict[str, Plafon] = {}
        self.tally = tally
        self.edges: list[tuple[str, str]] | None = None
        self.integrated: set[str] | None = None


class Evidence:
    """What the catalog shows, read once per run and shared by every rule."""

    def __init__(
        self,
        catalog: Catalog,
        tahun: int | None,
        tags: Callable[[str], list[Tag] | None] | None = None,
        yearless: _Yearless | None = None,
    ) -> None:
        self.catalog = catalog
        self._tahun = tahun
        self._tags = tags or self._git_tags
        self._shared = yearless or _Yearless()
        self._memo: dict[str, Plafon] = {}
        self._year_read = False
        from spbe_cli.reference import load_reference

        self.settings: dict[str, Any] = load_reference().raw["indeks-bukti.yaml"]

    def for_year(self, tahun: int | None) -> Evidence:
        """The evidence of the same catalog for another year, sharing what is not yearly."""
        return Evidence(self.catalog, tahun, self._tags, self._shared)

    @property
    def tahun(self) -> int | None:
        """The evaluation year; a rule that reads it has a plafon of that year only."""
        self._year_read = True
        return self._tahun

    # -- shared reads ---------------------------------------------------------------------------

    def _git_tags(self, prefix: str) -> list[Tag] | None:
        from spbe_cli.cachestate import note
        from spbe_cli.gitsource import tag_dates

        found = tag_dates(self.catalog.root, prefix)
        note("git-tags", prefix, found)  # an input of spbe validate (the run record)
        return None if found is None else [Tag(name, day) for name, day in found]

    def tags(self, prefix: str) -> list[Tag] | None:
        """Tags named ``prefix*`` with their dates; None when git cannot tell."""
        cache = self._shared.tags
        if prefix not in cache:
            cache[prefix] = self._tags(prefix)
        return cache[prefix]

    @property
    def tally(self) -> Tally:
        """The catalog's tallies (summed once per run: see :func:`tally_of`)."""
        shared = self._shared
        if shared.tally is None:
            shared.tally = tally_of(self.catalog)
        return shared.tally

    def cited(self, penilaian: Penilaian | None, kind: str) -> list[Any]:
        """The entities of ``kind`` a penilaian names as bukti."""
        if penilaian is None:
            return []
        catalog = self.catalog
        return [catalog.get(i) for i in penilaian.bukti if catalog.kinds.get(i) == kind]

    # -- dispatch -------------------------------------------------------------------------------

    def plafon(self, aturan: str | None, penilaian: Penilaian | None = None) -> Plafon:
        """The plafon of one indicator under rule ``aturan`` (None: no rule)."""
        if aturan is None or aturan not in RULES:  # the data files are checked by a test
            return Plafon(None, "dinyatakan", (), (t("plafon.no_rule"),))
        if aturan in ("kebijakan", "kebijakan_arsitektur", "kebijakan_peta_rencana"):
            return self.kebijakan(aturan.removeprefix("kebijakan").lstrip("_") or None, penilaian)
        if aturan == "layanan":
            return self.layanan(penilaian)
        found = self._shared.plafon.get(aturan)
        if found is None:
            found = self._memo.get(aturan)
        if found is None:
            rule: Callable[[], Plafon] = getattr(self, aturan)
            outer, self._year_read = self._year_read, False
            found = rule()
            yearly = self._year_read
            self._year_read = outer or yearly
            (self._memo if yearly else self._shared.plafon)[aturan] = found
        return found

    # -- documents: indicators 11 and 12 ---------------------------------------------------------

    def _ditetapkan(self, doc: Dokumen, bukti: list[str], gaps: list[str]) -> None:
        """Level 3's second half: the document is ditetapkan by a regulation in force."""
        if doc.status != "ditetapkan":
            gaps.append(t("plafon.doc_not_set", status=doc.status))
        reg_id = doc.penetapan
        reg = self.catalog.get(reg_id) if reg_id else None
        if reg is None or self.catalog.kinds.get(reg_id or "") != "regulasi":
            gaps.append(t("plafon.no_penetapan"))
        elif reg.status not in _IN_FORCE:
            gaps.append(t("plafon.penetapan_status", id=reg.id, status=reg.status))
        elif doc.status == "ditetapkan":
            bukti.append(t("plafon.penetapan", id=reg.id, sebutan=reg.sebutan))

    def _updated_after_reviu(self, doc: Dokumen, name: str, bukti: list[str]) -> Plafon:
        """Level 5: a version ditetapkan before a reviu and an updated one after it (git tags)."""
        prefix = str(self.settings["tag_dokumen"][name])
        tags = self.tags(prefix)
        if tags is None:
            return _capped(4, bukti, [t("plafon.no_git", prefix=prefix)])
        for reviu in sorted(doc.reviu, key=lambda r: r.tanggal):
            before = [tag for tag in tags if tag.tanggal <= reviu.tanggal]
            after = [tag for tag in tags if tag.tanggal > reviu.tanggal]
            if before and after:
                bukti.append(
                    t(
                        "plafon.tags",
                        before=before[-1].name,
                        after=after[0].name,
                        tanggal=tanggal(reviu.tanggal, None),
                    )
                )
                return _capped(5, bukti, [])
        shown = ", ".join(f"{tag.name} ({tanggal(tag.tanggal, None)})" for tag in tags) or "-"
        return _capped(4, bukti, [t("plafon.needs_tags", prefix=prefix, tags=shown)])

    def _reviu(self, doc: Dokumen, bukti: list[str], gaps: list[str]) -> None:
        if doc.reviu:
            dates = ", ".join(tanggal(r.tanggal, None) for r in doc.reviu)
            bukti.append(t("plafon.reviu", n=len(doc.reviu), tanggal=dates))
        else:
            gaps.append(t("plafon.no_reviu"))

    def _document(self, name: str, content: Gather, national: Gather) -> Plafon:
        """Levels 1-5 of the Arsitektur or the Peta Rencana (indicators 11 and 12).

        ``content`` adds the evidence of level 2 and the gaps of a complete document (level 3),
        and says whether there is any content at all; ``national`` adds the evidence of level 4
        beyond the reviu. Level 3 also needs the document ditetapkan, level 5 the git tags.
        """
        meta = self.catalog.metadata
        if meta is None:
            return _capped(1, [], [t("plafon.no_metadata")])
        doc = getattr(meta.dokumen, name)
        bukti = [t("plafon.document", judul=doc.judul, versi=doc.versi, status=doc.status)]
        gaps: list[str] = []
        if not content(bukti, gaps):
            return _capped(1, bukti, gaps)
        self._ditetapkan(doc, bukti, gaps)
        if gaps:
            return _capped(2, bukti, gaps)
        self._reviu(doc, bukti, gaps)
        national(bukti, gaps)
        if gaps:
            return _capped(3, bukti, gaps)
        return self._updated_after_reviu(doc, name, bukti)

    def arsitektur(self) -> Plafon:
        """Indicator 11 of PermenPANRB 59/2020: the Arsitektur SPBE."""
        counts = {kind: len(self.catalog.ids_of(kind)) for kind in DOMAINS}

        def domains(bukti: list[str], gaps: list[str]) -> bool:
            filled = [f"{kind} {n}" for kind, n in counts.items() if n]
            if not filled:
                gaps.append(t("plafon.no_domain"))
                return False
            bukti.append(t("plafon.domains", n=len(filled), list=", ".join(filled)))
            missing = [kind for kind, n in counts.items() if not n]
            if missing:
                gaps.append(t("plafon.domains_missing", list=", ".join(missing)))
            return True

        def codes(bukti: list[str], gaps: list[str]) -> bool:
            bad = self._codes_off_reference()
            if bad:
                gaps.append(t("plafon.codes_off", n=len(bad), ids=_ids(bad)))
            else:
                bukti.append(t("plafon.codes_ok", n=sum(counts.values())))
            return not bad

        return self._document("arsitektur", domains, codes)

    def _codes_off_reference(self) -> list[str]:
        """Elements whose RA* code is unknown, inferred or illustrative (not the national one)."""
        codes = self.catalog.reference.codes
        bad: list[str] = []
        tally = self.tally
        for name in tally.names():
            if name == "kode" or name.startswith("kode:"):
                node = codes.get(name[5:]) if name != "kode" else None
                if node is None or node.inferensi or node.ilustratif:
                    bad.extend(tally.keys(name))
        return sorted(bad)

    def peta_rencana(self) -> Plafon:
        """Indicator 12 of PermenPANRB 59/2020: the Peta Rencana SPBE."""
        from spbe_cli.status import is_cancelled

        catalog = self.catalog
        # Cancelled in the file or by the latest progress entry, as keterpaduan reads it.
        items = [i for i in catalog.of_kind("peta_rencana") if not is_cancelled(i)]

        def muatan(bukti: list[str], gaps: list[str]) -> bool:
            if not items:
                gaps.append(t("plafon.no_items"))
                return False
            present = sorted({i.muatan for i in items})
            bukti.append(t("plafon.muatan", n=len(present), list=", ".join(present)))
            missing = [m for m in catalog.reference.muatan if m not in present]
            if missing:
                gaps.append(t("plafon.muatan_missing", list=", ".join(missing)))
            return True

        def budgets(bukti: list[str], gaps: list[str]) -> bool:
            terpadu, relevant, lacking = self.keterpaduan()
            line = self._keterpaduan_line(terpadu, relevant)
            if relevant and not lacking:
                bukti.append(line)
                return True
            gaps.append(line + ("; " + t("plafon.lacking", ids=_ids(lacking)) if lacking else ""))
            return False

        return self._document("peta_rencana", muatan, budgets)

    # -- plan and budget ------------------------------------------------------------------------

    def window(self) -> range | None:
        """The years whose budgets count: the evaluation year and the two before it."""
        return None if self.tahun is None else range(self.tahun - 2, self.tahun + 1)

    def keterpaduan(self) -> tuple[int, int, list[str]]:
        """Peta Rencana items in the window with a sub-kegiatan code and a budget every year.

        Returns ``(terpadu, relevant, lacking ids)``; an item counts as relevant when one of its
        years falls in the window (every item when there is no evaluation year).
        """
        from spbe_cli import plan
        from spbe_cli.status import is_cancelled

        window = self.window()
        terpadu, relevant, lacking = 0, 0, []
        for item in self.catalog.of_kind("peta_rencana"):
            # Cancelled in the file or by the latest progress entry, as spbe progress reads it.
            if is_cancelled(item):
                continue
            years = [y for y in plan.years(item) if window is None or y in window]
            if not years:
                continue
            relevant += 1
            funded = {y for y, pagu in plan.budget_by_year([item]).items() if pagu > 0}
            sub_kegiatan = item.nomenklatur is not None and item.nomenklatur.kode.count(".") == 5
            if sub_kegiatan and all(y in funded for y in years):
                terpadu += 1
            else:
                lacking.append(item.id)
        return terpadu, relevant, lacking

    def _keterpaduan_line(self, terpadu: int, relevant: int) -> str:
        window = self.window()
        years = f"{window.start}-{window.stop - 1}" if window else t("plafon.all_years")
        return t(
            "plafon.keterpaduan",
            terpadu=terpadu,
            n=relevant,
            share=persen(terpadu, relevant),
            years=years,
        )

    def rencana_anggaran(self) -> Plafon:
        """Rencana dan Anggaran SPBE: how much of the Peta Rencana reaches the budget."""
        terpadu, relevant, lacking = self.keterpaduan()
        line = self._keterpaduan_line(terpadu, relevant)
        if not relevant or not terpadu:
            return _capped(1, [], [line])
        if lacking:
            return _capped(2, [line], [t("plafon.lacking", ids=_ids(lacking))])
        return _open([line], t("plafon.beyond_catalog"))

    # -- policies -------------------------------------------------------------------------------

    def kebijakan(self, dokumen: str | None, penilaian: Penilaian | None) -> Plafon:
        """Kebijakan Internal: the status of the regulations cited (a rancangan caps at 1)."""
        catalog = self.catalog
        regs = self.cited(penilaian, "regulasi")
        meta = catalog.metadata
        if dokumen is not None and meta is not None:
            reg_id = getattr(meta.dokumen, dokumen).penetapan
            if reg_id and catalog.kinds.get(reg_id) == "regulasi":
                regs = [catalog.get(reg_id), *[r for r in regs if r.id != reg_id]]
        if not regs:
            return Plafon(None, "dinyatakan", (), (t("plafon.cite_regulasi"),))
        in_force = [r for r in regs if r.status in _IN_FORCE]
        listed = [
            f"{r.id} ({r.sebutan}, {r.status})" if r.nomor else f"{r.id} ({r.sebutan})"
            for r in regs
        ]
        bukti = [t("plafon.regulasi", list="; ".join(listed))]
        if not in_force:
            return _capped(1, bukti, [t("plafon.regulasi_not_set")])
        return _open(bukti, t("plafon.policy_content"))

    # -- applications, infrastructure, integration ----------------------------------------------

    def aplikasi_umum(self) -> Plafon:
        """Use of the national Aplikasi Umum, no unjustified local duplicate."""
        tally = self.tally
        apps = tally.keys("app")
        if not apps:
            return _capped(1, [], [t("plafon.no_apps")])
        umum, dup = tally.sorted("umum"), tally.sorted("dup")
        bukti = [t("plafon.apps", n=len(apps), umum=len(umum))]
        gaps = []
        if not umum:
            gaps.append(t("plafon.no_umum"))
        if dup:
            gaps.append(t("plafon.duplicates", ids=_ids(dup)))
        if gaps:
            return _capped(2, bukti, gaps)
        bukti.append(t("plafon.umum_used", ids=_ids(umum)))
        return _open(bukti, t("plafon.beyond_catalog"))

    def pusat_data(self) -> Plafon:
        """Data centre: hosting recorded, every running application placed on it."""
        kinds = set(self.settings["jenis_pusat_data"])
        tally = self.tally
        dc = sorted(
            chain.from_iterable(
                tally.keys(name)
                for name in tally.names()
                if name.startswith("pusat:") and name[6:] in kinds
            )
        )
        if not dc:
            return _capped(1, [], [t("plafon.no_dc", jenis=", ".join(sorted(kinds)))])
        bukti = [t("plafon.dc", ids=_ids(dc))]
        # An application of a kementerian/lembaga runs on the ministry's hosting, not the Pemda's.
        unhosted = self.tally.sorted("unhosted")
        if unhosted:
            return _capped(2, bukti, [t("plafon.unhosted", ids=_ids(unhosted))])
        return _open(bukti, t("plafon.beyond_catalog"))

    def _edges(self) -> list[tuple[str, str]]:
        """Integration edges between applications that are not discontinued (computed once)."""
        shared = self._shared
        if shared.edges is None:
            shared.edges = self.tally.edges()
        return shared.edges

    def _integrated(self) -> set[str]:
        """Applications at either end of an integration edge (computed once)."""
        shared = self._shared
        if shared.integrated is None:
            shared.integrated = {a for edge in self._edges() for a in edge}
        return shared.integrated

    def integrasi(self) -> Plafon:
        """Integration: an ``integrasi`` edge counts; a link or a login does not."""
        apps = self.tally.keys("app")
        if not apps:
            return _capped(1, [], [t("plafon.no_apps")])
        edges = self._edges()
        if not edges:
            return _capped(2, [t("plafon.apps_only", n=len(apps))], [t("plafon.no_edges")])
        shown = [f"{a}->{b}" for a, b in edges]
        return _open(
            [t("plafon.edges", n=len(edges), list=_ids(shown))], t("plafon.beyond_catalog")
        )

    # -- registers: security, data, assets ------------------------------------------------------

    def keamanan(self) -> Plafon:
        """Security: every application, infrastructure and non-open dataset is covered."""
        tally = self.tally
        if not tally.keys("keamanan"):
            return _capped(1, [], [t("plafon.no_keamanan")])
        covered = tally.keys("objek").keys()
        assets = [tally.keys(name).keys() for name in ("app", "infra", "rahasia")]
        bare = sorted(chain.from_iterable(ids - covered for ids in assets))
        total = sum(map(len, assets))
        bukti = [t("plafon.covered", n=total - len(bare), total=total)]
        if bare:
            return _capped(2, bukti, [t("plafon.uncovered", ids=_ids(bare))])
        return _open(bukti, t("plafon.beyond_catalog"))

    def data(self) -> Plafon:
        """Data: every dataset with its exchange format, and a pembina for statistik/geospasial."""
        data = self.tally.keys("data")
        if not data:
            return _capped(1, [], [t("plafon.no_data")])
        incomplete = self.tally.sorted("data_kurang")
        bukti = [t("plafon.data", n=len(data) - len(incomplete), total=len(data))]
        if incomplete:
            return _capped(2, bukti, [t("plafon.data_incomplete", ids=_ids(incomplete))])
        return _open(bukti, t("plafon.beyond_catalog"))

    def aset(self) -> Plafon:
        """ICT assets: each own application with an owner and a host, each infrastructure an OPD."""
        apps, infra = self.tally.keys("app"), self.tally.keys("infra")
        if not apps and not infra:
            return _capped(1, [], [t("plafon.no_assets")])
        incomplete = self.tally.sorted("aset_kurang")
        total = len(apps) + len(infra)
        bukti = [t("plafon.assets", n=total - len(incomplete), total=total)]
        if incomplete:
            return _capped(2, bukti, [t("plafon.assets_incomplete", ids=_ids(incomplete))])
        return _open(bukti, t("plafon.beyond_catalog"))

    # -- services -------------------------------------------------------------------------------

    def layanan(self, penilaian: Penilaian | None) -> Plafon:
        """Service maturity: non-digital <= 1, no application <= 2, level 4 needs an integration."""
        services = self.cited(penilaian, "layanan")
        if not services:
            return Plafon(None, "dinyatakan", (), (t("plafon.cite_layanan"),))
        integrated = self._integrated()
        best: int | None = 0
        lines, gaps = [], []
        for s in services:
            if not s.digital:
                cap: int | None = 1
                gaps.append(t("plafon.not_digital", id=s.id))
            elif not s.aplikasi:
                cap = 2
                gaps.append(t("plafon.no_app_for", id=s.id))
            elif not any(a in integrated for a in s.aplikasi):
                cap = 3
                gaps.append(t("plafon.no_integration_for", id=s.id))
            else:
                cap = None
            lines.append(t("plafon.service", id=s.id, cap=cap if cap is not None else "-"))
            if best is not None:
                best = None if cap is None else max(best, cap)
        if best is None:
            return _open(lines, t("plafon.beyond_catalog"))
        return _capped(best, lines, gaps)

    # -- Indeks Pemdi ---------------------------------------------------------------------------

    def tata_kelola_dokumen(self) -> Plafon:
        """Tata Kelola Pemdi: the lower of the Arsitektur and the Peta Rencana plafon."""
        a, p = self.plafon("arsitektur"), self.plafon("peta_rencana")
        low = min(a.level or 5, p.level or 5)
        bukti = [
            t("plafon.part", part="Arsitektur SPBE", level=a.level),
            *a.bukti,
            t("plafon.part", part="Peta Rencana SPBE", level=p.level),
            *p.bukti,
        ]
        kurang = [
            f"{part}: {gap}"
            for part, plafon in (("Arsitektur SPBE", a), ("Peta Rencana SPBE", p))
            if (plafon.level or 5) == low
            for gap in plafon.kurang
        ]
        return _capped(low, bukti, kurang)
