"""Profile completeness (`profile_*`): which sections are filled, how much, and whether the career
adds up. Fake accounts are thin, or full of invented positions that overlap or disagree with their
headline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.data.schema import SECTION_NAMES
from fakeprofile.features.frame import field, length, list_len, num, present
from fakeprofile.kernels import careers as kernels
from fakeprofile.kernels import sets, utf8


def _career(table: pa.Table, as_of_days: np.ndarray) -> dict[str, np.ndarray]:
    """Years of experience, overlapping positions and implausible dates, per profile."""
    exp = table.column("experience")
    flat = pc.list_flatten(exp)
    parent = pc.list_parent_indices(exp).to_numpy().astype(np.int64)
    start = num(pc.cast(pc.struct_field(flat, "start"), pa.int32()))
    end = num(pc.cast(pc.struct_field(flat, "end"), pa.int32()))
    end_or_now = np.where(np.isnan(end), as_of_days[parent], end)
    dur = np.clip(end_or_now - start, 0, None) / 365.25
    # pandas' sum (compensated, in its own order): the same years to the last bit as before.
    years = pd.Series(dur).groupby(parent).sum(min_count=1)
    dated = np.flatnonzero(~np.isnan(start))
    order = dated[np.lexsort((start[dated], parent[dated]))]  # by profile, then start; stable
    overlap, too_long = kernels.position_counts(
        parent, start, end_or_now, dur, order, table.num_rows
    )
    no_list = np.isnan(list_len(exp))
    overlap[no_list] = too_long[no_list] = np.nan
    return {
        "profile_years_experience": years.reindex(range(table.num_rows)).to_numpy(),
        "profile_overlapping_positions": overlap,
        "profile_implausible_positions": too_long,
    }


LETTER = [r"\p{L}"]
_LETTER_TABLE = utf8.ascii_table(LETTER)


def _words(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(row, word) pairs of lower-cased words (runs of letters) longer than two letters. Found
    on the UTF-8 bytes with numpy (see kernels/utf8), not by a regex split."""
    offsets, data = utf8.buffers(pc.utf8_lower(pc.fill_null(arr, "")))
    start, end = utf8.runs(
        offsets, utf8.classes(data, _LETTER_TABLE, LETTER, whole_chars=True) != 0
    )
    # Characters per word: its bytes that do not continue a multi-byte character.
    first_bytes = np.concatenate([[0], np.cumsum((data & 0xC0) != 0x80)])
    long = first_bytes[end] - first_bytes[start] > 2
    return utf8.text_of(offsets, start[long]), utf8.pieces(data, start[long], end[long])


def _headline_agrees(table: pa.Table) -> np.ndarray:
    """1 if the headline shares a word with the current position's title, 0 if not, NaN if
    either is missing."""
    exp = table.column("experience").combine_chunks()
    # The first position's title, taken by its place in the positions (null where none).
    offsets = exp.offsets.to_numpy()
    has = (np.diff(offsets) > 0) & exp.is_valid().to_numpy(zero_copy_only=False)
    title = pc.take(pc.struct_field(exp.values, "title"), pa.array(offsets[:-1], mask=~has))
    h_row, h_word = _words(table.column("headline").combine_chunks())
    t_row, t_word = _words(title)
    enc = pc.dictionary_encode(pa.concat_arrays([h_word, t_word]))
    ids = enc.indices.to_numpy().astype(np.int64)
    width = np.int64(len(enc.dictionary) + 1)
    h_key = h_row.astype(np.int64) * width + ids[: len(h_word)]
    t_key = t_row.astype(np.int64) * width + ids[len(h_word) :]
    shared = np.bincount(t_row[sets.isin(t_key, h_key)], minlength=table.num_rows) > 0
    title_words = np.bincount(t_row, minlength=table.num_rows) > 0
    known = (present(table.column("headline")) > 0) & title_words
    return np.where(known, shared.astype(np.float64), np.nan)


def compute(table: pa.Table, as_of_days: np.ndarray) -> pd.DataFrame:
    n_exp = list_len(table.column("experience"))
    # Columns are gathered in a dict and framed once: each column added to a DataFrame has a
    # fixed cost in pandas, whatever the chunk size.
    out = {
        "profile_has_name": present(table.column("name")),
        "profile_has_headline": present(table.column("headline")),
        "profile_has_about": present(table.column("about")),
        "profile_has_location": present(table.column("location")),
        "profile_has_website": present(table.column("website")),
        "profile_headline_length": length(table.column("headline")),
        "profile_about_length": length(table.column("about")),
        "profile_n_experience": n_exp,
        "profile_n_education": list_len(table.column("education")),
        "profile_n_skills": list_len(table.column("skills")),
        "profile_n_languages": list_len(table.column("languages")),
    }
    sections = np.column_stack([num(field(table, "sections", s)) for s in SECTION_NAMES])
    for k, s in enumerate(SECTION_NAMES):
        out[f"profile_n_{s}"] = sections[:, k]
    filled = np.column_stack(
        [
            out["profile_has_headline"],
            out["profile_has_about"],
            out["profile_has_location"],
            out["profile_n_experience"] > 0,
            out["profile_n_education"] > 0,
            out["profile_n_skills"] > 0,
            *(sections[:, k] > 0 for k in range(len(SECTION_NAMES))),
        ]
    ).astype(np.float64)
    known = np.column_stack(
        [
            np.ones((table.num_rows, 3)),
            ~np.isnan(out["profile_n_experience"]),
            ~np.isnan(out["profile_n_education"]),
            ~np.isnan(out["profile_n_skills"]),
            ~np.isnan(sections),
        ]
    )
    with np.errstate(invalid="ignore"):
        out["profile_share_sections_filled"] = (filled * known).sum(1) / known.sum(1)
    out.update(_career(table, as_of_days))
    out["profile_headline_matches_experience"] = _headline_agrees(table)
    return pd.DataFrame(out)
