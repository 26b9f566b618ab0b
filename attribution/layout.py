"""Document furniture: date line, datelines, bylines, credits, headings and promotional boxes.

These parts of a page are not anybody's statement and not the reporter's claims, but some of
them carry metadata: the date line gives the publication date, and the dateline ("HANOI (AP)
—"), the byline ("By X, Associated Press"), a closing credit (a last line "PTI") and the
credit lines ("With reporting by ...", "AP writers ... contributed to this report") give the
news agencies behind the report. An agency merely mentioned in a sentence ("told Reuters") is
not one of them: only these furniture positions count.

The phrase patterns live in ``data/furniture.json``; agency spellings in ``data/agencies.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .lexicons import agency_aliases, countries, data_json, place_countries
from .models import Span

DATE_LINE = re.compile(r"\A\s*(?:date|dated|published)[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.I)

# "COLUMBIA, S.C. (AP) —", "LONDON (Reuters) -", "NEW DELHI, Nov 5 (PTI)", "Dec 29 (Reuters) -": a place
# (optional), a short date (optional) and a bracketed credit opening a paragraph
DATELINE = re.compile(
    r"(?P<place>[A-Z](?:[^\W\d_]|[.'’\- ]){0,40}?(?:,[ \t]*[A-Z](?:[^\W\d_]|[.'’\- ]){0,30}?){0,2})?"
    r"(?:,?[ \t]*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[ \t]+\d{1,2})?"
    r"[ \t]*\((?P<credit>[^()\n]{2,40})\)(?P<dash>[ \t]*(?:[—–-]+|:))?[ \t]*"
)
# "WASHINGTON —", "BUFFALO, N.Y. —": a dateline with no credit, an upper-case place and a dash
# (at most three words, so that an upper-case subhead "QUESTIONABLE CLAIMS ABOUND —" is not one)
BARE_DATELINE = re.compile(
    r"[A-Z][A-Z.'’\-]+(?:[ \t][A-Z][A-Z.'’\-]*){0,2}"
    r"(?:,[ \t]*[A-Z][\w.'’]*(?:[ \t][A-Z][\w.'’]*)?){0,2}[ \t]+[—–][ \t]*"
)
# "NEW DELHI:", "Washington, DC, United States:": up to three comma-separated capitalised place
# names and a colon (a dateline only when one of the names is a known place: "PENCE:" and
# "Poll:" are not)
COLON_DATELINE = re.compile(
    r"(?P<places>[A-Z][\w.'’\-]*(?:[ \t][A-Z][\w.'’\-]*){0,2}"
    r"(?:,[ \t]*[A-Z][\w.'’\-]*(?:[ \t][A-Z][\w.'’\-]*){0,2}){0,2})"
    r":[ \t]+(?=\S)"
)
# "By Jane Doe, Associated Press", "By JOHN SMITH | AFP": capitalised names after "By"
BYLINE = re.compile(r"By[ \t]+[A-Z][\w.'’\-]*(?:[ \t]+(?:[A-Z][\w.'’\-]*|and|de|van|von|al))*(?P<rest>[^\n]*)")
# a closing credit alone on the last line: "PTI", "(Reuters)", "— AFP", "© Reuters"
CLOSING_LINE = re.compile(r"[(\[]?[ \t]*(?:[—–-]+|©)?[ \t]*(?P<credit>[\w/.\- ]{2,40}?)[ \t]*[)\]]?[ \t]*\.?")
# the same credit glued to the end of the last sentence: "... into the US. PTI"
CLOSING_TAIL = re.compile(r"(?<=[.!?\"”’])[ \t]+\(?(?P<credit>[A-Z][A-Z/\-]{1,10})\)?[ \t]*\Z")


@dataclass(frozen=True)
class Layout:
    """Where the furniture of one text lies, and the date and agencies it gives."""

    published: str | None
    agencies: tuple[str, ...]
    date_line: Span | None
    credit_lines: tuple[Span, ...]
    promos: tuple[Span, ...]
    headline: Span | None
    datelines: tuple[Span, ...] = ()
    bylines: tuple[Span, ...] = ()
    furniture: tuple[Span, ...] = ()
    headings: tuple[Span, ...] = ()
    embeds: tuple[Span, ...] = ()

    @property
    def not_statements(self) -> tuple[Span, ...]:
        """Spans no statement may come from."""
        spans = [*self.credit_lines, *self.promos, *self.datelines, *self.bylines, *self.furniture]
        if self.date_line:
            spans.append(self.date_line)
        return tuple(sorted(spans, key=lambda s: s.start))

    @property
    def not_claims(self) -> tuple[Span, ...]:
        """Spans that are never check-worthy claims: the above plus headline and headings."""
        spans = [*self.not_statements, *self.headings, *self.embeds]
        if self.headline:
            spans.append(self.headline)
        return tuple(sorted(spans, key=lambda s: s.start))


@dataclass(frozen=True)
class FurnitureRules:
    """The patterns of ``data/furniture.json``, compiled once."""

    credit_start: re.Pattern[str]
    credit_anywhere: re.Pattern[str]
    lines: re.Pattern[str]
    promo: re.Pattern[str]
    heading_max_words: int
    embed_signature: re.Pattern[str]


def _phrases(phrases: list[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


@lru_cache(maxsize=1)
def furniture_rules() -> FurnitureRules:
    """Load ``data/furniture.json``; the phrases live there, not in code."""
    data = data_json("furniture.json")
    credits = data["credit_lines"]
    return FurnitureRules(
        credit_start=re.compile(r"[(\[]?[ \t]*(?:" + "|".join(credits["start"]) + ")", re.I),
        credit_anywhere=re.compile("|".join(credits["anywhere"]), re.I),
        lines=re.compile("(?:" + "|".join(data["lines"]["patterns"]) + ")", re.I),
        promo=re.compile(rf"\b(?:{_phrases(data['sentences']['phrases'])})\b[^.!?\n]*[.!?]?", re.I),
        heading_max_words=int(data["headings"]["max_words"]),
        embed_signature=re.compile(data["embeds"]["signature"], re.I),
    )


# --- agencies ------------------------------------------------------------------------------


def agency_named(token: str) -> str | None:
    """The canonical agency a bare credit ("AP", "The Associated Press", "Reuters") names."""
    aliases = agency_aliases()
    token = token.strip(" .,;:()[]\t")
    return aliases.get(token) or aliases.get(token.upper())


@lru_cache(maxsize=1)
def _alias_pattern() -> re.Pattern[str]:
    """Every agency spelling as a whole word, longest first ("Associated Press" before "AP");
    case matters, so the word "ap" or a name like "Ria" is not an agency."""
    aliases = sorted(agency_aliases(), key=len, reverse=True)
    return re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, aliases)) + r")(?![\w/])")


def agencies_in(credit: str) -> tuple[str, ...]:
    """Canonical agency names written in a credit, byline or dateline, in order, no repeats."""
    aliases = agency_aliases()
    names: list[str] = []
    for match in _alias_pattern().finditer(credit):
        name = aliases[match.group(0)]
        if name not in names:
            names.append(name)
    return tuple(names)


# --- lines ---------------------------------------------------------------------------------


def _lines(text: str) -> Iterator[Span]:
    """Each non-blank line, its blanks trimmed."""
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.start(), match.end()
        while start < end and text[start] in " \t\r\u00a0":
            start += 1
        while end > start and text[end - 1] in " \t\r\u00a0":
            end -= 1
        if end > start:
            yield Span(start, end, text[start:end])


def _is_credit_line(line: str, rules: FurnitureRules) -> bool:
    """'With reporting by ...', 'Contributing: ...', '... contributed to this report.'"""
    return bool(rules.credit_start.match(line) or rules.credit_anywhere.search(line))


def _dateline(text: str, line: Span) -> tuple[Span, str | None] | None:
    """A dateline opening a paragraph and the agency it credits: a bracketed agency after an
    optional place and date ('HANOI (AP) —'), or an upper-case place and a dash with no
    credit ('MADRID —')."""
    match = DATELINE.match(text, line.start, line.end)
    agency = agency_named(match.group("credit")) if match else None
    if match and agency:
        place = match.group("place") or ""
        # a plain sentence may hold a bracketed short form ("The Associated Press (AP)
        # reported"): a dateline has a dash or colon after it, or an upper-case place
        if match.group("dash") or not place or place.split(",")[0].isupper():
            return Span(line.start, match.end(), text[line.start : match.end()]), agency
    match = BARE_DATELINE.match(text, line.start, line.end) or _colon_dateline(text, line)
    if match:
        return Span(line.start, match.end(), text[line.start : match.end()]), None
    return None


def _colon_dateline(text: str, line: Span) -> re.Match[str] | None:
    """'NEW DELHI: Their American dream ...', 'Washington, DC, United States: Getting to the
    Moon ...': place names and a colon open the paragraph, one of them a country, capital or
    region the data files know, in capitals or more than one."""
    match = COLON_DATELINE.match(text, line.start, line.end)
    if match is None:
        return None
    places = match.group("places")
    if "," not in places and not places.isupper():
        return None  # "Iran: talks resume" is a headline's speaker and its words, not a dateline
    names = [name.strip().lower() for name in places.split(",")]
    return match if any(name in known_places() for name in names) else None


@lru_cache(maxsize=1)
def known_places() -> frozenset[str]:
    """Lower-cased countries, capitals and regions (data/countries.tsv, data/places.tsv)."""
    names = {country.name.lower() for country in countries()}
    names |= {capital.lower() for country in countries() for capital in country.capitals if capital}
    return frozenset(names | set(place_countries()))


def _byline(line: Span) -> bool:
    """'By Jane Doe, Associated Press': capitalised names after 'By', no sentence after them
    (so 'By most accounts, the law worked.' is not one)."""
    match = BYLINE.fullmatch(line.text)
    if not match or len(line.text.split()) > 14:
        return False
    rest = match.group("rest").strip()
    return not rest or rest[0] in ",|—–-/(" or bool(agencies_in(rest))


def _closing_credit(text: str, lines: list[Span]) -> tuple[Span, str] | None:
    """The agency credit ending an article: a last line that is only an agency ('PTI',
    '(Reuters)', '© Reuters'), or one glued after the last sentence ('... the US. PTI')."""
    last = [line for line in lines if line.text.strip("_—–- ")]
    if not last:
        return None
    line = last[-1]
    match = CLOSING_LINE.fullmatch(line.text)
    if match and (agency := agency_named(match.group("credit"))):
        return line, agency
    tail = CLOSING_TAIL.search(line.text)
    if tail and (agency := agency_named(tail.group("credit"))):
        start = line.start + tail.start("credit")
        while text[start - 1] == "(":
            start -= 1
        return Span(start, line.end, text[start : line.end]), agency
    return None


def _is_heading(line: Span, paragraph_lines: int, rules: FurnitureRules) -> bool:
    """A one-line paragraph of few words with no sentence end: a heading, headline or label."""
    body = line.text.rstrip("\"'”’)] ")
    if paragraph_lines != 1 or not body or body.endswith((".", "!", "?", ":", ";", ",")):
        return False
    if re.search(r"[.!?][\"'”’)]*\s+[A-Z]", re.sub(r"^\d{1,2}\.\s+", "", line.text)):
        return False  # two sentences, one without its stop: prose, not a heading
    return len(line.text.split()) <= rules.heading_max_words


def _paragraphs(text: str) -> list[list[Span]]:
    """The lines of each paragraph (a run of non-blank lines), in order."""
    paragraphs = []
    for match in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        lines = [Span(match.start() + s.start, match.start() + s.end, s.text) for s in _lines(match.group(0))]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _paragraph_sizes(text: str) -> dict[int, int]:
    """For the first line of each paragraph, the number of lines in that paragraph."""
    return {lines[0].start: len(lines) for lines in _paragraphs(text)}


def _embeds(text: str, rules: FurnitureRules) -> list[Span]:
    """Embedded posts: each paragraph just before a signature line ('— Name (@handle) date')."""
    embeds = []
    paragraphs = _paragraphs(text)
    for before, lines in zip(paragraphs, paragraphs[1:], strict=False):
        if len(lines) == 1 and rules.embed_signature.match(lines[0].text):
            embeds.append(Span(before[0].start, before[-1].end, text[before[0].start : before[-1].end]))
    return embeds


def _promos(text: str, rules: FurnitureRules) -> list[Span]:
    """Promotional sentences ("Read our coverage ..."), with any box title before them. The
    phrase must open its sentence or follow only capitalised words (the box title), so that
    "consumers will sign up for" inside a sentence of prose is not a promo."""
    promos = []
    for match in rules.promo.finditer(text):
        paragraph_start = text.rfind("\n", 0, match.start()) + 1
        stop = max(text.rfind(mark, paragraph_start, match.start()) for mark in ".!?")
        before = text[max(stop + 1, paragraph_start) : match.start()].split()
        if not all(word[0].isupper() for word in before):
            continue
        # the box title ("Crisis In Belarus") runs from the paragraph start to the phrase
        start = paragraph_start if stop < paragraph_start else match.start()
        promos.append(Span(start, match.end(), text[start : match.end()]))
    return promos


def _headline(text: str, start: int) -> Span | None:
    """A first paragraph that is one short line is a headline."""
    match = re.compile(r"[ \t]*([^\n]+)").match(text, start)
    if not match or "\n" not in text[match.end() :]:
        return None
    line = match.group(1).rstrip()
    if len(line.split()) <= 25 and not line.endswith((":",)):
        s = match.start(1)
        return Span(s, s + len(line), line)
    return None


def _add(agencies: list[str], found: tuple[str, ...]) -> None:
    agencies.extend(a for a in found if a not in agencies)


def read_layout(text: str) -> Layout:
    """The furniture of one text and the metadata it carries; each non-blank line is judged
    once, in this order: credit line, byline, furniture line, dateline, heading."""
    rules = furniture_rules()
    date_line = None
    published = None
    body_start = 0
    if match := DATE_LINE.match(text):
        published = match.group(1)
        date_line = Span(match.start(), match.end(), text[match.start() : match.end()])
        body_start = match.end()
    sizes = _paragraph_sizes(text)
    lines = []
    for line in _lines(text):
        if line.end <= body_start:
            continue
        if line.start < body_start:  # the line the date line opens: judge the rest of it
            clipped = Span(body_start, line.end, text[body_start : line.end])
            sizes[clipped.start] = sizes.pop(line.start, 1)
            line = clipped
        lines.append(line)
    paragraph_starts = set(sizes)
    agencies: list[str] = []
    credits, datelines, bylines, furniture, headings = [], [], [], [], []
    for line in lines:
        if _is_credit_line(line.text, rules):
            credits.append(line)
            _add(agencies, agencies_in(line.text))
        elif _byline(line):
            bylines.append(line)
            _add(agencies, agencies_in(line.text))
        elif rules.lines.match(line.text) or rules.embed_signature.match(line.text):
            furniture.append(line)
        elif line.start in paragraph_starts and (found := _dateline(text, line)):
            datelines.append(found[0])
            _add(agencies, (found[1],) if found[1] else ())
        elif line.start in sizes and _is_heading(line, sizes[line.start], rules):
            headings.append(line)
    closing = _closing_credit(text, lines)
    if closing is not None:
        if closing[0] not in credits:
            credits.append(closing[0])
        _add(agencies, (closing[1],))
    headline = None if date_line else _headline(text, body_start)
    return Layout(
        published,
        tuple(agencies),
        date_line,
        tuple(sorted(credits, key=lambda s: s.start)),
        tuple(_promos(text, rules)),
        headline,
        tuple(datelines),
        tuple(bylines),
        tuple(furniture),
        tuple(headings),
        tuple(_embeds(text, rules)),
    )
