"""The installation: requirements.lock covers what pyproject.toml asks for and what is installed,
and a package missing from the installation stops ingest/extract with one line and exit 70
instead of failing every HTML file as if the files were bad."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from attribution.errors import MissingDependency
from attribution.ingest import InputProblem, read_documents, require_readers

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")

PAGE = """<!DOCTYPE html><html><head><title>Storm hits coast</title></head><body><article>
<p>"The sea wall held," the mayor, Anna Berg, said on Tuesday. "We were lucky this time."</p>
<p>Officials said repairs would take weeks, according to the regional council.</p>
</article></body></html>"""

# Runs the CLI as a fresh interpreter in which lxml_html_clean cannot be imported, as on a
# machine where pip installed lxml 6 without it.
WITHOUT_LXML_HTML_CLEAN = (
    "import sys; sys.modules['lxml_html_clean'] = None; "
    "from attribution_cli.main import main; sys.argv[0] = 'attribution'; main()"
)


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _declared() -> list[Requirement]:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    return [Requirement(line) for line in lines]


def test_lock_pins_every_dependency_pyproject_names() -> None:
    pins = _pins()
    unpinned = sorted({r.name for r in _declared() if canonicalize_name(r.name) not in pins})
    assert not unpinned, f"not in requirements.lock (run scripts/lock and commit it): {unpinned}"
    outside = sorted(
        f"{r.name}=={pins[canonicalize_name(r.name)]} (pyproject: {r.specifier})"
        for r in _declared()
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    )
    assert not outside, f"lock pins versions pyproject.toml rules out (run scripts/lock): {outside}"


def test_lock_names_no_local_paths() -> None:
    text = LOCK.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(--find-links|-f |--index-url|-i |--extra-index-url)", text, re.MULTILINE)
    assert "file://" not in text and "/opt/" not in text


def _installed_closure(extras: tuple[str, ...]) -> dict[str, str]:
    """Installed name -> version of everything attribution[extras] pulls in, markers applied."""
    found: dict[str, str] = {}
    todo = [(canonicalize_name("attribution"), extras)]
    while todo:
        name, wanted = todo.pop()
        dist = metadata.distribution(name)
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": extra}) for extra in (*wanted, "")):
                continue
            child = canonicalize_name(requirement.name)
            if child not in found:
                found[child] = metadata.version(child)
                todo.append((child, tuple(requirement.extras)))
    return found


def test_installed_packages_are_the_locked_versions() -> None:
    """What the tests run with is what the lock installs elsewhere: same names, same versions."""
    pins = _pins()
    installed = _installed_closure(("test", "serve"))
    missing = sorted(name for name in installed if name not in pins)
    assert not missing, f"installed but not in requirements.lock (run scripts/lock): {missing}"
    differ = sorted(f"{n} {v} (lock {pins[n]})" for n, v in installed.items() if v != pins[n])
    assert not differ, f"installed versions differ from the lock (pip install -c requirements.lock -e .): {differ}"


def test_require_readers_names_the_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)
    require_readers(["text", "jsonl"])  # these kinds do not need it
    with pytest.raises(MissingDependency) as caught:
        require_readers(["html"])
    assert caught.value.package == "lxml_html_clean"
    assert "\n" not in str(caught.value) and "pip install -c requirements.lock" in str(caught.value)


def test_read_documents_probes_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text("The minister said it would work.", encoding="utf-8")
    (tmp_path / "mixed" / "deep").mkdir(parents=True)
    (tmp_path / "mixed" / "a.txt").write_text("Plain text.", encoding="utf-8")
    (tmp_path / "mixed" / "deep" / "page.html").write_text(PAGE, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)

    with pytest.raises(MissingDependency, match="lxml_html_clean"):
        read_documents([tmp_path / "mixed"])  # raised by the call itself, before any file is read
    items = list(read_documents([tmp_path / "plain"]))  # no HTML here: reading goes on
    assert [type(item).__name__ for item in items] == ["Document"]
    assert not any(isinstance(item, InputProblem) for item in items)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_LXML_HTML_CLEAN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_stops_with_exit_70_and_stores_nothing_when_html_support_is_missing(tmp_path: Path) -> None:
    from attribution.store import connect

    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "note.txt").write_text('The minister said the plan "will work".', encoding="utf-8")
    connect(tmp_path / "t.db").close()  # an existing, empty database: it must stay empty

    ingest = _cli("ingest", "note.txt", "page.html", "--db", "t.db", cwd=tmp_path)
    assert ingest.returncode == 70, ingest.stderr
    lines = ingest.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "lxml_html_clean" in lines[0]
    assert "pip install" in lines[0]
    assert ingest.stdout == ""  # no per-file table: the files are not the problem
    database = connect(tmp_path / "t.db", create=False)
    assert database.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert database.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    database.close()

    extract = _cli("extract", "page.html", cwd=tmp_path)
    assert extract.returncode == 70, extract.stderr
    assert extract.stdout == ""
    assert len(extract.stderr.strip().splitlines()) == 1 and "lxml_html_clean" in extract.stderr
