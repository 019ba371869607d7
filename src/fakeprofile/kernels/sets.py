"""Set operations on 1-d integer arrays, by sorting.

NumPy 2.4's np.unique and np.isin take a hash-based path that is slower on the arrays feature
extraction builds than sorting them (docs/scaling.md gives the measurement). These give the same
results."""

from __future__ import annotations

import numpy as np


def unique(a: np.ndarray) -> np.ndarray:
    """np.unique(a): the sorted distinct values."""
    s = np.sort(a)
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s


def isin(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.isin(a, b): per element of `a`, whether it occurs in `b`."""
    s = unique(b)
    if not len(s):
        return np.zeros(len(a), dtype=bool)
    at = np.minimum(np.searchsorted(s, a), len(s) - 1)
    return s[at] == a
