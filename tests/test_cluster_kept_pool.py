"""A dask worker keeps its extraction process from one shard to the next (parallel.KeptPool):
the same process extracts every shard a worker runs, the shards are the ones a fresh process
per shard writes, and a run stopped halfway leaves no process behind for the next one."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest
import store_helpers as h
from shard_helpers import SEED

pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

from attribution import shards  # noqa: E402
from attribution.ingest import read_documents  # noqa: E402
from attribution.models import Document  # noqa: E402
from attribution.parallel import KeptPool, extract_in_workers  # noqa: E402


def extraction_processes() -> set[int]:
    return {child.pid for child in psutil.Process().children()}


def pid_of_worker(batch: list, model: str | None, batch_size: int) -> list[int]:
    """A stand-in for the extraction: every document of the batch answered by the worker's pid."""
    return [os.getpid()] * len(batch)


@pytest.fixture
def corpus(tmp_path) -> list[Path]:
    for i in range(6):
        name, text = h.article(i)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [SEED, tmp_path]


def test_one_kept_process_extracts_every_shard_and_writes_what_a_fresh_one_writes(corpus, tmp_path, nlp) -> None:
    planned = list(shards.plan_shards(read_documents(corpus), 3))
    assert len(planned) == 3
    before = extraction_processes()
    kept = KeptPool()
    seen = []
    try:
        for shard in planned:
            shards.extract_shard(shard, tmp_path / "kept", kept=kept)
            seen.append(extraction_processes() - before)
    finally:
        kept.close()
    assert len(seen[0]) == 1 and seen[0] == seen[1] == seen[2]  # one process, kept between shards
    assert not (extraction_processes() - before) & seen[0]  # and gone once closed
    for shard in planned:
        shards.extract_shard(shard, tmp_path / "fresh")  # a process of its own for each shard
        kept_rows = shards.read_shard(tmp_path / "kept" / shard.name)[1]
        fresh_rows = shards.read_shard(tmp_path / "fresh" / shard.name)[1]
        assert kept_rows == fresh_rows


def test_a_run_stopped_halfway_does_not_hand_its_process_to_the_next_run() -> None:
    documents = [Document(id=f"d{i}", text=f"Text number {i}.") for i in range(4)]
    kept = KeptPool()
    try:
        whole = list(extract_in_workers(documents, pid_of_worker, model=None, workers=1, batch_size=1, kept=kept))
        again = list(extract_in_workers(documents, pid_of_worker, model=None, workers=1, batch_size=1, kept=kept))
        assert len(set(whole)) == 1 and again == whole  # the same process both times
        stopped = extract_in_workers(documents, pid_of_worker, model=None, workers=1, batch_size=1, kept=kept)
        assert next(stopped) == whole[0]
        stopped.close()  # three batches still in flight or unread
        after = list(extract_in_workers(documents, pid_of_worker, model=None, workers=1, batch_size=1, kept=kept))
        assert len(set(after)) == 1 and after[0] != whole[0]
        assert not psutil.pid_exists(whole[0])  # ended, not left running
    finally:
        kept.close()
