"""The exported model is served without the training code: `predictor.load` (behind every engine
and `fakeprofile.load_model`) loads and scores it in a process where training cannot be imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import export_with_manifest
from fakeprofile.errors import UserError
from fakeprofile.inference.predictor import load, save_model
from fakeprofile.synth.generate import GenConfig, make_profile

TRAINING = (
    "fakeprofile.modeling.train",
    "fakeprofile.modeling.split",
    "fakeprofile.modeling.evaluate",
)

PROBE = """
import json, sys
for name in sys.argv[3:]:
    sys.modules[name] = None  # `import` of it now raises ImportError
import fakeprofile
model = fakeprofile.load_model(sys.argv[1])
records = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
scored = model.score(records)
blocked = []
for name in sys.argv[3:]:
    try:
        __import__(name)
    except ImportError:
        blocked.append(name)
print(json.dumps({
    "blocked": blocked,
    "score": scored["score"].tolist(),
    "decision": scored["decision"].tolist(),
    "reasons": scored["reasons"].map(list).tolist(),
}))
"""


@pytest.fixture(scope="module")
def exported(small_model, tmp_path_factory):
    """The small model written as `fakeprofile export` writes it: the skops file and a manifest
    that vouches for it."""
    path, _ = export_with_manifest(small_model, tmp_path_factory.mktemp("model"))
    return path


@pytest.mark.slow  # a process or a memory bound, end to end: CI runs it
def test_an_exported_model_scores_where_training_code_cannot_be_imported(
    small_model, exported, tmp_path
):
    cfg = GenConfig(n=300, seed=23, with_photos=False, workers=1)
    records = [json.loads(json.dumps(make_profile(i, cfg)[0], default=str)) for i in range(cfg.n)]
    src = tmp_path / "records.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(exported), str(src), *TRAINING],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["blocked"] == list(TRAINING)
    expected = small_model.score(records)
    assert found["score"] == expected["score"].tolist()
    assert found["decision"] == expected["decision"].tolist()
    assert found["reasons"] == expected["reasons"].map(list).tolist()
    assert len(set(found["decision"])) > 1  # the scores decide something, so equality says much


def test_a_file_and_a_path_string_load_alike_and_a_missing_file_is_one_line(exported, tmp_path):
    assert load(str(exported)).version == load(exported).version
    with pytest.raises(UserError, match="model file not found") as err:
        load(tmp_path / "none.joblib")
    assert "\n" not in str(err.value)


@pytest.mark.slow  # a process or a memory bound, end to end: CI runs it
def test_the_same_model_gives_the_same_file_bytes_in_every_process(small_model, exported, tmp_path):
    """skops names arrays by object id; save_model renumbers them, so the manifest's sha256 and
    DVC's hash change only when the model does (an export outside DVC re-exported before)."""
    again = tmp_path / "again.joblib"
    save_model(small_model, again)
    assert again.read_bytes() == exported.read_bytes()
    # Another process reads the file and writes it again: not one byte differs.
    code = (
        "import sys; from fakeprofile.inference.predictor import load, save_model; "
        "save_model(load(sys.argv[1]), sys.argv[2])"
    )
    other = tmp_path / "other.joblib"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(exported), str(other)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert other.read_bytes() == exported.read_bytes()


def test_stable_bytes_keep_every_kind_of_member_skops_writes(tmp_path):
    """Arrays (.npy), bytes (.bin, named at random by skops) and sparse matrices (.npz): all kept,
    named the same way every time, and read back equal."""
    import numpy as np
    import skops.io
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    X = np.random.RandomState(0).rand(60, 3)
    y = (X[:, 0] > 0.5).astype(int)
    obj = {"lr": LogisticRegression().fit(X, y), "b": b"abc", "sp": sparse.csr_matrix(np.eye(3))}
    first, second = tmp_path / "a.skops", tmp_path / "b.skops"
    save_model(obj, first)
    save_model(obj, second)
    assert first.read_bytes() == second.read_bytes()
    data = first.read_bytes()
    back = skops.io.loads(data, trusted=skops.io.get_untrusted_types(data=data))
    assert back["b"] == b"abc" and (back["sp"] != obj["sp"]).nnz == 0
    assert np.array_equal(back["lr"].predict_proba(X), obj["lr"].predict_proba(X))
