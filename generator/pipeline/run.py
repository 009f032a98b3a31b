"""Running a job list: render what changed, each file to disk as made, committed at once.

The CLI supplies the progress display and turns the typed outcome (a :class:`RunResult`
or a :class:`RunFailed`) into messages and exit statuses; nothing here prints.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from generator.model.resolved import Plan
from generator.pipeline.jobs import Job
from generator.pipeline.plan_guard import MARK, PlanMark
from generator.write.store import RecordStore

if TYPE_CHECKING:
    from generator.write.manifest import Manifest

# Wraps the stream of finished jobs (e.g. in a progress bar); given the stream and its length.
Progress = Callable[[Iterable[tuple[Job, bytes]], int], Iterator[tuple[Job, bytes]]]


def no_progress(items: Iterable[tuple[Job, bytes]], _: int) -> Iterator[tuple[Job, bytes]]:
    yield from items


@dataclass
class RunResult:
    """What a run wrote (bookkeeping files left out) and what it kept as it was."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


class RunFailed(Exception):
    """Nothing was written: a document could not be rendered, or the folder not written.

    ``rendering`` tells the two apart (the first is the input's fault, the message says
    which template or sheet; the second names the file system's problem).
    """

    def __init__(self, message: str, rendering: bool) -> None:
        super().__init__(message)
        self.rendering = rendering


def render_failures() -> tuple[type[Exception], ...]:
    """The errors that stop a render with a message rather than a traceback.

    A chart's error counts only once charts were drawn: naming it must not import
    matplotlib into a run that draws none (``plan`` and ``collect``). Evaluated when
    an error is caught, by then the module is loaded if a chart raised it.
    """
    from generator.pipeline.parallel import RenderFailed
    from generator.read.returns import ReturnChanged
    from generator.render.docx.errors import TemplateRenderError
    from generator.render.workbook_spec import WorkbookRenderError

    charts = sys.modules.get("generator.render.charts")
    drawn = (charts.ChartFontError,) if charts is not None else ()
    return (TemplateRenderError, WorkbookRenderError, RenderFailed, ReturnChanged, *drawn)


def _unchanged(manifest: Manifest, job: Job) -> bool:
    """A file the previous run wrote from the same inputs (and nobody changed since)."""
    if not manifest.written(job.path):
        return False  # a new file: its context is built once, when it is rendered
    return manifest.unchanged(job.path, job.current_inputs())


def _bytes(
    made: Iterable[tuple[Job, bytes, str]], digests: dict[PurePath, str]
) -> Iterator[tuple[Job, bytes]]:
    for job, data, inputs in made:
        digests[job.path] = inputs
        yield job, data
        del data  # written: not held while the next document is rendered


def run_jobs(
    jobs: list[Job],
    out: Path,
    owner: Plan,
    store: RecordStore,
    workers: int | None = 1,
    progress: Progress = no_progress,
) -> RunResult:
    """Render every job whose inputs changed and write them all atomically into ``out``.

    Each rendered document goes straight to its temp file (see
    :class:`generator.write.atomic.OutputSet`); none replaces a file until all are made.
    ``workers`` None: as many as suit the files to render (:func:`parallel.auto_workers`).

    The folder is marked as ``owner``'s. Raises :class:`RunFailed` with nothing written.
    """
    from generator.pipeline.parallel import auto_workers, render_many
    from generator.write.atomic import OutputError, OutputSet
    from generator.write.manifest import MANIFEST, Manifest

    manifest = Manifest(out)
    # One pass each way, by set: a re-run of 10,000 units compares 20,000 files.
    unchanged = {j.path for j in jobs if j.digested and _unchanged(manifest, j)}
    pending = [j for j in jobs if j.path not in unchanged]
    result = RunResult(unchanged=len(unchanged))
    if not pending:
        store.save()
        return result
    if workers is None:
        workers = auto_workers(len(pending))
    try:
        with OutputSet(out, store) as outputs:
            # Each document to its temp file as soon as it is rendered: one in memory at a time.
            try:
                digests: dict[PurePath, str] = {}  # of the job at hand: the progress shows two
                for job, data in progress(
                    _bytes(render_many(pending, workers), digests), len(pending)
                ):
                    outputs.add(job.path, data)
                    if inputs := digests.pop(job.path):
                        manifest.record(job.path, inputs, data)
                    del data  # (10,000 units' record is tens of megabytes)
            except render_failures() as error:
                raise RunFailed(str(error), rendering=True) from error
            bookkeeping = [outputs.add(MANIFEST, manifest.to_bytes())]
            bookkeeping.append(outputs.add(MARK, PlanMark.of(owner).to_bytes()))
            result.written = [p for p in outputs.commit() if p not in bookkeeping]
    except OutputError as error:
        raise RunFailed(str(error), rendering=False) from error
    result.notes = list(outputs.notes)
    return result
