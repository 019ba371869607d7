"""Compiled loops of the canned-note check (features/invitation): trigram codes of each note's
key looked up in a hash table of the default invitation texts' trigrams."""

from __future__ import annotations

import numpy as np

from fakeprofile.jit import compiled, inlined


@inlined
def _slot(code, shift):
    """First slot of a trigram code in a table of 2 ** (64 - shift) slots (Fibonacci hashing:
    the top bits of the code times a constant). Both tables of count_grams use it."""
    return np.int64((np.uint64(code) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(shift))


def slot_table(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Open addressing over `codes` (distinct, never negative): per slot, the index into
    `codes` of the code stored there, or -1; and the table's shift for `_slot`. Four times as
    many slots as codes, so a look-up takes one or two probes (a binary search over the ~600
    canned trigrams took ten)."""
    slots = 4
    while slots < 4 * len(codes):
        slots *= 2
    shift = 64 - (slots.bit_length() - 1)
    table = np.full(slots, -1, dtype=np.int64)
    _fill_slots(codes.astype(np.int64), table, shift)
    return table, shift


@compiled
def _fill_slots(codes, table, shift):
    """Place each of `codes` at its first free slot from _slot(code), in order. Compiled and
    cached: called from Python, the inlined _slot was compiled anew in every process."""
    mask = len(table) - 1
    for i in range(len(codes)):
        k = _slot(codes[i], shift)
        while table[k] != -1:
            k = (k + 1) & mask
        table[k] = i


@compiled
def count_grams(chars, in_key, ends, canned_codes, canned_slots, canned_shift, canned_has):
    """Per text (chars[ends[i - 1]:ends[i]]): how many distinct trigrams its padded key has,
    and how many of them each canned text has. Plain loops only (two hash tables): np.sort and
    np.searchsorted made Numba's compile several times longer. Both tables place a code by
    Fibonacci hashing (its top bits times a constant): the XOR of a code's three characters,
    used before, put most ASCII trigrams in a few hundred slots, and a binary search over the
    canned trigrams took ten steps."""
    n, width = len(ends), canned_has.shape[1]
    canned_mask = len(canned_slots) - 1
    sizes = np.zeros(n, dtype=np.float64)
    common = np.zeros((n, width), dtype=np.float64)
    start = 0
    for i in range(n):
        end = ends[i]
        key = np.empty(2 * (end - start) + 3, dtype=np.int64)  # "  " + key + " "
        key[0] = key[1] = 32
        m, gap = 2, False
        for j in range(start, end):
            if in_key[j]:
                if gap and m > 2:
                    key[m] = 32
                    m += 1
                key[m] = chars[j]
                m += 1
                gap = False
            else:
                gap = True
        start = end
        if m == 2:
            continue  # an empty key has no trigrams
        key[m] = 32
        slots, shift = 4, 62
        while slots < 2 * (m - 1):
            slots, shift = 2 * slots, shift - 1
        seen = np.full(slots, -1, dtype=np.int64)  # open addressing; codes are never negative
        for j in range(m - 1):
            code = (key[j] << 42) | (key[j + 1] << 21) | key[j + 2]
            k = _slot(code, shift)
            while seen[k] != -1 and seen[k] != code:
                k = (k + 1) & (slots - 1)
            if seen[k] == code:
                continue  # met before in this note
            seen[k] = code
            sizes[i] += 1
            k = _slot(code, canned_shift)
            while canned_slots[k] != -1 and canned_codes[canned_slots[k]] != code:
                k = (k + 1) & canned_mask
            at = canned_slots[k]
            if at != -1:
                for c in range(width):
                    common[i, c] += canned_has[at, c]
    return sizes, common
