"""config: params.yaml read with one-line errors; numbers checked for type and range."""

import math

import pytest

from fakeprofile import models
from fakeprofile.config import load_params, number
from fakeprofile.errors import UserError


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
