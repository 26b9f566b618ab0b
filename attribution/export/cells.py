"""Turning statement rows into spreadsheet cells that can never run as formulas.

Reviewers open exports in Excel, LibreOffice and Google Sheets, all of which treat a cell
starting with ``= + - @`` (and, after trimming, tab, CR or NUL) as a formula. Quoted
evidence routinely starts with "-" or "@", so every text cell gets the documented leading
``'`` when it starts with one of those characters, and nothing else about it is changed
(the README documents it, so a reader knows the ``'`` is ours). XLSX additionally cannot
hold some control characters or more than 32,767 characters per cell; both are replaced or
cut with a visible marker and a warning, never silently.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attribution.models import ReviewStatus, values

# Column order of the review sheet: what a reviewer reads first comes first, and the verdict
# columns sit right after the evidence so nobody scrolls to fill them in.
COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "speaker",
    "role",
    "organisation",
    "cue",
    "content",
    "status",
    "note",
    "sentence",
    "type",
    "speaker_kind",
    "stance",
    "document_title",
    "source",
    "published",
    "document_id",
    "content_start",
    "content_end",
    "sentence_start",
    "sentence_end",
    "rule",
    "score",
    "reasons",
    "review_id",
    "needs_rereview",
    # where the statement was published, how sure extraction was and what act it is
    "url",
    "confidence",
    "act",
    # the extractor's own speaker and type, beside speaker and type a reviewer may have corrected
    "extracted_speaker",
    "extracted_type",
    "corrected",
)
# Written as numbers, so they are exempt from the leading-quote rule.
NUMERIC_COLUMNS: frozenset[str] = frozenset(
    {"content_start", "content_end", "sentence_start", "sentence_end", "score", "review_id", "confidence"}
)
# The columns import-reviews reads back: the verdict, and the review it was exported with
# (empty when the statement had none), so a newer verdict is never overwritten unseen.
REVIEW_COLUMNS: tuple[str, ...] = ("status", "note")
REVIEW_STATE_COLUMN = "review_id"
# An empty note cell keeps the note (a blank cell is too easy to make by accident); this
# text, alone in the cell, clears it.
CLEAR_NOTE = "[clear]"
# The verdicts a sheet may hold (its status drop-down): the review statuses of the schema.
STATUSES: tuple[str, ...] = values(ReviewStatus)

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\0")
QUOTE_PREFIX = "'"

XLSX_CELL_LIMIT = 32_767  # Excel's limit, counted in UTF-16 code units
# Characters XML 1.0 cannot hold: C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def neutralise(text: str) -> str:
    """Prefix ``'`` when a spreadsheet would read ``text`` as a formula; otherwise unchanged."""
    if text.startswith(FORMULA_PREFIXES):
        return QUOTE_PREFIX + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` on a value read back from a sheet we wrote."""
    if text.startswith(QUOTE_PREFIX) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def control_marker(char: str) -> str:
    """The visible stand-in for an XML-illegal character: its Unicode control picture."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 SYMBOL FOR NULL ... U+241F
    return "\ufffd"


def replace_xml_illegal(text: str) -> tuple[str, int]:
    """Replace characters XLSX (XML) cannot store; return the text and how many were replaced."""
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return control_marker(match.group())

    return _XML_ILLEGAL.sub(swap, text), count


def replace_lone_surrogates(text: str) -> tuple[str, int]:
    """Replace unpaired surrogates (not encodable as UTF-8) with U+FFFD."""
    return _LONE_SURROGATE.subn("\ufffd", text)


def utf16_length(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def truncation_marker(shown: int, total: int) -> str:
    return f" [TRUNCATED: first {shown:,} of {total:,} characters; full text in the JSON export]"


TRUNCATION_MARK = " [TRUNCATED: first "


def fit_cell(text: str, limit: int = XLSX_CELL_LIMIT) -> tuple[str, bool]:
    """Cut ``text`` to ``limit`` UTF-16 units with a visible marker; report whether it was cut."""
    if utf16_length(text) <= limit:
        return text, False
    total = len(text)
    # The marker's length depends on how much is shown; size it for the worst case first.
    room = limit - len(truncation_marker(total, total))
    kept: list[str] = []
    used = 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > room:
            break
        kept.append(ch)
        used += width
    shown = len(kept)
    return "".join(kept) + truncation_marker(shown, total), True


def text_value(value: Any) -> str:
    """The text a non-numeric column shows: lists joined, None empty, a flag yes or empty."""
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def numeric_value(value: Any) -> int | float | None:
    """A numeric column's value; anything non-numeric becomes None rather than a guess."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value) if isinstance(value, float) else float(str(value))
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if isinstance(value, str) and number.is_integer() and "." not in value:
        return int(number)
    return number


@dataclass(frozen=True)
class CellNote:
    """Something changed in a cell on its way into a sheet; the CLI prints these as warnings."""

    row: int  # 1-based sheet row (header is row 1)
    statement_id: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row} (id {self.statement_id}), column {self.column}: {self.message}"


def csv_row(row: Mapping[str, Any], columns: Sequence[str] = COLUMNS) -> list[str | int | float]:
    """One CSV record: text cells neutralised, numeric cells as numbers (a number is never a formula)."""
    out: list[str | int | float] = []
    for column in columns:
        if column in NUMERIC_COLUMNS:
            number = numeric_value(row.get(column))
            out.append("" if number is None else number)
        else:
            out.append(neutralise(text_value(row.get(column))))
    return out


def listing_cell(value: Any) -> str | int | float:
    """One cell of a listing's CSV (``quotes --format csv`` and the other listings).

    A listing's columns differ from command to command, so the value's type decides, not the
    column: numbers stay numbers, a flag is 1 or 0, a list is joined, None is empty, and text
    gets the same formula guard as the review sheet.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    return neutralise(text_value(value))


def listing_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A listing as CSV text: a header of ``columns``, then one record per row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([listing_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def xlsx_row(
    row: Mapping[str, Any], sheet_row: int, columns: Sequence[str] = COLUMNS
) -> tuple[list[str | int | float | None], list[CellNote]]:
    """One XLSX row: neutralised, XML-clean, length-limited text; notes for each alteration."""
    out: list[str | int | float | None] = []
    notes: list[CellNote] = []
    sid = text_value(row.get("id"))
    for column in columns:
        raw = row.get(column)
        if column in NUMERIC_COLUMNS:
            out.append(numeric_value(raw))
            continue
        if raw is None:
            out.append(None)
            continue
        text, replaced = replace_xml_illegal(neutralise(text_value(raw)))
        if replaced:
            notes.append(
                CellNote(
                    sheet_row,
                    sid,
                    column,
                    f"{replaced} control character(s) XLSX cannot hold shown as "
                    "control pictures (U+2400-U+241F) or U+FFFD",
                )
            )
        text, cut = fit_cell(text)
        if cut:
            notes.append(
                CellNote(
                    sheet_row,
                    sid,
                    column,
                    f"{len(text_value(raw)):,} characters exceed the XLSX cell limit of "
                    f"{XLSX_CELL_LIMIT:,}; truncated with a visible [TRUNCATED ...] marker",
                )
            )
        out.append(text)
    return out, notes


def exported_text(value: Any, *, xlsx: bool) -> str:
    """What a text cell holding ``value`` reads back as, so import can spot untouched cells."""
    text = neutralise(text_value(value))
    if xlsx:
        text, _ = replace_xml_illegal(text)
        text, _ = fit_cell(text)
    return text
