"""When was it said? The time a cue's own clause gives, resolved against the publication date.

News copy dates a statement relative to the paper's date: 'said last week', 'on Tuesday
announced', 'said in May'. Only words hanging on the cue count, so a date inside what was
said ('the vote in May') belongs to the content, not to the saying. Each rule below reads the
expression's words and returns a date range or None, letting the next rule try; the first
range found wins. Relative rules are our own; absolute dates go to ``dateparser``.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from .lexicons import cue_stances, data_json
from .models import Span, StatementTime
from .nlp import doc_text

BY_PUBLICATION = "by publication"
NO_PUBLICATION = "no publication date"  # a time phrase that needs the paper's date, which is unknown
SOME_DAY = date(9000, 1, 1)  # a stand-in publication date, only to ask whether a phrase reads as a time
TEMPORAL_DEPS = {"npadvmod", "advmod", "tmod", "obl:tmod", "nmod:tmod"}
DATE_LABELS = {"DATE", "TIME"}
MAX_EXPRESSION_TOKENS = 8  # a longer subtree is a clause, not a time expression
YEAR = re.compile(r"\A(1[89]|20)\d\d\Z")

Range = tuple[date, date, str]  # first day, last day, precision


@dataclass(frozen=True)
class TimeWords:
    prepositions: frozenset[str]
    framing: frozenset[str]
    qualifiers: frozenset[str]
    day_parts: frozenset[str]
    relative: dict[str, tuple[str, int]]
    ago_units: dict[str, str]
    numbers: dict[str, int]
    weekdays: tuple[str, ...]
    weekday_modifiers: dict[str, str]
    months: dict[str, int]
    speaking_verbs: frozenset[str]
    holidays: dict[str, tuple[int, int]]
    future_auxiliaries: frozenset[str]
    future_heads: frozenset[str]
    cores: frozenset[str]  # single words that make a phrase temporal at all


@lru_cache(maxsize=1)
def time_words() -> TimeWords:
    """The word lists of data/time-words.json, read once."""
    data = data_json("time-words.json")
    relative = {phrase: (unit, int(back)) for phrase, (unit, back) in data["relative"].items()}
    relative_words = {word for phrase in relative for word in phrase.split()}
    cores = relative_words - set(data["qualifiers"]) - {"this", "last", "the", "in", "previous", "past", "before"}
    cores |= set(data["weekdays"]) | set(data["ago_units"]) | {"ago"}
    cores |= {name.split()[-1] for name in data["holidays"]}
    return TimeWords(
        prepositions=frozenset(data["prepositions"]),
        framing=frozenset(data["framing_prepositions"]),
        qualifiers=frozenset(data["qualifiers"]),
        day_parts=frozenset(data["day_parts"]),
        relative=relative,
        ago_units=dict(data["ago_units"]),
        numbers=dict(data["numbers"]),
        weekdays=tuple(data["weekdays"]),
        weekday_modifiers=dict(data["weekday_modifiers"]),
        months=dict(data["months"]),
        speaking_verbs=frozenset(data["speaking_verbs"]),
        holidays={name: (int(month), int(day)) for name, (month, day) in data["holidays"].items()},
        future_auxiliaries=frozenset(data["future_auxiliaries"]),
        future_heads=frozenset(data["future_heads"]),
        cores=frozenset(cores),
    )


# --------------------------------------------------------------------------- finding the words


def _is_temporal(token: Token) -> bool:
    """A token that can make a phrase a time: a DATE/TIME entity word, a weekday, 'week',
    'yesterday', 'ago', a capitalised month (never the modal 'may')."""
    words = time_words()
    if token.tag_ == "MD":
        return False
    if token.ent_type_ in DATE_LABELS or token.lower_ in words.cores:
        return True
    return token.lower_ in words.months and token.text[:1].isupper()


def _phrase(doc: Doc, first: Token, last: Token) -> TokenSpan | None:
    """The tokens first..last when they are short and hold a time word at all."""
    span = doc[first.i : last.i + 1]
    if len(span) > MAX_EXPRESSION_TOKENS or not any(_is_temporal(t) for t in span):
        return None
    return span


def temporal_phrase(doc: Doc, token: Token) -> TokenSpan | None:
    """The time phrase a modifier of the cue heads: 'last week' and 'Tuesday' (bare noun
    modifiers), 'on July 12' and 'in May' (a preposition with its object)."""
    words = time_words()
    if token.dep_ in TEMPORAL_DEPS:
        return _phrase(doc, token.left_edge, token.right_edge)
    if token.dep_ == "prep" and token.lower_ in words.prepositions and token.n_rights:
        return _phrase(doc, token, token.right_edge)  # the parser may not call 'mid-May' a pobj
    return None


def _attachments(cue: Token) -> Iterator[Token]:
    """The cue's own modifiers first, then those of the noun in 'in a statement on Friday' or
    'told reporters Monday' and of the verbs in 'Speaking on Thursday, X said', 'X, speaking on
    Friday, said' and 'in a statement released on Wednesday': they date the saying itself,
    and they stand in the cue's clause. Last, a reporting verb's own, when the cue is joined
    to it."""
    words = time_words()
    children = list(cue.children)
    yield from children
    for child in children:
        heads: list[Token] = []
        if child.dep_ == "prep" and child.lower_ in words.framing:  # not 'after a test in May'
            heads = [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ == "ccomp":
            # 'said Monday it had raised ...': with no 'that', the parser may hang the time on
            # the reported verb; it is the cue's when it stands right after the cue
            yield from (c for c in child.children if c.dep_ in TEMPORAL_DEPS and c.left_edge.i == cue.i + 1)
        elif child.dep_ in {"dobj", "dative"} or _speaking_participle(child):
            heads = [child]
        # 'in a statement released on Wednesday', 'X, speaking on Friday, said'
        nouns = heads + ([child] if child.dep_ in {"nsubj", "nsubjpass"} else [])
        heads += [c for noun in nouns for c in noun.children if _speaking_participle(c)]
        for head in heads:
            yield from (c for c in head.children if c.dep_ == "prep" or c.dep_ in TEMPORAL_DEPS)
    if cue.dep_ in {"conj", "advcl"} and cue.head.lemma_.lower() in cue_stances():
        # '..., she said Monday, adding that ...', 'said last week and warned ...': a second verb
        # of the same saying shares the first one's time
        yield from (c for c in cue.head.children if c is not cue)


def _speaking_participle(token: Token) -> bool:
    return token.dep_ in {"acl", "advcl"} and token.lemma_.lower() in time_words().speaking_verbs


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Expression:
    """The words of a time phrase: ``phrase`` without its leading preposition, ``core``
    also without qualifiers ('early', 'late', 'the') and day parts ('night')."""

    tokens: tuple[Token, ...]
    phrase: tuple[str, ...]
    core: tuple[Token, ...]

    @property
    def core_words(self) -> tuple[str, ...]:
        return tuple(t.lower_ for t in self.core)


def read_expression(span: TokenSpan) -> Expression:
    """The words the rules read: 'late on Wednesday night' is read as 'Wednesday'."""
    words = time_words()
    tokens = [t for t in span if not t.is_punct]
    while tokens and tokens[0].lower_ in words.prepositions and len(tokens) > 1:
        tokens = tokens[1:]
    phrase = tuple(t.lower_ for t in tokens)
    core = list(tokens)
    while core and core[0].lower_ in words.qualifiers:
        core = core[1:]
    while len(core) > 1 and core[-1].lower_ in words.day_parts:
        core = core[:-1]
    return Expression(tuple(span), phrase, tuple(core))


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _month_of(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def _months_back(day: date, back: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - back
    return index // 12, index % 12 + 1


def _unit_range(unit: str, day: date, back: int) -> Range:
    """The day, calendar week (Monday to Sunday), month or year ``back`` units before ``day``'s."""
    if unit == "day":
        then = day - timedelta(days=back)
        return then, then, "day"
    if unit == "week":
        first, last = _week_of(day - timedelta(weeks=back))
        return first, last, "week"
    if unit == "month":
        first, last = _month_of(*_months_back(day, back))
        return first, last, "month"
    return date(day.year - back, 1, 1), date(day.year - back, 12, 31), "year"


def relative_phrase(expression: Expression, published: date | None) -> Range | None:
    """'yesterday', 'last week', 'earlier this month', 'last year': a unit counted back from
    the paper's own date; 'last week' is the calendar week before the publication's."""
    if published is None:
        return None
    if any(t.text[:1].isupper() for t in expression.tokens[1:]):
        return None  # a title that reads like a time: 'told CBS This Morning', ABC's 'This Week'
    relative = time_words().relative
    found = relative.get(" ".join(expression.phrase)) or relative.get(" ".join(expression.core_words))
    if found is None:
        return None
    unit, back = found
    if unit == "weekend":
        return weekend_before(published)
    return _unit_range(unit, published, back)


def weekend_before(published: date) -> Range:
    """'over the weekend': the Saturday and Sunday of the latest weekend on or before the paper
    (a Monday paper's weekend is the two days before it)."""
    saturday = published - timedelta(days=(published.weekday() - 5) % 7)
    return saturday, saturday + timedelta(days=1), "week"


def units_ago(expression: Expression, published: date | None) -> Range | None:
    """'two weeks ago', 'three days ago': counted back from the paper, in the unit named."""
    words = time_words()
    core = expression.core_words
    if published is None or len(core) < 3 or core[-1] != "ago" or core[-2] not in words.ago_units:
        return None
    count = " ".join(core[:-2])
    number = int(count) if count.isdigit() else words.numbers.get(count)
    if number is None:
        return None
    return _unit_range(words.ago_units[core[-2]], published, number)


def weekday(expression: Expression, published: date | None) -> Range | None:
    """'on Tuesday', 'said Monday', 'last Friday': news style means the latest such day up to
    the paper's, so 'on Monday' in a Monday paper is that very day; 'last Monday' is before it."""
    words = time_words()
    core = expression.core_words
    if published is None or not core or core[-1] not in words.weekdays or len(core) > 2:
        return None
    mode = "latest"
    if len(core) == 2:
        if core[0] not in words.weekday_modifiers:
            return None
        mode = words.weekday_modifiers[core[0]]
    back = (published.weekday() - words.weekdays.index(core[-1])) % 7
    if back == 0 and mode == "before":
        back = 7
    then = published - timedelta(days=back)
    return then, then, "day"


def _holiday_name(words: tuple[str, ...]) -> str:
    return " ".join(words).replace("\u2019", "'").replace(" 's", "'s").removeprefix("the ")


def holiday(expression: Expression, published: date | None) -> Range | None:
    """'on New Year's Eve', 'on Christmas Day': a fixed date, the latest one up to the paper."""
    words = time_words()
    names = [_holiday_name(expression.phrase), _holiday_name(expression.core_words)]  # 'Day' is a day part too
    name = next((n for n in names if n in words.holidays), None)
    if published is None or name is None:
        return None
    month, day = words.holidays[name]
    then = date(published.year, month, day)
    if then > published:
        then = date(published.year - 1, month, day)
    return then, then, "day"


def bare_month(expression: Expression, published: date | None) -> Range | None:
    """'in May', 'in early May', 'last March': the latest such month not after the paper
    ('last' wants one before the paper's month). The modal 'may' is never a month."""
    words = time_words()
    core = expression.core
    if published is None or not core or len(core) > 2:
        return None
    month_token = core[-1]
    if month_token.lower_ not in words.months or month_token.tag_ == "MD" or not month_token.text[:1].isupper():
        return None
    strictly_before = len(core) == 2
    if strictly_before and core[0].lower_ not in {"last", "past"}:
        return None
    month = words.months[month_token.lower_]
    this_year = month < published.month or (month == published.month and not strictly_before)
    first, last = _month_of(published.year if this_year else published.year - 1, month)
    return first, last, "month"


def absolute_date(expression: Expression, published: date | None) -> Range | None:
    """'July 12', 'on Dec. 3', 'in May 2019', 'in 2019': dates the calendar fixes, read by
    dateparser; without a year, the latest such date up to the paper."""
    words = time_words()
    core = expression.core
    has_year = any(YEAR.match(t.text) for t in core)
    has_month = any(t.lower_ in words.months and t.tag_ != "MD" and t.text[:1].isupper() for t in core)
    if not (has_year or has_month) or (published is None and not has_year):
        return None
    if published is not None:
        base = datetime(published.year, published.month, published.day)
    else:
        base = datetime(int(next(t.text for t in core if YEAR.match(t.text))), 12, 31)
    text = " ".join(t.text for t in core)
    plain = _month_and_day(text, published)
    if plain is not None:
        found = plain
        if published is not None and not has_year and _upcoming(found, published):
            return None
        return found, found, "day"
    calendar = _month_or_year(text)
    if calendar is not None:
        return calendar
    data = _date_parser(base).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    if published is not None and not has_year and _upcoming(found, published):
        return None
    if data.period == "year":
        return date(found.year, 1, 1), date(found.year, 12, 31), "year"
    if data.period == "month":
        first, last = _month_of(found.year, found.month)
        return first, last, "month"
    if data.period == "week":
        first, last = _week_of(found)
        return first, last, "week"
    return found, found, "day"


MONTH_DAY = re.compile(r"(?P<month>[A-Za-z]+\.?) (?P<day>\d{1,2})(?:st|nd|rd|th)?(?: ?,? (?P<year>\d{4}))?")
MONTH_YEAR = re.compile(r"(?:(?P<month>[A-Za-z]+\.?) )?(?P<year>\d{4})")


def _month_and_day(text: str, published: date | None) -> date | None:
    """'July 12', 'Dec. 3', 'Nov. 8 , 2016' read directly (most dates in news are these, and
    dateparser takes milliseconds for each); a yearless one is the latest up to the paper."""
    match = MONTH_DAY.fullmatch(text)
    month = time_words().months.get(match.group("month").lower()) if match else None
    if match is None or month is None or (match.group("year") is None and published is None):
        return None
    year = int(match.group("year")) if match.group("year") else published.year  # type: ignore[union-attr]
    try:
        found = date(year, month, int(match.group("day")))
        if match.group("year") is None and published is not None and found > published:
            found = date(year - 1, month, int(match.group("day")))
    except ValueError:  # 'February 30', or February 29 of a year without it
        return None
    return found


def _month_or_year(text: str) -> Range | None:
    """'2014', 'June 2012': a year or a month of a year, read directly like the dates above."""
    match = MONTH_YEAR.fullmatch(text)
    if match is None:
        return None
    year = int(match.group("year"))
    if match.group("month") is None:
        return date(year, 1, 1), date(year, 12, 31), "year"
    month = time_words().months.get(match.group("month").lower())
    if month is None or match.group("month") == "may":
        return None  # 'may 2014' in lower case is no month
    first, last = _month_of(year, month)
    return first, last, "month"


@lru_cache(maxsize=64)
def _date_parser(base: datetime) -> Any:
    """dateparser's English reader with yearless dates taken from before ``base`` (one per
    publication date: building it costs more than reading a date)."""
    from dateparser.date import DateDataParser

    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    return DateDataParser(languages=["en"], settings=settings)


def _upcoming(found: date, published: date) -> bool:
    """'the show on November 24' in a November 23 paper is tomorrow's, not last year's: a date
    without a year that falls in the month after publication names something still to come."""
    try:
        this_year = found.replace(year=published.year)
    except ValueError:  # February 29
        return False
    return published < this_year <= published + timedelta(days=31)


RULES: tuple[Callable[[Expression, date | None], Range | None], ...] = (
    relative_phrase,
    units_ago,
    weekday,
    holiday,
    bare_month,
    absolute_date,
)


# --------------------------------------------------------------------------- the statement's time


def publication_day(published: str | None) -> date | None:
    """The paper's date from an ISO date or timestamp ('2021-07-12', '2016-10-19T08:00:00Z')."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def resolve(span: TokenSpan, published: date | None) -> tuple[Range, str] | None:
    """The first rule's range for a time phrase, and the rule's name; a range starting after
    publication is no time of saying (the phrase dates something else)."""
    expression = read_expression(span)
    for rule in RULES:
        found = rule(expression, published)
        if found is None:
            continue
        first, last, precision = found
        if published is not None:
            if first > published:
                return None
            last = min(last, published)
        return (first, last, precision), rule.__name__
    return None


def by_publication(published: str | None) -> StatementTime:
    """No time in the cue's clause: said some time up to the publication date."""
    day = publication_day(published)
    return StatementTime(None, day.isoformat() if day else None, None, None, BY_PUBLICATION)


def _future(cue: Token) -> bool:
    """'will announce Friday', 'is due to address the convention on Thursday': the phrase dates
    an act still to come, so it says nothing about a time before publication (and 'Friday'
    would be read as the last one)."""
    words = time_words()
    if cue.dep_ == "xcomp" and cue.head.lemma_.lower() in words.future_heads:
        return True
    return any(c.dep_ == "aux" and c.lower_ in words.future_auxiliaries for c in cue.children)


def statement_time(doc: Doc, cue: Token | None, published: str | None) -> StatementTime:
    """When the statement whose cue is ``cue`` was made: the first time phrase on the cue that a
    rule resolves, else "by publication" (in an undated text, a phrase that needs the date is
    kept with no range, rule "no publication date"). Looks only at the cue's children, one level under an
    'in a statement' phrase and the verb a joined cue hangs on, so it costs a few token checks
    per statement."""
    if cue is None or _future(cue):
        return by_publication(published)
    day = publication_day(published)
    text = doc_text(doc)
    for token in _attachments(cue):
        span = temporal_phrase(doc, token)
        if span is None:
            continue
        resolved = resolve(span, day)
        expression = Span.of(text, span.start_char, span.end_char)
        if resolved is None:
            if day is None and resolve(span, SOME_DAY) is not None:
                # 'said Tuesday' in an undated text: keep the words, with no range
                return StatementTime(None, None, None, expression, NO_PUBLICATION)
            continue
        (first, last, precision), rule = resolved
        return StatementTime(first.isoformat(), last.isoformat(), precision, expression, rule)
    return by_publication(published)
