"""What a feature family declares: the types of the registry (features/registry.py).

A family is one module that computes some columns of the feature table, plus one `Family` entry
in `registry.FAMILIES`. The entry says everything the rest of the package needs to know about the
family, so that no other place names its columns: the table (`ProfileFeatures`), the reasons
(`inference/explain`), the checklist baseline (`modeling/estimators.ChecklistRules`) and the
warm-up before scoring (`inference/predictor`) all iterate over the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["Family", "Flag", "Inputs", "Phrase", "ReasonGroup"]

# A phrase names the concrete sign behind a reason group's effect, in words a member understands,
# or None when the row shows no sign that can be named plainly (the group is then not a reason).
# It reads a row's features by name with `row.get(name)` (None if the model has no such column,
# NaN if the value is missing); `getattr(row, "typical", {})` holds genuine members' medians.
Phrase = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class ReasonGroup:
    """Columns a member would name as one sign (photo, thin profile, a pitch in the note, ...).

    `columns`: names or name prefixes (a column belongs to the group if it starts with one of
    them; it may be computed by another family). `note`: the group is about the invitation note,
    and is named whenever it raised the score at all, not only from `min_effect` on."""

    name: str
    columns: tuple[str, ...]
    phrase: Phrase
    note: bool = False


@dataclass(frozen=True)
class Flag:
    """One point of the checklist baseline: `test(X, rules)` gives per row of the feature table
    whether the flag is raised (a flag whose input is missing, NaN, is not raised). `rules` is the
    ChecklistRules estimator, whose parameters hold the thresholds (thin_below, ...)."""

    name: str
    test: Callable[[pd.DataFrame, Any], pd.Series]


@dataclass
class Inputs:
    """What a family's `compute` reads, prepared once per chunk by ProfileFeatures.

    `table`: validated profiles (Arrow), invitation notes already normalised against evasion;
    `tricks`: per row, the count of each evasion trick undone in the note (features/evasion);
    `as_of_days`: per row, the day (since 1970) account ages are measured to (NaN if unknown);
    `photos`: per row, the decoded picture (None if not read); `photo_index`: the fitted reuse
    index; `min_zipf`: the rarest word frequency that counts as a word."""

    table: pa.Table
    tricks: np.ndarray
    as_of_days: np.ndarray
    photos: list[Any]
    photo_index: Any
    min_zipf: float


@dataclass(frozen=True)
class Family:
    """One feature family, as the registry lists it.

    - `compute(inputs) -> DataFrame`: the family's columns, one row per profile, in a fixed
      order; a missing input gives NaN, never a made-up 0.
    - `columns`: the prefixes (or names) of those columns, e.g. ("photo_",).
    - `groups`: its reason groups, in the order reasons are ranked on ties.
    - `checklist`: the flags the checklist baseline reads from it.
    - `increasing`: columns that may only raise the probability of "fake" (monotonic constraints
      in the gradient-boosted trees), e.g. a pitch in the note.
    - `decreasing`: columns that may only lower it, e.g. the account's age: a younger account
      never makes a profile look safer.
    - `load(featurizer)`: load now what it loads on first use (word lists, tables), before
      scoring forks workers that then share it; reads settings from the ProfileFeatures object.
    """

    name: str
    compute: Callable[[Inputs], pd.DataFrame]
    columns: tuple[str, ...]
    groups: tuple[ReasonGroup, ...] = ()
    checklist: tuple[Flag, ...] = ()
    increasing: tuple[str, ...] = ()
    decreasing: tuple[str, ...] = ()
    load: Callable[[Any], None] | None = None
