"""Reviewer decisions about speakers (merge, split, rename, alias add/remove) through the CLI,
on real extraction of short articles; each must survive `reextract --all`, a re-extraction by
a new extractor version, a registry rebuild and the ingest of another article."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import store

runner = CliRunner()
ARTICLES = {
    "a.txt": "Budget talks stall\n\nSenator Ann Lee said on Monday that the budget would pass before the recess.\n",
    "b.txt": 'Senate vote delayed\n\n"We will not accept these cuts," A. Lee, the senator, said on Tuesday.\n',
    "d.txt": "Lobby group speaks\n\nAnn M. Lee, a lobbyist in Ohio, said the bill was a mistake.\n",
}
THIRD = "Lee speaks again\n\nAnn Lee told reporters that the vote would be held next week.\n"


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def ok(*args: str | Path) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def db(tmp_path: Path) -> Path:
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "s.db"
    ok("ingest", tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "d.txt", "--db", path)
    return path


def sources(db: Path, speaker: str) -> list[str]:
    return sorted(
        r["source"].rsplit("/", 1)[-1]
        for r in json.loads(ok("quotes", "--speaker", speaker, "--db", db, "--format", "json"))
    )


def speakers(db: Path) -> dict[str, dict]:
    return {r["name"]: r for r in json.loads(ok("speakers", "--db", db, "--format", "json"))}


def history(db: Path, name: str) -> list[dict]:
    return json.loads(ok("speakers", "show", name, "--db", db, "--format", "json"))["decisions"]


def survive(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything that rebuilds or rewrites speaker rows: reextract --all, a re-extraction by
    a new extractor version (new statement ids), a registry rebuild on connect, a new article."""
    ok("reextract", "--all", "--db", db)
    import attribution.extract
    import attribution.jobs

    for module in (attribution.extract, attribution.jobs, store):
        monkeypatch.setattr(module, "EXTRACTOR_VERSION", "test-bump")
    report = json.loads(ok("reextract", "--db", db, "--json"))
    assert report["added"] >= 3 and report["retired"] >= 3
    raw = sqlite3.connect(db)
    raw.execute("DELETE FROM registry")
    raw.commit()
    raw.close()
    store.connect(db).close()  # the stale registry is rebuilt here
    (tmp_path / "c.txt").write_text(THIRD, encoding="utf-8")
    ok("ingest", tmp_path / "c.txt", "--db", db)


def test_merge_finds_both_and_survives(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sources(db, "A. Lee") == ["b.txt"]
    out = ok(
        "speakers", "merge", "Senator Ann Lee", "A. Lee", "--db", db, "--reviewer", "kim", "--note", "same senator"
    )
    assert "merged A. Lee into Ann Lee by kim: same senator" in out
    assert sources(db, "A. Lee") == sources(db, "Ann Lee") == ["a.txt", "b.txt", "d.txt"]
    assert "A. Lee" not in speakers(db)
    before = history(db, "A. Lee")
    table = ok("speakers", "show", "Ann Lee", "--db", db)
    assert "history" in table and "merged A. Lee into Ann Lee by kim: same senator" in table
    survive(db, tmp_path, monkeypatch)
    assert sources(db, "A. Lee") == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert "A. Lee" not in speakers(db)
    assert history(db, "Ann Lee") == before  # byte for byte
    assert "merged A. Lee into Ann Lee by kim: same senator" in ok("speakers", "show", "Ann Lee", "--db", db)


def test_rename_shows_the_new_name_and_survives(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 'Annabel Lee' sorts after 'Ann Lee', so the registry's own choice of name would undo it
    ok("speakers", "rename", "Ann Lee", "Annabel Lee", "--db", db)
    assert "Annabel Lee" in speakers(db) and "Ann Lee" not in speakers(db)
    assert sources(db, "Annabel Lee") == sources(db, "Ann Lee") == ["a.txt", "d.txt"]
    before = history(db, "Annabel Lee")
    assert [d["summary"] for d in before] == ["renamed Ann Lee to Annabel Lee"]
    survive(db, tmp_path, monkeypatch)
    assert "Annabel Lee" in speakers(db) and "Ann Lee" not in speakers(db)
    assert sources(db, "Annabel Lee") == ["a.txt", "c.txt", "d.txt"]
    assert history(db, "Ann Lee") == before


def test_rename_to_a_name_taken_is_refused(db: Path) -> None:
    result = invoke("speakers", "rename", "Ann Lee", "A. Lee", "--db", db)
    assert result.exit_code == 65 and "merge them instead" in result.output


def test_alias_add_and_remove(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sources(db, "Annie") == []
    ok("speakers", "alias", "add", "Ann Lee", "Annie", "--db", db, "--reviewer", "kim")
    assert sources(db, "Annie") == ["a.txt", "d.txt"]
    assert "Annie" in speakers(db)["Ann Lee"]["aliases"]
    ok("speakers", "alias", "add", "A. Lee", "Senator Lee", "--db", db)
    ok("speakers", "alias", "remove", "A. Lee", "Senator Lee", "--db", db)
    survive(db, tmp_path, monkeypatch)
    assert sources(db, "Annie") == ["a.txt", "c.txt", "d.txt"]
    assert "Senator Lee" not in speakers(db)["A. Lee"]["aliases"]
    assert [d["summary"] for d in history(db, "A. Lee")] == [
        "added alias Senator Lee to A. Lee",
        "removed alias Senator Lee from A. Lee",
    ]
    result = invoke("speakers", "alias", "remove", "Ann Lee", "Nobody", "--db", db)
    assert result.exit_code == 65 and "not an alias" in result.output


def test_split_a_merged_speaker_back_out(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok("speakers", "merge", "Ann Lee", "A. Lee", "--db", db)
    ok("speakers", "split", "Ann Lee", "--alias", "A. Lee", "--db", db)
    assert sources(db, "A. Lee") == ["b.txt"]
    survive(db, tmp_path, monkeypatch)
    assert sources(db, "A. Lee") == ["b.txt"]
    assert [d["action"] for d in history(db, "A. Lee")] == ["merge", "split"]


def test_split_one_spelling_into_its_own_speaker(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sources(db, "Ann Lee") == ["a.txt", "d.txt"]  # the initial folds away: one identity
    out = ok("speakers", "split", "Ann Lee", "--alias", "Ann M. Lee", "--db", db, "--note", "the lobbyist")
    assert "split Ann M. Lee from Ann Lee" in out
    assert sources(db, "Ann Lee") == ["a.txt"]
    assert speakers(db)["Ann M. Lee"]["n_statements"] == 1
    before = history(db, "Ann M. Lee")
    survive(db, tmp_path, monkeypatch)
    assert sources(db, "Ann Lee") == ["a.txt", "c.txt"]
    assert speakers(db)["Ann M. Lee"]["n_statements"] == 1
    assert history(db, "Ann M. Lee") == history(db, "Ann Lee") == before


def test_split_of_the_speakers_own_name_is_refused(db: Path) -> None:
    result = invoke("speakers", "split", "Ann Lee", "--alias", "Ann Lee", "--db", db)
    assert result.exit_code == 65 and "own name" in result.output


def test_speakers_named_by_id_prefix_and_ambiguity(db: Path) -> None:
    rows = speakers(db)
    ann, other = rows["Ann Lee"]["id"], rows["A. Lee"]["id"]
    ok("speakers", "merge", ann[:8], other, "--db", db)
    assert sources(db, "A. Lee") == ["a.txt", "b.txt", "d.txt"]
    (db.parent / "e.txt").write_text("Costs\n\nRepresentative Bo Lee said the plan was far too costly.\n")
    ok("ingest", db.parent / "e.txt", "--db", db)
    result = invoke("speakers", "rename", "Lee", "X", "--db", db)  # a surname two people share
    assert result.exit_code == 65 and "2 speakers" in result.output
    assert invoke("speakers", "rename", "nosuch", "X", "--db", db).exit_code == 65  # data error (was 1)
    assert invoke("speakers", "merge", "Ann Lee", "--db", db).exit_code == 2  # usage


def test_decisions_are_append_only(db: Path) -> None:
    ok("speakers", "alias", "add", "Ann Lee", "Annie", "--db", db)
    raw = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE speaker_decisions SET note = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM speaker_decisions")
    raw.close()


def test_decision_json_output(db: Path) -> None:
    row = json.loads(ok("speakers", "alias", "add", "Ann Lee", "Annie", "--db", db, "--format", "json"))
    assert row["action"] == "alias_add" and row["subjects"]["alias"] == "Annie" and row["id"] == 1


def test_a_renamed_name_yields_to_a_speaker_of_that_name_ingested_later(db: Path) -> None:
    ok("speakers", "rename", "A. Lee", "Bo Lee", "--db", db)
    assert sources(db, "Bo Lee") == ["b.txt"]
    (db.parent / "e.txt").write_text("Costs\n\nRepresentative Bo Lee said the plan was far too costly.\n")
    ok("ingest", db.parent / "e.txt", "--db", db)  # no UNIQUE(name, kind) failure
    rows = speakers(db)
    assert rows["Bo Lee"]["n_statements"] == 1 and rows["A. Lee"]["n_statements"] == 1
    assert "Bo Lee" not in rows["A. Lee"]["aliases"]
    assert sources(db, "Bo Lee") == ["e.txt"]
    assert [d["summary"] for d in history(db, "A. Lee")] == ["renamed A. Lee to Bo Lee"]


def test_a_reviewers_decision_is_not_a_change_that_needs_rereview(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = json.loads(ok("quotes", "--speaker", "Lee", "--db", db, "--format", "json", "--attributions", "all"))
    for row in rows:
        ok("review", row["id"], "--status", "verified", "--db", db)
    ok("speakers", "merge", "Ann Lee", "A. Lee", "--db", db)
    ok("speakers", "split", "Ann Lee", "--alias", "Ann M. Lee", "--db", db)
    import attribution.extract
    import attribution.jobs

    for module in (attribution.extract, attribution.jobs, store):
        monkeypatch.setattr(module, "EXTRACTOR_VERSION", "test-bump")
    report = json.loads(ok("reextract", "--db", db, "--json"))
    assert report["relinked"] == len(rows) == 3 and report["needs_rereview"] == 0
    assert speakers(db)["Ann M. Lee"]["n_statements"] == 1 and sources(db, "A. Lee") == ["a.txt", "b.txt"]
