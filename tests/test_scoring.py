"""The statement scorer: a calibrated confidence on every statement, and the desk's listing.

Rows are real sentences; the shipped weights (bench/train-scorer on the speech-convention
train split) must rank a plain "said" clause above a verb whose object is only its target.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution.extract import extract_document
from attribution.listing import select_attributions, shown
from attribution.models import Act, Document
from attribution.scoring import SCORER_FILE, default_threshold, load_scorer, statement_features

ROOT = Path(__file__).resolve().parents[1]


def _only(nlp, text: str):
    (statement,) = extract_document(Document(id="s", text=text), nlp).statements
    return statement


def test_the_shipped_scorer_loads_with_its_threshold_and_provenance():
    scorer = load_scorer()
    assert scorer is not None and 0.0 < scorer.threshold < 1.0
    record = json.loads((ROOT / "attribution" / "data" / SCORER_FILE).read_text(encoding="utf-8"))
    assert record["trained_on"] == "wire-train.jsonl"
    assert record["threshold"] == default_threshold()
    bins = record["out_of_fold"]["reliability"]
    assert sum(b["n"] for b in bins) > 300  # measured on the train split's statements, out of fold


def test_the_weights_are_read_once_per_convention(nlp):
    # Each document asks for the speech and the broad weights and the default threshold; a cache
    # smaller than the keys asked for read the JSON again for every document.
    for number in range(3):
        extract_document(Document(id=f"w{number}", text="The mayor said the bridge would reopen."), nlp)
        default_threshold()
    before = load_scorer.cache_info().misses
    for number in range(3):
        extract_document(Document(id=f"v{number}", text="Police said the driver had fled."), nlp)
        default_threshold()
    assert load_scorer.cache_info().misses == before


def test_every_statement_gets_a_probability_rules_included(nlp):
    text = (
        "The mayor said the bridge would reopen in May. "
        "\u201cWe are not done yet,\u201d the mayor said. "
        "Republicans questioned the engineer about the delays."
    )
    statements = extract_document(Document(id="p", text=text), nlp).statements
    assert statements and all(0.0 <= s.confidence <= 1.0 for s in statements)
    assert all(s.confidence < 1.0 for s in statements)  # no rule is certain of its statement


@pytest.mark.parametrize(
    ("sure", "doubtful"),
    [
        ("The mayor said the bridge would reopen in May.", "Republicans questioned the engineer about the delays."),
        ("Police said the driver had fled the scene.", "The senator has spoken out about the dangers of betting."),
    ],
)
def test_a_plain_report_outranks_a_doubtful_one(nlp, sure, doubtful):
    assert _only(nlp, sure).confidence > _only(nlp, doubtful).confidence


def test_the_desk_listing_keeps_speech_above_the_threshold(nlp):
    text = "The mayor said the bridge would reopen in May. Many residents believe the repairs will take longer."
    extraction = extract_document(Document(id="d", text=text), nlp)
    listed = select_attributions(extraction, "speech").statements
    assert [s.cue.text for s in listed] == ["said"]
    assert all(s.act == Act.SPEECH and s.confidence >= default_threshold() for s in listed)
    assert all(shown(s, "all") for s in extraction.statements)


def test_nested_reports_are_one_statement_in_the_desk_listing(nlp):
    text = "Prosecutors alleged that the two guards admitted to supervisors that they had skipped the checks."
    extraction = extract_document(Document(id="n", text=text), nlp)
    listed = select_attributions(extraction, "speech").statements
    assert [s.cue.text for s in listed] == ["alleged"]


def test_features_are_read_from_the_statement_alone(nlp):
    statement = _only(nlp, "The mayor said the bridge would reopen in May.")
    names = statement_features(statement)
    assert "rule=cue-ccomp" in names and "act=speech" in names and "cue=say" in names
