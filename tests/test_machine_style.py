"""Machine-written profiles (issue 23, item 3): the style features and the small session model on
held-out profiles the generator did not make (tests/data, written by a language model for this
evaluation and never trained on; see tests/data/README.md).

"Accepted at the genuine members' cut" uses the score below which 90% of unseen generated genuine
members fall: the operating point of the default model, which must accept at least 90% of
genuine members. The small model's own accept cut is far stricter (it accepts few of anyone),
so its decisions alone would say little about the controls.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from fakeprofile.features import style
from fakeprofile.features.frame import to_table
from fakeprofile.synth.generate import GenConfig, make_profile

DATA = Path(__file__).parent / "data"
LANGS = ("en", "de", "nl", "da", "sv", "nb")


def _load(name: str) -> list[dict]:
    with open(DATA / f"{name}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def llm() -> list[dict]:
    return _load("llm_written")


@pytest.fixture(scope="module")
def human() -> list[dict]:
    return _load("human_written")


@pytest.fixture(scope="module")
def scores(small_model, llm, human) -> dict[str, np.ndarray]:
    cfg = GenConfig(n=400, seed=99, with_photos=False, workers=1)
    genuine = [
        r for r in (make_profile(i, cfg)[0] for i in range(cfg.n)) if r["label"] == "genuine"
    ]
    return {
        "genuine": small_model.predict_proba(genuine),
        "llm": small_model.predict_proba(llm),
        "human": small_model.predict_proba(human),
    }


def test_the_held_out_sets_are_complete_valid_profiles_in_six_languages(llm, human):
    from fakeprofile.data.check import check_input

    for records, label in ((llm, "fake"), (human, "genuine")):
        assert len(check_input(records).table) == 60  # none rejected
        assert {r["label"] for r in records} == {label}
        langs = [r["segment"]["language"] for r in records]
        assert {lang: langs.count(lang) for lang in LANGS} == dict.fromkeys(LANGS, 10)


def test_stock_phrases_are_denser_and_specifics_rarer_in_machine_text_in_every_language(llm, human):
    a, b = style.compute(to_table(llm)), style.compute(to_table(human))
    for lang in LANGS:
        i = [k for k, r in enumerate(llm) if r["segment"]["language"] == lang]
        j = [k for k, r in enumerate(human) if r["segment"]["language"] == lang]
        generic_a = a["style_generic_per_100_words"].to_numpy()[i]
        generic_b = b["style_generic_per_100_words"].to_numpy()[j]
        # Measured: every language's machine-written median is 2 or more, the controls' 0.
        assert np.nanmedian(generic_a) >= 2, lang
        assert np.nanmedian(generic_a) > np.nanquantile(generic_b, 0.9), lang
        share_a = a["style_generic_share"].to_numpy()[i]
        share_b = b["style_generic_share"].to_numpy()[j]
        assert np.nanmedian(share_a) > np.nanmedian(share_b) + 0.3, lang
    assert np.nanmedian(a["style_specifics_per_100_words"]) < np.nanmedian(
        b["style_specifics_per_100_words"]
    )
    # Sentences of one length (measured medians 0.48 against 0.65).
    assert np.nanmedian(a["style_sentence_length_cv"]) < np.nanmedian(b["style_sentence_length_cv"])
    # Stock networking notes: most machine-written notes, no control note.
    notes_a = a["style_note_generic"].to_numpy()
    assert np.mean(notes_a[~np.isnan(notes_a)] >= 1) >= 0.6  # measured: 34 of 49
    assert np.nansum(b["style_note_generic"]) == 0


def test_machine_written_profiles_score_above_the_controls(scores):
    y = np.r_[np.ones(len(scores["llm"])), np.zeros(len(scores["human"]))]
    # Measured on the small model: 0.74 before the style features were widened, 0.85 after on
    # their branch, 0.79 once merged with the one_tell mix and 1% label noise (the default model:
    # median score 0.52 against 0.02). A guard against losing the separation, not the target.
    assert roc_auc_score(y, np.r_[scores["llm"], scores["human"]]) >= 0.75


def test_few_machine_written_profiles_pass_the_genuine_members_cut_and_most_controls_do(scores):
    cut = np.quantile(scores["genuine"], 0.9)
    passed_llm = np.mean(scores["llm"] < cut)
    passed_human = np.mean(scores["human"] < cut)
    # Measured on the small model: 55% of the machine-written ones passed before, 33% after on
    # their branch, 42% once merged (see above); the controls 78% before, 80% after.
    assert passed_llm <= 0.45
    assert passed_human >= 0.7


@pytest.mark.xfail(
    strict=True,
    reason="finding (issue 23): the small model (3,000 profiles, no photos) accepts 9 of the 60 "
    "(15%; 12 before session 5, 6 at accept_max_probability 0.08); the default model accepts 5 of "
    "60 (8.3%) at the shipped cap 0.09, chosen so that at least 90% of genuine members are accepted",
)
def test_the_small_model_accepts_at_most_a_tenth_of_machine_written_profiles(small_model, llm):
    decisions = small_model.score(llm)["decision"]
    assert np.mean(decisions == "accept") <= 0.10
