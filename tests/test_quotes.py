"""Quotation-mark pairing: each case is a paragraph and the quoted strings expected from it."""

from __future__ import annotations

import pytest

from attribution.quotes import classify, find_quoted_spans, quoted_mask

CASES = [
    # curly and straight double marks
    ("\u201cWe will win,\u201d she said.", ["\u201cWe will win,\u201d"]),
    ('"We will win," she said.', ['"We will win,"']),
    # a split quote gives two quotations
    ("\u201cA is true,\u201d he said, \u201cand B too.\u201d", ["\u201cA is true,\u201d", "\u201cand B too.\u201d"]),
    # single quotes in a headline; apostrophes are not marks
    ("Sanders: \u2018Of Course\u2019 Clinton Is Qualified", ["\u2018Of Course\u2019"]),
    ("It\u2019s the voters\u2019 choice, isn\u2019t it?", []),
    ("Don't say 'never' to me.", ["'never'"]),
    # British style: a plural possessive inside a single-quoted quote does not close it
    (
        "\u2018They ignored the nurses\u2019 warnings,\u2019 she said.",
        ["\u2018They ignored the nurses\u2019 warnings,\u2019"],
    ),
    # ... unless no later mark can: then it closed a quoted word
    ("The \u2018experts\u2019 said so.", ["\u2018experts\u2019"]),
    ("So-called \u2018experts\u2019 say the \u2018plan\u2019 is bad.", ["\u2018experts\u2019", "\u2018plan\u2019"]),
    # guillemets and German low-high marks
    ("Il a dit \u00abnous gagnerons\u00bb hier.", ["\u00abnous gagnerons\u00bb"]),
    ("Er sagte \u201eWir schaffen das\u201c gestern.", ["\u201eWir schaffen das\u201c"]),
    # careless copy: straight opening mark closed by a curly one
    ('"The police have done a job,\u201d he continued.', ['"The police have done a job,\u201d']),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_pairs_quotation_marks(text: str, expected: list[str]) -> None:
    assert [text[q.start : q.end] for q in find_quoted_spans(text)] == expected


def test_open_quote_runs_to_paragraph_end_only() -> None:
    text = "\u201cFirst paragraph of a long quote.\n\n\u201cSecond paragraph,\u201d she said.\n\nAfter."
    quotes = find_quoted_spans(text)
    assert [text[q.start : q.end] for q in quotes] == [
        "\u201cFirst paragraph of a long quote.",
        "\u201cSecond paragraph,\u201d",
    ]
    assert quotes[0].open_end and not quotes[1].open_end


def test_stray_mark_costs_at_most_its_own_paragraph() -> None:
    text = 'A stray " mark here.\n\n"A real quote," he said.'
    spans = [text[q.start : q.end] for q in find_quoted_spans(text)]
    assert '"A real quote,"' in spans


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("He said \u201cyes, we can.\u201d", (8, 22), "direct"),
        ("He said that they can.", (8, 22), "indirect"),
        ("He said that they \u201ccan\u201d win.", (8, 28), "mixed"),
    ],
)
def test_classify_by_quoted_share(text: str, span: tuple[int, int], expected: str) -> None:
    assert classify(quoted_mask(text), text, *span) == expected


def test_two_apostrophes_are_a_double_mark() -> None:
    text = "''This museum tells the truth,'' Mr. Bush declared. ''Even today, the journey goes on.''"
    assert [text[q.start : q.end] for q in find_quoted_spans(text)] == [
        "''This museum tells the truth,''",
        "''Even today, the journey goes on.''",
    ]
