"""Statement time: the time phrase on a cue, resolved against the paper's publication date."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from attribution.extract import _move_statement, extract_document
from attribution.models import Document, Span
from attribution.records import statement_record
from attribution.timing import BY_PUBLICATION, NO_PUBLICATION, by_publication, publication_day, statement_time

TABLE = Path(__file__).parent / "data" / "time-expressions.tsv"
MIN_ACCURACY = 0.90


def _time_of(nlp, sentence: str, published: str | None):
    """The time of the first statement extraction finds in one sentence."""
    (statement, *_) = extract_document(Document(id="t", text=sentence, published=published), nlp).statements
    return statement.time


HELD_OUT = "# Rows below were written after"


def _rows() -> list[dict[str, str]]:
    """The table's rows; ``held_out`` marks those written after the rules were settled."""
    rows: list[dict[str, str]] = []
    held_out = False
    with open(TABLE, encoding="utf-8") as handle:
        header = None
        for line in handle:
            if line.startswith("#"):
                held_out = held_out or line.startswith(HELD_OUT)
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                continue
            rows.append({**dict(zip(header, cells, strict=True)), "held_out": "yes" if held_out else ""})
    return rows


@pytest.fixture(scope="module")
def seed_statements(nlp, seed_text):
    return extract_document(Document(id="seed", text=seed_text), nlp).statements


def _by_content(statements, start: str):
    (statement,) = [s for s in statements if s.content.text.startswith(start)]
    return statement.time


@pytest.mark.parametrize(
    ("start", "said_from", "said_to", "precision", "expression"),
    [
        ("Belarus had been offering migrants", "2021-07-05", "2021-07-11", "week", "Last week"),
        ("it had started construction", "2021-07-05", "2021-07-11", "week", "last week"),
        ("his country would no longer prevent", "2021-05-01", "2021-05-31", "month", "in May"),
        ('"When refugees are used', "2021-07-12", "2021-07-12", "day", "on July 12"),
        ("it will open a new camp", "2021-07-12", "2021-07-12", "day", "on July 12"),
        ("it will send additional personnel", "2021-07-12", "2021-07-12", "day", "on July 12"),
    ],
)
def test_seed_times(seed_statements, seed_text, start, said_from, said_to, precision, expression) -> None:
    time = _by_content(seed_statements, start)
    assert (time.said_from, time.said_to, time.precision) == (said_from, said_to, precision)
    assert time.expression.text == expression
    assert seed_text[time.expression.start : time.expression.end] == expression


@pytest.mark.parametrize(
    "start",
    ["it will urge the European Union", "of using migrants", "\"The situation at Lithuania's border", "In the first"],
)
def test_seed_statements_without_a_time_are_by_publication(seed_statements, start) -> None:
    """'In the first week of July' dates what Frontex counted, not when Frontex said it."""
    time = _by_content(seed_statements, start)
    assert time == by_publication("2021-07-12")
    assert (time.said_from, time.said_to, time.rule) == (None, "2021-07-12", BY_PUBLICATION)


def test_table_accuracy(nlp) -> None:
    rows = _rows()
    assert len(rows) >= 100
    misses = []
    for row in rows:
        extraction = extract_document(Document(id="t", text=row["sentence"], published=row["published"]), nlp)
        times = [s.time for s in extraction.statements]
        got = (times[0].said_from or "", times[0].said_to or "", times[0].precision or "") if times else None
        if got != (row["from"], row["to"], row["precision"]):
            misses.append((row["sentence"], got, row["held_out"]))
    accuracy = 1 - len(misses) / len(rows)
    held_out = [r for r in rows if r["held_out"]]
    held_out_accuracy = 1 - sum(1 for m in misses if m[2]) / len(held_out)
    print(
        f"statement time accuracy {accuracy:.3f} on {len(rows)} sentences"
        f" ({held_out_accuracy:.3f} on the {len(held_out)} written last); misses: {misses}"
    )
    assert accuracy >= MIN_ACCURACY, misses


def test_modal_may_is_never_a_month(nlp) -> None:
    time = _time_of(nlp, "The minister said the talks may resume.", "2016-05-03")
    assert time.rule == BY_PUBLICATION and time.said_from is None


def test_weekday_of_the_paper_is_that_day_and_last_is_a_week_before(nlp) -> None:
    same = _time_of(nlp, "The mayor said on Monday that the city would appeal.", "2021-07-12")
    last = _time_of(nlp, "The mayor said last Monday that the city would appeal.", "2021-07-12")
    assert (same.said_from, same.rule) == ("2021-07-12", "weekday")
    assert last.said_from == last.said_to == "2021-07-05"


@pytest.mark.parametrize(
    "sentence",
    [
        "The president will say on Tuesday that the war is over.",
        "The governor is due to tell lawmakers on Thursday that the budget is short.",
        "The minister is expected to announce on Friday that taxes will rise.",
    ],
)
def test_an_act_still_to_come_has_no_time_of_saying(nlp, sentence: str) -> None:
    doc = nlp(sentence)
    (cue,) = [t for t in doc if t.lemma_ in {"say", "tell", "announce"}]
    assert statement_time(doc, cue, "2019-11-21") == by_publication("2019-11-21")


def test_a_verb_joined_to_the_cue_shares_its_time(nlp) -> None:
    doc = nlp("The mayor said on Monday that the city would appeal, adding that the ruling was unfair.")
    (adding,) = [t for t in doc if t.lower_ == "adding"]
    time = statement_time(doc, adding, "2021-07-12")
    assert (time.said_from, time.expression.text) == ("2021-07-12", "on Monday")


def test_a_date_inside_the_content_is_not_the_time_of_saying(nlp) -> None:
    time = _time_of(nlp, "The governor said the primary in March had been a turning point.", "2016-10-19")
    assert time.rule == BY_PUBLICATION


def test_without_publication_only_a_year_resolves(nlp) -> None:
    undated = _time_of(nlp, "The senator said last week that he would resign.", None)
    assert (undated.said_from, undated.said_to, undated.rule) == (None, None, NO_PUBLICATION)
    assert undated.expression.text == "last week"  # the words are kept, with no range
    assert _time_of(nlp, "The senator said that he would resign.", None) == by_publication(None)
    time = _time_of(nlp, "The senator said in March 2015 that he would resign.", None)
    assert (time.said_from, time.said_to, time.precision) == ("2015-03-01", "2015-03-31", "month")


def test_publication_day_reads_dates_and_timestamps() -> None:
    assert str(publication_day("2016-10-19T08:00:00Z")) == "2016-10-19"
    assert publication_day("October 2016") is None
    assert publication_day(None) is None


def test_record_carries_the_time(seed_statements) -> None:
    record = statement_record([s for s in seed_statements if s.content.text.startswith("his country")][0])
    assert record["said_from"] == "2021-05-01" and record["said_to"] == "2021-05-31"
    assert record["said_precision"] == "month" and record["time_rule"] == "bare_month"
    assert record["said_expression"] == "in May" and len(record["said_span"]) == 2


def test_a_moved_statement_moves_its_time_expression(seed_statements, seed_text) -> None:
    (statement,) = [s for s in seed_statements if s.content.text.startswith("his country would no longer")]
    moved = _move_statement(statement, 7, "x" * 7 + seed_text)
    expression = statement.time.expression
    assert moved.time.expression == Span(expression.start + 7, expression.end + 7, "in May")
    assert replace(moved.time, expression=None) == replace(statement.time, expression=None)
