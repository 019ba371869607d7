"""The validation stage: raw JSON Lines in, valid profiles (Parquet) and rejects (JSON Lines) out.

Every input line ends up in exactly one of the two outputs, with the reason for each reject, so the
counts always add up: read = valid + rejected.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import ValidationError

from fakeprofile.config import DEFAULTS
from fakeprofile.data import io, schema, validate_arrow
from fakeprofile.data.safepath import UnsafePath, check_photo
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


def _pydantic_reason(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"]) or "record"
    if err["type"] == "json_invalid":
        return f"malformed JSON: {err['msg']}"
    if err["type"] == "model_type" and not err["loc"]:
        return "record is not a JSON object"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{loc}: {err['msg']}{more}"


def _readable_id(raw: bytes) -> str | None:
    """The profile_id of a rejected line, if it can be read at all (for the rejects file)."""
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    pid = obj.get("profile_id") if isinstance(obj, dict) else None
    return pid[:200] if isinstance(pid, str) else None


def _dates(p: schema.Profile) -> Iterator[tuple[str, date]]:
    """Dates that must not lie in the future (an education end date may: expected graduation)."""
    if p.created_at:
        yield "created_at", p.created_at
    if p.invitation and p.invitation.sent_at:
        yield "invitation.sent_at", p.invitation.sent_at.date()
    for i, e in enumerate(p.experience or []):
        if e.start:
            yield f"experience.{i}.start", e.start
    for i, e in enumerate(p.education or []):
        if e.start:
            yield f"education.{i}.start", e.start


def check_rules(p: schema.Profile, rules: Rules) -> str | None:
    """The reason `p` must be rejected, or None."""
    if rules.require_label and p.label is None:
        return "label: required for training data ('fake' or 'genuine')"
    for name, d in _dates(p):
        if d > rules.as_of:
            return f"{name}: date {d} is in the future"
        if d < rules.earliest_date:
            return f"{name}: date {d} is implausibly early"
    for i, e in enumerate(p.experience or []):
        if e.start and e.end and e.end < e.start:
            return f"experience.{i}: ends before it starts"
    if p.photo is not None:
        try:
            check_photo(p.photo, rules.photo_dir)
        except UnsafePath as exc:
            return f"photo: {exc}"
    return None


def check_line(raw: bytes | None, rules: Rules) -> tuple[schema.Profile | None, str | None]:
    """Parse and check one raw line: (profile, None) if valid, else (None, reason)."""
    if raw is None:
        return None, "line too long"
    if isinstance(raw, str):  # io.Unreadable: the reason it could not be read
        return None, str(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    try:
        profile = schema.Profile.model_validate_json(raw)
    except ValidationError as exc:
        return None, _pydantic_reason(exc)
    except (ValueError, RecursionError) as exc:  # pragma: no cover - parser limits
        return None, f"malformed JSON: {exc}"
    if (key := schema.duplicate_key(raw)) is not None:
        return None, f"duplicate key: {key_text(key)} appears twice in one object"
    reason = check_rules(profile, rules)
    return (None, reason) if reason else (profile, None)


def key_text(key: str, limit: int = 60) -> str:
    """A key name from the input, safe to print and to keep: control and format characters
    (ANSI escapes, newlines, bidirectional overrides) and lone surrogates as escapes, and
    capped in length."""
    out = "".join(
        repr(c)[1:-1] if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in key[:limit]
    )
    return out + ("..." if len(key) > limit else "")


@dataclass
class Reject:
    line: int
    profile_id: str | None
    reason: str

    def to_json(self) -> str:
        """One JSON line. An id or reason holding a lone surrogate (JSON can write "\\ud800",
        UTF-8 cannot) is written with ASCII escapes instead of failing the whole run."""
        text = json.dumps(self.__dict__, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(self.__dict__, ensure_ascii=True)
        return text


Line = tuple[int, bytes | None]


def check_lines(
    lines: Iterable[Line], rules: Rules, unknown: set[str] | None = None
) -> tuple[list[dict], list[int], list[Reject]]:
    """Check a batch of (line number, raw line): the valid rows (for schema.rows_to_table), their
    line numbers, and the rejects; the valid rows' unknown keys (schema.unknown_keys) are added
    to `unknown`. Duplicates are not looked for here (see `Dedup`), so batches can be checked in
    any process and in any order."""
    rows: list[dict[str, Any]] = []
    line_nos: list[int] = []
    rejects: list[Reject] = []
    for line_no, raw in lines:
        profile, reason = check_line(raw, rules)
        if profile is None:
            pid = _readable_id(raw) if isinstance(raw, bytes) else None
            rejects.append(Reject(line_no, pid, reason))
        else:
            rows.append(schema.to_row(profile))
            line_nos.append(line_no)
            if unknown is not None:  # pydantic drops nested unknown keys: read them here
                schema.add_names(unknown, schema.unknown_keys_in(raw))
    return rows, line_nos, rejects


def check_batch(
    lines: list[Line], rules: Rules, keep_extra: bool = True, unknown: set[str] | None = None
) -> tuple[pa.Table, list[int], list[Reject]]:
    """Check a batch of (line number, raw line): the valid rows as a table of
    schema.ARROW_SCHEMA, their line numbers, and the rejects.

    A batch whose lines are all plainly valid is read by Arrow in one go (validate_arrow); any
    other goes line by line through pydantic, which also names each reason.
    `keep_extra=False` may leave the `extra` column (unknown fields) null: scoring ignores it.
    The valid rows' unknown keys, at any depth, are added to `unknown` either way."""
    table = validate_arrow.check_batch([raw for _, raw in lines], rules, keep_extra, unknown)
    if table is not None:
        return table, [n for n, _ in lines], []
    rows, line_nos, rejects = check_lines(lines, rules, unknown)
    return schema.rows_to_table(rows), line_nos, rejects


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
