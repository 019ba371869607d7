"""Photo paths come from strangers: resolve them only inside the photo folder."""

from __future__ import annotations

import functools
import os
import stat
import string
from pathlib import Path


class UnsafePath(ValueError):
    """A photo path that is absolute, climbs with '..', or resolves outside the photo folder."""


def check_lexical(photo: str) -> None:
    """Reject what no legitimate relative photo path contains, before touching the file system.

    Plain string tests, read the way both POSIX and Windows would read the path (this runs twice
    per photo, so it avoids building pathlib objects): a leading slash or backslash is a root,
    and a letter followed by ':' a drive ("C:x"; "C:\\x" is absolute)."""
    if not photo or "\x00" in photo:
        raise UnsafePath("photo path is empty or contains a NUL byte")
    drive = photo[1:2] == ":" and photo[0] in string.ascii_letters
    if photo[0] in "/\\" or (drive and photo[2:3] in ("/", "\\")):
        raise UnsafePath("photo path is absolute")
    if drive:
        raise UnsafePath("photo path names a drive")
    if ".." in photo.replace("\\", "/").split("/"):
        raise UnsafePath("photo path contains '..'")


def check_photo(photo: str, photo_dir: str | Path | None) -> None:
    """Raise UnsafePath if `photo` may not be read: lexically when there is no photo folder
    (scoring without photos), else resolved under the folder."""
    if photo_dir is None:
        check_lexical(photo)
    else:
        resolve_photo(photo, photo_dir)


def resolve_photo(photo: str, photo_dir: str | Path) -> Path:
    """The real path of `photo` inside `photo_dir`; raises UnsafePath if it would leave the folder.

    Symbolic links are followed before the check, so a link pointing at /etc/passwd is refused.
    The file need not exist (a missing file is an unreadable photo, not an attack).
    """
    check_lexical(photo)
    root = _real_dir(str(photo_dir))
    real = _realpath_under(root, photo)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise UnsafePath("photo path resolves outside the photo folder")
    return Path(real)


def _realpath_under(root: str, photo: str) -> str:
    """os.path.realpath(root/photo) for a `root` that is already real and a `photo` without '..'.

    realpath checks every component of the whole path for links; below a real folder only the
    photo's own components can be links, so those are checked (one lstat each, usually one in
    all) and realpath is called only when one of them is a link. Missing components are joined
    as they are, as realpath does."""
    path = root
    for part in photo.split(os.sep):
        if part in ("", "."):
            continue
        path = os.path.join(path, part)
        try:
            is_link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            is_link = False
        if is_link:
            return os.path.realpath(os.path.join(root, photo))
    return path


@functools.lru_cache(maxsize=16)
def _real_dir(photo_dir: str) -> str:
    """The photo folder's real path, resolved once per folder (not once per photo)."""
    return os.path.realpath(photo_dir)
