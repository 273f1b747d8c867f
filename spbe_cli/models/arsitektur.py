"""The six domains of the Arsitektur SPBE (Perpres 95/2018, Perpres 132/2022).

Links run along the usual chain: a Layanan names the Proses Bisnis it serves and the Aplikasi
that run it; an Aplikasi names the Data it reads or writes, the Infrastruktur it runs on and the
Aplikasi it integrates with; a Keamanan item names the assets it protects.
"""

from typing import Literal

from pydantic import Field

from spbe_cli.models.common import (
    Base,
    Bool,
    Entity,
    KodeRA,
    Level,
    Nama,
    Ref,
    Skala,
    StatusElemen,
    Tahun,
    Tanggal,
    Teks,
    Url,
    new_dict,
    new_list,
)


class Elemen(Entity):
    """Fields every architecture element shares."""

    nama: Nama
    """Nama elemen."""
    uraian: Teks | None = None
    """Uraian singkat."""
    status: StatusElemen = "operasional"
    """rencana / pengembangan (kondisi target) atau operasional / dihentikan (kondisi saat ini)."""
    regulasi: list[Ref] = Field(default_factory=new_list)
    """Regulasi yang menjadi dasar elemen ini."""
    regulasi_dibutuhkan: list[Ref] = Field(default_factory=new_list)
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
    level: Level | None = None
    """Level lokal (4-7) di bawah referensi nasional."""
    induk: Ref | None = None
    """Proses bisnis induk (lokal)."""
    data: list[Ref] = Field(default_factory=new_list)
    """Data dan informasi yang dipakai atau dihasilkan."""
    opd_terkait: list[Ref] = Field(default_factory=new_list)
    """OPD lain yang terlibat."""


class DataInformasi(Elemen):
    """Data dan informasi (Satu Data Indonesia), di bawah kode RAD nasional."""

    entitas: Literal["data_informasi"]
    """Jenis entitas; selalu 'data_informasi'."""
    rad: KodeRA
    """Kode Referensi Arsitektur Data (RAD...)."""
    tujuan: Teks | None = None
    """Tujuan data."""
    sifat: Nama
    """Sifat data: terbuka, terbatas, tertutup."""
    jenis: Nama
    """Jenis data: statistik, geospasial, keuangan, lainnya."""
    validitas: Nama
    """Periode pemutakhiran: realtime, harian, ..., tahunan, lainnya."""
    produsen_data: Ref
    """OPD produsen data: OPD pemilik (penanggung jawab) data ini."""
    wali_data: Ref
    """OPD walidata: peran pengelola data, bukan pemiliknya."""
    data_pribadi: Bool = False
    """true bila memuat data pribadi."""
    pembina_data: Nama | None = None
    """Pembina data pusat (BPS untuk statistik, BIG untuk geospasial)."""
    interoperabilitas: Nama | None = None
    """Format atau skema pertukaran (mis. API JSON, CSV)."""
    metadata: Nama | None = None
    """Metadata data (Satu Data Indonesia): letak atau rujukan metadatanya."""
    kode_referensi: list[Nama] = Field(default_factory=new_list)
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
    proses_bisnis: list[Ref] = Field(default_factory=new_list)
    """Proses bisnis yang dilayani (minimal satu)."""
    aplikasi: list[Ref] = Field(default_factory=new_list)
    """Aplikasi yang menjalankan layanan."""
    digital: Bool = True
    """false bila layanan belum berbasis elektronik."""
    tujuan: Teks | None = None
    """Tujuan layanan."""
    target_layanan: Nama | None = None
    """Pengguna sasaran."""
    kanal: list[Nama] = Field(default_factory=new_list)
    """Metode atau kanal layanan (web, aplikasi seluler, loket)."""
    kementerian_terkait: Nama | None = None
    """Kementerian/lembaga terkait."""
    tingkat_kematangan: Skala | None = None
    """Tingkat kematangan layanan 1-5 (informasi ... optimalisasi)."""
    potensi_risiko: Teks | None = None
    """Potensi risiko."""
    mitigasi_risiko: Teks | None = None
    """Mitigasi risiko."""


class Justifikasi(Base):
    """Syarat memakai Aplikasi Khusus yang fungsinya sama dengan Aplikasi Umum."""

    kajian_biaya_manfaat: Teks
    """Rujukan kajian biaya-manfaat."""
    pertimbangan_menteri: Teks
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
    pemilik_nama: Nama | None = None
    """Nama kementerian/lembaga pemilik (bila bukan milik Pemda)."""
    opd_pengguna: list[Ref] = Field(default_factory=new_list)
    """OPD pengguna."""
    aplikasi_umum: Nama | None = None
    """Untuk kategori umum: id Aplikasi Umum nasional, mis. SRIKANDI."""
    setara_aplikasi_umum: Nama | None = None
    """Untuk Aplikasi Khusus: id Aplikasi Umum yang fungsinya sama."""
    justifikasi_khusus: Justifikasi | None = None
    """Justifikasi memakai Aplikasi Khusus padahal ada Aplikasi Umum."""
    bidang: Nama | None = None
    """Bidang Aplikasi Umum yang dicakup (kearsipan, pengaduan, ...), bila ada."""
    fungsi: Teks | None = None
    """Fungsi utama."""
    luaran: Teks | None = None
    """Luaran aplikasi."""
    basis_aplikasi: Literal["web", "seluler", "desktop", "lainnya"] | None = None
    """Basis aplikasi."""
    tipe_lisensi: Nama | None = None
    """Tipe lisensi."""
    basis_data: Nama | None = None
    """Sistem basis data."""
    url: Url | None = None
    """Alamat aplikasi."""
    tahun: Tahun | None = None
    """Tahun mulai dibangun atau dipakai."""
    data: list[Ref] = Field(default_factory=new_list)
    """Data yang dibaca atau ditulis."""
    infrastruktur: list[Ref] = Field(default_factory=new_list)
    """Infrastruktur tempat aplikasi berjalan."""
    integrasi: list[Ref] = Field(default_factory=new_list)
    """Aplikasi lain yang terintegrasi (pertukaran data tanpa entri ulang)."""


class Infrastruktur(Elemen):
    """Infrastruktur SPBE, di bawah kode RAI nasional."""

    entitas: Literal["infrastruktur"]
    """Jenis entitas; selalu 'infrastruktur'."""
    rai: KodeRA
    """Kode Referensi Arsitektur Infrastruktur (RAI...)."""
    jenis: Nama
    """Objek infrastruktur SIA-SPBE, mis. fasilitas_komputasi, jaringan_intra."""
    opd: Ref | None = None
    """OPD pengelola."""
    status_kepemilikan: Literal["milik", "sewa", "bagi_pakai"] = "milik"
    """Status kepemilikan."""
    nama_pemilik: Nama | None = None
    """Nama pemilik bila bukan milik Pemda."""
    lokasi: Nama | None = None
    """Lokasi fisik."""
    klasifikasi_tier: Nama | None = None
    """Klasifikasi tier pusat data."""
    spesifikasi: dict[Nama, Nama] = Field(default_factory=new_dict)
    """Atribut khusus jenis (bandwidth, kapasitas, ...)."""


class Keamanan(Elemen):
    """Keamanan SPBE, di bawah kode RAK nasional."""

    entitas: Literal["keamanan"]
    """Jenis entitas; selalu 'keamanan'."""
    rak: KodeRA
    """Kode Referensi Arsitektur Keamanan (RAK...)."""
    jenis: Nama
    """Objek keamanan SIA-SPBE, mis. audit_keamanan, penanganan_insiden."""
    opd: Ref
    """OPD penanggung jawab."""
    objek: list[Ref] = Field(default_factory=new_list)
    """Data, aplikasi atau infrastruktur yang dilindungi."""
    tanggal_mulai: Tanggal | None = None
    """Tanggal mulai."""
    tanggal_selesai: Tanggal | None = None
    """Tanggal selesai."""
    nilai_kematangan: Skala | None = None
    """Nilai kematangan 1-5."""
    hasil_audit: Teks | None = None
    """Hasil audit."""
    tindak_lanjut: Teks | None = None
    """Tindak lanjut."""
