"""The split stage: train / validation / test parts, stratified by label and grouped by photo.

Profiles that share a picture (a fake ring) always land in the same part: otherwise the model
would meet the ring's picture in training and "recognise" it in test, and every number would be
inflated. `temporal` instead orders groups by account creation, oldest in train, newest in test.
`cv` (for small data) sets no rows aside: every row gets a fold number, and evaluation fits on the
other folds and tests on each fold in turn. The validation share may be 0: training calibrates
and chooses thresholds on out-of-fold predictions instead (see train.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sklearn.model_selection import StratifiedGroupKFold

from fakeprofile.data.io import atomic_path
from fakeprofile.errors import UserError

PARTS = ("train", "val", "test")


def groups_of(df: pd.DataFrame) -> np.ndarray:
    """Group key per profile: its photo group, or itself when it has no shared picture."""
    own = "id:" + df["profile_id"].astype(str)
    return np.where(df["photo_group"] >= 0, "photo:" + df["photo_group"].astype(str), own)


def assign(
    df: pd.DataFrame, method: str, val_share: float, test_share: float, seed: int
) -> np.ndarray:
    """Part name for each row of `df` (needs profile_id, label, photo_group, created_at)."""
    groups = groups_of(df)
    y = (df["label"] == "fake").to_numpy()
    if method == "grouped":
        n_folds = max(3, round(1 / min(s for s in (val_share, test_share, 1.0) if s > 0)))
        folds = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        fold = np.empty(len(df), dtype=int)
        for k, (_, idx) in enumerate(folds.split(np.zeros(len(df)), y, groups)):
            fold[idx] = k
        n_test = max(1, round(test_share * n_folds))
        n_val = max(1, round(val_share * n_folds)) if val_share > 0 else 0
        return np.where(fold < n_test, "test", np.where(fold < n_test + n_val, "val", "train"))
    if method == "temporal":
        created = pd.to_datetime(df["created_at"]).to_numpy()
        first = pd.Series(created).groupby(groups).transform("min").to_numpy()
        # Share of rows at or before this group's start; a group's rows tie, so they stay together.
        rank = pd.Series(first).rank(method="max", pct=True).to_numpy()
        return np.where(
            rank > 1 - test_share,
            "test",
            np.where(rank > 1 - test_share - val_share, "val", "train"),
        )
    raise UserError(f"split.method must be 'grouped', 'temporal' or 'cv', not {method!r}")


def folds_of(y: np.ndarray, groups: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold number (0..k-1) per row: stratified by label (y: 1 = fake), a group in one fold.
    Fewer folds when a class has fewer than `k` rows; at least two."""
    y = np.asarray(y).astype(int)
    k = int(min(k, np.bincount(y, minlength=2).min()))
    if k < 2:
        raise UserError("cross-validation needs at least two fake and two genuine profiles")
    fold = np.empty(len(y), dtype=int)
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    for f, (_, idx) in enumerate(splitter.split(np.zeros(len(y)), y, groups)):
        fold[idx] = f
    return fold


def cv_folds(df: pd.DataFrame, k: int, seed: int) -> np.ndarray:
    """Fold per row for `split.method: cv`, photo groups kept together as in `grouped`."""
    return folds_of((df["label"] == "fake").to_numpy(), groups_of(df), k, seed)


def run(
    features: str | Path,
    valid: str | Path,
    output: str | Path,
    test_profiles: str | Path,
    method: str,
    val_share: float,
    test_share: float,
    seed: int,
    folds: int = 5,
    test_file: str | Path | None = None,
) -> dict[str, int]:
    """Write each profile's part (and, for cv, fold; else -1) to `output`, and the test part's
    profiles (without labels; for cv all of them) to `test_profiles`, ready for `fakeprofile
    score`. With `test_file` (the valid rows of data.test) the test part is exactly its rows and
    every other row trains: `method` sets nothing aside."""
    if not Path(features).is_file():
        raise UserError(f"feature table not found: {features} (run `fakeprofile featurize` first)")
    cols = ["profile_id", "label", "photo_group", "created_at"]
    df = pq.read_table(features, columns=cols).to_pandas()
    if df["label"].isna().any() or df["label"].nunique() < 2:
        raise UserError("training data needs both labels, 'fake' and 'genuine', on every profile")
    test_ids = None
    if test_file is not None:
        if method == "cv":
            raise UserError(
                "split.method cv tests every row in turn; with a fixed test file (data.test) "
                "use grouped or temporal, or set data.test: null"
            )
        test_ids = pq.read_table(test_file, columns=["profile_id"]).column("profile_id")
        if len(test_ids) == 0:
            raise UserError(f"the fixed test file has no valid rows ({test_file})")
    if test_ids is not None:
        parts = np.where(df["profile_id"].isin(test_ids.to_pylist()), "test", "train")
        fold = np.full(len(df), -1)
    elif method == "cv":
        fold = cv_folds(df, folds, seed)
        parts = np.full(len(df), "train", dtype=object)
    else:
        parts = assign(df, method, val_share, test_share, seed)
        fold = np.full(len(df), -1)
    out = pd.DataFrame({"profile_id": df["profile_id"], "part": parts, "fold": fold})
    with atomic_path(output) as tmp:
        out.to_parquet(tmp, index=False)
    table = pq.read_table(valid)
    if test_ids is not None:
        table = pa.concat_tables([table, pq.read_table(test_file).cast(table.schema)])
    scored = out["part"] == "test" if method != "cv" else out["fold"] >= 0
    test_ids = pa.array(out.loc[scored, "profile_id"])
    test = table.filter(pc.is_in(table.column("profile_id"), value_set=test_ids))
    with atomic_path(test_profiles) as tmp:
        pq.write_table(test.drop(["label", "fake_kind"]), tmp, compression="zstd")
    if method == "cv":
        return {f"fold {f}": int((fold == f).sum()) for f in range(fold.max() + 1)}
    return {p: int((parts == p).sum()) for p in PARTS}
