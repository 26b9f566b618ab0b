"""Speaker identity across the corpus: the key rules, the alias file, surname attachment, and
the seed plus a second article about the same man under another spelling, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import store_helpers as h
from attribution_cli.main import app
from typer.testing import CliRunner

from attribution import identity, store
from attribution.models import Document, Extraction, Speaker, SpeakerKind
from attribution.queries import speaker_rows, statement_rows

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

SAME = [
    ("Donald J. Trump", "Donald Trump"),
    ("President Donald Trump", "Donald Trump"),
    ("Donald Trump's", "Donald Trump"),
    ("donald trump", "Donald Trump"),
    ("Crooked Hillary Clinton", "Hillary Clinton"),
    ("Ingrida Šimonytė", "Ingrida Simonyte"),
    ("Mr. Landsbergis", "Landsbergis"),
    ("Alexander Lukashenko", "Alyaksandr Lukashenka"),
    ("Aleksandr Lukashenko", "Alyaksandr Lukashenka"),
    ("Lukashenko", "Lukashenka"),
    ("Svetlana Tikhanovskaya", "Svyatlana Tsikhanouskaya"),
    ("Tikhanovskaya", "Tsikhanouskaya"),
    ("Volodymyr Zelensky", "Volodymyr Zelenskyy"),
    ("Volodymyr Zelenskiy", "Volodymyr Zelenskyy"),
    ("Zelensky", "Zelenskyy"),
    ("William Clinton", "Bill Clinton"),
    ("PENCE", "Pence"),
    ("Obama Says", "Obama"),
    ("Trump Says He Never", "Trump"),  # a headline's verb ends the name, whatever follows it
    ("Ted Cruz Refuses", "Ted Cruz"),  # "Ted Cruz Refuses to Disavow Lindsey Graham Endorsement"
    ("Clinton Wades", "Clinton"),  # "Clinton Wades In: Urges Britain to Remain ..."
    ("Glenn Beck Blasts Drudge", "Glenn Beck"),
    ("Trump May Not Have", "Trump"),  # "Trump May Not Have Suggested A Muslim Registry, ..."
    ("Endorsed Trump", "Trump"),  # "Right After This Big-Name Senator Endorsed Trump, ..."
    ("Joseph Biden Jr.", "Joe Biden"),  # the alias file: a suffix he is rarely written with
    ("John Ellis Bush", "Jeb Bush"),  # the alias file: the given names his nickname is made of
    ("\u2015 Mike Pence", "Mike Pence"),
]
DIFFERENT = [
    ("Donald Trump", "Donald Trump Jr."),
    ("Donald Trump", "Melania Trump"),
    ("Joe Biden", "Hunter Biden"),
    ("Donald Trump", "Trump"),  # a bare surname attaches only through the corpus (tier 3)
    ("Lukashenka", "Lukashenkov"),  # similar spelling alone never merges
    ("Zelenskyy", "Zelenska"),
    ("Hillary Clinton", "Bill Clinton"),
    ("Pence", "Spence"),
    ("Theresa May", "Theresa"),  # a modal ends a name only before "Not"
    ("Michelle Fields", "Michelle"),  # a surname that is a verb form of no headline verb
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_names_that_share_an_identity(a: str, b: str) -> None:
    assert identity.identity_key(a, "person") == identity.identity_key(b, "person")


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_names_that_stay_apart(a: str, b: str) -> None:
    assert identity.identity_key(a, "person") != identity.identity_key(b, "person")


def test_kinds_are_part_of_the_identity() -> None:
    assert store.speaker_id("Lithuania", "government") != store.speaker_id("Lithuania", "organisation")
    assert identity.identity_key("NATO", "organisation") == "nato"
    assert identity.resolve("NATO", "organisation").name == "NATO"  # capitals kept outside people
    assert identity.identity_key("I.R.S.", "organisation") == identity.identity_key("IRS", "organisation")


def test_no_junk_in_the_name_shown() -> None:
    for junk, name in (("Crooked Hillary Clinton", "Hillary Clinton"), ("RIP John Lewis", "John Lewis"),
                       ("Obama Says", "Obama"), ("PENCE", "Pence"), ("Trump's", "Trump"),
                       ("President Donald J. Trump", "Donald Trump"), ("Weak - Rubio", "Rubio"),
                       ("Obama Says \u2013 Trump", "Trump"), ("Trump Says He Never", "Trump"),
                       ("United States", "United States"), ("Secretary of State Mike Pompeo", "Mike Pompeo"),
                       ("Former Prime Minister Theresa May", "Theresa May")):  # fmt: skip
        assert identity.resolve(junk, "person").name == name


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [
        ("Trump demands accountability and transparency", "Trump"),  # "... that Trump demands accountability"
        ("Ryan wages", "Ryan"),  # "Ryan wages campaign to counter Trump"
        ("Trump's comments", "Trump's comments"),  # a possessor owns the noun: no clause
        ("three states", "three states"),  # a reporting verb's form is a noun too
        ("His remarks", "His remarks"),
    ],
)
def test_a_clause_the_parse_took_for_a_name_keeps_only_the_name(phrase: str, shown: str) -> None:
    assert identity.resolve(phrase, "unknown").name == shown


def test_surnames_and_their_attachment() -> None:
    assert identity.surname("donald trump jr.", "person") == "trump"
    assert identity.surname("trump", "person") is None
    assert identity.surname("bill de blasio", "person") == "de blasio"
    assert identity.is_surname_only("de blasio", "person") and not identity.is_surname_only("al gore", "person")
    people = [("a", "donald trump", "person")]
    assert identity.attach_surname("trump", "person", people) == "a"
    assert identity.attach_surname("trump", "unknown", people) == "a"
    assert identity.attach_surname("trump", "organisation", people) is None
    assert identity.attach_surname("king", "unknown", [("k", "larry king", "person")], "king") is None
    more = people + [("b", "donald trump jr.", "person"), ("c", "melania trump", "person")]
    assert identity.attach_surname("trump", "person", more) is None


def test_alias_file_rows_are_checked() -> None:
    with pytest.raises(ValueError, match="line 2"):
        identity.parse_aliases("# comment\nLukashenka Lukashenko no tabs\n")
    table = identity.parse_aliases("A B\tC D\tbecause\n")
    assert identity.resolve("C D", "person", table).name == "A B"


# --------------------------------------------------------------------------- tier 3 in the store


def _article(source: str, sentence: str, speaker: Speaker, mention: str) -> Extraction:
    text = sentence + "\n"
    content = text[text.index('"') : text.rindex('"') + 1]
    statement = h.statement(text, content, speaker, mention=mention)
    return Extraction(Document(id=source, text=text, source=source), (statement,))


def _person(name: str) -> Speaker:
    return Speaker(name, SpeakerKind.PERSON)


def test_a_bare_surname_joins_the_one_person_and_leaves_when_there_are_several():
    db = h.fresh_db()
    run_id = store.start_run(db, "ingest")
    store.store_extraction(db, _article("a", '"We will win," Trump said.', _person("Trump"), "Trump"), run_id)
    assert {r["name"] for r in speaker_rows(db)} == {"Trump"}  # nobody to attach to yet
    full = _article("b", '"It is a great day," Donald J. Trump said.', _person("Donald J. Trump"), "Donald J. Trump")
    store.store_extraction(db, full, run_id)
    rows = speaker_rows(db)
    assert [(r["name"], r["n_statements"]) for r in rows] == [("Donald Trump", 2)]
    assert "Trump" in rows[0]["aliases"] and "Donald J. Trump" in rows[0]["aliases"]
    assert {r["speaker"] for r in statement_rows(db, speaker="Trump")} == {"Donald Trump"}

    junior = _article("c", '"Fake news," Donald Trump Jr. said.', _person("Donald Trump Jr."), "Donald Trump Jr.")
    store.store_extraction(db, junior, run_id)
    names = {r["name"]: r["n_statements"] for r in speaker_rows(db)}
    assert names == {"Donald Trump": 1, "Donald Trump Jr.": 1, "Trump": 1}  # "Trump" is ambiguous now


def test_aliases_are_names_not_headlines_or_phrases():
    db = h.fresh_db()
    run_id = store.start_run(db, "ingest")
    for source, sentence, name, mention in (
        ("a", '"Yes," Obama Says.', "Obama Says", "Obama Says"),
        ("b", '"No," everything Obama said.', "Obama", "everything Obama"),
        ("c", '"Maybe," President Obama said.', "Obama", "President Obama"),
        ("d", '"Sure," Barack H. Obama said.', "Barack H. Obama", "Barack H. Obama"),
    ):
        store.store_extraction(db, _article(source, sentence, _person(name), mention), run_id)
    (row,) = speaker_rows(db)
    assert row["name"] == "Barack Obama" and row["n_statements"] == 4
    assert row["aliases"] == ["Barack H. Obama", "Obama"]


def test_attachment_does_not_depend_on_ingest_order():
    articles = [
        _article("a", '"We will win," Biden said.', _person("Biden"), "Biden"),
        _article("b", '"Hello," Joe Biden said.', _person("Joe Biden"), "Joe Biden"),
        _article("c", '"Goodbye," Hunter Biden said.', _person("Hunter Biden"), "Hunter Biden"),
    ]
    results = []
    for order in (articles, articles[::-1], [articles[1], articles[0], articles[2]]):
        db = h.fresh_db()
        run_id = store.start_run(db, "ingest")
        for extraction in order:
            store.store_extraction(db, extraction, run_id)
        results.append(sorted((r["id"], r["name"], r["n_statements"]) for r in speaker_rows(db)))
    assert results[0] == results[1] == results[2]
    assert {name for _, name, _ in results[0]} == {"Biden", "Joe Biden", "Hunter Biden"}


def test_rebuild_after_new_rules_keeps_statement_ids_and_reviews():
    db = h.fresh_db()
    run_id = store.start_run(db, "ingest")
    store.store_extraction(db, h.seed_extraction(), run_id)
    before = sorted(r[0] for r in db.execute("SELECT id FROM statements"))
    speakers = sorted(r[0] for r in db.execute("SELECT id FROM speakers"))
    with store.write_transaction(db):
        db.execute("UPDATE registry SET value = 'old rules'")
    store.migrate(db)
    assert sorted(r[0] for r in db.execute("SELECT id FROM statements")) == before
    assert sorted(r[0] for r in db.execute("SELECT id FROM speakers")) == speakers
    assert store.verify(db) == []


# --------------------------------------------------------------------------- seed + fixture, CLI


def test_seed_and_fixture_are_one_speaker(tmp_path: Path) -> None:
    """The seed names Alyaksandr Lukashenka, the fixture Alexander Lukashenko: one identity,
    both names as aliases, and --speaker with either spelling lists both articles' statements."""
    db = tmp_path / "luka.db"
    fixture = ROOT / "fixtures" / "lukashenko.txt"
    result = runner.invoke(app, ["ingest", str(ROOT / "seeds"), str(fixture), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output

    speakers = json.loads(runner.invoke(app, ["speakers", "--db", str(db), "--format", "json"]).stdout)
    (luka,) = [r for r in speakers if "Lukashenk" in r["name"]]
    assert luka["name"] == "Alyaksandr Lukashenka"
    assert "Alexander Lukashenko" in luka["aliases"]
    assert luka["alias_reasons"]["Alexander Lukashenko"].startswith("alias file")
    assert luka["n_documents"] == 2

    for spelling in ("Lukashenko", "Lukashenka", "Alexander Lukashenko", "lukashenka"):
        result = runner.invoke(app, ["quotes", "--db", str(db), "--speaker", spelling, "--format", "json"])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        sources = {Path(r["source"]).name for r in rows}
        assert sources == {"000_08f2487d190f4389.txt", "lukashenko.txt"}, spelling
        assert {r["speaker"] for r in rows} == {"Alyaksandr Lukashenka"}
        assert any("would close the border" in r["content"] for r in rows)
        assert any("no longer prevent migrants" in r["content"] for r in rows)

    again = runner.invoke(app, ["ingest", str(ROOT / "seeds"), str(fixture), "--db", str(db), "-q"])
    assert again.exit_code == 0 and "0 stored, 2 unchanged" in again.stdout
    assert json.loads(runner.invoke(app, ["speakers", "--db", str(db), "--format", "json"]).stdout) == speakers

    shown = runner.invoke(app, ["speakers", "show", "Lukashenko", "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    profile = json.loads(shown.stdout)
    assert profile["name"] == "Alyaksandr Lukashenka" and profile["n_documents"] == 2
    assert "President" in profile["roles"] and profile["first_seen"] == "2021-07-12"
    assert len(profile["outlets"]) == 2 and len(profile["statements"]) == profile["n_statements"] >= 2
    table = runner.invoke(app, ["speakers", "show", "Alexander Lukashenko", "--db", str(db)])
    assert table.exit_code == 0 and "would close the border" in table.stdout
    assert runner.invoke(app, ["speakers", "show", "Nobody Atall", "--db", str(db)]).exit_code == 65


def test_speakers_show_refuses_a_shared_surname(tmp_path: Path) -> None:
    db = tmp_path / "biden.db"
    database = store.connect(db)
    run_id = store.start_run(database, "ingest")
    joe = _article("b", '"Hello," Joe Biden said.', _person("Joe Biden"), "Joe Biden")
    store.store_extraction(database, joe, run_id)
    store.store_extraction(
        database, _article("c", '"Bye," Hunter Biden said.', _person("Hunter Biden"), "Hunter Biden"), run_id
    )
    database.close()
    result = runner.invoke(app, ["speakers", "show", "Biden", "--db", str(db)])
    assert result.exit_code == 65 and "give the full name" in result.output
    assert runner.invoke(app, ["speakers", "show", "Hunter Biden", "--db", str(db)]).exit_code == 0


def test_every_row_of_the_shipped_alias_file_merges_what_it_says() -> None:
    rows = identity.aliases().rows
    assert rows
    for row in rows:
        canonical = identity.resolve(row.canonical, "person")
        assert canonical.name == row.canonical, row  # a canonical name is not itself an alias
        assert identity.resolve(row.alias, "person").key == canonical.key, row


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("President", "barack"),  # "President Obama" can only be Barack
        ("former First Lady", "michelle"),
        (None, None),  # "Obama" alone stays apart while two Obamas are known
        ("Mr.", None),  # a courtesy title tells them apart no better
    ],
)
def test_a_bare_surname_with_a_role_attaches_to_the_one_person_it_fits(role, expected):
    people = [("barack", "barack obama", "person", "President"), ("michelle", "michelle obama", "person", "First Lady")]
    assert identity.attach_surname("obama", "person", people, "Obama", role) == expected


@pytest.mark.parametrize("spelling", ["Joe B\u200biden", "Joe B\u0456den", "Joe \u202eBiden", "JOE BIDEN"])
def test_look_alike_and_invisible_characters_do_not_split_a_speaker(spelling):
    """Issue 18 scenario: zero-width, bidi and Cyrillic look-alikes fold to the same identity key."""
    assert identity.identity_key(spelling, "person") == identity.identity_key("Joe Biden", "person")


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        ({"donald": 829, "junior": 2}, "donald"),  # "Trump" in a corpus that quotes Donald Trump
        ({"hillary": 474, "bill": 32}, "hillary"),  # 94 in a hundred
        ({"hillary": 80, "bill": 20}, None),  # both quoted often: "Clinton" alone stays apart
        ({"joe": 9, "hunter": 0}, None),  # too few statements to make anyone the default
        ({"a": 10, "b": 1}, "a"),
    ],
)
def test_a_bare_surname_goes_to_the_bearer_the_corpus_nearly_always_quotes(statements, expected) -> None:
    people = [(pid, f"{pid} smith", "person", None, n) for pid, n in statements.items()]
    assert identity.attach_surname("smith", "person", people, "Smith", None) == expected


def test_the_dominant_bearer_is_found_in_the_store_and_recomputed():
    db = h.fresh_db()
    run_id = store.start_run(db, "ingest")
    for number in range(10):
        text = f'"We will build it, part {number}," Donald Trump said.'
        store.store_extraction(db, _article(f"d{number}", text, _person("Donald Trump"), "Donald Trump"), run_id)
    junior = _article("j", '"Fake news," Donald Trump Jr. said.', _person("Donald Trump Jr."), "Donald Trump Jr.")
    store.store_extraction(db, junior, run_id)
    store.store_extraction(db, _article("bare", '"We will win," Trump said.', _person("Trump"), "Trump"), run_id)
    names = {r["name"]: r["n_statements"] for r in speaker_rows(db)}
    assert names == {"Donald Trump": 11, "Donald Trump Jr.": 1}


@pytest.mark.parametrize(
    "spelling",
    ["the Clinton campaign", "Clinton\u2019s campaign", "Hillary Clinton's campaign", "Hillary Clinton Campaign"],
)
def test_a_campaign_is_one_body_however_its_owner_is_written(spelling: str) -> None:
    found = identity.resolve(spelling, "organisation")
    assert (found.key, found.name) == ("clinton campaign", "Clinton campaign")
    assert identity.identity_key(spelling, "organisation") != identity.identity_key("Sanders campaign", "organisation")


def test_a_campaign_without_an_owner_is_just_its_words() -> None:
    assert identity.resolve("the campaign", "organisation").key == "campaign"
    assert identity.resolve("a new campaign", "organisation").key == "a new campaign"


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("United States", "government", "United States"),  # "States" is not a headline's verb here
        ("the United States", "government", "United States"),
        ("Pentagon Says", "organisation", "Pentagon"),
    ],
)
def test_a_place_keeps_its_last_word(name: str, kind: str, shown: str) -> None:
    assert identity.resolve(name, kind).name == shown


@pytest.mark.parametrize(
    ("key", "shorter"),
    [
        ("hillary rodham clinton", "hillary clinton"),
        ("donald john trump jr", "donald trump jr"),  # the suffix stays: never the father
        ("hillary clinton", None),
        ("john de la cruz", None),  # particles belong to the surname
    ],
)
def test_middle_names(key: str, shorter: str | None) -> None:
    assert identity.without_middle_names(key, "person") == shorter


@pytest.mark.parametrize("order", [("full", "middle"), ("middle", "full")])
def test_a_name_with_a_middle_name_joins_the_person_known_without_it(order):
    db = h.fresh_db()
    run_id = store.start_run(db, "ingest")
    articles = {
        "full": _article("a", '"We will win," Hillary Clinton said.', _person("Hillary Clinton"), "Hillary Clinton"),
        "middle": _article(
            "b",
            '"It is a great day," Hillary Rodham Clinton said.',
            _person("Hillary Rodham Clinton"),
            "Hillary Rodham Clinton",
        ),
    }
    for name in order:
        store.store_extraction(db, articles[name], run_id)
    assert [(r["name"], r["n_statements"]) for r in speaker_rows(db)] == [("Hillary Clinton", 2)]


def test_a_news_agency_is_one_speaker_by_any_of_its_names() -> None:
    keys = {identity.identity_key(n, "organisation") for n in ("AP", "Associated Press", "the Associated Press")}
    assert keys == {"ap"}
    assert identity.identity_key("Agence France-Presse", "organisation") == identity.identity_key("AFP", "organisation")
    assert identity.identity_key("FP", "organisation") != "afp"  # two letters only as the agency's own name
