"""The documents of a large run split between this process and a forked child: both cores.

Rendering is one document after the other, each on one core. On a large catalog, when
:func:`spbe_cli.parallel.core_idle` finds a core idle, the heaviest document (the most entities
among the kinds it shows; the Arsitektur SPBE at national scale) is rendered by a forked child
while this process renders the others. The child writes each file it renders into a staging
folder of its own inside the output folder (with ``--check`` it compares each with the output
folder instead) and sends back plain data over a private pipe: the names, and a message if a
document failed. This process hands every file on in document order, so the files, the names
written, the messages and the progress steps are those of a one-process run; a file the child
wrote is moved into place with the others, all or nothing (:func:`.output.write_output`).

A child that could not start, failed, died or sent something unreadable leaves its documents to
this process, which renders them itself. When a document of this process fails, this process
first learns how the child's earlier documents went, so the error shown is the one a
one-process run shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spbe_cli.errors import SpbeError
from spbe_cli.parallel import ForkedChild
from spbe_cli.render.output import (
    ComparedFile,
    RenderedFile,
    StagedFile,
    put_file,
    safe_name,
    same_as_output,
)
from spbe_cli.staging import remove_folder, staging_folder, stops_deferred

if TYPE_CHECKING:
    from spbe_cli.loader import StepHook
    from spbe_cli.render.registry import DocumentSpec

#: Below this many entities a run stays in one process: its documents render in well under a
#: second, about what forking a process the size of the loaded catalog costs.
MIN_ENTITIES = 2000

#: One output file as the rest of the pipeline sees it.
OutFile = RenderedFile | StagedFile | ComparedFile
#: The documents of a run: each with the formats it is written in.
Todo = Sequence[tuple["DocumentSpec", list[str]]]
#: Render one document in its formats: a list of files per format, in format order.
RenderDocument = Callable[["DocumentSpec", list[str]], Iterator[list[RenderedFile]]]


@dataclass(frozen=True)
class Destination:
    """Where a run's files go: written into ``out``, or compared with it (``--check``)."""

    out: Path
    check: bool = False


def child_share(todo: Todo, weight: Callable[[DocumentSpec], int]) -> set[str]:
    """The document a child renders: the heaviest by ``weight`` (first in document order).

    Empty with fewer than two documents: there is nothing to share.
    """
    if len(todo) < 2:
        return set()
    heaviest = max(todo, key=lambda item: weight(item[0]))[0]
    return {heaviest.name}


@dataclass
class _Child:
    """The forked child of a run, its staging folder, and what it sent (once collected)."""

    process: ForkedChild | None
    folder: Path | None
    sent: dict[str, list[OutFile]] | None = None
    error: tuple[str, str] | None = None
    """The document the child stopped at, and the message of its error."""
    collected: bool = False

    def collect(self, names: list[str]) -> None:
        """Wait for the child and read what it sent about ``names`` (its documents, in order)."""
        if self.collected:
            return
        self.collected = True
        raw = self.process.result() if self.process is not None else None
        self.sent, self.error = _read(raw, names, self.folder)

    def stop(self) -> None:
        """End the child if it still runs, and remove what it staged."""
        if self.process is not None:
            self.process.stop()
        if self.folder is not None:
            remove_folder(self.folder)


def split_documents(
    todo: Todo,
    theirs: set[str],
    render: RenderDocument,
    progress: StepHook | None,
    destination: Destination,
    in_child: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> Iterator[OutFile]:
    """Every file of ``todo`` in document order; the documents in ``theirs`` by a forked child.

    The child renders within ``in_child()`` (how it draws its figures, say). The files of this
    process's documents that come after a document of the child wait (in memory) until the
    child is done; those before it are handed on at once.
    """
    steps = _Steps(progress, sum(len(mine) for _, mine in todo))
    mine_of_child = [(spec, mine) for spec, mine in todo if spec.name in theirs]
    names = [spec.name for spec, _ in mine_of_child]
    child = _start(mine_of_child, render, destination, in_child)
    try:
        held: list[tuple[DocumentSpec, list[str], list[OutFile] | None]] = []
        for spec, mine in todo:
            if spec.name in theirs:
                held.append((spec, mine, None))
                continue
            try:
                files = _here(spec, mine, render, steps)
            except SpbeError:
                # A one-process run stops at the first failing document: the child's, if earlier
                # (a child with no earlier document is stopped, unheard).
                earlier = [(doc, formats) for doc, formats, kept in held if kept is None]
                if earlier:
                    child.collect(names)
                for doc, formats in earlier:
                    _theirs(child, doc, formats, render, _Steps(None, 0))
                raise
            if held:
                held.append((spec, mine, files))
            else:
                yield from files
        child.collect(names)
        for spec, mine, kept in held:
            yield from (kept if kept is not None else _theirs(child, spec, mine, render, steps))
    finally:
        child.stop()


@dataclass
class _Steps:
    """The progress of a run: one step per document and format, whoever rendered it."""

    progress: StepHook | None
    total: int
    done: int = 0

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _here(
    spec: DocumentSpec, mine: list[str], render: RenderDocument, steps: _Steps
) -> list[OutFile]:
    """Render one document in this process, one progress step per format."""
    files: list[OutFile] = []
    for written in render(spec, mine):
        files.extend(written)
        steps.step()
    return files


def _theirs(
    child: _Child, spec: DocumentSpec, mine: list[str], render: RenderDocument, steps: _Steps
) -> list[OutFile]:
    """A document of the child: what it sent, its error, or (the child failed) rendered here."""
    if child.error is not None and child.error[0] == spec.name:
        raise SpbeError(child.error[1])
    sent = child.sent.get(spec.name) if child.sent is not None else None
    if sent is None:
        return _here(spec, mine, render, steps)
    for _ in mine:
        steps.step()
    return sent


def _start(
    todo: Todo,
    render: RenderDocument,
    destination: Destination,
    in_child: Callable[[], AbstractContextManager[object]],
) -> _Child:
    """Fork the child that renders ``todo`` (no child where the staging folder cannot be made)."""
    folder = None
    if not destination.check:
        try:
            with stops_deferred():  # kept in ``folder`` before a stop can land
                folder = staging_folder(destination.out)
        except OSError:
            return _Child(None, None)

    def work() -> tuple[list[list[Any]], str | None]:
        with in_child():
            return _child_work(todo, render, destination, folder)

    child = ForkedChild(work)
    return _Child(child if child.started else None, folder)


def _child_work(
    todo: Todo, render: RenderDocument, destination: Destination, folder: Path | None
) -> tuple[list[list[Any]], str | None]:
    """In the child: render ``todo``; each document's files as plain data, and the error if any.

    A written file is staged as ``<folder>/<n>`` (the n-th file of the child): two documents
    may write the same name (the logo). Under ``--check`` each file is a name and whether the
    output folder holds the same bytes.
    """
    sent: list[list[Any]] = []
    count = 0
    try:
        for spec, mine in todo:
            items: list[Any] = []
            for written in render(spec, mine):
                for file in written:
                    if folder is None:
                        items.append((file.name, same_as_output(destination.out, file)))
                    else:
                        put_file(folder / str(count), file.data)
                        items.append(file.name)
                        count += 1
            sent.append(items)
    except SpbeError as exc:
        if type(exc) is not SpbeError or exc.findings:
            raise  # not plain data: the child fails, and this process renders its documents
        return sent, str(exc)
    return sent, None


def _read(
    raw: Any, names: list[str], folder: Path | None
) -> tuple[dict[str, list[OutFile]] | None, tuple[str, str] | None]:
    """What the child sent, as files by document; (None, None) when unreadable or missing."""
    if not (isinstance(raw, tuple) and len(raw) == 2 and isinstance(raw[0], list)):
        return None, None
    documents, message = raw
    if len(documents) > len(names) or (message is None and len(documents) != len(names)):
        return None, None
    if message is not None and (not isinstance(message, str) or len(documents) == len(names)):
        return None, None
    sent: dict[str, list[OutFile]] = {}
    count = 0
    for name, items in zip(names, documents, strict=False):
        files: list[OutFile] = []
        for item in items if isinstance(items, list) else [None]:
            compared = _compared(item)
            staged = folder / str(count) if folder is not None else None
            if staged is None and compared is not None:
                files.append(compared)
            elif staged is not None and isinstance(item, str) and safe_name(item):
                if not staged.is_file() or staged.is_symlink():
                    return None, None
                files.append(StagedFile(item, staged))
                count += 1
            else:
                return None, None
        sent[name] = files
    error = (names[len(documents)], message) if message is not None else None
    return sent, error


def _compared(item: Any) -> ComparedFile | None:
    """A file the child compared, from its ``(name, same)``; None for anything else."""
    if isinstance(item, tuple) and len(item) == 2:
        name, same = item
        if isinstance(name, str) and safe_name(name) and isinstance(same, bool):
            return ComparedFile(name, same)
    return None
