"""Corrections: a reviewer's fix of what extraction got wrong, kept as human work.

A review judges a statement; a correction changes what the statement *is*: who said it (an
existing speaker or a newly named one), its quote type, or that it is not a statement at
all. Like reviews, corrections are append-only rows (triggers refuse UPDATE and DELETE), the
latest per field applies, and they follow a statement through re-extraction along
``statement_links``. Listings and exports show the corrected values and keep the
extractor's own beside them (``queries.statement_rows``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

from .errors import InvalidCorrection
from .queries import QUOTE_TYPES, SPEAKER_KINDS, UnknownSpeaker, UnknownStatement, find_speaker
from .review import RetiredStatement, note_problem, retired_message
from .schema import CORRECTION_FIELDS
from .transactions import utc_now, write_transaction

NOT_STATEMENT_VALUES = ("yes", "no")
MAX_NAME = 200
_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _speaker_row(db: Database, speaker_id: str) -> dict[str, Any] | None:
    """The identity a speaker id stands for (a bare surname attached to its person is that person)."""
    row = db.execute(
        "SELECT t.id, t.name, t.kind, t.role, t.organisation FROM speakers s"
        " JOIN speakers t ON t.id = coalesce(s.same_as, s.id) WHERE s.id = ?",
        [speaker_id],
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("id", "name", "kind", "role", "organisation"), row, strict=True))


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "a speaker's name is needed"
    if _NAME_CONTROLS.search(name):
        return "the speaker's name holds control or invisible formatting characters; remove them"
    if len(name) > MAX_NAME:
        return f"the speaker's name is longer than {MAX_NAME} characters"
    return None


def _extracted(db: Database, statement_id: str) -> dict[str, Any]:
    row = db.execute(
        "SELECT s.current, s.type, coalesce(sp.name, s.speaker_name), coalesce(sp.kind, s.speaker_kind)"
        " FROM statements s LEFT JOIN speakers named ON named.id = s.speaker_id"
        " LEFT JOIN speakers sp ON sp.id = coalesce(named.same_as, named.id) WHERE s.id = ?",
        [statement_id],
    ).fetchone()
    if row is None:
        raise UnknownStatement(f"no statement with id {statement_id!r}")
    current, type_, name, kind = row
    return {"current": bool(current), "type": type_, "speaker": f"{name} ({kind})" if name else None}


def speaker_fields(
    db: Database,
    *,
    speaker_id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
) -> dict[str, Any]:
    """The stored form of a corrected speaker: an existing one by id or by any of its names,
    else a new one by the name given (a person unless ``kind`` says otherwise)."""
    if speaker_id:
        found = _speaker_row(db, speaker_id.strip())
        if found is None:
            raise InvalidCorrection(f"no speaker with id {speaker_id!r}")
    else:
        problem = _name_problem(name or "")
        if problem:
            raise InvalidCorrection(problem)
        try:
            found = _speaker_row(db, find_speaker(db, name or ""))
        except UnknownSpeaker as error:
            if error.candidates:  # several speakers answer to it: the reviewer must pick one
                raise InvalidCorrection(str(error)) from None
            found = None
    if found is not None:
        return {
            "value": found["name"],
            "speaker_id": found["id"],
            "speaker_kind": found["kind"],
            "role": role or None,
            "organisation": organisation or None,
        }
    chosen_kind = (kind or "person").strip().lower()
    if chosen_kind not in SPEAKER_KINDS:
        raise InvalidCorrection(f"unknown speaker kind {kind!r}; choose one of {', '.join(SPEAKER_KINDS)}")
    return {
        "value": " ".join((name or "").split()),
        "speaker_id": None,
        "speaker_kind": chosen_kind,
        "role": role or None,
        "organisation": organisation or None,
    }


def record_correction(
    db: Database,
    statement_id: str,
    field: str,
    value: str | None = None,
    *,
    speaker_id: str | None = None,
    speaker_kind: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Append one correction of a current statement and return it.

    ``field`` is ``speaker`` (``speaker_id`` of an existing speaker, or ``value`` naming one,
    existing or new), ``type`` (direct, indirect or mixed) or ``not_statement`` (yes, or no
    to withdraw an earlier yes). The extractor's value at the time is kept in ``original``.
    """
    field = field.strip().lower()
    if field not in CORRECTION_FIELDS:
        raise InvalidCorrection(f"unknown correction {field!r}; choose one of {', '.join(CORRECTION_FIELDS)}")
    problem = note_problem(note)
    if problem:
        raise InvalidCorrection(problem)
    record: dict[str, Any] = {
        "value": None,
        "speaker_id": None,
        "speaker_kind": None,
        "role": None,
        "organisation": None,
    }
    if field == "speaker":
        record = speaker_fields(
            db, speaker_id=speaker_id, name=value, kind=speaker_kind, role=role, organisation=organisation
        )
    elif field == "type":
        record["value"] = (value or "").strip().lower()
        if record["value"] not in QUOTE_TYPES:
            raise InvalidCorrection(f"unknown quote type {value!r}; choose one of {', '.join(QUOTE_TYPES)}")
    else:
        record["value"] = (value or "yes").strip().lower()
        if record["value"] not in NOT_STATEMENT_VALUES:
            raise InvalidCorrection("not a statement: give yes, or no to withdraw it")
    previous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute("PRAGMA synchronous = FULL")  # reviewer work is not re-derivable
    try:
        with write_transaction(db, what=f"the correction of {statement_id}"):
            extracted = _extracted(db, statement_id)
            if not extracted["current"]:
                raise RetiredStatement(retired_message(db, statement_id).replace("reviews", "corrections"))
            original = {"speaker": extracted["speaker"], "type": extracted["type"], "not_statement": "no"}[field]
            now = utc_now()
            cursor = db.execute(
                "INSERT INTO corrections (statement_id, field, value, speaker_id, speaker_kind, role,"
                " organisation, original, note, reviewer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    statement_id, field, record["value"], record["speaker_id"], record["speaker_kind"],
                    record["role"], record["organisation"], original, note or None, reviewer or None, now,
                ],
            )  # fmt: skip
            correction_id = cursor.lastrowid
    finally:
        db.execute(f"PRAGMA synchronous = {int(previous)}")
    return {
        "id": correction_id,
        "statement_id": statement_id,
        "field": field,
        **record,
        "original": original,
        "note": note or None,
        "reviewer": reviewer or None,
        "created_at": now,
    }


def corrections_for(db: Database, statement_id: str) -> list[dict[str, Any]]:
    """Every correction that applies to this statement, oldest first; ``via`` says ``direct``
    or ``re-anchored`` (made on a statement it replaced)."""
    if "corrections" not in db.table_names():
        return []
    cursor = db.execute(
        "SELECT c.id, c.statement_id, c.field, c.value, c.speaker_id, c.speaker_kind, c.role,"
        " c.organisation, c.original, c.note, c.reviewer, c.created_at,"
        " CASE WHEN c.statement_id = :id THEN 'direct' ELSE 're-anchored' END AS via"
        " FROM corrections c WHERE c.id IN (SELECT correction_id FROM correction_targets WHERE target_id = :id)"
        " ORDER BY c.id",
        {"id": statement_id},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
