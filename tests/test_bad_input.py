"""Bad input never costs the batch: loops, FIFOs, hostile file names, duplicate JSONL ids,
and the documented exit codes.

The CLI tests swap the spaCy extractor for a stub (ingest_paths' ``extractor`` argument), so
they exercise reading, storing and reporting in well under a second each.
"""

from __future__ import annotations

import functools
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import anchoring, jobs, store
from attribution.ingest import InputProblem, read_documents
from attribution.models import Document, Extraction

ARTICLE = '"We will rebuild the bridge by spring," the mayor said on Tuesday.\n'
runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def stub_extractor(documents: Iterable[Document]) -> Iterator[Extraction]:
    for document in documents:
        yield Extraction(document, (), ())


@pytest.fixture
def stub_ingest(monkeypatch: pytest.MonkeyPatch) -> None:
    """`attribution ingest` without loading spaCy: the CLI looks ingest_paths up at call time."""
    monkeypatch.setattr(jobs, "ingest_paths", functools.partial(jobs.ingest_paths, extractor=stub_extractor))


def good_files(folder: Path, names: Iterable[str] = ("a.txt", "b.txt", "c.txt")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, name in enumerate(names):
        path = folder / name
        path.write_text(ARTICLE.replace("spring", f"spring {i}"), encoding="utf-8")
        paths.append(path)
    return paths


def split(results: Iterable[Document | InputProblem]) -> tuple[list[Document], list[InputProblem]]:
    documents, problems = [], []
    for result in results:
        (documents if isinstance(result, Document) else problems).append(result)
    return documents, problems


def db_rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def assert_clean(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


# --------------------------------------------------------------------------- exit codes (item 16)


def _unprivileged() -> list[str] | None:
    """A command prefix under which file permissions apply: none needed for a normal user;
    for root, setpriv without the capabilities that bypass them."""
    import shutil

    if os.name != "posix":
        return None
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


def test_unreadable_path_argument_exits_66_not_usage_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """an unreadable input path is 66 for ingest and extract (typer called it a usage error, 2)."""
    secret = tmp_path / "secret.txt"
    secret.write_text(ARTICLE, encoding="utf-8")
    secret.chmod(0)
    real_access = os.access

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if os.fspath(path) == str(secret) and mode & os.R_OK:
            return False  # what a non-root user sees; root reads anything
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    for args in (("ingest", secret, "--db", tmp_path / "x.db"), ("extract", secret)):
        result = invoke(*args)
        assert result.exit_code == 66, (args, result.output)
        assert "secret.txt: permission denied" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert_clean(result)
    assert not (tmp_path / "x.db").exists()


def test_path_argument_that_cannot_be_looked_up_exits_66(tmp_path: Path) -> None:
    """A name too long for the filesystem, or a looping link, is an unreadable path: 66, no traceback."""
    too_long = tmp_path / ("x" * 300 + ".txt")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop.name)
    for path in (too_long, loop):
        for args in (("ingest", path, "--db", tmp_path / "x.db"), ("extract", path)):
            result = invoke(*args)
            assert result.exit_code == 66, (args, result.output)
            assert len(result.stderr.strip().splitlines()) == 1
            assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()


def seeded_db(tmp_path: Path) -> Path:
    db = tmp_path / "seed.db"
    database = store.connect(db)
    run_id = store.start_run(database, "ingest")
    store.store_extraction(database, Extraction(Document(id="a", text=ARTICLE, source="a.txt"), (), ()), run_id)
    store.finish_run(database, run_id, "completed", {})
    database.close()
    return db


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc, where no file can be created")
def test_backup_that_cannot_be_written_exits_74(tmp_path: Path) -> None:
    """a backup target SQLite cannot create is an I/O error, 74 (was 70, 'internal')."""
    db = seeded_db(tmp_path)
    result = invoke("backup", "/proc/attribution-backup.db", "--db", db)
    assert result.exit_code == 74, result.output
    assert "cannot write the backup" in result.stderr and "Traceback" not in result.output
    assert not Path("/proc/attribution-backup.db").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc, where no file can be created")
def test_database_that_cannot_be_created_exits_74(tmp_path: Path, stub_ingest: None) -> None:
    """SQLite's "unable to open database file" is an I/O error, 74 (was 1, undocumented)."""
    (article,) = good_files(tmp_path / "in", ["a.txt"])
    result = invoke("ingest", article, "--db", "/proc/attribution-test.db", "--quiet")
    assert result.exit_code == 74, result.output
    assert "unable to open database file" in result.stderr and "Traceback" not in result.output


@pytest.mark.skipif(_unprivileged() is None, reason="needs a non-root user or util-linux setpriv")
def test_backup_into_a_read_only_folder_exits_74(tmp_path: Path) -> None:
    """A real process whose permissions apply: the folder refuses the copy, exit 74, nothing left."""
    prefix = _unprivileged() or []
    db = seeded_db(tmp_path)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if subprocess.run([*prefix, "touch", str(folder / "probe")], capture_output=True).returncode == 0:
            pytest.skip("permissions are not enforced here")
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "attribution_cli.main", "backup", str(folder / "copy.db"), "--db", str(db)],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
    finally:
        folder.chmod(0o755)
    assert done.returncode == 74, done.stderr
    assert "cannot write the backup" in done.stderr and "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []


# --------------------------------------------------------------------------- symlink loops (item 10)


def test_symlink_loop_is_one_rejected_entry_beside_good_files(tmp_path: Path) -> None:
    """`ln -sfn loopdir loop1/loopdir` beside three good files cost the whole folder."""
    folder = tmp_path / "loop1"
    good_files(folder)
    (folder / "loopdir").symlink_to("loopdir")  # a link to itself
    documents, problems = split(read_documents([folder]))
    assert [d.id for d in documents] == ["a", "b", "c"]
    assert problems == [InputProblem(str(folder / "loopdir"), "rejected", "symbolic link loop")]


def test_file_loop_and_folder_self_loop_are_rejected_entries(tmp_path: Path) -> None:
    """a file loop (x -> y -> x) and a folder linked to its own ancestor; nothing else is lost."""
    folder = tmp_path / "news"
    good_files(folder, ["a.txt"])
    good_files(folder / "sub", ["b.txt"])
    (folder / "x.txt").symlink_to("y.txt")
    (folder / "y.txt").symlink_to("x.txt")
    (folder / "sub" / "up").symlink_to("..")
    (folder / "self").symlink_to(".")
    documents, problems = split(read_documents([folder]))
    assert [d.id for d in documents] == ["a", "sub/b"]
    assert [(Path(p.source).relative_to(folder).as_posix(), p.status) for p in problems] == [
        ("self", "rejected"),
        ("sub/up", "rejected"),
        ("x.txt", "rejected"),
        ("y.txt", "rejected"),
    ]
    assert all("symbolic link loop" in p.reason for p in problems)


def test_symlinked_folder_outside_the_tree_is_reported_not_followed(tmp_path: Path) -> None:
    good_files(tmp_path / "elsewhere", ["far.txt"])
    folder = tmp_path / "news"
    good_files(folder, ["a.txt"])
    (folder / "link").symlink_to(tmp_path / "elsewhere")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    documents, problems = split(read_documents([folder]))
    assert [d.id for d in documents] == ["a"]
    assert [(Path(p.source).name, p.status, p.reason) for p in problems] == [
        ("gone.txt", "rejected", "broken symbolic link"),
        ("link", "skipped", "symbolic link to a folder (not followed)"),
    ]


def test_ingest_of_a_folder_with_a_loop_stores_every_good_file(tmp_path: Path, stub_ingest: None) -> None:
    folder = tmp_path / "loop1"
    good_files(folder)
    (folder / "loopdir").symlink_to("loopdir")
    db = tmp_path / "loop.db"
    result = invoke("ingest", folder, "--db", db, "--quiet")
    assert result.exit_code == 65, result.output
    assert "symbolic link loop" in result.stdout and "3 stored" in result.stdout
    assert len(db_rows(db, "SELECT id FROM documents")) == 3
    assert db_rows(db, "SELECT status FROM runs") == [("completed_with_errors",)]


# --------------------------------------------------------------------------- FIFOs, sockets, devices (item 11)

READ_IN_A_CHILD = textwrap.dedent(
    """
    import sys
    from attribution.ingest import read_documents
    for item in read_documents(sys.argv[1:]):
        print(getattr(item, "status", "ok"), getattr(item, "reason", ""), sep="|")
    """
)


def read_in_a_child(*paths: Path) -> list[str]:
    """Read in a child process with a deadline: the bug this guards against blocks forever in open()."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", READ_IN_A_CHILD, *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading blocked (a FIFO was opened)")
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_argument_is_rejected_without_opening_it(tmp_path: Path) -> None:
    """a FIFO argument blocked in open() for ever; now refused by its mode, never opened."""
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    assert read_in_a_child(fifo) == ["rejected|not a regular file (a FIFO)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(socket, "AF_UNIX"), reason="needs FIFOs and sockets")
def test_fifo_socket_and_device_inside_a_folder_are_rejected_by_name(tmp_path: Path) -> None:
    """special files in a folder were silently omitted; each is now a named rejection."""
    folder = tmp_path / "news"
    good_files(folder, ["a.txt", "z.txt"])
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe-without-suffix")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "s.sock"))
        if os.path.exists("/dev/null"):
            (folder / "null.txt").symlink_to("/dev/null")
        results = read_documents([folder])
        documents, problems = split(results)
    finally:
        server.close()
    assert [d.id for d in documents] == ["a", "z"]
    reasons = {Path(p.source).name: (p.status, p.reason) for p in problems}
    assert reasons.pop("pipe.txt") == ("rejected", "not a regular file (a FIFO)")
    assert reasons.pop("pipe-without-suffix") == ("rejected", "not a regular file (a FIFO)")
    assert reasons.pop("s.sock") == ("rejected", "not a regular file (a socket)")
    if os.path.exists("/dev/null"):
        assert reasons.pop("null.txt") == ("rejected", "not a regular file (a character device)")
    assert reasons == {}


@pytest.mark.skipif(not os.path.exists("/dev/null") or not hasattr(socket, "AF_UNIX"), reason="needs /dev/null")
def test_device_and_socket_arguments_are_rejected(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "feed.jsonl"))
        device, sock = read_documents(["/dev/null", tmp_path / "feed.jsonl"])
    finally:
        server.close()
    assert device == InputProblem("/dev/null", "rejected", "not a regular file (a character device)")
    assert sock == InputProblem(str(tmp_path / "feed.jsonl"), "rejected", "not a regular file (a socket)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_file_swapped_for_a_fifo_after_the_check_is_still_never_waited_on(tmp_path: Path) -> None:
    """The open itself never blocks: a FIFO that appears between the name check and open() is refused."""
    from attribution import ingest
    from attribution.errors import InputRejected

    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputRejected, match="a FIFO"):
        ingest._open_input(fifo)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_ingest_with_a_fifo_argument_finishes_its_run(tmp_path: Path, stub_ingest: None) -> None:
    """the run row was left 'running' behind a blocked open(); now the FIFO is one rejection."""
    good = good_files(tmp_path / "in", ["a.txt"])
    fifo = tmp_path / "in" / "feed.txt"
    os.mkfifo(fifo)
    stop = threading.Event()

    def unblock() -> None:  # if the reader did block, let it go so the test fails instead of hanging
        if not stop.wait(30):
            with open(fifo, "wb"):
                pass

    watchdog = threading.Thread(target=unblock, daemon=True)
    watchdog.start()
    db = tmp_path / "fifo.db"
    try:
        result = invoke("ingest", good[0], fifo, "--db", db, "--quiet")
    finally:
        stop.set()
    assert result.exit_code == 65, result.output
    assert "not a regular file (a FIFO)" in result.stdout
    assert db_rows(db, "SELECT status FROM runs") == [("completed_with_errors",)]
    assert len(db_rows(db, "SELECT id FROM documents")) == 1


# --------------------------------------------------------------------------- hostile file names (item 15)

FORGED = "a\nstored  forged.txt  9 statements, 9 claims\nb.txt"
REVERSED = "news-\u202etxt.exe"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a filesystem that accepts newlines in names")
def test_file_names_with_newlines_and_rtl_overrides_are_printed_escaped(tmp_path: Path, stub_ingest: None) -> None:
    """a newline in a name forged a line of the outcome table; U+202E reversed the rest of a line."""
    folder = tmp_path / "in"
    good_files(folder, [FORGED, REVERSED + ".txt", "binary\u2066.txt"])
    (folder / "binary\u2066.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = invoke("ingest", folder, "--db", tmp_path / "names.db")
    assert result.exit_code == 65, result.output
    for stream in (result.stdout, result.stderr):
        assert "\u202e" not in stream and "\u2066" not in stream
    table = result.stdout.splitlines()
    assert len(table) == 1 + 3 + 1  # header, one line per input, totals
    assert not any(line.startswith("stored  forged.txt") for line in table)
    assert "a\\x0astored  forged.txt  9 statements, 9 claims\\x0ab.txt" in result.stdout
    assert "news-\\u202etxt.exe.txt" in result.stdout and "binary\\u2066.txt" in result.stdout
    progress = result.stderr.splitlines()
    assert len(progress) == 3 and all(line.startswith("[") for line in progress)


@pytest.mark.skipif(sys.platform != "linux", reason="needs a filesystem that accepts newlines in names")
def test_error_lines_escape_file_names(tmp_path: Path) -> None:
    """the one-line error for a missing path, and extract's per-file problem lines."""
    missing = tmp_path / "gone\nerror: all good.txt"
    for args in (("ingest", missing, "--db", tmp_path / "x.db"), ("extract", missing)):
        result = invoke(*args)
        assert result.exit_code == 66
        assert result.stderr.count("\n") == 1 and "gone\\x0aerror: all good.txt" in result.stderr
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{REVERSED}.txt").write_bytes(bytes(range(32)) * 4)
    result = invoke("extract", folder)
    assert result.exit_code == 65
    assert result.stderr.splitlines() == [f"rejected: {folder}/news-\\u202etxt.exe.txt: binary file (NUL bytes)"]


def test_printable_escapes_controls_bidi_and_undecodable_bytes() -> None:
    from attribution.ingest import printable

    assert printable("plain — ‘quoted’ text") == "plain — ‘quoted’ text"
    assert printable("a\nb\rc\td\x1b[31m") == "a\\x0ab\\x0dc\\x09d\\x1b[31m"
    assert printable("\u202eabc\u2066\u200f\u2028\x85") == "\\u202eabc\\u2066\\u200f\\u2028\\x85"
    assert printable("caf" + os.fsdecode(b"\xe9")) == "caf\\xe9"


# --------------------------------------------------------------------------- duplicate JSONL ids (item 14)


def dump(path: Path, *records: tuple[str, str]) -> Path:
    import json

    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in records), encoding="utf-8")
    return path


def test_duplicate_jsonl_id_with_another_text_is_reported_and_kept_apart(tmp_path: Path) -> None:
    """the second text under one id became a new version of the first."""
    feed = dump(tmp_path / "feed.jsonl", ("a", ARTICLE), ("b", ARTICLE + "More.\n"), ("a", "Another story.\n"))
    first, other, second = read_documents([feed])
    assert (first.id, other.id, second.id) == ("a", "b", "a (line 3)")
    assert first.warnings == () and other.warnings == ()
    assert second.warnings == ("duplicate id 'a' (line 1 has another text under it); kept apart as 'a (line 3)'",)
    assert anchoring.version_key(first) != anchoring.version_key(second)


def test_the_same_record_twice_is_not_renamed(tmp_path: Path) -> None:
    feed = dump(tmp_path / "feed.jsonl", ("a", ARTICLE), ("a", ARTICLE))
    assert [(d.id, d.warnings) for d in read_documents([feed])] == [("a", ()), ("a", ())]


def test_ingest_keeps_duplicate_id_documents_apart(tmp_path: Path, stub_ingest: None) -> None:
    """both articles stored, neither a version of the other, no 'source changed'; the table says why."""
    feed = dump(tmp_path / "feed.jsonl", ("a", ARTICLE), ("b", ARTICLE + "More.\n"), ("a", "Another story.\n"))
    db = tmp_path / "dup.db"
    result = invoke("ingest", feed, "--db", db, "--quiet")
    assert result.exit_code == 0, result.output
    assert "3 stored" in result.stdout
    (line,) = [line for line in result.stdout.splitlines() if "feed.jsonl:3" in line]
    assert "duplicate id 'a'" in line and "kept apart as 'a (line 3)'" in line
    rows = db_rows(db, "SELECT external_id, previous_id FROM documents ORDER BY external_id")
    assert rows == [("a", None), ("a (line 3)", None), ("b", None)]
    again = invoke("ingest", feed, "--db", db, "--quiet")
    assert again.exit_code == 0 and "0 stored, 3 unchanged" in again.stdout
    assert len(db_rows(db, "SELECT id FROM documents")) == 3


def test_json_summary_carries_the_duplicate_id_warning(tmp_path: Path, stub_ingest: None) -> None:
    import json

    feed = dump(tmp_path / "feed.jsonl", ("a", ARTICLE), ("a", "Another story.\n"))
    result = invoke("ingest", feed, "--db", tmp_path / "dup.db", "--quiet", "--json-summary")
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)["inputs"]
    assert "warnings" not in first
    assert second["warnings"] == ["duplicate id 'a' (line 1 has another text under it); kept apart as 'a (line 2)'"]


@pytest.mark.skipif(sys.platform != "linux", reason="needs a filesystem that accepts newlines in names")
def test_extract_reports_duplicate_ids_and_prints_names_escaped(tmp_path: Path) -> None:
    """For `extract` (the real pipeline): ids kept apart, the warning on stderr, table lines escaped."""
    import json

    feed = dump(tmp_path / "feed.jsonl", ("a", ARTICLE), ("a", ARTICLE.replace("mayor", "governor")))
    result = invoke("extract", feed)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "a (line 2)"]
    assert result.stderr.splitlines() == [
        f"warning: {feed}:2: duplicate id 'a' (line 1 has another text under it); kept apart as 'a (line 2)'"
    ]
    (named,) = good_files(tmp_path / "in", ["x\n# forged\u202e.txt"])
    table = invoke("extract", named, "--format", "table")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].startswith("# x # forged\\u202e  published=")  # one line
    assert "\u202e" not in table.stdout and not any(line.startswith("# forged") for line in table.stdout.splitlines())


def test_ctrl_c_during_extract_and_backup_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C is 130 with a line saying what was kept (typer exits 130 silently)."""
    import attribution.extract

    def interrupted(*args: object, **kwargs: object) -> Iterator[Extraction]:
        raise KeyboardInterrupt
        yield  # a generator, like the real one

    monkeypatch.setattr(attribution.extract, "extract_documents", interrupted)
    (article,) = good_files(tmp_path / "in", ["a.txt"])
    result = invoke("extract", article)
    assert result.exit_code == 130 and "interrupted" in result.stderr

    def backup(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    db = seeded_db(tmp_path)
    monkeypatch.setattr(store, "backup", backup)
    result = invoke("backup", tmp_path / "copy.db", "--db", db)
    assert result.exit_code == 130 and "no backup was written" in result.stderr


@pytest.mark.skipif(_unprivileged() is None, reason="needs a non-root user or util-linux setpriv")
def test_unreadable_path_exits_66_as_a_real_process(tmp_path: Path) -> None:
    """As a subprocess: `chmod 000` on the argument gave typer's usage error, exit 2."""
    prefix = _unprivileged() or []
    secret = tmp_path / "secret.txt"
    secret.write_text(ARTICLE, encoding="utf-8")
    secret.chmod(0)
    probe = subprocess.run([*prefix, "cat", str(secret)], capture_output=True, timeout=30)
    if probe.returncode == 0:
        pytest.skip("permissions are not enforced here")
    for args in (["ingest", str(secret), "--db", str(tmp_path / "x.db")], ["extract", str(secret)]):
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "attribution_cli.main", *args],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 66, (args, done.stderr)
        assert done.stderr.strip().endswith("permission denied" if args[0] == "extract" else "nothing was ingested")
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()
