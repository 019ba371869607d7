"""Shared by the benchmark scripts: generated data (cached by size and seed), and running a
command in its own process while measuring wall time and peak memory.

Memory is the peak of the summed PSS (proportional set size) of the process and its children:
pages that forked workers share with their parent count once, not once per process as summed RSS
would. Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

from fakeprofile.data import validate
from fakeprofile.synth.generate import GenConfig, generate

BIN = Path(sys.executable).parent
SEED = 321


def data(work: Path, n: int, photos: bool) -> tuple[Path, Path]:
    """(profiles.jsonl.gz, photo folder) of `n` generated profiles, made once per work folder."""
    tag = f"{n}{'_photos' if photos else ''}_seed{SEED}"
    raw, folder = work / f"profiles_{tag}.jsonl.gz", work / f"photos_{tag}"
    if not raw.exists():
        t0 = time.perf_counter()
        generate(GenConfig(n=n, seed=SEED, with_photos=photos, workers=2), raw, folder)
        print(f"  generated {n} profiles in {time.perf_counter() - t0:.0f} s", flush=True)
    return raw, folder


def valid(work: Path, n: int, photos: bool) -> Path:
    """The validated Parquet of data(work, n, photos), made once."""
    raw, folder = data(work, n, photos)
    out = raw.with_name(raw.name.replace(".jsonl.gz", ".parquet"))
    if not out.exists():
        rules = validate.Rules(photo_dir=folder if photos else None)
        validate.run(raw, out, work / "rejects.jsonl", rules)
    return out


PSS_EVERY = 5.0  # seconds between PSS samples when RSS sets no new high
NEW_HIGH = 1.02  # summed RSS this much above its last high triggers a PSS sample


def measure(cmd: list[str], **kwargs) -> dict:
    """Run `cmd`; wall seconds, peak summed PSS of its process tree (MB), and its stdout.

    Reading PSS walks every page table of every process: about 60 ms of CPU per sample of a
    1 GB tree. Sampled ten times a second, that took a sixth of this 2-core machine away from
    the run being measured. RSS is cheap (0.1 ms), so it is read every 0.1 s, and PSS only
    when the summed RSS rises 2% above its last high (a fork, a bigger chunk) or every
    PSS_EVERY seconds: a few dozen samples in a run of minutes. The peak can be missed by as
    much as the 2% (or a spike shorter than PSS_EVERY)."""
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **kwargs)
    root, peak, top_rss, last_pss, samples = psutil.Process(proc.pid), 0, 0, 0.0, 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in tree)
            if rss > top_rss * NEW_HIGH or time.perf_counter() - last_pss >= PSS_EVERY:
                top_rss, last_pss, samples = max(top_rss, rss), time.perf_counter(), samples + 1
                peak = max(peak, sum(p.memory_full_info().pss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    # CPU seconds of the process and every child it waited for (the workers): on a shared
    # machine, rows per CPU second move less with the load than rows per second.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with status {proc.returncode}")
    return {
        "seconds": round(seconds, 1),
        "wall": seconds,  # unrounded, for differences of a few seconds
        "peak_mb": round(peak / 2**20),
        "cpu_seconds": round(cpu, 1),
        "pss_samples": samples,
        "stdout": out,
    }


def row(name: str, rows: int, m: dict, **extra) -> dict:
    """One line of the results table."""
    return {
        "benchmark": name,
        "rows": rows,
        "seconds": m["seconds"],
        "rows_per_second": round(rows / m["seconds"]) if m["seconds"] else None,
        "peak_memory_mb": m["peak_mb"],
        "cpu_seconds": m.get("cpu_seconds"),
        "rows_per_cpu_second": round(rows / m["cpu_seconds"]) if m.get("cpu_seconds") else None,
        **extra,
    }


def table(rows: list[dict]) -> str:
    """The results as a small fixed-width table."""
    head = (
        f"{'benchmark':<44} {'rows':>9} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} "
        f"{'CPU s':>7} {'rows/CPU s':>10}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['benchmark']:<44} {r['rows']:>9} {r['seconds']:>8} "
            f"{r['rows_per_second'] or '':>8} {r['peak_memory_mb']:>8} "
            f"{r.get('cpu_seconds') or '':>7} {r.get('rows_per_cpu_second') or '':>10}"
        )
    return "\n".join(lines)
