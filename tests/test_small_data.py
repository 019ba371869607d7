"""Small labelled data with nulls everywhere, as users bring it: the whole pipeline runs on it,
every labelled row counts (cv), the peer baseline is evaluated beside the model, and the export
logs and registers the model in MLflow, whose served signature takes missing values."""

from __future__ import annotations

import gzip
import json

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import BIN, REPO, run, write_jsonl
from fakeprofile.synth.generate import GenConfig, generate

pytestmark = pytest.mark.slow

OPTIONAL_TOP = [
    "name", "username", "headline", "location", "website", "created_at", "about",
    "experience", "education", "skills", "languages", "connections", "followers", "following",
]  # fmt: skip


def nulls_everywhere(records: list[dict], seed: int = 0) -> list[dict]:
    """Every optional field null in about a third of the rows (in the first two rows, all of
    them: those become MLflow's input example); photos, invitations and section counts absent
    as whole sections."""
    rng = np.random.default_rng(seed)
    for i, r in enumerate(records):
        r.pop("photo", None)
        r.pop("invitation", None)
        r.pop("sections", None)
        r["has_photo"] = None if i < 2 else bool(rng.random() < 0.7)
        for name in OPTIONAL_TOP:
            if i < 2 or rng.random() < 0.33:
                r[name] = None
        if r.get("activity"):
            for k in list(r["activity"]):
                if i < 2 or rng.random() < 0.33:
                    r["activity"][k] = None
    return records


def test_small_data_with_nulls_through_the_whole_pipeline_and_mlflow(tmp_path, monkeypatch):
    generate(
        GenConfig(n=500, seed=11, workers=1, with_photos=False),
        tmp_path / "g.jsonl.gz",
        tmp_path / "g",
    )
    with gzip.open(tmp_path / "g.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = nulls_everywhere([json.loads(line) for line in fh])
    write_jsonl(tmp_path / "profiles.jsonl", records)
    (tmp_path / "photos").mkdir()
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["data"] |= {"raw": "profiles.jsonl", "photos": "photos"}
    params["split"]["method"] = "cv"
    params["train"] |= {"model": "auto", "folds": 3}
    params["train"]["auto"] = params["train"]["auto"][:1] + [{"kind": "rf", "n_estimators": 50}]
    params["train"]["peer"] = {"n_estimators": 50}
    # What is checked here is the folds, roles and store, not the boosting's length: fewer
    # rounds than params.yaml's are plenty on 500 rows.
    params["train"]["hgb"]["max_iter"] = 60
    params["evaluate"]["permutation_repeats"] = 1
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    for stage in ("validate", "featurize", "split", "train", "evaluate"):
        run([str(BIN / "fakeprofile"), stage], tmp_path)
    metrics = json.loads((tmp_path / "reports/metrics.json").read_text())
    report = json.loads((tmp_path / "reports/segments.json").read_text())
    assert set(report["parts"]) == {f"fold_{k}" for k in range(5)}
    for role in ("model", "baseline", "peer"):
        assert report[role]["test"]["rows"] == 500  # every labelled row tested, once
        spread = report[role]["cv"]["roc_auc"]
        assert 0 <= spread["std"] < 0.5 and 0.4 < spread["mean"] <= 1
        assert metrics[role]["test"]["roc_auc"] == report[role]["test"]["roc_auc"]
    assert metrics["peer"]["kind"] == "peer"
    assert metrics["model"]["test"]["roc_auc"] > 0.7  # the generated fakes are still telling
    card = (tmp_path / "reports/model_card.md").read_text()
    assert "peer (peer)" in card and "±" in card
    roc = pd.read_csv(tmp_path / "reports/plots/roc.csv")
    assert {m.split(" (AUC")[0] for m in roc["model"]} == {
        "model: " + metrics["model"]["kind"],
        "baseline: rules",
        "peer: peer",
    }

    run([str(BIN / "fakeprofile"), "export"], tmp_path)  # logs and registers in ./mlflow.db
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    mlflow.set_tracking_uri(uri)
    version = mlflow.MlflowClient().get_model_version_by_alias("fakeprofile", "champion")
    peer_runs = mlflow.search_runs(
        filter_string=f"tags.role = 'peer' and tags.mlflow.parentRunId = '{version.run_id}'",
        search_all_experiments=True,
        output_format="list",
    )
    assert len(peer_runs) == 1  # the peer baseline, a child run of the model's run
    assert peer_runs[0].data.metrics["roc_auc"] == pytest.approx(metrics["peer"]["test"]["roc_auc"])
    model = mlflow.pyfunc.load_model("models:/fakeprofile@champion")
    batch = pd.DataFrame(records[:4])  # counts with NaN, a column of None, absent sections
    batch["connections"] = [None, None, 12, np.nan]
    out = model.predict(batch)
    assert len(out) == 4 and out["score"].between(0, 1).all()
    assert set(out["decision"]) <= {"accept", "ask", "report"}
