"""validate_arrow: the batch fast path gives exactly pydantic's table, or hands the batch back.

Each case is one record (a variation of a valid one) in a batch with valid records. Whatever the
fast path does, it must never accept what pydantic would reject or read a value differently; and
for plainly valid variations it must actually be taken, or it would speed up nothing.
"""

import copy
import gzip
import json
import random
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakeprofile.data import check, schema, validate, validate_arrow
from test_hostile_input import json_values, records
from test_schema import FULL

RULES = validate.Rules(as_of=date(2026, 6, 30))


def at(record: dict, path: str, value) -> dict:
    """A copy of `record` with the value at a dotted path ("experience.0.start") replaced."""
    out = copy.deepcopy(record)
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


def slow_table(raws: list[bytes]):
    rows, _, rejects = validate.check_lines(list(enumerate(raws, 1)), RULES)
    return schema.rows_to_table(rows), rejects


def compare(raws: list[bytes], keep_extra: bool = True):
    """Fast-path table (or None) after checking it against pydantic's."""
    fast = validate_arrow.check_batch(raws, RULES, keep_extra)
    if fast is not None:
        slow, rejects = slow_table(raws)
        assert not rejects, f"fast path accepted what pydantic rejects: {rejects[0].reason}"
        if not keep_extra:
            slow = slow.drop(["extra"])
            fast = fast.drop(["extra"])
        assert fast.equals(slow), [n for n in slow.column_names if not fast[n].equals(slow[n])]
    return fast


def batch(variant) -> list[bytes]:
    body = variant if isinstance(variant, bytes) else json.dumps(variant).encode()
    others = [json.dumps({**FULL, "profile_id": f"ok{i}"}).encode() for i in range(3)]
    return [others[0], body, *others[1:]]


# Plainly valid variations: the fast path must take them, with pydantic's values.
TAKEN = [
    FULL,
    {"profile_id": "bare"},
    at(FULL, "invitation.sent_at", "2026-06-01T10:00:00"),  # no zone: UTC
    at(FULL, "invitation.sent_at", "2026-06-01T23:30:00-05:00"),  # a later UTC day
    at(FULL, "invitation.sent_at", "2026-06-30T00:30:00+02:00"),  # local date is the one checked
    at(FULL, "invitation.sent_at", "2026-06-01T10:00:00.5+05:30"),
    at(FULL, "invitation.sent_at", "2026-06-01T10:00:00.123456Z"),
    at(FULL, "invitation.sent_at", None),
    at(FULL, "invitation", None),
    at(FULL, "invitation", {}),
    at(FULL, "experience", []),
    at(FULL, "experience", None),
    at(FULL, "experience.0", {}),
    at(FULL, "education.0.end", "2029-06-30"),  # expected graduation
    at(FULL, "sections", {}),
    at(FULL, "sections.extra_section", 4),  # unknown nested keys are ignored
    at(FULL, "experience.0.logo", {"url": "x"}),
    {**FULL, "segment": {"language": "da", "kind": None}, "score_hint": 0.25, "n": 10**12},
    {**FULL, "tags": ["a", "b"], "note": "ünïcødé ✓", "empty": {}, "nothing": None},
    at(FULL, "invitation.acceptance_rate", 1),  # an int for a float
    at(FULL, "invitation.acceptance_rate", 0),
    at(FULL, "about", "x" * schema.LONG_TEXT),
    at(FULL, "headline", "æ" * schema.SHORT_TEXT),
    at(FULL, "skills", ["s"] * schema.MAX_ITEMS),
    at(FULL, "connections", 1_000_000_000),
    at(FULL, "about", "line\nbreak \u0000 and \u200b zero width"),
    at(FULL, "photo", "sub/dir/p1.jpg"),
]

# Anything else: pydantic rejects it or reads it another way; the fast path must hand it back.
HANDED_BACK = [
    at(FULL, "connections", "412"),  # coerced by pydantic
    at(FULL, "connections", 412.0),
    at(FULL, "connections", True),
    at(FULL, "connections", -1),
    at(FULL, "connections", 1_000_000_001),
    at(FULL, "connections", 10**30),
    at(FULL, "has_photo", 1),
    at(FULL, "has_photo", "true"),
    at(FULL, "label", "maybe"),
    at(FULL, "profile_id", ""),
    at(FULL, "profile_id", None),
    at(FULL, "profile_id", 17),
    at(FULL, "headline", "x" * (schema.SHORT_TEXT + 1)),
    at(FULL, "about", "x" * (schema.LONG_TEXT + 1)),
    at(FULL, "skills", ["s"] * (schema.MAX_ITEMS + 1)),
    at(FULL, "skills", ["ok", None]),
    at(FULL, "experience", [None]),
    at(FULL, "experience.0.title", "t" * (schema.SHORT_TEXT + 1)),
    at(FULL, "experience.0.start", "2020-1-1"),
    at(FULL, "experience.0.start", "2023-02-30"),
    at(FULL, "experience.0.start", "2030-01-01"),  # in the future
    at(FULL, "experience.0.start", "1900-01-01"),  # implausibly early
    at(FULL, "experience.0.end", "2019-01-01"),  # ends before it starts
    at(FULL, "education.0.end", "0000-01-01"),
    at(FULL, "created_at", "2019-04-02T00:00:00"),
    at(FULL, "created_at", 1554163200),
    at(FULL, "invitation.sent_at", "2026-06-01 10:00:00"),
    at(FULL, "invitation.sent_at", "2026-06-01T10:00:60Z"),
    at(FULL, "invitation.sent_at", "2026-06-01T10:00:00.1234567Z"),
    at(FULL, "invitation.sent_at", "2026-07-01T00:30:00+02:00"),  # future where it was written
    at(FULL, "invitation.sent_at", 1780000000),
    at(FULL, "invitation.acceptance_rate", 1.5),
    at(FULL, "invitation.acceptance_rate", "0.5"),
    at(FULL, "activity.window_days", 0),
    at(FULL, "sections", 3),
    at(FULL, "photo", "../outside.jpg"),
    at(FULL, "photo", "/etc/passwd"),
    {**FULL, "extra_number": 10**30},  # past 64 bits
    {**FULL, "tags": ["a", 1, None]},  # Arrow cannot type this list
    {**FULL, "mixed": 1},  # fine alone; see the batch with conflicting types below
    b'{"profile_id": "dup", "profile_id": "dup2"}',
    b'{"profile_id": "nan", "invitation": {"acceptance_rate": NaN}}',
    b'{"profile_id": "unknown nan", "k": NaN, "i": -Infinity}',
    b'{"profile_id": "two"} {"profile_id": "objects"}',
    b'{"profile_id": "trailing",}',
    b'{"profile_id": "tab\tinside"}',
    b'["not", "an", "object"]',
    b'{"profile_id": "bad utf-8 \xff"}',
    b'{"profile_id": "cut',
]


@pytest.mark.parametrize("variant", TAKEN, ids=range(len(TAKEN)))
def test_plainly_valid_records_take_the_fast_path(variant):
    assert compare(batch(variant)) is not None
    assert compare(batch(variant), keep_extra=False) is not None


@pytest.mark.parametrize("variant", HANDED_BACK, ids=range(len(HANDED_BACK)))
def test_anything_else_is_handed_back_or_read_identically(variant):
    compare(batch(variant))
    compare(batch(variant), keep_extra=False)


def test_every_value_that_pydantic_rejects_is_handed_back():
    for variant in HANDED_BACK:
        raws = batch(variant)
        _, rejects = slow_table(raws)
        if rejects:
            assert validate_arrow.check_batch(raws, RULES) is None, rejects[0].reason


def test_conflicting_unknown_field_types_and_a_missing_line():
    raws = batch({**FULL, "mixed": 1})
    raws.append(json.dumps({**FULL, "profile_id": "m2", "mixed": "one"}).encode())
    compare(raws)
    assert validate_arrow.check_batch([*raws, None], RULES) is None  # an over-long line


def test_decimal_numbers_parse_to_the_same_floats():
    """Long decimal strings are where a fast float parser can be one unit in the last place off."""
    rng = random.Random(3)
    texts = [repr(rng.random()) for _ in range(300)]
    texts += [f"0.{rng.randrange(10**24):024d}" for _ in range(300)]
    texts += ["0.1", "0.3", "1e-7", "5e-324", "0.30000000000000004", "1.0", "0", "1"]
    raws = [
        f'{{"profile_id": "f{i}", "invitation": {{"acceptance_rate": {t}}}, "x": {t}}}'.encode()
        for i, t in enumerate(texts)
    ]
    assert compare(raws) is not None


def test_deep_nesting_never_reaches_the_arrow_reader():
    """Arrow's reader crashes the process (stack overflow) on very deep nesting."""
    deep = b'{"profile_id": "d", "junk": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert validate_arrow.check_batch(batch(deep), RULES) is None
    # Brackets in text are harmless, only counted on long lines, and many of them go the
    # pydantic way all the same; a short line needs no counting.
    brackets = {**FULL, "about": "[" * validate_arrow.SHORT_LINE}
    assert validate_arrow.check_batch(batch(brackets), RULES) is None
    short = {**FULL, "about": "[" * validate_arrow.MAX_BRACKETS}
    assert len(json.dumps(short)) <= validate_arrow.SHORT_LINE
    assert validate_arrow.check_batch(batch(short), RULES) is not None


@pytest.mark.parametrize("line", [b"null", b"[]", b'"text"', b" {}", b"{} "])
def test_lines_that_are_not_one_object_never_reach_the_arrow_reader(line):
    """pyarrow 25's reader crashes the process when the first line is `null`."""
    assert validate_arrow.check_batch([line, json.dumps(FULL).encode()], RULES) is None


def test_very_wide_records_go_the_pydantic_way():
    """Arrow types each unknown key as a column: thousands of keys would make it the slow way."""
    wide = {"profile_id": "w", **{f"k{i}": i for i in range(validate_arrow.MAX_KEYS)}}
    assert validate_arrow.check_batch(batch(wide), RULES) is None
    assert validate_arrow.check_batch(batch({**FULL, "k": 1}), RULES) is not None


def test_label_required_for_training():
    rules = validate.Rules(as_of=date(2026, 6, 30), require_label=True)
    unlabelled = [json.dumps({"profile_id": "u"}).encode()]
    assert validate_arrow.check_batch(unlabelled, rules) is None
    assert validate_arrow.check_batch(unlabelled, RULES) is not None


def test_photos_are_resolved_under_the_photo_folder(tmp_path):
    (tmp_path / "p1.jpg").write_bytes(b"x")
    rules = validate.Rules(photo_dir=tmp_path, as_of=date(2026, 6, 30))
    assert validate_arrow.check_batch([json.dumps(FULL).encode()], rules) is not None
    escape = json.dumps(at(FULL, "photo", "../p1.jpg")).encode()
    assert validate_arrow.check_batch([escape], rules) is None


def test_generated_profiles_read_identically(small_dataset):
    path, _ = small_dataset
    with gzip.open(path, "rb") as fh:
        raws = [line.rstrip(b"\n") for line in fh]
    assert compare(raws) is not None
    assert compare(raws, keep_extra=False) is not None


def test_the_validate_and_score_stages_use_it(small_dataset, tmp_path):
    """End to end, a file of valid records comes out the same as through pydantic alone."""
    path, _ = small_dataset
    out = validate.run(path, tmp_path / "v.parquet", tmp_path / "r.jsonl", RULES)
    assert out.rejected == 0 and out.valid == 400
    assert Path(tmp_path / "r.jsonl").read_text() == ""
    # Parquet input and Spark batches are re-encoded as JSON lines: in the form read in bulk.
    table = pq.read_table(tmp_path / "v.parquet")
    lines = [raw for _, raw in check.table_lines(table, range(1, table.num_rows + 1))]
    assert compare(lines) is not None


datetimes = st.datetimes().map(lambda d: d.isoformat()) | st.datetimes(
    timezones=st.timezones()
).map(lambda d: d.isoformat())
generated = records | st.fixed_dictionaries(
    {"profile_id": st.text(min_size=1, max_size=10)},
    optional={
        "invitation": st.fixed_dictionaries({"sent_at": datetimes | json_values}),
        "unknown": json_values,
        "label": st.sampled_from(["fake", "genuine", "other"]),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(generated, min_size=1, max_size=6))
def test_random_records_are_handed_back_or_read_identically(batch_records):
    raws = [json.dumps(r).encode() for r in batch_records]
    compare(raws)
    compare(raws, keep_extra=False)


def _breaking_values(spec: dict, defs: dict, path: tuple = ()):
    """(path, value) pairs that break each limit the JSON Schema states, down to nested models
    and list items; a path is the keys and list positions from the record's top."""
    for option in spec.get("anyOf", [spec]):
        if "$ref" in option:
            model = defs[option["$ref"].split("/")[-1]]
            for name, sub in model["properties"].items():
                yield from _breaking_values(sub, defs, (*path, name))
        kind = option.get("type")
        if kind == "array":
            if "maxItems" in option:
                yield path, [None] * (option["maxItems"] + 1)
            yield from _breaking_values(option["items"], defs, (*path, 0))
        if kind == "string":
            if "maxLength" in option:
                yield path, "x" * (option["maxLength"] + 1)
            if option.get("minLength", 0) > 0:
                yield path, ""
        if "enum" in option:
            yield path, "none of these"
        if kind in ("integer", "number"):
            if "maximum" in option:
                yield path, option["maximum"] + 1
            if "minimum" in option:
                yield path, option["minimum"] - 1
            if "exclusiveMinimum" in option:
                yield path, option["exclusiveMinimum"]


def put(record: dict, path: tuple, value) -> dict:
    """A copy of `record` with `value` at `path`, creating the objects and lists on the way."""
    out = copy.deepcopy(record)
    node = out
    for step, nxt in zip(path, path[1:], strict=False):
        empty = [{}] if isinstance(nxt, int) else {}
        if isinstance(node, list):
            node = node[step]
            continue
        if not node.get(step):
            node[step] = empty
        node = node[step]
    node[path[-1]] = value
    return out


def test_every_limit_of_the_published_schema_is_checked():
    """Each limit pydantic enforces (read from the JSON Schema, so a field or limit added to
    `schema` later is covered too) sends the batch the pydantic way."""
    spec = schema.json_schema()
    paths = []
    for field, sub in spec["properties"].items():
        for path, value in _breaking_values(sub, spec["$defs"], (field,)):
            raws = batch(put(FULL, path, value))
            _, rejects = slow_table(raws)
            assert rejects, (path, "pydantic accepts this: the test builds a wrong record")
            assert validate_arrow.check_batch(raws, RULES) is None, path
            paths.append(path)
    assert len(paths) >= 40, paths


def test_valid_utf8_judges_as_pythons_decoder():
    """Every two-byte sequence, surrogates, overlong forms, and random three- and four-byte
    sequences (alone and after valid text): Arrow's validator agrees with bytes.decode."""
    rng = random.Random(11)
    seqs = [bytes([a, b]) for a in range(256) for b in range(256)]
    seqs += [bytes([0xED, b, 0x80]) for b in range(0x80, 0xC0)]  # surrogates
    seqs += [bytes([0xE0, b, 0x80]) for b in range(0x80, 0xC0)]  # overlong below U+0800
    seqs += [bytes([0xF4, b, 0x80, 0x80]) for b in range(0x80, 0xC0)]  # above U+10FFFF
    seqs += [
        bytes(rng.randrange(0x80, 0x100) for _ in range(rng.choice([3, 4]))) for _ in range(20_000)
    ]

    def decodes(b: bytes) -> bool:
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    for seq in seqs:
        for blob in (seq, "Søren ".encode() + seq):
            assert validate_arrow.valid_utf8(blob) == decodes(blob), blob


def test_unknown_keys_are_named_alike_by_both_paths():
    """Misnamed fields (`summary` for `about`, `invitation.msg` for `invitation.message`) are
    named, at any depth, by the Arrow path and by pydantic's alike, and the table is the same.
    Unknown fields whose types clash between lines keep the batch on the fast path when they
    are not kept."""
    experience = [{**FULL["experience"][0], "titel": "x"}, FULL["experience"][0]]
    lines = [
        {**FULL, "profile_id": "a", "summary": "text", "invitation": {"msg": "hi"}},
        {**FULL, "profile_id": "b", "connection_count": 5, "experience": experience},
        {**FULL, "profile_id": "c", "sections": {**FULL["sections"], "awards": None}},
        {**FULL, "profile_id": "d", "activity": None, "invitation": None},
    ]
    raws = [json.dumps(r).encode() for r in lines]
    fast: set[str] = set()
    assert compare(raws, keep_extra=False) is not None  # the fast path takes it, same table
    validate_arrow.check_batch(raws, RULES, False, fast)
    slow: set[str] = set()
    rows, _, rejects = validate.check_lines(list(enumerate(raws, 1)), RULES, slow)
    assert not rejects and len(rows) == len(lines)
    named = {"summary", "invitation.msg", "connection_count", "experience.titel", "sections.awards"}
    assert fast == slow == named
    assert not list(schema.unknown_keys(FULL))
    clash = [
        json.dumps({**FULL, "profile_id": str(i), "meta": v}).encode()
        for i, v in [(1, 1), (2, "x")]
    ]
    assert validate_arrow.check_batch(clash, RULES, keep_extra=False) is not None
    clashing: set[str] = set()  # read without them, and still named
    validate_arrow.check_batch(clash, RULES, False, clashing)
    assert clashing == {"meta"}
    # Keeping the unknown fields needs them parsed: that batch goes line by line.
    assert validate_arrow.check_batch(clash, RULES, keep_extra=True) is None


def _near_limits(spec: schema.Spec) -> st.SearchStrategy:
    """JSON values for one field, at and just past the limits its Spec (derived from the pydantic
    models) states, and a few of other types."""
    other = st.sampled_from([None, True, "x", 7, -1, 1.5, [], {}])
    if spec.kind == "str":
        top = spec.max_length or 20
        lengths = [spec.min_length, max(spec.min_length - 1, 0), top, top + 1, 3]
        text = st.sampled_from(lengths).map(lambda n: "é" * n)
        if spec.choices:
            text |= st.sampled_from([*spec.choices, "other"])
        return text | other
    if spec.kind in ("int", "float"):
        low, high = spec.low or 0, spec.high or 10**6
        edges = [low - 1, low, low + 1, high - 1, high, high + 1]
        numbers = st.sampled_from(edges) | st.integers(low - 2, high + 2)
        if spec.kind == "float":
            numbers |= st.floats(low - 0.5, high + 0.5, allow_nan=False)
        return numbers | other
    if spec.kind == "bool":
        return st.booleans() | other
    if spec.kind in ("date", "datetime"):
        days = st.dates(min_value=date(1949, 12, 1), max_value=date(2026, 7, 31))
        if spec.kind == "date":
            return days.map(date.isoformat) | st.just("2023-02-30") | other
        zones = st.sampled_from(["", "Z", "+02:00", "-05:00", "+14:00"])
        stamp = st.tuples(days, st.times(), zones).map(
            lambda t: f"{t[0].isoformat()}T{t[1].isoformat()}{t[2]}"
        )
        return stamp | other
    if spec.kind == "list":
        top = spec.max_length or 5
        edge = st.sampled_from([top, top + 1]).map(
            lambda n: [None if spec.item.kind == "model" else "s"] * n
        )
        return st.lists(_near_limits(spec.item), max_size=3) | edge | other
    return (
        st.fixed_dictionaries({}, optional={f.name: _near_limits(f) for f in spec.fields}) | other
    )


near_limits = st.fixed_dictionaries(
    {"profile_id": st.text(min_size=1, max_size=5)},
    optional={f.name: _near_limits(f) for f in schema.PROFILE if f.name != "profile_id"},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(near_limits, min_size=1, max_size=4))
def test_arrow_validator_agrees_with_pydantic_at_the_derived_limits(batch_records):
    """Records at and past every limit of schema.Spec: the Arrow path (JSON lines, and the
    same rows as an Arrow table) never accepts what pydantic rejects, nor reads it otherwise."""
    raws = [json.dumps(r).encode() for r in batch_records]
    compare(raws)
    compare(raws, keep_extra=False)
    slow, rejects = slow_table(raws)
    if not rejects:  # the valid rows, as Parquet and Spark hand them over
        got = validate_arrow.check_table(slow, RULES, None)
        assert got is not None and got.drop(["extra"]).equals(slow.drop(["extra"]))
    try:
        table = pa.Table.from_pylist(batch_records)  # types as Arrow infers them
    except (pa.ArrowException, OverflowError):
        return
    numbers = list(range(table.num_rows))
    fast = validate_arrow.check_table(table, RULES, None)
    rows, _, rejects = validate.check_lines(check.table_lines(table, numbers), RULES)
    if fast is not None:
        assert not rejects, rejects[0].reason
        assert fast.drop(["extra"]).equals(schema.rows_to_table(rows).drop(["extra"]))
