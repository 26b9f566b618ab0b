"""Shared plumbing for the bench/ scripts: measuring child processes, corpora, tables.

Every measurement runs the command in a fresh process under a small wrapper process, which
reports the command's wall time and its peak RSS (``ru_maxrss`` of RUSAGE_CHILDREN): a
wrapper per run, so one run's peak never leaks into the next. This module never imports
``attribution`` at import time, so the scripts can re-exec under the project's virtualenv
first.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
DEV_JSONL = REPO.parent / "shared" / "eval" / "polnear-dev.jsonl"
REEXEC_MARK = "ATTRIBUTION_BENCH_REEXEC"
CACHE_DIR = Path(tempfile.gettempdir()) / "attribution-bench"
RESULTS_ENV = "ATTRIBUTION_BENCH_RESULTS"  # bench/all collects every targeted row here (JSON lines)

# --------------------------------------------------------------------------- environment


def use_project_python(script: str) -> None:
    """Re-run ``script`` under the repository's virtualenv when attribution (or its
    dependencies: a bare PYTHONPATH can expose the package without them) is not importable."""
    try:
        import spacy  # noqa: F401
        import sqlite_utils  # noqa: F401

        import attribution  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and not os.environ.get(REEXEC_MARK):
            os.environ[REEXEC_MARK] = "1"
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), script, *sys.argv[1:]])
        sys.exit(f"{Path(script).name}: cannot import attribution; install the project ({VENV_PYTHON})")


def python() -> str:
    """The interpreter that can import attribution (this one, after use_project_python)."""
    return sys.executable


def attribution_cli() -> list[str]:
    """The installed `attribution` entry point next to this interpreter (else on PATH)."""
    beside = Path(sys.executable).parent / "attribution"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("attribution")
    if found:
        return [found]
    return [sys.executable, "-m", "attribution_cli.main"]


def git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def commit_label() -> str:
    """HEAD, marked when the library or CLI have uncommitted changes (they change the figures)."""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no", "--", "attribution", "cli"):
        commit += " (+ uncommitted changes in attribution/ or cli/)"
    return commit


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def ram_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


STARTED_AT_COMMIT = commit_label()


def machine_line() -> str:
    """nproc, CPU model, RAM, load average and commit: the context every table needs."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    commit = commit_label()
    if commit != STARTED_AT_COMMIT:
        commit = f"{commit} (CHANGED during the run: started at {STARTED_AT_COMMIT})"
    return (
        f"machine: nproc={cores}, {cpu_model()}, {ram_gib():.1f} GiB RAM, load average {load};"
        f" python {sys.version.split()[0]}; commit {commit}"
    )


# --------------------------------------------------------------------------- measuring

WRAPPER = r"""
import json, resource, subprocess, sys, time
command, stdout_path, stderr_path = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
    started = time.perf_counter()
    code = subprocess.call(command, stdout=out, stderr=err)
    wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": code, "wall": wall, "maxrss_kb": usage.ru_maxrss,
                  "cpu": usage.ru_utime + usage.ru_stime}))
"""


@dataclass(frozen=True)
class Sample:
    """One run of one command: whole-process wall time (s), peak RSS (KiB), CPU time (s)."""

    wall: float
    maxrss_kb: int
    cpu: float


class BenchError(RuntimeError):
    """A measured command failed; the message carries its stderr tail."""


def measure(
    command: Sequence[str],
    *,
    stdout: str | os.PathLike[str] = os.devnull,
    ok_codes: Sequence[int] = (0,),
    env: dict[str, str] | None = None,
) -> Sample:
    """Run ``command`` in a fresh wrapper process; wall time and peak RSS of the command alone."""
    with tempfile.NamedTemporaryFile(prefix="attribution-bench-", suffix=".err", delete=False) as handle:
        stderr_path = handle.name
    try:
        done = subprocess.run(
            [python(), "-c", WRAPPER, json.dumps(list(command)), os.fspath(stdout), stderr_path],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"wrapper failed for {' '.join(command)}: {done.stderr.strip()[-2000:]}")
        result = json.loads(done.stdout)
        if result["rc"] not in ok_codes:
            tail = Path(stderr_path).read_text(encoding="utf-8", errors="replace")[-2000:]
            raise BenchError(f"exit {result['rc']} from {' '.join(command)}:\n{tail}")
        return Sample(result["wall"], int(result["maxrss_kb"]), result["cpu"])
    finally:
        os.unlink(stderr_path)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Series:
    """Samples of one variant, measured interleaved with the others."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    def rss_mib(self) -> list[float]:
        return [s.maxrss_kb / 1024 for s in self.samples]


def interleaved(
    variants: Sequence[tuple[str, Callable[[int], Sample]]], runs: int, *, log: bool = True
) -> list[Series]:
    """Run every variant once per round, ``runs`` rounds: load drift hits all variants alike."""
    series = [Series(name) for name, _ in variants]
    for round_no in range(runs):
        for (name, run), one in zip(variants, series, strict=True):
            sample = run(round_no)
            one.samples.append(sample)
            if log:
                print(
                    f"  run {round_no + 1}/{runs} {name}: {sample.wall:.3f} s,"
                    f" peak RSS {sample.maxrss_kb / 1024:.0f} MiB",
                    file=sys.stderr,
                    flush=True,
                )
    return series


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Row:
    """One line of a result table; ``ratio``/``target``/``met`` only on compared lines."""

    measure: str
    median: str
    runs: str
    ratio: str = ""
    target: str = ""
    met: bool | None = None


def seconds(values: Sequence[float]) -> tuple[str, str]:
    """(median, every run) formatted in seconds with precision that fits the size."""
    digits = 3 if median(values) < 10 else 1
    return f"{median(values):.{digits}f} s", " ".join(f"{v:.{digits}f}" for v in values)


def print_table(title: str, rows: Sequence[Row], notes: Sequence[str] = ()) -> None:
    """A fixed-column plain-text table, then notes and the machine line."""
    header = ("measure", "median", "runs", "ratio", "target", "result")
    cells = [header] + [
        (
            r.measure,
            r.median,
            r.runs,
            r.ratio,
            r.target,
            "" if r.met is None else ("met" if r.met else "MISSED"),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    print(f"== {title}")
    for i, line in enumerate(cells):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for note in notes:
        print(f"note: {note}")
    print(machine_line())
    sys.stdout.flush()
    results = os.environ.get(RESULTS_ENV)
    if results:
        with open(results, "a", encoding="utf-8") as handle:
            for r in rows:
                if r.met is not None:
                    handle.write(json.dumps({"table": title, **r.__dict__}, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- corpora

FIRST = ("Anna", "Marek", "Ingrida", "Tomas", "Laura", "Pavel", "Sofia", "Jonas", "Elena", "Viktor",
         "Maria", "Daniel", "Agnes", "Oskar", "Helena", "Rafael", "Nadia", "Stefan", "Irena", "Lukas")  # fmt: skip
LAST = ("Kowalski", "Simonyte", "Novak", "Petrov", "Lindqvist", "Moreau", "Bauer", "Horvath", "Rossi",
        "Jansen", "Varga", "Dumont", "Keller", "Silva", "Nielsen", "Popescu", "Weber", "Costa", "Fischer",
        "Marin", "Olsen", "Brennan", "Halloran", "Zielinski", "Tanaka")  # fmt: skip
ROLES = ("Foreign Minister", "Finance Minister", "Prime Minister", "spokeswoman", "spokesman",
         "Health Minister", "senator", "mayor", "chief economist", "union leader")  # fmt: skip
ORGS = ("the European Commission", "the World Bank", "the central bank", "Amnesty International",
        "the International Monetary Fund", "the Red Cross", "the transport ministry", "NATO",
        "the national statistics office", "the opposition Labour Party")  # fmt: skip
CITIES = ("Vilnius", "Brussels", "Warsaw", "Berlin", "Paris", "Madrid", "Rome", "Vienna", "Oslo", "Dublin")
TOPICS = ("the budget", "the border", "energy prices", "the new tax", "the railway project",
          "the election", "the trade deal", "housing", "the pension reform", "the hospital strike")  # fmt: skip
VERBS = ("said", "told reporters", "warned", "insisted", "argued", "added", "claimed", "noted")
ACTIONS = ("would not accept any delay on", "was ready to compromise on", "had never promised anything about",
           "would present a plan for", "expected a vote on", "rejected every criticism of")  # fmt: skip
CLAIMS = ("Unemployment rose to {n} percent last year, the highest level since {y}.",
          "The programme has cost taxpayers {n} million euros since {y}.",
          "More than {n},000 people crossed the border in {y}.",
          "Prices for electricity doubled between {y} and last year.",
          "The country spends {n} percent of its economic output on defence.")  # fmt: skip


def synthetic_article(number: int, seed: int = 7) -> dict[str, str]:
    """One deterministic, unique news-like article (~200 words) with quotes of every kind."""
    rng = random.Random(seed * 1_000_003 + number)
    a = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    b = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    role_a, role_b = rng.choice(ROLES), rng.choice(ROLES)
    org, org2 = rng.choice(ORGS), rng.choice(ORGS)
    city, topic, topic2 = rng.choice(CITIES), rng.choice(TOPICS), rng.choice(TOPICS)
    n, y = rng.randint(2, 95), rng.randint(1990, 2022)
    claim = rng.choice(CLAIMS).format(n=n, y=y)
    claim2 = rng.choice(CLAIMS).format(n=rng.randint(2, 95), y=rng.randint(1990, 2022))
    day = rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
    surname_a, surname_b = a.split()[-1], b.split()[-1]
    paragraphs = [
        f"Bulletin {number}: {city} divided over {topic}",
        f"{city.upper()} (Reuters) - {role_a.capitalize()} {a} said on {day} that the government"
        f" {rng.choice(ACTIONS)} {topic}.",
        f"\u201cWe have waited {n} months for an answer. Nobody in this city believes the promises any more,\u201d"
        f" {surname_a} {rng.choice(VERBS)} at a press conference.",
        claim,
        f"According to {org}, {topic2} will cost about {rng.randint(2, 900)} million euros over the next decade.",
        f"\u201cThis is not the time for half measures,\u201d said {b}, a {role_b} at {org2}. \u201cThe people"
        f" who pay for {topic} deserve a straight answer.\u201d",
        f"{surname_b} added that the plan for {topic2} was {rng.choice(('unrealistic', 'overdue', 'a good start'))}"
        f" and that officials had ignored warnings from {y}.",
        claim2,
        f"Officials familiar with the talks said a decision on {topic} was unlikely before {rng.choice(CITIES)}"
        f" hosts the summit in {rng.choice(('March', 'June', 'October'))}.",
    ]
    return {
        "id": f"bench-{seed}-{number:07d}",
        "title": paragraphs[0],
        "published": f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "text": "\n\n".join(paragraphs),
    }


def synthetic_articles(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    for number in range(count):
        yield synthetic_article(number, seed)


def dev_articles(path: Path = DEV_JSONL) -> list[dict[str, str]]:
    """The dev texts (id, text) as they are; the file itself is never copied into the repo."""
    with path.open(encoding="utf-8") as handle:
        return [{"id": r["id"], "text": r["text"]} for r in map(json.loads, filter(str.strip, handle))]


def repeated_dev_articles(count: int, path: Path = DEV_JSONL) -> Iterator[dict[str, str]]:
    """``count`` unique texts cycling over the dev set (a copy number line keeps each text distinct)."""
    base = dev_articles(path)
    for number in range(count):
        record = base[number % len(base)]
        yield {"id": f"{record['id']}#copy{number}", "text": f"Copy {number}.\n\n{record['text']}"}


def write_jsonl(path: Path, records: Iterator[dict[str, str]] | Sequence[dict[str, str]]) -> int:
    """Write records one per line; return how many."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def word_count(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(len(json.loads(line)["text"].split()) for line in handle if line.strip())


def scratch_dir(prefix: str) -> Path:
    """A fresh temporary directory (removed by the caller with shutil.rmtree)."""
    return Path(tempfile.mkdtemp(prefix=f"attribution-bench-{prefix}-"))


# --------------------------------------------------------------------------- database contents

VOLATILE_COLUMNS = frozenset({"run_id", "ingested_at", "first_seen_at", "extracted_at", "retired_run_id", "created_at"})
CONTENT_TABLES = (
    "documents", "document_sources", "organisations", "speakers", "speaker_aliases", "statements",
    "statement_links", "reviews",
)  # fmt: skip


def content_dump(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the content tables, ordered, without timestamps and run ids."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        dump: dict[str, list[tuple[object, ...]]] = {}
        for table in CONTENT_TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
            kept = ", ".join(f"[{c}]" for c in columns if c not in VOLATILE_COLUMNS)
            if kept:
                dump[table] = conn.execute(f"SELECT {kept} FROM [{table}] ORDER BY {kept}").fetchall()
        return dump
    finally:
        conn.close()


def dump_digest(dump: dict[str, list[tuple[object, ...]]]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for table in sorted(dump):
        digest.update(f"\x1e{table}\x1e".encode())
        for row in dump[table]:
            digest.update(json.dumps(row, ensure_ascii=False, default=str).encode("utf-8"))
    return digest.hexdigest()


def dump_difference(a: dict[str, list[tuple[object, ...]]], b: dict[str, list[tuple[object, ...]]]) -> str:
    """A one-line account of how two dumps differ (row counts per table)."""
    parts = []
    for table in sorted(set(a) | set(b)):
        rows_a, rows_b = set(a.get(table, [])), set(b.get(table, []))
        if rows_a != rows_b:
            parts.append(f"{table}: {len(rows_a - rows_b)} rows only in one, {len(rows_b - rows_a)} only in the other")
    return "; ".join(parts) or "same rows"
