"""The abbreviations a document's "Daftar Singkatan" may expand: one list, from four homes.

A document lists only the abbreviations its readers see in it (:func:`spbe_cli.render.document.
parse_document` finds them in its text, the ``~~~spbe-singkatan`` directive places the list).
The list is put together here, each fact from the one place that holds it:

* terms of regional government, planning, budget, SPBE and national agencies (``APBD``,
  ``RKPD``, ``SPBE``): the bundled ``reference/data/singkatan.yaml``, official terms only;
* the kinds of regulation (``Perpres``, ``Perbup``): :data:`spbe_cli.formatting.JENIS_REGULASI`,
  which citations use too;
* the Referensi Arsitektur code prefixes (``RAB`` ... ``RAK``): the reference data's names of
  the six references;
* the catalog's short names of its perangkat daerah (``Dinkes``, ``DPMPTSP``, ``Diskop UKM``):
  the full name the catalog gives. The documents name a perangkat daerah by its short name in
  every table and sentence, so the list is where a reader finds the full one. A later home
  wins: a Pemda's own Bappeda is named as its catalog names it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from spbe_cli.formatting import JENIS_REGULASI

#: The bundled file of general abbreviations (read by ``spbe render`` and ``spbe diff`` only).
DATA_FILE = "singkatan.yaml"

#: Words written in capitals that keep them in a title, yet are no entry of the "Daftar
#: Singkatan": no regulation gives them an expansion to print (the regulations say "Perangkat
#: Daerah", not ``OPD``; a document that names ``SIA-SPBE`` expands it in its own sentence).
CAPITALS_WITHOUT_EXPANSION = frozenset({"OPD", "SIA-SPBE"})


@functools.cache
def kept_capitals() -> frozenset[str]:
    """Words a title written in capitals keeps in capitals when it is read in title case.

    The general abbreviations written in capitals (``SPBE``, ``RPJMD``, ``SWOT``: the bundled
    :data:`DATA_FILE`, the one list of them) and :data:`CAPITALS_WITHOUT_EXPANSION`. ``spbe
    diff`` names a document's chapters this way (``BAB XII INTEGRASI APLIKASI (SPLP)`` ->
    ``Integrasi Aplikasi (SPLP)``).
    """
    from spbe_cli.reference import load_data

    general = (str(entry["singkatan"]) for entry in load_data(DATA_FILE)["singkatan"])
    return frozenset(word for word in general if word == word.upper()) | (
        CAPITALS_WITHOUT_EXPANSION
    )


def known_abbreviations(reference: Any, opds: Iterable[Any]) -> dict[str, str]:
    """Every abbreviation a document may expand, with its expansion.

    Args:
        reference: the reference data of the catalog (its ``prefixes``: ``RAB`` -> ``Proses
            Bisnis``).
        opds: the catalog's perangkat daerah (``singkatan``, ``nama``).
    """
    from spbe_cli.reference import load_data

    known: dict[str, str] = {
        str(entry["singkatan"]): str(entry["kepanjangan"])
        for entry in load_data(DATA_FILE)["singkatan"]
    }
    known.update(JENIS_REGULASI)
    known.update(
        (prefix, f"Referensi Arsitektur {name}") for prefix, name in reference.prefixes.items()
    )
    for opd in opds:
        short = getattr(opd, "singkatan", None)
        if short and _abbreviates(str(short), str(opd.nama)):
            known[str(short)] = str(opd.nama)
    return known


def _abbreviates(short: str, name: str) -> bool:
    """Tell whether an OPD's short name abbreviates its name, rather than keeping its words.

    ``Dinkes``, ``DPMPTSP`` and ``Diskop UKM`` (a word the name does not have) are;
    ``Inspektorat`` (of "Inspektorat Kabupaten Mimika") and ``Bagian Hukum`` (words of "Bagian
    Hukum Sekretariat Daerah") are not: a reader knows them without the list.
    """
    if short == name:
        return False
    words = {word.casefold() for word in name.split()}
    return any(word.casefold() not in words for word in short.split())
