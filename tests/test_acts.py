"""Acts on real sentences: what kind of act each statement reports, and which a desk sees.

Each row is a sentence, the cue of the statement it yields, and the act that statement must
carry; a desk's listing (speech) shows only the speech rows, the broad listing shows all.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from attribution.acts import act_lexicon
from attribution.extract import extract_document
from attribution.listing import ATTRIBUTIONS, select_attributions, shown
from attribution.models import Act, Document


class Row(NamedTuple):
    text: str
    cue: str
    act: Act


ROWS = [
    # speech: saying, writing, testifying, announcing, according to, a document stating
    Row("The mayor said the bridge would reopen in May.", "said", Act.SPEECH),
    Row("Senator Maria Lopez told reporters that the bill would pass.", "told", Act.SPEECH),
    Row("The minister wrote on Twitter that talks had collapsed.", "wrote", Act.SPEECH),
    Row("Police accused the driver of fleeing the scene.", "accused", Act.SPEECH),
    Row("The governor called the decision a disgrace.", "called", Act.SPEECH),
    Row("An audit found that the agency had lost track of 300 laptops.", "found", Act.SPEECH),
    Row("Employees were told that layoffs would begin this week.", "were told", Act.SPEECH),
    Row("The unions said more than 15,000 people registered for the rally.", "said", Act.SPEECH),
    Row("Her campaign said the event drew 2,000 people.", "said", Act.SPEECH),  # a body with an owner speaks
    Row("The Clinton campaign said the poll was wrong.", "said", Act.SPEECH),
    # thought, intention, perception
    Row("Many analysts believe that the deal will collapse before spring.", "believe", Act.THOUGHT),
    Row("Investors fear that the central bank will raise rates again.", "fear", Act.THOUGHT),
    # a belief noun, its holder the possessor or the subject of "be of" or of a verb of holding
    Row("Most economists are of the view that inflation will fall next year.", "view", Act.THOUGHT),
    Row("Many traders hold the opinion that the rally cannot last.", "opinion", Act.THOUGHT),
    Row("The senator's claim that the bill would cut taxes was disputed.", "claim", Act.SPEECH),
    Row("The company plans to open two new factories in Ohio next year.", "plans", Act.INTENTION),
    Row("Studies have shown that poorer families spend more of their income on fuel.", "have shown", Act.PERCEPTION),
    Row("When they compared the figures, the researchers found that prices had doubled.", "found", Act.PERCEPTION),
    # speech withheld, hypothetical, agentless, a question, the reporter, a target only
    # an opening participle says what was done to the subject: he was asked, he asked nothing
    Row("Asked later for an example of such an experiment, he brought up the lander program.", "Asked", Act.OTHER),
    Row("The company declined to say when the car would go on sale.", "declined", Act.OTHER),
    Row("The carmaker did not say when the wagon will go on sale.", "did not say", Act.OTHER),
    Row("Critics might argue that the reform should have gone further.", "might argue", Act.OTHER),
    Row("Patients may leave only if a doctor concludes that the infection has cleared.", "concludes", Act.OTHER),
    # a verb of phase before an infinitive says that something goes on
    Row("But Mr. Trump continues to give mixed signals about whether he really wants it.", "continues", Act.OTHER),
    # a memory of a thing is no statement; recounting what happened is
    Row("Phoning in from London, the director remembered the anxiety of those first weeks.", "remembered", Act.OTHER),
    Row("The guard remembered that the door to the cell had been left open.", "remembered", Act.SPEECH),
    Row("The aid will flow unless the board says the money is needed elsewhere.", "says", Act.OTHER),
    Row("Each defendant is charged with conspiring to falsify records.", "is charged", Act.OTHER),
    Row("Republicans also questioned the witness about the missing documents.", "questioned", Act.OTHER),
    Row("The senator has spoken out about the dangers of online betting.", "has spoken out", Act.OTHER),
    Row("Gallinari added 25 points in his former home arena.", "added", Act.OTHER),
    Row("As we have noted, the figures are hard to check for anyone outside the agency.", "have noted", Act.OTHER),
    # an infinitive cue is an aim or a task unless it carries speech on; a comparison is the writer's
    Row("Several thousand teachers surrounded the Statehouse on Tuesday to call for better pay.", "to call", Act.OTHER),
    Row("The new rules allow the mayor to maintain a tough stance toward the unions.", "to maintain", Act.OTHER),
    Row("On Thursday the singer took to Twitter to accuse the label of bullying her.", "to accuse", Act.SPEECH),
    Row("The only other company to confirm it has bid on the contract is Boeing.", "to confirm", Act.SPEECH),
    Row("The sum is smaller than what the senator said, but it is a fair estimate.", "said", Act.OTHER),
    Row("It is more complicated than the governor suggests, but he is in the ballpark.", "suggests", Act.OTHER),
    # a question asked or shown, a circumstance, a topic, a name given: none is what was said
    Row("The committee chairman asked whether the minister had raised any concerns.", "asked", Act.OTHER),
    Row("The survey noted if and how often respondents used cannabis in the past month.", "noted", Act.OTHER),
    Row("The senator said if the governor signs the bill, the state will lose millions.", "said", Act.SPEECH),
    Row("The president has claimed victory as the House concluded its third public hearing.", "has claimed", Act.OTHER),
    Row("The colonel testified about a July 10 meeting at the White House.", "testified", Act.OTHER),
    Row("The researchers built a detailed simulation of the universe, which they call TNG50.", "call", Act.OTHER),
    Row("The senator called the bill's passage \u201coutrageous\u201d on Tuesday.", "called", Act.SPEECH),
    Row("The agency's announcement to expand the pool of bidders surprised the industry.", "announcement", Act.OTHER),
    Row("These people were booked into the county jail this week.\n\nChristopher D. Battin: Dealing in cocaine or "
        "a narcotic drug, possession of methamphetamine, maintaining a common nuisance, held in jail in lieu of "
        "$72,500 bond.\n\nElizabeth A. Burton: Possession of methamphetamine, held in jail in lieu of $5,000 bond.",
        ":", Act.OTHER),  # each entry of the list, whatever cue it holds ("maintaining a common nuisance")
    # a label before a colon opening a sentence with a finite verb is a heading, the speech stays
    Row("Town meeting recap.\n\nRoad repairs: The mayor said the work would finish by June, and residents cheered.",
        "said", Act.SPEECH),
    # a label over several sentences of narration about others heads a section of a roundup
    Row("Hawks beat the Owls 101-99.\n\nHawks: Center Tom Brandt missed his second game with a sore ankle. Guard "
        "Eli Moss was fined for a late foul in the fourth quarter after Moss\u2019s shove.", ":", Act.OTHER),
    # ... but a transcript label in capitals, or words in the first person, is somebody speaking
    Row("The debate went on.\n\nBRANDT: The ankle is fine. The coach will rest it for a week.", ":", Act.SPEECH),
    Row("Rubio: I am not interested in being vice president. I never was.", ":", Act.SPEECH),
]  # fmt: skip


def test_quotations_that_are_titles_or_names_are_not_speech(nlp):
    """A participle that names ('a script called "..."') or a quotation beside a verb of
    finding or reading is a title: the statement is kept for the broad listing as 'other'."""
    for text in (
        "She fell in love with a script called \u201cThe Long Road Home to Nowhere\u201d last spring.",
        "The director had just found his next project, \u201cA House Beside the Quiet River\u201d, in a bookshop.",
    ):
        statements = extract_document(Document(id="title", text=text), nlp).statements
        assert statements, "the quotation is still found (the broad listing shows it)"
        assert all(s.act == Act.OTHER for s in statements), [(s.rule, s.act, s.content.text) for s in statements]


def test_a_quotation_standing_alone_as_a_heading_is_not_speech(nlp):
    """A quoted line that heads the passage below it labels the passage; the desk does not see
    it, the broad listing does. The same words closing a sentence of quotation stay speech."""
    text = (
        "The envoy spoke for nine hours behind closed doors on Tuesday.\n\n"
        '"Not some irregular channel"\n\n'
        "He disputed the notion that he had run a shadow policy, saying he had kept the State Department informed."
    )
    extraction = extract_document(Document(id="heading", text=text), nlp)
    heading = [s for s in extraction.statements if s.content.text.startswith('"Not some')]
    assert heading and all(s.act == Act.OTHER for s in heading)
    assert not any(s.content.text.startswith('"Not some') for s in select_attributions(extraction, "speech").statements)
    prose = 'The envoy spoke on Tuesday.\n\n"Not some irregular channel, but the normal one."\n\nHe left.'
    kept = extract_document(Document(id="prose", text=prose), nlp).statements
    assert any(s.content.text.startswith('"Not some') and s.act == Act.SPEECH for s in kept)


@pytest.fixture(scope="module")
def statements(nlp):
    found = {}
    for number, row in enumerate(ROWS):
        extraction = extract_document(Document(id=f"act-{number}", text=row.text), nlp)
        found[row.text] = extraction
    return found


@pytest.mark.parametrize("row", ROWS, ids=[r.text[:50] for r in ROWS])
def test_each_statement_has_its_act(row, statements):
    extraction = statements[row.text]
    by_cue = {s.cue.text: s for s in extraction.statements if s.cue is not None}
    assert row.cue in by_cue, f"no statement with cue {row.cue!r}: {sorted(by_cue)}"
    assert by_cue[row.cue].act == row.act


@pytest.mark.parametrize("row", ROWS, ids=[r.text[:50] for r in ROWS])
def test_a_desk_sees_only_speech_and_the_broad_listing_sees_all(row, statements):
    extraction = statements[row.text]
    speech = select_attributions(extraction, "speech").statements
    broad = select_attributions(extraction, "all").statements
    assert broad == extraction.statements
    assert all(s.act == Act.SPEECH for s in speech)
    listed = any(s.cue is not None and s.cue.text == row.cue for s in speech)
    if row.act != Act.SPEECH:
        assert not listed
    elif row.cue in {"said", "told", "wrote"}:
        assert listed  # the plainest reports clear the scorer's threshold


def test_direct_quotes_are_speech_whatever_the_verb(nlp):
    text = "\u201cWe will win this fight and we will win it soon,\u201d the coach believes."
    (statement,) = extract_document(Document(id="quoted", text=text), nlp).statements
    assert statement.type == "direct" and statement.act == Act.SPEECH


def test_the_broad_convention_is_kept_on_polnear_style_text(nlp):
    text = "Trump believes the election is rigged, and his campaign plans to sue in three states."
    extraction = extract_document(Document(id="broad", text=text), nlp)
    acts = {s.act for s in extraction.statements}
    assert Act.THOUGHT in acts
    assert not select_attributions(extraction, "speech").statements


def test_unknown_listing_is_refused(statements):
    statement = statements[ROWS[0].text].statements[0]
    assert shown(statement, "speech") and shown(statement, "all")
    with pytest.raises(ValueError, match="speech, all"):
        shown(statement, "beliefs")
    assert ATTRIBUTIONS == ("speech", "all")


def test_every_act_list_in_the_data_file_is_known_vocabulary():
    lexicon = act_lexicon()
    assert set(lexicon.lemmas.values()) <= set(Act)
    assert lexicon.lemmas["say"] == Act.SPEECH and lexicon.lemmas["believe"] == Act.THOUGHT
    assert "show" not in lexicon.document_findings  # 'the video shows' is evidence, not speech


def test_extract_command_lists_speech_unless_asked_for_all(tmp_path):
    import json

    from attribution_cli.main import app
    from typer.testing import CliRunner

    article = tmp_path / "article.txt"
    article.write_text(
        "The mayor said the bridge would reopen in May. Many residents believe the repairs will take longer.",
        encoding="utf-8",
    )
    runner = CliRunner()
    default = runner.invoke(app, ["extract", str(article)])
    broad = runner.invoke(app, ["extract", str(article), "--attributions", "all"])
    assert default.exit_code == 0 and broad.exit_code == 0
    default_cues = [q["cue"] for q in json.loads(default.stdout)["quotes"]]
    broad_acts = {q["cue"]: q["act"] for q in json.loads(broad.stdout)["quotes"]}
    assert default_cues == ["said"]
    assert broad_acts == {"said": "speech", "believe": "thought"}
    refused = runner.invoke(app, ["extract", str(article), "--attributions", "beliefs"])
    assert refused.exit_code == 2
