"""`export`, `import-reviews` and `serve`: review sheets out, verdicts back in, a review UI.

Exit codes: the table in plumbing.py (and the README).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .app import DEFAULT_DB, DbOption, app
from .plumbing import (
    DATA,
    NO_INPUT,
    UNAVAILABLE,
    Attributions,
    AttributionsOption,
    DocumentOption,
    KindOption,
    OrganisationOption,
    SinceOption,
    SpeakerOption,
    StatusOption,
    UntilOption,
    check_filters,
    errors,
    fail,
    open_db,
)

MAX_WARNINGS_SHOWN = 20
# Added to the message of an error that stopped the command before it wrote or recorded anything.
NOTHING_RECORDED = "nothing was recorded"
NOTHING_WRITTEN = "nothing written"


class SheetFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    claimreview = "claimreview"


def _show_warnings(warnings: Sequence[str], what: str) -> None:
    """Every alteration is reported: the first few in full, the rest counted."""
    if not warnings:
        return
    typer.echo(f"warning: {len(warnings)} cell(s) altered to fit {what}:", err=True)
    for line in warnings[:MAX_WARNINGS_SHOWN]:
        typer.echo(f"  {line}", err=True)
    if len(warnings) > MAX_WARNINGS_SHOWN:
        typer.echo(f"  ... and {len(warnings) - MAX_WARNINGS_SHOWN} more", err=True)


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="File to write. A relative path must stay inside the working directory.",
            dir_okay=False,
        ),
    ],
    output_format: Annotated[
        SheetFormat | None,
        typer.Option(
            "--format",
            help="xlsx (review sheet, default), csv (formula-safe), json (with document texts "
            "and hashes), jsonl, or claimreview (schema.org JSON-LD for reviewed statements). "
            "Default: from --out's suffix, else xlsx.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    speaker: SpeakerOption = None,
    organisation: OrganisationOption = None,
    kind: KindOption = None,
    status: StatusOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    document: DocumentOption = None,
    attributions: AttributionsOption = Attributions.speech,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    excel: Annotated[bool, typer.Option("--excel", help="CSV only: UTF-8 with a BOM, for Excel.")] = False,
    reviewer_org: Annotated[
        str | None,
        typer.Option("--reviewer-org", help="ClaimReview only: the fact-checking organisation."),
    ] = None,
) -> None:
    """Write statements and flagged claims as a review sheet or a machine-readable file.

    One row per statement or claim. Text that a spreadsheet would run as a formula gets a
    leading ' (and nothing else is changed); XLSX cells that cannot hold a value are
    marked and reported. The file appears complete or not at all. Exit 73 when the target
    exists (without --force), is a symlink, or leaves the working directory.
    """
    from attribution.export import ExportFormat, export_rows
    from attribution.queries import statement_rows

    check_filters(kind, status, since, until)
    fmt = ExportFormat(output_format.value) if output_format else ExportFormat.for_path(out)
    fmt = fmt or ExportFormat.XLSX
    filters = {
        "speaker": speaker,
        "organisation": organisation,
        "kind": kind,
        "status": status,
        "since": since,
        "until": until,
        "document": document,
        "attributions": attributions.value,
    }
    with errors(input_note=NOTHING_RECORDED, os_note=NOTHING_WRITTEN):
        from attribution.export import check_target

        check_target(out, force=force)  # refuse before reading the database
        database = open_db(db)
        rows = statement_rows(database, include_claims=True, **filters)
        about = [
            ("exported", date.today().isoformat()),
            ("database", str(db)),
            ("filters", json.dumps({k: v for k, v in filters.items() if v is not None})),
            ("offsets", "code-point offsets into the stored document text, end exclusive"),
            (
                "import",
                "edit status and note, then run `attribution import-reviews FILE`; rows are matched by id",
            ),
        ]
        documents = None
        if fmt is ExportFormat.JSON:
            from attribution.export import document_texts

            documents = document_texts(database, (r["document_id"] for r in rows))
        report = export_rows(
            rows,
            out,
            fmt,
            force=force,
            about=about,
            excel_csv=excel,
            reviewer=reviewer_org,
            review_date=date.today().isoformat(),
            documents=documents,
        )
    _show_warnings(report.warnings, fmt.value)
    noun = "review" if fmt is ExportFormat.CLAIMREVIEW else "row"
    typer.echo(f"wrote {report.rows} {noun}{'' if report.rows == 1 else 's'} to {out}", err=True)


@app.command("import-reviews")
def import_reviews_command(
    sheet: Annotated[Path, typer.Argument(help="A filled-in XLSX or CSV sheet from `export`.")],
    db: DbOption = DEFAULT_DB,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Name recorded with every review.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be recorded; record nothing.")] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Also record rows whose statement was reviewed again after the sheet was exported "
            "(reported as conflicts otherwise).",
        ),
    ] = False,
) -> None:
    """Record the statuses and notes of a filled review sheet as reviews, matched by id.

    Only rows whose status or note differ from the current review are recorded. A row whose
    statement was reviewed again since the export (its review_id cell is not the current
    review) is a conflict: reported and not recorded unless --force. An empty note cell
    keeps the note; write [clear] to clear it. Rows with an unknown or repeated id, an
    invalid status, a formula or control characters are reported with their row number and
    skipped, never guessed: exit 65 if any row was rejected or in conflict (the other rows
    are recorded).
    """
    from attribution.export import import_reviews, plan_import, read_sheet

    with errors(input_note=NOTHING_RECORDED, os_note=NOTHING_WRITTEN):
        if not sheet.is_file():
            raise fail(f"{sheet}: no such file; nothing was recorded", NO_INPUT)
        database = open_db(db)
        if dry_run:
            plan = plan_import(database, read_sheet(sheet), force=force)
            recorded, rejected, unchanged, conflicts = plan.changes, plan.rejected, plan.unchanged, plan.conflicts
        else:
            result = import_reviews(database, sheet, reviewer=reviewer, force=force)
            recorded, rejected, unchanged = result.recorded, result.rejected, result.unchanged
            conflicts = result.conflicts
    for change in recorded:
        note = "" if change.note is None else f" (note {'cleared' if not change.note else 'set'})"
        verb = "would record" if dry_run else "recorded"
        typer.echo(f"row {change.row}: {verb} {change.status} for {change.statement_id}{note}")
    for conflict in conflicts:
        typer.echo(f"conflict: {sheet}: {conflict}", err=True)
    for rejection in rejected:
        typer.echo(f"rejected: {sheet}: {rejection}", err=True)
    in_conflict = f", {len(conflicts)} in conflict (not recorded)" if conflicts else ""
    typer.echo(
        f"{len(recorded)} review(s) {'to record' if dry_run else 'recorded'}, "
        f"{unchanged} row(s) unchanged, {len(rejected)} rejected{in_conflict}",
        err=True,
    )
    if rejected or conflicts:
        raise typer.Exit(DATA)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8001,
) -> None:
    """The review desk at /-/review, in Datasette (install the `serve` extra).

    A queue of statements to review, each statement in its article with a verdict form and
    corrections, speaker and article pages; Datasette's tables with facets and search
    beside it. Anyone who can reach the port can record reviews, so keep the default
    loopback host unless you put authentication in front.
    """
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise fail(
            "Datasette is not installed; install it with `pip install 'attribution[serve]'`", UNAVAILABLE
        ) from None
    from attribution.desk.app import serve
    from attribution.serve import database_name

    with errors(input_note=NOTHING_RECORDED, os_note=NOTHING_WRITTEN):
        open_db(db).close()  # exists, is an attribution database, schema up to date
        if not _is_loopback(host):
            typer.echo(
                f"warning: listening on {host}: anyone who can reach it can record reviews",
                err=True,
            )
        name = database_name(db)
        base = f"http://{host}:{port}"
        typer.echo(f"serving {db}: review desk at {base}/-/review, tables at {base}/{name} (Ctrl-C to stop)", err=True)
        serve(db, host=host, port=port)
