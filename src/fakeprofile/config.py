"""Reading `params.yaml`: the only place stages take their configuration from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from fakeprofile.errors import UserError

DEFAULT_PARAMS = Path("params.yaml")


def load_params(path: str | Path = DEFAULT_PARAMS) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} not found: run from the repository root or pass --params")
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:  # one line: where, and what is wrong there
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise UserError(f"{path} is not valid YAML{where}: {problem or exc}") from exc
    if not isinstance(params, dict):
        raise UserError(f"{path} must hold a mapping of sections")
    return params


def section(params: dict[str, Any], name: str) -> dict[str, Any]:
    """One section of params.yaml, with a clear error if it is missing."""
    value = params.get(name)
    if not isinstance(value, dict):
        raise UserError(f"params.yaml has no '{name}:' section")
    return value


def number(
    value: Any,
    name: str,
    kind: type[int] | type[float] = int,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """A number from params.yaml (or its command-line override), checked: a wrong type or range
    is a one-line error naming it ("score.chunk_rows"), not a traceback or a run of nonsense
    ("generated -5 profiles"). Whole numbers must be whole: 2.5 is not read as 2."""
    whole = kind is int
    ok = not isinstance(value, bool) and isinstance(value, int | float | str)
    try:
        out = float(value) if ok else None
    except ValueError:
        out = None
    if out is None or out != out or (whole and not out.is_integer()):
        raise UserError(
            f"params.yaml: {name} must be {'a whole number' if whole else 'a number'}, "
            f"got {value!r}"
        )
    if whole:
        out = value if isinstance(value, int) else int(out)  # big ints stay exact
    if low is not None and out < low:
        raise UserError(f"params.yaml: {name} must be at least {low}, got {value!r}")
    if high is not None and out > high:
        raise UserError(f"params.yaml: {name} must be at most {high}, got {value!r}")
    return out
