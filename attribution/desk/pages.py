"""What each desk page shows, read from the store: plain functions over a sqlite-utils
Database, so they can be tested and reused without Datasette.

The pages never show SQL or raw ids where a name will do; every value reaches the browser
through an autoescaping template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from ..queries import QUOTE_TYPES, SPEAKER_KINDS, speaker_rows, statement_rows
from ..review import attribution_changes, history
from ..schema import ACTS, REVIEW_STATUSES
from ..transactions import read_transaction
from .marks import Highlighted, Piece, Span, highlight, pieces

# How many rows the queue shows before asking for narrower filters.
QUEUE_LIMIT = 200
# Speaker kinds that name nobody a verdict could be credited to.
UNRESOLVED_KINDS = frozenset({"unnamed", "unknown"})
CHART_WIDTH, CHART_HEIGHT = 640, 120
MAX_WEEKS = 156  # three years of weekly bars; a longer span is shown by month
MAX_BAR = 36  # a bar's width at most, so a speaker seen in one week gets a bar, not a block


class NotFound(LookupError):
    """No statement, speaker or document has this id."""


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, as read from the query string (every one optional)."""

    status: str = ""
    speaker: str = ""  # a speaker id
    outlet: str = ""
    act: str = "speech"  # speech, all, or one act
    min_confidence: float | None = None
    max_confidence: float | None = None
    since: str = ""
    until: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        def number(name: str) -> float | None:
            try:
                value = float(args.get(name, "") or "nan")
            except ValueError:
                return None
            return value if 0.0 <= value <= 1.0 else None

        status = args.get("status", "").strip().lower()
        act = args.get("act", "speech").strip().lower() or "speech"
        return cls(
            status=status if status in REVIEW_STATUSES else "",
            speaker=args.get("speaker", "").strip(),
            outlet=args.get("outlet", "").strip(),
            act=act if act in ("all", *ACTS) else "speech",
            min_confidence=number("min_confidence"),
            max_confidence=number("max_confidence"),
            since=_date_arg(args.get("since", "")),
            until=_date_arg(args.get("until", "")),
        )


def _date_arg(value: str) -> str:
    from ..queries import valid_date

    value = value.strip()
    return value if valid_date(value) else ""


def threshold() -> float:
    from ..scoring import default_threshold

    return float(default_threshold())


def outlet_of(row: Mapping[str, Any]) -> str:
    """Where a statement was published: the publisher, else the source it was read from."""
    return str(row.get("publisher") or row.get("source") or row.get("document_id", "")[:12])


def flags(row: Mapping[str, Any], sure: float) -> list[str]:
    """What a reviewer should know before trusting the row: low confidence, no resolved speaker."""
    found = []
    confidence = row.get("confidence")
    if row.get("kind") == "statement" and confidence is not None and confidence < sure:
        found.append("low confidence")
    if row.get("kind") == "unresolved" or (
        row.get("kind") == "statement" and (not row.get("speaker") or row.get("speaker_kind") in UNRESOLVED_KINDS)
    ):
        found.append("unresolved speaker")
    if row.get("needs_rereview"):
        found.append("needs re-review")
    return found


def queue(db: Database, filters: QueueFilters) -> dict[str, Any]:
    """Statements and claims to review, newest articles first, with the filters' choices.

    Every filter is SQL and at most ``QUEUE_LIMIT`` rows are read (one more tells that there
    are more), so the queue does not read the whole database to show its first page.
    """
    sure = threshold()
    with read_transaction(db):
        rows = statement_rows(
            db,
            include_claims=True,
            attributions="all",
            act=None if filters.act == "all" else filters.act,
            status=filters.status or None,
            since=filters.since or None,
            until=filters.until or None,
            speaker_id=filters.speaker or None,
            outlet=filters.outlet or None,
            min_confidence=filters.min_confidence or 0.0,
            max_confidence=filters.max_confidence,
            newest_first=True,
            limit=QUEUE_LIMIT + 1,
        )
        speakers = sorted(speaker_rows(db, attributions="all"), key=lambda s: (s["name"].lower(), s["kind"]))
        outlets = [
            str(row[0])
            for row in db.execute(
                "SELECT DISTINCT coalesce(publisher, source) FROM documents WHERE complete = 1 ORDER BY 1"
            ).fetchall()
        ]
    chosen_speaker = next((s["name"] for s in speakers if s["id"] == filters.speaker), None)
    more = len(rows) > QUEUE_LIMIT
    rows = rows[:QUEUE_LIMIT]
    for row in rows:
        row["outlet"] = outlet_of(row)
        row["flags"] = flags(row, sure)
    return {
        "rows": rows,
        "more": more,
        "limit": QUEUE_LIMIT,
        "filters": filters,
        "statuses": REVIEW_STATUSES,
        "acts": ("speech", "all", *[a for a in ACTS if a != "speech"]),
        "outlets": outlets,
        "speaker_name": chosen_speaker,
        "speakers": speakers,
        "threshold": sure,
    }


_WEB_LINK = re.compile(r"\Ahttps?://[^\s]+\Z", re.IGNORECASE)


def safe_link(url: str | None) -> str | None:
    """A stored URL fit for an href: http(s) only. Escaping keeps a ``javascript:`` or
    ``data:`` URL from breaking the page, but a click on it would still run it."""
    return url if url and _WEB_LINK.match(url) else None


def _document(db: Database, document_id: str) -> dict[str, Any]:
    cursor = db.execute(
        "SELECT id, external_id, source, title, url, published, publisher, author, agencies, text,"
        " extractor_version, ingested_at FROM documents WHERE id = ?",
        [document_id],
    )
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"no document with id {document_id}")
    document = dict(zip(names, row, strict=True))
    document["agencies"] = json.loads(document["agencies"] or "[]")
    document["link"] = safe_link(document["url"])
    return document


def _statement_spans(row: Mapping[str, Any], label: str) -> list[Span]:
    return [Span(row["content_start"], row["content_end"], label, row["id"])]


def _echoes(db: Database, statement_id: str) -> list[dict[str, Any]] | None:
    """The other reports of the same remark (their echo group), or None when this installation
    has no echo finder."""
    try:
        from .. import echoes
    except ImportError:
        return None
    finder = getattr(echoes, "echoes_of", None)
    if finder is None:
        return None
    group = finder(db, statement_id)
    if not group:
        return []
    return [dict(member) for member in group.get("statements", []) if member.get("id") != statement_id]


def statement(db: Database, statement_id: str) -> dict[str, Any]:
    """One statement in its article: the text with its content, cue and speaker mention marked
    (other statements of the article marked lightly), provenance, history and the choices the
    verdict and correction forms offer."""
    from ..corrections import corrections_for

    with read_transaction(db):
        found = statement_rows(
            db, ids=[statement_id], include_claims=True, include_retired=True, attributions="all",
            include_not_statements=True,
        )  # fmt: skip
        if not found:
            raise NotFound(f"no statement with id {statement_id}")
        row = found[0]
        document = _document(db, row["document_id"])
        others = [
            r
            for r in statement_rows(
                db, document=row["document_id"], include_claims=True, attributions="all", include_not_statements=True
            )
            if r["id"] != statement_id
        ]
        current = bool(db.execute("SELECT current FROM statements WHERE id = ?", [statement_id]).fetchone()[0])
        reviews = history(db, statement_id)
        corrections = corrections_for(db, statement_id)
        changes = attribution_changes(db, statement_id)
        speakers = sorted(speaker_rows(db, attributions="all"), key=lambda s: (s["name"].lower(), s["kind"]))
        echoes = _echoes(db, statement_id)
    text = document.pop("text")
    spans = [Span(r["content_start"], r["content_end"], "other", r["id"]) for r in others]
    if row.get("cue_start") is not None and row.get("cue_end") is not None:
        spans.append(Span(row["cue_start"], row["cue_end"], "cue"))
    if row.get("speaker_start") is not None and row.get("speaker_end") is not None:
        spans.append(Span(row["speaker_start"], row["speaker_end"], "speaker"))
    row["outlet"] = outlet_of(row)
    row["flags"] = flags(row, threshold())
    events = [{"when": r["created_at"], "what": "review", **r} for r in reviews]
    events += [{"when": c["created_at"], "what": "correction", **c} for c in corrections]
    events += [{"when": c["created_at"], "what": "change", **c} for c in changes]
    events.sort(key=lambda e: str(e["when"]))
    return {
        "row": row,
        "current": current,
        "document": document,
        "text": highlight(text, (row["content_start"], row["content_end"]), spans),
        "others": others,
        "events": events,
        "statuses": REVIEW_STATUSES,
        "status": row["status"],
        "quote_types": QUOTE_TYPES,
        "speaker_kinds": SPEAKER_KINDS,
        "speakers": speakers,
        "echoes": echoes,
    }


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def weekly_chart(published: list[str | None]) -> dict[str, Any]:
    """Bars of statements per week (per month over a long span) for an inline SVG."""
    days = sorted(d for d in (_day(p) for p in published) if d is not None)
    if not days:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "unit": "week", "peak": 0}
    first, last = _week(days[0]), _week(days[-1])
    unit = "week" if (last - first).days // 7 < MAX_WEEKS else "month"
    if unit == "week":
        starts = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
        key = _week
    else:
        starts, month = [], days[0].replace(day=1)
        while month <= days[-1]:
            starts.append(month)
            month = (month + timedelta(days=32)).replace(day=1)

        def key(day: date) -> date:
            return day.replace(day=1)

    counts = dict.fromkeys(starts, 0)
    for day in days:
        counts[key(day)] += 1
    peak = max(counts.values())
    step = CHART_WIDTH / len(starts)
    bars = []
    for i, start in enumerate(starts):
        height = round((CHART_HEIGHT - 20) * counts[start] / peak, 1)
        bars.append(
            {
                "x": round(i * step + 1, 1),
                "width": round(min(max(step - 2, 1), MAX_BAR), 1),
                "y": round(CHART_HEIGHT - 14 - height, 1),
                "height": height,
                "count": counts[start],
                "label": start.isoformat(),
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "unit": unit, "peak": peak}


def speaker(db: Database, speaker_id: str) -> dict[str, Any]:
    """A speaker: who they are, every name they go by, every statement across articles with its
    verdict, first and last seen, outlets, and a chart of statements per week."""
    with read_transaction(db):
        found = db.execute("SELECT coalesce(same_as, id) FROM speakers WHERE id = ?", [speaker_id]).fetchone()
        if found is None:
            raise NotFound(f"no speaker with id {speaker_id}")
        identity = str(found[0])
        listed = next((r for r in speaker_rows(db, attributions="all") if r["id"] == identity), None)
        if listed is None:
            sql = "SELECT id, name, kind, role, organisation, country FROM speakers WHERE id = ?"
            cursor = db.execute(sql, [identity])
            names = [d[0] for d in cursor.description]
            listed = {**dict(zip(names, cursor.fetchone(), strict=True)), "aliases": [], "alias_reasons": {}}
        rows = statement_rows(db, speaker_id=identity, attributions="all")
    rows.sort(key=lambda r: (r["published"] or "", r["document_id"], r["content_start"]), reverse=True)
    sure = threshold()
    for row in rows:
        row["outlet"] = outlet_of(row)
        row["flags"] = flags(row, sure)
    dates = sorted(r["published"] for r in rows if r["published"])
    return {
        "speaker": listed,
        "rows": rows,
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "outlets": sorted({r["outlet"] for r in rows}),
        "roles": sorted({r["role"] for r in rows if r["role"]}),
        "affiliations": sorted({r["organisation"] for r in rows if r["organisation"]}),
        "chart": weekly_chart([r["published"] for r in rows]),
    }


def speakers(db: Database) -> dict[str, Any]:
    """Every speaker with statements, most quoted first, with counts and other names."""
    with read_transaction(db):
        rows = speaker_rows(db, attributions="all")
    return {"speakers": rows}


def document(db: Database, document_id: str) -> dict[str, Any]:
    """An article with every statement and claim marked, and the list of them beside it."""
    with read_transaction(db):
        doc = _document(db, document_id)
        rows = statement_rows(
            db, document=document_id, include_claims=True, attributions="all", include_not_statements=True
        )
    rows = [r for r in rows if r["document_id"] == document_id]
    sure = threshold()
    spans = []
    for row in rows:
        row["outlet"] = outlet_of(row)
        row["flags"] = flags(row, sure)
        label = "claim" if row["kind"] != "statement" else ("dismissed" if row["not_statement"] else "statement")
        spans.extend(_statement_spans(row, label))
    text = doc.pop("text")
    return {"document": doc, "pieces": pieces(text, spans), "rows": rows}


__all__ = [
    "Highlighted",
    "NotFound",
    "Piece",
    "QueueFilters",
    "document",
    "queue",
    "speaker",
    "speakers",
    "statement",
    "weekly_chart",
]
