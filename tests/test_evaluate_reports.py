"""The evaluate stage's outputs a person reads: the headline metrics (few, per model), the DVC
metrics table (a row per metric, a column per model), the DVC plot data (one line per model)
and the figures. Scores here come from a model fitted on the project's generated profiles."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from fakeprofile.modeling import evaluate
from fakeprofile.modeling.train import Trained


@pytest.fixture(scope="module")
def scored(small_dataset, tmp_path_factory):
    """Labels and two models' probabilities on 400 generated profiles (features computed by
    the project's transformer; a real logistic regression and the checklist rules)."""
    from sklearn.model_selection import cross_val_predict

    from fakeprofile.data.validate import Rules
    from fakeprofile.data.validate import run as validate_run
    from fakeprofile.features import ProfileFeatures
    from fakeprofile.modeling import estimators as models

    raw, photos = small_dataset
    root = tmp_path_factory.mktemp("eval")
    validate_run(raw, root / "v.parquet", root / "r.jsonl", Rules(photo_dir=photos))
    table = pd.read_parquet(root / "v.parquet")
    X = ProfileFeatures(photo_dir=str(photos)).fit_transform(table)
    y = (table["label"] == "fake").to_numpy().astype(int)
    logreg = models.build("logreg", {"logreg": {"max_iter": 2000}}, 0)
    p_model = cross_val_predict(logreg, X, y, cv=3, method="predict_proba")[:, 1]
    p_rules = models.build("rules", {}, 0).fit(X, y).predict_proba(X)[:, 1]
    return y, {"model: logreg (AUC x)": p_model, "baseline: rules (AUC y)": p_rules}


def test_plot_data_has_one_line_per_model_and_figures_are_drawn(scored, tmp_path):
    y, curves = scored
    decision = np.where(next(iter(curves.values())) > 0.5, "report", "accept")
    evaluate.write_plots(tmp_path / "p", tmp_path / "f", y, curves, decision, "model")
    for name in ("roc", "precision_recall", "calibration"):
        frame = pd.read_csv(tmp_path / "p" / f"{name}.csv")
        assert set(frame["model"]) == set(curves), name
    roc = pd.read_csv(tmp_path / "p" / "roc.csv")
    assert (roc["fpr"] > 0).all()  # a log axis cannot show 0
    for model, part in roc.groupby("model"):  # each line is one monotone curve, not a zig-zag
        assert part["fpr"].is_monotonic_increasing and part["tpr"].is_monotonic_increasing, model
    assert roc["fpr"].min() < 0.02  # the low false-positive end, where the 1% point lies, is kept
    for name in ("roc", "precision_recall", "calibration", "confusion"):
        with Image.open(tmp_path / "f" / f"{name}.png") as im:
            assert im.size[0] > 400 and im.size[1] > 300, name


def test_headline_and_dvc_metrics_table(tmp_path):
    rank = {k: 0.5 + i / 100 for i, k in enumerate(evaluate.RANK_METRICS)}
    decisions = {k: 0.25 + i / 1000 for i, k in enumerate(evaluate.DECISION_METRICS)}
    full = rank | decisions | {"f1_report": 0.1, "rows": 9}
    deciding = Trained("hgb", None, None, accept_below=0.1, report_at=0.9)
    asking_only = Trained("rules", None, None, accept_below=0.0, report_at=1.0 + 1e-9)
    assert evaluate.decides(deciding) and not evaluate.decides(asking_only)
    metrics = {
        "model": {"kind": "hgb", "test": evaluate.headline(full, True)},
        "baseline": {"kind": "rules", "test": evaluate.headline(full, False)},
        "peer": {"kind": "rf", "test": evaluate.headline(full, True)},
    }
    assert set(metrics["model"]["test"]) == set(evaluate.HEADLINE)
    assert len(evaluate.HEADLINE) <= 10  # two models' headline fits in 20 numbers
    assert set(metrics["baseline"]["test"]) == set(evaluate.RANK_METRICS)
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "roc_auc.json").write_text("{}")  # a file of an older layout goes
    evaluate.write_metrics_dir(tmp_path / "m", metrics)
    assert [p.name for p in (tmp_path / "m").glob("*.json")] == ["model.json"]
    row = json.loads((tmp_path / "m" / "model.json").read_text())
    # Every headline number of the model, under a short name no other file repeats, most
    # telling first (the order `dvc exp show` prints).
    assert set(evaluate.DVC_NAMES) == set(evaluate.HEADLINE) - {"share_ask"}
    assert list(row) == list(evaluate.DVC_NAMES.values())
    assert list(row)[:3] == ["auc", "tpr_1pct", "fake_acc"]
    test = metrics["model"]["test"]
    assert row == {short: round(test[k], 4) for k, short in evaluate.DVC_NAMES.items()}
