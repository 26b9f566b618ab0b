"""bench/identity on a tiny made-up corpus: two people called Lee, one database.

The end-to-end test ingests four short articles (model loading included, a few seconds) and
checks the printed lines; the others exercise the measures on hand-made statements.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "identity"


def load_script() -> ModuleType:
    """bench/identity as a module (it has no .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("bench_identity", str(SCRIPT))
    spec = importlib.util.spec_from_loader("bench_identity", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_identity"] = module  # dataclasses look their module up here
    loader.exec_module(module)
    return module


ident = load_script()

# Each article: its text, then (speaker as written, content) pairs.
ARTICLES = {
    "lee-1": (
        "Senator Ann Lee said on Monday that the school budget was far too small.\n\n"
        '"We need more money for teachers," Lee said.',
        [("Senator Ann Lee", "the school budget was far too small"), ("Lee", "We need more money for teachers")],
    ),
    "lee-2": (
        "Senator Ann Lee visited the old bridge on Tuesday.\n\n"
        '"The bridge is not safe for buses," Ms. Lee told reporters.',
        [("Ms. Lee", "The bridge is not safe for buses")],
    ),
    "lee-3": (
        "Tom Lee, a farmer from the valley, said the harvest had been poor this year.\n\n"
        '"It rained for six weeks and the wheat rotted," Lee said.',
        [("Tom Lee", "the harvest had been poor this year"), ("Lee", "It rained for six weeks and the wheat rotted")],
    ),
    "lee-4": (
        "Senator Ann Lee said the new hospital would open in March.\n\n"
        "Tom Lee, who farms near the town, said the road to it was still closed.",
        [("Senator Ann Lee", "the new hospital would open in March"), ("Tom Lee", "the road to it was still closed")],
    ),
}

IDENTITIES = """# tiny identity list for the test
Ann Lee\tSenator Ann Lee
Ann Lee\tAnn Lee
Ann Lee\tMs. Lee
Ann Lee\tLee
Tom Lee\tTom Lee
Tom Lee\tLee\tlee-3
"""


def gold_record(article: str, text: str, quotes: list[tuple[str, str]]) -> dict[str, object]:
    """One gold line; each speaker span is the occurrence of the name nearest its content."""
    rows = []
    for speaker, content in quotes:
        c = text.index(content)
        starts = [m.start() for m in re.finditer(rf"\b{re.escape(speaker)}\b", text)]
        s = min(starts, key=lambda x: max(c - (x + len(speaker)), x - (c + len(content))))
        rows.append(
            {
                "speaker": speaker,
                "speaker_span": [s, s + len(speaker)],
                "content": content,
                "content_span": [c, c + len(content)],
            }
        )
    return {"id": article, "text": text, "quotes": rows}


def write_corpus(tmp_path: Path) -> tuple[Path, Path]:
    gold = tmp_path / "lee.jsonl"
    with gold.open("w", encoding="utf-8") as handle:
        for article, (text, quotes) in ARTICLES.items():
            handle.write(json.dumps(gold_record(article, text, quotes)) + "\n")
    table = tmp_path / "lee.tsv"
    table.write_text(IDENTITIES, encoding="utf-8")
    return gold, table


def test_gold_spans_point_at_the_speakers(tmp_path: Path) -> None:
    gold, _ = write_corpus(tmp_path)
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for quote in record["quotes"]:
            a, b = quote["speaker_span"]
            assert record["text"][a:b] == quote["speaker"]
            a, b = quote["content_span"]
            assert record["text"][a:b] == quote["content"]


def test_end_to_end_prints_both_figures_and_the_relatives_check(tmp_path: Path) -> None:
    gold, table = write_corpus(tmp_path)
    command = [sys.executable, str(SCRIPT), "--gold", str(gold), "--identities", str(table), "--apart", "Tom Lee"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    precision = re.search(r"^precision: (\S+)$", out, re.M)
    recall = re.search(r"^recall: (\S+)$", out, re.M)
    assert precision and recall, out
    for figure in (precision.group(1), recall.group(1)):
        assert 0.0 <= float(figure) <= 1.0, out
    assert re.search(r"^pairwise precision .* >= 0\.99 +(met|MISSED)$", out, re.M), out
    assert re.search(r"^pairwise recall .* >= 0\.95 +(met|MISSED)$", out, re.M), out
    # The same figures on what a desk lists by default are printed beside them.
    assert re.search(r"^  precision, the desk's default listing +(\S+)", out, re.M), out
    assert re.search(r"^  recall, the desk's default listing +(\S+)", out, re.M), out
    # Both identities were found in the store, so the check is decided, not skipped.
    assert re.search(r"^Tom Lee: (OK|FAIL) \(", out, re.M), out
    assert re.search(r"^Ann Lee: \d+ speaker\(s\) for \d+ statements", out, re.M), out


def test_the_listing_threshold_is_the_shipped_default() -> None:
    from attribution.scoring import default_threshold

    assert ident.listing_threshold() == pytest.approx(default_threshold())
    assert 0.0 < ident.listing_threshold() < 1.0


def test_missing_inputs_are_reported_with_status_2(tmp_path: Path) -> None:
    gold, table = write_corpus(tmp_path)
    cases = [
        ["--gold", str(tmp_path / "absent.jsonl")],
        ["--gold", str(gold), "--identities", str(tmp_path / "absent.tsv")],
        ["--gold", str(gold), "--identities", str(table), "--db", str(tmp_path / "absent.db")],
    ]
    for args in cases:
        done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)
        assert done.returncode == 2, (args, done.stderr)
        assert "not found" in done.stderr


def test_surface_keys_drop_appositions_and_possessives() -> None:
    assert ident.surface_key("Cruz, who is running third,") == "cruz"
    assert ident.surface_key("Sen. Ted Cruz (R-Texas)") == "sen. ted cruz"
    assert ident.surface_key("Trump\u2019s") == "trump"
    assert ident.surface_key("Sanders'") == "sanders"
    assert ident.surface_key("Clinton, 35, the daughter of") == "clinton, 35"
    assert ident.surface_key("Clinton\u2019s campaign") == "clinton's campaign"


def test_article_rows_override_the_global_name(tmp_path: Path) -> None:
    _, path = write_corpus(tmp_path)
    table = ident.read_identities(path)
    assert table.names == ["Ann Lee", "Tom Lee"]
    assert table.of("lee-1", "Lee", 40) == "Ann Lee"
    assert table.of("lee-3", "Lee", 99) == "Tom Lee"
    assert table.of("lee-1", "he", 0) is None
    bad = tmp_path / "bad.tsv"
    bad.write_text("Ann Lee\tLee\nTom Lee\tLee\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already means"):
        ident.read_identities(bad)


def item(identity: str, speaker: str | None, ok: bool = True) -> object:
    return ident.Item("a", identity, speaker, speaker or "(no speaker)", ok)


def test_pairwise_precision_and_recall() -> None:
    # Ann: 3 statements, two under s1 and one under s2; Tom: 2 under s3, 1 wrongly under s1.
    items = [item("Ann", "s1"), item("Ann", "s1"), item("Ann", "s2"), item("Tom", "s3"), item("Tom", "s3")]
    items.append(item("Tom", "s1"))
    precision, recall, both, same_speaker, same_identity = ident.pairwise(items)
    assert (both, same_speaker, same_identity) == (2, 4, 6)
    assert precision == pytest.approx(0.5) and recall == pytest.approx(2 / 6)
    # Statements without a speaker never pair up.
    assert ident.pairwise([item("Ann", None), item("Ann", None)])[:2] == (None, 0.0)
    merged = ident.merges(items)
    assert merged[0][0] == "s1" and merged[0][1] == 2


def speakers_db(rows: list[tuple[str, str, str | None]]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE speakers (id TEXT, name TEXT, same_as TEXT)")
    db.executemany("INSERT INTO speakers VALUES (?, ?, ?)", rows)
    return db


def test_relatives_check_ok_fail_and_untested(tmp_path: Path) -> None:
    lines = "Ann Lee\tAnn Lee\nTom Lee\tTom Lee\nBo Park\tBo Park\n"
    (tmp_path / "t.tsv").write_text(lines, encoding="utf-8")
    table = ident.read_identities(tmp_path / "t.tsv")
    apart = speakers_db([("s1", "Ann Lee", None), ("s2", "Tom Lee", None)])
    assert ident.apart_check("Tom Lee", [item("Ann Lee", "s1"), item("Tom Lee", "s2")], table, apart)[0] == "OK"
    # Tom's speaker was merged into Ann's: same canonical speaker by name.
    merged = speakers_db([("s1", "Ann Lee", None), ("s2", "Tom Lee", "s1")])
    verdict, detail = ident.apart_check("Tom Lee", [], table, merged)
    assert verdict == "FAIL" and "'Ann Lee'" in detail
    # One store speaker holds statements of both with the gold's own mentions.
    shared = [item("Ann Lee", "s1"), item("Tom Lee", "s1")]
    assert ident.apart_check("Tom Lee", shared, table, apart)[0] == "FAIL"
    # A wrong mention inside an article is an attribution error, not a merge.
    wrong_mention = [item("Ann Lee", "s1"), item("Tom Lee", "s1", ok=False)]
    assert ident.apart_check("Tom Lee", wrong_mention, table, speakers_db([("s1", "Ann Lee", None)]))[0] == "UNTESTED"
    assert ident.apart_check("Bo Park", [], table, apart)[0] == "UNTESTED"


def test_gold_quotes_are_matched_one_to_one() -> None:
    text = "Trump, alleging that President Obama wanted to admit 250,000 Syrians, said more."
    words = tuple((m.start(), m.end()) for m in re.finditer(r"\w+", text))
    outer_start = text.index("President")
    outer_end = text.index(", said")
    inner_start = text.index("to admit")
    quote = ident.GoldQuote("Trump", 0, 5, tuple(w for w in words if outer_start <= w[0] < outer_end))
    # The inner statement covers more than half of the gold quote's words, yet the outer one,
    # covering all of them, takes the quote; the inner one is left unmatched.
    spans = [(inner_start, outer_end), (outer_start, outer_end)]
    assert ident.covered_share(*spans[0], quote) >= 0.5
    assert ident.match_one_to_one(spans, [quote]) == {1: quote}
    # Two gold quotes, two statements: each statement gets its own.
    second = ident.GoldQuote("Trump", 0, 5, tuple(w for w in words if w[0] >= text.index("said")))
    assert ident.match_one_to_one([spans[1], (text.index("said"), len(text))], [second, quote]) == {
        0: quote,
        1: second,
    }
