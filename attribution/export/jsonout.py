"""JSON and JSON Lines exports: every row field, with offsets documented and re-sliceable.

Offsets are Python code-point offsets into the stored document text (``offset_unit:
"codepoint"``), so ``text[content_start:content_end] == content``. Strings are written as
UTF-8 (``ensure_ascii=False``); an unpaired surrogate cannot be encoded, so it is replaced
by U+FFFD and reported instead of crashing the export or producing invalid JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .cells import replace_lone_surrogates

OFFSET_UNIT = "codepoint"
FORMAT_NAME = "attribution.statements"
FORMAT_VERSION = 1


def clean_json(value: Any, where: str, warnings: list[str]) -> Any:
    """Copy ``value`` as strict JSON data (no lone surrogates, no NaN); record changes."""
    if isinstance(value, str):
        text, count = replace_lone_surrogates(value)
        if count:
            warnings.append(f"{where}: {count} unpaired surrogate(s) replaced with U+FFFD")
        return text
    if isinstance(value, Mapping):
        return {clean_json(str(k), where, warnings): clean_json(v, f"{where}.{k}", warnings) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v, where, warnings) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        warnings.append(f"{where}: non-finite number {value!r} written as null")
        return None
    return value


def json_row(row: Mapping[str, Any], warnings: list[str]) -> dict[str, Any]:
    """One exported statement: the row as given plus its offset unit."""
    record = dict(row)
    record["offset_unit"] = OFFSET_UNIT
    if record.get("document_sha256") and "source_sha256" not in record:
        record["source_sha256"] = record["document_sha256"]  # the name a consumer re-slicing spans looks for
    return clean_json(record, f"id {row.get('id')}", warnings)


def write_json(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    meta: Mapping[str, Any] | None = None,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[int, list[str]]:
    """Write one JSON document holding every row; return the count and warnings.

    ``documents`` (id -> {"text", "sha256", ...}) makes the file self-checking: every
    statement's offsets can be re-sliced against the text it was found in.
    """
    warnings: list[str] = []
    statements = [json_row(row, warnings) for row in rows]
    payload: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "offset_unit": OFFSET_UNIT,
        **clean_json(dict(meta or {}), "meta", warnings),
        "count": len(statements),
        "statements": statements,
    }
    if documents is not None:
        payload["documents"] = clean_json(dict(documents), "documents", warnings)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return len(statements), warnings


def write_jsonl(rows: Iterable[Mapping[str, Any]], path: Path) -> tuple[int, list[str]]:
    """Write one JSON object per line, streaming; return the count and warnings."""
    warnings: list[str] = []
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(json_row(row, warnings), ensure_ascii=False) + "\n")
            count += 1
    return count, warnings
