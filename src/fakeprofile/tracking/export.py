"""The export stage: bundle the fitted featurizer and the trained model into one file under
`models/`, with a manifest (version, features, data hash, metrics, thresholds, sha256)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import pyarrow.parquet as pq

from fakeprofile import __version__
from fakeprofile.data.io import atomic_path
from fakeprofile.inference.predictor import MANIFEST, FakeProfileModel, save_model, sha256


def neutral_values(features: str | Path, split: str | Path, names: list[str]) -> pd.Series:
    """Per feature, the median of genuine members in the training part: what "nothing unusual"
    looks like, used to measure each reason's effect."""
    df = (
        pq.read_table(features).to_pandas().merge(pq.read_table(split).to_pandas(), on="profile_id")
    )
    genuine = df[(df["part"] == "train") & (df["label"] == "genuine")]
    return genuine[names].median()


def run(
    featurizer_path: str | Path,
    trained_path: str | Path,
    metrics_path: str | Path,
    data_path: str | Path,
    features: str | Path,
    split: str | Path,
    output: str | Path,
    min_effect: float,
    params_sha256: str = "",
) -> dict[str, Any]:
    """`params_sha256` (of the settings that shape the model) goes into the version string, so
    models trained with other settings on the same data get another version."""
    featurizer = joblib.load(featurizer_path)
    featurizer.set_params(photo_dir=None)  # scoring supplies its own photo folder
    trained = joblib.load(trained_path)["model"]
    data_hash = sha256(data_path)
    version = f"{__version__}+{trained.kind}.{data_hash[:8]}" + (
        f".p{params_sha256[:8]}" if params_sha256 else ""
    )
    names = list(featurizer.get_feature_names_out())
    model = FakeProfileModel(
        featurizer=featurizer,
        trained=trained,
        version=version,
        neutral=neutral_values(features, split, names),
        min_effect=min_effect,
    )
    output = Path(output)
    with atomic_path(output) as tmp:
        save_model(model, tmp)  # skops: loading it runs no code from the file
    metrics = json.loads(Path(metrics_path).read_text(encoding="utf-8"))
    manifest = {
        "artifact": output.name,
        "sha256": sha256(output),
        "version": version,
        "model_kind": trained.kind,
        "feature_names": list(featurizer.get_feature_names_out()),
        "training_data_sha256": data_hash,
        "params_sha256": params_sha256,
        "thresholds": {"accept_below": trained.accept_below, "report_at": trained.report_at},
        "test_metrics": metrics["model"]["test"],
        "fakeprofile_version": __version__,
    }
    with atomic_path(output.parent / MANIFEST) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
