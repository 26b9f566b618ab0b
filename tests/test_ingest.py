"""Reading inputs (R4; T20-T27, T29-T31, T33): each kind of file and each kind of trouble gets
its documented outcome, and every stored text is the one the offsets will be measured in."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import sqlite3
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.errors import InputError, InputRejected
from attribution.ingest import DEFAULT_MAX_BYTES, InputProblem, decode_bytes, normalise_text, read_documents
from attribution.models import Document

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"


def _load_make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_make", HOSTILE / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make = _load_make()
ARTICLE: str = make.ARTICLE
QUOTE_STYLES: str = make.QUOTE_STYLES


def _read(*paths: Path, **kwargs: int) -> list[Document | InputProblem]:
    return list(read_documents(paths, **kwargs))


def _one(path: Path, raw: bytes, **kwargs: int) -> Document | InputProblem:
    path.write_bytes(raw)
    (result,) = _read(path, **kwargs)
    return result


def _doc(path: Path, raw: bytes) -> Document:
    result = _one(path, raw)
    assert isinstance(result, Document), result
    return result


def _assert_storable(document: Document) -> None:
    """R4.3: what is stored encodes as UTF-8, has no NUL, and uses \\n newlines only."""
    for value in (document.text, document.id, document.source, document.title or "", document.author or ""):
        value.encode("utf-8")
    assert "\x00" not in document.text and "\r" not in document.text


# --------------------------------------------------------------------------- decoding (T20, T22, T33)

ENCODINGS = [
    ("utf-8", b"", "utf-8", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8", "utf-8 + BOM"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le + BOM"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be + BOM"),
    ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le + BOM"),
    ("utf-32-be", codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be + BOM"),
    ("utf-16-le", b"", "utf-16-le", "utf-16-le, no BOM"),
    ("cp1252", b"", "cp1252", "cp1252 curly quotes"),
]


@pytest.mark.parametrize("text", [ARTICLE, QUOTE_STYLES], ids=["article", "quote-styles"])
@pytest.mark.parametrize(("codec", "bom", "recorded", "label"), ENCODINGS, ids=[e[3] for e in ENCODINGS])
def test_every_encoding_gives_identical_text(
    tmp_path: Path, text: str, codec: str, bom: bytes, recorded: str, label: str
) -> None:
    """T20/T22/T33: same text, same content hash, whatever the bytes; encoding recorded."""
    document = _doc(tmp_path / "a.txt", bom + text.encode(codec))
    assert document.text == text
    assert document.sha256 == Document(id="x", text=text).sha256
    assert document.encoding == recorded
    assert "\ufffd" not in document.text
    assert ("bom-removed" in document.normalisation) == bool(bom)
    _assert_storable(document)


def test_bom_variants_differ_only_in_raw_hash(tmp_path: Path) -> None:
    """T22: identical text and sha256; the raw bytes' hash and length tell the files apart."""
    documents = [
        _doc(tmp_path / f"{i}.txt", bom + ARTICLE.encode(codec)) for i, (codec, bom, *_) in enumerate(ENCODINGS)
    ]
    assert len({d.sha256 for d in documents}) == 1
    assert len({d.raw_sha256 for d in documents}) == len(documents)
    assert [d.byte_length for d in documents][:2] == [len(ARTICLE.encode()), len(ARTICLE.encode()) + 3]


DECODE_CASES = [
    # (label, bytes, text or None (only checked for equality if given), encoding, step)
    ("cp1252 0x93/0x94 favoured", b"\x93Yes,\x94 he said.", "\u201cYes,\u201d he said.", "cp1252", "decoded-cp1252"),
    (
        "latin-1 letters read as cp1252",
        "Le caf\u00e9 \u00e0 Paris.".encode("latin-1"),
        "Le caf\u00e9 \u00e0 Paris.",
        "cp1252",
        None,
    ),
    (
        "UTF-8 with stray cp1252 quotes",
        "\u201cOui,\u201d dit le caf\u00e9.".encode() + b" \x93Non\x94.",
        "\u201cOui,\u201d dit le caf\u00e9. \u201cNon\u201d.",
        "utf-8",
        "mixed-utf8-cp1252",
    ),
    ("Cyrillic cp1251 is not forced into cp1252", make.CYRILLIC.encode("cp1251"), make.CYRILLIC, "cp1251", None),
    ("UTF-16-BE without BOM", ARTICLE.encode("utf-16-be"), ARTICLE, "utf-16-be", "utf16-without-bom"),
    (
        "odd-length UTF-16 after BOM",
        codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le") + b"x",
        None,
        "utf-16-le",
        "decode-fallback-replace",
    ),
]


@pytest.mark.parametrize(("label", "raw", "text", "encoding", "step"), DECODE_CASES, ids=[c[0] for c in DECODE_CASES])
def test_decode_policy(label: str, raw: bytes, text: str | None, encoding: str, step: str | None) -> None:
    decoded, used, steps = decode_bytes(raw)
    assert used == encoding
    if text is not None:
        assert decoded == text
    if step is not None:
        assert step in steps
    decoded.encode("utf-8")


def test_last_resort_decode_is_recorded_as_a_warning(tmp_path: Path) -> None:
    """T21: a mostly-ASCII file with a few undecodable bytes decodes with errors="replace"
    and says so; random high bytes with a few words are refused as garbage."""
    raw = b"The mayor said the road reopened. " * 20 + b"\x81\x8d\x8f\x90\x9d and more words."
    document = _doc(tmp_path / "a.txt", raw)
    assert "The mayor said" in document.text
    if "decode-fallback-replace" in document.normalisation:  # charset-normalizer may name a codec instead
        assert any(w.startswith("decode_fallback") for w in document.warnings)
    else:
        assert any(w.startswith("encoding guessed") for w in document.warnings)
    _assert_storable(document)
    with pytest.raises(InputRejected, match="undecodable bytes"):
        decode_bytes(make._garbage())


# --------------------------------------------------------------------------- normalisation (T23, T24, R4.3)

NORMALISE_CASES = [
    ("plain", "One.\n\nTwo.", "One.\n\nTwo.", ()),
    ("crlf", "One.\r\n\r\nTwo.", "One.\n\nTwo.", ("newlines",)),
    ("cr", "One.\r\rTwo.", "One.\n\nTwo.", ("newlines",)),
    ("mixed", "One.\r\n\nTwo.\rThree.\n", "One.\n\nTwo.\nThree.\n", ("newlines",)),
    ("nul", "One.\x00Two.", "One.\ufffdTwo.", ("nul-replaced",)),
    ("lone surrogate", "a\ud800b\udfffc", "abc", ("surrogates-removed",)),
    ("split surrogate pair", "smile \ud83d\ude00!", "smile \U0001f600!", ("surrogate-pairs-joined",)),
    ("other separators kept", "a\u2028b\x85c\x0cd", "a\u2028b\x85c\x0cd", ()),
]


@pytest.mark.parametrize(("label", "raw", "text", "steps"), NORMALISE_CASES, ids=[c[0] for c in NORMALISE_CASES])
def test_normalise_text(label: str, raw: str, text: str, steps: tuple[str, ...]) -> None:
    assert normalise_text(raw) == (text, steps)
    assert normalise_text(text) == (text, ())  # idempotent
    text.encode("utf-8")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "mixed"])
def test_newline_variants_store_identical_text(tmp_path: Path, newline: str) -> None:
    """T23: identical text and content hash; the raw hash differs."""
    first, second, third = ARTICLE.split("\n\n")
    raw = first + "\r\n\n" + second + "\r\r" + third if newline == "mixed" else ARTICLE.replace("\n", newline)
    document = _doc(tmp_path / "a.txt", raw.encode())
    assert document.text == ARTICLE and document.sha256 == Document(id="x", text=ARTICLE).sha256
    assert document.raw_sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert ("newlines" in document.normalisation) == (newline != "\n")


def test_nul_between_sentences_is_replaced_one_for_one(tmp_path: Path) -> None:
    """T24: no NUL stored, same length (offsets unchanged), SQLite length() agrees with len()."""
    raw = ARTICLE.replace(". ", ".\x00 ")
    document = _doc(tmp_path / "a.txt", raw.encode())
    assert "\x00" not in document.text and len(document.text) == len(raw)
    assert document.text == raw.replace("\x00", "\ufffd") and "nul-replaced" in document.normalisation
    db = sqlite3.connect(":memory:")
    assert db.execute("SELECT length(?)", (document.text,)).fetchone()[0] == len(document.text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("\r\n\x00\ud800\udc00\ud83d\ude00a") | st.characters(exclude_categories=())).map("".join)
)
def test_normalised_text_is_always_storable(raw: str) -> None:
    """R4.3 for any string: no CR, no NUL, no surrogate, UTF-8 encodable, idempotent."""
    text, _ = normalise_text(raw)
    text.encode("utf-8")
    assert "\r" not in text and "\x00" not in text
    assert normalise_text(text) == (text, ())


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2_000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=500).map(lambda t: t.encode("latin-1")),
    )
)
def test_decode_bytes_returns_text_or_rejects(raw: bytes) -> None:
    """Any bytes: either storable text with a recorded encoding, or InputRejected, never a crash."""
    try:
        text, encoding, _ = decode_bytes(raw)
    except InputRejected as error:
        assert error.reason and "\n" not in error.reason
        return
    assert encoding
    normalise_text(text)[0].encode("utf-8")


# --------------------------------------------------------------------------- refused inputs (T25, T26, T27)


def _sqlite_bytes(folder: Path) -> bytes:
    db = sqlite3.connect(folder / "real.db")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    return (folder / "real.db").read_bytes()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", ARTICLE)
    return buffer.getvalue()


BINARIES = [
    ("PNG", lambda _: make._png()),
    ("GIF", lambda _: make._gif()),
    ("JPEG", lambda _: make._jpeg()),
    ("gzip", lambda _: gzip.compress(ARTICLE.encode())),
    ("zip", lambda _: _zip_bytes()),
    ("PDF", lambda _: b"%PDF-1.7\n" + bytes(range(256)) * 4),
    ("SQLite", _sqlite_bytes),
    ("NUL bytes", lambda _: b"\x00\x00\x00\x01" * 200),
    ("control characters", lambda _: bytes(range(1, 9)) * 100 + ARTICLE.encode()),
]


@pytest.mark.parametrize("suffix", [".txt", ".html", ".md"])
@pytest.mark.parametrize(("kind", "build"), BINARIES, ids=[b[0] for b in BINARIES])
def test_binary_files_are_rejected_by_name(tmp_path: Path, kind: str, build, suffix: str) -> None:
    """T25: refused, the reason names the type, the source names the file; the batch goes on."""
    bad = tmp_path / f"looks-like-text{suffix}"
    bad.write_bytes(build(tmp_path))
    good = tmp_path / "z.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    problem, document = _read(bad, good)
    assert isinstance(problem, InputProblem) and isinstance(document, Document)
    assert problem == InputProblem(str(bad), "rejected", problem.reason)
    assert problem.reason.startswith("binary file (") and kind in problem.reason


def test_binary_jsonl_is_rejected_once_not_per_line(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(gzip.compress(b'{"id": 1, "text": "x"}\n' * 500))
    assert _read(path) == [InputProblem(str(path), "rejected", "binary file (gzip archive)")]


EMPTIES = [
    ("a.txt", b""),
    ("a.txt", b"  \n\t \r\n"),
    ("a.md", codecs.BOM_UTF8),
    ("a.txt", codecs.BOM_UTF16_LE + " \u3000\n".encode("utf-16-le")),
    ("a.html", b"\n \n"),
    ("a.jsonl", b""),
    ("a.jsonl", b"\n\n   \n"),
]


@pytest.mark.parametrize(("name", "raw"), EMPTIES)
def test_empty_inputs_are_skipped(tmp_path: Path, name: str, raw: bytes) -> None:
    """T26: skipped: empty, not an error."""
    path = tmp_path / name
    assert _one(path, raw) == InputProblem(str(path), "skipped", "empty")


def test_empty_jsonl_text_is_skipped_per_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1, "text": " \\n "}\n', encoding="utf-8")
    assert _read(path) == [InputProblem(f"{path}:1", "skipped", "empty")]


def test_oversize_file_rejected_from_stat_without_reading(tmp_path: Path) -> None:
    """T27: a 20 MB (sparse) file is refused by size before any of it is read."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(20_000_000)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        (problem,) = _read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem == InputProblem(str(path), "rejected", "over --max-bytes (20,000,000 > 10,000,000)")
    assert time.perf_counter() - started < 1.0
    assert peak < 1_000_000  # nothing like 20 MB was ever allocated
    assert DEFAULT_MAX_BYTES == 10_000_000


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    body = ("x" * 99 + "\n") * 10
    assert isinstance(_one(tmp_path / "a.txt", body.encode(), max_bytes=1000), Document)
    assert _one(tmp_path / "a.txt", body.encode() + b"y", max_bytes=1000).reason == "over --max-bytes (1,001 > 1,000)"


def test_50mb_jsonl_line_is_skipped_with_bounded_memory(tmp_path: Path) -> None:
    """T27: one 50 MB line is refused without holding it; the following lines are still read."""
    path = tmp_path / "dump.jsonl"
    with path.open("wb") as handle:
        handle.write(json.dumps({"id": 1, "text": ARTICLE}).encode() + b"\n")
        handle.write(b'{"id": 2, "text": "')
        chunk = b"a" * 1_000_000
        for _ in range(50):
            handle.write(chunk)
        handle.write(b'"}\n')
        handle.write(json.dumps({"id": 3, "text": ARTICLE}).encode() + b"\n")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        results = _read(path, max_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.id if isinstance(r, Document) else r.source for r in results] == ["1", f"{path}:2", "3"]
    assert results[1].reason == "over --max-bytes (50,000,021 > 1,000,000)"  # the line, not its newline
    assert peak < 5_000_000
    assert time.perf_counter() - started < 5.0


# --------------------------------------------------------------------------- JSONL (T31, R4.6)

JSONL_LINES = [
    # (line, status, reason or document id)
    (json.dumps({"id": 1, "text": ARTICLE, "title": "Storm", "published": "2024-05-01"}), "ok", "1"),
    ('{"id": 2, "text": "trunc', "rejected", "invalid JSON: Unterminated string starting at (column 19)"),
    ("[" * 1000, "rejected", "invalid JSON"),
    ("[" * 5_000, "rejected", "invalid JSON: nested too deeply"),
    ('{"id": 4, "text": NaN}', "rejected", "invalid JSON: NaN is not valid JSON"),
    ('{"id": 5, "text": "x", "v": Infinity}', "rejected", "invalid JSON: Infinity is not valid JSON"),
    (json.dumps({"id": 6}), "rejected", "missing 'text'"),
    (json.dumps({"text": "no id"}), "rejected", "missing 'id'"),
    ("", "blank", ""),
    (json.dumps({"id": 9, "text": None}), "rejected", "missing 'text'"),
    (json.dumps({"id": 10, "text": ["a"]}), "rejected", "'text' must be a string (found array)"),
    (json.dumps({"id": 1.5, "text": "x"}), "rejected", "'id' must be a string or integer (found number)"),
    (json.dumps({"id": " ", "text": "x"}), "rejected", "empty 'id'"),
    ('"just a string"', "rejected", "not a JSON object (found string)"),
    ('{"id": 14, "id": 15, "text": "x"}', "rejected", "duplicate key 'id'"),
    ('{"id": 16, "text": "x", "note": 1, "note": 2}', "ok", "16"),
    ("x" * 7_000, "rejected", "over --max-bytes (7,000 > 6,000)"),
    (json.dumps({"id": "eighteen", "text": ARTICLE, "extra": {"a": [1, 2]}}), "ok", "eighteen"),
    ("   \t", "blank", ""),
    ('{"id": 20, "text": "x", "n": ' + "9" * 5000 + "}", "rejected", "invalid JSON: Exceeds the limit"),
]


def test_jsonl_each_bad_line_is_reported_as_file_line(tmp_path: Path) -> None:
    """T31: valid lines become documents; each bad line is `file:LINE: reason`; no traceback."""
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(line for line, *_ in JSONL_LINES) + "\n", encoding="utf-8")
    results = {r.source: r for r in _read(path, max_bytes=6_000)}
    expected_sources = {f"{path}:{n}" for n, (_, status, _) in enumerate(JSONL_LINES, 1) if status != "blank"}
    assert set(results) == expected_sources
    for number, (_, status, expected) in enumerate(JSONL_LINES, 1):
        result = results.get(f"{path}:{number}")
        if status == "blank":
            continue
        if status == "ok":
            assert isinstance(result, Document) and result.id == expected, (number, result)
        else:
            assert isinstance(result, InputProblem), (number, result)
            assert result.status == status and result.reason.startswith(expected), (number, result)
            assert "\n" not in result.reason


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
JSON_RECORDS = st.fixed_dictionaries(
    {},
    optional={
        "id": JSON_VALUES | st.text(min_size=1),
        "text": JSON_VALUES | st.text(min_size=1),
        "title": JSON_VALUES,
        "published": JSON_VALUES,
        "author": JSON_VALUES,
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(JSON_RECORDS | JSON_VALUES, min_size=1, max_size=5))
def test_any_jsonl_gives_one_outcome_per_line(records: list[object]) -> None:
    """Whatever the records hold: one outcome per line, named file:LINE, documents storable."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dump.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        results = _read(path)
    assert [r.source for r in results] == [f"{path}:{n}" for n in range(1, len(records) + 1)]
    for result in results:
        if isinstance(result, Document):
            _assert_storable(result)
        else:
            assert result.status in {"rejected", "skipped"} and "\n" not in result.reason


def test_jsonl_metadata_fields(tmp_path: Path) -> None:
    record = {
        "id": 7,
        "text": "Body.\r\n",
        "title": "  Storm\nhits  ",
        "publication_date": "2024-05-02",
        "publisher": "Daily Bugle",
        "url": "https://example.com/a",
        "author": ["A. One", "B. Two"],
        "tags": ["ignored"],
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (document,) = _read(path)
    assert isinstance(document, Document)
    assert (document.id, document.text, document.title, document.published) == (
        "7",
        "Body.\n",
        "Storm hits",
        "2024-05-02",
    )
    assert (document.publisher, document.url, document.author) == (
        "Daily Bugle",
        "https://example.com/a",
        "A. One, B. Two",
    )
    assert document.source == f"{path}:1" and document.encoding == "utf-8"
    raw = json.dumps(record).encode()
    assert document.byte_length == len(raw) and document.raw_sha256 == Document(id="x", text=raw.decode()).sha256
    record["published"], record["title"] = "2024-05-01", {"not": "text"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (document,) = _read(path)
    assert document.published == "2024-05-01" and document.title is None
    assert "ignored 'title': not a string" in document.warnings


def test_jsonl_surrogates_and_nul_never_reach_the_store(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "x\\ud800", "text": "a\\udc00b\\u0000c", "title": "t\\ud83d\\ude00"}\n', encoding="utf-8")
    (document,) = _read(path)
    assert (document.id, document.text, document.title) == ("x", "ab\ufffdc", "t\U0001f600")
    _assert_storable(document)


# --------------------------------------------------------------------------- HTML (T29, T30, R4.5)

FAKE = '"Fake quote," he said.'
HIDDEN_PAGE = f"""<!DOCTYPE html><html><head><title>Storm hits coast</title>
<meta name="description" content='{FAKE}'><meta property="article:published_time" content="2024-05-01">
<script>var q = '{FAKE}';</script><style>p::after {{ content: '{FAKE}'; }}</style></head>
<body><noscript><p>{FAKE} Plenty of words here to look like a real paragraph of article text.</p></noscript>
<!-- {FAKE} -->
<template><p>{FAKE} Plenty of words here to look like a real paragraph of article text.</p></template>
<article><h1>Storm hits coast</h1>
<p>Posted 3 March 2023</p>
<p>&ldquo;We will rebuild every home on this coast,&rdquo; Mayor Ana Ruiz said on Monday.</p>
<p hidden>{FAKE}</p><div style="display:none">{FAKE}</div>
<p>The storm destroyed 400 homes &amp; 12 schools, officials said.</p>
</article></body></html>"""


def test_html_keeps_the_real_quote_and_drops_hidden_text(tmp_path: Path) -> None:
    """T29: no fake quote from script/style/noscript/template/comments/head/hidden; entities decoded."""
    document = _doc(tmp_path / "page.html", HIDDEN_PAGE.encode())
    assert "Fake" not in document.text
    assert "\u201cWe will rebuild every home on this coast,\u201d Mayor Ana Ruiz said on Monday." in document.text
    assert "400 homes & 12 schools" in document.text
    assert document.text.count("\n\n") == 2 and "\n\n\n" not in document.text
    assert document.title == "Storm hits coast" and not document.text.startswith("Storm hits coast")
    assert document.published == "2024-05-01"  # from the page's metadata, not "Posted 3 March 2023"
    assert document.id == "page" and "html-extracted" in document.normalisation
    assert document.raw_sha256 == hashlib.sha256(HIDDEN_PAGE.encode()).hexdigest()
    _assert_storable(document)


def test_html_quote_entities_of_every_style(tmp_path: Path) -> None:
    """T33: the entity spellings of each quotation mark come out as the marks themselves."""
    page = (
        "<html><body><article>"
        "<p>&quot;Straight,&quot; said Ada.</p><p>&ldquo;Curly &lsquo;inner&rsquo;,&rdquo; said Ben.</p>"
        "<p>&laquo;Guillemets,&raquo; said Dee.</p><p>&lsaquo;Single,&rsaquo; said Eve.</p>"
        "<p>&bdquo;Deutsch,&ldquo; sagte Fritz.</p></article></body></html>"
    )
    document = _doc(tmp_path / "q.html", page.encode())
    for piece in (
        '"Straight,"',
        "\u201cCurly \u2018inner\u2019,\u201d",
        "\u00abGuillemets,\u00bb",
        "\u2039Single,\u203a",
        "\u201eDeutsch,\u201c",
    ):
        assert piece in document.text


@pytest.mark.parametrize(("depth", "outcome"), [(300, "ok"), (1_500, "rejected"), (10_000, "rejected")])
def test_deep_html_is_extracted_or_fails_loudly(tmp_path: Path, depth: int, outcome: str) -> None:
    """T30: never "ok with 0 characters": the quote comes through, or the page is refused."""
    page = (
        "<html><body>" + "<div>" * depth + "<p>&ldquo;Deep,&rdquo; he said.</p>" + "</div>" * depth + "</body></html>"
    )
    started = time.perf_counter()
    result = _one(tmp_path / "deep.html", page.encode())
    assert time.perf_counter() - started < 5.0
    if outcome == "ok":
        assert isinstance(result, Document) and result.text == "\u201cDeep,\u201d he said."
    else:
        assert isinstance(result, InputProblem) and result.status == "rejected"
        assert result.reason.startswith("nesting too deep (")


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Only a title</title></head><body></body></html>",
        f"<html><body><script>{FAKE}</script><!-- {FAKE} --></body></html>",
        "<!-- just a comment -->",
    ],
)
def test_html_without_article_text_is_rejected(tmp_path: Path, page: str) -> None:
    path = tmp_path / "page.htm"
    assert _one(path, page.encode()) == InputProblem(str(path), "rejected", "no article text found")


def test_html_declared_charset_and_xml_declaration(tmp_path: Path) -> None:
    body = "<p>\u201cOpen again,\u201d the caf\u00e9 owner said.</p>"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    legacy = f"<html><head>{meta}</head><body>{body}</body></html>"
    document = _doc(tmp_path / "a.html", legacy.encode("cp1252"))  # browsers read iso-8859-1 as windows-1252
    assert document.text == "\u201cOpen again,\u201d the caf\u00e9 owner said." and document.encoding == "cp1252"
    xhtml = f'<?xml version="1.0" encoding="utf-8"?>\n<html><body>{body}</body></html>'
    assert _doc(tmp_path / "b.html", xhtml.encode()).text == document.text


# --------------------------------------------------------------------------- paths and folders


def test_folder_is_read_recursively_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for name in ["b/two.txt", "b/c/three.md", "a.txt", "c.text", ".hidden.txt", ".git/x.txt", "notes.csv", "b.html"]:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{ARTICLE}</p>" if name.endswith(".html") else ARTICLE, encoding="utf-8")
    results = _read(folder)
    assert all(isinstance(r, Document) for r in results)
    assert [r.id for r in results] == ["a", "b/c/three", "b/two", "b", "c"]
    assert [r.source for r in results] == [
        os.path.join(folder, "a.txt"),
        os.path.join(folder, "b", "c", "three.md"),
        os.path.join(folder, "b", "two.txt"),
        os.path.join(folder, "b.html"),
        os.path.join(folder, "c.text"),
    ]


def test_file_arguments_keep_their_order_and_stem_ids(tmp_path: Path) -> None:
    for name in ("z.txt", "a.md"):
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    explicit = tmp_path / "article"  # no suffix: read as text when named explicitly
    explicit.write_text(ARTICLE, encoding="utf-8")
    results = _read(tmp_path / "z.txt", tmp_path / "a.md", explicit)
    assert [(r.id, r.source) for r in results] == [
        ("z", str(tmp_path / "z.txt")),
        ("a", str(tmp_path / "a.md")),
        ("article", str(explicit)),
    ]
    assert [r.id for r in read_documents(str(tmp_path / "z.txt"))] == ["z"]  # one path, not its characters


def test_missing_path_raises_before_anything_is_read(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(InputError, match="no such file or directory") as raised:
        read_documents([good, tmp_path / "nope.txt"])  # at the call, not at the first next()
    assert raised.value.source == str(tmp_path / "nope.txt")


def test_documents_are_read_lazily(tmp_path: Path) -> None:
    """Streaming: the second file is opened only when asked for, so a vanished file fails alone."""
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    documents = read_documents([tmp_path])
    assert next(documents).id == "a"
    (tmp_path / "b.txt").unlink()
    problem = next(documents)
    assert isinstance(problem, InputProblem) and problem.status == "failed" and "cannot read" in problem.reason
    assert next(documents).id == "c"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_unreadable_file_in_a_folder_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").chmod(0)
    try:
        problem, document = _read(tmp_path)
    finally:
        (tmp_path / "a.txt").chmod(0o644)
    assert problem == InputProblem(str(tmp_path / "a.txt"), "failed", "cannot read: Permission denied")
    assert isinstance(document, Document)


@pytest.mark.skipif(sys.platform != "linux", reason="needs a filesystem that accepts any bytes in names")
def test_undecodable_file_name_is_escaped_in_source_and_id(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    (document,) = _read(tmp_path)
    assert document.id == "caf\\xe9" and document.source.endswith("caf\\xe9.txt")
    _assert_storable(document)


# --------------------------------------------------------------------------- the hostile corpus


def _outcome_table() -> list[tuple[str, str, list[str]]]:
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- outcomes -->")[1].split("<!-- /outcomes -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split(" | ")]
        rows.append((cells[0], cells[1], cells[2].split("; ")))
    return rows


def _check(result: Document | InputProblem, check: str) -> None:
    match = re.fullmatch(r"(\w+)(=|~|!~)(.*)", check, re.DOTALL)
    assert match, check
    field, operator, value = match.groups()
    value = {"ARTICLE": ARTICLE, "QUOTE_STYLES": QUOTE_STYLES}.get(value, value)
    value = value.replace("\\n", "\n").replace("\\0", "\x00")
    if field == "step":
        assert value in result.normalisation
        return
    if field == "warning":
        assert any(value in warning for warning in result.warnings), result.warnings
        return
    actual = getattr(result, field)
    if operator == "=":
        assert actual == value
    elif operator == "~":
        assert value in actual
    else:
        assert value not in actual


def test_hostile_corpus_is_what_make_py_writes(tmp_path: Path) -> None:
    make.build(tmp_path / "corpus")
    fresh, committed = (
        {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        for root in (tmp_path / "corpus", HOSTILE / "corpus")
    )
    assert sorted(committed) == sorted(fresh)
    assert [name for name in fresh if committed[name] != fresh[name]] == []
    assert all(len(data) <= 12_000 for data in committed.values())


def test_hostile_corpus_outcomes_match_the_readme() -> None:
    """Every input of fixtures/hostile/corpus has the outcome README.md documents, in order."""
    corpus = HOSTILE / "corpus"
    results = list(read_documents([corpus], max_bytes=make.MAX_BYTES))
    table = _outcome_table()
    sources = [os.path.relpath(r.source, corpus).replace(os.sep, "/") for r in results]
    assert sources == [source for source, *_ in table]
    for result, (source, outcome, checks) in zip(results, table, strict=True):
        status = "ok" if isinstance(result, Document) else result.status
        assert status == outcome, (source, result)
        for check in checks:
            try:
                _check(result, check)
            except AssertionError as error:
                raise AssertionError(f"{source}: {check} failed for {result!r}") from error
        if isinstance(result, Document):
            _assert_storable(result)
        else:
            assert "\n" not in result.reason
