"""``spbe validate`` (SPBE409) and ``spbe sync`` compare the same applications, the same way.

One home (:func:`spbe_cli.sync.candidates`): the Pemda's applications in use, words of
``fungsi`` or, when it is empty, of ``uraian``; one without ``pemilik`` is the Pemda's as a whole
and is paired with any OPD's look-alike, never with another application without ``pemilik``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from spbe_cli.checks import run_checks
from spbe_cli.cli.app import app
from spbe_cli.loader import load_catalog
from spbe_cli.sync import find_overlaps
from tests.helpers import write_tree
from tests.test_sync import OVERLAPS

runner = CliRunner()

#: APP-D1 (OPD-A, fungsi) and APP-D2 (no pemilik, no fungsi, its uraian says the same): a pair
#: by the function's words. APP-D3 (no pemilik) shares APP-D2's name: no pair between two
#: applications of the Pemda as a whole.
LOKET = """\
entitas: aplikasi
id: APP-D1
nama: Antrean Puskesmas
raa: RAA.03.01
kategori: khusus
pemilik: OPD-A
fungsi: mendaftarkan pasien rawat jalan puskesmas
---
entitas: aplikasi
id: APP-D2
nama: Loket Pasien Mandiri
raa: RAA.03.01
kategori: khusus
uraian: mendaftarkan pasien rawat jalan puskesmas
---
entitas: aplikasi
id: APP-D3
nama: Loket Pasien Mandiri
raa: RAA.03.01
kategori: khusus
"""


def _catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(OVERLAPS, root)
    return write_tree(root, {"loket.yaml": LOKET})


def test_validate_and_sync_pair_the_same_applications(tmp_path: Path) -> None:
    root = _catalog(tmp_path)
    catalog, load_findings = load_catalog(root, "catalog")
    assert not load_findings
    found = [f for f in run_checks(catalog, halves=False) if f.code == "SPBE409"]
    at = {}
    for app_id in catalog.ids_of("aplikasi"):
        place = catalog.where(app_id, "id")
        at[place.path, place.line] = app_id
    validate_pairs = {
        (
            at[f.related[0].location.path, f.related[0].location.line],
            at[f.location.path, f.location.line],
        )
        for f in found
    }
    sync_pairs = {(o.first.id, o.second.id) for o in find_overlaps(catalog) if o.kind == "aplikasi"}
    # An ownerless application with its uraian for a fungsi, paired with an OPD's by both.
    assert ("APP-D1", "APP-D2") in validate_pairs
    assert ("APP-D1", "APP-D2") in sync_pairs
    # Two applications of the Pemda as a whole: no pair in either.
    assert ("APP-D2", "APP-D3") not in validate_pairs | sync_pairs
    # Whatever validate finds among applications (one RAA code, the full threshold), sync finds.
    assert validate_pairs <= sync_pairs


def test_the_ownerless_pair_is_pinned_and_named_in_both_commands(tmp_path: Path) -> None:
    root = _catalog(tmp_path)
    catalog, _ = load_catalog(root, "catalog")
    found = run_checks(catalog, halves=False)
    [finding] = [f for f in found if f.code == "SPBE409" and "APP-D2" in f.message]
    assert (finding.location.path, finding.location.line, finding.location.column) == (
        "catalog/loket.yaml",
        10,
        5,
    )
    assert finding.message.startswith(
        "APP-D2 (the Pemda, no owning OPD) looks like APP-D1 (OPD-A): same group RAA.03.01, "
        "functions 100% similar"
    )
    assert (finding.related[0].location.line, finding.related[0].location.column) == (2, 5)

    text = runner.invoke(app, ["--lang", "id", "sync", str(root)])
    assert text.exit_code == 0
    assert "APP-D1 (OPD-A) dan APP-D2 (Pemda, tanpa OPD pemilik) tampak sama:" in text.stdout
    assert "loket.yaml:10:5: APP-D2 (Pemda, tanpa OPD pemilik) Loket Pasien Mandiri" in text.stdout
    markdown = runner.invoke(app, ["sync", str(root), "--format", "markdown"])
    assert "| APP-D1 (OPD-A) | APP-D2 (the Pemda, no owning OPD) |" in markdown.stdout
    # JSON keeps the owner as it is in the catalog: none.
    document = json.loads(runner.invoke(app, ["sync", str(root), "--format", "json"]).stdout)
    [pair] = [p for p in document["pasangan"] if p["kedua"]["id"] == "APP-D2"]
    assert pair["pertama"]["opd"] == "OPD-A"
    assert (pair["kedua"]["opd"], pair["kedua"]["line"], pair["kedua"]["column"]) == ("", 10, 5)
