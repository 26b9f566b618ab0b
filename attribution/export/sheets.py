"""Review sheets: CSV and XLSX files a fact-checker fills in and hands back.

Both are written from the same column list (``cells.COLUMNS``) and the same safety rules, so
``import-reviews`` can read either back by header name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .cells import CLEAR_NOTE, COLUMNS, STATUSES, CellNote, csv_row, exported_text, xlsx_row

SHEET_TITLE = "statements"
ABOUT_TITLE = "about"
# Width in characters for columns a reviewer actually reads; the rest get a narrow default.
_WIDTHS = {
    "id": 18,
    "speaker": 24,
    "role": 20,
    "organisation": 20,
    "content": 60,
    "note": 40,
    "sentence": 60,
    "document_title": 30,
    "source": 30,
    "status": 14,
    "reasons": 30,
}


def write_csv(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    columns: Sequence[str] = COLUMNS,
    excel: bool = False,
) -> int:
    """Write an RFC 4180 CSV (``excel`` adds a UTF-8 BOM for Excel); return the row count."""
    count = 0
    with open(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(csv_row(row, columns))
            count += 1
    return count


def _string_cell(ws: Any, value: str | int | float | None) -> Cell:
    """A cell whose text is stored as a string even if it looks like a formula."""
    cell = Cell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_xlsx(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    columns: Sequence[str] = COLUMNS,
    about: Sequence[tuple[str, str]] = (),
) -> tuple[int, list[CellNote]]:
    """Write the review workbook; return the row count and every cell alteration made."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    header = [_string_cell(ws, name) for name in columns]
    for cell in header:
        cell.font = Font(bold=True)
    ws.append(header)
    notes: list[CellNote] = []
    count = 0
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = {i for i, name in enumerate(columns) if name in ("content", "sentence", "note")}
    for count, row in enumerate(rows, start=1):
        values, row_notes = xlsx_row(row, count + 1, columns)
        notes.extend(row_notes)
        cells = [_string_cell(ws, value) for value in values]
        for i in wrapped:
            cells[i].alignment = wrap
        ws.append(cells)

    last_col = get_column_letter(len(columns))
    ws.freeze_panes = "B2"  # header row and the id column stay in view
    ws.auto_filter.ref = f"A1:{last_col}{count + 1}"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, 12)
    if "status" in columns:
        letter = get_column_letter(columns.index("status") + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUSES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Unknown status",
            error="Choose one of: " + ", ".join(STATUSES),
        )
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{max(count + 1, 2)}")

    info = wb.create_sheet(ABOUT_TITLE)
    guide = (
        ("statuses", ", ".join(STATUSES)),
        ("clearing a note", f"an empty note cell keeps the note; write {CLEAR_NOTE} in it to clear the note"),
        (
            "review_id",
            "the review each row was exported with; leave it as it is: a row whose statement was"
            " reviewed again since is reported as a conflict and not imported (unless --force)",
        ),
        (
            "needs_rereview",
            "yes: a re-extraction changed the speaker, type or content after the verdict was given;"
            " the verdict is not published until a new review confirms it (see `attribution history ID`)",
        ),
    )
    for key, value in (*about, *guide):
        info.append([_string_cell(info, key), _string_cell(info, exported_text(value, xlsx=True))])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 100
    wb.save(path)
    return count, notes
