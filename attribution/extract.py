"""Extraction of one document: a pure function from a Document (and its parse) to records.

Order of work: the page layout (date line, credit line, promo boxes) is read first; then the
rules run in the order of ``RULES``: the rules of the parse on every word
(``reported.TOKEN_RULES``), a reported statement that overlaps a quotation widened to hold it
whole and typed mixed or direct; the colon speakers of transcript lines and headlines; for each
quotation no statement holds, the first of ``QUOTE_RULES`` that credits it (its own sentence's
cue, a trailing dash credit, a colon introduction, else the continuation of the quote before
it); and last the learned pass over the verbs and nouns the rules left, which never overrides
a rule's statement.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Token

from . import EXTRACTOR_VERSION
from .acts import classify_act, cue_token, quotation_cue
from .claims import flag_claims
from .layout import Layout, read_layout
from .learned import LEARNED_RULES, learned_candidates
from .lexicons import cue_stances
from .models import Act, Claim, Document, Extraction, QuoteType, Span, Speaker, Stance, Statement
from .nlp import doc_text, load_pipeline, prepare_pipeline
from .quotes import QuotedSpan, classify, find_quoted_spans, quoted_mask
from .reported import (
    TOKEN_RULES,
    Candidate,
    cue_span,
    find_reported,
    name_after,
    noun_just_before,
    rule_words,
    subject_of,
)
from .scoring import score_statements
from .speakers import SpeakerResolver
from .timing import statement_time

MIN_QUOTE_WORDS = 4
MAX_CUE_DISTANCE = 60  # chars between a quotation and the cue that credits it
MAX_NAME_WORDS = 4  # words of a speaker's name between a quotation and a verb of manner
MAX_CREDIT_WORDS = 8  # words of a credit line of its own under a quotation ('- Bernie Sanders, Jan. 5')
MAX_SPLIT_GAP = 200  # chars of attribution between the two halves of a split quote
COLON_SPEAKER = re.compile(
    r"(?:^[\"\u201c]?|\s[-\u2013\u2014]\s)"  # a transcript line may open with a quotation mark
    r"(?P<name>[A-Z][\w.\u2019'&-]*(?:[ \t]+(?:[A-Z][\w.\u2019'&-]*|of|the|to|on|for|and|at)){0,5})"
    r"[ \t]*:[ \t]+(?=\S)",
    re.M,
)
NOT_SPEAKERS = rule_words("not_speakers")
DASH_CREDIT = re.compile(r"[ \t\u00a0]*(?:--|-|\u2014|\u2013|\u2015)[ \t\u00a0]*(?=[A-Z])")
WORD = re.compile(r"\w+")


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _clip_to_paragraph(text: str, draft: Candidate) -> Candidate:
    """A statement never runs past the paragraph its cue (or its first word) stands in."""
    anchor = draft.cue[0] if draft.cue else draft.content[0]
    start, end = _paragraph(text, anchor)
    if draft.content[1] <= start or draft.content[0] >= end:
        return draft
    clipped = (max(draft.content[0], start), min(draft.content[1], end))
    return draft if clipped == draft.content else replace(draft, content=clipped)


def _after_furniture(draft: Candidate, furniture: tuple[Span, ...]) -> Candidate:
    """What was said starts after a dateline or other page furniture it would begin in:
    "ROTTERDAM (Reuters) - Dock workers struck on Monday, union leaders said" reports the
    strike, not the place line the agency puts before every lead."""
    start, end = draft.content
    for span in furniture:
        if span.start <= start < span.end < end:
            return replace(draft, content=(span.end, end))
    return draft


def _merge_split_quotes(text: str, drafts: list[Candidate], quotes: list[QuotedSpan]) -> list[Candidate]:
    """'"A," she said, "B."' is one statement: join a quote credited by a cue that follows it
    with the quote that resumes right after that cue, in the same paragraph."""
    by_end = {q.end: q for q in quotes}
    quote_starts = [q.start for q in quotes]
    merged = list(drafts)
    position_of = {d.content: i for i, d in enumerate(drafts)}
    cue_starts = sorted(d.cue[0] for d in drafts if d.cue is not None)
    removed: set[int] = set()
    for index, draft in enumerate(drafts):
        if index in removed or draft.cue is None or draft.cue[0] < draft.content[1]:
            continue
        if draft.content[1] not in by_end:
            continue  # the content must end with a quotation ('"A," she said' or 'X is "A," she said')
        gap_end = draft.cue[1]
        position = bisect.bisect_left(quote_starts, gap_end)
        following = quotes[position] if position < len(quotes) else None
        if following is None or following.start - draft.content[1] > MAX_SPLIT_GAP:
            continue
        gap = text[draft.content[1] : following.start]
        if "\n" in gap or any(mark in gap for mark in '"\u201c\u201d'):
            continue
        later_cue = bisect.bisect_left(cue_starts, gap_end)
        if later_cue < len(cue_starts) and cue_starts[later_cue] < following.start:
            continue  # '"A," X said, adding of Y, "B."': the second half has a cue of its own
        other = position_of.get((following.start, following.end))
        if other is not None and merged[other].cue is not None and merged[other].cue != draft.cue:
            continue
        if other is not None:
            removed.add(other)
        pieces = (draft.content, (following.start, following.end))
        merged[index] = replace(draft, fragments=pieces, content=(draft.content[0], following.end))
    return [d for i, d in enumerate(merged) if i not in removed]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside_any(span: tuple[int, int], spans: Iterable[Span]) -> bool:
    return any(s.start <= span[0] and span[1] <= s.end for s in spans)


class _Coverage:
    """Is a span inside any of these spans? Sorted starts and a running maximum end."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.max_end: list[int] = []
        for _, end in ordered:
            self.max_end.append(max(end, self.max_end[-1]) if self.max_end else end)

    def contains(self, span: tuple[int, int]) -> bool:
        i = bisect.bisect_right(self.starts, span[0]) - 1
        return i >= 0 and self.max_end[i] >= span[1]


class _Sentences:
    """Char offset -> sentence bounds, for sentence spans and neighbour lookups."""

    def __init__(self, doc: Doc) -> None:
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents]
        self.starts = [b[0] for b in self.bounds]

    def index(self, offset: int) -> int:
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def covering(self, start: int, end: int) -> tuple[int, int]:
        first = self.bounds[self.index(start)]
        last = self.bounds[self.index(max(start, end - 1))]
        return first[0], last[1]


def _widen_to_quotes(
    text: str,
    content: tuple[int, int],
    cue: tuple[int, int] | None,
    quotes: list[QuotedSpan],
    quote_ends: list[int],
) -> tuple[int, int]:
    """Widen a content to hold whole every quotation it overlaps (quotes are sorted and
    disjoint, so their ends are sorted too)."""
    start, end = content
    for quote in quotes[bisect.bisect_right(quote_ends, start) :]:
        if quote.start >= end:
            break
        if _overlaps((start, end), (quote.start, quote.end)):
            if cue is not None and _overlaps((quote.start, quote.end), cue):
                continue
            start, end = min(start, quote.start), max(end, quote.end)
            tail = text[quote.end : end].strip()
            if cue is not None and end <= cue[0] and quote.start <= start and tail.isalpha():
                # '“...,” Tulsa police Chief X said': a word the parser hung on the quotation
                # between it and its speaker belongs to the speaker's phrase, not the content
                end = quote.end
    return start, end


def text_before_is_intro(text: str, previous_end: int, quote_start: int) -> bool:
    """The previous sentence ends with a comma or colon right before the quotation."""
    head = text[:quote_start].rstrip()
    return len(head) >= previous_end - 2 and head.endswith((",", ":")) and "\n" not in text[previous_end:quote_start]


def _starts_sentence(text: str, sentences: _Sentences, offset: int) -> bool:
    sentence_start = sentences.bounds[sentences.index(offset)][0]
    paragraph_start = _paragraph(text, offset)[0]
    return not text[max(sentence_start, paragraph_start) : offset].strip(" \t(\u2014\u2013-")


def _word_count(text: str) -> int:
    return len(WORD.findall(text))


def colon_speaker(doc: Doc, text: str, blocked: tuple[Span, ...]) -> list[Candidate]:
    """'Lynch: No outside influence on FBI probe' and the transcript line 'TAPPER: Do you think
    the election was rigged against you?': a name before a colon opening a line (or after a
    dash) speaks the rest of the line, unless the name labels a part of the page
    (data/rules.json "not_speakers": 'Photo:', 'Note:', 'Q:', 'The Latest:') or the line is under
    three words."""
    drafts = []
    for match in COLON_SPEAKER.finditer(text):
        name = match.group("name")
        words = name.split()
        label = words[0].lower().strip(".'\u2019s")
        if any(ch.isdigit() for ch in name) or label in NOT_SPEAKERS or name.lower() in NOT_SPEAKERS:
            continue
        if words[-1].lower() in {"the", "of", "to", "on", "for", "and", "at"}:
            continue
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        content = (match.end(), line_end)
        while content[1] > content[0] and text[content[1] - 1].isspace():
            content = (content[0], content[1] - 1)
        if _word_count(text[content[0] : content[1]]) < 3 or _inside_any(content, blocked):
            continue
        if _inside_any((match.start("name"), match.end("name")), blocked):
            continue  # 'NEW DELHI: Their American dream ...': the label is the dateline
        name_span = doc.char_span(match.start("name"), match.end("name"), alignment_mode="expand")
        if name_span is None:
            continue
        entities = [e for e in name_span.ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP"}]
        head = entities[0].root if entities else name_span[0]
        if not entities:
            # the head noun of the first chunk: "Clinton camp", "News Guide"
            for token in name_span:
                if token.lower_ in {"to", "on", "for", "at", "of"}:
                    break
                head = token
        colon = match.end() - 1
        while text[colon] != ":":
            colon -= 1
        drafts.append(Candidate("colon-speaker", content, (colon, colon + 1), None, Stance.NEUTRAL, head))
    return drafts


@dataclass(frozen=True)
class Quotations:
    """What the quotation rules read: the parse, its quotations (sorted, disjoint) and their
    mask, the sentences, and the cues the statements found before them already use."""

    doc: Doc
    text: str
    quotes: tuple[QuotedSpan, ...]
    mask: bytearray
    sentences: _Sentences
    used_cues: frozenset[tuple[int, int]]


def _resumes(page: Quotations, index: int) -> bool:
    """News style: a quotation left open at the end of its paragraph resumes in the next
    quotation, at most two line breaks on, whatever cue stands near the next one."""
    if not index:
        return False
    previous, quote = page.quotes[index - 1], page.quotes[index]
    return previous.open_end and page.text.count("\n", previous.end, quote.start) <= 2


# The quotation rules. Each takes a quotation no statement holds yet (by its index) and returns
# None when it does not credit it (the next rule is tried), else its statements: an empty tuple
# when the rule takes the quotation but makes no statement of it.


def quote_cue(page: Quotations, index: int) -> tuple[Candidate, ...] | None:
    """'“How many more storms do we have to see?” Hochul said.', where the parser does not make
    the quotation the verb's complement: the reporting verb nearest the quotation in its own
    sentence (or the one just before or after, within 60 characters), outside every quotation
    and not yet used, whose subject is the speaker. A one-word quotation ('“Absurd,” he said')
    is a word quoted, not a statement."""
    if _resumes(page, index):
        return None
    doc, quote, sentences, mask = page.doc, page.quotes[index], page.sentences, page.mask
    stances = cue_stances()
    sent_start, sent_end = sentences.covering(quote.start, quote.end)
    # "He says, “...”": the cue may stand in a "sentence" of its own just before the quote
    before = sentences.index(quote.start)
    if before > 0 and text_before_is_intro(page.text, sentences.bounds[before - 1][1], quote.start):
        sent_start = sentences.bounds[before - 1][0]
    # a cue right after the quote may sit in the next "sentence" when the parser split there
    after = sentences.index(quote.end)
    if after + 1 < len(sentences.bounds) and sentences.bounds[after][1] <= quote.end + 2:
        sent_end = max(sent_end, sentences.bounds[after + 1][1])
    paragraph = _paragraph(page.text, quote.start)
    sent_start, sent_end = max(sent_start, paragraph[0]), min(sent_end, max(paragraph[1], quote.end))
    # only cues near the quotation can credit it; bounding the window keeps dense text linear
    sent_start = max(sent_start, quote.start - 4 * MAX_CUE_DISTANCE)
    sent_end = min(sent_end, quote.end + 4 * MAX_CUE_DISTANCE)
    best = None
    for token in doc.char_span(sent_start, sent_end, alignment_mode="expand") or []:
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        if token.lemma_.lower() not in stances and not _manner_cue_near(token, quote, page.text):
            continue
        if mask[token.idx] or cue_span(token) in page.used_cues:
            continue
        subject = subject_of(token)
        if subject is None or mask[subject.idx]:
            # '“...,” Tulsa police Chief Chuck Jordan said' misparsed: the name right before the cue
            subject = noun_just_before(token)
            if subject is not None and mask[subject.idx]:
                subject = None
        if subject is None and 0 <= token.idx - quote.end <= 2:
            subject = _name_inverted_after(token)
        distance = min(abs(token.idx - quote.end), abs(token.idx - quote.start))
        if subject is not None and quote.end <= subject.left_edge.idx < token.idx:
            # '“...?” He Jianxiong, the former executive director for China at the IMF, said':
            # a speaker named right after the quotation credits it however long the apposition
            distance = min(distance, subject.left_edge.idx - quote.end)
        if best is None or distance < best[0]:
            best = (distance, token, subject)
    if best is None or best[0] > MAX_CUE_DISTANCE:
        return None
    _, token, subject = best
    if subject is None:
        return None
    if _word_count(page.text[quote.start : quote.end]) < 2:
        return ()
    lemma = token.lemma_.lower()
    stance = stances.get(lemma, Stance.NEUTRAL)
    return (Candidate("quote-cue", (quote.start, quote.end), cue_span(token), lemma, stance, subject),)


def _name_inverted_after(verb: Token) -> Token | None:
    """'“... and who?” reacted Trump.' misparsed (the name as the verb's object): in the
    inverted credit right after a quotation, the name that follows the verb."""
    name = name_after(verb)
    return name if name is not None and name.ent_type_ in {"PERSON", "ORG"} else None


def _manner_cue_near(verb: Token, quote: QuotedSpan, text: str) -> bool:
    """'“Go back to Univision,” Trump barked', 'chanting “U-S-A! U-S-A!”': a verb of speaking
    in a manner credits the quotation it follows closely (no more than a short name between
    them) or that follows it at once, though it introduces nothing else."""
    if not quotation_cue(verb):
        return False
    verb_end = verb.idx + len(verb.text)
    if verb_end <= quote.start:
        return quote.start - verb_end <= 3 and not text[verb_end : quote.start].strip(" ,:")
    if not quote.end <= verb.idx <= quote.end + MAX_CUE_DISTANCE:
        return False
    gap = verb.doc.char_span(quote.end, verb.idx, alignment_mode="expand") or ()
    return sum(1 for token in gap if not token.is_punct and not token.is_space) <= MAX_NAME_WORDS


def quote_dash_credit(page: Quotations, index: int) -> tuple[Candidate, ...] | None:
    """'“We have to act now to protect the coast.” -Commissioner Frans Timmermans': a name after
    a dash closing the quotation's line is its speaker."""
    if _resumes(page, index):
        return None
    doc, text, quote = page.doc, page.text, page.quotes[index]
    line_end = text.find("\n", quote.end)
    line_end = len(text) if line_end < 0 else line_end
    match = DASH_CREDIT.match(text, quote.end, line_end)
    own_line = match is None
    if own_line:
        match, line_end = _credit_line_after(text, quote.end, line_end)
    if not match:
        return None
    span = doc.char_span(match.end(), line_end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    if any(t.pos_ in {"VERB", "AUX"} for t in span):
        return None  # 'in his book “Musicophilia” — Steenburgen wasn’t thrilled': a clause goes on, no credit
    named = [t for t in span if t.ent_type_ in {"PERSON", "ORG"}]
    if own_line and not named and span[0].pos_ != "PROPN":
        return None  # '– An immigrant himself –': a heading of its own, not a credit
    heads = named or [span.root]
    head = heads[-1] if heads[-1].ent_type_ else span.root
    return (Candidate("quote-dash-credit", (quote.start, quote.end), None, None, Stance.NEUTRAL, head),)


def _credit_line_after(text: str, quote_end: int, line_end: int) -> tuple[re.Match[str] | None, int]:
    """'"... pay zero taxes."' then a line of its own, '- Sanders.' (fact-check style): a short
    dash credit on the next line credits a quotation that ends its own line."""
    if text[quote_end:line_end].strip(" .,\u00a0") or line_end >= len(text):
        return None, line_end
    start = line_end
    while start < len(text) and text[start] in "\n \t\u00a0":
        start += 1
    if text.count("\n", line_end, start) > 2:
        return None, line_end
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    match = DASH_CREDIT.match(text, start, end)
    if match is None or len(WORD.findall(text[match.end() : end])) > MAX_CREDIT_WORDS:
        return None, line_end
    return match, end


def quote_colon(page: Quotations, index: int) -> tuple[Candidate, ...] | None:
    """'The president was blunt: “We will not pay for this wall, not now, not ever.”': the
    sentence ending in a colon right before the quotation introduces it; its last reporting
    verb with a subject gives the speaker, else the last person or organisation named before
    the colon ('Here's Clinton:'), else the sentence's first subject."""
    if _resumes(page, index):
        return None
    doc, text, quote = page.doc, page.text, page.quotes[index]
    before = text[: quote.start].rstrip()
    if not before.endswith(":"):
        return None
    colon = len(before) - 1
    token_span = doc.char_span(colon, colon + 1, alignment_mode="expand")
    if token_span is None:
        return None
    sentence = token_span[0].sent
    stances = cue_stances()
    span = (quote.start, quote.end)
    for token in reversed(list(sentence)):
        if token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in stances:
            subject = subject_of(token)
            if subject is not None:
                lemma = token.lemma_.lower()
                return (Candidate("quote-colon", span, cue_span(token), lemma, stances[lemma], subject),)
    # no reporting verb: "... doesn't surprise pollster Daron Shaw: “...”", "Here's Clinton:"
    people = [
        e for e in sentence.ents if e.label_ in {"PERSON", "ORG"} and e.end_char <= colon and not _not_the_voice(e.root)
    ]
    if people:
        return (Candidate("quote-colon", span, (colon, colon + 1), None, Stance.NEUTRAL, people[-1].root),)
    subjects = [t for t in sentence if t.dep_ in {"nsubj", "nsubjpass"} and t.idx < colon]
    # a subordinate clause's subject last ("In the hours after 14 people were killed, a familiar
    # voice celebrated the attacks on Twitter:")
    subjects.sort(key=lambda t: any(c.dep_ == "mark" for c in t.head.children))
    if subjects:
        return (Candidate("quote-colon", span, (colon, colon + 1), None, Stance.NEUTRAL, subjects[0]),)
    return None


def _not_the_voice(name: Token) -> bool:
    """'McConnell delivered a blunt message to Trump:': the one a message goes to, or is
    about, does not speak it; nor does a name that only modifies a noun ('The Clinton
    campaign ... worded it carefully:' is the campaign)."""
    if name.dep_ == "compound" and name.head.pos_ in {"NOUN", "PROPN"}:
        return True
    return name.dep_ == "pobj" and name.head.lower_ in rule_words("addressee_preps")


def quote_continuation(page: Quotations, index: int) -> tuple[Candidate, ...] | None:
    """'“We are ready for the storm,” Governor Kathy Hochul said.  “Every shelter in the state is
    open tonight, and the buses are running.  “Please stay home.”' (three paragraphs, the second
    quotation left open): a quotation that resumes one left open at the end of the paragraph
    before, and a quotation of four words or more opening a sentence that no other rule
    credits, go on from the quotation before (its speaker is found when the statements are
    finished). A shorter quotation, or one inside the reporter's sentence (a title, a scare
    quote), is no statement."""
    quote = page.quotes[index]
    span = (quote.start, quote.end)
    if not _resumes(page, index):
        if _word_count(page.text[quote.start : quote.end]) < MIN_QUOTE_WORDS:
            return ()
        if not _starts_sentence(page.text, page.sentences, quote.start):
            return ()
    return (Candidate("quote-continuation", span, None, None, Stance.NEUTRAL, None),)


QuoteRule = Callable[[Quotations, int], "tuple[Candidate, ...] | None"]

# The quotation rules in the order they are tried on each quotation no statement holds: its
# own sentence's cue, a dash credit after it, a colon introduction before it, and last the
# continuation, which takes every quotation the others leave (the credits yield to a quotation
# that resumes an open one).
QUOTE_RULES: tuple[tuple[str, QuoteRule], ...] = (
    ("quote-cue", quote_cue),
    ("quote-dash-credit", quote_dash_credit),
    ("quote-colon", quote_colon),
    ("quote-continuation", quote_continuation),
)

# Every rule a statement can record, by its id, in the order an extraction runs them: the rules
# of the parse (reported.py), the colon speakers of transcript lines and headlines, the
# quotation rules, and the learned pass over what the rules left (one id per relation).
RULES: dict[str, Callable[..., object]] = {
    **dict(TOKEN_RULES),
    "colon-speaker": colon_speaker,
    **dict(QUOTE_RULES),
    **dict.fromkeys(LEARNED_RULES, learned_candidates),
}


def build_extraction(document: Document, doc: Doc, layout: Layout | None = None) -> Extraction:
    """Statements of one parsed text. ``doc.text`` is ``document.text`` or its masked copy
    (same length); spans are sliced from ``doc.text`` and re-sliced by the caller."""
    text = doc_text(doc)
    layout = layout or read_layout(text)
    sentences = _Sentences(doc)
    quotes, mask, drafts = rule_drafts(doc, layout, sentences)
    guesses = learned_candidates(doc, [d.content for d in drafts], {d.cue for d in drafts if d.cue})
    for guess in _candidate_drafts(text, guesses, layout.not_statements, mask, quotes):
        drafts.append(_after_furniture(_clip_to_paragraph(text, guess), layout.not_statements))
    drafts.sort(key=lambda d: (d.content[0], -d.content[1]))
    drafts = _dedupe(drafts)  # a guess never repeats what the rules found
    resolver = SpeakerResolver(doc)
    published = document.published or layout.published
    statements: list[Statement] = []
    for draft in drafts:
        statements.append(_finish(draft, doc, text, mask, sentences, resolver, statements, published))
    statements = score_statements(_nested_reports(_drop_restatements(_quoted_headings(statements, layout.headings))))
    return Extraction(
        document=document,
        statements=tuple(statements),
        claims=flag_claims(doc, statements, layout.not_claims),
        agencies=layout.agencies,
        published=published,
        excluded=layout.not_claims,
        extractor_version=EXTRACTOR_VERSION,
    )


def _quoted_headings(statements: list[Statement], headings: tuple[Span, ...]) -> list[Statement]:
    """A quotation standing alone as a heading ('3. "Not some irregular channel"', '"We write
    with urgency"' above the letter it heads) labels what follows; with no cue of its own it is
    not a statement a desk reviews (the broad listing keeps it)."""
    if not headings:
        return statements
    return [
        replace(s, act=Act.OTHER)
        if s.rule == "quote-continuation" and _inside_any((s.content.start, s.content.end), headings)
        else s
        for s in statements
    ]


def rule_drafts(doc: Doc, layout: Layout, sentences: _Sentences) -> tuple[list[QuotedSpan], bytearray, list[Candidate]]:
    """The quotations of a parsed text, their mask, and the statements the rules find
    (before speakers are resolved); the learned pass adds to these, never overrides them."""
    text = doc_text(doc)
    blocked = layout.not_statements
    quotes = [q for q in find_quoted_spans(text) if not _inside_any((q.start, q.end), blocked)]
    mask = quoted_mask(text, quotes)
    drafts = _candidate_drafts(text, find_reported(doc), blocked, mask, quotes)
    drafts.extend(colon_speaker(doc, text, blocked))
    drafts.sort(key=lambda d: (d.content[0], -d.content[1]))
    drafts = _merge_split_quotes(text, drafts, quotes)
    covered = _Coverage(d.content for d in drafts)
    used_cues = frozenset(d.cue for d in drafts if d.cue is not None)
    page = Quotations(doc, text, tuple(quotes), mask, sentences, used_cues)
    for index, quote in enumerate(quotes):
        if covered.contains((quote.start, quote.end)):
            continue  # a statement holds it already
        for _, rule in QUOTE_RULES:
            made = rule(page, index)
            if made is not None:
                drafts.extend(made)
                break
    drafts = [_after_furniture(_clip_to_paragraph(text, draft), blocked) for draft in drafts]
    drafts.sort(key=lambda d: (d.content[0], -d.content[1]))
    return quotes, mask, _merge_split_quotes(text, _dedupe(drafts), quotes)


def _candidate_drafts(
    text: str, candidates: list[Candidate], blocked: tuple[Span, ...], mask: bytearray, quotes: list[QuotedSpan]
) -> list[Candidate]:
    """Drafts of the candidates whose cue is neither in page furniture nor inside a quotation
    (there it is the speaker's own words reporting: part of the quote, not a statement)."""
    quote_ends = [q.end for q in quotes]
    return [
        _from_candidate(text, candidate, quotes, quote_ends)
        for candidate in candidates
        if candidate.cue is not None and not _inside_any(candidate.cue, blocked) and not mask[candidate.cue[0]]
    ]


def _from_candidate(text: str, candidate: Candidate, quotes: list[QuotedSpan], quote_ends: list[int]) -> Candidate:
    """The candidate with its content widened to hold whole every quotation it overlaps."""
    content = _widen_to_quotes(text, candidate.content, candidate.cue, quotes, quote_ends)
    return candidate if content == candidate.content else replace(candidate, content=content)


def _dedupe(drafts: list[Candidate]) -> list[Candidate]:
    """One statement per content span; the same cue never yields two statements."""
    seen_content: set[tuple[int, int]] = set()
    seen_cue: set[tuple[int, int]] = set()
    kept = []
    for draft in drafts:
        if draft.content in seen_content:
            continue
        if draft.cue is not None and draft.cue in seen_cue:
            continue
        seen_content.add(draft.content)
        if draft.cue is not None:
            seen_cue.add(draft.cue)
        kept.append(draft)
    return kept


def _finish(
    draft: Candidate,
    doc: Doc,
    text: str,
    mask: bytearray,
    sentences: _Sentences,
    resolver: SpeakerResolver,
    earlier: list[Statement],
    published: str | None = None,
) -> Statement:
    start, end = draft.content
    if draft.rule == "quote-continuation":
        previous = next((s for s in reversed(earlier) if s.content.end <= start), None)
        near = (
            previous is not None
            and text.count("\n\n", previous.content.end, start) <= 1
            and (previous.type != QuoteType.INDIRECT or previous.content.end >= start - 300)
        )
        if near and previous is not None:
            speaker, mention, why = previous.speaker, previous.speaker_mention, "continues the quote before"
        else:
            speaker, mention, why = None, None, "no speaker found"
    else:
        resolution = resolver.resolve(draft.speaker_head)
        if draft.speaker_head is None and draft.cue is not None:
            resolution = resolver.resolve_after_cue(*draft.cue)
        speaker, mention, why = resolution.speaker, resolution.mention, resolution.why
    cue = Span.of(text, *draft.cue) if draft.cue else None
    bounds = [start, end] + ([draft.cue[0], draft.cue[1]] if draft.cue else [])
    sentence_start, sentence_end = sentences.covering(min(bounds), max(bounds))
    paragraph = _paragraph(text, min(bounds))
    sentence_start = max(sentence_start, paragraph[0])
    sentence_end = min(sentence_end, max(paragraph[1], end))
    while sentence_end > sentence_start and text[sentence_end - 1].isspace():
        sentence_end -= 1
    sentence = Span.of(text, sentence_start, sentence_end)
    fragments = draft.fragments
    pieces = fragments or ((start, end),)
    types = {classify(mask, text, *piece) for piece in pieces}
    quote_type = types.pop() if len(types) == 1 else "mixed"
    subject = draft.speaker_head if draft.rule != "quote-continuation" else None
    content_tokens = doc.char_span(start, end, alignment_mode="expand")
    verb = cue_token(doc, draft.cue, draft.lemma)
    act, _ = classify_act(draft.rule, verb, subject, content_tokens, quoted=quote_type == "direct")
    broad = (start, end)
    if quote_type != "direct":
        start, end = reported_clause(text, *what_was_said(doc, draft, verb, start, end))
        fragments = _within(fragments, start, end)
    return Statement(
        type=QuoteType(quote_type),
        content=Span.of(text, start, end),
        sentence=sentence,
        rule=draft.rule,
        cue=cue,
        stance=draft.stance,
        speaker=speaker,
        speaker_mention=mention,
        resolution=why,
        confidence=draft.confidence,
        fragments=tuple(Span.of(text, *f) for f in fragments),
        act=act,
        broad_content=Span.of(text, *broad) if broad != (start, end) else None,
        cue_lemma=draft.lemma,
        time=statement_time(doc, verb, published),
    )


def _within(fragments: tuple[tuple[int, int], ...], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The pieces of a statement whose content was trimmed to [start, end): the first piece
    starts at ``start`` and the last ends by ``end``."""
    if not fragments:
        return fragments
    pieces = [list(piece) for piece in fragments]
    pieces[0][0] = start
    pieces[0][1] = max(start, pieces[0][1])
    pieces[-1][1] = max(pieces[-1][0], min(pieces[-1][1], end))
    return tuple((a, b) for a, b in pieces)


NAMING_VERBS = {"call", "describe", "dub", "label", "brand", "deem", "term", "portray"}


def what_was_said(doc: Doc, draft: Candidate, verb: Token | None, start: int, end: int) -> tuple[int, int]:
    """A desk's boundary for verbs that name their target first: 'accused Minsk of using
    migrants' says 'of using migrants'; 'called the decision a disgrace' and 'slammed the
    hearings as a disgrace' say 'a disgrace' (the broad listing keeps the target)."""
    if draft.cue is None or draft.lemma is None:
        return start, end
    objects = [] if verb is None else [c for c in verb.children if c.dep_ == "dobj" and start <= c.idx < end]
    target = objects[0] if objects else None
    if target is None:
        return _after_adjuncts(doc, verb, start, end)
    if draft.lemma == "accuse":
        of = next((c for c in [*verb.children, *target.children] if c.dep_ == "prep" and c.lower_ == "of"), None)
        return (of.idx, end) if of is not None and start < of.idx < end else (start, end)
    linked = _after_the_addressee(doc, verb, target, target.i + 1, end)
    if linked is not None and start < linked:
        return linked, end
    after = []
    for token in doc[target.right_edge.i + 1 : target.right_edge.i + 4]:  # the next word is enough
        if token.idx >= end:
            break
        if token.is_quote or not token.is_punct:
            after.append(token)
    if after and after[0].lower_ == "as" and after[0].head == verb:
        after = after[1:]
    elif draft.lemma not in NAMING_VERBS:
        return start, end
    if not after or after[0].idx >= end:
        return start, end
    return after[0].idx, end


def _after_adjuncts(doc: Doc, verb: Token | None, start: int, end: int) -> tuple[int, int]:
    """'told reporters at a news conference that C': content that opens with the verb's own
    prepositional phrase (the object already left out) says only what follows its 'that'."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if verb is None or span is None or not len(span):
        return start, end
    first = span[0]
    if first.dep_ != "prep" or first.head != verb:
        return start, end
    linked = _after_the_addressee(doc, verb, first, first.i, end)
    return (linked, end) if linked is not None and start < linked else (start, end)


def _after_the_addressee(doc: Doc, verb: Token | None, target: Token, scan_from: int, end: int) -> int | None:
    """Where the proposition starts when the object and the verb's adjuncts come first: after
    the 'that' of 'told reporters at a news conference that C', 'voiced concerns that C',
    'disputed the notion that C', or the 'as' of 'touted the plan as C', 'introduced Cook to
    the audience as C'. Only when no verb stands between the object and that word, so that a
    relative clause ('cited a report that showed C') keeps its noun."""
    for token in doc[scan_from:]:
        if token.idx >= end or token.pos_ in {"VERB", "AUX"}:
            return None
        opens = (token.lower_ == "that" and token.dep_ == "mark") or (
            token.lower_ == "as" and token.dep_ == "prep" and token.head in {verb, target}
        )
        if opens:
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            return following.idx if following is not None and following.idx < end else None
    return None


# lower case only: a sentence-initial 'That movie flopped' is the claim's own demonstrative
COMPLEMENTIZER = re.compile(r"that[\s,]+(?=\S)")
LINKING_WORD = re.compile(r"(?:But|And|Yet|So|Or)[\s,]+(?=\S)")


def reported_clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The claim itself: 'said that the plan failed.' reports 'the plan failed', without the
    complementizer, a linking word that opens the sentence ('But Delhi is not doomed ...,
    experts say') and the sentence's full stop (the broad listing keeps them, as PolNeAR
    counts them). A stop that ends an abbreviation ('the U.S.') stays."""
    for opener in (LINKING_WORD, COMPLEMENTIZER):
        opening = opener.match(text, start, end)
        if opening is not None and end - opening.end() >= 3:
            start = opening.end()
    if end - start > 1 and text[end - 1] == "." and not _ends_abbreviation(text, start, end - 1):
        end -= 1
    return start, end


def _ends_abbreviation(text: str, start: int, stop: int) -> bool:
    """'U.S.', 'Inc.', 'p.m.': the full stop belongs to the last word."""
    word_start = stop
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop]
    return "." in word or (len(word) <= 3 and word[:1].isupper() and word.isalpha())


def _drop_restatements(statements: list[Statement]) -> list[Statement]:
    """Drop a statement nested in another by the same speaker ("X says it will urge ...")."""
    dropped: set[int] = set()
    widest: dict[Speaker, Statement] = {}  # per speaker, the earlier statement reaching furthest
    for statement in sorted(statements, key=lambda s: (s.content.start, -s.content.end)):
        if statement.speaker is None:
            continue
        other = widest.get(statement.speaker)
        if (
            other is not None
            and statement.cue is not None
            and statement.content.end <= other.content.end
            and other.content.start <= statement.cue.start < other.content.end
        ):
            dropped.add(id(statement))
            continue
        if other is None or statement.content.end > other.content.end:
            widest[statement.speaker] = statement
    return [s for s in statements if id(s) not in dropped]


def _nested_reports(statements: list[Statement]) -> list[Statement]:
    """'Trump's accusation that Obama had imperiled the troops was a disgrace, Biden said': a
    report inside what somebody else said is part of that statement, one record for a desk
    (the broad listing keeps it, as PolNeAR counts it); an inner direct quotation with its own
    speaker and cue stays a statement of its own."""
    spoken = [s for s in statements if s.act == Act.SPEECH]
    nested: set[int] = set()
    for inner in spoken:
        if inner.type != QuoteType.INDIRECT or inner.cue is None:
            continue
        if any(
            outer is not inner
            and outer.content.start <= inner.content.start
            and inner.content.end <= outer.content.end
            and outer.content.start <= inner.cue.start < outer.content.end
            and (outer.cue is None or not inner.content.start <= outer.cue.start < inner.content.end)
            for outer in spoken
        ):
            nested.add(id(inner))
    return [replace(s, act=Act.OTHER) if id(s) in nested else s for s in statements]


CHUNK_CHARS = 25_000  # spaCy sees at most this much at once
BATCH_CHARS = 100_000  # and a parse batch holds at most this much text (one oversized piece aside)
T = TypeVar("T")
PATHOLOGICAL = re.compile(r"\S{200,}|([^\w\s])\1{15,}")


def mask_for_nlp(text: str) -> str:
    """The text the parser sees: whitespace-free runs of 200+ characters and runs of 16+
    identical punctuation marks become spaces of the same length, so offsets still hold and
    pathological input ('"' * 50,000, "!" * 100,000) cannot stall the tokenizer or the rules."""
    if not PATHOLOGICAL.search(text):
        return text
    return PATHOLOGICAL.sub(lambda m: " " * (m.end() - m.start()), text)


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Paragraph-aligned [start, end) pieces of at most ``size`` characters (a longer
    paragraph is cut at a space); statements never cross a paragraph, so none is cut."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        if cut <= start:
            cut = text.rfind(" ", start, start + size)
        if cut <= start:
            cut = start + size
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


def _moved(span: Span | None, offset: int, original: str) -> Span | None:
    return None if span is None else Span.of(original, span.start + offset, span.end + offset)


def _move_statement(statement: Statement, offset: int, original: str) -> Statement:
    return replace(
        statement,
        content=_moved(statement.content, offset, original),
        sentence=_moved(statement.sentence, offset, original),
        cue=_moved(statement.cue, offset, original),
        speaker_mention=_moved(statement.speaker_mention, offset, original),
        fragments=tuple(_moved(f, offset, original) for f in statement.fragments),
        broad_content=_moved(statement.broad_content, offset, original),
        time=statement.time and replace(statement.time, expression=_moved(statement.time.expression, offset, original)),
    )


def _move_claim(claim: Claim, offset: int, original: str) -> Claim:
    return replace(claim, span=_moved(claim.span, offset, original))


def _assemble(document: Document, parts: list[tuple[int, Extraction]]) -> Extraction:
    """One extraction from the parsed chunks of a document, every span sliced from the
    original text (the parser may have seen a masked copy). Each chunk's layout was read
    already: the date comes from the first chunk, agencies from the credit lines of all."""
    original = document.text
    agencies = tuple(dict.fromkeys(agency for _, part in parts for agency in part.agencies))
    return Extraction(
        document=document,
        statements=tuple(_move_statement(s, offset, original) for offset, part in parts for s in part.statements),
        claims=tuple(_move_claim(c, offset, original) for offset, part in parts for c in part.claims),
        agencies=agencies,
        published=parts[0][1].published if parts else document.published,
        excluded=tuple(_moved(s, offset, original) for offset, part in parts for s in part.excluded),
        extractor_version=EXTRACTOR_VERSION,
    )


def _pieces(document: Document) -> Iterator[tuple[str, tuple[Document, int, int, int]]]:
    masked = mask_for_nlp(document.text)
    bounds = chunks(masked)
    for index, (start, end) in enumerate(bounds):
        yield masked[start:end], (document, start, index, len(bounds))


def chunk_layout(doc: Doc, offset: int) -> Layout:
    """The layout of a parsed chunk; only the first chunk has a headline and a date line."""
    layout = read_layout(doc_text(doc))
    if offset:
        layout = replace(layout, headline=None, published=None, date_line=None)
    return layout


def _part(document: Document, doc: Doc, offset: int) -> Extraction:
    return build_extraction(document, doc, chunk_layout(doc, offset))


def extract_document(document: Document, nlp: Language) -> Extraction:
    """Extract one document with an already loaded pipeline."""
    parts = [(offset, _part(document, nlp(text), offset)) for text, (_, offset, _, _) in _pieces(document)]
    return _assemble(document, parts)


def extract_text(
    text: str,
    *,
    nlp: Language | None = None,
    model: str | None = None,
    document_id: str = "text",
    published: str | None = None,
    title: str | None = None,
) -> Extraction:
    """The statements of one text, in one call: the way in for a Python user. The text is
    normalised as ``ingest`` stores it, so every offset slices ``extraction.document.text``.
    ``nlp`` is an already loaded spaCy pipeline (the paragraph component is added to it), else
    ``model`` names an installed one (default: the shipped English pipeline)."""
    from .ingest import normalise_text

    document = Document(id=document_id, text=normalise_text(text)[0], published=published, title=title)
    return next(extract_documents([document], nlp=nlp, model=model))


def extract_documents(
    documents: Iterable[Document],
    *,
    model: str | None = None,
    nlp: Language | None = None,
    batch_size: int = 32,
    n_process: int = 1,
    timeout: float | None = None,
) -> Iterator[Extraction]:
    """Extract many documents lazily, in input order, parsing in batches; long documents
    are parsed in paragraph-aligned chunks and put back together. ``nlp`` is a loaded
    pipeline to use as it is (in this process), ``model`` the name of one to load. With
    ``n_process`` > 1 or a ``timeout`` (seconds per document), whole extractions run in worker
    processes, which load ``model`` themselves, and an overrunning document raises
    ``parallel.DocumentTimeout`` (see ``attribution.parallel``)."""
    if n_process > 1 or timeout is not None:
        if nlp is not None:
            raise ValueError("worker processes load their own pipeline: with n_process or timeout, pass model=")
        from .parallel import extract_in_workers

        yield from extract_in_workers(
            documents, extract_batch, model=model, workers=n_process, batch_size=batch_size, timeout=timeout
        )
        return
    nlp = prepare_pipeline(nlp) if nlp is not None else load_pipeline(model)
    pieces = (piece for document in documents for piece in _pieces(document))
    parts: list[tuple[int, Extraction]] = []
    for batch in parse_batches(pieces, batch_size):
        for doc, (document, offset, index, count) in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
            parts.append((offset, _part(document, doc, offset)))
            if index == count - 1:
                yield _assemble(document, parts)
                parts = []


def extract_batch(batch: list[Document], model: str | None, batch_size: int) -> list[Extraction | str]:
    """Every document of the batch, or for one that raised, the error as a string: what a
    worker process does with each batch it is sent (see ``parallel.extract_in_workers``)."""
    try:
        return list(extract_documents(batch, model=model, batch_size=batch_size))
    except Exception:  # find the document at fault, keep the others
        nlp = load_pipeline(model)
        results: list[Extraction | str] = []
        for document in batch:
            try:
                results.append(extract_document(document, nlp))
            except Exception as error:
                results.append(f"{type(error).__name__}: {error}")
        return results


def parse_batches(
    pieces: Iterable[tuple[str, T]], batch_size: int, max_chars: int = BATCH_CHARS
) -> Iterator[list[tuple[str, T]]]:
    """The pieces in order, in batches of at most ``batch_size`` pieces and ``max_chars``
    characters. spaCy batches by count, and a batch's Docs and their tensors are alive
    together: 32 chunks of a long article at once took 2.5 GB, 4 of them about 0.4 GB."""
    batch: list[tuple[str, T]] = []
    size = 0
    for piece in pieces:
        if batch and (len(batch) >= batch_size or size + len(piece[0]) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece[0])
    if batch:
        yield batch
