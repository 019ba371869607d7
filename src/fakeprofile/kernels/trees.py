"""The gradient-boosted trees evaluated in compiled code: a chunk's raw scores, and for reasons
the raw scores with one group of features set to neutral values, in the same pass.

Why: reasons need one extra model evaluation per (row, group), about three per reported row.
Through scikit-learn each walks all the trees again, and a walk is some eight unpredictable
branches: reasons cost several times what the score itself did (docs/performance-history.md).

How (the QuickScorer method of Lucchese et al., SIGIR 2015): number each tree's leaves from left
to right and keep one bit per leaf. A node whose test fails (the row goes right) rules out every
leaf of its left subtree, so it has a mask that clears their bits. For each feature, its nodes in
all trees are sorted by threshold, so the failing ones are a prefix: the row's value says where
the prefix ends. After every feature has applied its failing nodes' masks, each tree's exit leaf
is its lowest bit still set. This has no unpredictable branch, and it splits by feature: the
masks of one group's features can be kept apart. The scores with group g neutral are then the
other groups' masks combined with those of g's neutral values, which are the same for every row.

Leaves are added in scikit-learn's order (the baseline, then tree by tree), so every raw score is
bit for bit what `HistGradientBoostingClassifier` computes (tests/test_trees.py checks it on the
model and on copies). Only a binary classifier on numeric features with at most 64 leaves per
tree is covered; for anything else `Forest.of` gives None and callers use the estimator itself.
Plain arrays in and out: which model holds the trees and which columns form a reason's group is
the caller's business (modeling/fitted.py, inference/explain.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

from fakeprofile.jit import compiled

ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class Forest:
    """The trees as masks, by feature column of the full feature table.

    Nodes that test column f are [start[f], start[f + 1]) of `threshold`, `tree` and `mask`,
    sorted by threshold; those where a missing value goes right are the same range of
    `nan_tree` and `nan_mask` (bounds `nan_start`)."""

    start: np.ndarray  # int64, columns + 1
    threshold: np.ndarray  # float64: the row goes left if value <= threshold
    tree: np.ndarray  # int64
    mask: np.ndarray  # uint64: clears the bits of the node's left subtree
    nan_start: np.ndarray  # int64, columns + 1
    nan_tree: np.ndarray  # int64
    nan_mask: np.ndarray  # uint64
    leaf_value: np.ndarray  # float64, (trees, 64): by leaf number, left to right
    baseline: float

    @classmethod
    def of(cls, est: Any, columns: list[str]) -> Forest | None:
        """The forest of a fitted binary HistGradientBoostingClassifier whose features are among
        `columns` (the full feature table), or None if it is something else."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        if not isinstance(est, HistGradientBoostingClassifier) or est.n_trees_per_iteration_ != 1:
            return None
        if est.is_categorical_ is not None and np.any(est.is_categorical_):
            return None
        names = list(getattr(est, "feature_names_in_", []))
        if not names or not set(names) <= set(columns):
            return None
        where = np.array([columns.index(c) for c in names], dtype=np.int64)
        nodes = [p[0].nodes for p in est._predictors]
        if any(int(n["is_leaf"].sum()) > 64 for n in nodes):
            return None
        return _build(nodes, where, len(columns), float(np.ravel(est._baseline_prediction)[0]))

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds) of the rows of X (the full feature table, float64)."""
        none = np.full(X.shape[1], -1)
        base, _ = self.raw_neutral(X, np.zeros((len(X), 0), bool), none, np.zeros(X.shape[1]))
        return base

    def warm(self) -> None:
        """Compile the loops now (or load them from Numba's cache), on one row of zeros, in a
        writable and in a read-only array (Arrow's arrays come read-only, and Numba compiles
        each kind apart)."""
        for writable in (True, False):
            one = np.zeros((1, len(self.start) - 1))
            one.flags.writeable = writable
            self.raw_neutral(one, np.ones((1, 1), bool), np.zeros(one.shape[1], int), one[0])

    def raw_neutral(
        self, X: np.ndarray, want: np.ndarray, group_of: np.ndarray, neutral: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(raw scores, raw scores with group g at neutral values where want[row, g], else NaN).

        group_of: per column, its group's number (0 .. want.shape[1] - 1), negative for a column
        in no group; neutral: per column, the value it takes when its group is set to neutral."""
        groups = want.shape[1]
        group_of = np.asarray(group_of, dtype=np.int64)
        slot = np.where(group_of < 0, groups, group_of)  # ungrouped columns: the last slot
        trees = len(self.leaf_value)
        # Each group's masks at its neutral values: the same for every row.
        at_neutral = np.full((groups + 1, trees), ALL)
        _apply(self, np.asarray(neutral, np.float64), slot, at_neutral)
        base = np.empty(len(X))
        copies = np.full(want.shape, np.nan)
        _score_rows(
            np.ascontiguousarray(X, dtype=np.float64),
            np.ascontiguousarray(want, dtype=np.bool_),
            slot,
            at_neutral,
            self.start,
            self.threshold,
            self.tree,
            self.mask,
            self.nan_start,
            self.nan_tree,
            self.nan_mask,
            self.leaf_value,
            self.baseline,
            base,
            copies,
        )
        return base, copies


def _build(nodes: list[np.ndarray], where: np.ndarray, columns: int, baseline: float) -> Forest:
    """Leaf numbers and masks of every tree, then the nodes grouped by column and threshold."""
    trees = len(nodes)
    leaf_value = np.zeros((trees, 64))
    rows = []  # (column, threshold, tree, mask, missing goes left)
    for t, n in enumerate(nodes):
        first, count = _leaf_ranges(n)
        leaf_value[t, first[n["is_leaf"] == 1]] = n["value"][n["is_leaf"] == 1]
        for k in np.flatnonzero(n["is_leaf"] == 0):
            left = n["left"][k]
            bits = ((1 << int(count[left])) - 1) << int(first[left])
            rows.append(
                (
                    where[n["feature_idx"][k]],
                    float(n["num_threshold"][k]),
                    t,
                    np.uint64(~np.uint64(bits)),
                    bool(n["missing_go_to_left"][k]),
                )
            )
    col = np.array([r[0] for r in rows], dtype=np.int64)
    thr = np.array([r[1] for r in rows], dtype=np.float64)
    tree = np.array([r[2] for r in rows], dtype=np.int64)
    mask = np.array([r[3] for r in rows], dtype=np.uint64)
    nan_right = ~np.array([r[4] for r in rows], dtype=bool)
    order = np.lexsort((thr, col))
    start = np.searchsorted(col[order], np.arange(columns + 1)).astype(np.int64)
    nan_order = np.flatnonzero(nan_right)[np.argsort(col[nan_right], kind="stable")]
    nan_start = np.searchsorted(col[nan_order], np.arange(columns + 1)).astype(np.int64)
    return Forest(
        start=start,
        threshold=thr[order],
        tree=tree[order],
        mask=mask[order],
        nan_start=nan_start,
        nan_tree=tree[nan_order],
        nan_mask=mask[nan_order],
        leaf_value=leaf_value,
        baseline=baseline,
    )


def _leaf_ranges(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per node of one tree: the number of the first leaf under it, counting leaves left to
    right, and how many leaves are under it."""
    first = np.zeros(len(n), dtype=np.int64)
    count = np.zeros(len(n), dtype=np.int64)
    next_leaf = 0
    stack = [(0, False)]
    while stack:  # depth first, left subtree before right; a node is closed after both
        k, closed = stack.pop()
        if n["is_leaf"][k]:
            first[k], count[k] = next_leaf, 1
            next_leaf += 1
        elif closed:
            first[k] = first[n["left"][k]]
            count[k] = count[n["left"][k]] + count[n["right"][k]]
        else:
            stack += [(k, True), (n["right"][k], False), (n["left"][k], False)]
    return first, count


def _apply(forest: Forest, x: np.ndarray, slot: np.ndarray, into: np.ndarray) -> None:
    _apply_row(
        x,
        slot,
        into,
        forest.start,
        forest.threshold,
        forest.tree,
        forest.mask,
        forest.nan_start,
        forest.nan_tree,
        forest.nan_mask,
    )


@compiled
def _apply_row(x, slot, into, start, threshold, tree, mask, nan_start, nan_tree, nan_mask):
    """AND the masks of the nodes that row x fails into into[slot[column], tree]."""
    for f in range(len(x)):
        s = slot[f]
        v = x[f]
        if np.isnan(v):
            for k in range(nan_start[f], nan_start[f + 1]):
                into[s, nan_tree[k]] &= nan_mask[k]
        else:
            k = start[f]
            end = start[f + 1]
            while k < end and threshold[k] < v:
                into[s, tree[k]] &= mask[k]
                k += 1


@compiled
def _total(vectors, leaf_value, baseline):
    """Baseline plus each tree's exit leaf, added in tree order (as scikit-learn adds them)."""
    total = baseline
    for t in range(len(vectors)):
        total += leaf_value[t, trailing_zeros(vectors[t])]
    return total


@compiled
def _score_rows(
    X,
    want,
    slot,
    at_neutral,
    start,
    threshold,
    tree,
    mask,
    nan_start,
    nan_tree,
    nan_mask,
    leaf_value,
    baseline,
    base,
    copies,
):
    n, groups = want.shape
    slots, trees = at_neutral.shape
    parts = np.empty((slots, trees), dtype=np.uint64)
    vectors = np.empty(trees, dtype=np.uint64)
    for r in range(n):
        parts[:] = 0xFFFFFFFFFFFFFFFF
        _apply_row(X[r], slot, parts, start, threshold, tree, mask, nan_start, nan_tree, nan_mask)
        vectors[:] = parts[0]
        for s in range(1, slots):
            vectors &= parts[s]
        base[r] = _total(vectors, leaf_value, baseline)
        for g in range(groups):
            if want[r, g]:
                vectors[:] = at_neutral[g]
                for s in range(slots):
                    if s != g:
                        vectors &= parts[s]
                copies[r, g] = _total(vectors, leaf_value, baseline)
