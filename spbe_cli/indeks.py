"""Evaluation frameworks and the index arithmetic of ``spbe indeks``.

Two frameworks are bundled as versioned YAML (``reference/data``): the Indeks SPBE of PermenPANRB
59/2020 (4 domains, 8 aspects, 47 indicators) and the Indeks Pemerintahan Digital of PermenPANRB
8/2026 (7 aspects, 20 indicators). The index is the weighted mean of the indicator nilai,
``Σ(bobot × nilai) / Σ bobot``, and each domain or aspect sub-index uses the same formula over its
own indicators. Nothing here invents a score: an index exists only when every indicator has a
nilai.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from spbe_cli.errors import ExitCode, Report, UsageError
from spbe_cli.i18n import t

if TYPE_CHECKING:
    from spbe_cli.catalog import Catalog
    from spbe_cli.errors import Finding, Location
    from spbe_cli.models import EvaluasiMandiri, Penilaian
    from spbe_cli.plafon import Evidence, Plafon

#: Framework code (as in the catalog) -> its data file.
KERANGKA_FILES: dict[str, str] = {
    "spbe_59_2020": "indeks-spbe-59-2020.yaml",
    "pemdi_8_2026": "indeks-pemdi-8-2026.yaml",
}
NILAI_MIN, NILAI_MAX = 1, 5
TOTAL_BOBOT = Decimal(100)
#: The index and sub-indices are shown, and the predikat chosen, at two decimals.
QUANTUM = Decimal("0.01")


def _dec(value: Any) -> Decimal:
    """A YAML number as an exact decimal (1.30 stays 1.30, not a binary fraction)."""
    return Decimal(str(value))


@dataclass(frozen=True)
class Indikator:
    """One indicator of a framework."""

    nomor: int
    nama: str
    bobot: Decimal
    aspek: int
    domain: int | None
    kapabilitas: str | None


@dataclass(frozen=True)
class Kelompok:
    """A domain or an aspect: a group of indicators with its own sub-index."""

    tingkat: str  # "domain" or "aspek"
    nomor: int
    nama: str
    bobot: Decimal
    domain: int | None = None


@dataclass(frozen=True)
class Predikat:
    """One predikat range: ``bawah`` inclusive, ``atas`` exclusive unless ``atas_inklusif``."""

    nama: str
    tahap: str | None
    bawah: Decimal | None
    atas: Decimal | None
    atas_inklusif: bool = False

    def holds(self, value: Decimal) -> bool:
        """Whether ``value`` lies in this range."""
        if self.bawah is not None and value < self.bawah:
            return False
        if self.atas is None:
            return True
        return value <= self.atas if self.atas_inklusif else value < self.atas


@dataclass(frozen=True)
class Kerangka:
    """An evaluation framework: its indicators with weights, groups and predikat ranges."""

    kode: str
    judul: str
    dasar_hukum: str
    verifikasi: str
    indikator: tuple[Indikator, ...]
    kelompok: tuple[Kelompok, ...]
    predikat: tuple[Predikat, ...]
    jumlah_indikator: int
    #: The first evaluation year this framework applies to (from its ``ditetapkan`` date).
    mulai_tahun: int | None = None
    #: The framework that revokes this one, if a bundled one says so.
    dicabut_oleh: str | None = None
    aturan: Mapping[int, str] = field(default_factory=dict)
    #: ``verifikasi`` of the predikat ranges (thresholds and names); the framework's when unset.
    verifikasi_predikat: str = "belum"
    #: Where the unverified values come from, in readers' words (no local file names).
    sumber: tuple[str, ...] = ()

    @property
    def terverifikasi(self) -> bool:
        """Whether names, weights, and so every (sub-)index, are checked against the official text.

        ``sebagian`` (partly) is not verified: some of it may still differ from the Lampiran.
        """
        return self.verifikasi == "ya"

    @property
    def sumber_teks(self) -> str:
        """The sources as one phrase, for the line that explains the unverified mark."""
        return "; ".join(self.sumber) or "-"

    @property
    def predikat_terverifikasi(self) -> bool:
        """Whether the predikat names and thresholds are checked against the official text."""
        return self.verifikasi_predikat == "ya"

    def unverified(self, value: str) -> str:
        """A name, weight or (sub-)index of this framework, marked while it is unverified.

        The one home of that mark: the tables, the laporan and the findings that name an
        indicator (SPBE804) all show it, so a reader meets the same "†" everywhere.
        """
        from spbe_cli.formatting import marked

        return marked(value, not self.terverifikasi)

    @property
    def cli_name(self) -> str:
        """The name on the command line: ``spbe-59-2020``."""
        return self.kode.replace("_", "-")

    def by_nomor(self) -> dict[int, Indikator]:
        """Indicators by number."""
        return {i.nomor: i for i in self.indikator}

    def members(self, kelompok: Kelompok) -> list[Indikator]:
        """The indicators of a domain or an aspect."""
        if kelompok.tingkat == "domain":
            return [i for i in self.indikator if i.domain == kelompok.nomor]
        return [i for i in self.indikator if i.aspek == kelompok.nomor]


def _predikat(raw: Mapping[str, Any]) -> tuple[Predikat, ...]:
    return tuple(
        Predikat(
            nama=r["predikat"],
            tahap=r.get("tahap"),
            bawah=None if r.get("batas_bawah") is None else _dec(r["batas_bawah"]),
            atas=None if r.get("batas_atas") is None else _dec(r["batas_atas"]),
            atas_inklusif=bool(r.get("batas_atas_inklusif")),
        )
        for r in raw["rentang"]
    )


def build_kerangka(kode: str, data: Mapping[str, Any], bukti: Mapping[str, Any]) -> Kerangka:
    """A framework from its data file (and the evidence rules of ``indeks-bukti.yaml``)."""
    meta = data["meta"]
    kelompok = [
        Kelompok("domain", d["nomor"], d["nama"], _dec(d["bobot"])) for d in data.get("domain", [])
    ]
    kelompok += [
        Kelompok("aspek", a["nomor"], a["nama"], _dec(a["bobot"]), a.get("domain"))
        for a in data["aspek"]
    ]
    # PermenPANRB 8/2026 lists the indicators inside their aspect, numbered by `urutan`.
    indikator = [
        Indikator(i["urutan"], i["nama"], _dec(i["bobot"]), a["nomor"], None, None)
        for a in data["aspek"]
        for i in a.get("indikator", [])
    ]
    domain_of = {a["nomor"]: a.get("domain") for a in data["aspek"]}
    indikator += [
        Indikator(
            i["nomor"],
            i["nama"],
            _dec(i["bobot"]),
            i["aspek"],
            domain_of.get(i["aspek"]),
            i.get("kapabilitas"),
        )
        for i in data.get("indikator", [])
    ]
    ditetapkan = meta.get("ditetapkan")
    verifikasi = str(meta.get("verifikasi", "belum"))
    return Kerangka(
        kode=kode,
        judul=meta["judul"],
        dasar_hukum=meta["dasar_hukum"],
        verifikasi=verifikasi,
        indikator=tuple(sorted(indikator, key=lambda i: i.nomor)),
        kelompok=tuple(kelompok),
        predikat=_predikat(data["predikat"]),
        jumlah_indikator=int(meta["jumlah_indikator"]),
        mulai_tahun=int(str(ditetapkan)[:4]) if ditetapkan else None,
        aturan=dict((bukti.get("kerangka") or {}).get(kode) or {}),
        verifikasi_predikat=str(data["predikat"].get("verifikasi", verifikasi)),
        sumber=tuple(str(s) for s in meta.get("sumber") or ()),
    )


@cache
def load_frameworks() -> dict[str, Kerangka]:
    """Both bundled frameworks, each knowing whether the other revokes it."""
    from spbe_cli.reference import load_reference

    raw = load_reference().raw
    bukti = raw["indeks-bukti.yaml"]
    result = {kode: build_kerangka(kode, raw[name], bukti) for kode, name in KERANGKA_FILES.items()}
    for kode, name in KERANGKA_FILES.items():
        revoked = str(raw[name]["meta"].get("mencabut") or "")
        for other in result.values():
            if other.kode != kode and revoked.startswith(other.dasar_hukum + " "):
                result[other.kode] = _with_revoker(other, kode)
    return result


def _with_revoker(kerangka: Kerangka, kode: str) -> Kerangka:
    from dataclasses import replace

    return replace(kerangka, dicabut_oleh=kode)


def framework(name: str) -> Kerangka:
    """The framework named ``spbe-59-2020`` (command line) or ``spbe_59_2020`` (catalog).

    Raises:
        UsageError: no bundled framework has that name.
    """
    frameworks = load_frameworks()
    kode = name.replace("-", "_")
    if kode not in frameworks:
        names = ", ".join(k.cli_name for k in frameworks.values())
        raise UsageError(t("indeks.unknown_kerangka", name=name, names=names))
    return frameworks[kode]


def successor_for(kerangka: Kerangka, tahun: int | None) -> Kerangka | None:
    """The framework that replaces ``kerangka`` in ``tahun``, if a bundled one does."""
    if kerangka.dicabut_oleh is None or tahun is None:
        return None
    successor = load_frameworks()[kerangka.dicabut_oleh]
    if successor.mulai_tahun is None or tahun < successor.mulai_tahun:
        return None
    return successor


def predecessor_for(kerangka: Kerangka, tahun: int | None) -> Kerangka | None:
    """The framework still in force in ``tahun``, before ``kerangka`` applies (its first year).

    PermenPANRB 8/2026 for an evaluation of 2024: PermenPANRB 59/2020, which it revokes.
    """
    if kerangka.mulai_tahun is None or tahun is None or tahun >= kerangka.mulai_tahun:
        return None
    for other in load_frameworks().values():
        if other.dicabut_oleh == kerangka.kode:
            return other
    return None


def framework_problems(kerangka: Kerangka) -> list[str]:
    """What is inconsistent in a framework's data (an empty group counts as one problem)."""
    from spbe_cli.formatting import number

    problems: list[str] = []
    total = sum((i.bobot for i in kerangka.indikator), Decimal(0))
    if total != TOTAL_BOBOT:
        problems.append(t("indeks.bobot_total", total=number(total), expected=number(TOTAL_BOBOT)))
    for group in kerangka.kelompok:
        if not kerangka.members(group):
            # no sub-index can ever be computed for it, whatever its weight
            problems.append(t("indeks.kelompok_kosong", kelompok=group.nama))
            continue
        members = sum((i.bobot for i in kerangka.members(group)), Decimal(0))
        if members != group.bobot:
            problems.append(
                t(
                    "indeks.bobot_kelompok",
                    kelompok=group.nama,
                    bobot=number(group.bobot),
                    total=number(members),
                )
            )
    if len(kerangka.indikator) != kerangka.jumlah_indikator:
        problems.append(
            t(
                "indeks.jumlah_indikator",
                n=len(kerangka.indikator),
                expected=kerangka.jumlah_indikator,
            )
        )
    return problems


# -- arithmetic ---------------------------------------------------------------------------------


def weighted_mean(pairs: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """``Σ(bobot × nilai) / Σ bobot``, exact; None when there is no weight."""
    weighted, weights = Decimal(0), Decimal(0)
    for bobot, nilai in pairs:
        weighted += bobot * nilai
        weights += bobot
    return weighted / weights if weights else None


def rounded(value: Decimal) -> Decimal:
    """The value shown: two decimals, half up (3.125 -> 3.13)."""
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def predikat_of(kerangka: Kerangka, value: Decimal) -> Predikat | None:
    """The predikat of an index, read at the two decimals it is shown with."""
    shown = rounded(value)
    for predikat in kerangka.predikat:
        if predikat.holds(shown):
            return predikat
    return None


@dataclass(frozen=True)
class Skor:
    """The (sub-)index of a group of indicators: a value only when every one has a nilai."""

    nilai: Decimal | None
    dinilai: int
    jumlah: int

    @property
    def belum(self) -> int:
        """How many indicators have no nilai yet."""
        return self.jumlah - self.dinilai


def score(indikator: Iterable[Indikator], nilai: Mapping[int, int]) -> Skor:
    """The weighted mean over ``indikator``; None unless every one has a nilai in 1-5."""
    members = list(indikator)
    given = [(i.bobot, nilai[i.nomor]) for i in members if _valid(nilai.get(i.nomor))]
    value = weighted_mean(given) if len(given) == len(members) else None
    return Skor(value, len(given), len(members))


def _valid(value: int | None) -> bool:
    return value is not None and NILAI_MIN <= value <= NILAI_MAX


# -- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baris:
    """One indicator in the report: the Pemda's nilai, and the plafon from the evidence."""

    indikator: Indikator
    nilai: int | None
    plafon: Plafon
    penilaian: Penilaian | None

    @property
    def di_atas_plafon(self) -> bool:
        """Whether the nilai is above what the evidence supports."""
        level = self.plafon.level
        return self.nilai is not None and level is not None and self.nilai > level


@dataclass
class IndeksReport:
    """Everything ``spbe indeks`` shows."""

    kerangka: Kerangka
    tahun: int | None
    pemda: str | None
    evaluasi: str | None
    ilustratif: bool
    baris: list[Baris]
    kelompok: list[tuple[Kelompok, Skor]]
    total: Skor
    predikat: Predikat | None
    findings: list[Finding] = field(default_factory=list)
    #: The framework that replaces this one in the year shown (SPBE805), if any.
    pengganti: Kerangka | None = None
    #: The framework still in force in the year shown, before this one applies, if any.
    pendahulu: Kerangka | None = None
    #: ``--strict``: warnings (a nilai above its plafon) fail the command too.
    strict: bool = False
    #: Where evaluasi_mandiri documents of this framework (and year) stand that could not be
    #: loaded (``--force``): there is an evaluation, it is just unreadable, not missing.
    ditolak: tuple[Location, ...] = ()

    @property
    def return_code(self) -> ExitCode:
        """Exit code: 1 on evaluation errors, or on warnings when strict; else 0."""
        return Report(self.findings, strict=self.strict).return_code

    @property
    def indeks(self) -> Decimal | None:
        """The index, or None while an indicator has no nilai."""
        return self.total.nilai


def select_evaluasi(catalog: Catalog, kerangka: str, tahun: int | None) -> EvaluasiMandiri | None:
    """The evaluasi_mandiri of a framework for ``tahun`` (the latest year when None)."""
    candidates = [e for e in catalog.of_kind("evaluasi_mandiri") if e.kerangka == kerangka]
    if tahun is not None:
        candidates = [e for e in candidates if e.tahun == tahun]
    if not candidates:
        return None
    # Latest year first; two for the same year are an SPBE803 error, the first id wins.
    chosen: EvaluasiMandiri = sorted(candidates, key=lambda e: (-e.tahun, e.id))[0]
    return chosen


def compute_indeks(
    catalog: Catalog,
    kerangka: Kerangka,
    tahun: int | None,
    findings: list[Finding],
    evidence: Evidence | None = None,
) -> IndeksReport:
    """The index report for a framework and a year, with the plafon of every indicator.

    ``evidence`` of the same catalog, given when several reports are computed in a row,
    shares with this one what does not depend on the year.
    """
    from spbe_cli.plafon import Evidence

    evaluasi = select_evaluasi(catalog, kerangka.kode, tahun)
    if tahun is None and evaluasi is not None:
        tahun = evaluasi.tahun
    penilaian: dict[int, Penilaian] = {}
    if evaluasi is not None:
        for p in evaluasi.penilaian:
            penilaian.setdefault(p.indikator, p)
    # A nilai outside 1-5 is an SPBE802 error; it counts as not given.
    nilai = {n: p.nilai for n, p in penilaian.items() if p.nilai is not None and _valid(p.nilai)}
    evidence = Evidence(catalog, tahun) if evidence is None else evidence.for_year(tahun)
    baris = [
        Baris(
            i,
            nilai.get(i.nomor),
            evidence.plafon(kerangka.aturan.get(i.nomor), penilaian.get(i.nomor)),
            penilaian.get(i.nomor),
        )
        for i in kerangka.indikator
    ]
    groups = [(g, score(kerangka.members(g), nilai)) for g in kerangka.kelompok]
    total = score(kerangka.indikator, nilai)
    meta = catalog.metadata
    return IndeksReport(
        kerangka=kerangka,
        tahun=tahun,
        pemda=meta.pemda.nama if meta is not None else None,
        evaluasi=evaluasi.id if evaluasi is not None else None,
        ilustratif=bool(evaluasi is not None and evaluasi.ilustratif),
        baris=baris,
        kelompok=groups,
        total=total,
        predikat=predikat_of(kerangka, total.nilai) if total.nilai is not None else None,
        findings=findings,
        pengganti=successor_for(kerangka, tahun),
        pendahulu=predecessor_for(kerangka, tahun),
        ditolak=() if evaluasi is not None else refused_evaluations(catalog, kerangka, tahun),
    )


def refused_evaluations(
    catalog: Catalog, kerangka: Kerangka, tahun: int | None
) -> tuple[Location, ...]:
    """Where evaluations of ``kerangka`` (and ``tahun``, when given) stand that did not load.

    Read from what the loader could still read of each refused document: one whose framework
    or year is readable and different does not count; one whose are not readable does.
    """
    found = []
    for rejected in catalog.rejected:
        if rejected.kind != "evaluasi_mandiri":
            continue
        frameworks = rejected.values.get("kerangka", ())
        years = rejected.values.get("tahun", ())
        if frameworks and kerangka.kode not in frameworks:
            continue
        if tahun is not None and years and str(tahun) not in years:
            continue
        found.append(rejected.location)
    return tuple(sorted(found, key=lambda loc: (loc.path, loc.line, loc.column)))


def evaluate(
    catalog: Catalog, kerangka: Kerangka, tahun: int | None, *, strict: bool = False
) -> IndeksReport:
    """Check a loaded catalog's evaluasi_mandiri and compute the index report.

    The findings are the evaluation rules (SPBE8xx and the references of ``bukti``) of the
    evaluasi shown; everything else is ``spbe validate``'s to report.
    """
    from spbe_cli.checks import Context
    from spbe_cli.checks.self_assessment import check_structure, plafon_findings

    # Declared RA codes count as reference codes for the plafon: loading has added them.
    ctx = Context(catalog)
    report = compute_indeks(catalog, kerangka, tahun, [])
    if report.evaluasi is not None:
        check_structure(ctx, only=report.evaluasi)
        plafon_findings(ctx, report)
    report.findings = ctx.findings
    report.strict = strict
    return report
