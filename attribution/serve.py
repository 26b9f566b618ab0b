"""Datasette as the review UI: configuration generated from the library, and the guard the
plugin (:mod:`attribution.desk`, module-level hooks) puts around Datasette.

Why generated here rather than kept as a metadata.json beside the database: the facets,
labels, search and the review form all depend on the schema, so they live next to the code
that knows it, and the CLI needs no files of its own.

What Datasette gets:
- facets on ``statements`` by kind, speaker (labelled with names), organisation and review
  status. Status is not a column (reviews are an append-only history and the current status
  is the ``current_reviews`` view), so a facet class and a request filter supplied by the
  plugin compute it from that view, keeping the schema free of UI concerns;
- full-text search over ``statements_fts`` (Datasette escapes the user's query);
- ``speech_statements``, the view a desk starts from: current statements of speech acts and
  the flagged claims (``statements`` holds every act, with a facet by act);
- label columns so foreign keys show names instead of hashes;
- a "review" link on every statement's ``kind`` cell, to its page on the review desk,
  where verdicts and corrections are given (no writable SQL query: the desk's own POST
  routes are the only writes);
- ``PRAGMA foreign_keys = ON`` and a busy timeout on every connection Datasette opens
  (Datasette does not enable foreign keys itself);
- a guard around the whole application (:func:`guard`): only the served host names are
  answered (DNS rebinding), the desk's POST routes are the only paths that accept writes,
  and only
  with a same-origin ``Origin``/``Referer`` and the CSRF token (Datasette's own check lets
  cookie-less requests through), every response carries security headers, and CSV
  downloads are made formula-safe like ``attribution export``;
- error pages rendered without Datasette's console traceback (which lists local variables,
  request cookies among them).

Datasette is an optional dependency (``pip install 'attribution[serve]'``); only the plugin
package :mod:`attribution.desk` imports it, and :mod:`attribution.desk.app` starts it. This
module sits below both: it imports neither.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import socket
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import StoreError
from .export.cells import neutralise

STATUS_FACET = "review_status"  # facet type name and query-string argument (prefixed "_")
STATUS_ARG = "_review_status"
BUSY_TIMEOUT_MS = 5000
PLUGIN_NAME = "attribution-review"
# Tables and views of statement rows: the review facet, filter and form link apply to each.
REVIEW_TABLES = ("statements", "speech_statements")

# Host names always answered; the --host given is added. Anything else is refused.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "ds_csrftoken"  # the cookie Datasette's CSRF check (asgi-csrf) signs
# Datasette's pages use inline scripts and styles, so those stay allowed; everything else
# comes from this origin only, no page may frame the UI, and forms post back here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # Datasette says no-referrer, which makes browsers send "Origin: null" on form posts;
    # same-origin keeps the origin for our own forms and still tells other sites nothing.
    (b"referrer-policy", b"same-origin"),
)
# The review desk's POST routes (a verdict or a correction for one statement id): the only
# writes the desk makes, each through the same checks as the legacy form.
DESK_WRITE_PATH = re.compile(r"/-/review/statements/[0-9a-f]{16}/(?:verdict|correction)")
# A CSV cell that is a plain number is data, not a formula, even with a leading minus.
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")

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
        "description": "Statements and flagged claims. Facet by review status and search the "
        "quoted text; give verdicts and corrections on the review desk (/-/review).",
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
    # the echo index (word shingles); echo_links, the links themselves, stays visible
    "echo_shingles": {"hidden": True},
    "echo_recent": {"hidden": True},
    "echo_recent_token": {"hidden": True},
    "echo_statements": {"hidden": True},
}


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file (its stem)."""
    return Path(db_path).stem


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
        "databases": {database_name(db_path): {"tables": table_config}},
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


# --------------------------------------------------------------------------- the ASGI guard

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def allowed_hosts(host: str = "127.0.0.1", extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host header names the UI answers: loopback names, the listening host, ``extra``.

    Why a list at all: a page on another site can make a browser resolve its own name to
    127.0.0.1 (DNS rebinding) and then read and post to this server as if same-origin; the
    Host header still carries the attacker's name, so refusing unknown names stops it. A
    wildcard listening address adds this machine's own names.
    """
    names = set(LOOPBACK_HOSTS) | {host_name(name) for name in extra}
    listening = host_name(host)
    if listening in WILDCARD_HOSTS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(listening)
    return frozenset(names)


def host_name(value: str) -> str:
    """The name part of a Host header or host option: 'a.example:8001' -> 'a.example', '[::1]:80' -> '::1'."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        return value.split(":", 1)[0]
    return value


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _has_csrf_cookie(scope: Scope) -> bool:
    from http.cookies import CookieError, SimpleCookie

    cookies = SimpleCookie()
    try:
        cookies.load(_header(scope, b"cookie") or "")
    except CookieError:
        return False
    return bool(cookies.get(CSRF_COOKIE) and cookies[CSRF_COOKIE].value)


def _same_site(url: str, host: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in {"http", "https"} and bool(host) and parts.netloc.lower() == host.lower()


def write_refusal(scope: Scope) -> tuple[int, str] | None:
    """Why a request that writes is refused, as (status, message); None lets it on to the token check.

    Datasette's CSRF check skips requests without cookies, so a cookie-less POST from any
    page or script recorded a verdict. Here a write must go to a desk POST route, come from a
    page of this site (``Origin``, else ``Referer``, naming the served host) and carry the
    CSRF cookie; Datasette then compares the form's token with it.
    """
    if not DESK_WRITE_PATH.fullmatch(str(scope.get("path") or "")):
        return 405, "method not allowed: this path accepts no writes"
    host = _header(scope, b"host") or ""
    origin, referer = _header(scope, b"origin"), _header(scope, b"referer")
    if origin is not None:
        if not _same_site(origin, host):
            return 403, f"write refused: Origin {origin.strip()!r} is not this site"
    elif referer is not None:
        if not _same_site(referer, host):
            return 403, "write refused: Referer is not this site"
    else:
        return 403, "write refused: no Origin or Referer header (submit the form from this site)"
    if not _has_csrf_cookie(scope):
        return 403, "write refused: no CSRF token (open the form and submit it from there)"
    return None


def _is_csv_request(scope: Scope) -> bool:
    path = str(scope.get("path") or "")
    query = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1"))
    return path.endswith(".csv") or "csv" in query.get("_format", [])


def safe_csv_cell(cell: str) -> str:
    """A downloaded CSV cell that no spreadsheet runs: the export rule, plain numbers kept."""
    return cell if PLAIN_NUMBER.fullmatch(cell) else neutralise(cell)


def safe_csv_text(text: str) -> str:
    """Whole CSV records with every cell made formula-safe."""
    if not text:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    try:
        for record in csv.reader(io.StringIO(text, newline="")):
            writer.writerow([safe_csv_cell(cell) for cell in record])
    except csv.Error:  # not CSV after all (an error message): neutralise it line by line
        return "".join(neutralise(line) for line in text.splitlines(keepends=True))
    return out.getvalue()


def _complete_records(text: str) -> int:
    """Length of the longest prefix of ``text`` made of whole CSV records (ending outside quotes)."""
    end, quoted = 0, False
    for match in re.finditer('["\n]', text):
        if match.group() == '"':
            quoted = not quoted
        elif not quoted:
            end = match.end()
    return end


def _safe_csv_send(send: Send) -> Send:
    """Rewrite a streamed CSV response record by record (downloads may be too big to hold)."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    state = {"active": False, "pending": ""}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers") or [])
            content_type = next((bytes(v).lower() for k, v in headers if k.lower() == b"content-type"), b"")
            state["active"] = content_type.startswith((b"text/csv", b"text/plain"))
            if state["active"]:  # the body changes length
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and state["active"]:
            more = bool(message.get("more_body", False))
            pending = state["pending"] + decoder.decode(bytes(message.get("body") or b""), final=not more)
            end = _complete_records(pending) if more else len(pending)
            state["pending"] = pending[end:]
            message = {**message, "body": safe_csv_text(pending[:end]).encode("utf-8")}
        await send(message)

    return wrapped


def _with_security_headers(send: Send) -> Send:
    names = {name for name, _ in SECURITY_HEADERS}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers") or [] if k.lower() not in names]
            message = {**message, "headers": [*headers, *SECURITY_HEADERS]}
        await send(message)

    return wrapped


async def _answer(send: Send, status: int, message: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    body = (message + "\n").encode("utf-8")
    start = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def guard(app: ASGIApp, *, hosts: frozenset[str]) -> ASGIApp:
    """``app`` behind the UI's checks: known Host, guarded writes, security headers, safe CSV."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        send = _with_security_headers(send)
        host = _header(scope, b"host")
        if host is None or host_name(host) not in hosts:
            await _answer(send, 400, "unknown host: this server answers only the names it was started for")
            return
        if scope["method"] not in SAFE_METHODS:
            refusal = write_refusal(scope)
            if refusal is not None:
                status, message = refusal
                await _answer(send, status, message, [(b"allow", b"GET, HEAD, OPTIONS")] if status == 405 else [])
                return
            # a Bearer header would make Datasette skip the token check; nothing here uses it
            headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"authorization"]
            scope = {**scope, "headers": headers}
        elif _is_csv_request(scope):
            send = _safe_csv_send(send)
        await app(scope, receive, send)

    return guarded


async def error_page(datasette: Any, request: Any, exception: Exception) -> Any:
    """Datasette's error page (JSON for .json paths) without a traceback anywhere.

    A request error (404, 400, 403) is the client's: nothing is logged. Anything else gets
    one line on stderr and a page that says only that something failed.
    """
    import sys

    from datasette.utils.asgi import Base400, Response
    from datasette.views.base import DatasetteError
    from markupsafe import Markup

    title = None
    info: dict[str, Any] = {}
    if isinstance(exception, Base400):
        status, message = exception.status, str(exception.args[0] if exception.args else exception)
    elif isinstance(exception, DatasetteError):
        status, title, info = exception.status, exception.title, dict(exception.error_dict)
        message = Markup(exception.message) if exception.message_is_html else exception.message
    else:
        status, message = 500, "internal error (reported in the server log)"
        detail = " ".join(f"{type(exception).__name__}: {exception}".split())
        print(f"attribution serve: {request.method} {request.path}: {detail}", file=sys.stderr)
    info.update({"ok": False, "error": message, "status": status, "title": title})
    if request.path.split("?")[0].endswith(".json"):
        return Response.json(info, status=status)
    template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
    context = dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
    return Response.html(await template.render_async(context), status=status)
