"""The featurize stage: validated profiles in, the feature table (Parquet) out.

The transformer is fitted on the whole labelled corpus here (its only fitted state is the photo
reuse index, which uses no labels), exactly as a platform counts reuse across all accounts it sees.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fakeprofile.errors import UserError
from fakeprofile.features import ProfileFeatures
from fakeprofile.io import atomic_path

# Columns carried beside the features: identity, label and what metrics are broken down by.
KEEP = ("profile_id", "label", "fake_kind")


def run(
    valid: str | Path, output: str | Path, transformer: ProfileFeatures
) -> tuple[int, int, float]:
    """Write features of every valid profile to `output`; returns (rows, features, seconds)."""
    if not Path(valid).is_file():
        raise UserError(f"validated profiles not found: {valid} (run `fakeprofile validate` first)")
    table = pq.read_table(valid)
    t0 = time.perf_counter()
    feats = transformer.fit_transform(table)
    seconds = time.perf_counter() - t0
    out = pa.Table.from_pandas(feats, preserve_index=False)
    for name in reversed(KEEP):
        out = out.add_column(0, name, table.column(name))
    with atomic_path(output) as tmp:
        pq.write_table(out, tmp, compression="zstd")
    return table.num_rows, feats.shape[1], seconds
