"""Reliability scenarios from ../shared/RELIABILITY.md, run against real processes.

Documents are short variants of the seed article's paragraphs. They are extracted once with the
real spaCy extractor (module fixture); the SIGKILL and concurrency trials then replay those
extractions through ``jobs.ingest_paths`` in worker processes (tests/store_workers.py), so a
trial costs a Python start rather than a spaCy load. The CLI trials run ``attribution ingest``
itself, end to end.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from attribution import EXTRACTOR_VERSION, jobs, store
from attribution.jobs import reextract
from attribution.models import Document, Extraction, Span
from attribution.queries import statement_rows
from attribution.review import record_review
from attribution.schema import SCHEMA_VERSION, migrations

ROOT = Path(__file__).resolve().parents[1]
WORKERS = ROOT / "tests" / "store_workers.py"
SEED = ROOT / "seeds" / "000_08f2487d190f4389.txt"
N_DOCS = 200
KILL_TRIALS = 20
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}


def seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return paragraphs[1:]  # the first carries the date line


def make_documents(n: int, seed: int = 7) -> list[Document]:
    """Short articles: a date line, a unique headline, two seed paragraphs."""
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    documents = []
    for i in range(n):
        body = "\n\n".join(rng.sample(paragraphs, 2))
        text = f"date 2021-07-{1 + i % 28:02d} Story number {i} from the border.\n\n{body}\n"
        documents.append(Document(id=f"doc-{i:03d}", text=text, source=f"doc-{i:03d}.txt"))
    return documents


def variant(extraction: Extraction, k: int) -> Extraction:
    """The same article with one more line at the end: a new document, same valid spans."""
    doc = extraction.document
    text = f"{doc.text}\nUpdate {k}.\n"
    new = Document(id=f"{doc.id}-v{k}", text=text, source=f"v{k}/{doc.source}")
    return replace(extraction, document=new)


@dataclass
class Corpus:
    documents: list[Document]
    extractions: list[Extraction]
    pickle: Path
    folder: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    from attribution.extract import extract_documents

    base = tmp_path_factory.mktemp("corpus")
    documents = make_documents(N_DOCS)
    extractions = list(extract_documents(documents))
    assert [e.document for e in extractions] == documents
    assert sum(len(e.statements) for e in extractions) >= N_DOCS
    path = base / "extractions.pickle"
    path.write_bytes(pickle.dumps(extractions))
    folder = base / "files"
    folder.mkdir()
    for doc in documents:
        (folder / doc.source).write_text(doc.text, encoding="utf-8")
    return Corpus(documents, extractions, path, folder)


def worker(*args: str | Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *[str(a) for a in args]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        **kwargs,
    )


def wait_ready(process: subprocess.Popen) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", (line, process.stderr.read() if process.stderr else "")


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def invariants(path: Path) -> dict[str, int]:
    """The T02 pass criteria, read with a plain connection (nothing written)."""
    if not path.exists():
        return {"documents": 0}
    conn = sqlite3.connect(path, timeout=30)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "documents" not in tables:
            return {"documents": 0, "integrity": int(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")}
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        result = {
            "integrity": int(one("PRAGMA integrity_check") == "ok"),
            "documents": one("SELECT count(*) FROM documents"),
            "incomplete": one("SELECT count(*) FROM documents WHERE complete != 1"),
            "miscounted": one(
                "SELECT count(*) FROM documents d WHERE n_statements != (SELECT count(*) FROM"
                " statements s WHERE s.document_id = d.id AND current = 1 AND kind = 'statement')"
                " OR n_claims != (SELECT count(*) FROM statements s WHERE s.document_id = d.id"
                " AND current = 1 AND kind != 'statement')"
            ),
            "orphan_statements": one(
                "SELECT count(*) FROM statements s LEFT JOIN documents d ON d.id = s.document_id WHERE d.id IS NULL"
            ),
            "duplicate_statements": one(
                "SELECT count(*) FROM (SELECT document_id, kind, type, content_start, content_end,"
                " count(*) AS n FROM statements WHERE current = 1 GROUP BY 1, 2, 3, 4, 5)"
                " WHERE n > 1"
            ),
            "statements": one("SELECT count(*) FROM statements"),
        }
    finally:
        conn.close()
    return result


def assert_clean(state: dict[str, int]) -> None:
    assert state.get("integrity", 1) == 1, state
    for key in ("incomplete", "miscounted", "orphan_statements", "duplicate_statements"):
        assert state.get(key, 0) == 0, state


# --------------------------------------------------------------------------- T02 / T03


def test_sigkill_mid_ingest_then_resume(corpus, tmp_path):
    """T02 + T03: 20 SIGKILLs at random points of a 200-document ingest, each then resumed."""
    rng = random.Random(2024)
    total_statements = None
    killed_mid_batch = 0
    for trial in range(KILL_TRIALS):
        db = tmp_path / f"kill-{trial}.db"
        process = worker("replay", db, corpus.pickle)
        wait_ready(process)
        stop_after = rng.randint(1, N_DOCS - 1)  # kill after this many committed documents
        seen = 0
        assert process.stdout is not None
        while seen < stop_after:
            line = process.stdout.readline()
            if not line:
                break
            seen += 1
        time.sleep(rng.uniform(0, 0.004))  # land anywhere inside the next transactions
        process.send_signal(signal.SIGKILL)
        process.wait()
        after_kill = invariants(db)
        assert_clean(after_kill)
        assert seen <= after_kill["documents"] <= N_DOCS
        killed_mid_batch += after_kill["documents"] < N_DOCS
        # resume: a full, clean run that stores only what is missing
        code, out, err = finish(worker("replay", db, corpus.pickle))
        assert code == 0, err
        counts = json.loads(out.strip().splitlines()[-1])
        assert counts["n_stored"] == N_DOCS - after_kill["documents"]
        assert counts["n_unchanged"] == after_kill["documents"]
        final = invariants(db)
        assert_clean(final)
        assert final["documents"] == N_DOCS
        total_statements = total_statements or final["statements"]
        assert final["statements"] == total_statements  # same rows whatever the kill point
        database = store.connect(db)
        assert store.verify(database) == []
        statuses = [r[0] for r in database.execute("SELECT status FROM runs ORDER BY started_at")]
        database.close()
        assert statuses == ["aborted", "completed"]  # T03: the killed run is labelled
    assert killed_mid_batch >= KILL_TRIALS // 2


# --------------------------------------------------------------------------- T04 / T05


def test_concurrent_writers_reviewers_and_a_reader(corpus, tmp_path):
    """T04 + T05: 8 ingest processes (disjoint 100 documents each), 2 reviewers, 1 reader."""
    variants = [variant(e, k) for k in range(4) for e in corpus.extractions]  # 800 documents
    pickle_path = tmp_path / "variants.pickle"
    pickle_path.write_bytes(pickle.dumps(variants))
    db = tmp_path / "concurrent.db"
    store.connect(db).close()
    stop = tmp_path / "stop"
    reader = worker("reader", db, stop)
    wait_ready(reader)
    writers = [worker("replay", db, pickle_path, i * 100, (i + 1) * 100) for i in range(8)]
    reviewers = [worker("reviewer", db, 150, seed) for seed in (1, 2)]
    results = [finish(p) for p in writers + reviewers]
    stop.touch()
    reader_result = finish(reader)
    for code, _, err in results + [reader_result]:
        assert code == 0, err
        assert "locked" not in err and "Traceback" not in err
    for _code, out, _ in results[:8]:
        counts = json.loads(out.strip().splitlines()[-1])
        assert counts["n_stored"] == 100 and counts["n_failed"] == 0
    written = sum(json.loads(out.strip().splitlines()[-1])["written"] for _, out, _ in results[8:])
    assert written == 300
    read = json.loads(reader_result[1].strip().splitlines()[-1])
    assert read["loops"] > 0 and read["violations"] == 0
    state = invariants(db)
    assert_clean(state)
    assert state["documents"] == 800
    expected = sum(len(e.statements) + len(e.claims) for e in variants)
    assert state["statements"] == expected
    database = store.connect(db)
    assert database.execute("SELECT count(*) FROM reviews").fetchone()[0] == 300
    assert database.execute("SELECT count(DISTINCT status) FROM runs").fetchone()[0] == 1
    assert store.verify(database) == []
    database.close()


# --------------------------------------------------------------------------- T14


def test_reviews_survive_reextraction_with_moved_boundaries(corpus, tmp_path):
    """T14: 120 reviewed statements; v2 moves 30 boundaries and drops 5: reviews untouched."""
    from attribution.extract import extract_documents

    documents = corpus.documents[:100]
    db_path = tmp_path / "t14.db"
    jobs.ingest_paths(db_path, [], documents=documents)  # the real extractor
    db = store.connect(db_path)
    rows = statement_rows(db)
    assert len(rows) >= 120
    rng = random.Random(14)
    reviewed = rng.sample(rows, 120)
    for i, row in enumerate(reviewed):
        record_review(db, row["id"], rng.choice(["verified", "false", "misleading"]),
                      note=f"note {i}", reviewer=f"r{i % 3}")  # fmt: skip
    texts = {r["document_id"]: None for r in reviewed}
    movable = [
        r for r in reviewed
        if r["content_end"] < len(db.execute("SELECT text FROM documents WHERE id = ?",
                                             [r["document_id"]]).fetchone()[0])
    ]  # fmt: skip

    def alone(row: dict) -> bool:  # overlaps no other statement: dropping it leaves no match
        return not any(
            o["id"] != row["id"] and o["document_id"] == row["document_id"]
            and o["content_start"] < row["content_end"] and row["content_start"] < o["content_end"]
            for o in rows
        )  # fmt: skip

    droppable = [r for r in movable if alone(r)][:5]
    dropped = {(r["document_id"], r["content_start"], r["content_end"]) for r in droppable}
    moved = {(r["document_id"], r["content_start"], r["content_end"]) for r in movable if r not in droppable}
    moved = set(sorted(moved)[:30])
    assert len(moved) == 30 and len(dropped) == 5 and texts
    before_rows = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    before_digest = store.review_digest(db)

    newer = str(int(EXTRACTOR_VERSION) + 1)  # a version the corpus was not extracted with

    def version_two(docs):
        for extraction in extract_documents(docs):
            text = extraction.document.text
            statements = []
            for s in extraction.statements:
                key = (extraction.document.sha256, s.content.start, s.content.end)
                if key in dropped:
                    continue
                if key in moved:
                    s = replace(s, content=Span.of(text, s.content.start, s.content.end + 1))
                statements.append(s)
            yield replace(extraction, statements=tuple(statements), extractor_version=newer)

    report = reextract(db, extractor=version_two, extractor_version=newer)
    assert db.execute("SELECT * FROM reviews ORDER BY id").fetchall() == before_rows
    assert store.review_digest(db) == before_digest
    assert report.documents == 100 and not report.failed
    assert report.orphaned_reviews == 5
    current = {r["id"]: r for r in statement_rows(db)}
    carried = [r for r in current.values() if r["status"] != "new"]
    assert len(carried) == 115
    notes = {r["note"] for r in carried}
    assert notes == {f"note {i}" for i, r in enumerate(reviewed)
                     if (r["document_id"], r["content_start"], r["content_end"]) not in dropped}  # fmt: skip
    assert store.verify(db) == []
    db.close()


# --------------------------------------------------------------------------- T19


def _schema(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_migration_keeps_reviews_and_survives_sigkill(corpus, tmp_path):
    """T19: a schema-v1 database with reviews migrates with reviews byte-identical; 20
    SIGKILLs during the migration leave the v1 schema and data, and the next run completes."""
    fixture = tmp_path / "v1.db"
    db = store.connect(fixture, migrate_schema=False)
    with store.write_transaction(db):
        migrations.apply(db, stop_before="m002_fts")
        db.execute("PRAGMA user_version = 1")
    run_id = store.start_run(db, "ingest")
    for extraction in corpus.extractions:
        store.store_extraction(db, extraction, run_id)
    ids = [r[0] for r in db.execute("SELECT id FROM statements ORDER BY id")]
    for i, sid in enumerate(ids[:100]):
        record_review(db, sid, "verified" if i % 2 else "false", note=f"n{i}", reviewer="r")
    # bulk retired copies so the migration (FTS build) takes a measurable time
    columns = [c for c in store.STATEMENT_COLUMNS if c != "id"]
    with store.write_transaction(db):
        for k in range(40):
            db.execute(
                f"INSERT INTO statements (id, current, {', '.join(columns)})"
                f" SELECT id || '-{k}', 0, {', '.join(columns)} FROM statements"
                " WHERE instr(id, '-') = 0"
            )
    reviews = store.review_digest(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    v1_schema = _schema(fixture)

    # calibrate: time from "ready" to "done" of one uninterrupted migration
    scratch = tmp_path / "scratch.db"
    shutil.copy(fixture, scratch)
    process = worker("migrate", scratch)
    wait_ready(process)
    started = time.monotonic()
    code, _, err = finish(process)
    window = time.monotonic() - started
    assert code == 0, err
    assert _user_version(scratch) == SCHEMA_VERSION

    rng = random.Random(19)
    outcomes = {"before": 0, "after": 0}
    for trial in range(KILL_TRIALS):
        path = tmp_path / f"migrate-{trial}.db"
        shutil.copy(fixture, path)
        process = worker("migrate", path)
        wait_ready(process)
        time.sleep(rng.uniform(0, window))
        process.send_signal(signal.SIGKILL)
        process.wait()
        version = _user_version(path)
        assert version in (1, SCHEMA_VERSION)
        if version == 1:
            outcomes["before"] += 1
            assert _schema(path) == v1_schema
        else:
            outcomes["after"] += 1
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        database = store.connect(path)  # the next run completes the migration
        assert store.schema_version(database) == SCHEMA_VERSION
        assert store.review_digest(database) == reviews
        assert (
            database.execute("SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'Lithuania'").fetchone()[0]
            > 0
        )
        database.close()
    print(f"T19: window {window:.2f}s, kills that left v1 / v2: {outcomes}")
    assert outcomes["before"] + outcomes["after"] == KILL_TRIALS


# --------------------------------------------------------------------------- the real CLI

CLI = [sys.executable, "-m", "attribution_cli.main"]


def cli(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *[str(a) for a in args]], capture_output=True, text=True, env=ENV, timeout=300, **kwargs
    )


def cli_process(*args: str | Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, *[str(a) for a in args]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )


def wait_for_progress(process: subprocess.Popen, count: int) -> int:
    """Read stderr progress lines ('[n] status: source') until ``count`` documents are done."""
    assert process.stderr is not None
    done = 0
    while done < count:
        line = process.stderr.readline()
        if not line:
            break
        if line.startswith("["):
            done += 1
    return done


@pytest.fixture(scope="module")
def ingest_module():
    return pytest.importorskip("attribution.ingest")


def test_seed_ingest_twice_is_identical(ingest_module, tmp_path):
    """Issue 2: `attribution ingest seeds/ && attribution quotes`, twice, row by row identical."""
    db = tmp_path / "seed.db"
    first = cli("ingest", ROOT / "seeds", "--db", db)
    assert first.returncode == 0, first.stderr
    assert "1 stored" in first.stdout
    database = store.connect(db)
    rows_first = {
        t: database.execute(f"SELECT * FROM [{t}] ORDER BY 1").fetchall()
        for t in ("documents", "statements", "speakers", "speaker_aliases")
    }
    digest = store.digest(database)
    database.close()
    second = cli("ingest", ROOT / "seeds", "--db", db)
    assert second.returncode == 0 and "0 stored, 1 unchanged" in second.stdout
    database = store.connect(db)
    assert store.digest(database) == digest
    for table, rows in rows_first.items():
        assert database.execute(f"SELECT * FROM [{table}] ORDER BY 1").fetchall() == rows
    assert store.verify(database) == []
    database.close()
    quotes = cli("quotes", "--db", db, "--speaker", "Landsbergis", "--format", "json")
    assert quotes.returncode == 0
    rows = json.loads(quotes.stdout)
    assert rows and {r["speaker"] for r in rows} == {"Gabrielius Landsbergis"}
    table = cli("quotes", "--db", db)
    assert table.returncode == 0 and "Gabrielius Landsbergis" in table.stdout
    assert cli("verify", "--db", db).returncode == 0


def test_three_identical_ingests(ingest_module, tmp_path):
    """T01: 50 articles (txt, html, one JSONL of 20) ingested three times: identical digest."""
    folder = tmp_path / "in"
    folder.mkdir()
    documents = make_documents(50, seed=1)
    for doc in documents[:20]:
        (folder / doc.source).write_text(doc.text, encoding="utf-8")
    for doc in documents[20:30]:
        paragraphs = "".join(f"<p>{p}</p>" for p in doc.text.split("\n\n"))
        html = f"<html><head><title>{doc.id}</title></head><body>{paragraphs}</body></html>"
        (folder / f"{doc.id}.html").write_text(html, encoding="utf-8")
    with (folder / "batch.jsonl").open("w", encoding="utf-8") as handle:
        for doc in documents[30:]:
            handle.write(json.dumps({"id": doc.id, "text": doc.text}) + "\n")
    db = tmp_path / "t01.db"
    digests, counts = [], []
    for run in range(3):
        result = cli("ingest", folder, "--db", db, "--json-summary", "--quiet")
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        counts.append(summary["counts"])
        database = store.connect(db)
        digests.append(store.digest(database))
        tables = {t: database.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in database.table_names()}
        database.close()
        if run == 0:
            first_tables = tables
        else:
            assert {k: v for k, v in tables.items() if k != "runs"} == {
                k: v for k, v in first_tables.items() if k != "runs"
            }
    assert counts[0]["stored"] == 50
    assert counts[1]["stored"] == counts[2]["stored"] == 0
    assert counts[1]["unchanged"] == counts[2]["unchanged"] == 50
    assert digests[0] == digests[1] == digests[2]
    database = store.connect(db)
    assert database.execute("SELECT count(*), min(status), max(status) FROM runs").fetchone() == (
        3,
        "completed",
        "completed",
    )
    database.close()


def test_sigkill_real_cli_ingest_then_resume(ingest_module, corpus, tmp_path):
    """T02 end to end: `attribution ingest` killed mid-batch twice, each time resumed."""
    rng = random.Random(99)
    for trial in range(2):
        db = tmp_path / f"cli-kill-{trial}.db"
        process = cli_process("ingest", corpus.folder, "--db", db)
        reached = wait_for_progress(process, rng.randint(5, N_DOCS - 20))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        state = invariants(db)
        assert_clean(state)
        assert reached <= state["documents"] < N_DOCS
        resumed = cli("ingest", corpus.folder, "--db", db, "--quiet")
        assert resumed.returncode == 0, resumed.stderr
        assert f"{N_DOCS - state['documents']} stored, {state['documents']} unchanged" in resumed.stdout
        final = invariants(db)
        assert_clean(final)
        assert final["documents"] == N_DOCS
        assert cli("verify", "--db", db).returncode == 0


def test_concurrent_real_cli_ingests_with_a_reviewer(ingest_module, corpus, tmp_path):
    """T04 end to end: 8 `attribution ingest` processes, a reviewer and a reader at once."""
    folders = []
    for i in range(8):
        folder = tmp_path / f"part-{i}"
        folder.mkdir()
        for doc in corpus.documents[i * 25 : (i + 1) * 25]:
            (folder / doc.source).write_text(doc.text, encoding="utf-8")
        folders.append(folder)
    db = tmp_path / "cli-concurrent.db"
    store.connect(db).close()
    stop = tmp_path / "stop"
    reader = worker("reader", db, stop)
    wait_ready(reader)
    reviewer = worker("reviewer", db, 100, 5)
    writers = [cli_process("ingest", folder, "--db", db, "--quiet") for folder in folders]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in writers]
    review_result = finish(reviewer)
    stop.touch()
    reader_result = finish(reader)
    for out, err, code in results:
        assert code == 0, err
        assert "25 stored" in out and "locked" not in err and "Traceback" not in err
    assert review_result[0] == 0, review_result[2]
    assert json.loads(review_result[1].strip().splitlines()[-1])["written"] == 100
    assert json.loads(reader_result[1].strip().splitlines()[-1])["violations"] == 0
    state = invariants(db)
    assert_clean(state)
    assert state["documents"] == N_DOCS
    assert state["statements"] == sum(len(e.statements) + len(e.claims) for e in corpus.extractions)
    database = store.connect(db)
    assert database.execute("SELECT count(*) FROM reviews").fetchone()[0] == 100
    assert store.verify(database) == []
    database.close()


def test_sigint_keeps_finished_documents(ingest_module, corpus, tmp_path):
    """T53: Ctrl-C mid-run over 100 documents: exit 130, finished ones kept, re-run completes.

    The ingest cannot finish before the signal lands: its progress goes to a one-page pipe
    (long file names make each line long) that the test stops reading after 20 lines, so
    the ingest blocks on its progress output some documents later, whatever the load.
    """
    import fcntl

    folder = tmp_path / "hundred"
    folder.mkdir()
    for doc in corpus.documents[:100]:
        (folder / f"{Path(doc.source).stem}-{'x' * 180}.txt").write_text(doc.text, encoding="utf-8")
    db = tmp_path / "sigint.db"
    read_end, write_end = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    capacity = fcntl.fcntl(write_end, fcntl.F_GETPIPE_SZ) if hasattr(fcntl, "F_GETPIPE_SZ") else 65536
    if 80 * 200 <= 2 * capacity:
        pytest.skip("no small pipes here: the progress lines would fit, nothing would hold the ingest back")
    process = subprocess.Popen(
        [*CLI, "ingest", str(folder), "--db", str(db)], stdout=subprocess.PIPE, stderr=write_end, text=True, env=ENV
    )
    os.close(write_end)
    with os.fdopen(read_end, "r", encoding="utf-8") as stderr:
        done = 0
        while done < 20:
            line = stderr.readline()
            assert line, "the ingest ended before 20 documents"
            done += line.startswith("[")
        process.send_signal(signal.SIGINT)
        err = stderr.read()
    process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    state = invariants(db)
    assert_clean(state)
    assert 20 <= state["documents"] < 100
    database = store.connect(db)
    assert database.execute("SELECT status, n_stored FROM runs").fetchall() == [("interrupted", state["documents"])]
    database.close()
    again = cli("ingest", folder, "--db", db, "--quiet")
    assert again.returncode == 0
    assert f"{100 - state['documents']} stored, {state['documents']} unchanged" in again.stdout
    final = invariants(db)
    assert_clean(final)
    assert final["documents"] == 100


def test_exit_codes_as_subprocesses(ingest_module, corpus, tmp_path):
    """T52: the R9.1 table through real processes: 0, 2, 65, 66, 75 (130: the SIGINT test)."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(corpus.documents[0].text, encoding="utf-8")
    db = tmp_path / "codes.db"
    assert cli("ingest", good, "--db", db, "--quiet").returncode == 0
    usage = cli("quotes", "--db", db, "--kind", "nonsense")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "b.txt").write_text(corpus.documents[1].text, encoding="utf-8")
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    rejected = cli("ingest", bad, "--db", db, "--quiet")
    assert rejected.returncode == 65, rejected.stdout + rejected.stderr
    assert "image.txt" in rejected.stdout and "1 stored" in rejected.stdout
    missing = cli("ingest", tmp_path / "nope", "--db", db)
    assert missing.returncode == 66 and "nope" in missing.stderr and "Traceback" not in missing.stderr
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        busy = cli("ingest", good, "--db", db, "--busy-timeout", "300")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.returncode == 75, busy.stderr
    assert "busy" in busy.stderr and "Traceback" not in busy.stderr
    assert cli("ingest", good, "--db", db, "--quiet").returncode == 0
