"""A parse's per-token attributes read once per document, for the rules that scan it whole.

spaCy makes a new ``Token`` object on every ``doc[i]``, every step over the ``Doc`` and every
``token.head``, and fetches each attribute through the string store; a rule that walks the
whole document again for every name or statement pays that each time. ``arrays_of(doc)``
reads what those walks need from the parse's own arrays once (kept with the document), so a
rule can test plain lists and make a ``Token`` only for the few words that pass. Only plain
strings and numbers are kept: a ``Token`` or ``Span`` kept in ``doc.user_data`` would point
back at the document, and the pair would then wait for the garbage collector to be freed.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections.abc import Iterable
from functools import cached_property

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LIKE_NUM, LOWER, ORTH, POS, TAG
from spacy.tokens import Doc

_KEY = "attribution_arrays"


class ParseArrays:
    """Lists indexed by token position, each read from the parse when first asked for."""

    def __init__(self, doc: Doc) -> None:
        self._doc = weakref.ref(doc)

    @property
    def doc(self) -> Doc:
        doc = self._doc()
        assert doc is not None, "the arrays of a document outlived it"
        return doc

    def _strings(self, attr: int) -> list[str]:
        """A string attribute of every word, read from the string store."""
        strings = self.doc.vocab.strings
        return [strings[value] for value in self.doc.to_array(attr).tolist()]

    @cached_property
    def _orth_ids(self) -> numpy.ndarray:
        return self.doc.to_array(ORTH)

    @cached_property
    def _lower_ids(self) -> numpy.ndarray:
        return self.doc.to_array(LOWER)

    def where_text(self, words: Iterable[str]) -> list[int]:
        """The positions, in order, of the words written as one of ``words`` (compared by their
        hashes in the parse's array: no string is made for the other words)."""
        return _where(self._orth_ids, self.doc, words)

    def where_lower(self, words: Iterable[str]) -> list[int]:
        """The positions, in order, of the words whose lower-case form is one of ``words``."""
        return _where(self._lower_ids, self.doc, words)

    @cached_property
    def lowers(self) -> list[str]:
        """``token.lower_`` of every word."""
        return self._strings(LOWER)

    @cached_property
    def lemmas(self) -> list[str]:
        """``token.lemma_.lower()`` of every word."""
        lemmas = self._strings(LEMMA)
        folded = {lemma: lemma.lower() for lemma in set(lemmas)}
        return [folded[lemma] for lemma in lemmas]

    @cached_property
    def tags(self) -> list[str]:
        """``token.tag_`` of every word."""
        return self._strings(TAG)

    @cached_property
    def deps(self) -> list[str]:
        """``token.dep_`` of every word."""
        return self._strings(DEP)

    @cached_property
    def ent_types(self) -> list[str]:
        """``token.ent_type_`` of every word ("" outside an entity)."""
        return self._strings(ENT_TYPE)

    @cached_property
    def blank(self) -> list[bool]:
        """``token.is_punct or token.is_space`` of every word: no word of its sentence's count."""
        table = self.doc.to_array([IS_PUNCT, IS_SPACE])
        return (table.sum(axis=1) > 0).tolist() if len(table) else []

    @cached_property
    def like_num(self) -> list[bool]:
        """``token.like_num`` of every word."""
        return [bool(flag) for flag in self.doc.to_array(LIKE_NUM).tolist()]

    @cached_property
    def starts(self) -> list[int]:
        """``token.idx`` of every word: where it starts in the text (ascending)."""
        return self.doc.to_array(IDX).tolist()

    @cached_property
    def heads(self) -> list[int]:
        """``token.head.i`` of every word."""
        offsets = self.doc.to_array(HEAD).view("int64").tolist()  # stored unsigned: -1 wraps round
        return [i + offset for i, offset in enumerate(offsets)]

    @cached_property
    def pos(self) -> list[str]:
        """``token.pos_`` of every word."""
        return self._strings(POS)

    @cached_property
    def ends(self) -> list[int]:
        """Where every word ends in the text (``token.idx + len(token)``, ascending)."""
        lengths = self.doc.to_array(LENGTH).tolist()
        return [start + length for start, length in zip(self.starts, lengths, strict=True)]

    @cached_property
    def sentence_bounds(self) -> list[tuple[int, int]]:
        """The token range [start, end) of every sentence of ``doc.sents``, in order."""
        return [(sentence.start, sentence.end) for sentence in self.doc.sents]

    @cached_property
    def sentence_of(self) -> list[int]:
        """The index in ``doc.sents`` of every word's sentence."""
        found = [0] * len(self.doc)
        for index, (start, end) in enumerate(self.sentence_bounds):
            found[start:end] = [index] * (end - start)
        return found

    def first_at(self, char: int) -> int:
        """The position of the first word starting at or after character ``char`` (``len(doc)``
        when none does)."""
        return bisect_left(self.starts, char)


def _where(ids: numpy.ndarray, doc: Doc, words: Iterable[str]) -> list[int]:
    # the store's key of a string: its hash, or the fixed number of one of spaCy's own symbols
    strings = doc.vocab.strings
    wanted = numpy.array([strings.as_int(word) for word in words], dtype=numpy.uint64)
    if not len(wanted) or not len(ids):
        return []
    return numpy.flatnonzero(numpy.isin(ids, wanted)).tolist()


def arrays_of(doc: Doc) -> ParseArrays:
    """The document's arrays, read once and kept with it."""
    arrays = doc.user_data.get(_KEY)
    if arrays is None:
        arrays = doc.user_data[_KEY] = ParseArrays(doc)
    return arrays
