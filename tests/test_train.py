"""Thresholds, the rule baseline and calibration on small hand-made data."""

import numpy as np
import pandas as pd
import pytest

from fakeprofile.errors import UserError
from fakeprofile.modeling.estimators import RAW_FIELDS, ChecklistRules, Platt, build
from fakeprofile.modeling.split import folds_of
from fakeprofile.modeling.train import (
    candidates,
    choose_thresholds,
    fit_one,
    out_of_fold,
    selection_score,
)


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


THRESHOLDS = {
    "report_min_precision": 0.99,
    "accept_max_fake_rate": 0.03,
    "accept_max_probability": 1.0,
}


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


def test_out_of_fold_predictions_equal_one_fit_per_fold_on_the_other_folds():
    X, y = xor_data(300)
    fold = np.arange(300) % 3
    got = out_of_fold("logreg", {}, 0, X, y, fold)
    for f in range(3):
        clf = build("logreg", {}, 0).fit(X[fold != f], y[fold != f])
        np.testing.assert_array_equal(got[fold == f], clf.predict_proba(X[fold == f])[:, 1])


def test_selection_score_is_auc_plus_partial_auc_up_to_5_percent_false_positives():
    y = np.array([0, 0, 0, 0, 1, 1])
    assert selection_score(y, np.array([0.1, 0.2, 0.3, 0.4, 0.8, 0.9])) == 2.0  # perfect
    # Fakes 0.9 and 0.8; one genuine (0.85) between them: AUC 7/8. Up to 5% false positives the
    # curve is at half the fakes, an area of 0.025; McClish scales it from [min, max] =
    # [0.05**2 / 2, 0.05] to [0.5, 1].
    low, high = 0.05**2 / 2, 0.05
    partial = 0.5 * (1 + (0.025 - low) / (high - low))
    got = selection_score(y, np.array([0.1, 0.2, 0.3, 0.85, 0.8, 0.9]))
    assert got == pytest.approx(7 / 8 + partial, abs=1e-12)


def test_candidates_lay_each_entry_over_its_kinds_section_and_leave_params_alone():
    params = {
        "seed": 3,
        "rf": {"n_estimators": 50, "max_depth": 4},
        "auto": [{"kind": "rf", "n_estimators": 10}, {"kind": "logreg", "C": 0.5}],
    }
    got = candidates(params)
    assert [k for k, _ in got] == ["rf", "logreg"]
    assert got[0][1]["rf"] == {"n_estimators": 10, "max_depth": 4}
    assert got[1][1]["logreg"] == {"C": 0.5}
    assert got[0][1]["seed"] == 3 and got[1][1]["rf"] == params["rf"]
    assert params["auto"][0] == {"kind": "rf", "n_estimators": 10}  # not popped from the input
    with pytest.raises(UserError, match="^params.yaml train.model is auto but train.auto lists no"):
        candidates({"auto": []})
    for bad in ({"auto": []}, {}, {"auto": [{"n_estimators": 3}]}, {"auto": [{"kind": "svm"}]}):
        with pytest.raises(UserError, match="train.auto"):
            candidates(bad)
    with pytest.raises(UserError, match="not ''$"):  # an entry without a kind says so
        candidates({"auto": [{"n_estimators": 3}]})


def test_auto_keeps_the_earlier_candidate_on_a_tie():
    X, y = xor_data(300)
    fold = np.arange(300) % 3
    # The same model twice (a setting that changes nothing): the first entry wins.
    params = {"auto": [{"kind": "logreg", "tol": 1e-4}, {"kind": "logreg", "tol": 1e-4 + 1e-12}]}
    t = fit_one("auto", params, 0, X, y, fold, THRESHOLDS)
    assert t.settings == {"tol": 1e-4}


def test_the_red_flag_floor_leaves_flagged_rows_out_of_the_accept_cut():
    rng = np.random.default_rng(1)
    n = 400
    X = pd.DataFrame({"signal": rng.random(n), "invite_link": (rng.random(n) < 0.3).astype(float)})
    y = (
        ((X["signal"] + 0.3 * X["invite_link"] + rng.normal(0, 0.2, n)) > 0.8)
        .to_numpy()
        .astype(int)
    )
    fold = np.arange(n) % 4
    thresholds = {**THRESHOLDS, "accept_max_fake_rate": 0.1, "red_flag_floor": True}
    t = fit_one("logreg", {}, 0, X, y, fold, thresholds)
    p = Platt().fit(raw := out_of_fold("logreg", {}, 0, X, y, fold), y).transform(raw)
    open_ = X["invite_link"].to_numpy() == 0
    assert t.red_flag_floor is True
    assert (t.accept_below, t.report_at) == choose_thresholds(p, y, 0.99, 0.1, eligible=open_)
    assert (t.accept_below, t.report_at) != choose_thresholds(p, y, 0.99, 0.1)
    plain = fit_one("logreg", {}, 0, X, y, fold, {**thresholds, "red_flag_floor": False})
    assert plain.red_flag_floor is False
    assert (plain.accept_below, plain.report_at) == choose_thresholds(p, y, 0.99, 0.1)


@pytest.mark.parametrize("kind", ["logreg", "hgb"])
def test_proba_neutral_equals_rescoring_each_row_with_the_group_set_neutral(kind):
    X, y = xor_data(300)
    fold = np.arange(300) % 3
    t = fit_one(kind, {"hgb": {"max_iter": 20}}, 0, X, y, fold, THRESHOLDS)
    group_of = np.array([0, 0, 1])  # group 0: a and b; group 1: noise
    neutral = np.array([0.5, 0.25, 0.1])
    rng = np.random.default_rng(2)
    want = rng.random((300, 2)) < 0.5
    want[0] = False
    got = t.proba_neutral(X, want, group_of, neutral)
    assert np.isnan(got[~want]).all()
    rows, groups = np.nonzero(want)
    copies = []  # each wanted (row, group): the row with that group's columns set neutral
    for row, g in zip(rows, groups, strict=True):
        copy = X.iloc[[row]].copy()
        cols = X.columns[group_of == g]
        copy[cols] = neutral[group_of == g]
        copies.append(copy)
    # Rescored in one call (each row's probability is its own): one predict, not one per row;
    # and a few alone, so that a result depending on the batch would show.
    np.testing.assert_allclose(
        got[rows, groups], t.proba(pd.concat(copies)), rtol=1e-12, atol=1e-15
    )
    for k in (0, len(copies) // 2, len(copies) - 1):
        np.testing.assert_allclose(got[rows[k], groups[k]], t.proba(copies[k])[0], rtol=1e-12)


RULE_COLUMNS = {
    "photo_missing": [0, 1],
    "photo_placeholder_or_flat": [0, 1],
    "photo_reuse_count": [0, 3],
    "profile_share_sections_filled": [0.1, 0.9],
    "text_spelling_error_rate": [0.0, 0.2],
    "activity_none": [0, 1],
    "invite_has_note": [0, 1],
    "invite_note_canned": [0, 1],
    "invite_money_words": [0, 2],
    "invite_contact_bait": [0, 1],
    "invite_link": [0, 1],
}


def test_the_stage_fits_on_all_but_test_rows_and_cross_fits_each_cv_fold(tmp_path):
    """train.run against the roles fitted by hand: the saved models on every row outside the
    test part, and each fold's cv predictions and decisions from roles fitted on the others."""
    import joblib
    from sklearn.preprocessing import FunctionTransformer

    from fakeprofile.modeling.train import fit_roles, run

    rng = np.random.default_rng(4)
    n = 240
    X = pd.DataFrame({k: rng.choice(v, n) for k, v in RULE_COLUMNS.items()})
    X["activity_followers"] = rng.integers(0, 50, n).astype(float)
    y = ((X["photo_missing"] + X["invite_link"] + rng.random(n)) > 1.5).to_numpy().astype(int)
    ids = [f"p{i}" for i in range(n)]
    fold = np.arange(n) % 4 - 1  # fold -1: not in the cv (the test part here)
    part = np.where(fold < 0, "test", np.where(fold == 0, "val", "train"))
    features, split = tmp_path / "features.parquet", tmp_path / "split.parquet"
    X.assign(profile_id=ids).to_parquet(features)
    pd.DataFrame(
        {
            "profile_id": ids,
            "part": part,
            "label": np.where(y == 1, "fake", "genuine"),
            "photo_group": -1,
            "fold": fold,
        }
    ).to_parquet(split)
    joblib.dump(FunctionTransformer(feature_names_out="one-to-one").fit(X), tmp_path / "f.joblib")
    params = {"model": "logreg", "seed": 1, "folds": 3, "peer": {"n_estimators": 5}}
    thresholds = {
        "report_min_precision": 0.9,
        "accept_max_fake_rate": 0.2,
        "accept_max_probability": 1.0,
    }
    got = run(features, split, tmp_path / "f.joblib", tmp_path / "m.joblib", params, thresholds)
    assert set(joblib.load(tmp_path / "m.joblib")) == {"model", "baseline", "peer", "cv"}
    groups = np.array(["id:" + i for i in ids])
    fit = part != "test"
    want = fit_roles(
        "logreg", params, X[fit].reset_index(drop=True), y[fit], groups[fit], thresholds
    )
    assert [got[r].kind for r in ("model", "baseline", "peer")] == ["logreg", "rules", "peer"]
    # Cross-fitted with train.folds (3 here) folds: the calibrator is Platt on those predictions.
    X_fit = X[fit].reset_index(drop=True)
    raw = out_of_fold("logreg", params, 1, X_fit, y[fit], folds_of(y[fit], groups[fit], 3, 1))
    grid = np.linspace(0.01, 0.99, 9)
    want_cal = Platt().fit(raw, y[fit]).transform(grid)
    np.testing.assert_allclose(got["model"].calibrator.transform(grid), want_cal, rtol=1e-9)
    for role in ("model", "baseline", "peer"):
        np.testing.assert_array_equal(got[role].proba(X), want[role].proba(X))
    cv = got["cv"]
    assert cv["profile_id"].tolist() == ids and cv["fold"].tolist() == fold.tolist()
    assert cv.loc[fold < 0, "model_p"].isna().all()
    assert (cv.loc[fold < 0, "model_decision"] == "").all()
    for f in range(3):
        inside, outside = fold == f, (fold >= 0) & (fold != f)
        X_out = X[outside].reset_index(drop=True)
        roles = fit_roles("logreg", params, X_out, y[outside], groups[outside], thresholds)
        X_in = X[inside].reset_index(drop=True)
        for role, t in roles.items():
            p = t.proba(X_in)
            np.testing.assert_array_equal(cv.loc[inside, f"{role}_p"].to_numpy(), p)
            assert cv.loc[inside, f"{role}_decision"].tolist() == t.decide(p, X_in).tolist()
