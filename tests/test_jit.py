"""jit.py: where Numba finds nowhere to cache compiled code, the package still imports and
computes the same values (it compiles in each process instead)."""

import os
import subprocess
import sys

CODE = """
from fakeprofile.features import invitation
from fakeprofile import trees

print(
    invitation.canned_similarity("I'd like to connect with you!"),
    type(invitation._count_grams._cache).__name__,
    type(trees._score_rows._cache).__name__,
)
"""


def _run(env: dict) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_no_cache_location_still_compiles_and_computes():
    # Only the zip-archive locator allowed: none applies to these files, as on a read-only
    # install for a user without a home folder.
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "ZipCacheLocator"}
    assert _run(env) == ["1.0", "NullCache", "NullCache"]


def test_compiled_code_is_cached_where_it_can_be():
    assert _run(dict(os.environ)) == ["1.0", "FunctionCache", "FunctionCache"]
