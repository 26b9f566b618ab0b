"""Worker processes for the reliability tests (run as ``python tests/store_workers.py ...``).

replay DB PICKLE [START END]   ingest pre-extracted documents through jobs.ingest_paths
reviewer DB COUNT SEED         record COUNT reviews on random current statements
reader DB STOP_FILE            check snapshot invariants in read transactions until STOP_FILE
migrate DB                     open the database, which applies pending migrations

Each prints ``ready`` (flushed) once its imports are done, so a test can time a kill.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import sys
import time
from collections.abc import Iterable, Iterator

from attribution import jobs, store
from attribution.models import Document, Extraction

# Eight writers on a two-core machine can queue behind each other for longer than the
# product's default wait of 5 s when the machine is busy; these tests check that nothing is
# lost or duplicated under contention, not how long a writer waits, so they wait longer.
WORKER_BUSY_TIMEOUT_MS = 60_000


def ready() -> None:
    print("ready", flush=True)


def replay(db_path: str, pickle_path: str, start: int = 0, end: int | None = None) -> int:
    with open(pickle_path, "rb") as handle:
        extractions: list[Extraction] = pickle.load(handle)[start:end]
    by_key = {e.document.sha256: e for e in extractions}

    def extractor(documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            yield by_key[document.sha256]

    ready()
    report = jobs.ingest_paths(
        db_path,
        [],
        documents=[e.document for e in extractions],
        extractor=extractor,
        busy_timeout=WORKER_BUSY_TIMEOUT_MS,
        progress=lambda outcome: print(outcome.status, flush=True),
    )
    print(json.dumps({k: v for k, v in report.counts().items()}), flush=True)
    return 65 if report.problems else 0


def reviewer(db_path: str, count: int, seed: int) -> int:
    from attribution.review import record_review

    rng = random.Random(seed)
    statuses = ["in_review", "verified", "false", "misleading", "unverifiable", "dismissed"]
    db = store.connect(db_path, busy_timeout=WORKER_BUSY_TIMEOUT_MS)
    ready()
    written = 0
    while written < count:
        row = db.execute("SELECT id FROM statements WHERE current = 1 ORDER BY random() LIMIT 1").fetchone()
        if row is None:
            time.sleep(0.01)
            continue
        record_review(db, row[0], rng.choice(statuses), note=f"note {seed}-{written}",
                      reviewer=f"reviewer-{seed}")  # fmt: skip
        written += 1
    print(json.dumps({"written": written}), flush=True)
    return 0


def reader(db_path: str, stop_file: str) -> int:
    db = store.connect(db_path)
    ready()
    loops = violations = 0
    while not os.path.exists(stop_file):
        with store.read_transaction(db):
            bad = db.execute(
                "SELECT count(*) FROM documents d WHERE d.complete != 1 OR d.n_statements !="
                " (SELECT count(*) FROM statements s WHERE s.document_id = d.id"
                "  AND s.current = 1 AND s.kind = 'statement') OR d.n_claims !="
                " (SELECT count(*) FROM statements s WHERE s.document_id = d.id"
                "  AND s.current = 1 AND s.kind != 'statement')"
            ).fetchone()[0]
            orphans = db.execute(
                "SELECT count(*) FROM statements s LEFT JOIN documents d ON d.id = s.document_id"
                " WHERE d.id IS NULL OR d.complete != 1"
            ).fetchone()[0]
        violations += int(bad) + int(orphans)
        loops += 1
        time.sleep(0.01)
    print(json.dumps({"loops": loops, "violations": violations}), flush=True)
    return 0


def migrate(db_path: str) -> int:
    ready()
    store.connect(db_path).close()
    print("done", flush=True)
    return 0


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "replay":
        bounds = [int(a) for a in args[2:4]]
        return replay(args[0], args[1], *bounds)
    if command == "reviewer":
        return reviewer(args[0], int(args[1]), int(args[2]))
    if command == "reader":
        return reader(args[0], args[1])
    if command == "migrate":
        return migrate(args[0])
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
