"""Shard jobs on a local dask cluster: `batch` then `load`, or `batch --db` storing the shards
as they come, gives the database `ingest` gives, also when a worker is SIGKILLed in the middle
of a shard."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from shard_helpers import DEV, SEED, content_dump, first_dev_texts, fts_rows

pytest.importorskip("distributed", reason="the cluster extra (dask distributed) is not installed")
pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

import psutil  # noqa: E402  (installed with distributed)

from attribution import jobs, shards  # noqa: E402
from attribution.cluster import run_batch  # noqa: E402
from attribution.ingest import read_documents  # noqa: E402

pytestmark = pytest.mark.skipif(not DEV.exists(), reason=f"the PolNeAR dev texts are not at {DEV}")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    """The seed article and the first 50 PolNeAR dev texts (about 44,000 words)."""
    return [SEED, first_dev_texts(tmp_path_factory.mktemp("dev") / "dev50.jsonl", 50)]


def ingest(inputs: list[Path], db: Path, workers: int) -> Path:
    report = jobs.ingest_paths(db, inputs, workers=workers)
    assert report.status == "completed"
    return db


def test_batch_on_two_local_workers_then_load_gives_the_database_ingest_gives(inputs, tmp_path) -> None:
    """Scenario: seed plus 50 PolNeAR dev texts, `batch --local 2` then `load`, against `ingest`;
    and the database the batch stored itself as the shards came (`batch --db`)."""
    out = tmp_path / "shards"
    report = run_batch(read_documents(inputs), out, local=2, shard_size=10, db=tmp_path / "batch.db")
    assert report.workers == 2
    assert [s.name for s in report.shards] == [f"shard-{i:06d}" for i in range(6)]
    assert report.counts()["documents"] == 51 and report.problems == []
    assert report.load.loaded == [s.name for s in report.shards] and report.load.counts()["n_stored"] == 51
    loaded = shards.load_shards(tmp_path / "load.db", out)
    assert loaded.finished_batch and not loaded.stopped and loaded.counts()["n_stored"] == 51
    reference = ingest(inputs, tmp_path / "ingest.db", workers=2)
    for db in (tmp_path / "load.db", tmp_path / "batch.db"):
        assert content_dump(db) == content_dump(reference)
        assert fts_rows(db) == fts_rows(reference)


def busy_worker(driver: psutil.Process) -> psutil.Process | None:
    """A dask worker process of the driver's local cluster that is extracting a shard right
    now: it forks the extraction's own worker process when its first shard starts and keeps it
    for the next ones, so the first worker seen with a child is in the middle of a shard (the
    driver's other child, multiprocessing's resource tracker, has none)."""
    try:
        for child in driver.children():
            if child.children():
                return child
    except psutil.NoSuchProcess:
        pass
    return None


def wait_for(find, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = find()
        if found is not None:
            return found
        time.sleep(0.02)
    return None


def test_a_worker_killed_in_the_middle_of_a_shard_costs_a_retry_not_a_row(inputs, tmp_path) -> None:
    """Scenario: SIGKILL by pid of the dask worker extracting a shard; the shard runs again."""
    few = first_dev_texts(tmp_path / "dev8.jsonl", 8)
    out = tmp_path / "shards"
    command = [sys.executable, "-m", "attribution_cli.main", "batch", str(SEED), str(few), "--out", str(out),
               "--local", "2", "--shard-size", "3", "--db", str(tmp_path / "batch.db"), "--quiet"]  # fmt: skip
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        victim = wait_for(lambda: busy_worker(psutil.Process(batch.pid)), 90)
        assert victim is not None, "no worker was seen extracting"
        os.kill(victim.pid, signal.SIGKILL)
        stdout, stderr = batch.communicate(timeout=150)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert not victim.is_running()
    assert batch.returncode == 0, stderr
    assert "3 shards (0 already done) on 2 workers: 9 documents" in stdout
    assert "batch.db: 3 shards: 9 stored, 0 unchanged" in stdout  # stored by the batch as the shards came
    assert sorted(p.name for p in out.iterdir()) == ["batch.json", "shard-000000", "shard-000001", "shard-000002"]
    shards.load_shards(tmp_path / "load.db", out)
    reference = ingest([SEED, few], tmp_path / "ingest.db", workers=1)
    assert content_dump(tmp_path / "load.db") == content_dump(reference)
    assert content_dump(tmp_path / "batch.db") == content_dump(reference)


def test_a_batch_terminated_while_storing_keeps_whole_shards_and_a_rerun_gives_the_database_ingest_gives(
    tmp_path,
) -> None:
    """Scenario: `batch --db` gets SIGTERM once its first shard is stored; the database holds
    whole shards only, the run is labelled interrupted, and running the batch again finishes it."""
    few = first_dev_texts(tmp_path / "dev8.jsonl", 8)
    out, db = tmp_path / "shards", tmp_path / "batch.db"
    command = [sys.executable, "-m", "attribution_cli.main", "batch", str(SEED), str(few), "--out", str(out),
               "--local", "2", "--shard-size", "3", "--db", str(db)]  # fmt: skip
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = batch.stderr.readline()
        while line and "shards stored]" not in line:
            line = batch.stderr.readline()
        assert line.startswith("[1 shards stored] shard-000000: 3 stored"), line
        batch.send_signal(signal.SIGTERM)
        _, stderr = batch.communicate(timeout=120)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == 143, stderr
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    runs = conn.execute("SELECT command, status FROM runs").fetchall()
    conn.close()
    assert stored in {3, 6} and runs == [("batch", "interrupted")]  # whole shards of 3 only
    again = subprocess.run(command, capture_output=True, text=True, timeout=150)
    assert again.returncode == 0, again.stderr
    reference = ingest([SEED, few], tmp_path / "ingest.db", workers=1)
    assert content_dump(db) == content_dump(reference)


def test_a_rerun_skips_the_shards_already_made_from_the_same_input(inputs, tmp_path) -> None:
    out = tmp_path / "shards"
    one = [SEED]
    first = run_batch(read_documents(one), out, local=1)
    again = run_batch(read_documents(one), out, local=1)
    assert [(s.name, s.skipped) for s in first.shards] == [("shard-000000", False)]
    assert [(s.name, s.skipped) for s in again.shards] == [("shard-000000", True)]
    assert again.counts()["statements"] == first.counts()["statements"] > 0
