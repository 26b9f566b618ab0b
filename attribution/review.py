"""Review verdicts: an append-only history that re-extraction (``jobs.reextract``) never loses.

A review is one row in ``reviews``; nothing ever updates or deletes it (triggers refuse).
The current status of a statement is the latest review made on it or on a statement it
was re-anchored from (``statement_links``). Re-extraction writes only derived rows.
"""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

from .errors import InvalidNote, RetiredStatement, UnknownStatement
from .schema import REVIEW_STATUSES
from .transactions import utc_now, write_transaction

# C0 controls except tab, newline and carriage return; DEL; C1 controls. None of them is
# visible, NUL cuts text short in SQLite's string functions, and several break exports.
_NOTE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def note_problem(note: str | None) -> str | None:
    """Why ``note`` cannot be recorded, or None when it can."""
    if note is None:
        return None
    found = sorted({f"U+{ord(c):04X}" for c in _NOTE_CONTROLS.findall(note)})
    if found:
        return f"note holds control character(s) {', '.join(found)}; remove them"
    return None


def successors(db: Database, statement_id: str) -> list[str]:
    """The current statements a retired one's reviews were re-anchored to, following the
    links through every later re-extraction."""
    rows = db.execute(
        "WITH RECURSIVE chain(id) AS (SELECT ? UNION"
        " SELECT statement_links.to_id FROM chain JOIN statement_links ON statement_links.from_id = chain.id)"
        " SELECT statements.id FROM chain JOIN statements ON statements.id = chain.id"
        " WHERE statements.current = 1 AND statements.id != ? ORDER BY statements.id",
        [statement_id, statement_id],
    ).fetchall()
    return [str(row[0]) for row in rows]


def retired_message(db: Database, statement_id: str) -> str:
    """What to tell someone reviewing a replaced statement: where its reviews went."""
    found = successors(db, statement_id)
    if not found:
        return (
            f"statement {statement_id} was replaced by a re-extraction and nothing took its place;"
            " its reviews are kept as orphaned (see `attribution orphans`); nothing was recorded"
        )
    listed = ", ".join(found)
    return (
        f"statement {statement_id} was replaced by a re-extraction; its reviews now apply to {listed}:"
        f" check and review {'that statement' if len(found) == 1 else 'one of those'} instead; nothing was recorded"
    )


def record_review(
    db: Database,
    statement_id: str,
    status: str,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Append one review (synchronous=FULL: reviewer work is not re-derivable).

    Only a current statement can be reviewed: a review of a replaced one would be orphaned
    the moment it is written.
    """
    status = status.strip().lower()
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown status {status!r}; choose one of {', '.join(REVIEW_STATUSES)}")
    problem = note_problem(note)
    if problem:
        raise InvalidNote(problem)
    previous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute("PRAGMA synchronous = FULL")
    try:
        with write_transaction(db, what=f"the review of {statement_id}"):
            found = db.execute("SELECT current FROM statements WHERE id = ?", [statement_id]).fetchone()
            if not found:
                raise UnknownStatement(f"no statement with id {statement_id!r}")
            if not found[0]:
                raise RetiredStatement(retired_message(db, statement_id))
            now = utc_now()
            cursor = db.execute(
                "INSERT INTO reviews (statement_id, status, note, reviewer, created_at) VALUES (?, ?, ?, ?, ?)",
                [statement_id, status, note, reviewer, now],
            )
            review_id = cursor.lastrowid
    finally:
        db.execute(f"PRAGMA synchronous = {int(previous)}")
    return {
        "id": review_id,
        "statement_id": statement_id,
        "status": status,
        "note": note,
        "reviewer": reviewer,
        "created_at": now,
    }


def history(db: Database, statement_id: str) -> list[dict[str, Any]]:
    """Every review that applies to this statement, oldest first.

    Includes reviews made on earlier statements it was re-anchored from; ``via`` says
    ``direct`` or ``re-anchored``.
    """
    cursor = db.execute(
        "SELECT r.id, r.statement_id, r.status, r.note, r.reviewer, r.created_at,"
        " CASE WHEN r.statement_id = :id THEN 'direct' ELSE 're-anchored' END AS via"
        " FROM reviews r WHERE r.statement_id = :id"
        " OR r.id IN (SELECT review_id FROM review_targets WHERE target_id = :id)"
        " ORDER BY r.id",
        {"id": statement_id},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def attribution_changes(db: Database, statement_id: str) -> list[dict[str, Any]]:
    """Every logged change of speaker, type, kind or content under a verdict that applies to
    this statement (on it, or on a statement it was re-anchored from), oldest first.

    ``confirmed`` says whether a review newer than the one then in force has been given.
    """
    if "attribution_changes" not in db.table_names():
        return []
    cursor = db.execute(
        "SELECT c.id, c.statement_id, c.from_statement_id, c.review_id, c.field, c.old_value,"
        " c.new_value, c.run_id, c.created_at,"
        " coalesce((SELECT max(review_id) FROM review_targets WHERE target_id = :id) > c.review_id, 0)"
        " AS confirmed"
        " FROM attribution_changes c"
        " WHERE c.id IN (SELECT change_id FROM attribution_change_targets WHERE target_id = :id)"
        " ORDER BY c.id",
        {"id": statement_id},
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["confirmed"] = bool(row["confirmed"])
    return rows


def needs_rereview(db: Database) -> int:
    """How many current statements carry a verdict given before their attribution changed."""
    if "attribution_changes" not in db.table_names():
        return 0
    return int(db.execute("SELECT count(*) FROM needs_rereview").fetchone()[0])
