"""The desk's pages and POST routes (filled in below)."""

from __future__ import annotations

from typing import Any

QUEUE_PATH = "/-/review"


def statement_path(statement_id: str) -> str:
    return f"{QUEUE_PATH}/statements/{statement_id}"


ROUTES: list[tuple[str, Any]] = []
