"""The "Daftar Perubahan" of a document in its readers' words.

``spbe diff`` shows mentors a changed field as its data path and raw values
(``anggaran[2025].nilai: Rp 250.000.000 → Rp 100.000.000``). A document is read by a Bupati
and the ministry's evaluators: :func:`reader_line` words the same change (the data
:func:`spbe_cli.diff.revision_log.revision_log` hands the template) with the document's field
labels, names for ids, amounts in rupiah, dates in Indonesian and lists as prose
(``Anggaran 2025: Rp 250.000.000 → Rp 100.000.000``). The labels come from the templates
(``_istilah.j2``), the one home of the words a document uses; the template passes them in.
"""

from __future__ import annotations

import functools
import re
from collections import ChainMap, Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from spbe_cli.formatting import (
    CONTEXT_WORDS,
    LONG_TEXT,
    angka,
    kapital,
    romawi,
    rupiah_marked,
    tanggal,
)
from spbe_cli.reference import values as field_values
from spbe_cli.reference.values import code_words
from spbe_cli.render.document import series
from spbe_cli.render.engine import name_ids

#: Words of an edited passage shown before "…".
PASSAGE_WORDS = 60
#: A code of a fixed list (``bagi_pakai``), read as words when it has no label.
_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def reader_line(
    field: Mapping[str, Any],
    labels: Mapping[str, str] | Sequence[Mapping[str, str]],
    values: Mapping[str, Mapping[Any, str] | Sequence[Mapping[Any, str]]],
    names: Mapping[str, str] | Sequence[Mapping[str, str]],
    mark: str,
    kind: str = "",
    reference: Any = None,
) -> str:
    """One changed field as a reader reads it: ``Target 2026 indikator 'Capaian': 50 → 40``.

    Args:
        field: one of a revision log entry's ``fields`` (``loc``, ``old``, ``new``,
            ``illustrative``).
        labels: field name (or ``parent.field``) -> its label in the document; or several such
            tables, the first that has a name wins.
        values: field name -> the labels of its coded values (``status``: ``usulan`` -> ...),
            or several such tables; ``parent.field`` (``keterkaitan.jenis``) and
            ``kind.field`` (``infrastruktur.jenis``) are looked up first, and ``ya_tidak`` holds
            the words of ``True`` and ``False``. A code of a fixed list without a label reads
            as words (``bagi_pakai`` -> ``Bagi pakai``).
        names: entity id -> its name, or several such tables (the first that has the id wins).
        mark: the illustrative mark put after an illustrative amount.
        kind: the kind of the changed entity (``infrastruktur``), for ``kind.field`` labels.
        reference: the reference data the document reads (its ``ref``; the bundled data when
            None): a code of a reference list the tables do not label reads by its name there
            (:func:`spbe_cli.reference.values.label`).
    """
    words = _words(labels, values, names, mark, kind, reference)
    loc = list(field["loc"])
    leaf = next((s["field"] for s in reversed(loc) if "field" in s), "")
    old, new = field["old"], field["new"]
    if loc and "item" in loc[-1]:
        # a whole list item: its identity is in the title already
        identity = {name for name, _ in loc[-1]["item"]}
        old, new = (_without(v, identity) for v in (old, new))
    illustrative = tuple(field.get("illustrative") or (False, False))
    title = words.title(loc)
    if old is None and new is None:
        return title
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
        return f"{title}: diubah pada bagian «{_passage(old, new)}»"
    parent = next((s["field"] for s in reversed(loc[:-1]) if "field" in s), "")
    if _is_list(old) and _is_list(new):
        return f"{title}: {words.list_change(old, new, leaf)}"
    if old is None or (_is_list(old) and not old):
        return f"{title} ditambahkan ({words.value(new, leaf, illustrative[1] and mark, parent)})"
    if new is None or (_is_list(new) and not new):
        shown = words.value(old, leaf, illustrative[0] and mark, parent)
        return f"{title} dihapus (sebelumnya {shown})"
    before = words.value(old, leaf, illustrative[0] and mark, parent)
    after = words.value(new, leaf, illustrative[1] and mark, parent)
    return f"{title}: {before} → {after}"


def value_words(
    value: Any,
    field: str,
    values: Mapping[str, Mapping[Any, str] | Sequence[Mapping[Any, str]]],
    names: Mapping[str, str] | Sequence[Mapping[str, str]],
    kind: str = "",
    reference: Any = None,
) -> str:
    """One value of a field as the documents word it (see :func:`reader_line`'s ``values``).

    The SIA-SPBE appendix shows every field of an element this way, so a code reads there as it
    reads in the Daftar Perubahan: ``terbuka`` as "Terbuka", ``milik`` as "Milik sendiri".
    """
    return _words({}, values, names, "", kind, reference).value(value, field)


#: Values of an attention finding that are codes, and the field whose labels they take.
_ATTENTION_CODES = {"old": "status", "new": "status", "status": "status", "horizon": "horizon"}


def attention_line(
    entry: Mapping[str, Any],
    labels: Mapping[str, str] | Sequence[Mapping[str, str]],
    values: Mapping[str, Mapping[Any, str] | Sequence[Mapping[Any, str]]],
    names: Mapping[str, str] | Sequence[Mapping[str, str]],
) -> str:
    """A finding of the attention list as readers read it: ``Status Sentra Noken berubah: ...``.

    Worded by ``diff.doc.<CODE>`` (``.<variant>``) when the rule has a readers' wording, with
    its codes by their labels; else its ``spbe diff`` message. The ids in it read as names.
    """
    from spbe_cli.i18n import message, t, use_language

    filled = dict(entry.get("values") or {})
    key = f"diff.doc.{entry['code']}"
    if filled.get("variant"):
        key += f".{filled['variant']}"
    text = str(entry["message"])
    words = _words(labels, values, names)
    if message(key) is not None:
        for name, field in _ATTENTION_CODES.items():
            if isinstance(filled.get(name), str):
                filled[name] = words.value(filled[name], field)
        with use_language("id"):
            text = t(key, **filled)
    return kapital(name_ids(text, lambda found: str(words.names.get(found, found))))


def _words(
    labels: Mapping[str, str] | Sequence[Mapping[str, str]],
    values: Mapping[str, Mapping[Any, str] | Sequence[Mapping[Any, str]]],
    names: Mapping[str, str] | Sequence[Mapping[str, str]],
    mark: str = "",
    kind: str = "",
    reference: Any = None,
) -> _Words:
    """The document's words from its tables (each one table, or several looked up in turn)."""
    tables = {k: _chain(v) for k, v in values.items()}
    return _Words(_chain(labels), tables, _chain(names), mark, kind, reference)


class _Words:
    """The document's words for field names, coded values and ids."""

    def __init__(
        self,
        labels: Mapping[str, str],
        values: Mapping[str, Mapping[Any, str]],
        names: Mapping[str, str],
        mark: str,
        kind: str = "",
        reference: Any = None,
    ) -> None:
        self.reference = reference
        self.mark = mark
        self.labels = labels
        self.values = values
        self.names = names
        self.kind = kind
        self.yes_no = values.get("ya_tidak") or {True: "Ya", False: "Tidak"}

    def coded(self, field: str, parent: str = "") -> Mapping[Any, str] | None:
        """The labels of a field's codes: ``parent.field``, then ``kind.field``, then ``field``."""
        for key in (f"{parent}.{field}" if parent else "", f"{self.kind}.{field}", field):
            table = self.values.get(key) if key else None
            if table is not None:
                return table
        return None

    def yes(self, value: bool) -> str:
        """``Ya`` or ``Tidak``, as the documents' tables say it."""
        return str(self.yes_no.get(value) or ("Ya" if value else "Tidak"))

    def label(self, name: str, parent: str = "") -> str:
        """The label of a field (``parent.name`` first), else its name in words."""
        found = self.labels.get(f"{parent}.{name}") if parent else None
        return found or self.labels.get(name) or kapital(name.replace("_", " "))

    def item_label(self, name: str, parent: str) -> str:
        """The label of a field inside an item of ``parent``: ``Jenis dokumen``, ``Nilai``.

        A ``parent.name`` label that is the parent's own label words a title ("anggaran.nilai"
        reads "Anggaran 2025"); inside the item the field goes by its own label.
        """
        found = self.labels.get(f"{parent}.{name}") if parent else None
        if found and found != self.label(parent):
            return found
        return self.labels.get(name) or kapital(name.replace("_", " "))

    def title(self, loc: list[Mapping[str, Any]]) -> str:
        """``Anggaran 2025``, ``Target 2026 indikator 'Capaian'``, ``Mitra akademisi``."""
        groups: list[tuple[str, list[str]]] = []
        for step in loc:
            if "field" in step:
                groups.append((step["field"], []))
            elif groups:
                groups[-1][1].append(self.qualifier(step, groups[-1][0]))
            else:
                groups.append(("", [self.qualifier(step)]))
        if not groups:
            return ""
        name, quals = groups[-1]
        parent = groups[-2][0] if len(groups) > 1 else ""
        head = self.labels.get(f"{parent}.{name}") if parent else None
        rest = groups[:-1]
        if head is not None:
            # "anggaran.nilai" reads "Anggaran 2025": the parent's qualifiers go with it
            quals = groups[-2][1] + quals
            rest = groups[:-2]
        elif len(groups) == 1:
            # a field of the entity itself ("entitas.sumber": where its facts come from)
            head = self.labels.get(f"entitas.{name}") or self.label(name)
        else:
            head = self.label(name)
        words = [head, *quals]
        named = False
        for outer, outer_quals in reversed(rest):
            if outer_quals:
                words += [self.label(outer).lower(), *outer_quals]
            elif not named:
                # the nearest plain parent says which one ("Uraian (Tata kelola)"); more is noise
                words.append(f"({self.label(outer)})")
                named = True
        return " ".join(w for w in words if w)

    def qualifier(self, step: Mapping[str, Any], parent: str = "") -> str:
        """A list item or mapping key: ``2025``, ``'Capaian'``, ``2026 triwulan III``.

        The first identity field (a year, a name, a date) reads alone; a further one says what
        it is (``triwulan III``, ``sumber dana APBN``).
        """
        if "key" in step:
            return self.key(step["key"])
        parts = []
        for number, (name, value) in enumerate(step["item"]):
            if number == 0:
                parts.append(self.key(value))
            else:
                label = self.label(name)
                parts.append(
                    f"{label[:1].lower()}{label[1:]} {self.value(value, name, '', parent)}"
                )
        text = " ".join(parts)
        occurrence = step.get("occurrence") or 0
        return f"{text} (ke-{occurrence + 1})" if occurrence else text

    def key(self, value: Any) -> str:
        """An identity value: years as digits, names quoted, dates in Indonesian."""
        if isinstance(value, date):
            return tanggal(value)
        if isinstance(value, bool):
            return self.yes(value).lower()
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal):
            return angka(value)
        text = str(value)
        if text in self.names:
            return self.names[text]
        return f"'{text}'"

    def value(self, value: Any, field: str, mark: str | bool = "", parent: str = "") -> str:
        """A value in words: amounts in rupiah, ids by name, codes by label, lists as prose."""
        if isinstance(value, Mapping):
            return self.mapping(value, field)
        if _is_list(value):
            return series([self.value(v, field, "", parent) for v in value])
        if value is None:
            return "—"
        if isinstance(value, bool):
            return self.yes(value)
        if isinstance(value, int) and _is_rupiah(field, parent):
            return rupiah_marked(value, bool(mark), str(mark))  # unmarked when mark is ""
        if isinstance(value, int) and field == "triwulan" and 1 <= value <= 4:
            return romawi(value)  # "Triwulan: II → III", "2026 triwulan III"
        if isinstance(value, int):
            return str(value)  # years and counts as written
        if isinstance(value, Decimal | float):
            return angka(value)
        if isinstance(value, date):
            return tanggal(value)
        text = str(value).replace("\r", "").replace("\n", " ")
        coded = self.coded(field, parent)
        if coded is not None and text in coded:
            return str(coded[text])
        listed = self.listed(field, parent, text)
        if listed is not None:
            return listed
        if text in self.names:
            return str(self.names[text])
        if field in ("kerangka", "kerangka_indeks") and text in _frameworks():
            return _frameworks()[text]  # an evaluation framework by its regulation
        if _CODE.fullmatch(text) and field_values.named(self.kind or None, field):
            return code_words(text)  # a code of a field that holds codes, without a label
        return text

    def listed(self, field: str, parent: str, code: str) -> str | None:
        """A code's name in the reference list its field is checked against, if it is one."""
        if not self.kind:
            return None
        from spbe_cli.reference import load_reference

        reference = self.reference if self.reference is not None else load_reference()
        return field_values.label(self.kind, field, code, reference, parent)

    def mapping(self, data: Mapping[Any, Any], field: str) -> str:
        """A list item or a mapping as ``Label: value; Label: value``."""
        shown = {k: v for k, v in data.items() if v is not None and (v or v == 0 or v is False)}
        if shown and not all(isinstance(k, str) for k in shown):  # a free mapping: per year
            return ", ".join(f"{self.key(k)}: {self.value(v, field)}" for k, v in shown.items())
        # an illustrative item carries the document's mark, not an "ilustratif: ya" field
        mark = self.mark if shown.pop("ilustratif", False) is True else ""
        parts = [
            f"{self.item_label(k, field)}: {self.value(v, k, '', field)}" for k, v in shown.items()
        ]
        return ("; ".join(parts) if parts else "—") + mark

    def list_change(self, old: list[Any], new: list[Any], field: str) -> str:
        """``ditambah A dan B; dikurangi C`` for the items that came and went.

        Items that are mappings, as many on both sides, are compared in place: ``butir 2:
        Nama: A → B``, which says what an edit changed rather than listing every item twice.
        """
        if len(old) == len(new) and all(isinstance(v, Mapping) for v in (*old, *new)):
            edits = [
                f"butir {number}: {self.item_change(a, b, field)}"
                for number, (a, b) in enumerate(zip(old, new, strict=True), start=1)
                if a != b
            ]
            return "; ".join(edits) or "urutan diubah"
        shown_old = Counter(self.value(v, field) for v in old)
        shown_new = Counter(self.value(v, field) for v in new)
        came = list((shown_new - shown_old).elements())
        gone = list((shown_old - shown_new).elements())
        from spbe_cli.diff.formats import edited_items

        # a long item edited (a SWOT point) reads as that item revised, as a long text field
        edited = edited_items(gone, came)
        paired = {a for a, _ in edited} | {b for _, b in edited}  # as spbe diff pairs them
        came = [v for v in came if v not in paired]
        gone = [v for v in gone if v not in paired]
        parts = []
        if came:
            parts.append(f"ditambah {series(came)}")
        if gone:
            parts.append(f"dikurangi {series(gone)}")
        parts += [f"diubah pada bagian «{_passage(a, b)}»" for a, b in edited]
        return "; ".join(parts) or "urutan diubah"

    def item_change(self, old: Mapping[str, Any], new: Mapping[str, Any], parent: str = "") -> str:
        """The fields of one list item that differ, ``Label: old → new`` each."""
        parts = []
        for key in [*old, *(k for k in new if k not in old)]:
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if isinstance(a, str) and isinstance(b, str) and max(len(a), len(b)) > LONG_TEXT:
                parts.append(
                    f"{self.item_label(key, parent)} diubah pada bagian «{_passage(a, b)}»"
                )
            else:
                before, after = self.value(a, key, "", parent), self.value(b, key, "", parent)
                parts.append(f"{self.item_label(key, parent)}: {before} → {after}")
        return ", ".join(parts)


def _passage(old: str, new: str) -> str:
    """The new wording around the words that changed, with a few words either side."""
    from spbe_cli.diff.formats import word_opcodes

    a, b = old.split(), new.split()
    changed = [op for op in word_opcodes(a, b) if op[0] != "equal"]
    if not changed:
        return " ".join(b)
    start = max(min(op[3] for op in changed) - CONTEXT_WORDS, 0)
    end = min(max(op[4] for op in changed) + CONTEXT_WORDS, len(b))
    if end <= start:  # words only removed at the end
        start = max(len(b) - CONTEXT_WORDS, 0)
        end = len(b)
    words = b[start:end]
    if len(words) > PASSAGE_WORDS:
        words = [*words[:PASSAGE_WORDS], "…"]
    return ("… " if start else "") + " ".join(words) + (" …" if end < len(b) else "")


def _chain(tables: Any) -> ChainMap[Any, Any]:
    """One table, or several looked up in turn."""
    if isinstance(tables, Mapping):
        return ChainMap(dict(tables))
    return ChainMap(*(dict(table) for table in tables))


def _is_list(value: Any) -> bool:
    """A list of the catalog (a tuple once handed to the templates)."""
    return isinstance(value, list | tuple)


def _without(value: Any, names: set[str]) -> Any:
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k not in names}
    return value


@functools.cache
def _frameworks() -> dict[str, str]:
    """Evaluation framework code -> its regulation (``PermenPANRB 8/2026``), from the reference."""
    from spbe_cli.indeks import load_frameworks

    return {kode: k.dasar_hukum for kode, k in load_frameworks().items()}


def _is_rupiah(field: str, parent: str) -> bool:
    from spbe_cli.diff.formats import is_rupiah

    return is_rupiah(field, parent)
