"""A note's red flag alone (issue 23, docs/features.md): the default model's accepted genuine
members of the test part each get one note (a sales pitch, a personal note with a link, WhatsApp
money bait) in each of the six languages; per note and language: the median rise of the score,
the share the model alone would still accept (score under its accept cut, as without
`thresholds.red_flag_floor`) and the share accepted with the floor. Generated data only.

Run after `dvc repro`: python benchmarks/note_alone.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from fakeprofile.inference.predictor import load
from fakeprofile.synth.lexicon import LEX

PHOTOS = Path("data/raw/default/photos")
LINK = "https://bit.ly/x7Kp2Qa"


def note(kind: str, lang: str) -> str:
    lx = LEX[lang]
    slots = {
        "rname": "Anna",
        "url": LINK,
        "phone": "+44 7700 900123",
        "email": "anna.berg7@gmail.com",
        **{k: lx[k][0] for k in ("event", "city", "skill", "field", "title", "company")},
    }
    if kind == "link":
        return lx["note_personal"][0].format_map(slots) + " " + LINK
    return lx[f"note_{kind}"][0].format_map(slots)


def main() -> None:
    if not Path("models/fakeprofile.joblib").exists():
        raise SystemExit("no default run here: run `dvc repro` (or `make run`) first")
    model = load("models/fakeprofile.joblib")
    records = pq.read_table("data/processed/test_profiles.parquet").to_pylist()
    labels = pd.read_parquet("data/interim/profiles.parquet", columns=["profile_id", "label"])
    fake = labels.set_index("profile_id")["label"].eq("fake")
    scored = model.score(records, photo_dir=PHOTOS)
    keep = (scored["decision"] == "accept").to_numpy() & ~np.array(
        [fake[r["profile_id"]] for r in records]
    )
    base = [r for r, k in zip(records, keep, strict=True) if k]
    before = scored["score"].to_numpy()[keep]
    cut = model.trained.accept_below
    print(f"{len(base)} accepted genuine members; accept cut {cut:.4f}")
    print("note   lang  median rise  model alone accepts  accepted (with the floor)")
    for kind in ("pitch", "link", "bait"):
        for lang in LEX:
            msg = note(kind, lang)
            changed = [
                r | {"invitation": (r.get("invitation") or {}) | {"message": msg}} for r in base
            ]
            out = model.score(changed, photo_dir=PHOTOS)
            after = out["score"].to_numpy()
            print(
                f"{kind:6s} {lang:4s}  {np.median(after - before):+.3f}       "
                f"{np.mean(after < cut):.2f}                 {np.mean(out['decision'] == 'accept'):.2f}"
            )


if __name__ == "__main__":
    main()
