"""One row shape: ``queries.StatementRow`` is what statement_rows returns, the keys the CSV
listings write (in its order), and a superset of every export column."""

from __future__ import annotations

from pathlib import Path

from attribution_cli.plumbing import statement_columns

from attribution.export.cells import COLUMNS
from attribution.queries import EXTRA_KEYS, ROW_KEYS, StatementRow, search, statement_rows, unattributed_rows
from attribution.store import connect

try:
    from test_export_fixtures import seed_database
except ImportError:  # tests/ became a package
    from tests.test_export_fixtures import seed_database

KEYS = tuple(StatementRow.__annotations__)


def test_every_row_of_every_listing_has_exactly_the_keys_of_the_shape(tmp_path: Path) -> None:
    seed_database(tmp_path / "a.db")
    database = connect(tmp_path / "a.db", create=False)
    try:
        listings = {
            "statements": statement_rows(database, include_claims=True, attributions="all"),
            "search": search(database, "said"),
            "unattributed": unattributed_rows(database),
        }
    finally:
        database.close()
    assert listings["statements"] and listings["unattributed"]
    for name, rows in listings.items():
        for row in rows:
            assert set(row) == set(KEYS), name


def test_the_csv_columns_are_the_shape_in_order() -> None:
    assert ROW_KEYS + EXTRA_KEYS == KEYS
    assert tuple(statement_columns()) == KEYS


def test_every_export_column_is_a_key_of_the_shape() -> None:
    assert set(COLUMNS) <= set(KEYS)
