"""Pair quotation marks into quoted spans, one paragraph at a time.

Why per paragraph: a stray or unmatched mark must cost at most the quote it belongs to, never
the rest of the document (textacy's ``direct_quotations`` raises on an odd count). News style
leaves a quotation open at the end of a paragraph when the quote runs on into the next; such a
quote is taken to run to the end of its paragraph, and flagged ``open_end`` so the caller can
attribute the continuation.

Apostrophes are not quotation marks: a single mark counts only when it opens at a word start
and a closing single mark (not between two letters) follows in the same paragraph; a mark
that looks like a plural possessive ("the nurses\u2019 warnings") closes only when no later
mark can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# opener -> the marks that may close it; careless copy mixes straight and curly marks
DOUBLE_OPEN = {"\u201c": '\u201d"', "\u201e": "\u201c\u201d", "\u00ab": "\u00bb", "\u201f": "\u201d"}
DOUBLE_CLOSE = {"\u201d", "\u00bb"}
SINGLE_OPEN = {"\u2018": "\u2019", "\u2039": "\u203a", "'": "'"}
STRAIGHT = '"'
DOUBLE_MARKS = re.compile("[" + "".join(sorted({*DOUBLE_OPEN, STRAIGHT, *"".join(DOUBLE_OPEN.values())})) + "]")
SINGLE_OPENERS = re.compile("[" + re.escape("".join(SINGLE_OPEN)) + "]")
SINGLE_MARKS = re.compile("[" + re.escape("".join({*SINGLE_OPEN, *SINGLE_OPEN.values(), "\u2019"})) + "]")
PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class QuotedSpan:
    """A quotation: ``start``/``end`` include the marks; ``open_end`` when no closing mark."""

    start: int
    end: int
    open_end: bool = False

    @property
    def inner(self) -> tuple[int, int]:
        return (self.start + 1, self.end - (0 if self.open_end else 1))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _closes_single(text: str, i: int) -> bool:
    """A single closing mark is an apostrophe when letters stand on both sides ("don't")."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (_is_word_char(before) and _is_word_char(after)) and not before.isspace()


def _plural_possessive(text: str, i: int, end: int) -> bool:
    """ "the nurses\u2019 warnings": a mark after a plural s, before a lower-case word, is
    likely an apostrophe; a later closing mark, if any, is preferred."""
    return i > 0 and text[i - 1] in "sS" and i + 2 < end and text[i + 1] == " " and text[i + 2].islower()


def _opens_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in '([{\u2014\u2013-/"\u201c') and _is_word_char(after)


def _straight_opens(text: str, i: int, start: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace() or after == "\n":
        return False
    return before.isspace() or before in "([{\u2014\u2013-/:,'" or i == start


def _pair_doubles(text: str, start: int, end: int) -> list[QuotedSpan]:
    spans: list[QuotedSpan] = []
    open_at: int | None = None
    closers = ""
    for mark in DOUBLE_MARKS.finditer(text, start, end):  # nothing happens between the marks
        i, ch = mark.start(), mark.group()
        if open_at is None:
            if ch in DOUBLE_OPEN:
                open_at, closers = i, DOUBLE_OPEN[ch]
            elif ch == STRAIGHT and _straight_opens(text, i, start):
                open_at, closers = i, STRAIGHT + "\u201d"
        else:
            if ch in closers and i > open_at + 1:
                spans.append(QuotedSpan(open_at, i + 1))
                open_at = None
            elif ch in DOUBLE_OPEN and STRAIGHT not in closers and ch not in closers:
                # a second opener before any closer: the first one was stray
                open_at, closers = i, DOUBLE_OPEN[ch]
    if open_at is not None:
        tail_end = end
        while tail_end > open_at + 1 and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end - open_at > 2:
            spans.append(QuotedSpan(open_at, tail_end, open_end=True))
    return spans


def _pair_singles(text: str, start: int, end: int, taken: list[QuotedSpan]) -> list[QuotedSpan]:
    """Single-quoted spans outside double quotes (headline style, or straight singles)."""

    def inside_double(i: int) -> bool:
        return any(q.start <= i < q.end for q in taken)

    def first_inside_double(i: int) -> int:
        """The first position from ``i`` on that lies inside a double quotation (``end`` if none)."""
        if inside_double(i):
            return i
        return min((q.start for q in taken if q.start > i), default=end)

    spans: list[QuotedSpan] = []
    i = start
    while True:
        opener = SINGLE_OPENERS.search(text, i, end)
        if opener is None:
            break
        i, ch = opener.start(), opener.group()
        if not inside_double(i) and _opens_single(text, i):
            closer = SINGLE_OPEN[ch]
            # only the single marks matter until the scan reaches a double quotation
            stop = first_inside_double(i + 2)
            found = None
            for mark in SINGLE_MARKS.finditer(text, i + 2, min(stop + 1, end)):
                j = mark.start()
                if text[j] in (closer, "\u2019") and _closes_single(text, j):
                    found = j
                    if not _plural_possessive(text, j, end):
                        break
                elif found is not None and text[j] in SINGLE_OPEN and _opens_single(text, j):
                    break  # another quotation opens: the possessive-looking mark closed this one
            if found is not None:
                spans.append(QuotedSpan(i, found + 1))
                i = found + 1
                continue
        i += 1
    return spans


TWO_APOSTROPHES = "\u2060"  # stands in for the second mark of '' while pairing


def _closing_pair(work: str, quote: QuotedSpan) -> QuotedSpan:
    """A quotation opened or closed with two apostrophes ('') keeps both marks."""
    if not quote.open_end and quote.end < len(work) and work[quote.end] == TWO_APOSTROPHES:
        return QuotedSpan(quote.start, quote.end + 1, quote.open_end)
    return quote


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """All quotations in ``text`` in order of position, nested singles inside doubles omitted.

    Two apostrophes ('') are read as one double mark, as some archives print quotations."""
    work = text.replace("''", '"' + TWO_APOSTROPHES) if "''" in text else text
    found: list[QuotedSpan] = []
    for paragraph in PARAGRAPH.finditer(work):
        doubles = _pair_doubles(work, paragraph.start(), paragraph.end())
        singles = _pair_singles(work, paragraph.start(), paragraph.end(), doubles)
        found.extend(_closing_pair(work, q) for q in doubles)
        found.extend(singles)
    return sorted(found, key=lambda q: q.start)


def quoted_mask(text: str, spans: list[QuotedSpan] | None = None) -> bytearray:
    """1 for every character inside a quotation (marks included), else 0."""
    mask = bytearray(len(text))
    for quote in spans if spans is not None else find_quoted_spans(text):
        mask[quote.start : quote.end] = b"\x01" * (quote.end - quote.start)
    return mask


def classify(mask: bytearray, text: str, start: int, end: int) -> str:
    """direct when every word character of the span is quoted, indirect when none, else mixed."""
    quoted = unquoted = 0
    for i in range(start, end):
        if text[i].isalnum():
            if mask[i]:
                quoted += 1
            else:
                unquoted += 1
    if quoted and not unquoted:
        return "direct"
    if not quoted:
        return "indirect"
    return "mixed"
