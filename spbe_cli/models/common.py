"""Building blocks shared by every catalog model: the base class, ids, years, money, dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

#: An id: ASCII letters and digits, words joined by ``-``, ``_`` or ``.``; at most 64 characters.
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$"
ID_MAX = 64

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX)]
"""Pengenal unik entitas: huruf ASCII dan angka, dipisah '-', '_' atau '.'; contoh: DISKOMINFO."""

Ref = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX)]
"""Rujukan ke id entitas lain di katalog."""

KodeRA = Annotated[str, StringConstraints(pattern=r"^RA[BDLAIK](\.[0-9]{2})+$")]
"""Kode Referensi Arsitektur SPBE, mis. RAB.09.03 (prefiks RAB/RAD/RAL/RAA/RAI/RAK)."""

KodeUrusan = Annotated[str, StringConstraints(pattern=r"^[0-9]\.[0-9]{2}$")]
"""Kode (bidang) urusan atau unsur, mis. 2.16."""

KodeWilayah = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
]
"""Kode wilayah Kemendagri, mis. 94.04.01."""

KodeNomenklatur = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9]\.[0-9]{2}(\.[0-9]{2}(\.[0-9]\.[0-9]{2}(\.([0-9]{2}|[0-9]{4}))?)?)?$"
    ),
]
"""Kode nomenklatur perencanaan dan keuangan daerah, mis. 2.16.03.2.02.0025."""

Tahun = Annotated[int, Field(ge=1945, le=2100)]
"""Tahun, empat angka."""

Rupiah = Annotated[int, Field(ge=0)]
"""Nilai dalam rupiah, bilangan bulat tanpa titik ribuan, tidak negatif."""

Nilai = Annotated[Decimal, Field(allow_inf_nan=False)]
"""Angka; pecahan memakai titik (75.5)."""

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: Any) -> Any:
    """Accept only ``YYYY-MM-DD`` text, so that '2025' is not read as a timestamp."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        # The error type is translated by the loader (message key schema.date).
        raise PydanticCustomError("spbe_date_format", "date must be YYYY-MM-DD")
    return value


Tanggal = Annotated[date, BeforeValidator(_iso_date)]
"""Tanggal berformat YYYY-MM-DD."""

Sumber = Literal["regulasi", "dokumen", "lapangan", "usulan"]
StatusElemen = Literal["rencana", "pengembangan", "operasional", "dihentikan"]


class Base(BaseModel):
    """Base of every catalog model: unknown keys are typos, values are immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        hide_input_in_errors=True,
    )


class Entity(Base):
    """Fields every identified entity shares (model data katalog spbe (docs/katalog.md))."""

    id: Id
    """Pengenal unik di seluruh katalog (huruf ASCII, angka, '-', '_', '.')."""
    sumber: Sumber | None = None
    """Asal fakta: regulasi, dokumen, lapangan, atau usulan (ditampilkan sebagai usulan)."""
    rujukan: list[str] = Field(default_factory=list)
    """Rujukan sumber fakta (tautan, nomor dokumen)."""
    ilustratif: bool = False
    """true bila angka atau isian entitas ini ilustrasi, bukan data resmi; ditandai di dokumen."""
    catatan: str | None = None
    """Catatan bebas."""
    diperbarui: Tanggal | None = None
    """Tanggal terakhir entitas ini diperbarui (YYYY-MM-DD)."""


class Periode(Base):
    """Rentang tahun, inklusif."""

    mulai: Tahun
    """Tahun pertama."""
    selesai: Tahun
    """Tahun terakhir."""

    def tahun(self) -> range:
        """Every year of the period."""
        return range(self.mulai, self.selesai + 1)


#: Nomenclature level by the number of dots in the code (X.XX, X.XX.XX, X.XX.XX.X.XX, ...).
_NOMENKLATUR_LEVEL = {
    0: "urusan",
    1: "bidang_urusan",
    2: "program",
    4: "kegiatan",
    5: "sub_kegiatan",
}


class Nomenklatur(Base):
    """Kode anggaran (program / kegiatan / sub kegiatan) dengan versi nomenklaturnya."""

    kode: KodeNomenklatur
    """Kode nomenklatur, mis. 2.16.03.2.02.0025."""
    nama: str | None = None
    """Nama program, kegiatan atau sub kegiatan."""
    versi: str
    """Versi nomenklatur (Kepmendagri) tempat kode ini berlaku."""
    level: Literal["bidang_urusan", "program", "kegiatan", "sub_kegiatan"] = "sub_kegiatan"
    """Level kode: sub_kegiatan (bawaan); bidang_urusan, program atau kegiatan bila sub kegiatannya
    belum diketahui (dokumen menampilkan levelnya)."""

    @property
    def level_kode(self) -> str:
        """The level the code's shape says: bidang_urusan, program, kegiatan or sub_kegiatan."""
        return _NOMENKLATUR_LEVEL[self.kode.count(".")]


class Indikator(Base):
    """Indikator kinerja dengan baseline dan target per tahun."""

    nama: str
    """Nama indikator; juga kunci realisasi pada entri progres."""
    satuan: str
    """Satuan, mis. persen, unit, layanan."""
    baseline: Nilai | None = None
    """Nilai awal."""
    tahun_baseline: Tahun | None = None
    """Tahun nilai awal."""
    target: dict[Tahun, Nilai] = Field(default_factory=dict)
    """Target per tahun, mis. {2026: 40, 2027: 60}."""
    arah: Literal["naik", "turun"] = "naik"
    """naik bila makin besar makin baik, turun bila sebaliknya."""


SumberAnggaran = Literal["APBD", "APBN", "DAK", "CSR", "KPBU", "lainnya"]


class Anggaran(Base):
    """Pagu anggaran satu tahun dari satu sumber."""

    tahun: Tahun
    """Tahun anggaran."""
    nilai: Rupiah
    """Nilai dalam rupiah (bilangan bulat)."""
    sumber: SumberAnggaran
    """Sumber dana: APBD, APBN, DAK, CSR, KPBU atau lainnya."""
    keterangan: str | None = None
    """Keterangan, mis. nama sumber bila 'lainnya'."""
    ilustratif: bool = False
    """true bila nilai ini ilustrasi, bukan pagu resmi."""


class Progres(Base):
    """Satu catatan kemajuan: realisasi indikator dan anggaran pada satu tahun (atau triwulan)."""

    tahun: Tahun
    """Tahun pelaporan."""
    triwulan: Annotated[int, Field(ge=1, le=4)] | None = None
    """Triwulan 1-4, bila laporan triwulanan."""
    tanggal: Tanggal
    """Tanggal pembaruan (YYYY-MM-DD)."""
    status: Literal["usulan", "berjalan", "selesai", "ditunda", "dibatalkan"]
    """Status program pada saat laporan."""
    realisasi: dict[str, Nilai] = Field(default_factory=dict)
    """Realisasi per nama indikator."""
    anggaran_terserap: Rupiah | None = None
    """Anggaran yang terserap (rupiah)."""
    catatan: str | None = None
    """Catatan singkat."""
    bukti: str | None = None
    """Tautan ke bukti (dokumen, berita, dasbor)."""
