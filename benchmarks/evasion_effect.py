"""Effect of each evasion trick on the score (docs/reliability.md): test-part profiles of the
default pipeline that the exported model accepts get a channel-move note with money bait, plain
and disguised, in each of the six languages; per trick, the mean score and the share accepted,
with the normaliser (features/evasion) and with it switched off. Run after `dvc repro`:
python benchmarks/evasion_effect.py [n_profiles]. Generated data only."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from fakeprofile import load_model
from fakeprofile.features import evasion

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_features_evasion import PHONE, PHONE_TRICKS, PHONE_WORDS, PLAIN, _word  # noqa: E402

TRICKS = {
    "fullwidth letters": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "fullwidth")),
    "mathematical bold": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "math_bold")),
    "Cyrillic look-alikes": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "cyrillic")),
    "leetspeak": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "leet")),
    "W-h-a-t-s-A-p-p": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "dashes")),
    "Whats_App": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "underscore")),
    "zero-width space": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "zero_width")),
    "U+034F / U+2066 / U+3164": lambda n, lang: n.replace("WhatsApp", "Wh\u034fats\u2066App\u3164"),
    "tag characters": lambda n, lang: n.replace("WhatsApp", _word("WhatsApp", "tag")),
    "misspelt (Watsapp)": lambda n, lang: n.replace("WhatsApp", "Watsapp"),
    "other messenger (Telegramm)": lambda n, lang: n.replace("WhatsApp", "Telegramm"),
    "phone with O for 0": lambda n, lang: n.replace(PHONE, PHONE_TRICKS["o_for_0"]),
    "phone split by /": lambda n, lang: n.replace(PHONE, PHONE_TRICKS["slash"]),
    "phone in words": lambda n, lang: n.replace(PHONE, PHONE_WORDS[lang]),
    "leetspeak + phone in words": lambda n, lang: n.replace(
        "WhatsApp", _word("WhatsApp", "leet")
    ).replace(PHONE, PHONE_WORDS[lang]),
    "fullwidth + zero-width + O for 0": lambda n, lang: n.replace(
        "WhatsApp", _word(_word("WhatsApp", "zero_width"), "fullwidth")
    ).replace(PHONE, PHONE_TRICKS["o_for_0"]),
}


def main(n: int = 60) -> None:
    model = load_model("models/fakeprofile.joblib")
    table = pq.read_table("data/processed/test_profiles.parquet")
    records = [
        json.loads(
            json.dumps({k: v for k, v in r.items() if v is not None and k != "extra"}, default=str)
        )
        for r in table.to_pylist()
    ]
    own = model.score(records)
    accepted = [r for r, d in zip(records, own["decision"], strict=True) if d == "accept"][:n]

    def run(notes_of):
        batch = [
            {**r, "invitation": {**(r.get("invitation") or {}), "message": notes_of(lang)}}
            for lang in PLAIN
            for r in accepted
        ]
        out = model.score(batch)
        return out["score"].to_numpy(), (out["decision"] == "accept").to_numpy()

    plain = {lang: PLAIN[lang].format(phone=PHONE) for lang in PLAIN}
    base_p, base_a = run(lambda lang: plain[lang])
    original = evasion.normalise_many
    rows = [("plain note", base_p, base_a, base_p, base_a)]
    for name, trick in TRICKS.items():
        p, a = run(lambda lang, trick=trick: trick(plain[lang], lang))
        evasion.normalise_many = lambda texts: (texts.to_pylist(), np.zeros((len(texts), len(evasion.TRICKS))))
        try:
            p0, a0 = run(lambda lang, trick=trick: trick(plain[lang], lang))
        finally:
            evasion.normalise_many = original
        rows.append((name, p, a, p0, a0))
    print(f"{len(accepted)} accepted test profiles x 6 languages; plain note: {plain['en']!r}")
    print(
        "| trick | mean score, normalised | change vs plain | max fall | accepted | "
        "without normalising: mean score | accepted |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, p, a, p0, a0 in rows:
        print(
            f"| {name} | {p.mean():.3f} | {p.mean() - base_p.mean():+.3f} | "
            f"{max(0.0, (base_p - p).max()):.3f} | {a.mean():.0%} | {p0.mean():.3f} | {a0.mean():.0%} |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
