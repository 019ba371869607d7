"""The exported scoring model: feature transformer, classifier, calibration and thresholds in one
object, plus the manifest that vouches for the file.

A joblib file executes code when loaded, so `load_model` refuses any file whose sha256 does not
match the manifest written beside it at export. Load only models you trained yourself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pyarrow as pa

from fakeprofile import explain
from fakeprofile.errors import UserError
from fakeprofile.features import (
    ProfileFeatures,
    completeness,
    invitation,
    spelling,
    text,
    tokens,
)
from fakeprofile.features.frame import to_table
from fakeprofile.train import Trained

MANIFEST = "manifest.json"
# What scoring gives per record, in this order (`score` as a DataFrame, `score_arrow` as a table).
OUTPUT_SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("score", pa.float64()),
        ("decision", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("model_version", pa.string()),
    ]
)


@dataclass
class FakeProfileModel:
    """Raw profile records in; calibrated probability of "fake", a decision and reasons out."""

    featurizer: ProfileFeatures
    trained: Trained
    version: str
    neutral: pd.Series  # per feature: the median of genuine members in the training part
    min_effect: float = 0.05  # smallest rise in probability that is named as a reason

    def features(self, records: Any, photo_dir: str | Path | None = None) -> pd.DataFrame:
        self.featurizer.set_params(photo_dir=photo_dir)
        return self.featurizer.transform(records)

    def predict_proba(self, records: Any, photo_dir: str | Path | None = None) -> np.ndarray:
        return self.trained.proba(self.features(records, photo_dir))

    def score(self, records: Any, photo_dir: str | Path | None = None) -> pd.DataFrame:
        """One row per record, in order: profile_id, score, decision, reasons, model_version.

        `records` are profiles in the input schema: a list of dicts, a DataFrame or an Arrow
        table of validated rows."""
        table = to_table(records)
        p, decision, reasons = self.verdicts(self.features(table, photo_dir))
        return pd.DataFrame(
            {
                "profile_id": table.column("profile_id").to_pylist(),
                "score": p,
                "decision": decision,
                "reasons": reasons,
                "model_version": self.version,
            }
        )

    def score_arrow(self, records: Any, photo_dir: str | Path | None = None) -> pa.Table:
        """`score` as an Arrow table of OUTPUT_SCHEMA: what batch scoring writes, and sends
        between processes. Arrow columns cross a pipe as a few buffers, where a DataFrame's
        strings and lists of reasons are pickled and rebuilt one object at a time."""
        table = to_table(records)
        p, decision, reasons = self.verdicts(self.features(table, photo_dir))
        columns = [
            table.column("profile_id").combine_chunks(),  # to_table gave it OUTPUT's type
            pa.array(p, pa.float64()),
            pa.array(decision, pa.string()),
            pa.array(reasons, pa.list_(pa.string())),
            pa.repeat(pa.scalar(self.version, pa.string()), len(p)),
        ]
        return pa.Table.from_arrays(columns, schema=OUTPUT_SCHEMA)

    def warm(self) -> None:
        """Load now what scoring loads on first use (the word lists and the compiled code), so
        that worker processes forked after this share it instead of each loading its own."""
        spelling.warm(self.featurizer.min_zipf)
        self.compile()

    def compile(self) -> None:
        """Compile (or load from Numba's cache) every loop scoring runs in compiled code: the
        tokenizer, character counts and spaced-out letters, language totals, the canned-note
        check, the career counts and the trees. Needs no word lists."""
        tokens.warm()
        text.warm()
        spelling.compile_loops()
        invitation.warm()
        completeness.warm()
        forest = self.trained.forest(list(self.featurizer.get_feature_names_out()))
        if forest is not None:
            forest.warm()

    def verdicts(self, feats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Per row of `feats`: calibrated probability of "fake", decision and reasons."""
        p = self.trained.proba(feats)
        decision = self.trained.decide(p, feats)
        # Reasons explain why an invitation was not simply accepted, so accepted rows get none.
        # (A group also cannot lower a score by more than the score itself, so rows below the
        # smallest reason effect could have none anyway.) Both skip the extra model evaluations.
        reasons: list[list[str]] = [[] for _ in range(len(p))]
        floored = self.trained.floored(p, feats)
        rows = np.flatnonzero((decision != "accept") & ((p >= explain.FALLBACK_EFFECT) | floored))
        if len(rows):
            sub = feats.iloc[rows]
            effect = explain.effects(sub, self.trained.proba_neutral, self.neutral, p[rows])
            found = explain.reasons(
                sub,
                effect,
                self.min_effect,
                decision[rows] == "report",
                typical=self.neutral,
                floored=floored[rows],
                red=invitation.red_flags(sub),
            )
            for i, r in zip(rows, found, strict=True):
                reasons[i] = r
        return p, decision, reasons


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_model(path: str | Path) -> FakeProfileModel:
    """Load an exported model after checking its sha256 against the manifest beside it."""
    path = Path(path)
    manifest_path = path.parent / MANIFEST
    if not path.is_file():
        raise UserError(f"model file not found: {path} (run `make run` to train and export one)")
    if not manifest_path.is_file():
        raise UserError(f"refusing to load {path}: no {MANIFEST} beside it to vouch for the file")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UserError(f"refusing to load {path}: {manifest_path} is not valid JSON") from exc
    if manifest.get("artifact") != path.name:
        raise UserError(
            f"refusing to load {path}: the manifest describes {manifest.get('artifact')!r}"
        )
    if manifest.get("sha256") != sha256(path):
        raise UserError(
            f"refusing to load {path}: its sha256 does not match the manifest (tampered or corrupt)"
        )
    model = joblib.load(path)
    if not isinstance(model, FakeProfileModel):
        raise UserError(f"{path} does not hold a fakeprofile model")
    return model
