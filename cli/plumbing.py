"""What every command shares: the exit codes, opening the database, the filter options and
their check, and writing rows as a table, JSON or CSV.

Exit codes (sysexits-style; the README's "Exit codes" table is this one, and a test keeps
the two, and ``EXIT_CODES`` below, the same):

| code | meaning |
|---|---|
| 0 | ok |
| 2 | usage: an unknown option, a bad option value or a missing argument; nothing was done |
| 65 | data: some inputs were rejected or failed (the rest are stored), some sheet rows were rejected or in conflict (the rest are recorded), a statement id or speaker matches nothing or several, the data refuses a review or speaker decision, or `verify` found problems |
| 66 | no input: an input path, sheet, shard folder or database is missing, or cannot be used as one (not an attribution database, a newer schema) |
| 69 | unavailable: the spaCy pipeline `--model` names, Datasette or the cluster extra is not installed, or the dask scheduler cannot be reached |
| 70 | software: an internal error, or a broken installation (a package it should hold cannot be imported) |
| 73 | cannot create: the export or backup target exists, is a symbolic link or leaves the working directory |
| 74 | I/O: the disk or file system failed (full, read-only, cannot be created or locked) |
| 75 | busy: another process held the database's write lock past `--busy-timeout`; re-run |
| 130 | interrupted (Ctrl-C); finished documents are kept |
| 143 | terminated by SIGTERM; finished documents are kept |

Nothing here imports the library at start-up: the error classes are looked up when an error
is being mapped, and the library modules are imported by the helpers that use them, so
``attribution --help`` stays fast.
"""  # noqa: E501

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

OK = 0
USAGE = 2
DATA = 65
NO_INPUT = 66
UNAVAILABLE = 69
SOFTWARE = 70
CANNOT_CREATE = 73
IO = 74
BUSY = 75
INTERRUPTED = 130
TERMINATED = 143

# The table of the docstring, as data (tests/test_plumbing.py keeps docstring, README and this equal).
EXIT_CODES: dict[int, str] = {
    OK: "ok",
    USAGE: "usage: an unknown option, a bad option value or a missing argument; nothing was done",
    DATA: "data: some inputs were rejected or failed (the rest are stored), some sheet rows were rejected or in"
    " conflict (the rest are recorded), a statement id or speaker matches nothing or several, the data refuses a"
    " review or speaker decision, or `verify` found problems",
    NO_INPUT: "no input: an input path, sheet, shard folder or database is missing, or cannot be used as one"
    " (not an attribution database, a newer schema)",
    UNAVAILABLE: "unavailable: the spaCy pipeline `--model` names, Datasette or the cluster extra is not installed,"
    " or the dask scheduler cannot be reached",
    SOFTWARE: "software: an internal error, or a broken installation (a package it should hold cannot be imported)",
    CANNOT_CREATE: "cannot create: the export or backup target exists, is a symbolic link or leaves the working"
    " directory",
    IO: "I/O: the disk or file system failed (full, read-only, cannot be created or locked)",
    BUSY: "busy: another process held the database's write lock past `--busy-timeout`; re-run",
    INTERRUPTED: "interrupted (Ctrl-C); finished documents are kept",
    TERMINATED: "terminated by SIGTERM; finished documents are kept",
}

# Each library error class (module, name), most specific first, and the exit code it means.
# A class is only looked up in a module already imported: an error cannot come from a module
# that was never loaded, and the cluster modules need an extra that may not be installed.
ERROR_CODES: tuple[tuple[str, str, int], ...] = (
    ("attribution.errors", "DatabaseBusy", BUSY),
    ("attribution.errors", "OutputRefused", CANNOT_CREATE),  # before StoreError: BackupRefused is both
    ("attribution.errors", "PipelineNotFound", UNAVAILABLE),
    ("attribution.cluster", "ClusterError", UNAVAILABLE),
    ("attribution.errors", "MissingDependency", SOFTWARE),
    ("attribution.errors", "InputError", NO_INPUT),
    ("attribution.shards", "ShardError", NO_INPUT),
    ("attribution.errors", "UnknownName", DATA),
    ("attribution.errors", "Refused", DATA),
    ("attribution.errors", "InvalidValue", USAGE),
    ("attribution.errors", "StoreError", NO_INPUT),  # unless the message is of an I/O failure (74)
    ("attribution.errors", "AttributionError", SOFTWARE),  # a library error without a code of its own
)


def fail(message: str, code: int) -> typer.Exit:
    """Print ``error: message`` on one line of stderr (controls and bidi marks escaped: messages
    quote file names) and return the Exit to raise."""
    from attribution.ingest import printable

    typer.echo(f"error: {printable(message)}", err=True)
    return typer.Exit(code)


def is_io(error: BaseException) -> bool:
    """An error of the disk or file system; SQLite says "unable to open" for a file it cannot create."""
    message = str(error).lower()
    return any(word in message for word in ("disk", "i/o", "full", "readonly", "unable to open"))


def is_busy(error: BaseException) -> bool:
    """SQLite's own word for a lock held by another process."""
    message = str(error).lower()
    return "locked" in message or "busy" in message


def exit_code(error: BaseException) -> int:
    """The exit code of a library error, from ERROR_CODES."""
    for module_name, name, code in ERROR_CODES:
        module = sys.modules.get(module_name)
        cls = getattr(module, name, None) if module is not None else None
        if cls is not None and isinstance(error, cls):
            if code == NO_INPUT and name == "StoreError" and is_io(error):
                return IO
            return code
    return SOFTWARE


@contextmanager
def errors(*, input_note: str = "", os_note: str = "") -> Iterator[None]:
    """Turn every error into one line on stderr and its exit code, never a traceback
    (ATTRIBUTION_DEBUG=1 lets the unexpected ones through with their traceback).

    ``input_note`` is added to the message of an input that cannot be read ("nothing was
    ingested"), ``os_note`` to that of an operating-system error ("nothing written").
    """
    import sqlite3

    from attribution.errors import AttributionError, InputError

    try:
        yield
    except typer.Exit:
        raise
    except AttributionError as error:
        note = input_note if isinstance(error, InputError) else ""
        raise fail(f"{error}; {note}" if note else str(error), exit_code(error)) from None
    except sqlite3.Error as error:
        if os.environ.get("ATTRIBUTION_DEBUG"):
            raise
        code = BUSY if is_busy(error) else IO if is_io(error) else SOFTWARE
        raise fail(f"database error: {error}", code) from None
    except OSError as error:
        raise fail(f"{error}; {os_note}" if os_note else str(error), IO) from None
    except Exception as error:
        if os.environ.get("ATTRIBUTION_DEBUG"):
            raise
        raise fail(f"internal error: {type(error).__name__}: {error}", SOFTWARE) from None


def ingest_errors() -> AbstractContextManager[None]:
    """``errors`` of a command that reads inputs into the database (ingest, batch, load): an
    input that cannot be read stops it before anything is stored, and the message says so."""
    return errors(input_note="nothing was ingested")


def open_db(db_path: Path, *, create: bool = False, busy_timeout: int = 5000) -> Any:
    """The database at ``db_path``; one that does not exist is an error (66) unless ``create``."""
    from attribution.store import connect

    if str(db_path) != ":memory:" and not create and not db_path.exists():
        raise fail(f"database {db_path} does not exist (run `attribution ingest` first)", NO_INPUT)
    return connect(db_path, busy_timeout=busy_timeout, create=create)


# --------------------------------------------------------------------------- filter options

# The help texts name the vocabularies; tests/test_plumbing.py checks them against the enums
# (importing the library here would slow every start-up).
SpeakerOption = Annotated[str | None, typer.Option("--speaker", help="Full name, surname or alias (case-insensitive).")]
OrganisationOption = Annotated[
    str | None, typer.Option("--organisation", help="Speakers' organisation, or the organisation itself.")
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="direct, indirect or mixed; statement, unattributed or unresolved; "
        "or a speaker kind (person, organisation, government, media, unnamed, unknown).",
    ),
]
StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status", help="Review status: new, in_review, verified, false, misleading, unverifiable, dismissed."
    ),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="Published on or after (YYYY[-MM[-DD]]).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Published on or before (YYYY[-MM[-DD]]).")]
SaidSinceOption = Annotated[
    str | None,
    typer.Option(
        "--said-since",
        help="Said on or after (YYYY[-MM[-DD]]): the time the text gives ('said last week', 'in May'),"
        " a range that reaches the date counts; with no time in the text, the publication date.",
    ),
]
SaidUntilOption = Annotated[
    str | None, typer.Option("--said-until", help="Said on or before (YYYY[-MM[-DD]]), read like --said-since.")
]
DocumentOption = Annotated[
    str | None, typer.Option("--document", help="Document id (or a prefix of 6+), external id or source.")
]
ClaimsOption = Annotated[bool, typer.Option("--claims", help="Also list unattributed and unresolved claims.")]
MinConfidenceOption = Annotated[
    float,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Only statements at least this sure (confidence is the calibrated probability that a"
        " desk counts it; the default listing already keeps speech at the scorer's threshold).",
    ),
]


class Attributions(str, Enum):
    speech = "speech"
    all = "all"


AttributionsOption = Annotated[
    Attributions,
    typer.Option(
        "--attributions",
        help="speech: what somebody said or wrote (the default, what a desk reviews);"
        " all: also beliefs, intentions, perceptions and other acts (PolNeAR's broad attribution).",
    ),
]
BusyOption = Annotated[
    int,
    typer.Option(
        "--busy-timeout",
        min=0,
        help="Milliseconds to wait for another process's write lock before giving up (exit 75).",
    ),
]


def check_filters(
    kind: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    said_since: str | None = None,
    said_until: str | None = None,
) -> None:
    """Refuse a filter value no row can have (exit 2), before the database is opened."""
    from attribution.queries import KIND_VALUES, valid_date, valid_status
    from attribution.schema import REVIEW_STATUSES

    if kind is not None and kind.strip().lower() not in KIND_VALUES:
        raise typer.BadParameter(f"choose one of {', '.join(KIND_VALUES)}", param_hint="--kind")
    if status is not None and not valid_status(status.strip().lower()):
        raise typer.BadParameter(f"choose one of {', '.join(REVIEW_STATUSES)}", param_hint="--status")
    dates = (("--since", since), ("--until", until), ("--said-since", said_since), ("--said-until", said_until))
    for name, value in dates:
        if value is not None and not valid_date(value):
            raise typer.BadParameter("use YYYY, YYYY-MM or YYYY-MM-DD", param_hint=name)


# --------------------------------------------------------------------------- output


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        help="table: readable text; json: a list of rows, each with its statement id; "
        "csv: one row per statement (formula-safe).",
    ),
]


def write_json(value: Any) -> None:
    """Indented JSON on stdout, non-ASCII text as itself."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def write_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Formula-safe CSV on stdout, written by the export's cell rules."""
    from attribution.export.cells import listing_csv

    sys.stdout.write(listing_csv(rows, columns))


def emit(
    rows: Sequence[dict[str, Any]],
    output: Format,
    columns: Sequence[str],
    table: Callable[[Sequence[dict[str, Any]]], None],
) -> None:
    """Rows as ``--format`` asks: JSON, CSV of ``columns``, or ``table`` (the readable text)."""
    if output is Format.json:
        write_json(list(rows))
    elif output is Format.csv:
        write_csv(rows, columns)
    else:
        table(rows)


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned text columns, one line per row."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


def one_line(text: str | None) -> str:
    """``text`` with every run of white space (newlines too) as one space."""
    return " ".join((text or "").split())


def statement_columns() -> list[str]:
    """The CSV columns of a statement listing: the stable row keys, then the extra provenance."""
    from attribution.queries import EXTRA_KEYS, ROW_KEYS

    return list(ROW_KEYS) + list(EXTRA_KEYS)
