"""``spbe init`` and ``spbe new``: a new repository validates clean, its CI files parse and call
the right commands, nothing is ever overwritten, and a new entity validates once filled in."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from spbe_cli import scaffold, schema, yamlio
from spbe_cli.checks import run_checks
from spbe_cli.cli.app import app
from spbe_cli.errors import Severity
from spbe_cli.loader import load_catalog
from spbe_cli.models import ENTITY_KINDS
from spbe_cli.validate import validate_catalog
from tests.test_schema import editor_documents

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def init(target: Path, *extra: str, pemda: str = "Kabupaten Mimika", kode: str = "94.04") -> Any:
    return runner.invoke(app, ["init", str(target), "--pemda", pemda, "--kode", kode, *extra])


def plain(text: str) -> Any:
    """Parse YAML with spbe's own reader: every scalar stays text, ``on:`` stays a key."""
    nodes, problems = yamlio.compose(text)
    assert not problems and len(nodes) == 1, problems
    value, problems = yamlio.build(nodes[0], text)
    assert not problems, problems
    return value


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("init") / "katalog-mimika"
    result = init(target)
    assert result.exit_code == 0, result.output
    return target


# -- spbe init -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pemda", "kode", "zona"),
    [
        ("Kabupaten Mimika", "94.04", "WIT"),
        ("Kota Bandung", "32.73", "WIB"),
        ("Kota Makassar", "73.71", "WITA"),
        ("Provinsi Kalimantan Timur", "64", "WITA"),
        ("Kabupaten Contoh", "99.01", None),
    ],
)
def test_init_writes_the_pemdas_time_zone_from_its_province(
    tmp_path: Path, pemda: str, kode: str, zona: str | None
) -> None:
    """``pemda.zona_waktu`` (the date of ``spbe progress``'s "today") follows the province's
    zone (Keppres 41/1987); a province code spbe does not know leaves it out (UTC, said so)."""
    result = init(tmp_path / "repo", pemda=pemda, kode=kode)
    assert result.exit_code == 0, result.output
    metadata = plain((tmp_path / "repo" / "catalog" / "metadata.yaml").read_text("utf-8"))
    assert metadata["pemda"].get("zona_waktu") == zona


@pytest.mark.parametrize(
    ("pemda", "kode", "jenis"),
    [
        ("Kabupaten Mimika", "94.04", "kabupaten"),
        ("Kabupaten Nabire", "94.01", "kabupaten"),
        ("Provinsi Papua Tengah", "94", "provinsi"),
        ("Kota X", "99.71", "kota"),
        ("Provinsi X", "99", "provinsi"),
    ],
)
def test_new_repository_validates_clean(tmp_path: Path, pemda: str, kode: str, jenis: str) -> None:
    result = init(tmp_path, pemda=pemda, kode=kode)
    assert result.exit_code == 0, result.output
    # A code the bundled region data does not hold gets a note, nothing else.
    assert all(line.startswith("note: ") for line in result.stderr.splitlines()), result.stderr
    assert (result.stderr == "") == kode.startswith("94")
    catalog, report = validate_catalog(tmp_path / "catalog")
    assert report.errors == 0 and report.warnings == 0, [str(f) for f in report.findings]
    # The only notes are the two illustrative reference codes, which a Pemda must replace.
    assert {f.code for f in report.findings} <= {"SPBE210"}
    assert catalog.metadata is not None
    assert catalog.metadata.pemda.nama == pemda
    assert catalog.metadata.pemda.jenis == jenis
    assert catalog.metadata.pemda.kode_kemendagri == kode
    assert int(runner.invoke(app, ["validate", str(tmp_path / "catalog")]).exit_code) == 0
    # The regional regulation that enacts the Arsitektur is of the Pemda's own kind.
    perkada = catalog.get("PERKADA-ARSITEKTUR-SPBE")
    expected = {"kabupaten": ("Perbup", "Bupati"), "kota": ("Perwali", "Wali Kota")}
    jenis_regulasi, kepala = expected.get(jenis, ("Pergub", "Gubernur"))
    assert perkada.jenis == jenis_regulasi
    assert catalog.metadata.pemda.kepala_daerah == kepala
    assert catalog.metadata.dokumen.arsitektur.penetapan == "PERKADA-ARSITEKTUR-SPBE"


def test_examples_are_marked_as_examples(repo: Path) -> None:
    catalog, _ = load_catalog(repo / "catalog")
    assert len(catalog) >= 20
    for entity_id, entity in catalog.entities.items():
        # National regulations are real for every Pemda; everything else is an example.
        assert entity.ilustratif or catalog.kinds[entity_id] == "regulasi", entity_id
    for path in (repo / "catalog").rglob("*.yaml"):
        assert "[ISI" not in path.read_text(encoding="utf-8"), path


def test_layout_and_readme(repo: Path) -> None:
    for rel in (
        "README.md",
        ".gitignore",
        ".github/workflows/spbe.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        ".vscode/extensions.json",
        "catalog/metadata.yaml",
        "schema/spbe-katalog.schema.json",
    ):
        assert (repo / rel).is_file(), rel
    for kind in ENTITY_KINDS:
        assert (repo / "catalog" / kind).is_dir(), kind
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Katalog SPBE Kabupaten Mimika")
    assert "spbe validate catalog" in readme
    assert "@@" not in readme


def test_the_years_follow_the_first_year(tmp_path: Path) -> None:
    assert init(tmp_path, "--tahun", "2027").exit_code == 0
    catalog, report = validate_catalog(tmp_path / "catalog")
    assert report.errors == 0 and report.warnings == 0
    assert catalog.metadata is not None
    assert catalog.metadata.periode_rpjmd.mulai == 2027
    assert catalog.metadata.dokumen.peta_rencana.periode.selesai == 2031


def test_github_workflow_parses_and_calls_the_right_commands(repo: Path) -> None:
    text = (repo / ".github/workflows/spbe.yml").read_text(encoding="utf-8")
    workflow = plain(text)
    assert "pull_request" in workflow["on"]
    assert workflow["env"]["SPBE_PIP"] == (f"spbe @ git+{scaffold.DEFAULT_SPBE_REPO}@v{_version()}")
    # The token gets nothing by default; each job names the least it needs.
    assert workflow["permissions"] == {}
    check = workflow["jobs"]["periksa"]
    review = workflow["jobs"]["ulasan"]
    assert check["permissions"] == {"contents": "read", "security-events": "write"}
    assert review["permissions"] == {"contents": "read", "pull-requests": "write"}
    for step in check["steps"] + review["steps"]:
        if "uses" in step:
            assert re.match(r"^actions/[a-z-]+@[0-9a-f]{40}$", step["uses"]), step["uses"]
    runs = {step.get("name"): step.get("run", "") for step in check["steps"]}
    assert shlex.split(runs["Periksa katalog"]) == [
        "spbe",
        "validate",
        "--format",
        "github",
        "catalog",
    ]
    assert (
        "spbe validate --format sarif catalog > spbe.sarif" in runs["Kirim temuan ke code scanning"]
    )
    assert "code-scanning/sarifs" in runs["Kirim temuan ke code scanning"]
    assert "pull_request" in review["if"]
    diff_step = next(s for s in review["steps"] if s.get("name") == "Ringkasan perubahan katalog")
    assert diff_step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert (
        'spbe diff "origin/$BASE_REF...HEAD" --format markdown > spbe-diff.md || status=$?'
        in diff_step["run"]
    )
    assert 'exit "$status"' in diff_step["run"]  # a failing diff fails the job
    comment = next(s for s in review["steps"] if s.get("name") == "Komentar di pull request")
    assert comment["if"] == (
        "${{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}"
    )  # never from forks, whose token cannot write; also when the review failed
    # One review at a time per pull request: an older run never overwrites a newer review.
    assert review["concurrency"] == {
        "group": "spbe-ulasan-${{ github.event.pull_request.number }}",
        "cancel-in-progress": "true",
    }
    assert "--method PATCH" in comment["run"] and "--method POST" in comment["run"]
    assert "<!-- spbe-diff -->" in comment["run"]  # one sticky comment, found by its marker
    checkout = next(s for s in review["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == "0"
    for step in check["steps"] + review["steps"]:
        if "run" in step:
            done = subprocess.run(["bash", "-n"], input=step["run"], text=True, check=False)
            assert done.returncode == 0, step["run"]


#: A stand-in for the GitHub CLI: lists the comments in $COMMENTS through the step's own --jq
#: filter (with jq, as gh does), and records each call and each body sent.
FAKE_GH = """#!/bin/bash
printf '%s\\n' "$*" >> "$CALLS"
if [ "$2" != --method ]; then
  while [ $# -gt 0 ]; do [ "$1" = --jq ] && filter=$2; shift; done
  exec jq -r "$filter" "$COMMENTS"
fi
for arg in "$@"; do
  case "$arg" in body=@*) cp "${arg#body=@}" "$BODY" ;; esac
done
"""


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq runs the step's comment filter")
@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_github_review_comment_is_the_bots_own_and_says_when_diff_failed(
    repo: Path, tmp_path: Path, outcome: str
) -> None:
    """The sticky comment step as GitHub runs it (bash -eo pipefail), with a stand-in gh.

    It updated the first comment starting with the marker, whoever wrote it (a person's
    comment quoting the review got overwritten), and when spbe diff failed it was skipped:
    the review of an earlier commit stayed on the pull request as if it still held.
    """
    workflow = plain((repo / ".github/workflows/spbe.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["ulasan"]["steps"]
    script = next(s for s in steps if s.get("name") == "Komentar di pull request")["run"]
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir()
    work.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    (work / "spbe-diff.md").write_text("## spbe diff\n\nNo changes.\n", encoding="utf-8")
    marker = "<!-- spbe-diff -->"
    comments = [
        {"id": 7, "user": {"login": "mentor-itb"}, "body": f"{marker}\nquoted by a person"},
        {"id": 9, "user": {"login": "github-actions[bot]"}, "body": f"{marker}\nold review"},
    ]
    (tmp_path / "comments.json").write_text(json.dumps(comments), encoding="utf-8")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CALLS": str(tmp_path / "calls"),
        "COMMENTS": str(tmp_path / "comments.json"),
        "BODY": str(tmp_path / "body.md"),
        "GITHUB_REPOSITORY": "pemda/katalog",
        "PR": "12",
        "HASIL": outcome,
        "COMMIT": "0123abc",
        "LOG": "https://github.example/pemda/katalog/actions/runs/5",
    }
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=work, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert calls[-1].startswith("api --method PATCH repos/pemda/katalog/issues/comments/9 ")
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    assert body.startswith(marker + "\n")
    if outcome == "success":
        assert body == f"{marker}\n## spbe diff\n\nNo changes.\n"
    else:
        assert "**spbe diff gagal** pada commit 0123abc" in body
        assert env["LOG"] in body and "No changes." not in body


def test_github_workflow_follows_the_workflow_schema(repo: Path) -> None:
    schema = json.loads((Path(__file__).parent / "schemas/github-workflow.json").read_text("utf-8"))
    workflow = yamlio.load_trusted_yaml((repo / ".github/workflows/spbe.yml").read_text("utf-8"))
    if True in workflow:  # a YAML 1.1 reader takes the key `on` for true
        workflow["on"] = workflow.pop(True)
    Draft7Validator(schema).validate(workflow)


def test_gitlab_ci_parses_and_calls_the_right_commands(repo: Path) -> None:
    config = plain((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = config["spbe"]
    assert config["variables"]["SPBE_PIP"].startswith("spbe @ git+")
    script = "\n".join(job["script"])
    assert "spbe validate --format gitlab catalog > gl-code-quality-report.json" in script
    # A failing check also says why in the job log, not only in the merge request widget.
    assert "spbe validate catalog || validate_status=$?" in script
    assert (
        'spbe diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME...HEAD" --format markdown'
        " > spbe-diff.md || diff_status=$?" in script
    )
    assert "|| true" not in script  # a failing diff fails the job, with its message
    assert 'exit "$diff_status"' in script
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert job["artifacts"]["when"] == "always"
    assert "spbe-diff.md" in job["artifacts"]["paths"]
    done = subprocess.run(["bash", "-n"], input=script, text=True, check=False)
    assert done.returncode == 0


def test_pre_commit_config_uses_this_projects_hook(repo: Path) -> None:
    config = plain((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [entry] = config["repos"]
    assert entry["repo"] == scaffold.DEFAULT_SPBE_REPO
    assert entry["rev"] == f"v{_version()}"
    hooks = yamlio.load_trusted_yaml((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    offered = {hook["id"]: hook for hook in hooks}
    for hook in entry["hooks"]:
        assert hook["id"] in offered
        assert hook["args"] == ["catalog"]


def test_the_project_pre_commit_hook_runs_spbe_validate(repo: Path) -> None:
    hooks = yamlio.load_trusted_yaml((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    [hook] = hooks
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    command = shlex.split(hook["entry"])
    assert f'\n{command[0]} = "spbe_cli.cli.app:main"' in pyproject
    result = runner.invoke(app, [*command[1:], *[str(repo / a) for a in hook["args"]]])
    assert result.exit_code == 0, result.output


def test_editor_settings_wire_the_schemas_in(repo: Path) -> None:
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    for path, globs in settings["yaml.schemas"].items():
        assert (repo / path).is_file(), path
        assert "catalog/**/*.yaml" in globs
    extensions = json.loads((repo / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    # The language server: the generic LSP client starts `spbe lsp` on YAML files.
    assert "zsol.vscode-glspc" in extensions["recommendations"]
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == [
        "spbe",
        "lsp",
    ]
    assert settings["glspc.server.languageId"] == ["yaml"]
    # Every catalog file names its schema in a yaml-language-server modeline; the schema
    # accepts the file.
    for path in sorted((repo / "catalog").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        schema_file = (path.parent / match.group(1)).resolve()
        assert schema_file.is_file(), (path, schema_file)
        validator = Draft7Validator(json.loads(schema_file.read_text(encoding="utf-8")))
        for document in editor_documents(path):
            assert list(validator.iter_errors(document)) == [], path


def test_schema_files_are_the_current_ones(repo: Path) -> None:
    for name, value in schema.all_schemas().items():
        assert (repo / "schema" / name).read_text(encoding="utf-8") == schema.dumps(value)


def test_workflow_runs_validate_in_the_new_repository(repo: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["validate", "--format", "github", "catalog"])
    assert result.exit_code == 0, result.output
    assert "::error" not in result.stdout and "::warning" not in result.stdout
    result = runner.invoke(app, ["validate", "--format", "gitlab", "catalog"])
    assert result.exit_code == 0, result.output
    issues = json.loads(result.stdout)
    assert {issue["check_name"] for issue in issues} <= {"SPBE210"}


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "metadata.yaml").write_text("punya saya\n", encoding="utf-8")
    (tmp_path / ".gitlab-ci.yml").write_text("milik Pemda\n", encoding="utf-8")
    result = init(tmp_path)
    assert result.exit_code == 3
    assert result.stdout == ""
    # One line of message, then one line per file in the way (not one line with "\\n" in it).
    lines = result.stderr.splitlines()
    assert lines[0].startswith("spbe: nothing written: 2 target files exist already")
    assert lines[1:] == [
        f"  {tmp_path.as_posix()}/.gitlab-ci.yml",
        f"  {tmp_path.as_posix()}/catalog/metadata.yaml",
    ]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        ".gitlab-ci.yml",
        "catalog",
        "catalog/metadata.yaml",
    ]
    assert (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8") == "milik Pemda\n"


def test_a_new_hosted_repository_keeps_its_readme_and_gitignore(tmp_path: Path) -> None:
    """A repository made on GitHub with a README and a .gitignore: both kept, the rest written."""
    (tmp_path / "README.md").write_text("# Katalog SPBE\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.log\n", encoding="utf-8")
    result = init(tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Katalog SPBE\n"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.log\n"
    assert (tmp_path / "catalog" / "metadata.yaml").is_file()
    assert (tmp_path / ".github" / "workflows" / "spbe.yml").is_file()
    assert result.stderr.splitlines() == [
        f"note: {tmp_path.as_posix()}/README.md exists and is kept; the short guide for "
        "catalog maintainers was not written (see spbe's README if needed)",
        f"note: {tmp_path.as_posix()}/.gitignore exists and is kept; add the lines build/, "
        ".venv/, __pycache__/, gl-code-quality-report.json, spbe-diff.md, /.spbe-cache/ so "
        "that rendered output, CI reports and the spbe cache are not committed",
    ]


@pytest.mark.parametrize("existing", [False, True])
def test_a_write_failing_half_way_leaves_what_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """A full disk at the tenth file: the nine written and the folders made are removed."""
    import errno

    target = tmp_path / "baru" / "katalog"
    if existing:
        (target / "catalog" / "prosa").mkdir(parents=True)
        (target / "catalog" / "prosa" / "visi.md").write_text("milik Pemda\n", encoding="utf-8")
    real_open = Path.open
    opened: list[str] = []

    def full_disk(self: Path, *args: Any, **kwargs: Any) -> Any:
        if args[:1] == ("x",):
            opened.append(self.name)
            if len(opened) == 10:
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    result = init(target)
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert "no space left on device" in result.stderr.lower()
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    if existing:
        assert left == [
            "baru",
            "baru/katalog",
            "baru/katalog/catalog",
            "baru/katalog/catalog/prosa",
            "baru/katalog/catalog/prosa/visi.md",
        ]
    else:
        assert left == []


def test_refuses_when_a_folder_is_a_file(tmp_path: Path) -> None:
    (tmp_path / ".github").write_text("x", encoding="utf-8")
    result = init(tmp_path)
    assert result.exit_code == 3
    assert ".github/workflows/spbe.yml" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".github"]


def test_second_run_refuses(repo: Path) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    result = init(repo)
    assert result.exit_code == 3
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "kode", ["9404", "94.4", "94.04.01", "", "ab", "94.04.", "٩٤.٠٤", "９４.０４"]
)
def test_kode_is_checked(tmp_path: Path, kode: str) -> None:
    result = init(tmp_path / "x", kode=kode)
    assert result.exit_code == 2, result.output
    assert "is not valid" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kode", "94", "--jenis", "kabupaten"], "does not fit"),
        (["--kode", "94.04", "--jenis", "provinsi"], "does not fit"),
        # The region data lists 94.04 as a kabupaten (validate would say SPBE305).
        (["--kode", "94.04", "--jenis", "kota"], "is the kabupaten Mimika in the region data"),
        (["--tahun", "1990"], "outside"),
        (["--spbe-repo", "https://x.org/a b"], "repository URL"),
        (["--spbe-repo", 'https://x.org/"; rm -rf ~'], "repository URL"),
        (["--spbe-rev", "v1\nrun: evil"], "version"),
    ],
)
def test_options_are_checked(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app,
        ["init", str(tmp_path / "x"), "--pemda", "Kabupaten X", *args]
        + ([] if "--kode" in args else ["--kode", "94.04"]),
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("pemda", "message"),
    [
        ("Kabupaten Timika", "the Pemda name 'Kabupaten Timika' does not match code 94.04"),
        ("Mimika Baru", "the Pemda name 'Mimika Baru' does not match code 94.04"),
        # The kind is read first: a Kota name on a kabupaten code is refused for its kind.
        ("Kota Jayapura", "code 94.04 is the kabupaten Mimika in the region data, not a kota"),
    ],
)
def test_a_name_the_region_data_gives_another_code_is_refused(
    tmp_path: Path, pemda: str, message: str
) -> None:
    """The new catalog would fail its first ``spbe validate`` (SPBE305): nothing is written."""
    result = init(tmp_path / "x", pemda=pemda)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Mimika" in result.stderr
    assert not (tmp_path / "x").exists()


PAPUA_TENGAH = (
    "94.01 Nabire, 94.02 Puncak Jaya, 94.03 Paniai, 94.04 Mimika, 94.05 Puncak, 94.06 Dogiyai, "
    "94.07 Intan Jaya, 94.08 Deiyai"
)


@pytest.mark.parametrize(
    ("pemda", "kode", "said"),
    [
        # A code the data does not list in a province it holds whole: it wrote a catalog whose
        # first `spbe validate` failed SPBE301 (only a "note" on the way).
        (
            "Kabupaten Nabire",
            "94.99",
            "spbe: code 94.99 is not in the region data of Provinsi Papua Tengah, which holds "
            f"{PAPUA_TENGAH}; check --kode (the new catalog would fail SPBE301); "
            "did you mean --kode 94.01 (Nabire)?\n",
        ),
        (
            "Kabupaten Contoh",
            "94.09",
            "spbe: code 94.09 is not in the region data of Provinsi Papua Tengah, which holds "
            f"{PAPUA_TENGAH}; check --kode (the new catalog would fail SPBE301)\n",
        ),
        # A known code and another region's name: the code the name has is offered.
        (
            "Kabupaten Mimika",
            "94.01",
            "spbe: the Pemda name 'Kabupaten Mimika' does not match code 94.01, which the region "
            "data gives to Nabire; check --pemda and --kode (the new catalog would fail SPBE305); "
            "did you mean --kode 94.04 (Mimika)?\n",
        ),
    ],
)
def test_a_code_the_region_data_contradicts_is_refused_with_the_code_meant(
    tmp_path: Path, pemda: str, kode: str, said: str
) -> None:
    result = init(tmp_path / "x", pemda=pemda, kode=kode)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == said
    assert not (tmp_path / "x").exists()


def test_the_refused_code_is_the_code_validate_calls_unknown(tmp_path: Path) -> None:
    """init and SPBE301 read the region data through one rule (reference.unlisted_region_code)."""
    result = init(tmp_path, pemda="Kabupaten Contoh", kode="94.99")
    assert result.exit_code == 2
    assert init(tmp_path, pemda="Kabupaten Nabire", kode="94.01").exit_code == 0
    metadata = tmp_path / "catalog" / "metadata.yaml"
    text = metadata.read_text(encoding="utf-8")
    line = text.splitlines().index("  kode_kemendagri: '94.01'") + 1
    metadata.write_text(
        text.replace("kode_kemendagri: '94.01'", "kode_kemendagri: '94.99'", 1), encoding="utf-8"
    )
    _, report = validate_catalog(tmp_path / "catalog")
    found = [(f.code, f.location.line, f.location.column) for f in report.findings]
    assert ("SPBE301", line, 20) in found
    assert [f for f in report.findings if f.severity is Severity.ERROR] == [
        f for f in report.findings if f.code == "SPBE301"
    ]


def test_the_refusal_speaks_indonesian_by_default(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("SPBE_LANG", "id")
    result = init(tmp_path / "x", pemda="Kabupaten Nabire", kode="94.99")
    assert result.exit_code == 2
    assert result.stderr.startswith("spbe: kode 94.99 tidak ada di data wilayah Provinsi Papua")
    assert result.stderr.endswith("; maksud Anda --kode 94.01 (Nabire)?\n")


@pytest.mark.parametrize("pemda", ["", "   ", "Kabupaten\nX", "Kabupaten\u202eX", "K" * 121])
def test_pemda_name_is_checked(tmp_path: Path, pemda: str) -> None:
    result = init(tmp_path / "x", pemda=pemda)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "pemda",
    [
        'Kota "Baru": [ISI] #1',
        "Kabupaten ${{ github.token }} & <b>x</b>",
        "Kab. 'Kep.' Seribu: - * ? | > % @ `",
        "Kabupaten Tanah Datar ñ ü — 東",
    ],
)
def test_pemda_name_is_escaped(tmp_path: Path, pemda: str) -> None:
    # A code the bundled region data does not know: any name is accepted for it.
    result = init(tmp_path, pemda=pemda, kode="33.05")
    assert result.exit_code == 0, result.output
    catalog, findings = load_catalog(tmp_path / "catalog")
    assert catalog.metadata is not None, [str(f) for f in findings]
    assert catalog.metadata.pemda.nama == pemda
    assert catalog.metadata.dokumen.arsitektur.judul == f"Arsitektur SPBE {pemda}"
    for rel in (".github/workflows/spbe.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"):
        assert pemda not in (tmp_path / rel).read_text(encoding="utf-8")
    heading = (tmp_path / "README.md").read_text(encoding="utf-8").splitlines()[0]
    assert "<b>" not in heading and "`" not in heading.replace("\\`", "")


def test_a_kind_word_in_the_name_that_the_code_does_not_have_is_refused(tmp_path: Path) -> None:
    result = init(tmp_path / "x", pemda="Kota Mimika", kode="94.04")
    assert result.exit_code == 2, result.output
    assert "code 94.04 is the kabupaten Mimika in the region data, not a kota" in result.stderr
    assert not (tmp_path / "x").exists()


def test_kota_and_unknown_codes(tmp_path: Path) -> None:
    result = init(tmp_path, pemda="Kota Contoh", kode="33.71")
    assert result.exit_code == 0
    assert "daftar: wilayah" in result.stderr  # the bundled region data does not know 33.71
    catalog, findings = load_catalog(tmp_path / "catalog")
    assert not [f for f in findings + run_checks(catalog) if f.code == "SPBE301"]
    assert catalog.metadata is not None
    assert catalog.metadata.pemda.jenis == "kota"
    assert catalog.metadata.pemda.provinsi is None


def test_custom_spbe_source(tmp_path: Path) -> None:
    result = init(
        tmp_path, "--spbe-repo", "https://git.example.go.id/spbe/spbe.git", "--spbe-rev", "v0.2.0"
    )
    assert result.exit_code == 0, result.output
    workflow = plain((tmp_path / ".github/workflows/spbe.yml").read_text(encoding="utf-8"))
    assert (
        workflow["env"]["SPBE_PIP"] == "spbe @ git+https://git.example.go.id/spbe/spbe.git@v0.2.0"
    )
    pre_commit = plain((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert pre_commit["repos"][0]["rev"] == "v0.2.0"


# -- spbe new ------------------------------------------------------------------------------------

FILL: dict[str, str] = {
    "nama": "Contoh baru",
    "judul": "Contoh baru",
    "kondisi": "Cukup",
    "opd": "DISKOMINFO",
    "opd_pj": "DISKOMINFO",
    "unit_pelaksana": "DISKOMINFO",
    "produsen_data": "DISKOMINFO",
    "wali_data": "DISKOMINFO",
    "pemilik": "DISKOMINFO",
    "tahun_mulai": "2025",
    "tahun_selesai": "2026",
    "tahun": "2024",
    "nomor": '"7"',
    "dimensi": "governance",
    "elemen": "policy",
    "horizon": "menengah",
    "muatan": "tata_kelola",
    "kerangka": "pemdi_8_2026",
    "pilar": "struktur",
    "sub_aspek": "anggaran",
    "tingkat": "daerah",
    "status": "berlaku",
    "rab": "RAB.09.04",
    "rad": "RAD.09.01",
    "ral": "RAL.02.06",
    "raa": "RAA.02.02",
    "rai": "RAI.01",
    "rak": "RAK.01",
    "kategori": "khusus",
    "sifat": "terbuka",
    "validitas": "tahunan",
    "proses_bisnis": "[PB-INFORMASI-PUBLIK]",
}
JENIS = {
    "opd": "kantor",
    "regulasi": "Perbup",
    "layanan": "administrasi",
    "data_informasi": "keuangan",
    "infrastruktur": "server",
    "keamanan": "penanganan_insiden",
}
_PLACEHOLDER_LINE = re.compile(r'^(\s*)([a-z_]+): (\["\[ISI\]"\]|"\[ISI\]")$', re.MULTILINE)


def fill_in(text: str, kind: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        filled = JENIS[kind] if name == "jenis" else FILL[name]
        return f"{match.group(1)}{name}: {filled}"

    return _PLACEHOLDER_LINE.sub(value, text)


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_new_entity_validates_once_filled_in(tmp_path: Path, kind: str, monkeypatch: Any) -> None:
    assert init(tmp_path).exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", kind, "BARU-01"])
    assert result.exit_code == 0, result.output
    path = Path("catalog") / kind / "BARU-01.yaml"
    assert result.stdout.strip().startswith(f"Written: {path.as_posix()}.")
    text = path.read_text(encoding="utf-8")
    modeline = f"# yaml-language-server: $schema=../../schema/spbe-{kind}.schema.json\n"
    assert text.startswith(modeline)
    assert f"entitas: {kind}\n" in text and "id: BARU-01\n" in text
    # Unfilled: every placeholder is reported, nothing else about this file is a surprise.
    _, report = validate_catalog(Path("catalog"))
    mine = [f for f in report.findings if f.location.path.endswith("BARU-01.yaml")]
    lines = enumerate(text.splitlines(), 1)
    marked = {n for n, line in lines if '"[ISI]"' in line and not line.startswith("#")}
    assert {f.location.line for f in mine} == marked
    # One finding per placeholder: the schema's refusal says to fill it in, or SPBE901 (the
    # pillar of kesiapan, checked against the reference list after loading, is no SPBE206 too).
    assert len(mine) == len(marked)
    assert all(f.code == "SPBE901" or "[ISI]" in (f.hint or "") for f in mine)
    # Filled: no error anywhere, no placeholder left, and the editor schema agrees.
    path.write_text(fill_in(text, kind), encoding="utf-8")
    _, report = validate_catalog(Path("catalog"))
    assert report.errors == 0, [str(f) for f in report.findings]
    assert not [f for f in report.findings if f.code == "SPBE901"]
    validator = Draft7Validator(schema.kind_schema(kind))
    [document] = editor_documents(path)
    assert list(validator.iter_errors(document)) == []


def test_new_entity_has_a_comment_per_field() -> None:
    text = scaffold.entity_text("program", "SC-GOV-09")
    from spbe_cli.models import MODELS

    for name, info in MODELS["program"].model_fields.items():
        if name in ("entitas",):
            continue
        assert f"# {' '.join((info.description or '').split())}" in text, name
        assert re.search(rf"^(# )?{name}:", text, re.MULTILINE), name
    assert "# Pilihan: quick_win, pendek, menengah, panjang" in text


def test_new_refuses_to_overwrite_and_taken_ids(repo: Path, tmp_path: Path) -> None:
    catalog = str(repo / "catalog")
    result = runner.invoke(app, ["new", "opd", "DISKOMINFO", "-c", catalog])
    assert result.exit_code == 2
    assert "already used" in result.stderr
    result = runner.invoke(app, ["new", "opd", "diskominfo", "-c", catalog])
    assert result.exit_code == 2
    # Where the id is, so the user can open that file.
    assert "(DISKOMINFO, " in result.stderr and "contoh.yaml:" in result.stderr
    target = tmp_path / "x.yaml"
    target.write_text("milik saya\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "opd", "OPD-BARU", "-c", catalog, "-o", str(target)])
    assert result.exit_code == 3
    assert target.read_text(encoding="utf-8") == "milik saya\n"


@pytest.mark.parametrize(
    ("kind", "entity_id"), [("foo", "X"), ("metadata", "X"), ("opd", "1X"), ("opd", "A B")]
)
def test_new_checks_kind_and_id(tmp_path: Path, kind: str, entity_id: str) -> None:
    result = runner.invoke(app, ["new", kind, entity_id, "-c", str(tmp_path / "catalog")])
    assert result.exit_code == 2
    assert not (tmp_path / "catalog").exists()


def test_new_writes_nothing_through_a_kind_folder_linked_out_of_the_catalog(tmp_path: Path) -> None:
    outside = tmp_path / "di-luar"
    outside.mkdir()
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "opd").symlink_to(outside, target_is_directory=True)
    result = runner.invoke(app, ["new", "opd", "OPD-X", "-c", str(catalog)])
    assert result.exit_code == 3
    assert "symbolic link leading out of" in result.stderr
    assert f"{catalog.as_posix()}/opd" in result.stderr
    assert list(outside.iterdir()) == []
    # A catalog named through a link, and a kind folder linked inside the catalog, are written.
    (catalog / "opd").unlink()
    (catalog / "rumah-opd").mkdir()
    (catalog / "opd").symlink_to(catalog / "rumah-opd", target_is_directory=True)
    (tmp_path / "tautan").symlink_to(catalog, target_is_directory=True)
    result = runner.invoke(app, ["new", "opd", "OPD-X", "-c", str(tmp_path / "tautan")])
    assert result.exit_code == 0, result.stderr
    assert (catalog / "rumah-opd/OPD-X.yaml").is_file()


def test_init_writes_nothing_through_a_folder_linked_out_of_the_target(tmp_path: Path) -> None:
    outside = tmp_path / "di-luar"
    outside.mkdir()
    target = tmp_path / "repo"
    target.mkdir()
    (target / "catalog").symlink_to(outside, target_is_directory=True)
    result = init(target)
    assert result.exit_code == 3
    assert f"{target.as_posix()}/catalog" in result.stderr
    assert list(outside.iterdir()) == [] and list(target.iterdir()) == [target / "catalog"]


def test_new_without_schema_folder_has_no_modeline(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "opd", "OPD-X", "-c", str(tmp_path / "catalog")])
    assert result.exit_code == 0
    assert "spbe schema -o" in result.stderr
    text = (tmp_path / "catalog/opd/OPD-X.yaml").read_text(encoding="utf-8")
    assert "yaml-language-server" not in text


def test_gitlab_report_fields(tmp_path: Path) -> None:
    (tmp_path / "opd").mkdir()
    (tmp_path / "opd/a.yaml").write_text(
        "entitas: opd\nid: A\nnama: A\njenis: dinas\nnama_x: 1\n"
        "---\nentitas: opd\nid: B\nnama: B\njenis: dinas\nnama_x: 1\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--format", "gitlab", str(tmp_path)])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert issues, result.stdout
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    unknown = [i for i in issues if i["check_name"] == "SPBE102"]
    assert [i["location"]["lines"]["begin"] for i in unknown] == [5, 11]
    assert all(i["severity"] == "major" for i in unknown)


def _version() -> str:
    from spbe_cli import __version__

    return __version__


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_workflow_diff_command_runs_in_the_new_repository(tmp_path: Path, monkeypatch: Any) -> None:
    assert init(tmp_path).exit_code == 0
    monkeypatch.chdir(tmp_path)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": os.environ.get("PATH", ""),
    }
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", *command], check=True, env=env, capture_output=True)
    program = tmp_path / "catalog/program/contoh.yaml"
    program.write_text(
        program.read_text(encoding="utf-8").replace("nilai: 100000000", "nilai: 50000000", 1),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["diff", "main", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "SC-GOV-01" in result.stdout


def test_a_kota_name_with_yaml_syntax_reaches_the_regulation_title_verbatim(tmp_path: Path) -> None:
    name = 'Kota X: "Y" #z'
    result = init(tmp_path, pemda=name, kode="99.71")
    assert result.exit_code == 0, result.output
    catalog, report = validate_catalog(tmp_path / "catalog")
    assert report.errors == 0 and report.warnings == 0, [str(f) for f in report.findings]
    perkada = catalog.get("PERKADA-ARSITEKTUR-SPBE")
    assert perkada.jenis == "Perwali"
    assert perkada.judul == 'Arsitektur SPBE Pemerintah Kota X: "Y" #z 2025-2029'


def _strict_glob(pattern: str) -> re.Pattern[str]:
    """A glob as the YAML extension reads it: ``**/`` stands for one folder or more, not none."""
    parts = re.split(r"(\*\*/|\*)", pattern)
    table = {"**/": "(?:[^/]+/)+", "*": "[^/]*"}
    return re.compile("".join(table.get(part, re.escape(part)) for part in parts))


def test_the_schema_globs_match_every_catalog_file(repo: Path) -> None:
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    [globs] = settings["yaml.schemas"].values()
    patterns = [_strict_glob(glob) for glob in globs]
    files = sorted(p.relative_to(repo).as_posix() for p in (repo / "catalog").rglob("*.yaml"))
    assert "catalog/metadata.yaml" in files
    for rel in files:
        assert any(p.fullmatch(rel) for p in patterns), rel


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("progam", "did you mean program?"),
        ("Program", "did you mean program?"),
        ("metadata", "catalog/metadata.yaml"),
        ("referensi", "catalog/referensi.yaml"),
    ],
)
def test_new_with_a_kind_it_cannot_write_says_what_to_do(
    tmp_path: Path, kind: str, said: str
) -> None:
    result = runner.invoke(app, ["new", kind, "SC-X", "-c", str(tmp_path / "catalog")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert said in result.stderr
    assert not (tmp_path / "catalog").exists() or not any((tmp_path / "catalog").rglob("*.yaml"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_examples_in_help_work(tmp_path: Path, monkeypatch: Any, lang: str) -> None:
    # The examples at the end of `init`, `new` and `schema --help`, run in that order in a new
    # folder (the `new` and `schema` ones inside the first repository `init` wrote).
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPBE_LANG", lang)
    examples = []
    for command in ("init", "new", "schema"):
        page = runner.invoke(app, [command, "--help"]).stdout
        examples += [line.strip() for line in page.splitlines() if line.strip().startswith("spbe ")]
    assert [e.split()[1] for e in examples] == ["init", "init", "new", "new", "schema"]
    for example in examples:
        args = shlex.split(example, comments=True)[1:]
        if args[0] != "init":
            monkeypatch.chdir(tmp_path / "katalog-nabire")
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (example, result.output)
    _, report = validate_catalog(tmp_path / "katalog-nabire" / "catalog")
    # Errors only in the two new files, whose '[ISI]' are still to be filled in.
    errors = {
        f.location.path.rsplit("/", 1)[-1] for f in report.findings if f.severity is Severity.ERROR
    }
    assert errors == {"SC-GOV-02.yaml", "APL-SIMPEG.yaml"}
    _, report = validate_catalog(tmp_path / "katalog-papua-tengah" / "catalog")
    assert report.errors == 0


@pytest.mark.parametrize(("kode", "meant"), [("94.1", "94.01"), ("9401", "94.01"), ("abc", None)])
def test_init_with_a_mistyped_code_suggests_the_code(
    tmp_path: Path, kode: str, meant: str | None
) -> None:
    args = ["init", str(tmp_path / "r"), "--pemda", "Kabupaten Nabire", "--kode", kode]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (f"did you mean {meant}?" in result.stderr) is (meant is not None)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("name", "kode", "jenis"),
    [
        ("Kota Contoh", "33.01", "kota"),  # the name's kind word, though the code is not 71-79
        ("KOTA Contoh", "33.01", "kota"),
        ("Kab. Contoh", "33.71", "kota"),  # the code numbers a kota
        ("Kab. Contoh", "33.01", "kabupaten"),
        ("Prov. Contoh", "33", "provinsi"),
    ],
)
def test_init_reads_the_kind_word_spbe305_reads(name: str, kode: str, jenis: str) -> None:
    from spbe_cli.scaffold import infer_jenis

    assert infer_jenis(name, kode, None) == jenis


@pytest.mark.parametrize("diff_exit", [0, 3])
def test_gitlab_job_attaches_a_report_that_says_when_diff_failed(
    repo: Path, tmp_path: Path, diff_exit: int
) -> None:
    """The GitLab job's script as the runner runs it, with stand-in git and spbe.

    When spbe diff failed, the attached spbe-diff.md was empty (or half written): a mentor
    opening "Perubahan katalog SPBE" saw no changes. It now says the review failed, with the
    commit and the job log; the job still fails with diff's code.
    """
    config = plain((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    script = "\n".join(config["spbe"]["script"])
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir()
    work.mkdir()
    (bin_dir / "git").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (bin_dir / "spbe").write_text(
        '#!/bin/sh\nif [ "$1" = diff ]; then echo "## sebagian"; exit "$DIFF_EXIT"; fi\n'
        'echo "[]"\n',
        encoding="utf-8",
    )
    for tool in ("git", "spbe"):
        (bin_dir / tool).chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "DIFF_EXIT": str(diff_exit),
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_COMMIT_SHORT_SHA": "0123abc",
        "CI_JOB_URL": "https://gitlab.example/pemda/katalog/-/jobs/5",
    }
    done = subprocess.run(["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True)
    report = (work / "spbe-diff.md").read_text(encoding="utf-8")
    if diff_exit == 0:
        assert done.returncode == 0, done.stderr
        assert report == "## sebagian\n"
    else:
        assert done.returncode == diff_exit
        assert report == (
            "**spbe diff gagal** pada commit 0123abc: tidak ada ulasan. "
            "Lihat log job: https://gitlab.example/pemda/katalog/-/jobs/5\n"
        )
        assert b"spbe diff gagal (kode 3)" in done.stderr
