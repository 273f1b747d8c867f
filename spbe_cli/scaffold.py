"""Start a catalog: ``spbe init`` writes a repository, ``spbe new`` writes one entity file.

Nothing here overwrites a file: every target is checked first, and if any exists nothing is
written. Text the user types (the Pemda's name) reaches YAML only through the YAML dumper and
Markdown only escaped; the CI files receive only values checked against strict patterns.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import typing
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from spbe_cli import __version__
from spbe_cli.errors import SpbeError, UsageError, cannot_write, with_hint
from spbe_cli.i18n import t
from spbe_cli.markup import md_escape
from spbe_cli.models import (
    ENTITY_KINDS,
    ID_MAX,
    ID_PATTERN,
    MODELS,
    SCHEMA_VERSION,
    describe_fields,
)
from spbe_cli.models.common import unwrap
from spbe_cli.models.organisasi import JenisPemda, Pemda
from spbe_cli.schema import all_schemas, dumps, file_name

#: The text that marks a value still to be filled in; ``spbe validate`` reports it (SPBE901).
PLACEHOLDER = "[ISI]"
#: Where spbe comes from, for the CI and pre-commit files. ``.invalid`` never resolves, so an
#: unedited repository fails loudly at install time instead of installing something else.
DEFAULT_SPBE_REPO = "https://example.invalid/spbe.git"
DEFAULT_YEAR = 2025
CATALOG_DIR = "catalog"
SCHEMA_DIR = "schema"

KODE_PROVINSI = re.compile(r"[0-9]{2}")
KODE_KABKOTA = re.compile(r"[0-9]{2}\.[0-9]{2}")
_REPO_URL = re.compile(r"(https://|ssh://|git@|file://)[A-Za-z0-9._~:/@%+\-]+")
_REV = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]{0,99}")
_ID = re.compile(ID_PATTERN)
_MAX_NAME = 120

Jenis = JenisPemda


class LinkOutsideError(SpbeError):
    """A folder on the way is a symbolic link leading out of the target; nothing was written."""

    def __init__(self, target: Path, links: list[str]) -> None:
        self.details = [f"  {p}" for p in links]
        super().__init__(t("scaffold.link_outside", count=len(links), folder=target.as_posix()))


class FilesExistError(SpbeError):
    """Some target files exist already; nothing was written."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.details = [f"  {p}" for p in paths]
        super().__init__(t("scaffold.exists", count=len(paths)))


@dataclass(frozen=True)
class InitOptions:
    """What ``spbe init`` needs to know about the Pemda and where spbe comes from."""

    pemda: str
    kode: str
    jenis: Jenis | None = None
    tahun: int = DEFAULT_YEAR
    spbe_repo: str = DEFAULT_SPBE_REPO
    spbe_rev: str = f"v{__version__}"


@dataclass(frozen=True)
class Result:
    """Files written, relative to the target folder, and notes for the user."""

    written: list[str]
    notes: list[str]


# -- checks of user input ------------------------------------------------------------------------


def check_pemda(name: str) -> str:
    """Return the Pemda name trimmed; refuse empty, overlong or control-character text."""
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise UsageError(t("scaffold.pemda_empty"))
    if len(name) > _MAX_NAME:
        raise UsageError(t("scaffold.pemda_long", limit=_MAX_NAME))
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise UsageError(t("scaffold.pemda_control"))
    return name


def infer_jenis(name: str, kode: str, jenis: str | None) -> Jenis:
    """Kabupaten, kota or provinsi: from ``--jenis``, else the name, else the code."""
    if not (KODE_PROVINSI.fullmatch(kode) or KODE_KABKOTA.fullmatch(kode)):
        from spbe_cli.loader import fixed_code

        message = t("scaffold.kode_pattern", kode=kode)
        meant = fixed_code(kode, KODE_KABKOTA.pattern) or fixed_code(kode, KODE_PROVINSI.pattern)
        hint = t("hint.did_you_mean", name=meant) if meant else None
        raise UsageError(with_hint(message, hint))
    from spbe_cli.reference import load_reference, region_kind_word

    provinsi = bool(KODE_PROVINSI.fullmatch(kode))
    if jenis is None:
        word = region_kind_word(name)  # the kind words SPBE305 reads in a name too
        if provinsi or word == "provinsi":
            jenis = "provinsi"
        elif word == "kota" or kode[3] == "7":  # Kemendagri numbers kota 71-79
            jenis = "kota"
        else:
            jenis = "kabupaten"
    if jenis not in get_args(JenisPemda):
        raise UsageError(t("scaffold.jenis_unknown", jenis=jenis))
    if (jenis == "provinsi") != provinsi:
        raise UsageError(t("scaffold.kode_jenis", kode=kode, jenis=jenis))
    # The region data's kind of the code wins over a name or --jenis (SPBE305 checks the same).
    reference = load_reference()
    known = reference.wilayah_jenis.get(kode)
    if known is not None and known != jenis:
        nama = reference.wilayah[kode]
        raise UsageError(
            t("scaffold.kode_jenis_data", kode=kode, jenis=jenis, expected=known, nama=nama)
        )
    return typing.cast(Jenis, jenis)


def check_region_name(name: str, kode: str) -> None:
    """Refuse a code or a name the region data contradicts: the new catalog would fail.

    A code the data does not list in a province it covers fails SPBE301, a name the data gives
    another code SPBE305. Either way the message says which code the data gives the name, if any.
    """
    from spbe_cli.reference import load_reference, same_region_name, unlisted_region_code

    wilayah = load_reference().wilayah
    known = wilayah.get(kode)
    # The codes at the level of ``kode`` in its province (94.01-94.08 for 94.xx); for a code
    # that names the wrong place, the one that names ``name`` is what was meant.
    province = kode.split(".")[0]
    level = {c: n for c, n in wilayah.items() if c.count(".") == kode.count(".")}
    if "." in kode:
        level = {c: n for c, n in level.items() if c.startswith(province + ".")}
    meant = next((c for c, n in sorted(level.items()) if same_region_name(name, n)), None)
    hint = t("scaffold.kode_hint", kode=meant, nama=wilayah[meant]) if meant else ""
    if unlisted_region_code(wilayah, kode):
        listed = ", ".join(f"{c} {n}" for c, n in sorted(level.items()))
        message = t("scaffold.kode_unlisted", kode=kode, provinsi=wilayah[province], codes=listed)
        raise UsageError(with_hint(message, hint))
    if known is not None and not same_region_name(name, known):
        message = t("scaffold.name_code", nama=name, kode=kode, expected=known)
        raise UsageError(with_hint(message, hint))


def check_source(repo: str, rev: str) -> None:
    """Refuse a repository URL or revision that could break out of the generated files."""
    if not _REPO_URL.fullmatch(repo):
        raise UsageError(t("scaffold.bad_repo", value=repo))
    if not _REV.fullmatch(rev) or ".." in rev:
        raise UsageError(t("scaffold.bad_rev", value=rev))


def check_id(entity_id: str) -> None:
    """Refuse an id that ``spbe validate`` would refuse."""
    if len(entity_id) > ID_MAX or not entity_id.isascii() or not _ID.fullmatch(entity_id):
        raise UsageError(t("scaffold.bad_id", id=entity_id))


# -- writing -------------------------------------------------------------------------------------


def _display(target: Path, rel: str) -> str:
    return (target / rel).as_posix()


def write_all(target: Path, files: dict[str, str]) -> list[str]:
    """Write ``files`` (relative POSIX path -> text) under ``target``, or nothing if any exists.

    Nothing is written outside ``target`` either: a folder on the way to a file that is a
    symbolic link leading out of ``target`` refuses the whole write (:class:`LinkOutsideError`).
    """
    leaving = _links_leaving(target, files)
    if leaving:
        raise LinkOutsideError(target, leaving)
    existing = [
        _display(target, rel)
        for rel in files
        if (target / rel).exists() or (target / rel).is_symlink()
    ]
    blocked = [
        _display(target, rel)
        for rel in files
        for parent in list(Path(rel).parents)[:-1]
        if (target / parent).exists() and not (target / parent).is_dir()
    ]
    if existing or blocked:
        raise FilesExistError(sorted(set(existing + blocked)))
    made: list[Path] = []  # files and folders this call created, in order
    try:
        for rel, text in files.items():
            path = target / rel
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            made.extend(reversed(missing))  # before mkdir: a folder it made before failing too
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                made.append(path)
                handle.write(text)
    except OSError as exc:
        _undo(made)
        raise cannot_write(exc, target) from exc
    return list(files)


def _undo(made: list[Path]) -> None:
    """Remove what a failed write created (a full disk half-way): no half-written repository."""
    for path in reversed(made):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()  # only while empty: nothing of the user's is removed
            else:
                path.unlink()


def _links_leaving(target: Path, files: dict[str, str]) -> list[str]:
    """The folders between ``target`` and the files that are links resolving outside it."""
    base = target.resolve()
    folders = {parent for rel in files for parent in list(Path(rel).parents)[:-1]}
    leaving = []
    for folder in sorted(folders):
        path = target / folder
        if path.is_symlink() and not path.resolve().is_relative_to(base):
            leaving.append(_display(target, folder.as_posix()))
    return leaving


def _data(*parts: str) -> str:
    return resources.files("spbe_cli.scaffold_data").joinpath(*parts).read_text("utf-8")


def _modeline(schema_rel: str) -> str:
    return f"# yaml-language-server: $schema={schema_rel}\n"


# -- spbe init -----------------------------------------------------------------------------------


def _metadata(options: InitOptions, jenis: Jenis, notes: list[str]) -> str:
    from spbe_cli.reference import load_reference, time_zone
    from spbe_cli.yamlio import dump_yaml

    wilayah = load_reference().wilayah
    if options.kode not in wilayah:
        notes.append(t("scaffold.kode_unknown", kode=options.kode))
    pemda: dict[str, Any] = {
        "nama": options.pemda,
        "jenis": jenis,
        "kode_kemendagri": options.kode,
    }
    if jenis != "provinsi":
        kode_prov = options.kode[:2]
        if kode_prov in wilayah:
            pemda["provinsi"] = {"nama": wilayah[kode_prov], "kode_kemendagri": kode_prov}
    zona = time_zone(options.kode)
    if zona is not None:
        pemda["zona_waktu"] = zona  # the date of spbe progress's "today"
    periode = {"mulai": options.tahun, "selesai": options.tahun + 4}

    def dokumen(judul: str) -> dict[str, Any]:
        return {"judul": f"{judul} {options.pemda}", "periode": dict(periode), "versi": "0.1"}

    peta_rencana = dokumen("Peta Rencana SPBE")
    peta_rencana["keterkaitan"] = [
        {
            "jenis": "rpjmd",
            "nama": f"RPJMD {options.pemda} {periode['mulai']}-{periode['selesai']}",
            "ilustratif": True,
        }
    ]
    data: dict[str, Any] = {
        "entitas": "metadata",
        "versi_skema": SCHEMA_VERSION,
        "pemda": pemda,
        "periode_rpjmd": dict(periode),
        "dokumen": {
            "masterplan": dokumen("Master Plan Smart City"),
            "arsitektur": {
                **dokumen("Arsitektur SPBE"),
                "penetapan": "PERKADA-ARSITEKTUR-SPBE",
            },
            "peta_rencana": peta_rencana,
        },
        "misi": [
            {
                "nomor": 1,
                "uraian": "Contoh misi: tata kelola pemerintahan terpadu berbasis SPBE.",
                "tujuan": [
                    {
                        "uraian": "Contoh tujuan: layanan pemerintahan mudah diakses daring.",
                        "ilustratif": True,
                        "sasaran": [
                            {
                                "uraian": "Contoh sasaran: meningkatnya layanan daring.",
                                "ilustratif": True,
                                "indikator": [
                                    {
                                        "nama": "Layanan publik yang dapat diajukan daring",
                                        "satuan": "layanan",
                                        "target": {options.tahun + 2: 10},
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "strategi_dimensi": {
            "governance": {
                "swot": {
                    "kekuatan": ["Contoh: sudah ada perangkat daerah pengelola SPBE."],
                    "kelemahan": ["Contoh: data sektoral tersebar di setiap perangkat daerah."],
                    "peluang": ["Contoh: Aplikasi Umum nasional dapat dipakai."],
                    "ancaman": ["Contoh: serangan siber pada layanan daring."],
                },
                "sasaran": [
                    {
                        "uraian": "Contoh sasaran dimensi: meningkatnya layanan daring.",
                        "indikator": [
                            {
                                "nama": "Layanan publik daring",
                                "satuan": "layanan",
                                "target": {options.tahun + 2: 10},
                            }
                        ],
                    }
                ],
                "ilustratif": True,
            }
        },
        "ilustratif": True,
        "catatan": (
            "Dibuat oleh spbe init. Periode, judul dokumen, misi dan analisis per dimensi adalah "
            "contoh: sesuaikan dengan RPJMD dan dokumen Pemda, lalu hapus 'ilustratif'."
        ),
    }

    header = (
        _modeline(f"../{SCHEMA_DIR}/{file_name('metadata')}")
        + "# Metadata katalog: Pemda, periode RPJMD, dan tiga dokumen yang disusun dari katalog.\n"
    )
    return header + dump_yaml(data)


def _catalog_examples(tahun: int, pemda: Pemda) -> dict[str, str]:
    """The example documents, years shifted to the first year of the period.

    The regional regulation example takes the Pemda's own kind (Perbup, Perwali or Pergub).
    """
    # The Pemda's name reaches YAML only as a JSON string, which is a YAML double-quoted scalar.
    title = f"Arsitektur SPBE {pemda.pemerintah} {tahun}-{tahun + 4}"
    title_yaml = json.dumps(" ".join(title.split()), ensure_ascii=False)
    root = resources.files("spbe_cli.scaffold_data").joinpath("katalog")
    files: dict[str, str] = {}
    todo = [(root, "")]
    while todo:
        folder, prefix = todo.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            rel = f"{prefix}{entry.name}"
            if entry.is_dir():
                todo.append((entry, rel + "/"))
            elif entry.name.endswith(".yaml"):
                text = entry.read_text("utf-8")
                for offset in range(5):
                    text = text.replace(f"@@T{offset}@@", str(tahun + offset))
                text = text.replace("@@PERKADA@@", pemda.peraturan_kepala_daerah)
                text = text.replace("@@JUDUL_PERKADA@@", title_yaml)
                kind = rel.split("/", 1)[0] if "/" in rel else None
                schema = file_name(kind) if kind in MODELS else file_name("katalog")
                up = "../" * (rel.count("/") + 1)
                files[f"{CATALOG_DIR}/{rel}"] = _modeline(f"{up}{SCHEMA_DIR}/{schema}") + text
    return dict(sorted(files.items()))


#: Globs of every catalog file: the YAML extension's ``**/`` does not match the top folder
#: itself, so ``metadata.yaml`` needs its own pattern.
CATALOG_GLOBS = (
    f"{CATALOG_DIR}/*.yaml",
    f"{CATALOG_DIR}/*.yml",
    f"{CATALOG_DIR}/**/*.yaml",
    f"{CATALOG_DIR}/**/*.yml",
)


def _vscode_settings() -> str:
    """``.vscode/settings.json``: the schemas for the YAML extension, ``spbe lsp`` for live checks.

    The language server runs through the Generic LSP Client extension (``zsol.vscode-glspc``,
    recommended in ``extensions.json``); docs/panduan.md explains the set-up.
    """
    settings = {
        "yaml.schemas": {f"./{SCHEMA_DIR}/{file_name('katalog')}": list(CATALOG_GLOBS)},
        "glspc.server.command": "spbe",
        "glspc.server.commandArguments": ["lsp"],
        "glspc.server.languageId": ["yaml"],
        "yaml.yamlVersion": "1.2",
        "yaml.validate": True,
        "yaml.completion": True,
        "yaml.hover": True,
        "[yaml]": {
            "editor.insertSpaces": True,
            "editor.tabSize": 2,
            "editor.autoIndent": "advanced",
            "editor.quickSuggestions": {"other": True, "comments": False, "strings": True},
        },
        "files.encoding": "utf8",
        "files.eol": "\n",
        "files.insertFinalNewline": True,
        "files.trimTrailingWhitespace": True,
    }
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def plan_init(options: InitOptions) -> tuple[dict[str, str], list[str]]:
    """Every file ``spbe init`` writes (relative path -> text), and notes for the user."""
    pemda = check_pemda(options.pemda)
    options = InitOptions(
        pemda,
        options.kode.strip(),
        options.jenis,
        options.tahun,
        options.spbe_repo,
        options.spbe_rev,
    )
    jenis = infer_jenis(pemda, options.kode, options.jenis)
    check_source(options.spbe_repo, options.spbe_rev)
    if not 2000 <= options.tahun <= 2095:
        raise UsageError(t("scaffold.bad_year", year=options.tahun))
    check_region_name(pemda, options.kode)
    notes: list[str] = []
    pip_spec = f"spbe @ git+{options.spbe_repo}@{options.spbe_rev}"

    def fill(text: str) -> str:
        return (
            text.replace("@@SPBE_PIP@@", pip_spec)
            .replace("@@SPBE_REPO@@", options.spbe_repo)
            .replace("@@SPBE_REV@@", options.spbe_rev)
        )

    readme = fill(_data("repo", "README.md"))
    readme = readme.replace("@@PEMDA@@", md_escape(pemda)).replace("@@KODE@@", options.kode)
    files: dict[str, str] = {
        "README.md": readme,
        ".gitignore": _data("repo", "gitignore"),
        ".github/workflows/spbe.yml": fill(_data("repo", "github-workflow.yml")),
        ".gitlab-ci.yml": fill(_data("repo", "gitlab-ci.yml")),
        ".pre-commit-config.yaml": fill(_data("repo", "pre-commit-config.yaml")),
        ".vscode/settings.json": _vscode_settings(),
        ".vscode/extensions.json": _data("repo", "vscode-extensions.json"),
        f"{CATALOG_DIR}/metadata.yaml": _metadata(options, jenis, notes),
    }
    own = Pemda(nama=pemda, jenis=jenis, kode_kemendagri=options.kode)
    files.update(_catalog_examples(options.tahun, own))
    for name, schema in all_schemas().items():
        files[f"{SCHEMA_DIR}/{name}"] = dumps(schema)
    return files, notes


#: Files a new repository on a hosting site often has already: kept as they are, with a note.
KEPT_IF_PRESENT = {"README.md": "scaffold.kept_readme", ".gitignore": "scaffold.kept_gitignore"}


def init_repository(target: Path, options: InitOptions) -> Result:
    """Write a new catalog repository into ``target`` (created if needed); never overwrite."""
    if target.exists() and not target.is_dir():
        raise SpbeError(t("scaffold.not_folder", path=target.as_posix()))
    files, notes = plan_init(options)
    for rel, message in KEPT_IF_PRESENT.items():
        path = target / rel
        if path.is_file() and not path.is_symlink():
            # A repository made on GitHub or GitLab starts with its own README.md or .gitignore:
            # that one is kept (never overwritten), and the note says what spbe would have added.
            wanted = [line for line in files.pop(rel).splitlines() if line and line[0] != "#"]
            notes.append(t(message, path=path.as_posix(), lines=", ".join(wanted)))
    return Result(write_all(target, files), notes)


# -- spbe new ------------------------------------------------------------------------------------


def _doc(info: FieldInfo) -> str:
    describe_fields()
    return " ".join((info.description or "").split())


def _model_of(annotation: Any) -> type[BaseModel] | None:
    inner = unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    if get_origin(inner) is list:
        return _model_of(get_args(inner)[0])
    return None


def _choices(kind: str, path: str) -> list[str]:
    """Allowed values of a field, from :mod:`spbe_cli.reference.values`.

    Its Literal, or the codes of the reference list it is checked against (``dimensi: elemen,
    ...`` for a grouped list). A list that is an example or one region's (wilayah, urusan) is
    no choice: none.
    """
    from spbe_cli.reference import load_reference, values

    fields = [field for field in values.find(kind, path) if field.closed]
    if not fields:
        return []
    field, ref = fields[0], load_reference()
    if field.grouped_by:
        return [f"{g}: {', '.join(codes)}" for g, codes in values.groups(field, ref).items()]
    return list(values.codes(field, ref))


def _targets(kind: str, name: str) -> tuple[str, ...]:
    from spbe_cli.links import REF_FIELDS

    return next((allowed for field, allowed in REF_FIELDS.get(kind, ()) if field == name), ())


def _comments(kind: str, path: str, info: FieldInfo, indent: str) -> list[str]:
    lines = [f"{indent}# {_doc(info)}"] if _doc(info) else []
    name = path.rpartition(".")[2]
    choices = _choices(kind, path)
    if len(choices) > 1 and any(":" in c for c in choices):
        lines.append(f"{indent}# Pilihan:")
        lines.extend(f"{indent}#   {c}" for c in choices)
    elif choices:
        lines.append(f"{indent}# Pilihan: {', '.join(choices)}")
    targets = _targets(kind, name)
    if targets:
        lines.append(f"{indent}# Berisi id: {' / '.join(targets)}")
    return lines


#: Fields the model leaves optional but an error-level rule (or a usual case) needs: a layanan
#: serves a proses bisnis (SPBE401), a Pemda application has an owner (SPBE411), a regulation in
#: force has a number and a year.
RULE_REQUIRED: dict[str, tuple[str, ...]] = {
    "layanan": ("proses_bisnis",),
    "aplikasi": ("pemilik",),
    "regulasi": ("nomor", "tahun"),
}


def _required(model: type[BaseModel], kind: str | None = None) -> list[tuple[str, FieldInfo]]:
    top_level = kind is not None and MODELS.get(kind) is model
    wanted = RULE_REQUIRED.get(kind or "", ()) if top_level else ()
    return [(n, i) for n, i in model.model_fields.items() if i.is_required() or n in wanted]


def _required_block(
    kind: str, model: type[BaseModel], indent: str, skip: set[str], prefix: str = ""
) -> list[str]:
    """Active lines for every required field, each with its comments and a placeholder."""
    lines: list[str] = []
    for name, info in _required(model, kind):
        if name in skip:
            continue
        lines.extend(_comments(kind, prefix + name, info, indent))
        nested = _model_of(info.annotation)
        is_list = get_origin(unwrap(info.annotation)) is list
        if nested is not None and not is_list:
            lines.append(f"{indent}{name}:")
            lines.extend(_required_block(kind, nested, indent + "  ", set(), f"{prefix}{name}."))
        elif is_list:
            lines.append(f'{indent}{name}: ["{PLACEHOLDER}"]')
        else:
            lines.append(f'{indent}{name}: "{PLACEHOLDER}"')
    return lines


def _shown_default(info: FieldInfo) -> str:
    from spbe_cli.yamlio import dump_yaml

    default = info.get_default(call_default_factory=True)
    if isinstance(default, BaseModel) or default is None:
        return ""
    if isinstance(default, bool):
        return " true" if default else " false"
    if isinstance(default, (list, dict)) and not default:
        return " []" if isinstance(default, list) else " {}"
    if isinstance(default, (str, int, float)):
        text = dump_yaml(default).splitlines()[0]
        return f" {text}"
    return ""


def _optional_block(kind: str, model: type[BaseModel]) -> list[str]:
    """Commented-out lines for every optional field, with the required fields of nested models."""
    lines: list[str] = []
    active = {name for name, _ in _required(model, kind)}
    for name, info in model.model_fields.items():
        if name in active:
            continue
        lines.append("")
        lines.extend(_comments(kind, name, info, ""))
        nested = _model_of(info.annotation)
        if nested is None:
            lines.append(f"# {name}:{_shown_default(info)}")
            continue
        lines.append(f"# {name}:")
        is_list = get_origin(unwrap(info.annotation)) is list
        fields = _required(nested) or list(nested.model_fields.items())[:1]
        for index, (sub, _sub_info) in enumerate(fields):
            bullet = "- " if is_list and index == 0 else "  " if is_list else ""
            lines.append(f"#   {bullet}{sub}:")
    return lines


def entity_text(kind: str, entity_id: str, schema_rel: str | None = None) -> str:
    """The text of a new entity file: required fields to fill in, optional ones commented out."""
    if kind not in ENTITY_KINDS:
        raise UsageError(t("scaffold.bad_kind", kind=kind, kinds=", ".join(ENTITY_KINDS)))
    check_id(entity_id)
    model = MODELS[kind]
    lines: list[str] = []
    if schema_rel is not None:
        lines.append(_modeline(schema_rel).rstrip("\n"))
    summary = " ".join((model.__doc__ or kind).split())
    lines += [
        f"# {summary}",
        f'# Ganti setiap "{PLACEHOLDER}" dengan isian yang benar, lalu jalankan `spbe validate`.',
        "# Isian pilihan ada di bagian bawah: hapus '# ' di depan baris untuk memakainya.",
        f"entitas: {kind}",
    ]
    info = model.model_fields["id"]
    lines.extend(_comments(kind, "id", info, ""))
    lines.append(f"id: {entity_id}")
    lines.extend(_required_block(kind, model, "", {"entitas", "id"}))
    lines += ["", "# --- Isian pilihan ---"]
    lines.extend(_optional_block(kind, model))
    return "\n".join(lines) + "\n"


def _taken(catalog_dir: Path, entity_id: str) -> tuple[str, str] | None:
    """The id already in the catalog that ``entity_id`` would clash with, and where it is."""
    from spbe_cli.catalog import id_skeleton
    from spbe_cli.loader import load_catalog

    if not catalog_dir.is_dir():
        return None
    catalog, _ = load_catalog(catalog_dir)
    wanted = id_skeleton(entity_id)
    for known in [*catalog.kinds, *catalog.invalid]:
        if id_skeleton(known) == wanted:
            source = catalog.sources.get(known)
            where = str(source.location("id")) if source is not None else catalog_dir.as_posix()
            return known, where
    return None


def _check_kind(kind: str) -> None:
    """Refuse a kind ``spbe new`` cannot write, saying what was meant or where it lives."""
    if kind in ENTITY_KINDS:
        return
    from spbe_cli.similarity import did_you_mean

    elsewhere = {"metadata": "scaffold.new_metadata", "referensi": "scaffold.new_referensi"}
    if kind in elsewhere:
        raise UsageError(t(elsewhere[kind]))
    message = t("scaffold.bad_kind", kind=kind, kinds=", ".join(ENTITY_KINDS))
    hint = did_you_mean(kind, ENTITY_KINDS)
    raise UsageError(with_hint(message, hint))


def new_entity(
    kind: str, entity_id: str, catalog_dir: Path, output: Path | None = None
) -> tuple[Path, list[str]]:
    """Write a new entity file (default ``<catalog>/<kind>/<id>.yaml``); never overwrite."""
    _check_kind(kind)
    check_id(entity_id)
    taken = _taken(catalog_dir, entity_id)
    if taken is not None:
        raise UsageError(t("scaffold.id_taken", id=entity_id, other=taken[0], where=taken[1]))
    path = output if output is not None else catalog_dir / kind / f"{entity_id}.yaml"
    notes: list[str] = []
    schema = catalog_dir.parent / SCHEMA_DIR / file_name(kind)
    schema_rel = None
    if schema.is_file():
        schema_rel = Path(os.path.relpath(schema, path.parent)).as_posix()
    else:
        notes.append(t("scaffold.no_schema", path=schema.parent.as_posix()))
    text = entity_text(kind, entity_id, schema_rel)
    if output is None:  # inside the catalog: its kind folder must not lead out of it
        write_all(catalog_dir, {f"{kind}/{entity_id}.yaml": text})
    else:  # a place the user named: written where they said
        write_all(path.parent, {path.name: text})
    return path, notes
