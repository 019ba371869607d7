"""The split: stratified by label, photo rings never straddle two parts, temporal order option."""

import numpy as np
import pandas as pd
import pytest

from fakeprofile.modeling.split import assign, cv_folds


def frame(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    label = np.where(rng.random(n) < 0.25, "fake", "genuine")
    # Rings: fakes sharing 30 pictures, a few genuine members share pictures too.
    group = np.where((label == "fake") & (rng.random(n) < 0.5), rng.integers(0, 30, n), -1)
    group = np.where(
        (label == "genuine") & (rng.random(n) < 0.02), 100 + rng.integers(0, 5, n), group
    )
    created = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    return pd.DataFrame(
        {
            "profile_id": [f"p{i}" for i in range(n)],
            "label": label,
            "photo_group": group,
            "created_at": created,
        }
    )


@pytest.fixture(scope="module")
def grouped():
    """frame() with its grouped split (0.15 val, 0.15 test, seed 1): made once, read by several
    tests (the grouped split is the slow one)."""
    df = frame()
    df["part"] = assign(df, "grouped", 0.15, 0.15, seed=1)
    return df


@pytest.mark.parametrize("method", ["grouped", "temporal"])
def test_photo_groups_never_straddle_parts(method, grouped):
    if method == "grouped":
        df = grouped.copy()
    else:
        df = frame()
        df["part"] = assign(df, method, 0.15, 0.15, seed=1)
    shared = df[df["photo_group"] >= 0].groupby("photo_group")["part"].nunique()
    assert (shared == 1).all()
    assert set(df["part"]) == {"train", "val", "test"}


def test_grouped_split_is_stratified_and_sized(grouped):
    df = grouped.copy()
    share = df["part"].value_counts(normalize=True)
    assert 0.08 <= share["test"] <= 0.22 and 0.08 <= share["val"] <= 0.22
    fake = df.groupby("part")["label"].apply(lambda s: (s == "fake").mean())
    assert fake.max() - fake.min() < 0.08


def test_grouped_split_is_deterministic(grouped):
    """A second split of a fresh frame() equals the first (the fixture's)."""
    again = assign(frame(), "grouped", 0.15, 0.15, seed=1)
    assert (again == grouped["part"]).all()


def test_temporal_split_puts_newest_accounts_in_test():
    df = frame()
    df["part"] = assign(df, "temporal", 0.15, 0.15, seed=1)
    solo = df[df["photo_group"] < 0]
    assert (
        solo[solo.part == "train"]["created_at"].max()
        <= solo[solo.part == "test"]["created_at"].min()
    )


def test_cv_folds_are_stratified_keep_photo_groups_together_and_cover_every_row():
    df = frame()
    df["fold"] = cv_folds(df, 5, seed=1)
    assert sorted(df["fold"].unique()) == [0, 1, 2, 3, 4]
    shared = df[df["photo_group"] >= 0].groupby("photo_group")["fold"].nunique()
    assert (shared == 1).all()
    fake = df.groupby("fold")["label"].apply(lambda s: (s == "fake").mean())
    assert fake.max() - fake.min() < 0.08


def test_no_validation_part_when_its_share_is_zero():
    df = frame()
    parts = assign(df, "grouped", 0.0, 0.15, seed=1)
    assert set(parts) == {"train", "test"} and 0.08 <= (parts == "test").mean() <= 0.22


def test_temporal_split_of_a_hand_made_frame_cuts_at_the_shares_of_rows():
    """Eight accounts, one a day (two share a picture): a group's share of rows at or before its
    start decides; test above 1 - test_share, val above 1 - test_share - val_share, both
    strictly (a group exactly at a cut stays in the older part)."""
    df = pd.DataFrame(
        {
            "profile_id": [f"p{i}" for i in range(8)],
            "label": ["genuine", "fake"] * 4,
            "photo_group": [-1, -1, -1, 7, -1, -1, 7, -1],
            "created_at": pd.date_range("2021-01-01", periods=8, freq="D")[::-1],
        }
    )
    # Newest first: p7 is oldest. The ring (p3, p6) starts with p6, the 2nd oldest, but its two
    # rows count at its start: share 3/8 for both.
    parts = assign(df, "temporal", val_share=0.25, test_share=0.25, seed=0)
    # Shares at or before each start: p7 1/8, ring 3/8, p5 4/8, p4 5/8, p2 6/8, p1 7/8, p0 1.
    want = ["test", "test", "val", "train", "val", "train", "train", "train"]
    assert parts.tolist() == want
