"""End-to-end `fakeprofile score` throughput and peak memory, and single-call latency of the
Python API. Generates its own invitations (no photos) with the project's generator; needs an
exported model (run `make run` first). Timings are measured here, never asserted in tests.

    python benchmarks/score.py --n 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fakeprofile.synth.generate import GenConfig, generate

BIN = Path(sys.executable).parent


def score_file(n: int, work: Path, model: str) -> dict:
    src = work / f"invitations_{n}.jsonl.gz"
    if not src.exists():
        generate(GenConfig(n=n, seed=321, with_photos=False), src, work / "photos")
    out = work / f"scores_{n}.parquet"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(BIN / "fakeprofile"),
            "score",
            "--input",
            str(src),
            "--output",
            str(out),
            "--model",
            model,
            "--quiet",
        ],
        stdout=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - t0
    summary = json.loads(proc.stdout.read())
    if status != 0:
        raise SystemExit(f"scoring failed with status {status}")
    return {
        "rows": summary["read"],
        "scored": summary["scored"],
        "seconds": round(seconds, 1),
        "rows_per_second": round(summary["read"] / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def latency(model_path: str, calls: int = 50) -> dict:
    from fakeprofile import load_model

    t0 = time.perf_counter()
    model = load_model(model_path)
    load_s = time.perf_counter() - t0
    record = {
        "profile_id": "x",
        "headline": "Sales Director",
        "about": "Book a call today!",
        "invitation": {
            "message": "Hi, write me on WhatsApp +44 7700 900123",
            "invitations_sent_last_7d": 80,
            "mutual_connections": 0,
        },
    }
    model.score([record])  # warm the word caches
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        model.score([record])
        times.append(time.perf_counter() - t)
    return {
        "model_load_s": round(load_s, 2),
        "median_ms": round(1000 * statistics.median(times), 1),
        "p95_ms": round(1000 * sorted(times)[int(0.95 * len(times)) - 1], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000])
    ap.add_argument("--model", default="models/fakeprofile.joblib")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    results: dict = {"score": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            r = score_file(n, Path(tmp), args.model)
            results["score"].append(r)
            print(
                f"score {r['rows']:>9} rows: {r['seconds']:>7} s  {r['rows_per_second']:>6} rows/s  "
                f"peak RSS {r['peak_rss_mb']} MB",
                flush=True,
            )
    results["latency"] = latency(args.model)
    lat = results["latency"]
    print(
        f"single invitation via load_model(...).score: median {lat['median_ms']} ms, "
        f"p95 {lat['p95_ms']} ms (model load {lat['model_load_s']} s)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
