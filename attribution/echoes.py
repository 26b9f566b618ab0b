"""Echoes: one remark reported by several documents, in the same or altered words.

Two outlets rarely print a quote identically: one prints curly apostrophes and the other
straight ones, one quotes a sentence and the other half of it, one drops or changes a word.
A statement is reduced to its normalised words (``echo_words``) and stored under a winnowed
sample of its word shingles (``indexed_shingles``); candidates are the stored statements
sharing one of its shingles (one batched query reading the latest few statements of each shingle:
a stock phrase costs no more than a rare one, so linking one statement costs about the same however
large the corpus is); each candidate is checked by alignment
(``link_kind``) and within a window of days (``within_window``), and a link counts only
between compatible speakers (``compatible_speakers``):

same      the same words after normalising
contains  one is an excerpt of the other
variant   the same remark with words changed, added or dropped (the word difference is kept);
          a variant of a direct quote is a misquote candidate

Links are stored per pair; groups are the connected statements, built when read (so a
retired statement simply drops out) and never joining two different resolved speakers.

A new statement's postings first go to ``echo_recent``, keyed by statement number so they
append (rows keyed by shingle would each dirty a page of their own once the index is large,
and every dirty page is written at each document's commit); each connection keeps them in
memory as well, and they are merged into ``echo_shingles`` in shingle order once they hold a
set share of the corpus (``merge_due``), so that a merge writes each index page once.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel
from sqlite_utils import Database
from unidecode import unidecode

LINK_KINDS: tuple[str, ...] = ("same", "contains", "variant")
SHINGLE_WORDS = 3  # a changed word in a short quote still leaves shingles on either side of it
MIN_WORDS = 4  # shorter quotes ("fake news", "rigged") are shared by everyone: never linked
SHORT_WORDS = 6  # below this, a shared phrase is a slogan as often as one remark ("make America great
# again", "boots on the ground"): such a link needs one resolved speaker on both sides
VARIANT_SCORE = 0.80  # share of matched words in a variant's aligned stretch
MIN_MATCHED_WORDS = 6  # a variant matches at least this many words of the other, in order
OVERLAP_WORDS = 8  # two overlapping excerpts share at least this many words, word for word
COVERAGE = 0.5  # the aligned stretch holds at least this share of the shorter statement's words
VARIANT_COVERAGE = 0.7  # and, for a variant, at least this share (a stock phrase is a stretch too)
GAP_WORDS = 4  # more unmatched words in a row than this end an aligned stretch
WINDOW_DAYS = 180  # two reports of one remark: outlets re-quote a remark months later (bench/echoes)
WINNOW = 2  # shingles per winnowing window (see indexed_shingles)
POSTING_CAP = 4  # statements read per shingle, the latest: a stock phrase ("going to be") costs no more than
# this, and a report meets the latest reports of its remark, themselves linked to the earlier ones (bench/echoes:
# of 100,000 statements the latest 8 made 16,251 links, the latest 4 16,232; at a million, where most shingles
# hold more than 4, the candidate query reads half the rows and takes a fifth less time)
CANDIDATE_CAP = 20  # candidates verified per statement, those sharing most shingles first
LINK_CAP = 8  # links made per statement: a group needs one path, not every pair of its reports
MISS_CAP = 4  # candidates aligned in vain per statement: a report's echo shares more shingles than the chance
# look-alikes a large corpus holds, so it comes first (bench/echoes: of 100,000 statements, 1.5 alignments a
# statement instead of 2.5, for 0.3% fewer links)
FEW_SHINGLES = 10  # a statement with more shingles than this needs two shared ones for a candidate
MERGE_SHARE = 1 / 32  # recent postings are merged into the index when their statements reach this share of all
MERGE_MIN = 500  # and at least this many statements (see merge_due)

_BRACKETED = re.compile(r"\[[^\]]*\]")
_POSSESSIVE = re.compile(r"(?<=\w)'s?\b|(?<=s)'(?!\w)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class WordChange:
    """One difference between two reports: ``old`` words became ``new`` ones (either empty)."""

    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return {"old": self.old, "new": self.new}

    def render(self) -> str:
        if not self.old:
            return f"+{self.new}"
        if not self.new:
            return f"-{self.old}"
        return f"{self.old} -> {self.new}"


@dataclass(frozen=True)
class Link:
    """How two reports relate: ``kind`` (same | contains | variant), the alignment score and,
    for a variant, the word changes from the first report to the second."""

    kind: str
    score: float
    changes: tuple[WordChange, ...] = ()


# --------------------------------------------------------------------------- normalising


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: Unicode folded by unidecode (curly
    quotes and apostrophes become straight, dashes hyphens, accents go); an editor's insertion
    in brackets dropped ("not Bill [Clinton]"); a possessive dropped ("ISIS's" and "ISIS'" are
    both "isis"); an apostrophe inside a word dropped ("don't" and "don’t" are both "dont");
    every other mark a word break."""
    folded = unidecode(unicodedata.normalize("NFKC", text)).replace("`", "'")
    folded = _BRACKETED.sub(" ", folded)
    folded = _POSSESSIVE.sub("", folded)
    folded = _APOSTROPHE.sub("", folded).lower()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def words(text: str) -> tuple[str, ...]:
    return tuple(normalise(text).split())


_QUOTED = re.compile(
    "|".join(
        (
            "\u201c([^\u201c\u201d]*)\u201d",  # “curly”
            '"([^"]*)"',  # "straight"
            "''(.*?)''",  # ''doubled single'' (as some archives print double quotes)
            "\u2018([^\u2018\u2019]*)\u2019(?!\\w)",  # ‘single’, not an apostrophe
            "\u00ab([^\u00bb]*)\u00bb",  # «guillemets»
        )
    )
)


def echo_words(text: str) -> tuple[str, ...]:
    """The words a statement is linked by: what it quotes when it quotes at least
    ``MIN_WORDS`` words (a mixed quote's paraphrase is the reporter's, not the speaker's, and
    two outlets paraphrase differently), else all its words."""
    quoted = [next(group for group in match.groups() if group is not None) for match in _QUOTED.finditer(text)]
    inner = words(" ".join(quoted))
    return inner if len(inner) >= MIN_WORDS else words(text)


def shingle_hash(shingle: Sequence[str]) -> int:
    """A signed 64-bit key (what SQLite stores as an INTEGER) for a run of words."""
    digest = hashlib.blake2b(" ".join(shingle).encode("ascii"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@lru_cache(maxsize=64)
def _hashes(tokens: tuple[str, ...]) -> tuple[int, ...]:
    """The shingle hashes in order, kept for the last few statements: a statement is looked up
    by all of them and stored under some of them, one after the other."""
    if len(tokens) < MIN_WORDS:
        return ()
    return tuple(shingle_hash(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1))


def shingles(tokens: Sequence[str]) -> set[int]:
    """Every run of ``SHINGLE_WORDS`` consecutive words, hashed (what a statement looks up);
    none below ``MIN_WORDS``."""
    return set(_hashes(tuple(tokens)))


def indexed_shingles(tokens: Sequence[str]) -> set[int]:
    """The shingles a statement is stored under: the smallest hash of every ``WINNOW``
    consecutive shingles (winnowing). Two statements sharing a run of ``WINNOW`` shingles
    (``WINNOW + SHINGLE_WORDS - 1`` words) always share one of them, and a statement writes
    about 2 / (WINNOW + 1) of its shingles: index writes, the costly part, are fewer. A short
    statement (``FEW_SHINGLES`` or fewer) keeps them all, so a longer one quoting it meets two."""
    hashes = _hashes(tuple(tokens))
    if len(hashes) <= FEW_SHINGLES:
        return set(hashes)
    return {min(hashes[i : i + WINNOW]) for i in range(len(hashes) - WINNOW + 1)}


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class _Stretch:
    """The densest aligned part of two word sequences: where it starts and ends in each, the
    words it matches and the opcodes inside it."""

    first: tuple[int, int]
    second: tuple[int, int]
    matched: int
    ops: tuple[Any, ...]

    @property
    def score(self) -> float:
        size = (self.first[1] - self.first[0]) + (self.second[1] - self.second[0])
        return 2 * self.matched / size if size else 0.0


def _stretches(first: Sequence[str], second: Sequence[str]) -> list[_Stretch]:
    """Runs of the word alignment (longest common subsequence) broken wherever more than
    ``GAP_WORDS`` words in a row are unmatched, trimmed to their matched ends: two excerpts of
    one passage align in one stretch, while a stock phrase two remarks share is a stretch of its own."""
    runs: list[list[Any]] = [[]]
    for op in Indel.opcodes(list(first), list(second)):
        if op.tag != "equal" and max(op.src_end - op.src_start, op.dest_end - op.dest_start) > GAP_WORDS:
            runs.append([])
        else:
            runs[-1].append(op)
    stretches = []
    for run in runs:
        equal = [i for i, op in enumerate(run) if op.tag == "equal"]
        if not equal:
            continue
        ops = run[equal[0] : equal[-1] + 1]
        matched = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
        stretches.append(
            _Stretch((ops[0].src_start, ops[-1].src_end), (ops[0].dest_start, ops[-1].dest_end), matched, tuple(ops))
        )
    return stretches


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    return f" {' '.join(shorter)} " in f" {' '.join(longer)} "


def _shared_words(shorter: Sequence[str], longer: Sequence[str]) -> int:
    """Words of the shorter statement that occur in the longer one: no alignment matches more,
    so a pair below the coverage here is rejected without aligning it."""
    present = set(longer)
    return sum(word in present for word in shorter)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def word_changes(old: Sequence[str], new: Sequence[str], ops: Iterable[Any] | None = None) -> tuple[WordChange, ...]:
    """The word-level difference as runs of replaced, added and dropped words (a dropped run
    right before an added one is one replacement)."""
    changes: list[WordChange] = []
    previous_end: tuple[int, int] | None = None
    for op in ops if ops is not None else Indel.opcodes(list(old), list(new)):
        if op.tag == "equal":
            previous_end = None
            continue
        change = WordChange(" ".join(old[op.src_start : op.src_end]), " ".join(new[op.dest_start : op.dest_end]))
        if previous_end == (op.src_start, op.dest_start) and changes:
            last = changes.pop()
            change = WordChange(_join(last.old, change.old), _join(last.new, change.new))
        changes.append(change)
        previous_end = (op.src_end, op.dest_end)
    return tuple(changes)


def link_kind(first: Sequence[str], second: Sequence[str]) -> Link | None:
    """How two normalised word sequences relate, or None when they are not one remark.

    ``contains`` also covers two excerpts of one passage that overlap, word for word, over at
    least ``OVERLAP_WORDS`` words (neither changed the other's words). A ``variant`` has
    words changed inside its best-aligned stretch, which must match at least
    ``VARIANT_SCORE`` of its words and ``MIN_MATCHED_WORDS`` words; its changes read from
    ``first`` to ``second`` over that stretch only (an excerpt's cut is not a change).
    """
    if len(first) < MIN_WORDS or len(second) < MIN_WORDS:
        return None
    if tuple(first) == tuple(second):
        return Link("same", 1.0)
    shorter, longer = (second, first) if len(first) > len(second) else (first, second)
    if _contains(longer, shorter):
        return Link("contains", 1.0)
    if _shared_words(shorter, longer) < COVERAGE * len(shorter):
        return None  # no alignment can match enough words: most candidates met through stock phrases
    stretches = _stretches(first, second)
    if not stretches:
        return None
    best = max(stretches, key=lambda stretch: (stretch.matched, stretch.score))
    if best.matched < COVERAGE * len(shorter):
        return None  # a stock phrase ("president of the United States") inside two remarks
    changed = any(op.tag != "equal" for op in best.ops)
    if not changed:
        return Link("contains", 1.0) if best.matched >= OVERLAP_WORDS else None
    if best.matched < MIN_MATCHED_WORDS or best.score < VARIANT_SCORE:
        return None
    if best.matched < VARIANT_COVERAGE * len(shorter):
        return None
    return Link("variant", round(best.score, 4), word_changes(first, second, best.ops))


# --------------------------------------------------------------------------- compatibility


def compatible_speakers(first: str | None, second: str | None, *, short: bool = False) -> bool:
    """The same speaker identity, or one of them unknown (no speaker, or an unnamed source
    that another outlet may well have named); for a ``short`` link (fewer than ``SHORT_WORDS``
    words in the shorter statement) only the same resolved identity."""
    if short:
        return first is not None and first == second
    return first is None or second is None or first == second


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def said_range(said_from: str | None, said_to: str | None, published: str | None) -> tuple[str | None, str | None]:
    """The days a statement was said in: its stated range, else its publication day."""
    last = said_to or published
    first = said_from or last
    return (first[:10] if first else None, last[:10] if last else None)


def within_window(
    first: tuple[str | None, str | None], second: tuple[str | None, str | None], days: int = WINDOW_DAYS
) -> bool:
    """True when the two day ranges are at most ``days`` apart (an undated one is never out)."""
    a_from, a_to = _day(first[0]), _day(first[1])
    b_from, b_to = _day(second[0]), _day(second[1])
    if None in (a_from, a_to, b_from, b_to):
        return True
    gap = max((b_from - a_to).days, (a_from - b_to).days, 0)  # type: ignore[operator]
    return gap <= days


# --------------------------------------------------------------------------- the store

# Statements worth linking: attributed ones and those whose speaker was not found (not the
# reporter's own claims).
LINKED_KINDS: tuple[str, ...] = ("statement", "unresolved")
_CHUNK = 400  # shingles looked up per query (a compound query holds at most 500 parts)


def indexed(db: Database) -> bool:
    """Whether the database has the echo tables (a database before their migrations has not)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'echo_recent_token'").fetchone() is not None


@dataclass
class _Recent:
    """The recent postings of one connection, read into memory: shingle -> statement numbers
    (ascending), as of ``token`` (see ``_recent``)."""

    conn: Any
    token: str | None
    postings: dict[int, list[int]]
    statements: set[int]


_RECENT: dict[int, _Recent] = {}  # by id() of the connection (each entry holds its connection)
_RECENT_CONNECTIONS = 8  # connections remembered (a test or a server may open several)


def _stored_token(db: Database) -> str | None:
    row = db.execute("SELECT token FROM echo_recent_token WHERE id = 1").fetchone()
    return row[0] if row else None


def _recent(db: Database) -> _Recent:
    """This connection's copy of ``echo_recent``, read again whenever the stored token differs
    from the one it was read or last written at: another connection wrote, or a transaction of
    this one was rolled back (its token with it). Every change to ``echo_recent`` writes a new
    token in the same transaction (``_changed``), so a matching token means a matching copy."""
    recent = _RECENT.get(id(db.conn))
    token = _stored_token(db)
    if recent is not None and recent.conn is db.conn and recent.token is not None and recent.token == token:
        return recent
    postings: dict[int, list[int]] = {}
    for number, key in db.execute("SELECT n, shingle FROM echo_recent ORDER BY n, shingle"):
        postings.setdefault(key, []).append(number)
    statements = {number for numbers in postings.values() for number in numbers}
    recent = _Recent(db.conn, token, postings, statements)
    _RECENT.pop(id(db.conn), None)
    _RECENT[id(db.conn)] = recent
    while len(_RECENT) > _RECENT_CONNECTIONS:
        _RECENT.pop(next(iter(_RECENT)))
    return recent


def _changing(recent: _Recent) -> None:
    """Before the copy and the table change: a failure from here on leaves a copy that is read again."""
    recent.token = None


def _changed(db: Database, recent: _Recent) -> None:
    """After the copy and the table changed alike: a new token, stored and remembered."""
    token = uuid.uuid4().hex
    db.execute(
        "INSERT INTO echo_recent_token (id, token) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET token = excluded.token",
        [token],
    )
    recent.token = token


def _store_postings(db: Database, number: int, keys: Sequence[int], recent: _Recent) -> None:
    """A statement's postings go to ``echo_recent``, keyed by statement number first: a new
    statement's rows land at the end of that table, on the page the last statement wrote, where
    rows keyed by shingle would each dirty a page of their own once the index is large."""
    db.conn.executemany(
        "INSERT INTO echo_recent (n, shingle) VALUES (?, ?) ON CONFLICT DO NOTHING", [(number, key) for key in keys]
    )
    for key in keys:
        recent.postings.setdefault(key, []).append(number)
    recent.statements.add(number)


def merge_due(recent_statements: int, last_number: int) -> bool:
    """Recent postings are merged into ``echo_shingles`` once they hold ``MERGE_SHARE`` of the
    indexed statements (and at least ``MERGE_MIN``): a merge writes postings in shingle order, so
    each leaf page of the index is written once for all the postings it receives, and a merge
    growing with the corpus keeps that a few page writes per statement however large it is."""
    return recent_statements >= max(MERGE_MIN, last_number * MERGE_SHARE)


def _merge(db: Database, recent: _Recent) -> None:
    """Move every recent posting into ``echo_shingles``, in shingle order."""
    _changing(recent)
    db.execute(
        "INSERT OR IGNORE INTO echo_shingles (shingle, n) SELECT shingle, n FROM echo_recent ORDER BY shingle, n"
    )
    db.execute("DELETE FROM echo_recent")
    recent.postings.clear()
    recent.statements.clear()
    _changed(db, recent)


_LATEST = "SELECT n FROM (SELECT n FROM echo_shingles WHERE shingle = ? ORDER BY n DESC LIMIT ?)"
_LATEST_BATCH = 8  # shingles per query are padded to a multiple of this, so a few query texts serve every statement


@lru_cache(maxsize=16)
def _shared_sql(keys: int) -> str:
    """Statements among the latest postings of ``keys`` shingles, each with how many of them it
    is stored under: the index is keyed by (shingle, n), so each shingle is one short range read
    newest first however many statements share it, and the counting is done in SQLite."""
    parts = " UNION ALL ".join([_LATEST] * keys)
    return f"SELECT n, count(*) FROM ({parts}) GROUP BY n HAVING count(*) >= ?"


def _shared(db: Database, keys: Sequence[int], recent: _Recent, needed: int) -> Counter[int]:
    """For each statement among the latest ``POSTING_CAP`` of any of these shingles, the shingles
    it shares with them: the recent postings first (all later than the merged ones), then
    ``echo_shingles`` for what they leave of each shingle's cap. A statement's postings are all
    recent or all merged, so its count comes from one side only."""
    shared: Counter[int] = Counter()
    wanted: list[tuple[int, int]] = []
    for key in keys:
        later = recent.postings.get(key, ())
        shared.update(later[: -POSTING_CAP - 1 : -1])  # the newest
        if len(later) < POSTING_CAP:
            wanted.append((key, POSTING_CAP - len(later)))
    shared = Counter({other: count for other, count in shared.items() if count >= needed})
    least = needed if len(wanted) <= _CHUNK else 1  # counts split over several queries are summed
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        chunk += [(None, 0)] * (-len(chunk) % _LATEST_BATCH)  # "shingle = NULL" matches nothing
        params = [value for pair in chunk for value in pair]
        shared.update(dict(db.execute(_shared_sql(len(chunk)), [*params, least]).fetchall()))
    return shared


def _candidates(db: Database, keys: Sequence[int], recent: _Recent) -> list[int]:
    """Statements sharing the most shingles with this one (two, for a statement of more than
    ``FEW_SHINGLES``: one shared phrase of a long remark is as likely a stock one), at most
    ``CANDIDATE_CAP`` of them."""
    needed = 1 if len(keys) <= FEW_SHINGLES else 2
    shared = _shared(db, keys, recent, needed)
    ranked = sorted((item for item in shared.items() if item[1] >= needed), key=lambda item: (-item[1], item[0]))
    return [other for other, _ in ranked[:CANDIDATE_CAP]]


def _link_one(db: Database, row: dict[str, Any], recent: _Recent) -> int:
    """Index one statement and link it to the stored statements it echoes; returns the links."""
    tokens = echo_words(row["content"])
    keys = sorted(shingles(tokens))
    if not keys:
        return 0
    said = said_range(row["said_from"], row["said_to"], row["published"])
    _forget_statement(db, row["id"], recent)
    number = db.execute(
        "INSERT INTO echo_statements (statement_id, document_id, article, words, said_first, said_last)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [row["id"], row["document_id"], row["article"], " ".join(tokens), said[0], said[1]],
    ).lastrowid
    candidates = _candidates(db, keys, recent)
    _store_postings(db, number, sorted(indexed_shingles(tokens)), recent)
    if not candidates:
        return 0
    marks = ", ".join("?" for _ in candidates)
    found = 0
    rows = {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT n, statement_id, document_id, article, words, said_first, said_last FROM echo_statements"
            f" WHERE n IN ({marks})",
            candidates,
        )
    }
    misses = 0
    for other in (rows[n] for n in candidates if n in rows):  # most shared shingles first
        if found >= LINK_CAP or misses >= MISS_CAP:
            break
        other_id, document_id, article, other_words, first, last = other
        if document_id == row["document_id"] or (article is not None and article == row["article"]):
            continue  # the same article, or another version of it
        if not within_window(said, (first, last)):
            continue
        pair = sorted([(row["id"], tokens), (other_id, tuple(other_words.split()))])
        link = link_kind(pair[0][1], pair[1][1])
        if link is None:
            misses += 1
            continue
        db.execute(
            "INSERT INTO echo_links (first_id, second_id, kind, score, changes) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (first_id, second_id) DO UPDATE SET kind = excluded.kind, score = excluded.score,"
            " changes = excluded.changes",
            [
                pair[0][0],
                pair[1][0],
                link.kind,
                link.score,
                json.dumps([c.as_dict() for c in link.changes], ensure_ascii=False),
            ],
        )
        found += 1
    return found


def link_document(db: Database, document_id: str) -> int:
    """Index a stored document's current statements and link them to the rest of the corpus:
    the incremental step run where a document's statements are written (inside that write
    transaction). Returns the number of links made."""
    if not indexed(db):
        return 0
    marks = ", ".join("?" for _ in LINKED_KINDS)
    cursor = db.execute(
        "SELECT s.id, s.document_id, s.content, s.said_from, s.said_to, d.published, d.version_key AS article"
        " FROM statements s JOIN documents d ON d.id = s.document_id"
        f" WHERE s.document_id = ? AND s.current = 1 AND s.kind IN ({marks}) ORDER BY s.id",
        [document_id, *LINKED_KINDS],
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        return 0
    recent = _recent(db)
    _changing(recent)
    found = sum(_link_one(db, row, recent) for row in rows)
    _changed(db, recent)
    last = db.execute("SELECT max(n) FROM echo_statements").fetchone()[0] or 0
    if merge_due(len(recent.statements), last):
        _merge(db, recent)
    return found


def _forget(db: Database, rows: Iterable[Sequence[Any]], recent: _Recent) -> None:
    for number, statement_id, text in rows:
        if number in recent.statements:
            db.execute("DELETE FROM echo_recent WHERE n = ?", [number])
            for key in indexed_shingles(tuple(text.split())):
                numbers = recent.postings.get(key, [])
                if number in numbers:
                    numbers.remove(number)
            recent.statements.discard(number)
        else:
            db.conn.executemany(
                "DELETE FROM echo_shingles WHERE shingle = ? AND n = ?",
                [(key, number) for key in indexed_shingles(tuple(text.split()))],
            )
        db.execute("DELETE FROM echo_links WHERE first_id = ? OR second_id = ?", [statement_id, statement_id])
        db.execute("DELETE FROM echo_statements WHERE n = ?", [number])


def _forget_statement(db: Database, statement_id: str, recent: _Recent) -> None:
    rows = db.execute("SELECT n, statement_id, words FROM echo_statements WHERE statement_id = ?", [statement_id])
    _forget(db, rows.fetchall(), recent)


def forget_document(db: Database, document_id: str) -> None:
    """Drop a document's statements from the echo index, with every link they are part of."""
    if not indexed(db):
        return
    rows = db.execute("SELECT n, statement_id, words FROM echo_statements WHERE document_id = ?", [document_id])
    rows = rows.fetchall()
    if not rows:
        return
    recent = _recent(db)
    _changing(recent)
    _forget(db, rows, recent)
    _changed(db, recent)


def relink_document(db: Database, document_id: str) -> int:
    """After a re-extraction: the document's retired statements leave the index, its current
    ones are linked afresh (their words or dates may have changed)."""
    forget_document(db, document_id)
    return link_document(db, document_id)


def rebuild(db: Database) -> int:
    """Index every stored document from scratch, oldest publication first."""
    db.execute("DELETE FROM echo_links")
    db.execute("DELETE FROM echo_shingles")
    recent = _recent(db)
    _changing(recent)
    db.execute("DELETE FROM echo_recent")
    recent.postings.clear()
    recent.statements.clear()
    _changed(db, recent)
    db.execute("DELETE FROM echo_statements")
    documents = db.execute("SELECT id FROM documents ORDER BY coalesce(published, ''), id").fetchall()
    return sum(link_document(db, row[0]) for row in documents)


# --------------------------------------------------------------------------- groups

_KIND_RANK = {kind: rank for rank, kind in enumerate(LINK_KINDS)}
_WORD_COUNT = "length({0}.words) - length(replace({0}.words, ' ', '')) + 1"
_LINKS_SQL = (
    "SELECT l.first_id, l.second_id, l.kind, l.score, l.changes,"
    f" min({_WORD_COUNT.format('ea')}, {_WORD_COUNT.format('eb')}) AS shorter FROM echo_links l"
    " JOIN statements a ON a.id = l.first_id AND a.current = 1"
    " JOIN statements b ON b.id = l.second_id AND b.current = 1"
    " JOIN echo_statements ea ON ea.statement_id = l.first_id"
    " JOIN echo_statements eb ON eb.statement_id = l.second_id"
    # an article replaced by a newer version is not listed (its statements stay, for reviews)
    " WHERE NOT EXISTS (SELECT 1 FROM documents nd WHERE nd.previous_id IN (a.document_id, b.document_id))"
)
_MEMBERS_SQL = """
SELECT s.id, s.document_id, s.content, s.type, s.kind, d.published, coalesce(d.publisher, d.source) AS outlet,
    sp.id AS speaker_id, sp.name AS speaker, sp.kind AS speaker_kind
FROM statements s
JOIN documents d ON d.id = s.document_id
LEFT JOIN speakers named ON named.id = s.speaker_id
LEFT JOIN speakers sp ON sp.id = coalesce(named.same_as, named.id)
WHERE s.id IN ({marks})
"""


@dataclass(frozen=True)
class _Edge:
    first: str
    second: str
    kind: str
    score: float
    changes: tuple[WordChange, ...]
    shorter: int  # words in the shorter statement

    def other(self, node: str) -> str:
        return self.second if node == self.first else self.first

    def changes_towards(self, node: str) -> tuple[WordChange, ...]:
        """The changes read from the other end to ``node`` (stored from first to second)."""
        if node == self.second:
            return self.changes
        return tuple(WordChange(change.new, change.old) for change in self.changes)


def _edges(rows: Iterable[Sequence[Any]]) -> list[_Edge]:
    return [
        _Edge(first, second, kind, score, tuple(WordChange(c["old"], c["new"]) for c in json.loads(changes)), shorter)
        for first, second, kind, score, changes, shorter in rows
    ]


def _members(db: Database, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    members: dict[str, dict[str, Any]] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        cursor = db.execute(_MEMBERS_SQL.format(marks=", ".join("?" for _ in chunk)), chunk)
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            members[row[0]] = dict(zip(names, row, strict=True))
    return members


def speaker_identity(member: dict[str, Any]) -> str | None:
    """The identity a statement is linked under: none for an unresolved statement or an
    unnamed source ("officials", "a spokesman"), which may be anybody."""
    if member["kind"] != "statement" or member["speaker_kind"] == "unnamed":
        return None
    return member["speaker_id"]


def _components(edges: Sequence[_Edge], members: dict[str, dict[str, Any]]) -> list[tuple[list[str], list[_Edge]]]:
    """Connected statements, joining the surest links first and never two components whose
    resolved speakers differ (an unresolved statement cannot bridge two speakers)."""
    parent: dict[str, str] = {}
    identity: dict[str, str | None] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    accepted: list[_Edge] = []
    for edge in sorted(edges, key=lambda e: (_KIND_RANK[e.kind], -e.score, e.first, e.second)):
        if edge.first not in members or edge.second not in members:
            continue
        a, b = speaker_identity(members[edge.first]), speaker_identity(members[edge.second])
        if not compatible_speakers(a, b, short=edge.shorter < SHORT_WORDS):
            continue
        for node, value in ((edge.first, a), (edge.second, b)):
            if node not in parent:
                identity[find(node)] = value
        root_a, root_b = find(edge.first), find(edge.second)
        if root_a != root_b:
            if not compatible_speakers(identity[root_a], identity[root_b]):
                continue
            parent[root_b] = root_a
            identity[root_a] = identity[root_a] or identity[root_b]
        accepted.append(edge)
    groups: dict[str, tuple[list[str], list[_Edge]]] = {}
    for node in parent:
        groups.setdefault(find(node), ([], []))[0].append(node)
    for edge in accepted:
        groups[find(edge.first)][1].append(edge)
    return list(groups.values())


def _first_key(member: dict[str, Any]) -> tuple[str, str]:
    return (member["published"] or "9999", member["id"])


def _group(nodes: list[str], edges: list[_Edge], members: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One group as listed: its first appearance (earliest publication) and every statement
    with how it is linked there: through 'same' links only, through excerpts, or through a
    changed word somewhere on the way (a variant; of a direct quote, a misquote candidate)."""
    first = min(nodes, key=lambda node: _first_key(members[node]))
    reached: dict[str, tuple[str, str | None, tuple[WordChange, ...]]] = {first: ("same", None, ())}
    for rank, kind in enumerate(LINK_KINDS):
        around: dict[str, list[_Edge]] = {}
        for edge in edges:
            if _KIND_RANK[edge.kind] <= rank:
                around.setdefault(edge.first, []).append(edge)
                around.setdefault(edge.second, []).append(edge)
        frontier = sorted(reached)
        while frontier:
            node = frontier.pop(0)
            for edge in around.get(node, ()):
                other = edge.other(node)
                if other not in reached:
                    changes = edge.changes_towards(other) if edge.kind == "variant" else ()
                    reached[other] = (kind, node, changes)
                    frontier.append(other)
    statements = []
    for node in sorted(nodes, key=lambda n: _first_key(members[n])):
        member = members[node]
        link, linked_to, changes = reached[node]
        statements.append(
            {
                "id": node,
                "document_id": member["document_id"],
                "content": member["content"],
                "published": member["published"],
                "outlet": member["outlet"],
                "speaker": member["speaker"],
                "type": member["type"],
                "link": link,
                "first": node == first,
                "linked_to": linked_to,
                "changes": [change.as_dict() for change in changes],
                "misquote_candidate": link == "variant" and member["type"] == "direct",
            }
        )
    head = members[first]
    speakers = [members[n]["speaker"] for n in nodes if speaker_identity(members[n]) is not None]
    return {
        "id": first,
        "speaker": speakers[0] if speakers else head["speaker"],
        "first_appearance": {
            "statement_id": first,
            "document_id": head["document_id"],
            "published": head["published"],
            "outlet": head["outlet"],
        },
        "outlets": sorted({m["outlet"] for m in (members[n] for n in nodes) if m["outlet"]}),
        "n_statements": len(nodes),
        "has_variants": any(s["link"] == "variant" for s in statements),
        "misquote_candidates": sum(s["misquote_candidate"] for s in statements),
        "statements": statements,
    }


def _groups_of(db: Database, edges: list[_Edge]) -> list[dict[str, Any]]:
    members = _members(db, [node for edge in edges for node in (edge.first, edge.second)])
    groups = [_group(nodes, kept, members) for nodes, kept in _components(edges, members) if kept]
    return sorted(groups, key=lambda g: (g["first_appearance"]["published"] or "9999", g["id"]))


def echo_groups(db: Database, *, speaker: str | None = None, variants_only: bool = False) -> list[dict[str, Any]]:
    """Every group of current statements reporting one remark, earliest first appearance
    first; ``speaker`` keeps groups with a statement of that speaker (any name or alias),
    ``variants_only`` those where some report changed the words."""
    from .transactions import read_transaction

    if not indexed(db):
        return []
    with read_transaction(db):
        groups = _groups_of(db, _edges(db.execute(_LINKS_SQL).fetchall()))
        if speaker is not None:
            from .queries import _identities_sql, lookup_keys

            sql, params = _identities_sql(lookup_keys(speaker))
            wanted = {row[0] for row in db.execute(sql, params)}
            members = _members(db, [s["id"] for g in groups for s in g["statements"]])
            groups = [
                g
                for g in groups
                if any(speaker_identity(members[s["id"]]) in wanted for s in g["statements"] if s["id"] in members)
            ]
    if variants_only:
        groups = [g for g in groups if g["has_variants"]]
    return groups


def echoes_of(db: Database, statement_id: str) -> dict[str, Any] | None:
    """The echo group a statement belongs to (the same shape as one ``echo_groups`` entry),
    or None: read from its links outward, so it costs the size of its group."""
    from .transactions import read_transaction

    if not indexed(db):
        return None
    with read_transaction(db):
        seen, frontier, rows = {statement_id}, [statement_id], {}
        while frontier:
            node = frontier.pop()
            for row in db.execute(_LINKS_SQL + " AND (l.first_id = ? OR l.second_id = ?)", [node, node]):
                rows[(row[0], row[1])] = row
                for other in row[:2]:
                    if other not in seen:
                        seen.add(other)
                        frontier.append(other)
        for group in _groups_of(db, _edges(rows.values())):
            if any(s["id"] == statement_id for s in group["statements"]):
                return group
    return None


def group_index(db: Database) -> dict[str, dict[str, Any]]:
    """Each grouped statement's group in brief (what a statement listing carries): the group
    id, how this statement is linked, the group's size and outlets."""
    index = {}
    for group in echo_groups(db):
        for statement in group["statements"]:
            index[statement["id"]] = {
                "id": group["id"],
                "link": statement["link"],
                "first": statement["first"],
                "misquote_candidate": statement["misquote_candidate"],
                "n_statements": group["n_statements"],
                "outlets": group["outlets"],
            }
    return index


def with_echo_groups(db: Database, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statement rows (``queries.statement_rows``) each with its ``echo_group``: the group in
    brief (``group_index``), or None for a statement no other document echoes."""
    index = group_index(db) if rows else {}
    return [{**row, "echo_group": index.get(row["id"])} for row in rows]
