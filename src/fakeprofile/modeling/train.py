"""The train stage: fit the chosen model on every labelled row outside the test part, calibrate it
and choose the decision thresholds on out-of-fold predictions of those same rows (cross-fitting),
so no row is set aside. The rule baseline and the peer (a random forest on the raw input fields)
go through the same steps, so all three can be compared on equal terms.

`train.model: auto` picks the kind and settings among `train.auto` by the same cross-validation,
and reuses the winner's out-of-fold predictions for calibration. With `split.method: cv` every
fold is fitted this way on the other folds, which gives out-of-fold test predictions for all rows.

Decisions, the careful member's three answers:
- report  where the calibrated probability of "fake" reaches a level at which at least
  `report_min_precision` of the reported profiles are fake (out of fold);
- accept  where the share of fakes among the accepted is at most `accept_max_fake_rate` and the
  profile's own calibrated probability of being fake is below `accept_max_probability` (a
  careful member accepts a stranger only with little doubt, however many clear cases there are);
- ask     in between: write and ask why they want to connect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from sklearn.metrics import roc_auc_score

from fakeprofile.data.io import atomic_path
from fakeprofile.errors import UserError
from fakeprofile.features import invitation
from fakeprofile.modeling import estimators as models
from fakeprofile.modeling.fitted import Trained, threads
from fakeprofile.modeling.split import folds_of, groups_of
from fakeprofile.progress import bar


def choose_thresholds(
    p: np.ndarray,
    y: np.ndarray,
    min_precision: float,
    max_fake_rate: float,
    min_reports: int = 20,
    eligible: np.ndarray | None = None,
    max_probability: float = 1.0,
) -> tuple[float, float]:
    """(accept_below, report_at) on validation probabilities `p` with labels `y` (1 = fake).

    report_at: the lowest score at which the profiles scoring at least that much are fake with
    precision >= min_precision (at least `min_reports` of them); above 1 (never) if none is.
    accept_below: the highest score under which the fake share is <= max_fake_rate; 0 (never)
    if none is, and never above `max_probability`: without it, many clear genuine members let the
    cut climb until profiles as likely fake as not are accepted. accept_below never exceeds
    report_at. Only `eligible` rows (all if None) count for accept_below: the others are never
    accepted whatever their score.
    """
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ps) + 1)
    precision = tp / k
    last = np.r_[ps[1:] != ps[:-1], True]  # cut only between distinct scores
    ok = (precision >= min_precision) & (k >= min_reports) & last
    report_at = float(ps[np.flatnonzero(ok).max()]) if ok.any() else 1.0 + 1e-9
    # Going up from the lowest score: fake share among everything below the cut.
    asc = order[::-1]
    if eligible is not None:
        asc = asc[eligible[asc]]
    pa_, ya = p[asc], y[asc]
    fakes_below = np.cumsum(ya)
    m = np.arange(1, len(pa_) + 1)
    cut_ok = np.r_[pa_[1:] != pa_[:-1], True] & (fakes_below / m <= max_fake_rate)
    accept_below = float(pa_[np.flatnonzero(cut_ok).max()] + 1e-12) if cut_ok.any() else 0.0
    return min(accept_below, max_probability, report_at), report_at


def out_of_fold(
    kind: str, params: dict[str, Any], seed: int, X: pd.DataFrame, y: np.ndarray, fold: np.ndarray
) -> np.ndarray:
    """Uncalibrated probability of each row from a model fitted on the other folds."""
    raw = np.empty(len(y))
    for f in np.unique(fold):
        inside = fold == f
        clf = models.build(kind, params, seed).fit(X[~inside], y[~inside])
        raw[inside] = clf.predict_proba(X[inside])[:, 1]
    return raw


def selection_score(y: np.ndarray, p: np.ndarray) -> float:
    """What `auto` maximises: ROC AUC plus the ROC AUC up to 5% false positives (McClish's
    standardised partial AUC), so a model that ranks well overall but not among the most
    suspicious profiles, where reports are made, does not win."""
    return float(roc_auc_score(y, p) + roc_auc_score(y, p, max_fpr=0.05))


def candidates(train_params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(kind, params) of each `train.auto` entry: its settings over the kind's own section."""
    out = []
    for entry in train_params.get("auto") or []:
        entry = dict(entry)
        kind = str(entry.pop("kind", ""))
        if kind not in models.KINDS or kind == "rules":
            raise UserError(
                f"params.yaml train.auto: kind must be one of logreg, hgb, rf, peer, not {kind!r}"
            )
        out.append((kind, train_params | {kind: dict(train_params.get(kind) or {}) | entry}))
    if not out:
        raise UserError("params.yaml train.model is auto but train.auto lists no candidates")
    return out


def fit_one(
    kind: str,
    params: dict[str, Any],
    seed: int,
    X: pd.DataFrame,
    y: np.ndarray,
    fold: np.ndarray,
    thresholds: dict[str, float],
) -> Trained:
    """Fit `kind` on all rows of X; calibrate and choose thresholds on its out-of-fold
    predictions (`fold`: fold number per row). kind `auto` first picks among train.auto."""
    if kind == "auto":
        best = None
        for cand_kind, cand_params in candidates(params):
            raw = out_of_fold(cand_kind, cand_params, seed, X, y, fold)
            score = selection_score(y, raw)
            if best is None or score > best[0] + 1e-9:  # ties: the earlier, simpler entry
                best = (score, cand_kind, cand_params, raw)
        _, kind, params, raw = best
    else:
        raw = out_of_fold(kind, params, seed, X, y, fold)
    cal = models.Platt().fit(raw, y)
    floor = bool(thresholds.get("red_flag_floor", False))
    # Rows the floor never accepts do not count towards the fakes among the accepted.
    open_ = ~invitation.red_flags(X) if floor else np.ones(len(y), dtype=bool)
    accept, report = choose_thresholds(
        cal.transform(raw),
        y,
        float(thresholds["report_min_precision"]),
        float(thresholds["accept_max_fake_rate"]),
        eligible=open_,
        max_probability=float(thresholds["accept_max_probability"]),
    )
    clf = models.build(kind, params, seed).fit(X, y)
    return Trained(kind, clf, cal, accept, report, dict(params.get(kind) or {}), floor)


def load_parts(
    features: str | Path, split: str | Path, names: list[str]
) -> tuple[dict, dict, pd.DataFrame]:
    """Feature matrices and labels per part, plus the identity columns of every row."""
    for path in (features, split):
        if not Path(path).is_file():
            raise UserError(f"{path} not found: run the earlier pipeline stages first (dvc repro)")
    df = (
        pq.read_table(features).to_pandas().merge(pq.read_table(split).to_pandas(), on="profile_id")
    )
    X = {p: df.loc[df["part"] == p, names].reset_index(drop=True) for p in ("train", "val", "test")}
    y = {p: (df.loc[df["part"] == p, "label"] == "fake").to_numpy().astype(int) for p in X}
    return X, y, df


ROLES = ("model", "baseline", "peer")  # the chosen model, the checklist rules, the raw forest


def fit_roles(
    kind: str,
    params: dict[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    thresholds: dict[str, float],
) -> dict[str, Trained]:
    """The model, the rule baseline and the peer, each fitted on all of X and cross-fitted."""
    seed = int(params["seed"])
    fold = folds_of(y, groups, int(params.get("folds", 5)), seed)
    kinds = {"model": kind, "baseline": "rules", "peer": "peer"}
    out = {}
    with bar(len(kinds), "training", " models") as progress:
        for role, k in kinds.items():
            out[role] = fit_one(k, params, seed, X, y, fold, thresholds)
            progress.update()
    return out


def run(
    features: str | Path,
    split: str | Path,
    featurizer: str | Path,
    output: str | Path,
    train_params: dict[str, Any],
    thresholds: dict[str, float],
) -> dict[str, Any]:
    """Fit the chosen model, the rule baseline and the peer on every row outside the test part;
    save them to `output`. With cv folds in the split, also each fold's predictions from
    models fitted on the other folds (key "cv": profile_id, fold, and per role p and decision)."""
    names = list(joblib.load(featurizer).get_feature_names_out())
    _, _, df = load_parts(features, split, names)
    kind = str(train_params["model"])
    y = (df["label"] == "fake").to_numpy().astype(int)
    groups = groups_of(df)
    fit = (df["part"] != "test").to_numpy()
    # Cross-fitting makes many fits; one OpenMP thread each. Boosting's threads synchronise
    # per tree node, and on small fits or busy cores that waiting costs more than it gives.
    with threads().limit(limits=1, user_api="openmp"):
        return _run(df, names, kind, y, groups, fit, train_params, thresholds, output)


def _run(
    df: pd.DataFrame,
    names: list[str],
    kind: str,
    y: np.ndarray,
    groups: np.ndarray,
    fit: np.ndarray,
    train_params: dict[str, Any],
    thresholds: dict[str, float],
    output: str | Path,
) -> dict[str, Any]:
    trained: dict[str, Any] = fit_roles(
        kind,
        train_params,
        df.loc[fit, names].reset_index(drop=True),
        y[fit],
        groups[fit],
        thresholds,
    )
    fold = df["fold"].to_numpy() if "fold" in df else np.full(len(df), -1)
    if (fold >= 0).any():
        cv = pd.DataFrame({"profile_id": df["profile_id"], "fold": fold})
        for role in ROLES:
            cv[f"{role}_p"] = np.nan
            cv[f"{role}_decision"] = ""
        for f in np.unique(fold[fold >= 0]):
            inside = fold == f
            outside = (fold >= 0) & ~inside
            X_out = df.loc[outside, names].reset_index(drop=True)
            fitted = fit_roles(kind, train_params, X_out, y[outside], groups[outside], thresholds)
            X_in = df.loc[inside, names].reset_index(drop=True)
            for role, t in fitted.items():
                p = t.proba(X_in)
                cv.loc[inside, f"{role}_p"] = p
                cv.loc[inside, f"{role}_decision"] = t.decide(p, X_in)
        trained["cv"] = cv
    with atomic_path(output) as tmp:
        joblib.dump(trained, tmp)
    return trained
