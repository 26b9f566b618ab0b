"""attribution: find who said what in news text, and keep it with exact provenance."""

from .models import (
    Act,
    Claim,
    ClaimKind,
    Document,
    Extraction,
    QuoteType,
    ReviewStatus,
    Span,
    Speaker,
    SpeakerKind,
    Stance,
    Statement,
)

__version__ = "0.1.0"
# Bumped whenever extraction output may change; stored with every statement.
EXTRACTOR_VERSION = "30"

# The front door for Python users: functions load their modules (and spaCy) on first use,
# so importing the package, and starting the CLI, stays fast.
_FUNCTIONS = {
    "extract_text": "extract",
    "extract_documents": "extract",
    "read_documents": "ingest",
    "connect": "store",
    "ingest_paths": "jobs",
    "statement_rows": "queries",
    "speaker_rows": "queries",
    "speaker_profile": "queries",
    "search": "queries",
    "unattributed_rows": "queries",
}


def __getattr__(name: str) -> object:
    module = _FUNCTIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'attribution' has no attribute {name!r}")
    from importlib import import_module

    found = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = found
    return found


__all__ = [
    *_FUNCTIONS,
    "Act",
    "Claim",
    "ClaimKind",
    "Document",
    "Extraction",
    "QuoteType",
    "ReviewStatus",
    "Speaker",
    "SpeakerKind",
    "Span",
    "Stance",
    "Statement",
    "EXTRACTOR_VERSION",
    "__version__",
]
