"""Re-anchoring: finding a stored statement again in a new version of its text.

A statement is stored with its exact content and a little of the text on either side (its
anchor, in the manner of a W3C text-quote selector). When a document is re-extracted, or a
new version of an article arrives, human work on an old statement moves to the new statement
its anchor lands on. Everything here is pure: text and rows in, positions and matches out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from .models import Document

ANCHOR_CONTEXT = 32  # characters of text kept on each side of a statement
MIN_ANCHOR_OVERLAP = 0.5  # the share of the wider span two statements must have in common
JSONL_LINE = re.compile(r"\A(?P<path>.+\.(?:jsonl|ndjson)):\d+\Z", re.IGNORECASE)


def anchor(text: str, start: int, end: int) -> tuple[str, str]:
    """The text just before and just after [start, end): what tells two copies of a quote apart."""
    return text[max(0, start - ANCHOR_CONTEXT) : start], text[end : end + ANCHOR_CONTEXT]


def version_key(doc: Document) -> str:
    """What makes two texts versions of one article: its URL, else its file (for a JSONL
    line: the file and the record id, not the line number)."""
    if doc.url:
        return doc.url
    source = doc.source or doc.id
    match = JSONL_LINE.match(source)
    if match:
        return f"{os.path.abspath(match['path'])}#id={doc.id}"
    return os.path.abspath(source) if source else doc.id


def locate(old: dict[str, Any], text: str) -> tuple[int, int] | None:
    """Find an old statement's text in (possibly changed) document text: where it was if it
    is still there, else the copy whose surroundings best match its anchor, nearest first."""
    exact, start, end = old["content"], old["content_start"], old["content_end"]
    if text[start:end] == exact:
        return start, end
    if not exact:
        return None
    best: tuple[int, int, int] | None = None
    position = text.find(exact)
    while position >= 0:
        before = text[max(0, position - ANCHOR_CONTEXT) : position]
        after = text[position + len(exact) : position + len(exact) + ANCHOR_CONTEXT]
        score = _common_suffix(old["anchor_prefix"], before) + _common_prefix(old["anchor_suffix"], after)
        key = (score, -abs(position - start), position)
        if best is None or key[:2] > best[:2]:
            best = key
        position = text.find(exact, position + 1)
    if best is None:
        return None
    return best[2], best[2] + len(exact)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def best_match(
    old: dict[str, Any], text: str, candidates: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], float] | None:
    """The candidate statement the old one's anchor lands on, with its overlap ratio."""
    located = locate(old, text)
    if located is None:
        return None
    start, end = located
    best: tuple[tuple[float, int, int], dict[str, Any], float] | None = None
    for candidate in candidates:
        c_start, c_end = candidate["content_start"], candidate["content_end"]
        overlap = min(end, c_end) - max(start, c_start)
        if overlap <= 0:
            continue
        ratio = overlap / (max(end, c_end) - min(start, c_start))
        if ratio < MIN_ANCHOR_OVERLAP:
            continue
        key = (ratio, int(candidate["kind"] == old["kind"]), -abs(c_start - start))
        if best is None or key > best[0]:
            best = (key, candidate, ratio)
    return (best[1], best[2]) if best else None
