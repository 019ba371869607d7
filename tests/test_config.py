"""config: params.yaml read into typed settings; every bad setting is one line naming it."""

import math
from pathlib import Path

import pytest
import yaml

from fakeprofile.cli import main
from fakeprofile.config import DEFAULTS, keys, load_params, number
from fakeprofile.data import validate
from fakeprofile.errors import UserError
from fakeprofile.features import ProfileFeatures
from fakeprofile.modeling import estimators as models


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [(3, int, 3), ("3", int, 3), (2.0, int, 2), (2**70, int, 2**70), ("0.25", float, 0.25)],
)
def test_numbers_are_read(value, kind, expected):
    out = number(value, "s.k", kind)
    assert out == expected and type(out) is kind


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (2.5, "whole number, got 2.5"),
        ("abc", "whole number, got 'abc'"),
        (True, "whole number, got True"),
        (None, "whole number, got None"),
        (math.nan, "whole number, got nan"),
        (0, "at least 1, got 0"),
        (-5, "at least 1, got -5"),
        (11, "at most 10, got 11"),
    ],
)
def test_bad_numbers_are_one_line_errors_naming_the_setting(value, why):
    with pytest.raises(UserError, match=f"^params.yaml: score.chunk_rows must be .*{why}$"):
        number(value, "score.chunk_rows", int, low=1, high=10)


def test_broken_yaml_is_one_line_with_its_place(tmp_path):
    (tmp_path / "p.yaml").write_text("score: [1, 2\n")
    with pytest.raises(UserError) as exc:
        load_params(tmp_path / "p.yaml")
    assert "\n" not in str(exc.value) and "(line 2, column 1)" in str(exc.value)


def test_a_misspelled_model_setting_names_it():
    with pytest.raises(UserError, match="train.hgb: .*'max_iters'"):
        models.build("hgb", {"hgb": {"max_iters": 3}}, 0)


# -- typed settings: params.yaml checked against config.Settings ---------------------------------
REPO = Path(__file__).resolve().parents[1]


def test_the_shipped_params_validate_and_state_every_setting():
    """The repository's params.yaml passes, states each setting (so DVC can track it) and reads
    back unchanged: load_params only checks and fills in."""
    raw = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    assert load_params(REPO / "params.yaml") == raw

    def dotted(d, prefix=""):
        for k, v in d.items():
            yield from dotted(v, f"{prefix}{k}.") if isinstance(v, dict) else [prefix + k]

    assert list(dotted(raw)) == keys()


def test_defaults_fill_what_params_leave_out(tmp_path):
    (tmp_path / "p.yaml").write_text("score:\n  workers: 3\n")
    params = load_params(tmp_path / "p.yaml")
    assert params["score"] == {"chunk_rows": DEFAULTS.score.chunk_rows, "workers": 3}
    assert params["train"]["hgb"]["max_iter"] == DEFAULTS.train.hgb.max_iter
    assert load_params(tmp_path / "absent.yaml", missing_ok=True) == DEFAULTS.model_dump(
        mode="json", by_alias=True
    )


def test_code_defaults_are_the_settings_defaults():
    """Estimators and rules built without arguments use the defaults declared in config."""
    f = ProfileFeatures()
    assert (f.reuse_threshold, f.min_zipf, f.max_photo_bytes, f.max_photo_pixels, f.seed) == (
        DEFAULTS.features.reuse_threshold,
        DEFAULTS.features.min_zipf,
        DEFAULTS.features.max_photo_bytes,
        DEFAULTS.features.max_photo_pixels,
        DEFAULTS.features.seed,
    )
    r = models.ChecklistRules()
    assert (r.thin_below, r.misspelled_above) == (
        DEFAULTS.train.rules.thin_below,
        DEFAULTS.train.rules.misspelled_above,
    )
    assert validate.Rules().earliest_date == DEFAULTS.validation.earliest_date


BAD_SETTINGS = [
    # unknown keys: named by their dotted path, with the nearest valid one
    (
        "score:\n  chunk_row: 1\n",
        "unknown setting score.chunk_row (did you mean score.chunk_rows?)",
    ),
    ("mlflow:\n  enable: false\n", "unknown setting mlflow.enable (did you mean mlflow.enabled?)"),
    ("scores:\n  workers: 2\n", "unknown setting scores (did you mean score?)"),
    ("train:\n  hgb:\n    learning_rat: 0.1\n", "(did you mean train.hgb.learning_rate?)"),
    # wrong types: the key, the value and what is allowed
    (
        "train:\n  hgb:\n    learning_rate: fast\n",
        "train.hgb.learning_rate must be a number above 0, got 'fast'",
    ),
    (
        "thresholds:\n  report_min_precision: 99%\n",
        "thresholds.report_min_precision must be a number from 0 to 1, got '99%'",
    ),
    ("generate:\n  n: true\n", "generate.n must be a whole number at least 1, got True"),
    ("train:\n  hgb:\n    max_iter: 2.5\n", "train.hgb.max_iter must be a whole number"),
    ("mlflow:\n  enabled: maybe\n", "mlflow.enabled must be true or false, got 'maybe'"),
    (
        "split:\n  method: random\n",
        "split.method must be one of 'grouped', 'temporal', 'cv', got 'random'",
    ),
    ("features:\n  as_of: 2026-06-31\n", "features.as_of must be a date (YYYY-MM-DD) or null"),
    ("score: 5\n", "score must be a section of settings (key: value lines), got 5"),
    # out of range: negative counts, shares outside 0-1
    ("generate:\n  n: -5\n", "generate.n must be a whole number at least 1, got -5"),
    ("evaluate:\n  permutation_repeats: 0\n", "permutation_repeats must be a whole number at"),
    ("generate:\n  fake_share: 1.5\n", "generate.fake_share must be a number from 0 to 1, got 1.5"),
    ("export:\n  min_effect: -0.1\n", "export.min_effect must be a number from 0 to 1, got -0.1"),
    ("score:\n  workers: 0\n", "score.workers must be 'auto' or a whole number at least 1, got 0"),
    ("train:\n  logreg:\n    C: .nan\n", "train.logreg.C must be a number above 0, got nan"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line_from_the_command_line(text, message, tmp_path, capsys):
    (tmp_path / "p.yaml").write_text(text)
    assert main(["where", "--params", str(tmp_path / "p.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"fakeprofile where: error: {tmp_path / 'p.yaml'}: ")
    assert captured.err.count("\n") == 1 and message in captured.err


def test_several_bad_settings_are_still_one_line(tmp_path):
    (tmp_path / "p.yaml").write_text("score:\n  chunk_rows: x\n  workers: y\nmlflow:\n  on: 1\n")
    with pytest.raises(UserError, match=r"score.chunk_rows must be .* \(and 2 more\)$"):
        load_params(tmp_path / "p.yaml")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "--workers", "0"], "--workers: score.workers must be 'auto' or a whole number"),
        (["score", "--workers", "many"], "got 'many'"),
        (["generate", "--n", "-5"], "--n: generate.n must be a whole number at least 1, got -5"),
    ],
)
def test_command_line_overrides_pass_the_same_checks(argv, message, tmp_path, capsys):
    (tmp_path / "p.yaml").write_text("")
    out = ["--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "o.csv")]
    extra = out if argv[0] == "score" else ["--output", str(tmp_path / "g.jsonl")]
    assert main([*argv, *extra, "--params", str(tmp_path / "p.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "g.jsonl").exists()
