"""Screenshots of the MLflow UI on this project's store, taken with headless Chromium: the runs
list, one run, the compare view of the two newest pipeline runs and the registered model.

    .venv/bin/python scripts/screenshots.py            # store: ./mlflow.db; PNGs to docs/
    .venv/bin/python scripts/screenshots.py --store sqlite:////abs/mlflow.db --out /tmp/shots

Starts `mlflow server` on a free loopback port (or uses --url of a running one) and Debian's
`chromium` (apt-get install chromium). Also renders `dvc plots show`'s HTML if --plots names it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str, port: int) -> subprocess.Popen:
    """`mlflow server` on loopback for `store` (it serves the UI and the REST API)."""
    mlflow = Path(sys.executable).with_name("mlflow")
    return subprocess.Popen(
        [
            str(mlflow if mlflow.exists() else "mlflow"),
            "server",
            "--backend-store-uri",
            store,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(server: subprocess.Popen) -> None:
    """End the server this script started (and only it)."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def rest(base: str, path: str, body: dict | None = None, timeout: float = 10) -> dict:
    """One call of the MLflow REST API (GET, or POST with a JSON body)."""
    req = urllib.request.Request(
        f"{base}/api/2.0/mlflow{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def wait_for(base: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            rest(base, "/experiments/search", {"max_results": 1})
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"mlflow server at {base} did not answer within {seconds:.0f}s")


def pipeline_runs(base: str, experiment: str) -> tuple[str, list[dict]]:
    """The experiment's id and its top-level runs (pipeline runs, not baselines), newest first."""
    exp = rest(
        base, "/experiments/get-by-name?" + urllib.parse.urlencode({"experiment_name": experiment})
    )
    exp_id = exp["experiment"]["experiment_id"]
    runs = rest(
        base,
        "/runs/search",
        {
            "experiment_ids": [exp_id],
            "filter": "attributes.status = 'FINISHED'",
            "order_by": ["attributes.start_time DESC"],
            "max_results": 200,
        },
    ).get("runs", [])
    top = [
        r
        for r in runs
        if not any(t["key"] == "mlflow.parentRunId" for t in r["data"].get("tags", []))
    ]
    return exp_id, top


def screenshot(
    url: str, out: Path, profile: str, size: str = "1900,1000", wait_ms: int = 20000
) -> None:
    """One PNG of `url` with headless Chromium, in the browser profile folder `profile`."""
    browser = chromium()
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size}",
            f"--virtual-time-budget={wait_ms}",
            f"--screenshot={out}",
            url,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=180,
    )


def pages(base: str, experiment: str, model: str) -> dict[str, str]:
    """The UI pages to capture: name -> URL."""
    exp_id, runs = pipeline_runs(base, experiment)
    view = "workflowType=machine_learning"  # the UI's model-training side, not the GenAI one
    if len(runs) < 1:
        raise SystemExit(f"experiment {experiment} has no finished runs: run the pipeline first")
    newest = runs[0]["info"]["run_id"]
    compare = [r["info"]["run_id"] for r in runs[:2]]
    query = urllib.parse.urlencode(
        {"runs": json.dumps(compare), "experiments": json.dumps([exp_id])}
    )
    return {
        "mlflow-runs": f"{base}/#/experiments/{exp_id}/runs?{view}",
        "mlflow-run": f"{base}/#/experiments/{exp_id}/runs/{newest}?{view}",
        "mlflow-compare": f"{base}/#/compare-runs?{query}&{view}",
        "mlflow-model": f"{base}/#/models/{urllib.parse.quote(model)}?{view}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=f"sqlite:///{Path.cwd() / 'mlflow.db'}")
    parser.add_argument("--url", help="a running MLflow server instead of starting one")
    parser.add_argument("--experiment", default="fakeprofile")
    parser.add_argument("--model", default="fakeprofile")
    parser.add_argument("--out", default="docs")
    parser.add_argument("--plots", help="dvc plots show's index.html to render as well")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None
    base = args.url
    if base is None:
        port = free_port()
        server = start_server(args.store, port)
        base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base)
        urls = pages(base, args.experiment, args.model)
        # A fresh browser profile for this run of the script. The first page load opens MLflow's
        # assistant panel once per profile; a warm-up load takes that, so the shots show pages.
        with tempfile.TemporaryDirectory(prefix="fp-chromium-") as profile:
            screenshot(urls["mlflow-runs"], Path(profile) / "warm-up.png", profile)
            for name, url in urls.items():
                screenshot(url, out / f"{name}.png", profile)
                print(out / f"{name}.png")
            if args.plots:
                target = out / "dvc-plots.png"
                screenshot(Path(args.plots).resolve().as_uri(), target, profile, size="1100,2600")
                print(target)
    finally:
        if server is not None:
            stop(server)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
