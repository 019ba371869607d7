"""Character classes from UTF-8 bytes: the same with a fresh and with a warm per-process table."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa

from fakeprofile.kernels import utf8

PATTERNS = [r"\p{L}", r"\p{Lu}", r"['’\-]"]
TABLE = utf8.ascii_table(PATTERNS)
POOL = list("ab Z-'.") * 5 + [
    chr(c) for c in (0xE6, 0xC5, 0x2019, 0x430, 0x410, 0x4E2D, 0x1F642, 0x1D400, 0x301)
]


def per_char(texts: list[str]) -> np.ndarray:
    """The definition: each character's bits by the regex, on its first byte, 0 on the others."""
    out = []
    for text in texts:
        for ch in text:
            bits = 0
            for k, p in enumerate(PATTERNS):
                hit = pa.compute.match_substring_regex(pa.array([ch]), f"^(?:{p})$")[0].as_py()
                bits |= int(hit) << k
            out += [bits] + [0] * (len(ch.encode()) - 1)
    return np.array(out, dtype=np.uint8)


def whole(texts: list[str]) -> np.ndarray:
    """The definition with `whole_chars`: each character's bits on all of its bytes."""
    bits = per_char(texts)
    return np.repeat(bits[[*_firsts(texts)]], [len(ch.encode()) for t in texts for ch in t])


def _firsts(texts: list[str]) -> list[int]:
    at, out = 0, []
    for t in texts:
        for ch in t:
            out.append(at)
            at += len(ch.encode())
    return out


def test_classes_are_the_same_cold_and_warm():
    """Cold: the numpy path classifies the new characters; warm: the compiled pass finds them
    all in the table. Both, with and without whole characters, give the definition."""
    rng = random.Random(3)
    texts = ["".join(rng.choices(POOL, k=rng.randint(0, 12))) for _ in range(40)]
    _, data = utf8.buffers(pa.array(texts))
    expected = per_char(texts)
    utf8._CLASS_OF.pop(tuple(PATTERNS), None)
    cold = utf8.classes(data, TABLE, PATTERNS)
    warm = utf8.classes(data, TABLE, PATTERNS)
    np.testing.assert_array_equal(cold, expected)
    np.testing.assert_array_equal(warm, expected)
    assert utf8._classes(data, TABLE, utf8._CLASS_OF[tuple(PATTERNS)], False)[1]  # compiled
    np.testing.assert_array_equal(
        utf8.classes(data, TABLE, PATTERNS, whole_chars=True), whole(texts)
    )
    utf8._CLASS_OF.pop(tuple(PATTERNS), None)
    np.testing.assert_array_equal(
        utf8.classes(data, TABLE, PATTERNS, whole_chars=True), whole(texts)
    )
    # A text with characters not met before gets them classified, the others from the table.
    more = ["Ωmega ĳ " + texts[0]]
    np.testing.assert_array_equal(
        utf8.classes(utf8.buffers(pa.array(more))[1], TABLE, PATTERNS), per_char(more)
    )
