"""``spbe render``: load and check a catalog, render the documents, write or compare them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from spbe_cli.errors import ExitCode, Report, SpbeError, UsageError
from spbe_cli.formatting import tanggal
from spbe_cli.i18n import t
from spbe_cli.loader import ProgressHook
from spbe_cli.render.context import Counter, RenderInput
from spbe_cli.render.document import Figure
from spbe_cli.render.output import RenderedFile, check_output_folder, differing, write_output
from spbe_cli.render.registry import FORMATS, DocumentSpec, documents
from spbe_cli.render.to_docx import Picture

#: Folder, inside a catalog, whose templates override the built-in ones.
CATALOG_TEMPLATES = "templates"


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
    """Folders searched for templates, first match wins: --templates, catalog, built-in."""
    folders: list[tuple[Path, str]] = []
    if override is not None:
        if not override.is_dir():
            raise SpbeError(t("render.templates_missing", path=override.as_posix()))
        folders.append((override, override.as_posix().rstrip("/")))
    own = catalog / CATALOG_TEMPLATES
    if own.is_dir():
        folders.append((own, own.as_posix()))
    folders.append((builtin_templates(), BUILTIN_DISPLAY))
    return folders


#: The language of the documents: fixed by the catalog (Indonesian), never by LANG/SPBE_LANG.
DOCUMENT_LANGUAGE = "id"


class FigureBook:
    """Every figure of a run, drawn once and reused by every format and document."""

    def __init__(self, png: bool) -> None:
        self.png = png
        self._drawn: dict[Any, Any] = {}

    def _get(self, spec: Any) -> Any:
        found = self._drawn.get(spec)
        if found is None:
            from spbe_cli.render import figures

            if self.png:
                found = figures.render_figure(spec)
            else:
                found = figures.RenderedFigure(figures.draw_svg(spec), b"", 0.0, 0.0)
            self._drawn[spec] = found
        return found

    def svg(self, figure: Figure) -> str:
        """Inline SVG of a figure."""
        return str(self._get(figure.spec).svg)

    def picture(self, figure: Figure) -> Picture:
        """PNG and print size of a figure."""
        drawn = self._get(figure.spec)
        return Picture(drawn.png, drawn.width_cm, drawn.height_cm)


def template_name(spec: DocumentSpec, folders: list[tuple[Path, str]]) -> str:
    """The one template of a document: ``<name>.j2``, first folder that has it.

    An override folder that still holds the former ``<name>.md.j2`` keeps working: that file
    is document Markdown too.
    """
    for folder, _display in folders:
        for candidate in (spec.template(), spec.legacy_template()):
            if (folder / candidate).exists() or (folder / candidate).is_symlink():
                return candidate
    return spec.template()


def render_files(
    inp: RenderInput,
    specs: Sequence[DocumentSpec],
    formats: Sequence[str],
    folders: list[tuple[Path, str]],
    progress: ProgressHook | None = None,
) -> list[RenderedFile]:
    """Render every selected document in every selected format, in memory.

    Each document's template is rendered once into document Markdown, parsed once into a
    :class:`~spbe_cli.render.document.Document`, and every format is a writer of that tree.
    """
    from spbe_cli import i18n
    from spbe_cli.render import engine
    from spbe_cli.render.document import DocumentError, parse_document
    from spbe_cli.render.prose import Prose
    from spbe_cli.render.to_docx import DocxMeta, write_docx
    from spbe_cli.render.to_html import write_html
    from spbe_cli.render.to_markdown import write_markdown

    catalog = inp.catalog
    meta = catalog.metadata
    if meta is None:
        raise SpbeError(t("render.no_metadata"))
    prose = Prose(catalog.root, dict(meta.prosa))
    # Templates from a catalog or --templates are untrusted and run in Jinja's sandbox (then so
    # does everything they include). The built-in templates alone are the package's own code,
    # and the sandbox's per-attribute checks would triple the time of a national-scale render.
    sandboxed = any(display != BUILTIN_DISPLAY for _, display in folders)
    env = engine.make_environment(folders, "md", sandboxed=sandboxed)
    env.filters["tanggal"] = tanggal
    book = FigureBook(png="docx" in formats)
    from spbe_cli.render.standar import logo_image

    cover_logo = logo_image(inp)
    steps = [(spec, fmt) for spec in specs for fmt in formats if fmt in spec.formats]
    total = len(steps)
    done = 0
    files: list[RenderedFile] = []
    for spec in specs:
        mine = [fmt for fmt in formats if fmt in spec.formats]
        if not mine:
            continue
        # Document text is in the catalog's language; messages to the operator stay in theirs.
        with i18n.use_language(DOCUMENT_LANGUAGE):
            values = dict(spec.build(inp))
        figures = values.pop("gambar", {})
        dokumen = getattr(meta.dokumen, spec.dokumen) if spec.dokumen else None
        values.update(
            meta=meta,
            pemda=meta.pemda,
            dokumen=dokumen,
            opd=inp.opd,
            nama_opd=inp.opd_names,
            nama=inp.names,
            ref=catalog.reference,
            dokumen_nama=spec.name,
            extras=inp.extras,
            entitas=catalog.entities,
        )
        name = template_name(spec, folders)
        source = engine.render_template(env, name, _with_prose(values, prose))
        try:
            document = parse_document(spec.name, source, figures, name)
        except DocumentError as exc:
            raise SpbeError(t("render.directive", where=str(exc))) from exc
        if cover_logo is not None:
            document = dataclasses.replace(document, logo=cover_logo)
        for fmt in mine:
            if fmt == "md":
                text, sidecars = write_markdown(document, book.svg)
                files.append(RenderedFile(f"{spec.name}.md", text.encode("utf-8")))
                files.extend(
                    RenderedFile(path, svg.encode("utf-8")) for path, svg in sidecars.items()
                )
            elif fmt == "html":
                files.append(
                    RenderedFile(
                        f"{spec.name}.html", write_html(document, book.svg).encode("utf-8")
                    )
                )
            elif fmt == "docx":
                when = _document_date(dokumen, values)
                docx_meta = DocxMeta(
                    title=document.title,
                    author=meta.pemda.nama,
                    subject=getattr(dokumen, "judul", document.title),
                    keywords="SPBE",
                    date=datetime(when.year, when.month, when.day),
                    version=getattr(dokumen, "versi", ""),
                )
                files.append(
                    RenderedFile(f"{spec.name}.docx", write_docx(document, docx_meta, book.picture))
                )
            done += 1
            if progress is not None:
                progress(done, total)
    return files


def _document_date(dokumen: Any, values: dict[str, Any]) -> date:
    """The date in a file's properties: the document's own, never the clock."""
    found = getattr(dokumen, "tanggal", None) or values.get("tanggal_laporan")
    if isinstance(found, date):
        return found
    return date(dokumen.periode.mulai if dokumen else 2000, 1, 1)


def _with_prose(values: dict[str, Any], prose: Any) -> dict[str, Any]:
    result = dict(values)
    result["prosa"] = prose.markdown
    result["ada_prosa"] = prose.has
    result["cap"] = Counter()
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
    check_output_folder(options.out)
    catalog, report = validate_catalog(options.catalog, options.display, progress=load_progress)
    if report.errors and not options.force:
        return RenderOutcome(report, refused=True)
    folders = template_folders(options.catalog, options.templates)
    inp = RenderInput(catalog, report.findings, dict(options.extras))
    hook = render_progress(len(catalog)) if render_progress is not None else None
    files = render_files(inp, specs, formats, folders, hook)
    if options.check:
        return RenderOutcome(
            report,
            changed=differing(options.out, files),
            checked=True,
            written=[f.name for f in files],
        )
    return RenderOutcome(report, written=write_output(options.out, files))
