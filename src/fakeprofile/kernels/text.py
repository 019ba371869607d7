"""Compiled loops of the text features: counts of character classes, the spaced-out letters
matcher (the regex SPACED_OUT of features/text, without the regex) and the language totals of
features/spelling."""

from __future__ import annotations

import numpy as np

from fakeprofile.jit import compiled
from fakeprofile.kernels import utf8


@compiled
def class_counts(offsets, cls, n_classes):
    """Per class bit (rows, `n_classes` of them) and text (columns, cut by `offsets`): how many
    bytes of the text have that bit in `cls` (one pass for all classes)."""
    out = np.zeros((n_classes, len(offsets) - 1))
    for t in range(len(offsets) - 1):
        counts = np.zeros(n_classes, dtype=np.int64)
        for i in range(offsets[t], offsets[t + 1]):
            c = cls[i]
            if c:
                for k in range(n_classes):
                    counts[k] += (c >> k) & 1
        out[:, t] = counts
    return out


# Character codes of the spaced-out matcher, and the code of each ASCII byte (RE2's \s is ASCII
# white space only; a byte of 128 or more is a letter if its character is, else _OTHER).
_OTHER, _LETTER, _BLANK, _DOT, _WHITE = 0, 1, 2, 3, 4
_CODE = np.where(utf8.ascii_table([r"\s"]) > 0, _WHITE, _OTHER).astype(np.uint8)
_CODE[ord(" ")], _CODE[ord(".")] = _BLANK, _DOT


def spaced_out(offsets: np.ndarray, data: np.ndarray, cls: np.ndarray) -> np.ndarray:
    r"""Per text: matches of (?:^|\s)(?:L[ .]){4,}L(?:\s|$), L a letter (bit 0 of `cls`, as
    utf8.classes gives it for a class list that starts with \p{L})."""
    return _spaced_out(offsets, data, cls, _CODE)


@compiled
def _spaced_out(offsets, data, cls, ascii_code):
    r"""Per text: matches of SPACED_OUT = (?:^|\s)(?:L[ .]){4,}L(?:\s|$), L a letter (bit 0 of
    `cls`, set on a letter's first byte), searched as Arrow does: after a match, the search goes
    on in the rest of the text as a text of its own, so `^` matches again where the last match
    ended. Tests compare this with the regex on random texts (tests/test_features_text.py).

    One pass codes the characters and looks for four (L[ .]) pairs and a letter in a row, which
    every match has; only texts that have them are searched."""
    n = len(offsets) - 1
    out = np.zeros(n)
    longest = 0
    for t in range(n):
        longest = max(longest, offsets[t + 1] - offsets[t])
    code = np.empty(longest + 2, dtype=np.uint8)  # one per character of the current text
    pairs = np.zeros(longest + 2, dtype=np.int64)  # (L[ .]) pairs in a row from here
    for t in range(n):
        m, chain, after_letter, candidate = 0, 0, False, False
        for i in range(offsets[t], offsets[t + 1]):
            b = data[i]
            if b & 0xC0 == 0x80:
                continue  # a continuation byte: not a character of its own
            c = _LETTER if cls[i] & 1 else ascii_code[b]
            code[m] = c
            m += 1
            if c == _LETTER:
                if after_letter:
                    chain = 0  # two letters: a chain can start at this one
                elif chain >= 4:
                    candidate = True
                after_letter = True
            elif after_letter and c in (_BLANK, _DOT):
                chain += 1
                after_letter = False
            else:
                chain, after_letter = 0, False
        if not candidate:
            continue
        pairs[m] = pairs[m + 1] = 0
        for i in range(m - 1, -1, -1):
            pair = (
                i + 1 < m and code[i] == _LETTER and (code[i + 1] == _BLANK or code[i + 1] == _DOT)
            )
            pairs[i] = pairs[i + 2] + 1 if pair else 0
        count, start, p = 0, 0, 0
        while p < m:
            end = _spaced_match(code, pairs, p, m) if p == start else -1  # ^
            if end < 0 and (code[p] == _BLANK or code[p] == _WHITE):  # \s
                end = _spaced_match(code, pairs, p + 1, m)
            if end < 0:
                p += 1
            else:
                count += 1
                start = p = end
        out[t] = count
    return out


@compiled
def _spaced_match(code, pairs, q, m):
    r"""End of the match of (?:L[ .]){4,}L(?:\s|$) at character q, or -1: the most pairs that
    are followed by a letter and then white space or the end (the repeat is greedy)."""
    if q >= m:
        return -1
    for j in range(pairs[q], 3, -1):
        at = q + 2 * j
        if at < m and code[at] == _LETTER:
            if at + 1 == m:
                return m
            if code[at + 1] == _BLANK or code[at + 1] == _WHITE:
                return at + 2
    return -1


@compiled
def language_totals(unit, token_id, scores, n_units):
    """Per text unit and language: the sum of its tokens' scores, added in token order as
    np.bincount with weights adds them (so the same to the last bit), all languages in one
    pass instead of six."""
    totals = np.zeros((n_units, scores.shape[1]))
    for i in range(len(unit)):
        for k in range(scores.shape[1]):
            totals[unit[i], k] += np.float64(scores[token_id[i], k])
    return totals
