"""The template engine: a sandboxed Jinja environment per output format.

Templates are looked up in the override folders first (``--templates DIR``, then
``<catalog>/templates/``) and in the built-in ``templates/`` last. Every template, built-in or
not, runs in Jinja's sandbox with ``StrictUndefined``; a template name cannot leave its folder
(``..`` is refused by Jinja, a symlink pointing outside by :class:`FolderLoader`). Catalog text
is only ever a value: nothing from the catalog is compiled as a template.

HTML templates autoescape. Markdown templates autoescape too, but with Markdown escaping: every
value printed with ``{{ }}`` goes through :func:`md_escape` unless it is already markup (a
macro's output, prose, a caption).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    pass_context,
)
from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from markupsafe import Markup

from spbe_cli.cache import read_at_most
from spbe_cli.errors import SpbeError
from spbe_cli.formatting import (
    KOSONG,
    LABEL_JENIS_REGULASI,
    kapital,
    rentang,
    romawi,
    rupiah_marked,
)
from spbe_cli.i18n import t
from spbe_cli.markup import clip, md_escape, mermaid_text, newlines
from spbe_cli.plan import Amount
from spbe_cli.render import context as ctx
from spbe_cli.render.limits import RenderLimits
from spbe_cli.render.sandbox import (
    MarkdownEnvironment,
    MarkdownSandbox,
    SpbeSandbox,
    TemplateLimitError,
    TemplateTimeoutError,
    load_bounds,
    render_bounded,
    value_text,
    without_address,
)
from spbe_cli.yamlio import YamlProblem, decode


class TemplateOutsideError(TemplateNotFound):
    """A template name resolves (through a symlink) outside its template folder."""


class TemplateUnreadableError(TemplateNotFound):
    """A template file is not UTF-8 text (UTF-16, an undecodable byte): where, and why."""

    def __init__(self, template: str, filename: str, problem: YamlProblem) -> None:
        super().__init__(template)
        self.filename = filename
        self.problem = problem


#: Largest template file read (bytes). The built-in ones are about 12 KB; compiling costs some
#: 20 seconds and a gigabyte of memory per megabyte of template.
MAX_TEMPLATE_BYTES = 512 * 1024


class TemplateFileTooLargeError(TemplateNotFound):
    """A template file is larger than :data:`MAX_TEMPLATE_BYTES`."""

    def __init__(self, template: str, filename: str) -> None:
        super().__init__(template)
        self.filename = filename


class TemplateNotRegularError(TemplateNotFound):
    """A template name is a folder, a FIFO, a device or a socket, not a file."""

    def __init__(self, template: str, filename: str) -> None:
        super().__init__(template)
        self.filename = filename


def _read_template(path: Path, template: str, filename: str) -> bytes:
    """The bytes of a template file; refuse what is not a regular file or is too large.

    Opened without blocking and checked on the open descriptor: a FIFO named like a template
    never hangs the render, and a folder or FIFO in place of a template is refused rather than
    passed over for the built-in one.
    """
    # Jinja's TemplateNotFound is an OSError: only the system calls are in the try blocks.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise TemplateNotFound(template, f"{template}: {exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        data = read_at_most(fd, MAX_TEMPLATE_BYTES) if stat.S_ISREG(mode) else b""
    except OSError as exc:
        raise TemplateNotFound(template, f"{template}: {exc}") from exc
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        raise TemplateNotRegularError(template, filename)
    if len(data) > MAX_TEMPLATE_BYTES:  # read one byte more than allowed: never the whole file
        raise TemplateFileTooLargeError(template, filename)
    return data


class FolderLoader(BaseLoader):
    """Load templates from folders in order; never read a file outside them."""

    def __init__(self, folders: Iterable[tuple[Path, str]]) -> None:
        self.folders = list(folders)
        self.filenames: set[str] = set()
        self.shown: dict[str, str] = {}
        """The file name shown in messages of each template name found."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Find ``template`` in the first folder that has it."""
        del environment
        pieces = split_template_path(template)
        for folder, display in self.folders:
            try:
                root = folder.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            candidate = root.joinpath(*pieces)
            if not template_present(candidate):
                continue
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                raise TemplateOutsideError(template) from None
            if not real.is_relative_to(root):
                raise TemplateOutsideError(template)
            filename = f"{display}/{'/'.join(pieces)}"
            self.shown[template] = filename
            data = _read_template(real, template, filename)
            source, problem = decode_template(data)
            if source is None:
                assert problem is not None
                raise TemplateUnreadableError(template, filename, problem)
            self.filenames.add(filename)
            return source, filename, lambda: True
        raise TemplateNotFound(template)

    def text(self, template: str) -> str | None:
        """A template's text; None when no folder holds it, :data:`UNREADABLE` when unreadable.

        Unreadable: a folder holds it and render cannot read it (not UTF-8, too large, not a
        file, outside its folder).

        For what render would write (``spbe diff``, the "Daftar Perubahan" of ``--since``):
        the very lookup render makes, so that neither falls back to another template.
        """
        try:
            return self.get_source(None, template)[0]  # type: ignore[arg-type]
        except TemplateNotFound as exc:
            return None if type(exc) is TemplateNotFound else UNREADABLE


class _Unreadable(str):
    """The text of a template a folder holds and render cannot read (see :data:`UNREADABLE`)."""

    __slots__ = ()


#: What a template reader gives for a template a folder holds and render cannot read: render
#: stops there, never taking the next folder's (compare with ``is``).
UNREADABLE: str = _Unreadable()


def template_present(path: Path) -> bool:
    """Whether a template folder holds ``path``: render takes it, readable or not.

    A link counts even when broken, and so does a folder or FIFO by the name: render refuses
    it rather than passing it over for the next folder's template.
    """
    try:
        return path.exists() or path.is_symlink()
    except OSError:  # a name the system refuses (too long): no such template
        return False


def decode_template(data: bytes) -> tuple[str | None, YamlProblem | None]:
    """A template file's text by the catalog files' rule, or None and the problem.

    UTF-8, a leading byte order mark (Notepad) dropped; None when it is not UTF-8 text.
    """
    source, problem = decode(data)
    if problem is not None and problem.code == "SPBE002":
        return None, problem
    if source is None:  # a NUL: shown visibly in the output, as any control character
        source = data.decode("utf-8-sig")
    return source, problem


def template_text(data: bytes) -> str:
    """A template's text from its bytes (a git revision's), or :data:`UNREADABLE`.

    Unreadable where render would refuse it: larger than :data:`MAX_TEMPLATE_BYTES`, or not
    UTF-8 text.
    """
    if len(data) > MAX_TEMPLATE_BYTES:
        return UNREADABLE
    source, _ = decode_template(data)
    return UNREADABLE if source is None else source


# -- escaping --------------------------------------------------------------------------------------


def _md_output(value: Any) -> str:
    """The ``finalize`` of Markdown templates: a printed value as escaped Markdown text.

    The text :func:`_md_finalize` marks as markup, taken as text by the Markdown environments'
    code generator (:class:`~spbe_cli.render.sandbox.MarkdownCodeGenerator`).
    """
    if type(value) is str:  # the common case first: catalog text, never markup yet
        return md_escape(without_address(value), line_start=True)
    if value is None:
        return ""
    html = getattr(value, "__html__", None)
    if html is not None:
        return without_address(str(html()))
    return md_escape(value_text(value), line_start=True)


def _md_finalize(value: Any) -> Any:
    if type(value) is str:  # the common case first: catalog text, never markup yet
        return Markup(md_escape(without_address(value), line_start=True))
    if value is None:
        return Markup("")
    if hasattr(value, "__html__"):
        return without_address(value) if isinstance(value, str) else value
    return Markup(md_escape(value_text(value), line_start=True))


def _html_finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return without_address(value)
    if isinstance(value, int | float | Decimal) or hasattr(value, "__html__"):
        return value
    return value_text(value)


def _md_join(items: Iterable[Any], sep: str = ", ") -> Markup:
    items = list(items)
    # Catalog text and markup joined as text: what Markup.join gives, without a Markup per item.
    texts = [
        md_escape(item, line_start=True) if type(item) is str else _md_finalize(item)
        for item in items
    ]
    if all(type(text) is str or type(text) is Markup for text in texts):
        return Markup(str.join(Markup(sep), texts))
    return Markup(sep).join(_md_finalize(item) for item in items)


def _mermaid(value: Any) -> Markup:
    """Text for a quoted Mermaid label or a gantt task name, escaped once.

    The one Mermaid escaping of spbe (:func:`spbe_cli.markup.mermaid_text`, which ``spbe graph``
    uses) plus ``:``, which ends a gantt task name.
    """
    return Markup(mermaid_text(newlines().sub(" ", str(value))).replace(":", "#58;"))


def _label(ids: Iterable[Any], labels: Any) -> list[Any]:
    """Map ids to their labels (``opd``, ``nama``): ``ids|label(opd)|join(", ")``."""
    return [labels[i] for i in ids]


#: A catalog id inside a sentence (``PERBUP-ARSITEKTUR-SPBE``, ``SC-03``): readers get its name.
CATALOG_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+\b")


def name_ids(text: str, name: Callable[[str], str]) -> str:
    """Replace every catalog id in a sentence by ``name(id)`` (the id itself when unnamed)."""
    return CATALOG_ID.sub(lambda m: name(m.group(0)), text)


def _bernama(text: Any, labels: Any) -> str:
    """``message|bernama(nama)``: the ids in a sentence (a diff message, say) by their names.

    ``labels`` is one table of names or several, looked up in turn (``[nama, log.names]``: the
    names of ids that are gone too); an id no table knows stays as written.
    """
    from spbe_cli.render.changes import _chain

    names = _chain(labels)
    return name_ids(str(text), lambda found: str(names.get(found, found)))


@pass_context
def _perubahan(
    context: Context, field: Any, labels: Any, values: Any, names: Any, kind: Any = ""
) -> str:
    """``f|perubahan(kolom, nilai, nama, jenis)``: a changed field in the readers' words.

    A code of a reference list the tables do not label reads by its name in the document's
    reference data (``ref``: the catalog's own codes too).
    """
    from spbe_cli.render.changes import reader_line

    mark = f" {MARK_ILLUSTRATIVE}"
    return reader_line(field, labels, values, names, mark, str(kind or ""), context.get("ref"))


@pass_context
def _kata(context: Context, value: Any, field: Any, values: Any = None, kind: Any = "") -> str:
    """``v|kata(kolom, nilai_kolom, jenis)``: a field's value in the readers' words.

    ``v|kata("aplikasi_umum", kind="aplikasi")``: a code of a reference list needs no table.

    The same words as the Daftar Perubahan's: a code by its label (``nilai_kolom``, else its name
    in the reference data ``ref``, else as words), ``True`` as "Ya". Ids are named by the
    document builder already (looking each value up among every name would cost a national-scale
    appendix a copy of them per value).
    """
    from spbe_cli.render.changes import value_words

    tables = values or {}
    return value_words(value, str(field), tables, {}, str(kind or ""), context.get("ref"))


def _perhatian(entry: Any, labels: Any, values: Any, names: Any) -> str:
    """``a|perhatian(kolom, nilai, nama)``: a finding of the attention list in readers' words."""
    from spbe_cli.render.changes import attention_line

    return attention_line(entry, labels, values, names)


_ANCHOR_SAFE = re.compile(r"[A-Za-z0-9_.-]*")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _anchor(entity_id: Any) -> str:
    text = str(entity_id)
    if _ANCHOR_SAFE.fullmatch(text):  # every valid id
        return "el-" + text
    return "el-" + _ANCHOR_UNSAFE.sub("-", text)


#: The one discreet mark of illustrative data; the cover and the colophon explain it once.
MARK_ILLUSTRATIVE = "†"
#: The mark of a reference code the national reference implies but does not state (inferred);
#: the colophon explains it once.
MARK_INFERRED = "‡"
#: The mark of a reference code by its status (``RefNode.status``); national and local: none.
_CODE_MARKS = {"ilustratif": MARK_ILLUSTRATIVE, "inferensi": MARK_INFERRED}


def code_marks(statuses: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``kode -> " †"`` or ``" ‡"`` for every illustrative or inferred reference code."""
    return {kode: f" {_CODE_MARKS[status]}" for kode, status in statuses if status in _CODE_MARKS}


def element_code(element: Any, kind: str, marks: Mapping[str, str]) -> str:
    """An architecture element's reference code as a table shows it: ``RAB.01.02.01 ‡``.

    The template filter ``kode_elemen`` (``{{ e|kode_elemen("aplikasi") }}``): the code field
    of the element's domain (RAB, RAD, RAL, RAA, RAI, RAK) and the mark of an illustrative or
    inferred code (``marks``, from :func:`code_marks`); ``-`` for an element without a code.
    The Arsitektur's tables and the Master Plan's appendix use it alike.
    """
    from spbe_cli.models import DOMAINS

    code = getattr(element, DOMAINS[kind][1], None)
    if not code:
        return KOSONG
    return f"{code}{marks.get(code, '')}"


def marks_shown(elements: Iterable[tuple[str, Any]], marks: Mapping[str, str]) -> list[str]:
    """The code marks (``†``, ``‡``) the codes of some ``(kind, element)`` pairs carry.

    For the legend of a document that shows those elements' codes (:func:`element_code`).
    """
    from spbe_cli.models import DOMAINS

    codes = (
        getattr(element, DOMAINS[kind][1], None) for kind, element in elements if kind in DOMAINS
    )
    found = {marks[code] for code in codes if isinstance(code, str) and code in marks}
    return sorted(mark.strip() for mark in found)


#: How a budget code's level reads after it, where a sub-kegiatan column holds a higher level.
_LEVELS = {"bidang_urusan": "bidang urusan", "program": "program", "kegiatan": "kegiatan"}


def _nomenklatur(code: Any) -> str:
    """A budget code as readers read it: the code, its level above a sub kegiatan, its name.

    ``2.16.03.2.02.0025 Fasilitasi ...``, ``2.16.03.2.02 (kegiatan) Pengelolaan ...``; a code
    alone when the catalog gives no name. A reader (Bappeda, the Bupati) learnt nothing from
    the bare code the Peta Rencana showed, while the Master Plan added the name itself.
    """
    if code is None:
        return "-"
    level = code.level if code.level != "sub_kegiatan" else code.level_kode
    shown = f"{code.kode} ({_LEVELS[level]})" if level in _LEVELS else str(code.kode)
    return f"{shown} {code.nama}" if code.nama else shown


def rupiah_tanda(value: Amount | int | Decimal | None) -> str:
    """``Rp 1.250.000``, marked ``†`` when the figure sums illustrative budget lines.

    Builders hand budget figures over as :class:`~spbe_cli.plan.Amount` (computed by
    :mod:`spbe_cli.plan`, as diff and progress do), so every figure a document shows carries
    the mark where it should; a plain number shows unmarked.
    """
    if isinstance(value, Amount):
        return rupiah_marked(value.total, value.is_illustrative, f" {MARK_ILLUSTRATIVE}")
    return ctx.rupiah(value)


def _tanda(entity: Any) -> str:
    """Marks after a name: illustrative data and proposals are never passed off as facts."""
    mark = f" {MARK_ILLUSTRATIVE}" if getattr(entity, "ilustratif", False) else ""
    if getattr(entity, "sumber", None) == "usulan":
        mark += " (usulan)"
    return mark


def make_environment(
    folders: Iterable[tuple[Path, str]],
    fmt: str,
    *,
    sandboxed: bool = True,
    limits: RenderLimits | None = None,
) -> Environment:
    """An environment for one output format (``md`` or ``html``); sandboxed unless told not."""
    loader = FolderLoader(folders)
    options: dict[str, Any] = {}
    if sandboxed:
        options["limits"] = limits or RenderLimits()
    if fmt == "md":
        kind: type[Environment] = MarkdownSandbox if sandboxed else MarkdownEnvironment
    else:
        kind = SpbeSandbox if sandboxed else Environment
    env = kind(
        **options,
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=_md_output if fmt == "md" else _html_finalize,
    )
    env.filters.update(
        rupiah=rupiah_tanda,
        rupiah_singkat=ctx.rupiah_short,
        angka=ctx.angka,
        anchor=_anchor,
        tanda=_tanda,
        nomenklatur=_nomenklatur,
        mermaid=_mermaid,
        md=_md_finalize,
        label=_label,
        kapital=kapital,
        bernama=_bernama,
        perubahan=_perubahan,
        perhatian=_perhatian,
        kata=_kata,
    )
    if isinstance(env, MarkdownEnvironment | MarkdownSandbox):
        env.markup_finalize = _md_finalize
    if fmt == "md":
        env.filters["join"] = _md_join
        env.filters["e"] = env.filters["escape"] = _md_finalize
    env.globals.update(
        persen=ctx.persen,
        rentang=rentang,
        romawi=romawi,
        label_jenis_regulasi=dict(LABEL_JENIS_REGULASI),
    )
    if isinstance(env, SpbeSandbox):
        env.bound_filters()
    return env


#: Longest message of a failed template: a value it made (a name of megabytes asked for as an
#: attribute or a template) shows only its start, and never floods a CI log.
MESSAGE_MAX = 500


def template_error(
    exc: BaseException, loader: FolderLoader | None = None, loading: str | None = None
) -> SpbeError:
    """Turn a Jinja error into one message that names the template and the line.

    ``loading``: the template file being read and compiled when the error came (no line).
    The message is at most :data:`MESSAGE_MAX` characters.
    """
    error = _template_error(exc, loader, loading)
    return SpbeError(clip(str(error), MESSAGE_MAX))


def _template_error(
    exc: BaseException, loader: FolderLoader | None, loading: str | None
) -> SpbeError:
    name, line = _template_position(exc, loader)
    if isinstance(exc, TemplateUnreadableError):
        problem = exc.problem
        reason = t(problem.key, **problem.values)
        where = f"{exc.filename}:{problem.line}:{problem.column}"
        return SpbeError(t("render.template_unreadable", where=where, reason=reason))
    if isinstance(exc, TemplateFileTooLargeError | TemplateNotRegularError):
        message = (
            t("render.template_not_regular", where=exc.filename)
            if isinstance(exc, TemplateNotRegularError)
            else t(
                "render.template_file_too_large",
                where=exc.filename,
                limit=MAX_TEMPLATE_BYTES // 1024,
            )
        )
        if name == "?":
            return SpbeError(message)
        return SpbeError(t("render.template_failed", template=name, line=line, error=message))
    if isinstance(exc, TemplateNotFound):
        key = "render.template_outside" if isinstance(exc, TemplateOutsideError) else None
        message = t(key or "render.template_missing", template=exc.name)
        if name == "?":  # the template asked for by name, not an include, import or extends
            return SpbeError(message)
        return SpbeError(t("render.template_failed", template=name, line=line, error=message))
    if isinstance(exc, JinjaSyntaxError):
        name = exc.filename or exc.name or "?"
        return SpbeError(
            t("render.template_syntax", template=name, line=exc.lineno, error=exc.message)
        )
    if isinstance(exc, RecursionError):
        detail = t("render.template_recursion")
    elif isinstance(exc, TemplateTimeoutError):
        detail = t("render.template_timeout", error=str(exc))
    elif isinstance(exc, TemplateLimitError):
        detail = t("render.template_too_large", error=str(exc))
    elif isinstance(exc, MemoryError):
        detail = t("render.template_memory")
    elif isinstance(exc, TemplateError):
        detail = str(exc)
    else:
        detail = f"{type(exc).__name__}: {exc}"
    if name == "?" and isinstance(exc, TemplateLimitError) and exc.template:
        return SpbeError(t("render.template_output_failed", template=exc.template, error=detail))
    if name == "?" and loading is not None:
        return SpbeError(t("render.template_output_failed", template=loading, error=detail))
    return SpbeError(t("render.template_failed", template=name, line=line, error=detail))


def _template_position(exc: BaseException, loader: FolderLoader | None) -> tuple[str, int]:
    """The innermost template and line the traceback of ``exc`` passes (``("?", 0)`` if none)."""
    name, line = "?", 0
    tb = exc.__traceback__
    known = loader.filenames if loader is not None else set()
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in known:
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return name, line


def render_template(
    env: Environment, name: str, values: dict[str, Any], limits: RenderLimits | None = None
) -> str:
    """Render one template within its limits.

    Any failure becomes a :class:`SpbeError` naming template and line.
    """
    loader = env.loader if isinstance(env.loader, FolderLoader) else None
    if limits is None:
        limits = env.limits if isinstance(env, SpbeSandbox) else RenderLimits()
    user = isinstance(env, SpbeSandbox)
    try:
        # Compiling is bounded too: a large template costs seconds and memory before it runs.
        with load_bounds(limits, user=user):
            template = env.get_template(name)
    except SpbeError:
        raise
    except Exception as exc:
        shown = loader.shown.get(name, name) if loader is not None else name
        raise template_error(exc, loader, loading=shown) from exc
    try:
        return render_bounded(template, values, limits, user=user)
    except SpbeError:
        raise
    except Exception as exc:  # every failure inside a template is reported as the template's
        raise template_error(exc, loader) from exc
