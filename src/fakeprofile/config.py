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
    except yaml.YAMLError as exc:
        raise UserError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(params, dict):
        raise UserError(f"{path} must hold a mapping of sections")
    return params


def section(params: dict[str, Any], name: str) -> dict[str, Any]:
    """One section of params.yaml, with a clear error if it is missing."""
    value = params.get(name)
    if not isinstance(value, dict):
        raise UserError(f"params.yaml has no '{name}:' section")
    return value
