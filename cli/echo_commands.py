"""``attribution echoes``: one remark reported by several documents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any

import typer

from .app import DEFAULT_DB, DbOption, app
from .plumbing import errors as _errors
from .plumbing import one_line as _one_line
from .plumbing import open_db as _open


class EchoFormat(str, Enum):
    table = "table"
    json = "json"


def _print_groups(groups: Sequence[dict[str, Any]]) -> None:
    if not groups:
        typer.echo("no echoes found")
        return
    for group in groups:
        first = group["first_appearance"]
        typer.echo(
            f"{group['speaker'] or '(speaker unknown)'}: first {first['published'] or 'undated'}"
            f" in {first['outlet'] or '?'}; {group['n_statements']} statements in"
            f" {len(group['outlets'])} outlets ({', '.join(group['outlets'])})"
        )
        for statement in group["statements"]:
            line = (
                f"  {statement['published'] or '????-??-??'}  {statement['link']:<8}  {statement['id'][:12]}"
                f"  {statement['outlet'] or '?'}: {_one_line(statement['content'])}"
            )
            if statement["changes"]:
                line += "  [" + "; ".join(_render(change) for change in statement["changes"]) + "]"
            if statement["misquote_candidate"]:
                line += "  misquote candidate"
            typer.echo(line)
        typer.echo("")


def _render(change: dict[str, str]) -> str:
    if not change["old"]:
        return f"+{change['new']}"
    if not change["new"]:
        return f"-{change['old']}"
    return f"{change['old']} -> {change['new']}"


@app.command()
def echoes(
    db: DbOption = DEFAULT_DB,
    speaker: Annotated[
        str | None,
        typer.Option("--speaker", help="Only groups with a statement of this speaker (full name, surname or alias)."),
    ] = None,
    variants_only: Annotated[
        bool,
        typer.Option("--variants-only", help="Only groups where a report changed, added or dropped words."),
    ] = False,
    output: Annotated[
        EchoFormat,
        typer.Option(
            "--format",
            help="table: one block per group; json: a list of groups, each with its statements"
            " (id, document_id, content, published, link: same | contains | variant).",
        ),
    ] = EchoFormat.table,
) -> None:
    """List statements that report one remark across documents: each group with its first
    appearance (earliest publication), its outlets, and how each report relates to it (the same
    words, an excerpt, or a variant with its word changes; a variant of a direct quote is a
    misquote candidate)."""
    from attribution.echoes import echo_groups

    with _errors():
        groups = echo_groups(_open(db), speaker=speaker, variants_only=variants_only)
    if output is EchoFormat.json:
        typer.echo(json.dumps(groups, ensure_ascii=False, indent=2))
    else:
        _print_groups(groups)
