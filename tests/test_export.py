"""export.py: neutral values are the medians of genuine members of the training part only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fakeprofile.tracking.export import neutral_values


def test_neutral_values_are_medians_of_genuine_training_members_only(tmp_path):
    rows = [
        # (id, part, label, a, b)
        ("g1", "train", "genuine", 1.0, 10.0),
        ("g2", "train", "genuine", 2.0, np.nan),
        ("g3", "train", "genuine", 9.0, 30.0),
        ("f1", "train", "fake", 100.0, 1000.0),
        ("f2", "train", "fake", 100.0, 1000.0),
        ("f3", "train", "fake", 100.0, 1000.0),
        ("v1", "val", "genuine", -50.0, -50.0),
        ("v2", "val", "genuine", -50.0, -50.0),
        ("t1", "test", "genuine", -70.0, -70.0),
        ("t2", "test", "genuine", -70.0, -70.0),
    ]
    ids, part, label, a, b = zip(*rows, strict=True)
    features = tmp_path / "features.parquet"
    split = tmp_path / "split.parquet"
    # The split lists profiles in another order than the features: rows are joined by id.
    pq.write_table(pa.table({"profile_id": list(ids), "a": list(a), "b": list(b)}), features)
    pq.write_table(
        pa.table(
            {"profile_id": list(ids)[::-1], "part": list(part)[::-1], "label": list(label)[::-1]}
        ),
        split,
    )
    got = neutral_values(features, split, ["b", "a"])
    pd.testing.assert_series_equal(got, pd.Series({"b": 20.0, "a": 2.0}), check_names=False)
