"""Profile completeness (`profile_*`): which sections are filled, how much, and whether the career
adds up. Fake accounts are thin, or full of invented positions that overlap or disagree with their
headline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features.frame import field, length, list_len, num, present
from fakeprofile.schema import SECTION_NAMES

DAY_US = 86_400


def _career(table: pa.Table, as_of_days: np.ndarray) -> pd.DataFrame:
    """Years of experience, overlapping positions and implausible dates, per profile."""
    n = table.num_rows
    exp = table.column("experience")
    flat = pc.list_flatten(exp)
    parent = pc.list_parent_indices(exp).to_numpy()
    start = num(pc.cast(pc.struct_field(flat, "start"), pa.int32()))
    end = num(pc.cast(pc.struct_field(flat, "end"), pa.int32()))
    end_or_now = np.where(np.isnan(end), as_of_days[parent], end)
    dur = np.clip(end_or_now - start, 0, None) / 365.25
    df = pd.DataFrame({"p": parent, "start": start, "end": end_or_now, "dur": dur})
    years = df.groupby("p")["dur"].sum(min_count=1)
    df = df.dropna(subset=["start"]).sort_values(["p", "start"], kind="stable")
    prev_end = df.groupby("p")["end"].cummax().groupby(df["p"]).shift()
    overlap = (df["start"] < prev_end - 31).groupby(df["p"]).sum()  # a month of slack
    too_long = (df["dur"] > 45).groupby(df["p"]).sum()
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["profile_years_experience"] = years.reindex(out.index)
    has_list = ~np.isnan(list_len(exp))
    out["profile_overlapping_positions"] = overlap.reindex(out.index).fillna(0).where(has_list)
    out["profile_implausible_positions"] = too_long.reindex(out.index).fillna(0).where(has_list)
    return out


def _headline_agrees(table: pa.Table) -> np.ndarray:
    """1 if the headline shares a word with the current position's title, 0 if not, NaN if unknown."""
    exp = table.column("experience")
    lens = pc.fill_null(pc.list_value_length(exp), 0)
    has = pc.greater(lens, 0)
    safe = pc.if_else(has, exp, pa.scalar([{"title": ""}], exp.type))
    title = pc.struct_field(pc.list_element(safe, 0), "title")
    head = pc.utf8_lower(pc.fill_null(table.column("headline"), ""))
    title = pc.utf8_lower(pc.fill_null(title, ""))
    words_h = pc.split_pattern_regex(head, r"[^\p{L}]+")
    words_t = pc.split_pattern_regex(title, r"[^\p{L}]+")
    out = np.full(table.num_rows, np.nan)
    hs, ts = words_h.to_pylist(), words_t.to_pylist()
    known = (present(table.column("headline")) > 0) & has.to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(known):
        a = {w for w in hs[i] if len(w) > 2}
        b = {w for w in ts[i] if len(w) > 2}
        out[i] = float(bool(a & b)) if b else np.nan
    return out


def compute(table: pa.Table, as_of_days: np.ndarray) -> pd.DataFrame:
    n_exp = list_len(table.column("experience"))
    out = pd.DataFrame(
        {
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
    )
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
            np.ones((len(out), 3)),
            ~np.isnan(out["profile_n_experience"]),
            ~np.isnan(out["profile_n_education"]),
            ~np.isnan(out["profile_n_skills"]),
            ~np.isnan(sections),
        ]
    )
    with np.errstate(invalid="ignore"):
        out["profile_share_sections_filled"] = (filled * known).sum(1) / known.sum(1)
    out = pd.concat([out, _career(table, as_of_days)], axis=1)
    out["profile_headline_matches_experience"] = _headline_agrees(table)
    return out
