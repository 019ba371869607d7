"""features/photo.py's small deciders on hand-made input: the format a file's first bytes
announce, the flat-image rule at its cut, 16-bit pictures scaled to 8 bits, the LSH tables drawn
from the configured seed, and the photo columns of a batch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from PIL import Image

from fakeprofile.features import photo


@pytest.mark.parametrize(
    "head,fmt",
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WEBP"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),  # a RIFF file that is sound, not a picture
        (b"RIFX\x24\x00\x00\x00WEBPVP8 ", None),
        (b"GIF89a\x01\x00", "GIF"),
        (b"GIF90a\x01\x00", None),
        (b"II*\x00", None),  # TIFF
        (b"", None),
    ],
    ids=["jpeg", "png", "webp", "wav", "rifx", "gif", "gif90", "tiff", "empty"],
)
def test_photo_format_of_a_files_first_bytes(head, fmt):
    assert photo.photo_format(head) == fmt


def two_colours(d: float) -> np.ndarray:
    """Half the pixels (100, 110, 120), half each channel `d` higher: coloured (saturation 20),
    standard deviation over all values sqrt(200 / 3 + d**2 / 4)."""
    a = np.empty((10, 10, 3), np.float32)
    a[:5] = (100, 110, 120)
    a[5:] = (100 + d, 110 + d, 120 + d)
    return a


def test_the_flat_rule_cuts_at_a_standard_deviation_of_12():
    below, above = two_colours(14.0), two_colours(19.8)
    assert below.std() < 12 <= above.std() < 13
    assert photo.is_flat(below) and not photo.is_flat(above)


def test_sixteen_bit_pictures_are_scaled_to_eight_bits():
    img = Image.new("I;16", (3, 1))
    img.putdata([0, 32768, 65535])
    rgb = photo._to_rgb(img)
    assert rgb.mode == "RGB"
    assert np.asarray(rgb)[0, :, 0].tolist() == [0, 127, 255]  # 32768 / 65535 * 255 = 127.5


def test_the_lsh_tables_come_from_the_seed():
    a, b, c = photo.PhotoIndex(), photo.PhotoIndex(), photo.PhotoIndex(seed=1)
    assert np.array_equal(a.proj, b.proj) and np.array_equal(a.offset, b.offset)
    assert not np.array_equal(a.proj, c.proj)


def test_the_photo_columns_of_a_batch():
    table = pa.table(
        {
            "profile_id": ["a", "b", "c", "d"],
            "has_photo": pa.array([True, None, False, None], pa.bool_()),
            "photo": pa.array(["a.jpg", "b.png", None, None], pa.string()),
        }
    )
    infos = [
        photo.PhotoInfo(readable=True, width=40, height=30, flat=1.0),
        photo.UNREADABLE,
        None,
        None,
    ]
    got = photo.compute(table, infos, photo.PhotoIndex())
    nan = np.nan
    want = {
        "photo_missing": [0.0, 0.0, 1.0, 1.0],
        "photo_unreadable": [0.0, 1.0, nan, nan],
        "photo_placeholder_or_flat": [1.0, nan, nan, nan],
        "photo_width": [40.0, nan, nan, nan],
        "photo_height": [30.0, nan, nan, nan],
        "photo_reuse_count": [nan, nan, nan, nan],  # a flat picture is not compared
    }
    assert list(got.columns) == list(want)
    for name, values in want.items():
        np.testing.assert_array_equal(got[name].to_numpy(), values, err_msg=name)
