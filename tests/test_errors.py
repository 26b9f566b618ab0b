"""The library's error tree: every error it raises on purpose is an AttributionError, defined
in attribution/errors.py, and still importable from the module that used to define it."""

from __future__ import annotations

import importlib
import inspect

import pytest

from attribution import errors

# (module, name): where callers have always imported these from.
OLD_HOMES = [
    ("attribution.queries", "UnknownStatement"),
    ("attribution.queries", "UnknownSpeaker"),
    ("attribution.review", "RetiredStatement"),
    ("attribution.review", "InvalidNote"),
    ("attribution.corrections", "InvalidCorrection"),
    ("attribution.speaker_decisions", "SpeakerDecisionError"),
    ("attribution.parallel", "WorkerExtractionError"),
    ("attribution.parallel", "DocumentTimeout"),
    ("attribution.export", "ExportRefused"),
    ("attribution.export.files", "ExportRefused"),
]


def _defined_in_errors() -> list[type]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]


@pytest.mark.parametrize(("module", "name"), OLD_HOMES)
def test_an_old_name_is_the_class_errors_defines(module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is getattr(errors, name)


def test_every_error_class_is_one_tree_under_attribution_error() -> None:
    classes = _defined_in_errors()
    assert len(classes) >= 20
    for cls in classes:
        assert issubclass(cls, errors.AttributionError), cls


def test_the_docstring_draws_every_class_of_the_tree() -> None:
    drawn = {line.split()[0] for line in errors.__doc__.splitlines() if line.startswith("  ") and line.split()}
    assert {cls.__name__ for cls in _defined_in_errors()} - {"AttributionError"} <= drawn


@pytest.mark.parametrize(
    ("module", "name"), [("attribution.cluster", "ClusterError"), ("attribution.shards", "ShardError")]
)
def test_the_cluster_errors_hang_on_the_same_tree(module: str, name: str) -> None:
    pytest.importorskip("pyarrow", reason="the cluster extra is not installed")
    assert issubclass(getattr(importlib.import_module(module), name), errors.AttributionError)


def test_errors_that_were_builtin_errors_still_are() -> None:
    """Callers catching RuntimeError (worker failures) or ValueError (bad notes and corrections)
    keep catching them."""
    assert issubclass(errors.DocumentTimeout, RuntimeError)
    assert issubclass(errors.InvalidNote, ValueError) and issubclass(errors.InvalidCorrection, ValueError)
    assert issubclass(errors.BackupRefused, errors.StoreError)
    assert issubclass(errors.BackupRefused, errors.OutputRefused)
