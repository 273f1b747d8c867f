"""The Pemda's metadata, its OPDs, regulations and declared reference extensions."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from spbe_cli.models.common import (
    Base,
    Bool,
    Bulan,
    Entity,
    KodeUrusan,
    KodeWilayah,
    Nama,
    Nomor,
    Pecahan,
    Periode,
    Ref,
    Sasaran,
    Tahun,
    Tanggal,
    Teks,
    Url,
    VersiSkema,
    new_dict,
    new_list,
)


class Provinsi(Base):
    """Provinsi tempat Pemda berada."""

    nama: Nama
    """Nama provinsi."""
    kode_kemendagri: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
    """Kode wilayah Kemendagri provinsi, mis. 94."""


#: The kinds of Pemda (``spbe init --jenis`` offers the same).
JenisPemda = Literal["kabupaten", "kota", "provinsi"]


class Pemda(Base):
    """Pemerintah daerah pemilik katalog."""

    nama: Nama
    """Nama resmi, mis. Kabupaten Mimika."""
    jenis: JenisPemda
    """Jenis pemerintah daerah."""
    kode_kemendagri: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}(\.[0-9]{2})?$")]
    """Kode wilayah Kemendagri, mis. 94.04 (bukan kode BPS)."""
    kode_bps: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")] | None = None
    """Kode BPS, ruang kode terpisah dari Kemendagri."""
    provinsi: Provinsi | None = None
    """Provinsi induk (untuk kabupaten/kota)."""
    zona_waktu: Literal["WIB", "WITA", "WIT"] | None = None
    """Zona waktu Pemda (WIB UTC+7, WITA UTC+8, WIT UTC+9), untuk "hari ini" spbe progress."""

    @property
    def kepala_daerah(self) -> str:
        """Sebutan kepala daerah menurut jenis Pemda: Bupati, Wali Kota atau Gubernur."""
        from spbe_cli.reference import load_reference

        return load_reference().jenis_pemda[self.jenis].kepala_daerah

    @property
    def pemerintah(self) -> str:
        """Sebutan pemerintahnya, mis. Pemerintah Kabupaten Mimika, Pemerintah Kota Bandung."""
        from spbe_cli.reference import bare_region_name, load_reference

        sebutan = load_reference().jenis_pemda[self.jenis].pemerintah
        return f"{sebutan} {bare_region_name(self.nama)}"

    @property
    def peraturan_kepala_daerah(self) -> str:
        """Jenis peraturan kepala daerahnya: Perbup, Perwali atau Pergub."""
        from spbe_cli.reference import load_reference

        return load_reference().jenis_pemda[self.jenis].perkada

    @property
    def jenis_regulasi(self) -> tuple[str, ...]:
        """Jenis peraturan daerah yang diterbitkan Pemda jenis ini, mis. Perda, Perwali, Kepwali."""
        from spbe_cli.reference import load_reference

        return load_reference().jenis_pemda[self.jenis].jenis_regulasi


class Reviu(Base):
    """Catatan reviu dokumen (paruh waktu, tahun terakhir)."""

    tanggal: Tanggal
    """Tanggal reviu."""
    jenis: Literal["paruh_waktu", "tahun_terakhir", "lainnya"]
    """Jenis reviu."""
    catatan: Teks | None = None
    """Ringkasan hasil reviu."""


class DokumenTerkait(Base):
    """Dokumen perencanaan acuan, mis. RPJMD, Renstra atau Peta Rencana SPBE Nasional."""

    jenis: Literal[
        "rpjmn",
        "rpjmd",
        "renstra",
        "rkpd",
        "arsitektur_nasional",
        "peta_rencana_nasional",
        "lainnya",
    ]
    """Jenis dokumen: rpjmn, rpjmd, renstra, rkpd, arsitektur_nasional, peta_rencana_nasional,
    lainnya."""
    nama: Nama
    """Nama dokumen, mis. RPJMD Kabupaten Mimika 2025-2029."""
    regulasi: Ref | None = None
    """Id regulasi yang menetapkan dokumen itu, bila ada di katalog."""
    url: Url | None = None
    """Tautan ke naskah atau portal resmi."""
    keterkaitan: Teks | None = None
    """Bagaimana dokumen ini mengacu padanya (satu atau dua kalimat)."""
    ilustratif: Bool = False
    """true bila keberadaan atau isi dokumen itu belum diverifikasi."""


class Dokumen(Base):
    """Satu dokumen yang dihasilkan dari katalog."""

    judul: Nama
    """Judul dokumen."""
    periode: Periode
    """Periode berlaku dokumen."""
    versi: Nama
    """Versi dokumen, mis. 2.0."""
    status: Literal["draf", "final", "ditetapkan"] = "draf"
    """Status dokumen."""
    tanggal: Tanggal | None = None
    """Tanggal dokumen (dipakai di halaman judul; bukan tanggal pembuatan berkas)."""
    penetapan: Ref | None = None
    """Id regulasi yang menetapkan dokumen ini (mis. Perbup)."""
    revisi_dari: Nama | None = None
    """Dokumen atau periode yang direvisi, mis. 2017-2022."""
    tahun_revisi: Tahun | None = None
    """Tahun revisi; quick win revisi boleh dimulai pada tahun ini."""
    reviu: list[Reviu] = Field(default_factory=new_list)
    """Riwayat reviu."""
    keterkaitan: list[DokumenTerkait] = Field(default_factory=new_list)
    """Dokumen perencanaan yang menjadi acuan (RPJMD, Renstra, Peta Rencana SPBE Nasional)."""


class DaftarDokumen(Base):
    """Tiga dokumen utama."""

    masterplan: Dokumen
    """Master Plan Smart City."""
    arsitektur: Dokumen
    """Arsitektur SPBE Pemerintah Daerah."""
    peta_rencana: Dokumen
    """Peta Rencana SPBE."""


class Misi(Base):
    """Satu misi RPJMD atau master plan."""

    nomor: Nomor
    """Nomor misi."""
    uraian: Teks
    """Uraian misi."""
    tujuan: "list[Tujuan]" = Field(default_factory=new_list)
    """Tujuan yang menjabarkan misi ini (Peta Strategi: visi, misi, tujuan, sasaran, IKU)."""
    ilustratif: Bool = False
    """true bila misi ini ilustrasi, bukan rumusan RPJMD yang resmi (ditandai † di dokumen)."""


class Tujuan(Base):
    """Tujuan yang menjabarkan satu misi, dengan sasaran dan indikator kinerja utamanya."""

    uraian: Teks
    """Rumusan tujuan."""
    sasaran: list[Sasaran] = Field(default_factory=new_list)
    """Sasaran strategis; indikatornya adalah indikator kinerja utama (IKU)."""
    ilustratif: Bool = False
    """true bila tujuan ini ilustrasi, bukan rumusan RPJMD yang resmi."""


class Swot(Base):
    """Analisis SWOT: faktor internal (kekuatan, kelemahan) dan eksternal (peluang, ancaman)."""

    kekuatan: list[Teks] = Field(default_factory=new_list)
    """Kekuatan (strengths), faktor internal yang mendukung."""
    kelemahan: list[Teks] = Field(default_factory=new_list)
    """Kelemahan (weaknesses), faktor internal yang menghambat."""
    peluang: list[Teks] = Field(default_factory=new_list)
    """Peluang (opportunities), faktor eksternal yang dapat dimanfaatkan."""
    ancaman: list[Teks] = Field(default_factory=new_list)
    """Ancaman (threats), faktor eksternal yang perlu diantisipasi."""


class StrategiDimensi(Base):
    """Analisis dan sasaran satu dimensi smart city untuk master plan."""

    swot: Swot = Field(default_factory=Swot)
    """Analisis SWOT dimensi ini."""
    sasaran: list[Sasaran] = Field(default_factory=new_list)
    """Sasaran dimensi dengan indikator dan target per tahun."""
    ilustratif: Bool = False
    """true bila analisis dan sasaran ini ilustrasi, bukan hasil kajian resmi."""
    rujukan: list[Teks] = Field(default_factory=new_list)
    """Rujukan sumber (tautan, nomor dokumen)."""


class Kondisi(Base):
    """Kondisi saat ini dan kondisi target satu domain arsitektur, sebagai uraian."""

    saat_ini: Teks
    """Uraian kondisi saat ini (as-is)."""
    target: Teks
    """Uraian kondisi target (to-be) pada akhir periode."""
    ilustratif: Bool = False
    """true bila uraian ini ilustrasi, bukan hasil pendataan."""
    rujukan: list[Teks] = Field(default_factory=new_list)
    """Rujukan sumber (tautan, nomor dokumen)."""


class KondisiArsitektur(Base):
    """Uraian kondisi saat ini dan target per domain Arsitektur SPBE."""

    proses_bisnis: Kondisi | None = None
    """Domain proses bisnis."""
    data_informasi: Kondisi | None = None
    """Domain data dan informasi."""
    layanan: Kondisi | None = None
    """Domain layanan SPBE."""
    aplikasi: Kondisi | None = None
    """Domain aplikasi SPBE."""
    infrastruktur: Kondisi | None = None
    """Domain infrastruktur SPBE."""
    keamanan: Kondisi | None = None
    """Domain keamanan SPBE."""


class DewanSmartCity(Base):
    """Tata kelola smart city: Dewan Smart City dan Tim Pelaksana."""

    uraian: Teks
    """Uraian peran dan susunan."""
    opd_anggota: list[Ref] = Field(default_factory=new_list)
    """OPD anggota."""
    frekuensi_rapat: Nama | None = None
    """Frekuensi rapat, mis. setiap tiga bulan."""
    dasar: list[Ref] = Field(default_factory=new_list)
    """Regulasi pembentukan."""
    tim_pelaksana: Teks | None = None
    """Uraian Tim Pelaksana."""
    ilustratif: Bool = False
    """true bila susunan Dewan atau Tim Pelaksana ini ilustrasi, bukan keputusan yang resmi."""


class Pengaturan(Base):
    """Pengaturan pemeriksaan dan laporan."""

    bulan_mangkrak: Bulan = 6
    """Program tanpa pembaruan selama sekian bulan dianggap mangkrak."""
    kemiripan_minimum: Annotated[Pecahan, Field(gt=0, le=1)] = 0.6
    """Ambang kemiripan nama (0-1) untuk dugaan duplikasi lintas OPD."""


class Metadata(Base):
    """Metadata katalog: Pemda, periode, dokumen, visi dan misi."""

    entitas: Literal["metadata"]
    """Jenis entitas; selalu 'metadata'."""
    versi_skema: VersiSkema
    """Versi skema katalog; versi ini memahami 1."""
    pemda: Pemda
    """Pemerintah daerah."""
    periode_rpjmd: Periode
    """Periode RPJMD."""
    dokumen: DaftarDokumen
    """Dokumen yang dihasilkan."""
    visi: Teks | None = None
    """Visi smart city atau RPJMD."""
    visi_ilustratif: Bool = False
    """true bila visi ini ilustrasi, bukan visi RPJMD yang resmi (ditandai † di dokumen)."""
    misi: list[Misi] = Field(default_factory=new_list)
    """Misi."""
    tata_kelola: DewanSmartCity | None = None
    """Tata kelola smart city."""
    prosa: dict[Nama, Nama] = Field(default_factory=new_dict)
    """Bagian prosa: nama bagian -> berkas Markdown relatif terhadap folder katalog."""
    pengaturan: Pengaturan = Field(default_factory=Pengaturan)
    """Pengaturan pemeriksaan."""
    logo: Nama | None = None
    """Logo Pemda untuk halaman judul: berkas PNG di dalam folder katalog, mis.
    gambar/logo.png (paling besar 2 MiB)."""
    strategi_dimensi: dict[Nama, StrategiDimensi] = Field(default_factory=new_dict)
    """Per dimensi smart city (kode dimensi, mis. governance): analisis SWOT dan sasaran."""
    kondisi_arsitektur: KondisiArsitektur = Field(default_factory=KondisiArsitektur)
    """Uraian kondisi saat ini dan target per domain Arsitektur SPBE."""
    ilustratif: Bool = False
    """true bila sebagian isian metadata adalah ilustrasi."""
    rujukan: list[Teks] = Field(default_factory=new_list)
    """Rujukan sumber fakta metadata (tautan, nomor dokumen)."""
    catatan: Teks | None = None
    """Catatan bebas."""


class OPD(Entity):
    """Organisasi Perangkat Daerah."""

    entitas: Literal["opd"]
    """Jenis entitas; selalu 'opd'."""
    nama: Nama
    """Nama lengkap OPD."""
    singkatan: Nama | None = None
    """Singkatan, mis. Diskominfo."""
    jenis: Literal[
        "sekretariat_daerah",
        "sekretariat_dprd",
        "inspektorat",
        "dinas",
        "badan",
        "distrik",
        "uptd",
        "bagian",
        "kantor",
        "lainnya",
    ]
    """Jenis perangkat daerah."""
    urusan: list[KodeUrusan] = Field(default_factory=new_list)
    """Kode (bidang) urusan atau unsur yang diampu, mis. 2.16."""
    kode_organisasi: Nama | None = None
    """Kode organisasi pada nomenklatur keuangan."""
    induk: Ref | None = None
    """OPD induk (untuk bagian dan UPTD)."""
    kode_wilayah: KodeWilayah | None = None
    """Kode wilayah Kemendagri wilayah kerja OPD kewilayahan (distrik/kecamatan), mis. 94.04.01."""

    @property
    def nama_pendek(self) -> str:
        """The name a table or chart shows: the singkatan (Diskominfo), else the full name."""
        return self.singkatan or self.nama


class Regulasi(Entity):
    """Regulasi yang menjadi dasar atau yang masih dibutuhkan ("smart regulation")."""

    entitas: Literal["regulasi"]
    """Jenis entitas; selalu 'regulasi'."""
    jenis: Literal[
        "UU",
        "PP",
        "Perpres",
        "Permen",
        "Kepmen",
        "SE",
        "Perda",
        "Pergub",
        "Kepgub",
        "Perbup",
        "Kepbup",
        "Perwali",
        "Kepwali",
        "lainnya",
    ]
    """Jenis peraturan."""
    nomor: Nama | None = None
    """Nomor peraturan; kosong bila belum ada (rancangan atau dibutuhkan)."""
    tahun: Tahun | None = None
    """Tahun penetapan."""
    judul: Nama
    """Judul atau pokok pengaturan."""
    penerbit: Nama | None = None
    """Instansi penerbit, mis. KemenPANRB."""
    tingkat: Literal["nasional", "provinsi", "daerah"]
    """Tingkat pemerintahan penerbit."""
    status: Literal["berlaku", "diubah", "dicabut", "rancangan", "dibutuhkan"]
    """Status: berlaku, diubah, dicabut, rancangan, atau dibutuhkan (belum ada)."""
    dicabut_oleh: Ref | None = None
    """Id regulasi pencabut, bila dicabut."""
    url: Url | None = None
    """Tautan ke naskah."""

    @model_validator(mode="after")
    def _numbered_when_enacted(self) -> "Regulasi":
        if self.status in ("berlaku", "diubah", "dicabut") and not (self.nomor and self.tahun):
            # Translated by the loader (message key schema.regulasi_nomor).
            raise PydanticCustomError(
                "spbe_regulasi_nomor", "an enacted regulation needs nomor and tahun"
            )
        return self

    @property
    def sebutan(self) -> str:
        """Short citation, e.g. 'Perpres 95/2018'."""
        if self.nomor and self.tahun:
            return f"{self.jenis} {self.nomor}/{self.tahun}"
        return f"{self.jenis} ({self.status})"


class Referensi(Base):
    """Perluasan data referensi oleh katalog: kode RA* lokal, elemen smart city, nilai daftar."""

    entitas: Literal["referensi"]
    """Jenis entitas; selalu 'referensi'."""
    daftar: Nama = "arsitektur"
    """Daftar yang diperluas: arsitektur (kode RA*), elemen_smart_city, atau nama daftar SIA-SPBE
    (sifat_data, jenis_data, validitas_data, jenis_infrastruktur, jenis_keamanan)."""
    kode: Annotated[Nama, StringConstraints(min_length=1, max_length=64)]
    """Kode baru, mis. RAI.01 atau building."""
    nama: Nama
    """Nama."""
    dimensi: Nama | None = None
    """Untuk elemen_smart_city: kode dimensi induk."""
    uraian: Teks | None = None
    """Uraian."""
    sumber: Teks
    """Dari mana kode ini berasal (wajib, agar tidak ada kode tanpa asal-usul)."""
    ilustratif: Bool = False
    """true bila kode ini ilustrasi sambil menunggu rujukan resmi."""
    nasional: Bool = False
    """true bila kode RA* ini simpul nasional (Lampiran Perpres 132/2022) yang belum ada di data
    referensi bawaan; tanpa ini kode dianggap simpul lokal Pemda (SPBE214)."""
