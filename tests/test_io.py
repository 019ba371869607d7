"""io.iter_lines: reading in blocks (gzip by ISA-L) gives exactly the lines, numbers and refusals
of reading one line at a time with the standard gzip module, at every block size; truncated or
broken gzip files are a clear error."""

from __future__ import annotations

import gzip
import os
import random
import zlib
from io import BytesIO
from pathlib import Path

import pytest

from fakeprofile.data import io
from fakeprofile.errors import UserError


def one_line_at_a_time(path: Path, max_line_bytes: int) -> list[tuple[int, bytes | None]]:
    """The definition (the reader before blocks): readline with a cap, overlong lines drained,
    with CR and CRLF line ends read as LF; blank lines skipped whatever their length."""
    out = []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as raw:
        data = raw.read().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    with BytesIO(data) as handle:
        line_no = 0
        while chunk := handle.readline(max_line_bytes + 1):
            line_no += 1
            if len(chunk) > max_line_bytes and not chunk.endswith(b"\n"):
                blank = not chunk.strip()
                while chunk and not chunk.endswith(b"\n"):
                    chunk = handle.readline(1 << 20)
                    blank = blank and not chunk.strip()
                if not blank:  # a blank line is skipped, however long
                    out.append((line_no, None))
                continue
            if line_no == 1 and chunk.startswith(io.BOM):
                chunk = chunk[len(io.BOM) :]
            chunk = chunk.rstrip(b"\r\n")
            if chunk.strip():
                out.append((line_no, chunk))
    return out


def random_file(rng: random.Random, max_line_bytes: int) -> bytes:
    """Lines around the length limit, blank and whitespace-only lines, CR, byte-order marks, no
    final newline sometimes."""
    lines = []
    for _ in range(rng.randint(0, 40)):
        n = rng.choice(
            [
                0,
                1,
                max_line_bytes - 1,
                max_line_bytes,
                max_line_bytes + 1,
                rng.randint(0, 3 * max_line_bytes),
            ]
        )
        line = bytes(rng.choice(b"ab {}\r \t") for _ in range(n))
        lines.append(io.BOM + line if rng.random() < 0.1 else line)  # kept: not on line 1
    body = b"\n".join(lines) + rng.choice([b"", b"\n", b"\r\n", b"\n\n"])
    return (io.BOM if rng.random() < 0.3 else b"") + body


def gzip_members(data: bytes, rng: random.Random) -> bytes:
    """`data` gzipped as one to three members (a valid gzip file, e.g. from appending files)."""
    cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(0, 2)))
    parts = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    return b"".join(gzip.compress(part, mtime=0) for part in parts)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_blocks_give_the_lines_of_one_line_at_a_time(tmp_path, suffix):
    rng = random.Random(17)
    path = tmp_path / f"in{suffix}"
    for trial in range(150):
        limit = rng.randint(1, 12)
        data = random_file(rng, limit)
        path.write_bytes(gzip_members(data, rng) if suffix.endswith(".gz") else data)
        expected = one_line_at_a_time(path, limit)
        for block in (1, 2, 3, 5, limit, limit + 1, 64, 1 << 20):
            got = list(io.iter_lines(path, limit, block_bytes=block))
            assert got == expected, f"trial {trial}, limit {limit}, block {block}: {data!r}"


LINES = [b'{"profile_id": "p%d"}\n' % i for i in range(50_000)]
WHOLE = gzip.compress(b"".join(LINES), mtime=0)


@pytest.mark.parametrize(
    "kind, data, cause",
    [
        ("truncated", WHOLE[: len(WHOLE) // 2], "truncated"),
        ("trailing garbage", WHOLE + b"this is not gzip", "trailing data after the end"),
        ("garbage member", WHOLE + b"\x1f\x8b" + b"x" * 100, "corrupt compressed data"),
        ("not gzip", b'{"profile_id": "p1"}\n', "not a gzip file"),
        ("bad method", b"\x1f\x8b" + b"x" * 100, "corrupt compressed data"),
        (
            "flipped bytes",
            WHOLE[:2000] + bytes(b ^ 0xFF for b in WHOLE[2000:2100]) + WHOLE[2100:],
            "corrupt compressed data",
        ),
    ],
)
def test_damaged_gzip_gives_the_lines_before_it_and_one_reason(tmp_path, kind, data, cause):
    """The lines before the damage come out as they are; then one Damaged reason naming the
    right cause stands for the rest (a whole run was refused for a cut-off last block, and
    trailing garbage was called truncation)."""
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(data)
    got = list(io.iter_lines(path, 1 << 20))
    *good, (last_no, last) = got
    assert isinstance(last, io.Damaged) and cause in last, (kind, last)
    assert last_no == len(good) + 1
    assert [raw for _, raw in good] == [line.rstrip(b"\n") for line in LINES[: len(good)]]
    if kind == "truncated":  # every whole line zlib gets out of the part that is there
        whole_lines = zlib.decompressobj(31).decompress(data).count(b"\n")
        assert len(good) == whole_lines > 20_000
    if kind.startswith(("trailing", "garbage")):
        assert len(good) == len(LINES)
    if kind == "flipped bytes":  # damage in the first piece: what came before it, at most
        assert len(good) < 1_000


def test_gzip_of_newlines_costs_no_python_work_per_line(tmp_path):
    """Hundreds of megabytes of newlines (a 915 kB gzip) read as blank lines in C: the line
    numbers after them are right and no line is yielded for them."""
    path = tmp_path / "in.jsonl.gz"
    blank = b"\n" * (200 << 20)
    path.write_bytes(gzip.compress(blank + b'{"profile_id": "x"}\n' + b" \t\r\n" * 1000, 1))
    assert list(io.iter_lines(path, 1 << 20)) == [((200 << 20) + 1, b'{"profile_id": "x"}')]


def test_cr_only_line_ends_are_lines(tmp_path):
    """Old Mac line ends: each CR ends a line (5 records were read as 1, and rejected)."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(b'{"profile_id": "p%d"}\r' % i for i in range(5)))
    assert [n for n, _ in io.iter_lines(path, 1 << 20)] == [1, 2, 3, 4, 5]


def test_check_targets_refuses_outputs_that_are_inputs_or_each_other(tmp_path, monkeypatch):
    """The same file by another spelling (relative, symlink, hard link), a folder holding the
    input, or two outputs on one file: each would lose a file after a run that looked fine."""
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "in.jsonl"
    src.write_text("{}\n")
    (tmp_path / "link.jsonl").symlink_to(src)
    os.link(src, tmp_path / "hard.jsonl")
    for target in ("in.jsonl", "./in.jsonl", str(src), "link.jsonl", "hard.jsonl", str(tmp_path)):
        with pytest.raises(UserError, match="would overwrite the input file"):
            io.check_targets({"input": src}, {"output": target})
    with pytest.raises(UserError, match="output and rejects are the same file"):
        io.check_targets({"input": src}, {"output": "o.jsonl", "rejects": "./o.jsonl"})
    # Beside the input, or not yet existing: fine.
    io.check_targets({"input": src}, {"output": "o.csv", "rejects": "o.rejects.jsonl"})
    io.check_targets({"input": "link.jsonl"}, {"output": tmp_path / "sub" / "o.csv"})


def test_unwritable_targets_are_one_line_errors_before_any_work(tmp_path):
    """A folder, or a path under a file: refused before the block runs (it ran the whole
    scoring job, then failed renaming with a traceback)."""
    (tmp_path / "out.csv").mkdir()
    (tmp_path / "a_file").write_text("x")
    ran = []
    for target, why in [("out.csv", "is a folder"), ("a_file/sub/o.csv", "a_file is a file")]:
        with pytest.raises(UserError, match=why), io.atomic_path(tmp_path / target):
            ran.append(target)
    assert not ran
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "out.csv"]  # no partials
