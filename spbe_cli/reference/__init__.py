"""National reference data, loaded from the versioned YAML files in ``reference/data``.

Nothing national lives in Python: the RA* trees, the smart city dimensions and elements, the
readiness pillars, the seven muatan, region codes, urusan codes, Aplikasi Umum and the SIA-SPBE
value lists are data. A catalog extends them with ``entitas: referensi`` documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

RA_PATTERN = re.compile(r"^RA[BDLAIK](\.[0-9]{2})+$")

#: Words that open a region's official name but are not part of the name in the region data.
_REGION_KIND_WORDS = ("kabupaten", "kab", "kota", "provinsi", "prov", "distrik", "kecamatan")


def bare_region_name(name: str) -> str:
    """A region name without its kind word: 'Kabupaten Mimika' -> 'Mimika'."""
    words = name.split()
    if words and words[0].casefold().rstrip(".") in _REGION_KIND_WORDS:
        words = words[1:]
    return " ".join(words)


def same_region_name(name: str, known: str, kind: str | None = None) -> bool:
    """Tell whether ``name`` names the region the region data calls ``known`` (SPBE305).

    Letter case does not count, nor does the kind word ("Kabupaten", "Kota", "Provinsi") when
    the region's ``kind`` is not known or the name has none; a kind word that names another kind
    ("Kota Mimika" for the kabupaten 94.04) does not name that region.
    """
    if bare_region_name(name).casefold() != bare_region_name(known).casefold():
        return False
    written = region_kind_word(name)
    return kind is None or written is None or written == kind


#: The kind each kind word names (as ``jenis`` of a Pemda and the region data say it).
_KIND_OF_WORD = {
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "kota": "kota",
    "provinsi": "provinsi",
    "prov": "provinsi",
    "distrik": "distrik",
    "kecamatan": "distrik",
}


def region_kind_word(name: str) -> str | None:
    """The kind a region name's opening kind word names ('Kab. Mimika' -> 'kabupaten')."""
    words = name.split()
    return _KIND_OF_WORD.get(words[0].casefold().rstrip(".")) if words else None


#: The time zone of each province by its Kemendagri code, as Keputusan Presiden Nomor 41 Tahun
#: 1987 (Pembagian Wilayah Republik Indonesia menjadi Tiga Wilayah Waktu) divides the country;
#: a province formed later keeps the zone of the province it was formed from (Kepulauan
#: Riau, Bangka Belitung and Banten WIB; Kalimantan Utara, Gorontalo and Sulawesi Barat WITA;
#: Maluku Utara and the Papua provinces WIT).
_PROVINCES_OF_ZONE = {
    # Sumatera, Kepulauan Riau, Jawa, Kalimantan Barat and Tengah
    "WIB": "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 61 62",
    # Bali, Nusa Tenggara, Kalimantan Selatan, Timur and Utara, Sulawesi
    "WITA": "51 52 53 63 64 65 71 72 73 74 75 76",
    # Maluku, Maluku Utara, Papua
    "WIT": "81 82 91 92 93 94 95 96",
}
_ZONA_WAKTU = {code: zone for zone, codes in _PROVINCES_OF_ZONE.items() for code in codes.split()}


def time_zone(kode: str) -> str | None:
    """WIB, WITA or WIT for a Kemendagri region code ('94.04' -> 'WIT'); None if not known."""
    return _ZONA_WAKTU.get(kode.split(".")[0])


def unlisted_region_code(wilayah: dict[str, str], kode: str) -> bool:
    """Whether the region data covers ``kode``'s province yet does not list ``kode`` (SPBE301).

    Only where the data holds the province can a code be called unknown: the bundled data holds
    Papua Tengah whole, not every province of Indonesia.
    """
    return kode.split(".")[0] in wilayah and kode not in wilayah


@dataclass(frozen=True)
class RefNode:
    """One node of a Referensi Arsitektur tree."""

    kode: str
    nama: str | None
    inferensi: bool = False
    lokal: bool = False
    ilustratif: bool = False

    @property
    def prefix(self) -> str:
        """RAB, RAD, RAL, RAA, RAI or RAK."""
        return self.kode[:3]

    @property
    def level(self) -> int:
        """Number of two-digit segments."""
        return self.kode.count(".")

    @property
    def parent(self) -> str | None:
        """Code of the parent node, or None at level 1."""
        return self.kode.rsplit(".", 1)[0] if self.level > 1 else None

    @property
    def status(self) -> str:
        """How sure the code is, for the documents to show next to it.

        ``ilustratif``: declared by the catalog as a stand-in until the official code is known
        (e.g. RAI.01-03, RAK.01-03); ``inferensi``: a national node the reference implies but does
        not state (e.g. RAL.01/02, RAA.01/02, RAD.01-09); ``lokal``: a Pemda's own node below
        the national levels; ``nasional``: a national node stated by the reference.
        """
        if self.ilustratif:
            return "ilustratif"
        if self.inferensi:
            return "inferensi"
        return "lokal" if self.lokal else "nasional"


@dataclass(frozen=True)
class AplikasiUmum:
    """A national Aplikasi Umum."""

    id: str
    nama: str
    bidang: str
    dasar: str | None = None


@dataclass(frozen=True)
class JenisPemda:
    """A kind of regional government: its kepala daerah and its regional regulation types."""

    kode: str
    nama: str
    kepala_daerah: str
    pemerintah: str
    perkada: str
    kepkada: str

    @property
    def jenis_regulasi(self) -> tuple[str, ...]:
        """Every regional regulation type this kind of Pemda issues: Perda and its Perkada types."""
        return ("Perda", self.perkada, self.kepkada)


@dataclass
class Reference:
    """All national reference data, possibly extended by a catalog."""

    versi: str
    codes: dict[str, RefNode] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    dimensi: dict[str, str] = field(default_factory=dict)
    elemen: dict[str, dict[str, str]] = field(default_factory=dict)
    pilar: dict[str, str] = field(default_factory=dict)
    sub_aspek: dict[str, dict[str, str]] = field(default_factory=dict)
    muatan: dict[str, str] = field(default_factory=dict)
    wilayah: dict[str, str] = field(default_factory=dict)
    #: the kind of each region code the region data lists (provinsi, kabupaten, kota, distrik);
    #: codes a catalog declares have none
    wilayah_jenis: dict[str, str] = field(default_factory=dict)
    urusan: dict[str, str] = field(default_factory=dict)
    aplikasi_umum: dict[str, AplikasiUmum] = field(default_factory=dict)
    bidang_au: dict[str, str] = field(default_factory=dict)
    kata_kunci_au: dict[str, tuple[str, ...]] = field(default_factory=dict)
    daftar: dict[str, dict[str, str]] = field(default_factory=dict)
    jenis_pemda: dict[str, JenisPemda] = field(default_factory=dict)
    #: The validation set's files by name, as read (see :class:`_Files`).
    raw: Mapping[str, Any] = field(default_factory=dict)

    def extended(self) -> Reference:
        """A copy that a catalog may extend without touching the cached original.

        The tables a catalog can extend are copied; ``raw`` (read-only) is shared.
        """
        return Reference(
            versi=self.versi,
            codes=dict(self.codes),
            prefixes=dict(self.prefixes),
            dimensi=dict(self.dimensi),
            elemen={k: dict(v) for k, v in self.elemen.items()},
            pilar=dict(self.pilar),
            sub_aspek={k: dict(v) for k, v in self.sub_aspek.items()},
            muatan=dict(self.muatan),
            wilayah=dict(self.wilayah),
            wilayah_jenis=self.wilayah_jenis,
            urusan=dict(self.urusan),
            aplikasi_umum=dict(self.aplikasi_umum),
            bidang_au=dict(self.bidang_au),
            kata_kunci_au=dict(self.kata_kunci_au),
            daftar={k: dict(v) for k, v in self.daftar.items()},
            jenis_pemda=self.jenis_pemda,
            raw=self.raw,
        )

    def node_status(self, kode: str) -> str | None:
        """Status of a reference code (see ``RefNode.status``), or None if the code is unknown."""
        node = self.codes.get(kode)
        return node.status if node is not None else None

    def lists(self) -> dict[str, dict[str, str]]:
        """Every named value list a field can be checked against."""
        result = dict(self.daftar)
        result.update((name, getattr(self, attr)) for name, attr in LIST_TABLES.items())
        return result


#: The value lists :meth:`Reference.lists` names that are tables of their own (the others are
#: the SIA-SPBE lists of ``daftar``): list name -> attribute.
LIST_TABLES = {
    "dimensi": "dimensi",
    "pilar_kesiapan": "pilar",
    "muatan": "muatan",
    "bidang_aplikasi_umum": "bidang_au",
    "wilayah": "wilayah",
}


def _read(name: str) -> Any:
    from spbe_cli.yamlio import load_trusted_yaml

    # Beside this module (see spbe_cli.i18n._texts: no importlib.resources on every start).
    text = Path(__file__).with_name("data").joinpath(name).read_text("utf-8")
    return load_trusted_yaml(text)


@cache
def load_data(name: str) -> Any:
    """One bundled data file, read when a command first needs it (once per process).

    ``archimate-3.1-relasi.yaml`` and ``sia-spbe-kolom.yaml`` serve ``spbe export`` only, so
    ``spbe validate`` does not pay for reading them; nor, through :class:`_Files`, for the
    files of the validation set that only some catalogs need (the Indeks frameworks).
    """
    return _read(name)


class _Files(Mapping[str, Any]):
    """The validation set's files by name (``Reference.raw``), each read when first looked up.

    The Indeks SPBE and Indeks Pemdi frameworks are a fifth of the reference data and only a
    catalog with an ``evaluasi_mandiri`` reads them (``spbe_cli.indeks``, ``spbe_cli.plafon``).
    """

    def __init__(self, names: list[str]) -> None:
        self._names = tuple(names)

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        return load_data(name)

    def __contains__(self, name: object) -> bool:
        return name in self._names  # without reading it (Mapping's would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@cache
def load_reference() -> Reference:
    """Load the bundled reference data (once per process)."""
    index = _read("index.yaml")
    raw = _Files(index["berkas"])
    ref = Reference(versi=str(index["versi"]), raw=raw)

    for entry in raw["referensi-contoh.yaml"]["prefiks"]:
        ref.prefixes[entry["prefiks"]] = entry["referensi"]
    for sektor in raw["referensi-rab.yaml"]["sektor"]:
        ref.codes[sektor["kode"]] = RefNode(sektor["kode"], sektor["nama"])
        for urusan in sektor["urusan"]:
            ref.codes[urusan["kode"]] = RefNode(urusan["kode"], urusan["nama"])
    for entry in raw["referensi-contoh.yaml"]["contoh_kode"]:
        if entry["kode"] not in ref.codes:
            ref.codes[entry["kode"]] = RefNode(
                entry["kode"], entry["nama"], inferensi=bool(entry.get("inferensi"))
            )
    for codes in raw["referensi-contoh.yaml"]["kode_terpakai_tanpa_nama"].values():
        for kode in codes:
            ref.codes.setdefault(kode, RefNode(kode, None))
    for entry in raw["referensi-arsitektur-tambahan.yaml"]["simpul"]:
        ref.codes.setdefault(
            entry["kode"], RefNode(entry["kode"], entry["nama"], inferensi=entry["inferensi"])
        )

    for dim in raw["smart-city-dimensi.yaml"]["dimensi"]:
        ref.dimensi[dim["kode"]] = dim["nama"]
        ref.elemen[dim["kode"]] = {el["kode"]: el["nama"] for el in dim["elemen"]}
    for pilar in raw["kesiapan-pilar.yaml"]["pilar"]:
        ref.pilar[pilar["kode"]] = pilar["nama"]
        ref.sub_aspek[pilar["kode"]] = {s["kode"]: s["nama"] for s in pilar["sub_aspek"]}
    for muatan in sorted(raw["peta-rencana-muatan.yaml"]["muatan"], key=lambda m: m["urutan"]):
        ref.muatan[muatan["kode"]] = muatan["nama"]

    wilayah = raw["wilayah-mimika.yaml"]
    prov = wilayah["provinsi"]
    ref.wilayah[prov["kode_kemendagri"]] = prov["nama"]
    ref.wilayah_jenis[prov["kode_kemendagri"]] = "provinsi"
    for kab in prov["kabupaten"]:
        ref.wilayah[kab["kode_kemendagri"]] = kab["nama"]
        ref.wilayah_jenis[kab["kode_kemendagri"]] = "kabupaten"
    for distrik in wilayah["kabupaten_mimika"]["distrik"]:
        ref.wilayah[distrik["kode_kemendagri"]] = distrik["nama"]
        ref.wilayah_jenis[distrik["kode_kemendagri"]] = "distrik"

    nomen = raw["nomenklatur-contoh.yaml"]
    for urusan in nomen["urusan"]:
        for bidang in urusan["bidang_urusan"]:
            ref.urusan[bidang["kode"]] = bidang["nama"]
    for unsur in nomen["unsur"]:
        ref.urusan[unsur["kode"]] = unsur["nama"]

    au = raw["aplikasi-umum.yaml"]
    for bidang in au["bidang"]:
        ref.bidang_au[bidang["kode"]] = bidang["nama"]
        ref.kata_kunci_au[bidang["kode"]] = tuple(k.lower() for k in bidang["kata_kunci"])
    for app in au["aplikasi"]:
        ref.aplikasi_umum[app["id"]] = AplikasiUmum(
            app["id"], app["nama"], app["bidang"], app.get("dasar")
        )
    for name, values in raw["sia-spbe-enum.yaml"]["daftar"].items():
        ref.daftar[name] = {v["kode"]: v["nama"] for v in values}
    ref.daftar["pembina_data"] = {p["kode"]: p["nama"] for p in raw["pembina-data.yaml"]["pembina"]}
    for jenis in raw["jenis-pemda.yaml"]["jenis"]:
        ref.jenis_pemda[jenis["kode"]] = JenisPemda(
            jenis["kode"],
            jenis["nama"],
            jenis["kepala_daerah"],
            jenis["pemerintah"],
            jenis["peraturan_kepala_daerah"],
            jenis["keputusan_kepala_daerah"],
        )
    return ref
