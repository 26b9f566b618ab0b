"""Page furniture and the agencies behind a report, on short articles written for these tests."""

from __future__ import annotations

import pytest

from attribution.extract import extract_document
from attribution.layout import read_layout
from attribution.models import Document

BODY = "The city council approved a budget of $12 million for road repairs on Monday."

# --- agencies: (article text, agencies credited) -------------------------------------------

AGENCIES = [
    (f"COLUMBIA, S.C. (AP) — {BODY}", ("AP",)),
    (f"HANOI (AP) — {BODY}", ("AP",)),
    (f"LONDON (Reuters) - {BODY}", ("Reuters",)),
    (f"NEW DELHI, Nov 5 (PTI) {BODY}", ("PTI",)),
    (f"PARIS, Jan. 14 (AFP) - {BODY}", ("AFP",)),
    (f"Dec 29 (Reuters) - {BODY}", ("Reuters",)),
    (f"CAMBRIDGE, Mass., Dec. 11 (UPI) — {BODY}", ("UPI",)),
    (f"NEW DELHI (ANI): {BODY}", ("ANI",)),
    (f"{BODY}\n\nBy Ravi Kumar | IANS", ("IANS",)),
    (f"By Staff Writer, Associated Press of Pakistan\n\n{BODY}", ("APP",)),
    (f"By Maria Lopez, Associated Press\n\n{BODY}", ("AP",)),
    (f"By Jean Dupont | AFP\n\n{BODY}", ("AFP",)),
    (f"{BODY}\n\nPTI", ("PTI",)),
    (f"{BODY}\n\n(Reuters)", ("Reuters",)),
    (f"{BODY}\n\nAFP", ("AFP",)),
    (f"{BODY} PTI", ("PTI",)),
    (f"{BODY}\n\n___\n\nAssociated Press writers Tom Gray and Ann Lee contributed to this report.", ("AP",)),
    (f"{BODY}\n\nWith reporting by Reuters and dpa", ("Reuters", "dpa")),
    (f"{BODY}\n\nContributing: The Associated Press", ("AP",)),
    (f"{BODY}\n\n(With inputs from PTI)", ("PTI",)),
    # an agency mentioned in the text is not an agency behind the report
    (f"{BODY} The mayor told Agence France-Presse the work would start in May.", ()),
    (f"{BODY}\n\nThe plan was first reported by Reuters, according to the mayor's office.", ()),
    ("The Associated Press (AP) reported the figures first.\n\nThe council met again on Friday.", ()),
    (f"By most accounts, the plan worked.\n\n{BODY}", ()),
    (f"WASHINGTON — {BODY}", ()),
    (f"(CNN) {BODY}", ()),
    (f"By Sam Reed\n\n{BODY}\n\n(Reporting by Will Hart; Editing by Ann Cole)", ()),
]


@pytest.mark.parametrize(("text", "agencies"), AGENCIES)
def test_agencies_behind_the_report(text: str, agencies: tuple[str, ...]) -> None:
    assert read_layout(text).agencies == agencies


# --- furniture: (article text, the furniture span expected in it) ----------------------------

FURNITURE = [
    (f"HANOI (AP) — {BODY}", "HANOI (AP) — "),
    (f"MADRID — {BODY}", "MADRID — "),
    (f"NEW DELHI: {BODY}", "NEW DELHI: "),
    (f"Washington, DC, United States: {BODY}", "Washington, DC, United States: "),
    (f"By Maria Lopez, Associated Press\n\n{BODY}", "By Maria Lopez, Associated Press"),
    (f"{BODY}\n\nFollow NBC Sports on Instagram, Facebook, Twitter and YouTube.", "Follow NBC Sports on"),
    (f"{BODY}\n\nReach the reporters on Twitter at @ann_lee and @tgray.", "Reach the reporters"),
    (f"{BODY}\n\nSign up for our morning newsletter here.", "Sign up for"),
    (f"{BODY} Email the reporter at ann@example.com.", "Email the reporter"),
    (f"{BODY}\n\nAssociated Press writer Tom Gray contributed to this report.", "Associated Press writer"),
    (f"{BODY}\n\n(Image credit: City Hall Press Office)", "(Image credit:"),
    (f"Workers repave Main Street on Monday. (AP Photo/Ann Lee)\n\n{BODY}", "Workers repave Main Street"),
    (f"FILE - In this May 3, 2023, file photo, crews repave Main Street.\n\n{BODY}", "FILE - In this"),
    (f"Crews repave Main Street. (Photo by Ann Lee/Getty Images)\n\n{BODY}", "Crews repave Main"),
    (f"{BODY}\n\nCopyright 2024 The Daily Ledger. All rights reserved.", "Copyright 2024"),
    (f"{BODY}\n\nEditor's note: This story was updated with the final vote.", "Editor's note:"),
    (f"{BODY}\n\n— Jane Ruiz (@janeruiz) March 3, 2024", "— Jane Ruiz (@janeruiz)"),
    (
        f"{BODY}\n\nThe road has been closed for 3 weeks. pic.twitter.com/x1\n\n— Jane Ruiz (@janeruiz) March 3, 2024",
        "The road has",
    ),
    (f"{BODY}\n\nROAD WORK AHEAD\n\nThe repairs will take six weeks.", "ROAD WORK AHEAD"),
    (f"Council backs $12 million road plan\n\n{BODY}", "Council backs $12 million road plan"),
]


@pytest.mark.parametrize(("text", "furniture"), FURNITURE)
def test_furniture_is_never_a_claim(text: str, furniture: str) -> None:
    excluded = read_layout(text).not_claims
    start = text.index(furniture)
    assert any(s.start <= start < s.end for s in excluded), excluded


# a label and a colon opening a paragraph is a dateline only when it names a known place, in
# capitals or with its region or country: a transcript's speaker, a headline's source and a
# list entry are not
NOT_DATELINES = [
    "PENCE: I think the governor was right about the road budget.",
    "Iran: Talks on the nuclear deal will resume next week",
    "Poll: Wealthy Voters Abandon Republican Party",
    "Elizabeth A. Burton: Possession of methamphetamine.",
]


@pytest.mark.parametrize("paragraph", NOT_DATELINES)
def test_a_colon_label_that_names_no_place_is_no_dateline(paragraph: str) -> None:
    assert read_layout(f"{BODY}\n\n{paragraph}").datelines == ()


PROSE = [
    "By most accounts, the law worked and fewer fields were burned that year.",
    "Consumers will sign up for two streaming services on average, the survey found.",
    "Follow-up inspections found 40 more bridges in poor condition.",
    "Copyright lawsuits against the company rose by 20% in 2023.",
]


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_is_not_furniture(sentence: str) -> None:
    text = f"{BODY}\n\n{sentence}\n\n{BODY}"
    start = text.index(sentence)
    assert not any(s.start <= start < s.end for s in read_layout(text).not_claims)


# --- through the extractor ------------------------------------------------------------------

ARTICLE = (
    "HANOI (AP) — Floods killed at least 30 people in central Vietnam this week, "
    "the disaster agency said on Friday.\n\n"
    "By Linh Tran, Associated Press\n\n"
    "More than 10,000 homes were submerged in Quang Binh province after days of rain.\n\n"
    "Associated Press writer Ann Lee in Bangkok contributed to this report.\n\n"
    "Follow AP's coverage on Twitter and Facebook."
)


def test_extracted_article_credits_agency_and_flags_no_furniture(nlp) -> None:
    extraction = extract_document(Document(id="t", text=ARTICLE), nlp)
    assert extraction.agencies == ("AP",)
    furniture = ("HANOI (AP)", "By Linh Tran", "contributed to this report", "Follow AP")
    for claim in extraction.claims:
        assert not any(f in claim.span.text for f in furniture), claim.span.text
    for statement in extraction.statements:
        assert not any(f in statement.content.text for f in furniture), statement.content.text
    assert any(c.span.text.startswith("More than 10,000 homes") for c in extraction.claims)


def test_seed_agencies_come_from_its_credit_line(nlp, seed_text: str) -> None:
    extraction = extract_document(Document(id="seed", text=seed_text), nlp)
    assert extraction.agencies == ("Reuters", "AFP", "AP", "dpa")
    credit = seed_text.index("With reporting by")
    assert all(s.content.end <= credit for s in extraction.statements)
