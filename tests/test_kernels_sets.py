"""The sort-based set operations give exactly NumPy's answers."""

from __future__ import annotations

import numpy as np

from fakeprofile.kernels import sets


def test_unique_is_numpys_unique():
    rng = np.random.default_rng(0)
    for n in (0, 1, 5, 10_000):
        a = rng.integers(-50, 50, n) * 2**40
        np.testing.assert_array_equal(sets.unique(a), np.unique(a))


def test_isin_is_numpys_isin():
    rng = np.random.default_rng(1)
    for n_a, n_b, high in [
        (0, 0, 5),
        (0, 4, 5),
        (6, 0, 5),
        (1, 1, 2),
        (2_000, 300, 1_000),
        (5_000, 20_000, 75_000_000),
        (3_000, 3_000, 10),
    ]:
        a = rng.integers(-high, high, n_a)
        b = rng.integers(-high, high, n_b)
        np.testing.assert_array_equal(sets.isin(a, b), np.isin(a, b))
    # Above the largest and below the smallest value of b.
    np.testing.assert_array_equal(
        sets.isin(np.array([-9, 0, 3, 9]), np.array([3, 0, 3])), [False, True, True, False]
    )
