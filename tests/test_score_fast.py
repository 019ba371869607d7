"""score.py, fast: reject line numbers for every input format, and the same output in input
order with several workers as with one (on the small in-process model of conftest)."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fakeprofile.data import check, io, validate
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


def test_a_chunk_is_validated_then_scored_as_the_model_scores_its_valid_rows(tiny_model):
    """score_chunk against the model's own score_arrow on the valid rows: rejects keep their
    line numbers, a chunk with no valid line scores nothing; in a worker the model, rules and
    photo folder come from the worker's state."""
    cfg = GenConfig(n=6, seed=9, with_photos=False, workers=1)
    records = [make_profile(i, cfg)[0] for i in range(cfg.n)]
    records[2]["connections"] = -3
    records[4]["zz_unknown"] = 1
    lines = [(10 + k, json.dumps(r).encode()) for k, r in enumerate(records)]
    rules = validate.Rules(require_label=False)
    got = score.score_chunk(lines, tiny_model, rules, None)
    valid = [r for k, r in enumerate(records) if k != 2]
    assert got.line_nos == [10, 11, 13, 14, 15]
    assert [r.line for r in got.rejects] == [12]
    assert got.scored.equals(tiny_model.score_arrow(valid))
    assert "zz_unknown" in got.unknown_fields
    nothing = score.score_chunk(lines[2:3], tiny_model, rules, None)
    assert nothing.scored is None and [r.line for r in nothing.rejects] == [12]
    saved = dict(score._WORKER)
    try:
        score._WORKER.update(model=tiny_model, rules=rules, photos=None)
        assert score.score_chunk(lines).scored.equals(got.scored)
    finally:
        score._WORKER.clear()
        score._WORKER.update(saved)


# -- input and output without a model: public functions, hand-made tables ----------------------


def scored_table(rows):
    from fakeprofile.inference.predictor import OUTPUT_SCHEMA

    return pa.Table.from_pylist(rows, schema=OUTPUT_SCHEMA)


OUT_ROWS = [
    {"profile_id": "p1", "score": 0.25, "decision": "accept", "reasons": [], "model_version": "v"},
    {
        "profile_id": "=HYPERLINK(1)",
        "score": 0.5,
        "decision": "ask",
        "reasons": ["no photo", "-1 connections"],
        "model_version": "v",
    },
    {
        "profile_id": "p3",
        "score": 0.9,
        "decision": "report",
        "reasons": ["a"],
        "model_version": "v",
    },
]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_the_writer_appends_chunks_in_order_in_each_format(tmp_path, suffix):
    import csv

    path = tmp_path / f"out{suffix}"
    writer = score.Writer(path, suffix)
    writer.write(scored_table(OUT_ROWS[:2]))
    writer.write(scored_table(OUT_ROWS[2:]))
    writer.close()
    if suffix == ".parquet":
        assert pq.read_table(path).to_pylist() == OUT_ROWS
    elif suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == OUT_ROWS
    else:
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        assert (
            rows
            == [  # one header; reasons joined; a formula cell made text
                ["profile_id", "score", "decision", "reasons", "model_version"],
                ["p1", "0.25", "accept", "", "v"],
                ["'=HYPERLINK(1)", "0.5", "ask", "no photo; '-1 connections", "v"][:3]
                + ["no photo; -1 connections", "v"],
                ["p3", "0.9", "report", "a", "v"],
            ]
        )


def test_cells_that_start_like_a_formula_get_an_apostrophe():
    cells = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", "", None, "x-1"]
    got = score.no_formula(pa.array(cells)).to_pylist()
    assert got == ["'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "'\tx", "'\rx"] + cells[6:]


def test_parquet_rows_become_json_lines_with_extra_fields_merged(tmp_path):
    import datetime as dt

    when = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    rows = [
        {"profile_id": "a", "name": "An", "created_at": when, "extra": '{"nickname": "x"}'},
        {"profile_id": "b", "name": None, "created_at": None, "extra": None},
        {"profile_id": "c", "name": "Cy", "created_at": None, "extra": "[1]"},
        {"profile_id": "d", "name": "Di", "created_at": None, "extra": "{broken"},
        {"profile_id": "e", "name": "Ed", "created_at": None, "extra": '{"name": "again"}'},
        {"profile_id": "f", "name": "Fi", "created_at": None, "extra": '{"k": 1, "k": 2}'},
    ]
    table = pa.Table.from_pylist(rows)
    got = list(check.table_lines(table, range(11, 17)))
    assert [n for n, _ in got] == list(range(11, 17))
    assert json.loads(got[0][1]) == {
        "profile_id": "a",
        "name": "An",
        "created_at": "2026-06-01T10:00:00+00:00",
        "nickname": "x",
    }
    assert json.loads(got[1][1]) == {"profile_id": "b"}  # nulls are left out
    reasons = [str(line) for _, line in got[2:]]
    assert all(isinstance(line, io.Unreadable) for _, line in got[2:])
    assert reasons[0] == "extra: must be a JSON object, not list"
    assert reasons[1] == "extra: not valid JSON"
    assert "is both a column and in extra" in reasons[2] and "name" in reasons[2]
    assert reasons[3].startswith("extra: duplicate key:") and "k" in reasons[3]
    numbers = [n for n, _ in check.table_lines(pa.table({"extra": pa.array([5])}), [3])]
    assert numbers == [3]
    assert str(next(check.table_lines(pa.table({"extra": [5]}), [3]))[1]) == (
        "extra: must hold a JSON object as text"
    )


def test_parquet_rows_are_numbered_from_one_across_chunks_and_long_rows_are_refused(tmp_path):
    # Row 5 is 150 bytes as stored but over 300 as JSON (each newline becomes two characters).
    rows = [{"profile_id": str(i), "name": "\n" * 150 if i == 4 else "xyz"} for i in range(7)]
    path = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=3)
    got = list(score.input_lines(path, 2, 200))
    assert [n for n, _ in got] == [1, 2, 3, 4, 5, 6, 7]
    table, numbers, rejects = check.check_batch(got, validate.Rules())
    assert numbers == [1, 2, 3, 4, 6, 7]
    assert table.column("profile_id").to_pylist() == list("012356")
    # over 200 bytes as JSON: refused like a long line
    assert [(r.line, r.reason) for r in rejects] == [(5, "line too long")]


def test_inputs_of_another_kind_and_feature_tables_are_refused(tmp_path):
    from fakeprofile.errors import UserError

    with pytest.raises(UserError, match="must be .jsonl"):
        score.input_lines(tmp_path / "in.csv", 10, 100)
    with pytest.raises(UserError, match="none of the profile fields"):
        score.unknown_columns(["profile_id", "photo_missing", "text_len"], "f.parquet")
    assert score.unknown_columns(["profile_id", "name", "zz", "label"], "f") == ["zz"]
    assert score.unknown_columns(["name", "zz"], "f") == ["zz"]  # no ids: validation rejects


def test_the_summary_line_counts_every_decision():
    s = score.Summary(read=9, scored=7, rejected=2, decisions={"accept": 4, "ask": 2, "report": 1})
    assert s.line() == "9 read, 7 scored, 2 rejected (accept 4, ask 2, report 1)"
    assert score.Summary().decisions == {"accept": 0, "ask": 0, "report": 0}
