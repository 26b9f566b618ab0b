"""One error tree for the library; the CLI maps each class to an exit code.

AttributionError              base; never raised itself
  PipelineNotFound            the named spaCy pipeline is not installed
  MissingDependency           a package needed to read some input cannot be imported
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


class MissingDependency(AttributionError):
    """A package the installation should hold cannot be imported.

    Why its own class: a broken installation is not bad input. Reporting it file by file as
    "failed" would bury one fix under a table of identical failures, so it stops the run
    before anything is stored.
    """

    def __init__(self, package: str, needed_for: str, detail: str = "") -> None:
        detail = " ".join(detail.split())  # import errors can span lines; the CLI prints one
        reason = f" ({detail})" if detail else ""
        super().__init__(
            f"cannot read {needed_for}: the package {package} cannot be imported{reason}; the installation is "
            f"incomplete, repair it with `pip install -c requirements.lock -e .` in the project folder"
        )
        self.package = package
        self.needed_for = needed_for


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
