"""The one home for formatting amounts, numbers, percentages, dates, quarters and citations.

Rules:

* **Rupiah is always written the Indonesian way** (``Rp 1.400.000.000``), in the terminal in
  English too: it is an amount in Indonesian budget documents, and an operator compares it with
  them. :func:`rupiah_short` (``Rp 1,25 M``) is for chart labels.
* **Numbers, percentages and dates follow a language**: ``lang=None`` means the language of the
  messages (:func:`spbe_cli.i18n.language`) for terminal output; rendered documents pass
  ``lang="id"`` (or run inside ``use_language("id")``), because a document is Indonesian
  whatever the operator's locale.
* Rounding is half-even on exact decimals, so the same catalog prints the same text everywhere.
* **A regulation is cited as readers cite it** (:func:`citation`), in the documents, the
  progress report and the terminal alike: it is a name in Indonesian law, not a translation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from spbe_cli.i18n import language, t

#: Text longer than this (on either side of a change) is shown around its edit, as a word diff
#: (``spbe diff``) or a passage of the new words (a document's "Daftar Perubahan").
LONG_TEXT = 80
#: Unchanged words kept on each side of an edit of a long text.
CONTEXT_WORDS = 4

#: Ratios above this show as ``>999%`` (a target typed with the wrong unit, not an achievement).
PERCENT_CAP = Decimal("9.99")

_MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
# Thousands separator and decimal mark.
_MARKS = {"id": (".", ","), "en": (",", ".")}


def _lang(lang: str | None) -> str:
    chosen = lang or language()
    return chosen if chosen in _MARKS else "en"


def _group(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


#: What a document writes where a value is missing (an empty cell, a figure not yet known).
KOSONG = "-"


def rupiah(value: int | Decimal | None) -> str:
    """``Rp 1.250.000.000`` in every language; None shows as ``-``."""
    if value is None:
        return KOSONG
    return "Rp " + _group(int(value), ".")


#: The mark after a figure that sums illustrative budget lines; a legend line explains it.
ILLUSTRATIVE_MARK = "*"


_MARK = {"mark": ILLUSTRATIVE_MARK}


@contextmanager
def marking(mark: str) -> Iterator[None]:
    """Mark illustrative amounts with ``mark`` inside the block (the documents use ``†``).

    Like :func:`spbe_cli.i18n.use_language`: a message worded for a document (the Daftar
    Perubahan of ``spbe render --since``) carries the document's mark, not the terminal's.
    """
    previous = _MARK["mark"]
    _MARK["mark"] = mark
    try:
        yield
    finally:
        _MARK["mark"] = previous


def marked(text: str, flag: bool, mark: str | None = None) -> str:
    """``text`` with the mark of the block (:func:`marking`) when ``flag`` is set.

    The one home of the mark after a value that is not official fact: an illustrative amount,
    or a weight, threshold or name from reference data not yet verified against the official
    text (``spbe indeks``). The terminal uses :data:`ILLUSTRATIVE_MARK`; the documents their
    discreet ``†``. A legend line beside the values says what the mark means there.
    """
    return text + ((mark or _MARK["mark"]) if flag else "")


def current_mark() -> str:
    """The mark :func:`marked` writes in this block, without its leading space (for a legend)."""
    return _MARK["mark"].strip()


def rupiah_marked(value: int, illustrative: bool, mark: str | None = None) -> str:
    """:func:`rupiah`, with ``mark`` when the amount is (partly) illustrative.

    Reports in the terminal use :data:`ILLUSTRATIVE_MARK`; the documents their discreet ``†``
    (:func:`marking`).
    """
    return marked(rupiah(value), illustrative, mark)


def illustrative_legend() -> str:
    """The legend line explaining :data:`ILLUSTRATIVE_MARK`, in the language of the messages."""
    return t("plan.illustrative_legend", mark=ILLUSTRATIVE_MARK)


_SHORT_UNITS = ((10**12, "T"), (10**9, "M"), (10**6, "jt"))


def _short_parts(value: int) -> tuple[int, str, int] | None:
    """The unit of an amount's short label, its mark and the decimals it needs (0 to 2).

    ``5_300_000_000``: ``10**9``, ``M``, 1 (``5,3``, rounded half up to hundredths); None below
    a million (the amount is written out).
    """
    for limit, suffix in _SHORT_UNITS:
        if value >= limit:
            hundredths = (value * 100 + limit // 2) // limit
            return limit, suffix, len(f"{hundredths % 100:02d}".rstrip("0"))
    return None


def rupiah_short(value: int, places: int | None = None) -> str:
    """``Rp 1,25 M`` style for chart labels (jt, M, T), rounded half up to two decimals.

    Whole-number arithmetic: ``12.045.000.000`` is ``Rp 12,05 M`` as a reader rounds it (the
    float 12.045 would print 12,04 and disagree with the table beside the chart). ``places``
    (0 to 2) shows exactly that many decimals: the labels of one chart share them
    (:func:`rupiah_short_labels`).
    """
    parts = _short_parts(value)
    if parts is None:
        return rupiah(value)
    limit, suffix, needed = parts
    shown = needed if places is None else max(0, min(places, 2))
    scaled = (value * 10**shown + limit // 2) // limit  # half up, in whole arithmetic
    whole, fraction = divmod(scaled, 10**shown)
    text = f"{whole}" + (f",{fraction:0{shown}d}" if shown else "")
    return f"Rp {text} {suffix}"


def rupiah_short_labels(values: Sequence[int | None]) -> list[str | None]:
    """The labels of one chart's amounts: those in the same unit show the same decimals.

    ``Rp 5,30 M`` beside ``Rp 4,07 M``, not ``Rp 5,3 M``: a column of amounts read with
    different decimals looks like amounts of different precision. None stays None.
    """
    places: dict[str, int] = {}
    for value in values:
        parts = None if value is None else _short_parts(value)
        if parts is not None:
            places[parts[1]] = max(places.get(parts[1], 0), parts[2])
    out: list[str | None] = []
    for value in values:
        parts = None if value is None else _short_parts(value)
        if value is None or parts is None:
            out.append(None if value is None else rupiah(value))
        else:
            out.append(rupiah_short(value, places[parts[1]]))
    return out


def number(
    value: Decimal | float | int | None,
    lang: str | None = None,
    *,
    none: str = "–",
    places: int | None = None,
) -> str:
    """A number without exponent or trailing zeros, in the marks of a language.

    ``1.250`` / ``75,5`` in Indonesian, ``1,250`` / ``75.5`` in English; None shows as ``none``.
    ``places`` shows exactly that many decimals (an index: ``3,00``); the caller rounds first.
    """
    if value is None:
        return none
    sep, mark = _MARKS[_lang(lang)]
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        text = format(amount.quantize(Decimal(1).scaleb(-places)), "f")
    elif amount == amount.to_integral_value():
        return _group(int(amount), sep)
    else:
        text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    sign = "-" if text.startswith("-") else ""
    return sign + _group(abs(int(whole)), sep) + (mark + frac if frac else "")


_ID_UNITS = (
    *("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"),
    *("sepuluh", "sebelas"),
)
_EN_UNITS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ID_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))
_EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def number_words(value: int, lang: str | None = None) -> str:
    """A whole number in words: ``seribu lima ratus`` / ``one thousand five hundred``."""
    words = _words_id if _lang(lang) == "id" else _words_en
    return ("minus " if value < 0 else "") + words(abs(value))


def _words_id(n: int) -> str:
    def rest(m: int) -> str:
        return f" {_words_id(m)}" if m else ""

    if n < 12:
        return _ID_UNITS[n]
    if n < 20:
        return f"{_words_id(n - 10)} belas"
    if n < 100:
        return f"{_words_id(n // 10)} puluh{rest(n % 10)}"
    if n < 1000:
        head = "seratus" if n < 200 else f"{_words_id(n // 100)} ratus"
        return head + rest(n % 100)
    if n < 2000:
        return "seribu" + rest(n - 1000)
    scale, name = next((s, w) for s, w in _ID_SCALES if n >= s)
    return f"{_words_id(n // scale)} {name}{rest(n % scale)}"


def _words_en(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        return _EN_TENS[n // 10] + (f"-{_EN_UNITS[n % 10]}" if n % 10 else "")
    if n < 1000:
        return f"{_EN_UNITS[n // 100]} hundred" + (f" {_words_en(n % 100)}" if n % 100 else "")
    scale, name = next((s, w) for s, w in _EN_SCALES if n >= s)
    return f"{_words_en(n // scale)} {name}" + (f" {_words_en(n % scale)}" if n % scale else "")


def angka(value: Decimal | float | int | None) -> str:
    """A number in a document (always Indonesian): ``1.250`` and ``75,5``; None shows as ``-``."""
    return number(value, "id", none=KOSONG)


def percent(
    ratio: Decimal | None,
    digits: int = 1,
    lang: str | None = None,
    *,
    cap: bool = True,
    none: str = "–",
) -> str:
    """A ratio (0.755) as ``75,5%`` / ``75.5%``: half-even rounding, ``>999%`` above the cap.

    None shows as ``none`` (documents pass ``-``, the mark of every empty cell of theirs).
    """
    if ratio is None:
        return none
    if cap and ratio > PERCENT_CAP:
        return ">999%"
    quantum = Decimal(1).scaleb(-digits)
    text = f"{(ratio * 100).quantize(quantum, rounding=ROUND_HALF_EVEN)}"
    return (text.replace(".", ",") if _lang(lang) == "id" else text) + "%"


def persen_rasio(ratio: Decimal | None) -> str:
    """A ratio in a document: ``75,5%``, ``-`` when there is none (as every empty cell)."""
    return percent(ratio, 1, "id", none=KOSONG)


def persen(part: int, whole: int) -> str:
    """``75%`` of a count in a document (``-`` when the whole is zero)."""
    if not whole:
        return KOSONG
    return percent(Decimal(part) / Decimal(whole), 0, "id", cap=False)


def kapital(text: str) -> str:
    """A cell's text starting with a capital, the rest as written: ``OPD`` stays ``OPD``.

    Jinja's ``capitalize`` lowercases the rest ("kesiapan SDM" became "Kesiapan sdm").
    """
    return text[:1].upper() + text[1:]


def reading_order(name: str) -> tuple[str, str]:
    """The sort key of a list a reader scans by the names it shows: alphabetical, any case.

    ``Bagian Hukum``, ``Bappeda``, ``BKPSDM``, ``Dinas PUPR``, ``Dinkes``: sorted as written,
    capitals came first ("BKPSDM" before "Bagian Hukum"), and a list sorted by id put
    "Dinas PUPR" (id DPUPR) after "DPMPTSP".
    """
    return (name.casefold(), name)


def rentang(mulai: int, selesai: int) -> str:
    """A span of years as readers write it: ``2025–2029``; one year is ``2026``, not 2026–2026."""
    return str(mulai) if mulai == selesai else f"{mulai}–{selesai}"


def month_name(month: int, lang: str | None = None) -> str:
    """The name of a month (1-12) in a language."""
    return _MONTHS[_lang(lang)][month - 1]


def month_number(name: str) -> int | None:
    """The month (1-12) a name or its first three letters says, in either language."""
    word = name.strip().rstrip(".").casefold()
    if len(word) < 3:
        return None
    for names in _MONTHS.values():
        for number, month in enumerate(names, start=1):
            full = month.casefold()
            if word == full or (len(word) == 3 and full.startswith(word)):
                return number
    return {"agt": 8, "ags": 8, "okt": 10, "des": 12, "peb": 2, "nop": 11}.get(word)


_ROMAWI = (
    *((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")),
    *((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")),
)


def romawi(number: int) -> str:
    """A whole number in Roman numerals, as documents number chapters and quarters: ``XIV``.

    Raises:
        ValueError: ``number`` is not between 1 and 3999.
    """
    if not 1 <= number <= 3999:
        raise ValueError(f"no Roman numeral for {number}")
    parts = []
    for value, letters in _ROMAWI:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def triwulan(quarter: int, lang: str | None = "id", *, capital: bool = False) -> str:
    """A quarter as readers write it: ``triwulan III`` (``Triwulan III`` in a heading or cell).

    Indonesian government documents number quarters in Roman numerals; English writes
    ``Q3``. The one home of that wording: the documents, and every format of ``spbe progress``,
    use it. A finding of ``spbe validate`` names the quarter as the author typed it
    (``triwulan 3``): it points at the ``triwulan: 3`` in the file.
    """
    if _lang(lang) != "id":
        return f"Q{quarter}"
    return f"{'Triwulan' if capital else 'triwulan'} {romawi(quarter)}"


def tanggal(value: date | None, lang: str | None = "id") -> str:
    """``12 Maret 2025`` (a document's date, Indonesian unless asked); empty for None."""
    if value is None:
        return ""
    return f"{value.day} {month_name(value.month, lang)} {value.year}"


#: :func:`tanggal` as a spreadsheet's number format: a date cell stays a date (sorts, filters)
#: and shows ``12 Maret 2025`` (``[$-421]``: Indonesian month names whatever the reader's locale).
TANGGAL_SPREADSHEET = "[$-421]d mmmm yyyy"
#: Day 0 of a spreadsheet's date serials (Excel's 1900 system, as LibreOffice writes it too).
_SERIAL_EPOCH = date(1899, 12, 30)


def date_serial(value: date) -> int:
    """The serial number a spreadsheet stores for a date (``2025-03-12`` is 45728).

    Right from 1 March 1900 on (the 1900 system counts a 29 February 1900 that never was).
    """
    return (value - _SERIAL_EPOCH).days


# -- regulations --------------------------------------------------------------------------------

#: The full name of each kind of regulation, as a citation starts (the one home of these
#: names: the templates' ``istilah.jenis_regulasi`` is :data:`LABEL_JENIS_REGULASI`).
JENIS_REGULASI = {
    "UU": "Undang-Undang",
    "PP": "Peraturan Pemerintah",
    "Perpres": "Peraturan Presiden",
    "Permen": "Peraturan Menteri",
    "Kepmen": "Keputusan Menteri",
    "SE": "Surat Edaran",
    "Perda": "Peraturan Daerah",
    "Pergub": "Peraturan Gubernur",
    "Kepgub": "Keputusan Gubernur",
    "Perbup": "Peraturan Bupati",
    "Kepbup": "Keputusan Bupati",
    "Perwali": "Peraturan Wali Kota",
    "Kepwali": "Keputusan Wali Kota",
}
#: The kind of a regulation as a table column shows it ("lainnya" too).
LABEL_JENIS_REGULASI = {**JENIS_REGULASI, "lainnya": "Lainnya"}
#: Issuers whose ministry a citation names by its short name (as the regulations do).
_MENTERI = {
    "KemenPANRB": "PANRB",
    "Kementerian Komunikasi dan Digital": "Komunikasi dan Digital",
    "Kementerian Komunikasi dan Informatika": "Komunikasi dan Informatika",
    "Kementerian PPN/Bappenas": "PPN/Kepala Bappenas",
}

#: Regulations of the Pemda itself: their citation names the region.
_REGIONAL = frozenset({"Perda", "Perbup", "Kepbup", "Perwali", "Kepwali"})


def citation(reg: Any, pemda: str = "", *, status: bool = True) -> str:
    """A regulation as readers cite it, issuer included.

    ``Peraturan Menteri PANRB Nomor 59 Tahun 2020``; a regional one names the region
    (``Peraturan Bupati Mimika Nomor 5 Tahun 2024``); one not enacted yet is told by its
    subject (``Peraturan Bupati tentang Satu Data (dibutuhkan)``). ``status=False`` leaves the
    status out, for a sentence that says it in words ("akan ditetapkan dengan ...").
    """
    jenis = JENIS_REGULASI.get(reg.jenis, "")
    issuer = reg.penerbit or ""
    if reg.jenis in ("Permen", "Kepmen") and issuer:
        jenis = f"{jenis} {_MENTERI.get(issuer, issuer.removeprefix('Kementerian '))}"
    elif reg.jenis == "SE" and issuer:
        ministry = _MENTERI.get(issuer)
        jenis = f"{jenis} Menteri {ministry}" if ministry else f"{jenis} {issuer}"
    elif reg.jenis in _REGIONAL and pemda and reg.tingkat == "daerah":
        jenis = f"{jenis} {region(pemda)}" if reg.nomor else jenis
    elif not jenis:  # "lainnya": a regulation of an agency (Peraturan BRIN, Peraturan BSSN)
        jenis = f"Peraturan {issuer}" if issuer else reg.judul
    if reg.nomor and reg.tahun:
        return f"{jenis} Nomor {reg.nomor} Tahun {reg.tahun}"
    if jenis == reg.judul:
        return str(reg.judul)
    return f"{jenis} tentang {reg.judul}" + (f" ({reg.status})" if status else "")


def full_citation(reg: Any, pemda: str = "") -> str:
    """A regulation cited in full, as the Dasar Hukum lists it: :func:`citation` and subject.

    ``Peraturan Menteri PANRB Nomor 19 Tahun 2018 tentang ...``; one not enacted yet is told
    by its subject and status already (:func:`citation`).
    """
    short = citation(reg, pemda)
    return f"{short} tentang {reg.judul}" if reg.nomor and reg.tahun else short


#: The words before a region's own name in the Pemda's name.
_REGION_PREFIXES = ("Kabupaten ", "Kota ", "Provinsi ")


def region(pemda: str) -> str:
    """The name a region's own regulations carry: ``Kabupaten Mimika`` -> ``Mimika``."""
    for prefix in _REGION_PREFIXES:
        if pemda.startswith(prefix):
            return pemda[len(prefix) :]
    return pemda


def entity_name(
    kind: str, entity: Any, pemda: str = "", reference: Any = None, *, status: bool = True
) -> str:
    """What a document calls an entity: a regulation by its citation, others by their name.

    A readiness item has no name: the Master Plan shows it as its sub-aspect under its pillar
    (``Kesiapan SDM (pilar Struktur)``), named by the reference data when ``reference`` is given.
    ``status=False`` leaves a regulation's status out of its citation (see :func:`citation`).
    """
    if kind == "regulasi":
        return citation(entity, pemda, status=status)
    if kind == "kesiapan" and reference is not None:
        pilar = reference.pilar.get(entity.pilar, entity.pilar)
        sub = reference.sub_aspek.get(entity.pilar, {}).get(entity.sub_aspek, entity.sub_aspek)
        return f"{kapital(sub)} (pilar {pilar})"
    return str(getattr(entity, "nama", None) or getattr(entity, "id", ""))
