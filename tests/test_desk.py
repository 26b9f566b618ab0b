"""The review desk (the Datasette plugin's own pages): the four scenarios a desk must be able
to rely on, in headless Chromium driven by selenium, plus in-process checks of the routes.

One database and one `attribution serve` per module: the seed article (three statements
and a claim) and a hostile article whose quote holds ``<script>`` and ``<img onerror>``.
The browser scenarios run in file order; the last one re-extracts the database.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import store_helpers as h

try:
    from test_export_fixtures import SEED_TEXT, seed_database
except ImportError:  # tests/ became a package
    from tests.test_export_fixtures import SEED_TEXT, seed_database

from attribution.desk.marks import Span, highlight, pieces
from attribution.desk.pages import weekly_chart

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HOSTILE_QUOTE = "<script>alert('desk')</script> and <img src=x onerror=alert(2)> are only words"
HOSTILE_TEXT = (
    f'Council meets on Monday.\n\n"{HOSTILE_QUOTE}," Mayor Jane Roe said on Friday.\n\nThe council did not comment.\n'
)


def add_hostile_article(db_path: Path) -> None:
    from attribution.models import Document, Extraction, Speaker, SpeakerKind
    from attribution.store import connect, store_extraction

    doc = Document(id="hostile", text=HOSTILE_TEXT, source="hostile.txt", title="Council <b>news</b>",
                   url="https://city.example/council?a=1&b=<2>", published="2021-07-20")  # fmt: skip
    roe = Speaker("Jane Roe", SpeakerKind.PERSON, "Mayor", None)
    statement = h.statement(HOSTILE_TEXT, HOSTILE_QUOTE, roe, mention="Jane Roe")
    db = connect(db_path)
    try:
        store_extraction(db, Extraction(doc, (statement,), (), published="2021-07-20"), None)
    finally:
        db.close()


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def statement_id(db: Path, fragment: str) -> str:
    rows = query(db, "SELECT id FROM statements WHERE current = 1 AND instr(content, ?) > 0", (fragment,))
    assert len(rows) == 1, rows
    return str(rows[0][0])


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("desk") / "attribution.db"
    seed_database(db)
    add_hostile_article(db)
    return db


# --------------------------------------------------------------------------- marks and chart (no browser)


@pytest.mark.parametrize(
    ("content", "inner"),
    [
        ("Belarus had been offering migrants flights to Minsk", ["said"]),
        ("more than 800 illegal crossings", []),
        ("When refugees are used as a political weapon", ["Gabrielius Landsbergis"]),
    ],
)
def test_the_content_piece_is_exactly_the_stored_content(content: str, inner: list[str]) -> None:
    start = SEED_TEXT.index(content)
    spans = [Span(SEED_TEXT.index(word), SEED_TEXT.index(word) + len(word), "cue") for word in inner]
    spans.append(Span(start - 5, start + 5, "other"))  # an overlapping statement is cut at the boundary
    marked = highlight(SEED_TEXT, (start, start + len(content)), spans)
    assert "".join(p.text for p in marked.content) == content
    assert "".join(p.text for p in marked.before + marked.content + marked.after) == SEED_TEXT
    assert [p.labels for p in marked.content][:1] == ["other"]


def test_pieces_cover_the_text_once_with_every_overlap_labelled() -> None:
    text = "abcdefghij"
    found = pieces(text, [Span(1, 5, "a", "s1"), Span(3, 8, "b", "s2"), Span(9, 99, "out")])
    assert [(p.text, p.labels) for p in found] == [
        ("a", ""), ("bc", "a"), ("de", "a b"), ("fgh", "b"), ("ij", ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://city.example/council?a=1", True),
        ("HTTP://news.example/", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https://a.example/\njavascript:x", False),
        (None, False),
    ],
)
def test_only_web_urls_become_links(url: str | None, linked: bool) -> None:
    from attribution.desk.pages import safe_link

    assert safe_link(url) == (url if linked else None)


def test_weekly_chart_counts_statements_per_week() -> None:
    chart = weekly_chart(["2021-07-12", "2021-07-14", "2021-07-20", None, "2021-08-02"])
    assert [(b["label"], b["count"]) for b in chart["bars"]] == [
        ("2021-07-12", 2), ("2021-07-19", 1), ("2021-07-26", 0), ("2021-08-02", 1),
    ]  # fmt: skip
    assert chart["unit"] == "week" and chart["peak"] == 2
    assert weekly_chart([None])["bars"] == []


# --------------------------------------------------------------------------- queue filters (no browser)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["are only words", "When refugees", "Belarus had been", "Hundreds of people", "The situation"]),
        ({"outlet": "hostile.txt"}, ["are only words"]),
        ({"since": "2021-07-13"}, ["are only words"]),
        ({"until": "2021-07-12", "act": "thought"}, ["Hundreds of people"]),  # claims have no act
        ({"status": "verified"}, []),
        ({"status": "nonsense", "min_confidence": "2"}, None),  # unknown values are ignored: as {}
    ],
)
def test_queue_filters_newest_articles_first(database: Path, args: dict[str, str], expected: list[str] | None) -> None:
    from attribution.desk.pages import QueueFilters, queue
    from attribution.store import connect

    db = connect(database)
    try:
        found = queue(db, QueueFilters.from_args(args))
        everything = queue(db, QueueFilters())
    finally:
        db.close()
    contents = [row["content"] for row in found["rows"]]
    wanted = expected if expected is not None else [r["content"][:16] for r in everything["rows"]]
    assert len(contents) == len(wanted), contents
    assert all(w in c for c, w in zip(contents, wanted, strict=True)), contents
    assert found["more"] is False and "hostile.txt" in found["outlets"]


def test_queue_speaker_filter_and_flags(database: Path) -> None:
    from attribution.desk.pages import QueueFilters, queue
    from attribution.store import connect

    db = connect(database)
    try:
        [(simonyte,)] = db.execute("SELECT id FROM speakers WHERE name = 'Ingrida Simonyte'").fetchall()
        found = queue(db, QueueFilters.from_args({"speaker": simonyte}))
        claim = [r for r in queue(db, QueueFilters())["rows"] if r["kind"] == "unattributed"]
    finally:
        db.close()
    assert [r["content"] for r in found["rows"]] == ["Belarus had been offering migrants flights to Minsk"]
    assert found["speaker_name"] == "Ingrida Simonyte" and found["rows"][0]["flags"] == []
    assert [r["flags"] for r in claim] == [[]]  # a claim has no speaker to resolve


def test_statement_page_lists_the_other_reports_of_the_remark(tmp_path: Path) -> None:
    """The echoes panel: another outlet's report of Simonyte's remark, linked by the store."""
    from attribution.desk.pages import statement
    from attribution.models import Document, Extraction, QuoteType, Speaker, SpeakerKind
    from attribution.store import connect, store_extraction

    path = tmp_path / "attribution.db"
    seed_database(path)
    remark = "Belarus had been offering migrants flights to Minsk"
    sid = statement_id(path, remark)
    text = f"Lithuania asked for help on Tuesday.\n\nPrime Minister Ingrida Simonyte said {remark}.\n"
    simonyte = Speaker("Ingrida Simonyte", SpeakerKind.PERSON, "Prime Minister", "Lithuania")
    other = h.statement(text, remark, simonyte, type=QuoteType.INDIRECT)
    doc = Document(id="other-outlet", text=text, source="other.txt", publisher="Other Times", published="2021-07-14")
    db = connect(path)
    try:
        store_extraction(db, Extraction(doc, (other,), (), published="2021-07-14"), None)
        page = statement(db, sid)
    finally:
        db.close()
    assert page["echoes"] is not None, "attribution.echoes.echoes_of is missing"
    assert [(e["outlet"], e["content"]) for e in page["echoes"]] == [("Other Times", remark)]


# --------------------------------------------------------------------------- in-process routes


def run_in_process(db: Path, scenario: Any, **kwargs: Any) -> None:
    from attribution.desk.app import build_datasette

    ds = build_datasette(db, **kwargs)

    async def main() -> None:
        await ds.invoke_startup()
        await scenario(ds.client)

    asyncio.run(main())


def test_desk_is_registered_through_the_datasette_entry_point() -> None:
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group="datasette") if ep.name == "attribution-review"]
    assert [ep.value for ep in found] == ["attribution.desk"]
    from datasette.plugins import pm

    import attribution.desk

    assert pm.is_registered(attribution.desk)


def test_plain_datasette_serves_the_desk(database: Path) -> None:
    """`datasette attribution.db` (no attribution serve): the desk's pages answer, writes stay guarded."""
    from datasette.app import Datasette

    ds = Datasette([str(database)])
    sid = statement_id(database, "rapid border intervention")

    async def main() -> None:
        await ds.invoke_startup()
        queue = await ds.client.get("/-/review")
        assert queue.status_code == 200 and "rapid border intervention" in queue.text
        page = await ds.client.get(f"/-/review/statements/{sid}")
        assert page.status_code == 200 and '<select name="status"' in page.text
        forged = await ds.client.post(f"/-/review/statements/{sid}/verdict", data={"status": "false"})
        assert forged.status_code == 403
        table = (await ds.client.get("/attribution/statements.json")).json()
        assert {"status", "speaker_id", "kind"} <= set(table["facet_results"])  # the generated facets
        assert f"/-/review/statements/{sid}" in (await ds.client.get("/attribution/statements")).text

    asyncio.run(main())


def test_desk_writes_need_origin_cookie_and_token(tmp_path: Path) -> None:
    db = tmp_path / "attribution.db"
    seed_database(db)
    sid = statement_id(db, "Belarus had been offering")
    verdict = f"/-/review/statements/{sid}/verdict"
    ours = "http://localhost"

    async def scenario(client: Any) -> None:
        page = await client.get(f"/-/review/statements/{sid}")
        cookie = page.cookies.get("ds_csrftoken")
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        forged = [
            ({}, {}),
            ({"origin": "https://evil.example", "cookie": f"ds_csrftoken={cookie}"}, {"csrftoken": token}),
            ({"origin": ours}, {"csrftoken": token}),
            ({"origin": ours, "cookie": f"ds_csrftoken={cookie}"}, {}),
            ({"origin": ours, "cookie": f"ds_csrftoken={cookie}"}, {"csrftoken": "x" + token}),
        ]
        for headers, extra in forged:
            response = await client.post(verdict, data={"status": "false", **extra}, headers=headers)
            assert response.status_code == 403, (headers, extra)
        assert query(db, "SELECT count(*) FROM reviews") == [(0,)]
        good = {"origin": ours, "cookie": f"ds_csrftoken={cookie}"}
        ok = await client.post(verdict, data={"status": "false", "reviewer": "desk", "csrftoken": token}, headers=good)
        assert ok.status_code == 302 and ok.headers["location"].endswith(f"/-/review/statements/{sid}#history")
        bad = await client.post(verdict, data={"status": "meh", "csrftoken": token}, headers=good)
        assert bad.status_code == 302  # back to the page with the reason; nothing written
        correction = await client.post(
            f"/-/review/statements/{sid}/correction",
            data={"field": "type", "value": "mixed", "csrftoken": token},
            headers=good,
        )
        assert correction.status_code == 302
        for path in (f"/-/review/statements/{sid}/nope", "/-/review", f"/-/review/statements/{'0' * 16}/x"):
            response = await client.post(path, data={"csrftoken": token}, headers=good)
            assert response.status_code in (404, 405), path
        assert (await client.get(verdict)).status_code == 405
        missing = await client.get(f"/-/review/statements/{'0' * 16}")
        assert missing.status_code == 404 and "Traceback" not in missing.text
        speakers = await client.get("/-/review/speakers")
        assert speakers.status_code == 200
        listed = re.findall(r'<tr data-speaker="[0-9a-f]{16}"><td class="who"><a [^>]+>([^<]+)</a>', speakers.text)
        assert set(listed) == {"Gabrielius Landsbergis", "Ingrida Simonyte", "Fabrice Leggeri"}
        for path in ("/-/review", f"/-/review/statements/{sid}", "/-/review/speakers"):
            response = await client.get(path)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert response.headers["x-content-type-options"] == "nosniff"
            assert "INSERT" not in response.text and "Run SQL" not in response.text
            assert "cdn" not in response.text.lower() and "https://" not in response.text.split("</head>")[0]
        foreign = await client.get("/-/review", headers={"host": "evil.example"})
        assert foreign.status_code == 400

    run_in_process(db, scenario)
    assert query(db, "SELECT statement_id, status, reviewer FROM reviews") == [(sid, "false", "desk")]
    assert query(db, "SELECT field, value, original FROM corrections") == [("type", "mixed", "indirect")]


# --------------------------------------------------------------------------- browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(database: Path) -> Any:
    port = _free_port()
    log = database.parent / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "ATTRIBUTION_DB"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "attribution_cli.main", "serve", "--db", str(database), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, cwd=database.parent, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"attribution serve exited {proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/-/review", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"attribution serve did not answer: {log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(database: Path) -> Any:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Debian chromium/chromium-driver not installed (apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1400,1000", f"--user-data-dir={database.parent / 'chromium-profile'}"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.implicitly_wait(20)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(browser: Any, predicate: Any, seconds: float = 30) -> bool:
    """A form's write and redirect take a moment on a loaded machine: poll, then answer."""
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.2)
    return bool(predicate())


def text_content(browser: Any, css: str) -> str:
    return str(browser.find_element("css selector", css).get_attribute("textContent"))


def test_verdict_round_trip_from_the_queue(server: str, browser: Any, database: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    sid = statement_id(database, "Belarus had been offering migrants")
    [(content, start, end)] = query(
        database, "SELECT content, content_start, content_end FROM statements WHERE id = ?", (sid,)
    )
    browser.get(f"{server}/-/review")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-statement='{sid}']")
    assert "Ingrida Simonyte" in row.text and "Prime Minister" in row.text and "new" in row.text
    row.find_element(By.CSS_SELECTOR, "a.open").click()
    assert wait_for(browser, lambda: f"/-/review/statements/{sid}" in browser.current_url)

    assert text_content(browser, "#content") == content  # highlighted at exactly its offsets
    before = browser.execute_script(
        "const r = document.createRange(); const a = document.getElementById('article');"
        " r.setStart(a, 0); r.setEndBefore(document.getElementById('content')); return r.toString().length;"
    )
    assert before == start and end - start == len(content)
    assert text_content(browser, "#article mark.cue") == "said"
    assert text_content(browser, "#article mark.speaker") == "Ingrida Simonyte"

    Select(browser.find_element(By.NAME, "status")).select_by_visible_text("false")
    browser.find_element(By.ID, "note").send_keys("Flights were offered by <b>travel agencies</b> =1+1")
    browser.find_element(By.ID, "reviewer").send_keys("chromium")
    browser.find_element(By.CSS_SELECTOR, "form.verdict button[type=submit]").click()
    assert wait_for(browser, lambda: "Verdict recorded" in browser.page_source)
    assert query(database, "SELECT statement_id, status, note, reviewer FROM reviews") == [
        (sid, "false", "Flights were offered by <b>travel agencies</b> =1+1", "chromium")
    ]
    assert text_content(browser, "#history").count("false") >= 1
    browser.implicitly_wait(0)
    assert browser.find_elements(By.CSS_SELECTOR, "#history b") == []  # the note is text
    browser.implicitly_wait(20)

    browser.get(f"{server}/-/review")
    verdict = browser.find_element(By.CSS_SELECTOR, f"tr[data-statement='{sid}'] td.verdict")
    assert verdict.text == "false"
    browser.get(f"{server}/-/review?status=false")
    assert [r.get_attribute("data-statement") for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")] == [sid]


def test_hostile_quote_is_shown_as_text_and_never_runs(server: str, browser: Any, database: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    sid = statement_id(database, "are only words")
    for path in ("/-/review", f"/-/review/statements/{sid}", "/-/review/documents/" + query(
            database, "SELECT document_id FROM statements WHERE id = ?", (sid,))[0][0]):  # fmt: skip
        browser.get(server + path)
        assert HOSTILE_QUOTE in browser.find_element(By.TAG_NAME, "body").text, path
        injected = browser.execute_script(
            "return [...document.querySelectorAll('script')]"
            ".filter(s => s.textContent.includes(\"alert('desk')\")).length"
            " + document.querySelectorAll('img[onerror], .desk img, .desk b').length"
        )
        assert injected == 0, path
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018
    assert text_content(browser, f"mark[data-statement='{sid}']") == HOSTILE_QUOTE
    browser.get(f"{server}/-/review/statements/{sid}")
    assert text_content(browser, "#content") == HOSTILE_QUOTE
    link = browser.find_element(By.CSS_SELECTOR, "a[rel~=noopener]")
    assert link.get_attribute("href") == "https://city.example/council?a=1&b=%3C2%3E"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshots_of_queue_statement_and_speaker(server: str, browser: Any, database: Path) -> None:
    from selenium.webdriver.common.by import By

    folder = Path(tempfile.mkdtemp(prefix="desk-screenshots-"))
    browser.set_window_size(1400, 1000)
    sid = statement_id(database, "Belarus had been offering migrants")
    [(speaker_id,)] = query(database, "SELECT speaker_id FROM statements WHERE id = ?", (sid,))
    shots = {
        "queue.png": "/-/review",
        "statement.png": f"/-/review/statements/{sid}",
        "speaker.png": f"/-/review/speakers/{speaker_id}",
    }
    for name, path in shots.items():
        browser.get(server + path)
        browser.find_element(By.CSS_SELECTOR, ".desk h1")
        browser.save_screenshot(str(folder / name))
    assert browser.find_element(By.CSS_SELECTOR, "svg.chart rect")  # the speaker's weekly chart
    assert "Ingrida Simonyte" in browser.find_element(By.TAG_NAME, "h1").text
    for name in shots:
        width, height = png_size(folder / name)
        assert width >= 1300 and height >= 800, (name, width, height)
    print(f"\ndesk screenshots (1400x1000): {folder}", file=sys.__stdout__)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ATTRIBUTION_DB"}
    return subprocess.run([sys.executable, "-m", "attribution_cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def test_speaker_correction_in_the_browser_flows_into_quotes_claimreview_and_survives_reextract(
    server: str, browser: Any, database: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    sid = statement_id(database, "rapid border intervention")
    [(landsbergis,)] = query(database, "SELECT id FROM speakers WHERE name = 'Gabrielius Landsbergis'")
    browser.get(f"{server}/-/review/statements/{sid}")
    Select(browser.find_element(By.ID, "speaker_id")).select_by_value(landsbergis)
    browser.find_element(By.ID, "speaker_reviewer").send_keys("chromium")
    browser.find_element(By.CSS_SELECTOR, "form.correct-speaker button[type=submit]").click()
    assert wait_for(browser, lambda: "Correction recorded" in browser.page_source)
    assert "Fabrice Leggeri" in text_content(browser, "#history")  # the extractor's speaker, beside the correction
    assert browser.find_element(By.TAG_NAME, "h1").text == "Gabrielius Landsbergis"
    Select(browser.find_element(By.NAME, "status")).select_by_visible_text("misleading")
    browser.find_element(By.CSS_SELECTOR, "form.verdict button[type=submit]").click()
    assert wait_for(browser, lambda: "Verdict recorded" in browser.page_source)

    def corrected_quotes() -> list[dict[str, Any]]:
        done = cli("quotes", "--db", str(database), "--format", "json", cwd=database.parent)
        assert done.returncode == 0, done.stderr
        return [q for q in json.loads(done.stdout) if "rapid border intervention" in q["content"]]

    [quote] = corrected_quotes()
    assert (quote["id"], quote["speaker"], quote["extracted_speaker"]) == (
        sid,
        "Gabrielius Landsbergis",
        "Fabrice Leggeri",
    )
    out = database.parent / "reviews.jsonld"
    done = cli("export", "--db", str(database), "--format", "claimreview", "--out", out.name, cwd=database.parent)
    assert done.returncode == 0, done.stderr
    [review] = [r for r in json.loads(out.read_text()) if r["identifier"] == sid]
    assert review["itemReviewed"]["author"]["name"] == "Gabrielius Landsbergis"
    assert review["reviewRating"]["alternateName"] == "Misleading"

    done = cli("reextract", "--all", "--db", str(database), cwd=database.parent)
    assert done.returncode == 0, done.stderr
    quotes = corrected_quotes()
    assert quotes, "the quote is gone after reextract"
    assert {q["speaker"] for q in quotes} == {"Gabrielius Landsbergis"}, quotes
    browser.get(f"{server}/-/review/statements/{quotes[0]['id']}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Gabrielius Landsbergis"
