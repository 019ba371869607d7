"""Photo paths come from strangers: resolve them only inside the photo folder."""

from __future__ import annotations

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
    root = Path(os.path.realpath(photo_dir))
    real = Path(os.path.realpath(root / photo))
    if real != root and root not in real.parents:
        raise UnsafePath("photo path resolves outside the photo folder")
    return real
