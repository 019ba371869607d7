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


@pytest.mark.parametrize("method", ["grouped", "temporal"])
def test_photo_groups_never_straddle_parts(method):
    df = frame()
    df["part"] = assign(df, method, 0.15, 0.15, seed=1)
    shared = df[df["photo_group"] >= 0].groupby("photo_group")["part"].nunique()
    assert (shared == 1).all()
    assert set(df["part"]) == {"train", "val", "test"}


def test_grouped_split_is_stratified_and_sized():
    df = frame()
    df["part"] = assign(df, "grouped", 0.15, 0.15, seed=1)
    share = df["part"].value_counts(normalize=True)
    assert 0.08 <= share["test"] <= 0.22 and 0.08 <= share["val"] <= 0.22
    fake = df.groupby("part")["label"].apply(lambda s: (s == "fake").mean())
    assert fake.max() - fake.min() < 0.08


def test_grouped_split_is_deterministic():
    df = frame()
    assert (assign(df, "grouped", 0.15, 0.15, 3) == assign(df, "grouped", 0.15, 0.15, 3)).all()


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
