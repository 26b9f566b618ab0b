"""The SQLite store: connections, migrations, the run ledger, writing extractions, verify and
backup. The transaction primitives it uses (and every reader and writer above it) are in
``transactions.py``; the jobs that drive it (ingest, reextract) are in ``jobs.py``.

Rules this module keeps:

* every connection sets ``busy_timeout`` before any other statement, then WAL,
  ``foreign_keys=ON`` and an explicit ``synchronous``; the driver never opens implicit
  transactions (``isolation_level=None``);
* every write unit runs in :func:`write_transaction`, which issues ``BEGIN IMMEDIATE``;
  a lock held past the timeout raises :class:`~attribution.errors.DatabaseBusy`;
* one transaction per document; the document's ``complete`` marker is written last;
* ids are content hashes, so a re-run writes nothing; extraction code never writes
  ``reviews`` and never uses ``INSERT OR REPLACE``.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import EXTRACTOR_VERSION, __version__, echoes, identity, speaker_decisions
from .anchoring import anchor, best_match, version_key
from .errors import BackupRefused, StoreError
from .models import Claim, Document, Extraction, Span, Statement, sha256_text
from .schema import SCHEMA_VERSION, migrations
from .transactions import (
    DEFAULT_BUSY_TIMEOUT_MS,
    busy_error,
    fold,
    is_busy,
    is_fatal,
    read_transaction,
    short_hash,
    utc_now,
    write_transaction,
)

PRONOUNS = {
    "he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "me",
    "his", "its", "their", "our", "the", "a", "an", "this", "that", "these", "those",
}  # fmt: skip


# --------------------------------------------------------------------------- connection

MMAP_BYTES = 1 << 30  # reads of the first GiB come from a memory map instead of a read() per page: the echo
# index's lookups land on random pages of a large file (bench/echoes); SQLite maps the main file only, never the WAL


def connect(
    path: str | Path,
    *,
    busy_timeout: int = DEFAULT_BUSY_TIMEOUT_MS,
    create: bool = True,
    synchronous: str = "NORMAL",
    migrate_schema: bool = True,
) -> Database:
    """Open (and migrate) the database: busy_timeout first, then WAL, foreign keys, sync."""
    name = str(path)
    memory = name == ":memory:"
    if not memory and not create and not Path(name).exists():
        raise StoreError(f"database {name} does not exist (run `attribution ingest` first)")
    if not memory and not Path(name).parent.exists():
        raise StoreError(f"database {name}: directory {Path(name).parent} does not exist")
    try:
        conn = sqlite3.connect(name, timeout=busy_timeout / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
        db = Database(conn)
        db.path = name  # type: ignore[attr-defined]
        db.busy_timeout_ms = busy_timeout  # type: ignore[attr-defined]
        if not memory:
            fs_type = filesystem_type(name)
            if fs_type in NETWORK_FILESYSTEMS:
                conn.close()
                raise StoreError(
                    f"database {name} is on a network filesystem ({fs_type}); SQLite locking and"
                    " WAL are unreliable there: keep the database on a local disk"
                )
            _enable_wal(db)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA synchronous = {_sync_level(synchronous)}")
        if not memory:
            db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        if migrate_schema:
            migrate(db)
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise busy_error(None, error) from None
        raise StoreError(f"database {name}: {error}") from None
    except sqlite3.DatabaseError as error:
        raise StoreError(f"database {name}: {error}") from None
    return db


def _sync_level(level: str) -> str:
    level = level.upper()
    if level not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"unknown synchronous level {level!r}")
    return level


NETWORK_FILESYSTEMS = ("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "9p",
                       "fuse.sshfs", "ceph", "glusterfs", "lustre", "davfs")  # fmt: skip


def filesystem_type(path: str | Path) -> str | None:
    """The type of the filesystem holding ``path`` (from /proc/mounts; None if unknown)."""
    try:
        target = os.path.realpath(Path(path).parent if not Path(path).is_dir() else path)
        best = ("", None)
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                if len(fields) < 3:
                    continue
                mount = fields[1].replace("\\040", " ")
                inside = target == mount or target.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) >= len(best[0]):
                    best = (mount, fields[2])
        return best[1]
    except OSError:
        return None


def _enable_wal(db: Database) -> None:
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        db.execute("PRAGMA journal_mode = WAL")


def set_durable(db: Database, durable: bool = True) -> None:
    """synchronous=FULL for reviewer work (not re-derivable), NORMAL for extraction."""
    db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database, *, backup: bool = True) -> list[str]:
    """Apply pending migrations in one BEGIN IMMEDIATE transaction; return their names.

    An existing database with data is first copied with ``VACUUM INTO`` next to itself
    (``<db>.pre-v<N>.bak``) so a migration can always be undone by hand.
    """
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(f"database schema v{version} is newer than this tool (v{SCHEMA_VERSION}); upgrade")
    pending = [m.name for m in migrations.pending(db)]
    if not pending:
        if _registry_stale(db):
            with write_transaction(db, what="the speaker registry"):
                if _registry_stale(db):
                    rebuild_speakers(db)
        return []
    path = getattr(db, "path", ":memory:")
    if backup and path != ":memory:" and "documents" in db.table_names():
        _backup(db, f"{path}.pre-v{version}.bak")
    with write_transaction(db, what="the schema migration"):
        applied = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if "m009_echoes" in applied:
            echoes.rebuild(db)  # statements stored before echoes existed
        if _registry_stale(db):
            rebuild_speakers(db)
    return applied


def _backup(db: Database, target: str) -> None:
    """``VACUUM INTO`` a temporary file, then rename: a killed backup never looks finished."""
    if os.path.exists(target):
        return
    temporary = f"{target}.{os.getpid()}.tmp"
    if os.path.exists(temporary):
        os.remove(temporary)
    try:
        db.execute("VACUUM INTO ?", [temporary])
        os.replace(temporary, target)
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise
        raise StoreError(f"cannot back up {db.path} before migrating: {error}") from None  # type: ignore[attr-defined]
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


# --------------------------------------------------------------------------- run ledger


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_aborted_runs(db: Database) -> list[str]:
    """Label runs left ``running`` by a process of this host that no longer exists."""
    host = socket.gethostname()
    with write_transaction(db, what="the run ledger"):
        stale = [
            row[0]
            for row in db.execute("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?", [host]).fetchall()
            if row[1] is None or (row[1] != os.getpid() and not _pid_alive(row[1]))
        ]
        for run_id in stale:
            db.execute(
                "UPDATE runs SET status = 'aborted', ended_at = ? WHERE id = ?",
                [utc_now(), run_id],
            )
    return stale


def start_run(
    db: Database,
    command: str,
    *,
    model: str | None = None,
    model_version: str | None = None,
    spacy_version: str | None = None,
    extractor_version: str = EXTRACTOR_VERSION,
) -> str:
    """Insert a ``running`` row in the run ledger and return its id."""
    run_id = uuid.uuid4().hex
    with write_transaction(db, what="the run ledger"):
        db.execute(
            "INSERT INTO runs (id, command, extractor_version, tool_version, model,"
            " model_version, spacy_version, pid, host, started_at, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
            [
                run_id, command, extractor_version, __version__, model, model_version,
                spacy_version, os.getpid(), socket.gethostname(), utc_now(),
            ],
        )  # fmt: skip
    return run_id


RUN_COUNTERS = (
    "n_inputs", "n_stored", "n_unchanged", "n_skipped", "n_rejected", "n_failed",
    "n_statements", "n_claims",
)  # fmt: skip


def finish_run(db: Database, run_id: str, status: str, counts: dict[str, int]) -> None:
    """Record the end of a run: status and counters."""
    values = {name: int(counts.get(name, 0)) for name in RUN_COUNTERS}
    assignments = ", ".join(f"{name} = :{name}" for name in RUN_COUNTERS)
    with write_transaction(db, what="the run ledger"):
        db.execute(
            f"UPDATE runs SET status = :status, ended_at = :ended, {assignments} WHERE id = :id",
            {**values, "status": status, "ended": utc_now(), "id": run_id},
        )


def record_input_problem(db: Database, run_id: str | None, source: str, status: str, reason: str) -> None:
    """Append one rejected / skipped / failed input to ``ingest_errors``."""
    with write_transaction(db, what=source):
        db.execute(
            "INSERT INTO ingest_errors (run_id, source, status, reason, created_at) VALUES (?, ?, ?, ?, ?)",
            [run_id, source, status, reason, utc_now()],
        )


# --------------------------------------------------------------------------- records


def statement_id(doc_key: str, extractor_version: str, start: int, end: int, kind: str) -> str:
    """Deterministic statement id: the same statement of the same text always gets the same id."""
    return short_hash(doc_key, extractor_version, start, end, kind)


def _check_span(text: str, span: Span | None, what: str, source: str) -> None:
    if span is None:
        return
    if not (0 <= span.start <= span.end <= len(text)) or text[span.start : span.end] != span.text:
        raise StoreError(f"{source}: {what} span [{span.start}:{span.end}] does not slice the document text")


def _statement_record(
    doc: Document, version: str, statement: Statement, run_id: str | None, now: str
) -> dict[str, Any]:
    text = doc.text
    for what, span in (
        ("content", statement.content),
        ("sentence", statement.sentence),
        ("cue", statement.cue),
        ("speaker", statement.speaker_mention),
        ("time", statement.time.expression if statement.time else None),
    ):
        _check_span(text, span, what, doc.source or doc.id)
    content, cue, mention, speaker = (
        statement.content, statement.cue, statement.speaker_mention, statement.speaker
    )  # fmt: skip
    prefix, suffix = anchor(text, content.start, content.end)
    kind_token = f"statement/{statement.type}"
    return {
        "id": statement_id(doc.sha256, version, content.start, content.end, kind_token),
        "document_id": doc.sha256,
        "kind": "statement",
        "type": str(statement.type),
        "content": content.text,
        "content_start": content.start,
        "content_end": content.end,
        "speaker_id": speaker_id(speaker.name, str(speaker.kind)) if speaker else None,
        "speaker_name": speaker.name if speaker else None,
        "speaker_kind": str(speaker.kind) if speaker else None,
        "country": speaker.country if speaker else None,
        "act": str(statement.act),
        "speaker_mention": mention.text if mention else None,
        "speaker_start": mention.start if mention else None,
        "speaker_end": mention.end if mention else None,
        "role": speaker.role if speaker else None,
        "organisation": speaker.organisation if speaker else None,
        "cue": cue.text if cue else None,
        "cue_start": cue.start if cue else None,
        "cue_end": cue.end if cue else None,
        "stance": str(statement.stance),
        "sentence": statement.sentence.text,
        "sentence_start": statement.sentence.start,
        "sentence_end": statement.sentence.end,
        "rule": statement.rule,
        "resolution": statement.resolution or None,
        "confidence": statement.confidence,
        "score": None,
        "reasons": "[]",
        "anchor_prefix": prefix,
        "anchor_suffix": suffix,
        "extractor_version": version,
        "run_id": run_id,
        "extracted_at": now,
        **_time_columns(statement),
    }


def _time_columns(statement: Statement) -> dict[str, Any]:
    """The statement's time as columns; a claim, or a statement extracted without it, has none."""
    time = statement.time
    if time is None:
        return dict.fromkeys(TIME_COLUMNS)
    expression = time.expression
    return {
        "said_from": time.said_from,
        "said_to": time.said_to,
        "said_precision": time.precision,
        "said_expression": expression.text if expression else None,
        "said_start": expression.start if expression else None,
        "said_end": expression.end if expression else None,
        "time_rule": time.rule,
    }


def _claim_record(doc: Document, version: str, claim: Claim, run_id: str | None, now: str) -> dict[str, Any]:
    span = claim.span
    _check_span(doc.text, span, "claim", doc.source or doc.id)
    prefix, suffix = anchor(doc.text, span.start, span.end)
    kind = str(claim.kind)
    return {
        "id": statement_id(doc.sha256, version, span.start, span.end, kind),
        "document_id": doc.sha256,
        "kind": kind,
        "type": None,
        "content": span.text,
        "content_start": span.start,
        "content_end": span.end,
        "speaker_id": None,
        "speaker_name": None,
        "speaker_kind": None,
        "country": None,
        "act": None,
        "speaker_mention": None,
        "speaker_start": None,
        "speaker_end": None,
        "role": None,
        "organisation": None,
        "cue": None,
        "cue_start": None,
        "cue_end": None,
        "stance": None,
        "sentence": span.text,
        "sentence_start": span.start,
        "sentence_end": span.end,
        "rule": f"claim/{kind}",
        "resolution": None,
        "confidence": None,
        "score": float(claim.score),
        "reasons": json.dumps(list(claim.reasons), ensure_ascii=False),
        "anchor_prefix": prefix,
        "anchor_suffix": suffix,
        "extractor_version": version,
        "run_id": run_id,
        "extracted_at": now,
        **dict.fromkeys(TIME_COLUMNS),
    }


def extraction_records(extraction: Extraction, run_id: str | None, now: str | None = None) -> list[dict[str, Any]]:
    """Statement rows (statements first, then claims), validated and de-duplicated by id."""
    doc = extraction.document
    version = extraction.extractor_version or EXTRACTOR_VERSION
    now = now or utc_now()
    records = [_statement_record(doc, version, s, run_id, now) for s in extraction.statements]
    records += [_claim_record(doc, version, c, run_id, now) for c in extraction.claims]
    unique: dict[str, dict[str, Any]] = {}
    for record in records:
        unique.setdefault(record["id"], record)
    return list(unique.values())


def speaker_id(name: str, kind: str) -> str:
    """The id of the identity a speaker name belongs to (tiers 1 and 2 of identity.py): the
    same for every spelling the rules and the alias file merge, whatever order documents come in."""
    return identity_id(identity.resolve(name, kind).key, kind)


def identity_id(key: str, kind: str) -> str:
    return short_hash("identity", kind, key)


def organisation_id(name: str) -> str:
    return short_hash("organisation", name)


def _mention_alias(statement: Statement) -> str | None:
    """The mention's text when it is a name (capitalised, not a pronoun or article)."""
    mention = statement.speaker_mention
    if mention is None:
        return None
    text = " ".join(mention.text.split())
    first = text.split(" ", 1)[0].casefold() if text else ""
    return text if text and text[0].isupper() and first not in PRONOUNS else None


def _aliases(name: str, kind: str, mention: str | None) -> list[tuple[str, str, str]]:
    """(alias, lookup key, reason) for one extracted speaker name: the identity's own name, the
    name as extracted (a spelling of its own, not one with a title, epithet or headline verb),
    its surname, and a mention that spells the name or surname another way ("Lukashenko")."""
    found = identity.resolve(name, kind)
    aliases = [(found.name, found.key, "canonical name")]
    spelled = identity.clean_name(name, kind, keep_initials=True)
    if spelled != found.name:
        reason = "extracted name" if found.reason == "name" else found.reason
        aliases.append((spelled, found.key, reason))
    last = found.surname
    if last is not None:
        words = [w for w in found.name.split() if identity.fold(w) not in identity.SUFFIXES]
        aliases.append((" ".join(words[-len(last.split()) :]), last, "surname"))
    if mention is not None:
        cleaned = identity.clean_name(mention, kind, keep_initials=True)
        key = identity.resolve(mention, kind).key
        listed = {identity.fold(a[0]) for a in aliases}
        if key in {found.key, last} and identity.fold(cleaned) not in listed:
            aliases.append((cleaned, key, "mention in a document"))
    return aliases


@dataclass
class _SpeakerRow:
    """One identity's speaker row as built from the statements that name it."""

    id: str
    key: str
    name: str
    kind: str
    surname: str | None
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias -> (key, reason)

    def add(self, name: str, role: str | None, organisation: str | None, country: str | None) -> None:
        self.name = identity.preferred_name(self.name, name)
        self.role = self.role or role
        self.organisation = self.organisation or organisation
        self.country = self.country or country


def _speaker_row(name: str, kind: str) -> _SpeakerRow:
    found = identity.resolve(name, kind)
    return _SpeakerRow(identity_id(found.key, kind), found.key, found.name, kind, found.surname)


def _write_speaker(db: Database, row: _SpeakerRow) -> None:
    """Insert or complete one speaker row: the name shown is the preferred of the names seen;
    role, organisation and country are kept from the first statement that gave them."""
    org_id = organisation_id(row.organisation) if row.organisation else None
    if row.organisation:
        db.execute(
            "INSERT INTO organisations (id, name, key) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
            [org_id, row.organisation, fold(row.organisation)],
        )
    existing = db.execute("SELECT name FROM speakers WHERE id = ?", [row.id]).fetchone()
    if existing is None:
        # only a reviewer's rename can hold another identity's natural name: that row gives it
        # up (speaker_decisions.reapply then shows its canonical name and skips the rename)
        db.execute("UPDATE speakers SET name = char(0) || id WHERE name = ? AND kind = ?", [row.name, row.kind])
        db.execute(
            "INSERT INTO speakers (id, name, kind, role, organisation, organisation_id, key, surname, country)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row.id, row.name, row.kind, row.role, row.organisation, org_id, row.key, row.surname, row.country],
        )
    else:
        name = identity.preferred_name(existing[0], row.name) if not existing[0].startswith("\x00") else row.name
        db.execute(
            "UPDATE speakers SET name = ?, key = ?, surname = ?, role = coalesce(role, ?),"
            " organisation = coalesce(organisation, ?), organisation_id = coalesce(organisation_id, ?),"
            " country = coalesce(country, ?) WHERE id = ?",
            [name, row.key, row.surname, row.role, row.organisation, org_id, row.country, row.id],
        )
    for alias, (key, reason) in row.aliases.items():
        db.execute(
            "INSERT INTO speaker_aliases (speaker_id, alias, alias_key, reason) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(speaker_id, alias) DO NOTHING",
            [row.id, alias, key, reason],
        )


def speaker_rows(statements: Sequence[Statement]) -> dict[str, _SpeakerRow]:
    """The speaker rows (with their aliases) these statements name, by speaker id, before
    any database: what storing them writes, and what a Parquet shard keeps."""
    rows: dict[str, _SpeakerRow] = {}
    for statement in statements:
        speaker = statement.speaker
        if speaker is None:
            continue
        kind = str(speaker.kind)
        row = _speaker_row(speaker.name, kind)
        row = rows.setdefault(row.id, row)
        row.add(identity.resolve(speaker.name, kind).name, speaker.role, speaker.organisation, speaker.country)
        for alias, key, reason in _aliases(speaker.name, kind, _mention_alias(statement)):
            row.aliases.setdefault(alias, (key, reason))
    return rows


def _store_speakers(db: Database, statements: Sequence[Statement]) -> set[str]:
    """Write the speakers of ``statements``; the surnames they touch, whose attachments the
    caller recomputes (``attach_surnames``) once the statements are stored, since attachment
    counts statements."""
    rows = speaker_rows(statements)
    if "registry" not in db.table_names():  # a database before its migration: the old columns only
        for row in rows.values():
            _write_old_speaker(db, row)
        return set()
    for row in rows.values():
        _write_speaker(db, row)
    return {row.surname or row.key for row in rows.values() if row.kind in identity.PERSON_KINDS}


def _write_old_speaker(db: Database, row: _SpeakerRow) -> None:
    db.execute(
        "INSERT INTO speakers (id, name, kind, role, organisation) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [row.id, row.name, row.kind, row.role, row.organisation],
    )
    for alias, (key, _reason) in row.aliases.items():
        db.execute(
            "INSERT INTO speaker_aliases (speaker_id, alias, alias_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [row.id, alias, key],
        )


def attach_surnames(db: Database, surnames: Iterable[str]) -> None:
    """Tier 3 for these surnames: link each bare surname to the one person of that surname in
    the corpus, or unlink it when there are now several (recomputed, so order never matters)."""
    for last in sorted(set(surnames)):
        people = db.execute(
            "SELECT id, key, kind, role,"
            " (SELECT count(*) FROM statements t WHERE t.speaker_id = s.id AND t.current = 1)"
            " FROM speakers s WHERE surname = ? AND kind = 'person'",
            [last],
        ).fetchall()
        for bare_id, kind, name, role in db.execute(
            "SELECT id, kind, name, role FROM speakers WHERE key = ? AND surname IS NULL", [last]
        ).fetchall():
            target = identity.attach_surname(last, kind, [tuple(p) for p in people], name, role)
            db.execute("UPDATE speakers SET same_as = ? WHERE id = ? AND same_as IS NOT ?", [target, bare_id, target])
        by_key = {key: pid for pid, key, *_ in people}
        for pid, key, kind, *_ in people:
            target = identity.attach_full_name(key, kind, by_key)
            if target is not None and target != pid:
                db.execute("UPDATE speakers SET same_as = ? WHERE id = ? AND same_as IS NOT ?", [target, pid, target])


REGISTRY_KEY = "identity"


def _registry_stale(db: Database) -> bool:
    if "registry" not in db.table_names():
        return False
    row = db.execute("SELECT value FROM registry WHERE name = ?", [REGISTRY_KEY]).fetchone()
    return row is None or row[0] != identity.registry_digest()


def rebuild_speakers(db: Database) -> int:
    """Recompute every speaker row from the names extraction gave (kept on each statement):
    after the migration that introduced identities, and whenever the identity rules or the
    alias file change. Statements keep their ids, so reviews are untouched. Runs inside the
    caller's transaction; returns how many statements now point at a different speaker."""
    rows: dict[str, _SpeakerRow] = {}
    targets: list[tuple[str, str, str | None]] = []  # statement id, new speaker id, old speaker id
    cursor = db.execute(
        "SELECT id, speaker_id, speaker_name, speaker_kind, speaker_mention, role, organisation, country"
        " FROM statements WHERE speaker_name IS NOT NULL ORDER BY extracted_at, rowid"
    )
    for sid, old, name, kind, mention, role, organisation, country in cursor.fetchall():
        kind = kind or "unknown"
        row = _speaker_row(name, kind)
        row = rows.setdefault(row.id, row)
        row.add(identity.resolve(name, kind).name, role, organisation, country)
        text = " ".join((mention or "").split())
        first = text.split(" ", 1)[0].casefold() if text else ""
        named = text if text and text[0].isupper() and first not in PRONOUNS else None
        for alias, key, reason in _aliases(name, kind, named):
            row.aliases.setdefault(alias, (key, reason))
        targets.append((sid, row.id, old))
    db.execute("UPDATE speakers SET same_as = NULL WHERE same_as IS NOT NULL")
    db.execute("UPDATE speakers SET name = char(0) || id")  # frees (name, kind) for the new rows
    db.execute("DELETE FROM speaker_aliases")
    for row in rows.values():
        _write_speaker(db, row)
    moved = 0
    for sid, new, old in targets:
        if new != old:
            db.execute("UPDATE statements SET speaker_id = ? WHERE id = ?", [new, sid])
            moved += 1
    db.execute("DELETE FROM speakers WHERE id NOT IN (SELECT speaker_id FROM statements WHERE speaker_id IS NOT NULL)")
    attach_surnames(db, [r[0] for r in db.execute("SELECT DISTINCT key FROM speakers WHERE surname IS NULL")])
    _reapply_decisions(db)
    db.execute(
        "INSERT INTO registry (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        [REGISTRY_KEY, identity.registry_digest()],
    )
    return moved


def _reapply_decisions(db: Database) -> None:
    """Reviewers' speaker decisions on top of the rows just written (speaker_decisions.py)."""
    speaker_decisions.reapply(db)


STATEMENT_COLUMNS = (
    "id", "document_id", "kind", "type", "content", "content_start", "content_end",
    "speaker_id", "speaker_mention", "speaker_start", "speaker_end", "role", "organisation",
    "cue", "cue_start", "cue_end", "stance", "sentence", "sentence_start", "sentence_end",
    "rule", "resolution", "confidence", "score", "reasons", "anchor_prefix", "anchor_suffix",
    "extractor_version", "run_id", "extracted_at",
)  # fmt: skip
# Added by schema v4: the act, the speaker's country, and the speaker's name as extracted.
ADDED_COLUMNS = ("act", "country", "speaker_name", "speaker_kind")
# Added by schema v5: when the statement was said (see timing.py).
TIME_COLUMNS = ("said_from", "said_to", "said_precision", "said_expression", "said_start", "said_end", "time_rule")
WRITTEN_COLUMNS = STATEMENT_COLUMNS + ADDED_COLUMNS + TIME_COLUMNS
# Columns compared when a re-extraction produces an id that already exists.
DERIVED_COLUMNS = tuple(c for c in WRITTEN_COLUMNS if c not in {"id", "document_id", "run_id", "extracted_at"})


def _table_columns(db: Database, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info([{table}])").fetchall()}


def _insert_statement(db: Database, record: dict[str, Any]) -> None:
    # Only the columns the schema has: a database at an older version (before its migration)
    # gets the rows it can hold, and the migration fills in the rest.
    present = _table_columns(db, "statements")
    names = [c for c in WRITTEN_COLUMNS if c in present]
    columns = ", ".join(names)
    marks = ", ".join(f":{c}" for c in names)
    db.execute(f"INSERT INTO statements ({columns}) VALUES ({marks})", record)


def _reviewed_ids(db: Database, statement_ids: Sequence[str]) -> set[str]:
    """Which of these statements carry at least one review or correction (directly or via
    links): human work a re-extraction must carry over to the statement that replaces them."""
    if not statement_ids:
        return set()
    marks = ", ".join("?" for _ in statement_ids)
    sql = f"SELECT DISTINCT target_id FROM review_targets WHERE target_id IN ({marks})"
    params = list(statement_ids)
    if "corrections" in db.table_names():  # a database before its migration has none
        sql += f" UNION SELECT target_id FROM correction_targets WHERE target_id IN ({marks})"
        params += list(statement_ids)
    return {row[0] for row in db.execute(sql, params).fetchall()}


def _identity_of(db: Database, speaker: str | None) -> str | None:
    """The identity a statement's speaker id stands for (a bare surname attached to its
    person counts as that person)."""
    if speaker is None:
        return None
    row = db.execute("SELECT coalesce(same_as, id) FROM speakers WHERE id = ?", [speaker]).fetchone()
    return str(row[0]) if row else speaker


def _speaker_label(db: Database, row: Mapping[str, Any]) -> str | None:
    if row.get("speaker_id") is None:
        return None
    name = row.get("speaker_name")
    kind = row.get("speaker_kind")
    if name is None:
        found = db.execute("SELECT name, kind FROM speakers WHERE id = ?", [row["speaker_id"]]).fetchone()
        name, kind = (found[0], found[1]) if found else (row["speaker_id"], kind)
    return f"{name} ({kind})" if kind else str(name)


def attribution_differences(
    db: Database, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[tuple[str, str | None, str | None]]:
    """(field, old value, new value) for each of speaker, type, kind and content that differs
    between two versions of a statement: what a verdict is about, so a change to any of them
    must be seen by a reviewer before the verdict is published again. Content compares with
    whitespace collapsed: a boundary moved over a space is not a different statement."""
    found: list[tuple[str, str | None, str | None]] = []
    if _identity_of(db, old.get("speaker_id")) != _identity_of(db, new.get("speaker_id")):
        found.append(("speaker", _speaker_label(db, old), _speaker_label(db, new)))
    for name in ("type", "kind"):
        if old.get(name) != new.get(name):
            found.append((name, old.get(name), new.get(name)))
    before, after = str(old.get("content") or ""), str(new.get("content") or "")
    if " ".join(before.split()) != " ".join(after.split()):
        found.append(("content", before, after))
    return found


def _latest_review(db: Database, statement_id: str) -> int | None:
    row = db.execute("SELECT max(review_id) FROM review_targets WHERE target_id = ?", [statement_id]).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def record_attribution_changes(
    db: Database, old: Mapping[str, Any], new: Mapping[str, Any], run_id: str | None, now: str
) -> int:
    """Log how a reviewed statement's attribution changed under its verdict; return how many
    fields changed. The verdict stays attached, and the statement needs re-review until a
    newer review applies to it."""
    if "attribution_changes" not in db.table_names():  # a database before its migration
        return 0
    review_id = _latest_review(db, str(new["id"]))
    if review_id is None:
        return 0
    changes = attribution_differences(db, old, new)
    for name, before, after in changes:
        db.execute(
            "INSERT INTO attribution_changes (statement_id, from_statement_id, review_id, field,"
            " old_value, new_value, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [new["id"], old["id"], review_id, name, before, after, run_id, now],
        )
    return len(changes)


def link_reviews(
    db: Database,
    old_rows: Sequence[dict[str, Any]],
    text: str,
    new_rows: Sequence[dict[str, Any]],
    run_id: str | None,
    method: str,
) -> tuple[int, int]:
    """Link each reviewed old statement to the new statement its anchor matches.

    Returns (linked, unmatched). Nothing is deleted; unmatched reviews stay attached to their
    old statement and show as orphaned once it is no longer current. A link to a statement
    with another speaker, type or content is logged so the verdict is re-reviewed.
    """
    reviewed = _reviewed_ids(db, [row["id"] for row in old_rows])
    linked = unmatched = 0
    now = utc_now()
    for old in old_rows:
        if old["id"] not in reviewed:
            continue
        match = best_match(old, text, new_rows)
        if match is None:
            unmatched += 1
            continue
        new, ratio = match
        if new["id"] == old["id"]:
            continue
        kind = "same-span" if ratio == 1.0 else "anchor-overlap"
        cursor = db.execute(
            "INSERT INTO statement_links (from_id, to_id, method, score, run_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(from_id, to_id) DO NOTHING",
            [old["id"], new["id"], f"{method}:{kind}", round(ratio, 6), run_id, now],
        )
        if cursor.rowcount == 1:  # the anchor matches text only: say what else changed
            record_attribution_changes(db, old, new, run_id, now)
        linked += 1
    return linked, unmatched


def _rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --------------------------------------------------------------------------- storing


def store_extraction(db: Database, extraction: Extraction, run_id: str | None) -> str:
    """Store one document with everything derived from it, in one transaction.

    Returns ``"stored"`` or ``"unchanged"`` (the same text is already stored; at most a new
    source row is added). The ``complete`` marker is the last write of the transaction.
    """
    doc = extraction.document
    key = doc.sha256
    if key != sha256_text(doc.text):
        raise StoreError(f"{doc.source or doc.id}: document hash does not match its text")
    records = extraction_records(extraction, run_id)  # validates every span before writing
    source = doc.source or doc.id
    now = utc_now()
    with write_transaction(db, what=source):
        if db.execute("SELECT 1 FROM documents WHERE id = ?", [key]).fetchone():
            _add_source(db, doc, run_id, now)
            return "unchanged"
        vkey = version_key(doc)
        previous = db.execute(
            "SELECT id FROM documents WHERE version_key = ? AND complete = 1"
            " ORDER BY ingested_at DESC, rowid DESC LIMIT 1",
            [vkey],
        ).fetchone()
        db.execute(
            "INSERT INTO documents (id, external_id, source, version_key, previous_id, title,"
            " published, publisher, url, author, text, text_sha256, raw_sha256, byte_length,"
            " encoding, normalisation, warnings, agencies, extractor_version, run_id,"
            " ingested_at, complete)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [
                key, doc.id, source, vkey, previous[0] if previous else None, doc.title,
                extraction.published or doc.published, doc.publisher, doc.url, doc.author,
                doc.text, key, doc.raw_sha256, doc.byte_length, doc.encoding,
                json.dumps(list(doc.normalisation)),
                json.dumps(list(doc.warnings) + list(extraction.warnings), ensure_ascii=False),
                json.dumps(list(extraction.agencies), ensure_ascii=False),
                extraction.extractor_version or EXTRACTOR_VERSION, run_id, now,
            ],
        )  # fmt: skip
        _add_source(db, doc, run_id, now)
        surnames = _store_speakers(db, extraction.statements)
        for record in records:
            _insert_statement(db, record)
        attach_surnames(db, surnames)  # with this document's statements counted
        _reapply_decisions(db)
        if previous:
            speaker_decisions.redirect_records(db, records)  # a reviewer's split is not a change in the new version
            old_rows = _rows(db, "SELECT * FROM statements WHERE document_id = ? AND current = 1", [previous[0]])
            link_reviews(db, old_rows, doc.text, records, run_id, "new-version")
        echoes.link_document(db, key)
        _mark_complete(db, key)
    return "stored"


def _add_source(db: Database, doc: Document, run_id: str | None, now: str) -> None:
    db.execute(
        "INSERT INTO document_sources (document_id, source, raw_sha256, run_id, first_seen_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id, source) DO NOTHING",
        [doc.sha256, doc.source or doc.id, doc.raw_sha256, run_id, now],
    )


def _mark_complete(db: Database, key: str) -> None:
    """Counts and the completion marker: always the last write for a document."""
    db.execute(
        "UPDATE documents SET"
        " n_statements = (SELECT count(*) FROM statements"
        "   WHERE document_id = :id AND current = 1 AND kind = 'statement'),"
        " n_claims = (SELECT count(*) FROM statements"
        "   WHERE document_id = :id AND current = 1 AND kind != 'statement'),"
        " complete = 1 WHERE id = :id",
        {"id": key},
    )


@dataclass
class ReextractOutcome:
    """What re-extracting one stored document changed."""

    document_id: str
    added: int = 0
    updated: int = 0
    retired: int = 0
    kept: int = 0
    linked: int = 0
    unmatched: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)


def apply_reextraction(db: Database, extraction: Extraction, run_id: str | None) -> ReextractOutcome:
    """Replace a stored document's derived statements with a new extraction.

    Statements the new extraction no longer produces are kept with ``current = 0``; reviews
    on them are linked to the new statement their anchor matches. Reviews are never written
    here; a reviewed statement whose speaker, type or content changes keeps its verdict and
    is logged in ``attribution_changes`` so it shows as needing re-review.
    """
    doc = extraction.document
    key = doc.sha256
    records = extraction_records(extraction, run_id)
    outcome = ReextractOutcome(key)
    with write_transaction(db, what=doc.source or key):
        stored = db.execute("SELECT text FROM documents WHERE id = ?", [key]).fetchone()
        if stored is None or stored[0] != doc.text:
            raise StoreError(f"document {key} is not stored with this text")
        old_rows = {row["id"]: row for row in _rows(db, "SELECT * FROM statements WHERE document_id = ?", [key])}
        surnames = _store_speakers(db, extraction.statements)
        attach_surnames(db, surnames)  # as they stand before the new version, for the decisions below
        _reapply_decisions(db)
        speaker_decisions.redirect_records(db, records)  # a reviewer's split is not a change made by extraction
        reviewed = _reviewed_ids(db, list(old_rows))
        now = utc_now()
        new_ids = set()
        for record in records:
            new_ids.add(record["id"])
            old = old_rows.get(record["id"])
            if old is None:
                _insert_statement(db, record)
                outcome.added += 1
            elif any(old[c] != record[c] for c in DERIVED_COLUMNS) or not old["current"]:
                if old["id"] in reviewed:  # the same id, but perhaps no longer the same attribution
                    record_attribution_changes(db, old, record, run_id, now)
                assignments = ", ".join(f"{c} = :{c}" for c in WRITTEN_COLUMNS if c != "id")
                db.execute(
                    f"UPDATE statements SET {assignments}, current = 1, retired_run_id = NULL WHERE id = :id",
                    record,
                )
                outcome.updated += 1
            else:
                outcome.kept += 1
        retired = [row for sid, row in old_rows.items() if sid not in new_ids and row["current"]]
        for row in retired:
            db.execute(
                "UPDATE statements SET current = 0, retired_run_id = ? WHERE id = ?",
                [run_id, row["id"]],
            )
        outcome.retired = len(retired)
        attach_surnames(db, surnames)  # with the new version's statements counted
        _reapply_decisions(db)
        outcome.linked, outcome.unmatched = link_reviews(db, retired, doc.text, records, run_id, "reextract")
        version = extraction.extractor_version or EXTRACTOR_VERSION
        db.execute(
            "UPDATE documents SET extractor_version = ?, agencies = ?, published = coalesce(?, published) WHERE id = ?",
            [
                version,
                json.dumps(list(extraction.agencies), ensure_ascii=False),
                extraction.published,
                key,
            ],
        )
        if outcome.changed:
            echoes.relink_document(db, key)
        _mark_complete(db, key)
    return outcome


def stored_document(row: dict[str, Any]) -> Document:
    """Rebuild the Document a stored row was made from (for re-extraction)."""
    return Document(
        id=row["external_id"] or row["id"],
        text=row["text"],
        source=row["source"],
        title=row["title"],
        published=row["published"],
        publisher=row["publisher"],
        url=row["url"],
        author=row["author"],
        encoding=row["encoding"] or "utf-8",
        raw_sha256=row["raw_sha256"],
        byte_length=row["byte_length"],
        normalisation=tuple(json.loads(row["normalisation"] or "[]")),
        sha256=row["text_sha256"],
    )


def add_source_row(db: Database, doc: Document, run_id: str | None) -> None:
    """One more file or line a stored text was read from, in its own transaction."""
    with write_transaction(db, what=doc.source or doc.id):
        if db.execute("SELECT 1 FROM documents WHERE id = ?", [doc.sha256]).fetchone():
            _add_source(db, doc, run_id, utc_now())


def write_failure(db: Database, error: sqlite3.OperationalError, what: str) -> StoreError | None:
    """The error a failed write of ``what`` must stop the whole run with (a lock held past the
    timeout, a full or broken disk, a read-only file: no later document can escape them), or
    None when only this document failed."""
    if is_busy(error):
        return busy_error(db, error, what)
    if is_fatal(error):
        return StoreError(f"database {getattr(db, 'path', '')}: {error}; nothing was written for {what}")
    return None


# --------------------------------------------------------------------------- verify, digest


def backup(db: Database, target: str | Path) -> int:
    """Copy the database to a new file ``target`` with SQLite's online backup: a consistent
    snapshot taken in one read transaction, so writers may go on and every document in the
    copy is complete. The copy is written beside the target and renamed into place, so the
    target appears whole or not at all. Returns the number of documents copied."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise BackupRefused(f"{target} already exists; choose a new file for the backup")
    if not target.parent.exists():
        raise BackupRefused(f"{target}: directory {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        db.conn.backup(copy)  # one step: the whole database under one read snapshot
        copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        documents = copy.execute("SELECT count(*) FROM documents").fetchone()[0]
        copy.close()
        os.replace(partial, target)
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    return int(documents)


def verify(db: Database, *, full: bool = True) -> list[str]:
    """Every problem found: integrity check, document hashes, span slices, counts."""
    problems: list[str] = []
    pragma = "integrity_check" if full else "quick_check"
    with read_transaction(db):
        results = [row[0] for row in db.execute(f"PRAGMA {pragma}").fetchall()]
        if results != ["ok"]:
            problems += [f"{pragma}: {result}" for result in results]
        for row in db.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign key: {row[0]} row {row[1]} -> {row[2]} missing")
        texts: dict[str, str] = {}
        for doc_id, source, text, text_sha, complete in db.execute(
            "SELECT id, source, text, text_sha256, complete FROM documents"
        ).fetchall():
            texts[doc_id] = text
            actual = sha256_text(text)
            if actual != text_sha or actual != doc_id:
                problems.append(f"document {doc_id} ({source}): text sha256 is {actual}, stored {text_sha}")
            if complete != 1:
                problems.append(f"document {doc_id} ({source}): not marked complete")
        span_columns = (
            ("content", "content_start", "content_end"),
            ("sentence", "sentence_start", "sentence_end"),
            ("cue", "cue_start", "cue_end"),
            ("speaker_mention", "speaker_start", "speaker_end"),
            ("said_expression", "said_start", "said_end"),
        )
        cursor = db.execute(
            "SELECT id, document_id, content, content_start, content_end, sentence,"
            " sentence_start, sentence_end, cue, cue_start, cue_end, speaker_mention,"
            " speaker_start, speaker_end, said_expression, said_start, said_end FROM statements"
        )
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            text = texts.get(row["document_id"])
            if text is None:
                problems.append(f"statement {row['id']}: document {row['document_id']} missing")
                continue
            for value, start, end in span_columns:
                if row[value] is None and row[start] is None:
                    continue
                if row[start] is None or text[row[start] : row[end]] != row[value]:
                    problems.append(
                        f"statement {row['id']} in document {row['document_id']}: {value} span"
                        f" [{row[start]}:{row[end]}] does not slice the stored text"
                    )
        for doc_id, n_statements, n_claims, actual_s, actual_c in db.execute(
            "SELECT d.id, d.n_statements, d.n_claims,"
            " (SELECT count(*) FROM statements s WHERE s.document_id = d.id AND s.current = 1"
            "  AND s.kind = 'statement'),"
            " (SELECT count(*) FROM statements s WHERE s.document_id = d.id AND s.current = 1"
            "  AND s.kind != 'statement') FROM documents d"
        ).fetchall():
            if (n_statements, n_claims) != (actual_s, actual_c):
                problems.append(
                    f"document {doc_id}: records {n_statements} statements / {n_claims} claims,"
                    f" holds {actual_s} / {actual_c}"
                )
    return problems


DIGEST_EXCLUDED = ("runs", "ingest_errors")


def digest(db: Database, *, exclude: Sequence[str] = DIGEST_EXCLUDED) -> str:
    """sha256 of a canonical ordered dump of every table (run ledger excluded)."""
    h = hashlib.sha256()
    with read_transaction(db):
        for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").fetchall():
            h.update(sql.encode("utf-8"))
        h.update(str(schema_version(db)).encode())
        for table in sorted(db.table_names()):
            if table in exclude or table.startswith("statements_fts") or table.startswith("sqlite_"):
                continue
            columns = [c.name for c in db[table].columns]
            if table == migrations.migrations_table:
                columns = [c for c in columns if c != "applied_at"]
            order = ", ".join(f"[{c}]" for c in columns)
            h.update(f"\x1e{table}\x1e".encode())
            for row in db.execute(f"SELECT {order} FROM [{table}] ORDER BY {order}"):
                h.update(json.dumps(row, ensure_ascii=False, default=str).encode("utf-8"))
    return h.hexdigest()


def review_digest(db: Database) -> str:
    """sha256 of every review row, byte for byte, in id order."""
    h = hashlib.sha256()
    for row in db.execute("SELECT id, statement_id, status, note, reviewer, created_at FROM reviews ORDER BY id"):
        h.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()
