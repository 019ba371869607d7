"""The feature-family registry: a family added in one place (here a toy family, defined in this
test and registered by a fixture that restores the registry) reaches the feature table, the
reasons, the checklist baseline and the missing-is-NaN checks, with no other file changed; and
the registered families keep their promises (own column names, no name twice)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest

from fakeprofile.features import ProfileFeatures, registry
from fakeprofile.features.family import Family, Flag, Inputs, ReasonGroup
from fakeprofile.features.frame import num
from fakeprofile.inference import explain
from fakeprofile.modeling.estimators import ChecklistRules
from test_features import full_record, made_up, zeroed


def _links(i: Inputs) -> pd.DataFrame:
    """Links written into the about text; NaN without one (unknown, not none)."""
    return pd.DataFrame({"toy_about_links": num(pc.count_substring(i.table["about"], "http"))})


def _links_or_zero(i: Inputs) -> pd.DataFrame:
    """The mistake the missing-is-NaN checks exist for: a missing about text read as 0 links."""
    return pd.DataFrame(
        {"toy_about_links": num(pc.fill_null(pc.count_substring(i.table["about"], "http"), 0))}
    )


def _phrase(r) -> str | None:
    n = r.get("toy_about_links")
    return f"{int(n)} links in the about text" if n == n and n is not None and n >= 2 else None


def toy(compute=_links) -> Family:
    return Family(
        name="toy",
        compute=compute,
        columns=("toy_",),
        groups=(ReasonGroup("toy", ("toy_",), _phrase),),
        checklist=(Flag("link_farm", lambda X, rules: X["toy_about_links"] >= 2),),
    )


@pytest.fixture
def with_toy(monkeypatch):
    """The registry with the toy family at the end; monkeypatch puts the real list back."""
    monkeypatch.setattr(registry, "FAMILIES", [*registry.FAMILIES, toy()])


def records() -> list[dict]:
    farm = {**full_record(), "profile_id": "farm", "about": "http://a.example http://b.example"}
    return [full_record(), farm, {"profile_id": "empty"}]


def test_the_toy_family_is_a_column_of_the_feature_table(with_toy):
    got = ProfileFeatures(as_of="2026-06-30").fit(records()).transform(records())
    assert list(got.columns)[-1] == "toy_about_links"
    assert got["toy_about_links"].tolist()[:2] == [0.0, 2.0]  # an about text without links...
    assert math.isnan(got["toy_about_links"].iloc[2])  # ...and no about text is unknown


def test_the_other_columns_do_not_change_with_the_toy_family(monkeypatch):
    before = ProfileFeatures(as_of="2026-06-30").fit(records()).transform(records())
    monkeypatch.setattr(registry, "FAMILIES", [*registry.FAMILIES, toy()])
    after = ProfileFeatures(as_of="2026-06-30").fit(records()).transform(records())
    pd.testing.assert_frame_equal(after.drop(columns="toy_about_links"), before)


def test_the_toy_family_is_a_reason_and_a_checklist_flag(with_toy):
    X = ProfileFeatures(as_of="2026-06-30").fit(records()).transform(records())
    assert explain.group_columns(list(X.columns))["toy"] == ["toy_about_links"]
    # A linear score on links stands in for a model: setting the toy group to its neutral value
    # (0 links) lowers the link farm's score, so its reason names the links.
    w = np.where(X.columns == "toy_about_links", 0.2, 0.0)
    neutral = pd.Series(0.0, index=X.columns)

    def proba_neutral(X_, want, group_of, neutral_values):
        out = np.full(want.shape, np.nan)
        for i, g in zip(*np.nonzero(want), strict=True):
            row = X_.to_numpy()[i].copy()
            row[group_of == g] = neutral_values[group_of == g]
            out[i, g] = np.nan_to_num(row) @ w
        return out

    base = np.nan_to_num(X.to_numpy()) @ w
    effect = explain.effects(X, proba_neutral, neutral, base)
    assert effect.loc[1, "toy"] == pytest.approx(0.4)
    said = explain.reasons(X, effect, 0.05, np.array([False, True, False]))
    assert said[1] == ["2 links in the about text"] and said[0] == [] and said[2] == []
    flags = ChecklistRules().flags(X)
    assert list(flags.columns)[-1] == "link_farm"
    assert flags["link_farm"].tolist() == [False, True, False]


def test_the_missing_is_nan_checks_cover_the_toy_family(with_toy):
    featurizer = ProfileFeatures(as_of="2026-06-30").fit([full_record()])
    assert "toy_about_links" in featurizer.get_feature_names_out()
    assert made_up(featurizer) == {}
    assert zeroed(featurizer, ("about",)) == []


def test_the_checks_catch_a_toy_family_that_makes_up_a_zero(monkeypatch):
    monkeypatch.setattr(registry, "FAMILIES", [*registry.FAMILIES, toy(_links_or_zero)])
    featurizer = ProfileFeatures(as_of="2026-06-30").fit([full_record()])
    assert made_up(featurizer) == {"toy_about_links": 0.0}


def test_each_family_computes_its_own_columns_and_no_name_twice(monkeypatch):
    """Each family alone gives columns named with its declared prefixes; no two families give
    the same name; all together they make the table, in registry order; no column falls in two
    reason groups."""
    own: list[str] = []
    for fam in registry.families():
        monkeypatch.setattr(registry, "FAMILIES", [fam])
        cols = list(
            ProfileFeatures(as_of="2026-06-30").fit([full_record()]).get_feature_names_out()
        )
        assert cols and all(c.startswith(fam.columns) for c in cols), fam.name
        # A monotonic constraint names a column the family computes (a misspelt name would be
        # left unconstrained without a word), and no column is both increasing and decreasing.
        assert set(fam.increasing) | set(fam.decreasing) <= set(cols), fam.name
        assert not set(fam.increasing) & set(fam.decreasing), fam.name
        own += cols
    monkeypatch.undo()
    names = list(ProfileFeatures(as_of="2026-06-30").fit([full_record()]).get_feature_names_out())
    assert names == own and len(set(names)) == len(names)
    seen = [c for cols in explain.group_columns(names).values() for c in cols]
    assert len(seen) == len(set(seen)), "a column in two reason groups"
