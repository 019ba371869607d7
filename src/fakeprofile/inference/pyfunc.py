"""The MLflow face of the model: a pyfunc that takes raw profile records (the input schema, one
per row; nested fields as dicts and lists) and returns the same columns as `fakeprofile score`."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc
import pandas as pd
import pyarrow as pa
from mlflow.models import ModelSignature
from mlflow.types.schema import AnyType, Array, ColSpec, DataType, Schema

from fakeprofile.data import schema

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
        return self.model.score(model_input)  # validated there: data.check.check_input
