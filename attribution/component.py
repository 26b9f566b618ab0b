"""attribution as a spaCy component, for users who run their own pipeline.

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("attribution")          # found through the ``spacy_factories`` entry point
    doc = nlp(text)
    doc.spans["attribution"]             # each statement's content, labelled by its type
    doc.spans["attribution"][0]._.statement   # the frozen Statement: speaker, cue, act, ...
    doc._.attribution                    # the whole Extraction (statements, claims, agencies)

The component is the match and set-annotations half of the extractor: the rules and the
learned pass on the Doc it is given. Chunking long texts, masking pathological runs and
worker processes with a time budget stay in ``extract_documents``, the document driver; so
does the paragraph component, which this module registers at import as
``paragraph_boundaries`` (add it before the parser for sentences that never cross a
paragraph, as the shipped pipeline does).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .extract import build_extraction, chunk_layout
from .models import Document, Extraction
from .nlp import _register_component

SPANS_KEY = "attribution"

_register_component()
if not Doc.has_extension("attribution"):
    Doc.set_extension("attribution", default=None)
if not SpacySpan.has_extension("statement"):
    SpacySpan.set_extension("statement", default=None)


class AttributionComponent:
    """Finds the statements of a Doc and sets them on it."""

    def __init__(self, name: str = "attribution") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        extraction = self.match(doc)
        self.set_annotations(doc, extraction)
        return doc

    def match(self, doc: Doc) -> Extraction:
        """The rules and the learned pass on this Doc, as one Extraction of its text."""
        return build_extraction(Document(id=self.name, text=doc.text), doc, chunk_layout(doc, 0))

    def set_annotations(self, doc: Doc, extraction: Extraction) -> None:
        """Each statement's content as a span (expanded to whole tokens), holding the statement."""
        spans = []
        for statement in extraction.statements:
            span = doc.char_span(
                statement.content.start, statement.content.end, label=str(statement.type), alignment_mode="expand"
            )
            if span is not None:
                span._.statement = statement
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc._.attribution = extraction


@Language.factory(
    "attribution",
    requires=["token.dep", "token.pos", "token.lemma", "doc.ents", "doc.sents"],
    assigns=["doc.spans", "doc._.attribution", "span._.statement"],
)
def make_attribution(nlp: Language, name: str) -> AttributionComponent:
    return AttributionComponent(name)
