"""A calibrated confidence on every statement, rules included.

The rules are sure of their pattern, not of the statement: on news annotated the way a desk
reads it, a clause after "said" is nearly always a statement, an object after "called" often
is not. One logistic model over every statement (weights in ``data/statement-scorer.json``,
made by ``bench/train-scorer`` on the speech-convention train split) turns what the
extractor knows of a statement (its rule, act, cue, type, speaker and length) into the
probability that a desk would count it as somebody's statement. The file also carries the
default threshold: the desk's listing shows speech at or above it. A second model on the
same features (``data/statement-scorer-broad.json``, trained on PolNeAR's train split) gives
``broad_confidence``: the probability that PolNeAR's broad convention counts it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from .acts import act_lexicon
from .models import Statement

SCORER_FILE = "statement-scorer.json"
WORD = re.compile(r"\w+")


def _bucket(n: int) -> str:
    return "1-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"


def _prior_bucket(confidence: float) -> str:
    """The learned pass's own probability, coarsely (rules carry 1.0)."""
    return "rule" if confidence >= 1.0 else "high" if confidence >= 0.6 else "mid" if confidence >= 0.45 else "low"


def statement_features(statement: Statement) -> list[str]:
    """The names of the features a statement has; the model weighs each. Only what the
    statement records is used, so a stored or exported statement can be scored again."""
    cue = statement.cue_lemma or ((statement.cue.text.lower().split() or [""])[-1] if statement.cue else "(none)")
    speaker = statement.speaker
    kind = str(speaker.kind) if speaker else "none"
    words = len(WORD.findall(statement.content.text))
    resolution = (statement.resolution or "none").split(":")[0]
    rule = statement.rule
    act = str(statement.act)
    return [
        "bias",
        "rule=" + rule,
        "act=" + act,
        "rule_act=" + rule + "|" + act,
        "type=" + str(statement.type),
        "rule_type=" + rule + "|" + str(statement.type),
        "cue=" + cue,
        "rule_cue=" + rule + "|" + cue,
        "kind=" + kind,
        "rule_kind=" + rule + "|" + kind,
        "resolution=" + resolution,
        "len=" + _bucket(words),
        "rule_len=" + rule + "|" + _bucket(words),
        "prior=" + _prior_bucket(statement.confidence),
        "stance=" + str(statement.stance),
        "split=" + str(bool(statement.fragments)),
        "rule_list=" + rule + "|" + _curated_list(cue),
    ]


def _curated_list(lemma: str) -> str:
    """Which of the act lexicon's hand-made lists holds the cue: pools rare verbs that the
    lists say behave alike ('accuse', 'call', 'predict' all say something in their object)."""
    lexicon = act_lexicon()
    for name in ("saying", "object_speech", "prep_speech"):
        if lemma in getattr(lexicon, name):
            return name
    return str(lexicon.lemmas.get(lemma, "unlisted"))


@dataclass(frozen=True)
class StatementScorer:
    weights: dict[str, float]
    threshold: float

    def probability(self, statement: Statement) -> float:
        score = sum(self.weights.get(name, 0.0) for name in statement_features(statement))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


SCORER_FILES = {"speech": SCORER_FILE, "broad": "statement-scorer-broad.json"}


@cache  # one entry per convention; every document asks for both
def load_scorer(convention: str = "speech") -> StatementScorer | None:
    """The shipped weights for a convention ("speech": what a desk counts; "broad": every
    attribution PolNeAR counts), or None when the file is absent (confidences then stay as
    the rules and the learned pass gave them, and every speech statement is listed)."""
    path = resources.files("attribution").joinpath("data", SCORER_FILES[convention])
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return StatementScorer(weights=data["weights"], threshold=data["threshold"])


def default_threshold() -> float:
    """The confidence a statement needs to be listed by default (0 without a scorer)."""
    scorer = load_scorer("speech")
    return scorer.threshold if scorer is not None else 0.0


def score_statements(statements: Iterable[Statement]) -> list[Statement]:
    """Each statement with its calibrated confidence in the desk's convention and in the broad
    one (rounded to three places); both models read the statement as extracted."""
    speech, broad = load_scorer("speech"), load_scorer("broad")
    scored = []
    for statement in statements:
        changes: dict[str, float] = {}
        if speech is not None:
            changes["confidence"] = round(speech.probability(statement), 3)
        if broad is not None:
            changes["broad_confidence"] = round(broad.probability(statement), 3)
        scored.append(replace(statement, **changes) if changes else statement)
    return scored
