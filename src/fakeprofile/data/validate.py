"""The validation stage: raw JSON Lines in, valid profiles (Parquet) and rejects (JSON Lines) out.

Every input line ends up in exactly one of the two outputs, with the reason for each reject, so the
counts always add up: read = valid + rejected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from fakeprofile.config import DEFAULTS
from fakeprofile.data import io, schema
from fakeprofile.data.check import check_batch
from fakeprofile.data.records import (  # noqa: F401 - their names for callers of validate
    Line,
    Reject,
    check_line,
    check_lines,
    check_rules,
    key_text,
)
from fakeprofile.data.schema import Rules  # noqa: F401 - validate.Rules, its name for callers
from fakeprofile.errors import UserError

MAX_NAMED = schema.MAX_NAMED


@dataclass
class Counts:
    read: int = 0
    valid: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    unknown_fields: set[str] = field(default_factory=set)  # of valid rows: schema.unknown_keys
    damage: str | None = None  # the first io.Damaged reason: the input is damaged there

    def summary(self) -> str:
        return f"{self.read} read, {self.valid} valid, {self.rejected} rejected"


class Dedup:
    """Profile ids seen so far: a later line with the same id is rejected (the first one wins).

    Ids are kept as 16-byte BLAKE2 digests in sorted numpy arrays, not as Python strings: 16
    bytes per id instead of about 110, so a file of ten million invitations needs 160 MB, not
    more than a gigabyte. Two different ids share a digest with probability about n^2 / 2^129
    (1e-24 for ten million ids).

    The digests live in a few sorted runs whose sizes at least double from newest to oldest;
    a new batch is a run of its own, merged while it is as large as the run before it (a
    binary counter). Each digest is so re-sorted about log2(n / batch) times in all, where
    inserting every batch into one sorted array copied all earlier ids each time (quadratic)."""

    def __init__(self) -> None:
        # (first 8 digest bytes, sorted; last 8 bytes, in the same order), oldest run first
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def _seen(self, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
        """Which digests are already stored. The batch is searched in sorted order, so each run
        is walked forwards instead of probed at random;
        only first halves found in a run (duplicates, in practice) are compared in full."""
        order = np.argsort(hi)
        sorted_hi = hi[order]
        seen = np.zeros(len(hi), dtype=bool)
        for run_hi, run_lo in self._runs:
            start = np.searchsorted(run_hi, sorted_hi)
            found = run_hi[np.minimum(start, len(run_hi) - 1)] == sorted_hi
            for k in np.flatnonzero(found).tolist():
                j, i = int(start[k]), int(order[k])
                while j < len(run_hi) and run_hi[j] == hi[i] and not seen[i]:
                    seen[i] = run_lo[j] == lo[i]
                    j += 1
        return seen

    def _add(self, hi: np.ndarray, lo: np.ndarray) -> None:
        self._runs.append((hi, lo))
        while len(self._runs) > 1 and len(self._runs[-1][0]) >= len(self._runs[-2][0]):
            (new_hi, new_lo), (old_hi, old_lo) = self._runs.pop(), self._runs.pop()
            hi, lo = np.concatenate([old_hi, new_hi]), np.concatenate([old_lo, new_lo])
            self._runs.append((hi, lo))
        order = np.argsort(self._runs[-1][0], kind="stable")
        self._runs[-1] = (self._runs[-1][0][order], self._runs[-1][1][order])

    def keep(self, ids: list[str], line_nos: list[int]) -> tuple[list[int], list[Reject]]:
        """Positions in `ids` to keep, and a reject for every other one. Batches must be passed
        in input order."""
        if not ids:
            return [], []
        digests = [hashlib.blake2b(p.encode("utf-8"), digest_size=16).digest() for p in ids]
        batch: set[bytes] = set()
        first = np.array([not (d in batch or batch.add(d)) for d in digests], dtype=bool)
        halves = np.frombuffer(b"".join(digests), dtype=np.uint64).reshape(-1, 2)
        hi, lo = halves[:, 0].copy(), halves[:, 1].copy()
        ok = first & ~self._seen(hi, lo)
        if ok.any():
            self._add(hi[ok], lo[ok])
        keep = np.flatnonzero(ok).tolist()
        rejects = [
            Reject(line_nos[i], ids[i], f"profile_id: duplicate of an earlier line ({ids[i]})")
            for i in np.flatnonzero(~ok).tolist()
        ]
        return keep, rejects


def settle(
    dedup: Dedup, counts: Counts, ids: list[str], line_nos: list[int], rejects: list[Reject]
) -> tuple[list[int], list[Reject]]:
    """Finish a checked batch, in input order: reject later duplicates of earlier ids and add
    the batch to the counts (read = valid + rejected). Returns the positions of `ids` to keep
    and every reject of the batch, in line order."""
    keep, dups = dedup.keep(ids, line_nos)
    if dups:
        rejects = sorted(rejects + dups, key=lambda r: r.line)
    counts.read += len(keep) + len(rejects)
    counts.valid += len(keep)
    counts.rejected += len(rejects)
    for r in rejects:
        key = r.reason.split(":")[0]
        counts.reasons[key] = counts.reasons.get(key, 0) + 1
    return keep, rejects


BATCH_BYTES = 64 << 20  # a batch ends here too: 2,500 lines of 1 MB would be 2.5 GB


def batches(lines: Iterable[Line], size: int) -> Iterator[list[Line]]:
    """Consecutive lists of `size` lines (the last one shorter), or fewer where their bytes
    reach BATCH_BYTES."""
    batch: list[Line] = []
    held = 0
    for item in lines:
        batch.append(item)
        held += len(item[1] or b"")
        if len(batch) >= size or held >= BATCH_BYTES:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def validate_stream(
    lines: Iterable[Line], rules: Rules, counts: Counts, chunk_rows: int
) -> Iterator[tuple[pa.Table, list[Reject]]]:
    """Turn (line number, raw line) pairs into chunks of valid rows and the rejects among them."""
    dedup = Dedup()
    for batch in batches(lines, chunk_rows):
        table, line_nos, rejects = check_batch(batch, rules, unknown=counts.unknown_fields)
        ids = table.column("profile_id").to_pylist()
        keep, rejects = settle(dedup, counts, ids, line_nos, rejects)
        if len(keep) < len(ids):
            table = table.take(pa.array(keep, pa.int64()))
        yield table, rejects


def run(
    input_path: str | Path,
    output: str | Path,
    rejects_path: str | Path,
    rules: Rules,
    chunk_rows: int = DEFAULTS.validation.chunk_rows,
    max_line_bytes: int = DEFAULTS.validation.max_line_bytes,
) -> Counts:
    """Validate `input_path` into `output` (Parquet) and `rejects_path` (JSON Lines)."""
    io.check_targets({"input": input_path}, {"output": output, "rejects": rejects_path})
    counts = Counts()
    lines = noting_damage(io.iter_lines(input_path, max_line_bytes), counts)
    with (
        io.ParquetChunks(output, schema.ARROW_SCHEMA) as out,
        io.atomic_path(rejects_path) as rej_tmp,
        open(rej_tmp, "w", encoding="utf-8") as rej,
    ):
        for table, rejects in validate_stream(lines, rules, counts, chunk_rows):
            out.write(table)
            for r in rejects:
                rej.write(r.to_json() + "\n")
    if counts.valid == 0:
        raise UserError(
            f"no valid profiles in {input_path} ({counts.summary()}); reasons are in {rejects_path}"
        )
    return counts


def noting_damage(lines: Iterable[Line], counts: Counts) -> Iterator[Line]:
    """`lines`, noting in `counts.damage` the first place the input is damaged (io.Damaged),
    so that the command can exit non-zero once its outputs are written."""
    for line in lines:
        if counts.damage is None and isinstance(line[1], io.Damaged):
            counts.damage = str(line[1])
        yield line


def damage_error(counts: Counts, what: str) -> UserError:
    """The one line a command ends with when its input was damaged part-way."""
    return UserError(
        f"{counts.damage} ({counts.summary()}; the {what} before it were used, "
        "the lost part is in the rejects file)"
    )
