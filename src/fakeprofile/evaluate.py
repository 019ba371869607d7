"""The evaluate stage: metrics on the test part (never used for any choice), DVC plots, PNG
figures, permutation importance and the model card. The rule baseline and the peer (a random
forest on the raw input fields) are evaluated the same way so the three stand side by side.
With `split.method: cv` the test rows are every row, each predicted by models fitted on the other
folds; each metric is then also given as its mean and spread over the folds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.inspection import permutation_importance  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    average_precision_score,
    brier_score_loss,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from fakeprofile.features.lexicon import LANGS  # noqa: E402
from fakeprofile.io import atomic_path  # noqa: E402
from fakeprofile.train import ROLES, Trained, load_parts  # noqa: E402

DECISIONS = ("accept", "ask", "report")


def tpr_at_fpr(y: np.ndarray, p: np.ndarray, max_fpr: float) -> float:
    """Highest true positive rate reachable while the false positive rate stays <= max_fpr."""
    fpr, tpr, _ = roc_curve(y, p)
    return float(tpr[fpr <= max_fpr].max())


def scores(y: np.ndarray, p: np.ndarray, decision: np.ndarray) -> dict[str, float]:
    """The headline numbers for one model on one set of rows."""
    out: dict[str, float] = {"rows": int(len(y)), "fake_share": float(y.mean())}
    if 0 < y.sum() < len(y):
        out |= {
            "roc_auc": float(roc_auc_score(y, p)),
            "pr_auc": float(average_precision_score(y, p)),
            "tpr_at_fpr_1pct": tpr_at_fpr(y, p, 0.01),
            "tpr_at_fpr_0.5pct": tpr_at_fpr(y, p, 0.005),
        }
    out["brier"] = float(brier_score_loss(y, p)) if len(y) else float("nan")
    for name, flagged in (("report", decision == "report"), ("not_accept", decision != "accept")):
        out[f"precision_{name}"] = float(precision_score(y, flagged, zero_division=0))
        out[f"recall_{name}"] = float(recall_score(y, flagged, zero_division=0))
        out[f"f1_{name}"] = float(f1_score(y, flagged, zero_division=0))
    for d in DECISIONS:
        out[f"share_{d}"] = float((decision == d).mean()) if len(y) else float("nan")
    return out


def fold_spread(
    fold: np.ndarray, y: np.ndarray, p: np.ndarray, decision: np.ndarray
) -> dict[str, dict[str, float]]:
    """Per metric, its mean and standard deviation over the cv folds (each fold's own rows)."""
    per_fold = pd.DataFrame(
        [scores(y[fold == f], p[fold == f], decision[fold == f]) for f in np.unique(fold)]
    )
    return {
        m: {"mean": float(per_fold[m].mean()), "std": float(per_fold[m].std(ddof=1))}
        for m in per_fold.columns
        if m != "rows"
    }


def segments(
    df: pd.DataFrame, y: np.ndarray, p: np.ndarray, decision: np.ndarray
) -> dict[str, Any]:
    """Metrics per detected language, with and without photo, and per fake kind."""
    out: dict[str, Any] = {}
    lang_cols = [f"text_lang_{c}" for c in LANGS]
    lang = np.array(LANGS, dtype=object)[df[lang_cols].fillna(0).to_numpy().argmax(axis=1)]
    lang[df[lang_cols].isna().all(axis=1).to_numpy()] = "unknown"
    for code in sorted(set(lang)):
        m = lang == code
        out[f"language_{code}"] = scores(y[m], p[m], decision[m])
    for name, m in (
        ("with_photo", df["photo_missing"] == 0),
        ("without_photo", df["photo_missing"] == 1),
    ):
        m = m.to_numpy()
        if m.any():  # a source without photo flags has neither segment
            out[name] = scores(y[m], p[m], decision[m])
    kinds = df["fake_kind"].fillna("").to_numpy()
    genuine = y == 0
    for kind in sorted(k for k in set(kinds) if k):
        m = (kinds == kind) | genuine  # this kind of fake against all genuine members
        out[f"fake_kind_{kind}"] = scores(y[m], p[m], decision[m])
    return out


def _downsample(frame: pd.DataFrame, n: int = 400) -> pd.DataFrame:
    if len(frame) <= n:
        return frame
    return frame.iloc[np.unique(np.linspace(0, len(frame) - 1, n).astype(int))]


def write_plots(
    plots: Path, figures: Path, y: np.ndarray, curves: dict[str, np.ndarray], decision: np.ndarray
) -> None:
    """DVC plot data (CSV) and the same curves as PNG figures."""
    plots.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    roc, pr, cal = [], [], []
    for model, p in curves.items():
        fpr, tpr, _ = roc_curve(y, p)
        roc.append(_downsample(pd.DataFrame({"model": model, "fpr": fpr, "tpr": tpr})))
        prec, rec, _ = precision_recall_curve(y, p)
        pr.append(_downsample(pd.DataFrame({"model": model, "recall": rec, "precision": prec})))
        obs, pred = calibration_curve(y, p, n_bins=10, strategy="quantile")
        cal.append(pd.DataFrame({"model": model, "predicted": pred, "observed": obs}))
    roc, pr, cal = pd.concat(roc), pd.concat(pr), pd.concat(cal)
    roc.to_csv(plots / "roc.csv", index=False)
    pr.to_csv(plots / "precision_recall.csv", index=False)
    cal.to_csv(plots / "calibration.csv", index=False)
    actual = np.where(y == 1, "fake", "genuine")
    pd.DataFrame({"actual": actual, "predicted": decision}).to_csv(
        plots / "confusion.csv", index=False
    )

    for name, frame, x, yy, title in (
        ("roc", roc, "fpr", "tpr", "ROC (test)"),
        ("precision_recall", pr, "recall", "precision", "Precision-recall (test)"),
        ("calibration", cal, "predicted", "observed", "Calibration (test)"),
    ):
        fig, ax = plt.subplots(figsize=(5, 4))
        for model, part in frame.groupby("model"):
            ax.plot(part[x], part[yy], label=model, marker="o" if name == "calibration" else None)
        if name == "calibration":
            ax.plot([0, 1], [0, 1], "k:", lw=1)
        ax.set(xlabel=x, ylabel=yy, title=title)
        ax.legend()
        fig.tight_layout()
        fig.savefig(figures / f"{name}.png", dpi=100)
        plt.close(fig)
    table = pd.crosstab(pd.Series(actual, name="actual"), pd.Series(decision, name="decision"))
    table = table.reindex(columns=list(DECISIONS), fill_value=0)
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.imshow(table.to_numpy(), cmap="Blues")
    ax.set_xticks(range(len(table.columns)), table.columns)
    ax.set_yticks(range(len(table.index)), table.index)
    for (i, j), v in np.ndenumerate(table.to_numpy()):
        ax.text(j, i, str(v), ha="center", va="center")
    ax.set_title("Decisions on the test part")
    fig.tight_layout()
    fig.savefig(figures / "confusion.png", dpi=100)
    plt.close(fig)


def importance(
    model: Trained, X: pd.DataFrame, y: np.ndarray, repeats: int, seed: int
) -> pd.Series:
    """Permutation importance (drop in test ROC AUC when a feature is shuffled)."""
    r = permutation_importance(
        model.classifier, X, y, scoring="roc_auc", n_repeats=repeats, random_state=seed, n_jobs=1
    )
    return pd.Series(r.importances_mean, index=X.columns).sort_values(ascending=False)


def run(
    features: str | Path,
    split: str | Path,
    trained_path: str | Path,
    featurizer: str | Path,
    out: dict[str, str],
    repeats: int,
    seed: int,
) -> dict[str, Any]:
    saved = joblib.load(trained_path)
    trained: dict[str, Trained] = {r: saved[r] for r in ROLES if r in saved}
    names = list(joblib.load(featurizer).get_feature_names_out())
    X, y, df = load_parts(features, split, names)
    cv = saved.get("cv")
    if cv is not None:  # every row is a test row, predicted by the models of the other folds
        df = df.merge(cv.drop(columns="fold"), on="profile_id")  # the split's folds
        X["test"], y["test"] = df[names], (df["label"] == "fake").to_numpy().astype(int)
    test_df = df[df["part"] == "test"].reset_index(drop=True) if cv is None else df
    results: dict[str, Any] = {}
    curves = {}
    for role, model in trained.items():
        if cv is None:
            p = model.proba(X["test"])
            decision = model.decide(p, X["test"])
        else:
            p, decision = df[f"{role}_p"].to_numpy(), df[f"{role}_decision"].to_numpy()
        results[role] = {
            "kind": model.kind,
            "settings": model.settings,
            "thresholds": {"accept_below": model.accept_below, "report_at": model.report_at},
            "red_flag_floor": bool(getattr(model, "red_flag_floor", False)),
            "test": scores(y["test"], p, decision),
            "segments": segments(test_df, y["test"], p, decision),
        }
        if cv is not None:
            results[role]["cv"] = fold_spread(df["fold"].to_numpy(), y["test"], p, decision)
        curves[f"{role}:{model.kind}"] = p
        if role == "model":
            main_decision = decision
    results["parts"] = (
        {part: int(len(v)) for part, v in y.items()}
        if cv is None
        else {f"fold_{f}": int((df["fold"] == f).sum()) for f in sorted(df["fold"].unique())}
    )
    write_plots(Path(out["plots_dir"]), Path(out["figures_dir"]), y["test"], curves, main_decision)
    imp = importance(trained["model"], X["test"], y["test"], repeats, seed)
    results["model"]["top_features"] = {k: float(v) for k, v in imp.head(15).items()}
    fig, ax = plt.subplots(figsize=(6, 5))
    imp.head(15)[::-1].plot.barh(ax=ax)
    ax.set(title="Permutation importance (test)", xlabel="drop in ROC AUC when shuffled")
    fig.tight_layout()
    fig.savefig(Path(out["figures_dir"]) / "importance.png", dpi=100)
    plt.close(fig)
    with atomic_path(out["metrics"]) as tmp:
        tmp.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return results


def model_card(
    results: dict[str, Any],
    train_params: dict[str, Any],
    data_sha256: str,
    class_mix: dict[str, int],
) -> str:
    """reports/model_card.md: what was trained on what, how well, and where it falls short."""
    m, b = results["model"], results["baseline"]
    peer = results.get("peer", {"test": {}})
    rows = [
        "roc_auc",
        "pr_auc",
        "tpr_at_fpr_1pct",
        "tpr_at_fpr_0.5pct",
        "brier",
        "precision_report",
        "recall_report",
        "precision_not_accept",
        "recall_not_accept",
        "share_accept",
        "share_ask",
        "share_report",
    ]
    nan = float("nan")

    def cell(role: dict[str, Any], r: str) -> str:
        """The test value; under cv, the mean and spread over the folds beside it."""
        if "cv" not in role:
            return f"{role['test'].get(r, nan):.4f}"
        spread = role["cv"].get(r, {"mean": nan, "std": nan})
        return f"{role['test'].get(r, nan):.4f} ({spread['mean']:.4f} ± {spread['std']:.4f})"

    table = "\n".join(f"| {r} | {cell(m, r)} | {cell(b, r)} | {cell(peer, r)} |" for r in rows)
    kinds = "\n".join(
        f"| {k.removeprefix('fake_kind_')} | {v.get('roc_auc', float('nan')):.4f} | {v['recall_not_accept']:.3f} |"
        for k, v in m["segments"].items()
        if k.startswith("fake_kind_")
    )
    feats = "\n".join(f"| {k} | {v:.4f} |" for k, v in m["top_features"].items())
    kind_params = m.get("settings", train_params.get(m["kind"], {}))
    cv = "cv" in m
    return f"""# Model card: fakeprofile ({m["kind"]})

Regenerated by `fakeprofile evaluate` on every pipeline run.

## Data
- Rows: {sum(class_mix.values())} ({", ".join(f"{k}: {v}" for k, v in sorted(class_mix.items()))});
  parts: {", ".join(f"{k} {v}" for k, v in results["parts"].items())}
- Training data sha256: `{data_sha256}`
- The embedded default is synthetic: these numbers describe the pipeline on generated profiles,
  not accuracy on real network data.

## Model
- Kind: `{m["kind"]}` with {json.dumps(kind_params, sort_keys=True)}; seed {train_params.get("seed")}
- Chosen by `train.model: {train_params.get("model")}`.
- Probabilities calibrated (sigmoid) and thresholds chosen on out-of-fold predictions of the
  training rows (cross-fitting, {train_params.get("folds", 5)} folds): no labelled row is set aside.
- Thresholds: accept below {m["thresholds"]["accept_below"]:.4f},
  report at or above {m["thresholds"]["report_at"]:.4f}, ask in between.
- Red-flag floor (`thresholds.red_flag_floor` in params.yaml): {"on" if m.get("red_flag_floor") else "off"}.
  When on, an invitation whose note has a link, money bait or a sales pitch, or asks to move to a
  messenger, phone or e-mail is never accepted, whatever its score (at least "ask"); the reasons
  then say so. The trees also can only raise the score with each such sign (monotonic
  constraints), and notes are normalised against disguises before they are read.

## Test metrics ({"every row, out of fold (cv): pooled value, then mean ± spread over the folds" if cv else "the test part was used for no choice"})
| metric | model | rule baseline | peer (random forest on raw input fields) |
|---|---|---|---|
{table}

"report" precision/recall: profiles reported; "not_accept": reported or asked. The peer is what
public projects fit: a random forest on the raw numeric input fields, on the same split.

## By kind of fake (each kind against all genuine members)
| kind | ROC AUC | share not accepted |
|---|---|---|
{kinds}

## Most important features (permutation, drop in {"ROC AUC on all rows, final model (in-sample under cv)" if cv else "test ROC AUC"})
| feature | importance |
|---|---|
{feats}

## Known limits
- Trained and tested on synthetic profiles; real fakes adapt, so retrain on labelled real data.
- Labels carry noise (about 2% in the default data), which caps the precision measured on "report".
- Spelling is judged for six languages (en, da, sv, nb, nl, de); text in other languages counts as
  unknown, and names close to dictionary words can count as misspellings.
- Photo reuse is counted against the training corpus and within each scored batch only.
- The machine-written fakes of the default data (`machine_written`) are imitations written by
  hand (src/fakeprofile/synth/machine.py), not text produced by a language model. The model learns
  the style as imitated there (stock phrases, uniform sentences, buzzword employers, careers over
  several countries); real machine-written profiles vary more, and their accepted share must be
  measured on real examples before it is trusted.
"""
