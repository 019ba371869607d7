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

from fakeprofile.features import spelling
from fakeprofile.features.frame import join_child, num, safe_div
from fakeprofile.features.lexicon import LANGS

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


# Per byte value: bit 0 = ASCII letter, bit 1 = ASCII upper-case letter.
_ASCII_CLASS = np.zeros(256, dtype=np.uint8)
_ASCII_CLASS[ord("a") : ord("z") + 1] = 1
_ASCII_CLASS[ord("A") : ord("Z") + 1] = 3


def letter_counts(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Letters (\\p{L}) and upper-case letters (\\p{Lu}) per string of a non-null string array.

    Counting with a regex costs one match per letter (150 ms per MB of text). Here the UTF-8
    bytes are read with numpy instead: ASCII letters by their byte values, and each distinct
    non-ASCII character of the batch (a few dozen: æ, ø, ä, é, emoji) is classified once by
    the same regex engine, so the counts are exactly the regex counts.
    """
    texts = texts.cast(pa.large_string())  # 64-bit offsets, whatever the input's
    offsets = np.frombuffer(texts.buffers()[1], np.int64)[
        texts.offset : texts.offset + len(texts) + 1
    ]
    data = np.frombuffer(texts.buffers()[2] or b"\0", np.uint8)[offsets[0] : offsets[-1]]
    cls = _ASCII_CLASS[data]
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
        distinct, which = np.unique(cp, return_inverse=True)
        chars = pa.array([chr(c) for c in distinct.tolist()], pa.string())
        letter = pc.match_substring_regex(chars, r"^\p{L}$").to_numpy(zero_copy_only=False)
        upper = pc.match_substring_regex(chars, r"^\p{Lu}$").to_numpy(zero_copy_only=False)
        cls[lead] = (letter.astype(np.uint8) | (upper.astype(np.uint8) << 1))[which]
    starts, lengths = offsets[:-1] - offsets[0], np.diff(offsets)

    def per_text(flags: np.ndarray) -> np.ndarray:
        if not len(flags):
            return np.zeros(len(lengths))
        # reduceat sums each text's bytes; an empty text would get its neighbour's first byte.
        sums = np.add.reduceat(flags, np.minimum(starts, len(flags) - 1), dtype=np.int64)
        return np.where(lengths > 0, sums, 0).astype(np.float64)

    return per_text(cls & 1), per_text(cls >> 1)


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
    letters, capitals = letter_counts(everything)
    chars = num(pc.utf8_length(everything)) - (len(texts) - 1)
    out = pd.DataFrame(
        {
            "text_spelling_error_rate": safe_div(errors, checked),
            "text_words_checked": checked,
            "text_share_capitals": safe_div(capitals, letters),
            "text_repeated_punctuation": num(pc.count_substring_regex(everything, REPEATED_PUNCT)),
            "text_emoji_per_100_chars": safe_div(
                100 * num(pc.count_substring_regex(everything, EMOJI)), chars
            ),
            "text_evasion_zero_width": num(pc.count_substring_regex(everything, ZERO_WIDTH)),
            "text_evasion_mixed_script": num(pc.count_substring_regex(everything, MIXED_SCRIPT)),
            "text_evasion_spaced_letters": num(pc.count_substring_regex(everything, SPACED_OUT)),
        }
    )
    out["text_evasion"] = (
        out[
            ["text_evasion_zero_width", "text_evasion_mixed_script", "text_evasion_spaced_letters"]
        ].sum(axis=1)
        > 0
    ).astype(float)
    main = lang_len.argmax(axis=1)
    has = lang_len.max(axis=1) > 0
    for k, code in enumerate(LANGS):
        out[f"text_lang_{code}"] = np.where(has, (main == k).astype(float), np.nan)
    return out
