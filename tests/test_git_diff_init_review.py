"""An ITB mentor reviews a pull request on a catalog made by ``spbe init``, in real git
repositories with two commits: the gaps the last review found.

- a one-word edit of a long text shows the words that changed, in the text output as in the
  comment, also for a long item of a list of texts (a SWOT point showed whole, twice);
- an id given to another entity (SPBE711) lists the references left to it, with file:line;
- a list of models without an identity (``penilaian``, with its ``bukti`` ids) showed whole as
  a Python-ish list, and its 1-5 score read as rupiah (``nilai: Rp 2``);
- prose printed from a partial of the Pemda's own templates (an include, an imported macro)
  read "printed by no document".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import i18n
from spbe_cli.cli.app import app
from tests.helpers import edit, isolate_git, write_tree
from tests.test_git_diff import MENTOR, commit, git, run

PROGRAM = "catalog/program/contoh.yaml"
APPS = "catalog/aplikasi/contoh.yaml"
META = "catalog/metadata.yaml"
EVAL = "catalog/evaluasi_mandiri/contoh.yaml"

URAIAN = (
    "Program ini mengintegrasikan layanan publik daring Kabupaten Mimika dalam satu portal "
    "sehingga warga dari pesisir hingga pegunungan dapat mengajukan permohonan tanpa datang ke "
    "kantor. Integrasi dilakukan bertahap bersama perangkat daerah pengampu layanan, dimulai "
    "dari layanan kependudukan dan perizinan, lalu layanan kesehatan dan pendidikan, dengan "
    "dukungan jaringan yang andal dan pusat data daerah yang dikelola Diskominfo."
)
KELEMAHAN = (
    "Contoh: data sektoral tersebar di setiap perangkat daerah dan belum terhubung satu sama "
    "lain sehingga perencanaan pembangunan sering memakai angka yang berbeda antara perangkat "
    "daerah, terutama data yang menjadi dasar rencana kerja tahunan dan anggaran daerah."
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding the catalog ``spbe init`` writes, at tag v1, with cwd inside it."""
    for name in list(os.environ):
        if name.startswith("SPBE_"):
            monkeypatch.delenv(name)
    isolate_git(monkeypatch, tmp_path, MENTOR)
    root = tmp_path / "katalog-spbe"
    made = CliRunner().invoke(
        app, ["init", str(root), "--pemda", "Kabupaten Mimika", "--kode", "94.04"]
    )
    assert made.exit_code == 0, made.output
    git(root, "init", "-q", "-b", "main")
    edit(
        root / PROGRAM,
        "nama: Integrasi Layanan Publik Daring\n",
        f"nama: Integrasi Layanan Publik Daring\nuraian: {URAIAN}\n",
    )
    edit(
        root / META,
        "- 'Contoh: data sektoral tersebar di setiap perangkat daerah.'",
        f"- '{KELEMAHAN}'",
    )
    commit(root, "v1")
    git(root, "tag", "v1")
    monkeypatch.chdir(root)
    return root


@pytest.fixture(autouse=True)
def _indonesian() -> None:
    i18n.set_language("id")


def test_a_one_word_edit_of_a_long_text_shows_its_words_in_text_and_comment(repo: Path) -> None:
    edit(repo / PROGRAM, "jaringan yang andal", "jaringan yang aman")
    edit(repo / META, "tahunan dan anggaran", "tahunan serta anggaran")
    commit(repo, "satu kata")
    text = run("v1", "HEAD")[1]
    comment = run("v1", "HEAD", "--format", "markdown")[1]
    assert (
        "      uraian: … dengan dukungan jaringan yang [-andal-]{+aman+} dan pusat data daerah …\n"
        in text
    )
    assert (
        "  - `uraian`: … dengan dukungan jaringan yang ~~andal~~ **aman** dan pusat data daerah …\n"
        in comment
    )
    # A SWOT point is an item of a list of texts: before, both whole texts (−old +new).
    assert (
        "      strategi_dimensi[governance].swot.kelemahan: … dasar rencana kerja tahunan "
        "[-dan-]{+serta+} anggaran daerah.\n" in text
    )
    assert (
        "  - `strategi_dimensi[governance].swot.kelemahan`: … dasar rencana kerja tahunan "
        "~~dan~~ **serta** anggaran daerah.\n" in comment
    )
    assert KELEMAHAN[:60] not in text and KELEMAHAN[:60] not in comment
    # A point replaced by another text is still one removed and one added.
    edit(
        repo / META,
        KELEMAHAN.replace("dan anggaran", "serta anggaran"),
        "Contoh: lain sama sekali.",
    )
    commit(repo, "ganti")
    text = run("v1", "HEAD")[1]
    assert "swot.kelemahan: −Contoh: data sektoral" in text and "+Contoh: lain sama sekali." in text


def test_an_id_given_to_another_application_lists_the_references_left_to_it(repo: Path) -> None:
    """APP-PORTAL-PPID "Portal PPID" becomes "Sistem Informasi Kepegawaian": a service, a
    roadmap item and a security item still cite the id and now mean the new application."""
    _reuse_portal_id(repo)
    commit(repo, "id dipakai ulang")
    expected = [
        (
            "layanan",
            "LAY-INFORMASI-PUBLIK",
            "Layanan Permohonan Informasi Publik",
            "aplikasi[0]",
            {"path": "HEAD:catalog/layanan/contoh.yaml", "line": 10, "column": 12},
        ),
        (
            "peta_rencana",
            "PR-APLIKASI",
            "Integrasi Portal PPID dengan layanan lain",
            "mengubah[0]",
            {"path": "HEAD:catalog/peta_rencana/contoh.yaml", "line": 95, "column": 12},
        ),
        (
            "keamanan",
            "SEC-AUDIT-PORTAL",
            "Audit Keamanan Portal PPID",
            "objek[0]",
            {"path": "HEAD:catalog/keamanan/contoh.yaml", "line": 9, "column": 9},
        ),
    ]
    for options in ((), ("--no-findings",)):  # unchanged files hold references too
        data = json.loads(run("v1", "HEAD", "--format", "json", *options)[1])
        hit = next(a for a in data["attention"] if a["code"] == "SPBE711")
        found = [
            (r["kind"], r["id"], r["name"], r["field"], r["location"]) for r in hit["referrers"]
        ]
        assert found == expected, options
        assert all("referrers" not in a for a in data["attention"] if a["code"] != "SPBE711")
    text = run("v1", "HEAD")[1]
    assert (
        "      rujukan ke APP-PORTAL-PPID yang tidak diubah (3), periksa apakah kini memang "
        "berarti 'Sistem Informasi Kepegawaian':\n"
        "        layanan LAY-INFORMASI-PUBLIK 'Layanan Permohonan Informasi Publik', field "
        "aplikasi[0] (HEAD:catalog/layanan/contoh.yaml:10:12)\n" in text
    )
    comment = run("v1", "HEAD", "--format", "markdown")[1]
    assert (
        "  - rujukan ke APP-PORTAL-PPID yang tidak diubah (3), periksa apakah kini memang "
        "berarti 'Sistem Informasi Kepegawaian':\n"
        "    - layanan LAY-INFORMASI-PUBLIK 'Layanan Permohonan Informasi Publik', field "
        "aplikasi\\[0\\] (`HEAD:catalog/layanan/contoh.yaml:10:12`)\n" in comment
    )
    i18n.set_language("en")
    english = CliRunner().invoke(app, ["--lang", "en", "diff", "v1", "HEAD"]).stdout
    assert (
        "      references to APP-PORTAL-PPID left as they were (3), check they now mean "
        "'Sistem Informasi Kepegawaian':\n" in english
    )


def _reuse_portal_id(repo: Path) -> None:
    edit(repo / APPS, "nama: Portal PPID", "nama: Sistem Informasi Kepegawaian")
    edit(repo / APPS, "raa: RAA.02.02", "raa: RAA.01.01")
    edit(
        repo / APPS,
        "fungsi: Publikasi daftar informasi publik dan permohonan informasi",
        "fungsi: Pengelolaan data pegawai",
    )
    edit(repo / APPS, "basis_aplikasi: web", "basis_aplikasi: desktop")
    edit(repo / APPS, "data: [DATA-INFORMASI-PUBLIK]\n", "")


def test_a_reference_written_in_the_change_is_not_listed(repo: Path) -> None:
    """A service pointed at the id in this very change means the new application; references
    all moved elsewhere leave nothing to check, and the mentor is told so."""
    service = repo / "catalog/layanan/contoh.yaml"
    edit(service, "aplikasi: [APP-PORTAL-PPID]", "aplikasi: []")
    commit(repo, "layanan tanpa aplikasi")
    git(repo, "tag", "v2")
    _reuse_portal_id(repo)
    edit(service, "aplikasi: []", "aplikasi: [APP-PORTAL-PPID]")
    commit(repo, "id dipakai ulang, layanan menunjuknya")
    data = json.loads(run("v2", "HEAD", "--format", "json")[1])
    hit = next(a for a in data["attention"] if a["code"] == "SPBE711")
    assert [(r["id"], r["location"]["line"]) for r in hit["referrers"]] == [
        ("PR-APLIKASI", 95),
        ("SEC-AUDIT-PORTAL", 9),
    ]
    for name in ("peta_rencana", "keamanan"):
        path = repo / f"catalog/{name}/contoh.yaml"
        path.write_text(path.read_text("utf-8").replace("APP-PORTAL-PPID", "APP-X"), "utf-8")
    commit(repo, "rujukan lama dipindah")
    data = json.loads(run("v2", "HEAD", "--format", "json")[1])
    hit = next(a for a in data["attention"] if a["code"] == "SPBE711")
    assert hit["referrers"] == []
    assert "      tidak ada rujukan ke APP-PORTAL-PPID yang tertinggal\n" in run("v2", "HEAD")[1]


def test_the_evidence_of_a_self_assessment_is_a_reference_left_to_the_id(repo: Path) -> None:
    """A ``bukti`` naming APP-PORTAL-PPID is listed with the other references, at its place
    (links.references_to: the one walk ``spbe show`` and ``spbe validate`` read too)."""
    edit(
        repo / EVAL,
        "  - indikator: 13  # Aplikasi\n",
        "  - indikator: 13  # Aplikasi\n    bukti: [APP-PORTAL-PPID]\n",
    )
    commit(repo, "bukti")
    git(repo, "tag", "v2")
    _reuse_portal_id(repo)
    commit(repo, "id dipakai ulang")
    for options in ((), ("--no-findings",)):
        data = json.loads(run("v2", "HEAD", "--format", "json", *options)[1])
        hit = next(a for a in data["attention"] if a["code"] == "SPBE711")
        assert [(r["kind"], r["id"], r["field"]) for r in hit["referrers"]] == [
            # By its indicator, as its field changes read (penilaian[13].nilai: 2 → 3).
            ("evaluasi_mandiri", "EVALUASI-PEMDI-2026", "penilaian[13].bukti[0]"),
            ("layanan", "LAY-INFORMASI-PUBLIK", "aplikasi[0]"),
            ("peta_rencana", "PR-APLIKASI", "mengubah[0]"),
            ("keamanan", "SEC-AUDIT-PORTAL", "objek[0]"),
        ], options
        assert hit["referrers"][0]["location"] == {
            "path": f"HEAD:{EVAL}",
            "line": 30,
            "column": 13,
        }


def test_a_regulation_renamed_beyond_recognition_lists_the_metadata_citing_it(
    repo: Path,
) -> None:
    """The Perkada that sets the Arsitektur SPBE given the title of a parking levy: the
    metadata's ``penetapan`` still cites it."""
    edit(
        repo / "catalog/regulasi/contoh.yaml",
        'judul: "Arsitektur SPBE Pemerintah Kabupaten Mimika 2025-2029"',
        'judul: "Retribusi Parkir Tepi Jalan"',
    )
    commit(repo, "judul diganti")
    data = json.loads(run("v1", "HEAD", "--format", "json", "--no-findings")[1])
    hit = next(a for a in data["attention"] if a["code"] == "SPBE711")
    assert hit["referrers"] == [
        {
            "kind": "metadata",
            "id": "metadata",
            "name": "Kabupaten Mimika",
            "field": "dokumen.arsitektur.penetapan",
            "location": {"path": "HEAD:catalog/metadata.yaml", "line": 29, "column": 16},
        }
    ]
    assert (
        "        metadata katalog, field dokumen.arsitektur.penetapan "
        "(HEAD:catalog/metadata.yaml:29:16)\n" in run("v1", "HEAD")[1]
    )


def test_a_self_assessment_edit_shows_its_evidence_as_a_list(repo: Path) -> None:
    """``penilaian`` has no field named like the other lists' identities: it was shown whole,
    ``[{indikator: 1}, ... {indikator: 13, nilai: Rp 2, bukti: [APP-PORTAL-PPID]} ...]``."""
    edit(
        repo / EVAL,
        "  - indikator: 13  # Aplikasi\n",
        "  - indikator: 13  # Aplikasi\n    nilai: 2\n    bukti: [APP-PORTAL-PPID]\n",
    )
    commit(repo, "nilai 13")
    git(repo, "tag", "v2")
    edit(
        repo / EVAL,
        "    nilai: 2\n    bukti: [APP-PORTAL-PPID]\n",
        "    nilai: 3\n    bukti: [LAY-INFORMASI-PUBLIK, APP-PORTAL-PPID]\n"
        "    dokumen: [SK Bupati 12/2025]\n",
    )
    commit(repo, "nilai naik")
    text = run("v2", "HEAD")[1]
    assert (
        "  ~ EVALUASI-PEMDI-2026\n"
        "      penilaian[13].nilai: 2 → 3\n"
        "      penilaian[13].bukti: +LAY-INFORMASI-PUBLIK\n"
        "      penilaian[13].dokumen: +SK Bupati 12/2025\n" in text
    )
    assert "{indikator: 1}" not in text and "Rp" not in text
    data = json.loads(run("v2", "HEAD", "--format", "json")[1])
    change = next(c for c in data["changes"] if c["id"] == "EVALUASI-PEMDI-2026")
    assert [(f["field"], f["loc"], f["old"], f["new"]) for f in change["fields"]] == [
        ("penilaian[13].nilai", ["penilaian", {"item": {"indikator": 13}}, "nilai"], 2, 3),
        (
            "penilaian[13].bukti",
            ["penilaian", {"item": {"indikator": 13}}, "bukti"],
            ["APP-PORTAL-PPID"],
            ["LAY-INFORMASI-PUBLIK", "APP-PORTAL-PPID"],
        ),
        (
            "penilaian[13].dokumen",
            ["penilaian", {"item": {"indikator": 13}}, "dokumen"],
            [],
            ["SK Bupati 12/2025"],
        ),
    ]
    # An added budget line still reads in rupiah, and so does its amount changed.
    edit(
        repo / PROGRAM,
        "  - {tahun: 2025, nilai: 100000000, sumber: APBD, ilustratif: true}\n",
        "  - {tahun: 2025, nilai: 200000000, sumber: APBD, ilustratif: true}\n"
        "  - {tahun: 2026, nilai: 50000000, sumber: APBD}\n",
    )
    commit(repo, "anggaran")
    text = run("HEAD~1", "HEAD")[1]
    assert "anggaran[2025].nilai: Rp 100.000.000* → Rp 200.000.000*" in text
    assert "anggaran[2026]: — → {tahun: 2026, nilai: Rp 50.000.000, sumber: APBD}" in text


def test_every_list_of_models_has_an_identity() -> None:
    """The class of the ``penilaian`` gap: no list of models is compared whole."""
    import typing

    from pydantic import BaseModel

    from spbe_cli.catalog import nested_models
    from spbe_cli.diff.changeset import LIST_IDENTITY
    from spbe_cli.models import MODELS

    missing = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        for name, info in model.model_fields.items():
            args = typing.get_args(info.annotation)
            listed = args[0] if typing.get_origin(info.annotation) is list else None
            models = isinstance(listed, type) and issubclass(listed, BaseModel)
            if models and name not in LIST_IDENTITY:
                missing.add(f"{model.__name__}.{name}")
            for sub in nested_models(info.annotation):
                if sub not in seen:
                    seen.add(sub)
                    walk(sub)

    for model in MODELS.values():
        walk(model)
    assert missing == set()


OWN_MASTERPLAN_HEAD = """{% import "_istilah.j2" as i %}
{% import "_lokal.j2" as lokal with context %}
# Master Plan

{% include "_pendahuluan.j2" %}

{{ lokal.bab() }}
"""
PENDAHULUAN = """## BAB I PENDAHULUAN

### 1.1 Latar Belakang

{{ prosa("latar_belakang") }}
"""
LOKAL = """{% macro bab() %}
## Kearifan Lokal

{{ prosa("kearifan_lokal") }}
{% endmacro %}
"""


def test_prose_printed_from_a_partial_is_placed_in_its_document(repo: Path) -> None:
    """A Pemda's own masterplan.j2 printing two sections from partials: an include and a macro
    of an imported file. Before, both read "not printed by the built-in templates"."""
    write_tree(
        repo,
        {
            "catalog/templates/masterplan.j2": OWN_MASTERPLAN_HEAD,
            "catalog/templates/_pendahuluan.j2": PENDAHULUAN,
            "catalog/templates/_lokal.j2": LOKAL,
            "catalog/prosa/latar.md": "Latar belakang yang andal.\n",
            "catalog/prosa/kearifan.md": "Tiga tungku dalam setiap program.\n",
        },
    )
    edit(
        repo / META,
        "versi_skema: 1\n",
        "versi_skema: 1\nprosa:\n  latar_belakang: prosa/latar.md\n"
        "  kearifan_lokal: prosa/kearifan.md\n",
    )
    commit(repo, "prosa")
    git(repo, "tag", "v2")
    edit(repo / "catalog/prosa/latar.md", "andal", "andal dan aman")
    edit(repo / "catalog/prosa/kearifan.md", "setiap program", "setiap program smart city")
    commit(repo, "prosa diubah")
    data = json.loads(run("v2", "HEAD", "--format", "json")[1])
    assert [(p["section"], p["documents"]) for p in data["prose"]] == [
        ("kearifan_lokal", ["masterplan"]),
        ("latar_belakang", ["masterplan"]),
    ]
    comment = run("v2", "HEAD", "--format", "markdown")[1]
    assert (
        "- **diubah** bagian latar_belakang → masterplan (HEAD:catalog/prosa/latar.md)\n" in comment
    )
    # The document's Daftar Perubahan names the chapter the partial prints it under.
    from spbe_cli.diff.prose import section_places

    own = {
        "masterplan.j2": OWN_MASTERPLAN_HEAD,
        "_pendahuluan.j2": PENDAHULUAN,
        "_lokal.j2": LOKAL,
    }
    places = section_places(own.get)
    assert (
        places["latar_belakang"]["masterplan"].chapter,
        places["latar_belakang"]["masterplan"].heading,
    ) == ("Pendahuluan", "Latar Belakang")
    assert places["kearifan_lokal"]["masterplan"].chapter == "Kearifan Lokal"
    assert places["kearifan_lokal"]["masterplan"].line > places["latar_belakang"]["masterplan"].line


#: A Pemda's masterplan.j2 printing sections by names it passes: to a macro, and in a loop.
OWN_MASTERPLAN_PASSED = """{% macro bab(judul, nama) %}
### {{ judul }}

{{ prosa(nama) }}
{% endmacro %}
# Master Plan

## BAB I PENDAHULUAN

{{ bab("1.1 Latar Belakang", "latar_belakang") }}
{{ bab(judul="1.2 Maksud dan Tujuan", nama="maksud_tujuan") }}

## BAB II GAMBARAN UMUM
{% for bagian in ["gambaran_umum"] %}
{{ prosa(bagian) }}
{% endfor %}
"""


def test_prose_printed_by_a_name_passed_in_the_template_is_placed(repo: Path) -> None:
    """A section printed by a macro given its name, or in a loop over names.

    Before, ``spbe diff`` said the edited section was "not printed by the built-in templates"
    (the Pemda's own one prints it), and the Master Plan's Daftar Perubahan said nothing in
    the document changed.
    """
    write_tree(
        repo,
        {
            "catalog/templates/masterplan.j2": OWN_MASTERPLAN_PASSED,
            "catalog/prosa/latar.md": "Latar belakang yang andal.\n",
            "catalog/prosa/maksud.md": "Maksud dokumen ini.\n",
            "catalog/prosa/gambaran.md": "Gambaran umum daerah.\n",
        },
    )
    edit(
        repo / META,
        "versi_skema: 1\n",
        "versi_skema: 1\nprosa:\n  latar_belakang: prosa/latar.md\n"
        "  maksud_tujuan: prosa/maksud.md\n  gambaran_umum: prosa/gambaran.md\n",
    )
    commit(repo, "prosa")
    git(repo, "tag", "v2")
    edit(repo / "catalog/prosa/latar.md", "andal", "andal dan aman")
    edit(repo / "catalog/prosa/maksud.md", "ini", "ini dan arahnya")
    edit(repo / "catalog/prosa/gambaran.md", "daerah", "Kabupaten Mimika")
    commit(repo, "prosa diubah")
    data = json.loads(run("v2", "HEAD", "--format", "json")[1])
    assert [(p["section"], p["documents"]) for p in data["prose"]] == [
        ("gambaran_umum", ["masterplan"]),
        ("latar_belakang", ["masterplan"]),
        ("maksud_tujuan", ["masterplan"]),
    ]
    from spbe_cli.diff.prose import section_places

    places = section_places({"masterplan.j2": OWN_MASTERPLAN_PASSED}.get)
    found = {
        section: (place["masterplan"].chapter, place["masterplan"].line)
        for section, place in places.items()
        if section in {"latar_belakang", "maksud_tujuan", "gambaran_umum"}
    }
    assert found == {
        "latar_belakang": ("Pendahuluan", 10),
        "maksud_tujuan": ("Pendahuluan", 11),
        "gambaran_umum": ("Gambaran Umum", 14),
    }
    # What the template only names, or a name it computes, places nothing.
    from spbe_cli.diff.prose import passed_sections

    assert passed_sections('{{ prosa(x) }}{% set y = "latar_belakang" %}') == []
    assert passed_sections("{% macro b(n) %}{{ prosa(n) }}{% endmacro %}{{ b(z) }}") == []
    assert passed_sections("{{ prosa(x) }}{% if %}") == []  # Jinja refuses it: nothing
    # A template too long to parse in a moment (untrusted) places nothing this way.
    import time

    started = time.process_time()  # CPU time: a bound on the work, not on a busy runner
    loop = '{% for s in ["a"] %}{{ prosa(s) }}{% endfor %}\n'
    assert passed_sections(loop * 20_000) == []
    assert time.process_time() - started < 1
    assert passed_sections(loop * 2) == [("a", 1), ("a", 2)]


def test_prose_printed_by_an_imported_macro_given_its_name_is_placed() -> None:
    """``{{ b.bab("latar_belakang") }}`` with ``bab`` imported from a partial, and ``from``."""
    from spbe_cli.diff.prose import section_documents, section_places

    partial = (
        "{% macro bab(nama) %}\n### Judul\n{{ prosa(nama) }}\n{% endmacro %}\n"
        '{% macro lain() %}{{ prosa("tidak_dipanggil") }}{% endmacro %}\n'
    )
    for head, call in (
        ('{% import "_bab.j2" as b %}', 'b.bab("latar_belakang")'),
        ('{% from "_bab.j2" import bab %}', 'bab(nama="latar_belakang")'),
    ):
        own = {
            "masterplan.j2": f"{head}\n# MP\n\n## BAB I PENDAHULUAN\n\n{{{{ {call} }}}}\n",
            "_bab.j2": partial,
        }
        place = section_places(own.get)["latar_belakang"]["masterplan"]
        assert (place.chapter, place.heading, place.line) == ("Pendahuluan", "", 6), head
        documents = section_documents(own.get)
        assert "masterplan" in documents["latar_belakang"]
        # A macro the document never calls prints nothing in it.
        assert "masterplan" not in documents.get("tidak_dipanggil", ())


def test_a_template_including_itself_ends() -> None:
    from spbe_cli.diff.prose import expand_partials

    own = {"_a.j2": '{% include "_a.j2" %}\n{{ prosa("x") }}\n'}
    text = expand_partials('{% include "_a.j2" %}', own.get)
    assert text.count('prosa("x")') == 8
    # A name Jinja refuses is not read; an include not found stays as written.
    assert expand_partials('{% include "../x.j2" %}', {"../x.j2": "y"}.get) == (
        '{% include "../x.j2" %}'
    )


def test_a_template_fanning_out_stays_bounded() -> None:
    """Ten includes of a partial that includes the next ten times, ten deep: 10^10 copies."""
    from spbe_cli.diff.prose import _EXPANDED_LIMIT, expand_partials

    own = {f"_{i}.j2": f'{{% include "_{i + 1}.j2" %}}\n' * 10 + "x" * 100 for i in range(10)}
    assert len(expand_partials('{% include "_0.j2" %}', own.get)) < 2 * _EXPANDED_LIMIT


def test_a_hostile_partial_ends_in_bounded_time() -> None:
    """Many macros and imports never closed: the expressions that read them took cubic (and
    quadratic) time, a partial of 15 KB 44 s. Now each is read in one pass."""
    import time

    from spbe_cli.diff.prose import expand_partials

    own = {"_m.j2": '{{ prosa("x") }}' + "{% macro a() %}" * 30_000}
    started = time.process_time()  # CPU time: a bound on the work, not on a busy runner
    text = '{% import "_m.j2" as m %}{{ m.a() }}\n{% from "_m.j2" import a' + " " * 300_000
    assert expand_partials(text, own.get) == text  # no macro ends: nothing to place
    text = "{% include [" * 100_000
    assert expand_partials(text, own.get) == text  # no list of names closed: nothing to include
    assert time.process_time() - started < 5
    # Headings are read from the Pemda's template too: a line of spaces, code never closed.
    from spbe_cli.diff.prose import heading_title, section_places

    started = time.process_time()  # CPU time: a bound on the work, not on a busy runner
    hostile = "## A" + " " * 300_000 + "{%" * 150_000 + '\n{{ prosa("x") }}\n'
    assert section_places({"masterplan.j2": hostile}.get)["x"]["masterplan"].line == 2
    assert time.process_time() - started < 5
    assert heading_title("{{ n }}. {% if a %}Latar{% endif %} {# x #} Belakang") == (
        "Latar Belakang"
    )
    # What a partial does define is still placed after the call that prints it.
    own = {"_m.j2": '{% macro a(x=")") -%}\n{{ prosa("x") }}\n{%- endmacro %}'}
    imported = '{% import "_m.j2" as m %}\n{{ m.a() }}'
    for used in (imported, '{% from "_m.j2" import a %}\n{{ a() }}'):
        assert expand_partials(used, own.get).endswith('\n{{ prosa("x") }}\n'), used


def test_a_section_no_template_prints_says_no_document(repo: Path) -> None:
    """The Pemda's own template prints no such section: "no document", not "no built-in one".

    The documents are written from the Pemda's own template where there is one, so "not
    printed by the built-in templates" pointed at the wrong file.
    """
    write_tree(
        repo,
        {
            "catalog/templates/masterplan.j2": "# Master Plan\n",
            "catalog/prosa/catatan.md": "Catatan untuk tim.\n",
        },
    )
    edit(repo / META, "versi_skema: 1\n", "versi_skema: 1\nprosa:\n  catatan: prosa/catatan.md\n")
    commit(repo, "prosa")
    git(repo, "tag", "v2")
    edit(repo / "catalog/prosa/catatan.md", "tim", "tim penyusun")
    commit(repo, "catatan diubah")
    out = run("v2", "HEAD")[1]
    assert (
        "  ~ bagian catatan → tidak dicetak dokumen mana pun (HEAD:catalog/prosa/catatan.md)\n"
        in (out)
    )


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("prosa/latar.md", "prosa/latar.md"),
        ("./prosa//latar.md", "prosa/latar.md"),
        # refused by SPBE208 (validate, and a revision's prose): no prose for the diff either
        ("prosa/../latar.md", None),
        ("../luar.md", None),
        ("/etc/passwd", None),
        ("C:/Users/staf/latar.md", None),
        ("prosa\\latar.md", None),
        (".git/config", None),
        ("", None),
    ],
)
def test_diff_reads_prose_by_the_rule_validate_refuses_names_by(
    written: str, read: str | None
) -> None:
    """One rule for a prose name read without a folder (files.revision_path): diff.prose had
    its own, which read ``prosa/../latar.md`` and ``C:/...`` that validate refuses."""
    from spbe_cli.diff.prose import inside
    from spbe_cli.files import revision_path, written_path_problem

    assert inside(written) == read
    if written:
        assert revision_path(written)[0] == read
        refused = written_path_problem(written) is not None or ".git" in written.split("/")
        assert refused == (read is None)
