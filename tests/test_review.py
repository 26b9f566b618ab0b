"""Reviews: append-only history, re-anchoring on re-extraction and new versions (no spaCy)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import store_helpers as h

from attribution import anchoring, store
from attribution.jobs import reextract
from attribution.models import Document, Extraction, Span
from attribution.queries import UnknownStatement, orphaned_reviews, statement_rows
from attribution.review import history, record_review


@pytest.fixture
def db(tmp_path: Path):
    database = store.connect(tmp_path / "t.db")
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, h.seed_extraction(), run_id)
    for i in range(3):
        store.store_extraction(database, h.article_extraction(i), run_id)
    yield database
    database.close()


def by_content(db, fragment: str, **filters) -> dict:
    rows = [r for r in statement_rows(db, include_claims=True, **filters) if fragment in r["content"]]
    assert len(rows) == 1, rows
    return rows[0]


# --------------------------------------------------------------------------- history


def test_record_review_and_history(db):
    sid = by_content(db, "situation")["id"]
    first = record_review(db, sid, "in_review", reviewer="ana")
    second = record_review(db, sid, "false", note="figures contradict Frontex data", reviewer="ben")
    assert first["id"] < second["id"] and first["created_at"] <= second["created_at"]
    rows = history(db, sid)
    assert [(r["status"], r["reviewer"], r["via"]) for r in rows] == [
        ("in_review", "ana", "direct"),
        ("false", "ben", "direct"),
    ]
    current = by_content(db, "situation")
    assert current["status"] == "false" and current["note"] == "figures contradict Frontex data"
    # a later status-only review keeps showing the latest note
    record_review(db, sid, "verified")
    current = by_content(db, "situation")
    assert current["status"] == "verified" and current["note"] == "figures contradict Frontex data"


def test_review_validation(db):
    sid = by_content(db, "situation")["id"]
    with pytest.raises(ValueError, match="unknown status"):
        record_review(db, sid, "maybe")
    with pytest.raises(UnknownStatement):
        record_review(db, "0000000000000000", "verified")
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_review_uses_full_sync_then_restores(db):
    sid = by_content(db, "situation")["id"]
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    record_review(db, sid, "verified")
    db.conn.set_trace_callback(None)
    assert "PRAGMA synchronous = FULL" in seen
    assert seen.index("PRAGMA synchronous = FULL") < seen.index("BEGIN IMMEDIATE")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1


def test_reviews_are_append_only(db):
    """T17: UPDATE and DELETE on the review history fail in the trigger; nothing changes."""
    sid = by_content(db, "situation")["id"]
    record_review(db, sid, "verified", note="ok")
    before = store.review_digest(db)
    for sql in ("UPDATE reviews SET status = 'false'", "DELETE FROM reviews"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
    raw = sqlite3.connect(db.path)
    raw.execute("PRAGMA foreign_keys = OFF")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM reviews")
    raw.close()
    assert store.review_digest(db) == before


def test_reviewed_statements_cannot_be_deleted(db):
    """T16: deleting or dropping reviewed statements is refused; reviews unchanged."""
    sid = by_content(db, "situation")["id"]
    record_review(db, sid, "verified")
    before = store.review_digest(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM statements WHERE id = ?", [sid])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM documents")
    with pytest.raises(sqlite3.IntegrityError):
        with store.write_transaction(db):
            db.execute("DROP TABLE statements")
    assert store.review_digest(db) == before
    assert db.execute("SELECT count(*) FROM statements WHERE id = ?", [sid]).fetchone()[0] == 1


# --------------------------------------------------------------------------- re-extraction


def shifted(extraction: Extraction, version: str, *, widen: set[str], drop: set[str]) -> Extraction:
    """A 'v2' extraction: some contents gain the next character, some statements vanish."""
    text = extraction.document.text
    statements = []
    for statement in extraction.statements:
        content = statement.content
        if any(fragment in content.text for fragment in drop):
            continue
        if any(fragment in content.text for fragment in widen):
            end = min(len(text), content.end + 1)
            statement = replace(statement, content=Span.of(text, content.start, end))
        statements.append(statement)
    return replace(extraction, statements=tuple(statements), extractor_version=version)


def replaying(extractions: dict[str, Extraction]):
    def extractor(documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            yield extractions[document.sha256]

    return extractor


def v2_extractions(widen: set[str], drop: set[str]) -> dict[str, Extraction]:
    originals = [h.seed_extraction()] + [h.article_extraction(i) for i in range(3)]
    return {e.document.sha256: shifted(e, "2", widen=widen, drop=drop) for e in originals}


def test_reextraction_reanchors_reviews_and_orphans_dropped(db):
    """T14 in miniature: moved boundaries keep their reviews; dropped ones are orphaned."""
    moved = by_content(db, "situation")["id"]
    same = by_content(db, "When refugees")["id"]
    dropped = by_content(db, "send additional personnel")["id"]
    claim_id = by_content(db, "800 illegal crossings")["id"]
    record_review(db, moved, "misleading", note="moved", reviewer="a")
    record_review(db, same, "verified", note="same", reviewer="b")
    record_review(db, dropped, "false", note="dropped", reviewer="c")
    record_review(db, claim_id, "unverifiable", reviewer="d")
    reviews_before = store.review_digest(db)
    rows_before = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()

    extractor = replaying(v2_extractions({"situation"}, {"send additional personnel"}))
    report = reextract(db, extractor=extractor, extractor_version="2")

    assert store.review_digest(db) == reviews_before
    assert db.execute("SELECT * FROM reviews ORDER BY id").fetchall() == rows_before
    assert report.documents == 4 and report.changed == 4 and not report.failed
    assert report.orphaned_reviews == 1
    new_moved = by_content(db, "situation")
    assert new_moved["id"] != moved and new_moved["status"] == "misleading"
    assert new_moved["content"].endswith('," Frontex') is False
    assert new_moved["content"] == '"The situation remains worrying," '
    assert new_moved["note"] == "moved"
    new_same = by_content(db, "When refugees")
    assert new_same["id"] != same and new_same["status"] == "verified"
    assert by_content(db, "800 illegal crossings")["status"] == "unverifiable"
    orphans = orphaned_reviews(db)
    assert [(o["statement_id"], o["note"]) for o in orphans] == [(dropped, "dropped")]
    assert [r["status"] for r in history(db, new_moved["id"])] == ["misleading"]
    assert history(db, new_moved["id"])[0]["via"] == "re-anchored"
    # the old statement is kept, not current, and still carries its review
    old = db.execute("SELECT current FROM statements WHERE id = ?", [dropped]).fetchone()
    assert old == (0,)
    assert store.verify(db) == []
    # a review on the new statement continues the same history
    record_review(db, new_moved["id"], "verified", reviewer="e")
    assert [r["status"] for r in history(db, new_moved["id"])] == ["misleading", "verified"]


def test_reextraction_is_idempotent(db):
    record_review(db, by_content(db, "situation")["id"], "verified")
    extractor = replaying(v2_extractions({"situation"}, set()))
    reextract(db, extractor=extractor, extractor_version="2")
    first = store.digest(db)
    report = reextract(db, extractor=extractor, extractor_version="2")
    assert report.documents == 0  # every document is already at version 2
    report = reextract(db, all=True, extractor=extractor, extractor_version="2")
    assert report.documents == 4 and report.changed == 0 and report.unchanged == 4
    assert store.digest(db) == first


def test_reextraction_chain_v1_v2_v3(db):
    sid = by_content(db, "situation")["id"]
    record_review(db, sid, "false", note="chain")
    reextract(db, extractor=replaying(v2_extractions({"situation"}, set())), extractor_version="2")
    originals = [h.seed_extraction()] + [h.article_extraction(i) for i in range(3)]
    v3 = {e.document.sha256: replace(e, extractor_version="3") for e in originals}
    reextract(db, extractor=replaying(v3), extractor_version="3")
    row = by_content(db, "situation")
    assert row["status"] == "false" and row["note"] == "chain"
    assert orphaned_reviews(db) == []


def test_reextraction_failure_of_one_document_keeps_the_rest(db):
    extractions = v2_extractions(set(), set())
    seed_key = h.seed_extraction().document.sha256

    def flaky(documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            if document.sha256 == seed_key:
                raise RuntimeError("parser exploded")
            yield extractions[document.sha256]

    report = reextract(db, extractor=flaky, extractor_version="2")
    assert [f.source for f in report.failed] == ["seed.txt"]
    assert report.documents == 3
    versions = dict(db.execute("SELECT source, extractor_version FROM documents").fetchall())
    assert versions["seed.txt"] == "1" and set(versions.values()) == {"1", "2"}
    status = db.execute("SELECT status FROM runs WHERE command = 'reextract'").fetchone()[0]
    assert status == "completed_with_errors"


# --------------------------------------------------------------------------- new versions


def test_updated_article_is_a_new_version_and_reviews_follow(db):
    """T18: v2 of the same source is a new document; unchanged paragraphs re-anchor."""
    worrying = by_content(db, "situation")["id"]
    refugees = by_content(db, "When refugees")["id"]
    record_review(db, worrying, "verified", note="v1 verdict")
    record_review(db, refugees, "false", note="v1 refugees")
    text_v2 = h.SEED_TEXT.replace(
        '"When refugees are used as a political weapon, we must act,"',
        '"When migrants are used as a weapon, Europe must respond,"',
    ).replace("Lithuania says it will urge", "Lithuania said on Monday it will urge")
    extraction = h.seed_extraction(text_v2)
    rewritten_statement = h.statement(
        text_v2,
        '"When migrants are used as a weapon, Europe must respond,"',
        h.LANDSBERGIS,
        mention="Gabrielius Landsbergis",
    )
    extraction = replace(extraction, statements=extraction.statements + (rewritten_statement,))
    assert store.store_extraction(db, extraction, None) == "stored"
    docs = db.execute("SELECT id, previous_id FROM documents WHERE source = 'seed.txt'").fetchall()
    assert len(docs) == 2
    v1_key = h.seed_extraction().document.sha256
    assert (extraction.document.sha256, v1_key) in docs
    # v1 keeps its reviews and is flagged as changed at the source
    v1_rows = {r["id"]: r for r in statement_rows(db, document=v1_key)}
    assert v1_rows[worrying]["status"] == "verified" and v1_rows[worrying]["source_changed"]
    # v2: the unchanged quote carries the verdict; the rewritten one starts fresh
    v2 = statement_rows(db, document=extraction.document.sha256)
    moved = [r for r in v2 if "situation" in r["content"]][0]
    assert moved["status"] == "verified" and moved["note"] == "v1 verdict"
    assert not moved["source_changed"]
    rewritten = [r for r in v2 if "migrants" in r["content"]][0]
    assert rewritten["status"] == "new"
    # both versions show up for the speaker, distinctly
    speaker_docs = {r["document_id"] for r in statement_rows(db, speaker="Leggeri")}
    assert speaker_docs == {v1_key, extraction.document.sha256}
    assert store.verify(db) == []


def test_locate_prefers_matching_context():
    old = {
        "content": "yes",
        "content_start": 100,
        "content_end": 103,
        "anchor_prefix": "second time she said ",
        "anchor_suffix": " again",
        "kind": "statement",
    }
    text = "first time he said yes loudly. second time she said yes again."
    candidates = [
        {"id": "a", "content_start": 19, "content_end": 22, "kind": "statement"},
        {"id": "b", "content_start": 52, "content_end": 55, "kind": "statement"},
    ]
    match = anchoring.best_match(old, text, candidates)
    assert match is not None and match[0]["id"] == "b" and match[1] == 1.0
