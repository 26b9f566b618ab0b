"""Reading a filled-in review sheet back and turning it into review records.

Reviewers edit the ``status`` and ``note`` columns of an exported XLSX or CSV sheet. Rows are
matched by ``id`` only: a row whose id is unknown, duplicated, or whose status is not one of
the known statuses is rejected with its row number, never matched by similarity. Rows whose
status and note equal what the export wrote are left alone, so importing the same sheet twice
records nothing the second time. Each row carries the review its statement had when the
sheet was exported (``review_id``); a row that would change a statement reviewed again since
is a conflict, reported and not recorded unless forced, so an old sheet never silently
reverts newer verdicts. An empty note cell keeps the note; only ``[clear]`` clears it. A
formula in a cell the import reads is refused, never taken for its cached value or for an
empty cell (a sheet written by openpyxl has no cached values at all, so an unevaluated
formula would read as empty and clear a note).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from attribution.errors import InputError
from attribution.review import note_problem

from .cells import (
    CLEAR_NOTE,
    REVIEW_STATE_COLUMN,
    STATUSES,
    TRUNCATION_MARK,
    exported_text,
    text_value,
    unneutralise,
)
from .sheets import SHEET_TITLE

_CSV_FIELD_LIMIT = 2**31 - 1


# Columns import-reviews reads; a formula in any of them refuses the row.
READ_COLUMNS: tuple[str, ...] = ("id", "status", "note", REVIEW_STATE_COLUMN)


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula rather than a value (its text, for the message)."""

    text: str


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based sheet row number, cells by header name, stray cells."""

    number: int
    values: dict[str, str]
    overflow: bool = False  # non-empty cells to the right of the last header
    formulas: frozenset[str] = frozenset()  # read columns whose cell holds a formula


@dataclass(frozen=True)
class Sheet:
    """Header names (lower-cased) and the data rows of a review sheet."""

    source: str
    xlsx: bool
    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class ReviewChange:
    """A review to record. ``note`` None keeps the current note; "" clears it."""

    row: int
    statement_id: str
    status: str
    note: str | None


@dataclass(frozen=True)
class Rejection:
    row: int
    statement_id: str
    reason: str

    def __str__(self) -> str:
        who = f" (id {self.statement_id})" if self.statement_id else ""
        return f"row {self.row}{who}: {self.reason}"


@dataclass
class ImportPlan:
    changes: list[ReviewChange] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    unchanged: int = 0
    blank: int = 0
    # Rows that would overwrite a review newer than the sheet: reported, not recorded.
    conflicts: list[Rejection] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    return zipfile.is_zipfile(path)


def read_sheet(path: Path) -> Sheet:
    """Read an exported review sheet (XLSX or CSV) by header names; InputError if unreadable."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    try:
        table = _read_xlsx(path) if _is_xlsx(path) else _read_csv(path)
    except InputError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as error:
        raise InputError(str(path), f"cannot read sheet: {error}") from None
    if not table:
        raise InputError(str(path), "sheet is empty (no header row)")
    columns = tuple(_cell_text(c).strip().lower() for c in table[0])
    if "id" not in columns:
        raise InputError(str(path), "no 'id' column in the header row")
    if "status" not in columns and "note" not in columns:
        raise InputError(str(path), "neither a 'status' nor a 'note' column in the header row")
    xlsx = _is_xlsx(path)
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = [_cell_text(v) for v in values]
        cells += [""] * (len(columns) - len(cells))
        record = {name: cells[i] for i, name in enumerate(columns) if name}
        overflow = any(c.strip() for c in cells[len(columns) :])
        formulas = frozenset(
            name
            for i, name in enumerate(columns)
            if name in READ_COLUMNS and i < len(values) and _is_formula(values[i], xlsx)
        )
        rows.append(SheetRow(number, record, overflow, formulas))
    return Sheet(str(path), xlsx, columns, tuple(rows))


def _is_formula(value: Any, xlsx: bool) -> bool:
    """An XLSX formula cell, or a CSV cell a spreadsheet would run as one. Exports write a
    leading ' before such text, so a bare '=' was typed (or computed) after the export."""
    if xlsx:
        return isinstance(value, Formula)
    return isinstance(value, str) and value.lstrip(" ").startswith("=")


def _xlsx_value(cell: Any) -> Any:
    if getattr(cell, "data_type", None) == "f":
        value = cell.value
        return Formula(str(getattr(value, "text", None) or value))
    return cell.value


def _read_xlsx(path: Path) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    # Formulas as written, not cached values: they are refused, not guessed at.
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        return [tuple(_xlsx_value(cell) for cell in row) for row in ws.iter_rows()]
    finally:
        wb.close()


def _read_csv(path: Path) -> list[tuple[Any, ...]]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [tuple(row) for row in csv.reader(handle)]
    except UnicodeDecodeError as error:
        raise InputError(str(path), f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def _none_if_empty(text: str | None) -> str | None:
    return text if text else None


def plan_reviews(
    sheet: Sheet,
    current: Mapping[str, Mapping[str, Any]],
    retired: Collection[str] | Mapping[str, Sequence[str]] = (),
    *,
    force: bool = False,
) -> ImportPlan:
    """Compare each sheet row with the current status/note of its statement.

    ``current`` maps statement id to a row holding at least ``status`` and ``note`` (and
    ``review_id``, the latest review, for conflict checks); ``retired`` holds ids a
    re-extraction has replaced since the sheet was exported (as a mapping: with the current
    statements their reviews moved to). ``force`` records conflicting rows anyway.
    """
    plan = ImportPlan()
    seen: dict[str, list[int]] = {}
    for row in sheet.rows:
        sid = unneutralise(row.values.get("id", "").strip())
        if sid:
            seen.setdefault(sid, []).append(row.number)
    for row in sheet.rows:
        number, record = row.number, row.values
        if row.formulas:
            sid = "" if "id" in row.formulas else unneutralise(record.get("id", "").strip())
            plan.rejected.append(Rejection(number, sid, _formula_reason(row)))
            continue
        sid = unneutralise(record.get("id", "").strip())
        if not sid:
            if row.overflow or any(v.strip() for v in record.values()):
                plan.rejected.append(Rejection(number, "", "no id in this row"))
            else:
                plan.blank += 1
            continue
        if len(seen[sid]) > 1:
            others = ", ".join(str(n) for n in seen[sid] if n != number)
            plan.rejected.append(Rejection(number, sid, f"id also appears in row(s) {others}"))
            continue
        if sid not in current:
            plan.rejected.append(Rejection(number, sid, _missing_reason(sid, retired)))
            continue
        if row.overflow:
            plan.rejected.append(Rejection(number, sid, "values beyond the last header column"))
            continue
        outcome = _plan_row(number, sid, record, current[sid], sheet.xlsx)
        if isinstance(outcome, Rejection):
            plan.rejected.append(outcome)
        elif outcome is None:
            plan.unchanged += 1
        else:
            stale = _stale_reason(sheet, record, current[sid]) or _moved_reason(sheet, record, current[sid])
            if isinstance(stale, Rejection):
                plan.rejected.append(replace(stale, row=number, statement_id=sid))
            elif stale and not force:
                plan.conflicts.append(Rejection(number, sid, stale))
            else:
                plan.changes.append(outcome)
    return plan


# Cells that say what a verdict is about; if the statement no longer matches them, the
# reviewer judged something else.
ATTRIBUTION_COLUMNS: tuple[str, ...] = ("speaker", "type", "content")


def _moved_reason(sheet: Sheet, record: Mapping[str, str], now: Mapping[str, Any]) -> str | None:
    """Why this row's verdict may be about another attribution than the statement has now
    (a re-extraction changed its speaker, type or content after the export), or None."""
    differ = [
        f"{name} {unneutralise(record[name])!r} in the sheet, {text_value(now.get(name))!r} now"
        for name in ATTRIBUTION_COLUMNS
        if name in record and record[name] != exported_text(now.get(name), xlsx=sheet.xlsx)
    ]
    if not differ:
        return None
    return (
        f"the statement changed since this sheet was exported ({'; '.join(differ)});"
        " not recorded: review it again from a fresh sheet (--force to record it)"
    )


def _missing_reason(sid: str, retired: Collection[str] | Mapping[str, Sequence[str]]) -> str:
    if sid not in retired:
        return "unknown id: no such statement"
    reason = "statement was replaced by a re-extraction since this sheet was exported"
    successors = list(retired[sid]) if isinstance(retired, Mapping) else []
    if successors:
        reason += f" (its reviews now apply to {', '.join(successors)})"
    return reason + "; export a fresh sheet"


def _review_number(text: str) -> int | None:
    value = text.strip()
    if value.endswith(".0"):  # a spreadsheet that turned the number into a float
        value = value[:-2]
    return int(value) if value.isdigit() else None


def _stale_reason(sheet: Sheet, record: Mapping[str, str], now: Mapping[str, Any]) -> str | Rejection | None:
    """Why a change from this row would overwrite a review the sheet never showed, or None.

    A sheet without the review column (written before it existed) cannot say what it saw,
    so any review now on its statement counts as newer.
    """
    current = now.get("review_id")
    current_id = int(current) if current is not None else None
    if REVIEW_STATE_COLUMN in sheet.columns:
        cell = record.get(REVIEW_STATE_COLUMN, "").strip()
        exported = _review_number(cell) if cell else None
        if cell and exported is None:
            return Rejection(
                0, "", f"{REVIEW_STATE_COLUMN} {cell!r} is not a review number; leave that column as exported"
            )
        if exported == current_id:
            return None
        seen = f"review {exported}" if exported is not None else "no review"
    elif current_id is None:
        return None
    else:
        seen = f"no {REVIEW_STATE_COLUMN} column (an older export)"
    if current_id is None:
        return f"the sheet shows {seen} but the statement has none; not recorded (--force to record it)"
    who = f" by {now['reviewer']}" if now.get("reviewer") else ""
    when = f" at {now['reviewed_at']}" if now.get("reviewed_at") else ""
    return (
        f"reviewed again since this sheet was exported (sheet: {seen}; now: review {current_id},"
        f" {now.get('status') or 'new'}{who}{when}); not recorded (--force to record it)"
    )


def _formula_reason(row: SheetRow) -> str:
    cells = "; ".join(f"{name} {row.values.get(name, '')!r}" for name in READ_COLUMNS if name in row.formulas)
    return f"formula refused ({cells}): formulas are not read; type the value, or start it with ' to keep it as text"


def _plan_row(
    number: int, sid: str, record: Mapping[str, str], now: Mapping[str, Any], xlsx: bool
) -> ReviewChange | Rejection | None:
    current_status = text_value(now.get("status")) or "new"
    current_note = _none_if_empty(text_value(now.get("note")))

    status = current_status
    if "status" in record:
        if note_problem(record["status"]):
            return Rejection(number, sid, f"invalid status {record['status']!r}: it holds control characters")
        cell = unneutralise(record["status"]).strip().lower()
        if cell:
            if cell not in STATUSES:
                return Rejection(
                    number,
                    sid,
                    f"invalid status {record['status']!r} (allowed: {', '.join(STATUSES)})",
                )
            status = cell

    note: str | None = None  # None: leave the current note as it is
    if "note" in record:
        cell = record["note"]
        if cell.strip().lower() == CLEAR_NOTE:
            if current_note is not None:
                note = ""
        elif not cell.strip():
            pass  # an empty cell never clears a note
        elif cell != exported_text(current_note, xlsx=xlsx):
            if TRUNCATION_MARK in cell:
                return Rejection(
                    number,
                    sid,
                    "note was truncated in the export and then edited; "
                    "record long notes with `attribution review` instead",
                )
            edited = unneutralise(cell)
            problem = note_problem(edited)
            if problem:
                return Rejection(number, sid, problem)
            if edited != (current_note or ""):
                note = edited

    if status == current_status and note is None:
        return None
    return ReviewChange(number, sid, status, note)


RecordReview = Callable[..., Any]


def apply_reviews(
    db: Any,
    changes: Iterable[ReviewChange],
    *,
    reviewer: str | None = None,
    record: RecordReview | None = None,
) -> int:
    """Record each change through ``attribution.review.record_review``; return how many."""
    if record is None:
        from attribution.review import record_review as record
    count = 0
    for change in changes:
        record(db, change.statement_id, change.status, note=change.note, reviewer=reviewer)
        count += 1
    return count
