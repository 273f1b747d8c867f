"""Building blocks shared by every catalog model: the base class, ids, years, money, dates.

Every value of a catalog reaches the models as YAML text (``spbe_cli.yamlio`` builds no numbers
or booleans), so the types here read that text themselves, strictly and with documented bounds
(docs/katalog.md, "Tipe dan batas nilai"):

* a boolean is exactly ``true`` or ``false``;
* a whole number is digits with an optional ``-``; no ``2025.0``, ``12_500``, ``0x7E9``, ``1e3``;
* a decimal is digits with an optional ``-`` and ``.``; at most :data:`NILAI_DIGITS` digits before
  the point and :data:`NILAI_DECIMALS` after it, no exponent, no ``.inf``;
* text is one line of at most :data:`NAMA_MAX` characters (names, codes, choices) or, for prose
  fields, at most :data:`TEKS_MAX` characters over several lines (the Base config bounds every
  other string the same way).

The length of the text is checked before it is turned into a number, so ``1e999999999`` or a
number of a million digits is refused at once instead of hanging a later ``int()``.
"""

import inspect
import re
import types
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints
from pydantic_core import PydanticCustomError

#: An id: ASCII letters and digits, words joined by ``-``, ``_`` or ``.``; at most 64 characters.
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$"
ID_MAX = 64

#: Short text (names, codes, choices): one line, at most this many characters.
NAMA_MAX = 300
#: Prose text (uraian, catatan, kondisi ...): several lines, at most this many characters.
TEKS_MAX = 5000
#: A URL: http or https only, at most this many characters.
URL_MAX = 2000
#: One line: no tab, no line break (other control characters never get past the YAML reader).
ONE_LINE = r"^[^\t\n]*$"
#: A web address: http(s) only, so that a document never links to javascript:, file: or data:.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s]+$"
#: Whole numbers: at most this many digits (the largest bound, RUPIAH_MAX, has 15).
INT_DIGITS = 15
#: Decimal numbers (indicator values): digits before and after the point.
NILAI_DIGITS = 15
NILAI_DECIMALS = 6
#: Rupiah amounts: whole rupiah, 0 up to just under one quadrillion (Rp 999 triliun).
RUPIAH_MAX = 999_999_999_999_999
#: Years: from the proclamation to the end of the century.
TAHUN_MIN, TAHUN_MAX = 1945, 2100


_Function = TypeVar("_Function", bound=Callable[..., Any])


def _signed(function: _Function) -> _Function:
    """``function`` with its signature computed once, which :func:`inspect.signature` returns.

    pydantic reads the signature of a validator and of a default factory again for every field
    that uses it, some two hundred times a ``spbe validate``, each time from the code object.
    """
    function.__signature__ = inspect.signature(function)  # type: ignore[attr-defined]
    return function


@_signed
def _int_text(value: Any) -> Any:
    """Read a whole number from YAML text: digits only, length checked before ``int()``."""
    if type(value) is not str:
        return value
    digits = value[1:] if value.startswith("-") else value
    # isascii: str.isdigit alone also accepts digits of other scripts and superscripts.
    if not (digits.isascii() and digits.isdigit()):
        # Translated by the loader (message key schema.int).
        raise PydanticCustomError("spbe_int", "not a whole number")
    if len(digits) > INT_DIGITS:
        raise PydanticCustomError("spbe_too_many_digits", "too many digits", {"digits": INT_DIGITS})
    return int(value)


@_signed
def _decimal_text(value: Any) -> Any:
    """Read a decimal from YAML text: plain notation, bounded digits, checked before parsing."""
    if type(value) is not str:
        return value
    whole, point, fraction = (value[1:] if value.startswith("-") else value).partition(".")
    if not (
        whole.isascii()
        and whole.isdigit()
        and (not point or (fraction.isascii() and fraction.isdigit()))
    ):
        # Translated by the loader (message key schema.number).
        raise PydanticCustomError("spbe_number", "not a plain decimal number")
    if len(whole) > NILAI_DIGITS or len(fraction) > NILAI_DECIMALS:
        raise PydanticCustomError(
            "spbe_number_range",
            "too many digits",
            {"digits": NILAI_DIGITS, "decimals": NILAI_DECIMALS},
        )
    return Decimal(value)


@_signed
def _bool_text(value: Any) -> Any:
    """Read a boolean from YAML text: only ``true`` and ``false`` (not yes, on, 1 ...)."""
    if value == "true":
        return True
    if value == "false":
        return False
    if isinstance(value, str):
        # Translated by the loader (message key schema.bool).
        raise PydanticCustomError("spbe_bool", "only true or false")
    return value


Bool = Annotated[bool, BeforeValidator(_bool_text), Strict()]
"""true atau false (huruf kecil); yes, no, on, off, 1, 0 tidak diterima."""

Nama = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=NAMA_MAX, pattern=ONE_LINE)
]
"""Teks pendek satu baris (nama, kode, pilihan), paling banyak 300 karakter.

Spasi dan ganti baris di awal dan akhir dibuang (``nama: >`` meninggalkan ganti baris di akhir).
"""

Teks = Annotated[str, StringConstraints(max_length=TEKS_MAX)]
"""Teks uraian, boleh beberapa baris, paling banyak 5.000 karakter."""

Url = Annotated[str, StringConstraints(max_length=URL_MAX, pattern=URL_PATTERN)]
"""Alamat web http:// atau https://, paling banyak 2.000 karakter."""

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

# The bounds come before the text reader, so that pydantic checks them in its compiled int
# validator (and writes them into the JSON Schema) instead of in a Python wrapper.
Tahun = Annotated[int, Strict(), Field(ge=TAHUN_MIN, le=TAHUN_MAX), BeforeValidator(_int_text)]
"""Tahun, empat angka, 1945-2100."""

Rupiah = Annotated[int, Strict(), Field(ge=0, le=RUPIAH_MAX), BeforeValidator(_int_text)]
"""Nilai dalam rupiah, bilangan bulat tanpa titik ribuan, 0 sampai 999.999.999.999.999."""

# The digit bounds are checked on the text (_decimal_text); pydantic's max_digits and
# decimal_places would check them again in Python for every value.
Nilai = Annotated[Decimal, BeforeValidator(_decimal_text), Field(allow_inf_nan=False)]
"""Angka; pecahan memakai titik (75.5); paling banyak 15 angka sebelum titik dan 6 sesudahnya."""

Pecahan = Annotated[float, BeforeValidator(_decimal_text), Field(allow_inf_nan=False)]
"""Pecahan desimal dengan titik, mis. 0.6."""

Skala = Annotated[int, Strict(), Field(ge=1, le=5), BeforeValidator(_int_text)]
"""Skor atau tingkat 1-5."""

Triwulan = Annotated[int, Strict(), Field(ge=1, le=4), BeforeValidator(_int_text)]
"""Triwulan 1-4."""

Level = Annotated[int, Strict(), Field(ge=4, le=7), BeforeValidator(_int_text)]
"""Level lokal proses bisnis 4-7."""

Nomor = Annotated[int, Strict(), Field(ge=1, le=99), BeforeValidator(_int_text)]
"""Nomor urut 1-99 (misi, indikator penilaian mandiri)."""

NomorIndikator = Annotated[int, Strict(), Field(ge=1, le=47), BeforeValidator(_int_text)]
"""Nomor indikator Indeks SPBE 1-47."""

Bulan = Annotated[int, Strict(), Field(ge=1, le=60), BeforeValidator(_int_text)]
"""Jumlah bulan 1-60."""

VersiSkema = Annotated[int, Strict(), Field(ge=1, le=999), BeforeValidator(_int_text)]
"""Versi skema katalog 1-999."""

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@_signed
def _iso_date(value: Any) -> Any:
    """Accept only ``YYYY-MM-DD`` text, so that '2025' is not read as a timestamp."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        # The error type is translated by the loader (message key schema.date).
        raise PydanticCustomError("spbe_date_format", "date must be YYYY-MM-DD")
    return value


Tanggal = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(ge=date(TAHUN_MIN, 1, 1), le=date(TAHUN_MAX, 12, 31)),
]
"""Tanggal berformat YYYY-MM-DD, tahun 1945-2100."""

Sumber = Literal["regulasi", "dokumen", "lapangan", "usulan"]
StatusElemen = Literal["rencana", "pengembangan", "operasional", "dihentikan"]


@_signed
def new_list() -> list[Any]:
    """A new empty list: the default of every list field (``Field(default_factory=new_list)``).

    A Python function, not ``list``: pydantic reads the signature of each field's default
    factory when it builds a validator, and that of a builtin is parsed from its text signature,
    thirty times slower (about 15 ms of every ``spbe validate`` for the fifty-odd list fields).
    """
    return []


@_signed
def new_dict() -> dict[Any, Any]:
    """A new empty mapping: the default of every mapping field (see :func:`new_list`)."""
    return {}


def in_use(element: Any) -> bool:
    """Tell whether an architecture element is in use or planned: any status but ``dihentikan``.

    The one test for every command: the rules, ``spbe sync``, the Indeks plafon and the
    documents leave a discontinued element out of what it would count for.
    """
    return getattr(element, "status", None) != "dihentikan"


class Base(BaseModel):
    """Base of every catalog model: unknown keys are typos, values are immutable.

    A model's validator is built when it first validates a document (``defer_build``): ``spbe
    validate`` builds only the kinds its catalog holds, and ``spbe --help`` none. The docstring
    under each field becomes its description when a command needs one (the JSON Schemas,
    ``spbe new``): :func:`spbe_cli.models.describe_fields`, not pydantic's
    ``use_attribute_docstrings``, which reads and parses the source of every class at import.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        hide_input_in_errors=True,
        # The bound of every string no alias narrows (dict keys, list items, prose).
        str_max_length=TEKS_MAX,
    )


class Entity(Base):
    """Fields every identified entity shares (see docs/katalog.md)."""

    id: Id
    """Pengenal unik di seluruh katalog (huruf ASCII, angka, '-', '_', '.')."""
    sumber: Sumber | None = None
    """Asal fakta: regulasi, dokumen, lapangan, atau usulan (ditampilkan sebagai usulan)."""
    rujukan: list[Teks] = Field(default_factory=new_list)
    """Rujukan sumber fakta (tautan, nomor dokumen)."""
    ilustratif: Bool = False
    """true bila angka atau isian entitas ini ilustrasi, bukan data resmi; ditandai di dokumen."""
    catatan: Teks | None = None
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
    nama: Nama | None = None
    """Nama program, kegiatan atau sub kegiatan."""
    versi: Nama
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

    nama: Nama
    """Nama indikator; juga kunci realisasi pada entri progres."""
    satuan: Nama
    """Satuan, mis. persen, unit, layanan."""
    baseline: Nilai | None = None
    """Nilai awal."""
    tahun_baseline: Tahun | None = None
    """Tahun nilai awal."""
    target: dict[Tahun, Nilai] = Field(default_factory=new_dict)
    """Target per tahun, mis. {2026: 40, 2027: 60}."""
    arah: Literal["naik", "turun"] = "naik"
    """naik bila makin besar makin baik, turun bila sebaliknya."""


class Sasaran(Base):
    """Sasaran (hasil yang hendak dicapai) dengan indikator kinerjanya."""

    uraian: Teks
    """Rumusan sasaran, mis. Meningkatnya layanan publik yang dapat diakses daring."""
    indikator: list[Indikator] = Field(default_factory=new_list)
    """Indikator sasaran (IKU) dengan baseline dan target per tahun."""
    ilustratif: Bool = False
    """true bila sasaran dan indikatornya ilustrasi, bukan rumusan resmi."""


SumberAnggaran = Literal["APBD", "APBN", "DAK", "CSR", "KPBU", "lainnya"]


class Anggaran(Base):
    """Pagu anggaran satu tahun dari satu sumber."""

    tahun: Tahun
    """Tahun anggaran."""
    nilai: Rupiah
    """Nilai dalam rupiah (bilangan bulat)."""
    sumber: SumberAnggaran
    """Sumber dana: APBD, APBN, DAK, CSR, KPBU atau lainnya."""
    keterangan: Teks | None = None
    """Keterangan, mis. nama sumber bila 'lainnya'."""
    ilustratif: Bool = False
    """true bila nilai ini ilustrasi, bukan pagu resmi."""


class Progres(Base):
    """Satu catatan kemajuan: realisasi indikator dan anggaran pada satu tahun (atau triwulan)."""

    tahun: Tahun
    """Tahun pelaporan."""
    triwulan: Triwulan | None = None
    """Triwulan 1-4, bila laporan triwulanan."""
    tanggal: Tanggal
    """Tanggal pembaruan (YYYY-MM-DD)."""
    status: Literal["usulan", "berjalan", "selesai", "ditunda", "dibatalkan"]
    """Status program pada saat laporan."""
    realisasi: dict[Nama, Nilai] = Field(default_factory=new_dict)
    """Realisasi per nama indikator."""
    anggaran_terserap: Rupiah | None = None
    """Anggaran yang terserap (rupiah)."""
    catatan: Teks | None = None
    """Catatan singkat."""
    bukti: Teks | None = None
    """Tautan ke bukti (dokumen, berita, dasbor)."""
    ilustratif: Bool = False
    """true bila angka atau catatan kemajuan ini ilustrasi, bukan laporan OPD yang resmi."""


def unwrap(annotation: Any) -> Any:
    """A field's annotation without its ``Annotated[…]`` and ``| None`` layers.

    A union of more than one type besides None is returned as it is.
    """
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            kept = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        else:
            return annotation
