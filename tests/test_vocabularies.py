"""One vocabulary per field: the enums of models.py are the only spelling of the review
statuses, acts, claim kinds, quote types and speaker kinds; the schema's CHECK lists, the
query filters, the review sheet's drop-down and ClaimReview's ratings are made from them,
so a value added to an enum cannot be missing from any of those."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from attribution import queries, schema, store
from attribution.export import claimreview, sheets
from attribution.export.cells import STATUSES
from attribution.models import Act, ClaimKind, QuoteType, ReviewStatus, SpeakerKind, values

DERIVED = [
    ("review statuses (schema)", schema.REVIEW_STATUSES, ReviewStatus),
    ("review statuses (export sheet)", STATUSES, ReviewStatus),
    ("acts", schema.ACTS, Act),
    ("claim kinds", schema.CLAIM_KINDS, ClaimKind),
    ("quote types", queries.QUOTE_TYPES, QuoteType),
    ("speaker kinds", queries.SPEAKER_KINDS, SpeakerKind),
]


@pytest.mark.parametrize(("what", "derived", "vocabulary"), DERIVED, ids=[d[0] for d in DERIVED])
def test_each_tuple_is_its_enum(what: str, derived: tuple[str, ...], vocabulary: type) -> None:
    assert derived == values(vocabulary) == tuple(member.value for member in vocabulary)


def _check_list(sql: str, column: str) -> tuple[str, ...]:
    """The values of ``column IN ('a', 'b')`` in a CREATE or ALTER statement."""
    match = re.search(rf"\b{column} IN \(([^)]*)\)", sql)
    assert match, (column, sql)
    return tuple(value.strip().strip("'") for value in match.group(1).split(","))


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("reviews", "status", values(ReviewStatus)),
        ("statements", "kind", ("statement", *values(ClaimKind))),
        ("statements", "act", values(Act)),
    ],
)
def test_a_new_database_checks_exactly_the_enum(tmp_path: Path, table: str, column: str, expected: tuple) -> None:
    database = store.connect(tmp_path / "a.db")
    try:
        (sql,) = database.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    finally:
        database.close()
    assert _check_list(sql, column) == expected


def test_the_review_sheet_drop_down_offers_every_status(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    sheets.write_xlsx([{"id": "abc", "status": "new"}], path)
    worksheet = load_workbook(path)[sheets.SHEET_TITLE]
    (validation,) = worksheet.data_validations.dataValidation
    assert tuple(validation.formula1.strip('"').split(",")) == values(ReviewStatus)


def test_claimreview_places_every_status() -> None:
    """A status is either a published rating or explicitly none; a new status must choose."""
    rated, unrated = set(claimreview.RATINGS), set(claimreview.UNRATED)
    assert not rated & unrated
    assert rated | unrated == set(values(ReviewStatus))


def test_every_status_is_a_valid_filter_and_nothing_else_is() -> None:
    assert all(queries.valid_status(status) for status in values(ReviewStatus))
    assert not queries.valid_status("maybe")
