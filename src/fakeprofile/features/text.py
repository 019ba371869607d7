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


LETTER_CLASSES = [r"\p{L}", r"\p{Lu}"]  # bit 0: letter, bit 1: upper-case letter
_LETTER_TABLE = utf8.ascii_table(LETTER_CLASSES)


def letter_counts(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Letters (\\p{L}) and upper-case letters (\\p{Lu}) per string of a non-null string array,
    exactly as the regex would count them, at a fifteenth of its cost (see features/utf8)."""
    offsets, data = utf8.buffers(texts)
    cls = utf8.classes(data, _LETTER_TABLE, LETTER_CLASSES)
    starts, lengths = offsets[:-1], np.diff(offsets)

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
