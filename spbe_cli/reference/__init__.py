"""National reference data, loaded from the versioned YAML files in ``reference/data``.

Nothing national lives in Python: the RA* trees, the smart city dimensions and elements, the
readiness pillars, the seven muatan, region codes, urusan codes, Aplikasi Umum and the SIA-SPBE
value lists are data. A catalog extends them with ``entitas: referensi`` documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

RA_PATTERN = re.compile(r"^RA[BDLAIK](\.[0-9]{2})+$")


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


@dataclass(frozen=True)
class AplikasiUmum:
    """A national Aplikasi Umum."""

    id: str
    nama: str
    bidang: str
    dasar: str | None = None


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
    urusan: dict[str, str] = field(default_factory=dict)
    aplikasi_umum: dict[str, AplikasiUmum] = field(default_factory=dict)
    bidang_au: dict[str, str] = field(default_factory=dict)
    kata_kunci_au: dict[str, tuple[str, ...]] = field(default_factory=dict)
    daftar: dict[str, dict[str, str]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

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
            urusan=dict(self.urusan),
            aplikasi_umum=dict(self.aplikasi_umum),
            bidang_au=dict(self.bidang_au),
            kata_kunci_au=dict(self.kata_kunci_au),
            daftar={k: dict(v) for k, v in self.daftar.items()},
            raw=self.raw,
        )

    def lists(self) -> dict[str, dict[str, str]]:
        """Every named value list a field can be checked against."""
        result = dict(self.daftar)
        result["dimensi"] = self.dimensi
        result["pilar_kesiapan"] = self.pilar
        result["muatan"] = self.muatan
        result["bidang_aplikasi_umum"] = self.bidang_au
        result["wilayah"] = self.wilayah
        return result


def _read(name: str) -> Any:
    from spbe_cli.yamlio import load_trusted_yaml

    text = resources.files("spbe_cli.reference").joinpath("data", name).read_text("utf-8")
    return load_trusted_yaml(text)


@cache
def load_data(name: str) -> Any:
    """One bundled data file outside the validation set (loaded by the command that needs it).

    ``archimate-3.1-relasi.yaml`` and ``sia-spbe-kolom.yaml`` serve ``spbe export`` only, so
    ``spbe validate`` does not pay for reading them.
    """
    return _read(name)


@cache
def load_reference() -> Reference:
    """Load the bundled reference data (once per process)."""
    index = _read("index.yaml")
    raw = {name: _read(name) for name in index["berkas"]}
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
    for kab in prov["kabupaten"]:
        ref.wilayah[kab["kode_kemendagri"]] = kab["nama"]
    for distrik in wilayah["kabupaten_mimika"]["distrik"]:
        ref.wilayah[distrik["kode_kemendagri"]] = distrik["nama"]

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
    return ref
