"""data/check.py on hand-made input: the answers of a batch (one per input row, in order, an
error where a row was rejected), the ids and rows of every input form (records, DataFrame,
Arrow table), the longest row allowed, unknown keys from every path, non-UTF-8 rows and the
JSON form of values that JSON has no type for."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from fakeprofile.data import check, schema
from fakeprofile.data.records import Reject
from fakeprofile.data.schema import Rules

RULES = Rules(photo_dir=None, require_label=False)


def test_answers_put_each_scored_row_at_its_input_position_and_an_error_elsewhere():
    checked = check.Checked(
        table=schema.ARROW_SCHEMA.empty_table(),
        rows=[2, 0],
        rejects=[Reject(1, "b", "followers: not an integer"), Reject(3, None, "not JSON")],
        ids=["a", "b", "c", None],
    )
    scored = pd.DataFrame(
        {
            "profile_id": ["c", "a"],
            "score": [0.9, 0.1],
            "decision": ["report", "accept"],
            "reasons": [("no profile photo",), ()],
        }
    )
    got = checked.answers(scored, "7")
    want = pd.DataFrame(
        {
            "profile_id": ["a", "b", "c", None],
            "score": [0.1, np.nan, 0.9, np.nan],
            "decision": ["accept", "error", "report", "error"],
            "reasons": [[], [], ["no profile photo"], []],
            "model_version": ["7"] * 4,
            "error": [None, "followers: not an integer", None, "not JSON"],
        }
    )
    pd.testing.assert_frame_equal(got, want)
    assert all(isinstance(r, list) for r in got["reasons"])


GOOD = {"profile_id": "a", "followers": 3, "invitation": {"message": "hi"}}
BAD = {"profile_id": "b", "followers": -1}


@pytest.mark.parametrize("form", ["list", "frame", "arrow"])
def test_check_input_of_every_form_keeps_ids_rows_and_rejects(form):
    records = [GOOD, BAD, {**GOOD, "profile_id": "c"}]
    given = {
        "list": records,
        "frame": pd.DataFrame(records),
        "arrow": pa.Table.from_pylist(
            [{k: v for k, v in r.items() if k != "invitation"} for r in records]
        ),
    }[form]
    checked = check.check_input(given)
    assert checked.ids == ["a", "b", "c"]
    assert checked.rows == [0, 2]
    assert [(r.line, r.profile_id) for r in checked.rejects] == [(1, "b")]
    assert "followers" in checked.rejects[0].reason
    assert checked.table.column("profile_id").to_pylist() == ["a", "c"]


def test_check_input_of_rows_without_text_ids():
    checked = check.check_input([{"profile_id": 5}, "not a record", GOOD])
    assert checked.ids == [None, None, "a"]
    assert checked.rows == [2] and [r.line for r in checked.rejects] == [0, 1]
    table = pa.table({"followers": [1, 2]})
    assert check.check_input(table).ids == [None, None]


def rows_table(extra_key: str = "hobby") -> pa.Table:
    """Two rows of our own layout: one valid with an unknown key in `extra`, one invalid (its
    followers below 0), so that the chunk goes row by row."""
    return pa.table(
        {
            "profile_id": ["a", "b"],
            "followers": pa.array([3, -1], pa.int64()),
            "extra": [json.dumps({extra_key: 1}), None],
        }
    )


def test_the_row_by_row_path_collects_unknown_keys_and_allows_the_longest_row():
    table = rows_table()
    [(_, line)] = list(check.table_lines(table.slice(0, 1), [0]))
    limit = len(line)
    unknown: set[str] = set()
    valid, numbers, rejects = check.check_table(table, [10, 11], RULES, limit, unknown)
    assert numbers == [10] and [r.line for r in rejects] == [11]
    assert unknown == {"hobby"}
    valid, numbers, rejects = check.check_table(table, [10, 11], RULES, limit - 1)
    assert numbers == [] and [r.line for r in rejects] == [10, 11]


def test_arrow_rows_mixed_with_lines_collect_unknown_keys_of_both():
    lines = [(0, b'{"profile_id": "x", "pet": "cat"}')]
    lines += check.arrow_rows(rows_table("boat"), [1, 2])
    lines += [(3, b'{"profile_id": "y", "followers": -5}')]
    unknown: set[str] = set()
    table, numbers, rejects = check.check_batch(lines, RULES, True, unknown)
    assert numbers == [0, 1] and [r.line for r in rejects] == [2, 3]
    assert unknown == {"pet", "boat"}
    assert table.column("profile_id").to_pylist() == ["x", "a"]


def test_a_row_that_is_not_utf8_is_named_by_its_column():
    ids = pa.array([b"p1", b"\x80"], pa.binary()).view(pa.string())
    rows = check._rows(pa.table({"profile_id": ids}))
    assert rows[0] == {"profile_id": "p1"}
    assert str(rows[1]) == "profile_id: not UTF-8 text"


def test_values_json_has_no_type_for_are_written_as_text():
    table = pa.table(
        {
            "profile_id": ["a"],
            "amount": pa.array([Decimal("1.50")], pa.decimal128(5, 2)),
            "created_at": pa.array([date(2026, 6, 1)], pa.date32()),
        }
    )
    [(n, line)] = list(check.table_lines(table, [4]))
    assert n == 4
    assert line == b'{"profile_id": "a", "amount": "1.50", "created_at": "2026-06-01"}'
    assert check._iso(Path("x")) == "x"
