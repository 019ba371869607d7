"""A fixed external test file (`data.test`): through `dvc repro` on small generated data, the
test part is exactly that file's valid rows, validated and featurized like data.raw with every
row accounted for (read = used + rejected), and every row of data.raw trains."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess

import pandas as pd
import pytest
import yaml

from conftest import BIN, REPO, run, write_jsonl
from fakeprofile.synth.generate import GenConfig, generate

pytestmark = pytest.mark.slow


def project(root, records_raw, test_lines, **data) -> None:
    """A git + DVC project of this pipeline without its generate stage."""
    root.mkdir(parents=True, exist_ok=True)
    write_jsonl(root / "profiles.jsonl", records_raw)
    (root / "test.jsonl").write_text("".join(line + "\n" for line in test_lines))
    (root / "photos").mkdir()
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())
    stages["stages"].pop("generate")
    (root / "dvc.yaml").write_text(yaml.safe_dump(stages, sort_keys=False))
    for name in (".gitignore", ".dvcignore"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["data"] |= {"raw": "profiles.jsonl", "photos": "photos", "test": "test.jsonl"} | data
    params["mlflow"]["enabled"] = False
    params["train"] |= {"model": "hgb", "folds": 3}
    params["train"]["hgb"]["max_iter"] = 60  # 600 rows: the split is checked, not the boosting
    params["evaluate"]["permutation_repeats"] = 1
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    git = ["git", "-c", "user.email=t@t.invalid", "-c", "user.name=t"]
    run(["git", "init", "-q"], root)
    run(["dvc", "init", "-q"], root)
    run([*git, "add", "-A"], root)
    run([*git, "commit", "-qm", "init"], root)


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    root = tmp_path_factory.mktemp("ext")
    generate(GenConfig(n=600, seed=13, workers=1, with_photos=False), root / "g.jsonl.gz", root)
    with gzip.open(root / "g.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_the_test_part_is_the_external_file_and_every_raw_row_trains(records, tmp_path):
    raw, test = records[:450], records[450:]
    unlabelled = {k: v for k, v in test[0].items() if k != "label"} | {"profile_id": "no-label"}
    lines = [json.dumps(r) for r in test] + ["{not json", json.dumps(unlabelled)]
    root = tmp_path / "p"
    project(root, raw, lines)
    out = run(["dvc", "repro"], root, timeout=1800).stdout
    assert "test file: 152 read, 150 valid, 2 rejected" in out

    valid_test = pd.read_parquet(root / "data/interim/test_profiles.parquet")
    rejects = [json.loads(x) for x in (root / "data/interim/test_rejects.jsonl").open()]
    assert len(valid_test) + len(rejects) == len(lines)  # read = used + rejected
    assert len(valid_test) == len(test) and all(r.get("reason") for r in rejects)

    split = pd.read_parquet(root / "data/processed/split.parquet")
    parts = split.groupby("part")["profile_id"].apply(set).to_dict()
    assert parts["test"] == {r["profile_id"] for r in test}
    assert parts["train"] == {r["profile_id"] for r in raw}  # nothing of raw set aside
    assert set(parts) == {"train", "test"}

    features = pd.read_parquet(root / "data/processed/features.parquet")
    assert len(features) == len(raw) + len(test)
    scoring = pd.read_parquet(root / "data/processed/test_profiles.parquet")
    assert set(scoring["profile_id"]) == parts["test"] and "label" not in scoring
    report = json.loads((root / "reports/segments.json").read_text())
    assert report["model"]["test"]["rows"] == len(test)
    metrics = json.loads((root / "reports/metrics.json").read_text())
    assert 0.6 < metrics["model"]["test"]["roc_auc"] <= 1.0
    # Decision numbers in the headline (and so in DVC and MLflow) for the chosen model only, and
    # only where its thresholds can both accept and report; the card marks the others' as absent.
    card = (root / "reports/model_card.md").read_text()
    share_row = next(line for line in card.splitlines() if line.startswith("| share_accept |"))
    for i, role in enumerate(("model", "baseline", "peer")):
        shown = role == "model" and report[role]["decisions_meaningful"]
        assert ("share_accept" in metrics[role]["test"]) == shown, role
        assert (share_row.split("|")[2 + i].strip() == "—") == (not shown), (role, share_row)


def test_a_profile_in_both_files_is_refused_in_one_line(records, tmp_path):
    raw, test = records[:300], records[290:400]  # ten profiles in both
    root = tmp_path / "p"
    project(root, raw, [json.dumps(r) for r in test])
    proc = subprocess.run(
        [str(BIN / "fakeprofile"), "validate"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "10 profile_id(s) are in both data.raw and data.test" in proc.stderr
