"""The benchmark scripts run on a tiny corpus and print their tables.

Never timed: the figures belong in bench/README.md, not in assertions. Each script runs
with --quick as a subprocess, its caches in a temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
import benchlib  # noqa: E402

SCRIPTS = {
    "speed": ["bare nlp.pipe", "attribution extract", "attribution ingest"],
    "workers": ["ingest --workers 1", "ingest --workers 2", "identical database contents"],
    "memory": ["peak RSS, ingest 5 docs", "peak RSS, ingest 25 docs", "peak RSS ratio"],
    "queries": ["quotes --speaker", "search quokkalign", "ratio 5,000 vs 500"],
    "startup": ["attribution --help"],
    "long-article": ["0.2 MB: stored / statements", "0.2 MB: peak RSS"],
    "cluster": ["throughput 2 vs 1 workers", "batch + load vs ingest --workers 2", "identical database contents"],
}


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script_prints_its_table(script: str, tmp_path: Path) -> None:
    done = run([str(BENCH / script), "--quick"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("== ")
    assert lines[1].split()[:3] == ["measure", "median", "runs"]
    assert any(line.startswith("machine: nproc=") for line in lines)
    for label in SCRIPTS[script]:
        assert any(line.startswith(label) or label in line for line in lines[2:]), (label, done.stdout)
    targeted = [line for line in lines if line.rstrip().endswith(("met", "MISSED"))]
    assert targeted, done.stdout


def test_nlp_pipe_baseline_parses_every_text(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.jsonl"
    benchlib.write_jsonl(corpus, benchlib.synthetic_articles(3))
    done = run([str(BENCH / "nlp-pipe"), str(corpus)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("3 documents, ")


def test_synthetic_articles_are_unique_and_reproducible() -> None:
    first = list(benchlib.synthetic_articles(50))
    assert first == list(benchlib.synthetic_articles(50))
    assert len({article["text"] for article in first}) == 50
    assert all(article["text"].count("\u201c") >= 2 for article in first)


def test_all_summarises_targets(tmp_path: Path) -> None:
    done = run([str(BENCH / "all"), "--quick", "--only", "startup"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = done.stdout.split("== targets\n", 1)[1].splitlines()
    assert summary[2].startswith("start-up: attribution --help")
    assert summary[-1].startswith("machine: nproc=")


def _article(index: int) -> dict:
    """A short article with gold attributions a lexicon misses ("laid out", "pressed")."""
    first = f"Senator Ann Lee{index} laid out her plan to rebuild {index + 3} rural hospitals."
    second = "The governor pressed lawmakers to pass the budget before the recess."
    third = "She ate lunch at the capitol and then walked back to her office."
    text = f"{first} {second} {third}"

    def quote(content: str, speaker: str) -> dict:
        start = text.index(content)
        where = text.index(speaker)
        return {
            "speaker": speaker,
            "speaker_span": [where, where + len(speaker)],
            "content": content,
            "content_span": [start, start + len(content)],
            "type": "indirect",
        }

    quotes = [
        quote(f"her plan to rebuild {index + 3} rural hospitals", f"Ann Lee{index}"),
        quote("lawmakers to pass the budget before the recess", "The governor"),
    ]
    return {"id": f"a{index}", "text": text, "quotes": quotes}


def test_train_cues_fits_and_writes_weights_the_extractor_reads(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    benchlib.write_jsonl(gold, [_article(i) for i in range(12)])
    out = tmp_path / "weights.json"
    done = run([str(BENCH / "train-cues"), "--gold", str(gold), "--min-count", "1", "--out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "12 articles" in done.stdout and "five-fold cross-validated" in done.stdout
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["articles"] == 12 and record["positives"] >= 12
    assert record["command"].startswith("bench/train-cues --gold")
    weights = record["weights"]
    assert weights["lemma=lay"] > 0 and weights["lemma=press"] > 0  # the two cues it was shown
    assert weights["lemma=eat"] < 0  # "She ate lunch" is proposed too, and never an attribution


def test_train_cues_refuses_a_missing_gold_file(tmp_path: Path) -> None:
    done = run([str(BENCH / "train-cues"), "--gold", str(tmp_path / "absent.jsonl")], tmp_path)
    assert done.returncode == 2
    assert "gold file not found" in done.stderr


def _speech_article(index: int) -> dict:
    """A short article in the speech convention: one statement, one verb that only names its target."""
    first = f"The mayor{index} said the bridge would reopen in {index + 2} weeks."
    second = f"Councillors questioned the engineer{index} about the delays."
    text = f"{first} {second}"
    content = f"the bridge would reopen in {index + 2} weeks"
    start, where = text.index(content), text.index(f"mayor{index}")
    quote = {
        "speaker": f"The mayor{index}",
        "speaker_span": [where - 4, where + len(f"mayor{index}")],
        "content": content,
        "content_span": [start, start + len(content)],
        "type": "indirect",
    }
    return {"id": f"w{index}", "text": text, "quotes": [quote]}


def test_train_scorer_fits_and_writes_weights_the_scorer_reads(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    benchlib.write_jsonl(gold, [_speech_article(i) for i in range(10)])
    out = tmp_path / "scorer.json"
    done = run([str(BENCH / "train-scorer"), "--gold", str(gold), "--min-count", "1", "--out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "reliability (out of fold)" in done.stdout and "desk listing" in done.stdout
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["trained_on"] == "gold.jsonl" and 0.0 <= record["threshold"] <= 1.0
    weights = record["weights"]
    assert weights["rule=cue-ccomp"] > weights.get("rule=cue-prep", 0.0)  # said-clauses were right, the topic never


def test_train_scorer_refuses_a_missing_gold_file(tmp_path: Path) -> None:
    done = run([str(BENCH / "train-scorer"), "--gold", str(tmp_path / "absent.jsonl")], tmp_path)
    assert done.returncode == 2
    assert "gold file not found" in done.stderr
