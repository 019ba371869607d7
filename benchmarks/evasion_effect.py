"""Effect of each evasion trick on the score (docs/reliability.md). Genuine members send a sales
pitch, a channel move and money bait (tests/disguises.NOTES), in each of the six languages, plain
and disguised by each trick (tests/disguises: the tricks built for, and the held-out ones found
later); per trick: how many disguised notes raise the same red flags as the plain note ("caught"),
the mean and largest change of the score, the share accepted; and the same with the normaliser
(features/evasion) switched off. Generated data only.

Model: with --default, the default pipeline's exported model and the genuine members of its test
part (run `dvc repro` first); otherwise the small model of tests/conftest.py (3,000 generated
profiles, trained in-process) and genuine members of a fresh generated set.

python benchmarks/evasion_effect.py [--default] [--per-language N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import disguises as D  # noqa: E402
from fakeprofile.features import evasion  # noqa: E402
from fakeprofile.features.invitation import RED_FLAGS  # noqa: E402
from fakeprofile.synth.generate import GenConfig, make_profile  # noqa: E402

HIDDEN = ("label", "fake_kind", "segment", "extra")


def senders_default(per_language: int):
    import pyarrow.parquet as pq

    from fakeprofile import load_model

    model = load_model("models/fakeprofile.joblib")
    table = pq.read_table("data/processed/test_profiles.parquet")
    out: dict[str, list[dict]] = {lang: [] for lang in D.LANGS}
    for r in table.to_pylist():
        lang = (r.get("segment") or {}).get("language")
        if r["label"] == "genuine" and lang in out and len(out[lang]) < per_language:
            clean = {k: v for k, v in r.items() if v is not None and k not in HIDDEN}
            out[lang].append(json.loads(json.dumps(clean, default=str)))
    return model, "default pipeline (models/fakeprofile.joblib), genuine test-part members", out


def senders_small(per_language: int):
    from conftest import _small_model

    model = _small_model(3000, 11)
    cfg = GenConfig(n=4000, seed=5, with_photos=False, workers=1)
    out: dict[str, list[dict]] = {lang: [] for lang in D.LANGS}
    for i in range(4000):
        r, _ = make_profile(i, cfg)
        lang = r["segment"]["language"]
        if r["label"] == "genuine" and len(out[lang]) < per_language:
            out[lang].append({k: v for k, v in r.items() if k not in HIDDEN})
        if all(len(v) == per_language for v in out.values()):
            break
    return model, "small model of tests/conftest.py (3,000 generated profiles, seed 11)", out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--default", action="store_true")
    ap.add_argument("--per-language", type=int, default=10)
    args = ap.parse_args()
    pick = senders_default if args.default else senders_small
    model, which, senders = pick(args.per_language)

    groups = {
        **{f"{k}": (v, "built for") for k, v in D.TRICKS.items()},
        "phone in words": (None, "built for"),
        **{k: (v, "held out, round 1") for k, v in D.HELD_OUT.items()},
        **{k: (v, "held out, round 2") for k, v in D.HELD_OUT_2.items()},
        **{k: (v, "not caught") for k, v in D.UNCAUGHT.items()},
    }
    rows, batch = [], []
    for lang in D.LANGS:
        for plain in D.NOTES[lang].values():
            for name, (trick, _) in groups.items():
                t = D.phone_words(lang) if trick is None else trick
                for k, r in enumerate(senders[lang]):
                    note = t(plain, random.Random(k))
                    if note == plain:
                        continue
                    rows.append(name)
                    note_of = {**r["invitation"]} if r.get("invitation") else {}
                    batch += [
                        {**r, "invitation": {**note_of, "message": plain}},
                        {**r, "invitation": {**note_of, "message": note}},
                    ]

    def run():
        out = model.score(batch)
        X = model.features(batch)
        flags = np.nan_to_num(X[list(RED_FLAGS)].to_numpy()) > 0
        same = (flags[0::2] == flags[1::2]).all(axis=1)
        s = out["score"].to_numpy()
        return s[0::2], s[1::2], (out["decision"].to_numpy()[1::2] == "accept"), same

    plain, disguised, accepted, caught = run()
    original = evasion.normalise_many
    evasion.normalise_many = lambda texts: (
        texts.to_pylist(),
        np.zeros((len(texts), len(evasion.TRICKS))),
    )
    try:
        plain0, disguised0, accepted0, caught0 = run()
    finally:
        evasion.normalise_many = original

    names = np.array(rows)
    print(f"Model: {which}; {args.per_language} genuine members per language; generated data.")
    print(f"{len(rows)} disguised notes (pitch, channel move, money bait x six languages).")
    print(
        "| trick | kind | notes | caught | mean change | largest change | accepted "
        "| without normalising: caught | mean change |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (_, group) in groups.items():
        m = names == name
        if not m.any():
            continue
        d, d0 = disguised[m] - plain[m], disguised0[m] - plain0[m]
        print(
            f"| {name} | {group} | {m.sum()} | {caught[m].mean():.0%} | {d.mean():+.3f} "
            f"| {np.abs(d).max():.3f} | {accepted[m].mean():.0%} | {caught0[m].mean():.0%} "
            f"| {d0.mean():+.3f} |"
        )
    print(
        f"plain notes: mean score {plain.mean():.3f}, accepted "
        f"{(model.score(batch[0::2])['decision'] == 'accept').mean():.0%}"
    )


if __name__ == "__main__":
    main()
