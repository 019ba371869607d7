"""Disguises do not move the score (issue 23): on the small session model, a complete, established
genuine profile sending a sales pitch, a channel move or money bait scores the same, within 0.02
either way, whether the note is plain or disguised, by any one trick or a random combination, in
all six languages; and it is never accepted."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import disguises as D
from fakeprofile.features.invitation import RED_FLAGS
from fakeprofile.synth.generate import GenConfig, make_profile

TOLERANCE = 0.02
KINDS = ("pitch", "channel", "money")


@pytest.fixture(scope="module")
def senders() -> dict[str, dict]:
    """Per language, an ordinary genuine member with a complete, established profile."""
    cfg = GenConfig(n=400, seed=5, with_photos=False, workers=1)
    out: dict[str, dict] = {}
    for i in range(400):
        r, _ = make_profile(i, cfg)
        lang = r["segment"]["language"]
        complete = r.get("about") and len(r.get("experience") or []) >= 2 and r.get("skills")
        if (
            lang not in out
            and r["label"] == "genuine"
            and r["segment"]["archetype"] == "active"
            and complete
            and r["created_at"] < "2022-01-01"
        ):
            out[lang] = {k: v for k, v in r.items() if k not in ("label", "fake_kind", "segment")}
        if len(out) == len(D.LANGS):
            break
    assert sorted(out) == sorted(D.LANGS)
    return out


def with_note(r: dict, note: str) -> dict:
    return {**r, "invitation": {**r["invitation"], "message": note}}


def all_tricks(lang: str) -> dict:
    return {**D.TRICKS, "phone_words": D.phone_words(lang)}


def _check(model, senders, cases: list[tuple[str, str, str, str]], flags: bool = True) -> None:
    """cases: (language, kind, what was done, disguised note). Plain and disguised scored
    together; the score may not move by more than TOLERANCE and neither is accepted."""
    batch = []
    for lang, kind, _, note in cases:
        batch += [with_note(senders[lang], D.NOTES[lang][kind]), with_note(senders[lang], note)]
    out = model.score(batch)
    scores, decisions = out["score"].to_numpy(), out["decision"].to_numpy()
    X = model.features(batch) if flags else None
    for i, (lang, kind, how, note) in enumerate(cases):
        plain, disguised = scores[2 * i], scores[2 * i + 1]
        assert abs(disguised - plain) <= TOLERANCE, (lang, kind, how, note, plain, disguised)
        assert decisions[2 * i] != "accept" and decisions[2 * i + 1] != "accept", (lang, note)
        if X is not None:
            raised = [c for c in RED_FLAGS if X.iloc[2 * i][c] > 0]
            assert raised == [c for c in RED_FLAGS if X.iloc[2 * i + 1][c] > 0], (note, raised)
            assert raised, note


def test_an_honest_note_scores_below_a_red_flag_note(small_model, senders):
    """The senders are ordinary members: with an honest note they are not reported, and score
    below the same member moving the talk to a messenger."""
    notes = {
        "en": "Hi Anna, we met at the Q4 planning workshop in Leeds. Great talk!",
        "de": "Hallo Jürgen, wir haben uns auf der Messe in München getroffen.",
        "nl": "Hoi Sanne, we spraken elkaar op het congres in Utrecht.",
        "da": "Hej Søren, vi mødtes til konferencen i Århus.",
        "sv": "Hej Åsa! Vi träffades på mässan i Göteborg förra veckan.",
        "nb": "Hei Kjetil, vi jobbet sammen på prosjektet i Tromsø.",
    }
    out = small_model.score([with_note(senders[lang], notes[lang]) for lang in D.LANGS])
    red = small_model.score(
        [with_note(senders[lang], D.NOTES[lang]["channel"]) for lang in D.LANGS]
    )
    assert (out["score"].to_numpy() < red["score"].to_numpy() + 1e-9).all()
    assert (out["decision"] != "report").all(), out[["score", "decision"]]


@pytest.mark.parametrize("lang", D.LANGS)
def test_each_trick_leaves_the_score(small_model, senders, lang):
    """Every trick alone, on each kind of red-flag note, three random draws each."""
    cases = []
    for kind in KINDS:
        plain = D.NOTES[lang][kind]
        for how, trick in all_tricks(lang).items():
            for seed in range(3):
                note = trick(plain, random.Random(seed))
                if note != plain:
                    cases.append((lang, kind, how, note))
    assert len(cases) >= 60
    _check(small_model, senders, cases)


@pytest.mark.parametrize("lang", D.LANGS)
def test_held_out_disguises_leave_the_score(small_model, senders, lang):
    """Disguises the normaliser was not built around (tests/disguises.HELD_OUT)."""
    cases = []
    for kind in KINDS:
        plain = D.NOTES[lang][kind]
        for how, trick in {**D.HELD_OUT, **D.HELD_OUT_2}.items():
            if how.startswith("other messengers"):
                continue  # another messenger is another note, not a disguise of this one
            note = trick(plain, random.Random(1))
            if note != plain:
                cases.append((lang, kind, how, note))
    _check(small_model, senders, cases)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lang=st.sampled_from(D.LANGS),
    kind=st.sampled_from(KINDS),
    tricks=st.lists(st.sampled_from([*D.TRICKS, "phone_words"]), min_size=2, max_size=5),
    whole=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_combined_tricks_leave_the_score(small_model, senders, lang, kind, tricks, whole, seed):
    """Random combinations of tricks (repeats allowed, so one word can take several), optionally
    with the whole note in fullwidth letters."""
    rng = random.Random(seed)
    note = D.NOTES[lang][kind]
    for how in tricks:
        note = all_tricks(lang)[how](note, rng)
    if whole:
        note = D.NOTE_TRICKS["fullwidth_note"](note, rng)
    _check(small_model, senders, [(lang, kind, "+".join(tricks), note)], flags=False)
