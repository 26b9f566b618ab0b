"""Turn the mention that a statement is credited to into a canonical speaker.

Within one document: a surname or a bare title ("the minister") resolves to the earliest
full mention; a pronoun to the nearest compatible speaker before it; a capital or a country
used as a speaker stands for its government; vague sources ("officials", "a source familiar
with ...") are kept as kind ``unnamed``. Role and organisation come from premodifiers
("Lithuanian Foreign Minister ..."), appositives ("Hugh Hill, a doctor at X") and "for X".
Every resolution records why, so a reviewer can check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from .lexicons import (
    capitals,
    honorifics,
    media_names,
    organisation_heads,
    place_to_country,
    role_words,
    roles,
    unnamed_heads,
)
from .models import Span, Speaker, SpeakerKind
from .nlp import doc_text

PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "i", "me", "my"}
THING_PRONOUNS = {"it", "its"}
GROUP_PRONOUNS = {"they", "them", "their", "we", "us", "our"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
PREMODIFIER_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "case", "punct", "flat"}
ORG_LABELS = {"ORG", "FAC"}
PLACE_LABELS = {"GPE", "LOC"}


@dataclass(frozen=True)
class Resolution:
    speaker: Speaker | None
    mention: Span | None
    why: str


@dataclass
class _Person:
    name: str
    role: str | None = None
    organisation: str | None = None


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


def _clean_name(text: str) -> str:
    """A name without leading punctuation, articles, honorifics or titles ("-Commissioner")."""
    words = _strip_possessive(text.strip().lstrip("-\u2013\u2014\"'\u201c\u2018( ")).split()
    while len(words) > 1 and (
        words[0].lower() in honorifics()
        or words[0].lower() in {"the", "a", "an"}
        or words[0].lower().rstrip(".") in role_words()
    ):
        words = words[1:]
    return " ".join(words)


def _org_name(text: str) -> str:
    """An organisation's name without role words the tagger swept in ("Frontex Executive")."""
    words = _clean_name(text).split()
    while len(words) > 1 and words[-1].lower() in role_words():
        words.pop()
    return " ".join(words)


def _title_phrase(text: str) -> str | None:
    """The longest known role inside ``text``, with the text's own capitalisation."""
    lowered = f" {text.lower()} "
    for role in roles():
        index = lowered.find(f" {role} ")
        if index >= 0:
            return text[index : index + len(role)]
    return None


@dataclass
class SpeakerResolver:
    """Per-document registry of people and organisations, filled from the parse up front."""

    doc: Doc
    people: list[_Person] = field(default_factory=list)
    history: list[tuple[int, Speaker]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ent_of: dict[int, SpacySpan] = {}
        for ent in self.doc.ents:
            for token in ent:
                self._ent_of[token.i] = ent
        for ent in self.doc.ents:
            if ent.label_ == "PERSON":
                name = _clean_name(ent.text)
                if not name:
                    continue
                role, organisation = self._role_and_organisation(ent)
                self._register(name, role, organisation)

    # ------------------------------------------------------------------ registry
    def _register(self, name: str, role: str | None, organisation: str | None) -> _Person:
        for person in self.people:
            if person.name == name:
                person.role = person.role or role
                person.organisation = person.organisation or organisation
                return person
        person = _Person(name, role, organisation)
        self.people.append(person)
        return person

    def _full_person(self, name: str) -> tuple[_Person | None, str]:
        """The fullest registered person a (possibly partial) name refers to."""
        words = name.split()
        exact = None
        for person in self.people:
            if person.name == name:
                exact = person
        candidates = [
            p for p in self.people if len(p.name.split()) > len(words) and p.name.split()[-len(words) :] == words
        ]
        if candidates:
            return candidates[0], "surname of earlier full mention"
        return exact, "named in full"

    # ------------------------------------------------------------------ mentions
    def _ent(self, token: Token) -> SpacySpan | None:
        return self._ent_of.get(token.i)

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
        for token in tokens:
            ent = self._ent(token)
            if ent is not None and ent.label_ in ORG_LABELS:
                return _org_name(ent.text)
            if ent is not None and ent.label_ in PLACE_LABELS | {"NORP"}:
                country = place_to_country().get(_clean_name(ent.text).lower())
                return country or _clean_name(ent.text)
            country = place_to_country().get(token.text.lower())
            if country and token.text[:1].isupper():
                return country
        return None

    def _role_and_organisation(self, name_span: SpacySpan) -> tuple[str | None, str | None]:
        head = name_span.root
        doc = self.doc
        role = organisation = None
        # premodifiers: "Lithuanian Foreign Minister Gabrielius Landsbergis"
        start = name_span.start
        while start > 0 and (
            doc[start - 1].text.lower() in role_words()
            or doc[start - 1].text.lower().rstrip(".") in role_words()
            or doc[start - 1].dep_ in {"compound", "amod", "poss"}
            and start <= doc[start - 1].head.i < name_span.end
        ):
            start -= 1
        premodifiers = list(doc[start : name_span.start])
        if premodifiers:
            role = _title_phrase(" ".join(t.text for t in premodifiers))
            organisation = self._organisation_of(premodifiers)
            if organisation and role is None:
                role = None
        # appositive: "Fabrice Leggeri, Frontex's executive director" / "X, a doctor at Y,"
        appositives = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            appositives.append(head.head)
        for appos in appositives:
            phrase_tokens = [t for t in appos.subtree if not (name_span.start <= t.i < name_span.end)]
            if not phrase_tokens:
                continue
            noun_tokens = [
                t for t in phrase_tokens if t.i <= appos.i and t.dep_ not in {"det", "poss", "punct", "case"}
            ]
            noun_tokens = [
                t
                for t in noun_tokens
                if not (self._ent(t) and self._ent(t).label_ in ORG_LABELS | PLACE_LABELS | {"NORP"})
            ]
            phrase = " ".join(t.text for t in noun_tokens)
            role = role or _title_phrase(phrase) or (phrase if appos.pos_ == "NOUN" and phrase else None)
            organisation = organisation or self._organisation_of([t for t in phrase_tokens if t.i != appos.i])
        return role, organisation

    # ------------------------------------------------------------------ resolve
    def resolve(self, head: Token | None) -> Resolution:
        if head is None:
            return Resolution(None, None, "no speaker in the sentence")
        doc = self.doc
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ in {"relcl", "acl"}:
            # "Barkley, who said ...": credit the antecedent, but point at "who" as written
            inner = self.resolve(head.head.head)
            relative = Span.of(doc_text(doc), head.idx, head.idx + len(head.text))
            return Resolution(inner.speaker, relative, f"relative pronoun: {inner.why}")
        if head.dep_ == "pobj" and head.head.lower_ == "by" and head.head.head.dep_ == "agent":
            pass
        lower = head.lower_
        if lower == "it" and head.dep_ == "nsubjpass":
            return Resolution(None, None, "impersonal passive: no speaker named")
        if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | THING_PRONOUNS | GROUP_PRONOUNS:
            return self._resolve_pronoun(head)
        start, end = self._mention_tokens(head)
        mention = Span.of(doc_text(doc), doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
        ent = self._ent(head)
        label = ent.label_ if ent is not None else ""
        place = place_to_country().get(_clean_name(ent.text if ent is not None else head.text).lower())
        if place is not None and head.text[:1].isupper():
            why = "capital stands for its government" if head.lower_ in capitals() else "country as government"
            return self._remember(head, Resolution(Speaker(place, SpeakerKind.GOVERNMENT), mention, why))
        if label == "PERSON":
            name = _clean_name(ent.text)
            person, why = self._full_person(name)
            if person is None:
                person = self._register(name, None, None)
                why = "named in full" if len(name.split()) > 1 else "single name"
            speaker = Speaker(person.name, SpeakerKind.PERSON, person.role, person.organisation)
            return self._remember(head, Resolution(speaker, mention, why))
        if label in PLACE_LABELS or (
            label == "" and head.text.lower() in place_to_country() and head.text[:1].isupper()
        ):
            place = _clean_name(ent.text if ent is not None else head.text)
            country = place_to_country().get(place.lower())
            why = "capital stands for its government" if place.lower() in capitals() else "country as government"
            speaker = Speaker(country or place, SpeakerKind.GOVERNMENT, None, None)
            return self._remember(head, Resolution(speaker, mention, why))
        if label in ORG_LABELS and _honorific_before(doc, ent):
            # "Ms Sturgeon said": the tagger's ORG for a name an honorific marks as a person
            name = _clean_name(ent.text)
            person, why = self._full_person(name)
            if person is None:
                person, why = self._register(name, None, None), "honorific marks a person"
            speaker = Speaker(person.name, SpeakerKind.PERSON, person.role, person.organisation)
            return self._remember(head, Resolution(speaker, mention, why))
        if label in ORG_LABELS:
            name = _org_name(ent.text)
            person, why = self._full_person(_clean_name(ent.text))
            if person is not None and why == "surname of earlier full mention":
                # "Donald Trump ... Trump said": the tagger's ORG for a surname already met as a person
                speaker = Speaker(person.name, SpeakerKind.PERSON, person.role, person.organisation)
                return self._remember(head, Resolution(speaker, mention, why))
            kind = (
                SpeakerKind.MEDIA
                if name.lower() in media_names() or ent.text.lower() in media_names()
                else SpeakerKind.ORGANISATION
            )
            speaker = Speaker(name, kind, None, None)
            return self._remember(head, Resolution(speaker, mention, "organisation named"))
        # an appositive may hold the name: "the EU's border agency, Frontex, said"
        for child in head.children:
            if child.dep_ == "appos":
                child_ent = self._ent(child)
                if child_ent is not None and child_ent.label_ in ORG_LABELS | {"PERSON"} | PLACE_LABELS:
                    inner = self.resolve(child)
                    if inner.speaker is not None:
                        return Resolution(inner.speaker, inner.mention, "named in apposition")
        mention_tokens = list(doc[start:end])
        if lower in role_words() or _title_phrase(mention.text):
            person = self._person_with_role(mention.text)
            if person is not None:
                speaker = Speaker(person.name, SpeakerKind.PERSON, person.role, person.organisation)
                return self._remember(head, Resolution(speaker, mention, "title of earlier full mention"))
        organisation = self._organisation_of([t for t in head.subtree if t.i != head.i])
        text = _strip_possessive(mention.text)
        if head.lemma_.lower() in unnamed_heads() or lower in unnamed_heads():
            role = _title_phrase(text)
            speaker = Speaker(text, SpeakerKind.UNNAMED, role, organisation)
            return self._remember(head, Resolution(speaker, mention, "vague source"))
        if head.lemma_.lower() in organisation_heads():
            speaker = Speaker(text, SpeakerKind.ORGANISATION, None, organisation)
            return self._remember(head, Resolution(speaker, mention, "organisation not named"))
        if lower in role_words() or head.lemma_.lower() in role_words():
            speaker = Speaker(text, SpeakerKind.UNNAMED, _title_phrase(text), organisation)
            return self._remember(head, Resolution(speaker, mention, "title without a name"))
        if head.pos_ == "PROPN":
            role = _title_phrase(text.lstrip("-\u2013\u2014 "))
            if role is not None and len(_clean_name(text).split()) >= 2:
                # "Commissioner Frans Timmermans" the tagger missed: a titled name is a person
                person = self._register(_clean_name(text), role, organisation)
                speaker = Speaker(person.name, SpeakerKind.PERSON, person.role, person.organisation)
                return self._remember(head, Resolution(speaker, mention, "titled name"))
            kind = SpeakerKind.MEDIA if text.lower() in media_names() else SpeakerKind.UNKNOWN
            return self._remember(
                head, Resolution(Speaker(_clean_name(text), kind, None, organisation), mention, "proper noun")
            )
        del mention_tokens
        return self._remember(
            head,
            Resolution(Speaker(text, SpeakerKind.UNKNOWN, _title_phrase(text), organisation), mention, "noun phrase"),
        )

    def _person_with_role(self, text: str) -> _Person | None:
        wanted = (_title_phrase(text) or text).lower().split()[-1:]
        for person in self.people:
            if person.role and wanted and person.role.lower().split()[-1] == wanted[0]:
                return person
        return None

    def _remember(self, head: Token, resolution: Resolution) -> Resolution:
        if resolution.speaker is not None:
            self.history.append((head.idx, resolution.speaker))
        return resolution

    def _resolve_pronoun(self, head: Token) -> Resolution:
        doc = self.doc
        mention = Span.of(doc_text(doc), head.idx, head.idx + len(head.text))
        lower = head.lower_
        if lower in PERSON_PRONOUNS:
            kinds = {SpeakerKind.PERSON}
        elif lower in THING_PRONOUNS:
            kinds = {SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT, SpeakerKind.MEDIA}
        else:
            kinds = {SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT, SpeakerKind.UNNAMED, SpeakerKind.MEDIA}
        # nearest earlier speaker of a compatible kind, else nearest compatible entity
        best: tuple[int, Speaker] | None = None
        for position, speaker in self.history:
            if position < head.idx and speaker.kind in kinds and (best is None or position > best[0]):
                best = (position, speaker)
        entity = self._nearest_entity(head, kinds)
        if entity is not None and (best is None or entity[0] > best[0] and lower not in PERSON_PRONOUNS):
            best = entity
        if best is None and entity is not None:
            best = entity
        if best is None:
            return Resolution(None, mention, "pronoun without antecedent")
        return Resolution(best[1], mention, "pronoun: nearest compatible speaker")

    def _nearest_entity(self, head: Token, kinds: set[SpeakerKind]) -> tuple[int, Speaker] | None:
        labels = set()
        if SpeakerKind.PERSON in kinds:
            labels.add("PERSON")
        if SpeakerKind.ORGANISATION in kinds:
            labels |= ORG_LABELS
        if SpeakerKind.GOVERNMENT in kinds:
            labels |= {"GPE"}
        found = None
        for ent in self.doc.ents:
            if ent.start_char >= head.idx:
                break
            if ent.label_ in labels:
                found = ent
        if found is None:
            return None
        resolution = self.resolve(found.root)
        if self.history and self.history[-1][1] == resolution.speaker:
            self.history.pop()
        return (found.start_char, resolution.speaker) if resolution.speaker else None
