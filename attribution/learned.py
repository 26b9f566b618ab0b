"""A learned second pass for reported speech the cue lexicon does not cover.

News credits sources with hundreds of verbs and nouns ("grilled X for Y", "laid out her
proposals", "his decision to Y"); listing them all by hand overfits, leaving them out loses
most indirect statements. After the rules have run, every verb or possessed noun with a
complement the rules did not use becomes a *proposal*; a logistic model over plain features
(lemma, relation, what kind of subject, how long the complement is ...) keeps the ones that
look like attributions. The weights live in ``data/learned-cues.json``, trained on the
PolNeAR train split by ``bench/train-cues`` (never in CI); without that file the pass is off.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy
from spacy.attrs import IS_PUNCT, POS
from spacy.parts_of_speech import AUX, VERB
from spacy.tokens import Doc, Token

from ._parse_arrays import arrays_of
from .lexicons import attitude_verbs, cue_nouns, cue_stances
from .models import Stance
from .nlp import doc_text
from .reported import (
    CLAUSE_PREPS,
    Candidate,
    char_span,
    cue_span,
    extend_right,
    is_topic,
    is_when,
    misread_complement,
    subject_of,
)

MODEL_FILE = "learned-cues.json"
# "Lithuania granted X status", "the West refuses to recognise him": what a place does is
# news to check, not something it said; the rules still credit "Lithuania says ..."
PLACES = {"GPE", "LOC", "FAC"}
NOUN_PREPS = CLAUSE_PREPS | {"to", "with", "in", "toward", "towards"}
# the rule ids of the learned pass: "learned-" and the kind of complement (a preposition's or a
# noun's whatever the word: "prep-of" and "prep-against" are both "learned-prep")
LEARNED_RULES = ("learned-ccomp", "learned-xcomp", "learned-dobj", "learned-prep", "learned-noun")


@dataclass(frozen=True)
class Proposal:
    """A word that may report something, the complement it would report, and who: what the
    model's features are read from, before it decides. Not a ``reported.Candidate``: the
    features need the parse itself (the cue token, the complement as a token range, the
    relation with its preposition, "prep-of"), and the proposals the model drops never become
    statements; the ones it keeps are turned into Candidates by ``learned_candidates``."""

    cue: Token
    relation: str
    first: int  # token range of the complement, inclusive
    last: int
    speaker: Token | None


def _verb_complement(verb: Token) -> tuple[str, int, int] | None:
    children = list(verb.rights)
    for child in children:
        if child.dep_ == "ccomp" and not misread_complement(verb, child):
            return "ccomp", child.left_edge.i, child.right_edge.i
    for child in children:
        if child.dep_ == "xcomp":
            objects = [c for c in children if c.dep_ == "dobj" and c.i < child.i]
            first = objects[0].left_edge.i if objects else child.left_edge.i
            return "xcomp", first, child.right_edge.i
    for child in children:
        if child.dep_ == "dobj" and not is_when(child):
            return "dobj", child.left_edge.i, extend_right(verb, child.right_edge.i)
    for child in children:
        if child.dep_ == "prep" and child.lower_ in NOUN_PREPS and is_topic(child):
            return "prep-" + child.lower_, child.i + 1, extend_right(verb, child.right_edge.i)
    return None


def _noun_complement(noun: Token) -> tuple[str, int, int] | None:
    for child in noun.rights:
        if child.dep_ in {"acl", "ccomp", "relcl"}:
            marks = {c.lower_ for c in child.children if c.dep_ in {"mark", "aux"}}
            if "that" in marks or "to" in marks:
                return "noun-clause", child.left_edge.i, child.right_edge.i
        if child.dep_ == "prep" and child.lower_ in NOUN_PREPS and is_topic(child):
            return "noun-" + child.lower_, child.i + 1, child.right_edge.i
    return None


def _owner(noun: Token) -> Token | None:
    """Whose words a noun reports: its possessor ("Trump's claim") or a name before it
    ("a New York Times report")."""
    for child in noun.lefts:
        if child.dep_ == "poss":
            return child
    names = [c for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return names[-1] if names else None


def proposals(doc: Doc, occupied_cues: Collection[tuple[int, int]]) -> list[Proposal]:
    """Verbs and owned nouns with a complement, except those the rules already used as cues."""
    used = {start for start, _ in occupied_cues}
    found = []
    # only verbs and nouns can propose: the other words are passed over without a Token made
    for i, pos in enumerate(arrays_of(doc).pos):
        if pos not in {"VERB", "NOUN"}:
            continue
        token = doc[i]
        if pos == "VERB":
            if (
                token.tag_ == "VBN"
                and token.dep_ in {"advcl", "acl"}
                and not any(c.dep_ == "agent" for c in token.children)
            ):
                continue  # "Asked whether ..., Johnson said": the subject it hangs on was the one asked
            complement = _verb_complement(token)
            speaker = subject_of(token) if complement else None
        else:
            speaker = _owner(token)
            complement = _noun_complement(token) if speaker is not None else None
        if complement is None or cue_span(token)[0] in used or token.idx in used:
            continue
        relation, first, last = complement
        if last >= first:
            found.append(Proposal(token, relation, first, last, speaker))
    return found


def _running_counts(doc: Doc) -> tuple[list[int], list[int]]:
    """Words (not punctuation) and verbs before each token, counted once per document, so a
    proposal's length and whether it holds a verb cost two subtractions."""
    counts = doc.user_data.get("attribution_running_counts")
    if counts is None:
        table = doc.to_array([IS_PUNCT, POS])  # no Token objects: they are slow to make
        words = table[:, 0] == 0
        verbs = words & numpy.isin(table[:, 1], [VERB, AUX])
        counts = doc.user_data["attribution_running_counts"] = (
            [0, *numpy.cumsum(words).tolist()],
            [0, *numpy.cumsum(verbs).tolist()],
        )
    return counts


def _overlap(occupied: Collection[tuple[int, int]], start: int, end: int) -> int:
    """The most characters of [start, end) that one occupied span covers (0 when none does)."""
    best = 0
    for other_start, other_end in occupied:
        covered = (other_end if other_end < end else end) - (other_start if other_start > start else start)
        if covered > best:
            best = covered
    return best


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "3" if n <= 3 else "8" if n <= 8 else "20" if n <= 20 else "long"


def _speaker_kind(speaker: Token | None) -> str:
    """ "spk=PERSON", "spk=PRON", "spk=none": the entity type, else the part of speech."""
    return "spk=none" if speaker is None else "spk=" + (speaker.ent_type_ or speaker.pos_)


def _speaker_features(speaker: Token | None) -> list[str]:
    features = [_speaker_kind(speaker)]
    if speaker is not None and speaker.pos_ in {"PRON", "NOUN"}:
        features.append("spk_lemma=" + speaker.lemma_.lower())
    return features


def features(proposal: Proposal, occupied: Collection[tuple[int, int]]) -> list[str]:
    """The names of the features a proposal has; the model weighs each."""
    cue = proposal.cue
    doc = cue.doc
    arrays = arrays_of(doc)
    lemma, pos, dep = cue.lemma_.lower(), cue.pos_, cue.dep_
    relation = proposal.relation.split("-")[0] if proposal.relation.startswith("prep") else proposal.relation
    known = "cue" if lemma in cue_stances() else "attitude" if lemma in attitude_verbs() else "none"
    if pos == "NOUN" and lemma in cue_nouns():
        known = "noun"
    word_counts, verb_counts = _running_counts(doc)
    n_words = word_counts[proposal.last + 1] - word_counts[proposal.first]
    has_verb = verb_counts[proposal.last + 1] > verb_counts[proposal.first]
    content_start, content_end = arrays.starts[proposal.first], arrays.ends[proposal.last]
    share = _overlap(occupied, content_start, content_end) / max(1, content_end - content_start)
    sentence_start, sentence_end = arrays.sentence_bounds[arrays.sentence_of[cue.i]]
    sentence_text = doc_text(doc)[arrays.starts[sentence_start] : arrays.ends[sentence_end - 1]]
    quoted = any(mark in sentence_text for mark in ('"', "\u201c", "\u201d"))
    result = [
        "bias",
        "lemma=" + lemma,
        "rel=" + proposal.relation,
        "lemma_rel=" + lemma + "|" + relation,
        "known=" + known,
        "known_rel=" + known + "|" + relation,
        "pos=" + pos,
        "tag=" + cue.tag_,
        "dep=" + dep,
        "len=" + _bucket(n_words),
        "rel_len=" + relation + "|" + _bucket(n_words),
        "occupied=" + ("none" if share <= 0 else "inside" if share >= 0.9 else "part"),
        "content_verb=" + str(has_verb),
        "quoted_sentence=" + str(quoted),
        "first=" + doc[proposal.first].lower_,
    ]
    result += _speaker_features(proposal.speaker)
    spk = _speaker_kind(proposal.speaker)
    result.append("rel_spk=" + relation + "|" + spk)
    result.append("lemma_spk=" + lemma + "|" + spk)
    if proposal.speaker is not None:
        result.append("spk_dep=" + proposal.speaker.dep_)
        result.append("spk_near=" + str(abs(proposal.speaker.i - cue.i) <= 3))
    head = doc[proposal.first : proposal.last + 1].root
    if head.pos_ in {"NOUN", "PROPN"}:
        result.append("object=" + head.lemma_.lower())
    # (a word with one of these relations is never the root, so its head is another word)
    if dep in {"xcomp", "advcl", "conj", "pcomp", "ccomp"}:
        result.append("head_lemma=" + cue.head.lemma_.lower())
    marks = [c.lower_ for c in head.children if c.dep_ in {"mark", "aux"} and c.i < head.i]
    if marks:
        result.append("mark=" + marks[0])
    children = list(cue.children)
    if any(c.dep_ == "neg" for c in children):
        result.append("negated")
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in children):
        result.append("modal")
    if any(c.dep_ == "auxpass" for c in children):
        result.append("passive")
    return result


@dataclass(frozen=True)
class CueModel:
    weights: dict[str, float]
    threshold: float

    def probability(self, names: Iterable[str]) -> float:
        score = sum(map(self.weights.get, names, repeat(0.0)))  # a weight per name, 0 for names it lacks
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@lru_cache(maxsize=1)
def load_model() -> CueModel | None:
    """The shipped weights, or None when the file is absent (the pass is then off)."""
    path = resources.files("attribution").joinpath("data", MODEL_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return CueModel(weights=data["weights"], threshold=data["threshold"])


def learned_candidates(
    doc: Doc, occupied: Collection[tuple[int, int]], occupied_cues: Collection[tuple[int, int]]
) -> list[Candidate]:
    """'Clinton laid out her proposals to increase national service.' (learned-dobj): the
    proposals the model keeps, as candidates like the rules' (rule ``learned-<relation>``, one
    of ``LEARNED_RULES``) with the model's probability as their confidence."""
    model = load_model()
    if model is None:
        return []
    text = doc_text(doc)
    kept = []
    for proposal in proposals(doc, occupied_cues):
        speaker = proposal.speaker
        if speaker is not None and speaker.ent_type_ in PLACES:
            continue
        probability = model.probability(features(proposal, occupied))
        if probability < model.threshold:
            continue
        start, end = char_span(doc, proposal.first, proposal.last)
        if end <= start or (speaker is not None and start <= speaker.idx < end) or not text[start:end].strip():
            continue
        cue_start, cue_end = cue_span(proposal.cue)
        kept.append(
            Candidate(
                "learned-" + proposal.relation.split("-")[0],
                (start, end),
                (cue_start, cue_end),
                proposal.cue.lemma_.lower(),
                cue_stances().get(proposal.cue.lemma_.lower(), Stance.NEUTRAL),
                speaker,
                confidence=round(probability, 3),
            )
        )
    return kept
