"""Progress of the smart city programs in one year, and the programs that need attention.

Definitions (documented for users in ``docs/progres.md``):

* A program is *stalled* (``mangkrak``) in year Y once Y has begun (Y is not after the year of
  "today"): no update for ``bulan_mangkrak`` months, or no entry for Y once Y itself is older
  than that (a program never reported is silent since 1 January of its first year).
* A program is *planned* for year Y when ``tahun_mulai <= Y <= tahun_selesai`` and neither the
  program nor its latest progress entry says ``dibatalkan``.
* The entry that counts for year Y is the latest entry with ``tahun == Y`` dated on or before
  "today" (``--tanggal``), ordered by ``tanggal``, then ``triwulan``, then position in the file.
  Entries dated after today are ignored, so a report for a past date can be reproduced.
* Capaian of an indicator: ``realisasi / target`` when ``arah: naik``, ``target / realisasi``
  when ``arah: turun``. A zero denominator gives 100% when the numerator is zero too, and the
  display cap otherwise; negative values give no capaian. Displayed capped at 999%.
* Capaian of a program: the mean of its indicators' capaian, each capped at 100% so that one
  indicator far above target cannot hide another below it. Capaian of a group (OPD, dimension,
  total): the mean over its programs that have a capaian.
* The expectation of a program's capaian on the report date (``--tanggal``) in year Y: the
  quarters of Y over on that date over 4 (a quarter is over on its last day: on 30 September
  75%, on 15 August 50%; a year over 100%), or the quarter its latest entry of Y reports when
  that is later (a Q1 entry judged on 25 March: 25%; a year-end entry: 100%). An entry for an
  earlier quarter than the ones over is *late*: it is judged against the report date's
  expectation, not its own quarter's, and the reason says so.
* Budget absorption: the sum of ``anggaran_terserap`` of the counting entries (cumulative within
  the year) over the sum of the year's ``anggaran.nilai``, over the planned programs.
* All arithmetic is :class:`~decimal.Decimal`; rounding (half-even) happens only at display.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from spbe_cli import plan
from spbe_cli.catalog import Catalog
from spbe_cli.errors import ExitCode, Location
from spbe_cli.formatting import PERCENT_CAP, percent, reading_order, tanggal, triwulan
from spbe_cli.i18n import t
from spbe_cli.models import Program, Progres
from spbe_cli.owners import responsible_opd
from spbe_cli.status import effective_status, latest_entry

ONE = Decimal(1)
ZERO = Decimal(0)
#: Capaian above this ratio is shown as ">999%".
CAP = PERCENT_CAP
DEFAULT_MONTHS = 6

#: Attention categories, in output order.
CATEGORIES = (
    "mangkrak",
    "tertinggal",
    "lewat_tahun",
    "dihentikan",
    "tanpa_regulasi",
    "digital_tanpa_spbe",
)
#: The categories that make a program late (behind its schedule), for the one-line answer
#: "what is late and who owns it" at the top of every format and of the laporan.
LATE_CATEGORIES = ("mangkrak", "tertinggal", "lewat_tahun")
#: The one-line answer names at most this many owners; the rest are counted together.
LATE_OWNERS_SHOWN = 20
_ENDED = ("selesai", "dibatalkan")
_REGULATION_OK = ("berlaku", "diubah")


#: Indonesia's time zones (no daylight saving): hours ahead of UTC.
ZONA_WAKTU = {"WIB": 7, "WITA": 8, "WIT": 9}

#: Where the report date comes from (``Options.asal_tanggal``).
ASAL_OPSI, ASAL_HARI_INI, ASAL_AKHIR_TAHUN = "opsi", "hari_ini", "akhir_tahun"


def _utc_now() -> datetime:
    """The clock, in UTC (one place, so that a test can set it)."""
    return datetime.now(timezone.utc)


def today_in(zona: str | None) -> date:
    """Today's date in the Pemda's time zone (``pemda.zona_waktu``), or in UTC without one.

    Never the machine's own time zone: CI in UTC and a laptop in Timika see the same date at the
    same moment, so the same catalog gives the same report wherever it is run.
    """
    offset = timedelta(hours=ZONA_WAKTU.get(zona or "", 0))
    return (_utc_now() + offset).date()


def default_report_date(tahun: int | None, zona: str | None) -> tuple[date, str]:
    """The report date without ``--tanggal``, and where it comes from.

    A year already over (``--tahun`` before this year) is reported at its last day, as the
    year-end document is: the same report whenever it is run, and nothing of the next year
    counts. Otherwise: today in the Pemda's time zone.
    """
    today = today_in(zona)
    if tahun is not None and tahun < today.year:
        return date(tahun, 12, 31), ASAL_AKHIR_TAHUN
    return today, ASAL_HARI_INI


@dataclass(frozen=True)
class Options:
    """What to report on: the year, "today", the stalled threshold and the filters."""

    tahun: int
    tanggal: date
    bulan_mangkrak: int = DEFAULT_MONTHS
    opd: str | None = None
    dimensi: str | None = None
    fail_on_attention: bool = False
    """``--fail-on-attention``: exit 1 when something needs attention."""
    asal_tanggal: str = ASAL_OPSI
    """Where ``tanggal`` comes from: ``--tanggal``, today, or the end of a past year."""
    zona_waktu: str | None = None
    """The time zone "today" was read in (``pemda.zona_waktu``; None is UTC)."""


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator of a program in the year: target, realisasi and capaian (a ratio)."""

    nama: str
    satuan: str
    arah: str
    target: Decimal | None
    realisasi: Decimal | None
    capaian: Decimal | None


@dataclass(frozen=True)
class Expectation:
    """What a program's capaian should be on the report date (see the module docstring)."""

    triwulan: int
    """The quarter whose expectation applies (4: the whole year)."""
    dilaporkan: int
    """The quarter the counting entry reports (4 for a year-end entry)."""

    @property
    def harapan(self) -> Decimal:
        """The expected capaian, a ratio: ``triwulan / 4``."""
        return Decimal(self.triwulan) / 4

    @property
    def terlambat(self) -> bool:
        """Tell whether the entry reports a quarter earlier than the ones already over."""
        return self.dilaporkan < self.triwulan


def quarters_over(tahun: int, day: date) -> int:
    """How many quarters of ``tahun`` are over on ``day`` (0-4; a quarter ends on its last day)."""
    if day.year != tahun:
        return 4 if day.year > tahun else 0
    over = (day.month - 1) // 3
    if day.month % 3 == 0 and day.day == calendar.monthrange(day.year, day.month)[1]:
        over += 1
    return over


def expectation(entry: Progres, tahun: int, today: date) -> Expectation:
    """The one judgment of "on track": what the entry of ``tahun`` is held to on ``today``.

    Read by the attention list "di bawah target" of ``spbe progress`` (every format) and of
    the laporan document, and shown in the JSON output of each program.
    """
    reported = entry.triwulan or 4
    return Expectation(max(reported, quarters_over(tahun, today)), reported)


@dataclass(frozen=True)
class ProgramProgress:
    """One planned program in the year."""

    id: str
    nama: str
    opd: str
    dimensi: str
    status: str
    entry: Progres | None
    last_update: date | None
    indicators: tuple[IndicatorProgress, ...]
    capaian: Decimal | None
    pagu: int
    terserap: int
    serapan: Decimal | None
    #: the part of ``pagu`` from illustrative budget lines (shown with a mark)
    pagu_ilustratif: int = 0
    #: what the capaian should be on the report date (None without an entry this year)
    expected: Expectation | None = None


@dataclass(frozen=True)
class GroupSummary:
    """Totals of the planned programs of one OPD, one dimension, or the whole catalog."""

    key: str
    nama: str
    programs: int
    with_progress: int
    selesai: int
    capaian: Decimal | None
    capaian_n: int
    pagu: int
    terserap: int
    serapan: Decimal | None
    #: the part of ``pagu`` from illustrative budget lines (shown with a mark)
    pagu_ilustratif: int = 0


@dataclass(frozen=True)
class FlaggedProgram:
    """A program that needs attention, with the reason (a message and its values)."""

    category: str
    id: str
    nama: str
    opd: str
    dimensi: str
    reason: str
    reason_key: str
    values: dict[str, Any]
    location: Location | None


_Named = TypeVar("_Named", "FlaggedProgram", "ProgramProgress")


def readers_order(items: Iterable[_Named]) -> list[_Named]:
    """Programs in the order of the names readers see (the terminal keeps id order).

    The one order of the attention lists of ``spbe progress`` (Markdown, HTML) and of the
    laporan's program tables and attention lists.
    """
    return sorted(items, key=lambda a: (reading_order(a.nama), a.id))


@dataclass(frozen=True)
class LateOwner:
    """One OPD and its late programs (stalled, below target or past their end year)."""

    opd: str
    nama: str
    programs: tuple[FlaggedProgram, ...]


@dataclass
class ProgressReport:
    """Everything ``spbe progress`` and the year-end report show."""

    options: Options
    pemda: str
    programs: list[ProgramProgress]
    by_opd: list[GroupSummary]
    by_dimensi: list[GroupSummary]
    total: GroupSummary
    attention: dict[str, list[FlaggedProgram]] = field(default_factory=dict)
    since: str | None = None
    #: The master plan's years (the programs' period), to say when ``tahun`` lies outside it.
    periode: tuple[int, int] | None = None
    #: Readers' short name of each OPD (``nama_pendek``, else its id).
    opd_names: dict[str, str] = field(default_factory=dict)
    #: Readers' name of each dimension (``Smart Governance``).
    dimensi_names: dict[str, str] = field(default_factory=dict)

    def opd_name(self, opd: str) -> str:
        """The readers' name of an OPD id (the id itself when the catalog has no such OPD)."""
        return self.opd_names.get(opd) or opd

    @property
    def late(self) -> list[LateOwner]:
        """What is late and who owns it: the late programs grouped by the OPD that owns them.

        A program is late when it is stalled, below target or past its end year
        (:data:`LATE_CATEGORIES`), counted once. Owners with the most late programs first,
        then by name.
        """
        by_owner: dict[str, list[FlaggedProgram]] = {}
        seen: set[str] = set()
        for category in LATE_CATEGORIES:
            for item in self.attention.get(category, []):
                if item.id not in seen:
                    seen.add(item.id)
                    by_owner.setdefault(item.opd, []).append(item)
        owners = [LateOwner(k, self.opd_name(k), tuple(v)) for k, v in by_owner.items()]
        return sorted(owners, key=lambda o: (-len(o.programs), reading_order(o.nama), o.opd))

    def late_summary(self) -> tuple[int, list[LateOwner], int, int]:
        """The one-line answer's numbers: late programs, the owners named, and the others.

        ``(programs, owners shown, other owners, their programs)``: at most
        :data:`LATE_OWNERS_SHOWN` owners are named, so that the line stays one line in a
        catalog of a whole country; the others are counted together.
        """
        owners = self.late
        rest = owners[LATE_OWNERS_SHOWN:]
        total = sum(len(o.programs) for o in owners)
        return total, owners[:LATE_OWNERS_SHOWN], len(rest), sum(len(o.programs) for o in rest)

    @property
    def outside_period(self) -> bool:
        """Tell whether the year lies outside the master plan (the report is then empty)."""
        if self.periode is None:
            return False
        return not self.periode[0] <= self.options.tahun <= self.periode[1]

    @property
    def attention_count(self) -> int:
        """Number of attention items over every category."""
        return sum(len(items) for items in self.attention.values())

    def checked(self, category: str) -> bool:
        """Tell whether ``category`` was looked for: programs dropped need ``--since``."""
        return category != "dihentikan" or self.since is not None

    @property
    def return_code(self) -> ExitCode:
        """Exit code: 1 when something needs attention and ``--fail-on-attention``; else 0."""
        if self.options.fail_on_attention and self.attention_count:
            return ExitCode.FINDINGS
        return ExitCode.OK


# -- arithmetic -------------------------------------------------------------------------------


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` as a capaian; see the module docstring for the edge cases."""
    if numerator < 0 or denominator < 0:
        return None
    if denominator == 0:
        return ONE if numerator == 0 else CAP + ONE
    return numerator / denominator


def capaian(target: Decimal | None, realisasi: Decimal | None, arah: str) -> Decimal | None:
    """Capaian of one indicator: realisasi/target (naik) or target/realisasi (turun)."""
    if target is None or realisasi is None:
        return None
    return ratio(realisasi, target) if arah == "naik" else ratio(target, realisasi)


def serapan(terserap: int, pagu: int) -> Decimal | None:
    """Budget absorption ``terserap / pagu`` (of a program or a group); None without a pagu."""
    return ratio(Decimal(terserap), Decimal(pagu)) if pagu else None


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """Arithmetic mean, or None for no values."""
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def is_planned(program: Any, tahun: int, today: date) -> bool:
    """Tell whether a program is planned in ``tahun`` (see the module docstring)."""
    if tahun not in plan.years(program):
        return False
    return effective_status(program, today) != "dibatalkan"


def program_progress(program_id: str, program: Program, options: Options) -> ProgramProgress:
    """Capaian and budget absorption of one program in the year."""
    year, today = options.tahun, options.tanggal
    entry = latest_entry(program.progres, today, year)
    last = latest_entry(program.progres, today)
    indicators = []
    for ind in program.indikator:
        target = ind.target.get(year)
        real = entry.realisasi.get(ind.nama) if entry is not None else None
        indicators.append(
            IndicatorProgress(
                ind.nama, ind.satuan, ind.arah, target, real, capaian(target, real, ind.arah)
            )
        )
    capped = [min(i.capaian, ONE) for i in indicators if i.capaian is not None]
    budget = plan.budget_in(program, year)
    pagu = budget.total
    terserap = (entry.anggaran_terserap or 0) if entry is not None else 0
    return ProgramProgress(
        id=program_id,
        nama=program.nama,
        opd=responsible_opd(program) or "",
        dimensi=program.dimensi,
        status=effective_status(program, today),
        entry=entry,
        last_update=last.tanggal if last is not None else None,
        indicators=tuple(indicators),
        capaian=mean(capped),
        pagu=pagu,
        terserap=terserap,
        serapan=serapan(terserap, pagu),
        pagu_ilustratif=budget.illustrative,
        expected=expectation(entry, year, today) if entry is not None else None,
    )


def summarise(key: str, nama: str, programs: Sequence[ProgramProgress]) -> GroupSummary:
    """Totals of a group of planned programs."""
    values = [p.capaian for p in programs if p.capaian is not None]
    pagu = sum(p.pagu for p in programs)
    terserap = sum(p.terserap for p in programs)
    return GroupSummary(
        key=key,
        nama=nama,
        programs=len(programs),
        with_progress=sum(1 for p in programs if p.entry is not None),
        selesai=sum(1 for p in programs if p.status == "selesai"),
        capaian=mean(values),
        capaian_n=len(values),
        pagu=pagu,
        terserap=terserap,
        serapan=serapan(terserap, pagu),
        pagu_ilustratif=sum(p.pagu_ilustratif for p in programs),
    )


# -- the report -------------------------------------------------------------------------------


def _selected(program: Any, options: Options) -> bool:
    if options.opd is not None and responsible_opd(program) != options.opd:
        return False
    return options.dimensi is None or program.dimensi == options.dimensi


def _programs(catalog: Catalog) -> list[tuple[str, Program]]:
    return [(p.id, p) for p in catalog.of_kind("program")]


def compute_progress(
    catalog: Catalog, options: Options, earlier: Catalog | None = None, since: str | None = None
) -> ProgressReport:
    """Compute the year's progress and the attention lists of a loaded catalog.

    ``earlier`` is the catalog at an earlier revision (``--since``), for programs dropped since.
    """
    selected = [(i, p) for i, p in _programs(catalog) if _selected(p, options)]
    planned = [
        program_progress(i, p, options)
        for i, p in selected
        if is_planned(p, options.tahun, options.tanggal)
    ]
    # Readers' short name of each OPD: the per-OPD rows, the attention lists, the late line.
    opd_names = {o.id: o.nama_pendek or o.id for o in catalog.of_kind("opd")}
    by_opd_map: dict[str, list[ProgramProgress]] = {}
    by_dim_map: dict[str, list[ProgramProgress]] = {}
    for item in planned:
        by_opd_map.setdefault(item.opd, []).append(item)
        by_dim_map.setdefault(item.dimensi, []).append(item)
    # Rows per OPD in the order of the names readers scan (not by id).
    shown: dict[str, str] = {k: opd_names.get(k, k) for k in by_opd_map}
    dimensi = catalog.reference.dimensi
    dim_order = {k: n for n, k in enumerate(dimensi)}
    meta = catalog.metadata
    report = ProgressReport(
        options=options,
        pemda=meta.pemda.nama if meta is not None else "",
        programs=planned,
        by_opd=[
            summarise(k, shown[k], by_opd_map[k])
            for k in sorted(shown, key=lambda opd: reading_order(shown[opd]))
        ],
        by_dimensi=[
            summarise(k, dimensi.get(k, k), by_dim_map[k])
            for k in sorted(by_dim_map, key=lambda k: (dim_order.get(k, len(dim_order)), k))
        ],
        total=summarise("", t("progress.total"), planned),
        since=since,
        opd_names=opd_names,
        dimensi_names={k: str(v) for k, v in dimensi.items()},
        periode=(
            (meta.dokumen.masterplan.periode.mulai, meta.dokumen.masterplan.periode.selesai)
            if meta is not None
            else None
        ),
    )
    attention: dict[str, list[FlaggedProgram]] = {c: [] for c in CATEGORIES}
    planned_by_id = {p.id: p for p in planned}
    for program_id, program in selected:
        _attend(catalog, program_id, program, planned_by_id.get(program_id), options, attention)
    if earlier is not None:
        attention["dihentikan"] = dropped(catalog, earlier, options)
    report.attention = attention
    return report


@dataclass(frozen=True)
class FutureEntry:
    """A progress entry dated after the report date: not counted (a typo, or planned ahead)."""

    id: str
    tanggal: date
    location: Location | None


def future_entries(catalog: Catalog, options: Options) -> list[FutureEntry]:
    """Entries of the selected programs dated after ``options.tanggal``, in catalog order."""
    found: list[FutureEntry] = []
    for program_id, program in _programs(catalog):
        if not _selected(program, options):
            continue
        for i, entry in enumerate(program.progres):
            if entry.tanggal > options.tanggal:
                where = catalog.where_known(program_id, "progres", i, "tanggal")
                found.append(FutureEntry(program_id, entry.tanggal, where))
    return found


def _item(
    catalog: Catalog, category: str, program_id: str, program: Any, key: str, **values: Any
) -> FlaggedProgram:
    return FlaggedProgram(
        category,
        program_id,
        program.nama,
        responsible_opd(program) or "",
        program.dimensi,
        t(key, **values),
        key,
        values,
        catalog.where_known(program_id, "id"),
    )


def _attend(
    catalog: Catalog,
    program_id: str,
    program: Program,
    progress: ProgramProgress | None,
    options: Options,
    out: dict[str, list[FlaggedProgram]],
) -> None:
    """Add one program to every attention list it belongs to."""
    today, year = options.tanggal, options.tahun
    status = effective_status(program, today)
    active = status not in _ENDED and program.status not in _ENDED

    def add(category: str, key: str, **values: Any) -> None:
        out[category].append(_item(catalog, category, program_id, program, key, **values))

    # A year that has not begun on the report date has no entry yet, and nothing stalls in it.
    if progress is not None and active and year <= today.year:
        cutoff = months_before(today, options.bulan_mangkrak)
        last = progress.last_update
        # No entry for the year yet is stalling only once the year, or the silence, is older
        # than the limit: on 10 January every program still lacks its first report.
        silent_since = last if last is not None else date(program.tahun_mulai, 1, 1)
        if progress.entry is None and (date(year, 1, 1) < cutoff or silent_since < cutoff):
            if last is None:
                add("mangkrak", "progress.reason.no_entry", tahun=year)
            else:
                add(
                    "mangkrak",
                    "progress.reason.no_entry_since",
                    tahun=year,
                    tanggal=tanggal(last, None),
                )
        elif last is not None and last < cutoff:
            add(
                "mangkrak",
                "progress.reason.no_update",
                tanggal=tanggal(last, None),
                # "6 bulan; batas 6 bulan" read as within the limit when it was past by days
                batas=options.bulan_mangkrak,
            )
    if progress is not None and progress.expected is not None:
        expected = progress.expected
        harapan = expected.harapan
        behind = [i for i in progress.indicators if i.capaian is not None and i.capaian < harapan]
        if behind:
            values: dict[str, Any] = {
                "indikator": "; ".join(f"{i.nama} {percent(i.capaian)}" for i in behind),
                "harapan": percent(harapan),
            }
            if expected.terlambat:
                add(
                    "tertinggal",
                    "progress.reason.behind_late",
                    # "triwulan I" in a report, "Q1" in English (formatting.triwulan)
                    dilaporkan=triwulan(expected.dilaporkan, None),
                    triwulan=triwulan(expected.triwulan, None),
                    **values,
                )
            else:
                add("tertinggal", "progress.reason.behind", **values)
    if program.tahun_selesai < today.year and active:
        add("lewat_tahun", "progress.reason.past_end", tahun=program.tahun_selesai, status=status)
    if active:
        missing = _missing_regulations(catalog, program)
        if missing:
            add("tanpa_regulasi", "progress.reason.regulation", regulasi=", ".join(missing))
        if program.digital:
            linked = [
                r for r in program.terkait_spbe if catalog.kinds.get(r) in ("layanan", "aplikasi")
            ]
            if not linked:
                key = (
                    "progress.reason.digital_other"
                    if program.terkait_spbe
                    else "progress.reason.digital_none"
                )
                add("digital_tanpa_spbe", key, terkait=", ".join(program.terkait_spbe))


def _missing_regulations(catalog: Catalog, program: Program) -> list[str]:
    """Regulations a program names (as basis or as needed) that are not in force yet.

    Each is named as readers cite it (``Peraturan Bupati tentang Satu Data (dibutuhkan)``):
    the text goes into the laporan as well as to the terminal.
    """
    from spbe_cli.formatting import citation

    pemda = catalog.pemda_nama
    missing: list[str] = []
    for reg_id in (*program.regulasi, *program.regulasi_dibutuhkan):
        reg = catalog.entities.get(reg_id) if catalog.kinds.get(reg_id) == "regulasi" else None
        if reg is None:
            missing.append(t("progress.reg_unknown", id=reg_id))
        elif reg.status not in _REGULATION_OK:
            named = citation(reg, pemda, status=False)
            missing.append(t("progress.reg_status", id=named, status=reg.status))
    return missing


def dropped(catalog: Catalog, earlier: Catalog, options: Options) -> list[FlaggedProgram]:
    """Programs active in the earlier catalog that are gone or cancelled now."""
    result: list[FlaggedProgram] = []
    today = options.tanggal
    for program_id, old in _programs(earlier):
        if not _selected(old, options) or old.status in _ENDED:
            continue
        if effective_status(old, today) in _ENDED:
            continue
        is_program = catalog.kinds.get(program_id) == "program"
        now = catalog.entities.get(program_id) if is_program else None
        if now is None:
            result.append(
                FlaggedProgram(
                    "dihentikan",
                    program_id,
                    old.nama,
                    responsible_opd(old) or "",
                    old.dimensi,
                    t("progress.reason.gone"),
                    "progress.reason.gone",
                    {},
                    earlier.where(program_id, "id"),
                )
            )
            continue
        if effective_status(now, today) == "dibatalkan":
            entry = latest_entry(now.progres, today)
            note = entry.catatan if entry is not None and entry.catatan else ""
            key = "progress.reason.cancelled_note" if note else "progress.reason.cancelled"
            result.append(_item(catalog, "dihentikan", program_id, now, key, catatan=note))
    return result
