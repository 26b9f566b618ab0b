"""Plain-JSON form of an extraction: the line format of `attribution extract --format jsonl`.

This is the format ``../shared/eval/score.py`` reads; every span is [start, end] in Python
code-point offsets into the document text.
"""

from __future__ import annotations

from typing import Any

from .listing import broad_confidence, select_attributions
from .models import Claim, ClaimKind, Extraction, Span, Statement


def _span(span: Span | None) -> list[int] | None:
    return span.as_list() if span is not None else None


def statement_record(statement: Statement, content: Span | None = None, *, broad: bool = False) -> dict[str, Any]:
    """One statement as JSON; ``content`` replaces the statement's own content span when a
    convention draws the boundary elsewhere; ``broad`` gives the broad convention's confidence."""
    speaker = statement.speaker
    content = content or statement.content
    return {
        "type": str(statement.type),
        "content": content.text,
        "content_span": content.as_list(),
        "content_fragments": [f.as_list() for f in statement.fragments] or None,
        "speaker": speaker.name if speaker else None,
        "speaker_span": _span(statement.speaker_mention),
        "speaker_mention": statement.speaker_mention.text if statement.speaker_mention else None,
        "speaker_kind": str(speaker.kind) if speaker else None,
        "role": speaker.role if speaker else None,
        "organisation": speaker.organisation if speaker else None,
        "country": speaker.country if speaker else None,
        "cue": statement.cue.text if statement.cue else None,
        "cue_span": _span(statement.cue),
        "stance": str(statement.stance),
        "sentence_span": statement.sentence.as_list(),
        "rule": statement.rule,
        "resolution": statement.resolution,
        "confidence": broad_confidence(statement) if broad else statement.confidence,
        "act": str(statement.act),
        **_time_record(statement),
    }


def _time_record(statement: Statement) -> dict[str, Any]:
    """When it was said: a date range, its precision, and the words (with their span) that say so."""
    time = statement.time
    expression = time.expression if time else None
    return {
        "said_from": time.said_from if time else None,
        "said_to": time.said_to if time else None,
        "said_precision": time.precision if time else None,
        "said_expression": expression.text if expression else None,
        "said_span": _span(expression),
        "time_rule": time.rule if time else None,
    }


def extraction_record(extraction: Extraction, attributions: str = "speech", *, select: bool = True) -> dict[str, Any]:
    """The JSON line of one document with the statements a listing of ``attributions`` shows
    ("speech", the desk's convention, or "all", PolNeAR's broad one with its boundaries);
    ``select=False`` keeps the statements as given (already chosen by the caller)."""
    if select:
        extraction = select_attributions(extraction, attributions)
    return {
        "id": extraction.document.id,
        "published": extraction.published,
        "agencies": list(extraction.agencies),
        "quotes": [
            statement_record(s, s.broad_content, broad=True) if attributions == "all" else statement_record(s)
            for s in extraction.statements
        ],
        # the reporter's own check-worthy claims; statements nobody could be named for apart
        "unattributed": [_claim_record(c) for c in extraction.claims if c.kind == ClaimKind.UNATTRIBUTED],
        "unresolved": [_claim_record(c) for c in extraction.claims if c.kind == ClaimKind.UNRESOLVED],
    }


def _claim_record(claim: Claim) -> dict[str, Any]:
    return {
        "text": claim.span.text,
        "span": claim.span.as_list(),
        "score": claim.score,
        "reasons": list(claim.reasons),
        "kind": str(claim.kind),
    }
