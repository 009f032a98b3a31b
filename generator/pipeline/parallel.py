"""Rendering many documents on several cores (--jobs).

Jobs hold closures, which cannot be pickled; worker processes are forked after the
job list is in place, so each worker finds the jobs in its own memory and only the
rendered bytes travel back. Where fork is unavailable (Windows) rendering stays in
one process. On a 2-core machine the gain is small (see the README's benchmark).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from generator.pipeline.jobs import Job

_JOBS: Sequence[Job] = ()
CHUNK = 8  # jobs per hand-out: amortises the round trip, keeps the progress bar moving


class RenderFailed(Exception):
    """A worker could not render a document; the message is the worker's (Chinese) error."""


def _render(index: int) -> tuple[bool, bytes | str]:
    try:
        return True, _JOBS[index].render()
    except Exception as exc:  # sent back as text: exceptions with custom __init__ don't pickle
        return False, str(exc)


def render_many(jobs: Sequence[Job], workers: int = 1) -> Iterator[tuple[Job, bytes]]:
    """Each job with its rendered bytes, in order."""
    if (
        workers <= 1
        or len(jobs) < 2 * CHUNK
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for job in jobs:
            yield job, job.render()
        return
    global _JOBS
    _JOBS = jobs
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for job, (ok, data) in zip(
                jobs, pool.map(_render, range(len(jobs)), chunksize=CHUNK), strict=True
            ):
                if not ok:
                    raise RenderFailed(f"{job.label}：{data}")
                yield job, data  # type: ignore[misc]
    finally:
        _JOBS = ()
