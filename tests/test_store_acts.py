"""Every act is stored; listings and exports show speech unless --attributions all.

The article is real text through the real extractor. The storage and query tests then pin
each statement's act with dataclasses.replace, so they hold whatever the act classifier
decides for these sentences.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sqlite3
from pathlib import Path

import pytest
import store_helpers as h
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import store
from attribution.extract import extract_documents
from attribution.models import Act, Document, Extraction
from attribution.queries import speaker_rows, statement_rows
from attribution.review import record_review
from attribution.schema import SCHEMA_VERSION, migrations

TEXT = (
    "Health Minister Anna Kowalski said on Monday that hospitals would receive more funding.\n\n"
    "Kowalski believes that the reform will shorten waiting lists.\n\n"
    "The ministry plans to open two new clinics next year.\n"
)
runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def rows_of(*args: str | Path) -> list[dict]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    """The real extraction, with acts pinned: 'said' speech, 'believes' thought, 'plans to'
    intention (statements the extractor may find beyond these keep what it gave them)."""
    (found,) = list(extract_documents([Document(id="health", text=TEXT, source="health.txt")]))
    acts = {"said": Act.SPEECH, "believes": Act.THOUGHT, "plans": Act.INTENTION}
    statements = []
    for statement in found.statements:
        cue = statement.cue.text if statement.cue else ""
        statements.append(dataclasses.replace(statement, act=acts.get(cue, statement.act)))
    cues = {s.cue.text for s in statements if s.cue}
    assert {"said", "believes"} <= cues, [(s.cue.text if s.cue else None, s.content.text) for s in statements]
    return dataclasses.replace(found, statements=tuple(statements))


@pytest.fixture
def db_path(tmp_path: Path, extraction: Extraction) -> Path:
    path = tmp_path / "acts.db"
    database = store.connect(path)
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, extraction, run_id)
    store.store_extraction(database, h.seed_extraction(), run_id)  # all speech, one claim
    database.close()
    return path


def test_every_act_is_stored(db_path: Path, extraction: Extraction) -> None:
    database = store.connect(db_path)
    stored = dict(database.execute("SELECT cue, act FROM statements WHERE kind = 'statement' AND cue IN"
                                   " ('said', 'believes', 'plans')").fetchall())  # fmt: skip
    assert stored["said"] == "speech" and stored["believes"] == "thought"
    claims = database.execute("SELECT DISTINCT act FROM statements WHERE kind != 'statement'").fetchall()
    assert claims == [(None,)]  # a claim is nobody's act
    n_all = len([s for s in extraction.statements])
    assert len(statement_rows(database, document="health.txt", attributions="all")) == n_all


def test_quotes_show_speech_by_default_and_every_act_on_request(db_path: Path) -> None:
    default = rows_of("quotes", "--db", db_path, "--document", "health.txt")
    assert {r["act"] for r in default} == {"speech"}
    assert any("more funding" in r["content"] for r in default)
    assert not any("waiting lists" in r["content"] for r in default)

    broad = rows_of("quotes", "--db", db_path, "--document", "health.txt", "--attributions", "all")
    assert any("waiting lists" in r["content"] and r["act"] == "thought" for r in broad)
    assert len(broad) > len(default)
    text = invoke("quotes", "--db", db_path, "--attributions", "all", "--speaker", "Kowalski").stdout
    assert "believes" in text and "said" in text
    assert "believes" not in invoke("quotes", "--db", db_path, "--speaker", "Kowalski").stdout


def test_speaker_counts_follow_the_acts(db_path: Path) -> None:
    def count(*extra: str) -> int:
        rows = rows_of("speakers", "--db", db_path, *extra)
        return next(r["n_statements"] for r in rows if r["name"] == "Anna Kowalski")

    assert count("--attributions", "all") == count() + 1


def test_exports_show_speech_by_default(db_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for fmt in ("json", "jsonl", "csv", "xlsx"):
        for choice in ("speech", "all"):
            out = Path(f"out-{choice}.{fmt}")
            result = invoke("export", "--db", db_path, "--out", out, "--attributions", choice, "--force")
            assert result.exit_code == 0, result.output
        if fmt == "json":
            speech = json.loads(Path("out-speech.json").read_text(encoding="utf-8"))["statements"]
            broad = json.loads(Path("out-all.json").read_text(encoding="utf-8"))["statements"]
            assert {r["act"] for r in speech if r["kind"] == "statement"} == {"speech"}
            assert "thought" in {r["act"] for r in broad}
            assert {r["id"] for r in speech if r["kind"] != "statement"} == {
                r["id"] for r in broad if r["kind"] != "statement"
            }  # claims are in both
        elif fmt in ("jsonl", "csv"):
            speech, broad = (statement_texts(Path(f"out-{choice}.{fmt}")) for choice in ("speech", "all"))
            assert not any("waiting lists" in t for t in speech) and any("waiting lists" in t for t in broad)
    default = invoke("export", "--db", db_path, "--out", "default.jsonl")
    assert default.exit_code == 0
    assert not any("waiting lists" in t for t in statement_texts(Path("default.jsonl")))


def statement_texts(path: Path) -> list[str]:
    """The content of every statement row (not claim) in a JSONL or CSV export."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        records = [json.loads(line) for line in text.splitlines()]
    else:
        records = list(csv.DictReader(io.StringIO(text)))
    return [r["content"] for r in records if r["kind"] == "statement"]


def test_a_sheet_exported_with_every_act_imports_its_verdicts(db_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("export", "--db", db_path, "--out", "all.csv", "--attributions", "all").exit_code == 0
    lines = Path("all.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    status = header.index("status")
    marked = []
    for line in lines[1:]:
        cells = line.split(",")
        if "waiting lists" in line and len(cells) == len(header):
            cells[status] = "verified"
        marked.append(",".join(cells))
    Path("all.csv").write_text("\n".join([lines[0], *marked]) + "\n", encoding="utf-8")
    result = invoke("import-reviews", "all.csv", "--db", db_path)
    assert result.exit_code == 0, result.output


def test_unattributed_is_unchanged_by_acts(db_path: Path) -> None:
    """Every stored claim is listed, and no statement of any act is."""
    rows = rows_of("unattributed", "--db", db_path)
    assert {r["kind"] for r in rows} <= {"unattributed", "unresolved"}
    conn = sqlite3.connect(db_path)
    claims = {row[0] for row in conn.execute("SELECT id FROM statements WHERE kind != 'statement' AND current = 1")}
    conn.close()
    assert {r["id"] for r in rows} == claims
    assert "More than 800 illegal crossings were recorded in the first week of July." in {r["content"] for r in rows}


def test_serve_offers_the_speech_view(db_path: Path) -> None:
    from attribution.serve import database_name, datasette_config

    tables = datasette_config(db_path)["databases"][database_name(db_path)]["tables"]
    assert "speech_statements" in tables and "act" in tables["statements"]["facets"]
    conn = sqlite3.connect(db_path)
    acts = {row[0] for row in conn.execute("SELECT act FROM speech_statements WHERE kind = 'statement'")}
    conn.close()
    assert acts == {"speech"}


def test_bad_attributions_value_is_a_usage_error(db_path: Path) -> None:
    assert invoke("quotes", "--db", db_path, "--attributions", "thoughts").exit_code == 2


def test_ingest_stores_every_act_without_reextraction(tmp_path: Path) -> None:
    source = tmp_path / "health.txt"
    source.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "ingest.db"
    assert invoke("ingest", source, "--db", db, "-q").exit_code == 0
    database = store.connect(db)
    acts = [row[0] for row in database.execute("SELECT act FROM statements WHERE kind = 'statement'")]
    database.close()
    assert "speech" in acts and len(acts) == len(rows_of("quotes", "--db", db, "--attributions", "all"))
    assert len(rows_of("quotes", "--db", db)) == acts.count("speech")


def test_older_database_migrates_with_every_statement_speech(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    database = store.connect(path, migrate_schema=False)
    with store.write_transaction(database):
        migrations.apply(database, stop_before="m004_acts_and_speaker_registry")
        database.execute("PRAGMA user_version = 3")
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, h.seed_extraction(), run_id)
    sid = database.execute("SELECT id FROM statements WHERE cue = 'added'").fetchone()[0]
    record_review(database, sid, "verified", note="checked", reviewer="r")
    reviews = store.review_digest(database)
    database.close()

    database = store.connect(path)
    assert store.schema_version(database) == SCHEMA_VERSION
    acts = {row[0] for row in database.execute("SELECT act FROM statements WHERE kind = 'statement'")}
    assert acts == {"speech"}
    assert store.review_digest(database) == reviews
    assert store.verify(database) == []
    landsbergis = next(r for r in speaker_rows(database) if r["name"] == "Gabrielius Landsbergis")
    assert landsbergis["n_statements"] == 2 and landsbergis["aliases"] == ["Landsbergis"]
    (row,) = statement_rows(database, ids=[sid])
    assert row["status"] == "verified" and row["speaker"] == "Gabrielius Landsbergis"
