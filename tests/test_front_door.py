"""The package's front door: the README's Python example runs as written, and the functions
it names are the package's public API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import attribution

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it from Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs_and_finds_the_seed_speaker(tmp_path: Path) -> None:
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    done = subprocess.run(
        [sys.executable, "-c", readme_example()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("direct Anne Hidalgo \u201cWe will not back down,\u201d")
    assert lines[-1].endswith("statements by Lukashenka") and not lines[-1].startswith("0 ")


def test_every_name_of_the_front_door_is_there_and_lazy() -> None:
    probe = "import attribution, sys; print('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"
    for name in attribution.__all__:
        assert getattr(attribution, name) is not None, name
    assert callable(attribution.extract_text) and callable(attribution.ingest_paths)


def test_extract_text_takes_a_users_own_pipeline(nlp) -> None:
    extraction = attribution.extract_text("The senator said the bill was dead on arrival.", nlp=nlp)
    assert [(s.speaker.name, s.content.text) for s in extraction.statements] == [
        ("The senator", "the bill was dead on arrival")
    ]
