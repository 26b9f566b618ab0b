"""The CLI's shared plumbing: one exit-code table (the README's is the same), every library
error mapped to a documented code, CSV through the export's cell rules, no SQL in the CLI,
and nothing of the library imported at start-up."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from attribution_cli import plumbing
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import errors
from attribution.export.cells import listing_csv

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "cli"


def _markdown_table(text: str) -> dict[int, str]:
    """The rows ``| code | meaning |`` of the first table after an "Exit codes" heading or line."""
    section = text.split("Exit codes", 1)[1]
    rows: dict[int, str] = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| (\d+) \| (.+) \|", line.strip())
        if match:
            rows[int(match.group(1))] = match.group(2)
        elif rows and not line.startswith("|"):
            break
    return rows


def test_the_readme_table_is_the_code_table() -> None:
    assert _markdown_table((REPO / "README.md").read_text(encoding="utf-8")) == plumbing.EXIT_CODES


def test_the_module_docstring_table_is_the_code_table() -> None:
    assert _markdown_table(plumbing.__doc__ or "") == plumbing.EXIT_CODES


def test_every_code_the_cli_uses_is_in_the_table() -> None:
    """The error map and the named codes only use documented codes, and no command module
    writes a bare exit number (they use the names, so a new code must be added to the table)."""
    from attribution.jobs import Terminated

    assert {code for _, _, code in plumbing.ERROR_CODES} <= set(plumbing.EXIT_CODES)
    assert Terminated.exit_code == plumbing.TERMINATED
    for path in sorted(CLI.glob("*.py")):
        if path.name in {"plumbing.py", "cluster_commands.py"}:  # cluster_commands: another engineer's for now
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            code = node.args[0] if name == "Exit" and node.args else node.args[1] if name == "fail" else None
            assert not isinstance(code, ast.Constant), f"{path.name}:{node.lineno}: a bare exit code"


# A real instance of every library error and the exit code it must give.
ERRORS = [
    (errors.PipelineNotFound("xx_missing"), 69),
    (errors.MissingDependency("lxml_html_clean", "HTML files"), 70),
    (errors.InputError("a.txt", "no such file or directory"), 66),
    (errors.InputRejected("b.bin", "binary"), 66),
    (errors.StoreError("database x.db: file is not a database"), 66),
    (errors.StoreError("database x.db: disk I/O error; nothing was written for a.txt"), 74),
    (errors.StoreError("database x.db: attempt to write a readonly database"), 74),
    (errors.DatabaseBusy("database x.db is busy; re-run"), 75),
    (errors.BackupRefused("copy.db already exists; choose a new file for the backup"), 73),
    (errors.ExportRefused("out.csv", "already exists"), 73),
    (errors.UnknownStatement("no statement with id 'ffff'"), 65),
    (errors.RetiredStatement("replaced by a re-extraction"), 65),
    (errors.UnknownSpeaker("2 speakers are called Lee"), 65),
    (errors.SpeakerDecisionError("A. Lee is already Ann Lee"), 65),
    (errors.InvalidNote("control character"), 2),
    (errors.InvalidCorrection("unknown quote type"), 2),
    (errors.WorkerExtractionError("a.txt: ValueError"), 70),
    (errors.DocumentTimeout("no result within 3 s"), 70),
    (errors.AttributionError("anything else"), 70),
]


@pytest.mark.parametrize(("error", "code"), ERRORS, ids=[type(e).__name__ + str(c) for e, c in ERRORS])
def test_each_library_error_gives_its_documented_code(error: Exception, code: int) -> None:
    assert plumbing.exit_code(error) == code
    assert code in plumbing.EXIT_CODES


def test_every_error_class_is_in_the_examples() -> None:
    classes = {c for c in vars(errors).values() if isinstance(c, type) and c.__module__ == errors.__name__}
    bases = {errors.Refused, errors.UnknownName, errors.InvalidValue, errors.OutputRefused}
    assert classes - bases == {type(e) for e, _ in ERRORS}


def test_the_error_context_prints_one_line_and_exits_with_the_code() -> None:
    import typer

    with pytest.raises(typer.Exit) as stopped, plumbing.errors(input_note="nothing was ingested"):
        raise errors.InputError("in/a\nb.txt", "no such file or directory")
    assert stopped.value.exit_code == 66


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("-3 percent", "'-3 percent"),
        ("@ana", "'@ana"),
        ("plain words", "plain words"),
        (-3, "-3"),  # a number is never a formula
        (0.25, "0.25"),
        (True, "1"),
        (False, "0"),
        (None, ""),
        (["a", "=b"], "a; =b"),  # joined, then guarded as one text (it starts with "a")
        (["=a", "b"], "'=a; b"),
    ],
)
def test_listing_csv_cells(value: object, cell: str) -> None:
    assert listing_csv([{"id": "x", "v": value}], ["id", "v"]) == f"id,v\r\nx,{cell}\r\n"


def test_the_cli_has_no_csv_writer_and_no_sql_of_its_own() -> None:
    for path in sorted(CLI.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "csv.writer" not in text and "FORMULA_PREFIXES" not in text, path.name
        assert ".execute(" not in text, path.name
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\s+\S", text), path.name


def test_starting_the_cli_imports_neither_the_library_nor_heavy_modules() -> None:
    probe = (
        "import json, sys; import attribution_cli.main; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'attribution', 'spacy', 'thinc', 'numpy', 'sqlite_utils', 'openpyxl', 'datasette', 'lxml', 'sqlite3'})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(done.stdout) == []


def test_the_status_and_kind_help_name_every_value() -> None:
    """The filter options' help is plain text (no library import at start-up); it must still
    name every review status and every --kind value the queries accept."""
    from attribution.queries import KIND_VALUES
    from attribution.schema import REVIEW_STATUSES

    text = CliRunner().invoke(app, ["quotes", "--help"], terminal_width=400).output
    status_help = text.split("--status", 1)[1].split("--since", 1)[0]
    kind_help = text.split("--kind", 1)[1].split("--status", 1)[0]
    assert all(status in status_help for status in REVIEW_STATUSES)
    assert all(re.search(rf"\b{value}\b", kind_help) for value in KIND_VALUES)


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["batch", "x.jsonl", "--out", "shards"], "distributed"),
        (["load", "shards"], "pyarrow"),
        (["serve"], "datasette"),
    ],
    ids=["batch", "load", "serve"],
)
def test_an_extra_not_installed_exits_69(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], module: str
) -> None:
    """An optional extra that is not installed is a service the command needs and cannot have:
    69, for the cluster extra as for Datasette (batch and load gave 70, 'internal error')."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.jsonl").write_text('{"id": "a", "text": "She said so."}\n', encoding="utf-8")
    (tmp_path / "shards").mkdir()
    monkeypatch.setitem(sys.modules, module, None)  # importing it now raises ImportError
    result = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "a.db")] if args[0] == "serve" else args)
    assert result.exit_code == 69, result.output
    assert "is not installed" in result.output and "Traceback" not in result.output
