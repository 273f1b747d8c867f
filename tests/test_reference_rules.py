"""Gaps of the reference and period rules that the rules analysis found (rules-deps.md §4).

* A ``bukti`` is a reference like any other: written in another case than the one id it means
  (and nowhere else), the finding is at that id's declaration, as for every other field; the
  evaluation ``spbe indeks`` shows says the same.
* ``regulasi.dicabut_oleh`` naming an entity of another kind is SPBE202, as every reference of
  the wrong kind is (naming a repealed regulation there stays allowed).
* Every field that holds an id is walked by the reference rules (none is skipped).
* A reversed period is said once, on the metadata (SPBE602): the RPJMD's too, and no rule
  checks a year against it (SPBE303, SPBE502, SPBE601, SPBE603, SPBE307 would repeat it).
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from spbe_cli.errors import Finding, Report
from spbe_cli.i18n import use_language
from spbe_cli.indeks import evaluate, load_frameworks
from spbe_cli.links import holds_references
from spbe_cli.loader import load_catalog
from spbe_cli.models import MODELS
from spbe_cli.models.common import ID_MAX, ID_PATTERN
from spbe_cli.validate import validate_catalog
from tests.helpers import edit, write_tree

Place = tuple[str, str, int, int]

NEW_OPD = "entitas: opd\nid: Opd-Baru\nnama: OPD Baru\njenis: dinas\nurusan: ['2.16']\n"


def _evaluation(bukti: str) -> str:
    """A self-assessment whose ``penilaian[0].bukti`` (line 8, column 13) is ``bukti``."""
    return (
        "entitas: evaluasi_mandiri\nid: EM-1\nkerangka: pemdi_8_2026\ntahun: 2026\n"
        f"penilaian:\n  - indikator: 1\n    nilai: 1\n    bukti: [{bukti}]\n"
    )


def _places(report: Report) -> list[Place]:
    return [(f.code, f.location.path, f.location.line, f.location.column) for f in report.sorted()]


def _related(finding: Finding) -> list[tuple[str, int, int]]:
    return [(r.location.path, r.location.line, r.location.column) for r in finding.related]


# -- bukti: the case finding ----------------------------------------------------------------------


def test_a_bukti_in_another_case_is_reported_at_the_declaration(minimal_catalog: Path) -> None:
    """It was no finding at all: the bukti was silenced (the declaration says it) and nobody
    reported the declaration, which only a reference walked before the rule of bukti asked."""
    write_tree(
        minimal_catalog,
        {"opd/baru.yaml": NEW_OPD, "evaluasi/em.yaml": _evaluation("OPD-BARU")},
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE201", "opd/baru.yaml", 2, 5)]
    [finding] = report.findings
    assert _related(finding) == [("evaluasi/em.yaml", 8, 13)]
    assert finding.message == (
        "this id is written 'Opd-Baru' but referred to as 'OPD-BARU' in 1 place(s) (another "
        "case), so those references are not found"
    )
    with use_language("id"):
        _, report = validate_catalog(minimal_catalog, "")
    assert report.findings[0].message.startswith("id ini ditulis 'Opd-Baru' tetapi dirujuk")


def test_a_bukti_and_a_field_in_another_case_are_one_finding(minimal_catalog: Path) -> None:
    write_tree(
        minimal_catalog,
        {
            "opd/baru.yaml": NEW_OPD,
            "opd/anak.yaml": "entitas: opd\nid: ANAK\nnama: x\njenis: dinas\ninduk: OPD-BARU\n",
            "evaluasi/em.yaml": _evaluation("OPD-BARU"),
        },
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE201", "opd/baru.yaml", 2, 5)]
    assert "in 2 place(s)" in report.findings[0].message


def test_a_metadata_reference_in_another_case_is_reported_at_the_declaration(
    minimal_catalog: Path,
) -> None:
    write_tree(minimal_catalog, {"opd/baru.yaml": NEW_OPD})
    meta = minimal_catalog / "metadata.yaml"
    text = meta.read_text("utf-8") + "tata_kelola:\n  uraian: Dewan.\n  opd_anggota: [OPD-BARU]\n"
    meta.write_text(text, "utf-8")
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE201", "opd/baru.yaml", 2, 5)]
    assert _related(report.findings[0]) == [("metadata.yaml", 28, 17)]


def test_a_bukti_in_another_case_of_an_id_named_elsewhere_is_reported_there(
    minimal_catalog: Path,
) -> None:
    """DISKOMINFO is named as declared elsewhere: the bukti is the mistake, said at the bukti."""
    write_tree(minimal_catalog, {"evaluasi/em.yaml": _evaluation("Diskominfo")})
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE201", "evaluasi/em.yaml", 8, 13)]
    assert _related(report.findings[0]) == [("opd/diskominfo.yaml", 2, 5)]


def test_a_bukti_of_the_wrong_kind_is_spbe202(minimal_catalog: Path) -> None:
    write_tree(minimal_catalog, {"evaluasi/em.yaml": _evaluation("EM-1")})
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE202", "evaluasi/em.yaml", 8, 13)]
    assert report.findings[0].message.startswith("'EM-1' is of kind evaluasi_mandiri, but opd")


def test_spbe_indeks_reports_a_bukti_in_another_case(minimal_catalog: Path) -> None:
    """The evaluation shown: its bukti as spbe validate checks them, the case finding too."""
    write_tree(
        minimal_catalog,
        {
            "opd/baru.yaml": NEW_OPD,
            "evaluasi/em.yaml": _evaluation("OPD-BARU, TIDAK-ADA"),
            # a claim on an id no bukti names is not the evaluation's to report
            "opd/lain.yaml": NEW_OPD.replace("Opd-Baru", "Opd-Lain"),
            "opd/anak.yaml": "entitas: opd\nid: ANAK\nnama: x\njenis: dinas\ninduk: OPD-LAIN\n",
        },
    )
    catalog, _ = load_catalog(minimal_catalog, "")
    report = evaluate(catalog, load_frameworks()["pemdi_8_2026"], None)
    places = [
        (f.code, f.location.path, f.location.line, f.location.column) for f in report.findings
    ]
    assert sorted(places) == [
        ("SPBE201", "evaluasi/em.yaml", 8, 23),
        ("SPBE201", "opd/baru.yaml", 2, 5),
    ]


def test_the_editor_sees_a_bukti_as_it_is_typed(minimal_catalog: Path) -> None:
    """The quick step checks the edited file's references: a bukti's was left to the full
    check, and the typo was no diagnostic until then."""
    from spbe_cli.lsp.workspace import Workspace

    rel = "evaluasi/em.yaml"
    write_tree(minimal_catalog, {rel: _evaluation("DISKOMINFO")})
    workspace = Workspace(minimal_catalog)
    workspace.load()
    workspace.update(rel, _evaluation("DISKOMINF").encode())
    found = [(f.code, f.location.line, f.location.column) for f in workspace.findings[rel]]
    assert found == [("SPBE201", 8, 13)]
    workspace.recheck()
    assert workspace.findings[rel] == _fresh_findings(minimal_catalog, workspace)[rel]


def _fresh_findings(root: Path, workspace: Any) -> dict[str, list[Finding]]:
    from spbe_cli.lsp.workspace import Workspace

    fresh = Workspace(root)
    fresh.overlays = dict(workspace.overlays)
    fresh.load()
    return fresh.findings


# -- dicabut_oleh: the kind ------------------------------------------------------------------------

REPEALED = (
    "entitas: regulasi\nid: PERBUP-LAMA\njenis: Perbup\nnomor: '7'\ntahun: 2018\njudul: Lama\n"
    "tingkat: daerah\nstatus: dicabut\ndicabut_oleh: {by}\n"
)


def test_a_repeal_by_an_entity_of_another_kind_is_spbe202(minimal_catalog: Path) -> None:
    """It was accepted: only a repealer that did not exist was reported."""
    write_tree(minimal_catalog, {"regulasi/lama.yaml": REPEALED.format(by="DISKOMINFO")})
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE202", "regulasi/lama.yaml", 9, 15)]
    [finding] = report.findings
    assert finding.message == "'DISKOMINFO' is of kind opd, but regulasi is expected here"
    with use_language("id"):
        _, report = validate_catalog(minimal_catalog, "")
    assert report.findings[0].message == ("'DISKOMINFO' adalah opd, padahal di sini harus regulasi")


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        # a regulation repealed since may have repealed another one: not SPBE205
        ("PERBUP-BARU", []),
        ("TIDAK-ADA", [("SPBE201", "regulasi/lama.yaml", 9, 15)]),
        # PERBUP-SC is named as declared by the programs: the repeal is the one misspelt
        ("perbup-sc", [("SPBE201", "regulasi/lama.yaml", 9, 15)]),
    ],
)
def test_what_a_repeal_may_name(minimal_catalog: Path, by: str, expected: list[Place]) -> None:
    newer = REPEALED.replace("PERBUP-LAMA", "PERBUP-BARU").replace("dicabut_oleh: {by}", "")
    write_tree(
        minimal_catalog,
        {
            "regulasi/lama.yaml": REPEALED.format(by=by),
            "regulasi/baru.yaml": newer + "dicabut_oleh: PERBUP-SC\n",
        },
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == expected


# -- every field holding an id is a reference ----------------------------------------------------


def _id_shaped(annotation: Any, metadata: list[Any]) -> bool:
    for item in (*metadata, *typing.get_args(annotation)):
        if (
            getattr(item, "pattern", None) == ID_PATTERN
            and getattr(item, "max_length", 0) == ID_MAX
        ):
            return True
        if typing.get_args(item) and _id_shaped(item, []):
            return True
    return False


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _id_fields(model: type[BaseModel], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, info in model.model_fields.items():
        here = (*path, name)
        if _id_shaped(info.annotation, list(info.metadata)):
            found.append(here)
        for nested in _models(info.annotation):
            found.extend(_id_fields(nested, here))
    return found


def test_every_field_holding_an_id_is_checked_as_a_reference() -> None:
    """The reference rules walk what :mod:`spbe_cli.links` lists: a field typed as an id that
    is not there would be skipped by the existence, kind and case checks alike."""
    fields = {(kind, path) for kind, model in MODELS.items() for path in _id_fields(model)}
    skipped = sorted(
        (kind, path)
        for kind, path in fields
        if path != ("id",) and not holds_references(kind, path)
    )
    assert skipped == []
    # what the walk finds: the test sees the fields of every kind, nested ones too
    assert ("evaluasi_mandiri", ("penilaian", "bukti")) in fields
    assert ("metadata", ("tata_kelola", "dasar")) in fields
    assert ("regulasi", ("dicabut_oleh",)) in fields


# -- a reversed period ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # the RPJMD's was said nowhere (and SPBE303 compared the architecture with it)
        (
            "periode_rpjmd:\n  mulai: 2025\n  selesai: 2029",
            "periode_rpjmd:\n  mulai: 2029\n  selesai: 2025",
            [("SPBE602", "metadata.yaml", 11, 3)],
        ),
        # SPBE303 repeated it: "does not overlap the RPJMD"
        (
            "    judul: Arsitektur SPBE\n    periode: {mulai: 2025, selesai: 2029}",
            "    judul: Arsitektur SPBE\n    periode: {mulai: 2035, selesai: 2020}",
            [("SPBE602", "metadata.yaml", 20, 14)],
        ),
        # not SPBE502 for every item
        (
            "    judul: Peta Rencana SPBE\n    periode: {mulai: 2025, selesai: 2029}",
            "    judul: Peta Rencana SPBE\n    periode: {mulai: 2029, selesai: 2020}",
            [("SPBE602", "metadata.yaml", 24, 14)],
        ),
        # not SPBE601 for every program
        (
            "    judul: Master Plan Smart City\n    periode: {mulai: 2025, selesai: 2029}",
            "    judul: Master Plan Smart City\n    periode: {mulai: 2030, selesai: 2020}",
            [("SPBE602", "metadata.yaml", 16, 14)],
        ),
    ],
)
def test_a_reversed_period_is_said_once_on_the_metadata(
    minimal_catalog: Path, old: str, new: str, expected: list[Place]
) -> None:
    edit(minimal_catalog / "metadata.yaml", old, new)
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == expected


def test_a_quick_win_is_not_checked_against_a_reversed_master_plan(minimal_catalog: Path) -> None:
    """Which year is the first one, 2030 or 2020? SPBE602 says the period is wrong, once."""
    program = minimal_catalog / "program" / "economy.yaml"
    edit(
        program,
        "tahun_mulai: 2025\ntahun_selesai: 2027\nhorizon: menengah",
        "tahun_mulai: 2026\ntahun_selesai: 2026\nhorizon: quick_win",
    )
    edit(program, "target: {2026: 50, 2027: 80}", "target: {2026: 50}")
    edit(program, "{tahun: 2025,", "{tahun: 2026,")
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE603", "program/economy.yaml", 7, 14)]
    edit(
        minimal_catalog / "metadata.yaml",
        "    judul: Master Plan Smart City\n    periode: {mulai: 2025, selesai: 2029}",
        "    judul: Master Plan Smart City\n    periode: {mulai: 2030, selesai: 2026}",
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [("SPBE602", "metadata.yaml", 16, 14)]


# -- rules that read a reference: no finding that follows from one that names no such entity -----


def test_an_application_on_a_data_set_gives_no_unsecured_infrastructure_there(
    minimal_catalog: Path,
) -> None:
    """``infrastruktur: [INFRA-01, DATA-01]`` of an application holding restricted data: SPBE202,
    and SPBE406 at INFRA-01; it also said "infrastructure DATA-01 is not secured" at the data."""
    edit(minimal_catalog / "arsitektur" / "data.yaml", "sifat: terbuka", "sifat: terbatas")
    edit(
        minimal_catalog / "arsitektur" / "aplikasi.yaml",
        "infrastruktur: [INFRA-01]",
        "infrastruktur: [INFRA-01, DATA-01]",
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == [
        ("SPBE202", "arsitektur/aplikasi.yaml", 8, 27),
        ("SPBE406", "arsitektur/infrastruktur.yaml", 2, 5),
    ]


@pytest.mark.parametrize(
    ("induk", "expected"),
    [
        ("SETDAA", [("SPBE201", "opd/bagian.yaml", 5, 8)]),
        ("APP-01", [("SPBE202", "opd/bagian.yaml", 5, 8)]),
        # an OPD that holds no urusan 2.16 either: SPBE505 is what there is to say
        ("ANAK", [("SPBE505", "peta-rencana/manajemen.yaml", 5, 9)]),
    ],
)
def test_an_owner_whose_parent_is_no_opd_is_not_said_to_lack_the_bidang(
    minimal_catalog: Path, induk: str, expected: list[Place]
) -> None:
    """What a Bagian holds comes from its parent: a parent that names no OPD leaves it unknown,
    and SPBE505 ("BAGIAN-TI does not hold bidang 2.16") followed from the reference's mistake."""
    write_tree(
        minimal_catalog,
        {
            "opd/bagian.yaml": f"entitas: opd\nid: BAGIAN-TI\nnama: Bagian TI\njenis: bagian\n"
            f"induk: {induk}\n",
            "opd/anak.yaml": "entitas: opd\nid: ANAK\nnama: Anak\njenis: bagian\n",
        },
    )
    edit(
        minimal_catalog / "peta-rencana" / "manajemen.yaml",
        "opd_pj: DISKOMINFO",
        "opd_pj: BAGIAN-TI",
    )
    _, report = validate_catalog(minimal_catalog, "")
    assert _places(report) == expected


def test_an_evaluation_is_a_referrer_of_its_bukti_for_the_incremental_engine(
    minimal_catalog: Path,
) -> None:
    """The engine re-checks the referrers of an id that came, went or changed: the references
    rule now reports a bukti's finding, so its facts name the bukti too."""
    import spbe_cli.incremental_rules  # noqa: F401 - registers the rules' forms
    from spbe_cli.incremental import facts_of

    write_tree(minimal_catalog, {"evaluasi/em.yaml": _evaluation("DISKOMINFO, LAY-01")})
    catalog, _ = load_catalog(minimal_catalog, "")
    facts = facts_of("evaluasi_mandiri", catalog.entities["EM-1"])
    assert facts["check_references"] == ["DISKOMINFO", "LAY-01"]
