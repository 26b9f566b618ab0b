"""Who a speaker is across the corpus: identity keys, the alias file, surname attachment.

Three tiers, from safest to most corpus-dependent:

1. the name itself: accents and case folded, titles, honorifics, epithets ("Crooked"),
   a headline's verb ("Obama Says"), middle initials and a possessive 's dropped, so
   "President Donald J. Trump's" and "Donald Trump" share one key;
2. the shipped alias file (``data/aliases.tsv``): spelling variants a person is known
   by (Lukashenko / Lukashenka). Only listed pairs merge; similar spelling never does;
3. a surname alone ("Trump", "PENCE") belongs to the one person of that surname in the
   corpus, and to nobody when there are several (Joe and Hunter Biden).

Tiers 1 and 2 are pure functions of the name, so a speaker's id never depends on the
order documents arrive in. Tier 3 depends on the whole corpus; the store records it as a
link that it recomputes whenever a speaker of that surname is added.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from unidecode import unidecode

from . import lexicons

# Bump when the rules below change, so stored speaker ids are recomputed on next connect.
IDENTITY_VERSION = "7"
ALIAS_FILE = "aliases.tsv"
# Kinds whose names are personal names: titles, initials and surnames apply to them.
PERSON_KINDS = frozenset({"person", "unknown"})
# Words that go before a name but are not part of it (nicknames, obituary marks).
EPITHETS = frozenset({"crooked", "sleepy", "lyin", "lyin'", "lying", "rip", "r.i.p.", "r.i.p", "late", "the"})
# Generational suffixes: part of the name, but never the surname.
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Words that belong to the surname after them (Bill de Blasio: "de Blasio").
PARTICLES = frozenset(
    {"de", "da", "di", "du", "von", "van", "der", "den", "della", "dos", "das", "le", "la", "bin", "ibn"}
)
_INITIAL = re.compile(r"\A[A-Za-z]\.?\Z")
_DOTTED = re.compile(r"\A(?:[a-z]\.){2,}\Z")
# Punctuation a name never starts or ends with (dash credits, stray quotation marks).
_LEADING = "-\u2010\u2013\u2014\u2015\"'\u201c\u201d\u2018\u2019(:,; "
_TRAILING = '-\u2010\u2013\u2014\u2015"\u201c\u201d)(:,; '
_POSSESSIVE = re.compile(r"['\u2019]s?\Z")
# Words that open a phrase but never a personal name ("His comments", "Those remarks").
_NOT_NAMES = frozenset(
    {"his", "her", "its", "their", "our", "my", "your", "this", "that", "these", "those", "the", "a"}
)
_SPACED_DASHES = frozenset({"-", "\u2013", "\u2014", "\u2015", "--"})


def fold(text: str) -> str:
    """Lookup form: invisible format characters dropped, transliterated to ASCII (a Cyrillic
    'і' is an 'i'), case-folded, whitespace collapsed, an acronym's dots dropped (I.R.S. = IRS)."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width and bidi marks
    words = unidecode(visible).casefold().split()
    return " ".join(w.replace(".", "") if _DOTTED.match(w) else w for w in words)


@lru_cache(maxsize=1)
def _title_phrases() -> tuple[tuple[str, ...], ...]:
    """Role phrases ("prime minister", "secretary of state"), longest first, as word tuples."""
    phrases = {tuple(role.split()) for role in lexicons.roles()}
    return tuple(sorted(phrases, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    """Single words that go before a name: honorifics, role modifiers ("former"), demonyms."""
    data = lexicons.data_json("titles.json")
    modifiers = {fold(w) for w in data.get("role_modifiers", [])}
    return frozenset(modifiers | set(lexicons.honorifics()) | set(lexicons.demonyms()))


@lru_cache(maxsize=1)
def _title_phrases_by_first_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The role phrases grouped by their first word, each group still longest first: a name's
    first word picks the few phrases worth comparing."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _title_phrases():
        groups.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in groups.items()}


def _title_length(words: list[str]) -> int:
    """How many leading words are a title: a whole role phrase, or one title word."""
    folded = [fold(w).strip(",") for w in words]
    for phrase in _title_phrases_by_first_word().get(folded[0], ()):
        if len(phrase) < len(folded) and tuple(folded[: len(phrase)]) == phrase:
            return len(phrase)
    return 1 if folded[0] in _title_words() else 0


@lru_cache(maxsize=1)
def _headline_verbs() -> frozenset[str]:
    """Inflected reporting verbs a headline puts after a name ("Obama Says")."""
    forms: set[str] = set()
    for lemma in lexicons.cue_stances():
        forms |= {lemma + "s", lemma + "es", lemma + "d", lemma + "ed"}
        if lemma.endswith("y"):
            forms.add(lemma[:-1] + "ies")
    return frozenset(forms)


@lru_cache(maxsize=1)
def _headline_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The verb forms a headline writes next to a personal name (its reporting verbs and the
    other verbs of headlines.json, inflected), the modals that end a name before "Not", and
    the forms of headlines.json's own verbs alone."""
    data = lexicons.data_json("headlines.json")
    own = {fold(w) for w in data["irregular"]}
    for lemma in data["verbs"]:
        own |= {lemma + "s", lemma + "es", lemma + "d", lemma + "ed", lemma + lemma[-1] + "ed"}
        if lemma.endswith("y"):
            own.add(lemma[:-1] + "ies")
    return frozenset(own | _headline_verbs()), frozenset(fold(w) for w in data["modals"]), frozenset(own)


def _ends_name(words: list[str], index: int) -> bool:
    """Whether the capitalised word at ``index`` is a headline's verb rather than part of the
    name: a verb form ("Ted Cruz Refuses", "Clinton Wades In") or a modal before "Not"
    ("Trump May Not Have"), never "Theresa May"."""
    word = words[index]
    if not word[:1].isupper():
        return False
    verbs, modals, _ = _headline_words()
    if fold(word) in verbs:
        return True
    return fold(word) in modals and index + 1 < len(words) and fold(words[index + 1]) == "not"


def _verb_after_name(words: list[str], index: int) -> bool:
    """ "Trump demands accountability", "Ryan wages": the parse took a clause for a name, its
    first lower-case word one of the headline verbs (never a reporting verb, whose forms are
    nouns too: "Trump's comments", "three states") after capitalised words that own nothing."""
    return fold(words[index]) in _headline_words()[2] and not any(
        _POSSESSIVE.search(w) or fold(w) in _NOT_NAMES for w in words[:index]
    )


def _before_headline_verb(words: list[str]) -> list[str]:
    """ "Trump Says He Never", "Ted Cruz Refuses", "Senator Endorsed Trump": a headline's
    capitalised verb ends the name before it, whatever words of the headline follow; one
    before a name ("Endorsed Trump") is dropped."""
    if fold(" ".join(words)) in lexicons.place_to_country():
        return words  # "United States" is no headline
    for index in range(1, len(words)):
        if _ends_name(words, index):
            return words[:index]
        if not words[index][:1].isupper():
            return words[:index] if _verb_after_name(words, index) else words
    if len(words) > 1 and words[1][:1].isupper() and fold(words[0]) in _headline_words()[0]:
        return words[1:]
    return words


def _strip_possessive(word: str) -> str:
    stripped = _POSSESSIVE.sub("", word)
    return stripped if stripped and stripped != word and word[-1] in "sS'\u2019" else word


def clean_name(name: str, kind: str, *, keep_initials: bool = False) -> str:
    """The name without what is not part of it, in its own case (tier 1, before folding).
    ``keep_initials`` keeps middle initials: a spelling worth listing as an alias."""
    words = name.replace("\u00a0", " ").strip(_LEADING).rstrip(_TRAILING).split()
    if kind in PERSON_KINDS and any(w in _SPACED_DASHES for w in words):
        # "Weak - Rubio": a headline's words before a spaced dash are not part of a name
        cut = max(i for i, w in enumerate(words) if w in _SPACED_DASHES)
        words = words[cut + 1 :] or words[:cut]
    if words:
        words[-1] = _strip_possessive(words[-1])
    while len(words) > 1 and fold(words[0]).strip(",") in EPITHETS:
        words = words[1:]
    if kind in PERSON_KINDS:
        words = _before_headline_verb(words)
    while (
        len(words) > 1
        and fold(words[-1]) in _headline_verbs()
        and words[-1][:1].isupper()
        and fold(" ".join(words)) not in lexicons.place_to_country()  # "United States" is no headline
    ):
        words = words[:-1]
    if kind in PERSON_KINDS:
        while len(words) > 1 and (cut := _title_length(words)):
            words = words[cut:]
        if len(words) > 2 and not keep_initials:
            words = [words[0]] + [w for w in words[1:-1] if not _INITIAL.match(w)] + [words[-1]]
    if kind in PERSON_KINDS and words == [w.upper() for w in words] and any(len(w) > 2 for w in words):
        words = [w.capitalize() for w in words]  # transcript capitals: PENCE -> Pence
    return " ".join(words)


@dataclass(frozen=True)
class Alias:
    canonical: str
    alias: str
    reason: str


@dataclass(frozen=True)
class AliasTable:
    """The alias file, indexed by folded key."""

    rows: tuple[Alias, ...]
    surnames: dict[str, str]  # alias surname key -> canonical surname (display form)
    names: dict[str, str]  # alias full-name key -> canonical name (display form)


def parse_aliases(text: str) -> AliasTable:
    """Rows of ``canonical<TAB>alias<TAB>reason``; '#' starts a comment line."""
    rows: list[Alias] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"{ALIAS_FILE} line {number}: expected canonical, alias and reason separated by tabs")
        rows.append(Alias(*fields))
    one_word = [row for row in rows if len(row.alias.split()) == len(row.canonical.split()) == 1]
    surnames = {fold(row.alias): row.canonical for row in one_word}
    names: dict[str, str] = {}
    for row in rows:
        if len(row.alias.split()) > 1:
            names[_surname_spelling(fold(clean_name(row.alias, "person")), surnames)] = row.canonical
    return AliasTable(tuple(rows), surnames, names)


@lru_cache(maxsize=1)
def aliases() -> AliasTable:
    """The shipped alias file."""
    return parse_aliases(resources.files("attribution").joinpath("data", ALIAS_FILE).read_text(encoding="utf-8"))


def _surname_spelling(key: str, surnames: dict[str, str]) -> str:
    words = key.split()
    if words and words[-1] in surnames:
        words[-1] = fold(surnames[words[-1]])
    return " ".join(words)


@dataclass(frozen=True)
class Identity:
    """What the store keeps of a speaker: the key it is found by and the name it shows."""

    key: str
    name: str
    kind: str
    reason: str  # why this name belongs to the identity ("name", or the alias file's reason)

    @property
    def surname(self) -> str | None:
        return surname(self.key, self.kind)


def resolve(name: str, kind: str, table: AliasTable | None = None) -> Identity:
    """Tiers 1 and 2: the identity a speaker name belongs to, whatever the corpus holds."""
    table = table or aliases()
    cleaned = clean_name(name, kind)
    key = fold(cleaned)
    if kind not in PERSON_KINDS:
        canonical = table.names.get(key)
        if canonical:
            return Identity(fold(canonical), canonical, kind, _reason(table, canonical, cleaned))
        owned = _owned_body(cleaned)
        if owned is not None:
            return Identity(fold(owned), owned, kind, "body named after its owner")
        agency = _agencies().get(key)
        if agency is not None:
            return Identity(fold(agency), cleaned, kind, f"news agency {agency}")
        return Identity(key, cleaned, kind, "name")
    spelled = _surname_spelling(key, table.surnames)
    canonical = table.names.get(spelled)
    if canonical:
        return Identity(fold(canonical), canonical, kind, _reason(table, canonical, cleaned))
    if spelled != key:
        words = cleaned.split()
        words[-1] = table.surnames[key.split()[-1]]
        return Identity(spelled, " ".join(words), kind, _reason(table, words[-1], cleaned.split()[-1]))
    return Identity(key, cleaned, kind, "name")


@lru_cache(maxsize=1)
def _agencies() -> dict[str, str]:
    """News agencies by any of their names ("Associated Press" and "AP" are one speaker). A
    two-letter short form counts only as the agency's own name ("FP" may be a magazine)."""
    return {
        fold(alias): canonical
        for alias, canonical in lexicons.agency_aliases().items()
        if len(alias) > 2 or alias == canonical
    }


def _owned_body(name: str) -> str | None:
    """ "Hillary Clinton's campaign", "Clinton campaign", "Mr. Sanders's campaign": one body,
    written the way the owner's surname and the body's noun say it ("Clinton campaign"). Only
    the nouns listed in sources.json (``owned_bodies``) and an owner in capitals count."""
    words = name.split()
    if len(words) < 2 or fold(words[-1]) not in lexicons.owned_bodies():
        return None
    owner = [w for w in words[:-1] if fold(w) not in lexicons.honorifics() and fold(w) != "the"]
    if not owner or not all(w[:1].isupper() for w in owner):
        return None
    last = _strip_possessive(owner[-1].rstrip("'\u2019"))
    return f"{last} {words[-1].lower()}"


def _reason(table: AliasTable, canonical: str, alias: str) -> str:
    for row in table.rows:
        if row.canonical == canonical and fold(row.alias) == fold(alias):
            return f"alias file: {row.reason}"
    return "alias file"


def identity_key(name: str, kind: str) -> str:
    """The key two names of one speaker share (tiers 1 and 2)."""
    return resolve(name, kind).key


def surname(key: str, kind: str) -> str | None:
    """The surname of a full personal name's key ("donald trump jr" -> "trump"), else None."""
    if kind not in PERSON_KINDS:
        return None
    words = [w for w in key.split() if w not in SUFFIXES]
    start = len(words) - 1
    while start > 0 and words[start - 1] in PARTICLES:
        start -= 1
    return " ".join(words[start:]) if start > 0 else None


def is_surname_only(key: str, kind: str) -> bool:
    """A surname alone ("Trump", "de Blasio"): it may only be attached through the corpus (tier 3)."""
    return kind in PERSON_KINDS and bool(key) and surname(key, kind) is None


def attach_surname(
    key: str,
    kind: str,
    people: Iterable[tuple[str, ...]],
    name: str | None = None,
    role: str | None = None,
) -> str | None:
    """Tier 3: the id of the one person whose surname is ``key``, or None.

    ``people`` are (id, key, kind[, role[, statements]]) of full-name identities in the
    corpus. Several people of that surname (Joe and Hunter Biden) leave the bare surname
    unattached, unless the bare mention's ``role`` fits exactly one of them ("President
    Obama" is Barack, not Michelle), or one of them is nearly everyone the corpus quotes by
    that surname (``dominant``); a ``name`` in lower case is nobody's surname ("the king").
    """
    if not is_surname_only(key, kind) or (name is not None and not name[:1].isupper()):
        return None
    same_surname = [p for p in people if p[2] == "person" and surname(p[1], p[2]) == key]
    matches = {p[0]: (p[3] if len(p) > 3 else None) for p in same_surname}
    if len(matches) == 1:
        return next(iter(matches))
    fitting = [pid for pid, their_role in matches.items() if _roles_fit(role, their_role)]
    if len(fitting) == 1:
        return fitting[0]
    return dominant({p[0]: p[4] for p in same_surname if len(p) > 4})


def without_middle_names(key: str, kind: str) -> str | None:
    """ "hillary rodham clinton" -> "hillary clinton" (a suffix stays: "donald john trump jr"
    -> "donald trump jr"); None when the name has no middle word."""
    last = surname(key, kind)
    if last is None:
        return None
    words = key.split()
    tail = []
    while words and words[-1] in SUFFIXES:
        tail.insert(0, words.pop())
    middle = words[1 : len(words) - len(last.split())]
    if not middle:
        return None
    return " ".join([words[0], last, *tail])


def attach_full_name(key: str, kind: str, people: dict[str, str]) -> str | None:
    """Tier 3 again: a name written with a middle name ("Hillary Rodham Clinton") is the
    person the corpus knows without it ("Hillary Clinton"); ``people`` maps keys to ids."""
    shorter = without_middle_names(key, kind)
    return people.get(shorter) if shorter else None


DOMINANT_SHARE = 0.9  # of the statements of everyone with the surname
DOMINANT_MINIMUM = 10  # statements: a few quotes never make anyone the default


def dominant(statements: dict[str, int]) -> str | None:
    """The person a bare surname means when the corpus quotes one of its bearers nine times
    in ten (829 statements of Donald Trump, 2 of Donald Trump Jr.): a reader of those
    articles takes "Trump" to be him, and so does the store. Recomputed as the corpus grows."""
    if len(statements) < 2:
        return None
    top = max(statements, key=lambda pid: (statements[pid], pid))
    total = sum(statements.values())
    if statements[top] >= DOMINANT_MINIMUM and statements[top] >= DOMINANT_SHARE * total:
        return top
    return None


def _roles_fit(mention_role: str | None, person_role: str | None) -> bool:
    """Both roles given and sharing a word that is not a mere courtesy ('President' and
    'former President'; never 'Mr.')."""
    if not mention_role or not person_role:
        return False
    words = {w for w in fold(mention_role).split() if len(w) > 2 and w not in {"mr", "mrs", "ms", "former"}}
    return bool(words & set(fold(person_role).split()))


def alias_names(identity: Identity) -> list[tuple[str, str]]:
    """(alias, reason) from the alias file for this identity, so any spelling finds it."""
    found: list[tuple[str, str]] = []
    for row in aliases().rows:
        if fold(row.canonical) == identity.key:
            found.append((row.alias, f"alias file: {row.reason}"))
    return found


def preferred_name(current: str, candidate: str) -> str:
    """Of two display names of one identity, the one to show: not all capitals, keeping its
    accents, then the alphabetically first, so the choice never depends on ingest order."""

    def rank(name: str) -> tuple[int, int, str]:
        return (int(name.isupper()), -sum(1 for c in name if ord(c) > 127), name)

    return min(current, candidate, key=rank)


@lru_cache(maxsize=1)
def registry_digest() -> str:
    """Changes when the rules or their data change: stored identities must then be rebuilt."""
    h = hashlib.sha256(IDENTITY_VERSION.encode())
    for name in (
        ALIAS_FILE,
        "titles.json",
        "countries.tsv",
        "cues.json",
        "sources.json",
        "agencies.json",
        "headlines.json",
    ):
        h.update(resources.files("attribution").joinpath("data", name).read_bytes())
    return h.hexdigest()[:16]
