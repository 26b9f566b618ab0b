"""What kind of act a statement reports: speech, or one of the broad set (thought, intention,
perception, other).

A fact-checking desk reviews what somebody said or wrote; PolNeAR-style attribution also
counts beliefs, plans and evidence. Every candidate is kept and labelled, so a listing can
show speech by default and the broad set on request without extracting again.

The act is decided from the cue's lemma (``data/acts.json``) and then from the construction
around the cue, one named rule each, checked in order:
  list-item      "Elizabeth A. Burton: Possession of ..."           -> other
  list-entry     "Christopher D. Battin: Dealing in cocaine, maintaining ..." -> other
  pronoun-only   "... and accused him"                             -> other
  naming         'a script called "Wild Rose"', 'a simulation they call TNG50' -> other
  noun-aim       "NASA's announcement to expand the pool"         -> other
  title          '"War & Peace" ... had just found his next project' -> other
  who-subject    "learned who had written it, and found ..."       -> other
  relative-clause "the witness testifying who listened in"         -> other
  idiom          "Which is not to say that", "worth noting"        -> other
  withheld       "declined to say", "would not disclose"          -> other
  aim            "surrounded the Statehouse to call for", "struggled to contend" -> other
  comparison     "smaller than what McKinley said, but ..."       -> other
  embedded-question "asked whether C", "noted if and how often C"  -> other
  circumstance   "claimed victory as the House concluded ..."      -> other
  negated        "did not say when", "never mentioned"             -> other
  hypothetical   "might argue", "could have shown", "should note"  -> other
  agentless      "is charged with", "is widely believed to"        -> other
  question       "Is there something you think we should know?"    -> other
  not-an-agent   "That said, ...", "The stock added 2%"            -> other
  reporter       "As we've noted", "we'll interpret"               -> other
  target-only    "condemned the move", "questioned Morrison"       -> other
  topic-only     "asked about the decision", "spoke out about X"   -> other
  counted        "Gallinari added 25 points"                       -> other
  document-finds "the report found", "the study concluded"         -> speech
  lemma          the lemma's act from the data file
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ._parse_arrays import arrays_of
from .lexicons import data_json, owned_bodies
from .models import Act
from .nlp import doc_text

# Rules whose statement has no cue verb of its own: the construction is speech by itself.
SPEECH_RULES = {
    "according-to",
    "colon-speaker",
    "quote-colon",
    "quote-continuation",
    "quote-dash-credit",
    "passive-quoted",
    "cue-noun",
    "quote-cue",
}
OBJECT_RULES = {"cue-object", "learned-dobj"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}


@dataclass(frozen=True)
class ActLexicon:
    lemmas: dict[str, Act]
    object_speech: frozenset[str]
    document_findings: frozenset[str]
    documents: frozenset[str]
    refusals: frozenset[str]
    hedges: frozenset[str]
    conditions: frozenset[str]
    aspect_verbs: frozenset[str]
    not_agents: frozenset[str]
    saying: frozenset[str]
    addressed: frozenset[str]
    prep_speech: frozenset[str]
    request_verbs: frozenset[str]
    naming_participles: frozenset[str]
    speech_vehicles: frozenset[str]
    quotation_cues: frozenset[str]
    thought_nouns: frozenset[str]
    content_preps: dict[str, frozenset[str]]


SHAPED_FIELDS = {"lemmas", "content_preps"}  # the lexicon's fields that are not plain word sets


@lru_cache(maxsize=1)
def act_lexicon() -> ActLexicon:
    raw = data_json("acts.json")
    lemmas: dict[str, Act] = {}
    for act in (Act.PERCEPTION, Act.INTENTION, Act.THOUGHT, Act.SPEECH):  # speech wins a tie
        lemmas.update(dict.fromkeys(raw[act.value], act))
    return ActLexicon(
        lemmas=lemmas,
        content_preps={lemma: frozenset(preps) for lemma, preps in raw["content_preps"].items()},
        **{
            name: frozenset(raw[name])
            for name in ActLexicon.__dataclass_fields__
            if name not in {"lemmas", "content_preps"}
        },
    )


@dataclass(frozen=True)
class ActContext:
    """What the rules look at: the statement's rule, its cue verb and its subject."""

    rule: str
    cue: Token | None
    subject: Token | None
    content: SpacySpan | None
    lexicon: ActLexicon


def cue_token(doc: Doc, cue: tuple[int, int] | None, lemma: str | None) -> Token | None:
    """The verb (or noun) of a cue span: the token whose lemma is the cue's, else the span's root."""
    if cue is None:
        return None
    span = doc.char_span(cue[0], cue[1], alignment_mode="expand")
    if span is None or not len(span):
        return None
    for token in span:
        if lemma and token.lemma_.lower() == lemma:
            return token
    return span.root


FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}


def list_item(ctx: ActContext) -> Act | None:
    """'Elizabeth A. Burton: Possession of methamphetamine, held in jail ...', 'Thunder: Host
    the Lakers on Friday': a label before a colon heads a list entry, not a speech, when what
    follows has no finite verb."""
    if ctx.rule != "colon-speaker" or ctx.content is None:
        return None
    return None if any(t.tag_ in FINITE_TAGS for t in ctx.content) else Act.OTHER


def narration_under_label(ctx: ActContext) -> Act | None:
    """'Thunder: F Hamidou Diallo missed his third straight game ... Schröder got a technical
    foul ...': a label before a colon that heads several sentences of narration about others
    (no first or second person, no command, no quotation) is a section of a roundup, not a
    speaker. A transcript label in capitals ('WALLACE:') speaks whatever follows it."""
    content, label = ctx.content, ctx.subject
    if ctx.rule != "colon-speaker" or content is None or label is None or label.text.isupper():
        return None
    if len(list(content.sents)) < 2:
        return None
    for token in content:
        if set(token.morph.get("Person")) & {"1", "2"} or token.is_quote:
            return None
        if token.dep_ == "ROOT" and token.tag_ == "VB" and not any(c.dep_ == "nsubj" for c in token.children):
            return None  # 'Take a listen.': addressed to somebody
    return Act.OTHER


LIST_LABEL = re.compile(r"\s*[A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,5}:\s")


def list_entry(ctx: ActContext) -> Act | None:
    """'Christopher D. Battin: Dealing in cocaine ..., maintaining a common nuisance, held in
    jail ...': any cue inside a labelled list entry with no finite verb is part of the entry
    (a charge, an item), not a statement."""
    content = ctx.content
    if content is None or not len(content):
        return None
    # the label is looked for in the document's text at the content and at its sentence
    # (``Span.sent``: the one holding its first word), not in new strings made of their tokens
    doc = content.doc
    text, arrays = doc_text(doc), arrays_of(doc)
    first, last = arrays.sentence_bounds[arrays.sentence_of[content.start]]
    sentence_start, sentence_end = arrays.starts[first], arrays.ends[last - 1]
    if not (
        LIST_LABEL.match(text, content.start_char, content.end_char)
        or LIST_LABEL.match(text, sentence_start, sentence_end)
    ):
        return None
    tags = arrays.tags
    return None if any(tags[i] in FINITE_TAGS for i in range(content.start, content.end)) else Act.OTHER


def pronoun_only(ctx: ActContext) -> Act | None:
    """'... and accused him': a content that is one pronoun says nothing; what was said, if
    anything, lies outside it."""
    content = ctx.content
    if content is None or len(content) != 1:
        return None
    return Act.OTHER if content[0].pos_ == "PRON" else None


def naming(ctx: ActContext) -> Act | None:
    """'a script called "Wild Rose"', 'a sample came in called "Glasgow"', 'the level deemed
    safe': a participle that names a thing, not somebody calling it something. So does a
    naming verb in a relative or an 'as' clause when no words are quoted ('a simulation they
    call TNG50', 'the new Gannett, as Reed dubbed the combination'); 'what he called
    "outrageous"' quotes a judgement and stays."""
    verb = ctx.cue
    if verb is None or verb.lemma_.lower() not in ctx.lexicon.naming_participles:
        return None
    if verb.dep_ == "acl" or (verb.dep_ == "advcl" and verb.tag_ == "VBN"):
        return Act.OTHER
    in_clause = verb.dep_ == "relcl" or any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if in_clause and ctx.content is not None and not any(t.is_quote for t in ctx.content):
        return Act.OTHER
    return None


def noun_aim(ctx: ActContext) -> Act | None:
    """'NASA's announcement to expand the pool', 'McKinley's comment to refer to': a speech
    noun followed by an infinitive names a plan or a reading of it, not what was said."""
    content = ctx.content
    if ctx.rule != "cue-noun" or content is None or len(content) < 2:
        return None
    return Act.OTHER if content[0].lower_ == "to" and content[1].tag_ == "VB" else None


def noun_belief(ctx: ActContext) -> bool:
    """'Experts are of the view that C', 'his belief that C': a noun of a held belief reports
    what somebody thinks."""
    return ctx.rule == "cue-noun" and ctx.cue is not None and ctx.cue.lemma_.lower() in ctx.lexicon.thought_nouns


def title_near_quote(ctx: ActContext) -> Act | None:
    """'... had just found his next project', 'content to read "Wild Rose"': a quotation
    whose nearest verb reports no speech is a title, not somebody's words."""
    if ctx.rule != "quote-cue" or ctx.cue is None or quotation_cue(ctx.cue):
        return None
    act = ctx.lexicon.lemmas.get(ctx.cue.lemma_.lower(), Act.OTHER)
    return None if act == Act.SPEECH else Act.OTHER


def quotation_cue(verb: Token) -> bool:
    """A verb of speaking in a manner ('barked', 'scoffed', 'shot back' with its particle):
    it credits a quotation it closely follows and is no cue anywhere else."""
    cues = act_lexicon().quotation_cues
    lemma = verb.lemma_.lower()
    if lemma in cues:
        return True
    return any(child.dep_ in {"prt", "advmod"} and f"{lemma} {child.lower_}" in cues for child in verb.children)


def relative_pronoun_subject(ctx: ActContext) -> Act | None:
    """'learned who had written it, and found ...': a bare rest after a cue whose subject is
    'who' is the sentence going on, not what was written."""
    if ctx.rule == "cue-bare" and ctx.subject is not None and ctx.subject.tag_ in {"WP", "WDT"}:
        return Act.OTHER
    return None


def relative_clause(ctx: ActContext) -> Act | None:
    """'the third witness testifying Tuesday who listened in on the call': a clause that
    describes somebody is not what they said."""
    if ctx.content is None or not len(ctx.content):
        return None
    return Act.OTHER if ctx.content[0].lower_ in {"who", "which", "whom", "whose"} else None


def idiom(ctx: ActContext) -> Act | None:
    """'Which is not to say that ...', 'it's also worth noting', 'that is to say': the writer's
    turn of phrase around a speech verb."""
    verb = ctx.cue
    if verb is None:
        return None
    head = verb.head
    if verb.dep_ in {"xcomp", "ccomp", "attr"} and head.lemma_ == "be" and any(c.lower_ == "to" for c in verb.children):
        return Act.OTHER
    if head.lower_ == "worth" or (verb.dep_ == "pcomp" and head.lower_ == "worth"):
        return Act.OTHER
    return None


def withheld(ctx: ActContext) -> Act | None:
    """'declined to say', 'refused to comment': the speech was not given."""
    verb = ctx.cue
    if verb is not None and verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ctx.lexicon.refusals:
        return Act.OTHER
    return None


def done_to_the_subject(ctx: ActContext) -> Act | None:
    """'Asked later for an example, he brought up the program', 'Criticised for the delay, the
    mayor ...': a past participle opening the sentence with no subject of its own says what was
    done to the clause's subject, not what the subject said."""
    verb = ctx.cue
    if (
        verb is not None
        and verb.tag_ == "VBN"
        and verb.dep_ in {"advcl", "acl"}
        and verb.head.i > verb.i
        and not any(c.dep_ in SUBJECT_DEPS | {"aux", "auxpass"} for c in verb.children)
    ):
        return Act.OTHER
    return None


def aim(ctx: ActContext) -> Act | None:
    """'surrounded the Statehouse to call for better pay', 'struggled to contend with', 'allows
    him to maintain a tough stance': an infinitive cue is a purpose, a task or an ability, not
    something said, unless it hangs on a verb that carries speech on ('went on to say', 'took
    to Twitter to accuse'). With a clause of its own it reports one ('the only entity to confirm
    it has bid', 'went so far as to claim that')."""
    verb = ctx.cue
    if ctx.rule.endswith("ccomp"):
        return None
    if verb is None or verb.tag_ != "VB" or not any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children):
        return None
    if verb.dep_ not in {"xcomp", "advcl", "ccomp", "acl", "relcl"}:
        return None
    return None if verb.head.lemma_.lower() in ctx.lexicon.speech_vehicles else Act.OTHER


def comparison(ctx: ActContext) -> Act | None:
    """'smaller than what McKinley said', 'more complicated than McKinley suggests': a cue in a
    comparison measures something against a statement; what follows is the writer's."""
    verb = ctx.cue
    if verb is None:
        return None
    if any(c.dep_ == "mark" and c.lower_ == "than" for c in verb.children):
        return Act.OTHER
    head = verb.head
    return Act.OTHER if verb.dep_ == "pcomp" and head.lower_ == "than" else None


QUESTION_WORDS = {"whether", "if", "how", "why", "when", "where"}


def embedded_question(ctx: ActContext) -> Act | None:
    """'noted if and how often respondents used ...', 'asked whether Morrison had raised
    concerns', 'revealing how galaxies formed': a clause that opens with a question word names
    what was asked or shown, not a claim. A conditional inside the claim ('said if Patrick can
    get his message out, he is ...') hangs on its own clause and stays."""
    verb, content = ctx.cue, ctx.content
    if verb is None or content is None or not len(content):
        return None
    first = content[0]
    clause = first.head
    if first.lower_ not in QUESTION_WORDS or first.dep_ not in {"mark", "advmod"}:
        return None
    return Act.OTHER if clause.dep_ == "ccomp" and clause.head == verb else None


CIRCUMSTANCE_MARKS = {"as", "after", "before", "while", "when", "since", "until", "because", "although", "though"}


def circumstance(ctx: ActContext) -> Act | None:
    """'has claimed victory as the House concluded its hearing', 'reported its third case
    after two others were revealed': a content that is the cue's own adverbial clause tells
    when or why something was said, not what."""
    verb, content = ctx.cue, ctx.content
    if verb is None or content is None or not len(content):
        return None
    first = content[0]
    if first.dep_ != "mark" or first.lower_ not in CIRCUMSTANCE_MARKS:
        return None
    return Act.OTHER if first.head.dep_ == "advcl" and first.head.head == verb else None


def _verb_child(ctx: ActContext, test: Callable[[Token], bool]) -> Act | None:
    """Other when the cue is a verb with a child that passes ``test``."""
    verb = ctx.cue
    if verb is None or verb.pos_ not in {"VERB", "AUX"}:
        return None
    return Act.OTHER if any(test(child) for child in verb.children) else None


def negated(ctx: ActContext) -> Act | None:
    """'did not say when', 'has not disclosed how many', 'never mentioned'."""
    return _verb_child(ctx, lambda c: c.dep_ == "neg" or c.lower_ == "never")


def hypothetical(ctx: ActContext) -> Act | None:
    """'might argue', 'could have shown', 'should also note': a modal cue reports nothing said."""
    return _verb_child(ctx, lambda c: c.dep_ == "aux" and c.lemma_.lower() in ctx.lexicon.hedges)


def aspect(ctx: ActContext) -> Act | None:
    """'continues to give mixed signals', 'began to cut jobs': a verb of phase before an
    infinitive says that something goes on, not what was said (a cue inside the infinitive,
    'continued to insist that C', is a statement of its own)."""
    verb, content = ctx.cue, ctx.content
    if verb is None or content is None or len(content) < 2 or verb.lemma_.lower() not in ctx.lexicon.aspect_verbs:
        return None
    first = content[0]
    return Act.OTHER if first.lower_ == "to" and first.head.dep_ == "xcomp" and first.head.head == verb else None


def conditional(ctx: ActContext) -> Act | None:
    """'can be removed only if a professional concludes the inmate is no longer at risk',
    'if the country would announce the investigations': a cue that is a condition reports
    nothing said yet."""
    return _verb_child(ctx, is_condition_mark)


def is_condition_mark(token: Token) -> bool:
    """'if', 'unless', 'whether' opening a clause: what follows is a condition."""
    return token.dep_ == "mark" and token.lower_ in act_lexicon().conditions


def agentless(ctx: ActContext) -> Act | None:
    """'is charged with', 'was announced over the weekend', 'is widely believed to': a passive
    cue with nobody doing it is a hedge of the reporter's, not somebody's statement."""
    verb = ctx.cue
    if verb is None or ctx.rule in SPEECH_RULES or verb.lemma_.lower() in ctx.lexicon.addressed:
        return None
    if any(c.dep_ == "auxpass" for c in verb.children) and not any(c.dep_ == "agent" for c in verb.children):
        return Act.OTHER
    return None


def question(ctx: ActContext) -> Act | None:
    """A cue in a question the reporter asks: 'Is there something you think we should know?'."""
    verb = ctx.cue
    if verb is None or any(t.is_quote for t in verb.sent):
        return None  # a quoted question is the speaker's
    sentence = verb.sent
    last = sentence[-1]
    while last.i > sentence.start and (last.is_space or last.is_quote):
        last = last.doc[last.i - 1]
    return Act.OTHER if last.text == "?" else None


def not_an_agent(ctx: ActContext) -> Act | None:
    """'That said, ...', 'The stock added more than 2%', 'the script called for ...'."""
    subject = ctx.subject
    if subject is None or subject.pos_ == "PROPN" or subject.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}:
        return None
    if subject.tag_ == "WDT":
        return None  # 'retailers that said ...': the relative pronoun stands for a speaker
    if subject.lemma_.lower() in owned_bodies() and any(c.dep_ in {"poss", "compound"} for c in subject.children):
        return None  # 'her campaign said', 'the Clinton campaign said': a body with an owner speaks
    return Act.OTHER if subject.lemma_.lower() in ctx.lexicon.not_agents else None


def reporter(ctx: ActContext) -> Act | None:
    """The writer speaking for the article ('As we've noted', 'we'll interpret')."""
    subject = ctx.subject
    if subject is not None and subject.lower_ == "we" and ctx.rule not in SPEECH_RULES:
        return Act.OTHER
    return None


def _says_something(verb: Token) -> bool:
    """The object or a later argument carries a proposition: 'disputed the notion that C',
    'slammed the hearings as a disgrace', 'voiced concerns that C'."""
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ in {"oprd", "ccomp"} or (child.dep_ == "prep" and child.lower_ == "as"):
            return True
        if child.dep_ == "dobj" and any(
            t.dep_ in {"acl", "relcl", "ccomp"} and any(m.lower_ == "that" and m.dep_ == "mark" for m in t.children)
            for t in child.subtree
        ):
            return True
    return False


def _names_and_says(verb: Token) -> bool:
    """'called the decision a landmark judgment': two noun phrases after 'call', the thing and
    what it was called, however the parser hung the second one."""
    nominals = [c for c in verb.children if c.i > verb.i and c.dep_ in {"dobj", "oprd", "attr", "npadvmod", "xcomp"}]
    return len(nominals) >= 2 or any(c.dep_ in {"oprd", "xcomp", "ccomp"} for c in verb.children)


def target_only(ctx: ActContext) -> Act | None:
    """A speech verb whose only content is its object names the target, not what was said
    ('condemned the move', 'denied the allegations', 'questioned Morrison'), unless the verb
    says it in the object ('called it a disgrace', 'announced the selection of ...'), the
    object carries a proposition ('introduced him as someone who ...'), or the verb is one of
    plain saying whose clause the parser took for an object."""
    if ctx.rule not in OBJECT_RULES or ctx.cue is None:
        return None
    lemma = ctx.cue.lemma_.lower()
    if lemma in ctx.lexicon.saying:
        return None
    if _says_something(ctx.cue):
        return None if lemma in ctx.lexicon.lemmas else Act.SPEECH
    if lemma in ctx.lexicon.object_speech:
        if lemma == "call" and not _names_and_says(ctx.cue):
            return Act.OTHER  # 'called the ID' names a thing; 'called it a disgrace' says something
        return None
    return Act.OTHER


def topic_only(ctx: ActContext) -> Act | None:
    """'asked about the decision', 'has spoken out about X', 'referred to those comments':
    the phrase names what was spoken of, not what was said ('asked for compassion' does say)."""
    if ctx.rule not in {"cue-prep", "learned-prep"} or ctx.cue is None:
        return None
    lemma = ctx.cue.lemma_.lower()
    only = ctx.lexicon.content_preps.get(lemma)
    if only is not None and not any(c.dep_ == "prep" and c.lower_ in only for c in ctx.cue.children):
        return Act.OTHER  # 'testified about a meeting' names the topic; 'testified to' says it
    if lemma in ctx.lexicon.prep_speech:
        return None
    if lemma in ctx.lexicon.request_verbs and any(c.dep_ == "prep" and c.lower_ == "for" for c in ctx.cue.children):
        return None
    return Act.OTHER


def counted(ctx: ActContext) -> Act | None:
    """'Gallinari added 25 points', 'the stock added 2%': a number added is a score, not a remark."""
    verb = ctx.cue
    if verb is None or verb.lemma_.lower() != "add":
        return None
    for child in verb.children:
        if child.dep_ == "dobj" and (child.like_num or any(c.dep_ == "nummod" or c.like_num for c in child.children)):
            return Act.OTHER
    return None


def document_finds(ctx: ActContext) -> Act | None:
    """'the report found', 'a study concluded', 'court records show': a document or an
    official body states its findings."""
    verb, subject = ctx.cue, ctx.subject
    if verb is None or subject is None or verb.lemma_.lower() not in ctx.lexicon.document_findings:
        return None
    return Act.SPEECH if subject.lemma_.lower() in ctx.lexicon.documents else None


def by_lemma(ctx: ActContext) -> Act | None:
    """The act the data file gives the cue's lemma; an unlisted lemma is 'other'."""
    if ctx.cue is None:
        return Act.SPEECH
    return ctx.lexicon.lemmas.get(ctx.cue.lemma_.lower(), Act.OTHER)


ACT_RULES: tuple[Callable[[ActContext], Act | None], ...] = (
    list_entry,
    pronoun_only,
    naming,
    relative_pronoun_subject,
    relative_clause,
    idiom,
    withheld,
    done_to_the_subject,
    aim,
    comparison,
    embedded_question,
    circumstance,
    negated,
    hypothetical,
    conditional,
    aspect,
    agentless,
    question,
    not_an_agent,
    reporter,
    target_only,
    topic_only,
    counted,
    document_finds,
    by_lemma,
)


def classify_act(
    rule: str, cue: Token | None, subject: Token | None, content: SpacySpan | None = None, *, quoted: bool = False
) -> tuple[Act, str]:
    """The act of one statement and the name of the rule that decided it. Words in quotation
    marks credited to somebody are speech whatever the verb ("'We will win,' she believes")."""
    ctx = ActContext(rule, cue, subject, content, act_lexicon())
    if quoted:
        named = naming(ctx) or title_near_quote(ctx)
        return (Act.OTHER, "naming") if named else (Act.SPEECH, "speech-construction")
    if rule in SPEECH_RULES or cue is None:
        if list_item(ctx):
            return Act.OTHER, "list-item"
        if narration_under_label(ctx):
            return Act.OTHER, "narration-under-label"
        if noun_aim(ctx):
            return Act.OTHER, "noun-aim"
        return (Act.THOUGHT, "noun-belief") if noun_belief(ctx) else (Act.SPEECH, "speech-construction")
    for act_rule in ACT_RULES:
        act = act_rule(ctx)
        if act is not None:
            return act, act_rule.__name__.replace("_", "-")
    return Act.OTHER, "by-lemma"
