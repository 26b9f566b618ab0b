"""Shared fixtures for the export tests (no tests here): seed rows and a seeded database.

The rows have exactly the keys ``attribution.queries.statement_rows`` returns, and every
offset slices the seed text, so the tests exercise real quoted evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_08f2487d190f4389.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_ID = "d" * 16


def _span(fragment: str) -> tuple[int, int]:
    start = SEED_TEXT.index(fragment)
    return start, start + len(fragment)


def _sentence_around(start: int, end: int) -> tuple[int, int]:
    """The paragraph-bounded sentence containing [start, end) (good enough for fixtures)."""
    left = max(SEED_TEXT.rfind("\n", 0, start) + 1, 0)
    right = SEED_TEXT.find("\n", end)
    return left, len(SEED_TEXT) if right < 0 else right


def seed_row(
    sid: str,
    content: str,
    *,
    speaker: str | None = None,
    speaker_kind: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
    cue: str | None = "said",
    kind: str = "statement",
    type_: str | None = "direct",
    status: str = "new",
    note: str | None = None,
    score: float | None = None,
    reasons: list[str] | None = None,
) -> dict[str, Any]:
    """A row for ``content`` as it occurs in the seed article."""
    start, end = _span(content)
    s_start, s_end = _sentence_around(start, end)
    return {
        "id": sid,
        "document_id": SEED_ID,
        "document_title": None,
        "source": "seeds/000_08f2487d190f4389.txt",
        "published": "2021-07-12",
        "kind": kind,
        "type": type_ if kind == "statement" else None,
        "speaker": speaker,
        "speaker_kind": speaker_kind,
        "role": role,
        "organisation": organisation,
        "cue": cue,
        "stance": "neutral",
        "content": content,
        "content_start": start,
        "content_end": end,
        "sentence": SEED_TEXT[s_start:s_end],
        "sentence_start": s_start,
        "sentence_end": s_end,
        "rule": "direct-quote" if kind == "statement" else "checkworthy",
        "score": score,
        "reasons": reasons or [],
        "status": status,
        "note": note,
    }


def seed_rows() -> list[dict[str, Any]]:
    """Four statements and one unattributed claim from the seed."""
    return [
        seed_row(
            "a1b2c3d4e5f60001",
            "When refugees are used as a political weapon...I will talk to my colleagues in "
            "order for the European Union to have a common strategy",
            speaker="Gabrielius Landsbergis",
            speaker_kind="person",
            role="Foreign Minister",
            organisation="Lithuania",
        ),
        seed_row(
            "a1b2c3d4e5f60002",
            "Belarus had been offering migrants flights to Minsk",
            speaker="Ingrida Simonyte",
            speaker_kind="person",
            role="Prime Minister",
            organisation="Lithuania",
            type_="indirect",
            status="verified",
            note="Matches the ministry's briefing.",
        ),
        seed_row(
            "a1b2c3d4e5f60003",
            "more than 800 illegal crossings",
            speaker="Frontex",
            speaker_kind="organisation",
            organisation="European Union",
            cue="according to",
            type_="indirect",
            status="misleading",
            note="-800 is the weekly figure, not monthly",
        ),
        seed_row(
            "a1b2c3d4e5f60004",
            "it had started construction of a 550-kilometer razor-wire barrier on its border with Belarus",
            speaker="Lithuania",
            speaker_kind="government",
            organisation="Lithuania",
            type_="indirect",
            status="false",
        ),
        seed_row(
            "a1b2c3d4e5f60005",
            "Hundreds of people have crossed into Lithuania since Lukashenka said in May",
            kind="unattributed",
            cue=None,
            score=0.8,
            reasons=["quantity: Hundreds", "date: May"],
            status="unverifiable",
        ),
    ]


def _statement(
    content: str,
    speaker: tuple[str, str, str | None, str | None],
    mention: str,
    cue: str,
    type_: str = "direct",
) -> Any:
    from attribution.models import QuoteType, Span, Speaker, SpeakerKind, Statement

    start, end = _span(content)
    s_start, s_end = _sentence_around(start, end)
    name, kind, role, organisation = speaker
    # The mention and cue nearest after the sentence start: real offsets into the seed.
    m_start = SEED_TEXT.index(mention, s_start)
    c_start = SEED_TEXT.index(cue, s_start)
    return Statement(
        type=QuoteType(type_),
        content=Span.of(SEED_TEXT, start, end),
        sentence=Span.of(SEED_TEXT, s_start, s_end),
        rule="fixture",
        cue=Span.of(SEED_TEXT, c_start, c_start + len(cue)),
        speaker=Speaker(name, SpeakerKind(kind), role, organisation),
        speaker_mention=Span.of(SEED_TEXT, m_start, m_start + len(mention)),
    )


def seed_database(path: Path) -> None:
    """Store the seed with three statements and one claim, without running spaCy."""
    from attribution.models import Claim, ClaimKind, Document, Extraction, Span
    from attribution.store import connect, store_extraction

    doc = Document(id="seed-000", text=SEED_TEXT, source=str(SEED.name), published="2021-07-12")
    landsbergis = ("Gabrielius Landsbergis", "person", "Foreign Minister", "Lithuania")
    statements = (
        _statement(
            "When refugees are used as a political weapon...I will talk to my colleagues in "
            "order for the European Union to have a common strategy",
            landsbergis,
            "Gabrielius Landsbergis",
            "said",
        ),
        _statement(
            "Belarus had been offering migrants flights to Minsk",
            ("Ingrida Simonyte", "person", "Prime Minister", "Lithuania"),
            "Ingrida Simonyte",
            "said",
            "indirect",
        ),
        _statement(
            "The situation at Lithuania's border with Belarus remains worrying. I have decided "
            "to send a rapid border intervention to Lithuania to strengthen EU's external border",
            ("Fabrice Leggeri", "person", "Executive Director", "Frontex"),
            "Fabrice Leggeri",
            "said",
        ),
    )
    start, end = _span("Hundreds of people have crossed into Lithuania")
    claims = (Claim(ClaimKind.UNATTRIBUTED, Span.of(SEED_TEXT, start, end), 0.8, ("quantity: Hundreds",)),)
    db = connect(path)
    try:
        store_extraction(db, Extraction(doc, statements, claims, published="2021-07-12"), None)
    finally:
        db.close()
