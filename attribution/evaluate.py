"""Score quote attribution against gold annotations, by the rules of ``shared/eval/score.py``.

``attribution evaluate GOLD.jsonl [--pred PRED.jsonl]`` prints the same table as the
reference scorer, and ``--json`` prints the same metrics dictionary. Without ``--pred`` the
gold texts are run through the extractor first.

Gold lines carry ``id``, ``text`` and ``quotes`` (each with ``content_span``, optionally
``content_fragments``, ``speaker``, ``speaker_span``, ``speaker_name`` and ``type``);
prediction lines carry ``id`` and ``quotes`` (each with ``content_span`` or ``content``, and
optionally ``speaker``, ``speaker_span`` and ``type``), i.e. the ``extract --format jsonl``
records. All quote counts are micro-averaged over every gold article.

Quote detection
    lenient: a prediction matches a gold quote when the word tokens (``\\w+``) it touches
    cover at least ``overlap`` (0.5) of the gold quote's tokens; pairs are formed one-to-one,
    greedily, best gold coverage first, then best Jaccard overlap.
    exact: after trimming whitespace, punctuation and quotation marks from both ends, both
    boundaries lie within ``tolerance`` (2) characters; one-to-one, nearest first.

Discontinuous gold quotes (two or more fragments once fragments separated only by
punctuation are joined) may be predicted in pieces. Unless ``strict``: the union of unmatched
predictions lying mostly (>= 50 % of their tokens) inside such a quote may match it
leniently, and every further piece lying mostly inside a matched one is *absorbed*, i.e.
left out of the precision denominator; for exact matching such a quote is found when each of
its fragments is matched exactly by some prediction, the extra pieces being absorbed.

Speakers (over lenient matches whose gold quote names a speaker): correct when the names are
equal once lower-cased and stripped of punctuation, possessives, parentheticals, titles and
determiners; when a head word (the last word of each comma/dash separated part, cut before a
relative clause or preposition) is shared; or when the predicted and gold speaker spans
overlap. ``speaker_name`` in the gold is tried as well. End-to-end counts a prediction as
correct when it is a lenient match and its speaker is correct (a gold quote without speaker
wants a prediction without speaker).

Per type: recall by gold ``type`` and precision by predicted type (the prediction's own
``type``, else derived from the quotation marks around its span).
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import QuoteType, values

__all__ = [
    "QUOTE_TYPES",
    "evaluate_file",
    "extract_predictions",
    "gold_has_speaker",
    "read_jsonl",
    "render",
    "score",
    "speaker_matches",
]

QUOTE_TYPES = values(QuoteType)  # the gold and prediction types scored, in the models' order
MOSTLY_INSIDE = 0.5
"""Share of a prediction's tokens that must lie in a gold quote for it to count as inside."""

WORD = re.compile(r"\w+")
QUOTE_MARKS = frozenset("\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201f\u2039\u203a")

PRONOUNS = frozenset(
    "he she they it we i you him her them us me his hers their its who whom which that this "
    "these those one someone somebody everyone everybody".split()
)
DETERMINERS = frozenset({"the", "a", "an"})
IGNORED_NAME_WORDS = DETERMINERS | frozenset(
    "mr mrs ms miss dr sen senator rep representative gov governor president prof professor "
    "gen general lt col sgt rev hon sir dame lord lady judge justice mayor minister premier "
    "chancellor secretary speaker former then candidate nominee chief said says".split()
)
"""Titles, determiners and reporting verbs left out when comparing speaker names."""

CLAUSE_WORDS = "who which that whose for of at with from in on to by and or".split()
CLAUSE_START = re.compile(r"\b(?:" + "|".join(CLAUSE_WORDS) + r")\b")
PARENTHETICAL = re.compile(r"\([^)]*\)")
NAME_PART_SEPARATOR = re.compile(r"[,;\u2014\u2013]|\s-\s")
NAME_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
POSSESSIVE = re.compile(r"'s\b")
LETTERS = re.compile(r"[a-z]+")

Bounds = tuple[int, int]
Pairs = dict[int, int]


# ------------------------------------------------------------------------------ text spans


def _is_trim_char(ch: str) -> bool:
    return ch.isspace() or ch in QUOTE_MARKS or unicodedata.category(ch).startswith("P")


def _trim(text: str, start: int, end: int) -> Bounds:
    """Shrink [start, end) past whitespace, punctuation and quotation marks at both ends."""
    while start < end and _is_trim_char(text[start]):
        start += 1
    while end > start and _is_trim_char(text[end - 1]):
        end -= 1
    return start, end


def _join_fragments(text: str, fragments: Iterable[Bounds]) -> list[Bounds]:
    """Sorted fragments, neighbours joined when only whitespace/punctuation separates them."""
    joined: list[Bounds] = []
    for start, end in sorted(fragments):
        if joined and all(_is_trim_char(ch) for ch in text[joined[-1][1] : start]):
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


class _WordIndex:
    """Positions of the word tokens of one text, to turn spans into sets of token numbers."""

    def __init__(self, text: str) -> None:
        self._spans = [match.span() for match in WORD.finditer(text)]
        self._starts = [start for start, _ in self._spans]

    def tokens(self, fragments: Iterable[Bounds]) -> frozenset[int]:
        """Numbers of the tokens that share at least one character with any fragment."""
        found: set[int] = set()
        for start, end in fragments:
            i = max(bisect.bisect_right(self._starts, start) - 1, 0)
            while i < len(self._spans) and self._spans[i][0] < end:
                if self._spans[i][1] > start:
                    found.add(i)
                i += 1
        return frozenset(found)


# ------------------------------------------------------------------------------ speakers


def _fold(value: object) -> str:
    """ASCII-ish form: curly quotes straightened, accents removed."""
    text = str(value or "")
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _plain(name: object) -> str:
    return " ".join(WORD.findall(_fold(name).lower()))


def _name_words(name: object) -> list[str]:
    """Lower-cased words of a name without parentheticals, possessives and titles.

    A name made only of titles ("the minister") keeps its titles.
    """
    text = POSSESSIVE.sub(" ", PARENTHETICAL.sub(" ", _fold(name).lower()))
    words = NAME_TOKEN.findall(text)
    kept = [w for w in words if w not in IGNORED_NAME_WORDS]
    return kept or [w for w in words if w not in DETERMINERS]


def _head_words(name: object) -> set[str]:
    """Last word of each comma/dash separated part of a name, cut before any clause."""
    heads: set[str] = set()
    for part in NAME_PART_SEPARATOR.split(PARENTHETICAL.sub(" ", _fold(name))):
        words = _name_words(CLAUSE_START.split(part.lower())[0])
        if words:
            heads.add(words[-1])
    return heads


def _is_pronoun(name: object) -> bool:
    words = LETTERS.findall(_fold(name).lower())
    return bool(words) and all(w in PRONOUNS for w in words)


def _filled(value: object) -> bool:
    return bool(str(value or "").strip())


def _spans_overlap(a: object, b: object) -> bool:
    if not a or not b:
        return False
    return a[0] < b[1] and b[0] < a[1]  # type: ignore[index]


def speaker_matches(gold_quote: dict[str, Any], pred_quote: dict[str, Any]) -> bool:
    """Whether a prediction names the gold quote's speaker (see the module docstring)."""
    if _spans_overlap(pred_quote.get("speaker_span"), gold_quote.get("speaker_span")):
        return True
    predicted = pred_quote.get("speaker")
    if not _filled(predicted):
        return False
    plain, words, heads = _plain(predicted), _name_words(predicted), _head_words(predicted)
    for gold in (gold_quote.get("speaker"), gold_quote.get("speaker_name")):
        if not _filled(gold):
            continue
        if _plain(gold) == plain:
            return True
        gold_words = _name_words(gold)
        if gold_words and gold_words == words:
            return True
        if heads & _head_words(gold):
            return True
    return False


def gold_has_speaker(quote: dict[str, Any]) -> bool:
    """Whether a gold quote names a speaker at all (score.py's gold_has_speaker)."""
    return _filled(quote.get("speaker")) or _filled(quote.get("speaker_name"))


def canonical_speaker_matches(gold_quote: dict[str, Any], pred_quote: dict[str, Any]) -> bool:
    """The canonical speaker, not just an overlapping mention: a named gold speaker
    (``speaker_name``) needs the same surname or head word in the predicted ``speaker``; an
    unnamed gold speaker is left to the kind. Judged as ../shared/eval/check_fields.py does, on
    the scorer's one-to-one lenient pairs (so a figure may differ from it by a statement or two)."""
    gold = gold_quote.get("speaker_name")
    if gold_quote.get("speaker_kind") == "unnamed" or not _filled(gold):
        return True
    predicted, wanted = _plain(pred_quote.get("speaker")).split(), _plain(gold).split()
    return bool(predicted) and (predicted[-1] == wanted[-1] or predicted[-1] in wanted or wanted[-1] in predicted)


def _same_field(predicted: object, gold: object) -> bool:
    """Both empty, or one contains the other (case-insensitive)."""
    a, b = str(predicted or "").lower().strip(), str(gold or "").lower().strip()
    return (not a and not b) or (bool(a) and bool(b) and (a in b or b in a))


def _gold_speaker_only_pronoun(quote: dict[str, Any]) -> bool:
    return not _filled(quote.get("speaker_name")) and _is_pronoun(quote.get("speaker"))


# ------------------------------------------------------------------------------ matching


def _pair_greedily(candidates: list[tuple[tuple[Any, ...], int, int]]) -> Pairs:
    """One-to-one {gold: pred} taking (key, gold, pred) candidates in increasing key order."""
    pairs: Pairs = {}
    taken: set[int] = set()
    for _, gi, pi in sorted(candidates):
        if gi not in pairs and pi not in taken:
            pairs[gi] = pi
            taken.add(pi)
    return pairs


def _match_lenient(
    gold: Sequence[frozenset[int]],
    pred: Sequence[frozenset[int]],
    pieces_of: Sequence[int],
    threshold: float,
    strict: bool,
) -> tuple[Pairs, set[int]]:
    """Lenient pairs {gold: pred} and the absorbed predictions.

    ``gold``/``pred`` are token sets; ``pieces_of[g]`` is the number of joined fragments of
    gold quote ``g``.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            shared = len(g & p)
            if shared and shared / len(g) >= threshold:
                key = (-shared / len(g), -shared / len(g | p), gi, pi)
                candidates.append((key, gi, pi))
    pairs = _pair_greedily(candidates)
    absorbed: set[int] = set()
    if strict:
        return pairs, absorbed
    used = set(pairs.values())

    def inside(pi: int, gi: int) -> bool:
        p = pred[pi]
        return bool(p) and len(p & gold[gi]) / len(p) >= MOSTLY_INSIDE

    for gi, g in enumerate(gold):
        if gi in pairs or pieces_of[gi] < 2 or not g:
            continue
        pieces = [pi for pi in range(len(pred)) if pi not in used and pi not in absorbed and inside(pi, gi)]
        if not pieces:
            continue
        covered = frozenset().union(*(pred[pi] for pi in pieces)) & g
        if len(covered) / len(g) >= threshold:
            best = max(pieces, key=lambda pi: len(pred[pi] & g))
            pairs[gi] = best
            used.add(best)
            absorbed.update(pi for pi in pieces if pi != best)
    split_matches = [gi for gi in pairs if pieces_of[gi] >= 2]
    for pi in range(len(pred)):
        if pi not in used and pi not in absorbed and any(inside(pi, gi) for gi in split_matches):
            absorbed.add(pi)
    return pairs, absorbed


def _match_exact(
    gold: Sequence[Bounds],
    gold_pieces: Sequence[Sequence[Bounds]],
    pred: Sequence[Bounds],
    tolerance: int,
    strict: bool,
) -> tuple[Pairs, set[int]]:
    """Exact pairs {gold: pred} and the absorbed predictions, on trimmed bounds."""

    def close(a: Bounds, b: Bounds) -> bool:
        return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance

    candidates = [
        ((abs(g[0] - p[0]) + abs(g[1] - p[1]), gi, pi), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if close(g, p)
    ]
    pairs = _pair_greedily(candidates)
    absorbed: set[int] = set()
    if strict:
        return pairs, absorbed
    used = set(pairs.values())
    for gi, pieces in enumerate(gold_pieces):
        if gi in pairs or len(pieces) < 2:
            continue
        chosen: list[int] = []
        for piece in pieces:
            hit = next(
                (
                    pi
                    for pi, p in enumerate(pred)
                    if pi not in used and pi not in absorbed and pi not in chosen and close(piece, p)
                ),
                None,
            )
            if hit is None:
                break
            chosen.append(hit)
        else:
            pairs[gi] = chosen[0]
            used.add(chosen[0])
            absorbed.update(chosen[1:])
    return pairs, absorbed


def _locate(text: str, quotes: Sequence[dict[str, Any]], warn: Callable[[str], None]) -> list[Bounds | None]:
    """Character bounds of each prediction: its content_span, else its content found in text.

    A searched content takes its first occurrence not already taken by an earlier search.
    """
    taken: set[int] = set()
    located: list[Bounds | None] = []
    for quote in quotes:
        span = quote.get("content_span")
        if isinstance(span, (list, tuple)) and len(span) == 2 and None not in span:
            start, end = int(span[0]), int(span[1])
            if 0 <= start < end <= len(text):
                located.append((start, end))
            else:
                warn("prediction span out of range")
                located.append(None)
            continue
        content = quote.get("content")
        found = None
        if content:
            at = text.find(content)
            while at != -1 and at in taken:
                at = text.find(content, at + 1)
            if at != -1:
                found = at
        if found is None:
            warn("prediction without usable span")
            located.append(None)
        else:
            taken.add(found)
            located.append((found, found + len(content)))
    return located


def _straight_single_close(text: str, opening: int, end: int) -> int | None:
    """Index of the straight single mark closing the one at ``opening``, before ``end``."""
    j = text.find("'", opening + 1, end)
    while j != -1:
        after = text[j + 1] if j + 1 < end else " "
        if not text[j - 1].isspace() and not after.isalnum():
            return j
        j = text.find("'", j + 1, end)
    return None


def _mark_quoted_paragraph(text: str, start: int, end: int, mask: bytearray) -> None:
    in_double = in_single = False
    i = start
    while i < end:
        ch = text[i]
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if ch in '\u201c\u201d"':
            in_double = ch == "\u201c" or (ch == '"' and not in_double)
        elif in_double:
            mask[i] = 1
        elif ch == "\u2018":
            in_single = in_single or not before.isalnum()
        elif in_single and ch == "\u2019":
            in_single = after.isalpha()
        elif in_single:
            mask[i] = 1
        elif ch == "'" and not before.isalnum() and after.isalpha():
            closing = _straight_single_close(text, i, end)
            if closing is not None:
                mask[i + 1 : closing] = b"\x01" * (closing - i - 1)
                i = closing
        i += 1


def _typing_mask(text: str) -> bytearray:
    """1 where a character lies inside quotation marks, by the gold corpora's typing convention.

    This is the convention the PolNeAR/GenderGapTracker converters used to type the gold
    quotes (``shared/eval/quote_type.py``), so predicted types derived with it are comparable:
    per paragraph; curly and straight double marks; curly single marks only outside double
    quotes and opening at a word start; a straight single mark only when it opens at a word
    start and a closing one follows in the paragraph. A quotation still open at the end of a
    paragraph runs to its end.
    """
    mask = bytearray(len(text))
    start = 0
    for paragraph in text.split("\n"):
        _mark_quoted_paragraph(text, start, start + len(paragraph), mask)
        start += len(paragraph) + 1
    return mask


def _quote_type(mask: bytearray, text: str, start: int, end: int) -> str:
    """direct/indirect/mixed by the share of quoted letters and digits; unknown without any."""
    quoted = unquoted = 0
    for i in range(start, end):
        if text[i].isalnum():
            if mask[i]:
                quoted += 1
            else:
                unquoted += 1
    if not quoted and not unquoted:
        return "unknown"
    if not quoted:
        return "indirect"
    return "direct" if not unquoted else "mixed"


# ------------------------------------------------------------------------------ scoring


@dataclass
class _Tally:
    """Running counts over all articles."""

    total: Counter[str]
    by_gold_type: defaultdict[str, Counter[str]]
    by_pred_type: defaultdict[str, Counter[str]]
    warnings: Counter[str]


def one_record_per_piece(gold_row: dict[str, Any]) -> bool:
    """Whether the gold keeps each contiguous piece of a split quote as its own statement
    (its ``convention`` says "one record per contiguous content", as wire-dev's does)."""
    return "one record per" in str(gold_row.get("convention") or "")


def split_fragments(predictions: list[Any]) -> list[Any]:
    """A predicted split quote as one record per piece, each with the same speaker."""
    records: list[Any] = []
    for quote in predictions:
        pieces = quote.get("content_fragments") if isinstance(quote, dict) else None
        if not pieces or len(pieces) < 2:
            records.append(quote)
            continue
        for start, end in pieces:
            piece = {k: v for k, v in quote.items() if k not in {"content", "content_fragments"}}
            records.append({**piece, "content_span": [start, end]})
    return records


def _score_fields(
    gold_row: dict[str, Any], gold_quotes: list[dict[str, Any]], pred_quotes: list[Any], lenient: dict, total: Counter
) -> None:
    """Canonical speaker, kind, role and organisation of the matched statements, where the
    gold has them; the unattributed claims and the agencies of the article."""
    for gi, pi in lenient.items():
        quote, predicted = gold_quotes[gi], pred_quotes[pi]
        if "speaker_kind" not in quote:
            continue
        total["field_n"] += 1
        total["field_name"] += canonical_speaker_matches(quote, predicted)
        total["field_kind"] += (predicted.get("speaker_kind") or "") == (quote.get("speaker_kind") or "")
        total["field_role"] += _same_field(predicted.get("role"), quote.get("role"))
        total["field_org"] += _same_field(predicted.get("organisation"), quote.get("organisation")) or (
            _filled(quote.get("organisation")) and _same_field(predicted.get("country"), quote.get("organisation"))
        )
    if "agencies" in gold_row:
        total["agency_articles"] += 1
        wanted = {_plain(a) for a in gold_row.get("agencies") or []}
        total["agency_ok"] += wanted == {_plain(a) for a in gold_row.get("predicted_agencies") or []}


def _score_unattributed(text: str, gold_row: dict[str, Any], flagged: list[Any], total: Counter) -> None:
    """A gold claim is found when a flagged span covers half its words; a flagged span is
    right when it covers half the words of a gold claim."""
    if "unattributed" not in gold_row:
        return
    index = _WordIndex(text)
    gold = [index.tokens([tuple(u["span"])]) for u in gold_row["unattributed"] if u.get("span")]
    spans = [index.tokens([tuple(u["span"])]) for u in flagged if isinstance(u, dict) and u.get("span")]

    def covers(a: frozenset[int], b: frozenset[int]) -> bool:
        return bool(b) and len(a & b) >= 0.5 * len(b)

    total["claims_gold"] += len(gold)
    total["claims_found"] += sum(any(covers(f, g) for f in spans) for g in gold)
    total["claims_flagged"] += len(spans)
    total["claims_right"] += sum(any(covers(f, g) for g in gold) for f in spans)


def _score_article(
    gold_row: dict[str, Any],
    predictions: list[Any],
    tally: _Tally,
    overlap: float,
    tolerance: int,
    strict: bool,
) -> None:
    text: str = gold_row["text"]
    gold_quotes: list[dict[str, Any]] = gold_row.get("quotes", [])
    if one_record_per_piece(gold_row):
        predictions = split_fragments(predictions)
    candidates = [p for p in predictions if isinstance(p, dict)]
    located = _locate(text, candidates, lambda message: tally.warnings.update([message]))
    pred_quotes = [q for q, b in zip(candidates, located, strict=True) if b is not None]
    pred_bounds = [b for b in located if b is not None]

    index = _WordIndex(text)
    fragments = [
        [(int(s), int(e)) for s, e in (q.get("content_fragments") or [q["content_span"]])] for q in gold_quotes
    ]
    joined = [_join_fragments(text, frs) for frs in fragments]
    gold_tokens = [index.tokens(frs) for frs in fragments]
    pred_tokens = [index.tokens([b]) for b in pred_bounds]

    lenient, lenient_absorbed = _match_lenient(gold_tokens, pred_tokens, [len(j) for j in joined], overlap, strict)
    exact, exact_absorbed = _match_exact(
        [_trim(text, frs[0][0], max(e for _, e in frs)) for frs in fragments],
        [[_trim(text, s, e) for s, e in j] for j in joined],
        [_trim(text, s, e) for s, e in pred_bounds],
        tolerance,
        strict,
    )

    total = tally.total
    for p in pred_tokens:
        total["ov_pred_in"] += any(p and len(p & g) / len(p) >= MOSTLY_INSIDE for g in gold_tokens)
    all_predicted = frozenset().union(*pred_tokens)
    total["ov_gold_hit"] += sum(bool(g & all_predicted) for g in gold_tokens)

    total["n_gold"] += len(gold_quotes)
    total["n_pred"] += len(pred_quotes)
    total["tp_lenient"] += len(lenient)
    total["tp_exact"] += len(exact)
    total["abs_lenient"] += len(lenient_absorbed)
    total["abs_exact"] += len(exact_absorbed)

    for gi, quote in enumerate(gold_quotes):
        per_type = tally.by_gold_type[quote.get("type") or "untyped"]
        per_type["n_gold"] += 1
        per_type["tp_lenient"] += gi in lenient
        per_type["tp_exact"] += gi in exact
        if gi not in lenient:
            continue
        predicted = pred_quotes[lenient[gi]]
        if gold_has_speaker(quote):
            correct = speaker_matches(quote, predicted)
            for counter in (total, per_type):
                counter["spk_n"] += 1
                counter["spk_ok"] += correct
            if not _gold_speaker_only_pronoun(quote):
                total["spk_n_nopron"] += 1
                total["spk_ok_nopron"] += correct
        else:
            total["spk_gold_missing"] += 1
            correct = not _filled(predicted.get("speaker"))
        total["e2e_ok"] += correct

    _score_fields(gold_row, gold_quotes, pred_quotes, lenient, total)

    mask: bytearray | None = None
    lenient_preds, exact_preds = set(lenient.values()), set(exact.values())
    for pi, (quote, (start, end)) in enumerate(zip(pred_quotes, pred_bounds, strict=True)):
        kind = quote.get("type")
        if kind not in QUOTE_TYPES:
            if mask is None:
                mask = _typing_mask(text)
            kind = _quote_type(mask, text, start, end)
        per_type = tally.by_pred_type[kind]
        per_type["n_pred"] += 1
        per_type["tp_lenient"] += pi in lenient_preds
        per_type["tp_exact"] += pi in exact_preds
        per_type["absorbed_lenient"] += pi in lenient_absorbed
        per_type["absorbed_exact"] += pi in exact_absorbed


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _prf(tp: int, n_pred: int, n_gold: int, absorbed: int = 0) -> dict[str, Any]:
    """Precision/recall/F1, precision over the predictions that were not absorbed."""
    precision = tp / (n_pred - absorbed) if n_pred - absorbed else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out: dict[str, Any] = {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "n_pred": n_pred,
        "n_gold": n_gold,
    }
    if absorbed:
        out["absorbed"] = absorbed
    return out


def score(
    gold_rows: Iterable[dict[str, Any]],
    pred_rows: Iterable[dict[str, Any]],
    *,
    gold_name: str = "gold",
    overlap: float = 0.5,
    tolerance: int = 2,
    strict: bool = False,
) -> dict[str, Any]:
    """Metrics of ``pred_rows`` against ``gold_rows``, keyed like score.py's ``--json`` output.

    Ids are compared as strings. Gold articles without a prediction line count as predicting
    nothing; prediction lines for unknown ids are ignored; both are counted in "warnings".
    """
    gold = {str(row["id"]): row for row in gold_rows}
    pred_list = list(pred_rows)
    predicted = {str(row["id"]): row.get("quotes") or [] for row in pred_list}
    extras = {str(row["id"]): row for row in pred_list}
    tally = _Tally(Counter(), defaultdict(Counter), defaultdict(Counter), Counter())
    unknown = len(predicted.keys() - gold.keys())
    missing = len(gold.keys() - predicted.keys())
    if unknown:
        tally.warnings["prediction ids not in gold (ignored)"] = unknown
    if missing:
        tally.warnings["gold ids without predictions (scored as empty)"] = missing
    for doc_id, row in gold.items():
        extra = extras.get(doc_id, {})
        with_agencies = {**row, "predicted_agencies": extra.get("agencies")}
        _score_article(with_agencies, list(predicted.get(doc_id, [])), tally, overlap, tolerance, strict)
        _score_unattributed(row["text"], row, list(extra.get("unattributed") or []), tally.total)

    t = tally.total
    result = {
        "gold": gold_name,
        "articles": len(gold),
        "lenient": _prf(t["tp_lenient"], t["n_pred"], t["n_gold"], t["abs_lenient"]),
        "exact": _prf(t["tp_exact"], t["n_pred"], t["n_gold"], t["abs_exact"]),
        "end_to_end": _prf(t["e2e_ok"], t["n_pred"], t["n_gold"], t["abs_lenient"]),
        "overlap_diagnostic": {
            "precision": _ratio(t["ov_pred_in"], t["n_pred"]),
            "recall": _ratio(t["ov_gold_hit"], t["n_gold"]),
        },
        "speaker_accuracy": {
            "accuracy": _ratio(t["spk_ok"], t["spk_n"]),
            "correct": t["spk_ok"],
            "n": t["spk_n"],
            "accuracy_excl_pronoun_gold": _ratio(t["spk_ok_nopron"], t["spk_n_nopron"]),
            "n_excl_pronoun_gold": t["spk_n_nopron"],
            "matched_gold_without_speaker": t["spk_gold_missing"],
        },
        "by_gold_type": {
            kind: {
                "n_gold": c["n_gold"],
                "recall_lenient": _ratio(c["tp_lenient"], c["n_gold"]),
                "recall_exact": _ratio(c["tp_exact"], c["n_gold"]),
                "speaker_accuracy": _ratio(c["spk_ok"], c["spk_n"]),
            }
            for kind, c in sorted(tally.by_gold_type.items())
        },
        "by_pred_type": {
            kind: {
                "n_pred": c["n_pred"],
                "precision_lenient": _ratio(c["tp_lenient"], c["n_pred"] - c["absorbed_lenient"]),
                "precision_exact": _ratio(c["tp_exact"], c["n_pred"] - c["absorbed_exact"]),
            }
            for kind, c in sorted(tally.by_pred_type.items())
        },
        "warnings": dict(tally.warnings),
        "settings": {"overlap": overlap, "tolerance": tolerance, "strict": strict},
    }
    fields = _fields_result(t)
    if fields is not None:
        result["fields"] = fields
    return result


def _fields_result(t: Counter) -> dict[str, Any] | None:
    """The speech convention's extra measures, when the gold carries what they need."""
    if not (t["field_n"] or t["claims_gold"] or t["agency_articles"]):
        return None
    return {
        "matched": t["field_n"],
        "canonical_speaker": _ratio(t["field_name"], t["field_n"]),
        "kind": _ratio(t["field_kind"], t["field_n"]),
        "role": _ratio(t["field_role"], t["field_n"]),
        "organisation": _ratio(t["field_org"], t["field_n"]),
        "unattributed_recall": _ratio(t["claims_found"], t["claims_gold"]),
        "unattributed_precision": _ratio(t["claims_right"], t["claims_flagged"]),
        "agencies": _ratio(t["agency_ok"], t["agency_articles"]),
    }


# ------------------------------------------------------------------------------ files


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL file, blank lines skipped; InputError names a bad line."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"{path}:{number}", f"not JSON ({error.msg})") from None
                if not isinstance(row, dict) or "id" not in row:
                    raise InputError(f"{path}:{number}", "expected a JSON object with an id")
                yield row
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), str(error)) from None


def extract_predictions(
    gold_rows: Iterable[dict[str, Any]], *, model: str | None = None, attributions: str = "speech"
) -> list[dict[str, Any]]:
    """Run the extractor over the gold texts; one prediction record per article, with the
    statements a listing of ``attributions`` shows."""
    from .extract import extract_documents
    from .models import Document
    from .records import extraction_record

    documents = (
        Document(
            id=str(row["id"]),
            text=row["text"],
            published=row.get("publication_date") or row.get("published"),
        )
        for row in gold_rows
    )
    return [extraction_record(e, attributions) for e in extract_documents(documents, model=model)]


CALIBRATION_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def matched_predictions(gold_row: dict[str, Any], predictions: list[dict[str, Any]], overlap: float = 0.5) -> set[int]:
    """Positions of the predictions that the scorer's lenient one-to-one pairing matches."""
    text: str = gold_row["text"]
    index = _WordIndex(text)
    fragments = [
        [(int(s), int(e)) for s, e in (q.get("content_fragments") or [q["content_span"]])]
        for q in gold_row.get("quotes", [])
    ]
    gold_tokens = [index.tokens(frs) for frs in fragments]
    pred_tokens = [index.tokens([tuple(p["content_span"])]) for p in predictions]
    pieces = [len(_join_fragments(text, f)) for f in fragments]
    pairs, _ = _match_lenient(gold_tokens, pred_tokens, pieces, overlap, True)
    return set(pairs.values())


def calibration(
    gold_rows: list[dict[str, Any]], extractions: list[Any], attributions: str = "speech"
) -> dict[str, Any]:
    """Is the confidence a probability? Predicted-probability bins against the measured share
    of lenient matches, and the listing's precision / recall at several thresholds, so a desk
    can choose its own ``--min-confidence``."""
    from .listing import select_attributions
    from .records import extraction_record

    pieces_of = [one_record_per_piece(row) for row in gold_rows]

    def predictions(threshold: float | None) -> list[dict[str, Any]]:
        rows = []
        for extraction, split in zip(extractions, pieces_of, strict=True):
            listed = select_attributions(extraction, attributions, threshold=threshold)
            record = extraction_record(listed, "all" if attributions == "all" else "speech", select=False)
            rows.append({**record, "quotes": split_fragments(record["quotes"]) if split else record["quotes"]})
        return rows

    candidates = predictions(0.0)
    bins: list[list[int]] = [[0, 0] for _ in range(10)]
    sums = [0.0] * 10
    for row, pred in zip(gold_rows, candidates, strict=True):
        matched = matched_predictions(row, pred["quotes"])
        for position, quote in enumerate(pred["quotes"]):
            b = min(int(float(quote["confidence"]) * 10), 9)
            bins[b][0] += 1
            bins[b][1] += position in matched
            sums[b] += float(quote["confidence"])
    reliability = [
        {"bin": f"{b / 10:.1f}-{(b + 1) / 10:.1f}", "n": n, "mean_confidence": round(sums[b] / n, 3),
         "precision": round(hits / n, 3)}  # fmt: skip
        for b, (n, hits) in enumerate(bins)
        if n
    ]
    listing = []
    for threshold in CALIBRATION_THRESHOLDS:
        result = score(gold_rows, predictions(threshold))
        listing.append({"threshold": threshold, **{k: result["lenient"][k] for k in ("precision", "recall", "f1")}})
    return {"attributions": attributions, "reliability": reliability, "listing": listing}


def render_calibration(result: dict[str, Any]) -> str:
    lines = [f"calibration ({result['attributions']} listing): confidence bin, n, mean confidence, measured precision"]
    for r in result["reliability"]:
        lines.append(f"  {r['bin']}  {r['n']:5d}  {r['mean_confidence']:.3f}  {r['precision']:.3f}")
    lines.append("  at --min-confidence:  t     P      R      F1 (lenient)")
    for r in result["listing"]:
        lines.append(f"{'':23}{r['threshold']:.2f}  {r['precision']:.3f}  {r['recall']:.3f}  {r['f1']:.3f}")
    return "\n".join(lines)


def evaluate_file(
    gold: Path,
    pred: Path | None,
    *,
    model: str | None = None,
    limit: int | None = None,
    attributions: str = "speech",
    overlap: float = 0.5,
    tolerance: int = 2,
    strict: bool = False,
) -> dict[str, Any]:
    """Score ``pred`` (JSONL) against ``gold``; without ``pred``, score a fresh extraction.

    ``limit`` keeps only the first N gold articles (a quick run); ``model`` names the spaCy
    pipeline used when extracting; ``attributions`` says which acts it lists ("speech", the
    default, or "all" for PolNeAR's broad convention).
    """
    gold_rows = list(read_jsonl(gold))
    if limit is not None:
        gold_rows = gold_rows[: max(limit, 0)]
    for row in gold_rows:
        if not isinstance(row.get("text"), str):
            raise InputError(str(gold), f"gold article {row['id']!r} has no text")
    if pred is None:
        pred_rows = extract_predictions(gold_rows, model=model, attributions=attributions)
    else:
        pred_rows = list(read_jsonl(pred))
    return score(
        gold_rows,
        pred_rows,
        gold_name=Path(gold).name,
        overlap=overlap,
        tolerance=tolerance,
        strict=strict,
    )


# ------------------------------------------------------------------------------ table


def _num(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def render(result: dict[str, Any]) -> str:
    """The metrics as the plain-text table score.py prints."""
    settings = result["settings"]
    lines = [
        f"gold: {result['gold']} ({result['articles']} articles)" + ("  [strict 1:1]" if settings["strict"] else "")
    ]
    lines.append(f"{'':<22} " + " ".join(f"{h:>6}" for h in ("P", "R", "F1", "tp", "pred", "gold", "absorb")))
    rows = (
        ("lenient", "quote lenient"),
        ("exact", f"quote exact (+-{settings['tolerance']})"),
        ("end_to_end", "quote+speaker (e2e)"),
    )
    for key, label in rows:
        m = result[key]
        counts = (m["tp"], m["n_pred"], m["n_gold"], m.get("absorbed", 0))
        lines.append(
            f"{label:<22} {_num(m['precision'])} {_num(m['recall'])} {_num(m['f1'])} "
            + " ".join(f"{n:6d}" for n in counts)
        )
    diag = result["overlap_diagnostic"]
    lines.append(f"{'overlap (diagnostic)':<22} {_num(diag['precision'])} {_num(diag['recall'])}")
    spk = result["speaker_accuracy"]
    lines.append(
        f"speaker accuracy on lenient matches: {_num(spk['accuracy']).strip()} "
        f"({spk['correct']}/{spk['n']}); excluding pronoun-only gold speakers: "
        f"{_num(spk['accuracy_excl_pronoun_gold']).strip()} (n={spk['n_excl_pronoun_gold']})"
    )
    indent = " " * 15
    lines.append(f"by gold type:  {'type':<9} {'gold':>6} {'R-len':>7} {'R-exact':>7} {'spk-acc':>7}")
    for kind, m in result["by_gold_type"].items():
        lines.append(
            f"{indent}{kind:<9} {m['n_gold']:6d}  {_num(m['recall_lenient'])}  "
            f"{_num(m['recall_exact'])}  {_num(m['speaker_accuracy'])}"
        )
    lines.append(f"by pred type:  {'type':<9} {'pred':>6} {'P-len':>7} {'P-exact':>7}")
    for kind, m in result["by_pred_type"].items():
        lines.append(
            f"{indent}{kind:<9} {m['n_pred']:6d}  {_num(m['precision_lenient'])}  {_num(m['precision_exact'])}"
        )
    fields = result.get("fields")
    if fields:
        lines.append(
            f"matched {fields['matched']}: canonical speaker {_num(fields['canonical_speaker']).strip()}, "
            f"kind {_num(fields['kind']).strip()}, role {_num(fields['role']).strip()}, "
            f"organisation {_num(fields['organisation']).strip()}"
        )
        lines.append(
            f"unattributed claims: recall {_num(fields['unattributed_recall']).strip()}, "
            f"precision {_num(fields['unattributed_precision']).strip()}; "
            f"agencies right on {_num(fields['agencies']).strip()} of articles"
        )
    if result["warnings"]:
        lines.append(f"warnings: {json.dumps(result['warnings'])}")
    return "\n".join(lines)
