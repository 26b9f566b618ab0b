"""Commands over the SQLite store: ingest, quotes, speakers, search, review, correct, history,
reextract, backup, verify, unattributed, orphans. Thin: parse options, call one library
function, render. Exit codes: the table in plumbing.py (and the README).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import DEFAULT_DB, DbOption, ModelOption, WorkersOption, app
from .plumbing import (
    BUSY,
    DATA,
    INTERRUPTED,
    IO,
    Attributions,
    AttributionsOption,
    BusyOption,
    ClaimsOption,
    DocumentOption,
    Format,
    FormatOption,
    KindOption,
    MinConfidenceOption,
    OrganisationOption,
    SaidSinceOption,
    SaidUntilOption,
    SinceOption,
    SpeakerOption,
    StatusOption,
    UntilOption,
    aligned,
    check_filters,
    emit,
    errors,
    fail,
    ingest_errors,
    is_busy,
    one_line,
    open_db,
    statement_columns,
    write_csv,
    write_json,
)

if TYPE_CHECKING:
    from attribution.queries import StatementRow


def _print_statements(rows: Sequence[StatementRow], *, group: bool = True) -> None:
    if not rows:
        typer.echo("no statements match")
        return
    groups: dict[tuple[str, str], list[StatementRow]] = {}
    for row in rows:
        key = (row["speaker"] or "", row["speaker_kind"] or "") if group else ("", "")
        groups.setdefault(key, []).append(row)
    if group:
        order = sorted(groups, key=lambda k: (k[0] == "", k[0].casefold(), k[1]))
    else:
        order = list(groups)
    for key in order:
        items = groups[key]
        if group:
            first = items[0]
            details = [d for d in (first["speaker_kind"], first["role"], first["organisation"]) if d]
            name = key[0] or "(no speaker)"
            noun = "statement" if len(items) == 1 else "statements"
            suffix = f" ({'; '.join(details)})" if details and key[0] else ""
            typer.echo(f"{name}{suffix}: {len(items)} {noun}")
        for row in items:
            flag = ", needs re-review" if row.get("needs_rereview") else ""
            meta = [row["id"], row["type"] or row["kind"], row["cue"] or "", f"[{row['status']}{flag}]"]
            if row["score"] is not None:
                meta.append(f"score={row['score']:.2f}")
            if row.get("act") and row["act"] != "speech":
                meta.append(f"act={row['act']}")
            if not group and row["speaker"]:
                meta.append(f"speaker={row['speaker']}")
            meta.append(row["published"] or "-")
            meta.append(row["document_title"] or row["source"] or row["document_id"][:12])
            typer.echo("  " + "  ".join(m for m in meta if m))
            typer.echo(f"    {one_line(row['content'])}")
            if row["note"]:
                typer.echo(f"    note: {one_line(row['note'])}")


# --------------------------------------------------------------------------- ingest


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        # readable=False: an unreadable path is the library's to report (exit 66), not a usage error
        typer.Argument(help="Files (.txt, .html, .jsonl) or folders to read, extract and store.", readable=False),
    ],
    db: DbOption = DEFAULT_DB,
    model: ModelOption = None,
    max_bytes: Annotated[
        int,
        typer.Option("--max-bytes", min=1, help="Reject any document or JSONL line larger than this."),
    ] = 10_000_000,
    workers: WorkersOption = 1,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0,
            help="Seconds one document's extraction may take; an overrun is killed and reported"
            " 'failed: timeout' and the batch goes on. 0 = no limit (and with one worker, no worker process).",
        ),
    ] = 60.0,
    fail_fast: Annotated[
        bool,
        typer.Option("--fail-fast", help="Stop at the first rejected or failed input."),
    ] = False,
    busy_timeout: BusyOption = 5000,
    json_summary: Annotated[
        bool,
        typer.Option("--json-summary", help="Print a JSON run summary instead of the table."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-document progress on stderr.")] = False,
) -> None:
    """Extract statements from PATHS and store them; re-ingesting the same text changes nothing.

    Each document is stored in its own transaction. Exit 0 when every input was stored,
    unchanged or skipped (empty); 65 when some were rejected or failed (the rest are kept);
    66 when a path does not exist; 75 when the database stayed locked; 130 on Ctrl-C and
    143 on SIGTERM (finished documents are kept; re-run to continue).
    """
    from attribution.ingest import check_paths, printable, read_documents
    from attribution.jobs import IngestReport, Outcome, Terminated, ingest_paths, sigterm_interrupts
    from attribution.models import Document

    with ingest_errors():
        check_paths(paths)  # before the pipeline loads or the database opens
    done = {"n": 0}
    warnings: dict[str, tuple[str, ...]] = {}  # source -> the document's warnings, for the table

    def noted(items: Iterator[Any]) -> Iterator[Any]:
        for item in items:
            if isinstance(item, Document) and item.warnings:
                warnings[item.source or item.id] = item.warnings
            yield item

    def progress(outcome: Outcome) -> None:
        done["n"] += 1
        if quiet:
            return
        detail = outcome.reason
        if outcome.status == "stored":
            detail = f"{outcome.n_statements} statements, {outcome.n_claims} claims"
        typer.echo(printable(f"[{done['n']}] {outcome.status}: {outcome.source}" +
                             (f" ({one_line(detail)})" if detail else "")), err=True)  # fmt: skip

    report = IngestReport()
    try:
        with ingest_errors(), sigterm_interrupts():
            ingest_paths(
                db,
                paths,
                documents=noted(read_documents(paths, max_bytes=max_bytes)),
                model=model,
                max_bytes=max_bytes,
                workers=workers,
                timeout=timeout or None,
                fail_fast=fail_fast,
                busy_timeout=busy_timeout,
                progress=progress,
                report=report,
            )
    except KeyboardInterrupt as stop:
        stored = sum(1 for o in report.outcomes if o.status == "stored")
        cause, code = (
            ("terminated", Terminated.exit_code) if isinstance(stop, Terminated) else ("interrupted", INTERRUPTED)
        )
        raise fail(
            f"{cause}: {stored} documents committed, the one in progress was not; re-run to continue",
            code,
        ) from None
    counts = report.counts()
    if json_summary:
        summary = {
            "run_id": report.run_id,
            "status": report.status,
            "counts": {k[2:]: v for k, v in counts.items()},
            "inputs": [
                {**o.__dict__, "warnings": list(warnings[o.source])}
                if o.status in {"stored", "unchanged"} and o.source in warnings
                else o.__dict__
                for o in report.outcomes
            ],
        }
        write_json(summary)
    else:
        lines = [("status", "source", "detail")]
        for outcome in report.outcomes:
            detail = outcome.reason
            if outcome.status == "stored":
                detail = f"{outcome.n_statements} statements, {outcome.n_claims} claims"
            if outcome.status in {"stored", "unchanged"}:
                detail = "; ".join((detail, *warnings.get(outcome.source, ())))
            lines.append((outcome.status, printable(outcome.source), printable(one_line(detail))))
        for line in aligned(lines):
            typer.echo(line)
        typer.echo(
            f"{counts['n_stored']} stored, {counts['n_unchanged']} unchanged,"
            f" {counts['n_skipped']} skipped, {counts['n_rejected']} rejected,"
            f" {counts['n_failed']} failed (run {report.run_id})"
        )
    if report.problems:
        raise typer.Exit(DATA)


# --------------------------------------------------------------------------- listings


@app.command()
def quotes(
    db: DbOption = DEFAULT_DB,
    speaker: SpeakerOption = None,
    organisation: OrganisationOption = None,
    kind: KindOption = None,
    status: StatusOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    said_since: SaidSinceOption = None,
    said_until: SaidUntilOption = None,
    document: DocumentOption = None,
    claims: ClaimsOption = False,
    min_confidence: MinConfidenceOption = 0.0,
    attributions: AttributionsOption = Attributions.speech,
    output: FormatOption = Format.table,
) -> None:
    """List stored statements, grouped by speaker (speech acts unless --attributions all)."""
    from attribution.queries import statement_rows

    check_filters(kind, status, since, until, said_since, said_until)
    with errors():
        database = open_db(db)
        rows = statement_rows(
            database,
            speaker=speaker,
            organisation=organisation,
            kind=kind,
            status=status,
            since=since,
            until=until,
            said_since=said_since,
            said_until=said_until,
            document=document,
            include_claims=claims,
            min_confidence=min_confidence,
            attributions=attributions.value,
        )
        if output is Format.json:
            from attribution.echoes import with_echo_groups

            rows = with_echo_groups(database, rows)
    emit(rows, output, statement_columns(), _print_statements)


speakers_app = typer.Typer(no_args_is_help=False, add_completion=False, rich_markup_mode=None)
app.add_typer(speakers_app, name="speakers")


@speakers_app.callback(invoke_without_command=True)
def speakers(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    attributions: AttributionsOption = Attributions.speech,
    output: FormatOption = Format.table,
) -> None:
    """List speakers, one row per person, organisation or government however it was spelled,
    with kind, role, organisation, number of statements and every alias (json: with reasons).
    `speakers show NAME` shows one speaker's statements across the corpus."""
    from attribution.queries import speaker_rows

    if ctx.invoked_subcommand is not None:
        return
    with errors():
        rows = speaker_rows(open_db(db), attributions=attributions.value)

    def table(rows: Sequence[dict[str, Any]]) -> None:
        lines = [("speaker", "kind", "role", "organisation", "statements", "aliases")]
        for row in rows:
            lines.append(
                (
                    row["name"], row["kind"], row["role"] or "", row["organisation"] or "",
                    str(row["n_statements"]), ", ".join(row["aliases"]),
                )
            )  # fmt: skip
        for line in aligned(lines):
            typer.echo(line)

    columns = ["id", "name", "kind", "role", "organisation", "n_statements", "n_documents",
               "aliases", "country"]  # fmt: skip
    emit(rows, output, columns, table)


@speakers_app.command("show")
def speakers_show(
    name: Annotated[str, typer.Argument(help="The speaker: full name, surname or any alias or spelling.")],
    db: DbOption = DEFAULT_DB,
    attributions: AttributionsOption = Attributions.speech,
    output: Annotated[
        Format,
        typer.Option("--format", help="table: readable text; json: the speaker with every statement; csv: statements."),
    ] = Format.table,
) -> None:
    """Every statement of one speaker across documents, with the outlets, first and last
    publication date, and the roles and affiliations the articles gave."""
    from attribution.queries import speaker_profile

    with errors():
        profile = speaker_profile(open_db(db), name, attributions=attributions.value)
    if output is Format.json:
        write_json(profile)
        return
    if output is Format.csv:
        write_csv(profile["statements"], statement_columns())
        return
    seen = (profile["first_seen"] or "-") + (
        f" .. {profile['last_seen']}" if profile["last_seen"] != profile["first_seen"] else ""
    )
    details = [
        ("speaker", f"{profile['name']} ({profile['kind']})"),
        ("aliases", ", ".join(profile["aliases"])),
        ("roles", "; ".join(profile["roles"])),
        ("affiliations", "; ".join(profile["affiliations"])),
        ("countries", "; ".join(profile["countries"])),
        ("outlets", "; ".join(profile["outlets"])),
        ("seen", f"{seen} ({profile['n_documents']} documents)"),
    ]
    for line in aligned([(label, value) for label, value in details if value]):
        typer.echo(line)
    if profile["decisions"]:
        typer.echo("history")
        for decision in profile["decisions"]:
            typer.echo(f"  {_decision_line(decision)}")
    _print_statements(profile["statements"])


def _decision_line(decision: dict[str, Any]) -> str:
    """One reviewer decision: its number, date, what it did, who and why."""
    by = f" by {decision['reviewer']}" if decision["reviewer"] else ""
    note = f": {one_line(decision['note'])}" if decision["note"] else ""
    return f"#{decision['id']} {decision['decided_at']} {decision['summary']}{by}{note}"


ReviewerOption = Annotated[
    str | None,
    typer.Option("--reviewer", envvar="ATTRIBUTION_REVIEWER", help="Who decides (env ATTRIBUTION_REVIEWER)."),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (free text, kept in the history).")]
DecisionFormat = Annotated[
    Format, typer.Option("--format", help="table: one line; json: the decision as stored (csv: as table).")
]
SpeakerArgument = Annotated[str, typer.Argument(help="A speaker: id, unique id prefix, name or any alias.")]


def _decide(action: str, args: tuple[str, str], db: Path, reviewer: str | None, note: str | None,
            output: Format, busy_timeout: int) -> None:  # fmt: skip
    """Record one speaker decision (speaker_decisions.py) and print it."""
    from attribution import speaker_decisions
    from attribution.review import note_problem

    problem = note_problem(note)
    if problem:
        raise typer.BadParameter(problem, param_hint="--note")
    with errors():
        database = open_db(db, busy_timeout=busy_timeout)
        row = getattr(speaker_decisions, action)(database, *args, reviewer=reviewer, note=note)
    if output is Format.json:
        write_json(row)
    else:
        typer.echo(f"decision {_decision_line(row)}")


@speakers_app.command("merge")
def speakers_merge(
    into: SpeakerArgument,
    other: Annotated[str, typer.Argument(help="The speaker that becomes the same identity as the first.")],
    db: DbOption = DEFAULT_DB,
    reviewer: ReviewerOption = None,
    note: NoteOption = None,
    output: DecisionFormat = Format.table,
    busy_timeout: BusyOption = 5000,
) -> None:
    """B becomes the same speaker as A (kept through every later ingest and reextract)."""
    _decide("merge", (into, other), db, reviewer, note, output, busy_timeout)


@speakers_app.command("split")
def speakers_split(
    name: SpeakerArgument,
    alias: Annotated[str, typer.Option("--alias", help="The alias or spelling that becomes its own speaker.")],
    db: DbOption = DEFAULT_DB,
    reviewer: ReviewerOption = None,
    note: NoteOption = None,
    output: DecisionFormat = Format.table,
    busy_timeout: BusyOption = 5000,
) -> None:
    """One alias (a merged speaker, an attached surname) or the statements stored under one
    spelling leave the speaker and become their own."""
    _decide("split", (name, alias), db, reviewer, note, output, busy_timeout)


@speakers_app.command("rename")
def speakers_rename(
    name: SpeakerArgument,
    new_name: Annotated[str, typer.Argument(help="The name to show; the old one stays an alias.")],
    db: DbOption = DEFAULT_DB,
    reviewer: ReviewerOption = None,
    note: NoteOption = None,
    output: DecisionFormat = Format.table,
    busy_timeout: BusyOption = 5000,
) -> None:
    """Set the name a speaker is shown by."""
    _decide("rename", (name, new_name), db, reviewer, note, output, busy_timeout)


alias_app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                        help="Add or remove a name a speaker is found by.")  # fmt: skip
speakers_app.add_typer(alias_app, name="alias")


@alias_app.command("add")
def speakers_alias_add(
    name: SpeakerArgument,
    alias: Annotated[str, typer.Argument(help="The new alias.")],
    db: DbOption = DEFAULT_DB,
    reviewer: ReviewerOption = None,
    note: NoteOption = None,
    output: DecisionFormat = Format.table,
    busy_timeout: BusyOption = 5000,
) -> None:
    """One more name that finds the speaker (`quotes --speaker ALIAS`)."""
    _decide("alias_add", (name, alias), db, reviewer, note, output, busy_timeout)


@alias_app.command("remove")
def speakers_alias_remove(
    name: SpeakerArgument,
    alias: Annotated[str, typer.Argument(help="The alias to remove.")],
    db: DbOption = DEFAULT_DB,
    reviewer: ReviewerOption = None,
    note: NoteOption = None,
    output: DecisionFormat = Format.table,
    busy_timeout: BusyOption = 5000,
) -> None:
    """A name that should no longer find the speaker (its statements stay with it)."""
    _decide("alias_remove", (name, alias), db, reviewer, note, output, busy_timeout)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in statement text (all must occur).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show at most this many results.")] = None,
    attributions: AttributionsOption = Attributions.speech,
    output: FormatOption = Format.table,
) -> None:
    """Full-text search over statement and claim text, best matches first."""
    from attribution.queries import search as search_rows

    with errors():
        rows = search_rows(open_db(db), query, limit=limit, attributions=attributions.value)
    emit(rows, output, statement_columns(), lambda r: _print_statements(r, group=False))


@app.command()
def unattributed(
    db: DbOption = DEFAULT_DB,
    min_score: Annotated[float, typer.Option("--min-score", help="Only claims scoring at least this (0-1).")] = 0.0,
    output: FormatOption = Format.table,
) -> None:
    """List check-worthy claims nobody is credited for, highest score first."""
    from attribution.queries import unattributed_rows

    with errors():
        rows = unattributed_rows(open_db(db), min_score)
    emit(rows, output, statement_columns(), lambda r: _print_statements(r, group=False))


# --------------------------------------------------------------------------- review


@app.command()
def review(
    statement: Annotated[str, typer.Argument(help="Statement id (or a unique prefix).")],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="new, in_review, verified, false, misleading, unverifiable or dismissed.",
        ),
    ],
    db: DbOption = DEFAULT_DB,
    note: Annotated[str | None, typer.Option("--note", help="Free-text note.")] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            envvar="ATTRIBUTION_REVIEWER",
            help="Who reviews (env ATTRIBUTION_REVIEWER).",
        ),
    ] = None,
    busy_timeout: BusyOption = 5000,
) -> None:
    """Record a review verdict; earlier verdicts are kept in the history.

    A statement a re-extraction replaced is refused (the message names its successor); an
    ambiguous id prefix lists the statements it matches.
    """
    from attribution.queries import resolve_statement_id
    from attribution.review import note_problem, record_review

    check_filters(status=status)
    problem = note_problem(note)
    if problem:
        raise typer.BadParameter(problem, param_hint="--note")
    with errors():
        database = open_db(db, busy_timeout=busy_timeout)
        full_id = resolve_statement_id(database, statement)
        row = record_review(database, full_id, status, note=note, reviewer=reviewer)
    typer.echo(f"{row['statement_id']}: {row['status']} (review {row['id']}, {row['created_at']})")


@app.command()
def correct(
    statement: Annotated[str, typer.Argument(help="Statement id (or a unique prefix).")],
    db: DbOption = DEFAULT_DB,
    speaker: Annotated[
        str | None,
        typer.Option("--speaker", help="Who really said it: an existing speaker's name, alias or id, or a new name."),
    ] = None,
    speaker_kind: Annotated[
        str | None,
        typer.Option("--speaker-kind", help="Kind of a newly named speaker (person unless given)."),
    ] = None,
    quote_type: Annotated[str | None, typer.Option("--type", help="The quote type: direct, indirect or mixed.")] = None,
    not_statement: Annotated[
        bool | None,
        typer.Option("--not-statement/--is-statement", help="Mark it not a statement (or withdraw that)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")] = None,
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", envvar="ATTRIBUTION_REVIEWER", help="Who corrects (env ATTRIBUTION_REVIEWER)."),
    ] = None,
    busy_timeout: BusyOption = 5000,
) -> None:
    """Correct what extraction got wrong: the speaker, the quote type, or that it is a statement.

    Corrections are kept like reviews (append-only, carried across reextract); listings and
    exports show the corrected values with the extractor's own beside them.
    """
    from attribution.corrections import InvalidCorrection, record_correction
    from attribution.queries import resolve_statement_id

    wanted = [("speaker", speaker), ("type", quote_type)]
    if not_statement is not None:
        wanted.append(("not_statement", "yes" if not_statement else "no"))
    wanted = [(field, value) for field, value in wanted if value is not None]
    if not wanted:
        raise typer.BadParameter("give --speaker, --type or --not-statement", param_hint="STATEMENT")
    refused: tuple[str, str] | None = None
    with errors():
        database = open_db(db, busy_timeout=busy_timeout)
        full_id = resolve_statement_id(database, statement)
        for field, value in wanted:
            try:
                row = record_correction(
                    database, full_id, field, value, speaker_kind=speaker_kind, note=note, reviewer=reviewer
                )
            except InvalidCorrection as error:
                refused = (str(error), f"--{field.replace('_', '-')}")
                break
            shown = row["value"] + (f" ({row['speaker_kind']})" if field == "speaker" and row["speaker_kind"] else "")
            typer.echo(f"{full_id}: {field}: {row['original'] or '(none)'} -> {shown} (correction {row['id']})")
    if refused is not None:
        raise typer.BadParameter(refused[0], param_hint=refused[1])


@app.command()
def history(
    statement: Annotated[str, typer.Argument(help="Statement id (or a unique prefix).")],
    db: DbOption = DEFAULT_DB,
    output: FormatOption = Format.table,
) -> None:
    """Show every review of a statement, oldest first (including re-anchored ones), every
    correction a reviewer made, and every change of its speaker, type or content a
    re-extraction made under a verdict."""
    from attribution.corrections import corrections_for
    from attribution.queries import is_current, resolve_statement_id
    from attribution.review import attribution_changes
    from attribution.review import history as review_history

    with errors():
        database = open_db(db)
        full_id = resolve_statement_id(database, statement)
        rows = [{**row, "event": "review"} for row in review_history(database, full_id)]
        for change in attribution_changes(database, full_id):
            before, after = change["old_value"] or "(none)", change["new_value"] or "(none)"
            rows.append(
                {
                    "id": change["id"],
                    "statement_id": change["statement_id"],
                    "status": None,
                    "note": f"{change['field']}: {before} -> {after}",
                    "reviewer": None,
                    "created_at": change["created_at"],
                    "via": f"run {change['run_id']}" if change["run_id"] else "re-extraction",
                    "event": "attribution-changed",
                    "field": change["field"],
                    "old_value": change["old_value"],
                    "new_value": change["new_value"],
                    "confirmed": change["confirmed"],
                }
            )
        for correction in corrections_for(database, full_id):
            why = f": {correction['note']}" if correction["note"] else ""
            before = correction["original"] or "(none)"
            rows.append(
                {
                    "id": correction["id"],
                    "statement_id": correction["statement_id"],
                    "status": None,
                    "note": f"{correction['field']}: {before} -> {correction['value']}{why}",
                    "reviewer": correction["reviewer"],
                    "created_at": correction["created_at"],
                    "via": correction["via"] if correction["via"] == "direct" else "from an earlier version",
                    "event": "correction",
                    "field": correction["field"],
                    "old_value": correction["original"],
                    "new_value": correction["value"],
                    "confirmed": None,
                }
            )
        rows.sort(key=lambda row: (row["created_at"], row["event"] != "review", row["id"]))
        pending = any(row["event"] == "attribution-changed" and not row["confirmed"] for row in rows)

    def table(rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            typer.echo(f"{full_id}: no reviews")
            return
        if is_current(database, full_id) is False:
            typer.echo(f"{full_id} is no longer current (a re-extraction replaced it)")
        lines = [("when", "status", "reviewer", "note", "via")]
        for row in rows:
            if row["event"] == "review":
                status = row["status"]
                via = row["via"] if row["via"] == "direct" else f"from {row['statement_id']}"
            elif row["event"] == "correction":
                status, via = "corrected", row["via"]
            else:
                status = "changed, confirmed" if row["confirmed"] else "changed: needs re-review"
                via = row["via"]
            lines.append(
                (row["created_at"], status, row["reviewer"] or "", one_line(row["note"]), via)
            )  # fmt: skip
        for line in aligned(lines):
            typer.echo(line)
        if pending:
            typer.echo(
                f"{full_id} needs re-review: its attribution changed after the verdict;"
                " record a review to confirm or correct it"
            )

    columns = ["id", "statement_id", "status", "note", "reviewer", "created_at", "via", "event",
               "field", "old_value", "new_value", "confirmed"]  # fmt: skip
    emit(rows, output, columns, table)


@app.command()
def orphans(db: DbOption = DEFAULT_DB, output: FormatOption = Format.table) -> None:
    """List reviews whose statement a re-extraction dropped with no anchor match (kept, never
    deleted)."""
    from attribution.queries import orphaned_reviews

    with errors():
        rows = orphaned_reviews(open_db(db))

    def table(rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            typer.echo("no orphaned reviews")
            return
        lines = [("statement", "status", "reviewer", "when", "source", "content")]
        for row in rows:
            lines.append(
                (row["statement_id"], row["status"], row["reviewer"] or "", row["created_at"],
                 row["source"] or "", one_line(row["content"])[:80])
            )  # fmt: skip
        for line in aligned(lines):
            typer.echo(line)

    columns = ["review_id", "statement_id", "status", "note", "reviewer", "created_at",
               "document_id", "source", "content"]  # fmt: skip
    emit(rows, output, columns, table)


@app.command()
def reextract(
    db: DbOption = DEFAULT_DB,
    model: ModelOption = None,
    all_documents: Annotated[
        bool,
        typer.Option("--all", help="Redo every document, not only those from older extractors."),
    ] = False,
    busy_timeout: BusyOption = 5000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Re-run the current extractor over stored documents; reviews are re-anchored, never lost."""
    from attribution.jobs import reextract as run_reextract

    with errors():
        database = open_db(db, busy_timeout=busy_timeout)
        try:
            report = run_reextract(database, model=model, all=all_documents)
        except KeyboardInterrupt:
            raise fail("interrupted: finished documents were kept; re-run to continue", INTERRUPTED) from None
    if as_json:
        write_json(report.as_dict())
    else:
        typer.echo(
            f"{report.documents} documents re-extracted: {report.changed} changed,"
            f" {report.unchanged} unchanged, {len(report.failed)} failed;"
            f" statements +{report.added} ~{report.updated} -{report.retired};"
            f" reviews re-anchored {report.relinked}, orphaned {report.orphaned_reviews},"
            f" needing re-review {report.needs_rereview}"
            f" (run {report.run_id})"
        )
        for failed in report.failed:
            typer.echo(f"failed: {failed.source}: {failed.reason}", err=True)
    if report.failed:
        raise typer.Exit(DATA)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="New file to write the copy to (must not exist).")],
    db: DbOption = DEFAULT_DB,
    busy_timeout: BusyOption = 5000,
) -> None:
    """Copy the database to TARGET while others may keep writing: a consistent snapshot in
    which every document is complete (SQLite online backup). Exit 73 if TARGET exists, 74 if
    it cannot be written."""
    import sqlite3

    from attribution.store import backup as backup_store

    with errors():
        database = open_db(db, busy_timeout=busy_timeout)
        try:
            documents = backup_store(database, target)
        except KeyboardInterrupt:  # the partial copy is already removed
            raise fail(f"interrupted: no backup was written to {target}", INTERRUPTED) from None
        except (sqlite3.Error, OSError) as error:
            if isinstance(error, sqlite3.OperationalError) and is_busy(error):
                raise fail(f"database {db} is busy ({error}); no backup was written; re-run", BUSY) from None
            # the copy is what failed (SQLite reports a file it cannot create as "unable to
            # open"): an I/O error, and the partial copy is already removed
            raise fail(f"{target}: cannot write the backup: {error}; no backup was written", IO) from None
    from attribution.ingest import printable

    typer.echo(printable(f"{target}: {documents} documents copied from {db}"))


@app.command()
def verify(
    db: DbOption = DEFAULT_DB,
    quick: Annotated[bool, typer.Option("--quick", help="PRAGMA quick_check instead of integrity_check.")] = False,
) -> None:
    """Check every stored span, every document hash and the SQLite integrity; exit 65 when a check fails."""
    from attribution.queries import orphaned_review_count
    from attribution.store import verify as verify_store

    with errors():
        database = open_db(db)
        problems = verify_store(database, full=not quick)
        orphaned = orphaned_review_count(database)
    if orphaned:
        typer.echo(f"note: {orphaned} orphaned reviews are kept (see `attribution orphans`)")
    if problems:
        for problem in problems:
            typer.echo(problem)
        raise fail(f"{len(problems)} problems found in {db}", DATA)
    typer.echo(f"{db}: ok")
