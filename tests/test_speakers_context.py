"""Speakers found from the context of the sentence or the article, when the cue's own parse
names nobody or the wrong person: a subject shared with a joined verb, a pronoun ahead of its
main clause's subject, a definite description of the person the text is about, relatives
sharing a surname. Each row is a short text written for this test, the start of one
statement's content, the speaker that statement must get (None: unresolved) and the start of
the resolution's reason. The real spaCy pipeline parses every row."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from attribution.extract import extract_document
from attribution.models import Document


class Row(NamedTuple):
    text: str
    content: str  # start of the statement's content
    speaker: str | None
    why: str  # start of the resolution's reason


ROWS = [
    # coordinated reporting verbs share the subject the parser gave only the first of them
    Row(
        "Maria Olsen, the mayor of Dunmore, spoke on Monday. Olsen further described the plan as "
        "\u201creckless,\u201d criticised its cost and said the council had ignored residents.",
        "the council had ignored residents",
        "Maria Olsen",
        "subject of the clause the cue belongs to",
    ),
    # a name opening the sentence that the parser leaves without its verb is the subject
    Row(
        "Maria Olsen, later alleging that the audit was rigged, said the council would appeal.",
        "the council would appeal",
        "Maria Olsen",
        "subject of the clause the cue belongs to",
    ),
    # ... taking the whole name phrase that opens it, not its first word ("Democratic")
    Row(
        "Democratic candidate Ann Cole, later alleging that the vote was rigged, said the count would be challenged.",
        "the count would be challenged",
        "Ann Cole",
        "subject of the clause the cue belongs to",
    ),
    # a pronoun in an adverbial clause opening the sentence is the main clause's subject
    Row(
        "Tom Reyes spoke on Monday. In what he called a final warning, Mayor Bob Lane said the budget would be cut.",
        "a final warning",
        "Bob Lane",
        "pronoun: the subject of the main clause after it",
    ),
    Row(
        "Ann Cole and Tom Reyes held a rally. Asked if he thought the email went too far, Reyes responded that it did.",
        "the email went too far",
        "Tom Reyes",
        "pronoun: the subject of the main clause after it",
    ),
    # a definite description of a person refers back to the person the text is about
    Row(
        "Businessman Tom Reyes launched his campaign in Ohio on Monday. "
        "The billionaire businessman said the state needed new roads.",
        "the state needed new roads",
        "Tom Reyes",
        "description of the person the text is about",
    ),
    # "the Florida senator" is the senator the text says is of Florida, not the one from
    # Nevada named last
    Row(
        "Senator Ann Cole of Florida and Senator Bob Lane of Nevada met on Monday. Lane left early. "
        "The Florida senator said the bill would pass.",
        "the bill would pass",
        "Ann Cole",
        "title of earlier full mention",
    ),
    # with nothing tying Florida to either senator, nobody is guessed
    Row(
        "Senator Ann Cole and Senator Bob Lane met on Monday. Lane left early. "
        "The Florida senator said the bill would pass.",
        "the bill would pass",
        None,
        "title without a name",
    ),
    # the one senator of the text is "the Vermont senator" when nothing ties him or anyone
    # else to a place
    Row(
        "Senator Tom Reyes met Ann Cole, the mayor, on Monday. The Vermont senator said the bill would pass.",
        "the bill would pass",
        "Tom Reyes",
        "title of earlier full mention",
    ),
    # ... but not when the text ties him to another state
    Row(
        "Senator Tom Reyes of Texas met Ann Cole, the mayor, on Monday. The Vermont senator said the bill would pass.",
        "the bill would pass",
        None,
        "title without a name",
    ),
    # a "rival" is no title: "the GOP nominee" may be the Republican rival the text is about
    Row(
        "Republican rival Tom Reyes attacked Ann Cole on Monday. Reyes spoke for an hour. "
        "The GOP nominee said the debate had been rigged.",
        "the debate had been rigged",
        "Tom Reyes",
        "description of the person the text is about",
    ),
    # a surname the tagger calls a body is a person's when the text writes "the X campaign"
    Row(
        "Mike Pence said in a statement released by the Trump campaign that the report merits an inquiry."
        "\n\nEarlier in the week, Trump called for a special prosecutor to investigate the server.",
        "a special prosecutor",
        "Trump",
        "single name",
    ),
    Row(
        "Like Rove, the Sanders campaign has identified the speeches as a weakness.\n\nAt Sunday night's "
        "debate, Sanders said he did not get personal speaking fees from Goldman Sachs.",
        "he did not get personal speaking fees",
        "Sanders",
        "single name",
    ),
    # a pronoun that is no person's, thing's or group's stands for no body named before it
    Row("MSNBC carried the debate on Monday. Nobody said the plan would work.", "the plan would work", None, "pronoun"),
    Row("The Senate voted on Monday. Both said the plan would fail.", "the plan would fail", None, "pronoun"),
    # "X's husband, Bill," is Bill X, and "X ... his wife" is the husband
    Row(
        "Hillary Clinton spoke first at the rally. Clinton's husband, Bill, praised the volunteers. "
        "Later, Clinton said as he introduced his wife that the campaign was strong.",
        "as he introduced his wife",
        "Bill Clinton",
        "surname of earlier full mention",
    ),
    Row(
        "Hillary Clinton spoke first at the rally. Clinton's husband, Bill, praised the volunteers.",
        "the volunteers",
        "Bill Clinton",
        "named in apposition",
    ),
]


@pytest.fixture(scope="module")
def extractions(nlp):
    return {row.text: extract_document(Document(id="row", text=row.text), nlp) for row in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=[f"{row.speaker}: {row.content[:25]}" for row in ROWS])
def test_speaker_from_context(extractions, row: Row) -> None:
    statements = [s for s in extractions[row.text].statements if s.content.text.startswith(row.content)]
    assert len(statements) == 1, [s.content.text for s in extractions[row.text].statements]
    statement = statements[0]
    name = statement.speaker.name if statement.speaker is not None else None
    if row.speaker is None:
        assert statement.speaker is None or statement.speaker.kind == "unnamed", statement.speaker
    else:
        assert name == row.speaker, statement.resolution
    assert statement.resolution.startswith(row.why), statement.resolution


def test_a_name_the_tagger_calls_a_body_once_and_a_person_once_is_a_person(nlp) -> None:
    """ "Supporters cheered as Trump arrived. Trump told the crowd ...": the tagger marks one
    "Trump" a body and the other a person; both are the person's own name (not a body that a
    later rule happens to map onto someone)."""
    from attribution.speakers import SpeakerResolver

    doc = nlp(
        "The Trump Train rolled through Ohio. Supporters cheered as Trump arrived. "
        "Trump told the crowd the polls were wrong."
    )
    labels = sorted(e.label_ for e in doc.ents if e.text == "Trump")
    assert labels == ["ORG", "PERSON"]  # the premise: the tagger's own labels
    resolver = SpeakerResolver(doc)
    for ent in (e for e in doc.ents if e.text == "Trump"):
        resolution = resolver.resolve(ent.root)
        assert resolution.speaker is not None and str(resolution.speaker.kind) == "person"
        assert resolution.why == "single name", (ent.label_, resolution.why)
