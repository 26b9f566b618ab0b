"""Extraction in worker processes, whole: parse and rules together.

spaCy's own ``n_process`` parallelises only the parse; the rules, the assembly of chunked
documents and the serialisation of every Doc back to the parent stay in one process, which
then caps the speed-up of a second core well below 2x. Here each worker runs the complete
extraction on a batch of documents and sends back the small Extraction records. Batches
are submitted through a bounded window, so memory does not grow with the corpus, and
results come back in input order, so a database written from them is the same as with one
process.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from .models import Document, Extraction

WINDOW_PER_WORKER = 2  # batches in flight per worker: enough to keep each one busy


class WorkerExtractionError(RuntimeError):
    """A document failed inside a worker; raised in the parent at that document's turn."""


_model: str | None = None


def _start_worker(model: str | None) -> None:
    global _model
    _model = model
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _extract_batch(batch: list[Document], batch_size: int) -> list[Extraction | str]:
    """Every document of the batch, or for one that raised, the error as a string."""
    from .extract import extract_document, extract_documents
    from .nlp import load_pipeline

    try:
        return list(extract_documents(batch, model=_model, batch_size=batch_size))
    except Exception:  # find the document at fault, keep the others
        nlp = load_pipeline(_model)
        results: list[Extraction | str] = []
        for document in batch:
            try:
                results.append(extract_document(document, nlp))
            except Exception as error:
                results.append(f"{type(error).__name__}: {error}")
        return results


def _context() -> multiprocessing.context.BaseContext:
    """fork where there is one: workers inherit the loaded pipeline instead of reloading it."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def extract_in_workers(
    documents: Iterable[Document], *, model: str | None, workers: int, batch_size: int
) -> Iterator[Extraction]:
    """Extract ``documents`` in ``workers`` processes, yielding in input order."""
    from .nlp import load_pipeline

    load_pipeline(model)  # loaded once here, inherited by forked workers; errors surface now
    source = iter(documents)
    with _context().Pool(workers, initializer=_start_worker, initargs=(model,)) as pool:
        in_flight: deque = deque()
        while True:
            batch = list(islice(source, batch_size))
            if batch:
                in_flight.append(pool.apply_async(_extract_batch, (batch, batch_size)))
            if in_flight and (not batch or len(in_flight) >= WINDOW_PER_WORKER * workers):
                for result in in_flight.popleft().get():
                    if isinstance(result, str):
                        raise WorkerExtractionError(result)
                    yield result
            if not batch and not in_flight:
                return
