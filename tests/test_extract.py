"""Extraction on real sentences: each row is a text and the statement expected from it.

Rows cover every pattern the extractor promises (see attribution/reported.py and
attribution/extract.py), including the failures textacy is known for: an odd number of
quotation marks, appositive speakers, trailing dash credits and colon-introduced quotes.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from spacy.tokens import Doc

from attribution.extract import extract_document
from attribution.models import Act, Document, Statement
from attribution.reported import noun_just_before


class Expected(NamedTuple):
    text: str
    speaker: str | None
    kind: str | None
    cue: str | None
    content: str
    type: str


CASES = [
    # direct quotes
    Expected(
        "\u201cWe will not back down,\u201d Mayor Anne Hidalgo said on Tuesday.",
        "Anne Hidalgo",
        "person",
        "said",
        "\u201cWe will not back down,\u201d",
        "direct",
    ),
    Expected(
        '"The border is secure," he said, "and it will stay that way." Premier Li Wei spoke first.',
        None,
        None,
        "said",
        '"The border is secure," he said, "and it will stay that way."',
        "direct",
    ),
    Expected(
        "The president was blunt: \u201cWe will not pay for this wall, not now, not ever.\u201d",
        "The president",
        "unnamed",
        ":",
        "\u201cWe will not pay for this wall, not now, not ever.\u201d",
        "direct",
    ),
    Expected(
        "\u201cWe have to act now to protect the coast.\u201d -Commissioner Frans Timmermans",
        "Frans Timmermans",
        "person",
        None,
        "\u201cWe have to act now to protect the coast.\u201d",
        "direct",
    ),
    Expected(
        "\u201cThis campaign has shown me who my neighbours really are.\u201d \u2015 Maria Lopez",
        "Maria Lopez",
        "person",
        None,
        "\u201cThis campaign has shown me who my neighbours really are.\u201d",
        "direct",
    ),
    # the parser hangs "Tulsa" on the quotation; it is part of the speaker's phrase
    Expected(
        "\u201cI will make this promise to you: we will get justice in this case,\u201d"
        " Tulsa police Chief Chuck Jordan said Monday.",
        "Chuck Jordan",
        "person",
        "said",
        "\u201cI will make this promise to you: we will get justice in this case,\u201d",
        "direct",
    ),
    # an odd number of quotation marks costs one quote at most; "called X Y" judges X
    Expected(
        'He called the decision "a disgrace and a betrayal of voters, plain and simple.',
        None,
        None,
        "called",
        'the decision "a disgrace and a betrayal of voters, plain and simple',
        "mixed",
    ),
    # British-style single marks: the quoted words after the object still belong to it
    Expected(
        "Mr Modi told parliament the economy had grown by 8 per cent, calling it \u2018a historic achievement\u2019.",
        "Modi",
        "person",
        "calling",
        "\u2018a historic achievement\u2019",
        "mixed",
    ),
    # reported speech
    Expected(
        "The minister said that the plan would cost 3 billion euros.",
        "The minister",
        "unnamed",
        "said",
        "the plan would cost 3 billion euros",
        "indirect",
    ),
    Expected(
        "Lithuania says it will urge the European Union to impose new sanctions.",
        "Lithuania",
        "government",
        "says",
        "it will urge the European Union to impose new sanctions",
        "indirect",
    ),
    Expected(
        "Vilnius has accused Minsk of using migrants as a weapon.",
        "Lithuania",
        "government",
        "has accused",
        "of using migrants as a weapon",
        "indirect",
    ),
    Expected(
        "Poland on Monday announced that it will build a fence on its border.",
        "Poland",
        "government",
        "announced",
        "it will build a fence on its border",
        "indirect",
    ),
    Expected(
        "Prime Minister Mateusz Morawiecki told reporters the fence would be finished by June.",
        "Mateusz Morawiecki",
        "person",
        "told",
        "the fence would be finished by June",
        "indirect",
    ),
    Expected(
        "The opposition is calling for an independent inquiry into the deaths.",
        "The opposition",
        "organisation",
        "is calling",
        "an independent inquiry into the deaths",
        "indirect",
    ),
    Expected(
        "Senator Jane Doe was quoted as saying the bill was dead.",
        "Jane Doe",
        "person",
        "saying",
        "the bill was dead",
        "indirect",
    ),
    # an honorific marks a person even where the tagger says ORG
    Expected(
        'Ms Sturgeon said independence was "inevitable", adding: "The question is when, not if."',
        "Sturgeon",
        "person",
        "said",
        'independence was "inevitable"',
        "mixed",
    ),
    # a cue in a subordinate clause: its content ends where the main clause begins
    Expected(
        "Although the minister said that journalists cannot have any political affiliation, he appears uneasy.",
        "the minister",
        "unnamed",
        "said",
        "journalists cannot have any political affiliation",
        "indirect",
    ),
    # a credit after a non-breaking space, in a list of readers' quotes
    Expected(
        "\u201cThe most unqualified man to ever run for president.\u201d \u2015 Ana Ruiz\n"
        "\u201cMaybe we can build a wall around him instead.\u201d \u2015\u00a0Steve Quinlan",
        "Steve Quinlan",
        "person",
        None,
        "\u201cMaybe we can build a wall around him instead.\u201d",
        "direct",
    ),
    # a transcript whose lines open with a quotation mark and the speaker's name
    Expected(
        'Partial transcript as follows:\n\n"WALLACE: Will Gennifer Flowers be there?\n\n'
        '"PENCE: Gennifer Flowers will not be attending the debate tomorrow night.',
        "PENCE",
        "unknown",
        ":",
        "Gennifer Flowers will not be attending the debate tomorrow night.",
        "direct",
    ),
    # the reporter's linking word opening the sentence is not part of what was said
    Expected(
        "Still, the plan would cost billions, the mayor said.",
        "the mayor",
        "unnamed",
        "said",
        "the plan would cost billions",
        "indirect",
    ),
    # how someone spoke is not what they said
    Expected(
        "The minister, who spoke on condition of anonymity because he was not authorised to brief the media,"
        " said the deal was close.",
        "The minister",
        "unnamed",
        "said",
        "the deal was close",
        "indirect",
    ),
    # the agency that quotes is the reporter, not the speaker
    Expected(
        "Mr Erdogan was quoted by the Anadolu agency as saying Turkey would not back down.",
        "Erdogan",
        "person",
        "saying",
        "Turkey would not back down",
        "indirect",
    ),
    Expected(
        "The state news agency quoted Foreign Minister Sergei Lavrov as saying that Moscow would respond.",
        "Sergei Lavrov",
        "person",
        "saying",
        "Moscow would respond",
        "indirect",
    ),
    Expected(
        "It was reported that the talks had collapsed.",
        None,
        None,
        "was reported",
        "the talks had collapsed",
        "indirect",
    ),
    Expected(
        "According to the World Health Organization, 3 million people died of the disease last year.",
        "World Health Organization",
        "organisation",
        "According to",
        "3 million people died of the disease last year",
        "indirect",
    ),
    Expected(
        "Inflation rose to 9 percent in June, according to the statistics office.",
        "the statistics office",
        "organisation",
        "according to",
        "Inflation rose to 9 percent in June",
        "indirect",
    ),
    Expected(
        "Moscow said the sanctions were illegal.",
        "Russia",
        "government",
        "said",
        "the sanctions were illegal",
        "indirect",
    ),
    Expected(
        "Officials said the road would reopen on Friday.",
        "Officials",
        "unnamed",
        "said",
        "the road would reopen on Friday",
        "indirect",
    ),
    Expected(
        "A source familiar with the negotiations said a deal was close.",
        "A source",
        "unnamed",
        "said",
        "a deal was close",
        "indirect",
    ),
    # a pronoun subject carries the same report on: one statement, not two
    Expected(
        "Senator Elizabeth Warren said the caucus system in Iowa is complex and she feels she"
        " can win the primary in New Hampshire.",
        "Elizabeth Warren",
        "person",
        "said",
        "the caucus system in Iowa is complex and she feels she can win the primary in New Hampshire",
        "indirect",
    ),
    # the direct object of a verb of citing or expressing is what was said
    Expected(
        "Governor Gavin Newsom cited a 2019 report by the state auditor.",
        "Gavin Newsom",
        "person",
        "cited",
        "a 2019 report by the state auditor",
        "indirect",
    ),
    Expected(
        "Mayor Karen Bass expressed frustration with the pace of the cleanup.",
        "Karen Bass",
        "person",
        "expressed",
        "frustration with the pace of the cleanup",
        "indirect",
    ),
    # a verb whose statement is the object of its own preposition
    Expected(
        "Senator Susan Collins referred to the agreement as a historic mistake.",
        "Susan Collins",
        "person",
        "referred",
        "the agreement as a historic mistake",
        "indirect",
    ),
    Expected(
        "Governor Ron DeSantis railed against the federal mask mandate.",
        "Ron DeSantis",
        "person",
        "railed",
        "the federal mask mandate",
        "indirect",
    ),
    Expected(
        "Senator Chuck Schumer assailed the budget plan as reckless and cruel.",
        "Chuck Schumer",
        "person",
        "assailed",
        "reckless and cruel",
        "indirect",
    ),
    # a date right after the cue is when it was said, not what
    Expected(
        "Governor Greg Abbott said Tuesday his administration would sue the federal government.",
        "Greg Abbott",
        "person",
        "said",
        "his administration would sue the federal government",
        "indirect",
    ),
    # a participle modifying a noun: the noun is the source
    Expected(
        "The campaign released handwritten ledgers showing he was paid $12 million in cash.",
        "handwritten ledgers",
        "unknown",
        "showing",
        "he was paid $12 million in cash",
        "indirect",
    ),
    # a dateline the parser took for the subject: its appositive name speaks
    Expected(
        "WASHINGTON -- President Barack Obama, opening the new museum on Saturday, said it would tell"
        " an American story.",
        "Barack Obama",
        "person",
        "said",
        "it would tell an American story",
        "indirect",
    ),
    # inverted attribution opening a sentence
    Expected(
        "Her critics disagree. Said Ellis: \u201cI do not get the sense that she cares at all.\u201d",
        "Ellis",
        "person",
        "Said",
        "\u201cI do not get the sense that she cares at all.\u201d",
        "direct",
    ),
    # the speaker of a phrase hanging on a modifier is the clause's subject
    Expected(
        "Mayor Eric Adams described the shooting as a tragedy, but stopped short of calling the officer reckless.",
        "Eric Adams",
        "person",
        "calling",
        "reckless",
        "indirect",
    ),
    Expected(
        "Senator Amy Klobuchar weighed in on the dispute over the border wall.",
        "Amy Klobuchar",
        "person",
        "weighed in",
        "the dispute over the border wall",
        "indirect",
    ),
    # mixed: reported speech holding a quoted fragment
    Expected(
        "The senator said the bill was \u201cdead on arrival\u201d in the House.",
        None,
        None,
        "said",
        "the bill was \u201cdead on arrival\u201d in the House",
        "mixed",
    ),
]


def _statement_for(statements: tuple[Statement, ...], content: str) -> Statement:
    matching = [s for s in statements if s.content.text == content]
    assert matching, f"no statement with content {content!r}; got {[s.content.text for s in statements]}"
    return matching[0]


@pytest.mark.parametrize("case", CASES, ids=[c.text[:40] for c in CASES])
def test_statement_found(nlp, case: Expected) -> None:
    extraction = extract_document(Document(id="t", text=case.text), nlp)
    statement = _statement_for(extraction.statements, case.content)
    assert str(statement.type) == case.type
    assert (statement.cue.text if statement.cue else None) == case.cue
    if case.speaker is not None:
        assert statement.speaker is not None and statement.speaker.name == case.speaker
        assert str(statement.speaker.kind) == case.kind


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("The prime minister denied that she had misled parliament.", "denial"),
        ("The company claimed that the product was safe.", "distancing"),
        ("The company said that the product was safe.", "neutral"),
    ],
)
def test_cue_stance(nlp, text: str, stance: str) -> None:
    (statement,) = extract_document(Document(id="t", text=text), nlp).statements
    assert str(statement.stance) == stance


ROLE_CASES = [
    (
        "Hugh Hill, a doctor at St Mary's Hospital, said the wards were full.",
        "Hugh Hill",
        "doctor",
        "St Mary's Hospital",
    ),
    (
        "A spokesperson for the Interior Ministry said 40 migrants had been detained.",
        "A spokesperson",
        "spokesperson",
        "the Interior Ministry",
    ),
    (
        "Lithuanian Foreign Minister Gabrielius Landsbergis said the border was under pressure.",
        "Gabrielius Landsbergis",
        "Foreign Minister",
        "Lithuania",
    ),
    (
        "Frontex Executive Director Fabrice Leggeri said more guards would be sent.",
        "Fabrice Leggeri",
        "Executive Director",
        "Frontex",
    ),
    # the body named right after the common noun for its kind
    (
        "Anna Berg, founder of the consultancy Nordic Data, said prices would fall.",
        "Anna Berg",
        "founder",
        "Nordic Data",
    ),
    # the body a relative clause says the person chairs, its name left untagged
    (
        "Niek Verhoeven, who chairs the FNV Havens union, said workers would stay out.",
        "Niek Verhoeven",
        None,
        "FNV Havens union",
    ),
]


@pytest.mark.parametrize(("text", "speaker", "role", "organisation"), ROLE_CASES)
def test_role_and_organisation(nlp, text: str, speaker: str, role: str | None, organisation: str) -> None:
    (statement,) = extract_document(Document(id="t", text=text), nlp).statements
    assert statement.speaker is not None
    assert statement.speaker.name == speaker
    assert statement.speaker.role == role
    assert organisation.endswith(statement.speaker.organisation or "<none>")


RESOLUTION_CASES = [
    # surname-only mention -> earliest full mention
    (
        "Health Minister Olivier Veran said the vaccine was safe. Veran added that booster "
        "shots would begin in September.",
        "booster shots would begin in September",
        "Olivier Veran",
        "surname of earlier full mention",
    ),
    # a surname the tagger calls an organisation is still the person met earlier
    (
        "Donald Trump spoke in Iowa on Monday. Trump said the caucus system in Iowa is complex.",
        "the caucus system in Iowa is complex",
        "Donald Trump",
        "surname of earlier full mention",
    ),
    # title-only mention -> the person who holds that title
    (
        "Chancellor Angela Merkel met voters in Berlin. The chancellor said Germany would take in more refugees.",
        "Germany would take in more refugees",
        "Angela Merkel",
        "title of earlier full mention",
    ),
    # pronoun -> nearest compatible speaker
    (
        "Maria Lopez runs the shelter. She said it was full every night.",
        "it was full every night",
        "Maria Lopez",
        "pronoun: nearest compatible speaker",
    ),
]


@pytest.mark.parametrize(("text", "content", "speaker", "why"), RESOLUTION_CASES)
def test_speaker_resolution(nlp, text: str, content: str, speaker: str, why: str) -> None:
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)
    assert statement.speaker is not None and statement.speaker.name == speaker
    assert statement.resolution == why


def test_a_date_after_a_speech_verb_is_not_content(nlp) -> None:
    text = "Speaking to reporters on Monday, Senator Bernie Sanders said the primary calendar is \u201crigged.\u201d"
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert [s.content.text for s in statements] == ["the primary calendar is \u201crigged.\u201d"]


def test_a_cue_inside_another_cues_complement_is_not_an_aside(nlp) -> None:
    text = (
        "WASHINGTON -- President Barack Obama, opening the new museum on Saturday, said it would tell"
        " an American story."
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert [(s.cue.text, s.content.text) for s in statements] == [("said", "it would tell an American story")]


def test_split_quote_keeps_fragments(nlp) -> None:
    text = "\u201cOur economy is strong,\u201d the governor said. \u201cWages are rising fast.\u201d"
    (statement,) = extract_document(Document(id="t", text=text), nlp).statements
    assert [f.text for f in statement.fragments] == [
        "\u201cOur economy is strong,\u201d",
        "\u201cWages are rising fast.\u201d",
    ]
    assert str(statement.type) == "direct"


def test_a_quote_after_a_second_cue_is_not_the_second_half_of_the_first(nlp) -> None:
    text = (
        "\u201cWe have started all those talks,\u201d Mayor Karen Bass said, adding of the governor,"
        " \u201cHe cares about this city.\u201d"
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    first = _statement_for(statements, "\u201cWe have started all those talks,\u201d")
    assert first.fragments == () and first.cue is not None and first.cue.text == "said"
    assert any(s.content.text.endswith("\u201cHe cares about this city.\u201d") for s in statements if s is not first)


def test_multi_paragraph_quote_continues_speaker(nlp) -> None:
    text = (
        "\u201cWe are ready for the storm,\u201d Governor Kathy Hochul said.\n\n"
        "\u201cEvery shelter in the state is open tonight, and the buses are running.\n\n"
        "\u201cPlease stay home and keep off the roads.\u201d"
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert len(statements) == 3
    assert {s.speaker.name for s in statements if s.speaker} == {"Kathy Hochul"}


def test_every_span_slices_the_text(nlp, seed_text: str) -> None:
    extraction = extract_document(Document(id="seed", text=seed_text), nlp)
    for statement in extraction.statements:
        for span in (statement.content, statement.sentence, statement.cue, statement.speaker_mention):
            if span is not None:
                assert seed_text[span.start : span.end] == span.text
        assert statement.sentence.start <= statement.content.start
        assert statement.content.end <= statement.sentence.end


def test_nested_restatement_by_same_speaker_is_one_statement(nlp) -> None:
    text = "Lithuania says it will urge the European Union to impose new sanctions."
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert len(statements) == 1


@pytest.mark.parametrize(
    "text",
    ['"' * 5_000, "word" + "!" * 10_000, "a:" * 3_200, "http://example.com/" + "\u2603" * 1_320, "a" * 100_000],
)
def test_pathological_runs_are_masked_keeping_offsets(text: str) -> None:
    from attribution.extract import mask_for_nlp

    masked = mask_for_nlp(text)
    assert len(masked) == len(text)
    assert not masked.strip() or masked.strip() == "word"


def test_pathological_document_still_yields_its_real_quote(nlp) -> None:
    text = '"' * 5_000 + "\n\n\u201cThe dam will hold,\u201d engineer Sara Berg said.\n\n" + "!" * 10_000
    (statement,) = extract_document(Document(id="t", text=text), nlp).statements
    assert statement.content.text == "\u201cThe dam will hold,\u201d"
    assert text[statement.content.start : statement.content.end] == statement.content.text


def test_long_document_is_parsed_in_chunks_with_whole_text_offsets(nlp) -> None:
    from attribution.extract import CHUNK_CHARS, chunks

    filler = "The river rose again overnight and water covered the lower streets of the old town.\n\n"
    quote = "\u201cWe need the army here by Friday,\u201d Mayor Ana Ruiz said.\n\n"
    head = "date: 2024-03-01\n\n"
    credit = "With reporting by Reuters and AFP\n"
    text = head + filler * 300 + quote + filler * 50 + quote + credit
    bounds = chunks(text)
    assert len(bounds) > 1 and all(end - start <= CHUNK_CHARS for start, end in bounds)
    assert all(text[end - 1] == "\n" for _, end in bounds[:-1])  # paragraph-aligned
    extraction = extract_document(Document(id="t", text=text), nlp)
    statements = extraction.statements
    assert [s.speaker.name for s in statements] == ["Ana Ruiz", "Ana Ruiz"]
    # the date line is in the first chunk, the credit line in the last: both still count
    assert extraction.published == "2024-03-01"
    assert set(extraction.agencies) == {"Reuters", "AFP"}
    for statement in statements:
        assert text[statement.content.start : statement.content.end] == statement.content.text


@pytest.mark.parametrize(
    ("lengths", "batch_size", "max_chars", "expected"),
    [
        ([5_000] * 5, 32, 100_000, [5]),  # short articles: batched by count as before
        ([5_000] * 5, 2, 100_000, [2, 2, 1]),
        ([25_000] * 9, 32, 100_000, [4, 4, 1]),  # the chunks of a long article: by characters
        ([150_000, 10, 10], 32, 100_000, [1, 2]),  # one oversized piece goes alone
    ],
)
def test_parse_batches_bound_count_and_characters(lengths, batch_size, max_chars, expected) -> None:
    from attribution.extract import parse_batches

    pieces = [("x" * n, i) for i, n in enumerate(lengths)]
    batches = list(parse_batches(pieces, batch_size, max_chars))
    assert [len(b) for b in batches] == expected
    assert [p for b in batches for p in b] == pieces  # nothing lost, reordered or repeated


def test_a_long_article_extracts_the_same_whatever_the_batch(nlp) -> None:
    """Bounding a parse batch by characters is memory, never output: a 150,000-character
    article (six chunks) gives the same statements in batches of one chunk and of many."""
    from attribution.extract import extract_documents

    paragraph = (
        "\u201cWe need the army here by Friday,\u201d Mayor Ana Ruiz said on Tuesday.\n\n"
        "The river rose again overnight, and officials said the lower town would be evacuated.\n\n"
    )
    text = paragraph * (150_000 // len(paragraph))
    document = Document(id="long", text=text)
    one = next(extract_documents([document], batch_size=1))
    many = next(extract_documents([document], batch_size=32))
    assert one.statements == many.statements and len(one.statements) > 1000


@pytest.mark.parametrize(
    "text",
    [
        "The minister, who spoke on condition of anonymity because he was not authorised to brief the media,"
        " said the deal was close.",
        "A lawyer speaking on behalf of the family said the deal was close.",
    ],
)
def test_how_someone_spoke_is_not_what_they_said(nlp, text: str) -> None:
    """'Spoke on condition of anonymity', 'on behalf of': the manner, never a statement."""
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert [(s.cue.text if s.cue else None, s.content.text) for s in statements] == [("said", "the deal was close")]


def test_a_cue_in_a_clause_before_the_main_one_takes_nothing_past_it(nlp) -> None:
    """'If it seemed like Trump had written the letter himself, it's because he had': the main
    clause after a cue's own clause is the reporter's, not what was written."""
    text = "If it seemed like the mayor had written the speech herself, it\u2019s because she had!"
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert not [s for s in statements if "because" in s.content.text]


@pytest.mark.parametrize(
    "text",
    [
        # a cue inside an aside set off by dashes says nothing past the dash that closes it
        "Fun as that might sound \u2014 the late neurologist wrote about similar symptoms in his book"
        " \u201cMusicophilia\u201d \u2014 the actress was not thrilled about the change.",
        # an opening participle that borrows the clause's subject is no credit for the clause
        "The smoke from these fires has wafted over the city in recent days.\n\n"
        "Added together, it has become a recipe for choking, dirty air for millions of residents.",
    ],
)
def test_a_cue_set_apart_from_the_clause_credits_none_of_it(nlp, text: str) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert not [
        s for s in statements if s.act == Act.SPEECH and ("thrilled" in s.content.text or "recipe" in s.content.text)
    ]


def test_an_opening_participle_says_what_was_done_to_the_subject(nlp) -> None:
    """'Asked later for an example, he brought up the program': he was asked, he asked nothing."""
    text = "Asked later for an example of such an experiment, he brought up the lander program."
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert not [s for s in statements if s.act == Act.SPEECH]


def test_a_trailing_credit_is_not_the_complement_of_an_earlier_verb(nlp) -> None:
    """'X has maintained support ..., the poll found': one statement, credited to the poll."""
    text = "In contrast, Clinton has maintained support among black voters and college graduates, the poll found."
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert [(s.cue.text if s.cue else None, s.content.text) for s in statements] == [
        ("found", "Clinton has maintained support among black voters and college graduates")
    ]


DESK_BOUNDARIES = [
    # (text, the content a desk reviews, the content PolNeAR's broad listing keeps or None when the same)
    ("Police accused the driver of fleeing the scene.", "of fleeing the scene", "the driver of fleeing the scene"),
    ("The governor called the decision a disgrace.", "a disgrace", "the decision a disgrace"),
    ("The minister said that the plan would cost 3 billion euros.", "the plan would cost 3 billion euros",
     "that the plan would cost 3 billion euros"),
    ("But Delhi is not doomed to follow this curve, the researchers said.",
     "Delhi is not doomed to follow this curve", "But Delhi is not doomed to follow this curve"),
    ("That movie flopped at the box office, according to the studio.", "That movie flopped at the box office", None),
    ("The senator said the bill passed in the U.S.", "the bill passed in the U.S.", None),
    # the addressee, the object and the verb's adjuncts before 'that' or 'as' are not what was said
    ("The chief told reporters at a news conference that officers boarded the train.",
     "officers boarded the train", "at a news conference that officers boarded the train"),
    ("Residents have voiced concerns that officials are hiding information about the cases.",
     "officials are hiding information about the cases",
     "concerns that officials are hiding information about the cases"),
    ("The envoy disputed the notion that he had run a shadow policy.", "he had run a shadow policy",
     "the notion that he had run a shadow policy"),
    ("The governor touted the plan as a big step toward higher teacher pay.", "a big step toward higher teacher pay",
     "the plan as a big step toward higher teacher pay"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "desk", "broad"), DESK_BOUNDARIES, ids=[r[0][:40] for r in DESK_BOUNDARIES])
def test_desk_and_broad_content_boundaries(nlp, text: str, desk: str, broad: str | None) -> None:
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, desk)
    if broad is None:
        assert statement.broad_content is None
    else:
        assert statement.broad_content is not None and statement.broad_content.text == broad


RAISED_CLAUSES = [
    # a raising verb's or an agentless passive's subject belongs to what is reported, and it
    # names nobody who spoke (PolNeAR's broad listing counts these; a desk's does not)
    ("They appear to be unanimous in their belief that the senator will win.",
     "They appear to be unanimous in their belief that the senator will win"),
    ("The music seemed to match the sense of relief in the arena.",
     "The music seemed to match the sense of relief in the arena"),
    ("All three candidates are expected to speak at the gala on Thursday night.",
     "All three candidates are expected to speak at the gala on Thursday night"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "content"), RAISED_CLAUSES, ids=[r[0][:30] for r in RAISED_CLAUSES])
def test_a_raised_subject_is_part_of_the_content_and_no_speaker(nlp, text: str, content: str) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    statement = next(s for s in statements if s.rule == "cue-xcomp")
    assert (statement.broad_content or statement.content).text == content
    assert statement.speaker is None
    assert statement.act != Act.SPEECH


def test_a_passive_cue_with_its_agent_keeps_the_agent_as_speaker(nlp) -> None:
    text = "Senator Ann Lee was urged by party leaders to drop out of the race."
    statement = next(s for s in extract_document(Document(id="t", text=text), nlp).statements)
    assert "Ann Lee" not in statement.content.text


SPEAKER_GOES_ON = [
    # a clause joined to the cue with the speaker's pronoun and a verb of thought or perception
    # carries the same report on; any other clause joined to the cue is the reporter's again
    ("He said he wasn't concerned about the call, but he did worry there would be consequences.",
     "he wasn't concerned about the call, but he did worry there would be consequences"),
    ("Cook said Apple employs about 450 Dreamers, and he sees their love of their country first hand.",
     "Apple employs about 450 Dreamers, and he sees their love of their country first hand"),
    ("The mayor said the bridge would reopen in May, and she left the room without questions.",
     "the bridge would reopen in May"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "content"), SPEAKER_GOES_ON, ids=[r[0][:40] for r in SPEAKER_GOES_ON])
def test_a_coordinated_clause_of_the_speaker_stays_in_the_statement(nlp, text: str, content: str) -> None:
    _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)


WHERE_IT_STARTS_AND_ENDS = [
    # (text, the statement's content, its speaker): a wire dateline is not what was said
    ("Strike goes on\n\nROTTERDAM, Netherlands (Reuters) - Dock workers extended their strike on Monday,"
     " union leaders said.", "Dock workers extended their strike on Monday", "union leaders"),
    ("LYON, France (AP) — The river burst its banks overnight, officials said.",
     "The river burst its banks overnight", "officials"),
    # nor the place a dateline opens with the speaker ("NAIROBI" read as the subject)
    ("NAIROBI, Kenya (AP) — Kenyan President Daniel Mwangi on Sunday defended a proposed finance bill,"
     " saying the new taxes were needed to cut the country's debt.",
     "the new taxes were needed to cut the country's debt", "Daniel Mwangi"),
    # a quotation opening on a verb of the reported clause goes on with it, one statement
    ('The association said in a statement that the demands would add 14% to labour costs and'
     ' "threaten the competitiveness of the port."',
     'the demands would add 14% to labour costs and "threaten the competitiveness of the port."',
     "The association"),
    # a verb joined to the reported clause without a quotation is still the speaker's next act
    ("He said the plan was flawed and added that it would cost jobs.", "the plan was flawed", None),
    # the clause's subject the parser hung on the cue as a phrase ("said about a third") is
    # where the clause starts
    ("The board said about half of the higher cost reflected fuel prices.",
     "about half of the higher cost reflected fuel prices", "The board"),
    # a second verb under the reported clause's auxiliary, and its purpose, go on with it
    ("The senator said she has not attended fundraising events and never phoned a donor to ask for money.",
     "she has not attended fundraising events and never phoned a donor to ask for money", "The senator"),
    # a clause the parser gave the cue is not what was said when the reporter's "while" opens
    # it or a semicolon ends it
    ("While the lineup is light on exclusive titles (only three games have been announced), Morales"
     " says there is a possibility that future games could be built.",
     "there is a possibility that future games could be built", "Morales"),
    ("The merged company may not diverge from the trend; Reed has said that he expects to save as much"
     " as 300 million dollars.", "he expects to save as much as 300 million dollars", "Reed"),
    # a credit after a clause of doing is that credit's, never the content of the doing
    ("Apple is now in every bank, and most banks are writing their own apps for it, Cook told Benioff.",
     "Apple is now in every bank, and most banks are writing their own apps for it", "Cook"),
    # nor a relative clause on the cue's object the parser gave the cue
    ("Some customers who called on the first day reported wait times that exceeded two hours. The"
     " company said it had hired more staff.", "it had hired more staff", "The company"),
    # but a verb of its own after a modal is the speaker's next act again
    ("The governor said he would resign and asked for privacy.", "he would resign", "The governor"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "content", "speaker"), WHERE_IT_STARTS_AND_ENDS, ids=[r[1][:30] for r in WHERE_IT_STARTS_AND_ENDS]
)
def test_where_a_statement_starts_and_ends(nlp, text: str, content: str, speaker: str | None) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    found = [s for s in statements if s.content.text == content]
    assert len(found) == 1, [s.content.text for s in statements]
    if speaker is not None:
        assert found[0].speaker is not None and found[0].speaker.name == speaker
    # nothing else of the sentence is listed as a statement of somebody else
    assert all(s.speaker == found[0].speaker for s in statements if s.act == Act.SPEECH)


def test_a_parenthetical_credit_splits_the_statement_in_two_pieces(nlp) -> None:
    text = "Many of the prisons, she said, are aging and need to be repaired."
    (statement,) = extract_document(Document(id="t", text=text), nlp).statements
    assert statement.rule == "cue-parenthetical"
    assert [f.text for f in statement.fragments] == ["Many of the prisons", "are aging and need to be repaired"]


# A credit set off between two clauses of one sentence credits both ("A, X said, and B"): the
# second clause joins the first, not the credit, and its conjunction is no part of either piece.
CREDIT_BETWEEN_CLAUSES = [
    ("The team fixed the bug, Smith said, and the service returned within an hour.",
     "Smith", ["The team fixed the bug", "the service returned within an hour"]),
    ("Disney\u2019s tech teams isolated the problem, Mayer said, and patched the software as the company "
     "continued to sign up subscribers.",
     "Mayer", ["Disney\u2019s tech teams isolated the problem",
               "patched the software as the company continued to sign up subscribers"]),
    ("Prices rose sharply in May, the minister said, but wages fell.",
     "the minister", ["Prices rose sharply in May", "wages fell"]),
    # the credit inverted, and the clause's subject hung on the cue by the parser
    ("The key to the plan\u2019s success, says Okafor, is cheap credit for small farms.",
     "Okafor", ["The key to the plan\u2019s success", "is cheap credit for small farms"]),
    ("The biggest risk for the company, says Ward, is its thin lineup of games.",
     "Ward", ["The biggest risk for the company", "is its thin lineup of games"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "speaker", "pieces"), CREDIT_BETWEEN_CLAUSES, ids=[r[1] for r in CREDIT_BETWEEN_CLAUSES]
)
def test_a_credit_between_two_clauses_credits_both(nlp, text: str, speaker: str, pieces: list[str]) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    (statement,) = [s for s in statements if s.speaker_mention is not None and s.speaker_mention.text == speaker]
    assert [f.text for f in statement.fragments] == pieces


# The whole credit, not only its speaker and cue, is left out of what was said: "as", whom
# it was told to, a trailing credit after the clause.
WHOLE_CREDIT_LEFT_OUT = [
    ("The plan, as the minister told reporters, is dead.", "the minister",
     "The plan, as the minister told reporters, is dead", ["The plan", "is dead"]),
    ("The bridge will reopen in May, as the mayor said.", "the mayor", "The bridge will reopen in May", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "speaker", "content", "pieces"), WHOLE_CREDIT_LEFT_OUT, ids=[r[0][:30] for r in WHOLE_CREDIT_LEFT_OUT]
)
def test_the_whole_credit_is_left_out_of_the_statement(
    nlp, text: str, speaker: str, content: str, pieces: list[str]
) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    (statement,) = [s for s in statements if s.speaker_mention is not None and s.speaker_mention.text == speaker]
    assert statement.content.text == content
    assert [f.text for f in statement.fragments] == pieces


# A cue in the reporter's own subordinate clause does not credit the clause it hangs on.
def test_a_cue_in_a_subordinate_clause_credits_nothing_outside_it(nlp) -> None:
    text = (
        "Although the agency\u2019s guidelines recommend holding people no longer than 72 hours, "
        "the agency has been holding people far longer."
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert not [s for s in statements if "far longer" in s.content.text]


# A verb of speaking in a manner credits the quotation it closely follows, never the speaker of
# the quotation before; elsewhere it is no cue at all.
MANNER_OF_SPEAKING = [
    ("Ms. Okafor praised the ruling. \u201cThat is a lie and everyone knows it,\u201d Mr. Delgado snapped.",
     "\u201cThat is a lie and everyone knows it,\u201d", "Delgado", "snapped"),
    ("The governor criticized the plan. \u201cShe should read the bill before she votes on it,\u201d Harris shot back.",
     "\u201cShe should read the bill before she votes on it,\u201d", "Harris", "shot"),
    ("Senator Lund asked about the budget. \u201cGo and ask your own staff about it,\u201d the mayor scoffed.",
     "\u201cGo and ask your own staff about it,\u201d", "the mayor", "scoffed"),
    ("Cook thanked the crowd. \u201cWe all miss him so much,\u201d Benioff weighed in, telling Cook he was true.",
     "\u201cWe all miss him so much,\u201d", "Benioff", "weighed"),
    # a verb of manner right before the quotation
    ("Melanie waited in the front row. Kowalski walked onto the stage, chanting \u201cU-S-A! U-S-A!\u201d",
     "\u201cU-S-A! U-S-A!\u201d", "Kowalski", "chanting"),
    # the inverted credit the parser reads as verb and object
    ("Obama spoke about Muslims on Sunday night. \u201cObama said in his speech that Muslims are our sports "
     "heroes. What sport is he talking about, and who?\u201d reacted Trump.",
     "\u201cObama said in his speech that Muslims are our sports heroes. What sport is he talking about, and "
     "who?\u201d", "Trump", "reacted"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue"), MANNER_OF_SPEAKING, ids=[r[3] for r in MANNER_OF_SPEAKING]
)
def test_a_verb_of_manner_credits_the_quotation_before_it(nlp, text: str, content: str, speaker: str, cue: str) -> None:
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)
    assert statement.rule == "quote-cue" and statement.act == Act.SPEECH
    assert statement.cue is not None and statement.cue.text == cue
    assert statement.speaker_mention is not None and speaker in statement.speaker_mention.text


NOT_MANNER_CUES = [
    "The dog barked at the mailman all night long.",
    "Officers shot back at the gunman from behind the car.",
    # the reaction of a long subject several words away from the quotation is no credit
    "\u201cTell them to buy larger boats, it is very simple,\u201d the mayor said. "
    "The members of the council sitting around him laughed.",
]  # fmt: skip


@pytest.mark.parametrize("text", NOT_MANNER_CUES, ids=[t[:30] for t in NOT_MANNER_CUES])
def test_a_verb_of_manner_alone_is_no_statement(nlp, text: str) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert all(s.cue is None or s.cue.text not in {"barked", "shot", "laughed"} for s in statements)


# The parse sometimes leaves a cue without a subject when an apposition or a parenthesis stands
# between the speaker's name and the cue; the name that phrase belongs to is the speaker.
NAME_BEFORE_ASIDE = [
    ("At Lake View, where it costs new members $50,000 to join, Tom Hadley, the club's 71-year-old "
     "president and general manager, suggested that the losses could be blamed on poor management.",
     "the losses could be blamed on poor management", "Tom Hadley"),
    ("Saturday at the Ohio Republican party's state convention Sen. Mark Dunmore (R-OH) said the governor "
     'was a "total failure" on taxes.',
     'the governor was a "total failure" on taxes', "Mark Dunmore"),
    # the parser hung the name on the opening phrase, with nothing between it and the cue
    ("In a statement to the Guardian, her chief of staff, Daniel Frey, said: \u201cThe minister will not "
     "resign over the report.\u201d",
     "\u201cThe minister will not resign over the report.\u201d", "Daniel Frey"),
    # a participle clause between the name and the cue describes the name's bearer
    ("\u201cWe have never seen a crowd like this one,\u201d Ohio delegate Rosa Lindqvist, wearing a red scarf "
     "and \u201cVote Lindqvist\u201d campaign buttons, said with a smile.",
     "\u201cWe have never seen a crowd like this one,\u201d", "Rosa Lindqvist"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "content", "speaker"), NAME_BEFORE_ASIDE, ids=[r[2] for r in NAME_BEFORE_ASIDE])
def test_the_name_before_an_aside_speaks(nlp, text: str, content: str, speaker: str) -> None:
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)
    assert statement.speaker is not None and statement.speaker.name == speaker


def test_a_place_that_ends_the_aside_is_passed_over(nlp) -> None:
    # the parse the pipeline gave a sentence of this shape in a longer article (the name hung
    # as an apposition on the date, the cue left without a subject), rebuilt word for word: the
    # place that ends the aside is not the speaker, and the name whose phrase holds it is
    words = [
        "On",
        "Dec.",
        "2",
        ",",
        "Col.",
        "Rita",
        "Moreau",
        ",",
        "a",
        "spokeswoman",
        "in",
        "Kabul",
        ",",
        "said",
        "it",
    ]
    heads = [13, 0, 1, 1, 6, 6, 1, 6, 9, 6, 9, 10, 13, 13, 13]
    deps = ["prep", "pobj", "nummod", "punct", "compound", "compound", "appos", "punct", "det", "appos", "prep",
            "pobj", "punct", "ROOT", "dobj"]  # fmt: skip
    pos = ["ADP", "PROPN", "NUM", "PUNCT", "PROPN", "PROPN", "PROPN", "PUNCT", "DET", "NOUN", "ADP", "PROPN",
           "PUNCT", "VERB", "PRON"]  # fmt: skip
    ents = ["O"] * 11 + ["B-GPE"] + ["O"] * 3
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, ents=ents, sent_starts=[True] + [False] * 14)
    assert noun_just_before(doc[13]).text == "Moreau"


def test_a_body_inside_the_subjects_apposition_is_no_speaker(nlp) -> None:
    # only a name hung on an opening phrase speaks with nothing between it and the cue
    text = "\u201cNot us, but we cannot argue with it!\u201d Pat Quinlan, head of Build Ohio PAC, tweeted Friday."
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert statements and all(s.speaker is None or "PAC" not in s.speaker.name for s in statements)


def test_an_age_after_the_cue_is_the_speaker_not_a_date(nlp) -> None:
    text = (
        "\u201cShe has always fought for this town,\u201d said the 52-year-old. "
        "\u201cWe will build it,\u201d said Ms. Roe last year."
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    speakers = {s.content.text.strip("\u201c\u201d,."): s.speaker.name if s.speaker else None for s in statements}
    assert speakers["She has always fought for this town"] == "the 52-year-old"
    assert speakers["We will build it"] != "last year"  # a date after the cue still never speaks


def test_a_place_before_the_cue_is_no_speaker(nlp) -> None:
    text = ("Okafor was known for telling others she ran the office, despite being the envoy in Brussels, "
            "said another witness, the former adviser Jane Whitlock.")  # fmt: skip
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert all(s.speaker is None or s.speaker.name != "Brussels" for s in statements)


def test_a_speaker_named_right_after_the_quotation_credits_it_past_a_long_apposition(nlp) -> None:
    text = (
        "The minister announced the deal on Monday. \u201cWithout lifting some of the tariffs, I would ask what "
        "the incentive is for anyone to carry out this deal?\u201d Wen Baolin, the former executive director "
        "for China at the Asian Development Bank, said at an event in Washington."
    )
    content = (
        "\u201cWithout lifting some of the tariffs, I would ask what the incentive is for anyone to carry out "
        "this deal?\u201d"
    )
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)
    assert statement.rule == "quote-cue"
    assert statement.speaker is not None and statement.speaker.name == "Wen Baolin"


ACCORDING_TO = [
    # the credit standing alone after the sentence it is for ("That's according to ...")
    ("Sanders raised $21 million in January, bringing his total to almost $95 million.\n\n"
     "That\u2019s according to fundraising reports the campaign is filing on Saturday.",
     "Sanders raised $21 million in January, bringing his total to almost $95 million"),
    # the reporter goes on after a credit in mid-sentence: the credit is for what stands before it
    ("There are three scripts still in contention for the next film, according to The Wrap, "
     "so it\u2019s possible the studio is still deciding on a direction.",
     "There are three scripts still in contention for the next film"),
    ("The economy grew 2.1 percent in the third quarter, according to the Commerce Department.",
     "The economy grew 2.1 percent in the third quarter"),
    # a credit closing an aside set off by dashes is for the aside, not the sentence around it
    ("Given that record -- and the fact that the mayor has missed 40 council votes this year, according"
     " to the city clerk -- voters have every reason to doubt his promise.",
     "the mayor has missed 40 council votes this year"),
    ("The senator (who has served since 2003, according to the Senate website) voted against the bill.",
     "who has served since 2003"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "content"), ACCORDING_TO, ids=[r[1][:30] for r in ACCORDING_TO])
def test_what_an_according_to_credit_covers(nlp, text: str, content: str) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    statement = _statement_for(statements, content)
    assert statement.rule == "according-to"
    assert all(s.content.text.strip(" .") for s in statements)  # never a statement of a full stop


# "per X" credits like "according to" when X is a name set off from the sentence; in a rate it
# credits nobody: (text, the statement's speaker and content, or None for no statement)
PER_CREDITS = [
    ("Plague bacteria, per the WHO, are often found in small mammals and their fleas.",
     ("WHO", "are often found in small mammals and their fleas")),
    ("The singer moved to Lisbon several years ago, per CTV News.",
     ("CTV News", "The singer moved to Lisbon several years ago")),
    ("Per Reuters, the talks in Geneva collapsed on Friday.", ("Reuters", "the talks in Geneva collapsed on Friday")),
    ("The new model does 40 miles per gallon on the highway near Detroit.", None),
    ("Tickets for the concert in Leeds cost 30 pounds per person.", None),
    ("A quarter of that, per the McKinley plan, is $40,000 over 18 years.", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PER_CREDITS, ids=[r[0][:30] for r in PER_CREDITS])
def test_per_credits_a_named_source(nlp, text: str, expected: tuple[str, str] | None) -> None:
    statements = extract_document(Document(id="t", text=text), nlp).statements
    credits = [s for s in statements if s.cue is not None and s.cue.text.lower() == "per"]
    if expected is None:
        assert credits == []
        return
    (statement,) = credits
    assert statement.rule == "according-to" and statement.act == Act.SPEECH
    assert (statement.speaker.name if statement.speaker else None, statement.content.text) == expected


# A sentence ending in a colon with no reporting verb: its speaker is never the one the
# message goes to, a name that only modifies a noun, or the subject of a side clause.
COLON_INTRODUCTIONS = [
    ('Senate leader Mitch McConnell delivered a blunt message to Trump: "It is time to quit attacking '
     'the people you competed with and get on message."', "Mitch McConnell"),
    ('The Clinton campaign, in a Q&A on the controversy, worded it more carefully: "Her practice was to '
     'email officials on their government accounts."', "Clinton campaign"),
    ("In the hours after 14 people were killed in the city, a spokesman for the group celebrated the attacks "
     "on Twitter: \u201cWe have already arrived with our soldiers and there is more to come.\u201d", "a spokesman"),
    ('The result does not surprise pollster Daron Shaw: "Turnout was always going to be low in this district."',
     "Daron Shaw"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "speaker"), COLON_INTRODUCTIONS, ids=[r[1] for r in COLON_INTRODUCTIONS])
def test_the_speaker_of_a_quotation_introduced_by_a_colon(nlp, text: str, speaker: str) -> None:
    (statement,) = [s for s in extract_document(Document(id="t", text=text), nlp).statements if s.type == "direct"]
    assert statement.rule == "quote-colon"
    assert statement.speaker_mention is not None and speaker in statement.speaker_mention.text


def test_a_dateline_before_a_colon_is_no_speaker(nlp) -> None:
    text = (
        "NEW DELHI: Nearly 150 travellers returned home on Wednesday after being turned back at the border."
        " The ministry said more flights would follow."
    )
    statements = extract_document(Document(id="dateline", text=text), nlp).statements
    assert [s.rule for s in statements if s.rule == "colon-speaker"] == []
    assert [s.content.text for s in statements if s.cue and s.cue.text == "said"] == ["more flights would follow"]


def test_a_dash_credit_on_a_line_of_its_own_credits_the_quotation_above(nlp) -> None:
    text = (
        "Clinton voted for the bill in 2007.\n\n"
        '"Boeing and GE and other multinationals pay zero taxes, and that has to change."\n\n'
        "- Bernie Sanders.\n\nThis is a complex issue, subject to fierce debate."
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    statement = _statement_for(
        statements, '"Boeing and GE and other multinationals pay zero taxes, and that has to change."'
    )
    assert statement.rule == "quote-dash-credit"
    assert statement.speaker is not None and statement.speaker.name == "Bernie Sanders"


def test_a_dashed_heading_under_a_quotation_is_no_credit(nlp) -> None:
    text = (
        "\u201cSo I think that there\u2019s resistance among many Americans against seeing their country "
        "change.\u201d\n\n\u2013 An immigrant himself \u2013.\n\n"
        "Ramos, who lives in Miami, considers himself an immigrant."
    )
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert all(s.rule != "quote-dash-credit" for s in statements)


PASSIVE_FROM_A_DOCUMENT = [
    ("In a company email sent by chairman Marcelo Claure, employees were told that layoffs will begin this week.",
     "layoffs will begin this week", "Marcelo Claure"),
    ("In Ms. Okafor's memo, staff were told that the office would close on Friday.",
     "the office would close on Friday", "Okafor"),
    # a document with no named author: the addressees are never the speaker
    ("In a letter to parents, families were told that the school would close on Friday.",
     "the school would close on Friday", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "content", "speaker"), PASSIVE_FROM_A_DOCUMENT, ids=[r[1][:20] for r in PASSIVE_FROM_A_DOCUMENT]
)
def test_a_passive_cue_in_a_document_is_spoken_by_its_named_author(
    nlp, text: str, content: str, speaker: str | None
) -> None:
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)
    if speaker is None:
        assert statement.speaker is None
    else:
        assert statement.speaker is not None and speaker in statement.speaker.name


def test_a_condition_stays_in_what_was_said(nlp) -> None:
    text = (
        "Experts told reporters that an inmate can be taken off suicide watch only if a licensed "
        "mental health professional concludes the inmate is no longer at risk."
    )
    content = (
        "an inmate can be taken off suicide watch only if a licensed mental health professional concludes "
        "the inmate is no longer at risk"
    )
    statement = _statement_for(extract_document(Document(id="t", text=text), nlp).statements, content)
    assert statement.speaker is not None and statement.speaker.name == "Experts"


def test_a_report_inside_another_is_one_record_for_a_desk(nlp) -> None:
    text = "Morrison testified that Sondland had told him the aid would be released after the investigations began."
    statements = extract_document(Document(id="t", text=text), nlp).statements
    outer = _statement_for(statements, "Sondland had told him the aid would be released after the investigations began")
    assert outer.act == Act.SPEECH and outer.speaker is not None and outer.speaker.name == "Morrison"
    inner = [s for s in statements if s is not outer and s.speaker is not None and s.speaker.name == "Sondland"]
    assert inner and all(s.act == Act.OTHER for s in inner)  # kept for the broad listing only
