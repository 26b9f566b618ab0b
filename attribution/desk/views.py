"""The desk's routes: the review queue, a statement in its article, a speaker, an article,
and the two POST routes that record a verdict or a correction.

Reads go through Datasette's read connection into :mod:`attribution.desk.pages`; writes open
the store like the CLI does and call the library (``review.record_review``,
``corrections.record_correction``), so a verdict given here is checked and stored exactly
like one given on the command line. The guard in :mod:`attribution.serve` has already
checked Host, Origin/Referer and the CSRF cookie before a POST gets here, and Datasette's
CSRF middleware has compared the form's token with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response
from sqlite_utils import Database

from ..errors import AttributionError
from . import pages

QUEUE_PATH = "/-/review"
ID = r"[0-9a-f]{16}"
DOCUMENT_ID = r"[0-9a-f]{64}"


def statement_path(statement_id: str) -> str:
    return f"{QUEUE_PATH}/statements/{statement_id}"


def speaker_path(speaker_id: str) -> str:
    return f"{QUEUE_PATH}/speakers/{speaker_id}"


def document_path(document_id: str) -> str:
    return f"{QUEUE_PATH}/documents/{document_id}"


async def _database(datasette: Any) -> Any:
    """The first attached database that is an attribution store."""
    for name, database in datasette.databases.items():
        if name.startswith("_") or database.path is None:
            continue
        if await database.table_exists("statements") and await database.table_exists("corrections"):
            return database
    raise NotFound(
        "no attribution database is served here (an older one is upgraded by any attribution"
        " command, e.g. `attribution verify`)"
    )


async def _read(datasette: Any, fn: Callable[[Database], Any]) -> Any:
    database = await _database(datasette)

    def run(conn: Any) -> Any:
        try:
            return fn(Database(conn))
        except pages.NotFound as error:
            return error

    result = await database.execute_fn(run)
    if isinstance(result, pages.NotFound):
        raise NotFound(str(result))
    return result


async def _write(datasette: Any, fn: Callable[[Database], Any]) -> Any:
    """Run ``fn`` on a store connection of our own, in a thread (the library's own transactions)."""
    from ..store import connect

    path = (await _database(datasette)).path

    def run() -> Any:
        db = connect(path, create=False)
        try:
            return fn(db)
        finally:
            db.close()

    return await asyncio.to_thread(run)


def _urls(datasette: Any) -> dict[str, Callable[[str], str]]:
    return {
        "statement_url": lambda sid: datasette.urls.path(statement_path(sid)),
        "speaker_url": lambda sid: datasette.urls.path(speaker_path(sid)),
        "document_url": lambda did: datasette.urls.path(document_path(did)),
        "speakers_url": lambda: datasette.urls.path(f"{QUEUE_PATH}/speakers"),
        "queue_url": lambda **args: (
            datasette.urls.path(QUEUE_PATH)
            + ("?" + urlencode({k: v for k, v in args.items() if v}) if any(args.values()) else "")
        ),
    }


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Response:
    html = await datasette.render_template(template, {**context, **_urls(datasette)}, request=request)
    return Response.html(html)


def _method_not_allowed(allowed: str) -> Response:
    return Response.text("method not allowed\n", status=405, headers={"allow": allowed})


async def queue_view(datasette: Any, request: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    filters = pages.QueueFilters.from_args(request.args)
    context = await _read(datasette, lambda db: pages.queue(db, filters))
    return await _page(datasette, request, "desk_queue.html", context)


async def statement_view(datasette: Any, request: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    sid = request.url_vars["id"]
    context = await _read(datasette, lambda db: pages.statement(db, sid))
    return await _page(datasette, request, "desk_statement.html", context)


async def speaker_view(datasette: Any, request: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    sid = request.url_vars["id"]
    context = await _read(datasette, lambda db: pages.speaker(db, sid))
    return await _page(datasette, request, "desk_speaker.html", context)


async def speakers_view(datasette: Any, request: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    context = await _read(datasette, pages.speakers)
    return await _page(datasette, request, "desk_speakers.html", context)


async def document_view(datasette: Any, request: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    did = request.url_vars["id"]
    context = await _read(datasette, lambda db: pages.document(db, did))
    return await _page(datasette, request, "desk_document.html", context)


async def _after_write(datasette: Any, request: Any, sid: str, fn: Callable[[Database], Any], done: str) -> Response:
    """Run a write and come back to the statement's page with what happened."""
    try:
        await _write(datasette, fn)
    except (AttributionError, ValueError) as error:
        datasette.add_message(request, f"Not recorded: {error}", datasette.ERROR)
    else:
        datasette.add_message(request, done, datasette.INFO)
    return Response.redirect(datasette.urls.path(statement_path(sid)) + "#history")


async def verdict_view(datasette: Any, request: Any) -> Response:
    if request.method != "POST":
        return _method_not_allowed("POST")
    from ..review import record_review

    sid = request.url_vars["id"]
    form = await request.post_vars()
    status = form.get("status", "")
    note = form.get("note", "").replace("\r\n", "\n") or None
    reviewer = form.get("reviewer", "").strip() or None

    def write(db: Database) -> Any:
        return record_review(db, sid, status, note=note, reviewer=reviewer)

    return await _after_write(datasette, request, sid, write, f"Verdict recorded: {status}.")


async def correction_view(datasette: Any, request: Any) -> Response:
    if request.method != "POST":
        return _method_not_allowed("POST")
    from ..corrections import record_correction

    sid = request.url_vars["id"]
    form = await request.post_vars()
    field = form.get("field", "")
    value = form.get("value", "").strip() or None
    speaker_id = form.get("speaker_id", "").strip() or None
    if field == "speaker" and value:  # a name typed in wins over the list
        speaker_id = None
    note = form.get("note", "").replace("\r\n", "\n") or None
    reviewer = form.get("reviewer", "").strip() or None

    def write(db: Database) -> Any:
        return record_correction(
            db, sid, field, value, speaker_id=speaker_id, speaker_kind=form.get("speaker_kind") or None,
            note=note, reviewer=reviewer,
        )  # fmt: skip

    return await _after_write(datasette, request, sid, write, "Correction recorded.")


ROUTES: list[tuple[str, Any]] = [
    (rf"^{QUEUE_PATH}/?$", queue_view),
    (rf"^{QUEUE_PATH}/statements/(?P<id>{ID})$", statement_view),
    (rf"^{QUEUE_PATH}/statements/(?P<id>{ID})/verdict$", verdict_view),
    (rf"^{QUEUE_PATH}/statements/(?P<id>{ID})/correction$", correction_view),
    (rf"^{QUEUE_PATH}/speakers/?$", speakers_view),
    (rf"^{QUEUE_PATH}/speakers/(?P<id>{ID})$", speaker_view),
    (rf"^{QUEUE_PATH}/documents/(?P<id>{DOCUMENT_ID})$", document_view),
]
