"""Turn the mention that a statement is credited to into a canonical speaker.

Within one document every mention is first tied to one entity, and every statement then
gets that entity's fields, taken from its fullest mentions: a surname or a bare title ("the
minister") resolves to the full name met anywhere in the text; a pronoun to the most salient
earlier person or body that agrees with it in gender and number (or to nobody when the
evidence is weak); a capital, a country or a seat of government ("the White House") stands
for that country's government; a description ("the company", "the statement") to the body
the text names; vague sources ("officials", "a source familiar with ...") stay ``unnamed``.
Role and organisation come from premodifiers ("Lithuanian Foreign Minister ..."),
appositives ("Hugh Hill, a doctor at X") and "for X"; ``country`` is the state the speaker
or their body belongs to. Every resolution records why, so a reviewer can check it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ._parse_arrays import arrays_of
from .lexicons import (
    capitals,
    corporate_roles,
    countries,
    data_json,
    demonyms,
    document_heads,
    first_name_genders,
    government_seats,
    honorifics,
    institution_countries,
    known_bodies,
    media_names,
    official_roles,
    organisation_heads,
    organisation_suffixes,
    owned_bodies,
    party_words,
    place_countries,
    place_to_country,
    public_body_words,
    regional_roles,
    role_words,
    roles,
    sending_roles,
    single_word_titles,
    title_abbreviations,
    unnamed_heads,
)
from .models import Span, Speaker, SpeakerKind
from .nlp import NAME_LABELS, ORG_LABELS, PLACE_LABELS, doc_text
from .quotes import quoted_mask

MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
FIRST_PERSON = {"i", "me", "my"}
PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | FIRST_PERSON
THING_PRONOUNS = {"it", "its"}
GROUP_PRONOUNS = {"they", "them", "their", "we", "us", "our"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
PREMODIFIER_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "case", "punct", "flat"}
FEMALE_HONORIFICS = {"ms", "ms.", "mrs", "mrs.", "miss", "dame", "lady"}
MALE_HONORIFICS = {"mr", "mr.", "sir", "lord"}
DEFINITE = {"the", "this", "that"}
PRONOUN_WINDOW = 6  # sentences back a pronoun may look for its antecedent
DESCRIPTION_WINDOW = 12  # sentences back "the company" may look for the body it describes
GOVERNMENT_NOUNS = {"government", "administration"}
ISSUER_WINDOW = 3  # sentences back "the letter" may look for who wrote it
ISSUING_VERBS = {"write", "send", "issue", "release", "publish", "file", "sign", "submit", "post", "email"}
AFTER_CUE_WINDOW = 25  # tokens after a cue that may still name its speaker
LAST_SPEAKER_BONUS = 0.5  # the last statement's speaker breaks a tie between antecedents
AFFILIATION_PREPS = {"at", "for", "with", "from"}
CASE_NAME_WORDS = {"v.", "vs.", "v", "vs"}  # between the parties of a court case
# unnamed sources that speak for a state when the text gives one ("Chinese officials")
OFFICIAL_SOURCES = {
    "official",
    "officials",
    "authority",
    "authorities",
    "prosecutor",
    "prosecutors",
    "police",
    "investigator",
    "investigators",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "diplomat",
    "diplomats",
    "government",
    "ministry",
    "source",
    "sources",
    "administration",
}


@dataclass(frozen=True)
class Resolution:
    speaker: Speaker | None
    mention: Span | None
    why: str


@dataclass
class _Entity:
    """One person or body of the document, with the fullest fields any mention gives it."""

    name: str
    kind: SpeakerKind
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    gender: str | None = None
    # words the text describes them with anywhere ("Florida Sen.", "of Vermont"), folded
    descriptors: set[str] = field(default_factory=set)

    def add(self, role: str | None, organisation: str | None, country: str | None = None) -> None:
        """Keep the most specific value: the fuller role of any mention ("Walt Disney Co.
        executive" gives way to "chairman of direct-to-consumer and international"), the
        organisation a later mention only narrows."""
        if role and (not self.role or len(role.split()) > len(self.role.split())):
            self.role = role
        self.organisation = _more_specific(self.organisation, organisation)
        self.country = self.country or country


def _more_specific(old: str | None, new: str | None) -> str | None:
    if not old:
        return new
    if new and old.lower() in new.lower() and len(new) > len(old):
        return new
    return old


def _strip_possessive(text: str) -> str:
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if text.endswith(suffix):
            return text[: -len(suffix)].rstrip()
    return text


def _honorific_before(doc: Doc, ent: SpacySpan) -> bool:
    """Whether a name starts with, or follows, Mr/Ms/Dr...: a person whatever the tagger says."""
    first = doc[ent.start]
    before = doc[ent.start - 1] if ent.start > 0 else None
    return (len(ent) > 1 and first.lower_ in honorifics()) or (before is not None and before.lower_ in honorifics())


def _is_role_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in role_words() or lowered.rstrip(".") in role_words()


def _is_title_word(word: str) -> bool:
    """A word that is a title on its own ("Senator", "former"), not just part of one ("Home")."""
    lowered = word.lower()
    return lowered in single_word_titles() or lowered.rstrip(".") in single_word_titles()


@lru_cache(maxsize=8192)
def _clean_name(text: str) -> str:
    """A name without leading punctuation, articles, honorifics or titles ("-Commissioner").
    Kept per text, as the next few helpers are: each is asked for the same names many times."""
    words = _strip_possessive(text.strip().lstrip("-\u2013\u2014\"'\u201c\u2018( ")).split()
    while len(words) > 1 and (
        words[0].lower() in honorifics() or words[0].lower() in {"the", "a", "an"} or _is_title_word(words[0])
    ):
        words = words[1:]
    return " ".join(words)


def _leading_title(text: str) -> str | None:
    """The title a name was written with ("Superintendent Jennifer McCormick" -> Superintendent)."""
    words = _strip_possessive(text.strip()).split()
    title = []
    while len(words) > 1 and (words[0].lower() in honorifics() or _is_title_word(words[0])):
        if words[0].lower() not in honorifics():
            title.append(words[0])
        words = words[1:]
    return _expand_title(" ".join(title)) if title else None


@lru_cache(maxsize=8192)
def _org_name(text: str) -> str:
    """An organisation's name without role words the tagger swept in ("Frontex Executive")."""
    # "Civil Aviation Authority (CAA": the acronym in brackets after the name is not part of it
    words = re.sub(r"\s*\(\s*[A-Z&]{2,8}\s*\)?$", "", _clean_name(text)).split()
    # "National Security Council" keeps its head noun: a body's word is never a role there, and
    # "Department of Justice", "Office of the Prime Minister": words after "of" name its field.
    # A role ends in its head word ("Executive", "Leader"): only that starts the cut, then its
    # modifiers go too ("Senate Majority Leader"), while "Associated Press" and "Peabody Energy"
    # end in a word that only modifies a role ("press secretary") and keep it.
    wanted = _role_heads()
    while len(words) > 1 and words[-1].lower() in wanted and not {"of", "for"} & {w.lower() for w in words[:-1]}:
        words.pop()
        wanted = role_words() - organisation_heads()
    return " ".join(words)


def _expand_title(text: str) -> str:
    """A title with its abbreviations written out ("Sen." -> "Senator")."""
    expanded = [title_abbreviations().get(word.lower(), word) for word in text.split()]
    return " ".join(expanded)


@lru_cache(maxsize=1)
def _role_heads() -> frozenset[str]:
    """The last words of roles ("executive", "minister"), the modifiers that never end a body's
    name ("deputy", "majority"), never a field a role is named after ("energy", "press")."""
    titles = data_json("titles.json")
    heads = {role.split()[-1] for role in roles() if " of " not in role}  # not "state" of "secretary of state"
    heads |= set(titles["role_modifiers"]) | set(titles["leader_sides"])
    return frozenset(heads) - organisation_heads()


@lru_cache(maxsize=1)
def _body_kinds() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    kinds = {noun: frozenset(words) for noun, words in data_json("sources.json")["body_kinds"].items()}
    return kinds, frozenset().union(*kinds.values())


def _nearest_of_its_kind(noun: str, bodies: list[str]) -> str:
    """The body (of ``bodies``, nearest first) a generic description stands for: the nearest,
    unless its name says it is of another kind and an earlier one is named like the noun
    ("The CAA fined SkyLink Airways ..., the regulator said": the Authority, not the airline)."""
    kinds, every_kind = _body_kinds()
    wanted = kinds.get(noun)
    nearest = _name_words(bodies[0])
    if wanted is None or nearest & wanted or not nearest & every_kind:
        return bodies[0]
    return next((b for b in bodies[1:] if _name_words(b) & wanted), bodies[0])


def _name_words(name: str) -> set[str]:
    return {w.lower().strip(".,") for w in name.split()}


@lru_cache(maxsize=1)
def _portfolio_heads() -> frozenset[str]:
    return frozenset(data_json("titles.json")["portfolio_heads"])


def _is_portfolio_role(role: str) -> bool:
    """A government post named after its field ("Defence Secretary", "Interior Minister")."""
    return role.lower().split()[-1] in _portfolio_heads()


def _describes_a_person(last: Token) -> bool:
    """An open-ended description before a name ends in a singular common noun that can name a
    person ("planetary geologist", "talk show host"): not an adjective ("a more subdued Bill
    Clinton"), a plural or a headline's verb ("Slams"), a given name, or an abstract noun
    ("another potential hazard Rubio is navigating")."""
    word = last.text.replace("-", "")
    noun = last.tag_ in {"NN", "NNP"} or (last.tag_ == "JJ" and last.dep_ == "compound")  # "after rival Trump"
    if not noun or not word.isalpha() or len(word) < 2:
        return False
    if last.tag_ == "NNP" and (last.lower_ in first_name_genders() or not last.text[:1].isupper()):
        return False
    suffixes, nouns = _not_person_words()
    lemma = last.lemma_.lower()
    return not lemma.endswith(suffixes) and lemma not in nouns


@lru_cache(maxsize=1)
def _not_person_words() -> tuple[tuple[str, ...], frozenset[str]]:
    titles = data_json("titles.json")
    return tuple(titles["abstract_suffixes"]), frozenset(titles["not_person_nouns"])


def _joins_a_word(token: Token) -> bool:
    """A hyphen with a word right before and after it and no space on either side."""
    if token.text not in {"-", "\u2010", "\u2011"} or token.whitespace_ or token.i == 0:
        return False
    before = token.doc[token.i - 1]
    return not before.whitespace_ and before.text[-1:].isalpha() and token.i + 1 < len(token.doc)


@lru_cache(maxsize=8192)
def _title_phrase(text: str) -> str | None:
    """The longest known role inside ``text``, with the text's own capitalisation."""
    lowered = f" {text.lower()} "
    for role in roles():
        index = lowered.find(f" {role} ")
        if index >= 0:
            return _expand_title(text[index : index + len(role)])
    for abbreviation in title_abbreviations():
        if f" {abbreviation} " in lowered:
            return title_abbreviations()[abbreviation]
    return None


@lru_cache(maxsize=8192)
def _country_of_place(name: str) -> str | None:
    """The country a country, capital, demonym or a place inside a country belongs to."""
    lowered = _clean_name(name).lower()
    return place_to_country().get(lowered) or place_countries().get(lowered)


@lru_cache(maxsize=8192)
def _country_of_body(name: str) -> str | None:
    """The country a place or an institution of a state ("National Security Council") is in."""
    country = _country_of_place(name)
    if country:
        return country
    lowered = f" {_strip_possessive(name).lower()} "
    for institution, state in institution_countries().items():
        if f" {institution} " in lowered:
            return state
    return None


def _destination(role: str | None) -> str | None:
    """Where an envoy is sent ("special envoy to Ukraine" -> Ukraine): never their own state."""
    if not role or " to " not in f" {role.lower()} ":
        return None
    if not any(word in role.lower() for word in sending_roles()):
        return None
    return _country_of_place(role.lower().split(" to ", 1)[1].removeprefix("the "))


def _is_regional(role: str | None) -> bool:
    """A state's or city's official (a governor, a mayor): their body is that state or city."""
    lowered = f" {(role or '').lower()} "
    return any(f" {regional} " in lowered for regional in regional_roles())


def _is_corporate(role: str | None) -> bool:
    """A company's or body's own officer (CEO, chairman, spokesperson): they speak for it."""
    lowered = f" {(role or '').lower()} "
    return any(f" {corporate} " in lowered for corporate in corporate_roles())


def _is_official(role: str | None) -> bool:
    if not role:
        return False
    lowered = role.lower()
    return any(f" {official} " in f" {lowered} " for official in official_roles())


def _is_public_body(name: str) -> bool:
    return any(word in public_body_words() for word in name.lower().replace("\u2019s", "").split())


def _initials(name: str) -> str:
    """ "U.S. Customs and Border Protection" -> "CBP": the capitals of its content words,
    without a leading state abbreviation."""
    words = [w for w in name.split() if w[:1].isupper() and "." not in w and w.lower() != "the"]
    return "".join(word[0] for word in words)


def _proper_run(head: Token) -> list[Token]:
    """A name's words the tagger left unmarked: the compounds before ``head``, then ``head``
    ("Big" + "Machine"); the callers check that every word is a proper noun."""
    return [t for t in head.subtree if t.i <= head.i and t.dep_ == "compound"] + [head]


GENERATIONS = {"jr", "sr", "ii", "iii", "iv"}


def _descriptor(word: str) -> str:
    """A describing word in one form: folded, a title's abbreviation written out ("Sen."),
    "GOP" as "republican"."""
    lowered = title_abbreviations().get(word.lower(), word).lower()
    return {"gop": "republican", "democrat": "democratic"}.get(lowered, lowered)


def _is_party_word(word: str) -> bool:
    return _descriptor(word) in party_words()


def _is_party_people(name: str) -> bool:
    """A party or its members ("Republicans"), as against a people ("African-American")."""
    return _is_party_word(name.removesuffix("s"))


def _is_place_word(word: str) -> bool:
    return _country_of_place(word.title()) is not None


def _in_clause_below(token: Token, head: Token) -> bool:
    """Whether ``token`` sits in a clause under ``head`` ("an officer who described the call with
    Zelenskiy"): a name there is what the clause talks about, not the phrase's apposition."""
    current = token
    while current.i != head.i and current.head.i != current.i:
        if current.dep_ in {"relcl", "acl", "ccomp", "advcl"}:
            return True
        current = current.head
    return False


def _bare(name: str) -> list[str]:
    """A name's words without a generational suffix ("Donald Trump Jr." is a Trump too)."""
    return list(_bare_words(name))


@lru_cache(maxsize=8192)
def _bare_words(name: str) -> tuple[str, ...]:
    """``_bare`` as a tuple, kept per name: every person is compared with every name looked up."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".,") in GENERATIONS:
        words = words[:-1]
    return tuple(words)


@lru_cache(maxsize=1)
def _bodies_and_media() -> frozenset[str]:
    """Known bodies and news outlets in one set (the union is asked for with every name)."""
    return known_bodies() | media_names()


@lru_cache(maxsize=1)
def _person_descriptions() -> frozenset[str]:
    """Nouns that describe a person without being a title ("businessman"), from titles.json."""
    return frozenset(data_json("titles.json")["person_descriptions"])


@lru_cache(maxsize=1)
def _kinship_nouns() -> frozenset[str]:
    """Relatives who usually share a surname ("husband", "daughter"), from titles.json."""
    return frozenset(data_json("titles.json")["kinship_nouns"])


@lru_cache(maxsize=1)
def _leading_verbs() -> frozenset[str]:
    """Verbs of leading a body ("heads", "runs", "founded"), from titles.json."""
    return frozenset(data_json("titles.json")["leading_verbs"])


def _likely_gender(person: _Entity) -> str | None:
    """What the article taught us of a person's gender, else what their first name suggests."""
    return person.gender or first_name_genders().get(person.name.split()[0].lower())


def _gender_of_pronoun(lower: str) -> str | None:
    if lower in MALE_PRONOUNS:
        return "m"
    if lower in FEMALE_PRONOUNS:
        return "f"
    return None


@dataclass
class SpeakerResolver:
    """Per-document registry of people and organisations, filled from the parse up front."""

    doc: Doc
    people: list[_Entity] = field(default_factory=list)
    history: list[tuple[int, Speaker]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._person_ent_cache: dict[tuple[int, int, int], bool] = {}
        self._person_names: dict[tuple[int, int], str] = {}
        self._text = doc_text(self.doc)
        self._quoted = quoted_mask(self._text)
        self._arrays = arrays_of(self.doc)
        self._ents: tuple[SpacySpan, ...] = tuple(self.doc.ents)  # spaCy walks the whole doc for each ``.ents``
        self._ent_of: dict[int, SpacySpan] = {}
        for ent in self._ents:
            for i in range(ent.start, ent.end):
                self._ent_of[i] = ent
        self._sentences: tuple[SpacySpan, ...] = tuple(self.doc.sents)
        self._sentence_of: list[int] = self._arrays.sentence_of
        self.country = self._document_country()
        self.institutions_country = self._institutions_country()
        self.region = self._document_region()
        self.main_body = self._document_body()
        self._organisations: dict[str, _Entity] = {}
        self._people_mentions: list[tuple[int, _Entity]] = []
        self._speakers: list[tuple[int, _Entity]] = []
        self._register_organisations()
        self._register_people()
        self._learn_genders()

    # ------------------------------------------------------------------ document
    def _document_country(self) -> str | None:
        """The country the story is set in: its dateline, else the country it names most."""
        first_line = self._text.lstrip()[:60]
        for mark in ("\u2013", "\u2014", " - ", "(", ":"):
            if mark in first_line:
                dateline = first_line.split(mark)[0].strip().rstrip(",")
                if dateline.isupper() and 0 < len(dateline.split()) <= 4:
                    country = _country_of_place(dateline.split(",")[0].title())
                    if country:
                        return country
        counts: Counter[str] = Counter()
        for ent in self._ents:
            if ent.label_ in PLACE_LABELS | ORG_LABELS | {"NORP"}:
                country = _country_of_body(ent.text)
                if country:
                    counts[country] += 1
        ranked = counts.most_common(2)
        if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None

    def _institutions_country(self) -> str | None:
        """The one state whose institutions the story names ("the White House", "Democrats"):
        where its officials without a country named belong."""
        counts: Counter[str] = Counter()
        for ent in self._ents:
            if ent.label_ in ORG_LABELS | {"NORP"} and not _country_of_place(ent.text):
                country = _country_of_body(ent.text)
                if country:
                    counts[country] += 1
        ranked = counts.most_common(2)
        if len(ranked) == 1 and ranked[0][1] >= 2:
            return ranked[0][0]
        return None

    def _document_body(self) -> str | None:
        """The company or body the story is about: the one it names clearly most often."""
        counts: Counter[str] = Counter()
        for ent in self._ents:
            if ent.label_ in ORG_LABELS and _strip_possessive(ent.text).lower() not in media_names():
                counts[_org_name(ent.text)] += 1
        ranked = counts.most_common(2)
        if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None

    def _document_region(self) -> str | None:
        """The state or province the story is about, for its governors and mayors."""
        counts: Counter[str] = Counter()
        for ent in self._ents:
            if ent.label_ in PLACE_LABELS and _clean_name(ent.text).lower() in place_countries():
                counts[_clean_name(ent.text)] += 1
        ranked = counts.most_common(2)
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None

    # ------------------------------------------------------------------ registry
    def _looks_like_person(self, ent: SpacySpan) -> bool:
        """A name the tagger took for a body that the text marks as a person."""
        words = ent.text.split()
        if words and words[-1].lower().rstrip(".,") in organisation_suffixes():
            return False
        if _honorific_before(self.doc, ent):
            return True
        if len(words) in {2, 3} and words[0].lower() in first_name_genders():
            return True
        if len(words) in {2, 3} and all(w[:1].isupper() for w in words) and self._surname_with_honorific(words[-1]):
            return True  # "Barack Obama" tagged as a body where the text also writes "Mr. Obama"
        if len(ent) in {3, 4} and self._name_tokens(ent).start > ent.start:
            return True  # "Ukraine Kurt Volker" tagged as one body: a given name and surname at its end
        if len(words) == 1 and self._is_tagged_surname(words[0]):
            return True  # "Trump said" tagged as a body where the text also tags "Trump" a person
        if len(words) == 1 and self._owns_a_campaign(words[0]):
            return True  # "Trump called for ..." tagged as a body in a text that writes "the Trump campaign"
        if len(words) in {2, 3} and self._after_a_person_role(ent):
            return True  # "Police spokeswoman Resila Onyango": a body has no spokeswoman's title
        after = self.doc[ent.end : ent.end + 2]
        return len(after) == 2 and after[0].text == "," and after[1].lower_ == "who"

    def _after_a_body_noun(self, ent: SpacySpan) -> bool:
        """A name right after the common noun for a body ("group Greenpeace Brasil")."""
        return ent.start > 0 and self.doc[ent.start - 1].lemma_.lower() in organisation_heads()

    def _after_a_person_role(self, ent: SpacySpan) -> bool:
        """A name of capitalised words right after a role word ("spokeswoman", "Minister"),
        none of them a body's word ("Council", "Police")."""
        if ent.start == 0 or not _is_role_word(self.doc[ent.start - 1].text):
            return False
        words = [t for t in ent if not t.is_punct]
        return all(t.text[:1].isupper() and t.lower_ not in organisation_heads() for t in words) and not any(
            t.lower_ in public_body_words() for t in words
        )

    def _is_tagged_surname(self, word: str) -> bool:
        """Whether the tagger calls ``word`` a person's name elsewhere in the text (alone, or as the
        last word of a full name), and no list knows it as a body's."""
        bare = _strip_possessive(word)
        if bare.lower() in _bodies_and_media() or bare.lower() in place_to_country():
            return False
        return bare.title() in self._person_surnames if bare.isupper() else bare in self._person_surnames

    @cached_property
    def _person_surnames(self) -> frozenset[str]:
        """The last word of every name the tagger marks as a person (before any other rule)."""
        found = set()
        for ent in self._ents:
            words = _bare(_strip_possessive(ent.text))
            if ent.label_ == "PERSON" and words and not any(t.lower_ in CASE_NAME_WORDS for t in ent):
                last = words[-1]
                found.add(last.title() if last.isupper() else last)
        return frozenset(found)

    def _owns_a_campaign(self, word: str) -> bool:
        """Whether the text writes ``word`` as the owner of a campaign ("the Trump campaign",
        "Sanders' campaign"): a candidate's surname, unless it is an acronym or a known body."""
        bare = _strip_possessive(word)
        if bare.isupper() or bare.lower() in _bodies_and_media() or bare.lower() in place_to_country():
            return False
        return bare in self._campaign_owners

    @cached_property
    def _campaign_owners(self) -> frozenset[str]:
        """Every capitalised word written right before "campaign" or before "'s campaign"."""
        found = set()
        for i in self._arrays.where_lower(["campaign"]):
            if i > 0:
                before = self.doc[i - 1]
                if before.text in {"'s", "’s", "'", "’"} and i > 1:
                    before = self.doc[i - 2]
                if before.text[:1].isupper() and before.is_alpha:
                    found.add(before.text)
        return frozenset(found)

    def _surname_with_honorific(self, word: str) -> bool:
        """Whether the text writes ``word`` after Mr/Mrs/Ms somewhere: a person's surname."""
        return word in self._after_honorifics

    @cached_property
    def _after_honorifics(self) -> frozenset[str]:
        """Every word written right after an honorific, found in one pass over the text (the
        question is asked for many names per document)."""
        honorifics = MALE_HONORIFICS | FEMALE_HONORIFICS
        after = [i + 1 for i in self._arrays.where_lower(honorifics) if i + 1 < len(self.doc)]
        return frozenset(self.doc[i].text for i in after)

    def _is_person_ent(self, ent: SpacySpan) -> bool:
        """Whether an entity names a person (asked for every entity many times per document,
        so the answer is kept while the set of known bodies it depends on stays the same: only
        a person entity's answer depends on it)."""
        key = (ent.start, ent.end, len(self._organisations) if ent.label_ == "PERSON" else -1)
        known = self._person_ent_cache.get(key)
        if known is None:
            known = self._person_ent_cache[key] = self._judge_person_ent(ent)
        return known

    def _judge_person_ent(self, ent: SpacySpan) -> bool:
        if any(t.lower_ in CASE_NAME_WORDS for t in ent):
            return False  # "Trump v. Trump": a court case named after its parties
        if ent.label_ == "PERSON":
            words = ent.text.split()
            if len(words) == 1 and _clean_name(ent.text).lower() in place_to_country():
                return False  # "Vilnius said": the tagger's person is a capital
            if _clean_name(ent.text).lower() in _bodies_and_media():
                return False  # "Twitter said", "Politico reported": a body the tagger took for a person
            if len(words) == 1 and ent.start > 0 and self.doc[ent.start - 1].lower_ == "the":
                return False  # "the Intelligencer": a person's name takes no article
            if len(words) == 1 and self._body_named_in_part(ent.text) is not None:
                return False  # "McAllister said" after "McAllister Co.": the company
            if self._after_a_body_noun(ent):
                return False  # "Environmental group Greenpeace Brasil": the noun says it is a body
            return not (len(words) > 1 and words[-1].lower().rstrip(".,") in organisation_suffixes())
        return ent.label_ in ORG_LABELS and self._looks_like_person(ent)

    def _register_people(self) -> None:
        """Every person named in the text, with role and organisation from each mention."""
        person_ents = [ent for ent in self._ents if self._is_person_ent(ent) and _clean_name(ent.text)]
        # full names first, so that a surname met before its full name still finds it
        for ent in sorted(person_ents, key=lambda e: -len(self._person_name(e).split())):
            name = self._person_name(ent)
            if self._find_person(name) is None:
                self.people.append(_Entity(name, SpeakerKind.PERSON))
        self._register_untagged_relatives()
        for ent in person_ents:
            person = self._find_person(self._person_name(ent), ent.start)
            if person is None:
                continue
            if ent.label_ in ORG_LABELS and len(ent) == 1:
                role, organisation = None, None  # a word the tagger took for a body: its parse is no guide
            else:
                role, organisation = self._role_and_organisation(ent)
            person.add(_leading_title(ent.text) or role, organisation)
            person.descriptors |= self._descriptors_of(ent)
            self._people_mentions.append((ent.root.i, person))
        self._people_mentions.extend(self._surname_mentions())
        for person in self.people:
            self._settle_affiliation(person)
        self._people_mentions.sort(key=lambda pair: pair[0])

    def _descriptors_of(self, ent: SpacySpan) -> set[str]:
        """The words one mention describes its person with: the premodifiers and title before
        the name ("Florida Sen.", "GOP front-runner") and an "of X" after it ("of Vermont")."""
        tokens = [*self._premodifiers(ent), *(t for t in ent if t.lower_ in honorifics() or _is_title_word(t.text))]
        after = self.doc[ent.end : ent.end + 2]
        if len(after) == 2 and after[0].lower_ == "of" and after[1].pos_ == "PROPN":
            tokens.append(after[1])
        return {_descriptor(t.text) for t in tokens if t.is_alpha or t.text.endswith(".")}

    def _settle_affiliation(self, person: _Entity) -> None:
        """Affiliation by the convention: an official speaks for their state (a governor for
        theirs), anyone else for their employer; a nationality ("British filmmaker") is only
        their country, and a party adjective ("Democratic candidate") part of the role."""
        organisation = person.organisation
        if organisation and organisation.lower() in party_words() and person.role:
            person.role = f"{organisation} {person.role}"
            person.organisation = None
        elif organisation and organisation in {c.name for c in countries()} and not _is_official(person.role):
            person.organisation = None
            person.country = organisation
        if person.organisation is None and _is_regional(person.role) and self.region:
            person.organisation = self.region
        if person.organisation is None and _is_corporate(person.role) and self.main_body:
            person.organisation = self.main_body  # "CEO Tim Cook" in a story about Apple
        person.country = person.country or self._country_for(person)

    def _untagged_given_name(self, token: Token) -> str | None:
        """ "Ivanka Trump" with neither word tagged: a known first name compounded onto a
        surname the article already gave a person; the full name, else None."""
        if token.i == 0 or token.pos_ != "PROPN":
            return None
        before = self.doc[token.i - 1]
        if (
            before.dep_ == "compound"
            and before.head.i == token.i
            and before.text[:1].isupper()
            and before.lower_ in first_name_genders()
            and self._ent(before) is None
        ):
            return f"{before.text} {token.text}"
        return None

    def _register_untagged_relatives(self) -> None:
        """A second bearer of a known surname whom the tagger missed is a person of their own."""
        surnames = {p.name.split()[-1] for p in self.people if len(p.name.split()) > 1}
        for i in self._arrays.where_text(surnames):
            if i not in self._ent_of:
                name = self._untagged_given_name(self.doc[i])
                if name and not any(p.name == name for p in self.people):
                    self.people.append(_Entity(name, SpeakerKind.PERSON))

    def _surname_mentions(self) -> list[tuple[int, _Entity]]:
        """Surnames the tagger did not mark ("Marsh disagreed"): mentions all the same."""
        surnames = {p.name.split()[-1]: p for p in self.people if len(p.name.split()) > 1}
        found = []
        # only a known surname can be one: the other words are passed over unread
        for i in self._arrays.where_text(surnames):
            if not self.doc[i].text[:1].isupper():
                continue
            ent = self._ent_of.get(i)
            if ent is not None and self._is_person_ent(ent):
                continue
            token = self.doc[i]
            full = self._untagged_given_name(token)
            person = next((p for p in self.people if p.name == full), None) if full is not None else None
            if person is None:
                person = self._find_person(token.text, token.i)  # several bearers: by honorific, then first named
            if person is not None and token.pos_ == "PROPN":
                found.append((token.i, person))
                # "Moor, the chairman of ...": a surname's appositive describes the person too
                for appos in (c for c in token.children if c.dep_ == "appos"):
                    person.add(*self._appositive_fields(appos, self.doc[token.i : token.i + 1]))
        return found

    def _find_person(self, name: str, at: int | None = None) -> _Entity | None:
        """The fullest registered person a (possibly partial) name refers to. When several
        share a surname ("Clinton": Hillary, Bill and Chelsea), an honorific at or before the
        mention at token ``at`` picks by gender ("Mr. Clinton"), then the one the article names
        first: the story's subject is introduced before the relatives who come into it, and
        relatives are named in full each time they return."""
        words = name.split()
        if not words:
            return None
        wanted, size = tuple(words), len(words)
        longer = [p for p in self.people if len(bare := _bare_words(p.name)) > size and bare[-size:] == wanted]
        if len(longer) > 1:
            gender = self._honorific_gender(at) or self._spouse_gender(at)
            agreeing = [p for p in longer if gender is None or _likely_gender(p) in {gender, None}]
            longer = agreeing or longer
            longer = self._by_generation(longer, at) or longer
            # a known gender that agrees beats an unknown one ("Mr. Clinton": Bill, not Chelsea)
            return min(longer, key=lambda p: (gender is not None and _likely_gender(p) is None, self._first_named(p)))
        if longer:
            return longer[0]
        exact = next((p for p in self.people if p.name == name), None)
        return exact or self._given_name_and_suffix(words)

    def _given_name_and_suffix(self, words: list[str]) -> _Entity | None:
        """ "Donald Jr.": the one person with that given name and that generational suffix."""
        if len(words) != 2 or words[1].lower().rstrip(".,") not in GENERATIONS:
            return None
        found = [
            p
            for p in self.people
            if len(p.name.split()) > 2 and p.name.split()[0] == words[0] and p.name.split()[-1] == words[1]
        ]
        return found[0] if len(found) == 1 else None

    def _honorific_gender(self, at: int | None) -> str | None:
        """The gender an honorific at token ``at`` or just before it gives ("Mrs. Clinton")."""
        if at is None:
            return None
        for index in (at, at - 1):
            if 0 <= index < len(self.doc):
                word = self.doc[index].lower_
                if word in FEMALE_HONORIFICS:
                    return "f"
                if word in MALE_HONORIFICS:
                    return "m"
        return None

    def _spouse_gender(self, at: int | None) -> str | None:
        """ "Clinton said as he introduced his wife": a mention followed in its own sentence by
        "his wife" is the husband, by "her husband" the wife (asked only when a couple shares
        the surname)."""
        if at is None or at >= len(self.doc):
            return None
        found = set()
        for token in self.doc[at + 1 : self._sentences[self._sentence_of[at]].end]:
            if token.i > 0 and not self._quoted[token.idx]:
                before = self.doc[token.i - 1].lower_
                if token.lower_ == "wife" and before == "his":
                    found.add("m")
                elif token.lower_ == "husband" and before == "her":
                    found.add("f")
        return found.pop() if len(found) == 1 else None

    def _by_generation(self, people: list[_Entity], at: int | None) -> list[_Entity]:
        """ "The younger Mr. Trump" is the bearer with a generational suffix (Jr., II), "the
        elder Mr. Trump" one without; any other mention keeps everyone."""
        if at is None:
            return people
        words = {self.doc[i].lower_ for i in (at - 2, at - 1) if 0 <= i < len(self.doc)}
        junior = [p for p in people if len(_bare(p.name)) < len(p.name.split())]
        if "younger" in words:
            return junior
        if words & {"elder", "older"}:
            return [p for p in people if p not in junior]
        return people

    def _first_named(self, person: _Entity) -> tuple[int, int]:
        """Where the text first writes a person's full name (never written: last), then the
        most often named first, for a stable order."""
        found = self._text.find(person.name)
        return (found if found >= 0 else len(self._text), -self._text.count(person.name))

    def _register_organisations(self) -> None:
        """Named bodies, so that an acronym ("CBP") finds the name written out."""
        for ent in self._ents:
            if self._is_body_ent(ent):
                name = _org_name(ent.text)
                if name and name not in self._organisations:
                    self._organisations[name] = _Entity(name, SpeakerKind.ORGANISATION)
                if name and ent.root.dep_ == "appos":
                    # "The European Union's border agency, Frontex": the owner is the parent body
                    self._organisations[name].add(None, self._owner_of(ent.root.head))

    def _full_organisation(self, name: str) -> str:
        """An acronym's written-out name when the text gives one, else the name itself."""
        if name.isupper() and 2 <= len(name) <= 6:
            for other in self._organisations:
                if other != name and len(other.split()) > 1 and _initials(other) == name.replace("&", ""):
                    return other
            return self._spelled_out(name) or name
        return name

    def _spelled_out(self, acronym: str) -> str | None:
        """An acronym's long form written anywhere in the text, tagged or not: capitalised words
        (with "and", "of", "for", "the" between) whose initials spell it ("Customs and Border
        Protection" for CBP)."""
        joiner = r"(?:\s+(?:and|of|for|the|&)\s+|\s+)"
        letters = [letter for letter in acronym if letter.isalpha()]  # "PG&E": Pacific Gas & Electric
        if len(letters) < 3:
            return None  # two capitals match too many phrases ("DH" is not "Department of Health")
        pattern = r"\b" + joiner.join(rf"{letter}[\w'\-]+" for letter in letters) + r"\b"
        match = re.search(pattern, self._text)
        return match.group(0) if match else None

    def _country_for(self, person: _Entity) -> str | None:
        """A person's state: their organisation's, or the story's for a public official (an
        envoy's destination is never it)."""
        for source in (person.organisation, person.role):
            country = _country_of_body(source) if source else None
            if country and country != _destination(person.role):
                return country
        official = _is_official(person.role) or (person.organisation and _is_public_body(person.organisation))
        story_country = self.country or self.institutions_country
        if official and story_country != _destination(person.role):
            return story_country
        return None

    def _learn_genders(self) -> None:
        """Gender from honorifics, then from the article's own pronouns, then first names."""
        votes: dict[int, Counter[str]] = {}
        by_sentence: dict[int, set[int]] = {}
        first_mentions: dict[int, int] = {}
        for index, person in self._people_mentions:
            sentence_index = self._sentence_of[index]
            by_sentence.setdefault(sentence_index, set()).add(id(person))
            first_mentions[sentence_index] = min(first_mentions.get(sentence_index, index), index)
        owner = {id(p): p for p in self.people}
        # only a gendered pronoun can vote: the other words of a sentence are not looked at
        pronouns = self._arrays.where_lower(MALE_PRONOUNS | FEMALE_PRONOUNS)
        for index, person in self._people_mentions:
            before = self.doc[index - 1] if index > 0 else None
            if before is not None and before.lower_ in FEMALE_HONORIFICS:
                person.gender = "f"
            elif before is not None and before.lower_ in MALE_HONORIFICS:
                person.gender = "m"
        for sentence_index, members in by_sentence.items():
            if len(members) != 1:
                continue
            person = owner[next(iter(members))]
            # the sentence has one person, so its first mention is theirs
            after = bisect_right(pronouns, first_mentions[sentence_index])
            end = self._sentences[sentence_index].end
            tokens = [self.doc[i] for i in pronouns[after : bisect_left(pronouns, end)]]
            if sentence_index + 1 not in by_sentence and sentence_index + 1 < len(self._sentences):
                tokens.append(self.doc[self._sentences[sentence_index + 1].start])  # "He said ..." opening the next
            for token in tokens:
                gender = _gender_of_pronoun(token.lower_)
                if gender and not self._quoted[token.idx] and not self._in_name(token):
                    votes.setdefault(id(person), Counter())[gender] += 1
        for person in self.people:
            if person.gender:
                continue
            person.gender = first_name_genders().get(person.name.split()[0].lower())
            counted = votes.get(id(person), Counter()).most_common()
            if person.gender is None and counted and (len(counted) == 1 or counted[0][1] >= 2 * counted[1][1]):
                person.gender = counted[0][0]

    def _in_name(self, token: Token) -> bool:
        """ "He Jianxiong": a pronoun-looking word that is part of a longer name."""
        ent = self._ent(token)
        if ent is not None and ent.label_ == "PERSON" and len(ent) > 1:
            return True
        following = self._ent_of.get(token.i + 1)
        return (
            token.text[:1].isupper()
            and token.dep_ == "compound"
            and following is not None
            and following.label_ == "PERSON"
            and following.start == token.i + 1
        )

    def _name_tokens(self, ent: SpacySpan) -> SpacySpan:
        """A long person entity from its first given name on ("Browns DL Sheldon Richardson")."""
        if len(ent) >= 3:
            for k in range(1, len(ent) - 1):
                if (
                    ent[k].lower_ in first_name_genders()
                    and ent[k - 1].lower_ not in first_name_genders()
                    and ent[k - 1].text != "-"
                ):
                    return ent[k:]
        return ent

    def _person_name(self, ent: SpacySpan) -> str:
        """The name a person entity holds, with a surname the tagger left out ("He Jianxiong");
        kept per entity, which is asked for several times while the people are registered."""
        key = (ent.start, ent.end)
        name = self._person_names.get(key)
        if name is None:
            name = self._person_names[key] = self._read_person_name(ent)
        return name

    def _read_person_name(self, ent: SpacySpan) -> str:
        name = _clean_name(self._name_tokens(ent).text)
        before = self.doc[ent.start - 1] if ent.start > 0 else None
        if before is not None and self._in_name(before) and before.lower_ in PERSON_PRONOUNS:
            return f"{before.text} {name}"
        if self._hyphenated_start(ent) < ent.start:
            return f"{self._text_of(list(self.doc[self._hyphenated_start(ent) : ent.start]))}{name}"
        if self._given_name_before(ent):
            return f"{self.doc[ent.start - 1].text} {name}"
        relative = self._relative_surname(ent)
        return f"{name} {relative}" if relative else name

    def _relative_surname(self, ent: SpacySpan) -> str | None:
        """ "Clinton's husband, Bill,": a lone given name set beside a kinship noun takes the
        surname of the person whose relative it is."""
        if len(ent) != 1 or ent.root.dep_ != "appos" or ent.text.lower() not in first_name_genders():
            return None
        kin = ent.root.head
        if kin.lemma_.lower() not in _kinship_nouns():
            return None
        owner = next((c for c in kin.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
        owner_ent = self._ent(owner) if owner is not None else None
        if owner_ent is None or owner_ent.label_ != "PERSON":
            return None
        words = _bare(_strip_possessive(owner_ent.text))
        return words[-1] if words and words[-1] != ent.text else None

    def _given_name_before(self, ent: SpacySpan) -> bool:
        """ "Ivanka Trump" tagged as "Trump" alone: a capitalised word compounded onto a one-word
        name, that is no title, role, honorific or entity of its own, is its given name."""
        if len(ent) != 1 or ent.start == 0:
            return False
        before = self.doc[ent.start - 1]
        return (
            before.dep_ == "compound"
            and before.head.i == ent.start
            and before.pos_ == "PROPN"
            and before.text[:1].isupper()
            and before.text.isalpha()
            and not before.text.isupper()
            and self._ent(before) is None
            and before.lower_ not in honorifics()
            and not _is_title_word(before.text)
            and not _is_role_word(before.text)
        )

    def _hyphenated_start(self, ent: SpacySpan) -> int:
        """Where a name begins when the tagger cut a hyphenated given name ("Rose-" + "Lynn Harlan")."""
        start = ent.start
        if (
            start >= 2
            and self.doc[start - 1].text == "-"
            and not self.doc[start - 1].whitespace_
            and not self.doc[start - 2].whitespace_
            and self.doc[start - 2].text[:1].isupper()
        ):
            return start - 2
        return start

    # ------------------------------------------------------------------ mentions
    def _ent(self, token: Token) -> SpacySpan | None:
        return self._ent_of.get(token.i)

    def _char_range(self, start: int, end: int) -> tuple[int, int]:
        """Where the words [start, end) begin and end in the text."""
        return self._arrays.starts[start], self._arrays.ends[end - 1]

    def _mention_tokens(self, head: Token) -> tuple[int, int]:
        """Token range [start, end) of the noun phrase headed by ``head``, without clauses."""
        start = head.i
        for child in head.lefts:
            if child.dep_ in PREMODIFIER_DEPS:
                start = min(start, child.left_edge.i)
        end = head.i + 1
        for child in head.rights:
            if child.dep_ in {"flat", "compound"} or (child.dep_ == "case" and child.i == end):
                end = max(end, child.right_edge.i + 1)
            elif child.dep_ == "cc" and child.i == end:
                continue
            elif child.dep_ == "conj" and child.i <= end + 1 and child.pos_ in {"PROPN", "NOUN"}:
                # "Clinton and husband Bill": both spoke
                end = max(end, child.i + 1)
            else:
                break
        ent = self._ent(head)
        if ent is not None:
            start, end = min(start, ent.start), max(end, ent.end)
        while start < head.i and self.doc[start].dep_ in {"punct", "cc"}:
            start += 1
        return start, end

    def _organisation_of(self, tokens: list[Token]) -> str | None:
        """The first body or place named among ``tokens`` (a place reads as its country)."""
        for position, token in enumerate(tokens):
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if following is not None and f"{token.lower_} {following.lower_}" in government_seats():
                return f"{token.text} {following.text}"  # "White House Russia adviser"
            ent = self._ent(token)
            if ent is not None and ent.label_ in ORG_LABELS:
                return self._full_organisation(self._org_with_tail(ent))
            if ent is not None and ent.label_ in PLACE_LABELS | {"NORP"}:
                country = place_to_country().get(_clean_name(ent.text).lower())
                people = _clean_name(ent.text)
                if country is None and ent.label_ == "NORP" and not _is_party_people(people):
                    continue  # "an African-American delegate": a people that is no state is no body
                return country or _clean_name(ent.text)
            country = place_to_country().get(token.text.lower())
            if country and token.text[:1].isupper():
                return country
        return None

    def _org_with_tail(self, ent: SpacySpan) -> str:
        """A body's name with the capitalised words the tagger cut off ("National Security" +
        "Council"), stopping at a title ("official") or a word in lower case."""
        end = ent.end
        while (
            end < len(self.doc)
            and self.doc[end].pos_ == "PROPN"
            and self.doc[end].text[:1].isupper()
            and not _is_title_word(self.doc[end].text)
            and self._ent(self.doc[end]) is None
            and end + 1 < len(self.doc)
            and self.doc[end + 1].pos_ in {"NOUN", "PROPN"}
        ):
            end += 1
        return _org_name(self.doc[ent.start : end].text)

    def _premodifiers(self, name_span: SpacySpan) -> list[Token]:
        """Words before a name that modify it: "Lithuanian Foreign Minister", "NASA's"."""
        name_start = self._hyphenated_start(name_span)
        if self._given_name_before(name_span):
            name_start -= 1
        start = name_start
        while start > 0:
            token = self.doc[start - 1]
            attached = start <= token.head.i < name_span.end and token.dep_ in {
                "compound",
                "amod",
                "poss",
                "nmod",
                "case",
                "det",
                "punct",
            }
            if token.text in {"'s", "\u2019s"}:
                start -= 1  # "NASA's Administrator": the owner comes next
                continue
            if _joins_a_word(token) and token.doc[token.i + 1].tag_ not in {"VBG", "VBN"}:
                # "front-runner", "co-CEO": one word written with a hyphen, taken whole ("Oscar-winning"
                # and "Texas-based" say what the role is known for, not who employs the speaker)
                start -= 2
                continue
            if token.dep_ == "punct" and token.text not in {"'", "\u2019"}:
                break
            if not (attached or _is_role_word(token.text)) or token.text in {",", "(", "\u2014", "\u2013"}:
                break
            start -= 1
        return list(self.doc[start:name_start])

    def _text_of(self, tokens: list[Token]) -> str:
        """The text from the first to the last token, as written ("VR/AR", "workers' union")."""
        if not tokens:
            return ""
        return self._text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]

    def _premodifier_fields(self, tokens: list[Token]) -> tuple[str | None, str | None]:
        """Role and organisation from premodifiers: the body's name, then the role words."""
        organisation = self._organisation_of(tokens)
        last_org = -1
        for position, token in enumerate(tokens):
            ent = self._ent(token)
            if ent is not None and ent.label_ in ORG_LABELS | PLACE_LABELS | {"NORP"} and not _is_role_word(token.text):
                last_org = position
            elif token.dep_ == "poss" or token.text in {"'s", "\u2019s"}:
                last_org = position
        if last_org < 0:
            # "Steelers defensive captain": capitalised words before the role name the body
            while (
                last_org + 1 < len(tokens)
                and tokens[last_org + 1].pos_ == "PROPN"
                and not _is_role_word(tokens[last_org + 1].text)
                and tokens[last_org + 1].lower_ not in honorifics()
                and last_org + 2 < len(tokens)
            ):
                last_org += 1
            if last_org >= 0 and organisation is None:
                organisation = self._text_of(tokens[: last_org + 1])
        rest = [t for t in tokens[last_org + 1 :] if t.lower_ not in honorifics()]
        while rest and (rest[0].pos_ not in {"NOUN", "PROPN", "ADJ"} or rest[0].dep_ in {"det", "poss", "case"}):
            if len(rest) > 1 and _joins_a_word(rest[1]) and rest[0].dep_ not in {"det", "poss", "case"}:
                break  # "co-author": the prefix stays with its word
            rest = rest[1:]
        while rest and rest[-1].dep_ == "punct":
            rest = rest[:-1]
        phrase = self._text_of(rest)
        role = _title_phrase(phrase)
        if organisation and role and organisation.lower() in role.lower().split()[:-1] and _is_portfolio_role(role):
            organisation = None  # "Defence Secretary John Healey": the portfolio is the role's, not a body
        if role is None and rest and all(self._ent(t) is None or self._ent(t).label_ == "PERSON" for t in rest):
            role = phrase if _describes_a_person(rest[-1]) else None  # "planetary geologist Rosaly Lopes"
        elif role is not None and len(rest) > len(role.split()) and all(t.text.islower() for t in rest):
            role = phrase  # "former special envoy": the role with its modifiers
        elif role is not None and all(_is_role_word(t.text) for t in rest):
            role = _expand_title(phrase)
        return role, organisation

    def _appositive_fields(self, appos: Token, name_span: SpacySpan) -> tuple[str | None, str | None]:
        """Role and organisation from "X, a trade professor at Cornell," / "X, Frontex's director".
        The role runs to the appositive's noun and its "of" phrase ("professor of physics"),
        unless that names the body ("president of SpaceX"); the body is the last "at/for X"."""
        if appos.pos_ != "NOUN" and _title_phrase(appos.text) is None:
            return None, None
        before = [t for t in appos.subtree if t.i < appos.i and not (name_span.start <= t.i < name_span.end)]
        organisation = None
        sending = appos.lemma_.lower() in sending_roles() or appos.lower_ in sending_roles()
        role_end = appos
        # "CEO and Founder of Ceres Robotics": the coordinated title's phrases count too
        phrases = [*appos.rights, *(r for c in appos.children if c.dep_ == "conj" for r in c.rights)]
        for child in phrases:
            if child.dep_ != "prep":
                continue
            if child.lower_ == "of" and role_end is appos:
                role_end, found = self._of_phrase(child, sending)
                organisation = found or organisation
            elif child.lower_ == "to" and sending and role_end is appos:
                role_end = max(child.subtree, key=lambda t: t.i)  # "envoy to Ukraine": part of the role
            elif child.lower_ in AFFILIATION_PREPS:
                if child.lower_ == "from" and any(t.ent_type_ in PLACE_LABELS for t in child.children):
                    continue  # "a rice farmer from Bilasipara": where the person is from, no employer
                # the last body named is the wider one ("at the Department ... at the University of York")
                organisation = self._last_body_in(list(child.subtree)) or organisation
            elif child.lower_ == "on" and organisation is None:
                # "a Ukraine specialist on the National Security Council": a named body only
                # ("an expert on China" is the subject)
                bodies = [self._ent(t) for t in child.subtree if self._ent(t) is not None]
                named = [ent for ent in bodies if ent.label_ in ORG_LABELS]
                organisation = self._full_organisation(self._org_with_tail(named[-1])) if named else None
        if organisation is None:
            organisation = self._organisation_of(before) or self._role_owner(appos)
        words = list(self.doc[before[0].i if before else appos.i : role_end.i + 1])
        while words and (words[0].dep_ in {"det", "poss", "case", "punct"} or self._ent(words[0]) is not None):
            words = words[1:]
        phrase = self._text_of(words)
        if not phrase or _title_phrase(phrase) is None:
            return None, organisation
        return _expand_title(phrase), organisation

    def _role_owner(self, role: Token) -> str | None:
        """The body that owns a role: "Edmunds' executive director" (a name the tagger left
        unmarked) or "the company's chief operating officer" (the body the text named)."""
        owner = next((c for c in role.children if c.dep_ == "poss"), None)
        if owner is None:
            return None
        if owner.pos_ == "PROPN" and owner.text[:1].isupper() and self._ent(owner) is None:
            run = _proper_run(owner)
            if all(t.pos_ == "PROPN" for t in run):
                return self._full_organisation(_strip_possessive(self._text_of(run)))
        if owner.pos_ == "NOUN" and owner.lemma_.lower() in organisation_heads():
            return self._described_body(owner)
        return None

    def _last_body_in(self, tokens: list[Token]) -> str | None:
        """The last named body among ``tokens`` (the widest of nested "at X at Y"), else any place."""
        bodies = [self._ent(t) for t in tokens if self._ent(t) is not None and self._ent(t).label_ in ORG_LABELS]
        if bodies:
            return self._full_organisation(self._org_with_tail(bodies[-1]))
        found = self._organisation_of(tokens)
        if found:
            return found
        # "at tech market research firm IDC": a name the tagger did not mark, after its noun
        names = [t for t in tokens if t.pos_ == "PROPN" and t.text[:1].isupper() and not _is_title_word(t.text)]
        if names and names[-1].i == max(t.i for t in tokens if t.pos_ in {"NOUN", "PROPN"}):
            run = [names[-1]]
            while run[0].i - 1 >= 0 and self.doc[run[0].i - 1] in names:
                run.insert(0, self.doc[run[0].i - 1])
            return self._text_of(run)
        return None

    def _described_after(self, end: int) -> bool:
        """A name followed by its own description (", the branding firm behind it"): the text
        says which body it is, so an acronym is not read as another body's initials."""
        after = self.doc[end : end + 5]
        if len(after) < 3 or after[0].text != "," or after[1].lower_ not in {"the", "a", "an"}:
            return False
        return any(t.lemma_.lower() in organisation_heads() for t in after[2:])

    def _name_after_common_noun(self, noun: Token) -> str | None:
        """The body named right after a common noun for its kind ("consultancy Vespucci
        Maritime", "the consultancy Nordic Data"), however the parser attached the name."""
        if noun.pos_ != "NOUN" or noun.i + 1 >= len(self.doc):
            return None
        ent = self._ent(self.doc[noun.i + 1])
        if ent is None or ent.label_ not in ORG_LABELS or ent.start != noun.i + 1:
            return None
        return self._full_organisation(_org_name(ent.text))

    def _of_phrase(self, of: Token, sending: bool) -> tuple[Token, str | None]:
        """Where a role's "of" phrase ends, and the body it names: "president of SpaceX" names
        the body, "local president of the prison workers' union" too, "professor of physics"
        only extends the role (up to an inner "at X", which names the body)."""
        pobj = next((t for t in of.children if t.dep_ == "pobj"), None)
        phrase = sorted(of.subtree, key=lambda t: t.i)
        for token in phrase[1:]:
            # "head of fundamental research at Kotak Securities", "research director of gaming
            # at tech market research firm IDC": the "at" body is the affiliation
            if token.dep_ == "prep" and token.lower_ in AFFILIATION_PREPS:
                found = self._last_body_in(list(token.subtree))
                if found:
                    return self.doc[token.i - 1], found
        if pobj is None:
            return of.head, None
        named = self._name_after_common_noun(pobj)
        if named is not None and not sending:
            return of.head, named  # "founder of consultancy Vespucci Maritime"
        ent = self._ent(pobj)
        if ent is not None and ent.label_ in ORG_LABELS and not sending:
            if self._described_after(ent.end):
                return of.head, _org_name(ent.text)  # "the CEO of DH, the branding firm": that DH, not another
            return of.head, self._full_organisation(_org_name(ent.text))
        if ent is None and pobj.pos_ == "PROPN" and pobj.text[:1].isupper() and not sending:
            run = _proper_run(pobj)
            name = self._text_of(run)
            if all(t.pos_ == "PROPN" for t in run) and place_to_country().get(name.lower()) is None:
                return of.head, self._full_organisation(name)  # "the CEO of DH": a name the tagger left unmarked
        if pobj.lemma_.lower() in organisation_heads():
            described = self._described_body(pobj)
            if described is not None:
                return of.head, described  # "a member of the group": the group the text named
            words = [t for t in pobj.subtree if t.i <= pobj.i and t.dep_ != "det"]
            return of.head, self._text_of(words)
        for token in phrase[1:]:
            if token.dep_ == "prep" and token.lower_ in AFFILIATION_PREPS:
                return self.doc[token.i - 1], None
        owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
        owner_ent = self._ent(owner) if owner is not None else None
        if owner_ent is not None and owner_ent.label_ in ORG_LABELS and not sending:
            # "member of the House Science Committee's space subcommittee": the owner is the body
            return of.head, self._full_organisation(_org_name(owner_ent.text))
        return phrase[-1], None

    def _role_and_organisation(self, name_span: SpacySpan) -> tuple[str | None, str | None]:
        head = name_span.root
        role = organisation = None
        inner = self._name_tokens(name_span)
        premodifiers = self._premodifiers(name_span) + list(name_span[: inner.start - name_span.start])
        if premodifiers:
            role, organisation = self._premodifier_fields(premodifiers)
        if organisation is None:
            chain_role, organisation = self._body_before_role(name_span)
            role = role or chain_role
        appositives = (
            [c for c in head.children if c.dep_ == "appos"]
            + self._conjunct_appositives(head)
            + self._copular_roles(head)
        )
        if head.dep_ == "appos":
            appositives.append(head.head)
        for appos in appositives:
            if self._ent(appos) is not None and self._ent(appos).label_ == "PERSON":
                continue
            appos_role, appos_organisation = self._appositive_fields(appos, name_span)
            # the appositive is the fuller description ("Rep. X, ranking member of ...")
            if appos_role and (role is None or len(appos_role) > len(role)):
                role = appos_role
            organisation = organisation or appos_organisation
        organisation = organisation or self._led_body(head)
        if organisation and inner.text in organisation:
            organisation = None  # "Ukraine Kurt Volker" tagged as one body: the person is not their own body
        return role, organisation or self._postmodifier_organisation(head)

    def _body_before_role(self, name_span: SpacySpan) -> tuple[str | None, str | None]:
        """ "Sabres captain Jack Eichel", "Salesforce founder and co-CEO Marc Benioff": a name
        written right before the role words that precede a person is the body they work for,
        however the parser attached it. The role words hold a known role; the body's words are
        capitalised names (a sentence's first word only when tagged as a body or capitalised
        elsewhere too), never a place, demonym, party, honorific or another person's surname."""
        start = self._hyphenated_start(name_span) - int(self._given_name_before(name_span))
        position = start - 1
        chain: list[Token] = []
        while position >= 0 and self._is_role_chain_word(self.doc[position]):
            chain.insert(0, self.doc[position])
            position -= 1
        while chain and (chain[0].lower_ in {"and", "&", "-"} or not chain[0].text[:1].isalnum()):
            chain = chain[1:]
        if not chain or _title_phrase(self._text_of(chain)) is None:
            return None, None
        body: list[Token] = []
        while position >= 0 and len(body) < 4 and self._is_body_word(self.doc[position]):
            body.insert(0, self.doc[position])
            position -= 1
        if not body or (position >= 0 and self.doc[position].text in {"'s", "\u2019s"}):
            return None, None
        name = self._text_of(body)
        if _country_of_place(name) is not None or name.lower() in party_words():
            return None, None
        return self._text_of(chain), self._full_organisation(name)

    def _is_role_chain_word(self, token: Token) -> bool:
        """A word of a role written before a name: a role word, a word in lower case, or the
        joints of "founder and co-CEO"."""
        if token.text in {"-", "&"} or token.lower_ in {"and", "co"}:
            return True
        if token.lower_ in honorifics() or self._ent(token) is not None and self._ent(token).label_ not in {"PERSON"}:
            return False
        return _is_role_word(token.text) or (token.text.islower() and token.pos_ in {"NOUN", "ADJ"})

    def _is_body_word(self, token: Token) -> bool:
        """A capitalised word of a body's name before a role (see ``_body_before_role``)."""
        text = token.text
        if not text[:1].isupper() or not text.replace(".", "").replace("&", "").isalnum():
            return False
        lowered = text.lower()
        if _is_role_word(text) or lowered in honorifics() or lowered in party_words() or lowered in demonyms():
            return False
        ent = self._ent(token)
        if ent is not None and ent.label_ in PLACE_LABELS | {"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL"}:
            return False
        if ent is not None and ent.label_ == "PERSON" and self._find_person(_clean_name(ent.text)) is not None:
            person = self._find_person(_clean_name(ent.text))
            if person is not None and len(person.name.split()) > 1:
                return False  # "Trump campaign manager": the owner is a person, not a body
        if token.is_sent_start:
            return (ent is not None and ent.label_ in ORG_LABELS) or self._capitalised_elsewhere(text)
        return True

    def _capitalised_elsewhere(self, word: str) -> bool:
        """Whether the text writes ``word`` capitalised inside a sentence too, as a name of its
        own ("The Wild could"), not as a word of a longer name ("Fox News")."""
        return any(
            not self.doc[i].is_sent_start and self._stands_alone(self.doc[i]) for i in self._arrays.where_text([word])
        )

    def _stands_alone(self, token: Token) -> bool:
        """No capitalised neighbour but a sentence's opening article ("The Wild could")."""
        doc = self.doc
        before = self.doc[token.i - 1] if token.i > 0 else None
        after = self.doc[token.i + 1] if token.i + 1 < len(doc) else None
        before_ok = before is None or not before.text[:1].isupper() or (before.is_sent_start and before.lower_ == "the")
        return before_ok and (after is None or not after.text[:1].isupper())

    def _led_body(self, head: Token) -> str | None:
        """ "Scott Paul, who heads the Alliance for American Manufacturing": the body a relative
        clause says the person leads, runs or founded is the one they speak for."""
        for clause in head.children:
            if clause.dep_ != "relcl" or clause.lemma_.lower() not in _leading_verbs():
                continue
            if not any(c.dep_ == "nsubj" and c.lower_ == "who" for c in clause.children):
                continue
            for obj in (c for c in clause.children if c.dep_ == "dobj"):
                ent = self._ent(obj)
                if ent is not None and ent.label_ in ORG_LABELS:
                    return self._full_organisation(_org_name(ent.text))
                # "who chairs the FNV Havens union": a body's name the tagger left unmarked
                names = [c for c in obj.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
                if names and obj.lemma_.lower() in organisation_heads():
                    return self._text_of([names[0].left_edge, obj])
        return None

    def _copular_roles(self, head: Token) -> list[Token]:
        """ "Hege is the CEO of DH": the role a sentence gives its subject, read as an apposition."""
        verb = head.head
        if head.dep_ != "nsubj" or verb.lemma_ != "be" or verb is head:
            return []
        found = []
        for child in verb.children:
            if child.dep_ == "attr" and child.pos_ in {"NOUN", "PROPN"} and _title_phrase(child.text) is not None:
                found.append(child)
        return found

    def _conjunct_appositives(self, head: Token) -> list[Token]:
        """ "Chris Early, senior vp partnerships at Ubisoft": an apposition the parser took for a
        conjunct. Only a common noun after a comma whose words hold a known role counts, so a
        list of people ("Ruiz, Berg and Lopes") never does."""
        found = []
        for child in head.children:
            if child.dep_ != "conj" or child.pos_ != "NOUN" or self._ent(child) is not None:
                continue
            words = sorted(child.subtree, key=lambda t: t.i)
            if words[0].i == 0 or self.doc[words[0].i - 1].text != ",":
                continue
            if _title_phrase(self._text_of([t for t in words if t.i <= child.i])) is not None:
                found.append(child)
        return found

    def _postmodifier_organisation(self, head: Token) -> str | None:
        """ "Rosaly Lopes of NASA's Jet Propulsion Laboratory": the body after the name."""
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in AFFILIATION_PREPS | {"of"}:
                pobj = next((t for t in child.children if t.dep_ == "pobj"), None)
                ent = self._ent(pobj) if pobj is not None else None
                if ent is not None and ent.label_ in ORG_LABELS:
                    return self._full_organisation(_org_name(ent.text))
        return None

    # ------------------------------------------------------------------ resolve
    def resolve(self, head: Token | None) -> Resolution:
        if head is None:
            return Resolution(None, None, "no speaker in the sentence")
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ in {"relcl", "acl"}:
            # "Barkley, who said ...": credit the antecedent, but point at "who" as written
            inner = self.resolve(head.head.head)
            relative = Span.of(self._text, head.idx, head.idx + len(head.text))
            return Resolution(inner.speaker, relative, f"relative pronoun: {inner.why}")
        lower = head.lower_
        if lower == "it" and head.dep_ == "nsubjpass":
            return Resolution(None, None, "impersonal passive: no speaker named")
        if head.pos_ == "PRON" and lower in unnamed_heads():
            # "Those in favour said", "Some argue": an unnamed group, not an antecedent
            start, end = self._mention_tokens(head)
            first, last = self._char_range(start, end)
            text = self._text[first:last]
            mention = Span.of(self._text, first, first + len(text))
            return self._remember(head, Resolution(Speaker(text, SpeakerKind.UNNAMED), mention, "vague source"))
        if not self._in_name(head) and (
            head.pos_ == "PRON" or lower in PERSON_PRONOUNS | THING_PRONOUNS | GROUP_PRONOUNS
        ):
            resolution = self._resolve_pronoun(head)
            person = self._person_named(resolution.speaker)
            if person is not None:
                self._speakers.append((head.i, person))  # "he said" goes on the speaker chain
            return resolution
        start, end = self._mention_tokens(head)
        mention = Span.of(self._text, *self._char_range(start, end))
        for rule in (
            self._as_state_government,
            self._as_coordination,
            self._as_owned_body,
            self._as_person,
            self._as_government_seat,
            self._as_country,
            self._as_organisation,
            self._as_place,
            self._as_apposition,
            self._as_document,
            self._as_title,
            self._as_person_description,
            self._as_description,
        ):
            resolution = rule(head, mention, start, end)
            if resolution is not None:
                return self._remember(head, resolution)
        return self._remember(head, self._as_plain_phrase(head, mention, start, end))

    def _as_state_government(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "The Chinese government", "the Trump administration", "the government" in a story set
        in one country: the state acting as a whole."""
        if head.lemma_.lower() not in GOVERNMENT_NOUNS or head.tag_ != "NN":
            return None
        country = None
        for child in head.children:
            if child.dep_ in {"compound", "amod", "poss", "nmod"}:
                country = country or _country_of_place(child.text)
                person = self._find_person(_clean_name(child.text)) if child.pos_ == "PROPN" else None
                if person is not None and _is_official(person.role):
                    country = country or person.country
        determiner = next((c.lower_ for c in head.children if c.dep_ == "det"), "")
        if country is None and determiner == "the" and len(list(head.children)) == 1:
            country = self.country
        if country is None:
            return None
        speaker = Speaker(country, SpeakerKind.GOVERNMENT, None, None, country)
        return Resolution(speaker, mention, "government of a state")

    def _as_owned_body(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "His campaign said", "Trump's campaign said": the campaign of the person its owner
        word stands for, named by that person's surname, so every article's way of writing it
        is one speaker ("Trump campaign")."""
        if head.lemma_.lower() not in owned_bodies() or head.tag_ != "NN":
            return None
        owner = next((c for c in head.children if c.dep_ == "poss"), None) or next(
            (c for c in head.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None
        )
        if owner is None:
            return None
        if owner.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS:
            found = self._resolve_person_pronoun(owner, Span.of(self._text, owner.idx, owner.idx + len(owner.text)))
        elif owner.pos_ == "PROPN":
            found = self._resolve_alone(owner)
        else:
            return None
        person = found.speaker if found is not None else None
        if person is not None and person.kind == SpeakerKind.PERSON:
            surname, owner_name, country = person.name.split()[-1], person.name, person.country
        elif owner.dep_ == "compound":
            # "the Sanders campaign": the tagger may call the surname a body; it is still the owner
            surname = owner_name = _strip_possessive(owner.text)
            country = None
        else:
            return None
        speaker = Speaker(f"{surname} {head.lower_}", SpeakerKind.UNNAMED, None, None, country)
        return Resolution(speaker, mention, f"owner's {head.lower_}: {owner_name}")

    def _as_coordination(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "Vindman and Williams said": one statement by both, never by the first alone; also
        when each has an apposition ("Boland, editor of the magazine, and Tims, a columnist,
        said"), where the parser hangs the second name on the first one's apposition."""
        holders = [head, *(c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN")]
        conjuncts = [
            c
            for holder in holders
            if any(c.dep_ == "cc" and c.lower_ == "and" for c in holder.children)
            for c in holder.children
            if c.dep_ == "conj" and c.pos_ == "PROPN"
        ]
        if not conjuncts:
            return None
        parts = []
        for token in [head, *conjuncts]:
            resolution = self._resolve_alone(token)
            if resolution is None or resolution.speaker is None:
                return None
            parts.append(resolution.speaker)
        kinds = {speaker.kind for speaker in parts}
        if len(kinds) != 1 or kinds & {SpeakerKind.UNKNOWN, SpeakerKind.UNNAMED}:
            return None
        shared = {speaker.organisation for speaker in parts}
        countries = {speaker.country for speaker in parts}
        name = " and ".join(speaker.name for speaker in parts)
        speaker = Speaker(
            name,
            kinds.pop(),
            None,
            shared.pop() if len(shared) == 1 else None,
            countries.pop() if len(countries) == 1 else None,
        )
        return Resolution(speaker, mention, "coordinated speakers")

    def _resolve_alone(self, token: Token) -> Resolution | None:
        """One conjunct resolved by the name rules, without the coordination around it."""
        start, end = token.i, token.i + 1
        ent = self._ent(token)
        if ent is not None:
            start, end = ent.start, ent.end
        mention = Span.of(self._text, *self._char_range(start, end))
        for rule in (self._as_person, self._as_country, self._as_organisation):
            resolution = rule(token, mention, start, end)
            if resolution is not None:
                return resolution
        return None

    def resolve_after_cue(self, cue_start: int, cue_end: int) -> Resolution:
        """A cue whose speaker the parse missed: the name after it in the same sentence
        ("says Early.", "wrote Fadem in a note", "said another witness, former adviser Fiona Hill")."""
        first = self._arrays.first_at(cue_start)
        cue = self.doc[first] if first < len(self.doc) else None
        if cue is None or cue.idx >= cue_end:
            return Resolution(None, None, "no speaker in the sentence")
        sentence = cue.sent
        after = [t for t in sentence if t.idx >= cue_end and not self._quoted[t.idx]]
        people = {index for index, _ in self._people_mentions}
        surnames = {p.name.split()[-1]: p for p in self.people}
        for token in reversed(self.doc[sentence.start + 1 : cue.i]):
            # "but Early still says ...": a surname that is also an adverb, read as one
            if token.pos_ not in {"ADV", "AUX", "PART"}:
                break
            if token.text in surnames and token.text[:1].isupper() and not self._quoted[token.idx]:
                speaker = self._person_speaker(self._find_person(token.text, token.i) or surnames[token.text])
                mention = Span.of(self._text, token.idx, token.idx + len(token.text))
                return self._remember(token, Resolution(speaker, mention, "named before the cue: surname"))
        for token in after[:AFTER_CUE_WINDOW]:
            ent = self._ent(token)
            if token.text in surnames and token.text[:1].isupper() and ent is None:
                # "says Early.": a surname the tagger read as another word
                speaker = self._person_speaker(self._find_person(token.text, token.i) or surnames[token.text])
                mention = Span.of(self._text, token.idx, token.idx + len(token.text))
                return self._remember(token, Resolution(speaker, mention, "named after the cue: surname"))
            if token.i in people or (ent is not None and self._is_person_ent(ent)):
                found = self.resolve(ent.root if ent is not None else token)
                if found.speaker is not None:
                    return Resolution(found.speaker, found.mention, f"named after the cue: {found.why}")
            if token.pos_ in {"DET", "ADJ", "ADV", "PUNCT", "NUM"} or _is_title_word(token.text):
                continue  # "said former adviser ...", "says, simply, ..."
            if token.pos_ in {"NOUN", "PROPN"} and token.lemma_.lower() in unnamed_heads() | role_words():
                found = self._as_apposition(token, Span.of(self._text, token.idx, token.idx + len(token.text)), 0, 0)
                if found is not None and found.speaker is not None:
                    return Resolution(found.speaker, found.mention, f"named after the cue: {found.why}")
            break  # the first word after the cue is not a name: the content, not its speaker
        subject = self._shared_subject(cue_start, cue_end)
        if subject is not None:
            found = self.resolve(subject)
            if found.speaker is not None and found.speaker.kind != SpeakerKind.UNKNOWN:
                return Resolution(
                    found.speaker, found.mention, f"subject of the clause the cue belongs to: {found.why}"
                )
        return Resolution(None, None, "no speaker in the sentence")

    def _shared_subject(self, cue_start: int, cue_end: int) -> Token | None:
        """The subject a cue without one of its own shares: the subject of the verb it is joined
        to ("Trump denounced her record and said ..."), that controls it ("went on to criticize")
        or whose clause it modifies ("..., calling it a necessity"; "Claiming X, Trump told Fox");
        failing that, the name that opens the sentence ("Trump, later alleging ..., said"), which
        the parser may leave without a verb."""
        tokens = list(self.doc[self._arrays.first_at(cue_start) : self._arrays.first_at(cue_end)])
        verb = next((t for t in tokens if t.pos_ in {"VERB", "AUX"}), tokens[-1] if tokens else None)
        if verb is None or self._quoted[verb.idx]:
            return None
        current = verb
        while True:
            subject = next((c for c in current.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is not None:
                return None if self._quoted[subject.idx] or subject.lower_ in RELATIVE_PRONOUNS else subject
            if current.dep_ not in {"conj", "advcl", "xcomp"} or current.head is current:
                break
            current = current.head
        sentence = verb.sent
        if verb.i == sentence.start and verb.tag_ == "VBG":
            # an opening participle clause: the main clause's subject
            return next((c for c in sentence.root.children if c.dep_ == "nsubj"), None)
        opener = next((t for t in sentence if not t.is_punct and not t.is_space), None)
        if opener is None or opener.i >= verb.i or self._quoted[opener.idx] or not opener.text[:1].isupper():
            return None
        while opener.dep_ in {"compound", "amod", "nmod", "poss"} and opener.head.i > opener.i:
            opener = opener.head  # "GOP front-runner Donald Trump": the phrase's head, not its first word
        if opener.i >= verb.i:
            return None
        ent = self._ent(opener)
        named = (ent is not None and ent.end == opener.i + 1) or opener.text in {
            p.name.split()[-1] for p in self.people
        }
        return opener if named and opener.pos_ in {"PROPN", "NOUN", "ADJ"} else None

    def _person_speaker(self, person: _Entity) -> Speaker:
        return Speaker(person.name, SpeakerKind.PERSON, person.role, person.organisation, person.country)

    def _as_person(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """A person's name, a surname of one, or a name the tagger took for a body or a place."""
        ent = self._ent(head)
        if ent is not None and self._is_person_ent(ent):
            name = self._person_name(ent)
            person = self._find_person(name, ent.start)
            if person is None:
                person = _Entity(name, SpeakerKind.PERSON)
                self.people.append(person)
            why = "surname of earlier full mention"
            if person.name == name:
                why = "named in full"
            if len(person.name.split()) == 1:
                why = "single name"
            return Resolution(self._person_speaker(person), mention, why)
        if not head.text[:1].isupper():
            return None
        name = _clean_name(ent.text if ent is not None else self.doc[start:end].text)
        person = self._find_person(name, start) if name else None
        if person is None and head.text[:1].isupper() and head.text != name:
            person = self._find_person(head.text)  # "NPR's Feng" tagged as one body
        if person is not None and name[:1].isupper():
            return Resolution(self._person_speaker(person), mention, "surname of earlier full mention")
        return None

    def _as_government_seat(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "The White House said": the seat of a government speaks for its country."""
        phrase = _strip_possessive(self.doc[start:end].text).lower()
        for seat, country in government_seats().items():
            if phrase == seat or phrase.endswith(f" {seat}") and phrase.startswith("the "):
                speaker = Speaker(country, SpeakerKind.GOVERNMENT, None, None, country)
                return Resolution(speaker, mention, "seat of government stands for its country")
        return None

    def _as_country(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """A country or its capital as speaker stands for that country's government."""
        ent = self._ent(head)
        if not head.text[:1].isupper():
            return None
        place = place_to_country().get(_clean_name(ent.text if ent is not None else head.text).lower())
        if place is None or (ent is not None and self._is_person_ent(ent)):
            return None
        body = self._ent(self.doc[head.i - 1]) if head.i > 0 and self.doc[head.i - 1].dep_ == "compound" else None
        if body is not None and body.label_ in ORG_LABELS and body.end == head.i:
            # "Amnesty International Kenya said": the body's branch in that country, not its government
            name = self._text_of([self.doc[body.start], head])
            return Resolution(Speaker(name, SpeakerKind.ORGANISATION, None, None, place), mention, "organisation named")
        why = "capital stands for its government" if head.lower_ in capitals() else "country as government"
        return Resolution(Speaker(place, SpeakerKind.GOVERNMENT, None, None, place), mention, why)

    def _as_organisation(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """A named body (media included: the convention counts them as organisations)."""
        ent = self._ent(head)
        if ent is None:
            if head.pos_ == "PROPN" and _strip_possessive(mention.text).lower() in media_names():
                name = _clean_name(mention.text)
                return Resolution(Speaker(name, SpeakerKind.ORGANISATION), mention, "news outlet named")
            return None
        is_suffixed = ent.label_ == "PERSON" and ent.text.split()[-1].lower().rstrip(".,") in organisation_suffixes()
        is_media = {_strip_possessive(ent.text).lower(), _clean_name(ent.text).lower()} & media_names()
        is_known = _clean_name(ent.text).lower() in known_bodies()
        is_introduced = ent.label_ == "PERSON" and self._after_a_body_noun(ent)
        if ent.label_ not in ORG_LABELS and not (is_suffixed or is_media or is_known or is_introduced):
            return None
        # "the Associated Press" keeps "Press": a known name is never cut at a role word
        name = _clean_name(ent.text) if is_media or is_known else self._full_organisation(_org_name(ent.text))
        country = self.country if _is_public_body(name) else None
        # "US Embassy", "Chinese Foreign Ministry": the state named at the front, inside the name
        # or just before it ("the Chinese CDC"), before what the name alone suggests
        before = self.doc[ent.start - 1] if ent.start > 0 else None
        named_state = (
            _country_of_place(before.text)
            if before is not None and before.dep_ in {"amod", "compound"} and before.text[:1].isupper()
            else None
        )
        country = named_state or _country_of_body(name) or _country_of_place(name.split()[0]) or country
        why = "news outlet named" if is_media else "organisation named"
        return Resolution(self._body_speaker(name, country), mention, why)

    def _as_place(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """A state or province speaks for its government; an unknown "place" is a body."""
        ent = self._ent(head)
        if ent is None or ent.label_ not in PLACE_LABELS:
            return None
        name = _clean_name(ent.text)
        country = place_countries().get(name.lower())
        if country is not None:
            speaker = Speaker(name, SpeakerKind.GOVERNMENT, None, None, country)
            return Resolution(speaker, mention, "state or region as government")
        # the tagger's place that no list knows ("Netflix said"): a body, not a government
        return Resolution(Speaker(name, SpeakerKind.ORGANISATION), mention, "name the tagger took for a place")

    def _as_apposition(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """An appositive may hold the name: "the EU's border agency, Frontex, said"."""
        for child in head.children:
            if child.dep_ == "appos":
                child_ent = self._ent(child)
                if child_ent is not None and child_ent.label_ in NAME_LABELS - {"NORP"}:
                    inner = self.resolve(child)
                    if inner.speaker is not None:
                        self.history.pop()
                        return Resolution(inner.speaker, inner.mention, "named in apposition")
        if head.pos_ == "NOUN" and (head.lemma_.lower() in unnamed_heads() or head.lemma_.lower() in role_words()):
            # "said another witness in the probe, former adviser Fiona Hill": a person named
            # in apposition further along the same phrase
            titled = _is_role_word(head.text)
            for token in head.subtree:
                ent = self._ent(token)
                named = token.dep_ == "appos" or (titled and token.dep_ in {"compound", "pobj", "nmod"})
                if (
                    token.i > head.i
                    and named
                    and ent is not None
                    and self._is_person_ent(ent)
                    and not _in_clause_below(token, head)
                ):
                    inner = self.resolve(token)
                    if inner.speaker is not None:
                        self.history.pop()
                        return Resolution(inner.speaker, inner.mention, "named in apposition")
        return None

    def _owner_of(self, description: Token) -> str | None:
        """The body or state owning a description ("the European Union's border agency")."""
        owner = next((c for c in description.children if c.dep_ == "poss"), None)
        ent = self._ent(owner) if owner is not None else None
        if ent is None or ent.label_ not in ORG_LABELS | PLACE_LABELS:
            return None
        return self._full_organisation(_org_name(ent.text))

    def _body_speaker(self, name: str, country: str | None) -> Speaker:
        """A named body as speaker, with the parent the text gives it anywhere."""
        body = self._organisations.get(name)
        parent = body.organisation if body is not None else None
        country = country or (_country_of_body(parent) if parent else None)
        return Speaker(name, SpeakerKind.ORGANISATION, None, parent, country)

    def _author_of(self, noun: Token) -> Resolution | None:
        """Who issued a document: "X's statement", "a report by X", "X said in a statement"."""
        for child in noun.children:
            if child.dep_ == "poss" and (self._ent(child) is not None or child.pos_ == "PROPN"):
                return self.resolve(child)
            if child.dep_ == "prep" and child.lower_ in {"by", "from", "of"}:
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and (self._ent(pobj) is not None or pobj.pos_ == "PROPN"):
                        return self.resolve(pobj)
        verb = noun.head
        if noun.dep_ == "pobj":
            verb = noun.head.head
            if verb.dep_ == "dobj" and verb.pos_ in {"NOUN", "PROPN"}:
                verb = verb.head  # "denied the allegations in a statement": the parser hung it on the object
        if noun.dep_ in {"dobj", "pobj"} and verb.pos_ in {"VERB", "AUX"}:
            for child in verb.children:
                # a passive verb's subject is who got the document ("Employees were sent a
                # letter"); its agent, when named, is who sent it
                if child.dep_ == "agent":
                    child = next((c for c in child.children if c.dep_ == "pobj"), None)
                elif child.dep_ != "nsubj":
                    continue
                if child is not None and child.lower_ not in PERSON_PRONOUNS | GROUP_PRONOUNS:
                    return self.resolve(child)
        return None

    def _as_document(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """A document's author is the body that issued it; a definite one was issued earlier."""
        if head.lemma_.lower() not in document_heads() and head.lower_ not in document_heads():
            return None
        author = self._author_of(head)
        if author is not None and author.speaker is not None:
            if self.history and self.history[-1][1] == author.speaker:
                self.history.pop()
            return Resolution(author.speaker, mention, "document's author")
        determiner = next((c.lower_ for c in head.children if c.dep_ == "det"), "")
        mentioned_before = False
        if determiner in DEFINITE and head.tag_ == "NN":
            for earlier in reversed(self.doc[max(0, head.i - 400) : head.i]):
                if earlier.lemma_ == head.lemma_ and earlier.i != head.i and not self._quoted[earlier.idx]:
                    found = self._author_of(earlier)
                    if found is not None and found.speaker is not None:
                        if self.history and self.history[-1][1] == found.speaker:
                            self.history.pop()
                        return Resolution(found.speaker, mention, "document issued earlier by a named author")
                    definite = any(c.dep_ == "det" and c.lower_ in DEFINITE for c in earlier.children)
                    if earlier.pos_ != "NOUN" or definite:
                        # "emailed supporters" is no email mentioned; "The statement, obtained by
                        # Variety, ..." is the same one again
                        continue
                    # "the statement" is the latest one the reporter brought in ("denied it in a
                    # statement"): when its author cannot be told, an older one's author is a guess
                    mentioned_before = True
                    break
        if determiner in DEFINITE and not mentioned_before:
            issuer = self._issuer_before(head)
            if issuer is not None:
                return Resolution(issuer, mention, "document issued earlier by a named author")
        organisation = self._organisation_of([t for t in head.subtree if t.i != head.i])
        text = _strip_possessive(mention.text)
        country = self.country if _is_public_body(text) else None
        speaker = Speaker(text, SpeakerKind.UNNAMED, None, organisation, country)
        return Resolution(speaker, mention, "document without a named author")

    def _issuer_before(self, head: Token) -> Speaker | None:
        """ "X wrote to officials. The letter said": the named subject of the nearest earlier
        verb of issuing (write, send, release ...) a few sentences back."""
        here = self._sentence_of[head.i]
        for position in range(head.i - 1, -1, -1):
            token = self.doc[position]
            if here - self._sentence_of[token.i] > ISSUER_WINDOW:
                return None
            if token.pos_ == "VERB" and token.lemma_.lower() in ISSUING_VERBS:
                subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
                ent = self._ent(subject) if subject is not None else None
                if ent is not None and ent.label_ in NAME_LABELS - {"NORP"}:
                    found = self.resolve(subject)
                    if found.speaker is not None:
                        self.history.pop()
                        return found.speaker
        return None

    def _as_title(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "The president said": the person this text gave that title."""
        if not (head.lower_ in role_words() or _title_phrase(mention.text)):
            return None
        if head.tag_ in {"NNS", "NNPS"} or head.pos_ == "PROPN" and head.dep_ == "compound":
            return None
        determiner = next((c.lower_ for c in head.children if c.dep_ in {"det", "poss"}), "the")
        if determiner not in DEFINITE | {"his", "her", "its", "their"} and head.pos_ != "PROPN":
            return None
        modifiers = [t for t in self.doc[start:end] if t.i < head.i and t.text[:1].isupper() and t.i != start]
        person = self._person_with_role(mention.text, head.idx, modifiers)
        if person is None:
            return None
        return Resolution(self._person_speaker(person), mention, "title of earlier full mention")

    def _as_person_description(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "The billionaire businessman said", "the Florida senator": a definite description of a
        person refers back to the person the text is about, the most salient one named in the last
        few sentences; when two are about as salient, or the description's own words ("Florida")
        name another place or body than theirs, nobody."""
        if head.lower_ not in _person_descriptions() or head.tag_ != "NN" or self._in_name(head):
            return None
        determiner = next((c for c in head.children if c.dep_ in {"det", "poss"}), None)
        if determiner is None or determiner.lower_ != "the" or any(c.dep_ == "poss" for c in head.children):
            return None
        modifiers = [t for t in self.doc[start:end] if t.i < head.i and t.text[:1].isupper() and t.i != start]
        person = self._salient_person(head, modifiers)
        if person is None:
            return None
        return Resolution(self._person_speaker(person), mention, "description of the person the text is about")

    def _salient_person(self, head: Token, modifiers: list[Token]) -> _Entity | None:
        """The person most salient before ``head`` (recent, a subject, the last speaker) whose
        fields agree with the capitalised ``modifiers``; None on a near tie."""

        def fits(person: _Entity) -> bool:
            if len(person.name.split()) < 2 or not self._agrees_with(person, modifiers):
                return False
            titled = head.lower_ in person.descriptors or (person.role and head.lower_ in person.role.lower())
            # "the senator" is no "governor"; a "Republican rival" holds no title the nominee's contradicts
            office = person.role is not None and any(_is_role_word(w) for w in person.role.split())
            return not (_is_role_word(head.text) and office and not titled)

        scores, owner = self._salience(head, fits)
        last = self._last_speaker(head, None)
        if last is not None and id(last) in scores:
            scores[id(last)] += LAST_SPEAKER_BONUS
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if not ranked or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 1):
            return None
        return owner[ranked[0][0]]

    def _salience(
        self,
        head: Token,
        admits: Callable[[_Entity], bool],
        weakness: Callable[[_Entity], float] = lambda person: 0.0,
    ) -> tuple[dict[int, float], dict[int, _Entity]]:
        """How salient each earlier person ``admits`` takes is at ``head`` (by ``id``, with the
        person): their best mention within the pronoun window, more recent and a subject scoring
        higher, less ``weakness``; a name inside a quotation the head is not in does not count
        (it is not who goes on speaking)."""
        here = self._sentence_of[head.i]
        scores: dict[int, float] = {}
        owner: dict[int, _Entity] = {}
        for index, person in self._people_mentions:
            if index >= head.i:
                break
            distance = here - self._sentence_of[index]
            if distance > PRONOUN_WINDOW or (self._quoted[self.doc[index].idx] and not self._quoted[head.idx]):
                continue
            if not admits(person):
                continue
            token = self.doc[index]
            score = PRONOUN_WINDOW + 1 - distance - weakness(person)
            if token.dep_ in {"nsubj", "nsubjpass"} or token.head.dep_ in {"nsubj", "nsubjpass"}:
                score += 1.5
            scores[id(person)] = max(scores.get(id(person), 0.0), score)
            owner[id(person)] = person
        return scores, owner

    def _agrees_with(self, person: _Entity, modifiers: list[Token]) -> bool:
        """Whether a description's capitalised words ("Florida", "GOP") fit what the text says of
        a person: a place or body among them must be in their role, organisation or country."""
        fields = " ".join(filter(None, [person.role, person.organisation, person.country]))
        known = {_descriptor(w) for w in fields.split()} | person.descriptors
        for token in modifiers:
            named = _country_of_place(token.text) is not None or token.ent_type_ in ORG_LABELS | PLACE_LABELS
            party = token.lower_ in party_words() or token.ent_type_ == "NORP"
            if (named or party) and _descriptor(token.text) not in known:
                return False  # "the Democratic front-runner" is nobody the text calls a Republican
        return True

    def _as_description(self, head: Token, mention: Span, start: int, end: int) -> Resolution | None:
        """ "The company said": the body the text last named, when the description is definite."""
        name = self._described_body(head)
        if name is None:
            return None
        country = _country_of_body(name) or (self.country if _is_public_body(name) else None)
        if head.lower_ == "party" and self._names_itself(head, name):
            # "the opposition Congress party" is a party named like a state's institution: its
            # name keeps "party", and the institution's country is not its country
            name, country = f"{name} party", None
        speaker = self._body_speaker(name, country)
        return Resolution(speaker, mention, "description of the body last named")

    def _names_itself(self, head: Token, name: str) -> bool:
        """Does the description carry the body's own name ("the Congress party")?"""
        inside = " ".join(t.text for t in head.subtree if t.i < head.i and t.dep_ == "compound")
        return bool(inside) and inside.endswith(name)

    def _described_body(self, head: Token) -> str | None:
        """The named body a definite description ("the company", "the group") stands for: the
        nearest earlier one whose name echoes the description's words, else the nearest."""
        determiner = next((c.lower_ for c in head.children if c.dep_ == "det"), "")
        if head.lower_ in _person_descriptions():
            return None  # "the GOP front-runner" is a person, whatever body its words echo
        named = self._appositive_body(head)
        if named is not None:
            return named  # "The group that owns her music, Big Machine, says": named on the spot
        if determiner in {"a", "an", "another"} and head.lemma_.lower() in organisation_heads():
            return self._body_introduced_near(head)  # "A group of physicians ... The group, X, ..."
        if determiner not in DEFINITE:
            return None
        generic = head.lemma_.lower() in organisation_heads() and head.tag_ == "NN"
        if not generic and head.pos_ not in {"NOUN", "PROPN"}:
            return None
        bodies = []
        introduced = []  # bodies the text introduced with this very noun ("a group, X," / "the X group")
        for ent in reversed([e for e in self._ents if e.end <= head.i and self._is_body_ent(e)]):
            if self._sentence_of[head.i] - self._sentence_of[ent.start] > DESCRIPTION_WINDOW:
                break
            if _strip_possessive(ent.text).lower() not in media_names():
                name = self._full_organisation(_org_name(ent.text))
                bodies.append(name)
                if self._introduced_as(ent, head.lemma_.lower()):
                    introduced.append(name)
        if introduced:
            return introduced[0]
        if not bodies:
            return None
        start, end = self._mention_tokens(head)
        words = {t.lower_[:5] for t in self.doc[start:end] if t.pos_ in {"NOUN", "PROPN"}}
        echoed = next((b for b in bodies if words & {w.lower()[:5] for w in b.split()}), None)
        if echoed is not None:
            return echoed
        # any definite noun may echo a name ("the doctors", "The Chronicle"); only a generic
        # one ("the company") stands for the nearest body of its kind
        return _nearest_of_its_kind(head.lemma_.lower(), bodies) if generic else None

    def _body_introduced_near(self, head: Token) -> str | None:
        """The nearest body, before or after, that the text introduces with the same noun."""
        here = self._sentence_of[head.i]
        near = [
            e
            for e in self._ents
            if self._is_body_ent(e) and abs(self._sentence_of[e.start] - here) <= DESCRIPTION_WINDOW
        ]
        near.sort(key=lambda e: abs(e.start - head.i))
        for ent in near:
            if self._introduced_as(ent, head.lemma_.lower()):
                return self._full_organisation(_org_name(ent.text))
        return None

    def _introduced_as(self, ent: SpacySpan, lemma: str) -> bool:
        """Whether a body's name stands in apposition to, or is named by, a noun with ``lemma``
        ("a group of doctors, Doctors for Camp Closure" / "the advocacy group Doctors ...")."""
        root = ent.root
        neighbours = [root.head, *root.children] if root.dep_ in {"appos", "compound", "attr"} else list(root.children)
        neighbours += [t for t in root.head.children if t.dep_ == "appos"] if root.dep_ == "appos" else []
        return any(
            t.lemma_.lower() == lemma and t.pos_ == "NOUN" for t in neighbours if not (ent.start <= t.i < ent.end)
        )

    def _appositive_body(self, head: Token) -> str | None:
        """The body an organisation noun is set beside: "the company that runs the show, Dick
        Clark Productions," is Dick Clark Productions."""
        if head.lemma_.lower() not in organisation_heads():
            return None
        # the parser may hang the name on the relative clause's last noun ("The company that
        # runs the AMAs, Dick Clark Productions, denies"): a body named there, right before the
        # comma that closes the subject, is set beside the head too
        relative = [t for c in head.children if c.dep_ == "relcl" for t in c.subtree if t.dep_ == "appos"]
        for token in relative[-1:]:
            ent = self._ent(token)
            after = max(token.subtree, key=lambda t: t.i).i + 1
            if ent is not None and self._is_body_ent(ent) and after < len(self.doc) and self.doc[after].text == ",":
                return self._full_organisation(_org_name(ent.text))
        for child in head.children:
            if child.dep_ != "appos":
                continue
            ent = self._ent(child)
            if ent is not None and self._is_body_ent(ent):
                return self._full_organisation(_org_name(ent.text))
            if ent is None and child.pos_ == "PROPN" and child.text[:1].isupper():
                # a name the tagger left unmarked ("Big Machine"): the proper-noun run it heads
                run = _proper_run(child)
                if all(t.pos_ == "PROPN" for t in run) and run[-1].i - run[0].i == len(run) - 1:
                    return self._full_organisation(self._text_of(run))
        return None

    def _is_body_ent(self, ent: SpacySpan) -> bool:
        """An entity naming a body: the tagger's ORG, or a "person" whose name ends like a body's."""
        if ent.label_ in ORG_LABELS:
            return not self._is_person_ent(ent)
        words = ent.text.split()
        return ent.label_ == "PERSON" and len(words) > 1 and words[-1].lower().rstrip(".,") in organisation_suffixes()

    def _as_plain_phrase(self, head: Token, mention: Span, start: int, end: int) -> Resolution:
        """What no rule above names: a vague source, an unnamed body, a titled name, a phrase."""
        doc = self.doc
        organisation = self._phrase_affiliation(head)
        text = _strip_possessive(mention.text)
        lemma = head.lemma_.lower()
        if lemma in unnamed_heads() or head.lower_ in unnamed_heads():
            role = _title_phrase(text)
            if organisation is None and _is_corporate(role):
                organisation = self.main_body  # "a spokesperson said": for the body the story is about
            country = None
            if organisation in {c.name for c in countries()} and lemma not in OFFICIAL_SOURCES:
                organisation, country = None, organisation  # "Washington-based analysts": only a country
            country = (
                country
                or self._country_for(_Entity(text, SpeakerKind.UNNAMED, role, organisation))
                or (self.country if _is_public_body(text) else None)
            )
            return Resolution(Speaker(text, SpeakerKind.UNNAMED, role, organisation, country), mention, "vague source")
        if lemma in organisation_heads():
            if head.tag_ in {"NNS", "NNPS"}:
                return Resolution(Speaker(text, SpeakerKind.UNNAMED, None, organisation), mention, "bodies not named")
            country = self.country if _is_public_body(text) else None
            speaker = Speaker(text, SpeakerKind.ORGANISATION, None, organisation, country)
            return Resolution(speaker, mention, "organisation not named")
        if head.lower_ in role_words() or lemma in role_words():
            role = _title_phrase(text)
            country = self.country if _is_official(role) else None
            speaker = Speaker(text, SpeakerKind.UNNAMED, role, organisation, country)
            return Resolution(speaker, mention, "title without a name")
        if head.pos_ == "PROPN":
            role = _title_phrase(text.lstrip("-\u2013\u2014 "))
            name = _clean_name(text)
            if role is not None and len(name.split()) >= 2:
                # "Commissioner Frans Timmermans" the tagger missed: a titled name is a person
                person = self._find_person(name) or _Entity(name, SpeakerKind.PERSON)
                if person not in self.people:
                    self.people.append(person)
                person.add(role, organisation)
                person.country = person.country or self._country_for(person)
                return Resolution(self._person_speaker(person), mention, "titled name")
            if any(c.dep_ == "appos" and c.pos_ == "NOUN" and c.lemma_.lower() in role_words() for c in head.children):
                # "Eswar Prasad, a trade professor at Cornell": a role in apposition marks a person
                person = _Entity(name, SpeakerKind.PERSON)
                self.people.append(person)
                span = doc[start:end]
                role, found = self._role_and_organisation(span)
                person.add(role, found)
                person.country = self._country_for(person)
                return Resolution(self._person_speaker(person), mention, "name with a role in apposition")
            if name.isupper() and self._full_organisation(name) != name:
                speaker = Speaker(self._full_organisation(name), SpeakerKind.ORGANISATION)
                return Resolution(speaker, mention, "acronym of a body")
            body = self._body_named_in_part(name)
            if body is not None:
                speaker = self._body_speaker(body, _country_of_body(body))
                return Resolution(speaker, mention, "part of a body's name met in the text")
            if len(name.split()) == 1 and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
                # "according to the Intelligencer": a name that takes an article is a body's
                return Resolution(Speaker(name, SpeakerKind.ORGANISATION), mention, "name with an article")
            if name.isalpha() and name.isupper() and 2 <= len(name) <= 4:
                # "WHO said": a short capitalised acronym is a body's
                return Resolution(Speaker(name, SpeakerKind.ORGANISATION), mention, "acronym of a body")
            return Resolution(Speaker(name, SpeakerKind.UNKNOWN, None, organisation), mention, "proper noun")
        return Resolution(Speaker(text, SpeakerKind.UNKNOWN, _title_phrase(text), organisation), mention, "noun phrase")

    def _body_named_in_part(self, name: str) -> str | None:
        """A body whose full name starts or ends with ``name`` ("McClatchy" -> "McClatchy Co.")."""
        words = name.split()
        for body in self._organisations:
            parts = body.split()
            if len(parts) > len(words) and (parts[: len(words)] == words or parts[-len(words) :] == words):
                return body
        return None

    def _phrase_affiliation(self, head: Token) -> str | None:
        """The body an unnamed source speaks for: named before its noun ("NASA's scientists",
        "agency officials" after NASA) or in "for/at/of/from X" on it, never deeper in a clause
        ("people familiar with Chinese trade policy")."""
        tokens: list[Token] = []
        for child in head.children:
            if child.i < head.i and child.dep_ in {"compound", "amod", "poss", "nmod", "npadvmod"}:
                tokens.extend(child.subtree)
            elif child.dep_ == "prep" and child.lower_ in AFFILIATION_PREPS | {"of"}:
                tokens.extend(t for t in child.subtree if t.dep_ != "relcl")
        tokens.sort(key=lambda t: t.i)
        found = self._organisation_of(tokens)
        if found:
            return found
        for token in tokens:
            if token.dep_ == "compound" and token.lemma_.lower() in organisation_heads():
                return self._nearest_body(head, token)  # "agency officials": the agency named
        return None

    def _nearest_body(self, head: Token, noun: Token) -> str | None:
        """The body a bare noun ("agency", "company") before ``head`` stands for, if one is near."""
        for ent in reversed([e for e in self._ents if e.end <= head.i and self._is_body_ent(e)]):
            if self._sentence_of[head.i] - self._sentence_of[ent.start] > DESCRIPTION_WINDOW:
                return None
            if _strip_possessive(ent.text).lower() not in media_names():
                return self._full_organisation(_org_name(ent.text))
        return None

    def _person_with_role(self, text: str, before: int, modifiers: list[Token] | None = None) -> _Entity | None:
        """The person most recently mentioned before ``before`` whose role ends in the same word
        (and whose fields agree with the description's capitalised ``modifiers``: "the Florida
        senator" is not the senator from Nevada; "the former president" is not the one in office)."""
        wanted = (_title_phrase(text) or text).lower().split()[-1:]
        if not wanted:
            return None
        former = bool({"former", "ex"} & set(re.split(r"[\s-]+", text.lower())))
        candidates = [
            p
            for p in self.people
            if p.role
            and p.role.lower().split()[-1] == wanted[0]
            and self._agrees_with(p, modifiers or [])
            and (not former or "former" in p.role.lower() or "ex-" in p.role.lower())
        ]
        if not candidates:
            return None if former else self._sole_title_bearer(wanted[0], modifiers or [])
        last_seen = {id(p): i for i, p in self._people_mentions if self.doc[i].idx < before}
        seen = [p for p in candidates if id(p) in last_seen]
        if seen:
            return max(seen, key=lambda p: last_seen[id(p)])
        return candidates[0]

    def _sole_title_bearer(self, title: str, modifiers: list[Token]) -> _Entity | None:
        """ "The Vermont senator" in a text that calls one person a senator and never says where
        he is from: that person, when the description's place or party words describe nobody
        else in the text and the person is tied to no other place or party."""
        bearers = [
            p
            for p in self.people
            if p.role and p.role.lower().split()[-1] == title and not {"former", "ex"} & set(p.role.lower().split())
        ]
        if len(bearers) != 1 or not modifiers:
            return None
        person = bearers[0]
        words = {_descriptor(t.text) for t in modifiers}
        if any(words & self._known_words(other) for other in self.people if other is not person):
            return None
        tied = self._known_words(person) - {_descriptor(w) for w in (person.country or "").split()}
        if person.organisation:
            tied.add(person.organisation)  # "New Hampshire" is a place its words alone are not
        for kind_of in (_is_party_word, _is_place_word):
            if any(kind_of(w) for w in words) and any(kind_of(w) for w in tied):
                return None  # "Ted Cruz of Texas" is no Florida senator, a Democrat no Republican nominee
        return person

    @staticmethod
    def _known_words(person: _Entity) -> set[str]:
        """The words the text describes a person with: their fields and descriptors, folded."""
        fields = " ".join(filter(None, [person.role, person.organisation, person.country]))
        return {_descriptor(w) for w in fields.split()} | person.descriptors

    def _person_named(self, speaker: Speaker | None) -> _Entity | None:
        if speaker is None or speaker.kind != SpeakerKind.PERSON:
            return None
        return next((p for p in self.people if p.name == speaker.name), None)

    def _remember(self, head: Token, resolution: Resolution) -> Resolution:
        if resolution.speaker is not None:
            self.history.append((head.idx, resolution.speaker))
            person = self._person_named(resolution.speaker)
            if person is not None:
                self._speakers.append((head.i, person))
                if (head.i, person) not in self._people_mentions:
                    # a person first met as a speaker is a mention a later pronoun can find
                    insort(self._people_mentions, (head.i, person), key=lambda pair: pair[0])
        return resolution

    # ------------------------------------------------------------------ pronouns
    def _resolve_pronoun(self, head: Token) -> Resolution:
        mention = Span.of(self._text, head.idx, head.idx + len(head.text))
        lower = head.lower_
        if lower in PERSON_PRONOUNS:
            return self._resolve_person_pronoun(head, mention)
        if lower in THING_PRONOUNS:
            kinds = {SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT}
        elif lower in GROUP_PRONOUNS:
            kinds = {SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT, SpeakerKind.UNNAMED}
        else:
            # "you", "that", "both", "nobody": no earlier body is who they stand for
            return Resolution(None, mention, "pronoun without antecedent")
        # nearest earlier speaker of a compatible kind, else nearest compatible entity
        best: tuple[int, Speaker] | None = None
        for position, speaker in self.history:
            if position < head.idx and speaker.kind in kinds:
                position = max(position, self._last_named(speaker.name, head.idx))
                if best is None or position > best[0]:
                    best = (position, speaker)
        entity = self._nearest_entity(head, kinds)
        if entity is not None and (best is None or (entity[0] > best[0] and not self._same_sentence(best[0], head))):
            best = entity  # a body that spoke earlier in this very sentence outranks a nearer mere mention
        if best is None:
            return Resolution(None, mention, "pronoun without antecedent")
        return Resolution(best[1], mention, "pronoun: nearest compatible speaker")

    def _resolve_person_pronoun(self, head: Token, mention: Span) -> Resolution:
        """The most salient earlier person that agrees in gender: a recent mention, the subject
        of its sentence, the speaker of the statement before; nobody when two tie."""
        if head.lower_ in FIRST_PERSON:
            return self._resolve_first_person(head, mention)
        gender = _gender_of_pronoun(head.lower_)
        ahead = self._main_subject_after(head, gender)
        if ahead is not None:
            return Resolution(self._person_speaker(ahead), mention, "pronoun: the subject of the main clause after it")
        scores, owner = self._salience(
            head,
            lambda person: not (gender and person.gender and person.gender != gender),
            # a lone word the tagger called a person ("Statista") is a weak antecedent
            lambda person: 2.0 if person.gender is None and len(person.name.split()) == 1 else 0.0,
        )
        last = self._last_speaker(head, gender)
        if last is not None:
            scores[id(last)] = scores.get(id(last), 0.0) + LAST_SPEAKER_BONUS
            owner[id(last)] = last
        if not scores:
            return Resolution(None, mention, "pronoun: no person before it agrees with it")
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 0.5 and gender is not None:
            first, second = owner[ranked[0][0]], owner[ranked[1][0]]
            if first.gender is None and second.gender is None:
                return Resolution(None, mention, f"pronoun: {first.name} or {second.name}, no evidence for either")
        chosen = owner[ranked[0][0]]
        why = "pronoun: the previous statement's speaker" if chosen is last else "pronoun: nearest compatible speaker"
        return Resolution(self._person_speaker(chosen), mention, why)

    def _main_subject_after(self, head: Token, gender: str | None) -> _Entity | None:
        """ "After suggesting that he regretted it, Mr. Rubio said", "Asked if he agreed, Devine
        responded": a pronoun in an adverbial clause that opens the sentence and ends at a comma
        is the person the main clause then names as its subject, when they agree."""
        if gender is None or self._quoted[head.idx]:
            return None
        root = head.sent.root
        subject = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is None or subject.i <= head.i or self._quoted[subject.idx]:
            return None
        opening = [
            c
            for c in root.children
            if c.i < subject.i
            and c.dep_ in {"advcl", "prep"}
            and c.left_edge.i <= head.sent.start + 1
            and c.right_edge.i + 1 < len(self.doc)
            and self.doc[c.right_edge.i + 1].text == ","
        ]
        if not any(c.left_edge.i <= head.i <= c.right_edge.i for c in opening):
            return None
        ent = self._ent(subject)
        if ent is None or not self._is_person_ent(ent):
            return None
        person = self._find_person(self._person_name(ent), ent.start)
        if person is None or (person.gender and person.gender != gender):
            return None
        return person

    def _resolve_first_person(self, head: Token, mention: Span) -> Resolution:
        """ "I now do recall," inside a quotation is whoever speaks that quotation: the speaker of
        the statement that encloses it; anywhere else "I" is the writer, whom we do not guess."""
        if not self._quoted[head.idx]:
            return Resolution(None, mention, "first person outside a quotation: the writer")
        last = self._last_speaker(head, None)
        if last is None:
            return Resolution(None, mention, "first person: no speaker of the quotation before it")
        return Resolution(self._person_speaker(last), mention, "first person: the quotation's speaker")

    def _last_speaker(self, head: Token, gender: str | None) -> _Entity | None:
        """The person credited with the last statement before ``head``, if they agree with it."""
        for index, person in reversed(self._speakers):
            if index >= head.i:
                continue
            if self._sentence_of[head.i] - self._sentence_of[index] > 2 * PRONOUN_WINDOW:
                return None
            if gender and person.gender and person.gender != gender:
                return None
            return person
        return None

    def _same_sentence(self, position: int, head: Token) -> bool:
        """Whether the character ``position`` lies in ``head``'s sentence."""
        return head.sent.start_char <= position < head.idx

    def _last_named(self, name: str, before: int) -> int:
        """Where ``name`` was last written before ``before`` outside a quotation (-1 if not):
        a body that spoke earlier and is named again ("Big Machine have denied it") is as near
        as its latest mention, whether the tagger marked that mention or not."""
        at = self._text.rfind(name, 0, before)
        while at >= 0 and self._quoted[at]:
            at = self._text.rfind(name, 0, at)
        return at

    def _nearest_entity(self, head: Token, kinds: set[SpeakerKind]) -> tuple[int, Speaker] | None:
        """The last body or state named before ``head`` that resolves to one of ``kinds``:
        "Scooter Braun's company" names a person, never what "they" stands for."""
        labels = set()
        if SpeakerKind.ORGANISATION in kinds:
            labels |= ORG_LABELS
        if SpeakerKind.GOVERNMENT in kinds:
            labels |= {"GPE"}
        before = [ent for ent in self._ents if ent.start_char < head.idx]
        for ent in reversed(before):
            if self._quoted[ent.start_char] and not self._quoted[head.idx]:
                continue  # "her Netflix special" inside a quotation is not who said it
            if ent.label_ not in labels or self._is_person_ent(ent):
                continue
            resolution = self.resolve(ent.root)
            if self.history and self.history[-1][1] == resolution.speaker:
                self.history.pop()
            if resolution.speaker is not None and resolution.speaker.kind in kinds:
                return ent.start_char, resolution.speaker
        return None
