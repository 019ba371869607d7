"""Numba, set up once for the package: the loops that need compiled code (kernels/, and the
tree walker) are decorated with `compiled`, and the small helpers they call with `inlined`."""

from __future__ import annotations

import os
import site
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba.core.config
from numba import njit


def _keep_cache_outside(code: Path) -> None:
    """Point Numba's cache at the user's cache folder when the package runs from a copy that
    is neither installed nor a source checkout: a model loaded from MLflow (`models:/`, `mlflow
    models serve`) runs the code logged with it, and Numba wrote its cache files beside that
    code, into the artifact store. Runs before any compiled function is made."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    installed = any(code.is_relative_to(Path(p)) for p in site.getsitepackages())
    if installed or (code.parent.parent / "pyproject.toml").is_file():
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    numba.core.config.CACHE_DIR = str(cache / "fakeprofile" / "numba")


_keep_cache_outside(Path(__file__).resolve().parent)

# Every function `compiled` made with an on-disk cache, in the order their modules were imported.
_CACHED: list[Any] = []


def compiled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` compiled to machine code on its first call, with the GIL released.

    The machine code is cached on disk (beside the source, else in the user's cache folder), so
    later processes skip the compile. Where neither is writable (a read-only
    install for a user without a home folder), Numba refuses to cache at all; then the function
    is compiled anew in each process rather than failing to import."""
    try:
        dispatcher = njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(nogil=True)(fn)
    _CACHED.append(dispatcher)
    return dispatcher


def cold() -> bool:
    """Does a compiled function imported so far have no machine code in Numba's cache for its
    current source (a first run after installing or changing the code)? Compiling costs the
    process that does it some 110 MB it keeps (LLVM), so a caller that cares for its memory can
    compile in a child process first (score.scored_chunks). Reads Numba's cache index; if that
    cannot be read, says yes."""
    for dispatcher in _CACHED:
        try:
            if not dispatcher._cache._cache_file._load_index():
                return True
        except Exception:  # Numba's internals moved: compile in the child, to be safe
            return True
    return False


def inlined(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` written into every compiled function that calls it, instead of called: a call from
    one compiled function to another is not inlined, which in a loop over every byte of a chunk
    was most of the loop's time (kernels/tokens)."""
    return njit(inline="always")(fn)
