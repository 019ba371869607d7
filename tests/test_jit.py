"""jit.py: where Numba finds nowhere to cache compiled code, the package still imports and
computes the same values (it compiles in each process instead)."""

import os
import subprocess
import sys

import pytest

CODE = """
from fakeprofile.features import invitation
from fakeprofile.kernels import grams, trees

print(
    invitation.canned_similarity("I'd like to connect with you!"),
    type(grams.count_grams._cache).__name__,
    type(trees._score_rows._cache).__name__,
)
"""


def _run(env: dict) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


@pytest.mark.slow  # a process or a memory bound, end to end: CI runs it
def test_no_cache_location_still_compiles_and_computes():
    # Only the zip-archive locator allowed: none applies to these files, as on a read-only
    # install for a user without a home folder.
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "ZipCacheLocator"}
    assert _run(env) == ["1.0", "NullCache", "NullCache"]


def test_compiled_code_is_cached_where_it_can_be():
    assert _run(dict(os.environ)) == ["1.0", "FunctionCache", "FunctionCache"]


COLD = """
import sys
sys.path.insert(0, sys.argv[1])
from fakeprofile import jit
import plus_one
before = jit.cold()
plus_one.f(1)
print(before, jit.cold())
"""


def test_cold_says_whether_the_cache_holds_the_compiled_code(tmp_path):
    """cold() is true until a function imported so far has been compiled into the cache, also
    in a new process; a changed source makes it cold again. (score.scored_chunks compiles in a
    child process when it is, so that the compiler's memory stays out of the scoring ones.)"""
    (tmp_path / "plus_one.py").write_text(
        "from fakeprofile.jit import compiled\n\n@compiled\ndef f(x):\n    return x + 1\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout.split()

    assert run() == ["True", "False"]  # compiled, and written to the cache
    assert run() == ["False", "False"]  # a new process finds it there
    # Another size: Numba stamps a source by its size and time.
    (tmp_path / "plus_one.py").write_text(
        "from fakeprofile.jit import compiled\n\n@compiled\ndef f(x):\n    return x + 20\n"
    )
    assert run() == ["True", "False"]
