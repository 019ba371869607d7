"""Batch scoring: a file of invitations (each with its sender's profile) in, a decision per
invitation out.

Input rows go through exactly the validation used for training (labels not required); invalid rows
go to the rejects file with their line number and reason. Valid rows are scored chunk by chunk, so
memory stays flat at any input size, and written in input order to a temporary file that is renamed
onto the output only when everything succeeded.
"""

from __future__ import annotations

import collections
import gc
import itertools
import json
import multiprocessing as mp
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fakeprofile import interrupt, jit
from fakeprofile.config import DEFAULTS
from fakeprofile.data import check, io, schema, validate
from fakeprofile.errors import UserError
from fakeprofile.inference.predictor import OUTPUT_SCHEMA, FakeProfileModel

FORMATS = (".parquet", ".csv", ".jsonl")


@dataclass
class Summary:
    read: int = 0
    scored: int = 0
    rejected: int = 0
    decisions: dict[str, int] = field(default_factory=lambda: {"accept": 0, "ask": 0, "report": 0})
    # Input fields (JSON keys, Parquet columns) that are not in the input schema: not used.
    ignored_fields: list[str] = field(default_factory=list)
    damage: str | None = None  # where the input is damaged (validate.Counts.damage)

    def line(self) -> str:
        per = ", ".join(f"{k} {v}" for k, v in self.decisions.items())
        return f"{self.read} read, {self.scored} scored, {self.rejected} rejected ({per})"


# Input fields that describe a profile: all but its id and the training-only columns.
PROFILE_FIELDS = frozenset(schema.ARROW_SCHEMA.names) - {"profile_id", "label", "fake_kind"}


def unknown_columns(names: list[str], source: str | Path) -> list[str]:
    """The columns of a Parquet input that are not input fields, which scoring ignores (the
    summary names them). An input with ids but not one profile field is refused: every row
    would be scored as an empty profile (a feature table gave 20,000 plausible decisions)."""
    if "profile_id" in names and not PROFILE_FIELDS.intersection(names):
        raise UserError(
            f"{source} has profile ids but none of the profile fields "
            f"({', '.join(sorted(PROFILE_FIELDS)[:5])}, ...): is it the right file? "
            "The input schema is in the README"
        )
    return [c for c in names if c not in schema.ARROW_SCHEMA.names]


def _parquet_lines(path: Path, chunk_rows: int, max_line_bytes: int) -> Iterator[validate.Line]:
    """Rows of a Parquet file, numbered from 1 (a row that cannot be read: its reason; a row
    longer than `max_line_bytes` as JSON: None, as for JSON Lines)."""
    n = 0
    for part in io.iter_parquet(path, chunk_rows, max_line_bytes):
        if isinstance(part, io.Unreadable):
            n += 1
            yield n, part
            continue
        yield from check.arrow_rows(part, range(n + 1, n + 1 + part.num_rows), max_line_bytes)
        n += part.num_rows


def input_lines(path: Path, chunk_rows: int, max_line_bytes: int) -> Iterator[validate.Line]:
    """(line or row number, JSON line) of a .jsonl, .jsonl.gz or Parquet input."""
    if path.name.endswith(".parquet"):
        return _parquet_lines(path, chunk_rows, max_line_bytes)
    if path.name.endswith((".jsonl", ".jsonl.gz", ".json", ".ndjson")):
        return io.iter_lines(path, max_line_bytes)
    raise UserError(f"input must be .jsonl, .jsonl.gz or .parquet: {path}")


# -- the work on one chunk, in this process or a worker --------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(model: FakeProfileModel, rules: validate.Rules, photos: str | None) -> None:
    """Runs once in each worker process: keep the model, and use one thread per process (the
    processes already use every core; nested threads would only fight over them)."""
    from threadpoolctl import threadpool_limits

    interrupt.ignore_in_worker()
    threadpool_limits(1)
    _WORKER.update(model=model, rules=rules, photos=photos)


class Chunk(NamedTuple):
    """One scored chunk, as it comes back from a worker."""

    scored: pa.Table | None  # OUTPUT_SCHEMA, in line order; None if no line was valid
    line_nos: list[int]  # of the scored rows
    rejects: list[validate.Reject]
    unknown_fields: list[str]  # keys of valid rows the schema lacks (schema.unknown_keys)


def score_chunk(
    lines: list[validate.Line],
    model: FakeProfileModel | None = None,
    rules: validate.Rules | None = None,
    photos: str | Path | None = None,
) -> Chunk:
    """Validate and score one chunk of raw lines. Duplicate ids across chunks are left to the
    caller, who sees the chunks in order."""
    if model is None:
        model, rules, photos = _WORKER["model"], _WORKER["rules"], _WORKER["photos"]
    unknown: set[str] = set()
    table, line_nos, rejects = validate.check_batch(lines, rules, False, unknown)
    scored = model.score_arrow(table, photos) if table.num_rows else None
    return Chunk(scored, line_nos, rejects, sorted(unknown))


def scored_chunks(
    lines: Iterator[validate.Line],
    model: FakeProfileModel,
    rules: validate.Rules,
    photos: str | Path | None,
    chunk_rows: int,
    workers: int,
) -> Iterator[Chunk]:
    """score_chunk over consecutive chunks, in input order, on `workers` processes.

    A pool is started only if the input has more than one chunk. At most two chunks per worker
    are in flight, so memory stays flat whatever the input size. Ctrl-C stops it between chunks
    (interrupt.deferred)."""
    chunks = validate.batches(lines, chunk_rows)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    with interrupt.deferred() as stop:
        if second is None or workers <= 1:
            for chunk in itertools.chain([first], [second] if second else [], chunks):
                stop()
                yield score_chunk(chunk, model, rules, photos)
            return
        # Workers are forked after the word lists and compiled code are loaded (model.warm), so
        # they share those pages (hundreds of MB) instead of each loading a copy; gc.freeze keeps
        # the collector from touching (and so copying) them. Nothing in this process has started
        # threads that a fork could break (Numba compiles and runs in this thread).
        ctx = mp.get_context("fork")
        if jit.cold():
            # Compiling leaves the compiler's memory in the process that did it (it raised the
            # million-row peak past 1 GiB). A child compiles and fills Numba's cache, then this
            # process loads the machine code from there.
            _compile_in_child(ctx, model, stop)
        model.warm()
        stop()
        # The first chunk is scored here, before the fork: the verdicts it caches (words met,
        # notes read) are then shared by the workers, where each would otherwise learn its own.
        # On one thread, as in the workers: no OpenMP or BLAS threads exist at the fork.
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            done = score_chunk(first, model, rules, photos)
        yield done
        del first, done  # not kept (nor frozen below) for the whole run
        stop()
        gc.freeze()
        with ProcessPoolExecutor(
            workers, ctx, initializer=_init_worker, initargs=(model, rules, photos)
        ) as pool:
            pending: collections.deque = collections.deque()
            try:
                for chunk in itertools.chain([second], chunks):
                    stop()
                    pending.append(pool.submit(score_chunk, chunk))
                    if len(pending) >= 2 * workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            except BrokenProcessPool as exc:
                raise UserError(
                    "a scoring worker process died (killed, or out of memory); nothing was "
                    "written. Re-run with --workers 1 to see the error in this process"
                ) from exc


def _compile_in_child(ctx: Any, model: FakeProfileModel, stop: Callable[[], None]) -> None:
    """model.compile in a child process; on Ctrl-C (noted by interrupt.deferred) the child is
    stopped (Numba writes each cache file under a temporary name, so none is left half-written)
    and KeyboardInterrupt raised."""
    child = ctx.Process(target=_compile, args=(model,))
    child.start()
    try:
        while child.is_alive():
            child.join(0.1)
            stop()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


def _compile(model: FakeProfileModel) -> None:
    """In the compiling child (the parent stops it on Ctrl-C)."""
    interrupt.ignore_in_worker()
    model.compile()


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): such cells get a leading apostrophe, which spreadsheets show as text.
FORMULA_START = r"^[=+\-@\t\r]"


def no_formula(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Text cells starting like a formula (`=HYPERLINK(...)`, `+cmd|...`, `-1+1`, `@SUM(...)`,
    a tab or a carriage return), prefixed with `'`; the others unchanged. In Arrow, on the
    whole column."""
    risky = pc.fill_null(pc.match_substring_regex(column, FORMULA_START), False)
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


class Writer:
    """Appends scored chunks to a temporary file of the format the output's extension names."""

    def __init__(self, tmp: Path, suffix: str):
        self.suffix = suffix
        if suffix == ".parquet":
            self._pq = pq.ParquetWriter(tmp, OUTPUT_SCHEMA, compression="zstd")
        else:
            self._fh = open(tmp, "wb")  # noqa: SIM115 - closed in close()
        self._header = True

    def write(self, table: pa.Table) -> None:
        """Append scored rows (a table of OUTPUT_SCHEMA)."""
        if self.suffix == ".parquet":
            self._pq.write_table(table)
        elif self.suffix == ".csv":
            at = table.schema.get_field_index("reasons")
            flat = table.set_column(at, "reasons", pc.binary_join(table["reasons"], "; "))
            for i, column in enumerate(flat.columns):
                if pa.types.is_string(column.type):
                    flat = flat.set_column(i, flat.field(i), no_formula(column))
            pacsv.write_csv(flat, self._fh, pacsv.WriteOptions(include_header=self._header))
            self._header = False
        else:
            for rec in table.to_pylist():
                self._fh.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))

    def close(self) -> None:
        if self.suffix == ".parquet":
            self._pq.close()
        else:
            self._fh.close()


def run(
    input_path: str | Path,
    output: str | Path,
    model: FakeProfileModel,
    rejects: str | Path,
    photos: str | Path | None,
    chunk_rows: int,
    max_line_bytes: int = DEFAULTS.validation.max_line_bytes,
    progress: Any = None,
    workers: int = 1,
) -> Summary:
    """Score `input_path` into `output`; invalid rows into `rejects`. Returns the counts.

    With `workers` > 1, chunks are validated and scored on that many processes; the output is
    the same, in input order."""
    input_path, output = Path(input_path), Path(output)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"output must end in {', '.join(FORMATS)}: {output}")
    if not input_path.is_file():
        raise UserError(f"input file not found: {input_path}")
    if photos is not None and not Path(photos).is_dir():
        raise UserError(f"photo folder not found: {photos}")
    io.check_targets({"input": input_path}, {"output": output, "rejects": rejects})
    summary = Summary()
    if input_path.name.endswith(".parquet"):
        summary.ignored_fields = unknown_columns(io.parquet_schema(input_path).names, input_path)
    rules = validate.Rules(photo_dir=Path(photos) if photos else None, require_label=False)
    counts = validate.Counts()
    lines = validate.noting_damage(input_lines(input_path, chunk_rows, max_line_bytes), counts)
    dedup = validate.Dedup()
    with io.atomic_path(output) as tmp, io.atomic_path(rejects) as rej_tmp:
        writer = Writer(tmp, suffix)
        try:
            with open(rej_tmp, "w", encoding="utf-8") as rej:
                for scored, line_nos, bad, unknown in scored_chunks(
                    lines, model, rules, photos, chunk_rows, workers
                ):
                    schema.add_names(counts.unknown_fields, unknown)
                    ids = scored.column("profile_id").to_pylist() if scored is not None else []
                    keep, bad = validate.settle(dedup, counts, ids, line_nos, bad)
                    if len(keep) < len(ids):
                        scored = scored.take(keep)
                    for r in bad:
                        rej.write(r.to_json() + "\n")
                    if keep:
                        writer.write(scored)
                        for d in pc.value_counts(scored.column("decision")).to_pylist():
                            summary.decisions[d["values"]] += d["counts"]
                    if progress is not None:
                        progress.update(len(keep) + len(bad))
        finally:
            writer.close()
    summary.read, summary.scored, summary.rejected = counts.read, counts.valid, counts.rejected
    summary.ignored_fields = sorted(set(summary.ignored_fields) | counts.unknown_fields)
    summary.damage = counts.damage
    return summary
