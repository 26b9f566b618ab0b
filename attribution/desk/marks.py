"""An article's text cut into pieces for ``<mark>`` elements at stored offsets.

Why pieces rather than HTML: the template escapes every piece (Jinja autoescape), so quoted
text such as ``<script>`` is shown, never run, and the offsets are the stored ones, so the
highlighted content is exactly the stored content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A stretch of the text to mark: [start, end) code points, a CSS class, the statement it belongs to."""

    start: int
    end: int
    label: str
    statement_id: str | None = None


@dataclass(frozen=True)
class Piece:
    """Text between two span boundaries and the spans covering all of it."""

    text: str
    spans: tuple[Span, ...]

    @property
    def labels(self) -> str:
        return " ".join(dict.fromkeys(span.label for span in self.spans))

    @property
    def statement_id(self) -> str | None:
        return next((s.statement_id for s in self.spans if s.statement_id), None)


def pieces(text: str, spans: Sequence[Span], start: int = 0, end: int | None = None) -> list[Piece]:
    """``text[start:end]`` cut at every span boundary; spans outside the text are ignored."""
    end = len(text) if end is None else end
    usable = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({start, end} | {p for s in usable for p in (s.start, s.end) if start < p < end})
    found = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        covering = tuple(s for s in usable if s.start <= left and right <= s.end)
        found.append(Piece(text[left:right], covering))
    return found


@dataclass(frozen=True)
class Highlighted:
    """An article with one statement in focus: the text before it, the content, the text after."""

    before: list[Piece]
    content: list[Piece]
    after: list[Piece]


def highlight(text: str, content: tuple[int, int], spans: Sequence[Span]) -> Highlighted:
    """The text with ``content`` kept whole (one element holds exactly it) and every other span
    (cue, speaker mention, other statements) cut at its boundaries."""
    start, end = content
    return Highlighted(pieces(text, spans, 0, start), pieces(text, spans, start, end), pieces(text, spans, end))
