"""Files, folders, JSONL dumps and HTML pages -> ``Document`` records, one at a time.

Why so careful: offsets into the stored text are the product's provenance, so the text is
decoded and normalised once, here, before anything measures it; and one bad input must never
cost the rest of a batch, so every problem becomes an ``InputProblem`` that names the file
(and line) and the batch goes on.

Outcomes: a readable document becomes a ``Document``; an empty file or JSONL dump is
``skipped: empty``; binary files, undecodable bytes, inputs or JSONL lines over ``max_bytes``,
malformed JSONL lines and HTML pages without article text are ``rejected`` with a one-line
reason; an I/O error or an unexpected crash while reading one input is ``failed``. A missing
or unreadable path argument raises ``InputError`` when ``read_documents`` is called.

Folders are judged entry by entry: a symlink loop, a broken link, a FIFO, socket or device
is one ``rejected`` entry (special files by their mode, never opened, since opening a FIFO
waits for a writer), a symlinked folder is ``skipped`` unfollowed, and the rest is read. A
JSONL id that an earlier line of the same file gave another text is renamed ``id (line N)``
with a warning, so the two never become versions of one article.

Decoding order, recorded in ``Document.normalisation`` and, where it is a guess, in
``Document.warnings``: byte-order mark (UTF-8/16/32) -> strict UTF-8 -> (HTML) the page's
declared charset -> UTF-8 with stray cp1252 bytes -> cp1252 unless charset-normalizer sees a
non-Latin script -> ``errors="replace"`` as the recorded last resort.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import importlib
import json
import logging
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from .errors import InputError, InputRejected, MissingDependency
from .models import Document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputProblem",
    "check_paths",
    "decode_bytes",
    "html_to_text",
    "normalise_text",
    "printable",
    "read_documents",
    "require_readers",
]

DEFAULT_MAX_BYTES = 10_000_000
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FOLDER_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

SNIFF_BYTES = 8192  # binary detection looks at this much of the start of a file
MAX_NUL_RATIO = 0.02  # more NULs than this in the sniffed start: binary (a NUL per sentence is text)
MAX_CONTROL_RATIO = 0.05  # more C0 control characters (NUL included, whitespace not) than this: binary
MAX_REPLACED_RATIO = 0.25  # a last-resort decode that replaces more than this is garbage, not text
MAX_HTML_DEPTH = 1_000  # deeper pages fail loudly; libxml2 silently drops text past 2,048 levels
LIBXML2_MAX_DEPTH = 2_048

BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f]")
SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

# Elements whose text a reader never sees as the article; removed before extraction.
INVISIBLE = "//script|//style|//noscript|//template|//svg|//math|//iframe|//object|//embed|//*[@hidden]"
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
WHATWG_AS_CP1252 = frozenset(codecs.lookup(label).name for label in ("ascii", "latin-1"))  # read as windows-1252

# What reading each kind of input imports beyond the standard library: (module, package to
# install). Order matters: the first import that fails is the package named, and trafilatura's
# own import already fails when lxml_html_clean (needed by jusText under lxml 6) is missing.
READER_IMPORTS: dict[str, tuple[tuple[str, str], ...]] = {
    "html": (
        ("lxml.html", "lxml"),
        ("lxml_html_clean", "lxml_html_clean"),
        ("justext", "jusText"),
        ("trafilatura", "trafilatura"),
        ("charset_normalizer", "charset-normalizer"),
    ),
    "text": (("charset_normalizer", "charset-normalizer"),),
    "jsonl": (),
}
KIND_FILES = {"html": ".html files", "text": "text files", "jsonl": ".jsonl files"}

# Normalisation steps that are guesses or losses: they also become Document.warnings.
WARNING_STEPS = {
    "mixed-utf8-cp1252": "decoded as UTF-8 with stray cp1252 bytes",
    "decode-fallback-replace": "decode_fallback: undecodable bytes replaced with U+FFFD",
    "surrogates-removed": "lone surrogate code points removed",
}


@dataclass(frozen=True)
class InputProblem:
    """An input that did not become a document, and why."""

    source: str  # "path", or "path:LINE" for a JSONL line
    status: str  # "rejected" | "skipped" | "failed"
    reason: str  # one line

    def __str__(self) -> str:
        return f"{self.source}: {self.status}: {self.reason}"


# --------------------------------------------------------------------------- decoding


@lru_cache(maxsize=1)
def _signatures() -> tuple[tuple[str, tuple[tuple[int, bytes], ...]], ...]:
    text = resources.files("attribution").joinpath("data", "ingest-signatures.json").read_text(encoding="utf-8")
    return tuple(
        (entry["name"], tuple((offset, bytes.fromhex(magic)) for offset, magic in entry["parts"]))
        for entry in json.loads(text)["signatures"]
    )


def _magic_kind(head: bytes) -> str | None:
    """The binary format whose magic number ``head`` starts with, if any."""
    for name, parts in _signatures():
        if all(head[offset : offset + len(magic)] == magic for offset, magic in parts):
            return name
    return None


def _control_kind(sample: str) -> str | None:
    """Why ``sample`` looks binary (too many NULs or control characters), if it does."""
    if not sample:
        return None
    nuls = sample.count("\x00")
    if nuls > len(sample) * MAX_NUL_RATIO:
        return "NUL bytes"
    if len(CONTROL_CHARS.findall(sample)) > len(sample) * MAX_CONTROL_RATIO:
        return "control characters"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text saved without a BOM: NULs on one side of almost every byte pair."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    if odd > pairs * 0.3 and even < pairs * 0.02:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < pairs * 0.02:
        return "utf-16-be"
    return None


def _cp1252_for_invalid(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("attribution-cp1252", _cp1252_for_invalid)


def _mostly_utf8(data: bytes) -> bool:
    """More valid multi-byte UTF-8 characters than invalid bytes: a UTF-8 file with strays."""
    lenient = data.decode("utf-8", errors="ignore")
    invalid = len(data) - len(lenient.encode("utf-8"))
    multibyte = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    return multibyte > invalid


def _mostly_non_latin(text: str) -> bool:
    """Most non-ASCII letters are outside the Latin script (Cyrillic, CJK, Greek, ...)."""
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    return latin * 2 < len(letters)


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode_unmarked(data: bytes, declared: str | None) -> tuple[str, str, tuple[str, ...]]:
    """Decode bytes with no BOM: strict UTF-8, declared charset, mixed, cp1252/detected, replace."""
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    codec = _codec_name(declared) if declared else None
    if codec in WHATWG_AS_CP1252:
        codec = "cp1252"
    if codec and codec != "utf-8":
        try:
            return data.decode(codec), codec, (f"declared-{codec}",)
        except (UnicodeDecodeError, LookupError):
            pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="attribution-cp1252"), "utf-8", ("mixed-utf8-cp1252",)
    try:
        cp1252: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252 = None
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        guessed = str(best)
        if cp1252 is None or _mostly_non_latin(guessed):
            return guessed, best.encoding, (f"detected-{best.encoding}",)
    if cp1252 is not None:
        return cp1252, "cp1252", ("decoded-cp1252",)
    return data.decode("utf-8", errors="replace"), "utf-8", ("decode-fallback-replace",)


def _decode(data: bytes, declared: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    kind = _magic_kind(data[:64])
    if kind is not None:
        raise InputRejected("", f"binary file ({kind})")
    bom = next(((mark, name) for mark, name in BOMS if data.startswith(mark)), None)
    utf16 = None if bom else _utf16_without_bom(data[:SNIFF_BYTES])
    text: str | None = None
    if bom is not None:
        mark, encoding = bom
        steps: tuple[str, ...] = ("bom-removed",)
        try:
            text = data[len(mark) :].decode(encoding)
        except UnicodeDecodeError:
            text = data[len(mark) :].decode(encoding, errors="replace")
            steps += ("decode-fallback-replace",)
        text = text.lstrip("\ufeff")
    elif utf16 is not None:
        try:
            text, encoding, steps = data.decode(utf16), utf16, ("utf16-without-bom",)
        except UnicodeDecodeError:
            text = None
    if text is None:
        kind = _control_kind(data[:SNIFF_BYTES].decode("latin-1"))
        if kind is not None:
            raise InputRejected("", f"binary file ({kind})")
        text, encoding, steps = _decode_unmarked(data, declared)
    kind = _control_kind(text[:SNIFF_BYTES])
    if kind is not None:
        raise InputRejected("", f"binary file ({kind})")
    if "decode-fallback-replace" in steps and text.count(REPLACEMENT) > len(text) * MAX_REPLACED_RATIO:
        share = text.count(REPLACEMENT) / len(text)
        raise InputRejected("", f"undecodable bytes ({share:.0%} of characters would be U+FFFD)")
    return text, encoding, steps


def decode_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """(text, encoding, steps) in the decoding order above; raises ``InputRejected`` for binary data.

    Why a policy and not one codec: newsroom files arrive as UTF-8, UTF-16 from Word, and
    cp1252 with curly quotes at 0x93/0x94; each must give the same text, or claims found in
    one copy would not match the other.
    """
    return _decode(data)


def normalise_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Newlines to ``\\n``, NUL to U+FFFD, surrogates fixed; returns the steps applied.

    Why: offsets are measured in this text, SQLite's ``length()``/``substr()`` stop at NUL, and
    lone surrogates cannot be encoded as UTF-8.
    """
    steps = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        steps.append("newlines")
    if "\x00" in text:
        text = text.replace("\x00", REPLACEMENT)
        steps.append("nul-replaced")
    if SURROGATES.search(text):
        surrogates = len(SURROGATES.findall(text))
        fixed = SURROGATES.sub("", text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore"))
        lost = len(text) - len(fixed)  # a joined pair loses one code point, a lone surrogate one
        pairs = surrogates - lost
        if lost - pairs:
            steps.append("surrogates-removed")
        if pairs:
            steps.append("surrogate-pairs-joined")
        text = fixed
    return text, tuple(steps)


# --------------------------------------------------------------------------- records


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _meta(value: Any, name: str, warnings: list[str]) -> str | None:
    """A metadata value as clean one-line text, or None (with a warning if it was unusable)."""
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = ", ".join(item.strip() for item in value if item.strip())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        warnings.append(f"ignored {name!r}: not a string")
        return None
    cleaned = _one_line(normalise_text(value)[0])
    return cleaned or None


def _document(
    doc_id: str,
    text: str,
    source: str,
    raw: bytes,
    encoding: str,
    steps: tuple[str, ...],
    warnings: Iterable[str] = (),
    **meta: str | None,
) -> Document:
    text, more = normalise_text(text)
    steps += more
    notes = [WARNING_STEPS[s] for s in steps if s in WARNING_STEPS]
    notes += [f"encoding guessed as {s.removeprefix('detected-')}" for s in steps if s.startswith("detected-")]
    return Document(
        id=doc_id,
        text=text,
        source=source,
        encoding=encoding,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        byte_length=len(raw),
        normalisation=steps,
        warnings=tuple(notes) + tuple(warnings),
        **meta,
    )


def _over(size: int | None, limit: int) -> str:
    return f"over --max-bytes ({size:,} > {limit:,})" if size else f"over --max-bytes (more than {limit:,})"


SPECIAL_FILES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _special_reason(mode: int) -> str | None:
    """Why a file of this mode is never read, if it is not a regular file or a folder.

    Why: opening a FIFO waits for a writer that may never come, and a device never ends, so
    either would stall the batch with its run left ``running``.
    """
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = next((name for test, name in SPECIAL_FILES if test(mode)), "a special file")
    return f"not a regular file ({kind})"


def _open_input(path: Path) -> BinaryIO:
    """Open a file for reading without ever blocking; anything but a regular file is refused.

    The name was checked before, but the file may have been swapped since: a non-blocking open
    returns at once even for a FIFO, and ``fstat`` on the open file is the final word.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX only; elsewhere there are no FIFOs to open
    flags = os.O_RDONLY | nonblocking | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputRejected(str(path), _special_reason(mode) or "not a regular file")
        if nonblocking:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file, refused before reading when ``stat()`` says it is over the limit."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputRejected(str(path), _over(size, max_bytes))
    with _open_input(path) as handle:  # bounded: a file that grew cannot flood memory
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRejected(str(path), _over(None, max_bytes))
    return data


def _text_document(path: Path, source: str, doc_id: str, max_bytes: int) -> Document | InputProblem:
    raw = _read_bytes(path, max_bytes)
    if not raw.strip():
        return InputProblem(source, "skipped", "empty")
    text, encoding, steps = decode_bytes(raw)
    if not text.strip():
        return InputProblem(source, "skipped", "empty")
    return _document(doc_id, text, source, raw, encoding, steps)


# --------------------------------------------------------------------------- HTML


def _tree_depth(tree: Any) -> int:
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _same_line(a: str, b: str) -> bool:
    return _one_line(a).casefold() == _one_line(b).casefold()


@lru_cache(maxsize=1)
def _quiet_trafilatura() -> None:
    """trafilatura logs "discarding data" warnings; with no handler configured, Python would
    print them on stderr. The outcome is reported as an InputProblem instead (handlers an
    application configures still receive the records)."""
    logging.getLogger("trafilatura").addHandler(logging.NullHandler())


def html_to_text(html: str) -> tuple[str, dict[str, str | None]]:
    """Main text of a page (paragraphs joined by blank lines) and its title, date, author, ...

    Why the pre-cleaning: trafilatura alone keeps ``<template>`` and ``hidden`` text, and lxml
    without ``huge_tree`` silently drops text nested 255+ deep, so the tree is parsed
    here, invisible elements removed, and pathological depth fails loudly instead of yielding
    an empty "document". Raises ``InputRejected`` when no article text comes out.
    """
    import lxml.html
    import trafilatura
    from lxml import etree

    _quiet_trafilatura()

    html = XML_DECLARATION.sub("", normalise_text(html)[0], count=1)
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputRejected("", "no article text found") from error
    depth = _tree_depth(tree)
    if depth > MAX_HTML_DEPTH:
        shown = f"{depth:,}+" if depth >= LIBXML2_MAX_DEPTH else f"{depth:,}"
        raise InputRejected("", f"nesting too deep ({shown} levels > {MAX_HTML_DEPTH:,})")
    for element in tree.xpath(INVISIBLE):
        element.drop_tree()
    for element in tree.xpath("//body//*[@style]"):
        if HIDDEN_STYLE.search(element.get("style", "")):
            element.drop_tree()
    try:
        extracted = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"},
        )
    except RecursionError:
        raise InputRejected("", f"nesting too deep ({depth:,} levels)") from None
    if extracted is None:
        raise InputRejected("", "no article text found")
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    warnings: list[str] = []
    meta = {
        "title": _meta(data.get("title"), "title", warnings),
        "published": _meta(data.get("date"), "date", warnings),
        "author": _meta(data.get("author"), "author", warnings),
        "publisher": _meta(data.get("sitename"), "sitename", warnings),
        "url": _meta(data.get("url"), "url", warnings),
    }
    paragraphs = [line.strip() for line in (data.get("text") or "").split("\n") if line.strip()]
    if paragraphs and meta["title"] and _same_line(paragraphs[0], meta["title"]):
        paragraphs = paragraphs[1:]  # the headline lives in Document.title, not in the text
    if not paragraphs:
        raise InputRejected("", "no article text found")
    return "\n\n".join(paragraphs), meta


def _html_document(path: Path, source: str, doc_id: str, max_bytes: int) -> Document | InputProblem:
    raw = _read_bytes(path, max_bytes)
    if not raw.strip():
        return InputProblem(source, "skipped", "empty")
    match = META_CHARSET.search(raw[:4096])
    html, encoding, steps = _decode(raw, match.group(1).decode("ascii") if match else None)
    if not html.strip():
        return InputProblem(source, "skipped", "empty")
    text, meta = html_to_text(html)
    return _document(doc_id, text, source, raw, encoding, steps + ("html-extracted",), **meta)


# --------------------------------------------------------------------------- JSONL


class _JSONObject(dict):
    """A JSON object that remembers which keys it saw twice (a record with two texts is refused, not guessed)."""

    duplicates: frozenset[str] = frozenset()


def _json_object(pairs: list[tuple[str, Any]]) -> _JSONObject:
    obj = _JSONObject(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = frozenset(key for key, count in Counter(k for k, _ in pairs).items() if count > 1)
    return obj


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def _json_type(value: Any) -> str:
    return "null" if value is None else JSON_TYPES.get(type(value), type(value).__name__)


def _jsonl_record(body: bytes, source: str, steps: tuple[str, ...]) -> Document | InputProblem:
    """One JSONL line -> a Document, or the reason it is refused."""

    def rejected(reason: str) -> InputProblem:
        return InputProblem(source, "rejected", reason)

    try:
        line = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return rejected(f"not UTF-8 (byte 0x{body[error.start]:02x} at column {error.start + 1})")
    try:
        record = json.loads(line, parse_constant=_reject_constant, object_pairs_hook=_json_object)
    except RecursionError:
        return rejected("invalid JSON: nested too deeply")
    except json.JSONDecodeError as error:
        return rejected(f"invalid JSON: {error.msg} (column {error.colno})")
    except ValueError as error:
        return rejected(f"invalid JSON: {_one_line(error)}")
    if not isinstance(record, dict):
        return rejected(f"not a JSON object (found {_json_type(record)})")
    twice = sorted(set(getattr(record, "duplicates", ())) & {"id", "text"})
    if twice:
        return rejected(f"duplicate key {twice[0]!r}")
    doc_id, text = record.get("id"), record.get("text")
    if doc_id is None:
        return rejected("missing 'id'")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        return rejected(f"'id' must be a string or integer (found {_json_type(doc_id)})")
    doc_id = _one_line(normalise_text(str(doc_id))[0])
    if not doc_id:
        return rejected("empty 'id'")
    if text is None:
        return rejected("missing 'text'")
    if not isinstance(text, str):
        return rejected(f"'text' must be a string (found {_json_type(text)})")
    if not text.strip():
        return InputProblem(source, "skipped", "empty")
    warnings: list[str] = []
    published = record.get("published")
    if published is None:
        published = record.get("publication_date")
    meta = {
        "title": _meta(record.get("title"), "title", warnings),
        "published": _meta(published, "published", warnings),
        "publisher": _meta(record.get("publisher"), "publisher", warnings),
        "url": _meta(record.get("url"), "url", warnings),
        "author": _meta(record.get("author"), "author", warnings),
    }
    return _document(doc_id, text, source, body, "utf-8", steps, warnings, **meta)


def _distinct_id(document: Document, number: int, ids: dict[str, tuple[int, str]]) -> Document:
    """The record, renamed with a warning when an earlier line of its file gave its id to another text.

    Why: a record's id (with its file) says which stored article a text is a new version of;
    two different texts under one id in one dump would otherwise make one a "changed source" of
    the other and re-anchor its reviews onto an unrelated article.
    """
    first = ids.get(document.id)
    if first is None:
        ids[document.id] = (number, document.sha256)
        return document
    line, sha256 = first
    if sha256 == document.sha256:
        return document  # the same record twice: stored once, reported unchanged
    kept_as = f"{document.id} (line {number})"
    while kept_as in ids:
        kept_as += "'"
    ids[kept_as] = (number, document.sha256)
    warning = f"duplicate id {document.id!r} (line {line} has another text under it); kept apart as {kept_as!r}"
    return replace(document, id=kept_as, warnings=(*document.warnings, warning))


def _skip_line(handle: BinaryIO) -> int:
    """Read past the rest of an over-long line in bounded chunks; return its length in bytes."""
    skipped = 0
    while True:
        chunk = handle.readline(1 << 20)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped - len(chunk) + len(chunk.rstrip(b"\r\n"))


def _jsonl_documents(path: Path, source: str, max_bytes: int) -> Iterator[Document | InputProblem]:
    """One record per line, read with bounded reads so a huge line is never held whole."""
    with _open_input(path) as handle:
        head = handle.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        bom = next((name for mark, name in BOMS if head.startswith(mark) and name != "utf-8"), None)
        if bom is not None:
            yield InputProblem(source, "rejected", f"JSONL must be UTF-8 (found a {bom.upper()} byte-order mark)")
            return
        kind = _magic_kind(head[:64]) or _control_kind(head.decode("latin-1"))
        if kind is not None:
            yield InputProblem(source, "rejected", f"binary file ({kind})")
            return
        number = found = 0
        ids: dict[str, tuple[int, str]] = {}  # record id -> (first line, sha256 of its text)
        while True:
            line = handle.readline(max_bytes + 2)
            if not line:
                break
            number += 1
            where = f"{source}:{number}"
            if len(line) == max_bytes + 2 and not line.endswith(b"\n"):
                found += 1
                yield InputProblem(where, "rejected", _over(len(line) + _skip_line(handle), max_bytes))
                continue
            body = line.rstrip(b"\r\n")
            steps: tuple[str, ...] = ()
            if number == 1 and body.startswith(codecs.BOM_UTF8):
                body, steps = body[len(codecs.BOM_UTF8) :], ("bom-removed",)
            if len(body) > max_bytes:
                found += 1
                yield InputProblem(where, "rejected", _over(len(body), max_bytes))
                continue
            if not body.strip():
                continue  # blank lines are allowed between records
            found += 1
            record = _jsonl_record(body, where, steps)
            yield _distinct_id(record, number, ids) if isinstance(record, Document) else record
        if not found:
            yield InputProblem(source, "skipped", "empty")


# --------------------------------------------------------------------------- dependencies


def _kind(path: str) -> str:
    """Which reader a file goes to (anything not HTML or JSONL is read as text)."""
    suffix = PurePath(path).suffix.lower()
    return "html" if suffix in HTML_SUFFIXES else "jsonl" if suffix in JSONL_SUFFIXES else "text"


def require_readers(kinds: Iterable[str] = READER_IMPORTS) -> None:
    """Import what reading ``kinds`` of input needs; ``MissingDependency`` names the first gap.

    Why up front: a package missing from the installation would otherwise fail every file of
    that kind one by one, after other files were already stored.
    """
    for kind in sorted(set(kinds)):
        for module, package in READER_IMPORTS[kind]:
            try:
                importlib.import_module(module)
            except ImportError as error:
                missing = error.name if error.name and error.name.split(".")[0] != module.split(".")[0] else package
                raise MissingDependency(missing, KIND_FILES[kind], str(error)) from None


def _kinds_present(arguments: list[str]) -> set[str]:
    """The kinds of input under ``arguments``; folders are listed, stopping once all are seen."""
    kinds: set[str] = set()
    for argument in arguments:
        if not os.path.isdir(argument):
            kinds.add(_kind(argument))
            continue
        for item in _files_under(argument):
            if not isinstance(item, InputProblem):
                kinds.add(_kind(item[0]))
            if len(kinds) == len(READER_IMPORTS):
                return kinds
    return kinds


# --------------------------------------------------------------------------- paths


UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable file-name byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: control, bidi and separator characters escaped.

    Why: file names and JSONL ids reach the outcome table and error lines; a newline in one
    would forge a line of the table, and a right-to-left override would reverse what follows.
    """
    return UNPRINTABLE.sub(_escaped, text)


def _shown(path: str) -> str:
    """A path as printable, storable text (undecodable file-name bytes escaped)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _entry(
    entry: os.DirEntry[str], folder: str, prefix: tuple[str, ...]
) -> tuple[bool, str, tuple[str, ...]] | InputProblem | None:
    """One folder entry: a folder to descend into, an input file, a problem, or None (not an input).

    Each entry is judged on its own, so a symlink loop or a FIFO costs that entry only. Nothing
    is opened here: a FIFO, socket or device is refused by its ``stat`` mode. Symlinked folders
    are never followed (no loops, no walking out of the tree); one that points back into its own
    ancestry is reported as a loop.
    """
    parts = (*prefix, entry.name)
    shown = _shown(entry.path)
    is_input = PurePath(entry.name).suffix.lower() in FOLDER_SUFFIXES
    try:
        if entry.is_dir(follow_symlinks=False):
            return True, entry.path, parts
        mode = os.stat(entry.path).st_mode  # follows a symlink to its target
    except OSError as error:
        if error.errno == errno.ELOOP:
            return InputProblem(shown, "rejected", "symbolic link loop")
        if error.errno == errno.ENOENT and entry.is_symlink():
            return InputProblem(shown, "rejected", "broken symbolic link") if is_input else None
        return InputProblem(shown, "failed", f"cannot read: {_one_line(error.strerror or error)}")
    if stat.S_ISDIR(mode):  # a symlink to a folder
        target = os.path.realpath(entry.path)
        if os.path.commonpath([target, os.path.realpath(folder)]) == target:
            return InputProblem(shown, "rejected", "symbolic link loop (points to a folder that contains it)")
        return InputProblem(shown, "skipped", "symbolic link to a folder (not followed)")
    reason = _special_reason(mode)
    if reason is not None:
        return InputProblem(shown, "rejected", reason)
    return (False, entry.path, parts) if is_input else None


def _listing(
    folder: str, prefix: tuple[str, ...]
) -> list[tuple[bool, str, tuple[str, ...]] | InputProblem] | InputProblem:
    """(is folder, path, relative parts) or a problem for each visible entry of one folder, in name order."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=lambda e: e.name)
    except OSError as error:
        return InputProblem(_shown(folder), "failed", f"cannot read folder: {_one_line(error.strerror or error)}")
    listing = (_entry(entry, folder, prefix) for entry in entries)
    return [item for item in listing if item is not None]


def _files_under(folder: str) -> Iterator[tuple[str, tuple[str, ...]] | InputProblem]:
    """(path, relative parts) of input files under ``folder``, depth first in name order.

    Iterative, so a pathologically deep tree cannot raise RecursionError mid-batch.
    """
    stack: list[Iterator[tuple[bool, str, tuple[str, ...]] | InputProblem]] = []
    first = _listing(folder, ())
    if isinstance(first, InputProblem):
        yield first
        return
    stack.append(iter(first))
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, InputProblem):
            yield entry
            continue
        is_folder, path, parts = entry
        if not is_folder:
            yield path, parts
            continue
        listing = _listing(path, parts)
        if isinstance(listing, InputProblem):
            yield listing
        else:
            stack.append(iter(listing))


def _read_file(path: str, doc_id: str, max_bytes: int) -> Iterator[Document | InputProblem]:
    """Every outcome of one file; whatever goes wrong stays with this file."""
    source, file = _shown(path), Path(path)
    suffix = file.suffix.lower()
    try:
        reason = _special_reason(os.stat(path).st_mode)  # by name, before any open()
        if reason is not None:
            yield InputProblem(source, "rejected", reason)
            return
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl_documents(file, source, max_bytes)
        elif suffix in HTML_SUFFIXES:
            yield _html_document(file, source, doc_id, max_bytes)
        else:
            yield _text_document(file, source, doc_id, max_bytes)
    except InputRejected as error:
        yield InputProblem(source, "rejected", _one_line(error.reason))
    except OSError as error:
        yield InputProblem(source, "failed", f"cannot read: {_one_line(error.strerror or error)}")
    except ImportError as error:  # the installation, not this file: stop rather than fail every file
        raise MissingDependency(error.name or "a dependency", KIND_FILES[_kind(path)], str(error)) from None
    except RecursionError:
        yield InputProblem(source, "failed", "nesting too deep")
    except Exception as error:  # noqa: BLE001 - one broken input must not end the batch
        yield InputProblem(source, "failed", _one_line(f"unexpected {type(error).__name__}: {error}"))


def _documents(arguments: list[str], max_bytes: int) -> Iterator[Document | InputProblem]:
    for argument in arguments:
        if os.path.isdir(argument):
            for item in _files_under(argument):
                if isinstance(item, InputProblem):
                    yield item
                    continue
                path, parts = item
                doc_id = _shown(PurePath(*parts).with_suffix("").as_posix())
                yield from _read_file(path, doc_id, max_bytes)
        else:
            yield from _read_file(argument, _shown(Path(argument).stem), max_bytes)


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Raise ``InputError`` for the first path argument that is missing or cannot be read.

    Why separate: the CLI checks its arguments before loading a pipeline or opening the
    database, so a typo exits 66 at once with nothing written.
    """
    for path in paths:
        argument = os.fspath(path)
        try:
            os.stat(argument)
        except OSError as error:
            if error.errno == errno.ENOENT:
                raise InputError(_shown(argument), "no such file or directory") from None
            reason = _one_line(error.strerror or error)
            raise InputError(_shown(argument), reason[:1].lower() + reason[1:]) from None
        except ValueError:
            raise InputError(_shown(argument), "not a valid path") from None
        if not os.access(argument, os.R_OK):
            raise InputError(_shown(argument), "permission denied")


def read_documents(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | InputProblem]:
    """Every document under ``paths``, lazily and in a stable order; problems are yielded too.

    Path arguments are checked now (a missing or unreadable one raises ``InputError`` before
    anything is read, so the CLI can exit 66 without a partial run), and so are the imports the
    kinds of file present need (``MissingDependency``, exit 70); files are read one at a time
    as the iterator is consumed, so a corpus is never held in memory.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    arguments = [os.fspath(path) for path in paths]
    check_paths(arguments)
    require_readers(_kinds_present(arguments))
    return _documents(arguments, max_bytes)
