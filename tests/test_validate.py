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
