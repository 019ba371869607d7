"""The MLflow registry rules on a real SQLite store: the champion alias moves only by the gate
(better on the same test data) or by `fakeprofile promote`; settings are checked; the store's
lock lies beside it; export and promote follow MLFLOW_TRACKING_URI; an unreachable server is
reported at once."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from fakeprofile import cli
from fakeprofile.errors import UserError
from fakeprofile.inference.model_uri import tracking_uri
from fakeprofile.tracking import runs as tracking
from fakeprofile.tracking.runs import flatten

CFG = {
    "enabled": True,
    "experiment": "t",
    "registered_model": "fp",
    "alias": "champion",
    "challenger_alias": "challenger",
    "gate_metric": "roc_auc",
}


@pytest.fixture
def store(tmp_path, monkeypatch):
    import mlflow
    from mlflow import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("FAKEPROFILE_TRACKING_URI", uri)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    client.create_registered_model("fp")
    (tmp_path / "m").mkdir()
    return client, tmp_path


def _version(client, tmp_path, roc_auc: float, digest: str) -> str:
    v = client.create_model_version("fp", source=str(tmp_path / "m")).version
    client.set_model_version_tag("fp", v, "roc_auc", f"{roc_auc:.6f}")
    client.set_model_version_tag("fp", v, "test_data_digest", digest)
    return str(v)


def _alias(client, alias: str) -> str:
    return str(client.get_model_version_by_alias("fp", alias).version)


def test_champion_moves_only_through_the_gate_or_promote(store, monkeypatch):
    client, tmp = store
    v1 = _version(client, tmp, 0.96, "d1")
    assert tracking.gate(client, CFG, v1, {"roc_auc": 0.96}, "d1") == "champion"
    v2 = _version(client, tmp, 0.94, "d1")  # worse on the same test data
    assert tracking.gate(client, CFG, v2, {"roc_auc": 0.94}, "d1") == "challenger"
    assert (_alias(client, "champion"), _alias(client, "challenger")) == (v1, v2)
    v3 = _version(client, tmp, 0.99, "d2")  # better, but on other test data: not comparable
    assert tracking.gate(client, CFG, v3, {"roc_auc": 0.99}, "d2") == "challenger"
    assert _alias(client, "champion") == v1
    same = _version(client, tmp, 0.96, "d1")  # the same model again (tags keep 6 decimals)
    assert tracking.gate(client, CFG, same, {"roc_auc": 0.9600004}, "d1") == "challenger"
    v4 = _version(client, tmp, 0.97, "d1")  # better on the same test data
    assert tracking.gate(client, CFG, v4, {"roc_auc": 0.97}, "d1") == "champion"
    no_gate = CFG | {"gate_metric": None}
    v5 = _version(client, tmp, 0.999, "d1")
    assert tracking.gate(client, no_gate, v5, {"roc_auc": 0.999}, "d1") == "challenger"
    assert _alias(client, "champion") == v4

    (tmp / "params.yaml").write_text("mlflow:\n  registered_model: fp\n  alias: champion\n")
    monkeypatch.chdir(tmp)
    assert cli.main(["promote", v2]) == 0
    assert _alias(client, "champion") == v2
    assert cli.main(["promote", "99"]) == 1  # one line, no traceback
    assert _alias(client, "champion") == v2


def test_settings_are_checked():
    with pytest.raises(UserError, match="unknown setting mlflow.enable "):
        tracking.check_settings({"enable": False})
    with pytest.raises(UserError, match="mlflow.enabled"):
        tracking.check_settings({"enabled": "no"})
    assert tracking.check_settings(CFG) is CFG


def test_store_and_lock_follow_the_tracking_uri(tmp_path, monkeypatch):
    monkeypatch.delenv("FAKEPROFILE_TRACKING_URI", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/shared/mlflow.db")
    assert tracking_uri(tmp_path / "project") == f"sqlite:///{tmp_path}/shared/mlflow.db"
    lock = tracking._store_lock_path(tracking_uri(tmp_path), tmp_path / "project")
    assert lock == tmp_path / "shared" / "mlflow.db.lock"
    assert tracking._store_lock_path("http://127.0.0.1:5000", tmp_path) is None


@pytest.mark.slow  # a process or a memory bound, end to end: CI runs it
def test_two_writers_on_one_store_take_turns(tmp_path):
    """Two processes (two copies of the project) registering versions in one SQLite store at
    once: both finish, every version is there, one champion."""
    script = f"""
import sys
import mlflow
from mlflow import MlflowClient
from pathlib import Path
from fakeprofile.tracking import runs as tracking
uri = "sqlite:///{tmp_path}/mlflow.db"
mlflow.set_tracking_uri(uri)
cfg = {CFG!r}
for i in range(3):
    with tracking.store_lock(tracking._store_lock_path(uri, Path("."))):
        client = MlflowClient()
        try:
            client.create_registered_model("fp")
        except mlflow.exceptions.MlflowException:
            pass
        v = client.create_model_version("fp", source="{tmp_path}").version
        client.set_model_version_tag("fp", v, "roc_auc", "0.5")
        tracking.gate(client, cfg, str(v), {{"roc_auc": 0.5}}, "d")
"""
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    versions = MlflowClient().search_model_versions("name='fp'")
    assert len(versions) == 6
    assert str(MlflowClient().get_model_version_by_alias("fp", "champion").version) == "1"


def test_an_unreachable_server_is_reported_in_seconds(tmp_path, monkeypatch):
    """MLflow's own retries take minutes on a wrong address; the connection check says so at
    once (the bound is the behaviour asked for, far from MLflow's default of minutes)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    monkeypatch.delenv("FAKEPROFILE_TRACKING_URI", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    monkeypatch.chdir(tmp_path)
    t0 = time.monotonic()
    with pytest.raises(UserError, match="cannot reach the MLflow tracking server"):
        tracking.promote(CFG, "1")
    assert time.monotonic() - t0 < 30


def test_flatten_joins_nested_keys_with_dots():
    nested = {
        "model": {"test": {"auc": 0.9, "report@0.99": {"recall": 0.8}}, "kind": "hgb"},
        "n": 3,
        "empty": {},
    }
    assert flatten(nested) == {
        "model.test.auc": 0.9,
        "model.test.report@0.99.recall": 0.8,
        "model.kind": "hgb",
        "n": 3,
    }


def test_flatten_keeps_params_names_as_params_yaml_spells_them():
    params = {"train": {"hgb": {"max_iter": 300}, "model": "hgb"}, "thresholds": {"x": 0.1}}
    assert sorted(flatten(params)) == ["thresholds.x", "train.hgb.max_iter", "train.model"]
    assert flatten({"a": 1}, "pre.") == {"pre.a": 1}
