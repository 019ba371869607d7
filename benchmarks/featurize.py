"""Feature extraction throughput and peak memory, with and without photos.

Generates its own data with the project's generator, validates it, fits ProfileFeatures on the first
chunk and transforms the rest chunk by chunk (as scoring does), then prints profiles per second and
peak resident memory. Not part of the test suite: timings are measured here, never asserted.

    python benchmarks/featurize.py --n 20000 100000 --n-photos 5000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fakeprofile import validate
from fakeprofile.features import ProfileFeatures
from fakeprofile.synth.generate import GenConfig, generate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _featurize(valid: Path, photos: Path | None, chunk: int, out) -> None:
    """In a fresh process: fit on the first chunk, transform the rest chunk by chunk (as scoring
    does), and report rows, seconds and this process' own peak memory."""
    batches = pq.ParquetFile(valid).iter_batches(batch_size=chunk)
    first = pa.Table.from_batches([next(batches)])
    pf = ProfileFeatures(photo_dir=photos, as_of="2026-06-30").fit(first)
    rows, t0 = 0, time.perf_counter()
    pf.transform(first)
    rows += first.num_rows
    for b in batches:
        pf.transform(pa.Table.from_batches([b]))
        rows += b.num_rows
    out.put((rows, time.perf_counter() - t0, peak_rss_mb()))


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
    # Measured in its own process, so generation and validation above do not count.
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(
        target=_featurize, args=(valid, photos if with_photos else None, chunk, queue)
    )
    proc.start()
    rows, seconds, peak = queue.get()
    proc.join()
    return {
        "profiles": rows,
        "photos": with_photos,
        "seconds": round(seconds, 2),
        "profiles_per_second": round(rows / seconds),
        "peak_rss_mb": round(peak),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[20_000, 100_000],
        help="sizes without photos (several show whether memory depends on N)",
    )
    ap.add_argument("--n-photos", type=int, nargs="+", default=[5_000], help="sizes with photos")
    ap.add_argument("--chunk", type=int, default=10_000)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = [bench(n, False, args.chunk, Path(tmp)) for n in args.n]
        results += [bench(n, True, args.chunk, Path(tmp)) for n in args.n_photos]
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
