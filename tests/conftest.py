"""Shared fixtures: small real data made by the project's own generator."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))  # test helpers (spelling_texts) importable

from fakeprofile.synth.generate import GenConfig, generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "scripts"))  # the screenshot script's MLflow server helpers
import screenshots  # noqa: E402


@contextlib.contextmanager
def mlflow_server(store: Path):
    """A real `mlflow server` for a SQLite store on a free loopback port; yields its base URL."""
    port = screenshots.free_port()
    proc = screenshots.start_server(f"sqlite:///{store}", port)
    base = f"http://127.0.0.1:{port}"
    try:
        screenshots.wait_for(base)
        yield base
    finally:
        screenshots.stop(proc)


def run(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("FAKEPROFILE_TRACKING_URI", None)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(autouse=True)
def _no_leaked_tracking_uri():
    """mlflow.set_tracking_uri() also sets MLFLOW_TRACKING_URI in os.environ, which every later
    subprocess (`fakeprofile export`, `dvc repro`) would inherit and honour: put it back after
    each test, so no test sends another's runs to its store."""
    before = os.environ.get("MLFLOW_TRACKING_URI")
    yield
    if before is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = before


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory) -> Path:
    """A fresh git + DVC repository holding this project's pipeline, with 3,000 profiles."""
    root = tmp_path_factory.mktemp("project")
    for name in ("dvc.yaml", ".gitignore", ".dvcignore"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["generate"] |= {"n": 3000, "workers": 1}
    params["evaluate"]["permutation_repeats"] = 1
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    run(["git", "init", "-q"], root)
    run(["dvc", "init", "-q"], root)
    run(["git", "-c", "user.email=t@t.invalid", "-c", "user.name=t", "add", "-A"], root)
    run(["git", "-c", "user.email=t@t.invalid", "-c", "user.name=t", "commit", "-qm", "init"], root)
    run(["dvc", "repro"], root, timeout=1800)  # a shared, busy machine can take long
    return root


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> tuple[Path, Path]:
    """400 generated profiles with real photo files: (jsonl.gz, photo folder)."""
    root = tmp_path_factory.mktemp("small")
    out, photos = root / "profiles.jsonl.gz", root / "photos"
    generate(GenConfig(n=400, seed=7, workers=1), out, photos)
    return out, photos


def write_jsonl(path: Path, records: list) -> Path:
    """Write records (dicts are JSON-encoded, bytes and str written as they are) one per line."""
    with open(path, "wb") as fh:
        for r in records:
            if isinstance(r, bytes):
                fh.write(r + b"\n")
            elif isinstance(r, str):
                fh.write(r.encode() + b"\n")
            else:
                fh.write(json.dumps(r).encode() + b"\n")
    return path


def export_with_manifest(model, folder: Path) -> tuple[Path, dict]:
    """`model` written as `fakeprofile export` writes it (the skops file) with the smallest
    manifest that vouches for it: the loader's checks, without a pipeline run."""
    from fakeprofile.inference.predictor import MANIFEST, save_model, sha256

    path = folder / "fakeprofile.joblib"
    save_model(model, path)
    manifest = {
        "artifact": path.name,
        "sha256": sha256(path),
        "version": model.version,
        "model_kind": model.trained.kind,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return path, manifest


def _small_model(n: int, seed: int):
    """A real model trained the pipeline's way (featurize; fit on every row, calibrate and choose
    the thresholds on out-of-fold predictions; neutral values from genuine training members) on
    `n` generated profiles without pictures, small enough to build in seconds."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    from fakeprofile.features import ProfileFeatures
    from fakeprofile.inference.predictor import FakeProfileModel
    from fakeprofile.modeling.split import folds_of
    from fakeprofile.modeling.train import fit_one
    from fakeprofile.synth.generate import make_profile

    cfg = GenConfig(n=n, seed=seed, with_photos=False, workers=1)
    records = [make_profile(i, cfg)[0] for i in range(n)]
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    featurizer = ProfileFeatures(as_of=params["features"]["as_of"])
    X = featurizer.fit_transform(records)
    y = np.array([r["label"] == "fake" for r in records], dtype=int)
    # Without pictures no two profiles share a photo group: each is its own group.
    fold = folds_of(y, np.arange(n), int(params["train"]["folds"]), seed)
    train = params["train"] | {"hgb": params["train"]["hgb"] | {"max_iter": 80}}
    with threadpool_limits(1):  # OpenMP threads only spin on a busy machine
        trained = fit_one("hgb", train, seed, X, y, fold, params["thresholds"])
    neutral = X[y == 0].median()
    return FakeProfileModel(featurizer, trained, "test", neutral, params["export"]["min_effect"])


@pytest.fixture(scope="session")
def small_model():
    """A small real model (see _small_model): 3,000 generated profiles, trained in-process."""
    return _small_model(3000, 11)


@pytest.fixture(scope="session")
def tiny_model():
    """A tiny real model (see _small_model), 600 generated profiles: for fast tests that need
    any real model, not a good one (decisions of all three kinds, reasons on many rows)."""
    return _small_model(600, 5)
