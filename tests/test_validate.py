"""Validation stage: every line is either valid or rejected with a reason, and counts add up."""

import gzip
import json
import os

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import REPO, write_jsonl
from fakeprofile.cli import main
from fakeprofile.data import validate
from fakeprofile.errors import UserError
from test_schema import FULL


def rec(pid, **kw):
    return {**FULL, "profile_id": pid, **kw}


@pytest.fixture()
def photo_dir(tmp_path):
    d = tmp_path / "photos"
    d.mkdir()
    (d / "p1.jpg").write_bytes(b"not really a jpeg")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink("/etc/passwd", d / "passwd.jpg")
    os.symlink(tmp_path / "secret.txt", d / "sneaky.jpg")
    return d


def run(tmp_path, records, photo_dir=None, require_label=True):
    inp = write_jsonl(tmp_path / "in.jsonl", records)
    out, rej = tmp_path / "valid.parquet", tmp_path / "rejects.jsonl"
    rules = validate.Rules(photo_dir=photo_dir, require_label=require_label)
    counts = validate.run(inp, out, rej, rules)
    rejects = [json.loads(line) for line in rej.read_text().splitlines()]
    return counts, pq.read_table(out), rejects


CASES = {
    "malformed JSON": b'{"profile_id": "bad", ',
    "not an object": b"[1, 2, 3]",
    "wrong type": rec("t1", connections="many"),
    "missing label": rec("t2", label=None),
    "negative count": rec("t3", followers=-5),
    "future date": rec("t4", created_at="2999-01-01"),
    "too long": rec("t5", about="x" * 20_000),
    "absolute path": rec("t6", photo="/etc/passwd"),
    "dotdot path": rec("t7", photo="../secret.txt"),
    "symlink out": rec("t8", photo="passwd.jpg"),
    "symlink sibling": rec("t9", photo="sneaky.jpg"),
    "not utf8": b'{"profile_id": "\xff\xfe"}',
    "ends before start": rec("t10", experience=[{"start": "2020-01-01", "end": "2019-01-01"}]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_line_is_rejected_with_a_reason(tmp_path, photo_dir, case):
    counts, table, rejects = run(tmp_path, [rec("good", photo="p1.jpg"), CASES[case]], photo_dir)
    assert (counts.read, counts.valid, counts.rejected) == (2, 1, 1)
    assert table.column("profile_id").to_pylist() == ["good"]
    assert rejects[0]["line"] == 2 and rejects[0]["reason"]


def test_duplicate_ids_are_rejected(tmp_path):
    counts, _, rejects = run(tmp_path, [rec("a"), rec("b"), rec("a")])
    assert counts.rejected == 1 and "duplicate" in rejects[0]["reason"]
    assert rejects[0]["profile_id"] == "a"


def test_mixed_file_counts_add_up(tmp_path, photo_dir):
    lines = [rec(f"g{i}") for i in range(20)] + list(CASES.values()) + [b"", b"  "]
    counts, table, rejects = run(tmp_path, lines, photo_dir)
    assert counts.read == counts.valid + counts.rejected
    assert counts.valid == table.num_rows == 20
    assert counts.rejected == len(rejects) == len(CASES)


def test_bom_crlf_gzip_and_overlong_lines(tmp_path):
    body = b"\xef\xbb\xbf" + json.dumps(rec("a")).encode() + b"\r\n" + json.dumps(rec("b")).encode()
    body += b"\r\n" + b'{"profile_id": "huge", "about": "' + b"y" * 3_000_000 + b'"}\n'
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(body))
    counts = validate.run(
        path, tmp_path / "v.parquet", tmp_path / "r.jsonl", validate.Rules(require_label=True)
    )
    assert (counts.valid, counts.rejected) == (2, 1)
    assert "too long" in (tmp_path / "r.jsonl").read_text()


def test_unlabelled_data_validates_for_scoring(tmp_path):
    counts, _, _ = run(tmp_path, [rec("a", label=None)], require_label=False)
    assert counts.valid == 1


def test_cli_fails_with_one_line_when_nothing_is_valid(tmp_path, capsys):
    inp = write_jsonl(tmp_path / "bad.jsonl", [b"nope", b"{"])
    code = main(
        [
            "validate",
            "--input",
            str(inp),
            "--output",
            str(tmp_path / "v.parquet"),
            "--rejects",
            str(tmp_path / "r.jsonl"),
            "--params",
            str(REPO / "params.yaml"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "no valid profiles" in err[0]


def test_cli_missing_input_is_a_clear_error(tmp_path, capsys):
    code = main(
        ["validate", "--input", str(tmp_path / "nope.jsonl"), "--params", str(REPO / "params.yaml")]
    )
    assert code == 1 and "input file not found" in capsys.readouterr().err


def test_cli_names_unknown_fields_after_the_counts(tmp_path, capsys):
    """A misnamed field (`summary` for `about`, `invitation.msg`) is named, not silently kept."""
    records = [rec("p1", summary="x", invitation={"msg": "hi"}), rec("p2")]
    inp = write_jsonl(tmp_path / "in.jsonl", records)
    out = ("--output", str(tmp_path / "v.parquet"), "--rejects", str(tmp_path / "r.jsonl"))
    code = main(["validate", "--input", str(inp), *out, "--params", str(REPO / "params.yaml")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0 and lines[0] == "2 read, 2 valid, 0 rejected"
    assert lines[-1].startswith("2 input fields not in the input schema, unused by the model")
    assert lines[-1].endswith(": invitation.msg, summary (the schema is in the README)")


def test_dedup_finds_every_earlier_id_across_many_batches():
    dedup = validate.Dedup()
    for b in range(40):  # enough batches for several sorted runs to form and merge
        ids = [f"p{b}-{i}" for i in range(50)]
        keep, rejects = dedup.keep(ids, list(range(50)))
        assert len(keep) == 50 and not rejects
    earlier = [f"p{b}-{i}" for b in range(40) for i in (0, 49)]
    keep, rejects = dedup.keep([*earlier, "new", "new"], list(range(len(earlier) + 2)))
    assert keep == [len(earlier)]
    assert [r.profile_id for r in rejects] == [*earlier, "new"]


def test_dedup_compares_the_whole_digest_when_first_halves_match():
    dedup = validate.Dedup()
    dedup._add(np.array([5, 5, 9], dtype=np.uint64), np.array([1, 2, 3], dtype=np.uint64))
    seen = dedup._seen(np.array([5, 5, 9, 4], np.uint64), np.array([2, 7, 3, 1], np.uint64))
    assert seen.tolist() == [True, False, True, False]


def test_rejects_over_the_input_is_refused_and_the_input_kept(tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", [rec("p1"), {"profile_id": "bad"}])
    before = inp.read_bytes()
    with pytest.raises(UserError, match="rejects .* would overwrite the input file"):
        validate.run(inp, tmp_path / "valid.parquet", inp, validate.Rules())
    assert inp.read_bytes() == before
    assert not (tmp_path / "valid.parquet").exists()


# -- each reason, word for word, through check_lines (both validators' slow path) -------------

AS_OF = validate.Rules(as_of=__import__("datetime").date(2026, 6, 1))


def reason_of(raw, rules=AS_OF):
    line = json.dumps(raw).encode() if isinstance(raw, dict) else raw
    rows, numbers, rejects = validate.check_lines([(7, line)], rules)
    assert len(rows) + len(rejects) == 1 and numbers == ([7] if rows else [])
    return (rejects[0].line, rejects[0].profile_id, rejects[0].reason) if rejects else None


def test_reasons_name_the_field_the_rule_and_the_line():
    earliest = AS_OF.earliest_date
    before = str(earliest.replace(year=earliest.year - 1))
    cases = {
        None: (None, "line too long"),
        validate.io.Unreadable("row too large"): (None, "row too large"),
        b'{"profile_id": "\xff"}': (None, "not UTF-8 text (byte 16)"),
        b"[1]": (None, "record is not a JSON object"),
        b'{"profile_id": "x", "followers": -1, "connections": -2}': (
            "x",
            "connections: Input should be greater than or equal to 0 (+1 more)",
        ),
        b'{"profile_id": "x", "followers": -1}': (
            "x",
            "followers: Input should be greater than or equal to 0",
        ),
        b'{"profile_id": "x", "name": "a", "name": "b"}': (
            "x",
            "duplicate key: name appears twice in one object",
        ),
        b'{"profile_id": "x", "created_at": "2026-06-02"}': (
            "x",
            "created_at: date 2026-06-02 is in the future",
        ),
        json.dumps({"profile_id": "x", "created_at": before}).encode(): (
            "x",
            f"created_at: date {before} is implausibly early",
        ),
        b'{"profile_id": "x", "invitation": {"sent_at": "2026-06-02T00:00:00Z"}}': (
            "x",
            "invitation.sent_at: date 2026-06-02 is in the future",
        ),
        b'{"profile_id": "x", "experience": [{}, {"start": "2027-01-01"}]}': (
            "x",
            "experience.1.start: date 2027-01-01 is in the future",
        ),
        b'{"profile_id": "x", "education": [{"start": "2027-01-01"}]}': (
            "x",
            "education.0.start: date 2027-01-01 is in the future",
        ),
        b'{"profile_id": "x", "experience": [{"start": "2020-01-02", "end": "2020-01-01"}]}': (
            "x",
            "experience.0: ends before it starts",
        ),
        b'{"profile_id": 5, "photo": "../x.jpg"}': (
            None,
            "profile_id: Input should be a valid string",
        ),
    }
    for raw, (pid, reason) in cases.items():
        assert reason_of(raw) == (7, pid, reason), raw
    assert reason_of(b'{"profile_id": "x"')[2].startswith("malformed JSON: ")
    # Valid edge cases: today, the earliest date, an education ending in the future, one-day job.
    for ok in (
        {"profile_id": "x", "created_at": "2026-06-01"},
        {"profile_id": "x", "created_at": str(earliest)},
        {"profile_id": "x", "education": [{"start": "2020-01-01", "end": "2030-01-01"}]},
        {"profile_id": "x", "experience": [{"start": "2020-01-01", "end": "2020-01-01"}]},
    ):
        assert reason_of(ok) is None, ok
    labelled = validate.Rules(as_of=AS_OF.as_of, require_label=True)
    assert reason_of({"profile_id": "x"}, labelled)[2].startswith("label: required")
    assert reason_of({"profile_id": "x", "label": "fake"}, labelled) is None
    assert reason_of({"profile_id": "x", "photo": "/etc/passwd"})[2].startswith("photo: ")
    assert reason_of({"profile_id": "y" * 300, "followers": -1})[1] == "y" * 200


def test_key_text_escapes_control_characters_and_caps_the_length():
    assert validate.key_text("a b\n\x1b[31m\u202e") == "a b\\n\\x1b[31m\\u202e"
    assert validate.key_text("k" * 61) == "k" * 60 + "..."
    assert validate.key_text("k" * 60) == "k" * 60
    assert validate.key_text("abcdef", limit=3) == "abc..."


def test_a_reject_with_a_lone_surrogate_is_still_one_json_line():
    assert validate.Reject(3, "é", "r").to_json() == '{"line": 3, "profile_id": "é", "reason": "r"}'
    text = validate.Reject(3, "\ud800", "r").to_json()
    assert text == '{"line": 3, "profile_id": "\\ud800", "reason": "r"}'
    text.encode("utf-8")


def test_settle_merges_duplicates_into_line_order_and_counts_reasons_by_field():
    dedup, counts = validate.Dedup(), validate.Counts()
    bad = [validate.Reject(2, "b", "followers: too low"), validate.Reject(6, None, "line too long")]
    keep, rejects = validate.settle(dedup, counts, ["a", "c", "a", "d"], [1, 3, 4, 5], bad)
    assert keep == [0, 1, 3]
    assert [r.line for r in rejects] == [2, 4, 6]
    assert rejects[1].reason == "profile_id: duplicate of an earlier line (a)"
    keep, rejects = validate.settle(dedup, counts, ["d", "e"], [7, 8], [])
    assert keep == [1] and [r.line for r in rejects] == [7]
    assert (counts.read, counts.valid, counts.rejected) == (8, 4, 4)
    assert counts.reasons == {"followers": 1, "profile_id": 2, "line too long": 1}
    assert counts.summary() == "8 read, 4 valid, 4 rejected"


def test_batches_are_consecutive_and_end_at_the_size():
    lines = [(i, b"x") for i in range(1, 8)] + [(8, None)]
    got = list(validate.batches(lines, 3))
    assert got == [lines[0:3], lines[3:6], lines[6:8]]
    assert list(validate.batches([], 3)) == []
    big = [(1, b"x" * validate.BATCH_BYTES), (2, b"y"), (3, b"z")]
    assert [len(b) for b in validate.batches(big, 10)] == [1, 2]


def test_the_first_damage_is_noted_and_every_line_passes_on():
    counts = validate.Counts(read=5, valid=3, rejected=2)
    lines = [(1, b"a"), (2, validate.io.Damaged("gzip: truncated")), (3, validate.io.Damaged("b"))]
    assert list(validate.noting_damage(lines, counts)) == lines
    assert counts.damage == "gzip: truncated"
    assert str(validate.damage_error(counts, "profiles")) == (
        "gzip: truncated (5 read, 3 valid, 2 rejected; the profiles before it were used, "
        "the lost part is in the rejects file)"
    )
    clean = validate.Counts()
    list(validate.noting_damage([(1, validate.io.Unreadable("row too large"))], clean))
    assert clean.damage is None


def test_a_dataframe_with_pandas_missing_values_is_valid_and_each_bad_row_is_named():
    """The Python API and the pyfunc validate a DataFrame as the score command validates a file:
    pandas' NaN, NA and NaT are missing values, not errors; a bad row is one reason, not a
    failed batch (read = valid + rejected)."""
    import pandas as pd

    from fakeprofile.data.check import check_input

    frame = pd.DataFrame(
        {
            "profile_id": ["a", "b", "c", "d"],
            "name": ["Ann", "Bo", "Cy", "Di"],
            "connections": pd.array([5, pd.NA, 7, -1], dtype="Int64"),
            "created_at": [pd.Timestamp("2020-01-01"), pd.NaT, pd.NaT, pd.NaT],
            "headline": ["CEO", float("nan"), pd.NA, "x"],
        }
    )
    got = check_input(frame)
    assert got.rows == [0, 1, 2] and [r.line for r in got.rejects] == [3]
    assert got.rejects[0].reason.startswith("connections")
    assert got.table.column("connections").to_pylist() == [5, None, 7]
    assert got.table.column("headline").to_pylist() == ["CEO", None, None]


def test_check_lines_names_the_unknown_keys_of_valid_rows_only():
    """The per-record path (pydantic drops nested unknown keys) names them itself: those of
    valid rows, none of a rejected row's; without a set to fill it still checks the lines."""
    lines = [
        (1, json.dumps(rec("p1", summary="x", invitation={"msg": "hi"})).encode()),
        (2, json.dumps(rec("p2", extra=1, connections=-1)).encode()),  # rejected
    ]
    rules = validate.Rules(require_label=False)
    unknown: set[str] = set()
    rows, numbers, rejects = validate.check_lines(lines, rules, unknown)
    assert numbers == [1] and [r.line for r in rejects] == [2]
    assert unknown == {"summary", "invitation.msg"}
    rows_alone, numbers_alone, _ = validate.check_lines(lines, rules)
    assert numbers_alone == [1] and rows_alone == rows
