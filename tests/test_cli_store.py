"""The store commands through typer's CliRunner: output, formats, filters, exit codes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
import store_helpers as h
from attribution_cli.main import app
from typer.main import get_command
from typer.testing import CliRunner

from attribution import store
from attribution.models import Document, Extraction

STORE_COMMANDS = (
    "ingest", "quotes", "speakers", "search", "review", "history", "reextract", "verify",
    "unattributed", "orphans",
)  # fmt: skip
runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    database = store.connect(path)
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, h.seed_extraction(), run_id)
    for i in range(3):
        store.store_extraction(database, h.article_extraction(i), run_id)
    text = '=HYPERLINK("http://x.example") was posted.\n"-2+3 is the answer," Frontex said.\n'
    doc = Document(id="evil", text=text, source="evil.txt")
    stmt = h.statement(text, '"-2+3 is the answer,"', h.FRONTEX)
    claim = h.claim(text, '=HYPERLINK("http://x.example") was posted.', 0.9)
    store.store_extraction(database, Extraction(doc, (stmt,), (claim,)), run_id)
    store.finish_run(database, run_id, "completed", {})
    database.close()
    return path


def json_rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def snapshot(path: Path) -> tuple:
    database = store.connect(path)
    try:
        return store.digest(database), store.review_digest(database)
    finally:
        database.close()


# --------------------------------------------------------------------------- contract


def test_every_store_command_and_option_is_documented():
    group = get_command(app)
    for name in STORE_COMMANDS:
        command = group.commands[name]  # type: ignore[attr-defined]
        assert command.help, name
        options = [p for p in command.params if p.param_type_name == "option"]
        assert any("--db" in p.opts for p in options), name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name}"


def test_missing_database_exits_66_and_creates_nothing(tmp_path):
    absent = tmp_path / "absent.db"
    for args in (["quotes"], ["speakers"], ["verify"], ["search", "x"], ["unattributed"]):
        result = invoke(*args, "--db", absent)
        assert result.exit_code == 66, args
        assert "does not exist" in result.stderr and "Traceback" not in result.output
    assert not absent.exists()


# --------------------------------------------------------------------------- quotes


def test_quotes_table_grouped_by_speaker(db_path):
    result = invoke("quotes", "--db", db_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Gabrielius Landsbergis (person; Foreign Minister; Lithuania): 2 statements" in out
    assert "Fabrice Leggeri (person; Executive Director; Frontex): 1 statement" in out
    assert '"The situation remains worrying,"' in out
    assert out.index("Fabrice Leggeri") < out.index("Gabrielius Landsbergis")


def test_quotes_json_carries_ids_and_filters(db_path):
    rows = json_rows(invoke("quotes", "--db", db_path, "--format", "json"))
    assert rows and all(len(r["id"]) == 16 for r in rows)
    rows = json_rows(invoke("quotes", "--db", db_path, "--speaker", "Landsbergis", "--format", "json"))
    assert {r["speaker"] for r in rows} == {"Gabrielius Landsbergis"} and len(rows) == 2
    rows = json_rows(invoke("quotes", "--db", db_path, "--speaker", "gabrielius landsbergis", "--format", "json"))
    assert len(rows) == 2
    rows = json_rows(invoke("quotes", "--db", db_path, "--organisation", "Frontex", "--format", "json"))
    assert {r["speaker"] for r in rows} == {"Frontex", "Fabrice Leggeri"}
    rows = json_rows(invoke("quotes", "--db", db_path, "--kind", "indirect", "--format", "json"))
    assert rows and {r["type"] for r in rows} == {"indirect"}
    rows = json_rows(invoke("quotes", "--db", db_path, "--since", "2021-07", "--format", "json"))
    assert len(rows) == 5
    rows = json_rows(invoke("quotes", "--db", db_path, "--document", "seed.txt", "--claims", "--format", "json"))
    assert len(rows) == 6 and {r["kind"] for r in rows} == {"statement", "unattributed"}


def test_quotes_csv_is_formula_safe(db_path):
    result = invoke("quotes", "--db", db_path, "--claims", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_content = {r["content"]: r for r in rows}
    assert '\'"-2+3 is the answer,"' not in by_content  # starts with a quote mark: safe
    assert '\'=HYPERLINK("http://x.example") was posted.' in by_content
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\0")), value
    assert {r["content_start"] for r in rows} >= {"0"}


@pytest.mark.parametrize(
    "args",
    [
        ["--kind", "bogus"],
        ["--status", "'); DELETE FROM reviews; --"],
        ["--since", "July"],
        ["--until", "2021-7-1"],
        ["--format", "xml"],
    ],
)
def test_invalid_filters_are_usage_errors(db_path, args):
    before = snapshot(db_path)
    result = invoke("quotes", "--db", db_path, *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert snapshot(db_path) == before


@pytest.mark.parametrize("option", ["--speaker", "--organisation", "--document"])
@pytest.mark.parametrize("value", ["x' OR 1=1 --", "%", "_", '" OR ""="', "1; DROP TABLE statements"])
def test_injection_filters_match_nothing_and_change_nothing(db_path, option, value):
    """T50 through the CLI."""
    database = store.connect(db_path)
    store_ids = [r[0] for r in database.execute("SELECT id FROM statements LIMIT 1")]
    from attribution.review import record_review

    record_review(database, store_ids[0], "verified")
    database.close()
    before = snapshot(db_path)
    result = invoke("quotes", "--db", db_path, option, value, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert invoke("search", value, "--db", db_path).exit_code == 0
    assert snapshot(db_path) == before


# --------------------------------------------------------------------------- other listings


def test_speakers(db_path):
    result = invoke("speakers", "--db", db_path)
    assert result.exit_code == 0
    assert "Gabrielius Landsbergis" in result.stdout and "Foreign Minister" in result.stdout
    rows = json_rows(invoke("speakers", "--db", db_path, "--format", "json"))
    landsbergis = next(r for r in rows if r["name"] == "Gabrielius Landsbergis")
    assert landsbergis["n_statements"] == 2 and landsbergis["aliases"] == ["Landsbergis"]
    result = invoke("speakers", "--db", db_path, "--format", "csv")
    assert result.stdout.splitlines()[0].startswith("id,name,kind")


def test_search(db_path):
    rows = json_rows(invoke("search", "worrying situation", "--db", db_path, "--format", "json"))
    assert [r["speaker"] for r in rows] == ["Fabrice Leggeri"]
    for query in ['"', "NEAR(", "a OR", "*", "'--"]:
        result = invoke("search", query, "--db", db_path)
        assert result.exit_code == 0, (query, result.output)
    result = invoke("search", "crossings", "--db", db_path)
    assert "crossings" in result.stdout


def test_unattributed(db_path):
    rows = json_rows(invoke("unattributed", "--db", db_path, "--format", "json"))
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rows[0]["score"] == 0.9
    rows = json_rows(invoke("unattributed", "--db", db_path, "--min-score", "0.7", "--format", "json"))
    assert [r["score"] for r in rows] == [0.9, 0.8]
    assert invoke("unattributed", "--db", db_path).exit_code == 0


# --------------------------------------------------------------------------- review, history


def test_review_and_history(db_path):
    rows = json_rows(invoke("quotes", "--db", db_path, "--speaker", "Leggeri", "--format", "json"))
    sid = rows[0]["id"]
    result = invoke(
        "review",
        sid[:8],
        "--status",
        "false",
        "--note",
        "wrong figure",
        "--reviewer",
        "ana",
        "--db",
        db_path,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{sid}: false")
    result = invoke("review", sid, "--status", "verified", "--db", db_path)
    assert result.exit_code == 0
    rows = json_rows(invoke("quotes", "--db", db_path, "--status", "verified", "--format", "json"))
    assert [r["id"] for r in rows] == [sid] and rows[0]["note"] == "wrong figure"
    history = json_rows(invoke("history", sid, "--db", db_path, "--format", "json"))
    assert [(r["status"], r["reviewer"]) for r in history] == [("false", "ana"), ("verified", None)]
    table = invoke("history", sid, "--db", db_path)
    assert "wrong figure" in table.stdout and "direct" in table.stdout


def test_review_errors(db_path):
    result = invoke("review", "ffffffffffffffff", "--status", "verified", "--db", db_path)
    assert result.exit_code == 65 and "no statement" in result.stderr  # data error (was 1)
    sid = json_rows(invoke("quotes", "--db", db_path, "--format", "json"))[0]["id"]
    result = invoke("review", sid, "--status", "maybe", "--db", db_path)
    assert result.exit_code == 2
    result = invoke("review", sid, "--db", db_path)
    assert result.exit_code == 2  # --status is required


def test_busy_database_exits_75_with_one_line(db_path):
    sid = json_rows(invoke("quotes", "--db", db_path, "--format", "json"))[0]["id"]
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = invoke("review", sid, "--status", "verified", "--busy-timeout", "100", "--db", db_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 75
    assert "busy" in result.stderr and "re-run" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert invoke("review", sid, "--status", "verified", "--db", db_path).exit_code == 0


# --------------------------------------------------------------------------- verify, reextract


def test_verify_ok_and_tampered(db_path):
    result = invoke("verify", "--db", db_path)
    assert result.exit_code == 0 and "ok" in result.stdout
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE documents SET text = replace(text, 'worrying', 'worryinG')")
    raw.commit()
    raw.close()
    result = invoke("verify", "--db", db_path)
    assert result.exit_code == 65  # data error (it was 1, outside the README's table)
    key = h.seed_extraction().document.sha256
    assert f"document {key}" in result.stdout and "problems found" in result.stderr


def test_missing_pipeline_is_one_line(db_path, tmp_path):
    """Exit 69 (a service the command needs is unavailable), as for Datasette or a dask
    scheduler; it was 1, a code the README's table never had."""
    (tmp_path / "a.txt").write_text("Somebody said so.", encoding="utf-8")
    for args in (
        ["reextract", "--db", db_path, "--model", "no_such_pipeline_xx"],
        ["ingest", tmp_path, "--db", db_path, "--model", "no_such_pipeline_xx"],
        ["extract", tmp_path / "a.txt", "--model", "no_such_pipeline_xx"],
    ):
        result = invoke(*args)
        assert result.exit_code == 69, result.output
        assert "no_such_pipeline_xx" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_evaluate_of_a_gold_file_that_is_not_jsonl_exits_66(tmp_path):
    """Gold that cannot be read is input that cannot be read: 66 (it was 1)."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text("this line is no JSON\n", encoding="utf-8")
    result = invoke("evaluate", gold)
    assert result.exit_code == 66, result.output
    assert result.stderr.startswith(f"error: {gold}:1: not JSON")


def test_ingest_missing_path_exits_66(tmp_path):
    result = invoke("ingest", tmp_path / "nope.txt", "--db", tmp_path / "x.db")
    assert result.exit_code == 66 and "nope.txt" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_orphans_and_history_of_a_replaced_statement(db_path):
    from dataclasses import replace

    from attribution.jobs import reextract

    sid = json_rows(invoke("quotes", "--db", db_path, "--speaker", "Leggeri", "--format", "json"))[0]["id"]
    assert invoke("review", sid, "--status", "false", "--note", "n", "--db", db_path).exit_code == 0
    assert "no orphaned reviews" in invoke("orphans", "--db", db_path).stdout
    database = store.connect(db_path)

    def drop_leggeri(documents):
        for document in documents:
            rebuilt = h.seed_extraction() if document.source == "seed.txt" else None
            if rebuilt is None:
                i = int(document.source.split("-")[1][:4]) if "article" in document.source else None
                rebuilt = h.article_extraction(i) if i is not None else None
            if rebuilt is None:
                yield Extraction(document, (), extractor_version="2")
                continue
            kept = tuple(s for s in rebuilt.statements if "situation" not in s.content.text)
            yield replace(rebuilt, document=document, statements=kept, extractor_version="2")

    reextract(database, extractor=drop_leggeri, extractor_version="2")
    database.close()
    rows = json_rows(invoke("orphans", "--db", db_path, "--format", "json"))
    assert [(r["statement_id"], r["status"], r["note"]) for r in rows] == [(sid, "false", "n")]
    table = invoke("orphans", "--db", db_path)
    assert sid in table.stdout and "situation" in table.stdout
    result = invoke("history", sid, "--db", db_path)
    assert "no longer current" in result.stdout and "false" in result.stdout
    result = invoke("verify", "--db", db_path)
    assert result.exit_code == 0 and "1 orphaned reviews are kept" in result.stdout


def test_network_filesystem_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "filesystem_type", lambda path: "nfs4")
    result = invoke("quotes", "--db", tmp_path / "n.db")
    assert result.exit_code == 66  # missing: checked before opening
    store_path = tmp_path / "n.db"
    store_path.touch()
    result = invoke("quotes", "--db", store_path)
    assert result.exit_code == 74 and "network filesystem (nfs4)" in result.stderr  # the file system's fault: I/O


@pytest.mark.parametrize(
    "args",
    [["quotes"], ["verify"], ["review", "abcdef", "--status", "verified"], ["export", "--out", "x.csv"]],
    ids=["quotes", "verify", "review", "export"],
)
def test_a_file_that_is_no_database_exits_66(tmp_path, monkeypatch, args):
    """A --db that is not an SQLite file cannot be read as the input it should be: 66, the same
    for every command (it was 1 for the store's commands and 74 for export's)."""
    monkeypatch.chdir(tmp_path)
    text = tmp_path / "notes.db"
    text.write_text("Not a database, only a note that happens to end in .db\n" * 20, encoding="utf-8")
    result = invoke(*args, "--db", text)
    assert result.exit_code == 66, result.output
    assert "file is not a database" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "x.csv").exists()


# --------------------------------------------------------------------------- ingest (real extractor)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(h.SEED_TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(h.article(1)[1], encoding="utf-8")
    (folder / "c.jsonl").write_text(
        json.dumps({"id": "c1", "text": h.article(2)[1]}) + "\n" + "{not json\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "d.txt").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    return folder


def test_ingest_reports_every_input_and_exits_65(inputs, tmp_path):
    db = tmp_path / "i.db"
    result = invoke("ingest", inputs, "--db", db)
    assert result.exit_code == 65, result.output
    table = result.stdout
    for name, status in (
        ("a.txt", "stored"),
        ("b.txt", "stored"),
        ("c.jsonl:1", "stored"),
        ("c.jsonl:2", "rejected"),
        ("empty.txt", "skipped"),
        ("d.txt", "rejected"),
    ):
        line = next(line for line in table.splitlines() if name in line)
        assert line.startswith(status), line
    assert "3 stored, 0 unchanged, 1 skipped, 2 rejected, 0 failed" in table
    assert "PDF" in table and "invalid JSON" in table
    assert "[1] stored" in result.stderr  # progress on stderr
    again = invoke("ingest", inputs, "--db", db, "--json-summary", "--quiet")
    assert again.exit_code == 65 and again.stderr == ""
    summary = json.loads(again.stdout)
    assert summary["counts"]["stored"] == 0 and summary["counts"]["unchanged"] == 3
    assert {i["status"] for i in summary["inputs"]} == {"unchanged", "rejected", "skipped"}
    database = store.connect(db)
    problems = database.execute("SELECT status, count(*) FROM ingest_errors GROUP BY status").fetchall()
    assert dict(problems) == {"rejected": 4, "skipped": 2}
    assert [r[0] for r in database.execute("SELECT status FROM runs")] == ["completed_with_errors"] * 2
    database.close()


def test_ingest_clean_folder_exits_0(tmp_path):
    folder = tmp_path / "ok"
    folder.mkdir()
    (folder / "a.txt").write_text(h.SEED_TEXT, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    result = invoke("ingest", folder, "--db", tmp_path / "ok.db", "--quiet")
    assert result.exit_code == 0, result.output
    assert "1 stored, 0 unchanged, 1 skipped" in result.stdout


def test_ingest_fail_fast_stops_at_the_first_problem(tmp_path):
    folder = tmp_path / "ff"
    folder.mkdir()
    (folder / "1-bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "2-good.txt").write_text(h.SEED_TEXT, encoding="utf-8")
    result = invoke("ingest", folder, "--db", tmp_path / "ff.db", "--fail-fast", "--quiet")
    assert result.exit_code == 65
    assert "0 stored" in result.stdout and "2-good.txt" not in result.stdout


def test_ingest_with_workers_writes_only_from_the_parent(tmp_path, monkeypatch):
    """T11: with --workers 2 every database connection is opened by the parent process."""
    import os
    import sqlite3 as sqlite

    log = tmp_path / "connections.log"
    real = sqlite.connect

    def audited(*args, **kwargs):
        with log.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(store.sqlite3, "connect", audited)
    folder = tmp_path / "w"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(h.article(i)[1], encoding="utf-8")
    result = invoke("ingest", folder, "--db", tmp_path / "w.db", "--workers", "2", "--quiet")
    assert result.exit_code == 0, result.output
    assert "6 stored" in result.stdout
    assert set(log.read_text().split()) == {str(os.getpid())}
    monkeypatch.setattr(store.sqlite3, "connect", real)
    database = store.connect(tmp_path / "w.db")
    assert store.verify(database) == []


def test_ingest_reports_an_overrunning_document_as_timed_out_and_goes_on(tmp_path, monkeypatch):
    """R5.3: a runaway extraction is killed at --timeout; the other documents are stored."""
    import time

    from attribution import extract, parallel

    real = extract._part

    def runaway(document, doc, offset):
        if "Stalled" in document.text:
            time.sleep(120)
        return real(document, doc, offset)

    monkeypatch.setattr(extract, "_part", runaway)
    monkeypatch.setattr(parallel, "BATCH_ALLOWANCE", 0.5)
    folder = tmp_path / "t"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(h.article(i)[1], encoding="utf-8")
    (folder / "stalled.txt").write_text("Stalled. " + h.article(9)[1], encoding="utf-8")
    started = time.monotonic()
    result = invoke("ingest", folder, "--db", tmp_path / "t.db", "--timeout", "3")
    assert time.monotonic() - started < 60
    assert result.exit_code == 65, result.output
    assert "3 stored" in result.stdout and "1 failed" in result.stdout
    assert "failed: " in result.stderr and "stalled.txt (timeout: no result within 3 s)" in result.stderr


def test_backup_command_writes_a_verified_copy_once(db_path, tmp_path):
    target = tmp_path / "backup.db"
    result = invoke("backup", target, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{target}: 5 documents copied from {db_path}"
    assert invoke("verify", "--db", target).exit_code == 0
    again = invoke("backup", target, "--db", db_path)
    assert again.exit_code == 73  # cannot create, as for export (was 1)
    assert again.stderr.strip().endswith("already exists; choose a new file for the backup")
    missing = invoke("backup", tmp_path / "b2.db", "--db", tmp_path / "none.db")
    assert missing.exit_code == 66 and not (tmp_path / "b2.db").exists()


def test_quotes_min_confidence_drops_what_the_scorer_doubts(tmp_path):
    """Every statement is listed with its calibrated confidence; --min-confidence X keeps those
    at least that sure; the default listing is the desk's (speech, at the scorer's threshold)."""
    source = tmp_path / "article.txt"
    source.write_text(
        "The minister said the border would stay closed.\n\n"
        "In a speech in Fort Pierce, Clinton laid out her proposals to increase national service.\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    assert invoke("ingest", source, "--db", db).exit_code == 0
    every = json_rows(invoke("quotes", "--db", db, "--format", "json", "--attributions", "all"))
    assert [r["rule"] for r in every] == ["cue-ccomp", "learned-dobj"]
    assert all(0.0 < r["confidence"] < 1.0 for r in every)
    sure, doubtful = every
    assert sure["confidence"] > doubtful["confidence"]
    cut = (sure["confidence"] + doubtful["confidence"]) / 2
    kept = json_rows(invoke("quotes", "--db", db, "--format", "json", "--attributions", "all", "--min-confidence", cut))
    assert [r["rule"] for r in kept] == ["cue-ccomp"]
    default = json_rows(invoke("quotes", "--db", db, "--format", "json"))
    assert [r["rule"] for r in default] == ["cue-ccomp"]
    assert invoke("quotes", "--db", db, "--min-confidence", "1.5").exit_code == 2
