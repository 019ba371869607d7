"""Turning input (Arrow table, pandas frame or raw records) into the canonical Arrow table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.data import schema
from fakeprofile.errors import UserError


def to_table(X: Any) -> pa.Table:
    """Validated profiles as a table of schema.ARROW_SCHEMA (missing columns become nulls)."""
    if isinstance(X, pa.Table):
        table = X
    elif isinstance(X, pd.DataFrame):
        table = pa.Table.from_pandas(X, preserve_index=False)
    elif isinstance(X, list | tuple):
        try:
            rows = [schema.to_row(schema.Profile.model_validate(r)) for r in X]
        except ValueError as exc:
            raise UserError(f"invalid profile record: {exc}") from exc
        return schema.rows_to_table(rows)
    else:
        raise UserError(
            f"expected profiles as a table, a DataFrame or a list of records, got {type(X)}"
        )
    cols = []
    for field in schema.ARROW_SCHEMA:
        if field.name in table.column_names:
            col = table.column(field.name)
            cols.append(col if col.type == field.type else col.cast(field.type))
        else:
            cols.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(cols, schema=schema.ARROW_SCHEMA)


def num(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Arrow numbers or booleans as float64 with NaN for null."""
    return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)


def field(table: pa.Table, column: str, name: str) -> pa.ChunkedArray:
    """A child of a struct column (null where the struct is null)."""
    return pc.struct_field(table.column(column), name)


def present(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """1.0 where a string is non-empty, else 0.0 (an absent headline is the signal itself)."""
    lengths = pc.fill_null(pc.utf8_length(pc.utf8_trim_whitespace(arr)), 0)
    return (lengths.to_numpy(zero_copy_only=False) > 0).astype(np.float64)


def length(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return num(pc.fill_null(pc.utf8_length(arr), 0))


def list_len(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Number of items per row; NaN where the list itself is missing."""
    return num(pc.list_value_length(arr))


def safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a / b
    out[~np.isfinite(out)] = np.nan
    return out


def join_child(table: pa.Table, column: str, key: str, sep: str = " ") -> pa.Array:
    """Per row, the `key` strings of a list-of-structs column joined by `sep` (vectorised)."""
    lst = table.column(column).combine_chunks()
    values = pc.fill_null(pc.struct_field(lst.values, key), "")
    rebuilt = pa.ListArray.from_arrays(lst.offsets, values, mask=lst.is_null())
    return pc.binary_join(rebuilt, sep)
