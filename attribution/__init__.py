"""attribution: find who said what in news text, and keep it with exact provenance."""

from .models import (
    Act,
    Claim,
    ClaimKind,
    Document,
    Extraction,
    QuoteType,
    Span,
    Speaker,
    SpeakerKind,
    Stance,
    Statement,
)

__version__ = "0.1.0"
# Bumped whenever extraction output may change; stored with every statement.
EXTRACTOR_VERSION = "5"

__all__ = [
    "Act",
    "Claim",
    "ClaimKind",
    "Document",
    "Extraction",
    "QuoteType",
    "Speaker",
    "SpeakerKind",
    "Span",
    "Stance",
    "Statement",
    "EXTRACTOR_VERSION",
    "__version__",
]
