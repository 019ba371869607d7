"""Writing style and evasion (`text_*`) over a profile's own text, plus the spelling error rate.

Evasion tricks are their own signal: zero-width characters, letters from another script mixed into
a word (Cyrillic "а" in "WhatsАpp"), and spaced-out letters ("W h a t s A p p"). Honest members do
not write that way, so one occurrence is telling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features import spelling, utf8
from fakeprofile.features.frame import join_child, num, safe_div
from fakeprofile.features.lexicon import LANGS
from fakeprofile.jit import compiled

ZERO_WIDTH = r"[\x{200B}-\x{200F}\x{2060}-\x{2064}\x{FEFF}\x{00AD}]"
MIXED_SCRIPT = (
    r"\p{Latin}[\p{Latin}\x{200B}-\x{200F}]*[\p{Cyrillic}\p{Greek}]"
    r"|[\p{Cyrillic}\p{Greek}][\p{Cyrillic}\p{Greek}]*\p{Latin}"
)
SPACED_OUT = r"(?:^|\s)(?:\p{L}[ .]){4,}\p{L}(?:\s|$)"
REPEATED_PUNCT = r"[!?]{2,}|\.{4,}"
EMOJI = r"[\x{1F300}-\x{1FAFF}\x{2600}-\x{27BF}\x{1F1E6}-\x{1F1FF}]"


def own_texts(table: pa.Table) -> dict[str, pa.Array]:
    """The texts a member wrote: headline, about, experience descriptions, invitation note."""
    experience = join_child(table, "experience", "description")
    return {
        "headline": table.column("headline").combine_chunks(),
        "about": table.column("about").combine_chunks(),
        "experience": experience,
        "note": pc.struct_field(table.column("invitation"), "message").combine_chunks(),
    }


def names_of(table: pa.Table) -> pa.Array:
    """Space-joined names of each profile: its own name, employers, schools and places."""
    parts = [
        table.column("name"),
        table.column("username"),
        table.column("location"),
        join_child(table, "experience", "company"),
        join_child(table, "experience", "location"),
        join_child(table, "education", "school"),
    ]
    joined = pc.binary_join_element_wise(*[pc.fill_null(p, "") for p in parts], " ")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


# Characters counted one by one: bit 0 letter, 1 upper-case letter, 2 zero-width, 3 emoji,
# 4 Cyrillic or Greek (a text without any cannot match MIXED_SCRIPT).
CHAR_CLASSES = [r"\p{L}", r"\p{Lu}", ZERO_WIDTH, EMOJI, r"[\p{Cyrillic}\p{Greek}]"]
_CHAR_TABLE = utf8.ascii_table(CHAR_CLASSES)
_N_CLASSES = len(CHAR_CLASSES)


def char_counts(texts: pa.Array) -> np.ndarray:
    """Per class of CHAR_CLASSES (rows) and string of a non-null string array (columns): how
    many of its characters are in that class, exactly as the regex would count them, at a
    fifteenth of its cost and for all classes in one pass (see features/utf8)."""
    offsets, data = utf8.buffers(texts)
    return _counts(offsets, utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES))


@compiled
def _counts(offsets, cls):
    """char_counts from the texts' offsets and their bytes' classes: per class, how many bytes
    of each text have its bit (one pass for all classes; numpy's reduceat took one per class)."""
    n_classes = _N_CLASSES
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


def warm() -> None:
    """Compile the character counts and the spaced-out letters now (or load them from Numba's
    cache), on one text."""
    char_counts(pa.array(["W h a t s A p p"]))
    spaced_out(pa.array(["W h a t s A p p"]))


# Character codes of the spaced-out matcher, and the code of each ASCII byte (RE2's \s is ASCII
# white space only; a byte of 128 or more is a letter if its character is, else _OTHER).
_OTHER, _LETTER, _BLANK, _DOT, _WHITE = 0, 1, 2, 3, 4
_CODE = np.where(utf8.ascii_table([r"\s"]) > 0, _WHITE, _OTHER).astype(np.uint8)
_CODE[ord(" ")], _CODE[ord(".")] = _BLANK, _DOT


def spaced_out(texts: pa.Array) -> np.ndarray:
    """Matches of SPACED_OUT per string of a non-null string array, counted as Arrow's
    count_substring_regex counts them, without the regex: that took 6.3 ms per chunk of 2,500
    profiles, its pattern compiled anew on every call; this 2.2 ms."""
    offsets, data = utf8.buffers(texts)
    return _spaced_out(offsets, data, utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES), _CODE)


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


def repeated_punctuation(texts: pa.Array) -> np.ndarray:
    """Per string of a non-null string array: matches of REPEATED_PUNCT, counted as the regex
    counts them. Its two parts use different characters, and each is greedy, so a match is a
    whole run of ! and ? (two or more) or of dots (four or more). Found on the few bytes that
    are one of those three, at a fraction of the regex's cost."""
    offsets, data = utf8.buffers(texts)
    at = np.flatnonzero((data == ord("!")) | (data == ord("?")) | (data == ord(".")))
    dot = data[at] == ord(".")
    text = utf8.text_of(offsets, at)
    first = np.ones(len(at), dtype=bool)  # does a run start here?
    first[1:] = (at[1:] != at[:-1] + 1) | (dot[1:] != dot[:-1]) | (text[1:] != text[:-1])
    starts = np.flatnonzero(first)
    long = np.diff(np.append(starts, len(at))) >= np.where(dot[starts], 4, 2)
    return np.bincount(text[starts[long]], minlength=len(offsets) - 1).astype(np.float64)


def mixed_script(texts: pa.Array, cyrillic_or_greek: np.ndarray) -> np.ndarray:
    """Matches of MIXED_SCRIPT per string; the regex runs only on the strings that have a
    Cyrillic or Greek letter (`cyrillic_or_greek` > 0), since both of its parts need one."""
    out = np.zeros(len(texts))
    some = np.flatnonzero(cyrillic_or_greek > 0)
    if len(some):
        out[some] = num(pc.count_substring_regex(texts.take(pa.array(some)), MIXED_SCRIPT))
    return out


def compute(table: pa.Table, min_zipf: float) -> pd.DataFrame:
    n = table.num_rows
    texts = own_texts(table)
    names = names_of(table)
    errors, checked, lang = spelling.spelling_errors(list(texts.values()), names, min_zipf)
    # The profile's main language: the one most of its checked words were written in.
    lang_len = np.zeros((n, len(LANGS)))
    for k in range(len(texts)):
        rows = np.flatnonzero(lang[k] >= 0)
        lang_len[rows, lang[k, rows]] += checked[k, rows]
    errors, checked = errors.sum(axis=0).astype(float), checked.sum(axis=0).astype(float)
    everything = pc.binary_join_element_wise(*[pc.fill_null(t, "") for t in texts.values()], "\n")
    offsets, data = utf8.buffers(everything)
    cls = utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES)
    letters, capitals, zero_width, emoji, cyrillic_or_greek = _counts(offsets, cls)
    chars = num(pc.utf8_length(everything)) - (len(texts) - 1)
    out = {  # framed once (see completeness.compute)
        "text_spelling_error_rate": safe_div(errors, checked),
        "text_words_checked": checked,
        "text_share_capitals": safe_div(capitals, letters),
        "text_repeated_punctuation": repeated_punctuation(everything),
        "text_emoji_per_100_chars": safe_div(100 * emoji, chars),
        "text_evasion_zero_width": zero_width,
        "text_evasion_mixed_script": mixed_script(everything, cyrillic_or_greek),
        "text_evasion_spaced_letters": _spaced_out(offsets, data, cls, _CODE),
    }
    tricks = ["text_evasion_zero_width", "text_evasion_mixed_script", "text_evasion_spaced_letters"]
    # Replaced in ProfileFeatures._features by the count of kinds, the note's included.
    out["text_evasion"] = (np.nansum([out[t] for t in tricks], axis=0) > 0).astype(float)
    main = lang_len.argmax(axis=1)
    has = lang_len.max(axis=1) > 0
    for k, code in enumerate(LANGS):
        out[f"text_lang_{code}"] = np.where(has, (main == k).astype(float), np.nan)
    return pd.DataFrame(out)
