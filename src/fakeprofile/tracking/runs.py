"""MLflow tracking: one run per pipeline run, in the project's SQLite store.

The store is `mlflow.db` at the repository root and artifacts go to `mlartifacts/` beside it, both
by absolute path, so runs started by `dvc exp run` from a temporary copy (.dvc/tmp/exps/...) land in
the same store. MLFLOW_TRACKING_URI (a shared server) or FAKEPROFILE_TRACKING_URI (tests) override
the store, as they do for `fakeprofile score`.

Layout a person can compare: the run holds the chosen model's headline test metrics under plain
names (roc_auc, tpr_at_fpr_1pct, ...) and each baseline is a child run with the same names, so the
charts and the compare view open on the model, not on 200 baseline numbers. The train, validation
and test parts are logged as datasets with their digests.

Registry: every run registers a version (description and tags: kind, params hash, data hash,
headline metrics, test-data digest). The `champion` alias moves only
- by `fakeprofile promote VERSION`, or
- by the gate: the new version beats the champion on `mlflow.gate_metric` (strictly) on the same
  test data (equal test-part digest); the first version of a model is champion.
Otherwise the new version gets the `challenger` alias.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import pyarrow.parquet as pq
from mlflow import MlflowClient

from fakeprofile.config import check_section
from fakeprofile.errors import UserError
from fakeprofile.inference import pyfunc
from fakeprofile.inference.model_uri import check_reachable, http_settings, repo_root, tracking_uri
from fakeprofile.inference.predictor import MANIFEST

PACKAGE = Path(__file__).resolve().parents[1]  # shipped to MLflow as the model's code

# Metrics where smaller is better (the gate compares the other way round).
LOWER_IS_BETTER = {"brier", "fakes_among_accepted"}


def check_settings(cfg: dict[str, Any]) -> dict[str, Any]:
    """The mlflow: section, checked by the settings (config.Mlflow): unknown keys and wrong
    types are one-line errors."""
    return check_section("mlflow", cfg)


def _git_commit(root: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out |= flatten(v, key + ".")
        else:
            out[key] = v
    return out


def params_hash(params: dict[str, Any]) -> str:
    """sha256 of the settings that shape the model (features, split, train, thresholds, export):
    part of the version string, so two models trained with different settings never share one."""
    keep = {k: params.get(k) for k in ("features", "split", "train", "thresholds", "export")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True, default=str).encode()).hexdigest()


def datasets(features: Path, split: Path) -> dict[str, Any]:
    """The train, validation and test parts as MLflow datasets (features and label), each with
    the digest MLflow computes from its content."""
    from mlflow.data import from_pandas
    from mlflow.data.sources import LocalArtifactDatasetSource

    df = (
        pq.read_table(features).to_pandas().merge(pq.read_table(split).to_pandas(), on="profile_id")
    )
    df = df.sort_values("profile_id", kind="stable")
    drop = [c for c in ("fake_kind", "created_at", "photo_group") if c in df.columns]
    out = {}
    for part, context in (("train", "training"), ("val", "validation"), ("test", "test")):
        frame = df[df["part"] == part].drop(columns=[*drop, "part"]).reset_index(drop=True)
        if frame.empty:  # no validation part under cross-fitting; MLflow cannot digest nothing
            continue
        out[context] = from_pandas(
            frame,
            source=LocalArtifactDatasetSource(str(Path(features).resolve())),
            targets="label",
            name=f"{part} part",
        )
    return out


def _store_lock_path(uri: str, root: Path) -> Path | None:
    """The lock file beside the store: `<store>.lock` for a SQLite file; None for a server
    (it serialises writers itself)."""
    if uri.startswith("sqlite:///"):
        db = Path(uri.removeprefix("sqlite:///"))
        return db.with_name(db.name + ".lock")
    if uri.startswith(("http://", "https://", "databricks")):
        return None
    local = Path(uri.removeprefix("file://")) if "://" in uri else Path(uri)
    return local.with_name(local.name + ".lock") if local.name else root / ".mlflow.lock"


def log_run(
    params: dict[str, Any],
    metrics_path: Path,
    manifest: dict[str, Any],
    model_path: Path,
    artifacts: list[Path],
    example: list[dict[str, Any]],
    cfg: dict[str, Any],
    report_path: Path | None = None,
    parts: tuple[Path, Path] | None = None,
) -> str:
    """Log the pipeline run (model metrics; baselines as child runs; datasets; artifacts; the
    pyfunc model), register the version, and move the aliases as the module doc says."""
    cfg = check_settings(cfg)
    root = repo_root()
    uri = tracking_uri(root)
    http_settings(cfg.get("retries"), cfg.get("timeout_s"))
    check_reachable(uri, float(cfg.get("timeout_s", 5)))
    lock = _store_lock_path(uri, root)
    with store_lock(lock) if lock else contextlib.nullcontext():
        mlflow.set_tracking_uri(uri)
        experiment_id = _experiment(cfg["experiment"], root)
        commit = _git_commit(root)
        exp_name = os.environ.get("DVC_EXP_NAME", "")
        run_name = exp_name or f"commit-{commit[:8]}"
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        model_metrics = _numbers(metrics["model"]["test"])
        inputs = datasets(*parts) if parts else {}
        test_digest = inputs["test"].digest if "test" in inputs else ""
        phash = manifest.get("params_sha256") or params_hash(params)
        common = {
            "mlflow.source.git.commit": commit,
            "mlflow.source.name": str(root),
            "mlflow.source.type": "PROJECT",
            "git_commit": commit,
            "dvc_exp_name": exp_name or "workspace",
            "data_sha256": manifest["training_data_sha256"],
            "params_sha256": phash,
            "test_data_digest": test_digest,
        }
        with mlflow.start_run(run_name=run_name, experiment_id=experiment_id) as run:
            mlflow.set_tags(
                common
                | {
                    "model_kind": manifest["model_kind"],
                    "model_version": manifest["version"],
                    "mlflow.note.content": _note(metrics, manifest),
                }
            )
            mlflow.log_params({k: str(v)[:500] for k, v in flatten(params).items()})
            mlflow.log_metrics(model_metrics)
            for context, ds in inputs.items():
                mlflow.log_input(ds, context=context)
            for role, m in metrics.items():
                if role == "model" or not isinstance(m, dict) or "test" not in m:
                    continue
                with mlflow.start_run(
                    run_name=f"{role}: {m['kind']}", nested=True, experiment_id=experiment_id
                ):
                    mlflow.set_tags(common | {"model_kind": m["kind"], "role": role})
                    mlflow.log_metrics(_numbers(m["test"]))
                    for context, ds in inputs.items():
                        mlflow.log_input(ds, context=context)
            for path in artifacts:
                if path.is_dir():
                    mlflow.log_artifacts(str(path), artifact_path=path.name)
                elif path.is_file():
                    mlflow.log_artifact(str(path))
            if report_path is not None and report_path.is_file():
                mlflow.log_table(segments_table(report_path), artifact_file="segments.json")
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(PACKAGE / "inference" / "mlflow_model.py"),  # models from code
                artifacts={"model": str(model_path), "manifest": str(model_path.parent / MANIFEST)},
                code_paths=[str(PACKAGE)],
                signature=pyfunc.signature(),
                input_example=pd.DataFrame(example),
                registered_model_name=cfg["registered_model"],
                pip_requirements=_requirements(),
            )
            version = str(info.registered_model_version)
            client = MlflowClient()
            name = cfg["registered_model"]
            client.update_model_version(name, version, description=_note(metrics, manifest))
            tags = {
                "model_kind": manifest["model_kind"],
                "model_version": manifest["version"],
                "params_sha256": phash,
                "data_sha256": manifest["training_data_sha256"],
                "test_data_digest": test_digest,
                "git_commit": commit,
                "run_name": run_name,
            } | {k: f"{v:.6f}" for k, v in model_metrics.items()}
            for key, value in tags.items():
                client.set_model_version_tag(name, version, key, value)
            mlflow.set_tag("registered_version", version)
            moved = gate(client, cfg, version, model_metrics, test_digest)
            mlflow.set_tag("alias", moved)
            return run.info.run_id


def _numbers(d: dict[str, Any]) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in d.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and v == v
    }


def _experiment(name: str, root: Path) -> str:
    """The experiment's id, created if missing, tagged so the UI opens it in the training
    (custom model) view rather than the GenAI one."""
    exp = mlflow.get_experiment_by_name(name)
    if exp is None:
        experiment_id = mlflow.create_experiment(
            name, artifact_location=(root / "mlartifacts").as_uri()
        )
    else:
        experiment_id = exp.experiment_id
    client = MlflowClient()
    client.set_experiment_tag(experiment_id, "mlflow.experimentKind", "custom_model_development")
    client.set_experiment_tag(
        experiment_id,
        "mlflow.note.content",
        "fakeprofile pipeline runs: one run per `dvc repro` / `dvc exp run`, the chosen model's "
        "test metrics on the run, each baseline as a child run.",
    )
    return experiment_id


def _note(metrics: dict[str, Any], manifest: dict[str, Any]) -> str:
    t = metrics["model"]["test"]
    shown = ", ".join(f"{k} {t[k]:.4f}" for k in ("roc_auc", "pr_auc", "tpr_at_fpr_1pct") if k in t)
    return (
        f"fakeprofile {manifest['model_kind']} model {manifest['version']}, trained on data "
        f"sha256 {manifest['training_data_sha256'][:12]}; test: {shown}."
    )


def segments_table(report_path: Path) -> pd.DataFrame:
    """The segments report as one table: a row per (model, segment)."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    rows = []
    for role, r in report.items():
        if not isinstance(r, dict) or "segments" not in r:
            continue
        for segment, v in r["segments"].items():
            rows.append({"role": role, "kind": r["kind"], "segment": segment} | v)
    return pd.DataFrame(rows)


def better(metric: str, new: float, old: float) -> bool:
    return new < old if metric in LOWER_IS_BETTER else new > old


def gate(
    client: MlflowClient,
    cfg: dict[str, Any],
    version: str,
    metrics: dict[str, float],
    test_digest: str,
) -> str:
    """Give the new version `champion` if there is none, or if it beats the champion on the gate
    metric on the same test data; else `challenger`. Returns the alias given."""
    name, champion = cfg["registered_model"], cfg["alias"]
    challenger = cfg.get("challenger_alias", "challenger")
    metric = cfg.get("gate_metric")
    try:
        current = client.get_model_version_by_alias(name, champion)
    except mlflow.exceptions.MlflowException:
        current = None
    if current is None:
        client.set_registered_model_alias(name, champion, version)
        return champion
    old = current.tags.get(metric) if metric else None
    same_test = test_digest and current.tags.get("test_data_digest") == test_digest
    if (
        metric
        and old is not None
        and metric in metrics
        and same_test
        and better(metric, float(f"{metrics[metric]:.6f}"), float(old))  # at the tag's precision
    ):
        client.set_registered_model_alias(name, champion, version)
        with contextlib.suppress(mlflow.exceptions.MlflowException):
            if str(client.get_model_version_by_alias(name, challenger).version) == version:
                client.delete_registered_model_alias(name, challenger)
        return champion
    client.set_registered_model_alias(name, challenger, version)
    return challenger


def promote(cfg: dict[str, Any], version: str) -> str:
    """Move `champion` to `version` by hand (the registry's other path besides the gate)."""
    cfg = check_settings(cfg)
    root = repo_root()
    uri = tracking_uri(root)
    http_settings(cfg.get("retries"), cfg.get("timeout_s"))
    check_reachable(uri, float(cfg.get("timeout_s", 5)))
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).is_file():
        raise UserError(f"no MLflow store at {uri}: run the pipeline first (dvc repro)")
    lock = _store_lock_path(uri, root)
    with store_lock(lock) if lock else contextlib.nullcontext():
        mlflow.set_tracking_uri(uri)
        client = MlflowClient()
        name = cfg["registered_model"]
        try:
            client.get_model_version(name, str(version))
        except mlflow.exceptions.MlflowException:
            raise UserError(f"{name} has no version {version!r} in {uri}") from None
        client.set_registered_model_alias(name, cfg["alias"], str(version))
        challenger = cfg.get("challenger_alias", "challenger")
        with contextlib.suppress(mlflow.exceptions.MlflowException):
            if str(client.get_model_version_by_alias(name, challenger).version) == str(version):
                client.delete_registered_model_alias(name, challenger)
        return uri


@contextlib.contextmanager
def store_lock(path: Path, timeout_s: float = 600) -> Iterator[None]:
    """One writer at a time: two pipeline runs (or two copies of the project) registering models
    in one SQLite store at once can hit "database is locked" half-way. The lock file lies beside
    the store, so copies sharing a store share the lock. The second waits (up to `timeout_s`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UserError(
                        f"another run holds {path} for over {timeout_s:.0f}s; retry when it ends"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _requirements() -> list[str]:
    """Pinned versions of what the pyfunc imports (known here, so MLflow need not guess)."""
    from importlib.metadata import version

    return [
        f"{p}=={version(p)}"
        for p in (
            "mlflow",
            "scikit-learn",
            "pandas",
            "pyarrow",
            "numpy",
            "numba",
            "scipy",
            "pillow",
            "pydantic",
            "wordfreq",
            "joblib",
            "skops",
        )
    ]
