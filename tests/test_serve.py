"""The Datasette review UI: generated configuration, the plugin, and a real browser session.

The browser test starts `attribution serve` on a random loopback port and drives Debian's
headless Chromium through chromedriver (selenium): search for a quote, open a speaker's
statements from the facet, follow the statement's "review" link to the desk, submit its
verdict form, and read the review back from the database.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from attribution.review import record_review
from attribution.serve import datasette_config, status_where
from attribution.store import connect

try:
    from test_export_fixtures import seed_database
except ImportError:  # tests/ became a package
    from tests.test_export_fixtures import seed_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture()
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "attribution.db"
    seed_database(db)
    return db


def ids_by_speaker(db: Path) -> dict[str | None, str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT sp.name, s.id FROM statements s LEFT JOIN speakers sp ON sp.id = s.speaker_id"
        ).fetchall()
    finally:
        conn.close()
    return {name: sid for name, sid in rows}


def add_review(db: Path, sid: str, status: str, note: str | None = None) -> None:
    database = connect(db)
    try:
        record_review(database, sid, status, note=note)
    finally:
        database.close()


# --------------------------------------------------------------------------- configuration


def test_config_has_facets_search_labels_and_no_writable_query(seeded: Path) -> None:
    config = datasette_config(seeded)
    database = config["databases"]["attribution"]
    statements = database["tables"]["statements"]
    columns = {f for f in statements["facets"] if isinstance(f, str)}
    assert {"kind", "speaker_id", "organisation"} <= columns
    assert {"review_status": "status"} in statements["facets"]
    assert statements["fts_table"] == "statements_fts" and statements["fts_pk"] == "rowid"
    assert database["tables"]["speakers"]["label_column"] == "name"
    assert database["tables"]["documents"]["label_column"] == "source"
    assert database["tables"]["statements"]["label_column"] == "content"
    assert "queries" not in database  # verdicts are given on the review desk, never through SQL
    assert database["tables"]["echo_shingles"]["hidden"] and "hidden" not in database["tables"].get("echo_links", {})
    assert database["tables"]["echo_recent"]["hidden"] and database["tables"]["echo_recent_token"]["hidden"]


def test_config_refuses_a_database_that_is_not_ours(tmp_path: Path) -> None:
    from attribution.errors import StoreError

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="is it an attribution database"):
        datasette_config(other)


def test_status_filter_sql_treats_unreviewed_as_new(seeded: Path) -> None:
    sid = ids_by_speaker(seeded)["Fabrice Leggeri"]
    add_review(seeded, sid, "verified", "ok")
    conn = sqlite3.connect(seeded)
    try:

        def matching(values: list[str]) -> set[str]:
            clause, params = status_where(values)
            sql = f"SELECT id FROM statements WHERE {clause}"
            return {r[0] for r in conn.execute(sql, params)}

        assert matching(["verified"]) == {sid}
        assert len(matching(["new"])) == 3 and sid not in matching(["new"])
        assert len(matching(["new", "verified"])) == 4
        assert matching(["'); DROP TABLE reviews; --"]) == set()
    finally:
        conn.close()


# --------------------------------------------------------------------------- in-process Datasette


def test_datasette_facets_search_and_status_filter(seeded: Path) -> None:
    pytest.importorskip("datasette")
    from attribution.desk.app import build_datasette

    sid = ids_by_speaker(seeded)["Gabrielius Landsbergis"]
    add_review(seeded, sid, "misleading")
    ds = build_datasette(seeded)

    async def scenario() -> None:
        await ds.invoke_startup()
        base = "/attribution/statements.json?_shape=objects"
        found = (await ds.client.get(base + "&_search=political+weapon")).json()["rows"]
        assert [r["id"] for r in found] == [sid]
        hostile = await ds.client.get(base + "&_search=%22+OR+*+NEAR(")
        assert hostile.status_code == 200  # escaped, never an FTS syntax error
        data = (await ds.client.get("/attribution/statements.json")).json()
        facets = data["facet_results"]
        assert {"kind", "speaker_id", "organisation", "status"} <= set(facets)
        status_counts = {r["value"]: r["count"] for r in facets["status"]["results"]}
        assert status_counts == {"new": 3, "misleading": 1}
        labels = {r["label"] for r in facets["speaker_id"]["results"]}
        assert "Gabrielius Landsbergis" in labels
        rows = (await ds.client.get(base + "&_review_status=misleading")).json()["rows"]
        assert [r["id"] for r in rows] == [sid]
        page = (await ds.client.get("/attribution/statements")).text
        assert f"/-/review/statements/{sid}" in page  # each row links to its page on the desk
        pragma = await ds.get_database("attribution").execute("PRAGMA foreign_keys")
        assert pragma.rows[0][0] == 1

    asyncio.run(scenario())


# --------------------------------------------------------------------------- browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"attribution serve exited {proc.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"attribution serve did not answer at {url}: {log.read_text()}")


@pytest.fixture()
def server(seeded: Path, tmp_path: Path) -> Any:
    pytest.importorskip("datasette")
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "ATTRIBUTION_DB"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "attribution_cli.main", "serve", "--db", str(seeded),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env,
        )  # fmt: skip
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/attribution", proc, log)
        yield f"http://127.0.0.1:{port}", seeded
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def browser(tmp_path: Path) -> Any:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Debian chromium/chromium-driver not installed (apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.implicitly_wait(20)  # find_element waits for a page that is still loading
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(browser: Any, text: str, seconds: float = 30) -> bool:
    """A form's write and redirect take a moment on a loaded machine: poll the page, then answer."""
    deadline = time.monotonic() + seconds
    while text not in browser.page_source and time.monotonic() < deadline:
        time.sleep(0.2)
    return text in browser.page_source


def wait_for_url(browser: Any, part: str, seconds: float = 30) -> bool:
    """A click starts a navigation that may not have finished when click() returns."""
    deadline = time.monotonic() + seconds
    while part not in browser.current_url and time.monotonic() < deadline:
        time.sleep(0.2)
    return part in browser.current_url


def test_review_flow_in_headless_chromium(server: Any, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, db = server
    speaker_ids = ids_by_speaker(db)

    # 1. Search for a quote from the statements table's search box.
    browser.get(f"{base}/attribution/statements")
    box = browser.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.send_keys("rapid border intervention")
    box.submit()
    assert wait_for_url(browser, "_search=")
    contents = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "td.col-content")]
    assert len(contents) == 1 and "rapid border intervention" in contents[0]

    # 2. Open one speaker's statements through the speaker facet (labelled by name).
    browser.get(f"{base}/attribution/statements")
    browser.find_element(By.CSS_SELECTOR, "#facet-speaker_id a[href*='speaker_id=']")  # the facet is there
    browser.find_element(By.PARTIAL_LINK_TEXT, "Ingrida Simonyte").click()
    assert wait_for_url(browser, "speaker_id=")
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1
    assert "Belarus had been offering migrants flights to Minsk" in rows[0].text
    sid = speaker_ids["Ingrida Simonyte"]
    assert browser.find_element(By.CSS_SELECTOR, "td.col-id").text == sid

    # 3. Follow the statement's "review" link to the desk and submit its verdict form.
    rows[0].find_element(By.LINK_TEXT, "review").click()
    assert wait_for_url(browser, f"/-/review/statements/{sid}")
    Select(browser.find_element(By.NAME, "status")).select_by_visible_text("misleading")
    browser.find_element(By.NAME, "note").send_keys("Offered by whom? <b>unclear</b> =1+1")
    browser.find_element(By.NAME, "reviewer").send_keys("chromium")
    browser.find_element(By.CSS_SELECTOR, "form.verdict button[type=submit]").click()
    assert wait_for_text(browser, "Verdict recorded")

    # 4. The review is in the database, and the status facet now counts it.
    conn = sqlite3.connect(db)
    try:
        reviews = conn.execute("SELECT statement_id, status, note, reviewer FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()
    assert reviews == [(sid, "misleading", "Offered by whom? <b>unclear</b> =1+1", "chromium")]
    browser.get(f"{base}/attribution/statements?_review_status=misleading")
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "td.col-id")] == [sid]
    browser.implicitly_wait(0)  # an absent element must not be waited for
    assert browser.find_elements(By.TAG_NAME, "b") == []  # the note was not rendered as HTML
    browser.implicitly_wait(20)

    # 5. An unknown statement has no page to give a verdict on, and nothing was written.
    browser.get(f"{base}/-/review/statements/0000000000000000")
    assert wait_for_text(browser, "no statement with id")
    browser.implicitly_wait(0)
    assert browser.find_elements(By.CSS_SELECTOR, "form.verdict") == []
    browser.implicitly_wait(20)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    finally:
        conn.close()


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    from attribution_cli.main import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 66 and "does not exist" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_pages_load_under_the_content_security_policy(server: Any, tmp_path: Path) -> None:
    """T67: the UI's CSP must not block Datasette's own scripts and styles (no console violations)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed (apt-get install -y chromium)")
    base, db = server
    sid = next(iter(ids_by_speaker(db).values()))
    for path in ("/attribution", "/attribution/statements", "/-/review", f"/-/review/statements/{sid}"):
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", "--dump-dom", base + path],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0 and "</html>" in done.stdout, done.stderr[-2000:]
        assert "Content Security Policy" not in done.stderr, (path, done.stderr[-2000:])


def test_serving_labels_a_run_whose_process_is_gone_as_aborted(tmp_path: Path) -> None:
    """A run row left 'running' by a killed ingest reads 'aborted' on the served pages."""
    from attribution import store
    from attribution.desk.app import label_aborted_runs

    db_path = tmp_path / "runs.db"
    db = connect(db_path, create=True)
    dead = store.start_run(db, "ingest")
    db.execute("UPDATE runs SET pid = 999999999 WHERE id = ?", [dead])
    db.close()
    assert label_aborted_runs(db_path) == [dead]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT status FROM runs WHERE id = ?", [dead]).fetchone() == ("aborted",)
