"""The fast path of validation: a whole batch checked at once in Arrow, either raw JSON lines
(read by Arrow's JSON reader straight into the table layout, strictly typed) or Arrow input
(Parquet chunks, Spark batches: already typed, no JSON in between).

Nothing here states a limit or a rule: the checks walk `schema.PROFILE` (each field's type and
limits, derived from the pydantic models) and the rules declared on `schema.Rules`, so a field
or limit added to the models is checked here too. pydantic, a record at a time, is slower
(docs/performance-history.md, third round).

This path only ever *accepts*. If any row of a batch is anything but plainly valid - a value
pydantic would coerce ("12" for 12), a limit or rule broken, a date written another way, broken
JSON - it returns None, and `data.check` checks that batch row by row with pydantic, which also
names the reasons. So a batch gets the same table either way; tests/test_validate_arrow.py
compares the two on valid, mutated and generated records.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pydantic_core

from fakeprofile.data import schema
from fakeprofile.data.io import row_bytes
from fakeprofile.data.safepath import UnsafePath, check_photo

if TYPE_CHECKING:
    from fakeprofile.data.schema import Rules

_DATE = r"^\d{4}-\d{2}-\d{2}$"
# The one date-time form taken here (parsed by Arrow); pydantic reads many more, and those go
# the slow way. A missing zone is UTC, as `schema.to_row` takes it.
_DATETIME = (
    r"^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$"
)
_ZONE = r"(?:Z|[+-]\d\d:\d\d)$"
MAX_BRACKETS = 1_000  # per line; a profile has a few dozen
MAX_KEYS = 2_000  # colons per line; a profile has about a hundred
# Lines up to this many bytes are not counted: they cannot nest deeper than 4,096 levels (the
# reader crashes past some 10,000) nor hold more than ~700 keys (slow only at tens of thousands).
SHORT_LINE = 4_096
TYPED_BLOCK = 1 << 17  # bytes in which Arrow's reader may meet new unknown keys (_read_typed)
KEYS_PER_LINE = 200  # colons in any line read by Arrow (a full profile has under 100)


def _as_read(t: pa.DataType) -> pa.DataType:
    """The type a field is read as: dates and datetimes as strings (checked and parsed here)."""
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _as_read(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(_as_read(t.value_type))
    if pa.types.is_date32(t) or pa.types.is_timestamp(t):
        return pa.string()
    return t


READ_SCHEMA = pa.schema(
    [pa.field(f.name, _as_read(f.type)) for f in schema.ARROW_SCHEMA if f.name != "extra"]
)


class _Reject(Exception):
    """Something in the batch is not plainly valid: check it line by line instead."""


def _require(ok: bool) -> None:
    if not ok:
        raise _Reject


def _between(arr: pa.Array, low: object, high: object, open_low: bool = False) -> None:
    """Every non-null value lies in [low, high] ((low, high] if `open_low`; NaN does not).

    One min_max per column (some fifty per batch) instead of comparing every value twice:
    min_max passes over NaN, unless all values are NaN (then the comparisons fail)."""
    extremes = pc.min_max(arr).as_py()
    if extremes["min"] is not None:
        lowest, highest = extremes["min"], extremes["max"]
        _require(lowest > low if open_low else lowest >= low)
        _require(high is None or highest <= high)
    if pa.types.is_floating(arr.type):
        _require(not pc.any(pc.is_nan(arr)).as_py())


def _dates(arr: pa.Array, span: tuple[date, date]) -> pa.Array:
    """YYYY-MM-DD strings as date32, within `span`."""
    _require(pc.all(pc.match_substring_regex(arr, _DATE)).as_py() is not False)
    try:
        days = pc.cast(arr, pa.date32())
    except pa.ArrowInvalid:  # not a calendar date (2023-02-30)
        raise _Reject from None
    _between(days, *span)
    return days


def _timestamps(arr: pa.Array, span: tuple[date, date]) -> pa.Array:
    """ISO 8601 date-times as UTC timestamps, parsed by Arrow (no zone: UTC). `span` bounds
    the date as written, in its own zone, as pydantic's `.date()` does."""
    _require(pc.all(pc.match_substring_regex(arr, _DATETIME)).as_py() is not False)
    _dates(pc.utf8_slice_codeunits(arr, 0, 10), span)
    zoned = pc.if_else(
        pc.match_substring_regex(arr, _ZONE), arr, pc.binary_join_element_wise(arr, "Z", "")
    )
    return pc.cast(zoned, pa.timestamp("us", tz="UTC"))


def _photos_safe(photos: pa.Array, photo_dir: Path | None) -> None:
    for path in photos.drop_null().to_pylist():
        try:
            check_photo(path, photo_dir)
        except UnsafePath:
            raise _Reject from None


def _value(arr: pa.Array, spec: schema.Spec, path: str, rules: Rules) -> pa.Array:
    """`arr`, as read, checked against its field's Spec and rules (schema.Rules), in its stored
    type (schema.ARROW_SCHEMA); or _Reject."""
    if spec.required or (path == "label" and rules.require_label):
        _require(arr.null_count == 0)
    span = (rules.earliest_date, rules.as_of) if path in rules.dated else (date.min, date.max)
    if spec.kind == "str":
        if spec.choices is not None:
            choices = pa.array(spec.choices)
            _require(pc.all(pc.is_in(arr.drop_null(), choices)).as_py() is not False)
        if spec.max_length is not None or spec.min_length:
            _between(pc.utf8_length(arr), spec.min_length, spec.max_length)
        if path == rules.photo_field:
            _photos_safe(arr, rules.photo_dir)
    elif spec.kind in ("int", "float"):
        low = spec.low if spec.low is not None else -math.inf
        _between(arr, low, spec.high, spec.open_low)
    elif spec.kind == "date":
        if pa.types.is_date32(arr.type):  # Arrow input, typed by _conform
            _between(arr, *span)
            return arr
        return _dates(arr, span)
    elif spec.kind == "datetime":
        if pa.types.is_timestamp(arr.type):  # Arrow input in UTC (_conform)
            _between(pc.cast(arr, pa.date32()), *span)
            return arr
        return _timestamps(arr, span)
    elif spec.kind == "list":
        _between(pc.list_value_length(arr), spec.min_length, spec.max_length)
        values = arr.flatten()
        _require(values.null_count == 0)  # pydantic refuses null items
        items = _value(values, spec.item, path, rules)
        if items is not values:
            offsets = pc.subtract(arr.offsets, arr.offsets[0])  # `values` start at the first item
            arr = pa.ListArray.from_arrays(offsets, items, mask=arr.is_null())
    elif spec.kind == "model":
        children = {
            f.name: _value(pc.struct_field(arr, f.name), f, f"{path}.{f.name}", rules)
            for f in spec.fields
        }
        for list_name, start, end in rules.ordered:
            if list_name == path:
                _require(pc.any(pc.less(children[end], children[start])).as_py() is not True)
        mask = arr.is_null() if arr.null_count else None
        arr = pa.StructArray.from_arrays(
            list(children.values()), fields=list(spec.arrow), mask=mask
        )
    return arr


def _extra_json(raw: bytes) -> str | None:
    """The unknown fields of one record, as `schema.to_row` keeps them. Parsed by pydantic's
    own JSON parser, so numbers come out as pydantic reads them (orjson turns 10**30 into a
    float)."""
    record = pydantic_core.from_json(raw)
    return schema.extra_json({k: v for k, v in record.items() if k not in schema.KNOWN_FIELDS})


def _checked(read: pa.Table, raws: list[bytes], rules: Rules, keep_extra: bool) -> pa.Table:
    """The batch as a table of schema.ARROW_SCHEMA, or _Reject."""
    out = {}
    for spec in schema.PROFILE:
        col = read.column(spec.name).combine_chunks()
        # Nested objects may carry unknown keys (ignored, as pydantic does): keep the known ones.
        if col.type != READ_SCHEMA.field(spec.name).type:
            col = col.cast(READ_SCHEMA.field(spec.name).type)
        out[spec.name] = _value(col, spec, spec.name, rules)
    unknown = [c for c in read.column_names if c not in READ_SCHEMA.names]
    extra = [_extra_json(raw) for raw in raws] if unknown and keep_extra else [None] * len(raws)
    out["extra"] = pa.array(extra, pa.string())
    return pa.Table.from_arrays(list(out.values()), schema=schema.ARROW_SCHEMA)


def valid_utf8(blob: bytes) -> bool:
    """Is `blob` valid UTF-8, as Python's decoder (and so pydantic) judges it? Arrow's own
    validator gives the same answers (surrogates and overlong forms rejected) without decoding
    into a str: a quarter of the time."""
    arr = pa.Array.from_buffers(
        pa.large_binary(),
        1,
        [None, pa.py_buffer(np.array([0, len(blob)], np.int64)), pa.py_buffer(blob)],
    )
    try:
        arr.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


_READ_TYPE = pa.struct(list(READ_SCHEMA))


def _unknown_in_type(got: pa.DataType, known: pa.DataType, prefix: str = "") -> Iterator[str]:
    """The fields Arrow's reader added to the known types, reading unknown keys: the same
    dotted paths as schema.unknown_keys gives for each record, for the whole batch at once."""
    if pa.types.is_struct(got) and pa.types.is_struct(known):
        for f in got:
            i = known.get_field_index(f.name)
            if i < 0:
                yield prefix + f.name
            else:
                yield from _unknown_in_type(f.type, known.field(i).type, f"{prefix}{f.name}.")
    elif pa.types.is_list(got) and pa.types.is_list(known):
        yield from _unknown_in_type(got.value_type, known.value_type, prefix)


def _read(blob: bytes, unexpected: str) -> pa.Table:
    """Arrow's JSON reader on one blob of lines, in this thread, as one block."""
    return pj.read_json(
        io.BytesIO(blob),
        read_options=pj.ReadOptions(use_threads=False, block_size=len(blob) + 1),
        parse_options=pj.ParseOptions(
            explicit_schema=READ_SCHEMA, unexpected_field_behavior=unexpected
        ),
    )


def _read_typed(blob: bytes, longest: int) -> pa.Table:
    """Arrow's JSON reader on lines that may hold unknown keys, typing them as columns.

    Arrow makes a column of every distinct key (2,500 lines of 330 distinct keys each took
    14 GB at once). Read as a stream, the columns are fixed by the first block (128 kB, some seventy
    dozen lines, each with at most KEYS_PER_LINE keys); an unknown key first seen later is an error, and such a batch goes the
    slower way, where each line costs only its own."""
    reader = pj.open_json(
        io.BytesIO(blob),
        read_options=pj.ReadOptions(use_threads=False, block_size=max(TYPED_BLOCK, longest + 1)),
        parse_options=pj.ParseOptions(
            explicit_schema=READ_SCHEMA, unexpected_field_behavior="infer"
        ),
    )
    return reader.read_all()


def check_batch(
    raws: list[bytes | None],
    rules: Rules,
    keep_extra: bool = True,
    unknown: set[str] | None = None,
) -> pa.Table | None:
    """The table pydantic would give for these raw lines if every one of them is valid, else
    None (then check them line by line for the reasons).

    `keep_extra=False` leaves the `extra` column (unknown fields, kept verbatim as JSON) null:
    re-reading every record for them costs about as much as the rest of this path, and
    scoring has no use for them. Their names are still added to `unknown` (if given): Arrow
    types unknown fields at no measurable cost, and a user whose export misnames a field
    should hear of it rather than get every profile scored without it."""
    if not raws or any(raw.__class__ is not bytes for raw in raws):  # None, io.Unreadable
        return None
    # Arrow's reader recurses into nested arrays and objects and overflows the stack past a
    # depth of some 10,000 (a crash, not an error); it also types every unknown key as a
    # column of its own (slower than pydantic on a line of many thousand keys). Depth
    # needs brackets and keys need colons, so lines with many of either go the pydantic way.
    # pyarrow 25's reader also crashes on a first line that is `null` rather than an object;
    # every line must look like one object before Arrow sees it.
    if any(
        not raw.startswith(b"{")
        or not raw.endswith(b"}")
        or raw.count(b":") > KEYS_PER_LINE
        or (
            len(raw) > SHORT_LINE
            and (raw.count(b"[") + raw.count(b"{") > MAX_BRACKETS or raw.count(b":") > MAX_KEYS)
        )
        for raw in raws
    ):
        return None
    blob = b"\n".join(raws)
    try:
        _require(valid_utf8(blob))  # Arrow's reader lets some invalid UTF-8 through
        try:
            read, typed = _read_typed(blob, max(len(raw) for raw in raws)), True
        except pa.ArrowInvalid:
            # Unknown fields whose types clash between lines, new ones after the first block,
            # or a bad known field: when the unknown ones are not kept, read once more without
            # them before going line by line.
            if keep_extra:
                raise
            read, typed = _read(blob, "ignore"), False
            # Arrow did not see a key given twice among the ignored ones
            _require(not any(schema.duplicate_key(raw) for raw in raws))
        _require(read.num_rows == len(raws))  # one record per line
        table = _checked(read, raws, rules, keep_extra)
        if unknown is not None and typed:
            schema.add_names(unknown, _unknown_in_type(pa.struct(list(read.schema)), _READ_TYPE))
        elif unknown is not None:  # read without them: their names from each line
            schema.add_names(unknown, (k for r in raws for k in schema.unknown_keys_in(r)))
        return table
    except (_Reject, pa.ArrowException, ValueError, OverflowError):
        return None


# --- Arrow input (Parquet, Spark batches): checked as Arrow, no JSON in between -----------------
_UNITS = ("s", "ms", "us")
_NUMBERS = (pa.types.is_integer, pa.types.is_floating)


def _conform(arr: pa.Array, t: pa.DataType, names: list[str], prefix: str) -> pa.Array:
    """An input column in the stored type `t`, if its own type means the same values as the
    JSON of its rows would (an int column for a count, a UTC timestamp for a date-time); else
    _Reject. Struct children the schema lacks are named in `names` and dropped."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    at = arr.type
    if pa.types.is_struct(t):
        _require(pa.types.is_struct(at))
        children = []
        for f in t:
            i = at.get_field_index(f.name)
            child = pc.struct_field(arr, i) if i >= 0 else pa.nulls(len(arr), f.type)
            children.append(_conform(child, f.type, names, f"{prefix}{f.name}."))
        if len(arr) > arr.null_count:
            names.extend(prefix + f.name for f in at if t.get_field_index(f.name) < 0)
        mask = arr.is_null() if arr.null_count else None
        return pa.StructArray.from_arrays(children, fields=list(t), mask=mask)
    if pa.types.is_list(t):
        _require(pa.types.is_list(at) or pa.types.is_large_list(at))
        values = arr.flatten()
        offsets = pc.subtract(arr.offsets, arr.offsets[0]).cast(pa.int32())
        _require(len(values) == offsets[-1].as_py())  # no items hidden under a null list
        items = _conform(values, t.value_type, names, prefix)
        return pa.ListArray.from_arrays(offsets, items, mask=arr.is_null())
    if pa.types.is_string(t):
        _require(pa.types.is_string(at) or pa.types.is_large_string(at))
    elif pa.types.is_int64(t):
        _require(pa.types.is_integer(at))
    elif pa.types.is_floating(t):
        _require(any(is_kind(at) for is_kind in _NUMBERS))
    elif pa.types.is_timestamp(t):
        _require(pa.types.is_timestamp(at) and at.unit in _UNITS and at.tz in (None, "UTC"))
    else:
        _require(at == t)
    return arr if at == t else arr.cast(t)  # a safe cast: overflow or lost digits refuse


def _json_bound(table: pa.Table) -> int:
    """An upper bound on each row's length as a JSON line: at most 8 bytes per byte Arrow holds
    (a value's key, quotes and escapes included) for keys of the schema's length."""
    names = [f.name for f in table.schema]
    longest = max(len(n) for n in names) if names else 0
    sizes = np.zeros(table.num_rows, np.int64)
    for col in table.columns:
        sizes += np.concatenate([row_bytes(c) for c in col.chunks]) if col.num_chunks else 0
    return int(sizes.max(initial=0)) * max(8, (longest + 40) // 8 + 1) + 2


def _extra_names(extra: pa.Array) -> list[str]:
    """The keys of the `extra` column (our own layout's unknown fields, a JSON object a row):
    its rows' unknown fields. Anything else there (not an object, a key twice or also a
    column, NaN) is for the per-row path to reject or read."""
    names: list[str] = []
    if pa.types.is_dictionary(extra.type):
        extra = extra.dictionary_decode()
    _require(pa.types.is_string(extra.type) or pa.types.is_large_string(extra.type))
    for text in extra.drop_null().to_pylist():
        try:
            fields = json.loads(text, object_pairs_hook=schema.no_duplicates, parse_constant=_nan)
        except (ValueError, RecursionError):
            raise _Reject from None
        _require(
            isinstance(fields, dict) and not any(k in schema.ARROW_SCHEMA.names for k in fields)
        )
        names.extend(fields)
    return names


def _nan(name: str) -> float:
    raise ValueError(name)


def check_table(
    table: pa.Table, rules: Rules, max_line_bytes: int | None, unknown: set[str] | None = None
) -> pa.Table | None:
    """The table the per-row path would give for the rows of an Arrow `table` (Parquet, a
    Spark batch), with the unknown fields left out (`extra` null, as scoring keeps it), if
    every row is valid; else None. Checked as Arrow: the columns are typed already."""
    try:
        # no row could be too long a line (Spark's batches have no such limit: None)
        _require(max_line_bytes is None or _json_bound(table) <= max_line_bytes)
        names: list[str] = []
        out = {}
        for spec in schema.PROFILE:
            if spec.name in table.column_names:
                col = table.column(spec.name).combine_chunks()
                col = _conform(col, spec.arrow, names, f"{spec.name}.")
            else:
                col = pa.nulls(table.num_rows, spec.arrow)
            out[spec.name] = _value(col, spec, spec.name, rules)
        for name in table.column_names:
            if name == "extra":
                names.extend(_extra_names(table.column(name).combine_chunks()))
            elif name not in out and table.column(name).null_count < table.num_rows:
                names.append(name)
        out["extra"] = pa.nulls(table.num_rows, pa.string())
        result = pa.Table.from_arrays(list(out.values()), schema=schema.ARROW_SCHEMA)
    except (_Reject, pa.ArrowException, ValueError, OverflowError):
        return None
    if unknown is not None:
        schema.add_names(unknown, names)
    return result
