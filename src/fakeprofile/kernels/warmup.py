"""The one warm-up of the feature kernels: compile every one now (or load it from Numba's cache),
with the argument types the features pass, so that processes forked after it share the machine
code instead of each compiling its own."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakeprofile.kernels import careers, grams, text, tokens, utf8


def warm() -> None:
    # Tokenizer and character classes (utf8.classes, both paths of whole_chars).
    tokens.tokenize(pa.array(["warm-up 1 www.x.dk a@b.c #tag"]))
    offsets, data = utf8.buffers(pa.array(["W h a t s A p p"]))
    letters = [r"\p{L}"]
    cls = utf8.classes(data, utf8.ascii_table(letters), letters)
    whole = utf8.classes(data, utf8.ascii_table(letters), letters, whole_chars=True)
    start, end = utf8.runs(offsets, whole != 0)
    utf8.pieces(data, start, end)
    # Text counts, spaced-out letters and language totals.
    text.class_counts(offsets, cls, 5)
    text.spaced_out(offsets, data, cls)
    scores = np.zeros((1, 1), dtype=np.float32)
    text.language_totals(np.zeros(1, np.int64), np.zeros(1, np.int32), scores, 1)
    # Canned-note trigrams: the hash table and the count.
    table, shift = grams.slot_table(np.array([1, 2, 3], dtype=np.int64))
    grams.count_grams(
        np.array([119], dtype=np.int64),
        np.ones(1, dtype=np.uint8),
        np.array([1], dtype=np.int64),
        np.array([1, 2, 3], dtype=np.int64),
        table,
        shift,
        np.ones((3, 2), dtype=np.int64),
    )
    # Career counts: Arrow's start dates come read-only, and Numba compiles that type apart.
    none, read_only = np.zeros(0), np.zeros(0)
    read_only.flags.writeable = False
    for first in (none, read_only):
        careers.position_counts(np.zeros(0, np.int64), first, none, none, np.zeros(0, np.int64), 0)
