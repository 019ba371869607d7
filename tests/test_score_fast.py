"""score.py, fast: reject line numbers for every input format, and the same output in input
order with several workers as with one (on the small in-process model of conftest)."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fakeprofile.data import validate
from fakeprofile.inference import score
from fakeprofile.synth.generate import GenConfig, make_profile

ROWS = [
    {"profile_id": "a", "name": "Anna", "connections": 10},
    {"profile_id": "b", "name": "Bo", "connections": -5},  # invalid: a negative count
    {"profile_id": "c", "name": "Cy", "connections": 3},
    {"profile_id": "d", "name": "Di", "connections": 4},
    {"profile_id": "a", "name": "Al", "connections": 1},  # duplicate id of row 1
    {"profile_id": "f", "name": "Fe", "connections": 7},
    {"profile_id": "g", "name": "Gu", "connections": -1},  # invalid
]
BAD = [2, 5, 7]  # 1-based row numbers of the rejected rows


def write(path, rows, blank_after=None):
    lines = [json.dumps(r).encode() for r in rows]
    if blank_after is not None:
        lines.insert(blank_after, b"   ")  # a blank line still has a number
    data = b"\n".join(lines) + b"\n"
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    if path.name.endswith(".parquet"):
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=3)
    else:
        path.write_bytes(data)
    return path


def reject_lines(path, chunk_rows):
    lines = score.input_lines(path, chunk_rows, 1 << 20)
    counts = validate.Counts()
    rules = validate.Rules(require_label=False)
    out = []
    for _, rejects in validate.validate_stream(lines, rules, counts, chunk_rows):
        out += [r.line for r in rejects]
    return out, counts


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz", "in.parquet"])
@pytest.mark.parametrize("chunk_rows", [1, 2, 100])
def test_rejects_carry_the_row_number_of_every_input_format(tmp_path, name, chunk_rows):
    got, counts = reject_lines(write(tmp_path / name, ROWS), chunk_rows)
    assert got == BAD
    assert (counts.read, counts.valid, counts.rejected) == (7, 4, 3)


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])
def test_blank_lines_count_in_json_lines_numbers(tmp_path, name):
    got, _ = reject_lines(write(tmp_path / name, ROWS, blank_after=2), 2)
    assert got == [2, 6, 8]


@pytest.fixture(scope="module")
def unseen_file(tmp_path_factory):
    cfg = GenConfig(n=300, seed=5, with_photos=False, workers=1)
    records = [make_profile(i, cfg)[0] for i in range(cfg.n)]
    records[17]["connections"] = -1  # two rejects, in different chunks
    records[250]["created_at"] = "not a date"
    path = tmp_path_factory.mktemp("order") / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path, [r["profile_id"] for r in records]


def test_several_workers_write_the_same_output_in_input_order(small_model, unseen_file, tmp_path):
    path, ids = unseen_file
    outputs = {}
    for workers in (1, 2):
        out, rej = tmp_path / f"out{workers}.jsonl", tmp_path / f"rej{workers}.jsonl"
        summary = score.run(path, out, small_model, rej, None, chunk_rows=25, workers=workers)
        assert (summary.read, summary.scored, summary.rejected) == (300, 298, 2)
        outputs[workers] = (out.read_bytes(), rej.read_bytes())
    scored = [json.loads(line)["profile_id"] for line in outputs[2][0].splitlines()]
    assert scored == [i for k, i in enumerate(ids) if k not in (17, 250)]
    assert [json.loads(line)["line"] for line in outputs[2][1].splitlines()] == [18, 251]
    assert outputs[2] == outputs[1]
