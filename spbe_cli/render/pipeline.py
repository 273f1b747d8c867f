"""``spbe render``: load and check a catalog, render the documents, write or compare them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spbe_cli.errors import ExitCode, Report, SpbeError, UsageError
from spbe_cli.formatting import tanggal
from spbe_cli.i18n import t
from spbe_cli.loader import ProgressHook
from spbe_cli.render.context import Counter, RenderInput
from spbe_cli.render.limits import RenderLimits
from spbe_cli.render.output import RenderedFile, check_output_folder, differing, write_output
from spbe_cli.render.registry import FORMATS, DocumentSpec, documents

if TYPE_CHECKING:
    from spbe_cli.render.prose import Prose

#: Folder, inside a catalog, whose templates override the built-in ones.
CATALOG_TEMPLATES = "templates"
_TITLE = re.compile(r"^# (.+)$", re.M)


@dataclass
class RenderOptions:
    """What the command line asks for."""

    catalog: Path
    out: Path
    docs: Sequence[str] = ("all",)
    formats: Sequence[str] = FORMATS
    templates: Path | None = None
    force: bool = False
    check: bool = False
    display: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    limits: RenderLimits = field(default_factory=RenderLimits)


@dataclass
class RenderOutcome:
    """What happened: the check report, and the files written or found different."""

    report: Report
    refused: bool = False
    written: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def return_code(self) -> ExitCode:
        """1 when refused or (with --check) when files differ, else 0."""
        if self.refused or (self.checked and self.changed):
            return ExitCode.FINDINGS
        return ExitCode.OK


def select_documents(names: Sequence[str]) -> list[DocumentSpec]:
    """The documents named on the command line (``all`` means every one), in document order."""
    known = documents()
    wanted: set[str] = set()
    for name in names:
        for part in (p.strip() for p in name.split(",")):
            if part == "all":
                wanted.update(known)
            elif part in known:
                wanted.add(part)
            elif part:
                raise UsageError(
                    t("render.unknown_doc", name=part, known=", ".join([*known, "all"]))
                )
    return [spec for name, spec in known.items() if name in wanted]


def select_formats(names: Sequence[str]) -> list[str]:
    """The formats named on the command line (comma-separated allowed), in output order."""
    wanted: set[str] = set()
    for name in names:
        for part in (p.strip().lower() for p in name.split(",")):
            if part == "all":
                wanted.update(FORMATS)
            elif part in FORMATS:
                wanted.add(part)
            elif part:
                raise UsageError(t("render.unknown_format", name=part, known=", ".join(FORMATS)))
    return [fmt for fmt in FORMATS if fmt in wanted]


#: How the built-in template folder is named in messages.
BUILTIN_DISPLAY = "(bawaan)"


def builtin_templates() -> Path:
    """The folder of the built-in templates (``templates/``, shipped as spbe_cli.templates)."""
    return Path(str(resources.files("spbe_cli.templates")))


def template_folders(catalog: Path, override: Path | None) -> list[tuple[Path, str]]:
    """Folders searched for templates, first match wins: --templates, catalog, built-in.

    A template folder that is a symlink, or that is or holds a ``.git`` folder, is refused: a
    ``templates`` link to the repository root would make ``.git/config`` an include.
    """
    folders: list[tuple[Path, str]] = []
    if override is not None:
        if not override.is_dir():
            raise SpbeError(t("render.templates_missing", path=override.as_posix()))
        _check_template_folder(override)
        folders.append((override, override.as_posix().rstrip("/")))
    own = catalog / CATALOG_TEMPLATES
    if own.is_symlink():
        raise SpbeError(t("render.templates_symlink", path=own.as_posix()))
    if own.is_dir():
        _check_template_folder(own)
        folders.append((own, own.as_posix()))
    folders.append((builtin_templates(), BUILTIN_DISPLAY))
    return folders


def _check_template_folder(folder: Path) -> None:
    if folder.is_symlink():
        raise SpbeError(t("render.templates_symlink", path=folder.as_posix()))
    real = folder.resolve()
    if (real / ".git").exists() or ".git" in real.parts:
        raise SpbeError(t("render.templates_git", path=folder.as_posix()))


def check_catalog_root(catalog: Path) -> None:
    """Refuse a catalog folder given as a symlink (its files would come from elsewhere)."""
    if catalog.is_symlink():
        raise SpbeError(t("render.root_symlink", path=catalog.as_posix()))


def render_files(
    inp: RenderInput,
    specs: Sequence[DocumentSpec],
    formats: Sequence[str],
    folders: list[tuple[Path, str]],
    progress: ProgressHook | None = None,
    limits: RenderLimits | None = None,
) -> list[RenderedFile]:
    """Render every selected document in every selected format, in memory."""
    from spbe_cli.render import engine
    from spbe_cli.render.plain import Plainer
    from spbe_cli.render.prose import Prose

    limits = limits or RenderLimits()
    catalog = inp.catalog
    meta = catalog.metadata
    if meta is None:
        raise SpbeError(t("render.no_metadata"))
    prose = Prose(catalog.root, dict(meta.prosa))
    # Templates from a catalog or --templates are untrusted and run in the sandbox (then so
    # does everything they include). The built-in templates alone are the package's own code,
    # and the sandbox's per-attribute checks add about 40 % to a national-scale render;
    # they receive the same plain data all the same.
    sandboxed = any(display != BUILTIN_DISPLAY for _, display in folders)
    envs = {
        fmt: engine.make_environment(folders, fmt, sandboxed=sandboxed, limits=limits)
        for fmt in ("md", "html")
    }
    for env in envs.values():
        env.filters["tanggal"] = tanggal
    plain = Plainer()  # one per run: entities shared by the documents are converted once
    steps = [(spec, fmt) for spec in specs for fmt in formats if fmt in spec.formats]
    total = len(steps)
    done = 0
    files: list[RenderedFile] = []
    for spec in specs:
        mine = [fmt for fmt in formats if fmt in spec.formats]
        if not mine:
            continue
        dokumen = getattr(meta.dokumen, spec.dokumen) if spec.dokumen else None
        values = template_values(inp, spec, dokumen, plain)
        markdown: str | None = None
        for fmt in mine:
            if fmt in ("md", "docx") and markdown is None:
                markdown = engine.render_template(
                    envs["md"], spec.template("md"), _with_prose(values, prose, "md"), limits
                )
            if fmt == "md":
                assert markdown is not None
                files.append(RenderedFile(f"{spec.name}.md", markdown.encode("utf-8")))
            elif fmt == "html":
                html = engine.render_template(
                    envs["html"], spec.template("html"), _with_prose(values, prose, "html"), limits
                )
                files.append(
                    RenderedFile(f"{spec.name}.html", engine.insert_toc(html).encode("utf-8"))
                )
            elif fmt == "docx":
                from spbe_cli.render.word import DocxMeta, markdown_to_docx

                assert markdown is not None
                title = _TITLE.search(markdown)
                when = getattr(dokumen, "tanggal", None) or date(
                    dokumen.periode.mulai if dokumen else 2000, 1, 1
                )
                docx_meta = DocxMeta(
                    title=_strip_md(title.group(1)) if title else spec.name,
                    author=meta.pemda.nama,
                    subject=getattr(dokumen, "judul", spec.name),
                    keywords="SPBE",
                    date=datetime(when.year, when.month, when.day),
                    version=getattr(dokumen, "versi", ""),
                )
                data = markdown_to_docx(markdown, docx_meta)
                files.append(RenderedFile(f"{spec.name}.docx", data))
            done += 1
            if progress is not None:
                progress(done, total)
    return files


#: Keys of ``extras`` that are inputs of the document builders, never handed to a template.
BUILDER_ONLY_EXTRAS = frozenset({"earlier"})


def template_values(
    inp: RenderInput, spec: DocumentSpec, dokumen: Any, plain: Callable[[Any], Any]
) -> dict[str, Any]:
    """The context of one document's templates, as plain data (see :mod:`.plain`)."""
    catalog = inp.catalog
    meta = catalog.metadata
    assert meta is not None
    values = dict(spec.build(inp))
    values.update(
        meta=meta,
        pemda=meta.pemda,
        dokumen=dokumen,
        opd=inp.opd,
        nama=inp.names,
        ref=catalog.reference,
        dokumen_nama=spec.name,
        extras={k: v for k, v in inp.extras.items() if k not in BUILDER_ONLY_EXTRAS},
        entitas=catalog.entities,
    )
    return {name: plain(value) for name, value in values.items()}


def _strip_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _with_prose(values: dict[str, Any], prose: Prose, fmt: str) -> dict[str, Any]:
    from markupsafe import Markup

    from spbe_cli.render.plain import Lookup

    result = dict(values)
    sections = prose.sections
    result["prosa"] = Lookup(
        {s: prose.markdown(s) if fmt == "md" else prose.html(s) for s in sections}, Markup("")
    )
    result["ada_prosa"] = Lookup({s: prose.has(s) for s in sections}, False)
    result["cap"] = Counter()
    result["format"] = fmt
    return result


def render_catalog(
    options: RenderOptions,
    load_progress: ProgressHook | None = None,
    render_progress: Callable[[int], ProgressHook | None] | None = None,
) -> RenderOutcome:
    """Check the catalog, render the documents and write them (or compare with ``--check``).

    ``render_progress`` is called with the number of entities once the catalog is loaded and
    may return a hook for the rendering steps.

    Raises:
        SpbeError: the catalog, the templates or the output folder cannot be used, or a
            template fails (the message names template and line).
    """
    from spbe_cli.validate import validate_catalog

    specs = select_documents(options.docs)
    formats = select_formats(options.formats)
    check_catalog_root(options.catalog)
    check_output_folder(options.out)
    catalog, report = validate_catalog(options.catalog, options.display, on_step=load_progress)
    if report.errors and not options.force:
        return RenderOutcome(report, refused=True)
    folders = template_folders(options.catalog, options.templates)
    inp = RenderInput(catalog, report.findings, dict(options.extras))
    hook = render_progress(len(catalog)) if render_progress is not None else None
    files = render_files(inp, specs, formats, folders, hook, options.limits)
    if options.check:
        return RenderOutcome(
            report,
            changed=differing(options.out, files),
            checked=True,
            written=[f.name for f in files],
        )
    return RenderOutcome(report, written=write_output(options.out, files))
