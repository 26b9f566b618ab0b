"""`export` and `import-reviews` on a real database: the reviewer's round trip, exit codes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from attribution_cli.main import app
from openpyxl import load_workbook
from typer.testing import CliRunner

from attribution.export import COLUMNS

try:
    from test_export_fixtures import seed_database
except ImportError:  # tests/ became a package
    from tests.test_export_fixtures import seed_database

runner = CliRunner()


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a seeded attribution.db."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ATTRIBUTION_DB", raising=False)
    seed_database(tmp_path / "attribution.db")
    return tmp_path


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def current(db: Path) -> dict[str, dict[str, Any]]:
    from attribution.queries import statement_rows
    from attribution.store import connect

    database = connect(db, create=False)
    try:
        return {r["id"]: r for r in statement_rows(database, include_claims=True)}
    finally:
        database.close()


def review_rows(db: Path) -> list[tuple[Any, ...]]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT statement_id, status, note, reviewer FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()


def test_xlsx_round_trip_records_only_edited_rows(workdir: Path) -> None:
    result = run("export", "--out", "sheet.xlsx")
    assert result.exit_code == 0, result.output
    assert "wrote 4 rows" in result.stderr
    wb = load_workbook(workdir / "sheet.xlsx")
    ws = wb["statements"]
    col = {c.value: c.column for c in ws[1]}
    ids = {ws.cell(r, col["speaker"]).value: r for r in range(2, ws.max_row + 1)}
    assert set(ids) == {"Gabrielius Landsbergis", "Ingrida Simonyte", "Fabrice Leggeri", None}
    landsbergis, simonyte, leggeri = (
        ids["Gabrielius Landsbergis"],
        ids["Ingrida Simonyte"],
        ids["Fabrice Leggeri"],
    )
    ws.cell(landsbergis, col["status"]).value = "verified"
    ws.cell(landsbergis, col["note"]).value = "'=matches the ministry transcript"
    ws.cell(simonyte, col["status"]).value = "maybe"  # invalid
    ws.cell(leggeri, col["id"]).value = "0000000000000000"  # unknown
    wb.save(workdir / "sheet.xlsx")

    result = run("import-reviews", "sheet.xlsx", "--reviewer", "desk-1")
    assert result.exit_code == 65, result.output
    assert f"row {simonyte}" in result.stderr and "invalid status 'maybe'" in result.stderr
    assert f"row {leggeri}" in result.stderr and "unknown id" in result.stderr
    assert "1 review(s) recorded, 1 row(s) unchanged, 2 rejected" in result.stderr
    landsbergis_id = ws.cell(landsbergis, col["id"]).value
    assert review_rows(workdir / "attribution.db") == [
        (landsbergis_id, "verified", "=matches the ministry transcript", "desk-1")
    ]
    row = current(workdir / "attribution.db")[landsbergis_id]
    assert (row["status"], row["note"]) == ("verified", "=matches the ministry transcript")

    # Importing the same sheet again records nothing new: nothing changed against the DB.
    again = run("import-reviews", "sheet.xlsx")
    assert again.exit_code == 65 and "0 review(s) recorded" in again.stderr
    assert len(review_rows(workdir / "attribution.db")) == 1


def test_csv_round_trip_and_reexport_keeps_the_verdict(workdir: Path) -> None:
    assert run("export", "--out", "sheet.csv").exit_code == 0
    with open(workdir / "sheet.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(COLUMNS)
    col = {name: i for i, name in enumerate(table[0])}
    claim = next(r for r in table[1:] if r[col["kind"]] == "unattributed")
    claim[col["status"]] = "unverifiable"
    claim[col["note"]] = "-no source for 'hundreds'"
    with open(workdir / "sheet.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)

    dry = run("import-reviews", "sheet.csv", "--dry-run")
    assert dry.exit_code == 0 and "would record unverifiable" in dry.stdout
    assert review_rows(workdir / "attribution.db") == []

    result = run("import-reviews", "sheet.csv")
    assert result.exit_code == 0, result.output
    assert review_rows(workdir / "attribution.db") == [
        (claim[col["id"]], "unverifiable", "-no source for 'hundreds'", None)
    ]
    assert run("export", "--out", "again.csv", "--status", "unverifiable").exit_code == 0
    with open(workdir / "again.csv", encoding="utf-8", newline="") as handle:
        (header, record) = list(csv.reader(handle))
    assert record[col["note"]] == "'-no source for 'hundreds'"  # formula-safe on the way out
    assert record[col["status"]] == "unverifiable"


def test_claimreview_export_after_review(workdir: Path) -> None:
    from attribution.review import record_review
    from attribution.store import connect

    rows = current(workdir / "attribution.db")
    simonyte = next(r for r in rows.values() if r["speaker"] == "Ingrida Simonyte")
    database = connect(workdir / "attribution.db")
    record_review(database, simonyte["id"], "false", note="no flights were offered")
    database.close()
    result = run("export", "--out", "reviews.jsonld", "--reviewer-org", "Desk")
    assert result.exit_code == 0, result.output
    (review,) = json.loads((workdir / "reviews.jsonld").read_text(encoding="utf-8"))
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["itemReviewed"]["author"]["name"] == "Ingrida Simonyte"
    assert review["itemReviewed"]["appearance"]["datePublished"] == "2021-07-12"
    assert review["author"] == {"@type": "Organization", "name": "Desk"}


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_export_carries_hash_and_offsets(workdir: Path, fmt: str) -> None:
    from attribution.store import connect

    assert run("export", "--out", f"x.{fmt}").exit_code == 0
    raw = (workdir / f"x.{fmt}").read_text(encoding="utf-8")
    records = json.loads(raw)["statements"] if fmt == "json" else [json.loads(line) for line in raw.splitlines()]
    database = connect(workdir / "attribution.db", create=False)
    texts = dict(database.execute("SELECT id, text FROM documents").fetchall())
    database.close()
    assert len(records) == 4
    for record in records:
        assert record["offset_unit"] == "codepoint" and record["source_sha256"]
        assert record["source_sha256"] == record["document_sha256"]
        text = texts[record["document_id"]]
        assert text[record["content_start"] : record["content_end"]] == record["content"]
    if fmt == "json":  # self-contained: re-slice against the exported text and check its hash
        from attribution.models import sha256_text

        documents = json.loads(raw)["documents"]
        for record in records:
            document = documents[record["document_id"]]
            assert sha256_text(document["text"]) == document["sha256"] == record["source_sha256"]
            start, end = record["content_start"], record["content_end"]
            assert document["text"][start:end] == record["content"]


def test_export_filters_and_refusals(workdir: Path) -> None:
    result = run("export", "--out", "l.csv", "--speaker", "landsbergis")
    assert result.exit_code == 0 and "wrote 1 row " in result.stderr
    assert run("export", "--out", "l.csv").exit_code == 73
    assert run("export", "--out", "l.csv", "--force").exit_code == 0
    (workdir / "link.xlsx").symlink_to(workdir / "l.csv")
    before = (workdir / "l.csv").read_bytes()
    refused = run("export", "--out", "link.xlsx", "--force")
    assert refused.exit_code == 73 and "symbolic link" in refused.stderr
    assert (workdir / "l.csv").read_bytes() == before
    assert run("export", "--out", "../../etc/x.csv").exit_code == 73
    injection = run("export", "--out", "i.csv", "--speaker", "x' OR 1=1 --")
    assert injection.exit_code == 0 and "wrote 0 rows" in injection.stderr
    assert run("export", "--out", "k.csv", "--kind", "nonsense").exit_code == 2
    assert run("export", "--out", "d.csv", "--since", "July").exit_code == 2
    assert run("export", "--out", "m.csv", "--db", "missing.db").exit_code == 66
    assert not (workdir / "missing.db").exists()


def test_import_reviews_exit_codes(workdir: Path) -> None:
    assert run("import-reviews", "nope.xlsx").exit_code == 66
    (workdir / "bad.csv").write_text("speaker,status\nx,verified\n")
    bad = run("import-reviews", "bad.csv")
    assert bad.exit_code == 66 and "no 'id' column" in bad.stderr


def test_real_subprocess_exit_code_and_no_traceback(workdir: Path) -> None:
    (workdir / "taken.xlsx").write_text("x")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("ATTRIBUTION_DB", None)
    proc = subprocess.run(
        [sys.executable, "-m", "attribution_cli.main", "export", "--out", "taken.xlsx"],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 73
    assert "already exists" in proc.stderr and "Traceback" not in proc.stderr
    assert (workdir / "taken.xlsx").read_text() == "x"


def test_an_internal_error_is_one_line_and_exit_70(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in an export is 'internal error' (70), as in every other command; it was a
    traceback and exit 1."""
    import attribution.export

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(attribution.export, "export_rows", broken)
    monkeypatch.delenv("ATTRIBUTION_DEBUG", raising=False)
    result = run("export", "--out", "x.csv")
    assert result.exit_code == 70
    assert result.stderr.strip() == "error: internal error: ZeroDivisionError: division by zero"
