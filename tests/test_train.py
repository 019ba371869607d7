"""Thresholds, the rule baseline and calibration on small hand-made data."""

import numpy as np
import pandas as pd
import pytest

from fakeprofile.errors import UserError
from fakeprofile.models import ChecklistRules, Platt, build
from fakeprofile.train import choose_thresholds


def test_thresholds_meet_their_targets_on_the_data_they_were_chosen_on():
    rng = np.random.default_rng(0)
    y = (rng.random(5000) < 0.3).astype(int)
    p = np.clip(rng.normal(0.25 + 0.5 * y, 0.15), 0, 1)
    accept, report = choose_thresholds(p, y, min_precision=0.99, max_fake_rate=0.02)
    assert 0 < accept <= report <= 1
    assert y[p >= report].mean() >= 0.99
    assert y[p < accept].mean() <= 0.02


def test_thresholds_never_report_or_accept_when_targets_are_out_of_reach():
    y = np.array([0, 1] * 50)
    p = np.full(100, 0.5)
    accept, report = choose_thresholds(p, y, 0.99, 0.02)
    assert report > 1 and accept == 0


def test_checklist_counts_red_flags():
    X = pd.DataFrame(
        {
            "photo_missing": [1, 0],
            "photo_placeholder_or_flat": [np.nan, 0],
            "photo_reuse_count": [np.nan, 0],
            "profile_share_sections_filled": [0.1, 0.8],
            "text_spelling_error_rate": [0.2, 0.0],
            "activity_none": [1, 0],
            "invite_has_note": [0, 1],
            "invite_note_canned": [np.nan, 0],
            "invite_money_words": [np.nan, 0],
            "invite_contact_bait": [np.nan, 0],
            "invite_link": [np.nan, 0],
        }
    )
    p = ChecklistRules().fit(X, [1, 0]).predict_proba(X)[:, 1]
    assert p.tolist() == [5 / 6, 0.0]


def test_platt_is_monotone_and_calibrates():
    rng = np.random.default_rng(1)
    raw = rng.random(4000)
    y = (rng.random(4000) < raw**2).astype(int)  # raw overstates the chance
    cal = Platt().fit(raw, y).transform(raw)
    assert np.all(np.diff(cal[np.argsort(raw)]) >= -1e-12)
    assert abs(cal.mean() - y.mean()) < 0.02


def test_unknown_model_kind_is_a_clear_error():
    with pytest.raises(UserError, match="train.model"):
        build("forest", {}, 0)


@pytest.mark.parametrize("kind", ["hgb", "logreg"])
def test_a_feature_missing_in_every_training_row_is_left_out(kind):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((600, 3)), columns=["signal", "empty", "noise"])
    X["empty"] = np.nan
    y = (X["signal"] > 0.5).to_numpy().astype(int)
    model = build(kind, {}, 0).fit(X, y)  # scikit-learn's binning alone fails on such a column
    later = X.assign(empty=1.0)  # a value the model never saw cannot change the prediction
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(later))
    assert model.predict_proba(X)[:, 1][y == 1].mean() > 0.8
