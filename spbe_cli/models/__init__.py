"""Catalog models, one per kind of YAML document, keyed by the document's ``entitas``."""

from __future__ import annotations

from pydantic import BaseModel

from spbe_cli.models.arsitektur import (
    Aplikasi,
    DataInformasi,
    Elemen,
    Infrastruktur,
    Justifikasi,
    Keamanan,
    Layanan,
    ProsesBisnis,
)
from spbe_cli.models.common import (
    ID_MAX,
    ID_PATTERN,
    Anggaran,
    Base,
    Entity,
    Indikator,
    Nomenklatur,
    Periode,
    Progres,
)
from spbe_cli.models.evaluasi import EvaluasiMandiri, Penilaian
from spbe_cli.models.organisasi import OPD, Metadata, Referensi, Regulasi
from spbe_cli.models.smartcity import Kesiapan, Mitra, PetaRencana, Program, Rencana

#: Every kind of document, by the value of its ``entitas`` key, in the order documents list them.
MODELS: dict[str, type[BaseModel]] = {
    "metadata": Metadata,
    "opd": OPD,
    "regulasi": Regulasi,
    "referensi": Referensi,
    "proses_bisnis": ProsesBisnis,
    "data_informasi": DataInformasi,
    "layanan": Layanan,
    "aplikasi": Aplikasi,
    "infrastruktur": Infrastruktur,
    "keamanan": Keamanan,
    "program": Program,
    "peta_rencana": PetaRencana,
    "kesiapan": Kesiapan,
    "evaluasi_mandiri": EvaluasiMandiri,
}

#: Kinds whose documents carry an ``id`` unique across the catalog.
ENTITY_KINDS = tuple(k for k in MODELS if k not in ("metadata", "referensi"))

#: The six architecture domains, in the order of Perpres 95/2018, with their reference prefix.
DOMAINS: dict[str, tuple[str, str]] = {
    "proses_bisnis": ("RAB", "rab"),
    "data_informasi": ("RAD", "rad"),
    "layanan": ("RAL", "ral"),
    "aplikasi": ("RAA", "raa"),
    "infrastruktur": ("RAI", "rai"),
    "keamanan": ("RAK", "rak"),
}

#: The names readers see for the six domains (documents, figures, exports).
DOMAIN_LABELS: dict[str, str] = {
    "proses_bisnis": "Proses Bisnis",
    "data_informasi": "Data dan Informasi",
    "layanan": "Layanan SPBE",
    "aplikasi": "Aplikasi SPBE",
    "infrastruktur": "Infrastruktur SPBE",
    "keamanan": "Keamanan SPBE",
}

SCHEMA_VERSION = 1

__all__ = [
    "DOMAINS",
    "DOMAIN_LABELS",
    "ENTITY_KINDS",
    "ID_MAX",
    "ID_PATTERN",
    "MODELS",
    "OPD",
    "SCHEMA_VERSION",
    "Anggaran",
    "Aplikasi",
    "Base",
    "DataInformasi",
    "Elemen",
    "Entity",
    "EvaluasiMandiri",
    "Indikator",
    "Infrastruktur",
    "Justifikasi",
    "Keamanan",
    "Kesiapan",
    "Layanan",
    "Metadata",
    "Mitra",
    "Nomenklatur",
    "Penilaian",
    "Periode",
    "PetaRencana",
    "Program",
    "Progres",
    "ProsesBisnis",
    "Referensi",
    "Regulasi",
    "Rencana",
]
