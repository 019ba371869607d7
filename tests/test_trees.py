"""kernels/trees.py must give scikit-learn's raw scores bit for bit, for rows and for group-neutral copies,
including missing values, infinities and values exactly on a split threshold."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fakeprofile.inference import explain
from fakeprofile.kernels.trees import Forest
from fakeprofile.modeling import estimators as models
from fakeprofile.modeling.fitted import Trained, compiled_trees

COLUMNS = [f"f{i}" for i in range(12)]
GROUP_OF = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, explain.NO_GROUP, 3, explain.NO_GROUP])


def _data(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(COLUMNS)))
    X[:, 3] = rng.integers(0, 4, n)  # few distinct values: many rows sit on a threshold's side
    X[rng.random(X.shape) < 0.1] = np.nan
    return pd.DataFrame(X, columns=COLUMNS)


@pytest.fixture(scope="module")
def fitted() -> tuple[object, pd.DataFrame, np.ndarray]:
    X = _data(4000, 0)
    x = X.to_numpy()
    y = ((np.nan_to_num(x[:, 0]) + x[:, 3] * np.isnan(x[:, 5]) + np.nan_to_num(x[:, 7])) > 1) * 1
    X["empty"] = np.nan  # a column the pipeline drops, so tree feature numbers must be mapped
    clf = make_pipeline(
        models.DropEmptyColumns(), HistGradientBoostingClassifier(max_iter=40, random_state=0)
    ).fit(X, y)
    return clf, X, y


def _hostile_rows(clf: object, columns: list[str]) -> pd.DataFrame:
    """Rows with values exactly on thresholds, infinities and missing values."""
    X = _data(600, 1)
    X["empty"] = np.nan
    est = clf[-1]
    nodes = np.concatenate([p[0].nodes for p in est._predictors])
    split = nodes[nodes["is_leaf"] == 0]
    rng = np.random.default_rng(2)
    for i, k in enumerate(rng.choice(len(split), 300)):
        X.iat[i, columns.index(est.feature_names_in_[split["feature_idx"][k]])] = split[
            "num_threshold"
        ][k]
    X.iloc[300:320, :5] = np.inf
    X.iloc[320:340, 5:10] = -np.inf
    return X[columns]


def test_raw_scores_equal_scikit_learns_bit_for_bit(fitted):
    clf, X, _ = fitted
    columns = list(X.columns)
    forest = compiled_trees(clf, columns)
    assert forest is not None
    rows = pd.concat([X.iloc[:1000], _hostile_rows(clf, columns)])
    expected = clf[-1]._raw_predict(clf[0].transform(rows))[:, 0]
    assert np.array_equal(forest.raw(rows.to_numpy()), expected)


def test_neutral_copies_equal_scikit_learn_on_the_copies(fitted):
    clf, X, _ = fitted
    columns = list(X.columns)
    rows = pd.concat([X.iloc[:500], _hostile_rows(clf, columns)])
    group_of = np.append(GROUP_OF, explain.NO_GROUP)
    neutral = np.append(np.nanmedian(X.to_numpy()[:, :-1], axis=0), np.nan)
    neutral[4] = np.nan  # a neutral value may itself be missing
    want = np.random.default_rng(3).random((len(rows), 4)) < 0.5
    base, copies = compiled_trees(clf, columns).raw_neutral(
        rows.to_numpy(), want, group_of, neutral
    )

    r, g = np.nonzero(want)
    built = rows.to_numpy()[r]
    for i, group in enumerate(g):
        built[i, group_of == group] = neutral[group_of == group]
    expected = clf[-1]._raw_predict(clf[0].transform(pd.DataFrame(built, columns=columns)))[:, 0]
    assert np.array_equal(copies[r, g], expected)
    assert np.isnan(copies[~want]).all()
    assert np.array_equal(base, clf[-1]._raw_predict(clf[0].transform(rows))[:, 0])


def _trained(clf: object, X: pd.DataFrame, y: np.ndarray) -> Trained:
    p = clf.predict_proba(X)[:, 1]
    return Trained("test", clf, models.Platt().fit(p, y), 0.2, 0.8)


@pytest.mark.parametrize("kind", ["trees", "other"])
def test_trained_probabilities_are_the_estimators(fitted, kind):
    """With compiled trees or without (any other classifier), proba and proba_neutral equal
    predict_proba and Platt on the rows and on hand-made copies."""
    clf, X, y = fitted
    if kind == "other":
        clf = make_pipeline(
            models.DropEmptyColumns(), StandardScaler(), HistGradientBoostingClassifier(max_iter=5)
        ).fit(X, y)
    trained = _trained(clf, X, y)
    columns = list(X.columns)
    assert (trained.forest(columns) is None) == (kind == "other")
    rows = X.iloc[:300]
    expected = trained.calibrator.transform(clf.predict_proba(rows)[:, 1])
    assert np.array_equal(trained.proba(rows), expected)

    group_of = np.append(GROUP_OF, explain.NO_GROUP)
    neutral = np.zeros(len(columns))
    want = np.random.default_rng(4).random((len(rows), 4)) < 0.4
    got = trained.proba_neutral(rows, want, group_of, neutral)
    r, g = np.nonzero(want)
    built = rows.to_numpy()[r]
    for i, group in enumerate(g):
        built[i, group_of == group] = 0.0
    copies = pd.DataFrame(built, columns=columns)
    assert np.array_equal(got[r, g], trained.calibrator.transform(clf.predict_proba(copies)[:, 1]))
    assert np.isnan(got[~want]).all()


def test_forest_is_derived_state_and_not_pickled(fitted):
    clf, X, y = fitted
    trained = _trained(clf, X, y)
    assert trained.forest(list(X.columns)) is not None
    assert "_forest" not in pickle.loads(pickle.dumps(trained)).__dict__


def test_other_models_have_no_forest(fitted):
    _, X, y = fitted
    Xd = X.drop(columns="empty")
    big = HistGradientBoostingClassifier(max_iter=3, max_leaf_nodes=100, min_samples_leaf=2)
    assert Forest.of(big.fit(Xd, y), list(Xd.columns)) is None  # more leaves than bits
    full = HistGradientBoostingClassifier(max_iter=3, max_leaf_nodes=64, min_samples_leaf=2)
    forest = Forest.of(full.fit(Xd, y), list(Xd.columns))  # every bit of a 64-bit mask in use
    assert max(int(p[0].nodes["is_leaf"].sum()) for p in full._predictors) == 64
    assert np.array_equal(forest.raw(Xd.to_numpy()), full._raw_predict(Xd)[:, 0])
    logreg = make_pipeline(models.DropEmptyColumns(), StandardScaler(), LogisticRegression())
    Xf = X.drop(columns="empty").fillna(0)
    assert compiled_trees(logreg.fit(Xf, y), list(Xf.columns)) is None
    categorical = HistGradientBoostingClassifier(max_iter=3, categorical_features=[3])
    Xc = X.drop(columns="empty").fillna(0).abs()
    assert Forest.of(categorical.fit(Xc, y), list(Xc.columns)) is None
