"""Load the word lists in ``attribution/data`` once; the rules read them, never hard-code them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .models import Stance


def _read(name: str) -> str:
    return resources.files("attribution").joinpath("data", name).read_text(encoding="utf-8")


def data_json(name: str) -> dict:
    """One JSON file of ``attribution/data`` (every module reads its word lists through here)."""
    return json.loads(_read(name))


@dataclass(frozen=True)
class Country:
    name: str
    capitals: tuple[str, ...]
    demonyms: tuple[str, ...]


@lru_cache(maxsize=1)
def cue_stances() -> dict[str, Stance]:
    """Reporting-verb lemma -> the stance the reporter takes toward what follows."""
    data = data_json("cues.json")
    stances: dict[str, Stance] = {}
    for group, stance in (
        ("tentative", Stance.TENTATIVE),
        ("neutral", Stance.NEUTRAL),
        ("distancing", Stance.DISTANCING),
        ("denial", Stance.DENIAL),
    ):
        for lemma in data[group]:
            stances[lemma] = stance
    return stances


@lru_cache(maxsize=1)
def cue_nouns() -> frozenset[str]:
    return frozenset(data_json("cues.json")["nouns"])


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    rows = []
    for line in _read("countries.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, capitals, demonyms = line.split("\t")
        rows.append(Country(name, tuple(capitals.split(",")), tuple(demonyms.split(","))))
    return tuple(rows)


@lru_cache(maxsize=1)
def place_to_country() -> dict[str, str]:
    """Lower-cased country, capital or demonym -> country name."""
    index: dict[str, str] = {}
    for country in countries():
        index[country.name.lower()] = country.name
        for capital in country.capitals:
            index.setdefault(capital.lower(), country.name)
        for demonym in country.demonyms:
            index.setdefault(demonym.lower(), country.name)
    for alias, name in (
        ("u.s.", "United States"),
        ("us", "United States"),
        ("usa", "United States"),
        ("america", "United States"),
        ("u.k.", "United Kingdom"),
        ("uk", "United Kingdom"),
        ("britain", "United Kingdom"),
        ("great britain", "United Kingdom"),
    ):
        index.setdefault(alias, name)
    return index


@lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    return frozenset(c.lower() for country in countries() for c in country.capitals)


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    return frozenset(d.lower() for country in countries() for d in country.demonyms)


@lru_cache(maxsize=1)
def roles() -> tuple[str, ...]:
    """Role phrases, longest first so "foreign minister" wins over "minister"."""
    return tuple(sorted(set(data_json("titles.json")["roles"]), key=lambda r: (-len(r.split()), r)))


@lru_cache(maxsize=1)
def role_words() -> frozenset[str]:
    data = data_json("titles.json")
    words = {w for role in roles() for w in role.split()} - set(data["role_function_words"])
    words.update(data["role_modifiers"])
    words.update(data["abbreviations"])
    return frozenset(words)


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    return frozenset(data_json("titles.json")["honorifics"])


@lru_cache(maxsize=1)
def unnamed_heads() -> frozenset[str]:
    return frozenset(data_json("sources.json")["unnamed_heads"])


@lru_cache(maxsize=1)
def media_names() -> frozenset[str]:
    return frozenset(m.lower() for m in data_json("sources.json")["media"])


@lru_cache(maxsize=1)
def agency_aliases() -> dict[str, str]:
    """Any spelling of a news agency in a credit line -> its canonical name."""
    data = data_json("agencies.json")
    return {alias: name for name, aliases in data.items() if name != "_doc" for alias in aliases}


@lru_cache(maxsize=1)
def owned_bodies() -> frozenset[str]:
    """Bodies named after the person they belong to ("the Clinton campaign")."""
    return frozenset(data_json("sources.json")["owned_bodies"])


@lru_cache(maxsize=1)
def organisation_heads() -> frozenset[str]:
    return frozenset(data_json("sources.json")["organisation_heads"])


@lru_cache(maxsize=1)
def attitude_verbs() -> dict[str, Stance]:
    """Verbs whose direct object is the content ("X praised Y"), with their stance."""
    stances = cue_stances()
    return {lemma: stances.get(lemma, Stance.NEUTRAL) for lemma in data_json("cues.json")["attitude"]}


@lru_cache(maxsize=1)
def prepositional_verbs() -> dict[str, frozenset[str]]:
    """Verbs whose content is the object of a fixed preposition ("referred to X", "voted for X")."""
    return {lemma: frozenset(preps) for lemma, preps in data_json("cues.json")["prepositional"].items()}


@lru_cache(maxsize=1)
def not_topics() -> frozenset[str]:
    """Objects of "on" that tell how someone spoke, not what ("on condition of anonymity")."""
    return frozenset(data_json("cues.json")["not_topics"])


@lru_cache(maxsize=1)
def title_abbreviations() -> dict[str, str]:
    """A written title's abbreviation ("sen.") -> the title in full ("Senator")."""
    return dict(data_json("titles.json")["abbreviations"])


@lru_cache(maxsize=1)
def official_roles() -> frozenset[str]:
    """Roles that make a speaker a public official: their affiliation is their state."""
    return frozenset(data_json("titles.json")["official_roles"])


@lru_cache(maxsize=1)
def sending_roles() -> frozenset[str]:
    """Roles sent "to X" (an envoy to Ukraine): X is where they go, not whom they speak for."""
    return frozenset(data_json("titles.json")["sending_roles"])


@lru_cache(maxsize=1)
def document_heads() -> frozenset[str]:
    """Written sources (a statement, a letter, a report): their author is who issued them."""
    return frozenset(data_json("sources.json")["document_heads"])


@lru_cache(maxsize=1)
def organisation_suffixes() -> frozenset[str]:
    """Last words of bodies' names ("... Productions", "... Inc."): never a person."""
    return frozenset(data_json("sources.json")["organisation_suffixes"])


@lru_cache(maxsize=1)
def public_body_words() -> frozenset[str]:
    """Words naming a body of a state (department, police, court): its country is that state's."""
    return frozenset(data_json("sources.json")["public_body_words"])


@lru_cache(maxsize=1)
def government_seats() -> dict[str, str]:
    """Lower-cased seat of a government ("the white house") -> the country it speaks for."""
    return dict(data_json("sources.json")["government_seats"])


def _tsv(name: str) -> list[list[str]]:
    return [line.split("\t") for line in _read(name).splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def first_name_genders() -> dict[str, str]:
    """Common given name -> "f" or "m" (data/first-names.tsv, a modest hand-written list)."""
    return {name.lower(): gender for name, gender in _tsv("first-names.tsv")}


@lru_cache(maxsize=1)
def place_countries() -> dict[str, str]:
    """Lower-cased state, province or large city -> its country (data/places.tsv)."""
    return {place.lower(): country for place, country in _tsv("places.tsv")}


@lru_cache(maxsize=1)
def single_word_titles() -> frozenset[str]:
    """Words that are a title by themselves ("senator", "former", "sen."), not just part of one."""
    data = data_json("titles.json")
    words = {role for role in roles() if " " not in role}
    words.update(data["role_modifiers"])
    words.update(data["abbreviations"])
    return frozenset(words)


@lru_cache(maxsize=1)
def institution_countries() -> dict[str, str]:
    """Lower-cased institution or party of a state ("national security council") -> its country."""
    return {name.lower(): country for name, country in _tsv("institutions.tsv")}


@lru_cache(maxsize=1)
def regional_roles() -> frozenset[str]:
    """Roles of a state's or city's officials (governor, mayor): their body is that region."""
    return frozenset(data_json("titles.json")["regional_roles"])


@lru_cache(maxsize=1)
def party_words() -> frozenset[str]:
    """Party adjectives that belong to a role ("Democratic candidate"), not an employer."""
    return frozenset(data_json("titles.json")["party_words"])


@lru_cache(maxsize=1)
def corporate_roles() -> frozenset[str]:
    """A body's own officers (CEO, chairman, spokesperson): they speak for that body."""
    return frozenset(data_json("titles.json")["corporate_roles"])


@lru_cache(maxsize=1)
def known_bodies() -> frozenset[str]:
    """Companies and platforms a tagger often takes for a person or a place ("Twitter said")."""
    return frozenset(name.lower() for name in data_json("sources.json")["known_bodies"])
