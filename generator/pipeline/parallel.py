"""Rendering many documents on several cores (--jobs).

Jobs hold closures, which cannot be pickled; worker processes are forked after the
job list is in place, so each worker finds the jobs in its own memory and only the
rendered bytes travel back. Where fork is unavailable (Windows) rendering stays in
one process. On a 2-core machine the gain is small (see the README's benchmark).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from generator.pipeline.jobs import Job

_JOBS: Sequence[Job] = ()
CHUNK = 8  # jobs per hand-out: amortises the round trip, keeps the progress bar moving
AHEAD = 3  # chunks per worker rendered ahead of the writer


# Without --jobs: two workers (at most the cores this process may use) once a run renders
# this many files; fewer are done sooner in one process than a pool takes to start.
AUTO_FROM = 400
AUTO_WORKERS = 2


def auto_workers(pending: int) -> int:
    """The workers for ``pending`` files when the user did not say (``--jobs``)."""
    if pending < AUTO_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on this platform
        cores = os.cpu_count() or 1
    return max(1, min(AUTO_WORKERS, cores))


class RenderFailed(Exception):
    """A worker could not render a document; the message is the worker's (Chinese) error."""


# A worker's answer for one job: its bytes and inputs digest, or the error's text.
Answer = tuple[bytes, str] | str


def _worker_start() -> None:
    """Ctrl-C and SIGTERM are the writer's to act on (it stops once the file at hand is
    written, and cancels the rest): a worker killed by them would break the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _render(start: int, stop: int) -> list[Answer]:
    found: list[Answer] = []
    for index in range(start, stop):
        try:
            found.append(_JOBS[index].rendered())
        except Exception as exc:  # sent back as text: exceptions with custom __init__ don't pickle
            found.append(str(exc))
            break
    return found


def render_many(jobs: Sequence[Job], workers: int = 1) -> Iterator[tuple[Job, bytes, str]]:
    """Each job with its rendered bytes and its inputs digest, in order.

    At most ``AHEAD`` chunks per worker are rendered ahead of the consumer (who writes
    each file as it comes): memory stays bounded however many jobs there are.
    """
    if (
        workers <= 1
        or len(jobs) < 2 * CHUNK
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for job in jobs:
            yield job, *job.rendered()
        return
    global _JOBS
    _JOBS = jobs
    starts = iter(range(0, len(jobs), CHUNK))
    fork = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, mp_context=fork, initializer=_worker_start)
    try:
        ahead: deque[tuple[int, Future[list[Answer]]]] = deque()
        for start in itertools.islice(starts, AHEAD * workers):
            ahead.append((start, pool.submit(_render, start, min(start + CHUNK, len(jobs)))))
        while ahead:
            start, future = ahead.popleft()
            for start_next in itertools.islice(starts, 1):
                stop = min(start_next + CHUNK, len(jobs))
                ahead.append((start_next, pool.submit(_render, start_next, stop)))
            for job, answer in zip(jobs[start : start + CHUNK], future.result(), strict=False):
                if isinstance(answer, str):
                    raise RenderFailed(f"{job.label}：{answer}")
                yield job, *answer
    finally:
        # Stopped early (a failure, Ctrl-C): the chunks not yet started are not rendered.
        pool.shutdown(wait=True, cancel_futures=True)
        _JOBS = ()
