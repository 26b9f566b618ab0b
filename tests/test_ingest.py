"""Reading inputs: each kind of file and each kind of trouble gets its documented outcome."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from attribution.errors import InputError
from attribution.ingest import InputProblem, decode_bytes, normalise_text, read_documents
from attribution.models import Document

ARTICLE = "\u201cWe will rebuild,\u201d Mayor Ana Ruiz said on Monday.\n\nThe storm destroyed 400 homes."


def _read(*paths: Path, **kwargs) -> list[Document | InputProblem]:
    return list(read_documents(paths, **kwargs))


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (ARTICLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "utf-8"),
        (b"\xff\xfe" + ARTICLE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + ARTICLE.encode("utf-16-be"), "utf-16-be"),
        (ARTICLE.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_give_identical_text(tmp_path: Path, raw: bytes, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    (document,) = _read(path)
    assert isinstance(document, Document)
    assert document.text == ARTICLE
    assert document.encoding == encoding
    assert document.sha256 == Document(id="x", text=ARTICLE).sha256


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_newlines_are_normalised(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.replace("\n", newline).encode("utf-8"))
    (document,) = _read(path)
    assert document.text == ARTICLE


def test_nul_bytes_below_binary_threshold_are_replaced() -> None:
    text, steps = normalise_text("One.\x00Two.")
    assert text == "One.\ufffdTwo." and "nul-replaced" in steps


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
        (gzip.compress(b"hello world"), "gzip"),
        (b"%PDF-1.7\n" + b"\x00\x01\x02" * 30, "PDF"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "SQLite"),
    ],
)
def test_binary_files_are_rejected_by_name(tmp_path: Path, raw: bytes, kind: str) -> None:
    path = tmp_path / "looks-like-text.txt"
    path.write_bytes(raw)
    (problem,) = _read(path)
    assert isinstance(problem, InputProblem)
    assert problem.status == "rejected" and kind in problem.reason
    assert problem.source == str(path)


@pytest.mark.parametrize("content", [b"", b"  \n\t \n"])
def test_empty_files_are_skipped(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    (problem,) = _read(path)
    assert (problem.status, problem.reason) == ("skipped", "empty")


def test_oversize_file_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 20 MB on paper, nothing on disk
        handle.seek(20_000_000)
        handle.write(b"x")
    (problem,) = _read(path, max_bytes=10_000_000)
    assert problem.status == "rejected" and "--max-bytes" in problem.reason


def test_jsonl_bad_lines_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "text": ARTICLE, "published": "2024-05-01", "title": "Storm"}),
        '{"id": 2, "text": "trunc',
        "[" * 1_500,
        '{"id": 3, "text": NaN}',
        json.dumps({"id": 4}),
        "",
        json.dumps({"id": 5, "text": "x" * 3_000}),
        json.dumps({"id": "six", "text": ARTICLE, "extra": [1, 2]}),
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = _read(path, max_bytes=2_000)
    documents = [r for r in results if isinstance(r, Document)]
    problems = {r.source.rsplit(":", 1)[1]: r for r in results if isinstance(r, InputProblem)}
    assert [d.id for d in documents] == ["1", "six"]
    assert documents[0].published == "2024-05-01" and documents[0].title == "Storm"
    assert set(problems) == {"2", "3", "4", "5", "7"}
    assert all(p.status == "rejected" for p in problems.values())
    assert "nested too deeply" in problems["3"].reason
    assert "text" in problems["5"].reason
    assert "--max-bytes" in problems["7"].reason


def test_html_drops_scripts_and_hidden_text(tmp_path: Path) -> None:
    html = """<html><head><title>Storm hits coast</title>
    <script>var q = "\\"Fake quote,\\" he said";</script><style>p:after{content:"Fake style quote"}</style></head>
    <body><noscript>"Fake noscript quote," she said.</noscript><!-- "Fake comment quote," he said -->
    <article><h1>Storm hits coast</h1>
    <p>&ldquo;We will rebuild every single home on this coast,&rdquo; Mayor Ana Ruiz said on Monday.</p>
    <p>The storm destroyed 400 homes and left thousands of families without power for the third day running.</p>
    <p>Emergency crews from three neighbouring provinces arrived overnight to clear the roads into the town.</p>
    </article></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    (document,) = _read(path)
    assert isinstance(document, Document)
    assert "\u201cWe will rebuild every single home on this coast,\u201d" in document.text
    assert "Fake" not in document.text
    assert "\n\n" in document.text


def test_folder_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b", encoding="utf-8")
    assert [d.id for d in _read(tmp_path)] == ["a", "b/two"]


def test_missing_path_raises_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        _read(tmp_path / "nope.txt")


def test_decode_prefers_cp1252_for_curly_quotes() -> None:
    text, encoding, _ = decode_bytes(b"\x93Yes,\x94 he said.")
    assert (text, encoding) == ("\u201cYes,\u201d he said.", "cp1252")
