"""Feature extraction throughput and peak memory, with and without photos.

Generates its own data with the project's generator, validates it, fits ProfileFeatures on the first
chunk and transforms the rest chunk by chunk (as scoring does), then prints profiles per second and
peak resident memory. Not part of the test suite: timings are measured here, never asserted.

    python benchmarks/featurize.py --n 50000 --n-photos 5000
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from fakeprofile import validate
from fakeprofile.features import ProfileFeatures
from fakeprofile.synth.generate import GenConfig, generate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(n: int, with_photos: bool, chunk: int, work: Path) -> dict:
    raw, photos = work / f"raw{n}{with_photos}.jsonl.gz", work / f"photos{n}"
    generate(GenConfig(n=n, seed=123, with_photos=with_photos), raw, photos)
    valid = work / f"valid{n}{with_photos}.parquet"
    validate.run(
        raw,
        valid,
        work / "rejects.jsonl",
        validate.Rules(photo_dir=photos if with_photos else None),
    )
    pf_file = pq.ParquetFile(valid)
    pf = ProfileFeatures(photo_dir=photos if with_photos else None, as_of="2026-06-30")
    batches = pf_file.iter_batches(batch_size=chunk)
    import pyarrow as pa

    first = pa.Table.from_batches([next(batches)])
    pf.fit(first)  # fit on one chunk (the reference corpus), then stream the rest
    rows, t0 = 0, time.perf_counter()
    pf.transform(first)
    rows += first.num_rows
    for b in batches:
        pf.transform(pa.Table.from_batches([b]))
        rows += b.num_rows
    seconds = time.perf_counter() - t0
    return {
        "profiles": rows,
        "photos": with_photos,
        "seconds": round(seconds, 2),
        "profiles_per_second": round(rows / seconds),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000, help="profiles without photos")
    ap.add_argument("--n-photos", type=int, default=5_000, help="profiles with photos")
    ap.add_argument("--chunk", type=int, default=10_000)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = [
            bench(args.n, False, args.chunk, Path(tmp)),
            bench(args.n_photos, True, args.chunk, Path(tmp)),
        ]
    print(f"{'profiles':>10} {'photos':>7} {'seconds':>8} {'profiles/s':>11} {'peak RSS MB':>12}")
    for r in results:
        print(
            f"{r['profiles']:>10} {str(r['photos']):>7} {r['seconds']:>8} "
            f"{r['profiles_per_second']:>11} {r['peak_rss_mb']:>12}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
