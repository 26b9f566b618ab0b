"""Document furniture: date line, headline, credit line and promotional boxes.

These parts of a page are not anybody's statement and not the reporter's claims, but two of
them carry metadata: the date line gives the publication date and the credit line the news
agencies behind the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicons import agency_aliases
from .models import Span

DATE_LINE = re.compile(r"\A\s*(?:date|dated|published)[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.I)
CREDIT_LINE = re.compile(
    r"^[ \t]*\(?(?:with\s+)?(?:additional\s+)?(?:reporting|writing|editing)\s+by\b[^\n]*$",
    re.I | re.M,
)
PROMO = re.compile(
    r"\b(?:read our coverage|read more\b|read the rest|click here|subscribe to|sign up for|"
    r"follow us on|watch the video|related coverage)[^.!?\n]*[.!?]?",
    re.I,
)


@dataclass(frozen=True)
class Layout:
    published: str | None
    agencies: tuple[str, ...]
    date_line: Span | None
    credit_lines: tuple[Span, ...]
    promos: tuple[Span, ...]
    headline: Span | None

    @property
    def not_statements(self) -> tuple[Span, ...]:
        """Spans no statement may come from."""
        spans = [*self.credit_lines, *self.promos]
        if self.date_line:
            spans.append(self.date_line)
        return tuple(sorted(spans, key=lambda s: s.start))

    @property
    def not_claims(self) -> tuple[Span, ...]:
        """Spans that are never check-worthy claims: the above plus the headline."""
        spans = list(self.not_statements)
        if self.headline:
            spans.append(self.headline)
        return tuple(sorted(spans, key=lambda s: s.start))


def agencies_in(credit: str) -> tuple[str, ...]:
    """Canonical agency names listed in a credit line, in order, without repeats."""
    aliases = agency_aliases()
    names: list[str] = []
    body = re.sub(r"^.*?\bby\b", "", credit, count=1, flags=re.I)
    for part in re.split(r",|\band\b|&|;", body):
        token = part.strip(" .()\t")
        name = aliases.get(token) or aliases.get(token.upper())
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _headline(text: str, start: int) -> Span | None:
    """A first paragraph that is one short line is a headline."""
    match = re.compile(r"[ \t]*([^\n]+)").match(text, start)
    if not match or "\n" not in text[match.end() :]:
        return None
    line = match.group(1).rstrip()
    if len(line.split()) <= 25 and not line.endswith((":",)):
        s = match.start(1)
        return Span(s, s + len(line), line)
    return None


def read_layout(text: str) -> Layout:
    date_line = None
    published = None
    body_start = 0
    if match := DATE_LINE.match(text):
        published = match.group(1)
        date_line = Span(match.start(), match.end(), text[match.start() : match.end()])
        body_start = match.end()
    credits = tuple(Span(m.start(), m.end(), m.group(0)) for m in CREDIT_LINE.finditer(text))
    agencies: list[str] = []
    for credit in credits:
        agencies.extend(a for a in agencies_in(credit.text) if a not in agencies)
    promos = []
    for match in PROMO.finditer(text):
        paragraph_start = text.rfind("\n", 0, match.start()) + 1
        # the box title ("Crisis In Belarus") runs from the paragraph start to the phrase
        start = paragraph_start if "." not in text[paragraph_start : match.start()] else match.start()
        promos.append(Span(start, match.end(), text[start : match.end()]))
    headline = None if date_line else _headline(text, body_start)
    return Layout(published, tuple(agencies), date_line, credits, tuple(promos), headline)
