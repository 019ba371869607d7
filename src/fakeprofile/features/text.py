"""Writing style and evasion (`text_*`) over a profile's own text, plus the spelling error rate
(the writing features over the profile's texts, the evasion checks over the note too).

Evasion tricks are their own signal: zero-width characters, letters from another script mixed into
a word (Cyrillic "а" in "WhatsАpp"), and spaced-out letters ("W h a t s A p p"). Honest members do
not write that way, so one occurrence is telling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features import spelling
from fakeprofile.features.frame import join_child, num, safe_div
from fakeprofile.features.lexicon import LANGS
from fakeprofile.kernels import text as kernels
from fakeprofile.kernels import utf8

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
    many of its characters are in that class, exactly as the regex would count them, for all
    classes in one pass (see kernels/utf8)."""
    offsets, data = utf8.buffers(texts)
    return kernels.class_counts(offsets, utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES), _N_CLASSES)


def spaced_out(texts: pa.Array) -> np.ndarray:
    """Matches of SPACED_OUT per string of a non-null string array, counted as Arrow's
    count_substring_regex counts them, without the regex (Arrow compiles a pattern anew on
    every call; docs/scaling.md)."""
    offsets, data = utf8.buffers(texts)
    return kernels.spaced_out(offsets, data, utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES))


def repeated_punctuation(texts: pa.Array) -> np.ndarray:
    """Per string of a non-null string array: matches of REPEATED_PUNCT, counted as the regex
    counts them. Its two parts use different characters, and each is greedy, so a match is a
    whole run of ! and ? (two or more) or of dots (four or more). Found on the few bytes that
    are one of those three, not by the regex."""
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


# Texts that describe the profile itself. The invitation note is judged by its own features
# (invitation.py); feeding it to the profile-wide writing features made a pitch appended to a
# note, or the same personal note in another language, move the spelling rate, the capitals and
# the main language, and so lower a score or move a decision (behavioural tests, issue 26).
PROFILE_TEXTS = ("headline", "about", "experience")


def compute(table: pa.Table, min_zipf: float) -> pd.DataFrame:
    n = table.num_rows
    texts = own_texts(table)
    names = names_of(table)
    profile = {k: texts[k] for k in PROFILE_TEXTS}
    errors, checked, lang = spelling.spelling_errors(list(profile.values()), names, min_zipf)
    # The profile's main language: the one most of its checked words were written in.
    lang_len = np.zeros((n, len(LANGS)))
    for k in range(len(profile)):
        rows = np.flatnonzero(lang[k] >= 0)
        lang_len[rows, lang[k, rows]] += checked[k, rows]
    errors, checked = errors.sum(axis=0).astype(float), checked.sum(axis=0).astype(float)
    own = pc.binary_join_element_wise(*[pc.fill_null(t, "") for t in profile.values()], "\n")
    offsets, data = utf8.buffers(own)
    letters, capitals, _, emoji, _ = kernels.class_counts(
        offsets, utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES), _N_CLASSES
    )
    chars = num(pc.utf8_length(own)) - (len(profile) - 1)
    # The evasion checks read the note too: they may only raise the score (registry.increasing).
    everything = pc.binary_join_element_wise(*[pc.fill_null(t, "") for t in texts.values()], "\n")
    offsets, data = utf8.buffers(everything)
    cls = utf8.classes(data, _CHAR_TABLE, CHAR_CLASSES)
    _, _, zero_width, _, cyrillic_or_greek = kernels.class_counts(offsets, cls, _N_CLASSES)
    out = {  # framed once (see completeness.compute)
        "text_spelling_error_rate": safe_div(errors, checked),
        "text_words_checked": checked,
        "text_share_capitals": safe_div(capitals, letters),
        "text_repeated_punctuation": repeated_punctuation(own),
        "text_emoji_per_100_chars": safe_div(100 * emoji, chars),
        "text_evasion_zero_width": zero_width,
        "text_evasion_mixed_script": mixed_script(everything, cyrillic_or_greek),
        "text_evasion_spaced_letters": kernels.spaced_out(offsets, data, cls),
    }
    tricks = ["text_evasion_zero_width", "text_evasion_mixed_script", "text_evasion_spaced_letters"]
    # Replaced in ProfileFeatures._features by the count of kinds, the note's included.
    out["text_evasion"] = (np.nansum([out[t] for t in tricks], axis=0) > 0).astype(float)
    main = lang_len.argmax(axis=1)
    has = lang_len.max(axis=1) > 0
    for k, code in enumerate(LANGS):
        out[f"text_lang_{code}"] = np.where(has, (main == k).astype(float), np.nan)
    return pd.DataFrame(out)
