"""References between entities, reference codes, value lists, region codes and metadata."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from spbe_cli.catalog import Source
from spbe_cli.checks import Context, document_period, usable_period
from spbe_cli.errors import Location, Related
from spbe_cli.i18n import t
from spbe_cli.links import iter_targets, metadata_links, nested_references
from spbe_cli.models import DOMAINS
from spbe_cli.parsing import is_placeholder
from spbe_cli.reference import RA_PATTERN, RefNode, unlisted_region_code
from spbe_cli.reference.values import coded, codes, list_fields
from spbe_cli.similarity import closest, did_you_mean


def extend_reference(ctx: Context) -> None:
    """SPBE209/SPBE210: add the catalog's ``entitas: referensi`` declarations to the reference.

    Run by the loading stage (:func:`spbe_cli.loader.complete_catalog`), never as a check: every
    command sees the extended reference, and :func:`check_declarations` reports the findings.
    """
    ref = ctx.reference
    lists = ref.lists()
    pending: list[tuple[Any, Any]] = []
    for decl, source in ctx.catalog.referensi:
        if decl.daftar == "arsitektur":  # the lists: spbe_cli.reference.values, "daftar"
            if not RA_PATTERN.match(decl.kode):
                ctx.emit("SPBE209", source.location("kode"), "ref.ext_pattern", kode=decl.kode)
                continue
            if decl.kode in ref.codes:
                ctx.emit("SPBE209", source.location("kode"), "ref.ext_exists", kode=decl.kode)
                continue
            pending.append((decl, source))
        elif decl.daftar == "elemen_smart_city":
            if decl.dimensi not in ref.dimensi:
                ctx.emit(
                    "SPBE209",
                    source.location("dimensi"),
                    "ref.ext_dimension",
                    value=str(decl.dimensi),
                    expected=", ".join(ref.dimensi),
                )
                continue
            ref.elemen[decl.dimensi][decl.kode] = decl.nama
        elif decl.daftar in lists:
            if decl.daftar == "dimensi":
                ref.dimensi[decl.kode] = decl.nama
                ref.elemen.setdefault(decl.kode, {})
            else:
                lists[decl.daftar][decl.kode] = decl.nama
        else:
            ctx.emit(
                "SPBE209",
                source.location("daftar"),
                "ref.ext_list",
                value=decl.daftar,
                expected=", ".join(codes(coded("referensi")["daftar"], ref)),
            )
    national = _national_places(ref.codes.values())
    # Parents first, so that a declared node may hang under another declared node.
    for decl, source in sorted(pending, key=lambda pair: (pair[0].kode.count("."), pair[0].kode)):
        node = RefNode(decl.kode, decl.nama, lokal=not decl.nasional, ilustratif=decl.ilustratif)
        if node.lokal and (node.prefix, node.parent) in national:
            # The bundled tree has national nodes at this very place: the level is national
            # (fixed by Perpres 132/2022) and a Pemda's own node belongs one level deeper. The
            # node is still registered, so that the elements using it are not reported again.
            ctx.emit(
                "SPBE214",
                source.location("kode"),
                "ref.ext_national_level",
                kode=decl.kode,
                parent=node.parent or node.prefix,
            )
            ref.codes[decl.kode] = node
            continue
        if node.parent is not None and node.parent not in ref.codes:
            ctx.emit(
                "SPBE209",
                source.location("kode"),
                "ref.ext_parent",
                kode=decl.kode,
                parent=node.parent,
            )
            continue
        ref.codes[decl.kode] = node
        if not node.lokal:
            national.add((node.prefix, node.parent))
        if decl.ilustratif:
            ctx.emit("SPBE210", source.location("kode"), "ref.ext_illustrative", kode=decl.kode)


def _national_places(nodes: Iterable[RefNode]) -> set[tuple[str, str | None]]:
    """(prefix, parent) of every national node: the places where the national tree has levels."""
    return {(node.prefix, node.parent) for node in nodes if not node.lokal}


def check_declarations(ctx: Context) -> None:
    """SPBE209/SPBE210/SPBE214: report what loading found applying the referensi documents."""
    ctx.findings.extend(ctx.catalog.declaration_findings)


def check_metadata(ctx: Context) -> None:
    """SPBE301-SPBE303, SPBE208, SPBE220, SPBE206: codes, periods, prose, logo, dimensions."""
    meta, source = ctx.catalog.metadata, ctx.catalog.metadata_source
    if meta is None or source is None:
        return
    ref = ctx.reference
    pemda = meta.pemda
    if unlisted_region_code(ref.wilayah, pemda.kode_kemendagri):
        ctx.emit(
            "SPBE301",
            source.location("pemda", "kode_kemendagri"),
            "meta.kode_unknown",
            kode=pemda.kode_kemendagri,
        )
    if (
        pemda.provinsi is not None
        and not pemda.kode_kemendagri.startswith(pemda.provinsi.kode_kemendagri + ".")
        and pemda.jenis != "provinsi"
    ):
        ctx.emit(
            "SPBE301",
            source.location("pemda", "provinsi", "kode_kemendagri"),
            "meta.kode_province",
            kode=pemda.kode_kemendagri,
            provinsi=pemda.provinsi.kode_kemendagri,
        )
    # A reversed period: SPBE602 here, and no rule checks a year against it (usable_period).
    rpjmd = usable_period(meta.periode_rpjmd)
    if rpjmd is None:
        ctx.emit(
            "SPBE602", source.location("periode_rpjmd"), "meta.period_reversed", document="RPJMD"
        )
    for name in ("masterplan", "arsitektur", "peta_rencana"):
        periode = document_period(ctx.catalog, name)
        loc = ("dokumen", name, "periode")
        if periode is None:
            ctx.emit("SPBE602", source.location(*loc), "meta.period_reversed", document=name)
            continue
        if name != "masterplan" and periode.selesai - periode.mulai + 1 != 5:
            ctx.emit(
                "SPBE302",
                source.location(*loc),
                "meta.period_length",
                document=name,
                years=periode.selesai - periode.mulai + 1,
            )
    arsitektur = document_period(ctx.catalog, "arsitektur")
    if (
        arsitektur is not None
        and rpjmd is not None
        and (arsitektur.selesai < rpjmd.mulai or arsitektur.mulai > rpjmd.selesai)
    ):
        ctx.emit(
            "SPBE303",
            source.location("dokumen", "arsitektur", "periode"),
            "meta.rpjmd_overlap",
            mulai=rpjmd.mulai,
            selesai=rpjmd.selesai,
        )
    _check_prose(ctx, source)
    _check_logo(ctx, source)
    for kode in meta.strategi_dimensi:
        if kode not in ref.dimensi and not is_placeholder(kode):
            ctx.emit(
                "SPBE206",
                source.location("strategi_dimensi", kode, key=True),
                "ref.not_in_list",
                hint=did_you_mean(kode, ref.dimensi),
                value=kode,
                field="dimensi",
                expected=", ".join(ref.dimensi),
            )
    for field_path, target, allowed in metadata_links(meta):
        check_reference(ctx, source, field_path, target, allowed)


def _check_prose(ctx: Context, source: Source) -> None:
    from spbe_cli.files import display_path
    from spbe_cli.yamlio import text_forbidden_characters

    seen: set[str] = set()
    for section, prose in ctx.catalog.prose.items():
        if prose.problem is not None:
            where = source.location("prosa", section)
            _file_unusable(ctx, "SPBE208", where, prose.rel, prose.problem)
        elif prose.text and prose.rel not in seen:
            # SPBE019 at the character itself, once per file however many sections name it.
            seen.add(prose.rel)
            shown = display_path(ctx.catalog.root_display, prose.rel)
            for problem in text_forbidden_characters(prose.text):
                ctx.emit(
                    problem.code,
                    Location(shown, problem.line, problem.column),
                    problem.key,
                    **problem.values,
                )


def _check_logo(ctx: Context, source: Source) -> None:
    logo = ctx.catalog.logo
    if logo is not None and logo.problem is not None:
        _file_unusable(ctx, "SPBE220", source.location("logo"), logo.rel, logo.problem)


def _file_unusable(ctx: Context, code: str, where: Location, rel: str, problem: str) -> None:
    """SPBE208 / SPBE220: a file the metadata names (``rel``) cannot be used, and why."""
    from spbe_cli.files import slashed_path

    ctx.emit(code, where, problem, path=rel, slashed=slashed_path(rel))


#: Fields that name a regulation for what happened to another, not as a basis in force: a
#: repealed regulation may be named there (repealed by a regulation repealed since), so SPBE205
#: does not apply; whether the id exists and is a regulation (SPBE201, SPBE202) does.
_NOT_CITED = frozenset({("regulasi", "dicabut_oleh")})


def check_reference(
    ctx: Context,
    source: Source,
    loc: tuple[str | int, ...],
    target: str,
    allowed: tuple[str, ...],
    *,
    cited: bool = True,
) -> None:
    """SPBE201/SPBE202/SPBE205 for one reference: the one home of what a reference must be.

    ``cited``: False for a field of :data:`_NOT_CITED` (no SPBE205). The position is looked up
    only when there is something to report: a catalog has hundreds of thousands of references
    and finding a node's position walks the document.
    """
    catalog = ctx.catalog
    kind = catalog.kind(target)
    if kind in allowed:
        if not cited or kind != "regulasi":
            return
        reg = catalog.get(target)
        if reg is None or reg.status != "dicabut":
            return
    if kind is None and target in ctx.claimed:
        return  # a refused document of unreadable id may be it: its finding says so
    where = source.location(*loc)
    if kind is None:
        close = closest(target, ctx.ids_of(allowed))
        related: tuple[Related, ...] = ()
        if close is not None and close.casefold() == target.casefold() and close in catalog.sources:
            claim = ctx.case_claims.get(target)
            if claim is not None and claim.declared == close:
                # `id: diskominfo`, every reference `DISKOMINFO`: one finding, there
                # (report_case_claims, after every reference was walked).
                return
            # `Diskominfo` here, `DISKOMINFO` declared and named elsewhere: each such reference
            # says where the id is, so that fixing that one line is seen as the other way out.
            related = (Related(catalog.where(close, "id"), t("ref.case_differs_here", name=close)),)
        ctx.emit(
            "SPBE201",
            where,
            "ref.unresolved",
            hint=did_you_mean(target, ctx.ids_of(allowed)),
            related=related,
            target=target,
            kinds=" / ".join(allowed),
        )
        return
    if kind not in allowed:
        ctx.emit(
            "SPBE202",
            where,
            "ref.wrong_kind",
            target=target,
            kind=kind,
            kinds=" / ".join(allowed),
            hint=did_you_mean(target, ctx.ids_of(allowed)),
        )
        return
    reg = catalog.get(target)
    if reg is not None and reg.status == "dicabut":
        related = ()
        if reg.dicabut_oleh and reg.dicabut_oleh in catalog.sources:
            related = (Related(catalog.where(reg.dicabut_oleh), t("ref.repealed_by")),)
        ctx.emit("SPBE205", where, "ref.repealed", target=target, related=related)


def check_references(ctx: Context) -> None:
    """SPBE201/SPBE202/SPBE205: every id any entity names exists and is of the right kind.

    Every reference of every entity (:func:`check_entity_references`: a self-assessment's
    ``bukti`` too), then the ids declared in another case than their references
    (:func:`report_case_claims`), which those references needed.
    """
    check_entity_references(ctx, ctx.catalog.items())
    if ctx.case_known or ctx.case_wanted:
        report_case_claims(ctx)


def check_entity_references(ctx: Context, items: Iterable[tuple[str, str, Any]]) -> None:
    """:func:`check_reference` for each reference of each ``(kind, id, entity)`` of ``items``.

    Every reference :mod:`spbe_cli.links` knows of. The top-level fields are the hot path
    (hundreds of thousands at national scale): a reference to an id of the right kind, the
    common case, is passed over here without a call.
    """
    catalog = ctx.catalog
    kinds, invalid, entities, sources = (
        catalog.kinds,
        catalog.invalid,
        catalog.entities,
        catalog.sources,
    )
    for kind, entity_id, entity in items:
        source = sources[entity_id]
        for field, index, target, allowed in iter_targets(kind, entity):
            found = kinds.get(target) or invalid.get(target)  # catalog.kind, for each reference
            if found in allowed:
                # Nothing to report, but for a repealed regulation cited (SPBE205: what
                # check_reference says of it).
                if found != "regulasi" or (kind, field) in _NOT_CITED:
                    continue
                regulation = entities.get(target)
                if regulation is None or regulation.status != "dicabut":
                    continue
            loc = (field,) if index is None else (field, index)
            cited = (kind, field) not in _NOT_CITED
            check_reference(ctx, source, loc, target, allowed, cited=cited)
        for path, target, allowed in nested_references(kind, entity):
            check_reference(ctx, source, path, target, allowed)


def report_case_claims(ctx: Context, written: Collection[str] | None = None) -> None:
    """SPBE201 at an id declared in another case than every reference to it, once.

    ``id: diskominfo`` and 17 references ``DISKOMINFO``: the declaration is the one line to
    fix, so it is the one finding (:func:`spbe_cli.checks.case_claims` says when that is
    unambiguous); the references are not reported (:func:`check_reference`). Run by
    :func:`check_references` after it walked every reference of the catalog (a
    self-assessment's ``bukti`` too; the metadata's are checked before, by
    :func:`check_metadata`), once one of them needed the claims, so that a catalog without
    such a reference is not walked twice. ``written``: only the claims on these spellings
    (``spbe indeks``, the ``bukti`` of the evaluation it shows).
    """
    catalog = ctx.catalog
    claims = [c for c in ctx.case_claims.values() if written is None or c.written in written]
    for claim in sorted(claims, key=lambda c: c.declared):
        ctx.emit(
            "SPBE201",
            catalog.where(claim.declared, "id"),
            "ref.case_declared",
            hint=t("hint.case_declared", target=claim.written),
            related=(Related(claim.first, t("ref.case_referred_here", target=claim.written)),),
            id=claim.declared,
            target=claim.written,
            count=claim.count,
        )


#: References to an entity of the same kind: ``(kind, field, whether it is a chain)``. A chain
#: (a parent, a repeal) must end; a list of peers (integrations) only must not name itself.
SAME_KIND = (
    ("opd", "induk", True),
    ("proses_bisnis", "induk", True),
    ("regulasi", "dicabut_oleh", True),
    ("aplikasi", "integrasi", False),
)


def cycle_facts(kind: str, entity: Any) -> Any:
    """What :func:`check_cycles` reads of one entity (None: nothing it can report or follow).

    For a chain kind, the id its chain field names (its one edge); for a list of peers, the
    places where the list names the entity itself. The one home of what the rule reads: the
    full run and a followed edit (:mod:`spbe_cli.incremental_rules`) both go through it.
    """
    for same_kind, field, chain in SAME_KIND:
        if same_kind == kind:
            value = getattr(entity, field, None)
            if chain:
                return value if isinstance(value, str) else None
            return [i for i, target in enumerate(value or ()) if target == entity.id] or None
    return None


#: One finding of :func:`check_cycles` before it is placed: the entity it is at, the field
#: (and index) there, the message key and its values.
CycleFinding = tuple[str, tuple[str | int, ...], str, dict[str, Any]]


def cycle_findings(facts: Mapping[str, Any], kinds: Mapping[str, str]) -> Iterator[CycleFinding]:
    """SPBE215 from each entity's :func:`cycle_facts` (``facts``: id -> facts, none for None).

    In the order of a full run: kind by kind, each entity naming itself in id order, then
    each loop of that kind once, at its smallest id, in the order the walks from the smallest
    ids find them.
    """
    by_kind: dict[str, list[str]] = {}
    for entity_id in facts:
        by_kind.setdefault(kinds.get(entity_id, ""), []).append(entity_id)
    for kind, field, chain in SAME_KIND:
        ids = sorted(by_kind.get(kind, ()))
        for entity_id in ids:
            value = facts[entity_id]
            places: list[tuple[str | int, ...]]
            if chain:
                places = [(field,)] if value == entity_id else []
            else:
                places = [(field, index) for index in value]
            for loc in places:
                yield entity_id, loc, "ref.self", {"id": entity_id, "field": field}
        if chain:
            yield from _loops(kind, field, ids, facts, kinds)


def check_cycles(ctx: Context) -> None:
    """SPBE215: an entity naming itself, or a chain of parents (or repeals) that loops."""
    catalog = ctx.catalog
    facts: dict[str, Any] = {}
    for kind, _field, _chain in SAME_KIND:
        for entity_id in catalog.ids_of(kind):
            value = cycle_facts(kind, catalog.entities[entity_id])
            if value is not None:
                facts[entity_id] = value
    for entity_id, loc, message, values in cycle_findings(facts, catalog.kinds):
        ctx.emit("SPBE215", catalog.where(entity_id, *loc), message, **values)


def _loops(
    kind: str, field: str, ids: list[str], edges: Mapping[str, Any], kinds: Mapping[str, str]
) -> Iterator[CycleFinding]:
    """Each loop of two or more entities once, at its smallest id.

    ``ids``: the entities of ``kind`` with an edge, sorted (a walk from an entity without one
    finds no loop and stops no other walk early); ``edges``: id -> the id it names.
    """
    done: set[str] = set()
    for start in ids:
        path: list[str] = []
        seen: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in seen:
            if kinds.get(current) != kind:
                break
            seen[current] = len(path)
            path.append(current)
            current = edges.get(current)
        if current is not None and current in seen and len(path) - seen[current] >= 2:
            loop = path[seen[current] :]
            first = loop.index(min(loop))
            loop = loop[first:] + loop[:first]
            chain = " → ".join([*loop, loop[0]])
            yield loop[0], (field,), "ref.cycle", {"field": field, "chain": chain}
        done.update(path)


def check_codes(ctx: Context) -> None:
    """SPBE203/SPBE204/SPBE213: each element's RA* code has its domain's prefix and exists.

    A proses bisnis hangs at the deepest national RAB level the reference knows (Fungsi): a code
    under which the bundled tree still has national nodes is reported (SPBE213), and only there,
    because most RAB urusan have no known Fungsi level yet.
    """
    ref = ctx.reference
    catalog = ctx.catalog
    national = _national_places(ref.codes.values())
    for entity_id in catalog.ids_of("proses_bisnis"):
        code = catalog.entities[entity_id].rab
        if code in ref.codes and ("RAB", code) in national:
            deeper = sorted(
                node.kode for node in ref.codes.values() if node.parent == code and not node.lokal
            )
            ctx.emit(
                "SPBE213",
                catalog.where(entity_id, "rab"),
                "ref.rab_not_deepest",
                hint=t("hint.one_of", values=", ".join(deeper)),
                kode=code,
            )
    for kind, (prefix, field) in DOMAINS.items():
        for entity_id in catalog.ids_of(kind):
            code = getattr(catalog.entities[entity_id], field)
            if not code.startswith(prefix + "."):
                ctx.emit(
                    "SPBE203",
                    catalog.where(entity_id, field),
                    "ref.code_prefix",
                    kode=code,
                    prefix=prefix,
                    kind=kind,
                )
            elif code not in ref.codes:
                parent = code
                while "." in parent[4:] and parent not in ref.codes:
                    parent = parent.rsplit(".", 1)[0]
                hint = (
                    t("hint.declare_code", kode=code, parent=parent)
                    if parent in ref.codes
                    else t("hint.declare_code_root", kode=code)
                )
                ctx.emit(
                    "SPBE204",
                    catalog.where(entity_id, field),
                    "ref.code_unknown",
                    hint=hint,
                    kode=code,
                )


def check_lists(ctx: Context) -> None:
    """SPBE206/SPBE207/SPBE211/SPBE212: values drawn from reference lists exist there."""
    ref = ctx.reference
    lists = ref.lists()
    catalog = ctx.catalog

    def bad(
        entity_id: str, loc: tuple[str | int, ...], value: str, options: dict[str, str]
    ) -> None:
        if is_placeholder(value):
            return  # '[ISI]' from `spbe new`: SPBE901 says it is still to be filled in
        ctx.emit(
            "SPBE206",
            catalog.where(entity_id, *loc),
            "ref.not_in_list",
            hint=did_you_mean(value, options),
            value=value,
            field=str(loc[0]),
            expected=", ".join(options),
        )

    for kind, entity_id, entity in catalog.items():
        for field, list_name in list_fields(kind):  # spbe_cli.reference.values
            value = getattr(entity, field)
            if value is not None and value not in lists[list_name]:
                bad(entity_id, (field,), value, lists[list_name])
        if kind == "program":
            if entity.dimensi in ref.dimensi and entity.elemen not in ref.elemen[entity.dimensi]:
                bad(entity_id, ("elemen",), entity.elemen, ref.elemen[entity.dimensi])
            for index, pilar in enumerate(entity.pilar_kesiapan):
                if pilar not in ref.pilar:
                    bad(entity_id, ("pilar_kesiapan", index), pilar, ref.pilar)
            for index, kode in enumerate(entity.lokasi):
                _check_wilayah(ctx, entity_id, index, kode)
        elif kind == "kesiapan" and entity.pilar in ref.pilar:
            subs = ref.sub_aspek.get(entity.pilar, {})
            if subs and entity.sub_aspek not in subs:
                bad(entity_id, ("sub_aspek",), entity.sub_aspek, subs)
        elif kind == "opd":
            for index, kode in enumerate(entity.urusan):
                if kode not in ref.urusan:
                    ctx.emit(
                        "SPBE211",
                        catalog.where(entity_id, "urusan", index),
                        "ref.urusan_unknown",
                        kode=kode,
                    )
        elif kind == "aplikasi":
            for field in ("aplikasi_umum", "setara_aplikasi_umum"):
                value = getattr(entity, field)
                if (
                    value is not None
                    and value not in ref.aplikasi_umum
                    and not is_placeholder(value)
                ):
                    ctx.emit(
                        "SPBE212",
                        catalog.where(entity_id, field),
                        "ref.au_unknown",
                        hint=did_you_mean(value, ref.aplikasi_umum)
                        or t("hint.one_of", values=", ".join(ref.aplikasi_umum)),
                        value=value,
                    )


def _check_wilayah(ctx: Context, entity_id: str, index: int, kode: str) -> None:
    meta = ctx.catalog.metadata
    where = ctx.catalog.where(entity_id, "lokasi", index)
    if meta is not None and not (
        kode == meta.pemda.kode_kemendagri or kode.startswith(meta.pemda.kode_kemendagri + ".")
    ):
        ctx.emit(
            "SPBE207", where, "ref.wilayah_outside", kode=kode, pemda=meta.pemda.kode_kemendagri
        )
    elif kode.count(".") == 2 and kode not in ctx.reference.wilayah and meta is not None:
        # Only where the bundled data lists this Pemda's distrik can a code be called unknown.
        prefix = meta.pemda.kode_kemendagri + "."
        if any(known.startswith(prefix) for known in ctx.reference.wilayah):
            ctx.emit("SPBE207", where, "ref.wilayah_unknown", kode=kode)
