r"""Word tokens of many texts at once, in one compiled pass over their UTF-8 bytes.

What a token is, is defined by two regexes, and tests hold this code to them on random Unicode
(tests/test_kernels_tokens.py):

1. NOT_WORDS is taken out of the text: URLs, e-mail addresses, @handles, #hashtags and anything
   with a digit in it (matched as Arrow's RE2 matches: leftmost, first alternative first).
2. What is left splits on anything but letters, apostrophes and hyphens (WORD), and those marks
   are cut off a token's ends ("-well-known'" -> "well-known"); a token of marks only is none.

In Arrow and numpy that was a regex replace and five passes over all the bytes; one compiled pass
replaced them (docs/performance-history.md gives the measurements).
Characters are classed as in kernels/utf8: by the regex engine itself, once per distinct
character.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakeprofile.jit import compiled, inlined
from fakeprofile.kernels import utf8

NOT_WORDS = r"(?i)(?:https?://|www\.)\S+|\S+@\S+\.\S+|[@#][\p{L}\p{N}_]+|\S*\p{N}\S*"
WORD = r"\p{L}'’\-"  # the characters of words: letters, apostrophes and hyphens
# Class bits of a character (set on its first byte): letter, apostrophe or hyphen, number, and
# RE2's \s (ASCII white space only).
CLASSES = [r"\p{L}", r"['’\-]", r"\p{N}", r"\s"]
_TABLE = utf8.ascii_table(CLASSES)
_LETTER, _MARK, _NUMBER, _SPACE = 1, 2, 4, 8


def tokenize(texts: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(index of the text each token comes from, tokens) for an Arrow string array (nulls are
    taken as empty texts)."""
    offsets, data = utf8.buffers(texts)
    text, ends, chars = _tokens(offsets, data, utf8.classes(data, _TABLE, CLASSES))
    return text, pa.LargeStringArray.from_buffers(
        len(text), pa.py_buffer(np.append(np.int64(0), ends)), pa.py_buffer(chars)
    )


def warm() -> None:
    """Compile the loops now (or load them from Numba's cache), on one text."""
    tokenize(pa.array(["warm-up 1 www.x.dk a@b.c #tag"]))


@compiled
def _tokens(offsets, data, cls):
    """Per token: its text, and the end of its bytes in `chars`, all tokens' bytes one after
    the other.

    Every alternative of NOT_WORDS matches non-white-space only, so matches lie within runs of
    it, and so do words: the text is taken run by run. Most runs (plain words) have no number
    and none of h, w, @ and #, one of which every match needs; the others have their matches
    marked in `gone` first."""
    gone = np.zeros(len(data), dtype=np.bool_)
    chars = np.empty(len(data), dtype=np.uint8)
    text = np.empty(len(data) // 8 + 16, dtype=np.int64)
    ends = np.empty(len(text), dtype=np.int64)
    k, size = 0, 0
    for t in range(len(offsets) - 1):
        i, stop = offsets[t], offsets[t + 1]
        most = (stop - i + 1) // 2  # tokens a text can have; grown here, so that the loop
        if k + most > len(text):  # below never checks room (no branch per token)
            text = np.concatenate((text, np.empty(len(text) + most, dtype=np.int64)))
            ends = np.concatenate((ends, np.empty(len(ends) + most, dtype=np.int64)))
        while i < stop:
            if cls[i] & _SPACE:
                i += 1
                continue
            lo, some = i, False
            while i < stop and not cls[i] & _SPACE:
                b = data[i]
                some |= b == 64 or b == 35 or b | 0x20 == 104 or b | 0x20 == 119 or cls[i] & _NUMBER
                i += 1
            hi = i
            if some:
                _match_run(data, cls, lo, hi, gone)
            # The words of the run: runs of word characters outside `gone` (a continuation
            # byte has class 0, and is taken with its character), without marks at the ends.
            j = lo
            while j < hi:
                if gone[j] or not cls[j] & (_LETTER | _MARK):
                    j += 1
                    continue
                start, last = j, j  # last: where the word's last character starts
                j += 1
                while j < hi and not gone[j]:
                    if data[j] & 0xC0 == 0x80:
                        j += 1
                    elif cls[j] & (_LETTER | _MARK):
                        last = j
                        j += 1
                    else:
                        break
                end = j
                while start < end and cls[start] & _MARK:
                    start += _char_size(data[start])
                while end > start and cls[last] & _MARK:
                    end = last
                    last -= 1
                    while last > start and data[last] & 0xC0 == 0x80:
                        last -= 1
                if start == end:
                    continue  # marks only
                for m in range(start, end):
                    chars[size] = data[m]
                    size += 1
                text[k], ends[k] = t, size
                k += 1
    return text[:k].copy(), ends[:k].copy(), chars[:size].copy()


@inlined
def _match_run(data, cls, lo, hi, gone):
    r"""Mark in `gone` the matches of NOT_WORDS in the run [lo, hi) of non-white-space bytes.

    At each character p, from the left: `(?:https?://|www\.)\S+`, `\S+@\S+\.\S+` and
    `\S*\p{N}\S*` take the rest of the run if they match at p; `[@#][\p{L}\p{N}_]+` takes the
    handle. The second matches at p when an @ after p has a dot two or more bytes after it that
    is not the run's last byte; the last when a number comes at or after p. Neither can match
    further on once it does not match at p, so after that only h, w, @ and # can start one."""
    last_number, last_dot = -1, -1
    for i in range(lo, hi):
        if cls[i] & _NUMBER:
            last_number = i
        if data[i] == 46 and i + 1 < hi:  # "."
            last_dot = i
    last_at = -1  # the last @ with such a dot after it
    for i in range(lo, last_dot - 1):
        if data[i] == 64:  # "@"
            last_at = i
    p = lo
    while p < hi:
        end = -1
        if _url_at(data, p, hi) or last_at > p:
            end = hi
        elif (data[p] == 64 or data[p] == 35) and p + 1 < hi and _handle_char(data, cls, p + 1):
            end = p + 1
            while end < hi and _handle_char(data, cls, end):
                end += _char_size(data[end])
        elif last_number >= p:
            end = hi
        if end >= 0:
            gone[p:end] = True
            p = end
        elif last_number >= p or last_at > p:
            p += _char_size(data[p])
        else:  # to the next h, w, @ or # (ASCII: never inside another character)
            p += 1
            while p < hi:
                b = data[p]
                if b == 64 or b == 35 or b | 0x20 == 104 or b | 0x20 == 119:
                    break
                p += 1


@inlined
def _url_at(data, p, hi):
    r"""Does (?i)(?:https?://|www\.)\S+ match at byte p of a run ending at hi? Case is folded
    as RE2 folds it: "s" also matches "ſ" (U+017F, long s)."""
    b = data[p] | 0x20  # ASCII lower case (only letters are compared below)
    if b == 119:  # w
        ok = p + 4 < hi and data[p + 1] | 0x20 == 119 and data[p + 2] | 0x20 == 119
        return ok and data[p + 3] == 46
    if b != 104 or p + 3 >= hi:  # h
        return False
    if not (data[p + 1] | 0x20 == 116 and data[p + 2] | 0x20 == 116 and data[p + 3] | 0x20 == 112):
        return False
    q = p + 4
    if q < hi and data[q] | 0x20 == 115:  # s
        q += 1
    elif q + 1 < hi and data[q] == 0xC5 and data[q + 1] == 0xBF:  # ſ
        q += 2
    return q + 3 < hi and data[q] == 58 and data[q + 1] == 47 and data[q + 2] == 47


@inlined
def _handle_char(data, cls, i):
    r"""[\p{L}\p{N}_] at byte i."""
    return (cls[i] & (_LETTER | _NUMBER)) != 0 or data[i] == 95


@inlined
def _char_size(lead):
    """Bytes of the UTF-8 character that starts with byte `lead`."""
    if lead < 0xC0:
        return 1
    if lead < 0xE0:
        return 2
    if lead < 0xF0:
        return 3
    return 4
