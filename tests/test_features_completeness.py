"""features/completeness.py: words read from UTF-8 bytes equal the regex split, and the headline
check handles every shape of the experience list."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features.completeness import _headline_agrees, _words
from fakeprofile.features.frame import to_table

# Letters of one to four bytes, upper-case ones that lower-case into other lengths (İ, ẞ),
# combining marks, digits, separators.
POOL = list("abcXYZ -.,/&1") * 4 + ["æ", "Ø", "İ", "ẞ", "Ж", "中", "𝐀", "\u0301", "’", "🙂"]


def regex_words(arr: pa.Array) -> tuple[list[int], list[str]]:
    """The definition: split the lower-cased text on non-letters, keep words over two letters."""
    rows, words = [], []
    lower = pc.utf8_lower(pc.fill_null(arr, "")).to_pylist()
    for i, parts in enumerate(pc.split_pattern_regex(pa.array(lower), r"[^\p{L}]+").to_pylist()):
        for w in parts:
            if len(w) > 2:
                rows.append(i)
                words.append(w)
    return rows, words


def test_words_equal_the_regex_split():
    rng = random.Random(11)
    for trial in range(30):
        texts = [
            None if rng.random() < 0.1 else "".join(rng.choices(POOL, k=rng.randint(0, 30)))
            for _ in range(200)
        ]
        arr = pa.array(texts).slice(trial % 3)  # also from an offset into the buffers
        rows, words = _words(arr)
        assert (rows.tolist(), words.to_pylist()) == regex_words(arr), f"trial {trial}"


def test_headline_agrees_for_every_shape_of_experience():
    profiles = [
        {
            "profile_id": "a",
            "headline": "Senior Data Engineer",
            "experience": [{"title": "Data engineer", "company": "X"}, {"title": "Chef"}],
        },
        {"profile_id": "b", "headline": "Chef", "experience": [{"title": "Data engineer"}]},
        {"profile_id": "c", "headline": "Chef", "experience": []},
        {"profile_id": "d", "headline": "Chef"},
        {"profile_id": "e", "headline": "Chef", "experience": [{"company": "no title"}]},
        {"profile_id": "f", "experience": [{"title": "Chef"}]},
        {"profile_id": "g", "headline": "Kok og chef", "experience": [{"title": "Chef"}]},
    ]
    expected = [1.0, 0.0, np.nan, np.nan, np.nan, np.nan, 1.0]
    table = to_table(profiles)
    np.testing.assert_array_equal(_headline_agrees(table), expected)
    # A slice of a table (offsets into the list and struct buffers) gives the same per row.
    np.testing.assert_array_equal(_headline_agrees(table.slice(2)), expected[2:])
    np.testing.assert_array_equal(
        _headline_agrees(pa.concat_tables([table.slice(5), table.slice(0, 2)])),
        expected[5:] + expected[:2],
    )
