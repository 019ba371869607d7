"""Photo signals: reuse found despite edits, distinct portraits kept apart, hostile files survived."""

import io
import random
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from fakeprofile.features import ProfileFeatures
from fakeprofile.features.photo import PhotoIndex, read_photo
from fakeprofile.synth import photos

BIG = 10_000_000


def save(img, path, fmt="JPEG", quality=90):
    path.write_bytes(photos.encode(img, fmt, quality))
    return path


def info(path):
    return read_photo(path, BIG, 40_000_000)


@pytest.fixture(scope="module")
def edited_copies(tmp_path_factory):
    """Each of 40 stock pictures and 5 edited copies (resize, JPEG quality, 5% crop, mirror)."""
    d = tmp_path_factory.mktemp("copies")
    rng = random.Random(3)
    originals, copies = [], []
    for i in range(40):
        originals.append(info(save(photos.stock(i), d / f"o{i}.jpg")))
        for k in range(5):
            img = photos.stock(i)
            edit = k % 4
            if edit == 0:
                img = img.resize((rng.randint(200, 300),) * 2)
            elif edit == 2:
                w = img.width
                img = img.crop((int(w * 0.05), 0, w, int(w * 0.95)))
            elif edit == 3:
                img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            copies.append((i, info(save(img, d / f"c{i}_{k}.jpg", quality=rng.randint(40, 95)))))
    return originals, copies


def test_edited_copies_are_found(edited_copies):
    originals, copies = edited_copies
    index = PhotoIndex().fit(
        np.array([o.descriptor for o in originals]),
        np.array([f"o{i}" for i in range(len(originals))], dtype=object),
    )
    # Query copies one at a time so that only the reference corpus can match.
    found = [
        index.count(c.descriptor[None], np.array([f"c{n}"], dtype=object))[0] >= 1
        for n, (_, c) in enumerate(copies)
    ]
    assert np.mean(found) >= 0.95


def test_distinct_portraits_rarely_collide(tmp_path):
    desc = []
    for i in range(400):
        img = photos.portrait(f"distinct:{i}", 256)
        desc.append(info(save(img, tmp_path / f"{i}.jpg")).descriptor)
    desc = np.array(desc)
    d = desc[:, None, :].astype(np.float32) - desc[None, :, :]
    rms = np.sqrt((d * d).mean(-1))[np.triu_indices(len(desc), 1)] / 255
    assert (rms <= 0.07).mean() < 0.001
    counts = (
        PhotoIndex()
        .fit(desc, np.arange(len(desc)).astype(str).astype(object))
        .count(desc, np.arange(len(desc)).astype(str).astype(object))
    )
    assert (counts > 0).mean() < 0.01


def test_reuse_counts_other_profiles_in_corpus_and_batch(tmp_path):
    for i in range(4):
        save(photos.reupload(photos.stock(0), random.Random(i), 300), tmp_path / f"r{i}.jpg")
    save(photos.portrait("solo", 300), tmp_path / "solo.jpg")
    train = [{"profile_id": f"t{i}", "photo": f"r{i}.jpg"} for i in range(3)]
    pf = ProfileFeatures(photo_dir=tmp_path).fit(train)
    X = pf.transform(
        [
            {"profile_id": "new", "photo": "r3.jpg"},
            {"profile_id": "s", "photo": "solo.jpg"},
            {"profile_id": "t0", "photo": "r0.jpg"},
        ]
    )
    # "new" matches t0, t1, t2; t0 is in both corpus and batch and must not count itself.
    assert X["photo_reuse_count"].tolist() == [3.0, 0.0, 3.0]


def png_with_size(w, h):
    """A tiny PNG whose header claims w x h pixels (a decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_corrupt_files_are_unreadable_not_errors(tmp_path):
    good = photos.encode(photos.portrait("x", 300), "JPEG")
    (tmp_path / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (tmp_path / "text.jpg").write_text("hello, I am not an image")
    Image.new("RGB", (1, 1)).save(tmp_path / "one.png")
    (tmp_path / "bomb.png").write_bytes(png_with_size(50_000, 50_000))
    (tmp_path / "dir.jpg").mkdir()
    (tmp_path / "empty.jpg").write_bytes(b"")
    names = [
        "truncated.jpg",
        "text.jpg",
        "one.png",
        "bomb.png",
        "dir.jpg",
        "empty.jpg",
        "missing.jpg",
    ]
    X = ProfileFeatures(photo_dir=tmp_path).fit_transform(
        [{"profile_id": n, "photo": n} for n in names]
    )
    assert X["photo_unreadable"].tolist() == [1.0] * len(names)
    assert X["photo_missing"].tolist() == [0.0] * len(names)


def test_placeholder_is_flat_and_not_counted_as_reuse(tmp_path):
    for i in range(3):
        save(photos.placeholder(), tmp_path / f"ph{i}.png", "PNG")
    save(photos.portrait("own", 300), tmp_path / "own.jpg")
    X = ProfileFeatures(photo_dir=tmp_path).fit_transform(
        [{"profile_id": f"p{i}", "photo": f"ph{i}.png"} for i in range(3)]
        + [
            {"profile_id": "o", "photo": "own.jpg"},
            {"profile_id": "none"},
            {"profile_id": "flag", "has_photo": True},
        ]
    )
    assert X["photo_placeholder_or_flat"].tolist()[:4] == [1.0, 1.0, 1.0, 0.0]
    assert np.isnan(X["photo_reuse_count"][0]) and X["photo_reuse_count"][3] == 0
    assert X["photo_missing"].tolist() == [0, 0, 0, 0, 1, 0]
    assert np.isnan(X["photo_unreadable"][5])  # only a flag: nothing to read, so unknown


def test_paths_outside_the_folder_are_never_read(tmp_path):
    inner = tmp_path / "photos"
    inner.mkdir()
    save(photos.portrait("outside", 300), tmp_path / "outside.jpg")
    X = ProfileFeatures(photo_dir=inner).fit_transform(
        [{"profile_id": "a", "photo": "../outside.jpg"}]
    )
    assert X["photo_unreadable"][0] == 1.0 and np.isnan(X["photo_width"][0])


def test_decoding_works_from_bytes_in_draft_mode(tmp_path):
    p = save(photos.portrait("w", 400), tmp_path / "w.jpg")
    i = info(p)
    assert i.readable and (i.width, i.height) == (400.0, 400.0)
    assert Image.open(io.BytesIO(p.read_bytes())).size == (400, 400)
