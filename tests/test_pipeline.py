"""The real pipeline end to end: `dvc repro` in a temporary copy of the project on a small generated
data set, the metrics file, the exported model and its checksum, and the MLflow run as the real
`mlflow server` reports it over its REST API."""

from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pytest
import yaml

from conftest import BIN, REPO, mlflow_server, run, screenshots, write_jsonl
from fakeprofile.errors import UserError
from fakeprofile.inference.predictor import load
from fakeprofile.modeling import evaluate

pytestmark = pytest.mark.slow


def test_stages_run_and_write_their_outputs(trained_project):
    for path in (
        "data/processed/features.parquet",
        "data/processed/split.parquet",
        "models/fakeprofile.joblib",
        "models/manifest.json",
        "reports/metrics.json",
        "reports/model_card.md",
        "reports/figures/roc.png",
        "reports/plots/roc.csv",
    ):
        assert (trained_project / path).is_file(), path
    metrics = json.loads((trained_project / "reports/metrics.json").read_text())
    # The headline only: rank metrics for every model, decisions where the model can decide.
    assert set(metrics["model"]["test"]) == set(evaluate.HEADLINE)
    for role in metrics:
        assert set(evaluate.RANK_METRICS) <= set(metrics[role]["test"]) <= set(evaluate.HEADLINE)
    assert all(len(m["test"]) <= 10 for m in metrics.values())  # 20 for model + one baseline
    report = json.loads((trained_project / "reports/segments.json").read_text())
    assert any(k.startswith("fake_kind_") for k in report["model"]["segments"])
    assert {"with_photo", "without_photo"} <= set(report["model"]["segments"])
    assert "f1_report" in report["model"]["test"] and report["model"]["top_features"]
    assert "| segment |" in (trained_project / "reports/model_card.md").read_text()
    table = json.loads((trained_project / "reports/metrics/model.json").read_text())
    assert table["auc"] == pytest.approx(metrics["model"]["test"]["roc_auc"], abs=1e-4)


def test_second_repro_does_nothing(trained_project):
    # Python's bytecode and Numba's compiled code land beside the sources on a user's machine
    # (unless PYTHONDONTWRITEBYTECODE is set); they are no reason to run a stage again.
    for folder in ("features", "synth"):
        cache = trained_project / "src/fakeprofile" / folder / "__pycache__"
        cache.mkdir(exist_ok=True)
        (cache / "x.cpython-311.pyc").write_bytes(b"not a source")
    out = run(["dvc", "repro"], trained_project).stdout
    assert "Running stage" not in out


def test_a_change_to_any_code_the_logged_model_carries_re_exports_it(trained_project):
    """The model logged to MLflow packages the whole package (code_paths). A change to a module
    that no other stage reads (score.py) must still re-run export, or the registered model keeps
    scoring with the old code; and it re-runs nothing else."""
    module = trained_project / "src/fakeprofile/inference/score.py"
    source = module.read_bytes()
    try:
        module.write_bytes(source + b"\n# changed\n")
        status = json.loads(run(["dvc", "status", "--json"], trained_project).stdout)
        assert set(status) == {"export"}, status
    finally:
        module.write_bytes(source)
    assert json.loads(run(["dvc", "status", "--json"], trained_project).stdout) == {}


def test_exported_model_scores_and_refuses_tampering(trained_project, tmp_path):
    model = load(trained_project / "models/fakeprofile.joblib")
    scored = model.score([{"profile_id": "x", "about": "Hello"}])
    assert 0 <= scored["score"][0] <= 1 and scored["decision"][0] in {"accept", "ask", "report"}
    bad = tmp_path / "fakeprofile.joblib"
    bad.write_bytes((trained_project / "models/fakeprofile.joblib").read_bytes() + b"\0")
    shutil.copy(trained_project / "models/manifest.json", tmp_path / "manifest.json")
    with pytest.raises(UserError, match="sha256"):
        load(bad)
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(UserError, match="manifest"):
        load(bad)


def test_mlflow_server_shows_the_run_params_metrics_tags_and_model(trained_project):
    with mlflow_server(trained_project / "mlflow.db") as base:
        exp = screenshots.rest(base, "/experiments/get-by-name?experiment_name=fakeprofile")
        search = {
            "experiment_ids": [exp["experiment"]["experiment_id"]],
            "order_by": ["attributes.start_time ASC"],
        }
        runs = screenshots.rest(base, "/runs/search", search)["runs"]
        assert len(runs) >= 1  # the dvc repro run comes first (other tests may add more)
        data = runs[0]["data"]
        params = {p["key"]: p["value"] for p in data["params"]}
        metrics = {m["key"]: m["value"] for m in data["metrics"]}
        tags = {t["key"]: t["value"] for t in data["tags"]}
        assert params["train.model"] == "hgb" and params["generate.n"] == "3000"
        saved = json.loads((trained_project / "reports/metrics.json").read_text())
        assert metrics["roc_auc"] == pytest.approx(saved["model"]["test"]["roc_auc"])
        assert {"git_commit", "dvc_exp_name", "data_sha256", "model_kind"} <= set(tags)
        model = screenshots.rest(base, "/registered-models/get?name=fakeprofile")
        aliases = model["registered_model"].get("aliases", [])
        assert any(a["alias"] == "champion" for a in aliases)


def test_stages_run_on_data_without_pictures_or_invitations(small_dataset, tmp_path):
    """A source that knows only whether a member has a photo, and has no invitations, leaves
    whole feature families missing; every stage must still run (scikit-learn's binning fails on
    an all-missing column unless the models leave it out)."""
    raw, _ = small_dataset
    with gzip.open(raw, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    for r in records:
        r["has_photo"] = r.pop("photo", None) is not None
        r.pop("invitation", None)
    write_jsonl(tmp_path / "profiles.jsonl", records)
    (tmp_path / "photos").mkdir()
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["data"] |= {"raw": "profiles.jsonl", "photos": "photos"}
    params["mlflow"]["enabled"] = False
    params["evaluate"]["permutation_repeats"] = 1
    params["train"]["hgb"]["max_iter"] = 60  # 400 rows: every stage runs, however long it boosts
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    for stage in ("validate", "featurize", "split", "train", "evaluate", "export"):
        run([str(BIN / "fakeprofile"), stage], tmp_path)
    features = pd.read_parquet(tmp_path / "data/processed/features.parquet")
    empty = [c for c in features.columns if features[c].isna().all()]
    assert "photo_reuse_count" in empty and "invite_has_note" in empty
    metrics = json.loads((tmp_path / "reports/metrics.json").read_text())
    assert 0.5 < metrics["model"]["test"]["roc_auc"] <= 1.0
    scored = load(tmp_path / "models/fakeprofile.joblib").score(records[:50])
    assert scored["score"].between(0, 1).all() and len(scored) == 50
