"""The shard jobs of :mod:`attribution.shards` run on dask.distributed.

The driver (this process) reads the inputs with the reader ``ingest`` uses, so documents get
the same ids, sources and problems, cuts the stream into shards and submits one task per
shard; at most a few shards per worker are in flight, so the driver's memory does not grow
with the corpus. A task writes its shard's Parquet folder and returns its path, never the
records. Workers are processes with one thread each; the spaCy pipeline is loaded once per
worker and never pickled: a local cluster's workers are forked from the driver once it has
loaded the pipeline (they share it, as ingest's workers do), and on an existing cluster a
worker plugin loads it when a worker starts (the pipeline cache keeps it).
A task whose worker dies is run again elsewhere (the scheduler does that), and a task that
raises is retried ``retries`` times; either way the shard folder appears whole or not at all.

Workers must be non-daemonic processes to start the extraction's own worker process, which
holds the per-document time budget: the local cluster is started so, and workers of an
existing cluster should be started with ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (a
daemonic worker extracts in its own process, without a budget).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AttributionError, PipelineNotFound
from .parallel import KeptPool
from .shards import (
    BATCH_FILE,
    DEFAULT_SHARD_SIZE,
    LoadReport,
    OrderedLoad,
    ShardInput,
    ShardManifest,
    extract_shard,
    manifest_matches,
    plan_shards,
    read_manifest,
    remove_temporaries,
    write_batch_file,
)

DEFAULT_RETRIES = 2
LOCAL_CLUSTER_QUIET = {
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}
SHARDS_IN_FLIGHT_PER_WORKER = 2  # enough to keep a worker busy while the driver reads ahead


class ClusterError(AttributionError):
    """The cluster cannot be reached or started."""


@dataclass(frozen=True)
class ShardDone:
    """One shard the batch finished (or found finished by an earlier run)."""

    name: str
    documents: int
    statements: int
    claims: int
    failures: tuple[dict[str, Any], ...]
    problems: tuple[dict[str, Any], ...]
    skipped: bool = False  # already there, made from the same input, extractor and model
    error: str = ""  # the shard's job failed as a whole; nothing of it was written
    sources: tuple[str, ...] = ()  # with an error: the sources of its inputs


@dataclass
class BatchReport:
    out_dir: str
    workers: int = 0
    shards: list[ShardDone] = field(default_factory=list)
    load: LoadReport | None = None  # with ``db``: what storing the shards during the batch did

    def counts(self) -> dict[str, int]:
        done = [s for s in self.shards if not s.error]
        return {
            "shards": len(self.shards),
            "skipped": sum(s.skipped for s in done),
            "failed_shards": sum(bool(s.error) for s in self.shards),
            "documents": sum(s.documents for s in done),
            "statements": sum(s.statements for s in done),
            "claims": sum(s.claims for s in done),
            "failed": sum(len(s.failures) for s in done) + sum(len(s.sources) for s in self.shards if s.error),
            "problems": sum(len(s.problems) for s in done),
        }

    @property
    def problems(self) -> list[tuple[str, str, str]]:
        """(status, source, reason) of every input not extracted, in shard order."""
        found: list[tuple[str, str, str]] = []
        for shard in self.shards:
            if shard.error:
                found += [("failed", source, f"shard job failed: {shard.error}") for source in shard.sources]
                continue
            entries = [(p["position"], p["status"], p["source"], p["reason"]) for p in shard.problems]
            entries += [(f["position"], "failed", f["source"], f["reason"]) for f in shard.failures]
            found += [(status, source, reason) for _, status, source, reason in sorted(entries)]
        return found


def _preload_plugin(model: str) -> Any:
    """A worker plugin that loads the pipeline when a worker starts (and restarts)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class PipelinePreload(WorkerPlugin):
        name = "attribution-pipeline"

        def __init__(self, model: str) -> None:
            self.model = model

        def setup(self, worker: Any) -> None:
            from .nlp import load_pipeline

            load_pipeline(self.model)

    return PipelinePreload(model)


_task_thread = threading.local()


def _kept_pool() -> KeptPool:
    """The extraction process this task thread keeps across its shards: a fork per shard cost
    its page faults and a cold start each time (one worker, six shards of 50 synthetic
    articles at load 6: 14.1 s of CPU with a fork per shard, 13.2 s with one kept).
    Kept per thread, so a worker of several threads keeps one per thread, each forked by the
    thread that uses it (the kernel ends it with that thread)."""
    if not hasattr(_task_thread, "kept"):
        _task_thread.kept = KeptPool()
    return _task_thread.kept


def run_shard(shard: ShardInput, out_dir: str, model: str, timeout: float | None) -> str:
    """The task: extract one shard into ``out_dir``; returns the shard folder's path."""
    manifest = extract_shard(shard, out_dir, model=model, timeout=timeout, kept=_kept_pool())
    return str(Path(out_dir) / manifest.name)


@contextmanager
def connect_cluster(scheduler: str | None = None, local: int | None = None, model: str | None = None) -> Iterator[Any]:
    """A dask Client: to a running scheduler at ``scheduler``, or to a new local cluster of
    ``local`` single-threaded worker processes (closed on exit), forked from this process
    with ``model`` loaded when one is named."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            # how long to keep trying: dask's own setting (DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            client = Client(scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect"))
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"cannot reach the dask scheduler at {scheduler}: {error}") from None
        try:
            yield client
        finally:
            client.close()
        return
    # non-daemonic workers may start the extraction's worker process (its time budget); set
    # for the whole process, so a worker the nanny restarts after a crash is started so too
    dask.config.set({"distributed.worker.daemon": False})
    # dask makes glibc hand freed memory back at once (MALLOC_TRIM_THRESHOLD_=65536); parsing
    # frees and allocates so much per document that this costs about 15% more CPU; the
    # extraction's own process (which inherits it) keeps glibc's default, as ingest's pool does
    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    # the statistical profiler samples each worker's threads 100 times a second for a
    # dashboard nobody looks at here; the task thread only waits for the extraction's process
    dask.config.set({"distributed.worker.profile.enabled": False})
    # every server's event-loop watchdog (50 times a second), the memory monitors (10), work
    # stealing (10) and the system monitor (2) cost an idle two-worker cluster 89 ms of CPU a
    # second (a twentieth of this machine's two cores) against 13 ms at these rates
    dask.config.set(LOCAL_CLUSTER_QUIET)
    # a worker is sent its next shard only once it has finished the last one, so the shards
    # left at the end go to whichever worker is free instead of waiting behind a busy one
    dask.config.set({"distributed.scheduler.worker-saturation": 1.0})
    if model is not None:
        # workers forked from this process share the pipeline it loaded and every module it
        # imported, as ingest's workers do; a spawned worker would import and load them again
        # (200 documents, 2 workers: 12.2 s of CPU instead of 15.1)
        from .nlp import load_pipeline

        load_pipeline(model)
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"})
    cluster = LocalCluster(
        n_workers=local or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,  # nobody looks at it during a local batch, and it costs CPU
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _check_model(model: str) -> None:
    """A missing pipeline is a one-line error before any cluster starts, found without
    importing spaCy (a second of start-up the driver never needs) or loading the pipeline."""
    if Path(model).exists():
        return
    try:
        found = importlib.util.find_spec(model) is not None  # a pipeline package is a module
    except (ImportError, ValueError):
        found = False
    if not found:
        raise PipelineNotFound(model)


def _done(manifest: ShardManifest, skipped: bool) -> ShardDone:
    return ShardDone(
        manifest.name,
        manifest.documents,
        manifest.statements,
        manifest.claims,
        manifest.failures,
        manifest.problems,
        skipped,
    )


def run_batch(
    items: Iterable[Any],
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    local: int | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    model: str | None = None,
    timeout: float | None = 60.0,
    retries: int = DEFAULT_RETRIES,
    progress: Callable[[ShardDone], None] | None = None,
    db: str | Path | None = None,
    busy_timeout: int | None = None,
    loaded: Callable[[str, list[Any]], None] | None = None,
) -> BatchReport:
    """Extract ``items`` (what ``read_documents`` yields) as shards on a dask cluster into
    ``out_dir``; shards already finished from the same input are skipped. ``batch.json`` is
    written last, once every shard is there.

    With ``db``, this process also stores the shards in that database while the workers
    extract: each shard as soon as it and every shard before it are done (so documents go in
    in input order, as ``load`` stores them), one transaction per shard, as one run; a shard
    whose job failed has its inputs recorded as failed and does not hold up the ones after it.
    """
    from distributed import as_completed

    from .nlp import model_name

    resolved = model_name(model)
    _check_model(resolved)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / BATCH_FILE).unlink(missing_ok=True)
    remove_temporaries(out)
    report = BatchReport(str(out))
    count = 0

    with ExitStack() as stack:
        state: dict[str, Any] = {}
        pending: dict[str, ShardInput] = {}
        storing = None
        if db is not None:
            load = OrderedLoad(out, db, model=resolved, busy_timeout=busy_timeout, progress=loaded)
            storing = stack.enter_context(load)

        def finish(shard_done: ShardDone) -> None:
            report.shards.append(shard_done)
            if progress:
                progress(shard_done)
            if storing is not None:
                storing.ready(shard_done.name, error=shard_done.error, sources=shard_done.sources)

        def client() -> Any:
            """The cluster, started at the first shard that needs work (a rerun may need none)."""
            if "client" not in state:
                state["client"] = started = stack.enter_context(connect_cluster(scheduler, local, resolved))
                started.register_plugin(_preload_plugin(resolved))
                report.workers = max(1, len(started.scheduler_info().get("workers", {})))
                state["running"] = as_completed()  # needs the client first
                if storing is not None:
                    storing.start()  # the workers are forked: the database may be opened now
            return state["client"]

        def collect(future: Any) -> None:
            shard = pending.pop(future.key)
            try:
                manifest = read_manifest(future.result())
                if manifest is None:
                    raise ClusterError(f"{out / shard.name}: the task finished but left no manifest")
                done = _done(manifest, skipped=False)
            except Exception as error:  # the whole shard failed: its inputs are listed as failed
                sources = tuple(getattr(item, "source", "") or getattr(item, "id", "") for item in shard.items)
                reason = " ".join(f"{type(error).__name__}: {error}".split())
                done = ShardDone(shard.name, 0, 0, 0, (), (), error=reason, sources=sources)
            finally:
                future.release()
            finish(done)

        for shard in plan_shards(items, shard_size):
            count += 1
            existing = read_manifest(out / shard.name)
            if manifest_matches(existing, shard, resolved):
                finish(_done(existing, skipped=True))  # type: ignore[arg-type]
                continue
            future = client().submit(
                run_shard,
                shard,
                str(out.resolve()),
                resolved,
                timeout,
                key=f"{shard.name}-{shard.digest()[:16]}",
                retries=retries,
                pure=False,
            )
            pending[future.key] = shard
            state["running"].add(future)
            while state["running"].count() >= SHARDS_IN_FLIGHT_PER_WORKER * report.workers + 1:
                collect(next(state["running"]))
        for future in state.get("running", ()):
            collect(future)
        if storing is not None:
            report.load = storing.finish()
    report.shards.sort(key=lambda s: s.name)
    if not any(s.error for s in report.shards):
        write_batch_file(out, count, shard_size, resolved)
    return report
