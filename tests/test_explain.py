"""explain.py: which reasons are named, in which order, and in which words, on hand-made
effect tables; and the effects themselves against a direct computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fakeprofile.explain import FALLBACK_EFFECT, GROUPS, effects, group_columns, reasons

# One feature per group, enough for each group's phrase to read what it needs.
FEATURES = {
    "photo_missing": 1.0,
    "profile_share_sections_filled": 0.2,
    "profile_years_experience": 0.5,
    "text_spelling_error_rate": 0.1,
    "activity_none": 1.0,
    "invite_has_note": 0.0,
}
PHRASE = {
    "photo": "no profile photo",
    "profile": "thin profile: 20% of sections filled",
    "career": "almost no work history",
    "spelling": "10% of words misspelled",
    "activity": "no activity on the network",
    "note": "invitation has no personal note",
}


def table(effect_rows: list[list[float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    X = pd.DataFrame([FEATURES] * len(effect_rows))
    return X, pd.DataFrame(effect_rows, columns=list(PHRASE))


def test_reasons_are_ordered_by_effect_largest_first_and_at_most_three():
    X, eff = table([[0.06, 0.30, 0.0, 0.10, 0.20, 0.07], [0.5, 0.0, 0.0, 0.0, 0.0, 0.9]])
    got = reasons(X, eff, min_effect=0.05, flagged=np.array([False, False]))
    assert got == [
        [PHRASE["profile"], PHRASE["activity"], PHRASE["spelling"]],
        [PHRASE["note"], PHRASE["photo"]],
    ]
    assert reasons(X, eff, 0.05, np.array([False, False]), top=1) == [
        [PHRASE["profile"]],
        [PHRASE["note"]],
    ]


def test_min_effect_is_inclusive_and_nothing_below_it_is_named():
    X, eff = table([[0.05, 0.0499, 0.0, 0.0, 0.0, 0.0], [0.049, 0.02, 0.0, 0.0, -0.3, 0.0]])
    got = reasons(X, eff, min_effect=0.05, flagged=np.array([False, False]))
    assert got == [[PHRASE["photo"]], []]


def test_fallback_names_smaller_effects_only_for_reported_rows_with_no_main_reason():
    rows = [
        [0.03, 0.02, FALLBACK_EFFECT, FALLBACK_EFFECT - 1e-4, 0.0, 0.0],  # reported: fallback
        [0.03, 0.02, 0.0, 0.0, 0.0, 0.0],  # same effects, not reported: nothing
        [0.20, 0.04, 0.0, 0.0, 0.0, 0.0],  # reported with a main reason: no fallback added
        [0.001, 0.0, 0.0, 0.0, 0.0, 0.0],  # reported, nothing reaches the fallback either
    ]
    X, eff = table(rows)
    got = reasons(X, eff, 0.05, flagged=np.array([True, False, True, True]))
    assert got == [
        [PHRASE["photo"], PHRASE["profile"], PHRASE["career"]],
        [],
        [PHRASE["photo"]],
        [],
    ]


def test_equal_effects_keep_the_groups_order():
    X, eff = table([[0.1, 0.1, 0.1, 0.1, 0.0, 0.0]])
    got = reasons(X, eff, 0.05, np.array([False]))
    assert got == [[PHRASE["photo"], PHRASE["profile"], PHRASE["career"]]]


@pytest.mark.parametrize(
    "group, row, phrase",
    [
        ("photo", {"photo_missing": 1}, "no profile photo"),
        ("photo", {"photo_missing": 0, "photo_unreadable": 1}, "profile photo could not be read"),
        (
            "photo",
            {"photo_missing": 0, "photo_placeholder_or_flat": 1},
            "default placeholder photo",
        ),
        ("photo", {"photo_reuse_count": 1.0}, "photo also used by 1 other profile"),
        ("photo", {"photo_reuse_count": 3.0}, "photo also used by 3 other profiles"),
        ("photo", {"photo_reuse_count": 0.0}, "unusual profile photo"),
        ("photo", {"photo_reuse_count": np.nan}, "unusual profile photo"),
        (
            "profile",
            {"profile_share_sections_filled": 0.499},
            "thin profile: 50% of sections filled",
        ),
        (
            "profile",
            {"profile_share_sections_filled": 0.5, "profile_about_length": 0},
            "no about text",
        ),
        (
            "profile",
            {"profile_share_sections_filled": np.nan, "profile_n_skills": 0},
            "no skills listed",
        ),
        ("profile", {"profile_share_sections_filled": 0.9}, "few details in the profile sections"),
        ("career", {"profile_overlapping_positions": 1}, "positions overlap in time"),
        (
            "career",
            {"profile_headline_matches_experience": 0},
            "headline does not match the current position",
        ),
        ("career", {"profile_years_experience": 0.99}, "almost no work history"),
        ("career", {"profile_years_experience": 1.0}, "work history looks unusual"),
        ("career", {"profile_years_experience": np.nan}, "work history looks unusual"),
        ("spelling", {"text_spelling_error_rate": 0.03}, "3% of words misspelled"),
        (
            "spelling",
            {"text_spelling_error_rate": 0.029, "text_words_checked": 29},
            "very little text written",
        ),
        (
            "spelling",
            {"text_spelling_error_rate": np.nan, "text_words_checked": 30},
            "unusual writing",
        ),
        ("evasion", {"text_evasion": 1}, "hidden characters or look-alike letters in the text"),
        ("evasion", {"text_evasion": 0}, "unusual characters in the text"),
        ("activity", {"activity_none": 1}, "no activity on the network"),
        ("activity", {"activity_none": 0}, "very little activity"),
        ("age", {"activity_account_age_days": 40.9}, "account created 40 days ago"),
        ("age", {"activity_account_age_days": 365.25 * 1.5}, "account only 1.5 years old"),
        ("age", {"activity_account_age_days": 365}, "account only 1.0 years old"),
        ("age", {"activity_account_age_days": 4000}, "account only 11.0 years old"),
        ("age", {"activity_account_age_days": np.nan}, "new account"),
        (
            "network",
            {"activity_following_per_connection": 1.51},
            "follows far more people than it is connected to",
        ),
        (
            "network",
            {"activity_following_per_connection": 1.5, "activity_connections": 49},
            "only 49 connections",
        ),
        ("network", {"activity_connections": 50}, "unusual network"),
        ("note", {"invite_has_note": 0}, "invitation has no personal note"),
        (
            "note",
            {"invite_has_note": 1, "invite_note_canned": 1},
            "invitation uses the default text",
        ),
        ("note", {"invite_has_note": 1, "invite_note_canned": 0}, "impersonal invitation note"),
        ("pitch", {"invite_messenger": 1}, "asks to continue on WhatsApp or by phone"),
        ("pitch", {"invite_phone": 1}, "asks to continue on WhatsApp or by phone"),
        ("pitch", {"invite_email": 1}, "asks to continue by e-mail"),
        ("pitch", {"invite_job_begging": 1}, "asks for a job"),
        ("pitch", {"invite_link": 1}, "invitation contains a link"),
        ("pitch", {"invite_link": 0, "invite_money_words": 2}, "invitation contains a sales pitch"),
        ("volume", {"invite_sent_last_7d": 20}, "sent 20 invitations in the last 7 days"),
        (
            "volume",
            {"invite_sent_last_7d": 19, "invite_acceptance_rate": 0.125},
            "only 12% of past invitations accepted",
        ),
        ("volume", {"invite_sent_last_7d": np.nan}, "unusual invitation pattern"),
        ("mutual", {"invite_mutual_connections": 0}, "no mutual connections"),
        ("mutual", {"invite_mutual_connections": 2}, "few mutual connections"),
    ],
)
def test_each_phrase_says_what_the_features_show(group, row, phrase):
    X = pd.DataFrame([row], dtype=float)
    eff = pd.DataFrame([[1.0]], columns=[group])
    assert reasons(X, eff, 0.05, np.array([False])) == [[phrase]]


def test_every_column_belongs_to_at_most_one_group_and_groups_keep_their_order():
    columns = [
        "photo_missing",
        "profile_has_about",
        "profile_years_experience",
        "activity_posts",
        "activity_posts_per_30d",
        "activity_account_age_days",
        "activity_connections",
        "invite_has_note",
        "invite_note_canned",
        "invite_link",
        "text_lang_en",
    ]
    got = group_columns(columns)
    assert list(got) == [g for g in GROUPS if g in got]
    assert got == {
        "photo": ["photo_missing"],
        "profile": ["profile_has_about"],
        "career": ["profile_years_experience"],
        "activity": ["activity_posts", "activity_posts_per_30d"],
        "age": ["activity_account_age_days"],
        "network": ["activity_connections"],
        "note": ["invite_has_note", "invite_note_canned"],
        "pitch": ["invite_link"],
    }


def test_effects_equal_the_drop_when_each_group_is_set_neutral():
    """A linear score stands in for the model: its neutral scores are easy to compute by hand,
    and `effects` must give exactly base - score(row with the group neutral)."""
    cols = ["photo_missing", "activity_none", "activity_posts", "invite_has_note"]
    w = np.array([0.3, 0.2, -0.01, -0.25])
    neutral = pd.Series([0.0, 0.0, 5.0, 1.0], index=cols)
    X = pd.DataFrame(
        [[1, 1, 0, 0], [0, 0, 5, 1], [1, 0, 5, np.nan], [0, 1, 2, 1]],
        columns=cols,
        dtype=float,
        index=[10, 11, 12, 13],  # rows picked out of a chunk keep their labels
    )

    def score(values):
        return np.nan_to_num(values) @ w + 0.5

    calls = []

    def proba_neutral(X_, want, group_of, neutral_values):
        calls.append(want.copy())
        out = np.full(want.shape, np.nan)
        for i, g in zip(*np.nonzero(want), strict=True):
            row = X_.to_numpy()[i].copy()
            row[group_of == g] = neutral_values[group_of == g]
            out[i, g] = score(row)
        return out

    base = score(X.to_numpy())
    got = effects(X, proba_neutral, neutral, base)
    assert list(got.columns) == ["photo", "activity", "note"]
    assert got.index.tolist() == [10, 11, 12, 13]
    want = np.zeros((4, 3))
    for i in range(4):
        for g, idx in enumerate([[0], [1, 2], [3]]):
            row = X.to_numpy()[i].copy()
            row[idx] = neutral.to_numpy()[idx]
            want[i, g] = base[i] - score(row)
    np.testing.assert_allclose(got.to_numpy(), want, atol=1e-12)
    # A group already at its neutral values is not scored again (NaN == NaN counts as equal).
    np.testing.assert_array_equal(
        calls[0],
        [[True, True, True], [False, False, False], [True, False, True], [False, True, False]],
    )


def test_effects_of_a_real_model_equal_rescoring_with_each_group_neutral(small_model):
    """On the trained model (compiled trees): each group's effect is the drop in calibrated
    probability when that group alone is set to the neutral values, for every row."""
    from fakeprofile.synth.generate import GenConfig, make_profile

    cfg = GenConfig(n=80, seed=21, with_photos=False, workers=1)
    feats = small_model.features([make_profile(i, cfg)[0] for i in range(cfg.n)])
    trained, neutral = small_model.trained, small_model.neutral
    base = trained.proba(feats)
    got = effects(feats, trained.proba_neutral, neutral, base)
    assert (got.abs() > 0.01).to_numpy().sum() > 20  # the check below has something to check
    for group, cols in group_columns(list(feats.columns)).items():
        copy = feats.copy()
        copy[cols] = neutral[cols].to_numpy()
        np.testing.assert_allclose(got[group], base - trained.proba(copy), atol=1e-9, err_msg=group)
