"""attribution as a spaCy component in a user's own pipeline: found by name through the
``spacy_factories`` entry point, statements set on the Doc, the same as the extractor's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from attribution.extract import extract_document
from attribution.models import Document

TEXT = (
    "\u201cWe will not back down,\u201d Mayor Anne Hidalgo said on Tuesday.\n\n"
    "Officials said the road would reopen on Friday."
)


def test_add_pipe_by_name_finds_the_component_through_its_entry_point() -> None:
    """In a fresh interpreter that never imported attribution, only spaCy."""
    script = (
        "import spacy\n"
        "from attribution.nlp import model_name\n"
        "nlp = spacy.load(model_name())\n"
        "nlp.add_pipe('attribution')\n"
        f"doc = nlp({TEXT!r})\n"
        "for span in doc.spans['attribution']:\n"
        "    print(span.label_, span._.statement.speaker.name, span.text, sep='|')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "direct|Anne Hidalgo|\u201cWe will not back down,\u201d",
        "indirect|Officials|the road would reopen on Friday",
    ]


@pytest.fixture(scope="module")
def pipeline(nlp):
    import attribution.component  # noqa: F401  (registers the factory in this process)

    if "attribution" not in nlp.pipe_names:
        nlp.add_pipe("attribution")
    yield nlp
    nlp.remove_pipe("attribution")


def test_the_component_sets_what_the_extractor_finds(pipeline) -> None:
    doc = pipeline(TEXT)
    extraction = doc._.attribution
    expected = extract_document(Document(id="t", text=TEXT), pipeline).statements
    assert [s.content for s in extraction.statements] == [s.content for s in expected]
    spans = doc.spans["attribution"]
    assert [span._.statement for span in spans] == list(extraction.statements)
    for span in spans:
        assert span.start_char <= span._.statement.content.start and span._.statement.content.end <= span.end_char
        assert span.label_ == str(span._.statement.type)
