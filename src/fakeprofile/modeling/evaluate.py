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

from fakeprofile.data.io import atomic_path  # noqa: E402
from fakeprofile.errors import UserError
from fakeprofile.features.lexicon import LANGS  # noqa: E402
from fakeprofile.modeling.train import ROLES, Trained, load_parts  # noqa: E402

DECISIONS = ("accept", "ask", "report")


def tpr_at_fpr(y: np.ndarray, p: np.ndarray, max_fpr: float) -> float:
    """Highest true positive rate reachable while the false positive rate stays <= max_fpr."""
    fpr, tpr, _ = roc_curve(y, p)
    return float(tpr[fpr <= max_fpr].max())


def scores(y: np.ndarray, p: np.ndarray, decision: np.ndarray) -> dict[str, float]:
    """Every number for one model on one set of rows (the headline is a subset of these)."""
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
    accepted = decision == "accept"
    out["fakes_among_accepted"] = float(y[accepted].mean()) if accepted.any() else float("nan")
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


# The headline of one model on the test part: what reports/metrics.json, the DVC metrics table
# and the MLflow run show. Everything else (segments, top features, F1...) is in the segments
# report, so the numbers that decide between models are not buried.
RANK_METRICS = ("roc_auc", "pr_auc", "tpr_at_fpr_1pct", "tpr_at_fpr_0.5pct", "brier")
DECISION_METRICS = (
    "share_accept",
    "share_ask",
    "share_report",
    "fakes_among_accepted",
    "precision_report",
)
HEADLINE = RANK_METRICS + DECISION_METRICS


def decides(model: Trained) -> bool:
    """True if the model's thresholds (chosen on validation) can both accept and report. A model
    that can only ask (the rule baseline, whose calibrated probability never reaches the report
    level) has decision metrics that compare nothing, so they are left out for it."""
    return model.accept_below > 0 and model.report_at <= 1


def headline(test: dict[str, float], with_decisions: bool) -> dict[str, float]:
    keys = HEADLINE if with_decisions else RANK_METRICS
    return {k: test[k] for k in keys if k in test and test[k] == test[k]}  # no NaN


def label(role: str, kind: str, auc: float | None) -> str:
    """The legend entry of one model: its role, kind and test ROC AUC."""
    return f"{role}: {kind}" + (f" (AUC {auc:.3f})" if auc is not None else "")


def _downsample(frame: pd.DataFrame, n: int = 400) -> pd.DataFrame:
    if len(frame) <= n:
        return frame
    return frame.iloc[np.unique(np.linspace(0, len(frame) - 1, n).astype(int))]


def _roc_rows(y: np.ndarray, p: np.ndarray) -> pd.DataFrame:
    """ROC points, thinned evenly on a log false-positive axis (the region that matters: the
    1% operating point) so the DVC plot stays small without losing the low-FPR end."""
    fpr, tpr, _ = roc_curve(y, p)
    frame = pd.DataFrame({"fpr": fpr, "tpr": tpr})
    frame = frame[frame["fpr"] > 0]
    bins = np.digitize(np.log10(frame["fpr"]), np.linspace(-5, 0, 300))
    return frame.groupby(bins).agg({"fpr": "max", "tpr": "max"}).reset_index(drop=True)


def write_plots(
    plots: Path,
    figures: Path,
    y: np.ndarray,
    curves: dict[str, np.ndarray],
    decision: np.ndarray,
    model_label: str,
) -> None:
    """DVC plot data (CSV, one `model` column so a template draws one line per model) and the
    same curves as PNG figures drawn with scikit-learn's display classes. `curves` maps each
    model's legend label to its test probabilities."""
    from sklearn.calibration import CalibrationDisplay
    from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay

    plots.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    roc, pr, cal = [], [], []
    prevalence = float(y.mean())
    for name, p in curves.items():
        roc.append(_roc_rows(y, p).assign(model=name))
        prec, rec, _ = precision_recall_curve(y, p)
        pr.append(
            _downsample(pd.DataFrame({"recall": rec, "precision": prec})).assign(
                model=name, prevalence=prevalence
            )
        )
        obs, pred = calibration_curve(y, p, n_bins=15, strategy="quantile")
        cal.append(pd.DataFrame({"predicted": pred, "observed": obs, "model": name}))
    pd.concat(roc).to_csv(plots / "roc.csv", index=False, float_format="%.6g")
    pd.concat(pr).to_csv(plots / "precision_recall.csv", index=False, float_format="%.6g")
    pd.concat(cal).to_csv(plots / "calibration.csv", index=False, float_format="%.6g")
    actual = np.where(y == 1, "fake", "genuine")
    pd.DataFrame({"actual": actual, "predicted": decision}).to_csv(
        plots / "confusion.csv", index=False
    )

    # ROC on a log false-positive axis, the 1% operating point marked on each curve.
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, p in curves.items():
        disp = RocCurveDisplay.from_predictions(y, p, name=name, ax=ax)
        disp.line_.set_label(name)  # the name carries the AUC already
        ax.plot([0.01], [tpr_at_fpr(y, p, 0.01)], "o", color=disp.line_.get_color(), markersize=5)
    ax.axvline(0.01, color="grey", ls=":", lw=1)
    ax.text(0.0105, 0.02, "1% FPR", color="grey", fontsize=8)
    ax.set_xscale("log")
    ax.set_aspect("auto")  # the display makes the axes square, which a log axis squashes
    ax.set_xlim(max(1.0 / max(int((y == 0).sum()), 1), 1e-4), 1)
    ax.set(
        xlabel="false positive rate (log scale): genuine members flagged",
        ylabel="true positive rate: fakes flagged",
        title="ROC on the test part",
    )
    ax.legend(loc="lower right", fontsize=8)
    _save(fig, figures / "roc.png")

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for k, (name, p) in enumerate(curves.items()):
        PrecisionRecallDisplay.from_predictions(
            y, p, name=name, ax=ax, plot_chance_level=k == 0, drop_intermediate=True
        )
    ax.set(
        title="Precision-recall on the test part (chance level = share of fakes)",
        xlabel="recall: share of fakes flagged",
        ylabel="precision: share of flagged that are fake",
    )
    ax.legend(loc="lower left", fontsize=8)
    _save(fig, figures / "precision_recall.png")

    # Calibration curve above, the distribution of scores below (where the curve has support).
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(6, 6.5), gridspec_kw={"height_ratios": [2.2, 1]}, sharex=True
    )
    for name, p in curves.items():
        disp = CalibrationDisplay.from_predictions(
            y, p, n_bins=15, strategy="quantile", name=name, ax=top
        )
        bottom.hist(p, bins=40, range=(0, 1), histtype="step", lw=1.5, color=disp.line_.get_color())
    top.set(
        title="Calibration on the test part (15 bins of equal size)",
        xlabel="",
        ylabel="observed share of fakes",
    )
    top.legend(loc="upper left", fontsize=8)
    bottom.set_yscale("log")
    bottom.set(xlabel="predicted probability of fake", ylabel="profiles (log)")
    _save(fig, figures / "calibration.png")

    table = pd.crosstab(pd.Series(actual, name="actual"), pd.Series(decision, name="decision"))
    table = table.reindex(index=["genuine", "fake"], columns=list(DECISIONS), fill_value=0)
    counts = table.to_numpy()
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6, 3.4))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(table.columns)), table.columns)
    ax.set_yticks(range(len(table.index)), table.index)
    for (i, j), v in np.ndenumerate(counts):
        ax.text(
            j,
            i,
            f"{v:,}\n{share[i, j]:.1%}",
            ha="center",
            va="center",
            color="white" if share[i, j] > 0.5 else "black",
        )
    fig.colorbar(image, ax=ax, label="share of the row")
    ax.set(
        xlabel="decision of the model",
        ylabel="actual label",
        title=f"Decisions on the test part ({model_label})",
    )
    _save(fig, figures / "confusion.png")


def _save(fig: plt.Figure, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def importance(
    model: Trained, X: pd.DataFrame, y: np.ndarray, repeats: int, seed: int
) -> pd.DataFrame:
    """Permutation importance (drop in test ROC AUC when a feature is shuffled): mean and
    standard deviation over the repeats, largest first."""
    r = permutation_importance(
        model.classifier, X, y, scoring="roc_auc", n_repeats=repeats, random_state=seed, n_jobs=1
    )
    frame = pd.DataFrame({"mean": r.importances_mean, "std": r.importances_std}, index=X.columns)
    return frame.sort_values("mean", ascending=False)


# The DVC metrics: the chosen model's headline under short names, most telling first (all but the
# share asked, which the other two shares give), so `dvc metrics show` fits 120 columns. Names that
# no other metrics file repeats keep `dvc exp show` headers short (DVC prefixes a repeated name
# with its file's path), so a 120-column terminal shows an experiment's first eight on the first
# screen of `dvc exp show`; the baselines are compared in the model card and MLflow's child runs.
DVC_NAMES = {
    "roc_auc": "auc",
    "tpr_at_fpr_1pct": "tpr_1pct",
    "fakes_among_accepted": "fake_acc",
    "share_accept": "accept",
    "precision_report": "prec_rep",
    "pr_auc": "pr_auc",
    "brier": "brier",
    "tpr_at_fpr_0.5pct": "tpr_05pct",
    "share_report": "report",
}  # share_ask (1 - accept - report) stays in reports/metrics.json: nine columns fit 120


def write_metrics_dir(folder: Path, metrics: dict[str, Any]) -> None:
    """The DVC metrics: `model.json` in `folder`, the model's headline under DVC_NAMES, so
    `dvc metrics show` is one row and `dvc exp show` one short column per number."""
    test = (metrics.get("model") or {}).get("test")
    if not test:
        raise UserError("no test metrics of the model to write for DVC: run the evaluate stage")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    row = {short: round(test[key], 4) for key, short in DVC_NAMES.items() if key in test}
    (folder / "model.json").write_text(json.dumps(row, indent=1) + "\n")


def run(
    features: str | Path,
    split: str | Path,
    trained_path: str | Path,
    featurizer: str | Path,
    out: dict[str, str],
    repeats: int,
    seed: int,
) -> dict[str, Any]:
    """Evaluate every trained model (the chosen one and each baseline) on the test part, or
    under cv on every row out of fold. Writes the headline metrics, the segments report, the
    plots and the figures; returns {"metrics": headline, "report": segments report}."""
    from fakeprofile.progress import bar

    saved = joblib.load(trained_path)
    trained: dict[str, Trained] = {r: saved[r] for r in ROLES if r in saved}
    names = list(joblib.load(featurizer).get_feature_names_out())
    X, y, df = load_parts(features, split, names)
    cv = saved.get("cv")
    if cv is not None:  # every row is a test row, predicted by the models of the other folds
        df = df.merge(cv.drop(columns="fold"), on="profile_id")  # the split's folds
        X["test"], y["test"] = df[names], (df["label"] == "fake").to_numpy().astype(int)
    test_df = df[df["part"] == "test"].reset_index(drop=True) if cv is None else df
    metrics: dict[str, Any] = {}
    parts = (
        {part: int(len(v)) for part, v in y.items()}
        if cv is None
        else {f"fold_{f}": int((df["fold"] == f).sum()) for f in sorted(df["fold"].unique())}
    )
    report: dict[str, Any] = {"parts": parts}
    curves = {}
    with bar(len(trained) + 1, "evaluating", " steps") as progress:
        for role, model in trained.items():
            if cv is None:
                p = model.proba(X["test"])
                decision = model.decide(p, X["test"])
            else:
                p, decision = df[f"{role}_p"].to_numpy(), df[f"{role}_decision"].to_numpy()
            test = scores(y["test"], p, decision)
            # Decision numbers for the chosen model only: the headline stays within 20 numbers;
            # the baselines' decisions are in the segments report.
            metrics[role] = {
                "kind": model.kind,
                "test": headline(test, role == "model" and decides(model)),
            }
            report[role] = {
                "kind": model.kind,
                "settings": model.settings,
                "thresholds": {"accept_below": model.accept_below, "report_at": model.report_at},
                "red_flag_floor": bool(model.red_flag_floor),
                "decisions_meaningful": decides(model),
                "test": test,
                "segments": segments(test_df, y["test"], p, decision),
            }
            if cv is not None:
                report[role]["cv"] = fold_spread(df["fold"].to_numpy(), y["test"], p, decision)
            curves[label(role, model.kind, test.get("roc_auc"))] = p
            if role == "model":
                main_decision = decision
            progress.update()
        imp = importance(trained["model"], X["test"], y["test"], repeats, seed)
        progress.update()
    main_label = next(iter(curves))
    write_plots(
        Path(out["plots_dir"]),
        Path(out["figures_dir"]),
        y["test"],
        curves,
        main_decision,
        main_label,
    )
    top = imp.head(15)
    report["model"]["top_features"] = {
        k: {"mean": float(r["mean"]), "std": float(r["std"])} for k, r in top.iterrows()
    }
    fig, ax = plt.subplots(figsize=(7, 5.5))
    ax.barh(top.index[::-1], top["mean"][::-1], xerr=top["std"][::-1], capsize=3, color="#4c72b0")
    ax.set(
        title=f"Permutation importance, test part\n(mean of {repeats} repeats; bars: ±1 sd)",
        xlabel="drop in ROC AUC when the feature is shuffled",
    )
    _save(fig, Path(out["figures_dir"]) / "importance.png")
    with atomic_path(out["metrics"]) as tmp:
        tmp.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    with atomic_path(out["report"]) as tmp:
        tmp.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    write_metrics_dir(Path(out["metrics_dir"]), metrics)
    return {"metrics": metrics, "report": report}


def _cell(role: dict[str, Any], metric: str) -> str:
    """The test value; under cv, the mean and spread over the folds beside it."""
    value = f"{role['test'][metric]:.4f}"
    spread = role.get("cv", {}).get(metric)
    return value if spread is None else f"{value} ({spread['mean']:.4f} ± {spread['std']:.4f})"


def model_card(
    results: dict[str, Any],
    train_params: dict[str, Any],
    data_sha256: str,
    class_mix: dict[str, int],
) -> str:
    """reports/model_card.md: what was trained on what, how well, and where it falls short."""
    metrics, report = results["metrics"], results["report"]
    m = report["model"]
    roles = [r for r in metrics if isinstance(metrics[r], dict) and "test" in metrics[r]]
    head = " | ".join(f"{r} ({metrics[r]['kind']})" for r in roles)
    table = "\n".join(
        f"| {k} | "
        + " | ".join(_cell(report[r], k) if k in metrics[r]["test"] else "—" for r in roles)
        + " |"
        for k in HEADLINE
    )
    seg_rows = []
    for name, v in m["segments"].items():
        seg_rows.append(
            f"| {name} | {v['rows']} | {v['fake_share']:.3f} | {v.get('roc_auc', float('nan')):.4f} "
            f"| {v.get('tpr_at_fpr_1pct', float('nan')):.3f} | {v['recall_not_accept']:.3f} "
            f"| {v['share_report']:.3f} |"
        )
    feats = "\n".join(
        f"| {k} | {v['mean']:.4f} | {v['std']:.4f} |" for k, v in m["top_features"].items()
    )
    kind_params = m.get("settings") or train_params.get(m["kind"], {})
    cv = "cv" in m
    no_decisions = [r for r in roles if "share_accept" not in metrics[r]["test"]]
    note = (
        f"\n— : decision numbers are shown for the chosen model only, not for "
        f"{', '.join(no_decisions)} (the headline stays short); theirs are in "
        "`reports/segments.json`, where `decisions_meaningful: false` marks a model whose "
        "thresholds cannot both accept and report.\n"
        if no_decisions
        else ""
    )
    return f"""# Model card: fakeprofile ({m["kind"]})

Regenerated by `fakeprofile evaluate` on every pipeline run.

## Data
- Rows: {sum(class_mix.values())} ({", ".join(f"{k}: {v}" for k, v in sorted(class_mix.items()))});
  parts: {", ".join(f"{k} {v}" for k, v in report["parts"].items())}
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
| metric | {head} |
|---|{"---|" * len(roles)}
{table}
{note}
tpr_at_fpr_1pct: share of fakes flagged while 1% of genuine members are; share_*: decisions;
fakes_among_accepted: share of accepted profiles that are fake; precision_report: share of
reported profiles that are fake. All segment numbers are in `reports/segments.json`.

The peer is what public projects fit: a random forest on the raw numeric input fields, on the
same split.

## Segments of the test part (model)
Each fake kind is scored against all genuine members; "not accepted" = asked or reported.

| segment | rows | fake share | ROC AUC | TPR at 1% FPR | fakes not accepted | reported |
|---|---|---|---|---|---|---|
{chr(10).join(seg_rows)}

## Most important features (permutation, drop in {"ROC AUC on all rows, final model (in-sample under cv)" if cv else "test ROC AUC"})
| feature | importance | sd over repeats |
|---|---|---|
{feats}

## Known limits
- Trained and tested on synthetic profiles; real fakes adapt, so retrain on labelled real data.
- Labels carry noise (about 1% in the default data), which caps the precision measured on "report".
- Spelling is judged for six languages (en, da, sv, nb, nl, de); text in other languages counts as
  unknown, and names close to dictionary words can count as misspellings.
- Photo reuse is counted against the training corpus and within each scored batch only.
- The machine-written fakes of the default data (`machine_written`) are imitations written by
  hand (src/fakeprofile/synth/machine.py), not text produced by a language model. The model learns
  the style as imitated there (stock phrases, uniform sentences, buzzword employers, careers over
  several countries); real machine-written profiles vary more, and their accepted share must be
  measured on real examples before it is trusted. The style features count phrases from
  hand-made lexicons in six languages: a real text in the style but in other words, or in another
  language, is not seen, and a genuine member who writes in stock phrases looks machine-written.
  The only held-out check is tests/data (60 profiles written by a language model, 60 imitations of
  human writing, by the same author as the lexicons): an optimistic estimate, not a measurement on
  real members.
"""
