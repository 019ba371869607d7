"""evaluate.py's numbers against definitions written out by hand: ROC AUC as the share of
(fake, genuine) pairs ranked right, average precision as the mean precision at each fake,
the true positive rate at a false-positive budget by trying every cut, the decision metrics by
counting, the fold spread and the segments by recomputing each part on its own rows."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from fakeprofile.features.lexicon import LANGS
from fakeprofile.modeling import evaluate
from fakeprofile.modeling.fitted import Trained


def pair_auc(y, p):
    fake, genuine = p[y == 1], p[y == 0]
    wins = (fake[:, None] > genuine[None, :]).sum() + 0.5 * (fake[:, None] == genuine).sum()
    return wins / (len(fake) * len(genuine))


def avg_precision(y, p):
    """No ties in p: the precision of the top k at each fake, averaged over the fakes."""
    order = np.argsort(-p)
    ys = y[order]
    at = np.cumsum(ys) / np.arange(1, len(ys) + 1)
    return at[ys == 1].mean()


def tpr_budget(y, p, max_fpr):
    best = 0.0
    for t in np.r_[np.inf, np.unique(p)]:
        flagged = p >= t
        fpr = (flagged & (y == 0)).sum() / (y == 0).sum()
        if fpr <= max_fpr:
            best = max(best, (flagged & (y == 1)).sum() / (y == 1).sum())
    return best


def by_hand(y, p, decision):
    out = {"rows": len(y), "fake_share": y.mean(), "brier": np.mean((p - y) ** 2)}
    if 0 < y.sum() < len(y):
        out |= {
            "roc_auc": pair_auc(y, p),
            "pr_auc": avg_precision(y, p),
            "tpr_at_fpr_1pct": tpr_budget(y, p, 0.01),
            "tpr_at_fpr_0.5pct": tpr_budget(y, p, 0.005),
        }
    for name, flagged in (("report", decision == "report"), ("not_accept", decision != "accept")):
        tp = (flagged & (y == 1)).sum()
        prec = tp / flagged.sum() if flagged.any() else 0.0
        rec = tp / y.sum() if y.any() else 0.0
        out[f"precision_{name}"] = prec
        out[f"recall_{name}"] = rec
        out[f"f1_{name}"] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    for d in ("accept", "ask", "report"):
        out[f"share_{d}"] = (decision == d).mean()
    acc = decision == "accept"
    out["fakes_among_accepted"] = y[acc].mean() if acc.any() else math.nan
    return out


def assert_same(got, want):
    assert set(got) == set(want)
    for k, v in want.items():
        if isinstance(v, float) and math.isnan(v):
            assert math.isnan(got[k]), k
        else:
            assert got[k] == pytest.approx(v, abs=1e-12), k


def random_case(seed, n=None):
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(40, 400))
    y = (rng.random(n) < rng.uniform(0.1, 0.5)).astype(int)
    p = rng.permutation(n) / n * 0.5 + 0.45 * y * rng.random(n)  # distinct, overlapping
    decision = np.where(p >= 0.7, "report", np.where(p < 0.2, "accept", "ask"))
    return y, p, decision


@pytest.mark.parametrize("seed", range(6))
def test_scores_equal_the_definitions_on_random_cases(seed):
    y, p, decision = random_case(seed)
    assert_same(evaluate.scores(y, p, decision), by_hand(y, p, decision))


def test_scores_of_a_hand_made_case():
    y = np.array([1, 1, 0, 1, 0, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.3, 0.2, 0.1, 0.05])
    d = np.array(["report", "report", "report", "ask", "ask", "accept", "accept", "accept"])
    got = evaluate.scores(y, p, d)
    assert got["rows"] == 8 and got["fake_share"] == 3 / 8
    assert got["roc_auc"] == pytest.approx(14 / 15)  # the fake at 0.6 is below one genuine
    assert got["pr_auc"] == pytest.approx((1 + 1 + 3 / 4) / 3)
    assert got["tpr_at_fpr_1pct"] == pytest.approx(2 / 3)  # the cut above the genuine 0.7
    assert got["precision_report"] == pytest.approx(2 / 3)
    assert got["recall_report"] == pytest.approx(2 / 3)
    assert got["precision_not_accept"] == pytest.approx(3 / 5)
    assert got["recall_not_accept"] == 1.0
    assert got["f1_not_accept"] == pytest.approx(2 * 0.6 / 1.6)
    assert (got["share_accept"], got["share_ask"], got["share_report"]) == (3 / 8, 2 / 8, 3 / 8)
    assert got["fakes_among_accepted"] == 0.0
    brier = np.mean((p - y) ** 2)
    assert got["brier"] == pytest.approx(brier)


def test_one_class_and_nothing_accepted_give_no_rank_metrics_and_nan():
    """No fakes, nothing accepted: zeros and NaN where a ratio has no denominator, quietly
    (scikit-learn would warn on every undefined precision and recall)."""
    y = np.array([0, 0, 0])
    p = np.array([0.1, 0.5, 0.9])
    d = np.array(["ask", "report", "ask"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = evaluate.scores(y, p, d)
        evaluate.scores(y, p, np.array(["accept"] * 3))  # nothing flagged
    assert not {"roc_auc", "pr_auc", "tpr_at_fpr_1pct", "tpr_at_fpr_0.5pct"} & set(got)
    assert math.isnan(got["fakes_among_accepted"])
    assert got["precision_report"] == 0.0 and got["recall_report"] == 0.0
    assert got["share_ask"] == pytest.approx(2 / 3)
    assert_same(got, by_hand(y, p, d))
    assert not {"roc_auc"} & set(evaluate.scores(1 - y, p, d))  # only fakes: none either


@pytest.mark.parametrize("max_fpr", [0.0, 0.005, 0.01, 0.05, 0.2])
def test_tpr_at_fpr_equals_trying_every_cut(max_fpr):
    y, p, _ = random_case(7, n=300)
    assert evaluate.tpr_at_fpr(y, p, max_fpr) == pytest.approx(tpr_budget(y, p, max_fpr))


def test_fold_spread_is_the_mean_and_sample_std_of_each_folds_own_scores():
    y, p, d = random_case(3, n=240)
    fold = np.arange(240) % 3
    got = evaluate.fold_spread(fold, y, p, d)
    per = [by_hand(y[fold == f], p[fold == f], d[fold == f]) for f in range(3)]
    assert "rows" not in got
    assert set(got) == set(per[0]) - {"rows"}
    for m, v in got.items():
        vals = np.array([x[m] for x in per], dtype=float)
        assert v["mean"] == pytest.approx(vals.mean()), m
        assert v["std"] == pytest.approx(vals.std(ddof=1)), m


def test_segments_score_each_language_photo_state_and_fake_kind_on_its_own_rows():
    y, p, d = random_case(5, n=200)
    rng = np.random.default_rng(5)
    lang = rng.choice([*LANGS, "unknown"], size=200)
    frame = {}
    for k, code in enumerate(LANGS):
        share = np.where(lang == code, 0.9, rng.uniform(0, 0.1, 200) * (k + 1) / 10)
        frame[f"text_lang_{code}"] = np.where(lang == "unknown", np.nan, share)
    frame["photo_missing"] = np.r_[np.zeros(150), np.ones(50)]
    kinds = rng.choice(["bot", "ring"], size=200)
    frame["fake_kind"] = np.where(y == 1, kinds, None)
    df = pd.DataFrame(frame)
    got = evaluate.segments(df, y, p, d)
    want = {}
    for code in sorted(set(lang)):
        m = lang == code
        want[f"language_{code}"] = m
    want["with_photo"] = np.arange(200) < 150
    want["without_photo"] = np.arange(200) >= 150
    for kind in ("bot", "ring"):
        want[f"fake_kind_{kind}"] = (y == 0) | ((y == 1) & (kinds == kind))
    assert set(got) == set(want)
    for name, m in want.items():
        assert_same(got[name], by_hand(y[m], p[m], d[m]))
    no_flags = df.assign(photo_missing=np.nan)  # a source without photo flags: no segment
    assert not {"with_photo", "without_photo"} & set(evaluate.segments(no_flags, y, p, d))


def test_decides_only_when_the_thresholds_can_both_accept_and_report():
    def t(accept, report):
        return Trained("hgb", None, None, accept_below=accept, report_at=report)

    assert evaluate.decides(t(0.1, 0.9)) and evaluate.decides(t(1e-9, 1.0))
    assert not evaluate.decides(t(0.0, 0.9))  # never accepts
    assert not evaluate.decides(t(0.1, 1.0 + 1e-9))  # never reports


def test_headline_leaves_out_nan_and_anything_not_a_headline_metric():
    test = {k: 0.5 for k in evaluate.HEADLINE} | {"f1_report": 0.1, "rows": 9}
    test["fakes_among_accepted"] = math.nan
    got = evaluate.headline(test, True)
    assert set(got) == set(evaluate.HEADLINE) - {"fakes_among_accepted"}
    assert all(v == 0.5 for v in got.values())
    assert set(evaluate.headline(test, False)) == set(evaluate.RANK_METRICS)
    assert evaluate.headline({"roc_auc": 0.7}, True) == {"roc_auc": 0.7}
