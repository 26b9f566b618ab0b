"""schema.org ClaimReview JSON-LD for statements a reviewer has ruled on.

Fact-check publishers embed ClaimReview so search engines and aggregators can show the
verdict next to the claim. Only final verdicts are exported: a statement that is new, in
review or dismissed has no rating to publish. The rating scale is fixed (1-5) so that
consumers comparing ratings across exports see the same numbers for the same verdict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attribution.models import ReviewStatus

from .jsonout import clean_json

SCHEMA_CONTEXT = "https://schema.org"
# status -> (ratingValue, alternateName); worst 1, best 5.
RATINGS: dict[str, tuple[int, str]] = {
    ReviewStatus.VERIFIED.value: (5, "True"),
    ReviewStatus.MISLEADING.value: (2, "Misleading"),
    ReviewStatus.UNVERIFIABLE.value: (3, "Unverifiable"),
    ReviewStatus.FALSE.value: (1, "False"),
}
# The statuses that are no verdict to publish; with RATINGS, every review status is placed.
UNRATED: frozenset[str] = frozenset(
    {ReviewStatus.NEW.value, ReviewStatus.IN_REVIEW.value, ReviewStatus.DISMISSED.value}
)
# Speaker kinds published as schema.org Person; everything else named is an Organization.
_PERSON_KINDS = {"person"}
# "unnamed" speakers ("officials said") are not authors anyone could be credited as.
_ANONYMOUS_KINDS = {"unnamed", "unknown"}
_URL = re.compile(r"^https?://", re.IGNORECASE)


def _present(value: Any) -> bool:
    return value is not None and value != ""


def speaker_entity(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The claim's author: a Person (with jobTitle and affiliation) or an Organization."""
    name = row.get("speaker")
    kind = str(row.get("speaker_kind") or "").lower()
    if not _present(name) or kind in _ANONYMOUS_KINDS:
        return None
    entity: dict[str, Any] = {
        "@type": "Person" if kind in _PERSON_KINDS else "Organization",
        "name": str(name),
    }
    if _present(row.get("role")) and entity["@type"] == "Person":
        entity["jobTitle"] = str(row["role"])
    organisation = row.get("organisation")
    if _present(organisation) and organisation != name:
        key = "affiliation" if entity["@type"] == "Person" else "parentOrganization"
        entity[key] = {"@type": "Organization", "name": str(organisation)}
    return entity


def appearance(row: Mapping[str, Any]) -> dict[str, Any]:
    """The source document the claim appeared in, as a CreativeWork."""
    work: dict[str, Any] = {"@type": "CreativeWork"}
    source = row.get("url") or row.get("source")
    if _present(source) and _URL.match(str(source)):
        work["url"] = str(source)
    elif _present(source):
        work["name"] = str(source)
    if _present(row.get("document_title")):
        work["headline"] = str(row["document_title"])
    if _present(row.get("published")):
        work["datePublished"] = str(row["published"])
    if _present(row.get("document_id")):
        work["identifier"] = str(row["document_id"])
    return work


def claim_review(
    row: Mapping[str, Any],
    *,
    reviewer: str | None = None,
    review_date: str | None = None,
) -> dict[str, Any] | None:
    """One ClaimReview for ``row``, or None when its status is not a published verdict."""
    status = str(row.get("status") or "")
    if status not in RATINGS or row.get("needs_rereview"):  # held back until a new review confirms it
        return None
    value, label = RATINGS[status]
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearance(row)}
    author = speaker_entity(row)
    if author is not None:
        claim["author"] = author
    if _present(row.get("published")):
        claim["datePublished"] = str(row["published"])
    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "identifier": str(row.get("id")),
        "claimReviewed": str(row.get("content") or ""),
        "itemReviewed": claim,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": label,
        },
    }
    date = row.get("reviewed_at") or review_date
    if _present(date):
        review["datePublished"] = str(date)[:10]
    if reviewer:
        review["author"] = {"@type": "Organization", "name": reviewer}
    return review


def claim_reviews(
    rows: Iterable[Mapping[str, Any]],
    *,
    reviewer: str | None = None,
    review_date: str | None = None,
) -> list[dict[str, Any]]:
    """ClaimReviews for every row with a published verdict, in input order."""
    reviews = (claim_review(r, reviewer=reviewer, review_date=review_date) for r in rows)
    return [r for r in reviews if r is not None]


# Characters a JSON string may hold raw but an HTML page must not see inside <script>:
# "</script>" or "<!--" ends or bends the script element, "&" starts entities in XHTML, and
# U+2028/U+2029 end a line for JavaScript parsers older than ES2019.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def script_safe_json(value: Any, *, indent: int | None = 2) -> str:
    """JSON text that can be pasted into ``<script type="application/ld+json">`` as is.

    Why: schema.org tells publishers to embed ClaimReview in their pages, and the quote text
    and reviewer name come from articles and users; a raw ``</script>`` in either would end
    the element and run whatever follows on the desk's own site. Outside strings JSON never
    uses these characters, so escaping them everywhere only touches string contents, and any
    JSON parser reads back the original text.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _SCRIPT_UNSAFE_RE.sub(lambda match: _SCRIPT_UNSAFE[match.group()], text)


def write_claimreview(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    reviewer: str | None = None,
    review_date: str | None = None,
) -> tuple[int, list[str]]:
    """Write a JSON array of ClaimReview objects, safe to embed in a page; return how many and any warnings."""
    warnings: list[str] = []
    reviews = clean_json(claim_reviews(rows, reviewer=reviewer, review_date=review_date), "claimreview", warnings)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(script_safe_json(reviews))
        handle.write("\n")
    return len(reviews), warnings
