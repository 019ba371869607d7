"""Photo paths from strangers: the fast resolution must agree with os.path.realpath everywhere
below the photo folder, links included, and refuse whatever leaves it."""

from __future__ import annotations

import itertools
import os

import pytest

from fakeprofile.data.safepath import UnsafePath, check_lexical, resolve_photo


@pytest.fixture
def tree(tmp_path):
    """A photo folder with files, a subfolder and links inside and out of it."""
    root = tmp_path / "photos"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.jpg").write_bytes(b"x")
    (root / "sub" / "b.jpg").write_bytes(b"x")
    os.symlink("/etc/passwd", root / "evil.jpg")
    os.symlink(root / "sub", root / "lnk")
    os.symlink("../..", root / "sub" / "up")
    os.symlink("a.jpg", root / "rel.jpg")
    os.symlink(tmp_path, root / "out")
    return root


def test_resolution_agrees_with_realpath_and_never_leaves_the_folder(tree):
    parts = ["a.jpg", "sub", "b.jpg", "deeper", "evil.jpg", "lnk", "up", "rel.jpg", "out", "none"]
    real_root = os.path.realpath(tree)
    for n in (1, 2, 3):
        for combo in itertools.product([*parts, ".", ""], repeat=n):
            photo = "/".join(combo)
            if not photo or photo.startswith("/"):
                continue
            expected = os.path.realpath(os.path.join(tree, photo))
            inside = expected == real_root or expected.startswith(real_root + os.sep)
            if inside:
                assert str(resolve_photo(photo, tree)) == expected, photo
            else:
                with pytest.raises(UnsafePath, match="outside the photo folder"):
                    resolve_photo(photo, tree)


@pytest.mark.parametrize(
    ("photo", "reason"),
    [
        ("", "empty"),
        ("a\x00.jpg", "NUL"),
        ("/etc/passwd", "absolute"),
        ("\\\\server\\share\\x.jpg", "absolute"),
        ("C:\\x.jpg", "absolute"),
        ("c:x.jpg", "drive"),
        ("../x.jpg", r"'\.\.'"),
        ("a\\..\\..\\x.jpg", r"'\.\.'"),
    ],
)
def test_lexically_unsafe_paths_are_refused_before_any_file_access(photo, reason):
    with pytest.raises(UnsafePath, match=reason):
        check_lexical(photo)


@pytest.mark.parametrize("photo", ["a.jpg", "sub/b.jpg", "1:2.jpg", "x..y.jpg", "./a.jpg"])
def test_ordinary_relative_paths_pass(photo):
    check_lexical(photo)
