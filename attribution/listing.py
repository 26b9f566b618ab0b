"""Which statements a listing shows: the desk's (speech, confidently, nested reports folded
into the statement that holds them) or the broad one (every attribution PolNeAR counts).

Everything is extracted and stored either way; a listing only chooses, so switching between
the two never needs a new extraction.
"""

from __future__ import annotations

from dataclasses import replace

from .models import Act, Extraction, QuoteType, Statement
from .scoring import default_threshold

ATTRIBUTIONS = ("speech", "all")  # what a listing shows: what was said (default), or the broad set


def shown(statement: Statement, attributions: str = "speech", threshold: float | None = None) -> bool:
    """Whether a listing of ``attributions`` shows this statement: the desk's listing shows
    speech at or above ``threshold`` (the scorer's default unless given), the broad one
    everything (at or above ``threshold`` when one is given)."""
    if attributions not in ATTRIBUTIONS:
        raise ValueError(f"attributions must be one of {', '.join(ATTRIBUTIONS)}, not {attributions!r}")
    if attributions == "all":
        return threshold is None or broad_confidence(statement) >= threshold
    cut = default_threshold() if threshold is None else threshold
    return statement.act == Act.SPEECH and statement.confidence >= cut


def broad_confidence(statement: Statement) -> float:
    """The statement's probability in the broad convention (its confidence without a broad model)."""
    return statement.confidence if statement.broad_confidence is None else statement.broad_confidence


def nested_reports(statements: tuple[Statement, ...]) -> set[int]:
    """Positions of reports inside another statement's content ('X said Y had concluded C',
    'Morrison testified that Sondland said C'): a desk reads them as one statement, the outer
    one, unless the inner one is a direct quotation of its own."""
    nested = set()
    for index, inner in enumerate(statements):
        if inner.cue is None or inner.type == QuoteType.DIRECT:
            continue
        for outer in statements:
            if outer is inner or outer.rule == "according-to":
                continue  # 'X said C, according to Y' is still X's statement, as Y reports it
            holds = outer.content.start <= inner.cue.start and inner.content.end <= outer.content.end
            mutual = outer.cue is not None and inner.content.start <= outer.cue.start < inner.content.end
            if holds and not mutual:
                nested.add(index)
                break
    return nested


def select_attributions(
    extraction: Extraction, attributions: str = "speech", threshold: float | None = None
) -> Extraction:
    """The extraction with only the statements a listing of ``attributions`` shows; the
    desk's listing also folds nested reports into the statement that holds them."""
    kept = tuple(s for s in extraction.statements if shown(s, attributions, threshold))
    if attributions == "speech":
        inner = nested_reports(kept)
        kept = tuple(s for i, s in enumerate(kept) if i not in inner)
    return extraction if len(kept) == len(extraction.statements) else replace(extraction, statements=kept)
