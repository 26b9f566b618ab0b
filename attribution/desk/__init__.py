"""The review desk: attribution's Datasette plugin, an ordinary module of hook functions.

Datasette finds it through the ``datasette`` entry point (so ``datasette attribution.db``
loads it as well as ``attribution serve``) and lists it under the entry point's name. Its
hooks:

- foreign keys and a busy timeout on every connection Datasette opens;
- the generated configuration (facets, labels, search) for every attribution database
  served, so plain ``datasette attribution.db`` shows what ``attribution serve`` shows;
- the review-status facet and filter over the ``statements`` tables (status lives in the
  ``current_reviews`` view, not in a column);
- a "review" link on each statement's ``kind`` cell, to the desk's statement page;
- error pages without Datasette's console traceback (it lists local variables, cookies
  among them);
- the ASGI guard of :mod:`attribution.serve` around the whole application: known Host
  names only, writes only to the desk's own POST routes, with a
  same-origin ``Origin``/``Referer`` and the CSRF token, security headers, formula-safe CSV;
- the desk's pages under ``/-/review`` (see :mod:`attribution.desk.views`), rendered from
  this package's ``templates`` folder.

Importing this module imports Datasette; the rest of attribution never needs it.
"""

from __future__ import annotations

import copy
import inspect
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from markupsafe import Markup

from ..serve import (
    BUSY_TIMEOUT_MS,
    LOOPBACK_HOSTS,
    REVIEW_TABLES,
    STATUS_ARG,
    STATUS_FACET,
    ASGIApp,
    Receive,
    Scope,
    Send,
    error_page,
    guard,
    status_facet_sql,
)
from . import views


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
    from ..serve import status_where

    values = request.args.getlist(STATUS_ARG)
    if table not in REVIEW_TABLES or not values:
        return None
    clause, params = status_where(values, table)
    shown = " or ".join(f'"{v}"' for v in values)
    return FilterArguments([clause], params, [f"review status is {shown}"])


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str, database: str, datasette: Any) -> Any:
    # Each statement's kind cell links to the statement's page on the desk.
    if table not in REVIEW_TABLES or column != "kind" or value is None:
        return None
    try:
        statement_id = row["id"]
    except (IndexError, KeyError):
        return None
    desk = datasette.urls.path(views.statement_path(str(statement_id)))
    return Markup('{} <a class="review-desk" href="{}">review</a>').format(value, desk)


@hookimpl(hookwrapper=True)
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    # Datasette's own handler prints every error, a 404 included, as a traceback with its
    # local variables (request headers and cookies among them) on the console. Its page is
    # replaced by the same page rendered here, and its coroutine is closed unrun.
    outcome = yield
    for result in outcome.get_result():
        if inspect.iscoroutine(result):
            result.close()
    outcome.force_result([error_page(datasette, request, exception)])


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            # Read per request: Datasette builds its app inside its constructor, before
            # desk.app.build_datasette has set what to allow (loopback only without it). Only the
            # desk's own POST routes accept writes.
            hosts = getattr(datasette, "attribution_hosts", LOOPBACK_HOSTS)
            await guard(app, hosts=hosts)(scope, receive, send)

        return guarded

    return wrap


@hookimpl
def get_metadata(datasette: Any, key: str, database: str, table: str) -> dict[str, Any]:
    # Under plain `datasette attribution.db` nobody passes the generated configuration, so
    # the plugin supplies it: the same facets, labels and search as `attribution serve`.
    return copy.deepcopy(_generated_metadata(datasette))  # Datasette merges into what it gets


def _generated_metadata(datasette: Any) -> dict[str, Any]:
    """The generated configuration of every attribution database served, computed once."""
    from ..errors import StoreError
    from ..serve import datasette_config

    served = tuple((name, db.path) for name, db in datasette.databases.items() if getattr(db, "path", None))
    cached = getattr(datasette, "_attribution_metadata", None)
    if cached is not None and cached[0] == served:
        return cached[1]
    found: dict[str, Any] = {}
    for name, path in served:
        try:
            config = datasette_config(Path(path))
        except StoreError:  # not an attribution database: left as Datasette shows it
            continue
        found.setdefault("title", config["title"])
        found.setdefault("description", config["description"])
        found.setdefault("databases", {})[name] = next(iter(config["databases"].values()))
    datasette._attribution_metadata = (served, found)
    return found


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return views.ROUTES


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path(views.QUEUE_PATH), "label": "Review desk"}]
