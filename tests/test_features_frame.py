"""features/frame.py: every input form becomes the same canonical table, and the helpers the
families read columns with, on hand-made input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from fakeprofile.data import schema
from fakeprofile.errors import UserError
from fakeprofile.features.frame import join_child, safe_div, to_table

RECORDS = [
    {"profile_id": "a", "followers": 3, "headline": "Chef"},
    {"profile_id": "b", "followers": None, "headline": None},
]


def test_records_frames_and_tables_become_the_same_canonical_table():
    want = to_table(RECORDS)
    assert want.schema == schema.ARROW_SCHEMA
    frame = pd.DataFrame(RECORDS, index=[10, 20])  # its index is no column
    got = to_table(frame)
    assert got.schema == schema.ARROW_SCHEMA and got.num_rows == 2
    for name in ("profile_id", "followers", "headline"):
        assert got.column(name).to_pylist() == want.column(name).to_pylist()
    assert got.column("about").null_count == 2  # a column the frame lacks: nulls
    narrow = pa.table(
        {"profile_id": ["a", "b"], "followers": pa.array([3, None], pa.int32())}
    )  # another type and columns left out
    got = to_table(narrow)
    assert got.schema == schema.ARROW_SCHEMA
    assert got.column("followers").to_pylist() == [3, None]
    assert got.column("headline").null_count == 2
    with pytest.raises(UserError, match="expected profiles"):
        to_table("not profiles")


def test_join_child_joins_each_rows_items_and_keeps_a_missing_list_missing():
    table = to_table(
        [
            {"profile_id": "a", "experience": [{"title": "A"}, {"company": "x"}, {"title": "B"}]},
            {"profile_id": "b", "experience": []},
            {"profile_id": "c"},
        ]
    )
    assert join_child(table, "experience", "title").to_pylist() == ["A  B", "", None]
    assert join_child(table.slice(1), "experience", "title", sep=". ").to_pylist() == ["", None]
    assert join_child(table, "experience", "title", sep=". ").to_pylist() == ["A. . B", "", None]


def test_safe_div_gives_nan_for_zero_and_infinite_ratios_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = safe_div(np.array([1.0, 0.0, 6.0, np.nan]), np.array([0.0, 0.0, 3.0, 1.0]))
    np.testing.assert_array_equal(got, [np.nan, np.nan, 2.0, np.nan])
