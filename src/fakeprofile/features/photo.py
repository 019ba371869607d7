"""Photo signals (`photo_*`): no photo, unreadable file, placeholder or flat image, size, and reuse.

Reuse is what exposes fake rings: the same stock picture, re-saved, resized, cropped or mirrored, on
many accounts. Each picture is reduced to a descriptor that survives those edits: an 8x8 colour
thumbnail made mirror-symmetric (the average of the picture and its mirror image), 96 numbers.
Near-duplicates are pictures whose descriptors lie within `threshold` (root mean square, 0-1 scale).
On the generated portraits, edited copies lie within 0.05 of their original and distinct
portraits at least 0.09 apart; the default threshold sits between.

Lookup uses locality-sensitive hashing (random projections, several tables), so counting the
near-duplicates of a picture among a million costs a few hash look-ups, not a million comparisons.

Pictures are decoded defensively: paths are resolved inside the photo folder only, non-regular files
and files over `max_bytes` are not opened, images declaring more than `max_pixels` are refused before
decoding (decompression bombs), and JPEGs are decoded at reduced size (draft mode).
"""

from __future__ import annotations

import collections
import os
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from PIL import Image

from fakeprofile.config import DEFAULTS
from fakeprofile.data.safepath import UnsafePath, resolve_photo
from fakeprofile.features.frame import num
from fakeprofile.kernels import sets

DESC_SIZE = 8
DESC_DIM = DESC_SIZE * (DESC_SIZE // 2) * 3
PAIR_BLOCK = 100_000  # candidate pairs compared at once (bounds memory to ~40 MB)


@dataclass(frozen=True)
class PhotoInfo:
    readable: bool
    width: float = np.nan
    height: float = np.nan
    flat: float = np.nan  # placeholder avatar or blank image: grey and nearly uniform
    descriptor: np.ndarray | None = None


UNREADABLE = PhotoInfo(readable=False)


def descriptor(img: Image.Image) -> np.ndarray:
    """Mirror-invariant 96-number summary of an RGB picture, as uint8."""
    a = np.asarray(img.resize((DESC_SIZE, DESC_SIZE), Image.Resampling.BOX), dtype=np.float32)
    sym = (a + a[:, ::-1]) / 2
    return np.rint(sym[:, : DESC_SIZE // 2]).astype(np.uint8).ravel()


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB of any mode; 16-bit and float images are scaled to 8 bits first (a plain convert
    clips them to white)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(img, dtype=np.float32)
        top = 65535.0 if img.mode.startswith("I;16") or a.max() > 255 else 255.0
        return Image.fromarray(np.clip(a / top * 255, 0, 255).astype(np.uint8), "L").convert("RGB")
    return img.convert("RGB")


def is_flat(a: np.ndarray) -> bool:
    """A blank image (nearly one colour), or a placeholder avatar: grey, and almost all of it in
    two tones (silhouette and background). Black-and-white photos have many tones, so they are
    not flagged."""
    if a.std() < 12.0:
        return True
    r, g, b = a[..., 0], a[..., 1], a[..., 2]  # per-channel element-wise: numpy reduces a
    # length-3 last axis much more slowly than it combines three planes
    saturation = float((np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b)).mean())
    if saturation >= 4.0:
        return False
    tones = np.bincount((((r + g) + b) / 3 / 8).astype(np.int64).ravel(), minlength=32)
    return np.sort(tones)[-2:].sum() / tones.sum() >= 0.8


# The formats a profile photo may have, and how each file begins. Anything else (PostScript,
# which Pillow hands to Ghostscript; TIFF, PSD, ICO and the other formats Pillow reads) is
# unreadable before any decoder sees it.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def photo_format(head: bytes) -> str | None:
    """The allowed format a file's first bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    return None


def read_photo(path: Path, max_bytes: int, max_pixels: int) -> PhotoInfo:
    """Decode one picture into its signals; any failure is UNREADABLE, never an exception.

    Only the allowed formats, by their signature, and only the decoder of that format; the
    size in pixels is read from the header and checked before anything is decoded."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes or st.st_size == 0:
            return UNREADABLE
        with open(path, "rb") as fh:
            kind = photo_format(fh.read(12))
        if kind is None:
            return UNREADABLE
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[kind]) as img:
                w, h = img.size
                if w * h > max_pixels or w < 2 or h < 2:
                    return UNREADABLE
                img.draft("RGB", (64, 64))  # JPEG: decode at 1/2..1/8 scale, far cheaper
                small = _to_rgb(img)
                small.thumbnail((64, 64))
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        MemoryError,
        EOFError,
    ):
        return UNREADABLE
    flat = float(is_flat(np.asarray(small, dtype=np.float32)))
    return PhotoInfo(True, float(w), float(h), flat, descriptor(small))


_DECODED: collections.OrderedDict[tuple, PhotoInfo] = collections.OrderedDict()
DECODED_KEPT = 4096  # photos whose signals are kept, most recently used


def read_photo_once(path: Path, max_bytes: int, max_pixels: int) -> PhotoInfo:
    """read_photo, decoding each file once per process: a large picture named by every row of a
    file would otherwise be decoded again for each row. Keyed by the file's identity and time of
    change, so a file replaced meanwhile is read anew."""
    try:
        st = os.stat(path)
    except OSError:
        return UNREADABLE
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, max_bytes, max_pixels)
    info = _DECODED.get(key)
    if info is None:
        info = _DECODED[key] = read_photo(path, max_bytes, max_pixels)
        if len(_DECODED) > DECODED_KEPT:
            _DECODED.popitem(last=False)
    else:
        _DECODED.move_to_end(key)
    return info


def read_photos(
    photos: list[str | None],
    photo_dir: str | Path | None,
    max_bytes: int,
    max_pixels: int,
    progress: Callable[[int], object] | None = None,
) -> list[PhotoInfo | None]:
    """PhotoInfo per path (None where there is no path or no folder to read it from);
    `progress(n)` is told of every 500 paths read."""
    out: list[PhotoInfo | None] = []
    for i, p in enumerate(photos):
        if progress is not None and i % 500 == 499:
            progress(500)
        if p is None or photo_dir is None:
            out.append(None)
            continue
        try:
            out.append(read_photo_once(resolve_photo(p, photo_dir), max_bytes, max_pixels))
        except UnsafePath:
            out.append(UNREADABLE)
    if progress is not None:
        progress(len(photos) % 500)
    return out


# --- near-duplicate index ------------------------------------------------------------------------


class PhotoIndex:
    """Descriptors of a reference corpus with LSH tables for near-duplicate counting.

    Plain arrays only (no callables), so it pickles with the model and needs nothing else at
    scoring time. `threshold` is RMS distance on a 0-1 scale.
    """

    def __init__(
        self,
        threshold: float = DEFAULTS.features.reuse_threshold,
        tables: int = 8,
        bits: int = 8,
        seed: int = DEFAULTS.features.seed,
    ):
        self.threshold = threshold
        rng = np.random.default_rng(seed)
        self.radius = threshold * 255 * np.sqrt(DESC_DIM)  # in uint8 L2 units
        self.width = 4.0 * self.radius
        self.proj = rng.standard_normal((tables, bits, DESC_DIM)).astype(np.float32)
        self.offset = rng.uniform(0, self.width, (tables, bits)).astype(np.float32)
        self.desc = np.zeros((0, DESC_DIM), dtype=np.uint8)
        self.ids = np.array([], dtype=object)
        self.keys = np.zeros((tables, 0), dtype=np.int64)
        self.order = np.zeros((tables, 0), dtype=np.int64)

    def _keys(self, desc: np.ndarray) -> np.ndarray:
        """(tables, n) bucket keys: each table hashes `bits` quantised projections into one int."""
        x = desc.astype(np.float32)
        cells = np.floor(
            (np.einsum("tbd,nd->tnb", self.proj, x) + self.offset[:, None, :]) / self.width
        )
        cells = cells.astype(np.int64)
        mult = np.int64(1_000_003) ** np.arange(cells.shape[2], dtype=np.int64)
        return (cells * mult).sum(axis=2)

    def fit(self, desc: np.ndarray, ids: np.ndarray) -> PhotoIndex:
        self.desc = np.ascontiguousarray(desc, dtype=np.uint8)
        self.ids = np.asarray(ids, dtype=object)
        keys = self._keys(self.desc) if len(desc) else np.zeros((len(self.proj), 0), np.int64)
        self.order = np.argsort(keys, axis=1, kind="stable")
        self.keys = np.take_along_axis(keys, self.order, axis=1)
        return self

    def _pairs(self, qkeys: np.ndarray, keys: np.ndarray, order: np.ndarray) -> np.ndarray:
        """Candidate (query, reference) pairs that share a bucket in any table, as int64 codes."""
        n_ref = keys.shape[1]
        codes = []
        for t in range(keys.shape[0]):
            lo = np.searchsorted(keys[t], qkeys[t], side="left")
            hi = np.searchsorted(keys[t], qkeys[t], side="right")
            counts = hi - lo
            if not counts.any():
                continue
            q = np.repeat(np.arange(len(qkeys[t])), counts)
            starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
            r = order[t][starts + np.arange(counts.sum())]
            codes.append(q.astype(np.int64) * max(n_ref, 1) + r)
        return sets.unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)

    def _matches(
        self, qdesc: np.ndarray, qkeys, rdesc: np.ndarray, keys, order
    ) -> tuple[np.ndarray, np.ndarray]:
        n_ref = max(rdesc.shape[0], 1)
        codes = self._pairs(qkeys, keys, order)
        q, r = codes // n_ref, codes % n_ref
        # Distances in blocks: similar faces share buckets, so candidates can run into millions,
        # and 96 numbers each would take gigabytes at once. Squared distances of uint8
        # descriptors are exact integers (at most 96 * 255**2), so they are summed in int32
        # and compared with the squared radius: RMS <= threshold, without floats or roots.
        close = np.zeros(len(codes), dtype=bool)
        limit = DESC_DIM * (self.threshold * 255) ** 2
        for lo in range(0, len(codes), PAIR_BLOCK):
            qs, rs = q[lo : lo + PAIR_BLOCK], r[lo : lo + PAIR_BLOCK]
            d = qdesc[qs].astype(np.int16) - rdesc[rs].astype(np.int16)
            close[lo : lo + PAIR_BLOCK] = np.einsum("ij,ij->i", d, d, dtype=np.int32) <= limit
        return q[close], r[close]

    def count(self, desc: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """For each query picture: how many *other* profiles, in the reference corpus or in this
        batch, carry a near-duplicate of it (each profile counted once)."""
        ids = np.asarray(ids, dtype=object)
        n = len(desc)
        if n == 0:
            return np.zeros(0)
        qkeys = self._keys(desc)
        qr, rr = self._matches(desc, qkeys, self.desc, self.keys, self.order)
        border = np.argsort(qkeys, axis=1, kind="stable")
        bkeys = np.take_along_axis(qkeys, border, axis=1)
        qb, bb = self._matches(desc, qkeys, desc, bkeys, border)
        # Pairs as (query, other profile id); a profile in both corpus and batch counts once.
        other = np.concatenate([self.ids[rr], ids[bb]])
        query = np.concatenate([qr, qb])
        codes, _ = pd.factorize(np.concatenate([other, ids]))
        other_code, own_code = codes[: len(other)], codes[len(other) :]
        keep = other_code != own_code[query]
        pairs = sets.unique(query[keep].astype(np.int64) * (codes.max() + 1) + other_code[keep])
        return np.bincount(pairs // (codes.max() + 1), minlength=n).astype(np.float64)

    def groups(self) -> dict[str, int]:
        """Profile id -> group number, where a group is every profile linked by near-duplicate
        pictures in the fitted corpus (connected components). Used to keep rings out of two
        parts of a train/test split."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n = len(self.desc)
        if n == 0:
            return {}
        q, r = self._matches(self.desc, self.keys_unsorted(), self.desc, self.keys, self.order)
        graph = coo_matrix((np.ones(len(q)), (q, r)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        return {str(pid): int(g) for pid, g in zip(self.ids, labels, strict=True)}

    def keys_unsorted(self) -> np.ndarray:
        """Bucket keys of the fitted descriptors, in corpus order."""
        return self._keys(self.desc)


def descriptors(
    table: pa.Table, infos: list[PhotoInfo | None]
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Rows with a readable, non-placeholder picture, their descriptors and profile ids."""
    ids = table.column("profile_id").to_pylist()
    keep = [i for i, p in enumerate(infos) if p is not None and p.readable and not p.flat]
    desc = np.array([infos[i].descriptor for i in keep], dtype=np.uint8).reshape(-1, DESC_DIM)
    return keep, desc, np.array([ids[i] for i in keep], dtype=object)


def compute(table: pa.Table, infos: list[PhotoInfo | None], index: PhotoIndex) -> pd.DataFrame:
    """The photo columns of a table whose pictures `read_photos` decoded (`infos`), reuse counted
    against the fitted `index`."""
    n = table.num_rows
    has_flag = num(table.column("has_photo"))
    has_path = table.column("photo").is_valid().to_numpy(zero_copy_only=False)
    present = np.where(np.isnan(has_flag), has_path.astype(float), np.maximum(has_flag, has_path))
    read = np.array([p is not None for p in infos], dtype=bool)
    ok = np.array([p is not None and p.readable for p in infos], dtype=bool)
    out = {"photo_missing": 1.0 - present}  # framed once (see completeness.compute)
    out["photo_unreadable"] = np.where(read, (~ok).astype(float), np.nan)
    out["photo_placeholder_or_flat"] = np.array(
        [p.flat if p is not None and p.readable else np.nan for p in infos], dtype=float
    )
    out["photo_width"] = np.array([p.width if p is not None else np.nan for p in infos], float)
    out["photo_height"] = np.array(
        [p.height if p is not None else np.nan for p in infos], dtype=float
    )
    reuse = np.full(n, np.nan)
    keep, desc, ids = descriptors(table, infos)
    if keep:
        reuse[keep] = index.count(desc, ids)
    out["photo_reuse_count"] = reuse
    return pd.DataFrame(out)
