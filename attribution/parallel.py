"""Extraction in worker processes, whole: parse and rules together, under a time budget.

spaCy's own ``n_process`` parallelises only the parse; the rules, the assembly of chunked
documents and the serialisation of every Doc back to the parent stay in one process, which
then caps the speed-up of a second core well below 2x. Here each worker runs the complete
extraction on a batch of documents and sends back the small Extraction records. Batches
are submitted through a bounded window, so memory does not grow with the corpus, and
results come back in input order, so a database written from them is the same as with one
process.

A worker process is also the only safe place for a per-document time budget: a parse that
runs away cannot be interrupted inside the interpreter, but its process can be killed. When
a batch overruns, its documents are retried one at a time in a fresh worker, each with the
whole budget; the first to overrun is reported (``DocumentTimeout``) at its turn in the
input, and the caller resumes after it (``jobs.resilient_extract``).

Workers never outlive the process that started them. On Linux the kernel kills a worker
whose parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a thread in the worker watches
the parent's pid. Signals that stop a run (Ctrl-C, SIGTERM) are the parent's to handle: a
worker ignores SIGINT, dies quietly on SIGTERM (the parent's pool shutdown sends it), and
dies quietly, without a traceback, when a pipe it writes to is gone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool

from .errors import DocumentTimeout, WorkerExtractionError
from .models import Document, Extraction

WINDOW_PER_WORKER = 2  # batches in flight per worker: enough to keep each one busy
BATCH_ALLOWANCE = 5.0  # seconds per document a batch may take on top of one document's budget
BUDGET_CHARS = 500_000  # the time budget covers this many characters; a longer text gets it pro rata


# What a worker does with a batch: (documents, model, batch size) -> each document's
# Extraction, or the error it raised as a string. The caller passes it in (a module-level
# function, so it pickles by name), which keeps this module below the extractor it runs.
BatchWork = Callable[[list[Document], str | None, int], list[Extraction | str]]


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5  # how often a worker without prctl looks for its parent


def _die_with_parent(parent: int) -> None:
    """Make this worker exit when the process ``parent`` is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
        if armed:
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # a forked worker inherits the parent's SIGTERM handler, which would raise here
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # a write to a pipe whose reader is gone ends the worker silently, not with a traceback
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _die_with_parent(parent)


def _context() -> multiprocessing.context.BaseContext:
    """fork where there is one: workers inherit the loaded pipeline instead of reloading it."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _pool(workers: int) -> Pool:
    return _context().Pool(workers, initializer=_start_worker, initargs=(os.getpid(),))


def _unpack(results: list[Extraction | str]) -> Iterator[Extraction]:
    for result in results:
        if isinstance(result, str):
            raise WorkerExtractionError(result)
        yield result


def document_budget(document: Document, timeout: float) -> float:
    """Seconds ``document`` may take: ``timeout`` for up to BUDGET_CHARS characters, and as
    much again for each further BUDGET_CHARS. Parsing time grows with length, so a fixed
    budget would fail every long article that is merely long; the rate it allows (about
    8,000 characters a second at the default 60 s) is a third of what one core parses, so a
    document stalling on something else still overruns."""
    return timeout * max(1.0, len(document.text) / BUDGET_CHARS)


def _batch_limit(batch: list[Document], timeout: float) -> float:
    """A batch's time limit: one budget, each longer document's extra time, and an allowance each."""
    extra = sum(document_budget(document, timeout) - timeout for document in batch)
    return timeout + extra + BATCH_ALLOWANCE * len(batch)


def _one_at_a_time(batch: list[Document], work: BatchWork, model: str | None, timeout: float) -> Iterator[Extraction]:
    """Retry an overrunning batch document by document, each in a fresh worker's hands."""
    solo = _pool(1)
    try:
        for document in batch:
            pending = solo.apply_async(work, ([document], model, 1))
            budget = document_budget(document, timeout)
            try:
                results = pending.get(budget)
            except multiprocessing.TimeoutError:
                raise DocumentTimeout(f"timeout: no result within {budget:g} s") from None
            yield from _unpack(results)
    finally:
        solo.terminate()
        solo.join()


def extract_in_workers(
    documents: Iterable[Document],
    work: BatchWork,
    *,
    model: str | None,
    workers: int,
    batch_size: int,
    timeout: float | None = None,
    kept: KeptPool | None = None,
) -> Iterator[Extraction]:
    """Extract ``documents`` in ``workers`` processes, each batch by ``work``, yielding in input order; with
    ``timeout``, a document taking longer than its budget (``document_budget``) raises
    DocumentTimeout. With ``kept``, the pool comes from there and goes back when the run ends
    with nothing in flight, for the next run to use."""
    from .nlp import load_pipeline

    load_pipeline(model)  # loaded once here, inherited by forked workers; errors surface now
    source = iter(documents)
    pool = kept.take(workers) if kept is not None else _pool(workers)
    handed_back = False
    in_flight: deque[tuple[list[Document], AsyncResult]] = deque()
    try:
        while True:
            batch = list(islice(source, batch_size))
            if batch:
                in_flight.append((batch, pool.apply_async(work, (batch, model, batch_size))))
            if in_flight and (not batch or len(in_flight) >= WINDOW_PER_WORKER * workers):
                done, pending = in_flight.popleft()
                limit = None if timeout is None else _batch_limit(done, timeout)
                try:
                    results = pending.get(limit)
                except multiprocessing.TimeoutError:
                    # kill the stuck worker, find the slow document, then resubmit what was queued
                    pool.terminate()
                    pool.join()
                    yield from _one_at_a_time(done, work, model, timeout or 0.0)
                    pool = _pool(workers)
                    in_flight = deque(
                        (queued, pool.apply_async(work, (queued, model, batch_size))) for queued, _ in in_flight
                    )
                    continue
                yield from _unpack(results)
            if not batch and not in_flight:
                if kept is not None:
                    kept.give_back(pool, workers)
                    handed_back = True
                return
    finally:
        if not handed_back:  # not kept, or stopped with batches in flight whose results nobody reads
            pool.terminate()
            pool.join()


class KeptPool:
    """A pool of extraction processes kept from one run to the next, as a dask worker keeps one
    across its shards: a fresh fork per run pays the copy-on-write faults of the pipeline's
    memory and a cold start every time. A run takes the pool and gives it back only when it
    ends with nothing in flight (after an overrun, the fresh pool that replaced the killed
    one); a run stopped halfway ends its pool, so the next run forks a fresh one."""

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._workers = 0

    def take(self, workers: int) -> Pool:
        """The kept pool when it has ``workers`` processes, else a new one; the caller owns it now."""
        pool, self._pool = self._pool, None
        if pool is not None and self._workers != workers:
            pool.terminate()
            pool.join()
            pool = None
        return pool if pool is not None else _pool(workers)

    def give_back(self, pool: Pool, workers: int) -> None:
        self.close()
        self._pool, self._workers = pool, workers

    def close(self) -> None:
        """End the kept processes (they also end with this process)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()
