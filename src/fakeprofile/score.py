"""Batch scoring: a file of invitations (each with its sender's profile) in, a decision per
invitation out.

Input rows go through exactly the validation used for training (labels not required); invalid rows
go to the rejects file with their line number and reason. Valid rows are scored chunk by chunk, so
memory stays flat at any input size, and written in input order to a temporary file that is renamed
onto the output only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fakeprofile import io, validate
from fakeprofile.errors import UserError
from fakeprofile.model import FakeProfileModel, load_model

OUTPUT_SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("score", pa.float64()),
        ("decision", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("model_version", pa.string()),
    ]
)
FORMATS = (".parquet", ".csv", ".jsonl")
MLFLOW_SCHEMES = ("models:/", "runs:/", "mlflow-artifacts:")


@dataclass
class Summary:
    read: int = 0
    scored: int = 0
    rejected: int = 0
    decisions: dict[str, int] = field(default_factory=lambda: {"accept": 0, "ask": 0, "report": 0})

    def line(self) -> str:
        per = ", ".join(f"{k} {v}" for k, v in self.decisions.items())
        return f"{self.read} read, {self.scored} scored, {self.rejected} rejected ({per})"


def load(model: str | Path) -> FakeProfileModel:
    """An exported model file (checksum-verified) or an MLflow model URI from the project store."""
    text = str(model)
    if text.startswith(MLFLOW_SCHEMES):
        import mlflow

        from fakeprofile import tracking

        mlflow.set_tracking_uri(tracking.tracking_uri(tracking.repo_root()))
        try:
            return mlflow.pyfunc.load_model(text).unwrap_python_model().model
        except mlflow.exceptions.MlflowException as exc:
            raise UserError(f"cannot load {text} from the MLflow store: {exc.message}") from exc
    return load_model(model)


def _parquet_lines(path: Path, chunk_rows: int) -> Iterator[tuple[int, bytes]]:
    """Rows of a Parquet file as (row number, JSON line), so they pass the same validation."""
    n = 0
    for table in io.iter_parquet(path, chunk_rows):
        for row in table.to_pylist():
            n += 1
            extra = row.pop("extra", None)
            if isinstance(extra, str):  # our own validated layout keeps unknown fields here
                with contextlib.suppress(ValueError):
                    row = {**json.loads(extra), **row}
            record = {k: v for k, v in row.items() if v is not None}
            yield n, json.dumps(record, default=str, ensure_ascii=False).encode("utf-8")


def input_chunks(
    path: Path, rules: validate.Rules, counts: validate.Counts, chunk_rows: int, max_line_bytes: int
) -> Iterator[tuple[pa.Table, list[validate.Reject]]]:
    if path.name.endswith(".parquet"):
        lines = _parquet_lines(path, chunk_rows)
    elif path.name.endswith((".jsonl", ".jsonl.gz", ".json", ".ndjson")):
        lines = io.iter_lines(path, max_line_bytes)
    else:
        raise UserError(f"input must be .jsonl, .jsonl.gz or .parquet: {path}")
    return validate.validate_stream(lines, rules, counts, chunk_rows)


class Writer:
    """Appends scored chunks to a temporary file of the format the output's extension names."""

    def __init__(self, tmp: Path, suffix: str):
        self.suffix = suffix
        if suffix == ".parquet":
            self._pq = pq.ParquetWriter(tmp, OUTPUT_SCHEMA, compression="zstd")
        else:
            self._fh = open(tmp, "wb")  # noqa: SIM115 - closed in close()
        self._header = True

    def write(self, frame: pd.DataFrame) -> None:
        if self.suffix == ".parquet":
            self._pq.write_table(
                pa.Table.from_pandas(frame, schema=OUTPUT_SCHEMA, preserve_index=False)
            )
        elif self.suffix == ".csv":
            flat = frame.assign(reasons=frame["reasons"].map("; ".join))
            table = pa.Table.from_pandas(flat, preserve_index=False)
            pacsv.write_csv(table, self._fh, pacsv.WriteOptions(include_header=self._header))
            self._header = False
        else:
            for rec in frame.to_dict("records"):
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
    max_line_bytes: int = 1 << 20,
    progress: Any = None,
) -> Summary:
    """Score `input_path` into `output`; invalid rows into `rejects`. Returns the counts."""
    input_path, output = Path(input_path), Path(output)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"output must end in {', '.join(FORMATS)}: {output}")
    if not input_path.is_file():
        raise UserError(f"input file not found: {input_path}")
    if photos is not None and not Path(photos).is_dir():
        raise UserError(f"photo folder not found: {photos}")
    rules = validate.Rules(photo_dir=Path(photos) if photos else None, require_label=False)
    counts = validate.Counts()
    summary = Summary()
    with io.atomic_path(output) as tmp, io.atomic_path(rejects) as rej_tmp:
        writer = Writer(tmp, suffix)
        try:
            with open(rej_tmp, "w", encoding="utf-8") as rej:
                for table, bad in input_chunks(
                    input_path, rules, counts, chunk_rows, max_line_bytes
                ):
                    for r in bad:
                        rej.write(r.to_json() + "\n")
                    if table.num_rows:
                        scored = model.score(table, photos)
                        writer.write(scored)
                        for d, n in scored["decision"].value_counts().items():
                            summary.decisions[d] += int(n)
                    if progress is not None:
                        progress.update(table.num_rows + len(bad))
        finally:
            writer.close()
    summary.read, summary.scored, summary.rejected = counts.read, counts.valid, counts.rejected
    return summary
