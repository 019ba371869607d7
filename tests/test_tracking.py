"""tracking.py: MLflow key names are the nested keys joined with dots."""

from fakeprofile.tracking import flatten


def test_flatten_joins_nested_keys_with_dots():
    nested = {
        "model": {"test": {"auc": 0.9, "report@0.99": {"recall": 0.8}}, "kind": "hgb"},
        "n": 3,
        "empty": {},
    }
    assert flatten(nested) == {
        "model.test.auc": 0.9,
        "model.test.report@0.99.recall": 0.8,
        "model.kind": "hgb",
        "n": 3,
    }


def test_flatten_keeps_params_names_as_params_yaml_spells_them():
    params = {"train": {"hgb": {"max_iter": 300}, "model": "hgb"}, "thresholds": {"x": 0.1}}
    assert sorted(flatten(params)) == ["thresholds.x", "train.hgb.max_iter", "train.model"]
    assert flatten({"a": 1}, "pre.") == {"pre.a": 1}
