"""Corrections: a reviewer's speaker / type / "not a statement" fixes, append-only, applied in
every listing and export with the extractor's values beside them, and carried across
re-extraction like reviews (no spaCy: stored extractions are replayed)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import store_helpers as h
from typer.testing import CliRunner

from attribution import store
from attribution.corrections import InvalidCorrection, corrections_for, record_correction
from attribution.export import claim_reviews, export_rows
from attribution.jobs import reextract
from attribution.models import Document, Extraction, Span
from attribution.queries import speaker_profile, speaker_rows, statement_rows
from attribution.review import RetiredStatement, record_review


@pytest.fixture
def db(tmp_path: Path):
    database = store.connect(tmp_path / "t.db")
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, h.seed_extraction(url="https://news.example/lithuania"), run_id)
    yield database
    database.close()


def row_of(db, fragment: str, **filters) -> dict:
    rows = [r for r in statement_rows(db, include_claims=True, **filters) if fragment in r["content"]]
    assert len(rows) == 1, rows
    return rows[0]


def test_speaker_correction_to_an_existing_speaker(db):
    sid = row_of(db, "The situation remains worrying")["id"]
    assert row_of(db, "The situation")["speaker"] == "Fabrice Leggeri"
    landsbergis = row_of(db, "When refugees")["speaker_id"]

    def counts() -> dict[str, int]:
        return {r["name"]: r["n_statements"] for r in speaker_rows(db)}

    before = counts()
    record_correction(db, sid, "speaker", speaker_id=landsbergis, reviewer="desk", note="wrong paragraph")
    after = counts()
    assert after["Gabrielius Landsbergis"] == before["Gabrielius Landsbergis"] + 1
    assert after.get("Fabrice Leggeri", 0) == before["Fabrice Leggeri"] - 1
    row = row_of(db, "The situation")
    assert (row["speaker"], row["speaker_kind"], row["speaker_id"]) == ("Gabrielius Landsbergis", "person", landsbergis)
    assert (row["extracted_speaker"], row["corrected"]) == ("Fabrice Leggeri", "speaker")
    # the corrected statement is listed under its new speaker, and no longer under the old one
    assert "The situation" in " ".join(r["content"] for r in statement_rows(db, speaker="Landsbergis"))
    assert not [r for r in statement_rows(db, speaker="Leggeri") if "situation" in r["content"]]
    profile = speaker_profile(db, "Gabrielius Landsbergis")
    assert any("situation" in r["content"] for r in profile["statements"])


@pytest.mark.parametrize(
    ("name", "kind", "speaker", "speaker_kind", "speaker_id_known"),
    [
        ("Landsbergis", None, "Gabrielius Landsbergis", "person", True),  # an alias finds the existing speaker
        ("Dalia Grybauskaite", None, "Dalia Grybauskaite", "person", False),  # a new person
        ("Lithuanian Border Guard", "organisation", "Lithuanian Border Guard", "organisation", False),
    ],
)
def test_speaker_correction_by_name(db, name, kind, speaker, speaker_kind, speaker_id_known):
    sid = row_of(db, "it will send additional personnel")["id"]
    record_correction(db, sid, "speaker", name, speaker_kind=kind)
    row = row_of(db, "it will send additional personnel")
    assert (row["speaker"], row["speaker_kind"]) == (speaker, speaker_kind)
    assert (row["speaker_id"] is not None) is speaker_id_known
    assert row["extracted_speaker"] == "Frontex"


def test_type_and_not_a_statement(db):
    sid = row_of(db, "We will talk to our colleagues")["id"]
    record_correction(db, sid, "type", "indirect")
    row = row_of(db, "We will talk")
    assert (row["type"], row["extracted_type"]) == ("indirect", "direct")
    assert [r["id"] for r in statement_rows(db, kind="indirect") if r["id"] == sid] == [sid]

    record_correction(db, sid, "not_statement", "yes", reviewer="desk")
    assert sid not in {r["id"] for r in statement_rows(db, include_claims=True)}
    kept = [r for r in statement_rows(db, include_not_statements=True) if r["id"] == sid]
    assert kept and kept[0]["not_statement"] is True
    record_correction(db, sid, "not_statement", "no")  # withdrawn
    assert sid in {r["id"] for r in statement_rows(db)}
    assert [c["field"] for c in corrections_for(db, sid)] == ["type", "not_statement", "not_statement"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("speaker", "", "a speaker's name is needed"),
        ("speaker", "Joe B\u200biden", "invisible formatting"),
        ("type", "paraphrase", "unknown quote type"),
        ("not_statement", "maybe", "give yes, or no"),
        ("stance", "positive", "unknown correction"),
    ],
)
def test_bad_corrections_are_refused_and_write_nothing(db, field, value, message):
    sid = row_of(db, "We will talk")["id"]
    with pytest.raises(InvalidCorrection, match=message):
        record_correction(db, sid, field, value)
    assert db.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0


def test_corrections_are_append_only(db):
    sid = row_of(db, "We will talk")["id"]
    record_correction(db, sid, "type", "indirect")
    for sql in ("UPDATE corrections SET value = 'mixed'", "DELETE FROM corrections"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)


def test_a_verdict_given_before_a_correction_waits_for_a_new_review(db):
    """The verdict judged another attribution: ClaimReview holds it back until it is confirmed."""
    sid = row_of(db, "The situation remains worrying")["id"]
    record_review(db, sid, "false", reviewer="desk")
    assert [r["identifier"] for r in claim_reviews(statement_rows(db))] == [sid]
    record_correction(db, sid, "speaker", "Gabrielius Landsbergis")
    assert row_of(db, "The situation")["needs_rereview"] is True
    assert claim_reviews(statement_rows(db)) == []
    record_review(db, sid, "false", reviewer="desk", note="still false, said by Landsbergis")
    assert row_of(db, "The situation")["needs_rereview"] is False
    [review] = claim_reviews(statement_rows(db))
    assert review["itemReviewed"]["author"]["name"] == "Gabrielius Landsbergis"
    record_correction(db, sid, "not_statement", "no")  # not an attribution change
    assert row_of(db, "The situation")["needs_rereview"] is False


def test_exports_carry_corrections_urls_confidence_and_act(db, tmp_path: Path):
    sid = row_of(db, "The situation remains worrying")["id"]
    record_correction(db, sid, "speaker", "Gabrielius Landsbergis")
    record_review(db, sid, "false", reviewer="desk")
    rows = statement_rows(db)
    [review] = claim_reviews(rows)
    assert review["itemReviewed"]["author"]["name"] == "Gabrielius Landsbergis"
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/lithuania"
    assert review["itemReviewed"]["appearance"]["headline"] == "Seed"

    export_rows(rows, tmp_path / "out.json", "json")
    [exported] = [r for r in json.loads((tmp_path / "out.json").read_text())["statements"] if r["id"] == sid]
    assert (exported["speaker"], exported["extracted_speaker"]) == ("Gabrielius Landsbergis", "Fabrice Leggeri")
    assert exported["url"] == "https://news.example/lithuania" and exported["act"] == "speech"

    export_rows(rows, tmp_path / "out.csv", "csv")
    import csv

    records = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    [line] = [r for r in records if r["id"] == sid]
    assert (line["speaker"], line["extracted_speaker"], line["corrected"]) == (
        "Gabrielius Landsbergis",
        "Fabrice Leggeri",
        "speaker",
    )
    assert line["url"] == "https://news.example/lithuania" and line["act"] == "speech"
    assert {"confidence", "document_title"} <= set(line)


def versioned(extraction: Extraction, version: str, *, widen: str) -> Extraction:
    """The same article extracted by another version, one content a character wider: new ids."""
    text = extraction.document.text
    statements = []
    for statement in extraction.statements:
        if widen in statement.content.text:
            statement = replace(statement, content=Span.of(text, statement.content.start, statement.content.end + 1))
        statements.append(statement)
    return replace(extraction, statements=tuple(statements), extractor_version=version)


def replaying(extractions: dict[str, Extraction]):
    def extractor(documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            yield extractions[document.sha256]

    return extractor


def test_corrections_survive_reextraction_by_another_version(db):
    """Corrections on statements nobody reviewed are re-anchored like reviews."""
    moved = row_of(db, "The situation remains worrying")["id"]
    same_span = row_of(db, "We will talk")["id"]
    record_correction(db, moved, "speaker", "Gabrielius Landsbergis")
    record_correction(db, same_span, "not_statement", "yes")
    original = h.seed_extraction(url="https://news.example/lithuania")
    v2 = versioned(original, "2", widen="The situation remains worrying")
    report = reextract(db, extractor=replaying({original.document.sha256: v2}), extractor_version="2")
    assert report.relinked == 2

    row = row_of(db, "The situation remains worrying")
    assert row["id"] != moved and row["extractor_version"] == "2"
    assert (row["speaker"], row["extracted_speaker"]) == ("Gabrielius Landsbergis", "Fabrice Leggeri")
    assert [c["via"] for c in corrections_for(db, row["id"])] == ["re-anchored"]
    assert not [r for r in statement_rows(db) if "We will talk" in r["content"]]
    with pytest.raises(RetiredStatement):
        record_correction(db, moved, "type", "indirect")


def test_correct_command(db, tmp_path: Path):
    from attribution_cli.main import app

    sid = row_of(db, "it will send additional personnel")["id"]
    path = str(tmp_path / "t.db")
    runner = CliRunner()
    done = runner.invoke(app, ["correct", sid[:8], "--db", path, "--speaker", "Fabrice Leggeri", "--reviewer", "r"])
    assert done.exit_code == 0, done.output
    assert "speaker: Frontex (organisation) -> Fabrice Leggeri" in done.output
    listed = runner.invoke(app, ["quotes", "--db", path, "--format", "json"])
    [quote] = [q for q in json.loads(listed.stdout) if q["id"] == sid]
    assert (quote["speaker"], quote["extracted_speaker"]) == ("Fabrice Leggeri", "Frontex")

    shown = runner.invoke(app, ["history", sid, "--db", path])
    assert "corrected" in shown.output and "speaker: Frontex (organisation) -> Fabrice Leggeri" in shown.output
    events = json.loads(runner.invoke(app, ["history", sid, "--db", path, "--format", "json"]).stdout)
    assert [(e["event"], e["reviewer"], e["new_value"]) for e in events] == [("correction", "r", "Fabrice Leggeri")]

    bad = runner.invoke(app, ["correct", sid, "--db", path, "--type", "paraphrase"])
    assert bad.exit_code == 2 and "unknown quote type" in bad.output
    none = runner.invoke(app, ["correct", sid, "--db", path])
    assert none.exit_code == 2 and "give --speaker, --type or --not-statement" in none.output
