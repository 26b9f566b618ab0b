"""Read models over the store: statement rows, speakers, search, unattributed claims.

Every user-supplied value is a bound parameter; SQL identifiers only ever come from the
constants in this module, so no value can change a query's shape. Each function runs in one read transaction.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypedDict, cast

from sqlite_utils import Database

from . import identity
from .errors import AttributionError, UnknownSpeaker, UnknownStatement
from .models import QuoteType, SpeakerKind, values
from .schema import ACTS, CLAIM_KINDS, REVIEW_STATUSES, STATEMENT_KINDS
from .transactions import fold, read_transaction

QUOTE_TYPES = values(QuoteType)
SPEAKER_KINDS = values(SpeakerKind)
KIND_VALUES = QUOTE_TYPES + STATEMENT_KINDS + SPEAKER_KINDS
# What --attributions chooses between: the speech a desk reviews, or every act stored.
ATTRIBUTIONS = ("speech", "all")
DATE = re.compile(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z")


class StableRow(TypedDict):
    """The keys of a statement row that every listing and export is made from: kept stable."""

    id: str
    document_id: str
    document_title: str | None
    source: str
    published: str | None  # YYYY[-MM[-DD]] as the article gives it
    kind: str  # statement, unattributed or unresolved
    type: str | None  # direct, indirect, mixed (a reviewer's correction first)
    speaker: str | None
    speaker_kind: str | None
    role: str | None
    organisation: str | None
    cue: str | None
    stance: str | None
    content: str
    content_start: int  # code-point offsets into the document text, end exclusive
    content_end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    rule: str
    score: float | None
    reasons: list[str]
    status: str  # the current review status (new when never reviewed)
    note: str | None


class StatementRow(StableRow):
    """One statement or claim as ``statement_rows`` gives it to the CLI, the exports and the
    review desk: the stable keys, then the extra provenance carried after them."""

    speaker_mention: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue_start: int | None
    cue_end: int | None
    resolution: str | None
    extractor_version: str
    document_sha256: str
    reviewer: str | None
    reviewed_at: str | None
    source_changed: bool  # a later version of the article was stored
    confidence: float | None
    act: str | None
    country: str | None
    speaker_id: str | None
    said_from: str | None
    said_to: str | None
    said_precision: str | None
    said_expression: str | None
    said_start: int | None
    said_end: int | None
    time_rule: str | None
    review_id: int | None
    needs_rereview: bool  # the verdict predates a change of who said it, or what
    url: str | None
    publisher: str | None
    extracted_speaker: str | None  # the extractor's own values, beside a reviewer's corrections
    extracted_speaker_kind: str | None
    extracted_role: str | None
    extracted_organisation: str | None
    extracted_type: str | None
    corrected: str  # the corrected fields, space-separated
    not_statement: bool
    correction_id: int | None


# The row's keys in the order CSV listings write them: the stable keys, then the extras.
ROW_KEYS: tuple[str, ...] = tuple(StableRow.__annotations__)
EXTRA_KEYS: tuple[str, ...] = tuple(key for key in StatementRow.__annotations__ if key not in ROW_KEYS)

# A reviewer's current corrections, one row per corrected statement (``cc``): corrections
# are few, so they are gathered (and a corrected speaker's row found) once per query rather
# than looked up field by field for every statement.
CORRECTIONS_JOIN = """
LEFT JOIN (
    SELECT statement_id,
        max(CASE WHEN field = 'speaker' THEN correction_id END) AS speaker_correction,
        max(CASE WHEN field = 'speaker' THEN value END) AS speaker_name,
        max(CASE WHEN field = 'speaker' THEN speaker_kind END) AS speaker_kind,
        max(CASE WHEN field = 'speaker' THEN role END) AS role,
        max(CASE WHEN field = 'speaker' THEN organisation END) AS organisation,
        max(CASE WHEN field = 'speaker' THEN coalesce(
            (SELECT x.id FROM speakers x WHERE x.id = k.speaker_id),
            (SELECT x.id FROM speakers x WHERE x.name = k.value AND x.kind = k.speaker_kind)) END) AS speaker_id,
        max(CASE WHEN field = 'type' THEN value END) AS type,
        max(CASE WHEN field = 'not_statement' THEN value END) AS not_statement,
        max(CASE WHEN field IN ('speaker', 'type') THEN created_at END) AS attribution_corrected_at,
        max(correction_id) AS correction_id
    FROM current_corrections k GROUP BY statement_id
) cc ON cc.statement_id = s.id"""

_SELECT = (
    """
SELECT
    s.id AS id,
    s.document_id AS document_id,
    d.title AS document_title,
    d.source AS source,
    d.published AS published,
    s.kind AS kind,
    coalesce(cc.type, s.type) AS type,
    CASE WHEN cc.speaker_correction IS NULL THEN sp.name ELSE coalesce(sp.name, cc.speaker_name) END AS speaker,
    CASE WHEN cc.speaker_correction IS NULL THEN sp.kind ELSE coalesce(sp.kind, cc.speaker_kind) END AS speaker_kind,
    CASE WHEN cc.speaker_correction IS NULL THEN s.role ELSE coalesce(cc.role, sp.role) END AS role,
    CASE WHEN cc.speaker_correction IS NULL THEN s.organisation
        ELSE coalesce(cc.organisation, sp.organisation) END AS organisation,
    s.cue AS cue,
    s.stance AS stance,
    s.content AS content,
    s.content_start AS content_start,
    s.content_end AS content_end,
    s.sentence AS sentence,
    s.sentence_start AS sentence_start,
    s.sentence_end AS sentence_end,
    s.rule AS rule,
    s.score AS score,
    s.reasons AS reasons,
    coalesce(cr.status, 'new') AS status,
    cr.note AS note,
    s.speaker_mention AS speaker_mention,
    s.speaker_start AS speaker_start,
    s.speaker_end AS speaker_end,
    s.cue_start AS cue_start,
    s.cue_end AS cue_end,
    s.resolution AS resolution,
    s.extractor_version AS extractor_version,
    d.text_sha256 AS document_sha256,
    cr.reviewer AS reviewer,
    cr.created_at AS reviewed_at,
    EXISTS (SELECT 1 FROM documents nd WHERE nd.previous_id = d.id) AS source_changed,
    s.confidence AS confidence,
    s.act AS act,
    s.said_from AS said_from,
    s.said_to AS said_to,
    s.said_precision AS said_precision,
    s.said_expression AS said_expression,
    s.said_start AS said_start,
    s.said_end AS said_end,
    s.time_rule AS time_rule,
    coalesce(s.country, sp.country) AS country,
    sp.id AS speaker_id,
    cr.review_id AS review_id,
    coalesce(changed.review_id >= cr.review_id, 0) OR coalesce(cc.attribution_corrected_at > cr.created_at, 0)
        AS needs_rereview,
    d.url AS url,
    d.publisher AS publisher,
    CASE WHEN cc.speaker_correction IS NULL THEN sp.name
        ELSE (SELECT x.name FROM speakers x WHERE x.id = coalesce(named.same_as, named.id)) END AS extracted_speaker,
    CASE WHEN cc.speaker_correction IS NULL THEN sp.kind
        ELSE (SELECT x.kind FROM speakers x WHERE x.id = coalesce(named.same_as, named.id)) END
        AS extracted_speaker_kind,
    s.role AS extracted_role,
    s.organisation AS extracted_organisation,
    s.type AS extracted_type,
    trim(CASE WHEN cc.speaker_correction IS NULL THEN '' ELSE 'speaker ' END
        || CASE WHEN cc.type IS NULL THEN '' ELSE 'type ' END
        || CASE WHEN cc.not_statement IS NULL THEN '' ELSE 'not_statement' END) AS corrected,
    coalesce(cc.not_statement = 'yes', 0) AS not_statement,
    cc.correction_id AS correction_id
FROM statements s
JOIN documents d ON d.id = s.document_id"""
    + CORRECTIONS_JOIN
    + """
LEFT JOIN speakers named ON named.id = s.speaker_id
LEFT JOIN speakers chosen ON chosen.id = cc.speaker_id
LEFT JOIN speakers sp ON sp.id = CASE WHEN cc.speaker_correction IS NULL
    THEN coalesce(named.same_as, named.id) ELSE coalesce(chosen.same_as, chosen.id) END
LEFT JOIN current_reviews cr ON cr.statement_id = s.id
LEFT JOIN (
    SELECT t.target_id, max(c.review_id) AS review_id
    FROM attribution_change_targets t JOIN attribution_changes c ON c.id = t.change_id
    GROUP BY t.target_id
) changed ON changed.target_id = s.id
"""
)
_ORDER = " ORDER BY coalesce(d.published, ''), d.source, d.id, s.content_start, s.content_end, s.id"
# NULL sorts below every date, so undated articles still come last, and the plain column lets
# SQLite walk the documents_published index instead of sorting every row before the LIMIT
_NEWEST = " ORDER BY d.published DESC, d.id DESC, s.content_start, s.content_end, s.id"
# Rows a reviewer has not marked "not a statement".
NOT_DISMISSED = "coalesce(cc.not_statement, 'no') != 'yes'"


def _finish(row: dict[str, Any]) -> StatementRow:
    row["reasons"] = json.loads(row["reasons"] or "[]")
    row["source_changed"] = bool(row["source_changed"])
    # a reviewer's corrections (space-separated field names) and "not a statement"
    row["not_statement"] = bool(row["not_statement"])
    row["correction_id"] = row["correction_id"] or None
    # the verdict was given before a re-extraction changed who said it, or what
    row["needs_rereview"] = bool(row["needs_rereview"])
    return cast(StatementRow, row)


def _fetch(db: Database, sql: str, params: list[Any]) -> list[StatementRow]:
    return [_finish(row) for row in db.query(sql, params)]


def lookup_keys(name: str) -> list[str]:
    """Keys a user's name may be stored under: as typed (folded), and as the identity rules
    read it for a person or an organisation, so any alias and any listed spelling finds it."""
    keys = {identity.fold(name), fold(name)}
    keys |= {identity.resolve(name, kind).key for kind in ("person", "organisation")}
    return sorted(k for k in keys if k)


def _identities_sql(keys: list[str]) -> tuple[str, list[Any]]:
    """Ids of the identities (after surname attachment) any of these keys names."""
    marks = ", ".join("?" for _ in keys)
    sql = (
        f"SELECT coalesce(x.same_as, x.id) FROM speakers x WHERE x.key IN ({marks})"
        f" OR x.id IN (SELECT speaker_id FROM speaker_aliases WHERE alias_key IN ({marks}))"
    )
    return sql, keys + keys


def _speaker_clause(speaker: str) -> tuple[str, list[Any]]:
    """The identity's statements. ``sp`` (the speaker after corrections) decides, but the
    candidates are found first through the statements' own speaker index, plus the few
    statements a reviewer gave another speaker, so a large corpus is never scanned."""
    sql, params = _identities_sql(lookup_keys(speaker))
    candidates = (
        "s.id IN (SELECT t.id FROM statements t WHERE t.speaker_id IN"
        f" (SELECT x.id FROM speakers x WHERE x.id IN ({sql}) OR x.same_as IN ({sql}))"
        " UNION SELECT statement_id FROM current_corrections WHERE field = 'speaker')"
    )
    return f"{candidates} AND sp.id IN ({sql})", params * 3


def _organisation_clause(organisation: str) -> tuple[str, list[Any]]:
    key = fold(organisation)
    sql, params = _identities_sql(lookup_keys(organisation))
    return (
        "(s.organisation IS NOT NULL AND s.organisation IN"
        " (SELECT name FROM organisations WHERE key = ?)"
        f" OR (sp.kind IN ('organisation', 'government', 'media') AND sp.id IN ({sql})))",
        [key, *params],
    )


def _acts_clause(attributions: str) -> tuple[str, list[Any]]:
    """speech: the desk's listing, statements of speech acts at or above the scorer's default
    confidence (claims are kept); all: every act."""
    from .scoring import default_threshold

    value = attributions.strip().lower()
    if value == "all":
        return "1", []
    if value == "speech":
        sure = "coalesce(s.confidence, 1) >= ?"
        return f"(s.kind != 'statement' OR (coalesce(s.act, 'speech') = 'speech' AND {sure}))", [default_threshold()]
    if value in ACTS:
        return "(s.kind != 'statement' OR s.act = ?)", [value]
    raise AttributionError(f"--attributions: choose one of {', '.join(ATTRIBUTIONS)}")


def _kind_clause(kind: str) -> tuple[str, list[Any]]:
    value = kind.strip().lower()
    if value in QUOTE_TYPES:
        return "coalesce(cc.type, s.type) = ?", [value]
    if value in STATEMENT_KINDS:
        return "s.kind = ?", [value]
    if value in SPEAKER_KINDS:
        return "sp.kind = ?", [value]
    return "0", []  # an unknown kind matches nothing


def statement_rows(
    db: Database,
    *,
    speaker: str | None = None,
    organisation: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    said_since: str | None = None,
    said_until: str | None = None,
    document: str | None = None,
    include_claims: bool = False,
    ids: list[str] | None = None,
    include_retired: bool = False,
    min_confidence: float = 0.0,
    attributions: str = "speech",
    include_not_statements: bool = False,
    speaker_id: str | None = None,
    outlet: str | None = None,
    act: str | None = None,
    max_confidence: float | None = None,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[StatementRow]:
    """Current statements (and optionally claims) matching every given filter.

    ``speaker`` matches a canonical name, surname or alias, case- and accent-insensitive;
    ``kind`` is a quote type (direct/indirect/mixed), a row kind (statement/unattributed/
    unresolved, which implies claims) or a speaker kind; ``since``/``until`` compare
    publication dates (YYYY, YYYY-MM or YYYY-MM-DD, inclusive); ``said_since``/``said_until``
    keep statements whose time of saying (timing.py) can fall in that window, a statement
    the text gives no time for counting as said on its publication date; ``document`` is a document
    id or unique prefix, its external id, or its source; ``min_confidence`` drops statements
    the learned pass was less sure of (claims carry no confidence and are kept);
    ``attributions`` is ``speech`` (said, wrote, according to: what a desk reviews) or
    ``all`` (also thought, intention, perception and other acts; all are stored). Speaker,
    type, role and organisation are a reviewer's corrections where there are any (the
    extractor's values stay in the ``extracted_*`` keys), and a statement a reviewer marked
    "not a statement" is left out unless ``include_not_statements``; ``speaker_id`` keeps one
    speaker identity's statements (corrected speaker included). ``outlet`` is a publisher (or,
    for a document without one, its source); ``act`` keeps statements of that act at any
    confidence (claims are kept); ``max_confidence`` keeps statements the learned
    pass was at most this sure of; ``newest_first`` lists the latest articles first (each in
    reading order) and ``limit`` stops after that many rows: what a review queue shows.
    """
    where: list[str] = []
    params: list[Any] = []
    if not include_retired:
        where.append("s.current = 1")
    if not include_not_statements:
        where.append(NOT_DISMISSED)
    if speaker_id is not None:
        where.append("sp.id = (SELECT coalesce(same_as, id) FROM speakers WHERE id = ?)")
        params.append(speaker_id)
    kind_value = (kind or "").strip().lower()
    if not include_claims and kind_value not in CLAIM_KINDS:
        where.append("s.kind = 'statement'")
    for value, builder in (
        (attributions, _acts_clause),
        (speaker, _speaker_clause),
        (organisation, _organisation_clause),
        (kind, _kind_clause),
    ):
        if value is not None:
            clause, args = builder(value)
            where.append(clause)
            params += args
    if min_confidence > 0:
        where.append("(s.kind != 'statement' OR coalesce(s.confidence, 1.0) >= ?)")
        params.append(min_confidence)
    if max_confidence is not None:
        where.append("(s.kind != 'statement' OR coalesce(s.confidence, 1.0) <= ?)")
        params.append(max_confidence)
    if outlet is not None:
        where.append("coalesce(d.publisher, d.source) = ?")
        params.append(outlet)
    if act is not None:
        where.append("(s.kind != 'statement' OR coalesce(s.act, 'speech') = ?)")
        params.append(act)
    if status is not None:
        where.append("coalesce(cr.status, 'new') = ?")
        params.append(status.strip().lower())
    if since is not None:
        where.append("d.published IS NOT NULL AND substr(d.published, 1, length(?)) >= ?")
        params += [since, since]
    if until is not None:
        where.append("d.published IS NOT NULL AND substr(d.published, 1, length(?)) <= ?")
        params += [until, until]
    # a time range reaches the window when its last day is not before it and its first day
    # not after it; a statement with no time in the text counts as said on publication
    if said_since is not None:
        where.append("substr(coalesce(s.said_to, d.published), 1, length(?)) >= ?")
        params += [said_since, said_since]
    if said_until is not None:
        where.append("substr(coalesce(s.said_from, s.said_to, d.published), 1, length(?)) <= ?")
        params += [said_until, said_until]
    if document is not None:
        where.append(
            "(d.id = ? OR (length(?) >= 6 AND substr(d.id, 1, length(?)) = ?) OR d.external_id = ? OR d.source = ?)"
        )
        params += [document] * 6
    if ids is not None:
        if not ids:
            return []
        where.append(f"s.id IN ({', '.join('?' for _ in ids)})")
        params += ids
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + (_NEWEST if newest_first else _ORDER)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, int(limit)))
    with read_transaction(db):
        return _fetch(db, sql, params)


def _most_common(column: str, acts: str) -> str:
    """The value of a statement column most statements of each identity give (ties: the
    alphabetically first), so a speaker's role does not depend on which article came first."""
    return f"""
    SELECT identity_id, {column} AS value FROM (
        SELECT m.identity_id, s.{column}, row_number() OVER (
            PARTITION BY m.identity_id ORDER BY count(*) DESC, s.{column}) AS position
        FROM said s CROSS JOIN member m ON m.member_id = s.speaker_id
        WHERE s.current = 1 AND s.kind = 'statement' AND s.{column} IS NOT NULL AND {acts}
        GROUP BY m.identity_id, s.{column})
    WHERE position = 1"""


# Statements as a reviewer left them, for counting per speaker: a corrected speaker (the
# role and affiliation the correction gives, none if it gives none), rows marked "not a
# statement" left out.
_SAID = (
    """
    SELECT s.id, s.document_id, s.kind, s.act, s.confidence, s.current, s.country,
        CASE WHEN cc.speaker_correction IS NULL THEN s.speaker_id ELSE cc.speaker_id END AS speaker_id,
        CASE WHEN cc.speaker_correction IS NULL THEN s.role ELSE cc.role END AS role,
        CASE WHEN cc.speaker_correction IS NULL THEN s.organisation ELSE cc.organisation END AS organisation
    FROM statements s"""
    + CORRECTIONS_JOIN
    + " WHERE "
    + NOT_DISMISSED
)


def speaker_rows(db: Database, *, attributions: str = "speech") -> list[dict[str, Any]]:
    """One row per speaker identity: kind, the role, organisation and country most of its
    statements give, every alias (with the bare surnames attached to it) and counts of
    current statements of the chosen acts, a reviewer's corrections applied."""
    acts, params = _acts_clause(attributions)
    sql = f"""
    WITH member AS (SELECT id AS member_id, coalesce(same_as, id) AS identity_id FROM speakers),
    said AS MATERIALIZED ({_SAID}),  -- once; CROSS JOIN below keeps it the outer loop
    counts AS (
        SELECT m.identity_id, sum(s.kind = 'statement') AS n_statements,
            count(DISTINCT s.document_id) AS n_documents
        FROM said s CROSS JOIN member m ON m.member_id = s.speaker_id
        WHERE s.current = 1 AND {acts} GROUP BY m.identity_id),
    roles AS ({_most_common("role", acts)}),
    organisations AS ({_most_common("organisation", acts)}),
    countries AS ({_most_common("country", acts)}),
    names AS (
        SELECT m.identity_id, a.alias, min(a.reason) AS reason
        FROM speaker_aliases a JOIN member m ON m.member_id = a.speaker_id
        GROUP BY m.identity_id, a.alias),
    alias_lists AS (
        SELECT names.identity_id, json_group_array(json_array(names.alias, names.reason)) AS pairs
        FROM (SELECT * FROM names ORDER BY alias) names
        JOIN speakers x ON x.id = names.identity_id
        WHERE names.alias != x.name GROUP BY names.identity_id)
    SELECT sp.id, sp.name, sp.kind,
        coalesce(roles.value, sp.role) AS role,
        coalesce(organisations.value, sp.organisation) AS organisation,
        coalesce(countries.value, sp.country) AS country,
        counts.n_statements, counts.n_documents, alias_lists.pairs AS alias_pairs
    FROM speakers sp
    JOIN counts ON counts.identity_id = sp.id
    LEFT JOIN roles ON roles.identity_id = sp.id
    LEFT JOIN organisations ON organisations.identity_id = sp.id
    LEFT JOIN countries ON countries.identity_id = sp.id
    LEFT JOIN alias_lists ON alias_lists.identity_id = sp.id
    WHERE sp.same_as IS NULL
    ORDER BY counts.n_statements DESC, sp.name, sp.kind
    """
    with read_transaction(db):
        rows = list(db.query(sql, params * 4))
    for row in rows:
        pairs = json.loads(row.pop("alias_pairs") or "[]")
        row["aliases"] = [alias for alias, _ in pairs]
        row["alias_reasons"] = {alias: reason for alias, reason in pairs}
    return [row for row in rows if row["n_statements"] or row["n_documents"]]


def find_speaker(db: Database, name: str) -> str:
    """The identity id a name means: any alias or listed spelling. A name several identities
    answer to (a surname shared by a family) must be given in full."""
    sql, params = _identities_sql(lookup_keys(name))
    found = sorted({row[0] for row in db.execute(sql, params).fetchall()})
    if len(found) > 1:  # the identity whose own key the name is wins over mere surname aliases
        keys = lookup_keys(name)
        exact = [
            sid for sid in found if db.execute("SELECT key FROM speakers WHERE id = ?", [sid]).fetchone()[0] in keys
        ]
        found = exact if len(exact) == 1 else found
    if len(found) > 1:  # then the one whose shown name is the name as typed (a split-off spelling)
        typed = [
            sid
            for sid in found
            if identity.fold(db.execute("SELECT name FROM speakers WHERE id = ?", [sid]).fetchone()[0])
            == identity.fold(name)
        ]
        found = typed if len(typed) == 1 else found
    if not found:
        raise UnknownSpeaker(f"no speaker is called {name!r} (see `attribution speakers`)")
    if len(found) > 1:
        names = [db.execute("SELECT name FROM speakers WHERE id = ?", [sid]).fetchone()[0] for sid in found]
        raise UnknownSpeaker(
            f"{name!r} names {len(found)} speakers ({'; '.join(sorted(names))}): give the full name or an id", found
        )
    return found[0]


def _outlet(row: dict[str, Any], publishers: dict[str, str | None]) -> str:
    publisher = publishers.get(row["document_id"])
    if publisher:
        return publisher
    return row["source"] or row["document_id"][:12]


def speaker_profile(db: Database, name: str, *, attributions: str = "speech") -> dict[str, Any]:
    """One speaker across the corpus: every current statement, the documents and outlets they
    come from, first and last publication date, and every role and affiliation given."""
    with read_transaction(db):
        sid = find_speaker(db, name)
        speaker = next((r for r in speaker_rows(db, attributions="all") if r["id"] == sid), None)
        if speaker is None:  # known, but nothing current is attributed to it
            raise UnknownSpeaker(f"{name!r} has no current statements")
        decisions = decisions_for(db, sid) if "speaker_decisions" in db.table_names() else []
        where, params = _acts_clause(attributions)
        sql = _SELECT + f" WHERE s.current = 1 AND s.kind = 'statement' AND sp.id = ? AND {where}"
        sql += f" AND {NOT_DISMISSED}" + _ORDER
        rows = _fetch(db, sql, [sid, *params])
        ids = sorted({r["document_id"] for r in rows})
        publishers = {
            doc_id: publisher
            for doc_id, publisher in db.execute(
                f"SELECT id, publisher FROM documents WHERE id IN ({', '.join('?' for _ in ids)})", ids
            ).fetchall()
        }
    dates = sorted(r["published"] for r in rows if r["published"])

    def distinct(values: list[str | None]) -> list[str]:
        return sorted({v for v in values if v})

    return {
        **speaker,
        "n_statements": len(rows),
        "n_documents": len(ids),
        "outlets": distinct([_outlet(r, publishers) for r in rows]),
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "roles": distinct([r["role"] for r in rows] + [speaker["role"]]),
        "affiliations": distinct([r["organisation"] for r in rows] + [speaker["organisation"]]),
        "countries": distinct([r["country"] for r in rows]),
        "attributions": attributions,
        "decisions": decisions,
        "statements": rows,
    }


def fts_query(query: str) -> str:
    """Quote every whitespace-separated term so any user string is a valid FTS5 query."""
    terms = [term for term in query.replace("\x00", " ").split() if term.strip('"')]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def search(db: Database, query: str, *, limit: int | None = None, attributions: str = "speech") -> list[StatementRow]:
    """Current statements and claims whose content or sentence holds every term, best first."""
    match = fts_query(query)
    if not match:
        return []
    with read_transaction(db):
        ranked = [
            row[0]
            for row in db.execute(
                "SELECT s.id FROM statements_fts f JOIN statements s ON s.rowid = f.rowid"
                " WHERE statements_fts MATCH ? AND s.current = 1 ORDER BY f.rank, s.id",
                [match],
            ).fetchall()
        ]
        if limit is not None:
            ranked = ranked[: max(0, limit)]
        found = statement_rows(db, ids=ranked, include_claims=True, attributions=attributions)
        rows = {row["id"]: row for row in found}
    return [rows[sid] for sid in ranked if sid in rows]


def unattributed_rows(db: Database, min_score: float = 0.0) -> list[StatementRow]:
    """Current unattributed / unresolved claims scoring at least ``min_score``, best first."""
    rows = [
        row
        for row in statement_rows(db, include_claims=True)
        if row["kind"] in CLAIM_KINDS and (row["score"] or 0.0) >= min_score
    ]
    rows.sort(key=lambda r: (-(r["score"] or 0.0), r["document_id"], r["content_start"]))
    return rows


def orphaned_reviews(db: Database) -> list[dict[str, Any]]:
    """Reviews whose statement no re-extraction kept and no anchor matched (never deleted)."""
    sql = """
    SELECT r.id AS review_id, r.statement_id, r.status, r.note, r.reviewer, r.created_at,
        s.content, s.document_id, d.source
    FROM orphaned_reviews r
    JOIN statements s ON s.id = r.statement_id
    JOIN documents d ON d.id = s.document_id
    ORDER BY r.id
    """
    with read_transaction(db):
        return list(db.query(sql))


def orphaned_review_count(db: Database) -> int:
    """How many reviews are orphaned (``verify`` notes that they are kept)."""
    with read_transaction(db):
        return int(db.execute("SELECT count(*) FROM orphaned_reviews").fetchone()[0])


def is_current(db: Database, statement_id: str) -> bool | None:
    """Whether a re-extraction still produces this statement; None when no statement has the id."""
    with read_transaction(db):
        row = db.execute("SELECT current FROM statements WHERE id = ?", [statement_id]).fetchone()
    return None if row is None else bool(row[0])


# How many candidates an ambiguous id prefix lists before counting the rest.
MAX_CANDIDATES = 10
# Shorter prefixes never select a statement on their own: a mistyped digit would review the
# wrong one.
MIN_PREFIX = 4


def _candidate_line(db: Database, sid: str) -> str:
    row = db.execute(
        "SELECT s.current, coalesce(sp.name, s.speaker_name), s.content FROM statements s"
        " LEFT JOIN speakers sp ON sp.id = s.speaker_id WHERE s.id = ?",
        [sid],
    ).fetchone()
    current, speaker, content = row
    text = " ".join((content or "").split())
    text = text[:60] + ("..." if len(text) > 60 else "")
    retired = "" if current else " (replaced by a re-extraction)"
    return f"{sid}{retired}: {speaker or '(no speaker)'}: {text}"


def resolve_statement_id(db: Database, prefix: str) -> str:
    """The full statement id for an id or a unique prefix of at least four characters.

    An ambiguous prefix names its candidates, so the user can pick one instead of guessing
    why nothing matched.
    """
    value = prefix.strip()
    row = db.execute("SELECT id FROM statements WHERE id = ?", [value]).fetchone()
    if row:
        return str(row[0])
    if not value:
        raise UnknownStatement("no statement id given")
    matches = [
        str(r[0])
        for r in db.execute(
            "SELECT id FROM statements WHERE substr(id, 1, length(?)) = ? ORDER BY current DESC, id LIMIT ?",
            [value, value, MAX_CANDIDATES + 1],
        ).fetchall()
    ]
    if not matches:
        raise UnknownStatement(f"no statement with id {value!r}")
    if len(matches) == 1 and len(value) >= MIN_PREFIX:
        return matches[0]
    if len(matches) == 1:
        reason = f"statement id prefix {value!r} is too short (give at least {MIN_PREFIX} characters); it matches"
    else:
        count_sql = "SELECT count(*) FROM statements WHERE substr(id, 1, length(?)) = ?"
        total = int(db.execute(count_sql, [value, value]).fetchone()[0])
        reason = f"statement id prefix {value!r} is ambiguous: {total} statements match; give more of it"
    lines = [_candidate_line(db, sid) for sid in matches[:MAX_CANDIDATES]]
    if len(matches) > MAX_CANDIDATES:
        lines.append(f"... and {total - MAX_CANDIDATES} more")
    # one line: the CLI prints error messages on a single escaped line
    raise UnknownStatement(reason + ": " + "; ".join(lines))


def valid_status(status: str) -> bool:
    return status in REVIEW_STATUSES


def valid_date(value: str) -> bool:
    return bool(DATE.match(value))


# --------------------------------------------------------------------------- speaker decisions, as read

DECISION_ID_FIELDS = ("speaker", "into", "member", "new_speaker")  # the subjects that name a speaker row


def identity_members(db: Database, sid: str) -> list[str]:
    """The rows that make up an identity: itself and those linked to it."""
    return [r[0] for r in db.execute("SELECT id FROM speakers WHERE id = ? OR same_as = ? ORDER BY id", [sid, sid])]


def decision_row(
    did: int | None, action: str, subjects: str, reviewer: str | None, note: str | None, at: str
) -> dict[str, Any]:
    parsed = json.loads(subjects)
    return {"id": did, "action": action, "subjects": parsed, "summary": decision_summary(action, parsed),
            "reviewer": reviewer, "note": note, "decided_at": at}  # fmt: skip


def decision_summary(action: str, s: dict[str, Any]) -> str:
    """One line for a decision, from the names it was made on (so it never changes)."""
    if action == "merge":
        return f"merged {s['speaker_name']} into {s['into_name']}"
    if action == "rename":
        return f"renamed {s['old_name']} to {s['name']}"
    if action == "alias_add":
        return f"added alias {s['alias']} to {s['speaker_name']}"
    if action == "alias_remove":
        return f"removed alias {s['alias']} from {s['speaker_name']}"
    return f"split {s['alias']} from {s['speaker_name']}"


def decisions_for(db: Database, sid: str) -> list[dict[str, Any]]:
    """Every decision about this identity or any row that is part of it, oldest first."""
    ids = set(identity_members(db, sid)) | {sid}
    found = []
    for did, action, subjects, reviewer, note, at in db.execute(
        "SELECT id, action, subjects, reviewer, note, decided_at FROM speaker_decisions ORDER BY id"
    ).fetchall():
        parsed = json.loads(subjects)
        if ids & {parsed.get(f) for f in DECISION_ID_FIELDS}:
            found.append(decision_row(did, action, subjects, reviewer, note, at))
    return found
