"""One error tree for the library; the CLI maps each class to an exit code (cli/plumbing.py).

AttributionError                base; never raised itself
  PipelineNotFound              the named spaCy pipeline is not installed
  MissingDependency             a package needed to read some input cannot be imported
  InputError                    an input file or line cannot be read as a document
    InputRejected               readable, but refused by policy (binary, too large, empty)
  StoreError                    the database cannot be used
    DatabaseBusy                another process held the lock past the busy timeout
    BackupRefused               the backup target exists or its folder is missing (also an OutputRefused)
  OutputRefused                 a file to write is refused; nothing was written
    ExportRefused               the export target exists, is a symlink or leaves the working directory
  UnknownName                   an id, prefix or name that matches nothing, or several things
    UnknownStatement            a statement id (or prefix)
      RetiredStatement          a statement a re-extraction replaced
    UnknownSpeaker              a speaker's name, alias or id
  Refused                       a request the stored data does not allow
    SpeakerDecisionError        a merge, split, rename or alias the speakers do not allow
  InvalidValue                  a value that can never be recorded (also a ValueError)
    InvalidNote                 a review note with control characters
    InvalidCorrection           an unknown correction field or value, an unusable name
  WorkerExtractionError         a document failed inside a worker process (also a RuntimeError)
    DocumentTimeout             its extraction overran its time budget; the worker was killed
  cluster.ClusterError          the dask cluster cannot be reached or started
  shards.ShardError             a shard that cannot be loaded (missing, truncated or corrupt)

The classes are defined here so the tree can be read in one place; the modules that raise them
import them from here (and ``queries.UnknownStatement``, ``review.RetiredStatement``,
``export.ExportRefused`` and the like stay importable where they always were).
"""

from __future__ import annotations

from pathlib import Path


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


class OutputRefused(AttributionError):
    """A file we were asked to write is refused before anything is written: it exists, is a
    symbolic link, or its place is not one we may write to."""


class BackupRefused(StoreError, OutputRefused):
    """The backup target already exists or its folder does not; no copy was made.

    A StoreError because the store's backup raises it, an OutputRefused because what is wrong
    is the target, not the database.
    """


class ExportRefused(OutputRefused):
    """The export target is unsafe or already exists; nothing was written."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}; nothing written")
        self.path = str(path)
        self.reason = reason


class UnknownName(AttributionError):
    """What the user named (an id, an id prefix, a speaker's name) matches nothing, or matches
    several things and the message lists them; nothing was done."""


class UnknownStatement(UnknownName):
    """No statement has this id (or the prefix is ambiguous)."""


class RetiredStatement(UnknownStatement):
    """A review aimed at a statement a re-extraction replaced.

    Refused rather than followed: the reviewer judged the old text and attribution, and the
    successor may differ in either, so they should look at it and review it by its own id.
    """


class UnknownSpeaker(UnknownName):
    """No speaker has this name, or several do (``candidates``: their ids)."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


class Refused(AttributionError):
    """A request the stored data does not allow (the message says why); nothing was recorded."""


class SpeakerDecisionError(Refused):
    """A decision that cannot be made: the speakers are already one, a name is taken, ..."""


class InvalidValue(AttributionError, ValueError):
    """A value that can never be recorded, whatever the database holds (a bad option value)."""


class InvalidNote(InvalidValue):
    """A note holding characters a reviewer cannot have meant (NUL, other control codes)."""


class InvalidCorrection(InvalidValue):
    """A correction that cannot be recorded (unknown field or value, unusable name)."""


class WorkerExtractionError(AttributionError, RuntimeError):
    """A document failed inside a worker; raised in the parent at that document's turn."""


class DocumentTimeout(WorkerExtractionError):
    """A document's extraction overran its time budget; its worker was killed."""
