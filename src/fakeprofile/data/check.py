"""Validation's one entry point for a batch, whatever its form: raw JSON lines, or records and
DataFrames given to the Python API and the MLflow pyfunc. Valid rows come out as a table of
schema.ARROW_SCHEMA, every other row as a Reject with its position and reason (read = valid +
rejected), never as a failed batch."""

from __future__ import annotations

import pyarrow as pa

from fakeprofile.data import schema, validate_arrow
from fakeprofile.data.records import Line, Reject, check_lines
from fakeprofile.data.schema import Rules


def check_batch(
    lines: list[Line], rules: Rules, keep_extra: bool = True, unknown: set[str] | None = None
) -> tuple[pa.Table, list[int], list[Reject]]:
    """Check a batch of (line number, raw line): the valid rows as a table of
    schema.ARROW_SCHEMA, their line numbers, and the rejects.

    A batch whose lines are all plainly valid is read by Arrow in one go (validate_arrow); any
    other goes line by line through pydantic (records), which also names each reason.
    `keep_extra=False` may leave the `extra` column (unknown fields) null: scoring ignores it.
    The valid rows' unknown keys, at any depth, are added to `unknown` either way."""
    table = validate_arrow.check_batch([raw for _, raw in lines], rules, keep_extra, unknown)
    if table is not None:
        return table, [n for n, _ in lines], []
    rows, line_nos, rejects = check_lines(lines, rules, unknown)
    return schema.rows_to_table(rows), line_nos, rejects
