"""Files, folders, JSONL dumps and HTML pages -> ``Document`` records, one at a time.

Why so careful: offsets into the stored text are the product's provenance, so the text is
decoded and normalised once, here, before anything measures it; and one bad input must never
cost the rest of a batch, so every problem becomes an ``InputProblem`` that names the file
(and line) and the batch goes on.

Outcomes: a readable document becomes a ``Document``; an empty file is ``skipped``; binary
files, undecodable bytes, files or JSONL lines over ``max_bytes`` and malformed JSONL lines are
``rejected`` with a one-line reason. A missing path raises ``InputError`` at once.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, InputRejected
from .models import Document

DEFAULT_MAX_BYTES = 10_000_000
TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"PK\x03\x04", "zip archive"),
    (b"%PDF-", "PDF document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
)
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class InputProblem:
    """An input that did not become a document, and why."""

    source: str
    status: str  # "rejected" | "skipped" | "failed"
    reason: str


def _binary_kind(head: bytes) -> str | None:
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if any(head.startswith(bom) for bom, _ in BOMS):
        return None
    sample = head[:8192]
    if b"\x00" in sample and sample.count(b"\x00") > len(sample) // 100:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if sample and controls / len(sample) > 0.1:
        return "binary data (control characters)"
    return None


def normalise_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Newlines to \\n, NUL to U+FFFD, lone surrogates dropped; returns the steps applied."""
    steps = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        steps.append("newlines")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
        steps.append("nul-replaced")
    if SURROGATE.search(text):
        text = SURROGATE.sub("", text)
        steps.append("surrogates-removed")
    return text, tuple(steps)


def decode_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """(text, encoding, steps): BOMs honoured, strict UTF-8 first, then detection with
    cp1252 (curly quotes 0x93/0x94) favoured; raises InputRejected for binary data."""
    kind = _binary_kind(data[:8192])
    if kind is not None:
        raise InputRejected("", f"binary file ({kind})")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding.replace("-sig", "-sig") if encoding == "utf-8-sig" else encoding)
            return text.lstrip("\ufeff"), encoding.replace("-sig", ""), ("bom-removed",)
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        if not CONTROL.search(text):
            return text, "cp1252", ("decoded-cp1252",)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding, (f"detected-{best.encoding}",)
    return data.decode("utf-8", errors="replace"), "utf-8", ("decode-fallback-replace",)


def _document(
    doc_id: str, text: str, source: str, raw: bytes, encoding: str, steps: tuple[str, ...], **meta
) -> Document:
    text, more = normalise_text(text)
    return Document(
        id=doc_id,
        text=text,
        source=source,
        encoding=encoding,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        byte_length=len(raw),
        normalisation=steps + more,
        **meta,
    )


def _read_limited(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise InputRejected(str(path), f"over --max-bytes ({size:,} > {max_bytes:,} bytes)")
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRejected(str(path), f"over --max-bytes (> {max_bytes:,} bytes)")
    return data


def _read_text_file(path: Path, doc_id: str, max_bytes: int) -> Document | InputProblem:
    source = str(path)
    try:
        raw = _read_limited(path, max_bytes)
        if not raw.strip():
            return InputProblem(source, "skipped", "empty")
        text, encoding, steps = decode_bytes(raw)
    except InputRejected as error:
        return InputProblem(source, "rejected", error.reason)
    except OSError as error:
        return InputProblem(source, "rejected", f"cannot read: {error.strerror or error}")
    if not text.strip():
        return InputProblem(source, "skipped", "empty")
    return _document(doc_id, text, source, raw, encoding, steps)


def html_to_text(html: str) -> tuple[str, dict[str, str | None]]:
    """Main text of a page (paragraphs joined by blank lines) and its title, date, author."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True, favor_precision=True
    )
    if extracted is None:
        return "", {}
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = data.get("text") or ""
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    meta = {"title": data.get("title"), "published": data.get("date"), "author": data.get("author")}
    return "\n\n".join(paragraphs), meta


def _read_html_file(path: Path, doc_id: str, max_bytes: int) -> Document | InputProblem:
    source = str(path)
    try:
        raw = _read_limited(path, max_bytes)
        if not raw.strip():
            return InputProblem(source, "skipped", "empty")
        html, encoding, steps = decode_bytes(raw)
        text, meta = html_to_text(html)
    except InputRejected as error:
        return InputProblem(source, "rejected", error.reason)
    except (OSError, ValueError, RecursionError) as error:
        return InputProblem(source, "rejected", f"cannot parse HTML: {error}")
    if not text.strip():
        return InputProblem(source, "rejected", "no article text found in the HTML")
    return _document(doc_id, text, source, raw, encoding, steps + ("html-extracted",), **meta)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _jsonl_documents(path: Path, max_bytes: int) -> Iterator[Document | InputProblem]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield InputProblem(str(path), "rejected", f"cannot read: {error.strerror or error}")
        return
    with handle:
        number = 0
        while True:
            line = handle.readline(max_bytes + 1)
            if not line:
                break
            number += 1
            source = f"{path}:{number}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the long line
                    line = handle.readline(1 << 20)
                yield InputProblem(source, "rejected", f"line over --max-bytes ({max_bytes:,} bytes)")
                continue
            if not line.strip():
                continue
            yield _jsonl_line(line, source)


def _jsonl_line(line: bytes, source: str) -> Document | InputProblem:
    try:
        record = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        return InputProblem(source, "rejected", "line is not UTF-8")
    except RecursionError:
        return InputProblem(source, "rejected", "invalid JSON: nested too deeply")
    except ValueError as error:
        return InputProblem(source, "rejected", f"invalid JSON: {error}")
    if not isinstance(record, dict):
        return InputProblem(source, "rejected", "line is not a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if (
        isinstance(doc_id, bool)
        or not isinstance(doc_id, (str, int))
        or (isinstance(doc_id, float) and math.isnan(doc_id))
    ):
        return InputProblem(source, "rejected", "missing or invalid 'id'")
    if not isinstance(text, str):
        return InputProblem(source, "rejected", "missing or non-string 'text'")
    if not text.strip():
        return InputProblem(source, "skipped", "empty")
    meta = {
        key: str(record[field]) if record.get(field) is not None else None
        for key, field in (
            ("title", "title"),
            ("published", "published" if record.get("published") is not None else "publication_date"),
            ("publisher", "publisher"),
            ("url", "url"),
            ("author", "author"),
        )
    }
    return _document(str(doc_id), text, source, line.rstrip(b"\n"), "utf-8", (), **meta)


def _files_under(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and path.suffix.lower() in SUFFIXES:
                yield path


def _read_file(path: Path, doc_id: str, max_bytes: int) -> Iterator[Document | InputProblem]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl_documents(path, max_bytes)
    elif suffix in HTML_SUFFIXES:
        yield _read_html_file(path, doc_id, max_bytes)
    else:
        yield _read_text_file(path, doc_id, max_bytes)


def read_documents(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | InputProblem]:
    """Every document under ``paths``, lazily, in a stable order; problems are yielded too."""
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise InputError(str(path), "no such file or directory")
    for path in paths:
        if path.is_dir():
            for file in _files_under(path):
                doc_id = str(file.relative_to(path).with_suffix(""))
                yield from _read_file(file, doc_id, max_bytes)
        else:
            yield from _read_file(path, path.stem, max_bytes)
