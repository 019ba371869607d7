"""Models from the MLflow store: loaded by a child process, so MLflow stays out of the scoring
process; the temporary copy is removed; a wrong URI is one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from conftest import BIN, write_jsonl

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from fakeprofile.inference import predictor
by_uri = predictor.load("models:/fakeprofile@champion")
by_file = predictor.load("models/fakeprofile.joblib")
records = [json.loads(line) for line in open(sys.argv[1])]
a, b = by_uri.score(records), by_file.score(records)
print(json.dumps({
    "mlflow_imported": "mlflow" in sys.modules,
    "same_version": by_uri.version == by_file.version,
    "same_scores": a.drop(columns="reasons").equals(b.drop(columns="reasons"))
    and a["reasons"].tolist() == b["reasons"].tolist(),
}))
"""


def env_with_tmp(tmp) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "TMPDIR": tmp}
    env.pop("FAKEPROFILE_TRACKING_URI", None)
    env.pop("MLFLOW_TRACKING_URI", None)
    return env


def test_registered_model_loads_without_mlflow_in_this_process(trained_project, tmp_path):
    table = pq.read_table(trained_project / "data/processed/test_profiles.parquet")
    records = [
        {k: v for k, v in r.items() if v is not None and k != "extra"} for r in table.to_pylist()
    ][:200]
    src = write_jsonl(
        tmp_path / "in.jsonl", [json.loads(json.dumps(r, default=str)) for r in records]
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(src)],
        cwd=trained_project,
        env=env_with_tmp(str(scratch)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found == {"mlflow_imported": False, "same_version": True, "same_scores": True}
    assert list(scratch.iterdir()) == [], "the temporary copy of the model was left behind"


def failed_score_line(uri: str, cwd, tmp_path) -> str:
    """`fakeprofile score --model uri` run from `cwd`, expected to fail: its one line of error,
    after checking the exit code and that no output was written."""
    src = write_jsonl(tmp_path / "in.jsonl", [{"profile_id": "p1"}])
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [str(BIN / "fakeprofile"), "score", "--input", str(src), "--output", str(out)]
        + ["--model", uri],
        cwd=cwd,
        env=env_with_tmp(str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert not out.exists()
    return lines[0]


def test_unknown_alias_is_one_line_and_exit_1(trained_project, tmp_path):
    line = failed_score_line("models:/fakeprofile@no_such_alias", trained_project, tmp_path)
    assert "cannot load models:/fakeprofile@no_such_alias" in line
    assert "no_such_alias" in line.split("store:")[1]


def test_outside_the_project_a_model_uri_is_one_line_and_no_store_is_made(
    trained_project, tmp_path
):
    """From a folder with no mlflow.db, MLflow would make an empty store there and then say the
    model does not exist; the user is told where the store was looked for instead."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    line = failed_score_line("models:/fakeprofile@champion", elsewhere, tmp_path)
    assert f"no MLflow store at {elsewhere / 'mlflow.db'}" in line
    assert list(elsewhere.iterdir()) == []
