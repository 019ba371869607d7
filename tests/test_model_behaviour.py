"""Behavioural tests of a trained model (Made-With-ML style), on a small real model trained in a
session fixture (conftest.small_model) and scored on generated profiles it never saw.

- invariance: what says nothing about fakeness (a name, a city, the language of a personal
  note) does not move the decision;
- direction: adding a pitch, removing the photo or a younger account never lowers the score;
- minimum functionality: each seed red flag alone, on an otherwise average member, raises the
  score by at least the smallest effect that is named as a reason.

Tests marked xfail(strict=True) fail on today's model, each with its measured reason. The
profile's red flags are monotonic (the families' `increasing` / `decreasing` in
features/registry.py), the note feeds only its own features (not the profile-wide writing
features, nor by its length), lifetime activity counts get no per-30-day rate, and the generated
data holds `one_tell` fakes (an established profile with exactly one red flag). A note's red
flag (a pitch, bait, a link) and a hijacked account's note are put on a genuine member's twin
(synth/generate._twinned: an honest member's profile whose only difference is the note), so the
note alone tells: the three directions, a thin profile, a pitch, bait and a new account pass. The
remaining flags are too rare alone in 3,000 training profiles (about 8 `one_tell` fakes per flag)
to raise a score by min_effect. (On the branch that built this the invariance and mass inviting
passed too; merged with the machine-style features and 1% label noise they fall short, measured
in their reasons.) Strict, so they turn into failures, to be unmarked, once fixed.
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
    "finding (small model): monotonic, but this red flag alone raises at least one of the three "
    "average members' scores by less than min_effect (measured rises {}): one_tell fakes show it "
    "on about 8 of the 3,000 training profiles"
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


@pytest.mark.parametrize("change", [_other_name, _other_city], ids=["name", "city"])
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
    reason="finding (small model, after merging the machine-style features and 1% label noise): "
    "the same personal note in Danish instead of English moves 1 genuine member from accept to "
    "ask (the stock-phrase features read the note in each language's own lexicon)",
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
    # A year younger, at most up to two months before the data's reference date; an account
    # already younger than that stays as it is (never made older).
    r["created_at"] = max(created, min(created + timedelta(days=365), date(2026, 5, 1))).isoformat()
    return r


DIRECTION = {  # name: (change, reason for a strict xfail or None)
    "pitch": (_add_pitch, None),
    "no-photo": (_remove_photo, None),
    "younger": (_younger, None),
}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(ch, marks=pytest.mark.xfail(strict=True, reason=why) if why else (), id=name)
        for name, (ch, why) in DIRECTION.items()
    ],
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
RED_FLAGS = {  # name: (change, reason for a strict xfail or None)
    "no-photo": (_remove_photo, ISSUE_23.format("0.0, 0.0, 0.0")),
    "thin-profile": (_thin, None),
    "misspelled": (_misspelled, ISSUE_23.format("0.004, 0.474, 0.004")),
    "no-activity": (_no_activity, ISSUE_23.format("0.043, 0.001, 0.006")),
    "pitch": (_note(EN["note_pitch"][0].format(rname="Anna")), None),
    "whatsapp-bait": (_note(EN["note_bait"][0].format(phone="+44 7700 900123")), None),
    "link": (
        _note("Hi, see my portfolio at http://bit.ly/abc123"),
        ISSUE_23.format("-0.001, 0.003, 0.002")
        + " (its one_tells are genuine members' twins since session 5, but only about 6)",
    ),
    "mass-inviting": (
        _invitation(invitations_sent_last_7d=180),
        ISSUE_23.format("0.033, 0.06, 0.055"),
    ),
    "new-account": (_new_account, None),
}
# Notes that are no red flag alone (see the test below): they must not make a member look safer.
NOT_ALONE = {  # name: (change, reason for a strict xfail or None)
    "no-note": (
        _note(None),
        "finding (small model, after the merge): removing the personal note lowers one of the "
        "three members' scores by up to 0.017 (rises -0.005, -0.011, -0.017), although "
        "invite_has_note is "
        "declared decreasing: the note's content columns turn NaN with it, and the trees send a "
        "missing value to whichever side of a split fitted best (blank notes are mostly "
        "genuine members'), which the monotonic constraints do not order",
    ),
    "canned-note": (_note(EN["note_canned"][1]), None),
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


@pytest.mark.parametrize(
    "flag",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=why) if why else ())
        for name, (_, why) in NOT_ALONE.items()
    ],
)
def test_minimum_functionality_a_blank_or_canned_note_alone_never_looks_safer(
    small_model, average, flag
):
    """A blank or a canned note is a seed red flag only together with others, so its premise
    differs from the test above: most invitations carry no note, and the canned ones are the
    network's own suggested text. In the default data (20,000 generated profiles) a blank note
    is on 50.5% of genuine members' invitations and 22.6% of fakes' (a fake share of 0.14 among
    blank notes against 0.36 among the others), a canned note on 14.7% and 13.4%: alone, neither
    can raise a calibrated probability by min_effect without reporting honest members. What must
    hold is the declared direction (`invite_has_note` decreasing, `invite_note_canned*`
    increasing): replacing an average member's personal note by none or a canned one never
    lowers the score."""
    before = small_model.score(average)["score"].to_numpy()
    after = small_model.score(changed(average, NOT_ALONE[flag][0]))["score"].to_numpy()
    rise = after - before
    assert np.all(rise >= -1e-9), f"rises {np.round(rise, 3).tolist()}"
