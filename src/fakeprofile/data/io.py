"""Streaming input and atomic output.

Inputs can be far larger than memory and come from strangers, so they are read line by line with a
hard cap on line length; outputs are written to a temporary file beside the target and renamed into
place only when complete, so an interrupted run never leaves a file that looks finished.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from isal import isal_zlib

from fakeprofile.errors import UserError

BOM = b"\xef\xbb\xbf"


class Unreadable(str):
    """A reject reason standing in for a line or row that could not be read as one (a Parquet
    row too large to decode, a row group that cannot be decoded). Validation rejects it with
    this reason."""


class Damaged(Unreadable):
    """The input is damaged from this point on (a truncated or corrupt compressed file, an
    undecodable Parquet row group): the rows before it are used, this stands for what is lost,
    and the command exits non-zero after writing its outputs."""


class _Damage(Exception):
    """Raised by a block reader at the point where the input stops being readable."""


_NONBLANK = re.compile(rb"[^\s][^\n]*")  # from a line's first non-blank byte to its end
_PIECE = 1 << 16  # compressed bytes given to the decompressor at a time


def _plain_blocks(handle: BinaryIO, block_bytes: int) -> Iterator[bytes]:
    try:
        while block := handle.read(block_bytes):
            yield block
    except OSError as exc:  # pragma: no cover - a failing disk
        raise _Damage(f"read error ({exc.strerror or exc})") from exc


def _gzip_blocks(handle: BinaryIO, block_bytes: int) -> Iterator[bytes]:
    """The decompressed bytes of a gzip file (one or more members), at most `block_bytes` at a
    time, whatever the compression ratio. Compressed input is fed a piece at a time, so at a
    damaged place everything decompressed before it has been yielded. Raises _Damage naming
    the cause: cut short, not gzip at all, data after the end of the gzip stream, or corrupt."""
    d = isal_zlib.decompressobj(wbits=31)  # a gzip member: header, deflate data, CRC and size
    members = 0  # members finished
    begun = False  # bytes of the current member consumed
    data = b""
    while True:
        if not data:
            data = handle.read(_PIECE)
            if not data:
                if begun and not d.eof:
                    raise _Damage("truncated (the compressed data ends in the middle)")
                return
        if members and not begun:
            # Between members: another member, or zero padding (as the gzip module allows).
            data = data.lstrip(b"\x00")
            if not data:
                continue
            if not data.startswith(b"\x1f\x8b"[: len(data)]):
                raise _Damage("trailing data after the end of the gzip stream (not gzip)")
        try:
            out = d.decompress(data, block_bytes)
        except isal_zlib.error as exc:
            if not members and not begun and not data.startswith(b"\x1f\x8b"):
                raise _Damage(f"not a gzip file ({exc})") from exc
            raise _Damage(f"corrupt compressed data ({exc})") from exc
        begun = True
        if out:
            yield out
        if d.eof:
            data = d.unused_data
            d, members, begun = isal_zlib.decompressobj(wbits=31), members + 1, False
        else:
            data = d.unconsumed_tail


def iter_lines(
    path: str | Path, max_line_bytes: int, block_bytes: int = 1 << 20
) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, raw line) for a `.jsonl` or `.jsonl.gz` file.

    A line longer than `max_line_bytes` is yielded as None (the caller rejects it) and skipped
    without ever being held in memory whole. Blank lines are skipped; LF, CRLF and CR-only line
    ends and a leading byte-order mark are accepted. Raises UserError if the file cannot be
    opened. Where a compressed file is damaged, the lines before it are yielded, then one
    Damaged reason standing for the rest.

    The file is read a block at a time and split in C: reading a gzip file a line at a time costs
    a Python-level call per line. Blank lines cost no Python
    work of their own.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"input file not found: {path}")
    gz = path.name.endswith(".gz")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:  # pragma: no cover - permissions and the like
        raise UserError(f"cannot open {path}: {exc}") from exc
    line_no = 0
    carry = b""  # the start of a line that goes on in the next block
    too_long = False  # the line being read is over the limit: its bytes are dropped
    long_text = False  # and some of them were not blank
    skip_lf = False  # the last block ended in CR: a LF starting the next one belongs to it
    with handle:
        blocks = _gzip_blocks(handle, block_bytes) if gz else _plain_blocks(handle, block_bytes)
        try:
            for block in blocks:
                if skip_lf and block.startswith(b"\n"):
                    block = block[1:]
                skip_lf = block.endswith(b"\r")
                if b"\r" in block:
                    block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                first = block.find(b"\n")
                if first < 0:
                    if too_long:
                        long_text = long_text or bool(block.strip())
                    elif len(carry) + len(block) > max_line_bytes:
                        too_long, long_text = True, bool(carry.strip() or block.strip())
                        carry = b""
                    else:
                        carry += block
                    continue
                line_no += 1  # the line carried over from earlier blocks ends at `first`
                if too_long or len(carry) + first > max_line_bytes:
                    if long_text or carry.strip() or block[:first].strip():
                        yield line_no, None  # (a blank line is skipped, however long)
                elif kept := _clean(carry + block[:first], line_no):
                    yield line_no, kept
                too_long, long_text, carry = False, False, b""
                last = block.rfind(b"\n")
                pos = first + 1  # the start of the next line
                if block.strip():
                    for m in _NONBLANK.finditer(block, pos, last):
                        start = m.start()
                        line_no += block.count(b"\n", pos, start) + 1
                        begin = block.rfind(b"\n", pos, start) + 1 or pos
                        if m.end() - begin > max_line_bytes:
                            yield line_no, None
                        elif kept := _clean(block[begin : m.end()], line_no):
                            yield line_no, kept
                        pos = m.end() + 1
                line_no += block.count(b"\n", pos, last + 1)
                rest = block[last + 1 :]
                if len(rest) > max_line_bytes:
                    too_long, long_text = True, bool(rest.strip())
                else:
                    carry = rest
        except _Damage as exc:
            yield (
                line_no + 1,
                Damaged(
                    f"input damaged after line {line_no}: {path.name} is {exc}; "
                    "this line and any after it are lost"
                ),
            )
            return
    if too_long or carry:  # a last line without a newline
        line_no += 1
        if too_long:
            if long_text:
                yield line_no, None
        elif kept := _clean(carry, line_no):
            yield line_no, kept


def _clean(line: bytes, line_no: int) -> bytes | None:
    """The line without a byte-order mark (first line only) and line ends; None if blank."""
    if line_no == 1 and line.startswith(BOM):
        line = line[len(BOM) :]
    line = line.rstrip(b"\r\n")
    return line if line.strip() else None


def _overlap(a: Path, b: Path) -> bool:
    """Whether a and b are one file or folder (through symlinks, relative paths or hard links),
    or one lies inside the other."""
    ra, rb = a.resolve(), b.resolve()
    if ra == rb or ra in rb.parents or rb in ra.parents:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet
        return False


def check_targets(reads: dict[str, str | Path], writes: dict[str, str | Path]) -> None:
    """Refuse to start a run that would write over what it reads, or write two outputs to one
    file. Outputs are renamed into place at the end, so such a run would report success and
    leave the input replaced by its own scores (or rejects), or one output replaced by the
    other. The names ("output", "rejects", ...) say which is which in the message."""
    for name, target in writes.items():
        for source_name, source in reads.items():
            if _overlap(Path(target), Path(source)):
                raise UserError(
                    f"{name} {target} would overwrite the {source_name} file {source}: "
                    f"choose another {name} path"
                )
    names = list(writes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if _overlap(Path(writes[first]), Path(writes[second])):
                raise UserError(
                    f"{first} and {second} are the same file ({writes[first]}): "
                    "give them different paths"
                )


LOCK_WAIT_SECONDS = 600  # how long a run waits for another one writing the same output
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_FULL_TEXT = ("No space left", "Disk quota exceeded", "File too large")


def _disk_full(exc: OSError) -> bool:
    """Whether an error from Python or Arrow (which may not set errno) says the disk is full."""
    return exc.errno in _FULL or any(t in str(exc) for t in _FULL_TEXT)


def refuse_special(target: Path) -> None:
    """Refuse an existing output path that is not a regular file: renaming onto it would replace
    a device (as root, `--rejects /dev/null` replaced the system's /dev/null), a FIFO, or a
    symbolic link the user may have meant to write through."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    except OSError:  # under a file, say: creating the temporary file says why
        return
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"{target} is a folder: give the path of a file to write")
    if not stat.S_ISREG(st.st_mode):
        kind = {
            stat.S_IFLNK: "a symbolic link",
            stat.S_IFCHR: "a device",
            stat.S_IFBLK: "a device",
            stat.S_IFIFO: "a FIFO",
            stat.S_IFSOCK: "a socket",
        }.get(stat.S_IFMT(st.st_mode), "not a regular file")
        raise UserError(
            f"{target} exists and is {kind}, not a regular file: refusing to replace it; "
            "give the path of a regular file (or remove it first)"
        )


@contextlib.contextmanager
def _output_lock(target: Path) -> Iterator[None]:
    """Hold `.NAME.lock` beside `target` (flock, released if the process dies): a second run
    writing the same file waits for the first, up to LOCK_WAIT_SECONDS, then stops with one
    line. Whoever holds it removes what killed runs left (`.NAME.*.partial`). The lock file is
    removed at the end; a waiter that locked a removed file takes the new one instead."""
    lock = target.with_name(f".{target.name}.lock")
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    told = False
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() > deadline:
                raise UserError(
                    f"another run has been writing {target} for over {LOCK_WAIT_SECONDS} s "
                    f"(it holds {lock}): wait for it, or choose another output path"
                ) from None
            if not told:
                print(f"waiting for another run writing {target}", file=sys.stderr)
                told = True
            time.sleep(0.2)
            continue
        try:
            same = os.path.samestat(os.fstat(fd), os.lstat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        for old in target.parent.glob(f".{glob.escape(target.name)}.*.partial"):
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.lstat(old).st_mode):
                    old.unlink()
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Give a temporary path beside `target`; rename it onto `target` only if the block succeeds.

    A target that cannot be written (a folder, a path under a file, no permission, a device or a
    symbolic link) is a one-line error before the block runs, not a traceback after all its
    work. Two runs writing one target take turns (_output_lock); a full disk is one line and
    leaves nothing behind."""
    target = Path(target)
    refuse_special(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        above = next((p for p in target.parents if p.exists()), None)
        why = f"{above} is a file" if above and not above.is_dir() else exc.strerror or exc
        raise UserError(f"cannot write {target}: {why}") from exc
    with _output_lock(target):
        refuse_special(target)  # it may have changed while we waited
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".partial", dir=target.parent
            )
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            try:
                yield tmp_path
            except OSError as exc:
                if _disk_full(exc):
                    raise UserError(
                        f"the disk is full (writing in {target.parent}): nothing was written; "
                        "free some space and run again"
                    ) from exc
                raise
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes files 0600; give the usual mode
            try:
                os.replace(tmp_path, target)
            except OSError as exc:  # the target became a folder meanwhile, say
                raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
        finally:
            tmp_path.unlink(missing_ok=True)


class ParquetChunks:
    """Append Arrow tables of one schema to a Parquet file that appears only when closed cleanly."""

    def __init__(self, target: str | Path, schema: pa.Schema):
        self._ctx = atomic_path(target)
        self._tmp = self._ctx.__enter__()
        self._writer = pq.ParquetWriter(self._tmp, schema, compression="zstd")
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._writer.write_table(table)
            self.rows += table.num_rows

    def __enter__(self) -> ParquetChunks:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        closing = None
        try:
            self._writer.close()
        except OSError as err:  # a full disk shows here too: atomic_path says so in one line
            closing = err
        if exc is None and closing is not None:
            exc_type, exc, tb = type(closing), closing, closing.__traceback__
        if not self._ctx.__exit__(exc_type, exc, tb) and closing is not None and exc is closing:
            raise closing


def parquet_schema(path: str | Path) -> pa.Schema:
    """The schema of a Parquet file, or a one-line error."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"input file not found: {path}")
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError) as exc:  # a name that is not UTF-8, say
        raise UserError(f"{path} is not a readable Parquet file: {_one_line(exc)}") from exc


PARQUET_BUDGET = 64 << 20  # decoded bytes of one batch of Parquet rows turned into Python


def _row_bytes(arr: pa.Array) -> np.ndarray:
    """Per row, what `arr` takes once its dictionaries are expanded (text as its bytes, other
    values eight bytes): a column kept as a dictionary may stand for a thousand times its
    size. In Arrow and numpy, nothing decoded."""
    t, n = arr.type, len(arr)
    if pa.types.is_dictionary(t):
        if not _is_bytes(t.value_type):
            return np.full(n, 8, np.int64)
        lengths = pc.binary_length(arr.dictionary)
        return pc.fill_null(pc.take(lengths, arr.indices), 0).to_numpy(zero_copy_only=False)
    if _is_bytes(t):
        return 8 + pc.fill_null(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False)
        inner = _row_bytes(arr.flatten())
        return 8 + np.bincount(parents, weights=inner, minlength=n).astype(np.int64)
    if pa.types.is_struct(t):
        return 8 + sum((_row_bytes(child) for child in arr.flatten()), np.zeros(n, np.int64))
    return np.full(n, 8, np.int64)


row_bytes = _row_bytes  # for validate_arrow, which bounds a row's length as JSON by it


def _one_line(exc: BaseException) -> str:
    """An error from a library as one short line (Arrow's span several)."""
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _is_bytes(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_binary(t) or pa.types.is_large_string(t)


def _within_budget(table: pa.Table, max_row_bytes: int, budget: int) -> Iterator[pa.Table | int]:
    """`table` in slices whose decoded size is within `budget`, in order; a row over
    `max_row_bytes` comes as 1 in its place, to be rejected unread."""
    sizes = np.zeros(table.num_rows, np.int64)
    for col in table.columns:
        sizes += np.concatenate([_row_bytes(c) for c in col.chunks]) if col.num_chunks else 0
    start, held = 0, 0
    for i, size in enumerate(sizes.tolist()):
        if size > max_row_bytes or held + size > budget:
            if i > start:
                yield table.slice(start, i - start)
            start, held = i, 0
            if size > max_row_bytes:
                yield 1
                start = i + 1
                continue
        held += size
    if table.num_rows > start:
        yield table.slice(start)


def iter_parquet(
    path: str | Path, batch_rows: int, max_row_bytes: int = 1 << 20, budget: int = PARQUET_BUDGET
) -> Iterator[pa.Table | Unreadable]:
    """Stream a Parquet file as tables of at most `batch_rows` rows, or, for each row that cannot
    be read, an Unreadable reason in its place (one per row, in order).

    Text is read as dictionaries and expanded only in slices within `budget` (a 6 KB file whose
    dictionary repeats one long text on every row took 4.2 GB decoded whole); a row over
    `max_row_bytes` is refused without being expanded. A row group that cannot be decoded (a corrupt page) gives a Damaged reason
    for each of its rows not yet read, and the reading goes on with the next one."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"input file not found: {path}")
    try:
        meta = pq.ParquetFile(path)
        text = [c.path for c in meta.schema if c.physical_type == "BYTE_ARRAY"]
        pf = pq.ParquetFile(path, read_dictionary=text)
    except (pa.ArrowException, OSError, ValueError) as exc:  # a name that is not UTF-8, say
        raise UserError(f"{path} is not a readable Parquet file: {_one_line(exc)}") from exc
    for group in range(pf.metadata.num_row_groups):
        rows, done = pf.metadata.row_group(group).num_rows, 0
        try:
            for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[group]):
                table = pa.Table.from_batches([batch])
                for part in _within_budget(table, max_row_bytes, budget):
                    if isinstance(part, int):
                        yield Unreadable(f"row too large (over {max_row_bytes} bytes decoded)")
                    else:
                        yield part
                done += batch.num_rows
        except (pa.ArrowException, OSError, ValueError) as exc:
            why = _one_line(exc)
            for _ in range(max(rows - done, 0)):
                yield Damaged(f"Parquet row group {group} cannot be decoded: {why}")
