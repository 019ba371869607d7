"""Photo paths come from strangers: resolve them only inside the photo folder."""

from __future__ import annotations

import functools
import os
from pathlib import Path, PurePosixPath, PureWindowsPath


class UnsafePath(ValueError):
    """A photo path that is absolute, climbs with '..', or resolves outside the photo folder."""


def check_lexical(photo: str) -> None:
    """Reject what no legitimate relative photo path contains, before touching the file system."""
    if not photo or "\x00" in photo:
        raise UnsafePath("photo path is empty or contains a NUL byte")
    if (
        PurePosixPath(photo).is_absolute()
        or PureWindowsPath(photo).is_absolute()
        or photo[:1] in "/\\"
    ):
        raise UnsafePath("photo path is absolute")
    if PureWindowsPath(photo).drive:
        raise UnsafePath("photo path names a drive")
    parts = photo.replace("\\", "/").split("/")
    if ".." in parts:
        raise UnsafePath("photo path contains '..'")


def resolve_photo(photo: str, photo_dir: str | Path) -> Path:
    """The real path of `photo` inside `photo_dir`; raises UnsafePath if it would leave the folder.

    Symbolic links are followed before the check, so a link pointing at /etc/passwd is refused.
    The file need not exist (a missing file is an unreadable photo, not an attack).
    """
    check_lexical(photo)
    root = _real_dir(str(photo_dir))
    real = os.path.realpath(os.path.join(root, photo))
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise UnsafePath("photo path resolves outside the photo folder")
    return Path(real)


@functools.lru_cache(maxsize=16)
def _real_dir(photo_dir: str) -> str:
    """The photo folder's real path, resolved once per folder (not once per photo)."""
    return os.path.realpath(photo_dir)
