"""Where the MLflow store is, and its models (models:/..., runs:/...) loaded without MLflow here.

The registered model wraps the exported file unchanged, and scoring needs only that file.
Importing MLflow to find it costs a long start-up and much memory, in this process and in
every scoring worker forked from it. So a short-lived child process asks the store and copies the
model's files into a temporary folder; `predictor.load` loads the file from there, checksum
checked against its manifest like any exported file.

Run as `python -m fakeprofile.inference.model_uri URI FOLDER` (the child): writes `FOLDER/resolved.json`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from fakeprofile.errors import UserError

MLFLOW_SCHEMES = ("models:/", "runs:/", "mlflow-artifacts:")
RESOLVED = "resolved.json"


def repo_root(start: Path | None = None) -> Path:
    """The project root, also from inside a DVC experiment's temporary copy."""
    here = (start or Path.cwd()).resolve()
    parts = here.parts
    if ".dvc" in parts and "exps" in parts:  # <root>/.dvc/tmp/exps/<name>/...
        return Path(*parts[: parts.index(".dvc")])
    return here


def tracking_uri(root: Path) -> str:
    """FAKEPROFILE_TRACKING_URI (tests), else MLFLOW_TRACKING_URI (a shared server), else the
    project's SQLite store: export logs to the same store that score reads models from."""
    return (
        os.environ.get("FAKEPROFILE_TRACKING_URI")
        or os.environ.get("MLFLOW_TRACKING_URI")
        or f"sqlite:///{root / 'mlflow.db'}"
    )


# MLflow's own defaults retry an unreachable server for minutes (7 retries, backoff factor 2,
# 120 s timeout). A user who mistyped a server's address should hear so in seconds; the
# environment variables still win when set.
HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0.2",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "20",
}


def http_settings(retries: int | None = None, timeout_s: float | None = None) -> None:
    """Set MLflow's HTTP retry and timeout settings unless the environment sets them."""
    values = dict(HTTP_DEFAULTS)
    if retries is not None:
        values["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = str(int(retries))
    if timeout_s is not None:
        values["MLFLOW_HTTP_REQUEST_TIMEOUT"] = str(max(1, int(timeout_s)))
    for key, value in values.items():
        os.environ.setdefault(key, value)


def check_reachable(uri: str, timeout_s: float = 5.0) -> None:
    """An http(s) tracking server must accept a connection within `timeout_s`: a clear error in
    seconds instead of MLflow's retries."""
    import socket
    from urllib.parse import urlsplit

    if not uri.startswith(("http://", "https://")):
        return
    parts = urlsplit(uri)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout_s):
            pass
    except OSError as exc:
        raise UserError(
            f"cannot reach the MLflow tracking server {uri} ({exc.strerror or exc}): start it, "
            "fix MLFLOW_TRACKING_URI, or set mlflow.enabled: false in params.yaml"
        ) from None


def is_uri(model: str | Path) -> bool:
    return str(model).startswith(MLFLOW_SCHEMES)


def use_model_store() -> None:
    """Point MLflow at the store models are loaded from: MLFLOW_TRACKING_URI if set (a shared
    server, a cluster's driver), else this project's SQLite store, which must exist: MLflow
    would create an empty one in whatever folder the command runs from, and then report the
    model as not found."""
    import mlflow

    http_settings()
    if os.environ.get("MLFLOW_TRACKING_URI"):
        check_reachable(os.environ["MLFLOW_TRACKING_URI"])
        return
    uri = tracking_uri(repo_root())
    db = Path(uri.removeprefix("sqlite:///"))
    if uri.startswith("sqlite:///") and not db.is_file():
        raise UserError(
            f"no MLflow store at {db}: run from the project folder (where `make run` made "
            "mlflow.db), or set MLFLOW_TRACKING_URI to your tracking server"
        )
    mlflow.set_tracking_uri(uri)


def download(uri: str, folder: str) -> str:
    """Copy the model behind `uri` into `folder` (imports MLflow): the model's local folder."""
    import mlflow

    use_model_store()
    try:
        return mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=folder)
    except mlflow.exceptions.MlflowException as exc:
        raise UserError(f"cannot load {uri} from the MLflow store: {exc.message}") from exc


def fetch(uri: str, folder: str) -> dict[str, str]:
    """In the child: {"path": the exported file of the model behind `uri`, copied into `folder`}
    or {"error": a message for the user}."""
    from mlflow.models import Model

    try:
        local = download(uri, folder)
    except UserError as exc:
        return {"error": str(exc)}
    relative = None
    if (Path(local) / "MLmodel").is_file():
        flavor = Model.load(local).flavors.get("python_function", {})
        relative = flavor.get("artifacts", {}).get("model", {}).get("path")
    if not relative:
        return {"error": f"{uri} is not a fakeprofile model (it has no exported model file)"}
    return {"path": str(Path(local) / relative)}


class Fetch:
    """The child process that fetches a model's exported file (see the module doc). Start it
    early: it runs while this process imports what scoring needs, so the two start-ups overlap.
    The copy lives in a temporary folder (named `prefix`...) until `cleanup`."""

    def __init__(self, uri: str, prefix: str = "fakeprofile-model-"):
        self.uri = uri
        self._folder = tempfile.TemporaryDirectory(prefix=prefix)
        self._child = subprocess.Popen(
            [sys.executable, "-m", "fakeprofile.inference.model_uri", uri, self._folder.name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def path(self) -> Path:
        """Wait for the child: the fetched exported file, with its manifest beside it."""
        _, stderr = self._child.communicate()
        answer = Path(self._folder.name) / RESOLVED
        if not answer.is_file():
            last = (stderr.strip().splitlines() or ["no message"])[-1]
            raise UserError(f"cannot load {self.uri} from the MLflow store: {last}")
        result = json.loads(answer.read_text(encoding="utf-8"))
        if "error" in result:
            raise UserError(result["error"])
        return Path(result["path"])

    def cleanup(self) -> None:
        """Remove the temporary copy (the child is stopped first if it still runs)."""
        if self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        self._folder.cleanup()


if __name__ == "__main__":
    _uri, _folder = sys.argv[1:3]
    _result = fetch(_uri, str(Path(_folder) / "model"))
    (Path(_folder) / RESOLVED).write_text(json.dumps(_result), encoding="utf-8")
