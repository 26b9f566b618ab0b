"""Review sheets and machine-readable exports.

Exporters are pure functions over statement rows (the dicts ``attribution.queries.
statement_rows`` returns), so they can be tested without a database. Every file is written
through :func:`files.atomic_output` (no clobbering, no half-written files, no symlinks
followed) and every alteration of a cell is reported, never made silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cells import COLUMNS, STATUSES, neutralise, unneutralise
from .claimreview import RATINGS, claim_review, claim_reviews, write_claimreview
from .files import ExportRefused, atomic_output, check_target, sheet_title, slugify
from .jsonout import OFFSET_UNIT, write_json, write_jsonl
from .reviews import ImportPlan, Rejection, ReviewChange, Sheet, plan_reviews, read_sheet
from .sheets import write_csv, write_xlsx

if TYPE_CHECKING:
    from attribution.queries import StatementRow


class ExportFormat(str, Enum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    CLAIMREVIEW = "claimreview"

    @classmethod
    def for_path(cls, path: Path) -> ExportFormat | None:
        """The format a file name implies (``.xlsx``, ``.csv``, ...), if any."""
        suffix = path.suffix.lower().lstrip(".")
        if suffix == "jsonld":
            return cls.CLAIMREVIEW
        try:
            return cls(suffix)
        except ValueError:
            return None


@dataclass
class ExportReport:
    """What an export wrote and every change it had to make to fit the format."""

    path: Path
    format: ExportFormat
    rows: int
    warnings: list[str] = field(default_factory=list)


def export_rows(
    rows: Iterable[StatementRow] | Iterable[Mapping[str, Any]],
    path: Path,
    fmt: ExportFormat | str = ExportFormat.XLSX,
    *,
    force: bool = False,
    base: Path | None = None,
    about: Sequence[tuple[str, str]] = (),
    excel_csv: bool = False,
    reviewer: str | None = None,
    review_date: str | None = None,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
) -> ExportReport:
    """Write ``rows`` to ``path`` in ``fmt`` safely; raise ExportRefused before writing anything."""
    fmt = ExportFormat(fmt)
    warnings: list[str] = []
    with atomic_output(path, force=force, base=base) as tmp:
        if fmt is ExportFormat.XLSX:
            count, notes = write_xlsx(rows, tmp, about=about)
            warnings.extend(str(n) for n in notes)
        elif fmt is ExportFormat.CSV:
            count = write_csv(rows, tmp, excel=excel_csv)
        elif fmt is ExportFormat.JSON:
            count, found = write_json(rows, tmp, meta=dict(about), documents=documents)
            warnings.extend(found)
        elif fmt is ExportFormat.JSONL:
            count, found = write_jsonl(rows, tmp)
            warnings.extend(found)
        else:
            held: list[str] = []
            count, found = write_claimreview(
                _noting_held_back(rows, held), tmp, reviewer=reviewer, review_date=review_date
            )
            warnings.extend(found)
            if held:
                warnings.append(
                    f"{len(held)} verdict(s) held back: re-extraction changed the speaker, type or content"
                    f" after the review; review again to publish ({', '.join(held[:10])}"
                    f"{', ...' if len(held) > 10 else ''})"
                )
    return ExportReport(Path(path), fmt, count, warnings)


def _noting_held_back(rows: Iterable[Mapping[str, Any]], held: list[str]) -> Iterator[Mapping[str, Any]]:
    """Pass rows through, noting the verdicts ClaimReview must not publish yet."""
    for row in rows:
        if row.get("needs_rereview") and row.get("status") in RATINGS:
            held.append(str(row.get("id")))
        yield row


def document_texts(db: Any, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Stored text and hash of each document, so a JSON export can be re-sliced and checked against its source."""
    wanted = sorted(set(ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        cursor = db.execute(
            f"SELECT id, source, title, published, text_sha256, text FROM documents WHERE id IN ({marks})",
            chunk,
        )
        for doc_id, source, title, published, sha256, text in cursor.fetchall():
            found[doc_id] = {
                "source": source,
                "title": title,
                "published": published,
                "sha256": sha256,
                "text": text,
            }
    return found


@dataclass
class ImportResult:
    """Outcome of ``import-reviews``: recorded changes, untouched rows, rejected rows, and
    rows left alone because their statement was reviewed again after the export."""

    source: str
    recorded: list[ReviewChange]
    rejected: list[Rejection]
    unchanged: int
    blank: int
    conflicts: list[Rejection] = field(default_factory=list)


def review_state(db: Any) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Current statement rows by id, and the ids of statements re-extraction retired."""
    from attribution.queries import statement_rows

    # Every act (a sheet exported with --attributions all must import its verdicts too), and
    # rows a reviewer marked "not a statement": a sheet may still carry their verdicts.
    current = {
        str(row["id"]): row
        for row in statement_rows(db, include_claims=True, attributions="all", include_not_statements=True)
    }
    everything = statement_rows(
        db, include_claims=True, include_retired=True, attributions="all", include_not_statements=True
    )
    return current, {str(row["id"]) for row in everything} - set(current)


def plan_import(db: Any, sheet: Sheet, *, force: bool = False) -> ImportPlan:
    """The plan for one sheet against the database now; a replaced statement's row names
    the statements its reviews moved to."""
    from attribution.review import successors

    current, retired = review_state(db)
    wanted = {unneutralise(row.values.get("id", "").strip()) for row in sheet.rows} & retired
    moved = {sid: successors(db, sid) for sid in sorted(wanted)}
    return plan_reviews(sheet, current, moved, force=force)


def import_reviews(db: Any, path: Path, *, reviewer: str | None = None, force: bool = False) -> ImportResult:
    """Record the status/note changes of a filled review sheet as reviews, by statement id.

    Rows whose statement was reviewed again since the export are conflicts and are not
    recorded unless ``force``.
    """
    from .reviews import apply_reviews

    sheet = read_sheet(path)
    plan = plan_import(db, sheet, force=force)
    # Each review commits on its own (record_review syncs it to disk); an interrupted import
    # is simply run again: rows already recorded now compare equal and are skipped.
    apply_reviews(db, plan.changes, reviewer=reviewer)
    return ImportResult(sheet.source, plan.changes, plan.rejected, plan.unchanged, plan.blank, plan.conflicts)


__all__ = [
    "COLUMNS",
    "OFFSET_UNIT",
    "STATUSES",
    "ExportFormat",
    "ExportRefused",
    "ExportReport",
    "ImportPlan",
    "ImportResult",
    "Rejection",
    "ReviewChange",
    "Sheet",
    "atomic_output",
    "check_target",
    "claim_review",
    "claim_reviews",
    "document_texts",
    "export_rows",
    "import_reviews",
    "plan_import",
    "neutralise",
    "plan_reviews",
    "review_state",
    "read_sheet",
    "sheet_title",
    "slugify",
    "unneutralise",
    "write_csv",
    "write_json",
    "write_jsonl",
    "write_xlsx",
]
