"""Validation's one entry point for a batch, whatever its form: raw JSON lines, or records and
DataFrames given to the Python API and the MLflow pyfunc. Valid rows come out as a table of
schema.ARROW_SCHEMA, every other row as a Reject with its position and reason (read = valid +
rejected), never as a failed batch."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pydantic_core

from fakeprofile.config import DEFAULTS
from fakeprofile.data import io, schema, validate_arrow
from fakeprofile.data.records import Line, Reject, check_lines, key_text
from fakeprofile.data.schema import Rules
from fakeprofile.errors import UserError


def check_batch(
    lines: list[Line], rules: Rules, keep_extra: bool = True, unknown: set[str] | None = None
) -> tuple[pa.Table, list[int], list[Reject]]:
    """Check a batch of (line number, raw line): the valid rows as a table of
    schema.ARROW_SCHEMA, their line numbers, and the rejects.

    A batch whose lines are all plainly valid is read by Arrow in one go (validate_arrow); any
    other goes line by line through pydantic (records), which also names each reason. Rows of
    Arrow input (`arrow_rows`) are checked as the Arrow they are, a run of them at a time.
    `keep_extra=False` may leave the `extra` column (unknown fields) null: scoring ignores it.
    The valid rows' unknown keys, at any depth, are added to `unknown` either way."""
    if any(isinstance(raw, ArrowRow) for _, raw in lines):
        parts = [
            _check_rows(list(run), rules, unknown)
            if isinstance(key, ArrowRows)
            else check_batch(list(run), rules, keep_extra, unknown)
            for key, run in itertools.groupby(lines, key=_source)
        ]
        tables, line_nos, rejects = zip(*parts, strict=True)
        return (
            pa.concat_tables(tables),
            [n for part in line_nos for n in part],
            [r for part in rejects for r in part],
        )
    table = validate_arrow.check_batch([raw for _, raw in lines], rules, keep_extra, unknown)
    if table is not None:
        return table, [n for n, _ in lines], []
    rows, line_nos, rejects = check_lines(lines, rules, unknown)
    return schema.rows_to_table(rows), line_nos, rejects


@dataclass(eq=False)
class ArrowRows:
    """A chunk of Arrow input (Parquet, a Spark batch) whose rows travel as `ArrowRow` lines."""

    table: pa.Table
    max_line_bytes: int | None  # rows longer as JSON lines are rejected ("line too long")


@dataclass(eq=False)
class ArrowRow:
    """A line standing for row `index` of an Arrow chunk: validated with the rows next to it
    as Arrow (check_table), turned into a JSON line only if its run is not plainly valid."""

    rows: ArrowRows
    index: int

    def __len__(self) -> int:  # for validate.batches' byte count: an estimate is enough
        return 256


def arrow_rows(
    table: pa.Table, numbers: Iterable[int], max_line_bytes: int | None = None
) -> list[Line]:
    """The rows of an Arrow chunk as (row number, ArrowRow) lines, for check_batch."""
    rows = ArrowRows(table, max_line_bytes)
    return [(n, ArrowRow(rows, i)) for i, n in enumerate(numbers)]


def _source(line: Line) -> ArrowRows | None:
    raw = line[1]
    return raw.rows if isinstance(raw, ArrowRow) else None


def _check_rows(
    run: list[Line], rules: Rules, unknown: set[str] | None
) -> tuple[pa.Table, list[int], list[Reject]]:
    """check_table on a run of consecutive ArrowRow lines of one chunk."""
    first = run[0][1]
    table = first.rows.table.slice(first.index, len(run))
    return check_table(table, [n for n, _ in run], rules, first.rows.max_line_bytes, unknown)


def check_table(
    table: pa.Table,
    numbers: list[int],
    rules: Rules,
    max_line_bytes: int | None = DEFAULTS.validation.max_line_bytes,
    unknown: set[str] | None = None,
) -> tuple[pa.Table, list[int], list[Reject]]:
    """check_batch for Arrow input (a Parquet chunk, a Spark batch; row numbers in `numbers`),
    checked as Arrow. A chunk with a row that is not plainly valid goes row by row through
    pydantic, as the JSON line the row stands for, for the reasons. `extra` comes out null."""
    valid = validate_arrow.check_table(table, rules, max_line_bytes, unknown)
    if valid is not None:
        return valid, list(numbers), []
    lines = [
        (
            n,
            None
            if max_line_bytes and isinstance(raw, bytes) and len(raw) > max_line_bytes
            else raw,
        )
        for n, raw in table_lines(table, numbers)
    ]
    return check_batch(lines, rules, keep_extra=False, unknown=unknown)


def table_lines(table: pa.Table, numbers: Iterable[int]) -> Iterator[Line]:
    """Rows of an Arrow table as (row number, JSON line), for the per-row path. The `extra`
    column of our own validated layout holds a row's unknown fields as a JSON object; anything
    else there (a list, broken JSON), or a key in it that a column also has, rejects the row."""
    for n, row in zip(numbers, _rows(table), strict=True):
        if isinstance(row, io.Unreadable):
            yield n, row
            continue
        extra = row.pop("extra", None)
        record = {k: v for k, v in row.items() if v is not None}
        if extra is not None:
            reason = _merge_extra(record, extra)
            if reason is not None:
                yield n, io.Unreadable(reason)
                continue
        yield n, json.dumps(record, default=_iso, ensure_ascii=False).encode("utf-8")


def _rows(table: pa.Table) -> list[dict[str, Any] | io.Unreadable]:
    """The table's rows as dicts; a row holding a string that is not UTF-8 (a damaged Parquet
    page can hold one: Arrow does not check on reading) as the reason to reject it."""
    try:
        return table.to_pylist()
    except UnicodeDecodeError:
        pass
    out: list[dict[str, Any] | io.Unreadable] = []
    for i in range(table.num_rows):
        row = table.slice(i, 1)
        try:
            out.append(row.to_pylist()[0])
        except UnicodeDecodeError:
            bad = next(c for c in row.column_names if not _decodes(row.column(c)))
            out.append(io.Unreadable(f"{key_text(bad)}: not UTF-8 text"))
    return out


def _decodes(col: pa.ChunkedArray) -> bool:
    try:
        col.to_pylist()
    except UnicodeDecodeError:
        return False
    return True


def _merge_extra(record: dict[str, Any], extra: Any) -> str | None:
    """Add the unknown fields kept in `extra` to `record`; the reason to reject it, if any."""
    if not isinstance(extra, str):
        return "extra: must hold a JSON object as text"
    try:
        fields = json.loads(extra, object_pairs_hook=schema.no_duplicates)
    except schema.DuplicateKey as exc:
        return f"extra: duplicate key: {key_text(str(exc))} appears twice in one object"
    except (ValueError, RecursionError):
        return "extra: not valid JSON"
    if not isinstance(fields, dict):
        return f"extra: must be a JSON object, not {type(fields).__name__}"
    if clash := next((k for k in fields if k in schema.ARROW_SCHEMA.names), None):
        return f"duplicate key: {key_text(clash)} is both a column and in extra"
    record.update(fields)
    return None


def _iso(value: Any) -> str:
    """Dates and times as ISO 8601 ("2026-06-01T10:00:00+00:00"), the form validation reads in
    bulk (str() would put a space before the time); anything else as str()."""
    return value.isoformat() if isinstance(value, date) else str(value)


# --- records and DataFrames from the Python API and the MLflow pyfunc ----------------------------
# Fields that hold objects or lists: a client may send these as JSON text. Text fields are
# never parsed, whatever they start with (a note "[urgent] ..." is a note).
NESTED = frozenset(
    f.name for f in schema.ARROW_SCHEMA if pa.types.is_struct(f.type) or pa.types.is_list(f.type)
)


def _clean(name: str, value: Any) -> Any:
    """One value of a request row as the input schema has it: null for pandas' NaN, NA and NaT, plain
    Python for numpy values, and JSON text parsed for the nested fields only (by pydantic's
    parser, which has a depth limit: "[" * 100000 is an error for that row, not a
    RecursionError for the request)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:  # pandas' other missing values
        return None
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if name in NESTED and isinstance(value, str):
        return pydantic_core.from_json(value)
    return value


def _line(row: Any) -> bytes | io.Unreadable:
    """A request row as a JSON line for validation, or the reason it cannot be one."""
    if not isinstance(row, dict):
        return io.Unreadable("record is not a JSON object")
    try:
        record = {k: _clean(k, v) for k, v in row.items()}
        record = {k: v for k, v in record.items() if v is not None}
        return json.dumps(record, default=_plain, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError) as exc:
        return io.Unreadable(f"not a valid record: {str(exc)[:200]}")


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


@dataclass
class Checked:
    """Input rows after validation: the valid ones as a table, and why each other one is not."""

    table: pa.Table  # the valid rows, schema.ARROW_SCHEMA
    rows: list[int]  # position in the input of each valid row
    rejects: list[Reject]  # `line` is the position in the input
    ids: list[str | None]  # every input row's profile_id, as given (None if not text)

    def answers(self, scored: pd.DataFrame, version: str) -> pd.DataFrame:
        """One answer per input row, in order: `scored` (one row per valid row, the columns
        of scoring) where the row was valid, else decision "error" and the reason in
        `error`. read = scored + rejected."""
        n = len(self.ids)
        out = {
            "profile_id": list(self.ids),
            "score": np.full(n, np.nan),
            "decision": ["error"] * n,
            "reasons": [[] for _ in range(n)],
            "model_version": [version] * n,
            "error": [None] * n,
        }
        for at, i in enumerate(self.rows):
            for name in ("profile_id", "score", "decision", "reasons"):
                out[name][i] = scored[name].iat[at]
            out["reasons"][i] = list(out["reasons"][i])
        for r in self.rejects:
            out["error"][r.line] = r.reason
        return pd.DataFrame(out)


def check_input(records: Any, photo_dir: str | Path | None = None) -> Checked:
    """Validate what the Python API or the pyfunc was given (a list of records, a DataFrame or
    an Arrow table) as `fakeprofile score` validates a file (labels not required): never an
    error for the batch, a reason for each row that is not valid."""
    rules = Rules(photo_dir=Path(photo_dir) if photo_dir else None, require_label=False)
    if isinstance(records, pa.Table):
        ids = (
            records.column("profile_id").to_pylist() if "profile_id" in records.column_names else []
        )
        ids = [i if isinstance(i, str) else None for i in ids] or [None] * records.num_rows
        table, rows, rejects = check_table(records, list(range(records.num_rows)), rules)
        return Checked(table, rows, rejects, ids)
    if isinstance(records, pd.DataFrame):
        records = records.to_dict("records")
    elif not isinstance(records, list | tuple):
        raise UserError(
            f"expected profiles as a list of records, a DataFrame or an Arrow table, got {type(records)}"
        )
    ids = [r.get("profile_id") if isinstance(r, dict) else None for r in records]
    ids = [i if isinstance(i, str) else None for i in ids]
    lines = [(i, _line(r)) for i, r in enumerate(records)]
    table, rows, rejects = check_batch(lines, rules, keep_extra=False)
    return Checked(table, rows, rejects, ids)
