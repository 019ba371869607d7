"""Behavioural tests of a trained model (Made-With-ML style), on a small real model trained in a
session fixture (conftest.small_model) and scored on generated profiles it never saw.

- invariance: what says nothing about fakeness (a name, a city, the language of a personal
  note) does not move the decision;
- direction: adding a pitch, removing the photo or a younger account never lowers the score;
- minimum functionality: each seed red flag alone, on an otherwise average member, raises the
  score by at least the smallest effect that is named as a reason.

Tests marked xfail(strict=True) fail on today's model. Issue 23 made the note's red flags (pitch,
money bait, another channel) count on their own, through monotonic constraints; the profile's
red flags and the direction tests still fail. Strict, so they turn into failures, to be
unmarked, once fixed.
"""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta

import numpy as np
import pytest

from fakeprofile.synth.generate import GenConfig, make_profile, misspell
from fakeprofile.synth.lexicon import LEX

ISSUE_23 = (
    "still after issue 23: only the note's pitch, money bait and channel features are "
    "monotonic; this red flag alone raises an average member's score by less than min_effect"
)
LANGS = list(LEX)


@pytest.fixture(scope="module")
def unseen() -> list[dict]:
    """Generated profiles from another seed than the model's training data."""
    cfg = GenConfig(n=400, seed=99, with_photos=False, workers=1)
    return [make_profile(i, cfg)[0] for i in range(cfg.n)]


@pytest.fixture(scope="module")
def genuine(unseen) -> list[dict]:
    return [r for r in unseen if r["label"] == "genuine"]


@pytest.fixture(scope="module")
def average(small_model, unseen) -> list[dict]:
    """Three "otherwise average" members: genuine, active, at the 1/3, 1/2 and 2/3 quantiles
    of their kind's scores."""
    active = [
        r for r in unseen if r["label"] == "genuine" and r["segment"]["archetype"] == "active"
    ]
    order = np.argsort(small_model.score(active)["score"].to_numpy(), kind="stable")
    return [active[order[len(order) * k // 6]] for k in (2, 3, 4)]


def changed(records, change):
    return [change(copy.deepcopy(r), i) for i, r in enumerate(records)]


# -- invariance ----------------------------------------------------------------------------------
def _other_name(r, i):
    r["name"] = "Oliver Smith" if r.get("name") != "Oliver Smith" else "Emma Brown"
    return r


def _other_city(r, i):
    """Another city of the same country: where a member lives and works abroad is a feature
    (career geography, issue 23), which city of their country is not. A missing location stays
    missing (adding one is a change of completeness, not of city)."""
    from fakeprofile.features.style import city_countries

    country = city_countries()
    home = country.get((r.get("location") or "").split(",")[0].strip().lower())
    if home:
        cities = [c for lex in LEX.values() for c in lex["city"]]
        others = [c for c in cities if country.get(c.lower()) == home and c != r["location"]]
        r["location"] = others[i % len(others)] if others else r["location"]
    return r


# Both still fail for one cause: the spelling check skips the profile's own names and places
# (features.text.names_of), so text_words_checked depends on them.
OWN_NAMES = (
    "finding: the spelling check skips words of the profile's own name and city, so they change "
    "text_words_checked ({}); on the small model that moves 1 of 293 genuine members across "
    "the accept cut"
)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            change,
            marks=pytest.mark.xfail(strict=True, reason=OWN_NAMES.format(example)),
        )
        for change, example in (
            (_other_name, "'de' of Sophie de Groot in her Dutch text: 48 words, 52 renamed"),
            (_other_city, "'Amsterdam' in the text of a member living there: 34, 35 moved"),
        )
    ],
    ids=["name", "city"],
)
def test_invariance_name_and_city_do_not_move_the_decision(small_model, genuine, change):
    before = small_model.score(genuine)["decision"].tolist()
    after = small_model.score(changed(genuine, change))["decision"].tolist()
    assert after == before


def personal_note(lang: str) -> str:
    """The same personal note, written in `lang`."""
    lex = LEX[lang]
    slots = {
        "rname": "Anna",
        "event": lex["event"][0],
        "city": lex["city"][0],
        "skill": lex["skill"][0],
        "field": lex["field"][0],
    }
    return lex["note_personal"][0].format(**slots)


@pytest.mark.xfail(
    strict=True,
    reason="finding: the same personal note in another language moves 2-3 of 293 genuine "
    "members between accept and ask on the small model",
)
def test_invariance_the_language_of_a_personal_note_does_not_move_the_decision(
    small_model, genuine
):
    decisions = []
    for lang in LANGS:

        def note(r, i, lang=lang):
            r["invitation"] = (r.get("invitation") or {}) | {"message": personal_note(lang)}
            return r

        decisions.append(small_model.score(changed(genuine, note))["decision"].tolist())
    for lang, got in zip(LANGS[1:], decisions[1:], strict=True):
        assert got == decisions[0], f"{lang} against {LANGS[0]}"


# -- direction ----------------------------------------------------------------------------------
def _add_pitch(r, i):
    inv = r.get("invitation") or {}
    pitch = LEX["en"]["note_pitch"][0].format(rname="Anna")
    r["invitation"] = inv | {"message": f"{inv.get('message') or ''} {pitch}".strip()}
    return r


def _remove_photo(r, i):
    r["photo"], r["has_photo"] = None, False
    return r


def _younger(r, i):
    created = date.fromisoformat(r["created_at"]) if r.get("created_at") else date(2020, 1, 1)
    r["created_at"] = min(created + timedelta(days=365), date(2026, 5, 1)).isoformat()
    return r


@pytest.mark.xfail(
    strict=True,
    reason="still after issue 23 (small model, 400 unseen profiles): a pitch appended to the "
    "note lowers 19 scores (by up to 0.055), no photo 253 (0.049), a year younger 90 (0.087)",
)
@pytest.mark.parametrize(
    "change", [_add_pitch, _remove_photo, _younger], ids=["pitch", "no-photo", "younger"]
)
def test_direction_a_red_flag_added_never_lowers_the_score(small_model, unseen, change):
    before = small_model.score(unseen)["score"].to_numpy()
    after = small_model.score(changed(unseen, change))["score"].to_numpy()
    lowered = np.flatnonzero(after < before - 1e-9)
    assert len(lowered) == 0, f"{len(lowered)} of {len(before)} scores went down"


# -- minimum functionality ----------------------------------------------------------------------
def _thin(r, i):
    r |= {"about": None, "experience": [], "education": [], "skills": []}
    r["sections"] = {k: 0 for k in r.get("sections") or {}}
    return r


def _misspelled(r, i):
    rng = random.Random(i)
    for k in ("headline", "about"):
        if r.get(k):
            r[k] = misspell(r[k], 0.3, rng)
    return r


def _no_activity(r, i):
    r["activity"] = {
        "posts": 0,
        "articles": 0,
        "comments": 0,
        "reactions": 0,
        "shares": 0,
        "window_days": 90,
    }
    return r


def _note(text):
    def change(r, i):
        r["invitation"] = (r.get("invitation") or {}) | {"message": text}
        return r

    return change


def _invitation(**fields):
    def change(r, i):
        r["invitation"] = (r.get("invitation") or {}) | fields
        return r

    return change


def _new_account(r, i):
    r["created_at"] = "2026-06-01"
    return r


EN = LEX["en"]
NEW_ACCOUNT = (
    "finding after issues 22/23: a one-month-old account raises the score of one of the three "
    "average members by 0.036, under min_effect 0.05, on the small cross-fitted model"
)
RED_FLAGS = {  # name: (change, reason for a strict xfail or None)
    "no-photo": (_remove_photo, ISSUE_23),
    "thin-profile": (_thin, ISSUE_23),
    "misspelled": (_misspelled, ISSUE_23),
    "no-activity": (_no_activity, ISSUE_23),
    "no-note": (_note(None), ISSUE_23),
    "canned-note": (_note(EN["note_canned"][1]), ISSUE_23),
    "pitch": (_note(EN["note_pitch"][0].format(rname="Anna")), None),
    "whatsapp-bait": (_note(EN["note_bait"][0].format(phone="+44 7700 900123")), None),
    "link": (_note("Hi, see my portfolio at http://bit.ly/abc123"), ISSUE_23),
    "mass-inviting": (_invitation(invitations_sent_last_7d=180), ISSUE_23),
    "new-account": (_new_account, NEW_ACCOUNT),
}


@pytest.mark.parametrize(
    "flag",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=why) if why else ())
        for name, (_, why) in RED_FLAGS.items()
    ],
)
def test_minimum_functionality_each_red_flag_alone_raises_the_score(small_model, average, flag):
    before = small_model.score(average)["score"].to_numpy()
    after = small_model.score(changed(average, RED_FLAGS[flag][0]))["score"].to_numpy()
    rise = after - before
    assert np.all(rise >= small_model.min_effect), f"rises {np.round(rise, 3).tolist()}"
