"""Datasette as the review UI: configuration and a small plugin, generated from the library.

Why generated here rather than kept as a metadata.json beside the database: the facets,
labels, search and the review form all depend on the schema, so they live next to the code
that knows it, and the CLI needs no files of its own.

What Datasette gets:
- facets on ``statements`` by kind, speaker (labelled with names), organisation and review
  status. Status is not a column (reviews are an append-only history and the current status
  is the ``current_reviews`` view), so a facet class and a request filter supplied by the
  plugin below compute it from that view, keeping the schema free of UI concerns;
- full-text search over ``statements_fts`` (Datasette escapes the user's query);
- ``speech_statements``, the view a desk starts from: current statements of speech acts and
  the flagged claims (``statements`` holds every act, with a facet by act);
- label columns so foreign keys show names instead of hashes;
- ``record_review``, a writable canned query that appends one review (status, note,
  reviewer) for a statement id, linked from every statement's ``kind`` cell;
- ``PRAGMA foreign_keys = ON`` and a busy timeout on every connection Datasette opens
  (Datasette does not enable foreign keys itself).

Datasette is an optional dependency (``pip install 'attribution[serve]'``); only
:func:`build_datasette` and :func:`serve` import it.
"""

from __future__ import annotations

import sqlite3
import types
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .errors import StoreError
from .schema import REVIEW_STATUSES

STATUS_FACET = "review_status"  # facet type name and query-string argument (prefixed "_")
STATUS_ARG = "_review_status"
BUSY_TIMEOUT_MS = 5000
PLUGIN_NAME = "attribution-review"
# Tables and views of statement rows: the review facet, filter and form link apply to each.
REVIEW_TABLES = ("statements", "speech_statements")

# Datasette >= 1.0 reads these from its configuration; earlier versions from metadata.
TABLES: dict[str, dict[str, Any]] = {
    "statements": {
        "label_column": "content",
        "facets": [
            "kind",
            "speaker_id",
            "organisation",
            {STATUS_FACET: "status"},
            "type",
            "act",
            "current",
        ],
        "fts_table": "statements_fts",
        "fts_pk": "rowid",
        "size": 50,
        "description": "Statements and flagged claims. Facet by review status, search the "
        "quoted text, and use the record_review query to give a verdict.",
        "columns": {
            "kind": "statement (attributed), unattributed or unresolved claim",
            "content_start": "code-point offset of the content in the document text",
            "content_end": "end offset (exclusive) of the content",
            "rule": "the extraction rule that found this statement",
            "act": "speech (said, wrote, according to); thought, intention, perception or other"
            " for the broad set. speech_statements lists the speech a desk reviews",
        },
    },
    "speech_statements": {
        "label_column": "content",
        "facets": ["kind", "speaker_id", "organisation", {STATUS_FACET: "status"}, "type"],
        "size": 50,
        "description": "The default review list: current statements of speech acts and the "
        "flagged claims. The statements table holds every act (facet by act).",
    },
    "speakers": {"label_column": "name", "facets": ["kind", "organisation", "country"]},
    "speaker_aliases": {"facets": ["reason"], "description": "Every name of a speaker and why it belongs"},
    "organisations": {"label_column": "name"},
    "documents": {"label_column": "source", "facets": ["published"]},
    "reviews": {
        "facets": ["status", "reviewer"],
        "sort_desc": "id",
        "description": "Append-only review history; the latest review of a statement is "
        "its current status (see current_reviews).",
    },
    "current_reviews": {"facets": ["status", "reviewer"]},
    "runs": {"label_column": "command", "sort_desc": "started_at"},
    "_sqlite_migrations": {"hidden": True},
    "registry": {"hidden": True},
}

# One review, appended. Unknown ids make statement_id NULL and so fail NOT NULL even if a
# connection lacks foreign keys; the CHECK constraint rejects unknown statuses. created_at
# has the store's format: ISO-8601 UTC with microseconds and offset.
RECORD_REVIEW_SQL = """\
INSERT INTO reviews (statement_id, status, note, reviewer, created_at)
VALUES (
  (SELECT id FROM statements WHERE id = trim(:statement_id)),
  lower(trim(:status)),
  nullif(:note, ''),
  nullif(trim(:reviewer), ''),
  strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.' || substr(strftime('%f', 'now'), 4)
    || '000+00:00'
)"""


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file (its stem)."""
    return Path(db_path).stem


def record_review_query() -> dict[str, Any]:
    """The writable canned query reviewers submit verdicts through."""
    statuses = ", ".join(REVIEW_STATUSES)
    return {
        "sql": RECORD_REVIEW_SQL,
        "write": True,
        "title": "Record a review verdict",
        "description": f"Append a review to a statement. status is one of: {statuses}. "
        "An empty note keeps the previous note.",
        "params": ["statement_id", "status", "note", "reviewer"],
        "on_success_message": "Review recorded.",
        "on_error_message": "Review not recorded: statement_id must be the id of an "
        f"existing statement and status one of: {statuses}.",
    }


def existing_tables(db_path: Path) -> set[str]:
    """Table and view names in the database, read without writing anything."""
    uri = f"file:{Path(db_path).resolve()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
            return {str(row[0]) for row in rows}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"database {db_path}: {error}") from None


def datasette_config(db_path: Path, *, tables: set[str] | None = None) -> dict[str, Any]:
    """Metadata/config for Datasette: per-table facets, labels, search, the review query."""
    present = existing_tables(db_path) if tables is None else tables
    missing = {"statements", "reviews", "current_reviews"} - present
    if missing:
        raise StoreError(
            f"database {db_path} has no {', '.join(sorted(missing))}; "
            "is it an attribution database? (run `attribution ingest` first)"
        )
    table_config = {name: conf for name, conf in TABLES.items() if name in present}
    if "statements_fts" not in present:
        table_config["statements"] = {k: v for k, v in table_config["statements"].items() if not k.startswith("fts_")}
    return {
        "title": "attribution: who said what",
        "description": "Statements found in news text, with exact provenance, and the reviews fact-checkers gave them.",
        "databases": {
            database_name(db_path): {
                "tables": table_config,
                "queries": {"record_review": record_review_query()},
            }
        },
    }


def status_where(values: list[str], table: str = "statements") -> tuple[str, dict[str, str]]:
    """SQL restricting ``table`` (one of REVIEW_TABLES) to rows whose current review status is
    in ``values``."""
    if table not in REVIEW_TABLES:
        raise ValueError(f"no review status for {table}")
    params = {f"review_status_{i}": v for i, v in enumerate(values)}
    names = ", ".join(f":{key}" for key in params)
    clause = f"[{table}].[id] IN (SELECT statement_id FROM current_reviews WHERE status IN ({names}))"
    if "new" in values:  # never reviewed counts as new
        clause = f"({clause} OR [{table}].[id] NOT IN (SELECT statement_id FROM current_reviews))"
    return clause, params


def status_facet_sql(table_sql: str) -> str:
    """Counts of current review status over the rows a table page currently shows."""
    return (
        "SELECT coalesce(cr.status, 'new') AS value, count(*) AS count "
        f"FROM ({table_sql}) AS t LEFT JOIN current_reviews cr ON cr.statement_id = t.id "
        "GROUP BY value ORDER BY count DESC, value"
    )


def make_plugin() -> Any:
    """The Datasette plugin object (hook implementations), built only when Datasette is there."""
    from datasette import hookimpl
    from datasette.facets import Facet
    from datasette.filters import FilterArguments
    from datasette.utils import path_with_added_args, path_with_removed_args
    from markupsafe import Markup

    class ReviewStatusFacet(Facet):  # type: ignore[misc]
        """Facet by current review status, which lives in a view rather than a column."""

        type = STATUS_FACET

        async def suggest(self) -> list[Any]:
            return []

        async def facet_results(self) -> tuple[list[Any], list[str]]:
            if not self.get_configs() or self.table not in REVIEW_TABLES:
                return [], []
            rows = await self.ds.execute(self.database, status_facet_sql(self.sql), self.params, truncate=False)
            chosen = self.request.args.getlist(STATUS_ARG)
            results = []
            for row in rows:
                value = str(row["value"])
                selected = value in chosen
                change = path_with_removed_args if selected else path_with_added_args
                path = change(self.request, {STATUS_ARG: value})
                results.append(
                    {
                        "value": value,
                        "label": value,
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                        "selected": selected,
                    }
                )
            facet = {
                "name": "status",
                "type": self.type,
                "hideable": False,
                "toggle_url": self.ds.urls.path(self.request.path),
                "results": results,
                "truncated": False,
            }
            return [facet], []

    @hookimpl
    def prepare_connection(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @hookimpl
    def register_facet_classes() -> list[Any]:
        return [ReviewStatusFacet]

    @hookimpl
    def filters_from_request(request: Any, table: str) -> Any:
        values = request.args.getlist(STATUS_ARG)
        if table not in REVIEW_TABLES or not values:
            return None
        clause, params = status_where(values, table)
        shown = " or ".join(f'"{v}"' for v in values)
        return FilterArguments([clause], params, [f"review status is {shown}"])

    @hookimpl
    def render_cell(row: Any, value: Any, column: str, table: str, database: str, datasette: Any) -> Any:
        # Each statement's kind cell carries a link to the review form, filled with its id.
        if table not in REVIEW_TABLES or column != "kind" or value is None:
            return None
        try:
            statement_id = row["id"]
        except (IndexError, KeyError):
            return None
        form = datasette.urls.database(database) + "/record_review?" + urlencode({"statement_id": statement_id})
        return Markup('{} <a class="record-review" href="{}">record verdict</a>').format(value, form)

    # Datasette lists plugins by module name, so the hooks travel in a module object.
    plugin = types.ModuleType(PLUGIN_NAME.replace("-", "_"))
    plugin.__doc__ = "Foreign keys on every connection, the review-status facet and filter."
    plugin.prepare_connection = prepare_connection  # type: ignore[attr-defined]
    plugin.register_facet_classes = register_facet_classes  # type: ignore[attr-defined]
    plugin.filters_from_request = filters_from_request  # type: ignore[attr-defined]
    plugin.render_cell = render_cell  # type: ignore[attr-defined]
    return plugin


def build_datasette(db_path: Path) -> Any:
    """A Datasette instance on ``db_path`` with the generated configuration and plugin."""
    import datasette
    from datasette.app import Datasette
    from datasette.plugins import pm

    config = datasette_config(db_path)
    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(make_plugin(), name=PLUGIN_NAME)
    major = int(str(getattr(datasette, "__version__", "0")).split(".")[0] or 0)
    if major >= 1:
        return Datasette([str(db_path)], config=config)
    return Datasette([str(db_path)], metadata=config)


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on ``db_path`` until interrupted (blocking)."""
    import asyncio

    import uvicorn

    ds = build_datasette(db_path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
