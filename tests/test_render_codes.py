"""Documents mark illustrative († ) and inferred (‡) reference codes, and budget code levels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spbe_cli.render.pipeline import RenderOptions, render_catalog

CATALOG = Path(__file__).parent.parent / "catalog"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("codes")
    outcome = render_catalog(
        RenderOptions(
            catalog=CATALOG,
            out=out,
            docs=["arsitektur", "peta-rencana"],
            formats=["md"],
            display="catalog",
        )
    )
    assert outcome.written
    return {doc: (out / f"{doc}.md").read_text("utf-8") for doc in ("arsitektur", "peta-rencana")}


def _code_cells(md: str, prefix: str) -> list[str]:
    """The first cell of every table row holding a reference code of one prefix."""
    return [
        line.split("|")[1].strip() for line in md.splitlines() if line.startswith(f"| {prefix}.")
    ]


def test_every_code_cell_is_marked_by_its_reference_status(bundled: dict[str, str]) -> None:
    from spbe_cli.validate import validate_catalog

    catalog, _ = validate_catalog(CATALOG, "catalog")
    expected = {"ilustratif": " †", "inferensi": " ‡"}
    seen = set()
    for prefix in ("RAB", "RAD", "RAL", "RAA", "RAI", "RAK"):
        for cell in _code_cells(bundled["arsitektur"], prefix):
            code = cell.split()[0]
            status = catalog.reference.node_status(code)
            assert cell == code + expected.get(status or "", ""), (cell, status)
            seen.add(status)
    assert {"ilustratif", "inferensi", "nasional"} <= seen


def test_the_sia_appendix_marks_its_codes_too(bundled: dict[str, str]) -> None:
    appendix = bundled["arsitektur"].split("METADATA SIA-SPBE SETIAP ELEMEN\n", 1)[1]
    assert "Kode RAI: RAI.01 †;" in appendix
    assert "Kode RAD: RAD.02 ‡;" in appendix
    assert not re.search(r"Kode RA[A-Z]: (RAI\.0[123]|RAK\.0[123]|RAD\.0\d|RAL\.0[12]);", appendix)


@pytest.mark.parametrize("code", ["RAI.01", "RAK.01"])
def test_illustrative_codes_rai_rak_are_marked(bundled: dict[str, str], code: str) -> None:
    assert f"| {code} † |" in bundled["arsitektur"]


@pytest.mark.parametrize("code", ["RAL.01", "RAL.02", "RAD.02"])
def test_inferred_codes_are_marked(bundled: dict[str, str], code: str) -> None:
    assert f"| {code} ‡ |" in bundled["arsitektur"]


def test_marks_are_explained_once_on_the_cover_and_in_the_colophon(
    bundled: dict[str, str],
) -> None:
    md = bundled["arsitektur"]
    assert md.count("Tanda ‡ menandai kode referensi hasil inferensi") == 1
    assert md.count("Kode referensi bertanda ‡ adalah simpul hasil inferensi") == 1
    # documents that show no reference code do not explain the mark
    assert "‡" not in bundled["peta-rencana"]


def test_budget_codes_above_sub_kegiatan_show_their_level(bundled: dict[str, str]) -> None:
    md = bundled["peta-rencana"]
    # The level follows the code, the name the level (the name is what a reader looks for).
    kegiatan = "Pengelolaan E-Government di Lingkup Pemerintah Daerah Kabupaten/Kota"
    assert f"| 2.16.03.2.02 (kegiatan) {kegiatan} |" in md
    assert "| 4.01 (bidang urusan) Unsur Sekretariat Daerah (kode program" in md
    assert "| 2.16.03.2.02 |" not in md and "| 2.16.03.2.02 (kegiatan) |" not in md


def test_marked_codes_stay_code_columns() -> None:
    from spbe_cli.render.document import _kind

    assert _kind("Kode", ["RAL.01 ‡", "RAI.02 †", "RAB.01.02"]) == "code"
    assert _kind("Sub kegiatan", ["2.16.03.2.02 (kegiatan)", "4.01 (bidang urusan)"]) == "code"
    assert _kind("Nama", ["Data pokok †", "Aplikasi"]) == "text"


def test_signature_block_without_penetapan_names_the_pemdas_head() -> None:
    from spbe_cli.models.organisasi import Pemda
    from spbe_cli.render.engine import make_environment
    from spbe_cli.render.pipeline import BUILTIN_DISPLAY, builtin_templates
    from spbe_cli.render.plain import Plainer

    env = make_environment([(builtin_templates(), BUILTIN_DISPLAY)], "md", sandboxed=False)
    template = env.from_string('{% import "_dokumen.j2" as dok %}{{ dok.pengesahan(pemda) }}')
    kota = Pemda(nama="Kota Bandung", jenis="kota", kode_kemendagri="32.73")
    text = template.render(pemda=Plainer()(kota))
    assert "WALI KOTA BANDUNG," in text
    assert "BUPATI" not in text
