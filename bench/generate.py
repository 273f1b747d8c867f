"""Generate a synthetic, national-scale SPBE catalog for the benchmarks.

The catalog is deterministic: the same ``--seed`` and ``--scale`` give byte-identical files (no
clock, no environment, no set iteration order). At ``--scale 1.0`` it holds 600 OPDs, 30,000
applications, 5,000 services, 3,000 data sets and 2,000 programs with progress entries, plus the
business processes, infrastructure, security items, Peta Rencana items (all seven muatan),
readiness assessments, regulations, reference-code declarations and one metadata document that a
real catalog has. It is meant to validate with 0 errors (some warnings are expected and wanted:
the cross-OPD duplicate detector must find something).

One file per entity, one folder per kind: ``aplikasi/apl-000001.yaml``; the id is the file stem.

``--mutate FRACTION --from DIR --out DIR2`` writes a second revision of a generated catalog with
that fraction of entities changed (budgets, targets, names, statuses), a few added and a few
removed (references to removed entities are dropped), for the diff benchmark.

Usage::

    python bench/generate.py --out bench/.data/catalog --scale 1.0 --seed 1
    python bench/generate.py --from bench/.data/catalog --mutate 0.01 --out bench/.data/rev-b
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

#: Bump when the output changes; run.py regenerates cached catalogs whose stamp differs.
GENERATOR_VERSION = 4
STAMP = ".bench-stamp.json"

#: Entities per kind at scale 1.0.
BASE_COUNTS: dict[str, int] = {
    "opd": 600,
    "regulasi": 300,
    "proses_bisnis": 4000,
    "data_informasi": 3000,
    "infrastruktur": 1500,
    "aplikasi": 30000,
    "layanan": 5000,
    "keamanan": 1200,
    "program": 2000,
    "peta_rencana": 700,
    "kesiapan": 45,
}
#: Smallest sensible count per kind (every muatan, pillar and dimension needs an item).
MIN_COUNTS: dict[str, int] = {
    "opd": 12,
    "regulasi": 20,
    "peta_rencana": 14,
    "kesiapan": 9,
    "program": 36,
    "keamanan": 6,
    "infrastruktur": 6,
}
PREFIX: dict[str, str] = {
    "opd": "opd",
    "regulasi": "reg",
    "proses_bisnis": "pb",
    "data_informasi": "dat",
    "infrastruktur": "inf",
    "aplikasi": "apl",
    "layanan": "lyn",
    "keamanan": "kmn",
    "program": "prg",
    "peta_rencana": "pr",
    "kesiapan": "ksp",
}

# -- word lists ------------------------------------------------------------------------------
# Application words avoid the Aplikasi Umum keywords of reference/data/aplikasi-umum.yaml
# (perencanaan, anggaran, pengadaan, kinerja, pemantauan, arsip, surat, pegawai, aduan, ...):
# an Aplikasi Khusus in status 'rencana' that matches one is an error (SPBE408).

TOPICS = [
    "Kesehatan Ibu dan Anak",
    "Imunisasi",
    "Posyandu",
    "Puskesmas",
    "Rujukan Pasien",
    "Ambulans",
    "Stunting",
    "Gizi Balita",
    "Sanitasi",
    "Air Bersih",
    "Irigasi",
    "Jalan dan Jembatan",
    "Pasar Rakyat",
    "Koperasi",
    "UMKM",
    "Tenaga Kerja",
    "Bantuan Sosial",
    "Disabilitas",
    "Lansia",
    "Perlindungan Anak",
    "Pemberdayaan Perempuan",
    "Keluarga Berencana",
    "Kependudukan",
    "Akta Kelahiran",
    "Kartu Identitas Anak",
    "Perizinan Usaha",
    "Izin Bangunan",
    "Penanaman Modal",
    "Pariwisata",
    "Destinasi Wisata",
    "Ekonomi Kreatif",
    "Kebudayaan",
    "Cagar Budaya",
    "Perpustakaan",
    "Museum",
    "Olahraga",
    "Kepemudaan",
    "Pertanian",
    "Hortikultura",
    "Perkebunan",
    "Peternakan",
    "Kesehatan Hewan",
    "Perikanan Tangkap",
    "Budidaya Ikan",
    "Nelayan",
    "Kehutanan",
    "Lingkungan Hidup",
    "Persampahan",
    "Bank Sampah",
    "Limbah B3",
    "Kualitas Udara",
    "Energi Terbarukan",
    "Listrik Kampung",
    "Pertanahan",
    "Tata Ruang",
    "Perumahan Rakyat",
    "Permukiman Kumuh",
    "Transportasi Umum",
    "Terminal",
    "Pelabuhan Rakyat",
    "Perparkiran",
    "Uji Kendaraan",
    "Lalu Lintas",
    "Kebencanaan",
    "Pemadam Kebakaran",
    "Ketertiban Umum",
    "Satpol PP",
    "Pajak Daerah",
    "Retribusi Daerah",
    "Barang Milik Daerah",
    "Kas Daerah",
    "Statistik Sektoral",
    "Data Geospasial",
    "Jaringan Intra",
    "Pusat Data",
    "Persandian",
    "Beasiswa",
    "PPDB",
    "Sekolah Dasar",
    "Guru Honorer",
    "Pendidikan Anak Usia Dini",
    "Kampung Adat",
    "Dana Kampung",
    "Transmigrasi",
    "Harga Pangan",
    "Cadangan Pangan",
    "Industri Kecil",
    "Perdagangan",
    "Metrologi",
    "Pertambangan Rakyat",
    "Air Tanah",
    "Rumah Sakit Daerah",
    "Obat dan Farmasi",
    "Tenaga Kesehatan",
    "Penyakit Menular",
    "Kesehatan Jiwa",
]
OBJECTS = [
    "Pendataan",
    "Pemetaan",
    "Pendaftaran",
    "Registrasi",
    "Verifikasi",
    "Dasbor",
    "Portal",
    "Reservasi",
    "Antrean",
    "Pembayaran",
    "Penjadwalan",
    "Inventarisasi",
    "Rekapitulasi",
    "Survei",
    "Pengawasan",
    "Sertifikasi",
    "Klaim",
    "Distribusi",
    "Katalog",
    "Pelacakan",
    "Pelaporan",
    "Pengelolaan",
    "Layanan",
    "Informasi",
    "Monitoring",
    "Validasi",
    "Penilaian",
    "Konsultasi",
    "Pengajuan",
    "Rekomendasi",
    "Analitik",
    "Peta",
    "Integrasi",
    "Kalender",
]
PLACES = [
    "Nabire",
    "Paniai",
    "Mimika",
    "Dogiyai",
    "Deiyai",
    "Intan Jaya",
    "Puncak",
    "Puncak Jaya",
    "Timika",
    "Kuala Kencana",
    "Tembagapura",
    "Agimuga",
    "Wania",
    "Iwaka",
    "Enarotali",
    "Moanemani",
    "Sugapa",
    "Ilaga",
    "Mulia",
    "Waghete",
    "Kwamki Narama",
    "Mimika Baru",
    "Jita",
    "Jila",
    "Amar",
    "Alama",
    "Hoya",
    "Kokonao",
    "Atuka",
    "Potowayburu",
    "Akimuga",
    "Ayuka",
]
QUALIFIERS = [
    "",
    "",
    "",
    "",
    "",
    "Terpadu",
    "Mobile",
    "Kampung",
    "Distrik",
    "Online",
    "Satu Pintu",
    "Wilayah Pegunungan",
    "Wilayah Pesisir",
    *PLACES[:20],  # qualifiers by place: "Layanan ... Nabire"
]
SYLLABLES = [
    "MA",
    "KU",
    "PE",
    "LI",
    "TA",
    "DA",
    "RA",
    "NA",
    "GA",
    "JA",
    "BU",
    "SE",
    "RI",
    "TO",
    "MO",
    "PA",
    "DU",
    "KA",
    "LA",
    "SA",
    "WA",
    "YA",
    "NU",
    "TI",
    "BE",
    "GI",
    "HA",
    "JU",
    "RO",
    "ME",
]
VERBS = [
    "Mengelola",
    "Mencatat",
    "Menyajikan",
    "Mengintegrasikan",
    "Memverifikasi",
    "Menghimpun",
    "Mempercepat",
    "Memudahkan",
    "Menyederhanakan",
    "Menjadwalkan",
    "Menelusuri",
    "Memetakan",
]
BENEFICIARIES = [
    "masyarakat",
    "pelaku usaha",
    "nelayan",
    "petani",
    "pelajar",
    "tenaga kesehatan",
    "aparatur kampung",
    "kepala distrik",
    "wisatawan",
    "penyandang disabilitas",
    "orang tua",
    "pengemudi",
    "pedagang pasar",
    "peternak",
    "guru",
    "kader posyandu",
    "relawan bencana",
]
CHANNELS = ["web", "aplikasi seluler", "loket", "WhatsApp", "kios layanan", "SMS", "call center"]
PROGRAM_HEADS = [
    "Gerakan",
    "Penguatan",
    "Digitalisasi",
    "Revitalisasi",
    "Percepatan",
    "Optimalisasi",
    "Perluasan",
    "Transformasi",
    "Akselerasi",
    "Modernisasi",
    "Pemerataan",
    "Inovasi",
]
DINAS = [
    ("Kesehatan", "1.02"),
    ("Pendidikan dan Kebudayaan", "1.01"),
    ("Pekerjaan Umum", "1.03"),
    ("Perumahan dan Permukiman", "1.04"),
    ("Sosial", "1.06"),
    ("Tenaga Kerja", "2.07"),
    ("Pemberdayaan Perempuan dan Perlindungan Anak", "2.08"),
    ("Ketahanan Pangan", "2.09"),
    ("Pertanahan", "2.10"),
    ("Lingkungan Hidup", "2.11"),
    ("Kependudukan dan Pencatatan Sipil", "2.12"),
    ("Pemberdayaan Masyarakat Kampung", "2.13"),
    ("Pengendalian Penduduk dan KB", "2.14"),
    ("Perhubungan", "2.15"),
    ("Komunikasi dan Informatika", "2.16"),
    ("Koperasi dan UKM", "2.17"),
    ("Penanaman Modal dan PTSP", "2.18"),
    ("Pemuda dan Olahraga", "2.19"),
    ("Perpustakaan", "2.23"),
    ("Kelautan dan Perikanan", "3.25"),
    ("Pariwisata", "3.26"),
    ("Pertanian", "3.27"),
    ("Kehutanan", "3.28"),
    ("Energi dan Sumber Daya Mineral", "3.29"),
    ("Perindustrian dan Perdagangan", "3.30"),
    ("Transmigrasi", "3.32"),
]
BADAN = [
    ("Perencanaan Pembangunan, Riset dan Inovasi Daerah", "5.01"),
    ("Pengelolaan Keuangan dan Aset Daerah", "5.02"),
    ("Pendapatan Daerah", "5.02"),
    ("Kepegawaian dan Pengembangan SDM", "5.03"),
    ("Penanggulangan Bencana Daerah", "1.05"),
    ("Kesatuan Bangsa dan Politik", "8.01"),
    ("Pengelola Perbatasan", "5.06"),
]
UPTD = [
    "Puskesmas",
    "Laboratorium Kesehatan",
    "Instalasi Farmasi",
    "Balai Benih",
    "Pasar",
    "Terminal",
    "Pengujian Kendaraan",
    "Sekolah Menengah",
    "Balai Latihan Kerja",
    "Museum",
    "Pengelolaan Sampah",
    "Air Minum",
    "Rumah Singgah",
    "Taman Budaya",
    "Pelabuhan Perikanan",
]
REGULASI_NASIONAL = [
    ("Perpres", "95", 2018, "Sistem Pemerintahan Berbasis Elektronik", "Presiden RI"),
    ("Perpres", "132", 2022, "Arsitektur SPBE Nasional", "Presiden RI"),
    ("Perpres", "39", 2019, "Satu Data Indonesia", "Presiden RI"),
    ("Permen", "59", 2020, "Pemantauan dan Evaluasi SPBE", "KemenPANRB"),
    ("Permen", "90", 2019, "Klasifikasi, Kodefikasi dan Nomenklatur Perencanaan", "Kemendagri"),
    ("UU", "23", 2014, "Pemerintahan Daerah", "DPR RI"),
    ("UU", "27", 2022, "Pelindungan Data Pribadi", "DPR RI"),
    ("PP", "71", 2019, "Penyelenggaraan Sistem dan Transaksi Elektronik", "Presiden RI"),
]

AU_APPS = ["SRIKANDI", "SP4N-LAPOR", "SPSE", "SI-ASN"]
AU_NAMES = {
    "SRIKANDI": ("Srikandi", "kearsipan"),
    "SP4N-LAPOR": ("SP4N LAPOR", "pengaduan"),
    "SPSE": ("SPSE", "pengadaan"),
    "SI-ASN": ("SI ASN", "kepegawaian"),
}
AU_LOOKALIKE = [
    ("Persuratan Dinas", "kearsipan", "SRIKANDI"),
    ("Pengaduan Warga", "pengaduan", "SP4N-LAPOR"),
    ("Lelang Proyek", "pengadaan", "SPSE"),
    ("Data Pegawai", "kepegawaian", "SI-ASN"),
]


# -- YAML writing ------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.\-/()'&]*[A-Za-z0-9_.)']|[A-Za-z]")
_RESERVED = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])


def scalar(value: Any) -> str:
    """Render one scalar the way a person would write it (quoted only when needed)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return "null"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _emit_map(data: dict[Any, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        head = f"{pad}{scalar(key)}:"
        if isinstance(value, dict):
            if not value:
                out.append(head + " {}")
            else:
                out.append(head)
                _emit_map(value, indent + 2, out)
        elif isinstance(value, list):
            _emit_list(head, value, indent, out)
        else:
            out.append(f"{head} {scalar(value)}")


def _emit_list(head: str, items: list[Any], indent: int, out: list[str]) -> None:
    if not items:
        out.append(head + " []")
        return
    if all(_is_scalar(i) for i in items):
        flow = ", ".join(scalar(i) for i in items)
        if len(flow) + len(head) <= 96:
            out.append(f"{head} [{flow}]")
            return
    out.append(head)
    pad = " " * (indent + 2)
    for item in items:
        if isinstance(item, dict) and item:
            start = len(out)
            _emit_map(item, indent + 4, out)
            out[start] = f"{pad}- {out[start][indent + 4 :]}"
        else:
            out.append(f"{pad}- {scalar(item)}")


def dump(doc: dict[str, Any]) -> str:
    """One YAML document in block style."""
    out: list[str] = []
    _emit_map(doc, 0, out)
    return "\n".join(out) + "\n"


# -- the catalog -------------------------------------------------------------------------------


def count(kind: str, scale: float) -> int:
    """Number of entities of ``kind`` at ``scale``."""
    return max(MIN_COUNTS.get(kind, 1), round(BASE_COUNTS[kind] * scale))


def ident(kind: str, number: int) -> str:
    """The id (and file stem) of the ``number``-th entity of ``kind`` (1-based)."""
    return f"{PREFIX[kind]}-{number:06d}"


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


class Generator:
    """Build every document of a synthetic catalog in memory, deterministically."""

    def __init__(self, scale: float, seed: int) -> None:
        from spbe_cli.reference import load_reference

        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.ref = load_reference()
        self.n = {kind: count(kind, scale) for kind in BASE_COUNTS}
        self.docs: dict[str, list[dict[str, Any]]] = {}
        self.referensi: list[dict[str, Any]] = []
        self.opd_urusan: dict[str, list[str]] = {}
        self.codes: dict[str, list[str]] = {}
        self.regs_in_force: list[str] = []
        self.regs_needed: list[str] = []
        self.to_be: list[str] = []
        self.elemen: dict[str, list[str]] = {d: list(e) for d, e in self.ref.elemen.items()}

    # -- helpers --------------------------------------------------------------------------------

    def ids(self, kind: str) -> list[str]:
        return [ident(kind, i) for i in range(1, self.n[kind] + 1)]

    def pick(self, seq: list[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def sample(self, seq: list[Any], low: int, high: int) -> list[Any]:
        k = min(len(seq), self.rng.randint(low, high))
        return sorted(self.rng.sample(seq, k))

    def acronym(self) -> str:
        parts = [self.pick(SYLLABLES) for _ in range(self.rng.randint(2, 3))]
        return "SI" + "".join(parts)

    def status(self) -> str:
        roll = self.rng.random()
        if roll < 0.03:
            return "rencana"
        if roll < 0.07:
            return "pengembangan"
        if roll < 0.13:
            return "dihentikan"
        return "operasional"

    def element_common(self, doc: dict[str, Any], status: str) -> None:
        doc["status"] = status
        if self.rng.random() < 0.5:
            doc["regulasi"] = self.sample(self.regs_in_force, 1, 2)
        if self.rng.random() < 0.05:
            doc["regulasi_dibutuhkan"] = self.sample(self.regs_needed, 1, 1)
        if self.rng.random() < 0.3:
            doc["sumber"] = self.pick(["dokumen", "lapangan", "regulasi"])
            doc["diperbarui"] = _d(2025, self.rng.randint(1, 12), self.rng.randint(1, 28))
        if status in ("rencana", "pengembangan"):
            self.to_be.append(doc["id"])

    # -- reference declarations -----------------------------------------------------------------

    def declare(self, kode: str, nama: str, *, ilustratif: bool = False, **extra: Any) -> None:
        if kode in self.ref.codes:
            return
        doc: dict[str, Any] = {
            "entitas": "referensi",
            "daftar": "arsitektur",
            "kode": kode,
            "nama": nama,
            "sumber": "katalog sintetis benchmark spbe",
        }
        doc.update(extra)
        if ilustratif:
            doc["ilustratif"] = True
        self.referensi.append(doc)

    def build_referensi(self) -> None:
        codes = self.codes
        # RAA: local groups under Aplikasi Khusus (40 + 10) for the Pemda's own applications.
        codes["raa"] = []
        for i in range(1, 41):
            kode = f"RAA.02.02.{i:02d}"
            self.declare(kode, f"Aplikasi Khusus {TOPICS[i * 2 % len(TOPICS)]}")
            codes["raa"].append(kode)
        for i in range(1, 11):
            kode = f"RAA.02.01.{i:02d}"
            self.declare(kode, f"Aplikasi Misi {TOPICS[i * 7 % len(TOPICS)]}")
            codes["raa"].append(kode)
        codes["raa_umum"] = ["RAA.01.01", "RAA.01.02"]
        # RAL: the 45 public-service areas and 9 administration areas.
        codes["ral"] = []
        for i in range(1, 46):
            kode = f"RAL.01.{i:02d}"
            self.declare(kode, f"Area Layanan {TOPICS[i % len(TOPICS)]}", nasional=True)
            codes["ral"].append(kode)
        for i in range(1, 10):
            kode = f"RAL.02.{i:02d}"
            self.declare(kode, f"Area Administrasi {i}", nasional=True)
            codes["ral"].append(kode)
        # RAD: five data themes under each of the ten data pokok.
        codes["rad"] = []
        for top in range(1, 11):
            for i in range(1, 6):
                kode = f"RAD.{top:02d}.{i:02d}"
                name = f"Data Tematik {TOPICS[(top * 5 + i) % len(TOPICS)]}"
                self.declare(kode, name, nasional=True)
                codes["rad"].append(kode)
        codes["rad"].extend(
            k for k in ("RAD.02.08", "RAD.02.10", "RAD.09.06", "RAD.09.07") if k in self.ref.codes
        )
        # RAB: three national functions (level 3) under each bundled urusan (level 2); business
        # processes hang at this deepest national level (SPBE213).
        urusan = sorted(
            k for k, node in self.ref.codes.items() if k.startswith("RAB.") and node.level == 2
        )
        codes["rab"] = []
        for parent in urusan:
            for i in range(1, 4):
                kode = f"{parent}.{i:02d}"
                name = f"Fungsi {TOPICS[(len(urusan) + len(codes['rab']) + i) % len(TOPICS)]}"
                self.declare(kode, name, nasional=True)
                codes["rab"].append(kode)
        # RAI and RAK have no bundled codes: declare them, marked illustrative.
        codes["rai"] = []
        for top, name in enumerate(("Fasilitas Komputasi", "Sistem Integrasi", "Platform"), 1):
            self.declare(f"RAI.{top:02d}", name, ilustratif=True, nasional=True)
            for i in range(1, 5):
                kode = f"RAI.{top:02d}.{i:02d}"
                self.declare(kode, f"{name} {i}", ilustratif=True)
                codes["rai"].append(kode)
        codes["rak"] = []
        for top, name in enumerate(
            ("Standar Keamanan", "Penerapan Keamanan", "Kelaikan Keamanan"), 1
        ):
            self.declare(f"RAK.{top:02d}", name, ilustratif=True, nasional=True)
            for i, target in enumerate(("Data dan Informasi", "Aplikasi", "Infrastruktur"), 1):
                kode = f"RAK.{top:02d}.{i:02d}"
                self.declare(kode, f"{name} {target}", ilustratif=True)
                codes["rak"].append(kode)
        # Value lists: one extra smart city element and one extra data type.
        self.referensi.append(
            {
                "entitas": "referensi",
                "daftar": "elemen_smart_city",
                "kode": "building",
                "nama": "Bangunan Cerdas",
                "dimensi": "living",
                "sumber": "taksonomi riset ITK (alternatif elemen mobility)",
            }
        )
        self.elemen.setdefault("living", []).append("building")
        self.referensi.append(
            {
                "entitas": "referensi",
                "daftar": "jenis_data",
                "kode": "kependudukan",
                "nama": "Kependudukan",
                "sumber": "katalog sintetis benchmark spbe",
            }
        )

    # -- kinds ----------------------------------------------------------------------------------

    def build_opd(self) -> None:
        rng = self.rng
        docs: list[dict[str, Any]] = []
        ids = self.ids("opd")
        seen: dict[str, int] = {}
        heads = [
            ("Sekretariat Daerah", "sekretariat_daerah", ["4.01"]),
            ("Sekretariat DPRD", "sekretariat_dprd", ["4.02"]),
            ("Inspektorat Daerah", "inspektorat", ["6.01"]),
        ]
        for index, opd_id in enumerate(ids):
            if index < len(heads):
                nama, jenis, urusan = heads[index]
                induk = None
            else:
                roll = rng.random()
                place = self.pick(PLACES)
                induk = None
                if roll < 0.35:
                    bidang, kode = self.pick(DINAS)
                    nama, jenis, urusan = f"Dinas {bidang} Wilayah {place}", "dinas", [kode]
                elif roll < 0.5:
                    bidang, kode = self.pick(BADAN)
                    nama, jenis, urusan = f"Badan {bidang} Wilayah {place}", "badan", [kode]
                elif roll < 0.75:
                    nama = f"UPTD {self.pick(UPTD)} {place}"
                    jenis, urusan = "uptd", [self.pick(DINAS)[1]]
                    induk = ids[rng.randrange(3, max(4, index))] if index > 3 else None
                elif roll < 0.85:
                    nama, jenis, urusan = f"Bagian {self.pick(TOPICS)}", "bagian", ["4.01"]
                    induk = ids[0]
                elif roll < 0.95:
                    nama, jenis, urusan = f"Distrik {place}", "distrik", ["7.01"]
                else:
                    nama, jenis, urusan = (
                        f"Kantor {self.pick(TOPICS)} {place}",
                        "kantor",
                        [self.pick(DINAS)[1]],
                    )
            seen[nama] = seen.get(nama, 0) + 1
            if seen[nama] > 1:
                side = self.pick(["Utara", "Selatan", "Timur", "Barat", "Tengah"])
                nama = f"{nama} {side} {seen[nama]}"
            doc: dict[str, Any] = {
                "entitas": "opd",
                "id": opd_id,
                "nama": nama,
                "jenis": jenis,
                "urusan": urusan,
                "kode_organisasi": f"{urusan[0]}.{index:04d}",
            }
            if induk is not None and induk != opd_id:
                doc["induk"] = induk
            docs.append(doc)
        self.docs["opd"] = docs
        self.opd_urusan = {doc["id"]: doc["urusan"] for doc in docs}

    def build_regulasi(self) -> None:
        rng = self.rng
        docs: list[dict[str, Any]] = []
        for index, reg_id in enumerate(self.ids("regulasi")):
            doc: dict[str, Any] = {"entitas": "regulasi", "id": reg_id}
            if index < len(REGULASI_NASIONAL):
                jenis, nomor, tahun, judul, penerbit = REGULASI_NASIONAL[index]
                doc.update(
                    jenis=jenis,
                    nomor=nomor,
                    tahun=tahun,
                    judul=judul,
                    penerbit=penerbit,
                    tingkat="nasional",
                    status="berlaku",
                )
                self.regs_in_force.append(reg_id)
                docs.append(doc)
                continue
            jenis = self.pick(["Perda", "Pergub", "Pergub", "Kepgub", "SE", "lainnya"])
            judul = f"{self.pick(PROGRAM_HEADS)} {self.pick(TOPICS)} di {self.pick(PLACES)}"
            roll = rng.random()
            doc.update(
                jenis=jenis,
                judul=judul,
                penerbit="Pemerintah Provinsi Papua Tengah",
                tingkat="provinsi",
            )
            if roll < 0.1:
                doc["status"] = "dibutuhkan"
                self.regs_needed.append(reg_id)
            elif roll < 0.15:
                doc["status"] = "rancangan"
                self.regs_needed.append(reg_id)
            elif roll < 0.2 and self.regs_in_force:
                doc.update(
                    status="dicabut",
                    nomor=str(rng.randint(1, 60)),
                    tahun=rng.randint(2010, 2019),
                    dicabut_oleh=self.pick(self.regs_in_force),
                )
            else:
                doc.update(
                    status="berlaku", nomor=str(rng.randint(1, 60)), tahun=rng.randint(2019, 2025)
                )
                self.regs_in_force.append(reg_id)
            docs.append(doc)
        if not self.regs_needed:
            docs[-1].update(status="dibutuhkan")
            docs[-1].pop("nomor", None)
            docs[-1].pop("tahun", None)
            self.regs_needed.append(docs[-1]["id"])
            self.regs_in_force.remove(docs[-1]["id"])
        self.docs["regulasi"] = docs

    def build_data(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        docs: list[dict[str, Any]] = []
        jenis_all = ["statistik", "statistik", "geospasial", "keuangan", "lainnya", "kependudukan"]
        validitas = list(self.ref.daftar["validitas_data"])
        for data_id in self.ids("data_informasi"):
            roll = rng.random()
            sifat = "terbuka" if roll < 0.65 else "terbatas" if roll < 0.9 else "tertutup"
            jenis = self.pick(jenis_all)
            topic = self.pick(TOPICS)
            doc: dict[str, Any] = {
                "entitas": "data_informasi",
                "id": data_id,
                "nama": f"Data {self.pick(OBJECTS)} {topic} {self.pick(PLACES)}",
                "rad": self.pick(self.codes["rad"]),
                "uraian": f"Data {topic.lower()} tingkat kampung dan distrik",
                "sifat": sifat,
                "jenis": jenis,
                "validitas": self.pick(validitas),
                "produsen_data": self.pick(opds),
                "wali_data": opds[rng.randrange(min(3, len(opds)))],
                "data_pribadi": rng.random() < 0.12,
            }
            if jenis in ("statistik", "geospasial") and rng.random() < 0.97:
                doc["pembina_data"] = "BPS" if jenis == "statistik" else "BIG"
            if rng.random() < 0.97:
                doc["interoperabilitas"] = self.pick(["API JSON", "CSV", "GeoJSON", "XLSX"])
                doc["metadata"] = "Metadata Satu Data Indonesia pada portal data"
            if rng.random() < 0.3:
                doc["kode_referensi"] = self.sample(["NIK", "kode wilayah", "NPWP", "NIB"], 1, 2)
            self.element_common(doc, self.status())
            docs.append(doc)
        self.docs["data_informasi"] = docs

    def build_proses_bisnis(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        data = self.ids("data_informasi")
        docs: list[dict[str, Any]] = []
        for index, pb_id in enumerate(self.ids("proses_bisnis")):
            doc: dict[str, Any] = {
                "entitas": "proses_bisnis",
                "id": pb_id,
                "nama": f"{self.pick(OBJECTS)} {self.pick(TOPICS)}",
                "rab": self.pick(self.codes["rab"]),
                "opd": self.pick(opds),
                "jenis": self.pick(["inti", "inti", "pendukung", "manajemen"]),
                "level": rng.randint(4, 7),
                "data": self.sample(data, 1, 3),
            }
            if index > 10 and rng.random() < 0.2:
                doc["induk"] = ident("proses_bisnis", rng.randint(1, index))
            if rng.random() < 0.3:
                doc["opd_terkait"] = self.sample(opds, 1, 2)
            self.element_common(doc, self.status())
            docs.append(doc)
        self.docs["proses_bisnis"] = docs

    def build_infrastruktur(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        jenis_all = list(self.ref.daftar["jenis_infrastruktur"])
        docs: list[dict[str, Any]] = []
        for inf_id in self.ids("infrastruktur"):
            jenis = self.pick(jenis_all)
            doc: dict[str, Any] = {
                "entitas": "infrastruktur",
                "id": inf_id,
                "nama": f"{self.ref.daftar['jenis_infrastruktur'][jenis]} {self.pick(PLACES)} "
                f"{rng.randint(1, 99)}",
                "rai": self.pick(self.codes["rai"]),
                "jenis": jenis,
                "opd": self.pick(opds),
                "lokasi": f"Gedung {self.pick(PLACES)}",
                "spesifikasi": {
                    "kapasitas": f"{rng.randint(1, 64)} TB",
                    "bandwidth": f"{rng.choice([10, 50, 100, 1000])} Mbps",
                },
            }
            roll = rng.random()
            if roll < 0.15:
                doc.update(status_kepemilikan="sewa", nama_pemilik="PT Telekomunikasi Indonesia")
            elif roll < 0.25:
                doc.update(status_kepemilikan="bagi_pakai", nama_pemilik="Kementerian Komdigi")
            if jenis == "fasilitas_komputasi":
                doc["klasifikasi_tier"] = self.pick(["Tier 1", "Tier 2", "Tier 3"])
            self.element_common(doc, self.status())
            docs.append(doc)
        self.docs["infrastruktur"] = docs

    def app_name(
        self, raa: str, owner: str, seen: dict[str, list[tuple[str, str, str]]]
    ) -> tuple[str, str]:
        """A varied name and function; now and then the twin of another OPD's application."""
        rng = self.rng
        group = seen.setdefault(raa, [])
        if group and rng.random() < 0.02:
            nama, fungsi, other = group[rng.randrange(len(group))]
            if other != owner:
                return nama, fungsi
        topic, obj = self.pick(TOPICS), self.pick(OBJECTS)
        qualifier = self.pick(QUALIFIERS)
        nama = f"{self.acronym()} {obj} {topic}" + (f" {qualifier}" if qualifier else "")
        fungsi = (
            f"{self.pick(VERBS)} {obj.lower()} {topic.lower()} bagi "
            f"{self.pick(BENEFICIARIES)} melalui {self.pick(CHANNELS)}"
        )
        group.append((nama, fungsi, owner))
        return nama, fungsi

    def build_aplikasi(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        data_docs = self.docs["data_informasi"]
        data = [d["id"] for d in data_docs]
        infra = self.ids("infrastruktur")
        ids = self.ids("aplikasi")
        seen: dict[str, list[tuple[str, str, str]]] = {}
        docs: list[dict[str, Any]] = []
        # Each OPD's applications cluster on a few RAA groups, as real portfolios do.
        opd_groups = {o: self.sample(self.codes["raa"], 3, 6) for o in opds}
        for index, app_id in enumerate(ids):
            status = self.status()
            doc: dict[str, Any] = {"entitas": "aplikasi", "id": app_id}
            if rng.random() < 0.03:
                au = self.pick(AU_APPS)
                nama, bidang = AU_NAMES[au]
                doc.update(
                    nama=f"{nama} {self.pick(PLACES)}",
                    raa=self.pick(self.codes["raa_umum"]),
                    kategori="umum",
                    pemilik_tipe="kementerian_lembaga",
                    pemilik_nama=self.pick(["KemenPANRB", "ANRI", "LKPP", "BKN"]),
                    opd_pengguna=self.sample(opds, 1, 4),
                    aplikasi_umum=au,
                    bidang=bidang,
                    basis_aplikasi="web",
                )
                if status in ("rencana", "pengembangan"):
                    status = "operasional"
            else:
                owner = opds[index % len(opds)]
                raa = self.pick(opd_groups[owner])
                nama, fungsi = self.app_name(raa, owner, seen)
                doc.update(nama=nama, raa=raa, kategori="khusus", pemilik=owner, fungsi=fungsi)
                roll = rng.random()
                if roll < 0.01:
                    # Same function as an Aplikasi Umum, with the required justification.
                    words, bidang, au = self.pick(AU_LOOKALIKE)
                    doc["nama"] = f"{self.acronym()} {words} {self.pick(PLACES)}"
                    doc["setara_aplikasi_umum"] = au
                    doc["bidang"] = bidang
                    doc["justifikasi_khusus"] = {
                        "kajian_biaya_manfaat": f"Kajian {index}/2024",
                        "pertimbangan_menteri": f"Surat KemenPANRB B/{index}/2024",
                    }
                elif roll < 0.015 and status not in ("rencana",):
                    # ... and without it: a warning (SPBE408) a real catalog would have.
                    words, _bidang, _au = self.pick(AU_LOOKALIKE)
                    doc["nama"] = f"{self.acronym()} {words} {self.pick(PLACES)}"
                if rng.random() < 0.4:
                    doc["opd_pengguna"] = self.sample(opds, 1, 3)
                doc["luaran"] = f"Laporan {self.pick(OBJECTS).lower()} {self.pick(TOPICS).lower()}"
                doc["basis_aplikasi"] = self.pick(["web", "web", "seluler", "desktop"])
                doc["tipe_lisensi"] = self.pick(["open source", "proprietary", "SaaS"])
                doc["basis_data"] = self.pick(["PostgreSQL", "MySQL", "MariaDB", "SQL Server"])
                doc["url"] = f"https://{app_id}.papuatengahprov.go.id"
                doc["tahun"] = rng.randint(2012, 2025)
                doc["infrastruktur"] = self.sample(infra, 1, 2)
            doc["data"] = self.sample(data, 1, 3)
            if index > 0 and rng.random() < 0.25:
                links = {ids[rng.randrange(index)] for _ in range(rng.randint(1, 2))}
                doc["integrasi"] = sorted(links)
            self.element_common(doc, status)
            docs.append(doc)
        self.docs["aplikasi"] = docs

    def build_layanan(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        pbs = self.ids("proses_bisnis")
        apps = self.ids("aplikasi")
        n = self.n["layanan"]
        served: list[list[str]] = [[] for _ in range(n)]
        for index, app_id in enumerate(apps):
            served[index % n].append(app_id)
        docs: list[dict[str, Any]] = []
        for index, lyn_id in enumerate(self.ids("layanan")):
            ral = self.pick(self.codes["ral"])
            topic = self.pick(TOPICS)
            doc: dict[str, Any] = {
                "entitas": "layanan",
                "id": lyn_id,
                "nama": f"Layanan {self.pick(OBJECTS)} {topic} {self.pick(PLACES)}",
                "ral": ral,
                "jenis": "publik" if ral.startswith("RAL.01") else "administrasi",
                "unit_pelaksana": self.pick(opds),
                "proses_bisnis": self.sample(pbs, 1, 2),
                "aplikasi": served[index],
                "tujuan": f"Mendekatkan layanan {topic.lower()} kepada {self.pick(BENEFICIARIES)}",
                "target_layanan": self.pick(BENEFICIARIES),
                "kanal": self.sample(CHANNELS, 1, 3),
                "tingkat_kematangan": rng.randint(1, 5),
            }
            if rng.random() < 0.3:
                doc["potensi_risiko"] = "Gangguan jaringan di wilayah pegunungan"
                doc["mitigasi_risiko"] = "Mode luring dan sinkronisasi berkala"
            self.element_common(doc, self.status())
            docs.append(doc)
        self.docs["layanan"] = docs

    def build_keamanan(self) -> None:
        """One or two security items per OPD covering its applications with sensitive data."""
        rng = self.rng
        opds = self.ids("opd")
        sensitive = {
            d["id"]
            for d in self.docs["data_informasi"]
            if d["sifat"] != "terbuka" or d["data_pribadi"]
        }
        by_owner: dict[str, list[str]] = {}
        for app in self.docs["aplikasi"]:
            if any(d in sensitive for d in app["data"]):
                owner = app.get("pemilik") or opds[0]
                by_owner.setdefault(owner, []).append(app["id"])
                for infra_id in app.get("infrastruktur", []):
                    by_owner[owner].append(infra_id)
        jenis_all = list(self.ref.daftar["jenis_keamanan"])
        ids = self.ids("keamanan")
        docs: list[dict[str, Any]] = []
        for index, kmn_id in enumerate(ids):
            owner = opds[index % len(opds)]
            lap = index // len(opds)
            laps = (len(ids) - 1 - index % len(opds)) // len(opds) + 1
            objects = by_owner.get(owner, [])
            share = list(dict.fromkeys(objects[lap::laps]))
            jenis = self.pick(jenis_all)
            doc: dict[str, Any] = {
                "entitas": "keamanan",
                "id": kmn_id,
                "nama": f"{self.ref.daftar['jenis_keamanan'][jenis]} {self.pick(TOPICS)}",
                "rak": self.pick(self.codes["rak"]),
                "jenis": jenis,
                "opd": owner,
                "objek": share,
                "tanggal_mulai": _d(2025, rng.randint(1, 6), rng.randint(1, 28)),
                "tanggal_selesai": _d(2026, rng.randint(1, 12), rng.randint(1, 28)),
                "nilai_kematangan": rng.randint(1, 5),
            }
            if jenis == "audit_keamanan":
                doc["hasil_audit"] = "Temuan sedang: konfigurasi TLS dan kebijakan sandi"
                doc["tindak_lanjut"] = "Perbaikan konfigurasi dalam 90 hari"
            self.element_common(doc, self.pick(["operasional", "operasional", "rencana"]))
            docs.append(doc)
        self.docs["keamanan"] = docs

    def indicators(self, start: int, end: int, count_: int) -> list[dict[str, Any]]:
        rng = self.rng
        result = []
        for i in range(count_):
            base = rng.randint(5, 60)
            target = {}
            for year in range(start, end + 1):
                base_year = base + (year - start + 1) * rng.randint(2, 8)
                target[year] = min(base_year, 100)
            result.append(
                {
                    "nama": f"Persentase {self.pick(OBJECTS).lower()} "
                    f"{self.pick(TOPICS).lower()} {i + 1}",
                    "satuan": "persen",
                    "baseline": base,
                    "tahun_baseline": start - 1,
                    "target": target,
                }
            )
        return result

    def budget(self, start: int, end: int) -> list[dict[str, Any]]:
        rng = self.rng
        return [
            {
                "tahun": year,
                "nilai": rng.randint(1, 400) * 25_000_000,
                "sumber": self.pick(["APBD", "APBD", "APBN", "DAK", "CSR"]),
            }
            for year in range(start, min(end, start + 4) + 1)
        ]

    def nomenklatur(self, owner: str) -> dict[str, Any]:
        """A sub kegiatan code of a bidang urusan the owner OPD holds (SPBE505)."""
        rng = self.rng
        urusan = self.opd_urusan[owner][0]
        program, kegiatan, sub = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 40)
        kode = f"{urusan}.{program:02d}.2.{kegiatan:02d}.{sub:04d}"
        return {"kode": kode, "versi": "Kepmendagri 900.1.15.5-1317/2023"}

    def build_program(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        linkable = self.ids("layanan")[:2000] + self.ids("aplikasi")[:4000]
        dims = sorted(self.elemen)
        lokasi_all = sorted(k for k in self.ref.wilayah if k.startswith("94."))
        pilar = sorted(self.ref.pilar)
        docs: list[dict[str, Any]] = []
        for index, prg_id in enumerate(self.ids("program")):
            dim = dims[index % len(dims)]
            elemen = self.elemen[dim][(index // len(dims)) % len(self.elemen[dim])]
            roll = rng.random()
            if roll < 0.1:
                horizon, start, end = "quick_win", 2025, 2025
            elif roll < 0.4:
                horizon, start = "pendek", rng.randint(2025, 2027)
                end = start + rng.randint(0, 1)
            elif roll < 0.8:
                horizon, start = "menengah", rng.randint(2025, 2028)
                end = start + rng.randint(2, 4)
            else:
                horizon, start = "panjang", rng.randint(2025, 2027)
                end = min(2034, start + rng.randint(5, 7))
            topic = self.pick(TOPICS)
            indikator = self.indicators(start, end, rng.randint(1, 3))
            status = (
                "dibatalkan"
                if index >= 36 and rng.random() < 0.04
                else self.pick(["berjalan", "berjalan", "usulan", "selesai", "ditunda"])
            )
            doc: dict[str, Any] = {
                "entitas": "program",
                "id": prg_id,
                "nama": f"{self.pick(PROGRAM_HEADS)} {topic} {self.pick(PLACES)}",
                "uraian": f"Program {topic.lower()} lintas distrik",
                "opd_pj": self.pick(opds),
                "tahun_mulai": start,
                "tahun_selesai": end,
                "status": status,
                "dimensi": dim,
                "elemen": elemen,
                "horizon": horizon,
                "prioritas": self.pick(["tinggi", "sedang", "rendah"]),
                "indikator": indikator,
                "anggaran": self.budget(start, end),
                "regulasi": self.sample(self.regs_in_force, 1, 2),
                "opd_pendukung": self.sample(opds, 0, 3),
                "mitra": {
                    "akademisi": ["Universitas Cenderawasih"],
                    "bisnis": self.sample(
                        ["PT Freeport Indonesia", "Bank Papua", "Telkomsel", "PLN"], 0, 2
                    ),
                    "komunitas": ["Komunitas Digital Papua Tengah"],
                },
                "lokasi": self.sample(lokasi_all, 1, 3),
                "misi": self.sample([1, 2, 3, 4, 5], 1, 2),
                "pilar_kesiapan": self.sample(pilar, 1, 2),
                "latar_belakang": f"Rendahnya akses {topic.lower()} di {self.pick(PLACES)}",
                "tujuan": f"{self.pick(VERBS)} {topic.lower()} bagi {self.pick(BENEFICIARIES)} "
                f"di {self.pick(PLACES)}",
            }
            if rng.random() < 0.5:
                doc["digital"] = True
                doc["terkait_spbe"] = self.sample(linkable, 1, 3)
            doc["progres"] = self.progress(start, end, indikator, status, doc["anggaran"])
            doc["nomenklatur"] = self.nomenklatur(doc["opd_pj"])
            docs.append(doc)
        self.docs["program"] = docs

    def progress(
        self,
        start: int,
        end: int,
        indikator: list[dict[str, Any]],
        status: str,
        anggaran: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """Quarterly progress entries from the start year up to 2026.

        ``anggaran_terserap`` is cumulative within its year and never above the year's pagu
        (SPBE614, SPBE615): a share of the pagu growing with the quarter, from the same one
        random draw per entry as before, so the rest of the catalog is unchanged.
        """
        rng = self.rng
        entries: list[dict[str, Any]] = []
        if status == "usulan":
            return entries
        pagu: dict[int, int] = {}
        for line in anggaran:
            pagu[line["tahun"]] = pagu.get(line["tahun"], 0) + line["nilai"]
        for year in range(start, min(end, 2026) + 1):
            absorbed = 0
            for quarter in range(1, 5):
                if rng.random() < 0.25:
                    continue
                realisasi = {
                    ind["nama"]: Decimal(
                        round(
                            float(ind["target"].get(year, ind["baseline"]))
                            * quarter
                            / 4
                            * rng.uniform(0.6, 1.1)
                            * 10
                        )
                    )
                    / 10
                    for ind in indikator
                }
                entry: dict[str, Any] = {
                    "tahun": year,
                    "triwulan": quarter,
                    "tanggal": _d(year, quarter * 3, rng.randint(1, 28)),
                    "status": "berjalan" if status != "ditunda" else "ditunda",
                    "realisasi": realisasi,
                    "anggaran_terserap": 0,
                }
                # 60-100 % of the quarter's share of the pagu, in steps of Rp 5 juta.
                share = quarter * (600 + 2 * rng.randint(0, 200)) * pagu.get(year, 0) // 4000
                absorbed = max(absorbed, min(pagu.get(year, 0), share // 5_000_000 * 5_000_000))
                entry["anggaran_terserap"] = absorbed
                if rng.random() < 0.3:
                    number = rng.randint(1, 9999)
                    entry["bukti"] = (
                        f"https://papuatengahprov.go.id/berita/{year}/{quarter}/{number}"
                    )
                entries.append(entry)
        return entries

    def build_peta_rencana(self) -> None:
        rng = self.rng
        opds = self.ids("opd")
        muatan = list(self.ref.muatan)
        ids = self.ids("peta_rencana")
        changes: list[list[str]] = [[] for _ in ids]
        for index, element_id in enumerate(self.to_be):
            changes[index % len(ids)].append(element_id)
        docs: list[dict[str, Any]] = []
        for index, pr_id in enumerate(ids):
            m = muatan[index % len(muatan)]
            start = rng.randint(2025, 2028)
            end = rng.randint(start, 2029)
            topic = self.pick(TOPICS)
            doc: dict[str, Any] = {
                "entitas": "peta_rencana",
                "id": pr_id,
                "nama": f"{self.pick(PROGRAM_HEADS)} {self.ref.muatan[m]} {topic}",
                "muatan": m,
                "opd_pj": self.pick(opds),
                "tahun_mulai": start,
                "tahun_selesai": end,
                "status": self.pick(["usulan", "berjalan", "berjalan"]),
                "indikator": self.indicators(start, end, 1),
                "anggaran": self.budget(start, end),
                "mengubah": changes[index],
                "gap": {
                    "saat_ini": f"{topic} belum terintegrasi",
                    "target": f"{topic} terintegrasi lintas OPD",
                },
                "indikator_indeks": self.sample(list(range(1, 48)), 1, 3),
                "regulasi": self.sample(self.regs_in_force, 1, 1),
            }
            doc["nomenklatur"] = self.nomenklatur(doc["opd_pj"])
            docs.append(doc)
        self.docs["peta_rencana"] = docs

    def build_kesiapan(self) -> None:
        rng = self.rng
        subs = [(p, s) for p in sorted(self.ref.sub_aspek) for s in self.ref.sub_aspek[p]]
        docs = []
        for index, ksp_id in enumerate(self.ids("kesiapan")):
            pilar, sub = subs[index % len(subs)]
            docs.append(
                {
                    "entitas": "kesiapan",
                    "id": ksp_id,
                    "pilar": pilar,
                    "sub_aspek": sub,
                    "kondisi": f"Kondisi {self.ref.sub_aspek[pilar][sub]} di {self.pick(PLACES)}",
                    "skor": rng.randint(1, 5),
                    "bukti": [f"Survei kesiapan {2024 + index % 2}"],
                    "rekomendasi": f"Perkuat {self.ref.sub_aspek[pilar][sub]}",
                }
            )
        self.docs["kesiapan"] = docs

    def build_evaluasi(self) -> None:
        """One self-assessment per framework, every indicator with a nilai and some bukti."""
        from spbe_cli.indeks import load_frameworks

        layanan, regs = self.ids("layanan"), self.regs_in_force
        docs = []
        for kode, tahun in (("spbe_59_2020", 2025), ("pemdi_8_2026", 2026)):
            kerangka = load_frameworks()[kode]
            penilaian = []
            for i in kerangka.indikator:
                rule = kerangka.aturan.get(i.nomor, "")
                bukti = self.sample(layanan, 3, 8) if rule == "layanan" else []
                bukti += self.sample(regs, 1, 2) if rule.startswith("kebijakan") else []
                penilaian.append({"indikator": i.nomor, "nilai": 1 + i.nomor % 5, "bukti": bukti})
            docs.append(
                {
                    "entitas": "evaluasi_mandiri",
                    "id": f"em-{kode.replace('_', '-')}-{tahun}",
                    "kerangka": kode,
                    "tahun": tahun,
                    "ilustratif": True,
                    "penilaian": penilaian,
                }
            )
        self.docs["evaluasi_mandiri"] = docs

    def metadata(self) -> dict[str, Any]:
        opds = self.ids("opd")

        def dokumen(judul: str, mulai: int, selesai: int) -> dict[str, Any]:
            return {
                "judul": judul,
                "periode": {"mulai": mulai, "selesai": selesai},
                "versi": "1.0",
                "status": "draf",
                "tanggal": _d(2025, 6, 30),
                "penetapan": self.regs_in_force[-1],
            }

        return {
            "entitas": "metadata",
            "versi_skema": 1,
            "pemda": {
                "nama": "Provinsi Papua Tengah",
                "jenis": "provinsi",
                "kode_kemendagri": "94",
            },
            "periode_rpjmd": {"mulai": 2025, "selesai": 2029},
            "dokumen": {
                "masterplan": dokumen("Master Plan Smart City Papua Tengah", 2025, 2034),
                "arsitektur": dokumen("Arsitektur SPBE Provinsi Papua Tengah", 2025, 2029),
                "peta_rencana": dokumen("Peta Rencana SPBE Provinsi Papua Tengah", 2025, 2029),
            },
            "visi": "Papua Tengah yang terhubung, melayani dan sejahtera",
            "misi": [
                {"nomor": i, "uraian": f"Misi {i}: {self.pick(PROGRAM_HEADS)} {self.pick(TOPICS)}"}
                for i in range(1, 6)
            ],
            "tata_kelola": {
                "uraian": "Dewan Smart City dipimpin Gubernur",
                "opd_anggota": opds[:10],
                "frekuensi_rapat": "setiap tiga bulan",
                "dasar": self.regs_in_force[:2],
            },
            "prosa": {"pendahuluan": "prosa/pendahuluan.md"},
            "catatan": "Katalog sintetis untuk benchmark spbe; bukan data resmi.",
        }

    def build(self) -> None:
        self.build_referensi()
        self.build_opd()
        self.build_regulasi()
        self.build_data()
        self.build_proses_bisnis()
        self.build_infrastruktur()
        self.build_aplikasi()
        self.build_layanan()
        self.build_keamanan()
        self.build_program()
        self.build_peta_rencana()
        self.build_kesiapan()
        self.build_evaluasi()

    def grouped_files(self) -> Iterator[tuple[str, str]]:
        """The same catalog as real repositories grow: multi-document files and long prose.

        One file per kind and owning OPD (``aplikasi/dinas-kominfo.yaml`` holding every
        application of that OPD, documents separated by ``---``), and a prose ``uraian`` of
        several paragraphs on every element and plan that has the field.
        """
        from spbe_cli.models import MODELS

        rng = random.Random(self.seed + 7)
        yield "metadata.yaml", dump(self.metadata())
        yield "prosa/pendahuluan.md", "# Pendahuluan\n\nKatalog sintetis untuk benchmark.\n"
        yield "referensi/referensi.yaml", "---\n".join(dump(doc) for doc in self.referensi)
        for kind, docs in self.docs.items():
            prose = "uraian" in MODELS[kind].model_fields
            groups: dict[str, list[str]] = {}
            for doc in docs:
                if prose and "uraian" not in doc:
                    doc = {**doc, "uraian": _prose(rng)}
                owner = next(
                    (str(doc[f]) for f in _OWNER_FIELDS if isinstance(doc.get(f), str)),
                    kind,
                )
                groups.setdefault(owner.lower(), []).append(dump(doc))
            for owner, texts in sorted(groups.items()):
                yield f"{kind}/{owner}.yaml", "---\n".join(texts)

    def files(self) -> Iterator[tuple[str, str]]:
        """Yield ``(relative path, text)`` for every file of the catalog."""
        yield "metadata.yaml", dump(self.metadata())
        yield "prosa/pendahuluan.md", "# Pendahuluan\n\nKatalog sintetis untuk benchmark.\n"
        for doc in self.referensi:
            stem = doc["kode"].lower().replace(".", "-")
            yield f"referensi/{doc['daftar']}-{stem}.yaml", dump(doc)
        for kind, docs in self.docs.items():
            for doc in docs:
                yield f"{kind}/{doc['id']}.yaml", dump(doc)


#: The field naming the OPD that owns a document, per kind (the first one present).
_OWNER_FIELDS = ("opd_pj", "opd", "pemilik", "unit_pelaksana", "wali_data")

_PROSE_WORDS = [
    "layanan",
    "data",
    "aplikasi",
    "integrasi",
    "interoperabilitas",
    "keamanan",
    "informasi",
    "pemerintah",
    "daerah",
    "masyarakat",
    "kabupaten",
    "provinsi",
    "pelayanan",
    "publik",
    "digital",
    "sistem",
    "elektronik",
    "berbasis",
    "pengelolaan",
    "arsitektur",
    "rencana",
    "kegiatan",
    "anggaran",
    "capaian",
    "indikator",
    "evaluasi",
]


def _prose(rng: random.Random) -> str:
    """A few paragraphs of plausible Indonesian prose, 600 to 3,000 characters."""
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        words = [rng.choice(_PROSE_WORDS) for _ in range(rng.randint(12, 60))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)[:3000]


def _write(out: Path, files: Iterator[tuple[str, str]]) -> int:
    written = 0
    made: set[str] = set()
    for rel, text in files:
        parent = rel.rpartition("/")[0]
        if parent and parent not in made:
            (out / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        with open(out / rel, "w", encoding="utf-8") as handle:
            handle.write(text)
        written += 1
    return written


def _stamp(out: Path, data: dict[str, Any]) -> None:
    (out / STAMP).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_stamp(out: Path) -> dict[str, Any] | None:
    """The generator stamp of a generated folder, or None."""
    try:
        return json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _fresh_dir(out: Path) -> None:
    if out.exists():
        if not (out / STAMP).exists() and any(out.iterdir()):
            raise SystemExit(f"refusing to overwrite {out}: not a generated catalog")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def generate(out: Path, scale: float = 1.0, seed: int = 1, layout: str = "files") -> int:
    """Write a synthetic catalog into ``out`` (replaced if it was generated before).

    ``layout`` is ``files`` (one entity per file) or ``grouped`` (multi-document files per kind
    and OPD, long prose: :meth:`Generator.grouped_files`).
    """
    gen = Generator(scale, seed)
    gen.build()
    _fresh_dir(out)
    written = _write(out, gen.grouped_files() if layout == "grouped" else gen.files())
    _stamp(
        out,
        {
            "generator": GENERATOR_VERSION,
            "scale": scale,
            "seed": seed,
            "files": written,
            "reference": gen.ref.versi,
            "layout": layout,
        },
    )
    return written


# -- second revision ---------------------------------------------------------------------------

_LIST_REF_FIELDS = ("aplikasi", "integrasi", "data", "objek", "terkait_spbe", "mengubah")
_REMOVABLE = ("aplikasi", "program", "layanan", "data_informasi")


def _load(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _mutate_doc(doc: dict[str, Any], rng: random.Random) -> None:
    """Change what a revision of a real catalog changes: budgets, targets, names, statuses."""
    kind = doc["entitas"]
    roll = rng.random()
    if kind in ("program", "peta_rencana"):
        if roll < 0.35 and doc.get("anggaran"):
            line = doc["anggaran"][rng.randrange(len(doc["anggaran"]))]
            line["nilai"] = int(line["nilai"] * rng.choice([0.8, 0.9, 1.1, 1.25])) // 1000 * 1000
        elif roll < 0.6 and doc.get("indikator"):
            ind = doc["indikator"][rng.randrange(len(doc["indikator"]))]
            year = rng.choice(sorted(ind["target"]))
            ind["target"][year] = min(100, ind["target"][year] + rng.randint(1, 10))
        elif roll < 0.8:
            doc["status"] = rng.choice(["usulan", "berjalan", "selesai", "ditunda"])
        else:
            doc["nama"] = f"{doc['nama']} Tahap {rng.randint(2, 4)}"
        if kind == "program" and doc.get("progres") and rng.random() < 0.5:
            last = dict(doc["progres"][-1])
            last["catatan"] = "Pembaruan revisi B"
            doc["progres"] = [*doc["progres"][:-1], last]
        return
    if "status" in doc and roll < 0.3 and kind not in ("regulasi",):
        doc["status"] = rng.choice(["operasional", "dihentikan"])
    elif kind == "kesiapan":
        doc["skor"] = rng.randint(1, 5)
    elif "nama" in doc:
        doc["nama"] = f"{doc['nama']} V{rng.randint(2, 5)}"
    else:
        doc["catatan"] = "Diperbarui pada revisi B"


def mutate(source: Path, out: Path, fraction: float, seed: int = 2) -> dict[str, int]:
    """Write ``out``: a copy of ``source`` with ``fraction`` of its entities changed."""
    rng = random.Random(seed)
    rels = sorted(
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    entity_rels = [r for r in rels if r.count("/") == 1 and r.split("/")[0] in PREFIX]
    changes = max(1, round(len(entity_rels) * fraction))
    chosen = rng.sample(entity_rels, min(changes, len(entity_rels)))
    removals = [r for r in chosen if r.split("/")[0] in _REMOVABLE][: max(1, changes // 20)]
    modified = sorted(set(chosen) - set(removals))
    removed_ids = {r.rsplit("/", 1)[1][:-5] for r in removals}

    docs: dict[str, dict[str, Any]] = {}
    for rel in modified:
        doc = _load(source / rel)
        _mutate_doc(doc, rng)
        docs[rel] = doc
    # Drop references to removed entities, so that the revision still validates.
    if removed_ids:
        pattern = re.compile(r"\b(" + "|".join(re.escape(i) for i in sorted(removed_ids)) + r")\b")
        for rel in entity_rels:
            if rel in removals:
                continue
            doc = docs.get(rel)
            if doc is None:
                text = (source / rel).read_text(encoding="utf-8")
                if not pattern.search(text):
                    continue
                doc = _load(source / rel)
            for field in _LIST_REF_FIELDS:
                if isinstance(doc.get(field), list):
                    doc[field] = [v for v in doc[field] if v not in removed_ids]
            docs[rel] = doc
    # A few new entities, cloned from existing ones of the same kind.
    added: dict[str, dict[str, Any]] = {}
    for _ in range(max(1, changes // 20)):
        template_rel = rng.choice(
            [r for r in entity_rels if r.split("/")[0] in ("aplikasi", "program")]
        )
        kind = template_rel.split("/")[0]
        existing = (
            sum(1 for r in entity_rels if r.startswith(kind + "/"))
            + len([a for a in added if a.startswith(kind + "/")])
            + len(removals)
        )
        doc = _load(source / template_rel)
        doc["id"] = ident(kind, 900_000 + existing)
        doc["nama"] = f"{doc['nama']} Baru"
        added[f"{kind}/{doc['id']}.yaml"] = doc

    _fresh_dir(out)
    made: set[str] = set()
    for rel in rels:
        if rel in removals:
            continue
        parent = rel.rpartition("/")[0]
        if parent and parent not in made:
            (out / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        if rel in docs:
            (out / rel).write_text(dump(docs[rel]), encoding="utf-8")
        else:
            shutil.copyfile(source / rel, out / rel)
    for rel, doc in added.items():
        (out / rel).write_text(dump(doc), encoding="utf-8")
    base = read_stamp(source) or {}
    stats = {"modified": len(docs), "added": len(added), "removed": len(removals)}
    _stamp(
        out, {**base, "mutated_from": str(source), "mutate": fraction, "mutate_seed": seed, **stats}
    )
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--layout",
        choices=("files", "grouped"),
        default="files",
        help="one entity per file, or multi-document files per kind and OPD with long prose",
    )
    parser.add_argument(
        "--mutate",
        type=float,
        metavar="FRACTION",
        help="write a revision of --from with this fraction of entities changed",
    )
    parser.add_argument("--from", dest="source", type=Path, help="catalog to mutate")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.mutate is not None:
        if args.source is None:
            parser.error("--mutate needs --from DIR")
        stats = mutate(args.source, args.out, args.mutate, args.seed)
        print(f"{args.out}: {stats} in {time.perf_counter() - started:.1f} s")
        return 0
    written = generate(args.out, args.scale, args.seed, args.layout)
    print(f"{args.out}: {written} files in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
