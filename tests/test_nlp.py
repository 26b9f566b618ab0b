"""The pipeline loader: one load per pipeline, whatever name reaches it."""

from __future__ import annotations

import gc

import pytest

from attribution.errors import PipelineNotFound
from attribution.nlp import DEFAULT_MODEL, MODEL_ENV, PARAGRAPH_COMPONENT, load_pipeline


def test_the_default_by_name_or_by_none_is_one_loaded_pipeline(nlp, monkeypatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)
    assert load_pipeline() is load_pipeline(DEFAULT_MODEL) is nlp


def test_the_pipeline_starts_sentences_at_line_breaks(nlp) -> None:
    assert PARAGRAPH_COMPONENT in nlp.pipe_names
    doc = nlp("Officials said the road would reopen\nThe mayor disagreed with them.")
    assert [s.text.strip() for s in doc.sents] == [
        "Officials said the road would reopen",
        "The mayor disagreed with them.",
    ]


def test_every_line_break_of_an_article_starts_a_sentence_and_nothing_else_changes(nlp, seed_text) -> None:
    # the component finds the breaks by the tokens' ids: the same starts as asking each token
    # for its text and space, on the seed's paragraphs, a break of three lines and a CRLF
    text = seed_text + "\n\n\nFollow-up: officials said the border would stay shut.\r\nNo date was given.\n"
    by_ids = nlp.get_pipe(PARAGRAPH_COMPONENT)(nlp.make_doc(text))
    by_tokens = nlp.make_doc(text)
    for token in by_tokens[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            by_tokens[token.i + 1].is_sent_start = True
    assert [t.is_sent_start for t in by_ids] == [t.is_sent_start for t in by_tokens]
    assert sum(bool(t.is_sent_start) for t in by_ids) > 10
    assert not any("\n" in sentence.text.strip() for sentence in nlp(text).sents)


def test_the_loaded_model_is_set_aside_from_the_collector(nlp) -> None:
    # gc.freeze() after the load: full collections no longer walk the model's objects
    assert gc.get_freeze_count() > 0
    assert not any(obj is nlp for obj in gc.get_objects(generation=2))


def test_a_missing_pipeline_names_itself(monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV, "xx_no_such_pipeline")
    with pytest.raises(PipelineNotFound, match="xx_no_such_pipeline"):
        load_pipeline()
