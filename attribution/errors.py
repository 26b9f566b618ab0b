"""One error tree for the library; the CLI maps each class to an exit code.

AttributionError              base; never raised itself
  PipelineNotFound            the named spaCy pipeline is not installed
  InputError                  an input file or line cannot be read as a document
    InputRejected             readable, but refused by policy (binary, too large, empty)
  StoreError                  the database cannot be used
    DatabaseBusy              another process held the lock past the busy timeout
  queries.UnknownStatement    a statement id (or prefix) that matches nothing
"""

from __future__ import annotations


class AttributionError(Exception):
    """Base class of every error the library raises on purpose."""


class PipelineNotFound(AttributionError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"spaCy pipeline {name!r} is not installed; install it with "
            f"`pip install {name}` (or choose another with --model / ATTRIBUTION_MODEL)"
        )
        self.name = name


class InputError(AttributionError):
    """A file or JSONL line that cannot become a document; the message names it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class InputRejected(InputError):
    """Readable input refused by policy: binary, over the size limit."""


class StoreError(AttributionError):
    """The database cannot be opened or written."""


class DatabaseBusy(StoreError):
    """Another process held the write lock past the busy timeout."""
