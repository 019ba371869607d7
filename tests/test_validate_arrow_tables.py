"""validate_arrow.check_table (Parquet chunks, Spark batches) against the per-row path it stands
for: a table of any column types is either handed back (None) or read exactly as pydantic reads
the JSON lines of its rows, with the same unknown keys; and the bound on a row's JSON length that
decides whether a table may skip the line-length check."""

from __future__ import annotations

import copy
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fakeprofile.data import check, records, schema, validate, validate_arrow
from test_schema import FULL

RULES = validate.Rules(as_of=date(2026, 6, 30))


def rows(**changes) -> pa.Table:
    """Two valid records (FULL and a sparse one, `changes` to the first) as a table of the
    types a Parquet file of such records has (every column typed, no `extra`)."""
    first = copy.deepcopy(FULL) | changes
    plain = [first, {"profile_id": "p2", "label": "fake", "followers": 7}]
    typed = schema.rows_to_table([schema.to_row(schema.Profile.model_validate(r)) for r in plain])
    return typed.drop_columns(["extra"])


def read_both(table: pa.Table, max_line_bytes: int | None = None) -> pa.Table | None:
    """check_table's answer, checked against pydantic on the rows' JSON lines: if it reads the
    table, every row is valid there and the tables and unknown keys are the same."""
    fast: set[str] = set()
    got = validate_arrow.check_table(table, RULES, max_line_bytes, fast)
    if got is None:
        return None
    slow: set[str] = set()
    lines = list(check.table_lines(table, range(table.num_rows)))
    valid, _, rejects = records.check_lines(lines, RULES, slow)
    assert not rejects, rejects
    want = schema.rows_to_table(valid)
    want = want.set_column(want.schema.get_field_index("extra"), "extra", got.column("extra"))
    assert got.equals(want)
    assert fast == slow
    return got


def with_column(table: pa.Table, name: str, column: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, column)


def test_a_plain_table_and_narrower_types_are_read_as_their_lines():
    table = rows()
    assert read_both(table) is not None
    narrow = with_column(table, "followers", pc.cast(table.column("followers"), pa.int32()))
    assert read_both(narrow) is not None
    encoded = with_column(table, "headline", pc.dictionary_encode(table.column("headline")))
    assert read_both(encoded) is not None


def sent_at(table: pa.Table, values: pa.Array) -> pa.Table:
    inv = table.column("invitation").combine_chunks()
    names = [f.name for f in inv.type]
    children = [values if n == "sent_at" else inv.field(n) for n in names]
    rebuilt = pa.StructArray.from_arrays(children, names=names, mask=inv.is_null())
    return with_column(table, "invitation", rebuilt)


@pytest.mark.parametrize(
    "values,read",
    [
        (pa.array([1780308000, None], pa.timestamp("s", tz="UTC")), True),
        (pa.array([1780308000000, None], pa.timestamp("ms")), True),
        (pa.array([1780308000000000000, None], pa.timestamp("ns", tz="UTC")), False),
        (pa.array([1780308000, None], pa.timestamp("s", tz="Europe/Berlin")), False),
        (pa.array(["2026-06-01T10:00:00+00:00", None]), False),
    ],
)
def test_date_times_of_every_type(values, read):
    """A UTC (or zone-less) timestamp in s, ms or us is read as the date-time it holds; any other
    type (nanoseconds, another zone, text) is handed back to the per-row path, never an error."""
    table = sent_at(rows(), values)
    got = read_both(table)
    assert (got is not None) == read
    if read:
        assert got.column("invitation").combine_chunks().field("sent_at")[
            0
        ].as_py().isoformat() == ("2026-06-01T10:00:00+00:00")


def with_unknown_child(table: pa.Table, name: str, child: str, value: object) -> pa.Table:
    """`table` whose struct column (or list of structs) `name` has one more child field."""
    t = table.schema.field(name).type
    item = t.value_type if pa.types.is_list(t) else t
    wider = pa.struct([*item, pa.field(child, pa.infer_type([value]))])

    def add(v):
        return None if v is None else {**v, child: value}

    values = table.column(name).to_pylist()
    if pa.types.is_list(t):
        items = [None if v is None else [add(i) for i in v] for v in values]
        return with_column(table, name, pa.array(items, pa.list_(wider)))
    return with_column(table, name, pa.array([add(v) for v in values], wider))


def test_unknown_keys_inside_list_items_and_structs_are_named_with_their_path():
    table = with_unknown_child(rows(), "experience", "titel", "x")
    table = with_unknown_child(table, "sections", "awards", 1)
    unknown: set[str] = set()
    assert validate_arrow.check_table(table, RULES, None, unknown) is not None
    assert unknown == {"experience.titel", "sections.awards"}
    assert read_both(table) is not None


@pytest.mark.parametrize(
    "extra,read,rejected",
    [
        ('{"hobby": 1, "pet": {"kind": "cat"}}', True, []),
        ('{"hobby": NaN}', False, []),  # handed back: the per-row path reads it
        ('{"followers": 1}', False, [0]),  # a column's key: rejected there
        ("[1, 2]", False, [0]),
        ('{"a": 1, "a": 2}', False, [0]),
    ],
    ids=["object", "nan", "column_key", "list", "key_twice"],  # plain ids: mutmut runs by id
)
def test_the_extra_column_of_our_own_layout(extra, read, rejected):
    table = rows().append_column("extra", pa.array([extra, None]))
    unknown: set[str] = set()
    got = validate_arrow.check_table(table, RULES, None, unknown)
    assert (got is not None) == read
    if read:
        assert unknown == {"hobby", "pet"}
        assert got.column("extra").null_count == table.num_rows  # scoring does not keep them
    _, numbers, rejects = check.check_table(table, [0, 1], RULES, None)
    assert [r.line for r in rejects] == rejected
    assert numbers == [n for n in (0, 1) if n not in rejected]


def test_the_json_bound_is_exact_where_a_table_may_skip_the_line_check():
    table = rows()
    bound = validate_arrow._json_bound(table)
    lines = [raw for _, raw in check.table_lines(table, range(table.num_rows))]
    assert bound >= max(map(len, lines))  # an upper bound on every row's JSON line
    assert read_both(table, max_line_bytes=bound) is not None
    assert validate_arrow.check_table(table, RULES, bound - 1) is None
    # Hand-computed: bytes per byte Arrow holds max(8, (longest name + 40) // 8 + 1), plus 2.
    size = int(validate_arrow.row_bytes(pa.array(["abc"]))[0])
    assert validate_arrow._json_bound(pa.table({"profile_id": ["abc"]})) == size * 8 + 2
    long_name = pa.table({"x" * 40: ["abc"]})  # (40 + 40) // 8 + 1 = 11 bytes a byte
    assert validate_arrow._json_bound(long_name) == size * 11 + 2
    empty = pa.table({"profile_id": pa.chunked_array([], pa.string())})
    assert validate_arrow._json_bound(empty) == 2
    assert validate_arrow.check_table(empty, RULES, 10) is not None
