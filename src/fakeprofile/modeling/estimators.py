"""The model kinds behind `train.model`, the peer baseline, and probability calibration.

- `rules`: the checklist careful members use, as an estimator (no learning beyond calibration).
- `logreg`: logistic regression on imputed, scaled features with missing-value indicators.
- `hgb`: scikit-learn's HistGradientBoostingClassifier, which handles missing values natively.
- `rf`: a random forest on all features (missing values handled natively); steady on a few
  hundred rows, where boosting overfits.
- `peer`: the baseline public projects use, a random forest on the raw numeric input fields only
  (RAW_FIELDS): the model has to earn its features against it.

The learned kinds first drop the feature columns that are missing in every training row (a source
without pictures or without invitations leaves whole families empty).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fakeprofile.config import DEFAULTS
from fakeprofile.errors import UserError
from fakeprofile.features import registry

KINDS = ("rules", "logreg", "hgb", "rf", "peer")

# The feature columns that are input fields as they come (counts, flags, the account's age):
# what a plain random forest on the raw columns of an export sees.
RAW_FIELDS = (
    "photo_missing",
    "activity_account_age_days",
    "activity_posts",
    "activity_articles",
    "activity_comments",
    "activity_reactions",
    "activity_shares",
    "activity_connections",
    "activity_followers",
    "activity_following",
    "profile_n_certifications",
    "profile_n_volunteering",
    "profile_n_recommendations",
    "profile_n_projects",
    "profile_n_publications",
    "profile_n_courses",
    "profile_n_honors",
    "profile_n_organizations",
    "profile_n_interests",
    "invite_mutual_connections",
    "invite_sent_last_7d",
    "invite_acceptance_rate",
)


class ChecklistRules(ClassifierMixin, BaseEstimator):
    """A careful member's manual checklist: one point per red flag, score = share raised.

    Flags: no photo, the placeholder or a picture also used elsewhere (what a reverse image search
    shows); a thin profile; many spelling errors; no activity; a blank or canned note; a pitch or
    a request to move elsewhere. A flag whose input is missing is not raised.
    """

    def __init__(
        self,
        thin_below: float = DEFAULTS.train.rules.thin_below,
        misspelled_above: float = DEFAULTS.train.rules.misspelled_above,
    ):
        self.thin_below = thin_below
        self.misspelled_above = misspelled_above

    def flags(self, X: pd.DataFrame) -> pd.DataFrame:
        """One column per flag the feature families declare (features/registry.py)."""
        return pd.DataFrame({flag.name: flag.test(X, self) for flag in registry.checklist_flags()})

    def fit(self, X: pd.DataFrame, y: Any) -> ChecklistRules:
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        share = self.flags(X).mean(axis=1).to_numpy()
        return np.column_stack([1 - share, share])


class DropEmptyColumns(TransformerMixin, BaseEstimator):
    """Leave out the columns that are missing (NaN) in every row the model is fitted on.

    Users' data may lack a whole section (no picture files, no invitations), and then a feature
    family is entirely missing. Such a column says nothing, and scikit-learn's histogram binning
    fails on it ("window shape cannot be larger than input array shape"). The columns are chosen
    at fit and dropped again at prediction, so both see the same layout.
    """

    def fit(self, X: pd.DataFrame, y: Any = None) -> DropEmptyColumns:
        X = pd.DataFrame(X)
        self.empty_ = [c for c in X.columns if X[c].isna().all()]
        if len(self.empty_) == X.shape[1]:
            raise UserError("every feature is missing in every training row: nothing to learn")
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        X = pd.DataFrame(X)
        return X.drop(columns=self.empty_) if self.empty_ else X


class SelectColumns(TransformerMixin, BaseEstimator):
    """Keep only the named columns that the table has (the peer's raw input fields)."""

    def __init__(self, columns: tuple[str, ...] = RAW_FIELDS):
        self.columns = columns

    def fit(self, X: pd.DataFrame, y: Any = None) -> SelectColumns:
        self.kept_ = [c for c in self.columns if c in pd.DataFrame(X).columns]
        if not self.kept_:
            raise UserError("none of the raw numeric input fields is in the feature table")
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(X)[self.kept_]


class RedFlagsRaise(HistGradientBoostingClassifier):
    """Gradient-boosted trees in which each feature the families declare increasing
    (registry.increasing: red flags, evasion counts) can only raise the score, and each declared
    decreasing (an older account, a fuller profile) only lower it: a monotonic constraint per such
    column present at fit. So a complete, established profile cannot make a pitch or a channel move look safer."""

    def fit(self, X: pd.DataFrame, y: Any, sample_weight: Any = None) -> RedFlagsRaise:
        columns = list(getattr(X, "columns", []))
        up, down = registry.increasing(), registry.decreasing()
        cst = {c: 1 for c in columns if c in up}
        cst |= {c: -1 for c in columns if c in down}
        self.monotonic_cst = cst or None
        return super().fit(X, y, sample_weight=sample_weight)


def build(kind: str, params: dict[str, Any], seed: int) -> BaseEstimator:
    """An unfitted classifier of `kind` with its section of params.yaml."""
    if kind == "rules":
        return ChecklistRules(**params.get("rules", {}))
    try:
        if kind == "logreg":
            return make_pipeline(
                DropEmptyColumns(),
                SimpleImputer(strategy="median", add_indicator=True),
                StandardScaler(),
                LogisticRegression(**params.get("logreg", {}), random_state=seed),
            )
        if kind == "hgb":
            return make_pipeline(
                DropEmptyColumns(),
                RedFlagsRaise(**params.get("hgb", {}), random_state=seed),
            )
        if kind == "rf":
            return make_pipeline(
                DropEmptyColumns(),
                RandomForestClassifier(**params.get("rf", {}), random_state=seed, n_jobs=1),
            )
        if kind == "peer":
            return make_pipeline(
                SelectColumns(),
                DropEmptyColumns(),
                RandomForestClassifier(**params.get("peer", {}), random_state=seed, n_jobs=1),
            )
    except TypeError as exc:  # a misspelled setting: "got an unexpected keyword argument"
        raise UserError(f"params.yaml train.{kind}: {exc}") from exc
    raise UserError(f"train.model must be auto or one of {', '.join(KINDS)}, not {kind!r}")


class Platt(BaseEstimator):
    """Sigmoid calibration of raw scores (fitted on out-of-fold scores of the training part).

    Monotone, so ranking metrics (AUC) are unchanged, and smooth, so thresholds stay stable with
    a few thousand validation rows (isotonic regression would make steps).
    """

    def fit(self, raw: np.ndarray, y: np.ndarray) -> Platt:
        self.lr_ = LogisticRegression(C=1e6).fit(self._logit(raw), y)
        return self

    def transform(self, raw: np.ndarray) -> np.ndarray:
        return self.lr_.predict_proba(self._logit(raw))[:, 1]

    @staticmethod
    def _logit(raw: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(raw, dtype=np.float64), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p)).reshape(-1, 1)
