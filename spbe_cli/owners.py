"""Which OPD owns an entity: the one home of "the OPD responsible for" each kind.

Every command that names an entity's owning (responsible) OPD reads it here: ``spbe list``
(its ``opd`` column and ``--opd`` filter), ``spbe sync``, the owner under each box of the domain
diagrams and the matrices of the Arsitektur document, ``spbe export`` (the ``opd`` property of
ArchiMate, the "OPD penanggung jawab" column of SIA-SPBE), ``spbe progress`` and the rename
matching of ``spbe diff``.

For ``data_informasi`` the owner is the **produsen data**: under Satu Data Indonesia (Perpres
39/2019) the Produsen Data is the instansi that produces the data and is responsible for it; the
Walidata (``wali_data``) is a steward role, usually Diskominfo or the statistics OPD. Where a
document or export lists roles (the data table of the Arsitektur document, the ArchiMate
associations, the OPD annex of the Masterplan) the Walidata keeps its own column or role.

Light on purpose (no pydantic import): ``spbe --help`` and ``spbe validate`` stay fast.
"""

from __future__ import annotations

from typing import Any

#: kind -> the field naming its owning OPD (one id). Kinds not listed have no owner
#: (an OPD itself, regulasi, kesiapan, evaluasi_mandiri).
OWNER_FIELD: dict[str, str] = {
    "proses_bisnis": "opd",
    "data_informasi": "produsen_data",
    "layanan": "unit_pelaksana",
    "aplikasi": "pemilik",
    "infrastruktur": "opd",
    "keamanan": "opd",
    "program": "opd_pj",
    "peta_rencana": "opd_pj",
}


def owner_field(kind: str) -> str | None:
    """The field naming the owning OPD of ``kind``, or None for a kind without an owner."""
    return OWNER_FIELD.get(kind)


def responsible_opd(entity: Any) -> str | None:
    """The id of the OPD responsible for ``entity`` (see :data:`OWNER_FIELD`), or None.

    The kind is the entity's own ``entitas``. None for a kind without an owner and for an
    application owned outside the Pemda (``pemilik`` empty, ``pemilik_nama`` set).
    """
    fields = getattr(entity, "__dict__", {})
    name = OWNER_FIELD.get(fields.get("entitas", ""))
    if name is None:
        return None
    value = fields.get(name)
    return value if isinstance(value, str) and value else None
