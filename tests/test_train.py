"""Thresholds, the rule baseline and calibration on small hand-made data."""

import numpy as np
import pandas as pd
import pytest

from fakeprofile.errors import UserError
from fakeprofile.modeling.estimators import RAW_FIELDS, ChecklistRules, Platt, build
from fakeprofile.modeling.split import folds_of
from fakeprofile.modeling.train import choose_thresholds, fit_one, out_of_fold


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


def xor_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.random((n, 3)), columns=["a", "b", "noise"])
    y = ((X["a"] > 0.5) ^ (X["b"] > 0.5)).to_numpy().astype(int)
    return X, y


THRESHOLDS = {"report_min_precision": 0.99, "accept_max_fake_rate": 0.03}


def test_calibration_and_thresholds_come_from_out_of_fold_predictions_of_every_row():
    X, y = xor_data()
    fold = folds_of(y, np.arange(len(y)).astype(str), 5, 0)
    assert sorted(np.bincount(fold)) == [120] * 5
    params = {"rf": {"n_estimators": 30}}
    t = fit_one("rf", params, 0, X, y, fold, THRESHOLDS)
    raw = out_of_fold("rf", params, 0, X, y, fold)
    # The calibrator is the one fitted on those out-of-fold scores of all rows ...
    np.testing.assert_allclose(t.calibrator.transform(raw), Platt().fit(raw, y).transform(raw))
    # ... and the thresholds are chosen on its calibrated scores, not on the final model's
    # (in-sample, overconfident) ones.
    p = t.calibrator.transform(raw)
    assert (t.accept_below, t.report_at) == choose_thresholds(p, y, 0.99, 0.03)
    assert len(t.classifier[-1].estimators_) == 30  # the final model is fitted on all rows


def test_auto_picks_the_candidate_that_cross_validates_best():
    X, y = xor_data()
    fold = folds_of(y, np.arange(len(y)).astype(str), 3, 0)
    params = {"auto": [{"kind": "logreg"}, {"kind": "rf", "n_estimators": 30}], "logreg": {}}
    t = fit_one("auto", params, 0, X, y, fold, THRESHOLDS)
    assert t.kind == "rf" and t.settings == {"n_estimators": 30}  # a line cannot fit XOR
    with pytest.raises(UserError, match="train.auto"):
        fit_one("auto", {"auto": [{"kind": "rules"}]}, 0, X, y, fold, THRESHOLDS)


def test_the_peer_sees_only_the_raw_input_fields():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame(
        {"activity_followers": rng.random(n), "text_spelling_error_rate": rng.random(n)}
    )
    y = (X["text_spelling_error_rate"] > 0.5).to_numpy().astype(int)  # a derived feature decides
    peer = build("peer", {"peer": {"n_estimators": 20}}, 0).fit(X, y)
    changed = X.assign(text_spelling_error_rate=1 - X["text_spelling_error_rate"])
    np.testing.assert_array_equal(peer.predict_proba(X), peer.predict_proba(changed))
    assert "activity_followers" in RAW_FIELDS and "text_spelling_error_rate" not in RAW_FIELDS
