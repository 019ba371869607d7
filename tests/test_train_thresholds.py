"""train.py: threshold choice against a brute-force search over every cut, calibration fitted
on out-of-fold predictions (rows the scoring classifier never saw), and the decision at the cuts
themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from fakeprofile.modeling.estimators import Platt
from fakeprofile.modeling.split import folds_of
from fakeprofile.modeling.train import Trained, choose_thresholds, fit_one, out_of_fold

THRESHOLDS = {
    "report_min_precision": 0.99,
    "accept_max_fake_rate": 0.03,
    "accept_max_probability": 1.0,
}


def brute_force(p, y, min_precision, max_fake_rate, min_reports=20):
    """The definition, cut by cut: (rows accepted, rows reported) as boolean masks.

    report: of the cuts t where the rows scoring >= t number at least `min_reports` and are fake
    with precision >= min_precision, the lowest. accept: of the cuts t where the rows scoring
    <= t are fake at most max_fake_rate, the highest; nothing accepted is reported."""
    cuts = np.unique(p)
    report_ok = [
        t for t in cuts if (p >= t).sum() >= min_reports and y[p >= t].mean() >= min_precision
    ]
    reported = p >= min(report_ok) if report_ok else np.zeros(len(p), bool)
    accept_ok = [t for t in cuts if y[p <= t].mean() <= max_fake_rate]
    accepted = p <= max(accept_ok) if accept_ok else np.zeros(len(p), bool)
    return accepted & ~reported, reported


def decided(p, y, min_precision, max_fake_rate, min_reports=20):
    accept, report = choose_thresholds(p, y, min_precision, max_fake_rate, min_reports)
    return p < accept, p >= report


@pytest.mark.parametrize("seed", range(12))
def test_thresholds_equal_the_brute_force_search_over_cuts(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 600))
    y = (rng.random(n) < rng.uniform(0.1, 0.5)).astype(int)
    p = np.clip(rng.normal(0.3 + rng.uniform(0.2, 0.6) * y, 0.15), 0, 1)
    if seed % 2:
        p = np.round(p, 2)  # ties: a cut never splits equal scores
    targets = (rng.choice([0.9, 0.95, 0.99]), rng.choice([0.01, 0.03, 0.1]))
    want_accept, want_report = brute_force(p, y, *targets)
    got_accept, got_report = decided(p, y, *targets)
    np.testing.assert_array_equal(got_report, want_report)
    np.testing.assert_array_equal(got_accept, want_accept)


def test_hand_made_cuts():
    # Scores high to low; precision of the top k: 1, 1, 1, 0.75, 0.8, ...
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    y = np.array([1, 1, 1, 0, 1, 0, 0, 1, 0, 0])
    accept, report = choose_thresholds(p, y, min_precision=0.8, max_fake_rate=0.0, min_reports=2)
    assert report == 0.5  # top 5 have precision 4/5; top 6 only 4/6
    assert 0.1 <= accept <= 0.2  # below 0.2 nothing is fake; with 0.2 one fake of four
    assert p[p < accept].tolist() == [0.1, 0.05]
    # min_reports: at least 6 reported, so the cut at 0.5 no longer counts; no lower one meets 0.8
    _, report6 = choose_thresholds(p, y, 0.8, 0.0, min_reports=6)
    assert report6 > 1


def test_a_score_at_a_cut_takes_the_cut_side():
    t = Trained("x", None, None, accept_below=0.2, report_at=0.7)
    p = np.array([0.0, 0.2 - 1e-9, 0.2, 0.5, 0.7 - 1e-9, 0.7, 1.0])
    assert t.decide(p).tolist() == ["accept", "accept", "ask", "ask", "ask", "report", "report"]


def _parts(rng, n):
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    return X, (rng.random(n) < 0.3).astype(int)


def test_calibration_is_fitted_on_rows_the_classifier_never_saw():
    """Cross-fitting: the calibrator sees only out-of-fold predictions, each from a model that
    never saw the row. Features are noise and a deep model memorises its training rows.
    Calibrated on in-sample predictions of the final classifier the probabilities would be near
    0 or 1; calibrated out of fold they stay near the base rate (0.3) on new rows, as they must:
    nothing here predicts anything."""
    rng = np.random.default_rng(3)
    X, y = _parts(rng, 1200)
    X_new, _ = _parts(rng, 800)
    fold = folds_of(y, np.arange(len(y)), 5, 0)
    params = {"rf": {"n_estimators": 30}}
    thresholds = {
        "report_min_precision": 0.99,
        "accept_max_fake_rate": 0.03,
        "accept_max_probability": 1.0,
    }
    with threadpool_limits(1):  # OpenMP threads on a busy shared machine only spin
        trained = fit_one("rf", params, 0, X, y, fold, thresholds)
        oof = out_of_fold("rf", params, 0, X, y, fold)
    raw = trained.classifier.predict_proba(X)[:, 1]
    assert np.corrcoef(raw, y)[0, 1] > 0.5  # the final classifier did memorise
    assert abs(np.corrcoef(oof, y)[0, 1]) < 0.15  # its out-of-fold predictions did not
    # The calibrator is Platt on exactly those out-of-fold predictions.
    grid = np.linspace(0.001, 0.999, 50)
    want = Platt().fit(oof, y).transform(grid)
    np.testing.assert_allclose(trained.calibrator.transform(grid), want, rtol=1e-6, atol=1e-9)
    p = trained.proba(X_new)
    assert abs(p.mean() - 0.3) < 0.05
    assert p.std() < 0.05
    assert (trained.decide(p) == "report").sum() == 0
    assert trained.kind == "rf"


def test_proba_of_a_model_without_trees_is_calibrated_predict_proba():
    """The rule baseline has no trees to compile: its probability is Platt over predict_proba,
    and the decision follows the thresholds."""
    from fakeprofile.modeling.estimators import ChecklistRules, Platt

    X = pd.DataFrame(
        {
            "photo_missing": [1, 0, 1, 0],
            "photo_placeholder_or_flat": [0, 0, 1, np.nan],
            "photo_reuse_count": [0, 0, 3, np.nan],
            "profile_share_sections_filled": [0.1, 0.8, 0.2, np.nan],
            "text_spelling_error_rate": [0.2, 0.0, 0.0, np.nan],
            "activity_none": [1, 0, 1, np.nan],
            "invite_has_note": [0, 1, 0, np.nan],
            "invite_note_canned": [np.nan, 0, 1, np.nan],
            "invite_money_words": [np.nan, 0, 2, np.nan],
            "invite_contact_bait": [np.nan, 0, 1, np.nan],
            "invite_link": [np.nan, 0, 1, np.nan],
        }
    )
    y = np.array([1, 0, 1, 0])
    rules = ChecklistRules().fit(X, y)
    raw = rules.predict_proba(X)[:, 1]
    cal = Platt().fit(raw, y)
    t = Trained("rules", rules, cal, accept_below=0.2, report_at=0.9)
    assert t.forest(list(X.columns)) is None
    np.testing.assert_array_equal(t.proba(X), cal.transform(raw))


def test_cuts_at_the_ends_and_the_default_minimum_of_reports():
    p = np.linspace(0.01, 0.99, 60)
    # Every profile fake: all are reported, the lowest score is the cut; none is accepted.
    accept, report = choose_thresholds(p, np.ones(60, int), 0.99, 0.03)
    assert report == p.min() and accept == 0.0
    # Every profile genuine: all are accepted, the highest score included; none is reported.
    accept, report = choose_thresholds(p, np.zeros(60, int), 0.99, 0.03)
    assert report > 1 and accept > p.max()
    # Exactly 20 fakes on top: enough reports by default, not with 21 required.
    y = (np.arange(60) >= 40).astype(int)
    assert choose_thresholds(p, y, 0.99, 0.03)[1] == p[40]
    assert choose_thresholds(p, y, 0.99, 0.03, min_reports=21)[1] > 1


def test_decisions_at_hand_made_thresholds_and_the_red_flag_floor():
    p = np.array([0.1, 0.2, 0.5, 0.7, 0.9, 0.05])
    X = pd.DataFrame({"invite_link": [1, 0, 1, 0, 1, np.nan], "invite_phone": [0, 0, 0, 0, 0, 2]})
    plain = Trained("rules", None, Platt(), accept_below=0.2, report_at=0.7)
    assert plain.decide(p).tolist() == ["accept", "ask", "ask", "report", "report", "accept"]
    assert plain.decide(p, X).tolist() == plain.decide(p).tolist()  # no floor: flags ignored
    assert not plain.floored(p, X).any()
    floor = Trained("rules", None, Platt(), 0.2, 0.7, red_flag_floor=True)
    # A red flag (a link, a phone number) is never accepted; a reported one stays reported.
    assert floor.decide(p, X).tolist() == ["ask", "ask", "ask", "report", "report", "ask"]
    assert floor.decide(p).tolist() == plain.decide(p).tolist()  # without features: no floor
    assert floor.floored(p, X).tolist() == [True, False, False, False, False, True]
    assert floor.floored(p, X).dtype == bool  # a mask
    assert plain.floored(p, X).dtype == bool
    # At the cuts themselves: a score equal to accept_below is asked about anyway, one equal to
    # report_at is reported (here with crossed hand-set thresholds): neither was floored.
    flagged = pd.DataFrame({"invite_link": [1, 1]})
    assert not floor.floored(np.array([0.2, 0.2]), flagged).any()
    crossed = Trained("rules", None, Platt(), 0.8, 0.5, red_flag_floor=True)
    assert crossed.decide(np.array([0.5, 0.4]), flagged).tolist() == ["report", "ask"]
    assert crossed.floored(np.array([0.5, 0.4]), flagged).tolist() == [False, True]


@pytest.mark.parametrize("seed", range(4))
def test_floored_rows_are_exactly_those_the_floor_moved_from_accept_to_ask(seed):
    rng = np.random.default_rng(seed)
    n = 200
    p = rng.random(n)
    X = pd.DataFrame({"invite_money_words": rng.choice([0, 1, np.nan], n)})
    a, r = np.sort(rng.random(2))
    if seed % 2:
        a, r = r, a  # hand-set thresholds may even cross: report still wins
    floor = Trained("rules", None, Platt(), a, r, red_flag_floor=True)
    moved = (floor.decide(p) == "accept") & (floor.decide(p, X) == "ask")
    np.testing.assert_array_equal(floor.floored(p, X), moved)
    assert (floor.decide(p, X) != floor.decide(p)).sum() == moved.sum()


def test_a_pickled_model_leaves_its_compiled_trees_out_and_scores_the_same():
    import pickle

    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.random((200, 3)), columns=["a", "b", "c"])
    y = (X["a"] > 0.5).to_numpy().astype(int)
    t = fit_one("rf", {"rf": {"n_estimators": 5}}, 0, X, y, np.arange(200) % 2, THRESHOLDS)
    saved = pickle.dumps(t)
    p = t.proba(X)  # builds the compiled trees
    assert pickle.dumps(t) == saved  # derived, never pickled
    again = pickle.loads(saved)
    np.testing.assert_array_equal(again.proba(X), p)
    assert again.decide(p).tolist() == t.decide(p).tolist()


@pytest.mark.parametrize("cap", [0.05, 0.2, 0.6])
def test_no_profile_is_accepted_at_or_above_the_probability_cap(cap):
    """The cap bounds each accepted profile's own probability; below it the fake-share rule
    decides as before (brute force)."""
    rng = np.random.default_rng(3)
    p = rng.uniform(size=600)
    y = (rng.uniform(size=600) < p**3).astype(int)  # few fakes at low scores: a high free cut
    free, _ = choose_thresholds(p, y, 0.99, 0.05)
    capped, _ = choose_thresholds(p, y, 0.99, 0.05, max_probability=cap)
    assert free > 0.2  # the fake-share rule alone accepts far up the scores here
    assert capped == min(free, cap)
    accepted, _ = brute_force(p, y, 0.99, 0.05)
    assert np.array_equal(p < capped, accepted & (p < cap))
