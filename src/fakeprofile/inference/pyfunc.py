"""The MLflow face of the model: a pyfunc that takes raw profile records (the input schema, one
per row; nested fields as dicts and lists) and returns the same columns as `fakeprofile score`."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
import pyarrow as pa
import pydantic_core
from mlflow.models import ModelSignature
from mlflow.types.schema import AnyType, Array, ColSpec, DataType, Schema

from fakeprofile.data import io, schema

# Counts are typed Any, not long: pandas holds a column of counts with a missing one as float
# (NaN), or as objects (None) when all are missing, and MLflow refuses either as long ("Can not
# safely convert float64 to int64"). Validation inside predict checks them as the schema says.
_TYPES = {
    pa.string(): DataType.string,
    pa.bool_(): DataType.boolean,
    pa.date32(): DataType.string,
}
OUTPUT = Schema(
    [
        ColSpec(DataType.string, "profile_id"),
        ColSpec(DataType.double, "score"),
        ColSpec(DataType.string, "decision"),
        ColSpec(Array(DataType.string), "reasons"),
        ColSpec(DataType.string, "model_version"),
        ColSpec(DataType.string, "error", required=False),  # why a row has no score
    ]
)


def signature() -> ModelSignature:
    """Inputs from the schema: only profile_id is required, nested fields and counts are
    free-form, so missing values and absent sections pass."""
    cols = []
    for field in schema.ARROW_SCHEMA:
        if field.name in ("label", "fake_kind", "extra"):
            continue
        kind = _TYPES.get(field.type, AnyType())
        cols.append(ColSpec(kind, field.name, required=field.name == "profile_id"))
    return ModelSignature(inputs=Schema(cols), outputs=OUTPUT)


# Fields that hold objects or lists: a client may send these as JSON text. Text fields are
# never parsed, whatever they start with (a note "[urgent] ..." is a note).
NESTED = frozenset(
    f.name for f in schema.ARROW_SCHEMA if pa.types.is_struct(f.type) or pa.types.is_list(f.type)
)


def _clean(name: str, value: Any) -> Any:
    """One value of a request row as the input schema has it: null for pandas' NaN, plain
    Python for numpy values, and JSON text parsed for the nested fields only (by pydantic's
    parser, which has a depth limit: "[" * 100000 is an error for that row, not a
    RecursionError for the request)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if name in NESTED and isinstance(value, str):
        return pydantic_core.from_json(value)
    return value


def _line(row: dict[str, Any]) -> bytes | io.Unreadable:
    """A request row as a JSON line for validation, or the reason it cannot be one."""
    try:
        record = {k: _clean(k, v) for k, v in row.items()}
        record = {k: v for k, v in record.items() if v is not None}
        return json.dumps(record, default=_plain, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError) as exc:
        return io.Unreadable(f"not a valid record: {str(exc)[:200]}")


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


class FakeProfilePyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context: Any) -> None:
        from fakeprofile.inference.predictor import load

        self.model = load(context.artifacts["model"])

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        """One answer per row, in order: a score, decision and reasons, or, for a row that is
        not a valid record, decision "error" and the reason in `error` (one bad record no
        longer fails the whole request)."""
        from fakeprofile.data import validate

        rows = model_input.to_dict("records")
        lines = [(i, _line(row)) for i, row in enumerate(rows)]
        rules = validate.Rules(photo_dir=None, require_label=False)
        table, line_nos, rejects = validate.check_batch(lines, rules, keep_extra=False)
        n = len(rows)
        pid, error = [_id(row) for row in rows], [None] * n
        score, decision, reasons = [math.nan] * n, ["error"] * n, [[] for _ in range(n)]
        if table.num_rows:
            scored = self.model.score(table)
            for at, i in enumerate(line_nos):
                pid[i] = scored["profile_id"].iat[at]
                score[i] = float(scored["score"].iat[at])
                decision[i] = scored["decision"].iat[at]
                reasons[i] = list(scored["reasons"].iat[at])
        for r in rejects:
            error[r.line] = r.reason
        return pd.DataFrame(
            {
                "profile_id": pid,
                "score": score,
                "decision": decision,
                "reasons": reasons,
                "model_version": self.model.version,
                "error": error,
            }
        )


def _id(row: dict[str, Any]) -> str | None:
    pid = row.get("profile_id")
    return pid if isinstance(pid, str) else None
