"""Check-worthiness: flag what the reporter asserts in their own voice, and statements with
no resolved speaker, so a reviewer knows which claims nobody is credited for.

Unit of work. Each spaCy sentence is cut at line breaks (a sentence never spans paragraphs)
and has the ``excluded`` spans (page furniture: headline, headings, date line, dateline,
byline, credit lines, promo boxes, captions) cut out of it; the remaining pieces are judged
one by one, so a real claim that spaCy glued to a promo box or a date line still counts. A
caller that passes no ``excluded`` gets the furniture ``layout.read_layout`` finds: one
detector of furniture for extraction and claims alike.

Who credits a sentence. Only statements of the rules (not the learned pass's guesses:
"Lithuania granted X status" stays a claim to check) whose confidence is at least
``crediting_confidence`` (a statement the desk would not count credits nobody).

Attributed or not. A piece that overlaps a statement's content or cue is attributed when its
main clause is: the piece's syntactic root is a statement's cue ("X said ...") or lies inside
a statement's content ("..., according to X", a quotation); a root that is an active
reporting verb of the cue lexicon (``data/cues.json``), most often a frame the extractor did
not tie to the statement, is the feature "reporting verb" (without the scorer, not a claim;
a passive one, "were charged Tuesday with ...", is no frame). When the statement only fills
a subordinate clause ("Hundreds have crossed since X said in May that ...", "X has been the
staunchest critic, calling for ..."), the main clause is the reporter's own claim and only
it is flagged: the statement's content and its cue's clause are cut off where they open or close the piece (one in the
middle leaves the piece whole), the reasons come only from what is left, and the reason
"partly attributed" says so. A statement's ``sentence`` span alone never suppresses a
piece, because that span is the whole sentence even when the statement is only a clause of
it; a piece whose own words number fewer than ``min_words`` is never flagged. What is left is
no claim either when it is the speaker's own act of saying it: its subject is the statement's
speaker and its verb governs the cue ("Boudreau gave his players a pep talk Tuesday, saying
..."). A main verb that is the cue of a speech statement too weak to credit ("The White
House called the process a sham" at a low confidence) is still somebody's words: no claim.

Candidates. Every piece that may be the reporter's is a ``ClaimCandidate``: at least
``min_words`` words, not a question, a clause (a verb, and no colon at its end: list items,
labels and a list's lead-in are not claims), and not a named subject's view or forecast. Its
reasons (what a desk is shown) are the checkable cues found in it (number, money, date,
entity, causal link, comparison, legal status, ...) and the signs against (first person, a
modal of possibility, a hedge, quotation marks, a colon, a short sentence); its features add
the shape of its main clause (subject: a named person or body, a count, a pronoun, the
reporter; verb form: past, present, perfect, passive, future, modal, copula; the act of the
verb; negation; feeling or opinion words; an opening "But"), its length, where it stands (the
lead, a paragraph holding a statement) and the statements that credit nobody but overlap it.

Score. A logistic model over the named features (weights and threshold in
``data/claim-scorer.json``, made by ``bench/train-claims`` on the speech-convention train
split) gives the probability that an annotator marks the piece as a check-worthy sentence;
a piece at or above the file's threshold is flagged with that probability as its score.
Without the file, the noisy-OR of the reasons scores instead: each reason has the weight of
its kind (``weights`` in claims.json), the n-th reason of one kind counts ``weight *
repeat_decay ** (n - 1)``, each kind of sign against multiplies the score by ``1 - w``
once, and a piece with no checkable reason or below ``min_score`` is not a claim. An
unresolved statement scores the noisy-OR of the ``unresolved`` weight and the reasons found
in its content.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import repeat
from typing import TYPE_CHECKING

from ._parse_arrays import ParseArrays, arrays_of
from .acts import act_lexicon
from .layout import read_layout
from .lexicons import cue_nouns, cue_stances, data_json
from .models import Act, Claim, ClaimKind, Span, Stance, Statement
from .nlp import doc_text
from .reported import noun_holder

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "ClaimCandidate",
    "ClaimRules",
    "ClaimScorer",
    "claim_candidates",
    "claim_features",
    "claim_rules",
    "flag_claims",
    "load_claim_scorer",
    "score_reasons",
]

UNRESOLVED_REASON = "speaker unresolved"
PARTLY_ATTRIBUTED = "partly attributed"
LEARNED_RULE = "learned-"  # the learned pass's rules; only the other rules credit a sentence
_CLOSERS = "\"'\u201d\u2019)]\u00bb \t\r\n"


REPORTING_ROOT = "reporting verb"
NO_EVIDENCE = "no evidence"
SCORER_FILE = "claim-scorer.json"


@dataclass(frozen=True)
class ClaimCandidate:
    """One piece of a sentence that may be the reporter's claim, before it is scored: its
    span, the reasons a desk is shown, and the named features the claim scorer weighs."""

    span: Span
    reasons: tuple[str, ...]
    features: tuple[str, ...]


@dataclass(frozen=True)
class ClaimScorer:
    """The weights of ``data/claim-scorer.json`` (made by ``bench/train-claims``): a logistic
    model over a candidate's features, and the probability a claim needs to be flagged."""

    weights: dict[str, float]
    threshold: float

    def probability(self, features: Iterable[str]) -> float:
        score = sum(map(self.weights.get, features, repeat(0.0)))  # a weight per name, 0 for names it lacks
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@lru_cache(maxsize=1)
def load_claim_scorer() -> ClaimScorer | None:
    """The shipped claim scorer, or None without its file (the reasons' noisy-OR then scores)."""
    path = resources.files("attribution").joinpath("data", SCORER_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return ClaimScorer(weights={k: float(v) for k, v in data["weights"].items()}, threshold=float(data["threshold"]))


@dataclass(frozen=True)
class ClaimRules:
    """The lexicons and weights of ``data/claims.json``, parsed once."""

    min_words: int
    min_score: float
    repeat_decay: float
    weights: dict[str, float]
    entity_kinds: dict[str, str]
    numeric_labels: frozenset[str]
    weak_number_words: frozenset[str]
    comparison_tags: frozenset[str]
    comparative_tags: frozenset[str]
    comparison_words: frozenset[str]
    not_comparison: tuple[tuple[str, ...], ...]
    causal: tuple[tuple[str, ...], ...]
    legal: tuple[tuple[str, ...], ...]
    against: dict[str, float]
    person_words: frozenset[str]
    modal_words: frozenset[str]
    hedge_words: frozenset[str]
    short_words: int
    crediting_confidence: float
    view_verbs: frozenset[str]
    object_report_verbs: frozenset[str]
    opening_conjunctions: frozenset[str]
    contractions: frozenset[str]
    figure_kinds: frozenset[str]
    feeling_words: frozenset[str]
    opinion_words: frozenset[str]
    caption_words: frozenset[str]


@lru_cache(maxsize=1)
def claim_rules() -> ClaimRules:
    """Load ``data/claims.json``; weights and word lists live there, not in code."""
    data = data_json("claims.json")
    return ClaimRules(
        min_words=int(data["min_words"]),
        min_score=float(data["min_score"]),
        repeat_decay=float(data["repeat_decay"]),
        weights={k: float(v) for k, v in data["weights"].items()},
        entity_kinds=dict(data["entity_kinds"]),
        numeric_labels=frozenset(data["numeric_labels"]),
        weak_number_words=frozenset(data["weak_number_words"]),
        comparison_tags=frozenset(data["comparison_tags"]),
        comparative_tags=frozenset(data["comparative_tags"]),
        comparison_words=frozenset(data["comparison_words"]),
        # longest first, so "at least" wins over a one-word entry starting the same way
        not_comparison=tuple(sorted((tuple(p) for p in data["not_comparison"]), key=len, reverse=True)),
        causal=tuple(sorted((tuple(p) for p in data["causal"]), key=len, reverse=True)),
        legal=tuple(sorted((tuple(p) for p in data["legal"]), key=len, reverse=True)),
        against={k: float(v) for k, v in data["against"].items()},
        person_words=frozenset(data["person_words"]),
        modal_words=frozenset(data["modal_words"]),
        hedge_words=frozenset(data["hedge_words"]),
        short_words=int(data["short_words"]),
        crediting_confidence=float(data["crediting_confidence"]),
        view_verbs=frozenset(data["view_verbs"]),
        object_report_verbs=frozenset(data["object_report_verbs"]),
        opening_conjunctions=frozenset(data["opening_conjunctions"]),
        contractions=frozenset(data["contractions"]),
        figure_kinds=frozenset(data["figure_kinds"]),
        feeling_words=frozenset(data["feeling_words"]),
        opinion_words=frozenset(data["opinion_words"]),
        caption_words=frozenset(data["caption_words"]),
    )


def flag_claims(doc: Doc, statements: Sequence[Statement], excluded: Sequence[Span] | None = None) -> tuple[Claim, ...]:
    """Unattributed check-worthy sentences and unresolved statements of one parsed document,
    ordered by position. ``doc.text`` is the document text all spans point into; ``excluded``
    is its furniture (read from the text when not given)."""
    rules = claim_rules()
    scorer = load_claim_scorer()
    words = _Words.of(doc)
    claims: list[Claim] = []
    for candidate in _claim_candidates(words, statements, excluded):
        claim = _scored(candidate, scorer, rules)
        if claim is not None:
            claims.append(claim)
    for statement in _crediting(statements, rules):
        if statement.speaker is None:
            claims.append(_unresolved(words, statement, rules))
    return tuple(sorted(claims, key=lambda c: (c.span.start, c.span.end, str(c.kind))))


def claim_candidates(
    doc: Doc, statements: Sequence[Statement], excluded: Sequence[Span] | None = None
) -> tuple[ClaimCandidate, ...]:
    """Every piece of a sentence that may be the reporter's own claim, with its reasons and
    features, before any score: what ``flag_claims`` scores and ``bench/train-claims`` learns on."""
    return _claim_candidates(_Words.of(doc), statements, excluded)


def _claim_candidates(
    words: _Words, statements: Sequence[Statement], excluded: Sequence[Span] | None
) -> tuple[ClaimCandidate, ...]:
    doc = words.doc
    rules = claim_rules()
    text = doc_text(doc)
    if excluded is None:
        excluded = read_layout(text).not_claims
    crediting = _crediting(statements, rules)
    blocked = [(s.start, s.end) for s in excluded]
    # the rest: what the crediting test turns down (a statement equal to a crediting one passes it too)
    others = [s for s in statements if not _credits(s, rules)]
    setting = _Setting.of(text, blocked, crediting, others)
    spans = _statement_spans(crediting)
    candidates: list[ClaimCandidate] = []
    starts, ends = words.arrays.starts, words.arrays.ends
    for sentence in doc.sents:
        for start, end in _pieces(text, sentence.start_char, sentence.end_char, blocked):
            # the sentence's words lying wholly inside the piece: a run, found by their offsets
            first = bisect.bisect_left(starts, start, sentence.start, sentence.end)
            limit = bisect.bisect_right(ends, end, first, sentence.end)
            tokens = list(doc[first:limit])
            candidate = _candidate(words, tokens, start, end, spans, setting, rules)
            if candidate is not None:
                candidates.append(candidate)
    return tuple(candidates)


def _crediting(statements: Sequence[Statement], rules: ClaimRules) -> list[Statement]:
    """The statements that take words out of the reporter's voice. A guess of the learned pass
    ("Lithuania granted X status") does not: it stays a claim to check (told apart by rule, not
    by confidence alone: a calibrated confidence is below 1 for every statement, the rules'
    included); nor does a rule's statement the desk would not count ("the addition was
    announced | over the weekend")."""
    return [s for s in statements if _credits(s, rules)]


def _credits(statement: Statement, rules: ClaimRules) -> bool:
    return not statement.rule.startswith(LEARNED_RULE) and statement.confidence >= rules.crediting_confidence


def _scored(candidate: ClaimCandidate, scorer: ClaimScorer | None, rules: ClaimRules) -> Claim | None:
    """The claim a candidate makes, if it scores high enough: the model's probability and
    threshold, or without the weights file the noisy-OR of its reasons and ``min_score``
    (and then a piece with no checkable reason or a reporting frame is never one)."""
    if scorer is not None:
        score = round(scorer.probability(candidate.features), 3)
        return (
            Claim(ClaimKind.UNATTRIBUTED, candidate.span, score, candidate.reasons)
            if score >= scorer.threshold
            else None
        )
    if {NO_EVIDENCE, REPORTING_ROOT} & set(candidate.features):
        return None
    score = score_reasons(candidate.reasons, rules)
    return Claim(ClaimKind.UNATTRIBUTED, candidate.span, score, candidate.reasons) if score >= rules.min_score else None


def score_reasons(reasons: Iterable[str], rules: ClaimRules | None = None) -> float:
    """Noisy-OR of the reasons' kind weights, each repeat of a kind decayed, times ``1 - w``
    for each kind of sign against (counted once); see module doc."""
    rules = rules or claim_rules()
    seen: Counter[str] = Counter()
    miss = 1.0
    keep = 1.0
    for reason in reasons:
        kind = reason.split(":", 1)[0]
        if kind in rules.against:
            keep *= 1.0 - rules.against[kind] if not seen[kind] else 1.0
            seen[kind] += 1
            continue
        weight = rules.weights.get(kind, 0.0) * rules.repeat_decay ** seen[kind]
        seen[kind] += 1
        miss *= 1.0 - min(max(weight, 0.0), 1.0)
    return round((1.0 - miss) * keep, 3)


# --- pieces of sentences -------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _subtract(start: int, end: int, blocked: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [(start, end)]
    for b_start, b_end in blocked:
        next_pieces = []
        for p_start, p_end in pieces:
            if b_end <= p_start or b_start >= p_end:
                next_pieces.append((p_start, p_end))
                continue
            next_pieces += [(p_start, b_start)] if b_start > p_start else []
            next_pieces += [(b_end, p_end)] if b_end < p_end else []
        pieces = next_pieces
    return pieces


def _pieces(text: str, start: int, end: int, blocked: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of one sentence that may be the reporter's: line-split, exclusions cut out."""
    lines = []
    cursor = start
    for match in re.finditer(r"\n+", text[start:end]):
        lines.append((cursor, start + match.start()))
        cursor = start + match.end()
    lines.append((cursor, end))
    pieces = []
    for line in lines:
        for p_start, p_end in _subtract(*line, blocked):
            p_start, p_end = _trim(text, p_start, p_end)
            if p_end > p_start:
                pieces.append((p_start, p_end))
    return pieces


# --- attributed or not ---------------------------------------------------------------------


def _inside(token: Token, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(s <= token.idx and token.idx + len(token) <= e for s, e in ranges)


def _touches(token: Token, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(token.idx < e and s < token.idx + len(token) for s, e in ranges)


def _main_root(tokens: Sequence[Token]) -> Token:
    """The head of the piece's main clause: the sentence root if the piece holds it, else the
    first verb whose head lies outside the piece."""
    arrays = arrays_of(tokens[0].doc)
    heads, deps, pos = arrays.heads, arrays.deps, arrays.pos
    indices = {t.i for t in tokens}
    local = [t for t in tokens if heads[t.i] == t.i or heads[t.i] not in indices]
    for token in local:
        if deps[token.i] == "ROOT":
            return token
    verbs = [t for t in local if pos[t.i] in ("VERB", "AUX")]
    return (verbs or local or list(tokens))[0]


def _reporters_part(
    tokens: Sequence[Token], contents: Sequence[tuple[int, int]], cues: Sequence[tuple[int, int]]
) -> list[Token]:
    """What is left of a partly attributed piece for the reporter: the piece without the
    statements' contents and each cue's clause ("since X said in May that ...") where they
    open or close it, trimmed of punctuation at both ends. A desk then
    checks "Hundreds of people have crossed into Lithuania", not what Lukashenka said."""
    indices = {t.i for t in tokens}
    dropped: set[int] = set()
    for token in tokens:
        if _inside(token, contents):
            dropped.add(token.i)
        elif _touches(token, cues):
            # the cue's clause: the subtree of the cue word that heads it within the piece
            head = token
            while head.head.i in indices and head.head.i != head.i and _touches(head.head, cues):
                head = head.head
            dropped.update(t.i for t in head.subtree if t.i in indices)
    # only what is cut off at either end goes: a statement in the middle of the sentence
    # ("Stadia has 22 games (10 were announced last week), featuring ...") leaves it whole
    blank = arrays_of(tokens[0].doc).blank if tokens else []
    kept = [i for i, t in enumerate(tokens) if t.i not in dropped and not blank[t.i]]
    if not kept:
        return []
    last = kept[-1]
    if all(blank[t.i] for t in tokens[last + 1 :]):
        last = len(tokens) - 1  # the reporter's words run to the end: keep the full stop
    best = list(tokens[kept[0] : last + 1])
    while best and (best[0].is_punct or best[0].is_space or best[0].pos_ in ("CCONJ", "SCONJ")):
        best = best[1:]
    while best and (
        best[-1].is_space
        or best[-1].pos_ in ("CCONJ", "SCONJ", "ADP")
        or (best[-1].is_punct and best[-1].text not in _CLOSERS + ".!")
    ):
        best = best[:-1]
    return best


def _frames_content(root: Token, tokens: Sequence[Token], contents: Sequence[tuple[int, int]]) -> bool:
    """Is the main verb the frame of a statement whose cue the extractor did not record
    ('"We had $20 billion done," Mr. Trump recounted ...': the quotation is the verb's
    complement)? Then what is left is the frame, not a claim of the reporter's."""
    complements = [t for t in tokens if t.head.i == root.i and t.i != root.i and t.dep_ in ("ccomp", "parataxis")]
    return any(_inside(t, contents) for t in complements)


def _someones_view(root: Token, tokens: Sequence[Token], rules: ClaimRules) -> bool:
    """A main clause whose verb reports what its named subject says, thinks or forecasts
    ("Analysts expect the number to grow ...", "The budget office projects that ...") is that
    subject's claim, even when no statement was made of it (a desk counts only speech as
    statements): it is not the reporter's own claim either. Only a clause as complement
    counts, so "The president announced the deal" stays the reporter's report of an act.
    ``root`` is the piece's main verb (``_main_root``)."""
    if root.lemma_ not in cue_stances() and root.lemma_ not in rules.view_verbs:
        return False
    indices = {t.i for t in tokens}
    children = [c for c in root.children if c.i in indices]
    if any(c.dep_ == "neg" for c in children):
        return False  # "The companies have not disclosed how many ..." is the reporter's fact
    if root.tag_ in ("VBN", "VBG") and not any(c.dep_ in ("aux", "auxpass") for c in children):
        return False  # a bare participle as root is the parser's mistake, not a frame
    # an active subject ("X is believed to ..." is an agentless hedge, the reporter's to check)
    # and someone else's: "We found that ..." is the reporter's own finding
    not_subjects = ("it", "there", *rules.person_words)
    has_subject = any(c.dep_ == "nsubj" and c.lower_ not in not_subjects for c in children)
    # a belief or expectation may also take an infinitive ("Bridenstine expects to produce
    # three rockets"): the subject's forecast, not a fact
    complements = ("ccomp", "xcomp") if cue_stances().get(root.lemma_) == Stance.TENTATIVE else ("ccomp",)
    # and "McClatchy reported a loss of $304.7 million": a reporting verb whose object is
    # the figure reported is the subject's report (annotators count it as its statement)
    if root.lemma_ in rules.object_report_verbs:
        complements = (*complements, "dobj")
    return has_subject and any(c.dep_ in complements for c in children)


def _holds_a_view(root: Token, tokens: Sequence[Token]) -> bool:
    """'Experts are of the view that the market ...', 'Economists hold the view that ...': a
    main verb whose subject holds a belief noun with its "that" clause is that subject's view,
    whatever the confidence of the statement made of it."""
    thought_nouns = act_lexicon().thought_nouns
    for token in tokens:
        if token.lemma_.lower() not in thought_nouns or token.pos_ != "NOUN":
            continue
        holders = noun_holder(token)
        clause = any(c.dep_ == "acl" and any(m.lower_ == "that" for m in c.children) for c in token.children)
        if clause and holders and holders[0].head.i == root.i:
            return True
    return False


def _is_clause(tokens: Sequence[Token], piece: str) -> bool:
    """A piece with a verb (or a subject, when the tagger took the verb for a noun: "The
    program cost taxpayers ...") that does not end on a colon: a list item ("Tyvak
    Nano-Satellite Systems Inc., Irvine, California"), a label in capitals or a list's lead-in
    ("The newly selected five are:") is no claim."""
    if not tokens:
        return False
    arrays = arrays_of(tokens[0].doc)
    pos, deps = arrays.pos, arrays.deps
    verb = any(pos[t.i] in ("VERB", "AUX") or deps[t.i] in ("nsubj", "nsubjpass") for t in tokens)
    return verb and not piece.rstrip().endswith(":")


def _is_question(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith("?")


_Bounds = tuple[int, int, tuple[int, int] | None, tuple[int, int] | None]


def _statement_spans(statements: Sequence[Statement]) -> list[_Bounds]:
    """Each statement's content bounds, cue bounds and speaker mention bounds (None without
    one), read once per document rather than once per piece."""
    return [
        (
            s.content.start,
            s.content.end,
            (s.cue.start, s.cue.end) if s.cue is not None else None,
            (s.speaker_mention.start, s.speaker_mention.end) if s.speaker_mention is not None else None,
        )
        for s in statements
    ]


def _candidate(
    words_of: _Words,
    tokens: Sequence[Token],
    start: int,
    end: int,
    statements: Sequence[_Bounds],
    setting: _Setting,
    rules: ClaimRules,
) -> ClaimCandidate | None:
    """The candidate for one piece ``[start, end)`` whose tokens are ``tokens``, if it may be
    the reporter's claim at all: long enough, not a question, its main clause nobody's statement.
    ``statements`` are the crediting statements' spans (``_statement_spans``)."""
    text = doc_text(words_of.doc)
    blank, pos = words_of.arrays.blank, words_of.arrays.pos
    words = [t for t in tokens if not blank[t.i]]
    if len(words) < rules.min_words or _is_question(text[start:end]) or not _is_clause(tokens, text[start:end]):
        return None
    sentence_words = len(words)
    involved = [
        (c_start, c_end, cue, mention)
        for c_start, c_end, cue, mention in statements
        if (c_start < end and start < c_end) or (cue is not None and cue[0] < end and start < cue[1])
    ]
    contents = [(c_start, c_end) for c_start, c_end, _, _ in involved]
    cues = [cue for _, _, cue, _ in involved if cue is not None]
    root = _main_root(tokens)
    if _someones_view(root, tokens, rules) or _holds_a_view(root, tokens):
        return None
    if _touches(root, setting.uncounted_cues):
        # "The White House called the process a sham": the main verb is the cue of a speech
        # statement the desk does not count at its confidence; still somebody's words
        return None
    signs: list[str] = []
    if involved:
        if _inside(root, contents) or _touches(root, cues):
            return None  # the main clause is somebody's statement or its reporting frame
        if _frames_content(root, tokens, contents):
            return None
        if _reporting_root(root):
            signs.append(REPORTING_ROOT)
        tokens = _reporters_part(tokens, contents, cues)
        words = [t for t in tokens if not blank[t.i]]
        if len(words) < rules.min_words or not any(pos[t.i] in ("VERB", "AUX") for t in words):
            return None  # too little left, or only a phrase ("In a post at the time")
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        root = _main_root(tokens)
        subject = _subject(root, tokens)
        if subject is not None and _speakers_frame(root, subject, involved):
            return None
    reasons = _reasons(words_of, tokens, rules)
    if not reasons:
        signs.append(NO_EVIDENCE)
    reasons = (*reasons, *_signs_against(tokens, text[start:end], sentence_words, rules))
    if involved:
        reasons = (*reasons, PARTLY_ATTRIBUTED)
    subject = _subject(root, tokens)
    if subject is not None and setting.speakers and any(t.lower_ in setting.speakers for t in subject.subtree):
        signs.append("subject quoted elsewhere")  # what a speaker of the article does or feels
    signs.append("words=" + _length_bucket(sentence_words))  # the sentence's, before any part was cut off
    features = claim_features(tokens, root, text[start:end], reasons, (*signs, *setting.features(start, end)), rules)
    return ClaimCandidate(Span.of(text, start, end), reasons, features)


def _speakers_frame(root: Token, subject: Token, involved: Sequence[_Bounds]) -> bool:
    """Is what is left of a partly attributed piece the speaker's own act of saying it?
    ("Boudreau gave his players a pep talk Tuesday[, saying ...]"): its subject is the
    statement's speaker and its main verb governs the statement's cue, as a participle or an
    infinitive does, not as a second verb of the subject: in "McKinley visited the border and
    argued that ..." the visit is an act of its own, the reporter's to check."""
    if subject.dep_ == "nsubjpass":
        return False  # "were charged Tuesday with ..., stating ...": nobody speaks in a passive
    for _, _, cue, mention in involved:
        if cue is None or mention is None or not any(_touches(t, [mention]) for t in subject.subtree):
            continue
        token = _first_touching(root, cue)
        while token is not None and token.i != root.i and token.dep_ != "conj" and token.head.i != token.i:
            token = token.head
        if token is not None and token.i == root.i:
            return True
    return False


def _first_touching(root: Token, cue: tuple[int, int]) -> Token | None:
    """The first word of ``root``'s sentence that overlaps the characters ``cue``."""
    arrays = arrays_of(root.doc)
    sentence = root.sent
    i = max(bisect.bisect_right(arrays.ends, cue[0]), sentence.start)
    return root.doc[i] if i < sentence.end and arrays.starts[i] < cue[1] else None


def _reporting_root(root: Token) -> bool:
    """A main verb of the cue lexicon in a sentence that holds a statement ("X, who ..., said
    last week ...") is most often a reporting frame the extractor did not tie to the statement;
    not when it is passive ("were charged Tuesday with ..."): then nobody is speaking."""
    return root.lemma_ in cue_stances() and not any(c.dep_ in ("auxpass", "nsubjpass") for c in root.children)


def _unresolved(words: _Words, statement: Statement, rules: ClaimRules) -> Claim:
    span = statement.content
    inner = words.doc.char_span(span.start, span.end, alignment_mode="contract")
    found = _reasons(words, list(inner) if inner is not None else [], rules)
    score = score_reasons((f"unresolved: {UNRESOLVED_REASON}", *found), rules)
    return Claim(ClaimKind.UNRESOLVED, span, score, (UNRESOLVED_REASON,))


# --- features of a candidate ---------------------------------------------------------------


@dataclass(frozen=True)
class _Setting:
    """What the document around a piece holds: where each paragraph lies, which one opens the
    body (the lead: the first with any text outside the furniture), which hold a crediting
    statement, who speaks in the article, and the statements that credit nobody (the learned
    pass's guesses and those the desk would not count), which still say something of a piece."""

    bounds: list[tuple[int, int]]
    bound_starts: list[int]
    lead: int
    with_statement: frozenset[int]
    speakers: frozenset[str]
    uncredited: tuple[tuple[int, int, str], ...]
    uncounted_cues: tuple[tuple[int, int], ...]

    @classmethod
    def of(
        cls, text: str, blocked: Sequence[tuple[int, int]], crediting: Sequence[Statement], others: Sequence[Statement]
    ) -> _Setting:
        bounds = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
        lead = next((i for i, (s, e) in enumerate(bounds) if any(p[1] > p[0] for p in _subtract(s, e, blocked))), 0)
        held = {i for i, (s, e) in enumerate(bounds) for st in crediting if st.content.start < e and s < st.content.end}
        speakers = frozenset(
            s.speaker.name.split()[-1].lower() for s in crediting if s.speaker is not None and s.speaker.name.split()
        )
        kinds = tuple(
            (
                s.content.start,
                s.content.end,
                "learned statement" if s.rule.startswith(LEARNED_RULE) else "weak statement",
            )
            for s in others
        )
        cues = tuple((s.cue.start, s.cue.end) for s in others if s.cue is not None and s.act == Act.SPEECH)
        return cls(bounds, [s for s, _ in bounds], lead, frozenset(held), speakers, kinds, cues)

    def features(self, start: int, end: int) -> tuple[str, ...]:
        """The features of where the piece ``[start, end)`` stands in the text."""
        index = max(0, bisect.bisect_right(self.bound_starts, start) - 1)
        names = ["lead"] if index == self.lead else []
        if index < len(self.bounds) and not self.bounds[index][0] < start:
            names.append("opens its paragraph")
        if index in self.with_statement:
            names.append("beside a statement")
        names += sorted({kind for s, e, kind in self.uncredited if s < end and start < e})
        return tuple(names)


def claim_features(
    tokens: Sequence[Token],
    root: Token,
    piece: str,
    reasons: Sequence[str],
    context: Sequence[str],
    rules: ClaimRules,
) -> tuple[str, ...]:
    """The names of a candidate's features, which the claim scorer weighs: the kinds of its
    reasons (and whether one recurs), ``context`` (signs found while cutting it out, where it
    stands), and the shape of its main clause (``root``, from ``_main_root``): its length,
    subject, verb form, negation, an opening conjunction, brackets or dashes, contractions."""
    names = ["bias", *context]
    kinds = Counter(reason.split(":", 1)[0] for reason in reasons)
    for kind, count in sorted(kinds.items()):
        names.append("reason=" + kind)
        if count > 1 and kind in rules.weights:
            names.append("reason=" + kind + " x2")
    arrays = arrays_of(root.doc)
    lemmas, lowers, pos, deps = arrays.lemmas, arrays.lowers, arrays.pos, arrays.deps
    every = [t.i for t in tokens]
    words = [i for i in every if not arrays.blank[i]]
    if kinds.keys() & rules.figure_kinds:
        names.append("a figure")
    if kinds.keys() & rules.weights.keys() == {"entity"}:
        names.append("names only")
    if words:
        root_deps = {deps[c.i] for c in root.children}
        names.append("subject=" + _subject_kind(root, tokens, rules))
        names.append("verb=" + _verb_form(root, tokens))
        names.append("act=" + _verb_act(root))
        if "neg" in root_deps:
            names.append("negated")
        if lowers[words[0]] in rules.opening_conjunctions:
            names.append("opens with a conjunction")
        if any(lemmas[i] in rules.feeling_words or lowers[i] in rules.feeling_words for i in words):
            names.append("feeling")
        if any(lemmas[i] in rules.opinion_words or lowers[i] in rules.opinion_words for i in words):
            names.append("opinion")
        if any(pos[i] == "NOUN" and lemmas[i] in cue_nouns() for i in words):
            names.append("speech noun")
        if "acomp" in root_deps or pos[root.i] == "ADJ":
            names.append("predicate adjective")
        ent_types = arrays.ent_types
        names.append("adjectives=" + _count_bucket(sum(pos[i] == "ADJ" and not ent_types[i] for i in words)))
        names.append("adverbs=" + _count_bucket(sum(pos[i] == "ADV" and deps[i] != "neg" for i in words)))
    if "(" in piece or "\u2014" in piece or " - " in piece:
        names.append("aside")
    if any(lowers[i] in rules.contractions and arrays.tags[i] != "POS" for i in every):
        names.append("contraction")
    if not piece.rstrip(_CLOSERS).endswith((".", "!")) and PARTLY_ATTRIBUTED not in reasons:
        names.append("no full stop")  # a whole line with no sentence end: a title or a label
    if any(lemmas[i] in rules.caption_words for i in words):
        names.append("picture")
    return tuple(names)


def _count_bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2" if n == 2 else "3+"


def _verb_act(root: Token) -> str:
    """What the main verb does by the act lexicon: speaking ("asked them about the effect"),
    thinking, intending, perceiving, refusing ("declined to comment"); else "other"."""
    lexicon = act_lexicon()
    if root.lemma_ in lexicon.refusals:
        return "refusal"
    act = lexicon.lemmas.get(root.lemma_)
    return str(act) if act is not None else "other"


def _length_bucket(n: int) -> str:
    return "5-8" if n <= 8 else "9-15" if n <= 15 else "16-25" if n <= 25 else "26-40" if n <= 40 else "41+"


def _subject_kind(root: Token, tokens: Sequence[Token], rules: ClaimRules) -> str:
    """Who the main clause is about: a named person or body doing something checkable, a
    count ("14 people"), a pronoun, the reporter ("I", "we"), an empty "it" or "there"."""
    indices = {t.i for t in tokens}
    subject = _subject(root, tokens)
    if subject is None:
        return "none"
    if subject.lower_ in rules.person_words:
        return "first person"
    if subject.dep_ == "expl" or subject.lower_ in ("it", "there"):
        return "it or there"
    if subject.lower_ in ("this", "that", "these", "those"):
        return "demonstrative"
    if subject.pos_ == "PRON":
        return "pronoun"
    labels = {t.ent_type_ for t in subject.subtree if t.i in indices}
    if "PERSON" in labels:
        return "person"
    if labels & {"ORG", "GPE", "NORP", "FAC", "PRODUCT"}:
        return "named body"
    if any(t.like_num or t.ent_type_ in rules.numeric_labels for t in subject.subtree if t.i in indices):
        return "counted"
    return "noun"


def _subject(root: Token, tokens: Sequence[Token]) -> Token | None:
    """The main clause's subject within the piece, if any."""
    indices = {t.i for t in tokens}
    return next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i in indices), None)


def _verb_form(root: Token, tokens: Sequence[Token]) -> str:
    """The main verb's form: past events and present states read as facts, a future as a plan."""
    if root.pos_ not in ("VERB", "AUX"):
        return "none"
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in ("will", "wo", "'ll", "\u2019ll") for c in aux):
        return "future"
    if any(c.tag_ == "MD" for c in aux):
        return "modal"
    if any(c.dep_ == "auxpass" for c in aux) or any(c.dep_ == "nsubjpass" for c in root.children):
        return "passive"
    if root.lemma_ == "be":
        return "copula"
    if root.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux):
        return "past"
    if any(c.lemma_ == "have" for c in aux):
        return "perfect"
    return "present"


# --- signs against -------------------------------------------------------------------------


def _first_person(tokens: Sequence[Token], rules: ClaimRules) -> str | None:
    """'I', 'we', 'you': the reporter's own experience or a word to the reader ('we rate the
    statement', 'I changed my profile'), or a quotation nobody was credited for."""
    if not tokens:
        return None
    arrays = arrays_of(tokens[0].doc)
    tags, lowers = arrays.tags, arrays.lowers
    return next((t.text for t in tokens if tags[t.i] in ("PRP", "PRP$") and lowers[t.i] in rules.person_words), None)


def _speculative(tokens: Sequence[Token], rules: ClaimRules) -> str | None:
    """A modal of possibility ('could', 'might', 'would'): a forecast or a hypothesis, not a
    fact a desk can check today ('will' is not one: it states a plan)."""
    if not tokens:
        return None
    arrays = arrays_of(tokens[0].doc)
    tags, lowers = arrays.tags, arrays.lowers
    return next((t.text for t in tokens if tags[t.i] == "MD" and lowers[t.i] in rules.modal_words), None)


def _hedged(tokens: Sequence[Token], rules: ClaimRules) -> str | None:
    """A hedge or a judgement word ('perhaps', 'obviously', 'bizarre'): colour and opinion."""
    if not tokens:
        return None
    lowers = arrays_of(tokens[0].doc).lowers
    return next((t.text for t in tokens if lowers[t.i] in rules.hedge_words), None)


def _signs_against(tokens: Sequence[Token], piece: str, sentence_words: int, rules: ClaimRules) -> tuple[str, ...]:
    """What makes a sentence with checkable cues less likely the reporter's own checkable
    claim, as ``"kind: text"`` strings; each kind lowers the score by its ``against`` weight.
    ``sentence_words`` counts the whole piece, before an attributed part was cut off."""
    signs = []
    if (word := _first_person(tokens, rules)) is not None:
        signs.append(f"first person: {word}")
    if (word := _speculative(tokens, rules)) is not None:
        signs.append(f"modal: {word}")
    if (word := _hedged(tokens, rules)) is not None:
        signs.append(f"hedge: {word}")
    if any(mark in piece for mark in '"\u201c\u201d'):
        signs.append("quotation: someone's words, uncredited")  # scare quotes or a missed quote
    if ":" in piece:
        signs.append("colon: a set-up or a label")  # 'There was just one problem: ...'
    if sentence_words < rules.short_words:
        signs.append("short: a short sentence")
    return tuple(signs)


# --- reasons -------------------------------------------------------------------------------


@lru_cache(maxsize=8)
@lru_cache(maxsize=32)
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases grouped by their first word, so most tokens are ruled out by one lookup (made
    once per phrase list: the lists are the rules' and never change)."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        groups.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in groups.items()}


@dataclass(frozen=True)
class _Words:
    """Per-document lookups made once: ``Doc.ents`` walks the whole document on every
    access, and token attributes are slow to fetch one by one in the phrase matcher (they are
    read from the parse's arrays instead)."""

    doc: Doc
    arrays: ParseArrays
    lemmas: list[str]
    lowers: list[str]
    ents: tuple
    ent_starts: list[int]
    _positions: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Doc) -> _Words:
        ents = tuple(doc.ents)
        arrays = arrays_of(doc)
        return cls(doc, arrays, arrays.lemmas, arrays.lowers, ents, [e.start for e in ents])

    def reason_positions(self, rules: ClaimRules) -> list[int]:
        """The words, in order, that may give a reason outside an entity: a number, the first
        word of a causal, legal or non-comparison phrase, a comparison (found once per document)."""
        found = self._positions.get(id(rules))
        if found is None:
            starters = {phrase[0] for phrase in (*rules.causal, *rules.legal, *rules.not_comparison)}
            tags = rules.comparison_tags | rules.comparative_tags
            table = zip(self.arrays.like_num, self.lemmas, self.lowers, self.arrays.tags, strict=True)
            found = self._positions[id(rules)] = [
                i
                for i, (number, lemma, lower, tag) in enumerate(table)
                if number or lemma in starters or lower in starters or tag in tags or lower in rules.comparison_words
            ]
        return found

    def ents_between(self, first: int, limit: int) -> tuple:
        """Entities starting in tokens [first, limit) and ending by ``limit``."""
        lo = bisect.bisect_left(self.ent_starts, first)
        hi = bisect.bisect_left(self.ent_starts, limit)
        return tuple(e for e in self.ents[lo:hi] if e.end <= limit)

    def first_match(
        self,
        i: int,
        phrases: tuple[tuple[str, ...], ...],
        limit: int,
        by_first: dict[str, tuple[tuple[str, ...], ...]] | None = None,
    ) -> tuple[str, ...] | None:
        """The first of ``phrases`` (longest first) matching from token ``i`` on, if any;
        ``by_first`` is ``_by_first_word(phrases)`` when the caller has it at hand."""
        by_first = by_first if by_first is not None else _by_first_word(phrases)
        candidates = by_first.get(self.lemmas[i], ()) + by_first.get(self.lowers[i], ())
        if not candidates:
            return None
        return next((p for p in phrases if p in candidates and self.match_at(i, p, limit)), None)

    def match_at(self, i: int, phrase: tuple[str, ...], limit: int) -> bool:
        """Does ``phrase`` match the tokens from ``i`` on, by lemma or by lower-case form?"""
        if i + len(phrase) > limit:
            return False
        return all(self.lemmas[i + k] == word or self.lowers[i + k] == word for k, word in enumerate(phrase))


def _reasons(words: _Words, tokens: Sequence[Token], rules: ClaimRules) -> tuple[str, ...]:
    """Checkable cues among ``tokens``: entities, numbers, comparisons, causal links, legal
    status, as
    ``"kind: text"`` strings, strongest kind first, then by position."""
    if not tokens:
        return ()
    indices = {t.i for t in tokens}
    first, limit = min(indices), max(indices) + 1
    found: list[tuple[int, str, str]] = []  # (position, kind, text)
    in_entity: set[int] = set()
    in_numeric: set[int] = set()
    doc = words.doc
    for ent in words.ents_between(first, limit):
        if ent.start not in indices:
            continue
        in_entity.update(range(ent.start, ent.end))
        if ent.label_ in rules.numeric_labels:
            in_numeric.update(range(ent.start, ent.end))
        kind = rules.entity_kinds.get(ent.label_)
        if kind:
            found.append((ent.start, kind, ent.text))
    skip: set[int] = set()
    arrays = words.arrays
    lemmas, lowers, tags = words.lemmas, words.lowers, arrays.tags
    # the phrase lists grouped once per call; a word that starts none of them skips all three
    causal_phrases, legal_phrases, blocking_phrases = (
        _by_first_word(rules.causal),
        _by_first_word(rules.legal),
        _by_first_word(rules.not_comparison),
    )
    starters = causal_phrases.keys() | legal_phrases.keys() | blocking_phrases.keys()
    # the other words pass every test below without effect (the tokens come in text order)
    positions = words.reason_positions(rules)
    for i in positions[bisect.bisect_left(positions, first) : bisect.bisect_left(positions, limit)]:
        if i not in indices or i in skip:
            continue
        token = doc[i]
        if (
            i not in in_entity
            and arrays.like_num[i]
            and (
                any(c.isdigit() for c in token.text)
                or (arrays.pos[i] == "NUM" and lowers[i] not in rules.weak_number_words)
            )
        ):
            found.append((i, "number", token.text))
            continue
        starts_phrase = lemmas[i] in starters or lowers[i] in starters
        causal = words.first_match(i, rules.causal, limit, causal_phrases) if starts_phrase else None
        if causal is not None:
            found.append((i, "causal", doc[i : i + len(causal)].text))
            skip.update(range(i, i + len(causal)))
            continue
        # legal status ("was charged with", "pleaded guilty"): what a desk checks first
        legal = words.first_match(i, rules.legal, limit, legal_phrases) if starts_phrase else None
        if legal is not None:
            found.append((i, "legal", doc[i : i + len(legal)].text))
            skip.update(range(i, i + len(legal)))
            continue
        if i in in_numeric:
            continue
        blocked = words.first_match(i, rules.not_comparison, limit, blocking_phrases) if starts_phrase else None
        if blocked is not None:
            skip.update(range(i, i + len(blocked)))
            continue
        if tags[i] in rules.comparison_tags or lowers[i] in rules.comparison_words:
            found.append((i, "comparison", token.text))
        elif tags[i] in rules.comparative_tags:
            than = next((j for j in range(i + 1, min(i + 5, limit)) if j in indices and lowers[j] == "than"), None)
            if than is not None:
                found.append((i, "comparison", doc[i : than + 1].text))
                skip.update(range(i, than + 1))
    reasons: list[str] = []
    ordered = sorted(found, key=lambda f: (-rules.weights.get(f[1], 0.0), f[0]))
    for _, kind, value in ordered:
        reason = f"{kind}: {value}"
        if reason.lower() not in (r.lower() for r in reasons):
            reasons.append(reason)
    return tuple(reasons)
