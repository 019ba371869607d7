"""Shared fixtures: small real data made by the project's own generator."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # test helpers (spelling_texts) importable

from fakeprofile.synth.generate import GenConfig, generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> tuple[Path, Path]:
    """400 generated profiles with real photo files: (jsonl.gz, photo folder)."""
    root = tmp_path_factory.mktemp("small")
    out, photos = root / "profiles.jsonl.gz", root / "photos"
    generate(GenConfig(n=400, seed=7, workers=1), out, photos)
    return out, photos


def write_jsonl(path: Path, records: list) -> Path:
    """Write records (dicts are JSON-encoded, bytes and str written as they are) one per line."""
    with open(path, "wb") as fh:
        for r in records:
            if isinstance(r, bytes):
                fh.write(r + b"\n")
            elif isinstance(r, str):
                fh.write(r.encode() + b"\n")
            else:
                fh.write(json.dumps(r).encode() + b"\n")
    return path
