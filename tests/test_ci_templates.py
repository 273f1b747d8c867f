"""The GitLab CI file ``spbe init`` writes is linted against GitLab's keyword reference.

No JSON Schema of ``.gitlab-ci.yml`` ships with the tests (the GitHub workflow one does, see
tests/schemas/README.md), so this schema is written here from the public CI/CD YAML syntax
reference (https://docs.gitlab.com/ci/yaml/): the top-level keywords, the job keywords, the
``artifacts`` and ``workflow:rules`` keywords, the default stages, and the rules of
``artifacts:expose_as`` (it needs ``paths``, and those paths take no variables and no globs).
It is closed: an unknown or misspelt keyword fails, as GitLab's CI lint fails it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, ValidationError

from tests.test_scaffold import plain, repo

__all__ = ["repo"]  # the fixture, imported for pytest

GLOBAL_KEYWORDS = ("default", "include", "stages", "variables", "workflow")
JOB_KEYWORDS = [
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dast_configuration",
    "dependencies",
    "environment",
    "except",
    "extends",
    "hooks",
    "id_tokens",
    "identity",
    "image",
    "inherit",
    "interruptible",
    "manual_confirmation",
    "needs",
    "only",
    "pages",
    "parallel",
    "release",
    "resource_group",
    "retry",
    "rules",
    "script",
    "secrets",
    "services",
    "stage",
    "tags",
    "timeout",
    "trigger",
    "variables",
    "when",
]
ARTIFACTS_KEYWORDS = [
    "paths",
    "exclude",
    "expire_in",
    "expose_as",
    "name",
    "public",
    "access",
    "reports",
    "untracked",
    "when",
]
REPORT_KINDS = [
    "accessibility",
    "annotations",
    "api_fuzzing",
    "browser_performance",
    "coverage_report",
    "codequality",
    "container_scanning",
    "coverage_fuzzing",
    "cyclonedx",
    "dast",
    "dependency_scanning",
    "dotenv",
    "junit",
    "license_scanning",
    "load_performance",
    "metrics",
    "requirements",
    "sast",
    "secret_detection",
    "terraform",
]
RULE_KEYWORDS = [
    "if",
    "changes",
    "exists",
    "when",
    "variables",
    "start_in",
    "allow_failure",
    "needs",
]
DEFAULT_STAGES = [".pre", "build", "test", "deploy", ".post"]

_STRINGS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
_SCRIPT = {"anyOf": [{"type": "string"}, _STRINGS]}
_RULES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {k: {} for k in RULE_KEYWORDS},
        "additionalProperties": False,
    },
}
_EXPOSED_PATH = {"type": "string", "not": {"pattern": r"[$*?\[]"}}
CACHE_KEYWORDS = ["key", "paths", "untracked", "unprotect", "when", "policy", "fallback_keys"]
_CACHE = {
    "type": "object",
    "properties": {
        **{k: {} for k in CACHE_KEYWORDS},
        "paths": _STRINGS,
        "when": {"enum": ["on_success", "on_failure", "always"]},
        "policy": {"enum": ["pull", "push", "pull-push"]},
        # a key is not "." or ".." and holds no "/" (nor their URL-encoded forms)
        "key": {"type": "string", "not": {"pattern": r"^\.\.?$|/|%2[eEfF]"}},
    },
    "additionalProperties": False,
}
JOB = {
    "type": "object",
    "required": ["script"],
    "properties": {
        **{k: {} for k in JOB_KEYWORDS},
        "script": _SCRIPT,
        "before_script": _SCRIPT,
        "after_script": _SCRIPT,
        "image": {"anyOf": [{"type": "string"}, {"type": "object", "required": ["name"]}]},
        "stage": {"enum": DEFAULT_STAGES},  # the file declares no stages of its own
        "rules": _RULES,
        "variables": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean"]},
        },
        "cache": {"anyOf": [_CACHE, {"type": "array", "items": _CACHE, "maxItems": 4}]},
        "artifacts": {
            "type": "object",
            "properties": {
                **{k: {} for k in ARTIFACTS_KEYWORDS},
                "paths": _STRINGS,
                "when": {"enum": ["on_success", "on_failure", "always"]},
                "reports": {
                    "type": "object",
                    "properties": {k: {} for k in REPORT_KINDS},
                    "additionalProperties": False,
                },
            },
            "additionalProperties": False,
            "dependencies": {
                "expose_as": {
                    "required": ["paths"],
                    "properties": {
                        # letters, digits, '-', '_' and spaces, a letter or digit first
                        "expose_as": {"type": "string", "pattern": r"^\w[-\w ]*$"},
                        "paths": {"type": "array", "items": _EXPOSED_PATH},
                    },
                }
            },
        },
    },
    "additionalProperties": False,
}
SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "stages": _STRINGS,
        "variables": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean"]},
        },
        "workflow": {
            "type": "object",
            "properties": {"rules": _RULES, "name": {"type": "string"}, "auto_cancel": {}},
            "additionalProperties": False,
        },
        "default": {"type": "object"},
        "include": {},
    },
    # Every other top-level key is a job (a hidden one starts with a dot).
    "additionalProperties": JOB,
}


def _config(repo: Path) -> Any:
    return plain((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))


def test_gitlab_ci_follows_the_keyword_reference(repo: Path) -> None:
    Draft7Validator.check_schema(SCHEMA)
    config = _config(repo)
    Draft7Validator(SCHEMA).validate(config)
    jobs = [key for key in config if key not in GLOBAL_KEYWORDS]
    assert jobs == ["spbe"]


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("job", lambda c: c["spbe"].update(artefacts=c["spbe"].pop("artifacts"))),
        ("stage", lambda c: c["spbe"].update(stage="tests")),
        ("when", lambda c: c["spbe"]["artifacts"].update(when="selalu")),
        ("expose_as glob", lambda c: c["spbe"]["artifacts"].update(paths=["*.md"])),
        ("expose_as name", lambda c: c["spbe"]["artifacts"].update(expose_as="-Perubahan/")),
        ("report", lambda c: c["spbe"]["artifacts"]["reports"].update(code_quality="x.json")),
        ("rule", lambda c: c["workflow"]["rules"][0].update(iff="$CI")),
        ("global", lambda c: c["variables"].update(BAD={"nested": {"x": 1}})),
    ],
)
def test_the_lint_catches_what_gitlab_refuses(repo: Path, where: str, change: Any) -> None:
    config = _config(repo)
    change(config)
    with pytest.raises(ValidationError):
        Draft7Validator(SCHEMA).validate(config)


def _uncommented(text: str) -> str:
    """The template with its commented cache lines' ``# `` removed, as the comment tells."""
    lines = text.splitlines(keepends=True)
    start = lines.index("  # cache:\n")
    end = lines.index("  #   when: always\n")
    for at, line in enumerate(lines):
        if line.startswith("    # SPBE_CACHE") or start <= at <= end:
            lines[at] = line.replace("# ", "", 1)
    return "".join(lines)


def test_the_job_turns_the_docker_executors_umask_off(repo: Path) -> None:
    """The Docker executor checks out with umask 0000: a project folder anyone can write, where
    spbe refuses a cache folder. The job sets the runner's feature flag, also without a cache."""
    job = _config(repo)["spbe"]
    assert job["variables"] == {"FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR": "true"}
    assert "cache" not in job


def test_the_commented_cache_lines_follow_the_reference_and_the_docs(repo: Path) -> None:
    """Uncommented, the lines are valid GitLab CI, and the stanza docs/validate.md shows."""
    text = (repo / ".gitlab-ci.yml").read_text(encoding="utf-8")
    config = plain(_uncommented(text))
    Draft7Validator(SCHEMA).validate(config)
    job = config["spbe"]
    assert job["variables"] == {
        "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR": "true",
        "SPBE_CACHE": "1",
        "SPBE_CACHE_DIR": "$CI_PROJECT_DIR/.spbe-cache",
    }
    assert job["cache"]["paths"] == [".spbe-cache/"]
    docs = (Path(__file__).parent.parent / "docs" / "validate.md").read_text(encoding="utf-8")
    start = docs.index("```yaml\nspbe:\n", docs.index("### Di GitLab CI")) + len("```yaml\n")
    shown = plain(docs[start : docs.index("```", start)])
    assert shown == {"spbe": {"variables": job["variables"], "cache": job["cache"]}}


def test_the_gitignore_spbe_init_writes_lets_the_ci_cache_be_used(repo: Path) -> None:
    """git ignores .spbe-cache/ there: spbe uses the folder GitLab's cache: keeps."""
    import shutil

    from spbe_cli import cache
    from tests.helpers import git

    work = repo.parent / "work-tree"
    shutil.copytree(repo, work)
    git(work, "init", "-q")
    assert cache._ask_git(str(work), [".spbe-cache"], [".spbe-cache/"]) is None
    (work / ".gitignore").write_text("build/\n", encoding="utf-8")
    assert "/.spbe-cache/" in str(cache._ask_git(str(work), [".spbe-cache"], [".spbe-cache/"]))
