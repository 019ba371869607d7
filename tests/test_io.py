"""io.iter_lines: reading in blocks (gzip by ISA-L) gives exactly the lines, numbers and refusals
of reading one line at a time with the standard gzip module, at every block size; truncated or
broken gzip files are a clear error."""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

import pytest

from fakeprofile import io
from fakeprofile.errors import UserError


def one_line_at_a_time(path: Path, max_line_bytes: int) -> list[tuple[int, bytes | None]]:
    """The definition (the reader before blocks): readline with a cap, overlong lines drained."""
    out = []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        line_no = 0
        while chunk := handle.readline(max_line_bytes + 1):
            line_no += 1
            if len(chunk) > max_line_bytes and not chunk.endswith(b"\n"):
                while chunk and not chunk.endswith(b"\n"):
                    chunk = handle.readline(1 << 20)
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


@pytest.mark.parametrize("kind", ["truncated", "not gzip", "bad method"])
def test_broken_gzip_is_a_clear_error(tmp_path, kind):
    whole = gzip.compress(b"".join(b'{"profile_id": "p%d"}\n' % i for i in range(50_000)))
    data = {
        "truncated": whole[: len(whole) // 2],
        "not gzip": b'{"profile_id": "p1"}\n',
        "bad method": b"\x1f\x8b" + b"x" * 100,
    }[kind]
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(data)
    with pytest.raises(UserError, match="truncated or corrupt after line"):
        list(io.iter_lines(path, 1 << 20))


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
