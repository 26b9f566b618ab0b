"""A desk's verdicts are never moved or forged silently (issue 18; no spaCy).

Each test reproduces one way a verdict used to change or vanish without a word: a review of
a replaced statement, an ambiguous id prefix, formulas and control characters in an
imported sheet, a stale sheet imported over newer verdicts, and a re-extraction that moves
a reviewed statement to another speaker.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import store_helpers as h
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import store
from attribution.jobs import reextract
from attribution.models import Document, Extraction, Span
from attribution.queries import UnknownStatement, resolve_statement_id, statement_rows
from attribution.review import InvalidNote, RetiredStatement, attribution_changes, record_review

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    database = store.connect(path)
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, h.seed_extraction(), run_id)
    for i in range(3):
        store.store_extraction(database, h.article_extraction(i), run_id)
    store.finish_run(database, run_id, "completed", {})
    database.close()
    return path


@pytest.fixture
def db(db_path: Path):
    database = store.connect(db_path)
    yield database
    database.close()


def by_content(db, fragment: str) -> dict:
    rows = [r for r in statement_rows(db, include_claims=True, attributions="all") if fragment in r["content"]]
    assert len(rows) == 1, rows
    return rows[0]


def replaying(change) -> object:
    """An extractor giving every stored document the originals, edited by ``change``."""
    originals = {e.document.sha256: e for e in [h.seed_extraction()] + [h.article_extraction(i) for i in range(3)]}

    def extractor(documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            yield change(originals[document.sha256])

    return extractor


def widen_situation(extraction: Extraction, version: str = "2") -> Extraction:
    """Version 2: the Leggeri quote gains its trailing space (a new id); the Frontex
    'additional personnel' statement is no longer produced."""
    text = extraction.document.text
    statements = []
    for statement in extraction.statements:
        if "additional personnel" in statement.content.text:
            continue
        if "situation" in statement.content.text:
            content = statement.content
            statement = replace(statement, content=Span.of(text, content.start, content.end + 1))
        statements.append(statement)
    return replace(extraction, statements=tuple(statements), extractor_version=version)


# --------------------------------------------------------------------------- item 3: review ids


def test_review_of_a_replaced_statement_is_refused_and_names_its_successor(db_path, db):
    old = by_content(db, "situation")["id"]
    dropped = by_content(db, "additional personnel")["id"]
    record_review(db, old, "misleading", note="before")
    reextract(db, extractor=replaying(widen_situation), extractor_version="2")
    successor = by_content(db, "situation")["id"]
    assert successor != old
    before = store.review_digest(db)

    with pytest.raises(RetiredStatement, match=successor):
        record_review(db, old, "verified")
    result = invoke("review", old, "--status", "verified", "--db", db_path)
    assert result.exit_code == 65  # data error (was 1)
    assert "replaced by a re-extraction" in result.stderr and successor in result.stderr
    assert "nothing was recorded" in result.stderr
    # a replaced statement nothing took the place of: its reviews are orphaned, say so
    result = invoke("review", dropped, "--status", "false", "--db", db_path)
    assert result.exit_code == 65 and "orphan" in result.stderr
    assert store.review_digest(db) == before
    # the successor itself is reviewed as usual
    assert invoke("review", successor, "--status", "verified", "--db", db_path).exit_code == 0


def _shared_prefix(ids: list[str]) -> str:
    """The longest prefix at least two of these ids share."""
    best = ""
    ordered = sorted(ids)
    for a, b in zip(ordered, ordered[1:], strict=False):
        n = 0
        while n < len(a) and a[n] == b[n]:
            n += 1
        if n > len(best):
            best = a[:n]
    assert best, ids
    return best


def test_ambiguous_prefix_lists_the_candidates(db_path, db):
    ids = [r[0] for r in db.execute("SELECT id FROM statements").fetchall()]
    prefix = _shared_prefix(ids)
    matching = [sid for sid in ids if sid.startswith(prefix)]
    assert len(matching) >= 2
    with pytest.raises(UnknownStatement, match="ambiguous"):
        resolve_statement_id(db, prefix)
    result = invoke("review", prefix, "--status", "verified", "--db", db_path)
    assert result.exit_code == 65  # data error (was 1)
    assert "ambiguous" in result.stderr and "no statement with id" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one readable line, candidates included
    for sid in matching[:10]:
        assert sid in result.stderr
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_short_unique_prefix_is_not_enough(db_path, db):
    ids = sorted(r[0] for r in db.execute("SELECT id FROM statements").fetchall())
    unique = next(sid[:n] for n in range(1, 4) for sid in ids if sum(other.startswith(sid[:n]) for other in ids) == 1)
    with pytest.raises(UnknownStatement, match="too short"):
        resolve_statement_id(db, unique)
    longer = next(sid for sid in ids if sid.startswith(unique))
    assert resolve_statement_id(db, longer[:8]) == longer


def test_control_characters_in_a_note_are_refused(db_path, db):
    sid = by_content(db, "situation")["id"]
    for note in ("a\x00b", "bell\x07", "esc\x1b[31m", "c1\x85"):
        with pytest.raises(InvalidNote, match="control character"):
            record_review(db, sid, "verified", note=note)
        result = invoke("review", sid, "--status", "verified", "--note", note, "--db", db_path)
        assert result.exit_code == 2 and "control character" in result.output
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    record_review(db, sid, "verified", note="two lines\nand\ta tab are fine")


# --------------------------------------------------------------------------- item 4: imported cells


def export_sheet(db, path: Path, fmt: str = "xlsx") -> Path:
    from attribution.export import export_rows

    export_rows(statement_rows(db, include_claims=True), path, fmt)
    return path


def sheet_rows(path: Path) -> dict[str, int]:
    """Statement id -> 1-based row number in the exported XLSX sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["statements"]
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}


def column(path: Path, name: str) -> int:
    from openpyxl import load_workbook

    ws = load_workbook(path)["statements"]
    return [c.value for c in ws[1]].index(name) + 1


def test_formula_in_a_note_or_status_cell_is_refused_not_read_as_empty(db, tmp_path):
    from openpyxl import load_workbook

    from attribution.export import import_reviews

    noted = by_content(db, "situation")["id"]
    other = by_content(db, "When refugees")["id"]
    record_review(db, noted, "misleading", note="Frontex figures differ")
    path = export_sheet(db, tmp_path / "sheet.xlsx")
    rows, note_col, status_col = sheet_rows(path), column(path, "note"), column(path, "status")
    wb = load_workbook(path)
    ws = wb["statements"]
    ws.cell(rows[noted], note_col).value = '=HYPERLINK("http://evil.example","x")'  # openpyxl: a formula
    ws.cell(rows[other], status_col).value = '=IF(1,"verified","false")'
    wb.save(path)
    before = store.review_digest(db)

    result = import_reviews(db, path)
    assert result.recorded == []
    reasons = {r.statement_id: r.reason for r in result.rejected}
    assert set(reasons) == {noted, other}
    assert all("formula" in reason for reason in reasons.values())
    assert "HYPERLINK" in reasons[noted] and "note" in reasons[noted]
    assert store.review_digest(db) == before
    assert by_content(db, "situation")["note"] == "Frontex figures differ"


def test_formula_and_control_characters_in_a_csv_sheet_are_refused(db, tmp_path):
    import csv

    from attribution.export import import_reviews

    ids = [by_content(db, f)["id"] for f in ("situation", "When refugees", "colleagues", "urge the EU")]
    path = export_sheet(db, tmp_path / "sheet.csv", "csv")
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header = table[0]
    at = {row[0]: row for row in table[1:]}
    at[ids[0]][header.index("note")] = "=1+1"
    at[ids[1]][header.index("note")] = "null\x00byte"
    at[ids[2]][header.index("status")] = "verified\x1f"
    at[ids[3]][header.index("note")] = "'=1+1 is what the minister wrote"  # kept as text, explicitly
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)

    result = import_reviews(db, path)
    reasons = {r.statement_id: r.reason for r in result.rejected}
    assert set(reasons) == set(ids[:3])
    assert "formula" in reasons[ids[0]]
    assert "control character" in reasons[ids[1]] and "U+0000" in reasons[ids[1]]
    assert "control character" in reasons[ids[2]]
    assert [(c.statement_id, c.note) for c in result.recorded] == [(ids[3], "=1+1 is what the minister wrote")]


# --------------------------------------------------------------------------- item 2: stale sheets


def test_stale_sheet_never_reverts_newer_verdicts(db_path, db, tmp_path, monkeypatch):
    """Export, review four statements in the CLI, import the older sheet: four conflicts,
    nothing reverted, no note cleared; --force applies them."""
    from attribution.export import import_reviews

    monkeypatch.chdir(tmp_path)
    sheet = export_sheet(db, tmp_path / "old.xlsx")
    ids = [by_content(db, f)["id"] for f in ("situation", "When refugees", "colleagues", "urge the EU")]
    for sid, status in zip(ids, ("misleading", "false", "verified", "verified"), strict=True):
        result = invoke("review", sid, "--status", status, "--note", f"checked {status}", "--db", db_path)
        assert result.exit_code == 0, result.output
    before = store.review_digest(db)

    result = invoke("import-reviews", sheet, "--db", db_path)
    assert result.exit_code == 65, result.output
    assert result.stderr.count("conflict:") == 4
    for sid in ids:
        assert sid in result.stderr
    assert "reviewed again since this sheet was exported" in result.stderr
    assert store.review_digest(db) == before
    for fragment, status in zip(("situation", "When refugees"), ("misleading", "false"), strict=True):
        row = by_content(db, fragment)
        assert row["status"] == status and row["note"] == f"checked {status}"

    # --force applies the sheet's statuses, but its empty note cells still clear nothing
    forced = import_reviews(db, sheet, force=True)
    assert sorted(c.statement_id for c in forced.recorded) == sorted(ids) and not forced.conflicts
    assert all(c.status == "new" and c.note is None for c in forced.recorded)
    assert by_content(db, "situation")["note"] == "checked misleading"


def test_fresh_sheet_imports_and_empty_note_cells_keep_notes(db, tmp_path):
    from openpyxl import load_workbook

    from attribution.export import import_reviews

    kept, cleared = by_content(db, "situation")["id"], by_content(db, "When refugees")["id"]
    record_review(db, kept, "misleading", note="keep me")
    record_review(db, cleared, "false", note="drop me")
    path = export_sheet(db, tmp_path / "fresh.xlsx")
    rows, note_col, status_col = sheet_rows(path), column(path, "note"), column(path, "status")
    assert load_workbook(path)["statements"].cell(rows[kept], column(path, "review_id")).value is not None
    wb = load_workbook(path)
    ws = wb["statements"]
    ws.cell(rows[kept], note_col).value = None
    ws.cell(rows[kept], status_col).value = "verified"
    ws.cell(rows[cleared], note_col).value = "[clear]"
    wb.save(path)

    result = import_reviews(db, path)
    assert not result.conflicts and not result.rejected
    assert {(c.statement_id, c.status, c.note) for c in result.recorded} == {
        (kept, "verified", None),
        (cleared, "false", ""),
    }
    assert by_content(db, "situation")["note"] == "keep me"
    assert not by_content(db, "When refugees")["note"]
    assert import_reviews(db, path).recorded == []  # the same sheet again records nothing


def test_sheet_without_the_review_column_conflicts_with_any_review(db, tmp_path):
    import csv

    from attribution.export import import_reviews

    sid = by_content(db, "situation")["id"]
    path = export_sheet(db, tmp_path / "old.csv", "csv")
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    at = table[0].index("review_id")
    table = [row[:at] + row[at + 1 :] for row in table]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    record_review(db, sid, "false", note="newer")
    result = import_reviews(db, path)
    assert [c.statement_id for c in result.conflicts] == [sid] and "older export" in result.conflicts[0].reason
    assert by_content(db, "situation")["status"] == "false"


# --------------------------------------------------------------------------- item 1: moved verdicts


def give_to(fragment: str, speaker, version: str = "1", quote_type=None):
    """An extraction change: the statement holding ``fragment`` is attributed to ``speaker``
    (and quoted as ``quote_type`` when given)."""

    def change(extraction: Extraction) -> Extraction:
        statements = []
        for statement in extraction.statements:
            if fragment in statement.content.text:
                statement = replace(statement, speaker=speaker, speaker_mention=None)
                if quote_type is not None:
                    statement = replace(statement, type=quote_type)
            statements.append(statement)
        return replace(extraction, statements=tuple(statements), extractor_version=version)

    return change


def claimreview_ids(db, tmp_path: Path, name: str) -> tuple[list[str], list[str]]:
    from attribution.export import export_rows

    out = tmp_path / name
    report = export_rows(statement_rows(db, include_claims=True), out, "claimreview")
    return [r["identifier"] for r in json.loads(out.read_text())], report.warnings


def test_reextraction_that_moves_a_verdict_to_another_speaker_flags_it(db_path, db, tmp_path):
    """Same id, same verdict, another speaker: needs re-review everywhere until confirmed."""
    leggeri = by_content(db, "situation")
    other = by_content(db, "When refugees")["id"]
    record_review(db, leggeri["id"], "misleading", note="Frontex data say otherwise", reviewer="ana")
    record_review(db, other, "verified")
    old_sheet = export_sheet(db, tmp_path / "before.xlsx")
    assert sorted(claimreview_ids(db, tmp_path, "before.json")[0]) == sorted([leggeri["id"], other])

    report = reextract(db, all=True, extractor=replaying(give_to("situation", h.LANDSBERGIS)), extractor_version="1")
    assert report.needs_rereview == 1
    row = by_content(db, "situation")
    assert row["id"] == leggeri["id"] and row["status"] == "misleading"
    assert row["speaker"] == "Gabrielius Landsbergis" and row["needs_rereview"] is True
    assert by_content(db, "When refugees")["needs_rereview"] is False

    # history: the old and the new speaker
    result = invoke("history", row["id"], "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "Fabrice Leggeri" in result.stdout and "Gabrielius Landsbergis" in result.stdout
    assert "needs re-review" in result.stdout
    events = invoke("history", row["id"], "--db", db_path, "--format", "json")
    changed = [e for e in json.loads(events.stdout) if e["event"] == "attribution-changed"]
    assert [(e["field"], e["old_value"], e["new_value"]) for e in changed] == [
        ("speaker", "Fabrice Leggeri (person)", "Gabrielius Landsbergis (person)")
    ]
    # listing, sheet, UI view
    listing = invoke("quotes", "--db", db_path, "--speaker", "Landsbergis")
    assert "[misleading, needs re-review]" in listing.stdout
    path = export_sheet(db, tmp_path / "after.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(path)["statements"]
    assert ws.cell(sheet_rows(path)[row["id"]], column(path, "needs_rereview")).value == "yes"
    assert db.execute("SELECT statement_id, status FROM needs_rereview").fetchall() == [(row["id"], "misleading")]
    # ClaimReview holds the verdict back, and says so
    published, warnings = claimreview_ids(db, tmp_path, "after.json")
    assert published == [other]
    assert any("held back" in w and row["id"] in w for w in warnings)

    # the old sheet, exported before the change, cannot confirm it unseen
    wb = load_workbook(old_sheet)
    wb["statements"].cell(sheet_rows(old_sheet)[row["id"]], column(old_sheet, "status")).value = "false"
    wb.save(old_sheet)
    from attribution.export import import_reviews

    result = import_reviews(db, old_sheet)
    assert [c.statement_id for c in result.conflicts] == [row["id"]] and not result.recorded
    assert "Fabrice Leggeri" in result.conflicts[0].reason

    # running the same extraction again logs nothing new
    before = db.execute("SELECT count(*) FROM attribution_changes").fetchone()[0]
    reextract(db, all=True, extractor=replaying(give_to("situation", h.LANDSBERGIS)), extractor_version="1")
    assert db.execute("SELECT count(*) FROM attribution_changes").fetchone()[0] == before

    # a new review confirms it
    assert invoke("review", row["id"], "--status", "misleading", "--db", db_path).exit_code == 0
    assert by_content(db, "situation")["needs_rereview"] is False
    assert sorted(claimreview_ids(db, tmp_path, "confirmed.json")[0]) == sorted([row["id"], other])
    assert "changed, confirmed" in invoke("history", row["id"], "--db", db_path).stdout


def test_reanchored_verdict_with_another_speaker_and_type_is_flagged(db, tmp_path):
    """Across extractor versions the anchor matches text only: the new statement's speaker
    and type are compared too."""
    from attribution.models import QuoteType

    sid = by_content(db, "When refugees")["id"]
    untouched = by_content(db, "colleagues")["id"]
    record_review(db, sid, "false", note="no such weapon")
    record_review(db, untouched, "verified")
    change = give_to("When refugees", h.FRONTEX, version="2", quote_type=QuoteType.MIXED)
    reextract(db, extractor=replaying(change), extractor_version="2")

    row = by_content(db, "When refugees")
    assert row["id"] != sid and row["status"] == "false" and row["note"] == "no such weapon"
    assert row["needs_rereview"] is True and row["speaker"] == "Frontex"
    assert by_content(db, "colleagues")["needs_rereview"] is False  # re-anchored, same attribution
    fields = {(c["field"], c["old_value"], c["new_value"]) for c in attribution_changes(db, row["id"])}
    assert ("speaker", "Gabrielius Landsbergis (person)", "Frontex (organisation)") in fields
    assert ("type", "direct", "mixed") in fields
    assert claimreview_ids(db, tmp_path, "held.json")[0] == [by_content(db, "colleagues")["id"]]
    # a third version with nothing new keeps the flag on the statement it lands on
    reextract(db, extractor=replaying(give_to("When refugees", h.FRONTEX, "3", QuoteType.MIXED)), extractor_version="3")
    assert by_content(db, "When refugees")["needs_rereview"] is True
    record_review(db, by_content(db, "When refugees")["id"], "false")
    assert by_content(db, "When refugees")["needs_rereview"] is False


def test_unreviewed_statements_log_no_changes(db):
    reextract(db, all=True, extractor=replaying(give_to("situation", h.LANDSBERGIS)), extractor_version="1")
    assert db.execute("SELECT count(*) FROM attribution_changes").fetchone()[0] == 0
    assert not any(r["needs_rereview"] for r in statement_rows(db, include_claims=True))
