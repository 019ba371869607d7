"""Character classes of a whole Arrow string array at once, read from its UTF-8 bytes with numpy.

A regex over every character costs one match per character (some 150 ms per MB of text). Here
ASCII bytes are classified by a 256-entry table, and each *distinct* non-ASCII character of the
batch (a few dozen: æ, ø, ä, é, ’, emoji) is classified by the regex engine the rest of the
features use (Arrow's RE2), so the classes are exactly what that regex would say. Each process
remembers the classes of the characters it has met, so after the first chunks no regex runs.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features import sets

UNKNOWN = 255  # no class yet (classes use at most 7 bits)
# Per set of patterns: the class of every code point the formula in `classes` can give
# (up to 0x1FFFFF), UNKNOWN until met. 2 MB each; a process uses two or three sets.
_CLASS_OF: dict[tuple[str, ...], np.ndarray] = {}


def buffers(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) of a string array without nulls: string i is data[offsets[i] -
    offsets[0] : offsets[i + 1] - offsets[0]]. No copy of the text is made."""
    texts = texts.cast(pa.large_string())  # 64-bit offsets, whatever the input's
    offsets = np.frombuffer(texts.buffers()[1], np.int64)[
        texts.offset : texts.offset + len(texts) + 1
    ]
    data = np.frombuffer(texts.buffers()[2] or b"\0", np.uint8)[offsets[0] : offsets[-1]]
    return offsets - offsets[0], data


def ascii_table(patterns: list[str]) -> np.ndarray:
    """Per byte value below 128: bit k set if that ASCII character matches patterns[k]."""
    chars = pa.array([chr(c) for c in range(128)], pa.string())
    table = np.zeros(256, dtype=np.uint8)
    for k, pattern in enumerate(patterns):
        hit = pc.match_substring_regex(chars, f"^(?:{pattern})$").to_numpy(zero_copy_only=False)
        table[:128] |= hit.astype(np.uint8) << k
    return table


def classes(
    data: np.ndarray, table: np.ndarray, patterns: list[str], whole_chars: bool = False
) -> np.ndarray:
    """Per byte of `data`: bit k set if the character starting at that byte matches
    patterns[k]. Continuation bytes of multi-byte characters get 0 (so that summing counts
    characters), or with `whole_chars` their character's class (so that runs of a class cover
    whole characters). `table` is ascii_table(patterns)."""
    cls = table[data]
    lead = np.flatnonzero(data >= 0xC0)  # first bytes of multi-byte characters
    if len(lead):
        b = [data[np.minimum(lead + k, len(data) - 1)].astype(np.int32) for k in range(4)]
        cont = [x & 0x3F for x in b[1:]]
        cp = np.where(
            b[0] < 0xE0,
            ((b[0] & 0x1F) << 6) | cont[0],
            np.where(
                b[0] < 0xF0,
                ((b[0] & 0x0F) << 12) | (cont[0] << 6) | cont[1],
                ((b[0] & 0x07) << 18) | (cont[0] << 12) | (cont[1] << 6) | cont[2],
            ),
        )
        cls[lead] = _code_point_classes(cp, patterns)
        if whole_chars:
            size = np.where(b[0] < 0xE0, 2, np.where(b[0] < 0xF0, 3, 4))
            for k in (1, 2, 3):
                more = size > k
                cls[np.minimum(lead[more] + k, len(data) - 1)] = cls[lead[more]]
    return cls


def runs(offsets: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) byte ranges of the runs of True in `inside` (one flag per byte of the data
    `offsets` divides into texts). A run never goes on into the next text."""
    flag = np.concatenate([[False], inside, [False]])
    text_start = np.zeros(len(inside) + 1, dtype=bool)
    text_start[offsets[:-1]] = True
    inner = flag[1:-1]
    start = np.flatnonzero(inner & (~flag[:-2] | text_start[:-1]))
    end = np.flatnonzero(inner & (~flag[2:] | text_start[1:])) + 1
    return start, end


def text_of(offsets: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The index of the text each byte position in `at` belongs to."""
    return np.searchsorted(offsets, at, side="right") - 1


def pieces(data: np.ndarray, start: np.ndarray, end: np.ndarray) -> pa.Array:
    """The strings data[start:end] for ranges that do not overlap, in order, as one Arrow
    array (one copy of their bytes, no Python string per piece)."""
    edge = np.zeros(len(data) + 1, dtype=np.int8)
    edge[start] += 1
    edge[end] -= 1
    inside = np.cumsum(edge[:-1], dtype=np.int8).astype(bool)
    piece_offsets = np.concatenate([[0], np.cumsum(end - start)]).astype(np.int64)
    return pa.LargeStringArray.from_buffers(
        len(start), pa.py_buffer(piece_offsets), pa.py_buffer(data[inside].tobytes())
    )


def _code_point_classes(cp: np.ndarray, patterns: list[str]) -> np.ndarray:
    """The class bits of each code point; those not met before in this process are classified
    by the regex engine, each once, and remembered."""
    known = _CLASS_OF.setdefault(tuple(patterns), np.full(0x200000, UNKNOWN, dtype=np.uint8))
    bits = known[cp]
    new = bits == UNKNOWN
    if new.any():
        fresh = sets.unique(cp[new])
        chars = pa.array([chr(c) for c in fresh.tolist()], pa.string())
        found = np.zeros(len(fresh), dtype=np.uint8)
        for k, pattern in enumerate(patterns):
            hit = pc.match_substring_regex(chars, f"^(?:{pattern})$")
            found |= hit.to_numpy(zero_copy_only=False).astype(np.uint8) << k
        known[fresh] = found
        bits = known[cp]
    return bits
