"""Reasons behind a score, in words a member understands, and faithful to the model.

Method (documented in the README): features are grouped by the sign a careful member would name
(photo, profile depth, spelling, activity, the note, ...); the feature families declare the groups,
their columns and phrases (features/registry.py). For each group we set the row's features
to *neutral* values, the medians of genuine members in the training part, and score again. The drop
in probability is that group's effect on this profile. A group is named as a reason only if its
effect is at least `min_effect`, and at most three are named, largest first; only profiles that are
not accepted get reasons. So a reason always
names something that really pushed this profile's score up, and a profile that looks genuine gets
none. The cost is one extra model evaluation per group, all vectorised over the chunk.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from fakeprofile.features import registry
from fakeprofile.features.family import Phrase
from fakeprofile.features.phrases import note_raised as _note_raised
from fakeprofile.features.phrases import pitch as _pitch

NO_GROUP = -1  # in a column-to-group map: the column belongs to no group


class Row:
    """One row's features by name, read when asked. A phrase reads two or three of some 80, so a
    dict of them all was mostly wasted work, repeated for every row explained. Values are Python
    floats (NaN if missing); a name the model has no column for reads as None, like dict.get.
    `typical` holds genuine members' medians (the model's neutral values) for comparisons."""

    __slots__ = ("_index", "_values", "typical")

    def __init__(self, values: list[float], index: dict[str, int], typical: dict | None = None):
        self._values, self._index = values, index
        self.typical = typical or {}

    def get(self, name: str) -> float | None:
        j = self._index.get(name)
        return None if j is None else self._values[j]


FLOOR_REASON = "never accepted with such a note (policy: thresholds.red_flag_floor in params.yaml)"


def group_columns(columns: list[str]) -> dict[str, list[str]]:
    """The feature columns of each reason group (every column belongs to at most one group)."""
    out = {}
    for name, group in registry.reason_groups().items():
        cols = [c for c in columns if c.startswith(group.columns)]
        if cols:
            out[name] = cols
    return out


def effects(
    X: pd.DataFrame,
    proba_neutral: Callable[[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    neutral: pd.Series,
    base: np.ndarray,
) -> pd.DataFrame:
    """Per row and group: score minus the score with that group set to neutral values.

    A row whose group already holds the neutral values keeps its score, so its effect is exactly
    0 and it is not scored again. The others are scored by `proba_neutral` (Trained's), all in
    one call: for gradient-boosted trees one compiled pass gives every group's neutral score
    (see trees.py)."""
    values = X.to_numpy(dtype=np.float64)
    columns = list(X.columns)
    groups = group_columns(columns)
    # One label look-up for all groups, not one per group.
    neutral_values = neutral[columns].to_numpy(dtype=np.float64)
    group_of = np.full(len(columns), NO_GROUP)
    for g, cols in enumerate(groups.values()):
        group_of[[columns.index(c) for c in cols]] = g
    differs = (values != neutral_values) & ~(np.isnan(values) & np.isnan(neutral_values))
    want = np.zeros((len(X), len(groups)), dtype=bool)
    for g in range(len(groups)):
        want[:, g] = differs[:, group_of == g].any(axis=1)
    scored = proba_neutral(X, want, group_of, neutral_values) if want.any() else want
    out = np.where(want, base[:, None] - scored, 0.0)
    return pd.DataFrame(out, columns=list(groups), index=X.index)


FALLBACK_EFFECT = 0.01


def reasons(
    X: pd.DataFrame,
    effect: pd.DataFrame,
    min_effect: float,
    flagged: np.ndarray,
    top: int = 3,
    typical: pd.Series | None = None,
    floored: np.ndarray | None = None,
    red: np.ndarray | None = None,
    asked: np.ndarray | None = None,
) -> list[list[str]]:
    """Up to `top` phrases per row, for the groups that raised its score by >= min_effect and
    show a sign that can be named (a phrase is never vague: a group without one is skipped).

    The note (pitch, default text, disguises) is named whenever it raised the score by at least
    FALLBACK_EFFECT. A flagged (reported) row always gets a reason: if no group reaches
    min_effect, the groups that raised it at all are named, largest first. `floored` rows were
    kept from "accept" by the red-flag policy, which is then said; `red` rows have a red flag in
    their note, which is always named. An `asked` row ("ask") left without a reason gets the
    strongest concrete sign that raised its score at all: a person asked to decide wants one
    (issue 23), but never a sign that lowered the score. `typical` (genuine members' medians) lets a phrase compare, e.g. account age."""
    names = list(effect.columns)
    groups = registry.reason_groups()
    phrase_of: list[Phrase] = [groups[n].phrase for n in names]
    note_group = [groups[n].note for n in names]
    values = effect.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")
    index = {c: j for j, c in enumerate(X.columns)}
    typical_d = {} if typical is None else {k: float(v) for k, v in typical.items()}
    floored = np.zeros(len(X), dtype=bool) if floored is None else floored
    red = floored if red is None else red | floored
    asked = np.zeros(len(X), dtype=bool) if asked is None else asked
    rows = X.to_numpy().tolist()
    out: list[list[str]] = []
    for i in range(len(X)):
        row = Row(rows[i], index, typical_d)
        picked: list[str] = []

        def take(j: int, row: Row = row, picked: list[str] = picked) -> None:
            phrase = phrase_of[j](row)
            if phrase and phrase not in picked:
                picked.append(phrase)

        for j in order[i]:
            if values[i, j] < min_effect or len(picked) >= top:
                break
            take(j)
        for j in order[i]:  # the note, whenever it raised the score
            if note_group[j] and values[i, j] >= FALLBACK_EFFECT:
                if phrase_of[j](row) is None:  # no sign of its own: name the note itself
                    fallback = _note_raised(row)
                    if fallback not in picked:
                        picked.append(fallback)
                else:
                    take(j)
        if not picked and flagged[i]:
            for j in order[i]:
                if values[i, j] <= 0 or len(picked) >= top:
                    break
                take(j)
        if red[i]:
            pitch = _pitch(row)
            if pitch:  # a red flag comes first
                if pitch in picked:
                    picked.remove(pitch)
                picked.insert(0, pitch)
        if floored[i]:
            picked.append(FLOOR_REASON)
        if not picked and (flagged[i] or asked[i]):
            # No sign that raised the score by min_effect can be named: the concrete sign with
            # the largest effect. A report always gets one (one that left the score as it was
            # before one that lowered it); an ask only one that raised the score at all.
            for j in order[i]:
                if not flagged[i] and values[i, j] <= 0:
                    break
                take(j)
                if picked:
                    break
        out.append(picked)
    return out
