"""Reported speech from the dependency parse: a reporting verb, its speaker, its content.

Each pattern is one rule: a function named after the rule id it records on the statement, tried
on every word in the order of ``TOKEN_RULES`` (the first that applies takes the word):
  according-to      "C, according to X" / "according to X, C"
  cue-noun          "X's claim that C", "his call to C"
  passive-quoted    "X was quoted (by Y) as saying C", "Y quoted X as saying C"
  cue-ccomp         "X said (that) C", "C, X said", "X told reporters C", "X says it will C"
  cue-prep          "X accused Y of C", "X is calling for C", "X warned against C", "X referred to C"
  cue-xcomp         "X vowed to C", "X urged Y to C"
  cue-bare          "X said C" where the parser gave the cue no complement
  cue-object        "X slammed Y as Z", "X praised Y"
  cue-parenthetical "C1, X said, C2" where the parser hangs the cue under the content
The cue lemmas and their stance are data (``data/cues.json``), and so are the lists saying which
cue takes which kind of content (``data/rules.json``). The quotation rules are in extract.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import LEMMA, LOWER, POS
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from .acts import act_lexicon, is_condition_mark
from .lexicons import (
    attitude_verbs,
    cue_nouns,
    cue_stances,
    data_json,
    document_heads,
    not_topics,
    organisation_heads,
    prepositional_verbs,
    unnamed_heads,
)
from .models import Act, Stance
from .nlp import NAME_LABELS, doc_text


def rule_words(name: str) -> frozenset[str]:
    """One verb list of ``data/rules.json`` (read once per process)."""
    return frozenset(_rule_lists()[name])


@lru_cache(maxsize=1)
def _rule_lists() -> dict[str, list[str]]:
    return data_json("rules.json")


SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
COMPLEMENT_DEPS = {"ccomp"}
CLAUSE_PREPS = rule_words("clause_preps")
PREP_CUES = rule_words("prep_cues")
XCOMP_CUES = rule_words("xcomp_cues")
RAISING_CUES = rule_words("raising_cues")
WEAK_CUES = rule_words("weak_cues")
BARE_CUES = rule_words("bare_cues")
TARGET_FIRST_CUES = rule_words("target_first_cues")
TRIM = " \t\n,;:\u2014\u2013-"
DASHES = {"--", "\u2014", "\u2013"}  # tokens that open or close an aside
OPENING_MARKS = {'"', "'", "\u2018", "\u201c", "\u00ab", "''"}


@dataclass(frozen=True)
class Candidate:
    """One statement before its speaker is resolved: the record every rule, the learned
    pass and the quotation rules produce (offsets are characters into the parsed text)."""

    rule: str
    content: tuple[int, int]
    cue: tuple[int, int] | None
    lemma: str | None
    stance: Stance
    speaker_head: Token | None
    fragments: tuple[tuple[int, int], ...] = ()  # the quoted pieces of a split quote
    confidence: float = 1.0  # the learned pass's probability; rules are sure of their pattern


def char_span(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Characters of tokens [first, last] inclusive, trimmed of edge punctuation and space."""
    start = doc[first].idx
    end = doc[last].idx + len(doc[last].text)
    text = doc_text(doc)
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def _subtree_range(token: Token, exclude: Token | None = None) -> tuple[int, int]:
    """Token range of ``token``'s subtree, cut short before an excluded subtree at an edge."""
    first, last = token.left_edge.i, token.right_edge.i
    if exclude is not None:
        ex_first, ex_last = exclude.left_edge.i, exclude.right_edge.i
        if ex_first <= first <= ex_last:
            first = ex_last + 1
        elif ex_first <= last <= ex_last:
            last = ex_first - 1
    return first, last


def is_when(token: Token) -> bool:
    """A date or time: when something was said, never who said it or what. An age is not one
    ("said the 46-year-old": the tagger reads it as a date, but it names a person)."""
    an_age = token.lower_ == "old" and token.i > 0 and token.nbor(-1).text == "-"
    return token.ent_type_ in {"DATE", "TIME"} and not an_age


def is_topic(preposition: Token) -> bool:
    """Whether "spoke <preposition> <object>" says what was spoken of, rather than when
    ("on Monday") or how ("on condition of anonymity", "on behalf of the family")."""
    obj = next((c for c in preposition.children if c.dep_ in {"pobj", "pcomp"}), None)
    if obj is None or is_when(obj):
        return False
    return not (preposition.lower_ == "on" and obj.lemma_.lower() in not_topics())


def _is_speaker_like(token: Token) -> bool:
    """Subjects that cannot speak: dates, times, and a dateline ("WASHINGTON — ...")."""
    if is_when(token):
        return False
    return not _opens_a_dateline(token)


DATELINE_DASHES = DASHES | {"-"}


def _opens_a_dateline(token: Token) -> bool:
    """ "WASHINGTON —", "NAIROBI, Kenya (AP) —": a place in capitals, then only the words of
    a place (names, commas, abbreviations' full stops) up to a dash or a bracketed credit."""
    if not (token.text.isupper() and len(token.text) > 2):
        return False
    doc = token.doc
    for following in doc[token.i + 1 : token.i + 8]:
        if following.text == "(":
            # "(AP) —", "(Reuters) -": a credit in brackets closed right before a dash
            close = next((t for t in doc[following.i + 1 : following.i + 5] if t.text == ")"), None)
            return close is not None and close.i + 1 < len(doc) and doc[close.i + 1].text in DATELINE_DASHES
        if following.text in DATELINE_DASHES:
            return True
        if not (following.pos_ == "PROPN" or following.text in {",", "."}):
            return False
    return False


def _on_a_medium(participle: Token) -> bool:
    """A participle on the object of "on/in/via" that hangs on a verb ("posted on Twitter
    accusing ..."): it tells what the verb's subject did there, not what the medium did."""
    if participle.dep_ != "acl" or participle.tag_ != "VBG":
        return False
    medium = participle.head
    preposition = medium.head
    return (
        medium.dep_ == "pobj"
        and preposition.lower_ in rule_words("medium_preps")
        and preposition.head.pos_ == "VERB"
        and preposition.head is not preposition
    )


def subject_of(verb: Token) -> Token | None:
    """The subject of a cue verb, inherited through conjunctions and participial clauses."""
    current = verb
    for _ in range(4):
        passive = any(c.dep_ == "auxpass" for c in current.children) and current.lemma_ != "quote"
        for child in current.children:
            if child.dep_ == "agent":  # "it was announced by the ministry"
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
        if passive and current is verb:
            # "he was asked ...": the subject of a passive cue did not speak; "In a company
            # email sent by the chairman, employees were told ...": the document did
            return _document_it_came_in(verb)
        # a passive verb the cue hangs on has the actor as its subject: "The commission is
        # frustrated with the companies, saying ..." is the commission saying it
        deps = SUBJECT_DEPS | {"nsubjpass"} if passive else SUBJECT_DEPS
        subjects = [c for c in current.children if c.dep_ in deps and _is_speaker_like(c)]
        if not subjects:
            # "WASHINGTON -- President Obama, ..., said": the dateline took the subject's place
            subjects = [
                a
                for c in current.children
                if c.dep_ in SUBJECT_DEPS
                for a in c.children
                if a.dep_ == "appos" and a.pos_ == "PROPN"
            ]
        if subjects:
            # "LONDON (Reuters) - Donald Trump said": the subject nearest the verb speaks
            return min(subjects, key=lambda c: abs(c.i - current.i))
        if _on_a_medium(current):
            current = current.head.head.head  # "Swift posted on Twitter accusing X": Swift accuses
            continue
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in {"NOUN", "PROPN"}:
            maker = _verb_that_made(current)
            if maker is None:
                return current.head  # "a super PAC supporting Clinton", "ledgers showing he was paid"
            current = maker
            continue
        if current.dep_ in {"conj", "advcl", "xcomp", "acl", "pcomp"} and current.head is not current:
            current = current.head
            if current.dep_ == "prep":
                current = current.head
            # "stopped short of calling X": climb past the modifier the phrase hangs on
            while (
                current.dep_ in {"advmod", "acomp"}
                and current.head is not current
                and current.pos_ not in {"VERB", "AUX"}
            ):
                current = current.head
            if current.dep_ == "ccomp" and current.head.lemma_.lower() in cue_stances():
                # "X said C, citing Y": the participle hangs on C but X is acting
                current = current.head
            continue
        break
    return noun_just_before(verb) or _name_just_after(verb)


def _verb_that_made(participle: Token) -> Token | None:
    """The verb whose subject a participle on a noun speaks for: the verb that made the noun
    when it is a speech or a document ("Clinton delivered the speech outlining ...", "POLITICO
    published a story detailing ..."), or the verb the noun hangs on when a comma sets the
    participle off from a noun that cannot speak ("Trump made a third attempt to deflect it,
    writing on Twitter that ...")."""
    noun = participle.head
    verb = noun.head.head if noun.dep_ == "pobj" and noun.head.dep_ == "prep" else noun.head
    if noun.dep_ not in {"dobj", "pobj"} or verb.pos_ not in {"VERB", "AUX"} or verb is noun:
        return None
    if any(c.dep_ == "auxpass" for c in verb.children) and not any(c.dep_ == "agent" for c in verb.children):
        return None  # "Employees were sent a letter warning ...": who sent it is not said
    lemma = noun.lemma_.lower()
    if lemma in rule_words("produced_heads") or lemma in document_heads() or noun.lower_ in document_heads():
        return verb if verb.lemma_.lower() in rule_words("producing_verbs") else None
    set_off = participle.doc[participle.i - 1].text == ","
    can_speak = lemma in unnamed_heads() or lemma in organisation_heads()
    if set_off and noun.pos_ == "NOUN" and noun.ent_type_ == "" and not can_speak:
        return verb
    return None


def _document_it_came_in(verb: Token) -> Token | None:
    """The author of the written source of a passive cue, when the text names one: 'In a
    company email sent by chairman Marcelo Claure, employees were told ...', 'In Smith's
    memo, staff were told ...'."""
    for child in verb.children:
        if child.dep_ != "prep" or child.lower_ != "in":
            continue
        for document in child.children:
            if document.dep_ == "pobj" and document.lemma_.lower() in document_heads():
                return _named_author(document)
    return None


def _named_author(document: Token) -> Token | None:
    for child in document.children:
        if child.dep_ == "poss" and child.pos_ == "PROPN":
            return child
        if child.dep_ == "acl" and child.tag_ == "VBN":
            for agent in (c for c in child.children if c.dep_ == "agent"):
                return next((o for o in agent.children if o.dep_ == "pobj"), None)
    return None


def _name_just_after(verb: Token) -> Token | None:
    """Inverted attribution opening a sentence: "Said Ellis: ...", "Added Mr. Smith, ..."."""
    if verb.i != verb.sent.start:
        return None
    return name_after(verb)


def name_after(verb: Token) -> Token | None:
    """The head of the proper name right after a verb ("Added Mr. Smith", "reacted Trump")."""
    if verb.i + 1 >= len(verb.doc):
        return None
    token = verb.doc[verb.i + 1]
    while token.pos_ == "PROPN" and token.dep_ == "compound" and token.head.i > token.i:
        token = token.head
    return token if token.pos_ == "PROPN" else None


def noun_just_before(verb: Token) -> Token | None:
    """Misparsed subjects ("Majorities of Democrats ... say", "Less than a third agreed"):
    the noun phrase ending right before the cue, past adverbs and auxiliaries."""
    i = verb.i - 1
    while i >= verb.sent.start and (verb.doc[i].pos_ in {"ADV", "AUX", "PART"} or verb.doc[i].dep_ == "neg"):
        i -= 1
    if i < verb.sent.start:
        return None
    token = verb.doc[i]
    if token.text in {",", ")"}:
        return _name_before_aside(verb, i)
    if token.pos_ not in {"NOUN", "PROPN", "PRON", "NUM"} or not _is_speaker_like(token):
        return None
    while token.dep_ in {"pobj", "compound", "poss"} and token.head.i < verb.i and token.head.sent == verb.sent:
        token = token.head if token.dep_ != "pobj" else token.head.head
    return token if token.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} else None


def _name_before_aside(verb: Token, last: int) -> Token | None:
    """'Jay DiPietro, the club's 78-year-old president, suggested ...', 'Ramos, 58, told AFP',
    'Sen. Elizabeth Warren (D-MA) said' misparsed: the name set off by an apposition or a
    parenthesis that ends right before the cue, when everything between the name and the cue
    belongs to the name's own phrase. A place that ends the aside ("Col. Steven Warren, a
    military spokesman in Baghdad, said") is passed over for the name whose phrase holds it;
    a name the parser hung as an apposition on an opening phrase speaks even with nothing
    between it and the cue ("In a statement to the Observer, her adviser, Jake Sullivan,
    said")."""
    doc, start = verb.doc, max(verb.sent.start, verb.i - 30)
    for i in range(last - 1, start - 1, -1):
        name = doc[i]
        if name.pos_ != "PROPN" or doc[i + 1].text not in {",", "("}:
            continue
        if name.dep_ == "pobj" and name.ent_type_ in {"GPE", "LOC"}:
            continue  # a place never speaks, but may end the aside of a name before it
        if name.dep_ not in {"appos", "npadvmod", "nsubj", "ROOT"} or not _is_speaker_like(name):
            return None  # the object of a preposition or a verb ("envoy in Brussels, said") never speaks
        between = doc[i + 1 : last + 1]
        aside = [t for t in between if not t.is_punct]
        if not aside:
            return name if name.dep_ == "appos" and i + 1 == last and _in_an_opening_phrase(name, verb) else None
        if all(name in t.ancestors for t in aside):
            return name
        # "Bill Eastland, wearing a cowboy hat, said": a participle clause right after the name
        # describes the name's bearer, however the parser hung it
        inside = {t.i for t in aside}
        tops = [t for t in aside if t.head.i not in inside or t.head.i == t.i]
        opening = len(tops) == 1 and tops[0].i == aside[0].i and tops[0].tag_ in {"VBG", "VBN"}
        return name if opening and name.ent_type_ == "PERSON" else None
    return None


def _in_an_opening_phrase(name: Token, verb: Token) -> bool:
    """Does the parse hang ``name`` inside a prepositional phrase that opens the cue's clause
    ("In a statement to the Observer, her adviser, Jake Sullivan, said"), rather than inside
    the subject's own words ("Murphy, the head of Right to Rise USA, tweeted")?"""
    token = name
    while token.head.i != verb.i and token.head.i != token.i:
        token = token.head
    return token.head.i == verb.i and token.dep_ == "prep" and token.i < name.i


def _quoting_verb(saying: Token) -> Token | None:
    """The "quoted" of "X was quoted (by Y) as saying C" / "Y quoted X as saying C"."""
    if saying.lower_ != "saying":
        return None
    head = saying.head
    if head.lower_ == "as" and head.dep_ == "prep":
        head = head.head
    return head if head.lemma_ == "quote" and head is not saying else None


def _quoted_person(quoting: Token) -> Token | None:
    """Who was quoted: the object of an active "quoted", the subject of a passive one; the
    agency that did the quoting ("by Interfax", "Interfax quoted") is the reporter."""
    for child in quoting.children:
        if child.dep_ in {"dobj", "nsubjpass"}:
            return child
    return subject_of(quoting)


def cue_span(verb: Token) -> tuple[int, int]:
    """The cue as written: the verb plus its auxiliaries and particles ("has said", "pointed out")."""
    start = verb.idx
    end = verb.idx + len(verb.text)
    for child in verb.children:
        if child.dep_ in {"aux", "auxpass"} and child.i < verb.i and verb.i - child.i <= 2:
            start = min(start, child.idx)
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child.text)
    return start, end


MAX_STRETCH = 150  # tokens a content may be stretched past what the parser gave; keeps run-on text linear


def _to_sentence_edge(verb: Token, first: int, last: int) -> tuple[int, int]:
    """Stretch a complement to the sentence edge: the small parser often cuts it short
    ("said C1, but that C2", "said C, showing ..."); annotators take the whole clause."""
    sentence = verb.sent
    if first > verb.i:
        end = min(sentence.end - 1, last + MAX_STRETCH)
        if verb.dep_ in {"advcl", "csubj"} and verb.head.i > verb.i:
            # "Although he said C, he appears uneasy": past the cue's clause is the main clause
            end = min(end, verb.right_edge.i)
        for child in verb.rights:
            if child.i > last and (
                child.dep_ == "conj"
                and not _the_speaker_goes_on(verb, child)
                or child.dep_ in {"advcl", "prep", "parataxis"}
                and (child.lemma_.lower() in cue_stances() or child.lower_ == "according")
            ):
                end = min(end, child.left_edge.i - 1)
        while end > last and verb.doc[end].dep_ in {"cc", "punct"}:
            end -= 1
        return first, _cut_at_new_clause(verb, first, max(last, end))
    return first, last


PERSONAL_PRONOUNS = {"he", "she", "they", "we", "i"}
OPENING_QUOTES = {'"', "\u201c", "\u2018", "''", "``"}


def _the_speaker_goes_on(verb: Token, conj: Token) -> bool:
    """'He said C1, but he did worry C2', 'Cook said C1, and he sees "C2"': a clause joined to
    the cue whose subject is a pronoun for the speaker and whose verb reports a thought or a
    perception carries the same report on, as a desk reads it ('and he left' does not)."""
    lemma = conj.lemma_.lower()
    if act_lexicon().lemmas.get(lemma) not in {Act.THOUGHT, Act.PERCEPTION}:
        return False
    pronoun = next((c for c in conj.children if c.dep_ in SUBJECT_DEPS and c.pos_ == "PRON"), None)
    speaker = subject_of(verb)
    if pronoun is None or speaker is None or pronoun.lower_ not in PERSONAL_PRONOUNS:
        return False
    if speaker.pos_ == "PRON":
        return speaker.lower_ == pronoun.lower_
    return pronoun.lower_ in {"he", "she", "they"}


def _cut_at_new_clause(verb: Token, first: int, last: int) -> int:
    """End the content before the reporter takes over again: a coordinated clause with its
    own subject and no "that" ("..., and he railed against ..."), or a further act of the
    speaker (", telling X that ...", ", adding ...")."""
    doc = verb.doc
    stances = cue_stances()
    for token in doc[first + 1 : last + 1]:
        if token.dep_ not in {"conj", "advcl"} or token.pos_ not in {"VERB", "AUX"}:
            continue
        if not (first <= token.head.i <= last or token.head.i == verb.i):
            continue
        start = token.left_edge.i
        if start <= first:
            continue
        own_subject = any(c.dep_ in SUBJECT_DEPS for c in token.children)
        that_clause = any(c.dep_ == "mark" and c.lower_ == "that" for c in token.children)
        is_cue = token.lemma_.lower() in stances or token.lemma_.lower() in attitude_verbs()
        # ", adding ..." / "and said ...": the same speaker's next act, a statement of its own
        # (a quotation opening on a verb coordinated with one inside what was said goes on with
        # it: "the demands would add 14% to costs and 'threaten the port'")
        shares_content_subject = (
            token.dep_ == "conj"
            and token.head.i != verb.i
            and _reported_subject(token.head)
            and doc[token.i - 1].text in OPENING_QUOTES
        )
        further_act = (
            not own_subject
            and not shares_content_subject
            and not _goes_on_inside(verb, token)
            and (token.lemma_.lower() in stances or (token.dep_ == "conj" and is_cue))
        )
        # ", while Vilnius said ..." / ", and he railed against ...": someone's next statement
        # "said C and he feels D": a pronoun subject carries the same report on
        subject_pronoun = any(c.dep_ in SUBJECT_DEPS and c.pos_ == "PRON" for c in token.children)
        # "removed only if a doctor concludes ...": a condition is part of what was said
        condition = any(is_condition_mark(c) for c in token.children)
        other_statement = own_subject and is_cue and not that_clause and not subject_pronoun and not condition
        if further_act or other_statement:
            cut = start - 1
            while cut > first and (doc[cut].is_punct or doc[cut].dep_ == "cc"):
                cut -= 1
            return cut
    return last


def _goes_on_inside(cue: Token, verb: Token) -> bool:
    """A verb hung on one inside the content, not on the cue, carries that content on: its
    purpose ('never called a donor to ask for money') or a second verb under the same
    auxiliary ('he has not held dinners and never called a donor')."""
    head = verb.head
    if head.i == cue.i:
        return False
    if verb.dep_ == "advcl":
        return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    return (
        verb.dep_ == "conj"
        and verb.tag_ == head.tag_
        and verb.tag_ in {"VB", "VBN"}
        and any(c.dep_ in {"aux", "auxpass"} for c in head.children)
    )


def _reported_subject(verb: Token) -> bool:
    """The verb has a subject of its own that is not a pronoun (a pronoun may be the speaker)."""
    return any(c.dep_ in SUBJECT_DEPS and c.pos_ != "PRON" for c in verb.children)


def _trim_content(doc: Doc, verb: Token, first: int, last: int) -> tuple[int, int]:
    """Drop a date the parser swept into the complement right after the cue: in "said
    Tuesday his actions were ..." Tuesday is when it was said, not what."""
    if first > verb.i and all(t.is_punct for t in doc[verb.i + 1 : first]):
        while first < last and is_when(doc[first]) and doc[first].dep_ != "nsubj":
            first += 1
    return first, last


def skip_connective(doc: Doc, first: int, last: int) -> int:
    """Skip the reporter's linking word opening a sentence: "Still, C", "In contrast, C" (an
    adverb, or a preposition and one noun, then a comma) is not part of what was said."""
    if first != doc[first].sent.start:
        return first
    for width in (1, 2):
        comma = first + width
        if comma >= last or doc[comma].text != ",":
            continue
        words = doc[first:comma]
        if width == 1 and words[0].pos_ == "ADV":
            return comma + 1
        if width == 2 and words[0].pos_ == "ADP" and words[1].pos_ == "NOUN" and not words[1].ent_type_:
            return comma + 1
    return first


def _before_that_clause(phrase: Token) -> int:
    """Where the words after a phrase start; the parser often hangs the reported clause on
    the phrase ("says in a statement that C"), so a "that" inside it starts the content."""
    for token in phrase.subtree:
        if token.dep_ == "mark" and token.lower_ == "that" and token.i > phrase.i:
            return token.i
    return phrase.right_edge.i + 1


def _bare_rest(verb: Token) -> tuple[int, int] | None:
    """A strong cue with no parsed complement: take the words after it to the sentence end
    ("Sanders said he also may campaign for him", misparsed)."""
    sentence = verb.sent
    if verb.dep_ == "ccomp" and verb.head.i > verb.i and verb.head.lemma_.lower() in cue_stances():
        return None  # "(three games have been announced), Morales says C": the rest is the later cue's
    first = verb.i + 1
    for child in verb.rights:
        if child.dep_ in {"dative", "dobj", "npadvmod", "prt"} and child.i >= first:
            first = _before_that_clause(child)
        elif child.dep_ == "prep" and child.lower_ in {"to", "in", "on"} and child.i == first:
            first = _before_that_clause(child)
    last = min(sentence.end - 1, first + MAX_STRETCH)
    if verb.dep_ in {"ccomp", "advcl"} and verb.head.i > verb.i:
        last = min(last, verb.right_edge.i)  # "If X had written it, it's because ...": the rest is the main clause
    if any(t.text in DASHES for t in verb.doc[sentence.start : verb.i]):
        # a cue inside an aside set off by dashes says nothing past the dash closing it
        closing = next((t.i for t in verb.doc[verb.i + 1 : last + 1] if t.text in DASHES), None)
        last = last if closing is None else closing - 1
    while last >= first and verb.doc[last].is_punct:
        last -= 1
    words = [t for t in verb.doc[first : last + 1] if not t.is_punct]
    if len(words) < 3 or not any(t.pos_ in {"VERB", "AUX"} for t in words):
        return None
    if first > verb.i + 1 and _relative_on_a_noun(verb.doc[first]):
        return None  # past the object, a relative clause on it ("reported wait times that ...")
    if first > verb.i + 1 and verb.doc[first].text == "," and words[-1].lemma_.lower() in cue_stances():
        return None  # "X has maintained support ..., the poll found": a credit, not a complement
    if _ends_on_a_credit_alone(verb.doc, first, last):
        return None  # "companies are writing custom apps, Cook told Benioff": someone else's credit
    if verb.doc[first].lower_ in {"that", "if", "whether"} or any(t.dep_ in SUBJECT_DEPS for t in words):
        return first, last
    return None


def _ends_on_a_credit_alone(doc: Doc, first: int, last: int) -> bool:
    """Whether [first, last] is, past its last comma, only a credit, with no verb before it
    ('for it, Cook told Benioff')."""
    comma = next((i for i in range(last, first - 1, -1) if doc[i].text == ","), None)
    if comma is None or any(t.pos_ in {"VERB", "AUX"} for t in doc[first:comma]):
        return False
    return _only_a_credit([t for t in doc[comma + 1 : last + 1] if not t.is_punct])


def _only_a_credit(words: list[Token]) -> bool:
    """Words that are a credit and nothing more: a cue, its subject and perhaps whom it was
    told to ('Cook told Benioff'), with no clause of what was said."""
    cues = [t for t in words if t.lemma_.lower() in cue_stances() and t.pos_ in {"VERB", "AUX"}]
    if len(cues) != 1 or len(words) > 6:
        return False
    cue, inside = cues[0], {t.i for t in words}
    return any(c.dep_ in SUBJECT_DEPS and c.i in inside for c in cue.children) and not any(
        c.dep_ in COMPLEMENT_DEPS | {"xcomp"} and c.i in inside for c in cue.children
    )


def _prep_content(verb: Token, preps: Collection[str] | None = CLAUSE_PREPS) -> tuple[int, int] | None:
    """'X called for Y', 'X warned against Y', 'X referred to Y': the object of the verb's
    preposition (one of ``preps``), unless that object is a date ("spoke on Monday")."""
    if not preps or any(c.dep_ in {"dobj", "ccomp"} for c in verb.children):
        return None
    for child in verb.rights:
        if child.dep_ == "prep" and child.lower_ in preps:
            if is_topic(child):
                return child.i + 1, extend_right(verb, child.right_edge.i)
    return None


def _object_content(verb: Token) -> tuple[int, int] | None:
    """The judged object of a stance verb, with what is said of it ("called him a liar",
    "described the plan as reckless", "accused X of Y")."""
    objects = [c for c in verb.children if c.dep_ in {"dobj", "npadvmod", "oprd"} and c.i > verb.i]
    if not objects or is_when(objects[0]):
        return None
    first, last = objects[0].left_edge.i, objects[0].right_edge.i
    return first, extend_right(verb, last)


def extend_right(verb: Token, last: int) -> int:
    """Take in the verb's later arguments ("defended X against Y", "called for X to Y"),
    stopping where a new clause or a comma-separated aside begins."""
    for child in verb.rights:
        if child.i <= last:
            continue
        if child.dep_ == "punct" and child.text in OPENING_MARKS:
            continue  # "calling it 'a historic achievement'": the quoted words are still its argument
        if child.dep_ in {"punct", "cc", "conj", "advcl", "parataxis", "npadvmod"}:
            break
        if child.dep_ == "prep" and any(c.dep_ == "pobj" and is_when(c) for c in child.children):
            break  # "... on Thursday": when it was said, not what
        if child.dep_ in {"prep", "dative", "oprd", "xcomp", "ccomp", "dobj", "acomp", "attr", "pcomp"}:
            last = child.right_edge.i
    return last


# Where the verb rules find their content: token ranges [first, last], before trimming.


def _complement(verb: Token) -> tuple[int, int] | None:
    """A cue verb's clausal complement ("said (that) C"), stretched to the sentence edge."""
    if verb.lemma_.lower() not in cue_stances():
        return None
    for child in verb.children:
        if child.dep_ in COMPLEMENT_DEPS and not misread_complement(verb, child):
            first, last = _subtree_range(child)
            # ", citing documents ..." describes the speaker's act, not what was said
            for grandchild in child.rights:
                if (
                    grandchild.dep_ == "advcl"
                    and grandchild.tag_ == "VBG"
                    and grandchild.lemma_.lower() in cue_stances()
                    and grandchild.i > child.i
                    and grandchild.right_edge.i == last
                ):
                    last = grandchild.left_edge.i - 1
            first = _stolen_subject_start(verb, child, first)
            return _to_sentence_edge(verb, first, last)
    return None


def misread_complement(verb: Token, clause: Token) -> bool:
    """A clause the parser gave the cue that is not what was said: the reporter's subordinate
    clause ('While the lineup is light (...), Early says C': its 'while' says so), a relative
    clause on the cue's object, a clause past the dash closing the cue's own aside, or a clause
    before the cue in a sentence of its own ('C1; Reed has said that C2': the semicolon)."""
    subordinating = rule_words("subordinating_marks") - {"if"}  # 'asked if C' is a question, still C
    if any(c.dep_ == "mark" and c.lower_ in subordinating for c in clause.children):
        return True
    if any(_relative_on_a_noun(c) for c in clause.children if c.dep_ in SUBJECT_DEPS):
        return True  # "reported wait times that exceeded two hours": a relative clause on the object
    doc = verb.doc
    if clause.i > verb.i:
        # "Fun as it sounds — the neurologist wrote about it — Steenburgen was not thrilled":
        # past the dash closing the cue's own aside is the reporter's sentence again
        closing = any(t.text in DASHES for t in doc[verb.i + 1 : clause.i])
        opening = any(t.text in DASHES for t in doc[verb.sent.start : verb.i])
        return closing and opening
    if any(t.text in {";", ":"} for t in doc[clause.right_edge.i + 1 : verb.i]):
        return True
    # the parser put the subordinate clause inside a clause before the cue that has one after it
    clause_after = any(c.dep_ in COMPLEMENT_DEPS and c.i > verb.i for c in verb.children)
    return clause_after and doc[clause.left_edge.i].lower_ in subordinating


def _relative_on_a_noun(subject: Token) -> bool:
    """A relative pronoun right after a noun ('wait times that exceeded'): the clause it
    opens says something of that noun ('asked what happened' is a question, not one)."""
    return subject.tag_ in {"WDT", "WP"} and subject.i > 0 and subject.nbor(-1).pos_ in {"NOUN", "PROPN"}


def _stolen_subject_start(verb: Token, clause: Token, first: int) -> int:
    """'The office said about half of the rise reflected lost revenue': the parser hung the
    clause's subject on the cue as a phrase; a clause with no subject and no 'that', right
    after such a phrase, starts with it. A time is not one ('said on Tuesday C')."""
    if any(c.dep_ in SUBJECT_DEPS or c.dep_ == "mark" for c in clause.children):
        return first
    for child in verb.rights:
        if child.dep_ == "prep" and verb.i < child.i and child.right_edge.i == first - 1:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and not is_when(obj):
                return child.left_edge.i
    return first


def _prep_clause(verb: Token) -> tuple[int, int] | None:
    """A prepositional cue's phrase ("called for C"), from the target for the cues that name it
    first ("accused X of C")."""
    lemma = verb.lemma_.lower()
    if lemma not in cue_stances() or lemma not in PREP_CUES:
        return None
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in CLAUSE_PREPS and child.i > verb.i and is_topic(child):
            first = child.i + 1
            direct_objects = [c for c in verb.children if c.dep_ == "dobj" and c.i < child.i]
            if direct_objects and lemma in TARGET_FIRST_CUES:
                first = direct_objects[0].left_edge.i
            return first, extend_right(verb, child.right_edge.i)
    return None


def _infinitive(verb: Token) -> tuple[int, int] | None:
    """An infinitive cue's clause ("vowed to C"), with the one addressed ("urged Y to C")."""
    lemma = verb.lemma_.lower()
    if lemma not in cue_stances() or lemma not in XCOMP_CUES:
        return None
    for child in verb.children:
        if child.dep_ == "xcomp" and child.i > verb.i:
            first = child.left_edge.i
            objects = [c for c in verb.children if c.dep_ == "dobj" and c.i < child.i]
            if objects:
                first = objects[0].left_edge.i
            return first, child.right_edge.i
    return None


def _bare_clause(verb: Token) -> tuple[int, int] | None:
    """The rest of the sentence after a strong cue the parser gave no complement."""
    if verb.lemma_.lower() not in BARE_CUES:
        return None
    rest = _bare_rest(verb)
    return None if rest is None else _to_sentence_edge(verb, *rest)


def _cue_lemma(token: Token) -> str | None:
    """The lemma of a verb in the cue or the attitude lexicon: the only words the verb rules read."""
    if token.pos_ not in {"VERB", "AUX"}:
        return None
    lemma = token.lemma_.lower()
    return lemma if lemma in cue_stances() or lemma in attitude_verbs() else None


def _stance(lemma: str) -> Stance:
    return cue_stances().get(lemma) or attitude_verbs()[lemma]


def _verb_statement(verb: Token, rule: str, content: tuple[int, int], speaker: Token | None) -> tuple[Candidate, ...]:
    """The statement of a cue verb's content: past the cue when the speaker stands inside the
    range ("which he said C"), without a date or a linking word at its start, and none at all
    when nothing is left or the speaker is in it."""
    doc = verb.doc
    first, last = content
    if speaker is not None and first <= speaker.i <= last and speaker.i < verb.i < last:
        first = verb.i + 1
    first, last = _trim_content(doc, verb, first, last)
    first = skip_connective(doc, first, last)
    start, end = char_span(doc, first, last)
    if end <= start or (speaker is not None and start <= speaker.idx < end):
        return ()
    lemma = verb.lemma_.lower()
    return (Candidate(rule, (start, end), cue_span(verb), lemma, _stance(lemma), speaker),)


# The rules. Each takes one word of the parse and returns None when its pattern does not start
# at that word (the next rule is tried), else the statements it makes there: an empty tuple when
# the pattern matched but left no content, and then no later rule takes the word.


def according_to(token: Token) -> tuple[Candidate, ...] | None:
    """'The economy grew 2.1 percent in the third quarter, according to the Commerce
    Department.': the object of "according to" is the speaker, the larger side of the
    sentence (or the side the phrase does not open or close) the content."""
    doc = token.doc
    if token.lower_ == "per":
        speaker = _credited_by_per(token)
        if speaker is None:
            return None
        to = token
    elif token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
        return None
    else:
        to = doc[token.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"] or [c for c in token.children if c.dep_ == "pobj"]
        speaker = objects[0] if objects else None
    phrase_first = token.i
    phrase_last = max(token.right_edge.i, to.right_edge.i)
    sentence = token.sent
    before = _sentence_restated(token)
    aside = _aside_it_closes(doc, sentence, phrase_first, phrase_last)
    if before is not None:
        first, last = before.start, before.end - 1
    elif aside is not None:
        first, last = aside
    elif phrase_first - sentence.start <= 1:
        first, last = phrase_last + 1, sentence.end - 1
    elif sentence.end - 1 - phrase_last <= 1:
        first, last = sentence.start, phrase_first - 1
    else:
        # mid-sentence: the larger side carries the content, unless the reporter goes on after
        # the credit with a clause of their own ("..., according to The Wrap, so it's possible")
        if phrase_first - sentence.start >= sentence.end - phrase_last or _reporter_goes_on(doc, phrase_last + 1):
            first, last = sentence.start, phrase_first - 1
        else:
            first, last = phrase_last + 1, sentence.end - 1
    if last < first or not any(t.is_alpha or t.like_num for t in doc[first : last + 1]):
        return None
    start, end = char_span(doc, first, last)
    if end <= start:
        return None
    cue = (token.idx, to.idx + len(to.text))
    return (Candidate("according-to", (start, end), cue, "according to", Stance.NEUTRAL, speaker),)


def _aside_it_closes(doc: Doc, sentence: SpacySpan, phrase_first: int, phrase_last: int) -> tuple[int, int] | None:
    """'Given that history -- and the fact that Trump has made 13,000 false claims, according to
    the Fact Checker -- there is every reason to doubt it': a credit that closes an aside set off
    by dashes or brackets credits the aside, not the sentence around it."""
    after = phrase_last + 1
    if after >= sentence.end - 1 or doc[after].text not in DASHES | {")"}:
        return None
    closing = doc[after].text
    for position in range(phrase_first - 1, sentence.start, -1):
        text = doc[position].text
        if text in DASHES | {"(", ")"}:
            opens = text == "(" if closing == ")" else text in DASHES
            if not opens:
                return None
            first = skip_connective(doc, position + 1, phrase_first - 1)
            while first < phrase_first - 1 and doc[first].dep_ == "cc":
                first += 1
            if doc[first : first + 3].text.lower() == "the fact that":
                first += 3  # what the credit vouches for is the fact, not the phrase naming it
            return (first, phrase_first - 1) if first < phrase_first - 1 else None
    return None


def _credited_by_per(per: Token) -> Token | None:
    """'Yersinia pestis, per the WHO, is often found in ...': "per" credits like "according
    to" when its object is a name and the phrase is set off from the sentence (a comma or the
    sentence's edge on each side), never in a rate ("$5 per share", "miles per hour")."""
    objects = [c for c in per.children if c.dep_ == "pobj"]
    if not objects:
        return None
    named = objects[0]
    if named.pos_ != "PROPN" and named.ent_type_ not in NAME_LABELS:
        return None  # "a quarter of that, per the McKinley plan, is ...": as a plan sets, not a source
    doc, sentence = per.doc, per.sent
    last = max(per.right_edge.i, named.right_edge.i)
    opens = per.i == sentence.start or doc[per.i - 1].text in (",", "(", "\u2014", "--")
    closes = last + 1 >= sentence.end or doc[last + 1].is_punct
    return named if opens and closes else None


def _reporter_goes_on(doc: Doc, i: int) -> bool:
    """After a credit, a conjunction that opens a new clause ("so", "but", "while") starts the
    reporter's own words again."""
    while i < len(doc) and doc[i].is_punct:
        i += 1
    return i < len(doc) and doc[i].lower_ in rule_words("reporter_conjunctions")


def _sentence_restated(according: Token) -> SpacySpan | None:
    """'Turnout was high among young voters.  That's according to early exit polls.': a
    sentence that is only "that" or "this" and "according to" credits the sentence before it
    (news style often gives the credit a paragraph of its own)."""
    sentence = according.sent
    opening = [t.lower_ for t in according.doc[sentence.start : according.i]]
    if opening not in (["that", "'s"], ["that", "\u2019s"], ["that", "is"], ["this", "is"], ["that", "was"]):
        return None
    if sentence.start == 0:
        return None
    return according.doc[sentence.start - 1].sent


def cue_noun(token: Token) -> tuple[Candidate, ...] | None:
    """ "The senator's claim that the bill would cut taxes for the middle class was disputed.":
    a speech noun (data/cues.json "nouns") whose possessor is the speaker and whose "that" or
    "to" clause is the content."""
    if token.pos_ != "NOUN" or token.lemma_.lower() not in cue_nouns():
        return None
    clauses = [c for c in token.children if c.dep_ in {"acl", "ccomp", "relcl"} and c.i > token.i]
    clauses = [
        c
        for c in clauses
        if any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        or any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
    ]
    owners = [c for c in token.children if c.dep_ == "poss"] or noun_holder(token)
    if not clauses or not owners:
        return None
    first, last = clauses[0].left_edge.i, clauses[0].right_edge.i
    start, end = char_span(token.doc, first, last)
    if end <= start:
        return None
    cue = (token.idx, token.idx + len(token.text))
    return (Candidate("cue-noun", (start, end), cue, token.lemma_.lower(), Stance.NEUTRAL, owners[0]),)


def noun_holder(noun: Token) -> list[Token]:
    """Who holds a cue noun with no possessor: the subject of "be of" ("Analysts are of the
    opinion that C") or of a verb of holding (data/rules.json "holding_verbs": "Economists
    hold the view that C"); nobody for the object of any other verb ("rejected the claim that C")."""
    verb = noun.head
    if noun.dep_ == "pobj" and verb.lower_ == "of" and verb.dep_ == "prep":
        verb = verb.head
        if verb.lemma_ != "be":
            return []
    elif noun.dep_ != "dobj" or verb.lemma_.lower() not in rule_words("holding_verbs"):
        return []
    return [c for c in verb.children if c.dep_ == "nsubj"]


def passive_quoted(token: Token) -> tuple[Candidate, ...] | None:
    """'Putin was quoted by the Interfax news agency as saying that Russia would respond.':
    the "saying" of "X was quoted (by Y) as saying C" / "Y quoted X as saying C" credits X, the
    one quoted, never the agency; the content is what the verb rules below would take."""
    if _cue_lemma(token) is None:
        return None
    quoting = _quoting_verb(token)
    if quoting is None:
        return None
    content = _complement(token) or _prep_clause(token) or _infinitive(token) or _bare_clause(token)
    if content is None:
        return None
    return _verb_statement(token, "passive-quoted", content, _quoted_person(quoting))


def cue_ccomp(token: Token) -> tuple[Candidate, ...] | None:
    """'The minister said that the talks would resume next week.', '"C," he told reporters':
    a cue verb (data/cues.json) and its clausal complement, which runs to the end of the
    sentence unless the reporter takes over ("..., and he left")."""
    if _cue_lemma(token) is None:
        return None
    content = _complement(token)
    return None if content is None else _verb_statement(token, "cue-ccomp", content, subject_of(token))


def cue_prep(token: Token) -> tuple[Candidate, ...] | None:
    """'The opposition accused the government of hiding the cost of the project.': a cue whose
    statement is its prepositional phrase (data/rules.json "prep_cues"; "accused X of C" keeps
    the target X); also a verb that reports through a fixed preposition only ('The spokesman
    referred to the report published in March', data/cues.json "prepositional") and an
    attitude verb's phrase ('The minister stressed on the need for reform') where the
    infinitive and bare-rest rules do not take the verb first ("vowed to C" is theirs)."""
    if token.pos_ not in {"VERB", "AUX"}:
        return None
    lemma = token.lemma_.lower()
    if _cue_lemma(token) is None:
        fixed = _prep_content(token, prepositional_verbs().get(lemma))
        if fixed is None:
            return None
        return _phrase_statement(token, "cue-prep", fixed, lemma, Stance.NEUTRAL, subject_of(token))
    content = _prep_clause(token)
    if content is not None:
        return _verb_statement(token, "cue-prep", content, subject_of(token))
    if lemma not in attitude_verbs() or _infinitive(token) is not None or _bare_clause(token) is not None:
        return None
    phrase = _prep_content(token)
    if phrase is None:
        return None
    return _phrase_statement(token, "cue-prep", phrase, lemma, _stance(lemma), subject_of(token))


def _phrase_statement(
    verb: Token, rule: str, tokens: tuple[int, int], lemma: str, stance: Stance, speaker: Token | None
) -> tuple[Candidate, ...]:
    """The statement of a cue whose content is the token range ``tokens`` taken as it is (no
    trimming, unlike ``_verb_statement``), none when the range holds no characters."""
    start, end = char_span(verb.doc, *tokens)
    if end <= start:
        return ()
    return (Candidate(rule, (start, end), cue_span(verb), lemma, stance, speaker),)


def cue_xcomp(token: Token) -> tuple[Candidate, ...] | None:
    """'The governor vowed to veto the bill.', 'Doctors urged residents to stay indoors.': an
    infinitive cue (data/rules.json "xcomp_cues") and its clause, with the one urged. 'They
    appear to be unanimous', 'Trump is expected to win': a raising verb's or an agentless
    passive's subject is part of what is reported, the content is the whole clause and it
    names no speaker."""
    lemma = _cue_lemma(token)
    if lemma is None:
        return None
    content = _infinitive(token)
    if content is None:
        return None
    raised = _raised_subject(token)
    if raised is None:
        return _verb_statement(token, "cue-xcomp", content, subject_of(token))
    return _phrase_statement(token, "cue-xcomp", (raised.left_edge.i, content[1]), lemma, _stance(lemma), None)


def _raised_subject(verb: Token) -> Token | None:
    """The subject before a raising verb (data/rules.json "raising_cues": "They appear to ...")
    or before a passive cue with no agent ("Trump is expected to ..."), if there is one."""
    children = list(verb.children)
    if verb.lemma_.lower() in RAISING_CUES:
        deps = {"nsubj"}
    elif any(c.dep_ == "auxpass" for c in children) and not any(c.dep_ == "agent" for c in children):
        deps = {"nsubjpass"}
    else:
        return None
    return next((c for c in children if c.dep_ in deps and c.i < verb.i), None)


def cue_bare(token: Token) -> tuple[Candidate, ...] | None:
    """'The ministry warned residents in a statement that the river would flood.', where the
    parser hangs the "that" clause on nothing: a strong cue (data/rules.json "bare_cues") with no
    complement takes the rest of its sentence past its objects, when that holds a verb and a
    subject (or opens with "that", "if", "whether")."""
    if _cue_lemma(token) is None or _aside_within_its_clause(token):
        return None
    content = _bare_clause(token)
    return None if content is None else _verb_statement(token, "cue-bare", content, subject_of(token))


def _aside_within_its_clause(verb: Token) -> bool:
    """'The team fixed the bug, Smith said, and the service returned within an hour.', 'The key
    to success, says Buser, is the network.': a cue the parser hung on another verb, after that
    verb or its subject and before the rest of its clause, is a parenthetical credit for the
    clause (``cue_parenthetical``), not a cue of what follows. Not after a phrase alone ('At
    current rates, X said, C': the reporter's framing) nor after a quotation (a split quote)."""
    head = verb.head
    if verb.dep_ != "parataxis" or head is verb or head.pos_ not in {"VERB", "AUX"}:
        return False
    doc = verb.doc
    speaker = subject_of(verb)
    aside_start = min(verb.i, speaker.left_edge.i) if speaker is not None else verb.i
    before = aside_start - 1
    while before >= verb.sent.start and doc[before].is_punct:
        if doc[before].is_quote:
            return False  # '"C1," he said, "C2"': a split quotation, the quotation rules' to take
        before -= 1
    following = verb.right_edge.i + 1
    while following < verb.sent.end and doc[following].is_punct:
        following += 1
    if following >= verb.sent.end or not (following == head.i or head.is_ancestor(doc[following])):
        return False
    return any(
        t.i == head.i
        or (t.head.i == head.i and t.dep_ in SUBJECT_DEPS)
        or (t.head.i == verb.i and t.dep_ == "nsubj" and t is not speaker)
        for t in doc[verb.sent.start : aside_start]
    )


def cue_object(token: Token) -> tuple[Candidate, ...] | None:
    """'Republicans slammed the proposal as a giveaway to insurers.': an attitude verb
    (data/cues.json "attitude") and its judged object with what is said of it."""
    lemma = _cue_lemma(token)
    if lemma is None or lemma not in attitude_verbs():
        return None
    content = _object_content(token)
    if content is None:
        return None
    return _phrase_statement(token, "cue-object", content, lemma, attitude_verbs()[lemma], subject_of(token))


def cue_parenthetical(token: Token) -> tuple[Candidate, ...] | None:
    """'Climate change, the president often says, is the greatest threat facing the world.'
    parsed with the cue under the content's verb: the content is that verb's clause. Weak cues
    (data/rules.json "weak_cues": 'show', 'find', 'call' ...) are ordinary verbs too often to
    count this way."""
    lemma = _cue_lemma(token)
    if lemma is None or lemma in WEAK_CUES:
        return None
    head = token.head
    if (
        token.dep_ not in {"parataxis", "ccomp", "advcl"}
        or head is token
        or head.pos_ not in {"VERB", "AUX"}
        or head.lemma_.lower() in cue_stances()  # "X said it would tell": the complement, not an aside
    ):
        return None
    if _says_its_own_content(token):
        return None
    speaker = subject_of(token)
    if speaker is None or speaker.i <= min(t.i for t in head.subtree):
        return None
    if speaker.head.i != token.i:
        return None  # 'Added together, it has become ...': a participle borrowing the clause's subject
    first, last = _subtree_range(head, exclude=token)
    own_subject = next((c for c in token.lefts if c.dep_ == "nsubj" and c.i != speaker.i), None)
    if own_subject is not None and own_subject.left_edge.i < first:
        first = own_subject.left_edge.i  # "The biggest risk, says Ward, is ...": the parser gave "risk" to "says"
    first = skip_connective(token.doc, first, last)
    first, last, fragments = _around_the_credit(token, first, last, own_subject)
    start, end = char_span(token.doc, first, last)
    if end <= start:
        return ()
    return (Candidate("cue-parenthetical", (start, end), cue_span(token), lemma, _stance(lemma), speaker, fragments),)


def _around_the_credit(
    cue: Token, first: int, last: int, content_subject: Token | None = None
) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """The content [first, last] less the whole credit ('as she told reporters', 'Smith said in
    a statement'): a credit at the end ends the content before it ('C, as Smith said.'), one
    inside splits it in two pieces. The content's own subject the parser hung on the cue
    ('The biggest risk, says Ward, is ...') is no part of the credit."""
    doc = cue.doc
    credit_first, credit_last = cue.left_edge.i, cue.right_edge.i
    if content_subject is not None and content_subject.right_edge.i < cue.i:
        credit_first = max(credit_first, content_subject.right_edge.i + 1)
    while last > first and doc[last].is_punct and not doc[last].is_quote:
        last -= 1
    if credit_first <= last <= credit_last:
        return first, credit_first - 1, ()
    if first < credit_first and credit_last < last:
        # the second piece starts past a conjunction joining it to the first (", Smith said, and C2")
        second = credit_last + 1
        while second < last and (doc[second].is_punct or doc[second].lower_ in rule_words("aside_conjunctions")):
            second += 1
        set_off = DASHES | {",", "-"}
        opened = {t.text for t in doc[credit_first - 1 : cue.i]} & set_off
        if not (opened and {t.text for t in doc[cue.i + 1 : second]} & set_off):
            return first, last, ()  # no commas or dashes around it: not an aside ('a deadline for X to ...')
        before, after = char_span(doc, first, credit_first - 1), char_span(doc, second, last)
        if before[1] - before[0] >= 3 and after[1] - after[0] >= 3:
            return first, last, (before, after)
    return first, last, ()


def _says_its_own_content(verb: Token) -> bool:
    """'Although the guidelines recommend holding people for 72 hours, the agency held them
    longer', 'Earnings held up, as most companies reported better results': a cue in the
    reporter's subordinate clause, or one with content of its own after 'as', is a statement
    of that content (or none), never a credit for the clause it hangs on ('as she told
    reporters' has only whom she told)."""
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    if marks & rule_words("subordinating_marks"):
        return True
    if any(c.dep_ == "prep" and c.lower_ in {"about", "of"} for c in verb.children):
        return True  # "— the neurologist wrote about similar symptoms —": it says what it wrote of
    if not marks:
        return False
    lemma = verb.lemma_.lower()
    return any(
        c.dep_ in {"ccomp", "xcomp"} or (c.dep_ == "dobj" and lemma not in rule_words("addressee_verbs"))
        for c in verb.children
    )


TokenRule = Callable[[Token], "tuple[Candidate, ...] | None"]

# The rules of the parse, in the order they are tried on each word; the first that applies
# takes it. "passive-quoted" comes before the verb rules whose content it reuses, "cue-ccomp"
# before "cue-prep" before "cue-xcomp" before "cue-bare" (a clause first, then the phrase, then
# the infinitive, then the rest of the sentence), and the parenthetical aside last.
TOKEN_RULES: tuple[tuple[str, TokenRule], ...] = (
    ("according-to", according_to),
    ("cue-noun", cue_noun),
    ("passive-quoted", passive_quoted),
    ("cue-ccomp", cue_ccomp),
    ("cue-prep", cue_prep),
    ("cue-xcomp", cue_xcomp),
    ("cue-bare", cue_bare),
    ("cue-object", cue_object),
    ("cue-parenthetical", cue_parenthetical),
)


@lru_cache(maxsize=1)
def _trigger_words() -> tuple[frozenset[str], frozenset[str]]:
    """(verb lemmas, noun lemmas) some rule of ``TOKEN_RULES`` can start from: every verb rule
    needs a cue, attitude or prepositional verb, "cue-noun" a speech noun."""
    verbs = frozenset(cue_stances()) | frozenset(attitude_verbs()) | frozenset(prepositional_verbs())
    return verbs, cue_nouns()


def rule_positions(doc: Doc) -> list[int]:
    """The words any rule can apply to, read from the parse's arrays without making a Token for
    each word (the rules would turn the other words away one by one, at a cost per word)."""
    verbs, nouns = _trigger_words()
    strings = doc.vocab.strings
    verb_pos, aux_pos, noun_pos = (strings["VERB"], strings["AUX"], strings["NOUN"])
    according, per = strings["according"], strings["per"]
    lowered: dict[int, str] = {}
    positions = []
    for i, (pos, lemma, lower) in enumerate(doc.to_array([POS, LEMMA, LOWER]).tolist()):
        if lower == according or lower == per:
            positions.append(i)
            continue
        if pos != verb_pos and pos != aux_pos and pos != noun_pos:
            continue
        word = lowered.get(lemma)
        if word is None:
            word = lowered[lemma] = strings[lemma].lower()
        if word in (nouns if pos == noun_pos else verbs):
            positions.append(i)
    return positions


def find_reported(doc: Doc) -> list[Candidate]:
    """Every reported statement the parse shows, in document order: for each word, the
    statements of the first rule of ``TOKEN_RULES`` that applies to it."""
    found: list[Candidate] = []
    for i in rule_positions(doc):
        token = doc[i]
        for _, rule in TOKEN_RULES:
            made = rule(token)
            if made is not None:
                found.extend(made)
                break
    return found
