"""explain.py: which reasons are named, in which order, and in which words, on hand-made
effect tables; and the effects themselves against a direct computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fakeprofile.features import registry
from fakeprofile.features.phrases import note_raised
from fakeprofile.inference.explain import (
    FALLBACK_EFFECT,
    FLOOR_REASON,
    Row,
    effects,
    group_columns,
    reasons,
)

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
    X, eff = table(
        [
            [0.06, 0.30, 0.0, 0.10, 0.20, 0.0],  # photo (0.06) is a fourth: cut
            [0.5, 0.0, 0.0, 0.0, 0.0, 0.9],
            [0.06, 0.30, 0.0, 0.10, 0.20, 0.02],  # the note raised it: named beyond the three
        ]
    )
    got = reasons(X, eff, min_effect=0.05, flagged=np.array([False, False, False]))
    assert got == [
        [PHRASE["profile"], PHRASE["activity"], PHRASE["spelling"]],
        [PHRASE["note"], PHRASE["photo"]],
        [PHRASE["profile"], PHRASE["activity"], PHRASE["spelling"], PHRASE["note"]],
    ]
    assert reasons(X, eff, 0.05, np.array([False, False, False]), top=1) == [
        [PHRASE["profile"]],
        [PHRASE["note"]],
        [PHRASE["profile"], PHRASE["note"]],
    ]


def test_a_group_with_no_concrete_sign_is_skipped_and_the_next_takes_its_place():
    """No vague phrase: 5 years of work history shows nothing to name, so career (the largest
    effect) is left out and the three slots go to the next groups."""
    X, eff = table([[0.06, 0.30, 0.40, 0.10, 0.0, 0.0]])
    X["profile_years_experience"] = 5.0
    got = reasons(X, eff, 0.05, np.array([False]))
    assert got == [[PHRASE["profile"], PHRASE["spelling"], PHRASE["photo"]]]


def test_min_effect_is_inclusive_and_nothing_below_it_is_named():
    X, eff = table([[0.05, 0.0499, 0.0, 0.0, 0.0, 0.0], [0.049, 0.02, 0.0, 0.0, -0.3, 0.0]])
    got = reasons(X, eff, min_effect=0.05, flagged=np.array([False, False]))
    assert got == [[PHRASE["photo"]], []]


def test_the_note_is_named_whenever_it_raised_the_score_by_the_fallback_effect():
    rows = [
        [0.0, 0.0, 0.0, 0.0, 0.0, FALLBACK_EFFECT],
        [0.0, 0.0, 0.0, 0.0, 0.0, FALLBACK_EFFECT - 1e-4],
        [0.0, 0.0, 0.0, 0.04, 0.0, FALLBACK_EFFECT - 1e-4],  # only the note could have been named
    ]
    X, eff = table(rows)
    assert reasons(X, eff, 0.05, np.array([False, False, False])) == [[PHRASE["note"]], [], []]
    # Other groups below min_effect are not named that way: only a report names them.
    X, eff = table([[0.0, 0.0, 0.0, 0.04, 0.0, 0.0]])
    assert reasons(X, eff, 0.05, np.array([False])) == [[]]


def test_fallback_names_smaller_effects_only_for_reported_rows_with_no_main_reason():
    """A reported row always gets a reason: with no group at min_effect, every group that raised
    the score at all, largest first, at most three."""
    rows = [
        [0.03, 0.02, 0.001, 0.0005, 0.0, 0.0],  # reported: fallback, the fourth cut
        [0.03, 0.02, 0.001, 0.0005, 0.0, 0.0],  # same effects, not reported: nothing
        [0.20, 0.04, 0.0, 0.0, 0.0, 0.0],  # reported with a main reason: no fallback added
        [0.0, -0.01, 1e-6, 0.0, -0.2, 0.0],  # reported: a group that raised it even a little
    ]
    X, eff = table(rows)
    got = reasons(X, eff, 0.05, flagged=np.array([True, False, True, True]))
    assert got == [
        [PHRASE["photo"], PHRASE["profile"], PHRASE["career"]],
        [],
        [PHRASE["photo"]],
        [PHRASE["career"]],
    ]


def test_a_reported_row_nothing_raised_names_the_concrete_sign_with_the_largest_effect():
    """Every group at its neutral value (effects 0), or only groups without a concrete sign
    raised it: still one reason, the concrete sign that lowered the score least; never one that
    lowered it while another left it unchanged. Rows not reported get none."""
    X, eff = table(
        [
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [-0.1, -0.2, 0.0, -0.05, 0.0, -0.3],
            [-0.1, -0.2, -0.3, -0.05, -0.4, -0.5],
            [-0.1, -0.2, -0.3, -0.05, -0.4, -0.5],
        ]
    )
    got = reasons(X, eff, 0.05, flagged=np.array([True, True, True, False]))
    assert got == [[PHRASE["photo"]], [PHRASE["career"]], [PHRASE["spelling"]], []]
    # Only a group without a concrete sign raised it (5 years of work history): the next.
    X, eff = table([[-0.1, 0.0, 0.2, -0.05, 0.0, 0.0]])
    X["profile_years_experience"] = 5.0
    assert reasons(X, eff, 0.05, np.array([True])) == [[PHRASE["profile"]]]


def test_an_asked_row_without_a_reason_gets_the_strongest_concrete_sign():
    """An "ask" whose effects all stay under min_effect (the accept cap can ask where no single
    sign is large) names one concrete sign, the largest raise first, as a reported row does,
    but only one that raised the score: a sign that lowered it or left it as it was is no
    reason to ask; an asked row with a reason of its own gets nothing more (issue 23 item 4)."""
    X, eff = table(
        [
            [0.03, 0.04, 0.001, 0.0, 0.0, 0.0],  # asked: the largest raise, one reason
            [0.0, -0.2, 0.0, -0.05, 0.0, -0.3],  # asked, nothing raised: no reason
            [0.2, 0.04, 0.0, 0.0, 0.0, 0.0],  # asked with a reason: as it was
            [0.03, 0.04, 0.001, 0.0, 0.0, 0.0],  # neither asked nor reported: none
        ]
    )
    no = np.array([False] * 4)
    got = reasons(X, eff, 0.05, no, asked=np.array([True, True, True, False]))
    assert got == [[PHRASE["profile"]], [], [PHRASE["photo"]], []]


PITCH = "invitation asks to move the talk to a messenger (WhatsApp, Telegram, ...)"


def test_a_red_flag_is_named_first_and_the_policy_floor_last():
    """`red`: the note has a red flag, named first whatever its effect (a monotonic model or the
    floor may give it none); `floored`: kept from accept by the policy, which is said last."""
    X = pd.DataFrame([{"photo_missing": 1.0, "invite_messenger": 1.0, "invite_has_note": 1.0}] * 2)
    eff = pd.DataFrame([[0.3, 0.0, 0.0], [0.1, 0.4, 0.0]], columns=["photo", "pitch", "note"])
    no = np.array([False, False])
    assert reasons(X, eff, 0.05, no) == [["no profile photo"], [PITCH, "no profile photo"]]
    got = reasons(X, eff, 0.05, no, red=np.array([True, True]))
    assert got == [[PITCH, "no profile photo"], [PITCH, "no profile photo"]]
    got = reasons(X, eff, 0.05, no, floored=np.array([True, False]), red=no)  # floored is red
    assert got == [[PITCH, "no profile photo", FLOOR_REASON], [PITCH, "no profile photo"]]
    # A red flag that raised the score less than another sign still comes first.
    eff2 = pd.DataFrame([[0.3, 0.2, 0.0]], columns=["photo", "pitch", "note"])
    assert reasons(X[:1], eff2, 0.05, no[:1]) == [["no profile photo", PITCH]]
    assert reasons(X[:1], eff2, 0.05, no[:1], red=np.array([True])) == [[PITCH, "no profile photo"]]
    # Floored with no pitch phrase to give (a red flag the phrases do not read): the policy alone.
    X0 = pd.DataFrame([{"invite_has_note": 1.0}])
    eff0 = pd.DataFrame([[0.0]], columns=["pitch"])
    assert reasons(X0, eff0, 0.05, np.array([False]), floored=np.array([True])) == [[FLOOR_REASON]]


def test_equal_effects_keep_the_groups_order():
    X, eff = table([[0.1, 0.1, 0.1, 0.1, 0.0, 0.0]])
    got = reasons(X, eff, 0.05, np.array([False]))
    assert got == [[PHRASE["photo"], PHRASE["profile"], PHRASE["career"]]]


DISGUISED = "text disguised to slip past filters: "
MACHINE = "generic, machine-like profile: "


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
        ("photo", {"photo_reuse_count": 0.0}, None),
        ("photo", {"photo_reuse_count": np.nan}, None),
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
        (
            "profile",
            {"profile_share_sections_filled": 0.9, "profile_n_experience": 0},
            "no positions listed",
        ),
        ("profile", {"profile_share_sections_filled": 0.9, "profile_n_experience": 2}, None),
        ("career", {"profile_overlapping_positions": 1}, "positions overlap in time"),
        (
            "career",
            {"profile_overlapping_positions": 0, "profile_implausible_positions": 1},
            "positions with impossible dates",
        ),
        (
            "career",
            {"profile_headline_matches_experience": 0},
            "headline does not match the current position",
        ),
        ("career", {"profile_years_experience": 0.99}, "almost no work history"),
        ("career", {"profile_years_experience": 1.0}, None),
        ("career", {"profile_years_experience": np.nan}, None),
        ("spelling", {"text_spelling_error_rate": 0.03}, "3% of words misspelled"),
        (
            "spelling",
            {"text_spelling_error_rate": 0.029, "text_words_checked": 29},
            "very little text written (29 words)",
        ),
        ("spelling", {"text_spelling_error_rate": np.nan, "text_words_checked": 30}, None),
        ("evasion", {"text_evasion_note_leet": 2}, DISGUISED + "digits for letters (leetspeak)"),
        (
            "evasion",
            {"text_evasion_note_phone": 1, "text_evasion_note_compatibility": 4},
            DISGUISED + "fullwidth or styled letters, a disguised phone number",
        ),
        (
            "evasion",
            {"text_evasion_zero_width": 1, "text_evasion_mixed_script": 2},
            DISGUISED + "invisible characters, look-alike letters from other alphabets",
        ),
        ("evasion", {"text_evasion_spaced_letters": 1}, DISGUISED + "letters split by separators"),
        (  # the note's own tricks, when known, stand for the whole-text counts
            "evasion",
            {"text_evasion_note_link": 1, "text_evasion_zero_width": 1},
            DISGUISED + "a disguised link",
        ),
        ("evasion", {"text_evasion": 1}, None),  # a count of kinds alone names no trick
        ("evasion", {"text_evasion_note_address": 0, "text_evasion_zero_width": 0}, None),
        ("activity", {"activity_none": 1}, "no activity on the network"),
        (
            "activity",
            {"activity_none": 0, "activity_total_per_30d": 0.44},
            "almost no activity (0.4 posts, comments or reactions a month)",
        ),
        ("activity", {"activity_none": 0, "activity_total_per_30d": 1.0}, None),
        ("activity", {"activity_none": 0}, None),
        ("age", {"activity_account_age_days": 40.9}, "account created 40 days ago"),
        ("age", {"activity_account_age_days": 364.9}, "account created 364 days ago"),
        ("age", {"activity_account_age_days": 365.25 * 1.5}, None),  # no genuine median given
        ("age", {"activity_account_age_days": np.nan}, None),
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
        ("network", {"activity_connections": 50}, None),
        ("note", {"invite_has_note": 0}, "invitation has no personal note"),
        (
            "note",
            {"invite_has_note": 1, "invite_note_canned": 1},
            "invitation uses the default text",
        ),
        (
            "note",
            {"invite_has_note": 1, "invite_note_canned": 0, "invite_note_canned_similarity": 0.4},
            "invitation note is close to the default text",
        ),
        (
            "note",
            {"invite_has_note": 1, "invite_note_canned": 0, "invite_note_canned_similarity": 0.39},
            None,
        ),
        ("pitch", {"invite_messenger": 1, "invite_phone": 1}, PITCH),
        ("pitch", {"invite_phone": 1}, "invitation gives a phone number to continue on"),
        ("pitch", {"invite_email": 1}, "invitation asks to continue by e-mail"),
        (
            "pitch",
            {"invite_link": 1, "invite_money_words": 2},
            "invitation contains a sales pitch or money bait",
        ),
        ("pitch", {"invite_link": 1, "invite_job_begging": 1}, "invitation contains a link"),
        ("pitch", {"invite_job_begging": 1}, "invitation asks for a job"),
        ("pitch", {"invite_urgency_words": 1}, "invitation pushes for a quick reply"),
        ("pitch", {"invite_link": 0, "invite_money_words": 0}, None),
        ("volume", {"invite_sent_last_7d": 20}, "sent 20 invitations in the last 7 days"),
        (
            "volume",
            {"invite_sent_last_7d": 19, "invite_acceptance_rate": 0.125},
            "only 12% of past invitations accepted",
        ),
        ("volume", {"invite_sent_last_7d": 19, "invite_acceptance_rate": 0.4}, None),
        ("volume", {"invite_sent_last_7d": np.nan}, None),
        ("mutual", {"invite_mutual_connections": 0}, "no mutual connections"),
        ("mutual", {"invite_mutual_connections": 1}, "only 1 mutual connection"),
        ("mutual", {"invite_mutual_connections": 2}, "only 2 mutual connections"),
        ("mutual", {"invite_mutual_connections": 3}, None),
        (
            "machine",
            {"style_generic_per_100_words": 4.0},
            MACHINE + "stock phrases (4 per 100 words)",
        ),
        ("machine", {"style_generic_per_100_words": 3.9}, None),
        (
            "machine",
            {
                "style_generic_per_100_words": 6.4,
                "profile_employers_invented": 1,
                "profile_career_countries": 3,
                "style_repeated_phrasing": 0.5,
                "style_sentence_length_cv": 0.1,
            },
            MACHINE + "stock phrases (6 per 100 words), employers named only with buzzwords, "
            "a career over 3 countries",
        ),
        (
            "machine",
            {"style_repeated_phrasing": 0.08, "style_sentence_length_cv": 0.19},
            MACHINE + "the same phrasing repeated across sections, sentences all of one length",
        ),
        (
            "machine",
            {
                "profile_career_countries": 2,
                "style_repeated_phrasing": 0.079,
                "style_sentence_length_cv": 0.2,
            },
            None,
        ),
    ],
)
def test_each_phrase_says_what_the_features_show(group, row, phrase):
    """A phrase names the concrete sign; where the row shows none the group is not named (no
    vague "unusual ..." phrase)."""
    X = pd.DataFrame([row], dtype=float)
    eff = pd.DataFrame([[1.0]], columns=[group])
    if phrase is None and registry.reason_groups()[group].note:
        # Except the note: it is named whenever it raised the score (issue 23).
        phrase = note_raised(Row(X.iloc[0].tolist(), {c: j for j, c in enumerate(X.columns)}))
    assert reasons(X, eff, 0.05, np.array([False])) == [[phrase] if phrase else []]


@pytest.mark.parametrize(
    "days, typical, phrase",
    [
        (364.9, 365.25 * 10, "account created 364 days ago"),
        (
            365.25 * 1.5,
            365.25 * 10,
            "young account: 1.5 years old (genuine members' median 10.0 years)",
        ),
        (365.0, 1461.0, "young account: 1.0 years old (genuine members' median 4.0 years)"),
        (365.0, 1460.0, None),  # a quarter of the median is not under it
        (365.25 * 5.3, 365.25 * 10, None),  # 5.3 years is not young next to 10
        (4000.0, 365.25 * 10, None),
        (400.0, np.nan, None),
        (np.nan, 365.25 * 10, None),
    ],
)
def test_account_age_is_named_only_when_young_next_to_genuine_members(days, typical, phrase):
    X = pd.DataFrame({"activity_account_age_days": [days]})
    eff = pd.DataFrame([[1.0]], columns=["age"])
    typ = pd.Series({"activity_account_age_days": typical, "photo_missing": 0.0})
    got = reasons(X, eff, 0.05, np.array([False]), typical=typ)
    assert got == [[phrase] if phrase else []]


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
    assert list(got) == [g for g in registry.reason_groups() if g in got]
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
