"""Reasons a person trusts (issue 23, item 4), on hand-made rows and on a real small model's
scored profiles it never saw (the test split's role): account age is named only when young next
to genuine members, no vague fallback phrase, every reported profile has a reason, and the note
is named whenever it raised the score."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from fakeprofile.features import invitation, registry
from fakeprofile.features.phrases import note_raised
from fakeprofile.inference import explain
from fakeprofile.synth.generate import GenConfig, make_profile

VAGUE = re.compile(r"unusual|odd|suspicious|strange|other signs|looks off|irregular", re.I)


def test_an_account_created_after_its_invitation_is_said_so_not_a_negative_age():
    X = pd.DataFrame({"activity_account_age_days": [-13.0]})
    eff = pd.DataFrame([[1.0]], columns=["age"])
    typ = pd.Series({"activity_account_age_days": 3650.0})
    got = explain.reasons(X, eff, 0.05, np.array([False]), typical=typ)
    assert got == [["account creation date lies after the invitation's date"]]


@pytest.mark.parametrize(
    "features, group, phrase",
    [
        # A plain personal note the model weighed: no sign of its own, the note is named.
        (
            {"invite_has_note": 1.0, "invite_note_length": 92.0, "invite_note_canned": 0.0},
            "note",
            "the invitation note itself raised the score (a note of 92 characters)",
        ),
        # The pitch group moved on a row with no note: what raised it is the missing note.
        (
            {"invite_has_note": 0.0, "invite_messenger": np.nan},
            "pitch",
            "invitation has no personal note",
        ),
        # The pitch group with a sign of its own names that sign, not the fallback.
        (
            {"invite_has_note": 1.0, "invite_messenger": 1.0},
            "pitch",
            "invitation asks to move the talk to a messenger (WhatsApp, Telegram, ...)",
        ),
    ],
)
def test_a_note_group_that_raised_the_score_is_always_named(features, group, phrase):
    X = pd.DataFrame([features])
    for effect in (explain.FALLBACK_EFFECT, 0.2):
        eff = pd.DataFrame([[effect]], columns=[group])
        assert explain.reasons(X, eff, 0.05, np.array([False])) == [[phrase]]
    eff = pd.DataFrame([[explain.FALLBACK_EFFECT - 1e-4]], columns=[group])
    assert explain.reasons(X, eff, 0.05, np.array([False])) == [[]]


@pytest.fixture(scope="module")
def scored(small_model):
    """Unseen generated profiles (another seed than the model's), their features, scores,
    decisions and reasons."""
    cfg = GenConfig(n=800, seed=77, with_photos=False, workers=1)
    records = [make_profile(i, cfg)[0] for i in range(cfg.n)]
    X = small_model.features(records)
    p, decision, reasons = small_model.verdicts(X)
    return records, X, p, decision, reasons


def test_account_age_is_named_only_when_young_next_to_genuine_members(small_model, scored):
    records, X, p, decision, reasons = scored
    typical = float(small_model.neutral["activity_account_age_days"])
    age = X["activity_account_age_days"].to_numpy()
    named = [i for i, rs in enumerate(reasons) for r in rs if r.startswith(("account", "young"))]
    assert named  # the check means something: young accounts are named
    for i in named:
        assert age[i] < 365 or age[i] < 0.25 * typical, (age[i], reasons[i])
    # And the ages named lie below nearly all genuine members' ages.
    genuine = age[np.array([r["label"] == "genuine" for r in records])]
    assert max(age[i] for i in named) <= np.nanquantile(genuine, 0.5)


def test_no_vague_phrase_and_every_reported_profile_has_a_reason(scored):
    _, _, _, decision, reasons = scored
    phrases = {r for rs in reasons for r in rs}
    assert phrases
    assert not [r for r in phrases if VAGUE.search(r)]
    reported = np.flatnonzero(decision == "report")
    assert len(reported)
    assert all(reasons[i] for i in reported)


def test_the_note_is_named_whenever_it_raised_the_score_on_a_real_model(small_model, scored):
    _, X, p, decision, reasons = scored
    rows = np.flatnonzero((decision != "accept") & (p >= explain.FALLBACK_EFFECT))
    sub = X.iloc[rows]
    eff = explain.effects(sub, small_model.trained.proba_neutral, small_model.neutral, p[rows])
    groups = registry.reason_groups()
    note_groups = [g for g in eff.columns if groups[g].note]
    index = {c: j for j, c in enumerate(X.columns)}
    checked = 0
    for k, i in enumerate(rows):
        row = explain.Row(sub.iloc[k].tolist(), index, {})
        for g in note_groups:
            if eff.iloc[k][g] >= explain.FALLBACK_EFFECT:
                checked += 1
                own = groups[g].phrase(row)
                assert (own or note_raised(row)) in reasons[i], (g, reasons[i])
    assert checked  # notes did raise some scores
    # Red flags in the note are named too.
    red = invitation.red_flags(sub)
    assert all(reasons[i] for i in rows[red])
