"""Budget figures in the documents come from spbe_cli/plan.py and carry the illustrative mark."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from spbe_cli.plan import Amount
from spbe_cli.render.engine import rupiah_tanda
from spbe_cli.render.pipeline import RenderOptions, render_catalog
from tests.helpers import CASES

SMALL = CASES / "render" / "small"


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    """The small catalog with one program's and one Peta Rencana item's budget illustrative."""
    root = Path(shutil.copytree(SMALL, tmp_path / "catalog", symlinks=True))
    program = root / "program" / "branding.yaml"
    text = program.read_text("utf-8")
    program.write_text(
        text.replace(
            "{tahun: 2025, nilai: 250000000, sumber: APBD}",
            "{tahun: 2025, nilai: 250000000, sumber: APBD, ilustratif: true}",
        ),
        "utf-8",
    )
    item = root / "peta-rencana" / "layanan.yaml"
    text = item.read_text("utf-8")
    assert "ilustratif" not in text
    item.write_text(text + "ilustratif: true\n", "utf-8")
    return root


def _render(catalog: Path, out: Path, doc: str) -> str:
    outcome = render_catalog(
        RenderOptions(catalog=catalog, out=out, docs=[doc], formats=["md"], display="catalog")
    )
    assert outcome.written, outcome
    return (out / f"{doc}.md").read_text("utf-8")


def _rows(md: str, first_cell: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith(f"| {first_cell} ")]


def test_rupiah_marks_an_illustrative_amount_only() -> None:
    assert rupiah_tanda(Amount(1500, 250)) == "Rp 1.500 †"
    assert rupiah_tanda(Amount(1500, 0)) == "Rp 1.500"
    assert rupiah_tanda(1500) == "Rp 1.500"
    assert not Amount()  # an empty figure shows as "-" where a template says so


def test_masterplan_marks_every_figure_summing_an_illustrative_line(
    marked: Path, tmp_path: Path
) -> None:
    md = _render(marked, tmp_path / "out", "masterplan")
    # the dimension of the program, the total and the budget per year, source and dimension
    assert _rows(md, "Smart Branding")[0].endswith("| Rp 250.000.000 † |")
    assert _rows(md, "Smart Economy")[0].endswith("| Rp 250.000.000 |")  # official: unmarked
    assert "total anggaran indikatif Rp 1.500.000.000 †." in md
    # every total over the catalog (Jumlah rows of each budget table) sums the marked line
    assert len(re.findall(r"Rp 1\.500\.000\.000 †", md)) >= 6
    assert not re.search(r"Rp 1\.500\.000\.000(?! †)", md)
    assert "| 2025 | Rp 1.500.000.000 † |" in md  # the budget per year
    assert "| Anggaran | Rp 250.000.000 † (2025: Rp 250.000.000 †) |" in md


def test_peta_rencana_marks_the_item_budget_computed_by_plan(marked: Path, tmp_path: Path) -> None:
    md = _render(marked, tmp_path / "out", "peta-rencana")
    marked_rows = [line for line in md.splitlines() if re.search(r"Rp [\d.]+ †", line)]
    assert marked_rows, "no budget figure of the illustrative item is marked"
    assert any(row.startswith("| **Jumlah**") for row in marked_rows)


def test_context_no_longer_re_exports_plan_arithmetic() -> None:
    from spbe_cli.render import context

    assert not hasattr(context, "budget_by_year")
    assert not hasattr(context, "total_budget")


def test_document_contexts_are_frozen_typed_objects(marked: Path) -> None:
    import ast
    import dataclasses
    import inspect

    from spbe_cli.render import pipeline
    from spbe_cli.render.context import RenderInput
    from spbe_cli.render.documents import arsitektur, laporan, masterplan, peta_rencana
    from spbe_cli.render.registry import context_values
    from spbe_cli.validate import validate_catalog

    catalog, _ = validate_catalog(marked, "catalog")
    inp = RenderInput(catalog)
    for module, kind in (
        (masterplan, masterplan.MasterplanContext),
        (peta_rencana, peta_rencana.PetaRencanaContext),
    ):
        built = module.build(inp)
        assert isinstance(built, kind)
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.years = []  # type: ignore[misc]
        values = context_values(built)
        assert set(values) == {f.name for f in dataclasses.fields(kind)}
        assert isinstance(values["anggaran"].total, Amount)
    for module, kind in (
        (arsitektur, arsitektur.ArsitekturContext),
        (laporan, laporan.LaporanContext),
    ):
        built = module.build(inp)
        assert isinstance(built, kind)
        assert set(context_values(built)) == {f.name for f in dataclasses.fields(kind)}
    # a builder handing over a mapping (a catalog extension, say) is read the same way
    assert context_values({"x": 1}) == {"x": 1}
    # the named steps stay short: no function of the builders or of render_files over 45 lines
    for module in (masterplan, peta_rencana, arsitektur, pipeline):
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.end_lineno is not None:
                assert node.end_lineno - node.lineno < 45, f"{module.__name__}.{node.name}"


def test_prose_is_what_the_loading_stage_read(tmp_path: Path) -> None:
    from spbe_cli.catalog import ProseFile
    from spbe_cli.render.prose import Prose

    # no file on disk: the text comes from Catalog.prose, never from a second read
    prose = Prose(
        {
            "latar": ProseFile("prosa/latar.md", None, "# Judul\n\nIsi latar.", None),
            "rusak": ProseFile("../luar.md", None, None, "ref.prose_outside"),
        }
    )
    assert prose.text("latar") == "Isi latar."
    assert prose.text("rusak") is None and not prose.has("rusak")
    assert prose.text("tidak-ada") is None
