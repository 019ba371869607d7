"""Numba, set up once for the package: the loops that need compiled code (trees.py, the
tokenizer, character classes and counts, the spaced-out letters, the language totals, the
canned-note trigrams, the career counts) are decorated with `compiled`, and the small helpers
they call with `inlined`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numba import njit


def compiled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` compiled to machine code on its first call, with the GIL released.

    The machine code is cached on disk (beside the source, else in the user's cache folder), so
    later processes skip the compile, a few seconds. Where neither is writable (a read-only
    install for a user without a home folder), Numba refuses to cache at all; then the function
    is compiled anew in each process rather than failing to import."""
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(nogil=True)(fn)


def inlined(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` written into every compiled function that calls it, instead of called: a call from
    one compiled function to another is not inlined, and costs some nanoseconds, which in a
    loop over every byte of a chunk was most of the loop's time (features/tokens)."""
    return njit(inline="always")(fn)
