"""The featurize stage: validated profiles in, the feature table (Parquet) out.

The transformer is fitted on the whole labelled corpus here (its only fitted state is the photo
reuse index, which uses no labels), exactly as a platform counts reuse across all accounts it sees.
"""

from __future__ import annotations

import time
from pathlib import Path

import joblib
import pyarrow as pa
import pyarrow.parquet as pq

from fakeprofile.data.io import atomic_path, check_targets
from fakeprofile.errors import UserError
from fakeprofile.features import ProfileFeatures

# Columns carried beside the features: identity, label and what metrics are broken down by.
KEEP = ("profile_id", "label", "fake_kind", "created_at")


def run(
    valid: str | Path,
    output: str | Path,
    transformer: ProfileFeatures,
    model_out: str | Path,
    extra: str | Path | None = None,
) -> tuple[int, int, float]:
    """Write features of every valid profile to `output` and the fitted transformer to
    `model_out`; returns (rows, features, seconds).

    Beside the features the table carries `photo_group`: profiles whose pictures are
    near-duplicates share a group number (the split keeps each group in one part); a profile
    without a usable picture is its own group (-1 here).

    `extra` (the fixed test file's valid rows, data.valid_test) is featurized with them, the
    same way: its rows are appended when the file exists and has any."""
    if not Path(valid).is_file():
        raise UserError(f"validated profiles not found: {valid} (run `fakeprofile validate` first)")
    check_targets({"input": valid}, {"output": output, "featurizer": model_out})
    table = pq.read_table(valid)
    if extra is not None and Path(extra).is_file():
        more = pq.read_table(extra)
        if more.num_rows:
            table = pa.concat_tables([table, more.cast(table.schema)])
    t0 = time.perf_counter()
    from fakeprofile.progress import bar

    # Two passes over the rows: pictures read, then features computed.
    with bar(2 * table.num_rows, "featurizing", " rows") as progress:
        feats = transformer.fit_transform(table, progress=progress)
    seconds = time.perf_counter() - t0
    groups = transformer.photo_index_.groups()
    ids = table.column("profile_id").to_pylist()
    out = pa.Table.from_pandas(feats, preserve_index=False)
    out = out.add_column(0, "photo_group", pa.array([groups.get(i, -1) for i in ids], pa.int64()))
    for name in reversed(KEEP):
        out = out.add_column(0, name, table.column(name))
    with atomic_path(output) as tmp:
        pq.write_table(out, tmp, compression="zstd")
    with atomic_path(model_out) as tmp:
        joblib.dump(transformer, tmp)
    return table.num_rows, feats.shape[1], seconds
