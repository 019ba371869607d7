"""Compiled loop of the career counts (features/completeness): overlapping and implausibly long
positions per profile."""

from __future__ import annotations

import numpy as np

from fakeprofile.jit import compiled


@compiled
def position_counts(
    parent: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    dur: np.ndarray,
    order: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per profile: how many of its positions (taken in `order`) start more than a month
    before an earlier one ended, and how many last over 45 years.

    Compiled: in pandas (sort, groupby, cummax, shift) this had a large fixed cost per chunk,
    whatever its size. It counts exactly as those did: the running latest end skips unknown ends, but is
    itself unknown right after one."""
    overlap, too_long = np.zeros(n), np.zeros(n)
    last, latest, ended = -1, -np.inf, np.nan  # ended: the latest end before this position
    for i in order:
        p = parent[i]
        if p != last:
            last, latest, ended = p, -np.inf, np.nan
        if start[i] < ended - 31:  # a month of slack
            overlap[p] += 1
        if dur[i] > 45:
            too_long[p] += 1
        if np.isnan(end[i]):
            ended = np.nan
        else:
            latest = max(latest, end[i])
            ended = latest
    return overlap, too_long
