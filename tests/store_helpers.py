"""Hand-built extractions for store tests (no spaCy), and small DB helpers."""

from __future__ import annotations

from pathlib import Path

from attribution.models import (
    Claim,
    ClaimKind,
    Document,
    Extraction,
    QuoteType,
    Span,
    Speaker,
    SpeakerKind,
    Statement,
)
from attribution.store import connect

LANDSBERGIS = Speaker("Gabrielius Landsbergis", SpeakerKind.PERSON, "Foreign Minister", "Lithuania")
LEGGERI = Speaker("Fabrice Leggeri", SpeakerKind.PERSON, "Executive Director", "Frontex")
FRONTEX = Speaker("Frontex", SpeakerKind.ORGANISATION)
LITHUANIA = Speaker("Lithuania", SpeakerKind.GOVERNMENT)


def sentence_of(text: str, start: int, end: int) -> Span:
    """The line around [start, end) (the test articles hold one sentence per line)."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    return Span.of(text, s, len(text) if e < 0 else e)


def statement(
    text: str,
    content: str,
    speaker: Speaker | None,
    *,
    cue: str | None = "said",
    mention: str | None = None,
    type: QuoteType = QuoteType.DIRECT,
    occurrence: int = 0,
) -> Statement:
    """A statement whose content is the ``occurrence``-th appearance of ``content``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(content, start + 1)
    end = start + len(content)
    line = sentence_of(text, start, end)
    cue_span = None
    if cue:
        at = text.find(cue, line.start, line.end)
        cue_span = Span.of(text, at, at + len(cue)) if at >= 0 else None
    mention_span = None
    if speaker is not None:
        name = mention or speaker.name
        at = text.find(name, line.start, line.end)
        if at >= 0:
            mention_span = Span.of(text, at, at + len(name))
    return Statement(
        type=type,
        content=Span.of(text, start, end),
        sentence=line,
        rule="test",
        cue=cue_span,
        speaker=speaker,
        speaker_mention=mention_span,
        resolution="test",
    )


def claim(text: str, content: str, score: float, kind: ClaimKind = ClaimKind.UNATTRIBUTED) -> Claim:
    start = text.index(content)
    return Claim(kind, Span.of(text, start, start + len(content)), score, ("test reason",))


SEED_TEXT = (
    "date 2021-07-12 Lithuania says it will urge the EU to act.\n\n"
    '"When refugees are used as a political weapon, we must act," Lithuanian Foreign Minister'
    " Gabrielius Landsbergis said on July 12.\n\n"
    'Landsbergis added: "We will talk to our colleagues."\n\n'
    "Frontex said it will send additional personnel.\n\n"
    '"The situation remains worrying," Frontex Executive Director Fabrice Leggeri said.\n\n'
    "More than 800 illegal crossings were recorded in the first week of July.\n"
)


def seed_extraction(
    text: str = SEED_TEXT, *, source: str = "seed.txt", version: str = "1", url: str | None = None
) -> Extraction:
    """A small article with five statements and one unattributed claim.

    With a changed ``text``, statements whose content no longer occurs are left out.
    """
    doc = Document(id=Path(source).stem, text=text, source=source, url=url, title="Seed")
    specs = [
        ("it will urge the EU to act", LITHUANIA, "says", "Lithuania", QuoteType.INDIRECT),
        ('"When refugees are used as a political weapon, we must act,"', LANDSBERGIS, "said",
         "Gabrielius Landsbergis", QuoteType.DIRECT),
        ('"We will talk to our colleagues."', LANDSBERGIS, "added", "Landsbergis",
         QuoteType.DIRECT),
        ("it will send additional personnel", FRONTEX, "said", None, QuoteType.INDIRECT),
        ('"The situation remains worrying,"', LEGGERI, "said", None, QuoteType.DIRECT),
    ]  # fmt: skip
    statements = [
        statement(text, content, speaker, cue=cue, mention=mention, type=kind)
        for content, speaker, cue, mention, kind in specs
        if content in text
    ]
    unattributed = "More than 800 illegal crossings were recorded in the first week of July."
    claims = [claim(text, unattributed, 0.8)]
    return Extraction(
        document=doc,
        statements=tuple(statements),
        claims=tuple(claims),
        agencies=("Reuters",),
        published="2021-07-12",
        extractor_version=version,
    )


def article(i: int) -> tuple[str, str]:
    """A short synthetic article (source name, text) with one direct and one indirect quote."""
    text = (
        f"Article {i}.\n"
        f'"We will act on item {i} now," Minister Jonas Petraitis{i % 7} said.\n'
        f"The agency Frontex said it had recorded {i * 3} crossings.\n"
        f"Prices rose by {i % 11} percent in {2000 + i % 20}.\n"
    )
    return f"article-{i:04d}.txt", text


def article_extraction(i: int, version: str = "1") -> Extraction:
    source, text = article(i)
    minister = Speaker(f"Jonas Petraitis{i % 7}", SpeakerKind.PERSON, "Minister", None)
    statements = (
        statement(text, f'"We will act on item {i} now,"', minister,
                  mention=f"Jonas Petraitis{i % 7}"),
        statement(text, f"it had recorded {i * 3} crossings", FRONTEX, type=QuoteType.INDIRECT),
    )  # fmt: skip
    claims = (claim(text, f"Prices rose by {i % 11} percent in {2000 + i % 20}.", 0.5),)
    doc = Document(id=source[:-4], text=text, source=source)
    return Extraction(doc, statements, claims, extractor_version=version)


def fresh_db(path: Path | str = ":memory:"):
    return connect(path)
