"""The learned second pass on real sentences: what it proposes, what the shipped model keeps,
and what it must leave alone (the rules' statements, places acting, plain actions)."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from attribution import learned
from attribution.claims import flag_claims
from attribution.extract import extract_document
from attribution.models import ClaimKind, Document
from attribution.scoring import default_threshold


class Proposed(NamedTuple):
    text: str
    cue: str
    relation: str
    content: str
    speaker: str | None


PROPOSALS = [
    Proposed(
        "Clinton laid out her proposals to increase national service.",
        "laid",
        "dobj",
        "her proposals to increase national service",
        "Clinton",
    ),
    Proposed(
        "The mayor hopes the council will fund the plan.", "hopes", "ccomp", "the council will fund the plan", "mayor"
    ),
    Proposed(
        "Senators pressed the nominee to release his tax returns.",
        "pressed",
        "xcomp",
        "the nominee to release his tax returns",
        "Senators",
    ),
    Proposed("The union railed against the new contract.", "railed", "prep-against", "the new contract", "union"),
    Proposed(
        "Trump's insistence that the election was rigged was false.",
        "insistence",
        "noun-clause",
        "that the election was rigged",
        "Trump",
    ),
    Proposed("Warren's attack on the bank was relentless.", "attack", "noun-on", "the bank", "Warren"),
]


@pytest.mark.parametrize("row", PROPOSALS, ids=[r.cue for r in PROPOSALS])
def test_proposals_take_the_complement_and_the_subject(nlp, row: Proposed) -> None:
    doc = nlp(row.text)
    found = [p for p in learned.proposals(doc, ()) if p.cue.text == row.cue]
    assert len(found) == 1
    proposal = found[0]
    assert proposal.relation == row.relation
    assert doc[proposal.first : proposal.last + 1].text.strip(" .") == row.content
    assert (proposal.speaker.text if proposal.speaker is not None else None) == row.speaker


def test_a_noun_without_an_owner_is_not_proposed(nlp) -> None:
    doc = nlp("The insistence that the election was rigged was false.")
    assert [p for p in learned.proposals(doc, ()) if p.cue.text == "insistence"] == []


def test_cues_the_rules_used_are_not_proposed_again(nlp) -> None:
    doc = nlp("Clinton laid out her proposals to increase national service.")
    laid = next(t for t in doc if t.text == "laid")
    assert [p.cue.text for p in learned.proposals(doc, ())] == ["laid", "proposals", "increase"]
    assert [p.cue.text for p in learned.proposals(doc, [(laid.idx, laid.idx + 8)])] == ["proposals", "increase"]


class Kept(NamedTuple):
    text: str
    cue: str | None  # None: the pass must find nothing
    speaker: str | None
    content: str | None


KEPT = [
    # verbs no lexicon lists, yet news credits the subject with the content
    Kept(
        "In a speech in Fort Pierce, Florida, Clinton laid out her proposals to increase national service.",
        "laid out",
        "Clinton",
        "her proposals to increase national service",
    ),
    Kept(
        "Obama sounded a call for the United States to accept more refugees.",
        "sounded",
        "Obama",
        "a call for the United States to accept more refugees",
    ),
    Kept("The senator offered no evidence for the claim.", "offered", "The senator", "no evidence for the claim"),
    # plain actions are not statements
    Kept("She ate a sandwich in the park.", None, None, None),
    Kept("The company hired 200 workers last year.", None, None, None),
    Kept("The committee repealed the law in 2013.", None, None, None),
    # the one asked is not the one who asked
    Kept('Asked whether he would resign, Mr Johnson said: "No."', None, None, None),
    # what a place does is news to check, not something it said
    Kept("On July 5, Lithuania granted the opposition official status in the EU country.", None, None, None),
    Kept("The West refuses to recognize him as the country's legitimate leader.", None, None, None),
]


@pytest.mark.parametrize("row", KEPT, ids=[r.text[:40] for r in KEPT])
def test_the_shipped_model_keeps_attributions_and_drops_actions(nlp, row: Kept) -> None:
    extraction = extract_document(Document(id="t", text=row.text), nlp)
    guesses = [s for s in extraction.statements if s.rule.startswith("learned-")]
    if row.cue is None:
        assert guesses == []
        return
    assert len(guesses) == 1
    guess = guesses[0]
    assert guess.cue is not None and guess.cue.text == row.cue
    assert guess.speaker is not None and guess.speaker.name == row.speaker
    assert guess.content.text == row.content
    assert 0.0 < guess.confidence < 1.0
    assert str(guess.type) == "indirect"


def test_rule_statements_are_not_duplicated_or_replaced(nlp) -> None:
    text = "The minister said the border would stay closed. Clinton laid out her proposals to cut taxes."
    statements = extract_document(Document(id="t", text=text), nlp).statements
    assert [(s.rule, s.cue.text) for s in statements] == [("cue-ccomp", "said"), ("learned-dobj", "laid out")]
    # every statement carries the scorer's probability; a plain "said" clause clears the listing's threshold
    assert all(0.0 < s.confidence < 1.0 for s in statements)
    assert statements[0].confidence >= default_threshold()


def test_a_guess_does_not_take_the_sentence_out_of_the_reporters_voice(nlp) -> None:
    text = "The senator laid out a $2 million plan to rebuild 14 rural hospitals."
    doc = nlp(text)
    extraction = extract_document(Document(id="t", text=text), nlp)
    guesses = [s for s in extraction.statements if s.rule.startswith("learned-")]
    claims = [c for c in flag_claims(doc, extraction.statements) if c.kind == ClaimKind.UNATTRIBUTED]
    assert len(guesses) == 1
    assert [c.span.text for c in claims] == [text]
    assert "partly attributed" not in claims[0].reasons


def test_without_the_weights_file_the_pass_is_off(nlp, monkeypatch) -> None:
    monkeypatch.setattr(learned, "load_model", lambda: None)
    text = "Clinton laid out her proposals to increase national service."
    assert extract_document(Document(id="t", text=text), nlp).statements == ()


def test_the_shipped_weights_are_small_and_say_how_they_were_made() -> None:
    from importlib import resources

    path = resources.files("attribution").joinpath("data", learned.MODEL_FILE)
    assert path.is_file()
    assert len(path.read_bytes()) < 20 * 1024 * 1024
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["command"].startswith("bench/train-cues")
    assert record["trained_on"] == "polnear-train.jsonl"
    model = learned.load_model()
    assert model is not None and 0.0 < model.threshold < 1.0
    assert model.probability(["bias"]) < model.threshold  # a proposal with no evidence is dropped
