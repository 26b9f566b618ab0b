"""Helpers for the shard and cluster tests: an ordered dump of a database without its run ledger."""

from __future__ import annotations

import sqlite3
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "polnear-dev.jsonl"
SEED = REPO / "seeds" / "000_08f2487d190f4389.txt"
LEDGER = ("runs", "ingest_errors")
# a fresh uuid at every change of the echo postings, so that a connection knows its copy is stale:
# differs between any two runs by design, as run ids do
TOKENS = ("echo_recent_token",)
# when and by which run a row was written: differs between any two runs by design
VOLATILE = {"run_id", "ingested_at", "first_seen_at", "extracted_at", "retired_run_id", "created_at", "applied_at"}


def content_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the run ledger, the echo cache's token and the full-text
    index's shadow tables, ordered, without timestamps and run ids."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if row[0] not in LEDGER + TOKENS and not row[0].startswith(("sqlite_", "statements_fts"))
        ]
        dump: dict[str, list[tuple]] = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])") if row[1] not in VOLATILE]
            kept = ", ".join(f"[{c}]" for c in columns)
            dump[table] = conn.execute(f"SELECT {kept} FROM [{table}] ORDER BY {kept}").fetchall()
        return dump
    finally:
        conn.close()


def fts_rows(path: Path) -> list[tuple]:
    """The full-text index as search sees it: (content, sentence) of every indexed row."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(conn.execute("SELECT content, sentence FROM statements_fts").fetchall())
    finally:
        conn.close()


def first_dev_texts(target: Path, count: int) -> Path:
    """The first ``count`` PolNeAR dev texts as a JSONL file (read from shared/eval, never copied in)."""
    with DEV.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number == count:
                break
            out.write(line)
    return target
