"""Reviewer decisions about speakers: merge, split, rename, alias add and alias remove.

Why a log and not edits: speaker rows are derived data. They are rebuilt from the names
extraction gave whenever the identity rules change, and every ingest or re-extraction
completes them, so a direct edit would be undone. Each decision is appended to
``speaker_decisions`` (append-only, like reviews) and ``reapply`` redoes all of them, oldest
first, after each of those writes. A decision names the speaker ids it was made on; those ids
come from the identity key, so they are the same after a rebuild with the same rules.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database

from . import identity
from .errors import SpeakerDecisionError
from .queries import UnknownSpeaker, decision_row, find_speaker, identity_members, lookup_keys
from .transactions import short_hash, utc_now, write_transaction

_HEX = re.compile(r"\A[0-9a-f]{4,}\Z")
# Keys of ``subjects`` that hold speaker ids (used to find the decisions about a speaker).


# --------------------------------------------------------------------------- naming speakers


def resolve_speaker(db: Database, text: str) -> str:
    """The speaker row a reviewer means: an exact id, then a name or alias (``find_speaker``,
    which gives the identity), then a unique id prefix. Ambiguity raises UnknownSpeaker."""
    text = text.strip()
    if db.execute("SELECT 1 FROM speakers WHERE id = ?", [text]).fetchone():
        return text
    try:
        return find_speaker(db, text)
    except UnknownSpeaker as error:
        if error.candidates or not _HEX.match(text.lower()):
            raise
        by_name = error
    prefix = text.lower() + "%"
    matches = [r[0] for r in db.execute("SELECT id FROM speakers WHERE id LIKE ? ORDER BY id", [prefix])]
    if not matches:
        raise by_name
    if len(matches) > 1:
        listed = "; ".join(f"{sid} {_name(db, sid)}" for sid in matches)
        raise UnknownSpeaker(f"{text!r} starts {len(matches)} speaker ids ({listed}): give more of it", matches)
    return matches[0]


def _identity(db: Database, sid: str) -> str | None:
    row = db.execute("SELECT coalesce(same_as, id) FROM speakers WHERE id = ?", [sid]).fetchone()
    return str(row[0]) if row else None


def _name(db: Database, sid: str) -> str:
    row = db.execute("SELECT name FROM speakers WHERE id = ?", [sid]).fetchone()
    return str(row[0]) if row else sid


def _kind(db: Database, sid: str) -> str:
    row = db.execute("SELECT kind FROM speakers WHERE id = ?", [sid]).fetchone()
    return str(row[0]) if row else "unknown"


def _spelling(text: str, kind: str) -> str:
    """How a spelling is compared: cleaned of titles but with its initials, then folded."""
    return identity.fold(identity.clean_name(text, kind, keep_initials=True))


def _clean(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- recording


def _record(
    db: Database, action: str, subjects: dict[str, Any], reviewer: str | None, note: str | None
) -> dict[str, Any]:
    """Append one decision and apply the whole log (synchronous=FULL: reviewer work is not
    re-derivable), in one transaction."""
    now = utc_now()
    text = json.dumps(subjects, ensure_ascii=False, sort_keys=True)
    cursor = db.execute(
        "INSERT INTO speaker_decisions (action, subjects, reviewer, note, decided_at) VALUES (?, ?, ?, ?, ?)",
        [action, text, reviewer, note, now],
    )
    reapply(db)
    return decision_row(cursor.lastrowid, action, text, reviewer, note, now)


def _decide(db: Database, make: Any, reviewer: str | None, note: str | None) -> dict[str, Any]:
    """Run ``make`` (which checks and returns action and subjects) and record its decision."""
    previous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute("PRAGMA synchronous = FULL")
    try:
        with write_transaction(db, what="the speaker decision"):
            action, subjects = make()
            return _record(db, action, subjects, reviewer, note)
    finally:
        db.execute(f"PRAGMA synchronous = {int(previous)}")


def merge(
    db: Database, into: str, other: str, *, reviewer: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """``other`` becomes the same identity as ``into`` (its statements are listed under it)."""

    def make() -> tuple[str, dict[str, Any]]:
        target = _identity(db, resolve_speaker(db, into)) or into
        moved = resolve_speaker(db, other)
        if _identity(db, moved) == target:
            raise SpeakerDecisionError(f"{_name(db, moved)} is already the same speaker as {_name(db, target)}")
        names = {"into_name": _name(db, target), "speaker_name": _name(db, moved)}
        return "merge", {"into": target, "speaker": moved, **names}

    return _decide(db, make, reviewer, note)


def rename(
    db: Database, who: str, new_name: str, *, reviewer: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """The name an identity is shown by; the old name stays an alias."""

    def make() -> tuple[str, dict[str, Any]]:
        sid = _identity(db, resolve_speaker(db, who)) or who
        name = _clean(new_name)
        if not name:
            raise SpeakerDecisionError("the new name is empty")
        holder = _name_holder(db, name, _kind(db, sid), sid)
        if holder:
            raise SpeakerDecisionError(f"{name!r} is the name of another speaker ({holder}): merge them instead")
        if name == _name(db, sid):
            raise SpeakerDecisionError(f"{name!r} is already this speaker's name")
        return "rename", {"speaker": sid, "old_name": _name(db, sid), "name": name}

    return _decide(db, make, reviewer, note)


def alias_add(
    db: Database, who: str, alias: str, *, reviewer: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """One more name the identity is found by (``quotes --speaker ALIAS``)."""

    def make() -> tuple[str, dict[str, Any]]:
        sid = _identity(db, resolve_speaker(db, who)) or who
        name = _clean(alias)
        if not name:
            raise SpeakerDecisionError("the alias is empty")
        if any(identity.fold(a) == identity.fold(name) for a in _aliases_of(db, sid)):
            raise SpeakerDecisionError(f"{name!r} is already an alias of {_name(db, sid)}")
        return "alias_add", {"speaker": sid, "speaker_name": _name(db, sid), "alias": name}

    return _decide(db, make, reviewer, note)


def alias_remove(
    db: Database, who: str, alias: str, *, reviewer: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """A name that should no longer find the identity (its statements stay with it)."""

    def make() -> tuple[str, dict[str, Any]]:
        sid = _identity(db, resolve_speaker(db, who)) or who
        name = _clean(alias)
        if identity.fold(name) == identity.fold(_name(db, sid)):
            raise SpeakerDecisionError(f"{name!r} is the speaker's own name: rename it instead")
        if not any(identity.fold(a) == identity.fold(name) for a in _aliases_of(db, sid)):
            raise SpeakerDecisionError(f"{name!r} is not an alias of {_name(db, sid)}")
        return "alias_remove", {"speaker": sid, "speaker_name": _name(db, sid), "alias": name}

    return _decide(db, make, reviewer, note)


def split(
    db: Database, who: str, alias: str, *, reviewer: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """``alias`` leaves the identity and becomes its own speaker: a linked row of that name
    (a merged speaker, an attached surname) is unlinked; otherwise the statements whose
    extracted name or mention is spelled so move to a new speaker of that name."""

    def make() -> tuple[str, dict[str, Any]]:
        sid = _identity(db, resolve_speaker(db, who)) or who
        name = _clean(alias)
        kind = _kind(db, sid)
        base = {"speaker": sid, "speaker_name": _name(db, sid), "alias": name}
        keys = set(lookup_keys(name))
        for member in identity_members(db, sid):
            row = db.execute("SELECT name, key FROM speakers WHERE id = ?", [member]).fetchone()
            if member != sid and (identity.fold(row[0]) == identity.fold(name) or row[1] in keys):
                return "split", {**base, "member": member}
        spelling = _spelling(name, kind)
        if not spelling or spelling == _spelling(_name(db, sid), kind):
            raise SpeakerDecisionError(f"{name!r} is the speaker's own name: nothing would be left of it")
        matched = _spelled(db, sid, spelling, kind)
        listed = any(identity.fold(a) == identity.fold(name) for a in _aliases_of(db, sid))
        if not matched and not listed:
            raise SpeakerDecisionError(f"no alias or statement of {_name(db, sid)} is spelled {name!r}")
        new_id = short_hash("split", sid, spelling)
        return "split", {**base, "spelling": spelling, "kind": kind, "new_speaker": new_id}

    return _decide(db, make, reviewer, note)


def _aliases_of(db: Database, sid: str) -> list[str]:
    members = identity_members(db, sid)
    marks = ", ".join("?" for _ in members)
    return [r[0] for r in db.execute(f"SELECT alias FROM speaker_aliases WHERE speaker_id IN ({marks})", members)]


def _name_holder(db: Database, name: str, kind: str, sid: str) -> str | None:
    row = db.execute("SELECT id FROM speakers WHERE name = ? AND kind = ? AND id != ?", [name, kind, sid]).fetchone()
    return str(row[0]) if row else None


def _spelled(db: Database, sid: str, spelling: str, kind: str) -> list[str]:
    """Statements of the identity whose extracted name or mention has this spelling."""
    members = identity_members(db, sid)
    marks = ", ".join("?" for _ in members)
    found = []
    for statement, name, mention in db.execute(
        f"SELECT id, speaker_name, speaker_mention FROM statements WHERE speaker_id IN ({marks}) ORDER BY rowid",
        members,
    ).fetchall():
        if spelling in {_spelling(name or "", kind), _spelling(mention or "", kind)}:
            found.append(statement)
    return found


# --------------------------------------------------------------------------- re-applying


def reapply(db: Database) -> None:
    """Redo every decision, oldest first, on the speaker rows as they now stand. Each step sets
    a state (a link, a name, an alias), so running the log twice gives the same rows.
    Runs inside the caller's transaction; a decision whose speaker is gone is skipped."""
    if "speaker_decisions" not in db.table_names():
        return
    _restore_freed_names(db)
    steps = {"merge": _apply_merge, "rename": _apply_rename, "alias_add": _apply_alias_add,
             "alias_remove": _apply_alias_remove, "split": _apply_split}  # fmt: skip
    for action, subjects in db.execute("SELECT action, subjects FROM speaker_decisions ORDER BY id").fetchall():
        steps[action](db, json.loads(subjects))


def _exists(db: Database, sid: str | None) -> bool:
    return sid is not None and db.execute("SELECT 1 FROM speakers WHERE id = ?", [sid]).fetchone() is not None


def _restore_freed_names(db: Database) -> None:
    """A renamed row that had to give its name up to a new speaker of that name (see
    store._write_speaker) shows its canonical name again."""
    # compared in Python: SQLite's string functions stop at the NUL the placeholder starts with
    freed = [sid for sid, name in db.execute("SELECT id, name FROM speakers").fetchall() if name.startswith("\x00")]
    for sid in freed:
        row = db.execute(
            "SELECT alias FROM speaker_aliases WHERE speaker_id = ? AND reason = 'canonical name' ORDER BY alias", [sid]
        ).fetchone()
        if row and not _name_holder(db, row[0], _kind(db, sid), sid):
            db.execute("UPDATE speakers SET name = ? WHERE id = ?", [row[0], sid])


def _apply_merge(db: Database, s: dict[str, Any]) -> None:
    target = _identity(db, s["into"]) if _exists(db, s["into"]) else None
    moved = s["speaker"]
    if target is None or not _exists(db, moved) or _identity(db, moved) == target:
        return
    db.execute("UPDATE speakers SET same_as = ? WHERE id = ? OR same_as = ?", [target, moved, moved])


def _apply_rename(db: Database, s: dict[str, Any]) -> None:
    sid, name = s["speaker"], s["name"]
    if not _exists(db, sid):
        return
    if _name_holder(db, name, _kind(db, sid), sid):  # a speaker of that name came later: it wins
        db.execute(
            "DELETE FROM speaker_aliases WHERE speaker_id = ? AND alias = ? AND reason = 'renamed by reviewer'",
            [sid, name],
        )
        return
    db.execute("UPDATE speakers SET name = ? WHERE id = ?", [name, sid])
    _add_alias(db, sid, name, "renamed by reviewer")


def _add_alias(db: Database, sid: str, alias: str, reason: str, key: str | None = None) -> None:
    key = key or identity.resolve(alias, _kind(db, sid)).key
    db.execute(
        "INSERT INTO speaker_aliases (speaker_id, alias, alias_key, reason) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(speaker_id, alias) DO NOTHING",
        [sid, alias, key, reason],
    )


def _apply_alias_add(db: Database, s: dict[str, Any]) -> None:
    if _exists(db, s["speaker"]):
        _add_alias(db, s["speaker"], s["alias"], "added by reviewer")


def _remove_alias(db: Database, sid: str, alias: str) -> None:
    members = identity_members(db, sid)
    marks = ", ".join("?" for _ in members)
    for member, name in db.execute(
        f"SELECT speaker_id, alias FROM speaker_aliases WHERE speaker_id IN ({marks})", members
    ).fetchall():
        if identity.fold(name) == identity.fold(alias):
            db.execute("DELETE FROM speaker_aliases WHERE speaker_id = ? AND alias = ?", [member, name])


def _apply_alias_remove(db: Database, s: dict[str, Any]) -> None:
    if _exists(db, s["speaker"]):
        _remove_alias(db, s["speaker"], s["alias"])


def _apply_split(db: Database, s: dict[str, Any]) -> None:
    sid = s["speaker"]
    if not _exists(db, sid):
        return
    if "member" in s:  # a linked row: unlink it (a surname attachment would otherwise come back)
        db.execute("UPDATE speakers SET same_as = NULL WHERE id = ? AND same_as = ?", [s["member"], sid])
        return
    kind, new_id = s["kind"], s["new_speaker"]
    matched = _spelled(db, sid, s["spelling"], kind)
    _remove_alias(db, sid, s["alias"])
    if not matched and not _exists(db, new_id):
        return
    if not _exists(db, new_id):
        name = s["alias"]
        if _name_holder(db, name, kind, new_id):
            name = f"{s['alias']} (split from {s['speaker_name']})"
        if _name_holder(db, name, kind, new_id):
            name = f"{name} {new_id}"
        db.execute(
            "INSERT INTO speakers (id, name, kind, key, surname) VALUES (?, ?, ?, ?, ?)",
            [new_id, name, kind, s["spelling"], identity.surname(s["spelling"], kind)],
        )
    db.execute("UPDATE speakers SET same_as = NULL WHERE id = ?", [new_id])  # never a surname attachment
    _add_alias(db, new_id, s["alias"], "split by reviewer", s["spelling"])  # not the key it was split from
    for statement in matched:
        db.execute("UPDATE statements SET speaker_id = ? WHERE id = ?", [new_id, statement])


def redirect_records(db: Database, records: list[dict[str, Any]]) -> None:
    """Give statement records about to be compared with stored ones the speaker a spelling
    split moved them to, so a re-extraction does not count the reviewer's move as a change."""
    if "speaker_decisions" not in db.table_names():
        return
    for (subjects,) in db.execute("SELECT subjects FROM speaker_decisions WHERE action = 'split' ORDER BY id"):
        s = json.loads(subjects)
        if "member" in s or not _exists(db, s["new_speaker"]):
            continue
        members = set(identity_members(db, s["speaker"]))
        for record in records:
            if record.get("speaker_id") in members and s["spelling"] in {
                _spelling(record.get("speaker_name") or "", s["kind"]),
                _spelling(record.get("speaker_mention") or "", s["kind"]),
            }:
                record["speaker_id"] = s["new_speaker"]
