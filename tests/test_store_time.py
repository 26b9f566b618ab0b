"""Statement times in the store: columns, the --said-since/--said-until filters, exports, migration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import store_helpers as h
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import store
from attribution.extract import extract_documents
from attribution.jobs import reextract
from attribution.models import Document, Extraction
from attribution.queries import statement_rows
from attribution.schema import SCHEMA_VERSION, migrations

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_08f2487d190f4389.txt"
runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    text = SEED.read_text(encoding="utf-8")
    (found,) = list(extract_documents([Document(id="seed", text=text, source="seed.txt")]))
    return found


@pytest.fixture
def db_path(tmp_path: Path, extraction: Extraction) -> Path:
    path = tmp_path / "time.db"
    database = store.connect(path)
    store.store_extraction(database, extraction, store.start_run(database, "ingest"))
    database.close()
    return path


def _starts(rows: list[dict]) -> set[str]:
    return {r["content"][:20] for r in rows}


def test_times_are_stored_with_their_span(db_path: Path) -> None:
    database = store.connect(db_path)
    row = database.execute(
        "SELECT said_from, said_to, said_precision, said_expression, said_start, said_end, time_rule,"
        " d.text FROM statements s JOIN documents d ON d.id = s.document_id"
        " WHERE content LIKE 'his country would no longer%'"
    ).fetchone()
    said_from, said_to, precision, expression, start, end, rule, text = row
    assert (said_from, said_to, precision, rule) == ("2021-05-01", "2021-05-31", "month", "bare_month")
    assert expression == "in May"
    assert text[start:end] == "in May"
    by_publication = database.execute(
        "SELECT said_from, said_to, time_rule FROM statements WHERE content LIKE 'it will urge%'"
    ).fetchone()
    assert by_publication == (None, "2021-07-12", "by publication")
    claims = database.execute("SELECT DISTINCT time_rule FROM statements WHERE kind != 'statement'").fetchall()
    assert claims == [(None,)]
    assert store.verify(database) == []


def test_said_filters_compare_the_time_of_saying(db_path: Path) -> None:
    database = store.connect(db_path)
    everything = statement_rows(database)
    before_june = statement_rows(database, said_until="2021-06")
    assert _starts(before_june) == {"his country would no"}
    day = statement_rows(database, said_since="2021-07-12")
    assert "his country would no" not in _starts(day) and "Belarus had been off" not in _starts(day)
    assert {"it will send additio", "it will urge the Eur"} <= _starts(day)  # said that day; by publication
    last_week = statement_rows(database, said_since="2021-07-05", said_until="2021-07-11")
    assert _starts(last_week) == {"Belarus had been off", "it had started const"}
    assert len(statement_rows(database, said_since="2021")) == len(everything)


def test_quotes_cli_filters_on_said_dates(db_path: Path) -> None:
    result = invoke("quotes", "--db", db_path, "--said-until", "2021-06", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["said_expression"] == "in May" and row["said_precision"] == "month"
    assert invoke("quotes", "--db", db_path, "--said-since", "last week").exit_code == 2
    help_text = invoke("quotes", "--help").output
    assert "--said-since" in help_text and "--said-until" in help_text


def test_json_export_rows_carry_the_time(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = invoke("export", "--db", db_path, "--out", out)
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))["statements"]
    (landsbergis,) = [r for r in rows if r["content"].startswith('"When refugees')]
    assert (landsbergis["said_from"], landsbergis["said_to"], landsbergis["time_rule"]) == (
        "2021-07-12",
        "2021-07-12",
        "absolute_date",
    )


def test_a_v4_database_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    database = store.connect(path, migrate_schema=False)
    with store.write_transaction(database):
        migrations.apply(database, stop_before="m005_statement_time")
        database.execute("PRAGMA user_version = 4")
    store.store_extraction(database, h.seed_extraction(), store.start_run(database, "ingest"))
    count = database.execute("SELECT count(*) FROM statements").fetchone()[0]
    database.close()

    database = store.connect(path)
    assert store.schema_version(database) == SCHEMA_VERSION
    assert database.execute("SELECT count(*) FROM statements WHERE said_to IS NULL").fetchone()[0] == count
    assert store.verify(database) == []
    # no time stored yet: the publication date stands in
    assert len(statement_rows(database, said_since="2021-07-12")) == len(statement_rows(database))

    reextract(database, all=True)  # the same extractor version: only --all fills the times in
    rows = statement_rows(database)
    assert rows and all(r["time_rule"] for r in rows)
    (landsbergis,) = [r for r in rows if r["content"].startswith('"When refugees')]
    assert (landsbergis["said_from"], landsbergis["said_expression"]) == ("2021-07-12", "on July 12")
    assert store.verify(database) == []
