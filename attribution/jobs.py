"""The jobs: reading, extracting and storing a batch of inputs (``ingest_paths``), and running
the current extractor again over stored documents (``reextract``).

A job sits above everything it drives: the reader (``ingest.read_documents``), the extractor
(``extract.extract_documents``, in worker processes with a time budget per document) and the
store, which writes one document per transaction and keeps the run ledger. One document's
failure never stops a job; Ctrl-C or SIGTERM stops it with every finished document kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import EXTRACTOR_VERSION
from .errors import DatabaseBusy
from .models import Document, Extraction
from .review import needs_rereview
from .store import (
    RUN_COUNTERS,
    ReextractOutcome,
    add_source_row,
    apply_reextraction,
    connect,
    finish_run,
    mark_aborted_runs,
    record_input_problem,
    start_run,
    store_extraction,
    stored_document,
    write_failure,
)
from .transactions import DEFAULT_BUSY_TIMEOUT_MS

DEFAULT_TIMEOUT = 60.0  # seconds one document's extraction may take before its worker is killed
Extractor = Callable[[Iterable[Document]], Iterator[Extraction]]


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the run stops as on Ctrl-C (finished documents kept, run
    ``interrupted``); a KeyboardInterrupt, so every Ctrl-C path handles it too."""

    exit_code = 143  # 128 + SIGTERM, what a shell reports for a process SIGTERM ends


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C or SIGTERM arriving while a document is committed and counted waits until both
    are done, so an interrupted run's counts always match what it stored; the signal is then
    raised again under the handler that was in place. Main thread only."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in previous:
        signal.signal(number, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in held:
            signal.raise_signal(number)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread instead of
    ending the process on the spot; elsewhere (another thread) this does nothing."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        # once is enough: a second SIGTERM during the shutdown must not cut it short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Outcome:
    """What happened to one input."""

    source: str
    status: str  # stored | unchanged | skipped | rejected | failed
    reason: str = ""
    document_id: str | None = None
    n_statements: int = 0
    n_claims: int = 0


@dataclass
class IngestReport:
    run_id: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    status: str = "running"
    interrupted: bool = False

    def counts(self) -> dict[str, int]:
        counts = {name: 0 for name in RUN_COUNTERS}
        for outcome in self.outcomes:
            counts["n_inputs"] += 1
            counts[f"n_{outcome.status}"] = counts.get(f"n_{outcome.status}", 0) + 1
            counts["n_statements"] += outcome.n_statements
            counts["n_claims"] += outcome.n_claims
        return counts

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in {"rejected", "failed"}]


def _problem_fields(item: Any) -> tuple[str, str, str] | None:
    if isinstance(item, Document):
        return None
    status = str(getattr(item, "status", "failed"))
    return str(getattr(item, "source", "?")), status, str(getattr(item, "reason", item))


@dataclass(frozen=True)
class ExtractionFailure:
    """A document the extractor raised on."""

    document: Document
    reason: str


def resilient_extract(documents: Iterable[Document], extractor: Extractor) -> Iterator[Extraction | ExtractionFailure]:
    """Run ``extractor`` lazily; a document it raises on becomes an ``ExtractionFailure``.

    The extractor yields in input order, so the first document fed but not yet returned is
    the one that failed; extraction resumes with the documents after it.
    """
    source = iter(documents)
    pending: list[Document] = []

    def feed() -> Iterator[Document]:
        for document in source:
            pending.append(document)
            yield document

    while True:
        try:
            for extraction in extractor(feed()):
                if pending:
                    pending.pop(0)
                yield extraction
            return
        except (KeyboardInterrupt, DatabaseBusy, MemoryError):
            raise
        except Exception as error:  # one document's failure never aborts the batch
            if not pending:
                raise
            failed = pending.pop(0)
            yield ExtractionFailure(failed, _failure_reason(error))
            rest = list(pending)
            pending.clear()
            source = _chain(rest, source)


def _failure_reason(error: Exception) -> str:
    from .parallel import DocumentTimeout, WorkerExtractionError

    if isinstance(error, DocumentTimeout):
        return str(error)  # "timeout: no result within 60 s"
    if isinstance(error, WorkerExtractionError):
        return f"extraction failed: {error}"  # the worker's "ValueError: ..." already
    return f"extraction failed: {type(error).__name__}: {error}"


def _chain(first: list[Document], rest: Iterator[Document]) -> Iterator[Document]:
    yield from first
    yield from rest


def ingest_paths(
    db_path: str | Path,
    paths: Sequence[str | Path],
    *,
    model: str | None = None,
    max_bytes: int | None = None,
    workers: int = 1,
    timeout: float | None = DEFAULT_TIMEOUT,
    fail_fast: bool = False,
    busy_timeout: int = DEFAULT_BUSY_TIMEOUT_MS,
    extractor: Extractor | None = None,
    documents: Iterable[Any] | None = None,
    progress: Callable[[Outcome], None] | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Read, extract and store; one transaction per document.

    ``documents`` (Document or input-problem objects) replaces reading ``paths``; ``extractor``
    replaces the spaCy extractor. ``timeout`` is each document's extraction budget in seconds
    (None: no budget, and with one worker no worker process); an overrun is stored as failed.
    The database connection is closed while NLP worker processes start (no connection crosses
    a fork) and only this process writes. On Ctrl-C (or SIGTERM inside
    :func:`sigterm_interrupts`) the finished documents stay committed and the run is
    labelled ``interrupted``.
    """
    report = report if report is not None else IngestReport()
    model_version = spacy_version = None
    if extractor is None:
        from .extract import extract_documents
        from .nlp import load_pipeline, model_name

        nlp = load_pipeline(model)  # PipelineNotFound before any database work
        model = model_name(model)
        model_version = str(nlp.meta.get("version", "")) or None
        import spacy

        spacy_version = spacy.__version__

        def extractor(docs: Iterable[Document]) -> Iterator[Extraction]:
            return extract_documents(docs, model=model, n_process=max(1, workers), timeout=timeout)

    if documents is None:
        from . import ingest as ingest_module

        kwargs: dict[str, Any] = {} if max_bytes is None else {"max_bytes": max_bytes}
        documents = ingest_module.read_documents([Path(p) for p in paths], **kwargs)

    db = connect(db_path, busy_timeout=busy_timeout)
    mark_aborted_runs(db)
    report.run_id = run_id = start_run(
        db, "ingest", model=model, model_version=model_version, spacy_version=spacy_version
    )
    known = {row[0] for row in db.execute("SELECT id FROM documents").fetchall()}
    known_sources = {
        (row[0], row[1]) for row in db.execute("SELECT document_id, source FROM document_sources").fetchall()
    }
    db.close()

    side: list[tuple[int, Any]] = []  # (input position, problem or already-stored document)
    positions: dict[str, int] = {}  # sha256 of a document sent to the extractor -> input position
    seen: set[str] = set()

    def fresh() -> Iterator[Document]:
        for position, item in enumerate(documents):
            if not isinstance(item, Document) or item.sha256 in known or item.sha256 in seen:
                side.append((position, item))
            else:
                seen.add(item.sha256)
                positions[item.sha256] = position
                yield item

    state: dict[str, Database] = {}

    def database() -> Database:
        if "db" not in state:
            state["db"] = connect(db_path, busy_timeout=busy_timeout, migrate_schema=False)
        return state["db"]

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if outcome.status in {"rejected", "failed", "skipped"}:
            record_input_problem(database(), run_id, outcome.source, outcome.status, outcome.reason)

    def show(outcome: Outcome) -> bool:
        if progress:
            progress(outcome)
        return fail_fast and outcome.status in {"rejected", "failed"}

    def emit(outcome: Outcome) -> bool:
        record(outcome)
        return show(outcome)

    def handle_side(item: Any) -> bool:
        fields = _problem_fields(item)
        if fields is not None:
            return emit(Outcome(*fields))
        doc: Document = item
        source = doc.source or doc.id
        if (doc.sha256, source) not in known_sources and doc.sha256 in known:
            add_source_row(database(), doc, run_id)
            known_sources.add((doc.sha256, source))
        return emit(Outcome(source, "unchanged", "already stored", doc.sha256))

    def close_run(status: str) -> None:
        """Record how a run that is stopping ended, if the ledger can still be written (else
        it stays 'running' and the next run labels it aborted)."""
        report.status = status
        try:
            finish_run(database(), run_id, status, report.counts())
        except Exception:
            pass

    def drain(before: float) -> bool:
        """Report the inputs that came before position ``before``, in input order."""
        while side and side[0][0] < before:
            if handle_side(side.pop(0)[1]):
                return True
        return False

    try:
        stop = False
        for item in resilient_extract(fresh(), extractor):
            document = item.document
            if drain(positions.pop(document.sha256, float("inf"))):
                stop = True
                break
            with interrupts_held():  # a committed document is always counted
                if isinstance(item, ExtractionFailure):
                    outcome = Outcome(document.source or document.id, "failed", item.reason)
                else:
                    outcome = _store_one(database(), item, run_id)
                record(outcome)
            if show(outcome):  # printing may block on a full pipe: interruptible again
                stop = True
                break
        if not stop:
            drain(float("inf"))
        counts = report.counts()
        report.status = "completed_with_errors" if counts["n_rejected"] or counts["n_failed"] else "completed"
        finish_run(database(), run_id, report.status, counts)
    except KeyboardInterrupt:
        report.interrupted = True
        close_run("interrupted")
        raise
    except DatabaseBusy:
        raise  # the ledger cannot be written either; the next run labels this one aborted
    except Exception:
        close_run("aborted")
        raise
    finally:
        if "db" in state:
            state["db"].close()
    return report


def _store_one(db: Database, extraction: Extraction, run_id: str) -> Outcome:
    doc = extraction.document
    source = doc.source or doc.id
    try:
        status = store_extraction(db, extraction, run_id)
    except DatabaseBusy:
        raise
    except sqlite3.OperationalError as error:
        fatal = write_failure(db, error, source)
        if fatal is not None:
            raise fatal from None
        return Outcome(source, "failed", f"not stored: {error}")
    except Exception as error:  # one document's failure never aborts the batch
        return Outcome(source, "failed", f"not stored: {type(error).__name__}: {error}")
    if status == "unchanged":
        return Outcome(source, "unchanged", "already stored", doc.sha256)
    row = db.execute("SELECT n_statements, n_claims FROM documents WHERE id = ?", [doc.sha256]).fetchone()
    return Outcome(source, "stored", "", doc.sha256, row[0] or 0, row[1] or 0)


# --------------------------------------------------------------------------- reextract


@dataclass
class ReextractReport:
    """Totals of one re-extraction run."""

    run_id: str = ""
    documents: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[Outcome] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    retired: int = 0
    relinked: int = 0
    unmatched: int = 0
    orphaned_reviews: int = 0
    needs_rereview: int = 0  # current statements whose verdict predates an attribution change

    def add(self, outcome: ReextractOutcome) -> None:
        self.documents += 1
        if outcome.changed:
            self.changed += 1
        else:
            self.unchanged += 1
        self.added += outcome.added
        self.updated += outcome.updated
        self.retired += outcome.retired
        self.relinked += outcome.linked
        self.unmatched += outcome.unmatched

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "failed"}
        data["failed"] = [{"source": o.source, "reason": o.reason} for o in self.failed]
        return data


def reextract(
    db: Database,
    model: str | None = None,
    all: bool = False,  # noqa: A002  (mirrors the --all option)
    *,
    extractor: Extractor | None = None,
    extractor_version: str | None = None,
    progress: Callable[[str, ReextractOutcome | Outcome], None] | None = None,
) -> ReextractReport:
    """Run the current extractor over stored documents and re-anchor their reviews.

    Without ``all`` only documents extracted by another extractor version are redone.
    ``extractor`` (a function from Documents to Extractions, in order) replaces the spaCy
    extractor; ``extractor_version`` is the version it produces. Reviews are never written;
    a reviewed statement that disappears is linked to the statement its anchor lands on, or
    left as an orphaned review. A reviewed statement whose speaker, type or content changes
    keeps its verdict but needs re-review (``report.needs_rereview`` counts them).
    """
    model_version = None
    if extractor is None:
        from .extract import extract_documents
        from .nlp import load_pipeline, model_name

        nlp = load_pipeline(model)
        model = model_name(model)
        model_version = str(nlp.meta.get("version", "")) or None
        extractor_version = EXTRACTOR_VERSION

        def extractor(docs: Iterable[Document]) -> Iterator[Extraction]:
            return extract_documents(docs, model=model)

    target = extractor_version or EXTRACTOR_VERSION
    mark_aborted_runs(db)
    report = ReextractReport()
    report.run_id = run_id = start_run(
        db, "reextract", model=model, model_version=model_version, extractor_version=target
    )
    ids = [
        row[0]
        for row in db.execute(
            "SELECT id FROM documents WHERE complete = 1 AND (? OR extractor_version != ?) ORDER BY ingested_at, id",
            [1 if all else 0, target],
        ).fetchall()
    ]

    def documents() -> Iterator[Document]:
        for doc_id in ids:
            row = next(db.query("SELECT * FROM documents WHERE id = ?", [doc_id]), None)
            if row is not None:
                yield stored_document(row)

    status = "aborted"
    try:
        for item in resilient_extract(documents(), extractor):
            if isinstance(item, ExtractionFailure):
                failed = Outcome(item.document.source or item.document.id, "failed", item.reason)
                report.failed.append(failed)
                record_input_problem(db, run_id, failed.source, "failed", failed.reason)
                if progress:
                    progress(failed.source, failed)
                continue
            outcome = apply_reextraction(db, item, run_id)
            report.add(outcome)
            if progress:
                progress(item.document.source or item.document.id, outcome)
        status = "completed_with_errors" if report.failed else "completed"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        report.orphaned_reviews = int(db.execute("SELECT count(*) FROM orphaned_reviews").fetchone()[0])
        report.needs_rereview = needs_rereview(db)
        finish_run(
            db,
            run_id,
            status,
            {
                "n_inputs": len(ids),
                "n_stored": report.changed,
                "n_unchanged": report.unchanged,
                "n_failed": len(report.failed),
                "n_statements": report.added + report.updated,
            },
        )
    return report
