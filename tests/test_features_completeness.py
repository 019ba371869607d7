"""features/completeness.py: words read from UTF-8 bytes equal the regex split, the headline
check handles every shape of the experience list, and the compiled career counts equal their
pandas definition."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features.completeness import _career, _headline_agrees, _words
from fakeprofile.features.frame import list_len, num, to_table

# Letters of one to four bytes, upper-case ones that lower-case into other lengths (İ, ẞ),
# combining marks, digits, separators.
POOL = list("abcXYZ -.,/&1") * 4 + ["æ", "Ø", "İ", "ẞ", "Ж", "中", "𝐀", "\u0301", "’", "🙂"]


def regex_words(arr: pa.Array) -> tuple[list[int], list[str]]:
    """The definition: split the lower-cased text on non-letters, keep words over two letters."""
    rows, words = [], []
    lower = pc.utf8_lower(pc.fill_null(arr, "")).to_pylist()
    for i, parts in enumerate(pc.split_pattern_regex(pa.array(lower), r"[^\p{L}]+").to_pylist()):
        for w in parts:
            if len(w) > 2:
                rows.append(i)
                words.append(w)
    return rows, words


def test_words_equal_the_regex_split():
    rng = random.Random(11)
    for trial in range(30):
        texts = [
            None if rng.random() < 0.1 else "".join(rng.choices(POOL, k=rng.randint(0, 30)))
            for _ in range(200)
        ]
        arr = pa.array(texts).slice(trial % 3)  # also from an offset into the buffers
        rows, words = _words(arr)
        assert (rows.tolist(), words.to_pylist()) == regex_words(arr), f"trial {trial}"


def test_headline_agrees_for_every_shape_of_experience():
    profiles = [
        {
            "profile_id": "a",
            "headline": "Senior Data Engineer",
            "experience": [{"title": "Data engineer", "company": "X"}, {"title": "Chef"}],
        },
        {"profile_id": "b", "headline": "Chef", "experience": [{"title": "Data engineer"}]},
        {"profile_id": "c", "headline": "Chef", "experience": []},
        {"profile_id": "d", "headline": "Chef"},
        {"profile_id": "e", "headline": "Chef", "experience": [{"company": "no title"}]},
        {"profile_id": "f", "experience": [{"title": "Chef"}]},
        {"profile_id": "g", "headline": "Kok og chef", "experience": [{"title": "Chef"}]},
    ]
    expected = [1.0, 0.0, np.nan, np.nan, np.nan, np.nan, 1.0]
    table = to_table(profiles)
    np.testing.assert_array_equal(_headline_agrees(table), expected)
    # A slice of a table (offsets into the list and struct buffers) gives the same per row.
    np.testing.assert_array_equal(_headline_agrees(table.slice(2)), expected[2:])
    np.testing.assert_array_equal(
        _headline_agrees(pa.concat_tables([table.slice(5), table.slice(0, 2)])),
        expected[5:] + expected[:2],
    )


def reference_career(table: pa.Table, as_of_days: np.ndarray) -> dict[str, np.ndarray]:
    """The definition, in pandas: years summed per profile; positions sorted by start within a
    profile, each compared with the latest end before it (cummax, then shift)."""
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
    overlap = (df["start"] < prev_end - 31).groupby(df["p"]).sum()
    too_long = (df["dur"] > 45).groupby(df["p"]).sum()
    index = pd.RangeIndex(table.num_rows)
    has_list = ~np.isnan(list_len(exp))
    return {
        "profile_years_experience": years.reindex(index).to_numpy(),
        "profile_overlapping_positions": overlap.reindex(index).fillna(0).where(has_list),
        "profile_implausible_positions": too_long.reindex(index).fillna(0).where(has_list),
    }


def test_career_equals_the_pandas_definition():
    """Unknown starts and ends, equal starts, ends before starts, positions over 45 years,
    missing and empty lists, unknown dates of sending: all as pandas computed them."""
    rng = random.Random(5)
    starts = [date(1950, 1, 1) + timedelta(days=rng.randint(0, 27000)) for _ in range(40)]

    def position() -> dict:
        start = None if rng.random() < 0.1 else rng.choice(starts)
        end = None
        if rng.random() < 0.7:
            end = (start or date(1990, 1, 1)) + timedelta(days=rng.randint(-400, 18000))
        return {"title": "x", "start": start, "end": end}

    for trial in range(15):
        profiles = []
        for i in range(80):
            r = rng.random()
            exp = (
                [position() for _ in range(rng.randint(1, 7))]
                if r > 0.2
                else []
                if r > 0.1
                else None
            )
            profiles.append({"profile_id": str(i), "experience": exp})
        # Starting exactly a month (31 days) before an earlier position ended is no overlap;
        # a day earlier is.
        first = {"start": date(2020, 1, 1), "end": date(2020, 3, 1)}
        for day in (30, 29):
            profiles.append(
                {"profile_id": f"m{day}", "experience": [first, {"start": date(2020, 1, day)}]}
            )
        table = to_table(profiles).slice(trial % 4)  # also from an offset into the buffers
        as_of = np.array([rng.choice([np.nan, 19000.0, 20000.0]) for _ in range(table.num_rows)])
        got, want = _career(table, as_of), reference_career(table, as_of)
        assert list(got) == list(want)
        for name in want:
            np.testing.assert_array_equal(got[name], np.asarray(want[name]), err_msg=name)
        assert np.nansum(got["profile_overlapping_positions"]) > 0  # the cases do occur
        assert np.nansum(got["profile_implausible_positions"]) > 0


# -- the section counts and the share of sections filled, against a per-record reference --------

from fakeprofile.data.schema import SECTION_NAMES  # noqa: E402
from fakeprofile.features import ProfileFeatures  # noqa: E402

LISTS = {
    "experience": [{"title": "Chef"}],
    "education": [{"school": "BI"}],
    "skills": ["SQL"],
    "languages": ["nb"],
}


def completeness_reference(r: dict) -> dict[str, float]:
    """One record's section features from the definition: a text section is filled if it has
    a non-blank character and always known; a list or a section count is filled if it has an
    item and known if given at all. The share is filled / known."""
    nan = float("nan")
    out = {}
    filled, known = [], []
    for k in ("name", "headline", "about", "location", "website"):
        out[f"profile_has_{k}"] = float(bool((r.get(k) or "").strip()))
    for k in ("headline", "about", "location"):
        filled.append(out[f"profile_has_{k}"])
        known.append(1.0)
    for k in LISTS:
        n = nan if r.get(k) is None else float(len(r[k]))
        out[f"profile_n_{k}"] = n
        if k != "languages":
            filled.append(float(n > 0))
            known.append(float(n == n))
    sections = r.get("sections") or {}
    for s in SECTION_NAMES:
        n = nan if sections.get(s) is None else float(sections[s])
        out[f"profile_n_{s}"] = n
        filled.append(float(n > 0))
        known.append(float(n == n))
    out["profile_share_sections_filled"] = sum(
        f * k for f, k in zip(filled, known, strict=True)
    ) / sum(known)
    return out


def random_profile(rng: random.Random, i: int) -> dict:
    r: dict = {"profile_id": f"p{i}"}
    for k in ("name", "headline", "about", "location", "website"):
        r[k] = rng.choice([None, "", "  ", "Text here"])
    for k, items in LISTS.items():
        roll = rng.random()
        if roll < 0.3:
            r[k] = [] if roll < 0.15 else items * rng.randint(1, 3)
        elif roll < 0.6:
            r[k] = None
    if rng.random() < 0.85:
        r["sections"] = {s: rng.choice([0, 1, 4]) for s in SECTION_NAMES if rng.random() < 0.7}
    return r


def test_sections_and_share_filled_equal_the_reference():
    rng = random.Random(3)
    records = [random_profile(rng, i) for i in range(300)]
    # Each section alone, in a profile with nothing else: a section left out of the share
    # would show here as 0 instead of 1/4.
    for s in SECTION_NAMES:
        records.append({"profile_id": s, "sections": {s: 2}})
    got = ProfileFeatures().fit([{"profile_id": "x"}]).transform(records)
    for i, r in enumerate(records):
        for name, value in completeness_reference(r).items():
            np.testing.assert_allclose(got.at[i, name], value, err_msg=f"{name} of {r}")
    alone = got.iloc[-len(SECTION_NAMES) :]
    assert alone["profile_share_sections_filled"].tolist() == [0.25] * len(SECTION_NAMES)


def headline_reference(r: dict) -> float:
    """1 if the headline shares a word (a run of over two letters, any case) with the first
    position's title, 0 if not, NaN if the headline is blank or that title has no word."""

    def words(text):
        return {w for w in re.split(r"[^\w]|[\d_]", (text or "").lower()) if len(w) > 2}

    exp = r.get("experience") or []
    title = words(exp[0].get("title")) if exp else set()
    if not (r.get("headline") or "").strip() or not title:
        return float("nan")
    return float(bool(words(r["headline"]) & title))


def test_headline_agrees_equals_the_reference_on_random_profiles():
    rng = random.Random(8)
    vocab = ["chef", "Data", "engineer", "Kok", "og", "nurse", "ØKONOMI", "leder", "ab"]
    records = []
    for i in range(400):
        r = {"profile_id": f"p{i}"}
        if rng.random() < 0.8:
            r["headline"] = " ".join(rng.choices(vocab, k=rng.randint(0, 3)))
        roll = rng.random()
        if roll < 0.6:
            r["experience"] = [
                {"title": " ".join(rng.choices(vocab, k=rng.randint(0, 2))) or None}
                for _ in range(rng.randint(0, 3))
            ]
        elif roll < 0.8:
            r["experience"] = []
        records.append(r)
    # A profile without positions, then one whose first title matches its headline: the first
    # must not borrow the second's title.
    records += [
        {"profile_id": "none", "headline": "Chef", "experience": []},
        {"profile_id": "next", "headline": "Nurse", "experience": [{"title": "Chef"}]},
    ]
    got = _headline_agrees(to_table(records))
    want = [headline_reference(r) for r in records]
    np.testing.assert_array_equal(got, want)
    feats = ProfileFeatures().fit(records[:1]).transform(records)
    np.testing.assert_array_equal(feats["profile_headline_matches_experience"], want)
