"""`extract` and `evaluate`: extraction with no database, and scoring against gold."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .app import ModelOption, WorkersOption, app
from .plumbing import DATA, INTERRUPTED, Attributions, AttributionsOption, errors, fail


class ExtractFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


@app.command()
def extract(
    paths: Annotated[
        list[Path],
        # readable=False: an unreadable path is the library's to report (exit 66), not a usage error
        typer.Argument(help=".txt/.md/.html files, folders, or .jsonl files with id and text.", readable=False),
    ],
    output_format: Annotated[
        ExtractFormat,
        typer.Option(
            "--format", help="jsonl: one JSON object per document (the score.py format); table: readable lines."
        ),
    ] = ExtractFormat.jsonl,
    model: ModelOption = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Refuse any document or JSONL line larger than this many bytes.")
    ] = 10_000_000,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Documents parsed per spaCy batch.")] = 32,
    workers: WorkersOption = 1,
    attributions: AttributionsOption = Attributions.speech,
) -> None:
    """Find who said what in PATHS and print it; nothing is stored."""
    from attribution.extract import extract_documents
    from attribution.ingest import InputProblem, printable, read_documents
    from attribution.records import extraction_record

    problems: list[InputProblem] = []

    def documents(items):
        for item in items:
            if isinstance(item, InputProblem):
                problems.append(item)
                typer.echo(printable(f"{item.status}: {item.source}: {item.reason}"), err=True)
            else:
                for warning in item.warnings:
                    typer.echo(printable(f"warning: {item.source or item.id}: {warning}"), err=True)
                yield item

    try:
        with errors():
            # Paths and the imports their file types need are checked here, before the pipeline loads.
            items = read_documents(paths, max_bytes=max_bytes)
            batches = extract_documents(documents(items), model=model, batch_size=batch_size, n_process=workers)
            for extraction in batches:
                record = extraction_record(extraction, attributions.value)
                if output_format is ExtractFormat.jsonl:
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                else:
                    _print_table(record)
    except KeyboardInterrupt:  # typer would exit 130 without a word
        raise fail("interrupted: the documents printed so far are complete", INTERRUPTED) from None
    if any(p.status != "skipped" for p in problems):
        raise typer.Exit(DATA)


def _print_table(record: dict) -> None:
    """Readable lines, one per quote; every value on one line with controls and bidi escaped."""
    from attribution.ingest import printable

    def shown(value: object) -> str:
        return printable(" ".join(str(value).split()))

    agencies = ", ".join(record["agencies"]) or "-"
    typer.echo(f"# {shown(record['id'])}  published={shown(record['published'] or '-')}  agencies={shown(agencies)}")
    for quote in record["quotes"]:
        speaker = shown(quote["speaker"] or "(unknown)")
        cue, content = shown(quote["cue"] or ""), shown(quote["content"])
        typer.echo(f"{quote['type']:<8} {speaker} [{quote['speaker_kind']}] {cue}: {content}")


@app.command()
def evaluate(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold JSONL (id, text, quotes), e.g. ../shared/eval/polnear-dev.jsonl.", exists=True, dir_okay=False
        ),
    ],
    pred: Annotated[
        Path | None,
        typer.Option(
            "--pred", help="Read predictions from this JSONL instead of extracting.", exists=True, dir_okay=False
        ),
    ] = None,
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    attributions: AttributionsOption = Attributions.speech,
) -> None:
    """Score extraction against gold annotations: lenient, exact, end-to-end, speaker, by type."""
    from attribution.evaluate import evaluate_file, render

    with errors():
        result = evaluate_file(gold, pred, model=model, attributions=attributions.value)
    typer.echo(json.dumps(result, indent=2) if as_json else render(result))
