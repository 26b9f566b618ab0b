"""Database schema as an ordered list of ``sqlite_utils.Migrations``.

Each migration runs inside the caller's ``BEGIN IMMEDIATE`` transaction (see
``store.migrate``), together with its ``_sqlite_migrations`` record and the bump of
``PRAGMA user_version``; a killed migration therefore leaves the previous schema intact.

Tables (derived data is owned by extraction; human work lives only in ``reviews``):

documents          one row per distinct normalised text; ``id`` is sha256(text) (doc_key)
document_sources   every source (path, JSONL line, URL) a document was read from
organisations      organisation names credited as affiliations
speakers           one row per speaker identity (see identity.py): ``key`` is the identity key,
                   ``same_as`` links a bare surname to the one person of that surname
speaker_aliases    every name of an identity with its lookup key and the reason it belongs
registry           bookkeeping: the digest of the identity rules the speaker rows were made with
runs               the run ledger: one row per ingest/reextract invocation
statements         every stored span; ``kind`` = statement | unattributed | unresolved;
                   ``current`` = 0 once a re-extraction no longer produces the row;
                   ``said_from``/``said_to`` when a statement was said (see timing.py)
statement_links    re-anchoring: reviews of ``from_id`` carry over to ``to_id``
ingest_errors      append-only log of rejected / skipped / failed inputs
reviews            append-only review history; triggers forbid UPDATE and DELETE
review_targets     view: each review with every statement it applies to (via links)
current_reviews    view: the latest status and note per statement
orphaned_reviews   view: reviews that apply to no current statement
attribution_changes append-only: a reviewed statement's speaker/type/content changed by extraction
needs_rereview     view: current statements whose verdict predates such a change
speaker_decisions  append-only: a reviewer's merge, split, rename or alias of speakers, re-applied
                   in order after every registry rebuild, ingest and re-extraction
corrections        append-only: a reviewer's correction of a statement's speaker or type, or
                   "not a statement"; current_corrections (view) holds the latest per field
statements_fts     FTS5 over statements.content and statements.sentence (triggers)
speech_statements  view: current rows a desk reviews by default (speech acts and claims)
echo_statements    echoes.py: a statement's normalised words and said days; echo_shingles its word
                   shingles (candidate index); echo_links same | contains | variant between articles;
                   echo_recent the postings not yet merged into echo_shingles (by statement number)
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from .models import Act, ClaimKind, ReviewStatus, values

# The vocabularies of the CHECK constraints below come from the enums of models.py. A value
# added to an enum reaches a new database's CHECK list; an existing database needs a migration.
REVIEW_STATUSES: tuple[str, ...] = values(ReviewStatus)
CLAIM_KINDS: tuple[str, ...] = values(ClaimKind)
STATEMENT_KINDS: tuple[str, ...] = ("statement", *CLAIM_KINDS)
ACTS: tuple[str, ...] = values(Act)
RUN_STATUSES: tuple[str, ...] = (
    "running",
    "completed",
    "completed_with_errors",
    "aborted",
    "interrupted",
)

migrations = Migrations("attribution")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


CORE_SQL = f"""
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    external_id TEXT,
    source TEXT NOT NULL,
    version_key TEXT,
    previous_id TEXT REFERENCES documents(id) ON DELETE RESTRICT,
    title TEXT,
    published TEXT,
    publisher TEXT,
    url TEXT,
    author TEXT,
    text TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    raw_sha256 TEXT,
    byte_length INTEGER,
    encoding TEXT,
    normalisation TEXT NOT NULL DEFAULT '[]',
    warnings TEXT NOT NULL DEFAULT '[]',
    agencies TEXT NOT NULL DEFAULT '[]',
    extractor_version TEXT NOT NULL,
    run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT,
    ingested_at TEXT NOT NULL,
    n_statements INTEGER,
    n_claims INTEGER,
    complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1))
);
CREATE INDEX documents_version_key ON documents(version_key);
CREATE INDEX documents_published ON documents(published);

CREATE TABLE document_sources (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE RESTRICT,
    source TEXT NOT NULL,
    raw_sha256 TEXT,
    run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (document_id, source)
);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL
);
CREATE INDEX organisations_key ON organisations(key);

CREATE TABLE speakers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT,
    organisation TEXT,
    organisation_id TEXT REFERENCES organisations(id) ON DELETE RESTRICT,
    UNIQUE (name, kind)
);

CREATE TABLE speaker_aliases (
    speaker_id TEXT NOT NULL REFERENCES speakers(id) ON DELETE RESTRICT,
    alias TEXT NOT NULL,
    alias_key TEXT NOT NULL,
    PRIMARY KEY (speaker_id, alias)
);
CREATE INDEX speaker_aliases_key ON speaker_aliases(alias_key);

CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    tool_version TEXT,
    model TEXT,
    model_version TEXT,
    spacy_version TEXT,
    pid INTEGER,
    host TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL CHECK (status IN ({_sql_list(RUN_STATUSES)})),
    n_inputs INTEGER NOT NULL DEFAULT 0,
    n_stored INTEGER NOT NULL DEFAULT 0,
    n_unchanged INTEGER NOT NULL DEFAULT 0,
    n_skipped INTEGER NOT NULL DEFAULT 0,
    n_rejected INTEGER NOT NULL DEFAULT 0,
    n_failed INTEGER NOT NULL DEFAULT 0,
    n_statements INTEGER NOT NULL DEFAULT 0,
    n_claims INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE statements (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ({_sql_list(STATEMENT_KINDS)})),
    type TEXT,
    content TEXT NOT NULL,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    speaker_id TEXT REFERENCES speakers(id) ON DELETE RESTRICT,
    speaker_mention TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    role TEXT,
    organisation TEXT,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    stance TEXT,
    sentence TEXT,
    sentence_start INTEGER,
    sentence_end INTEGER,
    rule TEXT,
    resolution TEXT,
    confidence REAL,
    score REAL,
    reasons TEXT NOT NULL DEFAULT '[]',
    anchor_prefix TEXT NOT NULL,
    anchor_suffix TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT,
    extracted_at TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),
    retired_run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT
);
CREATE INDEX statements_document ON statements(document_id, current);
CREATE INDEX statements_speaker ON statements(speaker_id);
CREATE INDEX statements_kind ON statements(kind, current);

CREATE TABLE statement_links (
    from_id TEXT NOT NULL REFERENCES statements(id) ON DELETE RESTRICT,
    to_id TEXT NOT NULL REFERENCES statements(id) ON DELETE RESTRICT,
    method TEXT NOT NULL,
    score REAL NOT NULL,
    run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX statement_links_to ON statement_links(to_id);

CREATE TABLE ingest_errors (
    id INTEGER PRIMARY KEY,
    run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT,
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('rejected', 'skipped', 'failed')),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE RESTRICT,
    status TEXT NOT NULL CHECK (status IN ({_sql_list(REVIEW_STATUSES)})),
    note TEXT,
    reviewer TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX reviews_statement ON reviews(statement_id);

CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only: DELETE is not allowed'); END;
CREATE TRIGGER ingest_errors_no_update BEFORE UPDATE ON ingest_errors
BEGIN SELECT RAISE(ABORT, 'ingest_errors is append-only'); END;
CREATE TRIGGER ingest_errors_no_delete BEFORE DELETE ON ingest_errors
BEGIN SELECT RAISE(ABORT, 'ingest_errors is append-only'); END;
CREATE TRIGGER statements_no_delete_reviewed BEFORE DELETE ON statements
WHEN EXISTS (SELECT 1 FROM reviews WHERE statement_id = old.id)
  OR EXISTS (SELECT 1 FROM statement_links WHERE from_id = old.id OR to_id = old.id)
BEGIN SELECT RAISE(ABORT, 'statement has reviews or review links; it cannot be deleted'); END;
CREATE TRIGGER statement_links_no_delete BEFORE DELETE ON statement_links
BEGIN SELECT RAISE(ABORT, 'statement_links carry reviews; DELETE is not allowed'); END;

CREATE VIEW review_targets AS
WITH RECURSIVE chain(review_id, target_id) AS (
    SELECT id, statement_id FROM reviews
    UNION
    SELECT chain.review_id, statement_links.to_id
    FROM chain JOIN statement_links ON statement_links.from_id = chain.target_id
)
SELECT review_id, target_id FROM chain;

CREATE VIEW current_reviews AS
SELECT statement_id, review_id, reviewed_statement_id, status, note, reviewer, created_at
FROM (
    SELECT
        review_targets.target_id AS statement_id,
        reviews.id AS review_id,
        reviews.statement_id AS reviewed_statement_id,
        reviews.status AS status,
        first_value(reviews.note) OVER (
            PARTITION BY review_targets.target_id
            ORDER BY reviews.note IS NULL, reviews.id DESC
        ) AS note,
        reviews.reviewer AS reviewer,
        reviews.created_at AS created_at,
        row_number() OVER (
            PARTITION BY review_targets.target_id ORDER BY reviews.id DESC
        ) AS position
    FROM review_targets JOIN reviews ON reviews.id = review_targets.review_id
)
WHERE position = 1;

CREATE VIEW orphaned_reviews AS
SELECT reviews.* FROM reviews
WHERE NOT EXISTS (
    SELECT 1 FROM review_targets
    JOIN statements ON statements.id = review_targets.target_id
    WHERE review_targets.review_id = reviews.id AND statements.current = 1
);
"""


@migrations()
def m001_core(db: Database) -> None:
    """Documents, speakers, statements, runs, append-only reviews and their views."""
    db.executescript(CORE_SQL)


@migrations()
def m002_fts(db: Database) -> None:
    """Full-text search over statement content and sentence, kept current by triggers."""
    db["statements"].enable_fts(["content", "sentence"], create_triggers=True)


@migrations()
def m003_documents_previous(db: Database) -> None:
    """Index the link to a document's earlier version: every statement query asks whether
    its document has a newer version, which without it scans all documents per row."""
    db.execute("CREATE INDEX documents_previous ON documents(previous_id)")


ACTS_SQL = f"""
ALTER TABLE statements ADD COLUMN act TEXT CHECK (act IS NULL OR act IN ({_sql_list(ACTS)}));
ALTER TABLE statements ADD COLUMN country TEXT;
ALTER TABLE statements ADD COLUMN speaker_name TEXT;
ALTER TABLE statements ADD COLUMN speaker_kind TEXT;
UPDATE statements SET
    act = 'speech',
    speaker_name = (SELECT name FROM speakers WHERE speakers.id = statements.speaker_id),
    speaker_kind = (SELECT kind FROM speakers WHERE speakers.id = statements.speaker_id)
WHERE kind = 'statement';
CREATE INDEX statements_act ON statements(act);

ALTER TABLE speakers ADD COLUMN key TEXT;
ALTER TABLE speakers ADD COLUMN surname TEXT;
ALTER TABLE speakers ADD COLUMN country TEXT;
ALTER TABLE speakers ADD COLUMN same_as TEXT REFERENCES speakers(id) ON DELETE RESTRICT;
CREATE INDEX speakers_key ON speakers(key);
CREATE INDEX speakers_surname ON speakers(surname);
ALTER TABLE speaker_aliases ADD COLUMN reason TEXT NOT NULL DEFAULT 'name';

CREATE TABLE registry (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE VIEW speech_statements AS
SELECT * FROM statements WHERE current = 1 AND (kind != 'statement' OR act = 'speech');
"""


@migrations()
def m004_acts_and_speaker_registry(db: Database) -> None:
    """Each statement's act (older rows were all speech) and country, the name extraction gave
    its speaker (so identities can be rebuilt from it), and the speaker registry columns. The
    speaker rows themselves are re-keyed by ``store.migrate`` right after, in the same
    transaction, because that needs the identity rules rather than SQL."""
    for statement in ACTS_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


TIME_SQL = """
ALTER TABLE statements ADD COLUMN said_from TEXT;
ALTER TABLE statements ADD COLUMN said_to TEXT;
ALTER TABLE statements ADD COLUMN said_precision TEXT;
ALTER TABLE statements ADD COLUMN said_expression TEXT;
ALTER TABLE statements ADD COLUMN said_start INTEGER;
ALTER TABLE statements ADD COLUMN said_end INTEGER;
ALTER TABLE statements ADD COLUMN time_rule TEXT
"""


@migrations()
def m005_statement_time(db: Database) -> None:
    """When each statement was said (timing.py): a date range, its precision, and the words
    and span that say so. Older rows keep NULL until a re-extraction fills them in."""
    for statement in TIME_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


ATTRIBUTION_CHANGES_SQL = """
CREATE TABLE attribution_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE RESTRICT,
    from_statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE RESTRICT,
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE RESTRICT,
    field TEXT NOT NULL CHECK (field IN ('speaker', 'type', 'content', 'kind')),
    old_value TEXT,
    new_value TEXT,
    run_id TEXT REFERENCES runs(id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL
);
CREATE INDEX attribution_changes_statement ON attribution_changes(statement_id);
CREATE TRIGGER attribution_changes_no_update BEFORE UPDATE ON attribution_changes
BEGIN SELECT RAISE(ABORT, 'attribution_changes is append-only: UPDATE is not allowed'); END;
CREATE TRIGGER attribution_changes_no_delete BEFORE DELETE ON attribution_changes
BEGIN SELECT RAISE(ABORT, 'attribution_changes is append-only: DELETE is not allowed'); END;
CREATE VIEW attribution_change_targets AS
WITH RECURSIVE chain(change_id, target_id) AS (
    SELECT id, statement_id FROM attribution_changes
    UNION
    SELECT chain.change_id, statement_links.to_id
    FROM chain JOIN statement_links ON statement_links.from_id = chain.target_id
)
SELECT change_id, target_id FROM chain;
CREATE VIEW needs_rereview AS
SELECT t.target_id AS statement_id, cr.review_id, cr.status, cr.reviewer, cr.created_at AS reviewed_at,
    count(*) AS n_changes, group_concat(c.field || ': ' || coalesce(c.old_value, '(none)') || ' -> '
        || coalesce(c.new_value, '(none)'), '; ') AS changes
FROM attribution_change_targets t
JOIN attribution_changes c ON c.id = t.change_id
JOIN current_reviews cr ON cr.statement_id = t.target_id
JOIN statements s ON s.id = t.target_id AND s.current = 1
WHERE c.review_id >= cr.review_id
GROUP BY t.target_id
"""


@migrations()
def m006_attribution_changes(db: Database) -> None:
    """An append-only log of reviewed statements whose speaker, type, kind or content a
    re-extraction (or a new version of the article) changed under their verdict, with the
    old and new values and the review then in force. A statement needs re-review while no
    review newer than that one applies to it (the ``needs_rereview`` view)."""
    for statement in ATTRIBUTION_CHANGES_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


SPEAKER_ACTIONS: tuple[str, ...] = ("merge", "split", "rename", "alias_add", "alias_remove")

SPEAKER_DECISIONS_SQL = f"""
CREATE TABLE speaker_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action TEXT NOT NULL CHECK (action IN ({_sql_list(SPEAKER_ACTIONS)})),
    subjects TEXT NOT NULL,
    reviewer TEXT,
    note TEXT,
    decided_at TEXT NOT NULL
);
CREATE TRIGGER speaker_decisions_no_update BEFORE UPDATE ON speaker_decisions
BEGIN SELECT RAISE(ABORT, 'speaker_decisions are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER speaker_decisions_no_delete BEFORE DELETE ON speaker_decisions
BEGIN SELECT RAISE(ABORT, 'speaker_decisions are append-only: DELETE is not allowed'); END
"""


@migrations()
def m007_speaker_decisions(db: Database) -> None:
    """Reviewer decisions about speakers (merge, split, rename, alias add/remove), kept like
    reviews: never changed or deleted, and ``subjects`` (JSON) holds the speaker ids and names
    they were made on so ``speaker_decisions.reapply`` can redo them on rebuilt rows."""
    for statement in SPEAKER_DECISIONS_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


CORRECTION_FIELDS: tuple[str, ...] = ("speaker", "type", "not_statement")

CORRECTIONS_SQL = f"""
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE RESTRICT,
    field TEXT NOT NULL CHECK (field IN ({_sql_list(CORRECTION_FIELDS)})),
    value TEXT,
    speaker_id TEXT,
    speaker_kind TEXT,
    role TEXT,
    organisation TEXT,
    original TEXT,
    note TEXT,
    reviewer TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX corrections_statement ON corrections(statement_id);
CREATE TRIGGER corrections_no_update BEFORE UPDATE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only: DELETE is not allowed'); END;
CREATE VIEW correction_targets AS
WITH RECURSIVE chain(correction_id, target_id) AS (
    SELECT id, statement_id FROM corrections
    UNION
    SELECT chain.correction_id, statement_links.to_id
    FROM chain JOIN statement_links ON statement_links.from_id = chain.target_id
)
SELECT correction_id, target_id FROM chain;
CREATE VIEW current_corrections AS
SELECT statement_id, correction_id, field, value, speaker_id, speaker_kind, role, organisation,
    original, note, reviewer, created_at
FROM (
    SELECT correction_targets.target_id AS statement_id, corrections.id AS correction_id,
        corrections.field, corrections.value, corrections.speaker_id, corrections.speaker_kind,
        corrections.role, corrections.organisation, corrections.original, corrections.note,
        corrections.reviewer, corrections.created_at,
        row_number() OVER (
            PARTITION BY correction_targets.target_id, corrections.field ORDER BY corrections.id DESC
        ) AS position
    FROM correction_targets JOIN corrections ON corrections.id = correction_targets.correction_id
)
WHERE position = 1
"""


@migrations()
def m008_corrections(db: Database) -> None:
    """A reviewer's corrections of what extraction got wrong: a statement's speaker, its quote
    type, or that it is not a statement at all. Append-only like reviews; the latest per field
    applies, to the statement and (through ``statement_links``) to whatever re-extraction
    re-anchored it to. The speaker is kept by id and by name and kind, because speaker rows
    are rebuilt and a newly named speaker has no row."""
    for statement in CORRECTIONS_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


ECHOES_SQL = """
CREATE TABLE echo_statements (
    n INTEGER PRIMARY KEY,
    statement_id TEXT NOT NULL UNIQUE REFERENCES statements(id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    article TEXT,
    words TEXT NOT NULL,
    said_first TEXT,
    said_last TEXT
);
CREATE INDEX echo_statements_document ON echo_statements(document_id);
CREATE TABLE echo_shingles (
    shingle INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (shingle, n)
) WITHOUT ROWID;
CREATE TABLE echo_links (
    first_id TEXT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    second_id TEXT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('same', 'contains', 'variant')),
    score REAL NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
);
CREATE INDEX echo_links_second ON echo_links(second_id)
"""


@migrations()
def m009_echoes(db: Database) -> None:
    """Echoes (echoes.py): each current statement's normalised words and the days it was said
    in, its word shingles (the candidate index: one row per shingle and statement, by the
    statement's number ``n`` to keep the index small), and the
    links found between statements of different articles. Derived data, rebuilt per document
    by ingest and re-extraction; a database migrated with statements in it gets them indexed
    by ``store.migrate`` right after."""
    for statement in ECHOES_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


ECHO_RECENT_SQL = """
CREATE TABLE echo_recent (
    n INTEGER NOT NULL,
    shingle INTEGER NOT NULL,
    PRIMARY KEY (n, shingle)
) WITHOUT ROWID;
CREATE TABLE echo_recent_token (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL
)
"""


@migrations()
def m010_echo_recent(db: Database) -> None:
    """Recent echo postings (echoes.py): the postings of the statements indexed since the last
    merge, keyed by statement number so that each new statement's rows append, merged into
    ``echo_shingles`` in shingle order in bulk; the token changes with every change to them (a
    connection's in-memory copy is read again when it differs). Starts empty: every posting of a
    database before it is in ``echo_shingles`` already."""
    for statement in ECHO_RECENT_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


SCHEMA_VERSION = len(migrations._migrations)
