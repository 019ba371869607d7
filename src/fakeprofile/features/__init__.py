"""ProfileFeatures: validated profiles in, one numeric feature table out.

The same fitted object is used to build the training table and, inside the exported model, to score
new invitations, so features can never differ between the two. The only fitted state is the photo
reuse index (descriptors of the training corpus' pictures) and the list of output columns. Missing
input gives NaN, never a made-up zero; the models handle NaN.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator, TransformerMixin

from fakeprofile.config import DEFAULTS
from fakeprofile.features import invitation, registry
from fakeprofile.features.family import Inputs
from fakeprofile.features.frame import field, num, to_table
from fakeprofile.features.photo import PhotoIndex, PhotoInfo, descriptors, read_photos

__all__ = ["ProfileFeatures"]

FIT_CHUNK = 50_000  # rows whose features are computed at once in fit_transform


class ProfileFeatures(TransformerMixin, BaseEstimator):
    """Turn profiles (Arrow table, DataFrame or records in the input schema) into features.

    Parameters
    ----------
    photo_dir : folder photo paths are relative to; None scores without reading pictures
        (photo_* image features are then NaN). Set it per run with `set_params(photo_dir=...)`.
    as_of : date (YYYY-MM-DD) to measure account age against when a record has no invitation
        `sent_at`; None leaves such ages missing.
    reuse_threshold : RMS distance (0-1) under which two pictures count as the same picture.
    min_zipf : rarest word frequency (Zipf scale) that still counts as a word of its language.
    max_photo_bytes, max_photo_pixels : larger files or images are "unreadable", never decoded.
    """

    def __init__(
        self,
        photo_dir: str | Path | None = None,
        as_of: str | None = None,
        reuse_threshold: float = DEFAULTS.features.reuse_threshold,
        min_zipf: float = DEFAULTS.features.min_zipf,
        max_photo_bytes: int = DEFAULTS.features.max_photo_bytes,
        max_photo_pixels: int = DEFAULTS.features.max_photo_pixels,
        seed: int = DEFAULTS.features.seed,
    ):
        self.photo_dir = photo_dir
        self.as_of = as_of
        self.reuse_threshold = reuse_threshold
        self.min_zipf = min_zipf
        self.max_photo_bytes = max_photo_bytes
        self.max_photo_pixels = max_photo_pixels
        self.seed = seed

    # -- scikit-learn API --------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> ProfileFeatures:
        table = to_table(X)
        self._fit(table, self._read(table))
        return self

    def fit_transform(self, X: Any, y: Any = None, progress: Any = None, **_: Any) -> pd.DataFrame:
        """`progress`: an optional tqdm-like bar, given a total of two passes over the rows
        (pictures read, then features computed)."""
        table = to_table(X)
        tell = progress.update if progress is not None else None
        # decode each picture once for both the index and the features
        infos = self._read(table, tell)
        self._fit(table, infos)
        # In chunks: text features of a whole corpus at once would hold every token of it in
        # memory. Every feature is per profile (reuse is counted against the fitted corpus, which
        # holds the whole table), so the values do not depend on the chunking.
        parts = []
        for i in range(0, max(table.num_rows, 1), FIT_CHUNK):
            parts.append(self._features(table.slice(i, FIT_CHUNK), infos[i : i + FIT_CHUNK]))
            if tell is not None:
                tell(min(FIT_CHUNK, table.num_rows - i))
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def _fit(self, table: pa.Table, infos: list[PhotoInfo | None]) -> None:
        _, desc, ids = descriptors(table, infos)
        self.photo_index_ = PhotoIndex(self.reuse_threshold, seed=self.seed).fit(desc, ids)
        # Column names come from the code, not the data: one row is enough to list them.
        self.feature_names_out_ = np.array(
            self._features(table.slice(0, 1), infos[:1]).columns, dtype=object
        )
        self.n_features_in_ = len(table.column_names)

    def transform(self, X: Any) -> pd.DataFrame:
        if not hasattr(self, "photo_index_"):
            raise ValueError("ProfileFeatures is not fitted: call fit() on training profiles first")
        table = to_table(X)
        out = self._features(table, self._read(table))
        names = list(self.feature_names_out_)
        # One float64 block (not one per family): selecting rows of it, as the reasons do, is
        # then one take instead of one per block. Taken in one call, not column by column.
        matrix = np.ascontiguousarray(out[names].to_numpy(dtype=np.float64))
        return pd.DataFrame(matrix, columns=names)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return self.feature_names_out_

    # -- internals ---------------------------------------------------------------------------
    def _read(self, table: pa.Table, progress: Any = None) -> list[PhotoInfo | None]:
        photos = table.column("photo").to_pylist()
        return read_photos(
            photos, self.photo_dir, self.max_photo_bytes, self.max_photo_pixels, progress
        )

    def _as_of_days(self, table: pa.Table) -> np.ndarray:
        sent = field(table, "invitation", "sent_at")
        sent_days = num(pc.cast(pc.cast(sent, pa.date32()), pa.int32()))
        default = (
            np.nan
            if self.as_of is None
            else float((date.fromisoformat(str(self.as_of)) - date(1970, 1, 1)).days)
        )
        return np.where(np.isnan(sent_days), default, sent_days)

    def _features(self, table: pa.Table, infos: list[PhotoInfo | None]) -> pd.DataFrame:
        """Every registered family's columns, in registry order (features/registry.py)."""
        as_of_days = self._as_of_days(table)
        # Done once, before any family reads the note (features/evasion).
        table, tricks = invitation.normalise_notes(table)
        inputs = Inputs(table, tricks, as_of_days, infos, self.photo_index_, self.min_zipf)
        parts = [family.compute(inputs).reset_index(drop=True) for family in registry.families()]
        return pd.concat(parts, axis=1).astype(np.float64)
