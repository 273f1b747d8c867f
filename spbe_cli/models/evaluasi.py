"""The Pemda's own assessment (penilaian mandiri) of an evaluation framework's indicators.

PermenPANRB 59/2020 (Indeks SPBE, 47 indicators) and PermenPANRB 8/2026 (Indeks Pemerintahan
Digital, 20 indicators) both start from the instansi's self-assessment. One ``evaluasi_mandiri``
document holds that assessment for one framework and one year; ``spbe indeks`` computes the index
from it and compares each nilai with what the catalog's evidence supports.
"""

from typing import Literal

from pydantic import Field

from spbe_cli.models.common import Base, Entity, Nomor, Ref, Skala, Tahun, Teks, new_list

Kerangka = Literal["spbe_59_2020", "pemdi_8_2026"]


class Penilaian(Base):
    """Penilaian mandiri satu indikator."""

    indikator: Nomor
    """Nomor indikator: 1-47 untuk spbe_59_2020, urutan 1-20 untuk pemdi_8_2026."""
    nilai: Skala | None = None
    """Nilai (tingkat kematangan) 1-5 menurut penilaian Pemda; kosong bila belum dinilai."""
    bukti: list[Ref] = Field(default_factory=new_list)
    """Id elemen katalog yang menjadi bukti: regulasi, layanan, aplikasi, butir Peta Rencana."""
    dokumen: list[Teks] = Field(default_factory=new_list)
    """Bukti di luar katalog: tautan atau nomor dokumen (notula reviu, SK, laporan)."""
    catatan: Teks | None = None
    """Catatan penilai, mis. alasan nilai atau rencana perbaikan."""


class EvaluasiMandiri(Entity):
    """Evaluasi mandiri Indeks SPBE / Indeks Pemdi untuk satu kerangka dan satu tahun."""

    entitas: Literal["evaluasi_mandiri"]
    """Jenis entitas; selalu 'evaluasi_mandiri'."""
    kerangka: Kerangka
    """Kerangka: spbe_59_2020 (PermenPANRB 59/2020) atau pemdi_8_2026 (PermenPANRB 8/2026)."""
    tahun: Tahun
    """Tahun evaluasi."""
    penilaian: list[Penilaian] = Field(default_factory=new_list)
    """Penilaian per indikator; indikator yang tidak tercantum belum dinilai."""
