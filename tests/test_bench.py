"""The benchmark scripts run on a tiny corpus and print their tables.

Never timed: the figures belong in bench/README.md, not in assertions. Each script runs
with --quick as a subprocess, its caches in a temporary directory.
"""

from __future__ import annotations

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
