"""Commands for runs beyond one process: batch (shard jobs on a dask cluster, Parquet out) and
load (finished shards into SQLite). Thin: parse options, call one library function, render.

Exit codes: 0 ok; 2 usage; 65 some inputs failed or rejected, or a shard could not be loaded
(the shards before it are); 66 input path or shard folder missing; 69 the dask scheduler
cannot be reached; 70 internal error; 74 I/O error; 75 database busy; 130 Ctrl-C, 143 SIGTERM.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import DEFAULT_DB, DbOption, ModelOption, app
from .plumbing import UNAVAILABLE, BusyOption
from .plumbing import aligned as _columns
from .plumbing import fail as _fail
from .plumbing import ingest_errors as _errors
from .plumbing import one_line as _one_line


@contextmanager
def _cluster_errors():
    """The extra not installed, or the scheduler not reachable: one line, its own exit code."""
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as error:
        raise _fail(
            f"batch and load need the cluster extra ({error.name} is not installed):"
            ' pip install -c requirements.lock -e ".[cluster]"',
            UNAVAILABLE,
        ) from None
    from attribution.cluster import ClusterError
    from attribution.shards import ShardError

    with _errors():
        try:
            yield
        except ClusterError as error:
            raise _fail(str(error), 69) from None
        except ShardError as error:
            raise _fail(str(error), 66) from None


def _interrupted(stop: KeyboardInterrupt, what: str) -> typer.Exit:
    from attribution.jobs import Terminated

    cause, code = ("terminated", Terminated.exit_code) if isinstance(stop, Terminated) else ("interrupted", 130)
    return _fail(f"{cause}: {what}; re-run to continue", code)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@app.command()
def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files (.txt, .html, .jsonl) or folders to read and extract.", readable=False),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder the shards are written to (one shard-NNNNNN folder of Parquet each).", file_okay=False
        ),
    ],
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of a running dask scheduler (tcp://host:8786) to submit to."),
    ] = None,
    local: Annotated[
        int | None,
        typer.Option(
            "--local",
            min=1,
            help="Start a local dask cluster of N single-threaded worker processes (the default, with one per core).",
        ),
    ] = None,
    shard_size: Annotated[
        int,
        typer.Option(
            "--shard-size",
            min=1,
            help="Documents per shard (one task, one Parquet folder); the last two shards' documents go in four"
            " smaller ones, so the workers finish together.",
        ),
    ] = 50,
    model: ModelOption = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Reject any document or JSONL line larger than this.")
    ] = 10_000_000,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", min=0, help="Seconds one document's extraction may take (as in ingest); 0 = no limit."
        ),
    ] = 60.0,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Times a shard whose task raised is run again.")] = 2,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Also store the shards in this SQLite database while the workers extract (what `load` does,"
            " shard by shard in input order, overlapped with the extraction).",
            dir_okay=False,
        ),
    ] = None,
    busy_timeout: BusyOption = 5000,
    json_summary: Annotated[
        bool, typer.Option("--json-summary", help="Print a JSON summary instead of the table.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-shard progress on stderr.")] = False,
) -> None:
    """Extract PATHS as shard jobs on a dask cluster and write each shard as Parquet under --out.

    Shards already written from the same input, extractor and model are skipped, so a rerun
    finishes what an interrupted one left. Store the result with `attribution load DIR`, or
    give --db to store each shard as soon as it and the shards before it are done (one
    transaction per shard, the database `load` makes; a shard whose job failed does not hold
    up the others, and a rerun stores it). Exit 0 when every input was extracted (and stored);
    65 when some failed or were rejected; 66 when a path does not exist; 69 when the scheduler
    cannot be reached; 75 when the database stays busy.
    """  # fmt: skip
    from attribution.ingest import check_paths, printable, read_documents
    from attribution.jobs import sigterm_interrupts

    if scheduler and local:
        raise _fail("give --scheduler or --local, not both", 2)
    with _errors():
        check_paths(paths)
    totals = {"shards": 0, "documents": 0}

    def progress(done: Any) -> None:
        totals["shards"] += 1
        totals["documents"] += done.documents + len(done.failures)
        if quiet:
            return
        if done.error:
            detail = f"FAILED: {done.error}"
        else:
            detail = f"{done.documents} documents, {done.statements} statements, {len(done.failures)} failed"
            detail += " (already done)" if done.skipped else ""
        typer.echo(printable(f"[{totals['shards']} shards, {totals['documents']} documents] {done.name}: {detail}"),
                   err=True)  # fmt: skip

    def loaded(name: str, outcomes: list[Any]) -> None:
        totals["stored"] += 1
        if not quiet:
            typer.echo(f"[{totals['stored']} shards stored] {name}: {_stored_counts(outcomes)}", err=True)

    totals["stored"] = 0
    try:
        with _cluster_errors(), sigterm_interrupts():
            from attribution.cluster import run_batch

            report = run_batch(
                read_documents(paths, max_bytes=max_bytes),
                out,
                scheduler=scheduler,
                local=None if scheduler else (local or _cores()),
                shard_size=shard_size,
                model=model,
                timeout=timeout or None,
                retries=retries,
                progress=progress,
                db=db,
                busy_timeout=busy_timeout,
                loaded=loaded,
            )
    except KeyboardInterrupt as stop:
        stored = f", {totals['stored']} stored in {db}" if db is not None else ""
        raise _interrupted(stop, f"{totals['shards']} shards are finished in {out}{stored}") from None
    counts = report.counts()
    if json_summary:
        summary: dict[str, Any] = {
            "out": str(out),
            "workers": report.workers,
            "counts": counts,
            "problems": [{"status": s, "source": src, "reason": r} for s, src, r in report.problems],
        }
        if report.load is not None:
            summary["load"] = _load_summary(report.load)
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        problems = report.problems
        if report.load is not None:  # what could not be stored, beyond what could not be extracted
            listed = {source for _, source, _ in problems}
            problems += [(o.status, o.source, o.reason) for o in report.load.problems if o.source not in listed]
        if problems:
            rows = [("status", "source", "detail")]
            rows += [(s, printable(src), printable(_one_line(r))) for s, src, r in problems]
            for line in _columns(rows):
                typer.echo(line)
        typer.echo(
            f"{counts['shards']} shards ({counts['skipped']} already done) on {report.workers} workers:"
            f" {counts['documents']} documents, {counts['statements']} statements, {counts['claims']} claims,"
            f" {counts['failed']} failed, {counts['problems']} rejected or skipped; written to {out}"
        )
        if report.load is not None:
            typer.echo(f"stored in {db}: {_run_line(report.load)}")
    if report.problems or (report.load is not None and report.load.problems):
        raise typer.Exit(65)


def _stored_counts(outcomes: list[Any]) -> str:
    stored = sum(o.status == "stored" for o in outcomes)
    unchanged = sum(o.status == "unchanged" for o in outcomes)
    failed = sum(o.status in {"failed", "rejected"} for o in outcomes)
    return f"{stored} stored, {unchanged} unchanged, {failed} failed"


def _run_line(report: Any) -> str:
    counts = report.counts()
    return (
        f"{len(report.loaded)} shards: {counts['n_stored']} stored, {counts['n_unchanged']} unchanged,"
        f" {counts['n_skipped']} skipped, {counts['n_rejected']} rejected, {counts['n_failed']} failed"
        f" (run {report.run_id})"
    )


def _load_summary(report: Any) -> dict[str, Any]:
    return {
        "run_id": report.run_id,
        "status": report.status,
        "shards": report.loaded,
        "stopped": report.stopped,
        "counts": {k[2:]: v for k, v in report.counts().items()},
        "inputs": [o.__dict__ for o in report.outcomes if o.status != "stored"],
    }


@app.command()
def load(
    out: Annotated[Path, typer.Argument(help="A folder `attribution batch --out` wrote.", file_okay=False)],
    db: DbOption = DEFAULT_DB,
    busy_timeout: BusyOption = 5000,
    json_summary: Annotated[
        bool, typer.Option("--json-summary", help="Print a JSON run summary instead of the table.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-shard progress on stderr.")] = False,
) -> None:
    """Store the finished shards of OUT in the database, in shard order, one transaction per shard.

    Loading twice changes nothing; a load killed halfway keeps whole shards only, and a rerun
    finishes it. Exit 0 when everything was stored; 65 when some inputs had failed or a shard
    is missing or corrupt (it is named; the shards before it are stored); 66 when OUT is missing.
    """
    from attribution.ingest import printable
    from attribution.jobs import sigterm_interrupts
    from attribution.shards import LoadReport, load_shards

    def progress(name: str, outcomes: list[Any]) -> None:
        if not quiet:
            typer.echo(f"[{len(report.loaded)} shards] {name}: {_stored_counts(outcomes)}", err=True)

    report = LoadReport()
    try:
        with _cluster_errors(), sigterm_interrupts():
            load_shards(db, out, busy_timeout=busy_timeout, progress=progress, report=report)
    except KeyboardInterrupt as stop:
        raise _interrupted(stop, f"{len(report.loaded)} shards committed, the one in progress was not") from None
    if json_summary:
        typer.echo(json.dumps(_load_summary(report), ensure_ascii=False, indent=2))
    else:
        if report.problems:
            rows = [("status", "source", "detail")]
            rows += [(o.status, printable(o.source), printable(_one_line(o.reason))) for o in report.problems]
            for line in _columns(rows):
                typer.echo(line)
        typer.echo(_run_line(report))
    if not report.finished_batch and not report.stopped:
        typer.echo(f"note: {out} has no batch.json: its batch has not finished; the shards there so far are loaded",
                   err=True)  # fmt: skip
    if report.stopped:
        raise _fail(report.stopped, 65)
    if report.problems:
        raise typer.Exit(65)
