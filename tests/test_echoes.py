"""Echoes: one remark reported by several documents (normalising, linking, groups, store, CLI).

The sentence pairs are written for these tests: two outlets' renderings of one remark, and
look-alikes that share words but are not one remark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import store_helpers as h
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import echoes, store
from attribution.extract import extract_documents
from attribution.jobs import reextract
from attribution.models import Document, Extraction, Speaker, SpeakerKind
from attribution.schema import migrations

runner = CliRunner()

# --------------------------------------------------------------------------- normalising

NORMALISED = [
    ("\u201cWe won\u2019t pay for it,\u201d", "we wont pay for it"),
    ('"We won\'t pay for it."', "we wont pay for it"),
    ("It is a long road \u2014 a very long road", "it is a long road a very long road"),
    ("ISIS\u2019s best recruiter", "isis best recruiter"),
    ("ISIS' best recruiter", "isis best recruiter"),
    ("not me, not Bill [Clinton], nobody", "not me not bill nobody"),
    ("Lukashenka\u2019s regime in Minsk", "lukashenka regime in minsk"),
    ("Gabrielius Landsbergis, Lithuania\u2019s minister", "gabrielius landsbergis lithuania minister"),
    ("Calder\u00f3n   said\n\nit", "calderon said it"),
    ("the U.S.-Mexico border", "the u s mexico border"),
]


@pytest.mark.parametrize(("text", "expected"), NORMALISED)
def test_normalise(text: str, expected: str) -> None:
    assert echoes.normalise(text) == expected


ECHO_WORDS = [
    # a mixed quote is linked by what it quotes, not by the reporter's paraphrase around it
    (
        "that the bloc must act \u201cbefore the winter comes to the border\u201d",
        "before the winter comes to the border",
    ),  # noqa: E501
    ("he promised ''a wall that nobody will climb'' within a year", "a wall that nobody will climb"),
    # too little quoted: the whole statement
    ('that the plan was "dead" and would not come back', "that the plan was dead and would not come back"),
    ("the border will stay closed until further notice", "the border will stay closed until further notice"),
]


@pytest.mark.parametrize(("text", "expected"), ECHO_WORDS)
def test_echo_words(text: str, expected: str) -> None:
    assert " ".join(echoes.echo_words(text)) == expected


WINNOWED = [
    # a shared run of WINNOW + SHINGLE_WORDS - 1 words always shares a stored shingle
    (
        "We have talked for weeks and the border will stay closed until the end of August whatever Minsk says",
        "the border will stay closed until the end",
    ),
    (
        "the border will stay closed until the end of August",
        "As the minister put it on Monday, the border will stay closed until the end of August, and that is that",
    ),
]


@pytest.mark.parametrize(("stored", "arriving"), WINNOWED)
def test_an_excerpt_finds_the_stored_statement(stored: str, arriving: str) -> None:
    assert echoes.indexed_shingles(echoes.words(stored)) & echoes.shingles(echoes.words(arriving))
    assert echoes.indexed_shingles(echoes.words(arriving)) & echoes.shingles(echoes.words(stored))
    long = echoes.words(WINNOWED[1][1])
    assert len(echoes.indexed_shingles(long)) < len(echoes.shingles(long))


# --------------------------------------------------------------------------- linking two reports

PAIRS = [
    # same: quotation marks, apostrophes, case and punctuation differ
    (
        "\u201cWe won\u2019t let anyone use migrants as a weapon against Europe,\u201d",
        '"We won\'t let anyone use migrants as a weapon against Europe."',
        "same",
    ),
    ("THE BORDER WILL STAY CLOSED UNTIL AUGUST.", "the border will stay closed until August", "same"),
    # contains: one outlet prints an excerpt
    (
        "\u201cThe border will stay closed until the end of August, and then we will see what Minsk does.\u201d",
        "\u201cThe border will stay closed until the end of August,\u201d",
        "contains",
    ),
    (
        "We are ready to help Lithuania with guards, with money and with equipment.",
        "with guards, with money and with equipment",
        "contains",
    ),
    # contains: two overlapping excerpts of one passage, no word changed
    (
        "We have talked for weeks. The border will stay closed until the end of August, whatever Minsk says",
        "The border will stay closed until the end of August, whatever Minsk says, and we will not apologise",
        "contains",
    ),
    # variant: a word changed, added or dropped
    (
        "When refugees are used as a political weapon, we must act together as a union.",
        "When migrants are used as a political weapon, we must act together as a union.",
        "variant",
    ),
    (
        "We have come a long way in the last nine months of this campaign.",
        "We have come a pretty long way in the last nine months of this campaign.",
        "variant",
    ),
    (
        "We are going to put a lot of coal miners and coal companies out of business.",
        "We are going to put a lot of coal companies and coal miners out of business.",
        "variant",
    ),
    # look-alikes: a stock phrase inside two different remarks
    (
        "This man is totally unqualified to be president of the United States of America.",
        "I know him well, and I can promise you he will never be president of the United States.",
        None,
    ),
    (
        "The European Union must stand together against the regime in Minsk and its sponsors.",
        "The European Union must spend more on farmers in the east and on its railways.",
        None,
    ),
    (
        "It is going to be a very long and difficult winter for everyone at the border.",
        "Nobody knows what is going to be decided in Brussels next week about the quotas.",
        None,
    ),
    # too short to say anything
    ("We will act.", "We will act.", None),
]


@pytest.mark.parametrize(("first", "second", "expected"), PAIRS)
def test_link_kind(first: str, second: str, expected: str | None) -> None:
    link = echoes.link_kind(echoes.echo_words(first), echoes.echo_words(second))
    assert (link.kind if link else None) == expected
    reverse = echoes.link_kind(echoes.echo_words(second), echoes.echo_words(first))
    assert (reverse.kind if reverse else None) == expected


CHANGES = [
    (
        "When refugees are used as a political weapon, we must act together.",
        "When migrants are used as a political weapon, we must act together.",
        ["refugees -> migrants"],
    ),
    (
        "We have come a long way in the last nine months of this campaign.",
        "We have come a pretty long way in the last nine months of this campaign.",
        ["+pretty"],
    ),
    (
        "I say with confidence there has never been a man or a woman more qualified than her",
        "I say with confidence there has never been a man or a woman, not me, more qualified than her",
        ["+not me"],
    ),
]


@pytest.mark.parametrize(("first", "second", "expected"), CHANGES)
def test_variant_word_changes(first: str, second: str, expected: list[str]) -> None:
    link = echoes.link_kind(echoes.words(first), echoes.words(second))
    assert link is not None and link.kind == "variant"
    assert [change.render() for change in link.changes] == expected


SPEAKERS = [
    ("s1", "s1", False, True),
    ("s1", "s2", False, False),
    (None, "s2", False, True),
    (None, None, False, True),
    # a short shared phrase is one remark only when one resolved speaker said both
    ("s1", "s1", True, True),
    (None, "s1", True, False),
    (None, None, True, False),
]


@pytest.mark.parametrize(("first", "second", "short", "expected"), SPEAKERS)
def test_compatible_speakers(first, second, short, expected) -> None:
    assert echoes.compatible_speakers(first, second, short=short) is expected


WINDOWS = [
    (("2021-07-12", "2021-07-12"), ("2021-07-14", "2021-07-14"), 30, True),
    (("2021-01-01", "2021-01-01"), ("2021-07-14", "2021-07-14"), 30, False),
    (("2021-05-01", "2021-05-31"), ("2021-07-12", "2021-07-12"), 60, True),  # said in May, reported in July
    (("2021-05-01", "2021-05-31"), ("2021-07-12", "2021-07-12"), 30, False),
    ((None, None), ("2021-07-12", "2021-07-12"), 30, True),  # undated: never out of the window
]


@pytest.mark.parametrize(("first", "second", "days", "expected"), WINDOWS)
def test_within_window(first, second, days, expected) -> None:
    assert echoes.within_window(first, second, days) is expected
    assert echoes.within_window(second, first, days) is expected


def test_said_range_falls_back_to_publication() -> None:
    assert echoes.said_range("2021-05-01", "2021-05-31", "2021-07-12") == ("2021-05-01", "2021-05-31")
    assert echoes.said_range(None, "2021-07-12", "2021-07-12") == ("2021-07-12", "2021-07-12")
    assert echoes.said_range(None, None, "2021-07-12T08:00:00") == ("2021-07-12", "2021-07-12")


# --------------------------------------------------------------------------- the store

REMARK = "When refugees are used as a political weapon, we must act together as a union."
REPORTS = [
    (
        "herald",
        "2021-07-12",
        f'Minister warns on border.\n\nLithuanian Foreign Minister Gabrielius Landsbergis said: "{REMARK}"\n\n'
        "He spoke in Brussels.",
    ),
    (
        "courier",
        "2021-07-13",
        "Vilnius asks Brussels for help.\n\n\u201cWhen refugees are used as a political weapon, we must act,\u201d"
        " Landsbergis told reporters.\n\nThe EU is considering sanctions.",
    ),
    (
        "post",
        "2021-07-14",
        "Border crisis deepens.\n\n\u201cWhen migrants are used as a political weapon, we must act together as a"
        " union,\u201d Gabrielius Landsbergis said.\n\nFrontex sent officers.",
    ),
]


@pytest.fixture(scope="module")
def extractions() -> list[Extraction]:
    documents = [
        Document(id=name, text=text, source=f"{name}.txt", published=published, publisher=name.title())
        for name, published, text in REPORTS
    ]
    return list(extract_documents(documents))


@pytest.fixture(params=["recent", "merged"])
def merging(request, monkeypatch) -> str:
    """Each store test runs twice: with every posting still recent (the default for a few
    documents), and with recent postings merged into the shingle index after every document."""
    if request.param == "merged":
        monkeypatch.setattr(echoes, "MERGE_MIN", 1)
    return request.param


@pytest.fixture
def database(tmp_path: Path, extractions: list[Extraction], merging: str):
    db = store.connect(tmp_path / "echoes.db")
    run = store.start_run(db, "ingest")
    for extraction in extractions:
        store.store_extraction(db, extraction, run)
    yield db
    db.close()


def _group(db) -> dict:
    groups = echoes.echo_groups(db)
    assert len(groups) == 1, groups
    return groups[0]


def test_three_outlets_quoting_one_remark_are_one_group(database) -> None:
    group = _group(database)
    assert group["speaker"] == "Gabrielius Landsbergis"
    assert group["outlets"] == ["Courier", "Herald", "Post"]
    assert group["first_appearance"]["published"] == "2021-07-12"
    assert group["first_appearance"]["outlet"] == "Herald"
    links = {s["outlet"]: s["link"] for s in group["statements"]}
    assert links == {"Herald": "same", "Courier": "contains", "Post": "variant"}
    post = next(s for s in group["statements"] if s["outlet"] == "Post")
    assert post["changes"] == [{"old": "refugees", "new": "migrants"}]
    assert post["misquote_candidate"] is True  # a direct quote with a word changed
    assert [s["misquote_candidate"] for s in group["statements"]].count(True) == 1


def test_echoes_of_a_statement_is_its_group(database) -> None:
    group = _group(database)
    for statement in group["statements"]:
        assert echoes.echoes_of(database, statement["id"]) == group
    other = database.execute("SELECT id FROM statements WHERE content LIKE '%considering%'").fetchone()
    lonely = database.execute(
        "SELECT id FROM statements WHERE id NOT IN (SELECT first_id FROM echo_links)"
        " AND id NOT IN (SELECT second_id FROM echo_links)"
    ).fetchone()
    assert echoes.echoes_of(database, (other or lonely)[0]) is None


def test_reextract_keeps_the_group(database) -> None:
    before = _group(database)
    report = reextract(database, all=True, extractor_version="echo-test-2")
    assert report.documents == 3
    after = _group(database)
    assert [(s["outlet"], s["link"], s["content"]) for s in after["statements"]] == [
        (s["outlet"], s["link"], s["content"]) for s in before["statements"]
    ]
    current = {row[0] for row in database.execute("SELECT id FROM statements WHERE current = 1")}
    assert {s["id"] for s in after["statements"]} <= current


def test_a_statement_retired_by_reextraction_leaves_its_group(database, extractions) -> None:
    post = extractions[2]
    dropped = Extraction(post.document, (), published=post.published, extractor_version="echo-test-2")
    store.apply_reextraction(database, dropped, None)
    group = _group(database)
    assert sorted(s["outlet"] for s in group["statements"]) == ["Courier", "Herald"]
    retired = database.execute("SELECT id FROM statements WHERE document_id = ?", [post.document.sha256]).fetchall()
    for (sid,) in retired:
        assert not database.execute(
            "SELECT 1 FROM echo_links WHERE first_id = ? OR second_id = ?", [sid, sid]
        ).fetchone()
        assert not database.execute("SELECT 1 FROM echo_statements WHERE statement_id = ?", [sid]).fetchone()


def _article(name: str, published: str, content: str, speaker: Speaker | None) -> Extraction:
    text = f"Report from {name}.\n{content} said the speaker.\n"
    statement = h.statement(text, content, speaker, mention=speaker.name if speaker else None)
    doc = Document(id=name, text=text, source=f"{name}.txt", publisher=name)
    return Extraction(doc, (statement,), published=published, extractor_version="1")


QUOTE = '"We will keep the border closed until the end of August, whatever Minsk says,"'
OFFICIALS = Speaker("officials", SpeakerKind.UNNAMED)


@pytest.mark.parametrize(
    ("first", "second", "linked"),
    [
        (h.LANDSBERGIS, h.LANDSBERGIS, True),
        (h.LANDSBERGIS, h.LEGGERI, False),  # the same words from another speaker: another remark
        (h.LANDSBERGIS, OFFICIALS, True),  # an unnamed source may be the named one
    ],
)
def test_links_need_compatible_speakers(tmp_path: Path, first, second, linked: bool) -> None:
    db = store.connect(tmp_path / "speakers.db")
    for name, published, speaker in (("one", "2021-07-12", first), ("two", "2021-07-13", second)):
        store.store_extraction(db, _article(name, published, QUOTE, speaker), None)
    assert db.execute("SELECT count(*) FROM echo_links").fetchone()[0] == 1  # the words match either way
    assert len(echoes.echo_groups(db)) == (1 if linked else 0)
    db.close()


def test_a_new_version_of_an_article_replaces_the_old_one_in_its_group(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "versions.db")
    first = _article("one", "2021-07-12", QUOTE, h.LANDSBERGIS)
    url = "https://example.org/border"
    first = Extraction(
        Document(id="one", text=first.document.text, source="one.txt", publisher="one", url=url),
        first.statements,
        published="2021-07-12",
        extractor_version="1",
    )
    store.store_extraction(db, first, None)
    store.store_extraction(db, _article("two", "2021-07-13", QUOTE, h.LANDSBERGIS), None)
    text = first.document.text.replace("Report from one.", "Report from one (updated).")
    statement = h.statement(text, QUOTE, h.LANDSBERGIS, mention=h.LANDSBERGIS.name)
    newer = Extraction(
        Document(id="one", text=text, source="one.txt", publisher="one", url=url),
        (statement,),
        published="2021-07-12",
        extractor_version="1",
    )
    store.store_extraction(db, newer, None)
    (group,) = echoes.echo_groups(db)
    assert sorted(s["document_id"] for s in group["statements"]) == sorted(
        [newer.document.sha256, _article("two", "2021-07-13", QUOTE, None).document.sha256]
    )
    db.close()


def test_reports_far_apart_in_time_are_not_linked(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "window.db")
    store.store_extraction(db, _article("one", "2019-01-10", QUOTE, h.LANDSBERGIS), None)
    store.store_extraction(db, _article("two", "2021-07-13", QUOTE, h.LANDSBERGIS), None)
    assert echoes.echo_groups(db) == []
    db.close()


def test_only_the_latest_postings_of_a_shingle_are_read_and_late_reports_still_link(
    tmp_path: Path, monkeypatch, merging: str
) -> None:
    monkeypatch.setattr(echoes, "POSTING_CAP", 1)  # each report of the remark meets only the one before it
    db = store.connect(tmp_path / "latest.db")
    names = ("one", "two", "three", "four")
    for day, name in enumerate(names, start=12):
        store.store_extraction(db, _article(name, f"2021-07-{day}", QUOTE, h.LANDSBERGIS), None)
    postings = db.execute(
        "SELECT min(c) FROM (SELECT count(*) AS c FROM"
        " (SELECT shingle, n FROM echo_shingles UNION ALL SELECT shingle, n FROM echo_recent) GROUP BY shingle)"
    ).fetchone()
    assert postings[0] == 4  # every report is stored under every shingle of the remark
    documents = {
        row[0]: row[1]
        for row in db.execute("SELECT s.id, d.source FROM statements s JOIN documents d ON d.id = s.document_id")
    }
    links = {
        tuple(sorted((documents[a], documents[b]))) for a, b in db.execute("SELECT first_id, second_id FROM echo_links")
    }
    assert links == {("one.txt", "two.txt"), ("three.txt", "two.txt"), ("four.txt", "three.txt")}  # the latest only
    (group,) = echoes.echo_groups(db)
    assert group["n_statements"] == 4  # the chain holds every report
    db.close()


@pytest.mark.parametrize(("misses", "linked"), [(1, False), (2, True)])
def test_candidates_are_aligned_until_a_few_miss(
    tmp_path: Path, monkeypatch, merging: str, misses: int, linked: bool
) -> None:
    monkeypatch.setattr(echoes, "MISS_CAP", misses)
    db = store.connect(tmp_path / "misses.db")
    # both share four shingles with the report; the look-alike is older, so it is aligned first, in vain
    store.store_extraction(
        db, _article("alike", "2021-07-10", '"We will keep the border closed, he said to nobody"', None), None
    )
    store.store_extraction(
        db, _article("excerpt", "2021-07-11", '"the end of August, whatever Minsk"', h.LANDSBERGIS), None
    )
    store.store_extraction(db, _article("report", "2021-07-12", QUOTE, h.LANDSBERGIS), None)
    documents = {
        row[0]: row[1]
        for row in db.execute("SELECT s.id, d.source FROM statements s JOIN documents d ON d.id = s.document_id")
    }
    links = {
        tuple(sorted((documents[a], documents[b]))) for a, b in db.execute("SELECT first_id, second_id FROM echo_links")
    }
    assert links == ({("excerpt.txt", "report.txt")} if linked else set())
    db.close()


def test_a_statement_looked_up_in_several_queries_counts_its_shingles_across_them(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(echoes, "MERGE_MIN", 1)  # every posting merged: read from the index
    monkeypatch.setattr(echoes, "_CHUNK", 1)  # one shingle per query, as a very long quote would need
    db = store.connect(tmp_path / "chunks.db")
    store.store_extraction(
        db, _article("one", "2021-07-12", '"We will keep the border closed until August"', None), None
    )
    store.store_extraction(db, _article("two", "2021-07-13", QUOTE, None), None)  # 11 shingles: needs 2 shared, has 5
    assert db.execute("SELECT count(*) FROM echo_links").fetchone()[0] == 1
    db.close()


def test_recent_postings_are_merged_in_bulk_and_still_found(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(echoes, "MERGE_MIN", 2)  # merged once two statements are recent
    db = store.connect(tmp_path / "merge.db")
    for day, name in enumerate(("one", "two"), start=12):
        store.store_extraction(db, _article(name, f"2021-07-{day}", QUOTE, h.LANDSBERGIS), None)
    assert db.execute("SELECT count(*) FROM echo_recent").fetchone()[0] == 0  # both merged after the second
    merged = db.execute("SELECT count(*) FROM echo_shingles").fetchone()[0]
    assert merged > 0
    store.store_extraction(db, _article("three", "2021-07-14", QUOTE, h.LANDSBERGIS), None)
    assert db.execute("SELECT count(*) FROM echo_recent").fetchone()[0] > 0  # the third waits for the next merge
    assert echoes.echo_groups(db)[0]["n_statements"] == 3
    db.close()


def test_postings_stored_by_another_connection_are_found(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    first = store.connect(path)
    store.store_extraction(
        first, _article("zero", "2021-07-11", '"Nothing at all in common with the rest here."', None), None
    )
    second = store.connect(path)
    store.store_extraction(second, _article("one", "2021-07-12", QUOTE, h.LANDSBERGIS), None)
    second.close()
    store.store_extraction(first, _article("two", "2021-07-13", QUOTE, h.LANDSBERGIS), None)
    assert echoes.echo_groups(first)[0]["n_statements"] == 2  # "two" met "one", stored by the other connection
    first.close()


def test_a_rolled_back_change_leaves_the_recent_postings_as_stored(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "rollback.db")
    one = _article("one", "2021-07-12", QUOTE, h.LANDSBERGIS)
    store.store_extraction(db, one, None)
    with pytest.raises(RuntimeError), store.write_transaction(db):
        echoes.forget_document(db, one.document.sha256)  # drops its postings, then fails
        raise RuntimeError("interrupted")
    assert db.execute("SELECT count(*) FROM echo_recent").fetchone()[0] > 0  # rolled back
    store.store_extraction(db, _article("two", "2021-07-13", QUOTE, h.LANDSBERGIS), None)
    assert echoes.echo_groups(db)[0]["n_statements"] == 2  # the postings the failed change dropped are found
    db.close()


def test_speaker_filter_and_variants_only(database) -> None:
    assert len(echoes.echo_groups(database, speaker="Landsbergis")) == 1
    assert echoes.echo_groups(database, speaker="Leggeri") == []
    assert len(echoes.echo_groups(database, variants_only=True)) == 1


def test_migration_indexes_statements_stored_before_it(tmp_path: Path, extractions) -> None:
    path = tmp_path / "old.db"
    db = store.connect(path, migrate_schema=False)
    with store.write_transaction(db):
        migrations.apply(db, stop_before="m009_echoes")
        db.execute("PRAGMA user_version = 8")
    for extraction in extractions:
        store.store_extraction(db, extraction, None)
    db.close()
    db = store.connect(path)
    assert len(_group(db)["statements"]) == 3
    db.close()


# --------------------------------------------------------------------------- CLI


def _stored(tmp_path: Path, extractions) -> Path:
    path = tmp_path / "cli.db"
    db = store.connect(path)
    for extraction in extractions:
        store.store_extraction(db, extraction, None)
    db.close()
    return path


def test_cli_echoes_json_shape(tmp_path: Path, extractions) -> None:
    path = _stored(tmp_path, extractions)
    result = runner.invoke(app, ["echoes", "--db", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    assert isinstance(groups, list) and len(groups) == 1
    for statement in groups[0]["statements"]:
        assert {"id", "document_id", "content", "published", "link"} <= set(statement)
        assert statement["link"] in echoes.LINK_KINDS
    assert groups[0]["first_appearance"]["published"] == "2021-07-12"


def test_cli_echoes_table(tmp_path: Path, extractions) -> None:
    path = _stored(tmp_path, extractions)
    result = runner.invoke(app, ["echoes", "--db", str(path), "--variants-only"])
    assert result.exit_code == 0, result.output
    assert "Gabrielius Landsbergis: first 2021-07-12 in Herald; 3 statements in 3 outlets" in result.stdout
    assert "[refugees -> migrants]  misquote candidate" in result.stdout
    result = runner.invoke(app, ["echoes", "--db", str(path), "--speaker", "Leggeri"])
    assert result.exit_code == 0 and result.stdout.strip() == "no echoes found"


def test_cli_quotes_json_carries_the_echo_group(tmp_path: Path, extractions) -> None:
    path = _stored(tmp_path, extractions)
    result = runner.invoke(app, ["quotes", "--db", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    grouped = [row for row in rows if row["echo_group"]]
    assert len(grouped) == 3
    assert {row["echo_group"]["id"] for row in grouped} == {grouped[0]["echo_group"]["id"]}
    assert {row["echo_group"]["link"] for row in grouped} == {"same", "contains", "variant"}
    assert all(row["echo_group"] is None for row in rows if row not in grouped)


def test_cli_echoes_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["echoes", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 66
    result = runner.invoke(app, ["echoes", "--db", str(tmp_path / "missing.db"), "--format", "csv"])
    assert result.exit_code == 2


# --------------------------------------------------------------------------- bench

BENCH = Path(__file__).resolve().parents[1] / "bench" / "echoes"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=600, check=False)


def test_bench_exits_2_without_the_eval_files(tmp_path: Path) -> None:
    done = _bench("--eval", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "is missing" in done.stderr


@pytest.mark.skipif(not (EVAL / "polnear-train.jsonl").exists(), reason="../shared/eval is not here")
def test_bench_prints_linking_and_scaling() -> None:
    done = _bench("--scale", "300")
    assert done.returncode == 0, done.stderr
    assert "precision" in done.stdout and "recall" in done.stdout
    assert "linking time at scale" in done.stdout
    assert "300" in done.stdout
