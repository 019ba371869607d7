"""MLflow tracking: one run per pipeline run, in the project's SQLite store.

The store is `mlflow.db` at the repository root and artifacts go to `mlartifacts/` beside it, both
by absolute path, so runs started by `dvc exp run` from a temporary copy (.dvc/tmp/exps/...) land in
the same store. FAKEPROFILE_TRACKING_URI overrides the store (tests, a shared server).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow import MlflowClient

from fakeprofile import pyfunc
from fakeprofile.errors import UserError
from fakeprofile.model import MANIFEST
from fakeprofile.registry import repo_root, tracking_uri


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


def log_run(
    params: dict[str, Any],
    metrics_path: Path,
    manifest: dict[str, Any],
    model_path: Path,
    artifacts: list[Path],
    example: list[dict[str, Any]],
    cfg: dict[str, Any],
) -> str:
    """Log params, metrics, artifacts and the pyfunc model; register it and move the alias."""
    root = repo_root()
    with store_lock(root):
        mlflow.set_tracking_uri(tracking_uri(root))
        name = cfg["experiment"]
        if mlflow.get_experiment_by_name(name) is None:
            mlflow.create_experiment(name, artifact_location=(root / "mlartifacts").as_uri())
        mlflow.set_experiment(name)
        commit = _git_commit(root)
        exp_name = os.environ.get("DVC_EXP_NAME", "")
        run_name = exp_name or f"commit-{commit[:8]}"
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        numeric = {
            k: float(v)
            for k, v in flatten(metrics).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        with mlflow.start_run(run_name=run_name) as run:
            mlflow.set_tags(
                {
                    "git_commit": commit,
                    "dvc_exp_name": exp_name or "workspace",
                    "data_sha256": manifest["training_data_sha256"],
                    "model_kind": manifest["model_kind"],
                    "model_version": manifest["version"],
                }
            )
            flat = {k: v for k, v in flatten(params).items()}
            mlflow.log_params({k: str(v)[:500] for k, v in flat.items()})
            mlflow.log_metrics({k.replace("@", "_"): v for k, v in numeric.items() if v == v})
            for path in artifacts:
                if path.is_dir():
                    mlflow.log_artifacts(str(path), artifact_path=path.name)
                elif path.is_file():
                    mlflow.log_artifact(str(path))
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(Path(__file__).parent / "mlflow_model.py"),  # models from code
                artifacts={"model": str(model_path), "manifest": str(model_path.parent / MANIFEST)},
                code_paths=[str(Path(__file__).parent)],
                signature=pyfunc.signature(),
                input_example=pd.DataFrame(example),
                registered_model_name=cfg["registered_model"],
                pip_requirements=_requirements(),
            )
            version = info.registered_model_version
            MlflowClient().set_registered_model_alias(
                cfg["registered_model"], cfg["alias"], str(version)
            )
            return run.info.run_id


@contextlib.contextmanager
def store_lock(root: Path, timeout_s: float = 600) -> Iterator[None]:
    """One writer at a time: two pipeline runs registering models in one SQLite store at once can
    hit "database is locked" half-way. The second run waits for the first (up to `timeout_s`)."""
    path = root / ".mlflow.lock"
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
