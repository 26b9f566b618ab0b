"""Plain frozen records that move forward through the pipeline.

Every span is a pair of Python code-point offsets into ``Document.text`` (end exclusive),
so ``document.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class StrEnum(str, Enum):
    """String-valued enum that serialises as its value (Python 3.10 has no enum.StrEnum)."""

    def __str__(self) -> str:
        return self.value


class QuoteType(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class SpeakerKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    GOVERNMENT = "government"
    MEDIA = "media"
    UNNAMED = "unnamed"
    UNKNOWN = "unknown"


class Stance(StrEnum):
    NEUTRAL = "neutral"
    DISTANCING = "distancing"
    DENIAL = "denial"
    ASSERTIVE = "assertive"
    TENTATIVE = "tentative"


class Act(StrEnum):
    """What kind of act a statement reports: a desk reviews speech; the rest is PolNeAR's broad set."""

    SPEECH = "speech"  # said, wrote, posted, testified, announced, "according to", a report that states
    THOUGHT = "thought"  # believes, thinks, hopes, fears, expects, wants
    INTENTION = "intention"  # plans to, intends, is going to, refuses to
    PERCEPTION = "perception"  # sees, shows, finds evidence, the video shows
    OTHER = "other"  # declined to say, a question put to someone, an act whose object is only its target


class ClaimKind(StrEnum):
    UNATTRIBUTED = "unattributed"
    UNRESOLVED = "unresolved"


class ReviewStatus(StrEnum):
    """A reviewer's verdict on a statement; every statement starts as NEW."""

    NEW = "new"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    FALSE = "false"
    MISLEADING = "misleading"
    UNVERIFIABLE = "unverifiable"
    DISMISSED = "dismissed"


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The values of a vocabulary in declaration order: what the schema's CHECK lists, the
    query filters and the export sheet's drop-down are made from, so none can miss a value."""
    return tuple(member.value for member in vocabulary)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])

    def as_list(self) -> list[int]:
        return [self.start, self.end]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """One article as stored: normalised text plus where it came from."""

    id: str
    text: str
    source: str = ""
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    url: str | None = None
    author: str | None = None
    encoding: str = "utf-8"
    raw_sha256: str | None = None
    byte_length: int | None = None
    normalisation: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    sha256: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_text(self.text))


@dataclass(frozen=True)
class Speaker:
    """A canonical speaker: the fullest name the document gives, with role and affiliation."""

    name: str
    kind: SpeakerKind
    role: str | None = None
    organisation: str | None = None
    country: str | None = None  # the state the speaker or their organisation belongs to


@dataclass(frozen=True)
class StatementTime:
    """When a statement was made, as far as the text says: an ISO date range and how fine it is.

    ``expression`` is the words that place it ('last week', 'on July 12'); without any, the
    range only ends at the publication date (``said_from`` None) and ``rule`` is "by publication";
    in an undated text the words are kept without a range ("no publication date").
    """

    said_from: str | None
    said_to: str | None
    precision: str | None  # day, week, month or year; None when only publication bounds it
    expression: Span | None
    rule: str


@dataclass(frozen=True)
class Statement:
    """One attributed statement found in a document."""

    type: QuoteType
    content: Span
    sentence: Span
    rule: str
    cue: Span | None = None
    stance: Stance = Stance.NEUTRAL
    speaker: Speaker | None = None
    speaker_mention: Span | None = None
    resolution: str = ""
    confidence: float = 1.0
    fragments: tuple[Span, ...] = ()  # the quoted pieces of a split quote, when there are several
    act: Act = Act.SPEECH
    broad_content: Span | None = None  # the content as PolNeAR draws it, where that differs
    cue_lemma: str | None = None  # the cue verb's or noun's lemma ('say' for 'has said')
    broad_confidence: float | None = None  # the probability in PolNeAR's broad convention
    time: StatementTime | None = None  # when it was said (see timing.py)


@dataclass(frozen=True)
class Claim:
    """A check-worthy sentence nobody is credited for, or a statement with no resolved speaker."""

    kind: ClaimKind
    span: Span
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """Everything extraction derives from one document: a pure function of the document."""

    document: Document
    statements: tuple[Statement, ...]
    claims: tuple[Claim, ...] = ()
    agencies: tuple[str, ...] = ()
    published: str | None = None
    excluded: tuple[Span, ...] = ()
    extractor_version: str = ""
    warnings: tuple[str, ...] = ()
