"""Smart city programs, Peta Rencana SPBE items and the readiness assessment."""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from spbe_cli.models.common import (
    Anggaran,
    Base,
    Bool,
    Entity,
    Indikator,
    KodeWilayah,
    Nama,
    Nomenklatur,
    Nomor,
    NomorIndikator,
    Progres,
    Ref,
    Skala,
    Tahun,
    Teks,
    new_list,
)

StatusProgram = Literal["usulan", "berjalan", "selesai", "ditunda", "dibatalkan"]


class Mitra(Base):
    """Mitra pentahelix."""

    akademisi: list[Nama] = Field(default_factory=new_list)
    """Perguruan tinggi dan peneliti."""
    bisnis: list[Nama] = Field(default_factory=new_list)
    """Dunia usaha."""
    komunitas: list[Nama] = Field(default_factory=new_list)
    """Komunitas dan masyarakat."""
    media: list[Nama] = Field(default_factory=new_list)
    """Media."""
    pemerintah: list[Nama] = Field(default_factory=new_list)
    """Instansi pemerintah lain."""
    ilustratif: Bool = False
    """true bila daftar mitra ini ilustrasi (mitra yang lazim), bukan kemitraan yang sudah ada."""


class Rencana(Entity):
    """Fields a planned piece of work shares: owner, years, indicators, budget, progress."""

    nama: Nama
    """Nama."""
    uraian: Teks | None = None
    """Uraian."""
    opd_pj: Ref
    """OPD penanggung jawab."""
    opd_pendukung: list[Ref] = Field(default_factory=new_list)
    """OPD pendukung."""
    tahun_mulai: Tahun
    """Tahun mulai."""
    tahun_selesai: Tahun
    """Tahun selesai."""
    status: StatusProgram = "usulan"
    """usulan, berjalan, selesai, ditunda, dibatalkan."""
    indikator: list[Indikator] = Field(default_factory=new_list)
    """Indikator dengan target per tahun."""
    anggaran: list[Anggaran] = Field(default_factory=new_list)
    """Anggaran per tahun dan sumber."""
    nomenklatur: Nomenklatur | None = None
    """Kode anggaran (sub kegiatan)."""
    progres: list[Progres] = Field(default_factory=new_list)
    """Catatan kemajuan per tahun atau triwulan."""
    regulasi: list[Ref] = Field(default_factory=new_list)
    """Regulasi yang menjadi dasar."""
    regulasi_dibutuhkan: list[Ref] = Field(default_factory=new_list)
    """Regulasi yang masih dibutuhkan."""


class Program(Rencana):
    """Program Smart City."""

    entitas: Literal["program"]
    """Jenis entitas; selalu 'program'."""
    dimensi: Nama
    """Dimensi: governance, branding, economy, living, society, environment."""
    elemen: Nama
    """Elemen dimensi, mis. service, tourism, health."""
    mitra: Mitra = Field(default_factory=Mitra)
    """Mitra pentahelix."""
    horizon: Literal["quick_win", "pendek", "menengah", "panjang"]
    """Horizon: quick_win, pendek, menengah, panjang."""
    prioritas: Literal["tinggi", "sedang", "rendah"] | None = None
    """Prioritas."""
    digital: Bool = False
    """true bila program punya komponen digital (perlu tautan ke layanan/aplikasi SPBE)."""
    terkait_spbe: list[Ref] = Field(default_factory=new_list)
    """Layanan, aplikasi atau elemen SPBE terkait."""
    lokasi: list[KodeWilayah] = Field(default_factory=new_list)
    """Kode wilayah (distrik) lokasi program."""
    misi: list[Nomor] = Field(default_factory=new_list)
    """Nomor misi yang didukung."""
    pilar_kesiapan: list[Nama] = Field(default_factory=new_list)
    """Pilar kesiapan yang diperkuat: struktur, infrastruktur, suprastruktur."""
    latar_belakang: Teks | None = None
    """Masalah yang dijawab."""
    tujuan: Teks | None = None
    """Tujuan program."""


class Gap(Base):
    """Kesenjangan kondisi saat ini dan kondisi target."""

    saat_ini: Teks
    """Kondisi saat ini (as-is)."""
    target: Teks
    """Kondisi target (to-be)."""


class PetaRencana(Rencana):
    """Satu butir Peta Rencana SPBE."""

    entitas: Literal["peta_rencana"]
    """Jenis entitas; selalu 'peta_rencana'."""
    muatan: Nama
    """Muatan: tata_kelola, manajemen, layanan, infrastruktur, aplikasi, keamanan, audit_tik."""
    mengubah: list[Ref] = Field(default_factory=new_list)
    """Elemen arsitektur yang dibangun atau diubah butir ini."""
    gap: Gap | None = None
    """Kesenjangan yang ditutup."""
    kerangka_indeks: Literal["spbe_59_2020", "pemdi_8_2026"] = "spbe_59_2020"
    """Kerangka evaluasi untuk indikator_indeks: spbe_59_2020 (indikator 1-47) atau pemdi_8_2026
    (urutan indikator 1-20)."""
    indikator_indeks: list[NomorIndikator] = Field(default_factory=new_list)
    """Nomor indikator Indeks yang didukung, menurut kerangka_indeks."""

    @model_validator(mode="after")
    def _indicator_in_framework(self) -> "PetaRencana":
        if self.kerangka_indeks == "pemdi_8_2026" and any(n > 20 for n in self.indikator_indeks):
            # Translated by the loader (message key schema.indeks_pemdi).
            raise PydanticCustomError("spbe_indeks_pemdi", "Pemdi indicators are numbered 1-20")
        return self


class Kesiapan(Entity):
    """Penilaian kesiapan daerah untuk satu sub-aspek (struktur/infrastruktur/suprastruktur)."""

    entitas: Literal["kesiapan"]
    """Jenis entitas; selalu 'kesiapan'."""
    pilar: Nama
    """Pilar: struktur, infrastruktur, suprastruktur."""
    sub_aspek: Nama
    """Sub-aspek, mis. sdm, birokrasi, anggaran, digital, kebijakan."""
    kondisi: Teks
    """Uraian kondisi saat ini."""
    skor: Skala | None = None
    """Skor 1-5 (opsional)."""
    bukti: list[Teks] = Field(default_factory=new_list)
    """Bukti pendukung."""
    rekomendasi: Teks | None = None
    """Rekomendasi."""
