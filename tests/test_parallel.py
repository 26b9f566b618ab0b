"""Whole extractions in worker processes: same records, same order, one failure costs one document."""

from __future__ import annotations

import multiprocessing

import pytest

from attribution import parallel
from attribution.extract import extract_documents
from attribution.jobs import ExtractionFailure, resilient_extract
from attribution.models import Document
from attribution.records import extraction_record

TEXTS = [
    "\u201cWe will not back down,\u201d Mayor Anne Hidalgo said on Tuesday.",
    "Lithuania says it will urge the European Union to impose new sanctions.",
    "Officials said the road would reopen on Friday.",
    "The senator said the bill was \u201cdead on arrival\u201d in the House.",
    "Governor Gavin Newsom cited a 2019 report by the state auditor.",
]


def documents(count: int) -> list[Document]:
    return [Document(id=f"d{i}", text=f"{TEXTS[i % len(TEXTS)]} Copy {i}.") for i in range(count)]


def records(docs: list[Document], **kwargs) -> list[dict]:
    return [extraction_record(e) for e in extract_documents(docs, **kwargs)]


def test_two_workers_give_the_records_of_one_process_in_input_order(nlp) -> None:
    docs = documents(11)  # batches of 3: the last one is short
    serial = records(docs)
    assert [r["id"] for r in serial] == [d.id for d in docs]
    assert sum(len(r["quotes"]) for r in serial) >= len(docs)
    assert records(docs, n_process=2, batch_size=3) == serial


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the patched rule reaches workers by fork"
)


def fail_on(monkeypatch, document_id: str, error: Exception) -> None:
    """Make one document's extraction raise; forked workers inherit the patch."""
    from attribution import extract

    real = extract._part

    def failing(document, doc, offset):
        if document.id == document_id:
            raise error
        return real(document, doc, offset)

    monkeypatch.setattr(extract, "_part", failing)


@needs_fork
def test_a_document_failing_in_a_worker_costs_that_document_only(nlp, monkeypatch) -> None:
    fail_on(monkeypatch, "d4", ValueError("parser exploded"))

    def extractor(docs):
        return extract_documents(docs, n_process=2, batch_size=3)

    results = list(resilient_extract(documents(8), extractor))
    assert [r.document.id for r in results] == [f"d{i}" for i in range(8)]
    failures = [r for r in results if isinstance(r, ExtractionFailure)]
    assert [f.document.id for f in failures] == ["d4"]
    assert "parser exploded" in failures[0].reason


@needs_fork
def test_worker_errors_surface_at_the_failed_documents_turn(nlp, monkeypatch) -> None:
    fail_on(monkeypatch, "d1", ValueError("bad"))
    produced = []
    with pytest.raises(parallel.WorkerExtractionError, match="ValueError: bad"):
        for extraction in extract_documents(documents(5), n_process=2, batch_size=2):
            produced.append(extraction.document.id)
    assert produced == ["d0"]


@needs_fork
def test_an_overrunning_document_is_killed_reported_and_the_rest_extracted(nlp, monkeypatch) -> None:
    import time

    from attribution import extract

    real = extract._part

    def slow(document, doc, offset):
        if document.id == "d2":
            time.sleep(60)  # a runaway parse
        return real(document, doc, offset)

    monkeypatch.setattr(extract, "_part", slow)
    monkeypatch.setattr(parallel, "BATCH_ALLOWANCE", 0.5)

    def extractor(docs):
        return extract_documents(docs, batch_size=3, timeout=2.0)

    started = time.monotonic()
    results = list(resilient_extract(documents(7), extractor))
    elapsed = time.monotonic() - started
    assert [r.document.id for r in results] == [f"d{i}" for i in range(7)]
    failures = [r for r in results if isinstance(r, ExtractionFailure)]
    assert [(f.document.id, f.reason) for f in failures] == [("d2", "timeout: no result within 2 s")]
    assert elapsed < 30  # the sleeping worker was killed, not waited for
    assert records([r.document for r in results if r.document.id != "d2"]) == [
        extraction_record(r) for r in results if not isinstance(r, ExtractionFailure)
    ]


@needs_fork
def test_a_slow_batch_whose_documents_each_fit_the_budget_loses_nothing(nlp, monkeypatch) -> None:
    import time

    from attribution import extract

    docs = documents(4)
    serial = records(docs)
    real = extract._part

    def sluggish(document, doc, offset):
        time.sleep(0.8)  # each document fits a 2 s budget; the batch of four does not
        return real(document, doc, offset)

    monkeypatch.setattr(extract, "_part", sluggish)
    monkeypatch.setattr(parallel, "BATCH_ALLOWANCE", 0.0)
    assert records(docs, timeout=2.0, batch_size=4) == serial


@pytest.mark.parametrize(
    ("chars", "timeout", "budget"),
    [(1_000, 60.0, 60.0), (500_000, 60.0, 60.0), (1_500_000, 60.0, 180.0), (5_000_000, 60.0, 600.0)],
)
def test_the_time_budget_grows_with_the_length_of_the_text(chars, timeout, budget) -> None:
    """A 5 MB article is not a runaway parse: it gets the budget pro rata (60 s per 500,000 characters)."""
    assert parallel.document_budget(Document(id="d", text="x" * chars), timeout) == budget


@needs_fork
def test_a_long_document_within_its_longer_budget_is_kept_a_short_one_as_slow_is_not(nlp, monkeypatch) -> None:
    import time

    from attribution import extract

    real = extract._part

    def slow(document, doc, offset):
        time.sleep(2.0)  # the same slowness for both documents
        return real(document, doc, offset)

    monkeypatch.setattr(extract, "_part", slow)
    monkeypatch.setattr(parallel, "BATCH_ALLOWANCE", 0.0)
    monkeypatch.setattr(parallel, "BUDGET_CHARS", 100)
    long = Document(id="long", text=" ".join([TEXTS[0]] * 8))  # ~500 characters: a 5 s budget
    short = Document(id="short", text=TEXTS[2])  # under 100 characters: 1 s
    results = list(resilient_extract([long, short], lambda docs: extract_documents(docs, batch_size=1, timeout=1.0)))
    assert [(r.document.id, isinstance(r, ExtractionFailure)) for r in results] == [("long", False), ("short", True)]
    assert results[1].reason == "timeout: no result within 1 s"
