"""A fitted model: what training leaves and scoring uses. The classifier, its calibration and the
decision thresholds, and how they turn a feature table into probabilities and decisions.

Training (train.py) makes these; the exported predictor (inference/predictor.py) holds one. This
module imports no training code, so a model can be served where training cannot even be imported.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import expit
from threadpoolctl import ThreadpoolController

from fakeprofile.features import invitation
from fakeprofile.modeling import estimators as models

if TYPE_CHECKING:
    from fakeprofile.kernels.trees import Forest

SMALL_BATCH = 2_000  # rows under which prediction runs on one thread


@functools.cache
def threads() -> ThreadpoolController:
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
    settings: dict = field(default_factory=dict)  # the kind's settings (chosen ones for auto)
    red_flag_floor: bool = False  # thresholds.red_flag_floor: a note's red flag is never accepted

    def proba(self, X: pd.DataFrame) -> np.ndarray:
        forest = self.forest(list(X.columns))
        if forest is not None:
            return self._calibrated(forest.raw(X.to_numpy(dtype=np.float64)))
        # A few rows: waking OpenMP threads for each of 300 trees costs more than the work.
        few = len(X) < SMALL_BATCH
        with threads().limit(limits=1, user_api="openmp") if few else contextlib.nullcontext():
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
        """The classifier's trees in compiled form (kernels/trees.py), or None if it has none.
        Built on first use for these feature columns and kept, but never pickled: it is derived."""
        key = tuple(columns)
        cached = self.__dict__.get("_forest")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_forest"] = (key, compiled_trees(self.classifier, columns))
        return cached[1]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_forest"}

    def _calibrated(self, raw: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds) to calibrated probabilities, as predict_proba then Platt do."""
        return self.calibrator.transform(expit(raw))

    def decide(self, p: np.ndarray, X: pd.DataFrame | None = None) -> np.ndarray:
        """accept / ask / report per score; with the red-flag floor and the features `X`, a
        note with a red flag (features.invitation.RED_FLAGS) is asked about, never accepted."""
        decision = np.where(
            p >= self.report_at, "report", np.where(p < self.accept_below, "accept", "ask")
        )
        if self.red_flag_floor and X is not None:
            decision[(decision == "accept") & invitation.red_flags(X)] = "ask"
        return decision

    def floored(self, p: np.ndarray, X: pd.DataFrame) -> np.ndarray:
        """Rows the red-flag floor moved from accept to ask."""
        if not self.red_flag_floor:
            return np.zeros(len(p), dtype=bool)
        return (p < self.accept_below) & (p < self.report_at) & invitation.red_flags(X)


def compiled_trees(classifier: Any, columns: list[str]) -> Forest | None:
    """The trees of a gradient-boosted classifier (alone or after steps that only drop columns)
    as kernels/trees.py evaluates them, or None for any other classifier. (Imported here, not at
    the top, since it loads Numba, which a process that never scores need not pay for.)"""
    from sklearn.pipeline import Pipeline

    from fakeprofile.kernels.trees import Forest

    if isinstance(classifier, Pipeline):
        if not all(isinstance(s, models.DropEmptyColumns) for s in classifier[:-1]):
            return None
        classifier = classifier[-1]
    return Forest.of(classifier, columns)
