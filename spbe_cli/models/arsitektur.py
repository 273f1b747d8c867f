"""The six domains of the Arsitektur SPBE (Perpres 95/2018, Perpres 132/2022).

Links run along the usual chain: a Layanan names the Proses Bisnis it serves and the Aplikasi
that run it; an Aplikasi names the Data it reads or writes, the Infrastruktur it runs on and the
Aplikasi it integrates with; a Keamanan item names the assets it protects.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from spbe_cli.models.common import Base, Entity, KodeRA, Ref, StatusElemen, Tahun, Tanggal


class Elemen(Entity):
    """Fields every architecture element shares."""

    nama: str
    """Nama elemen."""
    uraian: str | None = None
    """Uraian singkat."""
    status: StatusElemen = "operasional"
    """rencana / pengembangan (kondisi target) atau operasional / dihentikan (kondisi saat ini)."""
    regulasi: list[Ref] = Field(default_factory=list)
    """Regulasi yang menjadi dasar elemen ini."""
    regulasi_dibutuhkan: list[Ref] = Field(default_factory=list)
    """Regulasi yang masih dibutuhkan."""


class ProsesBisnis(Elemen):
    """Proses bisnis Pemda, di bawah kode RAB nasional."""

    entitas: Literal["proses_bisnis"]
    """Jenis entitas; selalu 'proses_bisnis'."""
    rab: KodeRA
    """Kode Referensi Arsitektur Proses Bisnis (RAB...)."""
    opd: Ref
    """OPD pemilik proses."""
    jenis: Literal["inti", "pendukung", "manajemen"] = "inti"
    """Jenis proses."""
    level: Annotated[int, Field(ge=4, le=7)] | None = None
    """Level lokal (4-7) di bawah referensi nasional."""
    induk: Ref | None = None
    """Proses bisnis induk (lokal)."""
    data: list[Ref] = Field(default_factory=list)
    """Data dan informasi yang dipakai atau dihasilkan."""
    opd_terkait: list[Ref] = Field(default_factory=list)
    """OPD lain yang terlibat."""


class DataInformasi(Elemen):
    """Data dan informasi (Satu Data Indonesia), di bawah kode RAD nasional."""

    entitas: Literal["data_informasi"]
    """Jenis entitas; selalu 'data_informasi'."""
    rad: KodeRA
    """Kode Referensi Arsitektur Data (RAD...)."""
    tujuan: str | None = None
    """Tujuan data."""
    sifat: str
    """Sifat data: terbuka, terbatas, tertutup."""
    jenis: str
    """Jenis data: statistik, geospasial, keuangan, lainnya."""
    validitas: str
    """Periode pemutakhiran: realtime, harian, ..., tahunan, lainnya."""
    produsen_data: Ref
    """OPD produsen data."""
    wali_data: Ref
    """OPD walidata."""
    data_pribadi: bool = False
    """true bila memuat data pribadi."""
    pembina_data: str | None = None
    """Pembina data pusat (BPS untuk statistik, BIG untuk geospasial)."""
    interoperabilitas: str | None = None
    """Format atau skema pertukaran (mis. API JSON, CSV)."""
    metadata: str | None = None
    """Metadata data (Satu Data Indonesia): letak atau rujukan metadatanya."""
    kode_referensi: list[str] = Field(default_factory=list)
    """Kode referensi atau data induk yang dipakai, mis. NIK, kode wilayah."""


class Layanan(Elemen):
    """Layanan SPBE, di bawah kode RAL nasional."""

    entitas: Literal["layanan"]
    """Jenis entitas; selalu 'layanan'."""
    ral: KodeRA
    """Kode Referensi Arsitektur Layanan (RAL...)."""
    jenis: Literal["publik", "administrasi"]
    """Layanan publik atau administrasi pemerintahan."""
    unit_pelaksana: Ref
    """OPD pelaksana layanan."""
    proses_bisnis: list[Ref] = Field(default_factory=list)
    """Proses bisnis yang dilayani (minimal satu)."""
    aplikasi: list[Ref] = Field(default_factory=list)
    """Aplikasi yang menjalankan layanan."""
    digital: bool = True
    """false bila layanan belum berbasis elektronik."""
    tujuan: str | None = None
    """Tujuan layanan."""
    target_layanan: str | None = None
    """Pengguna sasaran."""
    kanal: list[str] = Field(default_factory=list)
    """Metode atau kanal layanan (web, aplikasi seluler, loket)."""
    kementerian_terkait: str | None = None
    """Kementerian/lembaga terkait."""
    tingkat_kematangan: Annotated[int, Field(ge=1, le=5)] | None = None
    """Tingkat kematangan layanan 1-5 (informasi ... optimalisasi)."""
    potensi_risiko: str | None = None
    """Potensi risiko."""
    mitigasi_risiko: str | None = None
    """Mitigasi risiko."""


class Justifikasi(Base):
    """Syarat memakai Aplikasi Khusus yang fungsinya sama dengan Aplikasi Umum."""

    kajian_biaya_manfaat: str
    """Rujukan kajian biaya-manfaat."""
    pertimbangan_menteri: str
    """Rujukan pertimbangan menteri."""


class Aplikasi(Elemen):
    """Aplikasi SPBE (umum atau khusus), di bawah kode RAA nasional."""

    entitas: Literal["aplikasi"]
    """Jenis entitas; selalu 'aplikasi'."""
    raa: KodeRA
    """Kode Referensi Arsitektur Aplikasi (RAA...)."""
    kategori: Literal["umum", "khusus"]
    """Aplikasi Umum (ditetapkan nasional) atau Aplikasi Khusus."""
    pemilik_tipe: Literal["pemda", "kementerian_lembaga"] = "pemda"
    """Pemilik: Pemda sendiri atau kementerian/lembaga."""
    pemilik: Ref | None = None
    """OPD pemilik (bila milik Pemda)."""
    pemilik_nama: str | None = None
    """Nama kementerian/lembaga pemilik (bila bukan milik Pemda)."""
    opd_pengguna: list[Ref] = Field(default_factory=list)
    """OPD pengguna."""
    aplikasi_umum: str | None = None
    """Untuk kategori umum: id Aplikasi Umum nasional, mis. SRIKANDI."""
    setara_aplikasi_umum: str | None = None
    """Untuk Aplikasi Khusus: id Aplikasi Umum yang fungsinya sama."""
    justifikasi_khusus: Justifikasi | None = None
    """Justifikasi memakai Aplikasi Khusus padahal ada Aplikasi Umum."""
    bidang: str | None = None
    """Bidang Aplikasi Umum yang dicakup (kearsipan, pengaduan, ...), bila ada."""
    fungsi: str | None = None
    """Fungsi utama."""
    luaran: str | None = None
    """Luaran aplikasi."""
    basis_aplikasi: Literal["web", "seluler", "desktop", "lainnya"] | None = None
    """Basis aplikasi."""
    tipe_lisensi: str | None = None
    """Tipe lisensi."""
    basis_data: str | None = None
    """Sistem basis data."""
    url: str | None = None
    """Alamat aplikasi."""
    tahun: Tahun | None = None
    """Tahun mulai dibangun atau dipakai."""
    data: list[Ref] = Field(default_factory=list)
    """Data yang dibaca atau ditulis."""
    infrastruktur: list[Ref] = Field(default_factory=list)
    """Infrastruktur tempat aplikasi berjalan."""
    integrasi: list[Ref] = Field(default_factory=list)
    """Aplikasi lain yang terintegrasi (pertukaran data tanpa entri ulang)."""


class Infrastruktur(Elemen):
    """Infrastruktur SPBE, di bawah kode RAI nasional."""

    entitas: Literal["infrastruktur"]
    """Jenis entitas; selalu 'infrastruktur'."""
    rai: KodeRA
    """Kode Referensi Arsitektur Infrastruktur (RAI...)."""
    jenis: str
    """Objek infrastruktur SIA-SPBE, mis. fasilitas_komputasi, jaringan_intra."""
    opd: Ref | None = None
    """OPD pengelola."""
    status_kepemilikan: Literal["milik", "sewa", "bagi_pakai"] = "milik"
    """Status kepemilikan."""
    nama_pemilik: str | None = None
    """Nama pemilik bila bukan milik Pemda."""
    lokasi: str | None = None
    """Lokasi fisik."""
    klasifikasi_tier: str | None = None
    """Klasifikasi tier pusat data."""
    spesifikasi: dict[str, str] = Field(default_factory=dict)
    """Atribut khusus jenis (bandwidth, kapasitas, ...)."""


class Keamanan(Elemen):
    """Keamanan SPBE, di bawah kode RAK nasional."""

    entitas: Literal["keamanan"]
    """Jenis entitas; selalu 'keamanan'."""
    rak: KodeRA
    """Kode Referensi Arsitektur Keamanan (RAK...)."""
    jenis: str
    """Objek keamanan SIA-SPBE, mis. audit_keamanan, penanganan_insiden."""
    opd: Ref
    """OPD penanggung jawab."""
    objek: list[Ref] = Field(default_factory=list)
    """Data, aplikasi atau infrastruktur yang dilindungi."""
    tanggal_mulai: Tanggal | None = None
    """Tanggal mulai."""
    tanggal_selesai: Tanggal | None = None
    """Tanggal selesai."""
    nilai_kematangan: Annotated[int, Field(ge=1, le=5)] | None = None
    """Nilai kematangan 1-5."""
    hasil_audit: str | None = None
    """Hasil audit."""
    tindak_lanjut: str | None = None
    """Tindak lanjut."""
