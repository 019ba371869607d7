"""The MLflow face of the model: a pyfunc that takes raw profile records (the input schema, one
per row; nested fields as dicts and lists) and returns the same columns as `fakeprofile score`."""

from __future__ import annotations

import json
import math
from typing import Any

import mlflow.pyfunc
import pandas as pd
import pyarrow as pa
from mlflow.models import ModelSignature
from mlflow.types.schema import AnyType, Array, ColSpec, DataType, Schema

from fakeprofile import schema

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


def _clean(value: Any) -> Any:
    """pandas puts NaN where JSON had null; the schema wants None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeProfilePyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context: Any) -> None:
        from fakeprofile.model import load_model

        self.model = load_model(context.artifacts["model"])

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        records = [{k: _clean(v) for k, v in row.items()} for row in model_input.to_dict("records")]
        return self.model.score(records)
