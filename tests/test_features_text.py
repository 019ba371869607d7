"""features/text.py: letter counts read from UTF-8 bytes equal the regex engine's own counts."""

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features.text import letter_counts

# ASCII often, then samples of every Unicode plane: Latin letters with marks, combining marks,
# Cyrillic, CJK, symbols, emoji and mathematical letters (𝐀 is an upper-case letter).
POOL = [chr(c) for c in range(32, 127)] * 20 + [
    chr(c)
    for c in [
        *range(0xA0, 0x800),
        *range(0x800, 0xD800, 7),
        *range(0xE000, 0x10000, 13),
        *range(0x10000, 0x110000, 101),
    ]
]


def regex_counts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    return (
        pc.count_substring_regex(arr, r"\p{L}").to_numpy().astype(float),
        pc.count_substring_regex(arr, r"\p{Lu}").to_numpy().astype(float),
    )


def test_letter_counts_equal_the_regex_counts_on_random_unicode():
    rng = random.Random(1)
    for trial in range(20):
        texts = ["".join(rng.choices(POOL, k=rng.randint(0, 60))) for _ in range(300)]
        arr = pa.array(texts)
        if trial % 2:  # a slice: the array starts part-way into its buffers
            arr = arr.slice(17, 200)
        letters, upper = letter_counts(arr)
        want_letters, want_upper = regex_counts(arr)
        np.testing.assert_array_equal(letters, want_letters)
        np.testing.assert_array_equal(upper, want_upper)


def test_letter_counts_of_empty_texts_and_hand_checked_words():
    arr = pa.array(["", "Æble og Øl", "", "𝐀b ́", "WhatsАpp 🙂", ""])
    letters, upper = letter_counts(arr)
    assert letters.tolist() == [0, 8, 0, 2, 8, 0]
    assert upper.tolist() == [0, 2, 0, 1, 2, 0]
    assert letter_counts(pa.array([], pa.string()))[0].shape == (0,)
    assert letter_counts(pa.array(["", ""]))[0].tolist() == [0, 0]
