"""The rule table: one real sentence per rule id and the rule it must fire; every rule an
extraction records is in ``extract.RULES``, and every rule there says in its docstring what it
finds, with the example sentence of this table."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import NamedTuple

import pytest

from attribution.extract import QUOTE_RULES, RULES, extract_document
from attribution.models import Document
from attribution.reported import TOKEN_RULES, rule_positions


class Fires(NamedTuple):
    rule: str
    text: str
    cue: str | None  # the cue as written, None when the rule records none
    speaker: str | None  # the resolved speaker's name, None when it does not matter here


FIRES = [
    Fires(
        "according-to",
        "The economy grew 2.1 percent in the third quarter, according to the Commerce Department.",
        "according to",
        "Commerce Department",
    ),
    Fires(
        "cue-noun",
        "The senator's claim that the bill would cut taxes for the middle class was disputed.",
        "claim",
        None,
    ),
    Fires(
        "passive-quoted",
        "Putin was quoted by the Interfax news agency as saying that Russia would respond.",
        "saying",
        "Putin",
    ),
    Fires("cue-ccomp", "The minister said that the talks would resume next week.", "said", None),
    Fires("cue-prep", "The opposition accused the government of hiding the cost of the project.", "accused", None),
    # a verb that reports through its fixed preposition only
    Fires("cue-prep", "The spokesman referred to the report published in March.", "referred", None),
    # an attitude verb's phrase
    Fires("cue-prep", "The minister stressed on the need for reform.", "stressed", None),
    Fires("cue-xcomp", "The governor vowed to veto the bill.", "vowed", None),
    Fires("cue-xcomp", "Doctors urged residents to stay indoors.", "urged", None),
    # the parser hangs the "that" clause on nothing
    Fires("cue-bare", "The ministry warned residents in a statement that the river would flood.", "warned", None),
    Fires("cue-object", "Republicans slammed the proposal as a giveaway to insurers.", "slammed", None),
    Fires(
        "cue-parenthetical",
        "Climate change, the president often says, is the greatest threat facing the world.",
        "says",
        None,
    ),
    Fires("colon-speaker", "Lynch: No outside influence on FBI probe", ":", None),
    Fires("colon-speaker", "TAPPER: Do you think the election was rigged against you?", ":", None),
    Fires("quote-cue", "\u201cHow many more storms do we have to see?\u201d Hochul said.", "said", "Hochul"),
    Fires(
        "quote-dash-credit",
        "\u201cWe have to act now to protect the coast.\u201d -Commissioner Frans Timmermans",
        None,
        "Frans Timmermans",
    ),
    Fires(
        "quote-colon",
        "The president was blunt: \u201cWe will not pay for this wall, not now, not ever.\u201d",
        ":",
        None,
    ),
    Fires(
        "quote-continuation",
        "\u201cWe are ready for the storm,\u201d Governor Kathy Hochul said.\n\n"
        "\u201cEvery shelter in the state is open tonight, and the buses are running.\n\n"
        "\u201cPlease stay home.\u201d",
        None,
        "Kathy Hochul",
    ),
    Fires("learned-dobj", "Clinton laid out her proposals to increase national service.", "laid out", "Clinton"),
    Fires("learned-ccomp", "The mayor hopes the council will fund the plan.", "hopes", None),
    Fires("learned-xcomp", "Officials warned Tuesday to expect delays on the roads.", "warned", None),
    Fires("learned-prep", "The union campaigned against the new contract.", "campaigned", None),
    Fires("learned-noun", "Warren's attack on the bank was relentless.", "attack", "Warren"),
]


@pytest.mark.parametrize("row", FIRES, ids=[f"{r.rule}: {r.text[:30]}" for r in FIRES])
def test_each_rule_fires_on_its_sentence(nlp, row: Fires) -> None:
    statements = extract_document(Document(id="t", text=row.text), nlp).statements
    fired = [s for s in statements if s.rule == row.rule]
    assert fired, f"{row.rule} did not fire; got {[(s.rule, s.content.text) for s in statements]}"
    statement = fired[0]
    assert (statement.cue.text if statement.cue else None) == row.cue
    if row.speaker is not None:
        assert statement.speaker is not None and statement.speaker.name == row.speaker


def test_the_table_has_a_sentence_for_every_rule() -> None:
    assert {r.rule for r in FIRES} == set(RULES)


def test_every_rule_in_the_output_is_in_the_table(nlp, seed_text: str) -> None:
    texts = [seed_text, *(r.text for r in FIRES)]
    recorded = {s.rule for text in texts for s in extract_document(Document(id="t", text=text), nlp).statements}
    assert recorded <= set(RULES), recorded - set(RULES)
    assert len(recorded) == len(RULES)  # and every rule of the table is seen firing


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("function", sorted(set(RULES.values()), key=lambda f: f.__name__), ids=lambda f: f.__name__)
def test_every_rule_says_what_it_finds_with_an_example_from_this_table(function) -> None:
    doc = function.__doc__
    assert doc and len(doc.split()) >= 10, f"{function.__name__} says too little"
    examples = [r.text for r in FIRES if RULES[r.rule] is function]
    assert any(_flat(example).rstrip(".") in _flat(doc) for example in examples), function.__name__


def test_rule_functions_are_named_after_their_rule() -> None:
    for rule_id, function in [*TOKEN_RULES, *QUOTE_RULES]:
        assert function.__name__ == rule_id.replace("-", "_")


@pytest.mark.parametrize("row", [r for r in FIRES if r.rule in dict(TOKEN_RULES)], ids=lambda r: r.rule)
def test_a_token_rule_records_its_own_id(nlp, row: Fires) -> None:
    """Every statement a rule of the parse makes carries that rule's id, on every word."""
    doc = nlp(row.text)
    made = {rule_id: [c.rule for t in doc for c in rule(t) or ()] for rule_id, rule in TOKEN_RULES}
    assert row.rule in made[row.rule]
    assert all(set(rules) <= {rule_id} for rule_id, rules in made.items())


@pytest.mark.parametrize("row", [r for r in FIRES if r.rule in dict(TOKEN_RULES)], ids=lambda r: r.rule)
def test_the_rules_are_tried_on_every_word_one_of_them_takes(nlp, row: Fires) -> None:
    """find_reported tries the rules only on the words rule_positions reads off the parse's
    arrays; every word some rule takes is among them, and most words are not."""
    doc = nlp(row.text)
    taking = [t.i for t in doc if any(rule(t) is not None for _, rule in TOKEN_RULES)]
    positions = rule_positions(doc)
    assert taking and set(taking) <= set(positions)
    assert len(positions) < len(doc) / 2


def test_no_word_of_the_seed_a_rule_takes_is_skipped(nlp, seed_text: str) -> None:
    doc = nlp(seed_text)
    taking = {t.i for t in doc if any(rule(t) is not None for _, rule in TOKEN_RULES)}
    assert len(taking) >= 5 and taking <= set(rule_positions(doc))


PAGE_LABELS = [
    # a label of the page before a colon is nobody speaking (data/rules.json "not_speakers")
    "The Latest: Trump urges supporters to monitor polling places",
    "Analysis: The tax plan would cost billions more than promised",
    "Photo: Crowds gather outside the courthouse on Monday",
]


@pytest.mark.parametrize("line", PAGE_LABELS)
def test_a_page_label_before_a_colon_is_no_speaker(nlp, line: str) -> None:
    statements = extract_document(Document(id="t", text=f"{line}\n\nThe hearing resumes on Friday."), nlp).statements
    assert not [s for s in statements if s.rule == "colon-speaker"]


def test_every_word_list_of_the_rules_says_why() -> None:
    data = json.loads(resources.files("attribution").joinpath("data", "rules.json").read_text(encoding="utf-8"))
    lists = {key for key in data if not key.startswith("_")}
    assert {"prep_cues", "xcomp_cues", "weak_cues", "bare_cues", "not_speakers", "clause_preps"} <= lists
    for key in lists:
        assert data.get(f"_doc_{key}"), f"rules.json: {key} has no _doc_{key}"
        assert data[key] == sorted(set(data[key])), f"rules.json: {key} is not sorted or has repeats"
