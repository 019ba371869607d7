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
from fakeprofile.features import activity, completeness, invitation, style, text
from fakeprofile.features.frame import field, num, to_table
from fakeprofile.features.photo import DESC_DIM, PhotoIndex, PhotoInfo, read_photos

__all__ = ["DECREASING", "INCREASING", "ProfileFeatures"]

# Features that can only raise the probability of "fake" (monotonic constraints in the trees):
# the note's red flags, job begging, and every evasion count. A pitch or a channel move must
# never be outweighed by an otherwise complete profile.
INCREASING = (
    *invitation.RED_FLAGS,
    "invite_job_begging",
    "text_evasion",
    "text_evasion_zero_width",
    "text_evasion_mixed_script",
    "text_evasion_spaced_letters",
    *(f"text_evasion_note_{t}" for t in invitation.evasion.TRICKS),
    # The profile's red flags from the checklist (issue 26, behavioural tests): no photo or a
    # reused one, spelling errors, no activity, a canned note, mass inviting, and followers or
    # followings gathered fast (a younger account has higher per-30-day rates).
    "photo_missing",
    "photo_placeholder_or_flat",
    "photo_reuse_count",
    "text_spelling_error_rate",
    "activity_none",
    "invite_note_canned",
    "invite_note_canned_similarity",
    "invite_sent_last_7d",
    "activity_following_per_30d",
    "activity_followers_per_30d",
)
# Features that can only lower it: an older account, a fuller profile, a note at all. So a
# younger account, a thinner profile or a missing note never makes a profile look safer.
DECREASING = (
    "activity_account_age_days",
    "profile_share_sections_filled",
    "invite_has_note",
)

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
        _, desc, ids = self._descriptors(table, infos)
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
        # then one take instead of one per block. Taken in one call: column by column cost
        # pandas a millisecond or more per chunk, whatever its size.
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

    @staticmethod
    def _descriptors(
        table: pa.Table, infos: list[PhotoInfo | None]
    ) -> tuple[list[int], np.ndarray, np.ndarray]:
        """Rows with a readable, non-placeholder picture, their descriptors and profile ids."""
        ids = table.column("profile_id").to_pylist()
        keep = [i for i, p in enumerate(infos) if p is not None and p.readable and not p.flat]
        desc = np.array([infos[i].descriptor for i in keep], dtype=np.uint8).reshape(-1, DESC_DIM)
        return keep, desc, np.array([ids[i] for i in keep], dtype=object)

    def _as_of_days(self, table: pa.Table) -> np.ndarray:
        sent = field(table, "invitation", "sent_at")
        sent_days = num(pc.cast(pc.cast(sent, pa.date32()), pa.int32()))
        default = (
            np.nan
            if self.as_of is None
            else float((date.fromisoformat(str(self.as_of)) - date(1970, 1, 1)).days)
        )
        return np.where(np.isnan(sent_days), default, sent_days)

    def _photo(self, table: pa.Table, infos: list[PhotoInfo | None]) -> pd.DataFrame:
        n = table.num_rows
        has_flag = num(table.column("has_photo"))
        has_path = table.column("photo").is_valid().to_numpy(zero_copy_only=False)
        present = np.where(
            np.isnan(has_flag), has_path.astype(float), np.maximum(has_flag, has_path)
        )
        read = np.array([p is not None for p in infos], dtype=bool)
        ok = np.array([p is not None and p.readable for p in infos], dtype=bool)
        out = {"photo_missing": 1.0 - present}  # framed once (see completeness.compute)
        out["photo_unreadable"] = np.where(read, (~ok).astype(float), np.nan)
        out["photo_placeholder_or_flat"] = np.array(
            [p.flat if p is not None and p.readable else np.nan for p in infos], dtype=float
        )
        out["photo_width"] = np.array([p.width if p is not None else np.nan for p in infos], float)
        out["photo_height"] = np.array(
            [p.height if p is not None else np.nan for p in infos], dtype=float
        )
        reuse = np.full(n, np.nan)
        keep, desc, ids = self._descriptors(table, infos)
        if keep:
            reuse[keep] = self.photo_index_.count(desc, ids)
        out["photo_reuse_count"] = reuse
        return pd.DataFrame(out)

    def _features(self, table: pa.Table, infos: list[PhotoInfo | None]) -> pd.DataFrame:
        as_of_days = self._as_of_days(table)
        table, tricks = invitation.normalise_notes(table)
        parts = [
            self._photo(table, infos),
            completeness.compute(table, as_of_days),
            text.compute(table, self.min_zipf),
            activity.compute(table, as_of_days),
            invitation.compute(table, tricks),
            style.compute(table),
        ]
        out = pd.concat([p.reset_index(drop=True) for p in parts], axis=1)
        # text_evasion: how many kinds of trick the texts use; the checks over all texts stand
        # for the note's invisible, confusable and separated kinds too.
        same = {
            "invisible": "zero_width",
            "confusable": "mixed_script",
            "separated": "spaced_letters",
        }
        kinds = [
            (out[f"text_evasion_note_{t}"] > 0)
            | ((out[f"text_evasion_{same[t]}"] > 0) if t in same else False)
            for t in invitation.evasion.TRICKS
        ]
        out["text_evasion"] = np.sum(kinds, axis=0).astype(np.float64)
        return out.astype(np.float64)
