"""``spbe list``, ``spbe show``, ``spbe graph`` on the minimal, bundled and hostile catalogs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spbe_cli import i18n
from spbe_cli.cli.app import app
from spbe_cli.explore import build_graph, dot_text, mermaid_text, to_dot, to_mermaid
from spbe_cli.loader import load_catalog
from tests.helpers import CASES, MINIMAL, add_evidence, write_tree

runner = CliRunner()
KNOWN = CASES / "progress" / "known" / "catalog"
BUNDLED = Path(__file__).resolve().parent.parent / "catalog"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_programs_with_filters() -> None:
    code, out, _ = invoke("list", "program", "-c", str(KNOWN), "--opd", "DISKOMINFO")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "Name", "OPD", "Category", "Status", "Year"]
    assert [line.split()[0] for line in lines[2:]] == ["SC-GOV-01", "SC-GOV-02"]
    code, out, _ = invoke("list", "program", "-c", str(KNOWN), "--tahun", "2025", "-f", "json")
    data = json.loads(out)
    assert [e["id"] for e in data["entitas"]] == ["SC-ECO-01", "SC-GOV-01", "SC-LIV-01"]
    assert data["entitas"][0]["tahun"] == "2025"
    code, out, _ = invoke(
        "list",
        "program",
        "-c",
        str(KNOWN),
        "--status",
        "dibatalkan",
        "--dimensi",
        "environment",
        "-f",
        "json",
    )
    assert [e["id"] for e in json.loads(out)["entitas"]] == ["SC-ENV-01"]


def test_list_usage_errors() -> None:
    code, _, err = invoke("list", "programs", "-c", str(KNOWN))
    assert code == 2
    assert "did you mean program?" in err
    code, _, err = invoke("list", "opd", "-c", str(KNOWN), "--dimensi", "living")
    assert code == 2
    assert "--dimensi does not apply to kind opd" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Each was an empty table with exit 0, which reads as "nothing there".
        (("aplikasi", "--status", "operasinal"), "status 'operasinal' does not exist for kind"),
        (("aplikasi", "--status", "operasinal"), "did you mean operasional?"),
        (("program", "--status", "Berjalan"), "choices: usulan, berjalan, selesai"),
        (("opd", "--status", "aktif"), "--status does not apply to kind opd"),
        (("program", "--opd", "DISKOMNFO"), "OPD 'DISKOMNFO' is not in the catalog"),
        (("program", "--dimensi", "smart"), "unknown dimension 'smart'"),
    ],
)
def test_list_refuses_a_filter_value_that_cannot_match(args: tuple[str, ...], message: str) -> None:
    code, out, err = invoke("list", *args, "-c", str(KNOWN))
    assert code == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # A hint joins its message with "; " (errors.with_hint), never ". " and a lower-case
        # sentence; without one the message ends there, with no dangling ". ".
        (("show", "sc-01"), "id 'sc-01' is not in the catalog; did you mean SC-01?"),
        (("show", "XYZ"), "id 'XYZ' is not in the catalog"),
        (
            ("list", "progam"),
            "unknown kind 'progam'; one of: opd, regulasi, proses_bisnis, data_informasi, layanan, "
            "aplikasi, infrastruktur, keamanan, program, peta_rencana, kesiapan, evaluasi_mandiri; "
            "did you mean program?",
        ),
        (
            ("list", "program", "--opd", "diskominfo"),
            "OPD 'diskominfo' is not in the catalog; did you mean DISKOMINFO?",
        ),
        (("list", "program", "--opd", "XYZ"), "OPD 'XYZ' is not in the catalog"),
    ],
)
def test_a_did_you_mean_hint_joins_its_message_one_way(args: tuple[str, ...], said: str) -> None:
    code, out, err = invoke(*args, "-c", str(MINIMAL))
    assert (code, out) == (2, "")
    assert err == f"spbe: {said}\n"


def test_list_help_names_every_kind() -> None:
    from spbe_cli.models import ENTITY_KINDS

    _, out, _ = invoke("list", "--help")
    assert all(kind in " ".join(out.split()) for kind in ENTITY_KINDS)


def test_show_every_field_and_users() -> None:
    code, out, _ = invoke("show", "DISKOMINFO", "-c", str(MINIMAL))
    assert code == 0
    assert out.startswith("opd DISKOMINFO: Dinas Komunikasi dan Informatika\n")
    assert "urusan:\n- '2.16'\n" in out
    assert "Used by (" in out
    assert re.search(r"program/governance\.yaml:6:9: SC-01 \(program, opd_pj\)", out)
    code, out, _ = invoke("show", "SC-01", "-c", str(MINIMAL), "-f", "json")
    data = json.loads(out)
    assert data["field"]["indikator"][0]["target"] == {"2026": 50, "2027": 80}
    assert data["field"]["horizon"] == "menengah"
    assert [r["id"] for r in data["merujuk_ke"]] == ["DISKOMINFO", "PERBUP-SC"]


def _with_evidence(tmp_path: Path) -> Path:
    return add_evidence(shutil.copytree(MINIMAL, tmp_path / "catalog"))


def test_show_lists_every_reference_as_validate_and_diff_see_them(tmp_path: Path) -> None:
    """`spbe show` read the references itself: a self-assessment's bukti were neither "used
    by" nor "refers to", a list item had no position (``mengubah``) and the metadata's was
    written ``tata_kelola.opd_anggota.0``; now one walk (links.references_to) for all, each
    field written as `spbe diff` writes it, with file:line:column."""
    root = _with_evidence(tmp_path)
    code, out, _ = invoke("show", "LAY-01", "-c", str(root))
    assert code == 0
    used = out.split("Used by (2):\n", 1)[1].splitlines()
    assert [line.split(": ", 1)[1] for line in used] == [
        "EM (evaluasi_mandiri, penilaian[1].bukti[0]) EM",
        "PR-LY (peta_rencana, mengubah[0]) Butir layanan",
    ]
    assert used[0].endswith("em.yaml:8:13: EM (evaluasi_mandiri, penilaian[1].bukti[0]) EM")
    assert "peta-rencana/layanan.yaml:13:12: PR-LY" in used[1]
    code, out, _ = invoke("show", "DISKOMINFO", "-c", str(root), "-f", "json")
    data = json.loads(out)
    cited = [(r["jenis"], r["id"], r["field"], r["line"]) for r in data["digunakan_oleh"]]
    assert ("evaluasi_mandiri", "EM", "penilaian[1].bukti[1]", 8) in cited
    # path, line and column as the text gives them (the JSON had no column)
    places = {(r["id"], r["field"]): (r["line"], r["column"]) for r in data["digunakan_oleh"]}
    assert places[("EM", "penilaian[1].bukti[1]")] == (8, 13 + len("LAY-01, "))
    assert places[("metadata", "tata_kelola.opd_anggota[0]")][0] == 28
    assert all(r["column"] >= 1 for r in data["digunakan_oleh"])
    assert ("metadata", "metadata", "tata_kelola.opd_anggota[0]", 28) in cited
    meta = next(r for r in data["digunakan_oleh"] if r["jenis"] == "metadata")
    assert meta["nama"] == "Kabupaten Mimika" and meta["path"].endswith("metadata.yaml")
    code, out, _ = invoke("show", "EM", "-c", str(root), "-f", "json")
    refers = json.loads(out)["merujuk_ke"]
    assert [(r["field"], r["id"], r["jenis"]) for r in refers] == [
        ("penilaian[1].bukti[0]", "LAY-01", "layanan"),
        ("penilaian[1].bukti[1]", "DISKOMINFO", "opd"),
    ]
    assert [(r["line"], r["column"]) for r in refers] == [(8, 13), (8, 13 + len("LAY-01, "))]
    assert (json.loads(out)["line"], json.loads(out)["column"]) == (1, 1)


def test_graph_draws_the_evidence_of_a_self_assessment(tmp_path: Path) -> None:
    """The evaluation was a node without links: its bukti are links like any other."""
    catalog, _ = load_catalog(_with_evidence(tmp_path))
    graph = build_graph(catalog, "LAY-01", 1)
    assert ("EM", "LAY-01", "penilaian.bukti") in graph.edges
    assert ("EM", "DISKOMINFO", "penilaian.bukti") in build_graph(catalog).edges
    code, out, _ = invoke("graph", "EM", "-c", str(tmp_path / "catalog"), "-f", "dot")
    assert code == 0 and '"EM" -> "LAY-01" [label="penilaian.bukti"];' in out


def test_show_unknown_id() -> None:
    code, out, err = invoke("show", "sc-01", "-c", str(MINIMAL))
    assert code == 2
    assert out == ""
    assert "did you mean SC-01?" in err


def test_graph_around_an_element() -> None:
    code, out, _ = invoke("graph", "APP-01", "-c", str(MINIMAL), "--depth", "1", "-f", "dot")
    assert code == 0
    assert out.startswith("digraph spbe {\n")
    assert '"LAY-01" -> "APP-01" [label="aplikasi"];' in out
    assert '"APP-01" -> "INFRA-01" [label="infrastruktur"];' in out
    assert '"SC-01"' not in out  # two steps away
    code, out2, _ = invoke("graph", "APP-01", "-c", str(MINIMAL), "--depth", "2")
    assert out2.startswith("flowchart LR\n")
    assert "SC-01" in out2  # APP-01 -> DISKOMINFO <- SC-01
    code, out0, _ = invoke("graph", "APP-01", "-c", str(MINIMAL), "--depth", "0")
    assert out0.count('["') == 1


def test_graph_whole_catalog() -> None:
    catalog, _ = load_catalog(MINIMAL)
    graph = build_graph(catalog)
    assert len(graph.nodes) == len(catalog)
    assert ("SC-01", "DISKOMINFO", "opd_pj") in graph.edges


def test_hostile_text_cannot_break_the_syntax(tmp_path: Path) -> None:
    evil = 'x"] --> n0["y`<b>#1;\\n{}|;'
    root = write_tree(
        tmp_path / "c",
        {
            "metadata.yaml": (KNOWN.parent / "catalog" / "metadata.yaml").read_text(
                encoding="utf-8"
            ),
            "opd.yaml": f"entitas: opd\nid: A\nnama: {json.dumps(evil)}\njenis: dinas\n",
            "opd2.yaml": (
                "entitas: opd\nid: B\n"
                "nama: 'line\\nbreak \"quoted\" \\\\'\njenis: dinas\ninduk: A\n"
            ),
        },
    )
    catalog, findings = load_catalog(root)
    assert not findings
    graph = build_graph(catalog, "A", 1)
    mermaid = to_mermaid(graph)
    for line in mermaid.splitlines()[1:]:
        if "[" in line:
            assert re.fullmatch(r'  n\d+\["[A-Za-z0-9 ,.:/_()#;<>-]*"\]', line), line
            inner = line.split('["', 1)[1][:-2]
            assert '"' not in inner and "[" not in inner and "]" not in inner
    assert "#34;" in mermaid and "#93;" in mermaid  # '"' and ']' as entity codes
    dot = to_dot(graph)
    assert '\\"quoted\\"' in dot and "\\\\" in dot
    for line in dot.splitlines():
        if "label=" in line:
            assert re.fullmatch(r'  "[^"\\]*(?:\\.[^"\\]*)*"( -> "[^"\\]*")? \[.*\];', line), line


def test_escapers() -> None:
    assert mermaid_text('a"b') == "a#34;b"
    assert mermaid_text("ok (1/2), a.b:c_d-e") == "ok (1/2), a.b:c_d-e"
    assert dot_text('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


@pytest.mark.skipif(not (BUNDLED / "metadata.yaml").exists(), reason="bundled catalog not there")
def test_show_and_graph_on_the_bundled_catalog() -> None:
    catalog, _ = load_catalog(BUNDLED, "catalog")
    opds = sorted(i for i, k in catalog.kinds.items() if k == "opd")
    assert opds, "the bundled catalog has OPDs"
    target = "DISKOMINFO" if "DISKOMINFO" in opds else opds[0]
    code, out, _ = invoke("show", target, "-c", str(BUNDLED))
    assert code == 0
    assert out.startswith(f"opd {target}: ")
    assert "Used by (" in out
    code, out, _ = invoke("graph", target, "-c", str(BUNDLED), "-f", "mermaid")
    assert code == 0 and out.startswith("flowchart LR\n")
    code, out, _ = invoke("graph", "-c", str(BUNDLED), "-f", "dot")
    assert code == 0 and out.rstrip().endswith("}")


@pytest.mark.skipif(not (BUNDLED / "metadata.yaml").exists(), reason="bundled catalog not there")
def test_whole_bundled_catalog_as_mermaid_is_grouped_within_mermaids_limits() -> None:
    from spbe_cli.explore import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT

    catalog, _ = load_catalog(BUNDLED, "catalog")
    full = build_graph(catalog)
    assert len(full.edges) > MERMAID_MAX_EDGES  # 749 links: Mermaid refuses to draw it whole
    code, out, err = invoke("graph", "-c", str(BUNDLED))
    assert code == 0
    assert "--format dot" in err and str(len(full.edges)) in err
    assert out.startswith("flowchart LR\n")
    assert len(out) <= MERMAID_MAX_TEXT
    edges = [line for line in out.splitlines() if "-->" in line]
    assert 0 < len(edges) <= MERMAID_MAX_EDGES
    kinds = {kind for _id, kind, _label in full.nodes}
    assert out.count('["') == len(kinds)  # one node per kind
    assert "program<br/>" in out
    # the count of each kind is shown; the sum of grouped links is every link
    counts = [int(n) for n in re.findall(r"\((\d+)\)\"\|", out)]
    assert sum(counts) == len(full.edges)
    # dot has no such limit: the whole graph, and no note
    code, dot, err = invoke("graph", "-c", str(BUNDLED), "-f", "dot")
    assert code == 0 and err == "" and dot.count(" -> ") == len(full.edges)


def test_group_graph_counts_entities_and_links() -> None:
    from spbe_cli.explore import Graph, group_graph

    graph = Graph(
        nodes=[("A", "opd", "a"), ("P1", "program", "p"), ("P2", "program", "q")],
        edges=[("P1", "A", "opd_pj"), ("P2", "A", "opd_pj"), ("P2", "P1", "prasyarat")],
    )
    grouped = group_graph(graph)
    assert grouped.nodes == [("opd", "opd", "1 entity"), ("program", "program", "2 entities")]
    with i18n.use_language("id"):
        assert group_graph(graph).nodes[1] == ("program", "program", "2 entitas")
    assert grouped.edges == [
        ("program", "opd", "opd_pj (2)"),
        ("program", "program", "prasyarat (1)"),
    ]


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("prg-admin", "PRG-ADMINDUK-DISTRIK"),  # difflib said PRG-BRANDING-MRK (closer length)
        ("PRG-ADMINDUK", "PRG-ADMINDUK-DISTRIK"),
        ("prg-adminduk-distrik", "PRG-ADMINDUK-DISTRIK"),  # the same id in another case
        ("PRG-BRANDNG-MRK", "PRG-BRANDING-MRK"),  # a typo: the closest spelling, as before
        ("pr", None),  # too short to mean one id
    ],
)
def test_the_hint_names_the_one_id_a_word_begins(word: str, meant: str | None) -> None:
    from spbe_cli.similarity import closest

    ids = ["PRG-ADMINDUK-DISTRIK", "PRG-BRANDING-MRK", "PRG-BANK-SAMPAH", "APL-SPSE"]
    assert closest(word, ids) == meant


def test_show_offers_the_id_its_beginning_names() -> None:
    code, out, err = invoke("show", "prg-adminduk", "-c", str(BUNDLED))
    assert (code, out) == (2, "")
    assert (
        err == "spbe: id 'prg-adminduk' is not in the catalog; did you mean PRG-ADMINDUK-DISTRIK?\n"
    )
