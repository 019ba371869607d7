"""CPU time per row of validation alone, for each kind of input: JSON Lines (the validate stage
and the score command), Parquet (the score command, Spark's batches alike), and records given to
the Python API or the pyfunc. `time.process_time`, best of three, on the file given (generated:
`fakeprofile generate --n 20000 --no-photos`).

    python benchmarks/validation_cpu.py data.jsonl.gz [work-folder]

Runs on the code first on PYTHONPATH, so the same command measures another checkout."""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from fakeprofile.data import validate
from fakeprofile.inference import score

CHUNK = 2500
RULES = validate.Rules(as_of=date(2026, 12, 7))


def best(run, rows: int) -> float:
    """µs of CPU per row, best of three runs."""
    times = []
    for _ in range(3):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times) / rows * 1e6


def json_lines(path: Path, keep_extra: bool) -> None:
    for batch in validate.batches(validate.io.iter_lines(path, 1 << 20), CHUNK):
        validate.check_batch(batch, RULES, keep_extra, set())


def parquet(path: Path) -> None:
    for batch in validate.batches(score.input_lines(path, CHUNK, 1 << 20), CHUNK):
        validate.check_batch(batch, RULES, False, set())


def records(recs: list[dict]) -> None:
    from fakeprofile.data.check import check_input

    for i in range(0, len(recs), CHUNK):
        check_input(recs[i : i + CHUNK])


def main() -> None:
    source = Path(sys.argv[1])
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp())
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh]
    n = len(recs)
    valid = work / "valid.parquet"
    validate.run(source, valid, work / "rejects.jsonl", RULES)
    assert pq.read_metadata(valid).num_rows == n, "the benchmark wants valid rows only"
    out = {
        "rows": n,
        "jsonl_validate_stage_us": best(lambda: json_lines(source, True), n),
        "jsonl_score_us": best(lambda: json_lines(source, False), n),
        "parquet_score_us": best(lambda: parquet(valid), n),
        "records_api_us": best(lambda: records(recs), n),
    }
    print(json.dumps({k: round(v, 1) for k, v in out.items()}))


if __name__ == "__main__":
    main()
