"""Completeness, activity, invitation and text-style features on hand-checked records."""

import numpy as np
import pytest

from fakeprofile.features import ProfileFeatures
from test_schema import FULL


@pytest.fixture(scope="module")
def pf():
    return ProfileFeatures(as_of="2026-06-30").fit([FULL])


def one(pf, **patch):
    return pf.transform([{**FULL, **patch}]).iloc[0]


def test_full_profile_hand_checked(pf):
    x = one(pf)
    assert x["profile_n_experience"] == 1 and x["profile_n_skills"] == 2
    assert x["profile_n_certifications"] == 2 and np.isnan(x["profile_n_volunteering"])
    assert x["profile_headline_matches_experience"] == 1.0
    # 2020-01-01 to the invitation's sent_at 2026-06-01: 2343 days
    assert x["profile_years_experience"] == pytest.approx(2343 / 365.25)
    assert x["activity_account_age_days"] == (
        np.datetime64("2026-06-01") - np.datetime64("2019-04-02")
    ).astype(int)
    assert x["activity_posts_per_30d"] == pytest.approx(3 * 30 / 90)
    assert x["activity_none"] == 0.0
    assert x["activity_followers_per_connection"] == pytest.approx(430 / 412)
    assert x["invite_has_note"] == 1.0 and x["invite_note_canned"] == 0.0
    assert x["invite_mutual_connections"] == 12 and x["invite_acceptance_rate"] == 0.8
    assert x["text_lang_da"] == 1.0 and x["text_spelling_error_rate"] == 0.0


def test_missing_groups_give_nan_not_zero(pf):
    x = pf.transform([{"profile_id": "bare"}]).iloc[0]
    for name in (
        "activity_posts",
        "activity_connections",
        "invite_has_note",
        "invite_mutual_connections",
        "profile_n_experience",
        "text_spelling_error_rate",
        "activity_account_age_days",
    ):
        assert np.isnan(x[name]), name
    assert x["profile_has_headline"] == 0.0  # an absent headline is itself the signal


def test_overlapping_positions_are_counted(pf):
    exp = [
        {"title": "A", "start": "2020-01-01", "end": "2022-01-01"},
        {"title": "B", "start": "2021-01-01", "end": "2023-01-01"},
        {"title": "C", "start": "2023-02-01", "end": None},
    ]
    assert one(pf, experience=exp)["profile_overlapping_positions"] == 1


def test_canned_notes_and_near_copies(pf):
    assert (
        one(pf, invitation={"message": "I'd like to add you to my professional network."})[
            "invite_note_canned"
        ]
        == 1
    )
    assert (
        one(pf, invitation={"message": "Hi! I'd like to add you to my professional network"})[
            "invite_note_canned"
        ]
        == 1
    )
    assert (
        one(
            pf,
            invitation={
                "message": "Ich möchte Sie gerne zu meinem beruflichen Netzwerk hinzufügen."
            },
        )["invite_note_canned"]
        == 1
    )


@pytest.mark.parametrize(
    "note,signal",
    [
        ("Hi, write me on WhatsApp +44 7700 900123", "invite_messenger"),
        ("Skriv til mig på WhatsApp", "invite_messenger"),
        ("Kontakt mig: anna.b@gmail.com", "invite_email"),
        ("Book a free demo today: https://bit.ly/xyz", "invite_link"),
        ("Spar 50 % på jeres markedsføring", "invite_money_words"),
        ("Sparen Sie jetzt mit unserem Angebot", "invite_urgency_words"),
        ("Hello sir, kindly give me a job", "invite_job_begging"),
    ],
)
def test_pitch_and_bait_in_several_languages(pf, note, signal):
    assert one(pf, invitation={"message": note})[signal] >= 1


def test_evasion_is_its_own_signal_and_does_not_hide_bait(pf):
    tricks = [
        "Write me on Whats\u200bApp please",
        "Write me on WhatsАpp please",  # Cyrillic А
        "Write me on W h a t s A p p please",
    ]
    for note in tricks:
        x = one(pf, invitation={"message": note})
        assert x["text_evasion"] == 1.0, note
        assert x["invite_messenger"] >= 1, note
    assert one(pf)["text_evasion"] == 0.0


def test_style_counts(pf):
    x = one(pf, about="GREAT OPPORTUNITY!!! Contact me now 😀😀", headline=None)
    assert x["text_repeated_punctuation"] == 1 and x["text_emoji_per_100_chars"] > 0
    assert x["text_share_capitals"] > one(pf)["text_share_capitals"]


def test_transformer_is_sklearn_compatible_and_stable(pf):
    from sklearn.base import clone

    assert clone(pf).get_params() == pf.get_params()
    a, b = pf.transform([FULL]), pf.transform([FULL])
    assert list(a.columns) == list(pf.get_feature_names_out())
    assert a.equals(b)
    with pytest.raises(ValueError, match="not fitted"):
        ProfileFeatures().transform([FULL])
