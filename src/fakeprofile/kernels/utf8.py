"""Character classes of a whole Arrow string array at once, read from its UTF-8 bytes with numpy.

A regex over every character costs one match per character, which dominated the features. Here
ASCII bytes are classified by a 256-entry table, and each *distinct* non-ASCII character of the
batch (a few dozen: æ, ø, ä, é, ’, emoji) is classified by the regex engine the rest of the
features use (Arrow's RE2), so the classes are exactly what that regex would say. Each process
remembers the classes of the characters it has met, so after the first chunks no regex runs.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.jit import compiled
from fakeprofile.kernels import sets

UNKNOWN = 255  # no class yet (classes use at most 7 bits)
# Per set of patterns: the class of every code point the formula in `classes` can give
# (up to 0x1FFFFF), UNKNOWN until met. 2 MB each; a process uses two or three sets.
_CLASS_OF: dict[tuple[str, ...], np.ndarray] = {}


def _known(patterns: list[str]) -> np.ndarray:
    """The process's table of code point -> class bits for `patterns` (UNKNOWN where not met
    yet), made on first use: setdefault would build (and drop) a 2 MB table on every call."""
    key = tuple(patterns)
    if key not in _CLASS_OF:
        _CLASS_OF[key] = np.full(0x200000, UNKNOWN, dtype=np.uint8)
    return _CLASS_OF[key]


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
    whole characters). `table` is ascii_table(patterns).

    One compiled pass looks every character up in the process's table of the characters met
    so far; only data holding a character not met before take the numpy path, which has the
    regex classify the new ones (and remembers them)."""
    known = _known(patterns)
    cls, complete = _classes(data, table, known, whole_chars)
    return cls if complete else _learn(data, table, patterns, whole_chars)


@compiled
def _classes(data, table, known, whole_chars):
    """classes() from `known` alone, and whether every character was in it."""
    cls = np.empty(len(data), dtype=np.uint8)
    complete = True
    i = 0
    while i < len(data):
        b = np.int32(data[i])
        if b < 0xC0:  # ASCII, or a continuation byte out of place
            cls[i] = table[b]
            i += 1
            continue
        if b < 0xE0:
            size, cp = 2, b & 0x1F
        elif b < 0xF0:
            size, cp = 3, b & 0x0F
        else:
            size, cp = 4, b & 0x07
        for k in range(1, size):  # as _learn reads it: past the end, the last byte again
            cp = (cp << 6) | (np.int32(data[min(i + k, len(data) - 1)]) & 0x3F)
        c = known[cp]
        complete &= c != UNKNOWN
        cls[i] = c
        for k in range(1, size):
            if i + k < len(data):
                cls[i + k] = c if whole_chars else table[data[i + k]]
        i += size
    return cls, complete


def _learn(
    data: np.ndarray, table: np.ndarray, patterns: list[str], whole_chars: bool
) -> np.ndarray:
    """classes() in numpy, classifying the characters not met before by the regex."""
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
    piece_offsets = np.concatenate([[0], np.cumsum(end - start)]).astype(np.int64)
    return pa.LargeStringArray.from_buffers(
        len(start),
        pa.py_buffer(piece_offsets),
        pa.py_buffer(_gather(data, start, end, piece_offsets)),
    )


@compiled
def _gather(data, start, end, piece_offsets):
    """The bytes of the ranges, one after the other (in numpy this needs a mask over all of
    `data`)."""
    out = np.empty(piece_offsets[-1], dtype=np.uint8)
    for k in range(len(start)):
        out[piece_offsets[k] : piece_offsets[k + 1]] = data[start[k] : end[k]]
    return out


def _code_point_classes(cp: np.ndarray, patterns: list[str]) -> np.ndarray:
    """The class bits of each code point; those not met before in this process are classified
    by the regex engine, each once, and remembered."""
    known = _known(patterns)
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
