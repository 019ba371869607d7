"""The exported model's verdicts (inference/predictor.py) against a reference built from its
parts: the probability of the fitted model, the decision at its thresholds counted by hand,
and reasons from each group's effect measured by rescoring the row with that group set to the
neutral values; accepted rows get none. A tiny real model (600 generated profiles) keeps this
in the fast suite."""

from __future__ import annotations

import copy
import dataclasses
import decimal
import fractions
import json
import pickle
import re

import numpy as np
import pandas as pd
import pytest

from conftest import export_with_manifest
from fakeprofile.errors import UserError
from fakeprofile.features import invitation
from fakeprofile.inference import explain
from fakeprofile.inference.predictor import MANIFEST, OUTPUT_SCHEMA, load
from fakeprofile.synth.generate import GenConfig, make_profile


@pytest.fixture(scope="module")
def tiny(tiny_model):
    model = tiny_model
    cfg = GenConfig(n=120, seed=44, with_photos=False, workers=1)
    return model, [make_profile(i, cfg)[0] for i in range(cfg.n)]


def reference(model, feats):
    trained, neutral = model.trained, model.neutral
    p = trained.proba(feats)
    decision = np.full(len(p), "ask", dtype=object)
    decision[p < trained.accept_below] = "accept"
    decision[p >= trained.report_at] = "report"
    red = invitation.red_flags(feats)
    floored = (decision == "accept") & red & trained.red_flag_floor
    decision[floored] = "ask"
    effect = {}
    for group, cols in explain.group_columns(list(feats.columns)).items():
        copy = feats.copy()
        copy[cols] = neutral[cols].to_numpy()
        effect[group] = p - trained.proba(copy)
    effect = pd.DataFrame(effect, index=feats.index)
    every = explain.reasons(
        feats,
        effect,
        model.min_effect,
        decision == "report",
        typical=neutral,
        floored=floored,
        red=red,
        asked=decision == "ask",
    )
    named = decision != "accept"
    return p, decision, [r if n else [] for r, n in zip(every, named, strict=True)]


def test_verdicts_equal_the_reference_built_from_the_models_parts(tiny):
    model, records = tiny
    feats = model.features(records)
    p, decision, reasons = model.verdicts(feats)
    want_p, want_decision, want_reasons = reference(model, feats)
    np.testing.assert_allclose(p, want_p, rtol=0, atol=1e-12)
    assert decision.tolist() == want_decision.tolist()
    assert set(decision) == {"accept", "ask", "report"}  # every branch has rows here
    assert reasons == want_reasons
    assert sum(map(bool, reasons)) > 20  # the comparison has reasons to compare
    assert all(r for r, d in zip(reasons, decision, strict=True) if d == "report")
    # A person asked to decide gets a concrete sign (issue 23) when one raised the score
    # (test_explain pins the rule on hand-made effects): nearly every asked row here.
    asked = decision == "ask"
    unexplained = [a and not r for r, a in zip(reasons, asked, strict=True)]
    assert asked.sum() >= 20 and sum(unexplained) <= 0.1 * asked.sum()


def test_score_keeps_input_order_marks_invalid_rows_and_agrees_with_score_arrow(tiny):
    model, records = tiny
    bad = dict(records[3], connections=-5)  # a count below zero is not valid input
    mixed = [*records[:3], bad, *records[4:40]]
    got = model.score(mixed)
    assert got["profile_id"].tolist() == [r["profile_id"] for r in mixed]
    assert got.loc[3, "decision"] == "error" and "connections" in str(got.loc[3, "error"])
    ok = got.drop(index=3).reset_index(drop=True)
    valid = [*records[:3], *records[4:40]]
    p, decision, reasons = model.verdicts(model.features(valid))
    np.testing.assert_allclose(ok["score"].to_numpy(dtype=float), p, rtol=0, atol=1e-12)
    assert ok["decision"].tolist() == decision.tolist()
    assert [list(r) for r in ok["reasons"]] == reasons
    assert set(got["model_version"]) == {model.version}
    arrow = model.score_arrow(valid).to_pydict()
    assert arrow["profile_id"] == [r["profile_id"] for r in valid]
    np.testing.assert_allclose(arrow["score"], p, rtol=0, atol=1e-12)
    assert arrow["decision"] == decision.tolist() and arrow["reasons"] == reasons
    assert arrow["model_version"] == [model.version] * len(valid)


def test_a_pickled_model_keeps_its_neutral_values_and_scores_alike(tiny):
    model, records = tiny
    state = model.__getstate__()
    assert state["neutral"]["names"] == list(model.neutral.index)
    assert state["neutral"]["values"].dtype == np.float64
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_series_equal(again.neutral, model.neutral.astype(np.float64))
    assert again.min_effect == model.min_effect and again.version == model.version
    a, b = model.score(records[:30]), again.score(records[:30])
    pd.testing.assert_frame_equal(a, b)


def test_accepted_rows_get_no_reasons_even_where_a_group_raised_their_score(tiny):
    """With the accept threshold raised, many accepted rows have groups that raised their score
    enough to be named; accepted rows still get none, the others as the reference says."""
    model, records = tiny
    wide = copy.copy(model)
    wide.trained = dataclasses.replace(model.trained, accept_below=0.5)
    feats = wide.features(records)
    p, decision, reasons = wide.verdicts(feats)
    want_p, want_decision, want_reasons = reference(wide, feats)
    assert decision.tolist() == want_decision.tolist() and reasons == want_reasons
    accepted = decision == "accept"
    effect_named = explain.reasons(
        feats,
        explain.effects(feats, wide.trained.proba_neutral, wide.neutral, p),
        wide.min_effect,
        decision == "report",
        typical=wide.neutral,
    )
    assert any(effect_named[i] for i in np.flatnonzero(accepted))  # there was something to name
    assert not any(reasons[i] for i in np.flatnonzero(accepted))
    np.testing.assert_allclose(wide.predict_proba(records), want_p, rtol=0, atol=1e-12)


def test_score_arrow_keeps_the_output_schema_when_no_row_has_a_reason(tiny):
    model, records = tiny
    p, decision, _ = model.verdicts(model.features(records))
    quiet = [r for r, d in zip(records, decision, strict=True) if d == "accept"][:3]
    assert len(quiet) == 3
    table = model.score_arrow(quiet)
    assert table.schema == OUTPUT_SCHEMA and table.column("reasons").to_pylist() == [[]] * 3


@pytest.fixture(scope="module")
def exported(tiny, tmp_path_factory):
    model, _ = tiny
    return export_with_manifest(model, tmp_path_factory.mktemp("tiny-model"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"artifact": "other.joblib"}, "the manifest describes 'other.joblib'"),
        ({"sha256": "0" * 64}, "its sha256 does not match the manifest"),
        ({"version": "v-other"}, "the manifest says 'v-other'"),
        ({"model_kind": "rf"}, "the manifest says"),
    ],
)
def test_a_model_file_loads_only_as_its_manifest_describes_it(exported, change, message):
    path, manifest = exported
    model = load(path)
    assert model.version == manifest["version"] and model.trained.kind == manifest["model_kind"]
    (path.parent / MANIFEST).write_text(json.dumps(manifest | change), encoding="utf-8")
    try:
        with pytest.raises(UserError, match=re.escape(message)):
            load(str(path))
    finally:
        (path.parent / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_missing_file_or_manifest_and_a_broken_manifest_are_one_line_errors(exported, tmp_path):
    path, manifest = exported
    with pytest.raises(UserError, match="model file not found"):
        load(tmp_path / "none.joblib")
    alone = tmp_path / path.name
    alone.write_bytes(path.read_bytes())
    with pytest.raises(UserError, match="no manifest.json beside it"):
        load(alone)
    for text, message in (("{", "is not valid JSON"), ("[1]", "is not a JSON object")):
        (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
        with pytest.raises(UserError, match=message):
            load(alone)
    (tmp_path / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert load(alone).version == manifest["version"]


def test_a_model_file_holding_types_off_the_trusted_list_is_refused_by_name(tiny, tmp_path):
    model, _ = tiny
    odd = copy.copy(model)
    odd.extra = {"a": fractions.Fraction(1, 3), "b": decimal.Decimal("1.5")}
    path, _ = export_with_manifest(odd, tmp_path)
    with pytest.raises(UserError) as caught:
        load(path)
    listed = re.search(r"not on the trusted list \(([^)]*)\)", str(caught.value))
    assert listed and sorted(listed.group(1).split(", ")) == [
        "decimal.Decimal",
        "fractions.Fraction",
    ]
