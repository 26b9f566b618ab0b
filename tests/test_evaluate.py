"""Scoring rules of attribution.evaluate, and agreement with the reference scorer.

The rule tests use tiny hand-written articles; the agreement test (skipped when the shared
evaluation directory is absent) scores perturbed gold quotes of the dev set with both
``attribution.evaluate`` and ``shared/eval/score.py`` and wants identical output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from attribution.errors import InputError
from attribution.evaluate import evaluate_file, render, score, speaker_matches

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"
SCORER = SHARED_EVAL / "score.py"
DEV = SHARED_EVAL / "polnear-dev.jsonl"


def at(text: str, piece: str, occurrence: int = 1) -> list[int]:
    """[start, end] of the n-th occurrence of ``piece`` in ``text``."""
    start = -1
    for _ in range(occurrence):
        start = text.index(piece, start + 1)
    return [start, start + len(piece)]


def gold_quote(text: str, *pieces: str, speaker: str | None = "Jane Smith", **extra: Any) -> dict:
    fragments = [at(text, p) for p in pieces]
    quote = {
        "content_span": [fragments[0][0], fragments[-1][1]],
        "content_fragments": fragments,
        "speaker": speaker,
        "type": "direct",
    }
    quote.update(extra)
    return quote


def pred_quote(text: str, piece: str, speaker: str | None = "Jane Smith", **extra: Any) -> dict:
    quote = {"content_span": at(text, piece), "speaker": speaker, "type": "direct"}
    quote.update(extra)
    return quote


def run(text: str, gold: list[dict], pred: list[dict], **options: Any) -> dict:
    return score([{"id": "a", "text": text, "quotes": gold}], [{"id": "a", "quotes": pred}], **options)


# --------------------------------------------------------------------------- detection rules

ROADS = "The mayor said the city will repair every road in the county by next summer."
#                  gold tokens: the city will repair every road in the county by next summer (12)
SPLIT = '"We will win," she said, "and fix the roads," adding, "then lower taxes."'
#        fragments of 3, 4 and 3 tokens: no single piece covers half of the quote
LONG_FIRST = '"We will win the vote and the seat," she said, "and fix roads."'

DETECTION_CASES = [
    pytest.param(
        ROADS,
        [gold_quote(ROADS, "the city will repair every road in the county by next summer")],
        [pred_quote(ROADS, "every road in the county by next summer")],  # 7 of 12 tokens
        {"lenient.tp": 1, "exact.tp": 0},
        id="lenient-more-than-half",
    ),
    pytest.param(
        ROADS,
        [gold_quote(ROADS, "the city will repair every road in the county by next summer")],
        [pred_quote(ROADS, "road in the county by next")],  # exactly 6 of 12 tokens
        {"lenient.tp": 1},
        id="lenient-exactly-half",
    ),
    pytest.param(
        ROADS,
        [gold_quote(ROADS, "the city will repair every road in the county by next summer")],
        [pred_quote(ROADS, "in the county by next")],  # 5 of 12 tokens
        {"lenient.tp": 0, "lenient.precision": 0.0, "overlap_diagnostic.precision": 1.0},
        id="lenient-under-half",
    ),
    pytest.param(
        ROADS,
        [gold_quote(ROADS, "the city will repair every road in the county by next summer")],
        [pred_quote(ROADS, "ad in the county by next summ")],  # partial words count whole
        {"lenient.tp": 1},
        id="lenient-partial-words",
    ),
    pytest.param(
        ROADS,
        [gold_quote(ROADS, "the city will repair every road in the county by next summer")],
        [
            pred_quote(ROADS, "every road in the county by next summer"),
            pred_quote(ROADS, "the city will repair every road in the county by next summer."),
        ],
        {"lenient.tp": 1, "lenient.precision": 0.5, "exact.tp": 1, "end_to_end.tp": 1},
        id="one-to-one-two-predictions",
    ),
    pytest.param(
        "Smith said taxes will rise. Brown said roads will close.",
        [
            gold_quote("Smith said taxes will rise.", "taxes will rise"),
            gold_quote("Smith said taxes will rise. Brown said roads will close.", "roads will close"),
        ],
        [
            pred_quote(
                "Smith said taxes will rise. Brown said roads will close.",
                "taxes will rise. Brown said roads will close",
            )
        ],
        {"lenient.tp": 1, "lenient.recall": 0.5, "overlap_diagnostic.recall": 1.0},
        id="one-to-one-one-prediction-two-golds",
    ),
    pytest.param(
        SPLIT,
        [gold_quote(SPLIT, "We will win", "and fix the roads", "then lower taxes")],
        [
            pred_quote(SPLIT, "We will win"),
            pred_quote(SPLIT, "and fix the roads"),
            pred_quote(SPLIT, "then lower taxes"),
        ],
        {
            "lenient.tp": 1,
            "lenient.absorbed": 2,
            "lenient.precision": 1.0,
            "exact.tp": 1,
            "exact.absorbed": 2,
            "end_to_end.precision": 1.0,
        },
        id="split-quote-union",
    ),
    pytest.param(
        SPLIT,
        [gold_quote(SPLIT, "We will win", "and fix the roads", "then lower taxes")],
        [pred_quote(SPLIT, "We will win"), pred_quote(SPLIT, "and fix the roads")],
        {"lenient.tp": 1, "lenient.absorbed": 1, "exact.tp": 0, "exact.precision": 0.0},
        id="split-quote-union-missing-piece",
    ),
    pytest.param(
        LONG_FIRST,
        [gold_quote(LONG_FIRST, "We will win the vote and the seat", "and fix roads")],
        [
            pred_quote(LONG_FIRST, "We will win the vote and the seat"),
            pred_quote(LONG_FIRST, "and fix roads"),
        ],
        {"lenient.tp": 1, "lenient.absorbed": 1, "lenient.precision": 1.0, "exact.tp": 1},
        id="split-quote-absorbs-further-piece",
    ),
    pytest.param(
        SPLIT,
        [gold_quote(SPLIT, "We will win", "and fix the roads", "then lower taxes")],
        [
            pred_quote(SPLIT, "We will win"),
            pred_quote(SPLIT, "and fix the roads"),
            pred_quote(SPLIT, "then lower taxes"),
        ],
        {"lenient.tp": 0, "lenient.precision": 0.0, "exact.tp": 0, "settings.strict": True},
        id="split-quote-strict",
    ),
    pytest.param(
        '"Taxes will rise, and soon."',
        [gold_quote('"Taxes will rise, and soon."', "Taxes will rise", "and soon")],
        [
            pred_quote('"Taxes will rise, and soon."', "Taxes will rise"),
            pred_quote('"Taxes will rise, and soon."', "and soon"),
        ],
        {"lenient.tp": 1, "lenient.precision": 0.5, "exact.tp": 0},
        id="fragments-joined-over-punctuation",
    ),
    pytest.param(
        'She said: "Taxes will rise next year." Then she left.',
        [gold_quote('She said: "Taxes will rise next year." Then she left.', "Taxes will rise next year")],
        [
            pred_quote(
                'She said: "Taxes will rise next year." Then she left.',
                ': "Taxes will rise next year." ',
            )
        ],
        {"exact.tp": 1},
        id="exact-after-trimming",
    ),
    pytest.param(
        "So taxes will rise next year, he said.",
        [gold_quote("So taxes will rise next year, he said.", "taxes will rise next year")],
        [pred_quote("So taxes will rise next year, he said.", "o taxes will rise next ye")],
        {"exact.tp": 1},
        id="exact-two-chars-off",
    ),
    pytest.param(
        "So taxes will rise next year, he said.",
        [gold_quote("So taxes will rise next year, he said.", "taxes will rise next year")],
        [pred_quote("So taxes will rise next year, he said.", "So taxes will rise next year")],
        {"exact.tp": 0, "lenient.tp": 1},
        id="exact-three-chars-off",
    ),
    pytest.param(
        "So taxes will rise next year, he said.",
        [gold_quote("So taxes will rise next year, he said.", "taxes will rise next year")],
        [pred_quote("So taxes will rise next year, he said.", "So taxes will rise next year")],
        {"exact.tp": 1, "settings.tolerance": 3},
        id="exact-wider-tolerance",
    ),
]


def metric(result: dict, dotted: str) -> Any:
    value: Any = result
    for key in dotted.split("."):
        value = value.get(key, 0) if key == "absorbed" else value[key]
    return value


@pytest.mark.parametrize(("text", "gold", "pred", "expected"), DETECTION_CASES)
def test_detection_rules(text: str, gold: list[dict], pred: list[dict], expected: dict) -> None:
    options = {}
    if expected.get("settings.strict"):
        options["strict"] = True
    if "settings.tolerance" in expected:
        options["tolerance"] = expected["settings.tolerance"]
    result = run(text, gold, pred, **options)
    for key, value in expected.items():
        assert metric(result, key) == value, key


# --------------------------------------------------------------------------- speakers

SPEAKER_CASES = [
    ("Sen. Jane Smith", "Jane Smith", True),
    ("Jane Smith, a spokeswoman for the mayor", "Smith", True),
    ("Jane Smith (D-Ohio)", "Smith", True),
    ("the mayor", "Mayor", True),
    ("Mayor Brown's office", "the office", True),
    ("José Núñez", "Jose Nunez", True),
    ("Professor Ann Lee of Yale", "Ann Lee", True),
    ("Jane Smith", "John Smithson", False),
    ("a spokesman for Acme", "Acme", False),
    ("Jane Smith", None, False),
    ("Jane Smith", "  ", False),
]


@pytest.mark.parametrize(("gold", "pred", "expected"), SPEAKER_CASES)
def test_speaker_names(gold: str, pred: str | None, expected: bool) -> None:
    assert speaker_matches({"speaker": gold}, {"speaker": pred}) is expected


def test_speaker_span_overlap_and_resolved_name() -> None:
    gold = {"speaker": "she", "speaker_span": [10, 13], "speaker_name": "Jane Smith"}
    assert speaker_matches(gold, {"speaker": "he", "speaker_span": [12, 20]})
    assert not speaker_matches(gold, {"speaker": "he", "speaker_span": [13, 20]})
    assert speaker_matches(gold, {"speaker": "Smith"})


PANEL = "She said the vote was fair. Jane Smith said the count was slow. Nobody said it was late."


def test_pronoun_gold_speakers_are_reported_apart() -> None:
    gold = [
        gold_quote(PANEL, "the vote was fair", speaker="She"),
        gold_quote(PANEL, "the count was slow", speaker="Jane Smith"),
    ]
    pred = [pred_quote(PANEL, "the vote was fair"), pred_quote(PANEL, "the count was slow")]
    spk = run(PANEL, gold, pred)["speaker_accuracy"]
    assert (spk["accuracy"], spk["correct"], spk["n"]) == (0.5, 1, 2)
    assert (spk["accuracy_excl_pronoun_gold"], spk["n_excl_pronoun_gold"]) == (1.0, 1)


@pytest.mark.parametrize(
    ("pred_speaker", "e2e_tp"), [(None, 1), ("", 1), ("Nobody", 0)], ids=["none", "empty", "named"]
)
def test_end_to_end_gold_without_speaker(pred_speaker: str | None, e2e_tp: int) -> None:
    gold = [gold_quote(PANEL, "it was late", speaker=None)]
    result = run(PANEL, gold, [pred_quote(PANEL, "it was late", speaker=pred_speaker)])
    assert result["end_to_end"]["tp"] == e2e_tp
    assert result["speaker_accuracy"]["n"] == 0
    assert result["speaker_accuracy"]["matched_gold_without_speaker"] == 1


def test_end_to_end_needs_match_and_speaker() -> None:
    gold = [
        gold_quote(PANEL, "the vote was fair", speaker="Jane Smith"),
        gold_quote(PANEL, "the count was slow", speaker="Jane Smith"),
    ]
    pred = [
        pred_quote(PANEL, "the vote was fair", speaker="Smith"),
        pred_quote(PANEL, "the count was slow", speaker="Brown"),
        pred_quote(PANEL, "it was late", speaker="Smith"),
    ]
    e2e = run(PANEL, gold, pred)["end_to_end"]
    assert (e2e["tp"], e2e["n_pred"], e2e["n_gold"]) == (1, 3, 2)
    assert e2e["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert e2e["recall"] == 0.5


# --------------------------------------------------------------------------- types, input


def test_per_type_tables_and_derived_types() -> None:
    text = 'Smith said "taxes will rise" and that roads will close, calling it "a fair plan" today.'
    gold = [
        gold_quote(text, "taxes will rise", type="direct"),
        gold_quote(text, "roads will close", type="indirect"),
        gold_quote(text, 'it "a fair plan', type="mixed"),
    ]
    pred = [
        {"content_span": at(text, "taxes will rise"), "speaker": "Smith"},  # derived: direct
        {"content_span": at(text, "roads will close"), "speaker": "Smith"},  # derived: indirect
        {"content_span": at(text, 'it "a fair plan"'), "speaker": "Smith", "type": "bogus"},
        {"content_span": at(text, '" '), "speaker": "Smith"},  # no letters: unknown
    ]
    result = run(text, gold, pred)
    assert set(result["by_gold_type"]) == {"direct", "indirect", "mixed"}
    assert result["by_gold_type"]["indirect"]["recall_lenient"] == 1.0
    assert {k: v["n_pred"] for k, v in result["by_pred_type"].items()} == {
        "direct": 1,
        "indirect": 1,
        "mixed": 1,
        "unknown": 1,
    }
    assert result["by_pred_type"]["unknown"]["precision_lenient"] == 0.0


def test_predictions_located_by_content_and_warnings() -> None:
    text = "Cuts are coming, he said. Cuts are coming, she said."
    gold = [
        gold_quote(text, "Cuts are coming"),
        {"content_span": at(text, "Cuts are coming", 2), "speaker": "she", "type": "indirect"},
    ]
    pred = [
        {"content": "Cuts are coming", "speaker": "Jane Smith"},
        {"content": "Cuts are coming", "speaker": "she"},
        {"content": "not in the text"},
        {"content_span": [40, 400]},
    ]
    result = score(
        [{"id": "a", "text": text, "quotes": gold}, {"id": "b", "text": "Nothing.", "quotes": []}],
        [{"id": "a", "quotes": pred}, {"id": "zzz", "quotes": []}],
    )
    assert result["exact"]["tp"] == 2
    assert result["lenient"]["n_pred"] == 2
    assert result["speaker_accuracy"]["correct"] == 2
    assert result["warnings"] == {
        "prediction ids not in gold (ignored)": 1,
        "gold ids without predictions (scored as empty)": 1,
        "prediction without usable span": 1,
        "prediction span out of range": 1,
    }


def test_evaluate_file_and_render(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    gold.write_text(
        json.dumps({"id": 7, "text": ROADS, "quotes": [gold_quote(ROADS, "every road in the county")]}) + "\n\n",
        encoding="utf-8",
    )
    pred.write_text(
        json.dumps({"id": "7", "quotes": [pred_quote(ROADS, "every road")]}) + "\n",
        encoding="utf-8",
    )
    result = evaluate_file(gold, pred)
    assert result["gold"] == "gold.jsonl" and result["articles"] == 1
    lines = render(result).splitlines()
    assert lines[0] == "gold: gold.jsonl (1 articles)"
    assert lines[1] == "                            P      R     F1     tp   pred   gold absorb"
    assert lines[2] == "quote lenient           0.000  0.000  0.000      0      1      1      0"
    assert lines[5] == "overlap (diagnostic)    1.000  1.000"
    assert lines[6].startswith("speaker accuracy on lenient matches: n/a (0/0); excluding")
    assert lines[8] == "               direct         1   0.000   0.000     n/a"
    assert "warnings" not in lines[-1]
    assert evaluate_file(gold, pred, limit=0)["articles"] == 0


def test_bad_gold_line_is_an_input_error(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "x", "quotes": []}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl:2"):
        evaluate_file(gold, gold)
    with pytest.raises(InputError):
        evaluate_file(tmp_path / "missing.jsonl", None)


def test_bench_accuracy_without_gold_says_so(tmp_path: Path) -> None:
    script = REPO / "bench" / "accuracy"
    assert os.access(script, os.X_OK)
    done = subprocess.run(
        [sys.executable, str(script), "--gold", str(tmp_path / "absent.jsonl")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "absent.jsonl" in done.stderr and "not found" in done.stderr


# --------------------------------------------------------------------------- agreement


def perturbed_predictions(gold_rows: list[dict]) -> list[dict]:
    """Deterministically damaged copies of the gold quotes: every rule gets exercised."""
    rows = []
    for a, row in enumerate(gold_rows):
        if a == 3:
            continue  # a gold article without prediction line
        text = row["text"]
        quotes: list[dict] = [{"content_span": [0, min(60, len(text))]}]  # headline, untyped
        if a == 5:
            quotes.append({"content_span": [len(text) + 5, len(text) + 9]})
        for k, q in enumerate(row["quotes"]):
            s, e = q["content_span"]
            speaker = q.get("speaker")
            kind = (a * 7 + k) % 9
            base = {"content_span": [s, e], "speaker": speaker, "type": q.get("type")}
            if kind == 0:
                continue
            if kind == 1:
                quotes.append(base)
            elif kind == 2:
                last = (speaker or "").split()[-1:] or [None]
                quotes.append({**base, "content_span": [s + 4, max(e - 1, s + 5)], "speaker": last[0]})
            elif kind == 3:
                fragments = q.get("content_fragments") or [[s, e]]
                if len(fragments) > 1:
                    quotes.extend({"content_span": f, "speaker": speaker} for f in fragments)
                else:
                    quotes.append({"content_span": [s, s + max((e - s) * 2 // 5, 1)], "speaker": speaker})
            elif kind == 4:
                quotes.append({**base, "speaker": "Somebody Else", "type": None})
            elif kind == 5:
                quotes.append({"content": text[s:e], "speaker": None})
            elif kind == 6:
                quotes.append({**base, "speaker": "he", "speaker_span": q.get("speaker_span")})
            elif kind == 7:
                quotes.append({**base, "content_span": [max(s - 15, 0), min(e + 20, len(text))]})
            else:
                quotes.append(base)
                quotes.append({**base, "content_span": [(s + e) // 2, e], "type": "direct"})
        rows.append({"id": row["id"], "quotes": quotes})
    rows.append({"id": "not-in-gold", "quotes": [{"content_span": [0, 3]}]})
    return rows


@pytest.mark.skipif(not (SCORER.exists() and DEV.exists()), reason="shared/eval not available")
@pytest.mark.parametrize(
    "options",
    [{}, {"strict": True}, {"overlap": 0.3, "tolerance": 5}],
    ids=["default", "strict", "loose"],
)
def test_agrees_with_reference_scorer(tmp_path: Path, options: dict) -> None:
    with DEV.open(encoding="utf-8") as handle:
        gold_rows = [json.loads(line) for line in handle if line.strip()]
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as handle:
        for row in perturbed_predictions(gold_rows[:20]):
            handle.write(json.dumps(row) + "\n")
    reference_json = tmp_path / "reference.json"
    args = [sys.executable, str(SCORER), str(DEV), str(pred), "--json", str(reference_json)]
    if options.get("strict"):
        args.append("--strict")
    if "overlap" in options:
        args += ["--overlap", str(options["overlap"]), "--tolerance", str(options["tolerance"])]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=True)
    reference = json.loads(reference_json.read_text(encoding="utf-8"))

    ours = evaluate_file(DEV, pred, **options)

    for key in ("lenient", "exact", "end_to_end"):
        for figure in ("precision", "recall", "f1"):
            assert abs(ours[key][figure] - reference[key][figure]) <= 0.01, (key, figure)
    assert ours == reference
    assert render(ours) == done.stdout.rstrip("\n")
    assert ours["lenient"]["tp"] > 20
    assert bool(ours["lenient"].get("absorbed")) is not bool(options.get("strict"))


SPEECH_TEXT = (
    '"We will rebuild the bridge," Mayor Ana Ruiz said, "and we will do it this year." '
    "She said the council had approved the money. Critics believe the plan is too costly."
)


def _speech_gold() -> dict:
    def span(piece: str) -> list[int]:
        start = SPEECH_TEXT.index(piece)
        return [start, start + len(piece)]

    def quote(content: str, kind: str = "person", name: str | None = "Ana Ruiz", role: str | None = "mayor") -> dict:
        return {"speaker": "Mayor Ana Ruiz", "speaker_span": span("Mayor Ana Ruiz"), "speaker_name": name,
                "speaker_kind": kind, "role": role, "organisation": None,
                "content": content, "content_span": span(content), "type": "direct"}  # fmt: skip

    return {
        "id": "s1",
        "text": SPEECH_TEXT,
        "convention": "speech; one record per contiguous content",
        "quotes": [
            quote('"We will rebuild the bridge,"'),
            quote('"and we will do it this year."'),
            quote("the council had approved the money"),
        ],
        "unattributed": [],
        "agencies": [],
    }


def test_one_record_per_piece_gold_splits_split_quotes_and_scores_fields() -> None:
    gold = _speech_gold()
    first, second = gold["quotes"][0]["content_span"], gold["quotes"][1]["content_span"]
    pred = {
        "id": "s1",
        "agencies": [],
        "unattributed": [],
        "quotes": [
            {"content_span": [first[0], second[1]], "content_fragments": [first, second], "speaker": "Ana Ruiz",
             "speaker_kind": "person", "role": "Mayor", "organisation": None, "type": "direct"},
            {"content_span": gold["quotes"][2]["content_span"], "speaker": "Hill", "speaker_span": [0, 1],
             "speaker_kind": "person", "role": None, "organisation": None, "type": "indirect"},
        ],
    }  # fmt: skip
    result = score([gold], [pred])
    assert result["lenient"]["tp"] == 3 and result["lenient"]["n_pred"] == 3  # the split quote counts twice
    fields = result["fields"]
    assert fields["matched"] == 3
    assert fields["canonical_speaker"] == round(2 / 3, 4)  # "Hill" is not Ana Ruiz, whatever the mention
    assert fields["kind"] == 1.0 and fields["role"] == round(2 / 3, 4) and fields["agencies"] == 1.0
    assert "canonical speaker 0.667" in render(result)


def test_a_broad_gold_gets_no_desk_fields() -> None:
    gold = {**_speech_gold(), "convention": None}
    for q in gold["quotes"]:
        for key in ("speaker_name", "speaker_kind", "role", "organisation"):
            q.pop(key)
    gold.pop("unattributed")
    gold.pop("agencies")
    assert "fields" not in score([gold], [{"id": "s1", "quotes": []}])


def test_calibration_bins_and_thresholds_on_real_extraction(nlp) -> None:
    from attribution.evaluate import calibration, render_calibration
    from attribution.extract import extract_document
    from attribution.models import Document

    gold = _speech_gold()
    extraction = extract_document(Document(id="s1", text=SPEECH_TEXT), nlp)
    result = calibration([gold], [extraction], "speech")
    assert sum(b["n"] for b in result["reliability"]) >= 2
    assert [r["threshold"] for r in result["listing"]] == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    recalls = [r["recall"] for r in result["listing"]]
    assert recalls == sorted(recalls, reverse=True)  # a higher threshold never finds more
    assert "calibration (speech listing)" in render_calibration(result)
