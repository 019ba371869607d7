"""Progress bars for steps that take more than a few seconds: a total, the rate and the time
left on a terminal; nothing at all when standard error is not one (logs, CI, DVC's captured
output), so pipelines stay quiet."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm


def bar(total: int | None, desc: str, unit: str = " rows", **kwargs: Any) -> tqdm:
    """A tqdm bar on standard error, disabled unless it is a terminal."""
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        dynamic_ncols=True,
        **kwargs,
    )
