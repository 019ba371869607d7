"""The fast path of validation: a whole batch of lines checked at once in Arrow.

pydantic checks one record at a time, and its models are then turned into Arrow rows. Arrow's
JSON reader parses a whole batch straight into the table layout in C++, strictly typed; the
schema's limits and the rules are then checked on columns (docs/scaling.md).

This path only ever *accepts*. If any line of a batch is anything but plainly valid - a value
pydantic would coerce ("12" for 12), a limit or rule broken, a date written another way, broken
JSON - it returns None, and `validate` checks that batch line by line with pydantic, which also
names the reasons. So a batch gets the same table either way; tests/test_validate_arrow.py
compares the two on valid and on mutated records.
"""

from __future__ import annotations

import io
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
from fakeprofile.data.safepath import UnsafePath, check_photo

if TYPE_CHECKING:
    from fakeprofile.data.schema import Rules

_DATE = r"^\d{4}-\d{2}-\d{2}$"
# The one datetime form taken here; pydantic reads many more, and those go the slow way.
_DATETIME = (
    r"^(?P<day>\d{4}-\d{2}-\d{2})T(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d):(?P<s>[0-5]\d)"
    r"(?:\.(?P<frac>\d{1,6}))?(?P<zone>Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$"
)
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


def _between(arr: pa.Array, low: object, high: object) -> None:
    """Every non-null value lies in [low, high] (NaN does not).

    One min_max per column (some fifty per batch) instead of comparing every value twice:
    min_max passes over NaN, unless all values are NaN (then the comparisons fail)."""
    extremes = pc.min_max(arr).as_py()
    if extremes["min"] is not None:
        _require(low <= extremes["min"] and extremes["max"] <= high)
    if pa.types.is_floating(arr.type):
        _require(not pc.any(pc.is_nan(arr)).as_py())


def _text(arr: pa.Array, limit: int) -> None:
    _between(pc.utf8_length(arr), 0, limit)


def _count(arr: pa.Array, low: int = 0, high: int = schema.COUNT_MAX) -> None:
    _between(arr, low, high)


def _items(arr: pa.Array) -> pa.Array:
    """The items of a list column (none may be null: pydantic refuses null items)."""
    _between(pc.list_value_length(arr), 0, schema.MAX_ITEMS)
    values = arr.flatten()
    _require(values.null_count == 0)
    return values


def _dates(arr: pa.Array, rules_range: tuple[date, date]) -> pa.Array:
    """YYYY-MM-DD strings as date32, within the rules' range."""
    _require(pc.all(pc.match_substring_regex(arr, _DATE)).as_py() is not False)
    try:
        days = pc.cast(arr, pa.date32())
    except pa.ArrowInvalid:  # not a calendar date (2023-02-30)
        raise _Reject from None
    _between(days, *rules_range)
    return days


def _timestamps(arr: pa.Array, rules_range: tuple[date, date]) -> pa.Array:
    """ISO 8601 date-times as UTC microseconds (no zone: UTC, as `schema.to_row` takes it).
    The rules check the date as written, in its own zone, as pydantic's `.date()` does."""
    if len(arr) == arr.null_count:
        return pa.nulls(len(arr), pa.timestamp("us", tz="UTC"))
    parts = pc.extract_regex(arr, _DATETIME)
    _require(parts.null_count == arr.null_count)

    def part(name: str) -> pa.Array:
        return pc.struct_field(parts, name)

    def ints(strings: pa.Array) -> np.ndarray:
        return pc.cast(pc.fill_null(strings, "0"), pa.int64()).to_numpy(zero_copy_only=False)

    day = _dates(part("day"), rules_range)
    days = pc.fill_null(pc.cast(day, pa.int32()), 0).to_numpy(zero_copy_only=False)
    zone = pc.fill_null(part("zone"), "")
    zone = pc.if_else(pc.greater(pc.utf8_length(zone), 1), zone, "+00:00")  # "", "Z": UTC
    sign = np.where(pc.starts_with(zone, "-").to_numpy(zero_copy_only=False), -1, 1)
    offset = sign * (
        ints(pc.utf8_slice_codeunits(zone, 1, 3)) * 3600
        + ints(pc.utf8_slice_codeunits(zone, 4, 6)) * 60
    )
    seconds = (
        days.astype(np.int64) * 86400
        + ints(part("h")) * 3600
        + ints(part("m")) * 60
        + ints(part("s"))
        - offset
    )
    micros = seconds * 1_000_000 + ints(pc.utf8_rpad(part("frac"), 6, "0"))
    mask = arr.is_null().to_numpy(zero_copy_only=False)
    return pa.array(micros, pa.timestamp("us", tz="UTC"), mask=mask)


def _extra_json(raw: bytes) -> str | None:
    """The unknown fields of one record, as `schema.to_row` keeps them. Parsed by pydantic's
    own JSON parser, so numbers come out as pydantic reads them (orjson turns 10**30 into a
    float)."""
    record = pydantic_core.from_json(raw)
    return schema.extra_json({k: v for k, v in record.items() if k not in schema.KNOWN_FIELDS})


def _photos_safe(photos: pa.Array, photo_dir: Path | None) -> None:
    for path in photos.drop_null().to_pylist():
        try:
            check_photo(path, photo_dir)
        except UnsafePath:
            raise _Reject from None


def _checked(read: pa.Table, raws: list[bytes], rules: Rules, keep_extra: bool) -> pa.Table:
    """The batch as a table of schema.ARROW_SCHEMA, or _Reject."""
    span = (rules.earliest_date, rules.as_of)
    col = {name: read.column(name).combine_chunks() for name in READ_SCHEMA.names}
    # Nested objects may carry unknown keys (ignored, as pydantic does): keep the known ones.
    for name in col:
        if col[name].type != READ_SCHEMA.field(name).type:
            col[name] = col[name].cast(READ_SCHEMA.field(name).type)

    pid = col["profile_id"]
    _require(pid.null_count == 0)
    _between(pc.utf8_length(pid), 1, schema.ID_MAX)
    labels = col["label"].drop_null()
    _require(pc.all(pc.is_in(labels, pa.array(schema.LABELS))).as_py() is not False)
    _require(not rules.require_label or col["label"].null_count == 0)
    for name in ("fake_kind", "name", "username", "headline", "location", "website", "photo"):
        _text(col[name], schema.SHORT_TEXT)
    _text(col["about"], schema.LONG_TEXT)
    for name in ("connections", "followers", "following"):
        _count(col[name])
    for name in ("skills", "languages"):
        _text(_items(col[name]), schema.SHORT_TEXT)
    for name in schema.SECTION_NAMES:
        _count(pc.struct_field(col["sections"], name))
    for name in schema.ACTIVITY_NAMES:
        _count(pc.struct_field(col["activity"], name))
    _count(pc.struct_field(col["activity"], "window_days"), 1, schema.WINDOW_MAX_DAYS)

    out = dict(col)
    out["created_at"] = _dates(col["created_at"], span)
    for name in ("experience", "education"):
        items = _items(col[name])
        children = {}
        for f in items.type:
            child = items.field(f.name)
            if f.name == "description":
                _text(child, schema.LONG_TEXT)
            elif f.name in ("start", "end"):
                # Start dates obey the rules; an end date only has to be a date (an expected
                # graduation lies ahead).
                child = _dates(child, span if f.name == "start" else (date.min, date.max))
            else:
                _text(child, schema.SHORT_TEXT)
            children[f.name] = child
        if name == "experience":
            starts, ends = children["start"], children["end"]
            _require(pc.any(pc.less(ends, starts)).as_py() is not True)
        values = pa.StructArray.from_arrays(
            list(children.values()), fields=list(schema.ARROW_SCHEMA.field(name).type.value_type)
        )
        lst = col[name]
        offsets = pc.subtract(lst.offsets, lst.offsets[0])  # `items` starts at the first item
        out[name] = pa.ListArray.from_arrays(offsets, values, mask=lst.is_null())

    inv = col["invitation"]

    def sub(name: str) -> pa.Array:
        return pc.struct_field(inv, name)

    _text(sub("message"), schema.LONG_TEXT)
    for name in ("mutual_connections", "invitations_sent_last_7d"):
        _count(sub(name))
    _between(sub("acceptance_rate"), 0.0, 1.0)
    sent = _timestamps(sub("sent_at"), span)
    inv_type = schema.ARROW_SCHEMA.field("invitation").type
    out["invitation"] = pa.StructArray.from_arrays(
        [sent if f.name == "sent_at" else sub(f.name) for f in inv_type],
        fields=list(inv_type),
        mask=inv.is_null(),
    )
    _photos_safe(col["photo"], rules.photo_dir)

    unknown = [c for c in read.column_names if c not in READ_SCHEMA.names]
    extra = [_extra_json(raw) for raw in raws] if unknown and keep_extra else [None] * len(raws)
    out["extra"] = pa.array(extra, pa.string())
    return pa.Table.from_arrays(
        [out[f.name].cast(f.type) for f in schema.ARROW_SCHEMA], schema=schema.ARROW_SCHEMA
    )


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
