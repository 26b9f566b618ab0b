"""Stopping an ingest from outside: SIGTERM like Ctrl-C, and workers that die with their parent.

The signal is timed without any help from the code under test: the ingest's progress goes to a
pipe of one page that the test stops reading, so the ingest blocks on its progress output a few
documents later and cannot finish before the signal lands, however loaded the machine is.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attribution import parallel

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_08f2487d190f4389.txt"
CLI = [sys.executable, "-m", "attribution_cli.main"]
N_DOCS = 60
PIPE_BYTES = 4096  # one page: the smallest pipe Linux gives

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, sizes pipes")


def write_corpus(folder: Path, n: int = N_DOCS) -> list[Path]:
    """Short articles under long names, so n progress lines far exceed one pipe page."""
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()][1:]
    rng = random.Random(3)
    folder.mkdir()
    paths = []
    for i in range(n):
        body = "\n\n".join(rng.sample(paragraphs, 2))
        path = folder / f"doc-{i:03d}-{'x' * 180}.txt"
        path.write_text(
            f"date 2021-07-{1 + i % 28:02d} Story number {i} from the border.\n\n{body}\n", encoding="utf-8"
        )
        paths.append(path)
    return paths


class Ingest:
    """`attribution ingest` with its stderr on a small pipe read line by line."""

    def __init__(self, *args: str | Path) -> None:
        import fcntl

        read_end, write_end = os.pipe()
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.capacity = fcntl.fcntl(write_end, fcntl.F_GETPIPE_SZ)
        self.process = subprocess.Popen(
            [*CLI, "ingest", *[str(a) for a in args]], stdout=subprocess.PIPE, stderr=write_end, text=True
        )
        os.close(write_end)
        self.stderr = os.fdopen(read_end, "r", encoding="utf-8")

    def wait_for_progress(self, count: int) -> int:
        done = 0
        while done < count:
            line = self.stderr.readline()
            if not line:
                break
            if line.startswith("["):
                done += 1
        return done

    def finish(self, timeout: float = 120) -> tuple[int, str]:
        rest = self.stderr.read()
        self.stderr.close()
        self.process.communicate(timeout=timeout)
        return self.process.returncode, rest


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def runs(db: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT status, n_stored FROM runs ORDER BY started_at").fetchall()
    finally:
        conn.close()


def documents(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM documents WHERE complete = 1").fetchone()[0]
    finally:
        conn.close()


def test_sigterm_with_workers_keeps_finished_documents(tmp_path):
    """T75: SIGTERM mid-ingest with two workers: exit 143, no traceback, finished documents
    kept, the run `interrupted`, the workers gone; a re-run completes."""
    paths = write_corpus(tmp_path / "docs")
    db = tmp_path / "term.db"
    ingest = Ingest(tmp_path / "docs", "--db", db, "--workers", "2")
    line = len(f"[10] stored: {paths[0]} (1 statements, 1 claims)\n")
    assert (N_DOCS - 10) * line > 2 * ingest.capacity  # the ingest blocks well before the end
    assert ingest.wait_for_progress(5) == 5
    workers = children(ingest.process.pid)
    assert len(workers) >= 2
    ingest.process.send_signal(signal.SIGTERM)
    code, err = ingest.finish()
    assert code == 143, err
    assert "terminated:" in err and "documents committed" in err
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert wait_gone(workers, 5) == []
    stored = documents(db)
    assert 5 <= stored < N_DOCS
    assert runs(db) == [("interrupted", stored)]
    again = subprocess.run([*CLI, "ingest", tmp_path / "docs", "--db", db, "--quiet"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{N_DOCS - stored} stored, {stored} unchanged" in again.stdout
    assert [status for status, _ in runs(db)] == ["interrupted", "completed"]


def test_workers_die_with_a_killed_parent(tmp_path):
    """A SIGKILLed ingest leaves no worker behind, not even one busy on a long document, and
    its run reads `aborted` at the next start."""
    write_corpus(tmp_path / "docs", 40)
    # the second batch of 32 holds three long articles: some seconds of work for its worker
    # after the first batch's results have come back
    long = "\n\n".join([SEED.read_text(encoding="utf-8")] * 40)
    for k in range(3):
        (tmp_path / "docs" / f"doc-900-long-{k}.txt").write_text(f"Long story {k}.\n\n{long}", encoding="utf-8")
    db = tmp_path / "kill.db"
    ingest = Ingest(tmp_path / "docs", "--db", db, "--workers", "2")
    assert ingest.wait_for_progress(3) == 3
    workers = children(ingest.process.pid)
    assert len(workers) >= 2
    ingest.process.send_signal(signal.SIGKILL)
    code, err = ingest.finish()
    assert code == -signal.SIGKILL
    assert wait_gone(workers, 2) == []
    assert "Traceback" not in err
    assert runs(db)[0][0] == "running"  # nobody could write the end of a SIGKILLed run
    again = subprocess.run([*CLI, "ingest", tmp_path / "docs", "--db", db, "--quiet"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert [status for status, _ in runs(db)] == ["aborted", "completed"]


def test_worker_without_prctl_watches_its_parent(monkeypatch):
    """The portable fallback: a worker whose parent dies exits within a poll or two."""
    monkeypatch.setattr(parallel.sys, "platform", "other")
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # the parent-to-be of the worker
        try:
            os.close(read_end)
            me = os.getpid()
            worker = os.fork()
            if worker == 0:
                parallel._die_with_parent(me)
                time.sleep(30)
                os._exit(0)
            os.write(write_end, f"{worker}\n".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        worker = int(pipe.readline())
    os.waitpid(middle, 0)
    assert wait_gone([worker], 10 * parallel.PARENT_POLL_SECONDS) == []


def test_an_interrupt_during_a_commit_waits_until_it_is_counted():
    """Ctrl-C arriving between storing a document and counting it is raised only after both,
    so an interrupted run's n_stored matches its stored documents."""
    import os

    from attribution.jobs import interrupts_held

    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("stored")
            done.append("counted")
    assert done == ["stored", "counted"]
