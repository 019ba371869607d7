"""The train stage: fit the chosen model on the train part, calibrate it and choose the decision
thresholds on the validation part. The rule baseline goes through the same steps, so the two can
be compared on equal terms.

Decisions, the careful member's three answers:
- report  where the calibrated probability of "fake" reaches a level at which at least
  `report_min_precision` of the reported profiles are fake (on validation);
- accept  where the share of fakes among the accepted is at most `accept_max_fake_rate`;
- ask     in between: write and ask why they want to connect.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from scipy.special import expit
from threadpoolctl import ThreadpoolController

from fakeprofile import models
from fakeprofile.errors import UserError
from fakeprofile.io import atomic_path

if TYPE_CHECKING:
    from fakeprofile.trees import Forest

SMALL_BATCH = 2_000  # rows under which prediction runs on one thread


@functools.cache
def _threads() -> ThreadpoolController:
    """One controller per process (building it inspects every loaded native library)."""
    return ThreadpoolController()


@dataclass
class Trained:
    """A fitted classifier with its calibration and thresholds (picklable, plain data)."""

    kind: str
    classifier: Any
    calibrator: models.Platt
    accept_below: float
    report_at: float

    def proba(self, X: pd.DataFrame) -> np.ndarray:
        forest = self.forest(list(X.columns))
        if forest is not None:
            return self._calibrated(forest.raw(X.to_numpy(dtype=np.float64)))
        # A few rows: waking OpenMP threads for each of 300 trees costs more than the work.
        few = len(X) < SMALL_BATCH
        with _threads().limit(limits=1, user_api="openmp") if few else contextlib.nullcontext():
            return self.calibrator.transform(self.classifier.predict_proba(X)[:, 1])

    def proba_neutral(
        self, X: pd.DataFrame, want: np.ndarray, group_of: np.ndarray, neutral: np.ndarray
    ) -> np.ndarray:
        """Per row and group g: the probability with g's features (columns where group_of == g)
        set to `neutral`, where want[row, g]; NaN elsewhere. Used for reasons."""
        out = np.full(want.shape, np.nan)
        forest = self.forest(list(X.columns))
        if forest is not None:
            _, raw = forest.raw_neutral(X.to_numpy(dtype=np.float64), want, group_of, neutral)
            out[want] = self._calibrated(raw[want])
            return out
        # Any other classifier: every (row, group) copy through the model, in one call.
        rows, groups = np.nonzero(want)
        if len(rows):
            copies = X.to_numpy(dtype=np.float64)[rows]
            cols = group_of[None, :] == groups[:, None]
            copies[cols] = np.broadcast_to(neutral, copies.shape)[cols]
            out[rows, groups] = self.proba(pd.DataFrame(copies, columns=X.columns))
        return out

    def forest(self, columns: list[str]) -> Forest | None:
        """The classifier's trees in compiled form (see trees.py), or None if it has none. Built
        on first use for these feature columns and kept, but never pickled: it is derived.
        (trees.py is imported here, not at the top, since it loads Numba: half a second.)"""
        from fakeprofile.trees import Forest

        key = tuple(columns)
        cached = self.__dict__.get("_forest")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_forest"] = (key, Forest.of(self.classifier, columns))
        return cached[1]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_forest"}

    def _calibrated(self, raw: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds) to calibrated probabilities, as predict_proba then Platt do."""
        return self.calibrator.transform(expit(raw))

    def decide(self, p: np.ndarray) -> np.ndarray:
        return np.where(
            p >= self.report_at, "report", np.where(p < self.accept_below, "accept", "ask")
        )


def choose_thresholds(
    p: np.ndarray, y: np.ndarray, min_precision: float, max_fake_rate: float, min_reports: int = 20
) -> tuple[float, float]:
    """(accept_below, report_at) on validation probabilities `p` with labels `y` (1 = fake).

    report_at: the lowest score at which the profiles scoring at least that much are fake with
    precision >= min_precision (at least `min_reports` of them); above 1 (never) if none is.
    accept_below: the highest score under which the fake share is <= max_fake_rate; 0 (never)
    if none is. accept_below never exceeds report_at.
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
    pa_, ya = p[asc], y[asc]
    fakes_below = np.cumsum(ya)
    m = np.arange(1, len(pa_) + 1)
    cut_ok = np.r_[pa_[1:] != pa_[:-1], True] & (fakes_below / m <= max_fake_rate)
    accept_below = float(pa_[np.flatnonzero(cut_ok).max()] + 1e-12) if cut_ok.any() else 0.0
    return min(accept_below, report_at), report_at


def fit_one(
    kind: str,
    params: dict[str, Any],
    seed: int,
    X: dict[str, pd.DataFrame],
    y: dict[str, np.ndarray],
    thresholds: dict[str, float],
) -> Trained:
    clf = models.build(kind, params, seed).fit(X["train"], y["train"])
    cal = models.Platt().fit(clf.predict_proba(X["val"])[:, 1], y["val"])
    p_val = cal.transform(clf.predict_proba(X["val"])[:, 1])
    accept, report = choose_thresholds(
        p_val,
        y["val"],
        float(thresholds["report_min_precision"]),
        float(thresholds["accept_max_fake_rate"]),
    )
    return Trained(kind, clf, cal, accept, report)


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


def run(
    features: str | Path,
    split: str | Path,
    featurizer: str | Path,
    output: str | Path,
    train_params: dict[str, Any],
    thresholds: dict[str, float],
) -> dict[str, Trained]:
    """Fit the chosen model and the rule baseline; save both to `output`."""
    names = list(joblib.load(featurizer).get_feature_names_out())
    X, y, _ = load_parts(features, split, names)
    seed = int(train_params["seed"])
    kind = str(train_params["model"])
    from fakeprofile.progress import bar

    with bar(2, "training", " models") as progress:
        trained = {"model": fit_one(kind, train_params, seed, X, y, thresholds)}
        progress.update()
        trained["baseline"] = fit_one("rules", train_params, seed, X, y, thresholds)
        progress.update()
    with atomic_path(output) as tmp:
        joblib.dump(trained, tmp)
    return trained
