"""The seed article end to end: the ten statements the product must find in it."""

from __future__ import annotations

import pytest

from attribution.extract import extract_document
from attribution.models import Document

# (start of the content, speaker, kind, role, organisation, cue, type)
EXPECTED = [
    ("it will urge the European Union", "Lithuania", "government", None, None, "says", "indirect"),
    ("of using migrants", "Lithuania", "government", None, None, "has accused", "indirect"),
    (
        '"When refugees are used as a political weapon',
        "Gabrielius Landsbergis",
        "person",
        "Foreign Minister",
        "Lithuania",
        "said",
        "direct",
    ),
    (
        "Belarus had been offering migrants flights to Minsk",
        "Ingrida Simonyte",
        "person",
        "Prime Minister",
        "Lithuania",
        "said",
        "indirect",
    ),
    (
        "his country would no longer prevent migrants",
        "Alyaksandr Lukashenka",
        "person",
        None,
        None,
        "said",
        "indirect",
    ),
    ("it will send additional personnel", "Frontex", "organisation", None, None, "said", "indirect"),
    ("it had started construction", "Lithuania", "government", None, None, "said", "indirect"),
    (
        "\"The situation at Lithuania's border",
        "Fabrice Leggeri",
        "person",
        "Executive Director",
        "Frontex",
        "said",
        "direct",
    ),
    (
        "In the first week of July, Lithuanian authorities recorded more than 800",
        "Frontex",
        "organisation",
        None,
        None,
        "according to",
        "indirect",
    ),
    ("it will open a new camp", "Lithuania", "government", None, None, "announced", "indirect"),
]


@pytest.fixture(scope="module")
def seed_extraction(nlp, seed_text):
    return extract_document(Document(id="seed", text=seed_text), nlp)


@pytest.mark.parametrize("expected", EXPECTED, ids=[e[0][:30] for e in EXPECTED])
def test_seed_statement(seed_extraction, expected) -> None:
    start, speaker, kind, role, organisation, cue, quote_type = expected
    matching = [s for s in seed_extraction.statements if s.content.text.startswith(start)]
    assert len(matching) == 1, [s.content.text[:40] for s in seed_extraction.statements]
    statement = matching[0]
    assert statement.speaker is not None
    assert statement.speaker.name == speaker
    assert str(statement.speaker.kind) == kind
    if role is not None:
        assert statement.speaker.role == role
    if organisation is not None:
        assert statement.speaker.organisation == organisation
    assert statement.cue is not None and statement.cue.text == cue
    assert str(statement.type) == quote_type


def test_seed_metadata(seed_extraction) -> None:
    assert seed_extraction.published == "2021-07-12"
    assert seed_extraction.agencies == ("Reuters", "AFP", "AP", "dpa")


def test_seed_furniture_yields_no_statement(seed_extraction, seed_text) -> None:
    promo = seed_text.index("Crisis In Belarus")
    credit = seed_text.index("With reporting by")
    for statement in seed_extraction.statements:
        assert not statement.content.text.startswith("date")
        assert not (promo <= statement.cue.start < promo + 150)
        assert statement.content.start < credit


def test_seed_direct_quotes_cover_the_whole_quotation(seed_extraction) -> None:
    direct = [s for s in seed_extraction.statements if str(s.type) == "direct"]
    assert len(direct) == 2
    for statement in direct:
        assert statement.content.text.startswith('"') and statement.content.text.endswith('"')


def test_seed_has_no_statement_beyond_the_expected_ones(seed_extraction) -> None:
    """Only the ten, plus Lithuania "calling for a robust EU response" (a reported demand) and
    what Simonyte cites as her grounds (annotators of news attribution count "citing X")."""
    extra = [
        (s.content.text, s.speaker.name if s.speaker else None, s.cue.text if s.cue else None)
        for s in seed_extraction.statements
        if not any(s.content.text.startswith(e[0]) for e in EXPECTED)
    ]
    assert extra == [
        ("a robust EU response against his regime", "Lithuania", "calling"),
        ("documents found on at least one migrant who had reached Vilnius", "Ingrida Simonyte", "citing"),
    ]


def test_seed_content_stops_where_the_next_speaker_starts(seed_extraction) -> None:
    (frontex,) = [s for s in seed_extraction.statements if s.content.text.startswith("it will send")]
    assert frontex.content.text.endswith("involved in the flow of people")


def test_seed_desk_listing_keeps_the_ten_and_adds_nothing(seed_extraction) -> None:
    """The default listing (speech, confident) still shows every expected statement."""
    from attribution.listing import select_attributions

    listed = select_attributions(seed_extraction, "speech").statements
    for start, *_ in EXPECTED:
        assert sum(s.content.text.startswith(start) for s in listed) == 1, start
    assert {s.content.text for s in listed} <= {s.content.text for s in seed_extraction.statements}
    assert len(listed) <= len(EXPECTED) + 2
