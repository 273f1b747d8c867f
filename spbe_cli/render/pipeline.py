"""``spbe render``: load and check a catalog, render the documents, write or compare them."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from spbe_cli import collector
from spbe_cli.errors import ExitCode, Report, SpbeError, UsageError
from spbe_cli.formatting import citation, tanggal
from spbe_cli.i18n import t
from spbe_cli.loader import StepHook
from spbe_cli.parallel import ForkedChild
from spbe_cli.parsing import unfilled_text
from spbe_cli.render.context import CaptionNumbers, RenderInput
from spbe_cli.render.document import LOGO_FILE, Figure
from spbe_cli.render.limits import RenderLimits
from spbe_cli.render.output import (
    ComparedFile,
    RenderedFile,
    StagedFile,
    check_output_folder,
    check_output_place,
    differing,
    write_output,
)
from spbe_cli.render.registry import FORMATS, DocumentSpec, build_context, documents
from spbe_cli.render.split import Destination, OutFile
from spbe_cli.render.to_docx import Picture

if TYPE_CHECKING:
    from jinja2 import Environment

    from spbe_cli.catalog import Catalog
    from spbe_cli.render.document import Document, DocumentError
    from spbe_cli.render.figures import ScreenSvg
    from spbe_cli.render.plain import Plainer
    from spbe_cli.render.prose import Prose

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


def template_readers(catalog: Path, override: Path | None) -> list[Callable[[str], str | None]]:
    """The Pemda's own template folders, each as the text of a template by file name or None.

    ``--templates`` first, then the catalog's ``templates/``, as render searches them (the
    built-in folder left out): which template each document is written from
    (:func:`pick_template`), for a "Daftar Perubahan" to place prose where it is printed.
    """
    builtin = builtin_templates()
    return [folder_reader(f) for f, _ in template_folders(catalog, override) if f != builtin]


def folder_reader(folder: Path) -> Callable[[str], str | None]:
    """A template folder as the text of a template by file name, or None when it has none.

    Read by render's own loader: a template the folder holds and render cannot read is
    :data:`~spbe_cli.render.engine.UNREADABLE` (render stops there; before, this reader said
    "none" and ``spbe diff`` and ``--since`` placed prose by the built-in template instead).
    """
    from spbe_cli.render.engine import FolderLoader

    return FolderLoader([(folder, folder.as_posix())]).text


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


#: The language of the documents: fixed by the catalog (Indonesian), never by LANG/SPBE_LANG.
DOCUMENT_LANGUAGE = "id"


#: From this many figures of a document on, they are drawn by two processes (both cores).
PARALLEL_FIGURES = 6


def draw_figure(spec: Any, png: bool) -> Any:
    """One figure as SVG, and as PNG when a DOCX needs it (module level: a worker calls it)."""
    from spbe_cli.render import figures

    return figures.render_figure(spec, png=png)


def _draw_plain(specs: list[Any], png: bool) -> list[tuple[str, bytes, float, float, int]]:
    """Figures as plain data, for a forked child to send back (see :meth:`FigureBook.prefetch`)."""
    drawn = [draw_figure(spec, png) for spec in specs]
    return [(d.svg, d.png, d.width_cm, d.height_cm, d.screen_min_px) for d in drawn]


def _can_fork() -> bool:
    """Fork only where it is safe: POSIX, and no other thread alive in this process."""
    import multiprocessing
    import os
    import threading

    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


#: The types of a figure drawn by a forked child, as :func:`_draw_plain` sends it.
_PLAIN_FIGURE = [str, bytes, float, float, int]


class FigureBook:
    """Every figure of a run, drawn once and reused by every format and document.

    Drawing is most of the time of a small catalog's render, so the figures of a document are
    handed to two worker processes as soon as its builder has made them (once there are enough
    of them to pay for starting the workers; a small run hands on those of every document at
    once, see :func:`_build_ahead`), and drawn while the templates run and the documents are
    parsed and written; a writer waits only for a figure not back yet. A figure's bytes depend
    only on its spec, so the output is the same as when drawn one by one. The workers are
    started once per run and serve every later document (each imports matplotlib once);
    :meth:`close` stops them.
    """

    def __init__(self, png: bool, *, workers: bool = True) -> None:
        self.png = png
        self._drawn: dict[Any, Any] = {}
        self._pending: dict[Any, Any] = {}
        self._pool: Any = None
        # Without workers (the documents are split between two processes already) each figure
        # is drawn where it is needed, or by a short-lived child (:meth:`draw_ahead_in_child`).
        self._serial = not workers
        self._forks = False
        self._batch: tuple[list[Any], ForkedChild] | None = None

    def draw_ahead_in_child(self) -> None:
        """From now on, draw each document's figures in one forked child while it is parsed.

        For the child of a split run (:mod:`.split`), which renders the heaviest document: a
        child of its own imports matplotlib and draws while the template runs, and exits.
        """
        self._serial = self._forks = True

    def prefetch(self, specs: Iterable[Any]) -> None:
        """Start drawing the figures not drawn yet, on the workers when it pays and is safe."""
        todo = [s for s in dict.fromkeys(specs) if s not in self._drawn and s not in self._pending]
        if todo and self._forks:
            self._collect()
            self._batch = (todo, ForkedChild(partial(_draw_plain, todo, self.png)))
            return
        if not todo or (self._pool is None and len(todo) < PARALLEL_FIGURES):
            return
        pool = self._workers()
        if pool is not None:
            for spec in todo:
                self._pending[spec] = pool.submit(draw_figure, spec, self.png)

    def _workers(self) -> Any:
        """The run's two worker processes (None where forking is not safe)."""
        if self._pool is None and not self._serial:
            # Checked once: the pool's own manager thread makes the process multi-threaded.
            if not _can_fork():
                self._serial = True
                return None
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from spbe_cli.render.figures import preload

            # Imported once here, and shared by both workers, instead of once in each.
            preload()
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=2, mp_context=context)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any were started (figures not collected are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            self._pending.clear()
        if self._batch is not None:
            self._batch[1].stop()
            self._batch = None

    def _collect(self) -> None:
        """Take the figures the drawing child sent (one it could not draw is drawn here)."""
        from spbe_cli.render.figures import RenderedFigure

        if self._batch is None:
            return
        specs, child = self._batch
        self._batch = None
        sent = child.result()
        if not isinstance(sent, list) or len(sent) != len(specs):
            return
        for spec, item in zip(specs, sent, strict=True):
            if isinstance(item, tuple) and [type(v) for v in item] == _PLAIN_FIGURE:
                self._drawn[spec] = RenderedFigure(*item)

    def _get(self, spec: Any) -> Any:
        found = self._drawn.get(spec)
        if found is None and self._batch is not None and spec in self._batch[0]:
            self._collect()
            found = self._drawn.get(spec)
        if found is None:
            pending = self._pending.pop(spec, None)
            found = pending.result() if pending is not None else draw_figure(spec, self.png)
            self._drawn[spec] = found
        return found

    def svg(self, figure: Figure) -> str:
        """Inline SVG of a figure."""
        return str(self._get(figure.spec).svg)

    def screen_svg(self, figure: Figure) -> ScreenSvg:
        """Inline SVG of a figure, with the narrowest it is shown on screen."""
        screen: ScreenSvg = self._get(figure.spec).screen
        return screen

    def picture(self, figure: Figure) -> Picture:
        """PNG and print size of a figure."""
        drawn = self._get(figure.spec)
        return Picture(drawn.png, drawn.width_cm, drawn.height_cm)


def _all_specs(figures: Iterable[Any]) -> list[Any]:
    """The figure specs a document's builder made (a key holds one, several or none)."""
    found: list[Any] = []
    for specs in figures:
        if isinstance(specs, tuple):
            found.extend(specs)
        elif specs is not None:
            found.append(specs)
    return found


def template_name(spec: DocumentSpec, folders: list[tuple[Path, str]]) -> str:
    """The one template of a document: ``<name>.j2``, first folder that has it.

    See :func:`pick_template`.
    """
    from spbe_cli.render.engine import template_present

    def holds(folder: Path) -> Callable[[str], bool]:
        return lambda name: template_present(folder / name)

    return pick_template(spec.template(), spec.legacy_template(), [holds(f) for f, _ in folders])


def pick_template(name: str, legacy: str, folders: Sequence[Callable[[str], bool]]) -> str:
    """Which file a document is written from: the one rule of render and of ``spbe diff``.

    The folders are searched in order (``--templates``, the catalog's ``templates/``, the
    built-in one: each tells whether it holds a file by its name), and the first that holds
    the document's template (``name``: ``<document>.j2``) or the former ``<document>.md.j2``
    (``legacy``: an override folder that still holds one keeps working, it is document
    Markdown too) gives it, the current name first. ``name`` when none does.
    """
    for holds in folders:
        for candidate in (name, legacy):
            if holds(candidate):
                return candidate
    return name


@dataclass(frozen=True)
class _Run:
    """What every document of one ``spbe render`` run shares."""

    inp: RenderInput
    env: Environment
    folders: list[tuple[Path, str]]
    prose: Prose
    plain: Plainer
    book: FigureBook
    logo: Any
    """The catalog's cover logo (None without one)."""
    limits: RenderLimits
    abbreviations: dict[str, str]
    """What a "Daftar Singkatan" may expand (:mod:`spbe_cli.render.abbreviations`)."""
    ahead: dict[str, dict[str, Any] | Exception] = field(default_factory=dict)
    """Contexts built ahead of their document's turn (or what building one raised), by name."""


def render_files(
    inp: RenderInput,
    specs: Sequence[DocumentSpec],
    formats: Sequence[str],
    folders: list[tuple[Path, str]],
    progress: StepHook | None = None,
    limits: RenderLimits | None = None,
    destination: Destination | None = None,
) -> Generator[OutFile, None, None]:
    """Render every selected document in every selected format, one file at a time.

    Each document's template is rendered once into document Markdown, parsed once into a
    :class:`~spbe_cli.render.document.Document`, and every format is a writer of that tree.
    Documents are done one after the other and their files handed on as soon as they are
    written, so only one document's tree is in memory at a time. Given the ``destination`` of
    the files, a large run gives its heaviest document to a forked child when a core is idle
    (:mod:`spbe_cli.render.split`); the files handed on are the same, in the same order.
    """
    with collector.few_collections():
        yield from _render_files(inp, specs, formats, folders, progress, limits, destination)


def _render_files(
    inp: RenderInput,
    specs: Sequence[DocumentSpec],
    formats: Sequence[str],
    folders: list[tuple[Path, str]],
    progress: StepHook | None,
    limits: RenderLimits | None,
    destination: Destination | None,
) -> Generator[OutFile, None, None]:
    from spbe_cli.render.split import MIN_ENTITIES, split_documents

    todo = [(spec, [fmt for fmt in formats if fmt in spec.formats]) for spec in specs]
    todo = [(spec, mine) for spec, mine in todo if mine]
    theirs = _child_share(inp, todo, destination)
    run = _start_run(inp, folders, formats, limits or RenderLimits(), figure_workers=not theirs)
    render = partial(_document_files, run)
    try:
        if theirs and destination is not None:
            in_child = partial(_figures_ahead, run.book)
            yield from split_documents(todo, theirs, render, progress, destination, in_child)
        else:
            if len(inp.catalog) < MIN_ENTITIES:
                _build_ahead(run, [spec for spec, _ in todo])
            yield from _documents(todo, render, progress)
    finally:
        run.book.close()


def _build_ahead(run: _Run, specs: Sequence[DocumentSpec]) -> None:
    """Build every document's context now, and hand all their figures to the figure book.

    For a small run, where drawing the figures is most of the time: both cores draw from the
    start, the figures of later documents while the first ones are written, instead of one
    document's figures at a time with a core idle between. The contexts are small, and wait
    for their document's turn. A builder that fails stops the building; its error is raised
    when its document's turn comes, after the documents before it, as in a run without this.
    """
    figures: list[Any] = []
    for spec in specs:
        try:
            built = _build(run, spec)
        except Exception as exc:  # raised again by _built, in document order
            run.ahead[spec.name] = exc
            break
        run.ahead[spec.name] = built
        figures.extend(_all_specs(built.get("gambar", {}).values()))
    run.book.prefetch(figures)


def _build(run: _Run, spec: DocumentSpec) -> dict[str, Any]:
    """A document's template context as its builders make it (figure specs under ``gambar``)."""
    from spbe_cli import i18n

    # Document text is in the catalog's language; messages to the operator stay in theirs.
    with i18n.use_language(DOCUMENT_LANGUAGE):
        return build_context(spec, run.inp)


def _built(run: _Run, spec: DocumentSpec) -> dict[str, Any]:
    """A document's context: the one built ahead, else built now."""
    ahead = run.ahead.pop(spec.name, None)
    if isinstance(ahead, Exception):
        raise ahead
    return ahead if ahead is not None else _build(run, spec)


@contextmanager
def _figures_ahead(book: FigureBook) -> Iterator[None]:
    """In the child of a split run: its figures drawn ahead by a child of its own."""
    book.draw_ahead_in_child()
    try:
        yield
    finally:
        book.close()


def _child_share(
    inp: RenderInput, todo: list[tuple[DocumentSpec, list[str]]], destination: Destination | None
) -> set[str]:
    """The documents a forked child renders (none: one process), see :mod:`.split`."""
    from spbe_cli.parallel import core_idle
    from spbe_cli.render.split import MIN_ENTITIES, child_share

    catalog = inp.catalog
    if destination is None:
        return set()
    theirs = child_share(todo, lambda spec: sum(len(catalog.ids_of(k)) for k in spec.kinds))
    return theirs if theirs and core_idle(len(catalog), MIN_ENTITIES) else set()


def _documents(
    todo: list[tuple[DocumentSpec, list[str]]],
    render: Callable[[DocumentSpec, list[str]], Iterator[list[RenderedFile]]],
    progress: StepHook | None,
) -> Iterator[RenderedFile]:
    total = sum(len(mine) for _, mine in todo)
    done = 0
    for spec, mine in todo:
        for files in render(spec, mine):
            yield from files
            done += 1
            if progress is not None:
                progress(done, total)


def _document_files(
    run: _Run, spec: DocumentSpec, formats: list[str]
) -> Iterator[list[RenderedFile]]:
    """One document's files, a list per format (the parsed document lives while they are made)."""
    document, dokumen, when = _parse(run, spec)
    for fmt in formats:
        yield _write(run, document, spec, fmt, dokumen, when)


def _start_run(
    inp: RenderInput,
    folders: list[tuple[Path, str]],
    formats: Sequence[str],
    limits: RenderLimits,
    *,
    figure_workers: bool = True,
) -> _Run:
    """The environment, prose, figure book and logo every document of the run shares."""
    from spbe_cli.render import engine
    from spbe_cli.render.abbreviations import known_abbreviations
    from spbe_cli.render.document import read_logo
    from spbe_cli.render.plain import Plainer
    from spbe_cli.render.prose import Prose

    catalog = inp.catalog
    if catalog.metadata is None:
        raise SpbeError(t("render.no_metadata"))
    # Templates from a catalog or --templates are untrusted and run in the sandbox (then so
    # does everything they include). The built-in templates alone are the package's own code,
    # and the sandbox's per-attribute checks add about 40 % to a national-scale render;
    # they receive the same plain data all the same.
    sandboxed = any(display != BUILTIN_DISPLAY for _, display in folders)
    env = engine.make_environment(folders, "md", sandboxed=sandboxed, limits=limits)
    env.filters["tanggal"] = tanggal
    # A regulation by its citation without its status: "akan ditetapkan dengan {{ r|sebutan }}".
    env.filters["sebutan"] = partial(citation, pemda=catalog.metadata.pemda.nama, status=False)
    # An element's reference code and its mark: "{{ e|kode_elemen('aplikasi') }}".
    marks = engine.code_marks((kode, node.status) for kode, node in catalog.reference.codes.items())
    env.filters["kode_elemen"] = partial(engine.element_code, marks=marks)
    return _Run(
        inp=inp,
        env=env,
        folders=folders,
        prose=Prose(catalog.prose, catalog.root_display),
        # one per run: what the documents share (labels, reference data) is converted once
        plain=Plainer(),
        book=FigureBook(png="docx" in formats, workers=figure_workers),
        logo=read_logo(catalog),
        limits=limits,
        abbreviations=known_abbreviations(catalog.reference, inp.of_kind("opd")),
    )


def _parse(run: _Run, spec: DocumentSpec) -> tuple[Document, Any, date]:
    """Build one document's context, render its template and parse the document Markdown.

    Returns the document, its metadata entry and the date its files carry.
    """
    from spbe_cli.render.document import DocumentError, parse_document

    meta = run.inp.catalog.metadata
    assert meta is not None
    dokumen = getattr(meta.dokumen, spec.dokumen) if spec.dokumen else None
    built = _built(run, spec)
    # Figure specs go to the writers, never to a template.
    figures = built.pop("gambar", {})
    # Each drawn once, on both cores when there are enough, and before the template runs:
    # a worker starts as a copy of this process, the smaller the better. (Those built ahead
    # were handed on already.)
    run.book.prefetch(_all_specs(figures.values()))
    when = _document_date(dokumen, built)
    name = template_name(spec, run.folders)
    try:
        # The template's text goes straight to the parser, which drops it once split into
        # lines; the context is gone by then (see _source).
        document = parse_document(
            spec.name,
            _source(run, spec, dokumen, built, name),
            figures,
            name,
            run.abbreviations,
        )
    except DocumentError as exc:
        raise _directive_error(run.env, name, exc) from exc
    return replace(document, logo=run.logo), dokumen, when


def _directive_error(env: Environment, name: str, exc: DocumentError) -> SpbeError:
    """An unknown directive, named at the template's file and line.

    The line where the template writes the directive, when it does so literally; else (written
    by an include or from a value) the line of the Markdown the template made. The template is
    read again through the environment's loader, by the rules it was first read by.
    """
    from spbe_cli.markup import clip

    shown = clip(exc.directive, 200)  # a loop may make a fence of megabytes
    source, filename = "", name
    if env.loader is not None:
        # Jinja's TemplateNotFound is an OSError: the template changed or went since it ran.
        with suppress(OSError):
            source, path, _ = env.loader.get_source(env, name)
            filename = path or name
    found = [n for n, text in enumerate(source.split("\n"), 1) if text.strip() == exc.directive]
    if len(found) == 1:
        return SpbeError(t("render.directive", where=f"{filename}:{found[0]}", directive=shown))
    return SpbeError(t("render.directive_made", where=filename, line=exc.line, directive=shown))


def _source(run: _Run, spec: DocumentSpec, dokumen: Any, built: dict[str, Any], name: str) -> str:
    """The document Markdown of one template; ``built`` is emptied once the template ran.

    The context of a national-scale document is tens of megabytes; it is let go (and what was
    converted for this document only) before its text is parsed into the larger tree.
    """
    from spbe_cli.render import engine

    values = template_values(run.inp, spec, dokumen, run.plain, built)
    try:
        return engine.render_template(run.env, name, _with_prose(values, run.prose), run.limits)
    finally:
        built.clear()
        run.plain.forget_document()


def _write(
    run: _Run,
    document: Document,
    spec: DocumentSpec,
    fmt: str,
    dokumen: Any,
    when: date,
) -> list[RenderedFile]:
    """Write one parsed document in one format (Markdown with its figure files)."""
    from spbe_cli.render.to_docx import DocxMeta, write_docx
    from spbe_cli.render.to_html import write_html
    from spbe_cli.render.to_markdown import write_markdown

    if fmt == "md":
        text, sidecars = write_markdown(document, run.book.svg)
        return [
            RenderedFile(f"{spec.name}.md", text),
            *(RenderedFile(path, data) for path, data in sidecars.items()),
        ]
    if fmt == "html":
        return [RenderedFile(f"{spec.name}.html", write_html(document, run.book.screen_svg))]
    meta = run.inp.catalog.metadata
    assert meta is not None
    docx_meta = DocxMeta(
        title=document.title,
        author=meta.pemda.nama,
        subject=getattr(dokumen, "judul", document.title),
        keywords="SPBE",
        date=datetime(when.year, when.month, when.day),
        version=getattr(dokumen, "versi", ""),
    )
    return [RenderedFile(f"{spec.name}.docx", write_docx(document, docx_meta, run.book.picture))]


def _document_date(dokumen: Any, built: dict[str, Any]) -> date:
    """The date in a file's properties: the document's own, never the clock."""
    found = getattr(dokumen, "tanggal", None) or built.get("tanggal_laporan")
    if isinstance(found, date):
        return found
    return date(dokumen.periode.mulai if dokumen else 2000, 1, 1)


#: Keys of ``extras`` that are inputs of the document builders, never handed to a template.
BUILDER_ONLY_EXTRAS = frozenset({"earlier"})


def template_values(
    inp: RenderInput,
    spec: DocumentSpec,
    dokumen: Any,
    plain: Plainer,
    built: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The context of one document's template, as plain data (see :mod:`.plain`).

    What every document shows (labels, reference data, the metadata) is converted for the
    whole run; the builder's values for this document only.
    """
    from spbe_cli.render.engine import code_marks
    from spbe_cli.render.plain import Lookup, Records

    catalog = inp.catalog
    meta = catalog.metadata
    assert meta is not None
    values = build_context(spec, inp) if built is None else dict(built)
    values.pop("gambar", None)
    result = {name: plain(value) for name, value in values.items()}
    marks = code_marks((kode, node.status) for kode, node in catalog.reference.codes.items())
    shared = {
        "tanda_kode": Lookup(marks, ""),
        "tanda_kode_dipakai": _marks_shown(inp, spec, marks),
        "meta": meta,
        "pemda": meta.pemda,
        "dokumen": dokumen,
        "opd": inp.opd,
        "nama_opd": inp.opd_names,
        "nama": inp.names,
        "dasar_hukum": inp.legal_basis,
        "ref": catalog.reference,
        "dokumen_nama": spec.name,
        "extras": {k: v for k, v in inp.extras.items() if k not in BUILDER_ONLY_EXTRAS},
        "entitas": Records(catalog.entities, plain.shared),
    }
    result.update((name, plain.shared(value)) for name, value in shared.items())
    return result


def _marks_shown(inp: RenderInput, spec: DocumentSpec, marks: dict[str, str]) -> list[str]:
    """The code marks (``†``, ``‡``) a document shows, for its legend to explain them."""
    from spbe_cli.models import DOMAINS
    from spbe_cli.render.engine import marks_shown

    shown = [kind for kind in DOMAINS if kind in spec.kinds]
    return marks_shown(((kind, e) for kind in shown for e in inp.of_kind(kind)), marks)


def _with_prose(values: dict[str, Any], prose: Prose) -> dict[str, Any]:
    from markupsafe import Markup

    from spbe_cli.render.plain import Lookup

    result = dict(values)
    sections = prose.sections
    result["prosa"] = Lookup({s: prose.markdown(s) for s in sections}, Markup(""))
    result["ada_prosa"] = Lookup({s: prose.has(s) for s in sections}, False)
    result["cap"] = CaptionNumbers()
    return result


def render_catalog(
    options: RenderOptions,
    load_progress: StepHook | None = None,
    render_progress: Callable[[int], StepHook | None] | None = None,
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
    check_output_place(
        options.out, [options.catalog, *(f for f, _ in folders[:-1])], _files_read(catalog)
    )
    catalog.share_field_sets()  # rendering holds the catalog beside its largest document
    catalog.mark_unfilled(unfilled_text)  # "[ISI]" reads "(belum diisi)", not as a name
    inp = RenderInput(catalog, report.findings, dict(options.extras))
    hook = render_progress(len(catalog)) if render_progress is not None else None
    files = render_files(
        inp, specs, formats, folders, hook, options.limits, Destination(options.out, options.check)
    )
    try:
        return _deliver(options, report, files, [s.name for s in specs if "md" in s.formats])
    finally:
        files.close()  # a child still running is stopped, and what it staged removed


def _files_read(catalog: Catalog) -> list[Path]:
    """The files other than YAML that the catalog names: its prose and its logo."""
    named = [prose.path for prose in catalog.prose.values() if prose.path is not None]
    logo = catalog.logo.rel if catalog.logo is not None else LOGO_FILE
    return [*named, catalog.root / logo]


def _deliver(
    options: RenderOptions, report: Report, files: Iterator[OutFile], markdown: list[str]
) -> RenderOutcome:
    """Write the files (or compare them, ``--check``); ``markdown``: documents with a .md."""
    from spbe_cli.render.to_markdown import stale_figures

    as_markdown = markdown if "md" in select_formats(options.formats) else []

    def stale(written: list[str]) -> list[str]:
        return stale_figures(options.out, as_markdown, written)

    # A child compares under --check and stages otherwise: only these kinds come back.
    if options.check:
        names: list[str] = []
        compared = cast("Iterator[RenderedFile | ComparedFile]", files)
        changed = differing(options.out, compared, names)
        return RenderOutcome(report, changed=[*changed, *stale(names)], checked=True, written=names)
    staged = cast("Iterator[RenderedFile | StagedFile]", files)
    return RenderOutcome(report, written=write_output(options.out, staged, stale))
