"""Profile pictures drawn with Pillow: member portraits, stock photos reused by fake rings, and the
network's default placeholder avatar.

Every picture is a pure function of its seed, so the generated data set is byte-for-byte
reproducible. Stock copies are resized, cropped, mirrored and re-encoded the way scammers re-upload
a stolen picture, so that exact file hashes differ while the picture stays the same.
"""

from __future__ import annotations

import functools
import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

PLACEHOLDER_SIZE = 200


def _gradient(rng: random.Random, size: int, lo: int, hi: int) -> Image.Image:
    """A two-colour background gradient in a random direction."""
    a = np.array([rng.randint(lo, hi) for _ in range(3)], dtype=np.float32)
    b = np.array([rng.randint(lo, hi) for _ in range(3)], dtype=np.float32)
    angle = rng.uniform(0, np.pi)
    small = 32  # computed small and scaled up: a smooth gradient loses nothing and costs little
    yy, xx = np.mgrid[0:small, 0:small].astype(np.float32) / small
    t = np.clip(np.cos(angle) * xx + np.sin(angle) * yy, 0, 1)[..., None]
    grad = Image.fromarray((a * (1 - t) + b * t).astype(np.uint8), "RGB")
    return grad.resize((size, size), Image.Resampling.BILINEAR)


def _person(img: Image.Image, rng: random.Random, bright: bool) -> None:
    """Draw head, hair, shoulders and a few features: enough variety that portraits differ."""
    size = img.width
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(0, 4)):  # background objects: shelves, windows, plants
        x, y = rng.randint(0, size), rng.randint(0, size // 2)
        w, h = rng.randint(size // 10, size // 3), rng.randint(size // 10, size // 3)
        col = tuple(rng.randint(0, 255) for _ in range(3))
        (d.rectangle if rng.random() < 0.5 else d.ellipse)([x, y, x + w, y + h], fill=col)
    cx = size // 2 + rng.randint(-size // 7, size // 7)
    cy = int(size * rng.uniform(0.36, 0.48))
    hw = int(size * rng.uniform(0.14, 0.22))
    hh = int(hw * rng.uniform(1.2, 1.45))
    skin = tuple(rng.randint(150, 235) if bright else rng.randint(70, 230) for _ in range(3))
    hair = tuple(rng.randint(0, 150) for _ in range(3))
    shirt = tuple(rng.randint(0, 255) for _ in range(3))
    d.ellipse([cx - int(hw * 2.3), cy + int(hh * 0.9), cx + int(hw * 2.3), cy + hh * 4], fill=shirt)
    d.rectangle([cx - hw // 3, cy + hh // 2, cx + hw // 3, cy + int(hh * 1.2)], fill=skin)
    d.ellipse([cx - hw - 8, cy - hh - rng.randint(4, 20), cx + hw + 8, cy + hh // 3], fill=hair)
    d.ellipse([cx - hw, cy - hh, cx + hw, cy + hh], fill=skin)
    ey = cy - hh // 5
    for ex in (cx - hw // 2, cx + hw // 2):
        d.ellipse([ex - 4, ey - 3, ex + 4, ey + 3], fill=(30, 30, 30))
    d.arc([cx - hw // 2, cy + hh // 4, cx + hw // 2, cy + hh // 2 + 6], 20, 160, fill=(120, 40, 40))


def portrait(seed: str, size: int) -> Image.Image:
    """A member's own picture: muted colours, varied framing."""
    rng = random.Random(seed)
    img = _gradient(rng, size, 20, 235)
    _person(img, rng, bright=False)
    return img


@functools.lru_cache(maxsize=256)
def stock(index: int, size: int = 400) -> Image.Image:
    """One of the polished stock pictures that fake rings reuse: bright, centred, smiling."""
    rng = random.Random(f"stock:{index}")
    img = _gradient(rng, size, 150, 255)
    _person(img, rng, bright=True)
    return img.filter(ImageFilter.GaussianBlur(0.6))


def reupload(img: Image.Image, rng: random.Random, size: int) -> Image.Image:
    """A scammer's copy of `img`: mirrored or not, cropped by up to 5%, resized to `size`."""
    if rng.random() < 0.5:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    w, h = img.size
    crop = rng.uniform(0.0, 0.05)
    cw, ch = int(w * (1 - crop)), int(h * (1 - crop))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    return img.crop((x, y, x + cw, y + ch)).resize((size, size), Image.Resampling.BILINEAR)


def placeholder() -> Image.Image:
    """The network's default avatar: a grey silhouette on a light grey disc."""
    s = PLACEHOLDER_SIZE
    img = Image.new("RGB", (s, s), (224, 224, 224))
    d = ImageDraw.Draw(img)
    d.ellipse([s * 0.34, s * 0.18, s * 0.66, s * 0.50], fill=(160, 160, 160))
    d.ellipse([s * 0.18, s * 0.56, s * 0.82, s * 1.2], fill=(160, 160, 160))
    return img


def encode(img: Image.Image, fmt: str, quality: int = 85) -> bytes:
    """Image bytes in JPEG or PNG, without timestamps or other varying metadata."""
    buf = io.BytesIO()
    if fmt == "PNG":
        img.save(buf, "PNG", optimize=False)
    else:
        img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()
