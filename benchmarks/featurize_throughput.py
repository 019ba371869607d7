"""Featurization throughput without photos: generated profiles (no pictures) through a fitted
ProfileFeatures.transform, rows per second of wall time and per CPU second (less sensitive to a busy machine) in this one
process (the note
normalisation of issue 23 sits on this path), in chunks of `chunk` rows (scoring without photos
uses score.chunk_rows_without_photos, with photos score.chunk_rows).
Run: python benchmarks/featurize_throughput.py [n] [chunk]."""

from __future__ import annotations

import sys
import time

from fakeprofile.features import ProfileFeatures
from fakeprofile.features.frame import to_table
from fakeprofile.synth.generate import GenConfig, make_profile


def main(n: int = 20_000, chunk: int = 2500) -> None:
    cfg = GenConfig(n=n, seed=321, with_photos=False)
    table = to_table([make_profile(i, cfg)[0] for i in range(n)])
    feats = ProfileFeatures(as_of="2026-06-30").fit(table.slice(0, 2000))
    feats.transform(table.slice(0, chunk))  # warm: word lists, compiled loops
    best = cpu = float("inf")
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, n, chunk):
            feats.transform(table.slice(i, chunk))
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    print(
        f"featurize: {n} generated profiles without photos, chunks of {chunk}, "
        f"{n / best:,.0f} rows/s wall, "
        f"{n / cpu:,.0f} rows per CPU second (best of 3)"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
